"""Blocks more than one report shows: municipality names, the PDSA log, the driver diagram,
the surveys a team's report shows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..schemas import REGION_CODE
from ..text import level, number, t
from .context import ReportContext
from .sections import Glossary, Outline, Page, Paragraph, Section, Table


def with_glossary(page: Page, lang: str) -> Page:
    """``page`` with a glossary section at its end listing the terms its text uses
    (:func:`analysis.text.glossary.terms_used`); unchanged when it uses none."""
    from ..text import glossary

    used = glossary.terms_used(page.texts(), lang)
    if not used:
        return page
    entries = tuple((key, *glossary.entry(key, lang)) for key in used)
    section = Section(
        t("glossary_title", lang), (Paragraph(t("glossary_intro", lang)), Glossary(entries, lang))
    )
    return Page(page.title, (*page.sections, section), provenance=page.provenance)


def municipality_names(municipalities: pd.DataFrame, lang: str) -> dict[str, str]:
    """``code -> name`` of the county's municipalities, and the region (0006) as "Länet"."""
    names = dict(
        zip(
            municipalities["municipality_code"].astype(str),
            municipalities["municipality_name"].astype(str),
            strict=True,
        )
    )
    names.setdefault(REGION_CODE, t("county", lang))
    return names


def changes_table(
    changes: pd.DataFrame, team_id: str, measures: pd.DataFrame | None, lang: str
) -> pd.DataFrame:
    """The team's PDSA log for a report: number, date, change, step, measures (by name)."""
    log = changes[changes["team_id"] == team_id].sort_values(["change_no", "date"])
    names = {}
    if measures is not None:
        own = measures[measures["team_id"] == team_id]
        names = dict(zip(own["measure_id"], own["measure_name"], strict=True))
    return pd.DataFrame(
        {
            t("change_no", lang): [int(n) for n in log["change_no"]],
            t("date", lang): list(log["date"]),
            t("title", lang): log["title"].astype(str).tolist(),
            t("pdsa_step", lang): [t(str(s), lang) for s in log["pdsa_step"]],
            t("measures", lang): [
                ", ".join(names.get(m.strip(), m.strip()) for m in str(v).split(",") if m.strip())
                for v in log["measures"].fillna("")
            ],
        }
    )


def changes_section(ctx: ReportContext, team_id: str) -> Section:
    """ "Testade förändringar (PGSA-logg)": the log, or a sentence that there is none yet."""
    team = ctx.dataset.team(team_id)
    log = changes_table(team.changes, team_id, team.measures, ctx.lang)
    return Section(
        ctx.t("changes"), (Paragraph(ctx.t("no_changes")),) if log.empty else (Table(log),)
    )


def ideas_table(ideas: pd.DataFrame, lang: str) -> pd.DataFrame:
    """:func:`analysis.drivers.idea_status` for a report: idea, state, PDSA numbers, measures."""
    return pd.DataFrame(
        {
            t("goals_col_idea", lang): [
                f"{i}: {x}" for i, x in zip(ideas["node_id"], ideas["text"], strict=True)
            ],
            t("goals_col_state", lang): [t(f"goals_idea_{s}", lang) for s in ideas["state"]],
            t("goals_col_changes", lang): [", ".join(map(str, c)) or "–" for c in ideas["changes"]],
            t("goals_col_measures", lang): [", ".join(m) or "–" for m in ideas["measures"]],
        }
    )


def driver_outline(nodes: pd.DataFrame, ideas: pd.DataFrame, lang: str) -> Outline:
    """The driver diagram as text, a nested list: the aim, its primary drivers (vad?), their
    secondary drivers (hur?) and their change ideas with each one's test state
    (:func:`analysis.drivers.idea_status`), in the order of the team's file."""
    state = dict(zip(ideas["node_id"], ideas["state"], strict=True))
    names = {
        "primary": t("goals_node_primary", lang),
        "secondary": t("goals_node_secondary", lang),
        "idea": t("goals_node_idea", lang),
    }
    children: dict[str, list] = {}
    for row in nodes.itertuples(index=False):
        if isinstance(row.parent_id, str):
            children.setdefault(row.parent_id, []).append(row)

    def item(row) -> tuple[str, tuple]:
        if row.level == "aim":
            label = f"{t('goals_driver_aim', lang)}: {row.text}"
        else:
            label = t("goals_node", lang, level=names[row.level], id=row.node_id, text=row.text)
        if row.level == "idea":
            label = t(
                "goals_node_state",
                lang,
                node=label,
                state=t(f"goals_idea_{state.get(row.node_id, 'not_started')}", lang),
            )
        return label, tuple(item(kid) for kid in children.get(row.node_id, []))

    roots = [row for row in nodes.itertuples(index=False) if row.level == "aim"]
    return Outline(tuple(item(r) for r in roots), caption=t("goals_drivers_outline", lang))


def driver_blocks(ctx: ReportContext, diagram, caption: str | None) -> tuple:
    """The driver diagram as text (a nested list: aim, drivers, change ideas with their test
    state) and the ideas with their PDSA numbers and measures as a table. It was a picture of
    text (``plots.driver_diagram``, still there for a poster or a slide): a phone shrank it to
    4 px text, and a screen reader had only its alt text."""
    from ..drivers import idea_status

    ideas = idea_status(diagram, ctx.dataset.team(diagram.team_id).changes)
    return (
        driver_outline(diagram.nodes, ideas, ctx.lang),
        Table(ideas_table(ideas, ctx.lang), caption=caption),
    )


def baseline_verdict_text(row, lang: str) -> str:
    """The baseline verdict of a :func:`analysis.goals.baseline_summary` row: stable / unstable
    level, or too few points (how many, and how many are needed)."""
    from ..goals import MIN_BASELINE_POINTS

    if row["verdict"] == "too_few":
        return t("goals_verdict_too_few", lang, n=int(row["n_points"]), min=MIN_BASELINE_POINTS)
    return t(f"goals_verdict_{row['verdict']}", lang)


def baseline_level_text(value: float, row, lang: str) -> str:
    """A level of a :func:`analysis.goals.baseline_summary` row (drawn ×``multiply``) as every
    report writes a measure's level (:func:`analysis.text.level`)."""
    return level(value / row["multiply"], str(row["chart"]), row["unit"], lang)


def team_survey_ids(ctx: ReportContext, team_id: str, waves: bool = False) -> list[str]:
    """The surveys a team's report shows (:func:`analysis.surveys.team_surveys`: tied to the
    team in the codebook and fielded in its period); with ``waves`` only those with waves."""
    ties = ctx.dataset.team_surveys(team_id)
    ids = [str(s) for s in ties.loc[ties["shown"], "survey_id"]]
    return [s for s in ids if ctx.dataset.codebook(s).waves] if waves else ids


def survey_ties_texts(ctx: ReportContext, team_id: str, waves: bool = False) -> list[str]:
    """Sentences about the team's surveys the report does not show or cannot date: none tied to
    the team, fielded outside its period, undated. Empty when every tied survey is shown and
    dated."""
    ds, lang = ctx.dataset, ctx.lang
    ties = ds.team_surveys(team_id)
    if waves:
        ties = ties[ties["survey_id"].map(lambda s: bool(ds.codebook(s).waves)).astype(bool)]
    out = []
    for r in ties.to_dict("records"):
        title = ds.codebook(r["survey_id"]).label(lang)
        if r["status"] in ("before", "after"):
            out.append(
                t(
                    f"survey_tie_{r['status']}",
                    lang,
                    survey=title,
                    fielded=_months(r["fielded_from"], r["fielded_to"]),
                    period=_months(r["period_from"], r["period_to"]),
                )
            )
        elif r["status"] == "undated":
            out.append(t("survey_tie_undated", lang, survey=title))
    if not ties["shown"].any():
        out.insert(0, t("survey_tie_none_waves" if waves else "survey_tie_none", lang))
    return out


def _months(first, last) -> str:
    start = "…" if first is None or pd.isna(first) else f"{pd.Timestamp(first):%Y-%m}"
    end = "…" if last is None or pd.isna(last) else f"{pd.Timestamp(last):%Y-%m}"
    return start if start == end else f"{start} – {end}"


def trend_text(slope: float, low: float, high: float, lang: str) -> str:
    """A trend in pp per year with its interval: ``+1,2 (0,4 – 2,0)``; ``–`` without one."""
    if not np.isfinite(slope):
        return "–"
    body = f"{'+' if slope > 0 else ''}{number(slope, 1, lang)}"
    if np.isfinite(low) and np.isfinite(high):
        body += f" ({number(low, 1, lang)} – {number(high, 1, lang)})"
    return body
