"""The teams' scores on the IHI assessment scale over the network meetings (a tile chart)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import LinearSegmentedColormap

from ..schemas import ASSESSMENT_SCORES
from ..text import number, t
from .style import FIGURE_WIDTH, plain

__all__ = ["progress_chart", "progress_distribution_chart"]

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
    labels = np.full(grid.shape, "", dtype=object)
    bold = np.zeros_like(grid, dtype=bool)
    for r in frame.itertuples(index=False):
        i, j = teams.index(r.team), meetings.index(r.meeting)
        grid[i, j] = r.score
        if not np.isnan(r.score):
            bold[i, j] = r.source == "coach"
            labels[i, j] = number(r.score, 1) + ("*" if bold[i, j] else "")
    return _tiles(grid, labels, bold, [plain(x, 40) for x in teams], meetings)


def progress_distribution_chart(frame: pd.DataFrame):
    """How many teams had each score at each meeting: one row per step of the scale (5.0 at the
    top), one column per meeting, each tile the number of teams written in it and shaded by the
    score; an empty tile: no team. For a network too big for a row per team
    (:func:`progress_chart`): each team's own score is in the table beside it.

    ``frame``: ``meeting`` (the column label, in order of first appearance) and ``score`` (one
    row per team and meeting; NaN: not started, not counted).
    """
    meetings = list(dict.fromkeys(frame["meeting"]))
    scores = sorted(ASSESSMENT_SCORES, reverse=True)
    counts = (
        frame.dropna(subset=["score"])
        .groupby(["score", "meeting"], sort=False)
        .size()
        .reindex(pd.MultiIndex.from_product([scores, meetings]), fill_value=0)
        .to_numpy()
        .reshape(len(scores), len(meetings))
    )
    grid = np.where(counts > 0, np.array(scores)[:, None], np.nan)
    labels = np.where(counts > 0, counts.astype(str), "").astype(object)
    rows = [number(score, 1) for score in scores]
    fig = _tiles(grid, labels, np.zeros(grid.shape, dtype=bool), rows, meetings)
    fig.axes[0].set_title(t("progress_distribution_axis"), fontsize=9, loc="left")
    return fig


def _tiles(grid, labels, bold, rows: list[str], columns: list[str]):
    """A tile chart: ``grid`` (rows x columns) shades each tile by a score (1-5, NaN: empty),
    ``labels`` is written in it (``bold`` where True)."""
    width = min(FIGURE_WIDTH, 2.6 + 0.75 * len(columns))
    fig, ax = plt.subplots(figsize=(width, 0.8 + 0.34 * len(rows)))
    ax.imshow(np.ma.masked_invalid(grid), cmap=_CMAP, vmin=1, vmax=5, aspect="auto")
    for i in range(len(rows)):
        for j in range(len(columns)):
            if not labels[i, j]:  # no score (both charts label every shaded tile)
                continue
            value = grid[i, j]
            ax.text(
                j,
                i,
                labels[i, j],
                ha="center",
                va="center",
                fontsize=9,
                color="white" if value >= 3 else "#1a1a1a",
                fontweight="bold" if bold[i, j] else "normal",
            )
    ax.set_xticks(range(len(columns)), [plain(m) for m in columns], fontsize=8)
    ax.set_yticks(range(len(rows)), rows, fontsize=8)
    ax.tick_params(length=0)
    ax.grid(False)
    for side in ax.spines.values():
        side.set_visible(False)
    ax.set_xticks(np.arange(-0.5, len(columns)), minor=True)
    ax.set_yticks(np.arange(-0.5, len(rows)), minor=True)
    ax.grid(which="minor", color="white", linewidth=2)
    ax.tick_params(which="minor", length=0)
    ax.set_title(t("progress_chart_axis"), fontsize=9, loc="left")
    fig.tight_layout()
    return fig
