"""Every page, checked with axe-core in the real browser against the WCAG 2.2 A and AA rules:
in the light theme, in the dark colours the system asks for, and in the dark theme at phone
width, where no page may scroll sideways. Pages reached only by sending a form (form errors,
an expired form, the schedule preview, a flash with Undo) and the call screen's own messages
(a conflict with another tab) are checked too, with every disclosure opened. Screenshots of
the main pages in both themes and at both widths are kept in test-artifacts/.

The list of pages comes from the app's URL map, so a new page is checked as soon as it
exists; a route whose address this module cannot fill in fails the test until it is taught.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from functools import partial
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from finder import create_app
from finder.content import load_content
from finder.directory import Directory

from a11y_support import (COLOUR_RULES, STRUCTURE_RULES, axe_violations, themed_context,
                          unseen_focus)
from browser_support import REPO, FinderServer, artifact, free_port, record_call

FIXED_MG = {"drug": "clonazepam", "start_mg": "2", "mode": "rule", "amount": "0.25",
            "unit": "mg", "every": "2", "interval_unit": "weeks"}
IMPORT_CSV = ("Name,Phone,Practice,City,State\n"
              "Dr Ann Lee,555-123-4567,Lee Family Medicine,Portland,OR\n"
              "Dr New Person,555-999-0000,Harbour Clinic,Seattle,WA\n"
              ",555-000-1111,No Name Practice,Boise,ID\n")


# -- the data every page shows ---------------------------------------------------------------


def _seed(directory: Directory) -> dict:
    today = dt.date.today().isoformat()
    ann = directory.add_provider({
        "name": "Dr Ann Lee", "practice": "Lee Family Medicine", "phone": "555-123-4567",
        "website": "https://example.org/lee", "city": "Portland", "state": "OR",
        "telemedicine": "yes", "telemedicine_states": ["OR", "WA"],
        "specialty": "family_medicine", "payment": "both", "referral_source": "benzobuddies",
        "tags": ["ask sister"], "follow_up_on": today, "status": "waiting",
        "notes": "Recommended on BenzoBuddies. Parking behind the building."})
    record_call(directory, ann, {"spoke_with": "front_desk", "contact_name": "Maria",
                           "practical-telemedicine": "yes", "practical-cost": "self_pay",
                           "practical_note-cost": "$180 a visit",
                           "practical-telemedicine_states": ["OR", "WA"],
                           "practical-wait": "About three weeks"},
          "2026-11-10T10:15", outcome="call_back")
    latest = record_call(directory, ann, {
        "spoke_with": "clinician", "contact_name": "Dr Lee",
        "answer-step_size": "percent_of_current",
        "answer_note-step_size": "About 10 % of what I take now.",
        "answer-liquid_formulation": "yes_no_pharmacy", "answer-bad_reaction": "hold_or_updose",
        "answer-knows_literature": "heard_of", "flag-deadline": True,
        "flag_note-deadline": "Said most people are off within a year.",
        "notes": "Open to reading the Maudsley section."}, "2026-11-17T14:30")
    directory.attach_schedule(latest, FIXED_MG)
    ben = directory.add_provider({"name": "Dr Ben Ortiz", "phone": "555-222-3333",
                                  "state": "WA", "status": "ruled_out"})
    record_call(directory, ben, {"answer-step_size": "fixed_mg", "answer-bad_reaction": "keep_reducing",
                           "answer-liquid_formulation": "refuses",
                           "flag-inflexible_schedule": True}, "2026-11-12T09:00")
    cara = directory.add_provider({"name": "Dr Cara Singh", "state": "CA",
                                   "telemedicine": "no"})
    gone = directory.add_provider({"name": "Dr Old Entry", "practice": "Closed Clinic"})
    directory.trash_provider(gone)
    directory.save_timeline({
        "person": "Sam Rivera",
        "medications": [{"drug": "Clonazepam", "dose": "1", "unit": "mg",
                         "how_often": "twice a day", "started_on": "2016-04-01",
                         "stopped_on": ""}],
        "steps": [{"on": "2026-03-01", "dose": "2", "unit": "mg", "note": "Before the taper"},
                  {"on": "2026-04-01", "dose": "1.8", "unit": "mg", "note": "First cut"}],
        "symptom_onset": "Late March 2026: insomnia and tinnitus.",
        "symptom_course": "Waves and windows.", "notes": ""})
    return {"ann": ann, "ben": ben, "cara": cara, "ann_call": latest}


@pytest.fixture(scope="module")
def site(tmp_path_factory, browser):
    """One seeded finder for the module, with a list import and a restore waiting.

    FINDER_CHROMIUM names no browser, so the PDF links show the calm page that says how to
    save a PDF by hand (that page is checked too)."""
    folder = tmp_path_factory.mktemp("accessibility")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FINDER_CHROMIUM", str(folder / "no-browser-here"))
        patch.setenv("PATH", "/nonexistent")
        server = FinderServer(folder / "data", free_port()).start()
    ids = _seed(Directory(server.store(), load_content(REPO / "data").checklist))
    context = browser.new_context()
    page = context.new_page()
    try:
        ids.update(_start_imports(page, server.url, folder))
    finally:
        context.close()
    yield server, ids
    server.stop()


def _start_imports(page, base: str, folder: Path) -> dict:
    """Upload a list (three rows: a duplicate, a new one, one without a name) and a data
    file, as a person would, and keep the addresses of the pages that follow."""
    csv_path = folder / "shared-list.csv"
    csv_path.write_text(IMPORT_CSV)
    page.goto(base + "/import-export/")
    page.set_input_files("#list_file", str(csv_path))
    page.get_by_role("button", name="Next: choose the columns").click()
    page.wait_for_url(re.compile(r"/import-export/list/[^/]+$"))
    columns_url = page.url
    page.get_by_role("button", name="Next: check every row").click()
    page.wait_for_url(re.compile(r"/preview\?"))
    preview_url = page.url

    data = page.request.get(base + "/import-export/finder-data.json").body()
    data_path = folder / "finder-data.json"
    data_path.write_bytes(data)
    page.goto(base + "/import-export/")
    page.set_input_files("#data_file", str(data_path))
    page.get_by_role("button", name="Next: see what the file holds").click()
    page.wait_for_url(re.compile(r"/import-export/restore/[^/]+$"))
    return {"columns_path": columns_url[len(base):], "preview_path": preview_url[len(base):],
            "list_token": columns_url.rsplit("/", 1)[1],
            "restore_token": page.url.rsplit("/", 1)[1]}


# -- every page, as an address or as steps that lead to it -----------------------------------


def get_pages(ids: dict, folder: Path) -> dict[str, str]:
    """Every GET page in the URL map, its address filled in from the seeded data. The app
    built to read the map gets a folder of its own (it opens a store there)."""
    app = create_app({"DATA_DIR": str(folder), "TESTING": True})
    values = {"provider_id": ids["ann"], "call_id": ids["ann_call"]}
    tokens = {"transfer.list_columns": ids["list_token"], "transfer.list_preview": ids["list_token"],
              "transfer.restore_preview": ids["restore_token"]}
    pages = {}
    with app.test_request_context():
        from flask import url_for
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint == "static":
                continue
            arguments = {name: tokens[rule.endpoint] if name == "token" else values.get(name)
                         for name in rule.arguments}
            missing = [name for name, value in arguments.items() if value is None]
            assert not missing, (f"{rule.rule}: teach test_accessibility how to fill in "
                                 f"{missing} so the page is checked")
            url = url_for(rule.endpoint, **arguments)
            pages[rule.endpoint] = url
    # A list preview needs the column choices; the CSV, data-file and calendar downloads are
    # files; every PDF link shows the same page here (no browser to make it), so one is enough.
    pages["transfer.list_preview"] = ids["preview_path"]
    for endpoint in [e for e, url in pages.items() if url.endswith((".csv", ".json", ".ics"))]:
        del pages[endpoint]
    for endpoint in [e for e, url in pages.items() if url.endswith(".pdf")][1:]:
        del pages[endpoint]
    return pages


def extra_pages(ids: dict) -> dict[str, str]:
    """The same pages in other states worth checking."""
    return {
        "shortlist, filtered to nothing": "/?verdict=strong&red_flags=some",
        "shortlist, filtered": "/?status=waiting&q=Lee",
        "provider without calls": f"/providers/{ids['cara']}",
        "provider, other verdict": f"/providers/{ids['ben']}",
        "provider edit": f"/providers/{ids['ann']}/edit",
        "compare": f"/compare?id={ids['ann']}&id={ids['ben']}&id={ids['cara']}",
        "compare, one ticked": f"/compare?id={ids['ann']}",
        "schedule check, result": "/schedule-check?" + urlencode(FIXED_MG),
        "schedule check, errors": "/schedule-check?" + urlencode(
            {**FIXED_MG, "start_mg": "2,5", "amount": "lots"}),
        "import columns, problems": ids["preview_path"].split("?")[0] + "?column_0=ignore",
        "not found": "/providers/987654",
        "words, one term": "/words#term-hyperbolic_taper",
    }


def _post_pages(ids: dict, server) -> dict:
    """Pages reached by sending a form, or a message the call screen shows: each function
    leaves the page showing one."""
    changed_elsewhere = iter(range(1, 100))
    def provider_errors(page, base):
        page.goto(base + "/providers/new")
        page.get_by_role("button", name="Add provider").click()
        expect(page.locator("#error-summary")).to_be_visible()

    def call_end_errors(page, base):
        page.goto(f"{base}/calls/{ids['ann_call']}")
        page.locator("#end_status").evaluate(
            "select => { select.add(new Option('Somewhere else', 'elsewhere', true, true)); }")
        page.locator("#contact_name").evaluate("input => { input.value = 'x'.repeat(201); }")
        page.get_by_role("button", name="Save and end the call").click()
        expect(page.locator("#contact_name-errors")).to_be_visible()  # nothing was saved

    def schedule_preview(page, base):
        page.goto(f"{base}/calls/{ids['ann_call']}/schedule")
        page.get_by_role("button", name="Check without saving").click()
        expect(page.get_by_text("Not saved yet")).to_be_visible()

    def schedule_call_errors(page, base):
        page.goto(f"{base}/calls/{ids['ann_call']}/schedule")
        page.locator("#start_mg").fill("two")
        page.get_by_role("button", name="Check without saving").click()
        expect(page.locator("#error-summary")).to_be_visible()

    def timeline_errors(page, base):
        page.goto(base + "/timeline")
        page.locator("#medications-0-dose").fill("a lot")
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.locator("#error-summary")).to_be_visible()

    def transfer_errors(page, base):
        page.goto(base + "/import-export/")
        page.get_by_role("button", name="Next: choose the columns").click()
        expect(page.locator("#error-summary")).to_be_visible()

    def sign_in_errors(page, base):
        page.goto(base + "/sign-in")
        page.get_by_role("button", name="Sign in").click()
        expect(page.locator("#error-summary")).to_be_visible()

    def expired_token(page, base):
        page.goto(base + "/providers/new")
        page.locator("#name").fill("Dr Typed Before Restart")
        page.locator("main input[name=csrf_token]").evaluate("input => { input.value = 'stale'; }")
        page.get_by_role("button", name="Add provider").click()
        expect(page.get_by_text("Everything you typed is still below")).to_be_visible()

    def call_conflict(page, base):
        page.goto(f"{base}/calls/{ids['ann_call']}")
        directory = Directory(server.store(), load_content(REPO / "data").checklist)
        directory.edit_call(ids["ann_call"], "answer_note-knows_literature",
                            f"Another tab, {next(changed_elsewhere)}", None)
        page.locator("#answer_note-knows_literature").fill("Mine")
        page.locator("#answer_note-knows_literature").blur()
        expect(page.get_by_role("button", name="Keep mine")).to_be_visible()

    def flash_with_undo(page, base):
        page.goto(f"{base}/providers/{ids['ann']}")
        page.get_by_role("button", name="Clear this red flag").first.click()
        expect(page.get_by_role("button", name="Undo")).to_be_visible()
        page.get_by_role("button", name="Undo").click()  # leave the data as they were
        expect(page.locator(".flashes")).to_be_visible()

    return {"provider form, errors": provider_errors, "call screen, errors": call_end_errors,
            "schedule for a call, preview": schedule_preview,
            "schedule for a call, errors": schedule_call_errors,
            "timeline, errors": timeline_errors, "import and export, errors": transfer_errors,
            "sign in, errors": sign_in_errors, "expired form": expired_token,
            "call screen, conflict with another tab": call_conflict,
            "flash with undo": flash_with_undo}


# -- the checks -------------------------------------------------------------------------------


def _open_every_disclosure(page) -> None:
    """Show what sits behind every details element (filters, words explained, the menu),
    so that it is checked too — once the page has loaded, stylesheet and all (a page
    reached by sending a form may still be loading)."""
    page.wait_for_load_state()
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")


def _open(page, base: str, url: str) -> None:
    response = page.goto(base + url)
    expected_failure = 503 if ".pdf" in url else None  # no browser here to make the PDF
    assert response.status < 500 or response.status == expected_failure, \
        f"{url} answered {response.status}"


def test_every_page_passes_axe_in_both_themes_and_fits_a_phone(site, browser):
    """Two visits to every page. At laptop width with the light theme picked: every WCAG
    rule and the structure rules; then the theme switched to Auto on the same page with the
    system asking for dark, and the colour rules again (what the server sends for Auto is
    the same page with data-theme="auto"). At phone width with the dark theme picked: every
    WCAG rule — the menu and the layout differ there, and target-size (24 × 24 CSS px, WCAG
    2.5.8) matters most — and no sideways scrolling outside a table's own scroll region."""
    server, ids = site
    visits = [(name, partial(_open, url=url))
              for name, url in {**get_pages(ids, server.data_dir.parent / "url-map"),
                                **extra_pages(ids)}.items()]
    visits += list(_post_pages(ids, server).items())
    problems = []
    laptop = themed_context(browser, server.url, "light", 1280, color_scheme="dark")
    phone = themed_context(browser, server.url, "dark", 375)
    try:
        for name, visit in visits:
            page = laptop.pages[0] if laptop.pages else laptop.new_page()
            visit(page, server.url)
            _open_every_disclosure(page)
            problems += axe_violations(page, f"{name} [light]", rules=STRUCTURE_RULES)
            problems += _page_problems(page, f"{name} [light]")
            problems += _focus_problems(page, f"{name} [light]")
            page.locator("html").evaluate("html => { html.dataset.theme = 'auto'; }")
            problems += axe_violations(page, f"{name} [auto, system dark]", tags=(),
                                       rules=COLOUR_RULES)
            page = phone.pages[0] if phone.pages else phone.new_page()
            visit(page, server.url)
            _open_every_disclosure(page)
            problems += axe_violations(page, f"{name} [dark, 375 px]")
            problems += _page_problems(page, f"{name} [dark, 375 px]", width=375)
            problems += _focus_problems(page, f"{name} [dark, 375 px]")
    finally:
        laptop.close()
        phone.close()
    assert not problems, (f"{len(problems)} problems on {len(visits)} pages:\n"
                          + "\n".join(problems))


def _focus_problems(page, where: str) -> list[str]:
    """Every element a keyboard reaches shows a focus outline."""
    found = unseen_focus(page)
    assert found["count"] > 3, f"{where}: only {found['count']} focusable elements found"
    return [f"{where}: focus cannot be seen on {html}" for html in found["unseen"]]


def _page_problems(page, where: str, width: int | None = None) -> list[str]:
    """What axe does not check: one h1 per page, and no sideways scrolling on a phone
    (wide tables scroll inside their own region instead)."""
    problems = []
    headings = page.locator("h1").count()
    if headings != 1:
        problems.append(f"{where}: {headings} h1 headings (one expected)")
    if width:
        scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
        if scroll_width > width:
            problems.append(f"{where}: the page scrolls sideways ({scroll_width} px wide)")
    return problems


# -- screenshots -------------------------------------------------------------------------------

SCREENSHOT_THEMES = [("light", "light"), ("dark", "dark")]
PHONE = {"width": 375, "height": 812}
LAPTOP = {"width": 1280, "height": 900}


def _screenshot_pages(ids: dict) -> dict[str, str]:
    return {"shortlist": "/", "provider": f"/providers/{ids['ann']}",
            "call-screen": f"/calls/{ids['ann_call']}",
            "summary": f"/providers/{ids['ann']}/summary",
            "schedule-check": "/schedule-check?" + urlencode(FIXED_MG) + "#result",
            "where-to-look": "/where-to-look"}


def test_screenshots_of_the_main_pages_in_both_themes_and_at_both_widths(site, browser):
    server, ids = site
    saved = []
    for theme, cookie in SCREENSHOT_THEMES:
        for size_name, size in (("laptop", LAPTOP), ("phone", PHONE)):
            context = browser.new_context(viewport=size, color_scheme="light")
            context.add_cookies([{"name": "finder_theme", "value": cookie, "url": server.url}])
            page = context.new_page()
            try:
                for name, url in _screenshot_pages(ids).items():
                    page.goto(server.url + url)
                    path = artifact(f"a11y-{name}-{theme}-{size_name}.png")
                    page.screenshot(path=path, full_page=True)
                    saved.append(path)
                    if (name, theme, size_name) in README_PICTURES:
                        _readme_copy(page, README_PICTURES[(name, theme, size_name)])
            finally:
                context.close()
    assert all(path.stat().st_size > 10_000 for path in saved)


# The README's two pictures: the shortlist as it opens on a laptop, and the call screen on
# a phone in the dark theme, scrolled to the first question under the sticky save line.
README_PICTURES = {("shortlist", "light", "laptop"): ("shortlist.png", None),
                   ("call-screen", "dark", "phone"): ("call-screen-dark-phone.png",
                                                      "#q-step_size")}


def _readme_copy(page, picture: tuple[str, str | None]) -> None:
    folder = os.environ.get("FINDER_README_SCREENSHOTS")
    if not folder:
        return
    filename, scroll_to = picture
    if scroll_to:  # just under the sticky save line
        page.locator(scroll_to).evaluate("""element => window.scrollBy(0,
            element.getBoundingClientRect().top
            - document.getElementById('save-status').offsetHeight - 12)""")
    else:
        page.evaluate("window.scrollTo(0, 0)")
    page.evaluate("() => window.getSelection().removeAllRanges()")  # no stray caret
    page.screenshot(path=Path(folder) / filename)
