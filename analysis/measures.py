"""Measure facts: where a measure's baseline ends and in which period a change starts.

One rule, used by the team baseline report (``goals.baseline``), the effect report
(``effects.team_effects`` and its charts) and the coaches' explorer (``explore``), and described
for analysts in ``data/raw/README.md``:

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

A later refactor adds the measures' ratio kinds and level formatting here.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["change_period", "measure_changes", "first_change_period", "baseline_mask",
           "last_baseline_period", "baseline_end"]


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
    from .effects.team import linked_changes

    own = changes[changes["team_id"] == team_id]
    linked = linked_changes(own, measure_id)
    chosen = linked if not linked.empty else own
    return chosen.sort_values(["date", "change_no"])


def first_change_period(changes: pd.DataFrame, team_id: str, measure_id: str,
                        frequency: str | None) -> pd.Timestamp:
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


def baseline_end(periods: pd.Series, changes: pd.DataFrame, team_id: str, measure_id: str,
                 frequency: str | None) -> pd.Timestamp:
    """The last baseline period of a measure: the last of ``periods`` (its measured periods)
    before the period its first change starts in; the last period without a change; NaT when no
    measured period lies before the first change (the measure has no baseline)."""
    dates = measure_changes(changes, team_id, measure_id)["date"].dropna()
    return last_baseline_period(periods, dates.min() if len(dates) else pd.NaT, frequency)
