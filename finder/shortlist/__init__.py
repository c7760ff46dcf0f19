"""The shortlist: every provider, filtered, searched and sorted from the query string."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from flask import Blueprint, render_template, request, url_for

from finder.services import directory, services
from finder.shortlist_filters import SORTS, ShortlistQuery, build_filters, run_query

__all__ = ["bp", "shortlist_view"]

bp = Blueprint("shortlist", __name__)


def shortlist_view(args):
    """The providers the query string asks for, with filters, counts and a description.
    Shared by the page, its printed report and its CSV export."""
    rows = directory().providers()
    checklist = services().checklist
    verdicts = {v["id"]: v["label"] for v in checklist.data["verdict"]["labels"]}
    tags = {tag for row in rows for tag in row.get("tags") or []}
    filters = build_filters(services().vocabulary, verdicts, dt.date.today(), tags)
    query = ShortlistQuery.parse(args.getlist, filters)
    return filters, query, run_query(rows, filters, query)


@bp.route("/")
def index():
    filters, query, view = shortlist_view(request.args)
    today = dt.date.today().isoformat()
    due = sorted((p for p in directory().providers()
                  if p.get("follow_up_on") and p["follow_up_on"] <= today
                  and p.get("status") not in ("ruled_out", "booked")),
                 key=lambda p: p["follow_up_on"])
    return render_template("shortlist/index.html", filters=filters, query=query, view=view,
                           due=due, sorts=SORTS, remove_links=_remove_links(filters, query),
                           today=today)


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
