"""Shortlist filters, search, sorting and pages, read from the query string.

Pure module: no Flask. Each filter is a small object looked up by its query-string key. It
parses its own values, tells which of its values a provider has, counts how many providers
each value would match given the other filters, and describes itself in words, so that any
filtered view is a URL and can be printed with a sentence saying what it shows.

It works on ShortlistEntry rows (finder.domain.shortlist_entries), which carry each filter's
values ready, so that filtering, counting and sorting a shortlist of thousands is one pass
over small, prepared rows (see run_query).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain
from typing import Callable, Collection, Iterable, Mapping

from finder.domain.search_text import search_words
from finder.domain.shortlist_entries import SCORE_BANDS, ShortlistEntry, facet
from finder.domain.words import plural

__all__ = [
    "Filter",
    "Option",
    "Page",
    "ShortlistQuery",
    "ShortlistView",
    "build_filters",
    "SORTS",
    "PAGE_SIZES",
    "run_query",
    "whole_number",
]

GetList = Callable[[str], list[str]]
# A filter with up to this many choices offers them all; a longer one (the states) offers
# only those that would match someone or are chosen.
SHORT_FILTER = 12


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    count: int = 0
    selected: bool = False
    number: int = 1  # its place among all the filter's choices, offered or not
    offered: bool = True  # worth showing: it would match someone, it is chosen, or the
    #                       filter is short enough to show every choice


@dataclass
class Filter:
    """One filter: a key in the query string, its choices, a test and a sentence.

    Most filters read their values from the entry's `facets`, worked out when the entry was
    built; one whose values change with the day (the follow-up) gives `values_of`."""

    key: str
    label: str
    choices: list[tuple[str, str]]
    template: str  # e.g. "status is {labels}"; {lower} gives the labels in lower case
    values_of: Callable[[ShortlistEntry], Collection[str]] | None = None

    def selected(self, get_list: GetList) -> list[str]:
        """The chosen values that this filter knows; anything else is ignored."""
        known = {value for value, _ in self.choices}
        return list(dict.fromkeys(v for v in get_list(self.key) if v in known))

    def values(self, entry: ShortlistEntry) -> Collection[str]:
        """The filter's values this provider has."""
        if self.values_of is not None:
            return self.values_of(entry)
        prefix = facet(self.key, "")
        return [text[len(prefix):] for text in entry.facets if text.startswith(prefix)]

    def matcher(self, values: Collection[str]) -> Callable[[ShortlistEntry], bool]:
        """A test for "has any of `values`" (several values of one filter mean any)."""
        if self.values_of is not None:
            chosen, values_of = set(values), self.values_of
            return lambda entry: not chosen.isdisjoint(values_of(entry))
        facets = frozenset(facet(self.key, value) for value in values)
        return lambda entry: not facets.isdisjoint(entry.facets)

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


def _follow_up(today: str) -> Callable[[ShortlistEntry], tuple[str]]:
    def values_of(entry: ShortlistEntry) -> tuple[str]:
        date = entry.follow_up_on
        return ("none",) if not date else ("due",) if date <= today else ("later",)
    return values_of


def build_filters(vocabulary, verdict_labels: Mapping[str, str], today: dt.date,
                  tags: Iterable[str] = (), any_to_fix: bool = False) -> list[Filter]:
    """Every shortlist filter, in the order the page shows them. A filter without choices
    (no tags yet, nothing to fix) is not shown."""
    return [
        Filter("status", "Status", vocabulary.choices("statuses"), "with status {labels}"),
        Filter("verdict", "Verdict", list(verdict_labels.items()), "with verdict {labels}"),
        Filter("red_flags", "Red flags", [("none", "No red flags"), ("any", "A red flag")],
               "with {lower}"),
        Filter("score", "Score", SCORE_BANDS, "score {lower}"),
        Filter("state", "State (in person or by video)", vocabulary.state_choices(),
               "in or covering {labels}"),
        Filter("telemedicine", "Video visits", vocabulary.choices("telemedicine"),
               "video visits: {lower}"),
        Filter("specialty", "Specialty", vocabulary.choices("specialties"),
               "specialty {labels}"),
        Filter("payment", "Insurance or self-pay", vocabulary.choices("payment"),
               "payment: {lower}"),
        Filter("referral", "How you heard of them", vocabulary.choices("referral_sources"),
               "heard of through {labels}"),
        Filter("follow_up", "Follow-up", FOLLOW_UP_CHOICES, "follow-up {lower}",
               _follow_up(today.isoformat())),
        Filter("tag", "Your tags", [(t, t) for t in sorted(set(tags), key=str.lower)],
               "tagged {labels}"),
        Filter("to_fix", "Fields to fix", TO_FIX_CHOICES if any_to_fix else [],
               "{lower}"),
    ]


TO_FIX_CHOICES = [("yes", "With a field to fix after an import"), ("no", "Nothing to fix")]
FOLLOW_UP_CHOICES = [("due", "Due today or overdue"), ("later", "Later"), ("none", "No date")]


SORTS: dict[str, tuple[str, Callable[[ShortlistEntry], object], bool]] = {
    "score": ("best match first", lambda entry: entry.best_match_key, False),
    "percent": ("highest score first", lambda entry: entry.score_key, False),
    "name": ("name A to Z", lambda entry: entry.name_key, False),
    "last_contact": ("most recent contact first", lambda entry: entry.last_call_at, True),
    "follow_up": ("follow-up date, soonest first",
                  lambda entry: (not entry.follow_up_on, entry.follow_up_on), False),
}

# The page sizes offered; a bookmarked address may ask for another within the limits.
PAGE_SIZES = (25, 50, 100, 200, 500)
DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 100, 1000


@dataclass
class ShortlistQuery:
    """What the user asked for: selected values per filter, search words, sort order, and
    which page of how many rows."""

    selected: dict[str, list[str]]
    search: str
    sort: str
    page: int = 1
    per_page: int = DEFAULT_PAGE_SIZE

    @classmethod
    def parse(cls, get_list: GetList, filters: list[Filter]) -> "ShortlistQuery":
        selected = {f.key: f.selected(get_list) for f in filters}
        search = " ".join((get_list("q") or [""])[0].split())[:200]
        sort = (get_list("sort") or ["score"])[0]
        return cls({k: v for k, v in selected.items() if v}, search,
                   sort if sort in SORTS else "score",
                   whole_number(get_list("page"), 1, None, 1),
                   whole_number(get_list("per_page"), 1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE))

    @property
    def filters_on(self) -> int:
        """How many choices narrow the view: each chosen value, and the search."""
        return sum(len(values) for values in self.selected.values()) + bool(self.search)


def whole_number(given: list[str], low: int, high: int | None, default: int) -> int:
    """The first value as a whole number from low to at most high (None: no limit); default
    when it is not one (an address mistyped or cut is still a view, as unknown filters are
    ignored)."""
    text = (given or [""])[0].strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        return default
    number = int(text)
    return default if number < low else min(number, high) if high else number


@dataclass(frozen=True)
class Page:
    """One page of a view's rows: `number` of `count` pages, rows `first` to `last` (counted
    from 1) of `total`. A page past the end shows the last one; `asked` keeps the number
    the address asked for, so the page can say so."""

    rows: list[ShortlistEntry]
    number: int
    count: int
    size: int
    total: int
    asked: int

    @property
    def first(self) -> int:
        return (self.number - 1) * self.size + 1 if self.total else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0


@dataclass
class ShortlistView:
    """The rows to show (every match, in order), with what the page needs to explain them."""

    rows: list[ShortlistEntry]
    total: int
    options: dict[str, list[Option]]
    description: str
    emptied_by: list[str] = field(default_factory=list)

    def page(self, number: int, size: int) -> Page:
        """The rows of page `number` with `size` rows a page (the last page if past it)."""
        count = max(1, -(-len(self.rows) // size))
        shown = min(max(number, 1), count)
        start = (shown - 1) * size
        return Page(self.rows[start:start + size], shown, count, size, len(self.rows), number)


def run_query(entries: list[ShortlistEntry], filters: list[Filter],
              query: ShortlistQuery) -> ShortlistView:
    """Filter, count and sort, in one pass over the entries. Counts show how many providers
    each value would match if chosen, given every other active filter and the search."""
    words = search_words(query.search)
    searched = ([entry for entry in entries if all(w in entry.search_text for w in words)]
                if words else entries)
    active = [(f, f.matcher(query.selected[f.key])) for f in filters if f.key in query.selected]
    shown, missed_only = _sift(searched, active)
    # A provider that fails no filter counts for every filter's values; one that fails
    # exactly one filter counts for that filter's values only (what choosing them would
    # show); one that fails two counts nowhere.
    facet_counts = Counter(chain.from_iterable(entry.facets for entry in shown))
    options = {f.key: _options(f, facet_counts, shown, missed_only.get(f.key, ()), query)
               for f in filters}
    _, key, reverse = SORTS[query.sort]
    shown.sort(key=key, reverse=reverse)
    emptied_by = [] if shown else _emptied_by(entries, missed_only, active, query)
    return ShortlistView(shown, len(entries), options, describe(filters, query), emptied_by)


def _sift(entries, active) -> tuple[list, dict[str, list]]:
    """The entries that pass every active filter, and, per filter, those that fail it alone."""
    if not active:
        return list(entries), {}
    shown, missed_only = [], {f.key: [] for f, _ in active}
    for entry in entries:
        missed = None
        for filter_, matches in active:
            if not matches(entry):
                if missed is not None:
                    break  # fails two: counts nowhere
                missed = filter_.key
        else:
            (shown if missed is None else missed_only[missed]).append(entry)
    return shown, missed_only


def _options(filter_: Filter, facet_counts: Counter, shown, missed_only, query) -> list[Option]:
    if filter_.values_of is not None:
        counts = Counter(chain.from_iterable(map(filter_.values_of, chain(shown, missed_only))))
    else:
        counts = Counter({value: facet_counts[facet(filter_.key, value)]
                          for value, _ in filter_.choices})
        counts.update(chain.from_iterable(map(filter_.values, missed_only)))
    chosen = query.selected.get(filter_.key, [])
    short = len(filter_.choices) <= SHORT_FILTER
    return [Option(value, label, counts[value], value in chosen, number,
                   bool(short or counts[value] or value in chosen))
            for number, (value, label) in enumerate(filter_.choices, start=1)]


def _emptied_by(entries, missed_only, active, query) -> list[str]:
    """For an empty result: which active filters, or the search, taken away alone would
    show something, and how many providers each would bring back."""
    found = []
    for filter_, _ in active:
        count = len(missed_only[filter_.key])
        if count:
            found.append(f"{filter_.phrase(query.selected[filter_.key])} "
                         f"(without it: {plural(count, 'provider')})")
    if query.search:
        count = sum(1 for entry in entries if all(matches(entry) for _, matches in active))
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
