"""``portfolio`` (the figures, read-only) and ``promote`` (a follow-up one tier up).

The figures are ``domain.portfolio``'s, the same the portfolio screen shows; ``--json`` is
``report_to_json``, so scripts, the screen and this text always agree.
"""

from __future__ import annotations

import math
from argparse import Namespace
from datetime import date

from ..domain.experiment import utc_now
from ..domain.portfolio import (
    BURN_DAYS,
    ActivityShare,
    PortfolioReport,
    RangeStatus,
    amount,
    portfolio_report,
    report_to_json,
)
from ..domain.settings import ProjectSettings
from .context import Context, experiment_id
from .output import clean, dumps, out, table

LABEL_WIDTH = 13


def today() -> date:
    """The day the figures are for (the burn rate, the runway and the suggested phase
    depend on it): the UTC date, the clock every timestamp in the file is stamped with, so
    an experiment finished a minute ago is always in the burn window. A function so that
    tests can fix it."""
    return utc_now().date()


def portfolio(args: Namespace, ctx: Context) -> int:
    repository = ctx.repository
    settings = repository.settings()
    report = portfolio_report(repository.experiments(), settings, today())
    if args.json:
        out(dumps(report_to_json(report)))
        return 0
    for line in report_lines(report, settings):
        out(line)
    return 0


def promote(args: Namespace, ctx: Context) -> int:
    with ctx.change() as session:
        exp = session.promote(experiment_id(args.id))
    out(str(exp.id))
    return 0


# -- the text ---------------------------------------------------------------------------------
def _line(label: str, text: str) -> str:
    return f"{label:<{LABEL_WIDTH}} {text}"


def _share(value: float | None) -> str:
    """Whole percentages, as in the warnings and the exploration wording."""
    return "-" if value is None else f"{value * 100:.0f}%"


def _phase_text(report: PortfolioReport) -> str:
    shown = report.phase.label
    suggestion = report.suggested_phase
    if suggestion is None:
        return f"{shown} (no suggestion: set a deadline or a budget)"
    if suggestion.phase is report.phase:
        return f"{shown} (as suggested: {suggestion.reason})"
    return f"{shown} (suggested: {suggestion.phase.label}, {suggestion.reason})"


def _budget_lines(report: PortfolioReport, unit: str) -> list[str]:
    budget = report.budget
    used = (
        f"spent {amount(budget.spent)}, committed {amount(budget.committed)}, "
        f"planned {amount(budget.planned)}"
    )
    if budget.total is None or budget.left is None:
        lines = [_line("budget", f"{used} {unit} (no budget set)")]
    else:
        lines = [
            _line(
                "budget",
                f"{used}, left {amount(budget.left)} of {amount(budget.total)} {unit}",
            )
        ]
    if budget.total is None:
        lines.append(_line("runway", "- (no budget set)"))
        return lines
    if budget.runway_days is None or budget.runway_date is None:
        lines.append(_line("runway", f"- (no recent spending: nothing spent in {BURN_DAYS} days)"))
        return lines
    runway = (
        f"{math.floor(budget.runway_days)} days at {amount(budget.burn_per_day)} {unit} a day: "
        f"to {budget.runway_date.isoformat()}"
    )
    if budget.deadline is not None:
        side = "before" if budget.runs_out_before_deadline else "past"
        runway += f", {side} the deadline {budget.deadline.isoformat()}"
    lines.append(_line("runway", runway))
    return lines


def _activity_row(share: ActivityShare) -> list[str]:
    status = "-" if share.status is None else share.status.value
    if share.status is not RangeStatus.IN and share.share is not None:
        status += f" by {share.points_outside:.0f} points"
    return [
        f"  {share.activity.label}",
        amount(share.cost),
        _share(share.share),
        f"{share.low * 100:.0f}-{share.high * 100:.0f}%",
        status,
        f"{share.count} ({_share(share.share_count)})",
    ]


def report_lines(report: PortfolioReport, settings: ProjectSettings) -> list[str]:
    """The report as aligned lines of text (user text made safe with ``clean``)."""
    unit = clean(settings.budget_unit)
    ex = report.exploration
    lines = [
        f"Portfolio of {clean(settings.name)} on {report.today.isoformat()} (costs in {unit})",
        _line("phase", _phase_text(report)),
    ]
    count = (
        f"by count {ex.explore_count} of {ex.counted} ({_share(ex.share_count)})"
        if ex.counted
        else "by count: nothing done or running"
    )
    lines.append(_line("exploration", f"{ex.wording}; {count}"))
    moon = report.moonshots
    if moon.share_of_budget is None:
        moon_text = f"{amount(moon.cost)} {unit} (no budget set to take a share of)"
    else:
        moon_text = (
            f"{_share(moon.share_of_budget)} of the budget ({amount(moon.cost)} {unit}), "
            f"allowance {_share(moon.allowance)}"
        )
    lines.append(_line("moonshots", moon_text))
    lines += _budget_lines(report, unit)
    risk = report.risk
    risk_text = (
        f"safe {amount(risk.safe)}, medium {amount(risk.medium)}, risky {amount(risk.risky)}"
    )
    if risk.unknown:
        risk_text += f", unknown {amount(risk.unknown)}"
    lines.append(_line("risk", f"{risk_text} {unit}"))
    tiers = ", ".join(f"{t.tier} {t.label} {amount(t.cost)}" for t in report.tiers.costs)
    lines.append(_line("tiers", f"{tiers} {unit}"))
    lines.append(_line("80/20", report.pareto.wording))
    lines.append(f"activities (share of planned {unit}; the reference ranges are of people's time)")
    rows = [_activity_row(s) for s in report.activities.shares]
    headers = ("  activity", "cost", "share", "range", "status", "count")
    lines += table(headers, rows, (False, True, True, True, False, True))
    if report.warnings:
        lines.append(f"warnings ({len(report.warnings)})")
        lines += [f"  ! {clean(w.message)}" for w in report.warnings]
    else:
        lines.append("warnings: none")
    if report.pull_next:
        lines.append("pull next to rebalance")
        for item in report.pull_next:
            exp = item.experiment
            lines.append(f"  #{exp.id} {clean(exp.title)}")
            lines.append(f"      {clean(item.reason)}")
    else:
        lines.append("pull next to rebalance: nothing in the backlog on the short side")
    return lines
