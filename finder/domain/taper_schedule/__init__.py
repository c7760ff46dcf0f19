"""Schedule-check arithmetic: lay out a taper a clinician proposed and show its shape.

Pure module: no Flask, no printing. It works from data/benzodiazepine_equivalents.toml (dose
equivalents, the liquid threshold, the jump rule, layout limits), turns what a clinician said
(a rule such as "0.25 mg every 2 weeks", or a list of doses) into steps, draws beside it a
percentage-of-current-dose curve with the same start, and says which pattern the proposal
follows, with the evidence in words. Everything it computes is arithmetic, not advice.

Every error the user can cause is a ScheduleError whose message can be shown as it is.

The code is split by feature: common (units, patterns, error types), numbers (reading and
formatting numbers), data (the data file), equivalence (to and from diazepam), rules and
parsing (what a clinician said), proposals, layout (the steps), comparison (the comparison
curve), classification, and check (everything at once). Import from finder.domain.taper_schedule.
"""

from __future__ import annotations

from .check import ScheduleCheck, check_schedule
from .classification import Classification, classify
from .common import INTERVAL_UNITS, PATTERNS, RULE_UNITS, ScheduleError, TaperDataError
from .comparison import Comparison, comparison_curve
from .data import Drug, EquivalenceTable, Figure, TaperData, taper_data_from_dict
from .equivalence import Conversion, from_diazepam, to_diazepam
from .layout import Layout, Step, lay_out
from .numbers import format_number
from .parsing import parse_dose_list, parse_rule_text
from .proposals import Proposal, proposal_from_doses, proposal_from_rule
from .rules import Rule, make_rule

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
