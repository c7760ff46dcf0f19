"""The checklist data file: it loads, and every integrity rule catches what it should."""

import copy
import tomllib
from pathlib import Path

import pytest

from finder.content import ContentError, load_content
from finder.content.checklist import checklist_from_toml
from finder.domain.checklist import ChecklistError, checklist_from_data

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="module")
def raw():
    with open(DATA / "checklist.toml", "rb") as handle:
        return tomllib.load(handle)


@pytest.fixture(scope="module")
def sources():
    return load_content(DATA).sources


def test_the_real_checklist_loads_with_the_four_questions_and_five_method_red_flags():
    checklist = load_content(DATA).checklist
    assert list(checklist.questions) == [
        "step_size", "liquid_formulation", "bad_reaction", "knows_literature"]
    method_flags = [f for f in checklist.red_flags.values() if f["group"] == "method"]
    assert [f["id"] for f in method_flags] == [
        "fixed_mg_steps", "refuses_liquid", "deadline", "pushes_through_flares",
        "inflexible_schedule"]


def test_every_item_cites_a_source_that_exists(raw, sources):
    for key in ("questions", "red_flags", "practical"):
        for item in raw[key]:
            assert item["sources"], item["id"]
            assert set(item["sources"]) <= set(sources), item["id"]


def test_every_question_says_why_it_matters(raw):
    for key in ("questions", "red_flags", "practical"):
        for item in raw[key]:
            assert len(item["why"]) > 20, item["id"]


def test_the_practical_questions_cover_what_decides_reachability(raw):
    ids = {p["id"] for p in raw["practical"]}
    assert {"prescribes", "telemedicine", "telemedicine_states", "cost", "wait",
            "knows_bic_abbp", "taper_length", "patient_pace", "crossover", "visit_frequency",
            "disability_paperwork"} <= ids


def test_each_bad_answer_that_is_a_red_flag_links_to_it(raw):
    links = {o["red_flag"] for q in raw["questions"] for o in q["options"] if "red_flag" in o}
    assert links == {"fixed_mg_steps", "refuses_liquid", "pushes_through_flares"}


def test_every_core_question_has_an_unclear_option_worth_nothing(raw):
    for question in raw["questions"]:
        unclear = [o for o in question["options"] if o["signal"] == "unclear"]
        assert unclear and all(o["points"] == 0 for o in unclear), question["id"]


def broken(raw, change):
    data = copy.deepcopy(raw)
    change(data)
    return data


@pytest.mark.parametrize("change, message", [
    (lambda d: d["questions"].append(dict(d["questions"][0])), "'step_size' is used twice"),
    (lambda d: d["red_flags"][0].update(id="step_size"), "'step_size' is used twice"),
    (lambda d: d["questions"][0]["options"][2].update(red_flag="nope"),
     "red flag 'nope' does not exist"),
    (lambda d: d["questions"][0]["options"][0].update(red_flag="deadline"),
     "only a bad answer can be a red flag"),
    (lambda d: d["questions"][0].update(sources=[]), "'step_size' cites no source"),
    (lambda d: d["practical"][0].update(sources=["made_up"]), "unknown source 'made_up'"),
    (lambda d: d["questions"][1]["options"][0].update(signal="great"), "signal must be one of"),
    (lambda d: d["questions"][1]["options"][0].update(points=-1), "points must be 0 or more"),
    (lambda d: d["practical"][0].update(kind="slider"), "kind must be one of"),
    (lambda d: d["verdict"].update(promising_min_percent=90),
     "promising_min_percent <= strong_min_percent"),
    (lambda d: d["verdict"].update(strong_min_percent=101), "strong_min_percent <= 100"),
    (lambda d: d["verdict"].update(not_a_match_concerns="two"), "must be a whole number"),
    (lambda d: d["verdict"]["labels"].pop(), "no label for 'incomplete'"),
    (lambda d: d["verdict"].update(method_questions=["step_size", "nope"]),
     "method_questions must list core question ids"),
    (lambda d: d["verdict"].update(decisive_question="knows_literature"),
     "decisive_question must be one of method_questions"),
    (lambda d: d["verdict"]["why"].pop("red_flag"), "no reason for 'red_flag'"),
    (lambda d: d["questions"][0]["options"][0].pop("heard"), "needs `heard`"),
    (lambda d: d["practical"][6]["options"][1].pop("heard"), "raises a red flag needs `heard`"),
    (lambda d: d["practical"][6]["options"][1].update(red_flag="nope"),
     "red flag 'nope' does not exist"),
    (lambda d: d["red_flags"][2].update(number=7), "must be numbered 1, 2, 3"),
    (lambda d: d["red_flags"][0].pop("article"), "the article's red flags quote the article"),
    (lambda d: d["red_flags"][6].update(group="other"), "group must be one of"),
    (lambda d: d.update(version="one"), "version must be a whole number"),
    (lambda d: d["practical"][0].update(group="elsewhere"), "'prescribes': group must be one of"),
    (lambda d: d["practical_groups"][0].update(heading=""), "'access' needs a heading"),
    (lambda d: d["practical_groups"].append({"id": "empty", "heading": "Empty"}),
     "'empty' has no questions"),
])
def test_integrity_rules(raw, sources, change, message):
    with pytest.raises(ContentError, match=r"^checklist\.toml: .*" + message):
        checklist_from_toml(broken(raw, change), sources)


def test_a_stored_checklist_is_checked_for_integrity_without_its_sources(raw):
    # A checklist kept beside old interviews is rebuilt without data/sources.toml.
    unsourced = checklist_from_data(broken(raw, lambda d: d["questions"][0].update(sources=[])))
    assert unsourced.questions["step_size"]["sources"] == []
    with pytest.raises(ChecklistError, match="^checklist: .*'step_size' is used twice") as caught:
        checklist_from_data(broken(raw, lambda d: d["red_flags"][0].update(id="step_size")))
    assert "id 'step_size' is used twice" in caught.value.problems


def test_a_stored_copy_of_an_older_checklist_is_read_for_its_words_without_todays_rules(raw):
    older = broken(raw, lambda d: d["verdict"].update(
        {"method_questions": None, "why": {}, "not_a_match_red_flags": 2}))
    assert checklist_from_data(older).questions["step_size"]["short"]
    with pytest.raises(ChecklistError):
        checklist_from_data(older, with_rules=True)


def test_option_lookup_returns_none_for_unknown_ids():
    checklist = load_content(DATA).checklist
    assert checklist.option("step_size", "fixed_mg")["red_flag"] == "fixed_mg_steps"
    assert checklist.option("step_size", "nope") is None
    assert checklist.option("nope", "fixed_mg") is None
    assert checklist.max_points("knows_literature") == 2


def test_the_practical_questions_come_in_headed_groups_and_older_versions_in_one(raw):
    groups = checklist_from_data(raw).practical_groups()
    assert [heading for heading, _ in groups] == ["Can they take you on?",
                                                   "How they would run the taper"]
    grouped = [question["id"] for _, questions in groups for question in questions]
    assert sorted(grouped) == sorted(p["id"] for p in raw["practical"])  # each once
    older = broken(raw, lambda d: d.pop("practical_groups"))
    assert [(heading, len(questions)) for heading, questions
            in checklist_from_data(older).practical_groups()] == [("", len(raw["practical"]))]
