"""Bad input gets a clear answer: every form and JSON endpoint, fed random and hostile input
by hypothesis (control characters, NULs, half characters, markup, very long and very deeply
nested values), answers with a page or a 4xx, never a 500, and the data stay valid.

Every address is read from app.url_map and is a test of its own: each that takes a POST gets
forms (with the names its forms on the pages use) and JSON bodies, each page a hostile query
string; with a password set, the sign-in form and every address signed out. Examples are few
per address and derandomized (the same each run), to keep the suite quick and CI steady."""

from __future__ import annotations

import html
import json
import re
import shutil
import tempfile
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from finder import create_app
from finder.directory import STORE_INDEXES
from finder.domain.interview_fields import field_names
from finder.store import Store
from support import seed_every_kind

FUZZ = settings(max_examples=120, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

# Text as people and programs might send it: control characters and NULs, right-to-left
# marks, emoji, half of an emoji (a lone UTF-16 surrogate), markup, very long runs.
LONE_SURROGATES = ["\ud800", "\udfff", "\ud83d", "\ude00"]
hostile_text = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F), max_size=20),
    st.sampled_from(["", " ", "<script>alert(1)</script>", "=cmd|' /C calc'!A0", "\u202e\u0000",
                     "../../etc/passwd", "{{ 7*7 }}", "' OR 1=1 --", "💊" * 50, "\r\n",
                     "javascript:alert(1)", "/\r\nSet-Cookie: x=1", "\x00" * 10]),
    st.builds(lambda before, half, after: before + half + after, st.text(max_size=10),
              st.sampled_from(LONE_SURROGATES), st.text(max_size=10)),
    st.builds(lambda n: "x" * n, st.integers(0, 30_000)),
)
deeply_nested = st.builds(lambda depth, bracket: bracket[0] * depth + bracket[1] * depth,
                          st.integers(30, 100_000), st.sampled_from(["[]", "{}"]))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | hostile_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(hostile_text, inner, max_size=3),
    max_leaves=8)


def form_body(pairs) -> bytes:
    """A form as a browser encodes it; half characters as the bytes a browser would send."""
    return "&".join(f"{quote(str(name).encode('utf-8', 'surrogatepass'))}="
                    f"{quote(str(value).encode('utf-8', 'surrogatepass'))}"
                    for name, value in pairs).encode("ascii")


def post_form(client, url, pairs):
    return client.post(url, data=form_body(pairs),
                       content_type="application/x-www-form-urlencoded")


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz-data")
    app = create_app({"DATA_DIR": str(folder), "TESTING": True, "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    client.post("/providers/new", data={"name": "Dr Seed", "status": "to_call",
                                        "telemedicine": "unknown", "payment": "unknown"})
    client.post("/providers/1/calls")
    app.seeded = seed_every_kind(client, name="Dr Seeded")
    yield app
    data_stay_valid(folder)


def data_stay_valid(folder) -> None:
    store = Store(folder, indexes=STORE_INDEXES)  # raises if anything on disk is damaged
    for provider in store.all("providers"):
        assert isinstance(provider["name"], str) and provider["name"].strip()
        assert len(provider["name"]) <= 200
    json.dumps(store.tables())


PROVIDER_FIELDS = ["name", "practice", "specialty", "phone", "website", "city", "state",
                   "telemedicine", "telemedicine_states", "payment", "insurance_plans",
                   "referral_source", "referral_detail", "status", "follow_up_on", "tags",
                   "notes", "unknown_field"]


@FUZZ
@given(st.dictionaries(st.sampled_from(PROVIDER_FIELDS), hostile_text, max_size=10))
def test_the_provider_form_never_fails_with_a_500(fuzz_app, form):
    client = fuzz_app.test_client()
    for url in ("/providers/new", "/providers/1/edit"):
        response = post_form(client, url, form.items())
        assert response.status_code in (302, 400, 413), (url, response.status_code)


@FUZZ
@given(st.one_of(
    st.fixed_dictionaries({"name": hostile_text, "value": json_values, "rev": json_values}),
    json_values).map(json.dumps) | deeply_nested
    | deeply_nested.map(lambda nested: f'{{"name": "notes", "value": {nested}}}'))
def test_the_autosave_endpoint_answers_any_json_with_a_4xx_or_a_save(fuzz_app, body):
    client = fuzz_app.test_client()
    response = client.post("/calls/1/fields", data=body, content_type="application/json")
    assert response.status_code in (200, 400, 409, 413), response.get_data(as_text=True)[:300]
    assert response.is_json


@pytest.fixture(scope="module")
def call_fields(fuzz_app):
    return field_names(fuzz_app.extensions["finder"].content.checklist)


@FUZZ
@given(data=st.data())
def test_real_field_names_with_random_values_never_fail(fuzz_app, call_fields, data):
    name = data.draw(st.sampled_from(call_fields))
    value = data.draw(json_values)
    rev = data.draw(st.one_of(st.none(), st.integers(-3, 5), hostile_text))
    response = fuzz_app.test_client().post("/calls/1/fields",
                                           json={"name": name, "value": value, "rev": rev})
    assert response.status_code in (200, 400, 409), response.get_json()


@FUZZ
@given(data=st.data())
def test_the_whole_interview_form_never_fails(fuzz_app, call_fields, data):
    chosen = data.draw(st.lists(st.sampled_from(call_fields + ["form_state", "end_status"]),
                                max_size=8, unique=True))
    form = {name: data.draw(hostile_text) for name in chosen}
    client = fuzz_app.test_client()
    for url in ("/calls/1", "/calls/1/end"):
        response = post_form(client, url, form.items())
        assert response.status_code in (302, 400, 409), (url, response.status_code)


QUERY_KEYS = ["status", "verdict", "red_flags", "score", "state", "telemedicine", "specialty",
              "payment", "referral", "follow_up", "tag", "q", "sort", "id"]


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(QUERY_KEYS), hostile_text.filter(lambda t: len(t) < 500)),
                max_size=8))
def test_any_shortlist_query_string_shows_a_page(fuzz_app, pairs):
    client = fuzz_app.test_client()
    response = client.get("/?" + form_body(pairs).decode("ascii"))
    assert response.status_code == 200


@FUZZ
@given(st.sampled_from(["/providers/{}", "/providers/{}/summary", "/calls/{}",
                        "/providers/{}/edit"]),
       st.one_of(st.integers(-5, 10**20), hostile_text.filter(lambda t: "/" not in t)))
def test_any_id_in_a_url_is_found_or_a_calm_404(fuzz_app, pattern, identifier):
    segment = quote(str(identifier).encode("utf-8", "surrogatepass"), safe="")
    response = fuzz_app.test_client().get(pattern.format(segment))
    assert response.status_code in (200, 404, 308), response.status_code


# -- every form and every address in the app ------------------------------------------------


def _routes(app, methods):
    """(path, endpoint) for every route allowing one of `methods`, with the seeded ids."""
    values = app.seeded
    adapter = app.url_map.bind("localhost")
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or not set(methods) & set(rule.methods) \
                or rule.rule.endswith(".pdf"):  # a browser prints those: seconds each
            continue
        arguments = {}
        for name in rule.arguments:
            if name == "token":
                arguments[name] = values["json_token" if "restore" in rule.endpoint
                                         else "csv_token"]
            else:
                arguments[name] = values[name]
        found.append((adapter.build(rule.endpoint, arguments), rule.endpoint))
    return sorted(found)


@pytest.fixture(scope="module")
def forms(fuzz_app):
    """Every form on every page of the app, read from the pages themselves: (method, where
    it is sent, the names of its fields)."""
    client = fuzz_app.test_client()
    found = {}
    for path, _ in _routes(fuzz_app, {"GET"}):
        with client.get(path) as response:
            page = response.get_data().decode("utf-8", "replace")
        for attributes, body in re.findall(r"<form([^>]*)>(.*?)</form>", page, re.S):
            action = re.search(r'action="([^"]*)"', attributes)
            method = re.search(r'method="([^"]*)"', attributes)
            key = ((method.group(1) if method else "get").upper(),
                   html.unescape(action.group(1)).partition("#")[0] if action and
                   action.group(1) else path)
            found.setdefault(key, set()).update(re.findall(r'name="([^"]+)"', body))
    assert len(found) >= 20, sorted(found)
    return sorted((method, action, sorted(names)) for (method, action), names in found.items())


def _send(client, method, path, pairs):
    if method == "GET":
        separator = "&" if "?" in path else "?"
        return client.get(path + separator + form_body(pairs).decode("ascii"))
    return post_form(client, path, pairs)


# Each address gets examples of its own (so none is left out by chance), on a copy of the
# seeded data made for it (so that a trash emptied or a restore done by one address's
# examples takes nothing from another's).
PER_ADDRESS = settings(FUZZ, max_examples=10)


def _addresses(method: str) -> list[str]:
    """Every endpoint in the app's url_map that allows `method`, read at collection from an
    app on a throwaway folder, so that each is a test of its own."""
    folder = tempfile.mkdtemp(prefix="finder-fuzz-routes-")
    try:
        app = create_app({"DATA_DIR": folder, "TESTING": True})
        app.extensions["finder"].store.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return sorted({rule.endpoint for rule in app.url_map.iter_rules()
                   if method in rule.methods and rule.endpoint != "static"
                   and not rule.rule.endswith(".pdf")})  # a browser prints those: seconds each


POST_ADDRESSES, GET_ADDRESSES = _addresses("POST"), _addresses("GET")


@pytest.fixture(scope="module")
def seeded_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz-seeded")
    app = create_app({"DATA_DIR": str(folder), "TESTING": True, "WTF_CSRF_ENABLED": False})
    values = seed_every_kind(app.test_client(), name="Dr Seeded")
    app.extensions["finder"].store.close()
    return folder, values


@pytest.fixture
def fresh_app(seeded_folder, tmp_path):
    """The app on a copy of the seeded data, for one address's examples."""
    template, values = seeded_folder
    folder = tmp_path / "data"
    shutil.copytree(template, folder)
    app = create_app({"DATA_DIR": str(folder), "TESTING": True, "WTF_CSRF_ENABLED": False})
    app.seeded = values
    yield app
    app.extensions["finder"].store.close()
    data_stay_valid(folder)


@pytest.fixture(scope="module")
def fields_by_address(fuzz_app, forms):
    """The names of the fields each endpoint's forms send, and under None every name."""
    adapter = fuzz_app.url_map.bind("localhost")
    found = {None: sorted({name for _, _, names in forms for name in names})}
    for method, action, names in forms:
        endpoint, _ = adapter.match(action.partition("?")[0], method=method)
        found[endpoint] = sorted(set(found.get(endpoint, [])) | set(names))
    return found


def _path(app, endpoint: str) -> str:
    return dict((found, path) for path, found in _routes(app, {"GET", "POST"}))[endpoint]


def _pairs(names: list[str], max_size: int):
    return st.lists(st.tuples(st.sampled_from(names + ["unknown_field"]), hostile_text),
                    max_size=max_size)


def json_bodies(names: list[str]):
    """JSON as text: any value, the address's own field names with any values, nesting far
    deeper than Python's recursion limit, and half characters as raw bytes (not escaped)."""
    return st.one_of(
        json_values.map(json.dumps),
        st.dictionaries(st.sampled_from(names), json_values, max_size=4).map(json.dumps),
        deeply_nested,
        hostile_text.map(lambda text: json.dumps({"name": "notes", "value": text},
                                                 ensure_ascii=False)),
    ).map(lambda text: text.encode("utf-8", "surrogatepass"))


@pytest.mark.parametrize("endpoint", POST_ADDRESSES)
@PER_ADDRESS
@given(data=st.data())
def test_every_address_that_takes_a_post_answers_hostile_forms_and_json_without_a_500(
        fresh_app, fields_by_address, endpoint, data):
    path = _path(fresh_app, endpoint)
    names = fields_by_address.get(endpoint) or fields_by_address[None]
    client = fresh_app.test_client()
    if data.draw(st.booleans(), label="as JSON"):
        body = data.draw(json_bodies(names))
        response = client.post(path, data=body, content_type="application/json")
        shown = body[:200]
    else:
        shown = data.draw(_pairs(names, 8))
        response = post_form(client, path, shown)
    assert response.status_code < 500, (endpoint, shown, response.status_code)


@pytest.mark.parametrize("endpoint", GET_ADDRESSES)
@settings(PER_ADDRESS, max_examples=5)
@given(data=st.data())
def test_every_page_answers_a_hostile_query_string_without_a_500(
        fresh_app, fields_by_address, endpoint, data):
    names = fields_by_address.get(endpoint) or fields_by_address[None]
    pairs = data.draw(_pairs(names, 6))
    with _send(fresh_app.test_client(), "GET", _path(fresh_app, endpoint), pairs) as response:
        assert response.status_code < 500, (endpoint, pairs, response.status_code)


def test_the_fuzzed_addresses_are_every_address_in_the_app(fuzz_app):
    rules = [rule for rule in fuzz_app.url_map.iter_rules() if rule.endpoint != "static"]
    assert len(POST_ADDRESSES) >= 25 and len(GET_ADDRESSES) >= 30
    for rule in rules:
        if not rule.rule.endswith(".pdf"):
            assert rule.endpoint in POST_ADDRESSES + GET_ADDRESSES, rule.rule
    assert "calls.save_field" in POST_ADDRESSES and "providers.follow_up_ics" in GET_ADDRESSES


uploads = st.one_of(
    st.binary(max_size=2000),
    hostile_text.map(lambda text: text.encode("utf-8", "surrogatepass")),
    deeply_nested.map(str.encode),
    st.lists(st.lists(hostile_text, min_size=1, max_size=5), min_size=1, max_size=6).map(
        lambda rows: "\n".join(",".join(row) for row in rows).encode("utf-8", "surrogatepass")),
    json_values.map(lambda value: json.dumps({"format": "finder-export", "version": 1,
                                              "tables": value}).encode()),
)


@FUZZ
@given(st.sampled_from([("/import-export/list", "list_file"),
                        ("/import-export/restore", "data_file")]), uploads, hostile_text)
def test_every_upload_answers_hostile_bytes_without_a_500(fuzz_app, target, content, name):
    import io

    url, field = target
    response = fuzz_app.test_client().post(
        url, content_type="multipart/form-data",
        data={field: (io.BytesIO(content), name.encode("utf-8", "replace").decode() or "f")})
    assert response.status_code in (302, 400, 413), response.status_code


# Beside the random search, a sweep: every field of every form, and every field of the
# autosave, gets each of these.
NASTY = ["half \ud83d a character", "\x00", "nul\x00in the middle", "/\r\nSet-Cookie: x=1",
         "\x1b[31m\x07\x7f", "x" * 5000]


def test_every_field_of_every_form_takes_each_nasty_value_without_a_500(fuzz_app, forms):
    client = fuzz_app.test_client()
    failures = []
    for method, action, names in forms:
        for name in names:
            for value in NASTY:
                with _send(client, method, action, [(name, value)]) as response:
                    if response.status_code >= 500:
                        failures.append((method, action, name, value))
    assert failures == []


def test_every_autosaved_field_takes_each_nasty_value_without_a_500(fuzz_app, call_fields):
    client = fuzz_app.test_client()
    nested = "[" * 50_000 + "]" * 50_000
    failures = []
    for name in call_fields:
        bodies = [json.dumps({"name": name, "value": value}) for value in NASTY]
        bodies.append(f'{{"name": {json.dumps(name)}, "value": {nested}}}')
        for body in bodies:
            response = client.post("/calls/1/fields", data=body,
                                   content_type="application/json")
            if response.status_code >= 500 or not response.is_json:
                failures.append((name, body[:40], response.status_code))
    assert failures == []


# -- with a password: the sign-in form, and every address signed out ------------------------


@pytest.fixture(scope="module")
def guarded_app(tmp_path_factory):
    from werkzeug.security import generate_password_hash

    from finder.data_folder import write_password_hash

    folder = tmp_path_factory.mktemp("fuzz-guarded")
    app = create_app({"DATA_DIR": str(folder), "TESTING": True, "WTF_CSRF_ENABLED": False})
    app.seeded = seed_every_kind(app.test_client(), name="Dr Guarded Secret")
    app.extensions["finder"].store.close()
    write_password_hash(folder, generate_password_hash("the right one"))
    guarded = create_app({"DATA_DIR": str(folder), "TESTING": True, "PASSWORD_REQUIRED": True,
                          "WTF_CSRF_ENABLED": False})
    guarded.seeded = app.seeded
    return guarded


@settings(FUZZ, max_examples=20)
@given(password=hostile_text, target=hostile_text, as_json=st.booleans())
def test_the_sign_in_form_answers_any_password_and_next_without_a_500(guarded_app, password,
                                                                      target, as_json):
    from finder.sign_in import GuessingBrake

    guarded_app.extensions["sign_in"].brake = GuessingBrake()  # each try is checked
    client = guarded_app.test_client()
    url = "/sign-in?" + form_body([("next", target)]).decode("ascii")
    if as_json:
        response = client.post(url, data=json.dumps({"password": password}),
                               content_type="application/json")
    else:
        response = post_form(client, url, [("password", password)])
    assert response.status_code in (400, 415, 429), response.status_code
    assert client.get("/").status_code == 302  # still signed out


@settings(FUZZ, max_examples=10)
@given(data=st.data())
def test_every_address_answers_a_signed_out_client_with_hostile_input_without_a_500(
        guarded_app, data):
    pairs = data.draw(_pairs(["name", "notes", "next", "password", "value"], 6))
    body = data.draw(json_bodies(["name", "value", "rev"]))
    for path, endpoint in _routes(guarded_app, {"POST"}):
        client = guarded_app.test_client()
        if endpoint == "sign_in.sign_in":
            continue  # the one address open to all: the test above
        for response in (post_form(client, path, pairs),
                         client.post(path, data=body, content_type="application/json")):
            assert response.status_code == 401, (endpoint, response.status_code)
            assert "Dr Guarded Secret" not in response.get_data(as_text=True)
