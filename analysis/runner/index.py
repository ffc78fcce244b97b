"""The run index: ``outputs/index.json`` (machine-readable) and ``outputs/index.html`` (people)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..io import write_atomic as atomic_write
from ..text import escape, t

INDEX_JSON = "index.json"
INDEX_HTML = "index.html"
STATUSES = ("ok", "reused", "failed", "pending")


def read_index(outputs: Path) -> dict[str, Any]:
    """The previous index (empty when missing or unreadable: then everything is rebuilt)."""
    try:
        data = json.loads((Path(outputs) / INDEX_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"reports": {}}
    if not isinstance(data, dict) or not isinstance(data.get("reports"), dict):
        return {"reports": {}}
    return data


def write_index(outputs: Path, index: dict[str, Any], lang: str, css: str) -> None:
    atomic_write(
        Path(outputs) / INDEX_JSON,
        json.dumps(index, indent=1, ensure_ascii=False, sort_keys=False, default=str),
    )
    atomic_write(Path(outputs) / INDEX_HTML, render_index(index, lang, css))


def _size(n: int | None) -> str:
    if not n:
        return "–"
    return f"{n / 1024:.0f} kB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


def _time(value: str | None) -> str:
    return value.replace("T", " ")[:16] if value else "–"


def _params(params: dict[str, Any], lang: str) -> str:
    if not params:
        return t("runner_none", lang)
    return ", ".join(f"{k}={'–' if v is None else v}" for k, v in params.items())


def render_index(index: dict[str, Any], lang: str, css: str) -> str:
    """The index page: one card per report (a list reads better than a wide table on a phone)."""
    # failures first: they are what the reader must act on
    reports = sorted(index.get("reports", {}).values(), key=lambda r: r.get("status") != "failed")
    counts = {s: sum(1 for r in reports if r.get("status") == s) for s in STATUSES}
    sample = any(r.get("source") == "sample" for r in reports)
    cards = []
    for r in reports:
        status = r.get("status", "pending")
        badge = f'<span class="status {escape(status)}">{escape(t("runner_status_" + status, lang))}</span>'
        if r.get("stale"):
            badge += f' <span class="status stale">{escape(t("runner_stale", lang))}</span>'
        title = escape(r["name"])
        if r.get("html"):
            title = f'<a href="{escape(r["html"])}">{title}</a>'
        rows = [
            (t("runner_status", lang), badge),
            (t("runner_notebook", lang), escape(r.get("notebook"))),
            (t("runner_parameters", lang), escape(_params(r.get("params") or {}, lang))),
            (t("runner_last_success", lang), escape(_time(r.get("last_success")))),
            (t("runner_last_run", lang), escape(_time(r.get("last_run")))),
            (
                t("runner_duration", lang),
                escape(t("runner_seconds", lang, value=f"{r['duration']:.1f}"))
                if r.get("duration") is not None
                else "–",
            ),
            (
                t("runner_source", lang),
                escape(t("runner_source_" + r["source"], lang))
                if r.get("source") in ("sample", "raw")
                else "–",
            ),
            (t("runner_size", lang), escape(_size(r.get("size")))),
        ]
        if r.get("error"):
            rows.append(
                (t("runner_error", lang), f'<span class="error">{escape(r["error"])}</span>')
            )
            if r.get("stale") and r.get("html"):
                rows.append(
                    ("", escape(t("runner_stale_note", lang, time=_time(r.get("last_success")))))
                )
            elif not r.get("html"):
                rows.append(("", escape(t("runner_no_report", lang))))
            if r.get("executed"):
                rows.append(
                    (
                        "",
                        f'<a href="{escape(r["executed"])}">{escape(t("runner_executed", lang))}</a>',
                    )
                )
        dl = "".join(f"<dt>{escape(k)}</dt><dd>{v}</dd>" for k, v in rows)
        cards.append(f'<li class="card {escape(status)}"><h2>{title}</h2><dl>{dl}</dl></li>')
    summary = t(
        "runner_summary",
        lang,
        total=len(reports),
        ok=counts["ok"],
        reused=counts["reused"],
        failed=counts["failed"],
    )
    if counts["pending"]:
        summary += " " + t("runner_summary_pending", lang, pending=counts["pending"])
    banner = (
        f'<p class="sample-banner">{escape(t("runner_sample_banner", lang))}</p>' if sample else ""
    )
    # the index never claims more than the last finished state
    if index.get("interrupted"):
        stopped = t("runner_interrupted", lang, time=_time(index["interrupted"]))
        banner += f'<p class="run-warning">{escape(stopped)}</p>'
    elif index.get("started") and not index.get("finished"):
        unfinished = t("runner_unfinished", lang, time=_time(index["started"]))
        banner += f'<p class="run-warning">{escape(unfinished)}</p>'
    title = escape(t("runner_index_title", lang))
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>\n{css}</style>\n</head>\n<body>\n<main>\n"
        f"<h1>{title}</h1>\n{banner}\n"
        f'<p class="muted">{escape(t("runner_generated", lang, time=_time(index.get("finished"))))}. '
        f"{escape(summary)}</p>\n"
        f'<ul class="cards">\n{chr(10).join(cards)}\n</ul>\n</main>\n</body>\n</html>\n'
    )
