"""The honest floor for the shortlist: a bare Flask app that draws the same rows, with the
same columns and markup, as finder's shortlist showed, from a Jinja template compiled once,
served by waitress like finder (one process, 8 threads, loopback).

It has no filters, counts or sorting of its own: the benchmark tells it, per view, which
providers finder's page listed (POST /views/NAME with their ids, in order), and GET
/views/NAME draws exactly those rows. The rows' words are built once at start from an
export file (bench/display_rows.py), as an app holding its rows in memory would.

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

# finder's layout reduced to what every page carries (head, header with the main links),
# and the shortlist table's row markup, column for column. Autoescaped (Flask escapes
# templates from strings): every value is escaped here, as in any Jinja page.
PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Shortlist · table</title>
  <link rel="stylesheet" href="/static/finder.css">
</head>
<body>
  <header class="site-header"><a class="brand" href="/">finder</a>
    <nav class="site-nav" aria-label="Main"><ul>
      {% for label in links %}<li><a href="/{{ loop.index }}">{{ label }}</a></li>{% endfor %}
    </ul></nav>
  </header>
  <main id="main">
  <h1>Your shortlist</h1>
  <h2 id="results-heading">{{ rows | length }} providers</h2>
  <table class="shortlist-table">
    <thead>
      <tr>
        <th scope="col" class="pick"><span class="visually-hidden">Compare</span></th>
        <th scope="col">Provider</th>
        <th scope="col">Verdict</th>
        <th scope="col" class="number">Score</th>
        <th scope="col">Red flags</th>
        <th scope="col">Status</th>
        <th scope="col">Where</th>
        <th scope="col">Last contact</th>
      </tr>
    </thead>
    <tbody>
    {% for row in rows %}
    <tr>
      <td class="pick"><input type="checkbox" name="id" value="{{ row.id }}" id="pick-{{ row.id }}" aria-label="Compare {{ row.name }}"></td>
      <td><a href="/providers/{{ row.id }}">{{ row.name }}</a>{% if row.practice %}<br><span class="small muted">{{ row.practice }}</span>{% endif %}{% if row.specialty %}<br><span class="small">{{ row.specialty }}</span>{% endif %}{% if row.tags %}<br><span class="small tags">{% for tag in row.tags %}<span class="tag">{{ tag }}</span>{% endfor %}</span>{% endif %}</td>
      <td><span class="badge badge--{{ row.verdict }}">{{ row.verdict_label }}</span></td>
      <td class="number">{{ row.score }}</td>
      <td>{% if row.red_flags %}<span class="badge badge--flag">{{ row.red_flags }} red flag{{ 's' if row.red_flags != 1 }}</span>{% else %}<span class="muted">None</span>{% endif %}</td>
      <td>{{ row.status_label }}{% if row.follow_up %}<br><span class="small">Follow up {{ row.follow_up }}</span>{% endif %}</td>
      <td>{{ row.where }}{% if row.video %}<br><span class="small">{{ row.video }}</span>{% endif %}</td>
      <td>{{ row.last_contact }}</td>
    </tr>
    {% endfor %}
    </tbody>
  </table>
  </main>
</body>
</html>"""

LINKS = ["Shortlist", "Add a provider", "Where to look", "Check a schedule",
         "Medication timeline", "Print", "Words explained", "Import and export"]


def create_baseline(export_file: Path) -> Flask:
    tables = json.loads(Path(export_file).read_text())["tables"]
    rows_by_id = {row["id"]: row for row in display_rows(tables)}
    views: dict[str, list[dict]] = {}
    app = Flask(__name__)
    page = app.jinja_env.from_string(PAGE)  # compiled once, not per request

    @app.route("/hello")
    def hello():
        return "hello"

    @app.route("/views/<name>", methods=["POST"])
    def set_view(name: str):
        views[name] = [rows_by_id[int(i)] for i in request.get_json()]
        return {"rows": len(views[name])}

    @app.route("/views/<name>")
    def view(name: str):
        return page.render(rows=views[name], links=LINKS)

    return app


if __name__ == "__main__":
    export, port = Path(sys.argv[1]), int(sys.argv[2])
    serve(create_baseline(export), host="127.0.0.1", port=port, threads=8, ident="table")
