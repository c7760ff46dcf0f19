"""Shortlist rows ready to show: labels looked up and dates put in words, in Python, for the
rows of one page (the template escapes them as it prints them, like any other text)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from finder.domain.scoring import score_words
from finder.domain.shortlist_entries import ShortlistEntry
from finder.domain.words import human_datetime, plural, short_date

__all__ = ["ShortlistRow", "shortlist_rows"]


@dataclass(slots=True)
class ShortlistRow:
    id: int
    href: str
    name: str
    practice: str
    details: str  # "Psychiatry · Portland, OR · Video: OR, WA": what there is of them
    tags: tuple[str, ...]
    verdict: str
    verdict_label: str
    score: str
    red_flags: str  # '2 red flags', or '' for none
    status: str
    follow_up: str
    last_contact: str
    last_contact_in_full: str
    to_fix: str  # "Phone, Website": fields an import left empty


def shortlist_rows(entries: list[ShortlistEntry], vocabulary, verdict_names: dict[str, str],
                   link_for: Callable[[int], str]) -> list[ShortlistRow]:
    """One ShortlistRow per entry, in the same order."""
    specialties = dict(vocabulary.choices("specialties"))
    statuses = dict(vocabulary.choices("statuses"))
    return [_row(entry, specialties, statuses, verdict_names, link_for) for entry in entries]


def _row(entry: ShortlistEntry, specialties, statuses, verdict_names, link_for) -> ShortlistRow:
    video = ""
    if entry.telemedicine == "yes":
        states = ", ".join(entry.telemedicine_states)
        video = f"Video: {states}" if states else "Video"
    standing = {"verdict": entry.verdict, "percent": entry.percent, "asked": entry.asked,
                "questions": entry.questions}
    scored = entry.percent is not None or entry.asked
    return ShortlistRow(
        id=entry.id, href=link_for(entry.id), name=entry.name, practice=entry.practice,
        details=" · ".join(part for part in (
            specialties.get(entry.specialty, ""),
            ", ".join(p for p in (entry.city, entry.state) if p), video) if part),
        tags=entry.tags,
        verdict=entry.verdict, verdict_label=verdict_names.get(entry.verdict) or entry.verdict,
        score=score_words(standing, short=True) if scored else "–",
        red_flags=plural(entry.red_flags, 'red flag') if entry.red_flags else '',
        status=statuses.get(entry.status) or entry.status,
        follow_up=short_date(entry.follow_up_on),
        last_contact=short_date(entry.last_call_at) or "–",
        last_contact_in_full=human_datetime(entry.last_call_at),
        to_fix=", ".join(entry.to_fix))
