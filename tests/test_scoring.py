"""Scoring: every verdict rule, every threshold boundary, how several calls combine, the
situations the clinic article decides, and the recompute when the rules are corrected."""

import shutil
from pathlib import Path

import pytest

from finder.content import load_content
from finder.directory import STORE_INDEXES, Directory
from finder.domain.checklist import checklist_from_data
from finder.domain.scoring import latest_answers, score_call, score_words, standing_for, summary_of
from finder.store import Store

REPO = Path(__file__).resolve().parent.parent
REAL = load_content(REPO / "data").checklist


def synthetic_checklist(version=1, **rules):
    """Four questions worth 100 points each, one option per point value, so any score can be
    reached exactly. q1–q3 are the method questions (q1 decides Promising); an answer of 60
    points or more is good. Each question's `bad` answer earns nothing; q1's raises the
    article's red flag rf1. rf1 and rf2 are article red flags, c1 and c2 concerns."""
    verdict = {"method_questions": ["q1", "q2", "q3"], "decisive_question": "q1",
               "min_core_answered": 3, "strong_min_percent": 80, "promising_min_percent": 50,
               "not_a_match_concerns": 2, **rules,
               "why": {rule: rule for rule in ("red_flag", "concerns", "incomplete", "low_score",
                                               "decisive", "strong", "promising")},
               "labels": [{"id": v, "label": v, "meaning": ""} for v in
                          ("strong", "promising", "red_flag", "not_a_match", "incomplete")]}

    def options(question_id):
        found = [{"id": f"p{n}", "label": f"{n} points", "signal": "good" if n >= 60 else
                  "partial", "points": n, "heard": f"said {question_id} {n}",
                  "follow_up": f"ask {question_id} again"} for n in range(1, 101)]
        found.append({"id": "bad", "label": "bad", "signal": "bad", "points": 0,
                      "heard": f"said {question_id} badly",
                      **({"red_flag": "rf1"} if question_id == "q1" else {})})
        found.append({"id": "unclear", "label": "unclear", "signal": "unclear", "points": 0,
                      "heard": f"could not say {question_id}"})
        found.append({"id": "oriented", "label": "needs orientation", "signal": "partial",
                      "points": 0, "heard": "need orientation", "orientation": True})
        return found

    data = {
        "version": version,
        "verdict": verdict,
        "questions": [{"id": q, "short": f"Question {q}", "ask": f"Ask {q}?",
                       "options": options(q), "sources": ["s"]}
                      for q in ("q1", "q2", "q3", "q4")],
        "red_flags": [
            {"id": "rf1", "label": "Flag one", "group": "method", "number": 1, "article": "a",
             "sources": ["s"]},
            {"id": "rf2", "label": "Flag two", "group": "method", "number": 2, "article": "a",
             "sources": ["s"]},
            {"id": "c1", "label": "Concern one", "group": "care", "sources": ["s"]},
            {"id": "c2", "label": "Concern two", "group": "care", "sources": ["s"]},
        ],
        "practical": [
            {"id": "cost", "kind": "text", "sources": ["s"]},
            {"id": "length", "kind": "choice", "sources": ["s"], "options": [
                {"id": "ok", "label": "fine"},
                {"id": "deadline", "label": "set time", "red_flag": "rf2",
                 "heard": "expect it done by a date"}]},
        ],
    }
    return checklist_from_data(data, with_rules=True)


def call(answers=None, flags=None, call_id=1, called_at="2026-01-01T10:00", version=1,
         practical=None, notes=None):
    notes = notes or {}
    return {
        "id": call_id, "called_at": called_at, "checklist_version": version,
        "answers": {q: {"option": o, "at": called_at, **({"note": notes[q]} if q in notes else {})}
                    for q, o in (answers or {}).items()},
        "red_flags": {f: {"ticked": True, "at": called_at, **({"note": notes[f]} if f in notes
                                                              else {})}
                      for f in (flags or [])},
        "practical": practical or {},
    }


SYNTHETIC = synthetic_checklist()


def verdict_of(answers, flags=(), checklist=SYNTHETIC, **details):
    return score_call(call(answers, flags, **details), checklist)


def points(*values):
    """Answers to q1, q2, … worth these points."""
    return {f"q{n}": f"p{value}" for n, value in enumerate(values, start=1)}


# -- rule 1: an article red flag decides ------------------------------------------------------


def test_an_article_red_flag_is_not_a_match_whatever_the_score():
    standing = verdict_of(points(100, 100, 100, 100), flags=["rf2"])
    assert standing.verdict == "red_flag"
    assert standing.percent == 100  # the score is still shown, it just does not decide
    assert standing.why == "Not a match: heard on a call (red flag 2: flag two)."
    assert standing.rule == "red_flag"


def test_an_article_red_flag_decides_even_when_nothing_else_was_asked():
    assert verdict_of({}, flags=["rf1"]).verdict == "red_flag"
    assert verdict_of({"q1": "bad"}).verdict == "red_flag"


def test_the_red_flag_sentence_names_the_answer_and_what_was_said():
    standing = verdict_of({"q1": "bad"}, notes={"q1": "0.25 mg every two weeks"})
    assert standing.why == ("Not a match: they said q1 badly (“0.25 mg every two weeks”) "
                            "(red flag 1: flag one).")
    ticked = verdict_of({}, flags=["rf2"], notes={"rf2": "off in six months"})
    assert ticked.why == "Not a match: “off in six months” (red flag 2: flag two)."


def test_the_lowest_numbered_article_flag_is_named_and_the_others_listed():
    standing = verdict_of({}, flags=["c1", "rf2", "rf1"])
    assert standing.why.endswith("(red flag 1: flag one).")
    assert list(standing.hits_by_flag) == ["rf1", "rf2", "c1"]  # listed in this order


def test_a_red_flag_verdict_lists_the_answer_that_raised_it_and_every_bad_answer():
    standing = verdict_of({"q1": "bad", "q2": "bad", "q3": "p100"})
    assert [(a.question_id, a.signal) for a in standing.drivers] == [("q1", "bad"),
                                                                      ("q2", "bad")]


def test_a_bad_answer_linked_to_a_red_flag_counts_as_that_red_flag():
    standing = verdict_of({"q1": "bad", "q2": "p100", "q3": "p100"})
    assert standing.red_flag_ids == ["rf1"]
    assert standing.red_flags[0].via_question == "q1"
    assert standing.verdict == "red_flag"


def test_the_same_red_flag_ticked_and_implied_counts_once():
    standing = verdict_of({"q1": "bad", "q2": "p100", "q3": "p100"}, flags=["rf1"])
    assert standing.red_flag_ids == ["rf1"]
    assert list(standing.hits_by_flag) == ["rf1"] and len(standing.hits_by_flag["rf1"]) == 2


def test_an_unticked_flag_is_not_a_red_flag():
    unticked = call(points(100, 100, 100))
    unticked["red_flags"] = {"rf1": {"ticked": False, "at": "2026-01-01T10:00",
                                     "note": "changed my mind"},
                             "rf2": {"ticked": "", "at": "2026-01-01T10:00"}}
    standing = score_call(unticked, SYNTHETIC)
    assert standing.red_flags == [] and standing.verdict == "strong"


def test_a_practical_answer_can_raise_an_article_red_flag_marked_as_from_that_answer():
    standing = verdict_of(points(100, 100, 100), practical={
        "length": {"option": "deadline", "at": "2026-01-01T10:00", "note": "by June"}})
    assert standing.verdict == "red_flag"
    hit = standing.red_flags[0]
    assert (hit.flag_id, hit.via_question) == ("rf2", "length")
    assert standing.why == "Not a match: they expect it done by a date (“by June”) (red flag 2: flag two)."


def test_a_practical_answer_without_a_red_flag_raises_nothing():
    standing = verdict_of(points(100, 100, 100), practical={
        "length": {"option": "ok", "at": "2026-01-01T10:00"}, "cost": {"text": "$200"}})
    assert standing.red_flags == [] and standing.verdict == "strong"


# -- rule 2: serious concerns -----------------------------------------------------------------


def test_one_concern_rules_out_strong_match_but_not_promising():
    standing = verdict_of(points(100, 100, 100, 100), flags=["c1"])
    assert standing.verdict == "promising"
    assert "a serious concern: concern one" in standing.why
    assert "A serious concern rules out Strong match: concern one." in standing.reasons


@pytest.mark.parametrize("concerns, verdict", [(["c1"], "promising"),
                                               (["c1", "c2"], "not_a_match")])
def test_two_concerns_make_it_not_a_match_one_does_not(concerns, verdict):
    standing = verdict_of(points(100, 100, 100, 100), flags=concerns)
    assert standing.verdict == verdict


def test_the_number_of_concerns_that_decides_comes_from_the_data():
    strict = synthetic_checklist(not_a_match_concerns=1)
    assert verdict_of(points(100, 100, 100), flags=["c1"], checklist=strict).verdict == \
        "not_a_match"


def test_two_concerns_decide_even_before_enough_questions_are_asked():
    standing = verdict_of({"q2": "bad"}, flags=["c1", "c2"])
    assert standing.verdict == "not_a_match" and standing.rule == "concerns"
    assert standing.why == ("Not a match: 2 serious concerns about their care — concern one; "
                            "concern two.")
    assert [a.question_id for a in standing.drivers] == ["q2"]  # the bad answer


# -- rule 3: too few questions ----------------------------------------------------------------


def test_nothing_asked_is_incomplete_with_no_score():
    standing = verdict_of({})
    assert standing.verdict == "incomplete"
    assert standing.percent is None
    assert standing.not_asked == ["q1", "q2", "q3", "q4"]
    assert standing.why == ("Incomplete: 0 of 4 core questions asked so far — on the "
                            "next call, ask about question q1, question q2, question q3 and "
                            "question q4.")


@pytest.mark.parametrize("answers, verdict", [(points(100, 100), "incomplete"),
                                              (points(100, 100, 100), "strong")])
def test_three_core_questions_are_needed_two_are_not_enough(answers, verdict):
    assert verdict_of(answers).verdict == verdict


def test_incomplete_shows_no_percentage_but_how_many_were_asked():
    standing = verdict_of({"q2": "p100"})
    assert standing.percent is None and (standing.earned, standing.possible) == (100, 100)
    assert (standing.asked, standing.core_count) == (1, 4)
    assert standing.why.startswith("Incomplete: 1 of 4 core questions asked so far")
    summary = summary_of(standing)
    assert summary["percent"] is None and (summary["asked"], summary["questions"]) == (1, 4)


def test_incomplete_lists_bad_answers_among_its_drivers():
    standing = verdict_of({"q2": "bad", "q3": "p100"})
    assert standing.verdict == "incomplete"
    assert [a.question_id for a in standing.drivers] == ["q2"]


def test_a_concern_heard_before_enough_is_asked_is_given_as_a_reason():
    standing = verdict_of({"q1": "p100"}, flags=["c1"])
    assert standing.verdict == "incomplete"
    assert "A serious concern rules out Strong match: concern one." in standing.reasons


# -- rule 4: the score ------------------------------------------------------------------------


@pytest.mark.parametrize("answers, verdict", [
    (points(60, 45, 45), "promising"),        # exactly 50 %
    (points(60, 45, 44), "not_a_match"),      # 49.7 %
    (points(60, 45, 45, 50), "promising"),    # exactly 50 % of four
    (points(60, 45, 45, 49), "not_a_match"),  # 49.75 %
])
def test_promising_needs_at_least_half_the_points_exactly_half_is_enough(answers, verdict):
    assert verdict_of(answers).verdict == verdict


def test_a_low_score_names_the_weak_answers_bad_first():
    standing = verdict_of({"q1": "p60", "q2": "unclear", "q3": "p10", "q4": "bad"})
    assert standing.verdict == "not_a_match" and standing.rule == "low_score"
    assert [a.question_id for a in standing.drivers] == ["q4", "q2", "q3"]
    assert standing.why == ("Not a match: 70 of 400 points on the 4 core questions asked, "
                            "under the 50 % Promising needs.")


# -- rule 5: the step-size question decides Promising ------------------------------------------


def test_without_the_decisive_question_three_perfect_answers_are_incomplete():
    standing = verdict_of({"q2": "p100", "q3": "p100", "q4": "p100"})
    assert standing.verdict == "incomplete" and standing.rule == "decisive"
    assert standing.why == ("Incomplete: no answer yet about question q1 — ask about it on "
                            "the next call.")


def test_an_unclear_or_partial_decisive_answer_is_incomplete_and_says_what_to_ask():
    partial = verdict_of({"q1": "p59", "q2": "p100", "q3": "p100", "q4": "p100"})
    assert partial.verdict == "incomplete"
    assert partial.why == "Incomplete: they said q1 59 — ask q1 again"
    unclear = verdict_of({"q1": "unclear", "q2": "p100", "q3": "p100", "q4": "p100"})
    assert unclear.verdict == "incomplete"
    assert unclear.why == "Incomplete: they could not say q1 — ask q1?"  # the question itself


def test_a_bad_decisive_answer_that_raises_no_red_flag_is_not_a_match():
    checklist = synthetic_checklist(decisive_question="q2")
    standing = verdict_of({"q1": "p100", "q2": "bad", "q3": "p100", "q4": "p100"},
                          checklist=checklist)
    assert standing.verdict == "not_a_match" and standing.rule == "decisive"
    assert [a.question_id for a in standing.drivers] == ["q2"]


# -- rules 6 and 7: Strong match and Promising --------------------------------------------------


@pytest.mark.parametrize("answers, verdict", [
    (points(80, 80, 80, 80), "strong"),      # exactly 80 %
    (points(80, 80, 80, 79), "promising"),   # 79.75 %: every method answer good, score short
    (points(80, 80, 80), "strong"),          # exactly 80 % of three
])
def test_strong_match_needs_at_least_80_percent_exactly_80_is_enough(answers, verdict):
    assert verdict_of(answers).verdict == verdict


def test_the_score_thresholds_come_from_the_checklist_data():
    lenient = synthetic_checklist(strong_min_percent=70, min_core_answered=2)
    assert verdict_of(points(70, 70), checklist=lenient).verdict == "promising"  # q3 missing
    assert verdict_of(points(70, 70)).verdict == "incomplete"
    assert verdict_of(points(70, 70, 70), checklist=lenient).verdict == "strong"
    assert verdict_of(points(70, 70, 70)).verdict == "promising"
    assert verdict_of({"q2": "p100", "q3": "p100"}, checklist=lenient).rule == "decisive"


def test_strong_match_needs_every_method_question_answered_well():
    standing = verdict_of(points(100, 100, 59, 100))
    assert standing.verdict == "promising"
    assert standing.why == "Promising: they said q1 100; not yet a Strong match: they said q3 59."
    missing = verdict_of(points(100, 100) | {"q4": "p100"})
    assert missing.verdict == "promising"
    assert "no answer yet about question q3" in missing.why


def test_strong_match_names_the_method_answers_that_drove_it():
    standing = verdict_of(points(100, 90, 80))
    assert standing.verdict == "strong"
    assert [a.question_id for a in standing.drivers] == ["q1", "q2", "q3"]
    assert standing.why == "Strong match: they said q1 100, they said q2 90 and they said q3 80."


def test_promising_lists_the_decisive_answer_then_what_kept_it_from_strong_bad_first():
    standing = verdict_of({"q1": "p100", "q2": "p40", "q3": "bad", "q4": "p100"})
    assert standing.verdict == "promising"
    assert [(a.question_id, a.signal) for a in standing.drivers] == [
        ("q1", "good"), ("q3", "bad"), ("q2", "partial")]
    assert standing.follow_ups == ["ask q2 again"]


def test_not_knowing_the_literature_never_blocks_strong_but_asks_for_orientation():
    lenient = synthetic_checklist(strong_min_percent=75)  # 300 of 400 points
    standing = verdict_of(points(100, 100, 100) | {"q4": "oriented"}, checklist=lenient)
    assert standing.verdict == "strong" and standing.needs_orientation
    assert not verdict_of(points(100, 100, 100, 100)).needs_orientation
    ruled_out = verdict_of({"q1": "bad", "q4": "oriented"})
    assert not ruled_out.needs_orientation  # no one to orient


def test_unclear_counts_as_asked_earns_nothing_and_is_listed_to_ask_again():
    standing = verdict_of({"q1": "p100", "q2": "p100", "q3": "unclear"})
    assert (standing.earned, standing.possible) == (200, 300)
    assert standing.unclear == ["q3"]
    assert standing.not_asked == ["q4"]
    assert standing.verdict == "promising"


def test_not_asked_is_left_out_of_the_score():
    asked_three = verdict_of(points(100, 100, 100))
    assert (asked_three.earned, asked_three.possible) == (300, 300)
    assert asked_three.verdict == "strong"


def test_unknown_answer_ids_are_ignored_and_the_answers_after_them_still_count():
    standing = verdict_of({"q1": "no-such-option", "nope": "p100", "q2": "p100", "q3": "p100"})
    assert [a.question_id for a in standing.answers] == ["q2", "q3"]


# -- combining several calls ----------------------------------------------------------------


def combine(calls, cleared=None, checklists=None, current=SYNTHETIC):
    checklists = checklists or {1: SYNTHETIC}
    return standing_for(calls, checklists.__getitem__, cleared or {}, current=current)


def test_latest_call_answer_wins_and_records_which_call_it_came_from():
    front_desk = call({"q1": "p20", "q2": "p100"}, call_id=1, called_at="2026-01-01T09:00")
    clinician = call({"q1": "p100"}, call_id=2, called_at="2026-01-05T09:00")
    standing = combine([clinician, front_desk])  # order given does not matter
    by_question = {a.question_id: a for a in standing.answers}
    assert by_question["q1"].points == 100 and by_question["q1"].call_id == 2
    assert by_question["q2"].call_id == 1


def test_latest_answer_follows_when_the_call_was_made_not_its_id():
    entered_late = call({"q1": "p20"}, call_id=9, called_at="2026-01-01T09:00")
    newer_call = call({"q1": "p100"}, call_id=3, called_at="2026-01-05T09:00")
    assert {a.question_id: a.points for a in combine([newer_call, entered_late]).answers} == \
        {"q1": 100}
    same_time = [call({"q1": "p20"}, call_id=4), call({"q1": "p100"}, call_id=5)]
    assert combine(same_time).answers[0].call_id == 5  # the same minute: the later id


def test_a_red_flag_heard_in_any_call_stays_until_cleared():
    first = call({"q2": "p100"}, flags=["rf2"], call_id=1, called_at="2026-01-01T09:00")
    second = call({"q1": "p100", "q3": "p100"}, call_id=2, called_at="2026-01-05T09:00")
    assert combine([first, second]).red_flag_ids == ["rf2"]
    cleared = combine([first, second], cleared={"rf2": "2026-01-06T00:00"})
    assert cleared.red_flag_ids == []
    assert cleared.verdict == "strong"


def test_a_flag_heard_at_the_moment_it_was_cleared_is_cleared_one_heard_after_is_not():
    heard = call(points(100, 100, 100), flags=["rf2"], called_at="2026-01-06T00:00")
    assert combine([heard], cleared={"rf2": "2026-01-06T00:00"}).red_flag_ids == []
    assert combine([heard], cleared={"rf2": "2026-01-05T23:59"}).red_flag_ids == ["rf2"]


def test_a_red_flag_heard_again_after_clearing_comes_back():
    later = call(flags=["rf2"], call_id=3, called_at="2026-02-01T09:00")
    standing = combine([later], cleared={"rf2": "2026-01-06T00:00"})
    assert standing.red_flag_ids == ["rf2"]


def test_a_red_flag_raised_by_a_practical_answer_can_be_cleared_like_any_other():
    first = call(points(100, 100, 100), called_at="2026-01-01T09:00",
                 practical={"length": {"option": "deadline", "at": "2026-01-01T09:00"}})
    assert combine([first]).verdict == "red_flag"
    assert combine([first], cleared={"rf2": "2026-01-02T00:00"}).verdict == "strong"


def test_a_bad_answer_later_corrected_keeps_its_red_flag_until_cleared():
    first = call({"q1": "bad"}, call_id=1, called_at="2026-01-01T09:00")
    second = call(points(100, 100, 100), call_id=2, called_at="2026-01-02T09:00")
    standing = combine([first, second])
    assert standing.red_flag_ids == ["rf1"]
    assert standing.verdict == "red_flag"
    assert combine([first, second], cleared={"rf1": "2026-01-03T00:00"}).verdict == "strong"


def test_every_call_is_scored_by_the_newest_rules_whatever_version_it_was_filled_against():
    stricter_v2 = synthetic_checklist(version=2, strong_min_percent=95)
    old = call(points(90, 90, 90), version=1)
    checklists = {1: SYNTHETIC, 2: stricter_v2}
    assert combine([old], checklists=checklists, current=SYNTHETIC).verdict == "strong"
    assert combine([old], checklists=checklists, current=stricter_v2).verdict == "promising"


def test_an_option_the_newest_checklist_retired_is_read_as_its_own_version_defined_it():
    v1 = synthetic_checklist(version=1)
    v2_data = synthetic_checklist(version=2).data
    for question in v2_data["questions"]:
        question["options"] = [o for o in question["options"] if o["id"] != "p90"]
    v2 = checklist_from_data(v2_data, with_rules=True)
    old = call({"q1": "p90", "q2": "retired-and-unknown", "q3": "p100"}, version=1)
    standing = combine([old], checklists={1: v1, 2: v2}, current=v2)
    assert {a.question_id: a.points for a in standing.answers} == {"q1": 90, "q3": 100}


def test_latest_practical_answer_wins():
    first = call(practical={"cost": {"text": "$300"}}, call_id=1, called_at="2026-01-01T09:00")
    second = call(practical={"cost": {"text": "$250 self-pay"}}, call_id=2,
                  called_at="2026-01-02T09:00")
    assert combine([first, second]).practical["cost"]["text"] == "$250 self-pay"
    assert combine([first, second]).practical["cost"]["call_id"] == 2


def test_latest_answers_are_what_the_standing_is_built_from():
    first = call({"q1": "p20", "q2": "bad"}, call_id=1, called_at="2026-01-01T09:00",
                 practical={"cost": {"text": "$300"}})
    second = call({"q1": "p100", "q3": "nonsense"}, call_id=2, called_at="2026-01-05T09:00",
                  practical={"cost": {"text": ""}})
    known = latest_answers([second, first], {1: SYNTHETIC}.__getitem__)
    assert {q: (a.option_id, a.call_id) for q, a in known.core.items()} == {
        "q1": ("p100", 2), "q2": ("bad", 1)}  # unknown options are not answers
    assert known.practical["cost"]["text"] == "$300"  # an empty answer does not replace one
    standing = combine([first, second])
    assert {a.question_id: a.option_id for a in standing.answers} == {
        q: a.option_id for q, a in known.core.items()}


def test_summary_holds_what_the_shortlist_needs():
    standing = verdict_of(points(100, 100, 100), flags=["c1"])
    summary = summary_of(standing, last_call_at="2026-01-01T10:00")
    assert summary == {"verdict": "promising", "percent": 100, "earned": 300, "possible": 300,
                       "red_flags": ["c1"], "asked": 3, "questions": 4, "not_asked": 1,
                       "why": standing.why, "last_call_at": "2026-01-01T10:00"}


# -- the real checklist: the situations the article decides --------------------------------------

GOOD = {"step_size": "percent_of_current", "liquid_formulation": "yes_with_pharmacy",
        "bad_reaction": "hold_or_updose", "knows_literature": "knows"}


def real(answers, flags=(), practical=None, notes=None):
    return score_call(call(answers, flags, practical=practical, notes=notes, version=2), REAL)


def test_a_textbook_hyperbolic_clinic_is_a_strong_match():
    standing = real(GOOD)
    assert (standing.verdict, standing.percent) == ("strong", 100)
    assert standing.why == (
        "Strong match: they cut a percentage of the current dose, so the steps get smaller, "
        "they use liquid or compounded doses at the end, with a pharmacy that makes them and "
        "they hold the dose, or go back up a little, after a bad reaction.")


def test_fixed_mg_steps_with_three_good_answers_is_not_a_match_red_flag_1():
    standing = real({**GOOD, "step_size": "fixed_mg"},
                    notes={"step_size": "0.25 mg every two weeks"})
    assert standing.verdict == "red_flag"
    assert standing.why == ("Not a match: they cut a fixed mg step at regular intervals "
                            "(“0.25 mg every two weeks”) (red flag 1: fixed mg steps at fixed "
                            "intervals).")


def test_tablets_only_with_three_good_answers_is_not_a_match_red_flag_2():
    standing = real({**GOOD, "liquid_formulation": "refuses"})
    assert standing.verdict == "red_flag" and "red flag 2" in standing.why


def test_three_good_answers_without_step_size_are_not_a_strong_match():
    standing = real({k: v for k, v in GOOD.items() if k != "step_size"})
    assert standing.verdict == "incomplete"
    assert standing.why == ("Incomplete: no answer yet about step size as the dose falls — "
                            "ask about it on the next call.")


def test_a_percentage_not_clearly_of_the_current_dose_is_not_a_strong_match():
    standing = real({**GOOD, "step_size": "percent_unclear_base"})
    assert standing.verdict == "incomplete"
    assert "ask whether the percentage is taken from the current dose" in standing.why


def test_a_short_pause_then_back_on_schedule_is_a_bad_answer_and_not_a_strong_match():
    standing = real({**GOOD, "bad_reaction": "short_pause"})
    assert standing.verdict == "promising"
    assert ("not yet a Strong match: they pause briefly after a bad reaction, then go back on "
            "schedule") in standing.why
    assert [a.option_id for a in standing.drivers] == ["percent_of_current", "short_pause"]
    assert standing.red_flags == []


def test_a_red_flag_heard_on_a_first_short_call_is_enough():
    standing = real({}, flags=["deadline"], notes={"deadline": "off in six months"})
    assert standing.verdict == "red_flag"
    assert standing.why == ("Not a match: “off in six months” (red flag 3: deadline "
                            "expectations).")


@pytest.mark.parametrize("question, option, number", [
    ("taper_length", "limited", 3),
    ("patient_pace", "clinician", 5),
])
def test_practical_answers_in_the_articles_words_raise_its_red_flags(question, option, number):
    standing = real(GOOD, practical={question: {"option": option, "at": "2026-01-01T10:00"}})
    assert standing.verdict == "red_flag"
    assert f"(red flag {number}:" in standing.why
    assert standing.red_flags[0].via_question == question


def test_a_clinic_that_sets_the_pace_but_adjusts_it_raises_nothing():
    standing = real(GOOD, practical={"patient_pace": {"option": "clinic_adjusts"}})
    assert standing.verdict == "strong"


@pytest.mark.parametrize("question, option, number", [
    ("step_size", "percent_of_starting", 1),
    ("bad_reaction", "anxiety_or_psychiatry", 4),
])
def test_the_new_answer_options_raise_their_red_flags(question, option, number):
    standing = real({**GOOD, question: option})
    assert standing.verdict == "red_flag" and f"(red flag {number}:" in standing.why


def test_not_knowing_horowitz_and_taylor_is_strong_with_orientation():
    standing = real({**GOOD, "knows_literature": "does_not_know"})
    assert (standing.verdict, standing.earned, standing.possible) == ("strong", 9, 11)
    assert standing.needs_orientation


def test_only_the_liquids_question_asked_reads_as_one_of_four_not_a_perfect_score():
    standing = real({"liquid_formulation": "yes_with_pharmacy"})
    assert standing.verdict == "incomplete" and standing.percent is None
    assert standing.why.startswith("Incomplete: 1 of 4 core questions asked so far")


def test_a_concern_from_the_other_articles_rules_out_strong():
    standing = real(GOOD, flags=["adds_sleep_drugs"])
    assert standing.verdict == "promising"
    assert "a serious concern: routinely adds a Z-drug or an antipsychotic" in standing.why


def test_every_article_red_flag_is_numbered_in_the_articles_order():
    assert REAL.method_flag_ids() == ["fixed_mg_steps", "refuses_liquid", "deadline",
                                      "pushes_through_flares", "inflexible_schedule"]


# -- the upgrade: data written by the release before these rules --------------------------------

V1_FIXTURE = REPO / "tests" / "fixtures" / "checklist-v1"
# What the release before checklist version 2 said of each provider, and what follows now.
V1_VERDICTS = {
    "Dr Fixed Steps": ("promising", "red_flag"),
    "Dr Tablets Only": ("promising", "red_flag"),
    "Dr Never Asked Steps": ("strong", "incomplete"),
    "Dr Vague Percent": ("strong", "incomplete"),
    "Dr Short Pause": ("strong", "promising"),
    "Dr First Call Flag": ("incomplete", "red_flag"),
    "Dr Six Months": ("strong", "red_flag"),
    "Dr Textbook": ("strong", "strong"),
}


@pytest.fixture()
def upgraded(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(V1_FIXTURE, folder)
    store = Store(folder, indexes=STORE_INDEXES)
    before = {p["name"]: p["standing"]["verdict"] for p in store.all("providers")}
    directory = Directory(store, REAL)
    directory.refresh_standings_if_rules_changed("2/2")
    return before, directory


def test_an_upgrade_recomputes_every_verdict_with_the_corrected_rules(upgraded):
    before, directory = upgraded
    assert before == {name: old for name, (old, _) in V1_VERDICTS.items()}
    after = {p["name"]: p["standing"]["verdict"] for p in directory.providers()}
    assert after == {name: new for name, (_, new) in V1_VERDICTS.items()}


def test_after_an_upgrade_no_provider_keeps_a_positive_verdict_with_an_article_red_flag(upgraded):
    _, directory = upgraded
    article_flags = set(REAL.method_flag_ids())
    for provider in directory.providers():
        standing = provider["standing"]
        if article_flags & set(standing["red_flags"]):
            assert standing["verdict"] == "red_flag", provider["name"]


def test_an_upgrade_keeps_which_verdicts_changed_until_the_note_is_hidden(upgraded):
    _, directory = upgraded
    changes = directory.verdict_changes()
    changed = {c["name"]: (c["before"], c["after"]) for c in changes["changes"]}
    assert changed == {name: pair for name, pair in V1_VERDICTS.items() if pair[0] != pair[1]}
    directory.refresh_standings_if_rules_changed("2/2")  # the next start changes nothing
    assert directory.verdict_changes() == changes
    directory.hide_verdict_changes()
    assert directory.verdict_changes() is None
    directory.hide_verdict_changes(False)  # the undo
    assert directory.verdict_changes()["changes"] == changes["changes"]


def test_a_new_data_folder_has_no_verdict_changes_to_show(tmp_path):
    directory = Directory(Store(tmp_path / "data", indexes=STORE_INDEXES), REAL)
    directory.add_provider({"name": "Dr New"})
    directory.refresh_standings_if_rules_changed("2/2")
    assert directory.verdict_changes() is None


def test_a_long_note_is_shortened_in_the_sentence_at_a_word():
    note = "They said " + "we always go down by the same amount " * 5
    standing = verdict_of({}, flags=["rf2"], notes={"rf2": note})
    quoted = standing.why.split("“")[1].split("”")[0]
    assert quoted.endswith("…") and len(quoted) <= 91
    assert note.startswith(quoted[:-1]) and not quoted[:-1].endswith(" ")


# -- what mutation testing showed unpinned ------------------------------------------------------


def test_each_verdict_names_the_rule_that_decided_it_and_gives_no_stray_reasons():
    cases = [
        (verdict_of({"q1": "bad"}), "red_flag", "red_flag"),
        (verdict_of(points(100, 100, 100), flags=["c1", "c2"]), "not_a_match", "concerns"),
        (verdict_of(points(100)), "incomplete", "incomplete"),
        (verdict_of(points(60, 10, 10)), "not_a_match", "low_score"),
        (verdict_of({"q2": "p100", "q3": "p100", "q4": "p100"}), "incomplete", "decisive"),
        (verdict_of(points(100, 100, 100)), "strong", "strong"),
        (verdict_of(points(100, 100, 59)), "promising", "promising"),
    ]
    for standing, verdict, rule in cases:
        assert (standing.verdict, standing.rule) == (verdict, rule)
        if rule != "incomplete":
            assert standing.reasons == [], rule  # the sentence and the lists say it all


def test_the_decisive_question_verdicts_list_what_drove_them():
    missing = verdict_of({"q2": "p100", "q3": "bad", "q4": "p100"})
    assert [a.question_id for a in missing.drivers] == ["q3"]
    partial = verdict_of({"q1": "p59", "q2": "bad", "q3": "p100", "q4": "p100"})
    assert partial.rule == "decisive"
    assert [a.question_id for a in partial.drivers] == ["q1", "q2"]


def test_the_answer_that_raised_the_red_flag_comes_first_among_the_drivers():
    checklist = synthetic_checklist()
    data = checklist.data
    q3 = next(q for q in data["questions"] if q["id"] == "q3")
    q3["options"].append({"id": "flagged", "label": "flagged", "signal": "bad", "points": 0,
                          "red_flag": "rf2", "heard": "said q3 with a flag"})
    flagged = checklist_from_data(data, with_rules=True)
    standing = verdict_of({"q2": "bad", "q3": "flagged"}, checklist=flagged)
    assert [a.question_id for a in standing.drivers] == ["q3", "q2"]


def test_an_answer_carries_its_question_option_call_and_note_as_shown_on_pages():
    standing = verdict_of({"q1": "p100", "q2": "p90"}, notes={"q1": "10 % of now"}, call_id=7)
    first, second = standing.answers
    assert (first.question, first.option_label, first.call_id, first.note) == (
        "Question q1", "100 points", 7, "10 % of now")
    assert (second.note, second.follow_up, second.orientation) == ("", "ask q2 again", False)
    hit = verdict_of({}, flags=["rf2"], call_id=7).red_flags[0]
    assert (hit.call_id, hit.note, hit.label, hit.number) == (7, "", "Flag two", 2)


def test_a_red_flag_raised_by_an_answer_without_a_note_names_only_the_answer():
    assert verdict_of({"q1": "bad"}).why == "Not a match: they said q1 badly (red flag 1: flag one)."


def test_a_ticked_flag_or_answer_with_no_time_counts_until_cleared():
    untimed = call({"q1": "bad"}, flags=["rf2"])
    del untimed["red_flags"]["rf2"]["at"], untimed["answers"]["q1"]["at"]
    assert combine([untimed]).red_flag_ids == ["rf2", "rf1"]
    assert combine([untimed], cleared={"rf2": "2026-01-01T00:00",
                                       "rf1": "2026-01-01T00:00"}).red_flag_ids == []


def test_a_call_with_no_time_counts_as_the_earliest():
    undated = call({"q1": "p100"}, call_id=8)
    undated["called_at"] = ""
    dated = call({"q1": "p20"}, call_id=2, called_at="2026-01-01T09:00")
    assert combine([dated, undated]).answers[0].call_id == 2


def test_calls_made_the_same_minute_count_in_the_order_they_were_entered():
    same_time = [call({"q1": "p100"}, call_id=5), call({"q1": "p20"}, call_id=4)]
    assert combine(same_time).answers[0].call_id == 5


def newer_version(change):
    data = synthetic_checklist(version=2).data
    change(data)
    return checklist_from_data(data, with_rules=True)


def test_an_option_whose_meaning_was_corrected_is_scored_by_the_correction():
    def demote_p100_of_q3(data):
        q3 = next(q for q in data["questions"] if q["id"] == "q3")
        for option in q3["options"]:
            if option["id"] == "p100":
                option.update(signal="bad", points=0, heard="said q3 badly now")
    v2 = newer_version(demote_p100_of_q3)
    old = call(points(100, 100, 100), version=1)
    standing = combine([old], checklists={1: SYNTHETIC, 2: v2}, current=v2)
    assert (standing.verdict, standing.earned) == ("promising", 200)
    assert "they said q3 badly now" in standing.why


def test_a_red_flag_is_named_as_the_newest_checklist_names_it_or_else_as_its_own_version():
    def rename_rf2_and_retire_c1(data):
        data["red_flags"] = [f for f in data["red_flags"] if f["id"] != "c1"]
        next(f for f in data["red_flags"] if f["id"] == "rf2")["label"] = "Flag two, renamed"
    v2 = newer_version(rename_rf2_and_retire_c1)
    old = call(flags=["rf2", "c1"], version=1)
    standing = combine([old], checklists={1: SYNTHETIC, 2: v2}, current=v2)
    assert [(h.flag_id, h.label) for h in standing.red_flags] == [
        ("rf2", "Flag two, renamed"), ("c1", "Concern one")]


def test_a_retired_option_without_heard_words_is_named_by_its_label():
    old_data = synthetic_checklist().data
    for question in old_data["questions"]:
        for option in question["options"]:
            option.pop("heard", None)
    v1 = checklist_from_data(old_data)
    v2 = newer_version(lambda data: next(q for q in data["questions"] if q["id"] == "q2")
                       ["options"].pop(99))  # p100 of q2 retired
    standing = combine([call(points(100, 100, 100), version=1)],
                       checklists={1: v1, 2: v2}, current=v2)
    assert "they 100 points" in standing.why


def test_a_practical_option_retired_since_still_raises_its_red_flag():
    def retire_deadline(data):
        length = next(q for q in data["practical"] if q["id"] == "length")
        length["options"] = [o for o in length["options"] if o["id"] != "deadline"]
    v2 = newer_version(retire_deadline)
    old = call(points(100, 100, 100), version=1,
               practical={"length": {"option": "deadline", "at": "2026-01-01T10:00"}})
    standing = combine([old], checklists={1: SYNTHETIC, 2: v2}, current=v2)
    assert standing.verdict == "red_flag"


@pytest.mark.parametrize("answer, kept", [
    ({"option": "ok"}, True), ({"text": "$200"}, True), ({"states": ["CA"]}, True),
    ({"note": "call back"}, True), ({}, False), ({"text": "", "states": []}, False),
])
def test_a_practical_answer_is_kept_when_it_holds_anything(answer, kept):
    standing = verdict_of({}, practical={"length": answer})
    assert ("length" in standing.practical) is kept


def test_one_question_left_to_ask_is_named_alone():
    strict = synthetic_checklist(min_core_answered=4)
    standing = verdict_of(points(100, 100, 100), checklist=strict)
    assert standing.why == ("Incomplete: 3 of 4 core questions asked so far — on the "
                            "next call, ask about question q4.")


def test_two_concerns_that_do_not_decide_are_listed_together():
    lenient = synthetic_checklist(not_a_match_concerns=3)
    standing = verdict_of(points(100, 100, 100), flags=["c1", "c2"], checklist=lenient)
    assert standing.verdict == "promising"
    assert standing.reasons == ["Serious concerns: concern one; concern two."]


@pytest.mark.parametrize("length, shortened", [(90, False), (91, True)])
def test_a_note_of_up_to_90_characters_is_quoted_whole(length, shortened):
    note = ("abcd " * 20)[:length - 1] + "z"
    standing = verdict_of({}, flags=["rf2"], notes={"rf2": note})
    quoted = standing.why.split("“")[1].split("”")[0]
    if shortened:
        assert quoted == "abcd " * 17 + "abcd…"
    else:
        assert quoted == note


def test_a_bad_decisive_answer_says_so_in_one_sentence():
    checklist = synthetic_checklist(decisive_question="q2")
    standing = verdict_of({"q1": "p100", "q2": "bad", "q3": "p100", "q4": "p100"},
                          checklist=checklist)
    assert standing.why == "Not a match: they said q2 badly."
    assert standing.reasons == []


def test_an_unclear_decisive_answer_gives_no_stray_reasons():
    standing = verdict_of({"q1": "unclear", "q2": "p100", "q3": "p100", "q4": "p100"})
    assert standing.rule == "decisive" and standing.reasons == []


def test_promising_names_everything_still_missing_for_strong_in_one_sentence():
    standing = verdict_of({"q1": "p100", "q2": "p40", "q4": "p100"}, flags=["c1"])
    assert standing.why == ("Promising: they said q1 100; not yet a Strong match: they said "
                            "q2 40; no answer yet about question q3; a serious concern: "
                            "concern one.")


@pytest.mark.parametrize("summary, short, words", [
    ({"verdict": "promising", "percent": 73}, False, "73 %"),
    ({"verdict": "red_flag", "percent": 0}, True, "0 %"),
    ({"verdict": "incomplete", "percent": None, "asked": 1, "questions": 4}, False,
     "1 of 4 core questions asked"),
    ({"verdict": "incomplete", "percent": None, "asked": 1, "questions": 4}, True,
     "1 of 4 asked"),
    ({"verdict": "incomplete", "percent": 100, "asked": 2, "questions": 4}, True,
     "2 of 4 asked"),  # a summary stored before Incomplete hid its percentage
    ({"verdict": "incomplete", "percent": None, "asked": 0, "questions": 4}, True,
     "0 of 4 asked"),
    ({"verdict": "red_flag", "percent": None, "asked": 0, "questions": 4}, False,
     "0 of 4 core questions asked"),
    ({"verdict": "incomplete", "percent": None}, False, "no score yet"),  # the oldest kind
])
def test_score_words_never_show_a_percentage_for_incomplete(summary, short, words):
    assert score_words(summary, short=short) == words
    if not short:
        assert score_words(summary) == words
