"""Import and export: the shortlist as CSV, all data as one JSON file and back, and importing a
list someone shared — always preview, check and confirm before anything is written."""

from __future__ import annotations

import datetime as dt
import re
import secrets

from flask import (Blueprint, Response, abort, current_app, flash, redirect,
                   render_template, request, stream_with_context, url_for)

from finder.app_data import content, directory, verdict_names
from finder.domain.words import human_datetime, plural
from finder.errors import note_write_failure
from finder.form_parts import ConfirmForm, confirmed
from finder.security import replays_form_on_expired_token
from finder.shortlist import shortlist_records
from finder.store import DamagedDataError, backup_made_at, read_data_file
from finder.transfer import data_file, pending
from finder.transfer.columns import IGNORE, TARGET_LABELS, guess_mapping, mapping_problems
from finder.transfer.forms import (DataFileUploadForm, ListUploadForm, column_field_name,
                                   mapping_form)
from finder.transfer.imports import imported_list, imported_lists
from finder.transfer.review import review_rows
from finder.transfer.shortlist_csv import Words, shortlist_csv_chunks
from finder.transfer.spreadsheet import MAX_ROWS as CSV_MAX_ROWS
from finder.transfer.spreadsheet import CsvProblem, read_csv

__all__ = ["bp", "RESTORE_MAX_BYTES"]

bp = Blueprint("transfer", __name__, url_prefix="/import-export")

# A whole-data file can be larger than a list; other uploads keep the app's 2 MB limit.
RESTORE_MAX_BYTES = 50 * 1024 * 1024
PREVIEW_SAMPLES = 3
KEEP_FAILED = "finder could not keep the file to check it. Choose it again once there is room."
GONE = ("This import is no longer waiting: it was already done, cancelled, or left for more "
        "than a day. Nothing more was changed. To import the file, choose it again.")


@bp.url_value_preprocessor
def _allow_large_data_files(endpoint, values):
    # Runs before any form is read (even the token check), so the limit applies in time.
    if endpoint == "transfer.upload_data_file":
        request.max_content_length = RESTORE_MAX_BYTES


def _data_dir() -> str:
    return current_app.config["DATA_DIR"]


@bp.route("/")
def index():
    return _hub()


def _hub(list_form=None, data_form=None, status: int = 200):
    providers, trashed = directory().providers_and_trash()
    return render_template("transfer/index.html",
                           list_form=list_form or ListUploadForm(),
                           data_form=data_form or DataFileUploadForm(),
                           provider_count=len(providers),
                           imports=imported_lists(providers + trashed,
                                                  directory().providers_with_calls()),
                           form=ConfirmForm(), max_rows=f"{CSV_MAX_ROWS:,}"), status


# -- exports ------------------------------------------------------------------------------


@bp.route("/shortlist.csv", endpoint="shortlist_csv")
def shortlist_csv_download():
    """The shortlist view named by the query string, as on screen (every page), as a
    spreadsheet."""
    _, records = shortlist_records(request.args)
    checklist = content().checklist
    words = Words(content().vocabulary,
                  verdict_names(checklist),
                  {f["id"]: f["label"] for f in checklist.data["red_flags"]},
                  directory().call_numbers())
    # Streamed, like the shortlist page: thousands of rows need not sit in memory at once.
    return _download(stream_with_context(shortlist_csv_chunks(records, words)),
                     "text/csv; charset=utf-8",
                     f"finder-shortlist-{dt.date.today().isoformat()}.csv")


@bp.route("/finder-data.json")
def data_json():
    """Everything — providers, calls, checklists, settings — as one file."""
    # Streamed from the records as they are (no copy): memory stays near its steady level.
    content = data_file.export_chunks(directory().tables_to_export())
    stamp = dt.datetime.now().strftime("%Y-%m-%d-%H%M")
    return _download(content, "application/json", f"finder-data-{stamp}.json")


def _download(content, content_type: str, filename: str) -> Response:
    response = Response(content, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# -- restoring all data from a file --------------------------------------------------------


@bp.route("/restore", methods=["POST"])
@replays_form_on_expired_token
def upload_data_file():
    form = DataFileUploadForm()
    if not form.validate_on_submit():
        return _hub(data_form=form, status=400)
    raw = form.data_file.data.read()
    try:
        data_file.parse_export(raw, content().checklist.version)
    except data_file.DataFileProblem as problem:
        form.data_file.errors.append(str(problem))
        return _hub(data_form=form, status=400)
    try:
        token = pending.save(_data_dir(), "json", raw, form.data_file.data.filename or "")
    except OSError as error:
        form.data_file.errors.append(KEEP_FAILED)
        return _hub(data_form=form, status=note_write_failure(error))
    return redirect(url_for("transfer.restore_preview", token=token))


@bp.route("/restore/<token>", methods=["GET", "POST"])
@replays_form_on_expired_token
def restore_preview(token: str):
    raw = pending.load(_data_dir(), token, "json")
    if raw is None:
        abort(404, description=GONE)
    try:
        tables, summary = data_file.parse_export(raw, content().checklist.version)
    except data_file.DataFileProblem as problem:  # this finder changed since the upload
        pending.discard(_data_dir(), token, "json")
        abort(400, description=str(problem))
    if confirmed():
        # Taken by this request alone: a second confirm at the same moment finds it gone.
        with pending.claimed(_data_dir(), token, "json") as still_waiting:
            if still_waiting is None:
                abort(404, description=GONE)
            try:
                kept = data_file.restore(directory(), tables)
            except data_file.DataFileProblem as problem:
                abort(400, description=str(problem))
        name = pending.original_name(_data_dir(), token, "json")
        pending.discard(_data_dir(), token, "json")
        flash({"text": f"Restored {plural(summary.providers, 'provider')} and "
                       f"{plural(summary.calls, 'call')} from {name or 'the file'}. Your data "
                       f"from before are kept in {_backup_in_words(kept.name)}.",
               "undo": url_for("transfer.undo_restore", backup=kept.name)})
        return redirect(url_for("shortlist.index"))
    current = data_file.summarise(directory().tables_to_export())
    return render_template("transfer/restore_preview.html", form=ConfirmForm(),
                           summary=summary, current=current,
                           name=pending.original_name(_data_dir(), token, "json"))


def _backup_in_words(name: str) -> str:
    """'a backup from Mon 30 Nov 2026, 21:40' (local time) rather than the file's name."""
    made = backup_made_at(name)
    return f"a backup from {human_datetime(made.isoformat())}" if made else "a backup"


BACKUP_NAME = re.compile(r"^finder-[0-9-]+-before-replace\.json$")


@bp.route("/restore/undo/<backup>", methods=["POST"])
@replays_form_on_expired_token
def undo_restore(backup: str):
    """Put back the data a restore replaced (that restore is itself backed up first)."""
    path = directory().backup_file(backup) if BACKUP_NAME.match(backup) else None
    if path is None:
        abort(404, description="That backup is no longer there (finder keeps one a day for "
                               "14 days). Your data are unchanged.")
    if confirmed():
        try:
            tables = read_data_file(path)
            data_file.restore(directory(), tables)
        except (DamagedDataError, data_file.DataFileProblem) as problem:
            abort(400, description=f"Could not go back: {problem}")
        flash("Your data are back as they were before the restore.")
    return redirect(url_for("shortlist.index"))


# -- importing a list (CSV) ---------------------------------------------------------------


@bp.route("/list", methods=["POST"])
@replays_form_on_expired_token
def upload_list():
    form = ListUploadForm()
    if not form.validate_on_submit():
        return _hub(list_form=form, status=400)
    raw = form.list_file.data.read()
    try:
        read_csv(raw)
    except CsvProblem as problem:
        form.list_file.errors.append(str(problem))
        return _hub(list_form=form, status=400)
    try:
        token = pending.save(_data_dir(), "csv", raw, form.list_file.data.filename or "")
    except OSError as error:
        form.list_file.errors.append(KEEP_FAILED)
        return _hub(list_form=form, status=note_write_failure(error))
    return redirect(url_for("transfer.list_columns", token=token))


def _pending_list(token: str):
    """The parsed upload waiting under `token`, or a calm 404."""
    raw = pending.load(_data_dir(), token, "csv")
    if raw is None:
        abort(404, description=GONE)
    try:
        return read_csv(raw)
    except CsvProblem as problem:
        pending.discard(_data_dir(), token, "csv")
        abort(400, description=str(problem))


def _mapping(parsed, formdata=None):
    """The mapping form for a list, and the mapping it holds (None if not valid)."""
    samples = [[cells[i] for _, cells in parsed.rows if cells[i].strip()][:PREVIEW_SAMPLES]
               for i in range(len(parsed.header))]
    form = mapping_form(parsed.header, samples, formdata, guess_mapping(parsed.header))
    if formdata is None:
        return form, None
    mapping = [form[column_field_name(i)].data for i in range(len(parsed.header))]
    problems = [] if form.validate() else ["One of the choices is not one finder offers."]
    problems += mapping_problems(mapping)
    form.problems = problems
    return form, None if problems else mapping


@bp.route("/list/<token>")
def list_columns(token: str):
    parsed = _pending_list(token)
    form, _ = _mapping(parsed, request.args if request.args else None)
    return render_template("transfer/columns.html", form=form, token=token, parsed=parsed,
                           name=pending.original_name(_data_dir(), token, "csv"))


@bp.route("/list/<token>/preview", methods=["GET"])
def list_preview(token: str):
    return _preview(token)


def _row_numbers(name: str) -> set[int]:
    """The row numbers a preview's boxes called `name` sent."""
    return {int(n) for n in request.form.getlist(name)
            if n.isascii() and n.isdigit() and len(n) < 8}


def _preview(token: str, anyway: set[int] | None = None, with_gaps: set[int] | None = None):
    parsed = _pending_list(token)
    source = request.form if request.method == "POST" else request.args
    mapping_form_, mapping = _mapping(parsed, source)
    name = pending.original_name(_data_dir(), token, "csv")
    if mapping is None:
        return render_template("transfer/columns.html", form=mapping_form_, token=token,
                               parsed=parsed, name=name), 400
    review = review_rows(parsed, mapping, content().vocabulary,
                         directory().provider_records())
    return render_template(
        "transfer/preview.html", review=review, token=token, name=name,
        mapping=[(column_field_name(i), target) for i, target in enumerate(mapping)],
        used=[(title, target) for title, target in zip(parsed.header, mapping)
              if target != IGNORE],
        target_labels=TARGET_LABELS, form=ConfirmForm(), anyway=anyway or set(),
        with_gaps={row.number for row in review.rows if row.to_fix}
        if with_gaps is None else with_gaps)


@bp.route("/list/<token>/import", methods=["POST"])
@replays_form_on_expired_token
def import_list(token: str):
    anyway, with_gaps = _row_numbers("import_anyway"), _row_numbers("import_with_gaps")
    if not confirmed():
        return _preview(token, anyway, with_gaps)
    parsed = _pending_list(token)
    _, mapping = _mapping(parsed, request.form)
    if mapping is None:
        abort(400, description="The column choices did not come through. Nothing was imported: "
                               "go back to the preview and press Import again.")
    name = pending.original_name(_data_dir(), token, "csv")
    # Taken by this request alone: a second confirm at the same moment finds it gone.
    with pending.claimed(_data_dir(), token, "csv") as still_waiting:
        if still_waiting is None:
            abort(404, description=GONE)
        review = review_rows(parsed, mapping, content().vocabulary,
                             directory().provider_records())
        chosen = review.to_import(anyway, with_gaps)
        batch = secrets.token_urlsafe(12)
        ids = directory().add_providers(
            [dict(row.record, imported={"batch": batch, "file": name, "row": row.number,
                                        "rows_in_file": len(review.rows)})
             for row in chosen])
    pending.discard(_data_dir(), token, "csv")
    left_out = len(review.rows) - len(chosen)
    to_fix = sum(1 for row in chosen if row.to_fix)
    flash({"text": f"Imported {plural(len(ids), 'provider')} from {name or 'your list'}"
                   + (f" ({to_fix} with a field to fix)" if to_fix else "")
                   + (f"; {plural(left_out, 'row')} left out." if left_out else "."),
           "undo": url_for("transfer.undo_import", batch=batch)} if ids else
          "Nothing was imported: no row was ready or chosen.")
    return redirect(url_for("shortlist.index"))


@bp.route("/list/<token>/cancel", methods=["POST"])
@replays_form_on_expired_token
def cancel_list(token: str):
    if confirmed():
        pending.discard(_data_dir(), token, "csv")
        flash("Import cancelled. Nothing was imported.")
    return redirect(url_for("transfer.index"))


@bp.route("/list/undo/<batch>", methods=["POST"])
@replays_form_on_expired_token
def undo_import(batch: str):
    """Move the providers one import added to the trash (they can be brought back), unless
    one of them was changed since: then nothing is moved, and the message says why."""
    if not pending.TOKEN.match(batch):
        abort(404)
    from_the_list = request.form.get("next") == "imports"
    back = (url_for("transfer.index", _anchor="imports") if from_the_list
            else url_for("shortlist.index"))
    if not confirmed():
        return redirect(back)
    imported = imported_list(batch, directory().provider_records(),
                             directory().providers_with_calls())
    if imported is None:
        abort(404, description="finder has no import with that address any more: its "
                               "providers were deleted for good. Nothing was changed.")
    if imported.cannot_undo and not imported.undone:
        flash(f"That import can no longer be undone: {imported.cannot_undo}")
        return redirect(url_for("transfer.index", _anchor="imports"))
    count = directory().trash_imported(batch)
    flash(f"Moved the {plural(count, 'imported provider')} to the trash." if count else
          "Those providers were already in the trash.")
    return redirect(back)
