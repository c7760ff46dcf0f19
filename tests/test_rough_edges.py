"""The smaller 500s and rough edges found by trying finder as an attacker and as an unlucky
user would (issue 15, "Why" item 5), each answered calmly now."""

from __future__ import annotations

import copy
import io
import json
import re
import socket
import subprocess
import sys
import threading
import time

import pytest
from click.testing import CliRunner

from finder import cli, create_app
from support import (add_provider, csrf_token_from, save_field, serve_without_listening,
                     start_call, wait_for_the_shortlist)

# -- a lone UTF-16 surrogate in an autosaved answer ------------------------------------------


def test_half_a_character_in_an_autosave_is_saved_as_a_replacement_and_the_rest_goes_on(
        client, directory):
    call_id = start_call(client, add_provider(client))
    # What a browser sends for text cut inside an emoji: JSON.stringify writes \ud83d.
    body = '{"name": "notes", "value": "took 0.5 mg \\ud83d then 0.25 \\ud83d\\ude00"}'
    response = client.post(f"/calls/{call_id}/fields", data=body,
                           content_type="application/json")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["value"] == "took 0.5 mg \ufffd then 0.25 \U0001F600"
    # Every later answer on that screen still saves (before, the call screen retried the
    # refused one for ever, with every later answer queued behind it).
    save_field(client, call_id, "answer-step_size", "fixed_mg")
    save_field(client, call_id, "notes", "and more", rev=1)
    assert directory.store.get("calls", call_id)["notes"] == "and more"


@pytest.mark.parametrize("depth", [40, 5_000, 200_000])
def test_json_nested_too_deeply_gets_a_calm_400(client, depth):
    call_id = start_call(client, add_provider(client))
    body = '{"name": "notes", "value": ' + "[" * depth + "]" * depth + "}"
    response = client.post(f"/calls/{call_id}/fields", data=body,
                           content_type="application/json")
    assert response.status_code == 400 and response.is_json


@pytest.mark.parametrize("body", ["false", '"0"', "[1, 2]", '{"name": {"a": 1}}', "3"])
def test_json_sent_to_any_form_is_refused_calmly_and_changes_nothing(csrf_app, body):
    """Flask-WTF fills a form from a JSON body: one that is not an object of strings made
    every form answer 500 (found by tests/test_fuzzing.py), with a valid token too."""
    from support import seed_every_kind

    setup = create_app({"DATA_DIR": csrf_app.config["DATA_DIR"], "TESTING": True,
                        "WTF_CSRF_ENABLED": False}).test_client()
    values = seed_every_kind(setup)
    store = csrf_app.extensions["finder"].store
    before = store.tables()
    client = csrf_app.test_client()
    token = csrf_token_from(client.get("/providers/new").get_data(as_text=True))
    adapter = csrf_app.url_map.bind("localhost")
    refused = []
    for rule in csrf_app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint == "calls.save_field":
            continue
        arguments = {name: values["json_token" if "restore" in rule.endpoint else "csv_token"]
                     if name == "token" else values[name] for name in rule.arguments}
        response = client.post(adapter.build(rule.endpoint, arguments), data=body,
                               content_type="application/json",
                               headers={"X-CSRFToken": token})
        refused.append((rule.endpoint, response.status_code, response.is_json))
    assert len(refused) >= 25
    assert [r for r in refused if r[1:] != (415, True)] == []
    assert store.tables() == before


def test_json_sent_to_the_sign_in_form_is_refused_calmly(data_dir):
    from werkzeug.security import generate_password_hash

    from finder.data_folder import write_password_hash

    data_dir.mkdir(parents=True)
    write_password_hash(data_dir, generate_password_hash("pw"))
    app = create_app({"DATA_DIR": str(data_dir), "TESTING": True, "PASSWORD_REQUIRED": True})
    client = app.test_client()
    token = csrf_token_from(client.get("/sign-in").get_data(as_text=True))
    for body in ("false", '{"password": ["pw"]}', '{"password": {"a": 1}}'):
        response = client.post("/sign-in", data=body, content_type="application/json",
                               headers={"X-CSRFToken": token})
        assert response.status_code == 415, (body, response.status_code)
    assert client.get("/").status_code == 302  # not signed in


# -- a line break in `next` --------------------------------------------------------------


@pytest.mark.parametrize("target", ["/\r\nSet-Cookie: stolen=1", "/shortlist\nX: y",
                                    "/\x00", "/ok\x7f"])
def test_a_redirect_target_with_a_line_break_or_control_character_goes_home(client, target):
    response = client.post("/preferences/theme", data={"theme": "dark", "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "stolen" not in str(response.headers)


def test_sign_in_with_a_line_break_in_next_goes_home(data_dir):
    from werkzeug.security import generate_password_hash

    from finder.data_folder import write_password_hash

    data_dir.mkdir(parents=True)
    write_password_hash(data_dir, generate_password_hash("correct horse"))
    app = create_app({"DATA_DIR": str(data_dir), "TESTING": True, "WTF_CSRF_ENABLED": False,
                      "PASSWORD_REQUIRED": True})
    response = app.test_client().post("/sign-in?next=/%0d%0aSet-Cookie:%20x=1",
                                      data={"password": "correct horse"})
    assert response.status_code == 302 and response.headers["Location"] == "/"


# -- a tokenless POST to an import or restore already done -----------------------------------


def test_a_tokenless_post_to_an_import_or_restore_already_done_is_a_calm_404(csrf_app):
    setup = create_app({"DATA_DIR": csrf_app.config["DATA_DIR"], "TESTING": True,
                        "WTF_CSRF_ENABLED": False}).test_client()
    csv = b"Name,Phone\nDr Once,555 222 3333\n"
    upload = setup.post("/import-export/list", content_type="multipart/form-data",
                        data={"list_file": (io.BytesIO(csv), "list.csv")})
    token = upload.headers["Location"].rsplit("/", 1)[1]
    setup.post(f"/import-export/list/{token}/import", data={"column_0": "name"})
    export = setup.get("/import-export/finder-data.json").data
    upload = setup.post("/import-export/restore", content_type="multipart/form-data",
                        data={"data_file": (io.BytesIO(export), "data.json")})
    restore = upload.headers["Location"].rsplit("/", 1)[1]
    setup.post(f"/import-export/restore/{restore}")
    client = csrf_app.test_client()
    for url in (f"/import-export/list/{token}/import", f"/import-export/list/{token}/cancel",
                f"/import-export/restore/{restore}"):
        response = client.post(url, data={"column_0": "name"})
        assert response.status_code in (400, 404), (url, response.status_code)
        if not url.endswith("/cancel"):  # a cancel pressed too late leads back to its page
            assert response.status_code == 404
            assert "no longer waiting" in response.get_data(as_text=True), url


def test_a_tokenless_post_to_an_undo_already_done_changes_nothing_and_answers_calmly(
        csrf_app):
    """The undo buttons of an import (on the shortlist's message and on the imports list)
    and of a restore, pressed again without a token once their undo is done."""
    setup = create_app({"DATA_DIR": csrf_app.config["DATA_DIR"], "TESTING": True,
                        "WTF_CSRF_ENABLED": False}).test_client()
    add_provider(setup, name="Dr Before")
    export = setup.get("/import-export/finder-data.json").data
    token = _uploaded_list(setup, b"Name,Phone\nDr Once,555 222 3333\n")
    setup.post(f"/import-export/list/{token}/import", data={"column_0": "name"})
    batch = re.search(r"/import-export/list/undo/([\w-]+)",
                      setup.get("/import-export/").get_data(as_text=True)).group(1)
    assert setup.post(f"/import-export/list/undo/{batch}",
                      data={"next": "imports"}).status_code == 302
    upload = setup.post("/import-export/restore", content_type="multipart/form-data",
                        data={"data_file": (io.BytesIO(export), "data.json")})
    setup.post(upload.headers["Location"])
    backup = re.search(r"/import-export/restore/undo/([\w.-]+)",
                       setup.get("/").get_data(as_text=True)).group(1)
    assert setup.post(f"/import-export/restore/undo/{backup}").status_code == 302
    store = csrf_app.extensions["finder"].store
    before = store.tables()
    client = csrf_app.test_client()
    for url, data in ((f"/import-export/list/undo/{batch}", {"next": "imports"}),
                      (f"/import-export/list/undo/{batch}", {}),
                      (f"/import-export/restore/undo/{backup}", {})):
        response = client.post(url, data=data)
        assert response.status_code in (400, 404), (url, response.status_code)
        assert "Nothing was changed" in response.get_data(as_text=True), url
    assert store.tables() == before


# -- two confirms of one import at the same moment ---------------------------------------------


def _at_once(*requests):
    """Run the requests in threads released together; their responses in order."""
    start = threading.Barrier(len(requests))
    answers = [None] * len(requests)

    def run(index, request):
        start.wait()
        answers[index] = request()

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return answers


def test_two_confirms_of_one_list_import_at_the_same_moment_import_it_once(app, directory,
                                                                          monkeypatch):
    rows = "".join(f"Dr Row {n},555 222 {1000 + n}\n" for n in range(10))
    real_add = directory.add_providers

    def slow_add(records):  # a bigger list takes longer: plenty of time for a second click
        time.sleep(0.05)
        return real_add(records)

    monkeypatch.setattr(directory, "add_providers", slow_add)
    for trial in range(10):
        client = app.test_client()
        csv = f"Name,Phone\n{rows.replace('Dr Row', f'Dr T{trial} Row')}".encode()
        upload = client.post("/import-export/list", content_type="multipart/form-data",
                             data={"list_file": (io.BytesIO(csv), "list.csv")})
        token = upload.headers["Location"].rsplit("/", 1)[1]
        confirm = {"column_0": "name", "column_1": "phone"}
        answers = _at_once(
            lambda: app.test_client().post(f"/import-export/list/{token}/import", data=confirm),
            lambda: app.test_client().post(f"/import-export/list/{token}/import", data=confirm))
        assert sorted(a.status_code for a in answers) == [302, 404], trial
        names = [p["name"] for p in directory.providers() if f"Dr T{trial} " in p["name"]]
        assert len(names) == 10, (trial, len(names))


def test_two_undos_of_one_import_at_the_same_moment_move_it_to_the_trash_once(
        app, directory, monkeypatch):
    client = app.test_client()
    rows = "".join(f"Dr Undo {n},555 222 {1000 + n}\n" for n in range(10))
    token = _uploaded_list(client, f"Name,Phone\n{rows}".encode())
    client.post(f"/import-export/list/{token}/import", data={"column_0": "name",
                                                            "column_1": "phone"})
    batch = re.search(r"/import-export/list/undo/([\w-]+)",
                      client.get("/import-export/").get_data(as_text=True)).group(1)
    real_trash = directory.trash_provider

    def slow_trash(provider_id):  # plenty of time for the second click
        time.sleep(0.01)
        return real_trash(provider_id)

    monkeypatch.setattr(directory, "trash_provider", slow_trash)
    clients = [app.test_client(), app.test_client()]
    answers = _at_once(*(lambda c=c: c.post(f"/import-export/list/undo/{batch}",
                                            data={"next": "imports"}) for c in clients))
    assert [a.status_code for a in answers] == [302, 302]
    said = sorted(re.search(r"(Moved the [^<]*|Those providers were already[^<]*)",
                            c.get("/import-export/").get_data(as_text=True)).group(1)
                  for c in clients)
    assert said == ["Moved the 10 imported providers to the trash.",
                    "Those providers were already in the trash."]
    assert len([p for p in directory.trashed_providers() if "Dr Undo" in p["name"]]) == 10


def test_two_confirms_of_one_restore_at_the_same_moment_restore_it_once(app, directory):
    client = app.test_client()
    add_provider(client, name="Dr In The File")
    export = client.get("/import-export/finder-data.json").data
    add_provider(client, name="Dr Added Later")
    upload = client.post("/import-export/restore", content_type="multipart/form-data",
                         data={"data_file": (io.BytesIO(export), "data.json")})
    token = upload.headers["Location"].rsplit("/", 1)[1]
    before = len(directory.store.backups())
    answers = _at_once(lambda: app.test_client().post(f"/import-export/restore/{token}"),
                       lambda: app.test_client().post(f"/import-export/restore/{token}"))
    assert sorted(a.status_code for a in answers) == [302, 404]
    made = [b for b in directory.store.backups()[: len(directory.store.backups()) - before]]
    assert len([b for b in made if "before-replace" in b.name]) == 1
    assert [p["name"] for p in directory.providers()] == ["Dr In The File"]


# -- a restored file with a field of the wrong type, or a javascript: website ----------------


PAGES = ["/", "/providers/1", "/providers/1/summary", "/providers/1/edit", "/calls/1",
         "/calls/1/schedule", "/print/shortlist", "/import-export/shortlist.csv",
         "/compare?id=1&id=2", "/providers/3", "/providers/3/edit", "/import-export/",
         "/providers/1/follow-up.ics", "/providers/follow-ups.ics"]
WRONG = [0, 1.5, True, [1], [], {"a": 1}, {}, "x"]


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    app = create_app({"DATA_DIR": str(tmp_path_factory.mktemp("export")), "TESTING": True,
                      "WTF_CSRF_ENABLED": False, "SECRET_KEY": "x"})
    client = app.test_client()
    add_provider(client, name="Dr A", tags="a, b", website="a.com", telemedicine="yes",
                 telemedicine_states=["CA"], follow_up_on="2026-12-01")
    add_provider(client, name="Dr B")
    call_id = start_call(client, 1)
    for name, value in {"notes": "n", "answer-step_size": "fixed_mg",
                        "answer_note-step_size": "said so", "flag-deadline": True,
                        "practical-wait": "3 weeks", "spoke_with": "nurse"}.items():
        save_field(client, call_id, name, value)
    client.post(f"/calls/{call_id}/schedule", data={
        "drug": "clonazepam", "start_mg": "2", "mode": "rule", "amount": "0.25",
        "unit": "mg", "every": "2", "interval_unit": "weeks", "action": "attach"})
    # Provider 3, imported from a list with a website to fix: its `imported` and `to_fix`.
    token = _uploaded_list(client, b"Name,Website\nDr Imported,not a site\n")
    imported = client.post(f"/import-export/list/{token}/import",
                           data={"column_0": "name", "column_1": "website",
                                 "import_with_gaps": "2"})
    assert imported.status_code == 302
    document = json.loads(client.get("/import-export/finder-data.json").data)
    assert document["tables"]["providers"]["3"]["to_fix"]["website"]
    return document


def _uploaded_list(client, csv: bytes) -> str:
    upload = client.post("/import-export/list", content_type="multipart/form-data",
                         data={"list_file": (io.BytesIO(csv), "list.csv")})
    assert upload.status_code == 302
    return upload.headers["Location"].rsplit("/", 1)[1]


def _restore(client, document) -> int:
    upload = client.post("/import-export/restore", content_type="multipart/form-data",
                         data={"data_file": (io.BytesIO(json.dumps(document).encode()),
                                             "data.json")})
    if upload.status_code != 302:
        return upload.status_code
    return client.post(upload.headers["Location"]).status_code


def _fields(export):
    """(table, record key, path) for every field of every record kind in the export, each
    once, in the first record that has it (and every key of a field that is a dict)."""
    for table in ("providers", "calls"):
        seen = set()
        for record_key, record in export["tables"][table].items():
            for name, value in record.items():
                if name == "standing" or name in seen:
                    continue  # the standing is worked out again at every restore
                seen.add(name)
                yield table, record_key, (name,)
                if isinstance(value, dict):
                    for key in value:
                        yield table, record_key, (name, key)


def test_a_restored_file_with_any_field_of_the_wrong_type_is_refused_or_every_page_opens(
        client, export):
    """Before, a call's page answered 500 for a restored `spoke_with` of 1.5, and so did the
    shortlist for a tag that was a list, the provider page for a status history of None…"""
    failures = []
    fields = list(_fields(export))
    assert {("providers", "3", ("to_fix", "website")),
            ("providers", "3", ("imported", "rows_in_file"))} <= set(fields)
    for table, record_key, path in fields:
        for wrong in WRONG:
            document = copy.deepcopy(export)
            record = document["tables"][table][record_key]
            for key in path[:-1]:
                record = record[key]
            record[path[-1]] = wrong
            status = _restore(client, document)
            assert status in (302, 400), (table, path, wrong, status)
            if status == 400:
                continue
            for page in PAGES:
                with client.get(page) as response:
                    if response.status_code >= 500:
                        failures.append((table, path, wrong, page))
    assert failures == []


@pytest.mark.parametrize("website", ["javascript:alert(document.cookie)", "data:text/html,x",
                                     "JavaScript:alert(1)", " javascript:alert(1)"])
def test_a_restored_file_with_a_javascript_website_is_refused(client, export, website):
    document = copy.deepcopy(export)
    document["tables"]["providers"]["1"]["website"] = website
    upload = client.post("/import-export/restore", content_type="multipart/form-data",
                         data={"data_file": (io.BytesIO(json.dumps(document).encode()),
                                             "data.json")})
    assert upload.status_code == 400
    assert "website that is not a web address" in upload.get_data(as_text=True)


def test_a_restored_file_with_half_a_character_is_refused(client, export):
    text = json.dumps(export).replace('"Dr A"', '"Dr A \\ud800"')
    upload = client.post("/import-export/restore", content_type="multipart/form-data",
                         data={"data_file": (io.BytesIO(text.encode()), "data.json")})
    assert upload.status_code == 400
    assert "not whole" in upload.get_data(as_text=True)


# -- the secret key file --------------------------------------------------------------------


@pytest.mark.parametrize("content", ["", "\n", "short"])
def test_an_empty_or_short_secret_key_is_made_anew_and_finder_works(data_dir, content):
    data_dir.mkdir(parents=True)
    (data_dir / "secret_key").write_text(content)
    app = create_app({"DATA_DIR": str(data_dir), "TESTING": True})
    key = (data_dir / "secret_key").read_text()
    assert len(key) == 64 and app.config["SECRET_KEY"] == key
    client = app.test_client()
    page = client.get("/providers/new").get_data(as_text=True)
    response = client.post("/providers/new", data={
        "csrf_token": csrf_token_from(page), "name": "Dr Key", "telemedicine": "unknown",
        "payment": "unknown", "status": "to_call"})
    assert response.status_code == 302


def test_a_secret_key_of_the_wrong_kind_stops_start_up_with_a_sentence(tmp_path):
    (tmp_path / "secret_key").mkdir()
    result = CliRunner().invoke(cli.main, ["backup", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0  # backup needs no key
    result = CliRunner().invoke(cli.main, ["serve", "--port", "5999", "--data-dir",
                                           str(tmp_path)])
    assert result.exit_code == 2
    assert "secret_key should be a file, but it is a folder" in result.output
    assert "Traceback" not in result.output


# -- other loopback addresses -------------------------------------------------------------


@pytest.mark.parametrize("host, shown", [("127.0.0.2", "127.0.0.2"), ("::1", "[::1]"),
                                         ("localhost", "localhost")])
def test_another_loopback_address_prints_an_address_that_answers(tmp_path, monkeypatch,
                                                                 host, shown):
    result, apps = serve_without_listening(monkeypatch, "--host", host, "--data-dir",
                                           str(tmp_path))
    assert f"finder is running at http://{shown}:5000/" in result.output
    assert "From other devices" not in result.output
    app = apps[0]
    assert app.config["PASSWORD_REQUIRED"] is False
    response = app.test_client().get("/", headers={"Host": f"{shown}:5000"})
    assert response.status_code == 200
    refused = app.test_client().get("/", headers={"Host": "evil.example:5000"})
    assert refused.status_code == 400


@pytest.mark.slow
@pytest.mark.parametrize("host", ["127.0.0.2", "::1"])
def test_the_real_server_on_another_loopback_address_answers_its_printed_address(tmp_path,
                                                                                host):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:
        probe.bind((host, 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "finder", "serve", "--host", host, "--port", str(port),
         "--data-dir", str(tmp_path)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, env={**__import__("os").environ, "PYTHONUNBUFFERED": "1"})
    try:
        address = re.search(r"finder is running at (\S+)", server.stdout.readline()).group(1)
        wait_for_the_shortlist(address)
    finally:
        server.send_signal(2)
        server.communicate(timeout=10)
