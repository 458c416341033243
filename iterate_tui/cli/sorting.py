"""``list --sort FIELD``: the orders the app's backlog sorts by, plus created.

The app's columns (``widgets.columns``: pure functions, no Textual) say how each field
sorts and which way first (the highest score, impact or probability; the cheapest cost;
titles A to Z), so a list printed here is in the order the backlog shows. As there, an
experiment without a value (an unestimated idea) always comes last, ties go by id, and
``--reverse`` turns the order round.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..domain.experiment import Experiment
    from ..domain.settings import ProjectSettings

#: Every field ``--sort`` takes (the parser's choices): the backlog's, then created.
APP_FIELDS = (
    "title",
    "quadrant",
    "impact",
    "probability",
    "ev",
    "info",
    "cost",
    "score",
    "status",
    "tier",
    "id",
)
SORT_FIELDS = (*APP_FIELDS, "created")

SortValue = Callable[["Experiment", "ProjectSettings"], Any]


def _order(field: str) -> tuple[SortValue, bool]:
    """How ``field`` sorts: the value of an experiment, and whether largest comes first."""
    if field == "created":
        return (lambda e, s: e.created_at), False
    from ..widgets.columns import SORTABLE  # the app's own columns: the same orders

    column = next(c for c in SORTABLE if c.key == field)
    assert column.sort_value is not None, field
    return column.sort_value, column.descending_first


def sort_experiments(
    experiments: Sequence[Experiment],
    field: str,
    reverse: bool,
    settings: ProjectSettings,
) -> list[Experiment]:
    """The experiments in ``field``'s order (reversed with ``reverse``)."""
    if field == "score":
        return _by_score(experiments, reverse, settings)
    value_of, descending = _order(field)
    by_id = sorted(experiments, key=lambda e: e.id)
    valued = [(value_of(e, settings), e) for e in by_id]
    known = [(v, e) for v, e in valued if v is not None]
    # Python's sort is stable in both directions: ties stay in id order either way.
    known.sort(key=lambda pair: pair[0], reverse=descending != reverse)
    return [e for _, e in known] + [e for v, e in valued if v is None]


def _by_score(
    experiments: Sequence[Experiment], reverse: bool, settings: ProjectSettings
) -> list[Experiment]:
    from ..domain.ranking import rank_key

    if not reverse:
        return sorted(experiments, key=lambda e: rank_key(e, settings))

    def lowest_first(e: Experiment) -> tuple[int, float, int]:
        missing, negated, exp_id = rank_key(e, settings)
        return (missing, -negated, exp_id)

    return sorted(experiments, key=lowest_first)
