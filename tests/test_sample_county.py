"""The county-scale sample (``workbook sample --teams N``): small here (5 teams, 2,000 survey
answers); the 100-team one is generated in benchmarks/county_sample.py.

Expected values come from the issue (13 municipalities, three cohorts, 3 measures over 60 months)
and from the generator's documented rules (the first 13 teams one per municipality, a driver
diagram for three teams in four, one absent month in every seventh team), not from its output.
"""

from __future__ import annotations

import csv
import io
import math
from datetime import date
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE

from analysis import cli
from analysis.config import SAMPLE_MARKER, load_config
from analysis.dataset import check_folder, load_dataset
from analysis.sample.county import (
    COUNTY_SURVEY,
    county_files,
    county_true_effects,
    write_county_sample,
)
from analysis.sample.programme import SUMMER_DIP

COUNTY = {
    "0604",
    "0617",
    "0642",
    "0643",
    "0662",
    "0665",
    "0680",
    "0682",
    "0683",
    "0684",
    "0685",
    "0686",
    "0687",
}  # SCB codes of Jönköpings län


def rows(files: dict[str, bytes], name: str, sep: str = ";") -> list[dict[str, str]]:
    text = files[name].decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=sep))


@pytest.fixture(scope="module")
def five() -> dict[str, bytes]:
    return county_files(5, respondents=2000)


def test_the_same_arguments_give_the_same_bytes_and_a_team_does_not_depend_on_the_others(five):
    assert county_files(5, respondents=2000) == five
    three = county_files(3, respondents=2000)
    teams3, teams5 = rows(three, "teams.csv"), rows(five, "teams.csv")
    assert teams3 == teams5[:3]
    ids = {t["team_id"] for t in teams3}
    assert [r for r in rows(five, "observations.csv") if r["team_id"] in ids] == rows(
        three, "observations.csv"
    )
    assert [r for r in rows(five, "changes.csv") if r["team_id"] in ids] == rows(
        three, "changes.csv"
    )


def test_teams_cover_municipalities_cohorts_and_focus_areas(five):
    municipalities = rows(five, "municipalities.csv")
    assert {m["municipality_code"] for m in municipalities} == COUNTY
    assert all(m["in_network"] == "1" for m in municipalities)  # the whole county
    teams = rows(five, "teams.csv")
    assert len(teams) == 5 and len({t["team_id"] for t in teams}) == 5
    assert len({t["municipality_code"] for t in teams}) == 5  # the first 13: one each
    assert {t["focus_area"] for t in teams} == {
        "fullföljda studier",
        "psykisk hälsa",
        "fysisk aktivitet",
    }
    assert [t["cohort"] for t in teams] == ["2019", "2019", "2019", "2021", "2021"]


def test_three_monthly_measures_over_sixty_months(five):
    measures = rows(five, "measures.csv")
    assert len(measures) == 15 and all(m["frequency"] == "month" for m in measures)
    by_measure: dict[tuple[str, str], list[str]] = {}
    for r in rows(five, "observations.csv"):
        by_measure.setdefault((r["team_id"], r["measure_id"]), []).append(r["period"])
    assert len(by_measure) == 15
    all_months = [date(2020 + i // 12, i % 12 + 1, 1).isoformat() for i in range(60)]
    teams = [t["team_id"] for t in rows(five, "teams.csv")]
    for (team, _measure), periods in by_measure.items():
        missing = set(all_months) - set(periods)
        # team 4 (k = 3, every seventh team from the fourth) lacks one month of its outcome
        assert len(missing) == (
            1 if team == teams[3] and _measure == by_measure_outcome(five, team) else 0
        ), (team, _measure, missing)
        assert periods == sorted(periods) and set(periods) <= set(all_months)


def by_measure_outcome(files, team):
    return next(
        m["measure_id"]
        for m in rows(files, "measures.csv")
        if m["team_id"] == team and m["measure_type"] == "outcome"
    )


def test_pdsa_logs_and_driver_diagrams(five):
    changes = rows(five, "changes.csv")
    teams = [t["team_id"] for t in rows(five, "teams.csv")]
    for team in teams:
        own = [c for c in changes if c["team_id"] == team]
        assert 2 <= len(own) <= 4
        assert [int(c["change_no"]) for c in own] == list(range(1, len(own) + 1))
        assert all(c["date"].endswith("-01") and c["date"] <= "2024-10-01" for c in own)
        assert [c["date"] for c in own] == sorted(c["date"] for c in own)
    drivers = sorted(name for name in five if name.startswith("drivers/"))
    assert drivers == [f"drivers/{t}.yml" for k, t in enumerate(teams) if k % 4 != 3]


def test_true_steps_show_in_the_data(five):
    """Every true level step of a p chart moves the pooled share by the step, within four
    standard errors of the two pooled shares (summer months left out: they dip on purpose)."""
    truth = county_true_effects(5)
    changes = {(c["team_id"], int(c["change_no"])): c["date"] for c in rows(five, "changes.csv")}
    obs = rows(five, "observations.csv")
    checked = 0
    for (team, measure), spec in truth.items():
        if spec["scale"] != "absolute" or not spec["effect"] or not obs:
            continue
        series = [
            r
            for r in obs
            if r["team_id"] == team
            and r["measure_id"] == measure
            and r["numerator"]
            and int(r["period"][5:7]) not in SUMMER_DIP
        ]
        if not series:
            continue
        start = changes[(team, spec["change_no"])]
        parts = [[r for r in series if (r["period"] >= start) == after] for after in (False, True)]
        x = [sum(int(r["numerator"]) for r in part) for part in parts]
        n = [sum(int(r["denominator"]) for r in part) for part in parts]
        p = [x[i] / n[i] for i in range(2)]
        se = math.sqrt(p[0] * (1 - p[0]) / n[0] + p[1] * (1 - p[1]) / n[1])
        assert abs((p[1] - p[0]) - spec["effect"]) < 4 * se, (team, measure, p, spec)
        checked += 1
    assert checked >= 1


def test_the_county_pupil_survey(five):
    export = rows(five, f"surveys/{COUNTY_SURVEY}/elevenkat.csv", sep=",")
    assert len(export) == 2000
    waves = {}
    for r in export:
        waves.setdefault(r["Mättillfälle"], []).append(r["Elevkod"])
    assert {k: len(v) for k, v in waves.items()} == {"September 2019": 1040, "December 2019": 960}
    assert all(len(set(codes)) == len(codes) for codes in waves.values())  # unique within a wave
    assert {r["Kommun"] for r in export} <= {
        "Aneby",
        "Gnosjö",
        "Mullsjö",
        "Habo",
        "Gislaved",
        "Vaggeryd",
        "Jönköping",
        "Nässjö",
        "Värnamo",
        "Sävsjö",
        "Vetlanda",
        "Eksjö",
        "Tranås",
    }
    # the network's own surveys are those of data/sample (the parents ten times as many)
    assert (
        five["surveys/pupils/elevenkat.csv"]
        == (SAMPLE / "surveys/pupils/elevenkat.csv").read_bytes()
    )
    assert (
        five["surveys/coordinators/esmaker_export.csv"]
        == (SAMPLE / "surveys/coordinators/esmaker_export.csv").read_bytes()
    )


def test_written_folder_passes_the_check_and_loads_as_a_sample(tmp_path):
    folder = tmp_path / "county"
    written = write_county_sample(folder, 4, respondents=600)
    assert (folder / SAMPLE_MARKER).is_file() and (folder / "teams.csv") in written
    problems = check_folder(folder)
    assert not [p for p in problems if not p.is_warning], problems
    dataset = load_dataset(folder)
    assert dataset.is_sample and len(dataset.teams) == 4  # the reports carry the banner
    assert dataset.surveys == ("coordinators", "parents", "pupils", COUNTY_SURVEY)


def test_the_sample_command_writes_a_county_folder_and_never_over_the_sample(tmp_path, capsys):
    out = tmp_path / "c2"
    assert cli.main(["sample", "--teams", "2", "--respondents", "50", "--out", str(out)]) == 0
    assert (out / "teams.csv").is_file() and "2 teams" in capsys.readouterr().out
    before = {p: p.read_bytes() for p in SAMPLE.rglob("*") if p.is_file()}
    assert cli.main(["sample", "--teams", "2", "--out", str(SAMPLE)]) == 2
    assert cli.main(["sample", "--teams", "2", "--out", str(load_config().raw_dir / "x")]) == 2
    assert "never writes there" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in SAMPLE.rglob("*") if p.is_file()} == before
    assert cli.main(["sample", "--teams", "0", "--out", str(out)]) == 2


def test_data_option_points_check_at_a_folder_for_that_command_only(tmp_path, monkeypatch, capsys):
    import os

    import analysis.dataset

    seen = []
    monkeypatch.setattr(
        analysis.dataset,
        "check_folder",
        lambda folder: seen.append((Path(folder), os.environ.get("WORKBOOK_DATA"))) or [],
    )
    monkeypatch.delenv("WORKBOOK_DATA", raising=False)
    assert cli.main(["check", "--data", str(tmp_path)]) == 0
    assert seen == [(tmp_path.resolve(), str(tmp_path.resolve()))]
    assert "WORKBOOK_DATA" not in os.environ  # restored when the command ends
    assert cli.main(["check", "--data", str(tmp_path / "nowhere")]) == 2
    assert cli.main(["check", str(tmp_path), "--data", str(tmp_path)]) == 2
    assert load_config(ROOT).data_dir() != tmp_path.resolve()
