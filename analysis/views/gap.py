"""The gap analysis (målanalys): every goal against the latest value, the goal trajectories,
what the data can detect, the teams' driver diagrams. Notebook: ``gap_analysis.ipynb``; report
``gap_analysis``."""

from __future__ import annotations

import functools
import math

import numpy as np
import pandas as pd

from .. import goals, kolada, plots
from ..privacy.rules import SUPPRESSED
from ..schemas import REGION_CODE
from ..text import localized, number, percent, t
from ..text.goals import survey_count
from .common import driver_blocks, municipality_names, trend_text, with_glossary
from .context import ReportContext
from .sections import Bullets, Figure, Page, Paragraph, Section, Table

__all__ = [
    "DETECT_N",
    "build",
    "detect_table",
    "detect_text",
    "gap_table",
    "goal_tables",
    "status_table",
    "survey_goal_texts",
]

#: Respondents per year and group shown in the detectability table.
DETECT_N = (100, 200, 500, 1_000, 1_500, 2_000, 5_000, 10_000, 12_000, 20_000)


def build(ctx: ReportContext) -> Page:
    """The gap analysis, section by section."""
    ds = ctx.dataset
    line = kolada.county_line(ds.indicators, ds.kpis, ds.municipalities)
    county = line.apply(ds)  # the county line: Kolada's where it has one, else weighted or none
    table, series = goals.gap_analysis(county, ctx.year, ctx.min_count)
    page = Page(
        ctx.t("goals_gap_title", year=ctx.year),
        (
            goals_section(ctx, table),
            charts_section(ctx, county, series, line),
            Section(
                ctx.t("goals_detect_section"),
                (
                    Paragraph(detect_text(lang=ctx.lang)),
                    Table(detect_table(goals.detectability_table(DETECT_N), ctx.lang)),
                ),
            ),
            drivers_section(ctx),
        ),
    )
    return with_glossary(page, ctx.lang)


def goals_section(ctx: ReportContext, table: pd.DataFrame) -> Section:
    """Every goal and target: current value, target, gap, deadline, status (a table per goal)."""
    blocks: list = [Paragraph(ctx.t("goals_gap_intro"))]
    if table.empty:
        blocks.append(Paragraph(ctx.t("goals_no_goals")))
    else:
        notes = survey_goal_texts(table, ctx.lang)
        if notes:
            blocks.append(Bullets(tuple(notes)))
        blocks.append(Table(status_table(table, ctx.lang), caption=ctx.t("goals_status_section")))
    blocks += [
        Table(frame, caption=caption)
        for caption, frame in goal_tables(table, ctx.dataset.municipalities, ctx.lang)
    ]
    return Section(ctx.t("goals_gap_section"), tuple(blocks))


def charts_section(ctx: ReportContext, dataset, series: pd.DataFrame, line) -> Section:
    """A chart per indicator goal: observed values, the goal trajectory, the gap; first where the
    county values that are not Kolada's come from."""
    blocks: list = []
    county_notes = line.notes(series["kpi"].unique(), ctx.lang)
    if county_notes:
        blocks += [Paragraph(ctx.t("kolada_county_notes_intro")), Bullets(tuple(county_notes))]
    names = municipality_names(dataset.municipalities, ctx.lang)
    for goal_id, part in series.groupby("goal_id", sort=False):
        goal = dataset.goals[dataset.goals["goal_id"] == goal_id].iloc[0]
        info = dataset.kpis[dataset.kpis["kpi"] == str(part["kpi"].iloc[0])]
        # the county first, then the municipalities by name
        order = sorted(
            part["municipality_code"].unique(), key=lambda c: (c != REGION_CODE, names.get(c, c))
        )
        part = part.assign(_o=part["municipality_code"].map({c: i for i, c in enumerate(order)}))
        title = localized(goal, "title", ctx.lang)
        direction = (
            str(goal["direction"])
            if pd.notna(goal["direction"])
            else str(info["direction"].iloc[0])
            if len(info)
            else "up"
        )
        blocks.append(
            Figure(
                functools.partial(
                    plots.goal_chart,
                    part.sort_values(["_o", "year"]).drop(columns="_o"),
                    names=names,
                    title=title,
                    unit=str(info["unit"].iloc[0]) if len(info) else "",
                    direction=direction,
                ),
                alt=title,
            )
        )
    return Section(ctx.t("goals_charts_section"), tuple(blocks))


def drivers_section(ctx: ReportContext) -> Section:
    """The driver diagram of every team that has one."""
    ds = ctx.dataset
    return Section(
        ctx.t("goals_drivers_section"),
        tuple(
            Section(
                ds.team(team_id).name,
                driver_blocks(
                    ctx,
                    ds.drivers(team_id),
                    caption=ctx.t("goals_ideas_table"),
                ),
                level=3,
            )
            for team_id in ds.driver_teams
        ),
    )


def indicator_value_text(value: float, unit: str, lang: str) -> str:
    """An indicator value in its unit: ``12,3 %`` for a share in percent, else the number."""
    if value is None or not np.isfinite(value):
        return "–"
    if unit != "%":
        return number(value, 1, lang)
    return f"{number(value, 1, lang)}\u00a0%" if lang == "sv" else f"{number(value, 1, lang)}%"


def _gap_text(gap: float, unit: str, lang: str) -> str:
    if gap is None or not np.isfinite(gap):
        return "–"
    return f"{number(gap, 1, lang)} {t('goals_unit_pp', lang) if unit == '%' else unit}"


def _suppressed(row: dict) -> bool:
    value = row.get("suppressed")
    return bool(pd.notna(value) and value)


def _basis_text(r: dict, lang: str) -> str:
    """What a gap row stands on: the counts of a survey, the baseline of an indicator (and which
    year stood in for a missing baseline year)."""
    if pd.notna(r.get("count")) and pd.notna(r.get("base")):
        text = survey_count(r, lang)
        if np.isfinite(r.get("baseline", np.nan)) and pd.notna(r.get("baseline_period")):
            text += "; " + t(
                "goals_detail_baseline",
                lang,
                year=r["baseline_period"],
                value=number(r["baseline"], 1, lang),
            )
        return text
    if r.get("detail"):
        return str(r["detail"])
    year = r.get("baseline_year_used")
    if pd.isna(year):
        year = r.get("baseline_year")
    if pd.notna(year) and np.isfinite(r["baseline"]):
        text = t(
            "goals_detail_baseline", lang, year=int(year), value=number(r["baseline"], 1, lang)
        )
        note = r.get("baseline_note") or ""
        if note:
            text += " " + t(f"goals_baseline_{note}", lang, year=int(r["baseline_year"]))
        return text
    return "–"


def gap_table(
    table: pd.DataFrame, municipalities: pd.DataFrame, lang: str, with_goal: bool = True
) -> pd.DataFrame:
    """:func:`analysis.goals.gap_table` for a report: goal, where, current, target, gap,
    deadline, status, rule, share achieved, trend, pace, met by the deadline."""
    names = municipality_names(municipalities, lang)
    rows = []
    for r in table.to_dict("records"):
        where = (
            names.get(str(r["municipality_code"]), "") if pd.notna(r["municipality_code"]) else ""
        )
        met = r.get("met_by_deadline")
        pace = r.get("pace")
        hidden = _suppressed(r)  # a survey goal resting on a count of 1..min_count-1
        row = {t("goals_col_goal", lang): localized(r, "title", lang)} if with_goal else {}
        row.update(
            {
                t("municipality", lang): where or "–",
                t("goals_col_detail", lang): _basis_text(r, lang),
                t("goals_col_current", lang): SUPPRESSED
                if hidden
                else indicator_value_text(r["current"], r["unit"], lang),
                t("goals_col_current_period", lang): r["current_period"]
                if pd.notna(r["current_period"])
                else "–",
                t("goals_col_target", lang): indicator_value_text(r["target"], r["unit"], lang),
                t("goals_col_gap", lang): SUPPRESSED
                if hidden
                else _gap_text(r["gap"], r["unit"], lang),
                t("goals_col_deadline", lang): r["deadline"],
                t("goals_col_status", lang): t(f"goals_status_{r['status']}", lang),
                t("goals_col_method", lang): t(f"goals_rule_{r['status_rule']}", lang)
                if isinstance(r.get("status_rule"), str)
                else "–",
                t("goals_col_share_achieved", lang): percent(r["share_achieved"], 0, lang),
                t("goals_col_trend", lang): trend_text(
                    r["slope_pp"], r["ci_low"], r["ci_high"], lang
                ),
                t("goals_col_pace_short", lang): t(f"goals_pace_{pace}", lang)
                if pd.notna(pace)
                else "–",
                t("goals_col_met_by_deadline", lang): None if pd.isna(met) else bool(met),
            }
        )
        rows.append(row)
    return pd.DataFrame(rows)


def goal_tables(
    table: pd.DataFrame, municipalities: pd.DataFrame, lang: str
) -> list[tuple[str, pd.DataFrame]]:
    """The gap table split per goal: ``[(goal title, display frame without the goal column and
    without the columns no row of that goal fills)]``."""
    out = []
    for goal_id in table["goal_id"].drop_duplicates():
        part = table[table["goal_id"] == goal_id]
        frame = gap_table(part, municipalities, lang, with_goal=False)
        empty = [
            c for c in frame.columns if (frame[c].isna() | (frame[c].astype(str) == "–")).all()
        ]
        out.append((localized(part.iloc[0], "title", lang), frame.drop(columns=empty)))
    return out


def status_table(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """How many goal rows have each status, per goal."""
    counts = pd.crosstab(table["goal_id"], table["status"]).reindex(
        columns=list(goals.STATUSES), fill_value=0
    )
    counts = counts.loc[:, counts.sum() > 0]
    titles = {
        r["goal_id"]: localized(r, "title", lang)
        for r in table.drop_duplicates("goal_id").to_dict("records")
    }
    counts.index = [titles.get(g, g) for g in counts.index]
    counts.columns = [t(f"goals_status_{s}", lang) for s in counts.columns]
    return counts.reset_index(names=t("goals_col_goal", lang)).astype(
        {c: "int64" for c in counts.columns}
    )


def survey_goal_texts(table: pd.DataFrame, lang: str) -> list[str]:
    """One sentence per survey goal: "x av n" (with a census's non-response bounds), the target,
    the deadline and the status."""
    notes = []
    for r in table[table["source"].astype(str).str.startswith("survey:")].to_dict("records"):
        if r["status"] == "no_data":
            continue
        if _suppressed(r):  # a goal resting on a count of 1..min_count-1 (goals.survey_goals)
            base = r.get("base")
            counts = t(
                "goals_x_of_n", lang, x=SUPPRESSED, n=SUPPRESSED if pd.isna(base) else int(base)
            )
            share = SUPPRESSED
        else:
            if pd.isna(r.get("count")):  # rows made before the counts were columns: "x/n"
                x, n = str(r["detail"]).split("/")
                r = {**r, "count": int(x), "base": int(n)}
            counts, share = survey_count(r, lang), number(r["current"], 0, lang)
        note = t(
            "goals_survey_x_of_n",
            lang,
            title=localized(r, "title", lang),
            counts=counts,
            share=share,
            target=number(r["target"], 0, lang),
            deadline=f"{pd.Timestamp(r['deadline']):%Y-%m-%d}",
            status=t(f"goals_status_{r['status']}", lang),
            met=t(
                "goals_met_yes"
                if r["met_by_deadline"] is True
                else "goals_met_no"
                if r["met_by_deadline"] is False
                else "goals_met_open",
                lang,
            ),
        )
        if pd.notna(r.get("population")) and pd.notna(r.get("bound_low")):
            note += " " + t(
                "goals_census_bounds_note",
                lang,
                n=int(r["base"]),
                population=int(r["population"]),
                low=number(r["bound_low"], 0, lang),
                high=number(r["bound_high"], 0, lang),
            )
        notes.append(note)
    return notes


def detect_text(diff_pp: float = 2, p: float = 0.5, lang: str = "sv") -> str:
    """The sentence on how many respondents a ``diff_pp`` change needs (alpha 0.05, power 80 %)."""
    n = math.ceil(goals.required_n(p, diff_pp / 100))
    return t(
        "goals_detect_intro",
        lang,
        p=number(p, 1, lang),
        n_needed=number(n, 0, lang),
        pp=number(diff_pp, 0, lang),
    )


def detect_table(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """:func:`analysis.goals.detectability_table` for a report."""
    return pd.DataFrame(
        {
            t("goals_col_n_per_group", lang): [int(n) for n in table["n"]],
            t("goals_col_mdc", lang): [number(v, 1, lang) for v in table["mdc_pp"]],
        }
    )
