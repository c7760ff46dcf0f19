"""The shortlist: every provider, filtered, searched and sorted from the query string."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qsl, urlencode

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from finder.app_data import content, directory, verdict_names
from finder.domain.shortlist_filters import SORTS, ShortlistQuery, build_filters, run_query
from finder.form_parts import confirmed
from finder.security import replays_form_on_expired_token
from finder.shortlist.rows import shortlist_rows

__all__ = ["bp", "shortlist_view", "COMPARE_MIN", "COMPARE_MAX"]

COMPARE_MIN, COMPARE_MAX = 2, 4

bp = Blueprint("shortlist", __name__)


def shortlist_view(args, rows: list[dict] | None = None):
    """The providers the query string asks for, with filters, counts and a description.
    Shared by the page, its printed report and its CSV export. `rows`, when given, are the
    providers not in the trash, already read."""
    rows = directory().providers() if rows is None else rows
    tags = {tag for row in rows for tag in row.get("tags") or []}
    filters = build_filters(content().vocabulary, verdict_names(), dt.date.today(), tags)
    query = ShortlistQuery.parse(args.getlist, filters)
    return filters, query, run_query(rows, filters, query)


@bp.route("/")
def index():
    everyone, trashed = directory().providers_and_trash()
    filters, query, view = shortlist_view(request.args, everyone)
    today = dt.date.today().isoformat()
    link_base = url_for("providers.show", provider_id=0)[:-1]  # one url_for, not one per row
    rows = shortlist_rows(view.rows, content().vocabulary, verdict_names(),
                          lambda provider_id: f"{link_base}{provider_id}")
    return render_template("shortlist/index.html", filters=filters, query=query, view=view,
                           rows=rows, due=directory().due_for_call_back(today, everyone),
                           sorts=SORTS,
                           remove_links=_remove_links(filters, query),
                           today=today, ticked=set(request.args.getlist("id")),
                           view_args=_view_args(request.args),
                           trashed=len(trashed),
                           verdict_changes=directory().verdict_changes())


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
    return url_for("shortlist.index") + ("?" + urlencode(args) if args else "")
