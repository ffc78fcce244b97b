"""Calibration of the effect verdicts: simulated teams whose truth is known.

Each simulated team has one measure and one to three PDSA changes. Its tables are written in the
raw-data contract (``data/raw/README.md``: ``;``-separated, decimal comma, UTF-8 with BOM) into a
temporary folder, read back with ``dataset.load_dataset`` and judged by ``effects.team_effects``:
the path the team reports and the explorer take. Counting how often a verdict says
"förbättring" when the truth is no effect (the false-claim rate) and when the truth is a step
(the power) gives the operating characteristics published in ``docs/methods.md``.

``benchmarks/calibration.py`` runs the whole study (``make bench``); ``tests/test_calibration.py``
runs a small seeded slice and holds the acceptance thresholds.

Chart families (monthly series, measure direction "up"):

* ``p``: shares around 40 % of about 120 per month (binomial);
* ``u``: a rate of 2 per child among about 110 children per month (Poisson);
* ``c``: about 20 counts per month (Poisson);
* ``i``: values around 10 with SD 1 (normal); odd replicates use a run chart, even an I chart
  (both are modelled alike).

Trends, seasonal patterns and autocorrelated noise are given in units of the family's sampling
SD per period ("noise SD"): for ``p`` 0.2 SD per month is about +0.9 percentage points per month.
Steps are given as multiples of the minimum detectable effect (MDE) the report states for the
design (the median over simulated null series), on the scale the report shows (for u and c on
the log scale: k MDEs multiply the rate by ``(1 + MDE) ** k``).
"""

from __future__ import annotations

import math
import tempfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

FAMILIES = ("p", "u", "c", "i")
P0, P_N = 0.40, 120  # p: share and mean denominator
U_RATE, U_N = 2.0, 110  # u: rate per unit and mean denominator
C_MEAN = 20.0  # c: mean count
I_MEAN, I_SD = 10.0, 1.0  # i/run: mean and SD
# A summer dip (May-August) in noise SDs: the sample's physical-activity pattern (analysis.sample,
# SUMMER_DIP: -2, -8, -14, -7 percentage points on a share of ~120) in SD units.
SUMMER_DIP_SD = {5: -0.45, 6: -1.8, 7: -3.1, 8: -1.6}
MDE_REPS = 200  # flat null series behind a design MDE
START = pd.Timestamp("2020-09-01")  # September: the summer falls at the end of a 12-month baseline


@dataclass(frozen=True)
class Scenario:
    """One simulated situation.

    ``phases``: points before the first change, then after each change (e.g. (12, 12, 6)).
    ``steps``: the true level step at each change, in multiples of the design MDE (0 = none).
    ``trend``: secular trend in noise SDs per period (+ improving, - worsening).
    ``ar``: lag-1 autocorrelation of the noise (i) or of a latent level (p, u, c).
    ``extra``: SD of the latent level in noise SDs (p, u, c; 1 when ``ar`` is set).
    ``season``: add the summer dip.
    ``kind``: "null" (any "förbättring" is false), "wrong" (a step in the wrong direction),
    "power" (the change with a step should be found).
    """

    name: str
    label: str
    kind: str
    phases: tuple[int, ...] = (12, 12)
    steps: tuple[float, ...] = (0.0,)
    trend: float = 0.0
    ar: float = 0.0
    extra: float = 0.0
    season: bool = False

    @property
    def judged(self) -> int:
        """Index of the change whose verdict is counted (the one with a step, else the first)."""
        nonzero = [k for k, s in enumerate(self.steps) if s]
        return nonzero[0] if nonzero and self.kind != "null" else 0


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("flat", "No change, flat (12 + 12)", "null"),
    Scenario("trend_up", "No change, improving trend (+0.2 SD/period)", "null", trend=0.2),
    Scenario("trend_down", "No change, worsening trend (-0.2 SD/period)", "null", trend=-0.2),
    Scenario("ar03", "No change, AR(1) noise, phi 0.3", "null", ar=0.3, extra=1.0),
    Scenario("ar06", "No change, AR(1) noise, phi 0.6", "null", ar=0.6, extra=1.0),
    Scenario(
        "overdispersed", "No change, extra variation (SD 1), no autocorrelation", "null", extra=1.0
    ),
    Scenario("season", "No change, summer dip (Sept start)", "null", season=True),
    Scenario("short_flat", "No change, short series (8 + 8)", "null", phases=(8, 8)),
    Scenario(
        "two_changes_second",
        "Two changes (12 + 12 + 6), only the 2nd works: change 1 judged",
        "null",
        phases=(12, 12, 6),
        steps=(0.0, 1.5),
    ),
    Scenario(
        "wrong_way", "Step of -1 MDE on an improving trend", "wrong", steps=(-1.0,), trend=0.2
    ),
    Scenario("step_050", "Step of 0.5 MDE", "power", steps=(0.5,)),
    Scenario("step_100", "Step of 1 MDE (the stated MDE)", "power", steps=(1.0,)),
    Scenario("step_150", "Step of 1.5 MDE", "power", steps=(1.5,)),
    Scenario("step_200", "Step of 2 MDE", "power", steps=(2.0,)),
    Scenario(
        "trend_up_step", "Step of 1 MDE on an improving trend", "power", steps=(1.0,), trend=0.2
    ),
    Scenario(
        "trend_down_step", "Step of 1 MDE on a worsening trend", "power", steps=(1.0,), trend=-0.2
    ),
    Scenario(
        "short_step", "Step of 1 MDE, short series (8 + 8)", "power", phases=(8, 8), steps=(1.0,)
    ),
    Scenario(
        "two_changes_first",
        "Two changes (12 + 12 + 6), only the 1st works: change 1 judged",
        "power",
        phases=(12, 12, 6),
        steps=(1.0, 0.0),
    ),
)
BY_NAME = {s.name: s for s in SCENARIOS}


def _ar1(n: int, phi: float, rng: np.random.Generator) -> np.ndarray:
    """A stationary AR(1) series with marginal SD 1."""
    e = rng.normal(size=n)
    out = np.empty(n)
    out[0] = e[0]
    scale = math.sqrt(1 - phi * phi)
    for i in range(1, n):
        out[i] = phi * out[i - 1] + scale * e[i]
    return out


def _noise_sd(family: str) -> float:
    """The sampling SD per period on the family's own scale (share, log rate, log count, value)."""
    return {
        "p": math.sqrt(P0 * (1 - P0) / P_N),
        "u": 1 / math.sqrt(U_RATE * U_N),
        "c": 1 / math.sqrt(C_MEAN),
        "i": I_SD,
    }[family]


def simulate_rows(
    family: str, scenario: Scenario, mde: float, rng: np.random.Generator
) -> pd.DataFrame:
    """One simulated series: period, value, numerator, denominator (the observations' columns).

    ``mde``: the design MDE on the report's scale (share points for p, relative change for u and
    c, units for i); the scenario's steps are multiples of it (for u and c on the log scale: a
    step of k MDEs multiplies the rate by ``(1 + mde) ** k``, so -1 MDE is the same size as +1).
    """
    n = sum(scenario.phases)
    periods = pd.date_range(START, periods=n, freq="MS")
    t = np.arange(n, dtype=float)
    sd = _noise_sd(family)
    drift = scenario.trend * t
    if scenario.season:
        drift = drift + np.array([SUMMER_DIP_SD.get(p.month, 0.0) for p in periods])
    if family == "i":
        noise = _ar1(n, scenario.ar, rng) if scenario.ar else rng.normal(size=n)
        drift = drift + noise
    elif scenario.extra:
        drift = drift + scenario.extra * (
            _ar1(n, scenario.ar, rng) if scenario.ar else rng.normal(size=n)
        )
    bounds = np.cumsum(scenario.phases)[:-1]
    step = np.zeros(n)  # p, i: the step itself; u, c: its log (k MDEs = a factor (1 + mde)^k)
    for b, s in zip(bounds, scenario.steps, strict=True):
        step[int(b) :] += s * (math.log1p(mde) if family in ("u", "c") else mde)
    frame = pd.DataFrame(
        {"period": periods, "value": np.nan, "numerator": np.nan, "denominator": np.nan}
    )
    if family == "p":
        den = np.maximum(rng.poisson(P_N, n), 20)
        share = np.clip(P0 + sd * drift + step, 0.01, 0.99)
        frame["numerator"], frame["denominator"] = rng.binomial(den, share), den
    elif family == "u":
        den = np.maximum(rng.poisson(U_N, n), 20)
        rate = U_RATE * np.exp(sd * drift + step)
        frame["numerator"], frame["denominator"] = rng.poisson(rate * den), den
    elif family == "c":
        frame["value"] = rng.poisson(C_MEAN * np.exp(sd * drift + step)).astype(float)
    else:
        frame["value"] = np.round(I_MEAN + sd * drift + step, 3)
    return frame


def change_dates(scenario: Scenario) -> list[pd.Timestamp]:
    """The PDSA log's dates: the first day of the first period of each change."""
    bounds = np.cumsum(scenario.phases)[:-1]
    return [START + pd.DateOffset(months=int(b)) for b in bounds]


def _csv(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    from ..sample.programme import csv_bytes

    return csv_bytes(tuple(header), [[_cell(v) for v in row] for row in rows])


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return (f"{int(value)}" if float(value).is_integer() else f"{float(value):.6g}").replace(
            ".", ","
        )
    return str(value)


def raw_files(
    family: str, scenario: Scenario, mde: float, seed: int, reps: int, first: int = 0
) -> dict[str, bytes]:
    """The raw tables of ``reps`` simulated teams (``sim00000``...), one measure each."""
    chart = {"p": "p", "u": "u", "c": "c"}
    teams, measures, observations, changes = [], [], [], []
    dates = change_dates(scenario)
    for r in range(first, first + reps):
        team = f"sim{r:05d}"
        rng = np.random.default_rng(
            [seed, FAMILIES.index(family), zlib.crc32(repr(scenario).encode()), r]
        )
        kind = chart.get(family, "run" if r % 2 else "i")
        teams.append([team, f"Simulerat team {r}", "0680", "psykisk hälsa", 2020, START, ""])
        unit = {"p": "%", "u": "per barn", "c": "antal", "i": "poäng"}[family]
        measures.append(
            ["matt", team, "Simulerat mått", "outcome", kind, unit, "month", "up", None]
        )
        for row in simulate_rows(family, scenario, mde, rng).itertuples(index=False):
            observations.append(
                [team, "matt", row.period, row.value, row.numerator, row.denominator]
            )
        for k, d in enumerate(dates, start=1):
            changes.append([team, k, d, f"Förändring {k}", "do", "matt", ""])
    return {
        "municipalities.csv": _csv(
            ("municipality_code", "municipality_name", "in_network"), [["0680", "Jönköping", 1]]
        ),
        "teams.csv": _csv(
            (
                "team_id",
                "team_name",
                "municipality_code",
                "focus_area",
                "cohort",
                "start_date",
                "aim",
            ),
            teams,
        ),
        "measures.csv": _csv(
            (
                "measure_id",
                "team_id",
                "measure_name",
                "measure_type",
                "chart",
                "unit",
                "frequency",
                "direction",
                "target",
            ),
            measures,
        ),
        "observations.csv": _csv(
            ("team_id", "measure_id", "period", "value", "numerator", "denominator"), observations
        ),
        "changes.csv": _csv(
            ("team_id", "change_no", "date", "title", "pdsa_step", "measures", "description"),
            changes,
        ),
    }


def true_effect(family: str, multiple: float, mde: float) -> float:
    """The true effect of a step of ``multiple`` MDEs on the report's scale."""
    return (1 + mde) ** multiple - 1 if family in ("u", "c") else multiple * mde


VERDICT_COLUMNS = [
    "family",
    "scenario",
    "policy",
    "rep",
    "change_no",
    "note",
    "improved",
    "worse",
    "detected",
    "difference",
    "diff_low",
    "diff_high",
    "mde",
    "truth",
]


def judge(
    family: str,
    scenario: Scenario,
    mde: float,
    *,
    reps: int,
    seed: int,
    policies: Sequence[str] | None = None,
    first: int = 0,
) -> pd.DataFrame:
    """Simulate ``reps`` teams, load them through the raw-data contract and judge each change.

    Returns one row per replicate, policy and change: VERDICT_COLUMNS; ``truth`` is the true
    effect on the report's scale (share points, relative change or units). ``policies``: the
    ``team_effects`` models to judge with (default: the reports' ``MODEL_POLICY``).
    """
    from ..dataset import load_dataset
    from ..sample import write_files
    from .team import MODEL_POLICY, team_effects

    policies = tuple(policies) if policies else (MODEL_POLICY,)
    rows = []
    with tempfile.TemporaryDirectory(prefix="calibration_") as tmp:
        write_files(Path(tmp), raw_files(family, scenario, mde, seed, reps, first))
        ds = load_dataset(tmp)
        for team in ds.teams["team_id"]:
            rep = int(team[3:])
            for policy in policies:
                table = team_effects(ds, team, model=policy).table
                for k, r in enumerate(table.itertuples(index=False)):
                    rows.append(
                        [
                            family,
                            scenario.name,
                            policy,
                            rep,
                            int(r.change_no),
                            r.note,
                            bool(r.improved),
                            bool(r.worse),
                            bool(r.detected),
                            r.difference,
                            r.diff_low,
                            r.diff_high,
                            r.mde,
                            true_effect(family, scenario.steps[k], mde),
                        ]
                    )
    return pd.DataFrame(rows, columns=VERDICT_COLUMNS)


def design_mde(
    family: str,
    phases: tuple[int, ...] = (12, 12),
    *,
    reps: int = 60,
    seed: int = 1,
    policy: str | None = None,
) -> float:
    """The MDE the report states for a design: the median over simulated flat null series."""
    scenario = replace(BY_NAME["flat"], phases=phases[:2], steps=(0.0,))
    verdicts = judge(
        family, scenario, 0.0, reps=reps, seed=seed + 7919, policies=(policy,) if policy else None
    )
    return float(verdicts["mde"].median())


def summarise(verdicts: pd.DataFrame) -> pd.DataFrame:
    """Per family, scenario and policy: the judged change's claim rates with Monte Carlo SEs.

    Returns family, scenario, label, kind, policy, n_sim, improved (share of "förbättring"),
    improved_se, worse, too_early (share of the scenario's later changes judged "too early"),
    coverage (share of CIs of the shown difference holding the truth), mde (median stated).
    """
    out = []
    for (family, name, policy), part in verdicts.groupby(
        ["family", "scenario", "policy"], sort=False
    ):
        scenario = BY_NAME[name]
        k = scenario.judged
        judged = part.groupby("rep").nth(k)
        n = len(judged)
        improved = float(judged["improved"].mean())
        later = (
            part.groupby("rep").nth(len(scenario.steps) - 1) if len(scenario.steps) > 1 else None
        )
        held = judged.dropna(subset=["diff_low"])
        out.append(
            {
                "family": family,
                "scenario": name,
                "label": scenario.label,
                "kind": scenario.kind,
                "policy": policy,
                "n_sim": n,
                "improved": improved,
                "improved_se": math.sqrt(improved * (1 - improved) / n) if n else math.nan,
                "worse": float(judged["worse"].mean()),
                "too_early": float((later["note"] == "too_early").mean())
                if later is not None
                else math.nan,
                "coverage": float(
                    (
                        (held["diff_low"] <= held["truth"]) & (held["truth"] <= held["diff_high"])
                    ).mean()
                )
                if len(held)
                else math.nan,
                "mde": float(judged["mde"].median()),
            }
        )
    return pd.DataFrame(out)


def study(
    families: Sequence[str] = FAMILIES,
    scenarios: Sequence[str] | None = None,
    *,
    reps: int = 500,
    seed: int = 20240601,
    policies: Sequence[str] | None = None,
    mde_reps: int = MDE_REPS,
    power_reps: int | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Run the scenarios for the families; returns (summary, verdicts, design MDEs).

    Design MDEs come from the first policy (the report's), per family and design (12 + 12, 8 + 8).
    ``power_reps``: replicates of the scenarios the power threshold rests on (``POWER_SCENARIOS``;
    default ``reps``), so that the check at 80 % is decisive (the first ``reps`` are the same).
    """
    from .team import MODEL_POLICY

    policies = tuple(policies) if policies else (MODEL_POLICY,)
    chosen = [BY_NAME[s] for s in scenarios] if scenarios else list(SCENARIOS)
    mdes, frames = {}, []
    for family in families:
        for phases in sorted({s.phases[:2] for s in chosen}):
            mdes[(family, phases)] = design_mde(
                family, phases, reps=mde_reps, seed=seed, policy=policies[0]
            )
        for scenario in chosen:
            n = power_reps if power_reps and scenario.name in POWER_SCENARIOS else reps
            frames.append(
                judge(
                    family,
                    scenario,
                    mdes[(family, scenario.phases[:2])],
                    reps=n,
                    seed=seed,
                    policies=policies,
                )
            )
    verdicts = pd.concat(frames, ignore_index=True)
    return summarise(verdicts), verdicts, mdes


# Acceptance (issue 12): every null scenario at most 10 % "förbättring", a step in the wrong
# direction at most 5 %, and at least 80 % for a step of the stated MDE.
NULL_MAX, WRONG_MAX, POWER_MIN = 0.10, 0.05, 0.80
POWER_SCENARIOS = ("step_100", "short_step")


def acceptance(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary rows with the threshold that applies to them and whether it holds."""
    rows = summary.copy()
    rows["threshold"] = np.where(
        rows["kind"] == "null",
        NULL_MAX,
        np.where(
            rows["kind"] == "wrong",
            WRONG_MAX,
            np.where(rows["scenario"].isin(POWER_SCENARIOS), POWER_MIN, np.nan),
        ),
    )
    rows = rows[rows["threshold"].notna()].copy()
    rows["holds"] = np.where(
        rows["kind"] == "power",
        rows["improved"] >= rows["threshold"],
        rows["improved"] <= rows["threshold"],
    )
    return rows


# --- small-sample inference (issue 12, item 3) ------------------------------------------------

INFERENCE_OPTIONS = {
    # family -> label -> interrupted_time_series keyword arguments
    "i": {
        "OLS, t (df = n - 3)": {"ci": "t"},
        "OLS, normal": {"ci": "normal"},
        "OLS + Newey-West, normal": {"ci": "normal", "hac": True},
        "OLS + Newey-West, t": {"ci": "t", "hac": True},
    },
    "p": {"quasi-binomial, t": {"ci": "t"}, "quasi-binomial, normal": {"ci": "normal"}},
    "c": {"quasi-Poisson, t": {"ci": "t"}, "quasi-Poisson, normal": {"ci": "normal"}},
}


def inference_coverage(
    reps: int = 500,
    seed: int = 20240602,
    designs: Sequence[tuple[int, int]] = ((8, 8), (12, 12), (20, 20)),
    noises: Sequence[float] = (0.0, 0.3, 0.6),
) -> pd.DataFrame:
    """Coverage of the 95 % CI of a level change that is truly 0, per interval method.

    Segmented regression with a trend (``interrupted_time_series``) on simulated flat series of
    each design (points before + after) and noise (lag-1 autocorrelation; for p and c a latent
    AR(1) level of SD 1 noise SD on top of the sampling noise, so 0 is extra variation without
    autocorrelation). Returns family, method, n_before, n_after, phi, n_sim, coverage, coverage_se.
    """
    from .its import interrupted_time_series

    rows = []
    for family, options in INFERENCE_OPTIONS.items():
        for design in designs:
            for phi in noises:
                scenario = Scenario(
                    "coverage",
                    "",
                    "null",
                    phases=tuple(design),
                    ar=phi,
                    extra=1.0 if family != "i" else 0.0,
                )
                hits = dict.fromkeys(options, 0)
                for r in range(reps):
                    rng = np.random.default_rng(
                        [seed, FAMILIES.index(family), design[0], int(phi * 10), r]
                    )
                    frame = simulate_rows(family, scenario, 0.0, rng)
                    frame = frame.assign(y=frame["value"] if family != "p" else frame["numerator"])
                    for label, kwargs in options.items():
                        its = interrupted_time_series(
                            frame,
                            y="y",
                            time="period",
                            intervention=START + pd.DateOffset(months=design[0]),
                            family={"i": "gaussian", "p": "binomial", "c": "poisson"}[family],
                            denominator="denominator" if family == "p" else None,
                            **kwargs,
                        )
                        level = its.table.iloc[0]
                        null = 0.0 if family == "i" else 1.0
                        hits[label] += int(level["ci_low"] <= null <= level["ci_high"])
                for label, count in hits.items():
                    share = count / reps
                    rows.append(
                        {
                            "family": family,
                            "method": label,
                            "n_before": design[0],
                            "n_after": design[1],
                            "phi": phi,
                            "n_sim": reps,
                            "coverage": share,
                            "coverage_se": math.sqrt(share * (1 - share) / reps),
                        }
                    )
    return pd.DataFrame(rows)
