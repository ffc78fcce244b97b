"""Benchmark of report production on the sample data (issue 7); prints times and ratios.

Builds the whole report plan of workbook.yml three ways, in a throw-away copy of the project
(data: the sample; outputs: a temporary folder), one after another:

(a) the naive way: a ``papermill`` command and a ``jupyter nbconvert --to html`` command per
    report, one report after the other;
(b) ``workbook run --force`` (parallel, kernels forked from a warm zygote, in-process HTML);
(c) ``workbook run`` again with nothing changed (everything reused from the cache);
and, to show what the forked kernels contribute, (b') ``workbook run --force --plain-kernels``.

    python benchmarks/reports.py               # the whole plan, all four
    python benchmarks/reports.py --naive 5     # (a) on the first 5 reports, extrapolated
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.config import load_config  # noqa: E402
from analysis.runner import RunOptions, make_plan  # noqa: E402


def project_copy(folder: Path) -> Path:
    """A snapshot of the project (package, notebooks, sample data) with workbook.yml pointed at the
    sample and a temporary outputs folder, so that edits elsewhere cannot change the timings."""
    config = load_config(ROOT)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    shutil.copytree(ROOT / "analysis", folder / "analysis", ignore=ignore)
    shutil.copytree(config.notebooks_dir, folder / "notebooks", ignore=ignore)
    shutil.copytree(config.sample_dir, folder / "data" / "sample", ignore=ignore)
    write_workbook_yml(
        folder,
        {
            "data": "sample",
            "sample_dir": "data/sample",
            "raw_dir": "data/raw",
            "processed_dir": "data/processed",
            "outputs_dir": "outputs",
        },
    )
    return folder


def write_workbook_yml(folder: Path, settings: dict[str, str]) -> None:
    """The repository's workbook.yml in ``folder``, with ``settings`` replacing its own lines."""
    lines = [
        ln
        for ln in (ROOT / "workbook.yml").read_text(encoding="utf-8").splitlines()
        if ln.split(":")[0].strip() not in settings
    ]
    lines += [f"{k}: {v}" for k, v in settings.items()]
    (folder / "workbook.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def env_for(project: Path) -> dict[str, str]:
    """Commands run against the snapshot: its workbook.yml and its copy of ``analysis``."""
    env = dict(os.environ, WORKBOOK_ROOT=str(project))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(project), env.get("PYTHONPATH", "")) if p)
    return env


def timed(cmd: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(
            f"{' '.join(cmd[:4])} ... failed ({done.returncode}):\n{done.stderr[-2000:]}"
        )
    return elapsed


def naive_commands(config, planned, context: dict, executed: Path) -> tuple[list[str], list[str]]:
    """The naive way to build one planned report: the ``papermill`` command that executes its
    notebook into ``executed`` and the ``jupyter nbconvert`` command that turns that into HTML."""
    params = {**planned.job.params, "data_dir": context["data_dir"], "lang": context["lang"]}
    papermill_cmd = [
        sys.executable,
        "-m",
        "papermill",
        str(config.notebooks_dir / f"{planned.job.notebook}.ipynb"),
        str(executed),
        "-k",
        config.kernel,
        "--cwd",
        str(config.notebooks_dir),
    ]
    for key, value in params.items():  # -r: raw string; -p: papermill infers None/int/float
        papermill_cmd += ["-r", key, value] if isinstance(value, str) else ["-p", key, str(value)]
    nbconvert_cmd = [
        sys.executable,
        "-m",
        "jupyter",
        "nbconvert",
        "--to",
        "html",
        "--no-input",
        str(executed),
    ]
    return papermill_cmd, nbconvert_cmd


def naive(project: Path, limit: int | None) -> tuple[float, int, int]:
    """(a): papermill CLI + nbconvert CLI per report, sequentially. Returns (seconds, done, total)."""
    config = load_config(project)
    planned, context = make_plan(config, RunOptions(force=True))
    out = project / "naive"
    out.mkdir()
    env = env_for(project)
    jobs = planned[:limit] if limit else planned
    start = time.perf_counter()
    for p in jobs:
        executed = out / f"{p.job.name}.ipynb"
        papermill_cmd, nbconvert_cmd = naive_commands(config, p, context, executed)
        timed(papermill_cmd, env, project)
        timed(nbconvert_cmd, env, project)
    return time.perf_counter() - start, len(jobs), len(planned)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--naive", type=int, metavar="N", help="time (a) on N reports only and extrapolate"
    )
    parser.add_argument("--skip-plain", action="store_true", help="skip (b') with plain kernels")
    args = parser.parse_args()
    workbook = [sys.executable, "-m", "analysis.cli", "run"]
    with tempfile.TemporaryDirectory(prefix="workbook-bench-") as tmp:
        project = project_copy(Path(tmp))
        env = env_for(project)
        n_reports = len(make_plan(load_config(project), RunOptions())[0])
        print(f"{n_reports} reports on the sample data, {os.cpu_count()} cores", flush=True)
        t_b = timed([*workbook, "--force"], env, project)
        print(f"(b)  workbook run --force            {t_b:7.1f} s", flush=True)
        t_c = timed(workbook, env, project)
        print(f"(c)  workbook run (nothing changed)  {t_c:7.1f} s", flush=True)
        t_plain = None
        if not args.skip_plain:
            t_plain = timed([*workbook, "--force", "--plain-kernels"], env, project)
            print(f"(b') workbook run --force --plain-kernels {t_plain:5.1f} s", flush=True)
        t_a, done, total = naive(project, args.naive)
        if done < total:
            print(
                f"(a)  naive papermill + nbconvert CLI: {t_a:.1f} s for {done} reports, "
                f"{t_a / done:.1f} s per report",
                flush=True,
            )
            t_a = t_a / done * total
            print(f"(a)  extrapolated to {total} reports     {t_a:7.1f} s", flush=True)
        else:
            print(
                f"(a)  naive papermill + nbconvert CLI {t_a:7.1f} s "
                f"({t_a / total:.1f} s per report)",
                flush=True,
            )
    print()
    print(f"speed-up (a)/(b): {t_a / t_b:5.1f}x   (aim: at least 6x)")
    if t_plain:
        print(f"forked warm kernels vs plain kernels (b')/(b): {t_plain / t_b:4.2f}x")
    print(f"unchanged rerun (c): {t_c:.1f} s   (aim: under 2 s)")


if __name__ == "__main__":
    main()
