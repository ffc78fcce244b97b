"""Per team: every measure against the changes meant to move it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..dataset.series import measure_series
from ..measures import is_ratio, pooled_level
from .its import FAMILY_BY_CHART, MIN_POINTS, SeriesTooShort, interrupted_time_series

# --------------------------------------------------------------------------------------------------
# Per team: every measure against the changes meant to move it
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamEffects:
    """Result of :func:`team_effects`.

    ``table``: one row per measure and change (or group of changes too close to separate):
    team_id, measure_id, measure_name, change_no (the change where the step is placed), changes
    (all change numbers of the group, e.g. "1, 2"), change_title, change_date, phase_in_from,
    chart, family, direction, unit, before, after, n_before, n_after, estimate, ci_low, ci_high,
    p_value, effect, detected, improved, note ("" / "combined" / "too_short"), model ("its" with
    a trend, "phases" without), method.
    ``its``: measure_id -> ITSResult (measures where a model could be fitted).
    ``series``: measure_id -> the measure's series (period, y, n) as modelled.
    """

    table: pd.DataFrame
    its: dict = field(default_factory=dict)
    series: dict = field(default_factory=dict)


TEAM_COLUMNS = ["team_id", "measure_id", "measure_name", "change_no", "changes", "change_title",
                "change_date", "phase_in_from", "chart", "family", "direction", "unit", "before",
                "after", "n_before", "n_after", "estimate", "ci_low", "ci_high", "p_value", "effect",
                "detected", "improved", "note", "model", "method"]


def linked_changes(changes: pd.DataFrame, measure_id: str) -> pd.DataFrame:
    """The rows of ``changes`` (a PDSA log) whose ``measures`` list names ``measure_id``, by date."""
    if changes.empty:
        return changes
    ids = changes["measures"].fillna("").astype(str).str.split(",")
    mask = ids.apply(lambda lst: measure_id in [s.strip() for s in lst])
    return changes[mask].sort_values(["date", "change_no"])


def change_groups(periods: pd.Series, dates: Sequence, min_points: int = MIN_POINTS) -> list[list[int]]:
    """Group changes (indices into ``dates``, sorted) that are too close to be told apart.

    A change joins the group of the previous one when fewer than ``min_points`` measured periods
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

    Anhøj rules (longest run, number of crossings) via ``spc.chart(kind="run")``; a baseline
    too short to judge counts as stable (the runs rules then cannot signal either).
    """
    from .. import spc

    pre = series[series["period"] < pd.Timestamp(until)]
    if len(pre) < 2:
        return True
    try:
        res = spc.chart(pre, y="y", n="n" if is_ratio(chart) else None, x="period",
                        kind="run", rules="anhoej")
    except (ValueError, KeyError):
        return True
    return not bool(res.summary["runs_signal"].any())


def team_effects(ds, team: str, *, alpha: float = 0.05, min_points: int = MIN_POINTS,
                 slope_change: bool = False, model: str = "auto",
                 seasonality: dict | None = None) -> TeamEffects:
    """Estimate, for each measure of ``team``, the level change at the changes meant to move it.

    ``ds``: a ``Dataset``, or the team's own slice (``Dataset.team``: it has the same
    ``measures``, ``observations`` and ``changes``), which is what a report passes so that it
    depends on this team's rows only.

    One segmented regression per measure (family from the chart kind, see ``FAMILY_BY_CHART``;
    c charts without exposure, u charts with the denominator as exposure) with a level change at
    the first period on or after each linked change. Changes closer than ``min_points`` periods
    are estimated together (:func:`change_groups`); phases still shorter than ``min_points`` are
    not estimated (``note`` "too_short").

    ``model``: ``"its"`` always models a secular trend (segmented regression); ``"phases"`` never
    (phase comparison: level after vs level before); ``"auto"`` (default) compares phases when
    the baseline before the first change is stable on a run chart (Anhøj rules, see
    :func:`baseline_stable`) and models the trend otherwise. On short series a trend estimated
    from a few stable baseline points mostly adds noise to the level change.

    ``seasonality``: Fourier terms for every model (e.g. ``{"period": 12, "harmonics": 2}`` for
    monthly measures with a school-year or summer pattern), see :func:`interrupted_time_series`.

    ``detected``: the CI excludes no effect; ``improved``:
    detected and in the measure's direction of improvement. ``before``/``after``: pooled level
    (share, rate or mean) in the phase before the (first) change and after the (last) one, up to
    the next group.
    """
    measures = ds.measures[ds.measures["team_id"] == team]
    changes = ds.changes[ds.changes["team_id"] == team]
    if changes.empty:
        return TeamEffects(table=pd.DataFrame(columns=TEAM_COLUMNS))
    rows, its_results, series_by = [], {}, {}
    for m in measures.itertuples(index=False):
        chart = str(m.chart)
        family = FAMILY_BY_CHART.get(chart, "gaussian")
        series = measure_series(ds, team, m.measure_id, complete=False).dropna(subset=["y"]).reset_index(drop=True)
        series_by[m.measure_id] = series
        linked = linked_changes(changes, m.measure_id).reset_index(drop=True)
        if linked.empty:
            continue
        dates = [pd.Timestamp(d) for d in linked["date"]]
        if model not in ("auto", "its", "phases"):
            raise ValueError(f"model must be 'auto', 'its' or 'phases', not {model!r}")
        with_trend = model == "its" or (model == "auto" and not baseline_stable(series, dates[0], chart))
        groups = change_groups(series["period"], dates, min_points)
        periods = series["period"]
        # drop groups from the end while a phase is too short (the last phase is the usual culprit)
        fitted_groups = list(groups)
        its, error = None, ""
        while fitted_groups:
            steps = [dates[g[-1]] for g in fitted_groups]
            phase_in = [p for g in fitted_groups if len(g) > 1
                        for p in periods[(periods >= dates[g[0]]) & (periods < dates[g[-1]])]]
            try:
                its = interrupted_time_series(
                    series, y="y", time="period", intervention=steps,
                    exposure="n" if family == "poisson" and chart != "c" else None,
                    denominator="n" if family == "binomial" else None, family=family,
                    slope_change=slope_change and with_trend, trend=with_trend,
                    min_points=min_points, alpha=alpha, seasonality=seasonality,
                    exclude=phase_in, label=str(m.measure_id))
                break
            except SeriesTooShort as exc:
                error = str(exc)
                its = None
                fitted_groups.pop()
        if its is not None:
            its_results[m.measure_id] = its
            levels = its.table[its.table["term"] == "level_change"].reset_index(drop=True)
        null = 0.0 if family == "gaussian" else 1.0
        for k, g in enumerate(groups):
            first, last = dates[g[0]], dates[g[-1]]
            prev = dates[groups[k - 1][-1]] if k > 0 else None
            nxt = dates[groups[k + 1][0]] if k + 1 < len(groups) else None
            pre = series[(periods < first) & ((periods >= prev) if prev is not None else True)]
            post = series[(periods >= last) & ((periods < nxt) if nxt is not None else True)]
            sub = linked.iloc[g]
            row = {"team_id": team, "measure_id": m.measure_id, "measure_name": m.measure_name,
                   "change_no": int(sub["change_no"].iloc[-1]),
                   "changes": ", ".join(str(int(c)) for c in sub["change_no"]),
                   "change_title": " / ".join(str(x) for x in sub["title"]),
                   "change_date": last, "phase_in_from": first if len(g) > 1 else pd.NaT,
                   "chart": chart, "family": family, "direction": m.direction, "unit": m.unit,
                   "before": pooled_level(pre, chart), "after": pooled_level(post, chart),
                   "n_before": len(pre), "n_after": len(post),
                   "estimate": np.nan, "ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan,
                   "effect": "", "detected": False, "improved": False,
                   "note": "combined" if len(g) > 1 else "", "method": "",
                   "model": "its" if with_trend else "phases"}
            if its is not None and k < len(fitted_groups):
                est = levels.iloc[k]
                detected = bool(est["ci_low"] > null or est["ci_high"] < null)
                row.update({c: est[c] for c in ("estimate", "ci_low", "ci_high", "p_value", "effect", "method")})
                row["detected"] = detected
                row["improved"] = detected and ((est["estimate"] > null) == (m.direction == "up"))
            else:
                row["note"] = "too_short"
                row["method"] = error or f"fewer than {min_points} points in a phase (Penfold & Zhang 2013)"
            rows.append(row)
    table = pd.DataFrame(rows, columns=TEAM_COLUMNS)
    return TeamEffects(table=table, its=its_results, series=series_by)



def measure_chart(ds, team: str, measure_id: str, lang: str | None = None):
    """``spc.chart`` of one measure split into phases at the team's changes to it (``ds``: a
    ``Dataset`` or the team's slice, ``Dataset.team``).

    The phases start at each linked change (a group of close changes starts one phase at its
    last change, see :func:`change_groups`); they are named in ``lang`` ("baslinje", "efter 1").
    Returns None when the measure has no data.
    """
    from .. import spc
    from ..text import t

    m = ds.measures[(ds.measures["team_id"] == team) & (ds.measures["measure_id"] == measure_id)].iloc[0]
    chart = str(m["chart"])
    series = measure_series(ds, team, measure_id)  # absent periods come back as gaps
    if series["y"].notna().sum() == 0:
        return None
    linked = linked_changes(ds.changes[ds.changes["team_id"] == team], measure_id).reset_index(drop=True)
    dates = [pd.Timestamp(d) for d in linked["date"]]
    measured = series.loc[series["y"].notna(), "period"]
    groups = change_groups(measured, dates) if dates else []
    part = pd.Series(t("effects_phase_baseline", lang), index=series.index, dtype=object)
    for g in groups:
        nos = ", ".join(str(int(n)) for n in linked.iloc[g]["change_no"])
        part[series["period"] >= dates[g[-1]]] = t("effects_phase_after", lang, nos=nos)
    data = series.assign(part=part.astype(str))
    return spc.chart(data, y="y", n="n" if is_ratio(chart) else None, x="period",
                     kind=chart, part="part", source="observations.csv")
