"""Takes the project lock, starts a change, says so, and waits to be killed inside it."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from iterate_tui.store.project import ProjectStore

from . import emit


def main(path: Path) -> None:
    store = ProjectStore.open(path)
    with store.change() as db:
        db.table("experiments").insert({"title": "never committed"})
        emit("locked")
        time.sleep(600)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
