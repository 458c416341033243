"""Performance benchmark of iterate-tui at 10,000 and 50,000 experiments.

    .venv/bin/python bench/run.py [--sizes 10000 50000] [--runs 7] [--presses 30] [--keep]

Prints medians measured on this machine (bench/README.md says what each figure includes):

1. launch: the real command in a pseudo-terminal (120x40, TERM=xterm-256color), from spawn
   to the backlog's first text ("shown of"), and to a key handled (the key "2", written as
   soon as the backlog shows, switches to the triage inbox: "Idea 1 of" / "Inbox empty");
   the same for a minimal Textual app, so the figure is also a ratio; plus whether a key
   typed at spawn is handled;
2. a triage keypress to the repainted screen: in the real terminal (inbox: key -> the new
   text read back) and in-process headless (backlog and inbox: key event -> first / last
   repaint, and the action + drawing the visible lines); every triage includes its save;
3. the durable save of one change (Repository.save: serialize, write into the spare file,
   fdatasync, renames, fsync of the folder), at a person's pace and back to back, with the
   serialization and the file operations of both write paths timed separately;

plus whether scikit-learn / numpy / plotext are imported at start-up, and the file size.
Databases are built through the real store in a temporary folder, removed at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import fcntl
import gc
import os
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import build_db  # noqa: E402  (bench/ is on sys.path when run as a script)

from iterate_tui.cli.main import FRAME_RATE, configure_textual  # noqa: E402

COLS, ROWS = 120, 40
TARGETS = {"launch": 300.0, "keypress": 16.0, "save": 5.0}
HEAVY_MODULES = ("sklearn", "numpy", "scipy", "joblib", "plotext", "textual_plotext", "pandas")

perf = time.perf_counter


def ms(seconds: float) -> float:
    return seconds * 1000.0


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def spread(values: Sequence[float]) -> str:
    if not values:
        return "n/a"
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return (
        f"median {median(values):7.1f}  min {ordered[0]:7.1f}  p90 {p90:7.1f}  "
        f"max {ordered[-1]:7.1f} ms  (n={len(values)})"
    )


# -- databases ------------------------------------------------------------------------------
def build_databases(folder: Path, sizes: Sequence[int]) -> dict[int, Path]:
    paths = {}
    for n in sizes:
        start = perf()
        path = folder / f"base-{n}" / "project.json"
        path.parent.mkdir()
        build_db.build(path, n)
        print(
            f"  built {n:>7,} experiments: {path.stat().st_size / 1e6:5.1f} MB "
            f"in {perf() - start:4.1f} s"
        )
        paths[n] = path
    return paths


_copies = 0


def fresh_copy(base: Path) -> Path:
    """A private copy of a base database (a change made by one measurement stays there)."""
    global _copies
    _copies += 1
    folder = base.parent.parent / f"copy-{_copies}"
    folder.mkdir()
    target = folder / base.name
    shutil.copyfile(base, target)
    os.chmod(target, 0o600)
    return target


# -- the command ---------------------------------------------------------------------------
def real_command_works() -> bool:
    try:
        done = subprocess.run(
            [sys.executable, "-m", "iterate_tui", "--help"],
            cwd=REPO,
            capture_output=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0 and b"--db" in done.stdout


def app_command(db: Path, real: bool) -> list[str]:
    if real:
        return [sys.executable, "-m", "iterate_tui", "--db", str(db)]
    return [sys.executable, str(BENCH / "launch_app.py"), "--db", str(db)]


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TEXTUAL", "DISPLAY", "WAYLAND", "PYTHONPROFILEIMPORTTIME"))
        # An installed package has its bytecode cached; this sandbox sets the variable,
        # which would make every launch compile the app's ~45 modules again (~40 ms).
        and k != "PYTHONDONTWRITEBYTECODE"
    }
    env.update(TERM="xterm-256color", COLUMNS=str(COLS), LINES=str(ROWS))
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if "PYTHONPATH" in env else "")
    env.update(extra or {})
    return env


# -- a pseudo-terminal session --------------------------------------------------------------
_ANSI = re.compile(
    rb"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    rb"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC
    rb"|\x1bP[^\x1b]*\x1b\\"  # DCS
    rb"|\x1b[()][0-9A-Za-z]"  # charset
    rb"|\x1b[@-Z\\-_=>78]"  # other two-byte escapes
)


def visible(raw: bytes) -> str:
    return _ANSI.sub(b"", raw).decode("utf-8", "replace")


class Timeout(Exception):
    pass


class PtySession:
    """A child process on a pseudo-terminal of COLS x ROWS; times what appears on it."""

    def __init__(self, argv: list[str], env: dict[str, str]):
        winsize = struct.pack("HHHH", ROWS, COLS, 0, 0)
        self.start = perf()
        pid, fd = os.forkpty()
        if pid == 0:  # child: size the terminal, then become the command
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, winsize)
                os.chdir(REPO)
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self.raw = bytearray()
        self.mark = 0
        self.eof = False
        self.status: int | None = None

    def send(self, data: bytes) -> float:
        """Write keys; later searches only look at output produced after this point."""
        self.mark = len(self.raw)
        os.write(self.fd, data)
        return perf()

    def _read(self, timeout: float) -> bool:
        if self.eof:
            return False
        ready, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        if not ready:
            return False
        try:
            chunk = os.read(self.fd, 1 << 16)
        except OSError:  # EIO: the child closed the terminal
            chunk = b""
        if not chunk:
            self.eof = True
            return False
        self.raw += chunk
        return True

    def wait_for(self, *needles: str, timeout: float = 60.0) -> tuple[str, float]:
        """Time (perf_counter) when one of the texts first shows after the last send()."""
        deadline = perf() + timeout
        while True:
            text = visible(bytes(self.raw[self.mark :]))
            for needle in needles:
                if needle in text:
                    return needle, perf()
            if self.eof or perf() > deadline:
                tail = text[-400:].replace("\n", " ")
                raise Timeout(f"none of {needles!r} appeared; last output: {tail!r}")
            self._read(deadline - perf())

    def close(self, quit_keys: bytes = b"\x11", timeout: float = 10.0) -> None:
        """ctrl+q, then reap (SIGKILL only if it did not exit in time)."""
        with contextlib.suppress(OSError):
            os.write(self.fd, quit_keys)
        deadline = perf() + timeout
        while self.status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = status
                break
            if perf() > deadline:
                os.kill(self.pid, signal.SIGKILL)
                _, self.status = os.waitpid(self.pid, 0)
                break
            self._read(0.02)  # keep draining so the child never blocks on output
        while self._read(0.0):
            pass
        os.close(self.fd)


@dataclass
class LaunchSample:
    first: float  # spawn -> first screen text (ms)
    ready: float  # spawn -> the key handled (ms); nan if the key was lost
    presses: list[float] = field(default_factory=list)  # inbox triage keys (ms)
    backlog_presses: list[float] = field(default_factory=list)  # backlog triage keys (ms)
    lost_into_filter: bool = False
    inbox: float = float("nan")  # the key 2 written -> the inbox shown, first time (ms)


def launch_minimal(
    type_ahead: bool = False, env_extra: dict[str, str] | None = None
) -> LaunchSample:
    """The minimal app: first text, then the key 2 -> "minimal key handled"."""
    session = PtySession([sys.executable, str(BENCH / "minimal_app.py")], child_env(env_extra))
    try:
        if type_ahead:
            session.send(b"2")
        _, t_first = session.wait_for("minimal app ready", "minimal key handled")
        if not type_ahead:
            session.send(b"2")
        try:
            _, t_ready = session.wait_for("minimal key handled", timeout=3 if type_ahead else 60)
        except Timeout:
            return LaunchSample(ms(t_first - session.start), float("nan"))
        return LaunchSample(ms(t_first - session.start), ms(t_ready - session.start))
    finally:
        session.close()


INBOX = ("Idea 1 of", "Inbox empty")
_second_rows: dict[int, str] = {}


def second_row_marker(db: Path) -> str:
    """Text that only the detail pane shows once the cursor is on the backlog's 2nd row.

    The start of that experiment's hypothesis (else its title), found with the app's own
    ranking. Cached by file size: every launch of one size uses a copy of the same file.
    """
    size = db.stat().st_size
    if size not in _second_rows:
        sys.path.insert(0, str(REPO))
        from iterate_tui.domain.enums import OPEN_STATUSES
        from iterate_tui.domain.ranking import rank
        from iterate_tui.store.project import ProjectStore
        from iterate_tui.store.repository import Repository

        store = ProjectStore.open(db)
        try:
            repository = Repository(store)
            shown = [e for e in repository.experiments() if e.status in OPEN_STATUSES]
            second = rank(shown, repository.settings())[1]
        finally:
            store.close()
        _second_rows[size] = (second.hypothesis or second.title)[:24]
    return _second_rows[size]


def launch_app(
    db: Path,
    real: bool,
    presses: int = 0,
    *,
    type_ahead: bool = False,
    env_extra: dict[str, str] | None = None,
    argv: list[str] | None = None,
    output: bytearray | None = None,
) -> LaunchSample:
    """Spawn the app; time the backlog's first text, then a key handled on the backlog.

    By default the key (down arrow: the detail pane then shows the 2nd row) is written as
    soon as the backlog's text has appeared (a person who sees the screen and types); then
    the key 2 switches to the triage inbox, timed on its own. With ``type_ahead`` the key 2
    is written right after spawn instead, and the terminal holds it until the app reads it.
    """
    marker = "" if type_ahead else second_row_marker(db)
    session = PtySession(argv or app_command(db, real), child_env(env_extra))
    try:
        if type_ahead:
            session.send(b"2")
        _, t_first = session.wait_for("shown of", *INBOX)
        if not type_ahead:
            session.send(b"\x1b[B")
            _, t_ready = session.wait_for(marker)
            t_sent = session.send(b"2")
            _, t_inbox = session.wait_for(*INBOX)
            sample = LaunchSample(ms(t_first - session.start), ms(t_ready - session.start))
            sample.inbox = ms(t_inbox - t_sent)
        else:
            try:
                _, t_ready = session.wait_for(*INBOX, timeout=3)
            except Timeout:  # the typed-ahead key never reached the app's bindings
                time.sleep(0.3)
                lost_into_filter = "filter: 2" in visible(bytes(session.raw))
                return LaunchSample(
                    ms(t_first - session.start), float("nan"), lost_into_filter=lost_into_filter
                )
            sample = LaunchSample(ms(t_first - session.start), ms(t_ready - session.start))
        # Triage keypresses in the real terminal: each sends the shown idea to a quadrant,
        # the next idea takes its place and the count drops by one.
        match = re.search(r"Idea 1 of ([\d,]+)", visible(bytes(session.raw)))
        remaining = int(match.group(1).replace(",", "")) if match else 0
        time.sleep(0.3)  # let start-up settle (the mode bar badge, the footer)
        for i in range(min(presses, max(0, remaining - 1))):
            key = "wqsa"[i % 4].encode()
            remaining -= 1
            t_sent = session.send(key)
            _, t_shown = session.wait_for(
                f"Idea 1 of {remaining:,} ", f"Idea 1 of {remaining} ", timeout=20
            )
            sample.presses.append(ms(t_shown - t_sent))
            time.sleep(0.1)
        if presses:
            backlog_triage(session, presses, sample.backlog_presses)
        return sample
    finally:
        session.close()
        if output is not None:
            output += session.raw


#: The backlog's triage keys and the quadrant each one gives.
QUADRANT_KEYS = (("q", "Moonshot"), ("s", "Incremental"), ("a", "Avoid"), ("w", "Quick win"))
_DETAIL_QUADRANT = re.compile(r"(Moonshot|Incremental|Avoid|Quick win) · ")


def backlog_triage(session: PtySession, presses: int, times: list[float]) -> None:
    """Back on the backlog (key 1), triage the selected experiment again and again.

    Each key sends it to another quadrant; the clock stops when the detail pane's second
    line reads the new quadrant ("Moonshot · backlog · ..."): the table row and the detail
    are drawn in the same frame. The cursor follows the experiment, so the table scrolls.
    """
    session.send(b"1")
    session.wait_for("shown of")
    time.sleep(0.3)
    shown = _DETAIL_QUADRANT.findall(visible(bytes(session.raw)))
    current = shown[-1] if shown else ""
    start = next(i for i, (_, label) in enumerate(QUADRANT_KEYS) if label != current)
    for i in range(presses):
        key, label = QUADRANT_KEYS[(start + i) % len(QUADRANT_KEYS)]
        t_sent = session.send(key.encode())
        try:
            _, t_shown = session.wait_for(f"{label} · ", timeout=5)
        except Timeout:  # not a row that can be triaged (running, say): stop here
            return
        times.append(ms(t_shown - t_sent))
        time.sleep(0.1)


def what_if_launch(db: Path) -> LaunchSample:
    """The stand-in runner with the suggested GC fix (see bench/launch_app.py)."""
    return launch_app(db, False, argv=[*app_command(db, False), "--what-if-gc"])


def launch_series(run: Callable[[], LaunchSample], runs: int, label: str) -> list[LaunchSample]:
    return launch_rounds({label: run}, runs)[label]


def launch_rounds(
    configs: dict[str, Callable[[], LaunchSample]], runs: int
) -> dict[str, list[LaunchSample]]:
    """Launch each configuration once per round, ``runs`` rounds (after one warm-up round):
    the machine's drift during the run then weighs on every configuration alike, so their
    ratios compare like with like."""
    for run in configs.values():
        run()  # warm-up (page cache, .pyc files)
    samples: dict[str, list[LaunchSample]] = {label: [] for label in configs}
    for _ in range(runs):
        for label, run in configs.items():
            samples[label].append(run())
    for label, series in samples.items():
        print(
            f"  {label:<34} first text {median([s.first for s in series]):7.1f} ms, "
            f"key handled {median([s.ready for s in series]):7.1f} ms"
        )
    return samples


def import_check(db: Path, real: bool) -> dict[str, Any]:
    """Launch once with PYTHONPROFILEIMPORTTIME=1 and see what start-up imported.

    Textual draws on stderr, so the import lines arrive on the same terminal, before and
    between the frames; they are picked out of the output.
    """
    output = bytearray()
    launch_app(db, real, env_extra={"PYTHONPROFILEIMPORTTIME": "1"}, output=output)
    imported: dict[str, int] = {}
    top: list[tuple[int, str]] = []
    pattern = re.compile(rb"import time:\s+(\d+) \|\s+(\d+) \| ( *)([\w.]+)")
    for match in pattern.finditer(bytes(output)):
        cumulative, indent, name = int(match.group(2)), match.group(3), match.group(4).decode()
        imported[name] = cumulative
        if not indent:  # imported by the program itself, not by another module
            top.append((cumulative, name))
    heavy = {m: any(n == m or n.startswith(m + ".") for n in imported) for m in HEAVY_MODULES}
    top.sort(reverse=True)
    return {"heavy": heavy, "modules": len(imported), "top": top[:6]}


# -- durable save --------------------------------------------------------------------------
#: Between two saves "at a person's pace" (also longer than atomic.SPARE_COOL, the wait where
#: file leases cannot tell whether the spare is open).
SAVE_PAUSE = 1.2


def bench_save(db: Path, repeats: int, paced: int = 10) -> dict[str, list[float]]:
    """Repository.save at a person's pace and back to back, then its steps one by one."""
    from datetime import UTC, datetime

    from iterate_tui.domain import lifecycle
    from iterate_tui.domain.enums import Status
    from iterate_tui.store import atomic, backups, codec, storage
    from iterate_tui.store.project import ProjectStore
    from iterate_tui.store.repository import Repository

    now = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    keys = (
        "save_paced",
        "save_burst",
        "spare_paced",
        "spare_burst",
        "serialize",
        "spare_write",
        "spare_sync",
        "spare_renames",
        "write_atomic",
        "write",
        "fsync",
        "replace",
        "fsync_dir",
        "journal",
        "backup",
    )
    out: dict[str, list[float]] = {k: [] for k in keys}
    into_spare = [0]
    overwrite = atomic._overwrite

    def counting(*args: Any) -> None:
        into_spare[0] += 1
        overwrite(*args)

    atomic._overwrite = counting  # type: ignore[assignment]
    store = ProjectStore.open(db)
    try:
        repo = Repository(store)
        exp = next(e for e in repo.experiments() if e.status is Status.BACKLOG)

        def save(i: int) -> float:
            nonlocal exp
            changed = lifecycle.nudge_probability(exp, 1 if i % 2 == 0 else -1, now)
            if changed is exp:
                changed = lifecycle.nudge_probability(exp, -1, now)
            start = perf()
            exp = repo.save(changed)
            return ms(perf() - start)

        save(0)  # the first save of a process may have no spare yet
        for kind, count, pause in (("paced", paced, SAVE_PAUSE), ("burst", repeats, 0.0)):
            before = into_spare[0]
            for i in range(count):
                time.sleep(pause)
                out[f"save_{kind}"].append(save(i + 1))
            out[f"spare_{kind}"] = [float(into_spare[0] - before)]

        # The same steps one by one on a scratch pair (project file + spare), each after the
        # same pause: the spare's path (as atomic.write_atomic(recycle=True) takes it), then
        # a fresh temp file's (the path when the spare is open elsewhere, or without leases
        # within SPARE_COOL of the previous save).
        data = store.storage.read()
        cache = store.storage.cache
        payload = storage.serialize(data, cache)
        scratch = db.with_name("scratch.json")
        spare = atomic.spare_path(scratch)
        scratch.write_bytes(payload)
        spare.write_bytes(payload)
        for _ in range(paced):
            time.sleep(SAVE_PAUSE)
            start = perf()
            storage.serialize(data, cache)
            out["serialize"].append(ms(perf() - start))

            time.sleep(SAVE_PAUSE)
            t0 = perf()
            parts = storage.serialize_parts(data, cache)
            fd = os.open(spare, os.O_WRONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
            os.fstat(fd)
            os.ftruncate(fd, atomic._write_parts(fd, parts, hint=True, positioned=True))
            t1 = perf()
            os.fdatasync(fd)
            os.close(fd)
            t2 = perf()
            aside = scratch.with_name(".scratch.next")
            os.link(scratch, aside)
            os.replace(spare, scratch)
            os.replace(aside, spare)
            atomic.fsync_folder(db.parent)
            t3 = perf()
            out["spare_write"].append(ms(t1 - t0))
            out["spare_sync"].append(ms(t2 - t1))
            out["spare_renames"].append(ms(t3 - t2))

            time.sleep(SAVE_PAUSE)
            start = perf()
            atomic.write_atomic(scratch, payload)
            out["write_atomic"].append(ms(perf() - start))
            time.sleep(SAVE_PAUSE)
            temp = db.with_name(".scratch.tmp")
            t0 = perf()
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view) :]
            t1 = perf()
            os.fsync(fd)
            os.close(fd)
            t2 = perf()
            os.replace(temp, scratch)
            t3 = perf()
            atomic.fsync_folder(db.parent)
            t4 = perf()
            out["write"].append(ms(t1 - t0))
            out["fsync"].append(ms(t2 - t1))
            out["replace"].append(ms(t3 - t2))
            out["fsync_dir"].append(ms(t4 - t3))
        # The alternative a journal would pay: append one changed document (~1 KB), fsync.
        record = storage.serialize({"experiments": {str(exp.id): codec.experiment_to_doc(exp)}})
        journal = db.with_name("journal.log")
        fd = os.open(journal, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            for _ in range(repeats):
                start = perf()
                os.write(fd, record + b"\n")
                os.fsync(fd)
                out["journal"].append(ms(perf() - start))
        finally:
            os.close(fd)
        out["record_bytes"] = [float(len(record))]
        # The session backup the real command takes at every launch (a full copy).
        for _ in range(3):
            start = perf()
            backups.take_backup(db, "session")
            out["backup"].append(ms(perf() - start))
    finally:
        atomic._overwrite = overwrite  # type: ignore[assignment]
        store.close()
    return out


_OPEN_SNIPPET = """
import json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from iterate_tui.store import storage
from iterate_tui.store.project import ProjectStore
from iterate_tui.store.repository import Repository
path = Path(sys.argv[1])
t0 = time.perf_counter()
storage.parse(path, path.read_bytes())
t1 = time.perf_counter()
store = ProjectStore.open(path)
t2 = time.perf_counter()
Repository(store).experiments()
t3 = time.perf_counter()
print(json.dumps({"parse": (t1 - t0) * 1e3, "open": (t3 - t1) * 1e3, "build": (t3 - t2) * 1e3}))
"""


def bench_open(db: Path, repeats: int = 3) -> dict[str, list[float]]:
    """What start-up pays to read the project, each time in a fresh interpreter (as the
    app does): the parse alone, then ProjectStore.open + building every Experiment."""
    import json

    out: dict[str, list[float]] = {"parse": [], "open": [], "build": []}
    for _ in range(repeats):
        done = subprocess.run(
            [sys.executable, "-c", _OPEN_SNIPPET, str(db), str(REPO)],
            capture_output=True,
            check=True,
            timeout=120,
        )
        for key, value in json.loads(done.stdout).items():
            out[key].append(value)
    return out


def filesystem_of(path: Path) -> str:
    """The file system type holding ``path`` (fsync costs depend on it)."""
    best, kind = "", "?"
    with contextlib.suppress(OSError), open("/proc/mounts") as mounts:
        for line in mounts:
            parts = line.split()
            if len(parts) > 2 and str(path).startswith(parts[1]) and len(parts[1]) > len(best):
                best, kind = parts[1], f"{parts[2]} on {parts[0]}"
    return kind


def bench_tinydb_update(db: Path, repeats: int) -> list[float]:
    """TinyDB's default JSONStorage doing the same one-document update (for comparison)."""
    from tinydb import TinyDB

    times = []
    with TinyDB(db) as tdb:
        table = tdb.table("experiments")
        doc_id = int(next(iter(tdb.storage.read()["experiments"])))
        for i in range(repeats):
            start = perf()
            table.update({"probability": 0.5 + 0.05 * (i % 2)}, doc_ids=[doc_id])
            times.append(ms(perf() - start))
    return times


# -- keypress, in-process --------------------------------------------------------------------
@dataclass
class KeypressResult:
    loop: list[float] = field(default_factory=list)  # key event -> last repaint (ms)
    first: list[float] = field(default_factory=list)  # key event -> first repaint (ms)
    refreshes: list[int] = field(default_factory=list)
    direct: list[float] = field(default_factory=list)  # action + render visible lines
    action: list[float] = field(default_factory=list)  # action alone
    render: list[float] = field(default_factory=list)  # visible lines alone
    save: list[float] = field(default_factory=list)  # Repository.save inside the action
    pilot: list[float] = field(default_factory=list)  # pilot.press + pilot.pause


async def _keypress_async(db: Path, presses: int) -> dict[str, KeypressResult]:
    configure_textual()  # as the command does, before Textual is imported
    from textual import events

    from iterate_tui.app import IterateApp
    from iterate_tui.domain.enums import Quadrant, Status
    from iterate_tui.domain.matrix import quadrant
    from iterate_tui.store.project import ProjectStore
    from iterate_tui.store.repository import Repository

    store = ProjectStore.open(db)
    repo = Repository(store)
    save_log: list[float] = []
    original_save = repo.save

    def timed_save(exp: Any) -> Any:
        start = perf()
        try:
            return original_save(exp)
        finally:
            save_log.append(ms(perf() - start))

    repo.save = timed_save  # type: ignore[method-assign]
    app = IterateApp(repo, watch_interval=None)
    results: dict[str, KeypressResult] = {}
    gc_pauses: list[tuple[int, float]] = []
    gc_started: list[float] = []

    def on_gc(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            gc_started.append(perf())
        elif gc_started:
            gc_pauses.append((info["generation"], ms(perf() - gc_started.pop())))

    keys = "wqsa"
    targets = {
        "w": Quadrant.QUICK_WIN,
        "q": Quadrant.MOONSHOT,
        "s": Quadrant.INCREMENTAL,
        "a": Quadrant.AVOID,
    }

    try:
        async with app.run_test(size=(COLS, ROWS)) as pilot:
            await pilot.pause()
            for _ in range(500):  # every experiment built (a worker does it after launch)
                if app.repository.complete:
                    break
                await pilot.pause(0.02)
            await pilot.pause()
            # ... and the start-up work after it done (serializing the documents for the
            # first save): keys pressed while it runs share the interpreter with it, and
            # are measured by the launch series, not here.
            await app.workers.wait_for_complete()
            await pilot.pause()
            driver = app._driver
            assert driver is not None

            def instrument(screen: Any) -> list[float]:
                """Record when each compositor refresh (a repaint) of ``screen`` ends, and
                turn each update into terminal output as the real driver would."""
                log: list[float] = []
                original = screen._compositor_refresh

                def refresh() -> None:
                    original()
                    log.append(perf())

                screen._compositor_refresh = refresh
                return log

            original_display = app._display

            displayed: list[tuple[float, str]] = []

            def display(screen: Any, renderable: Any) -> None:
                original_display(screen, renderable)
                if hasattr(renderable, "render_segments"):
                    renderable.render_segments(app.console)  # headless skips this
                    displayed.append((perf(), type(screen).__name__))

            app._display = display  # type: ignore[method-assign]

            async def settle() -> None:
                await pilot._wait_for_screen()
                await pilot._wait_for_screen()
                await asyncio.sleep(0.05)  # any pending frame tick (not timed)

            async def quiet(done: Callable[[], bool], log: list[float]) -> None:
                """Let the app run undisturbed until the change is made and painted, and
                no repaint followed for 120 ms (not timed: the times come from ``log``)."""
                deadline = perf() + 15
                while perf() < deadline:
                    await asyncio.sleep(0.02)
                    if done() and log and perf() - log[-1] > 0.12:
                        return

            counter = iter(range(10**9))

            def next_key() -> str:
                """w q s a w ...: each moves the experiment to another quadrant."""
                return keys[next(counter) % 4]

            async def measure(name: str, table: Any | None) -> None:
                result = results.setdefault(name, KeypressResult())
                screen = app.screen
                log = instrument(screen)
                await settle()
                for _ in range(presses):
                    key = next_key()
                    revision = repo.revision
                    del save_log[:]
                    count = len(log)
                    t0 = perf()
                    driver.send_message(events.Key(key, key))
                    await quiet(
                        lambda r=revision, c=count: repo.revision != r and len(log) > c, log
                    )
                    if repo.revision == revision or len(log) == count:
                        raise RuntimeError(f"{name}: key {key!r} changed nothing")
                    result.first.append(ms(log[count] - t0))
                    result.loop.append(ms(log[-1] - t0))
                    result.refreshes.append(len(log) - count)
                    result.save.extend(save_log)
                for _ in range(presses):
                    key = next_key()
                    t0 = perf()
                    screen.action_triage(targets[key].value)
                    t1 = perf()
                    if table is not None:
                        for y in range(table.size.height):
                            table.render_line(y)
                    else:  # the inbox: render its widgets' lines (the card is a TextView)
                        for widget in screen.query("#inbox Static, #inbox TextView"):
                            widget.render_lines(widget.region.reset_offset)
                    t2 = perf()
                    result.action.append(ms(t1 - t0))
                    result.render.append(ms(t2 - t1))
                    result.direct.append(ms(t2 - t0))
                    await settle()
                for _ in range(min(presses, 8)):
                    t0 = perf()
                    await pilot.press(next_key())
                    await pilot.pause()
                    result.pilot.append(ms(perf() - t0))

            gc.callbacks.append(on_gc)
            # Backlog: the cursor on a triaged backlog row near the top, then w q s a ...
            screen = app.screen
            table = screen.table
            settings = repo.settings()
            row = next(
                e
                for e in table.rows
                if e.status is Status.BACKLOG and quadrant(e, settings) is not Quadrant.QUICK_WIN
            )
            table.select_id(row.id)
            await settle()
            await measure("backlog", table)

            # The key 2 (first time: the inbox screen is built) and 1 (back to the backlog).
            for key, shown in (
                ("2", "TriageScreen"),
                ("1", "BacklogScreen"),
                ("2", "TriageScreen"),
            ):
                del displayed[:]
                t0 = perf()
                driver.send_message(events.Key(key, key))
                await asyncio.sleep(0.6)
                frames = [t for t, name in displayed if name == shown]
                switch = results.setdefault(f"switch {key}", KeypressResult())
                switch.first.append(ms(frames[0] - t0) if frames else float("nan"))
                switch.loop.append(ms(frames[-1] - t0) if frames else float("nan"))
            await settle()
            # Inbox: each key triages the idea on screen; the next one takes its place.
            await measure("inbox", None)
            gc.callbacks.remove(on_gc)
            gen2 = [p for g, p in gc_pauses if g == 2]
            full = []
            for _ in range(3):
                start = perf()
                gc.collect()
                full.append(ms(perf() - start))
            gc.freeze()
            frozen = []
            for _ in range(3):
                start = perf()
                gc.collect()
                frozen.append(ms(perf() - start))
            gc.unfreeze()
            results["_gc"] = KeypressResult(loop=gen2, direct=full, action=frozen)
    finally:
        with contextlib.suppress(ValueError):
            gc.callbacks.remove(on_gc)
        store.close()
    return results


def bench_keypress(db: Path, presses: int) -> dict[str, KeypressResult]:
    return asyncio.run(_keypress_async(db, presses))


# -- report ---------------------------------------------------------------------------------
def fmt(value: float | None, unit: str = "ms") -> str:
    if value is None or value != value:
        return "n/a"
    return f"{value:,.1f} {unit}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--runs", type=int, default=7, help="launches per configuration")
    parser.add_argument("--presses", type=int, default=30, help="keypresses per screen")
    parser.add_argument("--saves", type=int, default=30)
    parser.add_argument(
        "--pty-presses",
        type=int,
        default=10,
        help="triage keypresses in the real terminal, per launch",
    )
    parser.add_argument(
        "--reference-size",
        type=int,
        default=100,
        help="a small project, to separate the app's fixed cost (0: skip)",
    )
    parser.add_argument(
        "--no-what-if", action="store_true", help="skip the launches that try the suggested GC fix"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)

    began = perf()
    folder = Path(tempfile.mkdtemp(prefix="iterate-tui-bench-"))
    print(
        f"iterate-tui benchmark · {os.cpu_count()} CPUs · Python {sys.version.split()[0]} · "
        f"terminal {COLS}x{ROWS} · runs={args.runs} · load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    print(f"working folder: {folder} ({filesystem_of(folder)})")
    try:
        print("\n[databases]")
        sizes = list(args.sizes)
        all_sizes = sorted(set(sizes + ([args.reference_size] if args.reference_size else [])))
        bases = build_databases(folder, all_sizes)
        real = real_command_works()
        command = (
            "python -m iterate_tui --db PATH"
            if real
            else (
                "bench/launch_app.py --db PATH (stand-in: `python -m iterate_tui --help` "
                "does not work yet)"
            )
        )
        print(f"\n[1 launch] command: {command}")
        # As on any installed copy, the app's bytecode is cached before it is timed.
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(REPO / "iterate_tui")], check=True
        )
        print("  bytecode: compiled first (PYTHONDONTWRITEBYTECODE is dropped for the app)")

        # Launches first, before this process imports Textual (a smaller parent forks faster),
        # in rounds: the minimal app, then each configuration of the app, again and again.
        # The app raises Textual's frame cap (cli.main.FRAME_RATE): the same for the floor.
        app_fps = {"TEXTUAL_FPS": str(FRAME_RATE)}
        configs: dict[str, Callable[[], LaunchSample]] = {
            "minimal Textual app": launch_minimal,
            f"minimal app at {FRAME_RATE} fps": lambda: launch_minimal(env_extra=app_fps),
        }
        for n in all_sizes:
            configs[f"iterate-tui, {n:,}"] = lambda n=n: launch_app(
                fresh_copy(bases[n]), real, args.pty_presses if n in sizes else 0
            )
        # The same launch without the start-up reader (see iterate_tui/store/prefetch.py).
        for n in sizes:
            configs[f"no start-up reader, {n:,}"] = lambda n=n: launch_app(
                fresh_copy(bases[n]), real, env_extra={"ITERATE_TUI_NO_PREFETCH": "1"}
            )
        rounds = launch_rounds(configs, args.runs)
        minimal = rounds["minimal Textual app"]
        minimal_fps = rounds[f"minimal app at {FRAME_RATE} fps"]
        launches = {n: rounds[f"iterate-tui, {n:,}"] for n in all_sizes}
        no_prefetch = {n: rounds[f"no start-up reader, {n:,}"] for n in sizes}
        what_if: dict[int, list[LaunchSample]] = {}
        if not args.no_what_if:
            for n in sizes:
                what_if[n] = launch_series(
                    lambda n=n: what_if_launch(fresh_copy(bases[n])),
                    max(3, args.runs // 2),
                    f"what-if gc.freeze, {n:,}",
                )
        # A key typed while the app starts (written right after spawn).
        type_ahead: dict[str, list[LaunchSample]] = {
            "minimal": [launch_minimal(type_ahead=True) for _ in range(3)]
        }
        for n in all_sizes[:2]:  # the smallest two: enough to show it, and quick
            type_ahead[f"{n:,}"] = [
                launch_app(fresh_copy(bases[n]), real, type_ahead=True) for _ in range(3)
            ]
        imports = import_check(fresh_copy(bases[sizes[0]]), real)

        print("\n[3 durable save]")
        saves: dict[int, dict[str, list[float]]] = {}
        tinydb: dict[int, list[float]] = {}
        for n in sizes:
            saves[n] = bench_save(fresh_copy(bases[n]), args.saves)
            tinydb[n] = bench_tinydb_update(fresh_copy(bases[n]), 5 if n <= 20_000 else 3)
            saves[n].update(bench_open(bases[n]))
            print(f"  {n:>7,}: Repository.save, paced   {spread(saves[n]['save_paced'])}")
            print(f"  {n:>7,}: Repository.save, in a row {spread(saves[n]['save_burst'])}")

        print("\n[2 keypress, in-process headless]")
        keypress: dict[int, dict[str, KeypressResult]] = {}
        for n in sizes:
            keypress[n] = bench_keypress(fresh_copy(bases[n]), args.presses)
            for name in ("backlog", "inbox"):
                print(f"  {n:>7,} {name:<8} key->last repaint {spread(keypress[n][name].loop)}")

        # -- the table ------------------------------------------------------------------
        min_first = median([s.first for s in minimal])
        min_ready = median([s.ready for s in minimal])
        rows: list[tuple[str, list[str], str, str]] = []

        def row(
            metric: str,
            values: list[float | None],
            target: str = "",
            ratio: str = "",
            unit: str = "ms",
        ) -> None:
            rows.append((metric, [fmt(v, unit) for v in values], target, ratio))

        def ratio_of(values: list[float], base: float) -> str:
            return " / ".join(f"{v / base:.2f}x" for v in values)

        def med(samples: list[LaunchSample], attr: str) -> float:
            return median([getattr(s, attr) for s in samples])

        ready = [med(launches[n], "ready") for n in sizes]
        first = [med(launches[n], "first") for n in sizes]
        row(
            "1 launch -> backlog drawn + a key handled (down)",
            ready,
            "<= 300 ms",
            ratio_of(ready, min_ready),
        )
        row("  launch -> first backlog text", first, "", ratio_of(first, min_first))
        row(
            "  then key 2 -> the inbox shown (1st time)",
            [med(launches[n], "inbox") for n in sizes],
        )
        row("  minimal Textual app: key handled", [min_ready] * len(sizes), "(~210 ms)", "1.00x")
        row("  minimal Textual app: first text", [min_first] * len(sizes), "", "1.00x")
        fps_ready = med(minimal_fps, "ready")
        row(
            f"  minimal app at the app's {FRAME_RATE} fps: key handled",
            [fps_ready] * len(sizes),
            "",
            ratio_of([fps_ready], min_ready),
        )
        np_ready = [med(no_prefetch[n], "ready") for n in sizes]
        row(
            "  without the start-up reader: key handled",
            np_ready,
            "",
            ratio_of(np_ready, min_ready),
        )
        if args.reference_size:
            ref = launches[args.reference_size]
            row(
                f"  same app, {args.reference_size} experiments: key handled",
                [med(ref, "ready")] * len(sizes),
                "",
                ratio_of([med(ref, "ready")], min_ready),
            )
        if what_if:
            wi = [med(what_if[n], "ready") for n in sizes]
            row("  what-if gc.freeze after load: key handled", wi, "", ratio_of(wi, min_ready))
        pty = [median([p for s in launches[n] for p in s.presses]) for n in sizes]
        row("2 triage key -> repainted, real terminal*", pty, "<= 16 ms")
        pty_backlog = [median([p for s in launches[n] for p in s.backlog_presses]) for n in sizes]
        row("  backlog triage key, real terminal*", pty_backlog, "<= 16 ms")
        for name in ("backlog", "inbox"):
            r = {n: keypress[n][name] for n in sizes}
            row(
                f"  {name}: key event -> last repaint",
                [median(r[n].loop) for n in sizes],
                "<= 16 ms",
            )
            row(f"  {name}: key event -> first repaint", [median(r[n].first) for n in sizes])
            row(
                f"  {name}: action + visible table lines"
                if name == "backlog"
                else f"  {name}: action + inbox lines",
                [median(r[n].direct) for n in sizes],
            )
            row("    of which the action", [median(r[n].action) for n in sizes])
            row("      of which the durable save", [median(r[n].save) for n in sizes])
            row("    of which drawing the lines", [median(r[n].render) for n in sizes])
        for key, label in (("2", "switch to the inbox (key 2, 1st time, 1 sample)"),):
            row(f"  {label}: first repaint", [keypress[n][f"switch {key}"].first[0] for n in sizes])
            row(f"  {label}: last repaint", [keypress[n][f"switch {key}"].loop[0] for n in sizes])
        row(
            "  back to the backlog (key 1): last repaint",
            [keypress[n]["switch 1"].loop[0] for n in sizes],
        )
        row("  full GC pause, project loaded", [median(keypress[n]["_gc"].direct) for n in sizes])
        row("  full GC pause after gc.freeze()", [median(keypress[n]["_gc"].action) for n in sizes])
        row(
            "  gen2 GCs during the keypresses (count)",
            [float(len(keypress[n]["_gc"].loop)) for n in sizes],
            unit="",
        )
        row(
            f"3 durable save of one change, {SAVE_PAUSE} s apart",
            [median(saves[n]["save_paced"]) for n in sizes],
            "<= 5 ms",
        )
        row(
            "  saves in a row (back to back)",
            [median(saves[n]["save_burst"]) for n in sizes],
        )
        row(
            "  of the paced saves, into the spare (count)",
            [saves[n]["spare_paced"][0] for n in sizes],
            unit="",
        )
        row(
            "  of the saves in a row, into the spare",
            [saves[n]["spare_burst"][0] for n in sizes],
            unit="",
        )
        row("  serialize (kept documents joined)", [median(saves[n]["serialize"]) for n in sizes])
        row(
            "  spare: write + fdatasync + renames",
            [
                median(saves[n]["spare_write"])
                + median(saves[n]["spare_sync"])
                + median(saves[n]["spare_renames"])
                for n in sizes
            ],
        )
        row(
            "    of which write (8 parts, not joined)",
            [median(saves[n]["spare_write"]) for n in sizes],
        )
        row("    of which fdatasync", [median(saves[n]["spare_sync"]) for n in sizes])
        row(
            "    of which link + 2 renames + fsync dir",
            [median(saves[n]["spare_renames"]) for n in sizes],
        )
        row(
            "  fresh file: write + fsync + replace + dir",
            [median(saves[n]["write_atomic"]) for n in sizes],
        )
        row("    of which write", [median(saves[n]["write"]) for n in sizes])
        row("    of which fsync of the file", [median(saves[n]["fsync"]) for n in sizes])
        row(
            "    of which replace + fsync dir",
            [median(saves[n]["replace"]) + median(saves[n]["fsync_dir"]) for n in sizes],
        )
        row(
            "  journal alternative: append 1 doc + fsync",
            [median(saves[n]["journal"]) for n in sizes],
        )
        row(
            "  TinyDB JSONStorage update (comparison)",
            [median(tinydb[n]) for n in sizes],
            "(~80 ms)",
        )
        row(
            "  open + build every experiment (commands; the app: after 1st frame)",
            [median(saves[n]["open"]) for n in sizes],
        )
        row("    of which parse (orjson.loads)", [median(saves[n]["parse"]) for n in sizes])
        row("    of which building the Experiments", [median(saves[n]["build"]) for n in sizes])
        row(
            "  session backup (full copy; a thread after the 1st frame)",
            [median(saves[n]["backup"]) for n in sizes],
        )

        header = ["metric", *[f"{n:,}" for n in sizes], "target", "vs minimal app"]
        widths = [max(len(header[0]), *(len(r[0]) for r in rows))]
        for i in range(len(sizes)):
            widths.append(max(len(header[i + 1]), *(len(r[1][i]) for r in rows)))
        widths.append(max(len(header[-2]), *(len(r[2]) for r in rows)))

        def render(cells: list[str], values: list[str], target: str, ratio: str) -> str:
            return "  ".join(
                [cells[0].ljust(widths[0])]
                + [v.rjust(w) for v, w in zip(values, widths[1:-1], strict=True)]
                + [target.ljust(widths[-1]), ratio]
            ).rstrip()

        title = render([header[0]], header[1:-2], header[-2], header[-1])
        print("\n" + "=" * len(title))
        print("RESULTS (medians, this machine)")
        print("=" * len(title))
        print(title)
        print("-" * len(title))
        for metric, values, target, ratio in rows:
            print(render([metric], values, target, ratio))
        print("-" * len(title))
        print(
            "* real terminal: the key written to the pty -> the change read back (includes "
            "the durable save and the terminal output). Inbox: the next 'Idea 1 of N'; "
            "backlog: the new quadrant in the detail pane."
        )
        print(
            "database file: "
            + ", ".join(
                f"{n:,} -> {bases[n].stat().st_size / 1e6:.1f} MB "
                f"({bases[n].stat().st_size / n:,.0f} B/experiment)"
                for n in sizes
            )
        )
        heavy = imports["heavy"]
        print(
            "imported at start-up (launch + key 2, -X importtime): "
            + ", ".join(f"{m} {'YES' if heavy[m] else 'no'}" for m in HEAVY_MODULES)
            + f"  ({imports['modules']} modules)"
        )
        print(
            "  slowest top-level imports: "
            + ", ".join(f"{name} {us / 1000:.0f} ms" for us, name in imports["top"])
        )
        ahead = []
        for label, samples in type_ahead.items():
            handled = sum(s.ready == s.ready for s in samples)  # nan: the key was lost
            text = f"{label} {handled}/{len(samples)}"
            if handled < len(samples):
                into_filter = sum(s.lost_into_filter for s in samples)
                text += f" (lost; typed into the hidden filter box: {into_filter})"
            ahead.append(text)
        print("key typed at spawn (type-ahead) handled: " + ", ".join(ahead))
        print(f"launch command: {command}")

        print("\ndetails (ms):")
        print(f"  minimal app key handled          {spread([s.ready for s in minimal])}")
        for n in all_sizes:
            print(f"  {n:>7,} launch key handled        {spread([s.ready for s in launches[n]])}")
            print(f"  {n:>7,} launch first text         {spread([s.first for s in launches[n]])}")
        for n in sizes:
            if n in what_if:
                print(
                    f"  {n:>7,} what-if gc.freeze ready   {spread([s.ready for s in what_if[n]])}"
                )
            print(
                f"  {n:>7,} pty triage keypress       "
                f"{spread([p for s in launches[n] for p in s.presses])}"
            )
            print(
                f"  {n:>7,} pty backlog triage key    "
                f"{spread([p for s in launches[n] for p in s.backlog_presses])}"
            )
            for name in ("backlog", "inbox"):
                r = keypress[n][name]
                print(
                    f"  {n:>7,} {name:<7} last repaint      {spread(r.loop)}"
                    f"  repaints/key {median(r.refreshes):.0f}"
                )
                print(f"  {n:>7,} {name:<7} first repaint     {spread(r.first)}")
                print(f"  {n:>7,} {name:<7} action+lines      {spread(r.direct)}")
                print(
                    f"  {n:>7,} {name:<7} pilot.press+pause {spread(r.pilot)}  (includes "
                    ">= 60 ms of wait_for_idle sleeps: not a latency)"
                )
            gen2 = keypress[n]["_gc"].loop
            print(
                f"  {n:>7,} gen2 GC pauses during keypresses: "
                + (", ".join(f"{p:.0f}" for p in gen2) or "none")
            )
            print(f"  {n:>7,} save, paced               {spread(saves[n]['save_paced'])}")
            print(f"  {n:>7,} save, in a row            {spread(saves[n]['save_burst'])}")
            for key, label in (
                ("spare_write", "spare: write"),
                ("spare_sync", "spare: fdatasync"),
                ("spare_renames", "spare: renames + dir"),
                ("write_atomic", "fresh file, all"),
            ):
                print(f"  {n:>7,} {label:<25} {spread(saves[n][key])}")
            print(
                f"  {n:>7,} journal append + fsync    {spread(saves[n]['journal'])}"
                f"  ({saves[n]['record_bytes'][0]:.0f} bytes)"
            )
        print(f"\ntotal benchmark time {perf() - began:.0f} s")
    finally:
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
