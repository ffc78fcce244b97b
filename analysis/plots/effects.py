"""Figures for effects (see the module of the same name in analysis/). They compute nothing."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd

from ..text import get_language, number, percent, t
from .style import FIGURE_WIDTH, PALETTE, TEXT_CHARS, TITLE_CHARS, date_axis, plain

__all__ = ["its_chart", "effects_forest", "wave_comparison_chart", "effects_poster"]


def _percent_axis(ax) -> None:
    ax.yaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: percent(v, 0)))


def _number_axis(ax) -> None:
    ax.yaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: number(v, 0 if abs(v) >= 10 else 1)))


def its_chart(its, title: str | None = None, *, as_percent: bool = False,
              change_labels: Sequence[str] | None = None, ylabel: str | None = None,
              multiply: float = 1.0, ax=None):
    """Observed points, the fitted segmented model and the counterfactual (dashed) of an ITS.

    Parameters
    ----------
    its : ``effects.ITSResult`` (its ``fitted`` frame and ``interventions``).
    title : figure title.
    as_percent : show the y axis as percent (shares of a p chart).
    multiply : display factor for rates (e.g. 100 000 for "per 100 000").
    change_labels : one label per intervention (default "Förändring 1", ...).
    """
    fitted = its.fitted.copy()
    for column in ("observed", "fitted", "counterfactual"):
        fitted[column] = fitted[column] * multiply
    if ax is None:
        fig, ax = plt.subplots(figsize=(FIGURE_WIDTH, 3.8))
    else:
        fig = ax.figure
    x = fitted["time"]
    ax.plot(x, fitted["observed"], color=PALETTE["data"], marker="o", markersize=4, linewidth=1,
            label=t("effects_observed"), zorder=3)
    if "excluded" in fitted.columns and fitted["excluded"].any():
        out = fitted[fitted["excluded"]]
        ax.plot(out["time"], out["observed"], linestyle="", marker="o", markersize=6, markerfacecolor="white",
                markeredgecolor=PALETTE["data"], label=t("effects_phase_in"), zorder=4)
    first = True
    for _, seg in fitted.groupby("segment", sort=True):
        ax.plot(seg["time"], seg["fitted"], color=PALETTE["centre"], linewidth=2,
                label=t("effects_fitted") if first else None)
        first = False
    after = fitted[fitted["segment"] > 0]
    if not after.empty:
        start = fitted[fitted["segment"] == 0].tail(1)
        cf = pd.concat([start, after])
        ax.plot(cf["time"], cf["counterfactual"], color=PALETTE["highlight"], linewidth=2,
                linestyle="--", label=t("effects_counterfactual"))
    labels = list(change_labels) if change_labels else [
        t("effects_change_marker", no=i + 1) for i in range(len(its.interventions))]
    for k, label in enumerate(labels, start=1):
        seg = fitted[fitted["segment"] == k]
        if seg.empty:
            continue
        at = seg["time"].iloc[0]
        ax.axvline(at, color=PALETTE["accent"], linewidth=1, linestyle=":")
        ax.annotate(plain(label), (at, 1.0), xycoords=("data", "axes fraction"), xytext=(3, -2),
                    textcoords="offset points", va="top", fontsize=8, color=PALETTE["accent"])
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
    ax.legend(loc="upper left", bbox_to_anchor=(0, -0.12), ncol=4, fontsize=8)
    fig.tight_layout()
    return fig


_RATIO_TICKS = (0.1, 0.2, 0.25, 0.33, 0.5, 0.67, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 2.0, 3.0, 4.0, 5.0, 10.0)


def _ratio_label(value, _pos=None) -> str:
    text = f"{value:g}"
    return text.replace(".", ",") if get_language() == "sv" else text


def _colour(row) -> str:
    if row["improved"]:
        return PALETTE["good"]
    if row["detected"]:
        return PALETTE["bad"]
    return PALETTE["neutral"]


def effects_forest(table: pd.DataFrame, labels: Sequence[str] | None = None, title: str | None = None):
    """Estimates with 95 % CI of ``effects.team_effects(...).table`` (rows with an estimate).

    Ratios (rate ratio, odds ratio) on a log axis in one panel, differences in another. Green:
    improvement; orange: significant in the wrong direction; grey: no established difference.
    ``labels``: one text per row of ``table`` (default "measure – change no").
    """
    rows = table.copy()
    changes = rows["changes"] if "changes" in rows.columns else rows["change_no"].astype(str)
    rows["label"] = [textwrap.fill(plain(v), 38) for v in labels] if labels is not None else [
        textwrap.fill(f"{plain(m)} – {t('effects_change_marker', no=c)}", 38)
        for m, c in zip(rows["measure_name"], changes, strict=True)]
    rows = rows[rows["estimate"].notna()]
    kinds = [k for k in ("ratio", "difference") if
             (rows["effect"].eq("difference") if k == "difference" else rows["effect"].ne("difference")).any()]
    if rows.empty:
        fig, ax = plt.subplots(figsize=(FIGURE_WIDTH, 1.2))
        ax.axis("off")
        ax.text(0, 0.5, t("effects_verdict_short"), fontsize=10)
        return fig
    heights = [max(1, (rows["effect"].eq("difference") if k == "difference" else rows["effect"].ne("difference")).sum())
               for k in kinds]
    fig, axes = plt.subplots(len(kinds), 1, figsize=(FIGURE_WIDTH, 1.2 + 0.6 * sum(heights)),
                             gridspec_kw={"height_ratios": heights}, squeeze=False)
    for ax, kind in zip(axes[:, 0], kinds, strict=True):
        part = rows[rows["effect"].eq("difference")] if kind == "difference" else rows[rows["effect"].ne("difference")]
        ypos = np.arange(len(part))[::-1]
        for yi, (_, r) in zip(ypos, part.iterrows(), strict=True):
            colour = _colour(r)
            ax.plot([r["ci_low"], r["ci_high"]], [yi, yi], color=colour, linewidth=2.5)
            ax.plot(r["estimate"], yi, "o", color=colour, markersize=7, markeredgecolor="white")
        null = 0.0 if kind == "difference" else 1.0
        ax.axvline(null, color=PALETTE["centre"], linewidth=1)
        ax.set_yticks(ypos)
        ax.set_yticklabels(part["label"], fontsize=9)
        ax.set_ylim(-0.7, len(part) - 0.3)
        ax.grid(axis="y", visible=False)
        if kind == "ratio":
            ax.set_xscale("log")
            low = min(part["ci_low"].min(), 1.0) / 1.05
            high = max(part["ci_high"].max(), 1.0) * 1.05
            ax.set_xlim(low, high)
            span = high / low
            candidates = (_RATIO_TICKS if span < 1.8 else (0.5, 0.67, 0.8, 1.0, 1.25, 1.5, 2.0, 3.0)
                          if span < 4 else (0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0))
            ticks = [v for v in candidates if low <= v <= high]
            ax.xaxis.set_major_locator(mticker.FixedLocator(ticks))
            ax.xaxis.set_major_formatter(mticker.FuncFormatter(_ratio_label))
            ax.xaxis.set_minor_formatter(mticker.NullFormatter())
            ax.xaxis.set_minor_locator(mticker.NullLocator())
            ax.set_xlabel(t("effects_axis_ratio"))
        else:
            ax.xaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: number(v, 1)))
            ax.set_xlabel(t("effects_axis_difference"))
    if title:
        axes[0, 0].set_title(plain(title, TITLE_CHARS))
    fig.tight_layout()
    return fig


def wave_comparison_chart(frame: pd.DataFrame, labels: Sequence[str] | Mapping | None = None,
                          title: str | None = None):
    """Differences in percentage points with 95 % CI per item of ``effects.compare_waves``.

    Suppressed rows are left out. The grey band is ± the minimum detectable difference of the row.
    ``labels``: one text per row of ``frame`` (default ``item_label``, else question_id: option).
    """
    rows = frame.copy()
    if labels is None:
        raw = (rows["item_label"] if "item_label" in rows.columns
               else rows["question_id"].astype(str) + ": " + rows["option"].astype(str))
        rows["label"] = [textwrap.fill(plain(v), 48) for v in raw]
    else:
        rows["label"] = [textwrap.fill(plain(v), 48) for v in labels]
    rows = rows[~rows["suppressed"]]
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH, 1.2 + 0.45 * max(1, len(rows))))
    ypos = np.arange(len(rows))[::-1]
    for yi, (_, r) in zip(ypos, rows.iterrows(), strict=True):
        if pd.notna(r["mdd_pp"]):
            ax.plot([-r["mdd_pp"], r["mdd_pp"]], [yi, yi], color=PALETTE["neutral"], linewidth=8,
                    alpha=0.35, solid_capstyle="butt")
        colour = PALETTE["highlight"] if r["significant"] else PALETTE["data"]
        ax.plot([r["ci_low_pp"], r["ci_high_pp"]], [yi, yi], color=colour, linewidth=2)
        ax.plot(r["diff_pp"], yi, "o", color=colour, markersize=6, markeredgecolor="white")
    ax.axvline(0, color=PALETTE["centre"], linewidth=1)
    ax.set_yticks(ypos)
    ax.set_yticklabels(rows["label"], fontsize=8.5)
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
        out += textwrap.wrap(plain(line, TEXT_CHARS), width, initial_indent="• ",
                             subsequent_indent="  ") or ["•"]
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
        rows.append([(plain(h), _wrap(lines, 48)) for h, lines in pairs[k:k + 2]])
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
    head.text(0.02, 0.64, plain(title, TITLE_CHARS // 2), color="white", fontsize=14, fontweight="bold", va="center",
              transform=head.transAxes)
    if subtitle:
        head.text(0.02, 0.24, plain(subtitle, TITLE_CHARS), color="white", fontsize=9, va="center", transform=head.transAxes)
    colours = [PALETTE["data"], PALETTE["light"], PALETTE["target"], PALETTE["highlight"],
               PALETTE["accent"], PALETTE["signal"]]
    top = total - head_h
    k = 0
    for row, h in zip(rows, heights, strict=True):
        top -= 0.12
        width = 0.96 / len(row)
        for j, (heading, wrapped) in enumerate(row):
            colour = colours[k % len(colours)]
            k += 1
            ax = fig.add_axes((0.02 + j * width + (0.01 if j else 0), frac(top - h),
                               width - (0.01 if len(row) > 1 else 0), frac(h)))
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
            for spine in ax.spines.values():
                spine.set_visible(True)
                spine.set_color(colour)
                spine.set_linewidth(1.5)
            ax.set_facecolor("#fbfbfb")
            ax.text(0.015 * len(row), 1 - frac(0.1) * total / h, heading, transform=ax.transAxes,
                    fontsize=10.5, fontweight="bold", color=colour, va="top")
            ax.text(0.015 * len(row), 1 - frac(0.38) * total / h, "\n".join(wrapped), transform=ax.transAxes,
                    fontsize=8.3, va="top", linespacing=1.4, color="#222222")
        top -= h
    return fig
