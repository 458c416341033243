"""Reading the project file in a second process while the app starts.

Opening the app spends ~150 ms importing Textual. Python runs one thread at a time, so the
project file's parse (~50 ms at 10,000 experiments) and the ranking of the first screen's
rows (~15 ms) cannot overlap those imports in a thread; a forked child, on the second core,
can. The child reads the file the way a lock-free reader does (the change counter checked
around the read), parses it, ranks the rows the first screen shows, and sends back a small
header (every table but the experiments, the first rows, the counts) and then the
experiments in chunks, in the file's order, which the app parses between frames after its
first one.

The parent uses what the child read only if, under the project lock, the file and the
change counter are still exactly as the child saw them (``Header.is_current``). Otherwise,
and whenever anything goes wrong (the child died, a frame is short, a count differs), the
file is read the usual way, which also reports what is wrong with it. The child changes
nothing, never takes the lock (a parent holding it must never wait for a child waiting for
it) and leaves with ``os._exit``, so it never runs the parent's exit handlers.

Linux only (``fork`` without ``exec`` is not safe on macOS); elsewhere, or with
``ITERATE_TUI_NO_PREFETCH=1``, the app reads the file itself as before.
"""

from __future__ import annotations

import contextlib
import gc
import os
import select
import signal
import struct
import sys
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import orjson

from ..domain.enums import Status
from .codec import doc_to_settings
from .errors import PrefetchBroken
from .lock import ProjectLock
from .raw import Identity, RawData, file_identity, parse, rank_documents
from .schema import EXPERIMENTS_TABLE, settings_doc

#: Experiments per chunk: parsing one takes ~0.5 ms, so a key waits at most that long.
CHUNK = 64
#: How long the parent waits for the child's header before reading the file itself.
HEADER_TIMEOUT = 30.0
_LENGTH = struct.Struct("<Q")


@dataclass(frozen=True)
class Header:
    """What the child read, sent before the experiments themselves."""

    generation: int
    identity: Identity
    #: Every table as read, except the experiments (an empty dict in their place), in the
    #: file's order.
    tables: RawData
    #: How many experiments the file holds, and how many of each status.
    count: int
    status_counts: Mapping[str, int]
    #: The rows asked for: the ``limit`` best-ranked documents whose status is in
    #: ``statuses``, in rank order, and how many such documents could be ranked.
    statuses: frozenset[str]
    limit: int
    top: list[tuple[str, dict[str, Any]]]
    ranked: int

    def is_current(self, lock: ProjectLock, path: Path) -> bool:
        """Is the file still the version the child read? Call with the lock held."""
        try:
            identity = file_identity(os.stat(path))
        except OSError:
            return False
        return identity == self.identity and lock.generation() == self.generation

    def answers(self, statuses: frozenset[Status], limit: int) -> bool:
        return {s.value for s in statuses} == self.statuses and limit <= self.limit


class Prefetch:
    """The parent's end: the child's header, then its chunks of experiments."""

    def __init__(self, pid: int, stream: IO[bytes]) -> None:
        self.pid = pid
        self._stream = stream
        self._header: Header | None = None
        self._header_read = False
        self._sent = 0
        self._closed = False

    @classmethod
    def start(cls, path: Path, statuses: frozenset[Status], limit: int) -> Prefetch | None:
        """Fork the reader; None where that is not possible (then read the file as usual)."""
        if not sys.platform.startswith("linux") or os.environ.get("ITERATE_TUI_NO_PREFETCH"):
            return None
        try:
            read_end, write_end = os.pipe()
        except OSError:
            return None
        try:
            pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            return None
        if pid == 0:  # the child: never returns
            os.close(read_end)
            _serve(path, frozenset(s.value for s in statuses), limit, write_end)
        os.close(write_end)
        return cls(pid, os.fdopen(read_end, "rb", buffering=1 << 16))

    # -- reading --------------------------------------------------------------------------
    def header(self, timeout: float = HEADER_TIMEOUT) -> Header | None:
        """The header, or None if the child failed (or took longer than ``timeout``)."""
        if self._header_read:
            return self._header
        self._header_read = True
        try:
            ready, _, _ = select.select([self._stream], [], [], timeout)
            if not ready:
                raise PrefetchBroken("no header in time")
            raw = orjson.loads(self._frame())
            top = [(str(key), doc) for key, doc in raw["top"]]
            self._header = Header(
                generation=int(raw["generation"]),
                identity=tuple(raw["identity"]),
                tables=raw["tables"],
                count=int(raw["count"]),
                status_counts=raw["status_counts"],
                statuses=frozenset(raw["statuses"]),
                limit=int(raw["limit"]),
                top=top,
                ranked=int(raw["ranked"]),
            )
        except (PrefetchBroken, OSError, ValueError, KeyError, TypeError):
            self.close()
            return None
        return self._header

    def next_chunk(self) -> dict[str, Any] | None:
        """The next experiments in the file's order; None once all were sent. Raises
        PrefetchBroken if the stream ends early or the total differs from the header's."""
        header = self._header
        if header is None or self._closed:
            raise PrefetchBroken("the reader is gone")
        try:
            payload = self._frame()
            if not payload:
                if self._sent != header.count:
                    raise PrefetchBroken(f"{self._sent} experiments sent of {header.count}")
                self.close()
                return None
            chunk = orjson.loads(payload)
        except (OSError, ValueError) as exc:
            self.close()
            raise PrefetchBroken(str(exc)) from None
        if not isinstance(chunk, dict):
            self.close()
            raise PrefetchBroken("a chunk is not a set of documents")
        self._sent += len(chunk)
        return chunk

    def _frame(self) -> bytes:
        size = self._stream.read(_LENGTH.size)
        if len(size) != _LENGTH.size:
            raise PrefetchBroken("the stream ended")
        (length,) = _LENGTH.unpack(size)
        payload = self._stream.read(length)
        if len(payload) != length:
            raise PrefetchBroken("a frame was cut short")
        return payload

    def close(self) -> None:
        """Stop the child (if it still runs) and collect it."""
        if self._closed:
            return
        self._closed = True
        with contextlib.suppress(OSError):
            self._stream.close()
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.waitpid(self.pid, 0)


# -- the child ------------------------------------------------------------------------------
def _serve(path: Path, statuses: frozenset[str], limit: int, fd: int) -> None:
    """Read, parse, rank and send; leave without running anything of the parent's."""
    status = 1
    try:
        gc.disable()  # ~20,000 new dicts and no cycles: the collector would only slow it
        _quiet_stdio()
        with os.fdopen(fd, "wb", buffering=1 << 16) as out:
            _send_project(path, statuses, limit, out)
        status = 0
    except BaseException:
        pass  # whatever happened, the parent reads the file itself
    finally:
        os._exit(status)


def _quiet_stdio() -> None:
    """The child shares the terminal with the app: make sure it can never write to it."""
    devnull = os.open(os.devnull, os.O_RDWR)
    for target in (0, 1, 2):
        os.dup2(devnull, target)
    os.close(devnull)


def _send_project(path: Path, statuses: frozenset[str], limit: int, out: IO[bytes]) -> None:
    lock = ProjectLock(path)
    try:
        read = lock.read_unlocked(path)
    finally:
        lock.close()
    if read is None:
        return  # saves keep coming: the parent reads under the lock
    generation, info, payload = read
    data = parse(path, payload)
    experiments = data.get(EXPERIMENTS_TABLE, {})
    settings = doc_to_settings(settings_doc(data))
    top, ranked = rank_documents(experiments, settings, statuses, limit)
    header = {
        "generation": generation,
        "identity": list(file_identity(info)),
        "tables": {name: ({} if name == EXPERIMENTS_TABLE else t) for name, t in data.items()},
        "count": len(experiments),
        # Only text statuses (a malformed one is reported when its experiment is built).
        "status_counts": dict(
            Counter([s for doc in experiments.values() if isinstance(s := doc.get("status"), str)])
        ),
        "statuses": sorted(statuses),
        "limit": limit,
        "top": [(key, experiments[key]) for key in top],
        "ranked": ranked,
    }
    _write_frame(out, orjson.dumps(header))
    keys = list(experiments)
    for start in range(0, len(keys), CHUNK):
        part = {key: experiments[key] for key in keys[start : start + CHUNK]}
        _write_frame(out, orjson.dumps(part))
    _write_frame(out, b"")


def _write_frame(out: IO[bytes], payload: bytes) -> None:
    out.write(_LENGTH.pack(len(payload)))
    out.write(payload)
