"""One team's nuläge (baseline): its measures before the first PDSA change, the surveys of its
area, its PDSA log and driver diagram. Notebook: ``team_baseline.ipynb``; reports
``baseline_<team>``."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from .. import goals, memo, plots, surveys
from ..text import label, percent, t
from ..text.spc import verdict as spc_verdict
from .common import (
    baseline_level_text,
    baseline_verdict_text,
    changes_section,
    driver_blocks,
    municipality_names,
    survey_ties_texts,
    team_survey_ids,
    with_glossary,
)
from .context import ReportContext
from .sections import Bullets, Figure, Note, Page, Paragraph, Section, Table
from .survey_tables import respondents_texts, summary_table

__all__ = [
    "baseline_table",
    "build",
    "facts_texts",
    "intro_text",
    "measure_section",
    "survey_section",
]


def build(ctx: ReportContext) -> Page:
    """The team's baseline report, section by section."""
    ds, team = ctx.dataset, ctx.dataset.team(ctx.team)
    # the team's own rows (ds.team): the report depends on them, not on every team's. The same
    # call as the county overview's for this team (views.county.measures_table), so a run
    # works each team's summary out once (analysis.memo)
    summary = memo.cached(
        goals.baseline_summary, team.measures, team.observations, team.changes, team.id
    )
    measures = Section(
        ctx.t("goals_team_measures_section"),
        (
            Paragraph(intro_text(team.changes, team.id, ctx.lang)),
            Table(baseline_table(summary, ctx.lang)),
            *(measure_section(ctx, row) for row in summary.to_dict("records")),
        ),
    )
    diagram = ds.drivers(team.id)
    drivers = Section(
        ctx.t("goals_drivers_section"),
        (
            (Paragraph(ctx.t("goals_no_drivers", team=team.id)),)
            if diagram is None
            else driver_blocks(ctx, diagram, caption=ctx.t("goals_ideas_table"))
        ),
    )
    page = Page(
        ctx.t("goals_baseline_team_title", team=team.name),
        (
            Section(None, (Bullets(tuple(facts_texts(team, ds.municipalities, ctx.lang))),)),
            measures,
            survey_section(ctx),
            changes_section(ctx, team.id),
            drivers,
        ),
    )
    return with_glossary(page, ctx.lang)


def facts_texts(team, municipalities: pd.DataFrame, lang: str) -> list[str]:
    """Short lines about a team (a ``Dataset.team``) for the top of its report: municipality,
    focus area, cohort, aim."""
    names = municipality_names(municipalities, lang)
    lines = [
        f"{t('municipality', lang)}: {names.get(team.municipality_code, team.municipality_code)}",
        f"{t('focus_area', lang)}: {label(team.focus_area, lang)}",
        f"{t('cohort', lang)}: {team.cohort if team.cohort is not None else pd.NA}",
    ]
    if team.aim:
        lines.append(f"{t('goals_driver_aim', lang)}: {team.aim}")
    return lines


def intro_text(changes: pd.DataFrame, team_id: str, lang: str) -> str:
    """The sentence that says where the team's baseline ends."""
    first = goals.first_change(changes, team_id)
    if pd.isna(first):
        return t("goals_baseline_intro_nochange", lang)
    return t("goals_baseline_intro", lang, date=f"{first:%Y-%m-%d}")


def baseline_table(summary: pd.DataFrame, lang: str) -> pd.DataFrame:
    """:func:`analysis.goals.baseline_summary` for a report: period, points, centre, verdict,
    completeness, absent periods."""
    rows = []
    for r in summary.to_dict("records"):
        period = (
            "–"
            if pd.isna(r["baseline_start"])
            else f"{r['baseline_start']:%Y-%m-%d} – {r['baseline_end']:%Y-%m-%d}"
        )
        complete = (r["n_points"] / r["n_expected"]) if r["n_expected"] else np.nan
        missing = ", ".join(f"{p:%Y-%m-%d}" for p in r["missing_periods"][:6])
        if len(r["missing_periods"]) > 6:
            missing += f" … (+{len(r['missing_periods']) - 6})"
        rows.append(
            {
                t("measure", lang): r["measure_name"],
                t("measure_type", lang): label(r["measure_type"], lang),
                t("goals_col_chart", lang): str(r["chart"]).upper()
                if r["chart"] != "run"
                else "run",
                t("goals_col_baseline_period", lang): period,
                t("goals_col_n_points", lang): int(r["n_points"]),
                # the centre line of the chart drawn below (its median), then the pooled level
                t("goals_col_centre", lang): (
                    f"{baseline_level_text(r['centre'], r, lang)} "
                    f"({t('goals_centre_' + r['centre_kind'], lang)})"
                ),
                t("goals_col_level", lang): (
                    f"{baseline_level_text(r['level'], r, lang)} "
                    f"({t('goals_centre_' + r['level_kind'], lang)})"
                ),
                t("goals_col_verdict", lang): baseline_verdict_text(r, lang),
                t("goals_col_completeness", lang): percent(complete, 0, lang),
                t("goals_col_missing", lang): missing or t("goals_none_missing", lang),
            }
        )
    return pd.DataFrame(rows)


def measure_section(ctx: ReportContext, row: dict) -> Section:
    """One measure (a :func:`analysis.goals.baseline_summary` row): its baseline run chart (or
    only its points when too few to judge), the verdict, and the runs detail or what is missing."""
    team = ctx.dataset.team(ctx.team)
    measures = team.measures
    measure = measures[measures["measure_id"] == row["measure_id"]].iloc[0]
    chart = goals.baseline_chart(team.observations, measure, team.changes)
    target = row["target"] * row["multiply"] if pd.notna(row["target"]) else None
    title, unit = str(row["measure_name"]), str(row["unit"])
    too_few = row["verdict"] == "too_few"
    blocks: list = []
    if chart is not None and too_few:
        blocks.append(
            Figure(
                functools.partial(plots.baseline_points, chart, ylabel=unit, target=target),
                alt=title,
            )
        )
    elif chart is not None:
        blocks.append(
            Figure(
                functools.partial(
                    plots.spc_chart, chart, target=target, ylabel=unit, direction=row["direction"]
                ),
                alt=title,
            )
        )
    blocks.append(
        Paragraph(f"{ctx.t('goals_col_verdict')}: {baseline_verdict_text(row, ctx.lang)}")
    )
    if too_few:
        blocks.append(
            Note(
                ctx.t(
                    "goals_too_few_note",
                    measure=row["measure_name"],
                    n=int(row["n_points"]),
                    min=goals.MIN_BASELINE_POINTS,
                )
            )
        )
    else:
        blocks.append(Note(spc_verdict(chart.summary.iloc[0], ctx.lang)))
    return Section(title, tuple(blocks), level=3)


def survey_findings(survey, min_count: int, lang: str) -> tuple[tuple[str, ...], pd.DataFrame]:
    """What a team report shows of a survey: who answered (texts) and the choice questions
    (free text never) by wave when the survey has waves, from the survey's protected
    publication (the same cells hidden as in the survey report)."""
    questions = surveys.question_ids(survey, subgroups=False)  # findings, not who answered
    summary = surveys.summarise(
        survey,
        questions=questions,
        by=["wave"] if survey.has_waves else None,
        min_count=min_count,
    )
    texts = tuple(respondents_texts(survey, min_count, lang))
    return texts, summary_table(summary, survey, lang)


def survey_findings_in(
    folder: str, files: dict[str, str], min_count: int, lang: str
) -> tuple[tuple[str, ...], pd.DataFrame]:
    """:func:`survey_findings` of the survey in ``folder``, whose files have the hashes
    ``files`` (they are what the result depends on: the key of the kept result)."""
    return survey_findings(surveys.load_survey(folder), min_count, lang)


def survey_section(ctx: ReportContext) -> Section:
    """The results of the surveys tied to the team and fielded in its period
    (:func:`team_survey_ids`): the choice questions (free text never), by wave when the survey
    has waves, from the survey's protected publication (the same cells hidden as in the survey
    report); then what is not shown and why, or that the team has no survey."""
    ds = ctx.dataset
    blocks: list = []
    for survey_id in team_survey_ids(ctx, ctx.team):
        # every team tied to the survey shows the same findings (~0.5-1.4 s to read and
        # summarise a county survey): worked out once per run and survey (analysis.memo),
        # keyed by the hashes of the survey's files, so that a kept result is not even read
        texts, findings = memo.cached(
            survey_findings_in, *ds.survey_source(survey_id), ctx.min_count, ctx.lang
        )
        blocks.append(
            Section(
                ds.codebook(survey_id).label(ctx.lang),
                (*(Paragraph(text) for text in texts), Table(findings)),
                level=3,
            )
        )
    notes = tuple(Paragraph(text) for text in survey_ties_texts(ctx, ctx.team))
    return Section(ctx.t("goals_survey_section"), (*notes, *blocks))
