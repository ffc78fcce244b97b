"""What printing the A3 posters costs (issue 18): one browser per run against one per poster.

Prints, for ``--posters`` posters of the sample's teams (their poster summaries, as the team
effect reports hand them over), alternating rounds so that both meet the same load:

(a) baseline: a headless Chromium started for each poster with ``--print-to-pdf`` (how the run
    printed them before), then the same checks (one A3 page, the title in the PDF's text);
(b) ``poster.print_pdf``: one Chromium for the process, driven over the DevTools pipe, every
    poster in one tab; the page checked to show the title, the first PDF read back for its text;

wall time per poster (median of ``--rounds``) and the ratio (b)/(a), measured in the same run,
and the browsers' own CPU time per poster (user + system of the ended browser processes and
their helpers, ``RUSAGE_CHILDREN``; median of the rounds), which Python's clock does not see.

    python benchmarks/posters.py [--posters 9] [--rounds 3]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis import poster, report  # noqa: E402
from analysis.views import team_effects  # noqa: E402
from analysis.views.sections import Poster  # noqa: E402


def sample_posters(count: int) -> list[Poster]:
    """The poster blocks of the sample teams' effect reports (cycled up to ``count``)."""
    found = []
    with contextlib.redirect_stdout(io.StringIO()):
        for team in ("nassjo", "attarp", "rydaholm", "varnamo", "jamlikt", "vetlanda"):
            ctx = report.context("team_effects", team=team, data_dir=ROOT / "data" / "sample")
            page = team_effects.build(ctx)
            found += [b for b in page.blocks() if isinstance(b, Poster)]
    if not found:
        raise SystemExit("the sample's team effect reports hand over no poster")
    return [found[i % len(found)] for i in range(count)]


def one_browser_per_poster(item: Poster, exe: str) -> bytes:
    """The earlier way: a browser process per print (``--print-to-pdf``), the text made smaller
    step by step until the poster fits one page, then its text read back."""
    for scale in poster.SCALES:
        with tempfile.TemporaryDirectory(prefix="workbook-bench-poster-") as tmp:
            page = Path(tmp) / "poster.html"
            page.write_text(poster.poster_html(item, "sv", scale), encoding="utf-8")
            target = Path(tmp) / "poster.pdf"
            subprocess.run(
                [
                    exe,
                    *poster.HEADLESS_FLAGS,
                    "--no-pdf-header-footer",
                    f"--user-data-dir={Path(tmp) / 'profile'}",
                    f"--print-to-pdf={target}",
                    page.as_uri(),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=poster.PRINT_TIMEOUT,
                check=True,
            )
            data = target.read_bytes()
        facts = poster.pdf_facts(data)
        if facts["pages"] == 1:
            break
    title = " ".join(str(item.title).split())[:20]
    if facts["pages"] != 1 or title not in " ".join(facts["text"].split()):
        raise SystemExit(f"the poster of {item.title!r} did not print as one page with its title")
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posters", type=int, default=9)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    exe = poster.chromium_path()
    if exe is None:
        raise SystemExit("no Chromium: apt-get install -y chromium")
    items = sample_posters(args.posters)
    seconds: dict[str, list[float]] = {"a": [], "b": []}
    cpu: dict[str, list[float]] = {"a": [], "b": []}
    for _ in range(args.rounds):
        start, before = time.perf_counter(), browsers_cpu()
        for item in items:
            one_browser_per_poster(item, exe)
        seconds["a"].append((time.perf_counter() - start) / len(items))
        cpu["a"].append((browsers_cpu() - before) / len(items))
        start, before = time.perf_counter(), browsers_cpu()
        for item in items:
            poster.print_pdf(item, "sv", exe=exe)
        seconds["b"].append((time.perf_counter() - start) / len(items))
        poster.close_browsers()  # each round starts its browser: its start is counted
        cpu["b"].append((browsers_cpu() - before) / len(items))
    a, b = statistics.median(seconds["a"]), statistics.median(seconds["b"])
    cpu_a, cpu_b = statistics.median(cpu["a"]), statistics.median(cpu["b"])
    load = os.getloadavg()[0]
    print(f"{len(items)} posters, median of {args.rounds} rounds, load {load:.1f}")
    print(f"{'':46} wall a poster         browser CPU a poster")
    print(f"(a) a browser per poster (--print-to-pdf)     {a:6.3f} s              {cpu_a:6.3f} s")
    print(
        f"(b) one browser over the DevTools pipe         {b:6.3f} s {b / a:5.2f} x (a)  "
        f"{cpu_b:6.3f} s {cpu_b / cpu_a:5.2f} x (a)"
    )


def browsers_cpu() -> float:
    """User + system seconds of this process's ended children (the browsers and their helpers)."""
    import resource

    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


if __name__ == "__main__":
    main()
