"""Interrupted time series: segmented regression with quasi-Poisson, quasi-binomial or OLS-HAC."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

# Penfold & Zhang 2013 (Acad Pediatr 13:S38-44, abstract): ITS needs "a minimum of 8 time periods
# before and 8 after an intervention to evaluate changes statistically". Wagner et al. 2002 (J Clin
# Pharm Ther 27:299-309) is often cited for 12 before and 12 after, enough to see a seasonal pattern
# (we could not check their wording). We use 8 as the hard minimum, and one full seasonal period
# before the first change when seasonality is modelled.
MIN_POINTS = 8

# The ITS model that fits each chart kind of measures.csv.
FAMILY_BY_CHART = {
    "p": "binomial", "pp": "binomial",
    "u": "poisson", "up": "poisson", "c": "poisson",
    "run": "gaussian", "i": "gaussian", "mr": "gaussian", "xbar": "gaussian", "s": "gaussian",
    "g": "gaussian", "t": "gaussian",
}

_FAMILIES = ("poisson", "binomial", "gaussian")


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

