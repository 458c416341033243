"""A text box whose keys act in the order they were typed, even when several come at once.

Textual's ``Input`` puts a typed character in at once, as it reaches the box, but acts on
its editing keys (backspace, arrows, ctrl+w ...) and on tab only when the key has come back
up to the app's bindings. Keys read together (a fast typist, or keys that piled up while
the app was busy, or one SSH packet) were therefore applied out of order: ``abc``,
backspace, ``d`` gave ``abc`` instead of ``abd``, and what was typed after tab stayed in
the field before it. Here those keys act as they reach the box, in order, and a key that
reaches the box after the focus moved on goes to the focused widget (see
``widgets.follow_focus``).
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.widgets import Input

from .follow_focus import TypeAhead


def _editing_actions() -> dict[str, str]:
    actions: dict[str, str] = {}
    for entry in Input.BINDINGS:
        binding = entry if isinstance(entry, Binding) else Binding(*entry)
        for key in binding.key.split(","):
            actions[key.strip()] = binding.action
    return actions


#: Input's own keys and what they do ("backspace" -> "delete_left", ...).
EDITING_ACTIONS = _editing_actions()


class TypedInput(Input):
    async def on_key(self, event: events.Key) -> None:
        app = self.app
        if app.focused is not self:
            type_ahead = getattr(app, "type_ahead", None)
            if isinstance(type_ahead, TypeAhead):
                type_ahead.hand_on(app, event)
            return
        if event.key in ("tab", "shift+tab"):
            event.stop()
            event.prevent_default()
            if event.key == "tab":
                self.screen.focus_next()
            else:
                self.screen.focus_previous()
            return
        action = EDITING_ACTIONS.get(event.key)
        if action is not None:
            event.stop()
            event.prevent_default()
            await self.run_action(action)
