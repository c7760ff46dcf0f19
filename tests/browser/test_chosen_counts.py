"""A folded list of states says how many are ticked, and keeps saying it as boxes are
ticked and unticked (finder/static/chosen_count.js), on the call screen and on the provider
form."""

from __future__ import annotations

from playwright.sync_api import expect

from browser_support import open_new_call, seed_provider, wait_saved


def test_the_call_screens_states_list_counts_the_boxes_as_they_are_ticked(server, page):
    open_new_call(page, server, seed_provider(server))
    page.get_by_text("Can they take you on?").click()
    summary = page.locator("#p-telemedicine_states summary").first
    expect(summary).to_contain_text("(0 chosen)")
    summary.click()
    page.get_by_label("Oregon", exact=True).check()
    page.get_by_label("Vermont", exact=True).check()
    expect(summary).to_contain_text("(2 chosen)")
    page.get_by_label("Oregon", exact=True).uncheck()
    expect(summary).to_contain_text("(1 chosen)")
    wait_saved(page)
    page.reload()
    expect(page.locator("#p-telemedicine_states summary").first).to_contain_text("(1 chosen)")


def test_the_provider_forms_states_list_counts_the_boxes_as_they_are_ticked(server, page):
    page.goto(f"{server.url}/providers/new")
    summary = page.get_by_text("States they can see you in by video")
    expect(summary).to_contain_text("(0 chosen)")
    summary.click()
    page.get_by_label("Ohio", exact=True).check()
    expect(summary).to_contain_text("(1 chosen)")
