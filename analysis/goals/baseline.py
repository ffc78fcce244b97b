"""Nuläge: the county indicators and each team's baseline (before its first PDSA change)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..dataset.series import complete_periods
from ..dataset.series import (
    period_grid as expected_periods,  # the one period grid (public name kept)
)
from ..measures import (
    CENTRE_KIND,
    RATIO_KINDS,
    baseline_mask,
    first_change_period,
    is_ratio,
    measure_changes,
    percent_scale,
    pooled_level,
)
from ..schemas import REGION_CODE
from .progress import TREND_METHOD, _sign, trend

__all__ = [
    "indicator_overview",
    "MIN_BASELINE_POINTS",
    "RATIO_KINDS",
    "CENTRE_KIND",
    "first_change",
    "expected_periods",
    "baseline_data",
    "baseline_chart",
    "baseline_summary",
]


def indicator_overview(
    indicators: pd.DataFrame,
    kpis: pd.DataFrame,
    municipalities: pd.DataFrame,
    county_code: str = REGION_CODE,
    level: float = 0.95,
) -> pd.DataFrame:
    """Latest value, trend, county value and position of every KPI and municipality of the county.

    Returns one row per kpi and municipality of ``municipalities``: kpi, municipality_code,
    municipality_name, in_network, latest_year (the municipality's own latest year with a
    value; the KPI's latest year when it has none), latest (gender T), women, men (K and M in
    that year, NaN when absent), slope_pp, ci_low, ci_high (OLS trend over all years, pp per
    year, see :func:`trend`), n_points, county (the county's own value, code ``county_code``, in
    the same year), position (1 = best among the municipalities in the direction of improvement,
    ties share the better rank; only municipalities whose latest value is from the KPI's last two
    years are ranked, so that a survey run every other year in half of the municipalities ranks
    the latest round), n_ranked, direction, unit, method.
    """
    cols = [
        "kpi",
        "municipality_code",
        "municipality_name",
        "in_network",
        "latest_year",
        "latest",
        "women",
        "men",
        "slope_pp",
        "ci_low",
        "ci_high",
        "n_points",
        "county",
        "position",
        "n_ranked",
        "direction",
        "unit",
        "method",
    ]
    if indicators.empty:
        return pd.DataFrame(columns=cols)
    codes = municipalities["municipality_code"].astype(str)
    data = indicators.assign(year=indicators["period"].astype("int64"))
    rows = []
    for kpi, part in data.groupby("kpi", sort=True):
        info = kpis[kpis["kpi"] == kpi]
        direction = str(info["direction"].iloc[0]) if len(info) else "up"
        unit = str(info["unit"].iloc[0]) if len(info) else ""
        total = part[part["gender"] == "T"]
        muni = total[total["municipality_code"].isin(codes)].dropna(subset=["value"])
        if muni.empty:
            continue
        latest_year = int(muni["year"].max())
        own_year = (
            muni.groupby("municipality_code")["year"]
            .max()
            .reindex(codes)
            .fillna(latest_year)
            .astype(int)
        )
        trends = trend(muni, x="year", y="value", by="municipality_code", level=level)
        cells = part.pivot_table(
            index=["municipality_code", "year"], columns="gender", values="value", aggfunc="first"
        )

        values = pd.Series({c: _cell(cells, c, own_year[c], "T") for c in codes}, dtype=float)
        recent = own_year >= latest_year - 1
        ranks = (values.where(recent) * _sign(direction)).rank(ascending=False, method="min")
        for m in municipalities.itertuples(index=False):
            code = str(m.municipality_code)
            year = int(own_year[code])
            tr = trends[trends["municipality_code"] == code]
            tr = tr.iloc[0] if len(tr) else None
            rows.append(
                {
                    "kpi": kpi,
                    "municipality_code": code,
                    "municipality_name": m.municipality_name,
                    "in_network": bool(m.in_network),
                    "latest_year": year,
                    "latest": values.get(code, np.nan),
                    "women": _cell(cells, code, year, "K"),
                    "men": _cell(cells, code, year, "M"),
                    "slope_pp": tr["slope_pp"] if tr is not None else np.nan,
                    "ci_low": tr["ci_low"] if tr is not None else np.nan,
                    "ci_high": tr["ci_high"] if tr is not None else np.nan,
                    "n_points": int(tr["n_points"]) if tr is not None else 0,
                    "county": _cell(cells, county_code, year, "T"),
                    "position": ranks.get(code, np.nan),
                    "n_ranked": int(ranks.notna().sum()),
                    "direction": direction,
                    "unit": unit,
                    "method": TREND_METHOD.format(level=level),
                }
            )
    out = pd.DataFrame(rows, columns=cols)
    out["position"] = out["position"].astype("Int64")
    return out


def _cell(cells: pd.DataFrame, code: str, year: int, gender: str) -> float:
    """One value of the (municipality_code, year) x gender table; NaN when absent."""
    key = (code, year)
    return cells.at[key, gender] if key in cells.index and gender in cells else np.nan


# --- team baselines (nuläge per team) -------------------------------------------------------

MIN_BASELINE_POINTS = 8  # fewer points: say the baseline needs more, draw no verdict


def first_change(changes: pd.DataFrame, team_id: str) -> pd.Timestamp:
    """Date of the team's first change in the PDSA log (NaT when it has none)."""
    dates = changes.loc[changes["team_id"] == team_id, "date"]
    return pd.Timestamp(dates.min()) if len(dates.dropna()) else pd.NaT


def baseline_data(
    observations: pd.DataFrame, measure: pd.Series | dict, changes: pd.DataFrame
) -> pd.DataFrame:
    """The observations of one measure's baseline (``analysis.measures``: before the period in
    which the first change meant to move it starts; all of them without a change).

    Returns the measure's observation rows with a column ``y`` (numerator for ratio charts,
    else value) and ``n`` (denominator or NaN).
    """
    team, mid = measure["team_id"], measure["measure_id"]
    obs = observations[(observations["team_id"] == team) & (observations["measure_id"] == mid)]
    start = first_change_period(changes, team, mid, measure.get("frequency"))
    obs = obs[baseline_mask(obs["period"], start).to_numpy()]
    if is_ratio(measure["chart"]):
        obs = obs.assign(y=obs["numerator"], n=obs["denominator"])
    else:
        obs = obs.assign(y=obs["value"], n=np.nan)
    return obs.dropna(subset=["y"]).sort_values("period").reset_index(drop=True)


def _multiply(measure) -> float:
    return percent_scale(measure["chart"], measure["unit"])


def baseline_chart(
    observations: pd.DataFrame, measure: pd.Series | dict, changes: pd.DataFrame, kind: str = "run"
):
    """The ``spc.chart`` result of one measure's baseline (a run chart by default).

    Ratio measures chart numerator/denominator; p charts in % are multiplied by 100. Returns
    None when the baseline has fewer than two points.
    """
    from .. import spc

    data = baseline_data(observations, measure, changes)
    if data["period"].nunique() < 2:
        return None
    data = complete_periods(data, measure.get("frequency"))  # absent periods drawn as gaps
    n = "n" if is_ratio(measure["chart"]) else None
    return spc.chart(
        data,
        y="y",
        n=n,
        x="period",
        kind=kind,
        multiply=_multiply(measure),
        source="observations.csv",
    )


def baseline_summary(
    measures: pd.DataFrame,
    observations: pd.DataFrame,
    changes: pd.DataFrame,
    team_id: str,
    min_points: int = MIN_BASELINE_POINTS,
) -> pd.DataFrame:
    """One row per measure of ``team_id``: its baseline period, centre, verdict and completeness.

    The baseline is the rule of ``analysis.measures``: every period before the one the first change
    meant to move the measure starts in. ``centre`` is the centre line of the baseline chart the
    report draws (:func:`baseline_chart`, a run chart: the median; ``centre_kind`` "median"), so
    that a chart and its table show one centre. ``level`` is the baseline's pooled level
    (``measures.pooled_level``: Σnumerator/Σdenominator for P and U charts, the mean otherwise;
    ``level_kind`` as ``CENTRE_KIND``), the level the effect report compares with. The verdict comes from a run chart of the baseline with Anhøj's rules
    (Anhøj & Olesen 2014): ``stable`` without a runs signal, ``unstable`` with one, ``too_few``
    with fewer than ``min_points`` periods (no verdict is drawn). Completeness counts the
    periods (week or month) between the first and last baseline period without a value.

    Returns measure_id, measure_name, measure_type, chart, unit, frequency, direction, target,
    first_change, baseline_start, baseline_end, n_points, n_expected, n_missing,
    missing_periods (tuple of Timestamps), centre, centre_kind, level, level_kind, multiply, verdict, longest_run,
    longest_run_max, n_crossings, n_crossings_min, latest_period, latest_value, method.
    """

    rows = []
    # each measure's rows once (filtering all observations per measure was quadratic)
    own = observations[observations["team_id"] == team_id]
    by_measure = dict(tuple(own.groupby("measure_id", sort=False)))
    for m in measures[measures["team_id"] == team_id].to_dict("records"):
        counted = measure_changes(changes, team_id, m["measure_id"])["date"]
        start = pd.Timestamp(counted.min()) if len(counted.dropna()) else pd.NaT
        all_obs = by_measure.get(m["measure_id"], own.iloc[0:0])
        data = baseline_data(all_obs, m, changes)
        periods = pd.DatetimeIndex(data["period"].drop_duplicates())
        n_points = len(periods)
        expected = expected_periods(
            periods.min() if n_points else pd.NaT,
            periods.max() if n_points else pd.NaT,
            m["frequency"],
        )
        present = set(periods)  # once: built inside the comprehension it made this quadratic
        missing = tuple(p for p in expected if p not in present)
        mult = _multiply(m)
        row = {
            k: m.get(k)
            for k in (
                "measure_id",
                "measure_name",
                "measure_type",
                "chart",
                "unit",
                "frequency",
                "direction",
                "target",
            )
        }
        row.update(
            first_change=start,
            baseline_start=periods.min() if n_points else pd.NaT,
            baseline_end=periods.max() if n_points else pd.NaT,
            n_points=n_points,
            n_expected=len(expected),
            n_missing=len(missing),
            missing_periods=missing,
            centre=np.nan,
            centre_kind="median",
            level=np.nan,
            level_kind=CENTRE_KIND.get(m["chart"], "median"),
            multiply=mult,
            verdict="too_few",
            longest_run=pd.NA,
            longest_run_max=pd.NA,
            n_crossings=pd.NA,
            n_crossings_min=pd.NA,
            latest_period=pd.NaT,
            latest_value=np.nan,
            method="baseline run chart, Anhøj rules (Anhøj & Olesen 2014)",
        )
        if len(all_obs):
            last = all_obs.sort_values("period")
            last = last[last["period"] == last["period"].max()]
            row["latest_period"] = last["period"].iloc[0]
            if is_ratio(m["chart"]):
                row["latest_value"] = mult * last["numerator"].sum() / last["denominator"].sum()
            else:
                row["latest_value"] = last["value"].mean()
        if n_points >= 1:
            row["level"] = mult * pooled_level(data, m["chart"])
            row["centre"] = row["level"]  # one point: the run chart's median is that point
        if n_points >= 2:
            res = baseline_chart(all_obs, m, changes)
            s = res.summary.iloc[0]
            row["centre"] = float(s["cl"])  # the centre line of the chart the report draws
            row.update(
                longest_run=s["longest_run"],
                longest_run_max=s["longest_run_max"],
                n_crossings=s["n_crossings"],
                n_crossings_min=s["n_crossings_min"],
            )
            if n_points >= min_points:
                row["verdict"] = "unstable" if bool(s["runs_signal"]) else "stable"
        rows.append(row)
    cols = [
        "measure_id",
        "measure_name",
        "measure_type",
        "chart",
        "unit",
        "frequency",
        "direction",
        "target",
        "first_change",
        "baseline_start",
        "baseline_end",
        "n_points",
        "n_expected",
        "n_missing",
        "missing_periods",
        "centre",
        "centre_kind",
        "level",
        "level_kind",
        "multiply",
        "verdict",
        "longest_run",
        "longest_run_max",
        "n_crossings",
        "n_crossings_min",
        "latest_period",
        "latest_value",
        "method",
    ]
    return pd.DataFrame(rows, columns=cols)
