"""Schedule check: lay out a taper a clinician proposed, show its shape beside a
share-of-current-dose curve, and keep it with the call where it was proposed.

The arithmetic is finder.domain.taper_schedule's and the chart finder.domain.schedule_chart's; this
blueprint reads the form, keeps the inputs with a call, and offers to tick the red flag a
fixed-mg schedule is evidence for. Every page says it is arithmetic, not a taper plan.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from finder.app_data import call_or_404, content, directory
from finder.domain.interview_fields import parse_field, read_field
from finder.domain.schedule_inputs import InputError, proposal_from_inputs
from finder.domain.taper_schedule import TaperData
from finder.domain.words import call_labels
from finder.errors import save_failed
from finder.form_parts import confirmed
from finder.schedules.forms import schedule_form
from finder.schedules.schedule_view import ScheduleView, schedule_view
from finder.security import replays_form_on_expired_token, safe_next
from finder.store import StorageError

__all__ = ["bp", "taper_data", "attached_schedule", "AttachedSchedule"]

bp = Blueprint("schedules", __name__)



def taper_data() -> TaperData:
    """The equivalents and rules from data/benzodiazepine_equivalents.toml."""
    return content().equivalents


# -- a schedule kept with a call ----------------------------------------------------------


@dataclass(frozen=True)
class AttachedSchedule:
    """A call's schedule laid out again from its stored inputs. `problem` says why it could
    not be (say the data changed since); `red_flag` is the checklist red flag the page may
    offer to tick ({"id", "number", "label"}), None when there is none or it is ticked."""

    call: dict
    inputs: dict
    view: ScheduleView | None
    problem: str | None
    red_flag: dict | None


@bp.app_template_global()
def attached_schedule(call: dict) -> AttachedSchedule | None:
    """The schedule kept with a call, checked afresh; None when there is none."""
    inputs = call.get("schedule")
    if not inputs:
        return None
    try:
        proposal = proposal_from_inputs(taper_data(), inputs)
    except InputError as error:
        return AttachedSchedule(call, inputs, None, error.message, None)
    view = schedule_view(taper_data(), proposal, f"schedule-chart-call-{call['id']}")
    return AttachedSchedule(call, inputs, view, None, _red_flag_offer(call, view))


@bp.app_template_global()
def attached_schedules(calls: list[dict]) -> list[AttachedSchedule]:
    """The schedules kept with any of these calls, in the calls' order."""
    found = (attached_schedule(call) for call in calls)
    return [attached for attached in found if attached is not None]


@bp.app_template_global()
def schedule_sources(calls: list[dict]) -> list[str]:
    """Ids of the sources behind the schedules kept with these calls."""
    cited = [source for attached in attached_schedules(calls) if attached.view
             for source in attached.view.sources]
    return list(dict.fromkeys(cited))


def _red_flag_offer(call: dict, view: ScheduleView) -> dict | None:
    flag_id = view.classification.red_flag
    if not flag_id:
        return None
    checklist = directory().checklist_for(call["checklist_version"])
    ref = parse_field(f"flag-{flag_id}", checklist)
    if ref is None or read_field(call, ref, checklist):
        return None
    return {"id": flag_id, "number": list(checklist.red_flags).index(flag_id) + 1,
            "label": checklist.red_flags[flag_id]["label"]}


# -- pages ---------------------------------------------------------------------------------


@bp.route("/schedule-check")
def check():
    # A GET form: checking a schedule stores nothing, so there is nothing for a CSRF token to
    # protect, and a result is a web address that can be bookmarked, reopened or printed
    # (like the shortlist's filters). Keeping a schedule with a call is a POST, with a token.
    data = taper_data()
    form = schedule_form(data, formdata=request.args or None, meta={"csrf": False})
    view = None
    if request.args and form.validate():
        view = schedule_view(data, form.proposal, "schedule-chart")
    return render_template("schedules/check.html", form=form, view=view), \
        400 if form.errors else 200


@bp.route("/calls/<int:call_id>/schedule", methods=["GET", "POST"])
@replays_form_on_expired_token
def for_call(call_id: int):
    call = call_or_404(call_id)
    data = taper_data()
    if request.method == "GET":
        return _render_for_call(call, schedule_form(data, call.get("schedule")))
    form = schedule_form(data)
    if not form.validate():
        return _render_for_call(call, form), 400
    if request.form.get("action") == "check":
        preview = schedule_view(data, form.proposal, "schedule-chart")
        return _render_for_call(call, form, preview=preview)
    try:
        directory().attach_schedule(call_id, form.inputs())
    except StorageError as error:
        failure = save_failed(error)
        return _render_for_call(call, form, failure=failure), 503
    flash({"text": "Saved the schedule with this call. It is shown below, on the provider's "
                   "page and in the printable summary.",
           "undo": url_for("schedules.undo_change", call_id=call_id)})
    return redirect(url_for("schedules.for_call", call_id=call_id))


@bp.route("/calls/<int:call_id>/schedule/remove", methods=["POST"])
@replays_form_on_expired_token
def detach(call_id: int):
    call_or_404(call_id)
    if confirmed():
        directory().detach_schedule(call_id)
        flash({"text": "Took the schedule off this call.",
               "undo": url_for("schedules.undo_change", call_id=call_id)})
    return redirect(url_for("schedules.for_call", call_id=call_id))


@bp.route("/calls/<int:call_id>/schedule/undo", methods=["POST"])
@replays_form_on_expired_token
def undo_change(call_id: int):
    call_or_404(call_id)
    if confirmed():
        if directory().restore_previous_schedule(call_id):
            flash("The schedule on this call is back as it was.")
        else:
            flash("There was nothing to undo.")
    return redirect(url_for("schedules.for_call", call_id=call_id))


@bp.route("/calls/<int:call_id>/schedule/red-flag", methods=["POST"])
@replays_form_on_expired_token
def tick_red_flag(call_id: int):
    call = call_or_404(call_id)
    back = _back(call_id, request.form.get("next"))
    if not confirmed():
        return redirect(back)
    attached = attached_schedule(call)
    if attached is None or attached.red_flag is None:
        flash("Nothing was ticked: the red flag is already ticked on this call, or its "
              "schedule no longer shows fixed mg steps.")
        return redirect(back)
    flag = attached.red_flag
    # A failed write is answered by finder.errors: nothing ticked, a way back to the button.
    directory().tick_red_flag_with_evidence(call_id, flag["id"], attached.view.evidence_text)
    flash({"text": f"Ticked red flag {flag['number']} ({flag['label']}) on this call, with the "
                   f"schedule's arithmetic as what was said.",
           "undo": url_for("schedules.untick_red_flag", call_id=call_id, next=back)})
    return redirect(back)


@bp.route("/calls/<int:call_id>/schedule/red-flag/undo", methods=["POST"])
@replays_form_on_expired_token
def untick_red_flag(call_id: int):
    call_or_404(call_id)
    if confirmed():
        outcome = directory().untick_red_flag_with_evidence(call_id)
        flash({"undone": "The red flag is unticked again, and its note is as it was.",
               "changed": "The red flag or its note was changed after it was ticked, so "
                          "finder left both as they are. Change them on the call screen.",
               "nothing": "There was nothing to undo."}[outcome])
    return redirect(_back(call_id, request.args.get("next")))


# -- helpers -------------------------------------------------------------------------------


def _back(call_id: int, target: str | None) -> str:
    return safe_next(target) if target else url_for("schedules.for_call", call_id=call_id)


def _render_for_call(call: dict, form, preview: ScheduleView | None = None,
                     failure: str | None = None):
    provider = directory().provider(call["provider_id"])
    if provider is None:
        abort(404)
    calls = directory().calls_for(provider["id"])
    return render_template(
        "schedules/call.html", form=form, call=call, provider=provider,
        call_label=call_labels(calls, content().vocabulary)[call["id"]]["label"],
        attached=attached_schedule(call), preview=preview, failure=failure)
