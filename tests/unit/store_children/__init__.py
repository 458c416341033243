"""Child processes for the store tests, and the helpers that start them.

Each child is a module run with ``python -m tests.unit.store_children.<name>`` from the
repository root, so that it is a real, separate process with its own lock file descriptor
that the tests can kill with SIGKILL.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def spawn(module: str, *args: str, stdin: bool = False) -> subprocess.Popen[bytes]:
    """Start ``store_children.<module>`` with its stdout as a pipe (unbuffered, binary)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONDONTWRITEBYTECODE="1")
    return subprocess.Popen(
        [sys.executable, "-m", f"tests.unit.store_children.{module}", *args],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def emit(line: str) -> None:
    """Write one line to stdout with a single write(2): a pipe write this short is atomic,
    so a SIGKILL can never leave half a line behind."""
    data = (line + "\n").encode()
    assert len(data) < 4096
    os.write(1, data)
