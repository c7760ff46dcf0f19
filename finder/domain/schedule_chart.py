"""Draw a proposed taper beside its share-of-current-dose comparison curve as an SVG string.

Pure module: no Flask, no external libraries. The SVG is rendered on the server and is safe
under a Content Security Policy that forbids inline styles: it carries no style attribute and
no <style> element, only presentation attributes (which any stylesheet rule overrides) and
class names for the site stylesheet to colour:

    chart-proposed    the proposed schedule (solid line and points)
    chart-jump        rings around proposed steps whose share jumps
    chart-hyperbolic  the comparison curve (dashed line)
    chart-threshold   the liquid threshold (dotted horizontal line)
    chart-axis, chart-grid, chart-tick, chart-axis-label, chart-legend

Lines differ by dash pattern as well as by colour, so the chart reads without colour. Strokes
default to currentColor, so the chart follows the page's text colour (dark theme included).
"""

from __future__ import annotations

import math
import re
from html import escape

from finder.domain.taper_schedule import (INTERVAL_UNITS, Comparison, Layout, Step, format_number)

__all__ = ["render_schedule_chart", "WIDTH", "HEIGHT"]

WIDTH, HEIGHT = 600, 320
# Room around the plot: the legend sits above it, the axis labels left of and below it.
_LEFT, _RIGHT, _TOP, _BOTTOM = 64, 20, 76, 52
# Points are drawn only while they stay apart; a 500-step line is drawn as a line.
_MAX_POINTS_WITH_MARKERS = 60
_CHART_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
_FONT = 'font-family="sans-serif" font-size="13" fill="currentColor"'


def render_schedule_chart(layout: Layout, comparison: Comparison,
                          chart_id: str = "schedule-chart") -> str:
    """An SVG (viewBox 600 x 320, scales to its container) of the proposed doses and the
    comparison curve, dose in mg on the y axis and step or time on the x axis, with the
    liquid threshold as a horizontal line, a <title>, a <desc> and a text legend.

    `chart_id` prefixes the ids of <title> and <desc>; give each chart on a page its own."""
    if not _CHART_ID.fullmatch(chart_id):
        raise ValueError("chart_id must start with a letter and use only letters, digits, - and _")
    scale = _Scale(layout, comparison)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="schedule-chart" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(_title(layout))}</title>',
        f'<desc id="{chart_id}-desc">{escape(_description(layout, comparison))}</desc>',
        *_axes(scale),
        _threshold_line(scale, layout.liquid_threshold_mg),
        _series(scale, comparison.steps, "chart-hyperbolic", 'stroke-dasharray="7 5"'),
        _series(scale, layout.steps, "chart-proposed", ""),
        *_jump_rings(scale, layout.steps),
        *_legend(layout, comparison),
        "</svg>",
    ]
    return "\n".join(part for part in parts if part)


class _Scale:
    """Maps doses and steps to SVG coordinates, and names the x axis."""

    def __init__(self, layout: Layout, comparison: Comparison):
        self.x_unit = layout.proposal.rule.interval_unit if layout.proposal.rule else None
        highest = max(step.dose_mg for step in (*layout.steps, *comparison.steps))
        self.y_ticks = _nice_ticks(max(highest, layout.liquid_threshold_mg))
        self.x_ticks = _nice_ticks(max(self.x_of(step) for step in layout.steps) or 1)
        self.plot_width = WIDTH - _LEFT - _RIGHT
        self.plot_height = HEIGHT - _TOP - _BOTTOM

    @property
    def x_label(self) -> str:
        return f"{self.x_unit.capitalize()} from the start" if self.x_unit else "Step"

    def x_of(self, step: Step) -> float:
        """The x value of a step: time in the rule's unit, or the step number for a list."""
        if self.x_unit is None or step.day is None:
            return step.number
        return step.day / INTERVAL_UNITS[self.x_unit]

    def px(self, x: float) -> float:
        return _LEFT + x / self.x_ticks[-1] * self.plot_width

    def py(self, dose_mg: float) -> float:
        return _TOP + self.plot_height - dose_mg / self.y_ticks[-1] * self.plot_height


def _nice_ticks(highest: float, wanted: int = 5) -> list[float]:
    """Round tick values from 0 to at least `highest`, about `wanted` of them."""
    raw_step = highest / wanted
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw_step)
    count = math.ceil(highest / step - 1e-9)
    return [round(i * step, 10) for i in range(count + 1)]


def _axes(scale: _Scale) -> list[str]:
    bottom, right = _TOP + scale.plot_height, _LEFT + scale.plot_width
    parts = ['<g class="chart-grid" stroke="currentColor" stroke-opacity="0.2" stroke-width="1">']
    parts += [f'<line x1="{_LEFT}" y1="{_n(scale.py(t))}" x2="{right}" y2="{_n(scale.py(t))}"/>'
              for t in scale.y_ticks[1:]]
    parts.append("</g>")
    parts.append(f'<g class="chart-axis" stroke="currentColor" stroke-width="1">'
                 f'<line x1="{_LEFT}" y1="{_TOP}" x2="{_LEFT}" y2="{bottom}"/>'
                 f'<line x1="{_LEFT}" y1="{bottom}" x2="{right}" y2="{bottom}"/></g>')
    parts.append(f'<g class="chart-tick" {_FONT}>')
    parts += [f'<text x="{_LEFT - 8}" y="{_n(scale.py(t) + 4)}" text-anchor="end">'
              f'{format_number(t)}</text>' for t in scale.y_ticks]
    parts += [f'<text x="{_n(scale.px(t))}" y="{bottom + 18}" text-anchor="middle">'
              f'{format_number(t)}</text>' for t in scale.x_ticks]
    parts.append("</g>")
    middle_y = _n(_TOP + scale.plot_height / 2)
    parts.append(f'<g class="chart-axis-label" {_FONT}>'
                 f'<text x="{_n(_LEFT + scale.plot_width / 2)}" y="{HEIGHT - 8}" '
                 f'text-anchor="middle">{escape(scale.x_label)}</text>'
                 f'<text x="16" y="{middle_y}" text-anchor="middle" '
                 f'transform="rotate(-90 16 {middle_y})">Dose (mg)</text></g>')
    return parts


def _threshold_line(scale: _Scale, threshold_mg: float) -> str:
    y = _n(scale.py(threshold_mg))
    return (f'<line class="chart-threshold" x1="{_LEFT}" y1="{y}" x2="{_LEFT + scale.plot_width}" '
            f'y2="{y}" stroke="currentColor" stroke-width="1.5" stroke-dasharray="2 4"/>')


def _series(scale: _Scale, steps: tuple[Step, ...], css_class: str, dashes: str) -> str:
    points = " ".join(f"{_n(scale.px(scale.x_of(s)))},{_n(scale.py(s.dose_mg))}" for s in steps)
    parts = [f'<g class="{css_class}">',
             f'<polyline points="{points}" fill="none" stroke="currentColor" stroke-width="2" '
             f'stroke-linejoin="round"{_space(dashes)}/>']
    if css_class == "chart-proposed" and len(steps) <= _MAX_POINTS_WITH_MARKERS:
        parts += [f'<circle cx="{_n(scale.px(scale.x_of(s)))}" cy="{_n(scale.py(s.dose_mg))}" '
                  f'r="3" fill="currentColor"/>' for s in steps]
    return "".join(parts) + "</g>"


def _jump_rings(scale: _Scale, steps: tuple[Step, ...]) -> list[str]:
    rings = [f'<circle cx="{_n(scale.px(scale.x_of(s)))}" cy="{_n(scale.py(s.dose_mg))}" r="7" '
             f'fill="none" stroke="currentColor" stroke-width="1.5"/>' for s in steps if s.jump]
    return ['<g class="chart-jump">', *rings, "</g>"] if rings else []


def _legend(layout: Layout, comparison: Comparison) -> list[str]:
    threshold = (f"Liquid needed below about {format_number(layout.liquid_threshold_mg)} mg"
                 f"{layout.in_diazepam(layout.liquid_threshold_diazepam_mg)}")
    rows = [("chart-proposed", "", "Proposed schedule"),
            ("chart-hyperbolic", 'stroke-dasharray="7 5"',
             f"{format_number(comparison.percent)} % of the current dose each step (comparison)"),
            ("chart-threshold", 'stroke-dasharray="2 4"', threshold)]
    if any(step.jump for step in layout.steps):
        rows[0] = ("chart-proposed", "", "Proposed schedule (ringed: steps that jump)")
    parts = [f'<g class="chart-legend" {_FONT}>']
    parts += [_legend_row(css_class, dashes, text, _LEFT, 18 + 20 * index)
              for index, (css_class, dashes, text) in enumerate(rows)]
    parts.append("</g>")
    return parts


def _legend_row(css_class: str, dashes: str, text: str, x: int, y: int) -> str:
    return (f'<line class="{css_class}" x1="{x}" y1="{y - 4}" x2="{x + 28}" y2="{y - 4}" '
            f'stroke="currentColor" stroke-width="2"{_space(dashes)}/>'
            f'<text x="{x + 36}" y="{y}">{escape(text)}</text>')


def _title(layout: Layout) -> str:
    return f"{layout.drug.name}: proposed taper beside a share-of-current-dose curve"


def _description(layout: Layout, comparison: Comparison) -> str:
    steps, last = layout.steps, layout.steps[-1]
    span = f", ending at {last.when}" if last.when else ""
    text = (f"Proposed: {len(steps)} doses of {layout.drug.name} from "
            f"{format_number(steps[0].dose_mg)} mg to {format_number(last.dose_mg)} mg{span}. "
            f"Comparison: {format_number(comparison.percent)} % of the current dose each step, "
            f"from {format_number(comparison.steps[0].dose_mg)} mg to "
            f"{format_number(comparison.steps[-1].dose_mg)} mg. "
            f"Liquid or compounded doses are needed below about "
            f"{format_number(layout.liquid_threshold_mg)} mg"
            + ("" if layout.is_reference_drug else
               f", which is {format_number(layout.liquid_threshold_diazepam_mg)} mg diazepam "
               f"equivalent by the {layout.table_label}") + ". ")
    below = layout.first_below_liquid_threshold
    if below is None:
        return text + "No proposed dose falls below that line."
    return text + f"The proposed doses fall below it at step {below.number}."


def _n(value: float) -> str:
    """A coordinate with one decimal, without a trailing .0."""
    return f"{value:.1f}".removesuffix(".0")


def _space(attributes: str) -> str:
    return f" {attributes}" if attributes else ""
