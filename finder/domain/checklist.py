"""The screening checklist, checked for integrity.

Pure module: no Flask. A checklist is plain data (dicts and lists, exactly as parsed from
TOML) wrapped in a small read-only object with lookups by id, so that the same object can be
rebuilt from a copy stored beside the interviews that used it. data/checklist.toml is read,
and its citations checked, with the rest of the content (finder.content).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

__all__ = [
    "Checklist",
    "ChecklistError",
    "VerdictRules",
    "SIGNALS",
    "PRACTICAL_KINDS",
    "checklist_from_data",
]

SIGNALS = ("good", "partial", "bad", "unclear")
PRACTICAL_KINDS = ("choice", "text", "states")
VERDICT_IDS = ("strong", "promising", "red_flag", "not_a_match", "incomplete")
# The rules in [verdict], each with its reason in [verdict.why].
RULE_REASONS = ("red_flag", "concerns", "incomplete", "low_score", "decisive", "strong",
                "promising")
FLAG_GROUPS = ("method", "care")


class ChecklistError(ValueError):
    """The checklist data break rules; `problems` says which and where."""

    def __init__(self, problems: Iterable[str]):
        self.problems = list(problems)
        super().__init__("checklist: " + "; ".join(self.problems))


@dataclass(frozen=True)
class VerdictRules:
    """The [verdict] table: which answers show the method, the thresholds, and why."""

    method_questions: tuple[str, ...]
    decisive_question: str
    min_core_answered: int
    strong_min_percent: int
    promising_min_percent: int
    not_a_match_concerns: int
    why: dict[str, str]

    @classmethod
    def from_data(cls, verdict: dict) -> "VerdictRules":
        return cls(tuple(verdict["method_questions"]), verdict["decisive_question"],
                   verdict["min_core_answered"], verdict["strong_min_percent"],
                   verdict["promising_min_percent"], verdict["not_a_match_concerns"],
                   dict(verdict["why"]))


@dataclass(frozen=True, eq=False)
class Checklist:
    """One version of the checklist, with lookups by id. Compared and hashed by identity,
    so that what is worked out from one checklist can be remembered against it."""

    data: dict[str, Any]
    questions: dict[str, dict] = field(init=False)
    red_flags: dict[str, dict] = field(init=False)
    practical: dict[str, dict] = field(init=False)
    # Scoring looks these up for every answer of every call: by id, not by searching.
    _options: dict[tuple[str, str], dict] = field(init=False, repr=False)
    _max_points: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "questions", {q["id"]: q for q in self.data["questions"]})
        object.__setattr__(self, "red_flags", {f["id"]: f for f in self.data["red_flags"]})
        object.__setattr__(self, "practical", {p["id"]: p for p in self.data["practical"]})
        object.__setattr__(self, "_options", {(q["id"], o["id"]): o
                                              for q in self.data["questions"]
                                              for o in q["options"]})
        object.__setattr__(self, "_max_points", {q["id"]: max(o["points"] for o in q["options"])
                                                 for q in self.data["questions"]})

    @property
    def version(self) -> int:
        return self.data["version"]

    @property
    def rules(self) -> VerdictRules:
        """The verdict rules. Only the current checklist needs them: a copy stored with old
        calls (whose [verdict] may predate these rules) is read for its wording."""
        return VerdictRules.from_data(self.data["verdict"])

    def method_flag_ids(self) -> list[str]:
        """The article's red flags, in its order."""
        method = [f for f in self.data["red_flags"] if f.get("group", "method") == "method"]
        return [f["id"] for f in sorted(method, key=lambda f: f.get("number", 0))]

    def verdict_label(self, verdict_id: str) -> dict:
        """The label and meaning shown for a verdict id."""
        return next(v for v in self.data["verdict"]["labels"] if v["id"] == verdict_id)

    def option(self, question_id: str, option_id: str) -> dict | None:
        """An answer option of a core question, or None when either id is unknown."""
        if not isinstance(option_id, str):
            return None
        return self._options.get((question_id, option_id))

    def practical_option(self, question_id: str, option_id: str) -> dict | None:
        question = self.practical.get(question_id)
        if question is None:
            return None
        return next((o for o in question.get("options", []) if o["id"] == option_id), None)

    def max_points(self, question_id: str) -> int:
        return self._max_points[question_id]

    def practical_groups(self) -> list[tuple[str, list[dict]]]:
        """The practical questions under their group headings, in the data's order. A
        checklist from before groups (version 2 and older) has one group, unheaded."""
        groups = self.data.get("practical_groups") or []
        if not groups:
            return [("", list(self.practical.values()))]
        return [(group["heading"], [q for q in self.practical.values()
                                    if q.get("group") == group["id"]])
                for group in groups]


def checklist_from_data(data: dict, *, with_rules: bool = False) -> Checklist:
    """Build a Checklist from parsed data, checking its integrity. `with_rules` also checks
    the verdict rules, which the current checklist must have (a stored copy of an older
    version is read for its words only)."""
    problems = list(_integrity_problems(data))
    if with_rules and not problems:
        problems = list(_rule_problems(data))
    if problems:
        raise ChecklistError(problems)
    return Checklist(data)


def _integrity_problems(data: dict):
    if not isinstance(data.get("version"), int) or data["version"] < 1:
        yield "version must be a whole number of 1 or more"
    for key in ("questions", "red_flags", "practical", "verdict"):
        if key not in data:
            yield f"missing [{key}]"
            return
    yield from _duplicate_ids(data)
    flag_ids = {f["id"] for f in data["red_flags"]}
    for flag in data["red_flags"]:
        if flag.get("group") not in FLAG_GROUPS:
            yield f"red flag {flag['id']!r}: group must be one of {FLAG_GROUPS}"
    for question in data["questions"]:
        yield from _question_problems(question, flag_ids)
    yield from _practical_group_problems(data)
    for question in data["practical"]:
        if question.get("kind") not in PRACTICAL_KINDS:
            yield f"practical question {question.get('id')!r}: kind must be one of {PRACTICAL_KINDS}"
        if question.get("kind") == "choice" and not question.get("options"):
            yield f"practical question {question['id']!r}: a choice needs options"
        for option in question.get("options", []):
            link = option.get("red_flag")
            if link is not None and link not in flag_ids:
                yield (f"practical question {question['id']!r} option {option['id']!r}: "
                       f"red flag {link!r} does not exist")


def _practical_group_problems(data: dict):
    """Groups are optional (older versions have none); once there are any, every practical
    question belongs to one of them, and every group has a heading and a question."""
    groups = data.get("practical_groups")
    if groups is None:
        return
    group_ids = [group.get("id") for group in groups]
    if len(set(group_ids)) != len(group_ids):
        yield "two practical groups share an id"
    for group in groups:
        if not group.get("heading"):
            yield f"practical group {group.get('id')!r} needs a heading"
        if not any(q.get("group") == group.get("id") for q in data["practical"]):
            yield f"practical group {group.get('id')!r} has no questions"
    for question in data["practical"]:
        if question.get("group") not in group_ids:
            yield (f"practical question {question.get('id')!r}: group must be one of "
                   f"{tuple(group_ids)}")


def _duplicate_ids(data: dict):
    seen: set[str] = set()
    for key in ("questions", "red_flags", "practical"):
        for item in data[key]:
            if item["id"] in seen:
                yield f"id {item['id']!r} is used twice"
            seen.add(item["id"])


def _question_problems(question: dict, flag_ids: set[str]):
    qid = question.get("id")
    options = question.get("options", [])
    if not options:
        yield f"question {qid!r} has no options"
    option_ids = [o["id"] for o in options]
    if len(set(option_ids)) != len(option_ids):
        yield f"question {qid!r}: two options share an id"
    for option in options:
        if option.get("signal") not in SIGNALS:
            yield f"question {qid!r} option {option['id']!r}: signal must be one of {SIGNALS}"
        if not isinstance(option.get("points"), int) or option["points"] < 0:
            yield f"question {qid!r} option {option['id']!r}: points must be 0 or more"
        link = option.get("red_flag")
        if link is not None and link not in flag_ids:
            yield f"question {qid!r} option {option['id']!r}: red flag {link!r} does not exist"
        if link is not None and option.get("signal") != "bad":
            yield f"question {qid!r} option {option['id']!r}: only a bad answer can be a red flag"
    if options and max(o.get("points", 0) for o in options) <= 0:
        yield f"question {qid!r}: no option earns points"


def _rule_problems(data: dict):
    """What the current checklist needs beyond a stored copy: the verdict rules, the words
    they are explained with, and the article's numbering of its red flags."""
    verdict = data["verdict"]
    for key in ("min_core_answered", "strong_min_percent", "promising_min_percent",
                "not_a_match_concerns"):
        if not isinstance(verdict.get(key), int) or isinstance(verdict.get(key), bool):
            yield f"[verdict] {key} must be a whole number"
    if not (0 <= verdict.get("promising_min_percent", 0) <= verdict.get("strong_min_percent", 0)
            <= 100):
        yield "[verdict] needs 0 <= promising_min_percent <= strong_min_percent <= 100"
    question_ids = [q["id"] for q in data["questions"]]
    method = verdict.get("method_questions")
    if not isinstance(method, list) or not method or any(q not in question_ids for q in method):
        yield "[verdict] method_questions must list core question ids"
    elif verdict.get("decisive_question") not in method:
        yield "[verdict] decisive_question must be one of method_questions"
    why = verdict.get("why") or {}
    for rule in RULE_REASONS:
        if not why.get(rule):
            yield f"[verdict.why] has no reason for {rule!r}"
    labels = {label.get("id") for label in verdict.get("labels", [])}
    for verdict_id in VERDICT_IDS:
        if verdict_id not in labels:
            yield f"[verdict] has no label for {verdict_id!r}"
    yield from _flag_numbering_problems(data["red_flags"])
    for question in data["questions"]:
        for option in question["options"]:
            if not option.get("heard"):
                yield f"question {question['id']!r} option {option['id']!r} needs `heard`"
    for question in data["practical"]:
        for option in question.get("options", []):
            if option.get("red_flag") and not option.get("heard"):
                yield (f"practical question {question['id']!r} option {option['id']!r}: "
                       "an option that raises a red flag needs `heard`")


def _flag_numbering_problems(flags: list[dict]):
    method = [f for f in flags if f.get("group") == "method"]
    for flag in method:
        if not flag.get("article"):
            yield f"red flag {flag['id']!r}: the article's red flags quote the article"
    if sorted(f.get("number", 0) for f in method) != list(range(1, len(method) + 1)):
        yield "the article's red flags (group \"method\") must be numbered 1, 2, 3 … in order"

