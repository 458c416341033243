"""A TinyDB storage that keeps the parsed file in memory and writes it atomically.

TinyDB's default JSONStorage re-reads and re-parses the whole file on every operation and
writes in place (a crash mid-write leaves new data followed by the old tail). This storage
parses the file once, re-reads it only when another process has changed it, and commits
each change as one serialization and one atomic replace (see ``atomic.write_atomic``).

Writes only happen inside ``batch()``, which ``ProjectStore.change`` opens while holding the
project lock, so a change made of several TinyDB operations is still one write.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, MutableMapping
from pathlib import Path
from typing import Any, cast

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from .atomic import write_atomic
from .errors import CorruptStoreError
from .lock import ProjectLock
from .schema import LAST_IDS, META_TABLE

RawData = dict[str, dict[str, Any]]
Identity = tuple[int, int, int, int]


def file_identity(stat: os.stat_result) -> Identity:
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


def parse(path: Path, payload: bytes) -> RawData:
    """Parse a project file's bytes, or say precisely why they are not a project."""
    if not payload.strip():
        raise CorruptStoreError(path, f"the file is empty ({len(payload)} bytes)")
    try:
        data = orjson.loads(payload)
    except orjson.JSONDecodeError as exc:
        raise CorruptStoreError(path, f"it is not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise CorruptStoreError(path, "it holds JSON but not a TinyDB document (no tables)")
    for name, table in data.items():
        if not isinstance(table, dict) or not all(isinstance(d, dict) for d in table.values()):
            raise CorruptStoreError(path, f"table {name!r} is not a set of documents")
    return data


def serialize(data: RawData) -> bytes:
    return orjson.dumps(data)


class ProjectStorage(Storage):
    def __init__(self, path: Path, lock: ProjectLock) -> None:
        self.path = path
        self.lock = lock
        self._data: RawData = {}
        self._identity: Identity | None = None
        self._generation = -1
        self._in_batch = False
        self._dirty = False
        #: Incremented whenever the in-memory data is replaced by what is on disk.
        self.load_count = 0

    # -- TinyDB's interface -------------------------------------------------------------
    def read(self) -> RawData:
        return self._data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        self.require_batch()
        self._data = data
        self._dirty = True

    def require_batch(self) -> None:
        """Refuse a write outside ``batch()``, before the in-memory data is touched."""
        if not self._in_batch:
            raise RuntimeError("project writes go through ProjectStore.change()")

    def close(self) -> None:
        self.lock.close()

    # -- loading and staleness -------------------------------------------------------------
    def load(self) -> RawData:
        """Read the file from disk (the counter first, so a racing writer forces a re-read)."""
        generation = self.lock.generation()
        with open(self.path, "rb") as handle:
            identity = file_identity(os.fstat(handle.fileno()))
            payload = handle.read()
        self._data = parse(self.path, payload)
        self._identity = identity
        self._generation = generation
        self.load_count += 1
        return self._data

    def is_stale(self) -> bool:
        """Has anybody else written the file since it was read (or written) here?"""
        try:
            identity = file_identity(os.stat(self.path))
        except FileNotFoundError:
            return True
        return identity != self._identity or self.lock.generation() != self._generation

    # -- writing ---------------------------------------------------------------------------
    def write_now(self, data: RawData) -> None:
        """Replace the whole file (caller holds the lock). Used for creation and migration."""
        write_atomic(self.path, serialize(data))
        self._generation = self.lock.bump()
        self._identity = file_identity(os.stat(self.path))
        self._data = data

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Collect the writes of one change and commit them as one atomic replace.

        On any error the in-memory data is re-read from disk (unchanged, as the lock is
        held) so nothing half-applied survives.
        """
        if self._in_batch:
            yield
            return
        self._in_batch = True
        self._dirty = False
        try:
            yield
            if self._dirty:
                self.write_now(self._data)
        except BaseException:
            with contextlib.suppress(Exception):
                self.load()
            raise
        finally:
            self._in_batch = False
            self._dirty = False


class _IntKeyed(MutableMapping[int, Any]):
    """TinyDB's updaters see int document ids; the JSON file keeps them as strings.

    Wrapping the raw table instead of converting all ids both ways (as TinyDB does) keeps a
    one-document change O(1) instead of O(documents).
    """

    __slots__ = ("raw",)

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw

    def __getitem__(self, key: int) -> Any:
        return self.raw[str(key)]

    def __setitem__(self, key: int, value: Any) -> None:
        self.raw[str(key)] = value

    def __delitem__(self, key: int) -> None:
        del self.raw[str(key)]

    def __contains__(self, key: object) -> bool:
        return str(key) in self.raw

    def __iter__(self) -> Iterator[int]:
        return iter([int(k) for k in self.raw])

    def __len__(self) -> int:
        return len(self.raw)

    def clear(self) -> None:
        self.raw.clear()


class ProjectTable(Table):
    """A TinyDB table whose updates are O(1) per document and which can forget its caches."""

    def _update_table(self, updater: Callable[[dict[int, Any]], None]) -> None:
        # The updater changes the documents in place: refuse before it runs, not after.
        cast(ProjectStorage, self._storage).require_batch()
        tables = self._storage.read() or {}
        raw = tables.setdefault(self.name, {})
        updater(_IntKeyed(raw))  # type: ignore[arg-type]
        self._storage.write(tables)
        self.clear_cache()

    def _get_next_id(self) -> int:
        """Never hand out an id twice, even after the highest one was deleted.

        TinyDB counts from the highest id in the table, so once the file is re-read the id of
        a deleted experiment would come back, and a script's new experiment could take the
        number that an undo (or a note somewhere) still means. The highest id ever given is
        kept in ``_meta`` and written with the insert.
        """
        storage = cast(ProjectStorage, self._storage)
        storage.require_batch()
        next_id = int(super()._get_next_id())  # type: ignore[no-untyped-call]
        meta = storage.read().setdefault(META_TABLE, {}).setdefault("1", {})
        highest: dict[str, int] = meta.setdefault(LAST_IDS, {})
        floor = int(highest.get(self.name, 0))
        if next_id <= floor:
            next_id = floor + 1
            self._next_id = next_id + 1  # type: ignore[assignment]
        highest[self.name] = next_id
        return next_id

    def forget(self) -> None:
        """Drop the query cache and the cached next id after the data was re-read."""
        self.clear_cache()
        self._next_id = None

    def raw(self) -> dict[str, Any]:
        """The table's documents as stored (id string -> dict), without copying."""
        return self._read_table()


class ProjectDB(TinyDB):
    table_class = ProjectTable
