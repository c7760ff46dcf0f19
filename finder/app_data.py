"""The app's data, held as flaskr's db.py holds its database: the content from data/ and
the directory over the user's store, built once per app by `init_app`, and the small
functions views reach them through, the `*_or_404` lookups beside them. Views never reach
past the directory into the store."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import Flask, abort, current_app

from finder.content import Content
from finder.directory import STORE_INDEXES, Directory
from finder.domain.checklist import Checklist
from finder.domain.scoring import SCORING_REVISION
from finder.store import Store

__all__ = ["AppData", "init_app", "content", "directory", "verdict_names",
           "provider_or_404", "call_or_404"]


@dataclass(frozen=True)
class AppData:
    content: Content
    store: Store
    directory: Directory


def init_app(app: Flask, content: Content) -> None:
    store = Store(Path(app.config["DATA_DIR"]), indexes=STORE_INDEXES)
    vocabulary = content.vocabulary
    directory = Directory(store, content.checklist,
                          statuses_ending_follow_ups=vocabulary.statuses_ending_follow_ups())
    directory.refresh_standings_if_rules_changed(
        f"{SCORING_REVISION}/{content.checklist.version}")
    app.extensions["finder"] = AppData(content, store, directory)
    app.jinja_env.globals.update(
        vocabulary=content.vocabulary, sources=content.sources,
        verdict_names=verdict_names(content.checklist))


def verdict_names(checklist: Checklist | None = None) -> dict[str, str]:
    """Verdict ids and the words shown for them, from the checklist data."""
    checklist = checklist or content().checklist
    return {v["id"]: v["label"] for v in checklist.data["verdict"]["labels"]}


def _app_data() -> AppData:
    return current_app.extensions["finder"]


def content() -> Content:
    """The app's content from data/, as loaded and checked when the app was built."""
    return _app_data().content


def directory() -> Directory:
    """The user's providers and calls, and every change to them."""
    return _app_data().directory


# -- a record by the id in the URL, or a calm 404 ------------------------------------------


def provider_or_404(provider_id: int, *, include_deleted: bool = False) -> dict:
    record = directory().provider(provider_id, include_deleted=include_deleted)
    if record is None:
        abort(404)
    return record


def call_or_404(call_id: int, *, include_deleted: bool = False) -> dict:
    record = directory().call(call_id, include_deleted=include_deleted)
    if record is None:
        abort(404)
    return record
