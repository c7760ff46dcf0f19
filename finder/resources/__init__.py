"""Reference pages built from data/: where to look for clinicians, words explained, sources;
and the glossary lookups other pages use to explain a word in place (macros/terms.html)."""

from __future__ import annotations

from flask import Blueprint, render_template

from finder.app_data import content

__all__ = ["bp"]

bp = Blueprint("resources", __name__)


class UnknownTerm(LookupError):
    """A page asked to explain a word that data/glossary.toml does not have."""


@bp.app_template_global()
def glossary_entry(term_id: str) -> dict:
    """The glossary entry a page explains in place; an unknown id is a mistake in a
    template, so it stops the page instead of showing nothing."""
    for entry in content().glossary:
        if entry["id"] == term_id:
            return entry
    raise UnknownTerm(f"data/glossary.toml has no term {term_id!r}")


@bp.app_template_global()
def terms_shown_with(place_id: str) -> list[str]:
    """Ids of the glossary terms whose `shown_with` names this checklist item or section."""
    return [entry["id"] for entry in content().glossary
            if place_id in entry.get("shown_with", [])]


@bp.route("/where-to-look")
def where_to_look():
    return render_template("resources/where_to_look.html", content=content().resources)


@bp.route("/words")
def glossary():
    return render_template("resources/glossary.html", terms=content().glossary)


@bp.route("/sources")
def sources_page():
    return render_template("resources/sources.html")


@bp.route("/how-the-verdict-is-reached")
def verdict_rules():
    """The verdict rules from data/checklist.toml, each with its reason and the article's
    words, so anyone can check a verdict by hand."""
    return render_template("resources/verdict_rules.html", checklist=content().checklist)
