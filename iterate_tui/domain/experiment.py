"""The experiment: what is tried, what it is expected to bring, and what it brought.

Experiments are immutable values; every change makes a new one (``dataclasses.replace``)
through the functions in ``lifecycle``, which keep the status rules and the history.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import NamedTuple

from .enums import OPEN_STATUSES, Activity, Outcome, Status


def utc_now() -> datetime:
    """Now, in UTC, to the second: what every timestamp in the project file holds."""
    return datetime.now(UTC).replace(microsecond=0)


class Verdict(StrEnum):
    """The answer to "if this works, does it matter?"."""

    YES = "yes"
    NO = "no"
    UNSURE = "unsure"


_VERDICT = re.compile(r"^\s*(yes|no)\s*(?:$|[,.:;!?\-\u2013\u2014])", re.IGNORECASE)


def matters_verdict(answer: str) -> Verdict:
    """Read the yes/no out of the answer sentence.

    The answer counts as "no" only when it starts with the word "no" followed by
    punctuation or the end ("No.", "no, it moves F1 by 0.1"), so that "no idea yet"
    stays unsure instead of sending an idea to Avoid.
    """
    match = _VERDICT.match(answer)
    if not match:
        return Verdict.UNSURE
    return Verdict.YES if match.group(1).lower() == "yes" else Verdict.NO


class EstimateChange(NamedTuple):
    """One change of an estimate, kept so estimates can be audited and calibrated.

    A named tuple rather than a dataclass: a project holds tens of thousands of them and a
    tuple is built three times faster when the file is read."""

    at: datetime
    field: str
    old: float | int | None
    new: float | int | None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Experiment:
    """One experiment. ``id`` is 0 until the repository has stored it."""

    title: str
    id: int = 0
    hypothesis: str = ""
    matters: str = ""
    impact: int | None = None
    probability: float | None = None
    cost: float = 1.0
    info_value: int = 0
    activity: Activity = Activity.MODEL_DEVELOPMENT
    tier: int = 1
    explore: bool | None = None
    tags: tuple[str, ...] = ()
    status: Status = Status.IDEA
    outcome: Outcome | None = None
    values: tuple[float, ...] = ()
    actual_cost: float | None = None
    learned: str = ""
    skip_reason: str = ""
    started_impact: int | None = None
    started_probability: float | None = None
    created_at: datetime = field(default_factory=utc_now)
    updated_at: datetime = field(default_factory=utc_now)
    triaged_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    history: tuple[EstimateChange, ...] = ()
    #: Where the run that produced the result lives (a tracker's URL), and the code's commit.
    run_url: str = ""
    commit: str = ""
    #: The experiment this one follows up (``promote`` makes a follow-up one tier up).
    follow_up_of: int | None = None

    @property
    def estimated(self) -> bool:
        """True once both impact and probability are known (needed for a score)."""
        return self.impact is not None and self.probability is not None

    @property
    def verdict(self) -> Verdict:
        return matters_verdict(self.matters)

    @property
    def is_open(self) -> bool:
        """Still to be decided or run: idea, backlog or running."""
        return self.status in OPEN_STATUSES
