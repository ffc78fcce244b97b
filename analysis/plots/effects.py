"""Figures for effects (see the module of the same name in analysis/). They compute nothing."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd

from ..text import number, percent, t
from .style import (
    FIGURE_WIDTH,
    PALETTE,
    SMALL_TEXT,
    TEXT_CHARS,
    TITLE_CHARS,
    date_axis,
    legend_columns,
    plain,
)

__all__ = ["its_chart", "effects_forest", "wave_comparison_chart", "effects_poster"]


class DistinctFormatter(mticker.Formatter):
    """Tick labels by ``show(value, decimals)`` with the fewest decimals (from ``least``, at
    most 3) that write every tick exactly (``value * scale``: 100 for a share shown as percent):
    ticks 0.5 percentage points apart read 84,0 % 84,5 % 85,0 %, not 84 % 84 % 85 %."""

    def __init__(self, show, least: int = 0, scale: float = 1.0):
        self.show, self.least, self.scale, self.decimals = show, least, scale, least

    def set_locs(self, locs):
        super().set_locs(locs)
        scaled = [v * self.scale for v in locs]
        self.decimals = next(
            (d for d in range(self.least, 4) if all(abs(x - round(x, d)) < 1e-9 for x in scaled)),
            3,
        )

    def __call__(self, x, pos=None):
        return self.show(x, self.decimals)


def _percent_axis(ax) -> None:
    ax.yaxis.set_major_formatter(DistinctFormatter(percent, scale=100))


def _number_axis(ax) -> None:
    ax.yaxis.set_major_formatter(
        DistinctFormatter(lambda v, d: number(v, d if abs(v) >= 10 else max(d, 1)))
    )


def its_chart(
    its,
    title: str | None = None,
    *,
    as_percent: bool = False,
    change_labels: Sequence[str] | None = None,
    ylabel: str | None = None,
    multiply: float = 1.0,
    ax=None,
):
    """Observed points, the fitted segmented model and, dashed, each phase's expected level without
    its change (the level the verdict compares with) of an ITS.

    Parameters
    ----------
    its : ``effects.ITSResult`` (its ``fitted`` frame and ``interventions``).
    title : figure title.
    as_percent : show the y axis as percent (shares of a p chart).
    multiply : display factor for rates (e.g. 100 000 for "per 100 000").
    change_labels : one label per intervention (default "Förändring 1", ...).
    """
    fitted = its.fitted.copy()
    for column in ("observed", "fitted", "counterfactual", "expected"):
        if column in fitted.columns:
            fitted[column] = fitted[column] * multiply
    if ax is None:
        fig, ax = plt.subplots(figsize=(FIGURE_WIDTH, 3.8))
    else:
        fig = ax.figure
    x = fitted["time"]
    ax.plot(
        x,
        fitted["observed"],
        color=PALETTE["data"],
        marker="o",
        markersize=4,
        linewidth=1,
        label=t("effects_observed"),
        zorder=3,
    )
    if "excluded" in fitted.columns and fitted["excluded"].any():
        out = fitted[fitted["excluded"]]
        ax.plot(
            out["time"],
            out["observed"],
            linestyle="",
            marker="o",
            markersize=6,
            markerfacecolor="white",
            markeredgecolor=PALETTE["data"],
            label=t("effects_phase_in"),
            zorder=4,
        )
    first = True
    for _, seg in fitted.groupby("segment", sort=True):
        ax.plot(
            seg["time"],
            seg["fitted"],
            color=PALETTE["centre"],
            linewidth=2,
            label=t("effects_fitted") if first else None,
        )
        first = False
    # each phase after a change against the level expected without that change (dashed), drawn
    # on from the model at the end of the phase before: what the verdict compares with
    expected = "expected" if "expected" in fitted.columns else "counterfactual"
    label = t("effects_counterfactual")
    for k in sorted(k for k in fitted["segment"].unique() if k > 0):
        own = fitted[fitted["segment"] == k]
        start = fitted[fitted["segment"] == k - 1].tail(1)
        ax.plot(
            list(start["time"]) + list(own["time"]),
            list(start["fitted"]) + list(own[expected]),
            color=PALETTE["highlight"],
            linewidth=2,
            linestyle="--",
            label=label,
        )
        label = None
    labels = (
        list(change_labels)
        if change_labels
        else [t("effects_change_marker", no=i + 1) for i in range(len(its.interventions))]
    )
    for k, label in enumerate(labels, start=1):
        seg = fitted[fitted["segment"] == k]
        if seg.empty:
            continue
        at = seg["time"].iloc[0]
        ax.axvline(at, color=PALETTE["accent"], linewidth=1, linestyle=":")
        ax.annotate(
            plain(label),
            (at, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(3, -2),
            textcoords="offset points",
            va="top",
            fontsize=SMALL_TEXT,
            color=PALETTE["accent"],
        )
    if as_percent:
        _percent_axis(ax)
    else:
        _number_axis(ax)
    if ylabel:
        ax.set_ylabel(plain(ylabel))
    if title:
        ax.set_title(plain(title, TITLE_CHARS))
    if pd.api.types.is_datetime64_any_dtype(x):
        date_axis(ax, maxticks=9)
    handles, names = ax.get_legend_handles_labels()
    ax.legend(
        loc="upper left",
        bbox_to_anchor=(0, -0.2),  # under the two-line date ticks
        ncol=legend_columns(names),
        fontsize=SMALL_TEXT,
    )
    fig.tight_layout()
    return fig


def _colour(row) -> str:
    if row["improved"]:
        return PALETTE["good"]
    if row.get("worse", False) or (row["detected"] and not row["improved"]):
        return PALETTE["bad"]
    return PALETTE["neutral"]


def _panel_key(row) -> tuple[str, str]:
    kind = row.get("diff_kind") or "difference"
    return (kind, "" if kind in ("pp", "relative") else str(row.get("unit") or ""))


def _panel_label(key: tuple[str, str]) -> str:
    kind, unit = key
    if kind == "pp":
        return t("effects_axis_pp_expected")
    if kind == "relative":
        return t("effects_axis_relative")
    if unit and unit not in ("antal", "count"):
        return t("effects_axis_unit", unit=plain(unit, TEXT_CHARS))
    return t("effects_axis_units")


def effects_forest(
    table: pd.DataFrame, labels: Sequence[str] | None = None, title: str | None = None
):
    """Effects with 95 % CI of ``effects.team_effects(...).table`` on the scale readers know.

    Each estimate is the difference from the level expected without the change: percentage points
    for shares, percent for counts and rates, the measure's own unit for measured values. Only
    effects on the same scale share an axis: one panel per scale (and per unit), each axis named by
    its scale, so odds ratios, rate ratios and differences are never mixed. Green: improvement;
    orange: deterioration; grey: no established difference. Rows without an estimate (too early,
    too short) are left out. ``labels``: one text per row of ``table`` (default "measure – change").
    """
    rows = table.copy()
    changes = rows["changes"] if "changes" in rows.columns else rows["change_no"].astype(str)
    rows["label"] = (
        [textwrap.fill(plain(v), 28) for v in labels]
        if labels is not None
        else [
            textwrap.fill(f"{plain(m)} – {t('effects_change_marker', no=c)}", 28)
            for m, c in zip(rows["measure_name"], changes, strict=True)
        ]
    )
    rows = rows[rows["difference"].notna()] if "difference" in rows.columns else rows.iloc[0:0]
    if rows.empty:
        fig, ax = plt.subplots(figsize=(FIGURE_WIDTH, 1.2))
        ax.axis("off")
        ax.text(0, 0.5, t("effects_forest_none"), fontsize=10)
        return fig
    rows = rows.assign(panel=[_panel_key(r) for r in rows.to_dict("records")])
    keys = list(dict.fromkeys(rows["panel"]))
    heights = [int((rows["panel"] == k).sum()) for k in keys]
    fig, axes = plt.subplots(
        len(keys),
        1,
        figsize=(FIGURE_WIDTH, 0.9 + 0.9 * len(keys) + 0.5 * sum(heights)),
        gridspec_kw={"height_ratios": [h + 1.2 for h in heights]},
        squeeze=False,
    )
    for ax, key in zip(axes[:, 0], keys, strict=True):
        part = rows[rows["panel"] == key]
        scale = 100.0 if key[0] in ("pp", "relative") else 1.0
        ypos = np.arange(len(part))[::-1]
        for yi, r in zip(ypos, part.to_dict("records"), strict=True):
            colour = _colour(r)
            ax.plot(
                [scale * r["diff_low"], scale * r["diff_high"]],
                [yi, yi],
                color=colour,
                linewidth=2.5,
            )
            ax.plot(
                scale * r["difference"],
                yi,
                "o",
                color=colour,
                markersize=7,
                markeredgecolor="white",
            )
        ax.axvline(0.0, color=PALETTE["centre"], linewidth=1)
        ax.set_yticks(ypos)
        ax.set_yticklabels(part["label"], fontsize=9)
        ax.set_ylim(-0.7, len(part) - 0.3)
        ax.grid(axis="y", visible=False)
        span = max(abs(scale * part["diff_low"]).max(), abs(scale * part["diff_high"]).max())
        decimals = 0 if key[0] == "relative" or span >= 10 else 1
        ax.xaxis.set_major_formatter(
            mticker.FuncFormatter(lambda v, _, d=decimals: ("+" if v > 0 else "") + number(v, d))
        )
        ax.set_xlabel(_panel_label(key))
    if title:
        axes[0, 0].set_title(plain(title, TITLE_CHARS))
    fig.tight_layout()
    return fig


def wave_comparison_chart(
    frame: pd.DataFrame, labels: Sequence[str] | Mapping | None = None, title: str | None = None
):
    """Differences in percentage points with 95 % CI per item of ``effects.compare_waves``.

    Suppressed rows are left out. The grey band is ± the minimum detectable difference of the row.
    ``labels``: one text per row of ``frame`` (default ``item_label``, else question_id: option).
    """
    rows = frame.copy()
    if labels is None:
        raw = (
            rows["item_label"]
            if "item_label" in rows.columns
            else rows["question_id"].astype(str) + ": " + rows["option"].astype(str)
        )
        rows["label"] = [textwrap.fill(plain(v), 36) for v in raw]
    else:
        rows["label"] = [textwrap.fill(plain(v), 36) for v in labels]
    rows = rows[~rows["suppressed"]]
    # a row as tall as its label needs (a 9 pt line is 0.15 in), at least 0.45 in
    lines = max((str(x).count("\n") + 1 for x in rows["label"]), default=1)
    row_in = max(0.45, 0.15 * lines + 0.1)
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH, 1.2 + row_in * max(1, len(rows))))
    ypos = np.arange(len(rows))[::-1]
    for yi, (_, r) in zip(ypos, rows.iterrows(), strict=True):
        if pd.notna(r["mdd_pp"]):
            ax.plot(
                [-r["mdd_pp"], r["mdd_pp"]],
                [yi, yi],
                color=PALETTE["neutral"],
                linewidth=8,
                alpha=0.35,
                solid_capstyle="butt",
            )
        colour = PALETTE["highlight"] if r["significant"] else PALETTE["data"]
        ax.plot([r["ci_low_pp"], r["ci_high_pp"]], [yi, yi], color=colour, linewidth=2)
        ax.plot(r["diff_pp"], yi, "o", color=colour, markersize=6, markeredgecolor="white")
    ax.axvline(0, color=PALETTE["centre"], linewidth=1)
    ax.set_yticks(ypos)
    ax.set_yticklabels(rows["label"], fontsize=SMALL_TEXT)
    ax.xaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: number(v, 0)))
    ax.set_ylim(-0.7, max(len(rows), 1) - 0.3)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(t("effects_axis_pp"))
    if title:
        ax.set_title(plain(title, TITLE_CHARS))
    fig.tight_layout()
    return fig


def _wrap(lines: Sequence[str], width: int) -> list[str]:
    out: list[str] = []
    for line in lines:
        out += textwrap.wrap(
            plain(line, TEXT_CHARS), width, initial_indent="• ", subsequent_indent="  "
        ) or ["•"]
    return out


def effects_poster(sections: Mapping[str, Sequence[str]], title: str, subtitle: str | None = None):
    """A one-page summary in the shape of the network's poster template.

    ``sections``: heading -> lines, in reading order (``effects.poster`` returns them: improvement
    area, background, current state, its analysis, tested changes, results). The first four
    sit two by two, the last ones span the page; box heights follow their text.
    """
    items = list(sections.items())
    pairs, singles = items[:4], items[4:]
    rows: list[list[tuple[str, list[str]]]] = []
    for k in range(0, len(pairs), 2):
        rows.append([(plain(h), _wrap(lines, 48)) for h, lines in pairs[k : k + 2]])
    for h, lines in singles:
        rows.append([(plain(h), _wrap(lines, 100))])
    line_h = 0.165  # inches per text line
    heights = [0.45 + line_h * max(len(w) for _, w in row) for row in rows]
    head_h = 0.8
    total = head_h + sum(heights) + 0.12 * (len(rows) + 1)
    fig = plt.figure(figsize=(FIGURE_WIDTH, total))
    fig.patch.set_facecolor("white")

    def frac(inches: float) -> float:
        return inches / total

    head = fig.add_axes((0.02, 1 - frac(head_h), 0.96, frac(head_h - 0.1)))
    head.axis("off")
    head.add_patch(plt.Rectangle((0, 0), 1, 1, transform=head.transAxes, color=PALETTE["data"]))
    head.text(
        0.02,
        0.64,
        plain(title, TITLE_CHARS // 2),
        color="white",
        fontsize=14,
        fontweight="bold",
        va="center",
        transform=head.transAxes,
    )
    if subtitle:
        head.text(
            0.02,
            0.24,
            plain(subtitle, TITLE_CHARS),
            color="white",
            fontsize=9,
            va="center",
            transform=head.transAxes,
        )
    colours = [
        PALETTE["data"],
        PALETTE["light"],
        PALETTE["target"],
        PALETTE["highlight"],
        PALETTE["accent"],
        PALETTE["signal"],
    ]
    top = total - head_h
    k = 0
    for row, h in zip(rows, heights, strict=True):
        top -= 0.12
        width = 0.96 / len(row)
        for j, (heading, wrapped) in enumerate(row):
            colour = colours[k % len(colours)]
            k += 1
            ax = fig.add_axes(
                (
                    0.02 + j * width + (0.01 if j else 0),
                    frac(top - h),
                    width - (0.01 if len(row) > 1 else 0),
                    frac(h),
                )
            )
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
            for spine in ax.spines.values():
                spine.set_visible(True)
                spine.set_color(colour)
                spine.set_linewidth(1.5)
            ax.set_facecolor("#fbfbfb")
            ax.text(
                0.015 * len(row),
                1 - frac(0.1) * total / h,
                heading,
                transform=ax.transAxes,
                fontsize=10.5,
                fontweight="bold",
                color=colour,
                va="top",
            )
            ax.text(
                0.015 * len(row),
                1 - frac(0.38) * total / h,
                "\n".join(wrapped),
                transform=ax.transAxes,
                fontsize=8.3,
                va="top",
                linespacing=1.4,
                color="#222222",
            )
        top -= h
    return fig
