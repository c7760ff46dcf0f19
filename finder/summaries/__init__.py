"""Printable pages: a provider's scored summary, the shortlist report, the blank checklist for
calls on paper and the clinician brief; each also as a PDF. (The medication timeline, also
printable, is its own blueprint: finder.timeline.)

Every page is built once as a `Printable` (finder.printing) and served both as HTML
for the browser's Print and as a PDF download made from that same HTML.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from flask import Blueprint, render_template, request

from finder.app_data import content, directory, provider_or_404
from finder.domain.words import call_labels
from finder.printing import Printable, printable
from finder.shortlist import PAGING_KEYS, shortlist_records

__all__ = ["bp", "sources_cited", "short_call_names", "checklist_sources", "report_rows"]

bp = Blueprint("summaries", __name__)


def sources_cited(standing, checklist) -> list[str]:
    """Ids of the sources behind what a summary shows, in first-cited order."""
    cited: list[str] = []
    for answer in standing.answers:
        cited += checklist.questions.get(answer.question_id, {}).get("sources", [])
    for flag_id in standing.red_flag_ids:
        cited += checklist.red_flags.get(flag_id, {}).get("sources", [])
    for question_id in standing.practical:
        cited += checklist.practical.get(question_id, {}).get("sources", [])
    return list(dict.fromkeys(cited))


def short_call_names(calls: list[dict]) -> dict[int, str]:
    """Each call's name for a narrow space on paper: 'call 2, nurse or assistant'."""
    vocabulary = content().vocabulary
    names = {}
    for number, call in enumerate(calls, start=1):
        who = call.get("spoke_with")
        names[call["id"]] = f"call {number}" + (
            f", {vocabulary.label('call_roles', who).lower()}" if who else "")
    return names


def checklist_sources(checklist) -> list[str]:
    """Ids of the sources behind the whole checklist (questions and red flags)."""
    cited = [s for key in ("questions", "red_flags")
             for item in checklist.data[key] for s in item.get("sources", [])]
    return list(dict.fromkeys(cited))


def _today() -> str:
    return dt.date.today().isoformat()


@bp.route("/print")
def index():
    """The printable pages, each with what it is for."""
    return render_template("summaries/index.html")


@printable(bp, "/providers/<int:provider_id>/summary", "provider")
def provider(provider_id: int) -> Printable:
    """One provider's scored summary: verdict and red flags first, then every answer."""
    record = provider_or_404(provider_id)
    calls = directory().calls_for(provider_id)
    standing = directory().standing(provider_id)
    checklist = content().checklist
    return Printable("summaries/provider.html", dict(
        provider=record, calls=calls, standing=standing, checklist=checklist,
        calls_by_id=call_labels(calls, content().vocabulary),
        call_names=short_call_names(calls),
        cited=sources_cited(standing, checklist), printed_on=_today()),
        ["summary", record["name"]])


@printable(bp, "/print/clinician-brief", "clinician_brief")
def clinician_brief() -> Printable:
    """One page on the method for a willing doctor who has not run a hyperbolic taper."""
    return Printable("summaries/clinician_brief.html",
                     dict(brief=content().clinician_brief, printed_on=_today()),
                     ["clinician brief"])


@printable(bp, "/print/checklist", "checklist")
def checklist() -> Printable:
    """The screening questions, red flags and practical questions as a form for paper."""
    current = content().checklist
    return Printable("summaries/checklist.html", dict(
        checklist=current, cited=checklist_sources(current), printed_on=_today()),
        ["call checklist"])


@printable(bp, "/print/shortlist", "shortlist")
def shortlist() -> Printable:
    """The shortlist as filtered on screen, as a ranked table."""
    args = request.args.copy()
    for key in ("paper", *PAGING_KEYS):  # the report covers every page
        args.poplist(key)
    view, records = shortlist_records(args)
    current = content().checklist
    return Printable("summaries/shortlist.html", dict(
        view=view, rows=report_rows(records), query_string=_query_string(args),
        cited=checklist_sources(current), checklist_version=current.version,
        printed_on=_today()),
        ["shortlist"])


def report_rows(rows: list[dict]) -> list[dict]:
    """The shortlist rows with what the report shows beside each: rank and red flag names."""
    flags = content().checklist.red_flags
    return [{"rank": rank, "provider": row,
             "red_flags": [flags[f]["label"] if f in flags else f
                           for f in (row.get("standing") or {}).get("red_flags") or []]}
            for rank, row in enumerate(rows, start=1)]


def _query_string(args) -> str:
    return urlencode(list(args.items(multi=True)))
