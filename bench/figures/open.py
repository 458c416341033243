"""What start-up pays to read the project, each time in a fresh interpreter (as the app
does): the parse alone, then ``ProjectStore.open`` + building every ``Experiment``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from common import REPO, BenchContext, Figure, Report, median

_SNIPPET = """
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


def _opens(db: Path, repeats: int = 3) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {"parse": [], "open": [], "build": []}
    for _ in range(repeats):
        done = subprocess.run(
            [sys.executable, "-c", _SNIPPET, str(db), str(REPO)],
            capture_output=True,
            check=True,
            timeout=120,
        )
        for key, value in json.loads(done.stdout).items():
            out[key].append(value)
    return out


def measure(ctx: BenchContext) -> Report:
    opens = [_opens(ctx.bases[n]) for n in ctx.sizes]  # read only: no copy needed
    report = Report()
    report.row(
        "  open + build every experiment (commands; the app: after 1st frame)",
        [median(o["open"]) for o in opens],
    )
    report.row("    of which parse (orjson.loads)", [median(o["parse"]) for o in opens])
    report.row("    of which building the Experiments", [median(o["build"]) for o in opens])
    return report


FIGURE = Figure("open", "reading the project: open + building every experiment", measure)
