"""The lists the forms offer (data/vocabulary.toml): they load and their rules hold."""

import shutil

import pytest

from finder.content import ContentError, load_content
from support import REPO

DATA = REPO / "data"


def test_the_real_lists_load_with_what_the_app_relies_on():
    vocabulary = load_content(DATA).vocabulary
    assert vocabulary.ids("statuses") == ["to_call", "called", "waiting", "booked", "ruled_out"]
    assert set(vocabulary.ids("referral_sources")) >= {"bic", "abbp", "benzobuddies",
                                                       "regional_network", "telemedicine"}
    assert vocabulary.status_for_outcome("left_message") == "waiting"
    assert vocabulary.status_for_outcome("made_up") is None
    assert len(vocabulary.state_choices()) == 52  # 50 states, DC and Puerto Rico
    assert vocabulary.label("statuses", "gone_from_the_list") == "gone_from_the_list"
    assert vocabulary.choices("telemedicine") == [
        ("yes", "Offered"), ("no", "In person only"), ("unknown", "Not known")]
    assert vocabulary.choices("payment") == [
        ("insurance", "Takes insurance"), ("self_pay", "Self-pay only"),
        ("both", "Insurance or self-pay"), ("unknown", "Not known")]


@pytest.mark.parametrize("old, new, message", [
    ('id = "called"', 'id = "to_call"', "has an id twice"),
    ('status = "waiting"', 'status = "vanished"', "moves to an unknown status"),
    ('label = "Psychiatry"', 'label = ""', "without a label"),
    ('booked."\nends_follow_ups = true', 'booked."\nends_follow_ups = "yes"',
     "status 'booked': ends_follow_ups must be true or false"),
    ('id = "unknown"\nlabel = "Not known"\n\n# How a provider is paid',
     'id = "not_known"\nlabel = "Not known"\n\n# How a provider is paid',
     r"\[telemedicine\] needs the id 'unknown'"),
])
def test_each_rule_catches_a_broken_file(tmp_path, old, new, message):
    folder = shutil.copytree(DATA, tmp_path / "data")
    text = (folder / "vocabulary.toml").read_text()
    assert old in text
    (folder / "vocabulary.toml").write_text(text.replace(old, new, 1))
    with pytest.raises(ContentError, match=r"^vocabulary\.toml: .*" + message):
        load_content(folder)


def test_the_status_after_a_call_never_reopens_a_booked_or_ruled_out_provider():
    vocabulary = load_content(REPO / "data").vocabulary
    after = vocabulary.status_after_call
    assert after("to_call", "left_message") == "waiting"
    assert after("called", "call_back") == "to_call"
    assert after("booked", "answered") == "booked"
    assert after("ruled_out", "call_back") == "ruled_out"
    assert after("booked", "not_taking_patients") == "ruled_out"
    assert after("waiting", None) == "waiting"
    assert after("waiting", "made_up") == "waiting"
