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
    goal = np.clip(float(baseline) + change_pp * unit / 100.0, 0.0, unit)
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
) -> pd.DataFrame:
    """Progress of each series towards its goal, one row per series.

    Give either ``pp_per_year`` and ``years`` (a trajectory from each series' own value in
    ``baseline_year``) or a fixed ``target`` (same unit as ``y``). Only values with
    ``baseline_year <= x <= as_of`` are used.

    Returns
    -------
    DataFrame: [by...], baseline_year, baseline, latest_year, latest, target, deadline_year,
    goal_now (the trajectory's goal in ``latest_year``; the target for fixed targets), gap
    (``target - latest`` in the direction of improvement, pp; 0 or less = met), gap_now (the same
    against ``goal_now``), share_achieved (Healthy People "percentage of targeted change achieved"
    as a share: (latest - baseline) / (target - baseline)), change_pp, n_points, slope_pp, ci_low,
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
            tgt = float(np.clip(tgt, 0, scale)) if np.isfinite(tgt) else np.nan
            elapsed = min(int(latest_year) - baseline_year, int(years)) if len(part) else 0
            goal_now = baseline + sign * float(pp_per_year) * elapsed / unit
        fit = _ols(part[x].to_numpy(float), part[y].to_numpy(float) * unit, level)
        fit_ci = (fit["ci_low"], fit["ci_high"])
        status = classify(baseline, latest, tgt, direction, int(fit["n_points"]),
                          fit_ci[0] / unit, fit_ci[1] / unit)
        targeted = tgt - baseline
        share = (latest - baseline) / targeted if np.isfinite(targeted) and targeted != 0 else np.nan
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
) -> dict:
    """Status of a fixed target ("100 % by 2022-12-31") from one measurement.

    A value at or beyond the target measured on or before the deadline (the deadline day counts)
    is ``target_met``; a value short of it is ``baseline_only`` (one value: no trend).
    Returns a dict with status, gap (in the unit of the values, positive = still to go),
    deadline_passed (measured after the deadline) and met_by_deadline (True, False, or NA while
    the deadline is ahead and the target is not met yet).
    """
    sign = _sign(direction)
    deadline = pd.Timestamp(deadline)
    measured = pd.Timestamp(measured)
    gap = sign * (target - value)
    met = gap <= 1e-9
    passed = measured > deadline
    if met:
        by_deadline: object = not passed
    else:
        by_deadline = False if passed else pd.NA
    return {"status": "target_met" if met else "baseline_only", "gap": max(gap, 0.0) if met else gap,
            "deadline_passed": passed, "met_by_deadline": by_deadline}


GAP_COLUMNS = ["goal_id", "title_sv", "title_en", "kind", "source", "municipality_code",
               "current", "current_period", "target", "gap", "unit", "deadline", "status",
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
                            by="municipality_code", as_of=year)
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
                "detail": f"baseline {p.baseline_year}: {p.baseline:.1f}" if np.isfinite(p.baseline) else "no baseline value",
                "method": p.method,
            })
            own = data[data["municipality_code"] == p.municipality_code].sort_values("year")
            if goal.kind == "trajectory" and np.isfinite(p.baseline):
                traj = trajectory(p.baseline, int(goal.baseline_year), float(goal.pp_per_year),
                                  int(goal.years), direction, scale=100)[["year", "goal"]]
                own = own.merge(traj, on="year", how="outer")
            else:
                own = own.assign(goal=p.target)
            own = own.assign(goal_id=goal.goal_id, kpi=kpi, municipality_code=p.municipality_code)
            series.append(own)
    gap = pd.DataFrame(rows, columns=GAP_COLUMNS)
    cols = ["goal_id", "kpi", "municipality_code", "year", "value", "goal"]
    ser = pd.concat(series, ignore_index=True)[cols] if series else pd.DataFrame(columns=cols)
    return gap, ser


def survey_goals(goals: pd.DataFrame, shares: pd.DataFrame, measured: pd.Timestamp | str) -> pd.DataFrame:
    """Gap rows of every goal whose source is ``survey:<survey>:<question>:<option>``.

    ``shares`` holds one row per goal source: source, x (count meeting the criterion), n (those
    who answered), population (how many were asked, e.g. the 21 family centres; NA when a
    sample). The current value is ``100 * x / n``; when n equals the population it is a census
    and carries no sampling error (method says so), else a Wilson 95 % interval is given.
    """
    rows = []
    src = goals["source"].astype("string")
    picked = goals[src.str.startswith("survey:").fillna(False)]
    measured = pd.Timestamp(measured)
    for goal in picked.itertuples(index=False):
        match = shares[shares["source"] == goal.source]
        direction = str(goal.direction) if pd.notna(goal.direction) else "up"
        base = {"goal_id": goal.goal_id, "title_sv": goal.title_sv, "title_en": goal.title_en,
                "kind": goal.kind, "source": goal.source, "municipality_code": pd.NA,
                "target": float(goal.target_value), "unit": "%",
                "deadline": pd.Timestamp(goal.deadline), "slope_pp": np.nan, "pace": pd.NA,
                "current_period": str(measured.date())}
        if match.empty or not int(match["n"].iloc[0]):
            rows.append({**base, "current": np.nan, "gap": np.nan, "status": "no_data",
                         "share_achieved": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                         "detail": "", "method": ""})
            continue
        x, n = int(match["x"].iloc[0]), int(match["n"].iloc[0])
        pop = match["population"].iloc[0] if "population" in match else pd.NA
        value = 100.0 * x / n
        if pd.notna(pop) and int(pop) == n:
            low = high = value
            method = f"census: all {n} answered, no sampling error"
        else:
            low, high = (100 * v for v in _wilson(x, n))
            method = "Wilson score interval 95 % (Wilson 1927)"
        st = target_status(value, float(goal.target_value), goal.deadline, measured, direction)
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
    and ``met_by_deadline`` (True / False, NA while the deadline is ahead and the target not met).
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
    fill = by_deadline.isna()
    by_deadline = by_deadline.mask(fill & met, True).mask(fill & ~met & passed, False)
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
