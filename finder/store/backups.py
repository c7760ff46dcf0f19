"""Backups: copies of the snapshot in the backups folder, named by their time (UTC) and the
reason they were made, and which of them to keep.

Kept: the newest backup of each of the last 14 days, the newest few of today, and the newest
one made before a restore or a migration (so that the restore can still be undone) — however
often finder is restarted, which makes a backup each time.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Iterable

from finder.store.data_format import DamagedDataError
from finder.store.snapshot import read_data_file

__all__ = ["DAYS_KEPT", "TODAY_KEPT", "backup_name", "backup_made_at", "backups_in",
           "backups_to_delete", "newest_good_backup"]

DAYS_KEPT = 14
TODAY_KEPT = 5
_NAME = re.compile(r"finder-(\d{8})-\d{6}-\d{6}-(.*)\.json")
_MOMENT = re.compile(r"finder-(\d{8}-\d{6}-\d{6})-.*\.json")
_PROTECTED_REASONS = ("before-replace", "before-migration")


def backup_name(moment: dt.datetime, reason: str) -> str:
    safe_reason = "".join(c if c.isalnum() or c == "-" else "-" for c in reason)[:40]
    return f"finder-{moment.strftime('%Y%m%d-%H%M%S-%f')}-{safe_reason}.json"


def backup_made_at(name: str) -> dt.datetime | None:
    """When a backup named by backup_name was made (UTC), or None for any other name."""
    match = _MOMENT.fullmatch(name)
    if match is None:
        return None
    moment = dt.datetime.strptime(match[1], "%Y%m%d-%H%M%S-%f")
    return moment.replace(tzinfo=dt.timezone.utc)


def backups_in(folder: Path) -> list[Path]:
    """Backup files in folder, newest first."""
    if not folder.is_dir():
        return []
    return sorted(folder.glob("finder-*.json"), reverse=True)


def backups_to_delete(backups: Iterable[Path], today: dt.date, *, days_kept: int = DAYS_KEPT,
                      today_kept: int = TODAY_KEPT) -> list[Path]:
    """The backups that the rules in the module docstring let go. Files whose names finder
    did not make are never among them."""
    keep: set[Path] = set()
    days_seen: set[dt.date] = set()
    today_seen = 0
    protected_seen: set[str] = set()
    dated = []
    for path in sorted(backups, reverse=True):  # newest first: the names sort by time
        match = _NAME.fullmatch(path.name)
        if match is None:
            continue
        day = dt.datetime.strptime(match[1], "%Y%m%d").date()
        dated.append(path)
        reason = next((r for r in _PROTECTED_REASONS if match[2].startswith(r)), None)
        if reason and reason not in protected_seen:
            protected_seen.add(reason)
            keep.add(path)
        if day == today and today_seen < today_kept:
            today_seen += 1
            keep.add(path)
        if day > today or (0 <= (today - day).days < days_kept and day not in days_seen):
            keep.add(path)  # the newest of its day (or from a clock set ahead: not judged)
        days_seen.add(day)
    return [path for path in dated if path not in keep]


def newest_good_backup(folder: Path) -> Path | None:
    """The newest backup file in folder that reads cleanly and matches its checksum."""
    for candidate in backups_in(Path(folder)):
        try:
            read_data_file(candidate)
        except DamagedDataError:
            continue
        return candidate
    return None
