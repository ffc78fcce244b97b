"""What a notebook needs: its context (validated parameters), and the renderer that shows a view.

A report notebook is three calls::

    ctx = report.context("team_effects", team=team, lang=lang, data_dir=data_dir)
    page = team_effects.build(ctx)          # analysis.views: what the report shows, in order
    report.render(page, ctx)                # header, sections, provenance footer

:func:`render` shows a :class:`analysis.views.Page` as HTML in the notebook (and so in the
report nbconvert makes): the header with its sample banner, every block, the provenance footer.
Every value shown is HTML-escaped here, so a view cannot forget it. The report's language is
explicit: views pass ``ctx.lang`` to every text; the figures, whose plot functions read the
language themselves, are drawn inside ``text.language(ctx.lang)``, which ends with the page.
The smaller functions (:func:`header`, :func:`section`, :func:`table`, ...) are the renderer's
parts, also usable on their own.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from . import __version__, clock, git, memo, text
from .config import ConfigError, load_config
from .dataset import reads
from .text import escape, t
from .views.context import ReportContext
from .views.sections import (
    Bullets,
    Figure,
    Glossary,
    Link,
    Note,
    Outline,
    Page,
    Paragraph,
    Poster,
    Section,
    Table,
)

STOCKHOLM = clock.STOCKHOLM

# Which parameters each notebook takes; `lang` and `data_dir` are common to all.
NOTEBOOK_PARAMS: dict[str, dict[str, str]] = {
    "county": {},
    "team_baseline": {"team": "team"},
    "survey": {"survey": "survey"},
    "team_effects": {"team": "team"},
    "gap_analysis": {"year": "year"},
    "change_menu": {},
    "explore": {"team": "optional team", "measure": "optional measure"},
}
COMMON_PARAMS = ("lang", "data_dir")

# Small, print- and phone-friendly CSS, sent once per report with the header.
CSS = """
<style>
.wb-report{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:60rem;line-height:1.45}
.wb-banner{border:3px solid #D55E00;background:#fff3e8;color:#7a2e00;padding:.6rem .9rem;
 font-weight:700;margin:.5rem 0 1rem;border-radius:4px}
.wb-meta{color:#444;margin:.2rem 0}
.wb-scroll{overflow-x:auto;max-width:100%;margin:.4rem 0 1rem}
.wb-scroll:focus-visible{outline:2px solid #0072B2;outline-offset:2px}
.wb-table{border-collapse:collapse;margin:0;font-size:.92rem}
.wb-scroll table.wb-table{display:table;max-width:none}
.wb-scroll caption{position:sticky;left:0;max-width:calc(100vw - 2.5rem)}
a.wb-term{color:inherit;text-decoration:underline dotted;text-underline-offset:.15em}
.wb-glossary dt{font-weight:600;margin-top:.5rem}
.wb-glossary dd{margin:0 0 .3rem 0}
.wb-glossary dt:target{background:#fff3c4}
table.wb-table th,table.wb-table td{border-bottom:1px solid #ddd;padding:.25rem .6rem;text-align:left;vertical-align:top}
table.wb-table td.num,table.wb-table th.num,table.wb-table td[data-cell]{text-align:right;font-variant-numeric:tabular-nums}
.wb-table caption{text-align:left;font-weight:600;padding:.2rem 0}
.wb-note{color:#555;font-size:.9rem}
.wb-fig img{max-width:100%;height:auto}
.wb-tree ul{list-style:none;margin:.2rem 0;padding-left:1.1rem;border-left:2px solid #ccc}
.wb-tree>ul{padding-left:0;border:0}
.wb-tree li{margin:.25rem 0}
.wb-tree-cap{font-weight:600;margin:.4rem 0 .2rem}
.wb-prov{font-size:.82rem;color:#555;border-top:1px solid #ccc;margin-top:2rem;padding-top:.5rem}
@media print{.wb-banner{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
</style>
"""


_collected: list[list[str]] = []  # the HTML of the page being rendered (render), innermost last


def _display_html(markup: str) -> None:
    if _collected:
        _collected[-1].append(markup)
        return
    from IPython.display import HTML, display

    display(HTML(markup))


@contextlib.contextmanager
def _one_output():
    """Show everything :func:`_display_html` gets meanwhile as one output, at the end (also when
    an error stops it half way: what was rendered is shown). A page used to be ~60 outputs, each
    a message from the kernel, an output the runner validated and a wrapper in the HTML."""
    _collected.append([])
    try:
        yield
    finally:
        markup = "".join(_collected.pop())
        if markup:
            _display_html(markup)


def load(data_dir: str | Path | None = None):
    """Load (and validate) the dataset a report uses; ``None`` = the folder workbook.yml selects."""
    from .dataset import load_dataset

    return load_dataset(data_dir)


def context(
    notebook: str, data_dir: str | Path | None = None, lang: str | None = None, **params: Any
) -> ReportContext:
    """The context of one report: the dataset of ``data_dir`` (default: the folder workbook.yml
    selects), the parameters validated against it, the language (``lang`` or workbook.yml's) and
    the privacy settings of workbook.yml.

    Raises ``ConfigError`` naming a bad parameter and the valid values, and
    ``analysis.io.DataError`` listing every problem of the data.
    """
    dataset = load(data_dir)
    reads.start()  # from here on the dataset's accessors record what this report reads
    resolved = validate_params(notebook, dataset, lang=lang, data_dir=data_dir, **params)
    own = {name: resolved[name] for name in NOTEBOOK_PARAMS[notebook]}
    return ReportContext(
        dataset=dataset,
        notebook=notebook,
        lang=resolved["lang"],
        min_count=resolved["min_count"],
        show_free_text=resolved["show_free_text"],
        params=own,
        config=load_config(),
    )


def validate_params(notebook: str, dataset, **params: Any) -> dict[str, Any]:
    """Check a notebook's parameters against the data; return them resolved.

    The result also holds the language (``lang``, else workbook.yml's) and the privacy settings of
    ``workbook.yml`` (``min_count``, ``show_free_text``). Nothing global is set: the language
    travels in the result (and in :class:`ReportContext`).

    Raises ``ConfigError`` with a message naming the bad value and the valid ones (an unknown team
    is a clear error, not an empty report).
    """
    if notebook not in NOTEBOOK_PARAMS:
        raise ConfigError(f"unknown notebook {notebook!r}; known: {', '.join(NOTEBOOK_PARAMS)}")
    allowed = NOTEBOOK_PARAMS[notebook]
    unknown = sorted(set(params) - set(allowed) - set(COMMON_PARAMS))
    if unknown:
        raise ConfigError(
            f"{notebook}: unknown parameter(s) {', '.join(unknown)}; "
            f"it takes {', '.join([*allowed, *COMMON_PARAMS])}"
        )
    resolved: dict[str, Any] = {}
    lang = params.get("lang") or load_config().language
    if lang not in text.LANGUAGES:
        raise ConfigError(f"lang must be one of {', '.join(text.LANGUAGES)}, not {lang!r}")
    resolved["lang"] = lang
    for name, kind in allowed.items():
        value = params.get(name)
        optional = kind.startswith("optional")
        if value is None or (isinstance(value, str) and not value.strip()):
            if not optional:
                raise ConfigError(f"{notebook}: the parameter '{name}' is required")
            resolved[name] = None
            continue
        if kind.endswith("team"):
            value = str(value).strip().lower()
            if not _has(dataset, "team", value):  # only this team's rows, not the whole table
                with reads.paused():
                    team_ids = list(dataset.teams["team_id"])
                raise ConfigError(
                    f"{notebook}: unknown team {value!r} in {dataset.folder}/teams; "
                    f"known teams: {', '.join(team_ids)}"
                )
        elif kind.endswith("measure"):
            team = resolved.get("team")
            if team and hasattr(dataset, "team"):
                measures = dataset.team(team).measures  # this team's rows only
            else:
                measures = dataset.measures
                if team:
                    measures = measures[measures["team_id"] == team]
            known = list(measures["measure_id"])
            if value not in known:
                raise ConfigError(
                    f"{notebook}: unknown measure {value!r}"
                    + (f" for team {team!r}" if team else "")
                    + f"; known measures: {', '.join(known)}"
                )
        elif kind == "survey":
            if not _has(dataset, "survey", value):
                with reads.paused():
                    known = ", ".join(dataset.surveys) or "none"
                raise ConfigError(
                    f"{notebook}: unknown survey {value!r}; surveys in {dataset.folder}/surveys: {known}"
                )
        elif kind == "year":
            try:
                value = int(value)
            except (TypeError, ValueError):
                raise ConfigError(
                    f"{notebook}: year must be a whole number, not {value!r}"
                ) from None
            if not 2000 <= value <= 2100:
                raise ConfigError(f"{notebook}: year {value} is outside 2000-2100")
        resolved[name] = value
    if params.get("data_dir"):
        resolved["data_dir"] = str(params["data_dir"])
    # privacy settings, read here once and passed explicitly to the computations
    config = load_config()
    resolved["min_count"] = config.min_count
    resolved["show_free_text"] = config.show_free_text
    from .surveys.publication import use_cache

    use_cache(
        config.processed_dir / "privacy"
    )  # every report of a run shares each survey's pattern
    return resolved


def _has(dataset, kind: str, value: str) -> bool:
    """``dataset.has_team``/``has_survey`` (recorded as a read of that team or survey only); a
    stand-in dataset without them (a test's) is looked up in its table."""
    method = getattr(dataset, f"has_{kind}", None)
    if method is not None:
        return method(value)
    return value in (set(dataset.teams["team_id"]) if kind == "team" else set(dataset.surveys))


def _team_name(dataset, team_id: str) -> str:
    """The team's name, through ``dataset.team`` (a read of that team's rows only)."""
    if hasattr(dataset, "team"):
        return dataset.team(team_id).name
    return str(team_row(dataset, team_id)["team_name"])


def team_row(dataset, team_id: str) -> pd.Series:
    """The teams-table row of ``team_id`` (validate_params has checked that it exists); a
    report that calls it reads the whole teams table (the header uses ``dataset.team``)."""
    return dataset.teams.loc[dataset.teams["team_id"] == team_id].iloc[0]


def header(title: str, dataset, params: Mapping[str, Any], subtitle: str | None = None) -> None:
    """Show the report title, team, data source and, for sample data, a banner no one can miss."""
    parts = [CSS, '<div class="wb-report">', f"<h1>{escape(title)}</h1>"]
    if subtitle:
        parts.append(f'<p class="wb-meta">{escape(subtitle)}</p>')
    team = params.get("team")
    if team:
        parts.append(
            f'<p class="wb-meta"><b>{escape(t("team"))}:</b> {escape(_team_name(dataset, team))}</p>'
        )
    source = t("data_sample") if dataset.is_sample else t("data_real")
    parts.append(f'<p class="wb-meta"><b>{escape(t("data_source"))}:</b> {escape(source)}</p>')
    if dataset.is_sample:
        parts.append(f'<div class="wb-banner" role="alert">{escape(t("sample_banner"))}</div>')
    parts.append("</div>")
    _display_html("".join(parts))


def section(title: str, level: int = 2) -> None:
    """A section heading."""
    level = min(max(level, 2), 4)
    _display_html(f'<h{level} class="wb-report">{escape(title)}</h{level}>')


def _text_html(body: str, esc: Callable[[str], str] = escape) -> str:
    """Escaped text; a :class:`analysis.privacy.marks.MarkedText` keeps the marks on its numbers.
    ``esc``: the escaping function (:meth:`TermLinker.html` also links glossary terms)."""
    to_html = getattr(body, "to_html", None)
    return to_html(esc) if to_html else esc(body)


class TermLinker:
    """Escapes text and links the first use of each glossary term to its entry (once per page).

    ``entries``: the keys of the terms the page's glossary lists; ``lang``: the language whose
    patterns find them (:mod:`analysis.text.glossary`). Text is escaped piece by piece, so a
    link never splits an escape and nothing unescaped gets through.
    """

    def __init__(self, keys: Iterable[str] = (), lang: str = "sv"):
        from .text import glossary

        self._patterns = {key: glossary.pattern(key, lang) for key in keys}
        self._anchor = glossary.anchor

    def html(self, body: str) -> str:
        body = str(body)
        out, pos = [], 0
        while self._patterns:
            found = [
                (m.start(), -len(m.group()), key, m)
                for key, p in self._patterns.items()
                if (m := p.search(body, pos))
            ]
            if not found:
                break
            _, _, key, match = min(found)
            out.append(escape(body[pos : match.start()]))
            out.append(
                f'<a class="wb-term" href="#{self._anchor(key)}">{escape(match.group())}</a>'
            )
            del self._patterns[key]
            pos = match.end()
        out.append(escape(body[pos:]))
        return "".join(out)


def paragraph(body: str, esc: Callable[[str], str] = escape) -> None:
    """A paragraph of plain text (escaped)."""
    _display_html(f'<p class="wb-report">{_text_html(body, esc)}</p>')


def note(body: str, esc: Callable[[str], str] = escape) -> None:
    """A small explanatory note (escaped)."""
    _display_html(f'<p class="wb-note wb-report">{_text_html(body, esc)}</p>')


def bullets(items: Iterable[str], esc: Callable[[str], str] = escape) -> None:
    """A bulleted list of plain-text items (escaped)."""
    _display_html(
        '<ul class="wb-report">'
        + "".join(f"<li>{_text_html(i, esc)}</li>" for i in items)
        + "</ul>"
    )


def outline_html(block: Outline) -> str:
    """A tree (:class:`analysis.views.sections.Outline`) as nested lists, every text escaped."""

    def items(nodes) -> str:
        return "".join(
            f"<li>{escape(str(label))}"
            + (f"<ul>{items(children)}</ul>" if children else "")
            + "</li>"
            for label, children in nodes
        )

    caption = f'<p class="wb-tree-cap">{escape(block.caption)}</p>' if block.caption else ""
    return f'<div class="wb-tree">{caption}<ul>{items(block.items)}</ul></div>'


def glossary_html(block: Glossary) -> str:
    """The glossary as a definition list, each term with its anchor (escaped)."""
    from .text import glossary

    items = "".join(
        f'<dt id="{glossary.anchor(key)}">{escape(term)}</dt><dd>{escape(definition)}</dd>'
        for key, term, definition in block.entries
    )
    return f'<dl class="wb-glossary wb-report">{items}</dl>'


_HREF = re.compile(r"[A-Za-z0-9_.-]+\.html")


def _cell(value: Any) -> tuple[str, bool]:
    if isinstance(value, Link):  # a report of the same run; any other href is plain text
        if _HREF.fullmatch(value.href):
            return f'<a href="{escape(value.href)}">{escape(value.text)}</a>', False
        return escape(value.text), False
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–", False
    if isinstance(value, bool):
        return escape(t("yes") if value else t("no")), False
    if isinstance(value, int):
        return escape(text.number(value, 0)), True
    if isinstance(value, float):
        return escape(
            text.number(value, 0 if value.is_integer() and abs(value) >= 100 else 1)
        ), True
    if isinstance(value, pd.Timestamp):
        return escape(value.strftime("%Y-%m-%d")), False
    return escape(value), False


def table_html(
    frame: pd.DataFrame, caption: str | None = None, esc: Callable[[str], str] = escape
) -> str:
    """Render ``frame`` as an escaped HTML table (numbers right-aligned, Swedish number format).

    A survey table carries ``frame.attrs["marks"]`` (``{(row position, column): Mark}``): those
    cells get the marks the privacy auditor reads (:mod:`analysis.privacy.marks`). The table sits
    in a region that scrolls sideways when the table is wider than the screen; the region can be
    reached and scrolled with the keyboard (``tabindex="0"``) and is named by the caption.
    ``esc`` escapes the caption and the column names (and may link glossary terms in them).
    """
    marks = frame.attrs.get("marks") or {}
    survey = frame.attrs.get("survey")
    head = "".join(f'<th scope="col">{esc(str(c))}</th>' for c in frame.columns)
    rows = []
    for i, record in enumerate(frame.itertuples(index=False, name=None)):
        cells = []
        for column, value in zip(frame.columns, record, strict=True):
            body, numeric = _cell(value.item() if hasattr(value, "item") else value)
            mark = marks.get((i, column))
            # a marked number is right-aligned by the CSS (td[data-cell]) and names its survey
            # by the table's (data-survey): a fifth of a survey table's bytes
            if mark is not None:
                cells.append(f"<td {mark.attributes(survey)}>{body}</td>")
            else:
                cells.append(f'<td class="num">{body}</td>' if numeric else f"<td>{body}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{_text_html(caption, esc)}</caption>" if caption else ""
    data = f' data-survey="{escape(survey)}"' if survey else ""
    # a region needs a name; without a caption the wrapper is only reachable, not a landmark
    name = (
        f' role="region" tabindex="0" aria-label="{escape(str(caption))}"'
        if caption
        else ' tabindex="0"'
    )
    return (
        f'<div class="wb-scroll"{name}>'
        f'<table class="wb-table"{data}>{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def table(
    frame: pd.DataFrame, caption: str | None = None, esc: Callable[[str], str] = escape
) -> None:
    """Show an aggregate table. Format numbers/labels before calling; every cell is escaped here."""
    _display_html(table_html(frame, caption, esc))


ALT_CHARS = 300  # a figure's alt text: a summary, not a copy of a 100,000-character name


_SVG_URL_UNSAFE = re.compile(r"[%#'&\t\n\r]")


def svg_data_url(svg: str) -> str:
    """``svg`` as a ``data:`` URL for an ``src='...'`` attribute (single-quoted): the UTF-8 text
    itself with only ``% # ' &``, tabs and line breaks percent-encoded (base64 would add a third;
    the SVG's own double quotes, spaces and ``< >`` are valid in a single-quoted attribute and
    every browser reads them in a ``data:`` URL)."""
    encoded = _SVG_URL_UNSAFE.sub(lambda m: f"%{ord(m.group()):02X}", svg)
    return "data:image/svg+xml," + encoded


def figure_html(fig, alt: str = "") -> str:
    """The figure as an ``<img>`` with its SVG embedded (the report stays one self-contained file;
    texts in the SVG stay text, so it is sharp on a phone and a retina screen). The picture is
    shown at its own size (``FIGURE_WIDTH``), never wider, and shrinks with a narrow screen."""
    return _img_html(_svg(fig), alt)


def _svg(fig) -> str:
    import matplotlib.pyplot as plt

    from .plots.style import svg_markup

    try:
        return svg_markup(fig)
    finally:
        plt.close(fig)


def _img_html(svg: str, alt: str) -> str:
    alt = alt if len(alt) <= ALT_CHARS else alt[: ALT_CHARS - 1] + "\u2026"  # a name can be huge
    return f'<div class="wb-fig"><img alt="{escape(alt)}" src=\'{svg_data_url(svg)}\'></div>'


def drawn_svg(draw: Callable[[], Any]) -> str:
    """The compact SVG of the figure ``draw()`` makes. Cached by :mod:`analysis.memo` when
    ``draw`` is a ``functools.partial`` of a plotting function with picklable arguments: the
    same chart in two reports, or in the next run, is drawn once."""
    return _svg(draw())


def figure(fig, alt: str = "") -> None:
    """Show a matplotlib figure embedded as SVG, and close it."""
    _display_html(figure_html(fig, alt))


def provenance_info(dataset, params: Mapping[str, Any], config=None) -> dict[str, Any]:
    """What the provenance footer shows, as data (tested without a notebook). ``config``: the
    ``workbook.yml`` the report ran under (default: read it)."""
    config = config or load_config()
    info: dict[str, Any] = {
        "generated": clock.shown(clock.now()),
        "git_commit": git.git_commit(config.root),
        "package_version": __version__,
        "data_source": f"{dataset.source}: {dataset.folder}",
        "parameters": {k: v for k, v in params.items() if k != "data_dir"},
        "files": dict(sorted(dataset.files.items())),
    }
    if reads.active() and hasattr(dataset, "table_names"):  # a report: what it read, hashed
        hashes = reads.input_hashes(dataset)
        info["inputs"] = {name: reads.hash_of(hashes, name) for name in reads.reads()}
    if any("kolada/indicators.csv" in name for name in dataset.files):
        from . import kolada

        line = kolada.provenance_line(config.root)
        if line:
            info["kolada"] = line
    return info


def provenance(dataset, params: Mapping[str, Any], config=None) -> None:
    """Show the provenance footer: time, code version, data files and their hashes, parameters."""
    info = provenance_info(dataset, params, config)
    params_text = ", ".join(f"{k}={v}" for k, v in info["parameters"].items()) or "–"
    # a report lists the inputs it read (a team's rows, a survey...): what its cache is keyed on,
    # so a report reused after another team's data changed still lists what it was built from
    listed, heading = (
        (info["inputs"], "inputs_read") if "inputs" in info else (info["files"], "input_files")
    )
    files = "".join(
        f"<li><code>{escape(name)}</code> {escape(digest[:12])}</li>"
        for name, digest in listed.items()
    )
    lines = [
        f"<h2>{escape(t('provenance'))}</h2>",
        f"<p><b>{escape(t('generated'))}:</b> {escape(info['generated'])}<br>",
        f"<b>{escape(t('git_commit'))}:</b> {escape(info['git_commit'])}<br>",
        f"<b>{escape(t('package_version'))}:</b> {escape(info['package_version'])}<br>",
        f"<b>{escape(t('data_source'))}:</b> {escape(info['data_source'])}<br>",
        f"<b>{escape(t('parameters'))}:</b> {escape(params_text)}</p>",
    ]
    if "kolada" in info:
        lines.append(f"<p>{escape(info['kolada'])}</p>")
    lines.append(f"<details><summary>{escape(t(heading))}</summary><ul>{files}</ul></details>")
    _display_html('<div class="wb-prov wb-report">' + "".join(lines) + "</div>")


# --------------------------------------------------------------------------- rendering a view


def render(page: Page, ctx: ReportContext) -> None:
    """Show a view's page: the header (title, team, data source, the sample banner), every
    section in order, and the provenance footer. Texts are in ``ctx.lang`` (the view made
    them so); the figures are drawn in it (``text.language``), and the language is what it was
    afterwards."""
    glossary = page.glossary()
    linker = TermLinker(
        *((tuple(k for k, _, _ in glossary.entries), glossary.lang) if glossary else ())
    )
    with text.language(ctx.lang), _one_output():
        header(page.title, ctx.dataset, ctx.params)
        for block in page.sections:
            _render_block(block, linker, None)
        if page.provenance:
            provenance(ctx.dataset, ctx.footer_params(), ctx.config)
    emit_reads()


#: The MIME type of the output that tells the runner what a report read (never shown).
READS_MIME = "application/vnd.workbook.reads+json"


def emit_reads() -> None:
    """Put the inputs this report read (:func:`analysis.dataset.reads.reads`) into the notebook as
    an output of type :data:`READS_MIME`: the runner keys the report's cache on them and drops
    the output from the HTML. Nothing when not recording."""
    if not reads.active():
        return
    from IPython.display import display

    display({READS_MIME: {"reads": reads.reads()}}, raw=True)


#: The MIME type of the output that hands a poster (``views.sections.Poster``) to the runner,
#: which publishes its page and prints its PDF (``analysis.poster``); never shown.
POSTER_MIME = "application/vnd.workbook.poster+json"


def poster(block: Poster) -> None:
    """The links to the team's A3 poster (its PDF and its page, both published by the runner
    beside the report), and the poster itself for the runner (:data:`POSTER_MIME`). The PDF link
    is marked so that the runner can drop it when no PDF could be made."""
    from IPython.display import display

    name = escape(block.name)
    _display_html(
        f'<p class="wb-report wb-poster">{escape(t("poster_link_intro"))} '
        f'<span data-wb-poster-pdf="1"><a href="{name}.pdf" type="application/pdf">'
        f"{escape(t('poster_link_pdf'))}</a> · </span>"
        f'<a href="{name}.html">{escape(t("poster_link_html"))}</a></p>'
    )
    display({POSTER_MIME: {"poster": block.to_json(), "lang": text.get_language()}}, raw=True)


def _render_block(block, linker: TermLinker | None = None, heading: str | None = None) -> None:
    """Draw ``block``; ``linker`` links the first use of each glossary term, ``heading`` (the
    nearest section title) captions a table the view gave no caption."""
    esc = linker.html if linker is not None else escape
    if isinstance(block, Section):
        if block.title:
            section(block.title, level=block.level)
        for inner in block.blocks:
            _render_block(inner, linker, block.title or heading)
    elif isinstance(block, Paragraph):
        paragraph(block.text, esc)
    elif isinstance(block, Note):
        note(block.text, esc)
    elif isinstance(block, Bullets):
        bullets(block.items, esc)
    elif isinstance(block, Glossary):
        _display_html(glossary_html(block))
    elif isinstance(block, Outline):
        _display_html(outline_html(block))
    elif isinstance(block, Table):
        table(block.frame, caption=block.caption or heading, esc=esc)
    elif isinstance(block, Figure):
        _display_html(_img_html(memo.cached(drawn_svg, block.draw), block.alt))
    elif isinstance(block, Poster):
        poster(block)
    else:
        raise TypeError(
            f"cannot render {type(block).__name__}: not a block of analysis.views.sections"
        )
