"""Build a realistic project file with N experiments, through the real store.

Every experiment is made by the domain code (``lifecycle.create``, then ``triage`` /
``nudge_*`` / ``start`` / ``finish`` / ``skip`` for the ones that moved on) and the whole set
is stored with one ``Repository.add_many`` (one atomic write), so the file is exactly what
the app writes itself. The mix is roughly what a long-running project accumulates:

    ~12% untriaged ideas (a third of them with a first guess of impact/probability)
    ~45% triaged backlog items (some nudged, so they carry an estimate history)
    ~ 5% running, ~30% done (with 1-5 seed values), ~8% skipped with a reason

Titles, hypotheses, tags, activities, tiers, costs and estimates vary (fixed random seed,
fixed timestamps: the same N always gives the same file).

    .venv/bin/python bench/build_db.py 10000 /tmp/bench/project.json
"""

from __future__ import annotations

import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

_REPO = Path(__file__).resolve().parents[1]
if str(_REPO) not in sys.path:
    sys.path.insert(0, str(_REPO))

from iterate_tui.domain import lifecycle  # noqa: E402
from iterate_tui.domain.enums import Activity, Direction, Outcome, Quadrant  # noqa: E402
from iterate_tui.domain.experiment import Experiment  # noqa: E402
from iterate_tui.domain.settings import ProjectSettings  # noqa: E402
from iterate_tui.store.project import ProjectStore  # noqa: E402
from iterate_tui.store.repository import Repository  # noqa: E402

SEED = 20261128
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

SETTINGS = ProjectSettings(
    name="Benchmark: support-ticket routing",
    metric_name="macro-F1",
    direction=Direction.MAXIMIZE,
    baseline=0.712,
    target=0.80,
    budget_total=4000.0,
    budget_unit="GPU-hours",
)

VERBS = [
    "Try",
    "Add",
    "Replace",
    "Tune",
    "Ablate",
    "Distil",
    "Relabel",
    "Augment",
    "Ensemble",
    "Calibrate",
    "Prune",
    "Quantize",
    "Re-weight",
    "Pretrain",
    "Fine-tune",
    "Sweep",
]
THINGS = [
    "focal loss",
    "class weights",
    "label smoothing",
    "mixup on embeddings",
    "a 7B teacher",
    "the billing tickets",
    "warmup schedule",
    "cosine decay",
    "batch size",
    "dropout",
    "the tokenizer",
    "back-translation",
    "hard-negative mining",
    "a char-CNN branch",
    "the confusion pairs",
    "learning rate",
    "LoRA rank",
    "data dedup",
    "stratified splits",
    "temperature scaling",
    "contrastive pretraining",
    "the long tail",
    "gradient clipping",
    "EMA weights",
    "SWA",
    "early stopping",
    "the noisy annotator",
    "k-fold CV",
]
QUALIFIERS = [
    "",
    "",
    "",
    " on the small model",
    " with 3 seeds",
    " (v2)",
    " for the Spanish queue",
    " at 512 tokens",
    " after dedup",
    " — quick check",
    " in the 4-bit regime",
    " on the held-out month",
    " 日本語 tickets",
    " with ×2 epochs",
]
TAGS = [
    "loss",
    "data",
    "labels",
    "optim",
    "arch",
    "eval",
    "infra",
    "tokenizer",
    "distil",
    "augment",
    "calibration",
    "multilingual",
    "long-tail",
    "speed",
    "memory",
]
MATTERS = [
    "yes, +1 macro-F1 on the tail classes",
    "yes, halves the inference cost",
    "unsure: depends on the annotator study",
    "yes, unblocks the Spanish launch",
    "",
]


def _values(rng: random.Random, n: int) -> dict[str, object]:
    title = f"{rng.choice(VERBS)} {rng.choice(THINGS)}{rng.choice(QUALIFIERS)} #{n}"
    values: dict[str, object] = {
        "title": title,
        "hypothesis": (
            f"If we {title.lower()}, the {rng.choice(['tail', 'head', 'mid'])} classes gain "
            f"{rng.randint(1, 9)} points because {rng.choice(THINGS)} is the bottleneck."
            if rng.random() < 0.8
            else ""
        ),
        "matters": rng.choice(MATTERS),
        "cost": rng.choice([0.5, 1, 2, 4, 8, 16, 40, 120]),
        "info_value": rng.choice([0, 0, 1, 1, 2, 3]),
        "activity": rng.choice(list(Activity)),
        "tier": rng.choice([1, 1, 2, 2, 3]),
        "tags": rng.sample(TAGS, rng.randint(0, 3)),
    }
    return values


def make_experiments(n: int, seed: int = SEED) -> list[Experiment]:
    rng = random.Random(seed)
    quadrants = list(Quadrant)
    experiments: list[Experiment] = []
    for i in range(n):
        created = START + timedelta(minutes=7 * i)
        values = _values(rng, i + 1)
        roll = rng.random()
        if roll < 0.12:  # untriaged idea
            if rng.random() < 0.33:
                values["impact"] = rng.randint(1, 5)
                values["probability"] = rng.choice([0.1, 0.2, 0.35, 0.5, 0.7, 0.9])
            exp = lifecycle.create(values, SETTINGS, created)
            experiments.append(exp)
            continue
        values["impact"] = rng.randint(1, 5)
        values["probability"] = rng.choice([0.1, 0.2, 0.35, 0.5, 0.7, 0.9])
        exp = lifecycle.create(values, SETTINGS, created)
        if not exp.is_open:  # "does it matter? no" already skipped it
            experiments.append(exp)
            continue
        now = created + timedelta(hours=2)
        exp = lifecycle.triage(exp, rng.choice(quadrants), SETTINGS, now)
        if rng.random() < 0.3:
            exp = lifecycle.nudge_probability(exp, rng.choice([-2, -1, 1, 2]), now)
        if rng.random() < 0.2:
            exp = lifecycle.nudge_impact(exp, rng.choice([-1, 1]), now)
        if roll < 0.57:  # backlog
            pass
        elif roll < 0.62:  # running
            exp = lifecycle.start(exp, now + timedelta(days=1))
        elif roll < 0.92:  # done
            outcome = rng.choice(list(Outcome))
            seeds = [round(0.70 + rng.random() * 0.1, 4) for _ in range(rng.randint(1, 5))]
            exp = lifecycle.finish(
                exp,
                outcome,
                seeds,
                now + timedelta(days=3),
                actual_cost=round(exp.cost * rng.uniform(0.5, 2.0), 2),
                learned=rng.choice(["", "the tail moved, the head did not", "noise, rerun"]),
            )
        else:  # skipped
            exp = lifecycle.skip(exp, "superseded by a cheaper variant", now + timedelta(days=2))
        experiments.append(exp)
    return experiments


def build(path: Path, n: int) -> Path:
    """Create ``path`` (must not exist) holding ``n`` experiments; returns the path."""
    if path.exists():
        raise FileExistsError(path)
    store = ProjectStore.open(path)
    try:
        repo = Repository(store)
        repo.save_settings(SETTINGS)
        repo.add_many(make_experiments(n))
    finally:
        store.close()
    return path


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__)
        return 2
    n, path = int(argv[1]), Path(argv[2])
    start = time.perf_counter()
    build(path, n)
    print(
        f"{path}: {n:,} experiments, {path.stat().st_size / 1e6:.1f} MB, "
        f"{time.perf_counter() - start:.1f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
