"""Layouts that must hold whatever is typed or listed, measured in a real browser: a long note
on the call screen grows its own box, not the answer boxes beside it; and the printable
shortlist shows every column on screen, phone numbers whole, at 800, 1280 and 1920 px wide,
in the light and the dark theme (the printed page and the PDF are checked in
test_printing.py). Screenshots of each are kept in test-artifacts/."""

from __future__ import annotations

import pytest

from finder.content import load_content
from finder.directory import Directory

from a11y_support import themed_context
from browser_support import REPO, artifact, open_new_call, record_call, seed_provider, wait_saved

QUESTIONS = ("step_size", "liquid_formulation", "bad_reaction", "knows_literature")
LONG_NOTE = ("She said they usually cut by about ten percent of what I take now, then hold "
             "until things settle, longer if sleep is bad; the clinician reviews every month, "
             "talks to the pharmacy about a liquid for the last part, and never sets an end "
             "date. Call back on Tuesday after two to ask about the first appointment and "
             "whether the nurse can send the forms and the pharmacy's details before then, "
             "by post or by email, and what the first visit costs.")  # about 450 characters
PHONE = "(503) 555-0142"
LONG_PHONE = "+1 (503) 555-0142 ext 1234"


# -- the call screen: a long note -----------------------------------------------------------


def choice_heights(page, question: str) -> list[float]:
    boxes = page.locator(f"#q-{question} .choice")
    return [boxes.nth(index).bounding_box()["height"] for index in range(boxes.count())]


def neighbours_of_note(page, question: str) -> list[int]:
    """The answer boxes that stand in the same row of the grid as the question's note."""
    note = page.locator(f"#q-{question} .answer-note").bounding_box()
    boxes = page.locator(f"#q-{question} .choice")
    beside = []
    for index in range(boxes.count()):
        box = boxes.nth(index).bounding_box()
        if box["y"] < note["y"] + note["height"] and note["y"] < box["y"] + box["height"]:
            beside.append(index)
    return beside


@pytest.mark.parametrize("width", [1280, 800])  # three answers to a row, then two
def test_a_long_note_grows_its_own_box_not_the_answers_beside_it(server, browser, width):
    assert 430 <= len(LONG_NOTE) <= 470
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        open_new_call(page, server, seed_provider(server, name="Dr Ann Lee"))
        shared_a_row = 0
        for question in QUESTIONS:
            before = choice_heights(page, question)
            note_before = page.locator(f"#answer_note-{question}").bounding_box()["height"]
            beside = neighbours_of_note(page, question)
            shared_a_row += bool(beside)
            page.fill(f"#answer_note-{question}", LONG_NOTE)
            note_after = page.locator(f"#answer_note-{question}").bounding_box()["height"]
            assert note_after > note_before + 100, f"{question}: the note did not grow"
            after = choice_heights(page, question)
            assert after == pytest.approx(before, abs=1), (
                f"{question} at {width} px: answer boxes {beside} share the note's row; "
                f"heights before {before}, after a long note {after}")
        # The first question's five answers leave one or two beside the note at both widths.
        assert shared_a_row, "no answer shares a row with its note: nothing was measured"
        page.locator("#q-step_size").screenshot(path=artifact(f"layout-long-note-{width}.png"))
        wait_saved(page)
    finally:
        context.close()


# -- the printable shortlist on screen --------------------------------------------------------


def seed_report(server, phone: str = PHONE) -> None:
    """Providers as a walkthrough had them: a phone number, a follow-up date, a practice and
    city, and the longest verdict there is ("Not a match — red flag")."""
    directory = Directory(server.store(), load_content(REPO / "data").checklist)
    ann = directory.add_provider({
        "name": "Dr Ann Lee", "practice": "Lee Family Medicine", "phone": phone,
        "city": "Portland", "state": "OR", "telemedicine": "yes", "status": "waiting",
        "follow_up_on": "2026-12-02"})
    record_call(directory, ann, {"answer-step_size": "percent_of_current",
                                 "answer-liquid_formulation": "yes_with_pharmacy",
                                 "flag-deadline": True}, "2026-11-17T14:30")
    ben = directory.add_provider({
        "name": "Dr Benjamin Ortiz-Castellanos", "practice": "Northside Community Health",
        "phone": "503-555-0199", "city": "Salem", "state": "OR", "status": "to_call",
        "follow_up_on": "2026-12-14"})
    record_call(directory, ben, {"answer-step_size": "fixed_mg"}, "2026-11-18T09:00")


FIT = """wrap => {
  const table = wrap.querySelector('table');
  const row = [...table.querySelectorAll('tbody tr')]
    .find(tr => tr.innerText.includes('Dr Ann Lee'));
  const heads = [...table.querySelectorAll('thead th')].map(th => th.innerText.trim());
  const cell = name => row.cells[heads.indexOf(name)];
  const box = element => element.getBoundingClientRect();
  const phone = cell('Phone'), followUp = cell('Follow up');
  return {
    viewport: innerWidth, page: document.documentElement.scrollWidth,
    wrapRight: box(wrap).right, wrapScroll: wrap.scrollWidth, wrapClient: wrap.clientWidth,
    wrapOverflow: getComputedStyle(wrap).overflowX, tabIndex: wrap.tabIndex,
    tableRight: box(table).right, phoneText: phone.innerText.trim(),
    phoneScroll: phone.scrollWidth, phoneClient: phone.clientWidth,
    phoneRight: box(phone).right, phoneLines: Math.round(box(phone).height),
    followUpText: followUp.innerText.trim(), followUpRight: box(followUp).right,
  };
}"""


def measure(page) -> dict:
    return page.get_by_role("region", name="Providers table").evaluate(FIT)


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("width", [800, 1280, 1920])
def test_the_printable_shortlist_shows_every_column_and_whole_phone_numbers(
        server, browser, width, theme):
    seed_report(server)
    context = themed_context(browser, server.url, theme, width)
    page = context.new_page()
    try:
        page.goto(f"{server.url}/")
        page.get_by_role("link", name="Print this list").click()
        page.wait_for_url("**/print/shortlist**")
        fit = measure(page)
        page.screenshot(path=artifact(f"layout-print-shortlist-{theme}-{width}.png"),
                        full_page=True)
        where = f"at {width} px ({theme}): {fit}"
        assert fit["page"] <= fit["viewport"], f"the page scrolls sideways {where}"
        # Every column shows: nothing of the table is hidden past its region's edge.
        assert fit["wrapScroll"] <= fit["wrapClient"], f"columns hidden {where}"
        assert fit["tableRight"] <= min(fit["wrapRight"], fit["viewport"]) + 1, where
        assert fit["followUpText"] == "2 Dec 2026"
        assert fit["followUpRight"] <= min(fit["wrapRight"], fit["viewport"]) + 1, where
        # The phone number whole, on one line, inside its cell and on screen.
        assert fit["phoneText"] == PHONE
        assert fit["phoneScroll"] <= fit["phoneClient"], f"phone cut {where}"
        assert fit["phoneRight"] <= min(fit["wrapRight"], fit["viewport"]) + 1, where
    finally:
        context.close()


def test_a_table_wider_than_a_narrow_screen_scrolls_in_its_own_region(server, browser):
    """A long phone number at a width the table cannot fit: the table scrolls inside its
    region (reachable by keyboard), the page never scrolls sideways, and the number is whole
    once the region is scrolled to its end."""
    seed_report(server, phone=LONG_PHONE)
    context = themed_context(browser, server.url, "dark", 640)
    page = context.new_page()
    try:
        page.goto(f"{server.url}/print/shortlist")
        region = page.get_by_role("region", name="Providers table")
        fit = measure(page)
        assert fit["page"] <= fit["viewport"], f"the page scrolls sideways: {fit}"
        assert fit["wrapOverflow"] in ("auto", "scroll") and fit["tabIndex"] == 0, fit
        assert fit["wrapScroll"] > fit["wrapClient"], f"expected to scroll here: {fit}"
        assert fit["phoneText"] == LONG_PHONE
        assert fit["phoneScroll"] <= fit["phoneClient"], f"phone cut: {fit}"
        region.evaluate("wrap => { wrap.scrollLeft = wrap.scrollWidth; }")
        fit = measure(page)
        assert fit["followUpRight"] <= fit["wrapRight"] + 1, fit
        assert fit["phoneRight"] <= fit["wrapRight"] + 1, fit
        page.screenshot(path=artifact("layout-print-shortlist-dark-640-scrolled.png"),
                        full_page=True)
    finally:
        context.close()
