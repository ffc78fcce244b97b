"""Two independent proportions: Newcombe interval, test, multiple testing, detectable difference."""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import optimize, special, stats
from statsmodels.stats.multitest import multipletests

_MULTITEST = {
    "holm": "Holm 1979",
    "fdr_bh": "Benjamini & Hochberg 1995",
    "bonferroni": "Bonferroni",
}

# --------------------------------------------------------------------------------------------------
# Two proportions
# --------------------------------------------------------------------------------------------------


Z_MAX = 40.0  # normal quantile searched up to (two-sided p = 2 · sf(40) underflows to 0)


def _wilson_z(x, n, z):
    """Wilson 1927 score interval of x/n for the normal quantile ``z`` (vectorised, broadcast).

    The same formula as ``surveys.summary.wilson`` (Newcombe 1998, method 3), taking ``z``
    instead of a level so that many levels can be evaluated at once.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        p = x / n
        denom = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
        low = np.clip(centre - half, 0, 1)
        high = np.clip(centre + half, 0, 1)
    return np.where(x == 0, 0.0, low), np.where(x == n, 1.0, high)


def _newcombe(x1, n1, x2, n2, z):
    """Newcombe 1998 (Stat Med 17:873-890) method 10 limits of ``x1/n1 - x2/n2`` for quantile ``z``."""
    l1, u1 = _wilson_z(x1, n1, z)
    l2, u2 = _wilson_z(x2, n2, z)
    p1, p2 = x1 / n1, x2 / n2
    diff = p1 - p2
    low = diff - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = diff + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return np.maximum(low, -1.0), np.minimum(high, 1.0)


def newcombe_p_value(x1, n1, x2, n2) -> np.ndarray:
    """Two-sided p-value of "p1 = p2" that agrees with the Newcombe interval (test inversion).

    The smallest ``alpha`` at which the ``1 - alpha`` Newcombe (method 10) interval of the
    difference just reaches 0: ``p < alpha`` exactly when the ``1 - alpha`` interval excludes 0.
    Wilson intervals are nested in the level, so the interval's limits move monotonically with
    the normal quantile ``z``; the ``z`` at which the limit nearer to 0 crosses it is found by
    bisection and ``p = 2 · (1 - Φ(z))``. Equal proportions give 1.
    """
    x1, n1, x2, n2 = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (x1, n1, x2, n2)))
    diff = x1 / n1 - x2 / n2
    lo = np.zeros(diff.shape)
    hi = np.full(diff.shape, Z_MAX)

    def near_limit(z):
        low, high = _newcombe(x1, n1, x2, n2, z)
        return np.where(diff > 0, low, -high)  # > 0 while the interval excludes 0

    # bisection: near_limit(lo) > 0 >= near_limit(hi) (or the root lies beyond Z_MAX)
    beyond = near_limit(hi) > 0
    for _ in range(80):
        mid = (lo + hi) / 2
        excludes = near_limit(mid) > 0
        lo = np.where(excludes, mid, lo)
        hi = np.where(excludes, hi, mid)
    z_star = np.where(beyond, Z_MAX, (lo + hi) / 2)
    return np.where(diff == 0, 1.0, 2 * stats.norm.sf(z_star))


def compare_proportions(x1, n1, x2, n2, alpha: float = 0.05, test: str = "newcombe"):
    """Difference of two independent proportions ``p1 - p2`` with the Newcombe hybrid score interval.

    Parameters
    ----------
    x1, n1, x2, n2 : counts and bases (numbers or equal-length arrays).
    alpha : 1 - confidence level; a number or one per row.
    test : ``"newcombe"`` (default): the p-value that agrees with the interval (see
        :func:`newcombe_p_value`: ``p < alpha`` exactly when the interval excludes 0);
        ``"chi2"``: Pearson chi-square without continuity correction (the pooled z-test), which
        can disagree with the interval near the boundary.

    Returns
    -------
    Series (DataFrame for arrays): p1, p2, diff, ci_low, ci_high, p_value, n1, n2, method.
    ``ci_*``: Newcombe 1998 (Stat Med 17:873-890), method 10 (hybrid of Wilson score intervals).
    """
    if test not in ("newcombe", "chi2"):
        raise ValueError(f"test must be 'newcombe' or 'chi2', not {test!r}")
    arrays = [np.atleast_1d(np.asarray(v, dtype=float)) for v in (x1, n1, x2, n2)]
    scalar = all(np.ndim(v) == 0 for v in (x1, n1, x2, n2))
    a, m, b, n = np.broadcast_arrays(*arrays)
    for name, count, base in (("x1", a, m), ("x2", b, n)):
        if np.any(base <= 0) or np.any(~np.isfinite(base)):
            raise ValueError(
                f"compare_proportions: every base (n) must be > 0; got {base.tolist()}"
            )
        if np.any(count < 0) or np.any(count > base):
            raise ValueError(
                f"compare_proportions: {name} must be between 0 and its base; got {count.tolist()}"
            )
    alpha_v = np.broadcast_to(np.asarray(alpha, dtype=float), a.shape)
    z = stats.norm.isf(alpha_v / 2)
    low, high = _newcombe(a, m, b, n, z)  # Newcombe 1998, method 10
    p1, p2 = a / m, b / n
    if test == "newcombe":
        pval = newcombe_p_value(a, m, b, n)
        how = "p: inversion of the Newcombe interval (p < alpha exactly when it excludes 0)"
    else:
        pooled = (a + b) / (m + n)
        se0 = np.sqrt(pooled * (1 - pooled) * (1 / m + 1 / n))
        with np.errstate(divide="ignore", invalid="ignore"):
            zstat = np.where(se0 > 0, (p1 - p2) / np.where(se0 > 0, se0, 1), 0.0)
        pval = 2 * stats.norm.sf(np.abs(zstat))
        how = "p: Pearson chi-square without continuity correction"
    levels = sorted({f"{100 * (1 - v):g}" for v in np.unique(alpha_v)})
    method = f"Newcombe hybrid score {'/'.join(levels)}% CI (1998, method 10); {how}"
    out = pd.DataFrame(
        {
            "p1": p1,
            "p2": p2,
            "diff": p1 - p2,
            "ci_low": low,
            "ci_high": high,
            "p_value": pval,
            "n1": m,
            "n2": n,
            "method": method,
        }
    )
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
    return pd.DataFrame(
        {
            "p_value": p,
            "p_adjusted": adjusted,
            "reject": reject,
            "method": f"{_MULTITEST[method]} (alpha {alpha:g}, {int(ok.sum())} tests)",
        }
    )


def minimum_detectable_difference(
    n1, n2, p: float = 0.5, alpha: float = 0.05, power: float = 0.8
) -> float:
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
            p * (1 - p) / n1 + p2 * (1 - p2) / n2
        )
        return d - need

    hi = room - 1e-9
    if gap(hi) < 0:
        return float("nan")
    return float(optimize.brentq(gap, 1e-12, hi, xtol=1e-10))


def adjusted_levels(p_values, method: str, alpha: float = 0.05) -> np.ndarray:
    """Per test, the significance level the correction effectively applies to its p-value.

    For Holm, Bonferroni and Benjamini-Hochberg the adjusted p-value (before capping at 1) is
    ``c · p`` for a multiplier ``c >= 1`` (Holm: ``m - j + 1`` of the step ``j`` that sets it;
    Bonferroni: ``m``; BH: ``m / j``). A test is rejected when ``c · p < alpha``, that is when
    ``p < alpha / c``: this returns ``alpha / c`` (NaN where ``p`` is NaN). An interval at level
    ``1 - alpha / c`` that agrees with the test excludes the null exactly for the rejected tests.
    """
    if method not in _MULTITEST:
        raise ValueError(f"method must be one of {', '.join(_MULTITEST)}, not {method!r}")
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = np.flatnonzero(~np.isnan(p))
    m = len(ok)
    if m == 0:
        return out
    order = ok[np.argsort(p[ok], kind="stable")]
    ps = p[order]
    rank = np.arange(1, m + 1)
    if method == "holm":  # Holm 1979: max over j <= k of (m - j + 1) p_(j)
        adjusted = np.maximum.accumulate((m - rank + 1) * ps)
        own = (m - rank + 1).astype(float)
    elif method == "bonferroni":
        adjusted = m * ps
        own = np.full(m, float(m))
    else:  # Benjamini & Hochberg 1995: min over j >= k of (m / j) p_(j)
        adjusted = np.minimum.accumulate((m / rank * ps)[::-1])[::-1]
        own = m / rank
    with np.errstate(divide="ignore", invalid="ignore"):
        multiplier = np.where(ps > 0, adjusted / ps, own)
    out[order] = alpha / np.maximum(multiplier, 1.0)
    return out


def _reject_thresholds(n1: int, n2: int, z: float) -> tuple[np.ndarray, np.ndarray]:
    """For every x2 = 0..n2: the Newcombe test at quantile ``z`` rejects when x1 >= upper[x2] or x1 <= lower[x2].

    The interval's limits increase with x1 for a fixed x2 (Wilson limits increase with x), so
    each threshold is found by a binary search over x1 (vectorised over x2).
    """
    return _thresholds_cached(int(n1), int(n2), float(z))


@lru_cache(maxsize=512)
def _thresholds_cached(n1: int, n2: int, z: float) -> tuple[np.ndarray, np.ndarray]:
    x2 = np.arange(n2 + 1, dtype=float)

    def first_x1(condition):
        # smallest x1 in 0..n1 with condition(x1) True (n1 + 1 if none); condition monotone in x1
        lo = np.zeros(n2 + 1, dtype=np.int64)
        hi = np.full(n2 + 1, n1 + 1, dtype=np.int64)
        while (lo < hi).any():
            mid = (lo + hi) // 2
            ok = condition(np.minimum(mid, n1).astype(float)) & (mid <= n1)
            hi = np.where((lo < hi) & ok, mid, hi)
            lo = np.where((lo < hi) & ~ok, mid + 1, lo)
        return lo

    upper = first_x1(lambda x1: _newcombe(x1, n1, x2, n2, z)[0] > 0)
    lower = first_x1(lambda x1: _newcombe(x1, n1, x2, n2, z)[1] >= 0) - 1
    return upper, lower


def newcombe_power(n1: int, n2: int, p1: float, p2: float, alpha: float = 0.05) -> float:
    """Exact power of the two-sided Newcombe test (the interval excludes 0) at level ``alpha``.

    Sums the binomial probabilities of every table (x1, x2) the test rejects:
    ``sum_x2 P(X2 = x2) [P(X1 >= upper[x2]) + P(X1 <= lower[x2])]``.
    """
    return _power_at(n1, n2, p2, alpha)(p1)


def _power_at(n1: int, n2: int, p2: float, alpha: float):
    """The exact power of the Newcombe test as a function of ``p1`` (group 2 fixed at ``p2``):
    the rejection thresholds and group 2's probabilities are worked out once, so a search over
    ``p1`` (:func:`newcombe_detectable_difference`) costs only group 1's binomial tails. The
    tails come from ``scipy.special.bdtr``/``bdtrc`` (the regularised incomplete beta function
    that ``scipy.stats.binom.cdf``/``sf`` use, without the distribution machinery: ~10x
    faster), with their edge cases spelled out: P(X <= k) is 0 below 0 and 1 from n on."""
    upper, lower = _reject_thresholds(n1, n2, stats.norm.isf(alpha / 2))
    weight = stats.binom.pmf(np.arange(n2 + 1), n2, p2)
    at_least = upper - 1  # P(X1 >= upper) = P(X1 > upper - 1)
    low_in = (lower >= 0) & (lower < n1)
    high_in = (at_least >= 0) & (at_least < n1)

    def power(p1: float) -> float:
        below = np.where(
            low_in, special.bdtr(np.clip(lower, 0, n1), n1, p1), (lower >= n1).astype(float)
        )
        above = np.where(
            high_in, special.bdtrc(np.clip(at_least, 0, n1), n1, p1), (at_least < 0).astype(float)
        )
        return float(np.sum(weight * (above + below)))

    return power


def newcombe_detectable_difference(
    n1, n2, p: float = 0.5, alpha: float = 0.05, power: float = 0.8
) -> float:
    """Smallest difference the Newcombe test at level ``alpha`` detects with ``power`` (exact).

    Group 2 (``n2``) is at ``p``, group 1 (``n1``) at ``p ± d`` towards 0.5 (the conservative
    direction, as :func:`minimum_detectable_difference`); the power is the exact binomial power
    of the very test that decides (:func:`newcombe_power`), found for ``d`` by bisection to
    0.0001. NaN when no difference reaches the power.
    """
    if n1 <= 0 or n2 <= 0:
        return float("nan")
    if not 0 < p < 1:
        raise ValueError(f"p must be strictly between 0 and 1, not {p}")
    sign = 1.0 if p <= 0.5 else -1.0
    room = (1 - p) if sign > 0 else p
    n1, n2 = int(round(n1)), int(round(n2))
    power_at = _power_at(n1, n2, p, alpha)

    def enough(d: float) -> bool:
        return power_at(p + sign * d) >= power

    if not enough(room):
        return float("nan")
    lo, hi = 0.0, room
    while hi - lo > 1e-4:
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if enough(mid) else (mid, hi)
    return hi
