"""The directory's answers the pages share: what is in the trash, who is due for a call
back, and a whole form's answers saved all together or not at all."""

import datetime as dt
import shutil

import pytest

from finder.content import load_content
from finder.directory import STORE_INDEXES, Directory
from finder.store import Store
from support import REPO

CONTENT = load_content(REPO / "data")
TODAY = "2026-12-01"


def shortlist_entries(directory) -> tuple[list, int]:
    """The shortlist's entries (those not in the trash) and how many are in the trash."""
    index = directory.shortlist_index(dt.date.fromisoformat(TODAY))
    return list(index.entries), index.trashed


@pytest.fixture
def directory(tmp_path):
    store = Store(tmp_path / "data", indexes=STORE_INDEXES)
    return Directory(store, CONTENT.checklist, statuses_ending_follow_ups=CONTENT.vocabulary
                     .statuses_ending_follow_ups())


def test_booked_and_ruled_out_end_follow_ups_in_the_shipped_vocabulary():
    assert CONTENT.vocabulary.statuses_ending_follow_ups() == {"booked", "ruled_out"}


def test_the_statuses_that_end_follow_ups_come_from_the_vocabulary_file(tmp_path):
    folder = shutil.copytree(REPO / "data", tmp_path / "content")
    text = (folder / "vocabulary.toml").read_text()
    waiting = 'id = "waiting"\nlabel = "Waiting for call back"\n'
    assert waiting in text
    (folder / "vocabulary.toml").write_text(
        text.replace(waiting, waiting + "ends_follow_ups = true\n"))
    assert load_content(folder).vocabulary.statuses_ending_follow_ups() == {
        "waiting", "booked", "ruled_out"}


def test_due_for_a_call_back_is_a_date_come_not_in_the_trash_nor_finished(directory):
    def add(name, **fields):
        return directory.add_provider({"name": name, **fields})

    add("Overdue", follow_up_on="2026-11-20", status="waiting")
    add("Today", follow_up_on=TODAY, status="called")
    add("Later", follow_up_on="2026-12-02")
    add("No date")
    add("Booked", follow_up_on="2026-11-01", status="booked")
    add("Ruled out", follow_up_on="2026-11-01", status="ruled_out")
    directory.trash_provider(add("Trashed", follow_up_on="2026-11-01"))
    assert [e.name for e in directory.due_entries(TODAY)] == ["Overdue", "Today"]
    index = directory.shortlist_index(dt.date.fromisoformat(TODAY))
    assert directory.due_entries(TODAY, index) == directory.due_entries(TODAY)


def test_without_statuses_that_end_follow_ups_every_date_come_is_due(tmp_path):
    plain = Directory(Store(tmp_path / "data", indexes=STORE_INDEXES), CONTENT.checklist)
    plain.add_provider({"name": "Booked", "follow_up_on": "2026-11-01", "status": "booked"})
    assert [e.name for e in plain.due_entries(TODAY)] == ["Booked"]


def test_the_trash_is_told_apart_in_one_read_and_undone_by_restoring(directory):
    kept = directory.add_provider({"name": "Kept"})
    gone = directory.add_provider({"name": "Gone"})
    directory.trash_provider(gone)
    everyone, trashed = directory.providers_and_trash()
    assert [p["id"] for p in everyone] == [kept] and [p["id"] for p in trashed] == [gone]
    assert directory.in_trash(trashed[0]) and not directory.in_trash(everyone[0])
    assert directory.providers() == everyone and directory.trashed_providers() == trashed
    directory.restore_provider(gone)
    assert directory.trashed_providers() == []


def test_a_whole_form_is_saved_all_together_or_not_at_all(directory):
    call_id = directory.start_call(directory.add_provider({"name": "Dr Form"}))
    saved = directory.edit_call_fields(call_id, [("notes", "first", None),
                                                 ("answer-step_size", "fixed_mg", None)])
    assert {name: edit.outcome for name, edit in saved.items()} == {
        "notes": "saved", "answer-step_size": "saved"}
    with pytest.raises(KeyError):
        directory.edit_call_fields(call_id, [("notes", "second", None), ("no_such_field", 1, None)])
    assert directory.call(call_id)["notes"] == "first"  # the first of the two was not kept


def test_a_backup_is_found_by_its_name_only_while_the_folder_keeps_it(directory):
    directory.add_provider({"name": "Dr Backed Up"})
    kept = directory.replace_all(directory.store.tables())
    assert directory.backup_file(kept.name) == kept
    assert directory.backup_file("finder-20990101-000000-000000-before-replace.json") is None
    assert directory.backup_file("../" + kept.name) is None


# -- the shortlist's compact rows follow every change -----------------------------------------


def entry_named(directory, name):
    entries, _ = shortlist_entries(directory)
    return next((e for e in entries if e.name == name), None)


def test_shortlist_entries_follow_each_save_and_leave_the_trash_out(directory):
    lee = directory.add_provider({"name": "Dr Lee", "status": "to_call"})
    assert entry_named(directory, "Dr Lee").status == "to_call"
    directory.update_provider(lee, {"status": "called", "name": "Dr Ann Lee"})
    assert entry_named(directory, "Dr Lee") is None
    assert entry_named(directory, "Dr Ann Lee").status == "called"
    directory.trash_provider(lee)
    assert shortlist_entries(directory) == ([], 1)
    directory.restore_provider(lee)
    assert shortlist_entries(directory)[0][0].name == "Dr Ann Lee"


def test_a_call_changes_the_entrys_verdict_and_score(directory):
    lee = directory.add_provider({"name": "Dr Lee"})
    assert entry_named(directory, "Dr Lee").verdict == "incomplete"
    call = directory.start_call(lee, called_at="2026-11-24T10:00")
    for question, option in {"step_size": "percent_of_current",
                             "liquid_formulation": "yes_with_pharmacy",
                             "bad_reaction": "hold_or_updose",
                             "knows_literature": "knows"}.items():
        directory.edit_call(call, f"answer-{question}", option, None)
    entry = entry_named(directory, "Dr Lee")
    assert (entry.verdict, entry.percent, entry.last_call_at) == (
        "strong", 100, "2026-11-24T10:00")
    directory.delete_call(call)
    assert entry_named(directory, "Dr Lee").verdict == "incomplete"


def test_another_process_s_save_reaches_the_entries(directory, tmp_path):
    directory.add_provider({"name": "Dr Here"})
    assert [e.name for e in shortlist_entries(directory)[0]] == ["Dr Here"]
    other = Directory(Store(tmp_path / "data", indexes=STORE_INDEXES), CONTENT.checklist)
    other.add_provider({"name": "Dr From Elsewhere"})
    other.update_provider(1, {"status": "booked"})
    entries, _ = shortlist_entries(directory)
    assert [(e.name, e.status) for e in entries] == [("Dr Here", "booked"),
                                                    ("Dr From Elsewhere", "to_call")]


def test_a_change_that_is_rolled_back_never_reaches_the_entries(directory):
    lee = directory.add_provider({"name": "Dr Lee"})
    shortlist_entries(directory)  # built and kept
    with pytest.raises(RuntimeError):
        with directory.store.transaction():
            directory.update_provider(lee, {"name": "Dr Never Saved"})
            assert entry_named(directory, "Dr Never Saved") is not None  # seen inside
            raise RuntimeError("the save fails")
    assert [e.name for e in shortlist_entries(directory)[0]] == ["Dr Lee"]


def test_entries_are_shared_read_only_and_kept_while_nothing_changes(directory):
    directory.add_provider({"name": "Dr Lee"})
    first, _ = shortlist_entries(directory)
    again, _ = shortlist_entries(directory)
    assert first[0] is again[0]  # not rebuilt
    with pytest.raises(AttributeError):
        first[0].name = "Someone else's page"  # frozen: one request cannot change another's
    directory.add_provider({"name": "Dr Park"})
    after, _ = shortlist_entries(directory)
    assert after[0] is first[0] and [e.name for e in after] == ["Dr Lee", "Dr Park"]


def test_the_shortlist_index_is_kept_until_a_save_or_a_new_day(directory, tmp_path):
    day = dt.date(2026, 12, 1)
    directory.add_provider({"name": "Dr Lee", "follow_up_on": "2026-12-02"})
    index = directory.shortlist_index(day)
    assert directory.shortlist_index(day) is index
    assert directory.due_entries(day.isoformat()) == ()
    # The next day the same entries are due: the follow-up's values depend on the day.
    tomorrow = directory.shortlist_index(day + dt.timedelta(days=1))
    assert tomorrow is not index and [e.name for e in tomorrow.due()] == ["Dr Lee"]
    # A save, here by another process, gives another index with it.
    other = Directory(Store(tmp_path / "data", indexes=STORE_INDEXES), CONTENT.checklist)
    other.add_provider({"name": "Dr Park"})
    after = directory.shortlist_index(day)
    assert after is not index and [e.name for e in after.entries] == ["Dr Lee", "Dr Park"]
    directory.trash_provider(1)
    assert [e.name for e in directory.shortlist_index(day).entries] == ["Dr Park"]
    assert directory.shortlist_index(day).trashed == 1
