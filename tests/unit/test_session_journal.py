"""The journal behind undo, and the one announcement of every change.

Undo reads the journal kept in the project file: it survives a restart, works from a
script, takes back only the app's own changes when asked from the app, and a change is
written together with its journal entry or not at all.
"""

from __future__ import annotations

import dataclasses
import errno
from pathlib import Path

import orjson
import pytest

from iterate_tui.domain.enums import Phase, Quadrant, Status
from iterate_tui.domain.errors import IterateError
from iterate_tui.domain.experiment import Experiment
from iterate_tui.session import Change, NothingToUndo, ProjectChanged, ProjectSession, What
from iterate_tui.store import journal
from iterate_tui.store.project import ProjectStore
from iterate_tui.store.repository import Repository
from iterate_tui.store.schema import JOURNAL_TABLE

from .test_session import Clock


def open_session(path: Path, by: str = journal.BY_APP) -> ProjectSession:
    return ProjectSession(Repository(ProjectStore.open(path)), Clock(), by=by)


@pytest.fixture
def heard(repo: Repository) -> tuple[ProjectSession, list[ProjectChanged]]:
    session = ProjectSession(repo, Clock())
    events: list[ProjectChanged] = []
    session.subscribe(events.append)
    return session, events


def test_each_change_is_announced_once_with_the_next_revision(
    heard: tuple[ProjectSession, list[ProjectChanged]], repo: Repository
) -> None:
    session, events = heard
    repo.count()  # read the file: the revision a view starts from
    start = repo.revision
    exp = session.add({"title": "Mixup"})
    triaged = session.triage(exp.id, Quadrant.QUICK_WIN)
    session.delete(exp.id)
    assert [e.revision for e in events] == [start + 1, start + 2, start + 3]
    assert [e.what for e in events] == [What.EXPERIMENTS] * 3
    assert events[0].changes == (Change(None, exp),)
    assert events[1].changes == (Change(exp, triaged),)
    assert events[1].description == f"triage #{exp.id} to Quick win"
    assert events[2].changes == (Change(triaged, None),)
    assert events[-1].revision == repo.revision


def test_a_change_that_changes_nothing_is_not_announced(
    heard: tuple[ProjectSession, list[ProjectChanged]],
) -> None:
    session, events = heard
    exp = session.triage(session.add({"title": "x"}).id, Quadrant.AVOID)
    events.clear()
    session.triage(exp.id, Quadrant.AVOID)
    session.update_settings(session.settings)
    assert events == []


def test_undo_is_announced_as_the_state_it_puts_back(
    heard: tuple[ProjectSession, list[ProjectChanged]],
) -> None:
    session, events = heard
    exp = session.add({"title": "x"})
    moved = session.triage(exp.id, Quadrant.MOONSHOT)
    session.undo()
    last = events[-1]
    assert last.undo and last.changes == (Change(moved, exp),)
    assert last.description == f"undo triage #{exp.id} to Moonshot"


def test_an_outside_change_is_announced_as_reloaded(
    heard: tuple[ProjectSession, list[ProjectChanged]], db_path: Path
) -> None:
    session, events = heard
    exp = session.add({"title": "x"})
    script = open_session(db_path, journal.BY_COMMAND)
    script.triage(exp.id, Quadrant.QUICK_WIN)
    script.repository.close()
    events.clear()
    assert session.refresh_if_changed()
    assert [e.what for e in events] == [What.RELOADED]
    assert not session.refresh_if_changed()  # nothing new: nothing announced
    assert len(events) == 1


def test_undo_survives_a_restart(db_path: Path) -> None:
    first = open_session(db_path)
    exp = first.add({"title": "Class-weighted loss"})
    first.triage(exp.id, Quadrant.QUICK_WIN)
    first.repository.close()

    later = open_session(db_path)  # the next morning
    undone = later.undo()
    assert undone.description == f"triage #{exp.id} to Quick win"
    assert later.get(exp.id).status is Status.IDEA
    later.repository.close()


def test_the_app_takes_back_its_own_changes_and_a_script_any(db_path: Path) -> None:
    app = open_session(db_path)
    mine = app.add({"title": "mine"})
    script = open_session(db_path, journal.BY_COMMAND)
    theirs = script.add({"title": "theirs"})

    undone = app.undo()  # the app's u: its own add, not the script's newer one
    assert undone.description == f"add #{mine.id}"
    with pytest.raises(NothingToUndo):
        app.undo()
    assert script.undo(by=None).description == f"add #{theirs.id}"  # iterate-tui undo
    assert script.repository.count() == 0
    app.repository.close()
    script.repository.close()


def test_a_change_and_its_journal_entry_are_one_write(
    repo: Repository, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = ProjectSession(repo, Clock())
    exp = session.add({"title": "x"})
    before = db_path.read_bytes()

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("iterate_tui.store.storage.write_atomic", full)
    with pytest.raises(OSError):
        session.triage(exp.id, Quadrant.QUICK_WIN)
    assert db_path.read_bytes() == before
    assert session.get(exp.id) == exp
    assert [e.description for e in session.journal()] == [f"add #{exp.id}"]


def test_the_journal_is_in_the_file_and_bounded(
    repo: Repository, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(journal, "KEEP", 5)
    session = ProjectSession(repo, Clock())
    exp = session.add({"title": "x"})
    for n in range(8):
        session.edit(exp.id, {"title": f"t{n}"})
    stored = orjson.loads(db_path.read_bytes())[JOURNAL_TABLE]
    assert len(stored) == 5
    assert sorted(int(k) for k in stored) == [5, 6, 7, 8, 9]  # ids keep counting up
    assert stored["9"]["what"] == f"edit #{exp.id}" and stored["9"]["by"] == "app"
    assert stored["9"]["experiments"][0]["after"]["title"] == "t7"


def test_settings_changes_are_undone_too(repo: Repository) -> None:
    session = ProjectSession(repo, Clock())
    old = session.settings
    session.update_settings(dataclasses.replace(old, phase=Phase.LATE, w_info=0.5))
    assert session.settings.phase is Phase.LATE
    undone = session.undo()
    assert undone.description == "change the settings"
    assert session.settings == old


def test_settings_changed_elsewhere_are_not_overwritten(repo: Repository) -> None:
    session = ProjectSession(repo, Clock())
    session.update_settings(dataclasses.replace(session.settings, phase=Phase.MIDDLE))
    repo.save_settings(dataclasses.replace(repo.settings(), name="renamed by hand"))
    with pytest.raises(IterateError, match="the settings changed elsewhere"):
        session.undo()
    assert repo.settings().name == "renamed by hand"


def test_an_import_is_undone_as_one_change(repo: Repository) -> None:
    session = ProjectSession(repo, Clock())
    stored = session.add_many([Experiment(f"row {n}") for n in range(3)], "import of 3")
    assert repo.count() == 3
    assert session.undo().changes == tuple(Change(e, None) for e in reversed(stored))
    assert repo.count() == 0


def test_an_import_too_large_to_keep_is_recorded_but_not_undone(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("iterate_tui.session.MOST_EXPERIMENTS", 2)
    session = ProjectSession(repo, Clock())
    session.add_many([Experiment(f"row {n}") for n in range(3)], "import of 3")
    [entry] = session.journal()
    assert entry.description == "import of 3" and not entry.undoable and not entry.steps
    with pytest.raises(NothingToUndo):
        session.undo()
    assert repo.count() == 3


def test_a_change_serializes_its_experiment_and_its_entry_only(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The journal's entries are kept serialized like the experiments: a change pays for
    its own two documents, not for the few hundred entries before it."""
    from iterate_tui.store import storage

    session = ProjectSession(repo, Clock())
    ids = [
        session.add({"title": f"idea {n}", "impact": "3", "probability": "50%"}).id
        for n in range(30)
    ]
    monkeypatch.setattr(storage, "VERIFY_SERIALIZE", False)
    real = orjson.dumps
    documents: list[object] = []

    def counting(obj: object, *args: object, **kwargs: object) -> bytes:
        if isinstance(obj, dict) and len(obj) == 1 and str(next(iter(obj))).isdigit():
            documents.append(obj)
        return real(obj, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(orjson, "dumps", counting)
    session.triage(ids[3], Quadrant.QUICK_WIN)
    assert len(documents) == 2  # the experiment and its journal entry
    monkeypatch.setattr(orjson, "dumps", real)
    assert orjson.loads(repo.store.path.read_bytes())[JOURNAL_TABLE] == {
        key: orjson.loads(orjson.dumps(doc))
        for key, doc in repo.store.storage.documents(JOURNAL_TABLE).items()
    }


def test_a_change_is_kept_as_what_changed_and_undone_exactly(repo: Repository) -> None:
    """A step keeps the fields that changed and what the history gained, not the whole
    document twice: an entry of a much-nudged experiment stays small, and undo puts back
    the document byte for byte."""
    session = ProjectSession(repo, Clock())
    exp = session.add({"title": "Nudged", "impact": "3", "probability": "50%", "tags": "a b"})
    exp = session.triage(exp.id, Quadrant.QUICK_WIN)
    for n in range(40):  # a long estimate history
        session.nudge_probability(exp.id, 1 if n % 2 else -1)
    before = dict(repo.document(exp.id) or {})
    session.edit(exp.id, {"impact": "4", "tags": ""})  # tags emptied: the field goes
    [entry, *_] = session.journal(1)
    [step] = entry.steps
    assert step.changed and set(step.before or {}) == {"impact", "tags", "updated_at"}
    assert step.after is not None and step.after["tags"] is None and step.after["impact"] == 4
    assert len(step.appended) == 1  # the impact's change, added to the history
    stored = orjson.loads(repo.store.path.read_bytes())[JOURNAL_TABLE][str(entry.id)]
    assert len(orjson.dumps(stored)) < 700
    assert len(orjson.dumps(before["history"])) > 2000
    session.undo()
    assert repo.document(exp.id) == before


def test_a_change_made_anyhow_since_is_seen(repo: Repository) -> None:
    session = ProjectSession(repo, Clock())
    exp = session.triage(session.add({"title": "x"}).id, Quadrant.AVOID)
    [entry, *_] = session.journal(1)
    [step] = entry.steps
    assert step.left_as_is(repo.document(exp.id))
    # the title was not in the change: still seen, by the whole document's fingerprint
    repo.save(dataclasses.replace(repo.get(exp.id), title="by hand"))
    assert not step.left_as_is(repo.document(exp.id))
    assert not step.left_as_is(None)
