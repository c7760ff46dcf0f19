"""Run `finder` with each of its fsyncs timed, so that the benchmark can tell the time a save
waits for the disk to confirm it apart from the time finder itself takes.

    python bench/timed_fsync.py LOG serve --port 5000 --data-dir DATA

Every fsync adds a line to LOG: its start and end in seconds
of CLOCK_MONOTONIC (one clock for every process on the machine, so that the benchmark can
set them beside its own requests) and the name of the thread that made it (waitress-N for
a request, finder-store-… for the compaction). finder itself is run unchanged.
"""

from __future__ import annotations

import os
import runpy
import sys
import threading
import time


def log_slow_fsyncs(log_path: str) -> None:
    log = open(log_path, "a", buffering=1, encoding="utf-8")
    lock = threading.Lock()
    fsync = os.fsync

    def timed_fsync(fd: int) -> None:
        started = time.clock_gettime(time.CLOCK_MONOTONIC)
        try:
            fsync(fd)
        finally:
            ended = time.clock_gettime(time.CLOCK_MONOTONIC)
            with lock:
                log.write(f"{started:.6f} {ended:.6f} {threading.current_thread().name}\n")

    os.fsync = timed_fsync


if __name__ == "__main__":
    log_slow_fsyncs(sys.argv[1])
    sys.argv = ["finder", *sys.argv[2:]]
    runpy.run_module("finder", run_name="__main__", alter_sys=True)
