"""Shortlist filters, search, sorting and pages, read from the query string.

Pure module: no Flask. Each filter is a small object looked up by its query-string key. It
parses its own values and describes itself in words, so that any filtered view is a URL and
can be printed with a sentence saying what it shows.

It works on ShortlistEntry rows (finder.domain.shortlist_entries), which carry each filter's
values ready, through a ShortlistIndex of them: a bitmap of the entries with each value,
and each sort order, worked out once for every view until the data change. A view
(run_query) is then a few ANDs of bitmaps, and counting how many providers each value would
match given the other filters is counting the bits of one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import chain
from typing import Callable, Collection, Iterable, Mapping, Sequence

from finder.domain.search_text import search_words
from finder.domain.shortlist_entries import SCORE_BANDS, ShortlistEntry, facet
from finder.domain.words import plural

__all__ = [
    "Filter",
    "Option",
    "Page",
    "ShortlistIndex",
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
    """One filter: a key in the query string, its choices and a sentence.

    Most filters read their values from the entry's `facets`, worked out when the entry was
    built; one whose values change with the day (the follow-up) gives `values_of`.
    ShortlistIndex finds the entries with each value."""

    key: str
    label: str
    choices: list[tuple[str, str]]
    template: str  # e.g. "status is {labels}"; {lower} gives the labels in lower case
    values_of: Callable[[ShortlistEntry], Collection[str]] | None = None

    def selected(self, get_list: GetList) -> list[str]:
        """The chosen values that this filter knows; anything else is ignored."""
        known = {value for value, _ in self.choices}
        return list(dict.fromkeys(v for v in get_list(self.key) if v in known))

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
               "with video visits: {lower}"),
        Filter("specialty", "Specialty", vocabulary.choices("specialties"),
               "specialty {labels}"),
        Filter("payment", "Insurance or self-pay", vocabulary.choices("payment"),
               "with payment: {lower}"),
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
    """The entries a query matches, `count` of `total`, with what the page needs to explain
    them. `pick(start, stop)` gives the matches from `start` to `stop` in the view's order,
    found only as far as asked: a page of a long list reads no further than its own rows."""

    count: int
    total: int
    options: dict[str, list[Option]]
    description: str
    pick: Callable[[int, int], list[ShortlistEntry]]
    emptied_by: list[str] = field(default_factory=list)

    @property
    def rows(self) -> list[ShortlistEntry]:
        """Every match, in order (for the printout and the CSV)."""
        return self.pick(0, self.count)

    def page(self, number: int, size: int) -> Page:
        """The rows of page `number` with `size` rows a page (the last page if past it)."""
        count = max(1, -(-self.count // size))
        shown = min(max(number, 1), count)
        start = (shown - 1) * size
        return Page(self.pick(start, start + size), shown, count, size, self.count, number)


class ShortlistIndex:
    """The shortlist's entries at one moment of the data, prepared for every view of it, as
    a database indexes a table: those in the trash set apart, the tags and marks the filters
    offer, each sort order (worked out the first time a view asks for it), and for each
    filter value a bitmap of the entries that have it (bit p for the entry at position p of
    `entries`, in a Python int). A view is then a few ANDs of bitmaps; counting a value is
    counting the bits of one AND, and a page's rows are read off the sort order.

    Directory.shortlist_index keeps one until a save changes the entries or the day changes
    (the follow-up filter's values depend on the day: the filters of its views are built
    for `day`). Everything in it is worked out from the entries alone, and entries are
    immutable, so no view can change what another sees."""

    def __init__(self, entries: Sequence[ShortlistEntry], day: dt.date,
                 statuses_ending_follow_ups: Collection[str] = ()):
        self.day = day
        self.statuses_ending_follow_ups = frozenset(statuses_ending_follow_ups)
        self.entries = tuple(entry for entry in entries if not entry.in_trash)
        self.trashed = len(entries) - len(self.entries)
        self.tags = frozenset(chain.from_iterable(entry.tags for entry in self.entries))
        self.any_to_fix = any(entry.to_fix for entry in self.entries)
        self.everyone = (1 << len(self.entries)) - 1  # the bitmap of every entry
        self._search_texts = tuple(entry.search_text for entry in self.entries)
        self._orders: dict[str, tuple[tuple[ShortlistEntry, ...], tuple[int, ...]]] = {}
        self._facet_bitmaps: dict[str, int] | None = None
        self._value_bitmaps: dict[str, dict[str, int]] = {}
        self._due: tuple[ShortlistEntry, ...] | None = None

    def in_order(self, sort: str) -> tuple[ShortlistEntry, ...]:
        return self._order(sort)[0]

    def _order(self, sort: str) -> tuple[tuple[ShortlistEntry, ...], tuple[int, ...]]:
        """The entries in a sort order, and their positions in `entries`."""
        order = self._orders.get(sort)
        if order is None:
            _, key, reverse = SORTS[sort]
            # Python's sort is stable, so any part of this order is in the order that
            # sorting that part alone would give.
            positions = sorted(range(len(self.entries)),
                               key=lambda position: key(self.entries[position]),
                               reverse=reverse)
            order = self._orders[sort] = (tuple(self.entries[p] for p in positions),
                                          tuple(positions))
        return order

    def picked(self, bitmap: int, sort: str, start: int, stop: int) -> list[ShortlistEntry]:
        """The entries of the bitmap from the start-th to the stop-th, in a sort order."""
        entries, positions = self._order(sort)
        if bitmap == self.everyone or stop <= start:
            return list(entries[start:stop])
        flags = bitmap.to_bytes(len(self.entries) // 8 + 1, "little")
        found, seen = [], 0
        for entry, position in zip(entries, positions):
            if flags[position >> 3] >> (position & 7) & 1:
                if seen >= start:
                    found.append(entry)
                    if len(found) >= stop - start:
                        break
                seen += 1
        return found

    def due(self) -> tuple[ShortlistEntry, ...]:
        """The entries due for a call back: a follow-up date of `day` or earlier, earliest
        first, except those whose status ends follow-ups."""
        if self._due is None:
            today, due = self.day.isoformat(), []
            for entry in self.in_order("follow_up"):  # dated ones first, soonest first
                if not entry.follow_up_on or entry.follow_up_on > today:
                    break
                if entry.status not in self.statuses_ending_follow_ups:
                    due.append(entry)
            self._due = tuple(due)  # shared by every request: not to be changed
        return self._due

    def bitmap_of(self, filter_: Filter, value: str) -> int:
        """The entries that have this value of the filter."""
        if filter_.values_of is not None:
            bitmaps = self._value_bitmaps.get(filter_.key)
            if bitmaps is None:
                bitmaps = self._value_bitmaps[filter_.key] = self._bitmaps(
                    filter_.values_of(entry) for entry in self.entries)
            return bitmaps.get(value, 0)
        if self._facet_bitmaps is None:
            self._facet_bitmaps = self._bitmaps(entry.facets for entry in self.entries)
        return self._facet_bitmaps.get(facet(filter_.key, value), 0)

    def bitmap_of_any(self, filter_: Filter, values: Iterable[str]) -> int:
        """Several values of one filter mean any of them."""
        bitmap = 0
        for value in values:
            bitmap |= self.bitmap_of(filter_, value)
        return bitmap

    def bitmap_found(self, words: list[str]) -> int:
        """The entries whose text holds every search word (at least one)."""
        texts = self._search_texts
        found = [position for position, text in enumerate(texts) if words[0] in text]
        for word in words[1:]:
            found = [position for position in found if word in texts[position]]
        return self._bitmap(found)

    def _bitmaps(self, keys_of_each: Iterable[Iterable[str]]) -> dict[str, int]:
        """A bitmap per key, from the keys of each entry in turn."""
        positions: dict[str, list[int]] = {}
        for position, keys in enumerate(keys_of_each):
            for key in keys:
                positions.setdefault(key, []).append(position)
        return {key: self._bitmap(found) for key, found in positions.items()}

    def _bitmap(self, positions: Iterable[int]) -> int:
        # Set in a bytearray and made an int once: setting bits in an int one by one
        # would copy the whole int each time.
        bits = bytearray(len(self.entries) // 8 + 1)
        for position in positions:
            bits[position >> 3] |= 1 << (position & 7)
        return int.from_bytes(bits, "little")


def run_query(index: ShortlistIndex, filters: list[Filter],
              query: ShortlistQuery) -> ShortlistView:
    """The entries the query asks for, in its order, and how many each filter value would
    show if chosen, given every other chosen filter and the search."""
    chosen = [f for f in filters if f.key in query.selected]
    words = search_words(query.search)
    # Per chosen filter, the entries it lets through; the search is one more such bitmap,
    # under its query-string key, which no filter has.
    passing = {f.key: index.bitmap_of_any(f, query.selected[f.key]) for f in chosen}
    if words:
        passing["q"] = index.bitmap_found(words)

    def all_but(key: str | None) -> int:
        """The entries that pass everything chosen except `key`."""
        bitmap = index.everyone
        for other, passed in passing.items():
            if other != key:
                bitmap &= passed
        return bitmap

    shown = all_but(None)
    # A value's count is what choosing it would show: how many of the entries that pass
    # every other choice (of other filters, and the search) have it.
    options = {}
    for filter_ in filters:
        pool = all_but(filter_.key)
        options[filter_.key] = _options(
            filter_, lambda value, f=filter_, pool=pool: (
                pool & index.bitmap_of(f, value)).bit_count(), query)
    count = shown.bit_count()
    emptied_by = [] if count else _emptied_by(chosen, all_but, query)
    return ShortlistView(
        count, len(index.entries), options, describe(filters, query),
        lambda start, stop: index.picked(shown, query.sort, start, stop), emptied_by)


def _options(filter_: Filter, count_of: Callable[[str], int],
             query: ShortlistQuery) -> list[Option]:
    chosen = query.selected.get(filter_.key, [])
    short = len(filter_.choices) <= SHORT_FILTER
    options = []
    for number, (value, label) in enumerate(filter_.choices, start=1):
        count = count_of(value)
        options.append(Option(value, label, count, value in chosen, number,
                              bool(short or count or value in chosen)))
    return options


def _emptied_by(chosen: list[Filter], all_but: Callable[[str | None], int],
                query: ShortlistQuery) -> list[str]:
    """For an empty result: which chosen filters, or the search, taken away alone would
    show something, and how many providers each would bring back."""
    found = []
    for filter_ in chosen:
        count = all_but(filter_.key).bit_count()
        if count:
            found.append(f"{filter_.phrase(query.selected[filter_.key])} "
                         f"(without it: {plural(count, 'provider')})")
    if query.search:
        count = all_but("q").bit_count()
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
