"""The argument parser: every command, its options and the help a new user reads.

Values are taken as typed (strings) and validated by the domain's parsers, so that a bad
value is reported with the field's name and the accepted range, the same way as in the app.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import textwrap
from dataclasses import dataclass
from typing import Any, NoReturn

from .. import __version__
from .sorting import SORT_FIELDS

PROG = "iterate-tui"

DESCRIPTION = """\
Decide what to try next in a machine-learning project. Without a command, open the app
(a keyboard-driven terminal UI) on the project; with a command, change or query the
project from a script or a shell. The project is one JSON file: --db PATH, else
$ITERATE_TUI_DB, else project.json in your user data folder."""

EPILOG = """\
examples:
  iterate-tui                                   open the app on your project
  iterate-tui --demo                            open the app on a copy of the demo project
  iterate-tui add "Class-weighted focal loss" --impact 4 --probability 60% --cost 6 \\
      --hypothesis "rare queues are under-fit" --tag loss      (prints the new id)
  iterate-tui list                              open experiments ranked by score
  iterate-tui list --status all --json          every experiment, for scripts
  iterate-tui list --sort cost --limit 5        the five cheapest
  iterate-tui triage 12 quick_win               quick_win, moonshot, incremental, avoid
  iterate-tui modify 12 --impact 3 --tag loss   prints what changed
  iterate-tui delete 13                         asks first (--yes: does not)
  while id=$(iterate-tui next --start); do train "$id"; done
                                                a worker: the best backlog item each time
  iterate-tui start 12
  iterate-tui result 12 --value 0.741 --value 0.745 --outcome success --cost 5.5
  iterate-tui skip 13 --reason "superseded by #12"
  iterate-tui export --format csv > backlog.csv
  iterate-tui import backlog.csv                nothing is written if any row is bad
  iterate-tui settings --set deadline=2026-12-31 --set budget_total=400
  iterate-tui backups                           if the file is damaged: backups,
  iterate-tui restore 1                         restore one (the damaged file is kept),
  iterate-tui salvage                           or keep every readable experiment

exit status: 0 done, 1 bad input, an unknown id, or no project at that path for a command
that only reads (nothing is created there), 2 bad usage, 3 the project file cannot be used
(unreadable, locked by another process, from a newer iterate-tui, a full disk), 4 nothing
left to do ('next': the backlog is empty, so a worker's loop ends).
'iterate-tui COMMAND --help' explains each command."""


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors: ``iterate-tui: error: add: ...`` and exit status 2.

    A command that groups verbs (see ``Group``) prints its usage first, so that
    ``iterate-tui curves`` alone shows which verbs there are.
    """

    #: The verbs of a command that groups several; empty for every other command.
    verbs: list[str]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.verbs = []

    def error(self, message: str) -> NoReturn:
        command = self.prog.removeprefix(PROG).strip()
        if self.verbs:
            self.print_usage(sys.stderr)
            if message.endswith("required: VERB"):
                message = f"choose a verb: {', '.join(self.verbs)}"
        self.exit(2, usage_error(command, message) + "\n")


def usage_error(command: str, message: str) -> str:
    """The one line a usage error prints (exit status 2): what is wrong, and where help is."""
    where = f"{command}: " if command else ""
    hint = f"{PROG} {command} --help" if command else f"{PROG} --help"
    return f"{PROG}: error: {where}{message} (see '{hint}')"


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=32, width=min(_columns(), 100))


def _columns() -> int:
    return shutil.get_terminal_size((90, 24)).columns


def _project_options(parser: argparse.ArgumentParser, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    group = parser.add_argument_group("project file")
    choice = group.add_mutually_exclusive_group()
    choice.add_argument(
        "--db",
        metavar="PATH",
        default=default,
        help="the project file (default: $ITERATE_TUI_DB, else the user data folder)",
    )
    choice.add_argument(
        "--demo",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="work on a fresh temporary copy of the demo project (removed at the end)",
    )


def _command(
    commands: argparse._SubParsersAction[Parser],
    name: str,
    summary: str,
    description: str = "",
    epilog: str = "",
    *,
    command: str = "",
) -> Parser:
    """One command (or one verb of a group: ``command`` is then "group verb")."""
    sub = commands.add_parser(
        name,
        help=summary,
        description=textwrap.fill(description or summary, width=min(_columns(), 100) - 2),
        epilog=epilog or None,
        formatter_class=_Formatter,
    )
    sub.set_defaults(command=command or name)
    _project_options(sub, suppress=True)
    return sub


@dataclass(frozen=True)
class Group:
    """A command that groups several verbs, each a sub-command of its own:
    ``iterate-tui curves run|import|list|show``. Its help lists the verbs; without a verb
    it prints its usage and exits 2. A verb dispatches as "group verb" (cli.main.COMMANDS).
    """

    name: str
    parser: Parser
    verbs: argparse._SubParsersAction[Parser]

    def verb(self, name: str, summary: str, description: str = "", epilog: str = "") -> Parser:
        self.parser.verbs.append(name)
        return _command(
            self.verbs, name, summary, description, epilog, command=f"{self.name} {name}"
        )


def add_group(
    commands: argparse._SubParsersAction[Parser],
    name: str,
    summary: str,
    description: str = "",
    epilog: str = "",
) -> Group:
    """Declare a command that groups verbs; add them with ``Group.verb``."""
    parser = _command(commands, name, summary, description, epilog)
    verbs = parser.add_subparsers(title="verbs", metavar="VERB", parser_class=Parser, required=True)
    return Group(name, parser, verbs)


def _estimate_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--impact", metavar="N", help="1 negligible .. 5 transformative")
    sub.add_argument(
        "--probability",
        metavar="P",
        help="chance of success: a fraction 0..1 (0.6), a percentage with %% (60%%), or a "
        "number from 1.5 to 100 read as a percentage (60); between 1 and 1.5 write the %%",
    )
    sub.add_argument("--cost", metavar="C", help="estimated cost in budget units, from 1e-6 to 1e9")
    sub.add_argument(
        "--info",
        metavar="N",
        help="information value: 0 none, 1 some, 2 high, 3 critical",
    )
    sub.add_argument(
        "--activity",
        metavar="A",
        help="data_preparation, feature_engineering, model_development (default) or "
        "evaluation_debugging",
    )
    sub.add_argument("--tier", metavar="N", help="compute tier: 1 smoke, 2 exploratory, 3 full")
    sub.add_argument(
        "--explore",
        metavar="E",
        help="explore, exploit or auto (default: moonshots explore, the rest exploit)",
    )
    sub.add_argument("--hypothesis", metavar="TEXT", help="what you expect and why")
    sub.add_argument(
        "--matters",
        metavar="TEXT",
        help='"if this works, does it matter?" in a sentence; starting with "no" '
        "sends the idea to Avoid, skipped",
    )


def _provenance_options(sub: argparse.ArgumentParser) -> None:
    """Where a result came from: the training run and the code (also on modify, result)."""
    sub.add_argument(
        "--run-url",
        metavar="URL",
        help="the training run's page (https://wandb.ai/..., file:///runs/12)",
    )
    sub.add_argument("--commit", metavar="SHA", help="the code's git commit (4-64 hex digits)")


def _count(raw: str) -> int:
    """A number of rows (--limit): a whole number above 0."""
    if not (raw.strip().isascii() and raw.strip().isdigit()) or int(raw) < 1:
        raise argparse.ArgumentTypeError(f"{raw!r} is not a whole number above 0")
    return int(raw)


def _tag_option(sub: argparse.ArgumentParser, text: str) -> None:
    sub.add_argument("--tag", metavar="T", action="append", default=[], help=text)


def _portfolio_epilog() -> str:
    """The definitions of the portfolio figures, one line each (from the domain module)."""
    from ..domain.portfolio_definitions import DEFINITIONS

    width = min(_columns(), 100) - 2
    lines = ["definitions:"]
    for name, text in DEFINITIONS:
        lines += textwrap.wrap(
            f"{name}: {text}", width, initial_indent="  ", subsequent_indent="    "
        )
    return "\n".join(lines)


def _settings_epilog() -> str:
    """Every setting and the values it accepts (from the one table the app reads too)."""
    from ..domain.settings import SETTING_SPECS

    width = max(len(spec.key) for spec in SETTING_SPECS)
    lines = ["settings and the values they accept (see 'iterate-tui settings'):"]
    lines += [f"  {s.key:<{width}}  {s.range_text}" for s in SETTING_SPECS]
    lines += [
        "",
        "example:",
        "  iterate-tui settings --set metric_name=macro-F1 --set baseline=0.712 --set phase=middle",
    ]
    return "\n".join(lines)


def build_parser() -> Parser:
    parser = Parser(
        prog=PROG,
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    _project_options(parser, suppress=False)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=Parser)

    sub = _command(
        commands,
        "add",
        "add an idea; prints its id",
        "Add a new idea (status: idea). Only the title is needed; estimates can be given "
        "now or set later by triage in the app.",
        'example:\n  iterate-tui add "Mixup on the image branch" --impact 3 --probability 40% '
        "--cost 2 --tag aug",
    )
    sub.add_argument("title", metavar="TITLE")
    _estimate_options(sub)
    _tag_option(sub, "a tag (repeat for more)")
    _provenance_options(sub)

    sub = _command(
        commands,
        "modify",
        "change an experiment's estimates or text",
        "Change any estimate or text of an experiment and print each change (old -> new). "
        "Estimate changes are kept in its history ('show' lists them). --tag adds a tag "
        "and --untag removes one (repeat either); its other tags stay. An empty value "
        'clears an optional field: --run-url "", or --impact "" on an idea.',
        "examples:\n  iterate-tui modify 12 --impact 3 --probability 45%\n"
        '  iterate-tui modify 12 --title "Focal loss, gamma 2" --tag loss --untag draft\n'
        "  iterate-tui modify 12 --run-url https://wandb.ai/me/p/runs/12 "
        "--commit $(git rev-parse HEAD)",
    )
    sub.add_argument("id", metavar="ID")
    sub.add_argument("--title", metavar="TEXT", help="a new title")
    _estimate_options(sub)
    _tag_option(sub, "add a tag (repeat for more)")
    sub.add_argument(
        "--untag", metavar="T", action="append", default=[], help="remove a tag (repeat for more)"
    )
    _provenance_options(sub)

    sub = _command(
        commands,
        "delete",
        "delete an experiment (asks first)",
        "Delete an experiment and all it holds. On a terminal it asks first "
        "('Delete #12 <title>? [y/N]'; anything but y keeps it, exit status 1); --yes "
        "deletes without asking. Without a terminal and without --yes nothing is deleted "
        "(exit status 2). There is no undo here: to keep a record, 'skip' it with a reason.",
        "examples:\n  iterate-tui delete 12\n  iterate-tui delete 12 --yes        from a script",
    )
    sub.add_argument("id", metavar="ID")
    sub.add_argument("-y", "--yes", action="store_true", help="delete without asking")

    sub = _command(
        commands,
        "list",
        "experiments ranked by score",
        "List experiments ranked by score = (impact x probability + w_info x information "
        "value) / cost^alpha, or in another order with --sort (the rank column stays the "
        "rank by score). By default the open ones (idea, backlog, running). Done "
        "experiments show their result: the mean +/- sd of their values.",
        "examples:\n  iterate-tui list --status running\n  iterate-tui list --quadrant quick_win"
        "\n  iterate-tui list --status all --json | jq '.[0]'\n"
        '  iterate-tui list --filter "tag:vision augment"\n'
        "  iterate-tui list --sort cost --limit 5         the five cheapest\n"
        "  iterate-tui list --status done --sort created --reverse",
    )
    sub.add_argument(
        "--status",
        metavar="S",
        action="append",
        default=[],
        help="idea, backlog, running, done, skipped, open or all (repeat or use commas)",
    )
    sub.add_argument(
        "--quadrant",
        metavar="Q",
        action="append",
        default=[],
        help="quick_win, moonshot, incremental or avoid (repeat or use commas)",
    )
    sub.add_argument(
        "--filter",
        metavar="QUERY",
        default="",
        help='the app\'s filter: words, status: quadrant: activity: tag: tier:, "a phrase"',
    )
    sub.add_argument(
        "--sort",
        metavar="FIELD",
        type=str.lower,
        choices=SORT_FIELDS,
        default="score",
        help=f"{', '.join(SORT_FIELDS)} (default: score); each its natural way first: "
        "the highest score, impact, probability, ev, info and tier, the cheapest cost, "
        "titles A to Z, quadrants and statuses in their order, oldest first",
    )
    sub.add_argument("--reverse", action="store_true", help="the other way round")
    sub.add_argument("--limit", metavar="N", type=_count, help="only the first N")
    sub.add_argument("--json", action="store_true", help="a JSON list with every field")

    sub = _command(
        commands,
        "show",
        "one experiment, its score breakdown and history",
    )
    sub.add_argument("id", metavar="ID")
    sub.add_argument("--json", action="store_true", help="as JSON, with the score terms")

    sub = _command(
        commands,
        "next",
        "the best-scored backlog experiment, for training workers",
        "Print the id of the backlog experiment with the best score: what to run next. "
        "With --start also start it, in one hold of the project lock, so that workers "
        "looping on 'next --start' never take the same one. When the backlog is empty it "
        "says so on standard error and exits with status 4, which ends such a loop.",
        "example (a worker; start as many as you have GPUs):\n"
        '  while id=$(iterate-tui next --start); do\n    train "$id"\n  done',
    )
    sub.add_argument(
        "--start", action="store_true", help="also start it (running, its estimates frozen)"
    )
    sub.add_argument(
        "--json", action="store_true", help="every field, as 'show --json' prints them"
    )

    sub = _command(
        commands,
        "start",
        "start running an experiment (its estimates are frozen)",
    )
    sub.add_argument("id", metavar="ID")

    sub = _command(
        commands,
        "result",
        "record the result of an experiment",
        "Record how an experiment ended. Give one --value per seed that ran, in the goal "
        "metric's units. An idea or backlog item is started on the way.",
        "example:\n  iterate-tui result 12 --value 0.741 --value 0.745 --outcome success "
        '--cost 5.5 --learned "helps the long tail"',
    )
    sub.add_argument("id", metavar="ID")
    sub.add_argument(
        "--value", metavar="V", action="append", default=[], help="a metric value (repeat)"
    )
    sub.add_argument(
        "--outcome", metavar="O", required=True, help="success, failure or inconclusive"
    )
    sub.add_argument("--cost", metavar="C", help="actual cost spent, in budget units")
    sub.add_argument("--learned", metavar="TEXT", default="", help="what was learned")
    _provenance_options(sub)

    sub = _command(commands, "skip", "document and skip an experiment")
    sub.add_argument("id", metavar="ID")
    sub.add_argument("--reason", metavar="TEXT", required=True, help="why it is skipped")
    sub.add_argument(
        "--cost",
        metavar="C",
        help="what was spent before giving up, in budget units (counts as spent)",
    )

    sub = _command(
        commands,
        "triage",
        "put an experiment into a quadrant of the matrix",
        "Put an experiment into a quadrant. Estimates already inside it stay; otherwise "
        "they snap to its defaults (quick win 4 / 70%, moonshot 4 / 20%, incremental "
        "2 / 70%, avoid 1 / 20%). An idea becomes a backlog item.",
    )
    sub.add_argument("id", metavar="ID")
    sub.add_argument("quadrant", metavar="QUADRANT", help="quick_win, moonshot, incremental, avoid")

    # -- the portfolio --
    sub = _command(
        commands,
        "portfolio",
        "where the budget goes: exploration, moonshots, activities, tiers, runway",
        "The portfolio figures of the project as of today: exploration against the phase's "
        "target, the moonshot share against its allowance, activities against the "
        "reference ranges, risk levels, compute tiers, budget and runway, the 80/20 check, "
        "the warnings, and what to pull next to rebalance. Read-only.",
        _portfolio_epilog(),
    )
    sub.add_argument("--json", action="store_true", help="as JSON (shares are fractions 0..1)")

    sub = _command(
        commands,
        "promote",
        "make a follow-up of a done experiment one compute tier up; prints its id",
        "Add a new idea that follows up a done experiment at the next compute tier (1 smoke "
        "-> 2 exploratory -> 3 full), linked to it, with its title, hypothesis, activity, "
        "tags and estimates copied to edit.",
        "example:\n  iterate-tui promote 12",
    )
    sub.add_argument("id", metavar="ID")

    sub = _command(
        commands,
        "undo",
        "take back the last change (from the app or a command)",
        "Take back the newest change that can still be undone, whoever made it (the app "
        "or a command): the journal in the project file keeps the last 300 changes, before "
        "and after. A change is not undone if what it changed was changed again since "
        "(it is then skipped, and the next undo goes on with the one before). The app's u "
        "takes back only the app's own changes.",
        "examples:\n  iterate-tui undo\n  iterate-tui undo --list          the last changes\n"
        "  iterate-tui undo --by command    the newest change made from the command line",
    )
    sub.add_argument(
        "--by",
        choices=("app", "command"),
        help="only a change made from the app, or only one made from the command line",
    )
    sub.add_argument(
        "--list",
        metavar="N",
        type=int,
        nargs="?",
        const=20,
        dest="list_count",
        help="show the last N changes (20 if N is left out) instead of undoing one",
    )

    sub = _command(
        commands,
        "export",
        "write every experiment to standard output",
        "Write every experiment, with every field, as JSON (a list) or CSV (one row each).",
        "example:\n  iterate-tui export --format csv > backlog.csv",
    )
    sub.add_argument(
        "--format", choices=("json", "csv"), default="json", help="json (default) or csv"
    )

    sub = _command(
        commands,
        "import",
        "add experiments from a JSON or CSV file",
        "Add the experiments of a file made by 'export' (or by hand: only the title column "
        "is required). The whole file is checked first: if any row is bad, each problem is "
        "reported with its row number and nothing is imported. Ids are given anew.",
        "example:\n  iterate-tui import backlog.csv\n  some-script | iterate-tui import - "
        "--format json",
    )
    sub.add_argument("file", metavar="FILE", help="the file to read, or - for standard input")
    sub.add_argument(
        "--format", choices=("json", "csv"), help="default: from the file name or content"
    )
    sub.add_argument(
        "--skip-existing",
        action="store_true",
        help="leave out rows already in the project: same title and created_at (a row "
        "without created_at: same title)",
    )

    sub = _command(
        commands,
        "settings",
        "show or change the project settings",
        "Show the project settings, or change some with --set key=value (all are checked "
        "before any is saved). An empty value clears an optional setting.",
        _settings_epilog(),
    )
    sub.add_argument(
        "--set",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        dest="assignments",
        help="change one setting (repeat for more)",
    )
    sub.add_argument("--json", action="store_true", help="as JSON")

    _command(
        commands,
        "backups",
        "list the dated backups of the project file",
        "List the backups kept beside the project file (newest first, numbered for "
        "'restore'). Works even when the project file is damaged.",
    )

    sub = _command(
        commands,
        "restore",
        "replace the project file by a backup",
        "Replace the project file by a backup, given by its number in 'backups', its "
        "name or a path. The current file is moved aside first (never deleted).",
        "example:\n  iterate-tui backups\n  iterate-tui restore 1",
    )
    sub.add_argument("backup", metavar="BACKUP")

    _command(
        commands,
        "salvage",
        "rebuild a damaged project file from its readable part",
        "Copy the project file aside, then rewrite it with every experiment (and the "
        "settings) that can still be read. Prints what was kept and what was not.",
    )
    return parser


def parse(argv: list[str]) -> argparse.Namespace:
    """Parse ``argv``; argparse exits (status 2, or 0 for --help and --version)."""
    args = build_parser().parse_args(argv)
    if not hasattr(args, "command"):
        args.command = None
    return args
