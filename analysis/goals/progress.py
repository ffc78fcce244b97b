"""Goal trajectories and progress status (Healthy People 2030 categories); see the package doc."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["STATUSES", "TREND_METHOD", "HP_THRESHOLD", "trajectory", "trend", "classify", "progress"]


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
