"""Provider pages: add, edit, show, trash and back, and every bad input answered calmly."""

import html

import pytest

from support import add_provider, save_field, start_call


def test_add_form_shows_every_field_and_the_choices_from_data(client):
    page = client.get("/providers/new").get_data(as_text=True)
    for label in ("Name", "Practice or clinic", "Phone", "Website", "Specialty", "State",
                  "Video visits", "States covered by video", "Insurance or self-pay",
                  "How you heard of them", "Status", "Notes", "Your tags"):
        assert f">{label}<" in page or f">{label} <" in page, label
    assert "BenzoBuddies" in page and "Addiction medicine" in page and "Wyoming" in page


def test_added_provider_is_stored_cleanly(client, directory):
    provider_id = add_provider(client, name="  Dr Ann Lee ", website="annlee.com",
                               telemedicine="yes", telemedicine_states=["OR", "CA"],
                               tags="near, ask sister, near", follow_up_on="2026-12-01")
    record = directory.provider(provider_id)
    assert record["name"] == "Dr Ann Lee"
    assert record["website"] == "https://annlee.com"
    assert record["telemedicine_states"] == ["CA", "OR"]
    assert record["tags"] == ["near", "ask sister"]
    assert record["follow_up_on"] == "2026-12-01"
    assert record["status_history"][0]["status"] == "to_call"


def test_provider_page_links_the_phone_and_shows_the_details(client):
    provider_id = add_provider(client, name="Dr Ann Lee", phone="555 123 4567",
                               referral_source="bic")
    page = client.get(f"/providers/{provider_id}").get_data(as_text=True)
    assert 'href="tel:5551234567"' in page
    assert "Benzodiazepine Information Coalition (BIC)" in page


@pytest.mark.parametrize("field, value, message", [
    ("name", "   ", "Enter the clinician&#39;s name."),
    ("phone", "call me maybe", "Enter a phone number with its digits"),
    ("phone", "12", "Enter a phone number with its digits"),
    ("website", "not a website", "Enter a web address"),
    ("website", "javascript:alert(1)", "Enter a web address"),
    ("website", "[", "Enter a web address"),  # found by the fuzzer: urlsplit raised
    ("state", "Narnia", "Not a valid choice"),
    ("status", "bribed", "Not a valid choice"),
    ("follow_up_on", "next tuesday", "Not a valid date value"),
    ("follow_up_on", "0001-01-01", "Enter a date between 2000 and 2100, like 2026-12-24."),
    ("follow_up_on", "2101-01-01", "Enter a date between 2000 and 2100"),
])
def test_bad_input_gets_a_clear_message_and_keeps_everything_typed(client, field, value,
                                                                    message):
    data = {"name": "Dr Kept Name", "practice": "Kept Practice", "notes": "Kept notes",
            "phone": "555-123-4567", "telemedicine": "unknown", "payment": "unknown",
            "status": "to_call", field: value}
    response = client.post("/providers/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page
    assert 'role="alert"' in page
    for kept in ("Kept Practice", "Kept notes"):
        assert kept in page
    assert client.get("/").get_data(as_text=True).count("Dr Kept Name") == 0


def test_a_long_name_is_refused_not_truncated(client):
    response = client.post("/providers/new", data={"name": "x" * 201, "status": "to_call"})
    assert response.status_code == 400
    assert "This can hold at most 200 characters; it has 201." in response.get_data(as_text=True)


def test_edit_changes_details_and_records_a_status_change(client, directory):
    provider_id = add_provider(client, name="Dr Ann Lee")
    form = client.get(f"/providers/{provider_id}/edit").get_data(as_text=True)
    assert 'value="Dr Ann Lee"' in form
    response = client.post(f"/providers/{provider_id}/edit", data={
        "name": "Dr Ann Lee", "status": "waiting", "telemedicine": "no", "payment": "both"})
    assert response.status_code == 302
    record = directory.provider(provider_id)
    assert record["status"] == "waiting"
    assert [c["status"] for c in record["status_history"]] == ["to_call", "waiting"]


def test_edit_with_bad_input_keeps_the_stored_record(client, directory):
    provider_id = add_provider(client, name="Dr Ann Lee", phone="555-123-4567")
    response = client.post(f"/providers/{provider_id}/edit",
                           data={"name": "Dr Ann Lee", "phone": "??", "status": "to_call"})
    assert response.status_code == 400
    assert 'value="??"' in response.get_data(as_text=True)
    assert directory.provider(provider_id)["phone"] == "555-123-4567"


@pytest.mark.parametrize("url", ["/providers/999", "/providers/999/edit",
                                 "/providers/999/summary", "/providers/999/delete",
                                 "/calls/999", "/providers/abc"])
def test_missing_ids_get_a_calm_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "That page is not here" in response.get_data(as_text=True)


def test_delete_asks_first_then_moves_to_trash_with_undo(client, directory):
    provider_id = add_provider(client, name="Dr Gone Soon")
    call_id = start_call(client, provider_id)
    confirm = client.get(f"/providers/{provider_id}/delete").get_data(as_text=True)
    assert "Move Dr Gone Soon to the trash?" in confirm and "1 call" in confirm
    assert directory.provider(provider_id) is not None  # a GET changes nothing

    response = client.post(f"/providers/{provider_id}/delete", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Moved Dr Gone Soon and their calls to the trash." in page
    assert f'action="/providers/{provider_id}/restore"' in page  # the undo button
    assert client.get(f"/providers/{provider_id}").status_code == 404
    assert client.get(f"/calls/{call_id}").status_code == 404
    assert "Dr Gone Soon" in client.get("/providers/trash").get_data(as_text=True)

    client.post(f"/providers/{provider_id}/restore")
    assert directory.provider(provider_id)["name"] == "Dr Gone Soon"
    assert client.get(f"/calls/{call_id}").status_code == 200


def test_a_provider_not_yet_called_lists_what_to_ask_without_speaking_of_a_callback(client):
    provider_id = add_provider(client, name="Dr Not Yet Rung")
    page = client.get(f"/providers/{provider_id}").get_data(as_text=True)
    assert "<h3>Still to ask</h3>" in page
    assert "Ask on the callback" not in page and "on the callback" not in page
    assert "on the next call, ask about" in page


def test_the_trash_question_does_not_count_calls_a_provider_never_had(client):
    provider_id = add_provider(client, name="Dr Never Rang")
    confirm = client.get(f"/providers/{provider_id}/delete").get_data(as_text=True)
    assert "Dr Never Rang will go to the trash." in confirm
    assert "0 calls" not in confirm


def test_emptying_the_trash_asks_first_and_deletes_calls_too(client, directory):
    provider_id = add_provider(client, name="Dr Gone")
    call_id = start_call(client, provider_id)
    client.post(f"/providers/{provider_id}/delete")
    confirm = client.get("/providers/trash/empty").get_data(as_text=True)
    assert "deletes 1 provider and their calls for good: Dr Gone" in confirm
    assert directory.provider(provider_id, include_deleted=True) is not None
    client.post("/providers/trash/empty")
    assert directory.provider(provider_id, include_deleted=True) is None
    assert directory.store.get("calls", call_id) is None


def test_clearing_a_red_flag_can_be_undone(client, directory):
    provider_id = add_provider(client)
    call_id = start_call(client, provider_id)
    save_field(client, call_id, "flag-deadline", True, rev=0)
    assert directory.provider(provider_id)["standing"]["red_flags"] == ["deadline"]
    page = client.post(f"/providers/{provider_id}/red-flags/deadline/clear",
                       follow_redirects=True).get_data(as_text=True)
    assert "Cleared the red flag" in page
    assert directory.provider(provider_id)["standing"]["red_flags"] == []
    client.post(f"/providers/{provider_id}/red-flags/deadline/unclear")
    assert directory.provider(provider_id)["standing"]["red_flags"] == ["deadline"]
    assert client.post(f"/providers/{provider_id}/red-flags/nope/clear").status_code == 404


def test_referral_source_is_prefilled_from_where_to_look(client):
    page = client.get("/providers/new?referral_source=abbp").get_data(as_text=True)
    assert '<option selected value="abbp">' in page


def test_adding_a_provider_already_listed_says_so_and_offers_to_undo_the_new_one(client,
                                                                                 directory):
    first = add_provider(client, name="Dr Absurd Date", phone="503-555-0101")
    page = client.post("/providers/new", data={
        "name": "dr absurd  DATE", "phone": "(503) 555-0101", "telemedicine": "unknown",
        "payment": "unknown", "status": "to_call"}, follow_redirects=True)
    text = html.unescape(page.get_data(as_text=True))
    second = max(provider["id"] for provider in directory.providers())
    assert ("Added dr absurd  DATE, who looks like Dr Absurd Date (already on your "
            "shortlist). If they are the same clinician, Undo moves the one just added to "
            "the trash.") in text
    assert f'action="/providers/{second}/delete"' in text
    client.post(f"/providers/{second}/delete")
    assert [p["id"] for p in directory.providers()] == [first]
    # Another clinician of the same name, at another number, is added without a question.
    page = client.post("/providers/new", data={
        "name": "Dr Absurd Date", "phone": "212-555-0199", "telemedicine": "unknown",
        "payment": "unknown", "status": "to_call"}, follow_redirects=True)
    assert "who looks like" not in page.get_data(as_text=True)


def test_adding_a_provider_that_repeats_one_in_the_trash_says_so(client):
    trashed = add_provider(client, name="Dr Set Aside")
    client.post(f"/providers/{trashed}/delete")
    page = client.post("/providers/new", data={
        "name": "Dr Set Aside", "telemedicine": "unknown", "payment": "unknown",
        "status": "to_call"}, follow_redirects=True)
    assert "who looks like Dr Set Aside (in the trash)" in page.get_data(as_text=True)
