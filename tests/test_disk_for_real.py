"""A real full disk and a real read-only folder: a small tmpfs filled to the last byte, or
remounted read-only, under the real `finder` command. Each answer is a sentence that says
what happened and what to do: the pages with 503 and what was typed, the commands without a
traceback; and the data are whole once the disk has room again.

Mounting needs root (as CI has); elsewhere these tests skip, saying why."""

from __future__ import annotations

import contextlib
import errno
import json
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from html import unescape
from pathlib import Path

import pytest

from finder.directory import STORE_INDEXES
from finder.store import Store
from support import finder_serving, free_port, needs

pytestmark = pytest.mark.slow

FULL = "The disk is full, so finder could not save"
READ_ONLY = "finder's data folder cannot be written, so finder could not save"


class SmallDisk:
    """A 4 MB tmpfs mounted for one test."""

    def __init__(self, mount_point: Path):
        self.path = mount_point
        self.filler = mount_point / "filler"

    def fill(self) -> None:
        """Write until the disk says it is full."""
        with open(self.filler, "ab", buffering=0) as filler:
            for size in (1 << 16, 1 << 12, 1):
                try:
                    while True:
                        filler.write(b"\0" * size)
                except OSError as error:
                    assert error.errno == errno.ENOSPC
        # Nothing more fits.
        with pytest.raises(OSError):
            with open(self.path / "one-more", "wb", buffering=0) as more:
                more.write(b"x" * 8192)

    def free(self) -> None:
        self.filler.unlink(missing_ok=True)
        (self.path / "one-more").unlink(missing_ok=True)

    def read_only(self, on: bool = True) -> None:
        subprocess.run(["mount", "-o", f"remount,{'ro' if on else 'rw'}", str(self.path)],
                       check=True)


@pytest.fixture
def disk(tmp_path):
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs",
                              str(mount_point)], capture_output=True, text=True)
    needs(mounted.returncode == 0,
          f"Could not mount a small tmpfs ({mounted.stderr.strip()}): run as root.")
    try:
        yield SmallDisk(mount_point)
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def finder(*args, timeout=60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "finder", *args], capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def said(result) -> str:
    return result.stdout + result.stderr


def assert_a_sentence(result, words: str) -> None:
    assert result.returncode == 2, said(result)
    assert words in said(result), said(result)
    assert "Traceback" not in said(result), said(result)


def seeded_folder(disk) -> Path:
    folder = disk.path / "data"
    store = Store(folder, indexes=STORE_INDEXES)
    store.insert("providers", {"name": "Dr Before", "status": "to_call"})
    return folder


# -- the commands ----------------------------------------------------------------------------


def test_finder_backup_on_a_full_disk_says_so_without_a_traceback(disk):
    folder = seeded_folder(disk)
    disk.fill()
    result = finder("backup", "--data-dir", str(folder))
    assert_a_sentence(result, FULL)
    assert "run the command again" in said(result)
    disk.free()
    assert finder("backup", "--data-dir", str(folder)).returncode == 0
    assert Store(folder).get("providers", 1)["name"] == "Dr Before"


def test_finder_set_password_on_a_full_disk_says_so(disk):
    disk.fill()
    result = finder("set-password", "--data-dir", str(disk.path / "data"),
                    "--password", "correct horse")
    assert_a_sentence(result, FULL)


def test_starting_on_a_full_disk_says_so_whether_the_folder_is_new_or_not(disk):
    folder = seeded_folder(disk)
    disk.fill()
    for data_dir in (folder, disk.path / "new-folder"):
        result = finder("serve", "--port", str(free_port()), "--data-dir", str(data_dir))
        assert_a_sentence(result, "The disk is full")
    disk.free()
    assert Store(folder).get("providers", 1)["name"] == "Dr Before"


def test_a_read_only_folder_is_named_by_every_command(disk):
    folder = seeded_folder(disk)
    disk.read_only()
    try:
        assert_a_sentence(finder("backup", "--data-dir", str(folder)), "cannot be written")
        assert_a_sentence(finder("serve", "--port", str(free_port()), "--data-dir",
                                 str(folder)), "cannot be written")
        assert_a_sentence(finder("set-password", "--data-dir", str(folder), "--password",
                                 "correct horse"), READ_ONLY)
    finally:
        disk.read_only(False)


# -- the served pages ------------------------------------------------------------------------


@contextlib.contextmanager
def serving(folder: Path):
    output, port = [], free_port()
    with finder_serving(folder, port) as process:
        try:
            yield Visitor(port), output
        finally:
            process.send_signal(signal.SIGINT)
            output.append(process.communicate(timeout=20)[0])


class Visitor:
    """A browser, as far as these tests need one: a cookie and a form token."""

    def __init__(self, port: int):
        self.base = f"http://127.0.0.1:{port}"
        self.cookie, self.token = "", ""

    def open(self, path, form=None, json_body=None):
        headers = {"Cookie": self.cookie}
        data = None
        if form is not None:
            data = urllib.parse.urlencode({**form, "csrf_token": self.token}).encode()
        elif json_body is not None:
            data = json.dumps(json_body).encode()
            headers.update({"Content-Type": "application/json", "X-CSRFToken": self.token})
        request = urllib.request.Request(self.base + path, data=data, headers=headers)
        try:
            with urllib.request.urlopen(request) as response:
                status, body, cookie = response.status, response.read(), \
                    response.headers.get("Set-Cookie")
        except urllib.error.HTTPError as error:
            status, body, cookie = error.code, error.read(), error.headers.get("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        text = body.decode("utf-8")
        found = re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', text)
        if found:
            self.token = found.group(1)
        return status, text


def test_a_full_disk_under_the_served_app_keeps_the_typed_text_and_says_what_to_do(disk):
    folder = seeded_folder(disk)
    with serving(folder) as (browser, output):
        browser.open("/providers/new")
        status, _ = browser.open("/providers/1/calls", form={})
        assert status == 200  # followed to the new call's screen
        disk.fill()
        # The last page of the journal file may still take a few small saves: go on
        # adding providers, as someone would, until the disk says no.
        for saved in range(60):
            status, page = browser.open("/providers/new", form={
                "name": f"Dr Typed On A Full Disk {saved}", "notes": "every word of it",
                "telemedicine": "unknown", "payment": "unknown", "status": "to_call"})
            if status != 200:
                break
        page = unescape(page)
        assert status == 503 and FULL in page and "Free some space" in page
        assert f'value="Dr Typed On A Full Disk {saved}"' in page
        assert "every word of it" in page
        # An autosave is smaller than a provider: the journal's last page may still hold
        # one or two.
        for said in range(20):
            status, reply = browser.open("/calls/1/fields", json_body={
                "name": "notes", "value": f"said on the phone {said}"})
            if status != 200:
                break
        assert status == 503 and json.loads(reply)["message"].startswith(FULL)
        disk.free()
        status, _ = browser.open("/calls/1/fields",
                                 json_body={"name": "notes", "value": "said on the phone"})
        assert status == 200
    assert "Traceback" not in output[0], output[0]
    store = Store(folder, indexes=STORE_INDEXES)
    assert [p["name"] for p in store.all("providers")] == \
        ["Dr Before"] + [f"Dr Typed On A Full Disk {n}" for n in range(saved)]
    assert store.get("calls", 1)["notes"] == "said on the phone"


def test_a_read_only_folder_under_the_served_app_is_named_and_the_autosave_answers(disk):
    folder = seeded_folder(disk)
    with serving(folder) as (browser, output):
        browser.open("/providers/new")
        browser.open("/providers/1/calls", form={})
        disk.read_only()
        try:
            status, page = browser.open("/providers/1/edit", form={
                "name": "Dr Renamed", "telemedicine": "unknown", "payment": "unknown",
                "status": "to_call"})
            assert status == 503 and READ_ONLY in unescape(page)
            assert 'value="Dr Renamed"' in page
            # The lock file cannot even be opened: still an answer the call screen shows.
            status, reply = browser.open("/calls/1/fields",
                                         json_body={"name": "notes", "value": "x"})
            assert status == 503 and json.loads(reply)["message"].startswith(READ_ONLY)
        finally:
            disk.read_only(False)
    assert "Traceback" not in output[0], output[0]


def test_stopping_on_a_full_disk_says_everything_is_saved_without_a_traceback(disk):
    folder = seeded_folder(disk)
    with serving(folder) as (browser, output):
        browser.open("/providers/new")
        browser.open("/providers/1/calls", form={})
        status, _ = browser.open("/calls/1/fields", json_body={"name": "notes",
                                                               "value": "kept"})
        assert status == 200
        disk.fill()  # the journal cannot be folded into the snapshot on the way out
    assert "finder stopped. Everything is saved." in output[0]
    assert "Traceback" not in output[0], output[0]
    disk.free()
    assert Store(folder, indexes=STORE_INDEXES).get("calls", 1)["notes"] == "kept"
