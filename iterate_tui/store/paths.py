"""Where the project file lives: --db, then $ITERATE_TUI_DB, then the user data folder.

The default location is computed when asked for, never at import time.

``project_file`` says what a path names before anything is created, changed or locked:
a symbolic link is followed to the file it points to (the store then works beside the
real file, as editors and git do, and the link stays a link); a folder, a device, a
dangling link or a path through a file is refused, naming it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import ProjectPathError

ENV_VAR = "ITERATE_TUI_DB"

#: Links followed at most before a chain of symbolic links is taken for a loop (Linux's
#: own limit is 40).
MAX_LINKS = 40


def default_db_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("iterate-tui", appauthor=False) / "project.json"


def resolve_db_path(cli_value: str | None) -> Path:
    """The project file to use, its symbolic links followed (see ``project_file``)."""
    if cli_value:
        chosen = Path(cli_value).expanduser().absolute()
    elif env := os.environ.get(ENV_VAR):
        chosen = Path(env).expanduser().absolute()
    else:
        chosen = default_db_path()
    return project_file(chosen)[0]


def project_file(path: Path) -> tuple[Path, bool]:
    """The file ``path`` names, and whether it exists; ProjectPathError if it cannot be a
    project file.

    Only the last part of the path is followed when it is a symbolic link (to its target,
    link after link): the folders on the way are the user's business and stay as typed.
    A link whose target is missing is refused rather than a new project created at the
    target, somewhere the user may not expect.
    """
    current = path
    for _ in range(MAX_LINKS):
        try:
            info = os.lstat(current)
        except (FileNotFoundError, NotADirectoryError):
            if current != path:
                raise ProjectPathError(
                    f"{path} is a symbolic link to {current}, which does not exist; "
                    "fix or remove the link. Nothing was created."
                ) from None
            _check_folder(current.parent, path)
            return current, False
        if stat.S_ISLNK(info.st_mode):
            target = current.parent / os.readlink(current)
            # ".." in a target is taken as the kernel takes it: from the real folder.
            current = Path(os.path.realpath(target.parent)) / target.name
            continue
        if stat.S_ISDIR(info.st_mode):
            raise ProjectPathError(
                f"{current} is a folder, not a project file; give the path of a file "
                f"such as {current / 'project.json'}. Nothing was changed."
            )
        if not stat.S_ISREG(info.st_mode):
            raise ProjectPathError(
                f"{current} is not a regular file (a device, a pipe or a socket), so it "
                "cannot be a project file. Nothing was changed."
            )
        return current, True
    raise ProjectPathError(f"{path}: too many levels of symbolic links (a loop?)")


def _check_folder(folder: Path, path: Path) -> None:
    """Refuse a path whose folder is (or goes through) something other than a folder."""
    for parent in (folder, *folder.parents):
        try:
            info = os.stat(parent)
        except FileNotFoundError:
            continue
        except NotADirectoryError:
            continue  # a file higher up: found when the loop reaches it
        if not stat.S_ISDIR(info.st_mode):
            raise ProjectPathError(
                f"{path} cannot be a project file: {parent} is a file, not a folder"
            )
        return
