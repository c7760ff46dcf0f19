"""Schedule-check arithmetic: the data file, equivalence, parsing, layout, comparison and
classification. Expected values are worked by hand in the comments."""

import copy
import tomllib
from pathlib import Path

import pytest

from finder.content import ContentError, load_content
from finder.content.equivalents import equivalents_from_toml
from finder.domain.taper_schedule import (
    ScheduleError, TaperDataError, check_schedule, classify, comparison_curve, format_number,
    from_diazepam, lay_out, make_rule, parse_dose_list, parse_rule_text,
    proposal_from_doses, proposal_from_rule, taper_data_from_dict, to_diazepam,
)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="module")
def content():
    return load_content(DATA_DIR)


@pytest.fixture(scope="module")
def sources(content):
    return content.sources


@pytest.fixture(scope="module")
def data(content):
    return content.equivalents


@pytest.fixture
def raw():
    with open(DATA_DIR / "benzodiazepine_equivalents.toml", "rb") as handle:
        return tomllib.load(handle)


def rule_layout(data, drug, start, amount, unit, every=2, interval_unit="weeks", **kwargs):
    rule = make_rule(amount, unit, every, interval_unit, **kwargs)
    return lay_out(data, proposal_from_rule(data, drug, start, rule))


def list_layout(data, doses, drug="clonazepam"):
    return lay_out(data, proposal_from_doses(data, drug, doses))


def doses_of(steps):
    return [step.dose_mg for step in steps]


# ---------------------------------------------------------------------------------------
# The data file


def test_every_drug_has_a_positive_default_figure_and_cites_known_sources(data, sources):
    assert len(data.drugs) >= 20
    for drug in data.drugs.values():
        figure = drug.figures[data.default_table]
        assert 0 < figure.low_mg <= figure.high_mg, drug.id
        assert drug.sources, drug.id
        assert set(drug.sources) <= set(sources), drug.id


def test_every_table_and_threshold_cites_known_sources(data, sources):
    for table in data.tables.values():
        assert table.sources and set(table.sources) <= set(sources), table.id
    assert "clinic_article" in data.liquid_sources
    assert set(data.jump_sources) <= set(sources)


@pytest.mark.parametrize("drug_id, ashton_mg", [
    ("alprazolam", 0.5), ("clonazepam", 0.5), ("lorazepam", 1), ("diazepam", 10),
    ("temazepam", 20), ("oxazepam", 20), ("chlordiazepoxide", 25), ("triazolam", 0.5),
    ("zopiclone", 15), ("eszopiclone", 3),
])
def test_ashton_figures(data, drug_id, ashton_mg):
    assert data.drugs[drug_id].figures["ashton"].mg == ashton_mg


@pytest.mark.parametrize("drug_id, va_dod_mg", [
    ("alprazolam", 1), ("clonazepam", 1), ("lorazepam", 2), ("temazepam", 15), ("oxazepam", 30),
])
def test_va_dod_figures_differ_from_ashton(data, drug_id, va_dod_mg):
    figures = data.drugs[drug_id].figures
    assert figures["va_dod"].mg == va_dod_mg
    assert figures["va_dod"].mg != figures["ashton"].mg


@pytest.mark.parametrize("drug_id, low, high, midpoint", [
    ("estazolam", 1, 2, 1.5), ("flurazepam", 15, 30, 22.5), ("bromazepam", 5, 6, 5.5),
])
def test_ranges_are_kept_and_their_midpoint_is_used(data, drug_id, low, high, midpoint):
    figure = data.drugs[drug_id].figures["ashton"]
    assert (figure.low_mg, figure.high_mg, figure.mg) == (low, high, midpoint)
    assert "midpoint" in figure.describe()


def test_brand_names_lead_to_the_drug(data):
    by_brand = {brand: drug.id for drug in data.drugs.values() for brand in drug.brands}
    assert by_brand["Klonopin"] == "clonazepam"
    assert by_brand["Xanax"] == "alprazolam"
    assert by_brand["Ativan"] == "lorazepam"
    assert by_brand["Valium"] == "diazepam"
    assert by_brand["Restoril"] == "temazepam"
    assert by_brand["Serax"] == "oxazepam"
    assert by_brand["Librium"] == "chlordiazepoxide"
    assert data.drugs["clonazepam"].display_name == "Clonazepam (Klonopin, Rivotril)"


def test_the_offered_red_flag_exists_in_the_checklist(data, content):
    checklist = content.checklist
    offered = [p["red_flag"] for p in data.patterns.values() if p.get("red_flag")]
    assert offered == ["fixed_mg_steps"]
    assert "fixed_mg_steps" in checklist.red_flags


def test_data_with_an_unknown_source_is_refused(raw, sources):
    raw["drugs"][0]["sources"] = ["no_such_source"]
    with pytest.raises(ContentError, match="unknown source 'no_such_source'"):
        equivalents_from_toml(raw, sources)


def test_a_va_dod_figure_must_cite_the_va_dod_source(raw, sources):
    clonazepam = next(d for d in raw["drugs"] if d["id"] == "clonazepam")
    clonazepam["sources"] = ["ashton_equivalence"]
    with pytest.raises(ContentError, match="clonazepam.*does not cite"):
        equivalents_from_toml(raw, sources)


def test_data_with_a_zero_figure_is_refused(raw):
    raw["drugs"][0]["equivalent_mg"] = {"ashton": 0}
    with pytest.raises(TaperDataError, match="must be positive"):
        taper_data_from_dict(raw)


def test_data_with_a_drug_missing_from_the_default_table_is_refused(raw):
    raw["drugs"][0]["equivalent_mg"] = {"va_dod": 1}
    with pytest.raises(TaperDataError, match="no figure in the default table"):
        taper_data_from_dict(raw)


def test_steady_share_ratio_must_stay_below_the_jump_ratio(raw):
    raw["classification"]["steady_share_ratio"] = 2
    with pytest.raises(TaperDataError, match="steady_share_ratio"):
        taper_data_from_dict(raw)


def test_duplicate_drug_ids_are_refused(raw):
    raw["drugs"].append(copy.deepcopy(raw["drugs"][0]))
    with pytest.raises(TaperDataError, match="share an id"):
        taper_data_from_dict(raw)


# ---------------------------------------------------------------------------------------
# Equivalence


def test_clonazepam_to_diazepam(data):
    conversion = to_diazepam(data, "clonazepam", 0.5)
    assert conversion.diazepam_mg == pytest.approx(10)
    assert conversion.table_id == "ashton"
    assert "Ashton" in conversion.note and "0.5 mg clonazepam" in conversion.note
    assert to_diazepam(data, "clonazepam", 0.025).diazepam_mg == pytest.approx(0.5)


def test_diazepam_back_to_clonazepam(data):
    assert from_diazepam(data, "clonazepam", 0.5).drug_mg == pytest.approx(0.025)
    assert from_diazepam(data, "lorazepam", 15).drug_mg == pytest.approx(1.5)


def test_the_table_named_changes_the_answer(data):
    assert to_diazepam(data, "clonazepam", 1, "va_dod").diazepam_mg == pytest.approx(10)
    assert to_diazepam(data, "clonazepam", 1).diazepam_mg == pytest.approx(20)
    assert to_diazepam(data, "oxazepam", 30, "va_dod").table_label.startswith("VA/DoD")


def test_a_range_converts_at_its_midpoint_and_says_so(data):
    conversion = to_diazepam(data, "estazolam", 1.5)
    assert conversion.diazepam_mg == pytest.approx(10)
    assert "1–2 mg" in conversion.note and "midpoint 1.5 mg" in conversion.note


def test_conversion_errors_are_plain(data):
    with pytest.raises(ScheduleError, match="gives no figure for bromazepam"):
        to_diazepam(data, "bromazepam", 5, "va_dod")
    with pytest.raises(ScheduleError, match="no equivalence table called “who”"):
        to_diazepam(data, "clonazepam", 1, "who")
    with pytest.raises(ScheduleError, match="does not know the drug “kpin”"):
        to_diazepam(data, "kpin", 1)
    with pytest.raises(ScheduleError, match="cannot be negative"):
        from_diazepam(data, "clonazepam", -1)


@pytest.mark.parametrize("value, text", [
    (2.916, "2.92"), (0.025, "0.025"), (14.285714, "14.3"), (12.5, "12.5"), (100, "100"),
    (0, "0"), (1234.5, "1234"), (0.0047, "0.0047"),
])
def test_format_number(value, text):
    assert format_number(value) == text


# ---------------------------------------------------------------------------------------
# Rejections


@pytest.mark.parametrize("amount, unit, every, interval_unit, message", [
    (0, "percent", 2, "weeks", "must be more than 0"),
    (100, "percent", 2, "weeks", "less than 100 %"),
    (150, "percent_of_start", 2, "weeks", "less than 100 %"),
    (-0.25, "mg", 2, "weeks", "size of each step must be more than 0"),
    (0.25, "mg", 0, "weeks", "time between steps must be more than 0"),
    (0.25, "mg", -1, "weeks", "time between steps must be more than 0"),
    (0.25, "grams", 2, "weeks", "in mg or as a percentage"),
    (0.25, "mg", 2, "years", "days, weeks or months"),
    ("abc", "mg", 2, "weeks", "“abc” is not one"),
    ("0,25", "mg", 2, "weeks", "decimal comma"),
    (float("nan"), "mg", 2, "weeks", "must be a number"),
])
def test_impossible_rules_are_refused(amount, unit, every, interval_unit, message):
    with pytest.raises(ScheduleError, match=message):
        make_rule(amount, unit, every, interval_unit)


@pytest.mark.parametrize("drug, start, message", [
    ("clonazepam", 0, "starting dose must be more than 0"),
    ("clonazepam", -2, "starting dose must be more than 0"),
    ("klonopin", 2, "does not know the drug “klonopin”"),
    ("clonazepam", 0.2, "step of 0.25 mg is larger than the starting dose of 0.2 mg"),
])
def test_impossible_proposals_are_refused(data, drug, start, message):
    with pytest.raises(ScheduleError, match=message):
        proposal_from_rule(data, drug, start, make_rule(0.25, "mg", 2, "weeks"))


def test_a_fixed_step_needing_too_many_steps_is_refused(data):
    # 10 mg in steps of 0.01 mg would take 1000 steps; the cap is 500.
    with pytest.raises(ScheduleError, match="1000 steps to reach zero; finder lays out at most"):
        proposal_from_rule(data, "diazepam", 10, make_rule(0.01, "mg", 1, "weeks"))


def test_form_fields_may_carry_their_unit(data):
    rule = make_rule("0.25 mg", "mg", "2", "weeks")
    assert (rule.amount, rule.every) == (0.25, 2)
    assert make_rule("10 %", "percent", 4, "weeks").amount == 10
    assert proposal_from_rule(data, "clonazepam", "2mg", rule).start_mg == 2


def test_a_step_equal_to_the_dose_is_one_step_to_zero(data):
    layout = rule_layout(data, "clonazepam", 0.25, 0.25, "mg")
    assert doses_of(layout.steps) == [0.25, 0]
    assert [step.kind for step in layout.steps] == ["start", "stop"]


# ---------------------------------------------------------------------------------------
# Dose lists


@pytest.mark.parametrize("text", [
    "2, 1.75, 1.5, 1.25",
    "2mg, 1.75mg, 1.5 mg, 1.25 MG",
    "2\n1.75\n1.5\n1.25\n",
    "2; 1.75; 1.5; 1.25",
    "2 1.75 1.5 1.25",
    "2 → 1.75 -> 1.5 → 1.25",
])
def test_dose_lists_are_read_in_many_layouts(text):
    assert parse_dose_list(text) == (2, 1.75, 1.5, 1.25)


@pytest.mark.parametrize("text, message", [
    ("2, 1,5, 1", "“1,5” looks like a decimal comma"),
    ("2, abc, 1", "“abc” is not a number"),
    ("2, nan", "“nan” is not a number"),
    ("2, 1e3", "“1e3” is not a number"),
    ("  \n ", "list of doses is empty"),
])
def test_unreadable_dose_lists_are_refused(text, message):
    with pytest.raises(ScheduleError, match=message):
        parse_dose_list(text)


@pytest.mark.parametrize("doses, message", [
    ("2", "at least two doses"),
    ("2, -1", "cannot be negative"),
    ("0, 1", "starting dose: it must be more than 0"),
    ("2, 1, 0, 0.5", "goes on after 0 mg"),
    (" ".join(["1"] * 502), "502 doses; finder lays out at most 501"),
])
def test_impossible_dose_lists_are_refused(data, doses, message):
    with pytest.raises(ScheduleError, match=message):
        proposal_from_doses(data, "clonazepam", doses)


def test_holds_and_increases_are_flagged_not_refused(data):
    layout = list_layout(data, "2, 1.75, 1.75, 2, 1.5")
    assert [step.kind for step in layout.steps] == ["start", "reduce", "hold", "increase", "reduce"]
    assert layout.steps[3].removed_mg == pytest.approx(-0.25)
    assert layout.steps[3].share_removed_percent == pytest.approx(-200 / 14)
    assert not layout.steps[2].jump and not layout.steps[3].jump


def test_a_separate_start_dose_is_put_first_when_the_list_lacks_it(data):
    proposal = proposal_from_doses(data, "clonazepam", [1.75, 1.5], start_mg="2")
    assert proposal.doses == (2, 1.75, 1.5)
    assert proposal_from_doses(data, "clonazepam", "2, 1.75", start_mg=2).doses == (2, 1.75)


# ---------------------------------------------------------------------------------------
# Layout


def test_ten_percent_of_the_current_dose(data):
    layout = rule_layout(data, "diazepam", 4, 10, "percent", every=4)
    assert doses_of(layout.steps[:4]) == pytest.approx([4, 3.6, 3.24, 2.916])
    assert [s.removed_mg for s in layout.steps[1:4]] == pytest.approx([0.4, 0.36, 0.324])
    assert all(s.share_removed_percent == pytest.approx(10) for s in layout.steps[1:])
    assert [s.day for s in layout.steps[:3]] == [0, 28, 56]
    assert layout.steps[2].when == "week 8" and layout.steps[2].week == 8
    assert not any(step.jump for step in layout.steps)


def test_a_percentage_rule_stops_at_the_floor_and_says_so(data):
    # 4 * 0.9**n < 0.1 mg diazepam first at n = 36 (0.9**35 = 0.0250, 0.9**36 = 0.0225).
    layout = rule_layout(data, "diazepam", 4, 10, "percent", every=4)
    assert layout.ending == "floor"
    assert len(layout.steps) == 37
    assert layout.steps[-1].dose_mg < 0.1 <= layout.steps[-2].dose_mg
    assert "never reaches zero" in layout.ending_note and "step 36" in layout.ending_note


def test_a_slow_percentage_rule_stops_at_the_step_cap(data):
    # 1 % from 10 mg clonazepam (200 mg diazepam) would need about 756 steps to reach 0.1.
    layout = rule_layout(data, "clonazepam", 10, 1, "percent")
    assert layout.ending == "step_cap"
    assert len(layout.steps) == 501
    assert "after 500 steps" in layout.ending_note


def test_clonazepam_quarter_mg_steps_every_two_weeks(data):
    layout = rule_layout(data, "clonazepam", 2, 0.25, "mg", every=2)
    assert doses_of(layout.steps) == pytest.approx([2, 1.75, 1.5, 1.25, 1, 0.75, 0.5, 0.25, 0])
    assert all(step.removed_mg == pytest.approx(0.25) for step in layout.steps[1:])
    assert [s.share_removed_percent for s in layout.steps[1:]] == pytest.approx(
        [12.5, 100 / 7, 100 / 6, 20, 25, 100 / 3, 50, 100])
    assert [s.diazepam_mg for s in layout.steps[:2]] == pytest.approx([40, 35])
    assert layout.steps[-1].kind == "stop" and layout.steps[-1].day == 112
    assert layout.ending == "zero"


def test_jumps_in_the_quarter_mg_schedule(data):
    # First share 12.5 %; 1.5 times that is 18.75 %, so 20 % (step 4) is the first jump.
    # The stop (100 %) is never a jump.
    layout = rule_layout(data, "clonazepam", 2, 0.25, "mg")
    assert [step.jump for step in layout.steps] == [False] * 4 + [True] * 4 + [False]


def test_a_share_above_the_absolute_limit_jumps_from_the_first_step(data):
    # 30 % every step: the same share each time, but above 25 %.
    layout = rule_layout(data, "diazepam", 10, 30, "percent")
    assert all(step.jump for step in layout.steps[1:])


def test_the_fixed_schedule_stops_from_a_tablet_dose(data):
    # It stops from 0.25 mg clonazepam = 5 mg diazepam, far above the 0.5 mg threshold.
    layout = rule_layout(data, "clonazepam", 2, 0.25, "mg")
    assert layout.liquid_threshold_mg == pytest.approx(0.025)
    assert layout.first_below_liquid_threshold is None
    assert layout.stops_above_liquid_threshold
    assert "never reaches the small doses" in layout.ending_note


def test_the_last_fixed_step_may_be_smaller(data):
    layout = rule_layout(data, "clonazepam", 1.1, 0.25, "mg")
    assert doses_of(layout.steps) == pytest.approx([1.1, 0.85, 0.6, 0.35, 0.1, 0])
    assert layout.steps[-1].removed_mg == pytest.approx(0.1)


def test_where_a_percentage_taper_crosses_the_liquid_threshold(data):
    # 0.5 * 0.9**28 = 0.0262 mg (0.523 mg diazepam); 0.5 * 0.9**29 = 0.0236 (0.471).
    layout = rule_layout(data, "clonazepam", 0.5, 10, "percent")
    assert layout.first_below_liquid_threshold.number == 29
    assert not layout.steps[28].below_liquid_threshold
    assert not layout.stops_above_liquid_threshold


def test_the_liquid_threshold_follows_the_table(data):
    # VA/DoD: 1 mg clonazepam = 10 mg diazepam, so the threshold is 0.05 mg clonazepam;
    # 0.5 * 0.9**22 = 0.0492 is the first dose below it.
    rule = make_rule(10, "percent", 2, "weeks")
    layout = lay_out(data, proposal_from_rule(data, "clonazepam", 0.5, rule), "va_dod")
    assert layout.liquid_threshold_mg == pytest.approx(0.05)
    assert layout.first_below_liquid_threshold.number == 22
    assert layout.table_label.startswith("VA/DoD")


def test_a_percentage_of_the_starting_dose_is_a_fixed_mg_step(data):
    layout = rule_layout(data, "clonazepam", 2, 10, "percent_of_start")
    assert all(s.removed_mg == pytest.approx(0.2) for s in layout.steps[1:])
    assert len(layout.steps) == 11


def test_months_count_as_thirty_days_but_keep_their_label(data):
    layout = rule_layout(data, "diazepam", 10, 10, "percent", every=1, interval_unit="months")
    assert layout.steps[3].day == 90 and layout.steps[3].when == "month 3"


# ---------------------------------------------------------------------------------------
# Comparison curve


def test_the_comparison_copies_the_first_step_share_of_a_fixed_schedule(data):
    layout = rule_layout(data, "clonazepam", 2, 0.25, "mg")
    curve = comparison_curve(data, layout)
    assert curve.percent == pytest.approx(12.5)
    assert len(curve.steps) == len(layout.steps)
    assert doses_of(curve.steps[:3]) == pytest.approx([2, 1.75, 1.53125])
    assert curve.steps[-1].dose_mg == pytest.approx(2 * 0.875 ** 8)
    assert [s.day for s in curve.steps] == [s.day for s in layout.steps]
    assert "12.5 %" in curve.reason


def test_a_percentage_proposal_is_compared_with_ten_percent(data):
    layout = rule_layout(data, "diazepam", 4, 5, "percent")
    curve = comparison_curve(data, layout)
    assert curve.percent == 10
    assert doses_of(curve.steps[:4]) == pytest.approx([4, 3.6, 3.24, 2.916])
    assert "already takes a share" in curve.reason


def test_a_list_without_reductions_is_compared_with_ten_percent(data):
    layout = list_layout(data, "2, 2, 2")
    assert comparison_curve(data, layout).percent == 10


# ---------------------------------------------------------------------------------------
# Classification


def test_a_fixed_mg_rule_offers_the_red_flag_with_evidence(data):
    result = classify(data, rule_layout(data, "clonazepam", 2, 0.25, "mg"))
    assert result.pattern == "fixed_mg"
    assert result.red_flag == "fixed_mg_steps"
    assert result.evidence[0] == ("Steps of 0.25 mg each; the first removes 12.5 % of the dose, "
                                  "the last before stopping 50 %.")
    assert "4 of the 7 reductions take a much bigger share" in result.evidence[1]
    assert "step 4 (week 8), 20 %" in result.evidence[1]


def test_a_percentage_of_the_start_is_called_fixed_mg(data):
    result = classify(data, rule_layout(data, "clonazepam", 2, 10, "percent_of_start"))
    assert result.pattern == "fixed_mg"
    assert "same 0.2 mg every time" in result.evidence[0]


def test_a_percentage_rule_is_curve_shaped_and_offers_no_red_flag(data):
    rule = parse_rule_text("reduce 10 % of the current dose every 4 weeks, holding on flares")
    result = check_schedule(data, proposal_from_rule(data, "diazepam", 4, rule)).classification
    assert result.pattern == "percent_of_current"
    assert result.red_flag is None
    assert result.evidence[0].startswith("Each step removes 10 % of the current dose")
    assert "0.4 mg at first" in result.evidence[0]
    assert "The dose is held during flares." in result.evidence


def test_percentage_evidence_names_the_first_step_and_the_one_where_liquids_begin(data):
    # 20 % of 1 mg diazepam weekly: 1, 0.8, 0.64, 0.512, 0.4096: step 4 is the first below
    # the 0.5 mg liquid threshold; it removes 0.512 * 0.2 = 0.1024 mg. The layout goes on to
    # the 0.1 mg floor (step 11, 0.0215 mg), too small a step to be worth naming.
    # 20 % is no jump (not above 25 %, not more than 1.5 times the first share).
    result = classify(data, rule_layout(data, "diazepam", 1, 20, "percent", every=1))
    assert result.evidence == ("Each step removes 20 % of the current dose, so the steps in mg "
                               "shrink: 0.2 mg at first, 0.102 mg by step 4, where liquid doses "
                               "begin, and smaller still after that.",)


def test_percentage_evidence_names_the_last_step_when_liquids_are_never_reached(data):
    # 1 % of 100 mg diazepam: after the 500 steps finder draws, 100 * 0.99**500 = 0.657 mg,
    # still above the 0.5 mg threshold; step 500 removes 0.657 / 0.99 * 0.01 = 0.00664 mg.
    result = classify(data, rule_layout(data, "diazepam", 100, 1, "percent", every=1))
    assert result.evidence[0] == ("Each step removes 1 % of the current dose, so the steps in "
                                  "mg shrink: 1 mg at first, 0.00664 mg by step 500.")


def test_a_percentage_rule_without_a_hold_is_not_said_to_hold(data):
    result = classify(data, rule_layout(data, "diazepam", 4, 10, "percent", every=4))
    assert "The dose is held during flares." not in result.evidence


def test_a_large_percentage_rule_is_curve_shaped_but_its_jumps_are_named(data):
    # 30 % of 10 mg diazepam: 0.7**12 * 10 = 0.138, 0.7**13 * 10 = 0.0969 < 0.1, so 13
    # reductions, every one above the 25 % limit.
    result = classify(data, rule_layout(data, "diazepam", 10, 30, "percent"))
    assert result.pattern == "percent_of_current"
    assert result.evidence[1] == (
        "13 of the 13 reductions take a much bigger share than the first (more than 1.5 times "
        "its share, or more than 25 % of the dose), starting at step 1 (week 2), 30 %.")


def test_a_steady_list_above_the_share_limit_names_its_jumps(data):
    # 3 / 10 = 30 % and 2.1 / 7 = 30 %: steady, but both above 25 %.
    result = classify(data, list_layout(data, "10, 7, 4.9", drug="diazepam"))
    assert result.pattern == "percent_of_current"
    assert result.evidence[1] == (
        "2 of the 2 reductions take a much bigger share than the first (more than 1.5 times "
        "its share, or more than 25 % of the dose), starting at step 1, 30 %.")


def test_a_single_jump_in_a_list_is_named_with_its_step_and_share(data):
    # 1 / 10 = 10 %, then 1.4 / 9 = 15.6 %: more than 1.5 times 10 %. A list has no dates,
    # so the step number stands alone.
    result = classify(data, list_layout(data, "10, 9, 7.6", drug="diazepam"))
    assert result.evidence[1] == (
        "1 of the 2 reductions takes a much bigger share than the first (more than 1.5 times "
        "its share, or more than 25 % of the dose), starting at step 2, 15.6 %.")


@pytest.mark.parametrize("doses, pattern", [
    ("2, 1.75, 1.5, 1.25, 1, 0.75, 0.5, 0.25, 0", "fixed_mg"),
    ("2, 1.75, 1.75, 1.5", "fixed_mg"),
    ("4, 3.6, 3.24, 2.92, 2.62", "percent_of_current"),
    ("10, 9, 8, 7.2, 6.5, 5.8", "percent_of_current"),
    ("1, 0.75, 0.5, 0.25, 0.125, 0", "irregular"),
    ("2, 1.5, 1.25, 1.125", "irregular"),
    ("2, 1.75", "undetermined"),
    ("2, 1.75, 0", "undetermined"),
])
def test_lists_are_classified_by_their_steps(data, doses, pattern):
    result = classify(data, list_layout(data, doses))
    assert result.pattern == pattern
    assert (result.red_flag == "fixed_mg_steps") == (pattern == "fixed_mg")


def test_a_fixed_mg_rule_is_fixed_mg_even_with_a_single_step(data):
    # 0.25 mg from 0.25 mg is one step to zero: no reduction to compare, but the rule
    # itself says fixed mg, so red flag 1 is still offered.
    result = classify(data, rule_layout(data, "clonazepam", 0.25, 0.25, "mg"))
    assert (result.pattern, result.red_flag) == ("fixed_mg", "fixed_mg_steps")
    assert result.evidence == ("A single step of 0.25 mg, straight to zero.",)


def test_a_fixed_mg_rule_is_fixed_mg_with_one_reduction_before_stopping(data):
    # 0.5 -> 0.25 -> 0: one reduction of 0.25 mg (50 %), where a list would be too short.
    result = classify(data, rule_layout(data, "clonazepam", 0.5, 0.25, "mg"))
    assert (result.pattern, result.red_flag) == ("fixed_mg", "fixed_mg_steps")
    assert result.evidence[0] == ("Steps of 0.25 mg each; the first removes 50 % of the dose, "
                                  "the last before stopping 50 %.")


@pytest.mark.parametrize("doses, count", [
    ("2, 1.75", "1 reduction"), ("2, 1.75, 0", "1 reduction"), ("2, 0", "0 reductions"),
])
def test_a_list_too_short_to_tell_says_how_many_reductions_it_has(data, doses, count):
    result = classify(data, list_layout(data, doses))
    assert (result.pattern, result.red_flag) == ("undetermined", None)
    assert result.evidence == (f"The list has {count} before any stop; at least two are "
                               f"needed to see a pattern.",)


def test_a_fixed_list_that_stops_early_names_its_last_share(data):
    result = classify(data, list_layout(data, "2, 1.75, 1.5, 1.25"))
    assert result.evidence[0] == ("Steps of 0.25 mg each; the first removes 12.5 % of the dose, "
                                  "the last 16.7 %.")


def test_irregular_evidence_gives_the_ranges(data):
    result = classify(data, list_layout(data, "2, 1.5, 1.25, 1.125"))
    assert result.evidence[0] == ("The mg removed ranges from 0.125 to 0.5 mg, and the share of "
                                  "the current dose from 10 % to 25 %.")


@pytest.mark.parametrize("doses, pattern", [
    # 1 mg, then 0.98 mg: they differ by 0.02 mg, exactly 2 % of the larger step (1 mg).
    ("10, 9, 8.02", "fixed_mg"),
    # 1 mg, then 0.979 mg: 0.021 mg apart, just beyond 2 %. The shares (10 %, 0.979 / 9 =
    # 10.9 %) stay within 1.25 times each other, so the list reads as a share of the dose.
    ("10, 9, 8.021", "percent_of_current"),
    # The tolerance is 2 % of the LARGER step: 0.98 mg first, then 1 mg, is still the same.
    ("10, 9.02, 8.02", "fixed_mg"),
])
def test_the_fixed_mg_tolerance_is_two_percent_of_the_larger_step(data, doses, pattern):
    result = classify(data, list_layout(data, doses, drug="diazepam"))
    assert result.pattern == pattern
    assert (result.red_flag == "fixed_mg_steps") == (pattern == "fixed_mg")


def test_a_list_within_the_fixed_mg_tolerance_names_its_first_step(data):
    # 1 mg then 0.98 mg: "steps of 1 mg"; shares 1 / 10 = 10 % and 0.98 / 9 = 10.9 %.
    result = classify(data, list_layout(data, "10, 9, 8.02", drug="diazepam"))
    assert result.evidence == ("Steps of 1 mg each; the first removes 10 % of the dose, "
                               "the last 10.9 %.",)


@pytest.mark.parametrize("doses, pattern", [
    # 1 / 10 = 10 %, then 1.125 / 9 = 12.5 %: exactly 1.25 times the smallest share.
    ("10, 9, 7.875", "percent_of_current"),
    # 1.13 / 9 = 12.56 %: just beyond 1.25 times. The mg (1, 1.13) differ far more than 2 %.
    ("10, 9, 7.87", "irregular"),
])
def test_a_steady_share_allows_the_largest_at_most_1_25_times_the_smallest(data, doses, pattern):
    assert classify(data, list_layout(data, doses, drug="diazepam")).pattern == pattern


@pytest.mark.parametrize("doses, counts", [
    ("2, 1.75, 1.75, 1.5, 1.6, 1.35", "1 hold and 1 increase"),
    ("2, 1.75, 1.75, 1.5", "1 hold and 0 increases"),
    ("2, 1.75, 1.9, 1.5", "0 holds and 1 increase"),
])
def test_list_evidence_counts_holds_and_increases(data, doses, counts):
    result = classify(data, list_layout(data, doses))
    assert result.evidence[-1] == (f"The list includes {counts} (a hold or a small increase "
                                   f"can be part of a careful taper).")


def test_a_list_without_holds_or_increases_does_not_mention_them(data):
    result = classify(data, list_layout(data, "2, 1.75, 1.5"))
    assert not any("hold" in sentence for sentence in result.evidence)


def test_the_classification_carries_its_patterns_words_and_sources_from_the_data(data):
    for layout in (rule_layout(data, "clonazepam", 2, 0.25, "mg"),
                   rule_layout(data, "diazepam", 4, 10, "percent")):
        result = classify(data, layout)
        info = data.patterns[result.pattern]
        assert (result.label, result.meaning) == (info["label"], info["meaning"])
        assert result.sources == tuple(info["sources"]) and result.sources


def test_a_pattern_without_meaning_or_sources_in_the_data_is_shown_without_them(raw):
    # Only the label is required of a pattern; the page must not print "None".
    del raw["patterns"]["fixed_mg"]["meaning"], raw["patterns"]["fixed_mg"]["sources"]
    data = taper_data_from_dict(raw)
    result = classify(data, rule_layout(data, "clonazepam", 2, 0.25, "mg"))
    assert (result.meaning, result.sources) == ("", ())


# ---------------------------------------------------------------------------------------
# Reading a rule from what the clinician said


@pytest.mark.parametrize("text, fields", [
    ("reduce 0.25 mg every 2 weeks", (0.25, "mg", 2, "weeks", False)),
    ("Reduce 10 % of the current dose every 4 weeks, holding on flares",
     (10, "percent", 4, "weeks", True)),
    ("drop 0.5mg every two weeks", (0.5, "mg", 2, "weeks", False)),
    ("0.125 milligrams every 10 days", (0.125, "mg", 10, "days", False)),
    ("cut 5 percent of what is left monthly, hold if there is a flare",
     (5, "percent", 1, "months", True)),
    ("take off 10% of the starting dose every fortnight",
     (10, "percent_of_start", 2, "weeks", False)),
    ("every other week, reduce by .25 mg", (0.25, "mg", 2, "weeks", False)),
    ("reduce 10% of the current dose every month", (10, "percent", 1, "months", False)),
    ("from 2 mg, reduce 0.25 mg every 2 weeks", (0.25, "mg", 2, "weeks", False)),
    ("currently on 2mg; drop 0.1 mg weekly", (0.1, "mg", 1, "weeks", False)),
])
def test_rule_text_is_read(text, fields):
    rule = parse_rule_text(text)
    assert (rule.amount, rule.unit, rule.every, rule.interval_unit, rule.hold_on_flares) == fields


def test_total_daily_dose_is_not_read_as_the_starting_dose():
    assert parse_rule_text("reduce 10 % of the total daily dose every 4 weeks").unit == "percent"


def test_a_percentage_without_a_base_is_read_as_current_with_a_note():
    rule = parse_rule_text("10 % every 4 weeks")
    assert rule.unit == "percent"
    assert rule.notes and "of which dose" in rule.notes[0]
    assert not parse_rule_text("10 % of the current dose every 4 weeks").notes


@pytest.mark.parametrize("text, message", [
    ("reduce slowly", "could not find the size of each step"),
    ("reduce 0.25 mg", "could not find how often"),
    ("reduce 0,25 mg every 2 weeks", "decimal"),
    ("reduce 0.25 mg biweekly", "twice a week or every two weeks"),
    ("reduce 150 % every week", "less than 100 %"),
    ("reduce 0 mg every week", "must be more than 0"),
    ("reduce 1/4 mg every 2 weeks", "fractions as decimals"),
])
def test_unreadable_rule_text_is_refused(text, message):
    with pytest.raises(ScheduleError, match=message):
        parse_rule_text(text)


def test_rule_describes_itself():
    assert parse_rule_text("reduce 0.25 mg every 2 weeks").describe() == \
        "Reduce 0.25 mg every 2 weeks."
    assert make_rule(10, "percent", 1, "months", hold_on_flares=True).describe() == \
        "Reduce 10 % of the current dose every month, holding on flares."


def test_the_liquid_threshold_is_strict(data):
    # 0.025 mg clonazepam is exactly 0.5 mg diazepam: not below; 0.02 mg (0.4) is.
    layout = list_layout(data, "0.05, 0.025, 0.02, 0")
    assert [s.below_liquid_threshold for s in layout.steps] == [False, False, True, False]


@pytest.mark.parametrize("doses, jumps", [
    ("10, 9, 7.65", [False, False, False]),   # 10 % then exactly 15 %: 1.5 times, not more
    ("10, 9, 7.6", [False, False, True]),     # 10 % then 15.6 %
    ("4, 3, 2.25", [False, False, False]),    # 25 % twice: not above 25 %
    ("4, 3.6, 2.6", [False, False, True]),    # 10 % then 27.8 %
])
def test_jump_rule_boundaries(data, doses, jumps):
    assert [step.jump for step in list_layout(data, doses).steps] == jumps


def test_a_long_comparison_keeps_tiny_doses_instead_of_rounding_to_zero(data):
    # 2 % of 20 mg diazepam takes 263 steps to the floor; 10 % over as many steps ends
    # near 20 * 0.9**263, about 1.8e-11 mg: tiny, but not zero and not a stop.
    layout = rule_layout(data, "diazepam", 20, 2, "percent", every=1)
    curve = comparison_curve(data, layout)
    assert curve.steps[-1].dose_mg == pytest.approx(20 * 0.9 ** (len(curve.steps) - 1))
    assert curve.steps[-1].dose_mg > 0
    assert {step.kind for step in curve.steps[1:]} == {"reduce"}
