"""Providers: add, look at, edit, move to the trash and back."""

from __future__ import annotations

import datetime as dt

from flask import (Blueprint, Response, abort, flash, redirect, render_template, request,
                   url_for)

from finder.app_data import content, directory, provider_or_404
from finder.domain.words import call_labels, file_word, plural
from finder.errors import note_write_failure
from finder.form_parts import ConfirmForm, confirmed
from finder.providers.calendar import FollowUp, follow_up_calendar
from finder.providers.forms import marks_left, provider_form
from finder.security import replays_form_on_expired_token
from finder.store import StorageError
from finder.transfer.duplicates import DuplicateFinder

__all__ = ["bp"]

bp = Blueprint("providers", __name__, url_prefix="/providers")


@bp.route("/new", methods=["GET", "POST"])
@replays_form_on_expired_token
def new():
    prefill = None
    if request.method == "GET" and request.args.get("referral_source"):
        prefill = {"referral_source": request.args["referral_source"], "status": "to_call"}
    form = provider_form(content().vocabulary, prefill)
    status = 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        record = form.record()
        repeats = _provider_it_repeats(record)
        try:
            provider_id = directory().add_provider(record)
        except StorageError as error:
            status = note_write_failure(error)  # the form again, as typed, saying why
        else:
            flash(_added_message(record["name"], repeats, provider_id))
            return redirect(url_for("providers.show", provider_id=provider_id))
    return render_template("providers/form.html", form=form, provider=None), status


def _provider_it_repeats(record: dict) -> str | None:
    """The provider already listed (or in the trash) that a new one seems to repeat, in
    words, as an import finds them: same name, and the same phone when both have one."""
    return DuplicateFinder(directory().providers_named(record["name"])).check(record, "")


def _added_message(name: str, repeats: str | None, provider_id: int) -> str | dict:
    if repeats is None:
        return f"Added {name}."
    return {"text": f"Added {name}, who looks like {repeats}. If they are the same "
                    "clinician, Undo moves the one just added to the trash.",
            "undo": url_for("providers.delete", provider_id=provider_id)}


@bp.route("/<int:provider_id>")
def show(provider_id: int):
    provider = provider_or_404(provider_id)
    calls = directory().calls_for(provider_id)
    calls_by_id = call_labels(calls, content().vocabulary)
    return render_template(
        "providers/show.html", provider=provider, calls=calls,
        standing=directory().standing(provider_id),
        calls_by_id=calls_by_id,
        call_names={call_id: call["label"] for call_id, call in calls_by_id.items()},
        call_numbers={call_id: call["number"] for call_id, call in calls_by_id.items()},
        checklist=content().checklist, form=ConfirmForm())


@bp.route("/<int:provider_id>/edit", methods=["GET", "POST"])
@replays_form_on_expired_token
def edit(provider_id: int):
    provider = provider_or_404(provider_id)
    form = provider_form(content().vocabulary, provider if request.method == "GET" else None)
    status = 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        fields = form.record()
        if provider.get("to_fix"):
            fields["to_fix"] = marks_left(provider["to_fix"], fields, form.clear_to_fix.data)
        try:
            directory().update_provider(provider_id, fields)
        except StorageError as error:
            status = note_write_failure(error)  # the form again, as typed, saying why
        else:
            flash(f"Saved {form.name.data.strip()}.")
            return redirect(url_for("providers.show", provider_id=provider_id))
    return render_template("providers/form.html", form=form, provider=provider), status


@bp.route("/<int:provider_id>/delete", methods=["GET", "POST"])
@replays_form_on_expired_token
def delete(provider_id: int):
    provider = provider_or_404(provider_id)
    if confirmed():
        directory().trash_provider(provider_id)
        flash({"text": f"Moved {provider['name']} and their calls to the trash.",
               "undo": url_for("providers.restore", provider_id=provider_id)})
        return redirect(url_for("shortlist.index"))
    return render_template("providers/delete.html", provider=provider, form=ConfirmForm(),
                           calls=directory().calls_for(provider_id))


@bp.route("/<int:provider_id>/restore", methods=["POST"])
@replays_form_on_expired_token
def restore(provider_id: int):
    provider = provider_or_404(provider_id, include_deleted=True)
    if confirmed():
        directory().restore_provider(provider_id)
        flash(f"Brought back {provider['name']}.")
    return redirect(url_for("providers.show", provider_id=provider_id))


@bp.route("/trash")
def trash():
    return render_template("providers/trash.html", providers=directory().trashed_providers(),
                           form=ConfirmForm())


@bp.route("/trash/empty", methods=["GET", "POST"])
@replays_form_on_expired_token
def empty_trash():
    if confirmed():
        count = directory().empty_trash()
        flash(f"Deleted {plural(count, 'provider')} for good.")
        return redirect(url_for("providers.trash"))
    return render_template("providers/empty_trash.html", form=ConfirmForm(),
                           providers=directory().trashed_providers())


@bp.route("/<int:provider_id>/red-flags/<flag_id>/clear", methods=["POST"])
@replays_form_on_expired_token
def clear_red_flag(provider_id: int, flag_id: str):
    provider_or_404(provider_id)
    flag = content().checklist.red_flags.get(flag_id)
    if flag is None:
        abort(404)
    if confirmed():
        directory().clear_red_flag(provider_id, flag_id)
        flash({"text": f"Cleared the red flag “{flag['label']}”.",
               "undo": url_for("providers.unclear_red_flag", provider_id=provider_id,
                               flag_id=flag_id)})
    return redirect(url_for("providers.show", provider_id=provider_id))


@bp.route("/<int:provider_id>/red-flags/<flag_id>/unclear", methods=["POST"])
@replays_form_on_expired_token
def unclear_red_flag(provider_id: int, flag_id: str):
    provider_or_404(provider_id)
    if flag_id not in content().checklist.red_flags:
        abort(404)
    if confirmed():
        directory().unclear_red_flag(provider_id, flag_id)
        flash("The red flag counts again.")
    return redirect(url_for("providers.show", provider_id=provider_id))


# -- follow-ups in the user's own calendar ---------------------------------------------------


@bp.route("/<int:provider_id>/follow-up.ics")
def follow_up_ics(provider_id: int):
    """The provider's follow-up date as a calendar event to download."""
    provider = provider_or_404(provider_id)
    follow_up = _follow_up(provider)
    if follow_up is None:
        abort(404, description=f"{provider['name']} has no follow-up date yet. Set one with "
                               "Edit details, or when you end a call.")
    name = file_word(provider["name"]) or "provider"
    return _calendar_download([follow_up], f"finder-call-back-{name}.ics")


@bp.route("/follow-ups.ics")
def follow_ups_ics():
    """Every follow-up still to make (the call-back list, now and to come) as one file."""
    follow_ups = [found for found in map(_follow_up, directory().follow_ups()) if found]
    return _calendar_download(follow_ups, "finder-call-backs.ics")


def _follow_up(provider: dict) -> FollowUp | None:
    """What the calendar event says of a provider: the phone and what is still to ask (the
    questions not asked yet and what to ask again), nothing of the notes."""
    try:
        on = dt.date.fromisoformat(provider.get("follow_up_on") or "")
    except ValueError:
        return None
    checklist = content().checklist
    standing = directory().standing(provider["id"])
    to_ask = [checklist.questions[question_id]["ask"] for question_id in standing.not_asked
              if question_id in checklist.questions] + standing.follow_ups
    return FollowUp(provider["id"], provider.get("created_at") or "", provider["name"],
                    provider.get("phone") or "", on, tuple(to_ask))


def _calendar_download(follow_ups: list[FollowUp], filename: str) -> Response:
    body = follow_up_calendar(follow_ups, dt.datetime.now(dt.timezone.utc))
    response = Response(body, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

