"""Which source files the index holds: path -> (size, mtime, file hash, article ids).

Kept in SQLite next to the Whoosh segments so a re-run can tell unchanged files from
changed ones by ``stat`` alone, and hash only files whose stat changed.  Each write
records the Whoosh generation it matches; a mismatch (a crash between the Whoosh
commit and this write) makes the store reconcile the two.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

FILENAME = "manifest.sqlite"


@dataclass
class FileEntry:
    path: str
    size: int
    mtime_ns: int
    hash: str
    ids: tuple[str, ...] = ()
    hashes: tuple[str, ...] = ()  # content hash per article id (same order as ids)
    reason: str | None = None  # set when the file was skipped


class Manifest:
    def __init__(self, directory: Path, *, readonly: bool = False) -> None:
        path = Path(directory) / FILENAME
        if readonly:
            uri = f"{path.as_uri()}?mode=ro"
            self.db = sqlite3.connect(uri, uri=True, timeout=10, check_same_thread=False)
        else:
            # Rollback journal (not WAL): readers in a read-only directory still work.
            self.db = sqlite3.connect(path, timeout=10, check_same_thread=False)
            self.db.executescript(
                """
                CREATE TABLE IF NOT EXISTS files (
                    path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, hash TEXT,
                    ids TEXT, hashes TEXT, reason TEXT);
                CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
                """
            )
            self.db.commit()

    def entries(self) -> dict[str, FileEntry]:
        rows = self.db.execute("SELECT path, size, mtime_ns, hash, ids, hashes, reason FROM files")
        return {
            _dec(r[0]): FileEntry(
                _dec(r[0]), r[1], r[2], r[3], tuple(json.loads(r[4])), tuple(json.loads(r[5])), r[6]
            )
            for r in rows
        }

    def stats(self) -> dict[str, tuple[int, int]]:
        """path -> (size, mtime_ns): all ``needs_update`` reads."""
        rows = self.db.execute("SELECT path, size, mtime_ns FROM files").fetchall()
        out = {path: (size, mtime) for path, size, mtime in rows}
        for path in [p for p in out if p.startswith(_RAW)]:  # rare: non-UTF-8 names
            out[_dec(path)] = out.pop(path)
        return out

    def summaries_except(self, excluded: set[str]) -> tuple[int, list[tuple[str, str]]]:
        """(number of articles, [(path, skip reason)]) over every file but ``excluded``.

        The count is SQLite's, over the whole table, minus the excluded files
        (usually few: the changed ones), so 100k unchanged files cost no Python loop.
        """
        reasons = [
            (_dec(p), r)
            for p, r in self.db.execute("SELECT path, reason FROM files WHERE reason IS NOT NULL")
            if _dec(p) not in excluded
        ]
        try:  # JSON1 is built into SQLite since 3.38
            total = self.db.execute("SELECT total(json_array_length(ids)) FROM files").fetchone()[0]
            for path in excluded:
                row = self.db.execute(
                    "SELECT json_array_length(ids) FROM files WHERE path = ?", (_enc(path),)
                ).fetchone()
                total -= row[0] if row else 0
        except sqlite3.OperationalError:
            rows = self.db.execute("SELECT path, ids FROM files").fetchall()
            total = sum(len(json.loads(ids)) for p, ids in rows if _dec(p) not in excluded)
        return int(total), reasons

    def write(self, put: Iterable[FileEntry], delete: Iterable[str], generation: int) -> None:
        """Apply a batch in one transaction, stamped with the Whoosh generation it matches."""
        with self.db:
            self.db.executemany("DELETE FROM files WHERE path = ?", [(_enc(p),) for p in delete])
            self.db.executemany(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        _enc(e.path),
                        e.size,
                        e.mtime_ns,
                        e.hash,
                        json.dumps(list(e.ids)),
                        json.dumps(list(e.hashes)),
                        e.reason,
                    )
                    for e in put
                ],
            )
            self.db.execute(
                "INSERT OR REPLACE INTO meta VALUES ('generation', ?)", (str(generation),)
            )

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    @property
    def generation(self) -> int:
        value = self.get_meta("generation")
        return int(value) if value is not None else -1

    def close(self) -> None:
        self.db.close()


_RAW = "\x00fs:"  # prefix of a file name that is not valid UTF-8, stored as hex bytes


def _enc(path: str) -> str:
    """sqlite needs valid UTF-8; undecodable file names are stored reversibly as hex."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return _RAW + path.encode("utf-8", "surrogateescape").hex()


def _dec(value: str) -> str:
    if value.startswith(_RAW):
        return bytes.fromhex(value[len(_RAW) :]).decode("utf-8", "surrogateescape")
    return value


class LazyEntries:
    """path -> FileEntry, reading only (size, mtime) for every file up front.

    A re-run over 100k unchanged files needs just the stat pairs; the article ids
    and hashes of a file are read when that file changed.
    """

    def __init__(self, manifest: Manifest) -> None:
        self._m = manifest
        self.stats = manifest.stats()
        self._full: dict[str, FileEntry] = {}

    def __contains__(self, path: object) -> bool:
        return path in self._full or path in self.stats

    def __iter__(self):
        return iter(set(self.stats) | set(self._full))

    def __len__(self) -> int:
        return len(set(self.stats) | set(self._full))

    def get(self, path: str) -> FileEntry | None:
        entry = self._full.get(path)
        if entry is None and path in self.stats:
            row = self._m.db.execute(
                "SELECT path, size, mtime_ns, hash, ids, hashes, reason FROM files WHERE path = ?",
                (_enc(path),),
            ).fetchone()
            if row is not None:
                entry = self._full[path] = FileEntry(
                    path,
                    row[1],
                    row[2],
                    row[3],
                    tuple(json.loads(row[4])),
                    tuple(json.loads(row[5])),
                    row[6],
                )
        return entry

    def __getitem__(self, path: str) -> FileEntry:
        entry = self.get(path)
        if entry is None:
            raise KeyError(path)
        return entry

    def __setitem__(self, path: str, entry: FileEntry) -> None:
        self._full[path] = entry
        self.stats[path] = (entry.size, entry.mtime_ns)

    def values(self):
        return [self[p] for p in self]
