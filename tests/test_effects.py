"""Tests of analysis.effects: expected values from published papers or hand calculation."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from analysis import effects
from analysis.text import effects as effects_text

# A copy of ../shared/reference/sicily_acs.csv (public data of Lopez Bernal et al. 2017).
SICILY = Path(__file__).resolve().parent / "fixtures" / "reference" / "sicily_acs.csv"


# --- interrupted time series -------------------------------------------------------------------


@pytest.fixture(scope="module")
def sicily() -> pd.DataFrame:
    return pd.read_csv(SICILY)


def test_its_reproduces_lopez_bernal_2017(sicily):
    # Lopez Bernal, Cummins & Gasparrini 2017 (Int J Epidemiol 46:348-355), model with seasonality:
    # quasi-Poisson, offset log(stdpop), two Fourier pairs of period 12 -> level change
    # RR 0.885 (95% CI 0.839 to 0.933).
    # The paper's interval is a Wald interval (normal quantiles, R's ci.lin): ci="normal".
    res = effects.interrupted_time_series(
        sicily,
        y="aces",
        time="time",
        intervention=37,
        exposure="stdpop",
        family="poisson",
        scale="X2",
        seasonality={"period": 12, "harmonics": 2},
        slope_change=False,
        ci="normal",
    )
    level = res.table.set_index("term").loc["level_change"]
    assert level["estimate"] == pytest.approx(0.885, abs=5e-4)
    assert level["ci_low"] == pytest.approx(0.839, abs=5e-4)
    assert level["ci_high"] == pytest.approx(0.933, abs=5e-4)
    assert level["effect"] == "rate ratio"
    assert "quasi-Poisson" in level["method"] and "stdpop" in level["method"]
    assert "Wald" in level["method"] and "normal" in level["method"]
    assert list(res.fitted.columns[:4]) == ["time", "observed", "fitted", "counterfactual"]
    assert len(res.fitted) == 59
    # before the ban the counterfactual is the fitted line; after it, it lies above (RR < 1)
    before = res.fitted[res.fitted["time"] < 37]
    after = res.fitted[res.fitted["time"] >= 37]
    assert np.allclose(before["fitted"], before["counterfactual"])
    assert np.allclose(after["fitted"] / after["counterfactual"], level["estimate"])


def test_its_sicily_t_interval_by_default(sicily):
    # The default interval uses t quantiles with the residual df: 59 points - 7 parameters
    # (intercept, trend, level change, two Fourier pairs) = 52. By hand from the published
    # interval: se = (log 0.933 - log 0.839) / (2 * 1.96) = 0.02709; t_{0.975, 52} = 2.0066, so
    # exp(log 0.885 -/+ 2.0066 * 0.02709) = 0.838 to 0.934.
    res = effects.interrupted_time_series(
        sicily,
        y="aces",
        time="time",
        intervention=37,
        exposure="stdpop",
        family="poisson",
        scale="X2",
        seasonality={"period": 12, "harmonics": 2},
    )
    level = res.table.set_index("term").loc["level_change"]
    assert level["estimate"] == pytest.approx(0.885, abs=5e-4)
    assert level["ci_low"] == pytest.approx(0.838, abs=1e-3)
    assert level["ci_high"] == pytest.approx(0.934, abs=1e-3)
    assert level["df"] == 52
    assert "t-based 95 % CI (52 residual df)" in level["method"]


def test_its_does_not_mutate_input(sicily):
    copy = sicily.copy()
    effects.interrupted_time_series(
        sicily, y="aces", time="time", intervention=37, exposure="stdpop"
    )
    pd.testing.assert_frame_equal(sicily, copy)


def test_its_gaussian_recovers_a_known_step():
    # hand-built: y = 10 + 0.5 t + 3 (t >= 13) exactly, plus tiny alternating noise
    t = np.arange(1, 25)
    y = 10 + 0.5 * t + 3.0 * (t >= 13) + np.where(t % 2 == 0, 0.01, -0.01)
    res = effects.interrupted_time_series(
        pd.DataFrame({"t": t, "y": y}), y="y", time="t", intervention=13, family="gaussian"
    )
    table = res.table.set_index("term")
    assert table.loc["level_change", "estimate"] == pytest.approx(3.0, abs=0.05)
    assert table.loc["trend", "estimate"] == pytest.approx(0.5, abs=0.01)
    assert table.loc["level_change", "effect"] == "difference"
    assert table.loc["level_change", "method"].startswith("OLS;")
    hac = effects.interrupted_time_series(
        pd.DataFrame({"t": t, "y": y}),
        y="y",
        time="t",
        intervention=13,
        family="gaussian",
        hac=True,
    )
    assert "Newey-West" in hac.table["method"].iloc[0]


@pytest.mark.filterwarnings("ignore::statsmodels.tools.sm_exceptions.PerfectSeparationWarning")
def test_its_binomial_odds_ratio_from_exact_proportions():
    # logit(p) = -1 + 0 * t + log(2) * step: observed shares exactly on the model with large n,
    # so the estimated odds ratio is 2 (hand calculation).
    t = np.arange(1, 21)
    logit = -1 + np.log(2.0) * (t >= 11)
    p = 1 / (1 + np.exp(-logit))
    n = np.full(20, 100000)
    frame = pd.DataFrame({"t": t, "x": np.round(p * n), "n": n})
    res = effects.interrupted_time_series(
        frame, y="x", time="t", intervention=11, denominator="n", family="binomial"
    )
    level = res.table.set_index("term").loc["level_change"]
    assert level["estimate"] == pytest.approx(2.0, rel=2e-3)
    assert level["effect"] == "odds ratio"


def test_its_quasi_binomial_dispersion_is_pearson_x2_over_df():
    # phi = sum((x - n*mu)^2 / (n*mu*(1-mu))) / (N - k), computed by hand from the fitted shares
    rng = np.random.default_rng(7)
    n = rng.integers(5, 30, 40)
    frame = pd.DataFrame({"t": np.arange(40), "x": rng.binomial(n, 0.4), "n": n})
    res = effects.interrupted_time_series(
        frame, y="x", time="t", intervention=20, denominator="n", family="binomial"
    )
    mu = res.fitted["fitted"].to_numpy()
    x2 = np.sum((frame["x"] - n * mu) ** 2 / (n * mu * (1 - mu)))
    assert res.dispersion == pytest.approx(x2 / (40 - 3), rel=1e-6)
    assert 0.5 < res.dispersion < 2  # plain binomial noise: about 1


def test_its_monthly_dates_and_several_changes():
    periods = pd.date_range("2021-01-01", periods=48, freq="MS")
    rng = np.random.default_rng(1)
    n = rng.integers(80, 120, 48)
    p = np.where(periods >= "2023-01-01", 0.8, 0.6)
    frame = pd.DataFrame({"period": periods, "x": rng.binomial(n, p), "n": n})
    res = effects.interrupted_time_series(
        frame,
        y="x",
        time="period",
        intervention=[pd.Timestamp("2022-04-12"), pd.Timestamp("2023-01-01")],
        denominator="n",
        family="binomial",
    )
    levels = res.table[res.table["term"] == "level_change"]
    assert len(levels) == 2
    # the change dated 12 April starts in the April period: April is its first period, March the
    # last one before it (the period rule of analysis.measures, data/raw/README.md)
    assert res.fitted.loc[res.fitted["time"] == pd.Timestamp("2022-03-01"), "segment"].item() == 0
    assert res.fitted.loc[res.fitted["time"] == pd.Timestamp("2022-04-01"), "segment"].item() == 1
    assert levels.iloc[1]["ci_low"] > 1  # the real step (odds ratio (.8/.2)/(.6/.4) = 2.67)


def test_its_weekly_change_inside_a_week_starts_in_that_week():
    # weekly periods on Mondays; a change on Wednesday 10 January 2024 falls in the week of
    # Monday 8 January, which is the first week with the change; 1 January is the last before it
    weeks = pd.date_range("2023-10-02", periods=30, freq="W-MON")
    frame = pd.DataFrame({"week": weeks, "y": np.arange(30.0) % 3})
    res = effects.interrupted_time_series(
        frame,
        y="y",
        time="week",
        intervention=pd.Timestamp("2024-01-10"),
        family="gaussian",
        trend=False,
    )
    seg = res.fitted.set_index("time")["segment"]
    assert seg[pd.Timestamp("2024-01-01")] == 0 and seg[pd.Timestamp("2024-01-08")] == 1
    # a change on the first day of a period starts in that period, as before
    on_monday = effects.interrupted_time_series(
        frame,
        y="y",
        time="week",
        intervention=pd.Timestamp("2024-01-08"),
        family="gaussian",
        trend=False,
    )
    assert on_monday.fitted.set_index("time")["segment"][pd.Timestamp("2024-01-08")] == 1


def test_its_phase_comparison_and_phase_in_points():
    # trend=False: the level change is the difference of the phase means (hand calculation:
    # before 10, after 13); the excluded phase-in point 12 (value 50) does not move it
    t = np.arange(1, 25)
    y = np.where(t >= 13, 13.0, 10.0) + np.where(t % 2 == 0, 0.5, -0.5)
    y[11] = 50.0
    res = effects.interrupted_time_series(
        pd.DataFrame({"t": t, "y": y}),
        y="y",
        time="t",
        intervention=13,
        family="gaussian",
        trend=False,
        exclude=[12],
    )
    assert list(res.table["term"]) == ["level_change"]
    assert res.table["estimate"].iloc[0] == pytest.approx(3.0, abs=0.1)
    assert res.fitted["excluded"].sum() == 1 and res.n_obs == 23
    assert "phase-in" in res.method and "no trend" in res.method
    with pytest.raises(ValueError, match="slope_change needs trend=True"):
        effects.interrupted_time_series(
            pd.DataFrame({"t": t, "y": y}),
            y="y",
            time="t",
            intervention=13,
            family="gaussian",
            trend=False,
            slope_change=True,
        )


def test_change_groups_joins_changes_closer_than_the_minimum():
    # weekly periods; changes in weeks 10, 14 (4 points later) and 25 (11 points later)
    periods = pd.date_range("2024-01-01", periods=30, freq="W-MON")
    dates = [periods[10], periods[14], periods[25]]
    assert effects.change_groups(periods, dates, min_points=8) == [[0, 1], [2]]
    assert effects.change_groups(periods, dates, min_points=4) == [[0], [1], [2]]


def test_its_refuses_short_phases():
    frame = pd.DataFrame({"t": range(1, 15), "y": range(1, 15)})
    with pytest.raises(
        effects.SeriesTooShort, match=r"5 point\(s\) before 6.*at least 8.*Penfold & Zhang"
    ):
        effects.interrupted_time_series(frame, y="y", time="t", intervention=6, family="gaussian")
    with pytest.raises(effects.SeriesTooShort, match="from 9 on"):
        effects.interrupted_time_series(frame, y="y", time="t", intervention=9, family="gaussian")
    # with monthly seasonality a full year is needed before the change
    long = pd.DataFrame({"t": range(1, 30), "y": np.arange(1, 30) % 5 + 1})
    with pytest.raises(effects.SeriesTooShort, match="seasonal period"):
        effects.interrupted_time_series(
            long, y="y", time="t", intervention=11, seasonality={"period": 12, "harmonics": 2}
        )


def test_its_bad_input_is_named():
    frame = pd.DataFrame({"t": range(1, 21), "y": range(1, 21), "n": [0] + [30] * 19})
    with pytest.raises(ValueError, match="column\\(s\\) pop"):
        effects.interrupted_time_series(frame, y="y", time="t", intervention=10, exposure="pop")
    with pytest.raises(ValueError, match="denominator 'n' must be > 0"):
        effects.interrupted_time_series(
            frame, y="y", time="t", intervention=10, denominator="n", family="binomial"
        )
    with pytest.raises(ValueError, match="family must be one of"):
        effects.interrupted_time_series(frame, y="y", time="t", intervention=10, family="negbin")


# --- two proportions ---------------------------------------------------------------------------

# Newcombe 1998 (Stat Med 17:873-890), Table II, method 10 (hybrid score), 95% limits.
# (a) and (b) also in the propint R package's tests citing the paper.
NEWCOMBE_TABLE_II = [
    (56, 70, 48, 80, 0.0524, 0.3339),
    (9, 10, 3, 10, 0.1705, 0.8090),
    (6, 7, 2, 7, 0.0582, 0.8062),
    (5, 56, 0, 29, -0.0381, 0.1926),
    (0, 10, 0, 20, -0.1611, 0.2775),
]


@pytest.mark.parametrize(("x1", "n1", "x2", "n2", "low", "high"), NEWCOMBE_TABLE_II)
def test_compare_proportions_newcombe_method_10(x1, n1, x2, n2, low, high):
    res = effects.compare_proportions(x1, n1, x2, n2)
    assert res["diff"] == pytest.approx(x1 / n1 - x2 / n2)
    assert res["ci_low"] == pytest.approx(low, abs=1e-4)
    assert res["ci_high"] == pytest.approx(high, abs=1e-4)
    assert "Newcombe" in res["method"] and "method 10" in res["method"]


def test_compare_proportions_chi2_p_value_is_pearson_chi_square():
    # 56/70 vs 48/80: pooled z = 0.2 / sqrt(104/150 * 46/150 * (1/70 + 1/80)) = 2.650 (by hand)
    res = effects.compare_proportions(56, 70, 48, 80, test="chi2")
    assert res["p_value"] == pytest.approx(2 * stats.norm.sf(2.6502), abs=1e-4)
    chi2 = stats.chi2_contingency([[56, 14], [48, 32]], correction=False)
    assert res["p_value"] == pytest.approx(chi2.pvalue, rel=1e-9)
    assert effects.compare_proportions(0, 10, 0, 20, test="chi2")["p_value"] == 1.0
    assert "Pearson" in res["method"]


@pytest.mark.parametrize(("x1", "n1", "x2", "n2", "low", "high"), NEWCOMBE_TABLE_II)
def test_newcombe_p_value_is_where_the_published_interval_reaches_zero(x1, n1, x2, n2, low, high):
    # The default p-value inverts the interval: at level 1 - p the limit nearer to 0 is 0, and
    # p < 0.05 exactly when the published 95 % interval excludes 0 (rows a-c: yes; d, e: no).
    res = effects.compare_proportions(x1, n1, x2, n2)
    p = res["p_value"]
    assert (p < 0.05) == (low > 0 or high < 0)
    if x1 / n1 == x2 / n2:
        assert p == 1.0  # row e: 0/10 vs 0/20
        return
    at_p = effects.compare_proportions(x1, n1, x2, n2, alpha=p)
    nearer = at_p["ci_low"] if at_p["diff"] > 0 else at_p["ci_high"]
    assert nearer == pytest.approx(0.0, abs=1e-9)
    assert "inversion of the Newcombe interval" in res["method"]


# Many random tables: the decision of the test and the interval never disagree.
tables = st.integers(1, 400).flatmap(
    lambda n1: st.integers(1, 400).flatmap(
        lambda n2: st.tuples(st.integers(0, n1), st.just(n1), st.integers(0, n2), st.just(n2))
    )
)


@settings(max_examples=300, deadline=None)
@given(tables, st.sampled_from([0.05, 0.025, 0.01, 0.05 / 3, 0.001]))
def test_newcombe_test_and_interval_agree_on_random_tables(table, alpha):
    res = effects.compare_proportions(*table, alpha=alpha)
    excludes = bool(res["ci_low"] > 0 or res["ci_high"] < 0)
    assert 0 <= res["p_value"] <= 1
    assert (res["p_value"] < alpha) == excludes, (table, alpha, res["p_value"])


def test_newcombe_test_and_interval_agree_on_a_seeded_grid():
    # every table with n1, n2 in {5, 13, 40, 97} and every x: 20,000+ tables, four levels
    rng = np.random.default_rng(12)
    for n1 in (5, 13, 40, 97):
        for n2 in (5, 13, 40, 97):
            x1, x2 = np.meshgrid(np.arange(n1 + 1), np.arange(n2 + 1))
            x1, x2 = x1.ravel(), x2.ravel()
            alpha = rng.choice([0.05, 0.025, 0.0125, 0.005], size=len(x1))
            res = effects.compare_proportions(x1, n1, x2, n2, alpha=alpha)
            excludes = (res["ci_low"] > 0) | (res["ci_high"] < 0)
            assert ((res["p_value"] < alpha) == excludes).all(), (n1, n2)


def test_compare_proportions_vectorised_and_errors():
    res = effects.compare_proportions([56, 9], [70, 10], [48, 3], [80, 10])
    assert isinstance(res, pd.DataFrame) and len(res) == 2
    assert res["ci_high"].round(4).tolist() == [0.3339, 0.8090]
    with pytest.raises(ValueError, match="between 0 and its base"):
        effects.compare_proportions(11, 10, 3, 10)
    with pytest.raises(ValueError, match="base \\(n\\) must be > 0"):
        effects.compare_proportions(0, 0, 3, 10)


# Benjamini & Hochberg 1995 (JRSS B 57:289-300), section 4: the 15 p-values of the example.
BH_1995 = [
    0.0001,
    0.0004,
    0.0019,
    0.0095,
    0.0201,
    0.0278,
    0.0298,
    0.0344,
    0.0459,
    0.3240,
    0.4262,
    0.5719,
    0.6528,
    0.7590,
    1.0000,
]


def test_adjust_pvalues_benjamini_hochberg_example():
    # BH at q = 0.05 rejects the four hypotheses with p <= 0.0095 (0.0095 <= 4/15 * 0.05, and no
    # larger p_(i) <= i/15 * 0.05); Bonferroni (0.05/15 = 0.0033) and Holm (0.0095 > 0.05/12) only 3.
    bh = effects.adjust_pvalues(BH_1995, method="fdr_bh")
    assert bh["reject"].sum() == 4
    assert bh["reject"].tolist()[:4] == [True] * 4
    assert "Benjamini & Hochberg" in bh["method"].iloc[0]
    holm = effects.adjust_pvalues(BH_1995, method="holm")
    assert holm["reject"].sum() == 3
    # Holm adjusted p of the 3rd smallest: max(15*0.0001, 14*0.0004, 13*0.0019) = 0.0247 (by hand)
    assert holm["p_adjusted"].iloc[2] == pytest.approx(0.0247)
    assert effects.adjust_pvalues(BH_1995, method="bonferroni")["reject"].sum() == 3
    with pytest.raises(ValueError, match="method must be one of"):
        effects.adjust_pvalues(BH_1995, method="hs")
    with_nan = effects.adjust_pvalues([0.01, np.nan, 0.04], method="holm")
    assert np.isnan(with_nan["p_adjusted"].iloc[1])
    assert with_nan["p_adjusted"].iloc[0] == pytest.approx(0.02)


def test_adjusted_levels_reproduce_statsmodels_adjusted_p_values():
    # alpha / level is the multiplier c of each p-value; min(1, c · p) must be the adjusted p of
    # statsmodels' multipletests (an independent implementation) for Holm, Bonferroni and BH.
    for method in ("holm", "bonferroni", "fdr_bh"):
        levels = effects.adjusted_levels(BH_1995, method=method)
        adjusted = effects.adjust_pvalues(BH_1995, method=method)
        c = 0.05 / levels
        assert np.minimum(1, c * np.array(BH_1995)) == pytest.approx(
            adjusted["p_adjusted"].to_numpy()
        )
        # rejected exactly when p < level
        assert ((np.array(BH_1995) < levels) == adjusted["reject"].to_numpy()).all()
    # Holm by hand: the smallest of 15 p-values is tested at 0.05/15, the second at 0.05/14
    holm = effects.adjusted_levels(BH_1995, method="holm")
    assert holm[0] == pytest.approx(0.05 / 15) and holm[1] == pytest.approx(0.05 / 14)
    assert np.isnan(effects.adjusted_levels([0.01, np.nan], method="holm")[1])


def test_newcombe_limits_increase_with_x1_so_the_rejection_region_is_two_tails():
    # the exact power uses thresholds found by binary search over x1: the limits must be monotone
    for n1, n2 in ((7, 9), (30, 12), (55, 55)):
        x1 = np.arange(n1 + 1)[:, None]
        x2 = np.arange(n2 + 1)[None, :]
        for z in (1.96, 2.5, 3.3):
            res = effects.compare_proportions(
                np.broadcast_to(x1, (n1 + 1, n2 + 1)).ravel(),
                n1,
                np.broadcast_to(x2, (n1 + 1, n2 + 1)).ravel(),
                n2,
                alpha=2 * stats.norm.sf(z),
            )
            low = res["ci_low"].to_numpy().reshape(n1 + 1, n2 + 1)
            high = res["ci_high"].to_numpy().reshape(n1 + 1, n2 + 1)
            assert (np.diff(low, axis=0) >= -1e-12).all() and (
                np.diff(high, axis=0) >= -1e-12
            ).all()


def test_newcombe_power_equals_brute_force_enumeration():
    # power = sum over every table the test rejects of its binomial probability (written out)
    n1, n2, p1, p2, alpha = 12, 15, 0.7, 0.35, 0.05
    x1, x2 = np.meshgrid(np.arange(n1 + 1), np.arange(n2 + 1), indexing="ij")
    res = effects.compare_proportions(x1.ravel(), n1, x2.ravel(), n2, alpha=alpha)
    reject = ((res["ci_low"] > 0) | (res["ci_high"] < 0)).to_numpy()
    prob = stats.binom.pmf(x1.ravel(), n1, p1) * stats.binom.pmf(x2.ravel(), n2, p2)
    from analysis.effects.proportions import newcombe_power

    assert newcombe_power(n1, n2, p1, p2, alpha) == pytest.approx(prob[reject].sum(), rel=1e-12)


def test_newcombe_detectable_difference_is_where_the_exact_power_reaches_80_percent():
    from analysis.effects.proportions import newcombe_power

    mdd = effects.newcombe_detectable_difference(100, 100, p=0.4, alpha=0.025)
    # 100 + 100 pupils around 40 %: the normal-approximation formula (Fleiss et al. 2003) at the
    # same level gives 0.2166; the exact power of the Newcombe test lands within a point of it
    assert mdd == pytest.approx(
        effects.minimum_detectable_difference(100, 100, p=0.4, alpha=0.025), abs=0.01
    )
    assert newcombe_power(100, 100, 0.4 + mdd, 0.4, 0.025) >= 0.8
    assert newcombe_power(100, 100, 0.4 + 0.9 * mdd, 0.4, 0.025) < 0.8
    assert np.isnan(effects.newcombe_detectable_difference(2, 2, p=0.5))


def test_minimum_detectable_difference_matches_textbook_sample_size():
    # Two-sided alpha 0.05, power 0.8, p 0.5 vs 0.7 needs 93 per group without continuity
    # correction (Fleiss, Levin & Paik 2003 formula; by hand: (1.96*sqrt(2*.6*.4) +
    # 0.8416*sqrt(.5*.5+.7*.3))^2 / 0.2^2 = 92.998), so the MDD at n = 93 + 93, p = 0.5 is 0.20.
    assert effects.minimum_detectable_difference(93, 93, p=0.5) == pytest.approx(0.20, abs=1e-3)
    # larger samples detect smaller differences; tiny ones cannot reach the power
    assert effects.minimum_detectable_difference(400, 400, p=0.5) < 0.1
    assert np.isnan(effects.minimum_detectable_difference(2, 2, p=0.5))


# --- two waves ---------------------------------------------------------------------------------


def _summary() -> pd.DataFrame:
    rows = []
    for school in ("a", "b"):
        for wave, (x1, x2, base) in {"september": (40, 10, 100), "december": (60, 12, 100)}.items():
            rows.append(
                {
                    "school": school,
                    "wave": wave,
                    "question_id": "q1",
                    "option": "ja",
                    "n": x1,
                    "base": base,
                }
            )
            rows.append(
                {
                    "school": school,
                    "wave": wave,
                    "question_id": "q2",
                    "option": "ja",
                    "n": x2,
                    "base": base,
                }
            )
    rows.append(
        {"school": "c", "wave": "september", "question_id": "q1", "option": "ja", "n": 2, "base": 3}
    )
    rows.append(
        {"school": "c", "wave": "december", "question_id": "q1", "option": "ja", "n": 3, "base": 4}
    )
    # a base of 100 but only 2 choosing the option: the count (and so the share) is hidden
    rows.append(
        {
            "school": "d",
            "wave": "september",
            "question_id": "q1",
            "option": "ja",
            "n": 2,
            "base": 100,
        }
    )
    rows.append(
        {
            "school": "d",
            "wave": "december",
            "question_id": "q1",
            "option": "ja",
            "n": 30,
            "base": 100,
        }
    )
    return pd.DataFrame(rows)


def test_compare_waves_per_item_and_subgroup():
    out = effects.compare_waves(_summary(), "september", "december", by=["school"])
    a1 = out[(out["school"] == "a") & (out["question_id"] == "q1")].iloc[0]
    a2 = out[(out["school"] == "a") & (out["question_id"] == "q2")].iloc[0]
    # q1 60/100 vs 40/100: +20 pp, p (Newcombe inversion) 0.0045 (pooled z 2.83 would give
    # 0.0047); q2 12/100 vs 10/100: p about 0.65. Holm within school a over 2 items, by hand:
    # q1 is the smaller p, multiplier 2 -> tested at 0.05/2 -> its interval is shown at 97.5 %;
    # q2's adjusted p is max(2 · 0.0045, 1 · 0.65) = 0.65 = 1 · p -> multiplier 1 -> 95 %.
    assert a1["diff_pp"] == pytest.approx(20.0)
    assert a1["p_value"] == pytest.approx(0.0045, abs=1e-4)
    assert a1["p_adjusted"] == pytest.approx(2 * a1["p_value"])
    assert a2["p_adjusted"] == pytest.approx(a2["p_value"])
    assert (a1["ci_level"], a2["ci_level"]) == (pytest.approx(0.975), pytest.approx(0.95))
    expected = effects.compare_proportions(60, 100, 40, 100, alpha=0.025)
    assert a1["ci_low_pp"] == pytest.approx(100 * expected["ci_low"])
    assert a1["ci_high_pp"] == pytest.approx(100 * expected["ci_high"])
    assert bool(a1["significant"]) is True and bool(a2["significant"]) is False
    # the detectable difference of the same test at the same level (97.5 %), group before at 40 %
    assert a1["mdd_pp"] == pytest.approx(
        100 * effects.newcombe_detectable_difference(100, 100, p=0.4, alpha=0.025)
    )
    c = out[out["school"] == "c"].iloc[0]
    assert bool(c["suppressed"]) and np.isnan(c["diff_pp"]) and np.isnan(c["p_before"])
    assert np.isnan(c["ci_level"])
    d = out[out["school"] == "d"].iloc[0]
    assert bool(d["suppressed"]) and np.isnan(d["diff_pp"])
    assert "Holm" in out["method"].iloc[0] and "exact power" in out["method"].iloc[0]


@st.composite
def wave_families(draw):
    size = draw(st.integers(1, 12))
    rows = []
    for k in range(size):
        for wave in ("september", "december"):
            base = draw(st.integers(5, 300))
            rows.append(
                {
                    "wave": wave,
                    "question_id": f"q{k}",
                    "option": "ja",
                    "n": draw(st.integers(0, base)),
                    "base": base,
                }
            )
    return pd.DataFrame(rows)


@settings(max_examples=60, deadline=None)
@given(wave_families(), st.sampled_from(["holm", "bonferroni", "fdr_bh"]))
def test_compare_waves_decision_interval_and_correction_never_disagree(summary, correction):
    out = effects.compare_waves(
        summary, "september", "december", correction=correction, min_count=0
    )
    excludes = (out["ci_low_pp"] > 0) | (out["ci_high_pp"] < 0)
    assert (out["significant"] == excludes).all()
    assert (out["significant"] == (out["p_adjusted"] < 0.05)).all()
    assert (out["ci_level"] >= 1 - 0.05 - 1e-12).all()
    assert (out["ci_level"] <= 1 - 0.05 / len(out) + 1e-12).all()


def test_wave_verdicts_operating_characteristics_small_seeded_slice():
    # benchmarks/waves_calibration.py runs this at scale. Null: 400 families of 8 unchanged
    # items, 100 vs 100 answers: Holm keeps "any item säkerställd" at 5 % (binomial SE of the
    # estimate 1.1 %; allow 3 SE). A change equal to the stated MDD (one item): detected in
    # 80 % (SE 0.6 % with 4,000 draws; allow 3 SE).
    rng = np.random.default_rng(7)
    p = np.array([0.52, 0.63, 0.58, 0.71, 0.18, 0.82, 0.35, 0.40])
    before = rng.binomial(100, p, size=(400, 8))
    after = rng.binomial(100, p, size=(400, 8))
    pvals = effects.newcombe_p_value(after, 100, before, 100)
    level = np.stack([effects.adjusted_levels(row, method="holm") for row in pvals])
    assert (pvals < level).any(axis=1).mean() <= 0.05 + 3 * 0.011
    mdd = effects.newcombe_detectable_difference(100, 100, p=0.4)
    b = rng.binomial(100, 0.4, size=4000)
    a = rng.binomial(100, 0.4 + mdd, size=4000)
    res = effects.compare_proportions(a, 100, b, 100)
    detected = ((res["ci_low"] > 0) | (res["ci_high"] < 0)).mean()
    assert abs(detected - 0.8) <= 3 * 0.0063


def test_compare_waves_unknown_wave_is_clear():
    with pytest.raises(ValueError, match="no rows for wave 'mars'"):
        effects.compare_waves(_summary(), "september", "mars")


# --- verdicts ----------------------------------------------------------------------------------


def test_wave_verdict_names_the_level_of_its_interval():
    row = {
        "suppressed": False,
        "significant": True,
        "diff_pp": 12.2,
        "p_before": 0.51,
        "p_after": 0.64,
        "ci_low_pp": 6.1,
        "ci_high_pp": 18.2,
        "ci_level": 0.996875,
        "mdd_pp": 7.6,
    }
    assert effects_text.wave_verdict(row, "Rör sig mer", "sv") == (
        "Rör sig mer: 51\u00a0% i september och 64\u00a0% i december (+12,2 procentenheter, "
        "99,7\u00a0% KI 6,1 till 18,2); skillnaden är statistiskt säkerställd."
    )
    row.update(significant=False, ci_level=0.95, ci_low_pp=-1.0)
    assert (
        "95% CI -1.0 to 18.2); no established difference (these samples can only detect "
        "differences of about 8 percentage points)" in effects_text.wave_verdict(row, "Moves", "en")
    )


def test_measure_verdict_says_what_the_trend_model_says():
    # a trend model: the level after against the level expected had the trend continued, the
    # difference in percentage points with its CI, then the judgement (hand-built row)
    row = {
        "measure_name": "Närvaron",
        "change_no": 2,
        "change_title": "sms samma dag",
        "chart": "p",
        "unit": "%",
        "direction": "up",
        "before": 0.88,
        "after": 0.93,
        "expected": 0.89,
        "difference": 0.042,
        "diff_low": 0.020,
        "diff_high": 0.063,
        "diff_kind": "pp",
        "mde": 0.025,
        "detected": True,
        "improved": True,
        "worse": False,
        "note": "",
        "model": "agree",
    }
    assert (
        effects_text.measure_verdict(row, "sv")
        == (
            "Närvaron: 93,0\u00a0% efter förändring 2 (sms samma dag), jämfört med förväntad nivå 89,0\u00a0% "  # text.level
            "om trenden fortsatt: skillnad +4,2 procentenheter (95 % KI 2,0 till 6,3). "
            "Förbättringen är statistiskt säkerställd."
        )
    )
    assert effects_text.measure_verdict(row, "en") == (
        "Närvaron: 93.0% after change 2 (sms samma dag), against 89.0% expected had the earlier trend "
        "continued: difference +4.2 percentage points (95% CI 2.0 to 6.3). "
        "The improvement is statistically significant."
    )


def test_measure_verdict_never_says_significant_in_the_wrong_direction():
    # a significant fall of a measure that should rise is a deterioration, said as such
    row = {
        "measure_name": "Närvaron",
        "change_no": 2,
        "change_title": "x",
        "chart": "p",
        "unit": "%",
        "direction": "up",
        "before": 0.90,
        "after": 0.86,
        "expected": 0.90,
        "difference": -0.04,
        "diff_low": -0.06,
        "diff_high": -0.02,
        "diff_kind": "pp",
        "mde": 0.02,
        "detected": True,
        "improved": False,
        "worse": True,
        "note": "",
        "model": "phases",
    }
    sv = effects_text.measure_verdict(row, "sv")
    assert sv.startswith(
        "Närvaron: 90,0\u00a0% före och 86,0\u00a0% efter förändring 2 (x): skillnad −4,0 procentenheter"
    )
    assert sv.endswith("Försämringen är statistiskt säkerställd.")
    en = effects_text.measure_verdict(row, "en")
    assert en.endswith("The deterioration is statistically significant.")
    assert "wrong direction" not in en and "increased" not in en and "decreased" not in en
    # none: the smallest improvement the data could have shown (a rate: in percent)
    row.update(
        chart="u",
        unit="per barn",
        diff_kind="relative",
        difference=0.05,
        diff_low=-0.1,
        diff_high=0.2,
        mde=0.25,
        detected=False,
        worse=False,
    )
    assert effects_text.measure_verdict(row, "sv").endswith(
        "Ingen säkerställd skillnad; en förbättring på 25\u00a0% eller mer hade upptäckts minst 4 gånger av 5."
    )


def test_measure_verdict_when_the_phase_comparison_does_not_agree():
    # the trend model says better than expected, but the level is not better than before: with
    # the "agree" policy no improvement is claimed, and the sentence says why
    row = {
        "measure_name": "Aktivitet",
        "change_no": 1,
        "change_title": "x",
        "chart": "p",
        "unit": "%",
        "direction": "up",
        "before": 0.40,
        "after": 0.41,
        "expected": 0.33,
        "difference": 0.08,
        "diff_low": 0.02,
        "diff_high": 0.14,
        "diff_kind": "pp",
        "mde": 0.07,
        "detected": False,
        "improved": False,
        "worse": False,
        "note": "",
        "model": "agree",
    }
    assert effects_text.measure_verdict(row, "sv").endswith(
        "Nivån är bättre än trenden före förändringen pekade mot, men inte säkert bättre än nivån före "
        "förändringen (40,0\u00a0%); därför påstås ingen förbättring."
    )
    assert effects_text.short_verdict(row, "sv") == "ingen säkerställd skillnad"


def test_measure_verdict_too_early_and_too_short():
    row = {
        "measure_name": "Närvaron",
        "change_no": 3,
        "changes": "3",
        "change_title": "x",
        "note": "too_early",
        "n_before": 12,
        "n_after": 6,
    }
    assert effects_text.measure_verdict(row, "sv") == (
        "Närvaron: för tidigt att bedöma förändring 3 (x): 6 mätpunkter efter förändringen, minst 8 behövs. "
        "Tidigare förändringar bedöms bara på sina egna mätpunkter."
    )
    assert effects_text.short_verdict(row, "sv") == "för tidigt att bedöma"
    row.update(note="too_short", n_before=5)
    assert (
        "för få mätpunkter före förändring 3 (x) för att skatta en effekt (5 finns, minst 8 behövs)"
        in effects_text.measure_verdict(row, "sv")
    )


def _team_dataset(series_by_measure, change_dates, measures=("m",), charts=None, frequency="month"):
    """A Dataset of one team: monthly values per measure and the PDSA log (all changes name all
    measures), through with_tables on the sample's Dataset (only these tables are read)."""
    from analysis.dataset import load_dataset, with_tables

    base = load_dataset(SAMPLE)
    charts = charts or {m: "i" for m in measures}
    obs = []
    for m, (periods, values) in series_by_measure.items():
        for p, v in zip(periods, values, strict=True):
            obs.append(
                {
                    "team_id": "t",
                    "measure_id": m,
                    "period": p,
                    "value": float(v),
                    "numerator": np.nan,
                    "denominator": np.nan,
                    "subgroup": pd.NA,
                }
            )
    return with_tables(
        base,
        teams=base.teams.iloc[:1].assign(team_id="t"),
        measures=pd.DataFrame(
            {
                "measure_id": list(measures),
                "team_id": "t",
                "measure_name": list(measures),
                "measure_type": "outcome",
                "chart": [charts[m] for m in measures],
                "unit": "poäng",
                "frequency": frequency,
                "direction": "up",
                "target": np.nan,
            }
        ),
        observations=pd.DataFrame(obs),
        changes=pd.DataFrame(
            {
                "team_id": "t",
                "change_no": pd.array(range(1, len(change_dates) + 1), dtype="Int64"),
                "date": pd.to_datetime(change_dates),
                "title": [f"c{k}" for k in range(1, len(change_dates) + 1)],
                "pdsa_step": "do",
                "measures": ",".join(measures),
                "description": pd.NA,
            }
        ),
    )


def test_a_change_is_never_credited_with_a_later_changes_effect():
    # 12 flat months, change 1 (no effect), 12 flat months, change 2 with a +5 step, 6 months:
    # change 2 is too early to judge; change 1 is estimated on its own 12 + 12 months only, so its
    # difference is about 0 (the +5 months are left out), and its "after" level is its own phase's
    months = pd.date_range("2020-01-01", periods=30, freq="MS")
    wiggle = np.tile([-0.3, 0.2, 0.1, -0.1, 0.3, -0.2], 5)
    values = 10 + wiggle + np.where(np.arange(30) >= 24, 5.0, 0.0)
    ds = _team_dataset({"m": (months, values)}, ["2021-01-01", "2022-01-01"])
    table = effects.team_effects(ds, "t").table.set_index("change_no")
    assert table.loc[2, "note"] == "too_early" and table.loc[2, "n_after"] == 6
    assert not table.loc[2, "improved"] and np.isnan(table.loc[2, "estimate"])
    assert (
        table.loc[1, "note"] == ""
        and table.loc[1, "n_before"] == 12
        and table.loc[1, "n_after"] == 12
    )
    assert abs(table.loc[1, "difference"]) < 0.5 and not table.loc[1, "improved"]
    # the levels shown are those of the estimate: 10 + mean wiggle (0) before and after
    assert table.loc[1, "before"] == pytest.approx(10.0) and table.loc[1, "after"] == pytest.approx(
        10.0
    )


def test_the_period_a_change_starts_in_belongs_to_the_change():
    # change dated 8 January 2021: January 2021 is the change's first month (already at the new
    # level) and December 2020 the last baseline month, in the estimate and on the chart
    months = pd.date_range("2020-01-01", periods=24, freq="MS")
    wiggle = np.tile([-0.3, 0.2, 0.1, -0.1, 0.3, -0.2], 4)
    values = 10 + wiggle + np.where(months >= "2021-01-01", 3.0, 0.0)
    ds = _team_dataset({"m": (months, values)}, ["2021-01-08"])
    row = effects.team_effects(ds, "t").table.iloc[0]
    assert row["n_before"] == 12 and row["n_after"] == 12
    assert row["difference"] == pytest.approx(3.0, abs=0.3) and row["improved"]
    chart = effects.measure_chart(ds, "t", "m")
    parts = chart.points.set_index("x")["part"]
    assert parts[pd.Timestamp("2020-12-01")] == "Utgångsläge"
    assert parts[pd.Timestamp("2021-01-01")] == "Efter 1"


def test_baseline_stable_catches_only_too_few_points():
    months = pd.date_range("2020-01-01", periods=12, freq="MS")
    one = pd.DataFrame({"period": months[:1], "y": [1.0], "n": [np.nan]})
    assert effects.baseline_stable(one, months[5], "i")  # one point: no runs rule can signal
    # a renamed column is a bug, not a stable baseline
    with pytest.raises(ValueError):
        effects.baseline_stable(one.rename(columns={"y": "value"}), months[5], "i")


# --- ground truth of the sample data -----------------------------------------------------------

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


@pytest.fixture(scope="module")
def sample_dataset():
    from analysis.dataset import load_dataset

    return load_dataset(SAMPLE)


def test_team_effects_find_the_true_effects_of_the_sample(sample_dataset):
    # analysis.sample.programme.TRUE_EFFECTS: (team, measure) -> the change that truly moved it
    # (effect > 0) or none (effect 0). Real effects must be detected as improvements at the group
    # of changes holding the true change; no other (team, measure, change) may be detected.
    from analysis.sample import TRUE_EFFECTS

    tables = {
        team: effects.team_effects(sample_dataset, team).table
        for team in sample_dataset.teams["team_id"]
    }
    missed, false_alarms = [], []
    for (team, measure), truth in TRUE_EFFECTS.items():
        rows = tables[team][tables[team]["measure_id"] == measure]
        true_no = str(truth["change_no"])
        holds = rows["changes"].str.split(", ").apply(lambda nos, no=true_no: no in nos)
        if truth["effect"]:
            if not rows.loc[holds, "improved"].any():
                missed.append((team, measure, truth["change_no"]))
            others = rows[~holds]
        else:
            others = rows
        false_alarms += [(team, measure, r.changes) for r in others.itertuples() if r.detected]
    assert not missed, f"true effects not detected: {missed}"
    assert not false_alarms, f"effects detected where the sample has none: {false_alarms}"
    n_real = sum(1 for v in TRUE_EFFECTS.values() if v["effect"])
    assert n_real >= 10  # the test is not vacuous


def test_team_effects_table_shape_and_verdicts(sample_dataset):
    res = effects.team_effects(sample_dataset, "attarp")
    assert list(res.table.columns) == effects.TEAM_COLUMNS
    narvaro = res.table[res.table["measure_id"] == "narvaro"].iloc[0]
    # changes 1 (2019-11-11) and 2 (2019-12-09) are 4 weeks apart: estimated together
    assert narvaro["changes"] == "1, 2" and narvaro["note"] == "combined"
    # 88 % -> 93 %: the sample generator's truth for this series (analysis.sample.programme,
    # attarp/narvaro: level 0.88, effect +0.05 at change 2), within half a percentage point
    assert abs(narvaro["before"] - 0.88) < 0.005 and abs(narvaro["after"] - 0.93) < 0.005
    sentence = effects_text.measure_verdict(narvaro, "sv")
    # the level after is written as every level is (text.level: a share with one decimal)
    found = re.match(
        r"Andel närvarande elevdagar: (\d+,\d)\u00a0% efter förändringarna 1 och 2 \(", sentence
    )
    assert found, sentence
    assert abs(float(found.group(1).replace(",", ".")) - 93) < 0.5
    assert (
        "jämfört med förväntad nivå" in sentence and "om trenden fortsatt: skillnad +" in sentence
    )
    assert sentence.endswith("Förbättringen är statistiskt säkerställd.")
    assert narvaro["model"] == effects.MODEL_POLICY and narvaro["diff_kind"] == "pp"
    # the true step (+5 pp) is inside the interval of the difference from the expected level
    assert narvaro["diff_low"] < 0.05 < narvaro["diff_high"]
    assert effects.team_effects(sample_dataset, "aneby").table.empty  # no changes tested yet


def test_survey_waves_find_the_true_changes_of_the_sample_survey():
    # analysis.sample.surveys.PUPIL_ITEMS: P(top box) in September and the change by December.
    # Changes of 9 pp exceed the minimum detectable difference and must be found after Holm;
    # items without a change must not be. The MDD is that of the level each item is judged at:
    # for 1,500 vs 1,100 pupils around 50 % about 5.6 pp at alpha 0.05 and, at Holm's strictest
    # 0.05/16 (16 items), (2.95 + 0.84)/(1.96 + 0.84) = 1.35 times that, 7.6 pp; the least
    # common answers (7 %) need less.
    pytest.importorskip("analysis.sample.surveys")
    from analysis import surveys
    from analysis.sample.surveys import PUPIL_ITEMS

    folder = SAMPLE / "surveys" / "pupils"
    out = effects.survey_waves(surveys.load_survey(folder)).set_index("question_id")
    for qid, *_, change in PUPIL_ITEMS:
        row = out.loc[qid]
        if change == 0:
            assert not row["significant"], qid
        if abs(change) >= 0.09:
            assert row["significant"] and np.sign(row["diff_pp"]) == np.sign(change), qid
    assert (out["mdd_pp"].between(3, 8)).all()
    assert (out["ci_level"].between(0.95, 1 - 0.05 / len(out) + 1e-12)).all()


def test_effects_table_puts_the_verdict_first_and_the_difference_with_its_interval():
    row = {
        "measure_name": "Närvaron",
        "changes": "2",
        "chart": "p",
        "unit": "%",
        "direction": "up",
        "before": 0.88,
        "after": 0.93,
        "expected": 0.89,
        "n_before": 12,
        "n_after": 10,
        "difference": 0.042,
        "diff_low": 0.020,
        "diff_high": 0.063,
        "diff_kind": "pp",
        "mde": 0.025,
        "p_value": 0.0004,
        "detected": True,
        "improved": True,
        "worse": False,
        "note": "",
        "model": "agree",
    }
    from analysis.views.team_effects import effects_table

    table = effects_table(pd.DataFrame([row]), "sv")
    assert list(table.columns) == [
        "Mått",
        "Förändring",
        "Bedömning",
        "Före (mätpunkter)",
        "Efter (mätpunkter)",
        "Förväntat utan förändringen",
        "Skillnad mot förväntat (95 % KI)",
        "Minsta upptäckbara förbättring",
    ]
    first = table.iloc[0]
    assert first["Bedömning"] == "förbättring"
    assert (
        first["Före (mätpunkter)"] == "88,0\u00a0% (12)"
        and first["Efter (mätpunkter)"] == "93,0\u00a0% (10)"
    )
    assert first["Skillnad mot förväntat (95 % KI)"] == "+4,2 procentenheter (2,0 till 6,3)"
    assert first["Minsta upptäckbara förbättring"] == "2,5 procentenheter"
    english = effects_table(pd.DataFrame([row]), "en").iloc[0]
    assert english["Difference from expected (95% CI)"] == "+4.2 percentage points (2.0 to 6.3)"
