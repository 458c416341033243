"""``next``: the backlog as a queue for training workers.

A worker loops ``while id=$(iterate-tui next --start); do train "$id"; done``. Choosing
the best-scored backlog experiment and starting it happen under one hold of the project
lock (``Context.change``), so two workers never take the same experiment; an empty
backlog ends the loop with exit status 4.
"""

from __future__ import annotations

import sys
from argparse import Namespace
from collections.abc import Iterable

from ..domain.enums import Status
from ..domain.experiment import Experiment
from ..domain.ranking import rank_key
from ..domain.settings import ProjectSettings
from ..domain.wording import plural
from .context import Context
from .experiments import show_record
from .main import NOTHING_LEFT
from .output import dumps, out
from .parser import PROG


def best(experiments: Iterable[Experiment], settings: ProjectSettings) -> Experiment | None:
    """The backlog experiment ranked first (``domain.ranking``'s order), if any."""
    backlog = [e for e in experiments if e.status is Status.BACKLOG and e.estimated]
    return min(backlog, key=lambda e: rank_key(e, settings), default=None)


def _nothing_left(experiments: list[Experiment]) -> int:
    ideas = sum(e.status is Status.IDEA for e in experiments)
    waiting = f" ({plural(ideas, 'idea')} waiting for triage)" if ideas else ""
    print(f"{PROG}: nothing to start: the backlog is empty{waiting}", file=sys.stderr)
    return NOTHING_LEFT


def next_(args: Namespace, ctx: Context) -> int:
    if args.start:
        with ctx.change() as session:
            every = session.experiments()
            chosen = best(every, session.settings)
            if chosen is None:
                return _nothing_left(every)
            chosen = session.start(chosen.id)
            settings = session.settings
    else:
        repository = ctx.repository
        every = repository.experiments()
        settings = repository.settings()
        chosen = best(every, settings)
        if chosen is None:
            return _nothing_left(every)
    out(dumps(show_record(chosen, settings)) if args.json else str(chosen.id))
    return 0
