"""The bundled demo project, and a private copy of it to play with.

The demo lives in ``data/demo.json`` at the top of the repository (made by
``data/make_demo.py``). A wheel ships it as ``iterate_tui/_data/demo.json`` (see the
``force-include`` in pyproject.toml); an editable install or a source checkout reads the
repository's file. The shipped file is never opened for writing: ``demo_copy`` puts a copy
in a fresh private temporary folder and the app works on that; ``discard_copy`` removes
the folder when the command or the app ends (cli.main), whatever way it ends. A process
killed outright cannot clean up: its folder carries its process id, and the next
``demo_copy`` removes the folders of processes that are gone.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

DEMO_NAME = "demo.json"
TEMP_PREFIX = "iterate-tui-demo-"
FOLDER_MODE = 0o700
FILE_MODE = 0o600


def _packaged() -> Traversable | None:
    """The demo inside the installed package (wheels only), if there is one."""
    try:
        resource = resources.files(__package__ or "iterate_tui") / "_data" / DEMO_NAME
    except (ModuleNotFoundError, TypeError):  # pragma: no cover - unusual importers
        return None
    return resource if resource.is_file() else None


def _checkout() -> Path:
    """``<repository>/data/demo.json``, for an editable install or a source checkout."""
    return Path(__file__).resolve().parent.parent / "data" / DEMO_NAME


def demo_source() -> Path:
    """Where the shipped demo project is; raises FileNotFoundError if it is missing."""
    packaged = _packaged()
    if isinstance(packaged, Path):
        return packaged
    if packaged is not None:  # pragma: no cover - zipped install: not a real file
        raise FileNotFoundError(
            "the demo project is inside a zipped install; use demo_copy() to get a file"
        )
    checkout = _checkout()
    if checkout.is_file():
        return checkout
    raise FileNotFoundError(
        f"the demo project is missing (looked in the package's _data folder and {checkout})"
    )


def _demo_bytes() -> bytes:
    packaged = _packaged()
    if packaged is not None:
        return packaged.read_bytes()
    return demo_source().read_bytes()


def demo_copy() -> Path:
    """Copy the demo into a new private temporary folder; returns the copy's path.

    The folder is ``iterate-tui-demo-<pid>-*`` (mode 0700) and the file is 0600, like any
    project the app creates. ``discard_copy`` removes it.
    """
    payload = _demo_bytes()
    _sweep_orphans()
    folder = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-"))
    os.chmod(folder, FOLDER_MODE)
    target = folder / DEMO_NAME
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        try:
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        os.chmod(target, FILE_MODE)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return target


def discard_copy(copy: Path) -> None:
    """Remove a copy made by ``demo_copy``, with its folder (lock, backups and all).

    Only a folder that ``demo_copy`` makes is removed: a temporary folder named
    ``iterate-tui-demo-*`` holding ``demo.json``, so a wrong path can never delete the
    user's files.
    """
    folder = copy.parent
    if copy.name != DEMO_NAME or not _is_demo_folder(folder):
        raise ValueError(f"{copy} is not a copy of the demo project")
    shutil.rmtree(folder, ignore_errors=True)


def _is_demo_folder(folder: Path) -> bool:
    return folder.name.startswith(TEMP_PREFIX) and folder.parent == Path(tempfile.gettempdir())


def _sweep_orphans() -> None:
    """Remove the demo folders of this user's processes that ended without cleaning up
    (killed, or a dropped SSH session): their process id no longer runs."""
    try:
        entries = list(Path(tempfile.gettempdir()).glob(f"{TEMP_PREFIX}*-*"))
    except OSError:
        return
    for folder in entries:
        pid = folder.name.removeprefix(TEMP_PREFIX).split("-", 1)[0]
        if not pid.isdigit() or _running(int(pid)):
            continue
        try:
            if folder.is_dir() and folder.stat().st_uid == os.getuid():
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it runs
        return True
    except OverflowError:
        return False
    return True
