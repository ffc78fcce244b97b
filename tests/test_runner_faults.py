"""A run that is killed or stopped leaves no kernel, no temporary file and no false index (issue 19).

Each test starts a real ``workbook run`` as a separate process on a throw-away project (the
sample data, the fixture notebooks of tests/notebooks/; ``sleepy`` sleeps 600 s), kills or stops
it while its kernels compute, and then looks at the processes (``/proc``) and the files. Every
wait is bounded: a test fails, it never hangs.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.faults

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "notebooks"

PLAN = """\
language: sv
data: data/sample
run:
  kernel: python3
  cell_timeout: 900
  workers: 2
reports:
  - notebook: tiny
  - notebook: sleepy
    name: sleepy1
  - notebook: sleepy
    name: sleepy2
"""


def make_project(folder: Path) -> Path:
    (folder / "notebooks").mkdir(parents=True)
    for name in ("tiny", "sleepy"):
        shutil.copy(FIXTURES / f"{name}.ipynb", folder / "notebooks" / f"{name}.ipynb")
    shutil.copytree(ROOT / "data" / "sample", folder / "data" / "sample")
    (folder / "workbook.yml").write_text(PLAN, encoding="utf-8")
    return folder


def start(project: Path, *args: str) -> subprocess.Popen:
    """``workbook run`` in its own session (so that the test can signal it alone)."""
    env = dict(os.environ, WORKBOOK_ROOT=str(project))
    return subprocess.Popen(
        [sys.executable, "-m", "analysis.cli", "run", *args],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def workbook(project: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = dict(os.environ, WORKBOOK_ROOT=str(project))
    return subprocess.run(
        [sys.executable, "-m", "analysis.cli", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _stat(pid: int) -> tuple[int, str, int] | None:
    """(parent pid, state, start time) of ``pid`` from /proc, None when it does not exist."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return None
    fields = raw[raw.rindex(b")") + 2 :].split()
    return int(fields[1]), fields[0].decode(), int(fields[19])


def descendants(pid: int) -> dict[int, int]:
    """Every process below ``pid`` (children, grandchildren, ...) -> its start time."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            children.setdefault(stat[0], []).append(int(entry.name))
    found, todo = {}, [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            stat = _stat(child)
            if stat is not None:
                found[child] = stat[2]
                todo.append(child)
    return found


def still_running(processes: dict[int, int]) -> list[int]:
    """The processes of ``processes`` that still exist (same pid and start time, not a zombie)."""
    alive = []
    for pid, started in processes.items():
        stat = _stat(pid)
        if stat is not None and stat[2] == started and stat[1] != "Z":
            alive.append(pid)
    return alive


def wait_until(condition, timeout: float, what: str):
    """Poll ``condition`` until it is true (returned) or fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"gave up after {timeout:.0f} s waiting for {what}")


def kernels_computing(run: subprocess.Popen, count: int) -> dict[int, int]:
    """Wait until ``run`` has ``count`` kernels (processes below it other than the zygote) and
    return every process below it."""

    def ready():
        if run.poll() is not None:
            pytest.fail(f"the run ended early:\n{run.stdout.read()[-2000:]}")
        below = descendants(run.pid)
        kernels = [p for p in below if _stat(p) and _stat(p)[0] != run.pid]  # zygote's children
        plain = [p for p in below if b"ipykernel" in _cmdline(p)]
        return below if max(len(kernels), len(plain)) >= count else None

    below = wait_until(ready, 90, f"{count} kernels to start")
    time.sleep(1.0)  # the cells are executing
    return below


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def read_index(project: Path) -> dict:
    return json.loads((project / "outputs" / "index.json").read_text(encoding="utf-8"))


def leftovers_of(pid: int) -> list[Path]:
    from analysis.runner.kernels import ipc_dir

    return [
        *Path(tempfile.gettempdir()).glob(f"workbook-{pid}-*"),
        *Path(ipc_dir()).glob(f"k-{pid}-*"),
        *Path(ipc_dir()).glob(f"kernel-{pid}-*"),
    ]


def honest(project: Path) -> list[str]:
    """Reports the index calls current (ok/reused) that ``workbook list`` would rebuild."""
    listing = workbook(project, "list").stdout
    states = {line.split()[0]: line.split()[1] for line in listing.splitlines() if line.strip()}
    return [
        name
        for name, entry in read_index(project)["reports"].items()
        if entry.get("status") in ("ok", "reused") and states.get(name) != "fresh"
    ]


def kill_9(run: subprocess.Popen, below: dict[int, int]) -> None:
    """``kill -9`` the run alone (not its process group) and wait for its kernels to end."""
    below.update(descendants(run.pid))
    try:
        os.kill(run.pid, signal.SIGKILL)
        run.wait(timeout=10)
        wait_until(
            lambda: not still_running(below),
            15,
            f"the kernels of the killed run to end (still running: {still_running(below)})",
        )
    finally:  # a failed test must not leave orphans either
        for pid in still_running(below):
            os.kill(pid, signal.SIGKILL)


def test_kill_9_leaves_no_kernel_and_the_next_run_cleans_up(tmp_path):
    project = make_project(tmp_path / "project")
    first = workbook(project, "run", "--only", "tiny", "--plain-kernels")  # (quicker to start)
    assert first.returncode == 0, first.stdout + first.stderr
    assert read_index(project)["reports"]["tiny"]["status"] == "ok"
    # new data: every report is out of date, and this run is killed half-way
    with open(project / "data" / "sample" / "teams.csv", "a", encoding="utf-8") as handle:
        handle.write("\n")
    run = start(project)
    below = {}
    try:
        below = kernels_computing(run, 2)
        index = read_index(project)
        assert index["finished"] is None
        assert all(e["status"] == "pending" for e in index["reports"].values())  # not "ok"
    finally:
        kill_9(run, below)
    assert leftovers_of(run.pid), "the killed run had temporary files (else nothing is tested)"
    # the index claims nothing the killed run did not finish, and says it did not finish
    assert honest(project) == []
    assert "har inte avslutats" in (project / "outputs" / "index.html").read_text(encoding="utf-8")
    # the next run removes what the killed one left behind
    again = workbook(project, "run", "--only", "tiny", "--plain-kernels")
    assert again.returncode == 0, again.stdout + again.stderr
    assert leftovers_of(run.pid) == []


def test_kill_9_leaves_no_plain_kernel(tmp_path):
    """``--plain-kernels``: ordinary kernel processes end with the run too."""
    project = make_project(tmp_path / "project")
    run = start(project, "--plain-kernels")
    below = {}
    try:
        below = kernels_computing(run, 2)
    finally:
        kill_9(run, below)


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_stopped_run_ends_at_once_and_publishes_what_finished(tmp_path, sig, code):
    project = make_project(tmp_path / "project")
    run = start(project)
    below = {}
    try:
        below = kernels_computing(run, 2)  # tiny has finished or is about to; sleepy1 computes
        wait_until(
            lambda: read_index(project)["reports"]["tiny"]["status"] == "ok",
            60,
            "tiny to be published",
        )
        below.update(descendants(run.pid))
        os.kill(run.pid, sig)  # Ctrl-C in a terminal, or systemd/cron stopping the job
        try:
            out, _ = run.communicate(timeout=30)  # sleepy would take 600 s
        except subprocess.TimeoutExpired:
            pytest.fail("the run did not stop")
    finally:
        if run.poll() is None:
            kill_9(run, below)
    assert run.returncode == code, out
    wait_until(lambda: not still_running(below), 5, "the kernels to end")
    assert "stopped" in out and "1 built and published" in out
    index = read_index(project)
    assert index["interrupted"] and index["finished"]
    reports = index["reports"]
    assert reports["tiny"]["status"] == "ok" and (project / "outputs" / "tiny.html").is_file()
    assert reports["sleepy1"]["status"] == "pending" and reports["sleepy2"]["status"] == "pending"
    assert not (project / "outputs" / "sleepy1.html").exists()
    page = (project / "outputs" / "index.html").read_text(encoding="utf-8")
    assert "Körningen stoppades" in page and "2 ej körda" in page
    assert honest(project) == []
    assert leftovers_of(run.pid) == []  # a stopped run cleans up after itself
