"""The floor Flask itself sets, served the same way as finder (waitress, one process):
a "hello" route, and a route that renders an HTML table of the same provider rows from a list
already in memory.

    python bench/baseline_app.py DATA_DIR PORT
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from flask import Flask, render_template_string
from waitress import serve

TABLE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Table</title></head>
<body><table><thead><tr><th>Provider</th><th>Verdict</th><th>Score</th><th>Red flags</th>
<th>Status</th><th>Where</th><th>Last contact</th></tr></thead><tbody>
{% for row in rows %}<tr><td><a href="/providers/{{ row.id }}">{{ row.name }}</a><br>{{ row.practice }}</td>
<td>{{ row.standing.verdict }}</td><td>{{ row.standing.percent }}</td>
<td>{{ row.standing.red_flags | length }}</td><td>{{ row.status }}</td>
<td>{{ row.city }}, {{ row.state }}</td><td>{{ row.standing.last_call_at }}</td></tr>
{% endfor %}</tbody></table></body></html>"""


def create_baseline(data_dir: Path) -> Flask:
    tables = json.loads((Path(data_dir) / "finder.json").read_text())
    rows = [dict(record, id=int(key)) for key, record in tables["providers"].items()]
    app = Flask(__name__)

    @app.route("/hello")
    def hello():
        return "hello"

    @app.route("/table")
    def table():
        return render_template_string(TABLE, rows=rows)

    return app


if __name__ == "__main__":
    folder, port = sys.argv[1], int(sys.argv[2])
    print("baseline ready", flush=True)
    serve(create_baseline(Path(folder)), host="127.0.0.1", port=port, threads=8)
