"""The six steps of spc.chart, each on its own, on tiny frames computed by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import spc
from analysis.io import DataError
from analysis.spc import steps


def frame(**columns) -> pd.DataFrame:
    return pd.DataFrame(columns)


def run_to(data: pd.DataFrame, step: str, *, kind="i", part=None, freeze=None, **kw):
    """The pipe up to and including ``step`` (each test checks one step)."""
    by = kw.pop("by", [])
    points = steps.prepare(data, kind=kind, by=by, part=part, **kw)
    if step == "prepare":
        return points
    segments = steps.segment(points, part)
    if step == "segment":
        return points, segments
    baseline = steps.freeze(points, segments, freeze)
    if step == "freeze":
        return points, segments, baseline
    limits = steps.compute_limits(points, segments, baseline, kind)
    return points, segments, baseline, limits


# ---------------------------------------------------------------------------------- 1 prepare
def test_prepare_sorts_by_series_then_x_and_sums_a_ratio_over_rows_sharing_x():
    d = frame(team=["b", "a", "a", "a"], x=[1, 2, 1, 1], y=[4, 6, 3, 2], n=[10, 20, 10, 10])
    p = steps.prepare(d, y="y", n="n", x="x", kind="p", by=["team"])
    assert list(p.by["team"]) == ["a", "a", "b"]  # sorted by series, then x
    assert list(p.x) == [1, 2, 1]
    assert list(p.series) == [0, 0, 1]
    # a at x=1: (3 + 2) / (10 + 10) = 0.25 (qicharts2 qic.agg: sums, not the mean of 0.3 and 0.2)
    assert p.y.tolist() == [0.25, 0.3, 0.4]
    assert p.n.tolist() == [20, 20, 10]
    assert p.y_sum.tolist() == [5, 6, 4]


def test_prepare_takes_mean_and_standard_deviation_of_a_subgroup():
    d = frame(x=[1, 1, 1, 2, 2, 2], y=[1.0, 2.0, 3.0, 2.0, 4.0, 6.0])
    p = steps.prepare(d, y="y", x="x", kind="xbar")
    # subgroup 1: mean 2, s = sqrt(((1-2)² + 0 + (3-2)²) / 2) = 1; subgroup 2: mean 4, s = 2
    assert p.y.tolist() == [2.0, 4.0]
    assert p.y_sd.tolist() == [1.0, 2.0]
    assert p.n.tolist() == [3, 3]


def test_prepare_joins_notes_and_excludes_a_point_when_any_of_its_rows_is_out():
    d = frame(
        x=[1, 1, 2, 3],
        y=[1, 2, 3, 4],
        note=["flu", "flu", None, "move"],
        out=[False, True, False, False],
    )
    p = steps.prepare(d, y="y", x="x", kind="c", notes="note", exclude="out")
    assert list(p.note) == ["flu", None, "move"]  # the same note twice is said once
    assert p.excluded.tolist() == [True, False, False]
    assert p.y.tolist() == [3, 3, 4]  # a C chart sums the counts at one x
    by_x = steps.prepare(d, y="y", x="x", kind="c", exclude=[3])
    assert by_x.excluded.tolist() == [False, False, True]


def test_prepare_names_the_row_of_a_missing_x():
    d = frame(x=[1.0, None, 3.0], y=[1, 2, 3])
    with pytest.raises(DataError) as err:
        steps.prepare(d, y="y", x="x", kind="i", source="obs.csv")
    problem = err.value.problems[0]
    assert (problem.file, problem.row, problem.column) == ("obs.csv", 3, "x")  # index 1 + header


def test_prepare_leaves_its_input_unchanged():
    d = frame(x=[2, 1], y=[5.0, 7.0])
    before = d.copy()
    steps.prepare(d, y="y", x="x", kind="i")
    pd.testing.assert_frame_equal(d, before)


# ---------------------------------------------------------------------------------- 2 segment
def test_segment_by_a_label_column_starts_a_part_at_each_change_within_a_series():
    d = frame(
        s=["a"] * 5 + ["b"] * 2,
        x=[1, 2, 3, 4, 5, 1, 2],
        phase=["före", "före", "efter", "efter", "före", "efter", "efter"],
        y=range(7),
    )
    _, seg = run_to(d, "segment", y="y", x="x", by=["s"], part="phase")
    assert seg.code.tolist() == [0, 0, 1, 1, 2, 3, 3]
    assert seg.count == 4
    assert seg.first.tolist() == [0, 2, 4, 5]
    assert list(seg.label) == ["före", "efter", "före", "efter"]
    assert seg.opens_series.tolist() == [True, False, False, True]


def test_segment_by_x_values_numbers_the_parts_within_each_series():
    d = frame(s=["a"] * 4 + ["b"] * 4, x=[1, 2, 3, 4] * 2, y=range(8))
    _, seg = run_to(d, "segment", y="y", x="x", by=["s"], part=[3])
    assert seg.code.tolist() == [0, 0, 1, 1, 2, 2, 3, 3]
    assert seg.label.tolist() == [1, 2, 1, 2]


# ---------------------------------------------------------------------------------- 3 freeze
def test_freeze_marks_the_points_up_to_the_freeze_and_a_later_part_is_its_own_baseline():
    d = frame(x=range(1, 9), y=range(8))
    _, _, base = run_to(d, "freeze", y="y", x="x", freeze=3)
    assert base.tolist() == [True] * 3 + [False] * 5
    # the second part starts at 6, after the freeze: all of it is its own baseline
    _, _, base = run_to(d, "freeze", y="y", x="x", freeze=3, part=[6])
    assert base.tolist() == [True] * 3 + [False] * 2 + [True] * 3


def test_freeze_per_series_leaves_a_series_not_named_unfrozen():
    d = frame(s=["a"] * 4 + ["b"] * 4, x=[1, 2, 3, 4] * 2, y=range(8))
    _, _, base = run_to(d, "freeze", y="y", x="x", by=["s"], freeze={"a": 2})
    assert base.tolist() == [True, True, False, False] + [True] * 4


def test_freeze_before_the_first_x_names_the_series():
    d = frame(s=["a"] * 3 + ["b"] * 3, x=[5, 6, 7, 1, 2, 3], y=range(6))
    with pytest.raises(ValueError, match=r"before the first x value \(5\) of series 'a'"):
        run_to(d, "freeze", y="y", x="x", by=["s"], freeze=3)


# ---------------------------------------------------------------------------------- 4 limits
def test_limits_of_an_i_chart_come_from_the_baseline_moving_ranges():
    # baseline 1, 3, 2, 4: mean 2.5; moving ranges 2, 1, 2, MR-bar 5/3 (none >= 3.267 * 5/3);
    # limits 2.5 ± 2.66 * 5/3 = 2.5 ± 4.4333 (Montgomery 6.33, 2.66 = 3 / d2, d2 = 1.128)
    d = frame(x=range(1, 7), y=[1.0, 3.0, 2.0, 4.0, 10.0, np.nan])
    *_, lim = run_to(d, "limits", y="y", x="x", freeze=4)
    assert lim.cl[:5] == pytest.approx([2.5] * 5)
    half = 3 / 1.128 * 5 / 3
    assert lim.ucl[:5] == pytest.approx([2.5 + half] * 5)
    assert lim.lcl[:5] == pytest.approx([2.5 - half] * 5)
    assert np.isnan(lim.ucl[5]) and np.isnan(lim.lcl[5])  # no value, no limit: a gap
    assert lim.base.tolist() == [True] * 4 + [False] * 2


def test_limits_of_a_p_chart_vary_with_the_denominator():
    # p-bar = (2 + 6) / (20 + 20) = 0.2; ucl at n = 20: 0.2 + 3 * sqrt(0.2 * 0.8 / 20) = 0.46833
    d = frame(x=[1, 2], y=[2, 6], n=[20, 20])
    *_, lim = run_to(d, "limits", kind="p", y="y", n="n", x="x")
    assert lim.cl.tolist() == pytest.approx([0.2, 0.2])
    assert lim.ucl.tolist() == pytest.approx([0.2 + 3 * np.sqrt(0.2 * 0.8 / 20)] * 2)
    assert lim.lcl.tolist() == [0.0, 0.0]  # 0.2 - 0.268 < 0: cut at 0


def test_limits_need_enough_baseline_points_and_say_how_many():
    d = frame(x=range(1, 6), y=[1.0, 2.0, 3.0, 4.0, 5.0])
    with pytest.raises(
        ValueError, match="needs at least 2 points with a value in the baseline.*has 1"
    ):
        run_to(d, "limits", y="y", x="x", freeze=1)
    gappy = frame(x=range(1, 5), y=[1.0, np.nan, 3.0, np.nan])  # two values, no moving range
    with pytest.raises(ValueError, match="two consecutive baseline points"):
        run_to(gappy, "limits", y="y", x="x")


# ---------------------------------------------------------------------------------- 5 rules
def _limits(y, cl=0.0, lcl=-2.0, ucl=2.0) -> steps.Limits:
    y = np.asarray(y, dtype=float)
    return steps.Limits(
        cl=np.full(len(y), cl),
        lcl=np.full(len(y), lcl),
        ucl=np.full(len(y), ucl),
        y=y,
        base=np.ones(len(y), dtype=bool),
    )


def test_rules_find_a_too_long_run_and_points_outside_the_limits():
    y = [1, 1, 1, 1, 1, 1, 1, -1, 3, -1]
    points = steps.prepare(frame(x=range(10), y=y), y="y", x="x", kind="i")
    segments = steps.segment(points)
    signals = steps.apply_rules(points, segments, _limits(y), "i", "anhoej")
    # 10 useful points: longest run allowed round(log2 10) + 3 = 6 (Anhøj & Olesen 2014); the
    # first run is 7 long -> shift. Runs 7, 1, 1, 1: 3 crossings, fewest allowed 2 -> fine.
    assert signals.runs["longest_run"].tolist() == [7]
    assert signals.runs["shift_signal"].tolist() == [True]
    assert signals.runs["crossings_signal"].tolist() == [False]
    assert signals.runs["pt_shift"].tolist() == [True] * 7 + [False] * 3
    assert signals.sigma.tolist() == [False] * 8 + [True, False]  # 3 > ucl 2


def test_rules_leave_excluded_points_out_and_an_mr_chart_has_no_runs_analysis():
    y = [1, 1, 1, 1, 1, 1, 1, -1, 1, -1]
    d = frame(x=range(10), y=y, out=[False] * 6 + [True] + [False] * 3)
    points = steps.prepare(d, y="y", x="x", kind="i", exclude="out")
    signals = steps.apply_rules(points, steps.segment(points), _limits(y), "i", "anhoej")
    assert signals.runs["longest_run"].tolist() == [6]  # the 7th point is out: 6 is allowed
    assert not signals.runs["shift_signal"].any()
    mr = steps.apply_rules(points, steps.segment(points), _limits([1] * 10), "mr", "anhoej")
    assert not mr.runs["runs_signal"].any() and not mr.runs["pt_shift"].any()


# ---------------------------------------------------------------------------------- 6 assemble
def test_assemble_scales_values_not_counts_and_leads_with_the_by_columns():
    d = frame(s=["a"] * 3 + ["b"] * 3, x=[1, 2, 3] * 2, y=[1, 2, 1, 3, 3, 3], n=[10] * 6)
    points, segments, baseline, lim = run_to(
        d, "limits", kind="p", y="y", n="n", x="x", by=["s"], freeze=2
    )
    signals = steps.apply_rules(points, segments, lim, "p", "anhoej")
    table, summary = steps.assemble(
        points, segments, baseline, lim, signals, kind="p", rules="anhoej", multiply=100
    )
    assert list(table.columns) == ["s", *spc.POINT_COLUMNS]
    assert list(summary.columns) == ["s", *spc.SUMMARY_COLUMNS]
    # series a: baseline 1/10, 2/10 -> p-bar 3/20 = 15 %; y in percent, n as counted
    assert table["y"].tolist()[:3] == pytest.approx([10, 20, 10])
    assert table["cl"].tolist()[:3] == pytest.approx([15, 15, 15])
    assert table["n"].tolist() == [10] * 6
    assert summary["cl"].tolist() == pytest.approx([15, 30])
    assert summary["x_start"].tolist() == [1, 1] and summary["x_end"].tolist() == [3, 3]
    assert summary["baseline_end"].tolist() == [2, 2]
    assert summary["centre"].tolist() == ["mean", "mean"]


def test_assemble_leaves_out_a_denominator_the_kind_does_not_use():
    d = frame(x=[1, 2, 3], y=[1.0, 2.0, 4.0])
    points, segments, baseline, lim = run_to(d, "limits", kind="run", y="y", x="x")
    signals = steps.apply_rules(points, segments, lim, "run", "anhoej")
    table, summary = steps.assemble(
        points, segments, baseline, lim, signals, kind="run", rules="anhoej", n_given=False
    )
    assert table["n"].isna().all()
    assert summary["centre"].tolist() == ["median"]
    assert summary["cl"].tolist() == [2.0]  # the median of 1, 2, 4


def test_chart_is_the_six_steps_in_a_row():
    d = frame(
        s=["a"] * 12 + ["b"] * 12, x=list(range(12)) * 2, y=[5, 6, 5, 7, 6, 5, 9, 9, 9, 9, 9, 9] * 2
    )
    res = spc.chart(d, y="y", x="x", kind="i", by="s", freeze=5, rules="ihi")
    points, segments, baseline, lim = run_to(d, "limits", y="y", x="x", by=["s"], freeze=5)
    signals = steps.apply_rules(points, segments, lim, "i", "ihi")
    table, summary = steps.assemble(
        points, segments, baseline, lim, signals, kind="i", rules="ihi", n_given=False
    )
    pd.testing.assert_frame_equal(res.points, table)
    pd.testing.assert_frame_equal(res.summary, summary)
