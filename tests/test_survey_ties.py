"""Issue 16, items 1-3: surveys tied to teams in the codebook, item direction in every summary,
respondents counted per wave.

Expected values are hand calculations (written out in the comments) or counts taken from the
sample's raw export with the csv module, independent of the code under test.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from analysis import goals, report, surveys, text
from analysis.dataset import check_folder
from analysis.io import DataError
from analysis.views import survey, survey_tables, team_baseline, team_effects
from analysis.views.common import survey_ties_texts, team_survey_ids
from tests.test_surveys import FORMS_HEADER, forms_codebook, forms_rows, write_survey
from tests.test_views import every_text

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"


def _codebook(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "surveys" / "s"
    folder.mkdir(parents=True)
    (folder / "codebook.yml").write_text(text, encoding="utf-8")
    return folder


BASE = """
survey: s
export: {file: x.csv, tool: columns}
questions:
- {id: q, type: likert, options: ['1', '2', '3', '4', '5']}
"""


# ------------------------------------------------------------------ item 1: the codebook says it


def test_the_codebook_names_teams_municipalities_and_when_it_was_fielded(tmp_path):
    cb = surveys.load_codebook(
        _codebook(
            tmp_path,
            BASE
            + """
teams: [attarp, aneby]
municipality_code: ['0680']
fielded: [2023-09-04, 2024-02]
""",
        )
    )
    assert cb.teams == ("attarp", "aneby") and cb.municipality_codes == ("0680",) and cb.is_tied
    # a month as the end is its last day: February 2024 has 29 days (a leap year)
    assert cb.fielded == (dt.date(2023, 9, 4), dt.date(2024, 2, 29))


def test_wave_months_give_the_survey_its_fielding_period(tmp_path):
    cb = surveys.load_codebook(
        _codebook(
            tmp_path,
            BASE.replace("tool: columns", "tool: columns, wave_column: V")
            + """
waves:
- {code: a, fielded: 2023-09}
- {code: b, fielded: 2023-12}
""",
        )
    )
    # September 1st to December 31st
    assert cb.fielded == (dt.date(2023, 9, 1), dt.date(2023, 12, 31))
    assert [w.fielded for w in cb.waves] == [
        (dt.date(2023, 9, 1), dt.date(2023, 9, 30)),
        (dt.date(2023, 12, 1), dt.date(2023, 12, 31)),
    ]
    assert not cb.is_tied


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        # YAML reads an unquoted 0604 as the octal number 388: refused, with the way to write it
        ("municipality_code: 0604", "must be written in quotes"),
        ("fielded: september", "is not a date"),
        ("fielded: [2023-12-01, 2023-09-01]", "ends (2023-09-01) before it starts"),
    ],
)
def test_a_tie_or_a_date_that_cannot_be_right_is_an_error(tmp_path, extra, message):
    with pytest.raises(DataError) as err:
        surveys.load_codebook(_codebook(tmp_path, BASE + extra + "\n"))
    assert any(message in p.message for p in err.value.problems), err.value.problems


def _team(team_id="tranas", code="0687", start="2025-01-08", periods=(), changes=()):
    return SimpleNamespace(
        id=team_id,
        municipality_code=code,
        start_date=pd.Timestamp(start) if start else None,
        observations=pd.DataFrame({"period": pd.to_datetime(list(periods))}),
        changes=pd.DataFrame({"date": pd.to_datetime(list(changes))}),
    )


def _cb(**kw):
    fielded = kw.pop("fielded", None)
    return SimpleNamespace(
        teams=tuple(kw.get("teams", ())),
        municipality_codes=tuple(kw.get("codes", ())),
        fielded=None if fielded is None else tuple(dt.date.fromisoformat(d) for d in fielded),
    )


def test_a_survey_is_in_a_team_report_when_tied_to_it_and_from_its_period():
    # The new team: "Tranås elevhälsa Ängaskolan" (0687), started 2025-01-08, data from
    # 2025-01-13 to 2025-06-30, change 2025-03-01: its period is 2025-01-08 .. 2025-06-30.
    team = _team(periods=["2025-01-13", "2025-06-30"], changes=["2025-03-01"])
    codebooks = {
        "pupils": _cb(
            teams=["attarp"], codes=["0680"], fielded=["2023-09-01", "2023-12-31"]
        ),  # not tied
        "old": _cb(
            codes=["0687"], fielded=["2023-09-01", "2023-12-31"]
        ),  # tied, ended before 2025-01-08
        "spring": _cb(teams=["tranas"], fielded=["2025-03-01", "2025-03-31"]),  # tied, inside
        "later": _cb(
            codes=["0687"], fielded=["2025-09-01", "2025-09-30"]
        ),  # starts after 2025-06-30
        "undated": _cb(teams=["tranas"]),
    }
    ties = surveys.team_surveys(team, codebooks)
    assert ties[["survey_id", "tie", "status", "shown"]].values.tolist() == [
        ["old", "municipality", "before", False],
        ["spring", "team", "in_period", True],
        ["later", "municipality", "after", False],
        ["undated", "team", "undated", True],
    ]
    assert (ties["period_from"].iloc[0], ties["period_to"].iloc[0]) == (
        pd.Timestamp("2025-01-08"),
        pd.Timestamp("2025-06-30"),
    )
    # a new team without data yet: its period is open at the end, so "later" is shown too
    fresh = surveys.team_surveys(_team(), codebooks)
    assert fresh.set_index("survey_id")["status"].to_dict() == {
        "old": "before",
        "spring": "in_period",
        "later": "in_period",
        "undated": "undated",
    }
    # a baseline measured before the start date starts the period there (2024-10-01)
    early = surveys.team_surveys(_team(periods=["2024-10-01"]), {"old": codebooks["old"]})
    assert early["period_from"].iloc[0] == pd.Timestamp("2024-10-01")


@pytest.fixture
def sample_copy(tmp_path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(SAMPLE, copy)
    return copy


def _edit(path: Path, old: str, new: str) -> None:
    body = path.read_text(encoding="utf-8")
    assert old in body, old
    path.write_text(body.replace(old, new, 1), encoding="utf-8")


def test_workbook_check_checks_the_ties_against_teams_and_municipalities(sample_copy):
    assert [p for p in check_folder(sample_copy) if not p.is_warning] == []
    pupils = sample_copy / "surveys" / "pupils" / "codebook.yml"
    _edit(pupils, "teams: [attarp]", "teams: [atarp]")
    _edit(pupils, "- '0680'", "- '0690'")
    problems = [p for p in check_folder(sample_copy) if p.file == "surveys/pupils/codebook.yml"]
    assert [(p.column, p.message, p.is_warning) for p in problems] == [
        ("municipality_code", "municipality_code: unknown municipality '0690'", False),
        ("teams", "teams: unknown team 'atarp'", False),
    ]
    assert "did you mean 'attarp'?" in problems[1].hint
    # tied to nothing / without dates: a warning that says what to add
    parents = sample_copy / "surveys" / "parents" / "codebook.yml"
    body = parents.read_text(encoding="utf-8")
    parents.write_text(
        "\n".join(x for x in body.splitlines() if not x.startswith(("teams:", "fielded:"))),
        encoding="utf-8",
    )
    coordinators = sample_copy / "surveys" / "coordinators" / "codebook.yml"
    _edit(coordinators, "fielded: 2022-03\n", "")
    warned = {p.file: p for p in check_folder(sample_copy) if p.is_warning and "surveys/" in p.file}
    assert "tied to no team" in warned["surveys/parents/codebook.yml"].message
    assert "teams:" in warned["surveys/parents/codebook.yml"].hint
    assert "no fielding dates" in warned["surveys/coordinators/codebook.yml"].message


def test_the_new_team_walk_through_gets_no_other_schools_survey(sample_copy):
    # The walk-through: a new team in Tranås (0687) whose name says "elevhälsa" and
    # "skola". The old keyword rule gave it the pupil survey of five Jönköping schools from a
    # year before its change; now its report says it has no survey.
    with (sample_copy / "teams.csv").open("a", encoding="utf-8") as f:
        f.write(
            "tranas;Tranås elevhälsa Ängaskolan;0687;psykisk hälsa;2025;2025-01-08;"
            "Fler elever på Ängaskolan mår bra i skolan\n"
        )
    assert [p for p in check_folder(sample_copy) if not p.is_warning] == []
    ctx = report.context("team_baseline", team="tranas", data_dir=sample_copy)
    texts = every_text(team_baseline.build(ctx))
    assert "Ingen enkät från teamets period hör till teamet." in texts
    assert not any("Elevenkät" in x for x in texts)
    effect_texts = every_text(
        team_effects.build(report.context("team_effects", team="tranas", data_dir=sample_copy))
    )
    assert (
        "Ingen enkät med flera mättillfällen från teamets period hör till teamet." in effect_texts
    )
    # tied by municipality, the 2019 pupil survey is from before the team's period: said, not shown
    _edit(sample_copy / "surveys" / "pupils" / "codebook.yml", "- '0680'", "- '0680'\n- '0687'")
    ctx = report.context("team_baseline", team="tranas", data_dir=sample_copy)
    assert team_survey_ids(ctx, "tranas") == []
    assert survey_ties_texts(ctx, "tranas")[1] == (
        "Elevenkät om hälsa och välmående (F-6) besvarades 2019-09 – 2019-12, före teamets period "
        "(2025-01 – …), och visas därför inte."
    )


# ------------------------------------------------------------------ item 2: direction


def test_direction_down_makes_the_bottom_box_the_positive_share(tmp_path):
    cb = surveys.load_codebook(
        _codebook(tmp_path, BASE.replace("options:", "direction: down, options:"))
    )
    q = cb.question("q")
    # top_box is the agreeing end whatever the direction; the positive share is its mirror
    assert (q.top_box, q.bottom_box) == (("4", "5"), ("1", "2"))
    assert (q.positive_box, q.positive_codes) == (surveys.BOTTOM_BOX, ("1", "2"))
    up = surveys.load_codebook(_codebook(tmp_path / "up", BASE)).question("q")
    assert (up.positive_box, up.positive_codes) == (surveys.TOP_BOX, ("4", "5"))


def test_a_top_box_at_the_low_end_of_a_down_item_is_refused(tmp_path):
    # the old reading ("top_box = the good answers") would now be scored the wrong way round
    with pytest.raises(DataError) as err:
        surveys.load_codebook(
            _codebook(
                tmp_path, BASE.replace("options:", "direction: down, top_box: ['1', '2'], options:")
            )
        )
    assert "low end of the scale" in err.value.problems[0].message
    assert "top_box: ['4', '5']" in err.value.problems[0].hint


@pytest.fixture
def down_forms(tmp_path) -> surveys.Survey:
    cb = forms_codebook()
    cb["questions"][2]["direction"] = "down"
    return surveys.load_survey(
        write_survey(tmp_path / "surveys" / "forms", cb, FORMS_HEADER, forms_rows())
    )


def test_a_goal_on_a_down_item_is_judged_the_right_way(down_forms):
    # happy (direction down): 5,4,4,3,dk,2,5,blank -> base 6; agreeing (4-5) 4 of 6; positive
    # (1-2) 1 of 6
    q = down_forms.codebook.question("happy")
    assert surveys.share_of(down_forms, "happy", "positive") == (1, 6)
    assert surveys.share_of(down_forms, "happy", "top_box") == (4, 6)
    assert [
        surveys.summary.source_direction(q, o)
        for o in ("top_box", "bottom_box", "positive", "5", "1", "3")
    ] == ["down", "up", "up", "down", "up", pd.NA]
    goal = pd.DataFrame(
        {
            "goal_id": ["kind"],
            "title_sv": ["Färre elaka tankar"],
            "title_en": ["Fewer unkind thoughts"],
            "kind": ["target"],
            "source": ["survey:forms:happy:top_box"],
            "municipality_code": pd.array([pd.NA], dtype="string"),
            "baseline_year": pd.array([pd.NA], dtype="Int64"),
            "pp_per_year": [np.nan],
            "years": pd.array([pd.NA], dtype="Int64"),
            "target_value": [70.0],
            "deadline": pd.to_datetime(["2024-12-31"]),
            "direction": pd.array([pd.NA], dtype="string"),
        }
    )
    shares = pd.DataFrame(
        {
            "source": ["survey:forms:happy:top_box"],
            "x": [4],
            "n": [6],
            "population": [pd.NA],
            "direction": ["down"],
        }
    )
    # 4/6 = 66.7 % agreeing, target at most 70 % (lower is better): met. Read as "up" it was not.
    row = goals.survey_goals(goal, shares, measured="2024-06-30").iloc[0]
    assert row["current"] == pytest.approx(100 * 4 / 6) and row["status"] == "target_met"
    up = goals.survey_goals(goal, shares.assign(direction=["up"]), measured="2024-06-30").iloc[0]
    assert up["status"] != "target_met"


def test_the_likert_chart_draws_a_down_item_mirrored(down_forms):
    import matplotlib.pyplot as plt

    from analysis import plots

    summary = surveys.summarise(down_forms, questions=["happy"], min_count=None)
    fig = plots.survey_likert(summary, down_forms, "happy", lang="sv")
    ax = fig.axes[0]
    widths = [(p.get_x(), p.get_width()) for p in ax.patches if p.get_width() > 0]
    # shares of 6: '5' 2/6, '4' 2/6, '3' 1/6 (neutral, centred: -1/12..1/12), '2' 1/6, '1' 0.
    # Mirrored, the positive side (right of the neutral bar) holds '1' and '2': 1/6; the
    # negative side '4' and '5': 4/6.
    right = sum(w for x, w in widths if x >= 1 / 12 - 1e-9)
    left = sum(w for x, w in widths if x + w <= -1 / 12 + 1e-9)
    assert right == pytest.approx(1 / 6) and left == pytest.approx(4 / 6)
    labels = " ".join(t.get_text().replace("\n", " ") for t in ax.get_yticklabels())  # wrapped
    assert "(positivt: steg 1 / steg 2)" in labels
    plt.close(fig)


def _pupil_rows() -> list[dict]:
    with (SAMPLE / "surveys" / "pupils" / "elevenkat.csv").open(
        encoding="utf-8-sig", newline=""
    ) as f:
        return list(csv.DictReader(f))


UNKIND = "Jag säger elaka saker till mig själv i tankarna"


def test_the_pupil_report_counts_disagreeing_as_positive_for_unkind_self_talk():
    ctx = report.context("survey", survey="pupils", data_dir=SAMPLE)
    sv = ctx.dataset.survey("pupils")
    summary = surveys.summarise(sv, by=["wave"], min_count=5)
    table = survey_tables.top_box_table(summary, sv, "wave", "sv")
    row = table[table["Fråga"].str.startswith(UNKIND)].iloc[0]
    assert row["Fråga"] == f"{UNKIND} (positivt: Stämmer inte alls / Stämmer ganska dåligt)"
    # by hand from the export: answers 1-2 of all answering 1-5, per wave
    for label in ("September 2019", "December 2019"):
        answers = [r[UNKIND] for r in _pupil_rows() if r["Mättillfälle"] == label and r[UNKIND]]
        positive, base = sum(a in ("1", "2") for a in answers), len(answers)
        shown = row[label]
        # September: 684 of 1 477 = 46.3 % -> "46 %"
        assert shown.startswith(text.percent(positive / base, 0, "sv")), (shown, positive, base)
        assert f"n = {text.number(base, 0, 'sv')})" in shown
        assert (
            table.attrs["marks"][
                (table.index[table["Fråga"] == row["Fråga"]][0], label)
            ].cell.count("bottom_box")
            == 1
        )


def test_the_wave_comparison_compares_the_positive_share_of_a_down_item():
    from analysis import effects

    sv = report.context("survey", survey="pupils", data_dir=SAMPLE).dataset.survey("pupils")
    waves = effects.survey_waves(sv, min_count=None, lang="sv")
    row = waves[waves["question_id"] == "unkind_self_talk"].iloc[0]
    assert row["option"] == "bottom_box"
    counts = {}
    for wave, label in (("sep", "September 2019"), ("dec", "December 2019")):
        answers = [r[UNKIND] for r in _pupil_rows() if r["Mättillfälle"] == label and r[UNKIND]]
        counts[wave] = (sum(a in ("1", "2") for a in answers), len(answers))
    assert (row["n_before"], row["base_before"]) == counts["sep"]
    assert (row["n_after"], row["base_after"]) == counts["dec"]
    # a rise of the positive share is a rise of diff: p_after - p_before
    assert row["diff_pp"] == pytest.approx(
        100 * (counts["dec"][0] / counts["dec"][1] - counts["sep"][0] / counts["sep"][1])
    )


# ------------------------------------------------------------------ item 3: counts per wave


def test_a_wave_survey_says_how_many_answered_each_wave_and_never_the_sum():
    # the export by hand: 1 500 rows with Mättillfälle "September 2019", 1 100 "December 2019"
    rows = _pupil_rows()
    sep = sum(r["Mättillfälle"] == "September 2019" for r in rows)
    dec = sum(r["Mättillfälle"] == "December 2019" for r in rows)
    assert (sep, dec) == (1500, 1100)
    ctx = report.context("survey", survey="pupils", data_dir=SAMPLE)
    sv = ctx.dataset.survey("pupils")
    (sentence,) = survey_tables.respondents_texts(sv, 5, "sv")
    n = {k: text.number(k, 0, "sv") for k in (1500, 1100)}  # Swedish thousands separator
    assert str(sentence) == (
        f"Svarande per mättillfälle: September 2019: {n[1500]}; December 2019: {n[1100]}. "
        "Samma personer kan ha svarat vid flera mättillfällen; antalen läggs därför inte ihop."
    )
    marks = [p[1] for p in sentence.parts if isinstance(p, tuple)]
    assert [m.n for m in marks] == [1500, 1100] and all("wave" in m.cell for m in marks)
    for view, notebook, params in (
        (survey, "survey", {"survey": "pupils"}),
        (team_effects, "team_effects", {"team": "attarp"}),
        (team_baseline, "team_baseline", {"team": "attarp"}),
    ):
        page_text = " ".join(
            every_text(view.build(report.context(notebook, data_dir=SAMPLE, **params)))
        )
        assert text.number(2600, 0, "sv") not in page_text and "2600" not in page_text
        assert f"September 2019: {n[1500]}" in page_text


def test_a_survey_without_waves_still_says_how_many_answered(tmp_path):
    sv = surveys.load_survey(
        write_survey(tmp_path / "surveys" / "forms", forms_codebook(), FORMS_HEADER, forms_rows())
    )
    # eight respondents (forms_rows)
    assert [str(x) for x in survey_tables.respondents_texts(sv, 5, "sv")] == [
        "8 personer besvarade enkäten."
    ]


def test_the_survey_report_says_when_a_survey_without_waves_was_answered():
    # the sample's parent codebook: fielded: [2022-03-07, 2022-03-28]
    sv = report.context("survey", survey="parents", data_dir=SAMPLE).dataset.survey("parents")
    texts = [str(x) for x in survey_tables.overview_texts(sv, 5, "sv")]
    assert texts[:2] == [
        "205 personer besvarade enkäten.",
        "Enkäten besvarades 2022-03-07 – 2022-03-28.",
    ]
