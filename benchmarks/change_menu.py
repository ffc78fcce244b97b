"""Cost of the change menu (issue 17) against what it is made of.

The menu reads every team's effect estimates (``effects.team_effects``, the same call each team's
effect report makes); everything else (ideas, drivers, spread, texts) should be small beside it.
Prints, from one run on the built-in sample (and a synthetic spread.csv):

(a) the menu's view (``views.change_menu.build``) against the sum of ``team_effects`` over the
    teams with changes, measured in the same run: the ratio says what the menu adds;
(b) ``menu.adoption`` on 1,000 / 10,000 / 100,000 rows of spread: time per 1,000 rows relative
    to the 1,000-row run (about 1 when linear).

    python benchmarks/change_menu.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis import effects, menu, report
from analysis.views import change_menu

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"


def best_of(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def synthetic_spread(rows: int, seed: int = 17) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "team_id": rng.choice([f"t{i:02d}" for i in range(20)], rows),
            "change_no": rng.integers(1, 4, rows),
            "date": pd.to_datetime("2020-01-01")
            + pd.to_timedelta(rng.integers(0, 1500, rows), unit="D"),
            "unit": rng.choice([f"enhet {i}" for i in range(300)], rows),
            "adopted": rng.random(rows) < 0.8,
        }
    )


def main() -> None:
    ctx = report.context("change_menu", data_dir=SAMPLE)
    ds = ctx.dataset
    teams = sorted(set(ds.changes["team_id"].astype(str)))
    change_menu.build(ctx)  # warm: imports, the dataset's caches
    estimates = best_of(lambda: [effects.team_effects(ds.team(t), t) for t in teams])
    view = best_of(lambda: change_menu.build(ctx))
    print(f"(a) {len(teams)} teams with changes")
    print(f"    team_effects for every team: {estimates:.2f} s")
    print(f"    change menu view:            {view:.2f} s  (ratio {view / estimates:.2f})")
    print("(b) menu.adoption, time per 1,000 rows relative to 1,000 rows")
    base = None
    for rows in (1_000, 10_000, 100_000):
        spread = synthetic_spread(rows)
        took = best_of(lambda s=spread: menu.adoption(s), repeat=2)
        per = took / (rows / 1_000)
        base = base or per
        print(f"    {rows:>7,} rows: {took:.3f} s, per 1,000 rows x{per / base:.2f}")


if __name__ == "__main__":
    main()
