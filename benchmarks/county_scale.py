"""Benchmark of the report run at county scale (issue 18, item 3); prints times and ratios.

In a throw-away copy of the project whose data folder is the county-scale sample
(``workbook sample --teams 100``: 100 teams, ~206 reports), one after another:

(a) the baseline, measured in this run after (d): the naive way, a ``papermill`` and a
    ``jupyter nbconvert --to html`` command per report, and a headless Chromium per A3 poster
    the report hands over (``--print-to-pdf``, as benchmarks/posters.py's baseline; the run
    prints them too; the ratio without them is printed as well), on a representative subset (every
    county-wide report, every survey, ``--naive-teams`` teams' two reports), extrapolated per
    kind of report to the whole plan (the full loop takes about half an hour on 2 cores);
(b) ``workbook run --force``: the whole plan (forked warm kernels, ``--workers`` in parallel);
(c) ``workbook run`` with nothing changed;
(d) one team's observations changed (one numerator + 1): ``workbook list`` (which reports are
    stale and which input changed) and ``workbook run`` (what it rebuilds, how long);
(e) one new team joins (its rows added to teams, measures and observations): the same;
(f) the whole plan again on a Dask ``LocalCluster`` (``--workers`` single-threaded worker
    processes), through ``workbook run --force --scheduler``.

Peak memory: the largest sum, over the run's process tree (the workbook command, its kernels
and, for (f), the cluster's processes), of the proportional set size (PSS: shared pages counted
once, split between the processes sharing them), sampled every 0.5 s.

    python benchmarks/county_scale.py                    # 100 teams, all of it
    python benchmarks/county_scale.py --teams 10 --naive-teams 1 --skip-dask   # a quick look
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from posters import one_browser_per_poster  # noqa: E402  (benchmarks/posters.py)
from reports import env_for, naive_commands, write_workbook_yml  # noqa: E402  (benchmarks/reports.py)

from analysis import poster  # noqa: E402
from analysis.config import load_config  # noqa: E402
from analysis.memo import ENV as MEMO_ENV  # noqa: E402
from analysis.runner import RunOptions, make_plan  # noqa: E402
from analysis.runner.build import posters_of  # noqa: E402
from analysis.sample.county import write_county_sample  # noqa: E402
from analysis.views.sections import Poster  # noqa: E402

DATA = "data/county"


def project_copy(folder: Path, teams: int, respondents: int) -> Path:
    """A snapshot of the project (package, notebooks) whose data folder is a county sample of
    ``teams`` teams written into it, with its own processed and outputs folders."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    shutil.copytree(ROOT / "analysis", folder / "analysis", ignore=ignore)
    shutil.copytree(load_config(ROOT).notebooks_dir, folder / "notebooks", ignore=ignore)
    write_county_sample(folder / DATA, teams, respondents)
    write_workbook_yml(
        folder,
        {
            "data": DATA,
            "sample_dir": DATA,
            "raw_dir": "data/raw",
            "processed_dir": "data/processed",
            "outputs_dir": "outputs",
            "private_dir": "outputs-private",
        },
    )
    return folder


class PeakMemory:
    """The largest total PSS of this process's descendants, sampled every ``interval`` s."""

    def __init__(self, interval: float = 0.5):
        import psutil

        self.psutil, self.interval, self.peak = psutil, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        me = self.psutil.Process()
        while not self._stop.is_set():
            total = 0
            for child in me.children(recursive=True):
                try:
                    total += child.memory_full_info().pss
                except (self.psutil.Error, OSError):
                    continue
            self.peak = max(self.peak, total)
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def mb(self) -> float:
        return self.peak / 1e6


def timed(cmd: list[str], env: dict[str, str], cwd: Path, ok=(0,)) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in ok:
        raise SystemExit(
            f"{' '.join(cmd[2:6])} ... failed ({done.returncode}):\n"
            f"{done.stdout[-1500:]}\n{done.stderr[-2500:]}"
        )
    return elapsed, done.stdout


def index(project: Path) -> dict:
    return json.loads((project / "outputs" / "index.json").read_text(encoding="utf-8"))


def built_since(project: Path, started: str) -> list[str]:
    """Reports the last run built (status ok, last_run at or after ``started``)."""
    return sorted(
        name
        for name, e in index(project)["reports"].items()
        if e.get("status") == "ok" and (e.get("last_run") or "") >= started
    )


def now_iso() -> str:
    import datetime as dt

    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


# ---------------------------------------------------------------- (a) the naive loop


def naive(
    project: Path, per_team: int
) -> tuple[dict[str, list[float]], dict[str, list[float]], dict[str, int]]:
    """Time papermill + nbconvert CLI (and a browser per poster the report hands over) for a
    subset; returns seconds by notebook, the posters' part of them, and the count of each
    notebook's reports in the whole plan."""
    config = load_config(project)
    planned, context = make_plan(config, RunOptions(force=True))
    counts: dict[str, int] = {}
    for p in planned:
        counts[p.job.notebook] = counts.get(p.job.notebook, 0) + 1
    chosen, seen = [], {}
    for p in planned:  # every county-wide and survey report; the first per_team of each team kind
        kind = p.job.notebook
        if counts[kind] <= 5 or seen.get(kind, 0) < per_team:
            chosen.append(p)
            seen[kind] = seen.get(kind, 0) + 1
    out = project / "naive"
    out.mkdir(exist_ok=True)
    env = env_for(project)
    env.pop(MEMO_ENV, None)  # the naive loop keeps nothing between reports (workbook run's cache)
    seconds: dict[str, list[float]] = {}
    poster_seconds: dict[str, list[float]] = {}
    exe = poster.chromium_path()
    for p in chosen:
        executed = out / f"{p.job.name}.ipynb"
        papermill_cmd, nbconvert_cmd = naive_commands(config, p, context, executed)
        t_pm, _ = timed(papermill_cmd, env, project)
        t_nb, _ = timed(nbconvert_cmd, env, project)
        # the run also prints each team's A3 poster: the naive way is a browser per poster
        # (benchmarks/posters.py's baseline), as the runner did before it kept one browser
        start = time.perf_counter()
        handed = posters_of(nbformat.read(executed, as_version=4)) if exe else []
        for data in handed:
            one_browser_per_poster(Poster.from_json(data["poster"]), exe)
        t_po = time.perf_counter() - start if handed else 0.0
        seconds.setdefault(p.job.notebook, []).append(t_pm + t_nb + t_po)
        poster_seconds.setdefault(p.job.notebook, []).append(t_po)
        print(
            f"     naive {p.job.name:<36} {t_pm + t_nb + t_po:6.1f} s"
            + (f" (posters {t_po:.1f} s)" if handed else ""),
            flush=True,
        )
    return seconds, poster_seconds, counts


def extrapolated(seconds: dict[str, list[float]], counts: dict[str, int]) -> float:
    """The whole plan's time: each notebook's mean time over its timed reports, times its count."""
    return sum(sum(v) / len(v) * counts[kind] for kind, v in seconds.items())


# ---------------------------------------------------------------- (d), (e): a team's edit


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    return rows[0], rows[1:]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, delimiter=";", lineterminator="\n").writerows([header, *rows])


def change_one_team(data: Path, team_id: str) -> None:
    """The team's last observation with a numerator: numerator + 1 (still <= denominator)."""
    header, rows = _rows(data / "observations.csv")
    col = {name: i for i, name in enumerate(header)}
    for row in reversed(rows):
        if row[col["team_id"]] == team_id and row[col["numerator"]]:
            num, den = int(row[col["numerator"]]), int(row[col["denominator"]])
            row[col["numerator"]] = str(num + 1 if num < den else num - 1)
            break
    else:
        raise SystemExit(f"no observation with a numerator for {team_id}")
    _write(data / "observations.csv", header, rows)


def add_team(data: Path, model: str, new_id: str) -> None:
    """A new team: a copy of ``model``'s rows of teams, measures and observations (no changes
    yet, no driver diagram: a team that has just joined) under ``new_id``."""
    for name in ("teams", "measures", "observations"):
        header, rows = _rows(data / f"{name}.csv")
        col = {n: i for i, n in enumerate(header)}
        copies = []
        for row in rows:
            if row[col["team_id"]] == model:
                copy = list(row)
                copy[col["team_id"]] = new_id
                if name == "teams":
                    copy[col["team_name"]] = f"Ny skola {new_id}"
                copies.append(copy)
        _write(data / f"{name}.csv", header, rows + copies)


def list_stale(project: Path, env: dict[str, str]) -> tuple[float, list[str]]:
    seconds, out = timed([sys.executable, "-m", "analysis.cli", "list"], env, project)
    return seconds, [
        line for line in out.splitlines() if line.split() and " fresh " not in f" {line} "
    ]


# ---------------------------------------------------------------- the run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=100)
    parser.add_argument("--respondents", type=int, default=100_000)
    parser.add_argument(
        "--workers",
        type=int,
        default=(os.cpu_count() or 1) + 2,
        help="reports in parallel (default: as workbook.yml's 'auto', cores + 2)",
    )
    parser.add_argument(
        "--naive-teams",
        type=int,
        default=3,
        help="teams whose two reports the naive loop builds (then extrapolated)",
    )
    parser.add_argument("--skip-dask", action="store_true")
    parser.add_argument(
        "--project",
        type=Path,
        help="keep the project in this folder; a folder that already holds one is reused (its "
        "package code and data as they are), e.g. to run later steps with --steps",
    )
    parser.add_argument(
        "--steps",
        default="bcdae",
        help="which of the steps to run, in this order: b (full build), c (no-op), d (one team "
        "changed), a (naive loop), e (a new team); f (Dask) runs unless --skip-dask",
    )
    args = parser.parse_args()
    workbook = [sys.executable, "-m", "analysis.cli", "run", "--workers", str(args.workers)]
    with contextlib.ExitStack() as stack:
        if args.project is None:
            tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="workbook-county-"))
            project = project_copy(Path(tmp), args.teams, args.respondents)
        elif (args.project / "workbook.yml").is_file():
            project = args.project.resolve()
        else:
            args.project.mkdir(parents=True, exist_ok=True)
            project = project_copy(args.project.resolve(), args.teams, args.respondents)
        run_steps(project, args, workbook)


def run_steps(project: Path, args: argparse.Namespace, workbook: list[str]) -> None:
    """The steps of the module docstring, on ``project``; prints each result as it comes and a
    summary against the issue's aims."""
    env = env_for(project)
    data = project / DATA
    n_reports = len(make_plan(load_config(project), RunOptions())[0])
    print(
        f"county sample: {args.teams} teams, {args.respondents:,} answers; {n_reports} "
        f"reports; {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f} at the start",
        flush=True,
    )
    got: dict[str, float] = {}
    for step in args.steps:
        print(f"     (load {os.getloadavg()[0]:.1f})", flush=True)
        if step == "b":
            with PeakMemory() as mem:
                got["b"], _ = timed([*workbook, "--force"], env, project)
            got["mem_b"] = mem.mb
            durations = [e.get("duration") or 0 for e in index(project)["reports"].values()]
            print(
                f"(b)  workbook run --force, {n_reports} reports  {got['b']:7.1f} s  "
                f"({got['b'] / n_reports:.2f} s per report; sum of report times "
                f"{sum(durations):.0f} s); peak memory {mem.mb:,.0f} MB",
                flush=True,
            )
        elif step == "c":
            runs = sorted(timed(workbook, env, project)[0] for _ in range(3))
            got["c"] = runs[1]
            print(
                f"(c)  workbook run, nothing changed, 3 runs: median {runs[1]:.2f} s "
                f"(min {runs[0]:.2f}, max {runs[2]:.2f})",
                flush=True,
            )
        elif step == "d":
            teams = [str(t) for t in index(project)["plan_cache"]["teams"]]
            team = teams[len(teams) // 2]
            change_one_team(data, team)
            t_list, stale = list_stale(project, env)
            print(f"(d)  team {team}: one observation changed", flush=True)
            print(f"     workbook list {t_list:5.2f} s: {len(stale)} stale", flush=True)
            for line in stale:
                print(f"       {' '.join(line.split())}", flush=True)
            started = now_iso()
            time.sleep(1)  # last_run has whole seconds
            with PeakMemory() as mem:
                got["d"], out = timed(workbook, env, project)
            got["mem_d"] = mem.mb
            rebuilt = built_since(project, started)
            durations = {n: index(project)["reports"][n].get("duration") for n in rebuilt}
            print(
                f"     workbook run {got['d']:7.1f} s, rebuilt {len(rebuilt)} of {n_reports}: "
                + ", ".join(f"{n} ({d:.1f} s)" for n, d in durations.items())
                + f"; peak memory {mem.mb:,.0f} MB",
                flush=True,
            )
            print("     " + " / ".join(out.strip().splitlines()[-2:]), flush=True)
        elif step == "a":
            seconds, poster_seconds, counts = naive(project, args.naive_teams)
            done = sum(len(v) for v in seconds.values())
            got["a"] = extrapolated(seconds, counts)
            got["a_posters"] = extrapolated(poster_seconds, counts)
            per_kind = ", ".join(
                f"{kind} {sum(v) / len(v):.1f} s x {counts[kind]}" for kind, v in seconds.items()
            )
            print(
                f"(a)  naive papermill + nbconvert CLI, {done} reports timed; per report "
                f"{per_kind}",
                flush=True,
            )
            print(
                f"     extrapolated to the whole plan      {got['a']:7.0f} s (not run in full); "
                f"of it the posters {got['a_posters']:.0f} s",
                flush=True,
            )
        elif step == "e":
            teams = [str(t) for t in index(project)["plan_cache"]["teams"]]
            new = "t999_ny"
            add_team(data, teams[0], new)
            t_list_e, stale_e = list_stale(project, env)
            started = now_iso()
            time.sleep(1)
            t_e, _ = timed(workbook, env, project)
            rebuilt_e = built_since(project, started)
            print(
                f"(e)  a new team ({new}): workbook list {t_list_e:5.2f} s ({len(stale_e)} stale "
                f"or new); workbook run {t_e:7.1f} s, built {len(rebuilt_e)}: "
                f"{', '.join(rebuilt_e)}",
                flush=True,
            )
        else:
            raise SystemExit(f"unknown step {step!r} (steps: b, c, d, a, e)")

    print(flush=True)
    print(f"load now {os.getloadavg()[0]:.1f}")
    if "a" in got and "b" in got:
        print(f"full build, speed-up (a)/(b): {got['a'] / got['b']:5.1f}x   (aim: at least 12x)")
        print(
            "     against the naive loop without its posters (b still prints them): "
            f"{(got['a'] - got['a_posters']) / got['b']:5.1f}x"
        )
    if "d" in got:
        print(f"one team's observations changed (d): {got['d']:.1f} s   (aim: under 15 s)")
    if "c" in got:
        print(f"nothing changed (c): {got['c']:.2f} s   (aim: under 2 s)")
    if "b" in got:
        print(f"peak memory: full build {got['mem_b']:,.0f} MB", flush=True)
    if args.skip_dask:
        return
    from distributed import LocalCluster

    with PeakMemory() as mem:
        with LocalCluster(
            n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster:
            t_f, _ = timed(
                [*workbook, "--force", "--scheduler", cluster.scheduler_address], env, project
            )
    entries = index(project)["reports"].values()
    ok = sum(1 for e in entries if e.get("status") == "ok")
    print(
        f"(f)  Dask LocalCluster ({args.workers} worker processes), --force: {t_f:7.1f} s, "
        f"{ok} of {len(entries)} ok; peak memory {mem.mb:,.0f} MB",
        flush=True,
    )
    if "b" in got:
        print(f"Dask LocalCluster / local run, full build: {t_f / got['b']:4.2f}x", flush=True)


if __name__ == "__main__":
    main()
