"""finder.printing.pdf without Flask: finding a browser, and every way printing can fail, with stand-in
browsers written as small shell scripts (and the real Chromium when it is installed)."""

from __future__ import annotations

import stat
import sys
import time
from pathlib import Path

import pytest

from finder.printing import pdf
from support import needs

needs_posix = pytest.mark.skipif(sys.platform == "win32", reason="stand-in browsers are sh scripts")


def executable(folder: Path, name: str, body: str = "exit 0") -> Path:
    path = folder / name
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


# A stand-in that does what Chromium does: write the PDF named by --print-to-pdf=.
WRITES_A_PDF = """for argument in "$@"; do
  case "$argument" in --print-to-pdf=*) printf '%%PDF-1.4 stand-in' > "${argument#--print-to-pdf=}";; esac
done"""


@needs_posix
def test_the_environment_variable_names_the_browser(tmp_path):
    browser = executable(tmp_path, "my-chromium")
    assert pdf.find_browser({"FINDER_CHROMIUM": str(browser), "PATH": ""}) == str(browser)


@needs_posix
def test_a_browser_named_in_the_environment_but_missing_is_not_replaced(tmp_path):
    executable(tmp_path, "chromium")
    environ = {"FINDER_CHROMIUM": str(tmp_path / "gone"), "PATH": str(tmp_path)}
    assert pdf.find_browser(environ) is None


@needs_posix
def test_browsers_on_the_path_are_tried_in_order(tmp_path):
    executable(tmp_path, "microsoft-edge")
    chrome = executable(tmp_path, "google-chrome")
    assert pdf.find_browser({"PATH": str(tmp_path)}) == str(chrome)


def test_no_browser_at_all_is_none(tmp_path):
    assert pdf.find_browser({"PATH": str(tmp_path)}, locations=()) is None


@needs_posix
def test_a_browser_in_a_usual_install_place_is_found_when_none_is_on_the_path(tmp_path):
    installed = executable(tmp_path, "Google Chrome")
    places = [str(tmp_path / "not-here"), str(installed)]
    assert pdf.find_browser({"PATH": ""}, locations=places) == str(installed)


@needs_posix
def test_the_page_and_its_stylesheets_are_printed_from_a_private_folder(tmp_path):
    seen = tmp_path / "seen"
    browser = executable(tmp_path, "browser", WRITES_A_PDF + f"""
for argument in "$@"; do case "$argument" in file://*) page="${{argument#file://}}";; esac; done
folder="$(dirname "$page")"
echo "$folder" > "{seen}"; stat -c %a "$folder" >> "{seen}"; ls "$folder" >> "{seen}"
cat "$page" >> "{seen}"
""")
    sheet = tmp_path / "print.css"
    sheet.write_text("body { color: black }")
    data = pdf.html_to_pdf("<p>Hello</p>", [sheet], str(browser))
    assert data.startswith(b"%PDF")
    folder, mode, *listing = seen.read_text().splitlines()
    assert mode == "700"
    assert {"page.html", "print.css"} <= set(listing) and "<p>Hello</p>" in listing
    assert not Path(folder).exists()  # nothing is left behind


@needs_posix
@pytest.mark.parametrize("body, words", [
    ("exit 3", "exit status 3"),
    ("exit 0", "wrote no PDF"),
    (WRITES_A_PDF.replace("%%PDF-1.4 stand-in", "an error page"), "wrote no PDF"),
])
def test_a_browser_that_fails_says_why(tmp_path, body, words):
    browser = executable(tmp_path, "browser", body)
    with pytest.raises(pdf.PdfUnavailable, match=words):
        pdf.html_to_pdf("<p>x</p>", [], str(browser))


@needs_posix
def test_a_browser_that_hangs_is_stopped_with_its_children(tmp_path):
    marker = tmp_path / "child-still-running"
    browser = executable(tmp_path, "browser", f"(sleep 1; touch '{marker}') & sleep 30")
    started = time.monotonic()
    with pytest.raises(pdf.PdfUnavailable, match="longer than 0.3 seconds"):
        pdf.html_to_pdf("<p>x</p>", [], str(browser), timeout=0.3)
    assert time.monotonic() - started < 5
    time.sleep(1.5)
    assert not marker.exists()  # the whole process group was stopped


def test_a_browser_that_cannot_start_says_so(tmp_path):
    not_a_program = tmp_path / "browser"
    not_a_program.write_text("plain text")
    with pytest.raises(pdf.PdfUnavailable, match="could not be started"):
        pdf.html_to_pdf("<p>x</p>", [], str(not_a_program))


def test_the_real_chromium_prints_when_installed():
    browser = needs(pdf.find_browser(), "No Chromium-family browser on this computer.")
    data = pdf.html_to_pdf("<h1>finder</h1>", [], browser)
    assert data.startswith(b"%PDF")
