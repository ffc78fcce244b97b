"""What the IHI progress scores cost (issue 17): the county report scores every team at every
network meeting with the effect verdicts on the data as they stood then.

Prints, on the sample data (9 teams, the sample's 6 meetings), the median of ``--repeat`` runs:

(a) baseline: ``effects.team_effects`` once per team on all its data (what the team reports do);
(b) ``assessment.suggested_scores`` for every team, cold (memo cleared), and how many
    ``team_effects`` calls it made (meetings with the same data share one; meetings where no
    change has 8 points on each side need none);
(c) the naive way: ``team_effects`` on the data at every meeting after each team's start;
(d) a second ``suggested_scores`` in the same process (memoised: what a report that builds the
    county view twice pays).

Ratios are against (a) measured in the same run.

    python benchmarks/progress.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis import assessment, effects
from analysis.dataset import load_dataset


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    root = Path(__file__).resolve().parent.parent
    ds = load_dataset(root / "data" / "sample")
    teams = [ds.team(t) for t in ds.teams["team_id"]]
    meetings = list(ds.meetings["meeting_date"])
    calls = {"n": 0}
    original = assessment.team_effects

    def counting(*a, **k):
        calls["n"] += 1
        return original(*a, **k)

    def naive():
        for team in teams:
            for date in meetings:
                if team.start_date is None or team.start_date <= date:
                    at = assessment.data_at(team, date)
                    if not at.changes.empty:
                        effects.team_effects(at, team.id)

    def cold():
        assessment._MEMO.clear()
        for team in teams:
            assessment.suggested_scores(team, meetings)

    def warm():
        for team in teams:
            assessment.suggested_scores(team, meetings)

    results = {"a": [], "b": [], "c": [], "d": []}
    assessment.team_effects = counting
    try:
        for _ in range(args.repeat):
            results["a"].append(timed(lambda: [effects.team_effects(t, t.id) for t in teams]))
            calls["n"] = 0
            results["b"].append(timed(cold))
            made = calls["n"]
            results["c"].append(timed(naive))
            results["d"].append(timed(warm))
    finally:
        assessment.team_effects = original
    base = statistics.median(results["a"])
    print(f"{len(teams)} teams, {len(meetings)} meetings, median of {args.repeat} runs")
    for key, what in (
        ("a", "team_effects once per team (baseline)"),
        ("b", f"suggested_scores, cold ({made} team_effects calls)"),
        ("c", "team_effects at every meeting (naive)"),
        ("d", "suggested_scores again (memoised)"),
    ):
        t = statistics.median(results[key])
        print(f"({key}) {what:<48} {t:7.2f} s  {t / base:5.2f} x baseline")


if __name__ == "__main__":
    main()
