"""The base of every form: fields checked as they are typed, and a save made inside the
form, so that a save that fails (a full disk, a file changed read-only) says why in the
form and keeps what was typed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static

from ..domain import fields
from ..widgets.typed_input import TypedInput
from .modal import Dialog
from .validators import DomainValidator

#: Makes the change from what the form holds; returns what went wrong, or None when done.
Submit = Callable[[Any], "str | None"]


def checked(
    name: str,
    value: str,
    parse: Callable[[str], Any],
    *,
    placeholder: str = "",
    blank_ok: bool = False,
) -> TypedInput:
    """A text box checked as it is typed by a domain parser (the command line's rule)."""
    return TypedInput(
        value,
        placeholder=placeholder,
        id=name,
        compact=True,
        validators=[DomainValidator(parse, blank_ok=blank_ok)],
    )


def link_rows(run_url: str, commit: str) -> Iterator[Widget]:
    """The rows for the training run's URL and the code's commit."""
    yield Label("Run URL")
    yield checked(
        "run_url", run_url, fields.run_url, placeholder="where the training run is tracked"
    )
    yield Label("Commit")
    yield checked("commit", commit, fields.commit, placeholder="the code's git commit")


class Form(Dialog[Any]):
    """A form whose ``result()`` is handed to ``submit`` on ctrl+s (or enter); it closes
    only once that succeeded, returning the result (or None when cancelled)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save"),
    ]

    def __init__(self, submit: Submit | None = None) -> None:
        super().__init__()
        self.submit = submit

    def result(self) -> Any:
        raise NotImplementedError

    def problems(self) -> list[str]:
        """What is wrong with the fields as typed (the bad ones are marked)."""
        found = []
        for field in self.query(Input):
            checked = field.validate(field.value)
            bad = checked is not None and not checked.is_valid
            field.set_class(bad, "-invalid")
            if bad and checked is not None:
                found.extend(checked.failure_descriptions)
        return found

    def refresh_state(self) -> list[str]:
        problems = self.problems()
        self.show_problems(problems)
        return problems

    def show_problems(self, problems: list[str]) -> None:
        self.query_one("#form-problems", Static).update(Text("\n".join(problems), style="bold"))
        self.query_one("#save", Button).disabled = bool(problems)

    def on_mount(self) -> None:
        self.refresh_state()

    @on(Input.Changed)
    def _changed(self) -> None:
        self.refresh_state()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        if self.refresh_state():
            # Said in the form itself, not in a toast over its buttons: the cursor goes to
            # the first field to mend.
            bad = [field for field in self.query(Input) if field.has_class("-invalid")]
            if bad:
                self.set_focus(bad[0])
            return
        result = self.result()
        if self.submit is not None:
            failed = self.submit(result)
            if failed is not None:  # nothing was saved: what was typed stays
                self.query_one("#form-problems", Static).update(
                    Text(f"Not saved: {failed}", style="bold")
                )
                return
        self.dismiss(result)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    def buttons(self) -> ComposeResult:
        yield Static("", id="form-problems")
        with Horizontal(id="form-buttons"):
            yield Button("Save  ctrl+s", id="save", variant="primary", compact=True)
            yield Button("Cancel  esc", id="cancel", compact=True)
