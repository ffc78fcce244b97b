"""Run charts and control charts: limits, rules, phases (computation only; draw with ``plots``).

Semantics follow the R package qicharts2 (Anhøj), the reference users compare against::

    from analysis import spc
    res = spc.chart(data, y="events", n="cases", x="month", kind="p", freeze=None, part=None,
                    exclude=None, by=None, rules="anhoej")
    res.points   # one row per point
    res.summary  # one row per series and part
"""

from __future__ import annotations

from .core import (
    KINDS,
    MIN_POINTS,
    POINT_COLUMNS,
    SUMMARY_COLUMNS,
    ChartResult,
    TooFewPoints,
    chart,
)
from .limits import a3, b3, b4, c4
from .rules import (
    IHI_SHIFT,
    IHI_TREND,
    RULES,
    anhoej_limits,
    ihi_runs_limits,
    runs_analysis,
    side_of_centre,
    swed_eisenhart_limits,
)

__all__ = [
    "IHI_SHIFT",
    "IHI_TREND",
    "KINDS",
    "MIN_POINTS",
    "POINT_COLUMNS",
    "RULES",
    "TooFewPoints",
    "SUMMARY_COLUMNS",
    "ChartResult",
    "a3",
    "anhoej_limits",
    "b3",
    "b4",
    "c4",
    "chart",
    "ihi_runs_limits",
    "runs_analysis",
    "side_of_centre",
    "swed_eisenhart_limits",
]
