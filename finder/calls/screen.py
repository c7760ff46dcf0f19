"""What the call screen shows: the interview form holding the call's answers, what earlier
calls said, and the page state a posted form is checked against."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import render_template, request

from finder.app_data import content, directory
from finder.calls.forms import end_status_choices, stored_call_form
from finder.domain.interview_fields import read_fields
from finder.domain.words import call_labels
from finder.resources import terms_shown_with

__all__ = ["render_call_screen", "fingerprint", "asked_words"]


def render_call_screen(call: dict, checklist, form=None, conflicts=None, failure=None,
                       posted=False, status_error=None):
    """The call screen: the stored call, or the posted `form` with what was wrong with it."""
    vocabulary = content().vocabulary
    values = read_fields(call, checklist)
    if form is None:
        form = stored_call_form(checklist, vocabulary, values)
    provider = directory().provider(call["provider_id"])
    calls = directory().calls_for(provider["id"])
    earlier = directory().latest_answers([c for c in calls if c["id"] != call["id"]])
    calls_by_id = call_labels(calls, vocabulary)
    earlier_practical = {question_id: f"Earlier: {text}" for question_id, text
                         in _earlier_practical(earlier, checklist).items()}
    summary = provider.get("standing") or {}
    return render_template(
        "calls/show.html", call=call, provider=provider, checklist=checklist, form=form,
        form_state=_form_state(call, values), conflicts=conflicts or {}, failure=failure,
        posted=posted, summary=summary, calls_by_id=calls_by_id,
        asked_words=asked_words(summary),
        earlier_answers=_earlier_answers(earlier, calls_by_id),
        still_open=_still_open(earlier, values, checklist, directory().current),
        earlier_practical=earlier_practical,
        practical_counts=_practical_counts(form, checklist, earlier_practical, conflicts or {}),
        flag_terms=_flag_terms(checklist),
        answer_signs=_answer_signs(checklist),
        end_statuses=end_status_choices(vocabulary), status_error=status_error,
        chosen_end_status=request.form.get("end_status", "") if posted else "")


def asked_words(summary: dict) -> str:
    """' (3 of 4 asked)' beside a score in per cent, so the line at the top of the call
    screen always says what is still open; nothing while the verdict is Incomplete, whose
    score already counts the questions asked."""
    if summary.get("verdict") in (None, "incomplete") or summary.get("percent") is None:
        return ""
    return f" ({summary.get('asked') or 0} of {summary.get('questions') or 0} asked)"


def _practical_counts(form, checklist, earlier_practical: dict, conflicts: dict) -> list[dict]:
    """For each group of practical questions: how many have an answer (on this call or an
    earlier one), and whether one of its fields needs looking at (an error or a conflict),
    so that its group is drawn open."""
    counts = []
    for _, questions in checklist.practical_groups():
        names = [(f"practical-{q['id']}", f"practical_note-{q['id']}") for q in questions]
        answered = sum(1 for q, (name, _) in zip(questions, names)
                       if form[name].data or q["id"] in earlier_practical)
        attention = any(form[name].errors or name in conflicts
                        for pair in names for name in pair)
        counts.append({"answered": answered, "invalid": attention})
    return counts


def _answer_signs(checklist) -> dict[str, dict[str, str]]:
    """For each core question, its good and bad answers ({option id: 'good' or 'bad'}): the
    call screen marks them, so that what a good and a warning answer sound like is read off
    the answers themselves."""
    return {question_id: {option["id"]: option["signal"] for option in question["options"]
                          if option["signal"] in ("good", "bad")}
            for question_id, question in checklist.questions.items()}


def _flag_terms(checklist) -> list[str]:
    """The words the red flags use that the glossary explains, each once, in flag order."""
    found: list[str] = []
    for flag_id in checklist.red_flags:
        found += [term_id for term_id in terms_shown_with(flag_id) if term_id not in found]
    return found


def _still_open(earlier, values: dict[str, Any], checklist, newest) -> set[str]:
    """The core questions (of the `newest` checklist, whose rules the standing follows) no
    call has an answer to yet: not the
    earlier ones, nor this one, whose `values` are read by its own `checklist`."""
    answered_before = earlier.core.keys()
    return {question_id for question_id in newest.questions
            if question_id not in answered_before
            and checklist.option(question_id, values.get(f"answer-{question_id}")) is None}


def _earlier_answers(earlier, calls_by_id: dict) -> dict[str, dict]:
    """For each question answered on another call: that answer, and which call it was."""
    return {answer.question_id: {
                "answer": answer.option_label,
                "call": calls_by_id.get(answer.call_id, {}).get("label", "an earlier call")}
            for answer in earlier.core.values()}


def _earlier_practical(earlier, checklist) -> dict[str, str]:
    """For each practical question answered on another call: that answer, in words."""
    words = {}
    for question_id, known in earlier.practical.items():
        option = checklist.practical_option(question_id, known.get("option"))
        words[question_id] = known.get("text") or (option or {}).get("label", known.get("option"))
    return {question_id: text for question_id, text in words.items() if text}


def fingerprint(value: Any) -> str:
    """A short stand-in for a field's value when the page was drawn, to tell what changed."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _form_state(call: dict, values: dict[str, Any]) -> str:
    """Per field: its revision and the fingerprint of its value, as drawn on this page."""
    revs = call.get("revs") or {}
    state = {name: [revs.get(name, 0), fingerprint(value)] for name, value in values.items()}
    return json.dumps(state, separators=(",", ":"))
