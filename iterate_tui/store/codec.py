"""Domain objects <-> stored documents.

Documents are sparse (empty and unknown values are left out) to keep the file small, as a
change rewrites the whole file. Timestamps are ISO 8601 in UTC. NaN and infinities are
refused here, before anything can reach the file: JSON has no way to write them.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

from ..domain.enums import Activity, Direction, Outcome, Phase, Status, Support
from ..domain.errors import ValidationError
from ..domain.experiment import EstimateChange, Experiment
from ..domain.settings import ProjectSettings

# Looking members up by value in a dict is several times faster than calling the enum,
# which matters when 10,000 experiments are read at start-up. A bad value is a KeyError.
_ACTIVITY = {m.value: m for m in Activity}
_STATUS = {m.value: m for m in Status}
_OUTCOME = {m.value: m for m in Outcome}


def timestamp(value: datetime) -> str:
    """How the file (and every export) writes a moment: ISO 8601, UTC as 'Z'."""
    return value.isoformat().replace("+00:00", "Z")


def _parse_ts(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _opt_ts(doc: dict[str, Any], key: str) -> datetime | None:
    value = doc.get(key)
    return None if value is None else datetime.fromisoformat(value)


def ensure_finite(value: Any, where: str) -> None:
    """Refuse NaN and infinities anywhere inside a document about to be written."""
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise ValidationError(where, "NaN and infinity cannot be stored")
    elif isinstance(value, dict):
        for key, item in value.items():
            ensure_finite(item, f"{where}.{key}")
    elif isinstance(value, list | tuple):
        for item in value:
            ensure_finite(item, where)


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


def doc_to_experiment(doc_id: int, doc: dict[str, Any]) -> Experiment:
    """Build an experiment from its document; a malformed one raises ValueError/KeyError."""
    get = doc.get
    outcome = get("outcome")
    history = get("history")
    exp = Experiment(
        id=doc_id,
        title=doc["title"],
        hypothesis=get("hypothesis", ""),
        matters=get("matters", ""),
        impact=get("impact"),
        probability=get("probability"),
        cost=doc["cost"],
        info_value=get("info_value", 0),
        activity=_ACTIVITY[doc["activity"]],
        tier=get("tier", 1),
        explore=get("explore"),
        tags=tuple(get("tags", ())),
        status=_STATUS[doc["status"]],
        outcome=_OUTCOME[outcome] if outcome else None,
        values=tuple(get("values", ())),
        actual_cost=get("actual_cost"),
        learned=get("learned", ""),
        skip_reason=get("skip_reason", ""),
        started_impact=get("started_impact"),
        started_probability=get("started_probability"),
        created_at=_parse_ts(doc["created_at"]),
        updated_at=_parse_ts(doc["updated_at"]),
        triaged_at=_opt_ts(doc, "triaged_at"),
        started_at=_opt_ts(doc, "started_at"),
        finished_at=_opt_ts(doc, "finished_at"),
        history=tuple(
            EstimateChange(_parse_ts(c["at"]), c["field"], c["old"], c["new"], c.get("reason", ""))
            for c in history
        )
        if history
        else (),
    )
    _check_ranges(exp)
    return exp


def _check_ranges(exp: Experiment) -> None:
    if not isinstance(exp.title, str) or not exp.title:
        raise ValueError("title is missing")
    if exp.impact is not None and exp.impact not in (1, 2, 3, 4, 5):
        raise ValueError(f"impact {exp.impact!r} is not 1..5")
    if exp.probability is not None and not 0.0 <= exp.probability <= 1.0:
        raise ValueError(f"probability {exp.probability!r} is not within 0..1")
    if not isinstance(exp.cost, int | float) or not exp.cost > 0:
        raise ValueError(f"cost {exp.cost!r} is not > 0")
    if exp.info_value not in (0, 1, 2, 3):
        raise ValueError(f"information value {exp.info_value!r} is not 0..3")
    if exp.tier not in (1, 2, 3):
        raise ValueError(f"tier {exp.tier!r} is not 1..3")


def settings_to_doc(settings: ProjectSettings) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "name": settings.name,
        "metric_name": settings.metric_name,
        "direction": settings.direction.value,
        "baseline": settings.baseline,
        "target": settings.target,
        "start_date": settings.start_date.isoformat(),
        "deadline": settings.deadline.isoformat() if settings.deadline else None,
        "budget_total": settings.budget_total,
        "budget_unit": settings.budget_unit,
        "phase": settings.phase.value,
        "support": settings.support.value,
        "w_info": settings.w_info,
        "alpha": settings.alpha,
        "impact_threshold": settings.impact_threshold,
        "probability_threshold": settings.probability_threshold,
        "moonshot_share": settings.moonshot_share,
    }
    ensure_finite(doc, "settings")
    return doc


def doc_to_settings(doc: dict[str, Any]) -> ProjectSettings:
    base = ProjectSettings()
    get = doc.get
    deadline = get("deadline")
    return ProjectSettings(
        name=get("name", base.name),
        metric_name=get("metric_name", base.metric_name),
        direction=Direction(get("direction", base.direction.value)),
        baseline=get("baseline"),
        target=get("target"),
        start_date=date.fromisoformat(get("start_date", base.start_date.isoformat())),
        deadline=date.fromisoformat(deadline) if deadline else None,
        budget_total=get("budget_total"),
        budget_unit=get("budget_unit", base.budget_unit),
        phase=Phase(get("phase", base.phase.value)),
        support=Support(get("support", base.support.value)),
        w_info=get("w_info", base.w_info),
        alpha=get("alpha", base.alpha),
        impact_threshold=get("impact_threshold", base.impact_threshold),
        probability_threshold=get("probability_threshold", base.probability_threshold),
        moonshot_share=get("moonshot_share", base.moonshot_share),
    )
