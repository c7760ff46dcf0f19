"""Nothing typed is lost on the way out of a form (finder/static/unsaved_changes.js): the
medication timeline and the provider form ask before a menu link (or the back button, or
closing the tab) throws typing away, and saving them never asks. The timeline's "Save and see
it as printed" saves first, and a date a date picker would have dropped comes back with a
message, as typed."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from browser_support import artifact, seed_provider


class Dialogs:
    """Every dialog the page opens, answered as `answer` says ("dismiss" stays on the page)."""

    def __init__(self, page, answer: str = "dismiss"):
        self.kinds: list[str] = []
        self.answer = answer
        page.on("dialog", self._answer)

    def _answer(self, dialog) -> None:
        self.kinds.append(dialog.type)
        getattr(dialog, self.answer)()


def type_into(page, label: str, text: str) -> None:
    """Type as a person would: a click, then keys (Chromium asks before leaving only a page
    the person has used)."""
    page.get_by_label(label, exact=True).click()
    page.keyboard.type(text)


def menu_link(page, name: str):
    return page.locator(".site-nav").get_by_role("link", name=name, exact=True)


FORMS = [  # (address, a box, what to type, the button that saves)
    ("/timeline", "Your name (printed at the top)", "Sam Rivera", "Save"),
    ("/providers/new", "Name", "Dr Ann Lee", "Add provider"),
]


@pytest.mark.parametrize("address, box, typed, _", FORMS)
def test_a_menu_link_asks_before_throwing_typing_away(server, page, address, box, typed, _):
    page.goto(server.url + address)
    dialogs = Dialogs(page, "dismiss")
    type_into(page, box, typed)
    menu_link(page, "Shortlist").click()
    expect(page.get_by_label(box, exact=True)).to_have_value(typed)
    assert dialogs.kinds == ["beforeunload"]
    assert page.url == server.url + address  # staying was chosen: the typing is still there
    dialogs.answer = "accept"
    menu_link(page, "Shortlist").click()
    page.wait_for_url(server.url + "/")
    assert dialogs.kinds == ["beforeunload", "beforeunload"]


@pytest.mark.parametrize("address, box, typed, save", FORMS)
def test_saving_the_form_does_not_ask(server, page, address, box, typed, save):
    page.goto(server.url + address)
    dialogs = Dialogs(page)
    type_into(page, box, typed)
    page.get_by_role("button", name=save, exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Saved" if save == "Save" else "Added")
    assert dialogs.kinds == []
    menu_link(page, "Shortlist").click()  # what was typed is saved: nothing to ask about
    page.wait_for_url(server.url + "/")
    assert dialogs.kinds == []


def test_an_untouched_form_or_typing_taken_back_does_not_ask(server, page):
    provider_id = seed_provider(server, name="Dr Bo Ray")
    page.goto(f"{server.url}/providers/{provider_id}/edit")
    dialogs = Dialogs(page)
    type_into(page, "City or town", "Akron")
    page.get_by_label("City or town", exact=True).fill("")
    menu_link(page, "Shortlist").click()
    page.wait_for_url(server.url + "/")
    assert dialogs.kinds == []


def test_see_it_as_printed_saves_the_typing_first_and_does_not_ask(server, page):
    page.goto(server.url + "/timeline")
    dialogs = Dialogs(page)
    type_into(page, "Your name (printed at the top)", "Sam Rivera")
    type_into(page, "Medicine 1, medicine", "Clonazepam")
    type_into(page, "Medicine 1, started", "2016-04-01")
    page.get_by_role("button", name="Save and see it as printed").first.click()
    page.wait_for_url(server.url + "/print/timeline")
    main = page.locator("main")
    expect(main).to_contain_text("Medication timeline: Sam Rivera")
    expect(main).to_contain_text("Clonazepam")
    expect(main).not_to_contain_text("Nothing is filled in yet")
    page.get_by_role("link", name="Back").click()
    expect(page.get_by_label("Medicine 1, started")).to_have_value("2016-04-01")
    expect(page.get_by_label("Your name (printed at the top)")).to_have_value("Sam Rivera")
    assert dialogs.kinds == []


def test_enter_in_a_box_saves_and_stays_on_the_form(server, page):
    page.goto(server.url + "/timeline")
    type_into(page, "Your name (printed at the top)", "Sam Rivera")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text("Saved. You can print it now.")
    assert page.url == server.url + "/timeline"


@pytest.mark.parametrize("box", ["Medicine 1, started", "Medicine 1, stopped",
                                 "Taper step 1, date"])
def test_a_year_out_of_range_is_shown_back_with_a_message(server, page, box):
    page.goto(server.url + "/timeline")
    type_into(page, "Medicine 1, medicine", "Clonazepam")
    type_into(page, "Taper step 1, dose", "2")
    type_into(page, box, "275760-12-24")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text(f"{box}: Enter a date between 1930 and")
    field = page.get_by_label(box, exact=True)
    expect(field).to_have_value("275760-12-24")
    expect(field).to_have_accessible_description(re.compile(r"Enter a date between 1930 and"))
    expect(page.get_by_label("Medicine 1, medicine")).to_have_value("Clonazepam")
    expect(page.get_by_label("Taper step 1, dose")).to_have_value("2")
    expect(page.get_by_role("status")).to_have_count(0)  # no "Saved."
    if box == "Medicine 1, started":
        page.screenshot(path=artifact("timeline-form-year-out-of-range.png"), full_page=True)
    # What is on the page was never saved: leaving asks, even with nothing more typed.
    dialogs = Dialogs(page)
    page.mouse.click(5, 5)
    menu_link(page, "Shortlist").click()
    expect(page.get_by_label(box, exact=True)).to_have_value("275760-12-24")
    assert dialogs.kinds == ["beforeunload"]


def test_without_javascript_see_it_as_printed_still_saves_first(server, browser):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(server.url + "/timeline")
        page.get_by_label("Medicine 1, medicine").fill("Clonazepam")
        page.get_by_role("button", name="Save and see it as printed").last.click()
        page.wait_for_url(server.url + "/print/timeline")
        expect(page.locator("main")).to_contain_text("Clonazepam")
    finally:
        context.close()
