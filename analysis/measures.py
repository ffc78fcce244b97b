"""Measure facts: what a measure's chart kind says about its data, its level and its centre, and
where its baseline ends.

Every part of the workbook that asks "is this a ratio?", "is it a share shown in percent?",
"what is its level?", "where does its baseline end?" asks here, so the answer is the same in the
checks of the data, the baseline, the effect estimates, the explorer and every report:

* **Ratio kinds** (``p``, ``pp``, ``u``, ``up``): the measure is recorded as numerator and
  denominator; its series is ``y`` = numerator, ``n`` = denominator, summed over subgroups.
  Every other kind records a ``value`` (averaged over subgroups).
* **Share kinds** (``p``, ``pp``): numerator <= denominator; the level is a share 0-1, written
  in percent (:func:`analysis.text.level`); a chart of a share in ``%`` is drawn in percent
  (:func:`percent_scale`).
* **Level**: the pooled level of a phase (:func:`pooled_level`): Σnumerator/Σdenominator for a
  ratio, the mean value otherwise.
* **Centre**: the centre line each kind draws (:data:`CENTRE_KIND`, as ``analysis.spc``).
* **The period rule.** A change starts in the period (week or month) that contains its date.
  That period is the change's first period, never a baseline period: a change on 8 January 2024
  puts January 2024 in the changed phase. A baseline is then made only of periods wholly before
  the change. The period the change starts in is partly exposed (1-7 January was not); counting
  it as changed dilutes an immediate effect a little (a conservative error), while counting it
  as baseline would put an exposed point, often already at the new level, into the baseline its
  effect is measured against (and onto the baseline chart as a special cause).
* **The baseline rule.** A measure's baseline is every measured period before the period in
  which the first change meant to move it starts (``changes.csv``, column ``measures``). A
  measure no change names counts from the team's first change (any change of the team may move
  it). Without any change the whole series is baseline.

The baseline rule is used by the team baseline report (``goals.baseline``), the effect report
(``effects.team_effects``, ``views.team_effects`` and its charts) and the coaches' explorer
(``explore``), and described for analysts in ``data/raw/README.md``.

``analysis.spc`` keeps its own list of the kinds that need a denominator (it is the chart
library and knows nothing of measures); a test holds the two lists equal.
"""

from __future__ import annotations

import pandas as pd

__all__ = [
    "RATIO_KINDS",
    "SHARE_KINDS",
    "CENTRE_KIND",
    "COUNT_UNITS",
    "is_ratio",
    "is_share",
    "percent_scale",
    "pooled_level",
    "linked_changes",
    "change_period",
    "measure_changes",
    "first_change_period",
    "baseline_mask",
    "last_baseline_period",
    "baseline_end",
]

#: Chart kinds recorded as numerator/denominator.
RATIO_KINDS = frozenset({"p", "pp", "u", "up"})
#: Chart kinds whose level is a share 0-1 (numerator <= denominator), shown in percent.
SHARE_KINDS = frozenset({"p", "pp"})
#: The centre line each chart kind draws (as ``analysis.spc``: a median for run and G charts).
CENTRE_KIND = {
    "run": "median",
    "g": "median",
    "i": "mean",
    "mr": "mean",
    "xbar": "mean",
    "s": "mean",
    "c": "mean",
    "t": "mean",
    "p": "proportion",
    "pp": "proportion",
    "u": "rate",
    "up": "rate",
}
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


# --- where a measure's baseline ends ---------------------------------------------------------------


def linked_changes(changes: pd.DataFrame, measure_id: str) -> pd.DataFrame:
    """The rows of ``changes`` (a PDSA log) whose ``measures`` list names ``measure_id``, by date."""
    if changes.empty:
        return changes
    ids = changes["measures"].fillna("").astype(str).str.split(",")
    mask = ids.apply(lambda lst: measure_id in [s.strip() for s in lst])
    return changes[mask].sort_values(["date", "change_no"])


def change_period(date, frequency: str | None) -> pd.Timestamp:
    """The period that contains ``date``: its week's Monday (``week``) or its month's 1st (``month``).

    Any other frequency (or None) has no period grid; the date itself is returned (a period
    starting on or after it is then the first with the change). NaT stays NaT.
    """
    if date is None or pd.isna(date):
        return pd.NaT
    stamp = pd.Timestamp(date).normalize()
    if frequency == "week":
        return stamp - pd.Timedelta(days=stamp.weekday())
    if frequency == "month":
        return stamp.replace(day=1)
    return stamp


def measure_changes(changes: pd.DataFrame, team_id: str, measure_id: str) -> pd.DataFrame:
    """The team's changes that count for ``measure_id``: those whose ``measures`` name it, or,
    when none does, all the team's changes (sorted by date and number)."""
    own = changes[changes["team_id"] == team_id]
    linked = linked_changes(own, measure_id)
    chosen = linked if not linked.empty else own
    return chosen.sort_values(["date", "change_no"])


def first_change_period(
    changes: pd.DataFrame, team_id: str, measure_id: str, frequency: str | None
) -> pd.Timestamp:
    """The period in which the first change counting for the measure starts (NaT without one)."""
    dates = measure_changes(changes, team_id, measure_id)["date"].dropna()
    if dates.empty:
        return pd.NaT
    return change_period(dates.min(), frequency)


def baseline_mask(periods: pd.Series, start: pd.Timestamp) -> pd.Series:
    """True for the periods of the baseline: before ``start`` (every period when ``start`` is NaT)."""
    periods = pd.to_datetime(pd.Series(periods))
    if pd.isna(start):
        return pd.Series(True, index=periods.index)
    return periods < start


def last_baseline_period(periods: pd.Series, first_change, frequency: str | None) -> pd.Timestamp:
    """The last of ``periods`` before the period ``first_change`` (a date) starts in; the last
    period when ``first_change`` is NaT; NaT when no period lies before it."""
    periods = pd.to_datetime(pd.Series(periods)).dropna().sort_values()
    if periods.empty:
        return pd.NaT
    before = periods[baseline_mask(periods, change_period(first_change, frequency))]
    return before.iloc[-1] if not before.empty else pd.NaT


def baseline_end(
    periods: pd.Series, changes: pd.DataFrame, team_id: str, measure_id: str, frequency: str | None
) -> pd.Timestamp:
    """The last baseline period of a measure: the last of ``periods`` (its measured periods)
    before the period its first change starts in; the last period without a change; NaT when no
    measured period lies before the first change (the measure has no baseline)."""
    dates = measure_changes(changes, team_id, measure_id)["date"].dropna()
    return last_baseline_period(periods, dates.min() if len(dates) else pd.NaT, frequency)
