"""Parsing and validation of every estimate a person or a script can type.

Each parser takes what was typed (a string, or a number from JSON) and returns the clean
value, or raises ValidationError naming the field and saying what is accepted.
"""

from __future__ import annotations

import math
import re
from typing import TypeVar

from .enums import Labelled
from .errors import ValidationError

_PERCENT = re.compile(r"^\s*([-+]?\d+(?:\.\d*)?|[-+]?\.\d+)\s*%\s*$")


def _number(raw: str | float | int, field: str) -> float:
    if isinstance(raw, bool):
        raise ValidationError(field, "must be a number")
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        text = raw.strip()
        if not text:
            raise ValidationError(field, "must not be empty")
        try:
            value = float(text)
        except ValueError:
            raise ValidationError(field, f"{text!r} is not a number") from None
    if math.isnan(value) or math.isinf(value):
        raise ValidationError(field, "must be a finite number (not NaN or infinity)")
    return value


def finite(raw: str | float | int, field: str) -> float:
    """Any finite number."""
    return _number(raw, field)


def probability(raw: str | float | int, field: str = "probability") -> float:
    """Accept 0.3, '0.3', '30%' and '30' (a number above 1 is read as a percentage).

    Returns a fraction in [0, 1]. Negative values, NaN and anything above 100% are refused.
    """
    if isinstance(raw, str) and (match := _PERCENT.match(raw)):
        value = _number(match.group(1), field) / 100.0
    else:
        value = _number(raw, field)
        if value > 1.0:
            value /= 100.0
    if value < 0.0:
        raise ValidationError(field, "must not be negative (0% to 100%)")
    if value > 1.0:
        raise ValidationError(field, "must not be above 100%")
    return round(value, 6)


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
    """A strictly positive amount of budget."""
    value = _number(raw, field)
    if value <= 0.0:
        raise ValidationError(field, "must be greater than 0")
    return value


def non_negative(raw: str | float | int, field: str) -> float:
    value = _number(raw, field)
    if value < 0.0:
        raise ValidationError(field, "must not be negative")
    return value


def positive(raw: str | float | int, field: str) -> float:
    return cost(raw, field)


E = TypeVar("E", bound=Labelled)


def choice(kind: type[E], raw: str, field: str) -> E:
    """One member of an enum, by value or label (see ``Labelled.parse``: never a prefix)."""
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
