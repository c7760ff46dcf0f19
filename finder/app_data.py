"""What every request needs, built once per app: the content from data/ and the directory
over the user's store. Views reach them through the small functions here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import Flask, abort, current_app

from finder.domain.checklist import Checklist
from finder.content import Content
from finder.directory import STORE_INDEXES, Directory
from finder.domain.scoring import SCORING_REVISION
from finder.storage import Store

__all__ = ["Services", "init_app", "services", "content", "directory", "verdict_names",
           "provider_or_404", "call_or_404"]


@dataclass(frozen=True)
class Services:
    content: Content
    store: Store
    directory: Directory


def init_app(app: Flask, content: Content) -> None:
    store = Store(Path(app.config["DATA_DIR"]), indexes=STORE_INDEXES)
    directory = Directory(store, content.checklist)
    directory.refresh_standings_if_rules_changed(
        f"{SCORING_REVISION}/{content.checklist.version}")
    app.extensions["finder"] = Services(content, store, directory)
    app.jinja_env.globals.update(
        vocabulary=content.vocabulary, sources=content.sources,
        verdict_names=verdict_names(content.checklist))


def verdict_names(checklist: Checklist | None = None) -> dict[str, str]:
    """Verdict ids and the words shown for them, from the checklist data."""
    checklist = checklist or content().checklist
    return {v["id"]: v["label"] for v in checklist.data["verdict"]["labels"]}


def services() -> Services:
    return current_app.extensions["finder"]


def content() -> Content:
    """The app's content from data/, as loaded and checked when the app was built."""
    return services().content


def directory() -> Directory:
    return services().directory


# -- a record by the id in the URL, or a calm 404 ------------------------------------------


def provider_or_404(provider_id: int, *, include_deleted: bool = False) -> dict:
    record = directory().provider(provider_id, include_deleted=include_deleted)
    if record is None:
        abort(404)
    return record


def call_or_404(call_id: int) -> dict:
    record = directory().call(call_id)
    if record is None:
        abort(404)
    return record
