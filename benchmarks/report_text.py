"""What the sample reports show, before and after a change: their visible text, figures and marks.

A refactoring that should not change what a reader sees (issue 15: the presentation layer) is
checked here: every sample report is built at two git revisions, and for each report the script
compares

* the visible text (headings, paragraphs, table cells, captions, notes), read from the published
  HTML with BeautifulSoup; the provenance footer (time, commit, file hashes) is left out;
* the figures: each ``<img>``'s alt text and a SHA-256 of its picture (PNG or SVG; matplotlib
  writes the same bytes for the same figure, so a changed hash is a changed picture);
* the privacy marks (``data-cell``, :mod:`analysis.privacy.marks`, on every survey number), which
  the auditor reads, as the marks they decode to (the compact and the first JSON form alike).

Usage::

    python benchmarks/report_text.py build REV OUT.json [--lang sv|en]   # build every report of REV
    python benchmarks/report_text.py extract OUTPUTS_DIR OUT.json         # from built reports
    python benchmarks/report_text.py compare BEFORE.json AFTER.json       # exit 1 on a difference

``build`` checks ``REV`` out into a temporary git worktree and runs ``workbook run --force`` there
with this environment's Python (the checkout's ``analysis`` package first on ``PYTHONPATH``).
``--rename OLD=NEW`` on ``compare`` pairs a report that changed its name.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bs4 import BeautifulSoup

from analysis.privacy.marks import read_attributes

ROOT = Path(__file__).resolve().parent.parent
DATA_URI = re.compile(r"^data:image/(?:png;base64|svg\+xml),")


def page_content(html: str) -> dict[str, list[str]]:
    """The visible text (one line per text node), the figures and the marks of one report page."""
    import base64

    soup = BeautifulSoup(html, "html.parser")
    for hidden in soup(["style", "script", "head"]):
        hidden.decompose()
    for footer in soup.select(".wb-prov"):
        footer.decompose()
    figures = []
    for img in soup.find_all("img"):
        src = img.get("src", "")
        data = DATA_URI.sub("", src)
        raw = base64.b64decode(data) if src.startswith("data:image/png") else data.encode()
        digest = hashlib.sha256(raw).hexdigest()[:16] if src else "-"
        figures.append(f"{img.get('alt', '')} [{digest}]")
        img.replace_with(f"[figure: {img.get('alt', '')}]")
    marks = []
    for cell in soup.find_all(attrs={"data-cell": True}):
        table = cell.find_parent("table", attrs={"data-survey": True})
        mark = read_attributes(cell.attrs, table["data-survey"] if table else None)
        marks.append(f"{cell.get_text(' ', strip=True)} {mark}")
    text = [line for line in soup.get_text("\n").splitlines() if line.strip()]
    return {"text": [" ".join(line.split()) for line in text], "figures": figures, "marks": marks}


def extract(outputs: Path) -> dict[str, dict[str, list[str]]]:
    """``{report name: page_content}`` of every report in ``outputs`` (the index left out)."""
    return {
        path.stem: page_content(path.read_text(encoding="utf-8"))
        for path in sorted(Path(outputs).glob("*.html"))
        if path.name != "index.html"
    }


def build(
    rev: str, lang: str | None = None, keep: Path | None = None
) -> dict[str, dict[str, list[str]]]:
    """Build every report of the plan at git revision ``rev`` and extract them (``keep``: copy
    the built HTML there too)."""
    work = Path(tempfile.mkdtemp(prefix="report-text-"))
    tree = work / "tree"
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), rev],
        check=True,
        capture_output=True,
    )
    try:
        env = {**os.environ, "PYTHONPATH": str(tree), "WORKBOOK_ROOT": str(tree)}
        command = [
            sys.executable,
            "-c",
            "from analysis.cli import main; raise SystemExit(main())",
            "run",
            "--force",
            *(["--lang", lang] if lang else []),
        ]
        done = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True)
        if (
            done.returncode != 0
        ):  # 1: a report failed or the audit refused; the pages are still read
            sys.stderr.write(
                f"workbook run at {rev} exited {done.returncode}:\n"
                + "\n".join((done.stdout + done.stderr).splitlines()[-5:])
                + "\n"
            )
            if done.returncode != 1:
                raise SystemExit(done.returncode)
        if keep is not None:
            shutil.copytree(tree / "outputs", keep, dirs_exist_ok=True)
        return extract(tree / "outputs")
    finally:
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
            capture_output=True,
        )
        shutil.rmtree(work, ignore_errors=True)


def compare(before: dict, after: dict, renames: dict[str, str]) -> list[str]:
    """Unified diffs of every report whose text, figures or marks differ; missing reports named."""
    out: list[str] = []
    after = dict(after)
    for name, old in sorted(before.items()):
        new_name = renames.get(name, name)
        new = after.pop(new_name, None)
        if new is None:
            out.append(f"== {name}: missing after")
            continue
        for part in ("text", "figures", "marks"):
            diff = list(
                difflib.unified_diff(
                    old[part],
                    new[part],
                    f"{name} ({part}) before",
                    f"{new_name} ({part}) after",
                    lineterm="",
                    n=1,
                )
            )
            if diff:
                out.append(f"== {name}: {part} differ")
                out.extend(diff)
    out.extend(f"== {name}: new after" for name in sorted(after))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build")
    b.add_argument("rev")
    b.add_argument("out", type=Path)
    b.add_argument("--lang", choices=("sv", "en"))
    b.add_argument("--keep", type=Path, help="copy the built HTML into this folder")
    e = sub.add_parser("extract")
    e.add_argument("outputs", type=Path)
    e.add_argument("out", type=Path)
    c = sub.add_parser("compare")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    c.add_argument("--rename", action="append", default=[], metavar="OLD=NEW")
    args = parser.parse_args(argv)
    if args.command in ("build", "extract"):
        pages = (
            build(args.rev, args.lang, args.keep)
            if args.command == "build"
            else extract(args.outputs)
        )
        args.out.write_text(json.dumps(pages, ensure_ascii=False, indent=1), encoding="utf-8")
        print(
            f"{len(pages)} reports, {sum(len(p['text']) for p in pages.values())} lines of text, "
            f"{sum(len(p['figures']) for p in pages.values())} figures, "
            f"{sum(len(p['marks']) for p in pages.values())} marked numbers -> {args.out}"
        )
        return 0
    renames = dict(r.split("=", 1) for r in args.rename)
    before = json.loads(args.before.read_text(encoding="utf-8"))
    after = json.loads(args.after.read_text(encoding="utf-8"))
    lines = compare(before, after, renames)
    print("\n".join(lines) if lines else f"the same: {len(before)} reports (text, figures, marks)")
    return 1 if lines else 0


if __name__ == "__main__":
    raise SystemExit(main())
