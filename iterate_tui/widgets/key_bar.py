"""The bottom line: the keys that apply here, drawn as one line of text.

Textual's Footer builds a widget per key and rebuilds them whenever the bindings change; at
start-up that cost ~100 ms here (measured), a third of the app's own start-up. This bar
reads the same active bindings (so it shows exactly the keys that work, grouped the same
way) and renders them as a single ``Text``. Keys that do not fit are dropped from the end,
and `?` (help) always stays.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.screen import Screen
from textual.widget import Widget

from ..commands import key_span


class KeyBar(Widget):
    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-bar--key", "key-bar--description"}

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-description-foreground;
    }
    KeyBar > .key-bar--key {
        color: $footer-key-foreground;
        text-style: bold;
    }
    KeyBar > .key-bar--description {
        color: $footer-description-foreground;
    }
    """

    #: The entries the last render drew.
    _shown: list[tuple[str, str]] | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        # Signalled on every focus change and binding refresh (twice at start-up, after
        # the first frame): the keys shown rarely change, and a redraw costs a frame.
        if self.is_attached and screen is self.screen and self.entries() != self._shown:
            self.refresh()

    #: Actions not offered (those that change the project, while it is read-only).
    hidden: frozenset[str] = frozenset()

    def entries(self) -> list[tuple[str, str]]:
        """(keys, description) for every binding shown, in order; groups share one entry
        ("0-4 screens")."""
        entries: list[tuple[str, str]] = []
        seen_actions: set[str] = set()
        grouped: dict[str, tuple[int, list[str]]] = {}
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.show or binding.action in seen_actions or not active.enabled:
                continue
            if binding.action in self.hidden:
                continue
            seen_actions.add(binding.action)
            key = self.app.get_key_display(binding)
            group = binding.group
            if group is None:
                entries.append((key, binding.description))
                continue
            index, keys = grouped.setdefault(group.description, (len(entries), []))
            keys.append(key)
            shown = key_span(keys) if all(k.isdigit() for k in keys) else "/".join(keys)
            if index == len(entries):
                entries.append((shown, group.description))
            else:
                entries[index] = (shown, group.description)
        return entries

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-bar--key")
        text_style = self.get_component_rich_style("key-bar--description")
        width = self.size.width
        entries = self._shown = self.entries()
        palette = ("^p", "palette") if self.app.ENABLE_COMMAND_PALETTE else None
        parts = [*entries, palette] if palette and width >= 100 else entries
        chosen: list[tuple[str, str]] = []
        used = 0
        help_entry = next((e for e in parts if e[0] == "?"), None)
        reserve = len(help_entry[0]) + len(help_entry[1]) + 3 if help_entry else 0
        for entry in parts:
            if entry is help_entry:
                continue
            size = len(entry[0]) + len(entry[1]) + 3
            if used + size + reserve > width:
                break
            chosen.append(entry)
            used += size
        if help_entry is not None:
            chosen.append(help_entry)
        line = Text(no_wrap=True, overflow="crop")
        for keys, description in chosen:
            line.append(f" {keys}", style=key_style)
            line.append(f" {description} ", style=text_style)
        return line
