"""The columns of experiment lists: what each shows, how it sorts, how wide it is.

Pure functions of an experiment and the settings, so they are shared by the backlog table,
the quadrant lists of the matrix and their tests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..domain.enums import Quadrant, Status
from ..domain.experiment import Experiment
from ..domain.matrix import quadrant
from ..domain.scoring import expected_value, score
from ..domain.settings import ProjectSettings

SHORT_QUADRANT = {
    Quadrant.QUICK_WIN: "Quick win",
    Quadrant.MOONSHOT: "Moonshot",
    Quadrant.INCREMENTAL: "Incremental",
    Quadrant.AVOID: "Avoid",
}

Cell = Callable[[Experiment, ProjectSettings], str]
SortValue = Callable[[Experiment, ProjectSettings], Any]


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    header: str
    width: int  # 0: takes the room left
    cell: Cell
    sort_value: SortValue | None
    right: bool = False
    #: Sorting a numeric column starts with the largest value (what a ranking wants).
    descending_first: bool = True


def _num(value: float | None, fmt: str) -> str:
    return "—" if value is None else format(value, fmt)


def _cost(value: float) -> str:
    text = f"{value:.4g}"
    return text if len(text) <= 6 else f"{value:.0f}"


def _quadrant_label(exp: Experiment, settings: ProjectSettings) -> str:
    q = quadrant(exp, settings)
    return "—" if q is None else SHORT_QUADRANT[q]


def _quadrant_order(exp: Experiment, settings: ProjectSettings) -> int | None:
    q = quadrant(exp, settings)
    order = [Quadrant.QUICK_WIN, Quadrant.MOONSHOT, Quadrant.INCREMENTAL, Quadrant.AVOID]
    return None if q is None else order.index(q)


_STATUS_ORDER = {s: i for i, s in enumerate(Status)}

#: The place in the ranking (drawn by the table: it moves when other rows do).
RANK = Column("rank", "Rank", 5, lambda e, s: "", None, right=True)
#: The experiment's own number, as every message, form and command names it ("#12").
ID = Column("id", "ID", 3, lambda e, s: f"#{e.id}", lambda e, s: e.id, True, False)
TITLE = Column(
    "title", "Title", 0, lambda e, s: e.title, lambda e, s: e.title.casefold(), False, False
)
QUADRANT = Column("quadrant", "Quadrant", 11, _quadrant_label, _quadrant_order, False, False)
IMPACT = Column(
    "impact", "Imp", 3, lambda e, s: _num(e.impact, "d"), lambda e, s: e.impact, right=True
)
PROBABILITY = Column(
    "probability",
    "P",
    4,
    lambda e, s: "—" if e.probability is None else f"{e.probability * 100:.0f}%",
    lambda e, s: e.probability,
    right=True,
)
EV = Column(
    "ev", "EV", 4, lambda e, s: _num(expected_value(e), ".2f"), lambda e, s: expected_value(e), True
)
INFO = Column("info", "Inf", 3, lambda e, s: str(e.info_value), lambda e, s: e.info_value, True)
COST = Column("cost", "Cost", 6, lambda e, s: _cost(e.cost), lambda e, s: e.cost, True, False)
SCORE = Column("score", "Score", 6, lambda e, s: _num(score(e, s), ".2f"), None, right=True)
STATUS = Column(
    "status",
    "Status",
    7,
    lambda e, s: e.status.label,
    lambda e, s: _STATUS_ORDER[e.status],
    False,
    False,
)
TIER = Column("tier", "T", 1, lambda e, s: str(e.tier), lambda e, s: e.tier, right=True)

BACKLOG_COLUMNS = (
    RANK,
    ID,
    TITLE,
    QUADRANT,
    IMPACT,
    PROBABILITY,
    EV,
    INFO,
    COST,
    SCORE,
    STATUS,
    TIER,
)

NARROW_QUADRANT = {
    Quadrant.QUICK_WIN: "Quick",
    Quadrant.MOONSHOT: "Moon",
    Quadrant.INCREMENTAL: "Incr",
    Quadrant.AVOID: "Avoid",
}


def _quadrant_narrow(exp: Experiment, settings: ProjectSettings) -> str:
    q = quadrant(exp, settings)
    return "—" if q is None else NARROW_QUADRANT[q]


QUADRANT_NARROW = Column("quadrant", "Quad", 5, _quadrant_narrow, _quadrant_order, False, False)
#: Below 100 columns the quadrant is abbreviated, and expected value and information value
#: (both in the detail pane, term by term) are left out, so the title keeps some room.
BACKLOG_NARROW_COLUMNS = tuple(
    QUADRANT_NARROW if c is QUADRANT else c for c in BACKLOG_COLUMNS if c not in (EV, INFO)
)
NARROW_BELOW = 100
COMPACT_COLUMNS = (RANK, TITLE, PROBABILITY, SCORE)
SORTABLE = tuple(c for c in BACKLOG_COLUMNS if c.key != "rank")
