"""Reliability promises: a confirmed save survives a crash at any moment, a failing disk is
reported and leaves the data valid, and data written by the first release still open."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import time

import pytest

from finder import create_app
from finder.directory import STORE_INDEXES
from finder.store import Store, data_format, files
from support import REPO, add_provider, save_field, start_call

FIRST_RELEASE = REPO / "tests" / "fixtures" / "first-release"


def _crashing_writer(folder, log_path, child) -> None:
    """Runs in a forked child: save, then log the save once it is confirmed; forever."""
    store = Store(folder, indexes=STORE_INDEXES)
    log = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    number = 0
    while True:
        number += 1
        with store.transaction():
            store.insert("providers", {"child": child, "n": number, "note": "x" * (number % 50)})
            store.set_meta("last", [child, number])
        os.write(log, f"{child} {number}\n".encode())
        os.fsync(log)


@pytest.mark.slow
def test_every_confirmed_save_survives_being_killed_at_random_moments(tmp_path):
    folder, log_path = tmp_path / "data", tmp_path / "confirmed.log"
    Store(folder, indexes=STORE_INDEXES)
    randomness = random.Random(20261125)
    kills = 200
    for child in range(kills):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child never returns
            try:
                _crashing_writer(folder, log_path, child)
            finally:
                os._exit(1)
        if child % 2:
            # Every other child first confirms a save, so that the kills do not all land
            # in opening the store when the machine is slow.
            _wait_for_growth(log_path, log_path.stat().st_size if log_path.exists() else 0)
        time.sleep(randomness.uniform(0, 0.04))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    survivor = Store(folder, indexes=STORE_INDEXES)  # the files parse, or this raises
    stored = {(p["child"], p["n"]) for p in survivor.all("providers")}
    logged = {tuple(map(int, line.split())) for line in log_path.read_text().splitlines()}
    assert len(logged) > kills  # the children did confirm saves between kills
    assert logged <= stored, f"lost: {sorted(logged - stored)[:5]}"
    assert len(stored) == survivor.count("providers")  # nothing doubled
    json.loads((folder / "finder.json").read_text())


def _compacting_writer(folder, log_path, child) -> None:
    """Runs in a forked child: like _crashing_writer, with the journal folded into a new
    snapshot in the background after every few saves, so that compaction is nearly always
    under way when the kill comes."""
    Store._compaction_due = lambda store: store._journal_offset > 2_000
    _crashing_writer(folder, log_path, child)


@pytest.mark.slow
def test_every_confirmed_save_survives_being_killed_during_compaction(tmp_path):
    folder, log_path = tmp_path / "data", tmp_path / "confirmed.log"
    store = Store(folder, indexes=STORE_INDEXES)
    with store.transaction():  # a snapshot big enough that writing it takes a while
        for number in range(3_000):
            store.insert("providers", {"child": -1, "n": number, "notes": "y" * 300})
    store.close()
    randomness = random.Random(20261130)
    kills, caught_compacting = 60, 0
    for child in range(kills):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child never returns
            try:
                _compacting_writer(folder, log_path, child)
            finally:
                os._exit(1)
        _wait_for_growth(log_path, log_path.stat().st_size if log_path.exists() else 0)
        time.sleep(randomness.uniform(0, 0.2))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        caught_compacting += bool(list(folder.glob("finder.json.tmp-*")))
    survivor = Store(folder, indexes=STORE_INDEXES)  # every byte checks out, or this raises
    stored = [(p["child"], p["n"]) for p in survivor.all("providers")]
    logged = {tuple(map(int, line.split())) for line in log_path.read_text().splitlines()}
    assert caught_compacting >= kills // 4  # the kills did land in the middle of compactions
    assert set(logged) <= set(stored), f"lost: {sorted(set(logged) - set(stored))[:5]}"
    assert len(stored) == len(set(stored))  # nothing doubled
    assert not list(folder.glob("*.tmp-*"))  # the killed compactions' files are cleaned


def _wait_for_growth(path, size, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.stat().st_size > size:
            return
        time.sleep(0.001)


def _disk_full(fd, data):
    os.write(fd, data[: len(data) // 3])
    raise OSError(28, "No space left on device")


def test_a_failing_disk_is_reported_on_autosave_and_nothing_is_half_written(
        client, directory, monkeypatch, data_dir):
    call_id = start_call(client, add_provider(client))
    save_field(client, call_id, "answer-step_size", "fixed_mg", rev=0)
    monkeypatch.setattr(files, "write_all", _disk_full)
    response = client.post(f"/calls/{call_id}/fields",
                           json={"name": "answer_note-step_size", "value": "typed", "rev": 0})
    assert response.status_code == 503
    assert "No space left on device" in response.get_json()["message"]
    assert "Your answers are still on this page" in response.get_json()["message"]
    monkeypatch.undo()
    reopened = Store(data_dir, indexes=STORE_INDEXES)
    answer = reopened.get("calls", call_id)["answers"]["step_size"]
    assert answer["option"] == "fixed_mg" and "note" not in answer


def test_a_failing_disk_on_a_whole_form_save_shows_the_error_and_keeps_the_text(
        client, monkeypatch, data_dir):
    call_id = start_call(client, add_provider(client))
    page = client.get(f"/calls/{call_id}").get_data(as_text=True)
    from support import submit_form

    monkeypatch.setattr(files, "write_all", _disk_full)
    response = client.post(f"/calls/{call_id}", data=submit_form(
        page, "interview-form", **{"notes": "everything the nurse said"}))
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "could not save to disk" in body and "No space left on device" in body
    assert "everything the nurse said" in body
    monkeypatch.undo()
    assert Store(data_dir, indexes=STORE_INDEXES).get("calls", call_id)["notes"] == ""


def test_data_written_by_the_first_release_open_and_show(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(FIRST_RELEASE, folder)
    app = create_app({"DATA_DIR": str(folder), "TESTING": True})
    client = app.test_client()
    shortlist = client.get("/").get_data(as_text=True)
    assert "Dr First Release" in shortlist and "Strong match" in shortlist
    strong = client.get("/providers/1/summary").get_data(as_text=True)
    assert "Strong match" in strong and "10% of the current dose" in strong
    linear = client.get("/providers/2/summary").get_data(as_text=True)
    assert "Deadline expectations" in linear and "Fixed mg steps at fixed intervals" in linear


def test_an_older_schema_is_migrated_on_start_after_a_backup(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    shutil.copytree(FIRST_RELEASE, folder)

    def to_schema_2(tables):
        for record in tables["providers"].values():
            record["migrated"] = True
        return tables

    monkeypatch.setattr(data_format, "SCHEMA_VERSION", 2)
    monkeypatch.setitem(data_format.MIGRATIONS, 2, to_schema_2)
    store = Store(folder, indexes=STORE_INDEXES)
    assert all(p["migrated"] for p in store.all("providers"))
    assert store.meta("schema_version") == 2
    before = [b for b in store.backups() if "before-migration-from-schema-1" in b.name]
    assert before, [b.name for b in store.backups()]
    old = json.loads(before[0].read_text())
    assert old["meta"]["1"]["schema_version"] == 1
    assert not any("migrated" in p for p in old["providers"].values())
