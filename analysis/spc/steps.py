"""The steps of ``spc.chart``: prepare -> segment -> freeze -> limits -> rules -> assemble.

``chart`` is a pipe of six functions, the shape of NHSRplotthedots' ``ptd_spc`` (validate, mark
the rebase groups, compute the limits, classify the points, assemble):

    points = prepare(data, ...)                    # validated, sorted, aggregated points
    segments = segment(points, part)               # each series cut into its parts
    baseline = freeze(points, segments, freeze)    # the points the limits come from
    limits = compute_limits(points, segments, baseline, kind)
    signals = apply_rules(points, segments, limits, kind, rules)
    frames = assemble(points, segments, baseline, limits, signals, kind=kind, rules=rules)

Every step works on all series and parts at once (flat arrays, no loop over series: a
thousand series cost little more than one) and returns a small frozen record of arrays, one
value per point or per segment; a segment is one part of one series. No step changes its input.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..io import DataError, Problem
from . import limits as _limits
from ._groups import gmean
from .checks import TooFewPoints, numeric, row_problems, too_few_message, validate_values
from .kinds import KINDS_WITH_N, MEDIAN_CENTRED, MIN_POINTS, MR_KINDS, SUBGROUP_KINDS
from .rules import runs_analysis


@dataclass(frozen=True)
class Prepared:
    """The chart's points, one per series and x, sorted by series then x (step 1)."""

    series: np.ndarray  # series number of each point (0, 1, ... in the sort order of ``by``)
    x: pd.Index  # the x value of each point
    y: np.ndarray  # the aggregated value: Σy/Σn for ratios, the subgroup mean, the count (C)
    n: np.ndarray  # denominator, or subgroup size (X̄, S); NaN when not used
    y_sum: np.ndarray  # numerator: the sum of y at this x
    y_sd: np.ndarray  # standard deviation of the rows at this x (X̄, S)
    note: np.ndarray  # text carried into ``points.note`` (None where there is none)
    excluded: np.ndarray  # left out of limits and runs, still drawn
    phase: np.ndarray | None  # the phase label of each point when ``part`` is a column
    by: pd.DataFrame | None  # the ``by`` values of each point; None without ``by``

    def __len__(self) -> int:
        return len(self.series)


@dataclass(frozen=True)
class Segments:
    """Each series cut into its parts (step 2); a segment is one part of one series."""

    code: np.ndarray  # segment number of each point (0, 1, ...; in the order of the points)
    count: int  # number of segments
    first: np.ndarray  # position of each segment's first point
    opens_series: np.ndarray  # per segment: True for the first part of its series
    label: np.ndarray  # per segment: its phase label, or its number 1, 2, ... in its series


@dataclass(frozen=True)
class Limits:
    """Centre line, control limits and the value drawn, per point (step 4)."""

    cl: np.ndarray
    lcl: np.ndarray  # NaN where the chart shows no limit (a gap, a run chart ...)
    ucl: np.ndarray
    y: np.ndarray  # the value drawn (a T chart's times back-transformed, ...)
    base: np.ndarray  # the points the limits come from: baseline and not excluded


@dataclass(frozen=True)
class Signals:
    """What the rules found (step 5)."""

    runs: Mapping[str, np.ndarray]  # ``rules.runs_analysis``: per-segment and per-point arrays
    sigma: np.ndarray  # per point: outside the control limits


# ---------------------------------------------------------------------------------- 1 prepare
def prepare(
    data: pd.DataFrame,
    *,
    y: str,
    n: str | None = None,
    x: str | None = None,
    kind: str = "run",
    by: Sequence[str] = (),
    part: Any = None,
    exclude: Any = None,
    notes: str | None = None,
    source: str = "data",
) -> Prepared:
    """Step 1: the validated points, one per series and x, sorted by series then x.

    ``y`` and ``n`` are read as numbers (a ``DataError`` names each bad row, as do a missing or
    unsortable x and a missing phase label); the series are the groups of ``by``. Rows sharing a
    series and an x are aggregated as qicharts2's ``qic.agg`` does: Σy/Σn when there is a
    denominator, the sum for C charts, the mean otherwise (with the standard deviation, for X̄
    and S charts). Their notes are joined with `` | ``; a point is excluded when any of its rows
    is (``exclude`` a boolean column) or its x is among the ``exclude`` values.
    """
    by = list(by)
    frame = data
    yv = numeric(frame, y, source)
    nv = numeric(frame, n, source) if n is not None else np.full(len(frame), np.nan)
    validate_values(frame, kind, y, n, yv, nv, source)
    series = (
        frame.groupby(by, sort=True, dropna=False).ngroup().to_numpy()
        if by
        else np.zeros(len(frame), dtype=np.int64)
    )
    xcode, x_uniques = _x_codes(frame, x, source)

    order = np.lexsort((xcode, series))
    series, xcode, yv, nv = series[order], xcode[order], yv[order], nv[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = (series[1:] != series[:-1]) | (xcode[1:] != xcode[:-1])
    grp = np.cumsum(new) - 1
    n_pts = int(grp[-1]) + 1 if len(grp) else 0
    agg = _aggregate(kind, yv, nv, grp, n_pts, n is not None)
    first = np.flatnonzero(new)
    xcode_p = xcode[first]
    x_p = pd.Index(
        x_uniques.take(xcode_p)
        if isinstance(x_uniques, pd.Index)
        else np.asarray(x_uniques)[xcode_p]
    )

    note = (
        _join_notes(frame[notes].to_numpy(dtype=object)[order], grp, n_pts)
        if notes
        else np.full(n_pts, None, dtype=object)
    )
    phase = None
    if isinstance(part, str):
        phase = frame[part].to_numpy(dtype=object)[order][first]
        if pd.isna(pd.Series(phase)).any():
            raise DataError(Problem(source, "phase label is missing", column=str(part)))
    if isinstance(exclude, str) and n_pts:
        rows_out = frame[exclude].fillna(False).to_numpy(dtype=bool)[order]
        excluded = np.logical_or.reduceat(rows_out, first)
    else:
        excluded = np.zeros(n_pts, dtype=bool)
    if exclude is not None and not isinstance(exclude, str):
        excluded = excluded | _in_x(x_p, exclude)
    by_points = frame[by].iloc[order[first]].reset_index(drop=True) if by else None
    return Prepared(
        series=series[first],
        x=x_p,
        y=agg["y"],
        n=agg["n"],
        y_sum=agg["y_sum"],
        y_sd=agg["y_sd"],
        note=note,
        excluded=excluded,
        phase=phase,
        by=by_points,
    )


def _x_codes(frame: pd.DataFrame, x: str | None, source: str) -> tuple[np.ndarray, Any]:
    """Sortable codes of the x values and the sorted distinct values (the row order without x)."""
    if x is None:
        x_values = pd.Series(np.arange(len(frame)), name="x")
    else:
        x_values = frame[x]
        bad = x_values.isna().to_numpy()
        if bad.any():
            raise DataError(
                row_problems(frame, bad, x, source, "x value is missing; every point needs one")
            )
    inferred = pd.api.types.infer_dtype(x_values, skipna=True)
    if inferred in ("mixed", "mixed-integer"):
        raise DataError(
            Problem(
                source,
                f"the x values cannot be sorted (they mix types: {inferred}); "
                "use numbers, dates or text of one type",
                column=x,
            )
        )
    try:
        return pd.factorize(x_values, sort=True)
    except TypeError as err:
        raise DataError(
            Problem(
                source,
                f"the x values cannot be sorted ({err}); use numbers, dates or text of one type",
                column=x,
            )
        ) from None


def _aggregate(kind, yv, nv, grp, n_pts, got_n) -> dict[str, np.ndarray]:
    """One value per (series, x) as qicharts2's qic.agg: sums for ratios, mean otherwise."""
    if n_pts == len(grp) and kind not in SUBGROUP_KINDS:  # nothing to aggregate
        if got_n:
            complete = ~np.isnan(yv) & ~np.isnan(nv)
            y_sum = np.where(complete, yv, np.nan)
            n_out = np.where(complete, nv, np.nan)
            with np.errstate(invalid="ignore", divide="ignore"):
                y = y_sum / n_out
            return {"y": y, "n": n_out, "y_sum": y_sum, "y_sd": np.full(n_pts, np.nan)}
        return {
            "y": yv.copy(),
            "n": np.full(n_pts, np.nan),
            "y_sum": yv.copy(),
            "y_sd": np.full(n_pts, np.nan),
        }
    ok = ~np.isnan(yv)
    if got_n:
        ok &= ~np.isnan(nv)
    count = np.bincount(grp[ok], minlength=n_pts).astype(float)
    y_sum = np.bincount(grp[ok], weights=yv[ok], minlength=n_pts)
    y_sum = np.where(count > 0, y_sum, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = y_sum / count
        dev = np.bincount(grp[ok], weights=(yv[ok] - mean[grp[ok]]) ** 2, minlength=n_pts)
        sd = np.where(count > 1, np.sqrt(dev / (count - 1)), np.nan)
    if kind in SUBGROUP_KINDS:
        return {"y": mean, "n": count, "y_sum": y_sum, "y_sd": sd}
    if got_n:
        n_sum = np.bincount(grp[ok], weights=nv[ok], minlength=n_pts)
        n_sum = np.where(count > 0, n_sum, np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            return {"y": y_sum / n_sum, "n": n_sum, "y_sum": y_sum, "y_sd": sd}
    y = y_sum if kind == "c" else mean
    return {"y": y, "n": np.full(n_pts, np.nan), "y_sum": y_sum, "y_sd": sd}


def _join_notes(notes_v, grp, n_pts) -> np.ndarray:
    if n_pts == len(grp):
        return np.array([None if pd.isna(v) or v == "" else str(v) for v in notes_v], dtype=object)
    s = pd.Series(notes_v).where(pd.notna(notes_v))
    joined = (
        s.dropna()
        .astype(str)
        .groupby(grp[s.notna().to_numpy()])
        .agg(lambda v: " | ".join(dict.fromkeys(v)))
    )
    out = np.full(n_pts, None, dtype=object)
    out[joined.index.to_numpy()] = joined.to_numpy()
    return out


def _coerce_like(x_p: pd.Index, values: list) -> list:
    """Turn user x values (freeze, part starts, exclude) into x's type (text dates for dates)."""
    if isinstance(x_p.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(x_p.dtype):
        return list(pd.to_datetime(pd.Series(values)).to_numpy(dtype=x_p.dtype))
    if isinstance(x_p.dtype, pd.PeriodDtype):
        return [pd.Period(v, freq=x_p.dtype.freq) for v in values]
    return values


def _in_x(x_p: pd.Index, values) -> np.ndarray:
    vals = (
        [values]
        if np.isscalar(values) or isinstance(values, (pd.Timestamp, pd.Period))
        else list(values)
    )
    return np.asarray(x_p.isin(_coerce_like(x_p, vals)))


# ---------------------------------------------------------------------------------- 2 segment
def segment(points: Prepared, part: Any = None) -> Segments:
    """Step 2: cut each series into its parts (phases); each part is computed on its own.

    ``part`` None: one part per series. A column name (``prepare`` read its labels): consecutive
    equal labels within a series form a part, labelled by them. x values: a new part starts at
    each of them; parts are numbered 1, 2, ... within each series.
    """
    series = points.series
    if points.phase is not None:
        raw = _label_runs(points.phase, series)
    elif part is None:
        raw = np.zeros(len(points), dtype=np.int64)
    else:
        starts = np.sort(np.asarray(_coerce_like(points.x, list(np.atleast_1d(part)))))
        raw = np.searchsorted(starts, np.asarray(points.x), side="right")
    new = np.ones(len(points), dtype=bool)
    new[1:] = (series[1:] != series[:-1]) | (raw[1:] != raw[:-1])
    code = np.cumsum(new) - 1
    count = int(code[-1]) + 1 if len(points) else 0
    first = np.flatnonzero(new)
    opens = np.ones(count, dtype=bool)
    opens[1:] = series[first][1:] != series[first][:-1]
    series_first_segment = np.maximum.accumulate(np.where(opens, np.arange(count), 0))
    number = np.arange(count) - series_first_segment + 1
    label = points.phase[first] if points.phase is not None else number
    return Segments(code=code, count=count, first=first, opens_series=opens, label=label)


def _label_runs(labels: np.ndarray, series: np.ndarray) -> np.ndarray:
    """Consecutive equal labels (within a series) form a part."""
    change = np.ones(len(labels), dtype=bool)
    change[1:] = (labels[1:] != labels[:-1]) | (series[1:] != series[:-1])
    return np.cumsum(change)


# ---------------------------------------------------------------------------------- 3 freeze
def freeze(points: Prepared, segments: Segments, at: Any = None) -> np.ndarray:
    """Step 3: the baseline, per point (True: the limits of its part come from it).

    ``at`` is the x value of the last baseline point (inclusive), or a mapping
    ``{series key: x}`` freezing each series on its own (a series not in it is not frozen);
    None: every point is baseline. A part without any baseline point (it starts after the
    freeze) is its own baseline. A freeze before a series' first x is a ``ValueError``.
    """
    baseline = np.ones(len(points), dtype=bool)
    if at is None:
        return baseline
    x_p, series = points.x, points.series
    if isinstance(at, Mapping):
        keys = _series_keys(points)
        fz = [at.get(k) for k in keys]
        frozen = np.array([f is not None for f in fz])
        limit = _coerce_like(x_p, [f if f is not None else x_p[0] for f in fz])
        cmp = np.asarray(x_p) <= np.asarray(limit)[series] if len(x_p) else np.zeros(0, bool)
        baseline = np.where(frozen[series], cmp, True)
    else:
        limit = _coerce_like(x_p, [at])[0]
        baseline = np.asarray(x_p <= limit)
    has_base = np.bincount(segments.code[baseline], minlength=segments.count) > 0
    early = np.flatnonzero(segments.opens_series & ~has_base)  # a series' first part has none
    if isinstance(at, Mapping):
        early = early[frozen[series[segments.first[early]]]]
    if len(early):
        s0 = segments.first[early[0]]
        raise ValueError(
            f"freeze is before the first x value ({x_p[s0]!s})"
            + (f" of series {_series_keys(points)[series[s0]]!r}" if points.by is not None else "")
            + ": nothing would be left for the baseline"
        )
    return baseline | ~has_base[segments.code]


def _series_keys(points: Prepared) -> list:
    """The key of each series, as ``groupby(by)`` names it (a tuple for several columns)."""
    if points.by is None:
        return [None]
    starts = np.ones(len(points), dtype=bool)
    starts[1:] = points.series[1:] != points.series[:-1]
    rows = points.by.iloc[np.flatnonzero(starts)]
    if rows.shape[1] == 1:
        return list(rows.iloc[:, 0])
    return list(rows.itertuples(index=False, name=None))


# ---------------------------------------------------------------------------------- 4 limits
def compute_limits(
    points: Prepared, segments: Segments, baseline: np.ndarray, kind: str, screen_mr: bool = True
) -> Limits:
    """Step 4: centre line and control limits of each part, from its baseline points.

    The formulas are the kind's function in ``spc.limits`` (qicharts2's ``qic.<kind>``). A part
    whose baseline has fewer points with a value than ``MIN_POINTS[kind]`` (for moving-range
    charts: no two consecutive ones) is a ``TooFewPoints`` (a ``ValueError``) naming the series
    and part. Where a value is missing the limits are NaN (a gap), except on an MR chart, whose
    limits qicharts2 returns on every row.
    """
    seg, n_seg = segments.code, segments.count
    base = baseline & ~points.excluded
    counted = np.where(points.n >= 2, points.y, np.nan) if kind in SUBGROUP_KINDS else points.y
    count = np.bincount(seg[base & ~np.isnan(counted)], minlength=n_seg)
    need = MIN_POINTS[kind]
    short = np.flatnonzero(count < need)
    if len(short):
        raise TooFewPoints(
            too_few_message(kind, need, short, count, segments.first, segments.label, points.by)
        )
    pts = _limits.Points(
        y=points.y,
        n=points.n,
        y_sum=points.y_sum,
        y_sd=points.y_sd,
        seg=seg,
        n_seg=n_seg,
        base=base,
        screen_mr=screen_mr,
    )
    if kind in MR_KINDS:
        # limits need at least one baseline moving range (two consecutive points with a value)
        no_range = np.flatnonzero(_limits.moving_range_count(points.y, pts) == 0)
        if len(no_range):
            raise TooFewPoints(
                too_few_message(
                    kind,
                    need,
                    no_range,
                    count,
                    segments.first,
                    segments.label,
                    points.by,
                    consecutive=True,
                )
            )
    cl, lcl, ucl, y = _limits.KIND_FUNCTIONS[kind](pts)
    gap = np.zeros(len(y), dtype=bool) if kind == "mr" else np.isnan(y)
    lcl = np.where(gap | ~np.isfinite(lcl), np.nan, lcl)
    ucl = np.where(gap | ~np.isfinite(ucl), np.nan, ucl)
    return Limits(cl=cl, lcl=lcl, ucl=ucl, y=y, base=base)


# ---------------------------------------------------------------------------------- 5 rules
RUNS_SEGMENT_SIGNALS = (
    "shift_signal",
    "crossings_signal",
    "trend_signal",
    "astronomical_signal",
    "runs_signal",
)


def apply_rules(
    points: Prepared, segments: Segments, limits: Limits, kind: str, rules: str = "anhoej"
) -> Signals:
    """Step 5: the runs rules of each part (``rules.runs_analysis``: Anhøj or IHI; the IHI
    astronomical point on run charts only) and the points outside the control limits.

    Excluded points are left out of the runs. An MR chart has no runs analysis (qicharts2).
    """
    runs = runs_analysis(
        limits.y,
        limits.cl,
        segments.code,
        segments.count,
        ~points.excluded,
        rules,
        base=limits.base,
        astronomical=kind == "run",
    )
    if kind == "mr":
        runs = {
            **runs,
            **{k: np.zeros(segments.count, dtype=bool) for k in RUNS_SEGMENT_SIGNALS},
            "pt_shift": np.zeros(len(points), dtype=bool),
            "pt_trend": np.zeros(len(points), dtype=bool),
        }
    with np.errstate(invalid="ignore"):
        sigma = (limits.y > limits.ucl) | (limits.y < limits.lcl)
    return Signals(runs=runs, sigma=sigma)


# ---------------------------------------------------------------------------------- 6 assemble
def assemble(
    points: Prepared,
    segments: Segments,
    baseline: np.ndarray,
    limits: Limits,
    signals: Signals,
    *,
    kind: str,
    rules: str,
    multiply: float = 1.0,
    n_given: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Step 6: the result frames ``(points, summary)`` of ``ChartResult``.

    ``points``: one row per point (``kinds.POINT_COLUMNS``), ``summary``: one row per segment
    (``kinds.SUMMARY_COLUMNS``), each led by the ``by`` columns. y, centre line and limits are
    multiplied by ``multiply``; n is kept only where it means something (a denominator or a
    subgroup size); counts that do not apply are ``<NA>``.
    """
    seg, n_seg, first = segments.code, segments.count, segments.first
    runs, sigma = signals.runs, signals.sigma
    n_pts = len(points)
    x_p = points.x
    m = float(multiply)
    keep_n = n_given or kind in KINDS_WITH_N + SUBGROUP_KINDS
    table = pd.DataFrame(
        {
            "x": x_p,
            "y": limits.y * m,
            "n": points.n if keep_n else np.full(n_pts, np.nan),
            "cl": limits.cl * m,
            "lcl": limits.lcl * m,
            "ucl": limits.ucl * m,
            "part": segments.label[seg],
            "baseline": baseline,
            "excluded": points.excluded,
            "sigma_signal": sigma,
            "runs_signal": runs["runs_signal"][seg],
            "shift_signal": runs["pt_shift"],
            "crossings_signal": runs["crossings_signal"][seg],
            "trend_signal": runs["pt_trend"],
            "note": pd.array(points.note, dtype="string"),
            "astronomical_signal": runs["pt_astronomical"],
        }
    )
    last_base = _last_true(baseline, seg, n_seg)
    summary = pd.DataFrame(
        {
            "part": segments.label,
            "kind": kind,
            "rules": rules,
            "n_obs": np.bincount(seg, minlength=n_seg)
            - np.bincount(seg[points.excluded], minlength=n_seg),
            "n_useful": runs["n_useful"],
            "longest_run": _na_int(runs["longest_run"]),
            "longest_run_max": _na_int(runs["longest_run_max"]),
            "n_crossings": _na_int(runs["n_crossings"]),
            "n_crossings_min": _na_int(runs["n_crossings_min"]),
            "longest_trend": _na_int(
                runs["longest_trend"] if rules == "ihi" else np.full(n_seg, -1)
            ),
            "runs_signal": runs["runs_signal"],
            "shift_signal": runs["shift_signal"],
            "crossings_signal": runs["crossings_signal"],
            "trend_signal": runs["trend_signal"],
            "sigma_signals": np.bincount(seg[sigma], minlength=n_seg),
            "cl": limits.cl[first] * m,
            "lcl_mean": gmean(limits.lcl, seg, n_seg) * m,  # qicharts2 summary aLCL / aUCL
            "ucl_mean": gmean(limits.ucl, seg, n_seg) * m,
            "x_start": x_p[first],
            "x_end": x_p[np.r_[first[1:] - 1, n_pts - 1]] if n_seg else x_p[:0],
            "baseline_end": x_p[last_base] if n_seg else x_p[:0],
            "n_runs_min": _na_int(runs["n_runs_min"]),
            "n_runs_max": _na_int(runs["n_runs_max"]),
            "astronomical_signals": runs["astronomical_signals"],
            "centre": "median" if kind in MEDIAN_CENTRED else "mean",
        }
    )
    if points.by is not None:
        table = pd.concat([points.by, table], axis=1)
        summary = pd.concat([points.by.iloc[first].reset_index(drop=True), summary], axis=1)
    return table, summary


def _last_true(mask, seg, n_seg) -> np.ndarray:
    """Position of the last True of ``mask`` in each segment (0 when there is none)."""
    idx = np.where(mask, np.arange(len(mask)), -1)
    out = np.full(n_seg, -1, dtype=np.int64)
    np.maximum.at(out, seg, idx)
    return np.maximum(out, 0)


def _na_int(values):
    """Integers with -1 (does not apply) as ``<NA>``."""
    values = np.asarray(values)
    arr = pd.array(values, dtype="Int64")
    arr[values < 0] = pd.NA
    return arr
