"""Helpers that act as a user of the web app would, shared by the tests."""

from __future__ import annotations

import contextlib
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterator

from werkzeug.datastructures import MultiDict

REPO = Path(__file__).resolve().parent.parent


def add_provider(client, **fields) -> int:
    """Add a provider through the form and return its id."""
    data = {"name": "Dr Test", "telemedicine": "unknown", "payment": "unknown",
            "status": "to_call", **fields}
    response = client.post("/providers/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(re.search(r"/providers/(\d+)$", response.headers["Location"]).group(1))


def start_call(client, provider_id: int) -> int:
    response = client.post(f"/providers/{provider_id}/calls")
    assert response.status_code == 302
    return int(re.search(r"/calls/(\d+)$", response.headers["Location"]).group(1))


def save_field(client, call_id: int, name: str, value, rev=None, expect=200):
    """Autosave one field as the call screen does; returns the JSON reply."""
    response = client.post(f"/calls/{call_id}/fields",
                           json={"name": name, "value": value, "rev": rev})
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def csrf_token_from(html: str) -> str:
    return re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', html).group(1)


class _FormReader(HTMLParser):
    """Collects what a browser would submit from one form: checked boxes, selected options,
    text values and textarea contents."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.values = form_id, False, []
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.values.append((name, attrs.get("value", "on")))
            elif kind not in ("submit", "button"):
                self.values.append((name, attrs.get("value", "")))
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.values.append((self._select, attrs.get("value", "")))
        elif tag == "textarea":
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.values.append((self._textarea[0], self._textarea[1].removeprefix("\n")))
            self._textarea = None


def form_values(page: str, form_id: str) -> list[tuple[str, str]]:
    """What submitting the form with this id, untouched, would post."""
    reader = _FormReader(form_id)
    reader.feed(page)
    return reader.values


def submit_form(page: str, form_id: str, **changes) -> MultiDict:
    """The untouched form's values with some fields replaced, as a browser would post them.
    A change to None removes the field (an unticked box)."""
    data = MultiDict([(k, v) for k, v in form_values(page, form_id) if k not in changes])
    for name, value in changes.items():
        for item in (value if isinstance(value, list) else [value]):
            if item is not None:
                data.add(name, item)
    return data


def needs(found, message: str):
    """Skip with a reason when a tool the test needs is missing here; in CI (CI=true), where
    .ci/run installs it, fail instead so that nothing is skipped silently."""
    import os

    import pytest

    if found:
        return found
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " CI must run this test.", pytrace=False)
    pytest.skip(message)


FIXED_MG_SCHEDULE = {"drug": "clonazepam", "start_mg": "2", "mode": "rule", "amount": "0.25",
                     "unit": "mg", "every": "2", "interval_unit": "weeks"}


def seed_every_kind(client, name="Dr Test", phone="555-123-4567", notes="",
                    call_notes="notes", trashed="Dr Trashed", imported="Dr Imported") -> dict:
    """Through the pages (CSRF off): a provider with a follow-up date and a call (a red flag
    ticked, a schedule attached), a provider in the trash, a list imported and one waiting,
    a restore done and one waiting. Returns real values for every kind of path parameter in
    the app."""
    import io

    # A follow-up date, so that its calendar file (name and phone in it) is served.
    provider_id = add_provider(client, name=name, phone=phone, notes=notes,
                               follow_up_on="2030-01-15")
    call_id = start_call(client, provider_id)
    save_field(client, call_id, "notes", call_notes)
    save_field(client, call_id, "flag-deadline", True)
    attached = client.post(f"/calls/{call_id}/schedule",
                           data={**FIXED_MG_SCHEDULE, "action": "attach"})
    assert attached.status_code == 302, attached.get_data(as_text=True)[-2000:]
    removed_call = start_call(client, provider_id)
    client.post(f"/calls/{removed_call}/delete")
    in_trash = add_provider(client, name=trashed)
    client.post(f"/providers/{in_trash}/delete")
    csv = f"Name,Phone\n{imported},555 222 3333\n".encode()

    def upload(url, field, content, filename):
        response = client.post(url, content_type="multipart/form-data",
                               data={field: (io.BytesIO(content), filename)})
        assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
        return response.headers["Location"].rstrip("/").rsplit("/", 1)[1]

    done = upload("/import-export/list", "list_file", csv, "list.csv")
    client.post(f"/import-export/list/{done}/import", data={"column_0": "name",
                                                            "column_1": "phone"})
    batch = re.search(r"/import-export/list/undo/([\w-]+)",
                      client.get("/").get_data(as_text=True)).group(1)
    waiting_csv = upload("/import-export/list", "list_file",
                         csv.replace(b",555", b" Junior,555"), "list.csv")
    export = client.get("/import-export/finder-data.json").data
    restored = upload("/import-export/restore", "data_file", export, "data.json")
    client.post(f"/import-export/restore/{restored}")
    backup = re.search(r"/import-export/restore/undo/([\w.-]+)",
                       client.get("/").get_data(as_text=True)).group(1)
    waiting_json = upload("/import-export/restore", "data_file", export, "data.json")
    return {"provider_id": provider_id, "call_id": call_id, "removed_call_id": removed_call,
            "trashed_id": in_trash, "flag_id": "deadline", "batch": batch, "backup": backup,
            "csv_token": waiting_csv, "json_token": waiting_json, "csv": csv,
            "export": export}


def free_port() -> int:
    """A loopback port nothing listens on just now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def finder_serving(data_dir, port: int, *options: str) -> Iterator[subprocess.Popen]:
    """The real `finder serve` in a child process, listening, until the block ends; then
    stopped with Ctrl+C (its output is left in the process's stdout)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "finder", "serve", "--port", str(port), "--data-dir",
         str(data_dir), *options], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 15
        while True:
            assert process.poll() is None, process.stdout.read()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert time.monotonic() < deadline
                time.sleep(0.05)
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)


def wait_for_the_shortlist(address: str, seconds: float = 10) -> None:
    """Wait until a starting `finder serve` answers its address with the shortlist."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(address) as page:
                assert page.status == 200 and b"Your shortlist" in page.read()
            return
        except OSError:
            assert time.monotonic() < deadline
            time.sleep(0.1)


def serve_without_listening(monkeypatch, *arguments: str, port: int = 5000):
    """Run `finder serve ARGUMENTS` as far as the moment it would start listening; return
    the command's result and the apps it built (one per run)."""
    import waitress
    from click.testing import CliRunner

    from finder import cli

    apps = []

    class Server:
        effective_port = port

        def run(self):
            raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_port_problem", lambda host, port: None)
    monkeypatch.setattr(waitress, "create_server",
                        lambda app, **kwargs: apps.append(app) or Server())
    result = CliRunner().invoke(cli.main, ["serve", *arguments], catch_exceptions=False)
    return result, apps
