"""Scale of the baseline summary (nuläge per team, ``goals.baseline_summary``; issue 19).

The summary was quadratic in series length (the set of measured periods was rebuilt for every
expected period) and in the number of measures (all observations were filtered again for each
measure): 1,000 points 0.77 s, 2,000 points 3.1 s, 1,000 measures x 1,000 weeks did not finish in
9.5 minutes. Prints, from one run on synthetic weekly data (seeded):

(a) the old and the new way of finding the absent periods of one series (the quadratic step
    itself), 500 to 2,000 points: time and ratio old/new;
(b) ``baseline_summary`` for one measure of 1,000 to 8,000 weeks: time per 1,000 points relative
    to the 1,000-point series (about 1 when linear);
(c) ``baseline_summary`` for one team with 10, 100 and 1,000 measures x 1,000 weeks: time per
    measure relative to 10 measures (about 1 when linear).

    python benchmarks/baseline_scale.py            # everything (1,000 x 1,000 takes about a minute)
    python benchmarks/baseline_scale.py --quick    # up to 100 measures
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis.dataset.series import period_grid
from analysis.goals.baseline import baseline_summary


def team_data(n_measures: int, n_weeks: int, seed: int = 19):
    """One team, ``n_measures`` run-chart measures of ``n_weeks`` weeks (every 10th week absent)."""
    rng = np.random.default_rng(seed)
    periods = pd.date_range("1990-01-01", periods=n_weeks, freq="W-MON")
    ids = [f"m{i:04d}" for i in range(n_measures)]
    measures = pd.DataFrame(
        {
            "measure_id": ids,
            "team_id": "team",
            "measure_name": [f"Mått {i}" for i in range(n_measures)],
            "measure_type": "process",
            "chart": "run",
            "unit": "antal",
            "frequency": "week",
            "direction": "up",
            "target": np.nan,
        }
    )
    keep = np.arange(n_weeks) % 10 != 9
    obs = pd.DataFrame(
        {
            "team_id": "team",
            "measure_id": np.repeat(ids, keep.sum()),
            "period": np.tile(periods[keep], n_measures),
            "value": rng.normal(20, 4, n_measures * int(keep.sum())),
            "numerator": np.nan,
            "denominator": np.nan,
            "subgroup": pd.NA,
        }
    )
    changes = pd.DataFrame(
        {"team_id": pd.Series([], dtype="str"), "date": pd.Series([], dtype="datetime64[ns]")}
    )
    return measures, obs, changes


def timed(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def missing_old(periods: pd.DatetimeIndex, expected: pd.DatetimeIndex) -> tuple:
    return tuple(p for p in expected if p not in set(periods))  # the set rebuilt per element


def missing_new(periods: pd.DatetimeIndex, expected: pd.DatetimeIndex) -> tuple:
    present = set(periods)
    return tuple(p for p in expected if p not in present)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="up to 100 measures")
    args = parser.parse_args()

    print("(a) absent periods of one weekly series: old (set per element) vs new")
    for n in (500, 1000, 2000):
        _, obs, _ = team_data(1, n)
        periods = pd.DatetimeIndex(obs["period"])
        expected = period_grid(periods.min(), periods.max(), "week")
        old, new = timed(missing_old, periods, expected), timed(missing_new, periods, expected)
        assert missing_old(periods, expected) == missing_new(periods, expected)
        print(f"  {n:>5} points: old {old:7.3f} s, new {new:.4f} s, old/new {old / new:7.0f}x")

    print("(b) baseline_summary, one measure: time per 1,000 points vs the 1,000-point series")
    base = None
    for n in (1000, 2000, 4000, 8000):
        seconds = timed(baseline_summary, *team_data(1, n), "team")
        per = seconds / (n / 1000)
        base = base or per
        print(f"  {n:>5} points: {seconds:6.3f} s ({per / base:4.2f}x per 1,000 points)")

    print("(c) baseline_summary, one team, measures x 1,000 weeks: time per measure vs 10 measures")
    base = None
    for m in (10, 100) if args.quick else (10, 100, 1000):
        seconds = timed(baseline_summary, *team_data(m, 1000), "team")
        per = seconds / m
        base = base or per
        print(
            f"  {m:>5} measures: {seconds:7.2f} s ({per * 1000:5.1f} ms a measure, "
            f"{per / base:4.2f}x)"
        )


if __name__ == "__main__":
    main()
