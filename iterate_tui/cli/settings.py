"""``settings``: show the project settings, or change some with ``--set key=value``.

Every assignment is validated (by the domain's field parsers, naming the key) and the
whole set checked together before one write, so a bad value changes nothing.
"""

from __future__ import annotations

import dataclasses
from argparse import Namespace
from collections.abc import Callable
from datetime import date
from typing import Any

from ..domain import fields, text
from ..domain.enums import Direction, Phase, Support
from ..domain.errors import ValidationError
from ..domain.settings import ProjectSettings
from ..store.codec import settings_to_doc
from .context import Context
from .output import clean, dumps, out, percent

Parser = Callable[[str, str], Any]


def _date(raw: str, key: str) -> date:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise ValidationError(key, f"{raw.strip()!r} is not a date like 2026-12-31") from None


def _optional(parse: Parser) -> Parser:
    """An empty value clears the setting."""

    def parse_or_clear(raw: str, key: str) -> Any:
        return None if not raw.strip() else parse(raw, key)

    return parse_or_clear


def _required_text(raw: str, key: str) -> str:
    return text.title(raw, key)


def _impact_threshold(raw: str, key: str) -> int:
    value = fields.impact(raw, key)
    if value < 2:
        raise ValidationError(key, "must be from 2 to 5 (at 1 no experiment has low impact)")
    return value


def _probability_threshold(raw: str, key: str) -> float:
    value = fields.probability(raw, key)
    if value < 0.05:
        raise ValidationError(key, "must be from 5% to 100%")
    return value


PARSERS: dict[str, Parser] = {
    "name": _required_text,
    "metric_name": _required_text,
    "direction": lambda raw, key: fields.choice(Direction, raw, key),
    "baseline": _optional(fields.finite),
    "target": _optional(fields.finite),
    "start_date": _date,
    "deadline": _optional(_date),
    "budget_total": _optional(fields.positive),
    "budget_unit": _required_text,
    "phase": lambda raw, key: fields.choice(Phase, raw, key),
    "support": lambda raw, key: fields.choice(Support, raw, key),
    "w_info": fields.non_negative,
    "alpha": fields.non_negative,
    "impact_threshold": _impact_threshold,
    "probability_threshold": _probability_threshold,
    "moonshot_share": fields.probability,
}

HELP = {
    "name": "project name",
    "metric_name": "goal metric",
    "direction": "maximize or minimize",
    "baseline": "baseline value of the metric",
    "target": "target value of the metric",
    "start_date": "YYYY-MM-DD",
    "deadline": "YYYY-MM-DD (optional)",
    "budget_total": "total budget (optional)",
    "budget_unit": "GPU-hours, days...",
    "phase": "early, middle, late, deadline",
    "support": "stakeholder support: strong, waning, withdrawn",
    "w_info": "weight of information value in the score",
    "alpha": "cost exponent in the score",
    "impact_threshold": "high impact from (1..5)",
    "probability_threshold": "high probability from",
    "moonshot_share": "budget allowance for moonshots",
}


def changed(current: ProjectSettings, assignments: list[str]) -> ProjectSettings:
    """The settings with every ``key=value`` applied, all validated, or ValidationError."""
    updates: dict[str, Any] = {}
    for assignment in assignments:
        key, sep, raw = assignment.partition("=")
        key = key.strip().lower().replace("-", "_")
        if not sep:
            raise ValidationError("settings", f"{assignment!r} is not key=value")
        parse = PARSERS.get(key)
        if parse is None:
            raise ValidationError(
                "settings", f"{key!r} is not a setting; the settings are: {', '.join(PARSERS)}"
            )
        updates[key] = parse(raw, key)
    result = dataclasses.replace(current, **updates)
    if result.deadline is not None and result.deadline < result.start_date:
        raise ValidationError(
            "deadline", f"{result.deadline} is before the start date {result.start_date}"
        )
    return result


def _shown(key: str, value: Any) -> str:
    if value is None:
        return "-"
    if key in ("probability_threshold", "moonshot_share"):
        return percent(value)
    if isinstance(value, float):
        return f"{value:g}"
    return clean(value)


def settings(args: Namespace, ctx: Context) -> int:
    repository = ctx.repository
    if args.assignments:
        with ctx.change():
            current = repository.settings()
            new = changed(current, args.assignments)
            if new != current:
                repository.save_settings(new)
    current = repository.settings()
    if args.json:
        out(dumps(settings_to_doc(current)))
        return 0
    width = max(len(k) for k in PARSERS)
    for key in PARSERS:
        value = _shown(key, getattr(current, key))
        out(f"{key:<{width}}  {value:<20}  {HELP[key]}".rstrip())
    out(f"change one with: iterate-tui settings --set KEY=VALUE   ({clean(ctx.db)})")
    return 0
