"""``spc.chart``: run and control charts of one series or thousands, in one vectorised call."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..io import DataError, Problem
from . import limits as _limits
from ._groups import gmean as _gmean
from .rules import RULES, runs_analysis

KINDS = ("run", "i", "mr", "xbar", "s", "p", "pp", "c", "u", "up", "g", "t")
KINDS_WITH_N = ("p", "pp", "u", "up")  # a denominator is required
COUNT_KINDS = ("p", "pp", "c", "u", "up", "g")  # y is a count (or count of cases between events)
SUBGROUP_KINDS = ("xbar", "s")  # several rows per x: the individual measurements
MR_KINDS = ("i", "t", "pp", "up", "mr")  # limits from moving ranges

# Fewest points with a value a part's baseline needs, and why (said in the error message).
MIN_POINTS = {
    "run": 2,
    "i": 2,
    "mr": 2,
    "t": 2,
    "pp": 2,
    "up": 2,
    "p": 1,
    "c": 1,
    "u": 1,
    "g": 1,
    "xbar": 2,
    "s": 2,
}
KIND_NAMES = {
    "run": "a run chart",
    "i": "an I chart",
    "mr": "an MR chart",
    "xbar": "an X̄ chart",
    "s": "an S chart",
    "p": "a P chart",
    "pp": "a P′ chart",
    "c": "a C chart",
    "u": "a U chart",
    "up": "a U′ chart",
    "g": "a G chart",
    "t": "a T chart",
}
MAX_PROBLEMS = 20


class TooFewPoints(ValueError):
    """A part's baseline has too few points (or no moving range) for this chart kind."""


POINT_COLUMNS = [
    "x",
    "y",
    "n",
    "cl",
    "lcl",
    "ucl",
    "part",
    "baseline",
    "excluded",
    "sigma_signal",
    "runs_signal",
    "shift_signal",
    "crossings_signal",
    "trend_signal",
    "note",
    "astronomical_signal",
]
SUMMARY_COLUMNS = [
    "part",
    "kind",
    "rules",
    "n_obs",
    "n_useful",
    "longest_run",
    "longest_run_max",
    "n_crossings",
    "n_crossings_min",
    "longest_trend",
    "runs_signal",
    "shift_signal",
    "crossings_signal",
    "trend_signal",
    "sigma_signals",
    "cl",
    "lcl_mean",
    "ucl_mean",
    "x_start",
    "x_end",
    "baseline_end",
    "n_runs_min",
    "n_runs_max",
    "astronomical_signals",
    "centre",
]
# Charts whose centre line is a median (run chart; G chart, drawn at the median as qicharts2
# does); every other kind is centred on a mean (I, X̄, S, MR, P, P′, C, U, U′; T on the mean of
# the transformed times).
MEDIAN_CENTRED = ("run", "g")


@dataclass(frozen=True)
class ChartResult:
    """The numbers of a run or control chart (draw it with ``plots.spc_chart``).

    ``points``: one row per point (see ``chart``); ``summary``: one row per series and part.
    """

    points: pd.DataFrame
    summary: pd.DataFrame
    kind: str
    rules: str
    by: tuple[str, ...] = ()
    y: str = "y"
    x: str = "x"
    n: str | None = None
    freeze: Any = None
    multiply: float = 1.0

    @property
    def signal(self) -> bool:
        """True when any part of any series has a runs or a sigma signal."""
        return bool(self.summary["runs_signal"].any() or (self.summary["sigma_signals"] > 0).any())

    def series(self) -> dict[Any, ChartResult]:
        """Split a ``by`` result into one result per series, keyed like ``groupby`` keys."""
        if not self.by:
            return {None: self}
        out: dict[Any, ChartResult] = {}
        keys = list(self.by)
        sgroups = dict(iter(self.summary.groupby(keys, sort=False, dropna=False)))
        for key, pts in self.points.groupby(keys, sort=False, dropna=False):
            summ = sgroups[key]
            key = key[0] if len(keys) == 1 else key
            out[key] = ChartResult(
                pts.reset_index(drop=True),
                summ.reset_index(drop=True),
                self.kind,
                self.rules,
                self.by,
                self.y,
                self.x,
                self.n,
                self.freeze,
                self.multiply,
            )
        return out


def chart(
    data: pd.DataFrame,
    y: str,
    n: str | None = None,
    x: str | None = None,
    kind: str = "run",
    *,
    freeze: Any = None,
    part: str | Sequence | None = None,
    exclude: str | Sequence | None = None,
    by: str | Sequence[str] | None = None,
    rules: str = "anhoej",
    notes: str | None = None,
    multiply: float = 1.0,
    screen_mr: bool = True,
    source: str = "data",
) -> ChartResult:
    """Compute a run or control chart with the semantics of qicharts2 (Anhøj).

    Parameters
    ----------
    data : tidy frame, one row per point (per measurement for ``xbar``/``s``; rows sharing an x
        are aggregated: summed for counts and ratios, averaged otherwise, as qicharts2 does).
    y, n : value column; denominator column (required for ``p, pp, u, up``; optional for
        ``run``/``i``, which then chart the ratio Σy/Σn).
    x : column to sort on (numbers, dates, periods, or text); default the row order.
    kind : ``run, i, mr, xbar, s, p, pp, c, u, up, g, t``.
    freeze : x value of the last baseline point (inclusive); limits come from the baseline and
        are extended. A mapping ``{series key: x}`` freezes each series on its own. With ``part``,
        the freeze applies to the part that holds it; a part that starts after it is its own
        baseline.
    part : a column of phase labels (consecutive equal labels form a phase), or the x values where
        a new phase starts. Each phase is computed on its own.
    exclude : x values (or a boolean column) left out of limits and runs; still drawn and flagged.
    by : group columns: many series in one vectorised call.
    rules : ``"anhoej"`` (Anhøj 2014/2015) or ``"ihi"`` (shift 6, trend 5).
    notes : optional text column carried into ``points.note``.
    multiply : factor for y, centre line and limits (e.g. 100 for percent).
    screen_mr : leave out moving ranges ≥ 3.267·MR̄ (qicharts2 default ``qic.screenedmr``).
    source : what to call ``data`` in error messages (e.g. ``"observations.csv"``).

    Returns
    -------
    ChartResult with
    ``points``: [by...], x, y, n, cl, lcl, ucl, part, baseline, excluded, sigma_signal,
    runs_signal (the part signals by the runs rules), shift_signal (the point is in a too long
    run), crossings_signal (the part has too few crossings), trend_signal (IHI: the point is in
    a trend), note;
    ``summary``: [by...], part, kind, rules, n_obs, n_useful, longest_run, longest_run_max,
    n_crossings, n_crossings_min, longest_trend, runs_signal, shift_signal, crossings_signal,
    trend_signal, sigma_signals, cl, lcl_mean, ucl_mean (average limits, qicharts2 aLCL/aUCL),
    x_start, x_end, baseline_end. ``n_obs`` counts the included points of the part, missing
    values too (as qicharts2); ``n_useful`` the points with a value that are not on the centre
    line. Counts that do not apply (e.g. ``n_crossings_min`` with IHI rules) are ``<NA>``.
    """
    kind = _check_args(data, y, n, x, kind, rules, by, part, exclude, notes)
    by_cols = [by] if isinstance(by, str) else list(by or [])

    # --- columns as arrays, validated -----------------------------------------------------
    frame = data
    yv = _numeric(frame, y, source)
    nv = _numeric(frame, n, source) if n is not None else np.full(len(frame), np.nan)
    _validate_values(frame, kind, y, n, yv, nv, source)

    if by_cols:
        series = frame.groupby(by_cols, sort=True, dropna=False).ngroup().to_numpy()
    else:
        series = np.zeros(len(frame), dtype=np.int64)
    if x is None:
        x_values = pd.Series(np.arange(len(frame)), name="x")
    else:
        x_values = frame[x]
        bad = x_values.isna().to_numpy()
        if bad.any():
            raise DataError(
                _row_problems(frame, bad, x, source, "x value is missing; every point needs one")
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
        xcode, x_uniques = pd.factorize(x_values, sort=True)
    except TypeError as err:
        raise DataError(
            Problem(
                source,
                f"the x values cannot be sorted ({err}); use numbers, dates or text of one type",
                column=x,
            )
        ) from None

    order = np.lexsort((xcode, series))
    series, xcode, yv, nv = series[order], xcode[order], yv[order], nv[order]
    notes_v = frame[notes].to_numpy(dtype=object)[order] if notes else None
    excl_col = (
        frame[exclude].fillna(False).to_numpy(dtype=bool)[order]
        if isinstance(exclude, str)
        else None
    )
    part_col = frame[part].to_numpy(dtype=object)[order] if isinstance(part, str) else None
    by_first = frame[by_cols].iloc[order].reset_index(drop=True) if by_cols else None

    # --- aggregate rows sharing series and x (qicharts2 qic.agg) ------------------------------
    new = np.ones(len(order), dtype=bool)
    new[1:] = (series[1:] != series[:-1]) | (xcode[1:] != xcode[:-1])
    grp = np.cumsum(new) - 1
    n_pts = int(grp[-1]) + 1 if len(grp) else 0
    agg = _aggregate(kind, yv, nv, grp, n_pts, new, n is not None)
    first = np.flatnonzero(new)
    series_p = series[first]
    xcode_p = xcode[first]
    x_p = (
        x_uniques.take(xcode_p)
        if isinstance(x_uniques, pd.Index)
        else np.asarray(x_uniques)[xcode_p]
    )
    x_p = pd.Index(x_p)
    if notes_v is not None:
        note_p = _join_notes(notes_v, grp, n_pts, new)
    else:
        note_p = np.full(n_pts, None, dtype=object)
    if part_col is not None:
        part_first = part_col[first]
        if pd.isna(pd.Series(part_first)).any():
            raise DataError(Problem(source, "phase label is missing", column=str(part)))
    excluded = (
        np.logical_or.reduceat(excl_col, first)
        if excl_col is not None and n_pts
        else np.zeros(n_pts, dtype=bool)
    )
    if exclude is not None and not isinstance(exclude, str):
        excluded = excluded | _in_x(x_p, exclude)

    # --- parts and segments (series x part) -------------------------------------------------
    if part is None:
        raw_part = np.zeros(n_pts, dtype=np.int64)
    elif part_col is not None:
        raw_part = _label_runs(pd.Series(part_first), series_p)
    else:
        starts = np.sort(np.asarray(_coerce_like(x_p, list(np.atleast_1d(part)))))
        raw_part = np.searchsorted(starts, np.asarray(x_p), side="right")
    newseg = np.ones(n_pts, dtype=bool)
    newseg[1:] = (series_p[1:] != series_p[:-1]) | (raw_part[1:] != raw_part[:-1])
    seg = np.cumsum(newseg) - 1
    n_seg = int(seg[-1]) + 1 if n_pts else 0
    seg_first = np.flatnonzero(newseg)
    # part number within its series: 1, 2, ...
    sfirst = np.ones(n_seg, dtype=bool)
    sfirst[1:] = series_p[seg_first][1:] != series_p[seg_first][:-1]
    series_first_seg = np.maximum.accumulate(np.where(sfirst, np.arange(n_seg), 0))
    part_no = np.arange(n_seg) - series_first_seg + 1
    part_label = part_first[seg_first] if part_col is not None else part_no

    # --- baseline (freeze) --------------------------------------------------------------------
    baseline = np.ones(n_pts, dtype=bool)
    if freeze is not None:
        if isinstance(freeze, Mapping):
            keys = _series_keys(by_first, first, series_p, by_cols)
            fz = [freeze.get(k) for k in keys]
            frozen = np.array([f is not None for f in fz])
            limit = _coerce_like(x_p, [f if f is not None else x_p[0] for f in fz])
            cmp = np.asarray(x_p) <= np.asarray(limit)[series_p] if len(x_p) else np.zeros(0, bool)
            baseline = np.where(frozen[series_p], cmp, True)
        else:
            limit = _coerce_like(x_p, [freeze])[0]
            baseline = np.asarray(x_p <= limit)
        has_base = np.bincount(seg[baseline], minlength=n_seg) > 0
        early = np.flatnonzero(sfirst & ~has_base)  # the first part of a series has no baseline
        if isinstance(freeze, Mapping):
            early = early[frozen[series_p[seg_first[early]]]]
        if len(early):
            s0 = seg_first[early[0]]
            raise ValueError(
                f"freeze is before the first x value ({x_p[s0]!s})"
                + (
                    f" of series {_series_keys(by_first, first, series_p, by_cols)[series_p[s0]]!r}"
                    if by_cols
                    else ""
                )
                + ": nothing would be left for the baseline"
            )
        # a part without any baseline point (it starts after the freeze) is its own baseline
        baseline = baseline | ~has_base[seg]
    include = ~excluded
    base = baseline & include

    # --- enough points? -----------------------------------------------------------------------
    value_for_count = agg["y"] if kind not in ("s",) else agg["y_sd"]
    if kind in ("xbar", "s"):
        value_for_count = np.where(agg["n"] >= 2, agg["y"], np.nan)
    has_value = base & ~np.isnan(value_for_count)
    count = np.bincount(seg[has_value], minlength=n_seg)
    need = MIN_POINTS[kind]
    short = np.flatnonzero(count < need)
    if len(short):
        raise TooFewPoints(
            _too_few_message(
                kind, need, short, count, series_p, seg_first, part_label, by_first, first, by_cols
            )
        )

    # --- limits and rules -----------------------------------------------------------------------
    pts = _limits.Points(
        y=agg["y"],
        n=agg["n"],
        y_sum=agg["y_sum"],
        y_sd=agg["y_sd"],
        seg=seg,
        n_seg=n_seg,
        base=base,
        screen_mr=screen_mr,
    )
    if kind in MR_KINDS:
        # limits need at least one baseline moving range (two consecutive points with a value)
        ranges = _limits.moving_range_count(agg["y"], pts)
        bad = np.flatnonzero(ranges == 0)
        if len(bad):
            raise TooFewPoints(
                _too_few_message(
                    kind,
                    need,
                    bad,
                    count,
                    series_p,
                    seg_first,
                    part_label,
                    by_first,
                    first,
                    by_cols,
                    consecutive=True,
                )
            )
    cl, lcl, ucl, yplot = _limits.KIND_FUNCTIONS[kind](pts)
    missing = np.isnan(yplot)
    # qicharts2 returns the limits of an MR chart on every row (the first row of a part has no
    # moving range but has limits); other charts show no limits where a value is missing (a gap)
    blank = ~np.isfinite(lcl) if kind == "mr" else missing | ~np.isfinite(lcl)
    lcl = np.where(blank, np.nan, lcl)
    blank = ~np.isfinite(ucl) if kind == "mr" else missing | ~np.isfinite(ucl)
    ucl = np.where(blank, np.nan, ucl)

    ra = runs_analysis(yplot, cl, seg, n_seg, include, rules, base=base, astronomical=kind == "run")
    runs_ok = kind != "mr"  # qicharts2: no runs analysis on an MR chart
    for key in (
        "shift_signal",
        "crossings_signal",
        "trend_signal",
        "astronomical_signal",
        "runs_signal",
    ):
        if not runs_ok:
            ra[key] = np.zeros(n_seg, dtype=bool)
    if not runs_ok:
        ra["pt_shift"] = np.zeros(n_pts, dtype=bool)
        ra["pt_trend"] = np.zeros(n_pts, dtype=bool)
    with np.errstate(invalid="ignore"):
        sigma = (yplot > ucl) | (yplot < lcl)

    m = float(multiply)
    points = pd.DataFrame(
        {
            "x": x_p,
            "y": yplot * m,
            "n": agg["n"],
            "cl": cl * m,
            "lcl": lcl * m,
            "ucl": ucl * m,
            "part": part_label[seg],
            "baseline": baseline,
            "excluded": excluded,
            "sigma_signal": sigma,
            "runs_signal": ra["runs_signal"][seg],
            "shift_signal": ra["pt_shift"],
            "crossings_signal": ra["crossings_signal"][seg],
            "trend_signal": ra["pt_trend"],
            "note": pd.array(note_p, dtype="string"),
            "astronomical_signal": ra["pt_astronomical"],
        }
    )
    if kind not in KINDS_WITH_N + SUBGROUP_KINDS and n is None:
        points["n"] = np.nan
    last_base = _last_true(baseline, seg, n_seg)
    summary = pd.DataFrame(
        {
            "part": part_label,
            "kind": kind,
            "rules": rules,
            "n_obs": np.bincount(seg, minlength=n_seg)
            - np.bincount(seg[excluded], minlength=n_seg),
            "n_useful": ra["n_useful"],
            "longest_run": _na_int(ra["longest_run"]),
            "longest_run_max": _na_int(ra["longest_run_max"]),
            "n_crossings": _na_int(ra["n_crossings"]),
            "n_crossings_min": _na_int(ra["n_crossings_min"]),
            "longest_trend": _na_int(ra["longest_trend"] if rules == "ihi" else np.full(n_seg, -1)),
            "runs_signal": ra["runs_signal"],
            "shift_signal": ra["shift_signal"],
            "crossings_signal": ra["crossings_signal"],
            "trend_signal": ra["trend_signal"],
            "sigma_signals": np.bincount(seg[sigma], minlength=n_seg),
            "cl": cl[seg_first] * m,
            "lcl_mean": _gmean(lcl, seg, n_seg) * m,  # qicharts2 summary aLCL / aUCL
            "ucl_mean": _gmean(ucl, seg, n_seg) * m,
            "x_start": x_p[seg_first],
            "x_end": x_p[np.r_[seg_first[1:] - 1, n_pts - 1]] if n_seg else x_p[:0],
            "baseline_end": x_p[last_base] if n_seg else x_p[:0],
            "n_runs_min": _na_int(ra["n_runs_min"]),
            "n_runs_max": _na_int(ra["n_runs_max"]),
            "astronomical_signals": ra["astronomical_signals"],
            "centre": "median" if kind in MEDIAN_CENTRED else "mean",
        }
    )
    if by_cols:
        by_pts = by_first.iloc[first].reset_index(drop=True)
        points = pd.concat([by_pts, points], axis=1)
        summary = pd.concat([by_pts.iloc[seg_first].reset_index(drop=True), summary], axis=1)
    return ChartResult(
        points=points,
        summary=summary,
        kind=kind,
        rules=rules,
        by=tuple(by_cols),
        y=y,
        x=x or "x",
        n=n,
        freeze=freeze,
        multiply=m,
    )


# ----------------------------------------------------------------------------------------------
def _check_args(data, y, n, x, kind, rules, by, part, exclude, notes) -> str:
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, not {type(data).__name__}")
    kind = str(kind).lower()
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if rules not in RULES:
        raise ValueError(f"rules must be one of {', '.join(RULES)}, not {rules!r}")
    cols = [y, n, x, notes, *([by] if isinstance(by, str) else list(by or []))]
    if isinstance(part, str):
        cols.append(part)
    if isinstance(exclude, str):
        cols.append(exclude)
    missing = [c for c in cols if c is not None and c not in data.columns]
    if missing:
        raise ValueError(
            f"column(s) {', '.join(map(repr, missing))} not in the data "
            f"(columns: {', '.join(map(str, data.columns))})"
        )
    if kind in KINDS_WITH_N and n is None:
        raise ValueError(f"{KIND_NAMES[kind]} needs a denominator: pass n='<column>'")
    if len(data) == 0:
        raise ValueError(f"{KIND_NAMES[kind]} needs data, and the frame is empty")
    return kind


def _numeric(frame: pd.DataFrame, col: str, source: str) -> np.ndarray:
    values = pd.to_numeric(frame[col], errors="coerce")
    bad = (values.isna() & frame[col].notna()).to_numpy()
    if bad.any():
        raise DataError(_row_problems(frame, bad, col, source, "not a number"))
    return values.to_numpy(dtype=float, na_value=np.nan)


def _row_problems(frame, bad, col, source, message) -> list[Problem]:
    pos = np.flatnonzero(bad)
    problems = []
    for p in pos[:MAX_PROBLEMS]:
        label = frame.index[p]
        row = int(label) + 2 if isinstance(label, (int, np.integer)) else int(p) + 2
        value = frame[col].iloc[p]
        problems.append(Problem(source, f"{message} (value {value!r})", row=row, column=col))
    if len(pos) > MAX_PROBLEMS:
        problems.append(
            Problem(source, f"... and {len(pos) - MAX_PROBLEMS} more rows like these", column=col)
        )
    return problems


def _validate_values(frame, kind, y, n, yv, nv, source) -> None:
    problems: list[Problem] = []
    if kind in COUNT_KINDS:
        problems += _row_problems(frame, yv < 0, y, source, "negative count")
    if n is not None:
        problems += _row_problems(frame, nv < 0, n, source, "negative denominator")
        if kind in ("p", "pp"):
            problems += _row_problems(
                frame, yv > nv, y, source, f"numerator larger than the denominator '{n}'"
            )
        problems += _row_problems(
            frame,
            (nv == 0) & ~np.isnan(yv),
            n,
            source,
            "denominator 0 (leave the row empty if nothing was measured)",
        )
    if kind == "t":
        problems += _row_problems(
            frame, yv <= 0, y, source, "a T chart needs times between events greater than 0"
        )
    if problems:
        raise DataError(problems)


def _aggregate(kind, yv, nv, grp, n_pts, new, got_n) -> dict[str, np.ndarray]:
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


def _join_notes(notes_v, grp, n_pts, new) -> np.ndarray:
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


def _label_runs(labels: pd.Series, series_p: np.ndarray) -> np.ndarray:
    """Consecutive equal labels (within a series) form a part."""
    vals = labels.to_numpy(dtype=object)
    change = np.ones(len(vals), dtype=bool)
    change[1:] = (vals[1:] != vals[:-1]) | (series_p[1:] != series_p[:-1])
    return np.cumsum(change)


def _series_keys(by_first, first, series_p, by_cols) -> list:
    if not by_cols:
        return [None]
    rows = by_first.iloc[first]
    sfirst = np.ones(len(series_p), dtype=bool)
    sfirst[1:] = series_p[1:] != series_p[:-1]
    rows = rows.iloc[np.flatnonzero(sfirst)]
    if len(by_cols) == 1:
        return list(rows[by_cols[0]])
    return list(rows.itertuples(index=False, name=None))


def _last_true(mask, seg, n_seg) -> np.ndarray:
    idx = np.where(mask, np.arange(len(mask)), -1)
    out = np.full(n_seg, -1, dtype=np.int64)
    np.maximum.at(out, seg, idx)
    return np.maximum(out, 0)


def _na_int(values):
    values = np.asarray(values)
    arr = pd.array(values, dtype="Int64")
    arr[values < 0] = pd.NA
    return arr


def _too_few_message(
    kind,
    need,
    segs,
    count,
    series_p,
    seg_first,
    part_label,
    by_first,
    first,
    by_cols,
    consecutive=False,
) -> str:
    where = []
    for s in segs[:5]:
        desc = f"part {part_label[s]!s}"
        if by_cols:
            row = by_first.iloc[first[seg_first[s]]]
            desc = ", ".join(f"{c}={row[c]!s}" for c in by_cols) + f", {desc}"
        where.append(f"{desc} has {count[s]}")
    more = f" (and {len(segs) - 5} more)" if len(segs) > 5 else ""
    what = {"xbar": "subgroups of at least 2 values", "s": "subgroups of at least 2 values"}.get(
        kind, "points with a value"
    )
    if consecutive:
        return (
            f"{KIND_NAMES[kind]} needs at least two consecutive baseline points with a value "
            f"(one moving range) in each part; " + "; ".join(where) + more
        )
    return (
        f"{KIND_NAMES[kind]} needs at least {need} {what} in the baseline of each part; "
        + "; ".join(where)
        + more
    )
