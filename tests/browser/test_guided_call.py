"""The call screen as a guided call, measured in a real browser: how long it is with nothing
opened, where the four questions and the red flags end, a phone's width and targets, the
way to end the call from anywhere, what is still open, and folding without JavaScript."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from browser_support import artifact, open_new_call, seed_provider, stored_call, wait_saved

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 800}


def new_page(browser, viewport, **options):
    context = browser.new_context(viewport=viewport, **options)
    context.set_default_timeout(10_000)
    return context, context.new_page()


def bottom_of(page, selector: str) -> float:
    box = page.locator(selector).bounding_box()
    return page.evaluate("window.scrollY") + box["y"] + box["height"]


def test_with_nothing_opened_it_is_three_screens_and_questions_and_red_flags_fit_two(
        server, browser):
    context, page = new_page(browser, LAPTOP)
    try:
        open_new_call(page, server, seed_provider(server, name="Dr Ann Lee"))
        height = page.evaluate("document.documentElement.scrollHeight")
        flags_end = bottom_of(page, "#red-flags")
        page.screenshot(path=artifact("call-screen-whole-1280.png"), full_page=True)
        assert height <= 3 * LAPTOP["height"], f"{height} px: more than three screens"
        assert flags_end <= 2 * LAPTOP["height"], f"the red flags end at {flags_end} px"
        for question in ("step_size", "liquid_formulation", "bad_reaction", "knows_literature"):
            assert bottom_of(page, f"#q-{question}") < flags_end
        # Folded: the practical questions and who answered; open: every answer to give.
        expect(page.locator(".practical-group").first).not_to_have_attribute("open", "")
        expect(page.get_by_label("Front desk")).to_be_hidden()
        expect(page.get_by_label("A fixed mg step at regular intervals")).to_be_visible()
    finally:
        context.close()


def test_on_a_phone_nothing_scrolls_sideways_and_every_answer_is_a_large_target(
        server, browser):
    context, page = new_page(browser, PHONE, is_mobile=True, has_touch=True)
    try:
        open_new_call(page, server, seed_provider(server, name="Dr Rosa Müller-Castellanos"))
        for summary in page.locator("#practical summary").all():
            summary.click()                          # every practical question open too
        page.locator("#flag-deadline").check()         # and a red flag's note
        page.screenshot(path=artifact("call-screen-phone-opened.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        targets = page.locator("#interview-form label.choice").all()
        assert len(targets) > 80
        small = [(target.text_content().strip(), box["height"]) for target in targets
                 if (box := target.bounding_box()) and box["height"] < 44]
        assert small == []
    finally:
        context.close()


def test_a_whole_call_ended_from_the_top_of_the_screen(server, browser):
    context, page = new_page(browser, LAPTOP)
    try:
        provider_id = seed_provider(server, name="Dr Ann Lee")
        call_id = open_new_call(page, server, provider_id)
        status = page.locator("#live-verdict")
        expect(status).to_contain_text("0 of 4 core questions asked · no red flags yet")
        page.get_by_label("A percentage of the current dose, and says the steps get "
                          "smaller").check()
        page.get_by_label("Yes, and they work with a pharmacy that makes them").check()
        expect(status).to_contain_text("2 of 4 core questions asked · no red flags yet")
        page.get_by_label("3. Deadline expectations").check()
        expect(status).to_contain_text("Not a match — red flag")
        expect(status).to_contain_text("· 1 red flag")
        wait_saved(page)

        # "End the call" is on screen wherever the page is scrolled.
        end = page.get_by_role("link", name="End the call")
        for where in (0, 900, 1600):
            page.evaluate(f"window.scrollTo(0, {where})")
            box = end.bounding_box()
            assert 0 <= box["y"] and box["y"] + box["height"] <= LAPTOP["height"], where
        page.evaluate("window.scrollTo(0, 0)")
        end.click()
        expect(page.get_by_label("Asked me to call back")).to_be_in_viewport()
        expect(page.locator("#outcome-0")).to_be_focused()
        page.get_by_label("Asked me to call back").check()
        page.get_by_label("Follow-up date, if you call again").fill("2026-12-07")
        page.get_by_role("button", name="Save and end the call").click()
        page.wait_for_url(re.compile(rf"/providers/{provider_id}$"))
        expect(page.locator(".flashes")).to_contain_text(
            "Call saved (asked me to call back). Dr Ann Lee stays “To call”.")
        call = stored_call(server, call_id)
        assert call["ended"] and call["outcome"] == "call_back"
        assert call["red_flags"]["deadline"]["ticked"] is True
    finally:
        context.close()


def test_the_e_key_goes_to_the_end_of_the_call_from_any_question(server, page):
    open_new_call(page, server, seed_provider(server))
    page.keyboard.press("j")
    page.keyboard.press("j")                       # question 2
    page.keyboard.press("e")
    expect(page.locator("#outcome-0")).to_be_focused()
    expect(page.locator("#keys-help")).to_contain_text("E end the call")


def test_what_was_said_opens_only_for_a_ticked_red_flag(server, page):
    call_id = open_new_call(page, server, seed_provider(server))
    note = page.get_by_label("What was said").first
    expect(page.locator("#flag_note-fixed_mg_steps")).to_be_hidden()
    expect(page.locator("#red-flags textarea:visible")).to_have_count(0)
    page.get_by_label("1. Fixed mg steps at fixed intervals").check()
    expect(note).to_be_visible()
    note.fill("0.25 mg every two weeks")
    page.get_by_label("1. Fixed mg steps at fixed intervals").uncheck()
    expect(note).to_be_visible()                   # it holds words: it stays open
    wait_saved(page)
    assert stored_call(server, call_id)["red_flags"]["fixed_mg_steps"]["note"] == \
        "0.25 mg every two weeks"


def test_each_practical_group_counts_its_answers_and_notes_open_on_demand(server, page):
    call_id = open_new_call(page, server, seed_provider(server))
    group = page.locator(".practical-group").first
    summary = group.locator(":scope > summary")
    expect(summary).to_contain_text("Can they take you on? 0 of 6 answered")
    summary.click()
    page.locator("#p-cost").get_by_label("Self-pay only").check()
    page.get_by_label("How long is the wait for a first appointment?").fill("six weeks")
    expect(summary).to_contain_text("2 of 6 answered")
    expect(page.locator("#practical_note-cost")).to_be_hidden()
    page.locator("#p-cost").get_by_text("Add a note").click()
    page.locator("#practical_note-cost").fill("$250 a visit")
    page.locator("#practical_note-cost").blur()
    wait_saved(page)
    practical = stored_call(server, call_id)["practical"]
    assert practical["cost"] == {"option": "self_pay", "note": "$250 a visit",
                                 "at": practical["cost"]["at"]}
    assert practical["wait"]["text"] == "six weeks"


def test_without_javascript_every_folded_part_opens_and_saves_with_the_form(server, browser):
    context, page = new_page(browser, LAPTOP, java_script_enabled=False)
    try:
        call_id = open_new_call(page, server, seed_provider(server))
        page.get_by_text("How they would run the taper").click()
        page.locator("#p-patient_pace").get_by_label("I set the pace; it can change").check()
        page.locator("#p-patient_pace").get_by_text("Add a note").click()
        page.locator("#practical_note-patient_pace").fill("Written in their letter")
        page.get_by_label("4. Pushes through flares").check()
        page.locator("#flag_note-pushes_through_flares").fill("Called it anxiety")
        page.get_by_text("Who answered, and when").click()
        page.get_by_label("Nurse or assistant").check()
        page.get_by_role("link", name="End the call").click()  # a plain link down the page
        assert page.url.endswith("#end-call")
        page.get_by_role("button", name="Save answers").click()
        expect(page.locator(".flashes")).to_contain_text("All answers saved.")
        call = stored_call(server, call_id)
        assert call["practical"]["patient_pace"]["option"] == "patient"
        assert call["practical"]["patient_pace"]["note"] == "Written in their letter"
        assert call["red_flags"]["pushes_through_flares"]["note"] == "Called it anxiety"
        assert call["spoke_with"] == "nurse"
    finally:
        context.close()
