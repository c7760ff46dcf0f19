"""A property-based state machine drives the app through its pages — add, edit, delete,
restore, call, answer, export, import — and checks the store against a simple model after
every step; export → import → export must give back the same file."""

from __future__ import annotations

import io
import json
import re
import tempfile

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (Bundle, RuleBasedStateMachine, invariant,
                                 precondition, rule)

from finder import create_app

QUESTIONS = {"step_size": ["percent_of_current", "fixed_mg", "unclear"],
             "liquid_formulation": ["yes_with_pharmacy", "refuses"],
             "bad_reaction": ["hold_or_updose", "keep_reducing"]}
names = st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1,
                max_size=30).map(str.strip).filter(bool)


def new_app():
    folder = tempfile.mkdtemp(prefix="finder-machine-")
    return create_app({"DATA_DIR": folder, "TESTING": True, "WTF_CSRF_ENABLED": False,
                       "SECRET_KEY": "test"})


class FinderMachine(RuleBasedStateMachine):
    providers = Bundle("providers")
    calls = Bundle("calls")

    def __init__(self):
        super().__init__()
        self.app = new_app()
        self.client = self.app.test_client()
        self.model_providers: dict[int, dict] = {}   # id -> {"name", "trashed"}
        self.model_calls: dict[int, dict] = {}       # id -> {"provider", "answers"}

    # -- actions, each through the pages a user would use ---------------------------------

    @rule(target=providers, name=names)
    def add_provider(self, name):
        response = self.client.post("/providers/new", data={
            "name": name, "status": "to_call", "telemedicine": "unknown", "payment": "unknown"})
        assert response.status_code == 302, response.status_code
        provider_id = int(response.headers["Location"].rsplit("/", 1)[1])
        self.model_providers[provider_id] = {"name": name, "trashed": False}
        return provider_id

    @rule(provider_id=providers, name=names)
    def edit_provider(self, provider_id, name):
        response = self.client.post(f"/providers/{provider_id}/edit", data={
            "name": name, "status": "called", "telemedicine": "unknown", "payment": "unknown"})
        if self.model_providers[provider_id]["trashed"]:
            assert response.status_code == 404
        else:
            assert response.status_code == 302
            self.model_providers[provider_id]["name"] = name

    @rule(provider_id=providers)
    def move_to_trash(self, provider_id):
        response = self.client.post(f"/providers/{provider_id}/delete")
        expected = 404 if self.model_providers[provider_id]["trashed"] else 302
        assert response.status_code == expected
        self.model_providers[provider_id]["trashed"] = True

    @rule(provider_id=providers)
    def bring_back(self, provider_id):
        response = self.client.post(f"/providers/{provider_id}/restore")
        assert response.status_code == 302
        self.model_providers[provider_id]["trashed"] = False

    @rule(target=calls, provider_id=providers)
    def start_call(self, provider_id):
        response = self.client.post(f"/providers/{provider_id}/calls")
        if self.model_providers[provider_id]["trashed"]:
            assert response.status_code == 404
            return None
        call_id = int(response.headers["Location"].rsplit("/", 1)[1])
        self.model_calls[call_id] = {"provider": provider_id, "answers": {}}
        return call_id

    @rule(call_id=calls, data=st.data())
    def answer(self, call_id, data):
        if call_id is None:
            return
        question = data.draw(st.sampled_from(sorted(QUESTIONS)))
        option = data.draw(st.sampled_from(QUESTIONS[question]))
        response = self.client.post(f"/calls/{call_id}/fields", json={
            "name": f"answer-{question}", "value": option, "rev": None})
        if self.model_providers[self.model_calls[call_id]["provider"]]["trashed"]:
            assert response.status_code == 404
        else:
            assert response.status_code == 200, response.get_json()
            self.model_calls[call_id]["answers"][question] = option

    @precondition(lambda self: self.model_providers)
    @rule()
    def export_then_import_into_a_new_folder(self):
        exported = self.client.get("/import-export/finder-data.json").data
        other_app = new_app()
        other = other_app.test_client()
        upload = other.post("/import-export/restore",
                            data={"data_file": (io.BytesIO(exported), "data.json")},
                            content_type="multipart/form-data")
        assert upload.status_code == 302
        assert other.post(upload.headers["Location"]).status_code == 302
        again = other.get("/import-export/finder-data.json").data
        assert _tables(again) == _tables(exported)
        # From now on, carry on in the imported copy: it must behave the same.
        self.app, self.client = other_app, other

    # -- what must always hold --------------------------------------------------------------

    @invariant()
    def store_matches_the_model(self):
        store = self.app.extensions["finder"].store
        stored = {p["id"]: p for p in store.all("providers")}
        assert set(stored) == set(self.model_providers)
        for provider_id, expected in self.model_providers.items():
            assert stored[provider_id]["name"] == expected["name"]
            assert bool(stored[provider_id].get("deleted_at")) == expected["trashed"]
        for call_id, expected in self.model_calls.items():
            answers = store.get("calls", call_id)["answers"]
            assert {q: a["option"] for q, a in answers.items()} == expected["answers"]

    @invariant()
    def the_shortlist_counts_everyone_not_in_the_trash(self):
        page = self.client.get("/").get_data(as_text=True)
        shown = sum(1 for p in self.model_providers.values() if not p["trashed"])
        total = re.search(r"(\d+) of (\d+) provider", page)
        if shown:
            assert total and int(total.group(2)) == shown, total
        else:
            assert "No providers yet" in page


def _tables(exported: bytes) -> dict:
    return json.loads(exported)["tables"]


FinderMachine.TestCase.settings = settings(
    max_examples=25, stateful_step_count=15, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
test_the_app_keeps_to_the_model = FinderMachine.TestCase
