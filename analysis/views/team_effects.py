"""One team's effect report: did the changes work? Aim and driver diagram, PDSA log, each
measure's control chart split at its changes with the model and the verdicts, every estimate in
one table, the pupil survey's waves and for whom, caveats, a poster-shaped summary.
Notebook: ``team_effects.ipynb``; reports ``team_effects_<team>``.

This file decides what the team report shows and in which order.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import pandas as pd

from .. import effects, memo, plots
from ..measures import SHARE_KINDS, baseline_mask, change_period, first_change_period, pooled_level
from ..text import effects as text_effects
from ..text import label, level, number, percent, t
from .common import (
    changes_section,
    driver_blocks,
    municipality_names,
    survey_ties_texts,
    team_survey_ids,
    with_glossary,
)
from .context import ReportContext
from .progress import team_progress_section
from .sections import Block, Bullets, Figure, Note, Page, Paragraph, Poster, Section, Table
from .stories_spread import (
    spread_blocks,
    story_items,
    story_note,
    story_poster_line,
    team_story_frame,
    unplaced_stories_section,
)
from .survey_tables import respondents_texts

__all__ = [
    "build",
    "effects_table",
    "measure_section",
    "poster_block",
    "poster_lines",
    "poster_section",
    "target_text",
    "waves_table",
]


def build(ctx: ReportContext) -> Page:
    """The team's effect report, section by section."""
    ds, team = ctx.dataset, ctx.dataset.team(ctx.team)
    # the team's own rows (see analysis.dataset.reads); the change menu makes the same call
    # (views.change_menu.effects_table), so a run estimates each team once (analysis.memo)
    result = memo.cached(effects.team_effects, team, team.id)
    diagram = ds.drivers(team.id)
    survey_notes = survey_ties_texts(ctx, team.id, waves=True)
    poster = poster_lines(ctx, team, result, diagram)
    page = Page(
        f"{ctx.t('effects_title')}: {team.name}",
        (
            Section(ctx.t("effects_aim"), (Paragraph(team.aim or ctx.t("effects_no_aim")),)),
            Section(
                ctx.t("effects_drivers"),
                (Paragraph(ctx.t("effects_poster_no_drivers")),)
                if diagram is None
                else driver_blocks(ctx, diagram, caption=None),
            ),
            changes_section(ctx, team.id),
            Section(
                ctx.t("effects_measures_section"),
                tuple(
                    measure_section(ctx, team, m, result, spread_drawn=drawn)
                    for m, drawn in zip(
                        team.measures.itertuples(index=False),
                        _spread_drawn_before(team),
                        strict=True,
                    )
                )
                or (Paragraph(ctx.t("effects_no_measures")),),
            ),
            *unplaced_stories_section(ctx, team_story_frame(team), team.measures["measure_id"]),
            estimates_section(ctx, result),
            *(
                waves_section(ctx, survey_id)
                for survey_id in team_survey_ids(ctx, team.id, waves=True)
            ),
            *(
                [
                    Section(
                        ctx.t("effects_surveys_section"), tuple(Paragraph(x) for x in survey_notes)
                    )
                ]
                if survey_notes
                else []
            ),
            team_progress_section(ctx, team),
            Section(
                ctx.t("effects_caveats_section"),
                (
                    Bullets(
                        (
                            ctx.t("effects_caveat_its"),
                            ctx.t("effects_caveat_short", min=effects.MIN_POINTS),
                            ctx.t("effects_caveat_no_difference"),
                        )
                    ),
                ),
            ),
            poster_section(ctx, poster, poster_block(ctx, team, poster)),
        ),
    )
    return with_glossary(page, ctx.lang)


def _spread_drawn_before(team) -> list[frozenset]:
    """For each measure of the team, in order: the changes whose spread chart an earlier
    measure's section already draws (a change linked to three measures is drawn once)."""
    drawn: set[int] = set()
    out = []
    for m in team.measures.itertuples(index=False):
        out.append(frozenset(drawn))
        drawn |= {int(n) for n in effects.linked_changes(team.changes, m.measure_id)["change_no"]}
    return out


def measure_section(
    ctx: ReportContext, team, m, result, spread_drawn: frozenset = frozenset()
) -> Section:
    """One measure (a row of ``team.measures``): its control chart split at the changes meant to
    move it (with the team's stories about the measure numbered on it and listed under it), the
    spread of those changes (``spread_drawn``: changes whose spread chart an earlier section
    drew), the model's chart, the verdict of each change and how the estimate was made."""
    lang = ctx.lang
    rows = result.table[result.table["measure_id"] == m.measure_id]
    linked = effects.linked_changes(team.changes, m.measure_id)
    title = f"{m.measure_name} ({label(m.measure_type, lang)})"
    blocks: list = []
    chart = effects.measure_chart(team, team.id, m.measure_id, lang)
    # issue 17: the team's consented stories told beside this measure, numbered on the chart
    stories = team_story_frame(team)
    stories = stories[stories["measure_id"] == m.measure_id]
    if chart is not None:
        draw = (
            functools.partial(plots.spc_chart_with_stories, stories=stories)
            if len(stories)
            else plots.spc_chart
        )
        blocks.append(
            Figure(
                functools.partial(
                    draw,
                    chart,
                    changes=linked[["change_no", "date", "title"]].reset_index(drop=True),
                    target=None if pd.isna(m.target) else float(m.target),
                    direction=m.direction,
                ),
                alt=t("effects_spc_caption", lang, measure=title),
            )
        )
    if len(stories):
        blocks += [Bullets(story_items(ctx, stories)), story_note(ctx)]
    blocks += spread_blocks(
        ctx,
        team,
        linked["change_no"].tolist(),
        title,
        result.series.get(m.measure_id),
        drawn=spread_drawn,
    )
    its = result.its.get(m.measure_id)
    if its is not None:
        labels = [
            t("effects_change_marker", lang, no=c)
            for c in rows.loc[~rows["note"].isin(["too_short", "too_early"]), "changes"]
        ]
        caption = t("effects_its_caption", lang, measure=title)
        blocks += [
            Figure(
                functools.partial(
                    plots.its_chart,
                    its,
                    as_percent=str(m.chart) in SHARE_KINDS,
                    change_labels=labels,
                ),
                alt=caption,
            ),
            Note(caption),
        ]
    blocks.append(
        Bullets(
            tuple(text_effects.measure_verdict(r, lang) for r in rows.to_dict("records"))
            or (t("effects_no_linked_changes", lang),)
        )
    )
    if not rows.empty:
        note = t(f"effects_model_{rows['model'].iloc[0]}", lang)
        if (rows["note"] == "combined").any():
            note += " " + t("effects_combined_note", lang, min=effects.MIN_POINTS)
        blocks.append(Note(note))
    return Section(title, tuple(blocks), level=3)


def estimates_section(ctx: ReportContext, result) -> Section:
    """Every estimate of the team in one table and a forest plot, with the method."""
    if result.table.empty:
        return Section(ctx.t("effects_table_section"), (Paragraph(ctx.t("no_changes")),))
    return Section(
        ctx.t("effects_table_section"),
        (
            Table(effects_table(result.table, ctx.lang)),
            Figure(
                functools.partial(plots.effects_forest, result.table),
                alt=ctx.t("effects_table_section"),
            ),
            Note(ctx.t("effects_methods_note")),
        ),
    )


def wave_findings(survey, min_count: int, lang: str) -> dict:
    """What a team report shows of a survey with waves (the same for every team tied to it):
    who answered, the first wave against the last item by item (Newcombe interval at each
    item's Holm level) as a table and as the frame its chart is drawn from, one sentence per
    item, and for whom (one table per subgroup)."""
    codebook = survey.codebook
    waves = effects.survey_waves(survey, min_count=min_count, lang=lang)
    return {
        "respondents": tuple(respondents_texts(survey, min_count, lang)),
        "waves": waves,
        "table": waves_table(waves, lang, survey=survey),
        "verdicts": tuple(effects.wave_verdicts(waves, survey, lang)),
        "for_whom": tuple(
            (
                codebook.question(group).label(lang),
                waves_table(
                    effects.for_whom(survey, waves, group, min_count=min_count, lang=lang),
                    lang,
                    by=[group],
                    survey=survey,
                ),
            )
            for group in codebook.subgroups
        ),
    }


def wave_findings_in(folder: str, files: dict[str, str], min_count: int, lang: str) -> dict:
    """:func:`wave_findings` of the survey in ``folder``, whose files have the hashes ``files``
    (what the result depends on: the key of the kept result)."""
    from ..surveys import load_survey

    return wave_findings(load_survey(folder), min_count, lang)


def waves_section(ctx: ReportContext, survey_id: str) -> Section:
    """A survey with waves: the first wave against the last, item by item (Newcombe interval at
    each item's Holm level), and for whom (by each subgroup). Worked out once per run and
    survey (~0.1 s a team report at county scale, the same for every team tied to the survey:
    analysis.memo), keyed by the hashes of the survey's files."""
    lang, ds = ctx.lang, ctx.dataset
    codebook = ds.codebook(survey_id)
    found = memo.cached(wave_findings_in, *ds.survey_source(survey_id), ctx.min_count, lang)
    first, last = codebook.waves[0].label(lang), codebook.waves[-1].label(lang)
    for_whom = Section(
        ctx.t("effects_for_whom_section"),
        (
            *(Table(table, caption=caption) for caption, table in found["for_whom"]),
            Note(ctx.t("suppressed_note", n=ctx.min_count)),
            Note(ctx.t("effects_caveat_waves", first=first, last=last)),
        ),
        level=3,
    )
    title = ctx.t("effects_waves_section", survey=codebook.label(lang), first=first, last=last)
    return Section(
        title,
        (
            *(Paragraph(text) for text in found["respondents"]),
            Table(found["table"]),
            Figure(functools.partial(plots.wave_comparison_chart, found["waves"]), alt=title),
            Bullets(found["verdicts"]),
            Note(ctx.t("effects_caveat_multiple")),
            for_whom,
        ),
    )


def effects_table(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``team_effects(...).table`` for a report (and the coaches' explorer).

    The verdict comes first (narrow screens). The levels are those the estimate is about (the
    change's own phase and the one before; the number of points in brackets), the expected level
    is the model's without the change, and the difference is shown on the measure's scale
    (percentage points, percent, or the measure's unit) with its 95 % CI in brackets. The
    p-value stays in ``team_effects(...).table``: the interval says the same.
    """
    out = []
    for r in table.to_dict("records"):
        kind = r.get("diff_kind") or "difference"
        difference = text_effects.format_effect(r.get("difference"), kind, r["unit"], lang)
        interval = text_effects.format_interval(r.get("diff_low"), r.get("diff_high"), kind, lang)
        out.append(
            {
                t("effects_col_measure", lang): r["measure_name"],
                t("effects_col_change", lang): r["changes"],
                t("effects_col_verdict", lang): text_effects.short_verdict(r, lang),
                t(
                    "effects_col_before_points", lang
                ): f"{level(r['before'], r['chart'], r['unit'], lang)} ({r['n_before']})",
                t(
                    "effects_col_after_points", lang
                ): f"{level(r['after'], r['chart'], r['unit'], lang)} ({r['n_after']})",
                t("effects_col_expected", lang): level(
                    r.get("expected"), r["chart"], r["unit"], lang
                ),
                t("effects_col_effect", lang): difference
                if interval == "–"
                else f"{difference} ({interval})",
                t("effects_col_mde", lang): text_effects.format_effect(
                    r.get("mde"), kind, r["unit"], lang, signed=False
                ),
            }
        )
    return pd.DataFrame(out)


def waves_table(
    frame: pd.DataFrame, lang: str, by: Sequence[str] = (), survey=None
) -> pd.DataFrame:
    """``effects.survey_waves(...)`` for a report; suppressed rows show ``..``. With ``survey``,
    the shares carry the marks of their survey cells (count and base of each wave) for the
    privacy auditor (:mod:`analysis.privacy.marks`)."""
    rows, marks = [], {}
    col_before, col_after = t("effects_col_before", lang), t("effects_col_after", lang)
    for i, r in enumerate(frame.to_dict("records")):
        hidden = bool(r["suppressed"])
        row = (
            {
                t("effects_col_subgroup", lang): " / ".join(
                    str(r.get(f"{b}_label", r[b])) for b in by
                )
            }
            if by
            else {}
        )
        row.update(
            {
                t("effects_col_item", lang): r["item_label"],
                col_before: ".." if hidden else percent(r["p_before"], 0, lang),
                col_after: ".." if hidden else percent(r["p_after"], 0, lang),
                t("effects_col_diff", lang): ".." if hidden else number(r["diff_pp"], 1, lang),
                t("effects_col_ci_waves", lang): ".."
                if hidden
                else f"{number(r['ci_low_pp'], 1, lang)} – {number(r['ci_high_pp'], 1, lang)}"
                + (
                    f" ({text_effects.ci_level(r['ci_level'], lang)})"
                    if pd.notna(r.get("ci_level"))
                    else ""
                ),
                t("effects_col_p_adjusted", lang): ".."
                if hidden
                else text_effects.format_p(r["p_adjusted"], lang),
                t("effects_col_mdd", lang): ".." if hidden else number(r["mdd_pp"], 1, lang),
            }
        )
        rows.append(row)
        if survey is not None:
            for column, wave, which in (
                (col_before, r["wave_before"], "before"),
                (col_after, r["wave_after"], "after"),
            ):
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

    return Mark(
        CellKey(survey.id, r["question_id"], r["option"], group).to_json(),
        None if hidden else count(r[f"n_{which}"]),
        "share",
        CellKey(survey.id, r["question_id"], BASE, group).to_json(),
        count(r[f"base_{which}"]),
    )


def target_text(m, series: pd.DataFrame | None, linked: pd.DataFrame, lang: str) -> str:
    """The level of the latest phase against the measure's target ("" without a target)."""
    if pd.isna(m.target) or series is None or series.empty:
        return ""
    last = (
        series
        if linked.empty
        else series[series["period"] >= change_period(linked["date"].max(), m.frequency)]
    )
    reached_level = pooled_level(last if len(last) else series, str(m.chart))
    reached = reached_level >= m.target if m.direction == "up" else reached_level <= m.target
    return t(
        "effects_target_reached" if reached else "effects_target_not_reached",
        lang,
        level=level(reached_level, str(m.chart), m.unit, lang),
        target=level(float(m.target), str(m.chart), m.unit, lang),
    )


def poster_section(ctx: ReportContext, lines: dict[str, list[str]], *before: Block) -> Section:
    """The poster summary as text: each heading of the network's poster template a heading,
    its lines a paragraph (one) or a list (several); ``before``: blocks under the note, before
    the headings (the link to the print-ready A3 poster, :func:`poster_block`). It was a picture
    of text (``plots.effects_poster``); as text it reads on a phone and to a screen reader, and
    costs a tenth of the bytes."""
    return Section(
        ctx.t("effects_poster_section"),
        (
            Note(ctx.t("effects_poster_note", network=ctx.t("network_name"))),
            *before,
            *(
                Section(
                    heading,
                    (Paragraph(items[0]),) if len(items) == 1 else (Bullets(tuple(items)),),
                    level=3,
                )
                for heading, items in lines.items()
            ),
        ),
    )


def poster_lines(ctx: ReportContext, team, result, diagram=None) -> dict[str, list[str]]:
    """The one-page summary in the network's poster template, heading -> lines, in the order of
    the template: förbättringsområde, bakgrund, nuläge, analys av nuläge, prioriterade
    förändringar som testats, resultat kopplat till det övergripande målet."""
    lang = ctx.lang
    area = label(team.focus_area, lang)
    start = team.start_date.strftime("%Y-%m-%d") if team.start_date is not None else "–"
    names = municipality_names(ctx.dataset.municipalities, lang)
    sections: dict[str, list[str]] = {
        t("effects_poster_area", lang): [area]
        + ([f"{t('effects_aim', lang)}: {team.aim}"] if team.aim else []),
        t("effects_poster_background", lang): [
            t(
                "effects_poster_background_text",
                lang,
                team=team.name,
                municipality=names.get(team.municipality_code, t("county", lang)),
                area=area,
                start=start,
            )
        ],
    }
    baseline = []
    for m in team.measures.itertuples(index=False):
        series = result.series.get(m.measure_id)
        if series is None or series.empty:
            continue
        start = first_change_period(team.changes, team.id, m.measure_id, m.frequency)
        pre = series[baseline_mask(series["period"], start).to_numpy()]
        baseline.append(
            t(
                "effects_poster_baseline_text",
                lang,
                measure=m.measure_name,
                value=level(pooled_level(pre, str(m.chart)), str(m.chart), m.unit, lang),
                n=len(pre),
            )
        )
    sections[t("effects_poster_baseline", lang)] = baseline or [t("effects_no_measures", lang)]
    if diagram is not None:
        nodes = diagram.nodes
        sections[t("effects_poster_analysis", lang)] = [
            t(
                "effects_poster_drivers_text",
                lang,
                primary=int((nodes["level"] == "primary").sum()),
                secondary=int((nodes["level"] == "secondary").sum()),
                ideas=int((nodes["level"] == "idea").sum()),
            )
        ] + [
            f"{t('effects_primary_driver', lang)}: {x}"
            for x in nodes.loc[nodes["level"] == "primary", "text"]
        ]
    else:
        sections[t("effects_poster_analysis", lang)] = [t("effects_poster_no_drivers", lang)]
    log = team.changes.sort_values(["change_no", "date"])
    sections[t("effects_poster_changes", lang)] = [
        t(
            "effects_poster_change_text",
            lang,
            no=int(c.change_no),
            title=c.title,
            date=pd.Timestamp(c.date).strftime("%Y-%m-%d"),
            step=t(str(c.pdsa_step), lang),
        )
        for c in log.itertuples(index=False)
    ] or [t("no_changes", lang)]
    results = [
        text_effects.measure_verdict(r, lang)
        for r in result.table.to_dict("records")
        if r["note"] not in ("too_short", "too_early")
    ]
    targets = [
        target_text(
            m,
            result.series.get(m.measure_id),
            effects.linked_changes(team.changes, m.measure_id),
            lang,
        )
        for m in team.measures.itertuples(index=False)
    ]
    story = story_poster_line(ctx, team, team_story_frame(team), result.table)  # issue 17
    sections[t("effects_poster_results", lang)] = (
        (results or [t("effects_verdict_none", lang)])
        + [x for x in targets if x]
        + ([story] if story else [])
        + [t("effects_poster_county_aim", lang)]
    )
    return sections


def poster_block(ctx: ReportContext, team, lines: dict[str, list[str]]) -> Poster:
    """The team's print-ready A3 poster (``poster_<team>.pdf`` and ``.html``, made by the
    runner): the sections of :func:`poster_lines`, the sample-data warning when it applies."""
    return Poster(
        # a report in another language than workbook.yml's (``--lang en``) gets its own poster
        name=f"poster_{team.id}"
        + ("" if ctx.config is None or ctx.lang == ctx.config.language else f"_{ctx.lang}"),
        title=team.name,
        heading=ctx.t("poster_heading", area=label(team.focus_area, ctx.lang)),
        network=ctx.t("network_name"),
        sections=tuple((heading, tuple(items)) for heading, items in lines.items()),
        footer=ctx.t("poster_footer", report=f"team_effects_{team.id}"),
        banner=ctx.t("sample_banner") if ctx.dataset.is_sample else None,
    )
