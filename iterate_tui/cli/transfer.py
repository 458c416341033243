"""Export every experiment as JSON or CSV, and import such a file (all or nothing).

An import reads and validates the whole file before anything is written: each bad row is
reported by its number (the first experiment is row 1; a CSV row also gives its line in
the file) and nothing is imported. A good file is added in one write (``add_many``), after
a backup of the project if it already holds experiments.
"""

from __future__ import annotations

import csv
import io
import sys
from argparse import Namespace
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..domain.errors import IterateError, ValidationError
from ..domain.experiment import Experiment, utc_now
from ..domain.settings import ProjectSettings
from ..domain.text import clean_multiline
from ..store.backups import take_backup
from .context import Context
from .output import clean, dumps, out
from .records import (
    COLUMNS,
    USER_TEXT_COLUMNS,
    csv_cells,
    experiment_from_record,
    record,
    restore_formula,
)

MAX_REPORTED = 20
Row = tuple[str, Mapping[str, Any]]


class ImportProblem(IterateError):
    """The file cannot be imported; nothing was written."""


# -- export --------------------------------------------------------------------------------
def export_text(experiments: list[Experiment], settings: ProjectSettings, fmt: str) -> str:
    records = [record(e, settings) for e in sorted(experiments, key=lambda e: e.id)]
    if fmt == "json":
        return dumps(records) + "\n"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for item in records:
        # Control characters other than newline and tab are dropped (as an import would
        # drop them), so a CSV printed on a terminal cannot carry escape sequences.
        writer.writerow({k: clean_multiline(v) for k, v in csv_cells(item).items()})
    return buffer.getvalue()


def export(args: Namespace, ctx: Context) -> int:
    repository = ctx.repository
    sys.stdout.write(export_text(repository.experiments(), repository.settings(), args.format))
    return 0


# -- import --------------------------------------------------------------------------------
def _read(source: str) -> tuple[str, str]:
    """(text, name to report) of the file, or of standard input for ``-``."""
    if source == "-":
        data = sys.stdin.buffer.read()
        name = "standard input"
    else:
        path = Path(source).expanduser()
        name = str(path)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise ImportProblem(f"{clean(name)}: no such file") from None
        except IsADirectoryError:
            raise ImportProblem(f"{clean(name)}: is a folder, not a file") from None
        except OSError as exc:
            raise ImportProblem(f"{clean(name)}: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig"), name
    except UnicodeDecodeError as exc:
        raise ImportProblem(
            f"{clean(name)}: not UTF-8 text (byte {exc.start}); save it as UTF-8"
        ) from None


def _format_of(source: str, text: str, forced: str | None) -> str:
    if forced:
        return forced
    suffix = Path(source).suffix.lower()
    if suffix in (".json", ".csv"):
        return suffix[1:]
    return "json" if text.lstrip()[:1] in ("[", "{") else "csv"


def json_rows(text: str, name: str) -> list[Row]:
    import orjson

    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise ImportProblem(f"{clean(name)}: not valid JSON ({exc})") from None
    if isinstance(data, dict) and isinstance(data.get("experiments"), list):
        data = data["experiments"]
    if not isinstance(data, list):
        raise ImportProblem(
            f"{clean(name)}: expected a list of experiments (as 'iterate-tui export' writes)"
        )
    return [(f"row {i}", item) for i, item in enumerate(data, 1)]


def csv_rows(text: str, name: str) -> list[Row]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    if not header:
        return []
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise ImportProblem(
            f"{clean(name)}: column {clean(unknown[0])!r} is not a field of an experiment "
            f"(the columns are: {', '.join(COLUMNS)})"
        )
    if "title" not in header:
        raise ImportProblem(f"{clean(name)}: there is no 'title' column")
    reader.fieldnames = header
    rows: list[Row] = []
    line = reader.line_num + 1
    try:
        for number, row in enumerate(reader, 1):
            for name in USER_TEXT_COLUMNS.intersection(row):
                if isinstance(row[name], str):
                    row[name] = restore_formula(row[name])
            rows.append((f"row {number} (line {line})", row))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise ImportProblem(f"{clean(name)}: line {reader.line_num}: {exc}") from None
    return rows


def validate(rows: list[Row], settings: ProjectSettings) -> tuple[list[Experiment], list[str]]:
    """Every row checked; returns the experiments and the problems (``row 7: field: ...``)."""
    now = utc_now()
    built: list[Experiment] = []
    problems: list[str] = []
    for label, row in rows:
        try:
            if not isinstance(row, Mapping):
                raise ValidationError("row", "is not an object with named fields")
            if None in row:
                raise ValidationError("row", "has more cells than the header has columns")
            built.append(experiment_from_record(row, settings, now))
        except ValidationError as exc:
            problems.append(f"{label}: {exc}")
    return built, problems


def import_(args: Namespace, ctx: Context) -> int:
    text, name = _read(args.file)
    fmt = _format_of(args.file, text, args.format)
    rows = json_rows(text, name) if fmt == "json" else csv_rows(text, name)
    repository = ctx.repository
    experiments, problems = validate(rows, repository.settings())
    if problems:
        for problem in problems[:MAX_REPORTED]:
            print(f"iterate-tui: error: {clean(problem)}", file=sys.stderr)
        more = len(problems) - MAX_REPORTED
        if more > 0:
            print(f"iterate-tui: error: ... and {more} more", file=sys.stderr)
        print(
            f"iterate-tui: error: nothing was imported ({len(problems)} bad "
            f"row{'s' if len(problems) > 1 else ''} of {len(rows)} in {clean(name)})",
            file=sys.stderr,
        )
        return 1
    if not experiments:
        out(f"nothing to import: {clean(name)} has no experiments")
        return 0
    with ctx.change():
        if repository.count():
            take_backup(ctx.db, "before-import", lock=ctx.store.lock)
        stored = repository.add_many(experiments)
    first, last = stored[0].id, stored[-1].id
    ids = f"#{first}" if first == last else f"#{first}..#{last}"
    out(f"imported {len(stored)} experiment{'s' if len(stored) > 1 else ''} ({ids})")
    return 0
