"""Equivalence: converting a dose of a drug to and from its diazepam equivalent."""

from __future__ import annotations

from dataclasses import dataclass

from .common import ScheduleError
from .data import Drug, Figure, TaperData
from .numbers import _clean, _non_negative


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
