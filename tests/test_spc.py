"""spc.chart against independent references: published tables, a textbook, hand calculations."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis import spc
from analysis.io import DataError


def series(values, **extra) -> pd.DataFrame:
    return pd.DataFrame({"x": np.arange(1, len(values) + 1), "y": values, **extra})


def only(res) -> pd.Series:
    assert len(res.summary) == 1
    return res.summary.iloc[0]


# --- Anhøj critical values ------------------------------------------------------------------------
def _qbinom_05(size: int) -> int:
    """Smallest c with P(Binomial(size, 0.5) <= c) >= 0.05, searched upward (R's qbinom)."""
    c = 0
    while stats.binom.cdf(c, size, 0.5) < 0.05:
        c += 1
    return c


def test_anhoej_critical_values_n_10_to_100_follow_the_formulas():
    # Anhøj & Olesen 2014: longest run > round(log2(n)) + 3; crossings < qbinom(0.05, n - 1, 0.5)
    n = np.arange(10, 101)
    longest, crossings = spc.anhoej_limits(n)
    for i, k in enumerate(n):
        assert longest[i] == round(math.log2(k)) + 3, k
        assert crossings[i] == _qbinom_05(k - 1), k


@pytest.mark.parametrize(
    ("n", "longest", "crossings"),
    [
        # Anhøj & Olesen 2014, PLoS ONE 9:e113825, Table 1 (checked by hand: log2(10) = 3.32 -> 6;
        # P(C <= 1 | 9) = 10/512 < 0.05 <= P(C <= 2) = 46/512 -> 2; n = 20: 4.32 -> 7, 16664/2^19 =
        # 0.032 < 0.05 <= 43796/2^19 = 0.084 -> 6; n = 30: 4.91 -> 8, crossings 10)
        (10, 6, 2),
        (20, 7, 6),
        (30, 8, 10),
    ],
)
def test_anhoej_published_table_spot_checks(n, longest, crossings):
    assert spc.anhoej_limits(n) == (longest, crossings)


# --- Textbook: Montgomery, Introduction to Statistical Quality Control, Example 7.1 -------------
ORANGE_JUICE = [
    12,
    15,
    8,
    10,
    4,
    7,
    16,
    9,
    14,
    10,
    5,
    6,
    17,
    12,
    22,
    8,
    10,
    5,
    13,
    11,
    20,
    18,
    24,
    15,
    9,
    12,
    7,
    13,
    9,
    6,
]  # nonconforming cans in 30 samples of n = 50 (Table 7.1)


def test_p_chart_montgomery_orange_juice():
    d = pd.DataFrame({"sample": range(1, 31), "bad": ORANGE_JUICE, "n": 50})
    res = spc.chart(d, y="bad", n="n", x="sample", kind="p")
    p = res.points
    # p̄ = 347/1500 = 0.2313, UCL = 0.4102, LCL = 0.0524; samples 15 and 23 above the UCL
    assert p["cl"].iloc[0] == pytest.approx(0.2313, abs=5e-5)
    assert p["ucl"].iloc[0] == pytest.approx(0.4102, abs=5e-5)
    assert p["lcl"].iloc[0] == pytest.approx(0.0524, abs=5e-5)
    assert p.loc[p["sigma_signal"], "x"].tolist() == [15, 23]
    assert only(res)["sigma_signals"] == 2


def test_p_chart_montgomery_revised_limits_with_exclude():
    # Montgomery Example 7.1: samples 15 and 23 have assignable causes; revised p̄ = 301/1400 = 0.2150,
    # limits 0.3893 and 0.0407; sample 21 (20/50 = 0.40) now lies above the revised UCL
    d = pd.DataFrame({"sample": range(1, 31), "bad": ORANGE_JUICE, "n": 50})
    res = spc.chart(d, y="bad", n="n", x="sample", kind="p", exclude=[15, 23])
    p = res.points
    assert p["cl"].iloc[0] == pytest.approx(0.2150, abs=5e-5)
    assert p["ucl"].iloc[0] == pytest.approx(0.3893, abs=5e-5)
    assert p["lcl"].iloc[0] == pytest.approx(0.0407, abs=5e-5)
    assert p.loc[p["excluded"], "x"].tolist() == [15, 23]
    assert p.loc[p["sigma_signal"], "x"].tolist() == [15, 21, 23]  # 15, 23 still flagged


@pytest.mark.parametrize(
    ("n", "c4", "a3", "b3", "b4"),
    [
        # Montgomery, Appendix VI (factors for constructing variables control charts)
        (2, 0.7979, 2.659, 0.000, 3.267),
        (5, 0.9400, 1.427, 0.000, 2.089),
        (10, 0.9727, 0.975, 0.284, 1.716),
        (25, 0.9896, 0.606, 0.565, 1.435),
    ],
)
def test_c4_based_constants_match_the_textbook_table(n, c4, a3, b3, b4):
    assert spc.c4(n) == pytest.approx(c4, abs=5e-5)
    assert spc.a3(n) == pytest.approx(a3, abs=5e-4)
    assert spc.b3(n) == pytest.approx(b3, abs=5e-4)
    assert spc.b4(n) == pytest.approx(b4, abs=5e-4)


def test_xbar_s_montgomery_piston_rings_published_summary():
    # Montgomery Example 6.3 (piston rings, 25 samples of n = 5): x̿ = 74.001, s̄ = 0.0094 give
    # x̄ limits 74.014 / 73.988 and s limits 0.0196 / 0. (The raw table could not be verified
    # digit by digit, so the constants are checked with the published summary, then the charts on
    # subgroups built to have that summary.)
    assert 74.001 + spc.a3(5) * 0.0094 == pytest.approx(74.014, abs=5e-4)
    assert 74.001 - spc.a3(5) * 0.0094 == pytest.approx(73.988, abs=5e-4)
    assert spc.b4(5) * 0.0094 == pytest.approx(0.0196, abs=5e-5)
    assert spc.b3(5) * 0.0094 == 0
    # The same through spc.chart: 25 subgroups of 5 built to have exactly x̄ = 74.001 and
    # s = 0.0094 (74.001 + 0.0094 · k, k = (-2, -1, 0, 1, 2) / sqrt(2.5) has mean 0 and sd 1),
    # so the charts must show the published limits.
    k = np.array([-2, -1, 0, 1, 2]) / math.sqrt(2.5)
    rings = pd.DataFrame(
        {"sample": np.repeat(np.arange(1, 26), 5), "d": np.tile(74.001 + 0.0094 * k, 25)}
    )
    xbar = spc.chart(rings, y="d", x="sample", kind="xbar").points
    assert xbar["cl"].iloc[0] == pytest.approx(74.001, abs=1e-9)
    assert xbar["ucl"].iloc[0] == pytest.approx(74.014, abs=5e-4)
    assert xbar["lcl"].iloc[0] == pytest.approx(73.988, abs=5e-4)
    s = spc.chart(rings, y="d", x="sample", kind="s").points
    assert s["cl"].iloc[0] == pytest.approx(0.0094, abs=1e-9)
    assert s["ucl"].iloc[0] == pytest.approx(0.0196, abs=5e-5)
    assert s["lcl"].iloc[0] == 0


def test_xbar_and_s_hand_computed():
    # subgroups (1, 3), (2, 4), (3, 5): means 2, 3, 4; s = √2 each; x̿ = 3; A3(2) = 2.659;
    # B4(2) = 3.267 (Montgomery Appendix VI)
    d = pd.DataFrame({"x": [1, 1, 2, 2, 3, 3], "y": [1, 3, 2, 4, 3, 5]})
    xb = spc.chart(d, y="y", x="x", kind="xbar").points
    assert xb["y"].tolist() == [2, 3, 4]
    assert xb["n"].tolist() == [2, 2, 2]
    assert xb["cl"].iloc[0] == pytest.approx(3)
    assert xb["ucl"].iloc[0] == pytest.approx(3 + 2.659 * math.sqrt(2), abs=1e-3)
    assert xb["lcl"].iloc[0] == pytest.approx(3 - 2.659 * math.sqrt(2), abs=1e-3)
    s = spc.chart(d, y="y", x="x", kind="s").points
    assert s["y"].tolist() == pytest.approx([math.sqrt(2)] * 3)
    assert s["cl"].iloc[0] == pytest.approx(math.sqrt(2))
    assert s["ucl"].iloc[0] == pytest.approx(3.267 * math.sqrt(2), abs=1e-3)
    assert s["lcl"].iloc[0] == 0


def test_xbar_unequal_subgroups_pooled_sigma():
    # Montgomery 6.30-6.31: x̿ = Σn·x̄/Σn; s̄ = sqrt(Σ(n-1)s² / Σ(n-1)) when sizes differ
    d = pd.DataFrame({"x": [1, 1, 2, 2, 2], "y": [1.0, 3.0, 2.0, 4.0, 6.0]})
    p = spc.chart(d, y="y", x="x", kind="xbar").points
    # means 2 and 4, s² 2 and 4 -> x̿ = (2·2 + 3·4)/5 = 3.2; s̄ = sqrt((1·2 + 2·4)/3)
    pooled = math.sqrt(10 / 3)
    assert p["cl"].iloc[0] == pytest.approx(3.2)
    assert p["ucl"].tolist() == pytest.approx([3.2 + spc.a3(2) * pooled, 3.2 + spc.a3(3) * pooled])


# --- Run chart: hand-computed -----------------------------------------------------------------------
def test_run_chart_points_on_the_median_neither_break_nor_count():
    # median of [1,3,2,3,1,2,2,2,3,1] is 2; without the four 2s the signs are - + + - + -:
    # 5 runs, longest 2, 4 crossings, 6 useful (the 2 between the two 3s does not break their run)
    res = spc.chart(series([1, 3, 2, 3, 1, 2, 2, 2, 3, 1]), y="y", x="x")
    s = only(res)
    assert res.points["cl"].iloc[0] == 2
    assert (s["n_obs"], s["n_useful"], s["longest_run"], s["n_crossings"]) == (10, 6, 2, 4)
    # n = 6: round(log2 6) + 3 = 6; qbinom(0.05, 5, 0.5) = 1 (1/32 < 0.05 <= 6/32)
    assert (s["longest_run_max"], s["n_crossings_min"]) == (6, 1)
    assert not s["runs_signal"]
    assert res.points["lcl"].isna().all() and res.points["ucl"].isna().all()


def test_run_chart_missing_values_are_kept_as_gaps_and_do_not_break_runs():
    # [1, 3, NaN, 3, 1]: median of 1, 3, 3, 1 = 2; signs - + + - : 3 runs, longest 2
    res = spc.chart(series([1, 3, np.nan, 3, 1]), y="y", x="x")
    p, s = res.points, only(res)
    assert len(p) == 5 and np.isnan(p["y"].iloc[2])
    assert (s["n_useful"], s["longest_run"], s["n_crossings"]) == (4, 2, 2)
    assert not p["shift_signal"].iloc[2] and not p["sigma_signal"].iloc[2]


def test_run_chart_shift_and_crossings_signal():
    # 1..10: median 5.5, 5 below then 5 above; n = 10 -> max run 6, min crossings 2
    res = spc.chart(series(list(range(1, 11))), y="y", x="x")
    s = only(res)
    assert (s["longest_run"], s["n_crossings"]) == (5, 1)
    assert not s["shift_signal"] and s["crossings_signal"] and s["runs_signal"]
    assert res.points["runs_signal"].all() and res.points["crossings_signal"].all()
    assert not res.points["shift_signal"].any()


def test_freeze_takes_the_median_from_the_baseline_and_applies_rules_to_all_points():
    # freeze at x = 4: median of 1..4 = 2.5; then 8 points above: run of 8 > 6 and 1 crossing < 2
    res = spc.chart(series(list(range(1, 11))), y="y", x="x", freeze=4)
    p, s = res.points, only(res)
    assert (p["cl"] == 2.5).all()
    assert p["baseline"].tolist() == [True] * 4 + [False] * 6
    assert (s["longest_run"], s["n_crossings"]) == (8, 1)
    assert s["shift_signal"] and s["crossings_signal"]
    assert p["shift_signal"].tolist() == [False] * 2 + [True] * 8
    assert s["baseline_end"] == 4


def test_part_by_x_values_computes_each_phase_on_its_own():
    # phases 1..5 and 6..10: medians 3 and 8
    res = spc.chart(series(list(range(1, 11))), y="y", x="x", part=[6])
    assert res.points["part"].tolist() == [1] * 5 + [2] * 5
    assert res.summary["cl"].tolist() == [3, 8]
    assert res.summary["n_useful"].tolist() == [4, 4]  # the median point of each part is skipped
    assert res.summary["x_start"].tolist() == [1, 6]


def test_part_by_label_column():
    d = series([5, 6, 7, 20, 21, 22], phase=["före", "före", "före", "efter", "efter", "efter"])
    res = spc.chart(d, y="y", x="x", kind="i", part="phase")
    assert res.summary["part"].tolist() == ["före", "efter"]
    assert res.summary["cl"].tolist() == pytest.approx([6, 21])
    # one moving range of 1 in each phase (screening keeps it): limits cl ± 3/1.128
    assert res.points["ucl"].tolist() == pytest.approx([6 + 3 / 1.128] * 3 + [21 + 3 / 1.128] * 3)


def test_exclude_leaves_a_point_out_of_centre_and_runs_but_draws_it():
    # median of [1,2,3,4,5] (100 excluded) = 3; signs - - + + (3 on the median)
    res = spc.chart(series([1, 2, 3, 100, 4, 5]), y="y", x="x", exclude=[4])
    p, s = res.points, only(res)
    assert p["cl"].iloc[0] == 3
    assert p["excluded"].tolist() == [False, False, False, True, False, False]
    assert (s["n_obs"], s["n_useful"], s["longest_run"]) == (5, 4, 2)


# --- Control charts: hand-computed --------------------------------------------------------------
def test_i_chart_moving_ranges_screened_at_3267_mr_bar():
    # MRs: eight of 1 and one of 19; MR̄ = 27/9 = 3; 19 > 3.267·3 = 9.8 is screened -> MR̄ = 1
    y = [1, 2, 1, 2, 1, 2, 1, 2, 1, 20]
    p = spc.chart(series(y), y="y", x="x", kind="i").points
    assert p["cl"].iloc[0] == pytest.approx(3.3)
    assert p["ucl"].iloc[0] == pytest.approx(3.3 + 3 / 1.128)
    assert p["lcl"].iloc[0] == pytest.approx(3.3 - 3 / 1.128)
    assert p["sigma_signal"].tolist() == [False] * 9 + [True]
    unscreened = spc.chart(series(y), y="y", x="x", kind="i", screen_mr=False).points
    assert unscreened["ucl"].iloc[0] == pytest.approx(3.3 + 3 * 3 / 1.128)


def test_i_chart_does_not_close_a_gap():
    # MRs 2 and 2 (none across the missing month); mean 16 -> limits 16 ± 3·2/1.128
    p = spc.chart(series([10, 12, np.nan, 20, 22]), y="y", x="x", kind="i").points
    assert p["ucl"].iloc[0] == pytest.approx(16 + 6 / 1.128)
    assert np.isnan(p["ucl"].iloc[2]) and np.isnan(p["y"].iloc[2])


def test_i_chart_exclude_bridges_the_excluded_point_and_flags_it():
    # base values 10,11,10,11,10,11 (50 excluded): mean 10.5, MRs all 1
    p = spc.chart(series([10, 11, 10, 11, 50, 10, 11]), y="y", x="x", kind="i", exclude=[5]).points
    assert p["cl"].iloc[0] == pytest.approx(10.5)
    assert p["ucl"].iloc[0] == pytest.approx(10.5 + 3 / 1.128)
    assert p["sigma_signal"].tolist() == [False] * 4 + [True] + [False] * 2


def test_mr_chart():
    # |diff| of 1, 3, 2, 6: MRs 2, 1, 4; MR̄ = 7/3; UCL = 3.267·7/3; no runs analysis
    res = spc.chart(series([1, 3, 2, 6]), y="y", x="x", kind="mr")
    p = res.points
    assert np.isnan(p["y"].iloc[0]) and p["y"].tolist()[1:] == [2, 1, 4]
    assert p["cl"].iloc[1] == pytest.approx(7 / 3)
    assert p["ucl"].iloc[1] == pytest.approx(3.267 * 7 / 3)
    assert p["lcl"].iloc[1] == 0
    assert not res.summary["runs_signal"].any()


def test_c_u_and_g_charts():
    # C: c̄ = 4, limits 4 ± 3·2 -> LCL 0 (Montgomery 7.17)
    c = spc.chart(series([2, 4, 6, 4]), y="y", x="x", kind="c").points
    assert (c["cl"].iloc[0], c["ucl"].iloc[0], c["lcl"].iloc[0]) == (4, 10, 0)
    # U: ū = 12/40 = 0.3; sigma_i = sqrt(0.3/n_i) (Montgomery 7.19)
    u = spc.chart(series([2, 10], n=[10, 30]), y="y", n="n", x="x", kind="u").points
    assert u["cl"].iloc[0] == pytest.approx(0.3)
    assert u["ucl"].tolist() == pytest.approx(
        [0.3 + 3 * math.sqrt(0.03), 0.3 + 3 * math.sqrt(0.01)]
    )
    # G: mean 3, sigma sqrt(3·4); UCL = 3 + 3·sqrt(12); centre line drawn at the median 2
    g = spc.chart(series([1, 2, 2, 7]), y="y", x="x", kind="g").points
    assert g["cl"].iloc[0] == 2
    assert g["ucl"].iloc[0] == pytest.approx(3 + 3 * math.sqrt(12))
    assert g["lcl"].iloc[0] == 0


def test_t_chart_is_an_i_chart_on_transformed_times():
    y = np.array([3.0, 10, 7, 25, 4, 12])
    tr = y ** (1 / 3.6)
    mean = tr.mean()
    amr = np.abs(np.diff(tr)).mean()
    assert np.all(np.abs(np.diff(tr)) < 3.267 * amr)  # nothing screened in this case
    p = spc.chart(series(y), y="y", x="x", kind="t").points
    assert p["cl"].iloc[0] == pytest.approx(mean**3.6)
    assert p["ucl"].iloc[0] == pytest.approx((mean + 3 * amr / 1.128) ** 3.6)
    lcl = mean - 3 * amr / 1.128
    assert p["lcl"].iloc[0] == pytest.approx(max(lcl, 0) ** 3.6)
    assert p["y"].tolist() == pytest.approx(y.tolist())


def test_laney_p_prime_chart():
    # Laney 2002: z_i = (p_i - p̄)/sigma_i, sigma_z = mean|Δz|/1.128, limits p̄ ± 3·sigma_i·sigma_z
    bad = np.array([30, 45, 28, 50, 33, 41])
    n = np.array([200, 210, 190, 205, 195, 200])
    pbar = bad.sum() / n.sum()
    sig = np.sqrt(pbar * (1 - pbar) / n)
    z = (bad / n - pbar) / sig
    mr = np.abs(np.diff(z))
    assert np.all(mr < 3.267 * mr.mean())
    sz = mr.mean() / 1.128
    p = spc.chart(series(bad, n=n), y="y", n="n", x="x", kind="pp").points
    assert p["ucl"].tolist() == pytest.approx(list(pbar + 3 * sig * sz))
    assert p["lcl"].tolist() == pytest.approx(list(np.maximum(pbar - 3 * sig * sz, 0)))


# --- IHI rules --------------------------------------------------------------------------------------
def test_ihi_shift_and_trend():
    # median of 1..11 is 6: 5 below, 5 above (6 on the median) -> no shift (needs 6);
    # 1..11 is one rising trend of 11 points -> trend; 10 useful points in 2 runs, and Perla et
    # al. 2011, Table 1 for 10 useful observations: fewer than 3 runs is too few -> signal
    res = spc.chart(series(list(range(1, 12))), y="y", x="x", rules="ihi")
    s = only(res)
    assert s["rules"] == "ihi"
    assert s["longest_run"] == 5 and not s["shift_signal"]
    assert s["longest_trend"] == 11 and s["trend_signal"]
    assert res.points["trend_signal"].all()
    assert (s["n_runs_min"], s["n_runs_max"], s["n_crossings"]) == (3, 9, 1)
    assert s["crossings_signal"]


def test_ihi_trend_skips_equal_values_and_shift_needs_six():
    # 5, 6, 6, 7, 8, 9 is a trend of 5 (the repeated 6 counts once); then six points below
    y = [5, 6, 6, 7, 8, 9, 1, 1.5, 1, 1.5, 1, 1.5]
    d = series(y)
    s = only(spc.chart(d, y="y", x="x", rules="ihi"))
    assert s["longest_trend"] == 5 and s["trend_signal"]
    assert s["longest_run"] == 6 and s["shift_signal"]


# --- by= --------------------------------------------------------------------------------------------
def test_by_equals_separate_calls():
    rng = np.random.default_rng(7)
    d = pd.DataFrame(
        {
            "team": np.repeat(["b", "a", "c"], 20),
            "x": np.tile(np.arange(20), 3),
            "y": rng.poisson(30, 60),
            "n": rng.integers(80, 120, 60),
        }
    )
    d = d.sample(frac=1, random_state=1)  # row order must not matter
    for kind in ("run", "i", "p", "pp", "u", "c", "g"):
        together = spc.chart(
            d,
            y="y",
            n="n" if kind in ("p", "pp", "u") else None,
            x="x",
            kind=kind,
            by="team",
            freeze=12,
        )
        for team, part in together.series().items():
            alone = spc.chart(
                d[d["team"] == team],
                y="y",
                n="n" if kind in ("p", "pp", "u") else None,
                x="x",
                kind=kind,
                freeze=12,
            )
            pd.testing.assert_frame_equal(part.points.drop(columns="team"), alone.points)
            pd.testing.assert_frame_equal(part.summary.drop(columns="team"), alone.summary)


def test_freeze_mapping_per_series():
    d = pd.DataFrame(
        {"g": ["a"] * 6 + ["b"] * 6, "x": list(range(6)) * 2, "y": [1, 2, 3, 4, 5, 6] * 2}
    )
    res = spc.chart(d, y="y", x="x", by="g", freeze={"a": 1})
    assert res.points.loc[res.points["g"] == "a", "cl"].iloc[0] == 1.5
    assert res.points.loc[res.points["g"] == "b", "cl"].iloc[0] == 3.5


def test_dates_as_x_and_text_freeze():
    d = pd.DataFrame(
        {"month": pd.date_range("2024-01-01", periods=6, freq="MS"), "y": [1, 2, 3, 4, 5, 6]}
    )
    res = spc.chart(d, y="y", x="month", freeze="2024-03-01", exclude=["2024-02-01"])
    assert res.points["cl"].iloc[0] == 2  # median of Jan and Mar
    assert res.points["excluded"].sum() == 1


def test_rows_sharing_x_are_aggregated_like_qicharts2():
    d = pd.DataFrame({"x": [1, 1, 2, 3], "y": [1, 2, 5, 7], "n": [10, 10, 20, 20]})
    p = spc.chart(d, y="y", n="n", x="x", kind="p").points
    assert p["y"].tolist() == pytest.approx([3 / 20, 5 / 20, 7 / 20])
    assert p["n"].tolist() == [20, 20, 20]
    c = spc.chart(d, y="y", x="x", kind="c").points
    assert c["y"].tolist() == [3, 5, 7]


def test_notes_and_multiply():
    d = series([1, 2, 3, 4], note=[None, "ny rutin", None, None])
    res = spc.chart(d, y="y", x="x", notes="note", multiply=100)
    assert res.points["note"].iloc[1] == "ny rutin" and pd.isna(res.points["note"].iloc[0])
    assert res.points["y"].tolist() == [100, 200, 300, 400]


def test_input_is_not_mutated():
    d = series([3, 1, 2, np.nan, 5])
    before = d.copy()
    spc.chart(d, y="y", x="x", kind="i", exclude=[2], freeze=4)
    pd.testing.assert_frame_equal(d, before)


# --- errors -----------------------------------------------------------------------------------------
def test_negative_count_is_a_data_error_naming_row_and_column():
    with pytest.raises(DataError, match=r"observations.csv row 3, column 'y': negative count"):
        spc.chart(
            series([1, -2, 3], n=[5, 5, 5]),
            y="y",
            n="n",
            x="x",
            kind="p",
            source="observations.csv",
        )


def test_numerator_larger_than_denominator():
    with pytest.raises(DataError, match="numerator larger than the denominator 'n'"):
        spc.chart(series([1, 6, 3], n=[5, 5, 5]), y="y", n="n", x="x", kind="p")


def test_t_chart_needs_positive_times():
    with pytest.raises(DataError, match="greater than 0"):
        spc.chart(series([1.0, 0.0, 3.0]), y="y", x="x", kind="t")


def test_unsortable_x():
    d = pd.DataFrame({"x": [1, "a", 2.5], "y": [1, 2, 3]})
    with pytest.raises(DataError, match="cannot be sorted"):
        spc.chart(d, y="y", x="x")


def test_missing_x_names_the_row():
    d = pd.DataFrame({"x": [1, None, 3], "y": [1, 2, 3]})
    with pytest.raises(DataError, match="row 3, column 'x': x value is missing"):
        spc.chart(d, y="y", x="x")


def test_too_few_points_says_how_many_are_needed():
    with pytest.raises(ValueError, match="an I chart needs at least 2 points with a value"):
        spc.chart(series([1.0, np.nan]), y="y", x="x", kind="i")
    with pytest.raises(ValueError, match="subgroups of at least 2 values"):
        spc.chart(series([1.0, 2.0, 3.0]), y="y", x="x", kind="xbar")
    with pytest.raises(ValueError, match="two consecutive baseline points"):
        spc.chart(series([1.0, np.nan, 3.0]), y="y", x="x", kind="i")


def test_bad_arguments():
    with pytest.raises(ValueError, match="kind must be one of"):
        spc.chart(series([1, 2]), y="y", kind="z")
    with pytest.raises(ValueError, match="rules must be one of"):
        spc.chart(series([1, 2]), y="y", rules="westgard")
    with pytest.raises(ValueError, match="needs a denominator"):
        spc.chart(series([1, 2]), y="y", kind="p")
    with pytest.raises(ValueError, match="'nope' not in the data"):
        spc.chart(series([1, 2]), y="nope")


def test_contract_columns():
    d = pd.DataFrame({"team": ["a"] * 3, "x": [1, 2, 3], "y": [1, 2, 3]})
    res = spc.chart(d, y="y", x="x", by="team")
    contract_points = [
        "team",
        "x",
        "y",
        "cl",
        "lcl",
        "ucl",
        "part",
        "baseline",
        "excluded",
        "sigma_signal",
        "runs_signal",
        "note",
    ]
    contract_summary = [
        "team",
        "part",
        "n_obs",
        "n_useful",
        "longest_run",
        "longest_run_max",
        "n_crossings",
        "n_crossings_min",
        "runs_signal",
        "sigma_signals",
    ]
    assert set(contract_points) <= set(res.points.columns)
    assert set(contract_summary) <= set(res.summary.columns)
    assert list(res.points.columns) == ["team", *spc.POINT_COLUMNS]
    assert list(res.summary.columns) == ["team", *spc.SUMMARY_COLUMNS]


def test_exclude_as_a_boolean_column():
    d = series([1, 2, 3, 100, 4, 5], skip=[False, False, False, True, False, None])
    res = spc.chart(d, y="y", x="x", exclude="skip")
    assert res.points["excluded"].tolist() == [False, False, False, True, False, False]
    assert res.points["cl"].iloc[0] == 3


def test_freeze_before_the_first_point_is_an_error():
    with pytest.raises(ValueError, match="freeze is before the first x value"):
        spc.chart(series([1, 2, 3]), y="y", x="x", freeze=0)


def test_zero_denominator_is_a_data_error():
    with pytest.raises(DataError, match="denominator 0"):
        spc.chart(series([0, 1], n=[0, 5]), y="y", n="n", x="x", kind="u")
