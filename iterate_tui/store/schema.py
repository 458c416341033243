"""The file's schema version and the migrations between versions.

A migration is a pure function from one version's raw data (``{table: {id: document}}``) to
the next version's. They run in order when an older file is opened, after a backup.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

RawData = dict[str, dict[str, Any]]
Migration = Callable[[RawData], RawData]

SCHEMA_VERSION = 2
META_TABLE = "_meta"
#: In `_meta`: the highest id ever handed out per table, so ids are never reused.
LAST_IDS = "last_ids"
PROJECT_TABLE = "project"
EXPERIMENTS_TABLE = "experiments"
#: The last changes, before and after, for undo (in the app and from scripts) and the log.
JOURNAL_TABLE = "journal"
#: The id of the one document in PROJECT_TABLE: the project's settings.
SETTINGS_KEY = "1"


def settings_doc(data: RawData) -> dict[str, Any]:
    """The stored project settings document (empty when there is none)."""
    doc: dict[str, Any] = data.get(PROJECT_TABLE, {}).get(SETTINGS_KEY, {})
    return doc


def version_of(data: RawData) -> int:
    """The schema version a file declares; a TinyDB file without ``_meta`` is version 0."""
    meta = data.get(META_TABLE, {}).get("1")
    if meta is None:
        return 0
    version = meta.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise ValueError(f"_meta.schema_version is {version!r}, not a whole number")
    return version


def check_meta(data: RawData) -> None:
    """Refuse a ``_meta`` document the store could not use (ValueError saying why): the
    highest ids handed out must be a mapping of table names to whole numbers."""
    meta = data.get(META_TABLE, {}).get("1")
    if meta is None:
        return
    last_ids = meta.get(LAST_IDS)
    if last_ids is None:
        return
    if not isinstance(last_ids, dict):
        raise ValueError(f"_meta.{LAST_IDS} is {last_ids!r}, not a table of the highest ids")
    for table, highest in last_ids.items():
        if type(highest) is not int or highest < 0:
            raise ValueError(f"_meta.{LAST_IDS}.{table} is {highest!r}, not a whole number")


def with_version(data: RawData, version: int) -> RawData:
    out = dict(data)
    out[META_TABLE] = {"1": {**data.get(META_TABLE, {}).get("1", {}), "schema_version": version}}
    return out


def _v0_to_v1(data: RawData) -> RawData:
    """Version 0 is a bare TinyDB file (made by hand or by another tool): keep its
    experiments and project settings, drop TinyDB's unused ``_default`` table when empty,
    and start declaring the schema version."""
    out = {name: dict(table) for name, table in data.items()}
    if not out.get("_default"):
        out.pop("_default", None)
    out.setdefault(EXPERIMENTS_TABLE, {})
    out.setdefault(PROJECT_TABLE, {})
    return with_version(out, 1)


def _v1_to_v2(data: RawData) -> RawData:
    """Version 2 adds the journal of changes (undo across sessions and from scripts) and
    the experiments' run URL, commit and follow-up link, which older versions would drop
    when they save an experiment: they open a version 2 file read-only."""
    out = {name: dict(table) for name, table in data.items()}
    out.setdefault(JOURNAL_TABLE, {})
    return with_version(out, 2)


MIGRATIONS: Mapping[int, Migration] = {0: _v0_to_v1, 1: _v1_to_v2}


def migrate(
    data: RawData, target: int = SCHEMA_VERSION, migrations: Mapping[int, Migration] = MIGRATIONS
) -> RawData:
    """Apply migrations from the file's version up to ``target``; each step sets the version."""
    version = version_of(data)
    while version < target:
        step = migrations.get(version)
        if step is None:
            raise ValueError(f"no migration from schema version {version}")
        data = step(data)
        new_version = version_of(data)
        if new_version != version + 1:
            raise ValueError(f"migration from {version} produced version {new_version}")
        version = new_version
    return data


def empty_project(meta: Mapping[str, Any]) -> RawData:
    return {
        META_TABLE: {"1": {**meta, "schema_version": SCHEMA_VERSION}},
        PROJECT_TABLE: {},
        EXPERIMENTS_TABLE: {},
        JOURNAL_TABLE: {},
    }
