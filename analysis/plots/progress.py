"""The teams' scores on the IHI assessment scale over the network meetings (a tile chart)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import LinearSegmentedColormap

from ..text import number, t
from .style import FIGURE_WIDTH, plain

__all__ = ["progress_chart"]

# light to dark blue (Okabe-Ito's sky blue to blue, then darker): ordered, colour-blind safe
_CMAP = LinearSegmentedColormap.from_list("ihi", ["#F2F7FB", "#56B4E9", "#0072B2", "#023858"])


def progress_chart(frame: pd.DataFrame):
    """One row per team, one column per meeting, each tile the team's score (1.0-5.0) written
    in it and shaded by it; a coach's score carries a ``*``; an empty tile: no score (the team
    had not started).

    ``frame``: ``team`` (the name shown), ``meeting`` (the column label, in order of first
    appearance), ``score`` (NaN: none) and ``source`` ("coach" marks the tile).
    """
    teams = list(dict.fromkeys(frame["team"]))
    meetings = list(dict.fromkeys(frame["meeting"]))
    grid = np.full((len(teams), len(meetings)), np.nan)
    coach = np.zeros_like(grid, dtype=bool)
    for r in frame.itertuples(index=False):
        i, j = teams.index(r.team), meetings.index(r.meeting)
        grid[i, j] = r.score
        coach[i, j] = r.source == "coach"
    width = min(FIGURE_WIDTH, 2.6 + 0.75 * len(meetings))
    fig, ax = plt.subplots(figsize=(width, 0.8 + 0.34 * len(teams)))
    ax.imshow(np.ma.masked_invalid(grid), cmap=_CMAP, vmin=1, vmax=5, aspect="auto")
    for i in range(len(teams)):
        for j in range(len(meetings)):
            value = grid[i, j]
            if np.isnan(value):
                continue
            ax.text(
                j,
                i,
                number(value, 1) + ("*" if coach[i, j] else ""),
                ha="center",
                va="center",
                fontsize=9,
                color="white" if value >= 3 else "#1a1a1a",
                fontweight="bold" if coach[i, j] else "normal",
            )
    ax.set_xticks(range(len(meetings)), [plain(m) for m in meetings], fontsize=8)
    ax.set_yticks(range(len(teams)), [plain(x, 40) for x in teams], fontsize=8)
    ax.tick_params(length=0)
    ax.grid(False)
    for side in ax.spines.values():
        side.set_visible(False)
    ax.set_xticks(np.arange(-0.5, len(meetings)), minor=True)
    ax.set_yticks(np.arange(-0.5, len(teams)), minor=True)
    ax.grid(which="minor", color="white", linewidth=2)
    ax.tick_params(which="minor", length=0)
    ax.set_title(t("progress_chart_axis"), fontsize=9, loc="left")
    fig.tight_layout()
    return fig
