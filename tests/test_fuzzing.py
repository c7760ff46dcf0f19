"""Bad input gets a clear answer: every form and JSON endpoint, fed random and hostile input
by hypothesis, answers with a page or a 4xx, never a 500, and the data stay valid."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from finder import create_app
from finder.directory import STORE_INDEXES
from finder.domain.interview_fields import field_names
from finder.store import Store

FUZZ = settings(max_examples=120, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

# Text as people and programs might send it: control characters, right-to-left marks,
# emoji, markup, very long runs.
hostile_text = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F), max_size=20),
    st.sampled_from(["", " ", "<script>alert(1)</script>", "=cmd|' /C calc'!A0", "\u202e\u0000",
                     "../../etc/passwd", "{{ 7*7 }}", "' OR 1=1 --", "💊" * 50]),
    st.builds(lambda n: "x" * n, st.integers(0, 30_000)),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | hostile_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(hostile_text, inner, max_size=3),
    max_leaves=8)


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz-data")
    app = create_app({"DATA_DIR": str(folder), "TESTING": True, "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    client.post("/providers/new", data={"name": "Dr Seed", "status": "to_call",
                                        "telemedicine": "unknown", "payment": "unknown"})
    client.post("/providers/1/calls")
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
        response = client.post(url, data=form)
        assert response.status_code in (302, 400, 413), (url, response.status_code)


@FUZZ
@given(st.one_of(
    st.fixed_dictionaries({"name": hostile_text, "value": json_values, "rev": json_values}),
    json_values))
def test_the_autosave_endpoint_answers_any_json_with_a_4xx_or_a_save(fuzz_app, payload):
    client = fuzz_app.test_client()
    response = client.post("/calls/1/fields", data=json.dumps(payload),
                           content_type="application/json")
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
        response = client.post(url, data=form)
        assert response.status_code in (302, 400, 409), (url, response.status_code)


QUERY_KEYS = ["status", "verdict", "red_flags", "score", "state", "telemedicine", "specialty",
              "payment", "referral", "follow_up", "tag", "q", "sort", "id"]


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(QUERY_KEYS), hostile_text.filter(lambda t: len(t) < 500)),
                max_size=8))
def test_any_shortlist_query_string_shows_a_page(fuzz_app, pairs):
    client = fuzz_app.test_client()
    response = client.get("/", query_string=pairs)
    assert response.status_code == 200


@FUZZ
@given(st.sampled_from(["/providers/{}", "/providers/{}/summary", "/calls/{}",
                        "/providers/{}/edit"]),
       st.one_of(st.integers(-5, 10**20), hostile_text.filter(lambda t: "/" not in t)))
def test_any_id_in_a_url_is_found_or_a_calm_404(fuzz_app, pattern, identifier):
    response = fuzz_app.test_client().get(pattern.format(identifier))
    assert response.status_code in (200, 404, 308), response.status_code
