"""The verdict on pages: the sentence that says why, the article's words beside each red flag,
the rules page, and the note the shortlist shows once after the rules were corrected."""

import re
import shutil
from pathlib import Path

import pytest

from support import add_provider, save_field, start_call

from finder import create_app

V1_FIXTURE = Path(__file__).resolve().parent / "fixtures" / "checklist-v1"
GOOD = {"step_size": "percent_of_current", "liquid_formulation": "yes_with_pharmacy",
        "bad_reaction": "hold_or_updose", "knows_literature": "knows"}


def interview(client, name, answers, **fields):
    provider_id = add_provider(client, name=name)
    call_id = start_call(client, provider_id)
    for question, option in answers.items():
        save_field(client, call_id, f"answer-{question}", option, rev=0)
    for field, value in fields.items():
        save_field(client, call_id, field, value, rev=0)
    return provider_id


def test_the_provider_page_says_why_and_quotes_the_article_beside_the_red_flag(client):
    provider_id = interview(client, "Dr Six Months", GOOD, **{"practical-taper_length": "limited"})
    page = client.get(f"/providers/{provider_id}").get_data(as_text=True)
    assert "Not a match — red flag" in page
    assert ('Not a match: they expect the taper done within a set time (red flag 3: deadline '
            'expectations).') in page
    assert "Red flags from the article" in page
    assert "Red flag 3: Deadline expectations" in page
    assert "a statement about the clinician&#39;s schedule" in page  # the article's words
    assert "in the answer to “Expected length; over a year allowed”" in page
    summary = client.get(f"/providers/{provider_id}/summary").get_data(as_text=True)
    assert "(red flag 3: deadline expectations)." in summary


def test_a_concern_is_listed_apart_from_the_articles_red_flags(client):
    provider_id = interview(client, "Dr Sleep Pills", GOOD, **{"flag-adds_sleep_drugs": True})
    page = client.get(f"/providers/{provider_id}").get_data(as_text=True)
    assert "Promising" in page and "Serious concerns" in page
    assert "Red flags from the article" not in page
    assert "Clear this concern" in page


def test_orientation_links_the_clinician_brief_on_screen_and_names_it_on_paper(client):
    provider_id = interview(client, "Dr New To It", {**GOOD, "knows_literature": "does_not_know"})
    page = client.get(f"/providers/{provider_id}").get_data(as_text=True)
    assert "they will need orientation" in page
    # Not knowing the work counts neither for nor against them: no "Partly good" badge.
    answer = page.split("Does not know it (needs orientation", 1)[0].rsplit("<td", 1)[1]
    assert "Needs orientation" in answer and "Partly good" not in answer
    one = interview(client, "Dr One", {"liquid_formulation": "yes_with_pharmacy"})
    assert ("on the next call, ask about step size as the dose falls, what happens after a "
            "bad reaction and the work of Horowitz &amp; Taylor.") in client.get(
                f"/providers/{one}").get_data(as_text=True)
    assert re.search(r'<a href="/print/clinician-brief">Print the clinician brief</a>', page)
    summary = client.get(f"/providers/{provider_id}/summary").get_data(as_text=True)
    assert "Bring them the one-page clinician brief" in summary


def test_incomplete_shows_how_many_were_asked_and_no_percentage(client):
    provider_id = interview(client, "Dr One", {"liquid_formulation": "yes_with_pharmacy"})
    page = client.get(f"/providers/{provider_id}").get_data(as_text=True)
    panel = page.split('class="verdict-panel"')[1].split("</section>")[0]
    assert "1 of 4 core questions asked so far" in panel and "%" not in panel
    shortlist = client.get("/").get_data(as_text=True)
    row = shortlist.split("Dr One</a>")[1].split("</tr>")[0]
    assert "1 of 4 asked" in row and "%" not in row


def test_the_rules_page_lists_every_rule_with_its_reason_and_the_article_flags(client):
    page = client.get("/how-the-verdict-is-reached").get_data(as_text=True)
    for words in ("Not a match — red flag", "whatever the terminology", "is a linear taper",
                  "cannot complete the taper", "running the wrong model", "serious concerns",
                  "fewer than 3 of the 4 core questions", "under 50 %", "at least 80 %",
                  "A percentage of the starting dose", "red flag 1"):
        assert words in page, words


@pytest.fixture
def upgraded_client(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(V1_FIXTURE, folder)
    app = create_app({"DATA_DIR": str(folder), "TESTING": True, "WTF_CSRF_ENABLED": False,
                      "SECRET_KEY": "test"})
    return app.test_client()


def test_after_an_upgrade_the_shortlist_says_which_verdicts_changed(upgraded_client):
    page = upgraded_client.get("/").get_data(as_text=True)
    note = page.split('id="verdict-changes-heading"')[1].split("</section>")[0]
    assert ">7 verdicts changed<" in note
    assert re.search(r"Dr Fixed Steps</a>: Promising → <strong>Not a match — red flag</strong>",
                     note)
    assert re.search(r"Dr Never Asked Steps</a>: Strong match → <strong>Incomplete</strong>",
                     note)
    assert "Dr Textbook" not in note  # unchanged


def test_the_note_of_changed_verdicts_can_be_hidden_and_brought_back(upgraded_client):
    response = upgraded_client.post("/verdict-changes/hide", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "verdict-changes-heading" not in page
    assert "The note about changed verdicts is hidden." in page
    assert "verdict-changes-heading" not in upgraded_client.get("/").get_data(as_text=True)
    upgraded_client.post("/verdict-changes/show")
    assert "verdict-changes-heading" in upgraded_client.get("/").get_data(as_text=True)


def test_hiding_the_note_needs_the_form_token(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(V1_FIXTURE, folder)
    client = create_app({"DATA_DIR": str(folder), "TESTING": True}).test_client()
    response = client.post("/verdict-changes/hide")
    assert response.status_code == 400
    assert "verdict-changes-heading" in client.get("/").get_data(as_text=True)
