"""The lists imported so far, read back from the providers they added (each keeps which import
it came from), and whether each import can still be undone: only while none of its
providers has been changed since, so that an undo never throws away work done after it.
No Flask."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from finder.domain.words import human_date

__all__ = ["ImportedList", "imported_lists", "imported_list"]


@dataclass(frozen=True)
class ImportedList:
    """One import: when, from which file, how many providers it added (and of how many rows),
    how many are in the trash or marked to fix, and why it cannot be undone (None: it can)."""

    batch: str
    file: str
    at: str
    providers: int
    rows_in_file: int | None
    in_trash: int
    to_fix: int
    cannot_undo: str | None

    @property
    def undone(self) -> bool:
        """Every provider it added is in the trash (an undo, or one by one)."""
        return self.in_trash == self.providers


def imported_lists(providers: Iterable[Mapping], called: set[int]) -> list[ImportedList]:
    """Every import that still has a provider (in the list or in the trash), newest first.
    `called` holds the ids of providers with at least one call."""
    batches: dict[str, list[Mapping]] = {}
    for provider in providers:
        batch = (provider.get("imported") or {}).get("batch")
        if batch:
            batches.setdefault(batch, []).append(provider)
    found = [_described(batch, added, called) for batch, added in batches.items()]
    return sorted(found, key=lambda item: item.at, reverse=True)


def imported_list(batch: str, providers: Iterable[Mapping],
                  called: set[int]) -> ImportedList | None:
    """The import `batch`, or None when no provider of it is left."""
    return next((item for item in imported_lists(providers, called) if item.batch == batch),
                None)


def _described(batch: str, added: list[Mapping], called: set[int]) -> ImportedList:
    first = min(added, key=lambda p: p.get("created_at") or "")
    imported = first.get("imported") or {}
    kept = [p for p in added if not p.get("deleted_at")]
    return ImportedList(
        batch=batch, file=imported.get("file") or "", at=first.get("created_at") or "",
        providers=len(added), rows_in_file=imported.get("rows_in_file"),
        in_trash=len(added) - len(kept), to_fix=sum(1 for p in kept if p.get("to_fix")),
        cannot_undo=_why_not_undoable(kept, called))


def _why_not_undoable(kept: list[Mapping], called: set[int]) -> str | None:
    """Why undoing would lose work, naming the first provider changed since the import."""
    for provider in sorted(kept, key=lambda p: p.get("name") or ""):
        if provider.get("id") in called:
            return (f"{provider.get('name')} has a call since the import. Move providers to "
                    "the trash one by one instead.")
        if (provider.get("updated_at") or "") != (provider.get("created_at") or ""):
            when = human_date(provider.get("updated_at"))
            return (f"{provider.get('name')} was changed on {when}, after the import. Move "
                    "providers to the trash one by one instead.")
    return None
