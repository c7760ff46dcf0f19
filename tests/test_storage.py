"""The store: what is confirmed is on disk, damage is refused, ids are never reused."""

import datetime as dt
import json
import multiprocessing
import os
import threading
import time

import pytest

from finder.store import DamagedDataError, Store, StorageError, database, files, newest_good_backup

INDEXES = {"calls": ["provider_id"]}


def open_store(folder, **kwargs):
    return Store(folder, indexes=INDEXES, **kwargs)


def test_insert_get_update_remove_round_trip(tmp_path):
    store = open_store(tmp_path)
    first = store.insert("providers", {"name": "Dr A", "tags": ["near"]})
    second = store.insert("providers", {"name": "Dr B"})
    assert (first, second) == (1, 2)
    assert store.update("providers", first, {"name": "Dr A.", "status": "called"})
    assert store.get("providers", first) == {
        "id": 1, "name": "Dr A.", "tags": ["near"], "status": "called"}
    assert store.remove("providers", second)
    assert store.get("providers", second) is None
    assert not store.update("providers", second, {"name": "gone"})
    assert [d["name"] for d in open_store(tmp_path).all("providers")] == ["Dr A."]


def test_indexed_lines_in_the_journal_are_replayed_on_open(tmp_path):
    store = open_store(tmp_path)
    store.insert("calls", {"provider_id": 3})
    store.update("calls", 1, {"provider_id": 4})
    reopened = open_store(tmp_path)  # replays both lines through the index
    assert reopened.find("calls", "provider_id", 3) == []
    assert [c["id"] for c in reopened.find("calls", "provider_id", 4)] == [1]


def test_ids_are_never_reused_even_after_restart(tmp_path):
    store = open_store(tmp_path)
    store.insert("providers", {"name": "one"})
    last = store.insert("providers", {"name": "two"})
    store.remove("providers", last)
    assert store.insert("providers", {"name": "three"}) == 3
    store.remove("providers", 3)
    assert open_store(tmp_path).insert("providers", {"name": "four"}) == 4


def test_get_returns_a_copy_the_caller_can_change(tmp_path):
    store = open_store(tmp_path)
    doc_id = store.insert("providers", {"tags": ["a"]})
    copy = store.get("providers", doc_id)
    copy["tags"].append("b")
    assert store.get("providers", doc_id)["tags"] == ["a"]


def test_written_values_are_detached_from_the_callers_objects(tmp_path):
    store = open_store(tmp_path)
    tags = ["a"]
    doc_id = store.insert("providers", {"tags": tags})
    tags.append("changed after saving")
    assert store.get("providers", doc_id)["tags"] == ["a"]


def test_index_follows_inserts_updates_and_removals(tmp_path):
    store = open_store(tmp_path)
    call = store.insert("calls", {"provider_id": 1})
    store.insert("calls", {"provider_id": 2})
    assert [c["id"] for c in store.find("calls", "provider_id", 1)] == [call]
    store.update("calls", call, {"provider_id": 2})
    assert store.find("calls", "provider_id", 1) == []
    assert len(store.find("calls", "provider_id", 2)) == 2
    store.remove("calls", call)
    assert len(store.find("calls", "provider_id", 2)) == 1
    # An unindexed field is found by scanning.
    assert store.find("providers", "name", "x") == []


def test_a_transaction_commits_as_one_journal_line(tmp_path):
    store = open_store(tmp_path)
    with store.transaction():
        provider = store.insert("providers", {"name": "A"})
        store.insert("calls", {"provider_id": provider})
    lines = (tmp_path / "finder.journal").read_bytes().splitlines()
    assert len(lines) == 1
    entry = json.loads(lines[0][9:])
    assert set(entry["put"]) == {"providers", "calls", "meta"}


def test_an_error_inside_a_transaction_drops_all_of_its_changes(tmp_path):
    store = open_store(tmp_path)
    keep = store.insert("providers", {"name": "kept"})
    with pytest.raises(ZeroDivisionError):
        with store.transaction():
            store.update("providers", keep, {"name": "half-done"})
            store.insert("providers", {"name": "never"})
            1 / 0
    assert [p["name"] for p in store.all("providers")] == ["kept"]
    assert [p["name"] for p in open_store(tmp_path).all("providers")] == ["kept"]


def test_writes_outside_a_transaction_are_refused(tmp_path):
    store = open_store(tmp_path)
    with pytest.raises(RuntimeError):
        store._write("providers", "1", {"name": "sneaky"})
    assert store.all("providers") == []


def test_journal_is_replayed_then_folded_into_the_snapshot_on_open(tmp_path):
    store = open_store(tmp_path)
    for number in range(5):
        store.insert("providers", {"n": number})
    assert (tmp_path / "finder.journal").stat().st_size > 0
    reopened = open_store(tmp_path)
    assert [p["n"] for p in reopened.all("providers")] == [0, 1, 2, 3, 4]
    assert (tmp_path / "finder.journal").stat().st_size == 0
    snapshot = json.loads((tmp_path / "finder.json").read_text())
    assert len(snapshot["providers"]) == 5


def test_the_snapshot_is_a_plain_tinydb_file(tmp_path):
    from tinydb import TinyDB

    store = open_store(tmp_path)
    store.insert("providers", {"name": "Dr A"})
    store.close()
    with TinyDB(tmp_path / "finder.json") as plain:
        assert plain.table("providers").all() == [{"name": "Dr A"}]


def test_journal_compacts_when_it_outgrows_the_snapshot(tmp_path, monkeypatch):
    monkeypatch.setattr(database, "COMPACT_MIN_BYTES", 2_000)
    store = open_store(tmp_path)
    doc_id = store.insert("providers", {"note": ""})
    for number in range(60):
        store.update("providers", doc_id, {"note": "x" * 100, "n": number})
    store.wait_for_background_work()
    assert (tmp_path / "finder.journal").stat().st_size < 3_000
    assert open_store(tmp_path).get("providers", doc_id)["n"] == 59


def test_the_old_snapshot_and_journal_are_freed_after_the_locks_are_let_go(
        tmp_path, monkeypatch):
    # Freeing a large file's blocks inside the rename took a save waiting behind the
    # compaction's locks to 110 ms at 20,000 providers: each old file keeps a second name
    # while it is replaced, and that name goes once the locks are let go.
    monkeypatch.setattr(database, "COMPACT_MIN_BYTES", 2_000)
    store = open_store(tmp_path)
    doc_id = store.insert("providers", {"note": ""})
    names_when_replaced = []
    install = files.install

    def watched_install(temporary, path):
        if path.exists():
            names_when_replaced.append((path.name, path.stat().st_nlink))
        install(temporary, path)

    monkeypatch.setattr(files, "install", watched_install)
    for number in range(60):
        store.update("providers", doc_id, {"note": "x" * 100, "n": number})
    store.wait_for_background_work()
    assert ("finder.json", 2) in names_when_replaced
    assert ("finder.journal", 2) in names_when_replaced
    assert not list(tmp_path.glob("*.tmp-*"))
    assert open_store(tmp_path).get("providers", doc_id)["n"] == 59


def test_a_second_name_keeps_a_replaced_file_until_it_goes(tmp_path):
    path = tmp_path / "finder.json"
    assert files.second_name(path) is None  # nothing to name
    path.write_text("old")
    aside = files.second_name(path)
    files.write_file_atomically(path, b"new")
    assert path.read_text() == "new" and aside.read_text() == "old"
    assert aside.name.startswith(f"finder.json.tmp-{os.getpid()}-")  # a leftover if killed


def test_a_second_name_left_by_a_crash_goes_at_the_next_start_even_under_a_running_id(
        tmp_path):
    # In a container finder may get the same process id after every start: a second name
    # left with it must not be kept as "work in progress" forever.
    store = open_store(tmp_path)
    store.close()
    left = tmp_path / f"finder.json.tmp-{os.getpid()}-1{files.SECOND_NAME_END}"
    in_progress = tmp_path / f"finder.json.tmp-{os.getpid()}-1"
    left.write_text("an old snapshot")
    in_progress.write_text("a snapshot being written")
    files.remove_stray_temporary_files(tmp_path)
    assert not left.exists() and in_progress.exists()


def hold_the_snapshot(monkeypatch, then=None) -> tuple[threading.Event, threading.Event]:
    """Make each snapshot wait, once begun (`writing`), until `release` is set: a snapshot
    that takes as long as the test wants. `then` is called after each is written."""
    writing, release = threading.Event(), threading.Event()
    write_snapshot = database.write_snapshot

    def slow_write_snapshot(fd, data, after_chunk=None):
        writing.set()
        release.wait(10)
        write_snapshot(fd, data, after_chunk)
        if then is not None:
            then()

    monkeypatch.setattr(database, "write_snapshot", slow_write_snapshot)
    return writing, release


def save_until_folding_begins(store, doc_id: int, writing: threading.Event) -> None:
    for number in range(60):
        store.update("providers", doc_id, {"note": "x" * 100, "n": number})
        if writing.is_set():
            break
    assert writing.wait(5), "the journal was never folded"


def test_a_save_does_not_wait_for_the_journal_to_be_folded(tmp_path, monkeypatch):
    monkeypatch.setattr(database, "COMPACT_MIN_BYTES", 2_000)
    store = open_store(tmp_path)
    doc_id = store.insert("providers", {"note": ""})
    writing, release = hold_the_snapshot(monkeypatch)
    save_until_folding_begins(store, doc_id, writing)
    started = time.monotonic()
    store.update("providers", doc_id, {"n": "while the snapshot is written"})
    assert time.monotonic() - started < 1
    release.set()
    store.wait_for_background_work()
    assert (tmp_path / "finder.journal").stat().st_size < 2_000
    assert open_store(tmp_path).get("providers", doc_id)["n"] == "while the snapshot is written"


def test_saves_made_while_the_snapshot_is_written_are_copied_before_the_locks_are_taken(
        tmp_path, monkeypatch):
    # The save that arrives as the new files are put in place waits for what is done under
    # the locks: copying every save made meanwhile there took it to 140 ms at 20,000
    # providers. Here none comes after the copy, so nothing is left to add under the locks.
    monkeypatch.setattr(database, "COMPACT_MIN_BYTES", 2_000)
    store = open_store(tmp_path)
    doc_id = store.insert("providers", {"note": ""})
    append_durably = files.append_durably
    added_under_the_locks = []

    def append(path, data):
        added_under_the_locks.append(data)
        append_durably(path, data)

    writing, release = hold_the_snapshot(monkeypatch)
    monkeypatch.setattr(files, "append_durably", append)
    save_until_folding_begins(store, doc_id, writing)
    for number in range(20):
        store.update("providers", doc_id, {"during": number})
    release.set()
    store.wait_for_background_work()
    # (Those 20 saves may call for a second folding: it finds nothing to add either.)
    assert added_under_the_locks and set(added_under_the_locks) == {b""}
    assert open_store(tmp_path).get("providers", doc_id)["during"] == 19


def test_the_saves_made_meanwhile_go_to_the_new_journal_in_chunks_flushed_as_they_go(
        tmp_path, monkeypatch):
    # Flushed in one go, the 20 MB of saves copied at 20,000 providers kept a save's own
    # fsync waiting up to 90 ms.
    monkeypatch.setattr(database, "COMPACT_MIN_BYTES", 2_000)
    monkeypatch.setattr(database, "CHUNK_BYTES", 500)
    monkeypatch.setattr(database, "FLUSH_EVERY_BYTES", 1_000)
    store = open_store(tmp_path)
    doc_id = store.insert("providers", {"note": ""})
    write_all, append_durably, real_fsync = files.write_all, files.append_durably, os.fsync
    copying = threading.Event()  # between the first snapshot and its journal's last lines
    copied, flushes = [], []

    def watched_write_all(fd, data):
        if copying.is_set():
            copied.append(len(data))
        write_all(fd, data)

    def watched_fsync(fd):
        if copying.is_set():
            flushes.append(sum(copied))
        real_fsync(fd)

    def last_lines(path, data):
        copying.clear()
        append_durably(path, data)

    writing, release = hold_the_snapshot(
        monkeypatch, then=lambda: None if copied else copying.set())
    monkeypatch.setattr(files, "write_all", watched_write_all)
    monkeypatch.setattr(files, "append_durably", last_lines)
    monkeypatch.setattr(database.os, "fsync", watched_fsync)
    save_until_folding_begins(store, doc_id, writing)
    for number in range(20):
        store.update("providers", doc_id, {"during": "y" * 100, "n": number})
    release.set()
    store.wait_for_background_work()
    assert sum(copied) > 2_000 and max(copied) <= 500
    assert len(flushes) >= 2 and flushes[0] < sum(copied)  # not only once at the end
    assert open_store(tmp_path).get("providers", doc_id)["n"] == 19


def test_a_compaction_stopped_after_the_new_snapshot_loses_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(database, "COMPACT_MIN_BYTES", 2_000)
    store = open_store(tmp_path)
    doc_id = store.insert("providers", {"note": ""})
    install = files.install

    def journal_cannot_be_replaced(temporary, path):
        if path.name == "finder.journal":
            temporary.unlink()
            raise OSError(28, "No space left on device")
        install(temporary, path)

    monkeypatch.setattr(files, "install", journal_cannot_be_replaced)
    for number in range(30):
        store.update("providers", doc_id, {"note": "x" * 100, "n": number})
        store.wait_for_background_work()
    assert b'"n":29' not in (tmp_path / "finder.json").read_bytes()  # folded before save 29
    assert b'"n":' in (tmp_path / "finder.json").read_bytes()  # the new snapshot is in place
    store.update("providers", doc_id, {"n": "after"})
    monkeypatch.undo()
    assert open_store(tmp_path).get("providers", doc_id)["n"] == "after"
    assert store.get("providers", doc_id)["n"] == "after"


def test_second_store_on_the_same_folder_sees_each_others_writes(tmp_path):
    one = open_store(tmp_path)
    two = open_store(tmp_path)
    first = one.insert("calls", {"provider_id": 7})
    second = two.insert("calls", {"provider_id": 7})
    assert first != second
    assert len(one.find("calls", "provider_id", 7)) == 2
    two.update("calls", first, {"note": "from two"})
    assert one.get("calls", first)["note"] == "from two"
    one.close()  # compaction by one: two must reload, not replay from a stale offset
    two.update("calls", second, {"note": "after compaction"})
    assert one.get("calls", second)["note"] == "after compaction"


def test_concurrent_threads_lose_no_update(tmp_path):
    store = open_store(tmp_path)
    counter = store.insert("counters", {"value": 0})
    errors = []

    def work(worker):
        try:
            for number in range(25):
                store.insert("providers", {"worker": worker, "n": number})
                with store.transaction():
                    value = store.get("counters", counter)["value"]
                    store.update("counters", counter, {"value": value + 1})
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    reopened = open_store(tmp_path)
    assert reopened.count("providers") == 200
    assert reopened.get("counters", counter)["value"] == 200
    pairs = {(p["worker"], p["n"]) for p in reopened.all("providers")}
    assert len(pairs) == 200


def _process_worker(folder, worker, rounds):
    store = open_store(folder)
    for number in range(rounds):
        store.insert("providers", {"worker": worker, "n": number})
        with store.transaction():
            value = store.get("counters", 1)["value"]
            store.update("counters", 1, {"value": value + 1})


def test_concurrent_processes_lose_no_update(tmp_path):
    open_store(tmp_path).insert("counters", {"value": 0})
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_process_worker, args=(tmp_path, w, 20)) for w in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    reopened = open_store(tmp_path)
    assert reopened.get("counters", 1)["value"] == 80
    assert len({(p["worker"], p["n"]) for p in reopened.all("providers")}) == 80


def test_a_failing_disk_reports_the_error_and_keeps_the_file_valid(tmp_path, monkeypatch):
    store = open_store(tmp_path)
    doc_id = store.insert("providers", {"name": "before"})

    def disk_full(fd, data):
        os.write(fd, data[: len(data) // 2])  # a partial write, as a full disk may leave
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files, "write_all", disk_full)
    with pytest.raises(StorageError, match="No space left on device"):
        store.update("providers", doc_id, {"name": "lost"})
    assert store.get("providers", doc_id)["name"] == "before"
    monkeypatch.undo()
    store.update("providers", doc_id, {"name": "after"})
    assert open_store(tmp_path).get("providers", doc_id)["name"] == "after"


def test_a_line_cut_off_by_a_crash_is_ignored_and_later_writes_land(tmp_path):
    store = open_store(tmp_path)
    store.insert("providers", {"name": "confirmed"})
    with open(tmp_path / "finder.journal", "ab") as journal:
        journal.write(b'1234abcd {"put":{"providers":{"9":{"na')
    store.insert("providers", {"name": "next"})  # must not append after the torn tail
    names = [p["name"] for p in open_store(tmp_path).all("providers")]
    assert names == ["confirmed", "next"]


def test_damage_in_the_middle_of_the_journal_stops_start_up(tmp_path):
    store = open_store(tmp_path)
    store.insert("providers", {"name": "one"})
    store.insert("providers", {"name": "two"})
    journal = tmp_path / "finder.journal"
    lines = journal.read_bytes().splitlines(keepends=True)
    lines[0] = lines[0].replace(b"one", b"0ne")  # checksum no longer matches
    journal.write_bytes(b"".join(lines))
    with pytest.raises(DamagedDataError, match="has a damaged line"):
        open_store(tmp_path)
    assert journal.read_bytes() == b"".join(lines)  # nothing was overwritten


@pytest.mark.parametrize("damage, message", [
    (b"", "is empty"),
    (b'{"providers": {"1": {"name": "cut', "cut off or is not valid JSON"),
    (b"not json at all", "cut off or is not valid JSON"),
    (b"\xff\xfe\x00\x01 binary", "is not UTF-8 text"),
    (b'{"providers": {}}', "no schema version"),
    (b'{"meta": {"1": {"schema_version": 999}}}', "newer version of finder"),
])
def test_a_damaged_snapshot_stops_start_up_and_names_the_newest_good_backup(
        tmp_path, damage, message):
    store = open_store(tmp_path)
    store.insert("providers", {"name": "precious"})
    good = store.backup("manual")
    store.close()
    (tmp_path / "finder.json").write_bytes(damage)
    with pytest.raises(DamagedDataError, match=message) as raised:
        open_store(tmp_path)
    text = str(raised.value)
    assert "finder.json" in text and str(good) in text and "finder restore" in text
    assert (tmp_path / "finder.json").read_bytes() == damage


def test_newest_good_backup_skips_damaged_backups(tmp_path):
    store = open_store(tmp_path)
    good = store.backup("one")
    bad = store.backup("two")
    bad.write_text("{")
    assert newest_good_backup(store.backup_folder) == good


def test_backups_are_taken_on_start_and_daily_and_rotate(tmp_path):
    clock = [dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)]
    store = open_store(tmp_path, days_kept=3, now=lambda: clock[0])
    assert len(store.backups()) == 1
    store.insert("providers", {"name": "a"})
    assert len(store.backups()) == 1  # not a day yet
    for day in range(1, 6):
        clock[0] += dt.timedelta(days=1, seconds=1)
        store.insert("providers", {"name": f"day {day}"})
        store.wait_for_background_work()  # the daily backup is made beside the save
    assert len(store.backups()) == 3
    newest = json.loads(store.backups()[0].read_text())
    assert len(newest["providers"]) == 6


def test_stale_temporary_files_are_removed_on_start(tmp_path):
    open_store(tmp_path)
    leftover = tmp_path / "finder.json.tmp-4194305-456"  # above any pid Linux gives out
    leftover.write_text("half")
    open_store(tmp_path)
    assert not leftover.exists()


def test_files_are_private_to_the_owner(tmp_path):
    folder = tmp_path / "data"
    open_store(folder).insert("providers", {"name": "x"})
    assert (folder / "finder.json").stat().st_mode & 0o077 == 0
    assert folder.stat().st_mode & 0o077 == 0


def test_replace_all_swaps_the_data_after_a_backup(tmp_path):
    store = open_store(tmp_path)
    store.insert("providers", {"name": "old"})
    other = open_store(tmp_path / "other")
    other.insert("calls", {"provider_id": 5})
    kept = store.replace_all(other.tables())
    assert json.loads(kept.read_text())["providers"]["1"]["name"] == "old"
    assert store.all("providers") == []
    assert [c["provider_id"] for c in store.find("calls", "provider_id", 5)] == [5]
    assert open_store(tmp_path).count("calls") == 1


def test_replace_all_refuses_what_is_not_finder_data(tmp_path):
    store = open_store(tmp_path)
    store.insert("providers", {"name": "kept"})
    with pytest.raises(DamagedDataError):
        store.replace_all({"providers": {"1": "not a record"}})
    with pytest.raises(DamagedDataError):
        store.replace_all({"meta": {"1": {"schema_version": 99}}})
    assert store.all("providers")[0]["name"] == "kept"
