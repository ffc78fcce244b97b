"""Property tests of spc.chart (hypothesis): invariants that hold for any data."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import spc

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

values = st.lists(
    st.one_of(st.integers(0, 20).map(float), st.just(float("nan"))), min_size=3, max_size=30
).filter(lambda v: sum(not math.isnan(a) for a in v) >= 3)


@st.composite
def proportions(draw):
    size = draw(st.integers(2, 25))
    n = draw(st.lists(st.integers(1, 200), min_size=size, max_size=size))
    y = [draw(st.integers(0, k)) for k in n]
    return pd.DataFrame({"x": range(size), "y": y, "n": n})


@SETTINGS
@given(proportions(), st.sampled_from(["p", "pp"]))
def test_p_limits_lie_within_0_and_1(d, kind):
    p = spc.chart(d, y="y", n="n", x="x", kind=kind).points
    lim = pd.concat([p["lcl"], p["ucl"]]).dropna()
    assert ((lim >= 0) & (lim <= 1)).all()
    assert (p["lcl"].fillna(0) <= p["cl"] + 1e-12).all() and (
        p["cl"] <= p["ucl"].fillna(1) + 1e-12
    ).all()


def _consecutive_pairs(v):
    return any(not math.isnan(a) and not math.isnan(b) for a, b in zip(v, v[1:], strict=False))


@SETTINGS
@given(values.filter(_consecutive_pairs))
def test_i_limits_are_symmetric_around_the_mean(v):
    p = spc.chart(pd.DataFrame({"y": v}), y="y", kind="i").points
    ok = p["y"].notna()
    assert np.allclose((p["ucl"] - p["cl"])[ok], (p["cl"] - p["lcl"])[ok], equal_nan=True)
    assert p["cl"].iloc[0] == np.nanmean(v)
    # limits exist exactly when the screened average moving range is above 0 (ranges >= 3.267 ·
    # MR̄ left out, Nelson 1982; no limits from an all-zero moving-range baseline)
    ranges = [
        abs(a - b) for a, b in zip(v, v[1:], strict=False) if not (math.isnan(a) or math.isnan(b))
    ]
    mr_bar = sum(ranges) / len(ranges)
    kept = [r for r in ranges if r < 3.267 * mr_bar]
    has_limits = bool(kept) and sum(kept) > 0
    assert p.loc[ok, "ucl"].notna().all() == has_limits
    assert (p["ucl"].isna() == p["lcl"].isna()).all()


@SETTINGS
@given(values, st.sampled_from(["run", "c", "g"]), st.randoms(use_true_random=False))
def test_result_does_not_depend_on_row_order(v, kind, rnd):
    d = pd.DataFrame({"x": range(len(v)), "y": v})
    order = list(range(len(v)))
    rnd.shuffle(order)
    a = spc.chart(d, y="y", x="x", kind=kind)
    b = spc.chart(d.iloc[order], y="y", x="x", kind=kind)
    pd.testing.assert_frame_equal(a.points, b.points)
    pd.testing.assert_frame_equal(a.summary, b.summary)


@SETTINGS
@given(
    st.lists(values.filter(_consecutive_pairs), min_size=1, max_size=4),
    st.sampled_from(["run", "i", "c", "t", "mr"]),
    st.sampled_from(["anhoej", "ihi"]),
)
def test_by_equals_one_call_per_series(series_values, kind, rules):
    frames = [
        pd.DataFrame({"sid": k, "x": range(len(v)), "y": v}) for k, v in enumerate(series_values)
    ]
    d = pd.concat(frames, ignore_index=True)
    if kind == "t":
        d["y"] = d["y"] + 1
    together = spc.chart(d, y="y", x="x", kind=kind, by="sid", rules=rules).series()
    for k in range(len(series_values)):
        alone = spc.chart(d[d["sid"] == k], y="y", x="x", kind=kind, rules=rules)
        pd.testing.assert_frame_equal(together[k].points.drop(columns="sid"), alone.points)
        pd.testing.assert_frame_equal(together[k].summary.drop(columns="sid"), alone.summary)


def _reference_runs(y, cl):
    """A plain loop over the points (qicharts2 runs.analysis, written out)."""
    signs = [np.sign(a - c) for a, c in zip(y, cl, strict=True)]
    signs = [s for s in signs if not math.isnan(s) and s != 0]
    if not signs:
        return 0, None, None
    runs, longest, current = 1, 1, 1
    for a, b in zip(signs, signs[1:], strict=False):
        if a == b:
            current += 1
        else:
            runs += 1
            current = 1
        longest = max(longest, current)
    return len(signs), longest, runs - 1


@SETTINGS
@given(values)
def test_runs_analysis_equals_a_plain_loop(v):
    res = spc.chart(pd.DataFrame({"y": v}), y="y")
    s = res.summary.iloc[0]
    n_useful, longest, crossings = _reference_runs(v, res.points["cl"].tolist())
    assert s["n_useful"] == n_useful
    if n_useful:
        assert s["longest_run"] == longest and s["n_crossings"] == crossings
        lr_max = round(math.log2(n_useful)) + 3
        assert bool(s["shift_signal"]) == (longest > lr_max)
