"""Measure facts: what a measure's chart kind says about its data, its level and its centre.

Every part of the workbook that asks "is this a ratio?", "is it a share shown in percent?",
"what is its level?" asks here, so the answer is the same in the checks of the data, the
baseline, the effect estimates, the explorer and every report:

* **Ratio kinds** (``p``, ``pp``, ``u``, ``up``): the measure is recorded as numerator and
  denominator; its series is ``y`` = numerator, ``n`` = denominator, summed over subgroups.
  Every other kind records a ``value`` (averaged over subgroups).
* **Share kinds** (``p``, ``pp``): numerator <= denominator; the level is a share 0-1, written
  in percent (:func:`analysis.text.level`); a chart of a share in ``%`` is drawn in percent
  (:func:`percent_scale`).
* **Level**: the pooled level of a phase (:func:`pooled_level`): Σnumerator/Σdenominator for a
  ratio, the mean value otherwise.
* **Centre**: the centre line each kind draws (:data:`CENTRE_KIND`, as ``analysis.spc``).

``analysis.spc`` keeps its own list of the kinds that need a denominator (it is the chart
library and knows nothing of measures); a test holds the two lists equal.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["RATIO_KINDS", "SHARE_KINDS", "CENTRE_KIND", "COUNT_UNITS", "is_ratio", "is_share",
           "percent_scale", "pooled_level"]

#: Chart kinds recorded as numerator/denominator.
RATIO_KINDS = frozenset({"p", "pp", "u", "up"})
#: Chart kinds whose level is a share 0-1 (numerator <= denominator), shown in percent.
SHARE_KINDS = frozenset({"p", "pp"})
#: The centre line each chart kind draws (as ``analysis.spc``: a median for run and G charts).
CENTRE_KIND = {"run": "median", "g": "median", "i": "mean", "mr": "mean", "xbar": "mean",
               "s": "mean", "c": "mean", "t": "mean", "p": "proportion", "pp": "proportion",
               "u": "rate", "up": "rate"}
#: Units that are plain counts: a level in them is written without the unit.
COUNT_UNITS = ("antal", "count")


def is_ratio(chart: str) -> bool:
    """True for a chart kind recorded as numerator and denominator (p, pp, u, up)."""
    return str(chart) in RATIO_KINDS


def is_share(chart: str) -> bool:
    """True for a chart kind whose level is a share 0-1 shown in percent (p, pp)."""
    return str(chart) in SHARE_KINDS


def percent_scale(chart: str, unit: str | None) -> float:
    """100 for a share measured in ``%`` (its chart is drawn in percent), else 1."""
    return 100.0 if is_share(chart) and str(unit).strip() == "%" else 1.0


def pooled_level(series: pd.DataFrame, chart: str) -> float:
    """The level of a stretch of a measure's series (``period, y, n``): Σy/Σn for a ratio kind,
    the mean of ``y`` otherwise; NaN for an empty stretch."""
    if series.empty:
        return float("nan")
    if is_ratio(chart):
        return float(series["y"].sum() / series["n"].sum())
    return float(series["y"].mean())
