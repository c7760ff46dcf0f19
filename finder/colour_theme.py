"""The colour theme (light, dark, or as set on this device) picked with the buttons in every
page's header, kept in a cookie: no personal data."""

from flask import Blueprint, redirect, request

from finder.form_parts import confirmed
from finder.security import replays_form_on_expired_token, safe_next

__all__ = ["bp", "THEMES"]

bp = Blueprint("colour_theme", __name__)

THEMES = ("light", "dark", "auto")
THEME_COOKIE = "finder_theme"


@bp.route("/preferences/theme", methods=["POST"])
@replays_form_on_expired_token
def choose():
    chosen = request.form.get("theme")
    response = redirect(safe_next(request.form.get("next")))
    if confirmed() and chosen in THEMES:
        response.set_cookie(THEME_COOKIE, chosen, max_age=60 * 60 * 24 * 365 * 5,
                            samesite="Strict", httponly=True)
    return response


@bp.app_context_processor
def current_theme() -> dict:
    """The theme for the page being drawn ("auto" until one is picked)."""
    chosen = request.cookies.get(THEME_COOKIE)
    return {"theme": chosen if chosen in THEMES else "auto"}
