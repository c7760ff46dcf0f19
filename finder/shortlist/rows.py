"""Shortlist rows ready to show: labels looked up, dates put in words and text escaped once,
in Python.

A shortlist can hold thousands of providers; doing this in the template, expression by
expression, cost more than filtering, counting and sorting together. Every text field of a
ShortlistRow is HTML-escaped here, so the template can print the rows without escaping
again (see the autoescape block in templates/shortlist/index.html).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from html import escape

from finder.domain.words import human_date, human_datetime
from finder.domain.scoring import score_words

__all__ = ["ShortlistRow", "shortlist_rows"]


@dataclass(slots=True)
class ShortlistRow:
    id: int
    href: str
    name: str
    practice: str
    specialty: str
    tags: list[str]
    verdict: str
    verdict_label: str
    score: str
    red_flags: int
    status: str
    follow_up: str
    where: str
    video: str
    last_contact: str


def shortlist_rows(records: list[dict], vocabulary, verdict_names: dict[str, str],
                   link_for: Callable[[int], str]) -> list[ShortlistRow]:
    """One ShortlistRow per provider record, in the same order."""
    specialties = {k: _text(v) for k, v in vocabulary.choices("specialties")}
    statuses = {k: _text(v) for k, v in vocabulary.choices("statuses")}
    verdict_names = {k: _text(v) for k, v in verdict_names.items()}
    return [_row(record, specialties, statuses, verdict_names, link_for) for record in records]


def _row(record, specialties, statuses, verdict_names, link_for) -> ShortlistRow:
    standing = record.get("standing") or {}
    verdict = standing.get("verdict") or "incomplete"
    percent = standing.get("percent")
    video = ""
    if record.get("telemedicine") == "yes":
        states = ", ".join(record.get("telemedicine_states") or [])
        video = f"Video: {states}" if states else "Video"
    return ShortlistRow(
        id=int(record["id"]), href=_text(link_for(record["id"])),
        name=_text(record.get("name")), practice=_text(record.get("practice")),
        specialty=specialties.get(record.get("specialty"), ""),
        tags=[_text(tag) for tag in record.get("tags") or []], verdict=_text(verdict),
        verdict_label=verdict_names.get(verdict) or _text(verdict),
        score=_text(score_words(standing, short=True)) if percent is not None or standing.get("asked")
        else "–",
        red_flags=len(standing.get("red_flags") or []),
        status=statuses.get(record.get("status")) or _text(record.get("status")),
        follow_up=_text(human_date(record.get("follow_up_on"))),
        where=_text(", ".join(p for p in (record.get("city"), record.get("state")) if p)),
        video=_text(video),
        last_contact=_text(human_datetime(standing.get("last_call_at")) or "–"))


def _text(value) -> str:
    return escape(str(value or ""))
