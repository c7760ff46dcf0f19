"""Small layout faults seen on a walk through finder, each measured in the browser: list
bullets hanging outside the trash page's cards, and the provider page's "Status history"
jammed against the last row of its details."""

from __future__ import annotations

from browser_support import REPO, seed_provider
from finder.content import load_content
from finder.directory import Directory


def test_the_trash_page_cards_have_no_bullets_hanging_outside_them(server, page):
    directory = Directory(server.store(), load_content(REPO / "data").checklist)
    for name in ("Dr Ann Lee", "Dr Bo Ray"):
        directory.trash_provider(seed_provider(server, name=name))
    page.goto(f"{server.url}/providers/trash")
    cards = page.locator("main li.card")
    assert cards.count() == 2
    for index in range(2):
        card = cards.nth(index)
        assert card.evaluate("li => getComputedStyle(li).listStyleType") == "none"
        # The card starts where the text above it starts: not pushed in by a list indent.
        text_left = page.locator("main h1").bounding_box()["x"]
        assert abs(card.bounding_box()["x"] - text_left) < 1


def test_status_history_keeps_its_distance_from_the_details_above(server, page):
    provider_id = seed_provider(server, name="Dr Ann Lee", payment="self_pay")
    page.goto(f"{server.url}/providers/{provider_id}")
    last_row = page.locator(".details-list dd").last.bounding_box()
    heading = page.get_by_role("heading", name="Status history").bounding_box()
    assert heading["y"] - (last_row["y"] + last_row["height"]) >= 16
