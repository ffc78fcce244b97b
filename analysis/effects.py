"""Effect estimates: interrupted time series, two-proportion comparisons, two-wave survey comparisons.

Public API::

    interrupted_time_series(data, y, time, intervention, ...) -> ITSResult(table, fitted, ...)
    compare_proportions(x1, n1, x2, n2)            -> Series p1, p2, diff, ci_low, ci_high, p_value, method
    adjust_pvalues(p_values, method="holm")        -> DataFrame p_value, p_adjusted, reject, method
    minimum_detectable_difference(n1, n2, p=0.5)   -> float
    compare_waves(summary, before, after, ...)     -> DataFrame, one row per item (and subgroup)
    team_effects(ds, team)                         -> TeamEffects(table, its, series)

Computations only: figures are in ``analysis.plots.effects`` and texts in ``analysis.text.effects``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import optimize, stats
from statsmodels.stats.multitest import multipletests

__all__ = [
    "MIN_POINTS",
    "SeriesTooShort",
    "ITSResult",
    "interrupted_time_series",
    "compare_proportions",
    "adjust_pvalues",
    "minimum_detectable_difference",
    "compare_waves",
    "survey_waves",
    "wave_verdicts",
    "for_whom",
    "TeamEffects",
    "team_effects",
    "change_groups",
    "baseline_stable",
    "TEAM_COLUMNS",
    "FAMILY_BY_CHART",
    "measure_chart",
    "report_items",
    "effects_table",
    "waves_table",
    "poster",
]

# Penfold & Zhang 2013 (Acad Pediatr 13:S38-44): "a minimum of 8 time periods before and 8 after an
# intervention to evaluate changes statistically". Wagner et al. 2002 (J Clin Pharm Ther 27:299-309)
# recommend more (12 before and 12 after, which also lets a seasonal pattern be estimated); we use
# 8 as the hard minimum and one full seasonal period when seasonality is modelled.
MIN_POINTS = 8

# The ITS model that fits each chart kind of measures.csv.
FAMILY_BY_CHART = {
    "p": "binomial", "pp": "binomial",
    "u": "poisson", "up": "poisson", "c": "poisson",
    "run": "gaussian", "i": "gaussian", "mr": "gaussian", "xbar": "gaussian", "s": "gaussian",
    "g": "gaussian", "t": "gaussian",
}

_FAMILIES = ("poisson", "binomial", "gaussian")
_MULTITEST = {"holm": "Holm 1979", "fdr_bh": "Benjamini & Hochberg 1995", "bonferroni": "Bonferroni"}


class SeriesTooShort(ValueError):
    """A phase of the series has too few points to estimate a change (the message says which)."""


# --------------------------------------------------------------------------------------------------
# Interrupted time series
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ITSResult:
    """Result of :func:`interrupted_time_series`.

    ``table``: term (level_change, slope_change, trend), intervention, estimate, ci_low, ci_high,
    p_value, effect (rate ratio / odds ratio / difference), method.
    ``fitted``: time, observed, fitted, counterfactual, segment (0 before the first intervention,
    k after the k-th), excluded (left out of the fit), on the scale of the measure (rate per
    exposure, share, or value).
    """

    table: pd.DataFrame
    fitted: pd.DataFrame
    family: str
    method: str
    dispersion: float
    n_obs: int
    interventions: tuple = ()


def _as_list(value) -> list:
    if value is None:
        return []
    if isinstance(value, (list, tuple, np.ndarray, pd.Index, pd.Series)):
        return list(value)
    return [value]


def _time_units(times: pd.Series) -> tuple[np.ndarray, str]:
    """Time as numbers: itself when numeric, else months (first-of-month dates) or weeks."""
    if pd.api.types.is_numeric_dtype(times):
        return times.to_numpy(dtype=float), "unit"
    ts = pd.to_datetime(times)
    if (ts.dt.day == 1).all():
        return (ts.dt.year * 12 + ts.dt.month).to_numpy(dtype=float), "month"
    return ((ts - pd.Timestamp("1970-01-05")).dt.days / 7.0).to_numpy(dtype=float), "week"


def _season_position(frame: pd.DataFrame, time: str, t_num: np.ndarray, unit: str,
                     seasonality: dict) -> np.ndarray:
    column = seasonality.get("column")
    if column:
        return frame[column].to_numpy(dtype=float)
    if unit == "month":
        return pd.to_datetime(frame[time]).dt.month.to_numpy(dtype=float)
    if unit == "week":
        return pd.to_datetime(frame[time]).dt.isocalendar().week.to_numpy(dtype=float)
    return t_num


def interrupted_time_series(
    data: pd.DataFrame,
    y: str,
    time: str,
    intervention,
    *,
    exposure: str | None = None,
    denominator: str | None = None,
    family: str = "poisson",
    scale: str | float | None = "X2",
    seasonality: dict | None = None,
    slope_change: bool = False,
    trend: bool = True,
    min_points: int = MIN_POINTS,
    alpha: float = 0.05,
    hac_lags: int | None = None,
    exclude: Sequence | None = None,
    label: str | None = None,
) -> ITSResult:
    """Segmented regression for an interrupted time series (Wagner et al. 2002; Lopez Bernal et al. 2017).

    Parameters
    ----------
    data : tidy frame, one row per period.
    y : the outcome column: counts (poisson), numerator (binomial, with ``denominator``) or values
        (gaussian).
    time : period column (numbers, or dates: first-of-month dates count in months, else in weeks).
    intervention : time value (or a list of them) from which the intervention is in place
        (inclusive). Each adds a level change (and a slope change when ``slope_change``).
    exposure : Poisson only: offset ``log(exposure)`` (population, pupils, days).
    denominator : binomial only: number of trials per period.
    family : ``poisson`` (log link; quasi-Poisson with ``scale="X2"``), ``binomial`` (logit link;
        quasi-binomial with ``scale="X2"``) or ``gaussian`` (OLS with Newey-West HAC errors).
    scale : GLM dispersion: ``"X2"`` (Pearson chi-square / df) or ``None``/1.0 (fixed at 1).
    seasonality : e.g. ``{"period": 12, "harmonics": 2}`` adds Fourier sine/cosine pairs; the
        position in the season is the month (monthly dates), ISO week (weekly dates), the numeric
        time, or ``seasonality["column"]``.
    slope_change : also estimate a change of slope after each intervention.
    trend : model a secular trend (the usual ITS). ``False`` gives a phase comparison: the level
        after against the level before, assuming a stable baseline (check it on the SPC chart).
    min_points : least number of non-missing points in every segment (default 8, Penfold & Zhang
        2013); with seasonality also at least one full period before the first intervention.
    hac_lags : gaussian only; default ``floor(4 (n/100)^(2/9))`` (Newey & West 1994).
    exclude : time values left out of the fit (e.g. a phase-in period between two changes,
        Wagner et al. 2002); they are still in ``fitted`` with ``excluded`` True.
    label : name used in error messages (e.g. the measure id).

    Returns
    -------
    ITSResult; estimates are ratios (exp of the coefficient) for log/logit links, differences for
    gaussian. CIs are Wald intervals on the link scale (normal quantiles), as R's ``ci.lin``.

    Raises
    ------
    SeriesTooShort when a segment has fewer than ``min_points`` points; ValueError for bad input.
    """
    if family not in _FAMILIES:
        raise ValueError(f"family must be one of {', '.join(_FAMILIES)}, not {family!r}")
    name = label or y
    needed = [y, time] + [c for c in (exposure, denominator) if c]
    if seasonality and seasonality.get("column"):
        needed.append(seasonality["column"])
    missing = [c for c in needed if c not in data.columns]
    if missing:
        raise ValueError(f"{name}: column(s) {', '.join(missing)} not in the data "
                         f"(columns: {', '.join(map(str, data.columns))})")
    if family == "binomial" and not denominator:
        raise ValueError(f"{name}: family='binomial' needs denominator= (the number of trials per period)")
    if family != "binomial" and denominator:
        raise ValueError(f"{name}: denominator= is for family='binomial'; use exposure= for rates")
    if family != "poisson" and exposure:
        raise ValueError(f"{name}: exposure= is for family='poisson'")

    frame = data.loc[:, list(dict.fromkeys(needed))].copy()
    frame = frame.dropna(subset=[c for c in needed]).sort_values(time).reset_index(drop=True)
    if frame[time].duplicated().any():
        dup = frame.loc[frame[time].duplicated(), time].iloc[0]
        raise ValueError(f"{name}: more than one row for {time} = {dup}; aggregate first")
    if exposure and (frame[exposure] <= 0).any():
        raise ValueError(f"{name}: exposure '{exposure}' must be > 0 in every row")
    if denominator:
        if (frame[denominator] <= 0).any():
            raise ValueError(f"{name}: denominator '{denominator}' must be > 0 in every row")
        if (frame[y] > frame[denominator]).any() or (frame[y] < 0).any():
            raise ValueError(f"{name}: '{y}' must be between 0 and '{denominator}'")

    t_num, unit = _time_units(frame[time])
    is_dates = unit != "unit"
    cuts = sorted(_as_list(intervention))
    shown = [c.date() if isinstance(c, pd.Timestamp) and c == c.normalize() else c for c in cuts]
    if not cuts:
        raise ValueError(f"{name}: give at least one intervention time")
    cut_num = (_time_units(pd.Series(pd.to_datetime(cuts)))[0] if is_dates
               else np.asarray(cuts, dtype=float))
    if is_dates:
        # dates of a change need not be the first of a period: the first period starting on or after
        # the change date is the first period with the change in place
        stamps = pd.to_datetime(frame[time]).to_numpy()
        firsts = []
        for c in pd.to_datetime(cuts):
            after = np.flatnonzero(stamps >= np.datetime64(c))
            firsts.append(t_num[after[0]] if after.size else np.inf)
        cut_num = np.asarray(firsts, dtype=float)

    # segment k = number of interventions in place
    segment = np.searchsorted(cut_num, t_num, side="right")
    if exclude is not None and len(exclude):
        values = pd.to_datetime(pd.Series(list(exclude))) if is_dates else pd.Series(list(exclude))
        use = ~(pd.to_datetime(frame[time]) if is_dates else frame[time]).isin(values).to_numpy()
    else:
        use = np.ones(len(frame), dtype=bool)
    counts = np.bincount(segment[use], minlength=len(cuts) + 1)
    period = int(seasonality.get("period", 12)) if seasonality else 0
    for k, count in enumerate(counts):
        need = max(min_points, period if (k == 0 and seasonality) else 0)
        if count < need:
            if k == 0:
                where = f"before {shown[0]}"
            elif k == len(cuts):
                where = f"from {shown[-1]} on"
            else:
                where = f"between {shown[k - 1]} and {shown[k]}"
            source = ("one full seasonal period" if need > min_points
                      else "Penfold & Zhang 2013")
            raise SeriesTooShort(
                f"{name}: {count} point(s) {where}; an interrupted time series needs at least "
                f"{need} points in every phase ({source}), so no effect is estimated")

    # design matrix: intercept, trend, a step (and slope) per intervention, Fourier pairs
    if slope_change and not trend:
        raise ValueError(f"{name}: slope_change needs trend=True")
    X = pd.DataFrame({"const": 1.0, "trend": t_num - t_num[0]})
    if not trend:
        X = X.drop(columns="trend")
    for j, c in enumerate(cut_num):
        X[f"level_{j}"] = (t_num >= c).astype(float)
        if slope_change:
            X[f"slope_{j}"] = np.where(t_num >= c, t_num - c, 0.0)
    if seasonality:
        pos = _season_position(frame, time, t_num, unit, seasonality)
        for k in range(1, int(seasonality.get("harmonics", 2)) + 1):
            X[f"sin{k}"] = np.sin(2 * np.pi * k * pos / period)
            X[f"cos{k}"] = np.cos(2 * np.pi * k * pos / period)
    if use.sum() <= X.shape[1] + 1:
        raise SeriesTooShort(f"{name}: {int(use.sum())} points cannot estimate {X.shape[1]} parameters")
    Xf = X[use]

    z = stats.norm.ppf(1 - alpha / 2)
    parts = []
    if family == "gaussian":
        lags = hac_lags if hac_lags is not None else int(math.floor(4 * (len(Xf) / 100) ** (2 / 9)))
        model = sm.OLS(frame[y].to_numpy(dtype=float)[use], Xf)
        fit = model.fit(cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True})
        dispersion = float(fit.scale)
        parts.append(f"OLS with Newey-West (HAC) standard errors, {lags} lag(s)")
        transform, effect = (lambda v: v), "difference"
        observed = frame[y].to_numpy(dtype=float)
    else:
        fit_scale = scale if scale not in (None, 1, 1.0) else 1.0
        if family == "poisson":
            offset = np.log(frame[exposure].to_numpy(dtype=float))[use] if exposure else None
            model = sm.GLM(frame[y].to_numpy(dtype=float)[use], Xf, family=sm.families.Poisson(), offset=offset)
            effect = "rate ratio"
            parts.append("quasi-Poisson GLM" if fit_scale == "X2" else "Poisson GLM")
            if exposure:
                parts.append(f"offset log({exposure})")
            observed = frame[y].to_numpy(dtype=float) / (frame[exposure].to_numpy(dtype=float) if exposure else 1.0)
        else:
            trials = frame[denominator].to_numpy(dtype=float)
            successes = frame[y].to_numpy(dtype=float)
            # proportions with var_weights = trials: statsmodels 0.15 computes the Pearson X2 scale
            # wrongly for a two-column (successes, failures) endog, so that form is not used
            model = sm.GLM((successes / trials)[use], Xf, family=sm.families.Binomial(),
                           var_weights=trials[use])
            effect = "odds ratio"
            parts.append("quasi-binomial GLM (logit)" if fit_scale == "X2" else "binomial GLM (logit)")
            observed = successes / trials
        fit = model.fit(scale=fit_scale)
        dispersion = float(fit.scale)
        if fit_scale == "X2":
            parts.append(f"dispersion Pearson X2/df = {dispersion:.2f}")
        transform = np.exp
    if seasonality:
        parts.append(f"{int(seasonality.get('harmonics', 2))} Fourier pair(s), period {period}")
    if slope_change:
        parts.append("level and slope change")
    if not trend:
        parts.append("no trend (phase comparison)")
    if not use.all():
        parts.append(f"{int((~use).sum())} phase-in point(s) left out")
    parts.append("Wald CI")
    method = "; ".join(parts)

    params, bse, pvalues = fit.params, fit.bse, fit.pvalues
    rows = []

    def add(term: str, column: str, at) -> None:
        est, se = float(params[column]), float(bse[column])
        rows.append({"term": term, "intervention": at, "estimate": float(transform(est)),
                     "ci_low": float(transform(est - z * se)), "ci_high": float(transform(est + z * se)),
                     "p_value": float(pvalues[column]), "effect": effect, "method": method})

    for j, c in enumerate(cuts):
        add("level_change", f"level_{j}", c)
        if slope_change:
            add("slope_change", f"slope_{j}", c)
    if trend:
        add("trend", "trend", None)
    table = pd.DataFrame(rows)
    table["per"] = np.where(table["term"] == "level_change", "", unit)

    # fitted and counterfactual (no intervention), on the scale of the measure
    X_cf = X.copy()
    for column in X.columns:
        if column.startswith(("level_", "slope_")):
            X_cf[column] = 0.0
    linear = X.to_numpy() @ params.to_numpy()
    linear_cf = X_cf.to_numpy() @ params.to_numpy()
    if family == "binomial":
        fitted, counterfactual = 1 / (1 + np.exp(-linear)), 1 / (1 + np.exp(-linear_cf))
    elif family == "poisson":
        fitted, counterfactual = np.exp(linear), np.exp(linear_cf)
    else:
        fitted, counterfactual = linear, linear_cf
    fitted_frame = pd.DataFrame({
        "time": frame[time].to_numpy(), "observed": observed, "fitted": fitted,
        "counterfactual": counterfactual, "segment": segment, "excluded": ~use,
    })
    return ITSResult(table=table, fitted=fitted_frame, family=family, method=method,
                     dispersion=dispersion, n_obs=int(use.sum()), interventions=tuple(cuts))


# --------------------------------------------------------------------------------------------------
# Two proportions
# --------------------------------------------------------------------------------------------------


def _wilson(x: np.ndarray, n: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    # Wilson 1927 score interval (Newcombe 1998, method 3)
    p = x / n
    centre = 2 * n * p + z**2
    half = z * np.sqrt(z**2 + 4 * n * p * (1 - p))
    denom = 2 * (n + z**2)
    return (centre - half) / denom, (centre + half) / denom


def compare_proportions(x1, n1, x2, n2, alpha: float = 0.05):
    """Difference of two independent proportions ``p1 - p2`` with the Newcombe hybrid score interval.

    Parameters
    ----------
    x1, n1, x2, n2 : counts and bases (numbers or equal-length arrays).
    alpha : 1 - confidence level.

    Returns
    -------
    Series (DataFrame for arrays): p1, p2, diff, ci_low, ci_high, p_value, n1, n2, method.
    ``ci_*``: Newcombe 1998 (Stat Med 17:873-890), method 10 (hybrid of Wilson score intervals).
    ``p_value``: Pearson chi-square test of the 2x2 table without continuity correction (the
    two-sided pooled z-test); 1 when both groups are all 0 or all 1.
    """
    arrays = [np.atleast_1d(np.asarray(v, dtype=float)) for v in (x1, n1, x2, n2)]
    scalar = all(np.ndim(v) == 0 for v in (x1, n1, x2, n2))
    a, m, b, n = np.broadcast_arrays(*arrays)
    for name, count, base in (("x1", a, m), ("x2", b, n)):
        if np.any(base <= 0) or np.any(~np.isfinite(base)):
            raise ValueError(f"compare_proportions: every base (n) must be > 0; got {base.tolist()}")
        if np.any(count < 0) or np.any(count > base):
            raise ValueError(f"compare_proportions: {name} must be between 0 and its base; got {count.tolist()}")
    z = stats.norm.ppf(1 - alpha / 2)
    p1, p2 = a / m, b / n
    l1, u1 = _wilson(a, m, z)
    l2, u2 = _wilson(b, n, z)
    diff = p1 - p2
    # Newcombe 1998, method 10
    low = diff - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = diff + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    pooled = (a + b) / (m + n)
    se0 = np.sqrt(pooled * (1 - pooled) * (1 / m + 1 / n))
    with np.errstate(divide="ignore", invalid="ignore"):
        zstat = np.where(se0 > 0, diff / np.where(se0 > 0, se0, 1), 0.0)
    pval = 2 * stats.norm.sf(np.abs(zstat))
    method = (f"Newcombe hybrid score {100 * (1 - alpha):g}% CI (1998, method 10); "
              "p: Pearson chi-square without continuity correction")
    out = pd.DataFrame({"p1": p1, "p2": p2, "diff": diff, "ci_low": np.maximum(low, -1.0),
                        "ci_high": np.minimum(high, 1.0), "p_value": pval, "n1": m, "n2": n,
                        "method": method})
    return out.iloc[0] if scalar else out


def adjust_pvalues(p_values, method: str, alpha: float = 0.05) -> pd.DataFrame:
    """Adjust a family of p-values for multiple testing, with the method named explicitly.

    Parameters
    ----------
    p_values : sequence of p-values (NaN stays NaN and is left out of the family).
    method : ``"holm"`` (Holm 1979), ``"fdr_bh"`` (Benjamini & Hochberg 1995) or ``"bonferroni"``.
    alpha : family-wise error rate (holm, bonferroni) or false discovery rate (fdr_bh).

    Returns
    -------
    DataFrame p_value, p_adjusted, reject, method (statsmodels ``multipletests``).
    """
    if method not in _MULTITEST:
        raise ValueError(f"method must be one of {', '.join(_MULTITEST)}, not {method!r}")
    p = np.asarray(p_values, dtype=float)
    adjusted = np.full(p.shape, np.nan)
    reject = np.zeros(p.shape, dtype=bool)
    ok = ~np.isnan(p)
    if ok.any():
        reject[ok], adjusted[ok], _, _ = multipletests(p[ok], alpha=alpha, method=method)
    return pd.DataFrame({"p_value": p, "p_adjusted": adjusted, "reject": reject,
                         "method": f"{_MULTITEST[method]} (alpha {alpha:g}, {int(ok.sum())} tests)"})


def minimum_detectable_difference(n1, n2, p: float = 0.5, alpha: float = 0.05,
                                  power: float = 0.8) -> float:
    """Smallest true difference between two independent proportions detected with ``power``.

    Solves the sample-size formula for two independent proportions (normal approximation, two-sided
    test at ``alpha``, no continuity correction; Fleiss, Levin & Paik 2003, ch. 4) for the
    difference: ``|p1-p2| = z_{1-a/2} sqrt(pbar qbar (1/n1+1/n2)) + z_{1-b} sqrt(p1q1/n1 + p2q2/n2)``
    with ``p1 = p`` and ``p2`` moved towards 0.5 (the conservative direction).

    Returns NaN when no difference can reach the power (tiny samples).
    """
    if n1 <= 0 or n2 <= 0:
        return float("nan")
    if not 0 < p < 1:
        raise ValueError(f"p must be strictly between 0 and 1, not {p}")
    za, zb = stats.norm.ppf(1 - alpha / 2), stats.norm.ppf(power)
    sign = 1.0 if p <= 0.5 else -1.0
    room = (1 - p) if sign > 0 else p

    def gap(d: float) -> float:
        p2 = p + sign * d
        pbar = (n1 * p + n2 * p2) / (n1 + n2)
        need = za * math.sqrt(pbar * (1 - pbar) * (1 / n1 + 1 / n2)) + zb * math.sqrt(
            p * (1 - p) / n1 + p2 * (1 - p2) / n2)
        return d - need

    hi = room - 1e-9
    if gap(hi) < 0:
        return float("nan")
    return float(optimize.brentq(gap, 1e-12, hi, xtol=1e-10))


# --------------------------------------------------------------------------------------------------
# Two waves of a survey
# --------------------------------------------------------------------------------------------------


def compare_waves(
    summary: pd.DataFrame,
    before,
    after,
    *,
    wave: str = "wave",
    item: Sequence[str] = ("question_id", "option"),
    by: Sequence[str] = (),
    n: str = "n",
    base: str = "base",
    family: Sequence[str] | None = None,
    correction: str = "holm",
    alpha: float = 0.05,
    power: float = 0.8,
    min_count: int = 5,
) -> pd.DataFrame:
    """Per item (and subgroup) the change from wave ``before`` to wave ``after`` in percentage points.

    Parameters
    ----------
    summary : one row per wave x item x subgroup with the count ``n`` choosing the option and the
        ``base`` answering (the shape ``surveys.summarise(survey, by=["wave", ...])`` returns).
    before, after : the two wave labels (e.g. "september", "december").
    item : columns naming an item (question and option).
    by : subgroup columns (school, grade, gender); estimates per subgroup.
    family : columns defining a family for the multiple-testing correction (default: all items
        within the same subgroup form one family).
    correction : ``holm`` (default), ``fdr_bh`` or ``bonferroni`` (see :func:`adjust_pvalues`).
    min_count : a row whose base in either wave is under ``min_count`` is suppressed: no estimate
        is shown (``suppressed`` True), as the privacy rules require.

    Returns
    -------
    DataFrame [by...], [item...], n_before, base_before, p_before, n_after, base_after, p_after,
    diff_pp, ci_low_pp, ci_high_pp, p_value, p_adjusted, significant, mdd_pp, suppressed, method.
    ``diff = p_after - p_before`` (Newcombe 1998 method 10); the two waves are treated as
    independent samples.
    """
    by, item = list(by), list(item)
    need = [wave, n, base, *item, *by]
    missing = [c for c in need if c not in summary.columns]
    if missing:
        raise ValueError(f"compare_waves: column(s) {', '.join(missing)} missing; "
                         f"columns are {', '.join(map(str, summary.columns))}")
    keys = by + item
    waves = summary[summary[wave].isin([before, after])]
    found = set(waves[wave].unique())
    for label in (before, after):
        if label not in found:
            raise ValueError(f"compare_waves: no rows for wave {label!r}; waves are "
                             f"{', '.join(map(str, summary[wave].dropna().unique()))}")
    left = waves[waves[wave] == before].set_index(keys)[[n, base]].rename(
        columns={n: "n_before", base: "base_before"})
    right = waves[waves[wave] == after].set_index(keys)[[n, base]].rename(
        columns={n: "n_after", base: "base_after"})
    out = left.join(right, how="inner").reset_index()
    out = out.astype({c: float for c in ("n_before", "base_before", "n_after", "base_after")})
    out["suppressed"] = ((out["base_before"] < min_count) | (out["base_after"] < min_count)
                         | out[["base_before", "base_after"]].isna().any(axis=1))
    out["p_before"] = out["n_before"] / out["base_before"]
    out["p_after"] = out["n_after"] / out["base_after"]
    cols = ["diff_pp", "ci_low_pp", "ci_high_pp", "p_value", "mdd_pp"]
    for c in cols:
        out[c] = np.nan
    ok = ~out["suppressed"]
    if ok.any():
        res = compare_proportions(out.loc[ok, "n_after"].to_numpy(), out.loc[ok, "base_after"].to_numpy(),
                                  out.loc[ok, "n_before"].to_numpy(), out.loc[ok, "base_before"].to_numpy(),
                                  alpha=alpha)
        out.loc[ok, "diff_pp"] = 100 * res["diff"].to_numpy()
        out.loc[ok, "ci_low_pp"] = 100 * res["ci_low"].to_numpy()
        out.loc[ok, "ci_high_pp"] = 100 * res["ci_high"].to_numpy()
        out.loc[ok, "p_value"] = res["p_value"].to_numpy()
        out.loc[ok, "mdd_pp"] = [
            100 * minimum_detectable_difference(nb, na, p=min(max(pb, 0.01), 0.99), alpha=alpha, power=power)
            for nb, na, pb in out.loc[ok, ["base_before", "base_after", "p_before"]].itertuples(index=False)]
    out.loc[out["suppressed"], ["p_before", "p_after"]] = np.nan
    out["p_adjusted"] = np.nan
    fam = list(family) if family is not None else by
    group_no = out.groupby(fam, dropna=False, sort=False).ngroup() if fam else pd.Series(0, index=out.index)
    for g in group_no.unique():
        index = group_no.index[group_no == g]
        adj = adjust_pvalues(out.loc[index, "p_value"].to_numpy(), method=correction, alpha=alpha)
        out.loc[index, "p_adjusted"] = adj["p_adjusted"].to_numpy()
    out["significant"] = (out["p_adjusted"] < alpha).fillna(False).astype(bool)
    out["method"] = (f"Newcombe hybrid score CI (1998, method 10); Pearson chi-square test; "
                     f"{_MULTITEST[correction]} across {'items' if not fam else 'items per ' + ', '.join(fam)}; "
                     f"MDD at alpha {alpha:g}, power {power:g} (Fleiss et al. 2003); independent samples")
    return out[[*keys, "n_before", "base_before", "p_before", "n_after", "base_after", "p_after",
                *cols[:4], "p_adjusted", "significant", "mdd_pp", "suppressed", "method"]]


def survey_waves(survey, *, before: str | None = None, after: str | None = None,
                 by: Sequence[str] = (), correction: str = "holm", alpha: float = 0.05,
                 power: float = 0.8, min_count: int | None = None,
                 lang: str | None = None) -> pd.DataFrame:
    """Compare the first and last wave of a survey, item by item (and per subgroup).

    Items: every option of single-choice and multi-select questions (not "vet ej") and the top
    box of Likert questions; the subgroup questions themselves (school, grade, gender) are left
    out. Uses ``surveys.summarise(survey, by=["wave", *by])`` and :func:`compare_waves`; one Holm
    family per subgroup. Adds ``item_label`` ("question: option" in ``lang``).
    """
    from . import privacy, surveys

    if not survey.has_waves:
        raise ValueError(f"survey {survey.id!r} has no waves to compare")
    codes = [w.code for w in survey.codebook.waves]
    before = before or codes[0]
    after = after or codes[-1]
    min_count = privacy.default_min_count() if min_count is None else min_count
    by = list(by)
    skip = set(survey.codebook.subgroups) | set(by)
    questions = [q for q in survey.codebook.questions
                 if q.type in ("single", "multi", "likert") and q.id not in skip]
    summary = surveys.summarise(survey, questions=[q.id for q in questions], by=["wave", *by],
                                min_count=None)
    summary = summary.astype({"wave": str, "option": str, "question_id": str})
    keep = []
    for q in questions:
        rows = summary["question_id"] == q.id
        if q.type == "likert":
            keep.append(rows & (summary["option"] == surveys.TOP_BOX))
        else:
            keep.append(rows & summary["option"].isin([o.code for o in q.answer_options]))
    summary = summary[np.logical_or.reduce(keep)] if keep else summary.iloc[0:0]
    out = compare_waves(summary, before, after, by=by, correction=correction, alpha=alpha,
                        power=power, min_count=min_count)
    labels = []
    for qid, option in zip(out["question_id"], out["option"], strict=True):
        q = survey.codebook.question(qid)
        opt = ("top box" if lang == "en" else "topp") if option == surveys.TOP_BOX else q.option(option).label(lang)
        labels.append(f"{q.label(lang)}: {opt}" if q.type != "likert" else q.label(lang))
    out.insert(len(by) + 2, "item_label", labels)
    out["wave_before"], out["wave_after"] = before, after
    return out


def for_whom(survey, overall: pd.DataFrame, by: str, **kwargs) -> pd.DataFrame:
    """:func:`survey_waves` per subgroup ``by`` for the items that changed overall.

    The items significant in ``overall`` (the result without subgroups); when none is, the item
    with the largest absolute difference, so the report still shows how groups differ.
    """
    items = overall.loc[overall["significant"], ["question_id", "option"]]
    if items.empty and overall["diff_pp"].notna().any():
        items = overall.loc[[overall["diff_pp"].abs().idxmax()], ["question_id", "option"]]
    per_group = survey_waves(survey, by=[by], **kwargs)
    keys = per_group[["question_id", "option"]].apply(tuple, axis=1)
    wanted = set(items.apply(tuple, axis=1))
    return per_group[keys.isin(wanted)].sort_values(["question_id", "option", by]).reset_index(drop=True)


def wave_verdicts(frame: pd.DataFrame, survey, lang: str | None = None) -> list[str]:
    """One plain-language sentence per row of :func:`survey_waves` (suppressed rows say so)."""
    from .text import effects as text_effects

    out = []
    for r in frame.to_dict("records"):
        out.append(text_effects.wave_verdict(
            r, r["item_label"], lang, wave1=survey.codebook.wave_label(r["wave_before"], lang),
            wave2=survey.codebook.wave_label(r["wave_after"], lang)))
    return out


# --------------------------------------------------------------------------------------------------
# Per team: every measure against the changes meant to move it
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamEffects:
    """Result of :func:`team_effects`.

    ``table``: one row per measure and change (or group of changes too close to separate):
    team_id, measure_id, measure_name, change_no (the change where the step is placed), changes
    (all change numbers of the group, e.g. "1, 2"), change_title, change_date, phase_in_from,
    chart, family, direction, unit, before, after, n_before, n_after, estimate, ci_low, ci_high,
    p_value, effect, detected, improved, note ("" / "combined" / "too_short"), model ("its" with
    a trend, "phases" without), method.
    ``its``: measure_id -> ITSResult (measures where a model could be fitted).
    ``series``: measure_id -> the measure's series (period, y, n) as modelled.
    """

    table: pd.DataFrame
    its: dict = field(default_factory=dict)
    series: dict = field(default_factory=dict)


TEAM_COLUMNS = ["team_id", "measure_id", "measure_name", "change_no", "changes", "change_title",
                "change_date", "phase_in_from", "chart", "family", "direction", "unit", "before",
                "after", "n_before", "n_after", "estimate", "ci_low", "ci_high", "p_value", "effect",
                "detected", "improved", "note", "model", "method"]


def _measure_series(obs: pd.DataFrame, chart: str) -> pd.DataFrame:
    """One row per period: y (count, numerator or mean value) and n (denominator) for the model."""
    if chart in ("p", "pp", "u", "up"):
        s = obs.groupby("period", as_index=False)[["numerator", "denominator"]].sum(min_count=1)
        s = s.rename(columns={"numerator": "y", "denominator": "n"})
    else:
        s = obs.groupby("period", as_index=False)["value"].mean().rename(columns={"value": "y"})
        s["n"] = np.nan
    return s.dropna(subset=["y"]).sort_values("period").reset_index(drop=True)


def _linked(changes: pd.DataFrame, measure_id: str) -> pd.DataFrame:
    if changes.empty:
        return changes
    ids = changes["measures"].fillna("").astype(str).str.split(",")
    mask = ids.apply(lambda lst: measure_id in [s.strip() for s in lst])
    return changes[mask].sort_values(["date", "change_no"])


def _level(series: pd.DataFrame, chart: str) -> float:
    if series.empty:
        return float("nan")
    if chart in ("p", "pp", "u", "up"):
        return float(series["y"].sum() / series["n"].sum())
    return float(series["y"].mean())


def change_groups(periods: pd.Series, dates: Sequence, min_points: int = MIN_POINTS) -> list[list[int]]:
    """Group changes (indices into ``dates``, sorted) that are too close to be told apart.

    A change joins the group of the previous one when fewer than ``min_points`` measured periods
    lie between them. The group's step is placed at its last change and the periods from its
    first change up to the last are a phase-in period, left out of the model (Wagner et al. 2002).
    """
    periods = pd.Series(pd.to_datetime(periods)).sort_values()
    groups: list[list[int]] = []
    for i, d in enumerate(pd.to_datetime(pd.Series(list(dates)))):
        if groups:
            last = pd.Timestamp(dates[groups[-1][-1]])
            between = int(((periods >= last) & (periods < d)).sum())
            if between < min_points:
                groups[-1].append(i)
                continue
        groups.append([i])
    return groups


def baseline_stable(series: pd.DataFrame, until, chart: str) -> bool:
    """True when the run chart of the points before ``until`` shows no non-random variation.

    Anhøj rules (longest run, number of crossings) via ``spc.chart(kind="run")``; a baseline
    too short to judge counts as stable (the runs rules then cannot signal either).
    """
    from . import spc

    pre = series[series["period"] < pd.Timestamp(until)]
    if len(pre) < 2:
        return True
    try:
        res = spc.chart(pre, y="y", n="n" if chart in ("p", "pp", "u", "up") else None, x="period",
                        kind="run", rules="anhoej")
    except (ValueError, KeyError):
        return True
    return not bool(res.summary["runs_signal"].any())


def team_effects(ds, team: str, *, alpha: float = 0.05, min_points: int = MIN_POINTS,
                 slope_change: bool = False, model: str = "auto") -> TeamEffects:
    """Estimate, for each measure of ``team``, the level change at the changes meant to move it.

    One segmented regression per measure (family from the chart kind, see ``FAMILY_BY_CHART``;
    c charts without exposure, u charts with the denominator as exposure) with a level change at
    the first period on or after each linked change. Changes closer than ``min_points`` periods
    are estimated together (:func:`change_groups`); phases still shorter than ``min_points`` are
    not estimated (``note`` "too_short").

    ``model``: ``"its"`` always models a secular trend (segmented regression); ``"phases"`` never
    (phase comparison: level after vs level before); ``"auto"`` (default) compares phases when
    the baseline before the first change is stable on a run chart (Anhøj rules, see
    :func:`baseline_stable`) and models the trend otherwise. On short series a trend estimated
    from a few stable baseline points mostly adds noise to the level change.

    ``detected``: the CI excludes no effect; ``improved``:
    detected and in the measure's direction of improvement. ``before``/``after``: pooled level
    (share, rate or mean) in the phase before the (first) change and after the (last) one, up to
    the next group.
    """
    measures = ds.measures[ds.measures["team_id"] == team]
    changes = ds.changes[ds.changes["team_id"] == team]
    if changes.empty:
        return TeamEffects(table=pd.DataFrame(columns=TEAM_COLUMNS))
    observations = ds.observations[ds.observations["team_id"] == team]
    rows, its_results, series_by = [], {}, {}
    for m in measures.itertuples(index=False):
        chart = str(m.chart)
        family = FAMILY_BY_CHART.get(chart, "gaussian")
        series = _measure_series(observations[observations["measure_id"] == m.measure_id], chart)
        series_by[m.measure_id] = series
        linked = _linked(changes, m.measure_id).reset_index(drop=True)
        if linked.empty:
            continue
        dates = [pd.Timestamp(d) for d in linked["date"]]
        if model not in ("auto", "its", "phases"):
            raise ValueError(f"model must be 'auto', 'its' or 'phases', not {model!r}")
        with_trend = model == "its" or (model == "auto" and not baseline_stable(series, dates[0], chart))
        groups = change_groups(series["period"], dates, min_points)
        periods = series["period"]
        # drop groups from the end while a phase is too short (the last phase is the usual culprit)
        fitted_groups = list(groups)
        its, error = None, ""
        while fitted_groups:
            steps = [dates[g[-1]] for g in fitted_groups]
            phase_in = [p for g in fitted_groups if len(g) > 1
                        for p in periods[(periods >= dates[g[0]]) & (periods < dates[g[-1]])]]
            try:
                its = interrupted_time_series(
                    series, y="y", time="period", intervention=steps,
                    exposure="n" if family == "poisson" and chart != "c" else None,
                    denominator="n" if family == "binomial" else None, family=family,
                    slope_change=slope_change and with_trend, trend=with_trend,
                    min_points=min_points, alpha=alpha,
                    exclude=phase_in, label=str(m.measure_id))
                break
            except SeriesTooShort as exc:
                error = str(exc)
                its = None
                fitted_groups.pop()
        if its is not None:
            its_results[m.measure_id] = its
            levels = its.table[its.table["term"] == "level_change"].reset_index(drop=True)
        null = 0.0 if family == "gaussian" else 1.0
        for k, g in enumerate(groups):
            first, last = dates[g[0]], dates[g[-1]]
            prev = dates[groups[k - 1][-1]] if k > 0 else None
            nxt = dates[groups[k + 1][0]] if k + 1 < len(groups) else None
            pre = series[(periods < first) & ((periods >= prev) if prev is not None else True)]
            post = series[(periods >= last) & ((periods < nxt) if nxt is not None else True)]
            sub = linked.iloc[g]
            row = {"team_id": team, "measure_id": m.measure_id, "measure_name": m.measure_name,
                   "change_no": int(sub["change_no"].iloc[-1]),
                   "changes": ", ".join(str(int(c)) for c in sub["change_no"]),
                   "change_title": " / ".join(str(x) for x in sub["title"]),
                   "change_date": last, "phase_in_from": first if len(g) > 1 else pd.NaT,
                   "chart": chart, "family": family, "direction": m.direction, "unit": m.unit,
                   "before": _level(pre, chart), "after": _level(post, chart),
                   "n_before": len(pre), "n_after": len(post),
                   "estimate": np.nan, "ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan,
                   "effect": "", "detected": False, "improved": False,
                   "note": "combined" if len(g) > 1 else "", "method": "",
                   "model": "its" if with_trend else "phases"}
            if its is not None and k < len(fitted_groups):
                est = levels.iloc[k]
                detected = bool(est["ci_low"] > null or est["ci_high"] < null)
                row.update({c: est[c] for c in ("estimate", "ci_low", "ci_high", "p_value", "effect", "method")})
                row["detected"] = detected
                row["improved"] = detected and ((est["estimate"] > null) == (m.direction == "up"))
            else:
                row["note"] = "too_short"
                row["method"] = error or f"fewer than {min_points} points in a phase (Penfold & Zhang 2013)"
            rows.append(row)
    table = pd.DataFrame(rows, columns=TEAM_COLUMNS)
    return TeamEffects(table=table, its=its_results, series=series_by)


# --------------------------------------------------------------------------------------------------
# Report helpers: what team_effects.ipynb shows (frames and dicts; texts via analysis.text)
# --------------------------------------------------------------------------------------------------

RATIO_CHARTS = ("p", "pp", "u", "up")


def measure_chart(ds, team: str, measure_id: str, result: TeamEffects | None = None):
    """``spc.chart`` of one measure split into phases at the team's changes to it.

    The phases start at each linked change (a group of close changes starts one phase at its
    last change, see :func:`change_groups`). Returns None when the measure has no data.
    """
    from . import spc
    from .text import t

    m = ds.measures[(ds.measures["team_id"] == team) & (ds.measures["measure_id"] == measure_id)].iloc[0]
    obs = ds.observations[(ds.observations["team_id"] == team) & (ds.observations["measure_id"] == measure_id)]
    chart = str(m["chart"])
    y = "numerator" if chart in RATIO_CHARTS else "value"
    obs = obs.dropna(subset=[y]).sort_values("period")
    if obs.empty:
        return None
    linked = _linked(ds.changes[ds.changes["team_id"] == team], measure_id).reset_index(drop=True)
    dates = [pd.Timestamp(d) for d in linked["date"]]
    groups = change_groups(obs["period"].drop_duplicates(), dates) if dates else []
    part = pd.Series(t("effects_phase_baseline"), index=obs.index, dtype=object)
    for g in groups:
        nos = ", ".join(str(int(n)) for n in linked.iloc[g]["change_no"])
        part[obs["period"] >= dates[g[-1]]] = t("effects_phase_after", nos=nos)
    data = obs.assign(part=part.astype(str))
    return spc.chart(data, y=y, n="denominator" if chart in RATIO_CHARTS else None, x="period",
                     kind=chart, part="part", source="observations.csv")


def report_items(ds, team: str, result: TeamEffects, lang: str | None = None) -> list[dict]:
    """One dict per measure of ``team`` for the report.

    Keys: measure_id, title, chart (spc ChartResult or None), changes (the PDSA rows linked to
    the measure, for markers), target, direction, its (ITSResult or None), as_percent,
    change_labels, verdicts (sentences), note (how the estimate was made).
    """
    from .text import effects as text_effects
    from .text import t

    items = []
    for m in ds.measures[ds.measures["team_id"] == team].itertuples(index=False):
        rows = result.table[result.table["measure_id"] == m.measure_id]
        linked = _linked(ds.changes[ds.changes["team_id"] == team], m.measure_id)
        its = result.its.get(m.measure_id)
        labels = [t("effects_change_marker", no=c, lang=lang)
                  for c in rows.loc[rows["note"] != "too_short", "changes"]]
        note = ""
        if not rows.empty:
            model = rows["model"].iloc[0]
            note = t("effects_model_phases" if model == "phases" else "effects_model_its", lang)
            if (rows["note"] == "combined").any():
                note += " " + t("effects_combined_note", lang, min=MIN_POINTS)
        items.append({
            "measure_id": m.measure_id,
            "title": f"{m.measure_name} ({t(str(m.measure_type), lang)})",
            "chart": measure_chart(ds, team, m.measure_id),
            "changes": linked[["change_no", "date", "title"]].reset_index(drop=True),
            "target": None if pd.isna(m.target) else float(m.target),
            "direction": m.direction,
            "its": its,
            "as_percent": str(m.chart) in ("p", "pp"),
            "change_labels": labels,
            "verdicts": [text_effects.measure_verdict(r, lang) for r in rows.to_dict("records")]
            or [t("effects_no_linked_changes", lang)],
            "note": note,
        })
    return items


def effects_table(table: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """``team_effects(...).table`` as a report table (localised columns, formatted values)."""
    from .text import effects as text_effects
    from .text import t

    out = []
    for r in table.to_dict("records"):
        est, ci = text_effects.format_estimate(r["estimate"], r["ci_low"], r["ci_high"], r["effect"], lang)
        p = r["p_value"]
        out.append({
            t("effects_col_measure", lang): r["measure_name"],
            t("effects_col_change", lang): r["changes"],
            t("effects_col_before", lang): text_effects.format_level(r["before"], r["chart"], r["unit"], lang),
            t("effects_col_after", lang): text_effects.format_level(r["after"], r["chart"], r["unit"], lang),
            t("effects_col_points", lang): f"{r['n_before']}/{r['n_after']}",
            t("effects_col_estimate", lang): est,
            t("effects_col_ci", lang): ci,
            t("effects_col_p", lang): text_effects.format_p(p, lang),
            t("effects_col_verdict", lang): text_effects.short_verdict(r, lang),
        })
    return pd.DataFrame(out)


def waves_table(frame: pd.DataFrame, lang: str | None = None, by: Sequence[str] = ()) -> pd.DataFrame:
    """``survey_waves(...)`` as a report table; suppressed rows show ``..``."""
    from .text import effects as text_effects
    from .text import number, percent, t

    rows = []
    for r in frame.to_dict("records"):
        hidden = bool(r["suppressed"])
        row = {t("effects_col_subgroup", lang): " / ".join(str(r[b]) for b in by)} if by else {}
        row.update({
            t("effects_col_item", lang): r["item_label"],
            t("effects_col_before", lang): ".." if hidden else percent(r["p_before"], 0, lang),
            t("effects_col_after", lang): ".." if hidden else percent(r["p_after"], 0, lang),
            t("effects_col_diff", lang): ".." if hidden else number(r["diff_pp"], 1, lang),
            t("effects_col_ci", lang): ".." if hidden else
            f"{number(r['ci_low_pp'], 1, lang)} – {number(r['ci_high_pp'], 1, lang)}",
            t("effects_col_p_adjusted", lang): ".." if hidden else text_effects.format_p(r["p_adjusted"], lang),
            t("effects_col_mdd", lang): ".." if hidden else number(r["mdd_pp"], 1, lang),
        })
        rows.append(row)
    return pd.DataFrame(rows)


def poster(ds, team: str, result: TeamEffects, diagram=None, lang: str | None = None) -> dict[str, list[str]]:
    """The one-page summary in the network's poster template: heading -> lines of text.

    Headings (labels ``effects_poster_*``): förbättringsområde, bakgrund, nuläge, analys av nuläge,
    prioriterade förändringar som testats, resultat kopplat till det övergripande målet.
    """
    from .text import effects as text_effects
    from .text import t

    info = ds.teams[ds.teams["team_id"] == team].iloc[0]
    munis = dict(zip(ds.municipalities["municipality_code"].astype(str),
                     ds.municipalities["municipality_name"].astype(str), strict=True))
    area = str(info["focus_area"])
    area_label = t(area, lang) if area in ("fullföljda studier", "psykisk hälsa", "fysisk aktivitet") else area
    aim = info.get("aim")
    start = pd.Timestamp(info["start_date"]).strftime("%Y-%m-%d") if pd.notna(info["start_date"]) else "–"
    sections: dict[str, list[str]] = {
        t("effects_poster_area", lang): [area_label]
        + ([f"{t('effects_aim', lang)}: {aim}"] if isinstance(aim, str) and aim.strip() else []),
        t("effects_poster_background", lang): [t(
            "effects_poster_background_text", lang, team=info["team_name"],
            municipality=munis.get(str(info["municipality_code"]), t("county", lang)),
            area=area_label, start=start)],
    }
    baseline = []
    for m in ds.measures[ds.measures["team_id"] == team].itertuples(index=False):
        series = result.series.get(m.measure_id)
        linked = _linked(ds.changes[ds.changes["team_id"] == team], m.measure_id)
        if series is None or series.empty:
            continue
        cut = pd.Timestamp(linked["date"].min()) if len(linked) else None
        pre = series if cut is None else series[series["period"] < cut]
        baseline.append(t("effects_poster_baseline_text", lang, measure=m.measure_name,
                          value=text_effects.format_level(_level(pre, str(m.chart)), str(m.chart), m.unit, lang),
                          n=len(pre)))
    sections[t("effects_poster_baseline", lang)] = baseline or [t("effects_no_measures", lang)]
    if diagram is not None:
        nodes = diagram.nodes
        sections[t("effects_poster_analysis", lang)] = [t(
            "effects_poster_drivers_text", lang, primary=int((nodes["level"] == "primary").sum()),
            secondary=int((nodes["level"] == "secondary").sum()), ideas=int((nodes["level"] == "idea").sum()))]
        sections[t("effects_poster_analysis", lang)] += [
            f"{t('effects_primary_driver', lang)}: {x}" for x in nodes.loc[nodes["level"] == "primary", "text"]]
    else:
        sections[t("effects_poster_analysis", lang)] = [t("effects_poster_no_drivers", lang)]
    log = ds.changes[ds.changes["team_id"] == team].sort_values(["change_no", "date"])
    sections[t("effects_poster_changes", lang)] = [
        t("effects_poster_change_text", lang, no=int(c.change_no), title=c.title,
          date=pd.Timestamp(c.date).strftime("%Y-%m-%d"), step=t(str(c.pdsa_step), lang))
        for c in log.itertuples(index=False)] or [t("no_changes", lang)]
    results = [text_effects.measure_verdict(r, lang) for r in result.table.to_dict("records")
               if r["note"] != "too_short"]
    sections[t("effects_poster_results", lang)] = (results or [t("effects_verdict_none", lang)]) + [
        t("effects_poster_county_aim", lang)]
    return sections
