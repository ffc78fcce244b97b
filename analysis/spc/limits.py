"""Centre lines and control limits of every chart kind, for all series and parts at once.

The semantics are those of the R package qicharts2 (Anhøj), ``qic.<kind>`` functions; the
formula sources are cited where each is computed. Each function takes the aggregated points
(``Points``) and returns ``(cl, lcl, ucl, y)`` arrays with one value per point.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln

from ._groups import gdiff, gmean, gmedian, gsum

D2 = 1.128  # d2 for moving ranges of two points (Montgomery, Appendix VI)
D4 = 3.267  # D4 for moving ranges of two points: upper limit of an MR chart


@dataclass
class Points:
    """Aggregated points of all series, sorted by series, part and x."""

    y: np.ndarray  # the plotted value (ratio for p/u, subgroup mean for xbar, ...)
    n: np.ndarray  # denominator (p, u ...) or subgroup size (xbar, s); NaN when not used
    y_sum: np.ndarray  # numerator (sum of y in the subgroup)
    y_sd: np.ndarray  # subgroup standard deviation (xbar, s)
    seg: np.ndarray  # segment code (series x part), sorted
    n_seg: int
    base: np.ndarray  # baseline & included: the points the limits are computed from
    screen_mr: bool = True


def c4(n):
    """c4(n) = sqrt(2 / (n - 1)) * Γ(n / 2) / Γ((n - 1) / 2); NaN for n <= 1 (Montgomery, App. VI)."""
    n = np.asarray(n, dtype=float)
    ok = n > 1
    safe = np.where(ok, n, 2.0)
    value = np.sqrt(2.0 / (safe - 1.0)) * np.exp(gammaln(safe / 2.0) - gammaln((safe - 1.0) / 2.0))
    return np.where(ok, value, np.nan)


def a3(n):
    """A3 = 3 / (c4 * sqrt(n)): x̄ limits from s̄ (Montgomery 6.29)."""
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return 3.0 / (c4(n) * np.sqrt(n))


def b3(n):
    """B3 = max(0, 1 - 3 * sqrt(1 - c4²) / c4): lower s-chart limit factor."""
    c = c4(n)
    with np.errstate(invalid="ignore"):
        return np.maximum(0.0, 1.0 - 3.0 * np.sqrt(1.0 - c**2) / c)


def b4(n):
    """B4 = 1 + 3 * sqrt(1 - c4²) / c4: upper s-chart limit factor."""
    c = c4(n)
    with np.errstate(invalid="ignore"):
        return 1.0 + 3.0 * np.sqrt(1.0 - c**2) / c


def _amr(values: np.ndarray, p: Points) -> np.ndarray:
    """Average moving range of the baseline points per segment, screened as qicharts2 does.

    Moving ranges are taken between consecutive baseline points (a gap gives no range); with
    screening, ranges at or above 3.267 times the first average are left out and the average is
    taken again (Nelson 1982; Provost & Murray 2011, p. 156; qicharts2 option qic.screenedmr).
    """
    mr, mseg = gdiff(values, p.seg, p.base)
    amr = gmean(mr, mseg, p.n_seg)
    if p.screen_mr:
        limit = D4 * amr[mseg]
        amr = gmean(mr, mseg, p.n_seg, mr < limit)
    # An all-zero moving-range baseline gives no limits (qicharts2 with screening: no range is
    # below 3.267 · 0, the mean of none is NaN), whether screened or not: limits of zero width
    # would call every later change a special cause. See docs/methods.md.
    return np.where(amr > 0, amr, np.nan)


def moving_range_count(values: np.ndarray, p: Points) -> np.ndarray:
    """Number of baseline moving ranges (pairs of consecutive baseline values) per segment."""
    mr, mseg = gdiff(values, p.seg, p.base)
    return np.bincount(mseg[~np.isnan(mr)], minlength=p.n_seg)


def _expand(per_seg: np.ndarray, p: Points) -> np.ndarray:
    return per_seg[p.seg]


def run(p: Points):
    # qicharts2 qic.run: median of the baseline
    cl = _expand(gmedian(p.y, p.seg, p.n_seg, p.base), p)
    nan = np.full_like(cl, np.nan)
    return cl, nan, nan.copy(), p.y


def i(p: Points, y: np.ndarray | None = None):
    # Individuals chart: mean ± 3·MR̄/d2 (Montgomery 6.33; qicharts2 qic.i)
    y = p.y if y is None else y
    cl = _expand(gmean(y, p.seg, p.n_seg, p.base), p)
    sd = _expand(_amr(y - cl, p), p) / D2
    return cl, cl - 3 * sd, cl + 3 * sd, y


def mr(p: Points):
    # Moving-range chart: |y_t - y_(t-1)| within the part; CL = mean MR, UCL = 3.267·MR̄, LCL = 0
    y = np.full(len(p.y), np.nan)
    same = p.seg[1:] == p.seg[:-1]
    y[1:] = np.where(same, np.abs(np.diff(p.y)), np.nan)
    cl = _expand(gmean(y, p.seg, p.n_seg, p.base), p)
    # all baseline ranges 0: no limits (see _amr); qicharts2 would draw both at 0
    has_spread = cl > 0
    return cl, np.where(has_spread, 0.0, np.nan), np.where(has_spread, D4 * cl, np.nan), y


def t(p: Points):
    # T chart: I chart on y^(1/3.6), back-transformed (Nelson 1994; qicharts2 qic.t)
    cl, lcl, ucl, _ = i(p, p.y ** (1 / 3.6))
    with np.errstate(invalid="ignore"):
        lcl = np.where(lcl > 0, lcl, 0.0) ** 3.6
    return cl**3.6, lcl, ucl**3.6, p.y


def _ratio_cl(p: Points) -> np.ndarray:
    num = gsum(p.y_sum, p.seg, p.n_seg, p.base & ~np.isnan(p.n))
    den = gsum(p.n, p.seg, p.n_seg, p.base & ~np.isnan(p.y_sum))
    with np.errstate(invalid="ignore", divide="ignore"):
        return _expand(num / den, p)


def _laney(p: Points, cl: np.ndarray, sd: np.ndarray) -> np.ndarray:
    # Laney 2002: sigma_z = MR̄(z)/1.128 of z_i = (y_i - cl) / sigma_i; sigma'_i = sigma_i · sigma_z
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (p.y - cl) / sd
    return sd * _expand(_amr(z, p), p) / D2


def _p(p: Points, laney: bool):
    # P chart: CL = Σy/Σn over the baseline; sigma_i = sqrt(p̄(1 - p̄)/n_i) (Montgomery 7.7)
    cl = _ratio_cl(p)
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.sqrt(cl * (1 - cl) / p.n)
    if laney:
        sd = _laney(p, cl, sd)
    lcl = np.maximum(cl - 3 * sd, 0.0)
    ucl = np.minimum(cl + 3 * sd, 1.0)
    return cl, np.where(np.isnan(sd), np.nan, lcl), np.where(np.isnan(sd), np.nan, ucl), p.y


def p_chart(p: Points):
    return _p(p, laney=False)


def pp(p: Points):
    return _p(p, laney=True)


def _u(p: Points, laney: bool):
    # U chart: CL = Σy/Σn over the baseline; sigma_i = sqrt(ū/n_i) (Montgomery 7.19)
    cl = _ratio_cl(p)
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.sqrt(cl / p.n)
    if laney:
        sd = _laney(p, cl, sd)
    lcl = np.where(np.isnan(sd), np.nan, np.maximum(cl - 3 * sd, 0.0))
    return cl, lcl, cl + 3 * sd, p.y


def u(p: Points):
    return _u(p, laney=False)


def up(p: Points):
    return _u(p, laney=True)


def c(p: Points):
    # C chart: CL = mean count; sigma = sqrt(c̄) (Montgomery 7.17)
    y = p.y_sum
    cl = _expand(gmean(y, p.seg, p.n_seg, p.base), p)
    sd = np.sqrt(cl)
    return cl, np.maximum(cl - 3 * sd, 0.0), cl + 3 * sd, y


def g(p: Points):
    # G chart: limits from the mean, sigma = sqrt(ḡ(ḡ + 1)) (Montgomery p. 319; Benneyan 2001);
    # centre line drawn at the baseline median (qicharts2 qic.g)
    mean = _expand(gmean(p.y, p.seg, p.n_seg, p.base), p)
    sd = np.sqrt(mean * (mean + 1))
    cl = _expand(gmedian(p.y, p.seg, p.n_seg, p.base), p)
    return cl, np.maximum(mean - 3 * sd, 0.0), mean + 3 * sd, p.y


def _var_n(p: Points) -> np.ndarray:
    """True for a segment whose subgroups differ in size (qicharts2: length(unique(n)) > 1)."""
    n = np.where(np.isnan(p.n), -1.0, p.n)
    lo = np.full(p.n_seg, np.inf)
    hi = np.full(p.n_seg, -np.inf)
    np.minimum.at(lo, p.seg, n)
    np.maximum.at(hi, p.seg, n)
    return _expand(lo != hi, p)


def _sigma_s(p: Points) -> np.ndarray:
    """s̄ of the baseline: mean of s (equal sizes, Montgomery 6.29) or pooled (sizes differ, 6.31)."""
    mean_sd = _expand(gmean(p.y_sd, p.seg, p.n_seg, p.base), p)
    ok = ~np.isnan(p.y_sd)
    num = gsum((p.n - 1) * p.y_sd**2, p.seg, p.n_seg, p.base & ok)
    den = gsum(p.n - 1, p.seg, p.n_seg, p.base)
    with np.errstate(invalid="ignore", divide="ignore"):
        pooled = _expand(np.sqrt(num / den), p)
    return np.where(_var_n(p), pooled, mean_sd)


def xbar(p: Points):
    # X̄ chart: CL = Σ n_i x̄_i / Σ n_i; limits CL ± A3(n_i) · s̄ (Montgomery 6.29-6.31)
    ok = ~np.isnan(p.y)
    num = gsum(p.n * p.y, p.seg, p.n_seg, p.base & ok)
    den = gsum(p.n, p.seg, p.n_seg, p.base & ok)
    with np.errstate(invalid="ignore", divide="ignore"):
        cl = _expand(num / den, p)
    width = a3(p.n) * _sigma_s(p)
    return cl, cl - width, cl + width, p.y


def s(p: Points):
    # S chart: CL = s̄; limits B3(n_i) · s̄ and B4(n_i) · s̄ (Montgomery 6.27-6.31)
    cl = _sigma_s(p)
    return cl, b3(p.n) * cl, b4(p.n) * cl, p.y_sd


KIND_FUNCTIONS = {
    "run": run,
    "i": i,
    "mr": mr,
    "xbar": xbar,
    "s": s,
    "p": p_chart,
    "pp": pp,
    "c": c,
    "u": u,
    "up": up,
    "g": g,
    "t": t,
}
