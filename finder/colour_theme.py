"""Display preferences kept in a cookie (no personal data): the colour theme."""

from flask import Blueprint, Flask, redirect, request

from finder.security import safe_next

__all__ = ["bp", "init_app", "THEMES"]

bp = Blueprint("preferences", __name__)

THEMES = ("light", "dark", "auto")
THEME_COOKIE = "finder_theme"


@bp.route("/preferences/theme", methods=["POST"])
def theme():
    chosen = request.form.get("theme")
    response = redirect(safe_next(request.form.get("next")))
    if chosen in THEMES:
        response.set_cookie(THEME_COOKIE, chosen, max_age=60 * 60 * 24 * 365 * 5,
                            samesite="Strict", httponly=True)
    return response


def current_theme() -> str:
    chosen = request.cookies.get(THEME_COOKIE)
    return chosen if chosen in THEMES else "auto"


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.context_processor(lambda: {"theme": current_theme()})
