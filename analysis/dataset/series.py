"""One measure of one team as a chart-ready series, with absent periods kept as gaps."""

from __future__ import annotations

import pandas as pd

from ..measures import is_ratio

FREQUENCIES = {"week": "W-MON", "month": "MS"}


def period_grid(start, end, frequency: str) -> pd.DatetimeIndex:
    """Every period from ``start`` to ``end`` at ``frequency`` (week: Mondays; month: the 1st)."""
    if pd.isna(start) or pd.isna(end):
        return pd.DatetimeIndex([])
    start = pd.Timestamp(start)
    if frequency == "week":
        start = start - pd.Timedelta(days=start.weekday())
        return pd.date_range(start, end, freq=FREQUENCIES["week"])
    return pd.date_range(start.replace(day=1), end, freq=FREQUENCIES["month"])


def complete_periods(
    frame: pd.DataFrame, frequency: str | None, period: str = "period"
) -> pd.DataFrame:
    """``frame`` with a row of NaN for every absent period between its first and last one, so a
    chart draws a gap instead of silently joining the neighbours (several rows per period, as
    for x̄/S subgroups, are kept as they are)."""
    if frequency not in FREQUENCIES or frame[period].nunique() < 2:
        return frame.reset_index(drop=True)
    grid = pd.DataFrame({period: period_grid(frame[period].min(), frame[period].max(), frequency)})
    merged = grid.merge(frame, on=period, how="outer")
    return merged.sort_values(period, kind="stable").reset_index(drop=True)


def measure_series(
    dataset, team_id: str, measure_id: str, *, complete: bool = True
) -> pd.DataFrame:
    """The measure's data as ``period, y, n`` (``dataset``: a ``Dataset`` or one team's slice,
    ``Dataset.team``, which has the same ``measures`` and ``observations``).

    ``y`` is the numerator for rate charts (p, pp, u, up; ``n`` the denominator) and the value
    otherwise (``n`` NaN). Several rows in one period (subgroups) are summed for rate charts and
    averaged otherwise. With ``complete`` every period between the first and the last measured
    one is present (by the measure's frequency, :func:`complete_periods`).
    """
    measures = dataset.measures
    row = measures[(measures["team_id"] == team_id) & (measures["measure_id"] == measure_id)]
    if row.empty:
        known = ", ".join(measures.loc[measures["team_id"] == team_id, "measure_id"])
        raise KeyError(f"no measure {measure_id!r} for team {team_id!r}; known: {known or 'none'}")
    chart = row["chart"].iloc[0]
    frequency = row["frequency"].iloc[0] if "frequency" in row else None
    obs = dataset.observations
    obs = obs[(obs["team_id"] == team_id) & (obs["measure_id"] == measure_id)]
    if is_ratio(chart):
        series = obs.groupby("period", as_index=False)[["numerator", "denominator"]].sum(
            min_count=1
        )
        series = series.rename(columns={"numerator": "y", "denominator": "n"})
    else:
        series = (
            obs.groupby("period", as_index=False)["value"].mean().rename(columns={"value": "y"})
        )
        series["n"] = float("nan")
    series = series.sort_values("period").reset_index(drop=True)
    if complete:
        series = complete_periods(series, frequency)
    return series[["period", "y", "n"]]
