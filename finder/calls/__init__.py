"""Calls: the screen used during a phone call, saving each answer as it is given.

With JavaScript, every change is sent on its own to `save_field` (one small request); without
it, the whole form is posted to `show`. Both save only what the user changed, and both report
an answer changed meanwhile in another tab as a conflict instead of overwriting it.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, abort, flash, g, jsonify, redirect, request, url_for

from finder.app_data import call_or_404, content, directory, provider_or_404
from finder.calls.forms import (end_status_choices, field_value, interview_form,
                                single_field_form)
from finder.calls.screen import asked_words, fingerprint, render_call_screen
from finder.domain.interview_fields import field_names
from finder.domain.scoring import score_words
from finder.domain.words import human_date
from finder.errors import save_failed
from finder.form_parts import confirmed
from finder.security import replays_form_on_expired_token, takes_json
from finder.store import StorageError

__all__ = ["bp"]

bp = Blueprint("calls", __name__)


@bp.route("/providers/<int:provider_id>/calls", methods=["POST"])
@replays_form_on_expired_token
def start(provider_id: int):
    provider_or_404(provider_id)
    if confirmed():
        call_id = directory().start_call(provider_id)
        return redirect(url_for("calls.show", call_id=call_id))
    return redirect(url_for("providers.show", provider_id=provider_id))


@bp.route("/calls/<int:call_id>", methods=["GET", "POST"])
@replays_form_on_expired_token
def show(call_id: int):
    call = call_or_404(call_id)
    checklist = directory().checklist_for(call["checklist_version"])
    if request.method == "GET":
        return render_call_screen(call, checklist)
    form, conflicts, failure = _save_posted_form(call, checklist)
    if form.errors or conflicts or failure:
        return render_call_screen(directory().call(call_id), checklist, form, conflicts,
                                  failure, posted=True), \
            503 if failure else 409 if conflicts and not form.errors else 400
    flash("All answers saved.")
    return redirect(url_for("calls.show", call_id=call_id))


@bp.route("/calls/<int:call_id>/end", methods=["POST"])
@replays_form_on_expired_token
def end(call_id: int):
    call = call_or_404(call_id)
    checklist = directory().checklist_for(call["checklist_version"])
    form, conflicts, failure = _save_posted_form(call, checklist)
    status = request.form.get("end_status", "")
    known_statuses = {value for value, _ in end_status_choices(content().vocabulary)}
    status_error = None if status in known_statuses else "Choose a status from the list."
    call = directory().call(call_id)
    provider = directory().provider(call["provider_id"])
    if not (form.errors or conflicts or failure or status_error):
        try:  # without a status chosen, the outcome's, decided on the record as it is then
            ended = directory().end_call(
                call_id, status or content().vocabulary.status_after_call,
                call.get("follow_up_on") or "")
        except StorageError as error:
            failure = save_failed(error)
    if form.errors or conflicts or failure or status_error:
        return render_call_screen(directory().call(call_id), checklist, form, conflicts,
                                  failure, posted=True, status_error=status_error), \
            503 if failure else 400
    message = _ended_message(provider["name"], call, ended["before"], ended["status"])
    moved = (ended["status"] != ended["before"]
             or ended["follow_up_after"] != ended["follow_up_before"])
    flash({"text": message, "undo": url_for("calls.undo_end", call_id=call_id)} if moved
          else message)
    return redirect(url_for("providers.show", provider_id=provider["id"]))


@bp.route("/calls/<int:call_id>/end/undo", methods=["POST"])
@replays_form_on_expired_token
def undo_end(call_id: int):
    """Put the provider back to the status and follow-up date it had before the call
    ended (the call's answers stay saved)."""
    call = call_or_404(call_id)
    provider = provider_or_404(call["provider_id"])
    if confirmed():
        restored = directory().undo_end_call(call_id)
        if restored is None:
            flash("That can no longer be undone: the status or the follow-up date has "
                  "changed since.")
        else:
            label = content().vocabulary.label("statuses", restored["status"])
            date = restored["follow_up_on"]
            follow_up = f"follow up on {human_date(date)}" if date else "no follow-up date"
            flash(f"{provider['name']} is as before the call: “{label}”, {follow_up}. "
                  "The call's answers stay saved.")
    return redirect(url_for("providers.show", provider_id=provider["id"]))


def _ended_message(name: str, call: dict, before: str | None, status: str) -> str:
    """What happened when a call ended, in words: how it ended, whether the provider's
    status changed or stayed, and when to follow up."""
    vocabulary = content().vocabulary
    outcome = vocabulary.label("call_outcomes", call.get("outcome")) if call.get("outcome") else ""
    label = vocabulary.label("statuses", status)
    moved = f"is now “{label}”" if status != before else f"stays “{label}”"
    follow_up = (f" Follow up on {human_date(call['follow_up_on'])}."
                 if call.get("follow_up_on") else "")
    said = f" ({outcome[0].lower()}{outcome[1:]})" if outcome else ""
    return f"Call saved{said}. {name} {moved}.{follow_up}"


@bp.route("/calls/<int:call_id>/fields", methods=["POST"])
@takes_json
def save_field(call_id: int):
    """Save one field: {"name": ..., "value": ..., "rev": n}. Answers 409 on a conflict."""
    name, value, rev = _parse_field_request(request.get_json(silent=True))
    try:
        edit = directory().edit_call(
            call_id, name, value, rev,
            check=lambda checklist, value: _checked_value(checklist, name, value))
    except KeyError:
        return _json_error(f"This call has no field called {name!r}.", 400)
    except LookupError:
        abort(404)
    except _RefusedValue as refusal:
        return _json_error(str(refusal), 400, field=name)
    except StorageError as error:
        return _json_error(save_failed(error), 503, field=name)
    body = {"outcome": edit.outcome, "name": name, "rev": edit.rev, "value": edit.value,
            "standing": _standing_payload(edit.provider_id)}
    return jsonify(body), 409 if edit.outcome == "conflict" else 200


class _RefusedValue(ValueError):
    """An autosaved value its field does not accept; the message says why."""


def _checked_value(checklist, name: str, value: Any) -> Any:
    """The value as it is stored, checked by the interview form's own field (and only it)."""
    form = single_field_form(checklist, content().vocabulary, name, value)
    if not form.validate():
        raise _RefusedValue(" ".join(form[name].errors))
    return field_value(form[name])


@bp.route("/calls/<int:call_id>/delete", methods=["POST"])
@replays_form_on_expired_token
def delete(call_id: int):
    call = call_or_404(call_id)
    if confirmed():
        directory().delete_call(call_id)
        flash({"text": "Removed that call.",
               "undo": url_for("calls.restore", call_id=call_id)})
    return redirect(url_for("providers.show", provider_id=call["provider_id"]))


@bp.route("/calls/<int:call_id>/restore", methods=["POST"])
@replays_form_on_expired_token
def restore(call_id: int):
    call = call_or_404(call_id, include_deleted=True)
    if confirmed():
        directory().restore_call(call_id)
        flash("The call is back.")
        return redirect(url_for("calls.show", call_id=call_id))
    return redirect(url_for("providers.show", provider_id=call["provider_id"]))


# -- helpers --------------------------------------------------------------------------------


def _posted_state() -> dict[str, list]:
    try:
        state = json.loads(request.form.get("form_state", "{}"))
    except ValueError:
        return {}
    return state if isinstance(state, dict) else {}


def _save_posted_form(call: dict, checklist):
    """Save each valid field the user changed; return the form, conflicts and any failure."""
    form = interview_form(checklist, content().vocabulary, request.form)
    form.validate()
    if "csrf_token" in form.errors or g.get("expired_token"):
        return form, {}, None
    state = _posted_state()
    edits = [edit for edit in (_posted_edit(form[name], state.get(name))
                               for name in field_names(checklist)) if edit is not None]
    try:
        saved = directory().edit_call_fields(call["id"], edits)
    except StorageError as error:
        return form, {}, save_failed(error)
    conflicts = {name: edit for name, edit in saved.items() if edit.outcome == "conflict"}
    return form, conflicts, None


def _posted_edit(field, drawn: list | None) -> tuple[str, Any, int | None] | None:
    """(name, value, base revision) to save for a valid field the user changed, else None."""
    if field.errors:
        return None
    value = field_value(field)
    base_rev = None
    if _is_rev_and_fingerprint(drawn):
        if fingerprint(value) == drawn[1]:
            return None  # untouched on this page: leave whatever is stored now
        base_rev = drawn[0]
    return field.name, value, base_rev


def _is_rev_and_fingerprint(drawn) -> bool:
    return (isinstance(drawn, list) and len(drawn) == 2 and isinstance(drawn[0], int)
            and isinstance(drawn[1], str))


def _parse_field_request(payload) -> tuple[str, Any, int | None]:
    if not isinstance(payload, dict) or not isinstance(payload.get("name"), str):
        abort(400, "Send JSON with a field name and value.")
    value = payload.get("value")
    valid_list = isinstance(value, list) and all(isinstance(v, str) for v in value)
    if not (isinstance(value, (str, bool)) or valid_list or value is None):
        abort(400, "A field's value must be text, true or false, or a list of text.")
    rev = payload.get("rev")
    if rev is not None and (not isinstance(rev, int) or isinstance(rev, bool) or rev < 0):
        abort(400, "rev must be a whole number.")
    return payload["name"], value, rev


def _json_error(message: str, status: int, **extra):
    return jsonify(error="invalid" if status == 400 else "failed", message=message,
                   **extra), status


def _standing_payload(provider_id: int) -> dict:
    provider = directory().provider(provider_id) or {}
    summary = provider.get("standing") or {}
    checklist = content().checklist
    return {"verdict": summary.get("verdict"),
            "verdict_label": checklist.verdict_label(summary.get("verdict", "incomplete"))["label"],
            "percent": summary.get("percent"), "score": score_words(summary),
            "red_flags": len(summary.get("red_flags") or []),
            "not_asked": summary.get("not_asked"), "asked_words": asked_words(summary)}
