"""Goal trajectories and progress status (Healthy People 2030 categories); see the package doc."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "STATUSES",
    "TREND_METHOD",
    "HP_THRESHOLD",
    "trajectory",
    "trend",
    "classify",
    "progress",
    "baseline_row",
    "status_method",
]


#: Status codes in report order (labels in analysis.text.goals as ``goals_status_<code>``).
STATUSES = (
    "target_met",
    "improving",
    "little_or_no_change",
    "getting_worse",
    "baseline_only",
    "no_data",
)

TREND_METHOD = "OLS slope over years, t-based {level:.0%} CI (df = n - 2)"
# Healthy People 2030 (NCHS methods; the status definitions of Healthy People 2020, kept): the
# baseline against the most recent value. With standard errors the change must be statistically
# significant; without them an objective "improved" when it achieved at least 10 % of the
# targeted change and "got worse" when it moved at least 10 % relative to the baseline.
HP_THRESHOLD = 0.10
HP_METHOD = "Healthy People 2030 status"
SE_RULE = "change tested with its standard error (two-sided, 5 %)"
TEN_PERCENT_RULE = (
    "no standard error: 10 % of the targeted change (improving), 10 % change from "
    "the baseline (getting worse)"
)


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
    return pd.DataFrame(
        rows,
        columns=[
            *by,
            "n_points",
            "first_x",
            "last_x",
            "slope_pp",
            "se_pp",
            "ci_low",
            "ci_high",
            "p_value",
            "method",
        ],
    )


def _ols(xs: np.ndarray, ys: np.ndarray, level: float) -> dict:
    n = len(xs)
    out = {
        "n_points": n,
        "first_x": xs.min() if n else np.nan,
        "last_x": xs.max() if n else np.nan,
        "slope_pp": np.nan,
        "se_pp": np.nan,
        "ci_low": np.nan,
        "ci_high": np.nan,
        "p_value": np.nan,
        "method": TREND_METHOD.format(level=level),
    }
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
    change_ci: tuple[float, float] | None = None,
    target_met: bool | None = None,
) -> str:
    """Healthy People 2030 progress status of one objective: its baseline against its latest value.

    NCHS, "Healthy People 2030: methods" (cdc.gov/nchs/healthy-people/hp2030/methods.html) and
    the status definitions Healthy People 2020 used and 2030 kept (Healthy People 2020 Final
    Progress Table, data.gov). Values and ``target`` in the same unit; ``change_ci`` is the
    95 % confidence interval of ``latest - baseline`` when a standard error exists;
    ``target_met`` decides rule 1 when given (a census with non-response: its worst case).

    1. ``no_data`` without a latest value; ``target_met`` when ``latest`` is at or beyond
       ``target`` in the direction of improvement; ``baseline_only`` with one data point.
    2. Movement toward the target: ``improving`` when the change is statistically significant
       (``change_ci`` excludes 0) or, without a standard error, when at least 10 % of the
       targeted change ``(latest - baseline) / (target - baseline)`` is achieved; else
       ``little_or_no_change``.
    3. Movement away from the baseline and target: ``getting_worse`` when significant or,
       without a standard error, when the value moved at least 10 % relative to the baseline
       ``|latest - baseline| / baseline``; else ``little_or_no_change``. No movement:
       ``little_or_no_change``.
    """
    sign = _sign(direction)
    if n_points < 1 or not np.isfinite(latest):
        return "no_data"
    met = (
        (np.isfinite(target) and sign * (latest - target) >= -1e-9)
        if target_met is None
        else target_met
    )
    if met:
        return "target_met"
    if n_points < 2 or not np.isfinite(baseline):
        return "baseline_only"
    moved = sign * (latest - baseline)
    if change_ci is not None and np.isfinite(change_ci[0]) and np.isfinite(change_ci[1]):
        low, high = sorted((sign * change_ci[0], sign * change_ci[1]))
        if moved > 0 and low > 0:
            return "improving"
        if moved < 0 and high < 0:
            return "getting_worse"
        return "little_or_no_change"
    if moved > 0 and np.isfinite(target) and target != baseline:
        return (
            "improving" if moved / abs(target - baseline) >= HP_THRESHOLD else "little_or_no_change"
        )
    if moved < 0 and baseline != 0 and abs(moved / baseline) >= HP_THRESHOLD:
        return "getting_worse"
    return "little_or_no_change"


def baseline_row(years: np.ndarray, baseline_year: int) -> tuple[int | None, str]:
    """Index of the baseline among ``years`` and how it was found.

    The value in ``baseline_year``; when that year is missing, the nearest earlier year
    (``"earlier"``), and when there is none, the first year after it (``"first"``). Returns
    ``(None, "")`` without any year.
    """
    years = np.asarray(years)
    if len(years) == 0:
        return None, ""
    exact = np.flatnonzero(years == baseline_year)
    if len(exact):
        return int(exact[0]), ""
    earlier = np.flatnonzero(years < baseline_year)
    if len(earlier):
        return int(earlier[np.argmax(years[earlier])]), "earlier"
    return int(np.argmin(years)), "first"


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
    se: str | None = None,
) -> pd.DataFrame:
    """Progress of each series towards its goal, one row per series (Healthy People 2030).

    Give either ``pp_per_year`` and ``years`` (a trajectory from each series' own baseline) or a
    fixed ``target`` (same unit as ``y``). The status compares the baseline with the latest value
    up to ``as_of`` (:func:`classify`): with a standard error (column ``se``, in the unit of
    ``y``, for both values) by a two-sided test at 5 % of the change, else by the Healthy People
    10 % rules. A missing baseline year is replaced by the nearest earlier year, else the first
    year after it (``baseline_note`` says which). The OLS trend over the same years is given
    beside it (``slope_pp``, ``pace``), not used for the status. A trajectory's goals stay at or
    above 0, and at or below 100 % when ``clip``.

    Returns
    -------
    DataFrame: [by...], baseline_year (the goal's), baseline_year_used, baseline_note ("" |
    "earlier" | "first"), baseline, latest_year, latest, target, deadline_year, goal_now (the
    trajectory's goal in ``latest_year``; the target for fixed targets), gap (``target -
    latest`` in the direction of improvement, pp; 0 or less = met), gap_now (against
    ``goal_now``), share_achieved (Healthy People "percentage of targeted change achieved" as a
    share; NaN when moving away from the target), change_from_baseline (Healthy People
    "percentage change from baseline" as a share), change_pp, change_low, change_high (95 % CI
    of the change in pp, with a standard error), n_points, slope_pp, ci_low, ci_high (OLS trend,
    pp per year), goal_pp_per_year, pace, status, status_rule ("standard_error" |
    "ten_percent" | NA), method.
    """
    sign = _sign(direction)
    if (target is None) == (pp_per_year is None):
        raise ValueError("give either pp_per_year and years (a trajectory) or a fixed target")
    if pp_per_year is not None and years is None:
        raise ValueError("a trajectory needs years")
    by = [by] if isinstance(by, str) else list(by or [])
    missing = [c for c in [*by, x, y, *([se] if se else [])] if c not in data.columns]
    if missing:
        raise KeyError(f"progress: columns {missing} not in the data")
    frame = data[[*by, x, y, *([se] if se else [])]].dropna(subset=[y])
    if as_of is not None:
        frame = frame[frame[x] <= as_of]
    unit = 100.0 / scale  # multiply a value difference by this to get pp
    deadline_year = baseline_year + int(years) if years is not None else pd.NA
    keys = (
        data[by].drop_duplicates().sort_values(by).itertuples(index=False, name=None)
        if by
        else [()]
    )
    zq = stats.norm.ppf(0.975)  # two-sided 5 %: the 95 % CI of the change excludes 0
    rows = []
    for key in keys:
        part = frame
        for col, value in zip(by, key, strict=True):
            part = part[part[col] == value]
        part = part.sort_values(x)
        row = dict(zip(by, key, strict=True))
        at, note = baseline_row(part[x].to_numpy(), baseline_year)
        if at is not None:
            base_year_used = int(part[x].iloc[at])
            baseline = float(part[y].iloc[at])
            base_se = float(part[se].iloc[at]) if se else np.nan
            part = part[part[x] >= base_year_used]
        else:
            base_year_used, baseline, base_se = pd.NA, np.nan, np.nan
        latest_year = part[x].iloc[-1] if len(part) else pd.NA
        latest = float(part[y].iloc[-1]) if len(part) else np.nan
        latest_se = float(part[se].iloc[-1]) if se and len(part) else np.nan
        if target is not None:
            tgt = float(target)
            goal_now = tgt
        else:
            tgt = baseline + sign * float(pp_per_year) * int(years) / unit
            upper = scale if clip else None
            tgt = float(np.clip(tgt, 0, upper)) if np.isfinite(tgt) else np.nan
            elapsed = min(int(latest_year) - baseline_year, int(years)) if len(part) else 0
            goal_now = baseline + sign * float(pp_per_year) * max(elapsed, 0) / unit
            goal_now = float(np.clip(goal_now, 0, upper)) if np.isfinite(goal_now) else np.nan
        fit = _ols(part[x].to_numpy(float), part[y].to_numpy(float) * unit, level)
        n_points = int(fit["n_points"])
        change = latest - baseline
        if np.isfinite(base_se) and np.isfinite(latest_se) and n_points >= 2:
            half = zq * math.sqrt(base_se**2 + latest_se**2)
            change_ci = (change - half, change + half)
            rule = "standard_error"
        else:
            change_ci = None
            rule = "ten_percent" if n_points >= 2 else pd.NA
        status = classify(baseline, latest, tgt, direction, n_points, change_ci)
        if status in ("target_met", "no_data", "baseline_only"):
            rule = pd.NA
        targeted = tgt - baseline
        share = change / targeted if np.isfinite(targeted) and targeted != 0 else np.nan
        if np.isfinite(share) and share < 0:
            share = np.nan  # Healthy People: only for objectives moving toward the target
        relative = change / baseline if np.isfinite(baseline) and baseline != 0 else np.nan
        rate = float(pp_per_year) if pp_per_year is not None else np.nan
        row.update(
            baseline_year=baseline_year,
            baseline_year_used=base_year_used,
            baseline_note=note,
            baseline=baseline,
            latest_year=latest_year,
            latest=latest,
            target=tgt,
            deadline_year=deadline_year,
            goal_now=goal_now,
            gap=sign * (tgt - latest) * unit,
            gap_now=sign * (goal_now - latest) * unit,
            share_achieved=share,
            change_from_baseline=relative,
            change_pp=sign * change * unit,
            change_low=change_ci[0] * unit if change_ci else np.nan,
            change_high=change_ci[1] * unit if change_ci else np.nan,
            n_points=n_points,
            slope_pp=fit["slope_pp"],
            ci_low=fit["ci_low"],
            ci_high=fit["ci_high"],
            goal_pp_per_year=rate,
            pace=_pace((fit["ci_low"], fit["ci_high"]), rate, sign),
            status=status,
            status_rule=rule,
            method=status_method(rule, base_year_used, latest_year, note, baseline_year),
        )
        rows.append(row)
    out = pd.DataFrame(rows)
    for col in ("latest_year", "deadline_year", "n_points", "baseline_year_used"):
        out[col] = out[col].astype("Int64")
    return out


def status_method(rule, baseline_year_used, latest_year, note: str = "", baseline_year=None) -> str:
    """The ``method`` text of a status: which comparison and which Healthy People rule."""
    if pd.isna(baseline_year_used) or pd.isna(latest_year):
        return HP_METHOD
    what = f"{HP_METHOD}: baseline {baseline_year_used} vs latest {latest_year}"
    if note == "earlier":
        what += f" ({baseline_year} missing: nearest earlier year)"
    elif note == "first":
        what += f" ({baseline_year} missing: first year after it)"
    if isinstance(rule, str) and rule == "standard_error":
        return what + "; " + SE_RULE
    if isinstance(rule, str) and rule == "ten_percent":
        return what + "; " + TEN_PERCENT_RULE
    return what


def _pace(ci: tuple[float, float], rate: float, sign: int) -> object:
    if not (np.isfinite(ci[0]) and np.isfinite(ci[1]) and np.isfinite(rate)):
        return pd.NA
    low, high = sorted((sign * ci[0], sign * ci[1]))
    if low >= rate:
        return "on_pace"
    if high < rate:
        return "behind"
    return "undetermined"
