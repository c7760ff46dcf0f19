"""The schedule chart: valid SVG, accessible, both series, no inline styles, text escaped."""

import dataclasses
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from finder.content import load_content
from finder.domain.schedule_chart import render_schedule_chart
from finder.domain.taper_schedule import check_schedule, make_rule, proposal_from_doses, proposal_from_rule

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def data():
    return load_content(DATA_DIR).equivalents


@pytest.fixture(scope="module")
def fixed_check(data):
    rule = make_rule(0.25, "mg", 2, "weeks")
    return check_schedule(data, proposal_from_rule(data, "clonazepam", 2, rule))


def render(check, **kwargs):
    return render_schedule_chart(check.layout, check.comparison, **kwargs)


def parse(svg):
    return ET.fromstring(svg)


def group(root, css_class):
    return root.find(f"{SVG}g[@class='{css_class}']")


def polyline_points(root, css_class):
    points = group(root, css_class).find(f"{SVG}polyline").get("points").split()
    return [tuple(float(v) for v in point.split(",")) for point in points]


def test_the_chart_is_valid_scalable_svg(fixed_check):
    root = parse(render(fixed_check))
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == "0 0 600 320"
    assert root.get("width") is None  # scales to its container


def test_title_and_desc_are_linked_for_screen_readers(fixed_check):
    root = parse(render(fixed_check, chart_id="chart-a"))
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-a-title chart-a-desc"
    assert (title.get("id"), desc.get("id")) == ("chart-a-title", "chart-a-desc")
    assert title.text.startswith("Clonazepam")
    assert "from 2 mg to 0 mg, ending at week 16" in desc.text
    assert "12.5 % of the current dose" in desc.text
    assert "0.025 mg" in desc.text and "No proposed dose falls below" in desc.text


def test_both_series_are_drawn_point_for_point(fixed_check):
    root = parse(render(fixed_check))
    proposed = polyline_points(root, "chart-proposed")
    curve = polyline_points(root, "chart-hyperbolic")
    assert len(proposed) == len(fixed_check.layout.steps) == 9
    assert len(curve) == len(fixed_check.comparison.steps) == 9
    assert proposed[0] == curve[0]                # same start
    assert proposed[-1][1] > curve[-1][1]         # proposal ends lower (bigger y) at zero
    xs = [x for x, _ in proposed]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)


def test_the_threshold_line_sits_at_the_drug_threshold(fixed_check):
    root = parse(render(fixed_check))
    threshold = root.find(f"{SVG}line[@class='chart-threshold']")
    proposed = polyline_points(root, "chart-proposed")
    y = float(threshold.get("y1"))
    assert threshold.get("y1") == threshold.get("y2")
    # 0.025 mg lies between the 0.25 mg point and the 0 mg point.
    assert proposed[-2][1] < y < proposed[-1][1]


def test_jump_steps_are_ringed(fixed_check):
    root = parse(render(fixed_check))
    rings = group(root, "chart-jump").findall(f"{SVG}circle")
    assert len(rings) == sum(step.jump for step in fixed_check.layout.steps) == 4


def test_no_inline_styles_anywhere(fixed_check):
    svg = render(fixed_check)
    root = parse(svg)
    for element in root.iter():
        assert "style" not in element.attrib, element.tag
    assert root.find(f".//{SVG}style") is None
    assert "<script" not in svg


def test_the_legend_names_all_three_lines(fixed_check):
    root = parse(render(fixed_check))
    legend = group(root, "chart-legend")
    texts = [t.text for t in legend.findall(f"{SVG}text")]
    assert texts[0].startswith("Proposed schedule")
    assert texts[1] == "12.5 % of the current dose each step (comparison)"
    assert texts[2] == "Liquid needed below about 0.025 mg (0.5 mg diazepam equivalent)"
    classes = [line.get("class") for line in legend.findall(f"{SVG}line")]
    assert classes == ["chart-proposed", "chart-hyperbolic", "chart-threshold"]


def test_text_is_escaped(fixed_check):
    layout = fixed_check.layout
    odd_drug = dataclasses.replace(layout.drug, name="Clona<&>zepam")
    odd = dataclasses.replace(layout, drug=odd_drug)
    svg = render_schedule_chart(odd, fixed_check.comparison)
    assert "Clona<&>zepam" not in svg
    root = parse(svg)
    assert "Clona<&>zepam" in root.find(f"{SVG}title").text
    assert "Clona<&>zepam" in root.find(f"{SVG}desc").text


def test_a_dose_list_is_charted_by_step(data):
    check = check_schedule(data, proposal_from_doses(data, "lorazepam", "1, 0.9, 0.8, 0.8, 0.7"))
    root = parse(render(check))
    labels = [t.text for t in group(root, "chart-axis-label").findall(f"{SVG}text")]
    assert labels == ["Step", "Dose (mg)"]
    assert len(polyline_points(root, "chart-proposed")) == 5


def test_a_percentage_rule_is_charted_in_weeks_and_names_the_crossing(data):
    rule = make_rule(10, "percent", 2, "weeks")
    check = check_schedule(data, proposal_from_rule(data, "clonazepam", 0.5, rule))
    root = parse(render(check))
    labels = [t.text for t in group(root, "chart-axis-label").findall(f"{SVG}text")]
    assert labels[0] == "Weeks from the start"
    assert "fall below it at step 29" in root.find(f"{SVG}desc").text
    assert group(root, "chart-jump") is None


def test_long_schedules_drop_the_point_markers(data):
    rule = make_rule(2, "percent", 1, "weeks")
    check = check_schedule(data, proposal_from_rule(data, "diazepam", 20, rule))
    assert len(check.layout.steps) > 60
    root = parse(render(check))
    assert group(root, "chart-proposed").findall(f"{SVG}circle") == []
    assert len(polyline_points(root, "chart-proposed")) == len(check.layout.steps)


@pytest.mark.parametrize("chart_id", ["", "1chart", 'a" onload="x', "a b"])
def test_unsafe_chart_ids_are_refused(fixed_check, chart_id):
    with pytest.raises(ValueError):
        render(fixed_check, chart_id=chart_id)
