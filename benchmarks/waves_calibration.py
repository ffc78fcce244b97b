"""Operating characteristics of the two-wave verdicts (effects.compare_waves), by simulation.

Simulates survey families whose truth is known and runs the same decision the report uses
(Newcombe-inversion p-values, Holm within the family, the interval at each item's Holm level):

* null families (no item changes): how often at least one item is called "säkerställd"
  (family-wise error rate; Holm promises at most 5 %);
* single items whose true change equals the minimum detectable difference the report states:
  how often the change is detected (the MDD is defined by 80 % power);
* on every simulated family, whether the decision and the interval ever disagree (never should).

    .venv/bin/python benchmarks/waves_calibration.py [families]

Prints the figures quoted in docs/methods.md ("Two survey waves"). A small seeded slice of the
same checks is in tests/test_effects.py.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from analysis import effects

# the pupil survey of the sample: six items, P(top box) in September, 1,500 and 1,100 pupils
PUPIL_P = np.array(
    [0.52, 0.63, 0.58, 0.71, 0.18, 0.82, 0.35, 0.40, 0.18, 0.07, 0.58, 0.52, 0.72, 0.26, 0.31, 0.22]
)


def null_families(p: np.ndarray, n_before: int, n_after: int, families: int, rng) -> dict:
    """Every item unchanged: the share of families with at least one significant item."""
    m = len(p)
    before = rng.binomial(n_before, p, size=(families, m))
    after = rng.binomial(n_after, p, size=(families, m))
    pvals = effects.newcombe_p_value(after, n_after, before, n_before)
    any_sig = 0
    disagree = 0
    # Holm's decision is p < alpha / c (effects.adjusted_levels, tested against statsmodels'
    # multipletests, which is slow here: it calls gc.collect() on every call)
    level = np.stack([effects.adjusted_levels(pvals[k], method="holm") for k in range(families)])
    reject = pvals < level
    ci = effects.compare_proportions(
        after.ravel(), n_after, before.ravel(), n_before, alpha=level.ravel()
    )
    excludes = ((ci["ci_low"] > 0) | (ci["ci_high"] < 0)).to_numpy().reshape(families, m)
    disagree += int((excludes != reject).sum())
    any_sig += int(excludes.any(axis=1).sum())
    return {"fwer": any_sig / families, "disagreements": disagree, "tables": families * m}


def power_at_mdd(p: float, n_before: int, n_after: int, sims: int, rng) -> dict:
    """One item (a family of one): a true change equal to the stated MDD; the detection rate."""
    mdd = effects.newcombe_detectable_difference(n_after, n_before, p=p)
    p_after = p + (mdd if p <= 0.5 else -mdd)
    before = rng.binomial(n_before, p, size=sims)
    after = rng.binomial(n_after, p_after, size=sims)
    ci = effects.compare_proportions(after, n_after, before, n_before)
    detected = ((ci["ci_low"] > 0) | (ci["ci_high"] < 0)).mean()
    exact = effects.newcombe_power(n_after, n_before, p_after, p)
    return {"mdd_pp": 100 * mdd, "detected": float(detected), "exact_power": exact}


def main(families: int = 2000) -> None:
    rng = np.random.default_rng(20240611)
    start = time.perf_counter()
    print(f"two-wave verdicts: {families} simulated families per null scenario")
    for label, p, nb, na in (
        ("pupil survey, 16 items, 1500 vs 1100", PUPIL_P, 1500, 1100),
        ("small school, 8 items, 100 vs 100", PUPIL_P[:8], 100, 100),
        ("one class, 4 items, 25 vs 25", PUPIL_P[:4], 25, 25),
    ):
        res = null_families(p, nb, na, families, rng)
        se = np.sqrt(res["fwer"] * (1 - res["fwer"]) / families)
        print(
            f"  null, {label}: any item 'säkerställd' in {100 * res['fwer']:.1f} % of families "
            f"(± {100 * 1.96 * se:.1f}); decision and interval disagree in "
            f"{res['disagreements']} of {res['tables']} tables"
        )
    sims = 20 * families
    for p, nb, na in ((0.4, 100, 100), (0.52, 1500, 1100), (0.18, 300, 250), (0.07, 1500, 1100)):
        res = power_at_mdd(p, nb, na, sims, rng)
        print(
            f"  true change = stated MDD ({res['mdd_pp']:.1f} pp at {100 * p:.0f} %, {nb} vs {na}): "
            f"detected in {100 * res['detected']:.1f} % of {sims} (exact power "
            f"{100 * res['exact_power']:.1f} %)"
        )
    print(f"  ({time.perf_counter() - start:.1f} s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
