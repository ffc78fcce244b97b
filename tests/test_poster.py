"""Tests of the print-ready A3 poster (analysis.poster) and how the runner publishes it.

One real print (headless Chromium, skipped with the reason when it is not installed): the PDF
has one page of ISO 216 A3 (297 × 420 mm; 841.89 × 1190.55 pt) and its text is selectable
(pypdf extracts the team's name and a line). Everything else (no browser, a browser that fails,
publishing, the index) runs without a browser.
"""

from __future__ import annotations

import os

import nbformat
import pytest

from analysis import poster
from analysis.runner import build, core, index
from analysis.views.sections import Poster

POSTER = Poster(
    name="poster_nassjo",
    title="Nässjö föräldraskapsstöd <script>",
    heading="Förbättringsarbetet i posterformat · psykisk hälsa",
    network="Bästa platsen att växa upp, leva och bo på",
    sections=(
        ("Förbättringsområde", ("psykisk hälsa", "Mål: alla får ett gemensamt hembesök")),
        ("Nuläge", ("Andel med gemensamt hembesök: 42,0 % före första förändringen.",)),
        ("Resultat kopplat till det övergripande målet", ("Förbättringen är säkerställd.",)),
    ),
    footer="Sammanfattning ur teamets effektrapport.",
    banner="EXEMPELDATA",
)


def test_the_poster_page_escapes_every_text_and_prints_on_a3():
    page = poster.poster_html(POSTER, "sv")
    assert "<script>" not in page and "Nässjö föräldraskapsstöd &lt;script&gt;" in page
    assert "@page{size:297mm 420mm" in page
    assert '<html lang="sv">' in page and "EXEMPELDATA" in page


def test_a_printed_poster_is_one_selectable_a3_page():
    exe = poster.chromium_path()
    if exe is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install -y chromium)")
    pdf, page = poster.print_pdf(POSTER, "sv", exe=exe)
    facts = poster.pdf_facts(pdf)
    assert facts["pages"] == 1
    # A3 is 297 x 420 mm (ISO 216); a PDF point is 1/72 inch = 25.4/72 mm
    assert facts["width_mm"] == pytest.approx(297, abs=1)
    assert facts["height_mm"] == pytest.approx(420, abs=1)
    text = " ".join(facts["text"].split())
    assert "Nässjö föräldraskapsstöd" in text and "gemensamt hembesök" in text
    assert "Nässjö föräldraskapsstöd &lt;script&gt;" in page  # the page it was printed from


def test_one_browser_prints_every_poster_and_its_first_pdf_is_read_for_text(monkeypatch):
    exe = poster.chromium_path()
    if exe is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install -y chromium)")
    poster.close_browsers()
    read_for_text = []
    facts = poster.pdf_facts
    monkeypatch.setattr(
        poster, "pdf_facts", lambda data, text=True: read_for_text.append(text) or facts(data, text)
    )
    first, _ = poster.print_pdf(POSTER, "sv", exe=exe)
    second, _ = poster.print_pdf(POSTER, "sv", exe=exe)
    assert read_for_text.count(True) == 1  # the first PDF only: the text is the browser's
    assert len(poster._browsers) == 1
    (browser,) = poster._browsers.values()
    pid = browser.process.pid
    assert facts(second)["pages"] == 1
    # a page that does not show the poster (an error page, another file) is not printed
    with pytest.raises(poster.PosterError, match="did not show the poster's page"):
        poster._print_once(exe, "<html><body>Något annat</body></html>", shows="Nässjö")
    poster.close_browsers()
    assert not poster._browsers
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # stopped with its process group


def test_without_a_browser_the_poster_says_what_to_do(monkeypatch):
    monkeypatch.setenv(poster.CHROMIUM_ENV, "")
    assert poster.chromium_path() is None
    with pytest.raises(poster.PosterError, match="apt-get install chromium"):
        poster.print_pdf(POSTER, "sv")


def test_a_browser_that_prints_nothing_is_a_clear_error(tmp_path):
    with pytest.raises(poster.PosterError, match="printed no PDF"):
        poster.print_pdf(POSTER, "sv", exe="/bin/false")


def test_a_hung_browser_is_stopped_and_named(tmp_path, monkeypatch):
    hangs = tmp_path / "hangs"
    hangs.write_text("#!/bin/sh\nsleep 60\n")
    hangs.chmod(0o755)
    monkeypatch.setattr(poster, "PRINT_TIMEOUT", 0.5)
    with pytest.raises(poster.PosterError, match="did not print the poster within 0.5 s"):
        poster.print_pdf(POSTER, "sv", exe=str(hangs))


def _report_with_poster() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("report.render(page, ctx)")
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={build.POSTER_MIME: {"poster": POSTER.to_json(), "lang": "sv"}},
        )
    ]
    nb.cells = [cell]
    return nb


def test_the_runner_records_why_there_is_no_pdf_and_keeps_the_page(monkeypatch):
    monkeypatch.setenv(poster.CHROMIUM_ENV, "")
    made = build.make_posters(_report_with_poster())
    assert [m["name"] for m in made] == ["poster_nassjo"]
    assert made[0]["pdf"] is None
    assert made[0]["error"].startswith("poster_nassjo.pdf: no headless browser")
    assert "Nässjö föräldraskapsstöd &lt;script&gt;" in made[0]["html"]
    # the poster output never reaches the report's HTML
    assert build.POSTER_MIME not in build.to_html(_report_with_poster(), "r")


REPORT = (
    '<p>Affischen: <span data-wb-poster-pdf="1"><a href="poster_nassjo.pdf">PDF</a> · </span>'
    '<a href="poster_nassjo.html">webbsida</a></p>'
)


def test_a_failed_pdf_never_overwrites_a_good_one(tmp_path):
    good = b"%PDF-1.4 the good poster"
    (tmp_path / "poster_nassjo.pdf").write_bytes(good)
    failed = {"name": "poster_nassjo", "html": "<html>new</html>", "pdf": None, "error": "x: y"}
    entry: dict = {}
    page = core._publish_posters(tmp_path, entry, [failed], REPORT)
    assert (tmp_path / "poster_nassjo.pdf").read_bytes() == good
    assert (tmp_path / "poster_nassjo.html").read_text() == "<html>new</html>"
    assert entry["posters"] == {"poster_nassjo": "poster_nassjo.pdf"}
    assert entry["poster_errors"] == ["x: y; the previous PDF is kept (out of date)"]
    assert page == REPORT  # the link still leads to a PDF


def test_without_any_pdf_the_report_does_not_link_to_one(tmp_path):
    failed = {"name": "poster_nassjo", "html": "<html></html>", "pdf": None, "error": "x: y"}
    entry: dict = {}
    page = core._publish_posters(tmp_path, entry, [failed], REPORT)
    assert not (tmp_path / "poster_nassjo.pdf").exists()
    assert "poster_nassjo.pdf" not in page and 'href="poster_nassjo.html"' in page
    assert entry["posters"] == {"poster_nassjo": None}
    made = {"name": "poster_nassjo", "html": "<html></html>", "pdf": b"%PDF", "error": None}
    assert core._publish_posters(tmp_path, entry, [made], REPORT) == REPORT
    assert "poster_errors" not in entry and (tmp_path / "poster_nassjo.pdf").read_bytes() == b"%PDF"


def test_the_index_links_the_pdf_or_says_it_is_missing():
    entry = {"html": "team_effects_nassjo.html", "posters": {"poster_nassjo": "poster_nassjo.pdf"}}
    html = index._item("team_effects", "Effekter", {"sv": entry}, "sv", "Nässjö")
    assert 'href="poster_nassjo.pdf"' in html and "A3-affisch (PDF)" in html
    assert "status stale" not in html
    entry["poster_errors"] = ["poster_nassjo.pdf: no headless browser"]  # the old PDF was kept
    html = index._item("team_effects", "Effekter", {"sv": entry}, "sv", "Nässjö")
    assert 'href="poster_nassjo.pdf"' in html and "status stale" in html
    entry["posters"] = {"poster_nassjo": None}
    html = index._item("team_effects", "Effekter", {"sv": entry}, "sv", "Nässjö")
    assert "poster_nassjo.pdf" not in html and "kunde inte skrivas ut" in html
