"""Getting a project back after its file was damaged: restore a backup, or salvage.

Both hold the project lock (so the app and scripts wait rather than write in between) and
both keep the current file: its bytes are first written durably to
``<db>.broken-YYYYmmdd-HHMMSS`` beside it (a name never reused), and only then is the
project replaced, with ``write_atomic``: the project path never goes missing, and a crash
during recovery leaves the old or the new file, with the copy beside it.

``salvage`` reads as much as it can. A file that still parses as JSON gives every
experiment document, each checked on its own; a file that does not (truncated by a full
disk, a half-copied file, bytes overwritten) is scanned: the ``"experiments"`` table is
walked entry by entry with ``json.JSONDecoder.raw_decode``, and when an entry cannot be
read the scan skips to the next ``"<id>": {`` it can find. Every experiment is then
rebuilt with the store's codec and kept only if it is valid, under its original id.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from .. import __version__
from .atomic import NotDurableError, ensure_private_folder, write_atomic
from .codec import (
    doc_id_of,
    doc_to_experiment,
    doc_to_settings,
    experiment_to_doc,
    settings_to_doc,
    timestamp,
)
from .errors import CorruptStoreError, SaveError, StoreError
from .lock import ProjectLock
from .raw import parse
from .schema import (
    EXPERIMENTS_TABLE,
    LAST_IDS,
    META_TABLE,
    PROJECT_TABLE,
    SCHEMA_VERSION,
    SETTINGS_KEY,
    RawData,
    check_meta,
    empty_project,
    settings_doc,
    version_of,
)
from .storage import serialize

_STAMP = "%Y%m%d-%H%M%S"
_ENTRY = re.compile(r'"(\d+)"\s*:\s*\{')
_DECODER = json.JSONDecoder()


class RecoveryError(StoreError):
    """A restore or salvage could not be done; nothing was changed."""


@dataclass(frozen=True, slots=True)
class SalvageReport:
    """What ``salvage`` found and kept, and where the original file was copied."""

    aside: Path
    experiments_found: int
    experiments_kept: int
    settings_kept: bool
    problems: list[str] = field(default_factory=list)


def aside_path(db: Path, now: datetime | None = None) -> Path:
    """``<db>.broken-<stamp>``, with a counter if that name is taken (never overwritten)."""
    stamp = (now or datetime.now(UTC)).strftime(_STAMP)
    candidate = db.with_name(f"{db.name}.broken-{stamp}")
    counter = 2
    while candidate.exists():
        candidate = db.with_name(f"{db.name}.broken-{stamp}-{counter}")
        counter += 1
    return candidate


def _keep_aside(db: Path, payload: bytes, now: datetime | None) -> Path:
    """Write the current bytes beside the database (0600, durably) and return where."""
    target = aside_path(db, now)
    write_atomic(target, payload)
    return target


def _replace_project(db: Path, payload: bytes, doing: str) -> None:
    """``write_atomic`` of the project file; a failure says which file and that it was
    left as it was."""
    try:
        write_atomic(db, payload)
    except OSError as exc:
        raise SaveError(
            db, exc, doing=doing, unchanged=not isinstance(exc, NotDurableError)
        ) from None


# -- restore -------------------------------------------------------------------------------
def check_project(path: Path, payload: bytes) -> RawData:
    """Parse a would-be project file and build every experiment and the settings from it.

    Raises CorruptStoreError naming ``path`` and the first problem found.
    """
    data = parse(path, payload)
    try:
        version_of(data)
    except ValueError as exc:
        raise CorruptStoreError(path, str(exc)) from None
    try:
        check_meta(data)
    except ValueError as exc:
        raise CorruptStoreError(path, str(exc)) from None
    for key, doc in data.get(EXPERIMENTS_TABLE, {}).items():
        try:
            doc_to_experiment(doc_id_of(key), doc)
        except (KeyError, ValueError, TypeError) as exc:
            raise CorruptStoreError(path, f"experiment {key!r} is malformed ({exc!s})") from None
    try:
        doc_to_settings(settings_doc(data))
    except (KeyError, ValueError, TypeError) as exc:
        raise CorruptStoreError(path, f"the project settings are malformed ({exc!s})") from None
    return data


def restore(db: Path, backup: Path, now: datetime | None = None) -> Path | None:
    """Replace the project file by ``backup``; returns where the old file was moved.

    The backup is read and checked first (``check_project``): an unreadable or unusable
    backup raises RecoveryError and nothing changes. The old file, if there is one,
    is kept as ``<db>.broken-<stamp>``; None is returned when there was no file.

    The ids handed out since the backup stay taken: if the old file had given out
    higher experiment ids than the backup knows of, the restored file records the
    highest one, so a new experiment never takes the number of one that was in the old
    file (kept aside, and perhaps in someone's notes). Otherwise the backup's bytes are
    restored as they are.
    """
    try:
        payload = backup.read_bytes()
    except OSError as exc:
        raise RecoveryError(f"cannot read the backup {backup}: {exc.strerror or exc}") from None
    if backup.resolve() == db.resolve():
        raise RecoveryError(f"{backup} is the project file itself, not a backup")
    try:
        restored = check_project(backup, payload)
    except CorruptStoreError as exc:
        raise RecoveryError(
            f"{backup} is not a usable backup: {exc.problem}. Nothing was changed."
        ) from None
    ensure_private_folder(db.parent)
    lock = ProjectLock(db)
    try:
        with lock.exclusive():
            aside: Path | None = None
            try:
                current = db.read_bytes()
            except FileNotFoundError:
                current = None
            if current is not None:
                aside = _keep_aside(db, current, now)
                payload = _keeping_ids_taken(restored, payload, _highest_id(current))
            _replace_project(db, payload, "restoring")
            lock.bump()
            return aside
    finally:
        lock.close()


def _highest_id(payload: bytes) -> int:
    """The highest experiment id a project file has handed out, read as tolerantly as
    salvage reads (the file being replaced may be damaged); 0 if nothing can be told."""
    text = payload.decode("utf-8", errors="replace")
    try:
        return _last_id(_readable_tables(text, []))
    except RecoveryError:  # a newer schema: its ids are not ours to read
        return 0


def _keeping_ids_taken(data: RawData, payload: bytes, taken: int) -> bytes:
    """``payload`` (whose parsed form is ``data``), recording ``taken`` as the highest
    experiment id handed out if that is higher than what it records."""
    meta = data.setdefault(META_TABLE, {}).setdefault("1", {})
    if taken <= _last_id(_Readable(data.get(EXPERIMENTS_TABLE, {}), None, meta)):
        return payload
    recorded = meta.get(LAST_IDS)
    meta[LAST_IDS] = {**(recorded if isinstance(recorded, dict) else {}), EXPERIMENTS_TABLE: taken}
    return serialize(data)


# -- salvage -------------------------------------------------------------------------------
def _skip_space(text: str, index: int) -> int:
    while index < len(text) and text[index] in " \t\r\n":
        index += 1
    return index


def _table_start(text: str, name: str) -> int | None:
    """Index just after the ``{`` that opens table ``name``, or None if it is not there."""
    match = re.search(rf'"{re.escape(name)}"\s*:\s*\{{', text)
    return match.end() if match else None


def _scan_table(text: str, name: str, problems: list[str]) -> dict[str, Any] | None:
    """Every complete ``"<id>": {...}`` entry of table ``name`` in text that is not JSON,
    or None when the table is not there at all.

    Keys that are found but whose document cannot be read are recorded with a None value so
    that they count as found.
    """
    found: dict[str, Any] = {}
    start = _table_start(text, name)
    if start is None:
        return None
    index = start
    while True:
        index = _skip_space(text, index)
        if index < len(text) and text[index] == ",":
            index = _skip_space(text, index + 1)
        if index >= len(text) or text[index] == "}":
            return found
        match = _ENTRY.match(text, index)
        if match is None:
            resume = _ENTRY.search(text, index)
            if resume is None:
                problems.append(f"unreadable text at character {index} ends the {name!r} table")
                return found
            problems.append(f"unreadable text at character {index} in the {name!r} table skipped")
            index = resume.start()
            continue
        key = match.group(1)
        try:
            doc, end = _DECODER.raw_decode(text, match.end() - 1)
        except json.JSONDecodeError:
            found[key] = None
            problems.append(f"{_entry_name(name, key)} is incomplete or damaged")
            resume = _ENTRY.search(text, match.end())
            if resume is None:
                return found
            index = resume.start()
            continue
        found[key] = doc
        index = end


def _entry_name(table: str, key: str) -> str:
    return f"experiment {key}" if table == EXPERIMENTS_TABLE else f"{table} entry {key}"


class _Readable(NamedTuple):
    experiments: dict[str, Any]
    #: None when the project table could not be found (its settings are lost).
    project: dict[str, Any] | None
    meta: dict[str, Any]


def _readable_tables(text: str, problems: list[str]) -> _Readable:
    """The experiments, project and meta tables, from a full parse if possible, else a scan.

    Refuses (RecoveryError) a file that says it was written by a newer iterate-tui.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        problems.append(f"the file is not valid JSON ({exc}); read what could be read")
        experiments = _scan_table(text, EXPERIMENTS_TABLE, problems)
        if experiments is None:
            problems.append("no experiments table could be found in the file")
        project = _scan_table(text, PROJECT_TABLE, [])
        data = {META_TABLE: _scan_table(text, META_TABLE, []) or {}}
        found = _Readable(experiments or {}, project, {})
    else:
        if not isinstance(data, dict):
            problems.append("the file holds JSON but not a project (no tables)")
            return _Readable({}, None, {})
        experiments = data.get(EXPERIMENTS_TABLE)
        project = data.get(PROJECT_TABLE)
        if not isinstance(experiments, dict):
            problems.append("the file has no experiments table")
            experiments = {}
        found = _Readable(experiments, project if isinstance(project, dict) else None, {})
    meta = data.get(META_TABLE)
    meta_doc = meta.get("1") if isinstance(meta, dict) else None
    if isinstance(meta_doc, dict):
        found = found._replace(meta=meta_doc)
        try:
            version = version_of({META_TABLE: {"1": meta_doc}})
        except ValueError as exc:
            problems.append(f"the schema version is unreadable ({exc})")
        else:
            if version > SCHEMA_VERSION:
                raise RecoveryError(
                    f"the file was written by a newer iterate-tui (schema {version}); "
                    "upgrade iterate-tui instead of salvaging it. Nothing was changed."
                )
    return found


def _last_id(found: _Readable) -> int:
    """The highest experiment id ever handed out, as far as the file tells: kept in the new
    file so that the id of an experiment lost here is never given to a new one."""
    ids = [int(key) for key in found.experiments if key.isascii() and key.isdigit()]
    recorded = found.meta.get(LAST_IDS)
    last = recorded.get(EXPERIMENTS_TABLE) if isinstance(recorded, dict) else None
    if isinstance(last, int) and not isinstance(last, bool):
        ids.append(last)
    return max(ids, default=0)


def _kept_experiments(raw: dict[str, Any], problems: list[str]) -> dict[str, dict[str, Any]]:
    kept: dict[str, dict[str, Any]] = {}
    for key, doc in raw.items():
        if doc is None:
            continue  # already reported as unreadable
        try:
            doc_id = doc_id_of(key)
            if str(doc_id) in kept:
                raise ValueError(f"id {key!r} is taken by another experiment")
            if not isinstance(doc, dict):
                raise TypeError("it is not a JSON object")
            exp = doc_to_experiment(doc_id, doc)
            kept[str(doc_id)] = experiment_to_doc(exp)
        except (KeyError, ValueError, TypeError) as exc:
            problems.append(f"experiment {key} dropped: {_reason(exc)}")
    return kept


def _reason(exc: BaseException) -> str:
    if isinstance(exc, KeyError):
        return f"field {exc.args[0]!r} is missing"
    return str(exc) or type(exc).__name__


def _kept_settings(
    project: dict[str, Any] | None, problems: list[str]
) -> tuple[bool, dict[str, Any] | None]:
    """(kept, document to write): a project table without settings keeps the defaults."""
    if project is None:
        problems.append("the project settings could not be read; defaults are used")
        return False, None
    doc = project.get(SETTINGS_KEY)
    if doc is None:
        return True, None
    try:
        if not isinstance(doc, dict):
            raise TypeError("they are not a JSON object")
        return True, settings_to_doc(doc_to_settings(doc))
    except (KeyError, ValueError, TypeError) as exc:
        problems.append(f"project settings dropped ({_reason(exc)}); defaults are used")
        return False, None


def salvage(db: Path, now: datetime | None = None) -> SalvageReport:
    """Copy the project file aside, then rewrite it with every experiment that is readable.

    Raises RecoveryError when there is no file to salvage (nothing is changed then).
    """
    if not db.is_file():
        raise RecoveryError(f"there is no project file at {db} to salvage")
    lock = ProjectLock(db)
    try:
        with lock.exclusive():
            try:
                payload = db.read_bytes()
            except FileNotFoundError:
                raise RecoveryError(f"there is no project file at {db} to salvage") from None
            problems: list[str] = []
            try:
                text = payload.decode("utf-8")
            except UnicodeDecodeError:
                text = payload.decode("utf-8", errors="replace")
                problems.append("bytes that are not UTF-8 were replaced")
            # Read (and refuse a newer schema) before writing anything, even the copy.
            found = _readable_tables(text, problems)
            aside = _keep_aside(db, payload, now)
            kept = _kept_experiments(found.experiments, problems)
            settings_kept, settings = _kept_settings(found.project, problems)
            meta: dict[str, Any] = {
                "created_by": f"iterate-tui {__version__}",
                "salvaged_from": aside.name,
                "salvaged_at": timestamp(now or datetime.now(UTC)),
            }
            last = _last_id(found)
            if last:
                meta[LAST_IDS] = {EXPERIMENTS_TABLE: last}
            fresh = empty_project(meta)
            fresh[EXPERIMENTS_TABLE] = kept
            if settings is not None:
                fresh[PROJECT_TABLE] = {SETTINGS_KEY: settings}
            _replace_project(db, serialize(fresh), "salvaging")
            lock.bump()
            return SalvageReport(
                aside=aside,
                experiments_found=len(found.experiments),
                experiments_kept=len(kept),
                settings_kept=settings_kept,
                problems=problems,
            )
    finally:
        lock.close()
