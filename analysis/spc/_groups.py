"""Groupwise numpy operations over contiguous segments (one segment = one series and part).

Every function takes ``seg``, an integer array of segment codes ``0..n_seg-1`` that is sorted
(each segment's rows are contiguous), and works on all segments at once, without a Python loop.
"""

from __future__ import annotations

import numpy as np


def gsum(
    values: np.ndarray, seg: np.ndarray, n_seg: int, mask: np.ndarray | None = None
) -> np.ndarray:
    """Sum of the non-missing ``values`` per segment (rows where ``mask`` is True)."""
    ok = ~np.isnan(values)
    if mask is not None:
        ok &= mask
    return np.bincount(seg[ok], weights=values[ok], minlength=n_seg)


def gcount(seg: np.ndarray, n_seg: int, mask: np.ndarray) -> np.ndarray:
    """Number of rows per segment where ``mask`` is True."""
    return np.bincount(seg[mask], minlength=n_seg)


def gmean(
    values: np.ndarray, seg: np.ndarray, n_seg: int, mask: np.ndarray | None = None
) -> np.ndarray:
    """Mean of the non-missing ``values`` per segment; NaN for a segment without any."""
    ok = ~np.isnan(values)
    if mask is not None:
        ok &= mask
    total = np.bincount(seg[ok], weights=values[ok], minlength=n_seg)
    count = np.bincount(seg[ok], minlength=n_seg)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def gmedian(
    values: np.ndarray, seg: np.ndarray, n_seg: int, mask: np.ndarray | None = None
) -> np.ndarray:
    """Median of the non-missing ``values`` per segment (mean of the two middle values when even)."""
    ok = ~np.isnan(values)
    if mask is not None:
        ok &= mask
    v = values[ok]
    s = seg[ok]
    order = np.lexsort((v, s))
    v = v[order]
    count = np.bincount(s, minlength=n_seg)
    start = np.cumsum(count) - count
    has = count > 0
    lo = start + (count - 1) // 2
    hi = start + count // 2
    out = np.full(n_seg, np.nan)
    out[has] = (v[lo[has]] + v[hi[has]]) / 2.0
    return out


def gdiff(values: np.ndarray, seg: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Absolute differences between consecutive masked rows of the same segment.

    Missing values stay in the sequence, so a difference next to a gap is NaN (a gap is never
    closed). Returns ``(ranges, segment of each range)``.
    """
    idx = np.flatnonzero(mask)
    v = values[idx]
    s = seg[idx]
    same = s[1:] == s[:-1]
    d = np.abs(np.diff(v))
    return d[same], s[1:][same]


def starts(seg: np.ndarray) -> np.ndarray:
    """Boolean array: True at the first row of each segment."""
    first = np.ones(len(seg), dtype=bool)
    first[1:] = seg[1:] != seg[:-1]
    return first


def run_ids(values: np.ndarray, seg: np.ndarray) -> np.ndarray:
    """Run number of each element: a new run starts where the value or the segment changes."""
    if len(values) == 0:
        return np.zeros(0, dtype=np.int64)
    new = np.ones(len(values), dtype=bool)
    new[1:] = (values[1:] != values[:-1]) | (seg[1:] != seg[:-1])
    return np.cumsum(new) - 1


def gmax_int(values: np.ndarray, seg: np.ndarray, n_seg: int, default: int = 0) -> np.ndarray:
    """Maximum of integer ``values`` per segment (``default`` for a segment without values)."""
    out = np.full(n_seg, default, dtype=np.int64)
    if len(values):
        np.maximum.at(out, seg, values)
    return out
