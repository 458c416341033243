"""The project file's raw form, below everything else in the store: what its bytes parse
into, how a file is told apart from another version of it, and ranking the stored
documents without building an experiment (the start-up reader does it in a second
process, the repository for the first rows)."""

from __future__ import annotations

import heapq
import os
from collections.abc import Collection
from pathlib import Path
from typing import Any

import orjson

from ..domain.ranking import RankKey, rank_key_of
from ..domain.settings import ProjectSettings
from .codec import doc_id_of
from .errors import CorruptStoreError

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


#: What a malformed document can raise while it is ranked.
_UNRANKABLE = (KeyError, ValueError, TypeError, ZeroDivisionError, OverflowError)


def rank_documents(
    raw: dict[str, dict[str, Any]], settings: ProjectSettings, statuses: Collection[str], limit: int
) -> tuple[list[str], int]:
    """The keys of the ``limit`` best-ranked stored documents whose status is in
    ``statuses`` (stored values), in rank order, and how many such documents could be
    ranked. A document that cannot be ranked is left out: building it reports what is wrong
    with it."""
    chosen = [(key, doc) for key, doc in raw.items() if doc.get("status") in statuses]
    try:  # one comprehension: faster than the careful loop (10,000 at launch)
        keyed = [(_doc_rank_key(key, doc, settings), key) for key, doc in chosen]
    except _UNRANKABLE:
        keyed = []
        for key, doc in chosen:
            try:
                keyed.append((_doc_rank_key(key, doc, settings), key))
            except _UNRANKABLE:
                continue
    return [key for _, key in heapq.nsmallest(limit, keyed)], len(keyed)


def _doc_rank_key(key: str, doc: dict[str, Any], settings: ProjectSettings) -> RankKey:
    """The domain's rank key of a stored document, without building the experiment."""
    return rank_key_of(
        doc_id_of(key),
        doc.get("impact"),
        doc.get("probability"),
        doc.get("info_value", 0),
        doc["cost"],
        settings,
    )
