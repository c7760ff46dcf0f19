"""Reference pages built from data/: where to look for clinicians, words explained, sources."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask import Blueprint, current_app, render_template

from finder.content import load_glossary, load_resources

__all__ = ["bp"]

bp = Blueprint("resources", __name__)


@lru_cache(maxsize=4)
def _content(folder: str, loader):
    return loader(Path(folder))


def _load(loader):
    return _content(current_app.config["CONTENT_DIR"], loader)


@bp.route("/where-to-look")
def where_to_look():
    return render_template("resources/where_to_look.html", content=_load(load_resources))


@bp.route("/words")
def glossary():
    return render_template("resources/glossary.html", terms=_load(load_glossary))


@bp.route("/sources")
def sources_page():
    return render_template("resources/sources.html")
