"""What `finder serve` does once at start so that no first visit waits: the templates of the
first pages compiled, the shortlist's rows built, and the loaded records kept out of full
collections."""

from __future__ import annotations

import gc

import pytest
from click.testing import CliRunner

from finder import cli, create_app, warm_up
from finder.domain.shortlist_filters import SORTS, ShortlistIndex
from support import add_provider, start_call


def test_after_warm_up_the_first_pages_compile_no_template(tmp_path, monkeypatch):
    app = create_app({"DATA_DIR": str(tmp_path / "data"), "TESTING": True,
                      "WTF_CSRF_ENABLED": False, "SECRET_KEY": "test"})
    client = app.test_client()
    provider_id = add_provider(client, name="Dr Lee")
    call_id = start_call(client, provider_id)
    warm_up(app)

    def compile_again(*args, **kwargs):
        raise AssertionError("a template was compiled on a request")

    monkeypatch.setattr(app.jinja_env, "compile", compile_again)
    for url in ("/", f"/calls/{call_id}", f"/providers/{provider_id}"):
        assert client.get(url).status_code == 200, url


def test_warm_up_builds_the_shortlist_rows_its_index_and_its_order(app, client, monkeypatch):
    add_provider(client, name="Dr Lee")
    warm_up(app)

    def build_again(*args):
        raise AssertionError("the shortlist's rows or index were built on a request")

    monkeypatch.setattr("finder.directory.shortlist_entry", build_again)
    monkeypatch.setattr("finder.directory.ShortlistIndex", build_again)
    monkeypatch.setattr(ShortlistIndex, "_bitmaps", build_again)  # the counts' bitmaps
    label, _, reverse = SORTS["score"]
    monkeypatch.setitem(SORTS, "score", (label, build_again, reverse))  # the order
    assert "Dr Lee" in client.get("/").get_data(as_text=True)


def test_warm_up_builds_the_call_screens_form_class(app, client, monkeypatch):
    call_id = start_call(client, add_provider(client, name="Dr Lee"))
    warm_up(app)

    def build_again(*args):
        raise AssertionError("the call form's class was built on a request")

    monkeypatch.setattr("finder.calls.forms.interview_form_class", build_again)
    assert client.get(f"/calls/{call_id}").status_code == 200


def test_serve_warms_up_and_freezes_the_loaded_records_with_collection_back_on(
        tmp_path, monkeypatch):
    import waitress

    seen = {}

    class Server:
        effective_port = 5000

        def run(self):
            seen["collecting"] = gc.isenabled()
            raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_port_problem", lambda host, port: None)
    monkeypatch.setattr(waitress, "create_server", lambda app, **kwargs: Server())
    monkeypatch.setattr("finder.warm_up", lambda app: seen.setdefault("warmed", app))
    frozen = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(gc.isenabled()))
    result = CliRunner().invoke(cli.main, ["serve", "--data-dir", str(tmp_path / "d")],
                                catch_exceptions=False)
    assert result.exit_code == 0
    assert "warmed" in seen and seen["collecting"] is True
    assert frozen == [False]  # frozen before any collection could walk the records again


@pytest.mark.parametrize("collecting", [True, False])
def test_loading_the_data_leaves_the_cycle_collector_as_it_was(tmp_path, collecting):
    from finder.store import Store

    Store(tmp_path / "data").close()  # a snapshot to load
    was = gc.isenabled()
    (gc.enable if collecting else gc.disable)()
    try:
        Store(tmp_path / "data")
        assert gc.isenabled() is collecting
    finally:
        (gc.enable if was else gc.disable)()
