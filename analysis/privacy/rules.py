"""The primary rule of small-cell suppression, its display, and pseudonymous ids.

The rule (Statistics Sweden practice, threshold in ``workbook.yml`` ``privacy.min_count``):
a count of 1..min_count-1 is never shown, and neither is a share (or its interval) resting on
a base under ``min_count``. Zero is shown: "nobody chose this" discloses nobody.
Suppressed cells are shown as ``..`` (the SCB symbol for "too uncertain / not shown").
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

SUPPRESSED = ".."

__all__ = ["SUPPRESSED", "display", "pseudonymise", "suppress"]


def suppress(
    frame: pd.DataFrame,
    min_count: int,
    *,
    count_cols: Sequence[str] = ("n",),
    base_col: str | None = "base",
    value_cols: Sequence[str] = ("share", "ci_low", "ci_high"),
    extra_count_cols: Sequence[str] = (),
) -> pd.DataFrame:
    """Return a copy of ``frame`` with small cells blanked and a ``suppressed`` column.

    Parameters
    ----------
    frame
        Aggregates: one row per cell, counts in ``count_cols``, the base of the shares in
        ``base_col``.
    min_count
        Smallest count that may be shown (``workbook.yml`` privacy.min_count, passed by the report).
    count_cols
        Counts whose value 1..min_count-1 suppresses the row's count *and* its share.
    base_col
        Base of the shares; a base under ``min_count`` suppresses the shares (and a base of
        1..min_count-1 is itself hidden).
    value_cols
        Columns derived from the count (share, interval): blanked with the row.
    extra_count_cols
        Further counts (e.g. "vet ej", blanks) hidden on their own when 1..min_count-1,
        without touching the row's share.

    Returns
    -------
    DataFrame
        Same rows; suppressed numbers are missing (``<NA>``/NaN), ``suppressed`` is True where
        the row's share or count is hidden. Use :func:`display` to show them as ``..``.
    """
    if min_count < 1:
        raise ValueError("min_count must be at least 1")
    out = frame.copy()

    def small(col: str) -> np.ndarray:
        values = pd.to_numeric(out[col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        return (values >= 1) & (values < min_count)

    hide = np.zeros(len(out), dtype=bool)
    for col in count_cols:
        if col in out.columns:
            hide |= small(col)
    base_small = np.zeros(len(out), dtype=bool)
    if base_col and base_col in out.columns:
        base = pd.to_numeric(out[base_col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        base_small = base < min_count
        hide |= base_small
    for col in [*count_cols, *value_cols]:
        if col in out.columns:
            out[col] = _blank(out[col], hide)
    if base_col and base_col in out.columns:
        out[base_col] = _blank(out[base_col], small(base_col))
    for col in extra_count_cols:
        if col in out.columns:
            out[col] = _blank(out[col], small(col))
    previous = out["suppressed"].to_numpy(dtype=bool) if "suppressed" in out.columns else False
    out["suppressed"] = hide | previous
    return out


def _blank(column: pd.Series, mask: np.ndarray) -> pd.Series:
    if pd.api.types.is_integer_dtype(column) or pd.api.types.is_bool_dtype(column):
        column = column.astype("Int64")
    elif not pd.api.types.is_float_dtype(column):
        column = pd.to_numeric(column, errors="coerce")
    return column.mask(mask)


def display(values: Iterable, formatter=str) -> list[str]:
    """Format values for a report table: missing (suppressed) values become ``..``."""
    out = []
    for value in values:
        if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
            out.append(SUPPRESSED)
        else:
            out.append(formatter(value))
    return out


def pseudonymise(ids: Iterable[object], key: str | bytes, length: int = 12) -> list[str]:
    """Replace identifiers by keyed hashes (HMAC-SHA-256), stable for a given ``key``.

    The same id gives the same pseudonym across files and waves, so answers can be linked
    without the name, e-mail or personal number ever reaching the workbook. Keep ``key``
    secret and out of git: without it the pseudonyms cannot be reversed by trying ids.
    Missing ids stay missing.
    """
    if isinstance(key, str):
        key = key.encode("utf-8")
    if not key:
        raise ValueError("pseudonymise needs a non-empty secret key")
    out = []
    for value in ids:
        if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
            out.append(None)
            continue
        digest = hmac.new(key, str(value).strip().lower().encode("utf-8"), hashlib.sha256)
        out.append("p" + digest.hexdigest()[:length])
    return out
