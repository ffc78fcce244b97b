"""``spc.chart``: run and control charts of one series or thousands, in one vectorised call."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from . import steps
from .checks import TooFewPoints, check_args  # noqa: F401  (spc.TooFewPoints)
from .kinds import (  # noqa: F401  (the kinds' facts, also importable from here)
    COUNT_KINDS,
    KIND_NAMES,
    KINDS,
    KINDS_WITH_N,
    MEDIAN_CENTRED,
    MIN_POINTS,
    MR_KINDS,
    POINT_COLUMNS,
    SUBGROUP_KINDS,
    SUMMARY_COLUMNS,
)


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

    A pipe of six steps (``spc.steps``): prepare -> segment -> freeze -> limits -> rules ->
    assemble, each vectorised over every series and part.

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
    kind = check_args(data, y, n, x, kind, rules, by, part, exclude, notes)
    by_cols = [by] if isinstance(by, str) else list(by or [])
    prepared = steps.prepare(
        data,
        y=y,
        n=n,
        x=x,
        kind=kind,
        by=by_cols,
        part=part,
        exclude=exclude,
        notes=notes,
        source=source,
    )
    segments = steps.segment(prepared, part)
    baseline = steps.freeze(prepared, segments, freeze)
    limits = steps.compute_limits(prepared, segments, baseline, kind, screen_mr)
    signals = steps.apply_rules(prepared, segments, limits, kind, rules)
    points, summary = steps.assemble(
        prepared,
        segments,
        baseline,
        limits,
        signals,
        kind=kind,
        rules=rules,
        multiply=multiply,
        n_given=n is not None,
    )
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
        multiply=float(multiply),
    )
