"""Benchmark: drawing the reports' figures, this working tree against another git revision.

Times five figures as a report makes them (drawn, then embedded as the report embeds them:
``analysis.report.figure_html``, and the runner's 256-colour re-encoding of a PNG when the revision
embeds PNGs; since issue 16 a compact SVG):
the goal chart and the indicator panels (13 municipalities x 15 years, small multiples), the
SPC panel (8 I charts x 30 points), the ranked survey bars (parents, by municipality) and the
top-box bars of the pupils' Likert items by wave (the sample surveys). Each revision runs in its
own process, alternating rounds so that both meet the same load; the time is the process's CPU
time (``time.process_time``), best of ``--repeat``, so that other work on a shared machine
counts as little as possible. Prints both times and the ratio per figure, and the bytes each
figure adds to a report page.

    .venv/bin/python benchmarks/figures.py                  # this tree against main
    .venv/bin/python benchmarks/figures.py --against REV [--rounds 2] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SURVEYS = ROOT / "data" / "sample" / "surveys"


def figures() -> dict:
    """The figures to time: name -> a function of no arguments returning a ``Figure``."""
    import numpy as np
    import pandas as pd

    from analysis import plots, spc, surveys

    rng = np.random.default_rng(15)
    codes = [f"06{i:02d}" for i in range(13)]
    years = list(range(2010, 2025))
    series = pd.DataFrame(
        [(c, y, rng.uniform(40, 80), 60.0) for c in codes for y in years],
        columns=["municipality_code", "year", "value", "county"],
    )
    goals = series.drop(columns="county").assign(
        goal=np.where(series["year"] >= 2020, 70.0, np.nan)
    )
    months = pd.date_range("2022-01-01", periods=30, freq="MS")
    points = pd.DataFrame(
        {
            "series": np.repeat(np.arange(8), 30),
            "month": np.tile(months, 8),
            "value": rng.normal(50, 8, 240),
        }
    )
    charts = spc.chart(points, y="value", x="month", kind="i", by="series", rules="anhoej")
    parents = surveys.load_survey(SURVEYS / "parents")
    pupils = surveys.load_survey(SURVEYS / "pupils")
    by_municipality = surveys.summarise(parents, min_count=5)
    by_wave = surveys.summarise(pupils, by=["wave"], min_count=5)
    likert = surveys.question_ids(pupils, "likert", subgroups=False)
    return {
        "goal_chart (13 panels)": lambda: plots.goal_chart(goals, title="Mål"),
        "indicator_panels (13 panels)": lambda: plots.indicator_panels(series, title="Indikator"),
        "spc_panel (8 charts)": lambda: plots.spc_panel(charts, title="Panel"),
        "survey_bars (ranked)": lambda: plots.survey_bars(
            by_municipality, parents, "municipality", lang="sv"
        ),
        "survey_top_box_bars (2 waves)": lambda: plots.survey_top_box_bars(
            by_wave, pupils, likert, "wave", lang="sv"
        ),
    }


def measure(repeat: int) -> dict[str, list[float]]:
    """Best CPU time of each figure, drawn and embedded as a report embeds it, and the bytes of
    its ``<img>`` in the page, in this process."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from analysis.report import figure_html
    from analysis.runner.build import _compact_images

    def embed(fig) -> str:
        html = figure_html(fig, alt="")  # closes the figure
        return _compact_images(html) if "data:image/png" in html else html

    times = {}
    for name, draw in figures().items():
        embed(draw())  # warm up: fonts, caches
        best, size = float("inf"), 0
        for _ in range(repeat):
            start = time.process_time()
            size = len(embed(draw()).encode("utf-8"))
            best = min(best, time.process_time() - start)
        plt.close("all")
        times[name] = [best, size]
    return times


def measure_at(package_root: Path, repeat: int) -> dict[str, float]:
    """:func:`measure` in a fresh process importing ``analysis`` from ``package_root``."""
    out = subprocess.run(
        [sys.executable, __file__, "--only-measure", "--repeat", str(repeat)],
        env={
            "PYTHONPATH": str(package_root),
            "PATH": "/usr/bin:/bin",
            "OPENBLAS_NUM_THREADS": "1",
            "MPLBACKEND": "Agg",
        },
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--against",
        metavar="REV",
        default="main",
        help="the git revision to compare with (default main)",
    )
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds")
    parser.add_argument("--repeat", type=int, default=3, help="draws per figure and round")
    parser.add_argument("--only-measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.only_measure:
        print(json.dumps(measure(args.repeat)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", args.against, "analysis"],
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        before, after = [], []
        for _ in range(args.rounds):  # alternate, so both meet the same load
            before.append(measure_at(Path(tmp), args.repeat))
            after.append(measure_at(ROOT, args.repeat))
    print(
        f"figures: drawn and embedded as in a report, CPU seconds, best of {args.rounds} rounds "
        f"x {args.repeat}; bytes in the page"
    )
    print(
        f"{'figure':32}{args.against:>10}{'this tree':>11}{'ratio':>8}"
        f"{'bytes ' + args.against:>16}{'this tree':>11}{'ratio':>8}"
    )
    for name in before[0]:
        old = min(r[name][0] for r in before)
        new = min(r[name][0] for r in after)
        old_bytes, new_bytes = before[0][name][1], after[0][name][1]
        print(
            f"{name:32}{old:10.3f}{new:11.3f}{new / old:8.2f}"
            f"{old_bytes:16,}{new_bytes:11,}{new_bytes / old_bytes:8.2f}"
        )


if __name__ == "__main__":
    main()
