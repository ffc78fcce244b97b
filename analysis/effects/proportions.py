"""Two independent proportions: Newcombe interval, test, multiple testing, detectable difference."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import optimize, stats
from statsmodels.stats.multitest import multipletests

from ..surveys.summary import wilson

_MULTITEST = {"holm": "Holm 1979", "fdr_bh": "Benjamini & Hochberg 1995", "bonferroni": "Bonferroni"}

# --------------------------------------------------------------------------------------------------
# Two proportions
# --------------------------------------------------------------------------------------------------


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
    p1, p2 = a / m, b / n
    l1, u1 = wilson(a, m, 1 - alpha)  # Wilson 1927 score intervals (Newcombe 1998, method 3)
    l2, u2 = wilson(b, n, 1 - alpha)
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

