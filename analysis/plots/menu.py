"""Figures of the change menu and of the spread and stories in a team report (issue 17): the
units adopting a change over time as a step chart, and numbered story markers on a measure's
chart. They draw what ``analysis.menu`` computed."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.ticker import MaxNLocator

from .. import text
from ..text import t
from .spc import spc_chart
from .style import FIGURE_WIDTH, PALETTE, apply_style, date_axis, plain

__all__ = ["spc_chart_with_stories", "spread_chart"]

_SERIES_COLOURS = (
    PALETTE["data"],
    PALETTE["highlight"],
    PALETTE["good"],
    PALETTE["accent"],
    PALETTE["signal"],
    PALETTE["light"],
    PALETTE["centre"],
)


def spread_chart(
    curves: pd.DataFrame,
    *,
    label: str = "label",
    until=None,
    start=None,
    lang: str | None = None,
    height: float = 2.4,
):
    """Units adopting over time, one step line per ``label`` value (``analysis.menu.adoption``
    rows with a ``label`` column). Each line holds its last level until ``until`` (default: the
    last date drawn); ``start`` and ``until`` fix the x range (to line up under a measure)."""
    lang = lang or text.get_language()
    apply_style()
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH, height))
    first, last = pd.Timestamp(curves["date"].min()), pd.Timestamp(curves["date"].max())
    # without an end, the last level is drawn a little past the last date, so a step there shows
    end = (
        pd.Timestamp(until)
        if until is not None
        else last + max((last - first) * 0.06, pd.Timedelta(days=14))
    )
    top = 1
    for k, (name, own) in enumerate(curves.groupby(label, sort=False)):
        own = own.sort_values("date")
        dates = list(pd.to_datetime(own["date"]))
        values = list(own["adopted_units"].astype(int))
        if dates[-1] < end:
            dates.append(end)
            values.append(values[-1])
        ax.step(
            dates,
            values,
            where="post",
            lw=2,
            color=_SERIES_COLOURS[k % len(_SERIES_COLOURS)],
            label=plain(name),
        )
        top = max(top, int(own["units"].max()))
    ax.set_ylim(0, top + 0.5)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel(t("spread_axis", lang))
    if start is not None or until is not None:
        ax.set_xlim(
            pd.Timestamp(start) if start is not None else None,
            pd.Timestamp(until) if until is not None else None,
        )
    date_axis(ax, lang, maxticks=9)
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def spc_chart_with_stories(result, stories: pd.DataFrame, *, lang: str | None = None, **kwargs):
    """:func:`analysis.plots.spc_chart` with each story (``no``, ``at``: the period it is placed
    on) as a numbered marker at the top of the chart ("B1", "S1" in English)."""
    lang = lang or text.get_language()
    fig = spc_chart(result, lang=lang, **kwargs)
    ax = fig.axes[0]
    for r in stories.itertuples(index=False):
        ax.annotate(
            t("story_marker", lang, no=int(r.no)),
            xy=(pd.Timestamp(r.at).to_datetime64(), 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(0, -9),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=7.5,
            fontweight="bold",
            color="black",
            bbox={"boxstyle": "round,pad=0.25", "fc": PALETTE["highlight"], "ec": "none"},
            arrowprops={"arrowstyle": "-", "color": PALETTE["highlight"], "lw": 1.0},
            zorder=8,
        )
    return fig
