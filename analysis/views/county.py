"""The county overview (nuläge, länet): teams, municipalities, county indicators, every team's
measures. Notebook: ``county.ipynb``; report ``baseline_county``."""

from __future__ import annotations

import functools
import re

import pandas as pd

from .. import goals, kolada, memo, plots
from ..schemas import REGION_CODE
from ..text import label, localized, number, t
from .common import (
    baseline_level_text,
    baseline_verdict_text,
    municipality_names,
    trend_text,
    with_glossary,
)
from .context import ReportContext
from .progress import county_progress_section
from .sections import Figure, Note, Page, Paragraph, Section, Table

__all__ = [
    "build",
    "indicator_section",
    "kpi_title",
    "measures_table",
    "municipalities_table",
    "overview_table",
    "teams_by_area_table",
    "teams_table",
]


def build(ctx: ReportContext) -> Page:
    """The county overview, section by section."""
    ds = ctx.dataset
    n_in, n_all = int(ds.municipalities["in_network"].astype(bool).sum()), len(ds.municipalities)
    page = Page(
        f"{ctx.t('goals_baseline_title')}: {ctx.t('county_overview')}",
        (
            Section(
                ctx.t("goals_teams_section"),
                (
                    Table(teams_table(ds.teams, ds.municipalities, ctx.lang)),
                    Table(
                        teams_by_area_table(ds.teams, ctx.lang),
                        caption=ctx.t("goals_teams_by_area"),
                    ),
                ),
            ),
            Section(
                ctx.t("goals_municipalities_section"),
                (
                    Paragraph(ctx.t("goals_municipalities_in_network", n=n_in, total=n_all)),
                    Table(municipalities_table(ds.municipalities, ds.teams, ctx.lang)),
                ),
            ),
            indicator_section(ctx),
            Section(ctx.t("goals_measures_section"), (Table(measures_table(ds, ctx.lang)),)),
            county_progress_section(ctx),
        ),
    )
    return with_glossary(page, ctx.lang)


def indicator_section(ctx: ReportContext) -> Section:
    """The county indicators by focus area, then context: per KPI the municipalities' series
    with the county line, where the county value comes from, and latest value, trend, position."""
    ds = ctx.dataset
    line = kolada.county_line(ds.indicators, ds.kpis, ds.municipalities)
    county = line.apply(ds)  # weights left out, computed county rows added
    overview = goals.indicator_overview(county.indicators, county.kpis, ds.municipalities)
    n_all = len(ds.municipalities)
    blocks: list = [
        Paragraph(
            ctx.t("goals_no_indicators")
            if overview.empty
            else ctx.t("goals_indicators_intro", n=n_all)
        )
    ]
    names = municipality_names(ds.municipalities, ctx.lang)
    series = _indicator_series(county.indicators, ds.municipalities, names)
    for heading, kpi_ids in kolada.indicator_sections(county.kpis, present=series, lang=ctx.lang):
        kpis: list = [] if kpi_ids else [Paragraph(ctx.t("kolada_section_empty"))]
        for kpi in kpi_ids:
            title = kpi_title(county.kpis, kpi, ctx.lang)
            info = county.kpis[county.kpis["kpi"] == kpi]
            unit = str(info["unit"].iloc[0]) if len(info) else ""
            parts: list = [
                Figure(
                    functools.partial(plots.indicator_panels, series[kpi], names=names, unit=unit),
                    alt=title,
                )
            ]
            note = line.note(kpi, ctx.lang)
            if note:
                parts.append(Note(note))
            parts.append(Table(overview_table(overview, kpi, ctx.lang)))
            kpis.append(Section(title, tuple(parts), level=4))
        blocks.append(Section(heading, tuple(kpis), level=3))
    return Section(ctx.t("goals_indicators_section"), tuple(blocks))


def _indicator_series(
    indicators: pd.DataFrame, municipalities: pd.DataFrame, names: dict[str, str]
) -> dict[str, pd.DataFrame]:
    """Per KPI with municipal values: the municipalities' values (gender T) by year, each with
    the county's value of that year (``municipality_code, year, value, county``; by name)."""
    out = {}
    total = indicators[indicators["gender"] == "T"]
    for kpi, part in total.groupby("kpi", sort=True):
        county = part[part["municipality_code"] == REGION_CODE].set_index("period")["value"]
        muni = part[part["municipality_code"].isin(municipalities["municipality_code"])]
        if muni.empty:
            continue
        muni = muni.assign(
            year=muni["period"].astype("int64"),
            county=muni["period"].map(county).astype(float),
            _name=muni["municipality_code"].map(names),
        )
        muni = muni.sort_values(["_name", "year"]).drop(columns="_name")
        out[kpi] = muni[["municipality_code", "year", "value", "county"]]
    return out


def kpi_title(kpis: pd.DataFrame, kpi: str, lang: str) -> str:
    """``"N17461 Gymnasieelever med examen inom 4 år (%)"`` in the report language."""
    info = kpis[kpis["kpi"] == kpi]
    if info.empty:
        return kpi
    row = info.iloc[0]
    title = localized(row, "title", lang)
    unit = str(row["unit"]) if pd.notna(row["unit"]) else ""
    # Kolada's own titles end in their unit ("andel (%)", "antal/1000 inv"): not twice
    said = (unit == "%" and title.rstrip().endswith("(%)")) or bool(
        re.search(r"antal\s*/|kr\s*/\s*inv|per 1[ ,]?000|per resident", title)
    )
    return f"{kpi} {title}" if said or not unit else f"{kpi} {title} ({unit})"


def teams_table(teams: pd.DataFrame, municipalities: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The teams with municipality, focus area, cohort and start date."""
    names = municipality_names(municipalities, lang)
    frame = teams.sort_values(["cohort", "focus_area", "team_name"])
    return pd.DataFrame(
        {
            t("team", lang): frame["team_name"].astype(str),
            t("municipality", lang): [
                names.get(str(c), str(c)) for c in frame["municipality_code"]
            ],
            t("focus_area", lang): [label(a, lang) for a in frame["focus_area"]],
            t("cohort", lang): [str(int(c)) if pd.notna(c) else None for c in frame["cohort"]],
            t("start_date", lang): list(frame["start_date"]),
        }
    )


def teams_by_area_table(teams: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Number of teams per focus area (rows) and cohort (columns), with totals."""
    counts = pd.crosstab(teams["focus_area"].astype(str), teams["cohort"].astype("Int64"))
    counts.columns = [str(c) for c in counts.columns]
    counts["Σ"] = counts.sum(axis=1)
    out = counts.reset_index().rename(columns={"focus_area": t("focus_area", lang)})
    first = out.columns[0]
    out[first] = [label(a, lang) for a in out[first]]
    return out.astype({c: "int64" for c in out.columns[1:]})


def municipalities_table(
    municipalities: pd.DataFrame, teams: pd.DataFrame, lang: str
) -> pd.DataFrame:
    """Each municipality of the county: in the network or not, and its teams."""
    rows = []
    for m in municipalities.sort_values("municipality_name").itertuples(index=False):
        own = teams.loc[teams["municipality_code"] == m.municipality_code, "team_name"]
        rows.append(
            {
                t("municipality", lang): m.municipality_name,
                t("goals_col_in_network", lang): bool(m.in_network),
                t("goals_col_teams", lang): ", ".join(own.astype(str)) or "–",
            }
        )
    return pd.DataFrame(rows)


def overview_table(overview: pd.DataFrame, kpi: str, lang: str) -> pd.DataFrame:
    """One KPI of :func:`analysis.goals.indicator_overview`: latest value, trend, county value,
    position (women/men columns only when the KPI has them)."""
    part = overview[overview["kpi"] == kpi].sort_values(
        ["position", "municipality_name"], na_position="last"
    )
    by_sex = part["women"].notna().any() or part["men"].notna().any()
    rows = []
    for r in part.itertuples(index=False):
        row = {
            t("municipality", lang): r.municipality_name,
            t("goals_col_in_network", lang): bool(r.in_network),
            t("goals_col_latest_year", lang): str(r.latest_year),
            t("latest_value", lang): number(r.latest, 1, lang),
            t("goals_col_trend", lang): trend_text(r.slope_pp, r.ci_low, r.ci_high, lang),
            t("goals_col_county", lang): number(r.county, 1, lang),
            t("goals_col_position", lang): (
                f"{int(r.position)}/{r.n_ranked}" if pd.notna(r.position) else "–"
            ),
        }
        if by_sex:
            row[t("goals_col_women", lang)] = number(r.women, 1, lang)
            row[t("goals_col_men", lang)] = number(r.men, 1, lang)
        rows.append(row)
    return pd.DataFrame(rows)


def team_slices(frame: pd.DataFrame) -> tuple[dict, pd.DataFrame]:
    """``team_id -> that team's rows`` (index from 0), and the empty frame for a team without
    rows."""
    parts = {
        team: part.reset_index(drop=True) for team, part in frame.groupby("team_id", sort=False)
    }
    return parts, frame.iloc[0:0].reset_index(drop=True)


def measures_table(dataset, lang: str) -> pd.DataFrame:
    """Every team's measures with the latest value and the baseline verdict."""
    names = dict(zip(dataset.teams["team_id"], dataset.teams["team_name"], strict=True))
    rows = []
    # each team's own rows: its summary is then one cached call (analysis.memo) that a change in
    # another team's data does not touch
    # (numbered from 0, so that another team's rows do not change the key)
    slices = [
        team_slices(frame) for frame in (dataset.measures, dataset.observations, dataset.changes)
    ]
    for team_id in dataset.teams["team_id"]:
        summary = memo.cached(
            goals.baseline_summary, *(s.get(team_id, empty) for s, empty in slices), team_id
        )
        for r in summary.to_dict("records"):
            rows.append(
                {
                    t("team", lang): names[team_id],
                    t("measure", lang): r["measure_name"],
                    t("measure_type", lang): label(r["measure_type"], lang),
                    t("period", lang): r["latest_period"],
                    t("latest_value", lang): baseline_level_text(r["latest_value"], r, lang),
                    t("goals_col_verdict", lang): baseline_verdict_text(r, lang),
                }
            )
    return pd.DataFrame(rows)
