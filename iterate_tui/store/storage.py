"""A TinyDB storage that keeps the parsed file in memory and writes it atomically.

TinyDB's default JSONStorage re-reads and re-parses the whole file on every operation and
writes in place (a crash mid-write leaves new data followed by the old tail). This storage
parses the file once, re-reads it only when another process has changed it, and commits
each change as one serialization and one atomic replace (see ``atomic.write_atomic``; the
new version is written into the spare file, the version before the previous one, when
that is safe).

The serialization is incremental for the one big table, the experiments: the bytes of each
of its documents are kept (``DocumentCache``) and a change re-serializes only the documents
it touched, then joins the kept bytes, so the file is still ``orjson.dumps`` of the whole
data, byte for byte, without paying for 10,000 documents on every save. TinyDB changes
documents in place through ``ProjectTable._update_table``, whose view of the table records
every document it hands out; anything else that can change the data (a re-read, a rollback,
a whole-file write, TinyDB writing the data wholesale) drops the kept bytes. Set
``ITERATE_TUI_VERIFY_SERIALIZE=1`` (or ``VERIFY_SERIALIZE``) to check every write against a
full ``orjson.dumps``.

Writes only happen inside ``batch()``, which ``ProjectStore.change`` opens while holding the
project lock, so a change made of several TinyDB operations is still one write.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Collection, Iterator, MutableMapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from .atomic import NotDurableError, write_atomic
from .errors import CorruptStoreError, PrefetchBroken, SaveError
from .lock import ProjectLock
from .raw import Identity, RawData, file_identity, parse
from .schema import EXPERIMENTS_TABLE, JOURNAL_TABLE, LAST_IDS, META_TABLE

if TYPE_CHECKING:
    from .prefetch import Header, Prefetch

#: Check every incremental serialization against a full ``orjson.dumps`` before writing
#: (slow: for tests and debugging). A mismatch raises ``SerializeCacheError`` and the change
#: is rolled back, so a stale cached document can never reach the file unnoticed.
VERIFY_SERIALIZE = os.environ.get("ITERATE_TUI_VERIFY_SERIALIZE", "") not in ("", "0")

#: A change's file is joined and written in this many parts (see ``serialize_parts``).
WRITE_PARTS = 8
#: Kept documents per joined block (see ``DocumentCache``).
BLOCK = 64


def serialize_parts(data: RawData, cache: DocumentCache) -> Collection[bytes | list[bytes]]:
    """``serialize(data, cache)`` in about ``WRITE_PARTS`` parts to write in turn; their
    concatenation is the file.

    Everything that can fail (serializing the changed documents) happens here, at once.
    A part is a list of buffers (``FileParts``), handed to the disk as they are, not
    joined, so that the disk writes one part while the next is prepared (see
    ``atomic.write_atomic``).
    """
    if VERIFY_SERIALIZE:
        return [serialize(data, cache)]
    return FileParts(cache.body(data), WRITE_PARTS)


class FileParts(Collection[list[bytes]]):
    """``b",".join(body)`` as about ``parts`` lists of buffers (``body``'s items with the
    commas between them), to be written one after the other without being joined."""

    __slots__ = ("body", "starts")

    #: Items of ``body`` per part at most: a part must stay under the kernel's limit of
    #: 1024 buffers per write (IOV_MAX).
    MOST = 500

    def __init__(self, body: list[bytes], parts: int) -> None:
        self.body = body
        step = min(max(1, -(-len(body) // parts)), self.MOST)
        self.starts = range(0, len(body), step)

    def __len__(self) -> int:
        return len(self.starts)

    def __iter__(self) -> Iterator[list[bytes]]:
        body, step = self.body, self.starts.step
        last = self.starts[-1] if self.starts else 0
        for start in self.starts:
            chunk = body[start : start + step]
            if start != last:
                chunk.append(b"")  # the comma between this part and the next
            buffers = [b","] * (2 * len(chunk) - 1)
            buffers[::2] = chunk
            if not buffers[-1]:
                buffers.pop()
            yield buffers

    def __contains__(self, item: object) -> bool:
        return any(item == part for part in self)


def serialize(data: RawData, cache: DocumentCache | None = None) -> bytes:
    """The file's bytes for ``data``: always exactly ``orjson.dumps(data)``.

    With a ``cache``, the documents of its table that were not touched since the previous
    call are not serialized again (see ``DocumentCache``).
    """
    if cache is None:
        return orjson.dumps(data)
    payload = cache.serialize(data)
    if VERIFY_SERIALIZE:
        expected = orjson.dumps(data)
        if payload != expected:
            cache.invalidate()
            raise SerializeCacheError(
                f"the cached serialization of {cache.name!r} differs from orjson.dumps "
                f"({len(payload)} vs {len(expected)} bytes)"
            )
    return payload


class SerializeCacheError(AssertionError):
    """The incremental serialization disagreed with a full one (only raised when verifying)."""


class DocumentCache:
    """The serialized bytes of each document of one table, kept from one write to the next.

    A piece is ``orjson.dumps({key: doc})`` without its braces, i.e. ``"key":{...}``, so the
    table is ``{`` + its pieces in the table's order joined by ``,`` + ``}``: byte for byte
    what ``orjson.dumps`` writes for the whole table.

    Invariant: ``pieces[key]`` is the serialization of the document now in ``table[key]``
    for every key not in ``touched``, where ``table`` is the very dict object the pieces
    were made from; and unless ``moved`` is set, ``order`` holds the pieces in the table's
    key order, ``position`` saying where. ``blocks[i]`` is ``order[i * BLOCK : (i + 1) *
    BLOCK]`` joined by ``,``, or None where that is still to be done: a write hands the
    disk about 160 blocks instead of 10,000 pieces (each a cost of its own), and a change
    joins its block again. The invariant holds because

    * documents change in place only through ``_IntKeyed`` (TinyDB's updaters), which adds
      the key of every document it hands out, stores or deletes to ``touched`` *before*
      the access, sets ``moved`` when a key is added or deleted, and drops everything on
      ``clear()``;
    * every other way the data can change (``ProjectStorage.load``, ``write_now``, TinyDB's
      own ``write`` of the data, a rollback) calls ``invalidate()``;
    * a table dict replaced by another object (even an equal one) is noticed by identity;
    * documents handed out for reading (``ProjectTable.raw()``, TinyDB's search results,
      which share nested lists with the stored documents) are never mutated: see
      ``ProjectTable``.

    Whatever goes wrong while serializing (an unserializable document, a key that should
    be there and is not) drops everything, so the next write starts afresh.

    ``companions``: caches of other tables (the journal, whose few hundred entries each
    hold two experiment documents) whose kept documents are joined in the same way; they
    are dropped whenever this one is.
    """

    __slots__ = (
        "blocks",
        "companions",
        "moved",
        "name",
        "order",
        "pieces",
        "position",
        "table",
        "touched",
    )

    def __init__(self, name: str, companions: Collection[DocumentCache] = ()) -> None:
        self.name = name
        self.companions = {cache.name: cache for cache in companions}
        #: Keys of documents that may have changed since they were serialized. The set
        #: object is shared with live ``_IntKeyed`` views: it is cleared, never replaced.
        self.touched: set[str] = set()
        self.table: dict[str, Any] | None = None
        self.pieces: dict[str, bytes] = {}
        self.order: list[bytes] = []
        self.position: dict[str, int] = {}
        self.blocks: list[bytes | None] = []
        self.moved = False

    def invalidate(self) -> None:
        """Forget every kept document (the next write serializes them all again)."""
        self.table = None
        self.pieces = {}
        self.order = []
        self.position = {}
        self.blocks = []
        self.moved = False
        self.touched.clear()
        for companion in self.companions.values():
            companion.invalidate()

    def serialize(self, data: RawData) -> bytes:
        return b",".join(self.body(data))

    def body(self, data: RawData) -> list[bytes]:
        """The file's bytes as blocks to be joined with ``,`` (a new list): the kept
        documents' blocks, the other tables around the first and the last."""
        table = data.get(self.name)
        if type(table) is not dict:  # absent, or a kind of mapping this does not handle
            self.invalidate()
            return [orjson.dumps(data)]
        try:
            body = self._documents(table)
        except BaseException:
            self.invalidate()
            raise
        # The other tables are small: serialized every time, around the documents (a
        # companion's kept documents are joined like this table's).
        dumps = orjson.dumps
        before: list[bytes] = []
        after: list[bytes] = []
        side = before
        for name, value in data.items():
            if name == self.name:
                side = after
            elif name in self.companions and type(value) is dict:
                try:
                    kept = self.companions[name]._documents(value)
                except BaseException:
                    self.invalidate()
                    raise
                side.append(dumps(name) + b":{" + b",".join(kept) + b"}")
            else:
                side.append(dumps({name: value})[1:-1])
        head = b"{" + b"".join(part + b"," for part in before) + dumps(self.name) + b":{"
        tail = b"}" + b"".join(b"," + part for part in after) + b"}"
        if body:
            body[0] = head + body[0]
            body[-1] += tail
        else:
            body = [head + tail]
        return body

    def _documents(self, table: dict[str, Any]) -> list[bytes]:
        """``table``'s documents in its order, in blocks to be joined by ``,`` (a new list
        the caller may change), serializing again only the touched documents when it can."""
        if table is not self.table or self._patch(table) is None:
            # First use, another table object, or a change that went round ``_IntKeyed``
            # (the contract was broken somewhere): none of the kept pieces is trusted.
            self.invalidate()
            dumps = orjson.dumps
            pieces = {key: dumps({key: doc})[1:-1] for key, doc in table.items()}
            order = list(pieces.values())
            self.pieces, self.order = pieces, order
            self.position = dict(zip(pieces, range(len(order)), strict=True))
            self.table = table
        return self._blocks()

    def _blocks(self) -> list[bytes]:
        """``blocks``, joining the ones that are not (a new list)."""
        order, blocks = self.order, self.blocks
        if len(blocks) != -(-len(order) // BLOCK):
            blocks = self.blocks = [None] * -(-len(order) // BLOCK)
        for index, block in enumerate(blocks):
            if block is None:
                blocks[index] = b",".join(order[index * BLOCK : (index + 1) * BLOCK])
        return cast(list[bytes], blocks.copy())

    def _patch(self, table: dict[str, Any]) -> list[bytes] | None:
        """Bring the kept pieces up to date with ``table``; None if they cannot be."""
        dumps = orjson.dumps
        pieces = self.pieces
        touched = self.touched
        changed = [key for key in touched if key in table]
        for key in touched:
            pieces.pop(key, None)
        touched.clear()
        for key in changed:
            pieces[key] = dumps({key: table[key]})[1:-1]
        if len(pieces) != len(table):
            return None
        order = self.order
        if not self.moved:
            # The same keys in the same order as when ``order`` was made: patch it.
            position = self.position
            blocks = self.blocks
            for key in changed:
                index = position.get(key)
                if index is None or index // BLOCK >= len(blocks):
                    return None
                order[index] = pieces[key]
                blocks[index // BLOCK] = None
            return order if len(order) == len(table) else None
        # Documents were added or removed: put the pieces in the table's order again.
        try:
            order = list(map(pieces.__getitem__, table))
        except KeyError:
            return None
        self.order = order
        self.position = dict(zip(table, range(len(order)), strict=True))
        self.blocks = []
        self.moved = False
        return order


class ProjectStorage(Storage):
    def __init__(self, path: Path, lock: ProjectLock) -> None:
        self.path = path
        self.lock = lock
        self._data: RawData = {}
        self._identity: Identity | None = None
        self._generation = -1
        self._in_batch = False
        self._dirty = False
        #: The experiments' serialized documents, and the journal's, kept between writes
        #: (see DocumentCache).
        self.cache = DocumentCache(EXPERIMENTS_TABLE, [DocumentCache(JOURNAL_TABLE)])
        #: Incremented whenever the in-memory data is replaced by what is on disk.
        self.load_count = 0
        #: While the experiments are still arriving from the start-up reader (``prefetch``):
        #: the reader, and its header (the counts and first rows of the whole file).
        self._feed: Prefetch | None = None
        self.prefetched: Header | None = None

    # -- TinyDB's interface -------------------------------------------------------------
    def read(self) -> RawData:
        """Everything (the experiments still arriving from the start-up reader are waited for)."""
        if self._feed is not None:
            self.finish_feed()
        return self._data

    def documents(self, table: str) -> dict[str, Any]:
        """A table's stored documents, without waiting for experiments still arriving (the
        dict then grows as ``feed`` adds them). Read-only, like ``ProjectTable.raw``."""
        return self._data.get(table, {})

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        """TinyDB hands over the data it changed (``drop_table``, ...): nothing says which
        documents changed, so the serialized ones are all dropped."""
        self.require_batch()
        self.cache.invalidate()
        self._data = data
        self._dirty = True

    def write_documents(self, data: RawData) -> None:
        """``ProjectTable._update_table``'s write: the documents it changed are already
        recorded in ``cache.touched`` by its ``_IntKeyed`` view."""
        self.require_batch()
        if data is not self._data:
            self.cache.invalidate()
        self._data = data
        self._dirty = True

    def prime_cache(self) -> None:
        """Serialize every document now (the caller holds off writers), so that the first
        change after a (re-)read costs one document, not all of them."""
        self.cache.serialize(self.read())

    def tracker(self, table: str) -> DocumentCache | None:
        """The cache an ``_IntKeyed`` view of ``table`` must report to (None: not cached)."""
        return self.cache if table == self.cache.name else self.cache.companions.get(table)

    @property
    def in_batch(self) -> bool:
        """Is a change being collected (see ``batch``)?"""
        return self._in_batch

    def require_batch(self) -> None:
        """Refuse a write outside ``batch()``, before the in-memory data is touched."""
        if not self._in_batch:
            raise RuntimeError("project writes go through ProjectStore.change()")

    def close(self) -> None:
        self._stop_feed()
        self.lock.close()

    # -- loading and staleness -------------------------------------------------------------
    def load(self, prefetch: Prefetch | None = None) -> RawData:
        """Read the file from disk: one complete version even while others save (the counter
        is checked around the read, see ``ProjectLock.read_consistent``), and the counter
        from before the read, so that a racing writer forces a re-read.

        With ``prefetch`` (opening, the lock held) what the start-up reader read is taken
        instead if the file is still that version: every table but the experiments at once,
        the experiments as ``feed`` takes them (``read`` waits for all of them).
        """
        self.cache.invalidate()
        self._stop_feed()
        header = prefetch.header() if prefetch is not None else None
        if prefetch is not None and header is not None and header.is_current(self.lock, self.path):
            self._data = header.tables
            self._feed, self.prefetched = prefetch, header
            self._identity = header.identity
            self._generation = header.generation
            self.load_count += 1
            return self._data
        if prefetch is not None:
            prefetch.close()
        generation, info, payload = self.lock.read_consistent(self.path)
        self._data = parse(self.path, payload)
        self._identity = file_identity(info)
        self._generation = generation
        self.load_count += 1
        return self._data

    @property
    def feeding(self) -> bool:
        """Are experiments still arriving from the start-up reader?"""
        return self._feed is not None

    def feed(self) -> list[str]:
        """Add the start-up reader's next chunk of experiments; the keys added. If the
        reader failed, the file is read again the usual way (``load_count`` moves)."""
        reader = self._feed
        if reader is None:
            return []
        try:
            chunk = reader.next_chunk()
        except PrefetchBroken:
            self.load()
            return []
        if chunk is None:
            self._feed = self.prefetched = None
            return []
        self._data.setdefault(EXPERIMENTS_TABLE, {}).update(chunk)
        return list(chunk)

    def finish_feed(self) -> None:
        while self._feed is not None:
            self.feed()

    def _stop_feed(self) -> None:
        if self._feed is not None:
            self._feed.close()
        self._feed = self.prefetched = None

    def is_stale(self) -> bool:
        """Has anybody else written the file since it was read (or written) here?"""
        try:
            identity = file_identity(os.stat(self.path))
        except FileNotFoundError:
            return True
        return identity != self._identity or self.lock.generation() != self._generation

    # -- writing ---------------------------------------------------------------------------
    def write_now(self, data: RawData) -> None:
        """Replace the whole file (caller holds the lock). Used for creation and migration.

        ``data`` may be anything (a migration may even have changed the in-memory documents
        in place), so every document is serialized afresh.
        """
        self.cache.invalidate()
        self._commit(data)

    def _commit(self, data: RawData) -> None:
        parts = serialize_parts(data, self.cache)
        try:
            # Before a byte is written: the write may go into an inode that a lock-free
            # reader still has open (see ``ProjectLock.read_consistent``).
            self.lock.bump()
            write_atomic(self.path, parts, recycle=True)
            self._generation = self.lock.bump()
            self._identity = file_identity(os.stat(self.path))
        except OSError as exc:
            # Disk full, ``ulimit -f``, permission denied: say which file, and whether it
            # was left as it was (everything before the rename leaves it untouched).
            raise SaveError(self.path, exc, unchanged=not isinstance(exc, NotDurableError)) from exc
        self._data = data

    def adopt(self, data: RawData) -> None:
        """Use ``data`` in memory instead of what was read, without writing it (an older
        schema upgraded for reading where the file cannot be written)."""
        self.cache.invalidate()
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
                self._commit(self._data)
        except BaseException:
            # The documents in memory may be half-changed: forget their bytes even if the
            # re-read below fails.
            self.cache.invalidate()
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

    With a ``cache``, the key of every document handed out, stored or deleted is recorded in
    ``cache.touched`` before the access (an updater changes the document it reads in place),
    adding or deleting a key sets ``cache.moved``, and ``clear()`` drops the whole cache.
    Every ``MutableMapping`` helper (``pop``, ``items()``, ``update``, ...) goes through
    these methods, so none can slip past.
    """

    __slots__ = ("cache", "raw")

    def __init__(self, raw: dict[str, Any], cache: DocumentCache | None = None) -> None:
        self.raw = raw
        self.cache = cache

    def _touch(self, key: int) -> str:
        skey = str(key)
        if self.cache is not None:
            self.cache.touched.add(skey)
        return skey

    def __getitem__(self, key: int) -> Any:
        return self.raw[self._touch(key)]

    def __setitem__(self, key: int, value: Any) -> None:
        skey = self._touch(key)
        if self.cache is not None and skey not in self.raw:
            self.cache.moved = True
        self.raw[skey] = value

    def __delitem__(self, key: int) -> None:
        skey = self._touch(key)
        if self.cache is not None:
            self.cache.moved = True
        del self.raw[skey]

    def __contains__(self, key: object) -> bool:
        return str(key) in self.raw

    def __iter__(self) -> Iterator[int]:
        return iter([int(k) for k in self.raw])

    def __len__(self) -> int:
        return len(self.raw)

    def clear(self) -> None:
        if self.cache is not None:
            self.cache.invalidate()
        self.raw.clear()


class ProjectTable(Table):
    """A TinyDB table whose updates are O(1) per document and which can forget its caches.

    Documents are changed only through TinyDB's operations (``insert``, ``update``,
    ``upsert``, ``remove``, ``truncate``, ...) inside ``ProjectStore.change()``. What reading
    hands out -- ``raw()``, and the documents of ``get``/``search``/``all``, which are
    shallow copies sharing their lists and dicts with the stored ones -- must never be
    mutated: the storage keeps the serialized bytes of each experiment and re-serializes
    only the documents an operation went through, so an edit made behind TinyDB's back
    would silently never reach the file. For the same reason a document inserted here must
    not share mutable values with one that is changed later.
    """

    def _update_table(self, updater: Callable[[dict[int, Any]], None]) -> None:
        storage = cast(ProjectStorage, self._storage)
        # The updater changes the documents in place: refuse before it runs, not after.
        storage.require_batch()
        tables = storage.read() or {}
        raw = tables.setdefault(self.name, {})
        updater(_IntKeyed(raw, storage.tracker(self.name)))  # type: ignore[arg-type]
        storage.write_documents(tables)
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
        floor = highest.get(self.name, 0) if isinstance(highest, dict) else None
        if type(floor) is not int:  # a hand-edited file read in by a re-read
            raise CorruptStoreError(storage.path, f"_meta.{LAST_IDS} is {highest!r}, not ids")
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
        """The table's documents as stored (id string -> dict), without copying.

        Read-only: the dicts are the stored ones, and a change made to them here would be
        neither recorded nor written (see the class docstring).
        """
        return self._read_table()


class ProjectDB(TinyDB):
    table_class = ProjectTable
