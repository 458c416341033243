"""Values: NaN and infinities refused before anything is written; the codec round-trips every
valid experiment and settings value, in memory and through the file."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iterate_tui.domain.enums import Activity, Direction, Outcome, Phase, Status, Support
from iterate_tui.domain.errors import ValidationError
from iterate_tui.domain.experiment import EstimateChange, Experiment
from iterate_tui.domain.fields import COST_MAX, COST_MIN, VALUE_MAX
from iterate_tui.domain.settings import ALPHA_MAX, BUDGET_MAX, W_INFO_MAX, ProjectSettings
from iterate_tui.store.codec import (
    doc_to_experiment,
    doc_to_settings,
    ensure_finite,
    experiment_to_doc,
    settings_to_doc,
)
from iterate_tui.store.project import ProjectStore
from iterate_tui.store.repository import Repository

BAD = [math.nan, math.inf, -math.inf]
T = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


# -- ensure_finite ------------------------------------------------------------------------------
@pytest.mark.parametrize("bad", BAD, ids=["nan", "inf", "-inf"])
@pytest.mark.parametrize(
    ("make", "where"),
    [
        (lambda x: x, "doc"),
        (lambda x: {"a": x}, "doc.a"),
        (lambda x: {"a": {"b": [1.0, x]}}, "doc.a.b"),
        (lambda x: [1, (2.0, x)], "doc"),
        (lambda x: {"h": [{"old": 1, "new": x}]}, "doc.h.new"),
    ],
)
def test_ensure_finite_refuses_nan_and_infinities(
    bad: float, make: Callable[[float], Any], where: str
) -> None:
    with pytest.raises(ValidationError, match="NaN and infinity cannot be stored") as info:
        ensure_finite(make(bad), "doc")
    assert info.value.field == where


def test_ensure_finite_accepts_finite_values() -> None:
    ensure_finite(
        {"a": [0.0, -0.0, 1e308, -1e-308, 5, True, None, "nan", "inf"], "b": {"c": (1.5,)}}, "doc"
    )


# -- the repository refuses before writing --------------------------------------------------------
EXPERIMENT_FIELDS: list[Callable[[Experiment, float], Experiment]] = [
    lambda e, x: dataclasses.replace(e, cost=x),
    lambda e, x: dataclasses.replace(e, probability=x),
    lambda e, x: dataclasses.replace(e, actual_cost=x),
    lambda e, x: dataclasses.replace(e, values=(0.5, x)),
    lambda e, x: dataclasses.replace(e, started_probability=x),
    lambda e, x: dataclasses.replace(e, history=(EstimateChange(T, "probability", 0.5, x),)),
    lambda e, x: dataclasses.replace(e, history=(EstimateChange(T, "probability", x, 0.5),)),
]
SETTINGS_FIELDS = [
    "baseline",
    "target",
    "budget_total",
    "w_info",
    "alpha",
    "probability_threshold",
    "moonshot_share",
]


@pytest.fixture
def filled(repo: Repository) -> Repository:
    repo.add_many([Experiment("one", probability=0.5), Experiment("two", cost=2.0)])
    repo.save_settings(ProjectSettings(name="p", baseline=0.7))
    return repo


def assert_nothing_written(repo: Repository, write: Callable[[], object]) -> None:
    path = repo.store.path
    before = (path.read_bytes(), path.stat().st_ino, repo.store.lock.generation())
    experiments, project = repo.experiments(), repo.settings()
    with pytest.raises(ValidationError, match="NaN and infinity cannot be stored"):
        write()
    assert (path.read_bytes(), path.stat().st_ino, repo.store.lock.generation()) == before
    assert repo.experiments() == experiments and repo.settings() == project
    assert Repository(ProjectStore.open(path)).experiments() == experiments


@pytest.mark.parametrize("bad", BAD, ids=["nan", "inf", "-inf"])
@pytest.mark.parametrize("field", range(len(EXPERIMENT_FIELDS)))
def test_repository_refuses_non_finite_experiment_values(
    filled: Repository, bad: float, field: int
) -> None:
    spoil = EXPERIMENT_FIELDS[field]
    existing = filled.get(1)
    assert_nothing_written(filled, lambda: filled.add(spoil(Experiment("new"), bad)))
    assert_nothing_written(
        filled, lambda: filled.add_many([Experiment("fine"), spoil(Experiment("new"), bad)])
    )
    assert_nothing_written(filled, lambda: filled.save(spoil(existing, bad)))
    assert_nothing_written(filled, lambda: filled.put_back(spoil(existing, bad)))
    assert_nothing_written(
        filled, lambda: filled.put_back(spoil(dataclasses.replace(existing, id=9), bad))
    )


@pytest.mark.parametrize("bad", BAD, ids=["nan", "inf", "-inf"])
@pytest.mark.parametrize("field", SETTINGS_FIELDS)
def test_repository_refuses_non_finite_settings(filled: Repository, bad: float, field: str) -> None:
    change: dict[str, Any] = {field: bad}
    spoilt = dataclasses.replace(filled.settings(), **change)
    assert_nothing_written(filled, lambda: filled.save_settings(spoilt))


# -- round trips (hypothesis) ----------------------------------------------------------------------
def _with_deadline(deadline_after: int | None, **values: Any) -> ProjectSettings:
    """Settings whose deadline (if any) is ``deadline_after`` days after the start."""
    start = values["start_date"]
    deadline = None if deadline_after is None else start + timedelta(days=deadline_after)
    return ProjectSettings(**values, deadline=deadline)


# Text the JSON file can hold: any character but lone surrogates.
text = st.text(st.characters(codec="utf-8"), max_size=30)
finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
#: Metric values, baselines and targets: what ``fields.finite`` accepts.
values = st.floats(-VALUE_MAX, VALUE_MAX)
timestamps = st.datetimes(
    min_value=datetime(1970, 1, 1),
    max_value=datetime(2100, 1, 1),
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=5, minutes=30)), UTC]),
)
optional_timestamps = st.none() | timestamps
changes = st.builds(
    EstimateChange,
    at=timestamps,
    field=st.sampled_from(["impact", "probability", "cost"]),
    old=st.none() | st.integers(1, 5) | finite,
    new=st.none() | st.integers(1, 5) | finite,
    reason=text,
)
experiments = st.builds(
    Experiment,
    title=text.filter(bool),
    id=st.just(0),
    hypothesis=text,
    matters=text,
    impact=st.none() | st.integers(1, 5),
    probability=st.none() | st.floats(0.0, 1.0),
    cost=st.floats(min_value=COST_MIN, max_value=COST_MAX) | st.integers(1, 10**6),
    info_value=st.integers(0, 3),
    activity=st.sampled_from(Activity),
    tier=st.integers(1, 3),
    explore=st.none() | st.booleans(),
    tags=st.lists(text.filter(bool), max_size=3).map(tuple),
    status=st.sampled_from(Status),
    outcome=st.none() | st.sampled_from(Outcome),
    values=st.lists(values, max_size=4).map(tuple),
    actual_cost=st.none() | st.floats(0.0, 1e6),
    learned=text,
    skip_reason=text,
    started_impact=st.none() | st.integers(1, 5),
    started_probability=st.none() | st.floats(0.0, 1.0),
    created_at=timestamps,
    updated_at=timestamps,
    triaged_at=optional_timestamps,
    started_at=optional_timestamps,
    finished_at=optional_timestamps,
    history=st.lists(changes, max_size=3).map(tuple),
)
project_settings = st.builds(
    _with_deadline,
    name=text,
    metric_name=text,
    direction=st.sampled_from(Direction),
    baseline=st.none() | values,
    target=st.none() | values,
    start_date=st.dates(date(1990, 1, 1), date(2100, 1, 1)),
    deadline_after=st.none() | st.integers(0, 365 * 50),
    budget_total=st.none() | st.floats(0.0, BUDGET_MAX, exclude_min=True),
    budget_unit=text,
    phase=st.sampled_from(Phase),
    support=st.sampled_from(Support),
    support_confirmed=st.none() | st.dates(date(1990, 1, 1), date(2100, 1, 1)),
    w_info=st.floats(0.0, W_INFO_MAX),
    alpha=st.floats(0.0, ALPHA_MAX),
    impact_threshold=st.integers(2, 5),
    probability_threshold=st.floats(0.05, 1.0),
    moonshot_share=st.floats(0.0, 1.0),
)


@given(experiments, st.integers(1, 10**6))
def test_experiment_document_round_trip(exp: Experiment, doc_id: int) -> None:
    stored = dataclasses.replace(exp, id=doc_id)
    doc = experiment_to_doc(stored)
    assert doc_to_experiment(doc_id, doc) == stored
    # Sparse: nothing empty is written.
    assert all(value not in ("", [], None) for value in doc.values())


@given(project_settings)
def test_settings_document_round_trip(value: ProjectSettings) -> None:
    assert doc_to_settings(settings_to_doc(value)) == value


def test_missing_settings_fields_take_the_defaults() -> None:
    assert doc_to_settings({}) == ProjectSettings()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(experiments, min_size=1, max_size=5), project_settings)
def test_what_is_stored_is_what_a_fresh_open_reads(
    tmp_path: Path, batch: list[Experiment], value: ProjectSettings
) -> None:
    """The repository keeps what it was given in memory; that must be exactly what the
    file holds, as read by a separate store."""
    path = tmp_path / f"{id(batch)}-{len(list(tmp_path.iterdir()))}" / "project.json"
    mine = Repository(ProjectStore.open(path))
    try:
        stored = mine.add_many(batch)
        stored.append(mine.add(batch[0]))
        mine.save_settings(value)
        fresh = Repository(ProjectStore.open(path))
        try:
            assert fresh.experiments() == mine.experiments() == stored
            assert fresh.settings() == mine.settings() == value
        finally:
            fresh.store.close()
    finally:
        mine.store.close()
