"""Issue 17: the change menu, the spread of changes and stories beside measures.

analysis.menu on tiny hand-built frames (expected values counted by hand in the comments), the
contracts of spread.csv and stories.csv (bad input names file, row and column), and the views:
the change menu gives the team reports' own verdicts, stories obey consent and the free-text
switch, and everything is escaped.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis import effects, menu, report
from analysis.dataset import check_folder, load_dataset, with_tables
from analysis.io import DataError
from analysis.text import effects as text_effects
from analysis.text import t
from analysis.views import ReportContext
from analysis.views.sections import Bullets, Link, Paragraph, Table

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"

D = pd.Timestamp

# ------------------------------------------------------------------ analysis.menu


def test_ideas_are_the_idea_column_else_the_title_normalised():
    changes = pd.DataFrame(
        {
            "team_id": ["a", "b", "c", "c"],
            "change_no": [1, 1, 1, 2],
            "title": ["Sms-påminnelse!", "SMS  påminnelse", "Något annat", "Sms till föräldrar"],
            "idea": [pd.NA, pd.NA, pd.NA, "sms"],
        }
    )
    keyed = menu.idea_keys(changes)
    # "Sms-påminnelse!" and "SMS  påminnelse": case, hyphen, "!" and the double space go
    assert list(keyed["idea_key"]) == [
        "title:sms påminnelse",
        "title:sms påminnelse",
        "title:något annat",
        "sms",
    ]
    assert list(keyed["idea_source"]) == ["title", "title", "title", "idea"]
    assert menu.normalise_title("  Å, ä; ö ") == "å ä ö"  # Swedish letters are kept


def test_adoption_is_a_step_count_of_units_whose_latest_state_is_adopted():
    spread = pd.DataFrame(
        {
            "team_id": ["t"] * 5,
            "change_no": [2] * 5,
            "date": [
                D("2024-01-01"),
                D("2024-02-01"),
                D("2024-02-01"),
                D("2024-03-01"),
                D("2024-04-01"),
            ],
            "unit": ["7A", "7B", "8A", "7B", "8A"],
            "adopted": [True, True, False, False, True],
        }
    )
    curve = menu.adoption(spread)
    # Jan: 7A -> 1 of 1; Feb: 7A, 7B adopted, 8A not -> 2 of 3; Mar: 7B stops -> 1 of 3;
    # Apr: 8A adopts -> 2 of 3
    assert list(curve["adopted_units"]) == [1, 2, 1, 2]
    assert list(curve["units"]) == [1, 3, 3, 3]
    assert curve["method"].str.contains("latest recorded state").all()
    now = menu.adoption_now(spread)
    assert now.iloc[0]["adopted"] == ("7A", "8A") and int(now.iloc[0]["adopted_units"]) == 2


def test_adoption_agrees_with_counting_each_date_by_hand():
    import numpy as np

    rng = np.random.default_rng(17)
    n = 60
    spread = pd.DataFrame(
        {
            "team_id": rng.choice(["a", "b"], n),
            "change_no": rng.integers(1, 3, n),
            "date": D("2024-01-01") + pd.to_timedelta(rng.integers(0, 8, n) * 7, unit="D"),
            "unit": rng.choice(["u1", "u2", "u3", "u4"], n),
            "adopted": rng.random(n) < 0.6,
        }
    )
    curve = menu.adoption(spread)
    for r in curve.itertuples(index=False):
        # the naive reading of the contract: each unit's last row (in file order) on or before
        # the date
        own = spread[
            (spread["team_id"] == r.team_id)
            & (spread["change_no"] == r.change_no)
            & (spread["date"] <= r.date)
        ]
        state = {}
        for row in own.sort_values("date", kind="stable").itertuples(index=False):
            state[row.unit] = bool(row.adopted)
        assert (r.adopted_units, r.units) == (sum(state.values()), len(state))
    assert len(curve) == len(spread.drop_duplicates(["team_id", "change_no", "date"]))


def test_the_menu_counts_cycles_per_idea_and_team_and_names_the_spread():
    changes = pd.DataFrame(
        {
            "team_id": ["a", "a", "b"],
            "change_no": [1, 2, 1],
            "date": [D("2024-01-01"), D("2024-03-01"), D("2024-02-01")],
            "title": ["Tolk vid träffar", "Tolk vid träffar, omgång 2", "Tolk på plats"],
            "pdsa_step": ["study", "act", "do"],
            "measures": ["m1", "m1,m2", "x"],
            "idea": ["tolk", "tolk", "tolk"],
        }
    )
    teams = pd.DataFrame(
        {
            "team_id": ["a", "b"],
            "team_name": ["Team A", "Team B"],
            "focus_area": ["psykisk hälsa", "psykisk hälsa"],
        }
    )
    spread = pd.DataFrame(
        {
            "team_id": ["a", "a", "a"],
            "change_no": [1, 2, 2],
            "date": [D("2024-01-01"), D("2024-03-01"), D("2024-04-01")],
            "unit": ["FC Nässjö", "FC Nässjö", "FC Eksjö"],
            "adopted": [True, True, False],
        }
    )
    table = menu.change_menu(changes, teams, {}, spread)
    a = table[table["team_id"] == "a"].iloc[0]
    # team a tested the idea in two rows of its log: two cycles, its latest step is "act"
    assert a["n_cycles"] == 2 and a["change_nos"] == (1, 2) and a["latest_step"] == "act"
    assert a["measures"] == ("m1", "m2")
    # FC Nässjö adopted (both rows), FC Eksjö named but not adopted: 1 of 2
    assert (a["units_adopted"], a["units_named"]) == (1, 2)
    ideas = menu.change_ideas(table)
    assert ideas.iloc[0]["teams"] == ("a", "b") and ideas.iloc[0]["n_cycles"] == 3


def test_change_verdicts_take_the_rows_that_judge_one_of_the_changes():
    table = pd.DataFrame({"measure_id": ["m", "m", "n"], "changes": ["1, 2", "3", "3"]})
    assert list(menu.change_verdicts(table, [2])["changes"]) == ["1, 2"]
    assert list(menu.change_verdicts(table, (3,))["measure_id"]) == ["m", "n"]


def _stories(**extra) -> pd.DataFrame:
    base = {
        "team_id": ["t", "t", "t"],
        "date": [D("2024-03-20"), D("2024-01-10"), D("2024-02-05")],
        "title": ["C", "A", "B"],
        "text": ["c", "a", "b"],
        "teller": ["parent", "staff", "child"],
        "consent": [True, False, True],
        "measure_id": ["m", "m", pd.NA],
        "period": [pd.NaT, pd.NaT, pd.NaT],
    }
    base.update(extra)
    return pd.DataFrame(base).astype({"measure_id": "str", "period": "datetime64[us]"})


def test_a_story_without_consent_is_never_numbered_and_a_story_sits_in_its_measures_period():
    measures = pd.DataFrame({"measure_id": ["m"], "frequency": ["month"]})
    numbered = menu.team_stories(_stories(), measures)
    assert list(numbered["title"]) == ["B", "C"]  # A has no consent; by date
    assert list(numbered["no"]) == [1, 2]
    # C is told 2024-03-20 beside a monthly measure: its period is March; B has no measure
    assert list(numbered["at"]) == [D("2024-02-05"), D("2024-03-01")]


def test_the_poster_takes_a_story_beside_an_improved_measure_first():
    numbered = menu.team_stories(_stories(consent=[True, True, True]), None)
    effects_table = pd.DataFrame(
        {"measure_id": ["m"], "improved": [True], "change_date": [D("2024-01-01")]}
    )
    # A (2024-01-10) and C (2024-03-20) sit beside m, improved by a change of 2024-01-01: the
    # later, C, is chosen; without the improvement C still wins (beside a measure, the latest)
    assert menu.best_story(numbered, effects_table)["title"] == "C"
    no_effect = effects_table.assign(improved=False)
    assert menu.best_story(numbered[numbered["title"] != "C"], no_effect)["title"] == "A"
    assert menu.best_story(numbered.iloc[0:0], effects_table) is None


# ------------------------------------------------------------------ contracts and checks

TEAMS = [
    "team_id;team_name;municipality_code;focus_area;cohort;start_date",
    "attarp;Attarpskolan;0680;fullföljda studier;2019;2019-08-19",
]
FILES = {
    "municipalities.csv": ["municipality_code;municipality_name;in_network", "0680;Jönköping;1"],
    "teams.csv": TEAMS,
    "measures.csv": [
        "measure_id;team_id;measure_name;measure_type;chart;unit;frequency;direction",
        "narvaro;attarp;Närvaro;outcome;i;%;week;up",
    ],
    "observations.csv": ["team_id;measure_id;period;value", "attarp;narvaro;2020-01-06;91,5"],
    "changes.csv": [
        "team_id;change_no;date;title;pdsa_step;measures",
        "attarp;1;2020-02-03;Samma-dags-sms;göra;narvaro",
    ],
}


def folder_with(tmp_path: Path, encoding: str = "utf-8", **files: list[str]) -> Path:
    for name, lines in {
        **FILES,
        **{k.replace("_csv", ".csv"): v for k, v in files.items()},
    }.items():
        (tmp_path / name).write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return tmp_path


def found(problems, file: str, row: int, column: str) -> list:
    return [p for p in problems if (p.file, p.row, p.column) == (file, row, column)]


def test_spread_unknown_team_and_a_unit_adopting_a_change_that_does_not_exist(tmp_path):
    folder = folder_with(
        tmp_path,
        spread_csv=[
            "team_id;change_no;date;unit;adopted",
            "attarp;1;2020-02-03;Klass 7A;ja",  # row 2: fine
            "attarp;4;2020-02-03;Klass 7B;ja",  # row 3: attarp has no change 4
            "okand;1;2020-02-03;Klass 7C;nej",  # row 4: no such team
        ],
    )
    problems = check_folder(folder)
    (bad_change,) = found(problems, "spread.csv", 3, "change_no")
    assert "no change 4" in bad_change.message and "known: 1" in bad_change.hint
    (bad_team,) = found(problems, "spread.csv", 4, "team_id")
    assert "okand" in bad_team.message
    assert len(problems) == 2
    with pytest.raises(DataError):  # and nothing is loaded from it
        load_dataset(folder)


def test_stories_unknown_team_consent_missing_and_unknown_measure(tmp_path):
    folder = folder_with(
        tmp_path,
        stories_csv=[
            "team_id;date;title;text;teller;consent;measure_id",
            "attarp;2020-02-10;Titel;Text;förälder;ja;narvaro",  # row 2: fine
            "okand;2020-02-10;Titel;Text;förälder;ja;",  # row 3: no such team
            "attarp;2020-02-10;Titel;Text;förälder;;",  # row 4: consent missing
            "attarp;2020-02-10;Titel;Text;Anna Svensson;nej;",  # row 5: a name, not a role
            "attarp;2020-02-10;Titel;Text;lärare;nej;sms",  # row 6: no such measure
        ],
    )
    problems = check_folder(folder)
    assert found(problems, "stories.csv", 3, "team_id")
    (consent,) = found(problems, "stories.csv", 4, "consent")
    assert consent.message == "the cell is empty" and "1 (ja) or 0 (nej)" in consent.hint
    (teller,) = found(problems, "stories.csv", 5, "teller")
    assert "not an allowed value" in teller.message and "parent" in teller.hint
    assert found(problems, "stories.csv", 6, "measure_id")
    assert len(problems) == 4


def test_swedish_headers_and_a_windows_1252_file_are_read(tmp_path):
    folder = folder_with(
        tmp_path,
        encoding="cp1252",
        spread_csv=["Team ID;Förändring nr;Datum;Enhet;Infört", "attarp;1;2020-02-03;Klass 7A;ja"],
        stories_csv=[
            "Team ID;Datum;Rubrik;Berättelse;Roll;Samtycke;Mått",
            "attarp;2020-02-10;Så blev det;Vi såg skillnad;Förälder;ja;narvaro",
        ],
    )
    assert check_folder(folder) == []
    ds = load_dataset(folder)
    assert ds.spread.iloc[0]["unit"] == "Klass 7A" and bool(ds.spread.iloc[0]["adopted"])
    story = ds.team("attarp").stories.iloc[0]
    assert (story["title"], story["teller"], story["measure_id"]) == (
        "Så blev det",
        "parent",
        "narvaro",
    )


# ------------------------------------------------------------------ the views


@pytest.fixture(scope="module")
def sample():
    return load_dataset(SAMPLE)


def test_the_change_menu_gives_the_team_reports_verdicts_and_links_to_them(sample):
    from analysis.views import change_menu

    ctx = report.context("change_menu", data_dir=SAMPLE)
    page = change_menu.build(ctx)
    shared = [s for s in page.sections if s.title == t("menu_shared_section")][0]
    assert [s.title for s in shared.blocks] == [
        "Personlig inbjudan via barnmorskemottagningen",
        "Familjeaktiviteter på lördagar i Arena för hälsa",
        "Sms samma dag till vårdnadshavare vid frånvaro",
    ]
    side_by_side = shared.blocks[2].blocks[0].frame
    assert list(side_by_side.columns)[1:] == ["Attarpskolan", "Nässjö föräldraskapsstöd"]
    links = side_by_side.iloc[-1, 1:].tolist()
    assert links == [
        Link("Attarpskolan", "team_effects_attarp.html"),
        Link("Nässjö föräldraskapsstöd", "team_effects_nassjo.html"),
    ]
    # the verdict of change 2 on attendance is the team report's own reading of its row
    rows = effects.team_effects(sample.team("attarp"), "attarp").table
    row = rows[(rows["measure_id"] == "narvaro") & rows["changes"].str.contains("2")].iloc[0]
    expected = f"Andel närvarande elevdagar: {text_effects.short_verdict(row, 'sv')}"
    effect = side_by_side.iloc[6, 1]
    assert effect.startswith(expected)
    english = change_menu.team_report_href(ctx.with_lang("en"), "attarp")
    assert english == "team_effects_attarp_en.html"


def test_a_link_cell_is_escaped_and_only_a_report_file_becomes_a_link():
    html = report.table_html(
        pd.DataFrame(
            {
                "a": [
                    Link("<b>Team</b>", "team_effects_a.html"),
                    Link("x", "javascript:alert(1)"),
                ]
            }
        )
    )
    assert '<a href="team_effects_a.html">&lt;b&gt;Team&lt;/b&gt;</a>' in html
    assert "javascript" not in html and "<td>x</td>" in html


def _attarp_with_story(sample, title: str):
    stories = pd.concat(
        [
            sample.stories,
            pd.DataFrame(
                {
                    "team_id": ["attarp"],
                    "date": [D("2020-03-09")],
                    "title": [title],
                    "text": ["<img src=x onerror=alert(1)>"],
                    "teller": ["teacher"],
                    "consent": [True],
                    "measure_id": ["narvaro"],
                    "period": [pd.NaT],
                }
            ).astype(sample.stories.dtypes.to_dict()),
        ],
        ignore_index=True,
    )
    return with_tables(sample, stories=stories)


@pytest.mark.parametrize("show_free_text", [False, True])
def test_stories_obey_consent_and_the_free_text_switch_and_are_escaped(
    sample, show_free_text, monkeypatch
):
    from analysis.views import team_effects

    ds = _attarp_with_story(sample, "<script>alert(1)</script>")
    ctx = ReportContext(
        ds, "team_effects", show_free_text=show_free_text, params={"team": "attarp"}
    )
    team = ds.team("attarp")
    result = effects.team_effects(team, "attarp")
    m = next(x for x in team.measures.itertuples(index=False) if x.measure_id == "narvaro")
    section = team_effects.measure_section(ctx, team, m, result)
    (items,) = [b for b in section.blocks if isinstance(b, Bullets)][:1]
    texts = " ".join(items.items)
    # the sample's attarp stories on attendance: B1 (a parent, consent), a pupil's without
    # consent (never shown, so not numbered), and the planted one, B3 (B2 is on another measure)
    assert [x.split(" ")[0] for x in items.items] == ["B1", "B3"]
    assert "Någon märker" not in texts  # the story without consent
    assert ("<script>" in texts) is show_free_text  # title shown only when free text is
    poster = team_effects.poster_lines(ctx, team, result)
    results = poster[t("effects_poster_results", "sv")]
    assert any(line.startswith("Berättelse") for line in results)
    shown: list[str] = []
    monkeypatch.setattr(report, "_display_html", shown.append)
    report.bullets(items.items)
    assert "<script>" not in shown[0] and "<img" not in shown[0]
    if show_free_text:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown[0]
    spread = [b for b in section.blocks if isinstance(b, Paragraph) and "Spridning" in b.text]
    assert spread and "5 av 6 enheter" in spread[0].text  # Attarp's change 2 (sample)
    assert not [b for b in section.blocks if isinstance(b, Table)]
