"""User text is data: markup, ANSI escapes and bidi controls in a title are shown as typed
(control characters removed) and never restyle or break the screen."""

from __future__ import annotations

import pytest
from rich.console import Console

from iterate_tui.domain.enums import Status
from iterate_tui.screens.triage import idea_card
from iterate_tui.session import ProjectSession
from iterate_tui.store.repository import Repository
from iterate_tui.widgets.detail import describe
from iterate_tui.widgets.experiment_table import ExperimentTable

from .conftest import fixed_clock

TITLES = {
    "[/] closes nothing": "[/] closes nothing",
    "[bold red]x[/] looks red": "[bold red]x[/] looks red",
    "\x1b[31mred escape\x1b[0m": "[31mred escape[0m",
    "rtl \u202eevil\u202c override": "rtl evil override",
    "[link=http://x]click[/link]": "[link=http://x]click[/link]",
}


def plain(strip) -> str:  # type: ignore[no-untyped-def]
    return "".join(segment.text for segment in strip)


@pytest.fixture
def tricky(repo: Repository) -> Repository:
    session = ProjectSession(repo, fixed_clock)
    for n, title in enumerate(TITLES):
        exp = session.add(
            {
                "title": title,
                "hypothesis": f"[bold]{title}",
                "matters": "yes, [i]really[/i]",
                "impact": "3",
                "probability": f"{50 + n}%",
            }
        )
        session.triage(exp.id, __import__("iterate_tui").domain.enums.Quadrant.QUICK_WIN)
    return repo


async def test_table_rows_show_titles_as_typed_with_one_style(tricky: Repository, make_app):
    app = make_app(tricky)
    async with app.run_test(size=(160, 30)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(ExperimentTable)
        shown = {}
        for y in range(1, len(table.rows) + 1):
            segments = list(table.render_line(y))
            exp = table.rows[y - 1]
            shown[exp.title] = plain(segments)
            # drawn in one piece with the rank, in the row's own style (the row's cells of one
            # style are one segment): nothing turned bold, red or a link
            first = segments[0]
            assert first.text.lstrip().startswith(str(table.rank_of(exp)))
            assert exp.title in first.text
            assert first.style is not None and not first.style.link
        for typed, expected in TITLES.items():
            matching = [t for t in shown.values() if expected in t]
            assert matching, f"{typed!r} not shown as {expected!r}"
        assert all("\x1b" not in t and "\u202e" not in t for t in shown.values())


def test_detail_and_card_keep_markup_literal(tricky: Repository) -> None:
    console = Console(width=200, color_system=None, record=True)
    settings = tricky.settings()
    for exp in tricky.experiments():
        for text in (describe(exp, settings, 1), idea_card(exp, settings)):
            assert not text.spans or all(
                str(span.style) in {"bold", "dim", "dim italic", "italic", ""}
                for span in text.spans
            ), text.spans
            console.print(text)
    out = console.export_text()
    for expected in TITLES.values():
        assert expected in out
    assert "[i]really[/i]" in out
    assert "\x1b" not in out and "\u202e" not in out


async def test_a_markup_title_survives_triage_and_the_matrix(tricky: Repository, make_app):
    app = make_app(tricky)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3", "s", "1")
        await pilot.pause()
        assert all(e.status is Status.BACKLOG for e in tricky.experiments())
        svg = app.export_screenshot()
        assert "closes&#160;nothing" in svg or "closes nothing" in svg
