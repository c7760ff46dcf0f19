"""Calm error pages that say what happened and what to do next."""

from flask import Blueprint, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

__all__ = ["bp"]

bp = Blueprint("errors", __name__)

MESSAGES = {
    400: ("Something in that request was not right",
          "Nothing was changed. Go back and try again."),
    404: ("That page is not here",
          "The provider or call may have been moved to the trash, or the address is "
          "mistyped. Your shortlist has everything that is still there."),
    405: ("That action is not available here", "Use the buttons on the page instead."),
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
    if request.is_json or request.accept_mimetypes.best == "application/json":
        return jsonify(error=error.code, message=f"{title}. {advice}"), error.code
    return render_template("errors/error.html", title=title, advice=advice,
                           code=error.code), error.code
