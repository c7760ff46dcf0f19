"""finder's data on disk, safe across threads, processes and crashes. The only package that
imports TinyDB, and only through its public API.

In the data folder:

    finder.json      the snapshot: a TinyDB JSON file ({table: {doc_id: document}})
    finder.journal   one checksummed line per committed transaction since the snapshot
    finder.lock      the lock every process takes around each read or write
    backups/         rotated copies of the whole data

Why not TinyDB's stock JSONStorage: it rewrites the whole file in place on every write, so a
crash can tear the file, concurrent writers lose updates, and every save costs as much as the
whole data set. Why not TinyDB's Table for the records in memory either: its public `update`
and `insert` rebuild the table's dict on every call (measured with TinyDB 4.8 on one table of
25,000 calls: 5.9 ms a save, against 0.1 ms at 500), so a save would grow with the data.

So TinyDB is the snapshot's file format and its loader (`SnapshotStorage`, a TinyDB Storage
that reads and replaces the file crash-safely), and beside it the `Store` keeps the records in
plain dicts in memory and a write-ahead journal on disk. A save appends one line to the
journal and fsyncs it before it is confirmed, so its cost depends on the size of the change,
not of the data. The snapshot is rewritten (temporary file, fsync, os.replace, fsync of the
folder) at start-up and whenever the journal has grown past the snapshot's size, so replaying
the journal stays cheap. A line cut off by a crash was never confirmed and is ignored; damage
anywhere else stops finder rather than guessing.

Modules: `database` (the Store), `data_format` (what the files hold, schema and migrations),
`files` (crash-safe file operations).
"""

from finder.store.data_format import (SCHEMA_VERSION, DamagedDataError, StorageError,
                                      migrate_tables, newest_good_backup, read_data_file)
from finder.store.database import SNAPSHOT_NAME, Store, restore_backup

__all__ = [
    "Store",
    "StorageError",
    "DamagedDataError",
    "SCHEMA_VERSION",
    "SNAPSHOT_NAME",
    "read_data_file",
    "restore_backup",
    "newest_good_backup",
    "migrate_tables",
]
