"""Benchmark of the county-scale sample (issue 18, item 1); prints times and ratios.

Generates, in temporary folders, (a) the built-in sample (9 teams; the baseline of this run) and
(b) the county-scale sample (``workbook sample --teams 100``: 100 teams, 300 measures x 60 months,
a pupil survey of 100,000 answers), then times what an analyst does next with (b):
``workbook check`` (every check, warnings included) and ``load_dataset`` (validate, type, write
nothing: the folder is not the configured data folder).

    python benchmarks/county_sample.py                # 100 teams, 100,000 answers
    python benchmarks/county_sample.py --teams 300 --respondents 200000
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.dataset import check_folder, clear_cache, load_dataset  # noqa: E402
from analysis.sample import write_sample  # noqa: E402
from analysis.sample.county import write_county_sample  # noqa: E402


def timed(function, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=100)
    parser.add_argument("--respondents", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        small, county = Path(scratch) / "sample", Path(scratch) / "county"
        t_small, _ = timed(write_sample, small)
        t_county, written = timed(write_county_sample, county, args.teams, args.respondents)
        t_check, problems = timed(check_folder, county)
        errors = [p for p in problems if not p.is_warning]
        clear_cache()
        t_load, dataset = timed(load_dataset, county)
        print(
            f"built-in sample (9 teams), generated:        {t_small:7.2f} s  "
            f"({size_mb(small):.1f} MB)"
        )
        print(
            f"county sample ({args.teams} teams, {args.respondents:,} answers): {t_county:7.2f} s  "
            f"({size_mb(county):.1f} MB, {len(written)} files; "
            f"{t_county / t_small:.1f}x the built-in sample)"
        )
        print(
            f"  {len(dataset.teams)} teams, {len(dataset.measures)} measures, "
            f"{len(dataset.observations):,} observations, {len(dataset.changes)} changes, "
            f"{len(dataset.driver_teams)} driver diagrams, surveys {', '.join(dataset.surveys)}"
        )
        print(
            f"workbook check of it:                         {t_check:7.2f} s  "
            f"({len(errors)} problems, {len(problems) - len(errors)} warnings)"
        )
        print(f"load_dataset of it (validate and type):       {t_load:7.2f} s")
        if errors:
            raise SystemExit(
                "the county sample does not pass the check:\n" + "\n".join(map(str, errors[:20]))
            )


if __name__ == "__main__":
    main()
