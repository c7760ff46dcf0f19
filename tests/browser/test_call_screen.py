"""The call screen in a real browser: keyboard only, autosave of every kind of field, the
server going away mid-call, two tabs on one call, and the page without JavaScript."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

from playwright.sync_api import expect

from browser_support import (artifact, open_new_call, seed_provider, stored_call,
                             wait_saved)


def tab_until(page, predicate_js: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(predicate_js):
            return
    raise AssertionError(f"never reached: {predicate_js}")


def test_a_whole_call_with_the_keyboard_only(server, page):
    provider_id = seed_provider(server, name="Dr Keys")
    page.goto(f"{server.url}/providers/{provider_id}")
    tab_until(page, "document.activeElement.textContent.trim() === 'Start a call'")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/calls/\d+$"))
    call_id = int(page.url.rsplit("/", 1)[1])

    page.keyboard.press("j")                      # the first J goes to question 1
    assert page.evaluate("document.activeElement.name") == "answer-step_size"
    heading = page.locator("#q-step_size-heading").bounding_box()
    bar = page.locator("#save-status").bounding_box()
    assert heading["y"] >= bar["y"] + bar["height"] - 1  # not hidden under the save line
    page.keyboard.press("1")                      # question 1, first answer
    page.keyboard.press("j")
    page.keyboard.press("1")                      # question 2, first answer
    page.keyboard.press("j")
    page.keyboard.press("3")                      # question 3: keeps reducing (a red flag)
    page.keyboard.press("n")
    page.keyboard.type("We keep going on schedule")
    page.keyboard.press("Escape")
    page.keyboard.press("j")
    page.keyboard.press("2")                      # question 4: has heard of it
    page.keyboard.press("k")
    assert page.evaluate("document.activeElement.name") == "answer-bad_reaction"
    page.keyboard.press("f")                      # jump to the red flags
    tab_until(page, "document.activeElement.name === 'flag-deadline'")
    page.keyboard.press("Space")
    wait_saved(page)

    tab_until(page, "document.activeElement.textContent.trim() === 'Save and end the call'",
              limit=200)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/providers/{provider_id}$"))
    assert "Call saved." in page.text_content(".flashes")

    call = stored_call(server, call_id)
    assert {q: a["option"] for q, a in call["answers"].items()} == {
        "step_size": "percent_of_current", "liquid_formulation": "yes_with_pharmacy",
        "bad_reaction": "keep_reducing", "knows_literature": "heard_of"}
    assert call["answers"]["bad_reaction"]["note"] == "We keep going on schedule"
    assert call["red_flags"]["deadline"]["ticked"] is True
    assert call["ended"] is True
    assert page.locator(".red-flag-list li").count() == 2  # ticked + implied by an answer


def test_every_kind_of_field_is_saved_as_it_changes(server, page):
    provider_id = seed_provider(server)
    call_id = open_new_call(page, server, provider_id)
    page.check("#answer-liquid_formulation-2")                         # radio
    page.fill("#answer_note-liquid_formulation", "Only tablets, they said")  # textarea
    page.check("#flag-refuses_liquid")                                 # checkbox
    # "What was said" opens once its red flag is ticked; the practical questions and who
    # answered are folded until opened.
    page.check("#flag-inflexible_schedule")
    page.fill("#flag_note-inflexible_schedule", "Printed schedule")    # flag note
    page.get_by_text("Can they take you on?").click()
    page.check("#practical-cost-1")                                    # practical choice
    page.fill("#practical-wait", "six weeks")                          # practical text
    page.locator("#p-telemedicine_states summary").first.click()
    page.check("#practical-telemedicine_states-OR")                    # one of many boxes
    page.check("#practical-telemedicine_states-WA")
    page.get_by_text("Who answered, and when").click()
    page.check("#spoke_with-1")                                        # call detail radio
    page.fill("#contact_name", "Nurse Jo")                             # call detail text
    page.fill("#follow_up_on", "2026-12-02")                           # date
    page.fill("#called_at", "2026-11-24T10:15")                        # date and time
    page.fill("#notes", "Call back after lunch")
    page.locator("#notes").blur()
    wait_saved(page)

    call = stored_call(server, call_id)
    assert call["answers"]["liquid_formulation"] == {
        "option": "refuses", "note": "Only tablets, they said",
        "at": call["answers"]["liquid_formulation"]["at"]}
    assert call["red_flags"]["refuses_liquid"]["ticked"] is True
    assert call["red_flags"]["inflexible_schedule"]["note"] == "Printed schedule"
    assert call["practical"]["cost"]["option"] == "self_pay"
    assert call["practical"]["wait"]["text"] == "six weeks"
    assert call["practical"]["telemedicine_states"]["states"] == ["OR", "WA"]
    assert (call["spoke_with"], call["contact_name"]) == ("nurse", "Nurse Jo")
    assert (call["follow_up_on"], call["called_at"]) == ("2026-12-02", "2026-11-24T10:15")
    assert call["notes"] == "Call back after lunch"
    # One save per change: two boxes ticked in the states list, one change everywhere else.
    assert call["revs"].pop("practical-telemedicine_states") == 2
    assert set(call["revs"].values()) == {1} and len(call["revs"]) == 12, call["revs"]

    page.reload()
    assert page.is_checked("#answer-liquid_formulation-2")
    assert page.input_value("#answer_note-liquid_formulation") == "Only tablets, they said"
    assert page.is_checked("#flag-refuses_liquid")
    assert page.is_checked("#practical-telemedicine_states-WA")
    assert page.input_value("#called_at") == "2026-11-24T10:15"


def test_one_answer_is_saved_by_one_small_request(server, page):
    call_id = open_new_call(page, server, seed_provider(server))
    posts = []
    page.on("request", lambda request: posts.append(request) if request.method == "POST" else None)
    page.check("#answer-step_size-0")
    wait_saved(page)
    assert [p.url for p in posts] == [f"{server.url}/calls/{call_id}/fields"]
    body = posts[0].post_data
    assert json.loads(body) == {"name": "answer-step_size", "value": "percent_of_current",
                                "rev": 0}
    assert len(body) < 200


def test_answers_given_while_finder_is_down_arrive_once_it_is_back(server, page):
    call_id = open_new_call(page, server, seed_provider(server))
    page.check("#answer-step_size-0")
    wait_saved(page)

    server.kill()
    page.check("#answer-liquid_formulation-0")
    page.check("#flag-deadline")
    page.fill("#answer_note-bad_reaction", "Typed while finder was down")
    page.locator("#answer_note-bad_reaction").blur()
    warning = page.locator("#save-warning")
    warning.wait_for(state="visible")
    assert "Not saved yet" in warning.text_content()
    assert "kept on this page" in warning.text_content()
    expect(warning).to_contain_text("3 changes")
    page.screenshot(path=artifact("call-screen-finder-down.png"))

    server.start()
    wait_saved(page, timeout=30_000)
    assert page.locator("#save-warning").is_hidden()

    call = stored_call(server, call_id)
    assert call["answers"]["step_size"]["option"] == "percent_of_current"
    assert call["answers"]["liquid_formulation"]["option"] == "yes_with_pharmacy"
    assert call["red_flags"]["deadline"]["ticked"] is True
    assert call["answers"]["bad_reaction"]["note"] == "Typed while finder was down"
    # Each change arrived exactly once: one revision per field, none doubled.
    assert call["revs"] == {"answer-step_size": 1, "answer-liquid_formulation": 1,
                            "flag-deadline": 1, "answer_note-bad_reaction": 1}


def test_unsaved_answers_survive_closing_the_tab(server, context):
    page = context.new_page()
    call_id = open_new_call(page, server, seed_provider(server))
    server.kill()
    page.check("#answer-knows_literature-0")
    page.locator("#save-warning").wait_for(state="visible")
    page.close()

    server.start()
    again = context.new_page()
    again.goto(f"{server.url}/calls/{call_id}")
    wait_saved(again)
    assert again.is_checked("#answer-knows_literature-0")
    assert stored_call(server, call_id)["answers"]["knows_literature"]["option"] == "knows"


def test_two_tabs_never_silently_overwrite_each_other(server, context):
    first = context.new_page()
    call_id = open_new_call(first, server, seed_provider(server))
    second = context.new_page()
    second.goto(f"{server.url}/calls/{call_id}")

    first.check("#answer-step_size-0")             # tab one: percent of current
    wait_saved(first)
    second.check("#answer-bad_reaction-0")         # tab two, another question: no conflict
    wait_saved(second)
    second.check("#answer-step_size-2")            # tab two, same question, stale page
    conflict = second.locator(".live-mark.conflict")
    conflict.wait_for()
    assert "Another tab or window saved" in conflict.text_content()
    call = stored_call(server, call_id)
    assert call["answers"]["step_size"]["option"] == "percent_of_current"
    assert call["answers"]["bad_reaction"]["option"] == "hold_or_updose"

    second.get_by_role("button", name="Keep mine").click()
    wait_saved(second)
    assert stored_call(server, call_id)["answers"]["step_size"]["option"] == "fixed_mg"

    first.check("#answer-step_size-1")             # now tab one is the stale one
    first.locator(".live-mark.conflict").wait_for()
    first.get_by_role("button", name="Use theirs").click()
    assert first.is_checked("#answer-step_size-2")
    assert stored_call(server, call_id)["answers"]["step_size"]["option"] == "fixed_mg"


def test_without_javascript_the_form_still_saves(server, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        call_id = open_new_call(page, server, seed_provider(server))
        page.check("#answer-step_size-2")
        page.fill("#answer_note-step_size", "0.25 mg every two weeks")
        page.check("#flag-inflexible_schedule")
        page.get_by_role("button", name="Save answers").click()
        assert "All answers saved." in page.text_content(".flashes")
        call = stored_call(server, call_id)
        assert call["answers"]["step_size"] == {
            "option": "fixed_mg", "note": "0.25 mg every two weeks",
            "at": call["answers"]["step_size"]["at"]}
        assert call["red_flags"]["inflexible_schedule"]["ticked"] is True
    finally:
        context.close()


def test_screenshot_of_the_call_screen_for_the_readme(server, page):
    provider_id = seed_provider(server, name="Dr Ann Lee")
    open_new_call(page, server, provider_id)
    page.check("#answer-step_size-0")
    page.fill("#answer_note-step_size", "10 % of what I take now; smaller steps later")
    page.check("#answer-liquid_formulation-0")
    page.locator("#answer_note-step_size").blur()
    wait_saved(page)
    page.evaluate("window.scrollTo(0, 0)")
    path = artifact("call-screen.png")
    page.screenshot(path=path)
    assert path.stat().st_size > 10_000
    readme_copy = os.environ.get("FINDER_README_SCREENSHOTS")
    if readme_copy:
        shutil.copy(path, Path(readme_copy) / "call-screen.png")
