"""Shared test settings: figures never open a window, the project root is this repository."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
os.environ.setdefault("WORKBOOK_ROOT", str(ROOT))
