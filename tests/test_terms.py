"""Technical words explained in place: every use in the templates names a glossary entry,
the explanation shown is the glossary's own wording, and the pages that use the words offer
them — with no JavaScript, as a disclosure that opens under the text."""

from __future__ import annotations

import html
import re

import pytest

from finder.content import load_content
from finder.resources import UnknownTerm
from finder.schedules.schedule_view import LIQUID_TERMS, PATTERN_TERMS

from support import REPO, add_provider, save_field, start_call

GLOSSARY = {entry["id"]: entry for entry in load_content(REPO / "data").glossary}
TERM_CALL = re.compile(r"\bterm\(\s*'([^']+)'")
TERMS_CALL = re.compile(r"\bterms\(\s*\[([^\]]*)\]")
TERMS_FOR_CALL = re.compile(r"\bterms_for\(\s*'([^']+)'")
DISCLOSURE = re.compile(r'<details class="term">\s*<summary>What does “(.*?)” mean\?</summary>'
                        r'.*?<p>(.*?) <span class="cite">.*?href="/words#term-([a-z_]+)"',
                        re.S)


def template_uses() -> list[tuple[str, str]]:
    """(template, term id) for every word a template explains by name."""
    uses = []
    for path in sorted((REPO / "templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        name = str(path.relative_to(REPO / "templates"))
        uses += [(name, term_id) for term_id in TERM_CALL.findall(text)]
        for inside in TERMS_CALL.findall(text):
            uses += [(name, term_id) for term_id in re.findall(r"'([^']+)'", inside)]
        uses += [(name, f"place:{place}") for place in TERMS_FOR_CALL.findall(text)]
    # The schedule check explains the words its result uses, chosen by its view.
    uses += [("schedules/schedule_view.py", term_id)
             for term_id in {*LIQUID_TERMS, *(t for ids in PATTERN_TERMS.values() for t in ids)}]
    return uses


def explained(page: str) -> dict[str, tuple[str, str]]:
    """Term id -> (the words in the summary, the explanation) for each disclosure."""
    return {term_id: (html.unescape(words), html.unescape(text))
            for words, text, term_id in DISCLOSURE.findall(page)}


def test_every_word_a_template_explains_is_in_the_glossary():
    uses = [(name, term_id) for name, term_id in template_uses()
            if not term_id.startswith("place:")]
    assert len(uses) >= 8
    assert [use for use in uses if use[1] not in GLOSSARY] == []


def test_the_glossary_explains_words_beside_checklist_items_and_where_to_look_sections():
    shown_with = {place for entry in GLOSSARY.values() for place in entry.get("shown_with", [])}
    # The words the issue names are all explained somewhere in the app.
    for term_id in ("hyperbolic_taper", "compounded_formulation", "liquid_formulation",
                    "diazepam_equivalent", "crossover", "bind", "akathisia", "z_drug"):
        used = any(term_id == use for _, use in template_uses()) or \
            GLOSSARY[term_id].get("shown_with")
        assert used, term_id
    assert {"liquid_formulation", "refuses_liquid", "adds_sleep_drugs", "no_specialist"} \
        <= shown_with


def test_an_unknown_word_stops_the_page_instead_of_showing_nothing(app):
    with app.test_request_context():
        template = app.jinja_env.from_string(
            '{% from "macros/terms.html" import term %}{{ term("not_a_word") }}')
        with pytest.raises(UnknownTerm, match="not_a_word"):
            template.render()


@pytest.fixture
def call_page(client):
    provider_id = add_provider(client, name="Dr Ann Lee")
    call_id = start_call(client, provider_id)
    save_field(client, call_id, "answer-liquid_formulation", "refuses")
    save_field(client, call_id, "flag-adds_sleep_drugs", True)
    return provider_id, call_id


def test_the_call_screen_explains_the_words_its_questions_use(client, call_page):
    page = client.get(f"/calls/{call_page[1]}").get_data(as_text=True)
    words = explained(page)
    assert words["compounded_formulation"] == (
        "compounded", GLOSSARY["compounded_formulation"]["explanation"])
    for term_id in ("hyperbolic_taper", "liquid_formulation", "crossover", "bind",
                    "akathisia", "z_drug", "percent_of_current_dose"):
        assert term_id in words, term_id
    # Each explanation sits inside the question it belongs to.
    question = page.split('id="q-liquid_formulation"')[1].split("</section>")[0]
    assert "What does “compounded” mean?" in question


def test_the_provider_page_explains_the_words_of_its_answers_and_red_flags(client, call_page):
    page = client.get(f"/providers/{call_page[0]}").get_data(as_text=True)
    assert {"liquid_formulation", "compounded_formulation", "z_drug"} <= set(explained(page))
    printed = client.get(f"/providers/{call_page[0]}/summary").get_data(as_text=True)
    assert explained(printed) == {}  # paper cannot open a disclosure


def test_the_schedule_check_and_where_to_look_explain_their_words(client):
    check = client.get("/schedule-check?drug=clonazepam&start_mg=2&mode=rule&amount=0.25"
                       "&unit=mg&every=2&interval_unit=weeks").get_data(as_text=True)
    assert {"diazepam_equivalent", "hyperbolic_taper", "percent_of_current_dose",
            "linear_taper", "compounded_formulation"} <= set(explained(check))
    where = client.get("/where-to-look").get_data(as_text=True)
    assert {"hyperbolic_taper", "maudsley_guidelines", "linear_taper",
            "telemedicine_prescribing"} <= set(explained(where))


def test_every_explanation_links_to_its_entry_on_the_words_page(client, call_page):
    words_page = client.get("/words").get_data(as_text=True)
    anchors = set(re.findall(r'<dt id="term-([a-z_]+)"', words_page))
    for url in (f"/calls/{call_page[1]}", "/where-to-look", "/schedule-check"):
        for term_id in explained(client.get(url).get_data(as_text=True)):
            assert term_id in anchors, (url, term_id)
