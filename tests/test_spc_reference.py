"""spc.chart against qicharts2 semantics on cases the other SPC tests do not reach.

Every expected value is worked out by hand in the comments (small numbers chosen so that the
arithmetic is exact or nearly so). The rules come from the qicharts2 R source (Anhøj,
github.com/anhoej/qicharts2, R/helper.functions.R: ``runs.analysis``, ``qic.pp``, ``qic.up``,
``qic.u``, ``qic.g``, ``qic.t``, ``qic.i``) and the papers it cites; the engine is never asked
for an expected value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import spc

D2 = 1.128  # d2 for n = 2 as qicharts2 uses it (Montgomery, Appendix VI)


def series(values, **extra) -> pd.DataFrame:
    return pd.DataFrame({"x": np.arange(1, len(values) + 1), "y": values, **extra})


def only(res) -> pd.Series:
    assert len(res.summary) == 1
    return res.summary.iloc[0]


# --- I and MR chart: the published example of screened moving ranges ------------------------------
# Anhøj, "SPC for healthcare" (anhoej.github.io/spc4hc), chapter "Screened I Chart": 24 values,
# AMR = 5, MR limit 3.267 · 5 = 16.335; the range |28 - 11| = 17 between observations 14 and 15
# exceeds it; removing it gives AMR = 4.45 ("by default, qicharts2 applies this approach").
SPC4HC = [
    18,
    16,
    8,
    9,
    10,
    11,
    26,
    14,
    15,
    14,
    18,
    19,
    18,
    11,
    28,
    20,
    16,
    17,
    12,
    13,
    24,
    16,
    15,
    11,
]


def test_mr_chart_of_the_published_example():
    # MRs: 2 8 1 1 1 15 12 1 1 4 1 1 7 17 8 4 1 5 1 11 8 1 4 -> sum 115 / 23 = 5 (as published)
    p = spc.chart(series(SPC4HC), y="y", x="x", kind="mr").points
    assert p["cl"].iloc[1] == pytest.approx(5.0)
    assert p["ucl"].iloc[1] == pytest.approx(16.335)
    assert p.loc[p["sigma_signal"], "x"].tolist() == [15]  # |28 - 11| = 17 > 16.335


def test_i_chart_of_the_published_example_screens_the_freak_range():
    # mean = 379/24 = 15.791667; screened AMR = (115 - 17)/22 = 4.454545 (published: 4.45)
    # limits 15.791667 ± 3 · 4.454545/1.128 = 15.791667 ± 11.847195 -> 27.638862 / 3.944472;
    # observation 15 (28) lies above the UCL. Unscreened: ± 3 · 5/1.128 = ± 13.297872 ->
    # 29.089539, and no point is outside.
    p = spc.chart(series(SPC4HC), y="y", x="x", kind="i").points
    assert p["cl"].iloc[0] == pytest.approx(15.791667, abs=1e-6)
    assert p["ucl"].iloc[0] == pytest.approx(27.638862, abs=1e-6)
    assert p["lcl"].iloc[0] == pytest.approx(3.944472, abs=1e-6)
    assert p.loc[p["sigma_signal"], "x"].tolist() == [15]
    raw = spc.chart(series(SPC4HC), y="y", x="x", kind="i", screen_mr=False).points
    assert raw["ucl"].iloc[0] == pytest.approx(29.089539, abs=1e-6)
    assert not raw["sigma_signal"].any()


# --- Laney P′ (Laney 2002; qicharts2 qic.pp) ------------------------------------------------------
# Eight subgroups with p̄ = 0.2 exactly, denominators chosen so that sigma_i = sqrt(0.16 / n_i)
# is round: n = 100 -> 0.04, n = 400 -> 0.02, n = 25 -> 0.08.
#
#   i   n    y    p_i    z_i = (p_i - 0.2) / sigma_i
#   1  100   28   0.28   0.08 / 0.04 =  2
#   2  400  100   0.25   0.05 / 0.02 =  2.5
#   3   25    9   0.36   0.16 / 0.08 =  2
#   4  100   30   0.30   0.10 / 0.04 =  2.5
#   5  100   12   0.12  -0.08 / 0.04 = -2
#   6  400   60   0.15  -0.05 / 0.02 = -2.5
#   7   25    1   0.04  -0.16 / 0.08 = -2
#   8  100   10   0.10  -0.10 / 0.04 = -2.5
#   Σy = 250, Σn = 1250 -> p̄ = 0.2
#
# Moving ranges of z: 0.5, 0.5, 0.5, 4.5, 0.5, 0.5, 0.5 (sum 7.5, MR̄ = 7.5/7 = 1.0714).
# Screening (Nelson 1982, qicharts2 >= 0.7.4 "screen mr during prime adjustment"): 3.267 · 1.0714
# = 3.500, so the range 4.5 is left out and MR̄ = 3/6 = 0.5; sigma_z = 0.5 / 1.128 = 0.44326.
# Limits p̄ ± 3 · sigma_i · sigma_z = 0.2 ± 1.329787 · sigma_i:
#   n = 100: 0.2 ± 0.0531915 -> 0.2531915 / 0.1468085
#   n = 400: 0.2 ± 0.0265957 -> 0.2265957 / 0.1734043
#   n =  25: 0.2 ± 0.1063830 -> 0.3063830 / 0.0936170
# |z_i| >= 2 > 3 · 0.44326 = 1.33, so every point lies outside its limits.
# Without screening (Laney's original): sigma_z = 1.0714 / 1.128 = 0.94985, 3 · sigma_z = 2.8495:
#   n = 100: 0.2 ± 0.1139818 -> 0.3139818 / 0.0860182
#   n = 400: 0.2 ± 0.0569909 -> 0.2569909 / 0.1430091
#   n =  25: 0.2 ± 0.2279635 -> 0.4279635 / 0 (−0.028 is cut at 0)
# and |z_i| <= 2.5 < 2.85: no point outside.
PP_N = [100, 400, 25, 100, 100, 400, 25, 100]
PP_Y = [28, 100, 9, 30, 12, 60, 1, 10]


def test_laney_p_prime_screened_moving_ranges_of_z():
    res = spc.chart(series(PP_Y, n=PP_N), y="y", n="n", x="x", kind="pp")
    p = res.points
    assert p["cl"].tolist() == pytest.approx([0.2] * 8)
    ucl = {100: 0.2531915, 400: 0.2265957, 25: 0.3063830}
    lcl = {100: 0.1468085, 400: 0.1734043, 25: 0.0936170}
    assert p["ucl"].tolist() == pytest.approx([ucl[n] for n in PP_N], abs=1e-7)
    assert p["lcl"].tolist() == pytest.approx([lcl[n] for n in PP_N], abs=1e-7)
    assert p["sigma_signal"].all()
    assert only(res)["sigma_signals"] == 8


def test_laney_p_prime_unscreened_is_laney_2002():
    res = spc.chart(series(PP_Y, n=PP_N), y="y", n="n", x="x", kind="pp", screen_mr=False)
    p = res.points
    ucl = {100: 0.3139818, 400: 0.2569909, 25: 0.4279635}
    lcl = {100: 0.0860182, 400: 0.1430091, 25: 0.0}
    assert p["ucl"].tolist() == pytest.approx([ucl[n] for n in PP_N], abs=1e-7)
    assert p["lcl"].tolist() == pytest.approx([lcl[n] for n in PP_N], abs=1e-7)
    assert not p["sigma_signal"].any()


def test_laney_p_prime_freeze_takes_p_bar_and_sigma_z_from_the_baseline_only():
    # Baseline = subgroups 1-4: Σy = 28 + 100 + 9 + 30 = 167, Σn = 625 -> p̄ = 0.2672.
    # sigma_i = sqrt(0.2672 · 0.7328 / n_i) = sqrt(0.19580416 / n_i):
    #   n = 100: 0.04424976, n = 400: 0.02212488, n = 25: 0.08849953
    # z_1..4 = (0.28 - 0.2672)/0.04424976 = 0.28927, (0.25 - 0.2672)/0.02212488 = -0.77741,
    #          (0.36 - 0.2672)/0.08849953 = 1.04859, (0.30 - 0.2672)/0.04424976 = 0.74124
    # MRs 1.06668, 1.82600, 0.30735 (MR̄ 1.06668; 3.267 · MR̄ = 3.485, none screened);
    # sigma_z = 1.06668 / 1.128 = 0.94564; UCL for n = 100: 0.2672 + 3 · 0.04424976 · 0.94564
    # = 0.39273; the values after the freeze do not move p̄ or sigma_z.
    res = spc.chart(series(PP_Y, n=PP_N), y="y", n="n", x="x", kind="pp", freeze=4)
    p = res.points
    assert p["cl"].tolist() == pytest.approx([0.2672] * 8)
    assert p["ucl"].iloc[0] == pytest.approx(0.39273, abs=1e-5)
    assert p["ucl"].iloc[7] == pytest.approx(0.39273, abs=1e-5)  # n = 100 after the freeze too


# --- Laney U′ (qicharts2 qic.up) ---------------------------------------------------------------------
def test_laney_u_prime_hand_computed():
    # ū = Σy/Σn = 104/52 = 2; sigma_i = sqrt(2/n_i): n = 2 -> 1, n = 8 -> 0.5, n = 32 -> 0.25.
    #   n:  2     8     32      8    2
    #   y:  6    18     62     12    6
    #   u:  3     2.25   1.9375 1.5  3
    #   z:  1     0.5   -0.25  -1    1
    # MRs 0.5, 0.75, 0.75, 2 -> MR̄ = 1 (3.267 > 2: nothing screened); sigma_z = 1/1.128.
    # Limits 2 ± 3 · sigma_i / 1.128: n = 2: ± 2.659574 -> 4.659574 / 0 (cut at 0);
    # n = 8: ± 1.329787 -> 3.329787 / 0.670213; n = 32: ± 0.664894 -> 2.664894 / 1.335106.
    d = series([6, 18, 62, 12, 6], n=[2, 8, 32, 8, 2])
    p = spc.chart(d, y="y", n="n", x="x", kind="up").points
    assert p["cl"].tolist() == pytest.approx([2.0] * 5)
    assert p["y"].tolist() == pytest.approx([3, 2.25, 1.9375, 1.5, 3])
    assert p["ucl"].tolist() == pytest.approx(
        [4.659574, 3.329787, 2.664894, 3.329787, 4.659574], abs=1e-6
    )
    assert p["lcl"].tolist() == pytest.approx([0, 0.670213, 1.335106, 0.670213, 0], abs=1e-6)


# --- U chart with varying denominators (Montgomery 7.19; qicharts2 qic.u) ----------------------------
def test_u_chart_limits_vary_with_the_denominator():
    # y = 6, 2, 2, 22 over n = 1, 2, 8, 5: ū = 32/16 = 2; u_i = 6, 1, 0.25, 4.4.
    # sigma_i = sqrt(2/n_i) = 1.414214, 1, 0.5, 0.632456
    # UCL = 2 + 3 sigma_i = 6.242641, 5, 3.5, 3.897367
    # LCL = 2 - 3 sigma_i = -2.24 -> 0, -1 -> 0, 0.5, 0.102633
    # Signals: 0.25 < 0.5 (point 3) and 4.4 > 3.897 (point 4); 6 < 6.2426 (point 1) is inside.
    d = series([6, 2, 2, 22], n=[1, 2, 8, 5])
    res = spc.chart(d, y="y", n="n", x="x", kind="u")
    p = res.points
    assert p["cl"].tolist() == pytest.approx([2.0] * 4)
    assert p["y"].tolist() == pytest.approx([6, 1, 0.25, 4.4])
    assert p["ucl"].tolist() == pytest.approx([6.242641, 5, 3.5, 3.897367], abs=1e-6)
    assert p["lcl"].tolist() == pytest.approx([0, 0, 0.5, 0.102633], abs=1e-6)
    assert p["sigma_signal"].tolist() == [False, False, True, True]
    # qicharts2 summary aUCL: mean of the UCLs = (6.242641 + 5 + 3.5 + 3.897367)/4 = 4.660002
    assert only(res)["ucl_mean"] == pytest.approx(4.660002, abs=1e-6)


def test_u_chart_multiply_scales_centre_limits_and_values_not_n():
    # the same chart per 1000: ū = 2000, UCL of point 3 = 3500; n stays the denominator
    d = series([6, 2, 2, 22], n=[1, 2, 8, 5])
    p = spc.chart(d, y="y", n="n", x="x", kind="u", multiply=1000).points
    assert p["cl"].iloc[0] == pytest.approx(2000)
    assert p["ucl"].iloc[2] == pytest.approx(3500)
    assert p["y"].iloc[2] == pytest.approx(250)
    assert p["n"].tolist() == [1, 2, 8, 5]


# --- G chart (qicharts2 qic.g, >= 0.6.0) -----------------------------------------------------------
def test_g_chart_limits_from_the_baseline_mean_centre_at_the_baseline_median():
    # qic.g: ḡ = mean of the baseline; sigma = sqrt(ḡ(ḡ + 1)) (Montgomery p. 319); limits
    # ḡ ± 3 sigma with LCL cut at 0; then the centre line is set to median(y[base]) (qicharts2
    # NEWS 0.6.0: "Fix baseline centre line in G charts (when using freeze argument)").
    # Baseline 1, 2, 2, 7: ḡ = 3, sigma = sqrt(12) = 3.464102, UCL = 3 + 10.392305 = 13.392305,
    # LCL = 3 - 10.39 < 0 -> 0; median 2. (The median of all six values would be 4.5 and the mean
    # 13.67 - neither may leak in.) 30 and 40 lie above the UCL.
    # Runs around 2: signs -, 0, 0, +, +, + -> 4 useful, longest run 3, 1 crossing.
    res = spc.chart(series([1, 2, 2, 7, 30, 40]), y="y", x="x", kind="g", freeze=4)
    p, s = res.points, only(res)
    assert p["cl"].tolist() == [2.0] * 6
    assert p["ucl"].tolist() == pytest.approx([13.392305] * 6, abs=1e-6)
    assert p["lcl"].tolist() == [0.0] * 6
    assert p["sigma_signal"].tolist() == [False] * 4 + [True, True]
    assert (s["n_useful"], s["longest_run"], s["n_crossings"]) == (4, 3, 1)


def test_g_chart_parts_have_their_own_median_and_mean():
    # part 1: 4, 6, 8 -> median 6, mean 6, UCL = 6 + 3 sqrt(42) = 25.442222
    # part 2: 10, 20, 60 -> median 20, mean 30, UCL = 30 + 3 sqrt(930) = 121.487704
    res = spc.chart(series([4, 6, 8, 10, 20, 60]), y="y", x="x", kind="g", part=[4])
    assert res.summary["cl"].tolist() == [6.0, 20.0]
    assert res.summary["ucl_mean"].tolist() == pytest.approx([25.442222, 121.487704], abs=1e-6)


# --- T chart (Nelson 1994; qicharts2 qic.t) ----------------------------------------------------------
def test_t_chart_back_transforms_centre_and_limits():
    # Times chosen as t^3.6 so that the transformed values y^(1/3.6) are 2, 3, 2, 3, ..., 12:
    # transformed: 2 3 2 3 2 3 2 3 2 12 -> mean 34/10 = 3.4.
    # MRs: eight of 1 and one of 9: MR̄ = 17/9 = 1.889; 3.267 · 1.889 = 6.17 < 9, so 9 is
    # screened and MR̄ = 1; sigma = 1/1.128 = 0.886525; 3 sigma = 2.659574.
    # Transformed limits 3.4 ± 2.659574 = 6.059574 / 0.740426.
    # Back-transformed (^3.6): CL = 3.4^3.6 = 81.90758, UCL = 6.059574^3.6 = 655.83057,
    # LCL = 0.740426^3.6 = 0.338948. The last time, 12^3.6 = 7674.54, is above the UCL.
    t = np.array([2, 3, 2, 3, 2, 3, 2, 3, 2, 12], dtype=float)
    y = t**3.6
    res = spc.chart(series(y), y="y", x="x", kind="t")
    p = res.points
    assert p["y"].tolist() == pytest.approx(y.tolist())  # plotted on the original scale
    assert p["cl"].iloc[0] == pytest.approx(81.90758, rel=1e-6)
    assert p["ucl"].iloc[0] == pytest.approx(655.83057, rel=1e-6)
    assert p["lcl"].iloc[0] == pytest.approx(0.338948, rel=1e-5)
    assert p["sigma_signal"].tolist() == [False] * 9 + [True]


def test_t_chart_negative_transformed_lcl_becomes_zero():
    # transformed 1, 2, 1, 2, 1, 2: mean 1.5, MR̄ = 1; limits 1.5 ± 2.659574 -> 4.159574 / -1.16
    # qic.t: lcl^3.6 of a negative number is NaN in R and is set to 0.
    # CL = 1.5^3.6 = 4.304558, UCL = 4.159574^3.6 = 169.26846
    y = np.array([1, 2, 1, 2, 1, 2], dtype=float) ** 3.6
    p = spc.chart(series(y), y="y", x="x", kind="t").points
    assert p["cl"].iloc[0] == pytest.approx(4.304558, rel=1e-6)
    assert p["ucl"].iloc[0] == pytest.approx(169.26846, rel=1e-6)
    assert p["lcl"].iloc[0] == 0


# --- Run chart: crossings when points lie on the median (qicharts2 runs.analysis) --------------------
def test_points_on_the_median_neither_break_a_run_nor_count_as_a_crossing():
    # 1 1 1 3 1 1 5 3 5 5 5 5 5: five 1s, two 3s, six 5s -> the 7th of 13 sorted values = 3.
    # Signs without the two 3s: - - - - - + + + + + + (the 3 at x = 4 sits inside the run of
    # minuses, the 3 at x = 8 inside the run of pluses): 11 useful, 2 runs (5 and 6), 1 crossing.
    # Anhøj limits for 11: round(log2 11) + 3 = round(3.46) + 3 = 6; qbinom(0.05, 10, 0.5) = 2
    # (P(C <= 1) = 11/1024 = 0.011 < 0.05 <= P(C <= 2) = 56/1024 = 0.055).
    # Longest run 6 is not > 6, but 1 crossing < 2: a crossings signal only.
    # (Had the 3s broken the runs, there would be runs of 3, 2, 1, 5 and the longest 5.)
    res = spc.chart(series([1, 1, 1, 3, 1, 1, 5, 3, 5, 5, 5, 5, 5]), y="y", x="x")
    s = only(res)
    assert res.points["cl"].iloc[0] == 3
    assert (s["n_obs"], s["n_useful"], s["longest_run"], s["n_crossings"]) == (13, 11, 6, 1)
    assert (s["longest_run_max"], s["n_crossings_min"]) == (6, 2)
    assert not s["shift_signal"] and s["crossings_signal"] and s["runs_signal"]


def test_a_point_on_the_median_between_the_two_sides_is_one_crossing():
    # 1 3 5 | 5 3 1 | 1: sorted 1 1 1 3 3 5 5 -> median 3. Signs - 0 + + 0 - -: useful 5,
    # runs -, ++, -- -> 2 crossings (each passage through the median counts once, the point on
    # the median not at all), longest 2.
    s = only(spc.chart(series([1, 3, 5, 5, 3, 1, 1]), y="y", x="x"))
    assert (s["n_useful"], s["n_crossings"], s["longest_run"]) == (5, 2, 2)


def test_all_points_on_the_centre_line_leave_no_useful_observation():
    # runs.analysis: n.useful = 0 -> longest run, crossings and their limits are NA, no signal
    s = only(spc.chart(series([4, 4, 4, 4]), y="y", x="x"))
    assert s["n_useful"] == 0 and s["n_obs"] == 4
    assert pd.isna(s["longest_run"]) and pd.isna(s["n_crossings"])
    assert pd.isna(s["longest_run_max"]) and pd.isna(s["n_crossings_min"])
    assert not s["runs_signal"]


def test_an_excluded_point_does_not_count_in_runs_or_crossings():
    # 1 2 9 8 2 1 with x = 3 excluded: median of 1, 2, 8, 2, 1 = 2. Signs of the included points
    # (x = 1, 2, 4, 5, 6): -, 0, +, 0, - -> useful 3, runs -, +, - -> 2 crossings.
    # (With x = 3 included the median would be 2 as well, but useful 4 and longest 2.)
    s = only(spc.chart(series([1, 2, 9, 8, 2, 1]), y="y", x="x", exclude=[3]))
    assert (s["n_obs"], s["n_useful"], s["n_crossings"], s["longest_run"]) == (5, 3, 2, 1)


# --- IHI rules with ties (Provost & Murray 2011, ch. 3) ---------------------------------------------
def test_ihi_trend_counts_tied_values_once():
    # 2 4 4 6 8 8 10 3: like values counted once -> 2 4 6 8 10 3: a rise of 5 points -> trend.
    # Points 3 and 6 repeat the value before them and lie inside the trend, so they are drawn as
    # part of it; the final 3 is not.
    res = spc.chart(series([2, 4, 4, 6, 8, 8, 10, 3]), y="y", x="x", rules="ihi")
    s = only(res)
    assert s["longest_trend"] == 5 and s["trend_signal"]
    assert res.points["trend_signal"].tolist() == [True] * 7 + [False]


def test_ihi_a_repeat_after_the_end_of_a_trend_is_not_part_of_it():
    # 1 2 3 4 5 5: the rise 1-5 is a trend of 5; the second 5 only repeats the last trend point
    res = spc.chart(series([1, 2, 3, 4, 5, 5]), y="y", x="x", rules="ihi")
    assert only(res)["longest_trend"] == 5
    assert res.points["trend_signal"].tolist() == [True] * 5 + [False]


def test_ihi_ties_do_not_lengthen_a_trend():
    # 1 2 2 3 4 1: counted once -> 1 2 3 4: only 4 points rising, no trend (5 are needed)
    s = only(spc.chart(series([1, 2, 2, 3, 4, 1]), y="y", x="x", rules="ihi"))
    assert s["longest_trend"] == 4 and not s["trend_signal"]


def test_ihi_a_tie_at_the_turn_does_not_join_two_trends():
    # 1 2 3 3 2 1: counted once -> 1 2 3 2 1: up 3 points, down 3 points; longest trend 3
    s = only(spc.chart(series([1, 2, 3, 3, 2, 1]), y="y", x="x", rules="ihi"))
    assert s["longest_trend"] == 3 and not s["trend_signal"]


def test_ihi_falling_trend_with_ties():
    # 9 7 7 7 5 4 2 8: counted once -> 9 7 5 4 2 8: a fall of 5 points -> trend
    res = spc.chart(series([9, 7, 7, 7, 5, 4, 2, 8]), y="y", x="x", rules="ihi")
    s = only(res)
    assert s["longest_trend"] == 5 and s["trend_signal"]
    assert res.points["trend_signal"].tolist() == [True] * 7 + [False]


def test_ihi_shift_is_not_broken_by_a_point_on_the_median():
    # 1 1 1 5 1 1 1 9 9 9 9 9 9 5: six 1s, two 5s, six 9s -> median (5 + 5)/2 = 5.
    # Below: x = 1-3 and 5-7 (the 5 at x = 4 is skipped) = 6 in a row -> shift (6 or more);
    # above: x = 8-13 = 6 -> shift. Longest run 6.
    res = spc.chart(series([1, 1, 1, 5, 1, 1, 1, 9, 9, 9, 9, 9, 9, 5]), y="y", x="x", rules="ihi")
    s = only(res)
    assert s["longest_run"] == 6 and s["shift_signal"]
    assert res.points["shift_signal"].tolist() == [True] * 3 + [False] + [True] * 9 + [False]


def test_ihi_five_on_one_side_is_not_a_shift():
    # 1 1 1 1 1 9 9 9 9 9: median 5, runs of 5 and 5 -> no shift (IHI needs 6)
    s = only(spc.chart(series([1] * 5 + [9] * 5), y="y", x="x", rules="ihi"))
    assert s["longest_run"] == 5 and not s["shift_signal"]


# --- IHI rules complete (Perla, Provost & Murray 2011, BMJ Qual Saf 20:46-51) ----------------------
# Table 1 of the paper ("Table for checking for too many or too few runs on a run chart", adapted
# from Swed & Eisenhart 1943): useful observations -> (lower limit: fewer runs are "too few",
# upper limit: more runs are "too many"). Typed in from the published table, not from the code.
PERLA_TABLE_1 = {
    10: (3, 9),
    11: (3, 10),
    12: (3, 11),
    13: (4, 11),
    14: (4, 12),
    15: (5, 12),
    16: (5, 13),
    17: (5, 13),
    18: (6, 14),
    19: (6, 15),
    20: (6, 16),
    21: (7, 16),
    22: (7, 17),
    23: (7, 17),
    24: (8, 18),
    25: (8, 18),
    26: (9, 19),
    27: (9, 20),
    28: (10, 20),
    29: (10, 21),
    30: (11, 22),
    31: (11, 22),
    32: (11, 23),
    33: (11, 24),
    34: (12, 24),
    35: (12, 25),
    36: (13, 25),
    37: (13, 26),
    38: (14, 26),
    39: (14, 27),
    40: (15, 27),
}


@pytest.mark.parametrize("n", sorted(PERLA_TABLE_1))
def test_ihi_runs_limits_reproduce_perla_table_1(n):
    assert spc.ihi_runs_limits(n) == PERLA_TABLE_1[n]


def test_ihi_runs_rule_does_not_apply_below_ten_useful_observations():
    # the table starts at 10: with 8 useful points (1 9 1 9 1 9 1 9 5: median 5, 8 runs) the rule
    # says nothing, however many runs there are
    assert spc.ihi_runs_limits(9) == (-1, -1)
    s = only(spc.chart(series([1, 9] * 4 + [5]), y="y", x="x", rules="ihi"))
    assert s["n_useful"] == 8 and s["n_crossings"] == 7
    assert pd.isna(s["n_runs_min"]) and not s["crossings_signal"]


def test_swed_eisenhart_limits_match_the_published_critical_values():
    # Swed & Eisenhart 1943 (two-sided 5 %, as reprinted in runs-test tables): n1 = n2 = 5 rejects
    # r <= 2 or r >= 10; n1 = n2 = 10 rejects r <= 6 or r >= 16; n1 = n2 = 20 rejects r <= 14
    # or r >= 28. In "fewer than / more than" form: (3, 9), (7, 15), (15, 27). By hand for 5 + 5:
    # P(R = 2) = 2/252 = 0.008, P(R <= 3) = 10/252 = 0.040 > 0.025 -> fewer than 3 is too few.
    assert spc.swed_eisenhart_limits(10) == (3, 9)
    assert spc.swed_eisenhart_limits(20) == (7, 15)
    assert spc.swed_eisenhart_limits(40) == (15, 27)  # = Perla's last row: the table joins up
    assert spc.ihi_runs_limits(50) == spc.swed_eisenhart_limits(50)


def test_ihi_too_many_runs():
    # 1 3 1 3 ... (12 points): median 2, 12 useful points alternating -> 12 runs (11 crossings);
    # Perla Table 1 for 12: more than 11 runs is too many
    res = spc.chart(series([1, 3] * 6), y="y", x="x", rules="ihi")
    s = only(res)
    assert (s["n_useful"], s["n_crossings"]) == (12, 11)
    assert (s["n_runs_min"], s["n_runs_max"]) == (3, 11)
    assert s["crossings_signal"] and s["runs_signal"]
    from analysis.text.spc import verdict

    assert verdict(s, "sv") == "Signal: för många serier (12 > 11)"
    assert verdict(s, "en") == "Signal: too many runs (12 > 11)"


def test_ihi_too_few_runs_named_in_the_verdict():
    # 1 1 1 1 1 9 9 9 9 9 9 1 (12 points): median (1 + 9)/2 = 5; runs 5 below, 6 above, 1 below
    # = 3 runs; Perla 12 -> fewer than 3 is too few: 3 is not. Shift: the 6 above -> signal.
    s = only(spc.chart(series([1] * 5 + [9] * 6 + [1]), y="y", x="x", rules="ihi"))
    assert s["n_crossings"] == 2 and not s["crossings_signal"] and s["shift_signal"]
    # 1 x 6 then 9 x 6 (12 points): 2 runs < 3 -> too few runs, and two shifts of 6
    s = only(spc.chart(series([1] * 6 + [9] * 6), y="y", x="x", rules="ihi"))
    assert s["n_crossings"] == 1 and s["crossings_signal"]
    from analysis.text.spc import verdict

    assert verdict(s, "sv") == (
        "Signal: skift (6 punkter på samma sida om medianen); för få serier (2 < 3)"
    )


def test_ihi_shift_on_a_control_chart_names_the_mean():
    # I chart of 1 1 1 1 1 1 9 9 9 9 9 9 9 9 (14 points): mean = (6 + 72)/14 = 5.571; six below it,
    # eight above -> shift, counted against the mean (an I chart is centred on the mean)
    res = spc.chart(series([1] * 6 + [9] * 8), y="y", x="x", kind="i", rules="ihi")
    s = only(res)
    assert s["centre"] == "mean" and s["longest_run"] == 8 and s["shift_signal"]
    from analysis.text.spc import verdict

    assert "skift (8 punkter på samma sida om medelvärdet)" in verdict(s, "sv")
    assert "shift (8 points on one side of the mean)" in verdict(s, "en")
    assert (
        only(spc.chart(series([1] * 6 + [9] * 8), y="y", x="x", rules="ihi"))["centre"] == "median"
    )


ASTRO = [10, 11, 10, 12, 11, 10, 11, 40, 11, 10]


def test_ihi_astronomical_point_beyond_four_sigma_from_the_median_moving_range():
    # sorted 10 10 10 10 11 11 11 11 12 40 -> median 11. Moving ranges 1 1 2 1 1 1 29 29 1 ->
    # sorted 1 1 1 1 1 1 2 29 29 -> median 1; sigma = 1 / 0.954 (Wheeler), limit 4 sigma = 4.193.
    # |40 - 11| = 29 > 4.193 -> astronomical; the 12 (1 from the median) is not.
    res = spc.chart(series(ASTRO), y="y", x="x", rules="ihi")
    s = only(res)
    assert res.points["astronomical_signal"].tolist() == [False] * 7 + [True] + [False] * 2
    assert s["astronomical_signals"] == 1 and s["runs_signal"]
    from analysis.text.spc import verdict

    assert verdict(s, "sv") == "Signal: 1 astronomisk punkt"


def test_ihi_the_highest_point_is_not_astronomical_by_being_highest():
    # Perla et al.: "every data set will have a high and a low data point". 10 11 10 12 11 10 11
    # 13 11 10: median 11, moving ranges 1 1 2 1 1 1 2 2 1 -> median 1; |13 - 11| = 2 < 4.193.
    res = spc.chart(series([10, 11, 10, 12, 11, 10, 11, 13, 11, 10]), y="y", x="x", rules="ihi")
    assert not res.points["astronomical_signal"].any()
    # the boundary: 15 is 4 from the median 11 (< 4.193), 16 is 5 (> 4.193); moving ranges of
    # 10 11 10 12 11 10 11 16 11 10: 1 1 2 1 1 1 5 5 1 -> median still 1
    assert (
        not spc.chart(series([10, 11, 10, 12, 11, 10, 11, 15, 11, 10]), y="y", x="x", rules="ihi")
        .points["astronomical_signal"]
        .any()
    )
    assert (
        spc.chart(series([10, 11, 10, 12, 11, 10, 11, 16, 11, 10]), y="y", x="x", rules="ihi")
        .points["astronomical_signal"]
        .iloc[7]
    )


def test_astronomical_rule_needs_spread_and_is_only_for_ihi_run_charts():
    # 5 5 5 5 5 9 5 5: moving ranges 0 0 0 0 4 4 0 -> median 0: no judgement (no spread)
    assert (
        not spc.chart(series([5, 5, 5, 5, 5, 9, 5, 5]), y="y", x="x", rules="ihi")
        .points["astronomical_signal"]
        .any()
    )
    # Anhøj rules have no astronomical rule; a control chart has its 3-sigma limits instead
    assert not spc.chart(series(ASTRO), y="y", x="x").points["astronomical_signal"].any()
    i = spc.chart(series(ASTRO), y="y", x="x", kind="i", rules="ihi")
    assert not i.points["astronomical_signal"].any() and i.points["sigma_signal"].iloc[7]


# --- Edge cases to qicharts2 semantics ------------------------------------------------------------
def test_mr_chart_has_limits_on_every_row_as_qicharts2_returns_them():
    # qic.mr: lcl <- 0 and ucl <- 3.267 · cl on every row, the first (no moving range) too.
    # |diff| of 1 3 2 6: 2 1 4 -> MR̄ 7/3; two parts (1 3 2 6 | 10 12 11): the second part's first
    # row has no range but has the part's limits, MR̄ = (2 + 1)/2 = 1.5
    d = series([1, 3, 2, 6, 10, 12, 11])
    p = spc.chart(d, y="y", x="x", kind="mr", part=[5]).points
    assert np.isnan(p["y"].iloc[0]) and np.isnan(p["y"].iloc[4])
    assert p["lcl"].tolist() == [0.0] * 7
    assert p["ucl"].tolist() == pytest.approx([3.267 * 7 / 3] * 4 + [3.267 * 1.5] * 3)


def test_a_point_on_the_mean_up_to_rounding_error_is_on_the_centre_line():
    # mean of 0.1, 0.2, 0.3 in binary floating point: (0.1 + 0.2 + 0.3)/3 = 0.20000000000000004,
    # so an exact sign(y - cl) would put 0.2 "below" it: signs - - + (useful 3, longest 2).
    # Within sqrt(machine epsilon) (R's all.equal tolerance) 0.2 is on the line: - 0 + ->
    # useful 2, two runs of 1.
    res = spc.chart(series([0.1, 0.2, 0.3]), y="y", x="x", kind="i")
    s = only(res)
    assert res.points["cl"].iloc[0] != 0.2  # the rounding error is real
    assert (s["n_useful"], s["longest_run"], s["n_crossings"]) == (2, 1, 1)


def test_a_rounding_error_does_not_break_a_run():
    # I chart frozen after 0.1 0.2 0.3 (mean 0.20000000000000004), then 0.3 0.2 0.3 0.3 0.3 0.3
    # 0.3. With both 0.2s on the centre line the signs are - 0 + + 0 + + + + + : one run of 7
    # above (an IHI shift). An exact comparison would put the 0.2s below and leave runs of
    # 2, 1, 1, 1, 5: no shift.
    y = [0.1, 0.2, 0.3, 0.3, 0.2, 0.3, 0.3, 0.3, 0.3, 0.3]
    s = only(spc.chart(series(y), y="y", x="x", kind="i", freeze=3, rules="ihi"))
    assert (s["n_useful"], s["longest_run"]) == (8, 7) and s["shift_signal"]


def test_no_limits_from_an_all_zero_moving_range_baseline():
    # baseline 5 5 5 5 (moving ranges 0 0 0), then 9: an MR̄ of 0 would give limits 5 ± 0 and call
    # the 9 a special cause; qicharts2 (screened: no range < 3.267 · 0, mean of none = NaN) gives
    # none. No error either: the baseline has moving ranges, they are all 0.
    i = spc.chart(series([5, 5, 5, 5, 9]), y="y", x="x", kind="i", freeze=4)
    assert i.points["ucl"].isna().all() and i.points["lcl"].isna().all()
    assert not i.points["sigma_signal"].any()
    assert i.points["cl"].iloc[0] == 5
    unscreened = spc.chart(
        series([5, 5, 5, 5, 9]), y="y", x="x", kind="i", freeze=4, screen_mr=False
    )
    assert unscreened.points["ucl"].isna().all()
    mr = spc.chart(series([5, 5, 5, 5, 9]), y="y", x="x", kind="mr", freeze=4)
    assert mr.points["ucl"].isna().all() and not mr.points["sigma_signal"].any()
    from analysis.text.spc import verdict

    assert verdict(only(i), "sv") == (
        "Ingen signal om icke-slumpmässig variation (inga styrgränser: "
        "baslinjens värden varierar inte)"
    )


def test_laney_chart_with_a_zero_baseline_share_has_no_limits_and_no_error():
    # p̄ = 0 over the baseline: sigma_i = 0, z = 0/0 -> no sigma_z (qicharts2 qic.pp: NaN limits)
    d = series([0, 0, 0, 0, 3], n=[50, 50, 50, 50, 50])
    p = spc.chart(d, y="y", n="n", x="x", kind="pp", freeze=4).points
    assert p["ucl"].isna().all() and not p["sigma_signal"].any()


def test_one_point_in_a_part_of_an_i_chart_is_still_an_error():
    with pytest.raises(ValueError, match="two consecutive baseline points"):
        spc.chart(series([5, np.nan, 6]), y="y", x="x", kind="i")
