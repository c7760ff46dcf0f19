"""The benchmarks (bench/run.py, bench/peer.py, bench/against_release.py) still run against
today's finder, and what they compare is still a fair comparison: the bare table draws
finder's shortlist page, and Datasette's query lists the providers finder lists. Their quick
mode measures nothing worth reading; these tests only keep the scripts from rotting as
finder changes."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
import time
from difflib import unified_diff

import pytest

from support import REPO

BENCH = REPO / "bench"
sys.path.insert(0, str(BENCH))

from baseline_app import create_baseline  # noqa: E402
from harness import (SHORTLIST_VIEWS, Client, csrf_token, disk_waits,  # noqa: E402
                     export_tables, finder_row_ids, finder_server, make_data_set)
from page_parts import shortlist_parts  # noqa: E402
from peer import datasette_query, load_sqlite  # noqa: E402
from run import autosave_request  # noqa: E402

pytestmark = pytest.mark.slow


def run_quick(script: str, *arguments: str) -> str:
    done = subprocess.run([sys.executable, str(BENCH / script), *arguments, "--quick"],
                          cwd=REPO, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.fixture(scope="module")
def data_set():
    data = make_data_set(60, 300)
    yield data
    data.remove()


def lines_of(page: bytes) -> list[str]:
    html = re.sub(r">\s+<", ">\n<", page.decode())
    return [line.strip() for line in html.splitlines() if line.strip()]


def test_the_bare_table_draws_the_same_page_as_the_shortlist(data_set, tmp_path):
    export_file = tmp_path / "export.json"
    with finder_server(data_set.folder) as finder, Client(finder.port) as client:
        export_file.write_bytes(client.get("/import-export/finder-data.json")[1])
        pages = {key: client.get(path)[1] for key, (_, path) in SHORTLIST_VIEWS.items()}
    table = create_baseline(export_file).test_client()
    for key, page in pages.items():
        ids = finder_row_ids(page)
        assert ids, f"finder's {key} page lists nobody: the benchmark would compare nothing"
        table.post(f"/views/{key}", json={"ids": ids, "parts": shortlist_parts(page)})
        drawn = table.get(f"/views/{key}").data
        difference = list(unified_diff(lines_of(page), lines_of(drawn), "finder", "bare table",
                                       lineterm="", n=1))
        assert not difference, (
            f"The bare table no longer draws finder's {key} page: update "
            "bench/baseline_app.py (and bench/page_parts.py) to the shortlist's templates.\n"
            + "\n".join(difference[:40]))


def test_datasettes_query_lists_the_providers_finder_lists_in_its_order(data_set, tmp_path):
    database = tmp_path / "finder.db"
    load_sqlite(export_tables(data_set.folder), database)
    with finder_server(data_set.folder) as finder, Client(finder.port) as client:
        for key, (_, path) in SHORTLIST_VIEWS.items():
            shown = finder_row_ids(client.get(path)[1])
            # The rows Datasette's page lists for its address: its filters, its sort (with
            # the primary key after it, as Datasette adds it), its page size.
            query = dict(part.split("=", 1) for part in datasette_query(key, "same")
                         .split("?", 1)[1].split("&") if not part.startswith("_"))
            sort = re.search(r"_sort=(\w+)", datasette_query(key, "same")).group(1)
            size = int(re.search(r"_size=(\d+)", datasette_query(key, "same")).group(1))
            where = " and ".join(f"{column} = ?" for column in query) or "1"
            with sqlite3.connect(database) as connection:
                listed = [row[0] for row in connection.execute(
                    f"select id from providers where {where} order by {sort}, id limit ?",
                    [*query.values(), size])]
            assert listed == shown, key


def test_run_quick_times_every_measure_and_judges_every_target():
    out = run_quick("run.py")
    for measure in ("| shortlist |", "| shortlist filtered (status + verdict) |",
                    "| shortlist sorted by name |", "| bare table, same page |",
                    "| provider page |", "| provider summary |", "| call page |",
                    "| autosave (an answer) |", "through a compaction |",
                    "through a compaction, less the wait for the disk |",
                    "| the disk alone: a line appended and fsynced |",
                    "| finder-data.json |", "| shortlist.csv |"):
        assert measure in out
    header = next(line for line in out.splitlines() if line.startswith("| providers"))
    assert all(f"| {p} ms |" in header for p in ("p50", "p95", "p99", "max"))
    assert re.search(r"journal folded after save [\d,]+ of", out), "no compaction crossed"
    assert "first call page after a start" in out and "start-up (folder at rest)" in out
    assert "DIFFERS" not in out
    verdicts = re.findall(r"^- \*\*(met|NOT met|not measured)\*\*", out, re.M)
    assert len(verdicts) >= 15
    own = re.search(r"less the wait for the disk \| ([\d,]+) \|", out)
    assert own and int(own[1].replace(",", "")) > 0, "no save's wait for the disk was found"
    assert re.search(r"of finder's own time .* slowest [\d.]+ ms; .*the disk alone", out)


def test_a_served_saves_fsync_is_logged_and_found_within_it(data_set, tmp_path):
    log = tmp_path / "fsync.log"
    with finder_server(data_set.folder, log) as finder, Client(finder.port) as client:
        token = csrf_token(client.get(f"/calls/{data_set.call_id}")[1])
        start = time.clock_gettime(time.CLOCK_MONOTONIC)
        for value in ("fixed_mg", "unclear"):  # one of them changes the answer
            autosave_request(client, data_set.call_id, token, "answer-step_size", value)
        end = time.clock_gettime(time.CLOCK_MONOTONIC)
    [waited] = disk_waits(log, [(start, end)])
    assert 0 < waited < (end - start) * 1000


def test_each_saves_wait_for_the_disk_is_what_request_threads_spent_in_fsync_within_it(
        tmp_path):
    log = tmp_path / "fsync.log"
    log.write_text("10.000 10.020 waitress-1\n"      # in the first save
                   "10.030 10.050 finder-store-data\n"  # the compaction's, not a save's
                   "10.060 10.062 waitress-2\n"      # between two saves: nobody's
                   "11.001 11.003 waitress-0\n"      # in the second save, twice
                   "11.004 11.010 waitress-0\n"
                   "11.009 12.500 waitress-3\n")     # ends after the second save ended
    waits = disk_waits(log, [(9.999, 10.055), (11.0, 11.2), (13.0, 13.1)])
    assert waits == pytest.approx([20.0, 8.0, 0.0])


def test_peer_quick_times_finder_beside_datasette_on_the_same_providers():
    out = run_quick("peer.py")
    assert out.count("| same, same order |") == 3, out
    assert out.count("| Datasette, same rows and facets |") == 3
    assert "DIFFERENT" not in out


def test_against_release_quick_serves_an_earlier_commit_beside_this_checkout():
    # HEAD stands in for the earlier release: any clone has it.
    out = run_quick("against_release.py", "HEAD")
    lines = {line.split(" | ")[0]: line for line in out.splitlines() if line.startswith("| ")}
    assert set(lines) >= {"| shortlist", "| shortlist sorted by name",
                          "| shortlist filtered (status)"}
    assert re.match(r"\| shortlist \| 20 \| 3 \| [\d.]+ / [\d.]+ \| [\d.]+ / [\d.]+ \| "
                    r"[\d.]+× / [\d.]+× \|", lines["| shortlist"])
    worktrees = subprocess.run(["git", "-c", "safe.directory=*", "-C", str(REPO), "worktree",
                                "list"], capture_output=True, text=True, check=True).stdout
    assert "finder-against-release" not in worktrees  # the checkout it made is gone
