"""Report helpers: Dataset in, display frames and texts out (every label through analysis.text)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from ..privacy.rules import SUPPRESSED
from .baseline import MIN_BASELINE_POINTS, baseline_chart, baseline_summary, first_change
from .detect import required_n
from .progress import STATUSES

__all__ = ["indicator_chart_items", "SURVEY_KEYWORDS", "team_surveys", "teams_table", "teams_by_area", "municipalities_table", "network_count", "overview_table", "kpi_title", "baseline_table", "baseline_items", "measures_overview", "changes_table", "gap_display", "gap_sections", "status_counts", "detect_display", "ideas_table", "team_facts", "baseline_intro", "survey_goal_notes", "goal_chart_items", "DETECT_N", "detect_text", "team_survey_tables"]



#: Which surveys belong to a team's area, by words in the team's name (lower case). A codebook
#: could say it itself one day; until then this is the one place that decides it.
SURVEY_KEYWORDS = {
    "parents": ("familjecentral", "föräldra"),
    "coordinators": ("familjecentral",),
    "pupils": ("skola", "skolan", "elev"),
}


def team_surveys(team: pd.Series | dict, surveys: Iterable[str]) -> list[str]:
    """Survey ids (of ``surveys``) that belong to ``team``'s area, see :data:`SURVEY_KEYWORDS`."""
    name = f"{team['team_name']} {team.get('aim', '') or ''}".lower()
    return [s for s in surveys if any(word in name for word in SURVEY_KEYWORDS.get(s, ()))]


def _muni_names(municipalities: pd.DataFrame) -> dict[str, str]:
    from ..text import t

    names = dict(zip(municipalities["municipality_code"].astype(str),
                     municipalities["municipality_name"].astype(str), strict=True))
    names.setdefault("0006", t("county"))
    return names


def teams_table(teams: pd.DataFrame, municipalities: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """The teams with municipality, focus area, cohort and start date, for a report."""
    from ..text import t

    names = _muni_names(municipalities)
    frame = teams.sort_values(["cohort", "focus_area", "team_name"])
    return pd.DataFrame({
        t("team", lang): frame["team_name"].astype(str),
        t("municipality", lang): [names.get(str(c), str(c)) for c in frame["municipality_code"]],
        t("focus_area", lang): [t(str(a), lang) if str(a) in _known_labels() else str(a)
                                for a in frame["focus_area"]],
        t("cohort", lang): [str(int(c)) if pd.notna(c) else None for c in frame["cohort"]],
        t("start_date", lang): list(frame["start_date"]),
    })


def _known_labels() -> set[str]:
    from ..text import LABELS

    return set(LABELS)


def teams_by_area(teams: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """Number of teams per focus area (rows) and cohort (columns), with totals."""
    from ..text import t

    counts = pd.crosstab(teams["focus_area"].astype(str), teams["cohort"].astype("Int64"))
    counts.columns = [str(c) for c in counts.columns]
    counts["Σ"] = counts.sum(axis=1)
    out = counts.reset_index().rename(columns={"focus_area": t("focus_area", lang)})
    first = out.columns[0]
    out[first] = [t(a, lang) if a in _known_labels() else a for a in out[first]]
    return out.astype({c: "int64" for c in out.columns[1:]})


def municipalities_table(municipalities: pd.DataFrame, teams: pd.DataFrame,
                         lang: str | None = None) -> pd.DataFrame:
    """Each municipality of the county: in the network or not, and its teams."""
    from ..text import t

    rows = []
    for m in municipalities.sort_values("municipality_name").itertuples(index=False):
        own = teams.loc[teams["municipality_code"] == m.municipality_code, "team_name"]
        rows.append({t("municipality", lang): m.municipality_name,
                     t("goals_col_in_network", lang): bool(m.in_network),
                     t("goals_col_teams", lang): ", ".join(own.astype(str)) or "–"})
    return pd.DataFrame(rows)


def network_count(municipalities: pd.DataFrame) -> tuple[int, int]:
    """``(in the network, in the county)``: 11 of 13 in the programme."""
    return int(municipalities["in_network"].astype(bool).sum()), len(municipalities)


def _trend_text(slope: float, low: float, high: float, lang: str | None) -> str:
    from ..text import number

    if not np.isfinite(slope):
        return "–"
    body = f"{'+' if slope > 0 else ''}{number(slope, 1, lang)}"
    if np.isfinite(low) and np.isfinite(high):
        body += f" ({number(low, 1, lang)} – {number(high, 1, lang)})"
    return body


def overview_table(overview: pd.DataFrame, kpi: str, lang: str | None = None) -> pd.DataFrame:
    """One KPI of :func:`indicator_overview` for a report (women/men columns only when present)."""
    from ..text import number, t

    part = overview[overview["kpi"] == kpi].sort_values(["position", "municipality_name"],
                                                         na_position="last")
    rows = []
    for r in part.itertuples(index=False):
        row = {t("municipality", lang): r.municipality_name,
               t("goals_col_in_network", lang): bool(r.in_network),
               t("goals_col_latest_year", lang): str(r.latest_year),
               t("latest_value", lang): number(r.latest, 1, lang),
               t("goals_col_trend", lang): _trend_text(r.slope_pp, r.ci_low, r.ci_high, lang),
               t("goals_col_county", lang): number(r.county, 1, lang),
               t("goals_col_position", lang): (f"{int(r.position)}/{r.n_ranked}"
                                               if pd.notna(r.position) else "–")}
        if part["women"].notna().any() or part["men"].notna().any():
            row[t("goals_col_women", lang)] = number(r.women, 1, lang)
            row[t("goals_col_men", lang)] = number(r.men, 1, lang)
        rows.append(row)
    return pd.DataFrame(rows)


def indicator_chart_items(indicators: pd.DataFrame, kpis: pd.DataFrame, municipalities: pd.DataFrame,
                          county_code: str = "0006", lang: str | None = None) -> list[dict]:
    """One item per KPI for :func:`analysis.plots.indicator_panels`: series, names, title, unit.

    The series holds the 13 municipalities (gender T) by name, each year with the county's value.
    """
    names = _muni_names(municipalities)
    items = []
    total = indicators[indicators["gender"] == "T"]
    for kpi, part in total.groupby("kpi", sort=True):
        county = part[part["municipality_code"] == county_code].set_index("period")["value"]
        muni = part[part["municipality_code"].isin(municipalities["municipality_code"])]
        if muni.empty:
            continue
        muni = muni.assign(year=muni["period"].astype("int64"),
                           county=muni["period"].map(county).astype(float),
                           _name=muni["municipality_code"].map(names))
        muni = muni.sort_values(["_name", "year"]).drop(columns="_name")
        info = kpis[kpis["kpi"] == kpi]
        items.append({"kpi": kpi, "series": muni[["municipality_code", "year", "value", "county"]],
                      "names": names, "title": kpi_title(kpis, kpi, lang),
                      "unit": str(info["unit"].iloc[0]) if len(info) else ""})
    return items


def kpi_title(kpis: pd.DataFrame, kpi: str, lang: str | None = None) -> str:
    """``"N17461 Gymnasieelever med examen inom 4 år (%)"`` in the report language."""
    from ..text import get_language

    lang = lang or get_language()
    info = kpis[kpis["kpi"] == kpi]
    if info.empty:
        return kpi
    title = info[f"title_{lang}"].iloc[0] if f"title_{lang}" in info else info["title_sv"].iloc[0]
    title = title if pd.notna(title) and str(title).strip() else info["title_sv"].iloc[0]
    unit = str(info["unit"].iloc[0]) if pd.notna(info["unit"].iloc[0]) else ""
    # Kolada's own titles end in their unit ("andel (%)", "antal/1000 inv"): not twice
    said = (unit == "%" and str(title).rstrip().endswith("(%)")) or bool(
        re.search(r"antal\s*/|kr\s*/\s*inv|per 1[ ,]?000|per resident", str(title)))
    return f"{kpi} {title}" if said or not unit else f"{kpi} {title} ({unit})"


def _value_text(value: float, unit: str, lang: str | None) -> str:
    from ..text import get_language, number

    if value is None or not np.isfinite(value):
        return "–"
    if unit != "%":
        return number(value, 1, lang)
    return f"{number(value, 1, lang)}\u00a0%" if (lang or get_language()) == "sv" else f"{number(value, 1, lang)}%"


def _verdict_text(row: pd.Series | dict, lang: str | None, min_points: int = MIN_BASELINE_POINTS) -> str:
    from ..text import t

    if row["verdict"] == "too_few":
        return t("goals_verdict_too_few", lang, n=int(row["n_points"]), min=min_points)
    return t(f"goals_verdict_{row['verdict']}", lang)


def baseline_table(summary: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """:func:`baseline_summary` for a report: period, points, centre, verdict, completeness."""
    from ..text import percent, t

    rows = []
    for r in summary.to_dict("records"):
        period = ("–" if pd.isna(r["baseline_start"]) else
                  f"{r['baseline_start']:%Y-%m-%d} – {r['baseline_end']:%Y-%m-%d}")
        complete = (r["n_points"] / r["n_expected"]) if r["n_expected"] else np.nan
        missing = ", ".join(f"{p:%Y-%m-%d}" for p in r["missing_periods"][:6])
        if len(r["missing_periods"]) > 6:
            missing += f" … (+{len(r['missing_periods']) - 6})"
        rows.append({
            t("measure", lang): r["measure_name"],
            t("measure_type", lang): t(r["measure_type"], lang) if r["measure_type"] in _known_labels() else r["measure_type"],
            t("goals_col_chart", lang): str(r["chart"]).upper() if r["chart"] != "run" else "run",
            t("goals_col_baseline_period", lang): period,
            t("goals_col_n_points", lang): int(r["n_points"]),
            t("goals_col_centre", lang): (f"{_value_text(r['centre'], r['unit'], lang)} "
                                          f"({t('goals_centre_' + r['centre_kind'], lang)})"),
            t("goals_col_verdict", lang): _verdict_text(r, lang),
            t("goals_col_completeness", lang): percent(complete, 0, lang),
            t("goals_col_missing", lang): missing or t("goals_none_missing", lang),
        })
    return pd.DataFrame(rows)


def baseline_items(dataset, team_id: str, lang: str | None = None) -> list[dict]:
    """What the baseline report shows per measure of ``team_id``, in measure order.

    Each item: measure_id, title, chart (``spc.ChartResult`` of the baseline run chart, None with
    fewer than two points), target (in the chart's unit), direction, unit, too_few (fewer than
    ``MIN_BASELINE_POINTS``: draw ``plots.baseline_points``, no verdict), verdict (text), note
    (the "needs more points" text or the runs detail).
    """
    from ..text import t
    from ..text.spc import verdict as spc_verdict

    summary = baseline_summary(dataset.measures, dataset.observations, dataset.changes, team_id)
    items = []
    for r in summary.to_dict("records"):
        measure = dataset.measures[(dataset.measures["team_id"] == team_id)
                                   & (dataset.measures["measure_id"] == r["measure_id"])].iloc[0]
        chart = baseline_chart(dataset.observations, measure, dataset.changes)
        target = r["target"] * r["multiply"] if pd.notna(r["target"]) else None
        if r["verdict"] == "too_few":
            note = t("goals_too_few_note", lang, measure=r["measure_name"], n=int(r["n_points"]),
                     min=MIN_BASELINE_POINTS)
        else:
            note = spc_verdict(chart.summary.iloc[0], lang)
        items.append({"measure_id": r["measure_id"], "title": str(r["measure_name"]), "chart": chart,
                      "target": target, "direction": r["direction"], "unit": str(r["unit"]),
                      "too_few": r["verdict"] == "too_few",
                      "verdict": f"{t('goals_col_verdict', lang)}: {_verdict_text(r, lang)}",
                      "note": note})
    return items


def measures_overview(dataset, lang: str | None = None) -> pd.DataFrame:
    """Every team's measures with the latest value and the baseline verdict (county report)."""
    from ..text import t

    names = dict(zip(dataset.teams["team_id"], dataset.teams["team_name"], strict=True))
    rows = []
    for team_id in dataset.teams["team_id"]:
        summary = baseline_summary(dataset.measures, dataset.observations, dataset.changes, team_id)
        for r in summary.to_dict("records"):
            rows.append({
                t("team", lang): names[team_id], t("measure", lang): r["measure_name"],
                t("measure_type", lang): t(r["measure_type"], lang) if r["measure_type"] in _known_labels() else r["measure_type"],
                t("period", lang): r["latest_period"],
                t("latest_value", lang): _value_text(r["latest_value"], r["unit"], lang),
                t("goals_col_verdict", lang): _verdict_text(r, lang),
            })
    return pd.DataFrame(rows)


def changes_table(changes: pd.DataFrame, team_id: str, measures: pd.DataFrame | None = None,
                  lang: str | None = None) -> pd.DataFrame:
    """The team's PDSA log for a report: number, date, change, step, measures."""
    from ..text import t

    log = changes[changes["team_id"] == team_id].sort_values(["change_no", "date"])
    names = {}
    if measures is not None:
        own = measures[measures["team_id"] == team_id]
        names = dict(zip(own["measure_id"], own["measure_name"], strict=True))
    return pd.DataFrame({
        t("change_no", lang): [int(n) for n in log["change_no"]],
        t("date", lang): list(log["date"]),
        t("title", lang): log["title"].astype(str).tolist(),
        t("pdsa_step", lang): [t(str(s), lang) for s in log["pdsa_step"]],
        t("measures", lang): [", ".join(names.get(m.strip(), m.strip()) for m in str(v).split(",") if m.strip())
                              for v in log["measures"].fillna("")],
    })


def _suppressed(row: dict) -> bool:
    value = row.get("suppressed")
    return bool(pd.notna(value) and value)


def gap_display(table: pd.DataFrame, municipalities: pd.DataFrame, lang: str | None = None,
                with_goal: bool = True) -> pd.DataFrame:
    """:func:`gap_table` for a report: goal, where, current, target, gap, deadline, status, trend."""
    from ..text import get_language, percent, t

    lang = lang or get_language()
    names = _muni_names(municipalities)
    rows = []
    for r in table.to_dict("records"):
        where = names.get(str(r["municipality_code"]), "") if pd.notna(r["municipality_code"]) else ""
        met = r.get("met_by_deadline")
        basis = _basis_text(r, lang)
        pace = r.get("pace")
        hidden = _suppressed(r)  # a survey goal resting on a count of 1..min_count-1
        row = {t("goals_col_goal", lang): r[f"title_{lang}"] if pd.notna(r.get(f"title_{lang}")) else r["title_sv"]}
        if not with_goal:
            row = {}
        row.update({
            t("municipality", lang): where or "–",
            t("goals_col_detail", lang): basis,
            t("goals_col_current", lang): SUPPRESSED if hidden else _value_text(r["current"], r["unit"], lang),
            t("goals_col_current_period", lang): r["current_period"] if pd.notna(r["current_period"]) else "–",
            t("goals_col_target", lang): _value_text(r["target"], r["unit"], lang),
            t("goals_col_gap", lang): SUPPRESSED if hidden else _gap_text(r["gap"], r["unit"], lang),
            t("goals_col_deadline", lang): r["deadline"],
            t("goals_col_status", lang): t(f"goals_status_{r['status']}", lang),
            t("goals_col_method", lang): t(f"goals_rule_{r['status_rule']}", lang)
            if isinstance(r.get("status_rule"), str) else "–",
            t("goals_col_share_achieved", lang): percent(r["share_achieved"], 0, lang),
            t("goals_col_trend", lang): _trend_text(r["slope_pp"], r["ci_low"], r["ci_high"], lang)
            if np.isfinite(r["slope_pp"]) else "–",
            t("goals_col_pace_short", lang): t(f"goals_pace_{pace}", lang) if pd.notna(pace) else "–",
            t("goals_col_met_by_deadline", lang): None if pd.isna(met) else bool(met),
        })
        rows.append(row)
    return pd.DataFrame(rows)


def _basis_text(r: dict, lang: str | None) -> str:
    """What a gap row stands on: the counts of a survey, the baseline of an indicator (and which
    year stood in for a missing baseline year)."""
    from ..text import number, t
    from ..text.goals import survey_count

    if pd.notna(r.get("count")) and pd.notna(r.get("base")):
        text = survey_count(r, lang)
        if np.isfinite(r.get("baseline", np.nan)) and pd.notna(r.get("baseline_period")):
            text += "; " + t("goals_detail_baseline", lang, year=r["baseline_period"],
                             value=number(r["baseline"], 1, lang))
        return text
    if r.get("detail"):
        return str(r["detail"])
    year = r.get("baseline_year_used")
    if pd.isna(year):
        year = r.get("baseline_year")
    if pd.notna(year) and np.isfinite(r["baseline"]):
        text = t("goals_detail_baseline", lang, year=int(year), value=number(r["baseline"], 1, lang))
        note = r.get("baseline_note") or ""
        if note:
            text += " " + t(f"goals_baseline_{note}", lang, year=int(r["baseline_year"]))
        return text
    return "–"


def gap_sections(table: pd.DataFrame, municipalities: pd.DataFrame,
                 lang: str | None = None) -> list[tuple[str, pd.DataFrame]]:
    """The gap table split per goal: ``[(goal title, display frame without the goal column)]``."""
    from ..text import get_language

    lang = lang or get_language()
    out = []
    for goal_id in table["goal_id"].drop_duplicates():
        part = table[table["goal_id"] == goal_id]
        title = part[f"title_{lang}"].iloc[0]
        title = title if pd.notna(title) else part["title_sv"].iloc[0]
        frame = gap_display(part, municipalities, lang, with_goal=False)
        empty = [c for c in frame.columns if (frame[c].isna() | (frame[c].astype(str) == "–")).all()]
        frame = frame.drop(columns=empty)
        out.append((str(title), frame))
    return out


def _gap_text(gap: float, unit: str, lang: str | None) -> str:
    from ..text import number, t

    if gap is None or not np.isfinite(gap):
        return "–"
    return f"{number(gap, 1, lang)} {t('goals_unit_pp', lang) if unit == '%' else unit}"


def status_counts(table: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """How many goal rows have each status, per goal."""
    from ..text import get_language, t

    lang = lang or get_language()
    counts = pd.crosstab(table["goal_id"], table["status"]).reindex(columns=list(STATUSES), fill_value=0)
    counts = counts.loc[:, counts.sum() > 0]
    titles = table.drop_duplicates("goal_id").set_index("goal_id")[f"title_{lang}"]
    counts.index = [titles.get(g, g) for g in counts.index]
    counts.columns = [t(f"goals_status_{s}", lang) for s in counts.columns]
    return counts.reset_index(names=t("goals_col_goal", lang)).astype(
        {t(f"goals_status_{s}", lang): "int64" for s in STATUSES if t(f"goals_status_{s}", lang) in counts.columns})


def detect_display(table: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """:func:`detectability_table` for a report."""
    from ..text import number, t

    return pd.DataFrame({t("goals_col_n_per_group", lang): [int(n) for n in table["n"]],
                         t("goals_col_mdc", lang): [number(v, 1, lang) for v in table["mdc_pp"]]})


def ideas_table(ideas: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """:func:`analysis.drivers.idea_status` for a report."""
    from ..text import t

    return pd.DataFrame({
        t("goals_col_idea", lang): [f"{i}: {x}" for i, x in zip(ideas["node_id"], ideas["text"], strict=True)],
        t("goals_col_state", lang): [t(f"goals_idea_{s}", lang) for s in ideas["state"]],
        t("goals_col_changes", lang): [", ".join(map(str, c)) or "–" for c in ideas["changes"]],
        t("goals_col_measures", lang): [", ".join(m) or "–" for m in ideas["measures"]],
    })


def team_facts(team: pd.Series | dict, municipalities: pd.DataFrame, lang: str | None = None) -> list[str]:
    """Short lines about a team for the top of its report: municipality, area, cohort, aim."""
    from ..text import t

    names = _muni_names(municipalities)
    area = str(team["focus_area"])
    lines = [f"{t('municipality', lang)}: {names.get(str(team['municipality_code']), team['municipality_code'])}",
             f"{t('focus_area', lang)}: {t(area, lang) if area in _known_labels() else area}",
             f"{t('cohort', lang)}: {team['cohort']}"]
    aim = team.get("aim")
    if aim is not None and pd.notna(aim) and str(aim).strip():
        lines.append(f"{t('goals_driver_aim', lang)}: {aim}")
    return lines


def baseline_intro(changes: pd.DataFrame, team_id: str, lang: str | None = None) -> str:
    """The sentence that says where the team's baseline ends."""
    from ..text import t

    first = first_change(changes, team_id)
    if pd.isna(first):
        return t("goals_baseline_intro_nochange", lang)
    return t("goals_baseline_intro", lang, date=f"{first:%Y-%m-%d}")


def survey_goal_notes(table: pd.DataFrame, lang: str | None = None) -> list[str]:
    """One sentence per survey goal: "x av n" (with a census's non-response bounds), the target,
    the deadline and the status."""
    from ..text import get_language, number, t
    from ..text.goals import survey_count

    lang = lang or get_language()
    notes = []
    for r in table[table["source"].astype(str).str.startswith("survey:")].to_dict("records"):
        if r["status"] == "no_data":
            continue
        if _suppressed(r):  # a goal resting on a count of 1..min_count-1 (goals.survey_goals)
            base = r.get("base")
            counts = t("goals_x_of_n", lang, x=SUPPRESSED, n=SUPPRESSED if pd.isna(base) else int(base))
            share = SUPPRESSED
        else:
            if pd.isna(r.get("count")):  # rows made before the counts were columns: "x/n"
                x, n = str(r["detail"]).split("/")
                r = {**r, "count": int(x), "base": int(n)}
            counts, share = survey_count(r, lang), number(r["current"], 0, lang)
        notes.append(t("goals_survey_x_of_n", lang, title=r[f"title_{lang}"], counts=counts,
                       share=share, target=number(r["target"], 0, lang),
                       deadline=f"{pd.Timestamp(r['deadline']):%Y-%m-%d}",
                       status=t(f"goals_status_{r['status']}", lang),
                       met=t("goals_met_yes" if r["met_by_deadline"] is True else
                             "goals_met_no" if r["met_by_deadline"] is False else "goals_met_open", lang)))
        if pd.notna(r.get("population")) and pd.notna(r.get("bound_low")):
            notes[-1] += " " + t("goals_census_bounds_note", lang, n=int(r["base"]),
                                 population=int(r["population"]),
                                 low=number(r["bound_low"], 0, lang), high=number(r["bound_high"], 0, lang))
    return notes


def goal_chart_items(series: pd.DataFrame, dataset, lang: str | None = None) -> list[dict]:
    """One item per indicator goal for :func:`analysis.plots.goal_chart`: series, names, title, unit."""
    from ..text import get_language

    lang = lang or get_language()
    names = _muni_names(dataset.municipalities)
    items = []
    for goal_id, part in series.groupby("goal_id", sort=False):
        goal = dataset.goals[dataset.goals["goal_id"] == goal_id].iloc[0]
        kpi = str(part["kpi"].iloc[0])
        info = dataset.kpis[dataset.kpis["kpi"] == kpi]
        # the county first, then the municipalities by name
        order = sorted(part["municipality_code"].unique(),
                       key=lambda c: (c != "0006", names.get(c, c)))
        part = part.assign(_o=part["municipality_code"].map({c: i for i, c in enumerate(order)}))
        items.append({"goal_id": goal_id, "series": part.sort_values(["_o", "year"]).drop(columns="_o"),
                      "names": names, "title": goal[f"title_{lang}"],
                      "unit": str(info["unit"].iloc[0]) if len(info) else "",
                      "direction": str(goal["direction"]) if pd.notna(goal["direction"]) else (
                          str(info["direction"].iloc[0]) if len(info) else "up")})
    return items


#: Respondents per year and group shown in the detectability table.
DETECT_N = (100, 200, 500, 1_000, 1_500, 2_000, 5_000, 10_000, 12_000, 20_000)


def detect_text(diff_pp: float = 2, p: float = 0.5, lang: str | None = None) -> str:
    """The sentence on how many respondents a ``diff_pp`` change needs (alpha 0.05, power 80 %)."""
    from ..text import number, t

    n = math.ceil(required_n(p, diff_pp / 100))
    return t("goals_detect_intro", lang, p=number(p, 1, lang), n_needed=number(n, 0, lang),
             pp=number(diff_pp, 0, lang))


def team_survey_tables(dataset, team_id: str, min_count: int,
                       lang: str | None = None) -> list[tuple[str, pd.DataFrame]]:
    """The survey results that belong to ``team_id``'s area: ``[(survey title, table)]``.

    Choice questions only (free text is never shown here), by wave when the survey has waves,
    from the survey's protected publication with threshold ``min_count`` (workbook.yml
    privacy.min_count, passed by the report): the same cells hidden as in the survey report.
    """
    from .. import surveys

    team = dataset.teams[dataset.teams["team_id"] == team_id].iloc[0]
    out = []
    for survey_id in team_surveys(team, dataset.surveys):
        survey = surveys.load_survey(Path(dataset.folder) / "surveys" / survey_id)
        by = ["wave"] if survey.has_waves else None
        questions = surveys.question_ids(survey, subgroups=False)  # findings, not who answered
        summary = surveys.summarise(survey, questions=questions, by=by, min_count=min_count)
        out.append((survey.codebook.label(lang), surveys.table(summary, survey, lang)))
    return out
