"""The session behind every key: each change is one write (with its journal entry) and can
be undone, also after a restart; undo refuses to overwrite what was changed elsewhere (the
same repository, or another process writing the same file); every change is announced."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from iterate_tui.domain.enums import Outcome, Quadrant, Status
from iterate_tui.domain.errors import IterateError, TransitionError, ValidationError
from iterate_tui.domain.experiment import Experiment
from iterate_tui.session import NothingToUndo, ProjectSession
from iterate_tui.store import journal
from iterate_tui.store.errors import NotFoundError
from iterate_tui.store.project import ProjectStore
from iterate_tui.store.repository import Repository

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


class Clock:
    """A clock that moves one minute on every reading, so every change has its own time."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


@pytest.fixture
def session(repo: Repository) -> ProjectSession:
    return ProjectSession(repo, Clock())


@pytest.fixture
def other_process(db_path: Path, repo: Repository) -> Iterator[Callable[[], Repository]]:
    """A second store on the same file, as a training script would open it."""
    opened: list[ProjectStore] = []

    def open_other() -> Repository:
        store = ProjectStore.open(db_path)
        opened.append(store)
        return Repository(store)

    yield open_other
    for store in opened:
        store.close()


def on_disk(db_path: Path, exp_id: int) -> Experiment:
    store = ProjectStore.open(db_path)
    try:
        return Repository(store).get(exp_id)
    finally:
        store.close()


def idea(session: ProjectSession, title: str = "Mixup", **values: object) -> Experiment:
    return session.add({"title": title, **values})


def triaged(session: ProjectSession, title: str = "Class-weighted loss") -> Experiment:
    exp = idea(session, title)
    return session.triage(exp.id, Quadrant.QUICK_WIN)


class TestChanges:
    def test_add_stores_with_an_id(self, session: ProjectSession, repo: Repository) -> None:
        exp = idea(session, impact="4", probability="70%")
        assert exp.id >= 1
        assert repo.get(exp.id) == exp
        assert session.experiments() == [exp]
        assert session.get(exp.id) == exp
        last = session.last_undoable()
        assert last is not None and last.description == f"add #{exp.id}"

    def test_add_applies_the_does_it_matter_rule(self, session: ProjectSession) -> None:
        exp = idea(session, matters="No.")
        assert exp.status is Status.SKIPPED
        assert exp.skip_reason == "does not matter: No."

    def test_invalid_add_stores_nothing(self, session: ProjectSession, repo: Repository) -> None:
        with pytest.raises(ValidationError):
            idea(session, probability="nan")
        assert repo.count() == 0
        assert session.last_undoable() is None and session.journal() == []

    def test_every_change_is_written(self, session: ProjectSession, db_path: Path) -> None:
        exp = triaged(session)
        session.nudge_impact(exp.id, 1)
        session.nudge_probability(exp.id, -2)
        session.start(exp.id)
        session.finish(exp.id, Outcome.SUCCESS, ["0.81", "0.83"], actual_cost="2", learned="ok")
        stored = on_disk(db_path, exp.id)
        assert stored == session.get(exp.id)
        assert stored.status is Status.DONE
        assert (stored.started_impact, stored.started_probability) == (5, 0.6)
        assert stored.values == (0.81, 0.83)

    def test_a_change_that_changes_nothing_is_not_recorded(self, session: ProjectSession) -> None:
        exp = triaged(session)
        depth_before = session.journal()
        assert session.triage(exp.id, Quadrant.QUICK_WIN) == exp
        assert session.nudge_probability(exp.id, 0) == exp
        assert session.edit(exp.id, {"title": exp.title}) == exp
        assert session.journal() == depth_before

    def test_domain_errors_reach_the_caller(self, session: ProjectSession) -> None:
        exp = idea(session)
        with pytest.raises(TransitionError):
            session.start(exp.id)  # not estimated yet
        with pytest.raises(ValidationError):
            session.skip(exp.id, "  ")
        with pytest.raises(NotFoundError):
            session.triage(999, Quadrant.AVOID)
        with pytest.raises(NotFoundError):
            session.delete(999)


class TestUndo:
    def test_nothing_to_undo(self, session: ProjectSession) -> None:
        with pytest.raises(NothingToUndo, match="nothing to undo"):
            session.undo()
        assert issubclass(NothingToUndo, IterateError)

    def test_undo_add_removes_it(self, session: ProjectSession, repo: Repository) -> None:
        exp = idea(session)
        change = session.undo()
        assert change.description == f"add #{exp.id}"
        assert change.before == exp and change.after is None  # the undo removed it
        assert repo.count() == 0
        with pytest.raises(NothingToUndo):
            session.undo()

    def test_undo_edit(self, session: ProjectSession, repo: Repository) -> None:
        exp = idea(session, impact="2")
        edited = session.edit(exp.id, {"impact": "3", "title": "Renamed"})
        assert edited.history and edited.title == "Renamed"
        change = session.undo()
        assert change.description == f"edit #{exp.id}"
        assert repo.get(exp.id) == exp

    def test_undo_edit_that_skipped_the_idea(
        self, session: ProjectSession, repo: Repository
    ) -> None:
        exp = idea(session)
        assert session.edit(exp.id, {"matters": "no, nobody reads that report"}).status is (
            Status.SKIPPED
        )
        session.undo()
        assert repo.get(exp.id) == exp
        assert repo.get(exp.id).status is Status.IDEA

    def test_undo_triage(self, session: ProjectSession, repo: Repository) -> None:
        exp = idea(session)
        session.triage(exp.id, Quadrant.MOONSHOT)
        change = session.undo()
        assert change.description == f"triage #{exp.id} to Moonshot"
        restored = repo.get(exp.id)
        assert restored == exp
        assert restored.status is Status.IDEA and restored.impact is None

    def test_undo_nudges(self, session: ProjectSession, repo: Repository) -> None:
        exp = triaged(session)
        up = session.nudge_impact(exp.id, 1)
        session.nudge_probability(exp.id, 1)
        assert session.undo().description == f"probability of #{exp.id}"
        assert repo.get(exp.id) == up
        assert session.undo().description == f"impact of #{exp.id}"
        assert repo.get(exp.id) == exp

    def test_undo_start(self, session: ProjectSession, repo: Repository) -> None:
        exp = triaged(session)
        session.start(exp.id)
        session.undo()
        restored = repo.get(exp.id)
        assert restored == exp
        assert restored.status is Status.BACKLOG and restored.started_impact is None

    def test_undo_finish(self, session: ProjectSession, repo: Repository) -> None:
        exp = triaged(session)
        started = session.start(exp.id)
        session.finish(exp.id, Outcome.FAILURE, [], learned="no signal")
        session.undo()
        assert repo.get(exp.id) == started

    def test_undo_finish_of_a_backlog_item(self, session: ProjectSession, repo: Repository) -> None:
        exp = triaged(session)
        session.finish(exp.id, Outcome.SUCCESS, [0.9])  # started on the way: one change
        session.undo()
        assert repo.get(exp.id) == exp

    def test_undo_skip(self, session: ProjectSession, repo: Repository) -> None:
        exp = triaged(session)
        session.skip(exp.id, "superseded")
        assert session.undo().description == f"skip #{exp.id}"
        assert repo.get(exp.id) == exp

    def test_undo_delete_puts_it_back_under_its_id(
        self, session: ProjectSession, repo: Repository, db_path: Path
    ) -> None:
        first = triaged(session, "first")
        second = triaged(session, "second")
        removed = session.delete(first.id)
        assert removed == first
        assert [e.id for e in repo.experiments()] == [second.id]
        change = session.undo()
        assert change.description == f"delete #{first.id}"
        assert change.before is None and change.after == first
        assert repo.get(first.id) == first
        assert on_disk(db_path, first.id) == first

    def test_undo_walks_back_in_order(self, session: ProjectSession, repo: Repository) -> None:
        exp = idea(session)
        states = [exp]
        states.append(session.triage(exp.id, Quadrant.INCREMENTAL))
        states.append(session.nudge_impact(exp.id, 2))
        states.append(session.nudge_probability(exp.id, -3))
        states.append(session.start(exp.id))
        session.finish(exp.id, Outcome.INCONCLUSIVE, ["0.5"])
        for state in reversed(states):
            session.undo()
            assert repo.get(exp.id) == state
        session.undo()  # the add
        assert repo.count() == 0
        with pytest.raises(NothingToUndo):
            session.undo()

    def test_undo_survives_a_reopen_of_the_file(
        self, session: ProjectSession, db_path: Path
    ) -> None:
        exp = triaged(session)
        session.nudge_impact(exp.id, -1)
        session.undo()
        assert on_disk(db_path, exp.id) == exp

    def test_depth_is_limited(
        self, session: ProjectSession, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(journal, "KEEP", 20)
        exp = triaged(session)  # the add and the triage are the first two entries
        for i in range(journal.KEEP + 5):
            session.edit(exp.id, {"title": f"title {i}"})
        assert len(session.journal()) == journal.KEEP
        for _ in range(journal.KEEP):
            session.undo()
        with pytest.raises(NothingToUndo):
            session.undo()
        assert session.get(exp.id).title == "title 4"


class TestUndoRefusesOutsideChanges:
    def test_changed_through_the_repository(
        self, session: ProjectSession, repo: Repository
    ) -> None:
        exp = triaged(session)
        session.nudge_impact(exp.id, 1)
        meddled = repo.save(dataclasses.replace(repo.get(exp.id), title="changed elsewhere"))
        with pytest.raises(IterateError) as info:
            session.undo()
        assert not isinstance(info.value, NothingToUndo)
        message = str(info.value)
        assert f"impact of #{exp.id}" in message and "changed elsewhere" in message
        assert repo.get(exp.id) == meddled  # the outside change is kept

    def test_the_refused_change_is_dropped_and_undo_goes_on(
        self, session: ProjectSession, repo: Repository
    ) -> None:
        first = idea(session, "first")
        session.triage(first.id, Quadrant.QUICK_WIN)
        second = idea(session, "second")
        repo.save(dataclasses.replace(second, title="meddled"))
        with pytest.raises(IterateError, match=f"cannot undo add #{second.id}"):
            session.undo()
        # The refused change is forgotten; the one before it is undone normally.
        assert session.undo().description == f"triage #{first.id} to Quick win"
        assert repo.get(first.id) == first
        assert repo.get(second.id).title == "meddled"

    def test_deleted_elsewhere(self, session: ProjectSession, repo: Repository) -> None:
        exp = triaged(session)
        session.nudge_probability(exp.id, 1)
        repo.delete(exp.id)
        with pytest.raises(IterateError, match="changed elsewhere"):
            session.undo()
        with pytest.raises(NotFoundError):
            repo.get(exp.id)

    def test_re_added_elsewhere_after_a_delete(
        self, session: ProjectSession, repo: Repository
    ) -> None:
        exp = triaged(session)
        session.delete(exp.id)
        replacement = dataclasses.replace(exp, title="restored by hand")
        repo.put_back(replacement)
        with pytest.raises(IterateError, match="changed elsewhere"):
            session.undo()
        assert repo.get(exp.id) == replacement

    def test_changed_by_another_process(
        self,
        session: ProjectSession,
        other_process: Callable[[], Repository],
        db_path: Path,
    ) -> None:
        exp = triaged(session)
        session.nudge_impact(exp.id, 1)
        script = ProjectSession(other_process(), Clock(), by=journal.BY_COMMAND)
        script.finish(exp.id, Outcome.SUCCESS, [0.91])
        # No polling happened in between: undo must still see the file as it is now.
        with pytest.raises(IterateError, match="changed elsewhere"):
            session.undo()
        stored = on_disk(db_path, exp.id)
        assert stored.status is Status.DONE and stored.values == (0.91,)

    def test_another_process_changing_another_experiment_does_not_block_undo(
        self,
        session: ProjectSession,
        other_process: Callable[[], Repository],
        db_path: Path,
    ) -> None:
        mine = triaged(session, "mine")
        theirs = triaged(session, "theirs")
        session.nudge_impact(mine.id, -1)
        ProjectSession(other_process(), Clock(), by=journal.BY_COMMAND).skip(
            theirs.id, "no GPU free"
        )
        session.undo()
        assert on_disk(db_path, mine.id) == mine
        assert on_disk(db_path, theirs.id).status is Status.SKIPPED

    def test_a_change_is_built_on_the_file_as_it_is_now(
        self,
        session: ProjectSession,
        other_process: Callable[[], Repository],
        db_path: Path,
    ) -> None:
        exp = triaged(session)
        ProjectSession(other_process(), Clock()).finish(exp.id, Outcome.SUCCESS, [0.9])
        # The script's result is seen: a finished experiment cannot be triaged again,
        # instead of the stale copy being written back over the result.
        with pytest.raises(TransitionError):
            session.triage(exp.id, Quadrant.AVOID)
        assert on_disk(db_path, exp.id).status is Status.DONE
