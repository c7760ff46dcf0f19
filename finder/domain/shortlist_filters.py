"""Shortlist filters, search and sorting, read from the query string.

Pure module: no Flask. Each filter is a small object looked up by its query-string key. It
parses its own values, tells which of its values a provider row has, counts how many rows
each value would match given the other filters, and describes itself in words, so that any
filtered view is a URL and can be printed with a sentence saying what it shows.

Counting asks each row once per filter for its values (not once per value), so a shortlist
of thousands filters in one pass per filter.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Collection, Iterable, Mapping

from finder.domain.words import plural

__all__ = [
    "Filter",
    "Option",
    "ShortlistQuery",
    "ShortlistView",
    "build_filters",
    "SORTS",
    "run_query",
]

Row = Mapping
GetList = Callable[[str], list[str]]


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    count: int = 0
    selected: bool = False


@dataclass
class Filter:
    """One filter: a key in the query string, its choices, a test and a sentence."""

    key: str
    label: str
    choices: list[tuple[str, str]]
    values_of: Callable[[Row], Collection[str]]  # the filter's values this row has
    template: str  # e.g. "status is {labels}"; {lower} gives the labels in lower case

    def selected(self, get_list: GetList) -> list[str]:
        """The chosen values that this filter knows; anything else is ignored."""
        known = {value for value, _ in self.choices}
        return list(dict.fromkeys(v for v in get_list(self.key) if v in known))

    def matches(self, row: Row, values: Collection[str]) -> bool:
        """Several values of one filter mean any of them; no values means no filtering."""
        return not values or any(value in values for value in self.values_of(row))

    def label_of(self, value: str) -> str:
        return dict(self.choices).get(value, value)

    def phrase(self, values: list[str]) -> str:
        """The filter in words, e.g. "status is To call or Called"."""
        labels = [self.label_of(v) for v in values]
        return self.template.format(labels=_one_of(labels),
                                    lower=_one_of([label.lower() for label in labels]))


def _one_of(labels: list[str]) -> str:
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " or " + labels[-1]


def _field(name: str, missing: str = "") -> Callable[[Row], tuple[str]]:
    return lambda row: (row.get(name) or missing,)


def _standing(row: Row) -> Mapping:
    return row.get("standing") or {}


def _states_covered(row: Row) -> Collection[str]:
    remote = (row.get("telemedicine_states") or ()) if row.get("telemedicine") == "yes" else ()
    return {row.get("state") or "", *remote}


def _follow_up(today: str) -> Callable[[Row], tuple[str]]:
    def values_of(row: Row) -> tuple[str]:
        date = row.get("follow_up_on") or ""
        return ("none",) if not date else ("due",) if date <= today else ("later",)
    return values_of


def _score_band(row: Row) -> tuple[str]:
    percent = _standing(row).get("percent")
    if percent is None:
        return ("unscored",)
    return ("80-100",) if percent >= 80 else ("50-79",) if percent >= 50 else ("0-49",)


SCORE_BANDS = [("80-100", "80–100 %"), ("50-79", "50–79 %"), ("0-49", "0–49 %"),
               ("unscored", "No score yet")]


def build_filters(vocabulary, verdict_labels: Mapping[str, str], today: dt.date,
                  tags: Iterable[str] = ()) -> list[Filter]:
    """Every shortlist filter, in the order the page shows them."""
    return [
        Filter("status", "Status", vocabulary.choices("statuses"), _field("status"),
               "with status {labels}"),
        Filter("verdict", "Verdict", list(verdict_labels.items()),
               lambda row: (_standing(row).get("verdict") or "incomplete",),
               "with verdict {labels}"),
        Filter("red_flags", "Red flags", [("none", "No red flags"), ("any", "A red flag")],
               lambda row: ("any",) if _standing(row).get("red_flags") else ("none",),
               "with {lower}"),
        Filter("score", "Score", SCORE_BANDS, _score_band, "score {lower}"),
        Filter("state", "State (in person or by video)", vocabulary.state_choices(),
               _states_covered, "in or covering {labels}"),
        Filter("telemedicine", "Video visits", vocabulary.choices("telemedicine"),
               _field("telemedicine", "unknown"), "video visits: {lower}"),
        Filter("specialty", "Specialty", vocabulary.choices("specialties"),
               _field("specialty"), "specialty {labels}"),
        Filter("payment", "Insurance or self-pay", vocabulary.choices("payment"),
               _field("payment", "unknown"), "payment: {lower}"),
        Filter("referral", "How you heard of them", vocabulary.choices("referral_sources"),
               _field("referral_source"), "heard of through {labels}"),
        Filter("follow_up", "Follow-up", FOLLOW_UP_CHOICES, _follow_up(today.isoformat()),
               "follow-up {lower}"),
        Filter("tag", "Your tags", [(t, t) for t in sorted(set(tags), key=str.lower)],
               lambda row: row.get("tags") or (), "tagged {labels}"),
    ]


FOLLOW_UP_CHOICES = [("due", "Due today or overdue"), ("later", "Later"), ("none", "No date")]


# Best first: a verdict outranks any score (a "Not a match" at 100 % on two questions is
# still not a match), then the score, then fewer red flags.
VERDICT_RANK = {"strong": 0, "promising": 1, "incomplete": 2, "not_a_match": 3, "red_flag": 3}


def _sort_key_score(row: Row):
    standing = _standing(row)
    percent = standing.get("percent")
    return (VERDICT_RANK.get(standing.get("verdict") or "incomplete", 2), percent is None,
            -(percent or 0), len(standing.get("red_flags") or []),
            (row.get("name") or "").lower())


SORTS: dict[str, tuple[str, Callable[[Row], object], bool]] = {
    "score": ("best match first", _sort_key_score, False),
    "name": ("name A to Z", lambda row: (row.get("name") or "").lower(), False),
    "last_contact": ("most recent contact first",
                     lambda row: _standing(row).get("last_call_at") or "", True),
    "follow_up": ("follow-up date, soonest first",
                  lambda row: (not row.get("follow_up_on"), row.get("follow_up_on") or ""), False),
}


@dataclass
class ShortlistQuery:
    """What the user asked for: selected values per filter, search words and sort order."""

    selected: dict[str, list[str]]
    search: str
    sort: str

    @classmethod
    def parse(cls, get_list: GetList, filters: list[Filter]) -> "ShortlistQuery":
        selected = {f.key: f.selected(get_list) for f in filters}
        search = " ".join((get_list("q") or [""])[0].split())[:200]
        sort = (get_list("sort") or ["score"])[0]
        return cls({k: v for k, v in selected.items() if v}, search,
                   sort if sort in SORTS else "score")


@dataclass
class ShortlistView:
    """The rows to show, with what the page needs to explain them."""

    rows: list[Row]
    total: int
    options: dict[str, list[Option]]
    description: str
    emptied_by: list[str] = field(default_factory=list)


def _matches_search(row: Row, words: list[str]) -> bool:
    haystack = " ".join(str(row.get(k) or "") for k in
                        ("name", "practice", "notes", "city", "insurance_plans")).casefold()
    haystack += " " + " ".join(row.get("tags") or []).casefold()
    return all(word in haystack for word in words)


def run_query(rows: list[Row], filters: list[Filter], query: ShortlistQuery) -> ShortlistView:
    """Filter, count and sort. Counts show how many rows each value would match if chosen,
    given every other active filter and the search."""
    words = query.search.casefold().split()
    active = [f for f in filters if f.key in query.selected]
    searched = [row for row in rows if _matches_search(row, words)] if words else list(rows)
    passes = [[f.matches(row, query.selected[f.key]) for f in active] for row in searched]
    shown = [row for row, ok in zip(searched, passes) if all(ok)]
    options = {f.key: _options(f, searched, passes, active, query) for f in filters}
    _, key, reverse = SORTS[query.sort]
    shown.sort(key=key, reverse=reverse)
    emptied_by = [] if shown else _emptied_by(rows, passes, active, query)
    return ShortlistView(shown, len(rows), options, describe(filters, query), emptied_by)


def _options(filter_: Filter, rows, passes, active, query) -> list[Option]:
    position = active.index(filter_) if filter_ in active else None
    values_of = filter_.values_of  # each row's values are distinct already
    counts = Counter(value for row, ok in zip(rows, passes)
                     if all(v for i, v in enumerate(ok) if i != position)
                     for value in values_of(row))
    chosen = query.selected.get(filter_.key, [])
    return [Option(value, label, counts[value], value in chosen)
            for value, label in filter_.choices]


def _emptied_by(rows, passes, active, query) -> list[str]:
    """For an empty result: which active filters, or the search, taken away alone would
    show something, and how many providers each would bring back."""
    found = []
    for position, filter_ in enumerate(active):
        count = sum(1 for ok in passes if all(v for i, v in enumerate(ok) if i != position))
        if count:
            found.append(f"{filter_.phrase(query.selected[filter_.key])} "
                         f"(without it: {plural(count, 'provider')})")
    if query.search:
        count = sum(1 for row in rows
                    if all(f.matches(row, query.selected[f.key]) for f in active))
        if count:
            found.append(f"the search “{query.search}” "
                         f"(without it: {plural(count, 'provider')})")
    return found


def describe(filters: list[Filter], query: ShortlistQuery) -> str:
    """The whole view in one plain sentence."""
    parts = [f.phrase(query.selected[f.key]) for f in filters if f.key in query.selected]
    if query.search:
        parts.append(f"matching “{query.search}”")
    order = SORTS[query.sort][0]
    if not parts:
        return f"All providers, {order}."
    return "Providers " + ", ".join(parts) + f"; {order}."
