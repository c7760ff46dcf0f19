"""Time every autosave of a run long enough to cross the journal's compaction, against the
production server on loopback.

The store folds its journal into a new snapshot once the journal has grown past the
snapshot's size; at 5,000 providers that is some 13,000 autosaves. This run makes enough
of them to cross it at least once (it watches the journal shrink), and reports the
percentiles, the slowest requests and how many took over 50 ms: for the whole run, and for
the saves made while the new snapshot was being written (its temporary file existed). The
server runs through bench/timed_fsync.py, so each save's wait for the disk to confirm it is
told apart from finder's own time, and the same number of bare appends, each fsynced, show
what the disk alone does.

    python bench/autosave_compaction.py                    # 5,000 providers, 25,000 calls
    python bench/autosave_compaction.py --providers 1000 --calls 5000
    python bench/autosave_compaction.py --disk-only 150000    # the disk alone, no finder
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_data import write_data_folder  # noqa: E402
from harness import (Client, bare_disk_saves, disk_waits, finder_server,  # noqa: E402
                     machine)

SLOW_MS = 50
LINE_BYTES = 1_000  # about what one of these saves adds to the journal
OPTIONS = ["percent_of_current", "fixed_mg", "unclear", "percent_unclear_base"]


def autosave_run(data: Path, providers: int, most: int, compactions: int) -> dict:
    journal, fsync_log = data / "finder.journal", data.parent / "fsync.log"
    with finder_server(data, fsync_log) as server:
        client = Client(server.port)
        call_id, token = _a_call_and_its_token(client, providers)
        samples, windows, during, crossed, last_size = [], [], [], [], 0
        for number in range(most):
            body = json.dumps({"name": "answer-step_size", "value": OPTIONS[number % 4],
                               "rev": None}).encode()
            compacting = _snapshot_being_written(data)
            started = time.clock_gettime(time.CLOCK_MONOTONIC)
            status, _ = client.request("POST", f"/calls/{call_id}/fields", body,
                                       {"Content-Type": "application/json",
                                        "X-CSRFToken": token})
            windows.append((started, time.clock_gettime(time.CLOCK_MONOTONIC)))
            samples.append((windows[-1][1] - started) * 1000)
            if compacting or _snapshot_being_written(data):
                during.append(number)
            if status != 200:
                raise RuntimeError(f"autosave {number}: HTTP {status}")
            size = journal.stat().st_size
            if size < last_size:
                crossed.append(number)
                if len(crossed) >= compactions:
                    break
            last_size = size
    disk = disk_waits(fsync_log, windows)
    bare = bare_disk_saves(data.parent, len(samples), LINE_BYTES).samples
    return {"samples": samples, "during": during, "compacted_after": crossed,
            "own": [total - waited for total, waited in zip(samples, disk)], "bare": bare}


def _snapshot_being_written(data: Path) -> bool:
    return any(data.glob("finder.json.tmp-*"))


def _a_call_and_its_token(client: Client, providers: int) -> tuple[int, str]:
    _, page = client.request("GET", f"/providers/{providers // 2 or 1}")
    call_id = int(re.search(rb"/calls/(\d+)", page).group(1))
    _, call_page = client.request("GET", f"/calls/{call_id}")
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', call_page).group(1).decode()
    return call_id, token


def percentiles(samples: list[float], what: str = "saves") -> str:
    if not samples:
        return "none"
    ordered = sorted(samples)

    def share(fraction: float) -> float:
        return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]

    over = sum(1 for sample in samples if sample > SLOW_MS)
    return (f"{len(samples):,} {what}: p50 {share(0.5):.1f} ms, p95 {share(0.95):.1f} ms, "
            f"p99 {share(0.99):.1f} ms, max {ordered[-1]:.1f} ms; over {SLOW_MS} ms: {over}")


def report(providers: int, calls: int, result: dict) -> str:
    samples = result["samples"]
    slowest = sorted(range(len(samples)), key=samples.__getitem__, reverse=True)[:5]
    return "\n".join([
        f"{providers:,} providers / {calls:,} calls; the journal was folded after save(s) "
        f"{result['compacted_after'] or 'none'}",
        f"all       {percentiles(samples)}",
        f"during    {percentiles([samples[i] for i in result['during']])} "
        "(while the new snapshot was being written)",
        f"own       {percentiles(result['own'])} (less each save's wait for the disk)",
        f"disk      {percentiles(result['bare'], 'appends')} (the disk alone: "
        f"{LINE_BYTES:,} bytes appended and fsynced as many times, no finder)",
        "slowest: " + ", ".join(f"#{i} {samples[i]:.1f} ms" for i in slowest),
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--providers", type=int, default=5000)
    parser.add_argument("--calls", type=int, default=25000)
    parser.add_argument("--most", type=int, default=30000, help="stop after this many saves")
    parser.add_argument("--compactions", type=int, default=1,
                        help="stop once the journal was folded this many times")
    parser.add_argument("--disk-only", type=int, metavar="COUNT",
                        help="only append and fsync COUNT lines, no finder: the disk alone")
    options = parser.parse_args()
    print(machine())
    if options.disk_only:
        with tempfile.TemporaryDirectory(prefix="finder-bench-") as folder:
            bare = bare_disk_saves(Path(folder), options.disk_only, LINE_BYTES).samples
        print(f"disk alone, {LINE_BYTES:,} bytes appended and fsynced each time: "
              f"{percentiles(bare, 'appends')}")
        return
    with tempfile.TemporaryDirectory(prefix="finder-bench-") as folder:
        data = write_data_folder(Path(folder) / "data", options.providers, options.calls)
        result = autosave_run(data, options.providers, options.most, options.compactions)
    print(report(options.providers, options.calls, result))


if __name__ == "__main__":
    main()
