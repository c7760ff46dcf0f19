"""Benchmark finder as a user meets it, at 100, 1,000, 5,000 and 20,000 providers (five calls
each), against an honest bare Flask table, and say which targets of issues 17 and 14 are met.

For each size it fills a data folder through `finder import` (bench/make_data.py), then:

1. starts finder's production server (`finder serve`: waitress on loopback) on the folder
   just imported and times the start-up and the FIRST call page, before any other request;
   then, once every page has been drawn twice, times the JSON export ("Download all your
   data") with the server's memory sampled from /proc during each one (its file also gives
   the bare table its rows);
2. starts it three more times (--starts) on the folder at rest, timing each start-up and
   the FIRST call page after it (one request is one sample: the verdict takes the median);
3. starts it once more, times the start-up and the FIRST shortlist page, then, after a
   warm-up:
   - the shortlist's first page (100 rows): as it opens, filtered by status and verdict, and
     sorted by name, each interleaved request by request with the bare table
     (bench/baseline_app.py) drawing the same page: the same rows (checked by id and by
     markup), the same filters with their counts, layout, headings and pager, from a
     template compiled once;
   - the provider page, the provider summary and the call page;
   - autosaves of one answer, then autosaves of a long note until the journal has been
     folded into a new snapshot (the compaction, in a thread of its own) and 100 more: every
     save timed, and those made while the new snapshot was being written named; each
     save's wait for the disk to confirm it (its fsync, logged by bench/timed_fsync.py) is
     told apart from finder's own time, beside as many lines appended and fsynced with no
     finder at all (the disk alone);
   - the CSV export with the server's memory, the steady memory, and (Playwright with
     /usr/bin/chromium) the shortlist's load event in Chromium.

Every measure reports p50, p95, p99 and max (nearest rank) over n requests. A measure makes
up to --requests requests but stops after --seconds of timed requests once --minimum are
done, so the largest size makes fewer: the n column says how many. Beside each measure, the
share of the machine other programs used meanwhile says how far to trust it; on a shared
machine, --quiet-wait waits for them to calm down first and measures again when disturbed.

    .venv/bin/python bench/run.py --quiet-wait 30        # all four sizes, ~20 minutes
    .venv/bin/python bench/run.py --sizes 100,5000
    .venv/bin/python bench/run.py --quick                # 100 providers, a few requests
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import (BENCH, CALLS_PER_PROVIDER, PAGE_SIZE, SHORTLIST_VIEWS,  # noqa: E402
                     Budget, Client, MemorySampler, OthersCpu, Server, Timing,
                     add_budget_options, bare_disk_saves, body_rows, csrf_token, disk_waits,
                     finder_row_ids, finder_server, free_port, interleaved, load_average, machine,
                     make_data_set, markdown_table, memory_mb, ms, noise_note, share,
                     sizes_and_budget, verdict_lines, wait_for_quiet)
from page_parts import rows_markup, shortlist_parts  # noqa: E402

JSON_EXPORT = "/import-export/finder-data.json"
CSV_EXPORT = "/import-export/shortlist.csv"
# finder's write-ahead journal in the data folder (see finder/store/__init__.py): its size
# falling between two saves shows that a compaction put a new, short journal in place; a
# "finder.json.tmp-…" file beside it exists while the new snapshot is being written.
JOURNAL = "finder.journal"
SNAPSHOT_BEING_WRITTEN = "finder.json.tmp-*"
LONG_NOTE = 19_000  # characters; finder takes notes up to 20,000
SLOW_MS = 50


def measure_size(providers: int, calls: int, budget: Budget, browser: bool, starts: int = 3,
                 compaction_limit_s: float = 900) -> dict:
    started = time.perf_counter()
    data = make_data_set(providers, calls)
    say(f"  data made in {time.perf_counter() - started:.1f} s")
    result: dict = {"providers": providers, "calls": calls, "timings": {}, "views": {},
                    "startups_s": [], "first_call_pages_ms": []}
    timings = result["timings"]
    call_path = f"/calls/{data.call_id}"
    provider_path = f"/providers/{data.provider_id}"
    summary_path = f"{provider_path}/summary"
    export_file = data.folder.parent / "export.json"
    try:
        # -- start 1: the folder as `finder import` left it ---------------------------------
        with finder_server(data.folder) as finder:
            result["startup_after_import_s"] = finder.startup_s
            client = Client(finder.port)
            result["first_call_page_after_import_ms"], _ = client.get(call_path)
            # The export is timed from the memory of a server in use: every page drawn twice.
            for path in [p for _, p in SHORTLIST_VIEWS.values()] + [call_path, provider_path,
                                                                     summary_path]:
                client.get(path)
                client.get(path)
            say("  JSON export…")
            timings["json_export"], result["json_memory"] = timed_exports(
                finder, client, JSON_EXPORT, save_first_to=export_file)
        # -- starts on the folder at rest: start-up and the first call page ------------------
        # One request after a start is one sample: several starts, so that one disturbed by
        # another program does not decide the verdict alone.
        say(f"  {starts} starts…")
        for _ in range(starts):
            if budget.quiet_wait:
                wait_for_quiet(budget.quiet_wait)
            with finder_server(data.folder) as finder:
                result["startups_s"].append(finder.startup_s)
                result["first_call_pages_ms"].append(Client(finder.port).get(call_path)[0])
        # -- the last start: everything else, beside the bare table --------------------------
        table = bare_table(export_file).start()
        try:
            if budget.quiet_wait:
                wait_for_quiet(budget.quiet_wait)
            fsync_log = data.folder.parent / "fsync.log"
            with finder_server(data.folder, fsync_log) as finder:
                result["startups_s"].append(finder.startup_s)
                client, table_client = Client(finder.port), Client(table.port)
                result["first_shortlist_ms"], _ = client.get(SHORTLIST_VIEWS["shortlist"][1])
                for key, (name, path) in SHORTLIST_VIEWS.items():
                    say(f"  {name}…")
                    timings[key], timings[f"table_{key}"], result["views"][key] = \
                        shortlist_and_table(client, table_client, key, name, path, budget)
                say("  provider page, summary, call page…")
                timings["provider"] = repeat(client, "provider page", provider_path, budget)
                timings["summary"] = repeat(client, "provider summary", summary_path, budget)
                timings["call_page"] = repeat(client, "call page", call_path, budget)
                result["steady_rss_mb"] = memory_mb(finder.pid)["VmRSS"]
                say("  autosave…")
                token = csrf_token(client.get(call_path)[1])
                timings["autosave"] = autosaves(client, data.call_id, token, budget)
                say("  autosave through a compaction…")
                if budget.quiet_wait:
                    wait_for_quiet(budget.quiet_wait)
                saves, result["compaction"] = autosaves_to_compaction(
                    client, data.call_id, token, data.folder, compaction_limit_s,
                    fsync_log=fsync_log)
                timings["autosave_compaction"] = saves
                timings["autosave_own"] = Timing(f"{saves.name}, less the wait for the disk",
                                                 saves.own_ms)
                timings["bare_disk"] = bare_disk_saves(data.folder.parent, saves.n, LONG_NOTE)
                say("  CSV export…")
                timings["csv_export"], result["csv_memory"] = timed_exports(
                    finder, client, CSV_EXPORT)
                if browser:
                    say("  Chromium…")
                    if budget.quiet_wait:
                        wait_for_quiet(budget.quiet_wait)
                    result["chromium_load_ms"] = chromium_loads(finder.port)
                result["peak_hwm_mb"] = memory_mb(finder.pid)["VmHWM"]
        finally:
            table.stop()
    finally:
        data.remove()
    say(f"  {providers} providers done in {time.perf_counter() - started:.0f} s")
    return result


def bare_table(export_file: Path) -> Server:
    port = free_port()
    return Server([sys.executable, str(BENCH / "baseline_app.py"), str(export_file), str(port)],
                  port, "/hello", "bare table")


def shortlist_and_table(client: Client, table_client: Client, key: str, name: str, path: str,
                        budget: Budget) -> tuple[Timing, Timing, dict]:
    """finder's page and the bare table's same page, request by request."""
    _, page = client.get(path)
    table_page = show_on_bare_table(table_client, key, name, page)
    timings = interleaved({"finder": lambda: client.get(path),
                           "table": lambda: table_client.get(f"/views/{key}")},
                          budget, {"finder": name, "table": "bare table, same page"})
    timings["finder"].rows = body_rows(page)
    timings["table"].rows = body_rows(table_page)
    same = {"same_rows": True, "same_markup": rows_markup(page) == rows_markup(table_page),
            "finder_bytes": len(page), "table_bytes": len(table_page)}
    return timings["finder"], timings["table"], same


def show_on_bare_table(table_client: Client, key: str, name: str, page: bytes) -> bytes:
    """Have the bare table draw finder's page (its rows and every other part) at
    /views/KEY; the table's page, checked to list the same rows."""
    ids = finder_row_ids(page)
    body = json.dumps({"ids": ids, "parts": shortlist_parts(page)}).encode()
    status, _ = table_client.request("POST", f"/views/{key}", body,
                                     {"Content-Type": "application/json"})
    if status != 200:
        raise RuntimeError(f"the bare table refused the page of {name}")
    _, table_page = table_client.get(f"/views/{key}")
    if finder_row_ids(table_page) != ids:
        raise RuntimeError(f"the bare table does not show the rows finder showed for {name}")
    return table_page


def repeat(client: Client, name: str, path: str, budget: Budget) -> Timing:
    return interleaved({"page": lambda: client.get(path)}, budget, {"page": name})["page"]


def autosave_request(client: Client, call_id: int, token: str, field: str, value: str):
    body = json.dumps({"name": field, "value": value, "rev": None}).encode()
    return client.timed("POST", f"/calls/{call_id}/fields", body,
                        {"Content-Type": "application/json", "X-CSRFToken": token})


def autosaves(client: Client, call_id: int, token: str, budget: Budget) -> Timing:
    """Typical saves: one core answer changed each time (the provider's verdict with it)."""
    options = ["percent_of_current", "fixed_mg", "unclear", "percent_unclear_base"]
    count = [0]

    def save():
        count[0] += 1
        return autosave_request(client, call_id, token, "answer-step_size",
                                options[count[0] % len(options)])
    return interleaved({"save": save}, budget, {"save": "autosave (an answer)"})["save"]


def autosaves_to_compaction(client: Client, call_id: int, token: str, folder: Path,
                            limit_s: float = 900, after: int = 100,
                            fsync_log: Path | None = None) -> tuple[Timing, dict]:
    """Saves of a long note until the journal has been folded into a new snapshot once (a
    new, short journal is put in place), then `after` more. Long notes (as a user may paste)
    grow the journal ~20 kB a save, so the compaction that typical saves bring after
    thousands of saves (some 13,000 at 5,000 providers) comes within this run at every size;
    writing the snapshot costs the same either way. Every save is timed; those made while
    the new snapshot was being written are counted apart. With the server's fsync_log
    (bench/timed_fsync.py), each save's wait for the disk is found too."""
    timing = Timing("autosave (a long note) through a compaction")
    notes = [(f"Note {letter}: they cut a share of the current dose and hold when it is "
              "hard. " * 300)[:LONG_NOTE] for letter in "AB"]
    journal = folder / JOURNAL
    compaction = {"journal_found": journal.exists(), "at_save": None, "ms": None,
                  "during": []}
    # Without the journal to watch (finder's storage changed), save until the notes written
    # outweigh twice the data folder: any rule that folds a journal has folded it by then.
    enough = 2 * sum(f.stat().st_size for f in folder.iterdir() if f.is_file())
    last_size, stop_at, windows = _size(journal), None, []
    started = time.perf_counter()
    with OthersCpu() as others:
        while time.perf_counter() - started < limit_s and timing.n != stop_at:
            writing = _snapshot_being_written(folder)
            window_start = time.clock_gettime(time.CLOCK_MONOTONIC)
            elapsed, _ = autosave_request(client, call_id, token, "answer_note-step_size",
                                          notes[timing.n % 2])
            windows.append((window_start, time.clock_gettime(time.CLOCK_MONOTONIC)))
            timing.samples.append(elapsed)
            if writing or _snapshot_being_written(folder):
                compaction["during"].append(elapsed)
            size = _size(journal)
            if compaction["journal_found"] and size < last_size and stop_at is None:
                compaction.update(at_save=timing.n, ms=elapsed)
                stop_at = timing.n + after
            elif not compaction["journal_found"] and timing.n * LONG_NOTE >= enough:
                break
            last_size = size
    timing.others_cpu = others.share
    if fsync_log is not None:
        timing.disk_ms = disk_waits(fsync_log, windows)
    return timing, compaction


def _snapshot_being_written(folder: Path) -> bool:
    return any(folder.glob(SNAPSHOT_BEING_WRITTEN))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def timed_exports(finder: Server, client: Client, path: str, save_first_to: Path | None = None,
                  budget: Budget = Budget(requests=5, seconds=20, minimum=2, warmup=0)):
    """Each export timed, with the server's resident memory sampled while it runs."""
    timing = Timing(path.rsplit("/", 1)[1])
    memory = {"rss_before_mb": memory_mb(finder.pid)["VmRSS"], "peak_rss_mb": 0.0}
    started = time.perf_counter()
    with OthersCpu() as others:
        while budget.more(timing.n, started):
            with MemorySampler(finder.pid) as sampler:
                elapsed, body = client.get(path)
            timing.samples.append(elapsed)
            timing.size = len(body)
            memory["peak_rss_mb"] = max(memory["peak_rss_mb"], sampler.peak_rss)
            if save_first_to is not None and timing.n == 1:
                save_first_to.write_bytes(body)
    timing.others_cpu = others.share
    return timing, memory


def chromium_loads(port: int, loads: int = 5, limit_s: float = 30) -> list[float] | None:
    """The shortlist's load event in Chromium (/usr/bin/chromium, headless), in ms from the
    start of the navigation (Navigation Timing's loadEventEnd)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        try:
            page = browser.new_page()
            page.set_default_navigation_timeout(120_000)
            url = f"http://127.0.0.1:{port}{SHORTLIST_VIEWS['shortlist'][1]}"
            page.goto(url, wait_until="load")  # warm-up: Chromium's own first start
            started = time.perf_counter()
            while len(times) < loads and (not times or time.perf_counter() - started < limit_s):
                page.goto(url, wait_until="load")
                times.append(page.evaluate(
                    "performance.getEntriesByType('navigation')[0].loadEventEnd"))
        finally:
            browser.close()
    return times


# -- the report ---------------------------------------------------------------------------

REQUEST_ROWS = [("shortlist", "table_shortlist"), ("filtered", "table_filtered"),
                ("sorted", "table_sorted"), ("provider", None), ("summary", None),
                ("call_page", None), ("autosave", None), ("autosave_compaction", None),
                ("autosave_own", None), ("bare_disk", None), ("json_export", None),
                ("csv_export", None)]
PAGES = ["shortlist", "filtered", "sorted", "provider", "summary", "call_page"]


def size_label(result: dict) -> str:
    return f"{result['providers']:,} / {result['calls']:,}"


def request_table(results: list[dict]) -> str:
    rows = []
    for result in results:
        timings = result["timings"]
        for name, partner in REQUEST_ROWS:
            for key in (name, partner) if partner else (name,):
                timing = timings[key]
                ratio50 = ratio95 = ""
                if key == name and partner:
                    ratio50 = f"{timing.p50 / timings[partner].p50:.2f}×"
                    ratio95 = f"{timing.p95 / timings[partner].p95:.2f}×"
                rows.append([size_label(result), timing.name, str(timing.n),
                             "" if timing.rows is None else f"{timing.rows:,}",
                             "" if timing.size is None else size_words(timing.size),
                             ms(timing.p50), ms(timing.p95), ms(timing.p99), ms(timing.max),
                             ratio50, ratio95, share(timing.others_cpu)])
    return markdown_table(["providers / calls", "measure", "n", "rows", "size", "p50 ms",
                           "p95 ms", "p99 ms", "max ms", "p50 ÷ table", "p95 ÷ table",
                           "others' CPU"], rows, set(range(2, 12)))


def once_table(results: list[dict]) -> str:
    rows = []
    for result in results:
        t = result["timings"]
        size = size_label(result)
        compaction = result["compaction"]
        during = compaction["during"]
        rows += [
            [size, "start-up (after import)", f"{result['startup_after_import_s']:.2f} s"],
            [size, "start-up (folder at rest), each start",
             ", ".join(f"{value:.2f} s" for value in result["startups_s"])],
            [size, "first call page after a start, each start",
             f"{ms(result['first_call_page_after_import_ms'])} ms after import; at rest "
             + ", ".join(f"{ms(value)} ms" for value in result["first_call_pages_ms"])
             + f": median {first_call_ratio(result):.1f}× the steady p50 "
             f"({ms(t['call_page'].p50)} ms)"],
            [size, "first shortlist after a start",
             f"{ms(result['first_shortlist_ms'])} ms = "
             f"{result['first_shortlist_ms'] / t['shortlist'].p50:.1f}× its steady p50"],
            [size, "steady memory (RSS after the pages)", f"{result['steady_rss_mb']:.0f} MB"],
            [size, "JSON export: memory", memory_words(result["json_memory"])],
            [size, "CSV export: memory", memory_words(result["csv_memory"])],
            [size, "autosave through a compaction",
             (f"journal folded after save {compaction['at_save']:,} of "
              f"{t['autosave_compaction'].n:,} (that save {ms(compaction['ms'])} ms); "
              f"{len(during):,} saves while the snapshot was written: slowest "
              f"{ms(max(during, default=float('nan')))} ms"
              if compaction["at_save"] else
              "no compaction seen" + ("" if compaction["journal_found"] else
                                      f" (no {JOURNAL} in the data folder)"))],
            [size, "peak memory of the whole run (VmHWM)", f"{result['peak_hwm_mb']:.0f} MB"],
        ]
        loads = result.get("chromium_load_ms")
        rows.append([size, "shortlist load event in Chromium",
                     ", ".join(f"{ms(v)} ms" for v in loads) if loads else
                     "not measured (Playwright not installed, or --no-browser)"])
    return markdown_table(["providers / calls", "measure", "result"], rows, set())


def first_call_ratio(result: dict) -> float:
    return statistics.median(result["first_call_pages_ms"]) / result["timings"]["call_page"].p50


def size_words(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{size / 1e3:.0f} kB"


def memory_words(memory: dict) -> str:
    before, peak = memory["rss_before_mb"], memory["peak_rss_mb"]
    return f"{before:.0f} MB before, peak {peak:.0f} MB ({peak / before:.2f}×)"


def checks(results: list[dict]) -> list[tuple[str, bool | None]]:
    """Each target with the numbers that decide it, and whether it is met."""
    by_size = {r["providers"]: r for r in results}
    found = []

    def at(size: int, text: str, test) -> None:
        result = by_size.get(size)
        if result is None:
            found.append((f"{text} (not run at {size:,} providers)", None))
        else:
            words, ok = test(result["timings"], result)
            found.append((f"{text}: {words}", ok))

    # Issue 17, Targets.
    found.append(("shortlist p50 and p95 ≤ 0.8× Datasette's page of the same rows: see "
                  "bench/peer.py", None))
    for result in results:
        t = result["timings"]
        for key in SHORTLIST_VIEWS:
            page, table, view = t[key], t[f"table_{key}"], result["views"][key]
            r50, r95 = page.p50 / table.p50, page.p95 / table.p95
            markup = "" if view["same_markup"] else " (the rows' markup DIFFERS)"
            found.append((f"{page.name} ≤ 1.5× the bare table at {size_label(result)}: "
                          f"p50 {r50:.2f}× ({ms(page.p50)} vs {ms(table.p50)} ms), p95 "
                          f"{r95:.2f}× ({ms(page.p95)} vs {ms(table.p95)} ms), {page.rows:,} "
                          f"rows{markup}{noise_note(page)}",
                          r50 <= 1.5 and r95 <= 1.5 and view["same_markup"]))
    at(5000, "every page's p95 ≤ 50 ms at 5,000 providers", lambda t, r: (
        ", ".join(f"{t[p].name} {ms(t[p].p95)} ms" for p in PAGES)
        + noise_note(*(t[p] for p in PAGES)),
        all(t[p].p95 <= SLOW_MS for p in PAGES)))
    for result in results:
        saves = result["timings"]["autosave"], result["timings"]["autosave_compaction"]
        worst = max(timing.max for timing in saves)
        over = sum(sample > SLOW_MS for timing in saves for sample in timing.samples)
        crossed = result["compaction"]["at_save"] is not None
        found.append((f"no autosave over {SLOW_MS} ms, compaction included, at "
                      f"{size_label(result)}: {sum(t.n for t in saves):,} saves, slowest "
                      f"{ms(worst)} ms, {over} over {SLOW_MS} ms"
                      + ("" if crossed else ", NO compaction crossed") + noise_note(*saves),
                      worst <= SLOW_MS and crossed))
        # A save is confirmed once the disk has it: its wait for the disk's fsync is the
        # disk's, and the same disk without finder (bare_disk) shows how long that can be.
        own, bare = result["timings"]["autosave_own"], result["timings"]["bare_disk"]
        found.append((f"no autosave over {SLOW_MS} ms of finder's own time (its wait for the "
                      f"disk to confirm it apart), compaction included, at "
                      f"{size_label(result)}: {own.n:,} saves, slowest {ms(own.max)} ms; "
                      f"while the snapshot was written, slowest in all "
                      f"{ms(max(result['compaction']['during'], default=0))} ms; "
                      f"the disk alone, {bare.n:,} lines appended and fsynced: slowest "
                      f"{ms(bare.max)} ms, {sum(x > SLOW_MS for x in bare.samples)} over "
                      f"{SLOW_MS} ms", own.max <= SLOW_MS and crossed))
    for result in results:
        firsts, steady = result["first_call_pages_ms"], result["timings"]["call_page"]
        found.append((f"first call page ≤ 3× its steady p50 at {size_label(result)}: median "
                      f"of {len(firsts)} starts {ms(statistics.median(firsts))} ms = "
                      f"{first_call_ratio(result):.1f}× {ms(steady.p50)} ms (each: "
                      + ", ".join(f"{ms(value)}" for value in firsts) + " ms; after import "
                      f"{ms(result['first_call_page_after_import_ms'])} ms)"
                      f"{noise_note(steady)}", first_call_ratio(result) <= 3))
    for size, limit in ((1000, 1.0), (5000, 2.0)):
        at(size, f"start-up ≤ {limit:.0f} s at {size:,}", lambda t, r, limit=limit: (
            f"{r['startup_after_import_s']:.2f} s after import; at rest median "
            f"{statistics.median(r['startups_s']):.2f} s, slowest {max(r['startups_s']):.2f} s",
            max(r["startup_after_import_s"], statistics.median(r["startups_s"])) <= limit))
    at(5000, "JSON export ≤ 1 s at 5,000", lambda t, r: (
        f"p50 {ms(t['json_export'].p50)} ms, slowest {ms(t['json_export'].max)} ms"
        f"{noise_note(t['json_export'])}", t["json_export"].max <= 1000))
    at(5000, "shortlist load event in Chromium < 0.5 s at 5,000", lambda t, r: (
        ", ".join(f"{ms(v)} ms" for v in r.get("chromium_load_ms") or []) or "not measured",
        max(r["chromium_load_ms"]) < 500 if r.get("chromium_load_ms") else None))
    # Issue 17, What to build: exports without a memory peak.
    for result in results:
        for key, name in (("json_memory", "JSON"), ("csv_memory", "CSV")):
            memory = result[key]
            ratio = memory["peak_rss_mb"] / memory["rss_before_mb"]
            found.append((f"{name} export peak memory ≤ 1.5× the memory before it at "
                          f"{size_label(result)}: {memory_words(memory)}", ratio <= 1.5))
    # Issue 14, Performance after the change.
    kinds = ("call_page", "summary", "autosave")
    at(5000, "call page, provider summary and autosave p95 ≤ 25 ms at 5,000 / 25,000",
       lambda t, r: (", ".join(f"{t[k].name} {ms(t[k].p95)} ms" for k in kinds)
                     + noise_note(*(t[k] for k in kinds)),
                     all(t[k].p95 <= 25 for k in kinds)))
    if 100 in by_size and 5000 in by_size:
        small, large = by_size[100]["timings"]["autosave"], by_size[5000]["timings"]["autosave"]
        found.append((f"autosave p95 at 5,000 ≤ 1.5× its p95 at 100: {ms(large.p95)} ms ÷ "
                      f"{ms(small.p95)} ms = {large.p95 / small.p95:.2f}×"
                      f"{noise_note(small, large)}", large.p95 <= 1.5 * small.p95))
    else:
        found.append(("autosave p95 at 5,000 ≤ 1.5× its p95 at 100 (needs both sizes)", None))
    return found


def compare_before(results: list[dict], before_file: Path) -> list[tuple[str, bool | None]]:
    """Issue 14: the shortlist no slower than in an earlier run's saved results."""
    before = {r["providers"]: r for r in json.loads(before_file.read_text())["results"]}
    found = []
    for result in results:
        earlier = before.get(result["providers"])
        if earlier is None:
            continue
        for key in SHORTLIST_VIEWS:
            now, then = result["timings"][key], earlier["timings"][key]
            found.append((f"{now.name} no slower than in {before_file.name} at "
                          f"{size_label(result)}: p50 {ms(now.p50)} ms vs {ms(then['p50'])} ms "
                          f"({now.p50 / then['p50']:.2f}×), p95 {ms(now.p95)} vs "
                          f"{ms(then['p95'])} ms; {now.rows:,} rows now, "
                          f"{then.get('rows') or 0:,} then (within 10 % counts as no slower)",
                          now.p50 <= 1.1 * then["p50"] and now.p95 <= 1.1 * then["p95"]))
    return found


def saved(results: list[dict], options: argparse.Namespace) -> dict:
    def plain(timing: Timing) -> dict:
        return dict(asdict(timing), p50=timing.p50, p95=timing.p95, p99=timing.p99,
                    max=timing.max, n=timing.n)
    return {"machine": machine(), "options": {k: str(v) for k, v in vars(options).items()},
            "results": [dict(r, timings={k: plain(t) for k, t in r["timings"].items()})
                        for r in results]}


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def report(results: list[dict], options: argparse.Namespace, about_machine: str,
           load_before: str, took_s: float, budget: Budget) -> str:
    found = checks(results)
    if options.before:
        found += compare_before(results, options.before)
    return "\n".join([
        f"## finder benchmark ({dt.date.today().isoformat()})\n",
        f"Machine: {about_machine}; load average {load_before} before the run, "
        f"{load_average()} after. Production server (waitress, 8 threads) on loopback; "
        f"whole run {took_s:.0f} s. Up to {budget.requests} requests a measure after "
        f"{budget.warmup} warm-up rounds, fewer once {budget.seconds:.0f} s are spent (see n). "
        f"Shortlist pages are finder's default first page ({PAGE_SIZE} rows); \"rows\" is "
        "what the page listed and \"size\" its bytes. Ratios divide finder by the bare table "
        "drawing the same page, timed alternately. \"Others' CPU\" is the share of the whole "
        "machine that programs other than the benchmark and its servers used during the "
        "measure: above a few per cent, the times are noisy.\n",
        request_table(results), "", once_table(results),
        "\n### Targets (issue 17) and performance after issue 14\n", verdict_lines(found)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_budget_options(parser)
    parser.add_argument("--no-browser", dest="browser", action="store_false",
                        help="skip the Chromium load measure")
    parser.add_argument("--starts", type=int, default=3,
                        help="starts timed for the start-up and the first call page")
    parser.add_argument("--save", type=Path, help="results as JSON (default: "
                        "bench/results/run-DATE.json; none with --quick)")
    parser.add_argument("--before", type=Path, help="an earlier --save file to compare with")
    options = parser.parse_args()
    sizes, budget = sizes_and_budget(options)
    browser = options.browser and not options.quick
    about_machine, load_before = machine(), load_average()
    started = time.perf_counter()
    results = []
    for providers in sizes:
        calls = providers * CALLS_PER_PROVIDER
        say(f"measuring {providers:,} providers, {calls:,} calls…")
        results.append(measure_size(providers, calls, budget, browser,
                                    starts=1 if options.quick else options.starts))
    save = options.save or (None if options.quick else BENCH / "results" / (
        f"run-{dt.datetime.now():%Y%m%d-%H%M%S}.json"))
    print(report(results, options, about_machine, load_before,
                 time.perf_counter() - started, budget))
    if save:
        save.parent.mkdir(parents=True, exist_ok=True)
        save.write_text(json.dumps(saved(results, options), indent=1))
        print(f"\nResults saved to {save}")


if __name__ == "__main__":
    main()
