"""Verdicts the clinic article implies, entered through the call screen in a real browser and
read back on the provider page, by labels, roles and visible text only."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from browser_support import artifact, open_new_call, seed_provider, wait_saved


def question(page, asks: str):
    return page.get_by_role("region", name=re.compile(asks))


def answer(page, asks: str, option: str, note: str = "") -> None:
    section = question(page, asks)
    section.get_by_label(option).check()
    if note:
        section.get_by_label("What they said (notes)").fill(note)


def end_call(page) -> None:
    wait_saved(page)
    page.get_by_label("Answered my questions").check()
    page.get_by_role("button", name="Save and end the call").click()
    page.wait_for_url(re.compile(r"/providers/\d+$"))


def test_fixed_mg_steps_with_three_good_answers_is_not_a_match(server, page):
    provider_id = seed_provider(server, name="Dr Fixed Steps")
    open_new_call(page, server, provider_id)
    answer(page, "size of each reduction", "A fixed mg step at regular intervals",
           note="0.25 mg every two weeks")
    answer(page, "liquid or compounded", "Yes, and they work with a pharmacy that makes them")
    answer(page, "react badly", "Hold the dose, maybe go back up a little, never push through")
    answer(page, "Horowitz and Taylor", "Knows the work")
    expect(page.locator("#live-verdict")).to_contain_text("Not a match — red flag")
    end_call(page)

    panel = page.get_by_role("region", name=re.compile("Verdict"))
    expect(panel.get_by_role("heading", level=2)).to_contain_text("Not a match — red flag")
    expect(panel).to_contain_text(
        "Not a match: they cut a fixed mg step at regular intervals (“0.25 mg every two weeks”) "
        "(red flag 1: fixed mg steps at fixed intervals).")
    expect(panel.get_by_role("heading", name="Red flags from the article")).to_be_visible()
    expect(panel).to_contain_text("Red flag 1: Fixed mg steps at fixed intervals")
    expect(panel).to_contain_text("is a linear taper")  # the article's words
    page.screenshot(path=artifact("verdict-red-flag.png"), full_page=True)


def test_one_question_asked_reads_as_incomplete_not_as_a_perfect_score(server, page):
    provider_id = seed_provider(server, name="Dr One Answer")
    open_new_call(page, server, provider_id)
    answer(page, "liquid or compounded", "Yes, and they work with a pharmacy that makes them")
    expect(page.locator("#live-verdict")).to_contain_text("1 of 4 core questions asked")
    expect(page.locator("#live-verdict")).not_to_contain_text("100 %")
    end_call(page)

    panel = page.get_by_role("region", name=re.compile("Verdict"))
    expect(panel).to_contain_text("Incomplete")
    expect(panel).to_contain_text("1 of 4 core questions asked so far")
    expect(panel).not_to_contain_text("%")
    callback = page.get_by_role("heading", name="Still to ask")
    expect(callback).to_be_visible()
    expect(page.get_by_text("How do you work out the size of each reduction")).to_be_visible()


def test_not_knowing_the_literature_is_strong_and_points_to_the_clinician_brief(server, page):
    provider_id = seed_provider(server, name="Dr Needs Orientation")
    open_new_call(page, server, provider_id)
    answer(page, "size of each reduction",
           "A percentage of the current dose, and says the steps get smaller")
    answer(page, "liquid or compounded", "Yes, and they work with a pharmacy that makes them")
    answer(page, "react badly", "Hold the dose, maybe go back up a little, never push through")
    answer(page, "Horowitz and Taylor",
           "Does not know it (needs orientation, not a red flag by itself)")
    end_call(page)

    panel = page.get_by_role("region", name=re.compile("Verdict"))
    expect(panel.get_by_role("heading", level=2)).to_contain_text("Strong match")
    expect(panel).to_contain_text("they will need orientation")
    panel.get_by_role("link", name="Print the clinician brief").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("hyperbolic")
