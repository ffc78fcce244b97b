"""Goal trajectories, progress status, detectability and the gap table.

The county aim is +2 percentage points per year for four years: an absolute target (+8 pp after four
years), in the direction of improvement of each indicator (for "children in households with low
economic standard" improvement is down, so the goal subtracts).

Progress status follows the four categories of US Healthy People 2030 (NCHS, "Healthy People 2030
methods", https://www.cdc.gov/nchs/healthy-people/hp2030/methods.html; Talih et al. 2025, PMID
40576483): *target met or exceeded*, *improving*, *little or no detectable change*, *getting worse*,
plus *baseline only* when a single value exists. Healthy People judges the change from the baseline
to the most recent value with its standard error; the network's indicators come without standard
errors but as a yearly series, so here the change is judged by the linear trend (OLS slope in pp
per year over the years from the baseline year on, t-based confidence interval with n - 2 degrees
of freedom), see :func:`progress`. With only two values (no degrees of freedom left) the Healthy
People rule for objectives without standard errors is used (10 % of the targeted change achieved,
or 10 % change from baseline away from the target).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import optimize, stats

__all__ = [
    "STATUSES",
    "trajectory",
    "trend",
    "progress",
    "classify",
    "required_n",
    "detectable_change",
    "detectability_table",
    "target_status",
    "gap_table",
    "indicator_goals",
    "survey_goals",
    "indicator_overview",
    "MIN_BASELINE_POINTS",
    "first_change",
    "expected_periods",
    "baseline_data",
    "baseline_chart",
    "baseline_summary",
    "SURVEY_KEYWORDS",
    "team_surveys",
    "teams_table",
    "teams_by_area",
    "municipalities_table",
    "network_count",
    "overview_table",
    "kpi_title",
    "baseline_table",
    "baseline_items",
    "measures_overview",
    "changes_table",
    "survey_shares",
    "gap_analysis",
    "gap_display",
    "gap_sections",
    "status_counts",
    "detect_display",
    "ideas_table",
    "team_facts",
    "baseline_intro",
    "survey_goal_notes",
    "goal_chart_items",
    "DETECT_N",
    "detect_text",
    "team_survey_tables",
]

#: Status codes in report order (labels in analysis.text.goals as ``goals_status_<code>``).
STATUSES = ("target_met", "improving", "little_or_no_change", "getting_worse", "baseline_only", "no_data")

TREND_METHOD = "OLS slope over years, t-based {level:.0%} CI (df = n - 2)"
TWO_POINT_METHOD = "two values only: Healthy People rule without standard errors (10 % thresholds)"
# Healthy People 2020/2030: without standard errors an objective "improved" when it achieved at
# least 10 % of the targeted change and "got worse" when it moved at least 10 % from the baseline.
HP_THRESHOLD = 0.10


def _sign(direction: str) -> int:
    if direction not in ("up", "down"):
        raise ValueError(f"direction must be 'up' or 'down', not {direction!r}")
    return 1 if direction == "up" else -1


def _scale(baseline: float, scale: float | None) -> float:
    if scale is not None:
        if scale not in (1, 100):
            raise ValueError(f"scale must be 1 (shares 0-1) or 100 (percent 0-100), not {scale!r}")
        return float(scale)
    # A share 0-1 (as in the DESIGN example 0.61) or percent 0-100 (as Kolada publishes it).
    # Percent values below 1 (e.g. 0.8 % in out-of-home care) must pass scale=100 explicitly.
    return 1.0 if 0 <= baseline <= 1 else 100.0


def trajectory(
    baseline: float,
    start_year: int,
    pp_per_year: float = 2,
    years: int = 4,
    direction: str = "up",
    scale: float | None = None,
    clip: bool = True,
) -> pd.DataFrame:
    """Return the goal trajectory: one row per year from ``start_year`` (the baseline) on.

    Parameters
    ----------
    baseline : value in ``start_year``, a share 0-1 or a percentage 0-100 (see ``scale``).
    pp_per_year : absolute percentage points per year (not a relative change).
    years : number of years; the last row is ``start_year + years`` with ``years * pp_per_year``
        pp of change (+8 pp after four years with the defaults).
    direction : ``"up"`` adds, ``"down"`` (lower is better) subtracts.
    scale : 1 when ``baseline`` is a share, 100 when a percentage; None infers it (a baseline
        between 0 and 1 is a share).
    clip : keep the goal within 0 and 100 % (False for other units, e.g. per 1 000: then only
        at or above 0).

    Returns
    -------
    DataFrame with columns year (int), goal (in the unit of ``baseline``, kept within 0 and
    100 %), change_pp (pp from the baseline).
    """
    if not np.isfinite(baseline):
        raise ValueError("baseline must be a number")
    if int(years) < 1:
        raise ValueError("years must be at least 1")
    sign = _sign(direction)
    unit = _scale(float(baseline), scale)
    step = np.arange(int(years) + 1)
    change_pp = sign * float(pp_per_year) * step + 0.0  # + 0.0: no -0.0
    goal = np.clip(float(baseline) + change_pp * unit / 100.0, 0.0, unit if clip else None)
    return pd.DataFrame(
        {"year": (int(start_year) + step).astype("int64"), "goal": goal, "change_pp": change_pp}
    )


def trend(
    data: pd.DataFrame,
    x: str = "year",
    y: str = "value",
    by: Sequence[str] | str | None = None,
    level: float = 0.95,
    scale: float = 100,
) -> pd.DataFrame:
    """Linear trend per series: OLS slope in percentage points per year with a t-based CI.

    Returns one row per series: [by...], n_points, first_x, last_x, slope_pp, se_pp, ci_low,
    ci_high (pp per year), p_value, method. With fewer than three points the CI is NaN.
    """
    by = [by] if isinstance(by, str) else list(by or [])
    rows = []
    groups = data.groupby(by, sort=True, dropna=False) if by else [((), data)]
    for key, frame in groups:
        frame = frame[[x, y]].dropna()
        xs = frame[x].to_numpy(dtype=float)
        ys = frame[y].to_numpy(dtype=float) * 100.0 / scale
        row = dict(zip(by, key if isinstance(key, tuple) else (key,), strict=True))
        row.update(_ols(xs, ys, level))
        rows.append(row)
    return pd.DataFrame(rows, columns=[*by, "n_points", "first_x", "last_x", "slope_pp", "se_pp",
                                       "ci_low", "ci_high", "p_value", "method"])


def _ols(xs: np.ndarray, ys: np.ndarray, level: float) -> dict:
    n = len(xs)
    out = {"n_points": n, "first_x": xs.min() if n else np.nan, "last_x": xs.max() if n else np.nan,
           "slope_pp": np.nan, "se_pp": np.nan, "ci_low": np.nan, "ci_high": np.nan,
           "p_value": np.nan, "method": TREND_METHOD.format(level=level)}
    if n < 2 or np.ptp(xs) == 0:
        return out
    xc = xs - xs.mean()
    slope = float((xc * (ys - ys.mean())).sum() / (xc**2).sum())
    out["slope_pp"] = slope
    if n >= 3:
        resid = ys - ys.mean() - slope * xc
        se = math.sqrt(float((resid**2).sum()) / (n - 2) / float((xc**2).sum()))
        tq = stats.t.ppf(0.5 + level / 2, n - 2)
        out.update(se_pp=se, ci_low=slope - tq * se, ci_high=slope + tq * se)
        out["p_value"] = float(2 * stats.t.sf(abs(slope) / se, n - 2)) if se > 0 else 0.0
    return out


def classify(
    baseline: float,
    latest: float,
    target: float,
    direction: str,
    n_points: int,
    ci_low: float = np.nan,
    ci_high: float = np.nan,
) -> str:
    """Healthy People 2030 progress status of one indicator.

    Order of the rules (values and ``target`` in the same unit; CI of the slope in that unit):

    1. ``target_met`` when ``latest`` is at or beyond ``target`` in the direction of improvement.
    2. ``baseline_only`` with a single value; ``no_data`` with none.
    3. With a CI (three or more values): ``improving`` when the whole CI of the slope lies on the
       side of improvement of 0, ``getting_worse`` when it lies on the other side, else
       ``little_or_no_change``.
    4. With two values: ``improving`` when at least 10 % of the targeted change is achieved,
       ``getting_worse`` when the value moved away from the target by at least 10 % of the
       baseline, else ``little_or_no_change`` (Healthy People rule without standard errors).
    """
    sign = _sign(direction)
    if n_points < 1 or not np.isfinite(latest):
        return "no_data"
    if np.isfinite(target) and sign * (latest - target) >= -1e-9:
        return "target_met"
    if n_points < 2 or not np.isfinite(baseline):
        return "baseline_only"
    if np.isfinite(ci_low) and np.isfinite(ci_high):
        low, high = sorted((sign * ci_low, sign * ci_high))
        if low > 0:
            return "improving"
        if high < 0:
            return "getting_worse"
        return "little_or_no_change"
    moved = sign * (latest - baseline)
    if moved > 0 and np.isfinite(target) and target != baseline:
        return "improving" if moved / abs(target - baseline) >= HP_THRESHOLD else "little_or_no_change"
    if moved < 0 and baseline != 0 and abs(moved / baseline) >= HP_THRESHOLD:
        return "getting_worse"
    return "little_or_no_change"


def progress(
    data: pd.DataFrame,
    baseline_year: int,
    direction: str = "up",
    pp_per_year: float | None = None,
    years: int | None = None,
    target: float | None = None,
    x: str = "year",
    y: str = "value",
    by: Sequence[str] | str | None = None,
    as_of: int | None = None,
    scale: float = 100,
    level: float = 0.95,
    clip: bool = True,
) -> pd.DataFrame:
    """Progress of each series towards its goal, one row per series.

    Give either ``pp_per_year`` and ``years`` (a trajectory from each series' own value in
    ``baseline_year``) or a fixed ``target`` (same unit as ``y``). Only values with
    ``baseline_year <= x <= as_of`` are used. A trajectory's goals stay at or above 0, and at
    or below 100 % when ``clip`` (use False for units other than percent).

    Returns
    -------
    DataFrame: [by...], baseline_year, baseline, latest_year, latest, target, deadline_year,
    goal_now (the trajectory's goal in ``latest_year``; the target for fixed targets), gap
    (``target - latest`` in the direction of improvement, pp; 0 or less = met), gap_now (the same
    against ``goal_now``), share_achieved (Healthy People "percentage of targeted change achieved"
    as a share: (latest - baseline) / (target - baseline); NaN when moving away from the target,
    as Healthy People computes it only for objectives moving toward it), change_pp, n_points, slope_pp, ci_low,
    ci_high (pp per year), goal_pp_per_year, pace (``on_pace``: CI wholly at or above the goal
    rate; ``behind``: wholly below; ``undetermined``; NA without CI or rate), status, method.
    """
    sign = _sign(direction)
    if (target is None) == (pp_per_year is None):
        raise ValueError("give either pp_per_year and years (a trajectory) or a fixed target")
    if pp_per_year is not None and years is None:
        raise ValueError("a trajectory needs years")
    by = [by] if isinstance(by, str) else list(by or [])
    missing = [c for c in [*by, x, y] if c not in data.columns]
    if missing:
        raise KeyError(f"progress: columns {missing} not in the data")
    frame = data[[*by, x, y]].dropna(subset=[y])
    frame = frame[frame[x] >= baseline_year]
    if as_of is not None:
        frame = frame[frame[x] <= as_of]
    unit = 100.0 / scale  # multiply a value difference by this to get pp
    deadline_year = baseline_year + int(years) if years is not None else pd.NA
    keys = (data[by].drop_duplicates().sort_values(by).itertuples(index=False, name=None)
            if by else [()])
    rows = []
    for key in keys:
        part = frame
        for col, value in zip(by, key, strict=True):
            part = part[part[col] == value]
        part = part.sort_values(x)
        row = dict(zip(by, key, strict=True))
        base_rows = part[part[x] == baseline_year]
        baseline = float(base_rows[y].iloc[0]) if len(base_rows) else np.nan
        latest_year = part[x].iloc[-1] if len(part) else pd.NA
        latest = float(part[y].iloc[-1]) if len(part) else np.nan
        if target is not None:
            tgt = float(target)
            goal_now = tgt
        else:
            tgt = baseline + sign * float(pp_per_year) * int(years) / unit
            upper = scale if clip else None
            tgt = float(np.clip(tgt, 0, upper)) if np.isfinite(tgt) else np.nan
            elapsed = min(int(latest_year) - baseline_year, int(years)) if len(part) else 0
            goal_now = baseline + sign * float(pp_per_year) * elapsed / unit
            goal_now = float(np.clip(goal_now, 0, upper)) if np.isfinite(goal_now) else np.nan
        fit = _ols(part[x].to_numpy(float), part[y].to_numpy(float) * unit, level)
        fit_ci = (fit["ci_low"], fit["ci_high"])
        status = classify(baseline, latest, tgt, direction, int(fit["n_points"]),
                          fit_ci[0] / unit, fit_ci[1] / unit)
        targeted = tgt - baseline
        share = (latest - baseline) / targeted if np.isfinite(targeted) and targeted != 0 else np.nan
        if np.isfinite(share) and share < 0:
            share = np.nan  # Healthy People: only for objectives moving toward the target
        rate = float(pp_per_year) if pp_per_year is not None else np.nan
        row.update(
            baseline_year=baseline_year, baseline=baseline, latest_year=latest_year, latest=latest,
            target=tgt, deadline_year=deadline_year, goal_now=goal_now,
            gap=sign * (tgt - latest) * unit, gap_now=sign * (goal_now - latest) * unit,
            share_achieved=share, change_pp=sign * (latest - baseline) * unit,
            n_points=fit["n_points"], slope_pp=fit["slope_pp"], ci_low=fit_ci[0],
            ci_high=fit_ci[1], goal_pp_per_year=rate, pace=_pace(fit_ci, rate, sign),
            status=status, method=fit["method"] if fit["n_points"] >= 3 else TWO_POINT_METHOD,
        )
        rows.append(row)
    out = pd.DataFrame(rows)
    for col in ("latest_year", "deadline_year", "n_points"):
        out[col] = out[col].astype("Int64")
    return out


def _pace(ci: tuple[float, float], rate: float, sign: int) -> object:
    if not (np.isfinite(ci[0]) and np.isfinite(ci[1]) and np.isfinite(rate)):
        return pd.NA
    low, high = sorted((sign * ci[0], sign * ci[1]))
    if low >= rate:
        return "on_pace"
    if high < rate:
        return "behind"
    return "undetermined"


# --- detectability --------------------------------------------------------------------------


def required_n(p1: float, diff: float, alpha: float = 0.05, power: float = 0.80) -> float:
    """Respondents per group to detect ``p1`` vs ``p1 + diff`` (shares 0-1), two-sided test.

    Fleiss, Levin & Paik (2003), *Statistical Methods for Rates and Proportions*, eq. 4.14 (pooled
    variance under H0, unpooled under H1), without continuity correction.
    """
    p2 = p1 + diff
    if not (0 < p1 < 1 and 0 < p2 < 1) or diff == 0:
        raise ValueError("p1 and p1 + diff must lie strictly between 0 and 1, diff not 0")
    za = stats.norm.ppf(1 - alpha / 2)
    zb = stats.norm.ppf(power)
    pbar = (p1 + p2) / 2
    num = za * math.sqrt(2 * pbar * (1 - pbar)) + zb * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return num**2 / diff**2


def detectable_change(n: float, p: float = 0.5, alpha: float = 0.05, power: float = 0.80) -> float:
    """Smallest change (share 0-1) from ``p`` a two-sided test detects with ``n`` per group.

    Solves :func:`required_n` ``(p, d) = n`` for d (the larger of the up and down solutions, so
    the result holds in either direction). Alpha 0.05 two-sided and power 80 % by default.
    """
    if n <= 1:
        return np.nan
    best = 0.0
    for sign in (1, -1):
        room = (1 - p) if sign > 0 else p
        hi = room - 1e-9
        if required_n(p, sign * hi, alpha, power) > n:
            best = max(best, np.inf)
            continue
        d = optimize.brentq(lambda d, s=sign: required_n(p, s * d, alpha, power) - n, 1e-9, hi,
                            xtol=1e-10)
        best = max(best, d)
    return best


def detectability_table(
    n_values: Iterable[float], p: float = 0.5, alpha: float = 0.05, power: float = 0.80
) -> pd.DataFrame:
    """Minimum detectable change (pp) between two years for each number of respondents per year.

    Returns columns n (per group), p, mdc_pp, alpha, power, method.
    """
    rows = [{"n": int(n), "p": p, "mdc_pp": 100 * detectable_change(n, p, alpha, power),
             "alpha": alpha, "power": power,
             "method": "two-proportion z-test, Fleiss, Levin & Paik 2003 eq. 4.14, two-sided"}
            for n in n_values]
    return pd.DataFrame(rows)


# --- targets and the gap table ----------------------------------------------------------------


def target_status(
    value: float,
    target: float,
    deadline: pd.Timestamp | str,
    measured: pd.Timestamp | str,
    direction: str = "up",
    date_known: bool = True,
) -> dict:
    """Status of a fixed target ("100 % by 2022-12-31") from one measurement.

    A value at or beyond the target measured on or before the deadline (the deadline day counts)
    is ``target_met``; a value short of it is ``baseline_only`` (one value: no trend).
    Returns a dict with status, gap (in the unit of the values, positive = still to go),
    deadline_passed (measured after the deadline) and met_by_deadline (True, False, or NA while
    the deadline is ahead and the target is not met yet). With ``date_known=False`` (a survey
    without a date, ``measured`` is then the analysis date) a target met after the deadline has
    passed gives NA: it may have been met in time.
    """
    sign = _sign(direction)
    deadline = pd.Timestamp(deadline)
    measured = pd.Timestamp(measured)
    gap = sign * (target - value)
    met = gap <= 1e-9
    passed = measured > deadline
    if met:
        by_deadline: object = True if not passed else (False if date_known else pd.NA)
    else:
        by_deadline = False if passed else pd.NA
    return {"status": "target_met" if met else "baseline_only", "gap": max(gap, 0.0) if met else gap,
            "deadline_passed": passed, "met_by_deadline": by_deadline}


GAP_COLUMNS = ["goal_id", "title_sv", "title_en", "kind", "source", "municipality_code",
               "baseline_year", "baseline", "current", "current_period", "target", "gap", "unit",
               "deadline", "status",
               "share_achieved", "slope_pp", "ci_low", "ci_high", "pace", "detail", "method"]


def indicator_goals(
    goals: pd.DataFrame,
    indicators: pd.DataFrame,
    kpis: pd.DataFrame,
    municipalities: pd.DataFrame,
    year: int,
    gender: str = "T",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Progress of every goal whose source is ``indicator:<kpi>``, per municipality.

    A blank ``municipality_code`` in goals means every municipality in the network and the county
    (0006). Returns ``(gap_rows, series)``: gap rows in the shape of :func:`gap_table`, and the
    observed series with the goal trajectory (goal_id, kpi, municipality_code, year, value, goal)
    for the charts.
    """
    rows, series = [], []
    src = goals["source"].astype("string")
    picked = goals[src.str.startswith("indicator:").fillna(False)]
    network = municipalities.loc[municipalities["in_network"].astype(bool), "municipality_code"]
    for goal in picked.itertuples(index=False):
        kpi = str(goal.source).split(":", 1)[1]
        info = kpis[kpis["kpi"] == kpi]
        direction = str(goal.direction) if pd.notna(goal.direction) else (
            str(info["direction"].iloc[0]) if len(info) else "up")
        unit = str(info["unit"].iloc[0]) if len(info) else "%"
        codes = ([str(goal.municipality_code)] if pd.notna(goal.municipality_code)
                 and str(goal.municipality_code).strip() else [*network.astype(str), "0006"])
        data = indicators[(indicators["kpi"] == kpi) & (indicators["gender"] == gender)
                          & indicators["municipality_code"].isin(codes)]
        data = data[["municipality_code", "period", "value"]].rename(columns={"period": "year"})
        data = data.astype({"year": "int64"})
        present = [c for c in codes if c in set(data["municipality_code"])]
        if not present:
            continue
        data = data[data["municipality_code"].isin(present)]
        if goal.kind == "trajectory":
            years = int(goal.years)
            prog = progress(data, int(goal.baseline_year), direction,
                            pp_per_year=float(goal.pp_per_year), years=years,
                            by="municipality_code", as_of=year, clip=unit == "%")
            deadline = pd.Timestamp(year=int(goal.baseline_year) + years, month=12, day=31)
        else:
            deadline = pd.Timestamp(goal.deadline)
            prog = progress(data, int(goal.baseline_year) if pd.notna(goal.baseline_year)
                            else int(data["year"].min()), direction,
                            target=float(goal.target_value), by="municipality_code", as_of=year)
        for p in prog.itertuples(index=False):
            rows.append({
                "goal_id": goal.goal_id, "title_sv": goal.title_sv, "title_en": goal.title_en,
                "kind": goal.kind, "source": goal.source, "municipality_code": p.municipality_code,
                "current": p.latest, "current_period": str(p.latest_year) if pd.notna(p.latest_year) else pd.NA,
                "target": p.target, "gap": p.gap, "unit": unit, "deadline": deadline,
                "status": p.status, "share_achieved": p.share_achieved, "slope_pp": p.slope_pp,
                "ci_low": p.ci_low, "ci_high": p.ci_high, "pace": p.pace,
                "baseline_year": p.baseline_year, "baseline": p.baseline, "detail": "",
                "method": p.method,
            })
            own = data[data["municipality_code"] == p.municipality_code].sort_values("year")
            if goal.kind == "trajectory" and np.isfinite(p.baseline):
                traj = trajectory(p.baseline, int(goal.baseline_year), float(goal.pp_per_year),
                                  int(goal.years), direction, scale=100,
                                  clip=unit == "%")[["year", "goal"]]
                own = own.merge(traj, on="year", how="outer")
            else:
                own = own.assign(goal=p.target)
            own = own.assign(goal_id=goal.goal_id, kpi=kpi, municipality_code=p.municipality_code)
            series.append(own)
    gap = pd.DataFrame(rows, columns=GAP_COLUMNS)
    cols = ["goal_id", "kpi", "municipality_code", "year", "value", "goal"]
    ser = pd.concat(series, ignore_index=True)[cols] if series else pd.DataFrame(columns=cols)
    return gap, ser


def survey_goals(goals: pd.DataFrame, shares: pd.DataFrame, measured: pd.Timestamp | str | None = None,
                 as_of: pd.Timestamp | str | None = None) -> pd.DataFrame:
    """Gap rows of every goal whose source is ``survey:<survey>:<question>:<option>``.

    ``shares`` holds one row per goal source: source, x (count meeting the criterion), n (those
    who answered), population (how many were asked, e.g. the 21 family centres; NA when a
    sample). The current value is ``100 * x / n``; when n equals the population it is a census
    and carries no sampling error (method says so), else a Wilson 95 % interval is given.
    ``measured`` is the survey date; when unknown (None) the status is judged as of ``as_of``
    (see :func:`target_status`, ``date_known=False``).
    """
    rows = []
    src = goals["source"].astype("string")
    picked = goals[src.str.startswith("survey:").fillna(False)]
    if measured is None and as_of is None:
        raise ValueError("survey_goals needs the survey date (measured) or the analysis date (as_of)")
    known = measured is not None
    measured = pd.Timestamp(measured if known else as_of)
    for goal in picked.itertuples(index=False):
        match = shares[shares["source"] == goal.source]
        direction = str(goal.direction) if pd.notna(goal.direction) else "up"
        base = {"goal_id": goal.goal_id, "title_sv": goal.title_sv, "title_en": goal.title_en,
                "kind": goal.kind, "source": goal.source, "municipality_code": pd.NA,
                "target": float(goal.target_value), "unit": "%",
                "deadline": pd.Timestamp(goal.deadline), "slope_pp": np.nan, "pace": pd.NA,
                "current_period": str(measured.date()) if known else pd.NA,
                "baseline_year": pd.NA, "baseline": np.nan}
        if match.empty or not int(match["n"].iloc[0]):
            rows.append({**base, "current": np.nan, "gap": np.nan, "status": "no_data",
                         "share_achieved": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                         "detail": "", "method": ""})
            continue
        x, n = int(match["x"].iloc[0]), int(match["n"].iloc[0])
        pop = match["population"].iloc[0] if "population" in match else pd.NA
        value = 100.0 * x / n
        if pd.notna(pop) and int(pop) == n:
            low = high = np.nan
            method = f"census: all {n} answered, no sampling error"
        else:
            low, high = (100 * v for v in _wilson(x, n))
            method = "Wilson score interval 95 % (Wilson 1927)"
        st = target_status(value, float(goal.target_value), goal.deadline, measured, direction,
                           date_known=known)
        rows.append({**base, "current": value, "gap": st["gap"], "status": st["status"],
                     "share_achieved": np.nan, "ci_low": low, "ci_high": high,
                     "detail": f"{x}/{n}", "method": method, "met_by_deadline": st["met_by_deadline"]})
    return pd.DataFrame(rows, columns=[*GAP_COLUMNS, "met_by_deadline"])


def _wilson(x: int, n: int, level: float = 0.95) -> tuple[float, float]:
    # Wilson 1927 score interval
    z = stats.norm.ppf(0.5 + level / 2)
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def gap_table(*parts: pd.DataFrame, as_of: pd.Timestamp | str | None = None) -> pd.DataFrame:
    """One table of every goal: current value, target, gap, deadline and status.

    Concatenates the rows of :func:`indicator_goals` and :func:`survey_goals` and adds
    ``deadline_passed`` (``as_of`` after the deadline; the deadline day itself counts as in time)
    and ``met_by_deadline``: True when met with the deadline not passed, False when not met and
    passed, NA otherwise (deadline ahead; or met, but only known after the deadline).
    """
    frames = [p for p in parts if p is not None and len(p)]
    if not frames:
        return pd.DataFrame(columns=[*GAP_COLUMNS, "deadline_passed", "met_by_deadline"])
    table = pd.concat(frames, ignore_index=True)
    as_of = pd.Timestamp(as_of) if as_of is not None else pd.Timestamp.today().normalize()
    passed = pd.to_datetime(table["deadline"]) < as_of
    met = table["status"] == "target_met"
    by_deadline = pd.Series(pd.NA, index=table.index, dtype="boolean")
    if "met_by_deadline" in table:
        by_deadline = table["met_by_deadline"].astype("boolean")
    # survey rows bring their own answer (NA = unknown); indicator rows are judged here
    fill = by_deadline.isna() & ~table["source"].astype(str).str.startswith("survey:")
    by_deadline = by_deadline.mask(fill & met & ~passed, True).mask(fill & ~met & passed, False)
    table = table.assign(deadline_passed=passed, met_by_deadline=by_deadline)
    order = {s: i for i, s in enumerate(STATUSES)}
    return (table.assign(_o=table["status"].map(order))
            .sort_values(["goal_id", "_o", "municipality_code"], na_position="first", kind="stable")
            .drop(columns="_o").reset_index(drop=True))


# --- county indicators (nuläge) ------------------------------------------------------------


def indicator_overview(
    indicators: pd.DataFrame,
    kpis: pd.DataFrame,
    municipalities: pd.DataFrame,
    county_code: str = "0006",
    level: float = 0.95,
) -> pd.DataFrame:
    """Latest value, trend, county value and position of every KPI and municipality of the county.

    Returns one row per kpi and municipality of ``municipalities``: kpi, municipality_code,
    municipality_name, in_network, latest_year, latest (gender T), women, men (K and M in the
    latest year, NaN when absent), slope_pp, ci_low, ci_high (OLS trend over all years, pp per
    year, see :func:`trend`), n_points, county (the county's own value, code ``county_code``, in
    the same year), position (1 = best among the municipalities in the direction of improvement,
    ties share the better rank), n_ranked, direction, unit, method.
    """
    cols = ["kpi", "municipality_code", "municipality_name", "in_network", "latest_year", "latest",
            "women", "men", "slope_pp", "ci_low", "ci_high", "n_points", "county", "position",
            "n_ranked", "direction", "unit", "method"]
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
        muni = total[total["municipality_code"].isin(codes)]
        if muni.empty:
            continue
        latest_year = int(muni["year"].max())
        trends = trend(muni, x="year", y="value", by="municipality_code", level=level)
        now = part[part["year"] == latest_year].pivot_table(
            index="municipality_code", columns="gender", values="value", aggfunc="first")
        county = now.at[county_code, "T"] if county_code in now.index and "T" in now else np.nan
        values = now["T"].reindex(codes) if "T" in now else pd.Series(np.nan, index=codes)
        ranks = (values * _sign(direction)).rank(ascending=False, method="min")
        for m in municipalities.itertuples(index=False):
            code = str(m.municipality_code)
            tr = trends[trends["municipality_code"] == code]
            tr = tr.iloc[0] if len(tr) else None
            rows.append({
                "kpi": kpi, "municipality_code": code, "municipality_name": m.municipality_name,
                "in_network": bool(m.in_network), "latest_year": latest_year,
                "latest": values.get(code, np.nan),
                "women": now.at[code, "K"] if code in now.index and "K" in now else np.nan,
                "men": now.at[code, "M"] if code in now.index and "M" in now else np.nan,
                "slope_pp": tr["slope_pp"] if tr is not None else np.nan,
                "ci_low": tr["ci_low"] if tr is not None else np.nan,
                "ci_high": tr["ci_high"] if tr is not None else np.nan,
                "n_points": int(tr["n_points"]) if tr is not None else 0,
                "county": county, "position": ranks.get(code, np.nan),
                "n_ranked": int(values.notna().sum()), "direction": direction, "unit": unit,
                "method": TREND_METHOD.format(level=level),
            })
    out = pd.DataFrame(rows, columns=cols)
    out["position"] = out["position"].astype("Int64")
    return out


# --- team baselines (nuläge per team) -------------------------------------------------------

MIN_BASELINE_POINTS = 8  # fewer points: say the baseline needs more, draw no verdict
RATIO_KINDS = ("p", "pp", "u", "up")
CENTRE_KIND = {"run": "median", "g": "median", "i": "mean", "mr": "mean", "xbar": "mean",
               "s": "mean", "c": "mean", "t": "mean", "p": "proportion", "pp": "proportion",
               "u": "rate", "up": "rate"}


def first_change(changes: pd.DataFrame, team_id: str) -> pd.Timestamp:
    """Date of the team's first change in the PDSA log (NaT when it has none)."""
    dates = changes.loc[changes["team_id"] == team_id, "date"]
    return pd.Timestamp(dates.min()) if len(dates.dropna()) else pd.NaT


def expected_periods(start: pd.Timestamp, end: pd.Timestamp, frequency: str) -> pd.DatetimeIndex:
    """Every period from ``start`` to ``end`` at ``frequency`` (week: Mondays; month: 1st)."""
    if pd.isna(start) or pd.isna(end):
        return pd.DatetimeIndex([])
    if frequency == "week":
        start = start - pd.Timedelta(days=start.weekday())
        return pd.date_range(start, end, freq="W-MON")
    start = start.replace(day=1)
    return pd.date_range(start, end, freq="MS")


def baseline_data(observations: pd.DataFrame, measure: pd.Series | dict,
                  changes: pd.DataFrame) -> pd.DataFrame:
    """The observations of one measure before the team's first change (all of them without one).

    Returns the measure's observation rows with a column ``y`` (numerator for ratio charts,
    else value) and ``n`` (denominator or NaN).
    """
    team, mid = measure["team_id"], measure["measure_id"]
    obs = observations[(observations["team_id"] == team) & (observations["measure_id"] == mid)]
    start = first_change(changes, team)
    if pd.notna(start):
        obs = obs[obs["period"] < start]
    if measure["chart"] in RATIO_KINDS:
        obs = obs.assign(y=obs["numerator"], n=obs["denominator"])
    else:
        obs = obs.assign(y=obs["value"], n=np.nan)
    return obs.dropna(subset=["y"]).sort_values("period").reset_index(drop=True)


def _multiply(measure) -> float:
    return 100.0 if measure["chart"] in ("p", "pp") and str(measure["unit"]).strip() == "%" else 1.0


def baseline_chart(observations: pd.DataFrame, measure: pd.Series | dict, changes: pd.DataFrame,
                   kind: str = "run"):
    """The ``spc.chart`` result of one measure's baseline (a run chart by default).

    Ratio measures chart numerator/denominator; p charts in % are multiplied by 100. Returns
    None when the baseline has fewer than two points.
    """
    from . import spc

    data = baseline_data(observations, measure, changes)
    if data["period"].nunique() < 2:
        return None
    n = "n" if measure["chart"] in RATIO_KINDS else None
    return spc.chart(data, y="y", n=n, x="period", kind=kind, multiply=_multiply(measure),
                     source="observations.csv")


def baseline_summary(
    measures: pd.DataFrame,
    observations: pd.DataFrame,
    changes: pd.DataFrame,
    team_id: str,
    min_points: int = MIN_BASELINE_POINTS,
) -> pd.DataFrame:
    """One row per measure of ``team_id``: its baseline period, centre, verdict and completeness.

    The baseline is every period before the team's first change in the PDSA log (the whole
    series when there is none). The centre is the centre line of the chart kind the measure
    declares, computed on the baseline (``spc.chart``): median for run and G charts, mean for I,
    X̄, S, C and T charts, the pooled proportion Σnumerator/Σdenominator for P charts, the pooled
    rate for U charts. The verdict comes from a run chart of the baseline with Anhøj's rules
    (Anhøj & Olesen 2014): ``stable`` without a runs signal, ``unstable`` with one, ``too_few``
    with fewer than ``min_points`` periods (no verdict is drawn). Completeness counts the
    periods (week or month) between the first and last baseline period without a value.

    Returns measure_id, measure_name, measure_type, chart, unit, frequency, direction, target,
    first_change, baseline_start, baseline_end, n_points, n_expected, n_missing,
    missing_periods (tuple of Timestamps), centre, centre_kind, multiply, verdict, longest_run,
    longest_run_max, n_crossings, n_crossings_min, latest_period, latest_value, method.
    """
    from . import spc

    start = first_change(changes, team_id)
    rows = []
    for m in measures[measures["team_id"] == team_id].to_dict("records"):
        data = baseline_data(observations, m, changes)
        all_obs = observations[(observations["team_id"] == team_id)
                               & (observations["measure_id"] == m["measure_id"])]
        periods = pd.DatetimeIndex(data["period"].drop_duplicates())
        n_points = len(periods)
        expected = expected_periods(periods.min() if n_points else pd.NaT,
                                    periods.max() if n_points else pd.NaT, m["frequency"])
        missing = tuple(p for p in expected if p not in set(periods))
        mult = _multiply(m)
        row = {k: m.get(k) for k in ("measure_id", "measure_name", "measure_type", "chart", "unit",
                                     "frequency", "direction", "target")}
        row.update(first_change=start, baseline_start=periods.min() if n_points else pd.NaT,
                   baseline_end=periods.max() if n_points else pd.NaT, n_points=n_points,
                   n_expected=len(expected), n_missing=len(missing), missing_periods=missing,
                   centre=np.nan, centre_kind=CENTRE_KIND.get(m["chart"], "median"),
                   multiply=mult, verdict="too_few", longest_run=pd.NA, longest_run_max=pd.NA,
                   n_crossings=pd.NA, n_crossings_min=pd.NA, latest_period=pd.NaT,
                   latest_value=np.nan,
                   method="baseline run chart, Anhøj rules (Anhøj & Olesen 2014)")
        if len(all_obs):
            last = all_obs.sort_values("period")
            last = last[last["period"] == last["period"].max()]
            row["latest_period"] = last["period"].iloc[0]
            if m["chart"] in RATIO_KINDS:
                row["latest_value"] = mult * last["numerator"].sum() / last["denominator"].sum()
            else:
                row["latest_value"] = last["value"].mean()
        if n_points >= 1:
            n = "n" if m["chart"] in RATIO_KINDS else None
            try:
                centre = spc.chart(data, y="y", n=n, x="period", kind=m["chart"], multiply=mult,
                                   source="observations.csv")
                row["centre"] = float(centre.summary["cl"].iloc[0])
            except (ValueError, KeyError):
                row["centre"] = np.nan  # e.g. too few points for this chart kind
        if n_points >= 2:
            res = baseline_chart(observations, m, changes)
            s = res.summary.iloc[0]
            row.update(longest_run=s["longest_run"], longest_run_max=s["longest_run_max"],
                       n_crossings=s["n_crossings"], n_crossings_min=s["n_crossings_min"])
            if n_points >= min_points:
                row["verdict"] = "unstable" if bool(s["runs_signal"]) else "stable"
        rows.append(row)
    cols = ["measure_id", "measure_name", "measure_type", "chart", "unit", "frequency", "direction",
            "target", "first_change", "baseline_start", "baseline_end", "n_points", "n_expected",
            "n_missing", "missing_periods", "centre", "centre_kind", "multiply", "verdict",
            "longest_run", "longest_run_max", "n_crossings", "n_crossings_min", "latest_period",
            "latest_value", "method"]
    return pd.DataFrame(rows, columns=cols)


# --- report helpers: Dataset in, display frames out (labels through analysis.text) -----------

#: Which surveys belong to a team's area, by words in the team's name (lower case). A codebook
#: could say it itself one day; until then this is the one place that decides it.
SURVEY_KEYWORDS = {
    "parents": ("familjecentral", "föräldra"),
    "coordinators": ("familjecentral",),
    "pupils": ("skola", "skolan", "elev"),
}


def team_surveys(team: pd.Series | dict, surveys: Iterable[str]) -> list[str]:
    """Survey ids (of ``surveys``) that belong to ``team``'s area, see :data:`SURVEY_KEYWORDS`."""
    name = f"{team['team_name']} {team.get('aim', '') or ''}".lower()
    return [s for s in surveys if any(word in name for word in SURVEY_KEYWORDS.get(s, ()))]


def _muni_names(municipalities: pd.DataFrame) -> dict[str, str]:
    from .text import t

    names = dict(zip(municipalities["municipality_code"].astype(str),
                     municipalities["municipality_name"].astype(str), strict=True))
    names.setdefault("0006", t("county"))
    return names


def teams_table(teams: pd.DataFrame, municipalities: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """The teams with municipality, focus area, cohort and start date, for a report."""
    from .text import t

    names = _muni_names(municipalities)
    frame = teams.sort_values(["cohort", "focus_area", "team_name"])
    return pd.DataFrame({
        t("team", lang): frame["team_name"].astype(str),
        t("municipality", lang): [names.get(str(c), str(c)) for c in frame["municipality_code"]],
        t("focus_area", lang): [t(str(a), lang) if str(a) in _known_labels() else str(a)
                                for a in frame["focus_area"]],
        t("cohort", lang): [str(int(c)) if pd.notna(c) else None for c in frame["cohort"]],
        t("start_date", lang): list(frame["start_date"]),
    })


def _known_labels() -> set[str]:
    from .text import LABELS

    return set(LABELS)


def teams_by_area(teams: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """Number of teams per focus area (rows) and cohort (columns), with totals."""
    from .text import t

    counts = pd.crosstab(teams["focus_area"].astype(str), teams["cohort"].astype("Int64"))
    counts.columns = [str(c) for c in counts.columns]
    counts["Σ"] = counts.sum(axis=1)
    out = counts.reset_index().rename(columns={"focus_area": t("focus_area", lang)})
    first = out.columns[0]
    out[first] = [t(a, lang) if a in _known_labels() else a for a in out[first]]
    return out.astype({c: "int64" for c in out.columns[1:]})


def municipalities_table(municipalities: pd.DataFrame, teams: pd.DataFrame,
                         lang: str | None = None) -> pd.DataFrame:
    """Each municipality of the county: in the network or not, and its teams."""
    from .text import t

    rows = []
    for m in municipalities.sort_values("municipality_name").itertuples(index=False):
        own = teams.loc[teams["municipality_code"] == m.municipality_code, "team_name"]
        rows.append({t("municipality", lang): m.municipality_name,
                     t("goals_col_in_network", lang): bool(m.in_network),
                     t("goals_col_teams", lang): ", ".join(own.astype(str)) or "–"})
    return pd.DataFrame(rows)


def network_count(municipalities: pd.DataFrame) -> tuple[int, int]:
    """``(in the network, in the county)``: 11 of 13 in the programme."""
    return int(municipalities["in_network"].astype(bool).sum()), len(municipalities)


def _trend_text(slope: float, low: float, high: float, lang: str | None) -> str:
    from .text import number

    if not np.isfinite(slope):
        return "–"
    body = f"{'+' if slope > 0 else ''}{number(slope, 1, lang)}"
    if np.isfinite(low) and np.isfinite(high):
        body += f" ({number(low, 1, lang)} – {number(high, 1, lang)})"
    return body


def overview_table(overview: pd.DataFrame, kpi: str, lang: str | None = None) -> pd.DataFrame:
    """One KPI of :func:`indicator_overview` for a report (women/men columns only when present)."""
    from .text import number, t

    part = overview[overview["kpi"] == kpi].sort_values(["position", "municipality_name"],
                                                         na_position="last")
    rows = []
    for r in part.itertuples(index=False):
        row = {t("municipality", lang): r.municipality_name,
               t("goals_col_in_network", lang): bool(r.in_network),
               t("goals_col_latest_year", lang): str(r.latest_year),
               t("latest_value", lang): number(r.latest, 1, lang),
               t("goals_col_trend", lang): _trend_text(r.slope_pp, r.ci_low, r.ci_high, lang),
               t("goals_col_county", lang): number(r.county, 1, lang),
               t("goals_col_position", lang): (f"{int(r.position)}/{r.n_ranked}"
                                               if pd.notna(r.position) else "–")}
        if part["women"].notna().any() or part["men"].notna().any():
            row[t("goals_col_women", lang)] = number(r.women, 1, lang)
            row[t("goals_col_men", lang)] = number(r.men, 1, lang)
        rows.append(row)
    return pd.DataFrame(rows)


def kpi_title(kpis: pd.DataFrame, kpi: str, lang: str | None = None) -> str:
    """``"N17461 Gymnasieelever med examen inom 4 år (%)"`` in the report language."""
    from .text import get_language

    lang = lang or get_language()
    info = kpis[kpis["kpi"] == kpi]
    if info.empty:
        return kpi
    title = info[f"title_{lang}"].iloc[0] if f"title_{lang}" in info else info["title_sv"].iloc[0]
    title = title if pd.notna(title) and str(title).strip() else info["title_sv"].iloc[0]
    return f"{kpi} {title} ({info['unit'].iloc[0]})"


def _value_text(value: float, unit: str, lang: str | None) -> str:
    from .text import get_language, number

    if value is None or not np.isfinite(value):
        return "–"
    if unit != "%":
        return number(value, 1, lang)
    return f"{number(value, 1, lang)}\u00a0%" if (lang or get_language()) == "sv" else f"{number(value, 1, lang)}%"


def _verdict_text(row: pd.Series | dict, lang: str | None, min_points: int = MIN_BASELINE_POINTS) -> str:
    from .text import t

    if row["verdict"] == "too_few":
        return t("goals_verdict_too_few", lang, n=int(row["n_points"]), min=min_points)
    return t(f"goals_verdict_{row['verdict']}", lang)


def baseline_table(summary: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """:func:`baseline_summary` for a report: period, points, centre, verdict, completeness."""
    from .text import percent, t

    rows = []
    for r in summary.to_dict("records"):
        period = ("–" if pd.isna(r["baseline_start"]) else
                  f"{r['baseline_start']:%Y-%m-%d} – {r['baseline_end']:%Y-%m-%d}")
        complete = (r["n_points"] / r["n_expected"]) if r["n_expected"] else np.nan
        missing = ", ".join(f"{p:%Y-%m-%d}" for p in r["missing_periods"][:6])
        if len(r["missing_periods"]) > 6:
            missing += f" … (+{len(r['missing_periods']) - 6})"
        rows.append({
            t("measure", lang): r["measure_name"],
            t("measure_type", lang): t(r["measure_type"], lang) if r["measure_type"] in _known_labels() else r["measure_type"],
            t("goals_col_chart", lang): str(r["chart"]).upper() if r["chart"] != "run" else "run",
            t("goals_col_baseline_period", lang): period,
            t("goals_col_n_points", lang): int(r["n_points"]),
            t("goals_col_centre", lang): (f"{_value_text(r['centre'], r['unit'], lang)} "
                                          f"({t('goals_centre_' + r['centre_kind'], lang)})"),
            t("goals_col_verdict", lang): _verdict_text(r, lang),
            t("goals_col_completeness", lang): percent(complete, 0, lang),
            t("goals_col_missing", lang): missing or t("goals_none_missing", lang),
        })
    return pd.DataFrame(rows)


def baseline_items(dataset, team_id: str, lang: str | None = None) -> list[dict]:
    """What the baseline report shows per measure of ``team_id``, in measure order.

    Each item: measure_id, title, chart (``spc.ChartResult`` of the baseline run chart, None with
    fewer than two points), target (in the chart's unit), direction, unit, too_few (fewer than
    ``MIN_BASELINE_POINTS``: draw ``plots.baseline_points``, no verdict), verdict (text), note
    (the "needs more points" text or the runs detail).
    """
    from .text import t
    from .text.spc import verdict as spc_verdict

    summary = baseline_summary(dataset.measures, dataset.observations, dataset.changes, team_id)
    items = []
    for r in summary.to_dict("records"):
        measure = dataset.measures[(dataset.measures["team_id"] == team_id)
                                   & (dataset.measures["measure_id"] == r["measure_id"])].iloc[0]
        chart = baseline_chart(dataset.observations, measure, dataset.changes)
        target = r["target"] * r["multiply"] if pd.notna(r["target"]) else None
        if r["verdict"] == "too_few":
            note = t("goals_too_few_note", lang, measure=r["measure_name"], n=int(r["n_points"]),
                     min=MIN_BASELINE_POINTS)
        else:
            note = spc_verdict(chart.summary.iloc[0], lang)
        items.append({"measure_id": r["measure_id"], "title": str(r["measure_name"]), "chart": chart,
                      "target": target, "direction": r["direction"], "unit": str(r["unit"]),
                      "too_few": r["verdict"] == "too_few",
                      "verdict": f"{t('goals_col_verdict', lang)}: {_verdict_text(r, lang)}",
                      "note": note})
    return items


def measures_overview(dataset, lang: str | None = None) -> pd.DataFrame:
    """Every team's measures with the latest value and the baseline verdict (county report)."""
    from .text import t

    names = dict(zip(dataset.teams["team_id"], dataset.teams["team_name"], strict=True))
    rows = []
    for team_id in dataset.teams["team_id"]:
        summary = baseline_summary(dataset.measures, dataset.observations, dataset.changes, team_id)
        for r in summary.to_dict("records"):
            rows.append({
                t("team", lang): names[team_id], t("measure", lang): r["measure_name"],
                t("measure_type", lang): t(r["measure_type"], lang) if r["measure_type"] in _known_labels() else r["measure_type"],
                t("period", lang): r["latest_period"],
                t("latest_value", lang): _value_text(r["latest_value"], r["unit"], lang),
                t("goals_col_verdict", lang): _verdict_text(r, lang),
            })
    return pd.DataFrame(rows)


def changes_table(changes: pd.DataFrame, team_id: str, measures: pd.DataFrame | None = None,
                  lang: str | None = None) -> pd.DataFrame:
    """The team's PDSA log for a report: number, date, change, step, measures."""
    from .text import t

    log = changes[changes["team_id"] == team_id].sort_values(["change_no", "date"])
    names = {}
    if measures is not None:
        own = measures[measures["team_id"] == team_id]
        names = dict(zip(own["measure_id"], own["measure_name"], strict=True))
    return pd.DataFrame({
        t("change_no", lang): [int(n) for n in log["change_no"]],
        t("date", lang): list(log["date"]),
        t("title", lang): log["title"].astype(str).tolist(),
        t("pdsa_step", lang): [t(str(s), lang) for s in log["pdsa_step"]],
        t("measures", lang): [", ".join(names.get(m.strip(), m.strip()) for m in str(v).split(",") if m.strip())
                              for v in log["measures"].fillna("")],
    })


def survey_shares(goals: pd.DataFrame, data_dir) -> pd.DataFrame:
    """Resolve every ``survey:`` goal source with :func:`analysis.surveys.resolve_source`.

    Returns source, x, n, population (n for a census, else NA), share, method: the input of
    :func:`survey_goals`.
    """
    from . import surveys

    rows = []
    src = goals["source"].astype("string")
    for source in goals.loc[src.str.startswith("survey:").fillna(False), "source"].drop_duplicates():
        res = surveys.resolve_source(str(source), data_dir)
        census = res["method"] == surveys.CENSUS_METHOD
        rows.append({"source": source, "x": res["x"], "n": res["n"],
                     "population": res["n"] if census else pd.NA, "share": res["share"],
                     "method": res["method"]})
    return pd.DataFrame(rows, columns=["source", "x", "n", "population", "share", "method"])


def gap_analysis(dataset, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every goal of ``dataset.goals`` against the data up to ``year`` (as of 31 December).

    Returns ``(table, series)``: :func:`gap_table` of indicator and survey goals, and the
    indicator series with their trajectories for :func:`analysis.plots.goal_chart`.
    """
    as_of = pd.Timestamp(year=int(year), month=12, day=31)
    gap, series = indicator_goals(dataset.goals, dataset.indicators, dataset.kpis,
                                  dataset.municipalities, int(year))
    shares = survey_shares(dataset.goals, dataset.folder)
    # Survey exports carry no date: judged as of the end of the analysis year.
    surv = survey_goals(dataset.goals, shares, as_of=as_of)
    return gap_table(gap, surv, as_of=as_of), series


def gap_display(table: pd.DataFrame, municipalities: pd.DataFrame, lang: str | None = None,
                with_goal: bool = True) -> pd.DataFrame:
    """:func:`gap_table` for a report: goal, where, current, target, gap, deadline, status, trend."""
    from .text import get_language, number, percent, t

    lang = lang or get_language()
    names = _muni_names(municipalities)
    rows = []
    for r in table.to_dict("records"):
        where = names.get(str(r["municipality_code"]), "") if pd.notna(r["municipality_code"]) else ""
        met = r.get("met_by_deadline")
        if r["detail"]:
            basis = r["detail"]
        elif pd.notna(r["baseline_year"]) and np.isfinite(r["baseline"]):
            basis = t("goals_detail_baseline", lang, year=int(r["baseline_year"]),
                      value=number(r["baseline"], 1, lang))
        else:
            basis = "–"
        pace = r.get("pace")
        row = {t("goals_col_goal", lang): r[f"title_{lang}"] if pd.notna(r.get(f"title_{lang}")) else r["title_sv"]}
        if not with_goal:
            row = {}
        row.update({
            t("municipality", lang): where or "–",
            t("goals_col_detail", lang): basis,
            t("goals_col_current", lang): _value_text(r["current"], r["unit"], lang),
            t("goals_col_current_period", lang): r["current_period"] if pd.notna(r["current_period"]) else "–",
            t("goals_col_target", lang): _value_text(r["target"], r["unit"], lang),
            t("goals_col_gap", lang): _gap_text(r["gap"], r["unit"], lang),
            t("goals_col_deadline", lang): r["deadline"],
            t("goals_col_status", lang): t(f"goals_status_{r['status']}", lang),
            t("goals_col_share_achieved", lang): percent(r["share_achieved"], 0, lang),
            t("goals_col_trend", lang): _trend_text(r["slope_pp"], r["ci_low"], r["ci_high"], lang)
            if np.isfinite(r["slope_pp"]) else "–",
            t("goals_col_pace_short", lang): t(f"goals_pace_{pace}", lang) if pd.notna(pace) else "–",
            t("goals_col_met_by_deadline", lang): None if pd.isna(met) else bool(met),
        })
        rows.append(row)
    return pd.DataFrame(rows)


def gap_sections(table: pd.DataFrame, municipalities: pd.DataFrame,
                 lang: str | None = None) -> list[tuple[str, pd.DataFrame]]:
    """The gap table split per goal: ``[(goal title, display frame without the goal column)]``."""
    from .text import get_language

    lang = lang or get_language()
    out = []
    for goal_id in table["goal_id"].drop_duplicates():
        part = table[table["goal_id"] == goal_id]
        title = part[f"title_{lang}"].iloc[0]
        title = title if pd.notna(title) else part["title_sv"].iloc[0]
        frame = gap_display(part, municipalities, lang, with_goal=False)
        empty = [c for c in frame.columns if (frame[c].isna() | (frame[c].astype(str) == "–")).all()]
        frame = frame.drop(columns=empty)
        out.append((str(title), frame))
    return out


def _gap_text(gap: float, unit: str, lang: str | None) -> str:
    from .text import number, t

    if gap is None or not np.isfinite(gap):
        return "–"
    return f"{number(gap, 1, lang)} {t('goals_unit_pp', lang) if unit == '%' else unit}"


def status_counts(table: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """How many goal rows have each status, per goal."""
    from .text import get_language, t

    lang = lang or get_language()
    counts = pd.crosstab(table["goal_id"], table["status"]).reindex(columns=list(STATUSES), fill_value=0)
    counts = counts.loc[:, counts.sum() > 0]
    titles = table.drop_duplicates("goal_id").set_index("goal_id")[f"title_{lang}"]
    counts.index = [titles.get(g, g) for g in counts.index]
    counts.columns = [t(f"goals_status_{s}", lang) for s in counts.columns]
    return counts.reset_index(names=t("goals_col_goal", lang)).astype(
        {t(f"goals_status_{s}", lang): "int64" for s in STATUSES if t(f"goals_status_{s}", lang) in counts.columns})


def detect_display(table: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """:func:`detectability_table` for a report."""
    from .text import number, t

    return pd.DataFrame({t("goals_col_n_per_group", lang): [int(n) for n in table["n"]],
                         t("goals_col_mdc", lang): [number(v, 1, lang) for v in table["mdc_pp"]]})


def ideas_table(ideas: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """:func:`analysis.drivers.idea_status` for a report."""
    from .text import t

    return pd.DataFrame({
        t("goals_col_idea", lang): [f"{i}: {x}" for i, x in zip(ideas["node_id"], ideas["text"], strict=True)],
        t("goals_col_state", lang): [t(f"goals_idea_{s}", lang) for s in ideas["state"]],
        t("goals_col_changes", lang): [", ".join(map(str, c)) or "–" for c in ideas["changes"]],
        t("goals_col_measures", lang): [", ".join(m) or "–" for m in ideas["measures"]],
    })


def team_facts(team: pd.Series | dict, municipalities: pd.DataFrame, lang: str | None = None) -> list[str]:
    """Short lines about a team for the top of its report: municipality, area, cohort, aim."""
    from .text import t

    names = _muni_names(municipalities)
    area = str(team["focus_area"])
    lines = [f"{t('municipality', lang)}: {names.get(str(team['municipality_code']), team['municipality_code'])}",
             f"{t('focus_area', lang)}: {t(area, lang) if area in _known_labels() else area}",
             f"{t('cohort', lang)}: {team['cohort']}"]
    aim = team.get("aim")
    if aim is not None and pd.notna(aim) and str(aim).strip():
        lines.append(f"{t('goals_driver_aim', lang)}: {aim}")
    return lines


def baseline_intro(changes: pd.DataFrame, team_id: str, lang: str | None = None) -> str:
    """The sentence that says where the team's baseline ends."""
    from .text import t

    first = first_change(changes, team_id)
    if pd.isna(first):
        return t("goals_baseline_intro_nochange", lang)
    return t("goals_baseline_intro", lang, date=f"{first:%Y-%m-%d}")


def survey_goal_notes(table: pd.DataFrame, lang: str | None = None) -> list[str]:
    """One sentence per survey goal: "x av n", the target, the deadline and the status."""
    from .text import get_language, number, t

    lang = lang or get_language()
    notes = []
    for r in table[table["source"].astype(str).str.startswith("survey:")].to_dict("records"):
        if r["status"] == "no_data":
            continue
        x, n = str(r["detail"]).split("/")
        notes.append(t("goals_survey_x_of_n", lang, title=r[f"title_{lang}"], x=x, n=n,
                       share=number(r["current"], 0, lang), target=number(r["target"], 0, lang),
                       deadline=f"{pd.Timestamp(r['deadline']):%Y-%m-%d}",
                       status=t(f"goals_status_{r['status']}", lang),
                       met=t("goals_met_yes" if r["met_by_deadline"] is True else
                             "goals_met_no" if r["met_by_deadline"] is False else "goals_met_open", lang)))
    return notes


def goal_chart_items(series: pd.DataFrame, dataset, lang: str | None = None) -> list[dict]:
    """One item per indicator goal for :func:`analysis.plots.goal_chart`: series, names, title, unit."""
    from .text import get_language

    lang = lang or get_language()
    names = _muni_names(dataset.municipalities)
    items = []
    for goal_id, part in series.groupby("goal_id", sort=False):
        goal = dataset.goals[dataset.goals["goal_id"] == goal_id].iloc[0]
        kpi = str(part["kpi"].iloc[0])
        info = dataset.kpis[dataset.kpis["kpi"] == kpi]
        # the county first, then the municipalities by name
        order = sorted(part["municipality_code"].unique(),
                       key=lambda c: (c != "0006", names.get(c, c)))
        part = part.assign(_o=part["municipality_code"].map({c: i for i, c in enumerate(order)}))
        items.append({"goal_id": goal_id, "series": part.sort_values(["_o", "year"]).drop(columns="_o"),
                      "names": names, "title": goal[f"title_{lang}"],
                      "unit": str(info["unit"].iloc[0]) if len(info) else "",
                      "direction": str(goal["direction"]) if pd.notna(goal["direction"]) else (
                          str(info["direction"].iloc[0]) if len(info) else "up")})
    return items


#: Respondents per year and group shown in the detectability table.
DETECT_N = (100, 200, 500, 1_000, 1_500, 2_000, 5_000, 10_000, 12_000, 20_000)


def detect_text(diff_pp: float = 2, p: float = 0.5, lang: str | None = None) -> str:
    """The sentence on how many respondents a ``diff_pp`` change needs (alpha 0.05, power 80 %)."""
    from .text import number, t

    n = math.ceil(required_n(p, diff_pp / 100))
    return t("goals_detect_intro", lang, p=number(p, 1, lang), n_needed=number(n, 0, lang),
             pp=number(diff_pp, 0, lang))


def team_survey_tables(dataset, team_id: str, min_count: int | None = None,
                       lang: str | None = None) -> list[tuple[str, pd.DataFrame]]:
    """The survey results that belong to ``team_id``'s area: ``[(survey title, table)]``.

    Choice questions only (free text is never shown here), by wave when the survey has waves,
    small cells suppressed with ``min_count`` (default: workbook.yml privacy.min_count).
    """
    from . import surveys
    from .config import load_config

    min_count = load_config().min_count if min_count is None else min_count
    team = dataset.teams[dataset.teams["team_id"] == team_id].iloc[0]
    out = []
    for survey_id in team_surveys(team, dataset.surveys):
        survey = surveys.load_survey(Path(dataset.folder) / "surveys" / survey_id)
        by = ["wave"] if survey.has_waves else None
        summary = surveys.summarise(survey, by=by, min_count=min_count)
        out.append((survey.codebook.label(lang), surveys.table(summary, survey, lang)))
    return out
