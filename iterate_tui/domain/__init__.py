"""Pure domain model: dataclasses and rules. No Textual, no TinyDB here."""
