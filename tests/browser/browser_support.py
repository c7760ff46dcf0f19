"""Helpers for the real-browser tests: the finder server in a child process, and where
screenshots and PDFs go."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import expect

from finder.content import load_content
from finder.directory import STORE_INDEXES, Directory
from finder.store import Store

CHROMIUM = os.environ.get("FINDER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("FINDER_ARTIFACTS_DIR", REPO / "test-artifacts"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class FinderServer:
    """`finder serve` in a child process, which a test can stop, kill and start again."""

    def __init__(self, data_dir: Path, port: int):
        self.data_dir, self.port = data_dir, port
        self.url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> "FinderServer":
        self.log = self.data_dir.parent / "server.log"
        with open(self.log, "a") as log:  # the child keeps its own copy of the handle
            self.process = subprocess.Popen(
                [sys.executable, "-m", "finder", "serve", "--port", str(self.port),
                 "--data-dir", str(self.data_dir)],
                stdout=log, stderr=subprocess.STDOUT)
        self._wait_until_listening()
        return self

    def _wait_until_listening(self) -> None:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"finder did not start:\n{self.log.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"finder is not listening:\n{self.log.read_text()}")

    def kill(self) -> None:
        """Stop at once, as a crash or a closed laptop lid would."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def store(self) -> Store:
        """The data as they are on disk (opened like a second process would)."""
        return Store(self.data_dir, indexes=STORE_INDEXES)


def artifact(name: str) -> Path:
    """Where a test keeps a screenshot or PDF for people to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / name


def seed_provider(server, **fields) -> int:
    """Add a provider from another process, as a second finder would."""
    directory = Directory(server.store(), load_content(REPO / "data").checklist)
    record = {"name": "Dr Test", "phone": "555-123-4567", "status": "to_call", **fields}
    return directory.add_provider(record)


def record_call(directory: Directory, provider_id: int, fields: dict, when: str,
                outcome: str = "answered") -> int:
    """A call with these field values, saved through the directory as the app would."""
    call_id = directory.start_call(provider_id, called_at=when)
    for name, value in fields.items():
        directory.edit_call(call_id, name, value, None)
    directory.edit_call(call_id, "outcome", outcome, None)
    return call_id


def open_new_call(page, server, provider_id: int) -> int:
    page.goto(f"{server.url}/providers/{provider_id}")
    page.get_by_role("button", name="Start a call").click()
    page.wait_for_url(re.compile(r"/calls/\d+$"))
    return int(page.url.rsplit("/", 1)[1])


def wait_saved(page, timeout: int = 10_000) -> None:
    # Locator assertions, not wait_for_function: the page's CSP forbids string evaluation.
    expect(page.locator("#save-status-text")).to_have_text(
        re.compile(r"^All answers saved"), timeout=timeout)


def stored_call(server, call_id: int) -> dict:
    return server.store().get("calls", call_id)
