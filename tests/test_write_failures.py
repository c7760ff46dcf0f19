"""One calm answer to a save that cannot be written, everywhere: every form that saves keeps
what was typed and says the disk is full (or the folder cannot be written) and what to do,
with status 503, and nothing on disk changes.

Here every write finder makes to its data folder fails as on a full disk (the store's and the
uploads' writes raise ENOSPC); tests/test_disk_for_real.py does the same with a real full
disk, a real read-only folder and strace."""

from __future__ import annotations

import errno
import io
import os
from html import unescape

import pytest

from finder.directory import STORE_INDEXES
from finder.store import Store
from support import FIXED_MG_SCHEDULE, form_values, seed_every_kind

FULL = "The disk is full, so finder could not save"
WHAT_TO_DO = "Free some space on the disk that holds"
TYPED = "typed-while-the-disk-was-full"
PERCENT = {"drug": "diazepam", "start_mg": "4", "mode": "rule", "amount": "10",
           "unit": "percent", "every": "4", "interval_unit": "weeks"}


def disk_fails(monkeypatch, code=errno.ENOSPC):
    """From now on every write to the data folder fails with `code`."""
    from finder.store import files
    from finder.transfer import pending

    def refuse(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    for name in ("write_all", "write_all_at"):
        monkeypatch.setattr(files, name, refuse)
    monkeypatch.setattr(pending, "_write_private", refuse)


@pytest.fixture
def seeded(client):
    return seed_every_kind(client)


def on_disk(data_dir) -> dict:
    return Store(data_dir, indexes=STORE_INDEXES).tables()


def page_text(response) -> str:
    return unescape(response.get_data(as_text=True))


# (what the user does, address, form, what was typed that must come back, the page to go
# back to for a button). Addresses and forms may name the seeded values.
FORMS = [
    ("add a provider", "/providers/new",
     {"name": f"Dr {TYPED}", "notes": f"note {TYPED}", "telemedicine": "unknown",
      "payment": "unknown", "status": "to_call"}, [f"Dr {TYPED}", f"note {TYPED}"], None),
    ("edit a provider", "/providers/{provider_id}/edit",
     {"name": f"Dr {TYPED}", "phone": "555 000 1111", "telemedicine": "unknown",
      "payment": "unknown", "status": "to_call"}, [f"Dr {TYPED}", "555 000 1111"], None),
    ("save the medication timeline", "/timeline",
     {"person": TYPED, "medications-0-drug": "Clonazepam", "medications-0-dose": "1",
      "medications-0-unit": "mg", "notes": f"timeline {TYPED}"},
     [TYPED, "Clonazepam", f"timeline {TYPED}"], None),
    ("start a call", "/providers/{provider_id}/calls", {}, [], "/providers/{provider_id}"),
    ("save the whole call form", "/calls/{call_id}", "interview", [f"call {TYPED}"], None),
    ("end a call", "/calls/{call_id}/end", "interview-end", [f"call {TYPED}"], None),
    ("undo the end of a call", "/calls/{call_id}/end/undo", {}, [], "/providers/{provider_id}"),
    ("remove a call", "/calls/{call_id}/delete", {}, [], "/providers/{provider_id}"),
    ("bring back a call", "/calls/{removed_call_id}/restore", {}, [],
     "/providers/{provider_id}"),
    ("move a provider to the trash", "/providers/{provider_id}/delete", {}, [], "page"),
    ("bring back a provider", "/providers/{trashed_id}/restore", {}, [],
     "/providers/{trashed_id}"),
    ("empty the trash", "/providers/trash/empty", {}, [], "page"),
    ("clear a red flag", "/providers/{provider_id}/red-flags/deadline/clear", {}, [],
     "/providers/{provider_id}"),
    ("attach a schedule", "/calls/{call_id}/schedule", dict(PERCENT, action="attach"),
     [], None),
    ("take a schedule off", "/calls/{call_id}/schedule/remove", {}, [],
     "/calls/{call_id}/schedule"),
    ("tick a red flag from a schedule", "/calls/{call_id}/schedule/red-flag", {}, [],
     "/calls/{call_id}/schedule"),
    ("upload a list", "/import-export/list", "csv upload", [], None),
    ("import a list", "/import-export/list/{csv_token}/import",
     {"column_0": "name", "column_1": "phone"}, [], "page"),
    ("undo an import", "/import-export/list/undo/{batch}", {}, [], "/"),
    ("upload a data file to restore", "/import-export/restore", "json upload", [], None),
    ("restore a data file", "/import-export/restore/{json_token}", {}, [], "page"),
    ("undo a restore", "/import-export/restore/undo/{backup}", {}, [], "/"),
    ("undo an import from the list of imports", "/import-export/list/undo/{batch}",
     {"next": "imports"}, [], "/import-export/#imports"),
    ("bring back a cleared red flag", "/providers/{provider_id}/red-flags/deadline/unclear",
     {}, [], "/providers/{provider_id}"),
    ("undo a schedule change", "/calls/{call_id}/schedule/undo", {}, [],
     "/calls/{call_id}/schedule"),
    ("undo a red flag ticked from a schedule", "/calls/{call_id}/schedule/red-flag/undo", {},
     [], "/calls/{call_id}/schedule"),
    ("hide the note of changed verdicts", "/verdict-changes/hide", {}, [], "/"),
    ("show the note of changed verdicts again", "/verdict-changes/show", {}, [], "/"),
]


def _note_of_changed_verdicts(app, hidden):
    from finder.directory import Directory

    app.extensions["finder"].store.set_meta(
        Directory.VERDICT_CHANGES, {"at": "2026-11-30T12:00:00", "rules": "x", "hidden": hidden,
                                    "changes": []})


# What must be done first so that the button has something to write (the disk still has room).
SETUP = {
    "undo the end of a call": lambda client, app, seeded: client.post(
        f"/calls/{seeded['call_id']}/end", data={"end_status": "booked"}),
    "bring back a cleared red flag": lambda client, app, seeded: client.post(
        f"/providers/{seeded['provider_id']}/red-flags/deadline/clear"),
    "undo a schedule change": lambda client, app, seeded: client.post(
        f"/calls/{seeded['call_id']}/schedule", data=dict(PERCENT, action="attach")),
    "undo a red flag ticked from a schedule": lambda client, app, seeded: client.post(
        f"/calls/{seeded['call_id']}/schedule/red-flag"),
    "hide the note of changed verdicts": lambda client, app, seeded:
        _note_of_changed_verdicts(app, hidden=False),
    "show the note of changed verdicts again": lambda client, app, seeded:
        _note_of_changed_verdicts(app, hidden=True),
}

# Addresses that take a POST but are not in FORMS, and why.
NOT_IN_FORMS = {
    "calls.save_field": "the autosave: test_the_autosave_says_the_disk_is_full_in_json",
    "colour_theme.choose": "writes a cookie, no file: test_the_colour_buttons_still_work_...",
    "transfer.cancel_list": "only deletes the waiting upload, which a full disk allows",
    "sign_in.sign_in": "writes nothing to the data folder (sessions are in memory)",
    "sign_in.sign_out": "writes nothing to the data folder (sessions are in memory)",
}


def _request_data(client, form, seeded, url):
    if form in ("interview", "interview-end"):
        page = client.get(url.removesuffix("/end")).get_data(as_text=True)
        data = dict(form_values(page, "interview-form"))
        data.update({"notes": f"call {TYPED}", "end_status": "ruled_out"})
        return {"data": data}
    if form == "csv upload":
        return {"data": {"list_file": (io.BytesIO(seeded["csv"]), "list.csv")},
                "content_type": "multipart/form-data"}
    if form == "json upload":
        return {"data": {"data_file": (io.BytesIO(seeded["export"]), "data.json")},
                "content_type": "multipart/form-data"}
    return {"data": form}


@pytest.mark.parametrize("action, url, form, typed, back", FORMS, ids=[f[0] for f in FORMS])
def test_every_form_that_saves_answers_a_full_disk_calmly_and_keeps_what_was_typed(
        app, client, seeded, data_dir, monkeypatch, action, url, form, typed, back):
    if action in SETUP:
        SETUP[action](client, app, seeded)
    url = url.format(**seeded)
    request = _request_data(client, form, seeded, url)
    before = on_disk(data_dir)
    disk_fails(monkeypatch)
    response = client.post(url, **request)
    text = page_text(response)
    assert response.status_code == 503, (action, text[-1500:])
    assert FULL in text and WHAT_TO_DO in text and "Nothing was changed" in text, action
    for words in typed:
        assert words in text, (action, words)
    if back not in (None, "page"):
        assert f'href="{back.format(**seeded)}">Back to the page</a>' in text, action
    monkeypatch.undo()
    assert on_disk(data_dir) == before, action


def test_every_address_that_takes_a_post_is_among_the_forms_or_says_why_not(app, seeded):
    adapter = app.url_map.bind("localhost")
    in_forms = {adapter.match(url.format(**seeded), method="POST")[0] for _, url, *_ in FORMS}
    takes_a_post = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    assert takes_a_post - in_forms - NOT_IN_FORMS.keys() == set()
    assert in_forms & NOT_IN_FORMS.keys() == set()


def test_a_form_that_failed_saves_once_the_disk_has_room_again(client, data_dir, monkeypatch):
    form = FORMS[0][2]
    disk_fails(monkeypatch)
    assert client.post("/providers/new", data=form).status_code == 503
    monkeypatch.undo()
    assert client.post("/providers/new", data=form).status_code == 302
    assert [p["name"] for p in on_disk(data_dir)["providers"].values()] == [f"Dr {TYPED}"]


def test_the_autosave_says_the_disk_is_full_in_json(client, seeded, data_dir, monkeypatch):
    before = on_disk(data_dir)
    disk_fails(monkeypatch)
    response = client.post(f"/calls/{seeded['call_id']}/fields",
                           json={"name": "notes", "value": TYPED})
    assert response.status_code == 503 and response.get_json()["error"] == "failed"
    assert response.get_json()["message"].startswith(FULL)
    monkeypatch.undo()
    assert on_disk(data_dir) == before


def test_a_folder_that_cannot_be_written_is_named_as_such(client, seeded, data_dir,
                                                          monkeypatch):
    disk_fails(monkeypatch, errno.EROFS)
    response = client.post("/providers/new", data=FORMS[0][2])
    text = page_text(response)
    assert response.status_code == 503
    assert "finder's data folder cannot be written, so finder could not save" in text
    assert "is not read-only" in text and f"Dr {TYPED}" in text


def test_the_colour_buttons_still_work_on_a_full_disk(client, monkeypatch):
    disk_fails(monkeypatch)
    response = client.post("/preferences/theme", data={"theme": "dark", "next": "/"})
    assert response.status_code == 302 and "finder_theme=dark" in response.headers["Set-Cookie"]


def test_a_schedule_left_unattached_keeps_its_inputs(client, seeded, monkeypatch):
    disk_fails(monkeypatch)
    response = client.post(f"/calls/{seeded['call_id']}/schedule",
                           data=dict(FIXED_MG_SCHEDULE, amount="0.125", action="attach"))
    assert response.status_code == 503
    assert 'value="0.125"' in response.get_data(as_text=True)


def test_any_other_disk_error_is_put_in_words_too():
    from finder.errors import write_failure

    failure = write_failure(OSError(errno.EIO, "Input/output error", "/data/finder.journal"))
    assert failure.sentence() == (
        "finder could not write to its data folder (Input/output error). Nothing was "
        "changed, and nothing you typed is lost. Check the disk that holds /data, then "
        "save again.")
