"""The portfolio's figures as bars a person reads at a glance, each with its figure in words.

A bar is drawn with characters that say it even without colour (over SSH, on a 16-colour
or a light theme): ``█`` what is there, ``░`` the part of the track inside a reference
range, ``·`` the rest, ``┃`` the target or the allowance. The styles come from the theme
through the widget's component classes. ``figure_text`` is a pure function of the report,
the width and the styles, so what the screen shows is tested without a terminal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.reactive import reactive

# Loaded with the portfolio screen only (the portfolio module costs ~13 ms to import).
from ..domain.portfolio import ActivityShare, PortfolioReport, RangeStatus, amount
from ..domain.text import safe_for_display
from ..domain.wording import amount as with_unit
from .detail import TextView

EIGHTHS = " ▏▎▍▌▋▊▉"
#: Below this width the labels and the words are the short ones, so every line fits.
WIDE_FROM = 110


@dataclass(frozen=True, slots=True)
class Layout:
    """The label column and the bars' width for one width of the screen."""

    label: int
    bar: int
    narrow: bool

    @classmethod
    def at(cls, width: int) -> Layout:
        if width >= WIDE_FROM:
            return cls(24, max(10, min(30, width - 24 - 56)), narrow=False)
        return cls(14, max(8, min(16, width - 14 - 50)), narrow=True)


#: Activity labels that fit the narrow label column.
SHORT = {
    "data preparation": "data prep",
    "feature engineering": "feature eng",
    "model development": "model dev",
    "evaluation & debugging": "eval & debug",
}

STYLE_NAMES = ("fill", "committed", "track", "band", "marker", "ok", "warn", "label", "dim")


_PLAIN, _BOLD, _DIM = Style(), Style(bold=True), Style(dim=True)


@dataclass(frozen=True, slots=True)
class Styles:
    fill: Style = _PLAIN
    committed: Style = _PLAIN
    track: Style = _PLAIN
    band: Style = _PLAIN
    marker: Style = _PLAIN
    ok: Style = _PLAIN
    warn: Style = _PLAIN
    label: Style = _BOLD
    dim: Style = _DIM

    @classmethod
    def of(cls, styles: Mapping[str, Style]) -> Styles:
        return cls(**{name: styles[name] for name in STYLE_NAMES if name in styles})


def bar(
    share: float | None,
    width: int,
    styles: Styles,
    *,
    marker: float | None = None,
    band: tuple[float, float] | None = None,
    then: float = 0.0,
) -> Text:
    """A bar ``width`` cells wide, filled to ``share`` (0..1, more is cut at the end), then
    ``then`` more as ``▒`` (committed, not spent yet); ``marker`` a target, ``band`` a
    reference range."""
    cells: list[tuple[str, Style]] = []
    for index in range(width):
        inside = band is not None and band[0] * width <= index < band[1] * width
        cells.append(("░", styles.band) if inside else ("·", styles.track))
    filled = 0.0 if share is None else max(0.0, min(1.0, share)) * width
    _paint(cells, 0.0, filled, styles.fill)
    committed_to = min(width, round(filled + max(0.0, then) * width))
    for index in range(round(filled), committed_to):
        cells[index] = ("▒", styles.committed)
    if marker is not None:
        at = min(width - 1, max(0, round(marker * width)))
        cells[at] = ("┃", styles.marker)
    text = Text()
    for char, style in cells:
        text.append(char, style)
    return text


def _paint(cells: list[tuple[str, Style]], start: float, end: float, style: Style) -> None:
    """Fill cells from ``start`` to ``end`` (in cells, fractions drawn as eighths)."""
    whole_from, whole_to = round(start), int(end)
    for index in range(whole_from, min(whole_to, len(cells))):
        cells[index] = ("█", style)
    part = int((end - whole_to) * 8)
    if part and whole_to < len(cells) and end > start:
        cells[whole_to] = (EIGHTHS[part], style)


def _pct(share: float | None) -> str:
    return "-" if share is None else f"{share * 100:.0f}%"


def _line(label: str, layout: Layout, styles: Styles) -> Text:
    text = Text()
    text.append(f" {label:<{layout.label - 1}}", styles.label)
    return text


def figure_text(report: PortfolioReport, width: int, styles: Styles) -> Text:
    """Every figure of the report, bars first, then the warnings; below ``WIDE_FROM``
    columns in short words, so that each bar's line fits the width."""
    layout = Layout.at(width)
    narrow = layout.narrow
    unit = safe_for_display(report.budget.unit)
    text = Text()

    text.append(f" Phase {report.phase.value}", styles.label)
    suggestion = report.suggested_phase
    if suggestion is None:
        text.append(" (no suggestion without a deadline or a budget)", styles.dim)
    elif suggestion.phase is report.phase:
        text.append(f", as suggested: {suggestion.reason}", styles.dim)
    else:
        text.append(f", suggested {suggestion.phase.value}: {suggestion.reason}", styles.warn)
    text.append("\n" if narrow else f" · costs in {unit}\n", styles.dim)

    ex = report.exploration
    line = _line("Exploration", layout, styles)
    line.append_text(bar(ex.share_cost, layout.bar, styles, marker=ex.target))
    words = _exploration_words(report) if narrow else f"{ex.wording}"
    line.append(f" {words}", styles.warn if _off(ex.deviation_points, 20) else styles.ok)
    if ex.share_count is not None:
        line.append(
            f" (count {_pct(ex.share_count)})"
            if narrow
            else (f"; by count {_pct(ex.share_count)}"),
            styles.dim,
        )
    _add(text, line)

    moon = report.moonshots
    line = _line("Moonshots", layout, styles)
    if moon.share_of_budget is None:
        line.append("no budget set (the allowance is a share of it)", styles.dim)
    else:
        line.append_text(bar(moon.share_of_budget, layout.bar, styles, marker=moon.allowance))
        of = "of budget" if narrow else "of the budget"
        words = f" {_pct(moon.share_of_budget)} {of}, allowance {_pct(moon.allowance)}"
        line.append(
            words + (": over" if moon.over else ""), styles.warn if moon.over else styles.ok
        )
    _add(text, line)

    budget = report.budget
    line = _line("Budget", layout, styles)
    if budget.total is None:
        line.append(
            f"no budget set · spent {with_unit(budget.spent, unit)}, "
            f"committed {amount(budget.committed)}",
            styles.dim,
        )
    else:
        total = budget.total
        line.append_text(
            bar(budget.spent / total, layout.bar, styles, then=budget.committed / total)
        )
        if budget.over and budget.left is not None:
            left = f"over by {amount(-budget.left)}"
        else:
            left = f"left {amount(budget.left or 0.0)}"
        line.append(
            f" spent {amount(budget.spent)} · committed {amount(budget.committed)} · "
            f"{left} of {amount(total)}",
            styles.warn if budget.over else styles.ok,
        )
    _add(text, line)
    _add(text, _runway(report, layout, styles))

    reference = "░ range, of people's time" if narrow else "░ the reference range, of people's time"
    text.append(f" Activities, share of planned {unit} ({reference})\n", styles.dim)
    for share in report.activities.shares:
        _add(text, _activity(share, layout, styles))

    risk = report.risk
    line = _line("Risk" if narrow else "Risk (held at start)", layout, styles)
    line.append(
        f"safe {amount(risk.safe)} · medium {amount(risk.medium)} · risky {amount(risk.risky)}"
        + (f" · unknown {amount(risk.unknown)}" if risk.unknown else "")
        + (" (at start)" if narrow else "")
    )
    _add(text, line)
    line = _line("Tiers" if narrow else "Compute tiers", layout, styles)
    line.append(" · ".join(f"{t.tier} {t.label} {amount(t.cost)}" for t in report.tiers.costs))
    _add(text, line)
    pareto = report.pareto
    line = _line("80/20" if narrow else "80/20 check", layout, styles)
    line.append(pareto.wording, styles.dim if pareto.top_share is None else Style())
    _add(text, line)

    if report.warnings:
        text.append(f" Warnings ({len(report.warnings)})\n", styles.label)
        for warning in report.warnings:
            text.append(" ! ", styles.warn)
            text.append(f"{safe_for_display(warning.message)}\n", styles.warn)
    else:
        text.append(" No warnings: the portfolio is in balance.\n", styles.ok)
    text.rstrip()
    return text


def _add(text: Text, line: Text) -> None:
    text.append_text(line)
    text.append("\n")


def _exploration_words(report: PortfolioReport) -> str:
    """'44%, target 50%: 6 pts under' (the wording, short)."""
    ex = report.exploration
    if ex.share_cost is None:
        return f"nothing planned, target {_pct(ex.target)}"
    points = round((ex.share_cost - ex.target) * 100)
    gap = "on target" if points == 0 else f"{abs(points)} pts {'under' if points < 0 else 'over'}"
    return f"{_pct(ex.share_cost)}, target {_pct(ex.target)}: {gap}"


def _off(points: float | None, limit: float) -> bool:
    return points is not None and abs(points) > limit


def _runway(report: PortfolioReport, layout: Layout, styles: Styles) -> Text:
    budget = report.budget
    line = _line("Runway", layout, styles)
    if budget.total is None:
        line.append("no budget set", styles.dim)
    elif budget.runway_days is None:
        line.append("no recent spending (nothing finished in 14 days)", styles.dim)
    else:
        pace = "" if layout.narrow else " at the last 14 days' pace"
        line.append(f"{budget.runway_days:.0f} days{pace}")
        if budget.runway_date is not None:
            line.append(f" (to {budget.runway_date.isoformat()})")
        if budget.deadline is not None:
            short = budget.runs_out_before_deadline
            line.append(
                f" · deadline {budget.deadline.isoformat()}"
                + (": runs out first" if short else ""),
                styles.warn if short else styles.dim,
            )
    return line


def _activity(share: ActivityShare, layout: Layout, styles: Styles) -> Text:
    label = share.activity.label
    line = _line(SHORT.get(label, label) if layout.narrow else label, layout, styles)
    line.append_text(bar(share.share, layout.bar, styles, band=(share.low, share.high)))
    reference = f"{share.low * 100:.0f}-{share.high * 100:.0f}%"
    if share.status is None:
        line.append(f" nothing planned · range {reference}", styles.dim)
        return line
    words = f" {_pct(share.share)} {share.status.value} {reference}"
    if share.status is not RangeStatus.IN:
        words += f" by {share.points_outside:.0f}" + ("" if layout.narrow else " points")
    line.append(words, styles.warn if share.points_outside > 10 else styles.ok)
    if share.share_count is not None and not layout.narrow:
        line.append(f"; by count {_pct(share.share_count)}", styles.dim)
    return line


class PortfolioFigures(TextView):
    """The figures of one report, scrollable, drawn again when the report or the width
    changes."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {f"portfolio--{name}" for name in STYLE_NAMES}

    report: reactive[PortfolioReport | None] = reactive(None, layout=False)

    def watch_report(self) -> None:
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        width = self.scrollable_content_region.width
        if self.report is None or width <= 0:
            self.show_text(Text(" Counting…", style="dim"))
            return
        styles = Styles.of(
            {name: self.get_component_rich_style(f"portfolio--{name}") for name in STYLE_NAMES}
        )
        scroll = self.scroll_y
        self.show_text(figure_text(self.report, width, styles))
        self.scroll_to(y=scroll, animate=False)
