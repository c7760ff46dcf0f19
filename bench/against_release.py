"""The shortlist now beside the shortlist of an earlier release, request by request.

"No slower than before" can only be judged in one run: two servers side by side, the same
providers in each (each release's own bench/make_data.py fills its own data folder through
its own `finder import`), the same three views taking turns on kept-alive connections. The
earlier release is checked out with `git worktree` into a temporary folder and run from
there by this Python, so both use the same libraries. A third side, the bare Flask table
of bench/run.py, draws today's page (the same markup, from one template compiled once,
nothing left to decide): the least any Flask app drawing that page with Jinja takes.

    .venv/bin/python bench/against_release.py cd4c4d8 --providers 100 --quiet-wait 30

cd4c4d8 is the release before issue 14 (the last with its own speed machinery).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import (CALLS_PER_PROVIDER, PAGE_SIZE, Budget, Client, Server, Timing,  # noqa: E402
                     finder_row_ids, finder_server, interleaved, machine, markdown_table, ms,
                     noise_note)
from make_data import finder_command, free_port  # noqa: E402
from run import bare_table, show_on_bare_table  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
# This checkout's git; a checkout owned by another user (CI runs as root) is still ours.
GIT = ["git", "-c", "safe.directory=*", "-C", str(ROOT)]
# Views that list the same providers in both releases (checked as far as a page shows). The
# verdict rules changed (issue 13), so the best-match order may differ, and a verdict filter
# would pick other rows.
VIEWS = {"shortlist": "/", "shortlist sorted by name": "/?sort=name",
         "shortlist filtered (status)": "/?status=to_call"}


def release_checkout(commit: str, into: Path) -> Path:
    subprocess.run([*GIT, "worktree", "add", "--detach", "--quiet", str(into), commit],
                   check=True)
    return into


def same_data(checkout: Path, work: Path, providers: int, calls: int) -> tuple[Path, Path]:
    """Two data folders with the same providers and calls: the release's own make_data fills
    the first through the release's own `finder import`; the release's export of it is then
    imported by this checkout, as someone upgrading would bring their data across (finder
    scores them again by its own rules)."""
    release_folder, folder = work / "release-data", work / "data"
    release = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(checkout),
               "FINDER_DATA_DIR": str(release_folder)}
    subprocess.run([sys.executable, str(checkout / "bench" / "make_data.py"),
                    str(release_folder), "--providers", str(providers), "--calls", str(calls)],
                   cwd=checkout, env=release, check=True, capture_output=True)
    export_file = work / "release-export.json"
    subprocess.run([sys.executable, "-m", "finder", "export", str(export_file)],
                   cwd=checkout, env=release, check=True, capture_output=True)
    subprocess.run(finder_command("import", str(export_file), "--data-dir", str(folder),
                                  "--yes"), check=True, capture_output=True)
    return release_folder, folder


def release_server(checkout: Path, folder: Path) -> Server:
    port = free_port()
    command = ["env", f"--chdir={checkout}", f"PYTHONPATH={checkout}",
               f"FINDER_DATA_DIR={folder}", sys.executable, "-m", "finder", "serve",
               "--port", str(port)]
    return Server(command, port, "/static/finder.css", "release")


Result = tuple[str, Timing, Timing, Timing]  # a view: release, now, the bare table


def compare(commit: str, providers: int, budget: Budget) -> list[Result]:
    calls = providers * CALLS_PER_PROVIDER
    with tempfile.TemporaryDirectory(prefix="finder-against-release-") as temporary:
        work = Path(temporary)
        checkout = release_checkout(commit, work / "release")
        try:
            release_folder, folder = same_data(checkout, work, providers, calls)
            with release_server(checkout, release_folder) as before, \
                    finder_server(folder) as now, \
                    Client(before.port) as before_client, Client(now.port) as now_client:
                export_file = work / "export.json"
                export_file.write_bytes(now_client.get("/import-export/finder-data.json")[1])
                with bare_table(export_file) as table, Client(table.port) as table_client:
                    return [_view(before_client, now_client, table_client, name, path, budget)
                            for name, path in VIEWS.items()]
        finally:
            subprocess.run([*GIT, "worktree", "remove", "--force", str(checkout)], check=False)


def _view(before: Client, now: Client, table: Client, name: str, path: str,
          budget: Budget) -> Result:
    listed_before, listed_now = (finder_row_ids(client.get(path)[1]) for client in (before, now))
    # By name, both releases list the same providers in the same order; in the other views
    # the order may differ, so a first page holds the same providers only up to one page.
    same = (listed_before == listed_now if "sort=name" in path
            else len(listed_now) >= PAGE_SIZE or sorted(listed_before) == sorted(listed_now))
    if not same:
        raise SystemExit(f"{name}: the two releases list different providers: "
                         f"{sorted(listed_before)[:8]} against {sorted(listed_now)[:8]}")
    key = name.replace(" ", "-")
    show_on_bare_table(table, key, name, now.get(path)[1])
    timings = interleaved({"before": lambda: before.get(path), "now": lambda: now.get(path),
                           "table": lambda: table.get(f"/views/{key}")},
                          budget, {"before": "release", "now": "now", "table": "bare table"})
    timings["now"].rows = len(listed_now)
    return name, timings["before"], timings["now"], timings["table"]


def table(results: list[Result]) -> str:
    rows = [[name, str(now.rows), str(now.n), f"{ms(before.p50)} / {ms(before.p95)}",
             f"{ms(now.p50)} / {ms(now.p95)}",
             f"{now.p50 / before.p50:.2f}× / {now.p95 / before.p95:.2f}×",
             f"{before.size / 1000:.0f} / {now.size / 1000:.0f}",
             f"{ms(bare.p50)} / {ms(bare.p95)}",
             f"{bare.p50 / before.p50:.2f}× / {bare.p95 / before.p95:.2f}×"]
            for name, before, now, bare in results]
    return markdown_table(["view", "rows", "n", "release p50 / p95 ms", "now p50 / p95 ms",
                           "now ÷ release", "page kB, release / now",
                           "bare table (today's page) p50 / p95 ms", "bare table ÷ release"],
                          rows, {1, 2})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("commit", help="the earlier release, e.g. cd4c4d8")
    parser.add_argument("--providers", type=int, default=100)
    parser.add_argument("--requests", type=int, default=300, help="requests a view, each side")
    parser.add_argument("--quiet-wait", type=float, default=0, metavar="SECONDS",
                        help="wait up to SECONDS for other programs to calm down first")
    parser.add_argument("--quick", action="store_true",
                        help="a check that it still runs, not a measure: 20 providers, a few "
                             "requests (what the test runs)")
    options = parser.parse_args()
    budget = Budget(requests=options.requests, seconds=120, minimum=options.requests,
                    warmup=30, quiet_wait=options.quiet_wait)
    if options.quick:
        options.providers, budget = 20, Budget(requests=3, minimum=3, warmup=1)
    results = compare(options.commit, options.providers, budget)
    print(f"{options.providers} providers, the release {options.commit} beside this "
          f"checkout, on {machine()}\n")
    print(table(results))
    notes = [noise_note(before, now, bare) for _, before, now, bare in results]
    if any(notes):
        print("\nOther programs were busy:" + "".join(notes))


if __name__ == "__main__":
    main()
