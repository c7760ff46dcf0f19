"""With a password set, a signed-out client gets the sign-in page or a 401 from every address
in the app, and never a byte of the user's data."""

from __future__ import annotations

import io
import re

import pytest
from werkzeug.security import generate_password_hash

from finder import create_app
from finder.data_folder import write_password_hash
from support import add_provider, start_call

PASSWORD = "correct horse"
# What the seeded data hold: none of it may reach a signed-out client.
SECRETS = {"name": "Dr Zebulon Quackenbush", "phone": "555-0199-7788",
           "notes": "note-QX47-private", "call notes": "call-QX47-private",
           "trashed": "Dr Trashed Quimby", "imported": "Dr Imported Vasquez"}


def guarded_app(data_dir, **settings):
    data_dir.mkdir(parents=True, exist_ok=True)
    write_password_hash(data_dir, generate_password_hash(PASSWORD))
    return create_app({"DATA_DIR": str(data_dir), "TESTING": True, "PASSWORD_REQUIRED": True,
                       **settings})


@pytest.fixture
def seeded(data_dir):
    """A password-protected app with a provider, a call, a trashed provider, a waiting list
    import and a waiting restore, an import done, a restore done: real ids for every kind
    of address. Returns the app and the values for each path parameter."""
    setup = create_app({"DATA_DIR": str(data_dir), "TESTING": True, "WTF_CSRF_ENABLED": False,
                        "SECRET_KEY": "setup"}).test_client()
    provider_id = add_provider(setup, name=SECRETS["name"], phone=SECRETS["phone"],
                               notes=SECRETS["notes"])
    call_id = start_call(setup, provider_id)
    setup.post(f"/calls/{call_id}/fields", json={"name": "notes", "value": SECRETS["call notes"]})
    trashed = add_provider(setup, name=SECRETS["trashed"])
    setup.post(f"/providers/{trashed}/delete")
    csv = f"Name,Phone\n{SECRETS['imported']},555 222 3333\n".encode()
    done = _token(setup.post("/import-export/list", content_type="multipart/form-data",
                             data={"list_file": (io.BytesIO(csv), "list.csv")}))
    setup.post(f"/import-export/list/{done}/import",
               data={"column_0": "name", "column_1": "phone"})
    batch = setup.get("/").get_data(as_text=True)
    batch = re.search(r"/import-export/list/undo/([\w-]+)", batch).group(1)
    waiting_csv = _token(setup.post("/import-export/list", content_type="multipart/form-data",
                                    data={"list_file": (io.BytesIO(csv), "list.csv")}))
    export = setup.get("/import-export/finder-data.json").data
    restored = _token(setup.post("/import-export/restore", content_type="multipart/form-data",
                                 data={"data_file": (io.BytesIO(export), "data.json")}))
    setup.post(f"/import-export/restore/{restored}")
    backup = re.search(r"/import-export/restore/undo/([\w.-]+)",
                       setup.get("/").get_data(as_text=True)).group(1)
    waiting_json = _token(setup.post("/import-export/restore", content_type="multipart/form-data",
                                     data={"data_file": (io.BytesIO(export), "data.json")}))
    values = {"provider_id": provider_id, "call_id": call_id, "flag_id": "deadline",
              "batch": batch, "backup": backup, "csv_token": waiting_csv,
              "json_token": waiting_json}
    return guarded_app(data_dir), values


def _token(response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    return response.headers["Location"].rstrip("/").rsplit("/", 1)[1]


def every_request(app, values):
    """(method, path, endpoint) for every route and every method it allows."""
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        arguments = {}
        for name in rule.arguments:
            if name == "token":
                restore = "restore" in rule.endpoint
                arguments[name] = values["json_token" if restore else "csv_token"]
            elif name == "filename":
                arguments[name] = "finder.css"
            else:
                arguments[name] = values[name]
        path = adapter.build(rule.endpoint, arguments)
        for method in sorted(rule.methods):
            yield method, path, rule.endpoint


def private_parts(response, data_dir) -> list[str]:
    """What of the user's data the response holds: nothing, it must be."""
    text = response.get_data(as_text=True) + str(response.headers)
    found = [what for what, secret in SECRETS.items() if secret in text]
    return found + (["the data folder"] if str(data_dir) in text else [])


def assert_holds_nothing_private(response, data_dir, where):
    assert private_parts(response, data_dir) == [], where


def expected_answer(method: str, endpoint: str, response) -> bool:
    if endpoint == "static":
        return response.status_code in (200, 401, 405)
    if endpoint == "sign_in.sign_in":
        return response.status_code in (200, 400) and (
            method not in ("GET", "POST") or "Sign in" in response.get_data(as_text=True))
    if method in ("GET", "HEAD"):
        return response.status_code == 302 and \
            response.headers["Location"].startswith("/sign-in?next=")
    return response.status_code == 401


def test_a_signed_out_client_gets_only_the_sign_in_page_or_a_401_from_every_address(
        seeded, data_dir):
    app, values = seeded
    store = app.extensions["finder"].store
    before = store.tables()
    requests = list(every_request(app, values))
    assert len({endpoint for _, _, endpoint in requests}) >= 50
    leaks, wrong = [], []
    for method, path, endpoint in requests:
        client = app.test_client()  # no cookie, so no token either
        with client.open(path, method=method, data={"notes": "typed", "name": "Forged",
                                                     "end_status": "ruled_out"}) as response:
            if private_parts(response, data_dir):
                leaks.append((method, path, response.status_code,
                              private_parts(response, data_dir)))
            if not expected_answer(method, endpoint, response):
                wrong.append((method, path, response.status_code))
    assert leaks == [], "\n".join(map(str, leaks))
    assert wrong == [], "\n".join(map(str, wrong))
    after = store.tables()
    assert {k: after[k] for k in ("providers", "calls")} == \
        {k: before[k] for k in ("providers", "calls")}


@pytest.mark.parametrize("path", ["/no-such-page", "/providers/999999", "/calls/1/nothing"])
def test_an_address_that_does_not_exist_asks_a_signed_out_client_to_sign_in(seeded, path,
                                                                            data_dir):
    app, _ = seeded
    response = app.test_client().get(path)
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert app.test_client().post(path).status_code == 401


def test_a_signed_out_autosave_gets_a_401_in_json_that_says_what_to_do(seeded, data_dir):
    app, values = seeded
    response = app.test_client().post(f"/calls/{values['call_id']}/fields",
                                      json={"name": "notes", "value": "x"})
    assert response.status_code == 401 and response.is_json
    assert "Sign in" in response.get_json()["message"]
    assert_holds_nothing_private(response, data_dir, "autosave")


def test_a_signed_out_form_post_keeps_what_was_typed_and_asks_to_sign_in(seeded, data_dir):
    app, values = seeded
    response = app.test_client().post(f"/providers/{values['provider_id']}/edit",
                                      data={"name": "Dr New Name I Typed"})
    page = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "Dr New Name I Typed" in page and "Sign in" in page
    assert_holds_nothing_private(response, data_dir, "edit")


# -- sessions: kept on the server, and ended by sign-out, a new password or a restart ----


def signed_in_client(app):
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/sign-in", data={"password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert client.get("/").status_code == 200
    return client


def test_signing_out_on_one_device_ends_every_session(data_dir):
    app = guarded_app(data_dir)
    phone, laptop = signed_in_client(app), signed_in_client(app)
    home = laptop.get("/").get_data(as_text=True)
    assert 'action="/sign-out"' in home and ">Sign out</button>" in home
    response = phone.post("/sign-out")
    assert response.headers["Location"] == "/sign-in"
    assert "Signed out on every device." in phone.get("/sign-in").get_data(as_text=True)
    for client in (phone, laptop):
        assert client.get("/").status_code == 302
        assert client.post("/calls/1/fields", json={"name": "notes"}).status_code == 401


def test_a_new_password_set_from_the_command_line_ends_every_session(data_dir):
    from click.testing import CliRunner

    from finder import cli

    app = guarded_app(data_dir)
    client = signed_in_client(app)
    result = CliRunner().invoke(cli.main, ["set-password", "--data-dir", str(data_dir),
                                           "--password", "battery staple"])
    assert result.exit_code == 0, result.output
    assert client.get("/").status_code == 302
    fresh = app.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      fresh.get("/sign-in").get_data(as_text=True)).group(1)
    assert fresh.post("/sign-in", data={"password": "battery staple",
                                        "csrf_token": token}).status_code == 302
    assert fresh.get("/").status_code == 200


def test_a_restart_ends_every_session(data_dir):
    client = signed_in_client(guarded_app(data_dir))
    session_id = client.get_cookie("finder_session").value
    restarted = guarded_app(data_dir).test_client()
    restarted.set_cookie("finder_session", session_id)
    assert restarted.get("/").status_code == 302


def test_the_session_cookie_is_named_for_finder_and_its_port(tmp_path, monkeypatch):
    import waitress

    from finder import cli

    apps = []

    class Server:
        effective_port = 0

        def run(self):
            raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_port_problem", lambda host, port: None)
    monkeypatch.setattr(waitress, "create_server",
                        lambda app, **kwargs: apps.append(app) or Server())
    from click.testing import CliRunner

    for port in ("5000", "5001"):
        CliRunner().invoke(cli.main, ["serve", "--port", port, "--data-dir",
                                      str(tmp_path / port)], catch_exceptions=False)
    names = [app.config["SESSION_COOKIE_NAME"] for app in apps]
    assert names == ["finder_session_5000", "finder_session_5001"]
    response = apps[0].test_client().get("/")
    assert response.headers["Set-Cookie"].startswith("finder_session_5000=")
    assert "HttpOnly" in response.headers["Set-Cookie"]
    assert "SameSite=Strict" in response.headers["Set-Cookie"]


class Clock:
    """Stands in for time.time in the session cache: hours pass in a moment."""

    def __init__(self):
        import time

        self.now = time.time()

    def __call__(self):
        return self.now


def test_a_session_lasts_twelve_hours_after_its_last_request_and_no_longer(
        data_dir, monkeypatch):
    import cachelib.simple

    clock = Clock()
    monkeypatch.setattr(cachelib.simple, "time", clock)
    app = guarded_app(data_dir)
    client = signed_in_client(app)
    import datetime as dt
    from email.utils import parsedate_to_datetime

    cookie = client.get("/").headers["Set-Cookie"]
    expires = parsedate_to_datetime(re.search(r"Expires=([^;]+)", cookie).group(1))
    left = expires - dt.datetime.now(dt.timezone.utc)
    assert dt.timedelta(hours=11, minutes=59) < left <= dt.timedelta(hours=12)
    for _ in range(4):  # a long day of calls: each request moves the limit on
        clock.now += 11 * 3600
        assert client.get("/").status_code == 200
    clock.now += 12 * 3600 + 5
    assert client.get("/").status_code == 302


def test_a_form_token_keeps_working_through_a_call_that_lasts_hours(data_dir, monkeypatch):
    import cachelib.simple

    clock = Clock()
    monkeypatch.setattr(cachelib.simple, "time", clock)
    app = create_app({"DATA_DIR": str(data_dir), "TESTING": True})
    assert app.config["WTF_CSRF_TIME_LIMIT"] is None  # the session's own limit applies
    client = app.test_client()
    page = client.get("/providers/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/providers/new", data={
        "csrf_token": token, "name": "Dr Long Call", "telemedicine": "unknown",
        "payment": "unknown", "status": "to_call"})
    call = client.post("/providers/1/calls", data={"csrf_token": token})
    call_url = call.headers["Location"]
    for hour in range(1, 6):
        clock.now += 3600
        reply = client.post(f"{call_url}/fields", json={"name": "notes", "value": f"hour {hour}"},
                            headers={"X-CSRFToken": token})
        assert reply.status_code == 200, reply.get_json()
    assert response.status_code == 302
