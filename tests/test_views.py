"""analysis.views: each report's content in one place; the same reports as before, in any language."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from analysis import report, text
from analysis.views import (
    Bullets,
    Figure,
    Note,
    Page,
    Paragraph,
    ReportContext,
    Section,
    Table,
    county,
    gap,
    survey,
    team_baseline,
    team_effects,
)
from analysis.views.common import survey_ties_texts, team_survey_ids

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "views"

# (view, notebook, parameters, the published report the fixture was read from)
VIEWS = [
    (county, "county", {}, "baseline_county"),
    (team_baseline, "team_baseline", {"team": "attarp"}, "baseline_attarp"),
    (survey, "survey", {"survey": "parents"}, "survey_parents"),
    (gap, "gap_analysis", {"year": 2024}, "gap_analysis"),
    (team_effects, "team_effects", {"team": "attarp"}, "team_effects_attarp"),
]


@pytest.fixture(scope="module")
def contexts():
    made: dict[tuple, ReportContext] = {}

    def get(notebook: str, lang: str = "sv", **params) -> ReportContext:
        key = (notebook, tuple(sorted(params.items())))
        if key not in made:
            made[key] = report.context(notebook, data_dir=SAMPLE, **params)
        return made[key].with_lang(lang)

    return get


def outline(page: Page) -> dict:
    """What a reader sees of a page's structure: title, headings, tables (caption and columns),
    figures (alt text as the renderer shortens it)."""

    def alt(text_: str) -> str:
        return text_ if len(text_) <= report.ALT_CHARS else text_[: report.ALT_CHARS - 1] + "\u2026"

    return {
        "title": page.title,
        "headings": [[level, title] for level, title in page.headings()],
        "tables": [[t.caption, [str(c) for c in t.frame.columns]] for t in page.tables()],
        "figures": [alt(f.alt) for f in page.figures()],
    }


def every_text(page: Page) -> list[str]:
    """Every string a page shows (headings, texts, table columns and cells, captions, alt texts)."""
    out = [page.title]
    for block in page.blocks():
        if isinstance(block, Section):
            out.append(str(block.title))
        elif isinstance(block, Paragraph | Note):
            out.append(str(block.text))
        elif isinstance(block, Bullets):
            out += list(block.items)
        elif isinstance(block, Table):
            out += [
                str(block.caption),
                *map(str, block.frame.columns),
                *map(str, block.frame.astype(str).to_numpy().ravel()),
            ]
        elif isinstance(block, Figure):
            out.append(block.alt)
    return out


@pytest.mark.parametrize(
    ("view", "notebook", "params", "published"), VIEWS, ids=[v[3] for v in VIEWS]
)
def test_the_view_shows_what_the_report_showed_before_the_views(
    view, notebook, params, published, contexts
):
    # The fixtures were read from the HTML the sample reports had before the presentation layer
    # (commit 8ca9849, notebooks with the content inline): the same sections, tables and figures,
    # in the same order, must come out of the view. Deliberate changes since: the effect
    # estimates table has issue 12's columns (verdict first, expected level, difference with its
    # CI, smallest detectable improvement), as branch i12-effects' team_effects_attarp.html has;
    # issue 16 named the effect report's wave section after the survey and its own waves (it said
    # "september jämfört med december" whatever the waves); the baseline table's centre line is
    # its chart's median, beside the pooled level (issue 16: one centre line per chart); the
    # survey section is "Teamets enkäter" (the surveys tied to the team, not "its area"); a
    # report that uses statistical terms ends with their glossary ("Ordlista", issue 16); the
    # driver diagram and the poster summary are text, no longer pictures of text (issue 16: a
    # nested list; the poster's headings as headings one level down, each with its lines); the
    # county report ends with every team's score on the IHI assessment scale and the effect
    # report shows the team's own before its caveats (issue 17, "Framsteg på IHI:s ..."); under
    # a measure's chart, the spread of its changes as a step chart (issue 17: spread.csv).
    before = json.loads((FIXTURES / f"{published}.json").read_text(encoding="utf-8"))
    page = view.build(contexts(notebook, **params))
    if page.glossary() is not None:
        before["headings"].append([2, "Ordlista"])
    pictures_of_text = ("Påverkansanalys (drivkraftsdiagram)", "Sammanfattning (posterformat)")
    before["figures"] = [f for f in before["figures"] if f not in pictures_of_text]
    headings = page.headings()
    if [2, pictures_of_text[1]] in before["headings"]:
        at = headings.index((2, pictures_of_text[1]))
        poster = [[3, h] for level, h in headings[at + 1 :] if level == 3]
        assert [h for _, h in poster[:2]] == ["Förbättringsområde", "Bakgrund"]
        k = before["headings"].index([2, pictures_of_text[1]]) + 1
        before["headings"][k:k] = poster
    if published == "survey_parents":
        # issue 16: a subgroup section draws its Likert items in one chart, before the questions
        # (were one chart each); the question list's nine charts come first
        likert = before["figures"][5:8]
        assert all(x.startswith("Jag ") for x in likert)
        rest = [f for f in before["figures"][9:] if f not in likert]
        combined = "Svaren på varje påstående per förstagångsförälder, från negativt till positivt"
        before["figures"] = [*before["figures"][:9], combined, *rest]
    assert outline(page) == before


@pytest.mark.parametrize(
    ("view", "notebook", "params", "published"), VIEWS, ids=[v[3] for v in VIEWS]
)
def test_a_report_explains_the_terms_it_uses_in_its_language(
    view, notebook, params, published, contexts
):
    from analysis.text import glossary

    for lang in text.LANGUAGES:
        page = view.build(contexts(notebook, lang=lang, **params))
        used = glossary.terms_used(page.texts(), lang)
        entries = page.glossary().entries if page.glossary() else ()
        assert [key for key, _, _ in entries] == list(used)  # exactly the terms its text uses
        assert all(
            (term, definition) == glossary.entry(key, lang) for key, term, definition in entries
        )
        if published in ("team_effects_attarp", "survey_parents", "baseline_attarp"):
            assert used, (published, lang)  # these reports speak statistics: they have a glossary


@pytest.mark.parametrize(
    ("view", "notebook", "params", "published"), VIEWS, ids=[v[3] for v in VIEWS]
)
def test_a_view_is_in_its_own_language_whatever_the_default(
    view, notebook, params, published, contexts
):
    # No hidden global: the language travels in the context. The same English page is built
    # while the process default is Swedish and while it is English.
    ctx = contexts(notebook, lang="en", **params)
    with text.language("sv"):
        under_sv = every_text(view.build(ctx))
    with text.language("en"):
        under_en = every_text(view.build(ctx))
    assert under_sv == under_en
    swedish_title = json.loads((FIXTURES / f"{published}.json").read_text(encoding="utf-8"))[
        "title"
    ]
    assert under_sv[0] != swedish_title and ctx.t("measure") == "Measure"  # it is English


def test_the_renderer_shows_every_block_in_order_escaped_and_draws_in_the_report_language(
    monkeypatch,
):
    shown: list[str] = []
    monkeypatch.setattr(report, "_display_html", shown.append)
    drawn: list[str] = []

    def draw():
        import matplotlib.pyplot as plt

        drawn.append(text.get_language())
        fig, ax = plt.subplots()
        ax.plot([1, 2], [1, 2])
        return fig

    dataset = SimpleNamespace(
        folder=Path("/data/sample"),
        is_sample=True,
        source="sample",
        teams=pd.DataFrame({"team_id": ["a"], "team_name": ["Team <A>"]}),
        files={},
    )
    ctx = ReportContext(dataset, "team_baseline", lang="en", params={"team": "a"})
    page = Page(
        "Title <x>",
        (
            Section(None, (Bullets(("one", "<two>")),)),
            Section(
                "Second",
                (
                    Paragraph("a & b"),
                    Section(
                        "Third",
                        (
                            Table(pd.DataFrame({"c": [1.5]}), "cap"),
                            Figure(draw, "alt <y>"),
                            Note("small"),
                        ),
                        3,
                    ),
                ),
            ),
        ),
        provenance=False,
    )
    with text.language("sv"):
        report.render(page, ctx)
        assert text.get_language() == "sv"  # the report's language ends with the page
    html = "".join(shown)
    assert drawn == ["en"]
    order = [
        "Title &lt;x&gt;",
        "Team &lt;A&gt;",
        "SAMPLE DATA",
        "&lt;two&gt;",
        "<h2",
        "a &amp; b",
        "<h3",
        "<caption>cap</caption>",
        "1.5",
        'alt="alt &lt;y&gt;"',
        "small",
    ]
    positions = [html.index(part) for part in order]
    assert positions == sorted(positions)
    assert "Om rapporten" not in html and "About this report" not in html  # no footer asked


def test_the_context_validates_and_reads_the_privacy_settings(contexts):
    ctx = contexts("team_baseline", team="attarp")
    assert (ctx.team, ctx.lang, ctx.min_count, ctx.show_free_text) == ("attarp", "sv", 5, False)
    assert ctx.footer_params() == {
        "lang": "sv",
        "team": "attarp",
        "min_count": 5,
        "show_free_text": False,
    }
    with pytest.raises(TypeError):
        ctx.params["team"] = "aneby"  # read-only
    with pytest.raises(ValueError, match="lang must be one of"):
        ReportContext(ctx.dataset, "county", lang="fi")


def test_a_team_report_shows_the_surveys_its_codebooks_tie_to_it_from_its_period(contexts):
    # The sample's codebooks: pupils -> teams [attarp] (fielded 2019-09 and 2019-12, attarp's
    # data run 2019-08-19 to 2020-03-23); parents -> rydaholm, nassjo, jamlikt, mullsjo (fielded
    # 2022-03, nassjo's data end 2022-02-01: after its period); coordinators -> jamlikt,
    # rydaholm, mullsjo (2022-03). Aneby ("rörelse i skolan") is tied to nothing: the old
    # keyword rule gave it the pupil survey of five other schools.
    def ids(team):
        return team_survey_ids(contexts("team_baseline", team=team), team)

    assert ids("attarp") == ["pupils"]
    assert ids("mullsjo") == ["coordinators", "parents"]
    assert ids("nassjo") == [] and ids("aneby") == [] and ids("varnamo") == []
    nassjo = survey_ties_texts(contexts("team_baseline", team="nassjo"), "nassjo")
    assert nassjo[0] == "Ingen enkät från teamets period hör till teamet."
    assert nassjo[1] == (
        "Föräldraenkät om föräldragrupper besvarades 2022-03, efter teamets period "
        "(2019-09 – 2022-02), och visas därför inte."
    )
    page = team_baseline.build(contexts("team_baseline", team="aneby"))
    texts = every_text(page)
    assert "Ingen enkät från teamets period hör till teamet." in texts
    assert not any("Elevenkät" in x for x in texts)
    assert survey_ties_texts(contexts("team_baseline", team="attarp"), "attarp") == []


def test_the_survey_view_chooses_the_chart_by_question_type_and_group_count(contexts):
    import functools

    from analysis import plots, surveys

    ctx = contexts("survey", survey="parents")
    sv = ctx.dataset.survey("parents")
    summary = surveys.summarise(sv, min_count=5)
    likert = surveys.question_ids(sv, "likert")[0]
    single = surveys.question_ids(sv, "single", subgroups=False)[0]

    def drawn_by(figure):
        return (
            None
            if figure is None
            else figure.draw.func
            if isinstance(figure.draw, functools.partial)
            else None
        )

    assert drawn_by(survey.question_figure(summary, sv, likert, None, "sv")) is plots.survey_likert
    assert drawn_by(survey.question_figure(summary, sv, single, None, "sv")) is plots.survey_bars
    # by wave: bars side by side for a choice, no Likert chart per item (the waves section has them)
    assert survey.question_figure(summary, sv, likert, "wave", "sv") is None
    assert (
        drawn_by(survey.question_figure(summary.assign(wave="1"), sv, single, "wave", "sv"))
        is plots.survey_grouped_bars
    )
    # many groups: the table alone (5 groups > 4 for bars, 9 > 8 for Likert)
    many = pd.concat([summary.assign(g=str(i)) for i in range(9)], ignore_index=True)
    assert survey.question_figure(many, sv, single, "g", "sv") is None
    assert survey.question_figure(many, sv, likert, "g", "sv") is None
    assert (
        drawn_by(survey.question_figure(many[many["g"] < "8"], sv, likert, "g", "sv"))
        is plots.survey_likert
    )


def test_driver_diagram_and_poster_summary_are_text_not_pictures_of_text(contexts):
    from analysis.views.sections import Outline

    ctx = contexts("team_effects", team="attarp")
    page = team_effects.build(ctx)
    (tree,) = [b for b in page.blocks() if isinstance(b, Outline)]
    diagram = ctx.dataset.drivers("attarp")
    nodes = diagram.nodes

    def depth_of(items, depth=0):
        return max((depth_of(children, depth + 1) for _, children in items), default=depth)

    # aim -> primary -> secondary -> idea: four levels, every node of the file once
    assert depth_of(tree.items) == 4
    labels = []

    def walk(items):
        for label, children in items:
            labels.append(label)
            walk(children)

    walk(tree.items)
    assert len(labels) == len(nodes)
    assert labels[0] == f"Syfte (mål): {diagram.aim}"
    first_idea = nodes[nodes["level"] == "idea"].iloc[0]
    assert any(
        x.startswith(f"Förändringsidé {first_idea.node_id}: {first_idea.text} – ") for x in labels
    )
    # rendered as nested lists, every text escaped
    html = report.outline_html(Outline((("a <b>", (("c & d", ()),)),), caption="x"))
    assert html == (
        '<div class="wb-tree"><p class="wb-tree-cap">x</p>'
        "<ul><li>a &lt;b&gt;<ul><li>c &amp; d</li></ul></li></ul></div>"
    )
    # the poster: its headings one level down, each with its lines; no figure of it
    lines = team_effects.poster_lines(
        ctx, ctx.dataset.team("attarp"), _result(ctx), ctx.dataset.drivers("attarp")
    )
    (poster,) = [
        b
        for b in page.sections
        if isinstance(b, Section) and b.title == "Sammanfattning (posterformat)"
    ]
    shown = {
        s.title: [
            *(x for b in s.blocks if isinstance(b, Paragraph) for x in [b.text]),
            *(x for b in s.blocks if isinstance(b, Bullets) for x in b.items),
        ]
        for s in poster.blocks
        if isinstance(s, Section)
    }
    assert shown == lines
    assert "Sammanfattning (posterformat)" not in [f.alt for f in page.figures()]


def _result(ctx):
    from analysis import effects

    team = ctx.dataset.team("attarp")
    return effects.team_effects(team, team.id)
