from pathlib import Path
from types import SimpleNamespace

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from analysis import git, report, text
from analysis.config import ConfigError


@pytest.fixture
def dataset():
    return SimpleNamespace(
        folder=Path("/data/sample"),
        is_sample=True,
        source="sample",
        teams=pd.DataFrame(
            {"team_id": ["attarp", "nassjo"], "team_name": ["Attarpskolan", "Nässjö <b>"]}
        ),
        measures=pd.DataFrame(
            {"team_id": ["attarp", "nassjo"], "measure_id": ["narvaro", "hembesok"]}
        ),
        surveys=("parents", "pupils"),
        files={"teams.csv": "a" * 64},
    )


@pytest.fixture
def shown(monkeypatch):
    out: list[str] = []
    monkeypatch.setattr(report, "_display_html", out.append)
    yield out
    text.set_language("sv")


def test_unknown_team_is_a_clear_error_listing_the_known_ones(dataset):
    with pytest.raises(ConfigError, match="unknown team 'vaxjo'.*known teams: attarp, nassjo"):
        report.validate_params("team_effects", dataset, team="vaxjo")


def test_required_and_unknown_parameters(dataset):
    with pytest.raises(ConfigError, match="'team' is required"):
        report.validate_params("team_effects", dataset, team=None)
    with pytest.raises(ConfigError, match="unknown parameter\\(s\\) colour"):
        report.validate_params("county", dataset, colour="red")
    with pytest.raises(ConfigError, match="unknown survey 'staff'.*parents, pupils"):
        report.validate_params("survey", dataset, survey="staff")
    with pytest.raises(ConfigError, match="year must be a whole number"):
        report.validate_params("gap_analysis", dataset, year="last")
    with pytest.raises(ConfigError, match="unknown measure 'narvaro' for team 'nassjo'"):
        report.validate_params("explore", dataset, team="nassjo", measure="narvaro")
    with pytest.raises(ConfigError, match="lang must be one of"):
        report.validate_params("county", dataset, lang="fi")


def test_valid_parameters_are_resolved_and_nothing_global_is_set(dataset, shown):
    params = report.validate_params("gap_analysis", dataset, year="2024", lang="en")
    # the privacy settings of workbook.yml and the language travel with the parameters, explicitly
    assert params == {"lang": "en", "year": 2024, "min_count": 5, "show_free_text": False}
    assert (
        text.get_language() == "sv"
    )  # no side effect: the language is the report's, not the process's
    assert report.validate_params("team_baseline", dataset, team=" Attarp ")["team"] == "attarp"
    with pytest.raises(ConfigError, match="'team' is required"):
        report.validate_params("team_baseline", dataset)
    with pytest.raises(ConfigError, match="unknown parameter\\(s\\) team"):
        report.validate_params("county", dataset, team="attarp")


def test_header_shows_the_sample_banner_and_escapes_names(dataset, shown):
    report.header("Nuläge <test>", dataset, {"team": "nassjo"})
    html = shown[-1]
    assert text.t("sample_banner", "sv") in html
    assert "Nuläge &lt;test&gt;" in html and "Nässjö &lt;b&gt;" in html
    assert "<b>Nässjö <b>" not in html


def test_header_has_no_banner_for_real_data(dataset, shown):
    real = SimpleNamespace(**{**vars(dataset), "is_sample": False, "source": "raw"})
    report.header("Nuläge", real, {})
    assert 'class="wb-banner"' not in shown[-1]
    assert text.t("sample_banner", "sv") not in shown[-1]


def test_table_escapes_every_cell_and_formats_numbers_the_swedish_way(shown):
    frame = pd.DataFrame({"svar": ["<script>alert(1)</script>", None], "andel": [93.45, 1234.0]})
    html = report.table_html(frame)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "93,5" in html and "1\u00a0234" in html and "–" in html


def test_figure_is_embedded_as_compact_svg_with_its_texts_as_text_and_closed():
    import io
    import re
    import xml.dom.minidom
    from urllib.parse import unquote

    fig, ax = plt.subplots()
    ax.plot([1, 2, 3], [3, 4, 2], color="#0072B2", marker="o", markersize=4)
    ax.set_title("Andel 50 % & mer #1 'ja' <nej>")
    raw = io.StringIO()
    fig.savefig(raw, format="svg", bbox_inches="tight")
    html = report.figure_html(fig, alt="a <line>")
    assert not plt.fignum_exists(fig.number)
    assert html.count("src='data:image/svg+xml,") == 1 and 'alt="a &lt;line&gt;"' in html
    url = re.search(r"src='data:image/svg\+xml,([^']*)'", html).group(1)
    # in the attribute only % # ' & and line breaks are encoded: the page's parser and the
    # URL's decoding give back the SVG, which is well-formed XML
    assert not re.search(r"[#&\n]", url)
    svg = unquote(url)
    title = [
        t.firstChild.data
        for t in xml.dom.minidom.parseString(svg).getElementsByTagName("text")
        if t.firstChild is not None and "Andel" in t.firstChild.data
    ]
    assert title == ["Andel 50 % & mer #1 'ja' <nej>"]  # a text, not glyph paths
    assert "<metadata" not in svg and svg.count("font-family") == 1
    # the three solid round markers are dots of one path: 4 pt wide and the 1 pt edge
    (dots,) = re.findall(r'<path d="((?:M[\d.]+ [\d.]+h0){3})" style="([^"]*)"', svg)
    assert dots[1] == ("fill:none;stroke:#0072b2;stroke-width:5;stroke-linecap:round")
    assert len(svg) < 0.6 * len(raw.getvalue())  # matplotlib's own SVG, for comparison


def _normalised_svg(svg: str) -> str:
    import re

    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)  # the time it was made
    ids = {}
    return re.sub(r"\bp[0-9a-f]{10}\b", lambda m: ids.setdefault(m.group(0), f"p{len(ids)}"), svg)


@pytest.mark.parametrize("kind", ["spc_changes", "panels", "legend_below"])
def test_the_svg_is_the_one_matplotlib_saves_with_a_tight_box(kind):
    # the reference is matplotlib's own savefig(bbox_inches="tight") (a layout draw, then the
    # picture); the workbook measures the same box without the layout draw and saves once
    import io

    import numpy as np

    from analysis import plots, spc
    from analysis.plots.style import _tight_svg

    def drawn():
        if kind == "spc_changes":
            months = pd.date_range("2022-01-01", periods=30, freq="MS")
            values = np.random.default_rng(1).normal(50, 8, 30)
            chart = spc.chart(pd.DataFrame({"m": months, "v": values}), y="v", x="m", kind="i")
            changes = pd.DataFrame(
                {"change_no": [1, 12], "date": [months[8], months[22]], "title": ["Ny", "Sms"]}
            )
            return plots.spc_chart(chart, changes=changes, title="Andel med hembesök")
        if kind == "panels":
            frame = pd.DataFrame(
                {"s": np.repeat(["a", "b", "c", "d"], 20), "x": np.tile(np.arange(20), 4)}
            ).assign(y=lambda d: np.random.default_rng(2).normal(10, 2, len(d)))
            return plots.spc_panel(spc.chart(frame, y="y", x="x", kind="i", by="s"), title="P")
        fig, ax = plt.subplots(figsize=(6, 3))
        ax.plot([1, 2, 3], [3, 4, 2], label="en serie med ett långt namn")
        ax.set_yticks([2, 3, 4], ["två hundra", "tre hundra", "fyra hundra"])
        fig.tight_layout()
        fig.legend(loc="upper center", bbox_to_anchor=(0.5, 0.0))
        return fig

    reference = io.StringIO()
    fig = drawn()
    fig.savefig(reference, format="svg", bbox_inches="tight")
    plt.close(fig)
    fig = drawn()
    ours = _tight_svg(fig)
    plt.close(fig)
    assert _normalised_svg(ours) == _normalised_svg(reference.getvalue())


def test_a_legend_under_the_axes_keeps_its_line_keys_in_the_compact_svg():
    # a legend placed under the axes lies outside the figure's own area: the picture is cut to
    # the tight box of everything drawn, and the legend's line key is still a drawn line (an
    # attempt to draw once and set the box as the viewBox lost it: matplotlib clips unfilled
    # paths to the canvas)
    import re
    import xml.dom.minidom

    from analysis.plots.style import svg_markup

    fig, ax = plt.subplots(figsize=(6, 3))
    ax.plot([1, 2, 3], [3, 4, 2], color="#123456", label="en serie")
    fig.tight_layout()
    fig.legend(loc="upper center", bbox_to_anchor=(0.5, 0.0))
    svg = svg_markup(fig)
    classes = dict(re.findall(r"\.(c\d+)\{([^}]*)\}", svg))
    stroked = [
        path
        for path in xml.dom.minidom.parseString(svg).getElementsByTagName("path")
        if "stroke:#123456"
        in path.getAttribute("style") + classes.get(path.getAttribute("class"), "")
        and path.getAttribute("d").strip()  # a line clipped away is a path without data
    ]
    assert len(stroked) == 2  # the series and its key in the legend
    height = float(re.search(r'<svg width="[\d.]+pt" height="([\d.]+)pt"', svg).group(1))
    assert height > 3 * 72  # the box reaches under the 3 in figure: the legend is inside it


def test_provenance_lists_files_parameters_and_code_version(dataset):
    info = report.provenance_info(dataset, {"team": "attarp", "lang": "sv", "data_dir": "/x"})
    assert info["parameters"] == {"team": "attarp", "lang": "sv"}
    assert info["files"] == {"teams.csv": "a" * 64}
    assert info["git_commit"]
    assert info["package_version"]


def _git(folder, *args):
    import subprocess

    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=folder,
        check=True,
        capture_output=True,
    )


def test_jupyterlab_metadata_is_no_local_change_but_an_edited_cell_is(tmp_path):
    """Issue 16: opening explore.ipynb in JupyterLab rewrote its metadata and every later
    report footer said "(+ local changes)". The footer compares the notebooks' cells."""
    import json

    nb = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {"tags": ["parameters"]},
                "outputs": [],
                "execution_count": None,
                "source": ["team = None\n", "lang = 'sv'"],
            }
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "analysis").mkdir()
    (tmp_path / "analysis" / "x.py").write_text("X = 1\n", encoding="utf-8")
    path = tmp_path / "notebooks" / "explore.ipynb"
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "start")
    clean = git.git_commit(tmp_path)
    assert len(clean) == 12 and "local changes" not in clean
    # what JupyterLab writes on opening: kernelspec, language_info, cell ids, another indent
    opened = json.loads(json.dumps(nb))
    opened["metadata"] = {
        "kernelspec": {"name": "workbook", "display_name": "Workbook"},
        "language_info": {"name": "python", "version": "3.11.2"},
    }
    opened["cells"][0]["id"] = "3f2a9c1e"
    opened["cells"][0]["metadata"]["jupyter"] = {"source_hidden": False}
    path.write_text(json.dumps(opened, indent=2), encoding="utf-8")
    assert git.git_commit(tmp_path) == clean
    from analysis.runner.plan import notebook_hash

    before = notebook_hash(path)
    # an edited cell is a local change (and a new cache key)
    opened["cells"][0]["source"] = ["team = 'nassjo'\n", "lang = 'sv'"]
    path.write_text(json.dumps(opened, indent=2), encoding="utf-8")
    assert git.git_commit(tmp_path) == clean + " (+ local changes)"
    assert notebook_hash(path) != before
    # so is a changed module, whatever the notebooks
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    assert git.git_commit(tmp_path) == clean
    (tmp_path / "analysis" / "x.py").write_text("X = 2\n", encoding="utf-8")
    assert git.git_commit(tmp_path) == clean + " (+ local changes)"


def test_a_run_hands_its_commit_to_the_kernels(tmp_path, monkeypatch):
    """A run asks git once (git.handed_over) and its kernels use that answer, but only for the
    project folder it was asked for."""
    import json

    (tmp_path / "x.txt").write_text("x\n", encoding="utf-8")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "start")
    monkeypatch.delenv(git.ENV, raising=False)
    asked = git.git_commit(tmp_path)
    env = git.handed_over(tmp_path)
    assert json.loads(env[git.ENV]) == {"root": str(tmp_path.resolve()), "commit": asked}
    calls = []
    monkeypatch.setattr(git, "_ask_git", lambda root: calls.append(root) or "asked")
    monkeypatch.setenv(git.ENV, env[git.ENV])
    assert git.git_commit(tmp_path) == asked and calls == []  # handed over: git not asked
    other = tmp_path / "other"
    other.mkdir()
    assert git.git_commit(other) == "asked" and calls == [other]  # another project: asked
    monkeypatch.setenv(git.ENV, "not json")
    assert git.git_commit(tmp_path) == "asked"


def test_the_footer_time_is_stockholm_time(dataset, monkeypatch):
    """Issue 16: the index said 23:14 (machine time) while the footer said 00:14 CET; both now
    come from analysis.clock (Europe/Stockholm)."""
    import datetime as dt

    from analysis import clock

    fixed = dt.datetime(2026, 11, 25, 23, 14, tzinfo=dt.UTC).astimezone(clock.STOCKHOLM)
    monkeypatch.setattr(clock, "now", lambda: fixed)
    info = report.provenance_info(dataset, {"team": "attarp"})
    assert info["generated"] == "2026-11-26 00:14 CET"  # 23:14 UTC + 1 h (CET, winter)
    assert clock.shown("2026-11-25T23:14:00+00:00") == info["generated"]  # what the index shows


# --------------------------------------------------------------------------- glossary and tables


def _glossary_page(lang: str, paragraph: str, column: str):
    from analysis.views.common import with_glossary
    from analysis.views.sections import Page, Paragraph, Section, Table

    page = Page(
        "T",
        (Section("Resultat", (Paragraph(paragraph), Table(pd.DataFrame({column: [0.04]})))),),
        provenance=False,
    )
    return with_glossary(page, lang)


def _render(page, lang, shown):
    ctx = SimpleNamespace(
        lang=lang,
        dataset=SimpleNamespace(is_sample=False, teams=None),
        params={},
        footer_params=lambda: {},
        config=None,
    )
    report.render(page, ctx)
    return "".join(shown)


def test_glossary_lists_only_the_terms_used_and_links_their_first_use_escaped(shown):
    from analysis.views.sections import Glossary

    page = _glossary_page(
        "sv", "Ett styrdiagram <b>visar</b> mer än ett styrdiagrammet utan gränser.", "p-värde"
    )
    glossary = page.glossary()
    assert isinstance(glossary, Glossary) and page.sections[-1].title == "Ordlista"
    assert [key for key, _, _ in glossary.entries] == [
        "control_chart",
        "p_value",
    ]  # no oddskvot: not used
    html = _render(page, "sv", shown)
    # the first use links to the entry; the second use of the same term is plain text
    assert html.count('href="#term-control-chart"') == 1 and html.count('href="#term-p-value"') == 1
    assert (
        '<a class="wb-term" href="#term-control-chart">styrdiagram</a> &lt;b&gt;visar&lt;/b&gt;'
        in html
    )
    assert "ett styrdiagrammet utan" in html and "<b>visar" not in html
    assert '<th scope="col"><a class="wb-term" href="#term-p-value">p-värde</a></th>' in html
    assert '<dt id="term-control-chart">Styrdiagram</dt>' in html and 'id="term-p-value"' in html
    assert html.index('href="#term-control-chart"') < html.index('id="term-control-chart"')
    assert "oddskvot" not in html.lower() and "Glossary" not in html


def test_glossary_in_english_uses_english_terms_and_definitions(shown):
    page = _glossary_page("en", "The odds ratio and its 95 % CI; another odds ratio.", "Difference")
    assert [key for key, _, _ in page.glossary().entries] == ["confidence_interval", "odds_ratio"]
    html = _render(page, "en", shown)
    assert page.sections[-1].title == "Glossary" and "Ordlista" not in html
    assert '<a class="wb-term" href="#term-odds-ratio">odds ratio</a>' in html
    assert '<a class="wb-term" href="#term-confidence-interval">CI</a>' in html
    assert html.count('href="#term-odds-ratio"') == 1
    assert text.t("glossary_def_odds_ratio", "en") in html


def test_a_page_without_terms_gets_no_glossary_and_words_inside_words_are_not_terms():
    page = _glossary_page(
        "sv", "Skidor, kiosk och en seriebok.", "Antal"
    )  # "ki" in "kiosk", "serie"
    assert page.glossary() is None and len(page.sections) == 1


def test_every_glossary_term_has_both_languages_and_its_pattern_finds_its_own_name():
    from analysis.text import glossary

    assert set(glossary.TERMS) == set(glossary.PATTERNS)
    for key in glossary.TERMS:
        for lang in text.LANGUAGES:
            term, definition = glossary.entry(key, lang)
            assert term and len(definition) > 40, (key, lang)
            name = term.split(" (")[0]  # "Konfidensintervall (KI)" -> its name
            assert key in glossary.terms_used([name], lang), (key, lang, name)


def test_glossary_linking_keeps_the_privacy_marks_of_marked_text(shown):
    from analysis.privacy.marks import MarkedText

    class Mark:
        def attributes(self):
            return 'data-n="12"'

    linker = report.TermLinker(["confidence_interval"], "sv")
    html = MarkedText(["Andelen ", ("40 %", Mark()), " med konfidensintervall <x>"]).to_html(
        linker.html
    )
    assert html == (
        'Andelen <span data-n="12">40 %</span> med '
        '<a class="wb-term" href="#term-confidence-interval">konfidensintervall</a> &lt;x&gt;'
    )


def test_a_table_scrolls_in_a_named_keyboard_reachable_region_with_a_caption(shown):
    from analysis.views.sections import Page, Section, Table

    html = report.table_html(pd.DataFrame({"a": [1]}), caption='Andel "ja" <per år>')
    assert html.startswith(
        '<div class="wb-scroll" role="region" tabindex="0" '
        'aria-label="Andel &quot;ja&quot; &lt;per år&gt;">'
    )
    assert "<caption>Andel &quot;ja&quot; &lt;per år&gt;</caption>" in html and html.endswith(
        "</table></div>"
    )
    # without a caption (the renderer always gives one) it is reachable but not an unnamed region
    assert report.table_html(pd.DataFrame({"a": [1]})).startswith(
        '<div class="wb-scroll" tabindex="0"><table'
    )
    # a table the view gave no caption is captioned (and named) by its section's heading
    page = Page("T", (Section("Mått <1>", (Table(pd.DataFrame({"a": [1]})),)),), provenance=False)
    html = _render(page, "sv", shown)
    assert 'aria-label="Mått &lt;1&gt;"' in html and "<caption>Mått &lt;1&gt;</caption>" in html


def test_a_page_is_one_output_also_when_it_fails_half_way(monkeypatch):
    """report.render gathers a page into one output (was one per block); an error half way
    still shows what was rendered before it."""
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, **kw: shown.append(obj))
    with report._one_output():
        report._display_html("<p>a</p>")
        report._display_html("<p>b</p>")
    assert [x.data for x in shown] == ["<p>a</p><p>b</p>"]
    shown.clear()
    with pytest.raises(RuntimeError, match="half way"), report._one_output():
        report._display_html("<p>c</p>")
        raise RuntimeError("half way")
    assert [x.data for x in shown] == ["<p>c</p>"]
    report._display_html("<p>d</p>")  # outside a page: shown at once
    assert [x.data for x in shown] == ["<p>c</p>", "<p>d</p>"]
