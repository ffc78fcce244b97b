"""Shared test settings: figures never open a window, the project root is this repository."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

# The runner tests' fixture notebooks (some fail or hang on purpose): not for nbval to collect.
collect_ignore = ["notebooks"]

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
os.environ.setdefault("WORKBOOK_ROOT", str(ROOT))
