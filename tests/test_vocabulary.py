"""The lists the forms offer (data/vocabulary.toml): they load and their rules hold."""

import pytest

from finder.vocabulary import VocabularyError, load_vocabulary
from support import REPO

DATA = REPO / "data"


def test_the_real_lists_load_with_what_the_app_relies_on():
    vocabulary = load_vocabulary(DATA)
    assert vocabulary.ids("statuses") == ["to_call", "called", "waiting", "booked", "ruled_out"]
    assert set(vocabulary.ids("referral_sources")) >= {"bic", "abbp", "benzobuddies",
                                                       "regional_network", "telemedicine"}
    assert vocabulary.status_for_outcome("left_message") == "waiting"
    assert vocabulary.status_for_outcome("made_up") is None
    assert len(vocabulary.state_choices()) == 52  # 50 states, DC and Puerto Rico
    assert vocabulary.label("statuses", "gone_from_the_list") == "gone_from_the_list"


@pytest.mark.parametrize("old, new, message", [
    ('id = "called"', 'id = "to_call"', "has an id twice"),
    ('status = "waiting"', 'status = "vanished"', "moves to an unknown status"),
    ('label = "Psychiatry"', 'label = ""', "without a label"),
])
def test_each_rule_catches_a_broken_file(tmp_path, old, new, message):
    text = (DATA / "vocabulary.toml").read_text()
    assert old in text
    (tmp_path / "vocabulary.toml").write_text(text.replace(old, new, 1))
    with pytest.raises(VocabularyError, match=message):
        load_vocabulary(tmp_path)
