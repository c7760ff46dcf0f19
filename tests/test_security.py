"""Only the owner gets in, pages say what they may do, and an old form never fails bare."""

import re
import time

import pytest
from werkzeug.security import generate_password_hash

from finder import create_app
from finder.data_folder import write_password_hash
from support import add_provider, csrf_token_from, save_field, start_call


def test_every_page_sends_the_security_headers(client):
    response = client.get("/")
    headers = response.headers
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Cache-Control"] == "no-store"


def test_static_files_may_be_cached_but_pages_may_not(client):
    with client.get("/static/finder.css") as static:
        assert static.headers.get("Cache-Control") != "no-store"
    assert client.get("/providers/new").headers["Cache-Control"] == "no-store"


def test_no_page_loads_anything_from_another_host(client):
    add_provider(client, name="Dr Ann Lee", website="annlee.com")
    for url in ("/", "/providers/new", "/providers/1", "/providers/1/summary",
                "/where-to-look", "/words", "/sources", "/print/clinician-brief"):
        page = client.get(url).get_data(as_text=True)
        for attribute in re.findall(r'(?:src|href)="([^"]+)"', page):
            if attribute.startswith(("http://", "https://", "//")):
                # Only plain links the user may choose to follow, never loaded resources.
                assert re.search(rf'<a [^>]*href="{re.escape(attribute)}"', page), (url, attribute)
        assert "<script>" not in page and " style=" not in page, url


@pytest.mark.parametrize("host", ["evil.example:5000", "finder.attacker.test", "10.0.0.5"])
def test_requests_for_another_host_name_are_refused(client, host):
    response = client.get("/", headers={"Host": host})
    assert response.status_code == 400
    assert "addressed to a host name it does not serve" in response.get_data(as_text=True)


@pytest.mark.parametrize("host", ["127.0.0.1:5000", "localhost:5000", "localhost"])
def test_loopback_names_are_served(client, host):
    assert client.get("/", headers={"Host": host}).status_code == 200


def post_targets(client):
    provider_id = add_provider(client)
    call_id = start_call(client, provider_id)
    return [
        ("/providers/new", {"name": "Forged"}),
        (f"/providers/{provider_id}/edit", {"name": "Forged"}),
        (f"/providers/{provider_id}/delete", {}),
        (f"/providers/{provider_id}/calls", {}),
        (f"/providers/{provider_id}/red-flags/deadline/clear", {}),
        (f"/calls/{call_id}", {"answer-step_size": "fixed_mg"}),
        (f"/calls/{call_id}/end", {"end_status": "ruled_out"}),
        (f"/calls/{call_id}/delete", {}),
        ("/providers/trash/empty", {}),
    ]


def test_every_state_changing_request_needs_the_csrf_token(csrf_app):
    client = csrf_app.test_client()
    # Set up through the token-free app on the same data folder.
    setup = create_app({"DATA_DIR": csrf_app.config["DATA_DIR"], "TESTING": True,
                        "WTF_CSRF_ENABLED": False}).test_client()
    targets = post_targets(setup)
    store = csrf_app.extensions["finder"].store
    before = store.tables()
    for url, data in targets:
        response = client.post(url, data=data)
        assert response.status_code == 400, url
    json_reply = client.post("/calls/1/fields", json={"name": "notes", "value": "forged"})
    assert json_reply.status_code == 400
    assert json_reply.get_json()["error"] == "expired_token"
    after = store.tables()
    assert after["providers"] == before["providers"] and after["calls"] == before["calls"]


def _stale_button_press(csrf_app):
    """A client of the served app (CSRF on), and one of the same data without the check."""
    setup = create_app({"DATA_DIR": csrf_app.config["DATA_DIR"], "TESTING": True,
                        "WTF_CSRF_ENABLED": False}).test_client()
    return csrf_app.test_client(), setup


def test_a_confirm_button_pressed_too_late_changes_nothing_and_leads_back_to_press_it_again(
        csrf_app):
    client, setup = _stale_button_press(csrf_app)
    provider_id = add_provider(setup, name="Dr Kept")
    call_id = start_call(setup, provider_id)
    removed_call = start_call(setup, provider_id)
    setup.post(f"/calls/{removed_call}/delete")
    provider_page, call_schedule = f"/providers/{provider_id}", f"/calls/{call_id}/schedule"
    buttons = [  # (where the button posts, the page it is on)
        (f"/providers/{provider_id}/calls", provider_page),
        (f"/calls/{call_id}/delete", provider_page),
        (f"/calls/{removed_call}/restore", provider_page),
        (f"/providers/{provider_id}/red-flags/deadline/clear", provider_page),
        (f"/providers/{provider_id}/restore", provider_page),
        ("/verdict-changes/hide", "/"),
        (f"{call_schedule}/remove", call_schedule),
        (f"{call_schedule}/undo", call_schedule),
        ("/import-export/list/aaaaaaaaaaaaaaaa/cancel", "/import-export/"),
        ("/import-export/list/undo/aaaaaaaaaaaaaaaa", "/"),
        ("/preferences/theme", "/"),
    ]
    store = csrf_app.extensions["finder"].store
    before = store.tables()
    for url, page in buttons:
        response = client.post(url, data={"csrf_token": "stale"})
        text = response.get_data(as_text=True)
        assert response.status_code == 400, url
        assert "open a long time" in text and "Nothing was changed." in text, url
        assert "press the button again" in text, url
        assert f'<a class="button button--primary" href="{page}">Back to the page</a>' in text, url
        assert "Set-Cookie" not in response.headers or "finder_theme" not in \
            response.headers["Set-Cookie"], url
    after = store.tables()
    assert after["providers"] == before["providers"] and after["calls"] == before["calls"]


@pytest.mark.parametrize("page, nothing_was", [
    ("/providers/{provider_id}/delete", "moved"),
    ("/providers/trash/empty", "deleted"),
])
def test_a_confirm_page_pressed_too_late_shows_itself_again_to_press_once_more(
        csrf_app, page, nothing_was):
    client, setup = _stale_button_press(csrf_app)
    provider_id = add_provider(setup, name="Dr Maybe")
    setup.post(f"/providers/{add_provider(setup, name='Dr Trashed')}/delete")
    url = page.format(provider_id=provider_id)
    response = client.post(url, data={"csrf_token": "stale"})
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f"open a long time, or finder restarted, so nothing was {nothing_was}." in text
    assert "Press the button again." in text
    directory = csrf_app.extensions["finder"].directory
    assert [p["name"] for p in directory.providers()] == ["Dr Maybe"]
    assert [p["name"] for p in directory.trashed_providers()] == ["Dr Trashed"]
    again = client.post(url, data={"csrf_token": csrf_token_from(text)})
    assert again.status_code == 302


def test_an_expired_token_brings_the_form_back_with_everything_typed(csrf_app):
    client = csrf_app.test_client()
    response = client.post("/providers/new", data={
        "csrf_token": "stale", "name": "Dr Typed Name", "notes": "long note I typed",
        "telemedicine": "unknown", "payment": "unknown", "status": "to_call"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "press save again" in page
    assert 'value="Dr Typed Name"' in page and "long note I typed" in page
    fresh = csrf_token_from(page)
    again = client.post("/providers/new", data={
        "csrf_token": fresh, "name": "Dr Typed Name", "telemedicine": "unknown",
        "payment": "unknown", "status": "to_call"})
    assert again.status_code == 302


def test_an_expired_token_on_the_call_screen_keeps_every_answer(csrf_app):
    setup = create_app({"DATA_DIR": csrf_app.config["DATA_DIR"], "TESTING": True,
                        "WTF_CSRF_ENABLED": False}).test_client()
    call_id = start_call(setup, add_provider(setup))
    client = csrf_app.test_client()
    response = client.post(f"/calls/{call_id}", data={
        "csrf_token": "stale", "answer-step_size": "fixed_mg", "notes": "typed in the call"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "press save again" in page and "typed in the call" in page
    assert re.search(r'<input checked[^>]*value="fixed_mg"', page)


def test_an_autosave_with_an_expired_token_gets_a_fresh_one_to_retry_with(csrf_app):
    setup = create_app({"DATA_DIR": csrf_app.config["DATA_DIR"], "TESTING": True,
                        "WTF_CSRF_ENABLED": False}).test_client()
    call_id = start_call(setup, add_provider(setup))
    client = csrf_app.test_client()
    client.get("/")  # a session
    reply = client.post(f"/calls/{call_id}/fields", json={"name": "notes", "value": "x"},
                        headers={"X-CSRFToken": "stale"})
    token = reply.get_json()["csrf_token"]
    retry = client.post(f"/calls/{call_id}/fields", json={"name": "notes", "value": "x"},
                        headers={"X-CSRFToken": token})
    assert retry.status_code == 200 and retry.get_json()["outcome"] == "saved"


def test_form_tokens_survive_a_restart_of_the_app(data_dir):
    first = create_app({"DATA_DIR": str(data_dir), "TESTING": True})
    client = first.test_client()
    token = csrf_token_from(client.get("/providers/new").get_data(as_text=True))
    restarted = create_app({"DATA_DIR": str(data_dir), "TESTING": True})
    restarted_client = restarted.test_client()
    restarted_client.set_cookie("session", client.get_cookie("session").value)
    response = restarted_client.post("/providers/new", data={
        "csrf_token": token, "name": "Dr After Restart", "telemedicine": "unknown",
        "payment": "unknown", "status": "to_call"})
    assert response.status_code == 302


def test_a_form_shown_earlier_still_saves_after_later_pages(data_dir):
    for settings in ({}, {"WTF_CSRF_TIME_LIMIT": 3600}):
        client = create_app({"DATA_DIR": str(data_dir), "TESTING": True,
                             **settings}).test_client()
        earlier = csrf_token_from(client.get("/providers/new").get_data(as_text=True))
        time.sleep(1.1)  # a token signed now carries another timestamp
        client.get("/sources")
        response = client.post("/providers/new", data={
            "csrf_token": earlier, "name": "Dr Same Token", "telemedicine": "unknown",
            "payment": "unknown", "status": "to_call"})
        assert response.status_code == 302


def test_the_secret_key_is_made_once_and_private(data_dir):
    create_app({"DATA_DIR": str(data_dir)})
    secret = data_dir / "secret_key"
    first = secret.read_text()
    assert secret.stat().st_mode & 0o077 == 0
    create_app({"DATA_DIR": str(data_dir)})
    assert secret.read_text() == first and len(first) >= 64


@pytest.fixture
def guarded(data_dir):
    data_dir.mkdir(parents=True, exist_ok=True)
    write_password_hash(data_dir, generate_password_hash("correct horse"))
    app = create_app({"DATA_DIR": str(data_dir), "TESTING": True, "WTF_CSRF_ENABLED": False,
                      "PASSWORD_REQUIRED": True})
    return app.test_client()


def test_with_a_password_every_page_asks_to_sign_in_first(guarded):
    for url in ("/", "/providers/new", "/providers/1", "/words"):
        response = guarded.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/sign-in?next=")
    assert guarded.post("/providers/new", data={"name": "x"}).status_code == 302


def test_signing_in_with_the_right_password_goes_where_you_were_going(guarded):
    wrong = guarded.post("/sign-in?next=/words", data={"password": "nope"})
    assert wrong.status_code == 400
    assert "That password is not right" in wrong.get_data(as_text=True)
    right = guarded.post("/sign-in?next=/words", data={"password": "correct horse"})
    assert right.headers["Location"] == "/words"
    assert guarded.get("/").status_code == 200


def test_a_session_cookie_is_only_as_good_as_its_signature_and_age(data_dir):
    data_dir.mkdir(parents=True, exist_ok=True)
    write_password_hash(data_dir, generate_password_hash("correct horse"))
    app = create_app({"DATA_DIR": str(data_dir), "TESTING": True, "WTF_CSRF_ENABLED": False,
                      "PASSWORD_REQUIRED": True, "PERMANENT_SESSION_LIFETIME": 2})
    client = app.test_client()
    client.post("/sign-in", data={"password": "correct horse"})
    cookie = client.get_cookie("session").value
    assert client.get("/").status_code == 200
    assert client.get("/").status_code == 200
    payload, signature = cookie.rsplit(".", 1)
    forged = f"{payload}.{signature[:-2]}{'AA' if not signature.endswith('AA') else 'BB'}"
    client.set_cookie("session", forged)
    assert client.get("/").status_code == 302  # back to sign-in
    client.set_cookie("session", cookie)
    assert client.get("/").status_code == 200
    time.sleep(3.1)
    assert client.get("/").status_code == 302  # expired


def test_what_one_request_adds_to_a_session_stays_out_of_the_next(client):
    provider_id = add_provider(client)  # its cookie holds the message "Added Dr Test."
    cookie = client.get_cookie("session").value
    client.get("/static/finder.css").close()  # the same cookie sent again
    client.post(f"/providers/{provider_id}/delete")  # adds "Moved … to the trash" to it
    client.set_cookie("session", cookie)  # as if that response had been lost
    page = client.get("/").get_data(as_text=True)
    assert "Added Dr Test." in page and "to the trash" not in page


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x",
                                    "/\\evil.example", "javascript:alert(1)", "evil"])
def test_sign_in_never_redirects_off_the_site(guarded, target):
    response = guarded.post("/sign-in", query_string={"next": target},
                            data={"password": "correct horse"})
    assert response.headers["Location"] == "/"


def test_get_requests_never_change_data(client, directory):
    provider_id = add_provider(client)
    call_id = start_call(client, provider_id)
    save_field(client, call_id, "flag-deadline", True, rev=0)
    before = directory.store.tables()
    for url in (f"/providers/{provider_id}/delete", "/providers/trash/empty",
                f"/providers/{provider_id}/calls", f"/calls/{call_id}/end",
                f"/calls/{call_id}/delete", f"/providers/{provider_id}/red-flags/deadline/clear"):
        assert client.get(url).status_code in (200, 405), url
    after = directory.store.tables()
    assert after["providers"] == before["providers"] and after["calls"] == before["calls"]


def test_a_request_body_over_the_limit_gets_a_clear_413(client):
    response = client.post("/providers/new", data={"notes": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert "That file is too large" in response.get_data(as_text=True)


def test_provider_text_is_escaped_everywhere_it_is_shown(client):
    hostile = '<script>alert("x")</script>'
    add_provider(client, name=f"Dr {hostile}", practice=hostile, city=hostile,
                 tags=f"{hostile}, fine")
    for url in ("/", "/providers/1", "/providers/1/summary", "/compare?id=1&id=1"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in page, url
    assert "Dr &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in client.get("/").get_data(
        as_text=True)
