"""Nothing leaves the machine, notes stay out of URLs, cookies and logs, and a disk that
really fails (write(2) returning ENOSPC, injected with strace) is shown to the user without
losing what they typed."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import expect

from browser_support import open_new_call, seed_provider, stored_call, wait_saved
from support import needs

SKIP_WHEN_CRAWLING = re.compile(r"\.(pdf|csv|json|ics)(\?|$)|/sign-out|/export")


def crawl(page, start: str, limit: int = 60) -> list[str]:
    """Visit every page reachable by same-site links from start (GET only)."""
    seen, queue, visited = {start}, deque([start]), []
    origin = urlsplit(start)[:2]
    while queue and len(visited) < limit:
        url = queue.popleft()
        page.goto(url)
        visited.append(url)
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            target = urljoin(url, href).split("#")[0]
            if urlsplit(target)[:2] == origin and target not in seen \
                    and not SKIP_WHEN_CRAWLING.search(target):
                seen.add(target)
                queue.append(target)
    return visited


def test_no_page_makes_a_request_off_this_computer(server, page):
    provider_id = seed_provider(server, name="Dr Crawl", website="https://example.org/")
    open_new_call(page, server, provider_id)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    visited = crawl(page, server.url + "/")
    assert len(visited) >= 10, visited
    assert requests, "the crawl made no requests"
    off_machine = [url for url in requests if not url.startswith(server.url + "/")]
    assert off_machine == []


def test_notes_never_reach_urls_cookies_or_logs(server, context):
    page = context.new_page()
    marker = "Nurse-said-ZQX-private"
    urls = []
    page.on("request", lambda request: urls.append(request.url))
    call_id = open_new_call(page, server, seed_provider(server))
    page.fill("#answer_note-step_size", marker)
    page.fill("#notes", marker + " again")
    page.locator("#notes").blur()
    wait_saved(page)
    page.reload()
    assert stored_call(server, call_id)["notes"] == marker + " again"
    assert not [url for url in urls if marker in url]
    assert not [c for c in context.cookies() if marker in c["value"]]
    server.stop()
    assert marker not in server.log.read_text()


@pytest.fixture
def strace():
    return needs(shutil.which("strace"),
                 "strace not found: install Debian's strace package to run the disk-failure test.")


def test_a_disk_that_fails_is_shown_and_nothing_typed_is_lost(server, page, strace):
    call_id = open_new_call(page, server, seed_provider(server))
    page.check("#answer-step_size-0")
    wait_saved(page)

    # From now on every write(2) in the server fails as on a full disk.
    injector = subprocess.Popen(
        [strace, "-f", "-p", str(server.process.pid), "-e", "trace=write",
         "-e", "inject=write:error=ENOSPC", "-o", os.devnull],
        stderr=subprocess.PIPE, text=True)
    try:
        assert "attached" in injector.stderr.readline()
        page.fill("#answer_note-step_size", "typed while the disk was full")
        page.locator("#answer_note-step_size").blur()
        warning = page.locator("#save-warning")
        expect(warning).to_contain_text("could not save to disk")
        expect(warning).to_contain_text("No space left on device")
        assert page.input_value("#answer_note-step_size") == "typed while the disk was full"
    finally:
        injector.send_signal(signal.SIGINT)  # detach: the disk works again
        injector.communicate(timeout=10)

    wait_saved(page, timeout=30_000)
    call = stored_call(server, call_id)  # opening the data proves the files are valid
    assert call["answers"]["step_size"]["note"] == "typed while the disk was full"
    assert call["answers"]["step_size"]["option"] == "percent_of_current"
