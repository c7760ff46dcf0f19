"""A call's answer about video visits fills in the provider's Video visits while the user
left them "Not known" (finder.domain.video_visits), and the shortlist finds them by it."""

import html

from support import add_provider, save_field, start_call

from finder.domain.video_visits import set_by_hand, video_details_heard

YES = {"telemedicine": {"option": "yes", "call_id": 4},
       "telemedicine_states": {"states": ["WA", "OR"], "call_id": 4}}


def test_an_answer_fills_in_video_visits_left_not_known_with_the_states_named():
    assert video_details_heard({"telemedicine": "unknown"}, YES) == {
        "telemedicine": "yes", "telemedicine_states": ["OR", "WA"], "video_from_call": 4}
    assert video_details_heard({}, {"telemedicine": {"option": "in_person_only",
                                                     "call_id": 2}}) == {
        "telemedicine": "no", "telemedicine_states": [], "video_from_call": 2}


def test_what_the_user_set_is_never_changed_by_a_call():
    assert video_details_heard({"telemedicine": "no"}, YES) == {}
    assert video_details_heard({"telemedicine": "yes", "telemedicine_states": ["CA"]},
                               YES) == {}


def test_details_a_call_filled_in_follow_the_latest_answer_and_its_taking_back():
    filled = {"telemedicine": "yes", "telemedicine_states": ["OR", "WA"],
              "video_from_call": 4}
    assert video_details_heard(filled, YES) == {}
    assert video_details_heard(filled, {"telemedicine": {"option": "in_person_only",
                                                         "call_id": 5}}) == {
        "telemedicine": "no", "telemedicine_states": [], "video_from_call": 5}
    assert video_details_heard(filled, {"telemedicine": {"option": "unsure", "call_id": 5}}) \
        == {"telemedicine": "unknown", "telemedicine_states": [], "video_from_call": None}
    assert video_details_heard(filled, {}) == {
        "telemedicine": "unknown", "telemedicine_states": [], "video_from_call": None}


def test_states_the_user_listed_stay_when_the_call_names_none():
    assert video_details_heard(
        {"telemedicine": "unknown", "telemedicine_states": ["ID"]},
        {"telemedicine": {"option": "yes", "call_id": 1}}) == {"telemedicine": "yes",
                                                               "video_from_call": 1}


def test_an_edit_that_changes_video_visits_makes_them_the_users_own():
    provider = {"telemedicine": "yes", "telemedicine_states": ["OR"], "video_from_call": 3}
    assert not set_by_hand(provider, {"name": "x", "telemedicine": "yes",
                                      "telemedicine_states": ["OR"]})
    assert set_by_hand(provider, {"telemedicine": "yes", "telemedicine_states": ["OR", "WA"]})
    assert set_by_hand(provider, {"telemedicine": "no"})


def test_saying_yes_by_video_on_a_call_puts_the_provider_in_the_video_filter(client,
                                                                           directory):
    provider_id = add_provider(client, name="Dr Screen")
    call_id = start_call(client, provider_id)
    save_field(client, call_id, "practical-telemedicine", "yes", rev=0)
    save_field(client, call_id, "practical-telemedicine_states", ["WA", "OR"], rev=0)
    record = directory.provider(provider_id)
    assert (record["telemedicine"], record["telemedicine_states"]) == ("yes", ["OR", "WA"])
    page = html.unescape(client.get(f"/providers/{provider_id}").get_data(as_text=True))
    assert "Offered — OR, WA <span class=\"small muted\">(as they said on call 1)</span>" in page
    shortlist = client.get("/?telemedicine=yes").get_data(as_text=True)
    assert "Dr Screen" in shortlist and "Video: OR, WA" in shortlist
    save_field(client, call_id, "practical-telemedicine", "unsure", rev=1)
    assert directory.provider(provider_id)["telemedicine"] == "unknown"
    assert "Dr Screen" not in client.get("/?telemedicine=yes").get_data(as_text=True)


def test_video_visits_set_on_the_form_stay_whatever_a_call_says(client, directory):
    provider_id = add_provider(client, name="Dr Own Words", telemedicine="no")
    call_id = start_call(client, provider_id)
    save_field(client, call_id, "practical-telemedicine", "yes", rev=0)
    assert directory.provider(provider_id)["telemedicine"] == "no"
    page = client.get(f"/providers/{provider_id}").get_data(as_text=True)
    assert "as they said on call" not in page
