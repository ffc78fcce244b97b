"""Headless runs never hang (issue 19): the explorer 50 times in a row, and the minimal repro.

(a) ``notebooks/explore.ipynb`` executed headless by stock ``papermill`` (its default kernel
    manager and nbclient, as ``make test`` and CI run it) in a fresh kernel, ``--runs`` times in a
    row (default 50). Every run is a subprocess with a watchdog of ``--watchdog`` seconds: a run
    that has not finished by then is counted as a hang and killed (with its kernel).
(b) The minimal reproduction of nbclient issue #312, a notebook whose one cell is
    ``out = Output(); display(out); with out: print("x" * 200000)``, ``--repro`` times with the
    stock kernel client and as many times with the runner's (``analysis.runner.kernels``, whose
    channels re-check the socket instead of trusting its edge-triggered wake-up).

(c) ``notebooks/explore.ipynb`` under nbval as ``make test`` runs it (``pytest --nbval-lax``: the
    notebook's own kernel, its default parameters, no injected cell), ``--nbval`` times in a row,
    each a fresh pytest process under the same watchdog.

Before the fix, (a) hung 1 of 10 on this machine (7 of 10 in the issue's attack run) and (b) with
the stock client hangs about every second run. Prints counts and times; exits 1 on any hang of
the explorer or of the runner's client.

    python benchmarks/explore_headless.py               # 50 + 20 explorer runs, 20 + 20 repro runs
    python benchmarks/explore_headless.py --runs 10 --repro 8 --nbval 5
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

REPRO_CELL = (
    "import ipywidgets as w\nfrom IPython.display import display\nout = w.Output()\n"
    'display(out)\nwith out:\n    print("x" * 200000)'
)

RUN = """
import sys, papermill
extra = {}
if sys.argv[3] == "runner":
    from analysis.runner.kernels import IPCKernelManager
    extra["kernel_manager_class"] = IPCKernelManager
papermill.execute_notebook(sys.argv[1], sys.argv[2], kernel_name="python3", progress_bar=False,
                           parameters={"data_dir": sys.argv[4]} if sys.argv[4] else None,
                           cwd=sys.argv[5], **extra)
"""


def one_run(
    notebook: Path, out: Path, client: str, watchdog: float, data_dir: str = ""
) -> tuple[str, float]:
    """Execute ``notebook`` once in a fresh process; ``("ok"|"hang"|"error", seconds)``."""
    if client == "nbval":
        command = [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--nbval-lax",
            str(notebook),
        ]
    else:
        command = [
            sys.executable,
            "-c",
            RUN,
            str(notebook),
            str(out),
            client,
            data_dir,
            str(notebook.parent),
        ]
    start = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        err, _ = process.communicate(timeout=watchdog)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the session holds papermill and its kernel
        process.communicate()
        return "hang", time.perf_counter() - start
    if process.returncode != 0:
        print(err[-1500:], file=sys.stderr)
        return "error", time.perf_counter() - start
    return "ok", time.perf_counter() - start


def series(
    label: str,
    notebook: Path,
    out: Path,
    client: str,
    runs: int,
    watchdog: float,
    data_dir: str = "",
) -> dict[str, int]:
    counts = {"ok": 0, "hang": 0, "error": 0}
    times = []
    for i in range(runs):
        outcome, seconds = one_run(notebook, out, client, watchdog, data_dir)
        counts[outcome] += 1
        times.append(seconds)
        print(f"  {label} run {i + 1:>2}: {outcome} {seconds:.1f} s", flush=True)
    ok_times = sorted(t for t in times)
    median = ok_times[len(ok_times) // 2] if ok_times else float("nan")
    print(
        f"{label}: {counts['ok']} ok, {counts['hang']} hung (> {watchdog:.0f} s), "
        f"{counts['error']} failed of {runs}; median {median:.1f} s a run",
        flush=True,
    )
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=50, help="explorer runs (default 50)")
    parser.add_argument(
        "--repro", type=int, default=20, help="runs of the minimal repro per client"
    )
    parser.add_argument(
        "--nbval", type=int, default=20, help="explorer runs under nbval (default 20)"
    )
    parser.add_argument(
        "--watchdog", type=float, default=60.0, help="seconds before a run counts as hung"
    )
    args = parser.parse_args()

    import nbformat

    with tempfile.TemporaryDirectory(prefix="explore-bench-") as tmp:
        tmp_path = Path(tmp)
        repro = tmp_path / "output_widget.ipynb"
        nb = nbformat.v4.new_notebook()
        nb.cells = [
            nbformat.v4.new_code_cell(REPRO_CELL),
            nbformat.v4.new_code_cell('print("done")'),
        ]
        nb.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        nbformat.write(nb, repro)

        print(
            f"(a) notebooks/explore.ipynb, stock papermill, fresh kernel, {args.runs} runs in a row"
        )
        explorer = series(
            "explore",
            ROOT / "notebooks" / "explore.ipynb",
            tmp_path / "explore.ipynb",
            "stock",
            args.runs,
            args.watchdog,
            str(ROOT / "data" / "sample"),
        )
        print(
            f"(c) notebooks/explore.ipynb under nbval (pytest --nbval-lax), {args.nbval} runs in a row"
        )
        nbval = series(
            "explore, nbval",
            ROOT / "notebooks" / "explore.ipynb",
            tmp_path / "unused.ipynb",
            "nbval",
            args.nbval,
            args.watchdog,
        )
        repro_watchdog = min(args.watchdog, 30.0)
        print(
            f"(b) minimal repro (Output widget, 200,000 characters), {args.repro} runs per client"
        )
        stock = series(
            "repro, stock client ",
            repro,
            tmp_path / "r1.ipynb",
            "stock",
            args.repro,
            repro_watchdog,
        )
        ours = series(
            "repro, runner client",
            repro,
            tmp_path / "r2.ipynb",
            "runner",
            args.repro,
            repro_watchdog,
        )
    print(
        f"summary: explorer {explorer['ok']}/{args.runs} ok with papermill, {nbval['ok']}/{args.nbval} "
        f"with nbval; repro hangs: stock client {stock['hang']}/{args.repro}, runner client "
        f"{ours['hang']}/{args.repro}"
    )
    failed = [c for c in (explorer, nbval, ours) if c["hang"] or c["error"]]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
