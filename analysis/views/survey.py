"""One survey's report: every question, by wave and by subgroup, small cells hidden.
Notebook: ``survey.ipynb``; reports ``survey_<survey>``."""

from __future__ import annotations

import functools

from .. import plots, surveys
from .common import with_glossary
from .context import ReportContext
from .sections import Figure, Note, Page, Paragraph, Section, Table
from .survey_tables import (
    free_text_count_text,
    free_text_table,
    numbers_table,
    overview_texts,
    question_note_text,
    respondents_table,
    summary_table,
    top_box_table,
    wide_table,
)

__all__ = ["CHOICES", "MAX_BAR_GROUPS", "MAX_LIKERT_GROUPS", "build", "question_figure"]

CHOICES = ("single", "multi", "likert", "ranking")
#: Most groups a chart draws side by side; with more, the subgroup table stands alone.
MAX_LIKERT_GROUPS, MAX_BAR_GROUPS = 8, 4


def build(ctx: ReportContext) -> Page:
    """The survey report, section by section."""
    survey = ctx.dataset.survey(ctx.survey)
    summary = surveys.summarise(survey, by=_waves(survey), min_count=ctx.min_count)
    page = Page(
        ctx.t("survey_report_title", title=survey.codebook.label(ctx.lang)),
        (
            overview_section(ctx, survey),
            *(
                [waves_section(ctx, survey, summary)]
                if survey.has_waves and _likert(survey)
                else []
            ),
            questions_section(ctx, survey, summary),
            *(subgroup_section(ctx, survey, group) for group in survey.codebook.subgroups),
        ),
    )
    return with_glossary(page, ctx.lang)


def _waves(survey) -> list[str]:
    return ["wave"] if survey.has_waves else []


def _likert(survey) -> list[str]:
    return surveys.question_ids(survey, "likert", subgroups=False)


def overview_section(ctx: ReportContext, survey) -> Section:
    """Respondents, design (sample or census), how shares are counted; by wave the respondents
    per wave and first subgroup."""
    blocks: list = [Paragraph(text) for text in overview_texts(survey, ctx.min_count, ctx.lang)]
    if survey.has_waves:
        groups = ["wave", *survey.codebook.subgroups[:1]]
        blocks.append(
            Table(
                respondents_table(survey, groups, min_count=ctx.min_count, lang=ctx.lang),
                caption=ctx.t(
                    "survey_respondents_by", groups=surveys.group_titles(survey, groups, ctx.lang)
                ),
            )
        )
    return Section(ctx.t("survey_overview"), tuple(blocks))


def waves_section(ctx: ReportContext, survey, summary) -> Section:
    """The waves side by side: top-box shares of every Likert item (descriptive; the effect test
    is in the effect report)."""
    likert = _likert(survey)
    alt = ctx.t("survey_top_box_short")
    return Section(
        alt,
        (
            Figure(
                functools.partial(plots.survey_top_box_bars, summary, survey, likert, "wave"),
                alt=alt,
            ),
            Table(top_box_table(summary, survey, "wave", ctx.lang)),
            *(
                [Note(ctx.t("survey_positive_note"))]
                if any(survey.codebook.question(q).direction == "down" for q in likert)
                else []
            ),
            Figure(
                functools.partial(plots.survey_likert, summary, survey, likert, by="wave"), alt=alt
            ),
        ),
    )


def question_figure(summary, survey, question_id: str, by: str | None, lang: str) -> Figure | None:
    """The chart of one question, or None when a table says it better: diverging bars for a
    Likert item (by group up to :data:`MAX_LIKERT_GROUPS` groups), bars with intervals for the
    other choices (grouped up to :data:`MAX_BAR_GROUPS`); never a Likert chart per wave in the
    question list (the waves section draws them together)."""
    question = survey.codebook.question(question_id)
    alt = question.label(lang)
    if by is None:
        draw = plots.survey_likert if question.type == "likert" else plots.survey_bars
        return Figure(functools.partial(draw, summary, survey, question_id), alt=alt)
    if by == "wave":
        return (
            None
            if question.type == "likert"
            else Figure(
                functools.partial(plots.survey_grouped_bars, summary, survey, question_id, by),
                alt=alt,
            )
        )
    groups = surveys.group_count(summary, by)
    if question.type == "likert":
        return (
            Figure(
                functools.partial(plots.survey_likert, summary, survey, question_id, by=by), alt=alt
            )
            if groups <= MAX_LIKERT_GROUPS
            else None
        )
    return (
        Figure(
            functools.partial(plots.survey_grouped_bars, summary, survey, question_id, by), alt=alt
        )
        if groups <= MAX_BAR_GROUPS
        else None
    )


def questions_section(ctx: ReportContext, survey, summary) -> Section:
    """Every question: chart, table and "vet ej"/blanks (by wave when the survey has waves),
    then the number questions, then the free-text questions (counted; the answers only when
    both switches allow it)."""
    waves = _waves(survey)
    by = "wave" if survey.has_waves else None
    blocks: list = []
    for qid in surveys.question_ids(survey, CHOICES, subgroups=not survey.has_waves):
        figure = question_figure(summary, survey, qid, by, ctx.lang)
        table = (
            wide_table(summary, survey, qid, "wave", ctx.lang)
            if survey.has_waves
            else summary_table(summary[summary["question_id"] == qid], survey, ctx.lang)
        )
        blocks.append(
            Section(
                survey.codebook.question(qid).label(ctx.lang),
                (
                    *([figure] if figure else []),
                    Table(table),
                    Note(question_note_text(summary, survey, qid, ctx.lang)),
                ),
                level=3,
            )
        )
    for qid in surveys.question_ids(survey, "number"):
        numbers = surveys.summarise_numbers(survey, [qid], by=waves, min_count=ctx.min_count)
        blocks.append(
            Section(
                survey.codebook.question(qid).label(ctx.lang),
                (Table(numbers_table(numbers, survey, ctx.lang)),),
                level=3,
            )
        )
    for qid in surveys.question_ids(survey, "text"):
        answers = free_text_table(survey, qid, ctx.show_free_text, ctx.lang)
        blocks.append(
            Section(
                survey.codebook.question(qid).label(ctx.lang),
                (
                    Paragraph(
                        free_text_count_text(
                            survey, qid, ctx.min_count, ctx.show_free_text, ctx.lang
                        )
                    ),
                    *([Table(answers)] if len(answers) else []),
                ),
                level=3,
            )
        )
    return Section(None, tuple(blocks))


def subgroup_section(ctx: ReportContext, survey, group: str) -> Section:
    """Every choice question by one subgroup (never per family centre in the census: the
    codebook allows no breakdown there); waves pooled."""
    by_group = surveys.summarise(survey, by=group, min_count=ctx.min_count)
    blocks: list = [Note(ctx.t("survey_pooled_waves_note"))] if survey.has_waves else []
    likert = _likert(survey)
    together = bool(likert) and surveys.group_count(by_group, group) <= MAX_LIKERT_GROUPS
    if likert:
        blocks.append(
            Table(
                top_box_table(by_group, survey, group, ctx.lang),
                caption=ctx.t("survey_top_box_short"),
            )
        )
    if together:
        # every Likert item in one chart, the groups under each item (was a chart per item:
        # the same bars, a sixth of the bytes for the axes and legends, and one view to compare)
        title = surveys.group_title(survey, group, ctx.lang)
        blocks.append(
            Figure(
                functools.partial(plots.survey_likert, by_group, survey, likert, by=group),
                alt=ctx.t("survey_likert_by_alt", group=title.lower()),
            )
        )
    for qid in surveys.question_ids(survey, CHOICES, subgroups=False):
        figure = (
            None
            if together and qid in likert
            else question_figure(by_group, survey, qid, group, ctx.lang)
        )
        blocks.append(
            Section(
                survey.codebook.question(qid).label(ctx.lang),
                (
                    *([figure] if figure else []),
                    Table(wide_table(by_group, survey, qid, group, ctx.lang)),
                ),
                level=3,
            )
        )
    title = surveys.group_title(survey, group, ctx.lang).lower()
    return Section(ctx.t("survey_by_section", group=title), tuple(blocks))
