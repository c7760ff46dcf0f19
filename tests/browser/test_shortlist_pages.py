"""The shortlist in pages, in a real browser, by labels, roles and visible text: the paging
controls, the counts over every page, the page in the address (so a view can be
bookmarked), the page size, filters applied as they change, and the phone layout."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from browser_support import REPO, artifact
from finder.content import load_content
from finder.directory import Directory

COUNT = 130


def seed_many(server, count: int = COUNT) -> None:
    """Providers Dr 001 to Dr 130, the even ones in Oregon, from another process."""
    directory = Directory(server.store(), load_content(REPO / "data").checklist)
    directory.add_providers([{"name": f"Dr {n:03d}", "status": "to_call",
                              "state": "OR" if n % 2 == 0 else "WA"}
                             for n in range(1, count + 1)])


def result_rows(page):
    return page.get_by_role("region", name="Results table").get_by_role("row")


def test_pages_of_the_shortlist_with_counts_over_all_of_them(server, page):
    seed_many(server)
    page.goto(f"{server.url}/?sort=name")
    expect(page.get_by_role("heading", name=f"{COUNT} of {COUNT} providers")).to_be_visible()
    expect(page.get_by_text("Showing 1–100, page 1 of 2.")).to_be_visible()
    expect(result_rows(page)).to_have_count(100 + 1)  # and the header row
    # The filter counts are over every provider, not the hundred on this page.
    expect(page.get_by_text("Oregon (65)")).to_have_count(1)
    expect(page.get_by_text("To call (130)")).to_have_count(1)

    pages = page.get_by_role("navigation", name="Pages")
    expect(pages.get_by_role("link", name="Previous page")).to_have_count(0)
    pages.get_by_role("link", name="Next page").click()
    page.wait_for_url(re.compile(r"[?&]page=2"))
    expect(page.get_by_text("Showing 101–130, page 2 of 2.")).to_be_visible()
    expect(result_rows(page)).to_have_count(30 + 1)
    expect(result_rows(page).nth(1)).to_contain_text("Dr 101")
    expect(page.get_by_text("Oregon (65)")).to_have_count(1)

    # The address is the view: opened again, as a bookmark would, it shows the same page.
    bookmark = page.url
    again = page.context.new_page()
    again.goto(bookmark)
    expect(again.get_by_text("Showing 101–130, page 2 of 2.")).to_be_visible()
    expect(result_rows(again).nth(1)).to_contain_text("Dr 101")
    again.get_by_role("navigation", name="Pages").get_by_role("link", name="First page").click()
    expect(result_rows(again).nth(1)).to_contain_text("Dr 001")


def test_the_page_size_and_the_filters_apply_as_they_change(server, page):
    seed_many(server)
    page.goto(f"{server.url}/?sort=name&page=2")
    # 25 a page: the page that holds row 101, the first shown, comes up.
    page.get_by_label("Rows per page").select_option("25")
    page.wait_for_url(re.compile(r"per_page=25"))
    expect(page.get_by_text("Showing 101–125, page 5 of 6.")).to_be_visible()
    expect(page.get_by_label("Rows per page")).to_have_value("25")

    page.locator("summary", has_text="State (in person or by video)").click()
    page.get_by_label("Oregon (65)").check()
    page.wait_for_url(re.compile(r"state=OR"))
    expect(page.get_by_role("heading", name=f"65 of {COUNT} providers")).to_be_visible()
    expect(page.get_by_text("Showing 1–25, page 1 of 3.")).to_be_visible()
    # The box just ticked has the focus again, so the keyboard stays where it was.
    expect(page.get_by_label("Oregon (65)")).to_be_focused()
    # The printed list and the CSV still cover all 65.
    expect(page.get_by_role("link", name="Download these 65 as CSV")).to_be_visible()
    page.get_by_role("link", name="Print this list").click()
    expect(page.get_by_text(f"65 of {COUNT} providers.")).to_be_visible()


def test_on_a_phone_each_provider_is_a_card_and_the_filters_fold(server, browser):
    seed_many(server, 12)
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport={"width": 375, "height": 812},
                                      color_scheme=scheme)
        page = context.new_page()
        page.goto(f"{server.url}/?state=OR")
        control = page.get_by_text("Filter and sort (1 on)")
        expect(control).to_be_visible()
        expect(page.get_by_label("Search names, practices, notes")).to_be_hidden()
        first = result_rows(page).nth(1)
        expect(first.get_by_role("link", name="Dr 002")).to_be_visible()
        for label in ("Verdict", "Red flags", "Status"):  # each labelled on the card
            expect(first.get_by_role("cell", name=re.compile(f"^{label}: "))).to_be_visible()
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 375
        page.screenshot(path=artifact(f"shortlist-phone-{scheme}.png"), full_page=True)
        control.click()
        expect(page.get_by_label("Search names, practices, notes")).to_be_visible()
        context.close()


def test_on_a_laptop_the_filters_stand_beside_the_table_without_sideways_scrolling(server,
                                                                                  page):
    seed_many(server, 12)
    page.goto(f"{server.url}/")
    expect(page.get_by_label("Search names, practices, notes")).to_be_visible()
    expect(page.get_by_text("Filter and sort (", exact=False)).to_have_count(0)
    region = page.get_by_role("region", name="Results table")
    assert region.evaluate("box => box.scrollWidth <= box.clientWidth")
    name_cell = result_rows(page).nth(1).get_by_role("cell").nth(1)
    link_box = name_cell.get_by_role("link").bounding_box()
    assert link_box["height"] < 40  # the name on one line
    page.screenshot(path=artifact("shortlist-laptop.png"), full_page=True)
