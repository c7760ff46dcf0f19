"""Every byte on disk is checked: each kind of damage stops start-up, names the newest good
backup and changes nothing; a crash at any step is told apart from damage; folders written
before files had checksums still open."""

from __future__ import annotations

import json
import shutil

import pytest

from finder.store import DamagedDataError, Store, newest_good_backup
from finder.store.snapshot import read_snapshot
from support import REPO

INDEXES = {"calls": ["provider_id"]}
FIXTURES = REPO / "tests" / "fixtures"


def folder_with_saves(folder, count=3) -> Store:
    """A store whose start backup is good and whose journal holds `count` saves."""
    store = Store(folder, indexes=INDEXES)
    for number in range(count):
        store.insert("providers", {"name": f"Dr {number}", "notes": f"note number {number}"})
    return store


def journal_lines(folder) -> list[bytes]:
    return (folder / "finder.journal").read_bytes().splitlines(keepends=True)


def contents(folder) -> dict:
    return {path.relative_to(folder): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file() and path.suffix != ".lock"}


def assert_start_up_refused(folder, words: str) -> str:
    before = contents(folder)
    with pytest.raises(DamagedDataError) as raised:
        Store(folder, indexes=INDEXES)
    message = str(raised.value)
    good = newest_good_backup(folder / "backups")
    assert words in message
    assert good is not None and str(good) in message and "finder restore" in message
    assert contents(folder) == before  # nothing compacted, rewritten or backed up
    return message


def test_a_zero_filled_journal_stops_start_up(tmp_path):
    folder_with_saves(tmp_path)
    journal = tmp_path / "finder.journal"
    journal.write_bytes(bytes(journal.stat().st_size))
    assert_start_up_refused(tmp_path, "zero bytes")


def test_a_zeroed_region_inside_the_journal_stops_start_up(tmp_path):
    folder_with_saves(tmp_path)
    data = bytearray((tmp_path / "finder.journal").read_bytes())
    middle = len(data) // 2
    data[middle:middle + 40] = bytes(40)
    (tmp_path / "finder.journal").write_bytes(bytes(data))
    assert_start_up_refused(tmp_path, "zero bytes")


def test_a_flipped_byte_in_the_last_complete_line_stops_start_up(tmp_path):
    folder_with_saves(tmp_path)
    lines = journal_lines(tmp_path)
    lines[-1] = lines[-1].replace(b"note number 2", b"note number 3")
    (tmp_path / "finder.journal").write_bytes(b"".join(lines))
    assert_start_up_refused(tmp_path, "has a damaged line")


def test_a_damaged_end_of_line_on_the_last_line_is_not_taken_for_a_torn_write(tmp_path):
    folder_with_saves(tmp_path)
    journal = tmp_path / "finder.journal"
    journal.write_bytes(journal.read_bytes()[:-1] + b"\x0b")
    assert_start_up_refused(tmp_path, "damaged last line")


def test_a_flipped_byte_in_a_note_in_the_snapshot_stops_start_up(tmp_path):
    folder_with_saves(tmp_path).close()
    snapshot = tmp_path / "finder.json"
    snapshot.write_bytes(snapshot.read_bytes().replace(b"note number 1", b"note number 7"))
    assert_start_up_refused(tmp_path, "does not match its checksum")


def test_a_damaged_checksum_record_does_not_pass_for_an_older_snapshot(tmp_path):
    folder_with_saves(tmp_path).close()
    snapshot = tmp_path / "finder.json"
    snapshot.write_bytes(snapshot.read_bytes().replace(b'"snapshot"', b'"snapshoT"', 1))
    assert_start_up_refused(tmp_path, "damaged at its start")


def test_a_snapshot_that_lost_its_checksum_record_does_not_pass_for_an_older_one(tmp_path):
    folder_with_saves(tmp_path).close()
    tables = json.loads((tmp_path / "finder.json").read_text())
    del tables["snapshot"]
    (tmp_path / "finder.json").write_text(json.dumps(tables))
    assert_start_up_refused(tmp_path, "has lost its checksum record")


def test_a_deleted_journal_stops_start_up(tmp_path):
    folder_with_saves(tmp_path)
    (tmp_path / "finder.journal").unlink()
    assert_start_up_refused(tmp_path, "finder.journal is missing")


def test_a_journal_cut_at_a_line_boundary_stops_start_up(tmp_path):
    folder_with_saves(tmp_path)
    (tmp_path / "finder.journal").write_bytes(b"".join(journal_lines(tmp_path)[:-1]))
    assert_start_up_refused(tmp_path, "its last lines are missing")


def test_a_journal_whose_first_line_was_cut_away_stops_start_up(tmp_path):
    folder_with_saves(tmp_path)
    (tmp_path / "finder.journal").write_bytes(b"".join(journal_lines(tmp_path)[1:]))
    assert_start_up_refused(tmp_path, "does not follow on from the snapshot")


def test_a_line_missing_in_the_middle_stops_start_up(tmp_path):
    folder_with_saves(tmp_path)
    lines = journal_lines(tmp_path)
    (tmp_path / "finder.journal").write_bytes(lines[0] + lines[2])
    assert_start_up_refused(tmp_path, "lines are missing")


def test_a_journal_that_does_not_continue_the_snapshot_stops_start_up(tmp_path):
    store = folder_with_saves(tmp_path, count=0)
    older_snapshot = (tmp_path / "finder.json").read_bytes()  # holds saves up to 0
    store.insert("providers", {"name": "folded"})
    Store(tmp_path)  # folds saves into a newer snapshot and empties the journal
    store.insert("providers", {"name": "in the journal"})
    (tmp_path / "finder.json").write_bytes(older_snapshot)
    assert_start_up_refused(tmp_path, "does not follow on from the snapshot")


def test_a_last_line_cut_off_by_a_crash_is_dropped_and_nothing_else(tmp_path):
    folder_with_saves(tmp_path)
    torn = journal_lines(tmp_path)[-1]
    with open(tmp_path / "finder.journal", "ab") as handle:
        handle.write(torn[: len(torn) // 2])  # half of a fourth save, never confirmed
    store = Store(tmp_path, indexes=INDEXES)
    assert [p["name"] for p in store.all("providers")] == ["Dr 0", "Dr 1", "Dr 2"]


def test_a_crash_between_the_new_snapshot_and_the_empty_journal_replays_nothing_twice(
        tmp_path):
    store = Store(tmp_path, indexes=INDEXES)
    provider = store.insert("providers", {"name": "first"})
    journal_after_first_save = (tmp_path / "finder.journal").read_bytes()
    store.update("providers", provider, {"name": "second"})
    store.close()  # the snapshot now holds both saves; the journal is empty
    # As if the crash came after the snapshot was replaced, before the journal was emptied:
    (tmp_path / "finder.journal").write_bytes(journal_after_first_save)
    reopened = Store(tmp_path, indexes=INDEXES)
    assert reopened.get("providers", provider)["name"] == "second"
    assert reopened.insert("providers", {"name": "next"}) == provider + 1


def test_the_snapshot_says_up_to_which_save_it_holds(tmp_path):
    folder_with_saves(tmp_path).close()
    tables, sequence = read_snapshot(tmp_path / "finder.json")
    assert sequence == 3 and len(tables["providers"]) == 3 and "snapshot" not in tables


def test_a_restore_of_damaged_data_puts_the_damaged_files_aside(tmp_path):
    from finder.store import restore_backup

    folder_with_saves(tmp_path)
    good = newest_good_backup(tmp_path / "backups")
    zeroed = bytes((tmp_path / "finder.journal").stat().st_size)
    (tmp_path / "finder.journal").write_bytes(zeroed)
    aside = restore_backup(tmp_path, good)
    assert (aside / "finder.journal").read_bytes() == zeroed
    assert (aside / "finder.json").exists() and (aside / "finder.confirmed").exists()
    assert Store(tmp_path).count("providers") == 0  # the start backup came before the saves


def test_a_folder_written_before_files_had_checksums_opens_and_gains_them(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(FIXTURES / "release-0.1-journal", folder)
    store = Store(folder, indexes=INDEXES)
    assert store.get("providers", 1)["notes"].startswith("Written to the journal")
    assert store.get("providers", 3)["name"] == "Dr Journal Only"
    assert store.get("calls", 1)["notes"] == "Journal note on call one"
    assert (folder / "finder.json").read_bytes().startswith(b'{"snapshot":{"1":{"sequence":3,')
    assert (folder / "finder.journal").read_bytes() == b""
    store.update("providers", 3, {"name": "Dr Journal Only, again"})
    assert Store(folder).get("providers", 3)["name"] == "Dr Journal Only, again"


def test_a_crash_while_adding_checksums_to_an_old_folder_loses_nothing(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(FIXTURES / "release-0.1-journal", folder)
    Store(folder)  # rewrites the snapshot with a checksum, then empties the journal
    # A crash between the two leaves the old, unnumbered journal beside the new snapshot.
    shutil.copy(FIXTURES / "release-0.1-journal" / "finder.journal", folder)
    store = Store(folder, indexes=INDEXES)
    assert store.get("providers", 3)["name"] == "Dr Journal Only"
    assert store.insert("providers", {"name": "Dr Four"}) == 4


def test_backups_from_before_checksums_still_count_as_good(tmp_path):
    backups = tmp_path / "backups"
    backups.mkdir()
    old = backups / "finder-20261101-100000-000000-daily.json"
    shutil.copy(FIXTURES / "first-release" / "finder.json", old)
    assert newest_good_backup(backups) == old
    newer = backups / "finder-20261102-100000-000000-daily.json"
    newer.write_bytes(b'{"snapshot":{"1":{"sequence":1,"crc32":"00000000"}},"meta":{}}')
    assert newest_good_backup(backups) == old  # the newer one fails its checksum


def test_every_line_carries_its_number_and_a_checksum(tmp_path):
    folder_with_saves(tmp_path)
    numbers = [json.loads(line[9:])["seq"] for line in journal_lines(tmp_path)]
    assert numbers == [1, 2, 3]
    assert (tmp_path / "finder.confirmed").read_bytes() == b"%020d\n" % 3
