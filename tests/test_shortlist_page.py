"""The shortlist page: result count, the sentence, remove links, empty results, the call-back
list, bookmarkable views, picking providers to compare, and the compare page."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlsplit

import pytest

from support import REPO, add_provider, save_field, start_call

TODAY = dt.date.today()


class _Today(dt.date):
    """The shortlist's "today" held at TODAY, so that a run crossing midnight does not move
    the due dates this file sets up relative to it."""

    @classmethod
    def today(cls):
        return cls(TODAY.year, TODAY.month, TODAY.day)


@pytest.fixture(autouse=True)
def _same_day_all_run(monkeypatch):
    import finder.shortlist
    monkeypatch.setattr(finder.shortlist, "dt", SimpleNamespace(date=_Today))


def day(offset: int) -> str:
    return (TODAY + dt.timedelta(days=offset)).isoformat()


def text_of(page: str) -> str:
    """The page's words, as a reader would see them (tags dropped, spaces collapsed)."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", page)).split())


def result_names(page: str) -> list[str]:
    """Provider names in the results table, in order."""
    table = page.split('class="shortlist-table"', 1)[-1] if "shortlist-table" in page else ""
    return re.findall(r'<a href="/providers/\d+">([^<]+)</a>', table)


def interview(client, provider_id, answers, flags=()):
    call_id = start_call(client, provider_id)
    for question, option in answers.items():
        save_field(client, call_id, f"answer-{question}", option, rev=0)
    for flag in flags:
        save_field(client, call_id, f"flag-{flag}", True, rev=0)
    return call_id


GOOD = {"step_size": "percent_of_current", "liquid_formulation": "yes_with_pharmacy",
        "bad_reaction": "hold_or_updose", "knows_literature": "knows"}


@pytest.fixture
def shortlist(client):
    """Four providers with different states, statuses, tags and standings."""
    ids = {
        "lee": add_provider(client, name="Dr Ann Lee", phone="555-123-4567", state="CA",
                            telemedicine="yes", telemedicine_states=["CA", "OR"],
                            referral_source="benzobuddies", tags="near, ask sister",
                            status="called", follow_up_on=day(-2),
                            practice="Lee Family Medicine"),
        "ruiz": add_provider(client, name="Dr Marco Ruiz", state="OR", status="waiting",
                             follow_up_on=day(0), specialty="psychiatry"),
        "park": add_provider(client, name="Dr Kim Park", state="WA", tags="far away",
                             follow_up_on=day(10), notes="My sister saw her."),
        "adams": add_provider(client, name="Dr Zoe Adams", state="CA", status="ruled_out",
                              follow_up_on=day(-5), specialty="psychiatry"),
    }
    interview(client, ids["lee"], GOOD)
    # A serious concern (not one of the article's red flags) keeps Ruiz Promising.
    interview(client, ids["ruiz"], {**GOOD, "liquid_formulation": "yes_no_pharmacy"},
              flags=["adds_sleep_drugs"])
    interview(client, ids["adams"], {"step_size": "fixed_mg", "liquid_formulation": "refuses",
                                     "bad_reaction": "keep_reducing"})
    return ids


def test_the_result_count_and_sentence_are_always_shown(client, shortlist):
    page = client.get("/").get_data(as_text=True)
    assert "4 of 4 providers" in page
    assert "All providers, best match first." in page
    page = client.get("/?state=CA&red_flags=none").get_data(as_text=True)
    assert "1 of 4 providers" in page
    assert "Providers with no red flags, in or covering California; best match first." in page
    assert result_names(page) == ["Dr Ann Lee"]


def test_each_filter_value_shows_its_count(client, shortlist):
    page = client.get("/?specialty=psychiatry").get_data(as_text=True)
    # Status counts are given the specialty: Ruiz is waiting, Adams is ruled out.
    assert re.search(r'value="waiting"[^>]*>\s*<span>Waiting for call back '
                     r'<span class="count">\(1\)</span>', page)
    assert re.search(r'value="called"[^>]*>\s*<span>Called <span class="count">\(0\)</span>',
                     page)


def test_filters_combine_and_the_url_is_the_view(client, shortlist):
    url = "/?status=called&status=waiting&state=OR&sort=name"
    page = client.get(url).get_data(as_text=True)
    assert result_names(page) == ["Dr Ann Lee", "Dr Marco Ruiz"]
    # The same address gives the same view again: it can be bookmarked.
    assert result_names(client.get(url).get_data(as_text=True)) == result_names(page)
    # The form on the page shows the view's own choices, so pressing Show keeps it.
    assert re.search(r'name="status" value="called" checked', page)
    assert re.search(r'name="status" value="waiting" checked', page)
    assert '<option value="name" selected>' in page


def test_tags_and_search_filter(client, shortlist):
    page = client.get("/?tag=ask+sister").get_data(as_text=True)
    assert result_names(page) == ["Dr Ann Lee"]
    assert "tagged ask sister" in page
    page = client.get("/?q=sister").get_data(as_text=True)
    assert sorted(result_names(page)) == ["Dr Ann Lee", "Dr Kim Park"]


def test_each_active_filter_has_a_remove_link_that_keeps_the_others(client, shortlist):
    page = client.get("/?status=called&state=CA&q=lee&sort=name").get_data(as_text=True)
    links = dict((unescape(label), unescape(href)) for href, label in re.findall(
        r'<li><a href="([^"]+)">Remove ([^<]+)</a></li>', page))
    assert set(links) == {"Status: Called", "State (in person or by video): California",
                          "Search: lee"}
    without_status = dict(parse_qsl(urlsplit(links["Status: Called"]).query))
    assert without_status == {"state": "CA", "q": "lee", "sort": "name"}
    without_search = dict(parse_qsl(urlsplit(links["Search: lee"]).query))
    assert without_search == {"status": "called", "state": "CA", "sort": "name"}


def test_an_empty_result_names_the_filter_that_emptied_it(client, shortlist):
    response = client.get("/?specialty=psychiatry&red_flags=none")
    page = text_of(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "0 of 4 providers" in page
    assert "No provider matches all of these." in page
    assert "with no red flags (without it: 2 providers)" in page


def test_an_empty_search_says_so(client, shortlist):
    page = text_of(client.get("/?q=nobody").get_data(as_text=True))
    assert "No provider matches all of these." in page
    assert "the search “nobody” (without it: 4 providers)" in page


def test_when_several_filters_empty_it_the_page_says_what_to_do(client, shortlist):
    page = text_of(client.get("/?status=booked&specialty=neurology").get_data(as_text=True))
    assert "Taking away any one filter alone still shows none." in page
    assert "show all providers" in page


def test_an_empty_shortlist_invites_the_first_provider(client):
    page = text_of(client.get("/").get_data(as_text=True))
    assert "0 of 0 providers" in page and "No providers yet." in page


def test_unknown_filters_in_the_address_are_ignored(client, shortlist):
    response = client.get("/?status=bribed&colour=blue&sort=cheapest&score=lots")
    assert response.status_code == 200
    assert "4 of 4 providers" in response.get_data(as_text=True)


def test_the_call_back_list_shows_due_providers_first_oldest_first(client, shortlist):
    page = client.get("/?sort=name").get_data(as_text=True)
    section = page.split('id="due-heading"', 1)[1].split("</section>", 1)[0]
    due = re.findall(r'<a href="/providers/\d+">([^<]+)</a>', section)
    # Ruled-out Adams is not listed; Park's date is later; Lee is overdue, Ruiz is today.
    assert due == ["Dr Ann Lee", "Dr Marco Ruiz"]
    assert "overdue since" in section and "today," in section
    assert 'href="tel:555-123-4567"' in section
    assert page.index('id="due-heading"') < page.index('id="results-heading"')


def test_the_call_back_list_is_left_out_when_nothing_is_due(client):
    add_provider(client, name="Dr Later", follow_up_on=day(3))
    assert 'id="due-heading"' not in client.get("/").get_data(as_text=True)


def test_sorting_by_score_puts_the_best_match_first(client, shortlist):
    page = client.get("/").get_data(as_text=True)
    # Strong, then Promising, then Not a match, and Incomplete (no score to show) last.
    assert result_names(page) == ["Dr Ann Lee", "Dr Marco Ruiz", "Dr Zoe Adams", "Dr Kim Park"]


def test_the_page_links_to_the_csv_of_the_same_view(client, shortlist):
    page = client.get("/?state=CA&sort=name").get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)" download>Download these 2 as CSV</a>', page)
    assert link
    href = unescape(link.group(1))
    assert href.startswith("/import-export/shortlist.csv?")
    assert dict(parse_qsl(urlsplit(href).query)) == {"state": "CA", "sort": "name"}


def test_a_view_of_one_provider_offers_this_one_as_csv(client, shortlist):
    page = client.get("/?q=zoe").get_data(as_text=True)
    assert "Download this one as CSV</a>" in page
    assert "Download these 1 as CSV" not in page


def test_a_trashed_provider_leaves_the_shortlist_and_the_trash_is_linked(client, shortlist):
    client.post(f"/providers/{shortlist['park']}/delete")
    page = client.get("/").get_data(as_text=True)
    assert "3 of 3 providers" in page and "Dr Kim Park" not in result_names(page)
    assert '<a href="/providers/trash">Trash (1)</a>' in page


# -- picking providers to compare ----------------------------------------------------------


def test_each_row_has_a_labelled_compare_box_in_a_get_form(client, shortlist):
    page = client.get("/?state=CA").get_data(as_text=True)
    form = page.split('id="compare-form"', 1)[1].split("</form>", 1)[0]
    assert re.search(r'<form method="get" action="/compare" id="compare-form">', page)
    assert f'name="id" value="{shortlist["lee"]}"' in form
    assert 'aria-label="Compare Dr Ann Lee"' in form
    assert '<input type="hidden" name="back" value="state=CA">' in form
    assert "Compare ticked" in form


def test_ticks_come_back_from_the_address(client, shortlist):
    page = client.get(f"/?id={shortlist['lee']}").get_data(as_text=True)
    assert re.search(rf'name="id" value="{shortlist["lee"]}" id="pick-\d+" '
                     r'aria-label="Compare Dr Ann Lee" checked', page)


def compare_url(*ids, back=None):
    query = "&".join(f"id={i}" for i in ids)
    return f"/compare?{query}" + (f"&back={back}" if back else "")


def test_compare_shows_two_to_four_side_by_side(client, shortlist):
    response = client.get(compare_url(shortlist["lee"], shortlist["ruiz"], shortlist["adams"]))
    page = response.get_data(as_text=True)
    words = text_of(page)
    assert response.status_code == 200
    assert "Compare 3 providers" in words
    header = page.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert [n for n in re.findall(r'<a href="/providers/\d+">([^<]+)</a>', header)] == [
        "Dr Ann Lee", "Dr Marco Ruiz", "Dr Zoe Adams"]
    for expected in ("Strong match", "Promising", "Not a match — red flag", "100 %",
                     "11 of 11 points", "Routinely adds a Z-drug or an antipsychotic",
                     "Fixed mg steps at fixed intervals",
                     "Step size as the dose falls", "3 of 3 points", "0 of 3 points",
                     "Yes in principle, but no pharmacy arranged", "Not asked yet",
                     "Liquids for the final phase", "Practical answers",
                     "Wait for a first appointment", "Ruled out", "None heard"):
        assert expected in words, expected
    assert 'href="tel:555-123-4567"' in page
    assert 'class="badge signal--good"' in page and 'class="badge signal--bad"' in page


def test_compare_shows_practical_answers(client, shortlist):
    call_id = start_call(client, shortlist["park"])
    save_field(client, call_id, "practical-wait", "about 3 weeks", rev=0)
    save_field(client, call_id, "practical-cost", "self_pay", rev=0)
    words = text_of(client.get(compare_url(shortlist["park"], shortlist["lee"]))
                    .get_data(as_text=True))
    assert "about 3 weeks" in words and "Self-pay only" in words


def test_compare_table_scrolls_by_keyboard_with_the_question_column_fixed(client, shortlist):
    page = client.get(compare_url(shortlist["lee"], shortlist["ruiz"])).get_data(as_text=True)
    assert re.search(r'<div class="table-wrap compare-wrap" role="region" '
                     r'aria-labelledby="compare-caption" tabindex="0">', page)
    assert '<th scope="row">Step size as the dose falls</th>' in page
    css = (REPO / "finder" / "static" / "finder.css").read_text()
    assert re.search(r'\.compare-table th\[scope="row"\][^{]*\{[^}]*position: sticky', css)


def test_compare_keeps_the_shortlist_view_to_go_back_to(client, shortlist):
    page = client.get(compare_url(shortlist["lee"], shortlist["ruiz"],
                                  back="state%3DCA%26sort%3Dname")).get_data(as_text=True)
    back = unescape(re.search(r'<a href="([^"]+)">← Back to the shortlist</a>', page).group(1))
    assert urlsplit(back).path == "/"
    assert parse_qsl(urlsplit(back).query) == [
        ("state", "CA"), ("sort", "name"), ("id", str(shortlist["lee"])),
        ("id", str(shortlist["ruiz"]))]


def test_compare_offers_to_take_one_out_when_there_are_more_than_two(client, shortlist):
    page = client.get(compare_url(shortlist["lee"], shortlist["ruiz"], shortlist["park"])
                      ).get_data(as_text=True)
    links = [unescape(h) for h in re.findall(
        r'<a class="small no-print compare-table__out" href="([^"]+)">Take out of this '
        r'comparison</a>', page)]
    assert len(links) == 3
    assert parse_qsl(urlsplit(links[0]).query) == [("id", str(shortlist["ruiz"])),
                                                   ("id", str(shortlist["park"]))]
    two = client.get(compare_url(shortlist["lee"], shortlist["ruiz"])).get_data(as_text=True)
    assert "Take out of this comparison" not in two


@pytest.mark.parametrize("count, status, title", [
    (0, 400, "Choose at least two providers"),
    (1, 400, "Choose at least two providers"),
    (5, 400, "Choose at most four providers"),
])
def test_compare_asks_calmly_for_two_to_four(client, count, status, title):
    ids = [add_provider(client, name=f"Dr Number {n}") for n in range(count)]
    response = client.get(compare_url(*ids) if ids else "/compare")
    page = response.get_data(as_text=True)
    assert response.status_code == status
    assert f"<h1>{title}</h1>" in page
    assert f"You ticked {count}." in text_of(page) or f"You ticked {count}:" in text_of(page)
    back = unescape(re.search(r'<a class="button button--primary" href="([^"]+)">Back to the '
                              r'shortlist</a>', page).group(1))
    assert [v for k, v in parse_qsl(urlsplit(back).query) if k == "id"] == [str(i) for i in ids]


def test_compare_of_a_provider_that_is_not_there_is_a_calm_404(client, shortlist):
    for bad in ("999", "abc", "-1", "１"):
        response = client.get(compare_url(shortlist["lee"], bad))
        assert response.status_code == 404, bad
        assert "A provider you chose is not here" in response.get_data(as_text=True)
    client.post(f"/providers/{shortlist['ruiz']}/delete")
    response = client.get(compare_url(shortlist["lee"], shortlist["ruiz"]))
    assert response.status_code == 404
    assert "moved to the trash" in response.get_data(as_text=True)


def test_the_same_provider_twice_counts_once(client, shortlist):
    response = client.get(compare_url(shortlist["lee"], shortlist["lee"]))
    assert response.status_code == 400
    assert "You ticked 1." in text_of(response.get_data(as_text=True))


def test_every_text_in_a_shortlist_row_is_shown_as_text_never_as_markup(client):
    add_provider(client, name='<b>Dr Bold</b> & "Co"', practice="<i>Clinic</i>",
                 city="<script>alert(1)</script>", tags="<u>tag</u>", follow_up_on=day(3))
    page = client.get("/").get_data(as_text=True)
    table = page.split('class="shortlist-table"', 1)[1]
    for markup in ("<b>", "<i>", "<u>", "<script>"):
        assert markup not in table
    assert "&lt;b&gt;Dr Bold&lt;/b&gt; &amp; &#34;Co&#34;</a>" in table
    assert 'aria-label="Compare &lt;b&gt;Dr Bold&lt;/b&gt; &amp; &#34;Co&#34;"' in table
    assert "&lt;i&gt;Clinic&lt;/i&gt;" in table and "&lt;u&gt;tag&lt;/u&gt;" in table
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in table


# -- pages ------------------------------------------------------------------------------------


@pytest.fixture
def thirty(directory):
    """Thirty providers, Dr 01 to Dr 30, the even ones in Oregon."""
    for n in range(1, 31):
        directory.add_provider({"name": f"Dr {n:02d}", "state": "OR" if n % 2 == 0 else "WA"})


def pager_links(page: str) -> dict[str, str]:
    nav = page.split('<nav aria-label="Pages">', 1)[1].split("</nav>", 1)[0]
    return {label: unescape(href) for href, label in
            re.findall(r'<a class="button button--small" href="([^"]+)">([^<]+)</a>', nav)}


def test_a_page_in_the_address_shows_those_rows_and_links_to_the_others(client, thirty):
    page = client.get("/?sort=name&per_page=10&page=2").get_data(as_text=True)
    assert result_names(page) == [f"Dr {n:02d}" for n in range(11, 21)]
    assert "30 of 30 providers" in page
    assert "Showing 11–20, page 2 of 3." in page
    links = pager_links(page)
    assert set(links) == {"First page", "Previous page", "Next page", "Last page"}
    assert dict(parse_qsl(urlsplit(links["Next page"]).query)) == {
        "sort": "name", "per_page": "10", "page": "3"}
    assert dict(parse_qsl(urlsplit(links["First page"]).query)) == {
        "sort": "name", "per_page": "10"}
    # Following a link gives the same rows as typing the address: it can be bookmarked.
    third = client.get(links["Next page"]).get_data(as_text=True)
    assert result_names(third) == [f"Dr {n:02d}" for n in range(21, 31)]
    assert set(pager_links(third)) == {"First page", "Previous page"}


def test_a_hundred_rows_a_page_unless_asked(client, directory):
    for n in range(1, 106):
        directory.add_provider({"name": f"Dr {n:03d}"})
    page = client.get("/?sort=name").get_data(as_text=True)
    assert len(result_names(page)) == 100 and "105 of 105 providers" in page
    assert '<option value="100" selected>100</option>' in page
    assert len(result_names(client.get("/?sort=name&page=2").get_data(as_text=True))) == 5


def test_counts_cover_every_page_not_only_the_one_shown(client, thirty):
    page = client.get("/?per_page=10&page=3").get_data(as_text=True)
    assert re.search(r'value="OR"[^>]*>\s*<span>Oregon <span class="count">\(15\)</span>', page)
    assert re.search(r'value="to_call"[^>]*>\s*<span>To call <span class="count">\(30\)</span>',
                     page)


def test_print_and_csv_cover_every_matching_row_of_every_page(client, thirty):
    page = client.get("/?state=OR&sort=name&per_page=5&page=2").get_data(as_text=True)
    assert "Download these 15 as CSV" in page
    csv_href = unescape(re.search(r'<a href="([^"]+)" download>', page).group(1))
    print_href = unescape(re.search(r'<a href="([^"]+)">Print this list</a>', page).group(1))
    for href in (csv_href, print_href):
        assert dict(parse_qsl(urlsplit(href).query)) == {"state": "OR", "sort": "name"}
    csv_text = client.get(csv_href).get_data(as_text=True)
    assert sum(f"Dr {n:02d}" in csv_text for n in range(2, 31, 2)) == 15
    report = client.get("/print/shortlist?state=OR&sort=name&per_page=5&page=2")
    assert len(re.findall(r"<td><strong>Dr \d+</strong>", report.get_data(as_text=True))) == 15


def test_a_page_past_the_end_shows_the_last_page_and_says_so(client, thirty):
    response = client.get("/?sort=name&per_page=10&page=9")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert result_names(page) == [f"Dr {n:02d}" for n in range(21, 31)]
    assert "There is no page 9 in this view any more: this is its last page." in page


def test_changing_the_page_size_keeps_the_first_row_in_view(client, thirty):
    response = client.get("/?state=OR&per_page=5&first_row=11")
    assert response.status_code == 302
    assert dict(parse_qsl(urlsplit(response.headers["Location"]).query)) == {
        "state": "OR", "per_page": "5", "page": "3"}
    response = client.get("/?per_page=25&first_row=1")
    assert dict(parse_qsl(urlsplit(response.headers["Location"]).query)) == {"per_page": "25"}


def test_the_page_size_form_keeps_the_view(client, thirty):
    page = client.get("/?state=OR&sort=name&per_page=10&page=2").get_data(as_text=True)
    form = page.split('class="pager__size"', 1)[1].split("</form>", 1)[0]
    assert re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]+)">', form) == [
        ("state", "OR"), ("sort", "name"), ("first_row", "11")]
    assert '<label for="per_page">Rows per page</label>' in form


def test_a_filter_chosen_or_removed_starts_again_at_page_one_with_the_same_size(client, thirty):
    page = client.get("/?state=OR&per_page=5&page=2").get_data(as_text=True)
    remove = unescape(re.search(r'<a href="([^"]+)">Remove State', page).group(1))
    assert dict(parse_qsl(urlsplit(remove).query)) == {"per_page": "5"}
    form = page.split('class="filters"', 1)[1].split("</form>", 1)[0]
    assert '<input type="hidden" name="per_page" value="5">' in form
    assert 'name="page"' not in form


def test_the_filters_fold_behind_one_control_that_counts_what_is_on(client, shortlist):
    page = client.get("/?state=CA&status=called&status=waiting&q=lee").get_data(as_text=True)
    assert re.search(r'<details class="filter-panel">\s*<summary>Filter and sort \(4 on\)'
                     r'</summary>', page)
    assert "<summary>Filter and sort</summary>" in client.get("/").get_data(as_text=True)


def test_the_call_back_list_shows_the_first_few_and_links_to_all(client, directory):
    for n in range(1, 12):
        directory.add_provider({"name": f"Dr Due {n:02d}", "follow_up_on": day(-n)})
    directory.add_provider({"name": "Dr Booked", "follow_up_on": day(-1), "status": "booked"})
    page = client.get("/").get_data(as_text=True)
    section = page.split('id="due-heading"', 1)[1].split("</section>", 1)[0]
    due = re.findall(r'<a href="/providers/\d+">([^<]+)</a>', section)
    assert due == [f"Dr Due {n:02d}" for n in range(11, 3, -1)]  # oldest date first
    link = re.search(r'<a href="([^"]+)">All 11 due for a call back</a>', section)
    everyone = client.get(unescape(link.group(1))).get_data(as_text=True)
    assert result_names(everyone) == [f"Dr Due {n:02d}" for n in range(11, 0, -1)]


def test_the_desktop_table_has_no_where_column_and_shows_places_with_the_name(client, shortlist):
    page = client.get("/?sort=name").get_data(as_text=True)
    header = page.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', header) == [
        "Provider", "Verdict", "Score", "Red flags", "Status", "Last contact"]
    first_row = page.split("<tbody>", 1)[1].split("</tr>", 1)[0]
    assert "Lee Family Medicine CA · Video: CA, OR" in text_of(first_row)


def test_a_filter_box_keeps_its_id_when_the_counts_change(client, shortlist):
    # shortlist.js gives the focus back to the box just ticked by its id, after the page
    # comes back with new counts and without the states that would match no one.
    def state_ids(url):
        page = client.get(url).get_data(as_text=True)
        return dict(re.findall(r'id="(f-state-\d+)" name="state" value="([A-Z]{2})"', page))

    every, waiting = state_ids("/"), state_ids("/?status=waiting")
    assert set(every.values()) == {"CA", "OR", "WA"}
    assert set(waiting.values()) == {"OR"}  # California and Washington match no one now
    assert {i: v for i, v in every.items() if v == "OR"} == waiting
