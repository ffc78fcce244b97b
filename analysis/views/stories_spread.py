"""Blocks shared by the team effect report and the change menu (issue 17): the spread of a
team's changes (units adopting, as a step chart) and the team's stories beside its measures.

Stories and free text (decided here, documented in docs/privacy.md and data/raw/README.md):

* a story without consent (``consent`` 0/nej) is never shown, counted or drawn;
* a consented story is always a numbered marker on its measure's chart (B1, B2 ... in date
  order) and an item under it with its date and the teller's role (a role, never a name);
* its title and text are free text: they are shown only when ``privacy.show_free_text`` is true
  in workbook.yml (``ctx.show_free_text``); otherwise a note says that they are withheld and why.

Every text is escaped by the renderer like any other.
"""

from __future__ import annotations

import functools

import pandas as pd

from .. import menu, plots
from ..text import t
from .context import ReportContext
from .sections import Bullets, Figure, Note, Paragraph, Section

__all__ = [
    "spread_blocks",
    "spread_curves",
    "story_items",
    "story_note",
    "story_poster_line",
    "team_story_frame",
    "unplaced_stories_section",
]


def team_story_frame(team) -> pd.DataFrame:
    """The team's consented stories, numbered and placed (:func:`analysis.menu.team_stories`)."""
    return menu.team_stories(team.stories, team.measures)


def story_items(ctx: ReportContext, stories: pd.DataFrame) -> tuple[str, ...]:
    """One line per story: number, date and teller's role; with the title and text only when
    free text may be shown."""
    items = []
    for r in stories.itertuples(index=False):
        teller = t(f"story_teller_{r.teller}", ctx.lang)
        date = pd.Timestamp(r.date).strftime("%Y-%m-%d")
        if ctx.show_free_text:
            items.append(
                t(
                    "story_item_full",
                    ctx.lang,
                    no=int(r.no),
                    date=date,
                    teller=teller,
                    title=str(r.title).rstrip("."),
                    text=r.text,
                )
            )
        else:
            items.append(t("story_item_short", ctx.lang, no=int(r.no), date=date, teller=teller))
    return tuple(items)


def story_note(ctx: ReportContext) -> Note:
    """Why titles and texts are (not) shown."""
    return Note(ctx.t("story_consent_note" if ctx.show_free_text else "story_hidden_note"))


def story_poster_line(ctx: ReportContext, team, stories: pd.DataFrame, table) -> str | None:
    """The poster summary's story (:func:`analysis.menu.best_story`), or None without one."""
    best = menu.best_story(stories, table)
    if best is None:
        return None
    teller = t(f"story_teller_{best['teller']}", ctx.lang)
    date = pd.Timestamp(best["date"]).strftime("%Y-%m")
    if ctx.show_free_text:
        return t("story_poster_full", ctx.lang, teller=teller, date=date, title=best["title"])
    names = dict(zip(team.measures["measure_id"], team.measures["measure_name"], strict=True))
    measure = best["measure_id"] if isinstance(best["measure_id"], str) else None
    if measure in names:
        return t("story_poster_short", ctx.lang, teller=teller, date=date, measure=names[measure])
    return t("story_poster_short_plain", ctx.lang, teller=teller, date=date)


def spread_curves(team, change_nos, lang: str) -> pd.DataFrame:
    """``analysis.menu.adoption`` of the team's changes ``change_nos``, with a ``label`` per
    change ("1. Sms samma dag ...")."""
    curves = menu.adoption(team.spread)
    curves = curves[curves["change_no"].isin([int(n) for n in change_nos])]
    titles = dict(zip(team.changes["change_no"].astype(int), team.changes["title"], strict=True))
    return curves.assign(
        label=[f"{int(n)}. {titles.get(int(n), '')}" for n in curves["change_no"]]
    ).reset_index(drop=True)


def spread_blocks(
    ctx: ReportContext,
    team,
    change_nos,
    measure_title: str,
    series: pd.DataFrame | None,
    drawn: frozenset = frozenset(),
) -> tuple:
    """The spread of the changes ``change_nos`` under a measure's chart: a step chart on the
    measure's time range and one sentence per change; nothing when spread.csv has no rows. The
    changes in ``drawn`` (drawn under an earlier measure of the report) get their sentence only:
    the same chart twice would only make the report heavier."""
    curves = spread_curves(team, change_nos, ctx.lang)
    if curves.empty:
        return ()
    chart = curves[~curves["change_no"].isin(list(drawn))]
    start = until = None
    if series is not None and not series.empty:
        start, until = series["period"].min(), series["period"].max()
        until = max(until, curves["date"].max())
    now = menu.adoption_now(team.spread)
    titles = dict(zip(team.changes["change_no"].astype(int), team.changes["title"], strict=True))
    texts = [
        t(
            "spread_text",
            ctx.lang,
            no=int(r.change_no),
            title=titles.get(int(r.change_no), ""),
            adopted=int(r.adopted_units),
            units=int(r.units),
            date=pd.Timestamp(r.date).strftime("%Y-%m-%d"),
        )
        for r in now[now["change_no"].isin(curves["change_no"])].itertuples(index=False)
    ]
    alt = t("spread_alt", ctx.lang, measure=measure_title)
    figure = (
        ()
        if chart.empty
        else (
            Figure(functools.partial(plots.spread_chart, chart, start=start, until=until), alt=alt),
        )
    )
    return (*figure, *(Paragraph(x) for x in texts))


def unplaced_stories_section(ctx: ReportContext, stories: pd.DataFrame, measure_ids) -> tuple:
    """The team's consented stories tied to no measure of the report, as a short list."""
    own = stories[~stories["measure_id"].isin(list(measure_ids))]
    if own.empty:
        return ()
    return (
        Section(
            ctx.t("story_other_section"),
            (Bullets(story_items(ctx, own)), story_note(ctx)),
        ),
    )
