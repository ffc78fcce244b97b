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
    "p": "binomial",
    "pp": "binomial",
    "u": "poisson",
    "up": "poisson",
    "c": "poisson",
    "run": "gaussian",
    "i": "gaussian",
    "mr": "gaussian",
    "xbar": "gaussian",
    "s": "gaussian",
    "g": "gaussian",
    "t": "gaussian",
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
    ``table`` also has se (standard error on the link scale), df (residual degrees of freedom of
    the interval, ``inf`` for normal quantiles) and mde (the minimum detectable effect on the
    scale of ``estimate`` for an increase, Bloom 1995: ``(t_{1-alpha/2} + t_{power}) * se``).
    ``fitted``: time, observed, fitted, counterfactual (no intervention at all), segment (0 before
    the first intervention, k after the k-th), excluded (left out of the fit), expected (without
    the step of the point's own phase: what each change is judged against), on the scale of the
    measure (rate per exposure, share, or value).
    ``steps``: one row per intervention, on the scale of the measure (see :func:`step_effects`):
    intervention, n_before, before, n_after, after, expected, difference, diff_low, diff_high,
    mde_up, mde_down.
    """

    table: pd.DataFrame
    fitted: pd.DataFrame
    family: str
    method: str
    dispersion: float
    n_obs: int
    interventions: tuple = ()
    steps: pd.DataFrame | None = None


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
    days = pd.to_datetime(times).to_numpy().astype("datetime64[D]")
    months = days.astype("datetime64[M]")
    if (months.astype("datetime64[D]") == days).all():
        # year * 12 + month (January = 1), with numpy's month count since 1970-01
        return months.astype(np.int64).astype(float) + 1970 * 12 + 1, "month"
    return (days - np.datetime64("1970-01-05", "D")).astype(np.int64) / 7.0, "week"


def _season_position(
    frame: pd.DataFrame, time: str, t_num: np.ndarray, unit: str, seasonality: dict
) -> np.ndarray:
    column = seasonality.get("column")
    if column:
        return frame[column].to_numpy(dtype=float)
    if unit == "month":
        return pd.to_datetime(frame[time]).dt.month.to_numpy(dtype=float)
    if unit == "week":
        return pd.to_datetime(frame[time]).dt.isocalendar().week.to_numpy(dtype=float)
    return t_num


def _change_positions(cuts: Sequence, unit: str) -> np.ndarray:
    """Where change dates fall on the time axis of :func:`_time_units`, as fractions of a period.

    A change on 8 January 2024 is at month 2024·12 + 1 + 7/31: inside the January period.
    """
    stamps = pd.to_datetime(pd.Series(list(cuts))).to_numpy().astype("datetime64[s]")
    if unit == "month":
        start = stamps.astype("datetime64[M]")
        length = ((start + 1).astype("datetime64[s]") - start.astype("datetime64[s]")).astype(float)
        within = (stamps - start.astype("datetime64[s]")).astype(float) / length
        return start.astype(np.int64) + 1970 * 12 + 1 + within
    return (stamps - np.datetime64("1970-01-05T00:00:00", "s")).astype(float) / (7 * 86400.0)


def first_period_with(t_num: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """For each change position, the time of the first period that contains it or starts after it.

    The period rule of the workbook (``analysis.measures``): the period in which a change starts is
    the first period of the change, never a baseline period (a period covers ``[t, t + 1)``).
    ``inf`` when no period reaches the change.
    """
    out = []
    for pos in positions:
        reach = np.flatnonzero(t_num + 1 > pos + 1e-9)
        out.append(t_num[reach[0]] if reach.size else np.inf)
    return np.asarray(out, dtype=float)


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
    ci: str = "t",
    hac: bool = False,
    hac_lags: int | None = None,
    power: float = 0.8,
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
    intervention : time value (or a list of them) from which the intervention is in place. With
        numbers, the first time ``>=`` it. With dates, the period that contains the date (a
        change on 8 January puts January in the changed phase, as ``analysis.measures`` rules),
        or the first period after it. Each adds a level change (and a slope change when
        ``slope_change``).
    exposure : Poisson only: offset ``log(exposure)`` (population, pupils, days).
    denominator : binomial only: number of trials per period.
    family : ``poisson`` (log link; quasi-Poisson with ``scale="X2"``), ``binomial`` (logit link;
        quasi-binomial with ``scale="X2"``) or ``gaussian`` (ordinary least squares).
    scale : GLM dispersion: ``"X2"`` (Pearson chi-square / df) or ``None``/1.0 (fixed at 1).
    seasonality : e.g. ``{"period": 12, "harmonics": 2}`` adds Fourier sine/cosine pairs; the
        position in the season is the month (monthly dates), ISO week (weekly dates), the numeric
        time, or ``seasonality["column"]``.
    slope_change : also estimate a change of slope after each intervention.
    trend : model a secular trend (the usual ITS). ``False`` gives a phase comparison: the level
        after against the level before, assuming a stable baseline (check it on the SPC chart).
    min_points : least number of non-missing points in every segment (default 8, Penfold & Zhang
        2013); with seasonality also at least one full period before the first intervention.
    ci : ``"t"`` (default): intervals and p-values from the t distribution with the residual
        degrees of freedom whenever a scale is estimated (quasi families, OLS), as the
        calibration study in ``docs/methods.md`` chose; ``"normal"``: Wald intervals with normal
        quantiles, as R's ``ci.lin`` and Lopez Bernal et al. 2017 report them.
    hac : gaussian only: Newey-West (HAC) standard errors instead of the ordinary ones. Off by
        default: on 16-40 points they reject a true null far too often (13-20 % at nominal 5 %
        in ``docs/methods.md``; Turner et al. 2021 prefer OLS for short series).
    hac_lags : with ``hac``; default ``floor(4 (n/100)^(2/9))`` (Newey & West 1994).
    power : for the minimum detectable effect (``mde`` and ``steps``), default 0.8.
    exclude : time values left out of the fit (e.g. a phase-in period between two changes,
        Wagner et al. 2002); they are still in ``fitted`` with ``excluded`` True.
    label : name used in error messages (e.g. the measure id).

    Returns
    -------
    ITSResult; estimates are ratios (exp of the coefficient) for log/logit links, differences for
    gaussian; ``steps`` gives each level change on the measure's own scale against the level
    expected without it.

    Raises
    ------
    SeriesTooShort when a segment has fewer than ``min_points`` points; ValueError for bad input.
    """
    if family not in _FAMILIES:
        raise ValueError(f"family must be one of {', '.join(_FAMILIES)}, not {family!r}")
    if ci not in ("t", "normal"):
        raise ValueError(f"ci must be 't' or 'normal', not {ci!r}")
    if hac and family != "gaussian":
        raise ValueError("hac=True is for family='gaussian'")
    name = label or y
    needed = [y, time] + [c for c in (exposure, denominator) if c]
    if seasonality and seasonality.get("column"):
        needed.append(seasonality["column"])
    missing = [c for c in needed if c not in data.columns]
    if missing:
        raise ValueError(
            f"{name}: column(s) {', '.join(missing)} not in the data "
            f"(columns: {', '.join(map(str, data.columns))})"
        )
    if family == "binomial" and not denominator:
        raise ValueError(
            f"{name}: family='binomial' needs denominator= (the number of trials per period)"
        )
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
    if is_dates:
        cut_num = first_period_with(t_num, _change_positions(cuts, unit))
    else:
        cut_num = np.asarray(cuts, dtype=float)

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
            source = "one full seasonal period" if need > min_points else "Penfold & Zhang 2013"
            raise SeriesTooShort(
                f"{name}: {count} point(s) {where}; an interrupted time series needs at least "
                f"{need} points in every phase ({source}), so no effect is estimated"
            )

    # design matrix: intercept, trend, a step (and slope) per intervention, Fourier pairs
    if slope_change and not trend:
        raise ValueError(f"{name}: slope_change needs trend=True")
    columns = {"const": np.ones(len(t_num))}
    if trend:
        columns["trend"] = t_num - t_num[0]
    for j, c in enumerate(cut_num):
        columns[f"level_{j}"] = (t_num >= c).astype(float)
        if slope_change:
            columns[f"slope_{j}"] = np.where(t_num >= c, t_num - c, 0.0)
    if seasonality:
        pos = _season_position(frame, time, t_num, unit, seasonality)
        for k in range(1, int(seasonality.get("harmonics", 2)) + 1):
            columns[f"sin{k}"] = np.sin(2 * np.pi * k * pos / period)
            columns[f"cos{k}"] = np.cos(2 * np.pi * k * pos / period)
    names = list(columns)
    X = np.column_stack(list(columns.values()))
    if use.sum() <= X.shape[1] + 1:
        raise SeriesTooShort(
            f"{name}: {int(use.sum())} points cannot estimate {X.shape[1]} parameters"
        )
    Xf = X[use]

    parts = []
    weights = np.ones(len(frame))  # for the levels of a phase: pooled over trials or exposure
    if family == "gaussian":
        model = sm.OLS(frame[y].to_numpy(dtype=float)[use], Xf)
        if hac:
            lags = (
                hac_lags
                if hac_lags is not None
                else int(math.floor(4 * (len(Xf) / 100) ** (2 / 9)))
            )
            fit = model.fit(cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True})
            parts.append(f"OLS with Newey-West (HAC) standard errors, {lags} lag(s)")
        else:
            fit = model.fit()
            parts.append("OLS")
        dispersion = float(fit.scale)
        transform, effect = (lambda v: v), "difference"
        observed = frame[y].to_numpy(dtype=float)
        estimated_scale = True
    else:
        fit_scale = scale if scale not in (None, 1, 1.0) else 1.0
        estimated_scale = fit_scale == "X2"
        if family == "poisson":
            offset = np.log(frame[exposure].to_numpy(dtype=float))[use] if exposure else None
            model = sm.GLM(
                frame[y].to_numpy(dtype=float)[use], Xf, family=sm.families.Poisson(), offset=offset
            )
            effect = "rate ratio"
            parts.append("quasi-Poisson GLM" if estimated_scale else "Poisson GLM")
            if exposure:
                parts.append(f"offset log({exposure})")
                weights = frame[exposure].to_numpy(dtype=float)
            observed = frame[y].to_numpy(dtype=float) / (
                frame[exposure].to_numpy(dtype=float) if exposure else 1.0
            )
        else:
            trials = frame[denominator].to_numpy(dtype=float)
            successes = frame[y].to_numpy(dtype=float)
            # proportions with var_weights = trials: statsmodels 0.15 computes the Pearson X2 scale
            # wrongly for a two-column (successes, failures) endog, so that form is not used
            model = sm.GLM(
                (successes / trials)[use],
                Xf,
                family=sm.families.Binomial(),
                var_weights=trials[use],
            )
            effect = "odds ratio"
            parts.append(
                "quasi-binomial GLM (logit)" if estimated_scale else "binomial GLM (logit)"
            )
            observed = successes / trials
            weights = trials
        fit = model.fit(scale=fit_scale)
        dispersion = float(fit.scale)
        if estimated_scale:
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
    # t quantiles with the residual df whenever the scale is estimated (quasi families, OLS): the
    # Wald z interval is too narrow on 16-40 points (docs/methods.md); a known scale keeps z
    df = float(fit.df_resid) if (ci == "t" and estimated_scale) else math.inf
    quantile = (
        stats.t.ppf(1 - alpha / 2, df) if math.isfinite(df) else stats.norm.ppf(1 - alpha / 2)
    )
    # Bloom 1995 (Evaluation Review 19:547-556): MDE = (t_{1-alpha/2} + t_{power}) * SE
    multiplier = quantile + (stats.t.ppf(power, df) if math.isfinite(df) else stats.norm.ppf(power))
    parts.append(
        f"t-based {100 * (1 - alpha):g} % CI ({df:g} residual df)"
        if math.isfinite(df)
        else f"Wald {100 * (1 - alpha):g} % CI (normal quantiles)"
    )
    method = "; ".join(parts)

    params = pd.Series(np.asarray(fit.params), index=names)
    bse = pd.Series(np.asarray(fit.bse), index=names)
    rows = []

    def add(term: str, column: str, at) -> None:
        est, se = float(params[column]), float(bse[column])
        stat = est / se if se > 0 else math.inf
        p_value = float(
            2 * (stats.t.sf(abs(stat), df) if math.isfinite(df) else stats.norm.sf(abs(stat)))
        )
        rows.append(
            {
                "term": term,
                "intervention": at,
                "estimate": float(transform(est)),
                "ci_low": float(transform(est - quantile * se)),
                "ci_high": float(transform(est + quantile * se)),
                "p_value": p_value,
                "effect": effect,
                "method": method,
                "se": se,
                "df": df,
                "mde": float(transform(multiplier * se)),
            }
        )

    for j, c in enumerate(cuts):
        add("level_change", f"level_{j}", c)
        if slope_change:
            add("slope_change", f"slope_{j}", c)
    if trend:
        add("trend", "trend", None)
    table = pd.DataFrame(rows)
    table["per"] = np.where(table["term"] == "level_change", "", unit)

    # fitted and counterfactual (no intervention), on the scale of the measure
    inverse = {"binomial": lambda v: 1 / (1 + np.exp(-v)), "poisson": np.exp}.get(
        family, lambda v: v
    )
    no_change = np.array([0.0 if n.startswith(("level_", "slope_")) else 1.0 for n in names])
    linear = X @ params.to_numpy()
    fitted, counterfactual = inverse(linear), inverse(X @ (params.to_numpy() * no_change))
    # expected: each point without the step of its own phase (earlier steps and the trend stay),
    # the level each change is judged against (see step_effects)
    own_step = np.array([0.0] + [float(params[f"level_{j}"]) for j in range(len(cuts))])[segment]
    fitted_frame = pd.DataFrame(
        {
            "time": frame[time].to_numpy(),
            "observed": observed,
            "fitted": fitted,
            "counterfactual": counterfactual,
            "segment": segment,
            "excluded": ~use,
            "expected": inverse(linear - own_step),
        }
    )
    steps = step_effects(
        linear,
        observed,
        segment,
        use,
        weights,
        inverse,
        [float(params[f"level_{j}"]) for j in range(len(cuts))],
        [float(bse[f"level_{j}"]) for j in range(len(cuts))],
        quantile,
        multiplier,
    )
    steps.insert(0, "intervention", cuts)
    return ITSResult(
        table=table,
        fitted=fitted_frame,
        family=family,
        method=method,
        dispersion=dispersion,
        n_obs=int(use.sum()),
        interventions=tuple(cuts),
        steps=steps,
    )


def step_effects(
    linear: np.ndarray,
    observed: np.ndarray,
    segment: np.ndarray,
    use: np.ndarray,
    weights: np.ndarray,
    inverse,
    betas: Sequence[float],
    ses: Sequence[float],
    quantile: float,
    multiplier: float,
) -> pd.DataFrame:
    """Each level change on the measure's scale, against the level expected without it.

    For the k-th change and the fitted points of its own phase (segment k, phase-in points left
    out): ``after`` is the observed level (pooled over trials or exposure: Σy/Σn), ``expected``
    the model without this step (its linear predictor minus the step, so earlier steps and the
    trend stay: "had the earlier trend continued"), ``difference = fitted - expected`` averaged
    with the same weights. For OLS and canonical-link GLMs with the step in the model the
    fitted level of a phase equals its observed level, so ``after - expected = difference``.
    ``diff_low``/``diff_high`` map the step's CI through the same average: a monotone map, so
    the interval excludes 0 exactly when the step's interval excludes no effect (the
    counterfactual's own uncertainty is left out, which is second order for the share or rate).
    ``mde_up``/``mde_down``: the difference a step of ``±multiplier·se`` would make (Bloom 1995),
    ``before``: the observed level of the previous phase's fitted points.
    """
    rows = []
    for k, (beta, se) in enumerate(zip(betas, ses, strict=True), start=1):
        own = use & (segment == k)
        prev = use & (segment == k - 1)
        w = weights[own] / weights[own].sum()
        base = linear[own] - beta

        def shift(delta: float, base=base, w=w) -> float:
            return float(np.sum(w * (inverse(base + delta) - inverse(base))))

        expected = float(np.sum(w * inverse(base)))
        rows.append(
            {
                "n_before": int(prev.sum()),
                "before": float(np.sum(weights[prev] * observed[prev]) / weights[prev].sum()),
                "n_after": int(own.sum()),
                "after": float(np.sum(weights[own] * observed[own]) / weights[own].sum()),
                "expected": expected,
                "difference": shift(beta),
                "diff_low": shift(beta - quantile * se),
                "diff_high": shift(beta + quantile * se),
                "mde_up": shift(multiplier * se),
                "mde_down": shift(-multiplier * se),
            }
        )
    return pd.DataFrame(rows)
