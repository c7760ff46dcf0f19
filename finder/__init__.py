"""finder: screen clinicians for a real hyperbolic benzodiazepine taper.

`create_app` is the one place the web app is assembled: defaults, then the caller's
settings, then the content from data/ (read and checked once), the data folder (store,
secret key), the request checks, the template filters, and every blueprint.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import Flask
from werkzeug.datastructures import MultiDict

from finder import sessions
from finder.content import load_content

__all__ = ["create_app", "warm_up", "bundled_path"]

_PACKAGE = Path(__file__).resolve().parent


def bundled_path(name: str) -> Path:
    """The folder `name` ("data" or "templates") that ships with finder: inside the package
    in a built wheel (see pyproject.toml), beside it in a source checkout."""
    inside = _PACKAGE / name
    return inside if inside.is_dir() else _PACKAGE.parent / name


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app. `test_config` overrides settings, e.g. {"DATA_DIR": tmp_path}."""
    app = Flask(__name__, template_folder=str(bundled_path("templates")),
                static_folder="static")
    app.config.from_mapping(
        DATA_DIR=None,                 # the user's data folder; see finder.data_folder
        CONTENT_DIR=str(bundled_path("data")),
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        # A call can last hours: a form token lives as long as its session, which ends after
        # SESSION_IDLE_LIMIT without a request, at sign-out and at a restart (finder.sessions).
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_SSL_STRICT=False,
        SESSION_COOKIE_NAME=sessions.cookie_name(),  # `finder serve` adds its port
        PERMANENT_SESSION_LIFETIME=sessions.SESSION_IDLE_LIMIT,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_PROTECTION=None,       # Flask-Login's: the session id is the server's own
        PASSWORD_REQUIRED=False,
    )
    if test_config:
        app.config.update(test_config)
    # A broken file in data/ stops finder here, with a ContentError naming it.
    content = load_content(app.config["CONTENT_DIR"])

    from finder import app_data, data_folder, security, sign_in, template_filters

    data_folder.init_app(app)
    sessions.init_app(app)
    sign_in.init_app(app)
    security.init_app(app)
    template_filters.init_app(app)
    for blueprint in _blueprints():
        app.register_blueprint(blueprint)
    app.context_processor(lambda: {"main_nav": MAIN_NAV})
    # The user's data last: once millions of records are in memory, every allocation that
    # wakes Python's cycle collector costs more (registering the blueprints after them took
    # 0.9 s longer at 20,000 providers).
    app_data.init_app(app, content)
    return app


# The templates of the pages a session starts on (the shortlist, a provider, the call
# screen) and of everything they extend, import and include: tests/test_warm_up.py fails
# when one of these pages needs a template this list leaves out.
FIRST_PAGE_TEMPLATES = [
    "base.html", "macros/fields.html", "macros/terms.html", "macros/signals.html",
    "shortlist/index.html",
    "providers/show.html", "summaries/_standing.html", "summaries/_practical.html",
    "schedules/_attached.html", "schedules/_macros.html", "calls/show.html",
]


def warm_up(app: Flask) -> None:
    """Do now, once, what the first visit would otherwise wait for: compile the templates
    of the pages a session starts on (a first call screen took 5 to 10 times its steady
    time doing so; ~0.13 s here, against ~0.25 s for all of them), build the shortlist's
    compact rows and its index (133 ms for its first page at 20,000 providers) and the
    call screen's form class. For a server about to serve; tests skip it, as each builds
    an app of its own."""
    from finder.calls.forms import cached_form_class
    from finder.shortlist import shortlist_view

    for name in FIRST_PAGE_TEMPLATES:
        app.jinja_env.get_template(name)
    data = app.extensions["finder"]
    with app.app_context():  # the shortlist as it opens: entries, index, order, call-backs
        _, query, view = shortlist_view(MultiDict())
        view.page(query.page, query.per_page)
        data.directory.due_entries(dt.date.today().isoformat())
    cached_form_class(data.content.checklist, data.content.vocabulary)


def _blueprints() -> list:
    """Every blueprint: one per thing the user does, and the calm error pages."""
    from finder import (calls, colour_theme, errors, providers, resources, schedules,
                        shortlist, sign_in, summaries, timeline, transfer)

    return [shortlist.bp, providers.bp, calls.bp, schedules.bp, timeline.bp, summaries.bp,
            resources.bp, transfer.bp, colour_theme.bp, sign_in.bp, errors.bp]


# The header's links, in order: (endpoint, label).
MAIN_NAV = [
    ("shortlist.index", "Shortlist"),
    ("providers.new", "Add a provider"),
    ("resources.where_to_look", "Where to look"),
    ("schedules.check", "Check a schedule"),
    ("timeline.edit", "Medication timeline"),
    ("summaries.index", "Print"),
    ("resources.glossary", "Words explained"),
    ("transfer.index", "Import and export"),
]
