"""A plain `pip install .` (not editable) into a fresh virtual environment serves every page:
data/ and templates/ must travel inside the wheel."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import venv
import zipfile

import pytest

from support import REPO

# Run inside the fresh environment: build the app on an empty data folder, add a provider
# and a call, then fetch every GET page the app has.
VISIT_EVERY_PAGE = textwrap.dedent("""
    import sys, tempfile, finder
    from finder import create_app
    assert "site-packages" in finder.__file__, finder.__file__
    app = create_app({"DATA_DIR": tempfile.mkdtemp(), "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    assert client.post("/providers/new", data={"name": "Dr Wheel", "status": "to_call",
        "telemedicine": "unknown", "payment": "unknown",
        "follow_up_on": "2026-12-07"}).status_code == 302  # its calendar file needs a date
    assert client.post("/providers/1/calls").status_code == 302
    values = {"provider_id": 1, "call_id": 1}
    visited = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        if not set(rule.arguments) <= set(values):
            continue
        url = rule.build(values, append_unknown=False)[1]
        response = client.get(url)
        # Pages that need a query (e.g. which providers to compare) answer 400 with a page.
        assert response.status_code in (200, 400), (url, response.status_code)
        if response.mimetype == "text/html":
            assert b"</html>" in response.data, url
        visited.append(url)
    with client.get("/static/finder.css") as css:
        assert css.status_code == 200
    print(len(visited), "pages")
""")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w",
                    str(out), str(REPO)], check=True, timeout=300)
    return next(out.glob("finder-*.whl"))


@pytest.mark.slow
def test_the_wheel_carries_data_templates_and_static_files(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in ("finder/data/checklist.toml", "finder/data/sources.toml",
                     "finder/data/vocabulary.toml", "finder/templates/base.html",
                     "finder/templates/calls/show.html", "finder/static/finder.css",
                     "finder/static/call.js"):
        assert expected in names, expected
    assert not any(name.startswith(("tests/", "data/", "templates/")) for name in names)


@pytest.mark.slow
def test_a_fresh_environment_with_a_plain_install_serves_every_page(wheel, tmp_path):
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], check=True,
                   timeout=600)
    result = subprocess.run([str(python), "-c", VISIT_EVERY_PAGE], capture_output=True,
                            text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.split()[0]) >= 10
    help_text = subprocess.run([str(environment / "bin" / "finder"), "--help"],
                               capture_output=True, text=True, timeout=60)
    assert "serve" in help_text.stdout
