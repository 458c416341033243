"""Errors the domain raises. Every message is written for the person at the keyboard."""

from __future__ import annotations


class IterateError(Exception):
    """Base for every error iterate-tui reports to a user instead of a traceback."""


class ValidationError(IterateError, ValueError):
    """A value a user typed (or a script passed) is not acceptable for a named field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class TransitionError(IterateError):
    """An experiment cannot move from its current status with the action asked for."""


def problem_text(exc: Exception) -> str:
    """What to tell the person when a change could not be made (nothing was written)."""
    if isinstance(exc, OSError):
        return f"Not saved: {exc.strerror or exc} ({exc.filename or 'project file'})"
    return str(exc)
