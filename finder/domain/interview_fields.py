"""The fields of a call record, by name. The same names are used by the interview form, by
each autosave request and in conflict checks, so one answer can be saved on its own.

Pure module: no Flask. Names look like `answer-step_size`, `answer_note-step_size`,
`practical-cost`, `practical_note-cost`, `flag-deadline`, `flag_note-deadline`, or a call
detail such as `spoke_with`. Every field keeps a revision number: an edit made from an
out-of-date page is reported as a conflict instead of silently overwriting a newer value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from finder.domain.checklist import Checklist

__all__ = [
    "CALL_DETAILS",
    "FieldRef",
    "Edit",
    "parse_field",
    "field_names",
    "read_field",
    "read_fields",
    "apply_edit",
    "empty_value",
]

CALL_DETAILS = ("called_at", "spoke_with", "contact_name", "outcome", "follow_up_on", "notes")
# kind -> (the checklist's collection it names an item of, where the call record keeps it)
_ITEM_KINDS = {
    "answer": ("questions", "answers"), "answer_note": ("questions", "answers"),
    "practical": ("practical", "practical"), "practical_note": ("practical", "practical"),
    "flag": ("red_flags", "red_flags"), "flag_note": ("red_flags", "red_flags"),
}
_PRACTICAL_VALUE_KEY = {"choice": "option", "text": "text", "states": "states"}


@dataclass(frozen=True)
class FieldRef:
    """A parsed field name: its kind, and the question or red flag it belongs to."""

    name: str
    kind: str
    item: str | None = None


@dataclass(frozen=True)
class Edit:
    """What happened to one edit: saved, unchanged (already so) or conflict; and, when the
    directory made it, the provider whose call it was."""

    outcome: str
    rev: int
    value: Any
    provider_id: int | None = None


def parse_field(name: str, checklist: Checklist) -> FieldRef | None:
    """The field a name refers to in this checklist, or None when there is no such field."""
    if name in CALL_DETAILS:
        return FieldRef(name, "detail")
    kind, _, item = name.partition("-")
    if kind not in _ITEM_KINDS or item not in getattr(checklist, _ITEM_KINDS[kind][0]):
        return None
    return FieldRef(name, kind, item)


def field_names(checklist: Checklist) -> list[str]:
    """Every field name of a call filled against this checklist, in page order."""
    names = list(CALL_DETAILS)
    for question_id in checklist.questions:
        names += [f"answer-{question_id}", f"answer_note-{question_id}"]
    for flag_id in checklist.red_flags:
        names += [f"flag-{flag_id}", f"flag_note-{flag_id}"]
    for question_id in checklist.practical:
        names += [f"practical-{question_id}", f"practical_note-{question_id}"]
    return names


def empty_value(ref: FieldRef, checklist: Checklist) -> Any:
    """What an untouched field holds."""
    if ref.kind == "flag":
        return False
    if ref.kind == "practical" and checklist.practical[ref.item]["kind"] == "states":
        return []
    return ""


def read_field(call: dict, ref: FieldRef, checklist: Checklist) -> Any:
    """The current value of a field in a call record."""
    if ref.kind == "detail":
        return call.get(ref.name) or empty_value(ref, checklist)
    entry = _entry(call, ref)
    value = entry.get(_value_key(ref, checklist)) if entry else None
    return value if value not in (None, "") else empty_value(ref, checklist)


def read_fields(call: dict, checklist: Checklist) -> dict[str, Any]:
    """Every field's current value, by name, in page order."""
    return {name: read_field(call, parse_field(name, checklist), checklist)
            for name in field_names(checklist)}


def apply_edit(call: dict, ref: FieldRef, value: Any, base_rev: int | None,
               checklist: Checklist, now: str) -> Edit:
    """Set a field in `call` (changed in place) unless that would overwrite a newer edit.

    An edit that asks for the value already there is "unchanged", so a retried request is
    harmless. An edit based on an older revision of a field that has since changed is a
    "conflict" and changes nothing.
    """
    revs = call.setdefault("revs", {})
    rev = revs.get(ref.name, 0)
    current = read_field(call, ref, checklist)
    if value == current:
        return Edit("unchanged", rev, current)
    if base_rev is not None and base_rev != rev:
        return Edit("conflict", rev, current)
    _write(call, ref, value, checklist, now)
    revs[ref.name] = rev + 1
    return Edit("saved", rev + 1, value)


def _write(call: dict, ref: FieldRef, value: Any, checklist: Checklist, now: str) -> None:
    if ref.kind == "detail":
        call[ref.name] = value
        return
    group = call.setdefault(_ITEM_KINDS[ref.kind][1], {})
    entry = dict(group.get(ref.item) or {})
    entry[_value_key(ref, checklist)] = value
    if not ref.kind.endswith("_note"):
        # "at" is when the answer or tick was given: a red flag cleared after that stays
        # cleared when only its note is edited later.
        entry["at"] = now
    group[ref.item] = entry


def _entry(call: dict, ref: FieldRef) -> dict | None:
    return (call.get(_ITEM_KINDS[ref.kind][1]) or {}).get(ref.item)


def _value_key(ref: FieldRef, checklist: Checklist) -> str:
    if ref.kind.endswith("_note"):
        return "note"
    if ref.kind == "answer":
        return "option"
    if ref.kind == "flag":
        return "ticked"
    return _PRACTICAL_VALUE_KEY[checklist.practical[ref.item]["kind"]]
