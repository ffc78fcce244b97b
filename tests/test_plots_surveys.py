"""Survey bar charts: seaborn draws the bars, with our intervals exactly as computed.

The intervals of a survey chart are the summary's own (Wilson for a sample, the non-response
bounds for a census: ``tests/test_surveys.py`` checks them against Newcombe 1998). A chart must
draw those numbers, never an interval of its own (seaborn's ``barplot`` would bootstrap one by
default), and must not draw a hidden cell.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest

from analysis import plots, surveys

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample" / "surveys"


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def error_bars(ax) -> list[tuple[float, float, float]]:
    """(y centre, low, high) of every error bar seaborn drew (one line each, caps included)."""
    found = []
    for line in ax.lines:
        x, y = np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)
        if len(x) == 8:  # cap, NaN, bar, NaN, cap
            found.append((round(float(y[3]), 6), float(np.nanmin(x)), float(np.nanmax(x))))
    return sorted(found)


def same(found, expected) -> None:
    """Equal row by row, to floating-point precision."""
    assert len(found) == len(expected)
    np.testing.assert_allclose(np.asarray(found, float), np.asarray(expected, float), rtol=1e-12)


def bars(ax) -> list[tuple[float, float]]:
    """(y centre, length) of every bar drawn."""
    return sorted((round(p.get_y() + p.get_height() / 2, 6), p.get_width()) for p in ax.patches)


def test_ranked_bars_draw_the_wilson_intervals_as_given_and_no_hidden_bar():
    sv = surveys.load_survey(SAMPLE / "parents")
    summary = surveys.summarise(sv, min_count=5)
    fig = plots.survey_bars(summary, sv, "municipality", lang="sv")
    ax = fig.axes[0]
    rows = summary[summary["question_id"] == "municipality"]
    rows = rows.assign(key=rows["share"].fillna(-1)).sort_values(
        "key", ascending=False, kind="stable"
    )
    shown = rows[rows["share"].notna()]
    assert len(shown) < len(rows)  # the sample hides some municipalities: the test needs both
    y = np.arange(len(shown))
    same(bars(ax), list(zip(y, shown["share"] * 100, strict=True)))
    expected = list(zip(y, shown["ci_low"] * 100, shown["ci_high"] * 100, strict=True))
    same(error_bars(ax), expected)
    labels = [t.get_text() for t in ax.texts]
    assert labels.count("..") == len(rows) - len(shown)  # a hidden share is marked, never drawn
    assert [t.get_text() for t in ax.get_yticklabels()][len(shown) :] == [
        surveys.option_label(sv, "municipality", o, "sv") for o in rows["option"][len(shown) :]
    ]


def test_a_census_draws_its_non_response_bounds_and_no_sampling_interval():
    sv = surveys.load_survey(SAMPLE / "coordinators")
    summary = surveys.summarise(sv, min_count=5)
    qid = "groups_offered"
    fig = plots.survey_bars(summary, sv, qid, lang="sv")
    ax = fig.axes[0]
    rows = summary[(summary["question_id"] == qid) & summary["share"].notna()]
    assert (rows["method"] == "census (x av N)").all() and rows["ci_low"].isna().all()
    assert len(rows) and (rows["bound_high"] > rows["bound_low"]).all()  # 3 of 21 did not answer
    same(
        [(lo, hi) for _, lo, hi in error_bars(ax)],
        list(zip(rows["bound_low"] * 100, rows["bound_high"] * 100, strict=True)),
    )


def test_grouped_bars_put_each_interval_on_its_own_bar_and_label():
    sv = surveys.load_survey(SAMPLE / "pupils")
    summary = surveys.summarise(sv, by=["wave"], min_count=5)
    likert = surveys.question_ids(sv, "likert", subgroups=False)
    fig = plots.survey_top_box_bars(summary, sv, likert, "wave", lang="sv")
    ax = fig.axes[0]
    waves = list(dict.fromkeys(summary["wave"].dropna()))
    assert len(waves) == 2
    # each item's positive share: its top box, the bottom box of a `direction: down` item (issue 16)
    positive = summary["question_id"].map({q: sv.codebook.question(q).positive_box for q in likert})
    top = summary[summary["option"] == positive].set_index(["question_id", "wave"])
    expected_bars, expected_bars_ci = [], []
    for i, qid in enumerate(likert):
        for j, wave in enumerate(waves):
            row = top.loc[(qid, wave)]
            centre = round(i - 0.4 + (j + 0.5) * 0.4, 6)  # two bars share 0.8 of a row
            expected_bars.append((centre, row["share"] * 100))
            expected_bars_ci.append((centre, row["ci_low"] * 100, row["ci_high"] * 100))
    same(bars(ax), sorted(expected_bars))
    same(error_bars(ax), sorted(expected_bars_ci))
    # each percent label sits at its bar's centre, right of its interval
    for text in ax.texts:
        x, y = text.get_position()
        matches = [hi for c, _, hi in expected_bars_ci if abs(c - y) < 1e-9]
        assert len(matches) == 1 and x == pytest.approx(matches[0] + 1.2)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        surveys.group_label(sv, "wave", w, "sv") for w in waves
    ]
