"""Run-chart rules: Anhøj (2014, 2015) and the IHI rules, for all series and parts at once.

* Anhøj & Olesen 2014 (PLoS ONE 9:e113825); Anhøj 2015 (PLoS ONE 10:e0121349): a signal when the
  longest run on one side of the centre line is longer than ``round(log2(n_useful)) + 3``
  (Schilling 2012) or the number of crossings is below the 5th percentile of
  ``Binomial(n_useful - 1, 0.5)`` (Chen 2010). Points on the centre line and missing values
  neither break nor count a run (qicharts2 ``runs.analysis``).
* IHI (Provost & Murray 2011, ch. 3): shift = 6 or more consecutive points on one side of the
  median (points on the median skipped); trend = 5 or more points all going up or all going down
  (a point equal to the one before is skipped).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import stats

from ._groups import gcount, gmax_int, run_ids

RULES = ("anhoej", "ihi")
IHI_SHIFT = 6  # 6 or more points on one side of the median
IHI_TREND = 5  # 5 or more points steadily up or down


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


def runs_analysis(y: np.ndarray, cl: np.ndarray, seg: np.ndarray, n_seg: int, include: np.ndarray,
                  rules: str) -> dict[str, np.ndarray]:
    """Runs analysis of every segment at once.

    Returns per-segment arrays (``n_obs, n_useful, longest_run, longest_run_max, n_crossings,
    n_crossings_min, longest_trend, shift_signal, crossings_signal, trend_signal, runs_signal``)
    and per-point arrays (``pt_shift, pt_trend``: the point is part of the offending run/trend).
    """
    n_rows = len(y)
    with np.errstate(invalid="ignore"):
        sign = np.sign(y - cl)
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
    longest_trend = np.zeros(n_seg, dtype=np.int64)
    if rules == "anhoej":
        lr_max, cr_min = anhoej_limits(n_useful)
        shift = has & (longest > lr_max)
        cross = has & (crossings < cr_min)
        trend = np.zeros(n_seg, dtype=bool)
        out["longest_run_max"] = np.where(has, lr_max, -1)
        out["n_crossings_min"] = np.where(has, cr_min, -1)
        pt_shift[u_idx] = run_len[rid] > lr_max[u_seg] if len(rid) else False
    elif rules == "ihi":
        lr_max = np.full(n_seg, IHI_SHIFT - 1)
        shift = has & (longest > lr_max)
        cross = np.zeros(n_seg, dtype=bool)
        out["longest_run_max"] = np.where(has, lr_max, -1)
        out["n_crossings_min"] = np.full(n_seg, -1)
        pt_shift[u_idx] = run_len[rid] >= IHI_SHIFT if len(rid) else False
        longest_trend, pt_trend = _trends(y, seg, n_seg, include)
        trend = longest_trend >= IHI_TREND
    else:  # pragma: no cover - checked by chart()
        raise ValueError(f"rules must be one of {RULES}, not {rules!r}")

    out.update(
        longest_run=np.where(has, longest, -1),
        n_crossings=np.where(has, crossings, -1),
        longest_trend=longest_trend,
        shift_signal=shift,
        crossings_signal=cross,
        trend_signal=trend,
        runs_signal=shift | cross | trend,
        pt_shift=pt_shift,
        pt_trend=pt_trend,
    )
    return out


def _trends(y: np.ndarray, seg: np.ndarray, n_seg: int, include: np.ndarray):
    """Longest trend (in points) per segment and the points that belong to a trend of 5 or more."""
    idx = np.flatnonzero(include & ~np.isnan(y))
    v = y[idx]
    s = seg[idx]
    # skip a point equal to the one before it (IHI: like values count once)
    keep = np.ones(len(v), dtype=bool)
    keep[1:] = (v[1:] != v[:-1]) | (s[1:] != s[:-1])
    all_idx = idx
    prev_kept = np.cumsum(keep) - 1  # the kept point each point repeats (itself when kept)
    idx, v, s = idx[keep], v[keep], s[keep]
    pt = np.zeros(len(y), dtype=bool)
    longest = np.minimum(np.bincount(s, minlength=n_seg), 1).astype(np.int64)
    if len(v) < 2:
        return longest, pt
    d = np.sign(np.diff(v))
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
