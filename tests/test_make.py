"""The Makefile's own behaviour that a user meets before any Python runs."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def make(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.skipif(os.geteuid() != 0, reason="the hint is for root; this user is not root")
def test_make_lab_as_root_says_what_to_do_and_starts_nothing():
    """Issue 16: `make lab` refused to start as root without a hint (JupyterLab's own refusal)."""
    done = make("lab")
    assert done.returncode != 0
    assert "does not start as root" in done.stderr and "make lab ALLOW_ROOT=1" in done.stderr
    assert "jupyter" not in done.stdout  # nothing was started (nor installed)
    # the way out it names: the same command with --allow-root (-n: printed, not run)
    planned = make("-n", "lab", "ALLOW_ROOT=1")
    assert planned.returncode == 0 and "jupyter lab" in planned.stdout
    assert "--allow-root" in planned.stdout
