"""``iterate-tui`` and ``python -m iterate_tui``: the command line and the app."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Run one command (or the app) and return the exit status."""
    from .cli.main import run

    return run(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    sys.exit(main())
