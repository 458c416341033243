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
from .form import Form, Submit, checked, link_rows

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
                yield checked(
                    "title", exp.title if exp else "", text.title, placeholder="what will you try?"
                )
                yield Label("Hypothesis")
                yield checked(
                    "hypothesis",
                    exp.hypothesis.replace("\n", " ") if exp else "",
                    lambda v: text.note(v, "hypothesis"),
                    placeholder="if we …, then … because …",
                )
                yield Label("Does it matter?")
                yield checked(
                    "matters",
                    exp.matters if exp else "",
                    lambda v: text.line(v, "does it matter?"),
                    placeholder="yes, … / no, …",
                )
                yield Label("")
                yield Static("", id="matters-hint")
                yield Label("Impact (1-5)")
                yield checked(
                    "impact",
                    str(exp.impact) if exp and exp.impact else "",
                    fields.impact,
                    placeholder=" ".join(f"{k} {v}" for k, v in IMPACT_LABELS.items()),
                    blank_ok=not self.require_estimates,
                )
                yield Label("Probability")
                yield checked(
                    "probability",
                    f"{exp.probability * 100:g}%" if exp and exp.probability is not None else "",
                    fields.probability,
                    placeholder="70%  (0.7 and 70 work too)",
                    blank_ok=not self.require_estimates,
                )
                yield Label(Text(f"Cost ({unit})"[:18]))
                yield checked("cost", f"{exp.cost:g}" if exp else "1", fields.cost)
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
                yield checked(
                    "tags",
                    " ".join(exp.tags) if exp else "",
                    _tags_parse,
                    placeholder="augmentation labels …",
                )
                yield from link_rows(exp.run_url if exp else "", exp.commit if exp else "")
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
