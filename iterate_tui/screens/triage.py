"""The triage inbox: untriaged ideas one at a time, each sent to a quadrant with one key.

The idea on screen is the one the quadrant keys act on; once it is triaged the next idea
takes its place and the one just triaged stays in a strip below, where +/- and </> nudge
its impact and probability and u takes the triage back.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from typing import ClassVar

from rich.text import Text
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Static

from ..domain.enums import IMPACT_LABELS, INFO_LABELS, TIER_LABELS, Status
from ..domain.errors import IterateError
from ..domain.experiment import Experiment, Verdict
from ..domain.matrix import quadrant
from ..domain.settings import ProjectSettings
from ..domain.text import safe_for_display
from ..domain.wording import amount
from ..session import ProjectChanged
from ..widgets.detail import TextView
from ..widgets.keypad import TriageKeypad
from .experiments import ExperimentActions


def inbox_order(exp: Experiment) -> tuple[object, int]:
    """Oldest idea first, so nothing waits forever."""
    return (exp.created_at, exp.id)


def _paragraph(text: Text, label: str, value: str, empty: str) -> None:
    text.append(f"\n{label}\n", style="bold")
    if value:
        for line in value.splitlines():
            text.append(safe_for_display(line))
            text.append("\n")
    else:
        text.append(f"{empty}\n", style="dim italic")


def idea_card(exp: Experiment, settings: ProjectSettings) -> Text:
    """Title, hypothesis and "does it matter?" of one idea, every user string as plain text."""
    text = Text()
    text.append(f"#{exp.id} ", style="dim")
    text.append(safe_for_display(exp.title), style="bold")
    text.append("\n")
    facts = [exp.activity.label, f"tier {exp.tier} {TIER_LABELS[exp.tier]}"]
    facts.append(f"cost {amount(exp.cost, safe_for_display(settings.budget_unit))}")
    facts.append(f"information {exp.info_value} {INFO_LABELS[exp.info_value]}")
    if exp.tags:
        facts.append("tags " + ", ".join(safe_for_display(t) for t in exp.tags))
    text.append(" · ".join(facts), style="dim")
    text.append("\n")
    if exp.impact is not None or exp.probability is not None:
        impact = "—" if exp.impact is None else f"{exp.impact} {IMPACT_LABELS[exp.impact]}"
        prob = "—" if exp.probability is None else f"{exp.probability:.0%}"
        text.append(f"first guess: impact {impact}, probability {prob}", style="dim")
        q = quadrant(exp, settings)
        if q is not None:
            text.append(f" (would be {q.label})", style="dim")
        text.append("\n")
    _paragraph(text, "Hypothesis", exp.hypothesis, "none written: e to add one")
    _paragraph(text, "Does it matter?", exp.matters, "not answered: e to answer")
    if exp.verdict is Verdict.UNSURE:
        text.append("Unsure it matters: a quick smoke test (tier 1) may settle it.\n", style="dim")
    return text


class TriageScreen(ExperimentActions, mode="triage"):
    #: Parsed when the screen is first shown, not at start-up (see app.tcss).
    SCOPED_CSS: ClassVar[bool] = False
    DEFAULT_CSS = """
    #inbox {
        height: 1fr;
        padding: 0 1;
    }
    #inbox-position {
        height: 1;
        color: $text-accent;
    }
    #inbox-card {
        height: 1fr;
        border: round $primary;
        padding: 0 1;
        scrollbar-size-vertical: 1;
    }
    #inbox-last {
        height: 1;
        margin: 1 0 0 0;
    }
    """
    AUTO_FOCUS = "#inbox-card"

    def __init__(self) -> None:
        super().__init__()
        self.ideas: list[Experiment] = []
        self.position = 0
        #: The idea triaged last from this screen: what the nudges act on.
        self.last: Experiment | None = None

    def compose_body(self) -> Iterator[Widget]:
        with Vertical(id="inbox"):
            yield Static("", id="inbox-position")
            yield TextView(id="inbox-card")
            yield Static("", id="inbox-last")
            yield TriageKeypad(id="inbox-keypad")

    def on_mount(self) -> None:
        self.query_one("#inbox-card").focus()

    # -- data -------------------------------------------------------------------------------
    def current(self) -> Experiment | None:
        if 0 <= self.position < len(self.ideas):
            return self.ideas[self.position]
        return None

    def nudge_target(self) -> Experiment | None:
        return self.last or self.current()

    def _collect(self) -> None:
        ideas = self.session.with_status(frozenset({Status.IDEA}))
        ideas.sort(key=inbox_order)
        self.ideas = ideas

    def _patch(self, old: Experiment | None, new: Experiment | None) -> None:
        """Update the inbox for one changed experiment without scanning the project."""
        if old is not None and old.status is Status.IDEA:
            index = bisect.bisect_left(self.ideas, inbox_order(old), key=inbox_order)
            if index < len(self.ideas) and self.ideas[index].id == old.id:
                del self.ideas[index]
            else:
                self.ideas = [e for e in self.ideas if e.id != old.id]
        if new is not None and new.status is Status.IDEA:
            bisect.insort(self.ideas, new, key=inbox_order)

    def refresh_view(self) -> None:
        keep = self.current()
        self._collect()
        if keep is not None:
            self._place(keep.id)
        if self.last is not None:
            try:
                self.last = self.session.get(self.last.id)
            except IterateError:  # deleted elsewhere
                self.last = None
        self.render_inbox()

    def _place(self, exp_id: int) -> None:
        for index, idea in enumerate(self.ideas):
            if idea.id == exp_id:
                self.position = index
                return
        self.position = min(self.position, max(0, len(self.ideas) - 1))

    def apply_change(self, event: ProjectChanged, *, mine: bool) -> None:
        for change in event.changes:
            self._apply_one(change.before, change.after, mine=mine)
        self.render_inbox()

    def _apply_one(self, old: Experiment | None, new: Experiment | None, *, mine: bool) -> None:
        if not mine:  # as reload() would: the same idea on show, the last one refreshed
            keep = self.current()
            self._patch(old, new)
            if keep is not None:
                self._place(keep.id)
            if self.last is not None and self.last.id in (
                getattr(old, "id", None),
                getattr(new, "id", None),
            ):
                self.last = new
            return
        if new is not None and new.status is not Status.IDEA:
            if old is not None and old.status is Status.IDEA:
                self.last = new  # just triaged (or skipped) from the inbox
            elif self.last is not None and new.id == self.last.id:
                self.last = new  # nudged, or a nudge undone
        elif self.last is not None and (new is None or new.id == self.last.id):
            self.last = None  # the triage was undone or the idea deleted
        self._patch(old, new)
        if new is not None and new.status is Status.IDEA:
            self._place(new.id)
        else:
            self.position = min(self.position, max(0, len(self.ideas) - 1))

    # -- drawing ----------------------------------------------------------------------------
    def render_inbox(self) -> None:
        settings = self.session.settings
        total = len(self.ideas)
        position = Text()
        current = self.current()
        if current is None:
            position.append(" Inbox empty", style="bold")
            position.append(" · every idea is triaged", style="dim")
            card = Text()
            card.append("Nothing waits for triage.\n\n", style="bold")
            card.append("n adds an idea · 1 shows the backlog · 3 shows the matrix", style="dim")
        else:
            position.append(f" Idea {self.position + 1} of {total}", style="bold")
            position.append(" · oldest first · j/k step", style="dim")
            card = idea_card(current, settings)
        self.query_one("#inbox-position", Static).update(position, layout=False)
        self.query_one("#inbox-card", TextView).show_text(card)
        self.query_one("#inbox-last", Static).update(self._last_line(settings), layout=False)

    def _last_line(self, settings: ProjectSettings) -> Text:
        """The idea triaged last, what the nudges act on: where it went and its estimates
        first, so that they show at 80 columns; the title last, cut to fit."""
        text = Text(no_wrap=True, overflow="ellipsis")
        last = self.last
        if last is None:
            text.append(" Triaged ideas leave the inbox; the last one shows here.", style="dim")
            return text
        q = quadrant(last, settings)
        text.append(f" Last #{last.id}", style="bold")
        if last.status is Status.SKIPPED:
            text.append(" → skipped", style="bold")
        elif q is not None:
            text.append(f" → {q.label}", style="bold")
        if last.impact is not None and last.probability is not None:
            text.append(f" · impact {last.impact} · {last.probability:.0%}", style="bold")
            text.append("  (+/- impact, </> probability)", style="dim")
        text.append("  ")
        text.append(safe_for_display(last.title))
        return text

    # -- keys -------------------------------------------------------------------------------
    def action_step(self, delta: int) -> None:
        if self.ideas:
            self.position = (self.position + delta) % len(self.ideas)
            self.render_inbox()  # the card's new text starts at its top (TextView.show_text)
