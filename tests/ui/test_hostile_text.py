"""User text is data in every field of every form and dialog: markup, ANSI escapes and
control characters typed anywhere never crash the app, never restyle it, and what is saved
is what was typed (control characters removed); a refused value is named in the form,
printed as typed.

Each form is opened the way a person opens it; then, field by field, the field gets the
hostile text (typed key by key, the escape sequence pasted) and ctrl+s is pressed. The
project's own names (metric, budget unit, project name) are hostile too, since labels and
headings repeat them.
"""

from __future__ import annotations

import dataclasses

import pytest
from textual.widgets import Input, Static

from iterate_tui.screens.modal import Dialog
from iterate_tui.session import ProjectSession
from iterate_tui.store.repository import Repository

from .conftest import fixed_clock

#: Typed key by key (the keys that broke the forms), then pasted (a paste, as an escape key
#: would close the form).
TYPED = "[/]"
PASTED = " [bold]x[/bold] [link=http://x]y \x1b[31mred\x1b[0m \u202eevil"
#: What is left once control and bidi characters are dropped.
KEPT = "[/] [bold]x[/bold] [link=http://x]y [31mred[0m evil"

#: Every form and dialog with fields: the screen key, then the key that opens it.
FORMS = {
    "backlog: new": ("1", "n"),
    "backlog: edit": ("1", "e"),
    "backlog: finish": ("1", "f"),
    "backlog: skip": ("1", "x"),
    "inbox: new": ("2", "n"),
    "inbox: edit": ("2", "e"),
    "inbox: skip": ("2", "x"),
    "matrix: edit": ("3", "e"),
}
#: Fields that take any text: what is saved must be exactly what was typed.
FREE_TEXT = {"title", "hypothesis", "matters", "learned", "reason"}
#: What the other fields need for the form to save (a success needs a metric value).
NEEDED = {"values": "0.8"}


@pytest.fixture
def hostile_project(seeded: Repository) -> Repository:
    session = ProjectSession(seeded, fixed_clock)
    settings = dataclasses.replace(
        session.settings, name="[/] project", metric_name="[bold]F1[/", budget_unit="[/]h"
    )
    session.update_settings(settings)
    return seeded


def shown_text(dialog: Dialog[object]) -> str:
    return " ".join(str(static.render()) for static in dialog.query(Static))


async def open_form(pilot, app, screen_key: str, open_key: str) -> Dialog[object]:  # type: ignore[no-untyped-def]
    await pilot.press(screen_key, open_key)
    form = app.screen
    assert isinstance(form, Dialog), f"{open_key} opened no form on {screen_key}"
    return form


async def type_into(pilot, form: Dialog[object], field: Input, keys: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Put the hostile text in ``field``: its start typed key by key (``keys``) or all of
    it pasted (the same path: the box's value changes, then the form checks it)."""
    form.set_focus(field)
    field.value = ""
    if keys:
        await pilot.press(*TYPED)
    else:
        field.insert_text_at_cursor(TYPED)
    field.insert_text_at_cursor(PASTED)


@pytest.mark.parametrize("form_name", FORMS)
async def test_hostile_text_in_every_field(
    form_name: str, hostile_project: Repository, make_app
) -> None:
    """Twice per form: the hostile text in every field at once (refused: each field that
    refuses it says why, printing it as typed), then in every free-text field (saved as
    typed)."""
    screen_key, open_key = FORMS[form_name]
    app = make_app(hostile_project)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot, app, screen_key, open_key)
        fields = list(form.query(Input))
        assert fields, form_name
        for number, field in enumerate(fields):
            await type_into(pilot, form, field, keys=number < 2)
        await pilot.pause()
        problems = str(form.query_one("#form-problems", Static).render())
        assert "\x1b" not in problems and "\u202e" not in problems
        await pilot.press("ctrl+s")
        assert app.screen is form, f"{form_name}: saved with every field hostile"
        refused = [f.id for f in fields if f.has_class("-invalid")]
        assert refused and set(refused).isdisjoint(FREE_TEXT), refused
        assert "'[/]" in problems  # the typed text, named as typed
        assert form.focused is not None and form.focused.id == refused[0]
        await pilot.press("escape")

        form = await open_form(pilot, app, screen_key, open_key)
        free = [f for f in form.query(Input) if f.id in FREE_TEXT]
        for number, field in enumerate(free):
            await type_into(pilot, form, field, keys=number == 0)
        for field in form.query(Input):
            if field.id in NEEDED:
                field.value = NEEDED[field.id]
        await pilot.press("ctrl+s")
        assert app.screen is not form, str(form.query_one("#form-problems", Static).render())
        saved = _saved_texts(hostile_project)
        for field in free:
            assert saved.count(KEPT) >= 1, f"{form_name} {field.id}: not saved as typed"
        assert app.is_running


def _saved_texts(repo: Repository) -> list[str]:
    repo.refresh_if_changed()
    return [
        text
        for exp in repo.experiments()
        for text in (exp.title, exp.hypothesis, exp.matters, exp.learned, exp.skip_reason)
    ]


async def test_the_project_names_in_labels_and_the_header_are_shown_as_typed(
    hostile_project: Repository, make_app
) -> None:
    app = make_app(hostile_project)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        header = str(app.screen.query_one("ModeBar").render())
        assert "[/] project" in header and "[bold]F1[/" in header
        form = await open_form(pilot, app, "1", "f")
        labels = shown_text(form)
        assert "[bold]F1[/" in labels and "Spent ([/]h)" in labels
        await pilot.press("escape", "x")
        await pilot.pause()
        assert "Spent ([/]h)" in shown_text(app.screen)  # type: ignore[arg-type]
