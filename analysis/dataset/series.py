"""One measure of one team as a chart-ready series, with absent periods kept as gaps."""

from __future__ import annotations

import pandas as pd

RATE_CHARTS = frozenset({"p", "pp", "u", "up"})
FREQUENCIES = {"week": "W-MON", "month": "MS"}


def measure_series(dataset, team_id: str, measure_id: str, *, complete: bool = True) -> pd.DataFrame:
    """The measure's data as ``period, y, n``.

    ``y`` is the numerator for rate charts (p, pp, u, up; ``n`` the denominator) and the value
    otherwise (``n`` NaN). Several rows in one period (subgroups) are summed for rate charts and
    averaged otherwise. With ``complete`` every period between the first and the last measured
    one is present (by the measure's frequency): an absent period is a row with NaN, so charts
    draw a gap instead of silently joining its neighbours.
    """
    measures = dataset.measures
    row = measures[(measures["team_id"] == team_id) & (measures["measure_id"] == measure_id)]
    if row.empty:
        known = ", ".join(measures.loc[measures["team_id"] == team_id, "measure_id"])
        raise KeyError(f"no measure {measure_id!r} for team {team_id!r}; known: {known or 'none'}")
    chart, frequency = row["chart"].iloc[0], row["frequency"].iloc[0] if "frequency" in row else None
    obs = dataset.observations
    obs = obs[(obs["team_id"] == team_id) & (obs["measure_id"] == measure_id)]
    if chart in RATE_CHARTS:
        series = obs.groupby("period", as_index=False)[["numerator", "denominator"]].sum(min_count=1)
        series = series.rename(columns={"numerator": "y", "denominator": "n"})
    else:
        series = obs.groupby("period", as_index=False)["value"].mean().rename(columns={"value": "y"})
        series["n"] = float("nan")
    series = series.sort_values("period").reset_index(drop=True)
    if complete and len(series) > 1 and frequency in FREQUENCIES:
        grid = pd.date_range(series["period"].iloc[0], series["period"].iloc[-1], freq=FREQUENCIES[frequency])
        if len(grid) and grid[0] == series["period"].iloc[0]:
            series = series.set_index("period").reindex(grid.union(pd.DatetimeIndex(series["period"])))
            series = series.rename_axis("period").reset_index()
    return series[["period", "y", "n"]]
