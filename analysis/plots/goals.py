"""Figures for goals: goal trajectories with the gap, and the driver diagram (påverkansanalys)."""

from __future__ import annotations

import math
import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch, Patch

from ..text import number, t
from .style import (
    FIGURE_WIDTH,
    PALETTE,
    SMALL_TEXT,
    TEXT_CHARS,
    TITLE_CHARS,
    date_axis,
    each_facet,
    facets,
    label_outer,
    legend_columns,
    plain,
)

__all__ = ["goal_chart", "driver_diagram", "baseline_points", "indicator_panels"]

STATE_COLOURS = {
    "tested": PALETTE["good"],
    "planned": PALETTE["highlight"],
    "not_started": PALETTE["neutral"],
}


def goal_chart(
    series: pd.DataFrame,
    names: dict[str, str] | None = None,
    title: str | None = None,
    unit: str = "%",
    direction: str = "up",
    facet: str = "municipality_code",
    ncols: int = 3,
    lang: str | None = None,
) -> plt.Figure:
    """Observed values, the goal trajectory and the gap, one panel per ``facet`` value.

    ``series`` is one goal's part of the second frame :func:`analysis.goals.indicator_goals`
    returns: [facet], year, value, goal. The gap is drawn from the latest observed value to the
    goal of the same year and written in the panel title (in percentage points for ``%``, else in
    ``unit``); a value at or beyond the trajectory in the direction of improvement is "on track".
    """
    names = names or {}
    sign = 1 if direction == "up" else -1
    gap_unit = t("goals_unit_pp", lang) if unit == "%" else plain(unit, 30)
    data = series if facet in series else series.assign(**{facet: ""})  # one panel
    keys = list(dict.fromkeys(data[facet]))
    data = data.sort_values("year", kind="stable")
    grid = facets(data, facet, ncols, 1.9, 0.8, order=keys, sharex=True, sharey=True)
    grid.set_axis_labels("", plain(unit, 30), fontsize=SMALL_TEXT)
    for key, ax, part in each_facet(grid):
        obs = part.dropna(subset=["value"])  # a year without a value is bridged
        goal = part.dropna(subset=["goal"])
        ax.plot(
            obs["year"], obs["value"], marker="o", ms=3, mew=0.75, lw=1.4, color=PALETTE["data"]
        )
        ax.plot(goal["year"], goal["goal"], ls="--", lw=1.3, color=PALETTE["target"])
        name = names.get(key, key)
        label = ""
        if len(obs):
            last = obs.iloc[-1]
            same = goal[goal["year"] == last["year"]]
            if len(same) and np.isfinite(same["goal"].iloc[0]):
                g = float(same["goal"].iloc[0])
                gap = sign * (g - float(last["value"]))
                if gap > 0:
                    ax.vlines(
                        last["year"],
                        min(g, last["value"]),
                        max(g, last["value"]),
                        color=PALETTE["signal"],
                        lw=2.2,
                    )
                    label = t("goals_chart_gap", lang, gap=f"{number(gap, 1, lang)} {gap_unit}")
                else:
                    label = t("goals_chart_on_track", lang)
        ax.set_title(plain(name, 40), fontsize=9, loc="left")
        if label:
            ax.text(
                1.0,
                1.02,
                label,
                transform=ax.transAxes,
                ha="right",
                va="bottom",
                fontsize=SMALL_TEXT - 0.5,
                color=PALETTE["signal"] if gap > 0 else PALETTE["good"],
            )
        ax.tick_params(labelsize=SMALL_TEXT - 1)
        ax.xaxis.set_major_locator(plt.MaxNLocator(4, integer=True))
    label_outer(grid)
    fig = grid.figure
    # a fixed target (one value per panel) is a "target", a changing one a trajectory
    fixed = bool(
        (series.dropna(subset=["goal"]).groupby(facet)["goal"].nunique() <= 1).all()
        if facet in series
        else series["goal"].nunique() <= 1
    )
    handles = [
        Line2D(
            [], [], color=PALETTE["data"], marker="o", ms=3, label=t("goals_chart_observed", lang)
        ),
        Line2D(
            [],
            [],
            color=PALETTE["target"],
            ls="--",
            label=t("goals_chart_target" if fixed else "goals_chart_trajectory", lang),
        ),
        Line2D([], [], color=PALETTE["signal"], lw=2.2, label=t("goals_chart_gap_legend", lang)),
    ]
    fig.legend(
        handles=handles,
        loc="lower center",
        ncol=legend_columns([h.get_label() for h in handles]),
        fontsize=SMALL_TEXT,
        bbox_to_anchor=(0.5, 0.0),
    )
    if title:
        fig.suptitle(plain(title, TITLE_CHARS), x=0.01, ha="left", fontsize=11, fontweight="bold")
    fig.tight_layout(rect=(0, 0.06, 1, 0.97 if title else 1))
    return fig


def indicator_panels(
    series: pd.DataFrame,
    names: dict[str, str] | None = None,
    title: str | None = None,
    unit: str = "",
    ncols: int = 3,
    lang: str | None = None,
) -> plt.Figure:
    """One small panel per municipality: its yearly values against the county's.

    ``series``: municipality_code, year, value, county (the county's value that year), in the
    order the panels are drawn.
    """
    names = names or {}
    keys = list(dict.fromkeys(series["municipality_code"]))
    data = series.sort_values("year", kind="stable")
    grid = facets(data, "municipality_code", ncols, 1.55, 0.9, order=keys, sharex=True, sharey=True)
    grid.set_axis_labels("", plain(unit, 30), fontsize=SMALL_TEXT)
    for key, ax, part in each_facet(grid):
        # a year without a value is a gap, not bridged
        ax.plot(part["year"], part["county"], ls="--", lw=1.1, color=PALETTE["centre"])
        ax.plot(part["year"], part["value"], marker="o", ms=2.5, lw=1.4, color=PALETTE["data"])
        ax.set_title(plain(names.get(key, key), 30), fontsize=SMALL_TEXT, loc="left")
        ax.tick_params(labelsize=SMALL_TEXT - 1)
        ax.xaxis.set_major_locator(plt.MaxNLocator(3, integer=True))
    label_outer(grid)
    fig = grid.figure
    handles = [
        Line2D([], [], color=PALETTE["data"], marker="o", ms=3, label=t("municipality", lang))
    ]
    if series["county"].notna().any():  # no county line (none in Kolada, none computed): no key
        handles.append(
            Line2D([], [], color=PALETTE["centre"], ls="--", label=t("goals_col_county", lang))
        )
    fig.legend(
        handles=handles,
        loc="lower center",
        ncol=legend_columns([h.get_label() for h in handles]),
        fontsize=SMALL_TEXT,
        bbox_to_anchor=(0.5, 0.0),
    )
    if title:
        fig.suptitle(plain(title, TITLE_CHARS), x=0.01, ha="left", fontsize=11, fontweight="bold")
    fig.tight_layout(rect=(0, 0.05, 1, 0.96 if title else 1))
    return fig


def baseline_points(
    result, ylabel: str | None = None, target: float | None = None, lang: str | None = None
) -> plt.Figure:
    """The points of a baseline too short to judge: no centre line, no verdict, a plain caption.

    ``result`` is the ``spc.ChartResult`` of :func:`analysis.goals.baseline_chart`.
    """
    points = result.points
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH, 3.2))
    ax.plot(points["x"], points["y"], marker="o", ms=4, lw=1.4, color=PALETTE["data"])
    if target is not None and np.isfinite(target):
        ax.axhline(target, color=PALETTE["target"], lw=1.4, ls=":")
    ax.set_ylabel(plain(ylabel or ""))
    ax.set_title(t("goals_chart_too_few", lang, n=len(points)), fontsize=10, fontweight="normal")
    if np.issubdtype(np.asarray(points["x"]).dtype, np.datetime64):
        date_axis(ax, lang, maxticks=8)
    fig.tight_layout()
    return fig


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(plain(text, TEXT_CHARS), width)) or " "


def driver_diagram(
    nodes: pd.DataFrame,
    ideas: pd.DataFrame | None = None,
    title: str | None = None,
    lang: str | None = None,
) -> plt.Figure:
    """Draw a driver diagram left to right: aim → primary → secondary drivers → change ideas.

    ``nodes`` is ``DriverDiagram.nodes``; ``ideas`` is :func:`analysis.drivers.idea_status`
    (its ``state`` colours each idea: tested, planned, not started; its changes and measures are
    written under the idea). Without ``ideas`` every idea is drawn as not started.
    """
    width = 32
    state = {} if ideas is None else dict(zip(ideas["node_id"], ideas["state"], strict=True))
    label = {}
    for row in nodes.itertuples(index=False):
        body = _wrap(row.text, width)
        if row.level == "idea":
            changes = plain(", ".join(map(str, row.changes)), TEXT_CHARS) or "–"
            measures = plain(", ".join(row.measures), TEXT_CHARS) or "–"
            body += "\n" + _wrap(
                t("goals_idea_links", lang, changes=changes, measures=measures), width + 4
            )
        mark = "\u2713 " if state.get(row.node_id) == "tested" else ""  # not by colour alone
        label[row.node_id] = (
            f"{mark}{plain(row.node_id, 20)}: {body}" if row.level != "aim" else _wrap(row.text, 26)
        )
    children: dict[str, list[str]] = {}
    for row in nodes.itertuples(index=False):
        if row.parent_id is not None and not (
            isinstance(row.parent_id, float) and math.isnan(row.parent_id)
        ):
            children.setdefault(row.parent_id, []).append(row.node_id)
    level = dict(zip(nodes["node_id"], nodes["level"], strict=True))
    column = {"aim": 0, "primary": 1, "secondary": 2, "idea": 3}

    def lines(node: str) -> int:
        return label[node].count("\n") + 1

    # Leaves get slots top to bottom; a slot is as tall as the text of the leaf or of a parent
    # that has it as its only descendant leaf.
    leaves: list[str] = []

    def collect(node: str) -> None:
        kids = children.get(node, [])
        if not kids and node != "AIM":
            leaves.append(node)
        for kid in kids:
            collect(kid)

    collect("AIM")
    n_leaves: dict[str, int] = {}

    def count(node: str) -> int:
        kids = children.get(node, [])
        n_leaves[node] = sum(count(k) for k in kids) if kids else 1
        return n_leaves[node]

    count("AIM")
    parent = dict(zip(nodes["node_id"], nodes["parent_id"], strict=True))
    slot_h = {}
    for leaf in leaves:
        h, node = lines(leaf), leaf
        while parent.get(node) not in (None, "AIM") and isinstance(parent.get(node), str):
            node = parent[node]
            h = max(h, lines(node) / n_leaves[node])
        slot_h[leaf] = h + 1.2
    y: dict[str, float] = {}
    top = 0.0
    for leaf in leaves:
        y[leaf] = top + slot_h[leaf] / 2
        top += slot_h[leaf]
    total = max(top, lines("AIM") + 1.2)

    def place(node: str) -> float:
        kids = children.get(node, [])
        if kids:
            ys = [place(k) for k in kids]
            y[node] = (min(ys) + max(ys)) / 2
        return y[node]

    place("AIM")
    if not leaves:
        y["AIM"] = total / 2
    line_h = 0.14  # inches per text line at font size 7.5
    fig_h = max(3.0, total * line_h + 1.0)
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH * 1.35, fig_h))
    ax.set_xlim(-0.05, 4.05)
    ax.set_ylim(total + 0.3, -1.6)
    ax.axis("off")
    xs = {0: 0.0, 1: 1.02, 2: 2.04, 3: 3.06}
    box_w = 0.94
    headers = [
        "goals_driver_aim",
        "goals_driver_primary",
        "goals_driver_secondary",
        "goals_driver_ideas",
    ]
    for col, key in enumerate(headers):
        ax.text(
            xs[col] + box_w / 2,
            -1.0,
            t(key, lang),
            ha="center",
            va="center",
            fontsize=9,
            fontweight="bold",
        )
    fills = {"aim": "#DCEBF7", "primary": "#EAF3FB", "secondary": "#F4F8FC"}
    for node, level_name in level.items():
        if node not in y:
            continue
        col = column[level_name]
        h = lines(node) + 0.6
        colour = (
            STATE_COLOURS.get(state.get(node, "not_started"), PALETTE["neutral"])
            if level_name == "idea"
            else PALETTE["data"]
        )
        face = "white" if level_name == "idea" else fills[level_name]
        ax.add_patch(
            FancyBboxPatch(
                (xs[col], y[node] - h / 2),
                box_w,
                h,
                boxstyle="round,pad=0.0,rounding_size=0.05",
                lw=2.2 if level_name == "idea" else 1.0,
                ec=colour,
                fc=face,
            )
        )
        ax.text(
            xs[col] + 0.03,
            y[node],
            label[node],
            ha="left",
            va="center",
            fontsize=8 if level_name == "aim" else 7.5,
            fontweight="bold" if level_name == "aim" else "normal",
        )
        for kid in children.get(node, []):
            x0, x1 = xs[col] + box_w, xs[column[level[kid]]]
            xm = (x0 + x1) / 2
            ax.plot(
                [x0, xm, xm, x1],
                [y[node], y[node], y[kid], y[kid]],
                color=PALETTE["limit"],
                lw=0.9,
                zorder=0,
            )
    handles = [
        Patch(fc="white", ec=STATE_COLOURS[s], lw=2, label=t(f"goals_idea_{s}", lang))
        for s in ("tested", "planned", "not_started")
    ]
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.0, 0.0),
        ncol=3,
        fontsize=8,
        frameon=False,
    )
    if title:
        ax.set_title(plain(title, TITLE_CHARS))
    fig.tight_layout()
    return fig
