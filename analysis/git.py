"""Which code made a report: the git commit of the project, and whether the package or the
notebooks had local changes (shown in every report's provenance footer).

Asking git takes three or four processes; a run asks once and hands the answer to its kernels
in ``WORKBOOK_GIT_COMMIT`` (``{"root": ..., "commit": ...}``), which a kernel uses only for the
same project folder.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

ENV = "WORKBOOK_GIT_COMMIT"


def git_commit(root: Path) -> str:
    """The short commit of ``root``'s repository, with " (+ local changes)" when ``analysis/``
    or ``notebooks/`` differ from it (a notebook only re-saved by JupyterLab does not count);
    "unknown" outside git. The value a run handed over (:func:`handed_over`) when there is one."""
    handed = os.environ.get(ENV)
    if handed:
        try:
            value = json.loads(handed)
        except ValueError:
            value = None
        if isinstance(value, dict) and value.get("root") == str(Path(root).resolve()):
            return str(value.get("commit"))
    return _ask_git(root)


def handed_over(root: Path) -> dict[str, str]:
    """The environment that hands ``root``'s commit to a run's kernels (asked once, here)."""
    return {ENV: json.dumps({"root": str(Path(root).resolve()), "commit": _ask_git(root)})}


def _ask_git(root: Path) -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=5,
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", "analysis", "notebooks"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=5,
        )
        top = (
            subprocess.run(
                ["git", "rev-parse", "--show-toplevel"],
                cwd=root,
                capture_output=True,
                text=True,
                timeout=5,
            ).stdout.strip()
            or root
        )
        # porcelain paths are relative to the repository's top folder
        changed = [
            path for path in _changed_paths(dirty.stdout) if not _same_notebook(Path(top), path)
        ]
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    if out.returncode != 0:
        return "unknown"
    return out.stdout.strip() + (" (+ local changes)" if changed else "")


def _changed_paths(porcelain: str) -> list[str]:
    """The paths of ``git status --porcelain`` (v1): ``XY path`` or ``XY old -> new``."""
    paths = []
    for line in porcelain.splitlines():
        if len(line) > 3:
            paths.append(line[3:].split(" -> ")[-1].strip('"'))
    return paths


def _same_notebook(top: Path, path: str) -> bool:
    """True when ``path`` (relative to the repository's ``top``) is a notebook whose cells (type, source, tags) are those of the
    commit: JupyterLab rewrote only its metadata (kernel, versions, ids), no local change."""
    from .io import notebook_content

    if not path.endswith(".ipynb"):
        return False
    file = top / path
    committed = subprocess.run(
        ["git", "show", f"HEAD:{path}"], cwd=top, capture_output=True, timeout=5
    )
    if committed.returncode != 0 or not file.is_file():
        return False
    now = notebook_content(file.read_bytes())
    return now is not None and now == notebook_content(committed.stdout)
