"""What bench/run.py and bench/peer.py share: data sets, servers started as processes, a
keep-alive client, percentiles, memory read from /proc, and the Markdown they print.

finder is reached only through its command line (`python -m finder serve|export|import`)
and its HTTP pages, so that moving modules inside finder/ breaks nothing here.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_data import (ctrl_c_stops_it, finder_command, free_port,  # noqa: E402
                       write_data_folder)

BENCH = Path(__file__).resolve().parent
# A cheap page that goes through the app (hooks, security headers) without drawing a
# template, so polling it during start-up warms none of the pages measured afterwards.
READY_PATH = "/static/finder.css"
# finder's shortlist shows 100 rows a page unless the address asks for another page size; the
# benchmark asks for its default pages, as a user first sees them.
PAGE_SIZE = 100
# Calls per provider at each size (issue 14's targets are at 5,000 providers, 25,000 calls).
CALLS_PER_PROVIDER = 5
SIZES = (100, 1000, 5000, 20000)
# The three shortlist views measured (the two filters are those Datasette filters by too).
FILTERS = "status=to_call&verdict=red_flag"
SHORTLIST_VIEWS = {  # key: (name, finder's address)
    "shortlist": ("shortlist", "/"),
    "filtered": ("shortlist filtered (status + verdict)", f"/?{FILTERS}"),
    "sorted": ("shortlist sorted by name", "/?sort=name"),
}


# -- numbers ------------------------------------------------------------------------------


def percentile(samples: list[float], share: float) -> float:
    """Nearest-rank percentile: the smallest sample at or above `share` of them."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass
class Timing:
    """Milliseconds of each request of one measure."""

    name: str
    samples: list[float] = field(default_factory=list)
    rows: int | None = None      # rows the page showed (shortlist-like pages)
    size: int | None = None      # bytes of the last response
    others_cpu: float | None = None  # share of the machine other programs used meanwhile
    # Of each request, the milliseconds its thread spent in fsync, waiting for the disk to
    # confirm a write (measured for saves only, through bench/timed_fsync.py).
    disk_ms: list[float] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.samples)

    def p(self, share: float) -> float:
        return percentile(self.samples, share)

    @property
    def p50(self) -> float:
        return self.p(0.50)

    @property
    def p95(self) -> float:
        return self.p(0.95)

    @property
    def p99(self) -> float:
        return self.p(0.99)

    @property
    def max(self) -> float:
        return max(self.samples)

    @property
    def own_ms(self) -> list[float]:
        """Each request's time less its wait for the disk: what finder itself took."""
        return [total - disk for total, disk in zip(self.samples, self.disk_ms)]


# -- data ---------------------------------------------------------------------------------


@dataclass
class DataSet:
    """A data folder filled through `finder import`, and one provider and call in it."""

    folder: Path
    providers: int
    calls: int
    provider_id: int
    call_id: int

    def remove(self) -> None:
        shutil.rmtree(self.folder.parent, ignore_errors=True)


def make_data_set(providers: int, calls: int) -> DataSet:
    folder = Path(tempfile.mkdtemp(prefix=f"finder-bench-{providers}-")) / "data"
    write_data_folder(folder, providers, calls)
    # The middle call of the generated file, and the provider it belongs to.
    generated = json.loads((folder.parent / f"generated-{providers}.json").read_text())
    call_id = calls // 2 or 1
    provider_id = generated["tables"]["calls"][str(call_id)]["provider_id"]
    return DataSet(folder, providers, calls, provider_id, call_id)


def export_tables(folder: Path) -> dict:
    """Every table, as `finder export` writes them (providers with their standings)."""
    exported = subprocess.run(finder_command("export", "--data-dir", str(folder)),
                              check=True, capture_output=True).stdout
    return json.loads(exported)["tables"]


# -- servers ------------------------------------------------------------------------------


# The servers this benchmark started: their CPU time is ours, everything else's is noise.
OUR_PIDS: set[int] = set()


class Server:
    """A server process on loopback: started, timed until it answers, stopped with Ctrl+C."""

    def __init__(self, command: list[str], port: int, ready_path: str, name: str):
        self.command, self.port, self.ready_path, self.name = command, port, ready_path, name
        self.process: subprocess.Popen | None = None
        self.startup_s = float("nan")

    def start(self, timeout: float = 300) -> "Server":
        started = time.perf_counter()
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(self.command, stdout=self.log, stderr=self.log,
                                        preexec_fn=ctrl_c_stops_it)
        while time.perf_counter() - started < timeout:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(f"{self.name} exited during start-up: "
                                   f"{self.log.read().decode()[-2000:]}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", self.ready_path)
                connection.getresponse().read()
                connection.close()
                self.startup_s = time.perf_counter() - started
                OUR_PIDS.add(self.process.pid)
                return self
            except OSError:
                time.sleep(0.01)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer within {timeout} s")

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        if self.process:
            OUR_PIDS.discard(self.process.pid)
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process:
            self.log.close()

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def finder_server(folder: Path, fsync_log: Path | None = None) -> Server:
    """finder's production server (waitress, its default 8 threads) on loopback; with
    fsync_log, run through bench/timed_fsync.py, which logs there each fsync it makes."""
    port = free_port()
    arguments = ("serve", "--port", str(port), "--data-dir", str(folder))
    command = ([sys.executable, str(BENCH / "timed_fsync.py"), str(fsync_log), *arguments]
               if fsync_log else finder_command(*arguments))
    return Server(command, port, READY_PATH, "finder")


def disk_waits(fsync_log: Path, windows: list[tuple[float, float]]) -> list[float]:
    """For each request, given as its (start, end) on CLOCK_MONOTONIC in time order, the
    milliseconds that request threads (waitress-N) spent in the fsyncs logged within it.
    The requests come one at a time, so those fsyncs are that request's own."""
    fsyncs = sorted((float(start), float(end)) for start, end, thread in (
        line.split(" ", 2) for line in fsync_log.read_text().splitlines())
        if thread.startswith("waitress"))
    waits, first = [], 0
    for start, end in windows:
        while first < len(fsyncs) and fsyncs[first][0] < start:
            first += 1
        waited, next_one = 0.0, first
        while next_one < len(fsyncs) and fsyncs[next_one][1] <= end:
            waited += fsyncs[next_one][1] - fsyncs[next_one][0]
            next_one += 1
        waits.append(waited * 1000)
    return waits


def bare_disk_saves(folder: Path, count: int, line_bytes: int) -> Timing:
    """The disk alone, as a yardstick for the saves: `count` lines of `line_bytes` appended
    to a file in `folder`, each fsynced, timed one by one. No program that confirms a save
    only once it is on disk can wait less than this."""
    timing = Timing("the disk alone: a line appended and fsynced")
    line = b"x" * (line_bytes - 1) + b"\n"
    path = folder / "bare-disk-saves"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        for _ in range(count):
            started = time.perf_counter()
            os.write(fd, line)
            os.fsync(fd)
            timing.samples.append((time.perf_counter() - started) * 1000)
    finally:
        os.close(fd)
        path.unlink()
    return timing


# -- requests -----------------------------------------------------------------------------


class Client:
    """One keep-alive connection with the session cookie, like a browser tab."""

    def __init__(self, port: int):
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        self.cookie = ""

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict | None = None) -> tuple[int, bytes]:
        headers = dict(headers or {})
        if self.cookie:
            headers["Cookie"] = self.cookie
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # The server closed the kept-alive connection: open another, like a browser.
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        data = response.read()
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        return response.status, data

    def timed(self, method: str, path: str, body: bytes | None = None,
              headers: dict | None = None) -> tuple[float, bytes]:
        """(milliseconds, body) of one request; an HTTP error stops the benchmark."""
        started = time.perf_counter()
        status, data = self.request(method, path, body, headers)
        elapsed = (time.perf_counter() - started) * 1000
        if status >= 400:
            raise RuntimeError(f"{method} {path} on port {self.port}: HTTP {status}: "
                               f"{data[:300]!r}")
        return elapsed, data

    def get(self, path: str) -> tuple[float, bytes]:
        return self.timed("GET", path)

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def csrf_token(page: bytes) -> str:
    return re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page).group(1).decode()


@dataclass
class Budget:
    """How many requests a measure makes: up to `requests`, but stop after `seconds` of
    timed requests once `minimum` are done (the largest sizes make fewer requests)."""

    requests: int = 200
    seconds: float = 20.0
    minimum: int = 10
    warmup: int = 5
    quiet_wait: float = 0.0  # wait up to this long for other programs to calm down first
                             # (and measure again when they did not: see interleaved)

    def more(self, done: int, started: float) -> bool:
        if done < self.minimum:
            return True
        return done < self.requests and time.perf_counter() - started < self.seconds


class OthersCpu:
    """The share of the whole machine (every core) that programs other than this benchmark
    and its servers kept busy during a with-block: the noise a shared machine adds."""

    def __enter__(self) -> "OthersCpu":
        self._start = self._ticks()
        self.share = float("nan")
        return self

    def __exit__(self, *exc) -> None:
        busy0, total0, ours0 = self._start
        busy1, total1, ours1 = self._ticks()
        if total1 > total0:
            self.share = max(0.0, (busy1 - busy0) - (ours1 - ours0)) / (total1 - total0)

    @staticmethod
    def _ticks() -> tuple[int, int, float]:
        with open("/proc/stat") as stat:
            fields = [int(value) for value in stat.readline().split()[1:]]
        idle = fields[3] + fields[4]  # idle, iowait
        total = sum(fields[:8])       # user … steal (guest time is inside user)
        ours = sum(os.times()[:2]) * TICKS
        for pid in list(OUR_PIDS):
            try:
                with open(f"/proc/{pid}/stat") as stat:
                    after_name = stat.read().rsplit(")", 1)[1].split()
                ours += int(after_name[11]) + int(after_name[12])  # utime, stime
            except (OSError, IndexError):
                pass
        return total - idle, total, ours


TICKS = os.sysconf("SC_CLK_TCK")


# Above this share of the machine used by other programs, a measure is called noisy.
NOISY = 0.10


def wait_for_quiet(longest_s: float, window_s: float = 2) -> None:
    """On a shared machine: wait, up to `longest_s`, until other programs have used less than
    NOISY of the machine for `window_s`."""
    deadline = time.monotonic() + longest_s
    while time.monotonic() < deadline:
        with OthersCpu() as others:
            time.sleep(window_s)
        if others.share < NOISY:
            return


def interleaved(sides: dict[str, Callable[[], tuple[float, bytes]]], budget: Budget,
                names: dict[str, str], attempts: int = 3) -> dict[str, Timing]:
    """Alternate one request of each side until the budget is spent, so that the machine
    speeding up or slowing down moves every side alike. The first request of each round
    goes to each side in turn.

    With budget.quiet_wait, the measure waits for other programs to calm down first, and is
    made again (up to `attempts` times) when they were busy during it anyway; the attempt
    they disturbed least is kept (chosen by their CPU use, never by the times measured)."""
    tries = []
    for _ in range(attempts if budget.quiet_wait else 1):
        if budget.quiet_wait:
            wait_for_quiet(budget.quiet_wait)
        tries.append(_interleaved_once(sides, budget, names))
        if next(iter(tries[-1].values())).others_cpu < NOISY:
            break
    return min(tries, key=lambda timings: next(iter(timings.values())).others_cpu)


def _interleaved_once(sides, budget: Budget, names: dict[str, str]) -> dict[str, Timing]:
    timings = {key: Timing(names[key]) for key in sides}
    order = list(sides)
    started = time.perf_counter()
    for round_ in range(budget.warmup):
        if round_ >= 2 and time.perf_counter() - started > budget.seconds / 4:
            break  # slow pages: two rounds warm them as well as five
        for key in order:
            sides[key]()
    started = time.perf_counter()
    with OthersCpu() as others:
        while budget.more(timings[order[0]].n, started):
            for key in order:
                elapsed, body = sides[key]()
                timings[key].samples.append(elapsed)
                timings[key].size = len(body)
            order = order[1:] + order[:1]
    for timing in timings.values():
        timing.others_cpu = others.share
    return timings


def add_budget_options(parser: argparse.ArgumentParser) -> None:
    """The options bench/run.py and bench/peer.py share: sizes, how many requests, --quick."""
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)),
                        help=f"providers, comma-separated ({CALLS_PER_PROVIDER} calls each)")
    parser.add_argument("--requests", type=int, default=200, help="most requests a measure")
    parser.add_argument("--seconds", type=float, default=20,
                        help="stop a measure after this many seconds of timed requests...")
    parser.add_argument("--minimum", type=int, default=10, help="...once this many are done")
    parser.add_argument("--warmup", type=int, default=5, help="warm-up rounds a measure")
    parser.add_argument("--quiet-wait", type=float, default=0, metavar="SECONDS",
                        help="on a shared machine, wait up to SECONDS before each measure "
                             "for other programs to use under 10 %% of the CPU, and measure "
                             "again (up to 3 times) when they were busy during it anyway")
    parser.add_argument("--quick", action="store_true",
                        help="a check that everything still runs, not a measure: 100 "
                             "providers, a few requests each, no waiting (what the test runs)")


def sizes_and_budget(options: argparse.Namespace) -> tuple[list[int], Budget]:
    if options.quick:
        return [100], Budget(requests=8, seconds=1, minimum=3, warmup=1, quiet_wait=0)
    sizes = [int(size) for size in options.sizes.split(",")]
    return sizes, Budget(options.requests, options.seconds, options.minimum, options.warmup,
                         options.quiet_wait)


def noise_note(*timings: Timing) -> str:
    """Words to add to a verdict when other programs were busy during its measures."""
    shares = [t.others_cpu for t in timings if t.others_cpu is not None]
    worst = max(shares, default=0.0)
    return (f" — noisy: other programs used {worst:.0%} of the CPU meanwhile"
            if worst >= NOISY else "")


# -- what a page shows --------------------------------------------------------------------


def body_rows(html: bytes) -> int:
    """Rows in the page's table bodies (<tr> inside <tbody>)."""
    return sum(block.count(b"<tr") for block in re.findall(rb"<tbody.*?</tbody>", html, re.S))


def finder_row_ids(html: bytes) -> list[int]:
    """The providers a shortlist page lists, in order (each row's compare checkbox)."""
    return [int(i) for i in re.findall(rb'name="id" value="(\d+)"', html)]


# -- memory -------------------------------------------------------------------------------


def memory_mb(pid: int) -> dict[str, float]:
    """VmRSS (now) and VmHWM (peak since start) of a process, in MB."""
    values = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, amount = line.split()[:2]
                values[key.rstrip(":")] = int(amount) / 1024
    return values


class MemorySampler:
    """Reads a process's VmRSS every few milliseconds while running (a with-block), and
    VmHWM after, so the peak of one request is seen even when it is not the process's
    lifetime peak."""

    def __init__(self, pid: int, every_s: float = 0.005):
        self.pid, self.every_s = pid, every_s
        self.peak_rss = 0.0
        self.before_rss = 0.0
        self._running = False

    def __enter__(self) -> "MemorySampler":
        self.before_rss = memory_mb(self.pid)["VmRSS"]
        self.peak_rss = self.before_rss
        self._running = True
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while self._running:
            self.peak_rss = max(self.peak_rss, memory_mb(self.pid)["VmRSS"])
            time.sleep(self.every_s)

    def __exit__(self, *exc) -> None:
        self._running = False
        self._thread.join()
        self.peak_rss = max(self.peak_rss, memory_mb(self.pid)["VmRSS"])


# -- printing -----------------------------------------------------------------------------


def machine() -> str:
    """The CPU model, cores, RAM, Python and kernel, as /proc and platform tell them."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info
                       if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    ram = ""
    try:
        with open("/proc/meminfo") as info:
            kb = next(int(line.split()[1]) for line in info if line.startswith("MemTotal:"))
        ram = f", {kb / 1024 / 1024:.1f} GB RAM"
    except (OSError, StopIteration):
        pass
    return (f"{cpu}, {os.cpu_count()} cores{ram}, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


def load_average() -> str:
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def share(value: float | None) -> str:
    return "–" if value is None or value != value else f"{value:.0%}"


def markdown_table(header: list[str], rows: list[list[str]], right: set[int]) -> str:
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---:" if i in right else "---" for i in range(len(header))) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def ms(value: float | None) -> str:
    if value is None or value != value:
        return "–"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def verdict_lines(checks: list[tuple[str, bool | None]]) -> str:
    marks = {True: "met", False: "NOT met", None: "not measured"}
    return "\n".join(f"- **{marks[ok]}**: {text}" for text, ok in checks)
