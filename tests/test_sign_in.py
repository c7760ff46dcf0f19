"""With a password set, a signed-out client gets the sign-in page or a 401 from every address
in the app, and never a byte of the user's data."""

from __future__ import annotations

import contextlib
import re

import pytest
from werkzeug.security import generate_password_hash

from finder import create_app
from finder.data_folder import write_password_hash
from support import finder_serving, free_port, seed_every_kind, serve_without_listening

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
    """A password-protected app with real ids for every kind of address."""
    setup = create_app({"DATA_DIR": str(data_dir), "TESTING": True, "WTF_CSRF_ENABLED": False,
                        "SECRET_KEY": "setup"}).test_client()
    values = seed_every_kind(setup, name=SECRETS["name"], phone=SECRETS["phone"],
                             notes=SECRETS["notes"], call_notes=SECRETS["call notes"],
                             trashed=SECRETS["trashed"], imported=SECRETS["imported"])
    return guarded_app(data_dir), values


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


def test_signed_in_the_same_sweep_finds_the_seeded_data_where_they_belong(seeded, data_dir):
    """The check above can fail: signed in, the same requests show the seeded data on the
    pages and in the files that hold them (calendar files and the imports list included)."""
    app, values = seeded
    client = signed_in_client(app)
    found = {}
    for method, path, endpoint in every_request(app, values):
        if method == "GET" and not path.endswith(".pdf"):
            with client.get(path) as response:
                found[endpoint] = set(private_parts(response, data_dir))
    assert {"name", "phone"} <= found["providers.follow_up_ics"]
    assert {"name", "phone"} <= found["providers.follow_ups_ics"]
    assert {"name", "phone", "notes"} <= found["providers.show"]
    assert "call notes" in found["calls.show"]
    assert "trashed" in found["providers.trash"]
    assert "imported" in found["shortlist.index"]
    assert set(SECRETS) <= found["transfer.data_json"]


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
    apps = []
    for port in ("5000", "5001"):
        apps += serve_without_listening(monkeypatch, "--port", port, "--data-dir",
                                        str(tmp_path / port), port=0)[1]
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


# -- the brake on guessing -------------------------------------------------------------------


class Ticking:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_each_wrong_password_doubles_the_wait_for_its_address_up_to_fifteen_minutes():
    from finder.sign_in import GuessingBrake

    clock = Ticking()
    brake = GuessingBrake(clock)
    waits = []
    for _ in range(12):
        assert brake.wait("10.0.0.9") <= 0
        brake.failed("10.0.0.9")
        waits.append(brake.wait("10.0.0.9"))
        clock.now += waits[-1]
    assert waits == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]
    assert brake.wait("10.0.0.10") == 0  # another address is not slowed (yet)
    brake.succeeded("10.0.0.9")
    assert brake.wait("10.0.0.9") == 0


def test_many_wrong_passwords_from_anywhere_slow_every_address_and_a_quiet_hour_forgets():
    from finder.sign_in import GuessingBrake

    clock = Ticking()
    brake = GuessingBrake(clock)
    for n in range(GuessingBrake.OVERALL_FREE):
        brake.failed(f"10.0.1.{n}")
    assert brake.wait("10.0.2.1") == 0
    brake.failed("10.0.1.200")
    assert brake.wait("10.0.2.1") == 1  # a fresh address must wait too
    brake.failed("10.0.1.201")
    assert brake.wait("10.0.2.1") == 2
    clock.now += 3601
    assert brake.wait("10.0.2.1") == 0


def test_a_burst_of_wrong_passwords_is_refused_with_429_and_retry_after_without_checking(
        data_dir, monkeypatch):
    import finder.sign_in

    checks = []
    real_check = finder.sign_in.check_password_hash
    monkeypatch.setattr(finder.sign_in, "check_password_hash",
                        lambda stored, given: checks.append(given) or real_check(stored, given))
    app = guarded_app(data_dir, WTF_CSRF_ENABLED=False)
    clock = Ticking()
    app.extensions["sign_in"].brake.clock = clock
    guesser = app.test_client()
    answers = [guesser.post("/sign-in", data={"password": f"guess {n}"}) for n in range(20)]
    assert [a.status_code for a in answers] == [400] + [429] * 19
    assert len(checks) == 1
    assert answers[1].headers["Retry-After"] == "1"
    assert "Wait 1 second, then try again" in answers[1].get_data(as_text=True)
    retry_afters = []
    for _ in range(5):  # waiting as told each time: every wrong password doubles the wait
        clock.now += int(guesser.post("/sign-in", data={"password": "x"}).headers["Retry-After"])
        assert guesser.post("/sign-in", data={"password": "wrong"}).status_code == 400
        retry_afters.append(int(guesser.post("/sign-in", data={"password": "x"})
                                .headers["Retry-After"]))
    assert retry_afters == [2, 4, 8, 16, 32]
    # Another address is not held up by this one's guesses, and the right password works.
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.44"
    assert other.post("/sign-in", data={"password": PASSWORD}).status_code == 302


@pytest.mark.slow
def test_guessing_at_a_served_finder_is_refused_while_the_signed_in_users_saves_stay_fast(
        tmp_path):
    """The real server, with guessers on four addresses sending wrong passwords as fast as
    they can, while the signed-in user autosaves answers: the guesses are refused (429,
    Retry-After), few passwords are actually checked, and the saves take no longer."""
    import statistics
    import threading
    import time

    data = tmp_path / "data"
    data.mkdir()
    write_password_hash(data, generate_password_hash(PASSWORD))
    provider_id = seeded_provider(data)
    port = free_port()
    with served(data, port, "--allow-host", "finder.test"):
        owner = Browser(port)
        owner.sign_in(PASSWORD)
        call_path = owner.post_form(f"/providers/{provider_id}/calls", {})[1]["Location"]

        def autosave_times(count):
            times = []
            for n in range(count):
                started = time.perf_counter()
                status, _, _ = owner.request("POST", f"{call_path}/fields",
                                             json_body={"name": "notes", "value": f"n{n}"})
                times.append(time.perf_counter() - started)
                assert status == 200
            return times

        before = autosave_times(30)
        stop = threading.Event()
        answers = []

        def guess(address):
            guesser = Browser(port, source=address)
            token = guesser.token("/sign-in")
            while not stop.is_set():
                status, headers, _ = guesser.request(
                    "POST", "/sign-in", form={"password": "wrong", "csrf_token": token})
                answers.append((status, headers.get("Retry-After")))

        guessers = [threading.Thread(target=guess, args=(f"127.0.0.{n}",))
                    for n in (2, 3, 4, 5)]
        for thread in guessers:
            thread.start()
        time.sleep(0.5)
        during = autosave_times(60)
        stop.set()
        for thread in guessers:
            thread.join(10)
    refused = [a for a in answers if a[0] == 429]
    checked = [a for a in answers if a[0] == 400]
    assert len(answers) > 100 and len(refused) > 0.9 * len(answers)
    assert all(retry_after and int(retry_after) >= 1 for _, retry_after in refused)
    assert len(checked) <= 20
    print(f"autosave median {statistics.median(before)*1000:.1f} ms before, "
          f"{statistics.median(during)*1000:.1f} ms during {len(answers)} guesses "
          f"({len(checked)} checked); slowest {max(during)*1000:.1f} ms")
    assert statistics.median(during) < max(3 * statistics.median(before), 0.05), (before, during)
    assert sorted(during)[int(0.9 * len(during))] < 0.25, during


class Browser:
    """A little HTTP client with a cookie jar, sending from a chosen loopback address."""

    def __init__(self, port, source="127.0.0.1"):
        self.port, self.source, self.cookies, self.csrf = port, source, {}, None

    def request(self, method, path, form=None, json_body=None):
        import http.client
        import json
        from urllib.parse import urlencode

        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30,
                                                source_address=(self.source, 0))
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif json_body is not None:
            body = json.dumps(json_body)
            headers.update({"Content-Type": "application/json", "X-CSRFToken": self.csrf})
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        connection.close()
        return response.status, dict(response.headers), text

    def token(self, path):
        _, _, page = self.request("GET", path)
        self.csrf = re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        return self.csrf

    def sign_in(self, password):
        status, headers, _ = self.request("POST", "/sign-in",
                                          form={"password": password,
                                                "csrf_token": self.token("/sign-in")})
        assert status == 302, status
        self.token("/")

    def post_form(self, path, form):
        status, headers, text = self.request("POST", path, form={**form, "csrf_token": self.csrf})
        return status, headers, text


def seeded_provider(data_dir) -> int:
    from finder import bundled_path
    from finder.content import load_content
    from finder.directory import STORE_INDEXES, Directory
    from finder.store import Store

    directory = Directory(Store(data_dir, indexes=STORE_INDEXES),
                          load_content(bundled_path("data")).checklist)
    return directory.add_provider({"name": "Dr Timing", "status": "to_call"})


@contextlib.contextmanager
def served(data_dir, port, *options):
    """`finder serve` in a child process until the block ends."""
    with finder_serving(data_dir, port, *options) as process:
        yield process
    process.communicate(timeout=15)
