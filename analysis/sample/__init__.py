"""Deterministic synthetic sample data in exactly the raw format (``data/sample``).

``write_sample(folder)`` writes the programme tables (``programme.py``), the network meetings
and the coaches' scores (``progress.py``) and, when the module
exists, the surveys (``surveys.py``: ``write_surveys(folder) -> list[Path]``). The same code
always writes the same bytes: fixed seeds, no timestamps, stable row order.
"""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

from ..io import write_files_atomic
from .programme import TRUE_EFFECTS, programme_files
from .progress import progress_files

__all__ = ["TRUE_EFFECTS", "programme_files", "write_files", "write_sample"]


def write_files(folder: Path, files: dict[str, bytes]) -> list[Path]:
    """Write ``{relative path: bytes}`` under ``folder`` atomically
    (:func:`analysis.io.write_files_atomic`: a failure never leaves a half-written table)."""
    return write_files_atomic(folder, files)


def write_sample(folder: Path | None = None) -> list[Path]:
    """Write the complete sample data set to ``folder`` (default: ``sample_dir`` of workbook.yml).

    Returns the paths of every file written: the programme tables, the driver diagrams and the
    survey folders (when ``analysis.sample.surveys`` exists).
    """
    if folder is None:
        from ..config import load_config

        folder = load_config().sample_dir
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = write_files(folder, {**programme_files(), **progress_files()})
    if importlib.util.find_spec(f"{__name__}.surveys") is not None:
        surveys = importlib.import_module(f"{__name__}.surveys")
        written += list(surveys.write_surveys(folder))
    return written
