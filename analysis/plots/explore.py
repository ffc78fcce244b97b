"""The coaches' exploration chart: the SPC chart plus the coach's notes on points."""

from __future__ import annotations

import pandas as pd

from .spc import spc_chart
from .style import PALETTE, plain

__all__ = ["explore_chart"]


def explore_chart(view):
    """Draw ``view`` (an ``analysis.explore.View``): SPC chart, PDSA markers, target, notes."""
    fig = spc_chart(
        view.result,
        changes=view.changes,
        target=view.target,
        direction=view.direction,
        title=view.measure_name,
        lang=view.selection.lang,
        share=getattr(view, "share", None),  # None: by the chart kind (a hand-made view)
    )
    ax = fig.axes[0]
    points = view.result.points.assign(x=lambda d: pd.to_datetime(d["x"]))
    for i, note in enumerate(view.notes.itertuples(index=False)):
        hit = points[points["x"] == pd.Timestamp(note.period)]
        if hit.empty or pd.isna(hit["y"].iloc[0]):
            continue
        ax.annotate(
            plain(note.note),
            xy=(hit["x"].iloc[0], hit["y"].iloc[0]),
            xytext=(0, 28 + 14 * (i % 3)),
            textcoords="offset points",
            ha="center",
            fontsize=8,
            color=PALETTE["accent"],
            arrowprops={"arrowstyle": "->", "color": PALETTE["accent"], "lw": 0.8},
            bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": PALETTE["accent"], "lw": 0.6},
        )
    return fig
