"""Calibration study of the effect verdicts (issue 12): false claims and power, by simulation.

Simulated teams whose truth is known go through the reports' own path (raw CSV files ->
``load_dataset`` -> ``effects.team_effects``) for every chart family (p, u, c, i/run) and every
scenario of ``analysis.effects.calibration.SCENARIOS``; the share of "förbättring" verdicts is
the false-claim rate (null scenarios), the wrong-direction rate, or the power (steps). Then the
coverage of the level change's 95 % CI for each interval method on flat series.

    python benchmarks/calibration.py                      # the study as documented (~50 min)
    python benchmarks/calibration.py --reps 100 --power-reps 100 --compare-reps 50 --coverage-reps 100
    python benchmarks/calibration.py --write docs/methods.md   # also rewrite the tables there
    python benchmarks/calibration.py --jobs 4             # families in parallel processes
    python benchmarks/calibration.py --families i --scenarios step_100 short_step --compare-reps 0 \
        --coverage-reps 0                                 # re-run only some cells (prints, never --write)

Prints markdown tables, the acceptance check (exit status 1 when a threshold fails) and timings
(seconds per verdict, and against one plain segmented regression fitted in the same run).
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from analysis.effects import MODEL_POLICY  # noqa: E402
from analysis.effects import calibration as cal  # noqa: E402

BEGIN, END = "<!-- calibration:begin -->", "<!-- calibration:end -->"
POLICY_NAMES = {
    "agree": "trend model and phase comparison agree (the reports' policy)",
    "its": "trend model alone",
    "phases": "phase comparison alone",
    "auto": "run chart of the baseline decides (the former default)",
}


def _family(args: tuple) -> tuple[pd.DataFrame, dict, float, int]:
    family, reps, compare_reps, power_reps, seed, scenarios = args
    start = time.perf_counter()
    summary, verdicts, mdes = cal.study(
        [family], scenarios, reps=reps, seed=seed, policies=(MODEL_POLICY,), power_reps=power_reps
    )
    frames = [verdicts]
    if compare_reps:
        others = tuple(p for p in POLICY_NAMES if p != MODEL_POLICY)
        for scenario in [cal.BY_NAME[s] for s in scenarios] if scenarios else cal.SCENARIOS:
            mde = mdes[(family, scenario.phases[:2])]
            frames.append(
                cal.judge(family, scenario, mde, reps=compare_reps, seed=seed + 1, policies=others)
            )
    verdicts = pd.concat(frames, ignore_index=True)
    return verdicts, mdes, time.perf_counter() - start, len(verdicts)


def pct(value: float, se: float | None = None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{100 * value:.1f} ± {100 * se:.1f}" if se is not None else f"{100 * value:.0f}"


def operating_table(summary: pd.DataFrame, policy: str) -> str:
    rows = summary[summary["policy"] == policy]
    families = [f for f in cal.FAMILIES if f in set(rows["family"])]
    head = (
        "| scenario | kind | "
        + " | ".join(f"{'i/run' if f == 'i' else f} (% ± MC SE)" for f in families)
        + " |"
    )
    lines = [head, "|---|---|" + "---:|" * len(families)]
    for scenario in cal.SCENARIOS:
        part = rows[rows["scenario"] == scenario.name].set_index("family")
        if part.empty:
            continue
        cells = [
            pct(part.loc[f, "improved"], part.loc[f, "improved_se"]) if f in part.index else "–"
            for f in families
        ]
        kind = {"null": "no effect", "wrong": "wrong way", "power": "real step"}[scenario.kind]
        lines.append(f"| {scenario.label} | {kind} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def policy_table(summary: pd.DataFrame) -> str:
    policies = [p for p in POLICY_NAMES if p in set(summary["policy"])]
    lines = ["| scenario | " + " | ".join(policies) + " |", "|---|" + "---:|" * len(policies)]
    for scenario in cal.SCENARIOS:
        part = summary[summary["scenario"] == scenario.name]
        cells = []
        for p in policies:
            values = part[part["policy"] == p].set_index("family")["improved"]
            cells.append(
                " / ".join(pct(values.get(f, math.nan)) for f in cal.FAMILIES if f in values.index)
            )
        lines.append(f"| {scenario.label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def extra_table(summary: pd.DataFrame, policy: str) -> str:
    rows = summary[summary["policy"] == policy]
    families = [f for f in cal.FAMILIES if f in set(rows["family"])]
    lines = [
        "| scenario | " + " | ".join("i/run" if f == "i" else f for f in families) + " |",
        "|---|" + "---:|" * len(families),
    ]
    for scenario in cal.SCENARIOS:
        part = rows[rows["scenario"] == scenario.name].set_index("family")
        if part.empty:
            continue
        cells = [
            f"{pct(part.loc[f, 'coverage'])} ({pct(part.loc[f, 'worse'])})"
            if f in part.index
            else "–"
            for f in families
        ]
        lines.append(f"| {scenario.label} | " + " | ".join(cells) + " |")
    early = rows[rows["too_early"].notna()]
    lines += [
        "",
        'The later change of the two-change scenarios was judged "för tidigt att bedöma" in '
        + ", ".join(f"{pct(v)} %" for v in sorted(set(early["too_early"])))
        + " of the simulated teams.",
    ]
    return "\n".join(lines)


def coverage_table(coverage: pd.DataFrame) -> str:
    cols = sorted(
        {
            (int(a), int(b), float(p))
            for a, b, p in coverage[["n_before", "n_after", "phi"]].itertuples(index=False)
        }
    )
    lines = [
        "| family | interval | " + " | ".join(f"{a}+{b}, φ {p:g}" for a, b, p in cols) + " |",
        "|---|---|" + "---:|" * len(cols),
    ]
    for (family, method), part in coverage.groupby(["family", "method"], sort=False):
        cells = []
        for a, b, p in cols:
            hit = part[(part["n_before"] == a) & (part["n_after"] == b) & (part["phi"] == p)]
            cells.append(pct(hit["coverage"].iloc[0]) if len(hit) else "–")
        lines.append(
            f"| {'i/run' if family == 'i' else family} | {method} | " + " | ".join(cells) + " |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--reps", type=int, default=500, help="replicates per scenario and family (the policy)"
    )
    parser.add_argument(
        "--power-reps",
        type=int,
        default=2000,
        help="replicates of the steps of the stated MDE (the 80 %% threshold)",
    )
    parser.add_argument(
        "--compare-reps", type=int, default=200, help="replicates for the other policies (0: skip)"
    )
    parser.add_argument(
        "--coverage-reps", type=int, default=400, help="replicates per interval cell (0: skip)"
    )
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--jobs", type=int, default=1, help="families in parallel processes")
    parser.add_argument(
        "--families",
        nargs="+",
        choices=cal.FAMILIES,
        default=list(cal.FAMILIES),
        help="only these chart families",
    )
    parser.add_argument(
        "--scenarios",
        nargs="+",
        choices=list(cal.BY_NAME),
        help="only these scenarios (a partial run: the tables are printed, --write refused)",
    )
    parser.add_argument(
        "--write", type=Path, help=f"rewrite the block between {BEGIN} and {END} of this file"
    )
    args = parser.parse_args()
    if args.write and (args.scenarios or set(args.families) != set(cal.FAMILIES)):
        parser.error(
            "--write rewrites the whole documented study; run every family and scenario for it"
        )

    start = time.perf_counter()
    jobs = [
        (f, args.reps, args.compare_reps, args.power_reps, args.seed, args.scenarios)
        for f in args.families
    ]
    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs) as pool:
            results = list(pool.map(_family, jobs))
    else:
        results = [_family(j) for j in jobs]
    verdicts = pd.concat([r[0] for r in results], ignore_index=True)
    mdes = {k: v for r in results for k, v in r[1].items()}
    n_verdicts = sum(r[3] for r in results)
    study_seconds = sum(r[2] for r in results)
    summary = cal.summarise(verdicts)

    coverage = cal.inference_coverage(args.coverage_reps) if args.coverage_reps else None

    # timing: one verdict (team_effects, the policy) against one plain segmented regression
    from analysis.effects import interrupted_time_series

    frame = cal.simulate_rows(
        "p", cal.BY_NAME["flat"], 0.0, __import__("numpy").random.default_rng(1)
    )
    t0 = time.perf_counter()
    for _ in range(200):
        interrupted_time_series(
            frame,
            y="numerator",
            time="period",
            intervention=cal.change_dates(cal.BY_NAME["flat"]),
            denominator="denominator",
            family="binomial",
        )
    its_seconds = (time.perf_counter() - t0) / 200
    per_verdict = study_seconds / max(n_verdicts, 1)

    accepted = cal.acceptance(summary[summary["policy"] == MODEL_POLICY])
    policy_reps = int(summary.loc[summary["policy"] == MODEL_POLICY, "n_sim"].min())
    design = ", ".join(
        f"{f} {p[0]}+{p[1]}: {100 * v:.1f} {'pp' if f == 'p' else '%'}"
        if f != "i"
        else f"{f} {p[0]}+{p[1]}: {v:.2f} SD"
        for (f, p), v in sorted(mdes.items())
    )
    block = [
        BEGIN,
        "",
        f"*Generated by `python benchmarks/calibration.py --write docs/methods.md` (seed {args.seed}).*",
        "",
        f"**Operating characteristics of the reports' policy (`{MODEL_POLICY}`: {POLICY_NAMES[MODEL_POLICY]})**: "
        f'share of simulated teams whose verdict for the judged change is "förbättring" (improvement), '
        f"in %, with its Monte Carlo SE; {policy_reps} simulated teams per cell ({args.power_reps} for "
        f"the steps of the stated MDE, which the 80 % threshold rests on). For scenarios without an "
        "effect this is the false-claim rate, for steps the power.",
        "",
        operating_table(summary, MODEL_POLICY),
        "",
        f"Design MDE (median stated by the reports over {cal.MDE_REPS} flat null series): {design}.",
        "",
        "**Acceptance** (issue 12): null ≤ 10 %, wrong direction ≤ 5 %, step of the stated MDE ≥ 80 %: "
        + (
            "all hold."
            if accepted["holds"].all()
            else "FAILS: "
            + ", ".join(
                f"{r.family}/{r.scenario} {100 * r.improved:.1f} %"
                for r in accepted[~accepted["holds"]].itertuples()
            )
        ),
        "",
    ]
    if args.compare_reps:
        block += [
            f'**The policies compared** ("förbättring" in %, p / u / c / i/run; {args.compare_reps} '
            f"simulated teams per cell for the other policies, MC SE up to 3.5 points):",
            "",
            policy_table(summary),
            "",
        ]
    block += [
        "**Intervals of the reports' policy**: coverage of the 95 % CI of the shown difference "
        "(percentage points, percent or units against the expected level) for the true difference, "
        'in %, and in brackets the share of "försämring" verdicts.',
        "",
        extra_table(summary, MODEL_POLICY),
        "",
    ]
    if coverage is not None:
        block += [
            f"**Coverage of the 95 % CI of a level change that is truly 0** (segmented regression with a "
            f"trend, flat series; {args.coverage_reps} series per cell; MC SE about 1.1 points at 95 %). "
            "φ is the lag-1 autocorrelation of the noise (p, c: of a latent level of 1 noise SD on top "
            "of the sampling noise; φ 0 is then overdispersion only).",
            "",
            coverage_table(coverage),
            "",
        ]
    block += [
        f"Time: {study_seconds / 60:.1f} min for {n_verdicts} verdicts "
        f"({1000 * per_verdict:.1f} ms each, {per_verdict / its_seconds:.1f}× one plain segmented "
        f"regression of {1000 * its_seconds:.1f} ms measured in the same run).",
        "",
        END,
    ]
    text = "\n".join(block)
    print(text)
    print(f"\nwall time {time.perf_counter() - start:.0f} s")
    if args.write:
        current = args.write.read_text(encoding="utf-8")
        pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
        if not pattern.search(current):
            raise SystemExit(f"{args.write}: no {BEGIN} ... {END} block to replace")
        args.write.write_text(pattern.sub(lambda _: text, current), encoding="utf-8")
        print(f"wrote {args.write}")
    return 0 if accepted["holds"].all() else 1


if __name__ == "__main__":
    raise SystemExit(main())
