"""Printable pages as real paper output: each page printed to PDF by the real Chromium
(Playwright's page.pdf, and the app's own PDF download), then checked for page count, the key
text, and nothing past the page edge. Each PDF is also kept as PNGs in test-artifacts/ for a
person to look at.

pdftotext and pdftoppm (poppler-utils) read the PDFs. Locally the checks that need them skip,
saying why, when they are missing; in CI (CI=true) a missing tool fails the run instead.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path
from urllib.request import urlopen

import pytest
from playwright.sync_api import expect

from finder.content import load_content
from finder.directory import Directory

from browser_support import REPO, FinderServer, artifact, free_port, record_call
from support import needs

DATA = REPO / "data"
MM = 96 / 25.4                      # CSS pixels per millimetre
PRINT_WIDTH_PX = round(180 * MM)    # the content box on A4 (the narrower paper) with our margins
POINTS_PER_MM = 72 / 25.4
TODAY = dt.date.today().strftime("%a %-d %b %Y")  # as finder writes dates

TYPICAL_ANSWERS = {
    "step_size": ("percent_of_current", "About 10 % of what I take now, smaller steps later."),
    "liquid_formulation": ("yes_no_pharmacy", "Would need to find a compounding pharmacy."),
    "bad_reaction": ("hold_or_updose", "Hold until I feel stable, as long as it takes."),
    "knows_literature": ("heard_of", ""),
}
LONG_NOTE = ("She explained at length how the clinic plans reductions, how often they review, "
             "what they do about sleep, and how they talk to the pharmacy; she also said the "
             "clinician likes to see patients monthly at first and then every six weeks. ") * 3


def _require_tools() -> None:
    missing = [tool for tool in ("pdftotext", "pdftoppm") if shutil.which(tool) is None]
    if not missing:
        return
    needs(False, f"{' and '.join(missing)} not found: install poppler-utils "
                 "(apt-get install poppler-utils) to check the printed PDFs.")


# -- seeding the data, as a second finder process would ------------------------------------


def _answers(answers: dict) -> dict:
    fields = {}
    for question, (option, note) in answers.items():
        fields[f"answer-{question}"] = option
        if note:
            fields[f"answer_note-{question}"] = note
    return fields


def seed_typical(directory: Directory, name: str = "Dr Ann Lee", flags: int = 1) -> int:
    """A typical interview: two calls, four answers, one or two red flags, a few notes."""
    provider_id = directory.add_provider({
        "name": name, "practice": "Lee Family Medicine", "phone": "555-123-4567",
        "city": "Portland", "state": "OR", "telemedicine": "yes",
        "telemedicine_states": ["OR", "WA"], "specialty": "family_medicine",
        "notes": "Recommended on BenzoBuddies by two members. Parking behind the building."})
    record_call(directory, provider_id, {
        "spoke_with": "front_desk", "contact_name": "Maria",
        "practical-telemedicine": "yes", "practical-cost": "self_pay",
        "practical_note-cost": "$180 a visit", "practical-wait": "About three weeks",
        "notes": "Front desk was kind; the clinician calls back on Tuesdays."},
        "2026-11-10T10:15", outcome="call_back")
    answers = dict(TYPICAL_ANSWERS)
    if flags > 1:  # the answer itself is a red flag: pushes through flares
        answers["bad_reaction"] = ("keep_reducing", "Said we keep going, with sleep medicine.")
    record_call(directory, provider_id, {
        "spoke_with": "clinician", "contact_name": "Dr Lee", **_answers(answers),
        "flag-deadline": True, "flag_note-deadline": "Said most people are off within a year.",
        "practical-prescribes": "prescribes", "practical-taper_length": "limited",
        "notes": "Open to reading the Maudsley section."}, "2026-11-17T14:30")
    return provider_id


def seed_long(directory: Directory) -> int:
    """A long interview: front desk, nurse and clinician, long notes on every answer and
    call, three red flags with notes, every practical question answered with a note."""
    provider_id = directory.add_provider({
        "name": "Dr Long Notes-Hernández", "practice": "Riverside Integrative Health Partners",
        "phone": "+1 (555) 010-2233 ext 12", "state": "CA", "notes": LONG_NOTE})
    practical = {f"practical-{question}": "unsure" for question in (
        "prescribes", "telemedicine", "cost", "knows_bic_abbp", "taper_length",
        "patient_pace", "crossover", "disability_paperwork")}
    practical.update({f"practical_note-{name[10:]}": "They will check and ring back."
                      for name in practical})
    practical.update({"practical-wait": "Four to six months",
                      "practical-visit_frequency": "Monthly"})
    record_call(directory, provider_id, {"spoke_with": "front_desk", "contact_name": "Person 1",
                                        "notes": LONG_NOTE[:500], **practical},
               "2026-11-11T09:00", outcome="call_back")
    for number, role, flags in ((2, "nurse", ["deadline"]),
                                (3, "clinician", ["deadline", "inflexible_schedule"])):
        answers = {q: (option, LONG_NOTE[:300]) for q, (option, _) in TYPICAL_ANSWERS.items()}
        answers["bad_reaction"] = ("keep_reducing", LONG_NOTE[:300])
        fields = {"spoke_with": role, "contact_name": f"Person {number}",
                  "notes": LONG_NOTE[:500], **_answers(answers)}
        for flag in flags:
            fields[f"flag-{flag}"] = True
            fields[f"flag_note-{flag}"] = LONG_NOTE[:160]
        record_call(directory, provider_id, fields, f"2026-11-1{number}T09:00")
    return provider_id


def seed_shortlist(directory: Directory, count: int = 36) -> None:
    """Enough providers for the shortlist report to run onto more than one page."""
    options = ["percent_of_current", "fixed_mg", "percent_unclear_base"]
    for number in range(count):
        provider_id = directory.add_provider({
            "name": f"Dr Provider {number:02d} Avery-Castellanos",
            # Every fourth number written with spaces, as people often do: each must still
            # print on one line.
            "phone": f"+1 (555) 200 {number:04d}" if number % 4 == 0 else f"555-200-{number:04d}",
            "practice": "Northside Community Health Centre" if number % 3 else "",
            "state": "WA", "follow_up_on": f"2026-12-{1 + number % 27:02d}"})
        if number % 2:
            record_call(directory, provider_id, _answers({
                "step_size": (options[number % 3], ""),
                "liquid_formulation": ("refuses" if number % 5 == 0 else "yes_with_pharmacy", ""),
                "bad_reaction": ("hold_or_updose", "")}), "2026-11-12T11:00")


TYPICAL_TIMELINE = {
    "person": "Sam Rivera",
    "medications": [
        {"drug": "Clonazepam", "dose": "1", "unit": "mg", "how_often": "twice a day",
         "started_on": "2016-04-01", "stopped_on": ""},
        {"drug": "Sertraline", "dose": "50", "unit": "mg", "how_often": "once a day",
         "started_on": "2019-09-15", "stopped_on": ""}],
    "steps": [{"on": f"2026-{month:02d}-01", "dose": dose, "unit": "mg", "note": note}
              for month, dose, note in [(3, "2", "Before the taper"), (4, "1.8", "First cut"),
                                        (5, "1.62", ""), (6, "1.62", "Held: bad insomnia"),
                                        (8, "1.46", "Slower now"), (10, "1.31", "")]],
    "symptom_onset": "Late March 2026, about ten days after the first cut: insomnia, "
                     "tinnitus and a burning feeling in the skin.",
    "symptom_course": "Waves and windows. The hold in June helped within four weeks. "
                      "Since August the waves are shorter.",
    "notes": "Tried a fast taper in 2021 (off in six weeks) and had to reinstate.",
}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """One finder server for the module, with typical, long and many providers."""
    server = FinderServer(tmp_path_factory.mktemp("printing") / "data", free_port()).start()
    directory = Directory(server.store(), load_content(DATA).checklist)
    ids = {"typical": seed_typical(directory),
           "two flags": seed_typical(directory, "Dr Ben Ortiz", flags=2),
           "long": seed_long(directory)}
    seed_shortlist(directory)
    directory.save_timeline(TYPICAL_TIMELINE)
    yield server, ids
    server.stop()


@pytest.fixture(scope="module")
def print_page(browser):
    """A page laid out as the printer sees it: print media, the printable width."""
    context = browser.new_context(viewport={"width": PRINT_WIDTH_PX, "height": 1000})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


# -- reading the PDFs ----------------------------------------------------------------------


def pdf_text(path: Path) -> str:
    """The PDF's text in the order it was laid out (so a table cell's lines stay together)."""
    result = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True,
                            text=True, check=True, timeout=30)
    return result.stdout


def page_count(text: str) -> int:
    return text.count("\f")  # pdftotext ends every page with a form feed


def words_outside_content(path: Path, side_margin_mm: float = 10) -> list[str]:
    """Words of the PDF that reach into the outer part of the page margins (cut off or
    about to be): every word must stay at least side_margin_mm from each side edge and
    inside the page top to bottom."""
    result = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True,
                            text=True, check=True, timeout=30)
    outside = []
    limit = side_margin_mm * POINTS_PER_MM
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>',
                            result.stdout, re.S):
        width, height = float(page.group(1)), float(page.group(2))
        for word in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                                r'yMax="([\d.]+)">([^<]*)</word>', page.group(3)):
            x_min, y_min, x_max, y_max = map(float, word.groups()[:4])
            if x_min < limit or x_max > width - limit or y_min < 0 or y_max > height:
                outside.append(word.group(5))
    return outside


def keep_pngs(pdf_path: Path, name: str) -> list[Path]:
    """The PDF's pages as PNGs at 60 dpi, kept as test artefacts."""
    prefix = artifact(name)
    for old in prefix.parent.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf_path), str(prefix)], check=True,
                   timeout=60, capture_output=True)
    return sorted(prefix.parent.glob(f"{name}-*.png"))


def assert_fits_the_paper_width(page) -> None:
    """Under print media at the printable width, nothing is wider than the content box."""
    page.emulate_media(media="print")
    sizes = page.evaluate("""() => {
        const root = document.documentElement;
        const limit = root.clientWidth + 0.5;
        const wide = [...document.querySelectorAll('main *')]
            .filter((el) => el.getBoundingClientRect().right > limit)
            .map((el) => el.tagName + '.' + el.className);
        const tables = [...document.querySelectorAll('table')]
            .filter((table) => table.scrollWidth > table.clientWidth + 1
                               || table.getBoundingClientRect().right > limit)
            .map((table) => table.className);
        return {scroll: root.scrollWidth, client: root.clientWidth, wide, tables};
    }""")
    assert sizes["scroll"] <= sizes["client"], sizes
    assert sizes["wide"] == [] and sizes["tables"] == [], sizes


def print_to_pdf(page, url: str, name: str, paper: str = "A4") -> tuple[str, Path]:
    """Open url, check its width under print media, print it, keep the PDF and its PNGs."""
    page.goto(url)
    assert_fits_the_paper_width(page)
    path = artifact(f"{name}.pdf")
    path.write_bytes(page.pdf(format=paper))
    keep_pngs(path, name)
    assert words_outside_content(path) == [], f"text at the page edge in {name}.pdf"
    return pdf_text(path), path


def one_line(text: str) -> str:
    return " ".join(text.split())


# -- the tests -----------------------------------------------------------------------------


@pytest.mark.parametrize("paper", ["A4", "Letter"])
@pytest.mark.parametrize("who, name, verdict, flags", [
    ("typical", "Dr Ann Lee", "Not a match — red flag", ["Deadline expectations"]),
    ("two flags", "Dr Ben Ortiz", "Not a match — red flag",
     ["Deadline expectations", "Pushes through flares"])])
def test_a_typical_summary_is_one_page_with_the_verdict_and_red_flags(seeded, print_page,
                                                                       paper, who, name,
                                                                       verdict, flags):
    _require_tools()
    server, ids = seeded
    slug = who.replace(" ", "-")
    text, _ = print_to_pdf(print_page, f"{server.url}/providers/{ids[who]}/summary",
                           f"print-summary-{slug}-{paper.lower()}", paper)
    assert page_count(text) == 1
    flat = one_line(text)
    for expected in (name, f"Verdict: {verdict}", *flags,
                     "Said most people are off within a year.", "Practical answers",
                     "Calls", "Maria", f"printed {TODAY}", "Sources", "Horowitz"):
        assert expected in flat, expected
    assert flat.index("Verdict") < flat.index("Score breakdown")


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_a_long_summary_takes_at_most_two_pages(seeded, print_page, paper):
    _require_tools()
    server, ids = seeded
    text, _ = print_to_pdf(print_page, f"{server.url}/providers/{ids['long']}/summary",
                           f"print-summary-long-{paper.lower()}", paper)
    assert page_count(text) <= 2
    flat = one_line(text)
    for expected in ("Dr Long Notes-Hernández", "Not a match", "Deadline expectations",
                     "Inflexible written schedule", "Pushes through flares", "Sources"):
        assert expected in flat, expected


def test_the_shortlist_report_repeats_its_header_and_never_splits_a_row(seeded, print_page):
    _require_tools()
    server, _ = seeded
    text, _ = print_to_pdf(print_page, f"{server.url}/print/shortlist?state=WA",
                           "print-shortlist")
    pages = text.split("\f")[:-1]
    assert len(pages) >= 2
    for page_text in pages:                              # the header on every page
        assert re.search(r"#\s+Provider\s+Verdict\s+Score\s+Red flags", page_text)
    names = re.findall(r"Dr Provider (\d\d)", text)
    assert sorted(set(names)) == [f"{n:02d}" for n in range(36)]
    assert len(names) == 36                              # each row once: none split in two
    # Phone numbers are never broken across two lines, with spaces in them or not.
    assert len(re.findall(r"\+1 \(555\) 200 \d{4}", text)) == 9
    assert len(re.findall(r"555-200-\d{4}", text)) == 27
    assert "Refuses liquid or compounded formulations" in one_line(text)


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_the_blank_checklist_fits_two_pages(seeded, print_page, paper):
    _require_tools()
    server, _ = seeded
    text, _ = print_to_pdf(print_page, f"{server.url}/print/checklist",
                           f"print-checklist-{paper.lower()}", paper)
    assert page_count(text) <= 2
    flat = one_line(text)
    checklist = load_content(DATA).checklist
    for item in [*checklist.data["questions"], *checklist.data["practical"]]:
        assert one_line(item["ask"]) in flat, item["id"]
    for flag in checklist.data["red_flags"]:
        assert flag["label"] in flat, flag["id"]


def test_the_clinician_brief_is_one_page_with_its_references(seeded, print_page):
    _require_tools()
    server, _ = seeded
    text, _ = print_to_pdf(print_page, f"{server.url}/print/clinician-brief",
                           "print-clinician-brief")
    assert page_count(text) == 1
    flat = one_line(text)
    for expected in ("Horowitz MA, Taylor D", "Maudsley Deprescribing Guidelines",
                     "Ashton Manual", "Ritvo AD", "The method in three parts"):
        assert expected in flat, expected


def test_a_typical_timeline_is_one_page(seeded, print_page):
    _require_tools()
    server, _ = seeded
    text, _ = print_to_pdf(print_page, f"{server.url}/print/timeline", "print-timeline")
    assert page_count(text) == 1
    flat = one_line(text)
    for expected in ("Medication timeline: Sam Rivera", "Clonazepam", "1 mg", "twice a day",
                     "1.62 mg", "held", "10 %", "Held: bad insomnia", "Waves and windows"):
        assert expected in flat, expected


def test_the_pdf_download_is_the_same_page_printed_by_the_app(seeded):
    """The app's own download (Chromium on the command line), on Letter and on A4."""
    _require_tools()
    server, ids = seeded
    for url, name, pages in [
            (f"/providers/{ids['typical']}/summary.pdf?paper=a4", "download-summary-a4", 1),
            ("/print/clinician-brief.pdf", "download-clinician-brief-letter", 1)]:
        with urlopen(server.url + url, timeout=90) as response:
            assert response.headers["Content-Type"] == "application/pdf"
            assert response.headers["Cache-Control"] == "no-store"
            data = response.read()
        path = artifact(f"{name}.pdf")
        path.write_bytes(data)
        keep_pngs(path, name)
        assert page_count(pdf_text(path)) == pages, name
        assert words_outside_content(path) == [], name


# -- on screen -------------------------------------------------------------------------------


def test_the_timeline_is_filled_in_saved_and_printed_in_the_browser(server, page):
    page.goto(f"{server.url}/timeline")
    page.screenshot(path=artifact("timeline-form-empty.png"), full_page=True)
    page.get_by_label("Medicine 1, medicine").fill("Clonazepam")
    page.get_by_label("Medicine 1, dose").fill("1")
    page.get_by_label("Medicine 1, started").fill("2016-04-01")
    page.get_by_label("Taper step 1, date").fill("2026-03-01")
    page.get_by_label("Taper step 1, dose").fill("two")
    page.get_by_role("button", name="Save", exact=True).click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Taper step 1, dose: Enter the dose as a number")
    page.screenshot(path=artifact("timeline-form-mistake.png"), full_page=True)
    alert.get_by_role("link", name="Taper step 1, dose").click()
    expect(page.get_by_label("Taper step 1, dose")).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    page.get_by_role("button", name="Save and add more rows").click()
    expect(page.get_by_role("status")).to_contain_text("4 more rows for taper steps")
    expect(page.locator('input[name$="-on"][name^="steps-"]')).to_have_count(1 + 3 + 4)
    page.get_by_label("Taper step 2, date").fill("2026-04-01")
    page.get_by_label("Taper step 2, dose").fill("1.8")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Saved. You can print it now.")
    page.get_by_role("button", name="Save and see it as printed").first.click()
    expect(page.locator("main")).to_contain_text("10 %")
    expect(page.get_by_role("link", name="Download PDF")).to_be_visible()
    page.screenshot(path=artifact("timeline-printed-screen.png"), full_page=True)


def test_the_print_page_and_the_checklist_on_screen(server, page):
    page.goto(f"{server.url}/print")
    expect(page.get_by_role("link", name="Print", exact=True)).to_have_attribute(
        "aria-current", "page")
    page.screenshot(path=artifact("print-list.png"), full_page=True)
    page.goto(f"{server.url}/print/checklist")
    page.screenshot(path=artifact("checklist-screen.png"), full_page=True)


def test_paper_is_black_on_white_even_in_the_dark_theme(seeded, page):
    server, ids = seeded
    page.context.add_cookies([{"name": "finder_theme", "value": "dark", "url": server.url}])
    page.emulate_media(media="print", color_scheme="dark")
    page.goto(f"{server.url}/providers/{ids['typical']}/summary")
    colours = page.evaluate("""() => {
        const style = (selector) => getComputedStyle(document.querySelector(selector));
        return {page: style('body').backgroundColor, text: style('body').color,
                link: style('main a').color, badge: style('.badge').backgroundColor,
                bar: style('.print-bar').display};
    }""")
    assert colours == {"page": "rgb(255, 255, 255)", "text": "rgb(0, 0, 0)",
                       "link": "rgb(0, 0, 0)", "badge": "rgb(255, 255, 255)", "bar": "none"}
