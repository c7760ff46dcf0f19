"""Calm error pages that say what happened and what to do next, and the one answer to a save
that could not be written (a full disk, a folder that cannot be written), shared with the
`finder` command."""

from __future__ import annotations

import errno
from dataclasses import dataclass, replace
from pathlib import Path

from flask import (Blueprint, current_app, g, jsonify, render_template, request)
from werkzeug.exceptions import HTTPException

from finder.form_parts import typed_values
from finder.security import replay, replayable_view, wants_json
from finder.store import DamagedDataError, StorageError

__all__ = ["bp", "WriteFailure", "write_failure", "note_write_failure", "os_error_behind"]

bp = Blueprint("errors", __name__)

MESSAGES = {
    400: ("Something in that request was not right",
          "Nothing was changed. Go back and try again."),
    404: ("That page is not here",
          "The provider or call may have been moved to the trash, or the address is "
          "mistyped. Your shortlist has everything that is still there."),
    405: ("That action is not available here", "Use the buttons on the page instead."),
    415: ("That was not sent as a form", "Nothing was changed. Use the page's own fields "
                                         "and buttons."),
    413: ("That file is too large",
          "finder accepts up to {limit} here. Split the file into smaller parts and try "
          "again."),
}


def _megabytes(size: int | None) -> str:
    return f"{(size or 0) / (1024 * 1024):g} MB"


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException):
    title, advice = MESSAGES.get(error.code, (error.name, "Go back and try again."))
    if error.code == 413:  # the limit differs by form (a whole-data restore allows more)
        advice = advice.format(limit=_megabytes(request.max_content_length))
    if error.description and error.description != type(error).description:
        advice = error.description  # a view said exactly what was wrong
    if wants_json():
        return jsonify(error=error.code, message=f"{title}. {advice}"), error.code
    return render_template("errors/error.html", title=title, advice=advice,
                           code=error.code), error.code


# -- a save that could not be written ----------------------------------------------------

FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
NOT_WRITABLE = {errno.EROFS, errno.EACCES, errno.EPERM}
DISK_TROUBLE = FULL | NOT_WRITABLE | {errno.EIO}


@dataclass(frozen=True)
class WriteFailure:
    """Why a save could not be written, in words: `title` names it, `what` says what that
    means, `advice` what to do, ending in `again` (how to try once more); `detail` is the
    system's own words."""

    title: str
    what: str
    advice: str
    detail: str = ""
    again: str = "save again"

    def what_to_do(self) -> str:
        return self.advice.replace("{again}", self.again)

    def sentence(self) -> str:
        detail = f" ({self.detail})" if self.detail else ""
        return f"{self.title}{detail}. {self.what} {self.what_to_do()}".strip()


def write_failure(error: BaseException, folder=None) -> WriteFailure:
    """The words for a save that failed with `error` (a StorageError or an OSError) in the
    data folder `folder` (by default the folder of the file that could not be written)."""
    if isinstance(error, DamagedDataError):
        return WriteFailure("finder's data need checking", str(error), "")
    cause = os_error_behind(error)
    if folder is None:
        written = getattr(cause, "filename", None)
        folder = Path(written).parent if written else "finder's data folder"
    detail = (cause.strerror or "") if cause is not None else ""
    code = cause.errno if cause is not None else None
    kept = "Nothing was changed, and nothing you typed is lost."
    if code in FULL:
        return WriteFailure(
            "The disk is full, so finder could not save", kept,
            f"Free some space on the disk that holds {folder} (empty the computer's trash, "
            "or delete large files you no longer need), then {again}.", detail)
    if code in NOT_WRITABLE:
        return WriteFailure(
            "finder's data folder cannot be written, so finder could not save", kept,
            f"Check that the disk holding {folder} is still connected, is not read-only, "
            "and that the folder is yours, then {again}.", detail)
    return WriteFailure(
        "finder could not write to its data folder", kept,
        f"Check the disk that holds {folder}, then {{again}}.",
        detail or (str(error) if not isinstance(error, OSError) else ""))


def os_error_behind(error: BaseException | None) -> OSError | None:
    """The OSError behind a StorageError (or the error itself)."""
    seen = 0
    while error is not None and seen < 5:
        if isinstance(error, OSError):
            return error
        error, seen = error.__cause__ or error.__context__, seen + 1
    return None


def save_failed(error: BaseException) -> str:
    """The words for a save in the data folder that could not be written, as every page
    says it."""
    return _in_data_folder(error).sentence()


def note_write_failure(error: BaseException) -> int:
    """For a view that draws its own form again after a failed save: the page's header says
    what happened (base.html), and the status to answer with, 503, is returned."""
    g.write_failed = _in_data_folder(error)
    return 503


def _in_data_folder(error: BaseException) -> WriteFailure:
    return write_failure(error, current_app.config["DATA_DIR"])


@bp.app_errorhandler(StorageError)
def storage_failed(error: StorageError):
    return _failed_write(error)


@bp.app_errorhandler(OSError)
def os_failed(error: OSError):
    if error.errno not in DISK_TROUBLE:
        raise error  # not the disk: a real fault, for the log
    return _failed_write(error)


def _failed_write(error: BaseException):
    """One answer to a save that could not be written, for every view (503): JSON for the
    autosave; a confirm or undo button's own page (or a page that leads back to it); any
    other form's values shown back, so that nothing typed is lost."""
    note_write_failure(error)
    if wants_json():
        return jsonify(error="failed", message=g.write_failed.sentence()), 503
    back = None
    view = replayable_view()
    if view is not None:
        g.write_failed = replace(g.write_failed, again="press the button again")
        # Run again, its confirm() now False (finder.form_parts): it writes nothing and
        # answers as for a button pressed too late, which this page then explains.
        try:
            page, back = replay(view, 503)
        except (StorageError, OSError, HTTPException):
            page = None
        if page is not None:
            return page
    if not back:
        g.write_failed = replace(g.write_failed, again="send it again")
    typed = [] if back else typed_values(request.form)
    return render_template("errors/write_failed.html", typed=typed, back=back), 503
