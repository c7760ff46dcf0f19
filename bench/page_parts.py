"""What a page of finder's shortlist shows around its rows, read back from its HTML: the
call-back list, the filters with their counts, the headings, links and pager.

The bare table (bench/baseline_app.py) is given these values, as it is given the providers
to list, and draws them with the same markup: so it draws the same page, and what finder
spends beyond it is what finder does to decide what the page shows (filter, count, sort,
page, read the data at one moment, check the session). Texts are unescaped here, and escaped
again by the bare table's Jinja, as finder's own Jinja escaped them.
"""

from __future__ import annotations

import re
from html import unescape

# Each pattern matches markup that templates/shortlist/index.html and base.html write.
_DUE = re.compile(r'<li><a href="/providers/(\d+)">(.*?)</a> — (.*?)'
                  r'(?: · <a href="tel:([^"]*)">(.*?)</a>)?</li>', re.S)
_GROUP = re.compile(r'<details( open)?>\s*<summary>(.*?)</summary>(.*?)</details>', re.S)
_OPTION = re.compile(r'<input type="checkbox" id="f-([^"]+)-(\d+)" name="([^"]+)" '
                     r'value="([^"]*)"( checked)?>\s*<span>(.*?) <span class="count">'
                     r'\((\d+)\)</span></span>', re.S)
_LEGEND = re.compile(r'<legend class="visually-hidden">(.*?)</legend>', re.S)
_CHIP = re.compile(r'<li><a href="([^"]*)">Remove (.*?)</a></li>', re.S)
_PAGER = re.compile(r'<li>(?:<a class="button button--small" href="([^"]*)">|'
                    r'<span class="pager__here" aria-disabled="true">)(.*?)</(?:a|span)></li>',
                    re.S)
_HIDDEN = re.compile(r'<input type="hidden" name="([^"]*)" value="([^"]*)">')
_SIZE = re.compile(r'<option value="(\d+)"( selected)?>')
_SORT = re.compile(r'<option value="([^"]*)"( selected)?>(.*?)</option>', re.S)


def _one(pattern: str, html: str, default: str = "") -> str:
    found = re.search(pattern, html, re.S)
    return unescape(found.group(1)) if found else default


def _between(html: str, start: str, end: str) -> str:
    first = html.find(start)
    if first < 0:
        return ""
    last = html.find(end, first)
    return html[first:last if last >= 0 else len(html)]


def shortlist_parts(page: bytes) -> dict:
    """Everything the shortlist page shows but its rows, as plain values."""
    html = page.decode()
    due = _between(html, '<section class="callbacks"', "</section>")
    panel = _between(html, '<details class="filter-panel">', '<div class="actions">')
    results = _between(html, '<section aria-labelledby="results-heading">', "</section>")
    pager = _between(results, '<div class="pager no-print">', "</div>")
    size_form = _between(pager, '<form class="pager__size"', "</form>")
    before_table = results.split("<tbody>", 1)[0]
    groups = []
    for opened, summary, body in _GROUP.findall(panel):
        options = [{"value": unescape(value), "label": unescape(label), "count": int(count),
                    "checked": bool(checked), "index": int(index), "key": key}
                   for _, index, key, value, checked, label, count in _OPTION.findall(body)]
        if options:
            groups.append({"open": bool(opened), "summary": unescape(summary),
                           "legend": _one(_LEGEND.pattern, body), "key": options[0]["key"],
                           "options": options})
    return {
        "csrf_token": _one(r'name="csrf_token" value="([^"]*)"', html),
        "next": _one(r'name="next" value="([^"]*)"', html),
        "due": [{"id": int(i), "name": unescape(n), "when": unescape(w),
                 "tel": unescape(t), "phone": unescape(p)} for i, n, w, t, p in _DUE.findall(
                     _between(due, "<ul>", "</ul>"))],
        "due_more": _one(r'<p><a href="[^"]*">(All .*?)</a>', due),
        "due_more_href": _one(r'<p><a href="([^"]*)">All ', due),
        "panel_summary": _one(r"<summary>(Filter and sort.*?)</summary>", panel),
        "search": _one(r'<input type="search" id="q" name="q" value="([^"]*)">', panel),
        "sorts": [{"value": unescape(v), "selected": bool(s), "label": unescape(label)}
                  for v, s, label in _SORT.findall(_between(panel, '<select id="sort"',
                                                            "</select>"))],
        "per_page_hidden": _one(r'<input type="hidden" name="per_page" value="(\d+)">', panel),
        "groups": groups,
        "heading": _one(r'<h2 id="results-heading" class="result-line">(.*?)</h2>', results),
        "description": _one(r'<p id="view-description">(.*?)</p>', results),
        "page_line": _one(r'<p class="page-line">(.*?)</p>', results),
        "print_href": _one(r'<p class="no-print"><a href="([^"]*)">Print', results),
        "chips": [{"href": unescape(h), "label": unescape(label)}
                  for h, label in _CHIP.findall(_between(results, '<ul class="chips"', "</ul>"))],
        "csv_href": _one(r'<a href="([^"]*)" download>Download these', results),
        "csv_words": _one(r'download>(Download these .*?)</a>', results),
        "back": _one(r'<input type="hidden" name="back" value="([^"]*)">', before_table),
        "pages": [{"href": unescape(h), "label": unescape(label)}
                  for h, label in _PAGER.findall(pager)],
        "page_where": _one(r'<p class="pager__where">(.*?)</p>', pager),
        "size_hidden": [{"name": unescape(n), "value": unescape(v)}
                        for n, v in _HIDDEN.findall(size_form) if n != "first_row"],
        "first_row": _one(r'name="first_row" value="(\d+)"', size_form),
        "sizes": [{"size": int(s), "selected": bool(sel)} for s, sel in _SIZE.findall(size_form)],
        "data_dir": _one(r'<span class="path">(.*?)</span>', html),
    }


def rows_markup(page: bytes) -> str:
    """The table body's markup with the white space between tags taken out, to compare two
    pages' rows character for character."""
    html = page.decode()
    body = _between(html, "<tbody>", "</tbody>")
    return re.sub(r">\s+<", "><", body).strip()
