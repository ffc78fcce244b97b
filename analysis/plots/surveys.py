"""Survey charts: draw ``surveys.summarise`` frames and compute nothing new.

* :func:`survey_bars`: ranked horizontal bars with 95 % intervals for a choice question
  (a census: "x av N" and no interval);
* :func:`survey_likert`: diverging stacked bars (neutral centred, n per bar) for Likert items,
  one bar per item or per subgroup;
* :func:`survey_grouped_bars`: options x subgroups; :func:`survey_top_box_bars`: Likert top-box
  shares of several items x subgroups (e.g. the two pupil waves side by side).

Suppressed cells (``..``) are never drawn: their bar is left out and marked ``..``. The bars
with intervals are seaborn's ``barplot`` given our own intervals (:func:`_interval_bars`: Wilson,
or a census's non-response bounds; seaborn estimates and bootstraps nothing); the diverging
Likert bars are drawn with matplotlib (seaborn has no diverging stacked bars).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.patches import Patch

from .. import text
from ..text import t
from ..text.surveys import census_count
from .style import (
    FIGURE_WIDTH,
    LABEL_CHARS,
    PALETTE,
    SMALL_TEXT,
    TITLE_CHARS,
    apply_style,
    legend_columns,
    plain,
)

__all__ = ["survey_bars", "survey_grouped_bars", "survey_likert", "survey_top_box_bars"]

CENSUS = "census (x av N)"
GROUP_COLOURS = [
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#999999",
]


def _wrap(label: str, width: int = 28, limit: int | None = LABEL_CHARS) -> str:
    """A label from the codebook as a figure draws it: literal (``plain``), at most ``limit``
    characters, wrapped at ``width``."""
    text = plain(label, limit)
    return "\n".join(textwrap.wrap(text, width)) or text


def _pct(value: float, lang: str) -> str:
    return text.percent(value, 0, lang)


BAR_WIDTH = 0.8  # share of a category's row the bars of its groups fill (seaborn's default)


def _given_interval(values: pd.Series) -> tuple[float, float]:
    """The interval of one bar whose rows are exactly its low end, its share and its high end."""
    return float(values.min()), float(values.max())


def _interval_bars(
    ax,
    rows: pd.DataFrame,
    *,
    low: str | None,
    high: str | None,
    order: list,
    hue_order: list | None = None,
    colours: Sequence,
    width: float = BAR_WIDTH,
    gap: float = 0.0,
    capsize: float = 0.3,
    linewidth: float = 1.2,
) -> None:
    """Horizontal bars of ``share`` (in percent) at the categories ``key`` (in ``order``), one
    per ``group`` when ``hue_order`` is given (dodged), with the interval ``[low, high]`` drawn
    as an error bar by ``seaborn.barplot``.

    The intervals are ours, never seaborn's: each bar gets exactly three rows, its low end, its
    share and its high end, so the bar (their median) is the share and the error bar (their
    smallest and largest value, :func:`_given_interval`) is ``[low, high]``; nothing is
    estimated or bootstrapped. A bar without an interval is drawn alone; a hidden share (NaN)
    draws nothing.
    """
    ends = [c for c in (low, high) if c is not None]
    rows = rows[rows["share"].notna()]
    with_interval = rows[ends].notna().all(axis=1).to_numpy() if ends else np.zeros(len(rows), bool)
    parts = [rows.assign(value=rows["share"])]
    for col in ends:  # the two ends, only where both are known
        parts.append(rows[with_interval].assign(value=rows.loc[with_interval, col]))
    long = pd.concat(parts, ignore_index=True).assign(
        value=lambda d: d["value"].astype(float) * 100
    )
    grouped = hue_order is not None
    sns.barplot(
        long,
        x="value",
        y="key",
        order=order,
        orient="y",
        hue="group" if grouped else None,
        hue_order=hue_order,
        palette=[colours[j % len(colours)] for j in range(len(hue_order))] if grouped else None,
        color=None if grouped else colours[0],
        saturation=1,
        width=width,
        gap=gap,
        estimator="median",
        errorbar=_given_interval if ends else None,
        capsize=capsize,
        err_kws={"color": "#333333", "linewidth": linewidth},
        linewidth=0,
        legend=False,
        ax=ax,
    )
    ax.set_ylabel("")
    ax.autoscale(axis="y")  # the usual margins around the bars, not seaborn's tight category limits


def _bar_centres(n_keys: int, n_groups: int, width: float = BAR_WIDTH) -> np.ndarray:
    """Where ``_interval_bars`` puts each bar: ``[key, group]`` -> y (seaborn's dodge)."""
    offsets = (
        (np.arange(n_groups) + 0.5) * width / n_groups - width / 2 if n_groups > 1 else np.zeros(1)
    )
    return np.arange(n_keys)[:, None] + offsets[None, :]


def _percent_axis(ax, lang: str, ticks=(0, 25, 50, 75, 100)) -> None:
    ax.set_xticks(list(ticks))
    ax.xaxis.set_major_formatter(lambda v, _pos: text.percent(abs(v) / 100, 0, lang))


def _legend_below(
    ax, fig, handles=None, ncol: int = 5, gap_in: float = 0.6, title: str | None = None
) -> None:
    """A legend under the x-axis label, at a fixed distance in inches whatever the figure height."""
    height_in = ax.get_position().height * fig.get_figheight()
    kwargs = {"handles": handles} if handles is not None else {}
    ax.legend(
        **kwargs,
        loc="upper center",
        bbox_to_anchor=(0.5, -gap_in / max(height_in, 0.5)),
        ncol=ncol,
        fontsize=SMALL_TEXT,
        frameon=False,
        title=None if title is None else plain(title),
        title_fontsize=SMALL_TEXT,
    )


def _rows(summary: pd.DataFrame, question_id: str, by: Sequence[str] = ()) -> pd.DataFrame:
    rows = summary[summary["question_id"] == question_id]
    others = [
        c
        for c in ("wave", *summary.columns)
        if c in summary.columns
        and c not in by
        and c
        not in {
            "question_id",
            "option",
            "n",
            "base",
            "share",
            "ci_low",
            "ci_high",
            "method",
            "suppressed",
            "n_dont_know",
            "n_blank",
            "mean_rank",
            "population",
            "bound_low",
            "bound_high",
        }
    ]
    if others:
        raise ValueError(
            f"the summary is broken down by {others}; pass by={others} or summarise without it"
        )
    if rows.empty:
        raise ValueError(f"the summary has no rows for question {question_id!r}")
    return rows


def _group_title(survey, by: str, lang: str) -> str:
    from ..surveys import group_title

    return group_title(survey, by, lang)


def _title(ax, survey, question_id: str, lang: str) -> None:
    from ..surveys import item_label  # a down item says which answers count as positive

    ax.set_title(_wrap(item_label(survey, question_id, lang), 52, TITLE_CHARS), loc="left")


def survey_bars(
    summary: pd.DataFrame, survey, question_id: str, lang: str | None = None, title: bool = True
):
    """Ranked horizontal bars with Wilson 95 % intervals for one choice question; returns the Figure.

    Multi-select, ranking and unordered single-choice questions are ranked largest first;
    ordinal ones (``ordered: true`` in the codebook) keep their order. A census shows "x av N"
    at each bar and no interval.
    """
    from ..surveys import TOP_BOX, option_label

    lang = lang or text.get_language()
    apply_style()
    q = survey.codebook.question(question_id)
    rows = _rows(summary, question_id)
    rows = rows[rows["option"] != TOP_BOX]
    if not q.ordered:
        rows = rows.assign(_key=rows["share"].fillna(-1)).sort_values(
            "_key", ascending=False, kind="stable"
        )
    labels = [_wrap(option_label(survey, question_id, o, lang)) for o in rows["option"]]
    share = rows["share"].to_numpy(dtype=float)
    high = rows["ci_high"].to_numpy(dtype=float)
    census = bool((rows["method"] == CENSUS).all())
    height = max(2.2, 0.42 * len(rows) + 1.3)
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH, height))
    y = np.arange(len(rows))
    bounds = (
        census
        and "bound_low" in rows.columns
        and bool((rows["population"].fillna(0).astype(float) > rows["base"].astype(float)).any())
    )
    keys = [str(k) for k in y]
    # a sample: the Wilson interval; a census: no interval, but the range non-response allows
    # (as a share of the whole population, worst to best case) when some units did not answer
    ends = (
        ("bound_low", "bound_high") if bounds else (None, None) if census else ("ci_low", "ci_high")
    )
    _interval_bars(
        ax,
        rows.assign(key=keys),
        low=ends[0],
        high=ends[1],
        order=keys,
        colours=[PALETTE["data"]],
        width=0.65,
        capsize=0.35 if bounds else 0.2,
        linewidth=1.4 if bounds else 1.2,
    )
    for yi, rec, s, h in zip(y, rows.to_dict("records"), share, high, strict=True):
        if np.isnan(s):
            label, x = "..", 1
        elif census:
            top = (
                max(s, rec.get("bound_high", np.nan))
                if bounds and pd.notna(rec.get("bound_high"))
                else s
            )
            label, x = census_count(rec, lang), top * 100 + 1.5
        else:
            label, x = _pct(s, lang), (h if not np.isnan(h) else s) * 100 + 1.5
        ax.text(x, yi, label, va="center", fontsize=9)
    ax.set_yticks(y, labels)
    ax.set_xlim(0, 150 if bounds else 110)
    _percent_axis(ax, lang)
    axis = t("survey_ranked_first_axis" if q.type == "ranking" else "survey_share_axis", lang)
    bases = rows["base"].dropna()
    if len(bases):
        axis += f" ({t('survey_n_bar', lang, n=text.number(int(bases.max()), 0, lang))}"
        axis += (
            (", " + t("survey_multi_note", lang).split(":")[0].lower() + ")")
            if q.type == "multi"
            else ")"
        )
    if bounds:
        axis += "\n" + t("survey_bounds_legend", lang)
    ax.set_xlabel(axis)
    ax.grid(axis="y", visible=False)
    if title:
        _title(ax, survey, question_id, lang)
    fig.tight_layout()
    return fig


def _likert_colours(k_neg: int, k_pos: int, has_neutral: bool, direction: str) -> tuple[list, str]:
    fixed_neg = {1: ["#DFC27D"], 2: ["#A6611A", "#DFC27D"], 3: ["#8C510A", "#D8B365", "#F0DDB0"]}
    fixed_pos = {1: ["#80CDC1"], 2: ["#80CDC1", "#018571"], 3: ["#C7EAE5", "#5AB4AC", "#01665E"]}
    cmap = plt.get_cmap("BrBG")
    neg = fixed_neg.get(k_neg) or list(cmap(np.linspace(0.05, 0.4, k_neg)))
    pos = fixed_pos.get(k_pos) or list(cmap(np.linspace(0.6, 0.95, k_pos)))
    if direction == "down":  # agreeing is the bad end: swap the colour ends
        neg, pos = list(reversed(pos)), list(reversed(neg))
    return neg + pos, PALETTE["neutral"]


def survey_likert(
    summary: pd.DataFrame,
    survey,
    questions: Sequence[str] | str,
    by: str | None = None,
    lang: str | None = None,
    title: str | None = None,
):
    """Diverging stacked bars of Likert items: negative steps left of 0, positive right, the
    neutral step centred on 0; ``n`` (the base) printed at each bar. Returns the Figure.

    ``questions`` share one scale (the first question's labels are used). With ``by`` (one
    subgroup column of the summary, e.g. ``wave``) one bar per subgroup, grouped under each
    item. A bar with any suppressed cell is not drawn (marked ``..``).
    """
    from ..surveys import BOTTOM_BOX, TOP_BOX, group_label, item_label

    lang = lang or text.get_language()
    apply_style()
    collapsed_any = False
    questions = [questions] if isinstance(questions, str) else list(questions)
    q0 = survey.codebook.question(questions[0])
    scale = list(q0.answer_options)
    codes = [o.code for o in scale]
    neutral = q0.neutral if q0.neutral in codes else None
    mid = codes.index(neutral) if neutral else len(codes) // 2
    neg_codes, pos_codes = codes[:mid], codes[mid + (1 if neutral else 0) :]
    # an item with direction: down is drawn mirrored: agreeing (its negative answers) on the left,
    # so that the colours and the side of 0 always say negative / positive
    mirror = dict(zip(codes, reversed(codes), strict=True))
    reversed_items = [qid for qid in questions if survey.codebook.question(qid).direction == "down"]
    bars = []  # (y, label, {code: share}, base, hidden)
    headers = []  # (y, label) of an item heading when several items are split by a subgroup
    y = 0.0
    for qid in questions:
        rows = _rows(summary, qid, [by] if by else [])
        groups = [None] if not by else list(dict.fromkeys(rows[by].dropna()))
        if by and len(questions) > 1:
            headers.append((y, item_label(survey, qid, lang)))
            y += 0.9
        q = survey.codebook.question(qid)
        collapsible = neutral is not None and set(q.top_box) | set(q.bottom_box) | {neutral} == set(
            codes
        )
        for g in groups:
            whole = rows if g is None else rows[rows[by] == g]
            part = whole[whole["option"].isin(codes)]
            shares = dict(zip(part["option"], part["share"].to_numpy(dtype=float), strict=True))
            base = part["base"].dropna()
            hidden = bool(part["suppressed"].any()) or len(part) < len(codes)
            collapsed_here = False
            if hidden and collapsible:
                # few answers: show negative / neutral / positive, each large enough to be shown
                boxes = whole[whole["option"].isin([BOTTOM_BOX, neutral, TOP_BOX])]
                if len(boxes) == 3 and not boxes["suppressed"].any():
                    b = dict(
                        zip(boxes["option"], boxes["share"].to_numpy(dtype=float), strict=True)
                    )
                    shares = {
                        neutral: b[neutral],
                        neg_codes[-1]: b[BOTTOM_BOX],
                        pos_codes[0]: b[TOP_BOX],
                    }
                    hidden = False
                    collapsed_any = collapsed_here = True
            if qid in reversed_items:
                shares = {mirror[c]: v for c, v in shares.items()}
            label = item_label(survey, qid, lang) if g is None else group_label(survey, by, g, lang)
            bars.append(
                (
                    y,
                    _wrap(label, 28),
                    shares,
                    int(base.iloc[0]) if len(base) else None,
                    hidden,
                    collapsed_here,
                )
            )
            y += 1
        if by and len(questions) > 1:
            y += 0.3
    height = max(2.6, 0.42 * y + 2.0)
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH, height))
    colours, neutral_colour = _likert_colours(len(neg_codes), len(pos_codes), bool(neutral), "up")
    colour_of = dict(zip(neg_codes + pos_codes, colours, strict=True))
    if neutral:
        colour_of[neutral] = neutral_colour
    extent = 0.25
    for _y, _l, shares, _b, hidden, _c in bars:
        if not hidden:
            half = shares.get(neutral, 0.0) / 2 if neutral else 0.0
            extent = max(
                extent,
                half + sum(shares.get(c, 0.0) for c in neg_codes),
                half + sum(shares.get(c, 0.0) for c in pos_codes),
            )
    limit = min(1.0, np.ceil(extent * 4 + 0.01) / 4)
    min_width = 0.42 * 2 * limit / (FIGURE_WIDTH * 0.5)  # a label needs ~0.42 inch
    for yi, _label, shares, base, hidden, collapsed in bars:
        if hidden:
            ax.text(0, yi, "..", ha="center", va="center", fontsize=10)
            continue
        half = shares.get(neutral, 0.0) / 2 if neutral else 0.0
        segments = []  # (left, width, code)
        if neutral:
            segments.append((-half, shares.get(neutral, 0.0), neutral))
        left = -half
        for code in reversed(neg_codes):  # from the centre outwards
            w = shares.get(code, 0.0)
            segments.append((left - w, w, code))
            left -= w
        right = half
        for code in pos_codes:
            w = shares.get(code, 0.0)
            segments.append((right, w, code))
            right += w
        for x0, w, code in segments:
            ax.barh(
                yi,
                w,
                left=x0,
                color=colour_of[code],
                height=0.7,
                edgecolor="white",
                linewidth=0.6,
                hatch="///" if collapsed and code != neutral else None,
            )
            if w >= min_width:
                dark = code in (neg_codes[:1] + pos_codes[-1:]) and len(codes) > 3
                ax.text(
                    x0 + w / 2,
                    yi,
                    _pct(w, lang),
                    ha="center",
                    va="center",
                    fontsize=SMALL_TEXT - 0.5,
                    color="white" if dark else "black",
                )
        if base is not None:
            ax.text(
                1.01,
                yi,
                t("survey_n_bar", lang, n=text.number(base, 0, lang)),
                va="center",
                fontsize=SMALL_TEXT,
                color="#333333",
                transform=ax.get_yaxis_transform(),
            )
    for yh, label in headers:
        ax.text(
            -limit,
            yh,
            _wrap(label, 64, TITLE_CHARS),
            ha="left",
            va="center",
            fontsize=9,
            fontweight="bold",
        )
    ax.set_yticks([b[0] for b in bars], [b[1] for b in bars])
    ax.set_ylim(y - 0.4, -0.6)
    # ticks every 25 % up to 50 % each side, else every 50 % (they would overlap on a phone)
    ax.set_xticks(np.arange(-limit, limit + 1e-9, 0.25 if limit <= 0.5 else 0.5))
    ax.xaxis.set_major_formatter(lambda v, _pos: text.percent(abs(v), 0, lang))
    ax.set_xlim(-limit, limit)
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.grid(axis="y", visible=False)
    xlabel = f"{t('survey_negative', lang)}    {t('survey_positive', lang)}"
    if collapsed_any:
        xlabel += "\n" + _wrap(t("survey_collapsed_note", lang), 76, limit=None)
    all_reversed = len(reversed_items) == len(questions)
    if reversed_items and not all_reversed:
        xlabel += "\n" + _wrap(t("survey_reversed_chart_note", lang), 64, limit=None)
    ax.set_xlabel(xlabel)
    if title:
        ax.set_title(_wrap(title, 52, TITLE_CHARS), loc="left")
    elif len(questions) == 1 and by:
        _title(ax, survey, questions[0], lang)
    if by and len(questions) == 1:
        ax.set_ylabel(_wrap(_group_title(survey, by, lang), 24), fontsize=SMALL_TEXT)
    fig.tight_layout()
    # the legend names the answers at each place of the scale (mirrored when every item is)
    handles = [
        Patch(
            facecolor=colour_of[o.code],
            label=plain(q0.option(mirror[o.code]).label(lang) if all_reversed else o.label(lang)),
        )
        for o in scale
    ]
    if collapsed_any:
        boxes = (
            ((neg_codes[-1], q0.top_box), (pos_codes[0], q0.bottom_box))
            if all_reversed
            else ((neg_codes[-1], q0.bottom_box), (pos_codes[0], q0.top_box))
        )
        for code, box in boxes:
            label = plain(" + ".join(q0.option(c).label(lang) for c in box))
            handles.append(
                Patch(facecolor=colour_of[code], hatch="///", edgecolor="white", label=label)
            )
    extra_lines = xlabel.count("\n")  # the axis label grows downwards; the legend goes under it
    _legend_below(
        ax,
        fig,
        handles,
        ncol=legend_columns([h.get_label() for h in handles]),
        gap_in=0.55 + 0.2 * extra_lines,
    )
    return fig


def _grouped(
    ax,
    labels: list[str],
    groups: list[str],
    values: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    census: bool,
    lang: str,
) -> list[Patch]:
    """Horizontal grouped bars: rows = labels, one bar per group (values: len(labels) x len(groups));
    returns the legend handles of the groups."""
    k = len(groups)
    keys = [str(i) for i in range(len(labels))]
    rows = pd.DataFrame(
        {
            "key": np.repeat(keys, k),
            "group": np.tile([str(j) for j in range(k)], len(labels)),
            "share": values.ravel(),
            "ci_low": low.ravel(),
            "ci_high": high.ravel(),
        }
    )
    _interval_bars(
        ax,
        rows,
        low=None if census else "ci_low",
        high=None if census else "ci_high",
        order=keys,
        hue_order=[str(j) for j in range(k)],
        colours=GROUP_COLOURS,
        gap=0.08,
        capsize=0.12,
        linewidth=1,
    )
    centres = _bar_centres(len(labels), k)
    for (i, j), s in np.ndenumerate(values):
        if np.isnan(s):
            ax.text(1, centres[i, j], "..", va="center", fontsize=SMALL_TEXT)
        else:
            h = high[i, j]
            ax.text(
                (h if not np.isnan(h) else s) * 100 + 1.2,
                centres[i, j],
                _pct(s, lang),
                va="center",
                fontsize=SMALL_TEXT - 1,
            )
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlim(0, 112)
    _percent_axis(ax, lang)
    ax.grid(axis="y", visible=False)
    return [
        Patch(facecolor=GROUP_COLOURS[j % len(GROUP_COLOURS)], label=plain(g))
        for j, g in enumerate(groups)
    ]


def _matrix(
    rows: pd.DataFrame, key: str, keys: list, by: str, groups: list
) -> tuple[np.ndarray, ...]:
    shape = (len(keys), len(groups))
    out = [np.full(shape, np.nan) for _ in range(3)]
    for rec in rows.to_dict("records"):
        if rec[key] in keys and rec[by] in groups:
            i, j = keys.index(rec[key]), groups.index(rec[by])
            for m, col in zip(out, ("share", "ci_low", "ci_high"), strict=True):
                m[i, j] = np.nan if pd.isna(rec[col]) else float(rec[col])
    return tuple(out)


def survey_grouped_bars(
    summary: pd.DataFrame, survey, question_id: str, by: str, lang: str | None = None
):
    """Grouped horizontal bars of one choice question by a subgroup (options ranked by their
    largest share), with 95 % intervals; returns the Figure."""
    from ..surveys import TOP_BOX, group_label, option_label

    lang = lang or text.get_language()
    apply_style()
    q = survey.codebook.question(question_id)
    rows = _rows(summary, question_id, [by])
    rows = rows[rows["option"] != TOP_BOX]
    groups = list(dict.fromkeys(rows[by].dropna()))
    options = list(dict.fromkeys(rows["option"]))
    if not q.ordered:
        best = rows.groupby("option", sort=False)["share"].max()
        options = sorted(
            options, key=lambda o: -(best.get(o, 0) if not pd.isna(best.get(o)) else -1)
        )
    share, low, high = _matrix(rows, "option", options, by, groups)
    height = max(2.6, 0.25 * len(options) * len(groups) + 0.35 * len(options) + 1.4)
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH, height))
    handles = _grouped(
        ax,
        [_wrap(option_label(survey, question_id, o, lang)) for o in options],
        [group_label(survey, by, g, lang) for g in groups],
        share,
        low,
        high,
        bool((rows["method"] == CENSUS).all()),
        lang,
    )
    ax.set_xlabel(t("survey_share_axis", lang))
    _title(ax, survey, question_id, lang)
    fig.tight_layout()
    _legend_below(
        ax,
        fig,
        handles,
        ncol=legend_columns([h.get_label() for h in handles]),
        title=_group_title(survey, by, lang),
    )
    return fig


def survey_top_box_bars(
    summary: pd.DataFrame,
    survey,
    questions: Sequence[str],
    by: str,
    lang: str | None = None,
    title: str | None = None,
):
    """Positive shares (the codebook's ``top_box`` steps, or the bottom box of an item with
    ``direction: down``) of several Likert items by a subgroup, e.g. ``by="wave"``: the pupil
    survey's two waves side by side. Returns the Figure."""
    from ..surveys import group_label, item_label

    lang = lang or text.get_language()
    apply_style()
    positive = {q: survey.codebook.question(q).positive_box for q in questions}
    rows = summary[
        summary["question_id"].isin(list(questions))
        & (summary["option"].astype(str) == summary["question_id"].astype(str).map(positive))
    ]
    if rows.empty:
        raise ValueError("the summary has no positive-share rows for these questions")
    groups = list(dict.fromkeys(rows[by].dropna()))
    share, low, high = _matrix(rows, "question_id", list(questions), by, groups)
    height = max(2.6, 0.28 * len(questions) * len(groups) + 0.35 * len(questions) + 1.4)
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH, height))
    handles = _grouped(
        ax,
        [_wrap(item_label(survey, q, lang), 28) for q in questions],
        [group_label(survey, by, g, lang) for g in groups],
        share,
        low,
        high,
        bool((rows["method"] == CENSUS).all()),
        lang,
    )
    ax.set_xlabel(t("survey_top_box_short", lang))
    ax.set_title(_wrap(title or t("survey_top_box_short", lang), 52, TITLE_CHARS), loc="left")
    fig.tight_layout()
    _legend_below(
        ax,
        fig,
        handles,
        ncol=legend_columns([h.get_label() for h in handles]),
        title=_group_title(survey, by, lang),
    )
    return fig
