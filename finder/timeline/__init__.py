"""The medication timeline: a form the user fills in (/timeline) and its one-page print
(/print/timeline, and .pdf) to bring to appointments."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, flash, redirect, render_template, request, url_for

from finder.app_data import directory
from finder.domain.medication_timeline import duration_words, is_empty, step_cuts
from finder.printing import Printable, printable
from finder.security import replays_form_on_expired_token
from finder.timeline.forms import MAX_STEPS, ROWS_ADDED, field_problems, timeline_form

__all__ = ["bp"]

bp = Blueprint("timeline", __name__)

# Blank rows on paper, for steps to be written in by hand: enough for the table to look like
# a form when little is filled in, and two more while the list is short enough for one page.
MIN_PRINTED_STEP_ROWS, SPARE_PRINTED_ROWS, ROOM_FOR_SPARES = 6, 2, 14


@bp.route("/timeline", methods=["GET", "POST"])
@replays_form_on_expired_token
def edit():
    """Fill in the timeline. Save keeps it; "Add more rows" keeps it and adds blank rows."""
    more = _more_count(request.args.get("more", ""))
    form = timeline_form(directory().timeline(), extra_step_rows=more * ROWS_ADDED)
    adding = "more_rows" in request.form
    if form.validate_on_submit():
        directory().save_timeline(form.record())
        flash("Saved. " + (f"{ROWS_ADDED} more rows for taper steps are below."
                           if adding else "You can print it now."))
        target = url_for(".edit", more=more + 1) + "#steps" if adding else url_for(".edit")
        return redirect(target)
    if adding:
        form.add_blank_rows(0, ROWS_ADDED)
    status = 400 if form.is_submitted() else 200
    return render_template("timeline/form.html", form=form,
                           problems=field_problems(form), max_steps=MAX_STEPS), status


def _local_day(stamp: str | None) -> str:
    """The local calendar day of a stored UTC timestamp, as ISO text ('' if unreadable)."""
    try:
        return dt.datetime.fromisoformat(stamp or "").astimezone().date().isoformat()
    except ValueError:
        return ""


def _blank_rows(filled: int) -> int:
    spare = SPARE_PRINTED_ROWS if filled <= ROOM_FOR_SPARES else 0
    return max(spare, MIN_PRINTED_STEP_ROWS - filled)


def _more_count(text: str) -> int:
    return min(int(text), MAX_STEPS // ROWS_ADDED) if text.isdigit() and len(text) < 4 else 0


@printable(bp, "/print/timeline", "printed")
def printed() -> Printable:
    """The timeline on one page, with blank lines where nothing is filled in yet."""
    timeline = directory().timeline()
    steps = timeline.get("steps", [])
    return Printable("timeline/printed.html", dict(
        timeline=timeline, empty=is_empty(timeline), steps=list(zip(steps, step_cuts(steps))),
        blank_steps=_blank_rows(len(steps)),
        durations=[duration_words(m.get("started_on", ""), m.get("stopped_on", ""))
                   for m in timeline.get("medications", [])],
        changed_on=_local_day(timeline.get("updated_at")),
        printed_on=dt.date.today().isoformat()),
        ["medication timeline"])
