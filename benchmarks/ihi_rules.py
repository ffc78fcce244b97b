"""How often the run-chart rules signal in random data, and how well the astronomical rule works.

Simulates run charts of independent normal values (no signal is true) for 12, 24 and 48 points
and counts charts with a signal under Anhøj's rules and under each IHI rule (Perla, Provost &
Murray 2011). Then the astronomical-point rule at 3, 4 and 5 standard deviations (from the
median moving range): false alarms in random data, and how often one point shifted by 6 SD is
caught. Prints the figures quoted in docs/methods.md ("SPC: IHI rules").

    .venv/bin/python benchmarks/ihi_rules.py [charts per length]
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

import analysis.spc.rules as rules
from analysis import spc

LENGTHS = (12, 24, 48)


def charts(n: int, count: int, rng, outlier: float = 0.0) -> pd.DataFrame:
    y = rng.normal(size=count * n)
    if outlier:
        y[np.arange(count) * n + n // 2] += outlier
    return pd.DataFrame(
        {"sid": np.repeat(np.arange(count), n), "x": np.tile(np.arange(n), count), "y": y}
    )


def main(count: int = 4000) -> None:
    rng = np.random.default_rng(20240611)
    start = time.perf_counter()
    print(f"random normal run charts, {count} per length: share with a signal")
    for n in LENGTHS:
        d = charts(n, count, rng)
        a = spc.chart(d, y="y", x="x", by="sid").summary
        s = spc.chart(d, y="y", x="x", by="sid", rules="ihi").summary
        print(
            f"  {n} points: Anhøj {100 * a['runs_signal'].mean():.1f} %; IHI any "
            f"{100 * s['runs_signal'].mean():.1f} % (shift {100 * s['shift_signal'].mean():.1f}, "
            f"trend {100 * s['trend_signal'].mean():.1f}, runs {100 * s['crossings_signal'].mean():.1f}, "
            f"astronomical {100 * (s['astronomical_signals'] > 0).mean():.1f})"
        )
    used = rules.ASTRONOMICAL_FACTOR
    print(
        "astronomical point at k SD (SD = median moving range / 0.954): false alarms / 6 SD point caught"
    )
    try:
        for k in (3, 4, 5):
            rules.ASTRONOMICAL_FACTOR = k / 0.954
            parts = []
            for n in LENGTHS:
                null = spc.chart(charts(n, count, rng), y="y", x="x", by="sid", rules="ihi").summary
                hit = (
                    spc.chart(
                        charts(n, count, rng, outlier=6.0), y="y", x="x", by="sid", rules="ihi"
                    )
                    .points["astronomical_signal"]
                    .to_numpy()
                    .reshape(count, n)
                )
                parts.append(
                    f"{n}: {100 * (null['astronomical_signals'] > 0).mean():.1f} % / "
                    f"{100 * hit[:, n // 2].mean():.0f} %"
                )
            print(
                f"  {k} SD"
                + (" (used)" if abs(k / 0.954 - used) < 1e-9 else "")
                + ": "
                + "; ".join(parts)
            )
    finally:
        rules.ASTRONOMICAL_FACTOR = used
    print(f"  ({time.perf_counter() - start:.1f} s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 4000)
