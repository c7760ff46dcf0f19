"""What a page shows for a checked schedule: the summary sentences, the rows of the steps
table with their marks, the chart, the other equivalence tables, and the sources.

Pure module apart from markupsafe: the view builds a ScheduleView and templates only lay
it out, so the provider page, the call's schedule page and the printed summary say the
same thing in the same words.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from finder.domain.schedule_chart import render_schedule_chart
from finder.domain.schedule_inputs import describe_proposal
from finder.domain.taper_schedule import (Proposal, ScheduleCheck, Step, TaperData, check_schedule,
                                   format_number, from_diazepam, lay_out)

__all__ = ["ScheduleView", "Row", "Mark", "OtherTable", "schedule_view", "format_dose",
           "LONG_TABLE_ROWS"]

# Above this many rows the steps table scrolls inside its own box, under a fixed header.
LONG_TABLE_ROWS = 16


@dataclass(frozen=True)
class Mark:
    """A word beside a step, with the CSS modifier that styles it (never colour alone)."""

    kind: str
    text: str


@dataclass(frozen=True)
class Row:
    number: int
    when: str
    dose: str
    removed: str
    share: str
    diazepam: str
    marks: tuple[Mark, ...]
    highlighted: bool


@dataclass(frozen=True)
class OtherTable:
    """Another equivalence table's view of the same schedule, in one or two sentences."""

    label: str
    sentences: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class ScheduleView:
    check: ScheduleCheck
    proposed: str
    liquid: str
    equivalence: str
    table_note: str
    other_tables: tuple[OtherTable, ...]
    rows: tuple[Row, ...]
    has_timing: bool
    chart: Markup
    sources: tuple[str, ...]
    terms: tuple[str, ...]

    @property
    def classification(self):
        return self.check.classification

    @property
    def layout(self):
        return self.check.layout

    @property
    def is_reference_drug(self) -> bool:
        """Diazepam itself: its doses are their own diazepam equivalents."""
        return self.check.layout.is_reference_drug

    @property
    def is_long(self) -> bool:
        return len(self.rows) > LONG_TABLE_ROWS

    @property
    def evidence_text(self) -> str:
        """What was proposed and the evidence, as one note (for a red flag's 'what was said')."""
        return " ".join(("Schedule check:", self.proposed, *self.classification.evidence))


def format_dose(value: float) -> str:
    """A dose with up to four significant figures, so a 10 % series reads 3.6, 3.24, 2.916."""
    return format_number(value, significant=4)


# The words a pattern's label and meaning use, explained beside them (glossary ids). The
# liquid sentence under every result names liquid and compounded doses, so those two always
# apply; "linear taper" only to a schedule that is one.
PATTERN_TERMS = {
    "fixed_mg": ("linear_taper",),
    "percent_of_current": ("percent_of_current_dose",),
}
LIQUID_TERMS = ("liquid_formulation", "compounded_formulation")


def schedule_view(data: TaperData, proposal: Proposal, chart_id: str) -> ScheduleView:
    """Check a proposal with the default table and describe it for a page."""
    check = check_schedule(data, proposal)
    layout = check.layout
    drug = layout.drug
    table = data.tables[layout.table_id]
    sources = (*check.classification.sources, *data.jump_sources, *data.liquid_sources,
               *table.sources, *drug.sources)
    return ScheduleView(
        check=check,
        proposed=describe_proposal(data, proposal),
        liquid=_liquid_sentence(layout),
        equivalence=_equivalence_sentence(data, layout),
        table_note=table.note,
        other_tables=(() if layout.is_reference_drug
                      else tuple(_other_tables(data, proposal, layout))),
        rows=tuple(_row(step, layout) for step in layout.steps),
        has_timing=any(step.when for step in layout.steps),
        chart=Markup(render_schedule_chart(layout, check.comparison, chart_id)),
        sources=tuple(dict.fromkeys(sources)),
        terms=PATTERN_TERMS.get(check.classification.pattern, ()) + LIQUID_TERMS,
    )


def _equivalence_sentence(data: TaperData, layout) -> str:
    """Which figure turns this drug into diazepam; said once, and not at all for diazepam
    itself, which every table measures against."""
    drug = layout.drug
    if layout.is_reference_drug:
        return (f"Every table measures other benzodiazepines against {drug.name.lower()}, so "
                f"the doses of this schedule are their own diazepam equivalents.")
    return (f"Diazepam equivalents use the {layout.table_label}: "
            f"{drug.figures[layout.table_id].describe()} {drug.name.lower()} is roughly equal "
            f"to {format_number(data.reference_mg)} mg diazepam.")


def _row(step: Step, layout) -> Row:
    marks = []
    if step.kind in ("stop", "hold", "increase"):
        marks.append(Mark(step.kind, {"stop": "stop", "hold": "hold",
                                      "increase": "increase"}[step.kind]))
    if step.jump:
        marks.append(Mark("jump", "share jumps"))
    if step.below_liquid_threshold:
        marks.append(Mark("liquid", "needs liquid"))
    if step.kind == "stop" and layout.stops_above_liquid_threshold:
        marks.append(Mark("liquid", "no liquid steps before it"))
    share = step.share_removed_percent
    return Row(
        number=step.number,
        when=step.when or "",
        dose=format_dose(step.dose_mg),
        removed="" if step.number == 0 else format_number(step.removed_mg),
        share="" if share is None else f"{format_number(share)} %",
        diazepam=format_number(step.diazepam_mg),
        marks=tuple(marks),
        highlighted=step.jump or step.below_liquid_threshold,
    )


def _liquid_sentence(layout) -> str:
    in_diazepam = layout.in_diazepam(layout.liquid_threshold_diazepam_mg)
    threshold = (f"Below about {format_number(layout.liquid_threshold_mg)} mg "
                 f"{layout.drug.name.lower()}{in_diazepam} the steps are too small to cut "
                 f"from tablets, so liquid or compounded doses are needed.")
    below = layout.first_below_liquid_threshold
    if below is not None:
        at = f" ({below.when})" if below.when else ""
        return f"{threshold} This schedule gets there at step {below.number}{at}."
    if layout.stops_above_liquid_threshold:
        return threshold  # the layout's ending note says it stops before getting there
    return f"{threshold} No dose in this schedule is that low."


def _other_tables(data: TaperData, proposal: Proposal, layout):
    drug = layout.drug
    used = drug.figures[layout.table_id]
    for table_id, figure in drug.figures.items():
        if table_id == layout.table_id:
            continue
        table = data.tables[table_id]
        if figure.mg == used.mg:
            yield OtherTable(table.label, (f"It gives the same figure for "
                                           f"{drug.name.lower()}: {figure.describe()}.",),
                             table.note)
            continue
        yield OtherTable(table.label, _other_table_sentences(data, proposal, table_id),
                         table.note)


def _other_table_sentences(data: TaperData, proposal: Proposal, table_id: str) -> tuple[str, ...]:
    other = lay_out(data, proposal, table_id)
    drug, start = other.drug, other.steps[0]
    figure = drug.figures[table_id]
    threshold = from_diazepam(data, drug.id, data.liquid_threshold_diazepam_mg, table_id)
    first = (f"{figure.describe()} {drug.name.lower()} is roughly equal to "
             f"{format_number(data.reference_mg)} mg diazepam, so the starting dose is "
             f"{format_number(start.diazepam_mg)} mg diazepam equivalent and liquids are "
             f"needed below about {format_number(threshold.drug_mg)} mg.")
    below = other.first_below_liquid_threshold
    if below is None:
        return first, "By these figures no dose in this schedule is that low."
    at = f" ({below.when})" if below.when else ""
    return first, f"By these figures the schedule gets there at step {below.number}{at}."
