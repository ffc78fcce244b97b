"""The print-ready A3 poster of a team: its HTML page and the PDF printed from it.

The team's effect report says what its poster holds (``analysis.views.team_effects.poster_lines``:
the network's template sections) in a :class:`analysis.views.sections.Poster` block. The renderer
(:func:`analysis.report.render`) turns it into a link in the report and a standalone page
(:func:`poster_html`) that the runner publishes as ``outputs/poster_<team>.html``: an ordinary
report page, so the privacy auditor reads it like every page. The PDF is printed from exactly
that page by headless Chromium (:func:`print_pdf`) and checked (:func:`pdf_facts`: one A3 page,
its text selectable) before it replaces an earlier PDF; a PDF that cannot be made or checked
never overwrites a good one, and the run says why.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import fcntl
import io
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from html import escape
from pathlib import Path

__all__ = [
    "A3_MM",
    "PosterError",
    "chromium_path",
    "close_browsers",
    "pdf_facts",
    "poster_html",
    "print_pdf",
]

A3_MM = (297.0, 420.0)  # ISO 216, portrait
_PT_PER_MM = 72 / 25.4
#: Text sizes tried, largest first, until the poster fits one page (the first nearly always does).
SCALES = (1.05, 0.9, 0.75, 0.6)
#: How the browser is started (with its own profile folder and the DevTools pipe).
HEADLESS_FLAGS = (
    "--headless",
    "--no-sandbox",  # the run may be root (CI); the pages are our own, with no script
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
#: Seconds one print may take before it is given up (a hung browser must not hang the run).
PRINT_TIMEOUT = 120
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
CHROMIUM_ENV = "WORKBOOK_CHROMIUM"  # a browser elsewhere, or "" to turn the PDF off

_CSS = """
:root{--scale:1}
*{box-sizing:border-box}
html{font-family:"DejaVu Sans",Arial,Helvetica,sans-serif;color:#1a1a1a;background:#fff}
body{margin:0}
.sheet{max-width:297mm;margin:0 auto;padding:6mm}
header{border-bottom:3px solid #0072B2;margin-bottom:6mm;padding-bottom:3mm}
.network{font-size:calc(14pt*var(--scale));color:#005a8c;margin:0 0 2mm}
h1{font-size:calc(34pt*var(--scale));margin:0 0 2mm;line-height:1.15}
.meta{font-size:calc(13pt*var(--scale));margin:0;color:#333}
.banner{background:#fff3cd;border:2px solid #8a6d00;color:#4d3d00;font-weight:bold;
  padding:2mm 3mm;margin:3mm 0 0;font-size:calc(13pt*var(--scale))}
main{display:grid;grid-template-columns:1fr 1fr;gap:5mm 8mm}
section{break-inside:avoid}
section.wide{grid-column:1 / -1}
h2{font-size:calc(19pt*var(--scale));color:#005a8c;margin:0 0 2mm;
  border-bottom:1px solid #9ab;padding-bottom:1mm}
ul{margin:0;padding-left:5mm}
li{font-size:calc(13pt*var(--scale));line-height:1.35;margin:0 0 1.5mm}
footer{margin-top:6mm;font-size:calc(10pt*var(--scale));color:#444;border-top:1px solid #9ab;
  padding-top:2mm}
@media screen and (max-width:700px){main{grid-template-columns:1fr}.sheet{padding:3mm}
  h1{font-size:22pt}}
@page{size:297mm 420mm;margin:12mm}
@media print{.sheet{max-width:none;padding:0}}
"""


class PosterError(RuntimeError):
    """The PDF could not be made or is not a one-page A3 poster (the message says why and what
    to do)."""


def poster_html(poster, lang: str, scale: float = 1.0) -> str:
    """The standalone page of ``poster`` (a :class:`analysis.views.sections.Poster`): every text
    escaped, A3 portrait when printed (``@page``), readable on a screen and a phone.
    ``scale``: the text size relative to the design (:data:`SCALES`)."""
    sections = []
    for i, (heading, lines) in enumerate(poster.sections):
        wide = " wide" if i == len(poster.sections) - 1 else ""  # the results span the sheet
        items = "".join(f"<li>{escape(str(x))}</li>" for x in lines)
        sections.append(
            f'<section class="poster-part{wide}"><h2>{escape(heading)}</h2><ul>{items}</ul>'
            "</section>"
        )
    banner = f'<p class="banner">{escape(poster.banner)}</p>' if poster.banner else ""
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(poster.title)} – {escape(poster.heading)}</title>\n"
        f"<style>{_CSS}:root{{--scale:{scale:.2f}}}</style>\n</head>\n<body>\n"
        '<div class="sheet">\n<header>'
        f'<p class="network">{escape(poster.network)}</p>'
        f"<h1>{escape(poster.title)}</h1>"
        f'<p class="meta">{escape(poster.heading)}</p>{banner}</header>\n'
        f"<main>{''.join(sections)}</main>\n"
        f"<footer>{escape(poster.footer)}</footer>\n</div>\n</body>\n</html>\n"
    )


def chromium_path() -> str | None:
    """The headless browser that prints the PDF: ``$WORKBOOK_CHROMIUM`` when set (empty: none),
    else Debian's ``chromium`` (or ``chromium-browser``, ``google-chrome``) on the PATH."""
    if CHROMIUM_ENV in os.environ:
        return os.environ[CHROMIUM_ENV] or None
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


class _Browser:
    """One headless Chromium driven over the DevTools protocol on a pipe
    (``--remote-debugging-pipe``: commands in on fd 3, answers out on fd 4, each a JSON text
    ended by a NUL byte). Started once per process and kept for the run, it prints every poster
    in one tab (each page checked to be the poster's before it is printed): 0.31 s a poster
    instead of 1.11 s for a browser started per poster with a tab per poster; one tab for all
    halves the browser's CPU again, 0.19 -> 0.10 s a poster (``benchmarks/posters.py``)."""

    def __init__(self, exe: str):
        self.exe = exe
        # named by this process: a run killed with -9 leaves it behind, the next run removes it
        # (kernels.remove_leftovers); the browser itself exits when this process's pipe closes
        self.folder = Path(tempfile.mkdtemp(prefix=f"workbook-{os.getpid()}-poster-"))
        self.log = (self.folder / "stderr.txt").open("wb")
        # the child's ends, above the low numbers: the shell puts them on fds 3 and 4
        commands_in, self.commands = os.pipe()
        self.answers, answers_out = os.pipe()
        child_in = fcntl.fcntl(commands_in, fcntl.F_DUPFD_CLOEXEC, 10)
        child_out = fcntl.fcntl(answers_out, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(commands_in)
        os.close(answers_out)
        command = [
            "/bin/bash",
            "-c",
            f'exec "$0" "$@" 3<&{child_in} 4>&{child_out} {child_in}<&- {child_out}>&-',
            exe,
            *HEADLESS_FLAGS,
            f"--user-data-dir={self.folder / 'profile'}",
            "--remote-debugging-pipe",
            "about:blank",
        ]
        try:
            # its own process group: on a timeout the browser's helper processes go with it
            self.process = subprocess.Popen(
                command,
                pass_fds=(child_in, child_out),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=self.log,
                start_new_session=True,
            )
        except OSError as exc:
            self.close()
            raise PosterError(f"{exe} could not be started ({exc}); install chromium") from exc
        finally:
            os.close(child_in)
            os.close(child_out)
        self.buffer = b""
        self.last_id = 0
        self.pages = 0
        self.text_checked = False  # a PDF of this browser has been read back for its text
        self.loaded: set[str] = set()  # tabs whose page has loaded (an event may come early)
        self.session: str | None = None  # the tab posters are printed in (DevTools session)

    def _receive(self, deadline: float) -> dict:
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.answers], [], [], left)[0]:
                raise TimeoutError
            chunk = os.read(self.answers, 1 << 20)
            if not chunk:
                raise EOFError
            self.buffer += chunk
        message, _, self.buffer = self.buffer.partition(b"\0")
        return json.loads(message)

    def _call(self, method: str, params: dict, deadline: float, session: str | None = None):
        self.last_id += 1
        message = {"id": self.last_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self.commands, json.dumps(message).encode("utf-8") + b"\0")
        while True:
            answer = self._receive(deadline)
            self._note(answer)
            if answer.get("id") == self.last_id:
                if "error" in answer:
                    raise PosterError(
                        f"{self.exe} printed no PDF ({method}: "
                        f"{answer['error'].get('message', answer['error'])})"
                    )
                return answer.get("result", {})

    def _note(self, message: dict) -> None:
        if message.get("method") == "Page.loadEventFired":
            self.loaded.add(message.get("sessionId"))

    def _until_loaded(self, session: str, deadline: float) -> None:
        while session not in self.loaded:
            self._note(self._receive(deadline))
        self.loaded.discard(session)

    def _tab(self, deadline: float) -> str:
        """The session of the one tab every poster is printed in (opened on first use): a tab
        of its own for each poster started a renderer process for each (~0.1 s of CPU)."""
        if self.session is None:
            tab = self._call("Target.createTarget", {"url": "about:blank"}, deadline)["targetId"]
            session = self._call(
                "Target.attachToTarget", {"targetId": tab, "flatten": True}, deadline
            )["sessionId"]
            self._call("Page.enable", {}, deadline, session)
            self.session = session
        return self.session

    def print_page(self, html_text: str, deadline: float, shows: str = "") -> bytes:
        """``html_text`` printed to PDF as its CSS ``@page`` says (size and margins); ``shows``:
        a text the loaded page must show (else a :class:`PosterError`: the browser printed
        something else, an error page)."""
        self.pages += 1
        page = self.folder / f"poster-{self.pages}.html"
        page.write_text(html_text, encoding="utf-8")
        try:
            session = self._tab(deadline)
            self._call("Page.navigate", {"url": page.as_uri()}, deadline, session)
            self._until_loaded(session, deadline)
            if shows:
                shown = self._call(
                    "Runtime.evaluate",
                    {"expression": "document.body.innerText", "returnByValue": True},
                    deadline,
                    session,
                )
                text = " ".join(str(shown.get("result", {}).get("value", "")).split())
                if " ".join(shows.split()) not in text:
                    raise PosterError(f"{self.exe} did not show the poster's page ({page.name})")
            pdf = self._call(
                "Page.printToPDF",
                {"preferCSSPageSize": True, "displayHeaderFooter": False},
                deadline,
                session,
            )["data"]
        finally:
            page.unlink(missing_ok=True)
        return base64.b64decode(pdf)

    def stderr_tail(self) -> str:
        with contextlib.suppress(OSError):
            self.log.flush()
            lines = (self.folder / "stderr.txt").read_text("utf-8", "replace").strip()
            return lines.splitlines()[-1] if lines else ""
        return ""

    def close(self) -> None:
        """Stop the browser and its helpers (their process group) and remove its folder."""
        process = getattr(self, "process", None)
        if process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        for fd in (getattr(self, "commands", None), getattr(self, "answers", None)):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self.log.close()
        shutil.rmtree(self.folder, ignore_errors=True)


_browsers: dict[str, _Browser] = {}
_browsers_lock = threading.Lock()


def close_browsers(wait: bool = True) -> None:
    """Stop this process's poster browser (the runner calls it at the end of a run; it is also
    stopped when the process exits). ``wait=False`` (a stopped run) does not wait for a print
    under way: that print fails with the browser."""
    if not wait:
        for browser in list(_browsers.values()):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(browser.process.pid, signal.SIGKILL)
        return
    with _browsers_lock:
        while _browsers:
            _browsers.popitem()[1].close()


atexit.register(close_browsers)


def _print_once(exe: str, html_text: str, shows: str = "") -> tuple[bytes, _Browser]:
    """``html_text`` as PDF, printed by this process's browser ``exe`` (started on first use),
    and that browser. A browser that times out or dies is stopped and the next print starts a
    new one."""
    deadline = time.monotonic() + PRINT_TIMEOUT
    with _browsers_lock:
        browser = _browsers.get(exe)
        if browser is None:
            browser = _browsers[exe] = _Browser(exe)
        try:
            return browser.print_page(html_text, deadline, shows), browser
        except TimeoutError as exc:
            _browsers.pop(exe, None)
            browser.close()
            raise PosterError(
                f"{exe} did not print the poster within {PRINT_TIMEOUT} s; run again, or print "
                "the poster's HTML page from a browser (A3)"
            ) from exc
        except (EOFError, OSError, ValueError) as exc:  # the browser exited or spoke nonsense
            _browsers.pop(exe, None)
            code = browser.process.poll()
            detail = browser.stderr_tail()
            browser.close()
            raise PosterError(
                f"{exe} printed no PDF (exit {code}{': ' + detail if detail else ''})"
            ) from exc


def pdf_facts(data: bytes, text: bool = True) -> dict:
    """pages, the first page's width and height in mm and (``text``) its text (pypdf), of a
    PDF. The text takes ~0.05-0.2 s to extract from a poster; the rest ~1 ms."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        box = reader.pages[0].mediabox
        return {
            "pages": len(reader.pages),
            "width_mm": float(box.width) / _PT_PER_MM,
            "height_mm": float(box.height) / _PT_PER_MM,
            "text": (reader.pages[0].extract_text() or "") if text else None,
        }
    except (PdfReadError, IndexError, ValueError) as exc:
        raise PosterError(f"the printed PDF cannot be read ({exc})") from exc


def print_pdf(poster, lang: str, exe: str | None = None) -> tuple[bytes, str]:
    """Print ``poster`` to a one-page A3 PDF; returns (PDF, the HTML it was printed from).

    The text is made smaller step by step (:data:`SCALES`) until the poster fits one page. The
    result is checked (the page printed shows the title; one page, A3 within 1 mm; the first
    PDF of each browser has the title in its text): anything else is a :class:`PosterError`
    saying what to do, as is a missing browser.
    """
    exe = exe if exe is not None else chromium_path()
    if not exe:
        raise PosterError(
            "no headless browser to print the A3 PDF: install Debian's chromium "
            "(apt-get install chromium) or set WORKBOOK_CHROMIUM to a Chromium/Chrome binary; "
            "meanwhile the poster's HTML page prints on A3 from any browser"
        )
    title = " ".join(str(poster.title).split())[:20]
    for scale in SCALES:
        html_text = poster_html(poster, lang, scale)
        data, browser = _print_once(exe, html_text, shows=title)
        facts = pdf_facts(data, text=False)
        if facts["pages"] == 1:
            break
    else:
        raise PosterError(
            f"the poster does not fit one A3 page even with {SCALES[-1]:.0%} text "
            f"({facts['pages']} pages): shorten the aim, the change titles or the number "
            "of changes listed"
        )
    width, height = facts["width_mm"], facts["height_mm"]
    if abs(width - A3_MM[0]) > 1 or abs(height - A3_MM[1]) > 1:
        raise PosterError(f"the PDF page is {width:.0f} × {height:.0f} mm, not A3 (297 × 420 mm)")
    # whether the PDF's text is text (selectable, searchable) is a property of the browser and
    # its fonts, not of one poster: read back the first PDF each browser prints (the page it
    # printed was checked to show the title in every print)
    if not browser.text_checked:
        words = " ".join((pdf_facts(data)["text"] or "").split())
        if title not in words:
            raise PosterError("the PDF's text is not selectable (the team's name is not in it)")
        browser.text_checked = True
    return data, html_text
