"""Parse, find the project file, dispatch, and turn every failure into one clear line.

Exit status: 0 done; 1 bad input, an unknown id, a move the rules refuse, no project at
that path for a command that only reads (nothing is created); 2 bad usage (argparse); 3
the project file cannot be used (unreadable, locked, read-only, not a file, a file system
error such as a full disk); 4 nothing left to do (``next``: the backlog is empty). No
traceback reaches the user unless ``ITERATE_TUI_DEBUG`` is set.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import sys
import threading
from argparse import Namespace
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .parser import PROG, parse

if TYPE_CHECKING:
    from concurrent.futures import Future

    from ..store.prefetch import Prefetch
    from .context import Context

OK, BAD_INPUT, USAGE, STORE, NOTHING_LEFT = 0, 1, 2, 3, 4

#: The session backup starts at the latest this long after the app was opened (seconds),
#: even if the app has not asked for it (see _start_session_backup).
BACKUP_WAIT = 5.0

#: Textual repaints at most this many times a second (its default is 60). A key's repaint
#: waits for the next frame: at most ~8 ms instead of ~17 (the launch's first key: 284
#: against 309 ms, measured). Frames are drawn only when something changed, so an idle app
#: costs nothing more. A TEXTUAL_FPS set by the user wins.
FRAME_RATE = 120

#: command -> (module in this package, function); imported only when used.
COMMANDS: dict[str, tuple[str, str]] = {
    "add": ("experiments", "add"),
    "modify": ("experiments", "modify"),
    "delete": ("experiments", "delete"),
    "list": ("experiments", "list_"),
    "show": ("experiments", "show"),
    "next": ("queue", "next_"),
    "start": ("experiments", "start"),
    "result": ("experiments", "result"),
    "skip": ("experiments", "skip"),
    "triage": ("experiments", "triage"),
    "portfolio": ("portfolio", "portfolio"),
    "promote": ("portfolio", "promote"),
    "undo": ("journal", "undo"),
    "export": ("transfer", "export"),
    "import": ("transfer", "import_"),
    "settings": ("settings", "settings"),
    "backups": ("repair", "backups"),
    "restore": ("repair", "restore"),
    "salvage": ("repair", "salvage"),
}


def _handler(command: str) -> Callable[..., int]:
    module_name, function = COMMANDS[command]
    module = importlib.import_module(f".{module_name}", __package__)
    handler: Callable[..., int] = getattr(module, function)
    return handler


def error(message: str) -> None:
    """``iterate-tui: error: ...``: the first line prefixed, the rest (advice) as is."""
    from ..domain.text import safe_for_display

    first, *rest = str(message).split("\n")
    lines = [f"{PROG}: error: {safe_for_display(first)}"]
    lines += [safe_for_display(line) for line in rest]
    print("\n".join(lines), file=sys.stderr)


def _tolerant_streams() -> None:
    """A title in a script the terminal's encoding cannot show must not crash the output."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")


def run(argv: list[str]) -> int:
    try:
        args = parse(argv)
    except SystemExit as exit_:  # --help, --version, or a usage error (already printed)
        return exit_.code if isinstance(exit_.code, int) else USAGE
    _tolerant_streams()
    if getattr(args, "db", None) and getattr(args, "demo", False):
        error(f"--demo cannot be combined with --db (see '{PROG} --help')")
        return USAGE
    try:
        return _dispatch(args)
    except BrokenPipeError:  # `iterate-tui list | head`: the reader left, that is fine
        _silence_stdout()
        return OK
    except KeyboardInterrupt:
        error("interrupted")
        return 130
    except Exception as exc:  # every failure ends as one line and a status, never a trace
        if os.environ.get("ITERATE_TUI_DEBUG"):
            raise
        code, message = describe(exc)
        error(message)
        return code


def describe(exc: Exception) -> tuple[int, str]:
    """The exit status and message for an exception raised by a command."""
    from ..domain.errors import IterateError
    from ..store.errors import NotFoundError, ProjectMissingError, StoreError

    if isinstance(exc, NotFoundError | ProjectMissingError):  # a wrong id, a wrong path
        return BAD_INPUT, str(exc)
    if isinstance(exc, StoreError):
        return STORE, str(exc)
    if isinstance(exc, IterateError):
        return BAD_INPUT, str(exc)
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return STORE, f"{where}{exc.strerror or exc}"
    return BAD_INPUT, f"unexpected {type(exc).__name__}: {exc} (please report this)"


def _silence_stdout() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass
    finally:
        os.close(devnull)


def _project_path(args: Namespace) -> tuple[Path, bool]:
    """The project file and whether it is a throwaway demo copy."""
    db = getattr(args, "db", None)
    if getattr(args, "demo", False):
        from ..demo import demo_copy

        return demo_copy(), True
    from ..store.paths import resolve_db_path

    return resolve_db_path(db), False


def _dispatch(args: Namespace) -> int:
    from .context import Context

    db, demo = _project_path(args)
    try:
        prefetch = _start_prefetch(db) if args.command is None and not demo else None
        ctx = Context(db, demo, prefetch=prefetch)
        try:
            if args.command is None:
                return open_app(ctx)
            result: int = _handler(args.command)(args, ctx)
            return result
        finally:
            ctx.close()
    finally:
        if demo:  # a fresh copy each run: nothing of it is left behind, even on an error
            from ..demo import discard_copy

            discard_copy(db)


def _start_prefetch(db: Path) -> Prefetch | None:
    """Start reading the project in a second process while the app's imports run (see
    ``store.prefetch``); only for an existing file opened in a terminal."""
    if not interactive() or not db.is_file():
        return None
    from ..domain.enums import OPEN_STATUSES
    from ..domain.ranking import FIRST_ROWS
    from ..store.prefetch import Prefetch

    return Prefetch.start(db, OPEN_STATUSES, FIRST_ROWS)


def configure_textual() -> None:
    """Settings Textual reads once, when it is imported (so: before the app is)."""
    os.environ.setdefault("TEXTUAL_FPS", str(FRAME_RATE))


def interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def open_app(ctx: Context) -> int:
    """Open the app: check the file, take the session backup, then hand over to Textual."""
    from ..store.schema import SCHEMA_VERSION

    if not interactive():
        error(
            "the app needs a terminal (standard input and output are not one); "
            f"for scripts use a command, see '{PROG} --help'"
        )
        return USAGE
    existed = ctx.db.exists()
    # The collector is off since the command started (__main__.main): the app freezes what
    # was loaded and turns it back on after its first frame (app.settle_memory).
    # Textual first: meanwhile the start-up reader (see store.prefetch) reads the project.
    configure_textual()
    from ..app import run as run_app

    # An unreadable file is refused here, before anything is written; the experiments are
    # built after the first frame (a malformed one is reported then, see IterateApp).
    repository = ctx.open(build_all=False, create=True)
    store = repository.store
    # No session backup where nothing can be written (a read-only folder or mount).
    wanted = existed and not ctx.demo and store.writable
    backup, begin_backup = _start_session_backup(ctx) if wanted else (None, None)
    notes = []
    if ctx.demo:
        notes.append(
            f"This is a temporary copy of the demo project ({ctx.db}); it is removed when you quit."
        )
    if store.read_only_reason:
        notes.append(store.read_only_reason)
    elif store.migrated_from is not None:
        notes.append(
            f"{ctx.db.name} was upgraded from schema version {store.migrated_from} to "
            f"{SCHEMA_VERSION}; the old file is in the backups ('{PROG} backups')."
        )
    try:
        problem = run_app(
            repository,
            notice="\n".join(notes) or None,
            session_backup=backup,
            begin_backup=begin_backup,
        )
    finally:
        if backup is not None and begin_backup is not None:
            # Never leave while the copy is being written (the thread is a daemon).
            begin_backup()
            with contextlib.suppress(Exception):
                backup.result(timeout=60)
    if problem is not None:
        raise problem  # reported like any command's: the path, the problem, the way out
    return OK


def _start_session_backup(ctx: Context) -> tuple[Future[Path | None], Callable[[], None]]:
    """Copy the project into backups/ in a thread, once the app has drawn its first frame.

    The thread takes the project lock at once, so no change (from this app or a script)
    can be written before the copy of the session's starting state is complete. It copies
    when called to (the app does after its first frame), or as soon as a change of this
    app waits for the lock, or after ``BACKUP_WAIT`` seconds: done while Textual started,
    the copy's disk work and its turns at the interpreter lock made the first frame ~9 ms
    later (measured at 10,000 experiments, 16 launches each way). Returns the copy's
    outcome (the app reports a failure) and the function that starts it.
    """
    from concurrent.futures import Future

    from ..store.backups import take_backup

    future: Future[Path | None] = Future()
    store = ctx.store
    locked = threading.Event()
    begin = threading.Event()

    def copy() -> None:
        try:
            with store.lock.exclusive():
                locked.set()
                begin.wait(BACKUP_WAIT)
                copied = take_backup(ctx.db, "session", lock=store.lock)
        except BaseException as exc:  # reported by the app, never lost
            future.set_exception(exc)
        else:
            # Only once the lock is let go: the command closes it when the copy is done.
            future.set_result(copied)
        finally:
            store.lock.on_wait = None
            locked.set()

    store.lock.on_wait = begin.set  # a change waiting for the lock: copy now
    threading.Thread(target=copy, name="session-backup", daemon=True).start()
    # Return only once the copy holds the lock: a change made right away waits for it.
    locked.wait()
    return future, begin.set
