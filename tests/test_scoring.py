"""Scoring: every verdict, every threshold boundary, and how several calls combine."""

from pathlib import Path

import pytest

from finder.checklist import checklist_from_data
from finder.content import load_content
from finder.scoring import latest_answers, score_call, standing_for, summary_of

DATA = Path(__file__).resolve().parent.parent / "data"
REAL = load_content(DATA).checklist


def synthetic_checklist(version=1, **thresholds):
    """Four questions worth 10 points each, one option per point value, so any score can
    be reached exactly; q1's zero-point option is the red-flag answer."""
    verdict = {"min_core_answered": 3, "strong_min_percent": 80, "promising_min_percent": 50,
               "not_a_match_red_flags": 2, **thresholds,
               "labels": [{"id": v, "label": v, "meaning": ""} for v in
                          ("strong", "promising", "not_a_match", "incomplete")]}

    def options(question_id):
        found = [{"id": f"p{n}", "label": f"{n} points", "signal": "good" if n >= 8 else
                  "partial", "points": n} for n in range(1, 11)]
        found.append({"id": "bad", "label": "bad", "signal": "bad", "points": 0,
                      **({"red_flag": "rf1"} if question_id == "q1" else {})})
        found.append({"id": "unclear", "label": "unclear", "signal": "unclear", "points": 0})
        return found

    data = {
        "version": version,
        "verdict": verdict,
        "questions": [{"id": q, "short": q.upper(), "options": options(q), "sources": ["s"]}
                      for q in ("q1", "q2", "q3", "q4")],
        "red_flags": [{"id": f"rf{n}", "label": f"Flag {n}", "sources": ["s"]} for n in (1, 2, 3)],
        "practical": [{"id": "cost", "kind": "text", "sources": ["s"]}],
    }
    return checklist_from_data(data)


def call(answers=None, flags=None, call_id=1, called_at="2026-01-01T10:00", version=1,
         practical=None):
    return {
        "id": call_id, "called_at": called_at, "checklist_version": version,
        "answers": {q: {"option": o, "at": called_at} for q, o in (answers or {}).items()},
        "red_flags": {f: {"ticked": True, "at": called_at} for f in (flags or [])},
        "practical": practical or {},
    }


SYNTHETIC = synthetic_checklist()


def verdict_of(answers, flags=(), checklist=SYNTHETIC):
    return score_call(call(answers, flags), checklist)


def test_nothing_asked_is_incomplete_with_no_score():
    standing = verdict_of({})
    assert standing.verdict == "incomplete"
    assert standing.percent is None
    assert standing.not_asked == ["q1", "q2", "q3", "q4"]


def test_two_questions_asked_is_still_incomplete_even_when_perfect():
    standing = verdict_of({"q1": "p10", "q2": "p10"})
    assert standing.verdict == "incomplete"
    assert standing.percent == 100
    assert "Only 2 of the core questions asked" in standing.reasons[0]


@pytest.mark.parametrize("points, verdict", [
    ((8, 8, 8), "strong"),        # exactly 80 %
    ((8, 8, 7), "promising"),     # 76.7 %
    ((5, 5, 5), "promising"),     # exactly 50 %
    ((5, 5, 4), "not_a_match"),   # 46.7 %
])
def test_score_thresholds_are_inclusive(points, verdict):
    answers = {q: f"p{p}" for q, p in zip(("q1", "q2", "q3"), points)}
    assert verdict_of(answers).verdict == verdict


def test_thresholds_come_from_the_checklist_data():
    lenient = synthetic_checklist(strong_min_percent=70, min_core_answered=2)
    assert verdict_of({"q1": "p7", "q2": "p7"}, checklist=lenient).verdict == "strong"
    assert verdict_of({"q1": "p7", "q2": "p7"}).verdict == "incomplete"


def test_one_red_flag_rules_out_strong_match_and_is_shown_first():
    standing = verdict_of({"q1": "p10", "q2": "p10", "q3": "p10"}, flags=["rf2"])
    assert standing.verdict == "promising"
    assert standing.reasons[0] == "Red flag: Flag 2"
    assert "A red flag rules out Strong match." in standing.reasons


def test_two_red_flags_make_it_not_a_match_whatever_the_score():
    standing = verdict_of({"q1": "p10", "q2": "p10", "q3": "p10", "q4": "p10"},
                          flags=["rf2", "rf3"])
    assert standing.verdict == "not_a_match"
    assert standing.reasons[:2] == ["Red flag: Flag 2", "Red flag: Flag 3"]


def test_two_red_flags_decide_even_before_enough_questions_are_asked():
    assert verdict_of({}, flags=["rf1", "rf2"]).verdict == "not_a_match"


def test_a_bad_answer_linked_to_a_red_flag_counts_as_that_red_flag():
    standing = verdict_of({"q1": "bad", "q2": "p10", "q3": "p10", "q4": "p10"})
    assert standing.red_flag_ids == ["rf1"]
    assert standing.red_flags[0].via_question == "q1"
    assert standing.verdict == "promising"  # 30 of 40 = 75 %, red flag caps it anyway


def test_the_same_red_flag_ticked_and_implied_counts_once():
    standing = verdict_of({"q1": "bad", "q2": "p10", "q3": "p10"}, flags=["rf1"])
    assert standing.red_flag_ids == ["rf1"]
    assert standing.verdict != "not_a_match"


def test_unclear_counts_as_asked_earns_nothing_and_is_listed_to_ask_again():
    standing = verdict_of({"q1": "p10", "q2": "p10", "q3": "unclear"})
    assert (standing.earned, standing.possible) == (20, 30)
    assert standing.unclear == ["q3"]
    assert standing.not_asked == ["q4"]
    assert standing.verdict == "promising"


def test_not_asked_is_left_out_of_the_score():
    asked_three = verdict_of({"q1": "p10", "q2": "p10", "q3": "p10"})
    assert (asked_three.earned, asked_three.possible) == (30, 30)
    assert asked_three.verdict == "strong"


def test_unknown_answer_ids_are_ignored_not_scored():
    standing = verdict_of({"q1": "no-such-option", "nope": "p10"})
    assert standing.answers == []


def test_strong_match_names_the_answers_that_drove_it():
    standing = verdict_of({"q1": "p10", "q2": "p9", "q3": "p8"})
    assert [a.question_id for a in standing.drivers] == ["q1", "q2", "q3"]


def test_not_a_match_names_the_weak_answers_that_drove_it():
    standing = verdict_of({"q1": "p1", "q2": "p2", "q3": "unclear", "q4": "p10"})
    assert standing.verdict == "not_a_match"
    assert [a.question_id for a in standing.drivers] == ["q1", "q2", "q3"]


# -- combining several calls ----------------------------------------------------------------


def combine(calls, cleared=None, checklists=None):
    checklists = checklists or {1: SYNTHETIC}
    return standing_for(calls, checklists.__getitem__, cleared or {})


def test_latest_call_answer_wins_and_records_which_call_it_came_from():
    front_desk = call({"q1": "p2", "q2": "p10"}, call_id=1, called_at="2026-01-01T09:00")
    clinician = call({"q1": "p10"}, call_id=2, called_at="2026-01-05T09:00")
    standing = combine([clinician, front_desk])  # order given does not matter
    by_question = {a.question_id: a for a in standing.answers}
    assert by_question["q1"].points == 10 and by_question["q1"].call_id == 2
    assert by_question["q2"].call_id == 1


def test_a_red_flag_heard_in_any_call_stays_until_cleared():
    first = call({"q2": "p10"}, flags=["rf2"], call_id=1, called_at="2026-01-01T09:00")
    second = call({"q1": "p10", "q3": "p10"}, call_id=2, called_at="2026-01-05T09:00")
    assert combine([first, second]).red_flag_ids == ["rf2"]
    cleared = combine([first, second], cleared={"rf2": "2026-01-06T00:00"})
    assert cleared.red_flag_ids == []
    assert cleared.verdict == "strong"


def test_a_red_flag_heard_again_after_clearing_comes_back():
    later = call(flags=["rf2"], call_id=3, called_at="2026-02-01T09:00")
    standing = combine([later], cleared={"rf2": "2026-01-06T00:00"})
    assert standing.red_flag_ids == ["rf2"]


def test_a_bad_answer_later_corrected_keeps_its_red_flag_until_cleared():
    first = call({"q1": "bad"}, call_id=1, called_at="2026-01-01T09:00")
    second = call({"q1": "p10", "q2": "p10", "q3": "p10"}, call_id=2,
                  called_at="2026-01-02T09:00")
    standing = combine([first, second])
    assert standing.red_flag_ids == ["rf1"]
    assert standing.verdict == "promising"


def test_each_call_is_scored_by_the_checklist_version_it_was_filled_against():
    stricter_v2 = synthetic_checklist(version=2, strong_min_percent=95)
    old = call({"q1": "p9", "q2": "p9", "q3": "p9"}, version=1)
    assert combine([old], checklists={1: SYNTHETIC, 2: stricter_v2}).verdict == "strong"
    new = call({"q1": "p9", "q2": "p9", "q3": "p9"}, version=2, call_id=2)
    assert combine([new], checklists={1: SYNTHETIC, 2: stricter_v2}).verdict == "promising"


def test_latest_practical_answer_wins():
    first = call(practical={"cost": {"text": "$300"}}, call_id=1, called_at="2026-01-01T09:00")
    second = call(practical={"cost": {"text": "$250 self-pay"}}, call_id=2,
                  called_at="2026-01-02T09:00")
    assert combine([first, second]).practical["cost"]["text"] == "$250 self-pay"
    assert combine([first, second]).practical["cost"]["call_id"] == 2


def test_latest_answers_are_what_the_standing_is_built_from():
    first = call({"q1": "p2", "q2": "bad"}, call_id=1, called_at="2026-01-01T09:00",
                 practical={"cost": {"text": "$300"}})
    second = call({"q1": "p10", "q3": "nonsense"}, call_id=2, called_at="2026-01-05T09:00",
                  practical={"cost": {"text": ""}})
    known = latest_answers([second, first], {1: SYNTHETIC}.__getitem__)
    assert {q: (a.option_id, a.call_id) for q, a in known.core.items()} == {
        "q1": ("p10", 2), "q2": ("bad", 1)}  # unknown options are not answers
    assert known.practical["cost"]["text"] == "$300"  # an empty answer does not replace one
    standing = combine([first, second])
    assert {a.question_id: a.option_id for a in standing.answers} == {
        q: a.option_id for q, a in known.core.items()}


def test_summary_holds_what_the_shortlist_needs():
    standing = verdict_of({"q1": "p10", "q2": "p10", "q3": "p10"}, flags=["rf2"])
    summary = summary_of(standing, last_call_at="2026-01-01T10:00")
    assert summary == {"verdict": "promising", "percent": 100, "earned": 30, "possible": 30,
                       "red_flags": ["rf2"], "not_asked": 1, "last_call_at": "2026-01-01T10:00"}


# -- the real checklist --------------------------------------------------------------------


def test_real_checklist_a_textbook_hyperbolic_clinic_is_a_strong_match():
    answers = {"step_size": "percent_of_current", "liquid_formulation": "yes_with_pharmacy",
               "bad_reaction": "hold_or_updose", "knows_literature": "does_not_know"}
    standing = score_call(call(answers), REAL)
    assert (standing.earned, standing.possible) == (9, 11)
    assert standing.verdict == "strong"


def test_real_checklist_a_linear_clinic_that_refuses_liquids_is_not_a_match():
    answers = {"step_size": "fixed_mg", "liquid_formulation": "refuses",
               "bad_reaction": "short_pause"}
    standing = score_call(call(answers), REAL)
    assert standing.red_flag_ids == ["fixed_mg_steps", "refuses_liquid"]
    assert standing.verdict == "not_a_match"
