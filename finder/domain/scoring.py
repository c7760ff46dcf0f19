"""Scores screening calls and reaches a verdict that can be traced to the article's words.

Pure module: plain data in (call records as stored, Checklist objects), plain data out.

Rules, in the words shown to users (their reasons are in data/checklist.toml, [verdict.why]);
the first rule that applies decides:
1. One of the article's five red flags heard and not cleared: "Not a match — red flag",
   whatever the score and however few questions were asked.
2. Two or more serious concerns (the other red flags): "Not a match".
3. Fewer than three core questions asked: "Incomplete", with what to ask.
4. Under half the points possible on the questions asked: "Not a match".
5. No good answer about step size yet: "Incomplete", naming what to ask about it.
6. Good answers to all three method questions, no concern, at least 80 %: "Strong match".
7. Otherwise "Promising", naming what is still missing for Strong match.

The score is the points earned over the points possible, counting only the core questions
actually asked; an unclear answer counts as asked and earns nothing. Over several calls the
latest call's answer to each question wins (by when the call was made); a red flag heard in
any call stays until the user clears it. Answers keep their option ids for ever, so they are
scored by the newest checklist's rules: a corrected rule applies to every call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping

from finder.domain.checklist import Checklist, VerdictRules

__all__ = [
    "SCORING_REVISION",
    "AnswerScore",
    "RedFlagHit",
    "Verdict",
    "Standing",
    "LatestAnswers",
    "latest_answers",
    "score_call",
    "standing_for",
    "verdict_for",
    "summary_of",
    "score_words",
    "call_order",
]

# Raise when these rules change: stored shortlist summaries are rebuilt on the next start.
SCORING_REVISION = 2


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
    heard: str = ""          # finishes "they …", e.g. "cut a fixed mg step at regular intervals"
    follow_up: str = ""      # what to ask on the next call after this answer
    orientation: bool = False


@dataclass(frozen=True)
class RedFlagHit:
    """A red flag heard in a call, ticked by hand or raised by an answer (`via_question`,
    a core or a practical question, whose answer is `heard`)."""

    flag_id: str
    label: str
    call_id: int | None
    at: str
    via_question: str | None = None
    note: str = ""
    group: str = "method"    # "method": one of the article's five; "care": a serious concern
    number: int | None = None
    heard: str = ""

    @property
    def is_article_flag(self) -> bool:
        return self.group != "care"


@dataclass(frozen=True)
class Verdict:
    """A verdict id, the one sentence that says why, and what lies behind it."""

    verdict: str
    why: str
    reasons: list[str] = field(default_factory=list)
    drivers: list[AnswerScore] = field(default_factory=list)
    rule: str = ""           # which rule decided: a key of [verdict.why]


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
    why: str
    reasons: list[str]
    rule: str
    core_count: int
    drivers: list[AnswerScore] = field(default_factory=list)
    practical: dict[str, dict] = field(default_factory=dict)

    @property
    def percent(self) -> int | None:
        """The score as a whole percentage, or None while the verdict is Incomplete (a
        percentage over one or two answers reads as a result, and is not one)."""
        if not self.possible or self.verdict == "incomplete":
            return None
        return round(100 * self.earned / self.possible)

    @property
    def asked(self) -> int:
        """How many of the checklist's core questions have an answer."""
        return self.core_count - len(self.not_asked)

    @property
    def red_flag_ids(self) -> list[str]:
        return list(dict.fromkeys(hit.flag_id for hit in self.red_flags))

    @property
    def hits_by_flag(self) -> dict[str, list[RedFlagHit]]:
        """Each red flag heard, with every time it was heard: the article's red flags first,
        in its order, then the serious concerns in the order heard."""
        grouped: dict[str, list[RedFlagHit]] = {}
        for hit in sorted(self.red_flags, key=_flag_order):
            grouped.setdefault(hit.flag_id, []).append(hit)
        return grouped

    @property
    def needs_orientation(self) -> bool:
        """The clinician does not know the literature well: they will need orientation
        (the clinician brief), which matters only while they are still worth seeing."""
        return (self.verdict in ("strong", "promising", "incomplete")
                and any(a.orientation for a in self.answers))

    @property
    def follow_ups(self) -> list[str]:
        """What to ask again on the next call, from partial, unclear or bad answers."""
        return [a.follow_up for a in self.answers if a.follow_up and a.signal != "good"]


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
        core.update(_answers_in(call, checklist, checklist))
        practical.update(_practical_in(call, checklist))
    return LatestAnswers(core, practical)


def score_call(call: Mapping, checklist: Checklist) -> Standing:
    """The standing from one call on its own, by `checklist`'s rules."""
    return standing_for([call], lambda version: checklist, current=checklist)


def standing_for(calls: Iterable[Mapping], checklist_for: Callable[[int], Checklist],
                 cleared_flags: Mapping[str, str] | None = None, *,
                 current: Checklist) -> Standing:
    """Combine a provider's calls into one standing, by the rules of `current`.

    `checklist_for(version)` returns the checklist a call was filled against: an answer
    whose option the current checklist no longer has is read by that version's definition.
    `cleared_flags` maps a red flag id to when the user cleared it; hits heard at or before
    that moment no longer count.
    """
    latest: dict[str, AnswerScore] = {}
    hits: list[RedFlagHit] = []
    practical: dict[str, dict] = {}
    for call in _in_call_order(calls):
        asked_under = checklist_for(call["checklist_version"])
        answers = _answers_in(call, current, asked_under)
        latest.update(answers)
        hits.extend(_red_flags_in(call, current, asked_under, answers))
        practical.update(_practical_in(call, asked_under))
    cleared = cleared_flags or {}
    # Clearing covers every hearing up to and including its moment (one with no time too).
    hits = [h for h in hits if h.flag_id not in cleared or h.at > cleared[h.flag_id]]
    answers = [latest[q] for q in current.questions if q in latest]
    answers += [a for q, a in latest.items() if q not in current.questions]
    return _standing(current, answers, hits, practical)


def _standing(checklist: Checklist, answers: list[AnswerScore], hits: list[RedFlagHit],
              practical: dict[str, dict]) -> Standing:
    answered = {a.question_id for a in answers}
    not_asked = [q for q in checklist.questions if q not in answered]
    verdict = verdict_for(answers, hits, checklist.rules, checklist.questions)
    return Standing(
        answers=answers, not_asked=not_asked,
        unclear=[a.question_id for a in answers if a.signal == "unclear"],
        red_flags=hits, earned=sum(a.points for a in answers),
        possible=sum(a.max_points for a in answers), verdict=verdict.verdict,
        why=verdict.why, reasons=verdict.reasons, rule=verdict.rule,
        core_count=len(checklist.questions), drivers=verdict.drivers, practical=practical)


def verdict_for(answers: list[AnswerScore], hits: list[RedFlagHit], rules: VerdictRules,
                questions: Mapping[str, dict]) -> Verdict:
    """The verdict the rules give these answers and red flags (see the module docstring)."""
    flags = _unique_hits(hits)
    article_flags = [h for h in flags if h.is_article_flag]
    concerns = [h for h in flags if not h.is_article_flag]
    if article_flags:
        return _red_flag_verdict(article_flags, answers)
    if len(concerns) >= rules.not_a_match_concerns:
        return _concerns_verdict(concerns, answers)
    asked = [a for a in answers if a.question_id in questions]
    if len(asked) < rules.min_core_answered:
        return _too_few_verdict(asked, questions, rules, concerns)
    earned = sum(a.points for a in answers)
    possible = sum(a.max_points for a in answers)
    if earned * 100 < rules.promising_min_percent * possible:
        return _low_score_verdict(answers, earned, possible, rules)
    by_question = {a.question_id: a for a in answers}
    decisive = by_question.get(rules.decisive_question)
    if decisive is None or decisive.signal != "good":
        return _decisive_missing_verdict(decisive, questions[rules.decisive_question], answers)
    method = [by_question.get(q) for q in rules.method_questions]
    missing = [_missing_for_strong(q, a, questions) for q, a in zip(rules.method_questions, method)
               if a is None or a.signal != "good"]
    missing += [f"a serious concern: {_lower_first(h.label)}" for h in concerns]
    if earned * 100 < rules.strong_min_percent * possible:
        missing.append(f"{earned} of {possible} points is under the "
                       f"{rules.strong_min_percent} % Strong match needs")
    if not missing:
        heard = _join([f"they {a.heard}" for a in method])
        return Verdict("strong", f"Strong match: {heard}.", [], method, "strong")
    weak = _bad_first([a for a in method if a is not None and a.signal != "good"])
    return Verdict("promising",
                   f"Promising: they {decisive.heard}; not yet a Strong match: "
                   f"{'; '.join(missing)}.",
                   [_concern_sentence(concerns)] if concerns else [],
                   [decisive] + weak + _bad_answers(answers, exclude=[decisive] + weak),
                   "promising")


def _red_flag_verdict(article_flags: list[RedFlagHit],
                      answers: list[AnswerScore]) -> Verdict:
    # The sentence names the first of them; every red flag and concern is listed beside it.
    first = min(article_flags, key=_flag_order)
    raised_by = [a for a in answers if a.red_flag]  # only a bad answer can raise one
    return Verdict("red_flag", f"Not a match: {_evidence(first)} ({_flag_name(first)}).",
                   [], raised_by + _bad_answers(answers, exclude=raised_by), "red_flag")


def _concerns_verdict(concerns: list[RedFlagHit], answers: list[AnswerScore]) -> Verdict:
    labels = "; ".join(_lower_first(h.label) for h in concerns)
    return Verdict("not_a_match",
                   f"Not a match: {len(concerns)} serious concerns about their care — {labels}.",
                   [], _bad_answers(answers), "concerns")


def _too_few_verdict(asked: list[AnswerScore], questions: Mapping[str, dict],
                     rules: VerdictRules, concerns: list[RedFlagHit]) -> Verdict:
    answered = {a.question_id for a in asked}
    to_ask = [_lower_first(q["short"]) for q_id, q in questions.items() if q_id not in answered]
    why = (f"Incomplete: {len(asked)} of {len(questions)} core questions asked so far — "
           f"on the next call, ask about {_join(to_ask)}.")
    reasons = [f"At least {rules.min_core_answered} are needed for a verdict, unless a red "
               "flag is heard first."]
    if concerns:
        reasons.append(_concern_sentence(concerns))
    return Verdict("incomplete", why, reasons, _bad_answers(asked), "incomplete")


def _low_score_verdict(answers: list[AnswerScore], earned: int, possible: int,
                       rules: VerdictRules) -> Verdict:
    why = (f"Not a match: {earned} of {possible} points on the {len(answers)} core questions "
           f"asked, under the {rules.promising_min_percent} % Promising needs.")
    return Verdict("not_a_match", why, [],
                   _bad_first([a for a in answers if a.signal != "good"]), "low_score")


def _decisive_missing_verdict(decisive: AnswerScore | None, question: dict,
                              answers: list[AnswerScore]) -> Verdict:
    if decisive is None:
        return Verdict("incomplete", f"Incomplete: no answer yet about "
                       f"{_lower_first(question['short'])} — ask about it on the next call.",
                       [], _bad_answers(answers), "decisive")
    if decisive.signal == "bad":
        return Verdict("not_a_match", f"Not a match: they {decisive.heard}.", [],
                       [decisive] + _bad_answers(answers, exclude=[decisive]), "decisive")
    ask = decisive.follow_up or question["ask"]
    return Verdict("incomplete", f"Incomplete: they {decisive.heard} — {_lower_first(ask)}",
                   [], [decisive] + _bad_answers(answers), "decisive")


def _missing_for_strong(question_id: str, answer: AnswerScore | None,
                        questions: Mapping[str, dict]) -> str:
    if answer is None:
        return f"no answer yet about {_lower_first(questions[question_id]['short'])}"
    return f"they {answer.heard}"


def _bad_answers(answers: list[AnswerScore], exclude: list[AnswerScore] = ()) -> list[AnswerScore]:
    return [a for a in answers if a.signal == "bad" and a not in exclude]


def _bad_first(answers: list[AnswerScore]) -> list[AnswerScore]:
    return sorted(answers, key=lambda a: a.signal != "bad")


def _evidence(hit: RedFlagHit) -> str:
    """What was heard, in words a family member can read back."""
    if hit.heard:
        return f"they {hit.heard}" + (f" (“{_shortened(hit.note)}”)" if hit.note else "")
    if hit.note:
        return f"“{_shortened(hit.note)}”"
    return "heard on a call"


def _shortened(note: str, limit: int = 90) -> str:
    """A note short enough for one sentence: cut at a word, with an ellipsis."""
    note = " ".join(str(note).split())
    if len(note) <= limit:
        return note
    return note[:limit].rsplit(" ", 1)[0] + "…"


def _flag_name(hit: RedFlagHit) -> str:
    return f"red flag {hit.number}: {_lower_first(hit.label)}"


def _concern_sentence(concerns: list[RedFlagHit]) -> str:
    labels = "; ".join(_lower_first(h.label) for h in concerns)
    return (f"A serious concern rules out Strong match: {labels}." if len(concerns) == 1
            else f"Serious concerns: {labels}.")


def _flag_order(hit: RedFlagHit):
    return (not hit.is_article_flag, hit.number or 0)


def _lower_first(text: str) -> str:
    # "Step size as the dose falls" → "step size as the dose falls"; "BIND" stays as it is.
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def summary_of(standing: Standing, last_call_at: str | None = None) -> dict:
    """The few figures the shortlist shows and filters on, as plain storable data."""
    return {
        "verdict": standing.verdict,
        "percent": standing.percent,
        "earned": standing.earned,
        "possible": standing.possible,
        "red_flags": standing.red_flag_ids,
        "asked": standing.asked,
        "questions": standing.core_count,
        "not_asked": len(standing.not_asked),
        "why": standing.why,
        "last_call_at": last_call_at,
    }


def score_words(summary: Mapping, short: bool = False) -> str:
    """The score as pages show it: a percentage once there is a verdict; while Incomplete,
    how many core questions were asked, which cannot be misread as a result. `short` is
    for table columns."""
    if summary.get("verdict") != "incomplete" and summary.get("percent") is not None:
        return f"{summary['percent']} %"
    if summary.get("questions"):
        asked = f"{summary.get('asked') or 0} of {summary['questions']}"
        return f"{asked} asked" if short else f"{asked} core questions asked"
    return "no score yet"


def call_order(call: Mapping) -> tuple[str, int]:
    """The sort key of a provider's calls, oldest first: by when the call was made, and calls
    made the same minute in the order they were entered."""
    return (_text(call, "called_at"), call["id"])


def _in_call_order(calls: Iterable[Mapping]) -> list[Mapping]:
    return sorted(calls, key=call_order)


def _answers_in(call: Mapping, rules: Checklist, asked_under: Checklist) -> dict[str, AnswerScore]:
    """A call's core answers, each read by `rules` when it knows the option (ids keep their
    meaning), else by the checklist the call was filled against; unknown options are
    skipped, and the answers after them still count."""
    found = {}
    for question_id, answer in _entries(call, "answers"):
        option_id = answer.get("option")
        checklist = rules if rules.option(question_id, option_id) else asked_under
        option = checklist.option(question_id, option_id)
        if option is None:
            continue
        found[question_id] = AnswerScore(
            question_id=question_id, question=checklist.questions[question_id]["short"],
            option_id=option["id"], option_label=option["label"], signal=option["signal"],
            points=option["points"], max_points=checklist.max_points(question_id),
            call_id=call["id"], note=_text(answer, "note"), red_flag=option.get("red_flag"),
            # Options stored before `heard` existed are named by their label.
            heard=_text(option, "heard") or option["label"].lower(),
            follow_up=_text(option, "follow_up"), orientation=option.get("orientation") is True)
    return found


def _red_flags_in(call: Mapping, rules: Checklist, asked_under: Checklist,
                  answers: dict[str, AnswerScore]) -> list[RedFlagHit]:
    """Red flags ticked on a call, and those raised by its core answers (`answers`, from
    _answers_in) and by its practical answers. A flag is named as the newest checklist
    names it, or as the call's own version did when the newest no longer has it."""
    def hit(flag_id: str, entry: Mapping, **details) -> RedFlagHit | None:
        flag = rules.red_flags.get(flag_id) or asked_under.red_flags.get(flag_id)
        if flag is None:
            return None
        return RedFlagHit(flag_id, flag["label"], call["id"], _text(entry, "at"),
                          group=flag["group"], number=flag.get("number"), **details)

    hits = []
    for flag_id, mark in _entries(call, "red_flags"):
        # Ticked as the call screen reads the box: any true value, so "yes" from an old
        # file counts and an unticked `False` does not.
        if mark.get("ticked"):
            hits.append(hit(flag_id, mark, note=_text(mark, "note")))
    for answer in answers.values():
        if answer.red_flag:
            hits.append(hit(answer.red_flag, call["answers"][answer.question_id],
                            via_question=answer.question_id, heard=answer.heard,
                            note=answer.note))
    for question_id, answer in _entries(call, "practical"):
        option_id = answer.get("option")
        option = (rules.practical_option(question_id, option_id)
                  or asked_under.practical_option(question_id, option_id))
        if option and option.get("red_flag"):
            hits.append(hit(option["red_flag"], answer, via_question=question_id,
                            heard=_text(option, "heard"), note=_text(answer, "note")))
    return [h for h in hits if h is not None]


def _text(entry: Mapping, key: str) -> str:
    """A text field of a stored record: missing or empty reads as ''."""
    value = entry.get(key)
    return str(value) if value else ""


def _entries(call: Mapping, key: str) -> list[tuple[str, Mapping]]:
    """A call's answers or flags of one kind; anything that is not a record (a damaged or
    hand-edited file) is skipped rather than guessed at."""
    group = call.get(key)
    if not isinstance(group, Mapping):
        return []
    return [(item_id, entry) for item_id, entry in group.items() if isinstance(entry, Mapping)]


def _practical_in(call: Mapping, checklist: Checklist) -> dict[str, dict]:
    found = {}
    for question_id, answer in _entries(call, "practical"):
        if question_id in checklist.practical and _has_content(answer):
            found[question_id] = dict(answer, call_id=call["id"])
    return found


def _has_content(answer: Mapping | None) -> bool:
    return bool(answer) and any(answer.get(k) for k in ("option", "text", "states", "note"))


def _unique_hits(hits: list[RedFlagHit]) -> list[RedFlagHit]:
    seen: dict[str, RedFlagHit] = {}
    for hit in hits:
        seen.setdefault(hit.flag_id, hit)
    return list(seen.values())
