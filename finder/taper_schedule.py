"""Schedule-check arithmetic: lay out a taper a clinician proposed and show its shape.

Pure module: no Flask, no printing. It reads data/benzodiazepine_equivalents.toml (dose
equivalents, the liquid threshold, the jump rule, layout limits), turns what a clinician said
(a rule such as "0.25 mg every 2 weeks", or a list of doses) into steps, draws beside it a
percentage-of-current-dose curve with the same start, and says which pattern the proposal
follows, with the evidence in words. Everything it computes is arithmetic, not advice.

Every error the user can cause is a ScheduleError whose message can be shown as it is.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Sequence

__all__ = [
    "ScheduleError",
    "TaperDataError",
    "Figure",
    "Drug",
    "EquivalenceTable",
    "TaperData",
    "Conversion",
    "Rule",
    "Proposal",
    "Step",
    "Layout",
    "Comparison",
    "Classification",
    "ScheduleCheck",
    "RULE_UNITS",
    "INTERVAL_UNITS",
    "PATTERNS",
    "load_taper_data",
    "taper_data_from_dict",
    "to_diazepam",
    "from_diazepam",
    "format_number",
    "make_rule",
    "parse_rule_text",
    "parse_dose_list",
    "proposal_from_rule",
    "proposal_from_doses",
    "lay_out",
    "comparison_curve",
    "classify",
    "check_schedule",
]

EQUIVALENTS_FILE = "benzodiazepine_equivalents.toml"
RULE_UNITS = ("mg", "percent", "percent_of_start")
# Days per interval unit. A month is counted as 30 days for the day number only; the
# `when` label of a step keeps the unit the clinician used ("month 3").
INTERVAL_UNITS = {"days": 1, "weeks": 7, "months": 30}
PATTERNS = ("fixed_mg", "percent_of_current", "irregular", "undetermined")
DRUG_KINDS = ("benzodiazepine", "z_drug")
# Float noise (0.85 - 0.6 = 0.24999999999999994) is removed by keeping this many
# significant digits: doses of a long percentage series get very small, so a fixed number
# of decimals would round them to zero.
_SIGNIFICANT_DIGITS = 12
# Fixed-mg doses are exact multiples, so they are rounded to this many decimals.
_FIXED_DECIMALS = 9
_EPSILON = 1e-9


class ScheduleError(ValueError):
    """Input that cannot be laid out as a schedule; the message is fit to show the user."""


class TaperDataError(ValueError):
    """The equivalents data file breaks a rule; the message says which and where."""


# ---------------------------------------------------------------------------------------
# The data file


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


def load_taper_data(data_dir: Path, sources: dict[str, dict] | None = None) -> TaperData:
    """Load data/benzodiazepine_equivalents.toml and check it (and its citations when
    `sources`, as returned by finder.checklist.load_sources, is given)."""
    with open(Path(data_dir) / EQUIVALENTS_FILE, "rb") as handle:
        raw = tomllib.load(handle)
    return taper_data_from_dict(raw, sources)


def taper_data_from_dict(raw: dict, sources: dict[str, dict] | None = None) -> TaperData:
    """Build TaperData from parsed TOML; raise TaperDataError listing every problem."""
    try:
        data = _build_taper_data(raw)
    except (KeyError, TypeError, ValueError) as error:
        raise TaperDataError(f"{EQUIVALENTS_FILE}: missing or malformed entry ({error})") from error
    problems = list(_data_problems(data))
    if sources is not None:
        problems += list(_citation_problems(data, sources))
    if problems:
        raise TaperDataError(f"{EQUIVALENTS_FILE}: " + "; ".join(problems))
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


def _citation_problems(data: TaperData, sources: dict[str, dict]):
    cited = [(f"drug {d.id!r}", d.sources) for d in data.drugs.values()]
    cited += [(f"table {t.id!r}", t.sources) for t in data.tables.values()]
    cited += [("[liquid]", data.liquid_sources), ("[jump]", data.jump_sources)]
    cited += [(f"[patterns.{p}]", tuple(v.get("sources", ()))) for p, v in data.patterns.items()]
    for where, source_ids in cited:
        if not source_ids:
            yield f"{where} cites no source"
        for source_id in source_ids:
            if source_id not in sources:
                yield f"{where} cites unknown source {source_id!r}"
    for drug in data.drugs.values():
        for table_id in drug.figures.keys() & data.tables.keys():
            missing = set(data.tables[table_id].sources) - set(drug.sources)
            if missing:
                yield (f"drug {drug.id!r} has a {table_id} figure but does not cite "
                       f"{sorted(missing)}")


# ---------------------------------------------------------------------------------------
# Equivalence


@dataclass(frozen=True)
class Conversion:
    """A dose of a drug and its diazepam equivalent, with the table the figure came from."""

    drug_id: str
    drug_name: str
    drug_mg: float
    diazepam_mg: float
    table_id: str
    table_label: str
    figure: Figure

    @property
    def note(self) -> str:
        """Which figure was used, in words, for display beside the result."""
        return (f"{self.table_label}: {self.figure.describe()} {self.drug_name.lower()} "
                f"is roughly equal to 10 mg diazepam.")


def to_diazepam(data: TaperData, drug_id: str, mg: float,
                table_id: str | None = None) -> Conversion:
    """Convert `mg` of a drug to diazepam-equivalent mg with the named (or default) table."""
    drug, table, figure = _figure_for(data, drug_id, table_id)
    mg = _non_negative(mg, "The dose")
    diazepam = _clean(mg * data.reference_mg / figure.mg)
    return Conversion(drug.id, drug.name, mg, diazepam, table.id, table.label, figure)


def from_diazepam(data: TaperData, drug_id: str, diazepam_mg: float,
                  table_id: str | None = None) -> Conversion:
    """Convert diazepam-equivalent mg to mg of a drug with the named (or default) table."""
    drug, table, figure = _figure_for(data, drug_id, table_id)
    diazepam_mg = _non_negative(diazepam_mg, "The diazepam-equivalent dose")
    mg = _clean(diazepam_mg * figure.mg / data.reference_mg)
    return Conversion(drug.id, drug.name, mg, diazepam_mg, table.id, table.label, figure)


def _figure_for(data: TaperData, drug_id: str, table_id: str | None):
    drug = _drug(data, drug_id)
    table_id = table_id or data.default_table
    if table_id not in data.tables:
        raise ScheduleError(f"finder has no equivalence table called “{table_id}”.")
    table = data.tables[table_id]
    if table_id not in drug.figures:
        raise ScheduleError(f"The {table.label} gives no figure for {drug.name.lower()}.")
    return drug, table, drug.figures[table_id]


def _drug(data: TaperData, drug_id: str) -> Drug:
    if drug_id not in data.drugs:
        raise ScheduleError(f"finder does not know the drug “{drug_id}”. "
                            f"Choose one from the list.")
    return data.drugs[drug_id]


# ---------------------------------------------------------------------------------------
# Numbers


_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_DECIMAL_COMMA = re.compile(r"\d,\d")
# A form field may say "0.25 mg" or "10 %"; the unit is chosen beside it.
_UNIT_SUFFIX = re.compile(r"\s*(?:mg\.?|%)$", re.IGNORECASE)


def format_number(value: float) -> str:
    """Three significant figures, no trailing zeros: 2.916 -> '2.92', 0.025 -> '0.025'."""
    if value == 0:
        return "0"
    decimals = max(0, 2 - math.floor(math.log10(abs(value))))
    text = f"{value:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _parse_number(value, what: str) -> float:
    """A finite number from a number or a string such as '0.25' or '0.25 mg'; decimal
    commas are refused."""
    if isinstance(value, bool):
        raise ScheduleError(f"{what} must be a number.")
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise ScheduleError(f"{what} must be a number.")
        return float(value)
    text = _UNIT_SUFFIX.sub("", str(value).strip())
    if _DECIMAL_COMMA.search(text):
        raise ScheduleError(f"“{text}” uses a decimal comma. Write decimals with a point, "
                            f"for example 0.25, not 0,25.")
    if not _NUMBER.fullmatch(text):
        raise ScheduleError(f"{what} must be a number: “{text}” is not one.")
    return float(text)


def _positive(value, what: str) -> float:
    number = _parse_number(value, what)
    if number <= 0:
        raise ScheduleError(f"{what} must be more than 0.")
    return number


def _non_negative(value, what: str) -> float:
    number = _parse_number(value, what)
    if number < 0:
        raise ScheduleError(f"{what} cannot be negative.")
    return number


def _clean(value: float) -> float:
    return float(f"{value:.{_SIGNIFICANT_DIGITS}g}") + 0.0


# ---------------------------------------------------------------------------------------
# What the clinician proposed


@dataclass(frozen=True)
class Rule:
    """A reduction rule: `amount` in `unit` every `every` `interval_unit`.

    unit is "mg" (a fixed amount), "percent" (of the current dose) or "percent_of_start"
    (of the starting dose, which works out as a fixed mg amount). `notes` say how a
    plain-language rule was read, when something in it was left unstated.
    """

    amount: float
    unit: str
    every: float
    interval_unit: str
    hold_on_flares: bool = False
    notes: tuple[str, ...] = ()

    @property
    def interval_days(self) -> float:
        return self.every * INTERVAL_UNITS[self.interval_unit]

    def describe(self) -> str:
        """The rule in words: 'Reduce 10 % of the current dose every 4 weeks, holding on flares.'"""
        size = {"mg": f"{format_number(self.amount)} mg",
                "percent": f"{format_number(self.amount)} % of the current dose",
                "percent_of_start": f"{format_number(self.amount)} % of the starting dose",
                }[self.unit]
        hold = ", holding on flares" if self.hold_on_flares else ""
        return f"Reduce {size} every {_interval_words(self.every, self.interval_unit)}{hold}."


def _interval_words(every: float, unit: str) -> str:
    if every == 1:
        return unit[:-1]
    return f"{format_number(every)} {unit}"


@dataclass(frozen=True)
class Proposal:
    """A checked proposal: the drug, the starting dose, and either a rule or a dose list
    (the list starts with the starting dose)."""

    drug_id: str
    start_mg: float
    rule: Rule | None = None
    doses: tuple[float, ...] | None = None


def make_rule(amount, unit: str, every, interval_unit: str,
              hold_on_flares: bool = False) -> Rule:
    """Check structured rule fields (numbers or strings such as '0.25') and build a Rule."""
    if unit not in RULE_UNITS:
        raise ScheduleError("Give the size of each step in mg or as a percentage.")
    if interval_unit not in INTERVAL_UNITS:
        raise ScheduleError("Give the time between steps in days, weeks or months.")
    amount = _positive(amount, "The size of each step")
    if unit != "mg" and amount >= 100:
        raise ScheduleError("A percentage step must be more than 0 % and less than 100 %.")
    every = _positive(every, "The time between steps")
    return Rule(amount, unit, every, interval_unit, bool(hold_on_flares))


def proposal_from_rule(data: TaperData, drug_id: str, start_mg, rule: Rule) -> Proposal:
    """Check a starting dose and a rule together and build a Proposal."""
    _drug(data, drug_id)
    start = _positive(start_mg, "The starting dose")
    if rule.unit == "mg" and rule.amount > start + _EPSILON:
        raise ScheduleError(f"A step of {format_number(rule.amount)} mg is larger than the "
                            f"starting dose of {format_number(start)} mg.")
    proposal = Proposal(drug_id, start, rule=rule)
    if _fixed_step_mg(proposal) is not None:
        _check_fixed_step_count(data, proposal)
    return proposal


def proposal_from_doses(data: TaperData, drug_id: str, doses: str | Sequence,
                        start_mg=None) -> Proposal:
    """Check a list of doses (text or numbers; the first is the starting dose) and build a
    Proposal. When `start_mg` is given and the list does not begin with it, it is put first.
    Equal or higher doses are allowed: they are shown as holds and increases."""
    _drug(data, drug_id)
    values = list(parse_dose_list(doses) if isinstance(doses, str) else
                  [_parse_number(value, "Each dose") for value in doses])
    if start_mg is not None:
        start = _positive(start_mg, "The starting dose")
        if not values or not math.isclose(values[0], start):
            values.insert(0, start)
    _check_dose_list(data, values)
    return Proposal(drug_id, values[0], doses=tuple(values))


def _check_dose_list(data: TaperData, values: list[float]) -> None:
    if len(values) < 2:
        raise ScheduleError("The list needs at least two doses: the starting dose and the "
                            "next one.")
    if len(values) - 1 > data.max_steps:
        raise ScheduleError(f"The list has {len(values)} doses; finder lays out at most "
                            f"{data.max_steps + 1} (the start and {data.max_steps} steps).")
    for value in values:
        if value < 0:
            raise ScheduleError(f"Doses cannot be negative (the list has "
                                f"{format_number(value)} mg).")
    if values[0] == 0:
        raise ScheduleError("The first dose in the list is the starting dose: it must be more "
                            "than 0 mg.")
    if 0 in values[:-1]:
        raise ScheduleError("The list goes on after 0 mg. End the list at the first 0 (stopping).")


def _fixed_step_mg(proposal: Proposal) -> float | None:
    rule = proposal.rule
    if rule is None or rule.unit == "percent":
        return None
    if rule.unit == "mg":
        return rule.amount
    return _clean(proposal.start_mg * rule.amount / 100)


def _check_fixed_step_count(data: TaperData, proposal: Proposal) -> None:
    steps = math.ceil(proposal.start_mg / _fixed_step_mg(proposal) - _EPSILON)
    if steps > data.max_steps:
        raise ScheduleError(f"That schedule would take {steps} steps to reach zero; finder lays "
                            f"out at most {data.max_steps}. Check the size of each step.")


# ---------------------------------------------------------------------------------------
# Reading what a clinician said


_SEPARATORS = re.compile(r"[,;\s]+|->|→")
_MG_SUFFIX = re.compile(r"mg\.?$", re.IGNORECASE)


def parse_dose_list(text: str) -> tuple[float, ...]:
    """Read doses such as '2, 1.75, 1.5' or '2 mg; 1.75 mg' or one per line.

    Commas, semicolons, spaces, new lines and arrows separate doses; an 'mg' after a number
    is ignored. A comma between two digits ('1,5') is refused as a decimal comma, because
    it could also be two doses written without a space."""
    if _DECIMAL_COMMA.search(text):
        found = _DECIMAL_COMMA.search(text).group(0)
        raise ScheduleError(f"“{found}” looks like a decimal comma. Write decimals with a "
                            f"point (1.5, not 1,5) and separate doses with a comma and a "
                            f"space, a semicolon or a new line.")
    tokens = [_MG_SUFFIX.sub("", token) for token in _SEPARATORS.split(text)]
    doses = tuple(_parse_dose_token(token) for token in tokens if token)
    if not doses:
        raise ScheduleError("The list of doses is empty. Write the doses in order, for "
                            "example: 2, 1.75, 1.5.")
    return doses


def _parse_dose_token(token: str) -> float:
    if not _NUMBER.fullmatch(token):
        raise ScheduleError(f"“{token}” is not a number. Write each dose as a plain number, "
                            f"such as 1.75 or 1.75 mg.")
    return float(token)


_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "other": 2}
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?|\.\d+)\s*(mg\b|milligrams?\b|%|percent\b|per cent\b)")
# A dose the taper starts from ("from 2 mg", "currently on 2 mg") is not the step size.
_STARTING_DOSE = re.compile(r"\b(?:from|starting at|start at|on)\s+(?:\d+(?:\.\d+)?|\.\d+)\s*"
                            r"(?:mg\b|milligrams?\b)")
_FRACTION = re.compile(r"\d\s*/\s*\d")
_EVERY = re.compile(r"\bevery\s+(?:(\d+(?:\.\d+)?|" + "|".join(_NUMBER_WORDS) +
                    r")\s+)?(day|week|month|fortnight)s?\b")
_ADVERB = re.compile(r"\b(daily|weekly|fortnightly|monthly)\b|"
                     r"\b(?:a|per|each)\s+(day|week|month)\b")
_OF_CURRENT = re.compile(r"\bof\s+(?:the\s+|your\s+|my\s+)?(?:current|present|remaining|"
                         r"latest|last|existing)\s+dose\b|\bof\s+what\s+(?:is\s+left|you\s+take)")
_OF_START = re.compile(r"\bof\s+(?:the\s+|your\s+|my\s+)?(?:start|starting|original|initial|"
                       r"first|baseline)\s+dose\b")
_HOLD_ON_FLARES = re.compile(r"\b(?:hold|holds|holding|pause|pauses|pausing)\b[^.;]*\bflare")


def parse_rule_text(text: str) -> Rule:
    """Read a plain-language rule such as 'reduce 0.25 mg every 2 weeks' or 'reduce 10 % of
    the current dose every 4 weeks, holding on flares' into a Rule; ScheduleError when the
    step size or the interval cannot be found.

    The step size is the first amount in mg or % that is not a starting dose ('from 2 mg').
    A percentage is of the current dose unless the text says 'of the starting dose' (then it
    is a fixed mg step); when no base is said, a note on the Rule says so."""
    said = " ".join(text.lower().split())
    if _DECIMAL_COMMA.search(said):
        raise ScheduleError("Write decimals with a point (0.25, not 0,25).")
    if _FRACTION.search(said):
        raise ScheduleError("Write fractions as decimals (0.25, not 1/4).")
    if "biweekly" in said or "bi-weekly" in said:
        raise ScheduleError("“Biweekly” can mean twice a week or every two weeks: write "
                            "“every 2 weeks” or “twice a week” instead.")
    amount, unit, notes = _read_amount(said)
    every, interval_unit = _read_interval(said)
    rule = make_rule(amount, unit, every, interval_unit, bool(_HOLD_ON_FLARES.search(said)))
    return replace(rule, notes=notes)


def _read_amount(said: str) -> tuple[str, str, tuple[str, ...]]:
    match = _AMOUNT.search(_STARTING_DOSE.sub(" ", said))
    if match is None:
        raise ScheduleError("finder could not find the size of each step. Write it in mg "
                            "(“0.25 mg every 2 weeks”) or as a percentage "
                            "(“10 % every 4 weeks”).")
    number, unit = match.groups()
    if unit.startswith(("mg", "milligram")):
        return number, "mg", ()
    if _OF_START.search(said):
        return number, "percent_of_start", ()
    note = () if _OF_CURRENT.search(said) else (
        "The percentage was not said to be of the current dose; it is laid out that way here. "
        "Worth asking: a percentage of which dose?",)
    return number, "percent", note


def _read_interval(said: str) -> tuple[float, str]:
    match = _EVERY.search(said)
    if match:
        count, unit = match.group(1), match.group(2)
        every = _NUMBER_WORDS.get(count) or float(count or 1)
        return (every * 2, "weeks") if unit == "fortnight" else (every, unit + "s")
    match = _ADVERB.search(said)
    if match:
        word = match.group(1) or match.group(2)
        unit = {"daily": "day", "weekly": "week", "monthly": "month"}.get(word, word)
        return (2, "weeks") if unit == "fortnightly" else (1, unit + "s")
    raise ScheduleError("finder could not find how often the dose goes down. Write it like "
                        "“every 2 weeks”, “every 10 days” or “every month”.")


# ---------------------------------------------------------------------------------------
# Laying out the steps


@dataclass(frozen=True)
class Step:
    """One dose of a schedule. Step 0 is the starting dose.

    removed_mg is the previous dose minus this one (negative for an increase);
    share_removed_percent is that as a share of the previous (current) dose, None at the
    start. kind is "start", "reduce", "hold", "increase" or "stop" (the step to 0 mg).
    jump marks a reduction whose share is out of line (see [jump] in the data file).
    day and when are set for rules only: days from the start, and e.g. 'week 6'."""

    number: int
    dose_mg: float
    removed_mg: float
    share_removed_percent: float | None
    diazepam_mg: float
    below_liquid_threshold: bool
    kind: str
    jump: bool = False
    day: int | None = None
    when: str | None = None

    @property
    def week(self) -> float | None:
        """Weeks from the start (day / 7), for rules."""
        return None if self.day is None else self.day / 7


@dataclass(frozen=True)
class Layout:
    """A proposal laid out step by step.

    ending is "zero" (reaches 0 mg), "floor" (a percentage rule stopped at the display
    floor), "step_cap" (stopped at max_steps) or "list_end" (a list that stops above zero);
    ending_note says it in words. liquid_threshold_mg is the liquid threshold in mg of this
    drug by the table used; liquid_threshold_diazepam_mg is the same in diazepam."""

    proposal: Proposal
    drug: Drug
    table_id: str
    table_label: str
    steps: tuple[Step, ...]
    ending: str
    ending_note: str
    liquid_threshold_mg: float
    liquid_threshold_diazepam_mg: float

    @property
    def reductions(self) -> tuple[Step, ...]:
        """The steps that lower the dose without stopping."""
        return tuple(step for step in self.steps if step.kind == "reduce")

    @property
    def first_below_liquid_threshold(self) -> Step | None:
        """The first step whose dose needs a liquid or compounded formulation, if any."""
        return next((step for step in self.steps if step.below_liquid_threshold), None)

    @property
    def stops_above_liquid_threshold(self) -> bool:
        """True when the schedule goes to 0 mg from a dose at or above the liquid threshold,
        so it never reaches the doses that need a liquid."""
        return (self.ending == "zero" and len(self.steps) > 1
                and not self.steps[-2].below_liquid_threshold)


def lay_out(data: TaperData, proposal: Proposal, table_id: str | None = None) -> Layout:
    """Lay out a proposal step by step, with diazepam equivalents from the named (or
    default) table, liquid-threshold and jump flags, and how the layout ends."""
    drug, table, _ = _figure_for(data, proposal.drug_id, table_id)
    threshold_mg = from_diazepam(data, drug.id, data.liquid_threshold_diazepam_mg, table.id).drug_mg
    doses, ending = _doses_for(data, proposal)
    rule = proposal.rule
    steps = _build_steps(data, drug.id, table.id, doses, rule.every if rule else None,
                         rule.interval_unit if rule else None)
    layout = Layout(proposal, drug, table.id, table.label, steps, ending, "", threshold_mg,
                    data.liquid_threshold_diazepam_mg)
    return replace(layout, ending_note=_ending_note(data, layout))


def _doses_for(data: TaperData, proposal: Proposal) -> tuple[list[float], str]:
    if proposal.doses is not None:
        return list(proposal.doses), ("zero" if proposal.doses[-1] == 0 else "list_end")
    step_mg = _fixed_step_mg(proposal)
    if step_mg is not None:
        return _fixed_mg_doses(proposal.start_mg, step_mg), "zero"
    floor_mg = from_diazepam(data, proposal.drug_id, data.percent_rule_floor_diazepam_mg).drug_mg
    return _percent_doses(proposal.start_mg, proposal.rule.amount, floor_mg, data.max_steps)


def _fixed_mg_doses(start: float, step: float) -> list[float]:
    count = math.ceil(start / step - _EPSILON)
    doses = [max(0.0, round(start - number * step, _FIXED_DECIMALS)) for number in range(count)]
    return doses + [0.0]


def _percent_doses(start: float, percent: float, floor_mg: float,
                   max_steps: int) -> tuple[list[float], str]:
    doses = [start]
    while len(doses) - 1 < max_steps:
        doses.append(_clean(start * (1 - percent / 100) ** len(doses)))
        if doses[-1] < floor_mg:
            return doses, "floor"
    return doses, "step_cap"


def _build_steps(data: TaperData, drug_id: str, table_id: str, doses: Sequence[float],
                 every: float | None, interval_unit: str | None) -> tuple[Step, ...]:
    steps = []
    for number, dose in enumerate(doses):
        previous = doses[number - 1] if number else None
        diazepam = to_diazepam(data, drug_id, dose, table_id).diazepam_mg
        day, when = _timing(number, every, interval_unit)
        steps.append(Step(
            number=number, dose_mg=dose,
            removed_mg=_clean(previous - dose) if number else 0.0,
            share_removed_percent=_share_removed(previous, dose),
            diazepam_mg=diazepam,
            below_liquid_threshold=0 < diazepam < data.liquid_threshold_diazepam_mg,
            kind=_kind(previous, dose), day=day, when=when))
    return _mark_jumps(data, steps)


def _share_removed(previous: float | None, dose: float) -> float | None:
    """The share of the previous (current) dose a step removes, in percent."""
    if not previous:  # the start, or a dose so small it underflowed to zero
        return None
    return _clean((previous - dose) / previous * 100)


def _timing(number: int, every: float | None, interval_unit: str | None):
    if every is None:
        return None, None
    day = round(number * every * INTERVAL_UNITS[interval_unit])
    when = "start" if number == 0 else f"{interval_unit[:-1]} {format_number(number * every)}"
    return day, when


def _kind(previous: float | None, dose: float) -> str:
    if previous is None:
        return "start"
    if dose == 0:
        return "stop"
    if math.isclose(dose, previous, rel_tol=1e-9):
        return "hold"
    return "reduce" if dose < previous else "increase"


def _mark_jumps(data: TaperData, steps: list[Step]) -> tuple[Step, ...]:
    reductions = [step for step in steps
                  if step.kind == "reduce" and step.share_removed_percent is not None]
    if not reductions:
        return tuple(steps)
    # Above EITHER limit is a jump, so the lower of the two decides.
    limit = min(reductions[0].share_removed_percent * data.jump_ratio_to_first_step,
                data.jump_share_above_percent)
    jumps = {step.number for step in reductions if step.share_removed_percent > limit + _EPSILON}
    return tuple(replace(step, jump=step.number in jumps) for step in steps)


def _ending_note(data: TaperData, layout: Layout) -> str:
    last = layout.steps[-1]
    at = f" ({last.when})" if last.when else ""
    if layout.ending == "zero":
        return _zero_note(layout, at)
    if layout.ending == "floor":
        return (f"A share of the current dose never reaches zero, so the layout stops at step "
                f"{last.number}{at}, the first dose below "
                f"{format_number(data.percent_rule_floor_diazepam_mg)} mg diazepam equivalent. "
                f"That is where the drawing stops, not advice on how to end a taper.")
    if layout.ending == "step_cap":
        return (f"The layout stops after {data.max_steps} steps, the most finder draws; the dose "
                f"is then {format_number(last.dose_mg)} mg.")
    return f"The list ends at {format_number(last.dose_mg)} mg without reaching zero."


def _zero_note(layout: Layout, at: str) -> str:
    before = layout.steps[-2]
    note = (f"The schedule reaches zero at step {layout.steps[-1].number}{at}, stopping from "
            f"{format_number(before.dose_mg)} mg ({format_number(before.diazepam_mg)} mg "
            f"diazepam equivalent).")
    if layout.stops_above_liquid_threshold:
        note += (" That dose is above the liquid threshold, so the schedule never reaches the "
                 "small doses that need a liquid or compounded formulation.")
    return note


# ---------------------------------------------------------------------------------------
# The comparison curve


@dataclass(frozen=True)
class Comparison:
    """A percentage-of-current-dose series with the proposal's start, number of steps and
    timing, for charting beside it. `reason` says which percentage was chosen and why."""

    percent: float
    reason: str
    steps: tuple[Step, ...]


def comparison_curve(data: TaperData, layout: Layout) -> Comparison:
    """The comparison curve for a laid-out proposal.

    It copies the share of the proposal's first reduction (0.25 mg off 2 mg: 12.5 % of the
    current dose at every step), so the two lines start together and part as the dose falls.
    When the proposal already takes a percentage of the current dose, or has no reduction to
    copy, it uses the data file's comparison_percent (10 %) instead."""
    percent, reason = _comparison_percent(data, layout)
    start = layout.proposal.start_mg
    doses = [_clean(start * (1 - percent / 100) ** number) for number in range(len(layout.steps))]
    rule = layout.proposal.rule
    steps = _build_steps(data, layout.drug.id, layout.table_id, doses,
                         rule.every if rule else None, rule.interval_unit if rule else None)
    return Comparison(percent, reason, steps)


def _comparison_percent(data: TaperData, layout: Layout) -> tuple[float, str]:
    rule = layout.proposal.rule
    default = format_number(data.comparison_percent)
    if rule is not None and rule.unit == "percent":
        return data.comparison_percent, (
            f"The proposal already takes a share of the current dose, so the comparison uses "
            f"{default} % of the current dose, the rate of the clinic article's worked example.")
    if not layout.reductions:
        return data.comparison_percent, (
            f"The proposal has no reduction to copy, so the comparison uses {default} % of the "
            f"current dose.")
    first = layout.reductions[0]
    share = format_number(first.share_removed_percent)
    return first.share_removed_percent, (
        f"Same start and same first step ({format_number(first.removed_mg)} mg, {share} % of the "
        f"dose), then {share} % of the current dose at every step, so the steps in mg shrink.")


# ---------------------------------------------------------------------------------------
# Classification


@dataclass(frozen=True)
class Classification:
    """Which pattern a proposal follows, in words a page can show.

    pattern is one of PATTERNS; label and meaning come from [patterns.*] in the data file;
    evidence are sentences of arithmetic about this proposal; red_flag is the checklist red
    flag the page may offer to tick ("fixed_mg_steps" for fixed_mg), or None."""

    pattern: str
    label: str
    meaning: str
    evidence: tuple[str, ...]
    red_flag: str | None
    sources: tuple[str, ...]


def classify(data: TaperData, layout: Layout) -> Classification:
    """Classify a laid-out proposal: a rule by its unit, a list by its steps (the same mg
    each time, roughly the same share each time, or neither)."""
    pattern, evidence = _pattern_and_evidence(data, layout)
    if layout.proposal.doses is not None:
        evidence += _hold_and_increase_evidence(layout)
    info = data.patterns[pattern]
    return Classification(pattern, info["label"], info.get("meaning", ""), tuple(evidence),
                          info.get("red_flag"), tuple(info.get("sources", ())))


def _pattern_and_evidence(data: TaperData, layout: Layout) -> tuple[str, list[str]]:
    rule = layout.proposal.rule
    if rule is not None and rule.unit == "percent":
        return "percent_of_current", _percent_evidence(data, layout)
    if rule is not None:
        return "fixed_mg", _fixed_mg_evidence(data, layout)
    reductions = layout.reductions
    if len(reductions) < 2:
        return "undetermined", [f"The list has {_count(len(reductions), 'reduction')} before "
                                f"any stop; at least two are needed to see a pattern."]
    if _same_mg(data, reductions):
        return "fixed_mg", _fixed_mg_evidence(data, layout)
    if _steady_share(data, reductions):
        return "percent_of_current", _percent_evidence(data, layout)
    return "irregular", _irregular_evidence(data, layout)


def _same_mg(data: TaperData, reductions: Sequence[Step]) -> bool:
    removed = [step.removed_mg for step in reductions]
    tolerance = max(removed) * data.same_mg_tolerance_percent / 100
    return max(removed) - min(removed) <= tolerance + _EPSILON


def _steady_share(data: TaperData, reductions: Sequence[Step]) -> bool:
    shares = [step.share_removed_percent for step in reductions]
    return max(shares) <= min(shares) * data.steady_share_ratio + _EPSILON


def _fixed_mg_evidence(data: TaperData, layout: Layout) -> list[str]:
    rule, reductions = layout.proposal.rule, layout.reductions
    step_mg = format_number(_fixed_step_mg(layout.proposal) or reductions[0].removed_mg)
    evidence = []
    if rule is not None and rule.unit == "percent_of_start":
        evidence.append(f"{format_number(rule.amount)} % of the starting dose is the same "
                        f"{step_mg} mg every time, so this is a fixed-mg taper.")
    if not reductions:
        return evidence + [f"A single step of {step_mg} mg, straight to zero."]
    last = "the last before stopping" if layout.ending == "zero" else "the last"
    evidence.append(f"Steps of {step_mg} mg each; the first removes "
                    f"{format_number(reductions[0].share_removed_percent)} % of the dose, {last} "
                    f"{format_number(reductions[-1].share_removed_percent)} %.")
    return evidence + _jump_evidence(data, layout)


def _percent_evidence(data: TaperData, layout: Layout) -> list[str]:
    reductions, rule = layout.reductions, layout.proposal.rule
    first_mg = format_number(reductions[0].removed_mg)
    last_mg = format_number(reductions[-1].removed_mg)
    if rule is not None:
        evidence = [f"Each step removes {format_number(rule.amount)} % of the current dose, so "
                    f"the steps in mg shrink: {first_mg} mg at first, {last_mg} mg by step "
                    f"{reductions[-1].number}."]
        evidence += ["The dose is held during flares."] if rule.hold_on_flares else []
        return evidence + list(rule.notes) + _jump_evidence(data, layout)
    shares = [step.share_removed_percent for step in reductions]
    return [f"Each step removes between {format_number(min(shares))} % and "
            f"{format_number(max(shares))} % of the current dose; the steps in mg go from "
            f"{first_mg} mg to {last_mg} mg."] + _jump_evidence(data, layout)


def _irregular_evidence(data: TaperData, layout: Layout) -> list[str]:
    removed = [step.removed_mg for step in layout.reductions]
    shares = [step.share_removed_percent for step in layout.reductions]
    return [f"The mg removed ranges from {format_number(min(removed))} to "
            f"{format_number(max(removed))} mg, and the share of the current dose from "
            f"{format_number(min(shares))} % to {format_number(max(shares))} %."
            ] + _jump_evidence(data, layout)


def _jump_evidence(data: TaperData, layout: Layout) -> list[str]:
    jumps = [step for step in layout.steps if step.jump]
    if not jumps:
        return []
    first = jumps[0]
    at = f" ({first.when})" if first.when else ""
    verb = "takes" if len(jumps) == 1 else "take"
    ratio = format_number(data.jump_ratio_to_first_step)
    above = format_number(data.jump_share_above_percent)
    return [f"{len(jumps)} of the {_count(len(layout.reductions), 'reduction')} {verb} a much "
            f"bigger share than the first (more than {ratio} times its share, or more than "
            f"{above} % of the dose), starting at step {first.number}{at}, "
            f"{format_number(first.share_removed_percent)} %."]


def _hold_and_increase_evidence(layout: Layout) -> list[str]:
    holds = sum(step.kind == "hold" for step in layout.steps)
    increases = sum(step.kind == "increase" for step in layout.steps)
    if not holds and not increases:
        return []
    return [f"The list includes {_count(holds, 'hold')} and {_count(increases, 'increase')} "
            f"(a hold or a small increase can be part of a careful taper)."]


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


# ---------------------------------------------------------------------------------------
# Everything at once


@dataclass(frozen=True)
class ScheduleCheck:
    """A proposal laid out, its comparison curve, and its classification."""

    layout: Layout
    comparison: Comparison
    classification: Classification


def check_schedule(data: TaperData, proposal: Proposal,
                   table_id: str | None = None) -> ScheduleCheck:
    """Lay out, compare and classify a proposal in one call (what the page needs)."""
    layout = lay_out(data, proposal, table_id)
    return ScheduleCheck(layout, comparison_curve(data, layout), classify(data, layout))
