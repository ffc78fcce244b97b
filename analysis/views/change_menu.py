"""The network's change menu (förändringsmeny, issue 17): every change idea any team has tested,
grouped by focus area and by the driver it serves, with the teams that tested it, the PDSA
cycles, the verdict on each measure (the team reports' own verdicts), how far it has spread and
links to the team reports; ideas tested by several teams side by side.
Notebook: ``change_menu.ipynb``; report ``change_menu``.

This file decides what the change menu shows and in which order. Which changes are "the same
idea" and what a cycle is: :mod:`analysis.menu`.
"""

from __future__ import annotations

import functools

import pandas as pd

from .. import effects, memo, menu, plots
from ..schemas import FOCUS_AREAS
from ..text import effects as text_effects
from ..text import label, t
from .common import with_glossary
from .context import ReportContext
from .sections import Figure, Link, Note, Page, Paragraph, Section, Table

__all__ = ["build", "idea_table", "menu_rows", "shared_table", "team_report_href"]


def build(ctx: ReportContext) -> Page:
    """The change menu, section by section."""
    ds = ctx.dataset
    teams = ds.teams
    changes = ds.changes
    if changes.empty:
        return with_glossary(
            Page(ctx.t("menu_title"), (Section(None, (Paragraph(ctx.t("menu_none")),)),)),
            ctx.lang,
        )
    team_ids = sorted(set(changes["team_id"].astype(str)))
    diagrams = {tid: ds.drivers(tid) for tid in team_ids if tid in ds.driver_teams}
    slices = {tid: ds.team(tid) for tid in team_ids}
    # each team's estimates are kept between runs (analysis.memo): one team's change recomputes
    # that team's only; the team effect reports of the run have kept them already
    tables = {tid: effects_table(slices[tid], tid) for tid in team_ids}
    spread = ds.spread
    table = menu.change_menu(changes, teams, diagrams, spread)
    ideas = menu.change_ideas(table)
    rows = menu_rows(ctx, table, tables, slices)
    shared = ideas[ideas["n_teams"] > 1]
    intro = ctx.t(
        "menu_intro",
        ideas=len(ideas),
        teams=table["team_id"].nunique(),
        cycles=int(table["n_cycles"].sum()),
        shared=len(shared),
    )
    sections = [
        Section(
            None,
            (
                Paragraph(intro),
                Note(ctx.t("menu_how_ideas")),
                Note(ctx.t("menu_how_verdicts")),
            ),
        ),
        Section(
            ctx.t("menu_shared_section"),
            tuple(
                _shared_section(ctx, idea, rows, slices, spread)
                for idea in shared.itertuples(index=False)
            )
            or (Paragraph(ctx.t("menu_shared_none")),),
        ),
        Section(
            ctx.t("menu_by_area_section"),
            tuple(
                Section(
                    label(area, ctx.lang),
                    (
                        Table(
                            idea_table(ctx, rows[rows["focus_area"] == area]),
                            caption=ctx.t("menu_area_caption", area=label(area, ctx.lang)),
                        ),
                    ),
                    level=3,
                )
                for area in _areas(rows)
            ),
        ),
        _spread_section(ctx, table, slices, spread),
    ]
    return with_glossary(Page(ctx.t("menu_title"), tuple(sections)), ctx.lang)


def _areas(rows: pd.DataFrame) -> list[str]:
    """The focus areas with tested changes, in the programme's order (others after)."""
    present = list(dict.fromkeys(rows["focus_area"]))
    return [a for a in FOCUS_AREAS if a in present] + [a for a in present if a not in FOCUS_AREAS]


def effects_table(team, team_id: str) -> pd.DataFrame:
    """The team's effect estimates (``effects.team_effects(...).table``), as its report has them:
    the very call its report makes (analysis.memo), so a run estimates each team once."""
    return memo.cached(effects.team_effects, team, team_id).table


def team_report_href(ctx: ReportContext, team_id: str) -> str | None:
    """The file name of the team's effect report in this run (``team_effects_<team>.html``, with
    ``_<lang>`` when this report is not in workbook.yml's language, as the runner names it);
    None when the plan has no team effect reports. Team ids are ``[a-z0-9_]+``, which the
    runner's file-name slug keeps as they are."""
    entries = [] if ctx.config is None else list(ctx.config.reports)
    entry = next(
        (e for e in entries if e.get("notebook") == "team_effects" and e.get("for_each") == "team"),
        None if entries else {"notebook": "team_effects"},
    )
    if entry is None:
        return None
    default = ctx.config.language if ctx.config is not None else "sv"
    suffix = "" if ctx.lang == default else f"_{ctx.lang}"
    return f"{entry.get('name') or 'team_effects'}_{team_id}{suffix}.html"


def _verdict_text(ctx: ReportContext, verdicts: pd.DataFrame, change_nos) -> str:
    """``Närvaro: förbättring; Tid till kontakt: för tidigt att bedöma``, from the team report's
    rows (:func:`analysis.text.effects.short_verdict`)."""
    if verdicts.empty:
        return ctx.t("menu_no_verdict")
    parts = []
    for r in verdicts.to_dict("records"):
        text = f"{r['measure_name']}: {text_effects.short_verdict(r, ctx.lang)}"
        others = [n.strip() for n in str(r["changes"]).split(",") if n.strip()]
        others = [n for n in others if int(n) not in set(change_nos)]
        if others:
            text += f" ({ctx.t('menu_together', nos=', '.join(others))})"
        parts.append(text)
    return "; ".join(parts)


def menu_rows(ctx: ReportContext, table: pd.DataFrame, tables: dict, slices: dict) -> pd.DataFrame:
    """:func:`analysis.menu.change_menu` with the texts the report shows: driver, step, effect,
    spread and the link to the team's report (one row per idea and team)."""
    out = []
    for r in table.to_dict("records"):
        verdicts = menu.change_verdicts(tables[r["team_id"]], r["change_nos"])
        href = team_report_href(ctx, r["team_id"])
        driver = (
            " → ".join(x for x in (r["primary_driver"], r["secondary_driver"]) if x)
            if r["primary_driver"]
            else ctx.t("menu_no_driver")
        )
        out.append(
            {
                **r,
                "driver_text": driver,
                "step_text": t(r["latest_step"], ctx.lang),
                "effect_text": _verdict_text(ctx, verdicts, r["change_nos"]),
                "spread_text": ctx.t(
                    "menu_spread_units", adopted=r["units_adopted"], units=r["units_named"]
                )
                if r["units_named"]
                else ctx.t("menu_spread_none"),
                "team_link": Link(r["team_name"], href) if href else r["team_name"],
                "nos_text": ", ".join(str(n) for n in r["change_nos"]),
            }
        )
    return pd.DataFrame(out)


def idea_table(ctx: ReportContext, rows: pd.DataFrame) -> pd.DataFrame:
    """One focus area's ideas: change, team (linked to its report), driver, cycles, latest step,
    effect on each measure, spread."""
    rows = rows.assign(_no_driver=rows["primary_driver"] == "").sort_values(
        ["_no_driver", "driver_text", "title"], kind="stable"
    )  # ideas without a driver diagram last
    return pd.DataFrame(
        {
            ctx.t("menu_col_idea"): [
                f"{title} ({t('change_no', ctx.lang)} {nos})"
                for title, nos in zip(rows["title"], rows["nos_text"], strict=True)
            ],
            ctx.t("menu_col_team"): list(rows["team_link"]),
            ctx.t("menu_col_driver"): list(rows["driver_text"]),
            ctx.t("menu_col_cycles"): [int(n) for n in rows["n_cycles"]],
            ctx.t("menu_col_step"): list(rows["step_text"]),
            ctx.t("menu_col_effect"): list(rows["effect_text"]),
            ctx.t("menu_col_spread"): list(rows["spread_text"]),
        }
    )


def shared_table(ctx: ReportContext, rows: pd.DataFrame) -> pd.DataFrame:
    """One idea tested by several teams: one column per team, one row per aspect."""
    aspects = [
        ("menu_col_idea", lambda r: f"{r['title']} ({t('change_no', ctx.lang)} {r['nos_text']})"),
        ("menu_col_area", lambda r: label(r["focus_area"], ctx.lang)),
        ("menu_col_driver", lambda r: r["driver_text"]),
        ("menu_col_start", lambda r: r["first_date"].strftime("%Y-%m-%d")),
        ("menu_col_cycles", lambda r: str(int(r["n_cycles"]))),
        ("menu_col_step", lambda r: r["step_text"]),
        ("menu_col_effect", lambda r: r["effect_text"]),
        ("menu_col_spread", lambda r: r["spread_text"]),
        ("menu_col_report", lambda r: r["team_link"]),
    ]
    records = rows.sort_values("first_date", kind="stable").to_dict("records")
    columns = {ctx.t("menu_col_aspect"): [ctx.t(key) for key, _ in aspects]}
    for r in records:
        columns[r["team_name"]] = [get(r) for _, get in aspects]
    return pd.DataFrame(columns)


def _shared_section(ctx: ReportContext, idea, rows: pd.DataFrame, slices: dict, spread) -> Section:
    own = rows[rows["idea_key"] == idea.idea_key]
    blocks: list = [
        Table(shared_table(ctx, own), caption=ctx.t("menu_shared_caption", idea=idea.title))
    ]
    curves = _idea_curves(own, slices)
    if not curves.empty:
        blocks.append(
            Figure(
                functools.partial(plots.spread_chart, curves),
                alt=ctx.t("menu_idea_spread_alt", idea=idea.title),
            )
        )
    return Section(idea.title, tuple(blocks), level=3)


def _idea_curves(own: pd.DataFrame, slices: dict) -> pd.DataFrame:
    """The adoption of one idea, one line per team (its changes' units together)."""
    parts = []
    for r in own.sort_values("first_date", kind="stable").to_dict("records"):
        team = slices[r["team_id"]]
        spread = team.spread[team.spread["change_no"].isin(list(r["change_nos"]))]
        if spread.empty:
            continue
        # one team's changes of the idea as one line: a unit counts once whichever change
        curve = menu.adoption(spread.assign(change_no=min(r["change_nos"])))
        parts.append(curve.assign(label=r["team_name"]))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _spread_section(ctx: ReportContext, table: pd.DataFrame, slices: dict, spread) -> Section:
    curves = menu.adoption(spread)
    if curves.empty:
        return Section(ctx.t("menu_spread_section"), (Paragraph(ctx.t("menu_spread_none_text")),))
    titles = {
        (str(r.team_id), int(n)): (r.team_name, r.title)
        for r in table.itertuples(index=False)
        for n in r.change_nos
    }
    labels = [
        ctx.t(
            "spread_series",
            team=titles.get((tm, int(n)), (tm, ""))[0],
            no=int(n),
            title=titles.get((tm, int(n)), ("", ""))[1],
        )
        for tm, n in zip(curves["team_id"], curves["change_no"], strict=True)
    ]
    return Section(
        ctx.t("menu_spread_section"),
        (
            Figure(
                functools.partial(plots.spread_chart, curves.assign(label=labels), height=3.6),
                alt=ctx.t("menu_spread_alt"),
            ),
            Note(ctx.t("spread_method")),
        ),
    )
