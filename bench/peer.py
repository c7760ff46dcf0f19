"""finder's shortlist next to Datasette's table page of the same providers, in one run,
request by request, at 100, 1,000, 5,000 and 20,000 providers.

For each size it fills a data folder through `finder import` (bench/make_data.py), reads it
back with `finder export`, and loads the providers into SQLite: one table with the words the
shortlist shows (name, practice, specialty · place · video, tags, verdict, score, red flags,
status, follow-up, last contact), finder's "best match first" place (`rank`), and one column
for each of finder's eleven filters (status, verdict, red flags, score band, states in person
or by video, video visits, specialty, payment, how heard of, follow-up, tags; the
multi-valued two as JSON arrays), with indexes on the filtered and sorted columns. Datasette
serves it on loopback (uvicorn, its own static files; nothing from a CDN), with facet
suggestions off so that it computes only the facets asked for.

Then for three views, after a warm-up, three pages take turns, request by request:
- finder's first page (100 rows, its default page size), with a count for every choice of
  every filter:
    the shortlist           /
    filtered by two filters /?status=to_call&verdict=red_flag
    sorted by name          /?sort=name
- Datasette's table page of the same rows, columns and page size (_size=100, the same sort,
  the two filters as column filters), with the SAME eleven filters as facets (every value
  shown, as finder shows them): the page that shows what finder's shows. The targets are
  judged against this one.
- the same Datasette page with only the two filtered columns as facets: less than finder's
  page shows, given for comparison.

The report checks that finder and Datasette listed the same providers in the same order.

    .venv/bin/python -m pip install -e '.[bench]'        # datasette
    .venv/bin/python bench/peer.py --quiet-wait 30       # all four sizes
    .venv/bin/python bench/peer.py --sizes 100,5000
    .venv/bin/python bench/peer.py --quick               # 100 providers, a few requests
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from display_rows import display_rows  # noqa: E402
from harness import (CALLS_PER_PROVIDER, FILTERS, PAGE_SIZE, SHORTLIST_VIEWS,  # noqa: E402
                     Budget, Client, Server, add_budget_options, body_rows, export_tables,
                     finder_row_ids, finder_server, free_port, interleaved, load_average,
                     machine, make_data_set, markdown_table, ms, noise_note, share,
                     sizes_and_budget, verdict_lines)

DATABASE = "finder"
# The columns Datasette shows: the words finder's seven columns show (its "Provider" cell
# holds name, practice, details and tags; its "Status" cell the follow-up date).
SHOWN = ["name", "practice", "details", "tags", "verdict_label", "score", "red_flags",
         "status_label", "follow_up", "last_contact", "last_contact_in_full"]
# finder's filters, each a column to facet on; the multi-valued ones are JSON arrays.
FACETS = ["status", "verdict", "red_flag_band", "score_band", "telemedicine", "specialty",
          "payment", "referral", "follow_up_band"]
ARRAY_FACETS = ["states", "tags"]
COLUMNS = SHOWN + ["rank"] + [c for c in FACETS + ARRAY_FACETS if c not in SHOWN]
SORTS = {"shortlist": "rank", "filtered": "rank", "sorted": "name"}


def load_sqlite(tables: dict, path: Path) -> int:
    """The providers as one SQLite table; returns how many."""
    rows = display_rows(tables)
    with sqlite3.connect(path) as database:
        database.execute("create table providers (id integer primary key, "
                         + ", ".join(f"{column} {_type(column)}" for column in COLUMNS) + ")")
        database.executemany(
            f"insert into providers values (:id, {', '.join(':' + c for c in COLUMNS)})",
            [{**row, **{c: json.dumps(row[c]) for c in ARRAY_FACETS}} for row in rows])
        for column in FACETS + ["rank", "name"]:
            database.execute(f"create index providers_{column} on providers ({column})")
        database.execute("create index providers_status_verdict_rank "
                         "on providers (status, verdict, rank)")
    return len(rows)


def _type(column: str) -> str:
    return "integer" if column in ("rank", "red_flags") else "text"


def datasette_query(key: str, facets: str) -> str:
    """Datasette's address for one of the shortlist views, with the facets given."""
    filters = f"{FILTERS}&" if key == "filtered" else ""
    shown = "&".join(f"_col={column}" for column in SHOWN)
    if facets == "same":
        chosen = ("&".join(f"_facet={c}" for c in FACETS) + "&"
                  + "&".join(f"_facet_array={c}" for c in ARRAY_FACETS))
    else:
        chosen = "_facet=status&_facet=verdict"
    return (f"/{DATABASE}/providers?{filters}_sort={SORTS[key]}&{shown}&{chosen}"
            f"&_size={PAGE_SIZE}")


def datasette_server(path: Path) -> Server:
    port = free_port()
    settings = {"suggest_facets": "off", "default_page_size": str(PAGE_SIZE),
                # Every value of a facet, as finder shows every state and tag it has.
                "default_facet_size": "100", "max_returned_rows": "1000",
                "sql_time_limit_ms": "60000", "facet_time_limit_ms": "60000"}
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


def datasette_facets(html: bytes) -> int:
    """How many facets Datasette's page shows (each is a titled list of values)."""
    return len(re.findall(rb'<div class="facet-info facet-', html))


def measure_size(providers: int, calls: int, budget: Budget) -> dict:
    started = time.perf_counter()
    data = make_data_set(providers, calls)
    database = data.folder.parent / f"{DATABASE}.db"
    load_sqlite(export_tables(data.folder), database)
    say(f"  data made and loaded into SQLite in {time.perf_counter() - started:.1f} s")
    result = {"providers": providers, "calls": calls, "views": {}}
    try:
        with datasette_server(database) as datasette, finder_server(data.folder) as finder:
            finder_client, peer_client = Client(finder.port), Client(datasette.port)
            for key, (name, finder_path) in SHORTLIST_VIEWS.items():
                say(f"  {name}…")
                _, page = finder_client.get(finder_path)
                ids = finder_row_ids(page)
                same_path, two_path = datasette_query(key, "same"), datasette_query(key, "two")
                _, peer_page = peer_client.get(same_path)
                peer_ids = datasette_row_ids(peer_page)
                timings = interleaved(
                    {"finder": lambda p=finder_path: finder_client.get(p),
                     "same": lambda p=same_path: peer_client.get(p),
                     "two": lambda p=two_path: peer_client.get(p)},
                    budget, {"finder": name, "same": "Datasette, same rows and facets",
                             "two": "Datasette, same rows, 2 facets"})
                timings["finder"].rows = body_rows(page)
                timings["same"].rows = timings["two"].rows = len(peer_ids)
                result["views"][key] = {
                    **timings, "datasette_path": same_path,
                    "facets": datasette_facets(peer_page),
                    "same_rows": ("same, same order" if peer_ids == ids else
                                  "same, other order" if sorted(peer_ids) == sorted(ids)
                                  else "DIFFERENT")}
    finally:
        data.remove()
    say(f"  {providers} providers done in {time.perf_counter() - started:.0f} s")
    return result


def report_table(results: list[dict]) -> str:
    rows = []
    for result in results:
        size = f"{result['providers']:,} / {result['calls']:,}"
        for view in result["views"].values():
            finder = view["finder"]
            for key in ("finder", "same", "two"):
                timing = view[key]
                ratio50 = ratio95 = ""
                if key != "finder":
                    ratio50 = f"{finder.p50 / timing.p50:.2f}×"
                    ratio95 = f"{finder.p95 / timing.p95:.2f}×"
                rows.append([size, timing.name, str(timing.n), f"{timing.rows:,}",
                             f"{timing.size / 1e3:.0f} kB", ms(timing.p50), ms(timing.p95),
                             ms(timing.p99), ms(timing.max), ratio50, ratio95,
                             view["same_rows"] if key == "same" else "",
                             share(timing.others_cpu)])
    return markdown_table(["providers / calls", "page", "n", "rows", "size", "p50 ms",
                           "p95 ms", "p99 ms", "max ms", "finder's p50 ÷ this",
                           "finder's p95 ÷ this", "same providers", "others' CPU"],
                          rows, {2, 3, 4, 5, 6, 7, 8, 9, 10, 12})


def checks(results: list[dict]) -> list[tuple[str, bool | None]]:
    found = []
    for result in results:
        for view in result["views"].values():
            finder, peer, two = view["finder"], view["same"], view["two"]
            r50, r95 = finder.p50 / peer.p50, finder.p95 / peer.p95
            same = view["same_rows"] == "same, same order"
            found.append((
                f"{finder.name} p50 and p95 ≤ 0.8× Datasette's page of the same rows and "
                f"facets at {result['providers']:,} providers: p50 {r50:.2f}× "
                f"({ms(finder.p50)} vs {ms(peer.p50)} ms), p95 {r95:.2f}× ({ms(finder.p95)} "
                f"vs {ms(peer.p95)} ms), {finder.rows:,} rows each"
                + ("" if same else f" (the providers shown: {view['same_rows']})")
                + f"; against Datasette with 2 facets: p50 {finder.p50 / two.p50:.2f}×, "
                f"p95 {finder.p95 / two.p95:.2f}×{noise_note(finder)}",
                r50 <= 0.8 and r95 <= 0.8 and same))
    return found


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def report(results: list[dict], about_machine: str, load_before: str, took_s: float,
           budget: Budget) -> str:
    import datasette.version
    return "\n".join([
        f"## finder's shortlist next to Datasette ({dt.date.today().isoformat()})\n",
        f"Machine: {about_machine}; load average {load_before} before the run, "
        f"{load_average()} after. finder: waitress, 8 threads; Datasette "
        f"{datasette.version.__version__} (uvicorn, SQLite {sqlite3.sqlite_version}, "
        "suggest_facets off); both on loopback, the three pages timed in turn, request by "
        f"request; whole run {took_s:.0f} s. Up to {budget.requests} requests a page after "
        f"{budget.warmup} warm-up rounds, fewer once {budget.seconds:.0f} s are spent (see "
        f"n). Every page shows {PAGE_SIZE} rows (fewer when fewer match); \"same providers\" "
        "compares the ids finder and Datasette listed. finder counts every choice of its 11 "
        "filters; \"same rows and facets\" is Datasette with those 11 as facets, \"2 facets\" "
        "with only status and verdict. \"Others' CPU\" is the share of the whole machine that "
        "programs other than the benchmark and its servers used during the measure: above "
        "a few per cent, the times are noisy.\n",
        report_table(results), "\n### Target (issue 17)\n", verdict_lines(checks(results))])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_budget_options(parser)
    options = parser.parse_args()
    sizes, budget = sizes_and_budget(options)
    about_machine, load_before = machine(), load_average()
    started = time.perf_counter()
    results = []
    for providers in sizes:
        calls = providers * CALLS_PER_PROVIDER
        say(f"measuring {providers:,} providers, {calls:,} calls…")
        results.append(measure_size(providers, calls, budget))
    print(report(results, about_machine, load_before, time.perf_counter() - started, budget))


if __name__ == "__main__":
    main()
