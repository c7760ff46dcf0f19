"""The user's directory: providers and their calls as stored, and the operations pages need.

Each operation is one store transaction. A provider record carries a small summary of its
standing (verdict, score, red flags) so that the shortlist can sort and filter hundreds of
providers without rescoring every call; every change to a provider's calls refreshes it in
the same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Collection, Mapping

from finder.domain.checklist import Checklist, checklist_from_data
from finder.domain.interview_fields import Edit, apply_edit, parse_field, read_field
from finder.domain.scoring import (LatestAnswers, Standing, call_order, latest_answers,
                                   standing_for, summary_of)
from finder.domain.search_text import name_key
from finder.domain.shortlist_entries import ShortlistEntry, shortlist_entry
from finder.domain.shortlist_filters import ShortlistIndex
from finder.domain.video_visits import set_by_hand, video_details_heard
from finder.store import Store

__all__ = ["Directory", "STORE_INDEXES", "utc_now", "local_minute"]

PROVIDERS = "providers"
CALLS = "calls"
CHECKLISTS = "checklists"
STORE_INDEXES = {CALLS: ["provider_id"], CHECKLISTS: ["version"]}


def utc_now() -> str:
    """A timestamp for ordering edits: UTC, ISO 8601, comparable as text."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")


def local_minute() -> str:
    """The local date and time to the minute, as an <input type=datetime-local> holds it."""
    return dt.datetime.now().strftime("%Y-%m-%dT%H:%M")


class Directory:
    """Providers and calls in one store, with checklist versions and standings kept in step.
    `statuses_ending_follow_ups` (from data/vocabulary.toml) are the statuses after which a
    provider is no longer due for a call back."""

    def __init__(self, store: Store, current: Checklist, now: Callable[[], str] = utc_now, *,
                 statuses_ending_follow_ups: Collection[str] = ()):
        self.store = store
        self.current = current
        self.now = now
        self.statuses_ending_follow_ups = frozenset(statuses_ending_follow_ups)
        self._checklists: dict[int, Checklist] = {current.version: current}
        self._shortlist_index: tuple | None = None  # (entries, the ShortlistIndex of them)
        self._remember_checklist(current)

    # -- checklist versions --------------------------------------------------------------

    def _remember_checklist(self, checklist: Checklist) -> None:
        # A copy of each version used lives with the data, so old calls keep their meaning
        # even after the app's checklist changes or the data move to another install.
        with self.store.transaction():
            if not self.store.find(CHECKLISTS, "version", checklist.version):
                self.store.insert(CHECKLISTS, {"version": checklist.version,
                                               "data": checklist.data})

    def checklist_for(self, version: int) -> Checklist:
        """The checklist a call was filled against."""
        if version not in self._checklists:
            stored = self.store.find(CHECKLISTS, "version", version)
            if not stored:
                raise LookupError(f"checklist version {version} is not stored")
            self._checklists[version] = checklist_from_data(stored[0]["data"])
        return self._checklists[version]

    # -- providers ----------------------------------------------------------------------

    def add_provider(self, fields: dict[str, Any]) -> int:
        """Store a new provider and return its id."""
        stamp = self.now()
        status = fields.get("status") or "to_call"
        record = {
            **fields,
            "status": status,
            "status_history": [{"status": status, "at": stamp, "via": "added"}],
            "cleared_flags": {},
            "deleted_at": None,
            "created_at": stamp,
            "updated_at": stamp,
            "standing": summary_of(self._standing_from([])),
        }
        return self.store.insert(PROVIDERS, record)

    @staticmethod
    def in_trash(provider: Mapping) -> bool:
        """True for a provider moved to the trash (and not brought back)."""
        return bool(provider.get("deleted_at"))

    def provider(self, provider_id: int, *, include_deleted: bool = False) -> dict | None:
        """One provider (a read-only record), or None if there is none (or it is in the
        trash)."""
        record = self.store.view(PROVIDERS, provider_id)
        if record is None or (self.in_trash(record) and not include_deleted):
            return None
        return record

    def providers(self) -> list[dict]:
        """Every provider not in the trash (read-only records)."""
        return self.providers_and_trash()[0]

    def provider_records(self) -> list[dict]:
        """Every provider record, those in the trash included (read-only records)."""
        return self.store.all(PROVIDERS)

    def trashed_providers(self) -> list[dict]:
        """Every provider in the trash (read-only records)."""
        return self.providers_and_trash()[1]

    def providers_named(self, name: str) -> list[dict]:
        """The providers, in the trash too, whose name is `name` once titles, case and
        accents are set aside (read-only records): what a duplicate check compares. Read
        off the shortlist's entries, which hold that key ready."""
        key = name_key(name)
        entries = self.store.derived(PROVIDERS, "shortlist", shortlist_entry)
        return [self.store.view(PROVIDERS, entry.id) for entry in entries
                if key and entry.name_key == key]

    def providers_and_trash(self) -> tuple[list[dict], list[dict]]:
        """The providers not in the trash and those in it, from one read of the store."""
        kept, trashed = [], []
        for record in self.store.all(PROVIDERS):
            (trashed if self.in_trash(record) else kept).append(record)
        return kept, trashed

    def shortlist_index(self, today: dt.date) -> ShortlistIndex:
        """The shortlist's compact entry for every provider, prepared for every view
        (ShortlistIndex). Each entry is built once from its record and rebuilt whenever the
        record is replaced, by any save of any process (see Store.derived); the index is
        kept until a save changes any entry (Store.derived then hands out another tuple) or
        the day changes."""
        entries = self.store.derived(PROVIDERS, "shortlist", shortlist_entry)
        kept = self._shortlist_index
        if kept is not None and kept[0] is entries and kept[1].day == today:
            return kept[1]
        index = ShortlistIndex(entries, today, self.statuses_ending_follow_ups)
        self._shortlist_index = (entries, index)
        return index

    def reading(self):
        """A context in which reads see one moment: no save, of this process or another,
        lands between them (for a view and the records behind it)."""
        return self.store.reading()

    def providers_in_order(self, ids: list[int]) -> list[dict]:
        """The providers with these ids, in this order, read at one moment; any that has
        left meanwhile is left out (read-only records)."""
        with self.store.reading():
            found = (self.provider(provider_id) for provider_id in ids)
            return [record for record in found if record is not None]

    def due_entries(self, today: str,
                    index: ShortlistIndex | None = None) -> tuple[ShortlistEntry, ...]:
        """The providers due for a call back, as the shortlist's compact rows (from `index`,
        already read for `today`, or the directory's own): a follow-up date of `today` (ISO)
        or earlier, earliest first, except those whose status ends follow-ups."""
        return (index or self.shortlist_index(dt.date.fromisoformat(today))).due()

    def follow_ups(self) -> list[dict]:
        """Every provider not in the trash with a follow-up date, earliest first, except those
        whose status ends follow-ups: the call-back list, now and to come."""
        return sorted((p for p in self.providers() if p.get("follow_up_on")
                       and p.get("status") not in self.statuses_ending_follow_ups),
                      key=lambda p: p["follow_up_on"])

    def update_provider(self, provider_id: int, fields: dict[str, Any], via: str = "edit") -> None:
        """Change a provider's details; a new status is added to its history."""
        with self.store.transaction():
            record = self._require_provider(provider_id)
            changes = dict(fields, updated_at=self.now())
            if set_by_hand(record, fields):
                changes.update(video_from_call=None, video_by_hand=True)
            if fields.get("status") and fields["status"] != record.get("status"):
                changes["status_history"] = record.get("status_history", []) + [
                    {"status": fields["status"], "at": changes["updated_at"], "via": via}]
            self.store.update(PROVIDERS, provider_id, changes)

    def trash_provider(self, provider_id: int) -> None:
        """Move a provider, with its calls, to the trash."""
        with self.store.transaction():
            self._require_provider(provider_id)
            self.store.update(PROVIDERS, provider_id, {"deleted_at": self.now()})

    def restore_provider(self, provider_id: int) -> None:
        with self.store.transaction():
            self._require_provider(provider_id, include_deleted=True)
            self.store.update(PROVIDERS, provider_id, {"deleted_at": None})

    def empty_trash(self) -> int:
        """Delete trashed providers and their calls for good; return how many providers."""
        with self.store.transaction():
            trashed = self.trashed_providers()
            for provider in trashed:
                for call in self.store.find(CALLS, "provider_id", provider["id"]):
                    self.store.remove(CALLS, call["id"])
                self.store.remove(PROVIDERS, provider["id"])
            return len(trashed)

    def clear_red_flag(self, provider_id: int, flag_id: str) -> None:
        """Stop counting a red flag heard so far (hearing it again brings it back)."""
        self._set_cleared(provider_id, flag_id, self.now())

    def unclear_red_flag(self, provider_id: int, flag_id: str) -> None:
        """Undo clearing a red flag."""
        self._set_cleared(provider_id, flag_id, None)

    def _set_cleared(self, provider_id: int, flag_id: str, stamp: str | None) -> None:
        with self.store.transaction():
            record = self._require_provider(provider_id)
            cleared = dict(record.get("cleared_flags") or {})
            if stamp is None:
                cleared.pop(flag_id, None)
            else:
                cleared[flag_id] = stamp
            self.store.update(PROVIDERS, provider_id, {"cleared_flags": cleared})
            self._refresh_standing(provider_id)

    def _require_provider(self, provider_id: int, include_deleted: bool = False) -> dict:
        """The provider's record, read-only; LookupError if there is none (or in the trash)."""
        record = self.provider(provider_id, include_deleted=include_deleted)
        if record is None:
            raise LookupError(f"no provider {provider_id}")
        return record

    # -- calls --------------------------------------------------------------------------

    def start_call(self, provider_id: int, called_at: str | None = None) -> int:
        """Open a new call record against the current checklist and return its id."""
        with self.store.transaction():
            self._require_provider(provider_id)
            stamp = self.now()
            call_id = self.store.insert(CALLS, {
                "provider_id": provider_id,
                "checklist_version": self.current.version,
                "called_at": called_at or local_minute(),
                "spoke_with": "", "contact_name": "", "outcome": "", "follow_up_on": "",
                "notes": "", "answers": {}, "practical": {}, "red_flags": {}, "revs": {},
                "ended": False, "created_at": stamp, "updated_at": stamp,
            })
            # The summary's last contact counts a call from the moment it starts.
            self._refresh_standing(provider_id)
            return call_id

    def call(self, call_id: int, *, include_deleted: bool = False) -> dict | None:
        """One call (a read-only record), or None if there is none or its provider is in
        the trash; a call set aside by delete_call only with `include_deleted`."""
        return self._shown_call(self.store.view(CALLS, call_id), include_deleted)

    def _shown_call(self, record: dict | None, include_deleted: bool = False) -> dict | None:
        if record is None or (record.get("deleted_at") and not include_deleted):
            return None
        if self.provider(record["provider_id"]) is None:
            return None
        return record

    def call_numbers(self) -> dict[int, int]:
        """Each call's number among its provider's calls, as calls_for orders them (calls
        set aside left out): what 'call 2' means on the provider's page."""
        by_provider: dict[int, list[dict]] = {}
        for key, call in self.store.frozen_tables().get(CALLS, {}).items():
            if not call.get("deleted_at"):
                by_provider.setdefault(call["provider_id"], []).append(
                    {"called_at": call.get("called_at"), "id": int(key)})
        return {call["id"]: number for calls in by_provider.values()
                for number, call in enumerate(sorted(calls, key=call_order), start=1)}

    def calls_for(self, provider_id: int) -> list[dict]:
        """A provider's calls, oldest first."""
        calls = [c for c in self.store.find(CALLS, "provider_id", provider_id)
                 if not c.get("deleted_at")]
        return sorted(calls, key=call_order)

    def edit_call(self, call_id: int, name: str, value: Any, base_rev: int | None,
                  check: Callable[[Checklist, Any], Any] | None = None) -> Edit:
        """Save one field of a call (see interview_fields.apply_edit) and refresh the standing.

        `check(checklist, value)`, if given, checks the value against the call's own
        checklist and returns the value to save; whatever it raises saves nothing. The Edit
        returned names the call's provider, whose standing the edit may have changed.
        """
        with self.store.transaction():
            # One read, a copy: apply_edit changes it.
            call = self._shown_call(self.store.get(CALLS, call_id))
            if call is None:
                raise LookupError(f"no call {call_id}")
            checklist = self.checklist_for(call["checklist_version"])
            ref = parse_field(name, checklist)
            if ref is None:
                raise KeyError(name)
            if check is not None:
                value = check(checklist, value)
            edit = apply_edit(call, ref, value, base_rev, checklist, self.now())
            if edit.outcome == "saved":
                call["updated_at"] = self.now()
                self.store.update(CALLS, call_id, call)
                self._refresh_standing(call["provider_id"])
            return replace(edit, provider_id=call["provider_id"])

    def edit_call_fields(self, call_id: int,
                         edits: list[tuple[str, Any, int | None]]) -> dict[str, Edit]:
        """Save several fields of a call, each (name, value, base_rev) as edit_call saves
        one, in one transaction: all are on disk, or none. Returns each field's Edit."""
        with self.store.transaction():
            return {name: self.edit_call(call_id, name, value, base_rev)
                    for name, value, base_rev in edits}

    def end_call(self, call_id: int, status: str | Callable[[str | None, str | None], str],
                 follow_up_on: str) -> dict:
        """Mark a call ended and move its provider to a status, and to the follow-up date
        when one is given (an empty one keeps the provider's date). `status` may be a
        function of the provider's status and the call's outcome, decided here, on the
        record as it is inside the transaction. The status history gets an entry naming the
        call and how it ended even when the status stays the same, so every call shows
        there. Returns that entry: the status and follow-up date before and after."""
        with self.store.transaction():
            call = self.call(call_id)
            if call is None:
                raise LookupError(f"no call {call_id}")
            stamp = self.now()
            self.store.update(CALLS, call_id, {"ended": True, "updated_at": stamp})
            record = self._require_provider(call["provider_id"])
            if callable(status):
                status = status(record.get("status"), call.get("outcome"))
            # What the provider was before, so that undo_end_call can put it back.
            entry = {"status": status, "at": stamp, "via": f"call {call_id}",
                     "before": record.get("status"),
                     "follow_up_before": record.get("follow_up_on") or "",
                     "follow_up_after": follow_up_on or record.get("follow_up_on") or ""}
            if call.get("outcome"):
                entry["outcome"] = call["outcome"]
            changes = {"status": status, "updated_at": stamp,
                       "status_history": record.get("status_history", []) + [entry]}
            if follow_up_on:
                changes["follow_up_on"] = follow_up_on
            self.store.update(PROVIDERS, call["provider_id"], changes)
            return entry

    def undo_end_call(self, call_id: int) -> dict | None:
        """Put the call's provider back to the status and follow-up date it had before the
        call ended, if neither has changed since; return them ({"status", "follow_up_on"}),
        or None when there is nothing to undo. The call's answers stay as they are."""
        with self.store.transaction():
            call = self._require_call(call_id)
            record = self._require_provider(call["provider_id"])
            history = record.get("status_history") or []
            last = history[-1] if history else {}
            as_left = (last.get("via") == f"call {call_id}" and "before" in last
                       and record.get("status") == last.get("status")
                       and (record.get("follow_up_on") or "") == last.get("follow_up_after"))
            if not as_left:
                return None
            restored = {"status": last["before"] or "",
                        "follow_up_on": last.get("follow_up_before") or ""}
            self.store.update(PROVIDERS, call["provider_id"], {
                **restored, "status_history": history[:-1], "updated_at": self.now()})
            return restored

    def delete_call(self, call_id: int) -> dict:
        """Set a call aside (it can be put back with restore_call) and return it."""
        with self.store.transaction():
            call = self.call(call_id)
            if call is None:
                raise LookupError(f"no call {call_id}")
            self.store.update(CALLS, call_id, {"deleted_at": self.now()})
            self._refresh_standing(call["provider_id"])
            return call

    def restore_call(self, call_id: int) -> None:
        """Put back a call set aside by delete_call."""
        with self.store.transaction():
            call = self.store.get(CALLS, call_id)
            if call is None:
                raise LookupError(f"no call {call_id}")
            self._require_provider(call["provider_id"])
            self.store.update(CALLS, call_id, {"deleted_at": None})
            self._refresh_standing(call["provider_id"])

    # -- standing -----------------------------------------------------------------------

    def standing(self, provider_id: int) -> Standing:
        """The provider's standing from all of its calls."""
        with self.store.reading():
            record = self._require_provider(provider_id, include_deleted=True)
            return self._standing_from(self.calls_for(provider_id),
                                       record.get("cleared_flags") or {})

    def latest_answers(self, calls: list[dict]) -> LatestAnswers:
        """The last answer to each question over some calls (e.g. all but the one on screen)."""
        return latest_answers(calls, self.checklist_for)

    def _standing_from(self, calls: list[dict], cleared: dict | None = None) -> Standing:
        return standing_for(calls, self.checklist_for, cleared or {}, current=self.current)

    def _refresh_standing(self, provider_id: int) -> None:
        calls = self.calls_for(provider_id)
        record = self.store.get(PROVIDERS, provider_id)
        standing = self._standing_from(calls, record.get("cleared_flags") or {})
        last_call = calls[-1]["called_at"] if calls else None
        self.store.update(PROVIDERS, provider_id, {
            "standing": summary_of(standing, last_call), **video_details_heard(record, calls)})

    def refresh_all_standings(self) -> list[dict]:
        """Recompute every summary, e.g. after the scoring rules change; return the
        providers (not in the trash) whose verdict changed, with the old and new verdict."""
        with self.store.transaction():
            changes = []
            for provider in self.store.all(PROVIDERS):
                before = (provider.get("standing") or {}).get("verdict")
                self._refresh_standing(provider["id"])
                after = self.store.view(PROVIDERS, provider["id"])["standing"]["verdict"]
                if before != after and not self.in_trash(provider):
                    changes.append({"provider_id": provider["id"], "name": provider.get("name"),
                                    "before": before, "after": after})
            return changes

    # Summaries on provider records are derived; they are rebuilt when what they derive from
    # (the scoring rules, the current checklist) is not what built them.
    RULES_KEY, VERDICT_CHANGES = "standings_built_by", "verdict_changes"

    def refresh_standings_if_rules_changed(self, rules_key: str) -> None:
        """Rebuild every summary when `rules_key` (the rules in force) did not build them.
        When an upgrade changes verdicts, they are kept for the shortlist to show once."""
        with self.store.transaction():
            built_by = self.store.meta(self.RULES_KEY)
            if built_by == rules_key:
                return
            changes = self.refresh_all_standings()
            if built_by is not None and changes:
                self.store.set_meta(self.VERDICT_CHANGES, {"at": self.now(), "rules": rules_key,
                                                          "changes": changes})
            self.store.set_meta(self.RULES_KEY, rules_key)

    def verdict_changes(self) -> dict | None:
        """The verdicts the last rules upgrade changed, until the user hides the note."""
        changes = self.store.meta(self.VERDICT_CHANGES)
        return None if not changes or changes.get("hidden") else changes

    def hide_verdict_changes(self, hidden: bool = True) -> None:
        """Hide the note of changed verdicts (hidden=False shows it again: the undo)."""
        with self.store.transaction():
            changes = self.store.meta(self.VERDICT_CHANGES)
            if changes:
                self.store.set_meta(self.VERDICT_CHANGES, dict(changes, hidden=hidden))

    # -- schedules proposed on a call -------------------------------------------------------
    # A call keeps what the clinician proposed as the schedule check's inputs (not its
    # arithmetic, which is redone whenever it is shown) under "schedule", and the schedule
    # it replaced under "previous_schedule", so the last change can be undone. Neither
    # touches the standing: a schedule is not an answer.

    def attach_schedule(self, call_id: int, proposal_fields: dict[str, Any]) -> None:
        """Keep a proposed schedule's inputs with a call, replacing any schedule there."""
        self._replace_schedule(call_id, {**proposal_fields, "attached_at": self.now()})

    def detach_schedule(self, call_id: int) -> None:
        """Take the schedule off a call (restore_previous_schedule puts it back)."""
        self._replace_schedule(call_id, None)

    def restore_previous_schedule(self, call_id: int) -> bool:
        """Undo the last attach or detach; False when there is nothing to undo."""
        with self.store.transaction():
            call = self._require_call(call_id)
            if "previous_schedule" not in call:
                return False
            self.store.update(CALLS, call_id, {"schedule": call["previous_schedule"],
                                               "previous_schedule": call.get("schedule")})
            return True

    def _replace_schedule(self, call_id: int, schedule: dict | None) -> None:
        with self.store.transaction():
            call = self._require_call(call_id)
            self.store.update(CALLS, call_id, {"schedule": schedule,
                                               "previous_schedule": call.get("schedule")})

    def tick_red_flag_with_evidence(self, call_id: int, flag_id: str, evidence: str) -> None:
        """Tick a red flag on a call and add `evidence` to its note, through edit_call (so
        the standing and the field revisions follow), remembering what was there for
        untick_red_flag_with_evidence."""
        flag, note = f"flag-{flag_id}", f"flag_note-{flag_id}"
        with self.store.transaction():
            call = self._require_call(call_id)
            if not call.get("schedule"):
                raise LookupError(f"call {call_id} has no schedule to take evidence from")
            checklist = self.checklist_for(call["checklist_version"])
            before = {"ticked": read_field(call, parse_field(flag, checklist), checklist),
                      "note": read_field(call, parse_field(note, checklist), checklist)}
            combined = f"{before['note']}\n{evidence}" if before["note"] else evidence
            revs = {flag: self.edit_call(call_id, flag, True, None).rev,
                    note: self.edit_call(call_id, note, combined, None).rev}
            schedule = dict(self._require_call(call_id).get("schedule") or {})
            schedule["red_flag_tick"] = {"flag_id": flag_id, "before": before, "revs": revs}
            self.store.update(CALLS, call_id, {"schedule": schedule})

    def untick_red_flag_with_evidence(self, call_id: int) -> str:
        """Undo tick_red_flag_with_evidence: "undone", "nothing" (no tick to undo) or
        "changed" (the flag or its note was edited since, so nothing is overwritten)."""
        with self.store.transaction():
            call = self._require_call(call_id)
            schedule = dict(call.get("schedule") or {})
            tick = schedule.pop("red_flag_tick", None)
            if tick is None:
                return "nothing"
            if any((call.get("revs") or {}).get(name, 0) != rev
                   for name, rev in tick["revs"].items()):
                return "changed"
            flag_id, before = tick["flag_id"], tick["before"]
            self.edit_call(call_id, f"flag-{flag_id}", before["ticked"], None)
            self.edit_call(call_id, f"flag_note-{flag_id}", before["note"], None)
            self.store.update(CALLS, call_id, {"schedule": schedule})
            return "undone"

    def _require_call(self, call_id: int) -> dict:
        call = self.call(call_id)
        if call is None:
            raise LookupError(f"no call {call_id}")
        return call

    # -- the whole data: export and restore ---------------------------------------------

    def tables_to_export(self) -> dict[str, dict[str, dict]]:
        """Every table as stored at this moment, what an export holds: read-only and
        without copies (see Store.frozen_tables), for writing out or counting at once."""
        return self.store.frozen_tables()

    def replace_all(self, tables: dict[str, dict[str, dict]]) -> Path:
        """Make `tables` (checked, in stored form) the whole data, after a backup of what
        was there; return that backup. Standings are as in `tables` until
        refresh_all_standings."""
        return self.store.replace_all(tables)

    def backup_file(self, name: str) -> Path | None:
        """The backup file called `name`, while the backups folder keeps it."""
        return next((path for path in self.store.backups() if path.name == name), None)

    # -- import --------------------------------------------------------------------------

    def add_providers(self, records: list[dict[str, Any]]) -> list[int]:
        """Store several new providers in one transaction (an import): all or none."""
        with self.store.transaction():
            return [self.add_provider(fields) for fields in records]

    def providers_with_calls(self) -> set[int]:
        """The ids of providers with at least one call (calls set aside not counted)."""
        return {call["provider_id"] for call in self.store.all(CALLS)
                if not call.get("deleted_at")}

    def trash_imported(self, batch: str) -> int:
        """Move the providers an import added (and still there) to the trash; return how
        many. The trash can bring each back."""
        with self.store.transaction():
            found = [p for p in self.providers() if (p.get("imported") or {}).get("batch") == batch]
            for provider in found:
                self.trash_provider(provider["id"])
            return len(found)

    # -- the medication timeline ---------------------------------------------------------

    TIMELINE, TIMELINE_ID = "timeline", 1  # one record: the user's own timeline

    def timeline(self) -> dict:
        """The user's medication timeline as saved, or {} before the first save."""
        record = self.store.get(self.TIMELINE, self.TIMELINE_ID) or {}
        record.pop("id", None)
        return record

    def save_timeline(self, data: dict[str, Any]) -> None:
        """Replace the medication timeline with `data`, stamped with when it was saved."""
        with self.store.transaction():
            self.store.put(self.TIMELINE, self.TIMELINE_ID, dict(data, updated_at=self.now()))
