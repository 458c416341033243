"""User text is data: strip what could restyle a terminal, cap lengths.

Control characters (C0 and C1, except newline and tab in multi-line fields) and the Unicode
bidirectional overrides/isolates are removed when text comes in, so a title can never carry
an ANSI escape sequence or flip the direction of the rest of a line. Rendering code still
treats text as plain (never markup); this module makes sure the characters are harmless too.
"""

from __future__ import annotations

from .errors import ValidationError

TITLE_MAX = 200
LINE_MAX = 2_000
NOTE_MAX = 100_000

# Bidi embedding, override and isolate controls, the direction marks and the Arabic letter
# mark.
_BIDI = [
    0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x061C,
    0x200E, 0x200F,
]  # fmt: skip
# Unicode line and paragraph separators break a line like a newline does.
_SEPARATORS = (0x2028, 0x2029)
_CONTROL = [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]

_DROP_ALL = {cp: None for cp in (*_CONTROL, *_BIDI)}
# Multi-line text keeps newline and tab; a carriage return becomes nothing (CRLF -> LF).
_DROP_MULTILINE = {
    **{cp: None for cp in _DROP_ALL if cp not in (0x09, 0x0A)},
    **dict.fromkeys(_SEPARATORS, "\n"),
}
# Single-line text turns newline and tab into spaces rather than gluing words together.
_DROP_SINGLE = {**_DROP_ALL, 0x09: " ", 0x0A: " ", **dict.fromkeys(_SEPARATORS, " ")}


def clean_line(value: str) -> str:
    """One line of text: control and bidi characters removed, whitespace trimmed."""
    return value.translate(_DROP_SINGLE).strip()


def clean_multiline(value: str) -> str:
    """Several lines of text (notes, hypotheses): newlines and tabs kept, the rest cleaned."""
    return value.translate(_DROP_MULTILINE).strip()


def safe_for_display(value: str) -> str:
    """Last line of defence at render time, for text that bypassed the input cleaning."""
    return value.translate(_DROP_SINGLE)


def title(value: str, field: str = "title") -> str:
    """A required single-line title, at most TITLE_MAX characters."""
    text = clean_line(value)
    if not text:
        raise ValidationError(field, "must not be empty")
    if len(text) > TITLE_MAX:
        raise ValidationError(field, f"is {len(text)} characters long; the limit is {TITLE_MAX}")
    return text


def line(value: str, field: str, limit: int = LINE_MAX) -> str:
    """An optional single-line text (may be empty), capped at ``limit`` characters."""
    text = clean_line(value)
    if len(text) > limit:
        raise ValidationError(field, f"is {len(text)} characters long; the limit is {limit}")
    return text


def note(value: str, field: str, limit: int = NOTE_MAX) -> str:
    """An optional multi-line note, capped at ``limit`` characters (100 KB by default)."""
    text = clean_multiline(value)
    if len(text) > limit:
        raise ValidationError(field, f"is {len(text)} characters long; the limit is {limit}")
    return text
