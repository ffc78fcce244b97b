"""Benchmark: 1,000 series x 50 points, I chart and P chart with the Anhøj rules.

One vectorised ``spc.chart(..., by="series")`` call against a loop calling ``spc.chart`` once per
series, in the same run, on the same synthetic data. Prints both times and the ratio.

    .venv/bin/python benchmarks/spc_many.py [--series 1000] [--points 50] [--repeat 5]
    .venv/bin/python benchmarks/spc_many.py --against main   # this code vs main's, same run

``--against REV`` also times the vectorised call with the package as it is at git revision REV
(unpacked into a temporary folder), alternating rounds of both in separate processes so that both
meet the same load, and prints the ratio (a refactoring must not slow the vectorised path).

For comparison (issue 3): qicharts2 needs about 49 s for this work; the fastest Python package
measured about 1.6 s.
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import spc


def make_data(n_series: int, n_points: int, seed: int = 2024) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    size = n_series * n_points
    d = pd.DataFrame(
        {
            "series": np.repeat(np.arange(n_series), n_points),
            "month": np.tile(pd.date_range("2020-01-01", periods=n_points, freq="MS"), n_series),
        }
    )
    d["cases"] = rng.integers(40, 200, size)
    d["events"] = rng.binomial(d["cases"], rng.uniform(0.2, 0.8, n_series).repeat(n_points))
    d["value"] = rng.normal(50, 8, size) + np.where(
        np.tile(np.arange(n_points), n_series) > 35, 6, 0
    )
    return d


def best_of(repeat: int, func) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        times.append(time.perf_counter() - t0)
    return min(times)


ROOT = Path(__file__).resolve().parent.parent


def vectorised_time(package_root: Path, args, rounds: int = 3) -> float:
    """Best time of the vectorised calls in a fresh process importing ``analysis`` from
    ``package_root``."""
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--only-vectorised",
            "--series",
            str(args.series),
            "--points",
            str(args.points),
            "--repeat",
            str(args.repeat),
        ],
        env={"PYTHONPATH": str(package_root), "PATH": "/usr/bin:/bin", "OPENBLAS_NUM_THREADS": "1"},
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.strip())


def against(args) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", args.against, "analysis"],
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        before, after = [], []
        for _ in range(args.rounds):  # alternate, so both meet the same load
            before.append(vectorised_time(Path(tmp), args))
            after.append(vectorised_time(ROOT, args))
    best = f"(best of {args.rounds} rounds x {args.repeat})"
    print(
        f"spc_many: {args.series} series x {args.points} points, I chart + P chart, one by= call each"
    )
    print(f"{'vectorised, package at ' + args.against + ':':42}{min(before):8.4f} s  {best}")
    print(f"{'vectorised, this working tree:':42}{min(after):8.4f} s  {best}")
    print(f"{'ratio this / ' + args.against + ':':42}{min(after) / min(before):8.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=1000)
    parser.add_argument("--points", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5, help="vectorised runs (best is reported)")
    parser.add_argument(
        "--against", metavar="REV", help="also time the package at this git revision"
    )
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds with --against")
    parser.add_argument("--only-vectorised", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.against:
        against(args)
        return
    d = make_data(args.series, args.points)
    groups = [g for _, g in d.groupby("series", sort=True)]

    def vectorised():
        spc.chart(d, y="value", x="month", kind="i", by="series", rules="anhoej")
        spc.chart(d, y="events", n="cases", x="month", kind="p", by="series", rules="anhoej")

    def loop():
        for g in groups:
            spc.chart(g, y="value", x="month", kind="i", rules="anhoej")
            spc.chart(g, y="events", n="cases", x="month", kind="p", rules="anhoej")

    if args.only_vectorised:
        vectorised()  # warm up
        print(best_of(args.repeat, vectorised))
        return

    # the same answers both ways (checked on the summaries)
    by_i = spc.chart(d, y="value", x="month", kind="i", by="series").summary
    one = spc.chart(groups[-1], y="value", x="month", kind="i").summary
    assert by_i.iloc[-1].drop("series").equals(one.iloc[0])

    t_vec = best_of(args.repeat, vectorised)
    t_loop = best_of(1, loop)
    print(f"spc_many: {args.series} series x {args.points} points, I chart + P chart, Anhøj rules")
    print(
        f"python {platform.python_version()}, pandas {pd.__version__}, numpy {np.__version__}, "
        f"{platform.machine()}"
    )
    print(f"vectorised (one by= call per chart kind): {t_vec:8.3f} s  (best of {args.repeat})")
    print(f"loop (one call per series and kind):      {t_loop:8.3f} s")
    print(f"ratio loop / vectorised:                  {t_loop / t_vec:8.1f} x")


if __name__ == "__main__":
    main()
