"""Messages that go up from a screen to the app, which routes them (no screen calls
another)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class ShowExperiment(Message):
    """Show this experiment in the backlog (from the portfolio's "pull next", say).

    ``routed``: already passed on by the app to the backlog, which handles it there."""

    exp_id: int
    routed: bool = False
