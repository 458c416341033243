"""Input validators that ask the domain parsers, so forms and the command line agree."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.validation import ValidationResult, Validator

from ..domain.errors import ValidationError


class DomainValidator(Validator):
    """Valid when ``parse(value)`` accepts it; the failure text is the domain's message."""

    def __init__(self, parse: Callable[[str], Any], *, blank_ok: bool = False) -> None:
        super().__init__()
        self.parse = parse
        self.blank_ok = blank_ok

    def validate(self, value: str) -> ValidationResult:
        if self.blank_ok and not value.strip():
            return self.success()
        try:
            self.parse(value)
        except ValidationError as exc:
            return self.failure(str(exc))
        return self.success()
