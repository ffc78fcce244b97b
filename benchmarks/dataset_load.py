"""Time loading a data folder, against reading the same CSV files with pandas in the same run.

Replaces a timing assertion that used to live in the tests (timings belong here, not in
``make test``: the machine is shared). Prints, for the sample folder copied to a temporary
folder: the first ``load_dataset`` of a process (validation, cross-table checks, processed cache
written), a cached re-load, and plain ``pandas.read_csv`` of every CSV as the baseline; plus the
import cost of ``analysis.dataset`` in a fresh interpreter against ``python -c pass``.

    python benchmarks/dataset_load.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis import dataset  # noqa: E402


def _time(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _process(code: str) -> float:
    return _time(lambda: subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        folder = Path(tmp) / "data"
        shutil.copytree(ROOT / "data" / "sample", folder)
        csvs = sorted(folder.glob("*.csv"))
        plain, first, cached = [], [], []
        for _ in range(args.repeat):
            plain.append(
                _time(lambda: [pd.read_csv(f, sep=";", encoding="utf-8-sig") for f in csvs])
            )
            shutil.rmtree(folder / "processed", ignore_errors=True)
            dataset.clear_cache()
            first.append(_time(lambda: dataset.load_dataset(folder)))
            dataset.clear_cache()
            cached.append(_time(lambda: dataset.load_dataset(folder)))

    base = statistics.median(plain)
    print(
        f"sample folder, {len(csvs)} CSV files, {args.repeat} repeats (median s, ratio to pandas.read_csv)"
    )
    print(f"  pandas.read_csv of every file   {base:7.3f}   1.0x")
    for name, values in (("load_dataset, validated", first), ("load_dataset, re-load", cached)):
        med = statistics.median(values)
        print(f"  {name:<31} {med:7.3f}  {med / base:5.1f}x")

    bare = statistics.median(_process("pass") for _ in range(args.repeat))
    imp = statistics.median(_process("import analysis.dataset") for _ in range(args.repeat))
    print(
        f"import analysis.dataset in a fresh interpreter: {imp:.2f} s ({imp / bare:.1f}x python -c pass, {bare:.2f} s)"
    )


if __name__ == "__main__":
    main()
