"""The Store: finder's records in memory, each transaction one fsynced journal line, safe
across threads, processes and crashes. See the package docstring for why it is built so.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import logging
import os
import threading
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

from filelock import FileLock

from finder.store import backups as backup_files
from finder.store import data_format as formats
from finder.store import files, journal
from finder.store.data_format import META_ID, META_TABLE, DamagedDataError, StorageError
from finder.store.snapshot import (INTEGRITY_TABLE, SnapshotStorage, no_cyclic_collection,
                                   read_data_file, read_snapshot, write_snapshot)

__all__ = ["Store", "restore_backup", "SNAPSHOT_NAME", "JOURNAL_NAME", "CONFIRMED_NAME",
           "LOCK_NAME", "BACKUP_DIR"]

SNAPSHOT_NAME = "finder.json"
JOURNAL_NAME = "finder.journal"
CONFIRMED_NAME = "finder.confirmed"
LOCK_NAME = "finder.lock"
BACKUP_DIR = "backups"
COMPACT_MIN_BYTES = 1 << 20
FLUSH_EVERY_BYTES = 4 << 20
CHUNK_BYTES = 1 << 20
BACKUP_EVERY = dt.timedelta(days=1)
RETRY_AFTER_SECONDS = 60.0

_log = logging.getLogger(__name__)


class _Index:
    """Document keys by the value of one field, and each key's value, to update in place."""

    def __init__(self):
        self.keys_by_value: dict[Any, set[str]] = {}
        self.value_by_key: dict[str, Any] = {}

    def add(self, key: str, value: Any) -> None:
        value = _hashable(value)
        self.value_by_key[key] = value
        self.keys_by_value.setdefault(value, set()).add(key)

    def discard(self, key: str) -> None:
        if key in self.value_by_key:
            self.keys_by_value[self.value_by_key.pop(key)].discard(key)

    def keys_for(self, value: Any) -> set[str]:
        return self.keys_by_value.get(_hashable(value), set())


class Store:
    """All of finder's data in one folder. Every read and write happens inside `transaction()`,
    which holds a thread lock and a file lock, catches up with other processes' writes first,
    and commits all changes as one journal line at the end.

    `indexes` names fields to look documents up by quickly, e.g. {"calls": ["provider_id"]}.
    Documents returned by `view`, `all` and `find` share nested values with the store: treat
    them as read-only, and write through `update`. The store never changes a stored document
    in place either: a write puts a new one in its place.
    """

    def __init__(self, folder: Path, *, indexes: Mapping[str, list[str]] | None = None,
                 days_kept: int = backup_files.DAYS_KEPT, now=None):
        self.folder = Path(folder)
        self.snapshot_path = self.folder / SNAPSHOT_NAME
        self.journal_path = self.folder / JOURNAL_NAME
        self.confirmed_path = self.folder / CONFIRMED_NAME
        self.backup_folder = self.folder / BACKUP_DIR
        self.days_kept = days_kept
        self._now = now or (lambda: dt.datetime.now(dt.timezone.utc))
        self._index_fields = {t: list(f) for t, f in (indexes or {}).items()}
        self._indexes: dict[tuple[str, str], _Index] = {}
        self._thread_lock = threading.RLock()
        self._depth = 0  # nesting of transaction(), which may write
        self._reading_depth = 0
        self._records: dict[str, dict[str, dict]] = {}  # {table: {id: document}}, in memory
        # What the open transaction changed: (table, key) -> the document before it, or None.
        self._before: dict[tuple[str, str], dict | None] = {}
        self._snapshot_identity: tuple | None = None
        self._journal_identity: tuple | None = None
        self._journal_offset = 0
        self._sequence = 0  # the number of the last save in memory
        self._last_backup_at: dt.datetime | None = None
        self._worker: threading.Thread | None = None
        # derived(): per (table, name), each key's document and the value built from it,
        # and the values as last returned, with the generation they were built at.
        self._derived: dict[tuple[str, str], dict[str, tuple[dict, Any]]] = {}
        self._derived_lists: dict[tuple[str, str], tuple[int, tuple]] = {}
        self._generation = 0  # counts every change to the records in memory
        self._retry_at = 0.0  # after background work failed, when to try it again
        self._file_lock = FileLock(self.folder / LOCK_NAME)
        self._open()

    # -- opening, migrating, compacting ---------------------------------------------------

    def _open(self) -> None:
        self._check_folder()
        with self._locked():
            files.remove_stray_temporary_files(self.folder)
            if self.backup_folder.is_dir():
                files.remove_stray_temporary_files(self.backup_folder)
            if self._is_new_folder():
                self._start_empty()
            legacy = self._load_all()
            # Only now that every byte has been checked may anything be rewritten.
            self._migrate_if_needed()
            if legacy or self._journal_offset:
                self._compact()
            self.backup("start")

    def _write_failed(self, error: OSError, what: str) -> StorageError:
        return StorageError(
            f"Could not {what} in {self.folder}: {error.strerror or error}. Every confirmed "
            "save is still on disk. Free some space or make the folder writable, then try "
            "again.")

    def _check_folder(self) -> None:
        """Refuse, in words, a data folder holding something of the wrong kind."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        except FileExistsError:
            raise StorageError(_wrong_kind(self.folder, "folder")) from None
        except OSError as error:
            raise StorageError(f"Could not make the data folder {self.folder}: "
                               f"{error.strerror}.") from error
        for name in (SNAPSHOT_NAME, JOURNAL_NAME, CONFIRMED_NAME, LOCK_NAME):
            path = self.folder / name
            if path.exists() and not path.is_file():
                raise StorageError(_wrong_kind(path, "file"))
        if self.backup_folder.exists() and not self.backup_folder.is_dir():
            raise StorageError(_wrong_kind(self.backup_folder, "folder"))

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """The file lock that keeps other processes out; a calm error if it cannot be had."""
        try:
            self._file_lock.acquire()
        except OSError as error:
            raise StorageError(
                f"Could not use the lock file {self.folder / LOCK_NAME}: "
                f"{error.strerror or error}. Check that the data folder can be written."
            ) from error
        try:
            yield
        finally:
            self._file_lock.release()

    def _is_new_folder(self) -> bool:
        if self.snapshot_path.exists() or self.confirmed_path.exists():
            return False  # data were saved here: if the snapshot is gone, that is damage
        return not self.journal_path.exists() or self.journal_path.stat().st_size == 0

    def _start_empty(self) -> None:
        # The journal first: a crash before the snapshot leaves a folder that is still new.
        meta = {"schema_version": formats.SCHEMA_VERSION, "id_counters": {}}
        try:
            files.write_file_atomically(self.journal_path, b"")
            SnapshotStorage(self.snapshot_path).write(
                {INTEGRITY_TABLE: {"1": {"sequence": 0}}, META_TABLE: {META_ID: meta}})
        except OSError as error:
            raise self._write_failed(error, "start a new data file") from error

    def _load_all(self) -> bool:
        """Read and check the snapshot and the whole journal, and only then put them in
        memory. True when the snapshot is from before snapshots carried a checksum."""
        with no_cyclic_collection():
            return self._load_all_now()

    def _load_all_now(self) -> bool:
        try:
            if not self.snapshot_path.exists():
                raise DamagedDataError(f"{self.snapshot_path} is missing.")
            tables, folded = read_snapshot(self.snapshot_path)
            snapshot_identity = files.identity(self.snapshot_path)
            journal_identity = files.identity(self.journal_path)
            if journal_identity is None and folded is not None:
                raise DamagedDataError(
                    f"{self.journal_path} is missing, but {self.snapshot_path} says that "
                    "saves are written there.")
            replay = journal.read_entries(self._journal_bytes(0), after=folded or 0,
                                          from_snapshot=True)
            confirmed = journal.read_confirmed(self.confirmed_path)
            if confirmed is not None and confirmed > replay.last:
                raise DamagedDataError(
                    f"{self.journal_path} ends at save {replay.last}, but save {confirmed} "
                    f"was confirmed ({self.confirmed_path} says so): its last lines are "
                    "missing.")
        except journal.JournalDamage as damage:
            raise DamagedDataError(self._damage_message(f"{self.journal_path} {damage}")) \
                from damage
        except DamagedDataError as error:
            raise DamagedDataError(self._damage_message(str(error))) from error
        self._records = tables
        self._rebuild_indexes()
        for entry in replay.entries:
            self._apply(entry)
        self._snapshot_identity, self._journal_identity = snapshot_identity, journal_identity
        self._journal_offset, self._sequence = replay.length, replay.last
        return folded is None

    def _journal_bytes(self, offset: int) -> bytes:
        try:
            with open(self.journal_path, "rb") as journal_file:
                journal_file.seek(offset)
                return journal_file.read()
        except FileNotFoundError:
            return b""

    def _replay_journal(self) -> None:
        """Apply the lines other processes added to the journal since we last read it."""
        try:
            replay = journal.read_entries(self._journal_bytes(self._journal_offset),
                                          after=self._sequence, from_snapshot=False,
                                          first_byte=self._journal_offset)
        except journal.JournalDamage as damage:
            raise DamagedDataError(self._damage_message(f"{self.journal_path} {damage}")) \
                from damage
        for entry in replay.entries:
            self._apply(entry)
        self._journal_offset += replay.length
        self._sequence = replay.last
        self._journal_identity = files.identity(self.journal_path)

    def _apply(self, entry: dict) -> None:
        self._generation += 1
        for name, documents in entry.get("put", {}).items():
            table = self._records.setdefault(name, {})
            for key, document in documents.items():
                self._unindex(name, key)
                table[key] = document
                self._index(name, key)
        for name, keys in entry.get("del", {}).items():
            table = self._records.get(name, {})
            for key in keys:
                self._unindex(name, key)
                table.pop(key, None)

    def _migrate_if_needed(self) -> None:
        version = self._meta()["schema_version"]
        if version == formats.SCHEMA_VERSION:
            return
        self.backup(f"before-migration-from-schema-{version}")
        self._records = formats.migrate_tables(self._records)
        self._rebuild_indexes()
        self._compact()

    def _compact(self) -> None:
        """Fold the journal into a new snapshot, then start an empty journal. A crash
        between the two leaves saves in the journal that the snapshot already holds: their
        numbers tell, and they are skipped."""
        integrity = {"1": {"sequence": self._sequence}}
        try:
            SnapshotStorage(self.snapshot_path).write(
                {**self._records, INTEGRITY_TABLE: integrity})
            files.write_file_atomically(self.journal_path, b"")
        except OSError as error:
            raise self._write_failed(error, "fold the journal into the snapshot") from error
        self._snapshot_identity = files.identity(self.snapshot_path)
        self._journal_identity = files.identity(self.journal_path)
        self._journal_offset = 0

    # -- transactions -------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator["Store"]:
        """Hold the locks, see every process's latest data, and commit changes at the end.

        Nested transactions join the outermost one. If the body raises, or the commit cannot
        be written, the changes are dropped and the error goes on to the caller.
        """
        with self._thread_lock, (self._locked() if self._depth == 0 else nullcontext()):
            outermost = self._depth == 0
            if outermost:
                self._catch_up()
            self._depth += 1
            try:
                yield self
                if outermost:
                    self._commit()
            except BaseException:
                if outermost:
                    self._roll_back()
                raise
            finally:
                self._depth -= 1

    @contextmanager
    def reading(self) -> Iterator["Store"]:
        """For reads: the thread lock, and the file lock only when another process has
        written since we last looked, which two stat calls tell. Writes need transaction()."""
        with self._thread_lock:
            if self._depth == 0 and self._reading_depth == 0 and self._changed_on_disk():
                with self._locked():
                    self._catch_up()
            self._reading_depth += 1
            try:
                yield self
            finally:
                self._reading_depth -= 1

    def _changed_on_disk(self) -> bool:
        return (files.identity(self.snapshot_path) != self._snapshot_identity
                or files.identity(self.journal_path) != self._journal_identity)

    def _catch_up(self) -> None:
        """Bring memory up to date with what other processes wrote since we last looked."""
        journal_now = files.identity(self.journal_path)
        if files.identity(self.snapshot_path) != self._snapshot_identity or journal_now is None:
            self._load_all()
            return
        same_file = self._journal_identity and journal_now[0] == self._journal_identity[0]
        if not same_file or journal_now[2] < self._journal_offset:
            self._load_all()
        elif journal_now[2] > self._journal_offset:
            self._replay_journal()

    def _write(self, table: str, key: str, document: dict | None) -> None:
        """Put a document under key (None removes it), undoably until the commit."""
        if self._depth == 0:
            raise RuntimeError("finder storage: writes must happen inside store.transaction()")
        if table == INTEGRITY_TABLE:
            raise ValueError(f"the table name {table!r} is kept for the snapshot's checksum")
        records = self._records.setdefault(table, {})
        self._generation += 1
        self._before.setdefault((table, key), records.get(key))
        self._unindex(table, key)
        if document is None:
            records.pop(key, None)
        else:
            records[key] = document
            self._index(table, key)

    def _commit(self) -> None:
        if not self._before:
            return
        entry = {"seq": self._sequence + 1, **self._changes()}
        line, text = journal.encode_line(entry)
        try:
            self._append_to_journal(line)
        except OSError as error:
            self._roll_back()
            raise StorageError(
                f"Could not save to {self.journal_path}: {error.strerror or error}. "
                "Nothing was changed on disk."
            ) from error
        # Keep memory identical to disk, and out of reach of the caller's objects.
        self._before = {}
        self._apply(json.loads(text))
        self._sequence += 1
        self._record_confirmed()
        self._after_commit()

    def _record_confirmed(self) -> None:
        try:
            journal.write_confirmed(self.confirmed_path, self._sequence)
        except OSError:
            pass  # only a witness: the save itself is on disk, and the next one writes it

    def _changes(self) -> dict:
        """The open transaction's changes as a journal entry."""
        entry: dict[str, dict] = {}
        for table, key in sorted(self._before):
            document = self._records[table].get(key)
            if document is not None:
                entry.setdefault("put", {}).setdefault(table, {})[key] = document
            elif self._before[(table, key)] is not None:
                entry.setdefault("del", {}).setdefault(table, []).append(key)
        return entry

    def _append_to_journal(self, line: bytes) -> None:
        fd = os.open(self.journal_path, os.O_WRONLY | os.O_APPEND)
        try:
            if os.fstat(fd).st_size != self._journal_offset:
                # A process that crashed mid-write left an unconfirmed tail: drop it.
                os.ftruncate(fd, self._journal_offset)
            try:
                files.write_all(fd, line)
                os.fsync(fd)
            except OSError:
                _truncate_quietly(fd, self._journal_offset)
                raise
        finally:
            os.close(fd)
        self._journal_offset += len(line)
        self._journal_identity = files.identity(self.journal_path)

    def _roll_back(self) -> None:
        """Put back every document the open transaction changed."""
        self._generation += 1
        for (table, key), document in self._before.items():
            self._unindex(table, key)
            if document is None:
                self._records[table].pop(key, None)
            else:
                self._records[table][key] = document
                self._index(table, key)
        self._before = {}

    def _after_commit(self) -> None:
        if self._compaction_due() or self._backup_due():
            self._start_background_work()

    def _new_id(self, table: str) -> int:
        # Ids are never reused, so a bookmark can never lead to a different record.
        counters = dict(self._meta().get("id_counters", {}))
        records = self._records.get(table, {})
        next_id = counters.get(table, 0) + 1
        while str(next_id) in records:
            next_id += 1
        self._count_id(table, next_id)
        return next_id

    def _count_id(self, table: str, doc_id: int) -> None:
        counters = dict(self._meta().get("id_counters", {}))
        if counters.get(table, 0) < doc_id:
            counters[table] = doc_id
            self._write(META_TABLE, META_ID, dict(self._meta(), id_counters=counters))

    # -- work away from requests: compaction and the daily backup ------------------------

    def _compaction_due(self) -> bool:
        snapshot_size = self._snapshot_identity[2] if self._snapshot_identity else 0
        return self._journal_offset > max(COMPACT_MIN_BYTES, snapshot_size)

    def _start_background_work(self) -> None:
        """Fold the journal or back up in a thread of its own, so that no save waits for a
        whole snapshot to be written. One such thread at a time; it ends when done."""
        if time.monotonic() < self._retry_at or (self._worker and self._worker.is_alive()):
            return
        self._worker = threading.Thread(target=self._do_background_work, daemon=True,
                                        name=f"finder-store-{self.folder.name}")
        self._worker.start()

    def _do_background_work(self) -> None:
        try:
            # Saves made while one snapshot was written may call for the next one.
            while self._compaction_due():
                self._compact_in_background()
            if self._backup_due():
                self._back_up_in_background("daily")
        except Exception as error:  # noqa: BLE001 - every save is in the journal still
            self._retry_at = time.monotonic() + RETRY_AFTER_SECONDS
            _log.warning("finder could not fold its journal or make a backup: %s", error)

    def wait_for_background_work(self, timeout: float | None = None) -> None:
        """Return once a compaction or backup running in the background is done."""
        worker = self._worker
        if worker is not None:
            worker.join(timeout)

    def _freeze(self) -> dict:
        """The data as they are, for writing out without the locks: a dict per table is
        enough, since a save puts new documents in place and never changes these."""
        frozen = {name: dict(table) for name, table in self._records.items()}
        frozen[INTEGRITY_TABLE] = {"1": {"sequence": self._sequence}}
        return frozen

    def frozen_tables(self) -> dict[str, dict[str, dict]]:
        """All data as at this moment, {table: {id: document}}, without copying a single
        document (a new dict per table is enough: no save changes a stored document in
        place). Read-only, like `view`; for writing all data out (an export) in a fraction
        of the time and memory of `tables()`."""
        with self.reading():
            return {name: dict(table) for name, table in self._records.items()}

    def _compact_in_background(self) -> None:
        """Like _compact, as crash-safe, but holding the locks only for moments: the new
        snapshot is written from a frozen copy while saves go on, then put in place; saves
        made meanwhile move into the new, short journal. Most of those are copied before
        the locks are taken again (at 20,000 providers some 20 MB of them, which took a
        save waiting behind the copy to 140 ms); inside, only the last few are added."""
        with self._thread_lock, self._locked():
            self._catch_up()
            if not self._compaction_due():
                return  # done meanwhile, by a backup or another process
            frozen = self._freeze()
            offset, snapshot_then = self._journal_offset, self._snapshot_identity
            journal_then = self._journal_identity
        with files.temporary_file(self.snapshot_path) as (fd, snapshot):
            write_snapshot(fd, frozen, _yielding_and_flushing(fd))
        new_journal, old_files = None, []
        try:
            with self._thread_lock:  # the saves confirmed so far: their lines never change
                copied_to = self._journal_offset
            with files.temporary_file(self.journal_path) as (fd, new_journal):
                _write_in_chunks(fd, self._journal_range(offset, copied_to))
            with self._thread_lock, self._locked():
                self._catch_up()
                if not (self._snapshot_identity == snapshot_then
                        and _same_file(self._journal_identity, journal_then)
                        and self._journal_offset >= copied_to):
                    return  # replaced meanwhile, or unreadable: this one is stale
                files.append_durably(new_journal,
                                     self._journal_range(copied_to, self._journal_offset))
                # The old files' blocks are freed after the locks are let go.
                old_files = [files.second_name(self.snapshot_path),
                             files.second_name(self.journal_path)]
                files.install(snapshot, self.snapshot_path)
                self._snapshot_identity = files.identity(self.snapshot_path)
                # A crash here leaves the old journal: its first saves are in the new
                # snapshot and are skipped by their numbers.
                files.install(new_journal, self.journal_path)
                self._journal_identity = files.identity(self.journal_path)
                self._journal_offset -= offset
        finally:  # whatever was not put in place goes, and the old files' second names
            for leftover in (snapshot, new_journal, *old_files):
                if leftover is not None:
                    leftover.unlink(missing_ok=True)

    def _journal_range(self, start: int, end: int) -> bytes:
        """The journal's bytes from start to end (both offsets of confirmed saves)."""
        return self._journal_bytes(start)[: end - start]

    def _back_up_in_background(self, reason: str) -> None:
        with self._thread_lock, self._locked():
            self._catch_up()
            frozen = self._freeze()
            moment = self._now()
        self.backup_folder.mkdir(exist_ok=True, mode=0o700)
        path = self.backup_folder / backup_files.backup_name(moment, reason)
        with files.temporary_file(path) as (fd, temporary):
            write_snapshot(fd, frozen, _yielding_and_flushing(fd))
        files.install(temporary, path)
        self._last_backup_at = moment
        self._prune_backups()

    # -- indexes ------------------------------------------------------------------------

    def _rebuild_indexes(self) -> None:
        # Called whenever the tables are replaced whole (opening, catching up, a restore).
        self._generation += 1
        self._indexes = {}
        for name, fields in self._index_fields.items():
            for field in fields:
                self._indexes[(name, field)] = _Index()
            for key in self._records.get(name, {}):
                self._index(name, key)

    def _index(self, name: str, key: str) -> None:
        document = self._records.get(name, {}).get(key)
        if document is None:
            return
        for field in self._index_fields.get(name, ()):
            self._indexes[(name, field)].add(key, document.get(field))

    def _unindex(self, name: str, key: str) -> None:
        for field in self._index_fields.get(name, ()):
            self._indexes[(name, field)].discard(key)

    # -- the public API -----------------------------------------------------------------

    def insert(self, table: str, document: Mapping) -> int:
        """Add a document and return its new id."""
        with self.transaction():
            doc_id = self._new_id(table)
            self._write(table, str(doc_id), _without_id(document))
            return doc_id

    def put(self, table: str, doc_id: int, document: Mapping) -> None:
        """Store a document under a given id, replacing any document there (restore, import)."""
        with self.transaction():
            self._write(table, str(doc_id), _without_id(document))
            self._count_id(table, int(doc_id))

    def get(self, table: str, doc_id: int) -> dict | None:
        """One document with its id, as a copy the caller may change; None if absent."""
        with self.reading():
            document = self._records.get(table, {}).get(str(doc_id))
            return None if document is None else dict(copy.deepcopy(document), id=int(doc_id))

    def view(self, table: str, doc_id: int) -> dict | None:
        """One document with its id, read-only (see the class docstring), without the cost
        of a copy; None if absent."""
        with self.reading():
            document = self._records.get(table, {}).get(str(doc_id))
            return None if document is None else dict(document, id=int(doc_id))

    def all(self, table: str) -> list[dict]:
        """Every document of a table with its id (read-only: see the class docstring)."""
        with self.reading():
            return [dict(d, id=int(k)) for k, d in self._records.get(table, {}).items()]

    def find(self, table: str, field: str, value: Any) -> list[dict]:
        """Documents whose field equals value; uses an index when the field has one."""
        with self.reading():
            documents = self._records.get(table, {})
            index = self._indexes.get((table, field))
            if index is not None:
                keys = sorted(index.keys_for(value), key=int)
                return [dict(documents[k], id=int(k)) for k in keys]
            return [dict(d, id=int(k)) for k, d in documents.items() if d.get(field) == value]

    def update(self, table: str, doc_id: int, fields: Mapping) -> bool:
        """Change some fields of one document; False when there is no such document."""
        with self.transaction():
            document = self._records.get(table, {}).get(str(doc_id))
            if document is None:
                return False
            self._write(table, str(doc_id), {**document, **_without_id(fields)})
            return True

    def remove(self, table: str, doc_id: int) -> bool:
        """Delete one document for good; False when there was none."""
        with self.transaction():
            if str(doc_id) not in self._records.get(table, {}):
                return False
            self._write(table, str(doc_id), None)
            return True

    def derived(self, table: str, name: str, build: Callable[[int, dict], Any]) -> tuple:
        """`build(id, document)` for every document of a table, in the table's order; each
        value is kept, under `name`, until its document is replaced, so a caller can keep a
        compact form of large records without rebuilding it on every read. Since the store
        never changes a stored document in place, a document that is not the very object a
        value was built from has changed, whoever changed it: this process, a rollback, or
        another process whose saves were read from the journal. While nothing at all has
        changed, the same tuple comes back at once. Values must be immutable: every caller
        shares them."""
        with self.reading():
            last = self._derived_lists.get((table, name))
            if last is not None and last[0] == self._generation:
                return last[1]
            documents = self._records.get(table, {})
            kept = self._derived.setdefault((table, name), {})
            if len(kept) > len(documents):
                for key in kept.keys() - documents.keys():
                    del kept[key]
            values = []
            for key, document in documents.items():
                built = kept.get(key)
                if built is None or built[0] is not document:
                    built = kept[key] = (document, build(int(key), document))
                values.append(built[1])
            self._derived_lists[(table, name)] = (self._generation, tuple(values))
            return self._derived_lists[(table, name)][1]

    def count(self, table: str) -> int:
        with self.reading():
            return len(self._records.get(table, {}))

    def tables(self) -> dict[str, dict[str, dict]]:
        """A deep copy of all data, as it would be written to a snapshot."""
        with self.reading():
            return copy.deepcopy(self._records)

    def _meta(self) -> dict:
        return self._records[META_TABLE][META_ID]

    def meta(self, key: str, default: Any = None) -> Any:
        """A value kept in the meta table (settings that travel with the data)."""
        with self.reading():
            return copy.deepcopy(self._meta().get(key, default))

    def set_meta(self, key: str, value: Any) -> None:
        with self.transaction():
            self._write(META_TABLE, META_ID, dict(self._meta(), **{key: value}))

    def replace_all(self, tables: dict[str, dict[str, dict]]) -> Path:
        """Make `tables` the whole data (a restore or import), after backing up what was
        there. Returns that backup. `tables` must be in snapshot form; its schema version
        must be this one (migrate first)."""
        formats.check_tables(tables)
        with self.transaction():
            if self._before:
                raise RuntimeError("replace_all cannot join a transaction with changes")
            kept = self.backup("before-replace")
            self._records = json.loads(formats.dump_tables(
                {name: table for name, table in tables.items() if name != INTEGRITY_TABLE}))
            self._rebuild_indexes()
            # A number of its own, above every save in the journal it replaces.
            self._sequence += 1
            try:
                self._compact()
            except BaseException:
                self._load_all()  # memory goes back to what is on disk
                raise
            self._record_confirmed()
            return kept

    # -- backups ------------------------------------------------------------------------

    def backup(self, reason: str = "manual") -> Path:
        """Write a copy of all data to the backups folder, and let old copies go (see
        finder.store.backups for which are kept)."""
        with self.transaction():
            try:
                self.backup_folder.mkdir(exist_ok=True, mode=0o700)
            except FileExistsError:
                raise StorageError(_wrong_kind(self.backup_folder, "folder")) from None
            path = self.backup_folder / backup_files.backup_name(self._now(), reason)
            if self._journal_offset:
                self._compact()
            # The snapshot now holds everything: copy the file rather than serialise the
            # data again, which would briefly need as much memory as the data themselves.
            try:
                files.copy_file_atomically(self.snapshot_path, path)
            except OSError as error:
                raise self._write_failed(error, "write a backup") from error
            self._last_backup_at = self._now()
            self._prune_backups()
            return path

    def backups(self) -> list[Path]:
        """Backup files, newest first."""
        return backup_files.backups_in(self.backup_folder)

    def _prune_backups(self) -> None:
        for old in backup_files.backups_to_delete(self.backups(), self._now().date(),
                                                  days_kept=self.days_kept):
            old.unlink(missing_ok=True)

    def _backup_due(self) -> bool:
        return self._last_backup_at is None or self._now() - self._last_backup_at > BACKUP_EVERY

    def _damage_message(self, problem: str) -> str:
        good = backup_files.newest_good_backup(self.backup_folder)
        if good is None:
            advice = "No good backup was found in " f"{self.backup_folder}."
        else:
            advice = (f"The newest good backup is {good}. To go back to it, run: "
                      f'finder restore "{good}" --data-dir "{self.folder}"')
        return f"{problem} finder has changed nothing. {advice}"

    def close(self) -> None:
        """Fold the journal into the snapshot so the folder holds one plain TinyDB file."""
        self.wait_for_background_work()
        with self.transaction():
            if self._journal_offset:
                self._compact()


def restore_backup(folder: Path, backup_file: Path) -> Path | None:
    """Make backup_file the data of folder. Whatever was there is kept: readable data as a
    new backup, damaged files moved into a damaged-<time> folder. Returns where it went.

    Safe while finder is running: it holds the lock, and a running app reloads on its next
    request because the snapshot changed.
    """
    # Refuses a damaged or newer backup before anything is touched.
    tables = read_data_file(backup_file)
    folder = Path(folder)
    try:
        store = Store(folder)
    except DamagedDataError:
        return _replace_damaged_data(folder, tables)
    return store.replace_all(tables)


def _replace_damaged_data(folder: Path, tables: dict) -> Path:
    with FileLock(folder / LOCK_NAME):
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d-%H%M%S-%f")
        aside = folder / f"damaged-{stamp}"
        aside.mkdir(mode=0o700)
        for name in (SNAPSHOT_NAME, JOURNAL_NAME, CONFIRMED_NAME):
            if (folder / name).exists():
                os.replace(folder / name, aside / name)
        files.write_file_atomically(folder / JOURNAL_NAME, b"")
        SnapshotStorage(folder / SNAPSHOT_NAME).write(
            {**tables, INTEGRITY_TABLE: {"1": {"sequence": 0}}})
        return aside


def _wrong_kind(path: Path, expected: str) -> str:
    found = "a folder" if path.is_dir() else "a file" if path.is_file() else "not a file"
    return (f"{path} should be a {expected}, but it is {found}. finder has changed nothing. "
            f"Move it out of {path.parent}, then start finder again.")


def _yielding_and_flushing(fd: int) -> Callable[[int], None]:
    """For a file written beside running requests: let them have the interpreter after each
    chunk, and push the file to disk every few megabytes, so that neither a request's turn
    nor its own fsync waits behind a whole snapshot."""
    unflushed = 0

    def after_chunk(size: int) -> None:
        nonlocal unflushed
        unflushed += size
        if unflushed >= FLUSH_EVERY_BYTES:
            os.fsync(fd)
            unflushed = 0
        time.sleep(0)

    return after_chunk


def _write_in_chunks(fd: int, data: bytes) -> None:
    """Write data beside running requests as a snapshot is written: a megabyte at a time,
    flushed every few. Flushed in one go, the 20 MB of saves copied at 20,000 providers
    kept a save's own fsync waiting up to 90 ms."""
    after_chunk = _yielding_and_flushing(fd)
    view = memoryview(data)
    for start in range(0, len(view), CHUNK_BYTES):
        chunk = view[start:start + CHUNK_BYTES]
        files.write_all(fd, chunk)
        after_chunk(len(chunk))


def _same_file(identity: tuple | None, earlier: tuple | None) -> bool:
    return identity is not None and earlier is not None and identity[0] == earlier[0]


def _without_id(document: Mapping) -> dict:
    return {k: v for k, v in document.items() if k != "id"}


def _hashable(value: Any) -> Any:
    return json.dumps(value, sort_keys=True) if isinstance(value, (list, dict)) else value


def _truncate_quietly(fd: int, length: int) -> None:
    try:
        os.ftruncate(fd, length)
    except OSError:
        pass  # the next commit truncates the tail before it appends
