"""One experiment as a flat record (``list --json``, ``show --json``, export) and back.

A record holds every stored field, with empty ones spelled out (None, "", []), plus the
derived expected_value, score and quadrant. ``experiment_from_record`` reads a record back
(from an exported JSON or CSV file, or one typed by hand with only a few columns) and
validates every field by name, all of them, reporting every problem (``RecordProblems``);
the derived fields and the id are ignored on the way in.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from enum import Enum
from typing import Any

from ..domain import fields, lifecycle, text
from ..domain.enums import Outcome, Status
from ..domain.errors import IterateError, ValidationError
from ..domain.experiment import EstimateChange, Experiment
from ..domain.matrix import quadrant
from ..domain.scoring import expected_value, score
from ..domain.settings import ProjectSettings
from ..store.codec import doc_to_experiment, experiment_to_doc
from .output import iso

#: Stored fields in the order exports list them (id first, derived fields last).
STORED = tuple(f.name for f in dataclasses.fields(Experiment))
FIELD_ORDER = (
    "id",
    "title",
    "status",
    "impact",
    "probability",
    "cost",
    "info_value",
    "activity",
    "tier",
    "explore",
    "tags",
    "hypothesis",
    "matters",
    "outcome",
    "values",
    "actual_cost",
    "learned",
    "skip_reason",
    "started_impact",
    "started_probability",
    "created_at",
    "updated_at",
    "triaged_at",
    "started_at",
    "finished_at",
    "history",
    "run_url",
    "commit",
    "follow_up_of",
)
DERIVED = ("expected_value", "score", "quadrant")
COLUMNS = FIELD_ORDER + DERIVED
#: Ids are given anew on import, so a link to another experiment's id would point elsewhere.
IGNORED_ON_IMPORT = frozenset({"id", "follow_up_of", *DERIVED})
TIMESTAMPS = ("created_at", "updated_at", "triaged_at", "started_at", "finished_at")
NEEDS_ESTIMATES = (Status.BACKLOG, Status.RUNNING, Status.DONE)


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, EstimateChange):  # a named tuple: before the tuple case
        return {
            "at": iso(value.at),
            "field": value.field,
            "old": value.old,
            "new": value.new,
            "reason": value.reason,
        }
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def record(exp: Experiment, settings: ProjectSettings) -> dict[str, Any]:
    """Every stored field plus expected_value, score and quadrant, JSON-ready."""
    out: dict[str, Any] = {name: _plain(getattr(exp, name)) for name in FIELD_ORDER}
    where = quadrant(exp, settings)
    out["expected_value"] = expected_value(exp)
    out["score"] = score(exp, settings)
    out["quadrant"] = where.value if where else None
    return out


#: Columns holding text a person typed. A spreadsheet runs a cell that starts with one of
#: ``FORMULA_STARTS`` as a formula (``=HYPERLINK(...)``), so the export puts an apostrophe
#: in front of such a cell (spreadsheets hide it) and the import takes it off again. A cell
#: that already starts with an apostrophe gets one more, so every text round-trips exactly.
USER_TEXT_COLUMNS = frozenset({"title", "hypothesis", "matters", "learned", "skip_reason", "tags"})
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")


def defuse_formula(cell: str) -> str:
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def restore_formula(cell: str) -> str:
    """Undo ``defuse_formula`` (a hand-written cell without the apostrophe is kept as is)."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


def csv_cells(rec: Mapping[str, Any]) -> dict[str, str]:
    """A record as CSV cells: lists joined by spaces, history as JSON, None as blank, and
    typed text that a spreadsheet would run as a formula defused (see USER_TEXT_COLUMNS)."""
    cells: dict[str, str] = {}
    for name in COLUMNS:
        value = rec.get(name)
        if value is None:
            cells[name] = ""
        elif name == "explore":
            cells[name] = "explore" if value else "exploit"
        elif name in ("tags", "values"):
            cells[name] = " ".join(str(v) for v in value)
        elif name == "history":
            cells[name] = json.dumps(value, ensure_ascii=False) if value else ""
        else:
            cells[name] = str(value)
        if name in USER_TEXT_COLUMNS:
            cells[name] = defuse_formula(cells[name])
    return cells


# -- reading a record back -----------------------------------------------------------------
class RecordProblems(IterateError):
    """Everything wrong with one record, each problem a ValidationError whose ``field`` is
    the column (the record's key) it is in, or ``record`` for the record as a whole."""

    def __init__(self, problems: list[ValidationError]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_TEXT = frozenset(
    {"title", "hypothesis", "matters", "learned", "skip_reason", "run_url", "commit"}
    | {"status", "outcome", "activity", *TIMESTAMPS}
)
_NUMBERS = frozenset(
    {"impact", "probability", "cost", "info_value", "tier", "actual_cost"}
    | {"started_impact", "started_probability"}
)


def _kind_problem(name: str, value: Any) -> str | None:
    """What is wrong with the JSON type of ``value`` for column ``name`` (None: nothing),
    before any parser sees it: a parser given a list or a number where it expects text
    must never fail with an error of its own."""
    if name in _TEXT:
        if isinstance(value, list | dict):
            return "must be a single value, not a list or an object"
        if not isinstance(value, str):
            return f"must be text, not {value!r}"
    elif name in _NUMBERS:
        if isinstance(value, list | dict):
            return "must be a single value, not a list or an object"
    elif name == "explore":
        if not isinstance(value, str | bool):
            return f"{value!r} is not one of: explore, exploit, auto (or true, false)"
    elif name == "tags":
        items = value if isinstance(value, list) else [value]
        if not all(isinstance(item, str) for item in items):
            return f"{value!r} is not a list of words (tags are text)"
    elif name == "values":
        items = value if isinstance(value, list) else [value]
        if not all(isinstance(v, str | int | float) and not isinstance(v, bool) for v in items):
            return f"{value!r} is not a list of numbers"
    elif name == "history" and not isinstance(value, str | list):
        return "must be a list of changes"
    return None


def _numbers(name: str, value: Any) -> tuple[float, ...]:
    items = re.split(r"[\s,;]+", value.strip()) if isinstance(value, str) else value
    if not isinstance(items, list):
        items = [items]
    return tuple(fields.finite(v, name) for v in items if not _blank(v))


def _history(value: Any) -> tuple[EstimateChange, ...]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise ValidationError("history", f"is not valid JSON ({exc.msg})") from None
    if not isinstance(value, list):
        raise ValidationError("history", "must be a list of changes")
    changes = []
    for number, item in enumerate(value, 1):
        where = f"change {number}"
        if not isinstance(item, dict) or "at" not in item or "field" not in item:
            raise ValidationError("history", f"{where} needs at least 'at' and 'field'")
        old, new = item.get("old"), item.get("new")
        try:
            for raw in (old, new):
                if raw is not None and (isinstance(raw, bool) or not isinstance(raw, int | float)):
                    raise ValidationError(where, "'old' and 'new' must be numbers or null")
                if raw is not None:
                    fields.finite(raw, where)
            for key in ("at", "field", "reason"):
                if not isinstance(item.get(key, ""), str):
                    raise ValidationError(where, f"'{key}' must be text")
            changes.append(
                EstimateChange(
                    fields.moment(item["at"], where),
                    text.line(item["field"], where, 40),
                    old,
                    new,
                    text.line(item.get("reason") or "", where),
                )
            )
        except ValidationError as exc:
            raise ValidationError("history", f"{where}: {exc.message}") from None
    return tuple(changes)


class _Reader:
    """Reads a record's columns one at a time, keeping every problem instead of stopping
    at the first, each named by its column."""

    def __init__(self, given: Mapping[str, Any]) -> None:
        self.given = given
        self.problems: list[ValidationError] = []
        self.bad: set[str] = set()

    def read(self, name: str, parse: Callable[[Any], Any], default: Any = None) -> Any:
        """``parse`` of the column's value, ``default`` when it is absent or wrong (the
        problem is kept)."""
        if name not in self.given:
            return default
        value = self.given[name]
        kind = _kind_problem(name, value)
        try:
            if kind is not None:
                raise ValidationError(name, kind)
            return parse(value)
        except ValidationError as exc:
            self.refuse(name, exc.message)
            return default

    def refuse(self, name: str, message: str) -> None:
        self.problems.append(ValidationError(name, message))
        self.bad.add(name)


def _parse_one(key: str, value: Any) -> dict[str, Any]:
    return lifecycle.parse_fields({key: value})


def _moment(name: str, value: Any) -> datetime:
    return fields.moment(value, name)


def experiment_from_record(
    raw: Mapping[str, Any], settings: ProjectSettings, now: datetime
) -> Experiment:
    """Validate one imported record into a new experiment (id 0). Every column is checked
    (its JSON type, then its value), and then the rules between columns; RecordProblems
    lists everything found, each problem named by its column."""
    given = {k: v for k, v in raw.items() if k not in IGNORED_ON_IMPORT and not _blank(v)}
    reader = _Reader(given)
    clean: dict[str, Any] = {}
    for key in given:
        if key in STORED and key not in lifecycle.EDITABLE_FIELDS:
            continue  # read below
        if key not in STORED:
            reader.refuse(key, "is not a field of an experiment")
            continue
        parsed = reader.read(key, functools.partial(_parse_one, key))
        if parsed is not None:
            clean.update(parsed)
    if "title" not in clean and "title" not in reader.bad:
        reader.refuse("title", "must not be empty")
    status = reader.read("status", lambda v: fields.choice(Status, v, "status"), Status.IDEA)
    outcome = reader.read("outcome", lambda v: fields.choice(Outcome, v, "outcome"))
    values = reader.read("values", lambda v: _numbers("values", v), ())
    actual_cost = reader.read("actual_cost", lambda v: fields.non_negative(v, "actual_cost"))
    learned = reader.read("learned", lambda v: text.note(v, "learned"), "")
    skip_reason = reader.read("skip_reason", lambda v: text.line(v, "skip_reason"), "")
    started_impact = reader.read("started_impact", lambda v: fields.impact(v, "started_impact"))
    started_probability = reader.read(
        "started_probability", lambda v: fields.probability(v, "started_probability")
    )
    stamps = {name: reader.read(name, functools.partial(_moment, name)) for name in TIMESTAMPS}
    history = reader.read("history", _history, ())
    impact, probability = clean.get("impact"), clean.get("probability")
    if "status" not in reader.bad:
        if status in NEEDS_ESTIMATES:
            for name, value in (("impact", impact), ("probability", probability)):
                if value is None and name not in reader.bad:
                    reader.refuse(name, f"is needed for a {status.value} experiment")
        if "outcome" not in reader.bad:
            if status is Status.DONE and outcome is None:
                reader.refuse("outcome", "a done experiment needs one (success, failure, ...)")
            if outcome is not None and status is not Status.DONE:
                reader.refuse("outcome", f"only a done experiment has one (status: {status.value})")
        if status is Status.SKIPPED and not skip_reason and "skip_reason" not in reader.bad:
            reader.refuse("skip_reason", "a skipped experiment needs a reason")
    if outcome is Outcome.SUCCESS and not values and "values" not in reader.bad:
        reader.refuse("values", "a success needs at least one metric value")
    if reader.problems:
        raise RecordProblems(reader.problems)
    created = stamps["created_at"] or now
    started = status in (Status.RUNNING, Status.DONE)
    finished = status in (Status.DONE, Status.SKIPPED)
    exp = Experiment(
        **clean,
        status=status,
        outcome=outcome,
        values=values,
        actual_cost=actual_cost,
        learned=learned,
        skip_reason=skip_reason,
        started_impact=started_impact
        if "started_impact" in given
        else (impact if started else None),
        started_probability=(
            started_probability
            if "started_probability" in given
            else (probability if started else None)
        ),
        created_at=created,
        updated_at=stamps["updated_at"] or created,
        triaged_at=stamps["triaged_at"] or (created if status is not Status.IDEA else None),
        started_at=stamps["started_at"] or (created if started else None),
        finished_at=stamps["finished_at"] or (created if finished else None),
        history=history,
    )
    exp = lifecycle.apply_matters_rule(exp, settings, exp.updated_at)
    try:  # the same checks the store makes when it reads the file back
        return doc_to_experiment(0, experiment_to_doc(exp))
    except ValidationError as exc:
        raise RecordProblems([exc]) from None
    except (KeyError, TypeError, ValueError) as exc:
        raise RecordProblems([ValidationError("record", str(exc))]) from None
