"""Stand-in for ``python -m iterate_tui --db PATH`` while ``iterate_tui/__main__.py`` is missing.

Does what the real command does to start the app on an existing project: open the store,
wrap it in a Repository, run ``IterateApp``. ``bench/run.py`` switches to the real command
by itself as soon as ``python -m iterate_tui --help`` works.

    .venv/bin/python bench/launch_app.py --db PATH [--what-if-gc]

``--what-if-gc`` is not what the app does: it measures a suggested fix (no cyclic garbage
collection while the project is read, then ``gc.freeze()`` so the loaded experiments are
never scanned again).
"""

from __future__ import annotations

import sys
from pathlib import Path

_REPO = Path(__file__).resolve().parents[1]
if str(_REPO) not in sys.path:
    sys.path.insert(0, str(_REPO))


def main(argv: list[str]) -> int:
    what_if_gc = "--what-if-gc" in argv
    argv = [a for a in argv if a != "--what-if-gc"]
    if len(argv) != 3 or argv[1] != "--db":
        print(__doc__)
        return 2
    if what_if_gc:
        import gc

        gc.disable()
    from iterate_tui.app import IterateApp
    from iterate_tui.store.project import ProjectStore
    from iterate_tui.store.repository import Repository

    store = ProjectStore.open(Path(argv[2]))
    try:
        repository = Repository(store)
        if what_if_gc:
            repository.experiments()  # read the project now, then stop scanning it
            gc.freeze()
            gc.enable()
        IterateApp(repository, notice=store.read_only_reason).run()
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
