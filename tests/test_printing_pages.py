"""Printable pages through the Flask client: the print list, the shortlist report, the blank
checklist, each page's PDF download (a calm 503 when no PDF can be made here; real bytes when
Chromium is installed), and the file names."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tomllib

import pytest
from werkzeug.datastructures import MultiDict

from finder import create_app
from finder.content import load_content
from finder.printing import file_name, pdf
from finder.shortlist import shortlist_view

from support import REPO, add_provider, needs, save_field, start_call

PRINTABLE = ["/print/clinician-brief", "/print/checklist", "/print/shortlist",
             "/print/timeline", "/providers/{id}/summary"]


@pytest.fixture
def lee(client) -> int:
    provider_id = add_provider(client, name="Dr Ann Lee", practice="Lee Family Medicine",
                               phone="555-123-4567", state="OR")
    call_id = start_call(client, provider_id)
    save_field(client, call_id, "answer-step_size", "fixed_mg", rev=0)
    save_field(client, call_id, "flag-deadline", True, rev=0)
    return provider_id


def urls(provider_id: int) -> list[str]:
    return [url.format(id=provider_id) for url in PRINTABLE]


def text(response) -> str:
    with response:
        return response.get_data(as_text=True)


def test_the_print_page_lists_every_printable_page(client):
    page = text(client.get("/print"))
    for href in ("/print/clinician-brief", "/print/checklist", "/print/shortlist",
                 "/print/timeline", "/timeline"):
        assert f'href="{href}"' in page, href
    assert "Printable summary" in page


def test_every_printable_page_offers_its_pdf_and_no_navigation(client, lee):
    for url in urls(lee):
        response = client.get(url)
        page = text(response)
        assert response.status_code == 200, url
        assert f'href="{url}.pdf?paper=letter">Download PDF</a>' in page, url
        assert f'href="{url}.pdf?paper=a4">PDF on A4 paper</a>' in page, url
        assert 'aria-label="Main"' not in page and "<style" not in page, url
        assert " style=" not in page and "<script>" not in page, url
        assert 'href="/static/print.css" media="print"' in page, url
        assert re.search(r"[Pp]rinted \w{3} \d{1,2} \w{3} \d{4}", page), url


@pytest.fixture
def no_browser(monkeypatch):
    monkeypatch.setattr(pdf, "find_browser", lambda environ=None: None)


def test_without_a_browser_each_pdf_is_a_calm_503_with_the_way_round(client, lee, no_browser):
    for url in urls(lee):
        response = client.get(url + ".pdf?paper=a4")
        page = text(response)
        assert response.status_code == 503, url
        assert response.headers["Content-Type"].startswith("text/html")
        assert "found no Chromium, Chrome or Edge" in page
        assert "“Save as PDF”" in page
        assert f'href="{url}">Back to the page</a>' in page, url


def test_the_way_back_from_a_failed_shortlist_pdf_keeps_the_filters(client, lee, no_browser):
    page = text(client.get("/print/shortlist.pdf?red_flags=any&sort=name&paper=letter"))
    assert 'href="/print/shortlist?red_flags=any&amp;sort=name">Back to the page</a>' in page


def test_a_browser_that_fails_is_a_calm_503_too(client, lee, monkeypatch):
    monkeypatch.setattr(pdf, "find_browser", lambda environ=None: "/usr/bin/true")

    def fails(html, stylesheets, browser, timeout=60):
        raise pdf.PdfUnavailable("The browser took longer than 60 seconds.")
    monkeypatch.setattr(pdf, "html_to_pdf", fails)
    response = client.get(f"/providers/{lee}/summary.pdf")
    assert response.status_code == 503
    assert "The browser took longer than 60 seconds." in text(response)


def test_the_pdf_is_made_from_the_same_page_with_its_stylesheets_beside_it(client, lee,
                                                                          monkeypatch):
    seen = {}
    monkeypatch.setattr(pdf, "find_browser", lambda environ=None: "chromium")

    def prints(html, stylesheets, browser, timeout=60):
        seen.update(html=html, sheets=[p.name for p in stylesheets])
        return b"%PDF-1.7 stand-in"
    monkeypatch.setattr(pdf, "html_to_pdf", prints)
    response = client.get(f"/providers/{lee}/summary.pdf?paper=a4")
    with response:
        assert response.data == b"%PDF-1.7 stand-in"
    assert seen["sheets"] == ["finder.css", "print.css"]
    html = seen["html"]
    assert '<link rel="stylesheet" href="finder.css">' in html
    assert "@page { size: A4; }" in html and 'data-theme="light"' in html
    assert "Download PDF" not in html and "<script" not in html
    assert "Dr Ann Lee" in html and "Deadline expectations" in html
    assert 'href="http://localhost/sources#source-' in html  # links work from a file


def test_a_pdf_for_a_provider_not_there_is_a_404(client, no_browser):
    assert client.get("/providers/999/summary.pdf").status_code == 404


def test_the_real_chromium_makes_a_named_pdf_that_is_never_cached(client, lee):
    needs(pdf.find_browser(), "No Chromium-family browser on this computer.")
    response = client.get(f"/providers/{lee}/summary.pdf")
    with response:
        assert response.status_code == 200
        assert response.data.startswith(b"%PDF")
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    today = dt.date.today().isoformat()
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="finder-summary-dr-ann-lee-{today}.pdf"')


@pytest.mark.parametrize("parts, name", [
    (["summary", "Dr Ann Lee"], "finder-summary-dr-ann-lee-2026-11-25.pdf"),
    (["summary", "Dr José Núñez-O’Brien"], "finder-summary-dr-jose-nunez-obrien-2026-11-25.pdf"),
    (["summary", "王医生"], "finder-summary-2026-11-25.pdf"),
    (["summary", "x" * 200], "finder-summary-" + "x" * 65 + "-2026-11-25.pdf"),
    (["clinician brief"], "finder-clinician-brief-2026-11-25.pdf"),
])
def test_file_names_are_plain_and_dated(parts, name):
    assert file_name(parts, dt.date(2026, 11, 25)) == name


# -- the shortlist report ------------------------------------------------------------------------


def seed_shortlist(client) -> None:
    for name, state, option in [("Dr Avery", "OR", "percent_of_current"),
                                ("Dr Brook", "WA", "fixed_mg"), ("Dr Cole", "OR", None),
                                ("Dr Dale", "OR", "percent_unclear_base")]:
        provider_id = add_provider(client, name=name, state=state, phone="555-000-0000")
        if option:
            call_id = start_call(client, provider_id)
            for question, answer in [("step_size", option),
                                     ("liquid_formulation", "yes_with_pharmacy"),
                                     ("bad_reaction", "hold_or_updose")]:
                save_field(client, call_id, f"answer-{question}", answer, rev=0)


@pytest.mark.parametrize("query", ["", "state=OR", "sort=name", "state=OR&sort=name",
                                   "red_flags=any", "q=dale", "verdict=strong&state=WA"])
def test_the_report_shows_the_same_rows_in_the_same_order_as_the_shortlist(app, client,
                                                                            query):
    seed_shortlist(client)
    with app.test_request_context(f"/?{query}"):
        from flask import request
        _, _, view = shortlist_view(request.args)
    page = text(client.get(f"/print/shortlist?{query}"))
    shown = re.findall(r"<td><strong>(Dr \w+)</strong>", page)
    assert shown == [row.name for row in view.rows]
    assert view.description in page
    assert f"{len(view.rows)} of {view.total} provider" in page
    ranks = re.findall(r'<td class="rank">(\d+)</td>', page)
    assert ranks == [str(n) for n in range(1, len(view.rows) + 1)]


def test_the_report_names_each_red_flag(client):
    seed_shortlist(client)
    page = text(client.get("/print/shortlist?red_flags=any"))
    assert "Fixed mg steps at fixed intervals" in page and "Dr Brook" in page
    assert "<th scope=\"col\">Follow up</th>" in page and "<thead>" in page


def test_an_empty_view_says_so(client):
    seed_shortlist(client)
    page = text(client.get("/print/shortlist?q=nobody-by-this-name"))
    assert "No provider matches this view." in page


def test_the_shortlist_links_its_print_with_the_same_filters(client):
    seed_shortlist(client)
    page = text(client.get("/?state=OR&sort=name"))
    assert 'href="/print/shortlist?state=OR&amp;sort=name">Print this list</a>' in page
    back = text(client.get("/print/shortlist?state=OR&sort=name"))
    assert 'href="/?state=OR&amp;sort=name">← Back</a>' in back


def test_the_report_ignores_what_it_does_not_know(client):
    seed_shortlist(client)
    for query in ("state=Narnia", "sort=chaos", "paper=a0", "q=" + "x" * 5000):
        assert client.get(f"/print/shortlist?{query}").status_code == 200, query


# -- the blank checklist ---------------------------------------------------------------------------


def test_the_blank_checklist_has_every_question_option_red_flag_and_practical_question(client):
    page = text(client.get("/print/checklist"))
    checklist = load_content(REPO / "data").checklist
    for question in checklist.data["questions"]:
        assert question["ask"].replace("'", "&#39;") in page, question["id"]
        for option in question["options"]:
            assert option["label"] in page, option["id"]
    for flag in checklist.data["red_flags"]:
        assert flag["label"] in page, flag["id"]
    for question in checklist.data["practical"]:
        assert question["ask"] in page, question["id"]
        for option in question.get("options", []):
            assert option["label"] in page, option["id"]
    assert page.count('class="tick"') == (
        sum(len(q["options"]) for q in checklist.data["questions"])
        + len(checklist.data["red_flags"])
        + sum(len(q.get("options", [])) for q in checklist.data["practical"])
        + 4 + 4)  # who answered, and how the call ended
    for blank in ("Provider", "Phone", "Date and time", "Name of who answered",
                  "Follow up on", "Notes"):
        assert blank in page
    assert "Horowitz &amp; Taylor 2019" in page  # where the questions come from


def test_the_blank_checklist_is_built_from_the_data(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(REPO / "data", content)
    checklist_file = content / "checklist.toml"
    text_before = checklist_file.read_text()
    assert tomllib.loads(text_before)["questions"][0]["id"] == "step_size"
    newer = tomllib.loads(text_before)["version"] + 1
    renamed = text_before.replace(
        "How do you work out the size of each reduction as the dose gets lower?",
        "How big is each cut as the dose falls?")
    checklist_file.write_text(re.sub(r"(?m)^version = \d+$", f"version = {newer}", renamed,
                                     count=1))
    app = create_app({"DATA_DIR": str(tmp_path / "data"), "CONTENT_DIR": str(content),
                      "TESTING": True, "SECRET_KEY": "test"})
    page = text(app.test_client().get("/print/checklist"))
    assert "1. How big is each cut as the dose falls?" in page
    assert f"Checklist version {newer}" in page


def test_query_strings_with_repeated_values_reach_the_report(client):
    seed_shortlist(client)
    query = MultiDict([("state", "OR"), ("state", "WA")])
    page = text(client.get("/print/shortlist", query_string=query))
    assert len(re.findall(r"<td><strong>Dr \w+</strong>", page)) == 4
