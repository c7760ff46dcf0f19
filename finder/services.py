"""What every request needs, built once per app: the content from data/ and the directory
over the user's store. Views reach them through the small functions here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app

from finder.checklist import Checklist, load_checklist, load_sources
from finder.directory import STORE_INDEXES, Directory
from finder.scoring import SCORING_REVISION
from finder.store import Store
from finder.vocabulary import Vocabulary, load_vocabulary

__all__ = ["Services", "init_app", "services", "directory", "verdict_names"]


@dataclass(frozen=True)
class Services:
    checklist: Checklist
    sources: dict[str, dict]
    vocabulary: Vocabulary
    store: Store
    directory: Directory


def init_app(app: Flask) -> None:
    content = Path(app.config["CONTENT_DIR"])
    sources = load_sources(content)
    checklist = load_checklist(content, sources)
    store = Store(Path(app.config["DATA_DIR"]), indexes=STORE_INDEXES)
    directory = Directory(store, checklist)
    _refresh_standings_if_rules_changed(store, directory, checklist)
    app.extensions["finder"] = Services(checklist, sources, load_vocabulary(content), store,
                                        directory)
    app.jinja_env.globals.update(
        vocabulary=app.extensions["finder"].vocabulary, sources=sources,
        verdict_names=verdict_names(checklist))


def _refresh_standings_if_rules_changed(store: Store, directory: Directory,
                                        checklist: Checklist) -> None:
    # Summaries on provider records are derived; rebuild them when what they derive from
    # (the scoring rules, the current checklist) is not what built them.
    key = f"{SCORING_REVISION}/{checklist.version}"
    if store.meta("standings_built_by") != key:
        directory.refresh_all_standings()
        store.set_meta("standings_built_by", key)


def verdict_names(checklist: Checklist | None = None) -> dict[str, str]:
    """Verdict ids and the words shown for them, from the checklist data."""
    checklist = checklist or services().checklist
    return {v["id"]: v["label"] for v in checklist.data["verdict"]["labels"]}


def services() -> Services:
    return current_app.extensions["finder"]


def directory() -> Directory:
    return services().directory
