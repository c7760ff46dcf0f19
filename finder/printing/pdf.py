"""Turn a printable page's HTML into a PDF with a Chromium-family browser already installed.

No Flask and no new dependency: the page is written, with copies of its stylesheets, into a
private temporary folder, and the browser prints that file headless. It needs no server and
no network. When no browser is found, or it fails, PdfUnavailable says why, and the page
tells the user to use the browser's own Print → "Save as PDF" instead.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import Iterable, Mapping

__all__ = ["BROWSER_NAMES", "KNOWN_LOCATIONS", "PdfUnavailable", "find_browser", "html_to_pdf"]

# Tried in order on PATH when FINDER_CHROMIUM does not name a browser, then the places the
# usual installers put them on macOS and Windows (where browsers are rarely on PATH).
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "microsoft-edge")
KNOWN_LOCATIONS = (
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
    r"C:\Program Files\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe",
    r"C:\Program Files\Microsoft\Edge\Application\msedge.exe",
)
TIMEOUT_SECONDS = 60
_FLAGS = ["--headless", "--disable-gpu", "--disable-background-networking",
          "--disable-component-update", "--disable-sync", "--disable-extensions",
          "--no-first-run", "--no-default-browser-check", "--no-pdf-header-footer",
          "--print-to-pdf-no-header"]


def _browser_flags() -> list[str]:
    # Chromium will not start its sandbox as root (as in CI); anyone else keeps it.
    running_as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    return _FLAGS + (["--no-sandbox"] if running_as_root else [])


class PdfUnavailable(RuntimeError):
    """No PDF could be made; the message says why, in words a user can act on."""


def find_browser(environ: Mapping[str, str] | None = None,
                 locations: Iterable[str] = KNOWN_LOCATIONS) -> str | None:
    """The path of a Chromium-family browser: FINDER_CHROMIUM if set, else the first of
    BROWSER_NAMES on PATH, else the first of `locations` that exists; None when none does."""
    environ = os.environ if environ is None else environ
    named = (environ.get("FINDER_CHROMIUM") or "").strip()
    if named:
        return shutil.which(named, path=environ.get("PATH"))
    for name in BROWSER_NAMES:
        found = shutil.which(name, path=environ.get("PATH"))
        if found:
            return found
    return next((place for place in locations if os.access(place, os.X_OK)), None)


def html_to_pdf(html: str, stylesheets: Iterable[Path], browser: str,
                timeout: float = TIMEOUT_SECONDS) -> bytes:
    """Print `html` to PDF with `browser`. Each stylesheet is copied beside the page under its
    own file name, so the page links to it as href="<name>". Raises PdfUnavailable."""
    with tempfile.TemporaryDirectory(prefix="finder-pdf-",  # private: mode 0700
                                     ignore_cleanup_errors=True) as folder:
        work = Path(folder)
        for sheet in stylesheets:
            shutil.copyfile(sheet, work / Path(sheet).name)
        page, out = work / "page.html", work / "page.pdf"
        page.write_text(html, encoding="utf-8")
        command = [browser, *_browser_flags(), f"--user-data-dir={work / 'profile'}",
                   f"--print-to-pdf={out}", page.as_uri()]
        _run(command, timeout)
        data = out.read_bytes() if out.exists() else b""
    if not data.startswith(b"%PDF"):
        raise PdfUnavailable("The browser finished but wrote no PDF.")
    return data


def _run(command: list[str], timeout: float) -> None:
    # A session of its own, so a hung browser and every helper process it started can be
    # stopped together.
    try:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError as error:
        raise PdfUnavailable(f"The browser could not be started ({error.strerror}).") from error
    try:
        code = process.wait(timeout)
    except subprocess.TimeoutExpired as error:
        _stop(process)
        raise PdfUnavailable(f"The browser took longer than {timeout:g} seconds.") from error
    if code != 0:
        raise PdfUnavailable(f"The browser stopped with an error (exit status {code}).")


def _stop(process: subprocess.Popen) -> None:
    killpg = getattr(os, "killpg", None)  # not on Windows
    try:
        if killpg is not None:
            killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except OSError:
        pass  # already gone
    process.wait()
