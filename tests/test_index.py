"""The report index for readers (issue 16, item 5): a table of contents grouped by team, report
types in words, language versions side by side, run details collapsed, one language (workbook.yml)
and one clock (Europe/Stockholm).

The index is rendered from hand-written ``index.json`` contents; the runner's part (which
entries a run keeps, which language the page speaks) is tested with the fixture notebooks.
"""

from __future__ import annotations

import json
import re

import pytest
from test_runner import PLAN, make_project

import analysis.runner.core as core
from analysis import clock
from analysis.runner import RunOptions, run
from analysis.runner.index import kept_entries, render_index, report_base


def entry(name, notebook, params, lang="sv", status="ok", **extra):
    return {
        "name": name,
        "notebook": notebook,
        "params": params,
        "lang": lang,
        "status": status,
        "html": f"{name}.html" if status != "pending" else None,
        "size": 120_000,
        "source": "sample",
        "last_success": "2026-11-25T23:14:03+00:00",
        "last_run": "2026-11-25T23:14:03+00:00",
        "duration": 4.2,
        **extra,
    }


INDEX = {
    "started": "2026-11-25T23:10:00+00:00",
    "finished": "2026-11-25T23:14:03+00:00",
    "catalogue": {
        "teams": {
            "nassjo": {
                "name": "Nässjö föräldraskapsstöd",
                "municipality_code": "0682",
                "municipality": "Nässjö",
                "focus_area": "psykisk hälsa",
                "cohort": 2019,
            },
            "attarp": {
                "name": "Attarpskolan",
                "municipality_code": "0680",
                "municipality": "Jönköping",
                "focus_area": "fullföljda studier",
                "cohort": 2019,
            },
            "jamlikt": {
                "name": "Jämlikt <föräldraskap>",
                "municipality_code": "0006",
                "municipality": None,
                "focus_area": "psykisk hälsa",
                "cohort": 2021,
            },
        },
        "surveys": {"pupils": {"sv": "Elevenkät om hälsa", "en": "Pupil survey on health"}},
    },
    "reports": {
        "team_effects_nassjo": entry("team_effects_nassjo", "team_effects", {"team": "nassjo"}),
        "baseline_nassjo": entry("baseline_nassjo", "team_baseline", {"team": "nassjo"}),
        "baseline_attarp": entry(
            "baseline_attarp",
            "team_baseline",
            {"team": "attarp"},
            status="failed",
            error="cell [3]: ValueError: x",
            executed="../outputs-private/_executed/baseline_attarp.ipynb",
        ),
        "baseline_jamlikt": entry("baseline_jamlikt", "team_baseline", {"team": "jamlikt"}),
        "gap_analysis": entry("gap_analysis", "gap_analysis", {"year": 2024}),
        "survey_pupils": entry("survey_pupils", "survey", {"survey": "pupils"}),
        "baseline_county": entry("baseline_county", "county", {}),
        "team_effects_nassjo_en": entry(
            "team_effects_nassjo_en", "team_effects", {"team": "nassjo"}, lang="en"
        ),
    },
}


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def test_the_index_is_a_table_of_contents_grouped_by_team():
    page = render_index(INDEX, "sv", "")
    words = text_of(page)
    # the network's reports first, in the order county, survey, goals; then the teams
    toc = page[: page.index("<details")]
    order = [
        toc.index(f'href="{n}.html"')
        for n in (
            "baseline_county",
            "survey_pupils",
            "gap_analysis",
            "baseline_attarp",
            "baseline_nassjo",
            "team_effects_nassjo",
            "baseline_jamlikt",
        )
    ]
    assert order == sorted(order)  # teams by municipality (Jönköping, Nässjö), the region last
    # real names, municipality, focus area and cohort; no report ids in the contents
    assert "Nässjö föräldraskapsstöd" in words and "Nässjö · psykisk hälsa · kohort 2019" in words
    assert "Region Jönköpings län · psykisk hälsa · kohort 2021" in words
    assert "Jämlikt &lt;föräldraskap&gt;" in page and "<föräldraskap>" not in page  # escaped
    assert "baseline_nassjo" not in text_of(toc)
    # report types in words, the survey by its title, the goal report's year in words
    for word in ("Nuläge", "Effekter", "Enkät", "Målanalys", "Elevenkät om hälsa", "år 2024"):
        assert word in text_of(toc), word
    # the English version beside the Swedish one, marked as English for screen readers
    item = toc[toc.index('href="team_effects_nassjo.html"') :]
    item = item[: item.index("</li>")]
    assert 'href="team_effects_nassjo_en.html" hreflang="en" lang="en">English' in item
    # a failure is visible in the contents and said once above it
    assert "1 rapport kunde inte byggas" in words
    attarp = toc[toc.index('href="baseline_attarp.html"') :]
    assert "misslyckades" in attarp[: attarp.index("</li>")]


def test_run_details_are_collapsed_and_say_everything_in_stockholm_time():
    page = render_index(INDEX, "sv", "")
    details = page[page.index("<details") : page.index("</details>")]
    assert "<details " in page and " open" not in details.split(">")[0]
    # 23:14 UTC on 25 November is 00:14 CET on the 26th (UTC+1 in winter): the footer's zone
    assert "2026-11-26 00:14 CET" in details and "23:14" not in page
    assert "Senast uppdaterad 2026-11-26 00:14 CET" in text_of(page)
    # status, times, size and the failure with its executed notebook, in a focusable region
    assert 'tabindex="0"' in details and "<caption>" in details
    assert "117 kB" in details and "4.2 s" in details
    assert "cell [3]: ValueError: x" in details
    assert 'href="../outputs-private/_executed/baseline_attarp.ipynb"' in details
    assert details.index("baseline_attarp") < details.index("baseline_nassjo")  # failures first


def test_the_index_in_english_links_the_swedish_versions():
    page = render_index(INDEX, "en", "")
    assert '<html lang="en">' in page
    words = text_of(page)
    assert "Baseline" in words and "Effects" in words and "Pupil survey on health" in words
    assert "cohort 2019" in words and "mental health" in words
    # its main links are the English reports where they exist
    assert 'href="team_effects_nassjo_en.html">' in page
    assert 'hreflang="sv" lang="sv">Svenska' in page


def test_clock_shows_stockholm_time_summer_and_winter():
    # 10:00 UTC is 12:00 CEST in July (UTC+2) and 11:00 CET in January (UTC+1)
    assert clock.shown("2026-07-01T10:00:00+00:00") == "2026-07-01 12:00 CEST"
    assert clock.shown("2026-01-15T10:00:00+00:00") == "2026-01-15 11:00 CET"
    assert clock.shown("2026-01-15T10:00:00") == "2026-01-15 10:00 CET"  # no offset: Stockholm
    assert clock.shown(None) == "–"
    assert clock.now().tzinfo is clock.STOCKHOLM


def test_which_entries_a_full_run_keeps():
    reports = {
        name: {"lang": lang}
        for name, lang in [
            ("a", "sv"),
            ("a_en", "en"),
            ("gone", "sv"),
            ("gone_en", "en"),
            ("b", "sv"),
        ]
    }
    # a Swedish run of a and b keeps the English a, drops the report no longer planned
    assert set(kept_entries(reports, ["a", "b"], "sv", "sv")) == {"a", "a_en", "b"}
    # an English run of the whole plan keeps every Swedish report of the plan
    assert set(kept_entries(reports, ["a_en", "b_en"], "en", "sv")) == {"a", "a_en", "b"}
    assert report_base("a_en", "en", "sv") == "a" and report_base("a_en", "sv", "sv") == "a_en"


@pytest.mark.notebooks
def test_a_lang_run_neither_changes_the_index_language_nor_is_dropped(tmp_path, monkeypatch):
    """Issue 16: one `workbook run --lang en --only …` turned the shared index English, and
    the next normal run dropped the English report from it."""
    monkeypatch.setattr(
        core, "_discover", lambda data_dir, fp, previous, code="": (["a", "b"], [], {})
    )
    monkeypatch.setattr(core.planmod, "code_hash", lambda config: "code-1")
    root = make_project(tmp_path, PLAN.split("  - notebook: fails")[0])
    out = root / "outputs"
    assert run(RunOptions(), root=root, tty=False).exit_code == 0
    english = run(RunOptions(only=["tiny_a"], lang="en"), root=root, tty=False)
    assert [r["name"] for r in english.reports] == ["tiny_a_en"]
    page = (out / "index.html").read_text(encoding="utf-8")
    assert '<html lang="sv">' in page and "<h1>Rapporter</h1>" in page
    again = run(RunOptions(), root=root, tty=False)
    assert {r["status"] for r in again.reports} == {"reused"}
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    assert "tiny_a_en" in index["reports"] and index["reports"]["tiny_a_en"]["lang"] == "en"
    assert index["lang"] == "sv"
    page = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="tiny_a_en.html" hreflang="en" lang="en"' in page
    # the data change: the English report, not rebuilt by a Swedish run, is marked out of date
    (root / "data" / "sample" / "extra.csv").write_text("x\n1\n", encoding="utf-8")
    run(RunOptions(), root=root, tty=False)
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    assert index["reports"]["tiny_a_en"]["stale"] is True
    assert index["reports"]["tiny_a"]["stale"] is False
