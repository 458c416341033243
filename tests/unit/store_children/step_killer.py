"""Two saves through the spare file; the second is killed with SIGKILL at a chosen step.

The first save (acknowledged with ``A``) leaves a spare behind; the second (announced with
``P``) kills this process right after the step named by the second argument. Arguments:
project path, step (see ``STEPS``).
"""

from __future__ import annotations

import dataclasses
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from iterate_tui.domain.experiment import Experiment
from iterate_tui.store import atomic
from iterate_tui.store.lock import ProjectLock
from iterate_tui.store.project import ProjectStore
from iterate_tui.store.repository import Repository

from . import emit

STEPS = (
    "bump",
    "half-written",
    "written",
    "datasync",
    "link",
    "replace-project",
    "replace-spare",
    "fsync-folder",
)


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def after(real: Callable[..., Any], when: Callable[..., bool] = lambda *a: True) -> Any:
    def call(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        if when(*args):
            die()
        return result

    return call


def arm(step: str, path: Path) -> None:
    """Make the next save die right after ``step``."""
    if step == "bump":
        ProjectLock.bump = after(ProjectLock.bump)  # type: ignore[method-assign]
    elif step == "half-written":
        real_pwrite = os.pwrite

        def pwrite(fd: int, data: Any, offset: int) -> int:
            real_pwrite(fd, data[: len(data) // 2], offset)
            die()
            return 0

        os.pwrite = pwrite
        os.pwritev = lambda fd, buffers, offset: pwrite(fd, b"".join(buffers), offset)
    elif step == "written":
        os.ftruncate = after(os.ftruncate)
    elif step == "datasync":
        atomic._datasync = after(atomic._datasync)
    elif step == "link":
        os.link = after(os.link)
    elif step == "replace-project":
        os.replace = after(os.replace, lambda src, dst: Path(dst) == path)
    elif step == "replace-spare":
        os.replace = after(os.replace, lambda src, dst: Path(dst) == atomic.spare_path(path))
    else:
        assert step == "fsync-folder", step
        atomic.fsync_folder = after(atomic.fsync_folder)


def main(path: Path, step: str) -> None:
    atomic.SPARE_COOL = 0
    repo = Repository(ProjectStore.open(path))
    exp = repo.add(Experiment("first", hypothesis="x" * 5000))
    emit("A")
    arm(step, path)
    emit("P")
    repo.save(dataclasses.replace(exp, title="second"))
    emit("survived")


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2])
