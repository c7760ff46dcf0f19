"""The directory's answers the pages share: what is in the trash, who is due for a call
back, and a whole form's answers saved all together or not at all."""

import shutil

import pytest

from finder.content import load_content
from finder.directory import STORE_INDEXES, Directory
from finder.store import Store
from support import REPO

CONTENT = load_content(REPO / "data")
TODAY = "2026-12-01"


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
    assert [p["name"] for p in directory.due_for_call_back(TODAY)] == ["Overdue", "Today"]
    everyone, _ = directory.providers_and_trash()
    assert directory.due_for_call_back(TODAY, everyone) == directory.due_for_call_back(TODAY)


def test_without_statuses_that_end_follow_ups_every_date_come_is_due(tmp_path):
    plain = Directory(Store(tmp_path / "data", indexes=STORE_INDEXES), CONTENT.checklist)
    plain.add_provider({"name": "Booked", "follow_up_on": "2026-11-01", "status": "booked"})
    assert [p["name"] for p in plain.due_for_call_back(TODAY)] == ["Booked"]


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
    kept = directory.replace_all(directory.tables())
    assert directory.backup_file(kept.name) == kept
    assert directory.backup_file("finder-20990101-000000-000000-before-replace.json") is None
    assert directory.backup_file("../" + kept.name) is None
