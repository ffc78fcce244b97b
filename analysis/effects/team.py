"""Per team: every measure against the changes meant to move it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..dataset.series import measure_series
from ..measures import change_period, is_ratio, linked_changes, pooled_level
from .its import FAMILY_BY_CHART, MIN_POINTS, SeriesTooShort, interrupted_time_series

# --------------------------------------------------------------------------------------------------
# Per team: every measure against the changes meant to move it
# --------------------------------------------------------------------------------------------------

# The model policy the reports use, chosen by the calibration study (docs/methods.md, "Effect
# verdicts: calibration"): the secular trend is always modelled, and a change is claimed only when
# the phase comparison (level after vs level before) agrees. Comparing phases alone claimed an
# improvement in nearly every series that merely continued an improving trend, and so did letting
# a run chart of the baseline decide ("auto": 8-12 baseline points rarely show a moderate trend);
# the trend model alone claimed one in most series with a seasonal dip at the end of the baseline
# and too often under strong autocorrelation. Requiring both kept every null scenario low at the
# cost of a step on a worsening trend that leaves the level no better than before.
MODEL_POLICY = "agree"
# The smallest detectable improvement the reports state is Bloom's MDE for this power. Bloom's
# formula is exact for the t test (noncentral t) with a known SE, but the report states it with
# the SE estimated from the team's own residuals, and the median estimate is below the truth
# (sqrt(chi2_{0.5, df} / df): 0.984 at df 21, 0.974 at df 13). Computed for 85 % power, the step
# of the median stated MDE of an i chart is found only 83.8 % (12 + 12) and 83.1 % (8 + 8) of the
# time in theory, and was found 79.6 +/- 1.8 % in the calibration study. Computed for 90 % power
# (the higher of Cohen's two conventional levels) it is found 89.1 % and 88.5 % in theory, so
# "found at least 4 times in 5" holds at the stated MDE (docs/methods.md, "Effect verdicts").
MDE_POWER = 0.90
MODELS = ("its", "phases", "auto", "agree")

# How each chart kind's effect is shown to readers: a difference in percentage points for
# shares, a relative change for counts and rates, a difference in the measure's unit otherwise.
DIFF_KIND = {"p": "pp", "pp": "pp", "u": "relative", "up": "relative", "c": "relative"}


@dataclass(frozen=True)
class TeamEffects:
    """Result of :func:`team_effects`.

    ``table``: one row per measure and change (or group of changes too close to separate):
    team_id, measure_id, measure_name, change_no (the change where the step is placed), changes
    (all change numbers of the group, e.g. "1, 2"), change_title, change_date, phase_in_from,
    chart, family, direction, unit, before, after, n_before, n_after, estimate, ci_low, ci_high,
    p_value, effect, detected, improved, note ("" / "combined" / "too_early" / "too_short"),
    model ("its" with a trend, "phases" without, "agree" both), method; then expected,
    difference, diff_low, diff_high, diff_kind, mde, worse.
    ``its``: measure_id -> ITSResult (measures where a model could be fitted).
    ``series``: measure_id -> the measure's series (period, y, n) as modelled.
    """

    table: pd.DataFrame
    its: dict = field(default_factory=dict)
    series: dict = field(default_factory=dict)


TEAM_COLUMNS = [
    "team_id",
    "measure_id",
    "measure_name",
    "change_no",
    "changes",
    "change_title",
    "change_date",
    "phase_in_from",
    "chart",
    "family",
    "direction",
    "unit",
    "before",
    "after",
    "n_before",
    "n_after",
    "estimate",
    "ci_low",
    "ci_high",
    "p_value",
    "effect",
    "detected",
    "improved",
    "note",
    "model",
    "method",
    # added by the calibrated verdicts (issue 12): the effect on the measure's scale
    "expected",
    "difference",
    "diff_low",
    "diff_high",
    "diff_kind",
    "mde",
    "worse",
]


def change_groups(
    periods: pd.Series, dates: Sequence, min_points: int = MIN_POINTS
) -> list[list[int]]:
    """Group changes (indices into ``dates``, sorted) that are too close to be told apart.

    ``dates`` are the periods the changes start in (``analysis.measures.change_period``). A
    change joins the group of the previous one when fewer than ``min_points`` measured periods
    lie between them. The group's step is placed at its last change and the periods from its
    first change up to the last are a phase-in period, left out of the model (Wagner et al. 2002).
    """
    periods = pd.Series(pd.to_datetime(periods)).sort_values()
    groups: list[list[int]] = []
    for i, d in enumerate(pd.to_datetime(pd.Series(list(dates)))):
        if groups:
            last = pd.Timestamp(dates[groups[-1][-1]])
            between = int(((periods >= last) & (periods < d)).sum())
            if between < min_points:
                groups[-1].append(i)
                continue
        groups.append([i])
    return groups


def baseline_stable(series: pd.DataFrame, until, chart: str) -> bool:
    """True when the run chart of the points before ``until`` shows no non-random variation.

    Anhøj rules (longest run, number of crossings) via ``spc.chart(kind="run")``. A baseline too
    short for a run chart (``spc.TooFewPoints``) counts as stable: the runs rules could not signal
    either. Any other error is a bug and is raised.
    """
    from .. import spc

    pre = series[series["period"] < pd.Timestamp(until)]
    try:
        res = spc.chart(
            pre, y="y", n="n" if is_ratio(chart) else None, x="period", kind="run", rules="anhoej"
        )
    except spc.TooFewPoints:
        return True
    return not bool(res.summary["runs_signal"].any())


@dataclass(frozen=True)
class _Fit:
    its: object | None  # ITSResult, or None when no phase could be estimated
    n_groups: int  # the groups estimated (the first n of them)
    error: str


def _fit(
    series: pd.DataFrame,
    starts: list[pd.Timestamp],
    groups: list[list[int]],
    *,
    family: str,
    chart: str,
    trend: bool,
    slope_change: bool,
    min_points: int,
    alpha: float,
    ci: str,
    power: float,
    seasonality: dict | None,
    label: str,
) -> _Fit:
    """Fit the groups' steps; drop groups from the end while a phase is too short.

    A dropped group's points are left out of the data too (the series is cut where the group
    starts), so an earlier change is estimated on its own phase only and never credited with a
    later change's effect.
    """
    periods = series["period"]
    error = ""
    for n in range(len(groups), 0, -1):
        kept = groups[:n]
        data = series if n == len(groups) else series[periods < starts[groups[n][0]]]
        steps = [starts[g[-1]] for g in kept]
        phase_in = [
            p
            for g in kept
            if len(g) > 1
            for p in periods[(periods >= starts[g[0]]) & (periods < starts[g[-1]])]
        ]
        try:
            its = interrupted_time_series(
                data,
                y="y",
                time="period",
                intervention=steps,
                exposure="n" if family == "poisson" and chart != "c" else None,
                denominator="n" if family == "binomial" else None,
                family=family,
                slope_change=slope_change and trend,
                trend=trend,
                min_points=min_points,
                alpha=alpha,
                ci=ci,
                power=power,
                seasonality=seasonality,
                exclude=phase_in,
                label=label,
            )
            return _Fit(its, n, error)
        except SeriesTooShort as exc:
            error = error or str(exc)
    return _Fit(None, 0, error)


def _verdict(level: pd.Series, null: float, direction: str) -> tuple[bool, bool, bool]:
    """(detected, improved, worse) from a level change's CI and the measure's direction."""
    detected = bool(level["ci_low"] > null or level["ci_high"] < null)
    better = (level["estimate"] > null) == (direction == "up")
    return detected, detected and better, detected and not better


def team_effects(
    ds,
    team: str,
    *,
    alpha: float = 0.05,
    min_points: int = MIN_POINTS,
    slope_change: bool = False,
    model: str = MODEL_POLICY,
    seasonality: dict | None = None,
    ci: str = "t",
    power: float = MDE_POWER,
) -> TeamEffects:
    """Estimate, for each measure of ``team``, the level change at the changes meant to move it.

    ``ds``: a ``Dataset``, or the team's own slice (``Dataset.team``: it has the same
    ``measures``, ``observations`` and ``changes``), which is what a report passes so that it
    depends on this team's rows only.

    One segmented regression per measure (family from the chart kind, see ``FAMILY_BY_CHART``;
    c charts without exposure, u charts with the denominator as exposure) with a level change in
    the period each linked change starts in (``analysis.measures``: the period containing the
    change date is the change's first period). Changes closer than ``min_points`` periods are
    estimated together (:func:`change_groups`). A last phase shorter than ``min_points`` is "too
    early to judge" (``note`` "too_early"): its points are left out, so the earlier change is
    estimated on its own phase only. A baseline shorter than ``min_points`` gives "too_short".

    ``model`` (default :data:`MODEL_POLICY`, chosen by the calibration study in
    ``docs/methods.md``): ``"its"`` models the secular trend (segmented regression) and compares
    with the level expected had the earlier trend continued; ``"phases"`` never (level after vs
    level before); ``"auto"`` compares phases when the baseline run chart is stable
    (:func:`baseline_stable`), else models the trend; ``"agree"`` claims a change only when the
    trend model and the phase comparison agree (the trend model's estimate is shown).

    ``seasonality``: Fourier terms for every model (e.g. ``{"period": 12, "harmonics": 2}``).
    ``ci``: ``"t"`` (default, residual df) or ``"normal"``, see :func:`interrupted_time_series`.

    ``detected``: the CI excludes no effect; ``improved``/``worse``: detected in / against the
    measure's direction of improvement. ``before``/``after``: the observed level (Σy/Σn or mean)
    of exactly the points the estimate uses: the previous phase and the change's own phase
    (phase-in points left out). ``expected``: the level of the change's phase the model expects
    without the change (with a trend: "had the earlier trend continued"). ``difference``,
    ``diff_low``, ``diff_high``: the effect on the measure's scale against ``expected``
    (``diff_kind`` "pp": share points as a fraction; "relative": rate or count ratio - 1;
    "difference": the measure's unit). ``mde``: the smallest improvement of that kind the model
    would detect with ``power`` (default :data:`MDE_POWER`, Bloom 1995), always positive.
    """
    if model not in MODELS:
        raise ValueError(f"model must be one of {', '.join(map(repr, MODELS))}, not {model!r}")
    measures = ds.measures[ds.measures["team_id"] == team]
    changes = ds.changes[ds.changes["team_id"] == team]
    if changes.empty:
        return TeamEffects(table=pd.DataFrame(columns=TEAM_COLUMNS))
    rows, its_results, series_by = [], {}, {}
    for m in measures.itertuples(index=False):
        chart = str(m.chart)
        family = FAMILY_BY_CHART.get(chart, "gaussian")
        frequency = getattr(m, "frequency", None)
        series = (
            measure_series(ds, team, m.measure_id, complete=False)
            .dropna(subset=["y"])
            .reset_index(drop=True)
        )
        series_by[m.measure_id] = series
        linked = linked_changes(changes, m.measure_id).reset_index(drop=True)
        if linked.empty:
            continue
        starts = [change_period(d, frequency) for d in linked["date"]]
        groups = change_groups(series["period"], starts, min_points)
        if model == "auto":
            with_trend = not baseline_stable(series, starts[0], chart)
        else:
            with_trend = model in ("its", "agree")
        common = dict(
            family=family,
            chart=chart,
            slope_change=slope_change,
            min_points=min_points,
            alpha=alpha,
            ci=ci,
            power=power,
            seasonality=seasonality,
            label=str(m.measure_id),
        )
        fit = _fit(series, starts, groups, trend=with_trend, **common)
        check = _fit(series, starts, groups, trend=False, **common) if model == "agree" else None
        if fit.its is not None:
            its_results[m.measure_id] = fit.its
        null = 0.0 if family == "gaussian" else 1.0
        periods = series["period"]
        baseline_short = int((periods < starts[groups[0][0]]).sum()) < min_points
        for k, g in enumerate(groups):
            first, last = starts[g[0]], starts[g[-1]]
            prev = starts[groups[k - 1][-1]] if k > 0 else None
            nxt = starts[groups[k + 1][0]] if k + 1 < len(groups) else None
            pre = series[(periods < first) & ((periods >= prev) if prev is not None else True)]
            post = series[(periods >= last) & ((periods < nxt) if nxt is not None else True)]
            sub = linked.iloc[g]
            row = {
                "team_id": team,
                "measure_id": m.measure_id,
                "measure_name": m.measure_name,
                "change_no": int(sub["change_no"].iloc[-1]),
                "changes": ", ".join(str(int(c)) for c in sub["change_no"]),
                "change_title": " / ".join(str(x) for x in sub["title"]),
                "change_date": pd.Timestamp(sub["date"].iloc[-1]),
                "phase_in_from": pd.Timestamp(sub["date"].iloc[0]) if len(g) > 1 else pd.NaT,
                "chart": chart,
                "family": family,
                "direction": m.direction,
                "unit": m.unit,
                "before": pooled_level(pre, chart),
                "after": pooled_level(post, chart),
                "n_before": len(pre),
                "n_after": len(post),
                "estimate": np.nan,
                "ci_low": np.nan,
                "ci_high": np.nan,
                "p_value": np.nan,
                "effect": "",
                "detected": False,
                "improved": False,
                "worse": False,
                "note": "combined" if len(g) > 1 else "",
                "method": "",
                "model": model
                if model in ("agree", "phases")
                else ("its" if with_trend else "phases"),
                "expected": np.nan,
                "difference": np.nan,
                "diff_low": np.nan,
                "diff_high": np.nan,
                "diff_kind": DIFF_KIND.get(chart, "difference"),
                "mde": np.nan,
            }
            if fit.its is not None and k < fit.n_groups:
                level = fit.its.table[fit.its.table["term"] == "level_change"].iloc[k]
                step = fit.its.steps.iloc[k]
                detected, improved, worse = _verdict(level, null, m.direction)
                if check is not None:
                    if check.its is not None and k < check.n_groups:
                        other = _verdict(
                            check.its.table[check.its.table["term"] == "level_change"].iloc[k],
                            null,
                            m.direction,
                        )
                    else:
                        other = (False, False, False)
                    improved, worse = improved and other[1], worse and other[2]
                    detected = improved or worse
                row.update(
                    {
                        c: level[c]
                        for c in ("estimate", "ci_low", "ci_high", "p_value", "effect", "method")
                    }
                )
                row.update(
                    detected=detected,
                    improved=improved,
                    worse=worse,
                    before=step["before"],
                    after=step["after"],
                    n_before=int(step["n_before"]),
                    n_after=int(step["n_after"]),
                    expected=step["expected"],
                )
                row.update(_shown_effect(row["diff_kind"], level, step, m.direction))
                if model == "agree":
                    row["method"] += "; claimed only when the phase comparison agrees"
            else:
                row["note"] = "too_short" if baseline_short else "too_early"
                row["method"] = (
                    fit.error or f"fewer than {min_points} points in a phase (Penfold & Zhang 2013)"
                )
            rows.append(row)
    table = pd.DataFrame(rows, columns=TEAM_COLUMNS)
    return TeamEffects(table=table, its=its_results, series=series_by)


def _shown_effect(kind: str, level: pd.Series, step: pd.Series, direction: str) -> dict:
    """The effect as readers see it: share points, relative change, or difference in units."""
    if kind == "relative":
        # a rate ratio is the same relative change in every period of the phase
        up, down = level["mde"] - 1, 1 / level["mde"] - 1
        return {
            "difference": level["estimate"] - 1,
            "diff_low": level["ci_low"] - 1,
            "diff_high": level["ci_high"] - 1,
            "mde": abs(up if direction == "up" else down),
        }
    mde = step["mde_up"] if direction == "up" else step["mde_down"]
    return {
        "difference": step["difference"],
        "diff_low": step["diff_low"],
        "diff_high": step["diff_high"],
        "mde": abs(mde),
    }


def measure_chart(ds, team: str, measure_id: str, lang: str | None = None):
    """``spc.chart`` of one measure split into phases at the team's changes to it (``ds``: a
    ``Dataset`` or the team's slice, ``Dataset.team``).

    The phases start in the period each linked change starts in (``analysis.measures``: the
    period containing the change date belongs to the change); a group of close changes starts
    one phase at its last change, see :func:`change_groups`. The phases are named in ``lang``
    ("baslinje", "efter 1"). Returns None when the measure has no data.
    """
    from .. import spc
    from ..text import t

    m = ds.measures[
        (ds.measures["team_id"] == team) & (ds.measures["measure_id"] == measure_id)
    ].iloc[0]
    chart = str(m["chart"])
    series = measure_series(ds, team, measure_id)  # absent periods come back as gaps
    if series["y"].notna().sum() == 0:
        return None
    linked = linked_changes(ds.changes[ds.changes["team_id"] == team], measure_id).reset_index(
        drop=True
    )
    starts = [change_period(d, m["frequency"]) for d in linked["date"]]
    measured = series.loc[series["y"].notna(), "period"]
    groups = change_groups(measured, starts) if starts else []
    part = pd.Series(t("effects_phase_baseline", lang), index=series.index, dtype=object)
    for g in groups:
        nos = ", ".join(str(int(n)) for n in linked.iloc[g]["change_no"])
        part[series["period"] >= starts[g[-1]]] = t("effects_phase_after", lang, nos=nos)
    data = series.assign(part=part.astype(str))
    return spc.chart(
        data,
        y="y",
        n="n" if is_ratio(chart) else None,
        x="period",
        kind=chart,
        part="part",
        source="observations.csv",
    )
