"""The screens of the app, each registered once.

A screen is one ``Mode`` entry here (its key, its label, its commands, its help) and one
module under ``screens/`` whose class says which entry it is
(``class PortfolioScreen(ModeScreen, mode="portfolio")``). The mode bar, the key bar, the
bindings, the command palette and the help screen are all made from these entries, and the
app registers one Textual mode per entry. Screen modules are imported when the screen is
first shown, so an entry costs nothing at start-up.

Keys, kept for the screens to come: 1 backlog, 2 triage, 3 matrix, 4 portfolio,
5 diagnostics, 6 errors, 7 review, 8 log, 9 calibration, 0 settings.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

from .commands import TRIAGE, Command
from .domain.portfolio_definitions import DEFINITIONS


@dataclass(frozen=True, slots=True)
class Mode:
    """One screen, opened with one key."""

    name: str
    key: str
    #: In the mode bar and the help's section title.
    label: str
    #: In the palette ("view: <verb>").
    verb: str
    #: "module:Class" under ``iterate_tui.screens``, or "package.module:Class".
    screen: str
    commands: tuple[Command, ...]
    #: The help section's opening lines: what the screen is for, how to read it.
    help: str = ""

    @property
    def title(self) -> str:
        return f"{self.label} ({self.key})"

    def bindings(self) -> list[Binding]:
        return [command.binding() for command in self.commands]


BACKLOG = Mode(
    "backlog",
    "1",
    "Backlog",
    "backlog",
    "backlog:BacklogScreen",
    (
        Command("backlog", "add experiment", "n", "add", "New", writes=True),
        Command(
            "backlog", "edit experiment", "e,enter", "edit", "Edit", key_display="e", writes=True
        ),
        Command("backlog", "start experiment", "r", "start", "Start", writes=True),
        Command("backlog", "finish with a result", "f", "finish", "Finish", writes=True),
        Command("backlog", "skip with a reason", "x", "skip", "Skip", writes=True),
        Command(
            "backlog", "delete experiment", "delete,D", "delete", "Delete", show=False, writes=True
        ),
        Command(
            "backlog",
            "toggle explore / exploit",
            "t",
            "toggle_explore",
            "Explore",
            show=False,
            writes=True,
        ),
        Command(
            "backlog",
            "promote: a follow-up one tier up",
            "p",
            "promote",
            "Promote",
            show=False,
            writes=True,
        ),
        Command("backlog", "filter", "slash", "filter", "Filter", key_display="/"),
        Command("backlog", "clear filter", "escape", "clear_filter", show=False),
        Command("backlog", "sort by column", "o", "sort", "Sort", show=False),
        Command("backlog", "reverse sort", "O", "reverse_sort", show=False),
        Command("backlog", "zoom detail pane", "z", "zoom", show=False),
        *TRIAGE,
    ),
    "Every open experiment ranked by score = (impact × probability + w_info × information "
    "value) / cost^α. Filter with /: free words, or status: quadrant: activity: tag: tier: "
    "(e.g. 'status:idea tag:labels'); status:all shows done and skipped too; text in double "
    'quotes is one word ("label noise", "lr:3e-4").',
)

TRIAGE_INBOX = Mode(
    "triage",
    "2",
    "Triage",
    "triage inbox",
    "triage:TriageScreen",
    (
        *TRIAGE,
        Command("inbox", "next idea", "j,down,right", "step(1)", "Next", key_display="j"),
        Command("inbox", "previous idea", "k,up,left", "step(-1)", "Prev", key_display="k"),
        Command("inbox", "edit idea", "e,enter", "edit", "Edit", key_display="e", writes=True),
        Command("inbox", "add idea", "n", "add", "New", writes=True),
        Command("inbox", "skip idea with a reason", "x", "skip", "Skip", writes=True),
    ),
    "Untriaged ideas one at a time, oldest first. The quadrant keys mirror the matrix: top "
    "row high impact (q moonshot, w quick win), bottom row low impact (a avoid, s "
    "incremental); right column high probability. +/- and </> then nudge the idea just "
    "triaged.",
)

MATRIX = Mode(
    "matrix",
    "3",
    "Matrix",
    "matrix",
    "matrix:MatrixScreen",
    (
        *TRIAGE,
        Command("matrix", "next quadrant", "tab", "cycle(1)", show=False),
        Command("matrix", "previous quadrant", "shift+tab", "cycle(-1)", show=False),
        Command("matrix", "quadrant to the left", "left,h", "across(-1)", show=False),
        Command("matrix", "quadrant to the right", "right,l", "across(1)", show=False),
        Command(
            "matrix", "edit experiment", "e,enter", "edit", "Edit", key_display="e", writes=True
        ),
        Command("matrix", "start experiment", "r", "start", "Start", writes=True),
    ),
    "The open experiments of each quadrant with what to do with them. q w a s move the "
    "selected experiment and the cursor follows it.",
)

PORTFOLIO = Mode(
    "portfolio",
    "4",
    "Portfolio",
    "portfolio",
    "portfolio:PortfolioScreen",
    (
        Command("portfolio", "start experiment", "r", "start", "Start", writes=True),
        Command(
            "portfolio",
            "toggle explore / exploit",
            "t",
            "toggle_explore",
            "Explore/exploit",
            writes=True,
        ),
        Command(
            "portfolio",
            "show it in the backlog",
            "enter",
            "show_in_backlog",
            "In backlog",
            key_display="⏎",
        ),
        Command("portfolio", "edit experiment", "e", "edit", "Edit", show=False, writes=True),
    ),
    "Exploration against the phase's target, moonshots against their allowance, where the "
    "budget goes, the warnings, and below them what to pull next to rebalance. How each "
    "figure is made:\n" + "\n".join(f"  {name}: {text}" for name, text in DEFINITIONS),
)

SETTINGS = Mode(
    "settings",
    "0",
    "Settings",
    "settings",
    "settings:SettingsScreen",
    (
        Command("settings", "save the changes", "ctrl+s", "save", "Save", writes=True),
        Command(
            "settings",
            "put back what is not saved, and leave the field",
            "escape",
            "revert",
            "Put back, leave field",
        ),
    ),
    "Every project setting, checked as you type by the rules of 'iterate-tui settings "
    "--set'. Beside the phase: the phase the calendar and the budget suggest (the larger of "
    "the share of start..deadline passed and of the budget spent: early below 25%, middle "
    "below 60%, late below 90%, deadline from 90% or past the deadline).",
)

#: Every screen, in the order of their keys on the keyboard.
MODES: tuple[Mode, ...] = (BACKLOG, TRIAGE_INBOX, MATRIX, PORTFOLIO, SETTINGS)

#: The screens share one entry in the key bar ("0-4 screens").
SCREENS = Binding.Group("screens", compact=False)

#: The keys that work on every screen.
GLOBAL = (
    Command("edit", "undo the last change", "u", "app.undo", "Undo", writes=True),
    Command("app", "help: every key", "question_mark", "app.help", "Help", key_display="?"),
    Command("app", "quit", "ctrl+q", "app.quit", "Quit", show=False, priority=True),
)

#: The keys screens can be given, in keyboard order.
DIGITS = "1234567890"


def registered() -> tuple[Mode, ...]:
    """The screens as registered now (tests may add one)."""
    return MODES


def named(name: str) -> Mode:
    for mode in registered():
        if mode.name == name:
            return mode
    raise KeyError(f"no screen is registered as {name!r}")


def with_key(key: str) -> Mode | None:
    return next((mode for mode in registered() if mode.key == key), None)


def view_command(mode: Mode) -> Command:
    """The key that opens ``mode`` (``app.show_mode`` checks that it is registered)."""
    return Command(
        "view", mode.verb, mode.key, f"app.show_mode({mode.key!r})", mode.label, group=SCREENS
    )


def app_commands() -> tuple[Command, ...]:
    """Every key that works everywhere: one per screen, undo, help, quit."""
    return (*(view_command(mode) for mode in registered()), *GLOBAL)


def writing_actions() -> frozenset[str]:
    """The actions that change the project, on any screen (refused while read-only)."""
    return frozenset(
        command.action
        for mode in registered()
        for command in (*mode.commands, *GLOBAL)
        if command.writes
    )
