"""Domain objects <-> stored documents.

Documents are sparse (empty and unknown values are left out) to keep the file small, as a
change rewrites the whole file. Timestamps are ISO 8601 in UTC. NaN and infinities are
refused here, before anything can reach the file: JSON has no way to write them. On the
way back every value is checked for its JSON type and its range, as strictly as a value
typed in, so that a hand-edited file is refused as damaged when it is opened rather than
breaking a screen or an export later.
"""

from __future__ import annotations

import dataclasses
import math
from datetime import datetime
from typing import Any

from ..domain.enums import Activity, Outcome, Status
from ..domain.errors import ValidationError
from ..domain.experiment import EstimateChange, Experiment
from ..domain.fields import (
    COST_MAX,
    COST_MIN,
    COST_RANGE,
    DATE_MAX,
    DATE_MIN,
    DATE_RANGE,
    VALUE_MAX,
    VALUE_RANGE,
)
from ..domain.settings import SETTING_SPECS, ProjectSettings, check_settings

# Looking members up by value in a dict is several times faster than calling the enum,
# which matters when 10,000 experiments are read at start-up. A bad value is a KeyError.
_ACTIVITY = {m.value: m for m in Activity}
_STATUS = {m.value: m for m in Status}
_OUTCOME = {m.value: m for m in Outcome}


def timestamp(value: datetime) -> str:
    """How the file (and every export) writes a moment: ISO 8601, UTC as 'Z'."""
    return value.isoformat().replace("+00:00", "Z")


_parse_ts = datetime.fromisoformat


def ensure_finite(value: Any, where: str) -> None:
    """Refuse NaN and infinities anywhere inside a document about to be written.

    Every save checks its document: a quick walk finds whether anything is wrong (a long
    estimate history is hundreds of values), and only then the careful one says where."""
    if _all_finite(value):
        return
    _name_non_finite(value, where)


def _all_finite(value: Any) -> bool:
    stack = [value]
    pop, extend, isfinite = stack.pop, stack.extend, math.isfinite
    while stack:
        item = pop()
        kind = type(item)
        if kind is float:
            if not isfinite(item):
                return False
        elif kind is dict:
            extend(item.values())
        elif kind is list or kind is tuple:
            extend(item)
        elif isinstance(item, float | dict | list | tuple):  # a subclass: the careful way
            return False
    return True


def _name_non_finite(value: Any, where: str) -> None:
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise ValidationError(where, "NaN and infinity cannot be stored")
    elif isinstance(value, dict):
        for key, item in value.items():
            _name_non_finite(item, f"{where}.{key}")
    elif isinstance(value, list | tuple):
        for item in value:
            _name_non_finite(item, where)


def experiment_to_doc(exp: Experiment) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "title": exp.title,
        "status": exp.status.value,
        "cost": exp.cost,
        "activity": exp.activity.value,
        "tier": exp.tier,
        "info_value": exp.info_value,
        "created_at": timestamp(exp.created_at),
        "updated_at": timestamp(exp.updated_at),
    }
    optional: dict[str, Any] = {
        "hypothesis": exp.hypothesis,
        "matters": exp.matters,
        "impact": exp.impact,
        "probability": exp.probability,
        "explore": exp.explore,
        "tags": list(exp.tags),
        "outcome": exp.outcome.value if exp.outcome else None,
        "values": list(exp.values),
        "actual_cost": exp.actual_cost,
        "learned": exp.learned,
        "skip_reason": exp.skip_reason,
        "started_impact": exp.started_impact,
        "started_probability": exp.started_probability,
        "triaged_at": timestamp(exp.triaged_at) if exp.triaged_at else None,
        "started_at": timestamp(exp.started_at) if exp.started_at else None,
        "finished_at": timestamp(exp.finished_at) if exp.finished_at else None,
        "run_url": exp.run_url,
        "commit": exp.commit,
        "follow_up_of": exp.follow_up_of,
        "history": [
            {
                "at": timestamp(c.at),
                "field": c.field,
                "old": c.old,
                "new": c.new,
                **({"reason": c.reason} if c.reason else {}),
            }
            for c in exp.history
        ],
    }
    doc.update({k: v for k, v in optional.items() if v is not None and v != "" and v != []})
    ensure_finite(doc, f"experiment #{exp.id}" if exp.id else "experiment")
    return doc


#: The order of Experiment's fields, which ``doc_to_experiment`` passes by position: keyword
#: arguments cost a quarter of the build of 10,000 experiments (measured: 79 -> 58 ms).
_FIELDS = (
    *("title", "id", "hypothesis", "matters", "impact", "probability", "cost", "info_value"),
    *("activity", "tier", "explore", "tags", "status", "outcome", "values", "actual_cost"),
    *("learned", "skip_reason", "started_impact", "started_probability", "created_at"),
    *("updated_at", "triaged_at", "started_at", "finished_at", "history"),
    *("run_url", "commit", "follow_up_of"),
)
if tuple(f.name for f in dataclasses.fields(Experiment)) != _FIELDS:
    raise ImportError("Experiment's fields changed: update store.codec._FIELDS and its order")


def doc_id_of(key: str) -> int:
    """The id a stored key names: digits only, as ``str(id)`` writes them, from 1 (``int``
    alone would also take ``"-5"``, ``"0"``, ``" 7"``, ``"1_0"`` and other scripts' digits,
    and such an id would not find its document again)."""
    doc_id = int(key)
    if doc_id < 1 or str(doc_id) != key:
        raise ValueError(f"{key!r} is not an experiment number (1, 2, 3...)")
    return doc_id


def doc_to_experiment(doc_id: int, doc: dict[str, Any]) -> Experiment:
    """Build an experiment from its document; a malformed one raises ValueError/KeyError/
    TypeError, saying what is wrong.

    Every value is checked for its JSON type and range (``_check``), as strictly as a value
    typed in: a hand-edited file with ``"impact": true`` or ``"tags": "abc"`` is refused as
    damaged rather than read into something that breaks a screen later.
    """
    get = doc.get
    outcome = get("outcome")
    history = get("history")
    tags = get("tags", ())
    triaged, started, finished = get("triaged_at"), get("started_at"), get("finished_at")
    if type(tags) is not list and tags != ():
        raise TypeError(f"tags {tags!r} is not a list of words")
    exp = Experiment(
        doc["title"],
        doc_id,
        get("hypothesis", ""),
        get("matters", ""),
        get("impact"),
        get("probability"),
        doc["cost"],
        get("info_value", 0),
        _ACTIVITY[doc["activity"]],
        get("tier", 1),
        get("explore"),
        tuple(tags),
        _STATUS[doc["status"]],
        _OUTCOME[outcome] if outcome else None,
        tuple(get("values", ())),
        get("actual_cost"),
        get("learned", ""),
        get("skip_reason", ""),
        get("started_impact"),
        get("started_probability"),
        _parse_ts(doc["created_at"]),
        _parse_ts(doc["updated_at"]),
        None if triaged is None else _parse_ts(triaged),
        None if started is None else _parse_ts(started),
        None if finished is None else _parse_ts(finished),
        tuple(
            [
                EstimateChange(
                    _parse_ts(c["at"]), c["field"], c["old"], c["new"], c.get("reason", "")
                )
                for c in history
            ]
        )
        if history
        else (),
        get("run_url", ""),
        get("commit", ""),
        get("follow_up_of"),
    )
    _check(exp)
    return exp


_NUMBER = frozenset({int, float})
_MAYBE_NUMBER = frozenset({int, float, type(None)})
_YEARS = range(DATE_MIN.year, DATE_MAX.year + 1)


def _check(exp: Experiment) -> None:
    """Refuse a value of the wrong type or out of its range (see ``domain.fields``).

    One short-circuited expression on exact types (``type(x) is int`` also refuses
    ``true``), and the error worked out only when it fails: this runs for each of 10,000
    experiments when a big project opens (measured: 10,000 built in ~62 ms, ~54 ms without
    these checks; the app's first frame builds only the rows it shows).
    """
    impact, probability, cost = exp.impact, exp.probability, exp.cost
    started_impact, started_probability = exp.started_impact, exp.started_probability
    spent, follow = exp.actual_cost, exp.follow_up_of
    created, updated = exp.created_at, exp.updated_at
    if not (
        type(exp.title) is str
        and exp.title
        and (impact is None or (type(impact) is int and 1 <= impact <= 5))
        and (probability is None or (type(probability) in _NUMBER and 0 <= probability <= 1))
        and type(cost) in _NUMBER
        and COST_MIN <= cost <= COST_MAX
        and type(exp.info_value) is int
        and 0 <= exp.info_value <= 3
        and type(exp.tier) is int
        and 1 <= exp.tier <= 3
        and (exp.explore is None or type(exp.explore) is bool)
        and type(exp.hypothesis) is str
        and type(exp.matters) is str
        and type(exp.learned) is str
        and type(exp.skip_reason) is str
        and type(exp.run_url) is str
        and type(exp.commit) is str
        and (spent is None or (type(spent) in _NUMBER and 0 <= spent <= COST_MAX))
        and (started_impact is None or (type(started_impact) is int and 1 <= started_impact <= 5))
        and (
            started_probability is None
            or (type(started_probability) in _NUMBER and 0 <= started_probability <= 1)
        )
        and (follow is None or (type(follow) is int and follow >= 1))
        and created.tzinfo is not None
        and created.year in _YEARS
        and updated.tzinfo is not None
        and updated.year in _YEARS
    ):
        raise ValueError(_problem(exp))
    for tag in exp.tags:
        if type(tag) is not str:
            raise ValueError(f"tag {tag!r} is not a word")
    for value in exp.values:
        if type(value) not in _NUMBER or not -VALUE_MAX <= value <= VALUE_MAX:
            raise ValueError(f"metric value {value!r} is not a number {VALUE_RANGE}")
    triaged, started, finished = exp.triaged_at, exp.started_at, exp.finished_at
    if not (
        (triaged is None or (triaged.tzinfo is not None and triaged.year in _YEARS))
        and (started is None or (started.tzinfo is not None and started.year in _YEARS))
        and (finished is None or (finished.tzinfo is not None and finished.year in _YEARS))
    ):
        late = next(m for m in (triaged, started, finished) if m is not None)
        raise ValueError(_moment_problem(late))
    # History moments are only shown and compared, never converted: a time zone is enough.
    for at, name, old, new, reason in exp.history:
        if (
            at.tzinfo is None
            or type(old) not in _MAYBE_NUMBER
            or type(new) not in _MAYBE_NUMBER
            or type(name) is not str
            or type(reason) is not str
        ):
            raise ValueError(f"history: {name!r} {old!r} -> {new!r} is not a change of an estimate")


def _moment_problem(moment: datetime) -> str:
    return f"{moment.isoformat()} is not a moment with its time zone, {DATE_RANGE}"


def _problem(exp: Experiment) -> str:
    """What ``_check``'s expression found wrong, in words (the slow path)."""

    def whole(value: object, low: int, high: int) -> bool:
        return type(value) is int and low <= value <= high

    def number(value: object, low: float, high: float) -> bool:
        return type(value) in _NUMBER and low <= value <= high  # type: ignore[operator]

    checks: list[tuple[bool, str]] = [
        (type(exp.title) is str and bool(exp.title), "title is missing or not text"),
        (exp.impact is None or whole(exp.impact, 1, 5), f"impact {exp.impact!r} is not 1..5"),
        (
            exp.probability is None or number(exp.probability, 0, 1),
            f"probability {exp.probability!r} is not within 0..1",
        ),
        (number(exp.cost, COST_MIN, COST_MAX), f"cost {exp.cost!r} is not {COST_RANGE}"),
        (whole(exp.info_value, 0, 3), f"information value {exp.info_value!r} is not 0..3"),
        (whole(exp.tier, 1, 3), f"tier {exp.tier!r} is not 1..3"),
        (
            exp.explore is None or type(exp.explore) is bool,
            f"explore {exp.explore!r} is not true, false or absent",
        ),
        (
            exp.actual_cost is None or number(exp.actual_cost, 0, COST_MAX),
            f"actual cost {exp.actual_cost!r} is not from 0 to 1e9",
        ),
        (
            exp.started_impact is None or whole(exp.started_impact, 1, 5),
            f"started impact {exp.started_impact!r} is not 1..5",
        ),
        (
            exp.started_probability is None or number(exp.started_probability, 0, 1),
            f"started probability {exp.started_probability!r} is not within 0..1",
        ),
        (
            exp.follow_up_of is None or whole(exp.follow_up_of, 1, 1 << 62),
            f"follow_up_of {exp.follow_up_of!r} is not an experiment number",
        ),
    ]
    for name in ("hypothesis", "matters", "learned", "skip_reason", "run_url", "commit"):
        value = getattr(exp, name)
        checks.append((type(value) is str, f"{name} {value!r} is not text"))
    for moment in (exp.created_at, exp.updated_at):
        checks.append(
            (moment.tzinfo is not None and moment.year in _YEARS, _moment_problem(moment))
        )
    return next((problem for ok, problem in checks if not ok), "a value is malformed")


def settings_to_doc(settings: ProjectSettings) -> dict[str, Any]:
    doc = {
        spec.key: spec.to_stored(value)
        for spec in SETTING_SPECS
        if (value := getattr(settings, spec.key)) is not None or not spec.sparse
    }
    ensure_finite(doc, "settings")
    return doc


def doc_to_settings(doc: dict[str, Any]) -> ProjectSettings:
    """The settings from their stored document; a missing key takes its default, a value of
    the wrong type or out of range raises ValidationError (a ValueError) naming the key."""
    if not isinstance(doc, dict):
        raise TypeError("the settings are not a JSON object")
    values = {
        spec.key: spec.from_stored(doc[spec.key]) for spec in SETTING_SPECS if spec.key in doc
    }
    return check_settings(ProjectSettings(**values))
