"""Team progress on the IHI assessment scale, as the county report and a team's report show it:
every team's score over the network meetings (county), the team's own scores with what was met
(team), and the rules in words (both). The scores are :mod:`analysis.assessment`'s."""

from __future__ import annotations

import functools

import pandas as pd

from .. import assessment, plots
from ..effects import MIN_POINTS
from ..text import number, percent, t
from .context import ReportContext
from .sections import Bullets, Figure, Note, Paragraph, Section, Table

__all__ = [
    "county_progress_section",
    "county_progress_table",
    "meetings_of",
    "rules_blocks",
    "team_progress_section",
    "team_progress_table",
]


def meetings_of(ds) -> pd.DataFrame:
    """The network meetings (``meetings.csv``): meeting_date, title; sorted, may be empty."""
    return ds.meetings.sort_values("meeting_date").reset_index(drop=True)


def _latest(team) -> pd.Timestamp:
    """The day after the team's latest data (its last period's end, or its last change)."""
    dates = []
    if not team.observations.empty:
        ends = assessment.period_end(
            team.observations["period"],
            team.observations["measure_id"]
            .map(dict(zip(team.measures["measure_id"], team.measures["frequency"], strict=True)))
            .astype("str"),
        )
        dates.append(ends.max())
    if not team.changes.empty:
        dates.append(team.changes["date"].max())
    if team.start_date is not None:
        dates.append(team.start_date)
    return max(dates) if dates else pd.Timestamp.today().normalize()


def _progress(ctx: ReportContext, team, meetings: pd.DataFrame) -> pd.DataFrame:
    dates = list(meetings["meeting_date"]) if not meetings.empty else [_latest(team)]
    return assessment.team_progress(team, dates, ctx.dataset.assessments)


def _meeting_label(date: pd.Timestamp) -> str:
    return pd.Timestamp(date).strftime("%Y-%m-%d")


def _score_text(score: float, source: str, lang: str, mark: bool = True) -> str:
    if pd.isna(score):
        return ""
    return number(score, 1, lang) + ("*" if mark and source == "coach" else "")


def rules_blocks(ctx: ReportContext) -> tuple:
    """The rule of each step in words, then what "data at a meeting" means."""
    return (
        Paragraph(ctx.t("progress_rules_heading")),
        Bullets(
            tuple(
                ctx.t(
                    f"progress_rule_{c}",
                    min=MIN_POINTS,
                    share=percent(assessment.TARGET_SHARE, 0, ctx.lang),
                )
                for c in assessment.CRITERIA
            )
            + (ctx.t("progress_rule_outstanding"),)
        ),
        Note(ctx.t("progress_data_note")),
    )


def county_progress_table(
    progress: pd.DataFrame, names: dict[str, str], labels: list[str], lang: str
) -> pd.DataFrame:
    """One row per team, one column per meeting (``labels``, in the order of ``progress``'s
    meetings): the score, ``*`` for a coach's."""
    dates = list(dict.fromkeys(progress["meeting_date"]))
    rows = []
    for team_id, own in progress.groupby("team_id", sort=False):
        by_date = {r["meeting_date"]: r for r in own.to_dict("records")}
        row = {t("progress_col_team", lang): names.get(team_id, team_id)}
        for date, column in zip(dates, labels, strict=True):
            r = by_date.get(date)
            row[column] = "" if r is None else _score_text(r["score"], r["source"], lang)
        rows.append(row)
    return pd.DataFrame(rows)


#: The most teams the county's tile chart gives a row each; a bigger network gets a chart of how
#: many teams had each score (its table still names every team's score).
TILES_PER_TEAM_MAX = 30


def county_progress_section(ctx: ReportContext) -> Section:
    """Every team's score over the network meetings: a table, a tile chart (a row per team, or
    for more than :data:`TILES_PER_TEAM_MAX` teams the number of teams at each score), the
    rules."""
    ds = ctx.dataset
    meetings = meetings_of(ds)
    teams = ds.teams
    names = dict(zip(teams["team_id"], teams["team_name"], strict=True))
    frames = [_progress(ctx, ds.team(team_id), meetings) for team_id in teams["team_id"]]
    progress = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    blocks: list = [Paragraph(ctx.t("progress_county_intro"))]
    if meetings.empty:
        blocks.append(Paragraph(ctx.t("progress_no_meetings_county")))
        progress = progress.assign(meeting_date=pd.Timestamp(0)) if len(progress) else progress
        labels = [ctx.t("progress_latest")]
    else:
        labels = [_meeting_label(d) for d in meetings["meeting_date"]]
    if progress.empty:
        return Section(ctx.t("progress_section"), (*blocks, *rules_blocks(ctx)))
    table = county_progress_table(progress, names, labels, ctx.lang)
    chart = pd.DataFrame(
        {
            "team": progress["team_id"].map(names),
            "meeting": progress["meeting_date"].map(
                dict(
                    zip(
                        dict.fromkeys(progress["meeting_date"]),
                        [x[:7] if not meetings.empty else x for x in labels],
                        strict=True,
                    )
                )
            ),
            "score": progress["score"],
            "source": progress["source"],
        }
    )
    if chart["team"].nunique() <= TILES_PER_TEAM_MAX:
        figure = Figure(
            functools.partial(plots.progress_chart, chart), alt=ctx.t("progress_chart_alt")
        )
    else:  # a row per team would repeat the table in a picture ~2,500 pt tall (100 teams)
        figure = Figure(
            functools.partial(plots.progress_distribution_chart, chart[["meeting", "score"]]),
            alt=ctx.t("progress_distribution_alt"),
        )
    blocks += [
        Table(table, caption=ctx.t("progress_section")),
        Note(ctx.t("progress_coach_mark")),
        figure,
        *_comment_note(ctx, progress),
        *rules_blocks(ctx),
    ]
    return Section(ctx.t("progress_section"), tuple(blocks))


def _comment_note(ctx: ReportContext, progress: pd.DataFrame) -> list:
    comments = progress["comment"].astype("str").str.strip().replace("", pd.NA).dropna()
    comments = comments[comments != "nan"]
    if ctx.show_free_text or comments.empty:
        return []
    return [Note(ctx.t("progress_comments_hidden", n=len(comments)))]


def team_progress_table(
    progress: pd.DataFrame, titles: dict, lang: str, show_comments: bool = False
) -> pd.DataFrame:
    """The team's score at each meeting: meeting, score, step, source, the suggestion and what
    the data lacked for the next step; the coach's comment only with ``show_comments`` (free
    text)."""
    rows = []
    for r in progress.to_dict("records"):
        date = r["meeting_date"]
        title = titles.get(date)
        missing = next((c for c in assessment.CRITERIA if not r[c]), None)
        if pd.isna(r["suggested"]):
            next_step = ""
        elif missing is None:
            next_step = t("progress_next_coach", lang)
        else:
            next_step = t(f"progress_met_{missing}", lang)
            if missing == "targets":
                next_step += (
                    f" ({t('progress_targets', lang, reached=r['n_reached'], n=r['n_targets'])})"
                )
        step = assessment.SCALE.get(r["score"]) if pd.notna(r["score"]) else None
        row = {
            t("progress_col_meeting", lang): f"{title} ({_meeting_label(date)})"
            if title
            else _meeting_label(date),
            t("progress_col_score", lang): _score_text(r["score"], r["source"], lang, mark=False)
            or t("progress_not_started", lang),
            t("progress_col_step", lang): t(f"progress_step_{step}", lang) if step else "",
            t("progress_col_source", lang): t(f"progress_source_{r['source']}", lang)
            if r["source"]
            else "",
            t("progress_col_suggested", lang): _score_text(r["suggested"], "data", lang) or "–",
            t("progress_col_next", lang): next_step,
        }
        if show_comments:
            comment = r.get("comment")
            row[t("progress_col_comment", lang)] = (
                "" if comment is None or pd.isna(comment) or str(comment) == "nan" else comment
            )
        rows.append(row)
    return pd.DataFrame(rows)


def team_progress_section(ctx: ReportContext, team) -> Section:
    """The team's own score at each network meeting, what the data met, and the rules."""
    meetings = meetings_of(ctx.dataset)
    progress = _progress(ctx, team, meetings)
    titles = {
        d: (None if pd.isna(x) or not str(x).strip() else str(x))
        for d, x in zip(meetings["meeting_date"], meetings["title"], strict=True)
    }
    blocks: list = [Paragraph(ctx.t("progress_team_intro"))]
    if meetings.empty:
        latest = progress["meeting_date"].iloc[0]
        blocks.append(Paragraph(ctx.t("progress_no_meetings", date=_meeting_label(latest))))
        titles = {latest: ctx.t("progress_latest")}
    blocks += [
        Table(team_progress_table(progress, titles, ctx.lang, ctx.show_free_text)),
        *_comment_note(ctx, progress),
        *rules_blocks(ctx),
    ]
    return Section(ctx.t("progress_section"), tuple(blocks))
