"""Keys typed ahead go where the focus is when they are handled, not where it was.

Textual sends each key to the widget focused when the key is read, and acts on the
screen's keys (bindings) only once the key has come back up to the app. Keys that arrive
together (a fast typist, or several keys in one packet over SSH) are all sent before the
first of them has acted; if the first moves the focus (``/`` opens the filter box, enter
closes it, a move in the matrix follows the experiment to its quadrant), the rest used to
act as if it had not: ``/rest`` started the selected experiment (``r``) and opened the
edit form (``e``) instead of filtering by "rest".

The app keeps a ``TypeAhead``: it notes where each key read from the terminal was sent;
when the key comes back to the app and the focus has moved since, the key is handed to
the focused widget instead, as if it had been read now (the filter box does the same for
a key that reaches it after it gave the focus away).
"""

from __future__ import annotations

import weakref
from typing import Any

from textual import events
from textual.app import App
from textual.dom import DOMNode


class TypeAhead:
    def __init__(self) -> None:
        #: Each key and the widget (or screen) it was sent to.
        self._sent_to: weakref.WeakKeyDictionary[events.Key, DOMNode] = weakref.WeakKeyDictionary()

    def read(self, app: App[Any], event: events.Event) -> None:
        """Called as the app reads an event from the terminal, before Textual sends it."""
        if isinstance(event, events.Key) and not event.is_forwarded:
            self._sent_to[event] = app.focused or app.screen

    def came_back(self, app: App[Any], event: events.Key) -> bool:
        """Called as a key comes back to the app, before its bindings: True if it was
        handed on to the widget focused now (then nothing else may act on it)."""
        sent_to = self._sent_to.pop(event, None)
        if sent_to is None or sent_to is (app.focused or app.screen):
            return False
        self.hand_on(app, event)
        return True

    def hand_on(self, app: App[Any], event: events.Key) -> None:
        """Take ``event`` away and send the same key to the focused widget (or to the
        screen shown, if none has the focus)."""
        event.stop()
        event.prevent_default()
        target = app.focused or app.screen
        key = events.Key(event.key, event.character)
        self._sent_to[key] = target
        # Handed over the way Textual hands a key read from the terminal to the focused
        # widget (a private method, pinned with Textual's minor version; the tests in
        # tests/ui/test_type_ahead.py fail if it changes): it reaches the widget ahead of
        # any key read after it, and comes back to the app's bindings like any other key.
        target._forward_event(key)
