"""The data folder around the data: stray temporary files are cleaned, something of the
wrong kind gets a sentence instead of a traceback, and backups survive restarts."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from finder import cli
from finder.store import Store, StorageError, files
from finder.store.backups import backup_made_at, backup_name

UTC = dt.timezone.utc


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_backup_killed_half_way_leaves_no_temporary_file_after_the_next_start(tmp_path):
    store = Store(tmp_path)
    store.insert("providers", {"name": "x" * 1000})
    target = tmp_path / "backups" / "finder-20261130-120000-000000-manual.json"
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child is killed
        try:
            with files.temporary_file(target) as (fd, _temporary):
                files.write_all(fd, b'{"half": "a backup')
                time.sleep(60)
        finally:
            os._exit(1)
    deadline = time.monotonic() + 10
    while not list(target.parent.glob("*.tmp-*")) and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    assert list(target.parent.glob("*.tmp-*"))
    Store(tmp_path)
    assert not list(target.parent.glob("*.tmp-*"))
    assert not list(tmp_path.glob("*.tmp-*"))


def test_a_temporary_file_of_a_running_process_is_left_alone(tmp_path):
    Store(tmp_path)
    stray = tmp_path / f"finder.json.tmp-{dead_pid()}-1"
    stray.write_text("half")
    in_progress = tmp_path / f"finder.json.tmp-{os.getpid()}-1"
    in_progress.write_text("being written by a live process")
    Store(tmp_path)
    assert not stray.exists() and in_progress.exists()


@pytest.mark.parametrize("name, expected", [
    ("finder.journal", "file"),
    ("finder.lock", "file"),
    ("finder.json", "file"),
    ("finder.confirmed", "file"),
    ("backups", "folder"),
])
def test_something_of_the_wrong_kind_in_the_folder_gets_a_sentence(tmp_path, name, expected):
    Store(tmp_path).insert("providers", {"name": "Dr Kept"})
    path = tmp_path / name
    if path.is_dir():
        for inner in path.iterdir():
            inner.unlink()
        path.rmdir()
        path.write_text("a file where a folder should be")
    else:
        path.unlink()
        path.mkdir()
    with pytest.raises(StorageError, match=f"{name} should be a {expected}"):
        Store(tmp_path)
    result = CliRunner().invoke(cli.main, ["backup", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert f"{name} should be a {expected}, but it is" in result.output
    assert "Traceback" not in result.output and result.exception.__class__ is SystemExit


def test_a_lock_that_cannot_be_used_while_running_refuses_the_save_in_words(tmp_path):
    store = Store(tmp_path)
    (tmp_path / "finder.lock").unlink()
    (tmp_path / "finder.lock").mkdir()
    with pytest.raises(StorageError, match="Could not use the lock file"):
        store.insert("providers", {"name": "not saved"})
    (tmp_path / "finder.lock").rmdir()
    assert store.all("providers") == [] and Store(tmp_path).all("providers") == []


def clock_at(moment: dt.datetime):
    clock = [moment]
    return clock, (lambda: clock[0])


def test_restarts_on_one_day_do_not_rotate_away_the_earlier_days(tmp_path):
    clock, now = clock_at(dt.datetime(2026, 11, 1, 9, tzinfo=UTC))
    Store(tmp_path, now=now).insert("providers", {"name": "day one"})
    clock[0] = dt.datetime(2026, 11, 2, 9, tzinfo=UTC)
    for restart in range(20):
        clock[0] += dt.timedelta(minutes=1)
        store = Store(tmp_path, now=now)
    days = sorted({path.name[7:15] for path in store.backups()})
    assert days == ["20261101", "20261102"]
    todays = [path for path in store.backups() if path.name[7:15] == "20261102"]
    assert len(todays) == 5  # the last few of today
    assert todays[0].name.startswith("finder-20261102-092000")


def test_backups_keep_the_newest_of_each_of_the_last_14_days(tmp_path):
    clock, now = clock_at(dt.datetime(2026, 11, 1, 9, tzinfo=UTC))
    for day in range(20):
        clock[0] = dt.datetime(2026, 11, 1 + day, 9, tzinfo=UTC)
        store = Store(tmp_path, now=now)
        store.insert("providers", {"name": f"day {day}"})
        clock[0] += dt.timedelta(hours=8)
        store.backup("evening")
    names = [path.name for path in store.backups()]
    days = [name[7:15] for name in names]
    assert days[:2] == ["20261120", "20261120"]  # today: the morning's and the evening's
    assert days[2:] == [f"202611{day:02d}" for day in range(19, 6, -1)]  # one a day
    assert all("evening" in name for name in names[2:])  # the newest of each day


def test_the_backup_a_restore_made_outlives_many_restarts(tmp_path):
    clock, now = clock_at(dt.datetime(2026, 11, 1, 9, tzinfo=UTC))
    store = Store(tmp_path, now=now)
    store.insert("providers", {"name": "before the restore"})
    clock[0] += dt.timedelta(minutes=1)
    kept = store.replace_all(Store(tmp_path / "other").tables())
    for restart in range(20):
        clock[0] += dt.timedelta(minutes=1)
        Store(tmp_path, now=now)
    assert kept.exists()
    assert kept in Store(tmp_path, now=now).backups()


def test_files_finder_did_not_name_are_never_deleted_from_backups(tmp_path):
    Store(tmp_path)  # the folder, as finder makes it
    mine = tmp_path / "backups" / "my-own-copy.json"
    mine.write_text("{}")
    for restart in range(8):
        Store(tmp_path)
    assert mine.exists()


def test_a_backup_says_when_it_was_made_from_its_name_and_other_files_say_nothing():
    moment = dt.datetime(2026, 11, 30, 21, 40, 5, 123456, tzinfo=dt.timezone.utc)
    assert backup_made_at(backup_name(moment, "before-replace")) == moment
    assert backup_made_at("finder-1-before-replace.json") is None
    assert backup_made_at("my-copy.json") is None
