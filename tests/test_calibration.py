"""A seeded slice of the calibration study of the effect verdicts (analysis.effects.calibration).

The full study (benchmarks/calibration.py, ``make bench``; the table in docs/methods.md) runs
every scenario 200-500 times (the steps of the stated MDE 1,000 times). Here a few scenarios run
50-80 times per chart family through the same public path (raw CSV files -> load_dataset ->
team_effects) and must hold the acceptance thresholds of issue 12:

* every null scenario at most 10 % "förbättring". The full study measures 0-5 % for these
  scenarios with the default policy, so with 50 replicates a true rate of 5 % exceeds 10 %
  (6 or more of 50) with probability 4 %, a true 3 % with probability 0.3 %; no slack is added
  in the lenient direction;
* a step in the wrong direction on an improving trend at most 5 % (the full study: 0 %);
* at least 80 % "förbättring" for a step of the minimum detectable effect the report states.
  The report computes it for 90 % power (``effects.MDE_POWER``); with 80 replicates the Monte Carlo SE at 80 % is
  sqrt(0.8 * 0.2 / 80) = 4.5 points, so the check is 80 % minus two SEs (71 %): a method that
  truly detects 80 % fails it with probability below 2.5 %, one that detects 60 % passes with
  probability below 1 %. The full study holds the 80 % itself.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis import effects
from analysis.effects import calibration as cal

SEED = 20240601
NULL_REPS, POWER_REPS, MDE_REPS = 50, 80, 30
SLICE = ("flat", "trend_up", "season", "wrong_way", "two_changes_second")


@pytest.fixture(scope="module", params=cal.FAMILIES)
def family_results(request):
    family = request.param
    mde = cal.design_mde(family, reps=MDE_REPS, seed=SEED)
    frames = [
        cal.judge(family, cal.BY_NAME[name], mde, reps=NULL_REPS, seed=SEED) for name in SLICE
    ]
    frames.append(cal.judge(family, cal.BY_NAME["step_100"], mde, reps=POWER_REPS, seed=SEED))
    verdicts = pd.concat(frames, ignore_index=True)
    return family, mde, verdicts, cal.summarise(verdicts).set_index("scenario")


def test_null_scenarios_claim_an_improvement_at_most_10_percent(family_results):
    family, _, _, summary = family_results
    for name in ("flat", "trend_up", "season", "two_changes_second"):
        assert summary.loc[name, "n_sim"] == NULL_REPS
        assert summary.loc[name, "improved"] <= cal.NULL_MAX, (
            family,
            name,
            summary.loc[name, "improved"],
        )


def test_a_step_in_the_wrong_direction_is_not_called_an_improvement(family_results):
    family, _, _, summary = family_results
    assert summary.loc["wrong_way", "improved"] <= cal.WRONG_MAX, family


def test_a_step_of_the_stated_mde_is_found_at_least_80_percent(family_results):
    family, mde, verdicts, summary = family_results
    n = summary.loc["step_100", "n_sim"]
    slack = 2 * math.sqrt(cal.POWER_MIN * (1 - cal.POWER_MIN) / n)
    assert summary.loc["step_100", "improved"] >= cal.POWER_MIN - slack, (
        family,
        summary.loc["step_100", "improved"],
    )
    # the MDE each report stated is close to the design MDE the step was built from
    stated = verdicts.loc[verdicts["scenario"] == "step_100", "mde"]
    assert stated.median() == pytest.approx(mde, rel=0.25)


def test_a_short_last_phase_is_too_early_and_never_credited(family_results):
    family, _, verdicts, summary = family_results
    two = verdicts[verdicts["scenario"] == "two_changes_second"]
    second = two[two["change_no"] == 2]
    assert (second["note"] == "too_early").all() and not second["improved"].any()
    assert summary.loc["two_changes_second", "improved"] <= cal.NULL_MAX, family


def test_the_simulated_tables_pass_the_raw_data_contract_and_carry_the_truth():
    # one p-chart team with a step of exactly 0.10 (MDE 0.10 x 1.0): the pooled shares before and
    # after differ by about 10 points (binomial noise of ~120 a month over 12 months: SE ~1.8 pp)
    from analysis.dataset import load_dataset
    from analysis.sample import write_files

    files = cal.raw_files("p", cal.BY_NAME["step_100"], 0.10, seed=1, reps=3)
    assert files["observations.csv"].startswith("\ufeffteam_id;measure_id;period".encode("utf-8"))
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        write_files(Path(tmp), files)
        ds = load_dataset(tmp)
        assert list(ds.teams["team_id"]) == ["sim00000", "sim00001", "sim00002"]
        obs = ds.observations[ds.observations["team_id"] == "sim00001"]
        before = obs[obs["period"] < "2021-09-01"]
        after = obs[obs["period"] >= "2021-09-01"]
        diff = (
            after["numerator"].sum() / after["denominator"].sum()
            - before["numerator"].sum() / before["denominator"].sum()
        )
        assert diff == pytest.approx(0.10, abs=0.06)
        assert ds.changes["date"].iloc[0] == pd.Timestamp("2021-09-01")


def test_simulated_noise_has_the_stated_autocorrelation():
    # i family, AR(1) phi 0.6: the lag-1 autocorrelation over many long draws is about 0.6
    rng = np.random.default_rng(3)
    draws = np.concatenate([cal._ar1(400, 0.6, rng) for _ in range(20)])
    assert np.corrcoef(draws[:-1], draws[1:])[0, 1] == pytest.approx(0.6, abs=0.03)
    assert draws.std() == pytest.approx(1.0, abs=0.05)


def test_acceptance_marks_each_threshold():
    summary = pd.DataFrame(
        [
            {"scenario": "flat", "kind": "null", "improved": 0.04},
            {"scenario": "wrong_way", "kind": "wrong", "improved": 0.06},
            {"scenario": "step_100", "kind": "power", "improved": 0.82},
            {"scenario": "step_050", "kind": "power", "improved": 0.30},
        ]
    )
    out = cal.acceptance(summary).set_index("scenario")
    assert list(out.index) == ["flat", "wrong_way", "step_100"]  # step_050 has no threshold
    assert out["holds"].tolist() == [True, False, True]


def test_policy_is_the_one_the_study_chose():
    assert effects.MODEL_POLICY == "agree" and effects.MDE_POWER == 0.90


@pytest.mark.parametrize("n_before", [8, 12])
def test_the_stated_mde_has_80_percent_power_at_the_median_estimated_se(n_before):
    # An i chart of n + n points, OLS with intercept, trend and step: the report states
    # MDE = (t(0.975, df) + t(MDE_POWER, df)) * c * s (Bloom 1995), s the residual SD, c the step's
    # SE factor from the design matrix, df = 2n - 3. The step of the MDE stated for the median
    # team (s = sigma * sqrt(chi2(0.5, df) / df)) is detected with the noncentral t power
    # P(|T'(df, ncp)| > t(0.975, df)), ncp = MDE / (c * sigma). For 12 + 12 (df 21): median
    # s / sigma = sqrt(20.337 / 21) = 0.984; with 90 % the multiplier is 2.080 + 1.323 = 3.403,
    # ncp = 3.349 and the power 0.891; with 85 % (multiplier 3.142, ncp 3.092) it was 0.8385 and
    # with 80 % 0.787, below the 80 % the report promises.
    from scipy import stats

    t = np.arange(2 * n_before)
    design = np.column_stack([np.ones_like(t), t, t >= n_before]).astype(float)
    c = math.sqrt(np.linalg.inv(design.T @ design)[2, 2])
    assert c == pytest.approx({8: 1.006, 12: 0.819}[n_before], abs=5e-4)
    df = 2 * n_before - 3
    crit = stats.t.ppf(0.975, df)
    median_s = math.sqrt(stats.chi2.ppf(0.5, df) / df)

    def power(design_power):
        ncp = (crit + stats.t.ppf(design_power, df)) * median_s
        return stats.nct.sf(crit, df, ncp) + stats.nct.cdf(-crit, df, ncp)

    assert power(effects.MDE_POWER) >= 0.88
    assert power(0.80) < 0.80  # the conventional 80 % design would not keep the report's promise
    if n_before == 12:
        assert median_s == pytest.approx(0.984, abs=5e-4)
        assert power(effects.MDE_POWER) == pytest.approx(0.891, abs=5e-4)
        assert power(0.85) == pytest.approx(0.8385, abs=2e-4)
