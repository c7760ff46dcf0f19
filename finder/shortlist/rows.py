"""Shortlist rows ready to show: labels looked up and dates put in words once per row, in
Python (the template escapes them as it prints them, like any other text).

A shortlist can hold thousands of providers; looking these up in the template, expression by
expression, cost more than filtering, counting and sorting together.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from finder.domain.scoring import score_words
from finder.domain.words import human_date, human_datetime

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
    specialties = dict(vocabulary.choices("specialties"))
    statuses = dict(vocabulary.choices("statuses"))
    return [_row(record, specialties, statuses, verdict_names, link_for) for record in records]


def _row(record, specialties, statuses, verdict_names, link_for) -> ShortlistRow:
    standing = record.get("standing") or {}
    verdict = standing.get("verdict") or "incomplete"
    scored = standing.get("percent") is not None or standing.get("asked")
    video = ""
    if record.get("telemedicine") == "yes":
        states = ", ".join(record.get("telemedicine_states") or [])
        video = f"Video: {states}" if states else "Video"
    return ShortlistRow(
        id=int(record["id"]), href=link_for(record["id"]),
        name=_text(record.get("name")), practice=_text(record.get("practice")),
        specialty=specialties.get(record.get("specialty"), ""),
        tags=[_text(tag) for tag in record.get("tags") or []], verdict=_text(verdict),
        verdict_label=verdict_names.get(verdict) or _text(verdict),
        score=score_words(standing, short=True) if scored else "–",
        red_flags=len(standing.get("red_flags") or []),
        status=statuses.get(record.get("status")) or _text(record.get("status")),
        follow_up=human_date(record.get("follow_up_on")),
        where=", ".join(p for p in (record.get("city"), record.get("state")) if p),
        video=video,
        last_contact=human_datetime(standing.get("last_call_at")) or "–")


def _text(value) -> str:
    """Stored text as shown: nothing for a missing value."""
    return str(value or "")
