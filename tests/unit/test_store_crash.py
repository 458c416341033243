"""Crash safety: a writer killed with SIGKILL at random moments never loses an acknowledged
write and never leaves an unreadable file.

A child process (``store_children.crash_writer``) makes random inserts, updates and removes
through the Repository and prints every change before making it (``P``) and after it was
acknowledged (``A``). The parent keeps the expected state from those lines, kills the child
at a random moment, and checks the file after every kill: it opens, every acknowledged write
is there, and the only other difference allowed is the one change that was in flight.

Every other child writes into the spare file whenever nobody has it open (Linux file
leases); the others behave as on a system without leases, where saves this close together
take the fresh-file path (``atomic.SPARE_COOL``).
"""

from __future__ import annotations

import dataclasses
import json
import os
import random
import signal
import time
from pathlib import Path
from typing import Any

from iterate_tui.domain.settings import ProjectSettings
from iterate_tui.store.atomic import spare_path, temp_prefix
from iterate_tui.store.project import ProjectStore
from iterate_tui.store.repository import Repository

from .store_children import spawn

KILLS = 200
#: Fixed so that a failure can be replayed; printed with every assertion message.
SEED = int(os.environ.get("ITERATE_CRASH_SEED", "20240607"))


@dataclasses.dataclass
class State:
    titles: dict[int, str]
    settings_name: str


def read_state(path: Path) -> State:
    store = ProjectStore.open(path)
    try:
        repo = Repository(store)
        return State({e.id: e.title for e in repo.experiments()}, repo.settings().name)
    finally:
        store.close()


def apply(state: State, op: dict[str, Any], new_ids: list[int]) -> State:
    """The state after ``op``; ``new_ids`` are the ids an insert received."""
    titles = dict(state.titles)
    name = state.settings_name
    if op["op"] == "add":
        assert len(new_ids) == len(op["titles"]), (op, new_ids)
        for doc_id, title in zip(new_ids, op["titles"], strict=True):
            assert doc_id not in titles, f"insert reused live id {doc_id}"
            titles[doc_id] = title
    elif op["op"] == "save":
        assert op["id"] in titles
        titles[op["id"]] = op["title"]
    elif op["op"] == "del":
        del titles[op["id"]]
    else:
        name = op["name"]
    return State(titles, name)


def replay(state: State, lines: list[bytes]) -> tuple[State, dict[str, Any] | None, int]:
    """Apply every acknowledged change; return the change in flight when killed, if any."""
    pending: dict[str, Any] | None = None
    acks = 0
    for raw in lines:
        if not raw.endswith(b"\n"):
            raise AssertionError(f"half a line from the child: {raw!r}")
        kind, _, body = raw.decode().rstrip("\n").partition(" ")
        op = json.loads(body)
        if kind == "P":
            pending = op
        else:
            assert kind == "A" and pending is not None and pending["op"] == op["op"], raw
            state = apply(state, op, op.get("ids", []))
            pending = None
            acks += 1
    return state, pending, acks


def reconcile(model: State, pending: dict[str, Any] | None, actual: State) -> bool:
    """Check the file against the model; True if the in-flight change was applied."""
    if actual == model:
        return False
    assert pending is not None, "the file differs from the acknowledged writes"
    new_ids = sorted(set(actual.titles) - set(model.titles))
    expected = apply(model, pending, new_ids if pending["op"] == "add" else [])
    assert actual == expected, f"neither the acknowledged state nor it plus {pending}"
    return True


def test_sigkill_at_random_moments_loses_no_acknowledged_write(tmp_path: Path) -> None:
    path = tmp_path / "crash" / "project.json"
    ProjectStore.open(path).close()
    rng = random.Random(SEED)
    model = State({}, ProjectSettings().name)
    acks = applied_unacked = killed_mid_write = into_spare = 0
    started = time.monotonic()
    for child in range(KILLS):
        where = f"seed {SEED}, child {child}"
        leases = [] if child % 2 == 0 else ["no-leases"]
        proc = spawn("crash_writer", str(path), str(child), str(rng.randrange(2**32)), *leases)
        assert proc.stdout is not None and proc.stderr is not None
        lines: list[bytes] = []
        while True:  # wait for the first acknowledged write, then kill a little later
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if line.startswith(b"A "):
                time.sleep(rng.uniform(0.005, 0.06))
                proc.send_signal(signal.SIGKILL)
                break
        lines.extend(proc.stdout.read().splitlines(keepends=True))
        errors = proc.stderr.read().decode()
        proc.wait()
        proc.stdout.close()
        proc.stderr.close()
        assert proc.returncode == -signal.SIGKILL, f"{where}: child failed:\n{errors}"

        model, pending, count = replay(model, lines)
        acks += count
        into_spare += sum(b'"spare": true' in line for line in lines if line.startswith(b"A "))
        if any(p.name.startswith(temp_prefix(path)) for p in path.parent.iterdir()):
            killed_mid_write += 1
        actual = read_state(path)  # raises if the file cannot be opened
        try:
            applied_unacked += reconcile(model, pending, actual)
        except AssertionError as exc:
            raise AssertionError(
                f"{where}: {exc}\n model={model}\n actual={actual}\n pending={pending}"
            ) from None
        model = actual
        assert not [p for p in path.parent.iterdir() if p.name.startswith(temp_prefix(path))]
        assert path.stat().st_mode & 0o777 == 0o600
        spare = spare_path(path)
        if spare.exists():  # never a second name of the project file
            assert spare.stat().st_nlink == 1 and path.stat().st_nlink == 1, where
            assert spare.stat().st_ino != path.stat().st_ino, where
    elapsed = time.monotonic() - started
    print(
        f"\n{KILLS} kills in {elapsed:.1f} s: {acks} acknowledged writes ({into_spare} into "
        f"the spare), {killed_mid_write} kills left a temp file, {applied_unacked} in-flight "
        "writes applied"
    )
    # The kills must have landed inside writes at least sometimes, or nothing was tested.
    assert killed_mid_write > 0
    assert acks >= KILLS
    # Both ways of writing were taken, many times.
    assert KILLS // 2 <= into_spare <= acks - KILLS // 2
