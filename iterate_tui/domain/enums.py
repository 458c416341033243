"""The closed vocabularies of the domain, with the labels people read."""

from __future__ import annotations

import re
from enum import StrEnum

#: Between the words of a value: ``quick-win``, ``quick_win`` and ``Quick win`` are one.
_SEPARATORS = re.compile(r"[\s_\-&]+")


class Labelled(StrEnum):
    """A string enum with a human label; the value is what is stored and typed."""

    @property
    def label(self) -> str:
        return _LABELS[self]

    @classmethod
    def parse(cls, text: str) -> Labelled:
        """The member whose stored value or label is ``text``, spelled any common way.

        Case, and ``-``, ``_``, spaces and ``&`` (or the word "and") between the words do
        not count: ``evaluation & debugging`` and ``evaluation-debugging`` are one value.
        Nothing is guessed from a prefix: a script's ``succes`` must be refused, not read
        as "success". The error lists the stored values (what a script should type).
        """
        wanted = _words(text)
        for member in cls:
            if wanted and wanted in (_words(member.value), _words(member.label)):
                return member
        raise ValueError(", ".join(m.value for m in cls))


def _words(text: str) -> tuple[str, ...]:
    return tuple(w for w in _SEPARATORS.split(text.strip().lower()) if w and w != "and")


class Status(Labelled):
    IDEA = "idea"
    BACKLOG = "backlog"
    RUNNING = "running"
    DONE = "done"
    SKIPPED = "skipped"


#: Still to be decided or run: what the backlog and `list` show by default.
OPEN_STATUSES = frozenset({Status.IDEA, Status.BACKLOG, Status.RUNNING})


class Outcome(Labelled):
    SUCCESS = "success"
    FAILURE = "failure"
    INCONCLUSIVE = "inconclusive"


class Activity(Labelled):
    DATA_PREPARATION = "data_preparation"
    FEATURE_ENGINEERING = "feature_engineering"
    MODEL_DEVELOPMENT = "model_development"
    EVALUATION_DEBUGGING = "evaluation_debugging"


class Quadrant(Labelled):
    QUICK_WIN = "quick_win"
    MOONSHOT = "moonshot"
    INCREMENTAL = "incremental"
    AVOID = "avoid"


class Direction(Labelled):
    MAXIMIZE = "maximize"
    MINIMIZE = "minimize"


class Phase(Labelled):
    EARLY = "early"
    MIDDLE = "middle"
    LATE = "late"
    DEADLINE = "deadline"


class Support(Labelled):
    STRONG = "strong"
    WANING = "waning"
    WITHDRAWN = "withdrawn"


_LABELS: dict[Labelled, str] = {
    Status.IDEA: "idea",
    Status.BACKLOG: "backlog",
    Status.RUNNING: "running",
    Status.DONE: "done",
    Status.SKIPPED: "skipped",
    Outcome.SUCCESS: "success",
    Outcome.FAILURE: "failure",
    Outcome.INCONCLUSIVE: "inconclusive",
    Activity.DATA_PREPARATION: "data preparation",
    Activity.FEATURE_ENGINEERING: "feature engineering",
    Activity.MODEL_DEVELOPMENT: "model development",
    Activity.EVALUATION_DEBUGGING: "evaluation & debugging",
    Quadrant.QUICK_WIN: "Quick win",
    Quadrant.MOONSHOT: "Moonshot",
    Quadrant.INCREMENTAL: "Incremental",
    Quadrant.AVOID: "Avoid",
    Direction.MAXIMIZE: "maximize",
    Direction.MINIMIZE: "minimize",
    Phase.EARLY: "early",
    Phase.MIDDLE: "middle",
    Phase.LATE: "late",
    Phase.DEADLINE: "deadline",
    Support.STRONG: "strong",
    Support.WANING: "waning",
    Support.WITHDRAWN: "withdrawn",
}

IMPACT_LABELS = {1: "negligible", 2: "minor", 3: "moderate", 4: "major", 5: "transformative"}
INFO_LABELS = {0: "none", 1: "some", 2: "high", 3: "critical"}
TIER_LABELS = {1: "smoke", 2: "exploratory", 3: "full"}
