"""Report helpers: what team_effects.ipynb shows (frames and dicts; texts via analysis.text)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ..measures import baseline_mask, change_period, first_change_period
from .its import MIN_POINTS
from .team import TeamEffects, _level, change_groups, linked_changes

# --------------------------------------------------------------------------------------------------
# Report helpers: what team_effects.ipynb shows (frames and dicts; texts via analysis.text)
# --------------------------------------------------------------------------------------------------

RATIO_CHARTS = ("p", "pp", "u", "up")


def measure_chart(ds, team: str, measure_id: str, result: TeamEffects | None = None):
    """``spc.chart`` of one measure split into phases at the team's changes to it.

    The phases start in the period each linked change starts in (``analysis.measures``: the
    period containing the change date belongs to the change); a group of close changes starts
    one phase at its last change, see :func:`change_groups`. Returns None when the measure has
    no data.
    """
    from .. import spc
    from ..dataset import measure_series
    from ..text import t

    m = ds.measures[(ds.measures["team_id"] == team) & (ds.measures["measure_id"] == measure_id)].iloc[0]
    chart = str(m["chart"])
    series = measure_series(ds, team, measure_id)  # absent periods come back as gaps
    if series["y"].notna().sum() == 0:
        return None
    linked = linked_changes(ds.changes[ds.changes["team_id"] == team], measure_id).reset_index(drop=True)
    starts = [change_period(d, m["frequency"]) for d in linked["date"]]
    measured = series.loc[series["y"].notna(), "period"]
    groups = change_groups(measured, starts) if starts else []
    part = pd.Series(t("effects_phase_baseline"), index=series.index, dtype=object)
    for g in groups:
        nos = ", ".join(str(int(n)) for n in linked.iloc[g]["change_no"])
        part[series["period"] >= starts[g[-1]]] = t("effects_phase_after", nos=nos)
    data = series.assign(part=part.astype(str))
    return spc.chart(data, y="y", n="n" if chart in RATIO_CHARTS else None, x="period",
                     kind=chart, part="part", source="observations.csv")


def _target_text(m, series: pd.DataFrame | None, linked: pd.DataFrame, lang: str | None) -> str:
    """The level of the latest phase against the measure's target ("" without a target)."""
    from ..text import effects as text_effects
    from ..text import t

    if pd.isna(m.target) or series is None or series.empty:
        return ""
    last = series if linked.empty else series[series["period"] >= change_period(linked["date"].max(), m.frequency)]
    level = _level(last if len(last) else series, str(m.chart))
    reached = level >= m.target if m.direction == "up" else level <= m.target
    return t("effects_target_reached" if reached else "effects_target_not_reached", lang,
             level=text_effects.format_level(level, str(m.chart), m.unit, lang),
             target=text_effects.format_level(float(m.target), str(m.chart), m.unit, lang))


def report_items(ds, team: str, result: TeamEffects, lang: str | None = None) -> list[dict]:
    """One dict per measure of ``team`` for the report.

    Keys: measure_id, title, chart (spc ChartResult or None), changes (the PDSA rows linked to
    the measure, for markers), target, direction, its (ITSResult or None), as_percent,
    change_labels, verdicts (sentences), target_text (latest phase against the target, "" without
    a target), note (how the estimate was made).
    """
    from ..text import effects as text_effects
    from ..text import t

    items = []
    for m in ds.measures[ds.measures["team_id"] == team].itertuples(index=False):
        rows = result.table[result.table["measure_id"] == m.measure_id]
        linked = linked_changes(ds.changes[ds.changes["team_id"] == team], m.measure_id)
        its = result.its.get(m.measure_id)
        labels = [t("effects_change_marker", no=c, lang=lang)
                  for c in rows.loc[~rows["note"].isin(["too_short", "too_early"]), "changes"]]
        note = ""
        if not rows.empty:
            note = t(f"effects_model_{rows['model'].iloc[0]}", lang)
            if (rows["note"] == "combined").any():
                note += " " + t("effects_combined_note", lang, min=MIN_POINTS)
        target_text = _target_text(m, result.series.get(m.measure_id), linked, lang)
        items.append({
            "measure_id": m.measure_id,
            "title": f"{m.measure_name} ({t(str(m.measure_type), lang)})",
            "chart": measure_chart(ds, team, m.measure_id),
            "changes": linked[["change_no", "date", "title"]].reset_index(drop=True),
            "target": None if pd.isna(m.target) else float(m.target),
            "direction": m.direction,
            "its": its,
            "as_percent": str(m.chart) in ("p", "pp"),
            "change_labels": labels,
            "verdicts": [text_effects.measure_verdict(r, lang) for r in rows.to_dict("records")]
            or [t("effects_no_linked_changes", lang)],
            "target_text": target_text,
            "note": note,
        })
    return items


def effects_table(table: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """``team_effects(...).table`` as a report table (localised columns, formatted values).

    The verdict comes first (narrow screens). The levels are those the estimate is about (the
    change's own phase and the one before; the number of points in brackets), the expected level
    is the model's without the change, and the difference is shown on the measure's scale
    (percentage points, percent, or the measure's unit) with its 95 % CI in brackets. The
    p-value stays in ``team_effects(...).table``: the interval says the same.
    """
    from ..text import effects as text_effects
    from ..text import t

    out = []
    for r in table.to_dict("records"):
        kind = r.get("diff_kind") or "difference"
        difference = text_effects.format_effect(r.get("difference"), kind, r["unit"], lang)
        interval = text_effects.format_interval(r.get("diff_low"), r.get("diff_high"), kind, lang)
        out.append({
            t("effects_col_measure", lang): r["measure_name"],
            t("effects_col_change", lang): r["changes"],
            t("effects_col_verdict", lang): text_effects.short_verdict(r, lang),
            t("effects_col_before_points", lang):
            text_effects.format_level(r["before"], r["chart"], r["unit"], lang) + f" ({r['n_before']})",
            t("effects_col_after_points", lang):
            text_effects.format_level(r["after"], r["chart"], r["unit"], lang) + f" ({r['n_after']})",
            t("effects_col_expected", lang): text_effects.format_level(r.get("expected"), r["chart"], r["unit"], lang),
            t("effects_col_effect", lang): difference if interval == "–" else f"{difference} ({interval})",
            t("effects_col_mde", lang): text_effects.format_effect(r.get("mde"), kind, r["unit"], lang, signed=False),
        })
    return pd.DataFrame(out)


def waves_table(frame: pd.DataFrame, lang: str | None = None, by: Sequence[str] = (),
                survey=None) -> pd.DataFrame:
    """``survey_waves(...)`` as a report table; suppressed rows show ``..``.

    With ``survey``, the shares carry the marks of their survey cells (count and base of each
    wave) for the privacy auditor (:mod:`analysis.privacy.marks`).
    """
    from ..text import effects as text_effects
    from ..text import number, percent, t

    rows, marks = [], {}
    col_before, col_after = t("effects_col_before", lang), t("effects_col_after", lang)
    for i, r in enumerate(frame.to_dict("records")):
        hidden = bool(r["suppressed"])
        row = {t("effects_col_subgroup", lang): " / ".join(str(r.get(f"{b}_label", r[b])) for b in by)} if by else {}
        row.update({
            t("effects_col_item", lang): r["item_label"],
            col_before: ".." if hidden else percent(r["p_before"], 0, lang),
            col_after: ".." if hidden else percent(r["p_after"], 0, lang),
            t("effects_col_diff", lang): ".." if hidden else number(r["diff_pp"], 1, lang),
            t("effects_col_ci_waves", lang): ".." if hidden else
            f"{number(r['ci_low_pp'], 1, lang)} – {number(r['ci_high_pp'], 1, lang)}"
            + (f" ({text_effects.ci_level(r['ci_level'], lang)})" if pd.notna(r.get("ci_level")) else ""),
            t("effects_col_p_adjusted", lang): ".." if hidden else text_effects.format_p(r["p_adjusted"], lang),
            t("effects_col_mdd", lang): ".." if hidden else number(r["mdd_pp"], 1, lang),
        })
        rows.append(row)
        if survey is not None:
            for column, wave, which in ((col_before, r["wave_before"], "before"), (col_after, r["wave_after"], "after")):
                marks[(i, column)] = _wave_mark(survey, r, by, wave, which, hidden)
    out = pd.DataFrame(rows)
    if survey is not None:
        out.attrs["marks"] = marks
        out.attrs["survey"] = survey.id
    return out


def _wave_mark(survey, r: dict, by: Sequence[str], wave: str, which: str, hidden: bool):
    from ..privacy.marks import Mark
    from ..surveys.cells import BASE, CellKey, group_of

    group = group_of(survey.codebook, {"wave": wave, **{b: r[b] for b in by}})

    def count(v):
        return None if v is None or pd.isna(v) else int(v)

    return Mark(CellKey(survey.id, r["question_id"], r["option"], group).to_json(),
                None if hidden else count(r[f"n_{which}"]), "share",
                CellKey(survey.id, r["question_id"], BASE, group).to_json(), count(r[f"base_{which}"]))


def poster(ds, team: str, result: TeamEffects, diagram=None, lang: str | None = None) -> dict[str, list[str]]:
    """The one-page summary in the network's poster template: heading -> lines of text.

    Headings (labels ``effects_poster_*``): förbättringsområde, bakgrund, nuläge, analys av nuläge,
    prioriterade förändringar som testats, resultat kopplat till det övergripande målet.
    """
    from ..text import effects as text_effects
    from ..text import t

    info = ds.teams[ds.teams["team_id"] == team].iloc[0]
    munis = dict(zip(ds.municipalities["municipality_code"].astype(str),
                     ds.municipalities["municipality_name"].astype(str), strict=True))
    area = str(info["focus_area"])
    area_label = t(area, lang) if area in ("fullföljda studier", "psykisk hälsa", "fysisk aktivitet") else area
    aim = info.get("aim")
    start = pd.Timestamp(info["start_date"]).strftime("%Y-%m-%d") if pd.notna(info["start_date"]) else "–"
    sections: dict[str, list[str]] = {
        t("effects_poster_area", lang): [area_label]
        + ([f"{t('effects_aim', lang)}: {aim}"] if isinstance(aim, str) and aim.strip() else []),
        t("effects_poster_background", lang): [t(
            "effects_poster_background_text", lang, team=info["team_name"],
            municipality=munis.get(str(info["municipality_code"]), t("county", lang)),
            area=area_label, start=start)],
    }
    baseline = []
    for m in ds.measures[ds.measures["team_id"] == team].itertuples(index=False):
        series = result.series.get(m.measure_id)
        if series is None or series.empty:
            continue
        start = first_change_period(ds.changes, team, m.measure_id, m.frequency)
        pre = series[baseline_mask(series["period"], start).to_numpy()]
        baseline.append(t("effects_poster_baseline_text", lang, measure=m.measure_name,
                          value=text_effects.format_level(_level(pre, str(m.chart)), str(m.chart), m.unit, lang),
                          n=len(pre)))
    sections[t("effects_poster_baseline", lang)] = baseline or [t("effects_no_measures", lang)]
    if diagram is not None:
        nodes = diagram.nodes
        sections[t("effects_poster_analysis", lang)] = [t(
            "effects_poster_drivers_text", lang, primary=int((nodes["level"] == "primary").sum()),
            secondary=int((nodes["level"] == "secondary").sum()), ideas=int((nodes["level"] == "idea").sum()))]
        sections[t("effects_poster_analysis", lang)] += [
            f"{t('effects_primary_driver', lang)}: {x}" for x in nodes.loc[nodes["level"] == "primary", "text"]]
    else:
        sections[t("effects_poster_analysis", lang)] = [t("effects_poster_no_drivers", lang)]
    log = ds.changes[ds.changes["team_id"] == team].sort_values(["change_no", "date"])
    sections[t("effects_poster_changes", lang)] = [
        t("effects_poster_change_text", lang, no=int(c.change_no), title=c.title,
          date=pd.Timestamp(c.date).strftime("%Y-%m-%d"), step=t(str(c.pdsa_step), lang))
        for c in log.itertuples(index=False)] or [t("no_changes", lang)]
    results = [text_effects.measure_verdict(r, lang) for r in result.table.to_dict("records")
               if r["note"] not in ("too_short", "too_early")]
    targets = [_target_text(m, result.series.get(m.measure_id),
                            linked_changes(ds.changes[ds.changes["team_id"] == team], m.measure_id), lang)
               for m in ds.measures[ds.measures["team_id"] == team].itertuples(index=False)]
    sections[t("effects_poster_results", lang)] = (results or [t("effects_verdict_none", lang)]) + [
        f"{m}" for m in targets if m] + [t("effects_poster_county_aim", lang)]
    return sections

