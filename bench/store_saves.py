"""Time single saves in the store itself (no web server) at several data sizes.

Each save changes one answer of one call, as an autosave does, in its own transaction. The
sizes take turns, a block of saves each, so that a busy disk slows them alike. With
--without-fsync the fsync calls are skipped, to show the store's own work apart from the
disk's.

    python bench/store_saves.py                        # 100 and 5,000 providers
    python bench/store_saves.py --sizes 5000 --saves 20000
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_data import write_data_folder  # noqa: E402

from finder.directory import STORE_INDEXES  # noqa: E402
from finder.store import Store  # noqa: E402

CALLS_PER_PROVIDER = 5
BLOCK = 50


def save_once(store: Store, number: int, calls: int) -> float:
    call_id = number % calls + 1
    started = time.perf_counter()
    with store.transaction():
        call = store.view("calls", call_id)
        answers = dict(call["answers"], step_size={"option": "fixed_mg",
                                                   "note": f"save {number}"})
        store.update("calls", call_id, {"answers": answers})
    return (time.perf_counter() - started) * 1000


def summary(timings: list[float]) -> str:
    ordered = sorted(timings)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    return (f"{len(ordered)} saves, p50 {statistics.median(ordered):.2f} ms, "
            f"p95 {p95:.2f} ms, max {ordered[-1]:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 5000])
    parser.add_argument("--saves", type=int, default=1000)
    parser.add_argument("--without-fsync", action="store_true")
    options = parser.parse_args()
    if options.without_fsync:
        os.fsync = lambda fd: None
    with ExitStack() as stack:
        stores = {}
        for providers in options.sizes:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            write_data_folder(folder, providers, providers * CALLS_PER_PROVIDER)
            stores[providers] = Store(folder, indexes=STORE_INDEXES)
        timings: dict[int, list[float]] = {providers: [] for providers in stores}
        for start in range(0, options.saves, BLOCK):
            for providers, store in stores.items():
                calls = providers * CALLS_PER_PROVIDER
                timings[providers] += [save_once(store, number, calls)
                                       for number in range(start, start + BLOCK)]
        for providers, store in stores.items():
            store.close()
            print(f"{providers:>6} providers / {providers * CALLS_PER_PROVIDER:>6} calls: "
                  f"{summary(timings[providers])}")


if __name__ == "__main__":
    main()
