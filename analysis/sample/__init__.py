"""Deterministic synthetic sample data in exactly the raw format (``data/sample``).

``write_sample(folder)`` writes the programme tables (``programme.py``) and, when the module
exists, the surveys (``surveys.py``: ``write_surveys(folder) -> list[Path]``). The same code
always writes the same bytes: fixed seeds, no timestamps, stable row order.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from pathlib import Path

from .programme import TRUE_EFFECTS, programme_files

__all__ = ["TRUE_EFFECTS", "programme_files", "write_files", "write_sample"]


def write_files(folder: Path, files: dict[str, bytes]) -> list[Path]:
    """Write ``{relative path: bytes}`` under ``folder`` atomically.

    Every file is first written to a temporary name next to its target; only when all of them
    are written are they renamed into place (``os.replace``), so a failure never leaves a
    half-written table behind.
    """
    folder = Path(folder)
    staged: list[tuple[Path, Path]] = []
    try:
        for rel, content in files.items():
            target = folder / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.tmp{os.getpid()}")
            tmp.write_bytes(content)
            staged.append((tmp, target))
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, target in staged:
        os.replace(tmp, target)
    return [target for _, target in staged]


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
    written = write_files(folder, programme_files())
    if importlib.util.find_spec(f"{__name__}.surveys") is not None:
        surveys = importlib.import_module(f"{__name__}.surveys")
        written += list(surveys.write_surveys(folder))
    return written
