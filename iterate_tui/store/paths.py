"""Where the project file lives: --db, then $ITERATE_TUI_DB, then the user data folder.

The default location is computed when asked for, never at import time.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "ITERATE_TUI_DB"


def default_db_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("iterate-tui", appauthor=False) / "project.json"


def resolve_db_path(cli_value: str | None) -> Path:
    if cli_value:
        return Path(cli_value).expanduser().absolute()
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser().absolute()
    return default_db_path()
