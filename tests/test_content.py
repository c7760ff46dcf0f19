"""Tests for finder.content: the real content files load, and each integrity rule catches a
crafted bad file in a temporary data folder, stopping the app from being built."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from finder import create_app
from finder.content import ContentError, load_content
from finder.content.clinician_brief import BRIEF_WORD_LIMIT, brief_word_count

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DATA_FILES = ("sources.toml", "vocabulary.toml", "checklist.toml",
              "benzodiazepine_equivalents.toml", "resources.toml", "glossary.toml",
              "clinician_brief.toml")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A copy of the real data folder that a test may break."""
    return shutil.copytree(DATA_DIR, tmp_path / "data")


def replace_once(folder: Path, filename: str, old: str, new: str) -> None:
    """Edit one file in the copied data folder; fail loudly if the text to edit moved."""
    path = folder / filename
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} should occur exactly once in {filename}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def append(folder: Path, filename: str, extra: str) -> None:
    path = folder / filename
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")


# ---------------------------------------------------------------------------------------
# The real files


def test_real_resources_load_with_every_place_to_look():
    real = load_content(DATA_DIR)
    content = real.resources
    referral_sources = {resource["referral_source"] for resource in content["resources"]}
    # Every way a user can have heard of a clinician has somewhere to look behind it.
    assert referral_sources == set(real.vocabulary.ids("referral_sources"))
    by_id = {resource["id"]: resource for resource in content["resources"]}
    assert by_id["bic"]["url"] == "https://www.benzoinfo.com/"
    assert by_id["abbp"]["url"] == "https://benzoreform.org/"
    assert by_id["benzobuddies"]["url"] == "https://www.benzobuddies.org/"
    assert by_id["regional_networks"]["url"] == ""
    assert "changed several times" in by_id["telemedicine"]["what_it_is"]


def test_call_script_asks_all_four_core_questions_in_the_checklist_wording():
    checklist = load_content(DATA_DIR).checklist
    lines = load_content(DATA_DIR).resources["call_script"]["lines"]
    asked = [line["question"] for line in lines if "question" in line]
    assert asked == ["step_size", "liquid_formulation", "bad_reaction", "knows_literature"]
    for line in lines:
        if "question" in line:
            assert line["text"] == checklist.questions[line["question"]]["ask"]
    opening = " ".join(line["text"] for line in lines[:2])
    assert "Benzodiazepine Information Coalition" in opening
    assert "Alliance for Benzodiazepine Best Practices" in opening


def test_loading_does_not_change_what_the_next_load_sees():
    first = load_content(DATA_DIR).resources
    first["call_script"]["lines"].clear()
    assert load_content(DATA_DIR).resources["call_script"]["lines"]


def test_no_specialist_points_to_the_printable_brief():
    options = load_content(DATA_DIR).resources["no_specialist"]["options"]
    by_id = {option["id"]: option for option in options}
    assert by_id["educate_a_clinician"]["see"] == "clinician_brief"
    assert {"maudsley_2024", "horowitz_taylor_2019"} <= set(by_id["educate_a_clinician"]["sources"])
    assert "medication_timeline" in by_id


def test_real_glossary_explains_every_term_the_app_uses():
    ids = {term["id"] for term in load_content(DATA_DIR).glossary}
    assert ids == {
        "hyperbolic_taper", "linear_taper", "percent_of_current_dose", "compounded_formulation",
        "liquid_formulation", "diazepam_equivalent", "crossover", "receptor_occupancy",
        "flare_wave", "hold", "up_dose", "bind", "akathisia", "z_drug",
        "telemedicine_prescribing", "bic", "abbp", "maudsley_guidelines", "ashton_manual",
    }


def test_glossary_is_in_alphabetical_order_so_a_term_can_be_found_by_scanning():
    terms = [term["term"].casefold() for term in load_content(DATA_DIR).glossary]
    assert terms == sorted(terms)


def test_every_glossary_term_and_resource_cites_a_known_source():
    sources = load_content(DATA_DIR).sources
    content = load_content(DATA_DIR).resources
    cited_items = [
        *load_content(DATA_DIR).glossary,
        *content["resources"],
        content["call_script"],
        content["no_specialist"],
        *content["no_specialist"]["options"],
    ]
    for item in cited_items:
        assert item["sources"], item
        assert set(item["sources"]) <= set(sources), item


def test_real_brief_loads_with_red_flags_and_references_resolved():
    brief = load_content(DATA_DIR).clinician_brief
    sources = load_content(DATA_DIR).sources
    checklist = load_content(DATA_DIR).checklist
    assert [part["id"] for part in brief["method"]] == [
        "percent_of_current", "liquids_at_the_end", "pace_by_tolerance"]
    assert [flag["id"] for flag in brief["red_flags"]] == [
        "fixed_mg_steps", "refuses_liquid", "deadline", "pushes_through_flares",
        "inflexible_schedule"]
    for flag in brief["red_flags"]:
        assert flag["label"] == checklist.red_flags[flag["id"]]["label"]
        assert flag["sources"]
    assert [reference["id"] for reference in brief["references"]] == [
        "horowitz_taylor_2019", "maudsley_2024", "ashton_manual", "ritvo_2023"]
    for reference in brief["references"]:
        assert reference["title"] == sources[reference["id"]]["title"]


def test_brief_fits_on_one_page():
    assert brief_word_count(load_content(DATA_DIR).clinician_brief) <= BRIEF_WORD_LIMIT


def test_worked_example_in_the_brief_is_ten_percent_of_the_current_dose_each_time():
    text = next(part["text"] for part in load_content(DATA_DIR).clinician_brief["method"]
                if part["id"] == "percent_of_current")
    doses = [float(number) for number in re.findall(r"\d+(?:\.\d+)?(?= mg| →)", text)]
    assert doses == [4, 3.6, 3.24, 2.92]
    for previous, following in zip(doses, doses[1:]):
        assert following == pytest.approx(previous * 0.9, abs=0.005)


def test_brief_word_count_counts_every_printed_part_but_not_arrows():
    brief = {
        "title": "One two",
        "purpose": "three four →",
        "headings": {"method": "five"},
        "method": [{"heading": "six", "text": "4 → 3.6"}],
        "red_flags": [{"text": "nine", "label": "not printed"}],
        "asks": {"items": ["ten"]},
        "references": [{"title": "eleven twelve", "url": "https://example.org/13"}],
    }
    assert brief_word_count(brief) == 13


# ---------------------------------------------------------------------------------------
# Integrity rules: each crafted bad file raises ContentError naming the file and problem.

RESOURCE_BREAKS = [
    pytest.param('id = "abbp"', 'id = "bic"', "'bic' is used twice", id="duplicate-id"),
    pytest.param('id = "abbp"', 'id = "ABBP"', "must be lower_case", id="id-not-lower-case"),
    pytest.param('how_to_use = "Name ABBP early in the call and ask if the clinic uses its material. '
                 'How they react tells you quickly how familiar they are."', 'how_to_use = "  "',
                 "resource 'abbp': 'how_to_use' is missing or empty", id="empty-field"),
    pytest.param('url = "https://benzoreform.org/"\n', "", "'url' must be text", id="no-url"),
    pytest.param('"https://benzoreform.org/"', '"http://benzoreform.org/"',
                 "must start with https://", id="insecure-url"),
    pytest.param('referral_source = "abbp"', 'referral_source = "abpp"',
                 "referral_source 'abpp' must be one of", id="unknown-referral-source"),
    pytest.param('referral_source = "telemedicine"\nsources = ["clinic_article"]',
                 'referral_source = "telemedicine"\nsources = ["clinic_artikel"]',
                 "cites unknown source 'clinic_artikel'", id="unknown-source"),
    pytest.param('referral_source = "telemedicine"\nsources = ["clinic_article"]',
                 'referral_source = "telemedicine"\nsources = []',
                 "resource 'telemedicine' cites no source", id="no-source"),
    pytest.param('question = "bad_reaction"', 'question = "bad_reactions"',
                 "question 'bad_reactions' is not a core question", id="unknown-question"),
    pytest.param('question = "bad_reaction"', 'question = "bad_reaction"\n  text = "Hi."',
                 "either 'text' or 'question'", id="line-with-both"),
    pytest.param('see = "clinician_brief"', 'see = "clinician_breif"',
                 "see 'clinician_breif' must be one of", id="unknown-page"),
    pytest.param('see = "clinician_brief"', 'seee = "clinician_brief"',
                 "unknown field 'seee'", id="misspelt-field"),
    pytest.param('what_it_is = "A group that publishes',
                 'what_it_is = "One. Two. A group that publishes',
                 "longer than 2 sentences", id="too-many-sentences"),
]


@pytest.mark.parametrize("old, new, problem", RESOURCE_BREAKS)
def test_broken_resources_file_is_refused(data_dir, old, new, problem):
    replace_once(data_dir, "resources.toml", old, new)
    with pytest.raises(ContentError, match=r"^resources\.toml: ") as caught:
        load_content(data_dir)
    assert problem in str(caught.value)


GLOSSARY_BREAKS = [
    pytest.param('id = "hold"', 'id = "bind"', "'bind' is used twice", id="duplicate-id"),
    pytest.param('id = "z_drug"', 'id = "z-drug"', "must be lower_case", id="id-not-lower-case"),
    pytest.param('term = "Linear taper"', 'term = "Hyperbolic taper"',
                 "'Hyperbolic taper' is explained twice", id="duplicate-term"),
    pytest.param('explanation = "A driven inner restlessness',
                 'explanatoin = "A driven inner restlessness',
                 "term 'akathisia': 'explanation' is missing", id="missing-explanation"),
    pytest.param('sources = ["ritvo_2023", "withdrawal_articles"]', 'sources = ["ritvo_2032"]',
                 "term 'bind' cites unknown source 'ritvo_2032'", id="unknown-source"),
    pytest.param('sources = ["ashton_manual"]\n', "",
                 "term 'ashton_manual' cites no source", id="no-source"),
    pytest.param('explanation = "Staying on the same dose',
                 'explanation = "One. Two. Staying on the same dose',
                 "longer than 2 sentences", id="too-many-sentences"),
    pytest.param('shown_with = ["adds_sleep_drugs"]', 'shown_with = ["adds_sleep_drug"]',
                 "term 'z_drug': shown_with names 'adds_sleep_drug', which is neither",
                 id="shown-with-unknown-place"),
    pytest.param('shown_with = ["adds_sleep_drugs"]', 'shown_with = "adds_sleep_drugs"',
                 "term 'z_drug': 'shown_with' must be a list", id="shown-with-not-a-list"),
    pytest.param('short = "BIND"', 'short = " "', "term 'bind': 'short' is missing or empty",
                 id="empty-short"),
]


@pytest.mark.parametrize("old, new, problem", GLOSSARY_BREAKS)
def test_broken_glossary_is_refused(data_dir, old, new, problem):
    replace_once(data_dir, "glossary.toml", old, new)
    with pytest.raises(ContentError, match=r"^glossary\.toml: ") as caught:
        load_content(data_dir)
    assert problem in str(caught.value)


BRIEF_BREAKS = [
    pytest.param('id = "deadline"', 'id = "deadlines"',
                 "red flag 'deadlines' is not a red flag in checklist.toml", id="unknown-red-flag"),
    pytest.param('id = "refuses_liquid"', 'id = "deadline"', "'deadline' is used twice",
                 id="duplicate-red-flag"),
    pytest.param('"ashton_manual", "ritvo_2023"]', '"ashton_manual", "ritvo_2024"]',
                 "'references' names unknown source 'ritvo_2024'", id="unknown-reference"),
    pytest.param('"ashton_manual", "ritvo_2023"]', '"ashton_manual", "maudsley_2024"]',
                 "lists a source twice", id="duplicate-reference"),
    pytest.param('\nreferences = ["horowitz', '\nreferencess = ["horowitz',
                 "unknown field 'referencess'", id="misspelt-references"),
    pytest.param('text = "If stabilising takes six weeks, the next cut waits six weeks. A severe flare '
                 'calls for a hold, or a small step back up, not for pressing on."', 'text = ""',
                 "method part 'pace_by_tolerance': 'text' is missing or empty", id="empty-method-text"),
    pytest.param('sources = ["clinic_article"]\n\n[[red_flags]]',
                 'sources = ["clinc_article"]\n\n[[red_flags]]',
                 "method part 'pace_by_tolerance' cites unknown source", id="unknown-source"),
    pytest.param('asks = "What your patient asks of you"\n', "", "[headings]: 'asks' is missing",
                 id="missing-heading"),
]


@pytest.mark.parametrize("old, new, problem", BRIEF_BREAKS)
def test_broken_brief_is_refused(data_dir, old, new, problem):
    replace_once(data_dir, "clinician_brief.toml", old, new)
    with pytest.raises(ContentError, match=r"^clinician_brief\.toml: ") as caught:
        load_content(data_dir)
    assert problem in str(caught.value)


def test_resources_without_a_section_is_refused(data_dir):
    path = data_dir / "resources.toml"
    without_section = path.read_text(encoding="utf-8").split("\n[no_specialist]")[0]
    path.write_text(without_section, encoding="utf-8")
    with pytest.raises(ContentError, match=r"^resources\.toml: .*missing \[no_specialist\]"):
        load_content(data_dir)


def test_top_level_key_written_after_a_table_is_caught(data_dir):
    # In TOML a key below [asks] belongs to [asks]: the brief would silently lose it.
    top_level = ('\nreferences = ["horowitz_taylor_2019", "maudsley_2024", '
                 '"ashton_manual", "ritvo_2023"]\n')
    replace_once(data_dir, "clinician_brief.toml", top_level, "\n")
    append(data_dir, "clinician_brief.toml", '\nreferences = ["horowitz_taylor_2019"]\n')
    with pytest.raises(ContentError) as caught:
        load_content(data_dir)
    assert "[asks]: unknown field 'references'" in str(caught.value)
    assert "'references' must list one or more source ids" in str(caught.value)


def test_brief_over_the_word_limit_is_refused(data_dir):
    padding = " word" * (BRIEF_WORD_LIMIT + 1)
    replace_once(data_dir, "clinician_brief.toml", 'lists where to read more."',
                 f'lists where to read more.{padding}"')
    with pytest.raises(ContentError, match=r"^clinician_brief\.toml: the brief has \d+ words"):
        load_content(data_dir)


def test_a_long_reference_title_counts_towards_the_word_limit(data_dir):
    brief = load_content(DATA_DIR).clinician_brief
    room = BRIEF_WORD_LIMIT - brief_word_count(brief)
    replace_once(data_dir, "sources.toml",
                 'title = "Ritvo AD,', 'title = "' + "word " * (room + 1) + 'Ritvo AD,')
    with pytest.raises(ContentError, match="words"):
        load_content(data_dir)


def test_every_problem_is_reported_at_once(data_dir):
    replace_once(data_dir, "glossary.toml", 'id = "hold"', 'id = "bind"')
    replace_once(data_dir, "glossary.toml", 'sources = ["maudsley_2024"]', 'sources = ["nope"]')
    with pytest.raises(ContentError) as caught:
        load_content(data_dir)
    assert "'bind' is used twice" in str(caught.value)
    assert "unknown source 'nope'" in str(caught.value)


@pytest.mark.parametrize("filename", DATA_FILES)
def test_missing_or_unreadable_file_is_a_content_error(data_dir, filename):
    (data_dir / filename).write_text("title = \n", encoding="utf-8")
    with pytest.raises(ContentError, match=rf"^{re.escape(filename)}: not valid TOML"):
        load_content(data_dir)
    (data_dir / filename).unlink()
    with pytest.raises(ContentError, match=rf"^{re.escape(filename)}: file not found"):
        load_content(data_dir)


def test_every_file_in_the_data_folder_is_loaded():
    assert sorted(path.name for path in DATA_DIR.glob("*.toml")) == sorted(DATA_FILES)


def test_a_broken_file_stops_the_app_with_every_problem_named(data_dir, tmp_path):
    replace_once(data_dir, "glossary.toml", 'id = "hold"', 'id = "bind"')
    replace_once(data_dir, "glossary.toml", 'sources = ["maudsley_2024"]', 'sources = ["nope"]')
    with pytest.raises(ContentError) as caught:
        create_app({"DATA_DIR": str(tmp_path / "user"), "CONTENT_DIR": str(data_dir)})
    assert caught.value.filename == "glossary.toml"
    assert str(caught.value).startswith("glossary.toml: ")
    assert "'bind' is used twice" in str(caught.value)
    assert "unknown source 'nope'" in str(caught.value)
    assert not (tmp_path / "user").exists()  # nothing was created for a half-built app


def test_the_app_reads_its_content_folder_once_when_it_is_built(data_dir, tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path / "user"), "CONTENT_DIR": str(data_dir),
                      "SECRET_KEY": "test"})
    (data_dir / "glossary.toml").unlink()  # pages must not go back to the files
    client = app.test_client()
    for page in ("/words", "/where-to-look", "/sources", "/print/clinician-brief"):
        assert client.get(page).status_code == 200, page


def test_content_error_is_a_value_error():
    assert issubclass(ContentError, ValueError)
