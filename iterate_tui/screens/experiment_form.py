"""Add or edit an experiment. Every field is checked as it is typed, by the same rules as
the command line; the form names what is wrong and will not save until all is well."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.widgets import Input, Label, Select, Static

from ..domain import fields, text
from ..domain.enums import IMPACT_LABELS, INFO_LABELS, TIER_LABELS, Activity, Status
from ..domain.experiment import Experiment, Verdict, matters_verdict
from ..domain.settings import ProjectSettings
from ..widgets.typed_input import TypedInput
from .form import Form, Submit
from .validators import DomainValidator

_VERDICT_HINT = {
    Verdict.YES: "reads as: yes",
    Verdict.NO: "reads as: no → goes to Avoid and is skipped with this reason",
    Verdict.UNSURE: "start with 'yes,' or 'no,' to answer",
}


def _tags_parse(value: str) -> tuple[str, ...]:
    return fields.tags([value])


class ExperimentForm(Form):
    """The raw field values (validated again by the domain when saved) go to ``submit``."""

    def __init__(
        self,
        settings: ProjectSettings,
        experiment: Experiment | None = None,
        submit: Submit | None = None,
    ) -> None:
        super().__init__(submit)
        self.settings = settings
        self.experiment = experiment
        self.require_estimates = experiment is not None and experiment.status is not Status.IDEA

    def compose(self) -> ComposeResult:
        exp = self.experiment
        heading = "New experiment" if exp is None else f"Edit #{exp.id}"
        unit = self.settings.budget_unit
        with Vertical(id="form"):
            yield Static(Text(heading, style="bold"), id="form-title")
            with Grid(id="form-grid"):
                yield Label("Title")
                yield TypedInput(
                    exp.title if exp else "",
                    placeholder="what will you try?",
                    id="title",
                    compact=True,
                    validators=[DomainValidator(text.title)],
                )
                yield Label("Hypothesis")
                yield TypedInput(
                    exp.hypothesis.replace("\n", " ") if exp else "",
                    placeholder="if we …, then … because …",
                    id="hypothesis",
                    compact=True,
                    validators=[DomainValidator(lambda v: text.note(v, "hypothesis"))],
                )
                yield Label("Does it matter?")
                yield TypedInput(
                    exp.matters if exp else "",
                    placeholder="yes, … / no, …",
                    id="matters",
                    compact=True,
                    validators=[DomainValidator(lambda v: text.line(v, "does it matter?"))],
                )
                yield Label("")
                yield Static("", id="matters-hint")
                yield Label("Impact (1-5)")
                yield TypedInput(
                    str(exp.impact) if exp and exp.impact else "",
                    placeholder=" ".join(f"{k} {v}" for k, v in IMPACT_LABELS.items()),
                    id="impact",
                    compact=True,
                    validators=[
                        DomainValidator(fields.impact, blank_ok=not self.require_estimates)
                    ],
                )
                yield Label("Probability")
                yield TypedInput(
                    f"{exp.probability * 100:g}%" if exp and exp.probability is not None else "",
                    placeholder="70%  (0.7 and 70 work too)",
                    id="probability",
                    compact=True,
                    validators=[
                        DomainValidator(fields.probability, blank_ok=not self.require_estimates)
                    ],
                )
                yield Label(Text(f"Cost ({unit})"[:18]))
                yield TypedInput(
                    f"{exp.cost:g}" if exp else "1",
                    id="cost",
                    compact=True,
                    validators=[DomainValidator(fields.cost)],
                )
                yield Label("Information value")
                yield Select(
                    [(f"{k} {v}", k) for k, v in INFO_LABELS.items()],
                    value=exp.info_value if exp else 0,
                    allow_blank=False,
                    id="info_value",
                    compact=True,
                )
                yield Label("Activity")
                yield Select(
                    [(a.label, a.value) for a in Activity],
                    value=(exp.activity if exp else Activity.MODEL_DEVELOPMENT).value,
                    allow_blank=False,
                    id="activity",
                    compact=True,
                )
                yield Label("Compute tier")
                yield Select(
                    [(f"{k} {v}", k) for k, v in TIER_LABELS.items()],
                    value=exp.tier if exp else 1,
                    allow_blank=False,
                    id="tier",
                    compact=True,
                )
                yield Label("Explore/exploit")
                yield Select(
                    [
                        ("auto (moonshots explore)", "auto"),
                        ("explore", "explore"),
                        ("exploit", "exploit"),
                    ],
                    value=_explore_value(exp),
                    allow_blank=False,
                    id="explore",
                    compact=True,
                )
                yield Label("Tags")
                yield TypedInput(
                    " ".join(exp.tags) if exp else "",
                    placeholder="augmentation labels …",
                    id="tags",
                    compact=True,
                    validators=[DomainValidator(_tags_parse)],
                )
                yield Label("Run URL")
                yield TypedInput(
                    exp.run_url if exp else "",
                    placeholder="where the training run is tracked (optional)",
                    id="run_url",
                    compact=True,
                    validators=[DomainValidator(fields.run_url)],
                )
                yield Label("Commit")
                yield TypedInput(
                    exp.commit if exp else "",
                    placeholder="the code's git commit (optional)",
                    id="commit",
                    compact=True,
                    validators=[DomainValidator(fields.commit)],
                )
            yield from self.buttons()

    def refresh_state(self) -> list[str]:
        problems = super().refresh_state()
        verdict = matters_verdict(self.query_one("#matters", Input).value)
        self.query_one("#matters-hint", Static).update(Text(_VERDICT_HINT[verdict], style="dim"))
        return problems

    def values(self) -> dict[str, Any]:
        raw: dict[str, Any] = {
            name: self.query_one(f"#{name}", Input).value
            for name in (
                "title",
                "hypothesis",
                "matters",
                "impact",
                "probability",
                "cost",
                "run_url",
                "commit",
            )
        }
        raw["tags"] = self.query_one("#tags", Input).value
        for name in ("info_value", "activity", "tier", "explore"):
            raw[name] = self.query_one(f"#{name}", Select).value
        return raw

    def result(self) -> dict[str, Any]:
        return self.values()


def _explore_value(exp: Experiment | None) -> str:
    if exp is None or exp.explore is None:
        return "auto"
    return "explore" if exp.explore else "exploit"
