"""What assistive technology is told, checked in the HTML: the colour switch says which
theme is on, the header has one Main navigation per width, status messages are live
regions, and a field with an error says so and points to its message."""

from __future__ import annotations

import re

import pytest

from support import add_provider, start_call


@pytest.mark.parametrize("chosen", ["light", "dark", "auto"])
def test_the_colour_switch_says_which_theme_is_on_and_the_page_follows_it(client, chosen):
    client.set_cookie("finder_theme", chosen)
    page = client.get("/").get_data(as_text=True)
    assert f'<html lang="en" data-theme="{chosen}">' in page
    pressed = re.findall(r'name="theme" value="(\w+)"[^>]*aria-pressed="true"', page)
    assert pressed == [chosen]
    assert len(re.findall(r'name="theme" value="\w+"', page)) == 3


def test_a_new_visitor_follows_the_system_and_a_choice_is_remembered(client):
    assert 'data-theme="auto"' in client.get("/").get_data(as_text=True)
    response = client.post("/preferences/theme", data={"theme": "dark", "next": "/words"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/words")
    cookie = response.headers["Set-Cookie"]
    assert "finder_theme=dark" in cookie and "Max-Age=" in cookie
    assert 'data-theme="dark"' in client.get("/words").get_data(as_text=True)


def test_the_header_has_the_links_in_a_row_and_behind_a_menu_without_javascript(client):
    page = client.get("/where-to-look").get_data(as_text=True)
    header = page[page.index('<header class="site-header">'):page.index("</header>")]
    assert header.count('<nav') == 2 and header.count('aria-label="Main"') == 2
    menu = header[header.index('<details class="site-menu">'):]
    assert re.search(r"<summary>Menu<span class=\"site-menu__here\">.*Where to look</span>"
                     r"</summary>", menu)
    assert header.count('aria-current="page">Where to look</a>') == 2
    assert "<script" not in header


def test_the_menu_marks_the_page_shown_each_time_though_it_is_drawn_once(client):
    for url, label in [("/where-to-look", "Where to look"), ("/words", "Words explained"),
                       ("/where-to-look", "Where to look")]:
        page = client.get(url).get_data(as_text=True)
        header = page[page.index('<header class="site-header">'):page.index("</header>")]
        assert header.count('aria-current="page"') == 2
        assert header.count(f'aria-current="page">{label}</a>') == 2


def test_the_call_screen_announces_saving_politely_and_failures_at_once(client):
    call_id = start_call(client, add_provider(client))
    page = client.get(f"/calls/{call_id}").get_data(as_text=True)
    assert re.search(r'<p class="save-status__text" id="save-status-text" role="status" '
                     r'aria-live="polite">', page)
    assert '<div class="save-warning" id="save-warning" role="alert" hidden></div>' in page
    assert re.search(r'id="live-verdict" aria-live="polite" aria-atomic="true">Verdict so far: '
                     r'<strong id="live-verdict-label">Incomplete</strong>, '
                     r'<span id="live-verdict-score">0 of 4 core questions asked</span>', page)


def test_a_field_with_an_error_is_marked_and_points_to_its_message(client):
    response = client.post("/providers/new", data={"name": "", "website": "not a site"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(r'<div class="error-summary" role="alert" tabindex="-1" id="error-summary" '
                     r'autofocus>', page)
    name_input = re.search(r'<input[^>]*id="name"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in name_input
    described = re.search(r'aria-describedby="([^"]+)"', name_input).group(1).split()
    for message_id in described:
        assert f'id="{message_id}"' in page
    assert "name-errors" in described


def test_the_printed_pages_have_a_labelled_bar_and_no_site_navigation(client):
    page = client.get("/print/clinician-brief").get_data(as_text=True)
    assert '<header class="print-bar no-print">' in page
    assert 'aria-label="Main"' not in page
