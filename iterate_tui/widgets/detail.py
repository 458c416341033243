"""The selected experiment in full: what it tests, why it matters, why it ranks where it does.

Everything a person typed is added to Rich ``Text`` as plain strings (never parsed as markup)
after ``safe_for_display``, so a title like ``[/] baseline`` prints exactly as typed.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..domain.enums import IMPACT_LABELS, INFO_LABELS, TIER_LABELS, Status
from ..domain.experiment import Experiment, Verdict
from ..domain.matrix import is_explore, quadrant, strategy
from ..domain.scoring import breakdown
from ..domain.settings import ProjectSettings
from ..domain.text import safe_for_display
from ..domain.wording import amount, mean_sd, plural

LABEL = "bold"
MUTED = "dim"


def _plain(value: str) -> str:
    return safe_for_display(value)


def _multiline(value: str) -> Text:
    return Text("\n").join(Text(safe_for_display(line)) for line in value.splitlines())


def _estimate(value: float | int | None, field: str) -> str:
    if value is None:
        return "—"
    if field == "probability":
        return f"{float(value):.0%}"
    return f"{value:g}"


def describe(exp: Experiment, settings: ProjectSettings, rank: int | None = None) -> Text:
    """The detail text of one experiment."""
    q = quadrant(exp, settings)
    unit = settings.budget_unit
    text = Text()
    text.append(f"#{exp.id} ", style=MUTED)
    text.append(_plain(exp.title), style="bold")
    text.append("\n")
    facts = [
        q.label if q else "not estimated",
        exp.status.label,
        f"tier {exp.tier} {TIER_LABELS[exp.tier]}",
        "explore" if is_explore(exp, settings) else "exploit",
        exp.activity.label,
    ]
    text.append(" · ".join(facts), style=MUTED)
    if q is not None and exp.is_open:
        text.append(f"  ({strategy(q, settings)})", style=MUTED)
    text.append("\n")
    if exp.tags:
        text.append("tags ", style=LABEL)
        text.append(", ".join(_plain(t) for t in exp.tags))
        text.append("\n")
    if exp.run_url or exp.commit:
        _append_provenance(text, exp)

    text.append("Hypothesis ", style=LABEL)
    text.append_text(_multiline(exp.hypothesis) if exp.hypothesis else Text("—", style=MUTED))
    text.append("\n")
    text.append("Does it matter? ", style=LABEL)
    if exp.matters:
        text.append(_plain(exp.matters))
        if exp.verdict is Verdict.UNSURE:
            text.append("  (unsure)", style=MUTED)
    else:
        text.append("not answered", style=MUTED)
    text.append("\n")

    text.append("Estimates ", style=LABEL)
    impact = f"impact {exp.impact} {IMPACT_LABELS[exp.impact]}" if exp.impact else "impact —"
    probability = _estimate(exp.probability, "probability")
    text.append(
        f"{impact} · probability {probability} · cost {_plain(amount(exp.cost, unit))}"
        f" · information {exp.info_value} {INFO_LABELS[exp.info_value]}\n"
    )

    parts = breakdown(exp, settings)
    if parts is None:
        text.append("Score ", style=LABEL)
        text.append("— give impact and probability (triage it) to rank it\n", style=MUTED)
    else:
        heading = f"Why ranked #{rank}" if rank is not None else "Score"
        text.append(f"{heading}\n", style=LABEL)
        for line in parts.lines(settings.budget_unit):
            text.append(f"  {line}\n")

    if exp.started_impact is not None and exp.started_probability is not None:
        text.append("Frozen at start ", style=LABEL)
        text.append(f"impact {exp.started_impact} · probability {exp.started_probability:.0%}\n")
    if exp.status is Status.DONE:
        text.append("Result ", style=LABEL)
        text.append(exp.outcome.label if exp.outcome else "—")
        if exp.values:
            values = ", ".join(f"{v:g}" for v in exp.values)
            text.append(f" · {_plain(settings.metric_name)} {values}")
            if len(exp.values) > 1:
                text.append(f" (mean {mean_sd(exp.values)}, {plural(len(exp.values), 'seed')})")
        if exp.actual_cost is not None:
            text.append(f" · spent {_plain(amount(exp.actual_cost, unit))}")
        text.append("\n")
        if exp.learned:
            text.append("Learned ", style=LABEL)
            text.append_text(_multiline(exp.learned))
            text.append("\n")
    if exp.status is Status.SKIPPED:
        text.append("Skipped ", style=LABEL)
        text.append(_plain(exp.skip_reason) or "—")
        text.append("\n")

    if exp.history:
        text.append("Estimate history\n", style=LABEL)
        for change in reversed(exp.history[-8:]):
            old = _estimate(change.old, change.field)
            new = _estimate(change.new, change.field)
            text.append(f"  {change.at:%Y-%m-%d %H:%M} {change.field} {old} → {new}", style=MUTED)
            if change.reason:
                text.append(f"  ({_plain(change.reason)})", style=MUTED)
            text.append("\n")
        if len(exp.history) > 8:
            text.append(f"  … {plural(len(exp.history) - 8, 'earlier change')}\n", style=MUTED)
    text.rstrip()
    return text


def _append_provenance(text: Text, exp: Experiment) -> None:
    """Where the result came from: the training run's page and the code's commit."""
    if exp.run_url:
        text.append("Run ", style=LABEL)
        text.append(_plain(exp.run_url))
        if exp.commit:
            text.append(f" · commit {_plain(exp.commit)}")
    else:
        text.append("Commit ", style=LABEL)
        text.append(_plain(exp.commit))
    text.append("\n")


class TextView(ScrollView, can_focus=True):
    """Rich ``Text`` wrapped to the width and drawn a line at a time (Textual's Line API).

    Showing another text re-wraps only this text: a ``Static`` in a scrolling container is
    measured and laid out again by Textual's general machinery, which was most of the
    detail pane's share of a backlog keypress.
    """

    ALLOW_MAXIMIZE = True

    def __init__(self, text: Text | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        # The text is wrapped to the width: never a horizontal scrollbar, not even for the
        # moment between a vertical one appearing and the text being wrapped narrower (that
        # cost a layout and a repaint at start-up). Set here rather than in DEFAULT_CSS: a
        # new CSS source makes Textual parse every stylesheet again (~5 ms at start-up).
        self.styles.overflow_x = "hidden"
        self._text = text if text is not None else Text("")
        self._lines: list[Strip] = []
        self._wrapped: tuple[int, Style] | None = None
        #: The wrapped lines of the text shown, by (width, style, paragraph).
        self._cache: dict[tuple[object, ...], list[Strip]] = {}
        #: The style, read again only after Textual re-applied the styles (reading it walks
        #: every ancestor; render_line asks once per line).
        self._style: Style | None = None

    @property
    def plain(self) -> str:
        """The text shown, without styles."""
        return self._text.plain

    def show_text(self, text: Text) -> None:
        self._text = text
        self._wrapped = None
        self._wrap()
        self.scroll_home(animate=False)
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._style = None

    def _wrap(self) -> None:
        """Wrap the text to the width (again only when the width or the style changed)."""
        width = self.scrollable_content_region.width
        if self._style is None:
            self._style = self.rich_style
        base = self._style
        if self._wrapped == (width, base):
            return
        self._wrapped = (width, base)
        if width <= 0:
            self._lines = []
        else:
            self._lines = self._wrap_paragraphs(width, base)
        self.virtual_size = Size(max(width, 0), len(self._lines))

    def _wrap_paragraphs(self, width: int, base: Style) -> list[Strip]:
        """Wrap each line of the text on its own, reusing what the last texts wrapped.

        Rich wraps a text line by line, so the result is the same as wrapping it whole;
        but showing the experiment again after a triage changes only a few of its lines
        (the quadrant, the estimates, the score): the hypothesis and the rest come from
        the cache (measured at 10,000: showing the detail took 1.7 ms instead of 2.3-2.8).
        """
        console = self.app.console
        options = console.options.update_width(width)
        cache = self._cache
        fresh: dict[tuple[object, ...], list[Strip]] = {}
        lines: list[Strip] = []
        for paragraph in self._text.split("\n", allow_blank=True):
            key = (width, base, paragraph.plain, tuple(paragraph.spans), paragraph.style)
            strips = cache.get(key)
            if strips is None:
                strips = _fitted(paragraph, console, width, base) or [
                    Strip(Segment.apply_style(line, base), width)
                    for line in console.render_lines(paragraph, options, style=base, pad=True)
                ]
            fresh[key] = strips
            lines.extend(strips)
        self._cache = fresh  # only the lines of the text shown: the cache never grows
        return lines

    def on_resize(self) -> None:
        self._wrap()

    def render_line(self, y: int) -> Strip:
        self._wrap()
        index = y + round(self.scroll_y)
        width = self.scrollable_content_region.width
        if 0 <= index < len(self._lines):
            return self._lines[index]
        return Strip.blank(width, self._style)


def _fitted(paragraph: Text, console: Console, width: int, base: Style) -> list[Strip] | None:
    """A line that fits as it is, drawn without Rich's wrapping machinery (most lines of
    the detail are short; the result is the same); None if it must be wrapped."""
    plain = paragraph.plain
    used = cell_len(plain)
    if used > width or "\t" in plain or paragraph.style:  # a whole-line style: Rich's way
        return None
    segments = list(Segment.apply_style(paragraph.render(console, end=""), base))
    if used < width:
        segments.append(Segment(" " * (width - used), base))
    return [Strip(segments, width)]


class DetailPane(TextView):
    """A scrollable view of one experiment (z zooms it to the whole screen)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(_nothing_selected(), id=id)

    def show(self, exp: Experiment | None, settings: ProjectSettings, rank: int | None) -> None:
        self.show_text(_nothing_selected() if exp is None else describe(exp, settings, rank))


def _nothing_selected() -> Text:
    return Text("No experiment selected.", style=MUTED)
