"""Run-chart rules: Anhøj (2014, 2015) and the IHI rules, for all series and parts at once.

* Anhøj & Olesen 2014 (PLoS ONE 9:e113825); Anhøj 2015 (PLoS ONE 10:e0121349): a signal when the
  longest run on one side of the centre line is longer than ``round(log2(n_useful)) + 3``
  (Schilling 2012) or the number of crossings is below the 5th percentile of
  ``Binomial(n_useful - 1, 0.5)`` (Chen 2010). Points on the centre line and missing values
  neither break nor count a run (qicharts2 ``runs.analysis``).
* IHI (Perla, Provost & Murray 2011, BMJ Qual Saf 20:46-51; Provost & Murray 2011, ch. 3), the
  four run-chart rules:

  1. shift: 6 or more consecutive points on one side of the centre line (points on it skipped);
  2. trend: 5 or more points all going up or all going down (a point equal to the one before is
     skipped: like values neither add to nor break a trend);
  3. too few or too many runs: the number of runs (crossings + 1) below the lower or above the
     upper limit of Perla et al.'s Table 1 for the number of useful observations (10-40 as
     published; above 40 the exact Swed & Eisenhart 1943 limits the table is adapted from);
  4. astronomical data point (run charts only): "a blatantly obvious different value". Our
     operational rule, a deliberate choice documented in docs/methods.md: a point more than four
     standard deviations from the centre line, the standard deviation estimated from the median
     moving range of the baseline (sigma = median MR / 0.954, Wheeler & Chambers 1992), so more
     than 4.193 median moving ranges; judged only with at least 4 baseline moving ranges and a
     median moving range above 0.

A point equal to the centre line up to floating-point error is on it (``side_of_centre``).
"""

from __future__ import annotations

from functools import lru_cache
from math import comb

import numpy as np
from scipy import stats

from ._groups import gcount, gdiff, gmax_int, gmedian, run_ids

RULES = ("anhoej", "ihi")
IHI_SHIFT = 6  # 6 or more points on one side of the median
IHI_TREND = 5  # 5 or more points steadily up or down

# Relative tolerance for "on the centre line": R's all.equal() default, sqrt(.Machine$double.eps)
# = 1.49e-8. A median of (0.1 + 0.2 + 0.3) / 3 is 0.20000000000000004 in binary floating point
# (Goldberg 1991), and a point at 0.2 must not count as "above" it.
CL_RTOL = float(np.sqrt(np.finfo(float).eps))

# Perla, Provost & Murray 2011, Table 1 ("adapted from Swed and Eisenhart 1943"): for the number
# of useful observations (points not on the median), fewer runs than the first number are "too
# few", more than the second "too many". The table starts at 10 useful observations.
IHI_RUNS_TABLE = {
    10: (3, 9),
    11: (3, 10),
    12: (3, 11),
    13: (4, 11),
    14: (4, 12),
    15: (5, 12),
    16: (5, 13),
    17: (5, 13),
    18: (6, 14),
    19: (6, 15),
    20: (6, 16),
    21: (7, 16),
    22: (7, 17),
    23: (7, 17),
    24: (8, 18),
    25: (8, 18),
    26: (9, 19),
    27: (9, 20),
    28: (10, 20),
    29: (10, 21),
    30: (11, 22),
    31: (11, 22),
    32: (11, 23),
    33: (11, 24),
    34: (12, 24),
    35: (12, 25),
    36: (13, 25),
    37: (13, 26),
    38: (14, 26),
    39: (14, 27),
    40: (15, 27),
}
IHI_RUNS_MIN_USEFUL = 10
# Astronomical point: |y - centre| > 4 sigma, sigma = median moving range / 0.954 (Wheeler &
# Chambers 1992), from at least 4 baseline moving ranges. Four, not three: at 3 sigma 13-20 % of
# random normal run charts of 12-48 points would show an "astronomical" point, at 4 sigma 2-4 %
# (simulated, docs/methods.md) - "blatantly obvious" should be rare in random data.
ASTRONOMICAL_FACTOR = 4 / 0.954
ASTRONOMICAL_MIN_RANGES = 4


def side_of_centre(y: np.ndarray, cl: np.ndarray) -> np.ndarray:
    """``sign(y - cl)``: +1 above, -1 below, 0 on the centre line, NaN when y is missing.

    A point within ``CL_RTOL`` (relative) of the centre line is on it: it neither breaks nor
    counts a run. qicharts2 compares exactly (``sign(y - cl)``); see docs/methods.md.
    """
    with np.errstate(invalid="ignore"):
        diff = np.asarray(y, dtype=float) - np.asarray(cl, dtype=float)
        tol = CL_RTOL * np.maximum(np.abs(y), np.abs(cl))
        return np.where(np.abs(diff) <= tol, 0.0, np.sign(diff))


def _runs_pmf(n1: int, n2: int) -> dict[int, float]:
    """Exact distribution of the number of runs of n1 + n2 signs in random order (Swed & Eisenhart 1943)."""
    total = comb(n1 + n2, n1)
    pmf = {}
    for r in range(2, n1 + n2 + 1):
        k = r // 2
        if r % 2 == 0:
            ways = 2 * comb(n1 - 1, k - 1) * comb(n2 - 1, k - 1)
        else:
            ways = comb(n1 - 1, k) * comb(n2 - 1, k - 1) + comb(n1 - 1, k - 1) * comb(n2 - 1, k)
        pmf[r] = ways / total
    return pmf


@lru_cache(maxsize=256)
def swed_eisenhart_limits(n_useful: int, tail: float = 0.025) -> tuple[int, int]:
    """Runs limits from the exact distribution with the useful points split in halves.

    Returns ``(low, high)``: fewer than ``low`` runs has probability at most ``tail``, and so
    has more than ``high``. For 40 useful observations this gives Perla's (15, 27).
    """
    n1 = n_useful // 2
    pmf = _runs_pmf(n1, n_useful - n1)
    below = 0.0
    low = 2
    for r in sorted(pmf):
        if below + pmf[r] > tail:
            low = r
            break
        below += pmf[r]
    above = 0.0
    high = n_useful
    for r in sorted(pmf, reverse=True):
        if above + pmf[r] > tail:
            high = r
            break
        above += pmf[r]
    return low, high


def ihi_runs_limits(n_useful) -> tuple[np.ndarray, np.ndarray]:
    """IHI limits for the number of runs (Perla et al. 2011, Table 1); -1 below 10 useful points.

    Returns ``(n_runs_min, n_runs_max)``: fewer runs than ``n_runs_min`` are too few, more than
    ``n_runs_max`` too many. Above the table (40) the exact Swed-Eisenhart limits are used.
    Scalars in, scalars out.
    """
    n = np.asarray(n_useful)
    scalar = n.ndim == 0
    n = np.atleast_1d(n).astype(np.int64)
    low = np.full(len(n), -1, dtype=np.int64)
    high = np.full(len(n), -1, dtype=np.int64)
    for k in np.unique(n):
        at = n == k
        if int(k) in IHI_RUNS_TABLE:
            low[at], high[at] = IHI_RUNS_TABLE[int(k)]
        elif k > max(IHI_RUNS_TABLE):
            low[at], high[at] = swed_eisenhart_limits(int(k))
    if scalar:
        return int(low[0]), int(high[0])
    return low, high


@lru_cache(maxsize=8)
def _crossings_table(n_max: int) -> np.ndarray:
    n = np.arange(n_max + 1)
    # qbinom(0.05, n - 1, 0.5): the smallest c with P(C <= c) >= 0.05 (Chen 2010)
    return stats.binom.ppf(0.05, np.maximum(n - 1, 0), 0.5).astype(np.int64)


def anhoej_limits(n_useful) -> tuple[np.ndarray, np.ndarray]:
    """Anhøj critical values for ``n_useful`` useful observations (points not on the centre line).

    Returns ``(longest_run_max, n_crossings_min)``: a run chart signals when the longest run is
    longer than ``longest_run_max`` or the number of crossings is smaller than
    ``n_crossings_min`` (Anhøj & Olesen 2014, Table 1). Scalars in, scalars out.
    """
    n = np.asarray(n_useful)
    scalar = n.ndim == 0
    n = np.atleast_1d(n).astype(np.int64)
    with np.errstate(divide="ignore"):
        # numpy rounds half to even like R's round(); log2(n) is never exactly x.5 for integer n.
        longest = (np.round(np.log2(np.maximum(n, 1))) + 3).astype(np.int64)
    table = _crossings_table(int(max(n.max(initial=0), 1)) + 1)
    crossings = table[np.clip(n, 0, None)]
    if scalar:
        return int(longest[0]), int(crossings[0])
    return longest, crossings


def runs_analysis(
    y: np.ndarray,
    cl: np.ndarray,
    seg: np.ndarray,
    n_seg: int,
    include: np.ndarray,
    rules: str,
    base: np.ndarray | None = None,
    astronomical: bool = False,
) -> dict[str, np.ndarray]:
    """Runs analysis of every segment at once.

    ``base`` marks the baseline points (for the astronomical rule's moving ranges; default
    ``include``); ``astronomical`` applies the IHI astronomical-point rule (run charts).

    Returns per-segment arrays (``n_obs, n_useful, longest_run, longest_run_max, n_crossings,
    n_crossings_min, n_runs_min, n_runs_max, longest_trend, astronomical_signals, shift_signal,
    crossings_signal, trend_signal, astronomical_signal, runs_signal``) and per-point arrays
    (``pt_shift, pt_trend, pt_astronomical``: the point is part of the offending run/trend, or
    is an astronomical point). Counts that do not apply are -1.
    """
    n_rows = len(y)
    sign = side_of_centre(y, cl)
    useful = include & ~np.isnan(sign) & (sign != 0)
    u_idx = np.flatnonzero(useful)
    u_sign = sign[u_idx]
    u_seg = seg[u_idx]
    rid = run_ids(u_sign, u_seg)
    run_len = np.bincount(rid) if len(rid) else np.zeros(0, dtype=np.int64)
    first = np.ones(len(rid), dtype=bool)
    first[1:] = rid[1:] != rid[:-1]
    run_seg = u_seg[first]

    n_useful = gcount(seg, n_seg, useful)
    n_obs = gcount(seg, n_seg, include)
    longest = gmax_int(run_len, run_seg, n_seg)
    n_runs = np.bincount(run_seg, minlength=n_seg)
    crossings = np.maximum(n_runs - 1, 0)
    has = n_useful > 0

    out: dict[str, np.ndarray] = {"n_obs": n_obs, "n_useful": n_useful}
    pt_shift = np.zeros(n_rows, dtype=bool)
    pt_trend = np.zeros(n_rows, dtype=bool)
    pt_astro = np.zeros(n_rows, dtype=bool)
    longest_trend = np.zeros(n_seg, dtype=np.int64)
    none = np.full(n_seg, -1, dtype=np.int64)
    if rules == "anhoej":
        lr_max, cr_min = anhoej_limits(n_useful)
        shift = has & (longest > lr_max)
        cross = has & (crossings < cr_min)
        trend = np.zeros(n_seg, dtype=bool)
        out["longest_run_max"] = np.where(has, lr_max, -1)
        out["n_crossings_min"] = np.where(has, cr_min, -1)
        out["n_runs_min"] = out["n_runs_max"] = none
        pt_shift[u_idx] = run_len[rid] > lr_max[u_seg] if len(rid) else False
    elif rules == "ihi":
        lr_max = np.full(n_seg, IHI_SHIFT - 1)
        shift = has & (longest > lr_max)
        runs_min, runs_max = ihi_runs_limits(n_useful)
        applies = has & (runs_min >= 0)
        cross = applies & ((n_runs < runs_min) | (n_runs > runs_max))
        out["longest_run_max"] = np.where(has, lr_max, -1)
        out["n_crossings_min"] = none
        out["n_runs_min"] = np.where(applies, runs_min, -1)
        out["n_runs_max"] = np.where(applies, runs_max, -1)
        pt_shift[u_idx] = run_len[rid] >= IHI_SHIFT if len(rid) else False
        longest_trend, pt_trend = _trends(y, seg, n_seg, include)
        trend = longest_trend >= IHI_TREND
        if astronomical:
            pt_astro = _astronomical(
                y, cl, seg, n_seg, include, include if base is None else base & include
            )
    else:  # pragma: no cover - checked by chart()
        raise ValueError(f"rules must be one of {RULES}, not {rules!r}")

    n_astro = gcount(seg, n_seg, pt_astro)
    astro = n_astro > 0
    out.update(
        longest_run=np.where(has, longest, -1),
        n_crossings=np.where(has, crossings, -1),
        longest_trend=longest_trend,
        astronomical_signals=n_astro,
        shift_signal=shift,
        crossings_signal=cross,
        trend_signal=trend,
        astronomical_signal=astro,
        runs_signal=shift | cross | trend | astro,
        pt_shift=pt_shift,
        pt_trend=pt_trend,
        pt_astronomical=pt_astro,
    )
    return out


def _astronomical(y, cl, seg, n_seg, include, base) -> np.ndarray:
    """Points farther from the centre line than 4 sigma (4 / 0.954 baseline median moving ranges)."""
    ranges, rseg = gdiff(y, seg, base)
    ok = ~np.isnan(ranges)
    count = np.bincount(rseg[ok], minlength=n_seg)
    mr_median = gmedian(ranges, rseg, n_seg, ok) if len(ranges) else np.full(n_seg, np.nan)
    judged = (count >= ASTRONOMICAL_MIN_RANGES) & (mr_median > 0)
    limit = np.where(judged, ASTRONOMICAL_FACTOR * mr_median, np.inf)[seg]
    with np.errstate(invalid="ignore"):
        return include & (np.abs(y - cl) > limit)


def _trends(y: np.ndarray, seg: np.ndarray, n_seg: int, include: np.ndarray):
    """Longest trend (in points) per segment and the points that belong to a trend of 5 or more."""
    idx = np.flatnonzero(include & ~np.isnan(y))
    v = y[idx]
    s = seg[idx]
    # skip a point equal to the one before it (IHI: like values count once)
    keep = np.ones(len(v), dtype=bool)
    keep[1:] = (side_of_centre(v[1:], v[:-1]) != 0) | (s[1:] != s[:-1])
    all_idx = idx
    prev_kept = np.cumsum(keep) - 1  # the kept point each point repeats (itself when kept)
    idx, v, s = idx[keep], v[keep], s[keep]
    pt = np.zeros(len(y), dtype=bool)
    longest = np.minimum(np.bincount(s, minlength=n_seg), 1).astype(np.int64)
    if len(v) < 2:
        return longest, pt
    d = side_of_centre(v[1:], v[:-1])
    d[s[1:] != s[:-1]] = 0  # no trend across segments
    tid = run_ids(d, s[1:])
    tlen = np.bincount(tid)
    points = np.where(d != 0, tlen[tid] + 1, 0)  # points in the trend this step belongs to
    longest = np.maximum(longest, gmax_int(points, s[1:], n_seg))
    in_trend = points >= IHI_TREND
    flag = np.zeros(len(v), dtype=bool)
    flag[1:] |= in_trend
    flag[:-1] |= in_trend
    pt[idx] = flag
    # a skipped repeat lies on the step from its kept point to the next one: it is drawn as part
    # of the trend when that step is (a repeat after the last point of a trend is not)
    dropped = np.flatnonzero(~keep)
    step = prev_kept[dropped]
    inside = step < len(in_trend)
    pt[all_idx[dropped[inside]]] = in_trend[step[inside]]
    return longest, pt
