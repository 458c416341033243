"""Parsing and validation of every estimate a person or a script can type.

Each parser takes what was typed (a string, or a number from JSON) and returns the clean
value, or raises ValidationError naming the field and saying what is accepted.

Every number is bounded to a range a person could mean (``COST_MIN`` .. ``COST_MAX`` budget
units for a cost, ``VALUE_MAX`` for a metric value), so that nothing a parser accepts can
make a score or a sum overflow, underflow to a division by zero, or print as ``inf``.
Numbers are read as plain ASCII decimals (``3``, ``-0.25``, ``1e-3``): Python's ``float``
would also take ``1_0`` (ten) and digits of other scripts, which nobody types on purpose.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from .enums import Labelled
from .errors import ValidationError

#: A cost in budget units (GPU-hours, days...): a second of a GPU-hour is 0.0003, so a
#: millionth is far below anything real; a billion is far above any budget.
COST_MIN = 1e-6
COST_MAX = 1e9
#: A measured metric value (and a baseline or target): any loss, count or score people
#: report fits well inside +-1e15, and sums and spreads of such values stay finite.
VALUE_MAX = 1e15
#: Dates and moments: the calendar arithmetic of phases, deadlines and projections stays
#: far from Python's year 1 and year 9999 limits.
DATE_MIN = date(1970, 1, 1)
DATE_MAX = date(2999, 12, 31)

COST_RANGE = "from 0.000001 to 1e9 budget units"
VALUE_RANGE = "from -1e15 to 1e15"
DATE_RANGE = f"from {DATE_MIN} to {DATE_MAX}"

_NUMBER = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$")
_NOT_FINITE = re.compile(r"^[+-]?(?:nan|inf|infinity)$", re.IGNORECASE)
_PERCENT = re.compile(r"^\s*([-+]?[0-9]+(?:\.[0-9]*)?|[-+]?\.[0-9]+)\s*%\s*$")
#: A bare number above 1 and below this is refused by ``probability`` (see there).
PERCENT_FROM = 1.5


def _number(raw: Any, field: str) -> float:
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise ValidationError(field, "must be a number")
    if isinstance(raw, str):
        text = raw.strip()
        if not text:
            raise ValidationError(field, "must not be empty")
        if _NOT_FINITE.match(text):
            raise ValidationError(field, "must be a finite number (not NaN or infinity)")
        if not _NUMBER.match(text):
            raise ValidationError(field, f"{text[:40]!r} is not a number")
        raw = text
    try:
        value = float(raw)
    except OverflowError:  # an int too large for a float
        value = math.inf
    if math.isnan(value) or math.isinf(value):
        raise ValidationError(field, "must be a finite number (not NaN or infinity)")
    return value + 0.0  # -0.0 becomes 0.0: "-0" is zero, and must not print as "-0"


def bounded(raw: str | float | int, field: str, low: float, high: float, what: str) -> float:
    """A number from ``low`` to ``high``; ``what`` says the range in the error."""
    value = _number(raw, field)
    if not low <= value <= high:
        raise ValidationError(field, f"must be {what}")
    return value


def finite(raw: str | float | int, field: str) -> float:
    """A measured value (a metric value, a baseline, a target): within +-``VALUE_MAX``."""
    return bounded(raw, field, -VALUE_MAX, VALUE_MAX, VALUE_RANGE)


def probability(raw: str | float | int, field: str = "probability") -> float:
    """Accept 0.3, '0.3', '30%' and '30': a fraction from 0 to 1, a percentage with a %
    sign, or a bare number from 1.5 to 100, read as a percentage.

    A bare number above 1 and below 1.5 is refused: it is most likely a fraction that
    overshot (1.0000001 from a script's arithmetic, meaning 100%), yet reading it as a
    percentage would give 1%. Returns a fraction in [0, 1], rounded to six places.
    Negative values, NaN and anything above 100% are refused.
    """
    if isinstance(raw, str) and (match := _PERCENT.match(raw)):
        value = _number(match.group(1), field) / 100.0
    else:
        value = _number(raw, field)
        if 1.0 < value < PERCENT_FROM:
            shown = raw.strip() if isinstance(raw, str) else repr(value)
            raise ValidationError(
                field,
                f"{shown} is ambiguous: a number up to 1 is a fraction (0.3), from "
                f"{PERCENT_FROM:g} to 100 a percentage; write {shown}% or a fraction",
            )
        if value > 1.0:
            value /= 100.0
    if value < 0.0:
        raise ValidationError(field, "must not be negative (0% to 100%)")
    if value > 1.0:
        raise ValidationError(field, "must not be above 100%")
    return round(value, 6) + 0.0


def _whole(raw: str | float | int, field: str, low: int, high: int, names: dict[int, str]) -> int:
    value = _number(raw, field)
    if value != int(value) or not low <= value <= high:
        choices = ", ".join(f"{k} {v}" for k, v in names.items())
        raise ValidationError(field, f"must be a whole number from {low} to {high} ({choices})")
    return int(value)


def impact(raw: str | float | int, field: str = "impact") -> int:
    from .enums import IMPACT_LABELS

    return _whole(raw, field, 1, 5, IMPACT_LABELS)


def info_value(raw: str | float | int, field: str = "information value") -> int:
    from .enums import INFO_LABELS

    return _whole(raw, field, 0, 3, INFO_LABELS)


def tier(raw: str | float | int, field: str = "tier") -> int:
    from .enums import TIER_LABELS

    return _whole(raw, field, 1, 3, TIER_LABELS)


def cost(raw: str | float | int, field: str = "cost") -> float:
    """A strictly positive amount of budget, from ``COST_MIN`` to ``COST_MAX``: with the
    score's cost exponent at most 3, cost ** alpha then stays between 1e-18 and 1e27, so a
    score is always a finite number."""
    value = _number(raw, field)
    if value <= 0.0:
        raise ValidationError(field, f"must be greater than 0 ({COST_RANGE})")
    if not COST_MIN <= value <= COST_MAX:
        raise ValidationError(field, f"must be {COST_RANGE}")
    return value


def non_negative(raw: str | float | int, field: str, high: float = COST_MAX) -> float:
    """An amount spent (an actual cost by default): from 0 to ``high``."""
    value = _number(raw, field)
    if value < 0.0:
        raise ValidationError(field, f"must not be negative (from 0 to {high:g})")
    if value > high:
        raise ValidationError(field, f"must be from 0 to {high:g}")
    return value


def positive(raw: str | float | int, field: str) -> float:
    """``cost`` under another field name."""
    return cost(raw, field)


def day(raw: str | date, field: str) -> date:
    """A date like 2026-12-31, from ``DATE_MIN`` to ``DATE_MAX``."""
    if isinstance(raw, date) and not isinstance(raw, datetime):
        value = raw
    elif isinstance(raw, str):
        try:
            value = date.fromisoformat(raw.strip())
        except ValueError:
            raise ValidationError(
                field, f"{raw.strip()[:40]!r} is not a date like 2026-12-31"
            ) from None
    else:
        raise ValidationError(field, "must be a date like 2026-12-31")
    if not DATE_MIN <= value <= DATE_MAX:
        raise ValidationError(field, f"{value} is not {DATE_RANGE}")
    return value


def moment(raw: str | datetime, field: str) -> datetime:
    """A moment like 2026-10-05T09:20:00Z, in UTC (one without a zone is taken as UTC),
    from ``DATE_MIN`` to ``DATE_MAX``."""
    if isinstance(raw, datetime):
        parsed = raw
    elif isinstance(raw, str):
        try:
            parsed = datetime.fromisoformat(raw.strip())
        except ValueError:
            raise ValidationError(
                field, f"{raw.strip()[:40]!r} is not a date and time like 2026-10-05T09:20:00Z"
            ) from None
    else:
        raise ValidationError(field, "must be a date and time like 2026-10-05T09:20:00Z")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    # Compared before converting: converting 9999-12-31T23:59-05:00 to UTC overflows.
    if not DATE_MIN <= parsed.date() <= DATE_MAX:
        raise ValidationError(field, f"{parsed.date()} is not {DATE_RANGE}")
    return parsed.astimezone(UTC)


E = TypeVar("E", bound=Labelled)


def choice(kind: type[E], raw: Any, field: str) -> E:
    """One member of an enum, by value or label (see ``Labelled.parse``: never a prefix)."""
    if not isinstance(raw, str):
        names = ", ".join(m.value for m in kind)
        raise ValidationError(field, f"{raw!r} is not one of: {names}")
    try:
        return kind(kind.parse(raw))
    except ValueError as exc:
        raise ValidationError(field, f"{raw.strip()!r} is not one of: {exc}") from None


_COMMIT = re.compile(r"^[0-9a-f]{4,64}$")
_URL = re.compile(r"^[a-z][a-z0-9+.\-]*://\S+$", re.IGNORECASE)
URL_MAX = 2_000


def commit(raw: str, field: str = "commit") -> str:
    """A git commit id (4 to 64 hexadecimal digits, as ``git rev-parse`` prints), or ""."""
    text = raw.strip().lower()
    if text and not _COMMIT.match(text):
        raise ValidationError(field, f"{raw.strip()!r} is not a commit id (4-64 hex digits)")
    return text


def run_url(raw: str, field: str = "run URL") -> str:
    """Where the training run lives (``https://wandb.ai/...``, ``file:///runs/12``), or ""."""
    text = raw.strip()
    if text and (len(text) > URL_MAX or not text.isprintable() or not _URL.match(text)):
        raise ValidationError(
            field, f"{text[:60]!r} is not a URL like https://tracker/run/12 (no spaces)"
        )
    return text


_TAG = re.compile(r"^[\w.+\-/:]{1,40}$")


def tags(values: list[str] | tuple[str, ...], field: str = "tag") -> tuple[str, ...]:
    """Tags: short words without spaces, lower-cased, de-duplicated, order kept."""
    out: list[str] = []
    for raw in values:
        if not isinstance(raw, str):
            raise ValidationError(field, f"{raw!r} is not a word (tags are text)")
        for part in raw.replace(",", " ").split():
            tag = part.strip().lower().lstrip("#")
            if not tag:
                continue
            if not _TAG.match(tag):
                raise ValidationError(
                    field, f"{part!r}: use letters, digits and . _ + - / : (up to 40 characters)"
                )
            if tag not in out:
                out.append(tag)
    return tuple(out)
