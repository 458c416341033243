"""The app and the minimal app on a pseudo-terminal: one launch timed, and launches in rounds.

A launch forks a child on a pseudo-terminal of COLS x ROWS (``os.forkpty``, ``TIOCSWINSZ``,
TERM=xterm-256color, no display variables) and times the texts read back from it (escape
sequences stripped). bench/README.md says what each figure includes.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from common import BENCH, COLS, REPO, ROWS, BenchContext, Launch, LaunchSample, median, ms, perf


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


def describe_command(real: bool) -> str:
    if real:
        return "python -m iterate_tui --db PATH"
    return (
        "bench/launch_app.py --db PATH (stand-in: `python -m iterate_tui --help` does not work yet)"
    )


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


def launch_rounds(configs: dict[str, Launch], runs: int) -> dict[str, list[LaunchSample]]:
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


def launch_series(run: Launch, runs: int, label: str) -> list[LaunchSample]:
    return launch_rounds({label: run}, runs)[label]


# -- the launches that several figures read ------------------------------------------------
MINIMAL = "minimal Textual app"


def minimal_launch() -> dict[str, Launch]:
    """The floor: a figure that prints a ratio to the minimal app asks for it."""
    return {MINIMAL: launch_minimal}


def app_label(n: int) -> str:
    return f"iterate-tui, {n:,}"


def app_launch(ctx: BenchContext, n: int) -> dict[str, Launch]:
    """The app on a copy of the project of ``n`` experiments: the launch figures, then (for
    the sizes of --sizes) --pty-presses triage keys in the inbox and as many in the backlog."""
    presses = ctx.args.pty_presses if n in ctx.sizes else 0
    return {app_label(n): lambda: launch_app(ctx.copy(n), ctx.real, presses)}
