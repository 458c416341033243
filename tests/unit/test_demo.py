"""The shipped demo project: valid, rich enough to show every feature, deterministic, and
never changed by playing with it."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from iterate_tui.demo import demo_copy, demo_source
from iterate_tui.domain import lifecycle
from iterate_tui.domain.enums import (
    TIER_LABELS,
    Activity,
    Direction,
    Outcome,
    Phase,
    Quadrant,
    Status,
    Support,
)
from iterate_tui.domain.experiment import Experiment, Verdict
from iterate_tui.domain.matrix import quadrant
from iterate_tui.domain.settings import ProjectSettings
from iterate_tui.store.project import ProjectStore
from iterate_tui.store.repository import Repository

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "data" / "demo.json"
GENERATOR = ROOT / "data" / "make_demo.py"


@pytest.fixture
def opened(tmp_path: Path) -> Iterator[Repository]:
    """The shipped demo opened with the real store (from a copy: opening takes a lock)."""
    copy = tmp_path / "demo" / "demo.json"
    copy.parent.mkdir()
    copy.write_bytes(SHIPPED.read_bytes())
    store = ProjectStore.open(copy)
    try:
        yield Repository(store)
    finally:
        store.close()


@pytest.fixture
def experiments(opened: Repository) -> list[Experiment]:
    return opened.experiments()


@pytest.fixture
def settings(opened: Repository) -> ProjectSettings:
    return opened.settings()


def test_source_is_the_repository_file_in_a_checkout() -> None:
    assert demo_source().resolve() == SHIPPED.resolve()


def test_opens_with_the_current_schema(opened: Repository) -> None:
    assert not opened.store.read_only
    assert opened.store.migrated_from is None
    assert opened.count() >= 40


def test_settings(settings: ProjectSettings) -> None:
    assert settings.metric_name == "macro-F1"
    assert settings.direction is Direction.MAXIMIZE
    assert settings.baseline == pytest.approx(0.712)
    assert settings.target == pytest.approx(0.80)
    assert settings.start_date == date(2026, 10, 5)
    assert settings.deadline == date(2027, 1, 29)
    assert settings.budget_total == pytest.approx(400.0)
    assert settings.budget_unit == "GPU-hours"
    assert settings.phase is Phase.MIDDLE
    assert settings.support is Support.STRONG


def test_covers_every_status_quadrant_activity_tier_and_outcome(
    experiments: list[Experiment], settings: ProjectSettings
) -> None:
    assert {e.status for e in experiments} == set(Status)
    assert {quadrant(e, settings) for e in experiments} >= set(Quadrant)
    backlog = [e for e in experiments if e.status is Status.BACKLOG]
    assert {quadrant(e, settings) for e in backlog} == set(Quadrant)
    assert {e.activity for e in experiments} == set(Activity)
    assert {e.tier for e in experiments} == set(TIER_LABELS)
    assert {e.outcome for e in experiments if e.status is Status.DONE} == set(Outcome)
    assert {e.impact for e in experiments} >= {1, 2, 3, 4, 5}
    assert {e.info_value for e in experiments} == {0, 1, 2, 3}
    assert {e.explore for e in experiments} == {True, False, None}
    assert len({t for e in experiments for t in e.tags}) >= 5


def test_has_a_triage_inbox(experiments: list[Experiment]) -> None:
    ideas = [e for e in experiments if e.status is Status.IDEA]
    assert len(ideas) >= 8
    assert any(not e.estimated for e in ideas)
    assert any(e.estimated for e in ideas)


def test_finished_experiments_have_results(experiments: list[Experiment]) -> None:
    done = [e for e in experiments if e.status is Status.DONE]
    assert len(done) >= 15
    assert sum(len(e.values) >= 3 for e in done) >= 5
    for e in done:
        assert e.finished_at is not None and e.started_at is not None
        assert e.started_probability is not None and e.started_impact is not None
        assert e.actual_cost is not None and e.actual_cost > 0
        assert e.learned
    finished = sorted(e.finished_at for e in done if e.finished_at)
    assert finished[0] >= datetime(2026, 10, 5, tzinfo=UTC)
    assert finished[-1] <= datetime(2026, 11, 28, tzinfo=UTC)
    assert (finished[-1] - finished[0]).days >= 21
    assert all(0.5 < v < 1.0 for e in done for v in e.values)


def test_running_and_skipped(experiments: list[Experiment]) -> None:
    running = [e for e in experiments if e.status is Status.RUNNING]
    assert running and all(e.started_probability is not None for e in running)
    skipped = [e for e in experiments if e.status is Status.SKIPPED]
    assert skipped and all(e.skip_reason for e in skipped)
    # An idea answered "no" to "does it matter?" went to Avoid by the rule.
    assert any(
        e.verdict is Verdict.NO and e.skip_reason.startswith("does not matter") for e in skipped
    )


def test_estimate_history(experiments: list[Experiment]) -> None:
    reasons = {c.reason for e in experiments for c in e.history}
    assert "nudged" in reasons and "edited" in reasons
    assert any(r.startswith("triaged:") for r in reasons)


def test_timestamps_are_consistent(experiments: list[Experiment]) -> None:
    start, end = datetime(2026, 10, 5, tzinfo=UTC), datetime(2026, 11, 28, tzinfo=UTC)
    for e in experiments:
        stamps = [e.created_at, e.triaged_at, e.started_at, e.finished_at]
        known = [s for s in stamps if s is not None]
        assert known == sorted(known), e.title
        assert all(start <= s < end for s in known), e.title
        assert e.updated_at == max([*known, *(c.at for c in e.history)]), e.title


def test_markup_like_title_is_kept_verbatim(experiments: list[Experiment]) -> None:
    assert any("[CLS]" in e.title for e in experiments)


def test_demo_copy_is_private_and_separate() -> None:
    before = SHIPPED.read_bytes()
    copy = demo_copy()
    try:
        assert copy != demo_source()
        assert copy.resolve() != SHIPPED.resolve()
        assert copy.parent.name.startswith("iterate-tui-demo-")
        assert stat.S_IMODE(os.stat(copy.parent).st_mode) == 0o700
        assert stat.S_IMODE(os.stat(copy).st_mode) == 0o600
        assert copy.read_bytes() == before

        store = ProjectStore.open(copy)
        try:
            repo = Repository(store)
            now = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
            new = lifecycle.create({"title": "Played with the demo"}, repo.settings(), now)
            added = repo.add(new)
            idea = next(e for e in repo.experiments() if e.status is Status.IDEA)
            repo.save(lifecycle.skip(idea, "trying the app", now))
            assert repo.get(added.id).title == "Played with the demo"
        finally:
            store.close()
        assert copy.read_bytes() != before
        assert SHIPPED.read_bytes() == before
    finally:
        _remove_copy(copy)


def _remove_copy(copy: Path) -> None:
    for entry in copy.parent.iterdir():
        entry.unlink()
    copy.parent.rmdir()


def test_two_copies_are_different_folders() -> None:
    first, second = demo_copy(), demo_copy()
    try:
        assert first.parent != second.parent
        assert first.read_bytes() == second.read_bytes() == SHIPPED.read_bytes()
    finally:
        _remove_copy(first)
        _remove_copy(second)


def test_generator_is_deterministic_and_shipped_file_is_current(tmp_path: Path) -> None:
    out = tmp_path / "out" / "demo.json"
    subprocess.run(
        [sys.executable, str(GENERATOR), "--quiet", "--output", str(out)],
        check=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert out.read_bytes() == SHIPPED.read_bytes(), (
        "data/demo.json is out of date: run `python data/make_demo.py`"
    )
    # Only the JSON is written next to the output: no lock, temp or backup files.
    assert [p.name for p in out.parent.iterdir()] == ["demo.json"]
