"""The honest floor for the shortlist: a bare Flask app that draws the same page as finder's
shortlist, from one Jinja template compiled once, served by waitress like finder (one
process, 8 threads, loopback).

The same page means: the same layout (head, header with the colour switch and both menus,
footer), the same call-back list, the same filter panel with every filter's counts, the
same headings, links and pager, and the same rows with the same columns, markup and page
size. It decides nothing of its own: for each view the benchmark tells it (POST /views/NAME)
which providers finder's page listed, in order, and what finder's page showed around them
(bench/page_parts.py); GET /views/NAME then draws exactly that. The rows' words are built
once at start from an export file (bench/display_rows.py), as an app holding its rows in
memory would. So finder's time over this one is what finder spends deciding what to show:
filtering, counting, sorting, paging, and its per-request checks.

    python bench/baseline_app.py EXPORT_FILE PORT
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from flask import Flask, request
from waitress import serve

sys.path.insert(0, str(Path(__file__).resolve().parent))
from display_rows import display_rows  # noqa: E402

# templates/base.html and templates/shortlist/index.html, with finder's decisions replaced
# by the values given. Autoescaped: Flask's Jinja escapes templates from strings too.
PAGE = """<!doctype html>
<html lang="en" data-theme="auto">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="color-scheme" content="light dark">
  <link rel="icon" href="data:,">
  <title>Shortlist · finder</title>
  <link rel="stylesheet" href="/static/finder.css">
  <link rel="stylesheet" href="/static/print.css" media="print">
</head>
<body class="">
  <a class="skip-link" href="#main">Skip to the page content</a>
  <header class="site-header">
    <div class="site-header__inner">
      <a class="brand" href="/">finder</a>
      <form class="theme-switch" method="post" action="/preferences/theme">
        <input type="hidden" name="csrf_token" value="{{ p.csrf_token }}">
        <input type="hidden" name="next" value="{{ p.next }}">
        <fieldset>
          <legend>Colours</legend>
          <button type="submit" name="theme" value="light" class="button button--small" aria-pressed="false">Light</button>
          <button type="submit" name="theme" value="dark" class="button button--small" aria-pressed="false">Dark</button>
          <button type="submit" name="theme" value="auto" class="button button--small" aria-pressed="true">Auto<span class="visually-hidden">, as set on this device</span></button>
        </fieldset>
      </form>
      {% macro nav_links() -%}
      <ul class="nav">
        {% for href, label in links %}
        <li><a href="{{ href }}"{% if loop.first %} aria-current="page"{% endif %}>{{ label }}</a></li>
        {% endfor %}
      </ul>
      {%- endmacro %}
      <nav class="site-nav" aria-label="Main">
        {{ nav_links() }}
      </nav>
      <details class="site-menu">
        <summary>Menu<span class="site-menu__here"><span class="visually-hidden">. This page:</span> Shortlist</span></summary>
        <nav aria-label="Main">
          {{ nav_links() }}
        </nav>
      </details>
    </div>
  </header>

  <main id="main" tabindex="-1">
<h1>Your shortlist</h1>
{% if p.due %}
<section class="callbacks" aria-labelledby="due-heading">
  <h2 id="due-heading">To call back</h2>
  <ul>
    {% for item in p.due %}
    <li><a href="/providers/{{ item.id }}">{{ item.name }}</a> — {{ item.when }}{% if item.phone %} · <a href="tel:{{ item.tel }}">{{ item.phone }}</a>{% endif %}</li>
    {% endfor %}
  </ul>
  {% if p.due_more %}<p><a href="{{ p.due_more_href }}">{{ p.due_more }}</a>, soonest first</p>{% endif %}
  <p class="small"><a href="/providers/follow-ups.ics" download>Add every call-back to your calendar (.ics)</a></p>
</section>
{% endif %}

<div class="actions">
  <a class="button button--primary" href="/providers/new">Add a provider</a>
  <a href="/import-export/">Import and export</a>
</div>

<div class="shortlist-layout"><details class="filter-panel">
  <summary>{{ p.panel_summary }}</summary>
  <form class="filters" method="get" action="/" aria-labelledby="filters-heading" data-apply-on-change>
    <h2 id="filters-heading">Filter and sort</h2>
    <div class="field">
      <label for="q">Search names, practices, notes</label>
      <input type="search" id="q" name="q" value="{{ p.search }}">
    </div>
    <div class="field">
      <label for="sort">Sort by</label>
      <select id="sort" name="sort">
        {% for sort in p.sorts %}<option value="{{ sort.value }}"{% if sort.selected %} selected{% endif %}>{{ sort.label }}</option>{% endfor %}
      </select>
    </div>
    {% if p.per_page_hidden %}<input type="hidden" name="per_page" value="{{ p.per_page_hidden }}">{% endif %}
    {% for group in p.groups %}
    <details{% if group.open %} open{% endif %}>
      <summary>{{ group.summary }}</summary>
      <div>
        <fieldset class="plain">
          <legend class="visually-hidden">{{ group.legend }}</legend>
          {% for option in group.options %}
          <label class="choice choice--compact">
            <input type="checkbox" id="f-{{ group.key }}-{{ option.index }}" name="{{ group.key }}" value="{{ option.value }}"{% if option.checked %} checked{% endif %}>
            <span>{{ option.label }} <span class="count">({{ option.count }})</span></span>
          </label>
          {% endfor %}
        </fieldset>
      </div>
    </details>
    {% endfor %}
    <div class="actions">
      <button type="submit" class="button button--primary">Show</button>
      <a href="/">Clear all</a>
    </div>
  </form>
  </details>

  <section aria-labelledby="results-heading">
    <h2 id="results-heading" class="result-line">{{ p.heading }}</h2>
    <p id="view-description">{{ p.description }}</p>
    {% if p.page_line %}<p class="page-line">{{ p.page_line }}</p>{% endif %}
    <p class="no-print"><a href="{{ p.print_href }}">Print this list</a></p>
    {% if p.chips %}
    <ul class="chips" aria-label="Active filters">
      {% for chip in p.chips %}<li><a href="{{ chip.href }}">Remove {{ chip.label }}</a></li>{% endfor %}
    </ul>
    {% endif %}
    {% if rows %}
    <p class="actions actions--tight"><a href="{{ p.csv_href }}" download>{{ p.csv_words }}</a></p>
    <form method="get" action="/compare" id="compare-form">
    {% if p.back %}<input type="hidden" name="back" value="{{ p.back }}">{% endif %}
    <p class="compare-bar"><button type="submit" class="button">Compare ticked</button> <span class="hint">Tick 2 to 4 providers to see them side by side.</span></p>
    <div class="table-wrap" role="region" aria-label="Results table" tabindex="0">
    <table class="shortlist-table">
      <thead>
        <tr>
          <th scope="col" class="pick"><span class="visually-hidden">Compare</span></th>
          <th scope="col">Provider</th>
          <th scope="col">Verdict</th>
          <th scope="col" class="number">Score</th>
          <th scope="col">Red flags</th>
          <th scope="col">Status</th>
          <th scope="col">Last contact</th>
        </tr>
      </thead>
      <tbody>
        {% for row in rows %}
        <tr>
          <td class="pick"><input type="checkbox" name="id" value="{{ row.id }}" id="pick-{{ row.id }}" aria-label="Compare {{ row.name }}"></td>
          <td class="shortlist-table__provider"><a href="/providers/{{ row.id }}">{{ row.name }}</a>{% if row.practice %}<br><span class="small muted">{{ row.practice }}</span>{% endif %}{% if row.details %}<br><span class="small">{{ row.details }}</span>{% endif %}{% if row.tags %}<br><span class="small tags">{% for tag in row.tags %}<span class="tag">{{ tag }}</span>{% endfor %}</span>{% endif %}</td>
          <td class="shortlist-table__verdict" data-label="Verdict"><span class="badge badge--{{ row.verdict }}">{{ row.verdict_label }}</span></td>
          <td class="number" data-label="Score">{{ row.score }}</td>
          <td data-label="Red flags">{% if row.red_flags %}<span class="badge badge--flag">{{ row.red_flags }} red flag{{ 's' if row.red_flags != 1 }}</span>{% else %}<span class="muted">None</span>{% endif %}</td>
          <td data-label="Status">{{ row.status_label }}{% if row.follow_up %}<br><span class="small">Follow up <span class="nowrap">{{ row.follow_up }}</span></span>{% endif %}</td>
          <td class="shortlist-table__contact" data-label="Last contact">{% if row.last_contact_in_full %}<span title="{{ row.last_contact_in_full }}">{{ row.last_contact }}</span>{% else %}{{ row.last_contact }}{% endif %}</td>
        </tr>
        {% endfor %}
      </tbody>
    </table>
    </div>
    </form>
    <div class="pager no-print">
      {% if p.pages %}
      <nav aria-label="Pages">
        <ul class="pager__links">
          {% for link in p.pages %}
          <li>{% if link.href %}<a class="button button--small" href="{{ link.href }}">{{ link.label }}</a>{% else %}<span class="pager__here" aria-disabled="true">{{ link.label }}</span>{% endif %}</li>
          {% endfor %}
        </ul>
        <p class="pager__where">{{ p.page_where }}</p>
      </nav>
      {% endif %}
      <form class="pager__size" method="get" action="/" data-apply-on-change>
        {% for field in p.size_hidden %}<input type="hidden" name="{{ field.name }}" value="{{ field.value }}">{% endfor %}
        <input type="hidden" name="first_row" value="{{ p.first_row }}">
        <label for="per_page">Rows per page</label>
        <select id="per_page" name="per_page">
          {% for size in p.sizes %}<option value="{{ size.size }}"{% if size.selected %} selected{% endif %}>{{ size.size }}</option>{% endfor %}
        </select>
        <button type="submit" class="button button--small">Change</button>
      </form>
    </div>
    {% else %}
    <div class="card" role="status"><p><strong>No provider matches all of these.</strong></p></div>
    {% endif %}
  </section>
</div>
  </main>

  <footer class="site-footer">
    <p>finder helps you ask, record and compare. It gives no medical advice: talk over any change to your medicine with a clinician.
    Your data stay on this computer, in <span class="path">{{ p.data_dir }}</span>.</p>
  </footer>
  <script src="/static/shortlist.js" defer></script>
</body>
</html>"""

LINKS = [("/", "Shortlist"), ("/providers/new", "Add a provider"),
         ("/where-to-look", "Where to look"), ("/schedule-check", "Check a schedule"),
         ("/timeline", "Medication timeline"), ("/print", "Print"),
         ("/words", "Words explained"), ("/import-export/", "Import and export")]


def create_baseline(export_file: Path) -> Flask:
    tables = json.loads(Path(export_file).read_text())["tables"]
    rows_by_id = {row["id"]: row for row in display_rows(tables)}
    views: dict[str, tuple[list[dict], dict]] = {}
    app = Flask(__name__)
    page = app.jinja_env.from_string(PAGE)  # compiled once, not per request

    @app.route("/hello")
    def hello():
        return "hello"

    @app.route("/views/<name>", methods=["POST"])
    def set_view(name: str):
        given = request.get_json()
        views[name] = ([rows_by_id[int(i)] for i in given["ids"]], given["parts"])
        return {"rows": len(views[name][0])}

    @app.route("/views/<name>")
    def view(name: str):
        rows, parts = views[name]
        return page.render(rows=rows, p=parts, links=LINKS)

    return app


if __name__ == "__main__":
    export, port = Path(sys.argv[1]), int(sys.argv[2])
    serve(create_baseline(export), host="127.0.0.1", port=port, threads=8, ident="table")
