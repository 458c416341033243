"""Scoring is total: every value validation accepts gives a finite score, and every read of
a project made of such values succeeds (``list --json``, ``show``, export as JSON and CSV).

Three layers, from fast to thorough: the score over the accepted ranges (their edges
included), the parsers fed anything at all (whatever they accept scores finitely), and
whole projects written through the store and read back by the command line.
"""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from iterate_tui.__main__ import main
from iterate_tui.domain import fields
from iterate_tui.domain.enums import Outcome, Status
from iterate_tui.domain.errors import ValidationError
from iterate_tui.domain.experiment import Experiment
from iterate_tui.domain.ranking import rank
from iterate_tui.domain.scoring import breakdown, score, score_of
from iterate_tui.domain.settings import ALPHA_MAX, SPECS, W_INFO_MAX, ProjectSettings
from iterate_tui.store.project import ProjectStore
from iterate_tui.store.repository import Repository


def edges(low: float, high: float) -> st.SearchStrategy[float]:
    """Anything from ``low`` to ``high``, with the edges themselves drawn often."""
    return st.sampled_from([low, high]) | st.floats(low, high)


costs = edges(fields.COST_MIN, fields.COST_MAX) | st.sampled_from([1e-5, 0.5, 1.0, 3e8])
alphas = edges(0.0, ALPHA_MAX)
weights = edges(0.0, W_INFO_MAX)
probabilities = edges(0.0, 1.0)
impacts = st.integers(1, 5)
infos = st.integers(0, 3)
metric_values = edges(-fields.VALUE_MAX, fields.VALUE_MAX)


@given(impacts, probabilities, infos, costs, alphas, weights)
def test_every_accepted_value_scores_finitely(
    impact: int, probability: float, info: int, cost: float, alpha: float, w_info: float
) -> None:
    chosen = ProjectSettings(alpha=alpha, w_info=w_info)
    value = score_of(impact, probability, info, cost, chosen)
    assert math.isfinite(value) and value >= 0.0
    exp = Experiment("x", id=1, impact=impact, probability=probability, info_value=info, cost=cost)
    terms = breakdown(exp, chosen)
    assert terms is not None and terms.score == score(exp, chosen)
    assert all(math.isfinite(getattr(terms, name)) for name in ("divisor", "numerator", "score"))
    assert all(line.isprintable() for line in terms.lines("GPU-hours"))


anything = (
    st.text(max_size=12)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.integers(-(10**400), 10**400)
    | st.sampled_from(["1e400", "5e-324", "1_0", "-0", "1e-7", "3e2%", " 1.000001 ", "٣"])
)


@given(anything, anything, anything, anything)
def test_whatever_the_parsers_accept_scores_finitely(
    raw_cost: Any, raw_probability: Any, raw_alpha: Any, raw_w_info: Any
) -> None:
    """Fed anything at all, a parser either refuses it (naming its field) or returns a value
    within its range; combined, the accepted values always score finitely."""
    try:
        cost = fields.cost(raw_cost)
        probability = fields.probability(raw_probability)
        alpha = SPECS["alpha"].parse(str(raw_alpha))
        w_info = SPECS["w_info"].parse(str(raw_w_info))
    except ValidationError as exc:
        assert exc.field in ("cost", "probability", "alpha", "w_info")
        return
    assert fields.COST_MIN <= cost <= fields.COST_MAX and 0.0 <= probability <= 1.0
    assert math.copysign(1.0, probability) == 1.0  # never -0.0
    chosen = ProjectSettings(alpha=alpha, w_info=w_info)
    assert math.isfinite(score_of(5, probability, 3, cost, chosen))


# -- whole projects, read back by the command line ----------------------------------------
T = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@st.composite
def experiments(draw: st.DrawFn) -> Experiment:
    status = draw(st.sampled_from(list(Status)))
    estimated = status is not Status.IDEA or draw(st.booleans())
    impact = draw(impacts) if estimated else None
    probability = draw(probabilities) if estimated else None
    started = status in (Status.RUNNING, Status.DONE)
    done = status is Status.DONE
    outcome = draw(st.sampled_from(list(Outcome))) if done else None
    values = tuple(draw(st.lists(metric_values, min_size=1, max_size=4))) if done else ()
    return Experiment(
        draw(st.text(st.characters(codec="utf-8"), min_size=1, max_size=20)),
        impact=impact,
        probability=probability,
        cost=draw(costs),
        info_value=draw(infos),
        tier=draw(st.integers(1, 3)),
        tags=tuple(draw(st.lists(st.sampled_from(["a", "vision", "lr/3e-4"]), unique=True))),
        status=status,
        outcome=outcome,
        values=values,
        actual_cost=draw(st.none() | edges(0.0, fields.COST_MAX)) if done else None,
        skip_reason="no" if status is Status.SKIPPED else "",
        started_impact=impact if started else None,
        started_probability=probability if started else None,
        created_at=T,
        updated_at=T,
        triaged_at=T if status is not Status.IDEA else None,
        started_at=T if started else None,
        finished_at=T if done or status is Status.SKIPPED else None,
    )


project_settings = st.builds(
    ProjectSettings,
    alpha=alphas,
    w_info=weights,
    impact_threshold=st.integers(2, 5),
    probability_threshold=edges(0.05, 1.0),
    moonshot_share=probabilities,
    budget_total=st.none() | edges(1e-6, 1e12),
    baseline=st.none() | metric_values,
    target=st.none() | metric_values,
)


def command(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> str:
    code = main(["--db", str(db), *args])
    captured = capsys.readouterr()
    assert code == 0, (args, captured.err)
    assert "unexpected" not in captured.err and "Traceback" not in captured.err
    return captured.out


def _no_constant(name: str) -> float:
    raise AssertionError(f"{name} in JSON output")


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(experiments(), min_size=1, max_size=6), project_settings)
def test_every_read_of_a_project_of_accepted_values_succeeds(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    batch: list[Experiment],
    chosen: ProjectSettings,
) -> None:
    monkeypatch.delenv("ITERATE_TUI_DB", raising=False)
    db = tmp_path / f"p{len(list(tmp_path.iterdir()))}" / "project.json"
    store = ProjectStore.open(db)
    try:
        repo = Repository(store)
        repo.save_settings(chosen)
        saved = repo.add_many(batch)
        assume(saved)
        assert all(
            math.isfinite(s) for e in rank(saved, chosen) if (s := score(e, chosen)) is not None
        )
    finally:
        store.close()
    listed = json.loads(command(capsys, db, "list", "--status", "all", "--json"),
                        parse_constant=_no_constant)  # fmt: skip
    assert len(listed) == len(batch)
    assert all(r["score"] is None or math.isfinite(r["score"]) for r in listed)
    command(capsys, db, "list", "--status", "all")
    for exp in saved[:2]:
        command(capsys, db, "show", str(exp.id))
        json.loads(command(capsys, db, "show", str(exp.id), "--json"), parse_constant=_no_constant)
    exported = json.loads(command(capsys, db, "export"), parse_constant=_no_constant)
    assert len(exported) == len(batch)
    rows = list(csv.DictReader(io.StringIO(command(capsys, db, "export", "--format", "csv"))))
    assert len(rows) == len(batch)
    assert all(r["score"] == "" or math.isfinite(float(r["score"])) for r in rows)
    command(capsys, db, "settings")
