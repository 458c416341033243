"""Small modal dialogs: finish with a result, skip with a reason, confirm, pick a sort."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Button, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from ..domain import fields, text
from ..domain.enums import Outcome
from ..domain.experiment import Experiment
from ..domain.settings import ProjectSettings
from ..domain.text import safe_for_display
from .form import Form, Submit, checked, link_rows
from .modal import Dialog


def _heading(prefix: str, exp: Experiment) -> Text:
    heading = Text(f"{prefix} #{exp.id} ", style="bold")
    heading.append(safe_for_display(exp.title))
    return heading


def parse_values(raw: str) -> list[float]:
    """Metric values separated by spaces or commas, one per seed."""
    return [fields.finite(part, "value") for part in raw.replace(",", " ").split()]


class ResultForm(Form):
    """Outcome, metric value(s) (one per seed), actual cost and what was learned."""

    def __init__(
        self, exp: Experiment, settings: ProjectSettings, submit: Submit | None = None
    ) -> None:
        super().__init__(submit)
        self.exp = exp
        self.settings = settings

    def compose(self) -> ComposeResult:
        with Vertical(id="form"):
            yield Static(_heading("Finish", self.exp), id="form-title")
            with Grid(id="form-grid"):
                yield Label("Outcome")
                yield Select(
                    [(o.label, o.value) for o in Outcome],
                    value=Outcome.SUCCESS.value,
                    allow_blank=False,
                    id="outcome",
                    compact=True,
                )
                # The metric's name and the budget's unit are typed by the user: plain text.
                yield Label(Text(self.settings.metric_name[:18]))
                yield checked(
                    "values", "", parse_values, placeholder="one value per seed: 0.741 0.745"
                )
                yield Label(Text(f"Spent ({self.settings.budget_unit})"[:18]))
                yield checked("actual_cost", f"{self.exp.cost:g}", _spent, blank_ok=True)
                yield Label("Learned")
                yield checked(
                    "learned",
                    "",
                    lambda v: text.note(v, "learned"),
                    placeholder="what did this teach you?",
                )
                yield from link_rows(self.exp.run_url, self.exp.commit)
            yield from self.buttons()

    def problems(self) -> list[str]:
        found = super().problems()
        outcome = self.query_one("#outcome", Select).value
        values = self.query_one("#values", Input).value
        if outcome == Outcome.SUCCESS.value and not values.strip():
            found.append("value: a success needs at least one metric value")
        return found

    @on(Select.Changed)
    def _outcome_changed(self) -> None:
        self.refresh_state()

    def result(self) -> dict[str, Any]:
        return {
            "outcome": Outcome(str(self.query_one("#outcome", Select).value)),
            "values": parse_values(self.query_one("#values", Input).value),
            "actual_cost": self.query_one("#actual_cost", Input).value,
            "learned": self.query_one("#learned", Input).value,
            "links": {
                name: self.query_one(f"#{name}", Input).value for name in ("run_url", "commit")
            },
        }


class ReasonForm(Form):
    """Document and skip: why is it not worth running, and what was spent on it so far."""

    def __init__(
        self, exp: Experiment, settings: ProjectSettings, submit: Submit | None = None
    ) -> None:
        super().__init__(submit)
        self.exp = exp
        self.settings = settings

    def compose(self) -> ComposeResult:
        with Vertical(id="form", classes="-narrow"):
            yield Static(_heading("Skip", self.exp), id="form-title")
            with Grid(id="form-grid"):
                yield Label("Reason")
                yield checked(
                    "reason",
                    "",
                    _required_reason,
                    placeholder="why skip it? (kept with the experiment)",
                )
                yield Label(Text(f"Spent ({self.settings.budget_unit})"[:18]))
                yield checked(
                    "actual_cost",
                    "",
                    _spent,
                    placeholder="what it cost before giving up (optional)",
                    blank_ok=True,
                )
            yield from self.buttons()

    def result(self) -> dict[str, str]:
        return {
            "reason": self.query_one("#reason", Input).value,
            "actual_cost": self.query_one("#actual_cost", Input).value,
        }


def _spent(value: str) -> float:
    return fields.non_negative(value, "spent")


def _required_reason(value: str) -> str:
    from ..domain.errors import ValidationError

    reason = text.line(value, "reason")
    if not reason:
        raise ValidationError("reason", "say why it is skipped")
    return reason


class ConfirmDialog(Dialog[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: Text) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="form", classes="-narrow"):
            yield Static(self.question, id="form-title")
            with Horizontal(id="form-buttons"):
                yield Button("Yes  y", id="yes", variant="error", compact=True)
                yield Button("No  n", id="no", compact=True)

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class SortPicker(Dialog[str | None]):
    """Choose the column to sort the backlog by."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, choices: list[tuple[str, str]], current: str) -> None:
        super().__init__()
        self.choices = choices
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="form", classes="-narrow"):
            yield Static(Text("Sort by", style="bold"), id="form-title")
            yield OptionList(
                *[Option(label, id=key) for key, label in self.choices], id="sort-options"
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        keys = [key for key, _ in self.choices]
        if self.current in keys:
            options.highlighted = keys.index(self.current)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
