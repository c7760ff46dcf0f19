"""data/vocabulary.toml: the fixed lists finder's forms and filters offer (statuses, referral
sources, specialties, video visits, payment, call roles and outcomes, US states)."""

from __future__ import annotations

from dataclasses import dataclass

from finder.content.checks import raise_if_any

__all__ = ["Vocabulary", "vocabulary_from_toml", "LISTS"]

FILENAME = "vocabulary.toml"
LISTS = ("statuses", "referral_sources", "specialties", "telemedicine", "payment",
         "call_roles", "call_outcomes")
# Ids finder's code gives a meaning to: a new provider starts as "unknown", and "yes" to
# video visits counts the states covered by video.
IDS_THE_CODE_USES = {"telemedicine": ("yes", "unknown"), "payment": ("unknown",)}


@dataclass(frozen=True)
class Vocabulary:
    """Each list as (id, label) pairs in file order, with label lookups."""

    lists: dict[str, list[dict]]
    states: list[dict]

    def choices(self, name: str) -> list[tuple[str, str]]:
        """(id, label) pairs for a form's choices."""
        return [(item["id"], item["label"]) for item in self.lists[name]]

    def label(self, name: str, item_id: str | None) -> str:
        """The label for an id, or the id itself when unknown (old data stays readable)."""
        for item in self.lists[name]:
            if item["id"] == item_id:
                return item["label"]
        return item_id or ""

    def ids(self, name: str) -> list[str]:
        return [item["id"] for item in self.lists[name]]

    def state_choices(self) -> list[tuple[str, str]]:
        return [(s["code"], s["name"]) for s in self.states]

    def statuses_ending_follow_ups(self) -> frozenset[str]:
        """Statuses after which a provider is no longer called back (`ends_follow_ups`)."""
        return frozenset(item["id"] for item in self.lists["statuses"]
                         if item.get("ends_follow_ups"))

    def status_for_outcome(self, outcome_id: str) -> str | None:
        """The status a call's outcome moves the provider to."""
        for outcome in self.lists["call_outcomes"]:
            if outcome["id"] == outcome_id:
                return outcome["status"]
        return None

    def status_after_call(self, current: str | None, outcome_id: str | None) -> str | None:
        """The status "based on how the call ended": the outcome's, except that an outcome
        never reopens a provider whose status ends follow-ups (an appointment booked, ruled
        out) unless it ends them too: a routine call to a booked clinic keeps the booking."""
        moved_to = self.status_for_outcome(outcome_id)
        ending = self.statuses_ending_follow_ups()
        if moved_to is None or (current in ending and moved_to not in ending):
            return current
        return moved_to


def vocabulary_from_toml(data: dict) -> Vocabulary:
    """The lists, checked: none empty, no id twice, every item labelled, the ids finder
    relies on present, and every call outcome moving to a status that exists."""
    raise_if_any(FILENAME, _problems(data))
    return Vocabulary({name: data[name] for name in LISTS}, data.get("states", []))


def _problems(data: dict):
    for name in LISTS:
        items = data.get(name) or []
        ids = [item.get("id") for item in items]
        if not items:
            yield f"[{name}] is empty"
        if len(set(ids)) != len(ids):
            yield f"[{name}] has an id twice"
        if any(not item.get("label") for item in items):
            yield f"[{name}] has an item without a label"
        for needed in IDS_THE_CODE_USES.get(name, ()):
            if needed not in ids:
                yield f"[{name}] needs the id {needed!r}, which finder relies on"
    for status in data.get("statuses", []):
        if not isinstance(status.get("ends_follow_ups", False), bool):
            yield f"status {status.get('id')!r}: ends_follow_ups must be true or false"
    status_ids = {s["id"] for s in data.get("statuses", [])}
    for outcome in data.get("call_outcomes", []):
        if outcome.get("status") not in status_ids:
            yield f"call outcome {outcome.get('id')!r} moves to an unknown status"
