"""One experiment as a flat record (``list --json``, ``show --json``, export) and back.

A record holds every stored field, with empty ones spelled out (None, "", []), plus the
derived expected_value, score and quadrant. ``experiment_from_record`` reads a record back
(from an exported JSON or CSV file, or one typed by hand with only a few columns) and
validates every field by name; the derived fields and the id are ignored on the way in.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from ..domain import fields, lifecycle, text
from ..domain.enums import Outcome, Status
from ..domain.errors import ValidationError
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
def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _scalar(name: str, value: Any) -> Any:
    if isinstance(value, list | dict):
        raise ValidationError(name, "must be a single value, not a list or an object")
    return value


def _timestamp(name: str, value: Any) -> datetime:
    try:
        parsed = datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError(
            name, f"{value!r} is not a date and time like 2026-10-05T09:20:00Z"
        ) from None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _numbers(name: str, value: Any) -> tuple[float, ...]:
    items = re.split(r"[\s,;]+", value.strip()) if isinstance(value, str) else value
    if not isinstance(items, list):
        items = [items]
    return tuple(fields.finite(_scalar(name, v), name) for v in items if not _blank(v))


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
        where = f"history change {number}"
        if not isinstance(item, dict) or "at" not in item or "field" not in item:
            raise ValidationError(where, "needs at least 'at' and 'field'")
        old, new = item.get("old"), item.get("new")
        for raw in (old, new):
            if raw is not None and (isinstance(raw, bool) or not isinstance(raw, int | float)):
                raise ValidationError(where, "'old' and 'new' must be numbers or null")
            if raw is not None:
                fields.finite(raw, where)
        changes.append(
            EstimateChange(
                _timestamp(f"{where} at", item["at"]),
                text.line(str(item["field"]), where, 40),
                old,
                new,
                text.line(str(item.get("reason") or ""), where),
            )
        )
    return tuple(changes)


def experiment_from_record(
    raw: Mapping[str, Any], settings: ProjectSettings, now: datetime
) -> Experiment:
    """Validate one imported record into a new experiment (id 0), naming the bad field."""
    given = {k: v for k, v in raw.items() if k not in IGNORED_ON_IMPORT and not _blank(v)}
    editable = {
        k: (v if k == "tags" else _scalar(k, v))
        for k, v in given.items()
        if k not in STORED or k in lifecycle.EDITABLE_FIELDS
    }
    clean = lifecycle.parse_fields(editable)
    if "title" not in clean:
        raise ValidationError("title", "must not be empty")
    get = given.get
    status = fields.choice(Status, str(_scalar("status", get("status", "idea"))), "status")
    outcome = (
        fields.choice(Outcome, str(_scalar("outcome", get("outcome"))), "outcome")
        if "outcome" in given
        else None
    )
    impact, probability = clean.get("impact"), clean.get("probability")
    if status in NEEDS_ESTIMATES:
        for name, value in (("impact", impact), ("probability", probability)):
            if value is None:
                raise ValidationError(name, f"is needed for a {status.value} experiment")
    if status is Status.DONE and outcome is None:
        raise ValidationError("outcome", "a done experiment needs one (success, failure, ...)")
    if outcome is not None and status is not Status.DONE:
        raise ValidationError("outcome", f"only a done experiment has one (status: {status})")
    values = _numbers("values", get("values")) if "values" in given else ()
    if outcome is Outcome.SUCCESS and not values:
        raise ValidationError("values", "a success needs at least one metric value")
    skip_reason = text.line(str(_scalar("skip_reason", get("skip_reason", ""))), "skip_reason")
    if status is Status.SKIPPED and not skip_reason:
        raise ValidationError("skip_reason", "a skipped experiment needs a reason")
    stamps = {
        name: _timestamp(name, _scalar(name, given[name])) for name in TIMESTAMPS if name in given
    }
    created = stamps.get("created_at", now)
    started = status in (Status.RUNNING, Status.DONE)
    exp = Experiment(
        **clean,
        status=status,
        outcome=outcome,
        values=values,
        actual_cost=(
            fields.non_negative(_scalar("actual_cost", get("actual_cost")), "actual_cost")
            if "actual_cost" in given
            else None
        ),
        learned=text.note(str(_scalar("learned", get("learned", ""))), "learned"),
        skip_reason=skip_reason,
        started_impact=(
            fields.impact(_scalar("started_impact", get("started_impact")), "started_impact")
            if "started_impact" in given
            else (impact if started else None)
        ),
        started_probability=(
            fields.probability(
                _scalar("started_probability", get("started_probability")), "started_probability"
            )
            if "started_probability" in given
            else (probability if started else None)
        ),
        created_at=created,
        updated_at=stamps.get("updated_at", created),
        triaged_at=stamps.get("triaged_at", created if status is not Status.IDEA else None),
        started_at=stamps.get("started_at", created if started else None),
        finished_at=stamps.get(
            "finished_at", created if status in (Status.DONE, Status.SKIPPED) else None
        ),
        history=_history(get("history")) if "history" in given else (),
    )
    exp = lifecycle.apply_matters_rule(exp, settings, exp.updated_at)
    try:  # the same checks the store makes when it reads the file back
        return doc_to_experiment(0, experiment_to_doc(exp))
    except ValidationError:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError("record", str(exc)) from None
