"""Benchmark finder against the floor Flask sets, at several data sizes.

For each size it builds a data folder, starts finder with its production server (waitress)
on loopback, and measures over many requests after a warm-up: the shortlist (unfiltered,
filtered, sorted), a provider summary, the call page, one autosaved answer (a write), the CSV
export, start-up time and peak memory. In the same run a bare Flask app served the same way
gives two baselines: a "hello" route and an HTML table of the same rows from memory, each
timed half before and half after finder's pages.

    python bench/run.py                       # 100, 1,000 and 5,000 providers
    python bench/run.py --sizes 100 --requests 50
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_data import write_data_folder  # noqa: E402

BENCH = Path(__file__).resolve().parent
SIZES = {100: 500, 1000: 5000, 5000: 25000}
TARGETS = """Targets: shortlist pages within 2x the bare table; provider summary and call page
within 5x hello; autosave p95 at the largest size within 1.5x its p95 at the smallest;
start-up under 2 s and peak memory under 200 MB at the largest size."""


@dataclass
class Timing:
    name: str
    samples: list[float]

    def percentile(self, share: float) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]

    @property
    def p50(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        return self.percentile(0.95)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_listening(port: int, process: subprocess.Popen, timeout: float = 30) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if process.poll() is not None:
            raise RuntimeError("server exited during start-up")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/hello" if "baseline" in " ".join(process.args) else "/")
            connection.getresponse().read()
            connection.close()
            return time.perf_counter() - start
        except OSError:
            time.sleep(0.01)
    raise RuntimeError("server did not answer")


class Client:
    """One keep-alive connection with the session cookie, like a browser tab."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = ""

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict | None = None) -> tuple[int, bytes]:
        headers = dict(headers or {})
        if self.cookie:
            headers["Cookie"] = self.cookie
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        return response.status, data

    def time(self, name: str, count: int, warmup: int, make_request) -> Timing:
        for _ in range(warmup):
            make_request(self)
        samples = []
        for number in range(count):
            start = time.perf_counter()
            status = make_request(self, number)
            samples.append((time.perf_counter() - start) * 1000)
            if status >= 400:
                raise RuntimeError(f"{name}: HTTP {status}")
        return Timing(name, samples)


def get(path: str):
    def make(client: Client, number: int = 0) -> int:
        return client.request("GET", path)[0]
    return make


def peak_memory_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def measure_size(providers: int, calls: int, count: int, warmup: int) -> dict:
    folder = Path(tempfile.mkdtemp(prefix=f"finder-bench-{providers}-"))
    data = write_data_folder(folder / "data", providers, calls)
    results: dict[str, Timing | float] = {}

    baseline_port = free_port()
    baseline = subprocess.Popen([sys.executable, str(BENCH / "baseline_app.py"), str(data),
                                 str(baseline_port)], stdout=subprocess.DEVNULL)
    try:
        wait_listening(baseline_port, baseline)
        # The baselines are timed before and after finder's pages (finder stopped again),
        # half their requests each time, so that the machine speeding up or slowing down
        # during a run moves both sides of each ratio alike.
        first_half = measure_baselines(Client(baseline_port), count // 2, warmup)
        results.update(measure_finder_served(data, providers, count, warmup))
        second_half = measure_baselines(Client(baseline_port), count - count // 2, warmup)
    finally:
        baseline.terminate()
        baseline.wait()
    for name in first_half:
        results[name] = Timing(name, first_half[name].samples + second_half[name].samples)
    return results


def measure_finder_served(data: Path, providers: int, count: int, warmup: int) -> dict:
    port = free_port()
    finder = subprocess.Popen([sys.executable, "-m", "finder", "serve", "--port", str(port),
                               "--data-dir", str(data)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.STDOUT)
    try:
        results = {"startup_s": wait_listening(port, finder)}
        results.update(measure_finder(Client(port), providers, count, warmup))
        results["peak_mb"] = peak_memory_mb(finder.pid)
        return results
    finally:
        finder.send_signal(2)
        finder.wait(60)


def measure_baselines(client: Client, count: int, warmup: int) -> dict[str, Timing]:
    return {"hello": client.time("hello", count, warmup, get("/hello")),
            "table": client.time("table", count, warmup, get("/table"))}


def measure_finder(client: Client, providers: int, count: int, warmup: int) -> dict:
    middle = providers // 2 or 1
    status, page = client.request("GET", f"/providers/{middle}")
    call_id = int(re.search(rb"/calls/(\d+)", page).group(1)) if b"/calls/" in page else None
    if call_id is None:
        raise RuntimeError("the chosen provider has no call")
    status, call_page = client.request("GET", f"/calls/{call_id}")
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', call_page).group(1).decode()
    options = ["percent_of_current", "fixed_mg", "unclear", "percent_unclear_base"]

    def autosave(c: Client, number: int = 0) -> int:
        body = json.dumps({"name": "answer-step_size", "value": options[number % 4],
                           "rev": None}).encode()
        return c.request("POST", f"/calls/{call_id}/fields", body,
                         {"Content-Type": "application/json", "X-CSRFToken": token})[0]

    return {
        "shortlist": client.time("shortlist", count, warmup, get("/")),
        "shortlist_filtered": client.time(
            "shortlist filtered", count, warmup, get("/?red_flags=none&state=CA&status=to_call")),
        "shortlist_sorted": client.time("shortlist sorted", count, warmup, get("/?sort=name")),
        "summary": client.time("summary", count, warmup, get(f"/providers/{middle}/summary")),
        "call_page": client.time("call page", count, warmup, get(f"/calls/{call_id}")),
        "autosave": client.time("autosave", count, warmup, autosave),
        "csv_export": client.time("CSV export", max(5, count // 5), 2,
                                  get("/import-export/shortlist.csv")),
    }


ROWS = [("shortlist", "table"), ("shortlist_filtered", "table"), ("shortlist_sorted", "table"),
        ("summary", "hello"), ("call_page", "hello"), ("autosave", "hello"),
        ("csv_export", "table"), ("hello", None), ("table", None)]


def report(all_results: dict[int, dict]) -> str:
    lines = ["| size | measure | p50 ms | p95 ms | p50 ratio | baseline |",
             "|---|---|---:|---:|---:|---|"]
    for providers, results in all_results.items():
        size = f"{providers:,} / {SIZES.get(providers, 5 * providers):,}"
        for name, baseline in ROWS:
            timing = results[name]
            ratio = f"{timing.p50 / results[baseline].p50:.2f}x" if baseline else ""
            lines.append(f"| {size} | {timing.name} | {timing.p50:.1f} | {timing.p95:.1f} | "
                         f"{ratio} | {baseline or ''} |")
        lines.append(f"| {size} | start-up | {results['startup_s'] * 1000:.0f} | | | |")
        lines.append(f"| {size} | peak memory | {results['peak_mb']:.0f} MB | | | |")
    return "\n".join(lines)


def verdicts(all_results: dict[int, dict]) -> list[str]:
    smallest, largest = all_results[min(all_results)], all_results[max(all_results)]
    checks = []
    for providers, results in all_results.items():
        for name in ("shortlist", "shortlist_filtered", "shortlist_sorted"):
            ratio = results[name].p50 / results["table"].p50
            checks.append((f"{name} at {providers}: {ratio:.2f}x table", ratio <= 2))
        for name in ("summary", "call_page"):
            ratio = results[name].p50 / results["hello"].p50
            checks.append((f"{name} at {providers}: {ratio:.2f}x hello", ratio <= 5))
    growth = largest["autosave"].p95 / smallest["autosave"].p95
    checks.append((f"autosave p95 largest/smallest: {growth:.2f}x", growth <= 1.5))
    checks.append((f"start-up at largest: {largest['startup_s']:.2f} s",
                   largest["startup_s"] < 2))
    checks.append((f"peak memory at largest: {largest['peak_mb']:.0f} MB",
                   largest["peak_mb"] < 200))
    return [f"{'PASS' if ok else 'FAIL'}  {text}" for text, ok in checks]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info
                       if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return (f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,5000")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    options = parser.parse_args()
    all_results = {}
    for providers in (int(size) for size in options.sizes.split(",")):
        calls = SIZES.get(providers, providers * 5)
        print(f"measuring {providers} providers, {calls} calls…", file=sys.stderr, flush=True)
        all_results[providers] = measure_size(providers, calls, options.requests,
                                              options.warmup)
    print(f"Machine: {machine()}\n")
    print(report(all_results))
    print()
    print(TARGETS)
    print("\n".join(verdicts(all_results)))


if __name__ == "__main__":
    main()
