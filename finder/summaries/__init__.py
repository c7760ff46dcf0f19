"""Printable pages: a provider's scored summary, to show family or bring to an appointment."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import Blueprint, current_app, render_template

from finder.content import load_clinician_brief
from finder.lookups import provider_or_404
from finder.presenting import call_labels
from finder.services import directory, services

__all__ = ["bp", "sources_cited"]

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


@bp.route("/providers/<int:provider_id>/summary")
def provider(provider_id: int):
    record = provider_or_404(provider_id)
    calls = directory().calls_for(provider_id)
    standing = directory().standing(provider_id)
    checklist = services().checklist
    return render_template(
        "summaries/provider.html", provider=record, calls=calls, standing=standing,
        checklist=checklist, calls_by_id=call_labels(calls, services().vocabulary),
        cited=sources_cited(standing, checklist), printed_on=dt.date.today().isoformat())


@bp.route("/print/clinician-brief")
def clinician_brief():
    brief = load_clinician_brief(Path(current_app.config["CONTENT_DIR"]))
    return render_template("summaries/clinician_brief.html", brief=brief)
