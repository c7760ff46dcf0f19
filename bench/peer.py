"""finder's shortlist next to Datasette's table page of the same providers, in one run,
request by request, at 100, 1,000, 5,000 and 20,000 providers.

For each size it fills a data folder through `finder import` (bench/make_data.py), reads it
back with `finder export`, and loads the providers into SQLite: one table with the
shortlist's columns (name, practice, specialty, tags, verdict, score, red flags, status,
follow-up, where, video, last contact) plus state and finder's "best match first" place
(`rank`), with indexes on the filtered and sorted columns. Datasette serves it on loopback
(uvicorn, its own static files; nothing from a CDN), with facet suggestions off so that it
computes only the two facets asked for, as finder computes only its own counts.

Then for three views, after a warm-up, finder's page and Datasette's page alternate:
- the shortlist:            /?per_page=100
  Datasette:                /finder/providers?_sort=rank&_facet=status&_facet=verdict&_size=N
- filtered by two filters:  /?status=to_call&verdict=red_flag&per_page=100
  Datasette:                the same filters as column filters, the same two facets
- sorted by name:           /?sort=name&per_page=100     Datasette: _sort=name

N, Datasette's page size, is the number of rows finder's page showed: 100 once the shortlist
is paged (per_page is ignored until then, and finder shows every matching row). The report
says whether both pages listed the same providers in the same order.

    pip install -e '.[bench]'          # datasette
    .venv/bin/python bench/peer.py                   # all four sizes
    .venv/bin/python bench/peer.py --sizes 100,5000
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from display_rows import display_rows  # noqa: E402
from harness import (PAGE_SIZE, Budget, Client, Server, body_rows,  # noqa: E402
                     export_tables, finder_row_ids, finder_server, free_port, interleaved,
                     load_average, machine, make_data_set, markdown_table, ms, noise_note,
                     share, verdict_lines)

SIZES = {100: 500, 1000: 5000, 5000: 25000, 20000: 100000}
DATABASE = "finder"
FILTERS = "status=to_call&verdict=red_flag"
# rank and state are there to sort and filter by; finder shows neither column (its "Where"
# is the place), so Datasette's page hides them.
FACETS = "_facet=status&_facet=verdict&_nocol=rank&_nocol=state"
VIEWS = {  # name: (finder's path, Datasette's query without _size)
    "shortlist": (f"/?per_page={PAGE_SIZE}", f"_sort=rank&{FACETS}"),
    "shortlist filtered (status + verdict)": (f"/?{FILTERS}&per_page={PAGE_SIZE}",
                                              f"{FILTERS}&_sort=rank&{FACETS}"),
    "shortlist sorted by name": (f"/?sort=name&per_page={PAGE_SIZE}", f"_sort=name&{FACETS}"),
}
COLUMNS = ["name", "practice", "specialty", "tags", "verdict", "score", "red_flags", "status",
           "follow_up", "place", "state", "video", "last_contact", "rank"]


def load_sqlite(tables: dict, path: Path) -> int:
    """The providers as one SQLite table; returns how many."""
    rows = display_rows(tables)
    with sqlite3.connect(path) as database:
        database.execute(
            "create table providers (id integer primary key, name text, practice text, "
            "specialty text, tags text, verdict text, score text, red_flags integer, "
            "status text, follow_up text, place text, state text, video text, "
            "last_contact text, rank integer)")
        database.executemany(
            f"insert into providers values (:id, {', '.join(':' + c for c in COLUMNS)})",
            [dict(row, tags=", ".join(row["tags"]), place=row["where"]) for row in rows])
        for column in ("status", "verdict", "rank", "name"):
            database.execute(f"create index providers_{column} on providers ({column})")
    return len(rows)


def datasette_server(path: Path, rows: int) -> Server:
    port = free_port()
    settings = {"suggest_facets": "off", "default_page_size": str(PAGE_SIZE),
                # Room for the page sizes finder shows today (every row) and time to draw them.
                "max_returned_rows": str(max(1000, rows)), "sql_time_limit_ms": "60000",
                "facet_time_limit_ms": "60000"}
    command = [sys.executable, "-m", "datasette", "serve", str(path), "--host", "127.0.0.1",
               "--port", str(port)]
    for name, value in settings.items():
        command += ["--setting", name, value]
    return Server(command, port, "/-/versions.json", "Datasette")


def datasette_row_ids(html: bytes) -> list[int]:
    """The providers Datasette's table page lists, in order (each row's primary-key link)."""
    return [int(i) for i in re.findall(
        rb'<td class="col-id type-pk"><a href="/' + DATABASE.encode() + rb'/providers/(\d+)"',
        html)]


def measure_size(providers: int, calls: int, budget: Budget) -> dict:
    started = time.perf_counter()
    data = make_data_set(providers, calls)
    database = data.folder.parent / f"{DATABASE}.db"
    count = load_sqlite(export_tables(data.folder), database)
    say(f"  data made and loaded into SQLite in {time.perf_counter() - started:.1f} s")
    result = {"providers": providers, "calls": calls, "views": {}}
    try:
        with datasette_server(database, count) as datasette, \
                finder_server(data.folder) as finder:
            finder_client, peer_client = Client(finder.port), Client(datasette.port)
            for name, (finder_path, query) in VIEWS.items():
                say(f"  {name}…")
                _, page = finder_client.get(finder_path)
                ids = finder_row_ids(page)
                peer_path = f"/{DATABASE}/providers?{query}&_size={max(1, len(ids))}"
                _, peer_page = peer_client.get(peer_path)
                timings = interleaved(
                    {"finder": lambda p=finder_path: finder_client.get(p),
                     "datasette": lambda p=peer_path: peer_client.get(p)},
                    budget, {"finder": name, "datasette": "Datasette, same rows"})
                timings["finder"].rows = body_rows(page)
                timings["datasette"].rows = body_rows(peer_page)
                peer_ids = datasette_row_ids(peer_page)
                same = ("same, same order" if peer_ids == ids else
                        "same, other order" if sorted(peer_ids) == sorted(ids) else "DIFFERENT")
                result["views"][name] = {"finder": timings["finder"],
                                         "datasette": timings["datasette"],
                                         "same_rows": same, "datasette_path": peer_path}
    finally:
        data.remove()
    say(f"  {providers} providers done in {time.perf_counter() - started:.0f} s")
    return result


def report(results: list[dict]) -> str:
    rows = []
    for result in results:
        size = f"{result['providers']:,} / {result['calls']:,}"
        for name, view in result["views"].items():
            finder, peer = view["finder"], view["datasette"]
            for timing in (finder, peer):
                is_finder = timing is finder
                rows.append([size, timing.name, str(timing.n), f"{timing.rows:,}",
                             ms(timing.p50), ms(timing.p95), ms(timing.p99), ms(timing.max),
                             f"{finder.p50 / peer.p50:.2f}×" if is_finder else "",
                             f"{finder.p95 / peer.p95:.2f}×" if is_finder else "",
                             view["same_rows"] if is_finder else "",
                             share(timing.others_cpu)])
    return markdown_table(["providers / calls", "page", "n", "rows shown", "p50 ms", "p95 ms",
                           "p99 ms", "max ms", "p50 ÷ Datasette", "p95 ÷ Datasette",
                           "same providers", "others' CPU"], rows, {2, 3, 4, 5, 6, 7, 8, 9, 11})


def checks(results: list[dict]) -> list[tuple[str, bool | None]]:
    found = []
    for result in results:
        for name, view in result["views"].items():
            finder, peer = view["finder"], view["datasette"]
            r50, r95 = finder.p50 / peer.p50, finder.p95 / peer.p95
            found.append((f"{name} p50 and p95 ≤ 0.8× Datasette at {result['providers']:,} "
                          f"providers: p50 {r50:.2f}× ({ms(finder.p50)} vs {ms(peer.p50)} ms), "
                          f"p95 {r95:.2f}× ({ms(finder.p95)} vs {ms(peer.p95)} ms), "
                          f"{finder.rows:,} rows each{noise_note(finder)}",
                          r50 <= 0.8 and r95 <= 0.8 and view["same_rows"] != "DIFFERENT"))
    return found


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,5000,20000")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--minimum", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--quiet-wait", type=float, default=0, metavar="SECONDS",
                        help="on a shared machine, wait up to SECONDS before each measure "
                             "for other programs to use under 10 %% of the CPU, and measure "
                             "again (up to 3 times) when they were busy during it anyway")
    options = parser.parse_args()
    budget = Budget(options.requests, options.seconds, options.minimum, options.warmup,
                    options.quiet_wait)
    about_machine, load_before = machine(), load_average()
    import datasette.version
    started = time.perf_counter()
    results = []
    for providers in (int(size) for size in options.sizes.split(",")):
        calls = SIZES.get(providers, providers * 5)
        say(f"measuring {providers:,} providers, {calls:,} calls…")
        results.append(measure_size(providers, calls, budget))
    print(f"## finder's shortlist next to Datasette ({dt.date.today().isoformat()})\n")
    print(f"Machine: {about_machine}; load average {load_before} before the run, "
          f"{load_average()} after. finder: waitress, 8 threads; Datasette "
          f"{datasette.version.__version__} (uvicorn, SQLite {sqlite3.sqlite_version}, "
          "suggest_facets off); both on loopback, timed alternately, request by request; "
          f"whole run {time.perf_counter() - started:.0f} s. Up to {options.requests} requests "
          f"a page after {options.warmup} warm-up rounds, fewer once {options.seconds:.0f} s "
          "are spent (see n). Datasette's _size is the number of rows finder's page showed "
          f"(finder is asked for ?per_page={PAGE_SIZE}). \"Others' CPU\" is the share of the "
          "whole machine that programs other than the benchmark and its servers used during "
          "the measure: above a few per cent, the times are noisy.\n")
    print(report(results))
    print("\n### Target (issue 17)\n")
    print(verdict_lines(checks(results)))


if __name__ == "__main__":
    main()
