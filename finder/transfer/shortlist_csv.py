"""The shortlist as a spreadsheet: exactly the rows on screen, in the same order, one column per
provider field plus verdict, score, red flags and status history. No Flask.

Provider fields are headed with the same words the import recognises, so a downloaded list can
be imported again (into another finder, say) with every column found.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable, Iterator, Mapping

from finder.domain.words import via_words
from finder.transfer.columns import TARGET_LABELS
from finder.transfer.spreadsheet import csv_chunks

__all__ = ["shortlist_csv", "shortlist_csv_chunks", "status_history_words", "COLUMNS"]


class Words:
    """Labels for the ids stored in a record."""

    def __init__(self, vocabulary, verdict_names: Mapping[str, str],
                 red_flag_labels: Mapping[str, str], call_numbers: Mapping[int, int]):
        self.vocabulary = vocabulary
        self.verdict_names = verdict_names
        self.red_flag_labels = red_flag_labels
        self.call_numbers = call_numbers  # call id -> its number among its provider's calls


def _field(name: str) -> Callable[[Mapping, Words], str]:
    return lambda row, words: str(row.get(name) or "")


def _label(list_name: str, field: str) -> Callable[[Mapping, Words], str]:
    return lambda row, words: (words.vocabulary.label(list_name, row.get(field))
                               if row.get(field) else "")


def _label_or_unknown(field: str) -> Callable[[Mapping, Words], str]:
    # A record from before the field existed reads as "Not known", as the form shows it.
    return lambda row, words: words.vocabulary.label(field, row.get(field) or "unknown")


def _standing(row: Mapping) -> Mapping:
    return row.get("standing") or {}


def _local_date(stamp: str) -> str:
    """The local calendar date of a stored timestamp (UTC, or local without a zone)."""
    try:
        moment = dt.datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return (stamp or "")[:10]
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.date().isoformat()


def status_history_words(row: Mapping, words: Words) -> str:
    """'2026-11-25 To call (added); 2026-11-26 Waiting for call back (call 1: left a
    message)': what the provider's page shows, where each call that ended has its entry,
    even when the status stayed the same."""
    return "; ".join(_status_change_words(change, words)
                     for change in row.get("status_history") or [])


def _status_change_words(change: Mapping, words: Words) -> str:
    vocabulary = words.vocabulary
    status = vocabulary.label("statuses", change.get("status"))
    text = f"{_local_date(change.get('at', ''))} {status}"
    via = change.get("via")
    if not via or via == "edit":
        return text
    outcome = change.get("outcome")
    how = f": {vocabulary.label('call_outcomes', outcome).lower()}" if outcome else ""
    return f"{text} ({via_words(via, words.call_numbers)}{how})"


COLUMNS: list[tuple[str, Callable[[Mapping, Words], str]]] = [
    (TARGET_LABELS["name"], _field("name")),
    (TARGET_LABELS["practice"], _field("practice")),
    (TARGET_LABELS["specialty"], _label("specialties", "specialty")),
    (TARGET_LABELS["phone"], _field("phone")),
    (TARGET_LABELS["website"], _field("website")),
    (TARGET_LABELS["city"], _field("city")),
    (TARGET_LABELS["state"], _field("state")),
    (TARGET_LABELS["telemedicine"], _label_or_unknown("telemedicine")),
    (TARGET_LABELS["telemedicine_states"],
     lambda row, words: ", ".join(row.get("telemedicine_states") or [])),
    (TARGET_LABELS["payment"], _label_or_unknown("payment")),
    (TARGET_LABELS["insurance_plans"], _field("insurance_plans")),
    (TARGET_LABELS["referral_source"], _label("referral_sources", "referral_source")),
    (TARGET_LABELS["referral_detail"], _field("referral_detail")),
    (TARGET_LABELS["status"], _label("statuses", "status")),
    (TARGET_LABELS["follow_up_on"], _field("follow_up_on")),
    (TARGET_LABELS["tags"], lambda row, words: ", ".join(row.get("tags") or [])),
    (TARGET_LABELS["notes"], _field("notes")),
    ("Verdict", lambda row, words: words.verdict_names.get(
        _standing(row).get("verdict") or "incomplete", "")),
    ("Score (%)", lambda row, words: "" if _standing(row).get("percent") is None
     else str(_standing(row)["percent"])),
    ("Points", lambda row, words: (f"{_standing(row).get('earned', 0)} of "
                                   f"{_standing(row).get('possible', 0)}")
     if _standing(row).get("possible") else ""),
    ("Red flags", lambda row, words: "; ".join(
        words.red_flag_labels.get(flag, flag) for flag in _standing(row).get("red_flags") or [])),
    ("Status history", status_history_words),
    ("Last contact", lambda row, words: (_standing(row).get("last_call_at") or "")[:16]
     .replace("T", " ")),
    ("Added on", lambda row, words: _local_date(row.get("created_at") or "")
     if row.get("created_at") else ""),
]


def shortlist_csv(rows: list[Mapping], words: Words) -> bytes:
    """The rows as a CSV file, in the order given."""
    return b"".join(shortlist_csv_chunks(rows, words))


def shortlist_csv_chunks(rows: list[Mapping], words: Words) -> Iterator[bytes]:
    """The same file in pieces, each row's cells worked out only as it is written."""
    return csv_chunks([header for header, _ in COLUMNS],
                      ([value(row, words) for _, value in COLUMNS] for row in rows))
