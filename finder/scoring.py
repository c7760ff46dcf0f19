"""Scores screening calls and reaches a verdict, showing which answers drove it.

Pure module: plain data in (call records as stored, Checklist objects), plain data out.

Rules, in the words shown to users:
- The score is the points earned over the points possible, counting only the core questions
  actually asked. "Not asked yet" is left out of the score and listed to ask on the callback;
  an unclear answer counts as asked, earns nothing, and is listed to ask again.
- Over several calls, the latest call's answer to each question wins; a red flag heard in any
  call stays until the user clears it.
- Any red flag rules out "Strong match"; enough red flags make it "Not a match" whatever the
  score. The thresholds come from the checklist data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping

from finder.checklist import Checklist

__all__ = [
    "SCORING_REVISION",
    "AnswerScore",
    "RedFlagHit",
    "Standing",
    "LatestAnswers",
    "latest_answers",
    "score_call",
    "standing_for",
    "verdict_for",
    "summary_of",
]

# Raise when these rules change: stored shortlist summaries are rebuilt on the next start.
SCORING_REVISION = 1


@dataclass(frozen=True)
class AnswerScore:
    """One core question's answer and what it contributed."""

    question_id: str
    question: str
    option_id: str
    option_label: str
    signal: str
    points: int
    max_points: int
    call_id: int | None
    note: str = ""
    red_flag: str | None = None


@dataclass(frozen=True)
class RedFlagHit:
    """A red flag heard in a call, ticked by hand or implied by a bad answer."""

    flag_id: str
    label: str
    call_id: int | None
    at: str
    via_question: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Standing:
    """Where a provider (or one call) stands: answers, gaps, red flags, score and verdict."""

    answers: list[AnswerScore]
    not_asked: list[str]
    unclear: list[str]
    red_flags: list[RedFlagHit]
    earned: int
    possible: int
    verdict: str
    reasons: list[str]
    drivers: list[AnswerScore] = field(default_factory=list)
    practical: dict[str, dict] = field(default_factory=dict)

    @property
    def percent(self) -> int | None:
        """The score as a whole percentage, or None when nothing has been asked."""
        if not self.possible:
            return None
        return round(100 * self.earned / self.possible)

    @property
    def red_flag_ids(self) -> list[str]:
        return list(dict.fromkeys(hit.flag_id for hit in self.red_flags))

    @property
    def hits_by_flag(self) -> dict[str, list[RedFlagHit]]:
        """Each red flag heard, with every time it was heard, in the order of red_flag_ids."""
        grouped: dict[str, list[RedFlagHit]] = {}
        for hit in self.red_flags:
            grouped.setdefault(hit.flag_id, []).append(hit)
        return grouped


@dataclass(frozen=True)
class LatestAnswers:
    """The last answer given to each question over some calls, by question id."""

    core: dict[str, AnswerScore]
    practical: dict[str, dict]


def latest_answers(calls: Iterable[Mapping],
                   checklist_for: Callable[[int], Checklist]) -> LatestAnswers:
    """What some calls already tell, question by question: for a call, all the others."""
    core: dict[str, AnswerScore] = {}
    practical: dict[str, dict] = {}
    for call in _in_call_order(calls):
        checklist = checklist_for(call["checklist_version"])
        core.update(_answers_in(call, checklist))
        practical.update(_practical_in(call, checklist))
    return LatestAnswers(core, practical)


def score_call(call: Mapping, checklist: Checklist) -> Standing:
    """The standing from one call on its own."""
    return standing_for([call], lambda version: checklist, cleared_flags={})


def standing_for(calls: Iterable[Mapping],
                 checklist_for: Callable[[int], Checklist],
                 cleared_flags: Mapping[str, str] | None = None,
                 current: Checklist | None = None) -> Standing:
    """Combine a provider's calls into one standing.

    `checklist_for(version)` returns the checklist a call was filled against, so each answer
    is scored by the rules it was given under. `cleared_flags` maps a red flag id to when the
    user cleared it; hits heard before that no longer count. The questions still to ask come
    from the newest checklist among the calls (or `current` when there are no calls).
    """
    ordered = _in_call_order(calls)
    newest = checklist_for(ordered[-1]["checklist_version"]) if ordered else current
    if newest is None:
        raise ValueError("standing_for needs calls or a current checklist")
    latest: dict[str, AnswerScore] = {}
    hits: list[RedFlagHit] = []
    practical: dict[str, dict] = {}
    for call in ordered:
        checklist = checklist_for(call["checklist_version"])
        answers = _answers_in(call, checklist)
        latest.update(answers)
        hits.extend(_red_flags_in(call, checklist, answers))
        practical.update(_practical_in(call, checklist))
    cleared = cleared_flags or {}
    hits = [h for h in hits if h.at > cleared.get(h.flag_id, "")]
    answers = [latest[q] for q in newest.questions if q in latest]
    answers += [a for q, a in latest.items() if q not in newest.questions]
    return _standing(newest, answers, hits, practical)


def _standing(checklist: Checklist, answers: list[AnswerScore], hits: list[RedFlagHit],
              practical: dict[str, dict]) -> Standing:
    answered = {a.question_id for a in answers}
    not_asked = [q for q in checklist.questions if q not in answered]
    unclear = [a.question_id for a in answers if a.signal == "unclear"]
    earned = sum(a.points for a in answers)
    possible = sum(a.max_points for a in answers)
    red_flag_count = len({h.flag_id for h in hits})
    verdict, reasons, drivers = verdict_for(
        answers, red_flag_count, len(not_asked), checklist.thresholds)
    flag_reasons = [f"Red flag: {h.label}" for h in _unique_hits(hits)]
    return Standing(answers=answers, not_asked=not_asked, unclear=unclear,
                    red_flags=hits, earned=earned, possible=possible, verdict=verdict,
                    reasons=flag_reasons + reasons, drivers=drivers, practical=practical)


def verdict_for(answers: list[AnswerScore], red_flag_count: int, not_asked_count: int,
                thresholds: Mapping[str, int]) -> tuple[str, list[str], list[AnswerScore]]:
    """The verdict id, the reasons in plain words, and the answers that drove it."""
    earned = sum(a.points for a in answers)
    possible = sum(a.max_points for a in answers)
    asked = len(answers)
    score = f"{earned} of {possible} points over {asked} core question{'s' * (asked != 1)} asked"
    good = [a for a in answers if a.signal == "good"]
    weak = [a for a in answers if a.signal in ("bad", "unclear", "partial")]

    def reaches(percent: int) -> bool:
        return possible > 0 and earned * 100 >= percent * possible

    if red_flag_count >= thresholds["not_a_match_red_flags"]:
        return "not_a_match", [f"{red_flag_count} red flags heard.", score + "."], weak
    if asked < thresholds["min_core_answered"]:
        return "incomplete", [
            f"Only {asked} of the core questions asked; "
            f"at least {thresholds['min_core_answered']} are needed for a verdict.",
            f"{not_asked_count} still to ask."], []
    if red_flag_count == 0 and reaches(thresholds["strong_min_percent"]):
        return "strong", [score + f", at least {thresholds['strong_min_percent']} %."], good
    if reaches(thresholds["promising_min_percent"]):
        reasons = [score + f", at least {thresholds['promising_min_percent']} %."]
        if red_flag_count:
            reasons.append("A red flag rules out Strong match.")
        else:
            reasons.append(f"Below the {thresholds['strong_min_percent']} % needed for "
                           "Strong match.")
        return "promising", reasons, good + weak
    return "not_a_match", [
        score + f", below {thresholds['promising_min_percent']} %."], weak


def summary_of(standing: Standing, last_call_at: str | None = None) -> dict:
    """The few figures the shortlist shows and filters on, as plain storable data."""
    return {
        "verdict": standing.verdict,
        "percent": standing.percent,
        "earned": standing.earned,
        "possible": standing.possible,
        "red_flags": standing.red_flag_ids,
        "not_asked": len(standing.not_asked),
        "last_call_at": last_call_at,
    }


def _in_call_order(calls: Iterable[Mapping]) -> list[Mapping]:
    return sorted(calls, key=lambda c: (c.get("called_at") or "", c.get("id") or 0))


def _answers_in(call: Mapping, checklist: Checklist) -> dict[str, AnswerScore]:
    found = {}
    for question_id, answer in (call.get("answers") or {}).items():
        option = checklist.option(question_id, (answer or {}).get("option") or "")
        if option is None:
            continue
        question = checklist.questions[question_id]
        found[question_id] = AnswerScore(
            question_id=question_id, question=question["short"], option_id=option["id"],
            option_label=option["label"], signal=option["signal"], points=option["points"],
            max_points=checklist.max_points(question_id), call_id=call.get("id"),
            note=answer.get("note", ""), red_flag=option.get("red_flag"))
    return found


def _red_flags_in(call: Mapping, checklist: Checklist,
                  answers: dict[str, AnswerScore]) -> list[RedFlagHit]:
    """Red flags ticked on a call, and those its answers (`answers`, from _answers_in) are."""
    hits = []
    for flag_id, mark in (call.get("red_flags") or {}).items():
        if flag_id in checklist.red_flags and mark.get("ticked"):
            hits.append(RedFlagHit(flag_id, checklist.red_flags[flag_id]["label"],
                                   call.get("id"), mark.get("at", ""), note=mark.get("note", "")))
    for answer in answers.values():
        if answer.red_flag:
            stamp = call["answers"][answer.question_id].get("at", "")
            hits.append(RedFlagHit(answer.red_flag, checklist.red_flags[answer.red_flag]["label"],
                                   call.get("id"), stamp, via_question=answer.question_id))
    return hits


def _practical_in(call: Mapping, checklist: Checklist) -> dict[str, dict]:
    found = {}
    for question_id, answer in (call.get("practical") or {}).items():
        if question_id in checklist.practical and _has_content(answer):
            found[question_id] = dict(answer, call_id=call.get("id"))
    return found


def _has_content(answer: Mapping | None) -> bool:
    return bool(answer) and any(answer.get(k) for k in ("option", "text", "states", "note"))


def _unique_hits(hits: list[RedFlagHit]) -> list[RedFlagHit]:
    seen: dict[str, RedFlagHit] = {}
    for hit in hits:
        seen.setdefault(hit.flag_id, hit)
    return list(seen.values())
