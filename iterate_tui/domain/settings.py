"""Project settings: the goal, the calendar and budget, and the tunable coefficients.

Defaults are the reference's numbers: information weight 1.0, cost exponent 1.0, high impact
from 3, high probability from 50%, moonshots at most 20% of the budget.

``SETTING_SPECS`` is the one description of every setting: its label, help, the range it
accepts and the parser that enforces it. The command line (``settings``, ``settings
--help``), the settings screen and the store (which checks a stored settings document with
the same parsers, see ``from_stored``) all read it, so a range is stated and enforced in one
place. The ranges keep every score finite: with costs from ``fields.COST_MIN`` to
``fields.COST_MAX``, ``alpha`` at most ``ALPHA_MAX`` and ``w_info`` at most ``W_INFO_MAX``,
``(impact x probability + w_info x information value) / cost ** alpha`` lies between 0 and
about 3e20.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from . import fields, text
from .enums import Direction, Labelled, Phase, Support
from .errors import ValidationError


def _today() -> date:
    return date.today()


@dataclass(frozen=True, slots=True)
class ProjectSettings:
    name: str = "Untitled project"
    metric_name: str = "accuracy"
    direction: Direction = Direction.MAXIMIZE
    baseline: float | None = None
    target: float | None = None
    start_date: date = field(default_factory=_today)
    deadline: date | None = None
    budget_total: float | None = None
    budget_unit: str = "GPU-hours"
    phase: Phase = Phase.EARLY
    support: Support = Support.STRONG
    w_info: float = 1.0
    alpha: float = 1.0
    impact_threshold: int = 3
    probability_threshold: float = 0.5
    moonshot_share: float = 0.2
    #: When stakeholder support was last confirmed (None: never recorded).
    support_confirmed: date | None = None


#: The largest weight of information value and the largest cost exponent accepted.
W_INFO_MAX = 100.0
ALPHA_MAX = 3.0
#: The largest total budget, in budget units.
BUDGET_MAX = 1e12


@dataclass(frozen=True)
class SettingSpec:
    """One setting: how it is named, explained, bounded, read and shown."""

    key: str
    label: str
    help: str
    #: The accepted values, as ``settings --help`` and the settings screen say them.
    range_text: str
    #: What is typed -> the value; raises ValidationError naming ``key``.
    parse: Callable[[str], Any]
    #: How it is kept in the file: ``text``, ``number``, ``choice`` or ``date``.
    kind: str = "number"
    #: May be empty (None); typing an empty value clears it.
    optional: bool = False
    #: Shown as a percentage.
    percent: bool = False
    #: Left out of the file while empty (a setting added later: files that never set it
    #: stay byte for byte what they were).
    sparse: bool = False

    def read(self, raw: str) -> Any:
        """What is typed -> the value (an empty value clears an optional setting)."""
        if self.optional and not raw.strip():
            return None
        return self.parse(raw)

    def show(self, value: Any) -> str:
        """The value as a person reads it (``-`` for none)."""
        if value is None:
            return "-"
        if self.percent:
            shown = f"{value * 100:.1f}".rstrip("0").rstrip(".")
            return f"{shown}%"
        if isinstance(value, Labelled):
            return value.value
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, float):
            return f"{value:g}"
        return str(value)

    def to_stored(self, value: Any) -> Any:
        """The value as the project file keeps it (JSON)."""
        if value is None:
            return None
        if self.kind == "choice":
            return value.value
        if self.kind == "date":
            return value.isoformat()
        return value

    def from_stored(self, stored: Any) -> Any:
        """A value read from the project file, checked as strictly as one typed: the right
        JSON type and within the range. Raises ValidationError naming the key."""
        if stored is None:
            if self.optional:
                return None
            raise ValidationError(self.key, "is missing (null)")
        wanted_text = self.kind in ("text", "choice", "date")
        if wanted_text != isinstance(stored, str) or isinstance(stored, bool):
            raise ValidationError(
                self.key, f"{stored!r} is not {'text' if wanted_text else 'a number'}"
            )
        if self.kind == "text":
            return stored  # any text is harmless: it is cleaned where it is shown
        value = self.parse(stored)
        if self.kind == "choice" and value.value != stored:
            raise ValidationError(self.key, f"{stored!r} is not one of the stored values")
        if self.kind == "number" and not isinstance(value, int):
            return float(stored) + 0.0  # in range, and kept as stored (parsing rounds some)
        return value


def _text(key: str) -> Callable[[str], Any]:
    return lambda raw: text.title(raw, key)


def _choice(kind: type[Labelled], key: str) -> Callable[[str], Any]:
    return lambda raw: fields.choice(kind, raw, key)


def _number(key: str, low: float, high: float, what: str) -> Callable[[str], Any]:
    return lambda raw: fields.bounded(raw, key, low, high, what)


def _budget(raw: str) -> float:
    value = fields.bounded(raw, "budget_total", 0.0, BUDGET_MAX, "greater than 0, up to 1e12")
    if value <= 0:
        raise ValidationError("budget_total", "must be greater than 0, up to 1e12")
    return value


def _impact_threshold(raw: str) -> int:
    value = fields.impact(raw, "impact_threshold")
    if value < 2:
        raise ValidationError(
            "impact_threshold", "must be from 2 to 5 (at 1 no experiment has low impact)"
        )
    return value


def _probability_threshold(raw: str) -> float:
    value = fields.probability(raw, "probability_threshold")
    if value < 0.05:
        raise ValidationError("probability_threshold", "must be from 5% to 100%")
    return value


_TEXT = f"text, up to {text.TITLE_MAX} characters"
_DATE = f"YYYY-MM-DD, {fields.DATE_MIN} .. {fields.DATE_MAX}"
_PERCENT_FORMS = "0.3, 30% or 30"

SETTING_SPECS: tuple[SettingSpec, ...] = (
    SettingSpec("name", "Project name", "project name", _TEXT, _text("name"), kind="text"),
    SettingSpec(
        "metric_name", "Goal metric", "goal metric", _TEXT, _text("metric_name"), kind="text"
    ),
    SettingSpec(
        "direction",
        "Direction",
        "is a higher or a lower metric better",
        "maximize or minimize",
        _choice(Direction, "direction"),
        kind="choice",
    ),
    SettingSpec(
        "baseline",
        "Baseline",
        "baseline value of the metric",
        f"a number {fields.VALUE_RANGE} (optional)",
        _number("baseline", -fields.VALUE_MAX, fields.VALUE_MAX, fields.VALUE_RANGE),
        optional=True,
    ),
    SettingSpec(
        "target",
        "Target",
        "target value of the metric",
        f"a number {fields.VALUE_RANGE} (optional)",
        _number("target", -fields.VALUE_MAX, fields.VALUE_MAX, fields.VALUE_RANGE),
        optional=True,
    ),
    SettingSpec(
        "start_date",
        "Start date",
        "when the project started",
        _DATE,
        lambda raw: fields.day(raw, "start_date"),
        kind="date",
    ),
    SettingSpec(
        "deadline",
        "Deadline",
        "when it must be done",
        "YYYY-MM-DD, not before the start date (optional)",
        lambda raw: fields.day(raw, "deadline"),
        kind="date",
        optional=True,
    ),
    SettingSpec(
        "budget_total",
        "Budget",
        "total budget, in budget units",
        "greater than 0, up to 1e12 (optional)",
        _budget,
        optional=True,
    ),
    SettingSpec(
        "budget_unit",
        "Budget unit",
        "what costs are counted in",
        f"GPU-hours, days...: {_TEXT}",
        _text("budget_unit"),
        kind="text",
    ),
    SettingSpec(
        "phase",
        "Phase",
        "where the project stands",
        "early, middle, late or deadline",
        _choice(Phase, "phase"),
        kind="choice",
    ),
    SettingSpec(
        "support",
        "Stakeholder support",
        "stakeholder support",
        "strong, waning or withdrawn",
        _choice(Support, "support"),
        kind="choice",
    ),
    SettingSpec(
        "support_confirmed",
        "Support confirmed",
        "when stakeholder support was last confirmed",
        f"{_DATE} (optional)",
        lambda raw: fields.day(raw, "support_confirmed"),
        kind="date",
        optional=True,
        sparse=True,
    ),
    SettingSpec(
        "w_info",
        "Information weight",
        "weight of information value in the score",
        f"from 0 to {W_INFO_MAX:g}",
        _number("w_info", 0.0, W_INFO_MAX, f"from 0 to {W_INFO_MAX:g}"),
    ),
    SettingSpec(
        "alpha",
        "Cost exponent",
        "cost exponent in the score (0: cost ignored)",
        f"from 0 to {ALPHA_MAX:g}",
        _number("alpha", 0.0, ALPHA_MAX, f"from 0 to {ALPHA_MAX:g}"),
    ),
    SettingSpec(
        "impact_threshold",
        "High impact from",
        "impact from which an experiment counts as high impact",
        "a whole number from 2 to 5",
        _impact_threshold,
    ),
    SettingSpec(
        "probability_threshold",
        "High probability from",
        "probability from which an experiment counts as likely",
        f"from 5% to 100% ({_PERCENT_FORMS})",
        _probability_threshold,
        percent=True,
    ),
    SettingSpec(
        "moonshot_share",
        "Moonshot allowance",
        "share of the budget moonshots may take",
        f"from 0% to 100% ({_PERCENT_FORMS})",
        lambda raw: fields.probability(raw, "moonshot_share"),
        percent=True,
    ),
)

SPECS: Mapping[str, SettingSpec] = {spec.key: spec for spec in SETTING_SPECS}


def setting_key(raw: str) -> str:
    """A key as typed (``budget-total``, ``Budget_Total``) -> ``budget_total``, or
    ValidationError listing the settings."""
    key = raw.strip().lower().replace("-", "_")
    if key not in SPECS:
        raise ValidationError(
            "settings", f"{raw.strip()!r} is not a setting; the settings are: {', '.join(SPECS)}"
        )
    return key


def check_settings(settings: ProjectSettings) -> ProjectSettings:
    """The rules between settings: a deadline is not before the start date."""
    if settings.deadline is not None and settings.deadline < settings.start_date:
        raise ValidationError(
            "deadline", f"{settings.deadline} is before the start date {settings.start_date}"
        )
    return settings


def apply_settings(current: ProjectSettings, raw: Mapping[str, str]) -> ProjectSettings:
    """``current`` with every typed ``key: value`` applied, each validated by its spec and
    the whole checked together (``check_settings``), or ValidationError naming the key:
    either every value is taken or none."""
    updates = {setting_key(key): value for key, value in raw.items()}
    parsed = {key: SPECS[key].read(value) for key, value in updates.items()}
    return check_settings(dataclasses.replace(current, **parsed))
