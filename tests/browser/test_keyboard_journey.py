"""The main journey with the keyboard alone: from the shortlist, add a provider, start a
call, answer the four questions and tick a red flag, end the call, see the verdict, open the
printable summary. No mouse: Tab, Shift+Tab, Enter, Space, the arrow keys and the call
screen's own keys. At every step focus is on an element whose focus can be seen, never
dropped back to the page body, and never hidden under the call screen's sticky save line."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from a11y_support import assert_focus_visible, focus_state
from browser_support import stored_call, wait_saved

MAX_TABS = 60


def tab_to(page, selector: str, step: str, backwards: bool = False) -> dict:
    """Press Tab (or Shift+Tab) until the focused element matches `selector`, checking
    after every press that focus can be seen."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        state = assert_focus_visible(page, f"{step} (tabbing)")
        assert_not_under_save_line(page, step)
        if page.evaluate("selector => document.activeElement.matches(selector)", selector):
            return state
    raise AssertionError(f"{step}: {selector} not reached in {MAX_TABS} presses of Tab")


def skip_to_content(page, step: str) -> None:
    """Tab to the skip link, see it, follow it: focus lands on the main region. (After a
    form sent from a page reached by the skip link, the browser keeps "#main" through the
    redirect, and the next Tab already starts in the content.)"""
    if page.url.endswith("#main"):
        return
    page.keyboard.press("Tab")
    state = assert_focus_visible(page, f"{step}: skip link")
    assert "Skip to the page content" in state["description"]
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main", \
        f"{step}: the skip link did not move focus to the page content"


def assert_not_under_save_line(page, step: str) -> None:
    covered = page.evaluate("""() => {
      const bar = document.getElementById('save-status');
      const element = document.activeElement;
      if (!bar || !element || bar.contains(element)) { return false; }
      const box = element.getBoundingClientRect(), line = bar.getBoundingClientRect();
      return box.top < line.bottom - 1 && box.bottom > line.top;
    }""")
    assert not covered, f"{step}: the focused element is hidden under the save line"


def press(page, key: str, step: str) -> dict:
    page.keyboard.press(key)
    state = assert_focus_visible(page, step)
    assert_not_under_save_line(page, step)
    return state


def test_the_whole_journey_works_with_the_keyboard_alone(server, page):
    page.goto(server.url + "/")

    # Shortlist -> Add a provider: the form's first field, typed into, sent with Enter.
    skip_to_content(page, "shortlist")
    tab_to(page, "main a.button--primary", "shortlist: Add a provider")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/providers/new$"))   # loaded, stylesheet included
    expect(page.locator("h1")).to_have_text("Add a provider")
    skip_to_content(page, "add a provider")
    tab_to(page, "#name", "add a provider: name")
    page.keyboard.type("Dr Kay Jones")
    tab_to(page, "#phone", "add a provider: phone")
    page.keyboard.type("555-010-7788")
    page.keyboard.press("Enter")                        # sends the form, as in any text box
    page.wait_for_url(re.compile(r"/providers/\d+(#main)?$"))
    expect(page.locator("h1")).to_have_text("Dr Kay Jones")

    # Provider page -> Start a call.
    skip_to_content(page, "provider page")
    tab_to(page, "main button.button--primary", "provider page: Start a call")
    page.keyboard.press("Space")
    page.wait_for_url(re.compile(r"/calls/\d+$"))
    call_id = int(page.url.rsplit("/", 1)[1])

    # The call screen: number keys answer the question in view, J moves to the next one.
    skip_to_content(page, "call screen")
    state = press(page, "1", "question 1, key 1")
    assert state["description"].startswith("input#answer-step_size-0")
    press(page, "j", "next question")
    press(page, "1", "question 2, key 1")
    press(page, "j", "next question")
    press(page, "1", "question 3, key 1")
    press(page, "j", "next question")
    press(page, "1", "question 4, key 1")
    state = press(page, "ArrowDown", "question 4, arrow down to the second answer")
    assert state["description"].startswith("input#answer-knows_literature-1")
    # Shift+Tab leaves the answers for the question's previous control and comes back.
    press(page, "Shift+Tab", "back out of the answers")
    press(page, "Tab", "back into the answers")
    assert page.evaluate("() => document.activeElement.id") == "answer-knows_literature-1"

    # F jumps to the red flags; Space ticks the first.
    state = press(page, "f", "red flags, key F")
    assert state["description"].startswith("input#flag-fixed_mg_steps")
    press(page, "Space", "tick the red flag")
    expect(page.locator("#flag-fixed_mg_steps")).to_be_checked()
    wait_saved(page)
    answers = stored_call(server, call_id)["answers"]
    assert {name: answer["option"] for name, answer in answers.items()} == {
        "step_size": "percent_of_current", "liquid_formulation": "yes_with_pharmacy",
        "bad_reaction": "hold_or_updose", "knows_literature": "heard_of"}

    # End of the call: J twice reaches it (the practical questions are folded, so the first
    # J stops on the line that opens their first group), and focus is then on how it
    # ended, the first thing the end of the call asks; then Save and end the call.
    state = press(page, "j", "practical questions, key J")
    assert state["description"].startswith("summary")
    state = press(page, "j", "end of the call, key J")
    assert state["description"].startswith("input#outcome-0")
    press(page, "Space", "answered my questions")
    expect(page.locator("#outcome-0")).to_be_checked()
    tab_to(page, "button[formaction]", "Save and end the call")
    page.keyboard.press("Enter")

    # The verdict, on the provider page.
    page.wait_for_url(re.compile(r"/providers/\d+(#main)?$"))
    verdict = page.locator("#verdict-heading")
    # 10 of 11 points, but one of the article's red flags decides on its own.
    expect(verdict).to_contain_text("Not a match — red flag")
    expect(page.locator("#verdict-why")).to_contain_text("(red flag 1: fixed mg steps")
    expect(page.locator(".red-flag-list")).to_contain_text("Fixed mg steps")

    # The printable summary.
    skip_to_content(page, "provider page after the call")
    tab_to(page, "main a[href$='/summary']", "Printable summary")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/summary$"))
    expect(page.locator("h1")).to_contain_text("Dr Kay Jones")
    page.keyboard.press("Tab")
    assert not focus_state(page)["lost"]
    tab_to(page, "button[data-print]", "Print this page")
