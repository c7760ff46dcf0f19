"""Printing: each printable page twice from one template, as HTML for the browser's own Print
and as a PDF download printed from that same HTML by finder.printing.pdf.

A view that builds a page returns a `Printable`; `printable(bp, rule, endpoint)` registers it
at `rule` and at `rule + ".pdf"` (endpoint `<endpoint>_pdf`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, render_template, request, url_for

from finder.domain.words import file_word
from finder.printing import pdf

__all__ = ["Printable", "printable", "file_name", "PAPER_SIZES"]

# Paper a PDF download can be printed on: ?paper=a4 or letter (the browser's default).
PAPER_SIZES = {"letter": "Letter", "a4": "A4"}
STYLESHEETS = ("finder.css", "print.css")


@dataclass
class Printable:
    """What a printable page shows: its template, the template's values, and the words
    that name its PDF file (e.g. ["summary", "Dr Ann Lee"])."""

    template: str
    context: dict = field(default_factory=dict)
    name_parts: list[str] = field(default_factory=list)


def file_name(parts: list[str], day: dt.date | None = None) -> str:
    """'finder-summary-dr-ann-lee-2026-11-25.pdf' from ["summary", "Dr Ann Lee"]."""
    words = [file_word(part) for part in ["finder", *parts]]
    stem = "-".join(word for word in words if word)[:80].rstrip("-")
    return f"{stem}-{(day or dt.date.today()).isoformat()}.pdf"


def printable(bp: Blueprint, rule: str, endpoint: str):
    """Register a view returning a Printable as an HTML page and as its PDF download."""
    def register(build: Callable[..., Printable]):
        def as_html(**kwargs):
            page = build(**kwargs)
            return render_template(page.template, **page.context, **_download_links(endpoint))

        def as_pdf(**kwargs):
            return pdf_response(build(**kwargs), endpoint)

        as_html.__doc__ = build.__doc__
        bp.add_url_rule(rule, endpoint, as_html)
        bp.add_url_rule(rule + ".pdf", endpoint + "_pdf", as_pdf)
        return build
    return register


def _download_links(endpoint: str) -> dict:
    """The PDF links for the page being shown: same query string, each paper size."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "paper"]
    base = url_for("." + endpoint + "_pdf", **(request.view_args or {}))
    return {"pdf_urls": {size: base + "?" + urlencode(args + [("paper", size)])
                         for size in PAPER_SIZES}}


def pdf_response(page: Printable, endpoint: str):
    """The page as a PDF download, or a calm 503 page when no PDF can be made here."""
    back = _page_url(endpoint)
    browser = pdf.find_browser()
    if browser is None:
        return _unavailable("finder found no Chromium, Chrome or Edge on this computer to "
                            "make the file with.", back)
    paper = request.args.get("paper", "letter")
    html = render_template(page.template, **page.context, for_pdf=True,
                           paper=PAPER_SIZES.get(paper, "Letter"))
    static = Path(current_app.static_folder)
    try:
        data = pdf.html_to_pdf(_absolute_links(html), [static / n for n in STYLESHEETS], browser)
    except pdf.PdfUnavailable as problem:
        current_app.logger.warning("PDF not made for %s: %s", request.path, problem)
        return _unavailable(f"The browser could not make the file: {problem}", back)
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{file_name(page.name_parts)}"',
        "Cache-Control": "no-store"})


def _page_url(endpoint: str) -> str:
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "paper"]
    base = url_for("." + endpoint, **(request.view_args or {}))
    return base + ("?" + urlencode(args) if args else "")


def _absolute_links(html: str) -> str:
    # The PDF is printed from a file, so links to finder's own pages need its address.
    root = request.host_url.rstrip("/")
    return re.sub(r'href="/(?!/)', f'href="{root}/', html)


def _unavailable(reason: str, back: str):
    return render_template("printing/pdf_unavailable.html", reason=reason, back=back), 503
