"""The shortlist: every provider, filtered, searched, sorted and paged from the query string."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qsl, urlencode

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from finder.app_data import content, directory, verdict_names
from finder.domain.shortlist_filters import (DEFAULT_PAGE_SIZE, PAGE_SIZES, SORTS,
                                             ShortlistIndex, ShortlistQuery, build_filters,
                                             run_query, whole_number)
from finder.form_parts import confirmed
from finder.security import replays_form_on_expired_token
from finder.shortlist.rows import shortlist_rows

__all__ = ["bp", "shortlist_view", "shortlist_records", "PAGING_KEYS", "COMPARE_MIN",
           "COMPARE_MAX"]

COMPARE_MIN, COMPARE_MAX = 2, 4
# Query-string keys that choose a page, not which providers: printing and the CSV leave
# them out, since they cover every matching provider.
PAGING_KEYS = ("page", "per_page")
# The call-back list at the top shows the first few; a link shows them all as a view.
DUE_SHOWN = 8

bp = Blueprint("shortlist", __name__)


def shortlist_view(args, index: ShortlistIndex | None = None):
    """The providers the query string asks for (every match, in order, as ShortlistEntry
    rows), with filters, counts and a description. `index`, when given, is the directory's
    ShortlistIndex, already read."""
    index = directory().shortlist_index(dt.date.today()) if index is None else index
    filters = build_filters(content().vocabulary, verdict_names(), index.day, index.tags,
                            index.any_to_fix)
    query = ShortlistQuery.parse(args.getlist, filters)
    return filters, query, run_query(index, filters, query)


def shortlist_records(args):
    """The view the query string asks for and the full record of every provider in it, in
    its order, read at one moment: for the printed report and the CSV."""
    with directory().reading():
        _, _, view = shortlist_view(args)
        return view, directory().providers_in_order([entry.id for entry in view.rows])


@bp.route("/")
def index():
    if "first_row" in request.args:  # the page size changed: keep the same rows in view
        return redirect(_page_with_row(request.args))
    day = dt.date.today()
    today = day.isoformat()
    with directory().reading():  # one moment's data on the whole page
        index = directory().shortlist_index(day)
        filters, query, view = shortlist_view(request.args, index)
        due = directory().due_entries(today, index)
        verdict_changes = directory().verdict_changes()
    page = view.page(query.page, query.per_page)
    view_args = _view_args(request.args)
    return render_template(
        "shortlist/index.html", filters=filters, query=query, view=view, page=page,
        rows=_rows_to_show(page.rows), sorts=SORTS, today=today, trashed=index.trashed,
        due=due, due_shown=DUE_SHOWN, all_due=_all_due_url(),
        pages=_page_links(view_args, page), page_sizes=_page_sizes(query.per_page),
        default_page_size=DEFAULT_PAGE_SIZE, remove_links=_remove_links(filters, query),
        ticked={int(i) for i in request.args.getlist("id") if i.isdigit()},
        view_args=view_args,
        all_rows_args=_without_paging(view_args), verdict_changes=verdict_changes)


def _rows_to_show(entries):
    link_base = url_for("providers.show", provider_id=0)[:-1]  # one url_for, not one per row
    return shortlist_rows(entries, content().vocabulary, verdict_names(),
                          lambda provider_id: f"{link_base}{provider_id}")


def _all_due_url() -> str:
    """The view of every provider in the call-back list: a follow-up date come, and a status
    that does not end follow-ups."""
    vocabulary = content().vocabulary
    ending = vocabulary.statuses_ending_follow_ups()
    chasing = [("status", status) for status, _ in vocabulary.choices("statuses")
               if status not in ending]
    return _url([("follow_up", "due"), *chasing], ShortlistQuery({}, "", "follow_up"))


def _page_with_row(args: MultiDict) -> str:
    """The address of the page, at the page size asked for, that holds the row the page
    size was changed from ("first_row"), so that changing it keeps that row in view."""
    per_page = ShortlistQuery.parse(args.getlist, []).per_page
    first_row = whole_number(args.getlist("first_row"), 1, None, 1)
    view_args = [(k, v) for k, v in _view_args(args) if k not in ("first_row", "page")]
    page = (first_row - 1) // per_page + 1
    if page > 1:
        view_args.append(("page", str(page)))
    return url_for("shortlist.index") + ("?" + urlencode(view_args) if view_args else "")


def _page_sizes(current: int) -> list[int]:
    """The page sizes to offer: the usual ones, and the address's own if it is another."""
    return sorted(set(PAGE_SIZES) | {current})


def _page_links(view_args: list[tuple[str, str]], page) -> dict[str, str | None]:
    """The addresses of the first, previous, next and last pages (None where there is no
    such page, or it is this one), keeping the view and the page size."""
    base = [(k, v) for k, v in view_args if k != "page"]

    def link(number: int) -> str | None:
        if number == page.number or not 1 <= number <= page.count:
            return None
        args = base + ([("page", str(number))] if number > 1 else [])
        return url_for("shortlist.index") + ("?" + urlencode(args) if args else "")

    return {"first": link(1), "previous": link(page.number - 1),
            "next": link(page.number + 1), "last": link(page.count)}


def _without_paging(view_args: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(k, v) for k, v in view_args if k not in PAGING_KEYS]


@bp.route("/verdict-changes/hide", methods=["POST"])
@replays_form_on_expired_token
def hide_verdict_changes():
    """Hide the note of verdicts the corrected rules changed (undoable)."""
    if confirmed():
        directory().hide_verdict_changes()
        flash({"text": "The note about changed verdicts is hidden.",
               "undo": url_for("shortlist.show_verdict_changes")})
    return redirect(url_for("shortlist.index"))


@bp.route("/verdict-changes/show", methods=["POST"])
@replays_form_on_expired_token
def show_verdict_changes():
    if confirmed():
        directory().hide_verdict_changes(False)
    return redirect(url_for("shortlist.index"))


@bp.route("/compare")
def compare():
    """Two to four providers side by side. `id` names each; `back` carries the shortlist
    view they were ticked in, so going back keeps the filters and the ticks."""
    back_args = _view_args(MultiDict(parse_qsl(request.args.get("back", "")[:2000])))
    ids = list(dict.fromkeys(request.args.getlist("id")))[:50]
    found = {i: _provider_or_none(i) for i in ids}
    providers = [p for p in found.values() if p is not None]
    chosen = [str(p["id"]) for p in providers]
    problem = _compare_problem(len(providers), [i for i, p in found.items() if p is None])
    if problem:
        title, advice, status = problem
        return render_template("shortlist/compare_problem.html", title=title, advice=advice,
                               chosen=providers, back=_shortlist_url(back_args, chosen)), status
    standings = {p["id"]: directory().standing(p["id"]) for p in providers}
    return render_template(
        "shortlist/compare.html", providers=providers, standings=standings,
        answers={pid: {a.question_id: a for a in standing.answers}
                 for pid, standing in standings.items()},
        checklist=content().checklist, back=_shortlist_url(back_args, chosen),
        without={p["id"]: _compare_url([i for i in chosen if i != str(p["id"])], back_args)
                 for p in providers})


def _provider_or_none(text: str) -> dict | None:
    if not (text.isascii() and text.isdigit() and len(text) < 12):
        return None
    return directory().provider(int(text))


def _compare_problem(count: int, missing: list[str]):
    """(title, advice, HTTP status) when the chosen providers cannot be compared."""
    if missing:
        which = ", ".join(m[:20] for m in missing[:3])
        return ("A provider you chose is not here",
                f"No provider with the number {which} is on your shortlist: it may have been "
                "moved to the trash, or the address is mistyped. Go back to the shortlist and "
                "tick the providers again.", 404)
    if count < COMPARE_MIN:
        return ("Choose at least two providers",
                f"To compare, tick {COMPARE_MIN} to {COMPARE_MAX} providers on the shortlist, "
                f"then press “Compare”. You ticked {count}.", 400)
    if count > COMPARE_MAX:
        return ("Choose at most four providers",
                f"Up to {COMPARE_MAX} providers fit side by side. You ticked {count}: untick "
                "some on the shortlist, then press “Compare” again.", 400)
    return None


def _view_args(args: MultiDict) -> list[tuple[str, str]]:
    """The query-string pairs that make a shortlist view (everything but ticks)."""
    return [(k, v) for k, vs in args.lists() for v in vs if k not in ("id", "back")]


def _shortlist_url(view_args: list[tuple[str, str]], ticked: list[str]) -> str:
    args = view_args + [("id", i) for i in ticked]
    return url_for("shortlist.index") + ("?" + urlencode(args) if args else "")


def _compare_url(ids: list[str], view_args: list[tuple[str, str]]) -> str:
    args = [("id", i) for i in ids]
    if view_args:
        args.append(("back", urlencode(view_args)))
    return url_for("shortlist.compare") + "?" + urlencode(args)


def _remove_links(filters, query) -> list[tuple[str, str]]:
    """For each chosen value: its words and the URL of the same view without it."""
    links = []
    for filter_ in filters:
        for value in query.selected.get(filter_.key, []):
            args = [(k, v) for k, vs in query.selected.items() for v in vs
                    if not (k == filter_.key and v == value)]
            links.append((f"{filter_.label}: {filter_.label_of(value)}", _url(args, query)))
    if query.search:
        args = [(k, v) for k, vs in query.selected.items() for v in vs]
        links.append((f"Search: {query.search}", _url(args, query, search=False)))
    return links


def _url(args: list[tuple[str, str]], query, search: bool = True) -> str:
    if search and query.search:
        args = args + [("q", query.search)]
    if query.sort != "score":
        args = args + [("sort", query.sort)]
    if query.per_page != DEFAULT_PAGE_SIZE:
        args = args + [("per_page", str(query.per_page))]
    return url_for("shortlist.index") + ("?" + urlencode(args) if args else "")
