"""Run and control charts: draws ``spc.ChartResult`` frames and computes nothing new.

``spc_chart(result)`` draws one series; ``spc_panel(results)`` draws small multiples (a team's
measures, or every series of a ``by=`` result).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.legend import Legend
from matplotlib.legend_handler import HandlerBase
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator, PercentFormatter

from .. import text
from ..text import t
from ..text.spc import chart_verdict, phase_verdicts
from .style import (
    FIGURE_WIDTH,
    LABEL_CHARS,
    PALETTE,
    SMALL_TEXT,
    TITLE_CHARS,
    apply_style,
    date_axis,
    facets,
    legend_columns,
    plain,
)

__all__ = ["spc_chart", "spc_panel"]

MEDIAN_CENTRE = ("run", "g")  # kinds whose centre line is a median


def spc_chart(
    result,
    *,
    changes: pd.DataFrame | None = None,
    target: float | None = None,
    direction: str | None = None,
    title: str | None = None,
    lang: str | None = None,
    ax: plt.Axes | None = None,
    legend: bool = True,
    ylabel: str | None = None,
    share: bool | None = None,
):
    """Draw one run or control chart; returns the ``Figure``.

    Parameters
    ----------
    result : ``spc.ChartResult`` of one series (split a ``by=`` result with ``result.series()``
        or draw it with ``spc_panel``).
    changes : PDSA log with columns ``change_no, date, title``: numbered markers on the x axis
        and a legend.
    target : target line, in the unit of the chart (a share as 0-1 for p charts).
    direction : ``"up"`` or ``"down"``: the direction of improvement, drawn as an arrow.
    title, lang : chart title; ``"sv"`` (default language) or ``"en"``.
    ax : draw into this axes (used by ``spc_panel``); ``legend`` and ``ylabel`` as named.
    share : the values are shares 0-1, drawn in percent (default: for a p or pp chart); True for
        the share of a p measure the explorer draws on another chart kind (a run chart).
    """
    lang = lang or text.get_language()
    if share is None:
        share = result.kind in ("p", "pp") and result.multiply == 1
    apply_style()
    points = result.points
    if result.by and points[list(result.by)].drop_duplicates().shape[0] > 1:
        raise ValueError(
            "spc_chart draws one series; this result holds several (by="
            f"{list(result.by)}): use spc_panel(result) or result.series()"
        )
    if direction not in (None, "up", "down"):
        raise ValueError(f"direction must be 'up', 'down' or None, not {direction!r}")
    own = ax is None
    if own:
        fig, ax = plt.subplots(figsize=(FIGURE_WIDTH, 4.0))
    else:
        fig = ax.figure
    x = _plot_x(points["x"])
    y = points["y"].to_numpy(dtype=float)
    handles: list = []

    part_codes = _part_codes(points["part"])
    summary = result.summary
    runs_by_part = (
        list(summary["runs_signal"]) if len(summary) == len(np.unique(part_codes)) else None
    )
    centre_label = t(
        "spc_centre_median" if result.kind in MEDIAN_CENTRE else "spc_centre_mean", lang
    )
    any_limits = points["ucl"].notna().any() or points["lcl"].notna().any()
    signal_cl = False
    all_signal = True
    for k, code in enumerate(np.unique(part_codes)):
        m = part_codes == code
        xs = x[m]
        # data line: NaN rows leave a gap (missing periods are never closed)
        ax.plot(xs, y[m], color=PALETTE["data"], lw=1.6, marker="o", ms=4.5, zorder=3)
        runs = (
            bool(runs_by_part[k])
            if runs_by_part is not None
            else bool(points["runs_signal"][m].any())
        )
        signal_cl |= runs
        all_signal &= runs
        ax.plot(
            xs,
            points["cl"].to_numpy(float)[m],
            color=PALETTE["signal"] if runs else PALETTE["centre"],
            lw=1.4,
            ls="--" if runs else "-",
            zorder=2,
            drawstyle="steps-mid",
        )
        if any_limits:
            for col in ("lcl", "ucl"):
                ax.plot(
                    xs,
                    points[col].to_numpy(float)[m],
                    color=PALETTE["limit"],
                    lw=1.2,
                    drawstyle="steps-mid",
                    zorder=1,
                )
    handles.append(
        Line2D([], [], color=PALETTE["data"], marker="o", ms=4.5, lw=1.6, label=t("spc_data", lang))
    )
    if not all_signal:
        handles.append(Line2D([], [], color=PALETTE["centre"], lw=1.4, label=centre_label))
    if signal_cl:
        handles.append(
            Line2D(
                [],
                [],
                color=PALETTE["signal"],
                lw=1.4,
                ls="--",
                label=f"{centre_label} ({t('spc_signal_word', lang)})",
            )
        )
    if any_limits:
        handles.append(Line2D([], [], color=PALETTE["limit"], lw=1.2, label=t("spc_limits", lang)))

    # points in a long run or trend, outside the limits, excluded
    pattern = (points["shift_signal"] | points["trend_signal"]).to_numpy(bool)
    if pattern.any():
        ax.scatter(
            x[pattern],
            y[pattern],
            s=46,
            facecolor=PALETTE["highlight"],
            edgecolor=PALETTE["highlight"],
            zorder=4,
        )
        handles.append(
            Line2D(
                [],
                [],
                ls="",
                marker="o",
                ms=7,
                color=PALETTE["highlight"],
                label=t("spc_in_run", lang),
            )
        )
    astro = (
        points["astronomical_signal"].to_numpy(bool)
        if "astronomical_signal" in points
        else np.zeros(len(points), dtype=bool)
    )
    if astro.any():
        ax.scatter(
            x[astro],
            y[astro],
            s=90,
            facecolor="none",
            edgecolor=PALETTE["signal"],
            linewidth=1.6,
            zorder=5,
            marker="D",
        )
        handles.append(
            Line2D(
                [],
                [],
                ls="",
                marker="D",
                ms=8,
                mfc="none",
                mec=PALETTE["signal"],
                label=t("spc_astronomical", lang),
            )
        )
    sigma = points["sigma_signal"].to_numpy(bool)
    if sigma.any():
        ax.scatter(
            x[sigma],
            y[sigma],
            s=70,
            facecolor=PALETTE["signal"],
            edgecolor="white",
            linewidth=0.8,
            zorder=5,
        )
        handles.append(
            Line2D(
                [],
                [],
                ls="",
                marker="o",
                ms=8,
                color=PALETTE["signal"],
                label=t("spc_outside", lang),
            )
        )
    excluded = points["excluded"].to_numpy(bool)
    if excluded.any():
        ax.scatter(
            x[excluded],
            y[excluded],
            s=60,
            facecolor="white",
            edgecolor=PALETTE["data"],
            linewidth=1.4,
            zorder=6,
            marker="o",
        )
        ax.scatter(x[excluded], y[excluded], s=22, color=PALETTE["data"], marker="x", zorder=7)
        handles.append(
            Line2D(
                [],
                [],
                ls="",
                marker="o",
                mfc="white",
                mec=PALETTE["data"],
                ms=7,
                label=t("spc_excluded", lang),
            )
        )

    if target is not None and not (isinstance(target, float) and math.isnan(target)):
        ax.axhline(target, color=PALETTE["target"], lw=1.4, ls=":", zorder=1)
        handles.append(
            Line2D(
                [],
                [],
                color=PALETTE["target"],
                lw=1.4,
                ls=":",
                label=f"{t('spc_target', lang)}: {_fmt(target, share, lang)}",
            )
        )

    _phases(ax, x, part_codes, points, lang)
    _freeze(ax, x, points, part_codes, lang)
    if share:
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    if direction:
        _direction_arrow(ax, direction, lang)
    if changes is not None and len(changes):
        handles += _changes(ax, changes, points["x"], lang)

    ax.set_xlabel("")
    ax.set_ylabel(plain(ylabel or ""))
    if title:
        ax.set_title(plain(title, TITLE_CHARS), pad=16 if own else 12)
    if np.issubdtype(np.asarray(x).dtype, np.datetime64):
        date_axis(ax, lang, maxticks=9 if own else 7)
    elif pd.api.types.is_integer_dtype(points["x"].dtype):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if own:
        # the verdicts right under the axis (one line per phase, each in its own colour: a signal
        # in one phase does not colour another), the legend under them
        height_in = max(ax.get_position().height * fig.get_figheight(), 0.5)
        step = 10.5 * 1.45 / 72 / height_in  # one line of 10.5 pt text, in axes fractions
        y0 = -0.17
        for i, (line, signal) in enumerate(phase_verdicts(summary, lang)):
            note = i > 0 and i == len(summary) and len(summary) > 1  # the closing note: plain
            ax.text(
                0,
                y0 - i * step,
                line,
                transform=ax.transAxes,
                ha="left",
                va="top",
                fontsize=9 if note else 10.5,
                fontweight="normal" if note else "bold",
                color=PALETTE["signal"] if signal else "#222222",
            )
        lines = len(phase_verdicts(summary, lang))
        if legend:
            ax.legend(
                handles=handles,
                loc="upper left",
                bbox_to_anchor=(0, y0 - 0.09 - (lines - 1) * step),
                ncol=legend_columns([h.get_label() for h in handles]),
                fontsize=SMALL_TEXT,
                handlelength=1.8,
                columnspacing=1.2,
            )
    else:
        verdict = chart_verdict(summary, lang)
        signal = (
            bool(summary["runs_signal"].iloc[-1]) or int(summary["sigma_signals"].iloc[-1]) > 0
            if len(summary)
            else False
        )
        ax.text(
            0,
            -0.2,
            textwrap.fill(verdict, 48),
            transform=ax.transAxes,
            ha="left",
            va="top",
            fontsize=SMALL_TEXT,
            fontweight="bold",
            color=PALETTE["signal"] if signal else "#222222",
        )
    return fig


def spc_panel(
    results,
    *,
    titles: Mapping | Sequence | None = None,
    targets: Mapping | None = None,
    directions: Mapping | None = None,
    changes: pd.DataFrame | Mapping | None = None,
    ncols: int = 2,
    title: str | None = None,
    lang: str | None = None,
):
    """Small multiples: one chart per series, each with its own verdict; returns the ``Figure``.

    ``results`` is a mapping ``{key: ChartResult}``, a list of results, or one ``by=`` result
    (split into its series). ``titles``, ``targets``, ``directions`` and ``changes`` are mappings
    by the same keys (``changes`` may also be one frame for every chart).
    """
    lang = lang or text.get_language()
    apply_style()
    if hasattr(results, "points"):
        results = results.series()
    if not isinstance(results, Mapping):
        results = dict(enumerate(results))
    if not results:
        raise ValueError("spc_panel needs at least one chart result")
    keys = list(results)
    ncols = max(1, min(ncols, len(keys)))
    # the grid of panels only; each panel is a run or control chart drawn with matplotlib
    grid = facets(
        pd.DataFrame({"panel": range(len(keys))}), "panel", ncols, 2.9, sharex=False, sharey=False
    )
    fig = grid.figure
    for ax, key in zip(grid.axes.flat, keys, strict=True):
        if isinstance(titles, Mapping):
            sub_title = titles.get(key, str(key))
        elif titles is not None:
            sub_title = list(titles)[keys.index(key)]
        else:
            sub_title = _key_title(key)
        chg = changes.get(key) if isinstance(changes, Mapping) else changes
        sub_title = textwrap.fill(plain(sub_title, TITLE_CHARS), 60 // ncols - 3)
        spc_chart(
            results[key],
            ax=ax,
            legend=False,
            title=sub_title,
            lang=lang,
            target=(targets or {}).get(key),
            direction=(directions or {}).get(key),
            changes=chg,
        )
        ax.title.set_fontsize(10)
        ax.tick_params(labelsize=SMALL_TEXT)
        for label in ax.get_xticklabels():
            label.set_rotation(0)
    if title:
        fig.suptitle(plain(title, TITLE_CHARS), x=0.01, ha="left", fontweight="bold")
    fig.tight_layout(h_pad=2.6)
    return fig


# ----------------------------------------------------------------------------------------------
def _key_title(key) -> str:
    if isinstance(key, tuple):
        return " · ".join(map(str, key))
    return "" if key is None else str(key)


def _plot_x(x: pd.Series):
    if isinstance(x.dtype, pd.PeriodDtype):
        return x.dt.to_timestamp().to_numpy()
    return x.to_numpy()


def _part_codes(part: pd.Series) -> np.ndarray:
    vals = part.to_numpy(dtype=object)
    change = np.ones(len(vals), dtype=bool)
    change[1:] = vals[1:] != vals[:-1]
    return np.cumsum(change)


def _fmt(value: float, share: bool, lang: str) -> str:
    if share:
        return text.percent(value, 0, lang)
    return text.number(value, 1 if abs(value) < 100 else 0, lang)


def _phases(ax, x, part_codes, points, lang) -> None:
    """A vertical line between phases and the phase label above each (when there are several)."""
    codes = np.unique(part_codes)
    if len(codes) < 2:
        return
    labels = points["part"].to_numpy(dtype=object)
    for code in codes:
        idx = np.flatnonzero(part_codes == code)
        first, last = idx[0], idx[-1]
        if first > 0:
            boundary = _between(x[first - 1], x[first])
            ax.axvline(boundary, color=PALETTE["centre"], lw=1.0, ls=":", zorder=0)
        from ..text.spc import _part_name

        ax.annotate(
            plain(_part_name(labels[first], lang), LABEL_CHARS // 2),
            xy=(x[first], 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(2, 2),
            textcoords="offset points",
            ha="left",
            va="bottom",
            fontsize=SMALL_TEXT,
            color=PALETTE["centre"],
        )
        del last


def _freeze(ax, x, points, part_codes, lang) -> None:
    """Mark the end of a frozen baseline (inside a part, not at its end)."""
    base = points["baseline"].to_numpy(bool)
    if base.all():
        return
    ends = np.flatnonzero(base[:-1] & ~base[1:] & (part_codes[:-1] == part_codes[1:]))
    for e in ends:
        boundary = _between(x[e], x[e + 1])
        ax.axvline(boundary, color=PALETTE["neutral"], lw=1.0, ls="-.", zorder=0)
        ax.annotate(
            t("spc_baseline", lang),
            xy=(boundary, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(-2, 2),
            textcoords="offset points",
            ha="right",
            va="bottom",
            fontsize=SMALL_TEXT,
            color=PALETTE["centre"],
        )


def _between(a, b):
    if isinstance(a, np.datetime64) or isinstance(a, pd.Timestamp):
        a, b = pd.Timestamp(a), pd.Timestamp(b)
        return a + (b - a) / 2
    try:
        return (a + b) / 2
    except TypeError:
        return b


def _direction_arrow(ax, direction: str, lang: str) -> None:
    up = direction == "up"
    y0, y1 = (0.25, 0.75) if up else (0.75, 0.25)
    ax.annotate(
        "",
        xy=(1.035, y1),
        xytext=(1.035, y0),
        xycoords="axes fraction",
        arrowprops={"arrowstyle": "-|>", "color": PALETTE["good"], "lw": 2.0},
        annotation_clip=False,
    )
    ax.text(
        1.055,
        0.5,
        t("spc_better_up" if up else "spc_better_down", lang),
        rotation=90,
        transform=ax.transAxes,
        ha="left",
        va="center",
        fontsize=SMALL_TEXT,
        color=PALETTE["good"],
    )


#: How a change's number is drawn, on the x axis and as its legend key: white in a filled circle.
_CHANGE_MARK = {
    "fontsize": SMALL_TEXT - 0.5,
    "fontweight": "bold",
    "color": "white",
    "bbox": {"boxstyle": "circle,pad=0.25", "fc": PALETTE["accent"], "ec": "none"},
}


def _changes(ax, changes: pd.DataFrame, x: pd.Series, lang: str) -> list:
    """Numbered markers on the x axis where each PDSA change started; legend entries for them."""
    missing = {"change_no", "date", "title"} - set(changes.columns)
    if missing:
        raise ValueError(
            f"changes needs the columns change_no, date, title; missing {sorted(missing)}"
        )
    ch = changes.sort_values(["date", "change_no"])
    if isinstance(x.dtype, pd.PeriodDtype) or pd.api.types.is_datetime64_any_dtype(x.dtype):
        dates = pd.to_datetime(ch["date"]).to_numpy()
    elif pd.api.types.is_numeric_dtype(x.dtype) and pd.api.types.is_numeric_dtype(ch["date"].dtype):
        dates = ch["date"].to_numpy()
    else:
        raise ValueError(
            "PDSA changes are placed by date: the chart's x must be dates or periods "
            f"(it is {x.dtype}), or both x and changes.date numbers"
        )
    handles = []
    for (no, title), date in zip(
        ch[["change_no", "title"]].itertuples(index=False), dates, strict=True
    ):
        ax.annotate(
            str(no),
            xy=(date, 0.0),
            xycoords=("data", "axes fraction"),
            xytext=(0, 7),
            textcoords="offset points",
            ha="center",
            va="bottom",
            **_CHANGE_MARK,
            arrowprops={
                "arrowstyle": "-",
                "color": PALETTE["accent"],
                "lw": 1.0,
                "shrinkA": 0,
                "shrinkB": 0,
            },
            zorder=8,
        )
        when = (
            pd.Timestamp(date).strftime("%Y-%m-%d")
            if not isinstance(date, (int, float))
            else str(date)
        )
        handles.append(
            ChangeKey(str(no), t("spc_change_item", lang, no=no, title=plain(title), date=when))
        )
    return handles


class ChangeKey(Line2D):
    """A change's legend entry: its number in a circle, as on the chart's x axis
    (:class:`_ChangeKeyHandler` draws it)."""

    def __init__(self, number: str, label: str):
        super().__init__([], [], ls="", label=label)
        self.number = number


class _ChangeKeyHandler(HandlerBase):
    """Draws a :class:`ChangeKey` as text in a filled circle. (A mathtext marker, ``$1$``, drew
    the number too, but built matplotlib's mathtext parser and fonts in every report: ~0.1 s a
    team report.)"""

    def create_artists(
        self, legend, orig_handle, xdescent, ydescent, width, height, fontsize, trans
    ):
        return [
            Text(
                x=width / 2 - xdescent,
                y=height / 2 - ydescent,
                text=orig_handle.number,
                ha="center",
                va="center",
                transform=trans,
                **_CHANGE_MARK,
            )
        ]


Legend.update_default_handler_map({ChangeKey: _ChangeKeyHandler()})
