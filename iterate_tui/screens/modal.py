"""The base of every pop-up (forms, dialogs, help), with the rules they share."""

from __future__ import annotations

from typing import ClassVar

from textual.screen import ModalScreen, ScreenResultType


class Dialog(ModalScreen[ScreenResultType]):
    """A pop-up. Its rules load with the first pop-up shown, not at start-up."""

    SCOPED_CSS: ClassVar[bool] = False
    DEFAULT_CSS = """
    Dialog {
        align: center middle;
    }
    #form {
        width: 84;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    #form.-narrow {
        width: 64;
    }
    #form-title {
        height: auto;
        margin: 0 0 1 0;
    }
    #form-grid {
        grid-size: 2;
        grid-columns: 18 1fr;
        grid-rows: 1;
        grid-gutter: 0 1;
        height: auto;
    }
    #form-grid Label {
        color: $text-muted;
    }
    #matters-hint {
        color: $text-muted;
    }
    #form-problems {
        height: auto;
        min-height: 1;
        color: $text-error;
        margin: 1 0 0 0;
    }
    #form-buttons {
        height: 1;
        align-horizontal: right;
    }
    #form-buttons Button {
        margin: 0 0 0 2;
    }
    #sort-options {
        height: auto;
        max-height: 14;
    }

    #help {
        width: 90;
        max-width: 100%;
        height: 90%;
        /* The scrollbar's room is kept from the start: the text is measured at the width
           it is drawn at, so the last lines are not cut off when the scrollbar appears. */
        scrollbar-gutter: stable;
        scrollbar-size-vertical: 1;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    .help-section {
        margin: 1 0 0 0;
    }
    """
