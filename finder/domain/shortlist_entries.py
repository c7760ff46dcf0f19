"""The shortlist's compact row for one provider: what the shortlist filters, counts, sorts,
searches and shows, worked out once from the provider's record. Pure module.

A shortlist can hold thousands of providers. Reading each record's full document (notes,
status history, the standing's reasons) on every request, and asking each filter to dig its
values out of it, cost more than everything else the page does; an entry holds the answers
ready: each filter's values as "key=value" strings, the folded text search looks in,
and the sort keys. Entries are immutable, so one request can never change what another sees,
and they are rebuilt whenever their record changes (see Directory.shortlist_index).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from finder.domain.search_text import folded, name_key

__all__ = ["ShortlistEntry", "shortlist_entry", "facet", "VERDICT_RANK", "score_band",
           "SCORE_BANDS", "SEARCHED_FIELDS"]

# Best first: a verdict outranks any score (a "Not a match" at 100 % on two questions is
# still not a match), and Incomplete, which has no score to show, comes last.
VERDICT_RANK = {"strong": 0, "promising": 1, "not_a_match": 2, "red_flag": 2, "incomplete": 3}

SCORE_BANDS = [("80-100", "80–100 %"), ("50-79", "50–79 %"), ("0-49", "0–49 %"),
               ("unscored", "No score yet")]

# What a search looks in, besides the tags.
SEARCHED_FIELDS = ("name", "practice", "notes", "city", "insurance_plans")


def facet(key: str, value: str) -> str:
    """One filter's value as an entry holds it: "status=called". A string rather than a
    pair, because a string keeps its hash: counting thousands of them is then cheap."""
    return f"{key}={value}"


def score_band(percent: int | None) -> str:
    """The score band a shown percentage falls in; "unscored" without one."""
    if percent is None:
        return "unscored"
    return "80-100" if percent >= 80 else "50-79" if percent >= 50 else "0-49"


@dataclass(frozen=True, slots=True)
class ShortlistEntry:
    """One provider as the shortlist needs it. `percent` is the score as shown: None while
    the verdict is Incomplete, which shows how many questions were asked instead."""

    id: int
    name: str
    practice: str
    phone: str
    specialty: str
    tags: tuple[str, ...]
    status: str
    verdict: str
    percent: int | None
    asked: int
    questions: int
    red_flags: int
    city: str
    state: str
    telemedicine: str
    telemedicine_states: tuple[str, ...]
    follow_up_on: str
    last_call_at: str
    in_trash: bool
    to_fix: tuple[str, ...]  # labels of the fields an import left empty, to fix
    facets: frozenset[str]  # facet(key, value) for every filter but the follow-up date
    search_text: str
    name_key: str
    best_match_key: str  # verdict, then the higher score (none last), fewer red flags, name
    score_key: str       # the score shown (none last), then as best_match_key


def shortlist_entry(provider_id: int, record: Mapping) -> ShortlistEntry:
    """The entry for a provider record as stored (any field may be missing)."""
    standing = record.get("standing") or {}
    verdict = standing.get("verdict") or "incomplete"
    stored_percent = standing.get("percent")
    percent = None if verdict == "incomplete" else stored_percent
    red_flags = len(standing.get("red_flags") or ())
    tags = tuple(str(tag) for tag in record.get("tags") or ())
    state = _text(record.get("state"))
    telemedicine = _text(record.get("telemedicine")) or "unknown"
    remote = tuple(record.get("telemedicine_states") or ())
    name = _text(record.get("name"))
    sort_key = name_key(name) or name.casefold()  # "Dr Lee" sorts as "lee", not under D
    to_fix = _to_fix_labels(record.get("to_fix"))
    rank = VERDICT_RANK.get(verdict, 2)
    facets = [("status", _text(record.get("status"))), ("verdict", verdict),
              ("red_flags", "any" if red_flags else "none"), ("score", score_band(percent)),
              ("state", state), *(("state", s) for s in (remote if telemedicine == "yes" else ())),
              ("telemedicine", telemedicine), ("specialty", _text(record.get("specialty"))),
              ("payment", _text(record.get("payment")) or "unknown"),
              ("referral", _text(record.get("referral_source"))), *(("tag", tag) for tag in tags),
              ("to_fix", "yes" if to_fix else "no")]
    searched = " ".join(_text(record.get(field)) for field in SEARCHED_FIELDS)
    return ShortlistEntry(
        id=int(provider_id), name=name, practice=_text(record.get("practice")),
        phone=_text(record.get("phone")), specialty=_text(record.get("specialty")),
        tags=tags, status=_text(record.get("status")), verdict=verdict, percent=percent,
        asked=standing.get("asked") or 0, questions=standing.get("questions") or 0,
        red_flags=red_flags, city=_text(record.get("city")), state=state,
        telemedicine=telemedicine, telemedicine_states=remote,
        follow_up_on=_text(record.get("follow_up_on")),
        last_call_at=_text(standing.get("last_call_at")),
        in_trash=bool(record.get("deleted_at")), to_fix=to_fix,
        facets=frozenset(facet(key, value) for key, value in facets),
        search_text=folded(f"{searched} {' '.join(tags)}"), name_key=sort_key,
        best_match_key=_sort_text(rank, stored_percent, 0, red_flags, sort_key),
        score_key=_sort_text(0 if percent is not None else 1, percent, rank, red_flags,
                             sort_key))


def _sort_text(first: int, percent: int | None, then: int, red_flags: int,
               name_key: str) -> str:
    """A sort key as one string of fixed-width parts, which sorts as the tuple (first, the
    higher score with none last, then, fewer red flags, name) would, but compares much
    faster: thousands of entries are sorted on every view."""
    score = 999 if percent is None else 100 - max(0, min(int(percent), 100))
    return f"{first:01d}{score:03d}{then:01d}{min(red_flags, 999):03d}{name_key}"


def _to_fix_labels(marks) -> tuple[str, ...]:
    """The labels of the fields marked "to fix" (see finder.transfer.review)."""
    if not isinstance(marks, Mapping):
        return ()
    return tuple(_text(mark.get("label") if isinstance(mark, Mapping) else None) or name
                 for name, mark in marks.items())


def _text(value) -> str:
    """Stored text as used here: nothing for a missing value."""
    return str(value or "")
