"""The run index: ``outputs/index.json`` (machine-readable) and ``outputs/index.html`` (people).

The HTML is a table of contents for readers (a steering group, a coach on a phone): the county,
survey and goal reports first, then one block per team with its real name, municipality, focus
area and cohort; report types in words; a report's language versions side by side. What the run
did (status, times, sizes, failures) is in a collapsed section at the end. The page speaks the
language of ``workbook.yml`` whatever ``--lang`` the last run had.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..clock import shown
from ..config import LANGUAGES
from ..io import write_atomic as atomic_write
from ..text import escape, label, t

INDEX_JSON = "index.json"
INDEX_HTML = "index.html"
STATUSES = ("ok", "reused", "failed", "pending")
#: The report types the index names in words; another notebook is shown by its name.
KINDS = ("county", "team_baseline", "team_effects", "survey", "gap_analysis", "change_menu")
#: The order of the reports about the whole network (before the teams).
NETWORK_ORDER = ("county", "survey", "gap_analysis", "change_menu")
TEAM_ORDER = ("team_baseline", "team_effects")
REGION_CODE = "0006"  # Region Jönköpings län (schemas.REGION_CODE; not imported: pandas)


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
    """Write ``index.json`` and ``index.html`` (in ``lang``: the language of workbook.yml)."""
    atomic_write(
        Path(outputs) / INDEX_JSON,
        json.dumps(index, indent=1, ensure_ascii=False, sort_keys=False, default=str),
    )
    atomic_write(Path(outputs) / INDEX_HTML, render_index(index, lang, css))


# ---------------------------------------------------------------- language versions


def report_base(name: str, lang: str, default_lang: str) -> str:
    """The name of a report without its language suffix (``baseline_nassjo_en`` built with
    ``--lang en`` -> ``baseline_nassjo``; a report in the default language has none)."""
    suffix = f"_{lang}"
    return name[: -len(suffix)] if lang != default_lang and name.endswith(suffix) else name


def entry_lang(name: str, entry: dict[str, Any], default_lang: str) -> str:
    """The language of an index entry (older indexes did not store it: read the suffix)."""
    if entry.get("lang") in LANGUAGES:
        return entry["lang"]
    for lang in LANGUAGES:
        if lang != default_lang and name.endswith(f"_{lang}"):
            return lang
    return default_lang


def entry_base(name: str, entry: dict[str, Any], default_lang: str) -> str:
    return entry.get("base") or report_base(
        name, entry_lang(name, entry, default_lang), default_lang
    )


def kept_entries(
    reports: dict[str, dict[str, Any]], planned: list[str], lang: str, default_lang: str
) -> dict[str, dict[str, Any]]:
    """The index entries a full run in ``lang`` keeps: its own reports (``planned``) and the
    other languages' versions of them (built by an earlier ``--lang`` run). A report no longer
    in the plan leaves the index in every language."""
    bases = {report_base(name, lang, default_lang) for name in planned}
    return {
        name: entry
        for name, entry in reports.items()
        if entry_base(name, entry, default_lang) in bases
        and (entry_lang(name, entry, default_lang) != lang or name in planned)
    }


# ---------------------------------------------------------------- formatting


def _size(n: int | None) -> str:
    if not n:
        return "–"
    return f"{n / 1024:.0f} kB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


def _params(params: dict[str, Any], lang: str) -> str:
    if not params:
        return t("runner_none", lang)
    return ", ".join(f"{k}={'–' if v is None else v}" for k, v in params.items())


def _kind(notebook: str, lang: str) -> str:
    return t(f"index_kind_{notebook}", lang) if notebook in KINDS else notebook


def _extra_params(params: dict[str, Any], lang: str) -> str:
    """Parameters other than the team or survey, in words (``år 2024``)."""
    words = []
    for key, value in params.items():
        if key in ("team", "survey") or value is None:
            continue
        words.append(t("index_param_year", lang, year=value) if key == "year" else f"{key} {value}")
    return ", ".join(words)


def _badge(entry: dict[str, Any], lang: str) -> str:
    status = entry.get("status", "pending")
    out = ""
    if status in ("failed", "pending"):
        out += f' <span class="status {escape(status)}">{escape(t("runner_status_" + status, lang))}</span>'
    if entry.get("stale"):
        out += f' <span class="status stale">{escape(t("runner_stale", lang))}</span>'
    return out


def _versions(versions: dict[str, dict[str, Any]], title: str, lang: str, context: str = "") -> str:
    """The report's title linked to its version in ``lang``, its other languages beside it.
    ``context`` (the team's name) is read out by screen readers, not shown."""
    main = versions.get(lang)
    hidden = f'<span class="visually-hidden"> – {escape(context)}</span>' if context else ""
    if main is not None and main.get("html"):
        head = f'<a href="{escape(main["html"])}">{title}{hidden}</a>'
    else:
        head = f'<span class="unlinked">{title}</span>'
    if main is not None:
        head += _badge(main, lang)
        if not main.get("html"):
            head += f' <span class="muted">{escape(t("index_no_version", lang))}</span>'
    others = []
    for other in LANGUAGES:
        entry = versions.get(other)
        if other == lang or entry is None or not entry.get("html"):
            continue
        word = t(f"index_language_{other}", other)
        others.append(
            f'<a href="{escape(entry["html"])}" hreflang="{other}" lang="{other}">'
            f"{escape(word)}{hidden}</a>{_badge(entry, lang)}"
        )
    if others:
        head += f' <span class="versions">{" ".join(others)}</span>'
    return head


def _posters(entry: dict[str, Any] | None, lang: str, context: str = "") -> str:
    """Links to the report's print-ready posters (the A3 PDFs the run made beside it), or a
    note when one could not be printed."""
    if not entry or not entry.get("posters"):
        return ""
    hidden = f'<span class="visually-hidden"> – {escape(context)}</span>' if context else ""
    links = []
    for pdf in entry["posters"].values():
        if pdf:
            # a PDF kept from an earlier run because this run could not print one
            stale = (
                f' <span class="status stale">{escape(t("runner_stale", lang))}</span>'
                if entry.get("poster_errors")
                else ""
            )
            links.append(
                f'<a href="{escape(pdf)}" type="application/pdf">'
                f"{escape(t('index_poster_pdf', lang))}{hidden}</a>{stale}"
            )
        else:
            links.append(f'<span class="muted">{escape(t("index_poster_missing", lang))}</span>')
    return f' <span class="versions">{" ".join(links)}</span>'


def _item(
    notebook: str, title: str, versions: dict[str, dict[str, Any]], lang: str, context: str = ""
) -> str:
    return (
        f'<li><span class="kind">{escape(_kind(notebook, lang))}</span> '
        f'<span class="title">{_versions(versions, escape(title), lang, context)}'
        f"{_posters(versions.get(lang), lang, context)}</span></li>"
    )


def _grouped(index: dict[str, Any], lang: str) -> dict[str, dict[str, Any]]:
    """Index entries by report (base name): notebook, parameters and the entry per language."""
    groups: dict[str, dict[str, Any]] = {}
    for name, entry in index.get("reports", {}).items():
        base = entry_base(name, entry, lang)
        group = groups.setdefault(
            base,
            {
                "notebook": entry.get("notebook") or name,
                "params": entry.get("params") or {},
                "versions": {},
            },
        )
        version = entry_lang(name, entry, lang)
        group["versions"][version] = entry
        if version == lang:  # the default language's entry says what the report is
            group["notebook"] = entry.get("notebook") or name
            group["params"] = entry.get("params") or {}
    return groups


def _survey_title(survey: str, catalogue: dict[str, Any], lang: str) -> str:
    titles = (catalogue.get("surveys") or {}).get(survey) or {}
    return titles.get(lang) or titles.get("sv") or str(survey)


def _network_title(group: dict[str, Any], catalogue: dict[str, Any], lang: str) -> str:
    notebook, params = group["notebook"], group["params"]
    if params.get("survey") is not None:
        title = _survey_title(str(params["survey"]), catalogue, lang)
    elif notebook in KINDS:
        title = t(f"index_title_{notebook}", lang)
    else:
        title = notebook
    extra = _extra_params(params, lang)
    return f"{title} ({extra})" if extra else title


def _team_meta(team: str, catalogue: dict[str, Any], lang: str) -> tuple[str, str]:
    """A team's heading (its name; the id when the data do not say) and its facts line."""
    info = (catalogue.get("teams") or {}).get(team) or {}
    facts = []
    if info.get("municipality_code") == REGION_CODE:  # a county-wide team
        facts.append(t("index_region", lang))
    elif info.get("municipality"):
        facts.append(info["municipality"])
    if info.get("focus_area"):
        facts.append(label(info["focus_area"], lang))
    if info.get("cohort"):
        facts.append(t("index_cohort", lang, cohort=info["cohort"]))
    return info.get("name") or team, " · ".join(facts)


def _toc(index: dict[str, Any], lang: str) -> str:
    catalogue = index.get("catalogue") or {}
    groups = _grouped(index, lang)
    network: list[tuple[tuple, str]] = []
    teams: dict[str, list[tuple[tuple, str]]] = {}
    for base, group in groups.items():
        notebook, params = group["notebook"], group["params"]
        team = params.get("team")
        if team is not None and notebook != "county":
            rank = TEAM_ORDER.index(notebook) if notebook in TEAM_ORDER else len(TEAM_ORDER)
            extra = _extra_params(params, lang)
            title = t(f"index_title_{notebook}", lang) if notebook in TEAM_ORDER else notebook
            title = f"{title} ({extra})" if extra else title
            name = _team_meta(str(team), catalogue, lang)[0]
            teams.setdefault(str(team), []).append(
                ((rank, base), _item(notebook, title, group["versions"], lang, name))
            )
        else:
            kind = "survey" if params.get("survey") is not None else notebook
            rank = NETWORK_ORDER.index(kind) if kind in NETWORK_ORDER else len(NETWORK_ORDER)
            title = _network_title(group, catalogue, lang)
            network.append(
                ((rank, title.casefold(), base), _item(notebook, title, group["versions"], lang))
            )
    parts = []
    if network:
        items = "\n".join(html for _, html in sorted(network))
        parts.append(
            f'<section aria-labelledby="network"><h2 id="network">'
            f'{escape(t("index_network", lang))}</h2>\n<ul class="toc">\n{items}\n</ul>\n'
            "</section>"
        )
    if teams:
        blocks = []

        def order(team: str) -> tuple[str, str]:
            info = (catalogue.get("teams") or {}).get(team) or {}
            return (
                str(info.get("municipality") or "~").casefold(),
                str(info.get("name") or team).casefold(),
            )

        for number, team in enumerate(sorted(teams, key=order), start=1):
            name, facts = _team_meta(team, catalogue, lang)
            items = "\n".join(html for _, html in sorted(teams[team]))
            meta = f'<p class="team-facts">{escape(facts)}</p>' if facts else ""
            blocks.append(
                f'<li class="team"><h3 id="team-{number}">{escape(name)}</h3>{meta}\n'
                f'<ul class="toc">\n{items}\n</ul></li>'
            )
        parts.append(
            f'<section aria-labelledby="teams"><h2 id="teams">{escape(t("index_teams", lang))}'
            f'</h2>\n<ul class="teams">\n{chr(10).join(blocks)}\n</ul>\n</section>'
        )
    return "\n".join(parts)


def _details(reports: list[dict[str, Any]], lang: str, summary: str) -> str:
    """What the run did, for the analyst: one row per report (failures first)."""
    heads = [
        "runner_report",
        "runner_language",
        "runner_status",
        "runner_last_success",
        "runner_last_run",
        "runner_duration",
        "runner_size",
        "runner_source",
        "runner_parameters",
        "runner_error",
    ]
    rows = []
    for r in reports:
        status = r.get("status", "pending")
        badge = f'<span class="status {escape(status)}">{escape(t("runner_status_" + status, lang))}</span>'
        if r.get("stale"):
            badge += f' <span class="status stale">{escape(t("runner_stale", lang))}</span>'
        name = escape(r.get("name"))
        if r.get("html"):
            name = f'<a href="{escape(r["html"])}">{name}</a>'
        error = ""
        if r.get("error"):
            error = f'<span class="error">{escape(r["error"])}</span>'
            if r.get("stale") and r.get("html"):
                error += "<br>" + escape(
                    t("runner_stale_note", lang, time=shown(r.get("last_success")))
                )
            elif not r.get("html"):
                error += "<br>" + escape(t("runner_no_report", lang))
            if r.get("executed"):
                error += f'<br><a href="{escape(r["executed"])}">{escape(t("runner_executed", lang))}</a>'
        duration = (
            t("runner_seconds", lang, value=f"{r['duration']:.1f}")
            if r.get("duration") is not None
            else "–"
        )
        source = (
            t("runner_source_" + r["source"], lang) if r.get("source") in ("sample", "raw") else "–"
        )
        cells = [
            name,
            escape(r.get("lang") or "–"),
            badge,
            escape(shown(r.get("last_success"))),
            escape(shown(r.get("last_run"))),
            escape(duration),
            escape(_size(r.get("size"))),
            escape(source),
            escape(_params(r.get("params") or {}, lang)),
            error,
        ]
        rows.append(
            f'<tr class="{escape(status)}"><th scope="row">{cells[0]}</th>'
            + "".join(f"<td>{c}</td>" for c in cells[1:-1])
            + f'<td class="problem">{cells[-1]}</td></tr>'
        )
    head = "".join(f'<th scope="col">{escape(t(h, lang))}</th>' for h in heads)
    caption = escape(t("runner_details_caption", lang))
    return (
        f'<details class="run-details"><summary>{escape(t("runner_details", lang))}: '
        f"{escape(summary)}</summary>\n"
        f'<div class="scroll" tabindex="0" role="region" aria-label="{caption}">'
        f"<table><caption>{caption}</caption><thead><tr>{head}</tr></thead>\n<tbody>\n"
        + "\n".join(rows)
        + "\n</tbody></table></div>\n</details>"
    )


def render_index(index: dict[str, Any], lang: str, css: str) -> str:
    """The index page in ``lang``: the table of contents, then the run details (collapsed)."""
    # failures first in the details: they are what the analyst must act on
    reports = sorted(index.get("reports", {}).values(), key=lambda r: r.get("status") != "failed")
    counts = {s: sum(1 for r in reports if r.get("status") == s) for s in STATUSES}
    sample = any(r.get("source") == "sample" for r in reports) or index.get("source") == "sample"
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
        stopped = t("runner_interrupted", lang, time=shown(index["interrupted"]))
        banner += f'<p class="run-warning">{escape(stopped)}</p>'
    elif index.get("started") and not index.get("finished"):
        unfinished = t("runner_unfinished", lang, time=shown(index["started"]))
        banner += f'<p class="run-warning">{escape(unfinished)}</p>'
    if counts["failed"]:
        failed = t(
            "index_failed_one" if counts["failed"] == 1 else "index_failed",
            lang,
            failed=counts["failed"],
        )
        banner += f'<p class="run-warning">{escape(failed)}</p>'

    title = escape(t("runner_index_title", lang))
    updated = t("runner_generated", lang, time=shown(index.get("finished") or index.get("started")))
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>\n{css}</style>\n</head>\n<body>\n<main>\n"
        f"<h1>{title}</h1>\n{banner}\n"
        f'<p class="muted">{escape(t("index_intro", lang))} {escape(updated)}.</p>\n'
        f"{_toc(index, lang)}\n"
        f"{_details(reports, lang, summary)}\n"
        "</main>\n</body>\n</html>\n"
    )
