"""Building one report: execute the notebook with papermill, convert it to lean HTML without code.

:func:`build_report` is a plain function of plain data (it runs the same in a thread here or as a
job on a Dask worker) and returns the executed notebook and the HTML as text; publishing them is
the caller's business (``analysis.runner.core``).
"""

from __future__ import annotations

import base64
import copy
import functools
import html
import io
import os
import re
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # nbformat is imported lazily: with jsonschema it costs ~1.8 s to import
    import nbformat

STYLE_FILE = Path(__file__).with_name("report.css")
# Errors whose message the workbook writes itself and keeps free of respondent data (a survey
# problem names file, row and column, never the cell's text): published in full in the index.
# Any other error may quote data (a KeyError of a value, a pandas message): the index shows its
# type only; the message stays in the executed notebook and the run log, outside outputs/.
PUBLIC_ERRORS = ("DataError", "ConfigError")
_ERROR = re.compile(r"^(cell \[\d+\]: )?([A-Za-z_][\w.]*): (.*)$", re.S)


def public_error(error: str | None) -> str | None:
    """What the published index may say about a failed report (see ``PUBLIC_ERRORS``)."""
    if error is None:
        return None
    match = _ERROR.match(error)
    if match is None:  # the runner's own words (a dead kernel, a timeout)
        return error
    cell, name, _ = match.groups()
    if name.rsplit(".", 1)[-1] in PUBLIC_ERRORS:
        return error
    return f"{cell or ''}{name} (the message may quote data: see the executed notebook, outside outputs/)"


START_ERRORS = (
    "didn't respond",
    "died before replying",
    "kernel_info",
    "Address already in use",
    "could not fork",
    "zygote",
)
START_ATTEMPTS = 3
# Parallel kernels must not fight over IPython's history database (sqlite "database is locked").
KERNEL_ARGS = ["--HistoryManager.hist_file=:memory:"]


def _package_parent() -> str:
    return str(Path(__file__).resolve().parent.parent.parent)


def _ensure_importable() -> None:
    """Kernels started the ordinary way must find ``analysis`` even when it is not pip-installed."""
    parent = _package_parent()
    current = os.environ.get("PYTHONPATH", "")
    if parent not in current.split(os.pathsep):
        os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (parent, current) if p)


@functools.cache
def _kept_engine() -> None:
    """Register (once per process) papermill's nbclient engine that also hands back the notebook it executes
    (``keep["manager"]``: papermill's execution manager, whose ``nb`` is the notebook as far as
    it got), so that a run writes no file while it executes and a failed report still has its
    partial notebook (papermill's own way is to save it to disk at every cell's start and end:
    ~4 % of a county run's CPU)."""
    from papermill.engines import NBClientEngine, papermill_engines

    class KeptEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, *, keep, **kwargs):
            keep["manager"] = nb_man
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)

    papermill_engines.register(KEPT_ENGINE, KeptEngine)


KEPT_ENGINE = "workbook-kept"


def execute(
    notebook: nbformat.NotebookNode,
    parameters: dict[str, Any],
    *,
    kernel: str,
    cell_timeout: int,
    cwd: str | None,
    fast: bool = True,
    start_timeout: int = 60,
) -> tuple[nbformat.NotebookNode | None, str | None, int]:
    """Execute ``notebook`` with papermill in a fresh kernel (in memory: nothing is written).

    Returns ``(executed notebook, error or None, attempts)``. A kernel that does not come up is
    retried (``START_ATTEMPTS`` times); a dead kernel or a cell over ``cell_timeout`` seconds is an
    error of this report only; a failed report's notebook is the one as far as it got.
    """
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from .kernels import kernel_manager, stopping

    _ensure_importable()
    _kept_engine()
    manager = kernel_manager(fast)  # None: jupyter_client's own (its private API changed)
    error = None
    attempts = 0
    while True:
        attempts += 1
        keep: dict[str, Any] = {}
        try:
            executed = papermill.execute_notebook(
                copy.deepcopy(notebook),
                None,
                parameters=parameters,
                engine_name=KEPT_ENGINE,
                keep=keep,
                kernel_name=kernel,
                progress_bar=False,
                log_output=False,
                start_timeout=start_timeout,
                execution_timeout=cell_timeout,
                cwd=cwd,
                extra_arguments=KERNEL_ARGS,
                shutdown_kernel="immediate",
                **({"kernel_manager_class": manager} if manager is not None else {}),
            )
            return executed, None, attempts
        except PapermillExecutionError as exc:
            trace = traceback.format_exc()
            error = f"{exc.ename}: {exc.evalue}" if exc.ename else str(exc)
            cell = getattr(exc, "exec_count", None)
            if cell is not None:
                error = f"cell [{cell}]: {error}"
            break
        except Exception as exc:
            trace = traceback.format_exc()
            name = type(exc).__name__
            message = str(exc).strip().splitlines()[-1] if str(exc).strip() else name
            started = _any_cell_started(_kept(keep))
            if (
                not started
                and attempts < START_ATTEMPTS
                and not stopping()
                and any(s in str(exc) for s in START_ERRORS)
            ):
                continue
            if name == "DeadKernelError":
                error = f"the kernel died (out of memory or a crash): {message}"
            elif name == "CellTimeoutError" or isinstance(exc, TimeoutError) and started:
                error = f"a cell ran longer than the {cell_timeout} s timeout (run.cell_timeout)"
            else:
                error = f"{name}: {message}"
            break
    executed = _kept(keep)
    if executed is not None and not any(
        c.get("metadata", {}).get("tags") and "papermill-error-cell-tag" in c.metadata.tags
        for c in executed.cells
    ):
        executed.cells.insert(
            0,
            nbformat.v4.new_markdown_cell(
                f"**The report failed:** {error}\n\n```\n{trace[-4000:]}\n```",
                metadata={"tags": ["workbook-error"]},
            ),
        )
    return executed, error, attempts


def _kept(keep: dict[str, Any]) -> nbformat.NotebookNode | None:
    """The notebook papermill was executing (None: it failed before it began)."""
    manager = keep.get("manager")
    return None if manager is None else manager.nb


def _any_cell_started(nb: nbformat.NotebookNode | None) -> bool:
    if nb is None:
        return False
    return any(
        c.get("metadata", {}).get("papermill", {}).get("start_time")
        for c in nb.cells
        if c.cell_type == "code"
    )


# ---------------------------------------------------------------- HTML

_local = threading.local()


def _html_exporter():
    """One exporter per thread (exporters and their preprocessors keep state)."""
    exporter = getattr(_local, "exporter", None)
    if exporter is None:
        exporter = _local.exporter = _lean_exporter_class()(
            template_name="basic",
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            embed_images=True,
            # validate the notebook once, after the preprocessors, not after each of them
            optimistic_validation=True,
        )
    return exporter


_NO_ALT = re.compile(r"<img\b(?![^>]*\balt=)", re.I)
NO_ALT_TEXT = "No description has been provided for this image"


@functools.cache
def _lean_exporter_class():
    """(One class per process.) nbconvert's HTMLExporter without its last step, which parses the whole page with
    BeautifulSoup and writes it out again to add an ``alt`` to images without one and a
    ``tabindex`` to the lab template's cells (~4 % of a county run's CPU, in the runner). The
    ``basic`` template has no such cells; the ``alt`` is added here, with nbconvert's words.
    The rest is HTMLExporter's own code path (tests/test_runner.py compares the two pages)."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class LeanHTMLExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            # HTMLExporter.from_notebook_node (nbconvert 7.x) up to its BeautifulSoup pass
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            highlight_code = self.filters.get(
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)
            )
            resources = self._init_resources(resources)
            filter_data_type = WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources
            )
            self.register_filter("highlight_code", highlight_code)
            self.register_filter("filter_data_type", filter_data_type)
            body, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return _NO_ALT.sub(f'<img alt="{NO_ALT_TEXT}"', body), resources

    return LeanHTMLExporter


#: The output in which ``analysis.report.render`` says what the report read (``report.READS_MIME``).
READS_MIME = "application/vnd.workbook.reads+json"
#: The output that hands the runner a team's poster (``report.POSTER_MIME``).
POSTER_MIME = "application/vnd.workbook.poster+json"


def reads_of(nb: nbformat.NotebookNode) -> list[str] | None:
    """The inputs the executed report read (``analysis.dataset.reads``), or None when it did not
    say (a notebook that does not go through ``report.render``: it depends on all the data)."""
    found = None
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = output.get("data") or {}
            if READS_MIME in data and isinstance(data[READS_MIME].get("reads"), list):
                found = sorted(set(found or []) | {str(x) for x in data[READS_MIME]["reads"]})
    return found


def posters_of(nb: nbformat.NotebookNode) -> list[dict]:
    """The posters the executed report handed over (``report.POSTER_MIME``): poster, lang."""
    found = []
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = (output.get("data") or {}).get(POSTER_MIME)
            if isinstance(data, dict) and isinstance(data.get("poster"), dict):
                found.append(data)
    return found


def make_posters(nb: nbformat.NotebookNode) -> list[dict]:
    """Each poster of ``nb`` as published files: name, html (the page the PDF was printed from:
    the privacy auditor reads it), pdf (bytes, None when it could not be made) and error (why
    not, and what to do). A missing browser or a failed print is an error here, never a failed
    report: the report and the poster's page are still good."""
    from ..poster import PosterError, poster_html, print_pdf
    from ..views.sections import Poster

    made = []
    for data in posters_of(nb):
        poster = Poster.from_json(data["poster"])
        lang = str(data.get("lang") or "sv")
        try:
            pdf, page = print_pdf(poster, lang)
            made.append({"name": poster.name, "html": page, "pdf": pdf, "error": None})
        except PosterError as exc:
            made.append(
                {
                    "name": poster.name,
                    "html": poster_html(poster, lang),
                    "pdf": None,
                    "error": f"{poster.name}.pdf: {exc}",
                }
            )
    return made


def _clean_for_report(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop what a reader must not see: code, stderr (warnings), empty cells, error banners."""
    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & {
            "remove_cell",
            "remove-cell",
            "papermill-error-cell-tag",
            "workbook-error",
            "injected-parameters",
            "parameters",
        }:
            continue
        if cell.cell_type == "code":
            cell.outputs = [
                o
                for o in cell.get("outputs", [])
                if not (o.output_type == "stream" and o.get("name") == "stderr")
                and o.output_type != "error"
                and READS_MIME not in (o.get("data") or {})
                and POSTER_MIME not in (o.get("data") or {})
            ]
            if not cell.outputs:
                continue
        elif cell.cell_type == "raw":
            continue
        cells.append(cell)
    nb.cells = cells
    return nb


def _title(body: str, fallback: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", body, flags=re.S | re.I)
    if match:
        text = html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).replace("¶", "").strip()
        if text:
            return text
    return fallback


_PNG = re.compile(r"data:image/png;base64,([A-Za-z0-9+/=\s]+)")


def compact_png(data: bytes) -> bytes:
    """``data`` re-encoded with a 256-colour palette when that is smaller (charts: ~3.5x smaller,
    no visible change); images with real transparency or that do not shrink are kept as they are."""
    from PIL import Image

    try:
        image = Image.open(io.BytesIO(data))
        image.load()
        if image.mode in ("RGBA", "LA") and image.getextrema()[-1][0] < 255:
            return data  # real transparency: keep
        if image.mode not in ("RGB", "RGBA", "L", "LA"):
            return data
        out = io.BytesIO()
        image.convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(
            out, "PNG", compress_level=6
        )
    except (OSError, ValueError, Image.DecompressionBombError):  # not a PNG PIL can re-encode
        return data
    smaller = out.getvalue()
    return smaller if len(smaller) < 0.9 * len(data) else data


def _compact_images(body: str) -> str:
    def replace(match: re.Match) -> str:
        raw = base64.b64decode(re.sub(r"\s+", "", match.group(1)))
        return "data:image/png;base64," + base64.b64encode(compact_png(raw)).decode("ascii")

    return _PNG.sub(replace, body)


def to_html(nb: nbformat.NotebookNode, title: str, lang: str = "sv", compact: bool = True) -> str:
    """A self-contained, lean HTML page of ``nb``'s outputs: no code, images embedded, small CSS.

    ``compact`` re-encodes embedded PNGs with a 256-colour palette where that makes them smaller.
    """
    body, _ = _html_exporter().from_notebook_node(_clean_for_report(nb))
    if compact:
        body = _compact_images(body)
    css = STYLE_FILE.read_text(encoding="utf-8")
    page_title = html.escape(_title(body, title), quote=True)
    return (
        f'<!DOCTYPE html>\n<html lang="{html.escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{page_title}</title>\n<style>\n{css}</style>\n</head>\n"
        f'<body>\n<main class="report">\n{body}\n</main>\n</body>\n</html>\n'
    )


# ---------------------------------------------------------------- one report


def build_report(job: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    """Execute one report and return its result (plain data; also runs on a Dask worker).

    ``job``: name, notebook, params, notebook_source (the .ipynb text). ``context``: data_dir,
    lang, kernel, cell_timeout, cwd, fast, compact_images. Returns name, ok, error (what the published
    index may show, :func:`public_error`), error_detail (the full message: private), duration,
    attempts, html (text or None), executed (notebook JSON text or None), host, posters
    (:func:`make_posters`).
    """
    import socket

    import nbformat

    start = time.perf_counter()
    result: dict[str, Any] = {
        "name": job["name"],
        "ok": False,
        "error": None,
        "html": None,
        "executed": None,
        "attempts": 0,
        "host": socket.gethostname(),
        "pid": os.getpid(),
    }
    try:
        if job.get("notebook_source") is None:
            raise FileNotFoundError(f"notebooks/{job['notebook']}.ipynb does not exist")
        notebook = nbformat.reads(job["notebook_source"], as_version=4)
        from .kernels import set_code_version

        set_code_version(context.get("code"))
        if context.get("memo_dir"):  # the kernels keep and reuse results (analysis.memo)
            from .. import memo

            os.environ[memo.ENV] = context["memo_dir"]
        os.environ.update(context.get("kernel_env") or {})  # analysis.git: the run's commit
        parameters = {**job["params"], "data_dir": context["data_dir"], "lang": context["lang"]}
        cwd = context.get("cwd")
        if cwd and not Path(cwd).is_dir():
            cwd = None
        executed, error, attempts = execute(
            notebook,
            parameters,
            kernel=context["kernel"],
            cell_timeout=context["cell_timeout"],
            cwd=cwd,
            fast=context.get("fast", True),
        )
        result["attempts"] = attempts
        if executed is not None:
            result["executed"] = nbformat.writes(executed)
        if error is None:
            result["reads"] = reads_of(executed)
            result["posters"] = make_posters(executed)
            result["html"] = to_html(
                executed, job["name"], context["lang"], compact=context.get("compact_images", True)
            )
            result["ok"] = True
        else:
            result["error_detail"] = error
    except Exception as exc:
        result["error_detail"] = f"{type(exc).__name__}: {exc}"
        print(traceback.format_exc(), file=sys.stderr)
    result["error"] = public_error(result.get("error_detail"))
    result["duration"] = round(time.perf_counter() - start, 3)
    return result
