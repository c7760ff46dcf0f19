"""The equivalents data: Figure, Drug, EquivalenceTable and TaperData, built from the parsed
data/benzodiazepine_equivalents.toml and checked (finder.content reads the file and checks
its citations)."""

from __future__ import annotations

from dataclasses import dataclass

from .common import DRUG_KINDS, PATTERNS, TaperDataError
from .numbers import format_number


@dataclass(frozen=True)
class Figure:
    """One table's dose of a drug roughly equal to the reference dose (10 mg diazepam)."""

    low_mg: float
    high_mg: float

    @property
    def mg(self) -> float:
        """The figure used for arithmetic: the midpoint when the table gives a range."""
        return (self.low_mg + self.high_mg) / 2

    @property
    def is_range(self) -> bool:
        return self.high_mg > self.low_mg

    def describe(self) -> str:
        """'0.5 mg', or '1-2 mg (midpoint 1.5 mg used for arithmetic)' for a range."""
        if not self.is_range:
            return f"{format_number(self.low_mg)} mg"
        return (f"{format_number(self.low_mg)}–{format_number(self.high_mg)} mg "
                f"(midpoint {format_number(self.mg)} mg used for arithmetic)")


@dataclass(frozen=True)
class Drug:
    """A drug of the equivalence tables, with its figure in each table that lists it."""

    id: str
    name: str
    brands: tuple[str, ...]
    kind: str
    sources: tuple[str, ...]
    figures: dict[str, Figure]

    @property
    def display_name(self) -> str:
        """'Clonazepam (Klonopin, Rivotril)'."""
        if not self.brands:
            return self.name
        return f"{self.name} ({', '.join(self.brands)})"


@dataclass(frozen=True)
class EquivalenceTable:
    """A named equivalence table and the sources it comes from."""

    id: str
    label: str
    sources: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class TaperData:
    """Everything the schedule check reads from data/benzodiazepine_equivalents.toml."""

    version: int
    drugs: dict[str, Drug]
    tables: dict[str, EquivalenceTable]
    default_table: str
    reference_drug: str
    reference_mg: float
    liquid_threshold_diazepam_mg: float
    liquid_sources: tuple[str, ...]
    jump_ratio_to_first_step: float
    jump_share_above_percent: float
    jump_sources: tuple[str, ...]
    percent_rule_floor_diazepam_mg: float
    max_steps: int
    comparison_percent: float
    same_mg_tolerance_percent: float
    steady_share_ratio: float
    patterns: dict[str, dict]


def taper_data_from_dict(raw: dict) -> TaperData:
    """Build TaperData from parsed TOML; raise TaperDataError listing every problem."""
    try:
        data = _build_taper_data(raw)
    except (KeyError, TypeError, ValueError) as error:
        raise TaperDataError([f"missing or malformed entry ({error})"]) from error
    problems = list(_data_problems(data))
    if problems:
        raise TaperDataError(problems)
    return data


def _build_taper_data(raw: dict) -> TaperData:
    table_ids = [key for key in raw["tables"] if key != "default"]
    tables = {
        table_id: EquivalenceTable(table_id, raw["tables"][table_id]["label"],
                                   tuple(raw["tables"][table_id]["sources"]),
                                   raw["tables"][table_id].get("note", ""))
        for table_id in table_ids
    }
    drugs = [_build_drug(entry) for entry in raw["drugs"]]
    if len({drug.id for drug in drugs}) != len(drugs):
        raise ValueError("two drugs share an id")
    layout, jump, classification = raw["layout"], raw["jump"], raw["classification"]
    return TaperData(
        version=raw["version"],
        drugs={drug.id: drug for drug in drugs},
        tables=tables,
        default_table=raw["tables"]["default"],
        reference_drug=raw["reference"]["drug"],
        reference_mg=float(raw["reference"]["dose_mg"]),
        liquid_threshold_diazepam_mg=float(raw["liquid"]["threshold_diazepam_mg"]),
        liquid_sources=tuple(raw["liquid"]["sources"]),
        jump_ratio_to_first_step=float(jump["ratio_to_first_step"]),
        jump_share_above_percent=float(jump["share_above_percent"]),
        jump_sources=tuple(jump["sources"]),
        percent_rule_floor_diazepam_mg=float(layout["percent_rule_floor_diazepam_mg"]),
        max_steps=int(layout["max_steps"]),
        comparison_percent=float(layout["comparison_percent"]),
        same_mg_tolerance_percent=float(classification["same_mg_tolerance_percent"]),
        steady_share_ratio=float(classification["steady_share_ratio"]),
        patterns=dict(raw["patterns"]),
    )


def _build_drug(entry: dict) -> Drug:
    figures = {}
    for table_id, value in entry["equivalent_mg"].items():
        low, high = (value, value) if isinstance(value, (int, float)) else value
        figures[table_id] = Figure(float(low), float(high))
    return Drug(entry["id"], entry["name"], tuple(entry.get("brands", [])), entry["kind"],
                tuple(entry.get("sources", [])), figures)


def _data_problems(data: TaperData):
    if data.default_table not in data.tables:
        yield f"default table {data.default_table!r} is not defined"
    if data.reference_drug not in data.drugs:
        yield f"reference drug {data.reference_drug!r} is not in [[drugs]]"
    for drug in data.drugs.values():
        yield from _drug_problems(drug, data)
    for name in ("liquid_threshold_diazepam_mg", "jump_ratio_to_first_step",
                 "jump_share_above_percent", "percent_rule_floor_diazepam_mg",
                 "comparison_percent", "steady_share_ratio"):
        if not getattr(data, name) > 0:
            yield f"{name} must be more than 0"
    if not 0 < data.comparison_percent < 100:
        yield "comparison_percent must be between 0 and 100"
    if data.steady_share_ratio >= data.jump_ratio_to_first_step:
        yield "steady_share_ratio must be below the jump ratio_to_first_step"
    if data.max_steps < 1:
        yield "max_steps must be 1 or more"
    for pattern in PATTERNS:
        if pattern not in data.patterns or not data.patterns[pattern].get("label"):
            yield f"[patterns.{pattern}] needs a label"


def _drug_problems(drug: Drug, data: TaperData):
    if drug.kind not in DRUG_KINDS:
        yield f"drug {drug.id!r}: kind must be one of {DRUG_KINDS}"
    if data.default_table not in drug.figures:
        yield f"drug {drug.id!r} has no figure in the default table {data.default_table!r}"
    for table_id, figure in drug.figures.items():
        if table_id not in data.tables:
            yield f"drug {drug.id!r}: unknown table {table_id!r}"
        if not 0 < figure.low_mg <= figure.high_mg:
            yield f"drug {drug.id!r}: the {table_id} figure must be positive, low before high"
        if drug.id == data.reference_drug and figure.mg != data.reference_mg:
            yield f"drug {drug.id!r}: the reference drug must be {data.reference_mg:g} mg"

