"""Commands on experiments: add, modify, delete, list, show, start, result, skip, triage.

Changes go through ``ProjectSession`` (the same rules and validation as the app's keys)
inside ``Context.change``, which holds the project lock from reading to writing.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import sys
from argparse import Namespace
from typing import Any

from ..domain import fields
from ..domain.enums import (
    IMPACT_LABELS,
    INFO_LABELS,
    OPEN_STATUSES,
    TIER_LABELS,
    Outcome,
    Quadrant,
    Status,
)
from ..domain.errors import ValidationError
from ..domain.experiment import Experiment
from ..domain.matrix import is_explore, quadrant, strategy
from ..domain.ranking import Filter, rank
from ..domain.scoring import breakdown, expected_value, score
from ..domain.settings import ProjectSettings
from ..domain.wording import amount, mean_sd, plural
from .context import Context, experiment_id
from .output import clean, clean_lines, dumps, number, out, percent, table, truncate, when
from .parser import usage_error
from .records import record
from .sorting import sort_experiments

TITLE_MIN = 16
ESTIMATE_OPTIONS = (
    ("impact", "impact"),
    ("probability", "probability"),
    ("cost", "cost"),
    ("info_value", "info"),
    ("activity", "activity"),
    ("tier", "tier"),
    ("explore", "explore"),
    ("hypothesis", "hypothesis"),
    ("matters", "matters"),
)
#: Where a result came from (add, modify, result): field, option.
PROVENANCE_OPTIONS = (("run_url", "run_url"), ("commit", "commit"))
MODIFY_OPTIONS = (("title", "title"), *ESTIMATE_OPTIONS, *PROVENANCE_OPTIONS)


def _name(exp: Experiment) -> str:
    return f"#{exp.id} {clean(exp.title)}"


def _estimates(exp: Experiment) -> str:
    return f"impact {number(exp.impact)}, probability {percent(exp.probability)}"


def _given(args: Namespace, options: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    """The fields whose option was given (an empty string counts: it clears the field)."""
    return {
        key: getattr(args, option) for key, option in options if getattr(args, option) is not None
    }


# -- add -----------------------------------------------------------------------------------
def add(args: Namespace, ctx: Context) -> int:
    values: dict[str, Any] = {
        "title": args.title,
        **_given(args, ESTIMATE_OPTIONS),
        **_given(args, PROVENANCE_OPTIONS),
    }
    if args.tag:
        values["tags"] = args.tag
    with ctx.change() as session:
        exp = session.add(values)
    out(str(exp.id))
    if exp.status is Status.SKIPPED:
        print(f"note: #{exp.id} was skipped in Avoid: {clean(exp.skip_reason)}", file=sys.stderr)
    return 0


# -- modify --------------------------------------------------------------------------------
#: What ``modify`` reports, in the order ``show`` lists it: field, name printed.
MODIFY_REPORT = (
    ("title", "title"),
    ("status", "status"),
    ("impact", "impact"),
    ("probability", "probability"),
    ("cost", "cost"),
    ("info_value", "info"),
    ("activity", "activity"),
    ("tier", "tier"),
    ("explore", "explore"),
    ("tags", "tags"),
    ("hypothesis", "hypothesis"),
    ("matters", "matters"),
    ("skip_reason", "skipped"),
    ("run_url", "run URL"),
    ("commit", "commit"),
)
SHOWN_TEXT = 60


def _shown(name: str, value: Any) -> str:
    """A field's value in a change line: as ``show`` prints it, long text cut."""
    if value is None or value == "" or value == ():
        return "-"
    if name == "probability":
        return percent(value)
    if name == "explore":
        return "explore" if value else "exploit"
    if name == "tags":
        return ", ".join(clean(t) for t in value)
    if name in ("status", "activity"):
        return str(value.label)
    if isinstance(value, int | float):
        return number(value)
    return truncate(clean(value), SHOWN_TEXT)


def changes(before: Experiment, after: Experiment) -> list[tuple[str, str, str]]:
    """(name, old, new) for each field an edit changed, auto explore included."""
    found = []
    for key, name in MODIFY_REPORT:
        old, new = getattr(before, key), getattr(after, key)
        if old != new:
            shown_old = "auto" if key == "explore" and old is None else _shown(key, old)
            shown_new = "auto" if key == "explore" and new is None else _shown(key, new)
            found.append((name, shown_old, shown_new))
    return found


def _new_tags(current: tuple[str, ...], added: list[str], removed: list[str]) -> list[str]:
    plus, minus = fields.tags(added), fields.tags(removed, "untag")
    both = sorted(set(plus) & set(minus))
    if both:
        raise ValidationError("tag", f"{', '.join(both)}: both added and removed")
    return [t for t in current if t not in minus] + [t for t in plus if t not in current]


def modify(args: Namespace, ctx: Context) -> int:
    exp_id = experiment_id(args.id)
    values = _given(args, MODIFY_OPTIONS)
    if not values and not args.tag and not args.untag:
        example = "--impact 3, --title TEXT or --tag T"
        print(
            usage_error("modify", f"nothing to change: give a field, like {example}"),
            file=sys.stderr,
        )
        return 2
    with ctx.change() as session:
        before = session.get(exp_id)
        if args.tag or args.untag:
            values["tags"] = _new_tags(before.tags, args.tag, args.untag)
        after = session.edit(exp_id, values)
    found = changes(before, after)
    if not found:
        out(f"{_name(after)}: nothing changed (it already has those values)")
        return 0
    out(f"{_name(after)}: modified")
    width = max(len(name) for name, _, _ in found)
    for name, old, new in found:
        out(f"  {name:<{width}}  {old} -> {new}")
    return 0


# -- delete --------------------------------------------------------------------------------
def _confirm(question: str) -> bool:
    """Ask on the terminal (standard error, so a redirected output stays clean)."""
    sys.stderr.write(question)
    sys.stderr.flush()
    return sys.stdin.readline().strip().lower() in ("y", "yes")


def delete(args: Namespace, ctx: Context) -> int:
    exp_id = experiment_id(args.id)
    exp = ctx.repository.get(exp_id)  # an unknown id is reported before anything is asked
    if not args.yes:
        if not sys.stdin.isatty():
            message = (
                f"nothing deleted: there is no terminal to ask on; add --yes to delete "
                f"#{exp_id} without asking"
            )
            print(usage_error("delete", message), file=sys.stderr)
            return 2
        # Asked without holding the lock: the app and scripts go on while the user reads.
        if not _confirm(f"Delete {_name(exp)}? [y/N] "):
            print(f"{_name(exp)}: not deleted", file=sys.stderr)
            return 1
    with ctx.change() as session:
        removed = session.delete(exp_id)
    out(f"{_name(removed)}: deleted")
    return 0


# -- list ----------------------------------------------------------------------------------
def _words(raw: list[str]) -> list[str]:
    return [w for item in raw for w in re.split(r"[,\s]+", item) if w]


def list_filter(args: Namespace) -> tuple[Filter, bool]:
    """The filter asked for, and whether it is the default (open experiments only)."""
    base = Filter.parse(args.filter) if args.filter.strip() else Filter()
    words = [w.lower() for w in _words(args.status)]
    everything = "all" in words
    statuses = set(base.statuses)
    for word in words:
        if word == "open":
            statuses |= OPEN_STATUSES
        elif word != "all":
            statuses.add(fields.choice(Status, word, "status"))
    quadrants = set(base.quadrants)
    quadrants.update(fields.choice(Quadrant, w, "quadrant") for w in _words(args.quadrant))
    default = not statuses and not everything
    if everything:
        statuses = set()
    elif default:
        statuses = set(OPEN_STATUSES)
    chosen = dataclasses.replace(base, statuses=frozenset(statuses), quadrants=frozenset(quadrants))
    return chosen, default


LIST_HEADERS = (
    "rank",
    "id",
    "title",
    "quadrant",
    "impact",
    "prob",
    "EV",
    "info",
    "cost",
    "score",
    "status",
    "tier",
)
LIST_RIGHT = (True, True, False, False, True, True, True, True, True, True, False, True)
#: Shown when a done experiment is listed: the mean ± sd of its values.
RESULT_HEADER = "result"


def _row(position: str, exp: Experiment, settings: ProjectSettings) -> list[str]:
    where = quadrant(exp, settings)
    value = score(exp, settings)
    return [
        position,
        str(exp.id),
        clean(exp.title),
        where.label if where else "-",
        number(exp.impact),
        percent(exp.probability),
        number(expected_value(exp), ".2f"),
        str(exp.info_value),
        number(exp.cost),
        number(value, ".3f"),
        exp.status.label,
        str(exp.tier),
    ]


def result_cell(exp: Experiment) -> str:
    """A done experiment's values as mean ± sd (one value as it is, none "-")."""
    return mean_sd(exp.values) if exp.status is Status.DONE else ""


def list_(args: Namespace, ctx: Context) -> int:
    chosen, default = list_filter(args)
    repository = ctx.repository
    settings = repository.settings()
    every = repository.experiments()
    ranked = rank((e for e in every if chosen.matches(e, settings)), settings)
    ordered = sort_experiments(ranked, args.sort, args.reverse, settings)
    shown = ordered[: args.limit] if args.limit else ordered
    if args.json:
        out(dumps([record(e, settings) for e in shown]))
        return 0
    scope = " (open ones; --status all for every one)" if default else ""
    if not shown:
        out(f"no experiments match (0 of {len(every)}){scope}")
        return 0
    # The rank is the place by score among those listed, whatever order they are shown in.
    ranks = {e.id: str(i) for i, e in enumerate(ranked, 1) if score(e, settings) is not None}
    rows = [_row(ranks.get(e.id, "-"), e, settings) for e in shown]
    headers, right = list(LIST_HEADERS), list(LIST_RIGHT)
    if any(e.status is Status.DONE for e in shown):
        headers.append(RESULT_HEADER)
        right.append(True)
        for row, exp in zip(rows, shown, strict=True):
            row.append(result_cell(exp))
    limits: dict[int, int] = {}
    if sys.stdout.isatty():
        others = table(headers, [[*r[:2], "", *r[3:]] for r in rows], right)[0]
        # The table without titles has a 5-cell "title" column; the rest is for titles.
        spare = shutil.get_terminal_size().columns - (len(others) - len("title"))
        limits[2] = max(TITLE_MIN, spare)
    for line in table(headers, rows, right, limits):
        out(line)
    total = plural(len(every), "experiment")
    if len(shown) < len(ranked):
        out(f"{len(shown)} of {len(ranked)} shown (--limit {args.limit}), of {total}{scope}")
    else:
        out(f"{len(shown)} of {total}{scope}")
    return 0


# -- show ----------------------------------------------------------------------------------
def _field_lines(exp: Experiment, settings: ProjectSettings) -> list[tuple[str, str]]:
    where = quadrant(exp, settings)
    unit = clean(settings.budget_unit)
    explore = "explore" if is_explore(exp, settings) else "exploit"
    rows = [
        ("status", exp.status.label),
        (
            "quadrant",
            f"{where.label}: {strategy(where, settings)}" if where else "- (not estimated)",
        ),
        (
            "impact",
            f"{exp.impact} ({IMPACT_LABELS[exp.impact]})" if exp.impact is not None else "-",
        ),
        ("probability", percent(exp.probability)),
        ("cost", amount(exp.cost, unit)),
        ("information", f"{exp.info_value} ({INFO_LABELS.get(exp.info_value, '?')})"),
        ("activity", exp.activity.label),
        ("tier", f"{exp.tier} ({TIER_LABELS.get(exp.tier, '?')})"),
        ("explore", explore + (" (auto)" if exp.explore is None else "")),
        ("tags", ", ".join(clean(t) for t in exp.tags) or "-"),
        *([("run", clean(exp.run_url))] if exp.run_url else []),
        *([("commit", clean(exp.commit))] if exp.commit else []),
        ("created", when(exp.created_at)),
        ("updated", when(exp.updated_at)),
    ]
    for label, stamp in (
        ("triaged", exp.triaged_at),
        ("started", exp.started_at),
        ("finished", exp.finished_at),
    ):
        if stamp is not None:
            rows.append((label, when(stamp)))
    if exp.started_probability is not None:
        rows.append(
            (
                "at start",
                f"impact {number(exp.started_impact)}, "
                f"probability {percent(exp.started_probability)}",
            )
        )
    return rows


def _result_lines(exp: Experiment, settings: ProjectSettings) -> list[str]:
    lines = []
    if exp.outcome is not None:
        lines.append(f"outcome      {exp.outcome.label}")
    if exp.values:
        shown = ", ".join(f"{v:g}" for v in exp.values)
        metric = clean(settings.metric_name)
        if len(exp.values) > 1:
            shown += f"  (mean {mean_sd(exp.values)} over {plural(len(exp.values), 'seed')})"
        lines.append(f"{metric:<12} {shown}")
    if exp.actual_cost is not None:
        lines.append(f"cost spent   {amount(exp.actual_cost, clean(settings.budget_unit))}")
    if exp.skip_reason:
        lines.append(f"skipped      {clean(exp.skip_reason)}")
    if exp.learned:
        lines.append("learned")
        lines.extend(f"  {line}" for line in clean_lines(exp.learned))
    return lines


def _history_lines(exp: Experiment) -> list[str]:
    lines = []
    for change in exp.history:
        if change.field == "probability":
            old, new = percent(_float(change.old)), percent(_float(change.new))
        else:
            old, new = number(change.old), number(change.new)
        reason = f"  ({clean(change.reason)})" if change.reason else ""
        lines.append(f"{when(change.at)}  {clean(change.field)} {old} -> {new}{reason}")
    return lines


def _float(value: float | int | None) -> float | None:
    return None if value is None else float(value)


def show_record(exp: Experiment, settings: ProjectSettings) -> dict[str, Any]:
    """What ``show --json`` (and ``next --json``) print: the record and the score terms."""
    data = record(exp, settings)
    terms = breakdown(exp, settings)
    data["score_breakdown"] = (
        None
        if terms is None
        else {**dataclasses.asdict(terms), "lines": terms.lines(settings.budget_unit)}
    )
    return data


def show(args: Namespace, ctx: Context) -> int:
    repository = ctx.repository
    exp = repository.get(experiment_id(args.id))
    settings = repository.settings()
    terms = breakdown(exp, settings)
    if args.json:
        out(dumps(show_record(exp, settings)))
        return 0
    out(_name(exp))
    for label, value in _field_lines(exp, settings):
        out(f"  {label:<12} {value}")
    for label, body in (
        ("hypothesis", exp.hypothesis),
        ("if this works, does it matter?", exp.matters),
    ):
        if body:
            out(label)
            for line in clean_lines(body):
                out(f"  {line}")
    result = _result_lines(exp, settings)
    if result:
        out("result")
        for line in result:
            out(f"  {line}")
    out("score")
    if terms is None:
        out("  not estimated yet: give it an impact and a probability (or triage it)")
    else:
        for line in terms.lines(clean(settings.budget_unit)):
            out(f"  {line}")
    history = _history_lines(exp)
    out("history" if history else "history: no estimate changes")
    for line in history:
        out(f"  {line}")
    return 0


# -- changes -------------------------------------------------------------------------------
def start(args: Namespace, ctx: Context) -> int:
    with ctx.change() as session:
        exp = session.start(experiment_id(args.id))
    out(f"{_name(exp)}: running (estimates frozen: {_estimates(exp)})")
    return 0


def result(args: Namespace, ctx: Context) -> int:
    exp_id = experiment_id(args.id)
    outcome = fields.choice(Outcome, args.outcome, "outcome")
    # Split on spaces only: "0,741" must be refused, not read as two values.
    values = [v for item in args.value for v in item.split()]
    # The result and its links are one change (one entry for undo).
    provenance = _given(args, PROVENANCE_OPTIONS)
    with ctx.change() as session:
        exp = session.finish(exp_id, outcome, values, args.cost, args.learned, provenance)
    shown = ", ".join(f"{v:g}" for v in exp.values) or "no values"
    out(f"{_name(exp)}: done, {outcome.label} ({shown})")
    return 0


def skip(args: Namespace, ctx: Context) -> int:
    with ctx.change() as session:
        exp = session.skip(experiment_id(args.id), args.reason, args.cost)
    spent = ""
    if exp.actual_cost is not None:
        spent = f", {exp.actual_cost:g} {clean(session.settings.budget_unit)} spent"
    out(f"{_name(exp)}: skipped ({clean(exp.skip_reason)}){spent}")
    return 0


def triage(args: Namespace, ctx: Context) -> int:
    exp_id = experiment_id(args.id)
    target = fields.choice(Quadrant, args.quadrant, "quadrant")
    with ctx.change() as session:
        exp = session.triage(exp_id, target)
    out(f"{_name(exp)}: {target.label}, {exp.status.label} ({_estimates(exp)})")
    return 0
