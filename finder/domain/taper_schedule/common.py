"""Names every part of the schedule check shares: the units, patterns and rounding
constants, and the two error types."""

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
    """The equivalents data break rules; `problems` says which and where."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__(f"{EQUIVALENTS_FILE}: " + "; ".join(self.problems))
