"""Export every experiment as JSON or CSV, and import such a file (all or nothing).

An import reads and validates the whole file before anything is written: every problem of
every row is reported by the row's number (the first experiment is row 1), the line it
starts on and the column, and nothing is imported. A good file is added in one write
(``add_many``), after a backup of the project if it already holds experiments; rows that
are already in the project (same title and created time) are counted and warned about,
or left out with ``--skip-existing``. A missing project is created only if something is
imported.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from argparse import Namespace
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from ..domain.errors import IterateError, ValidationError
from ..domain.experiment import Experiment, utc_now
from ..domain.settings import ProjectSettings
from ..domain.text import clean_multiline
from ..store.backups import take_backup
from ..store.codec import timestamp
from ..store.errors import ProjectMissingError
from .context import Context
from .output import clean, dumps, out
from .records import (
    COLUMNS,
    USER_TEXT_COLUMNS,
    RecordProblems,
    csv_cells,
    experiment_from_record,
    record,
    restore_formula,
)

MAX_REPORTED = 20


class Row(NamedTuple):
    """One experiment of an import file: how problems name it (``row 7 (line 8)``), its
    fields, and what a field is called in this format (``column`` or ``field``)."""

    label: str
    data: Mapping[str, Any]
    unit: str


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
    return [Row(f"row {i}", item, "field") for i, item in enumerate(data, 1)]


def json_row_lines(text: str) -> list[int]:
    """The line on which each experiment of a JSON import file starts (for its problems;
    worked out only when there are some). Empty if the file's layout is not the list (or
    ``{"experiments": [...]}``) that ``json_rows`` reads."""
    decoder = json.JSONDecoder()
    index = _skip(text, 0)
    if text.startswith("{", index):
        index = _skip(text, index + 1)
        while index < len(text) and text[index] == '"':
            key, index = decoder.raw_decode(text, index)
            index = _skip(text, _skip(text, index) + 1)  # past the colon
            if key == "experiments" and text.startswith("[", index):
                break
            _, index = decoder.raw_decode(text, index)
            index = _skip(text, index)
            index = _skip(text, index + 1) if text.startswith(",", index) else index
        else:
            return []
    if not text.startswith("[", index):
        return []
    lines: list[int] = []
    index = _skip(text, index + 1)
    while index < len(text) and text[index] != "]":
        lines.append(text.count("\n", 0, index) + 1)
        _, index = decoder.raw_decode(text, index)
        index = _skip(text, index)
        if text.startswith(",", index):
            index = _skip(text, index + 1)
    return lines


def _skip(text: str, index: int) -> int:
    while index < len(text) and text[index] in " \t\r\n":
        index += 1
    return index


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
            rows.append(Row(f"row {number} (line {line})", row, "column"))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise ImportProblem(f"{clean(name)}: line {reader.line_num}: {exc}") from None
    return rows


class Problem(NamedTuple):
    """What is wrong with one row: in which column (None: the row as a whole)."""

    row: Row
    column: str | None
    message: str

    def __str__(self) -> str:
        where = "" if self.column is None else f", {self.row.unit} {self.column}"
        return f"{self.row.label}{where}: {self.message}"


def validate(rows: list[Row], settings: ProjectSettings) -> tuple[list[Experiment], list[Problem]]:
    """Every row checked, every problem of a row reported; returns the experiments of the
    good rows and the problems (``row 7 (line 8), column impact: ...``)."""
    now = utc_now()
    built: list[Experiment] = []
    problems: list[Problem] = []
    for row in rows:
        try:
            if not isinstance(row.data, Mapping):
                raise RecordProblems([ValidationError("row", "is not an object with named fields")])
            if None in row.data:
                raise RecordProblems(
                    [ValidationError("row", "has more cells than the header has columns")]
                )
            built.append(experiment_from_record(row.data, settings, now))
        except RecordProblems as exc:
            for found in exc.problems:
                column = None if found.field in ("row", "record") else found.field
                problems.append(Problem(row, column, found.message))
    return built, problems


def _with_lines(rows: list[Row], text: str) -> list[Row]:
    """JSON rows labelled with the line each starts on, where that can be told."""
    try:
        lines = json_row_lines(text)
    except (ValueError, IndexError):
        return rows
    if len(lines) != len(rows):
        return rows
    return [
        row._replace(label=f"{row.label} (line {line})")
        for row, line in zip(rows, lines, strict=True)
    ]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _key(exp: Experiment, dated: bool) -> tuple[str, str]:
    """What matches an imported experiment to one in the project: its title and created
    time, or its title alone for a row that gave no created time."""
    return (exp.title, timestamp(exp.created_at) if dated else "")


def import_(args: Namespace, ctx: Context) -> int:
    text, name = _read(args.file)
    fmt = _format_of(args.file, text, args.format)
    rows = json_rows(text, name) if fmt == "json" else csv_rows(text, name)
    try:
        settings = ctx.repository.settings()
    except ProjectMissingError:  # created only if something is imported
        settings = ProjectSettings()
    experiments, problems = validate(rows, settings)
    if problems:
        if fmt == "json":  # say on which line each bad row starts
            labels = {
                row.label: lined for row, lined in zip(rows, _with_lines(rows, text), strict=True)
            }
            problems = [p._replace(row=labels.get(p.row.label, p.row)) for p in problems]
        for problem in problems[:MAX_REPORTED]:
            print(f"iterate-tui: error: {clean(problem)}", file=sys.stderr)
        more = len(problems) - MAX_REPORTED
        if more > 0:
            print(f"iterate-tui: error: ... and {more} more", file=sys.stderr)
        bad = len(rows) - len(experiments)
        print(
            f"iterate-tui: error: nothing was imported ({bad} bad "
            f"row{'s' if bad > 1 else ''} of {len(rows)} in {clean(name)})",
            file=sys.stderr,
        )
        return 1
    if not experiments:
        out(f"nothing to import: {clean(name)} has no experiments")
        return 0
    dated = [not _blank(row.data.get("created_at")) for row in rows]
    with ctx.change() as session:
        repository = session.repository
        if repository.settings() != settings:  # created or changed meanwhile: check again
            experiments, problems = validate(rows, repository.settings())
            if problems:
                raise ImportProblem(f"{clean(name)}: the project's settings changed; try again")
        existing = repository.experiments()
        known = {_key(e, True) for e in existing} | {_key(e, False) for e in existing}
        repeated = [_key(e, d) in known for e, d in zip(experiments, dated, strict=True)]
        count = sum(repeated)
        if args.skip_existing:
            experiments = [e for e, seen in zip(experiments, repeated, strict=True) if not seen]
            if not experiments:
                out(f"nothing to import: all {count} are already in the project")
                return 0
        if existing:
            take_backup(ctx.db, "before-import", lock=ctx.store.lock)
        stored = session.add_many(experiments, f"import {len(experiments)} from {clean(name)}")
    first, last = stored[0].id, stored[-1].id
    ids = f"#{first}" if first == last else f"#{first}..#{last}"
    out(f"imported {len(stored)} experiment{'s' if len(stored) > 1 else ''} ({ids})")
    if count and args.skip_existing:
        out(f"left out {count} already in the project (same title and created time)")
    elif count:
        print(
            f"iterate-tui: warning: {count} of these are already in the project (same title "
            "and created time) and are now there twice; 'import --skip-existing' leaves "
            "such rows out",
            file=sys.stderr,
        )
    return 0
