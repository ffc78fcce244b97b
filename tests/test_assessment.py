"""Tests of analysis.assessment (team progress on the IHI assessment scale) and of the contract
of meetings.csv / assessments.csv in ``workbook check``.

The expected scores follow from the rules (analysis.assessment.STEPS, docs/methods.md) applied
by hand to a hand-built team whose outcome share steps from 50 % to 80 % (n = 1000 a month):
a 30-point step that no interval can miss, so "improved" is certain once both phases have the
8 points the effect report needs, and never before.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from test_dataset import FILES, only, write_folder

from analysis import assessment, dataset
from analysis.dataset.team import Team


def _team(aim: str | None = "80 % deltar senast 2021", target: float | None = 0.75) -> Team:
    months = pd.date_range("2020-01-01", periods=24, freq="MS")
    # 12 baseline months at 49/51 %, then 12 months at 79/81 % after the change of 2021-01-05
    numerators = [490 if i % 2 else 510 for i in range(12)] + [
        790 if i % 2 else 810 for i in range(12)
    ]
    observations = pd.DataFrame(
        {
            "team_id": "t",
            "measure_id": "deltar",
            "period": months.astype("datetime64[us]"),
            "value": float("nan"),
            "numerator": [float(x) for x in numerators],
            "denominator": 1000.0,
            "subgroup": pd.Series([None] * 24, dtype="str"),
        }
    )
    measures = pd.DataFrame(
        {
            "measure_id": ["deltar"],
            "team_id": ["t"],
            "measure_name": ["Andel som deltar"],
            "measure_type": ["outcome"],
            "chart": ["p"],
            "unit": ["%"],
            "frequency": ["month"],
            "direction": ["up"],
            "target": [float("nan") if target is None else target],
        }
    )
    changes = pd.DataFrame(
        {
            "team_id": ["t"],
            "change_no": pd.array([1], dtype="Int64"),
            "date": pd.to_datetime(["2021-01-05"]).astype("datetime64[us]"),
            "title": ["Kvällsgrupp"],
            "pdsa_step": ["act"],
            "measures": ["deltar"],
            "description": pd.Series([None], dtype="str"),
        }
    )
    return Team(
        id="t",
        name="Team T",
        municipality_code="0682",
        focus_area="psykisk hälsa",
        cohort=2019,
        start_date=pd.Timestamp("2019-12-01"),
        aim=aim,
        measures=measures,
        observations=observations,
        changes=changes,
    )


# meeting -> what the data held then (months whose period had ended; the change of 2021-01-05)
MEETINGS = {
    "2019-11-01": float("nan"),  # before the start date: no score
    "2020-07-01": 1.5,  # 6 months (Jan-Jun): aim and measure, baseline shorter than 8
    "2021-01-10": 2.0,  # 12 baseline months, the change dated but January not ended: not tested
    "2021-03-01": 2.5,  # Jan-Feb 2021 measured after the change: tested, too early to judge
    "2021-10-01": 3.5,  # 9 months after (>= 8): outcome improved; no process measure -> 3.0 met
    "2022-01-01": 4.5,  # 12 months after: still improved with newer data (4.0); 0.80 >= 0.75 target
}


def test_suggested_score_climbs_the_scale_as_the_data_arrive():
    got = assessment.suggested_scores(_team(), list(MEETINGS))
    assert list(got["meeting_date"]) == [pd.Timestamp(d) for d in MEETINGS]
    assert got["suggested"].tolist() == pytest.approx(list(MEETINGS.values()), nan_ok=True)
    last = got.iloc[-1]
    assert (last["n_targets"], last["n_reached"]) == (1, 1)
    assert last["improved_measures"] == "deltar"
    assert "agree" in last["method"]


def test_without_aim_or_target_the_score_stops_at_the_step_below():
    no_aim = assessment.suggested_scores(_team(aim=None), ["2022-01-01"])
    assert no_aim["suggested"].tolist() == [1.0]  # formed, but 1.5 needs an aim
    no_target = assessment.suggested_scores(_team(target=None), ["2021-10-01", "2022-01-01"])
    assert no_target["suggested"].tolist() == [3.5, 4.0]  # 4.5 needs a target to reach


def test_a_single_meeting_cannot_show_a_sustained_improvement():
    # at 2022-01-01 alone the improvement is seen for the first time: 3.5, not 4.0
    got = assessment.suggested_scores(_team(target=None), ["2022-01-01", "2022-01-02"])
    # the same data a day later (no month has ended in between): nothing newer, not sustained
    assert got["suggested"].tolist() == [3.5, 3.5]


def test_data_at_keeps_ended_periods_and_changes_up_to_the_meeting():
    team = _team()
    at = assessment.data_at(team, "2020-03-01")  # January and February have ended, March not
    assert list(at.observations["period"].dt.strftime("%Y-%m")) == ["2020-01", "2020-02"]
    assert at.changes.empty
    assert len(assessment.data_at(team, "2021-01-05").changes) == 1  # dated on the meeting day


def test_the_coach_score_wins_over_the_suggestion():
    coach = pd.DataFrame(
        {
            "team_id": ["t", "other"],
            "meeting_date": pd.to_datetime(["2021-03-01", "2021-03-01"]),
            "score": [3.0, 5.0],
            "comment": ["Testar i två grupper", None],
        }
    )
    got = assessment.team_progress(_team(), ["2020-07-01", "2021-03-01"], coach)
    assert got["score"].tolist() == [1.5, 3.0]
    assert got["suggested"].tolist() == [1.5, 2.5]
    assert got["source"].tolist() == ["data", "coach"]


# ---------------------------------------------------------------- the contract in workbook check

MEETINGS_CSV = ["meeting_date;title", "2020-03-19;Seminarium 1", "2020-11-19;Seminarium 2"]


def _problems(tmp_path, **files):
    folder = write_folder(tmp_path / "data", **files)
    return dataset.check_folder(folder)


def test_valid_meetings_and_assessments_load(tmp_path):
    folder = write_folder(
        tmp_path / "data",
        meetings_csv=MEETINGS_CSV,
        assessments_csv=["Team;Mötesdatum;Poäng;Kommentar", "nassjo;2020-11-19;2,5;Bra start"],
    )
    ds = dataset.load_dataset(folder)
    assert ds.assessments["score"].tolist() == [2.5]  # Swedish column names and decimal comma
    assert ds.meetings["meeting_date"].tolist() == [
        pd.Timestamp("2020-03-19"),
        pd.Timestamp("2020-11-19"),
    ]


@pytest.mark.parametrize(
    ("line", "column", "words"),
    [
        ("okand;2020-11-19;2,5;", "team_id", "unknown team id 'okand'"),
        ("nassjo;2020-11-19;2,3;", "score", "2.3 is not a step of the IHI assessment scale"),
        ("nassjo;2020-11-19;6;", "score", "above the largest allowed value"),
        ("nassjo;2020-12-01;2,5;", "meeting_date", "2020-12-01 is not a meeting date"),
    ],
)
def test_bad_assessment_rows_name_file_row_and_column(tmp_path, line, column, words):
    problems = _problems(
        tmp_path,
        meetings_csv=MEETINGS_CSV,
        assessments_csv=["team_id;meeting_date;score;comment", line],
    )
    problem = only(problems, "assessments.csv", 2, column)
    assert words in problem.message


def test_duplicate_score_and_missing_meetings_file(tmp_path):
    duplicate = _problems(
        tmp_path / "a",
        meetings_csv=MEETINGS_CSV,
        assessments_csv=[
            "team_id;meeting_date;score;comment",
            "nassjo;2020-11-19;2,5;",
            "nassjo;2020-11-19;3;",
        ],
    )
    problem = only(duplicate, "assessments.csv", 3, "meeting_date")
    assert "already scored" in problem.message and "row 2" in problem.message
    # said in Swedish too (a duplicate's {key} value made every Swedish duplicate a TypeError)
    assert "redan en bedömning" in problem.text("sv") and "rad 2" in problem.text("sv")
    no_meetings = _problems(
        tmp_path / "b", assessments_csv=["team_id;meeting_date;score", "nassjo;2020-11-19;2,5"]
    )
    problem = only(no_meetings, "assessments.csv", 2, "meeting_date")
    assert "meetings.csv" in problem.hint
    assert "meetings.csv" not in FILES  # the minimal folder has none: both files are optional


def test_the_coach_comment_is_free_text_shown_only_when_allowed():
    from analysis.views.progress import team_progress_table

    coach = pd.DataFrame(
        {
            "team_id": ["t"],
            "meeting_date": pd.to_datetime(["2021-03-01"]),
            "score": [3.0],
            "comment": ["Testar i två grupper"],
        }
    )
    progress = assessment.team_progress(_team(), ["2021-03-01"], coach)
    hidden = team_progress_table(progress, {}, "sv", show_comments=False)
    assert "Testar i två grupper" not in hidden.to_string()
    shown = team_progress_table(progress, {}, "sv", show_comments=True)
    assert shown["Coachens kommentar"].tolist() == ["Testar i två grupper"]
    assert shown["Poäng"].tolist() == ["3,0"] and shown["Förslag från data"].tolist() == ["2,5"]


def test_without_meetings_the_reports_score_the_latest_data():
    from analysis import report
    from analysis.dataset import with_tables
    from analysis.views.context import ReportContext
    from analysis.views.progress import county_progress_section, team_progress_section

    sample = Path(__file__).resolve().parent.parent / "data" / "sample"
    ds = report.context("county", data_dir=sample).dataset
    ds = with_tables(  # two teams keep it quick: aneby (no change yet) and attarp
        ds,
        teams=ds.teams[ds.teams["team_id"].isin(["aneby", "attarp"])],
        meetings=ds.meetings.iloc[0:0],
        assessments=ds.assessments.iloc[0:0],
    )
    ctx = ReportContext(ds, "county")
    county = county_progress_section(ctx)
    table = next(b for b in county.blocks if type(b).__name__ == "Table").frame
    assert list(table.columns) == ["Team", "Senaste data"]
    assert "meetings.csv" in county.blocks[1].text
    # aneby: aim, measures and a 24-week baseline, no change yet: 2.0 (see the rules)
    assert table.set_index("Team").loc["Aneby rörelse i skolan", "Senaste data"] == "2,0"
    team = team_progress_section(ctx, ds.team("aneby"))
    rows = next(b for b in team.blocks if type(b).__name__ == "Table").frame
    assert rows["Nätverksträff"].str.startswith("Senaste data").all() and len(rows) == 1


def test_improvement_is_the_effect_reports_own_verdict():
    from analysis import effects

    sample = Path(__file__).resolve().parent.parent / "data" / "sample"
    team = dataset.load_dataset(sample).team("varnamo")
    table = effects.team_effects(team, team.id).table  # what the effect report shows
    kinds = dict(zip(team.measures["measure_id"], team.measures["measure_type"], strict=True))
    judged = sorted(
        {m for m in table.loc[table["improved"], "measure_id"] if kinds[m] != "balancing"}
    )
    after_all = assessment.suggested_scores(team, ["2030-01-01"])  # every period has ended
    assert judged and after_all["improved_measures"].iloc[0] == ", ".join(judged)


def test_a_big_network_gets_the_number_of_teams_per_score():
    """Over TILES_PER_TEAM_MAX teams the county's chart counts the teams at each score instead
    of drawing a row per team (100 teams: ~2,500 pt tall, the table again)."""
    import matplotlib.pyplot as plt

    from analysis import plots

    # 3 teams, 2 meetings (hand count): March 2.0, 2.0, not started; June 2.5, 2.0, 1.0
    frame = pd.DataFrame(
        {
            "meeting": ["2021-03", "2021-03", "2021-03", "2021-06", "2021-06", "2021-06"],
            "score": [2.0, 2.0, float("nan"), 2.5, 2.0, 1.0],
        }
    )
    fig = plots.progress_distribution_chart(frame)
    ax = fig.axes[0]
    rows = [label.get_text() for label in ax.get_yticklabels()]
    assert rows == ["5,0", "4,5", "4,0", "3,5", "3,0", "2,5", "2,0", "1,5", "1,0"]
    tiles = {
        (rows[round(x.get_position()[1])], round(x.get_position()[0])): x.get_text()
        for x in ax.texts
    }
    assert tiles == {("2,0", 0): "2", ("2,5", 1): "1", ("2,0", 1): "1", ("1,0", 1): "1"}
    plt.close(fig)


def test_the_county_section_switches_chart_above_the_limit(monkeypatch):
    from analysis import report
    from analysis.dataset import with_tables
    from analysis.views import progress
    from analysis.views.context import ReportContext

    sample = Path(__file__).resolve().parent.parent / "data" / "sample"
    ds = report.context("county", data_dir=sample).dataset
    ds = with_tables(ds, teams=ds.teams[ds.teams["team_id"].isin(["aneby", "attarp"])])
    ctx = ReportContext(ds, "county")

    def chart_of(section):
        figure = next(b for b in section.blocks if type(b).__name__ == "Figure")
        return figure.draw.func.__name__, figure.alt

    assert chart_of(progress.county_progress_section(ctx))[0] == "progress_chart"
    monkeypatch.setattr(progress, "TILES_PER_TEAM_MAX", 1)
    name, alt = chart_of(progress.county_progress_section(ctx))
    assert name == "progress_distribution_chart" and alt.startswith("Antal team med varje poäng")
