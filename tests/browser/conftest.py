"""Real-browser tests: the real app served by waitress on a free loopback port with its own
data folder, driven by Playwright through Debian's Chromium.

Locally the tests skip, saying why, when /usr/bin/chromium is missing; in CI (CI=true) a
missing browser fails the run instead, so the tests can never be skipped silently there.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from browser_support import CHROMIUM, CHROMIUM_ARGS, FinderServer, free_port
from support import needs

def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


def _require_chromium() -> None:
    needs(Path(CHROMIUM).exists() and shutil.which(CHROMIUM),
          f"Chromium not found at {CHROMIUM}: install Debian's chromium package "
          "(apt-get install chromium) to run the browser tests.")


@pytest.fixture(scope="session")
def browser():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def server(tmp_path):
    running = FinderServer(tmp_path / "data", free_port()).start()
    yield running
    running.stop()


@pytest.fixture
def context(browser, request):
    """A fresh browser profile per test (cookies, localStorage)."""
    opened = browser.new_context(viewport={"width": 1280, "height": 900})
    opened.set_default_timeout(10_000)
    yield opened
    opened.close()


@pytest.fixture
def page(context):
    return context.new_page()
