"""Detectability: how large a change two years of survey data can show (two-proportion test)."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy import optimize, stats

__all__ = ["required_n", "detectable_change", "detectability_table"]


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
        d = optimize.brentq(
            lambda d, s=sign: required_n(p, s * d, alpha, power) - n, 1e-9, hi, xtol=1e-10
        )
        best = max(best, d)
    return best


def detectability_table(
    n_values: Iterable[float], p: float = 0.5, alpha: float = 0.05, power: float = 0.80
) -> pd.DataFrame:
    """Minimum detectable change (pp) between two years for each number of respondents per year.

    Returns columns n (per group), p, mdc_pp, alpha, power, method.
    """
    rows = [
        {
            "n": int(n),
            "p": p,
            "mdc_pp": 100 * detectable_change(n, p, alpha, power),
            "alpha": alpha,
            "power": power,
            "method": "two-proportion z-test, Fleiss, Levin & Paik 2003 eq. 4.14, two-sided",
        }
        for n in n_values
    ]
    return pd.DataFrame(rows)
