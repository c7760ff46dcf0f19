"""The medication timeline: a form the user fills in (/timeline) and its one-page print
(/print/timeline, and .pdf) to bring to appointments."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, flash, redirect, render_template, request, url_for

from finder.app_data import directory
from finder.errors import note_write_failure
from finder.domain.medication_timeline import duration_words, is_empty, step_cuts
from finder.printing import Printable, printable
from finder.security import replays_form_on_expired_token
from finder.store import StorageError
from finder.timeline.forms import MAX_STEPS, ROWS_ADDED, field_problems, timeline_form

__all__ = ["bp"]

bp = Blueprint("timeline", __name__)

# Blank rows on paper, for steps to be written in by hand: enough for the table to look like
# a form when little is filled in, and two more while the list is short enough for one page.
MIN_PRINTED_STEP_ROWS, SPARE_PRINTED_ROWS, ROOM_FOR_SPARES = 6, 2, 14


@bp.route("/timeline", methods=["GET", "POST"])
@replays_form_on_expired_token
def edit():
    """Fill in the timeline. Every button saves what is typed first: Save; "Save and add more
    rows", which then adds blank rows; "Save and see it as printed", which then shows the
    printed page. A mistake saves nothing and shows the form again, as typed (400)."""
    more = _more_count(request.args.get("more", ""))
    stored = directory().timeline()
    form = timeline_form(stored, extra_step_rows=more * ROWS_ADDED)
    adding = "more_rows" in request.form
    status = 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            _save_if_changed(form.record(), stored)
        except StorageError as error:
            status = note_write_failure(error)  # the form again, as typed, saying why
        else:
            return _after_saving(adding, more)
    if adding and status != 503:
        form.add_blank_rows(0, ROWS_ADDED)
    return render_template("timeline/form.html", form=form,
                           problems=field_problems(form), max_steps=MAX_STEPS), status


def _save_if_changed(record: dict, stored: dict) -> None:
    """Save, unless nothing differs from what is stored: the printed page's "last changed"
    stays true when someone only goes to see it."""
    before = {key: value for key, value in stored.items() if key != "updated_at"}
    unchanged = record == before or (not before and is_empty(record))
    if not unchanged:
        directory().save_timeline(record)


def _after_saving(adding: bool, more: int):
    if "print" in request.form:
        return redirect(url_for(".printed"))
    if adding:
        flash(f"Saved. {ROWS_ADDED} more rows for taper steps are below.")
        return redirect(url_for(".edit", more=more + 1) + "#steps")
    flash("Saved. You can print it now.")
    return redirect(url_for(".edit"))


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
