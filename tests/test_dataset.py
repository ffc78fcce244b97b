"""Tests of analysis.dataset: loading a folder, the cross-table checks, processed parquet.

Every fixture is a small hand-written folder (``write_folder``); each test plants one fault
and asserts the problem names the right file, Excel row (header = row 1) and column. The
expected rows are the line numbers of the planted lines, counted by hand.
"""

from __future__ import annotations

import os
import sys
import time
import types
from pathlib import Path

import pandas as pd
import pytest

import analysis
from analysis import dataset
from analysis.io import DataError, Problem

FILES = {
    "municipalities.csv": [
        "municipality_code;municipality_name;in_network",
        "0680;Jönköping;1",
        "0682;Nässjö;1",
        "0684;Sävsjö;0",
    ],
    "teams.csv": [
        "team_id;team_name;municipality_code;focus_area;cohort;start_date;aim",
        "nassjo;Nässjö föräldraskapsstöd;0682;psykisk hälsa;2019;2019-09-01;Alla får hembesök",
        "attarp;Attarpskolan;0680;fullföljda studier;2019;2019-08-19;",
        "lansgemensam;Jämlikt föräldraskapsstöd;0006;psykisk hälsa;2021;2021-01-15;",
    ],
    "measures.csv": [
        "measure_id;team_id;measure_name;measure_type;chart;unit;frequency;direction;target",
        "hembesok;nassjo;Andel med gemensamt hembesök;process;p;%;month;up;0,9",
        "narvaro;attarp;Närvaro;outcome;i;%;week;up;",
        "sms;attarp;Skickade sms;process;c;antal;week;up;",
    ],
    "observations.csv": [
        "team_id;measure_id;period;value;numerator;denominator",
        "nassjo;hembesok;2020-01-01;;14;22",  # row 2
        "nassjo;hembesok;2020-02-01;;15;20",  # row 3
        "nassjo;hembesok;2020-03-01;;18;21",  # row 4
        "attarp;narvaro;2020-01-06;91,5;;",  # row 5 (a Monday)
        "attarp;narvaro;2020-01-13;92,0;;",  # row 6
        "attarp;sms;2020-01-13;12;;",  # row 7
    ],
    "changes.csv": [
        "team_id;change_no;date;title;pdsa_step;measures",
        "nassjo;1;2020-09-01;Gemensamt hembesök BVC och socialtjänst;act;hembesok",
        "attarp;1;2020-02-03;Samma-dags-sms;göra;narvaro,sms",
    ],
}


def write_folder(folder: Path, encoding: str = "utf-8", **replace: list[str]) -> Path:
    """Write the valid minimal folder; ``replace`` swaps whole files (name with '_' for '.')."""
    folder.mkdir(parents=True, exist_ok=True)
    files = dict(FILES)
    for key, lines in replace.items():
        files[key.replace("_csv", ".csv")] = lines
    for name, lines in files.items():
        (folder / name).write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return folder


def plant(folder: Path, name: str, line: int, text: str) -> None:
    """Replace line ``line`` (1 = header, as Excel counts rows) of ``folder/name``."""
    lines = (folder / name).read_text(encoding="utf-8").splitlines()
    if line > len(lines):
        lines.append(text)
    else:
        lines[line - 1] = text
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def problems_of(folder: Path) -> list[Problem]:
    with pytest.raises(DataError) as info:
        dataset.load_dataset(folder)
    return info.value.problems


def only(problems: list[Problem], file: str, row: int | None, column: str | None) -> Problem:
    """The single problem of ``problems``, checked to name ``file``, ``row`` and ``column``."""
    assert len(problems) == 1, "\n".join(map(str, problems))
    problem = problems[0]
    assert (problem.file, problem.row, problem.column) == (file, row, column), str(problem)
    assert problem.hint, "every problem says what to do"
    return problem


def test_valid_folder_loads_typed_tables(tmp_path):
    ds = dataset.load_dataset(write_folder(tmp_path / "d"))
    assert ds.is_sample is False and ds.source == "raw"
    assert ds.teams["team_id"].tolist() == ["nassjo", "attarp", "lansgemensam"]
    assert ds.teams["cohort"].dtype == "Int64"
    assert str(ds.teams["start_date"].dtype).startswith("datetime64")
    assert ds.municipalities["in_network"].tolist() == [True, True, False]
    assert ds.municipalities["municipality_name"].tolist() == ["Jönköping", "Nässjö", "Sävsjö"]
    assert ds.measures["target"].iloc[0] == pytest.approx(0.9)  # decimal comma "0,9"
    assert ds.measures["target"].isna().iloc[1]
    obs = ds.observations
    # sorted by team, measure, period
    assert obs[["team_id", "measure_id"]].iloc[0].tolist() == ["attarp", "narvaro"]
    assert obs["value"].iloc[0] == pytest.approx(91.5)
    assert obs["numerator"].dtype == "float64"
    assert "_row" not in obs.columns
    assert ds.changes["pdsa_step"].tolist() == ["act", "do"]  # "göra" -> do
    assert ds.indicators.empty and list(ds.indicators.columns) == [
        "kpi",
        "municipality_code",
        "period",
        "gender",
        "value",
        "n",
    ]  # n: optional denominator
    assert ds.goals.empty
    assert set(ds.files) == set(FILES)
    assert all(len(h) == 64 for h in ds.files.values())


def test_missing_required_file(tmp_path):
    folder = write_folder(tmp_path / "d")
    (folder / "changes.csv").unlink()
    only(problems_of(folder), "changes.csv", None, None)


def test_unknown_team_id_in_observations(tmp_path):
    folder = write_folder(tmp_path / "d")
    plant(folder, "observations.csv", 4, "nasjo;hembesok;2020-03-01;;18;21")
    problem = only(problems_of(folder), "observations.csv", 4, "team_id")
    assert "nasjo" in problem.message and "nassjo" in problem.hint  # nearest id suggested


def test_unknown_team_id_in_measures_and_changes(tmp_path):
    folder = write_folder(tmp_path / "d")
    plant(folder, "changes.csv", 3, "okand;1;2020-02-03;Test;plan;")
    only(problems_of(folder), "changes.csv", 3, "team_id")


def test_unknown_measure_id_in_observations(tmp_path):
    folder = write_folder(tmp_path / "d")
    plant(folder, "observations.csv", 6, "attarp;narvar;2020-01-13;92,0;;")
    problem = only(problems_of(folder), "observations.csv", 6, "measure_id")
    assert "narvar" in problem.message and "narvaro" in problem.hint


def test_measure_of_another_team_is_unknown(tmp_path):
    folder = write_folder(tmp_path / "d")
    plant(folder, "observations.csv", 7, "nassjo;sms;2020-01-13;12;;")
    only(problems_of(folder), "observations.csv", 7, "measure_id")


def test_unknown_measure_id_in_changes(tmp_path):
    folder = write_folder(tmp_path / "d")
    plant(folder, "changes.csv", 3, "attarp;1;2020-02-03;Samma-dags-sms;do;narvaro, smss")
    problem = only(problems_of(folder), "changes.csv", 3, "measures")
    assert "smss" in problem.message


def test_numerator_larger_than_denominator(tmp_path):
    folder = write_folder(tmp_path / "d")
    plant(folder, "observations.csv", 3, "nassjo;hembesok;2020-02-01;;25;20")
    problem = only(problems_of(folder), "observations.csv", 3, "numerator")
    assert "25" in problem.message and "20" in problem.message


def test_denominator_zero(tmp_path):
    folder = write_folder(tmp_path / "d")
    plant(folder, "observations.csv", 2, "nassjo;hembesok;2020-01-01;;0;0")
    problem = only(problems_of(folder), "observations.csv", 2, "denominator")
    assert "0" in problem.message


def test_negative_count(tmp_path):
    folder = write_folder(tmp_path / "d")
    plant(folder, "observations.csv", 2, "nassjo;hembesok;2020-01-01;;-3;22")
    only(problems_of(folder), "observations.csv", 2, "numerator")


def test_missing_counts_for_p_chart(tmp_path):
    folder = write_folder(tmp_path / "d")
    plant(folder, "observations.csv", 2, "nassjo;hembesok;2020-01-01;0,6;;")
    problems = problems_of(folder)
    assert {(p.row, p.column) for p in problems} == {(2, "numerator"), (2, "denominator")}


def test_unparseable_date(tmp_path):
    folder = write_folder(tmp_path / "d")
    plant(folder, "observations.csv", 4, "nassjo;hembesok;2020-13-01;;18;21")
    problem = only(problems_of(folder), "observations.csv", 4, "period")
    assert "2020-13-01" in problem.message


def test_other_date_formats_are_read(tmp_path):
    folder = write_folder(tmp_path / "d")
    plant(folder, "observations.csv", 4, "nassjo;hembesok;01/03/2020;;18;21")
    plant(
        folder, "teams.csv", 3, "attarp;Attarpskolan;0680;fullföljda studier;2019;2019-08-19 00:00;"
    )
    ds = dataset.load_dataset(folder)
    assert pd.Timestamp("2020-03-01") in set(ds.observations["period"])
    assert ds.teams["start_date"].iloc[1] == pd.Timestamp("2019-08-19")


def test_period_not_first_of_month(tmp_path):
    folder = write_folder(tmp_path / "d")
    plant(folder, "observations.csv", 3, "nassjo;hembesok;2020-02-15;;15;20")
    problem = only(problems_of(folder), "observations.csv", 3, "period")
    assert "2020-02-01" in problem.hint


def test_duplicate_observation_row(tmp_path):
    folder = write_folder(tmp_path / "d")
    plant(folder, "observations.csv", 8, "nassjo;hembesok;2020-02-01;;16;20")
    problem = only(problems_of(folder), "observations.csv", 8, "period")
    assert "row 3" in problem.message  # the row it repeats


def test_duplicate_team_id(tmp_path):
    folder = write_folder(tmp_path / "d")
    plant(folder, "teams.csv", 5, "attarp;Attarp igen;0680;fullföljda studier;2019;2019-08-19;")
    problem = only(problems_of(folder), "teams.csv", 5, "team_id")
    assert "row 3" in problem.message


def test_duplicate_measure_id_within_team(tmp_path):
    folder = write_folder(tmp_path / "d")
    plant(folder, "measures.csv", 5, "sms;attarp;Sms igen;process;c;antal;week;up;")
    only(problems_of(folder), "measures.csv", 5, "measure_id")


def test_municipality_code_not_four_digits_and_unknown(tmp_path):
    folder = write_folder(tmp_path / "d")
    plant(folder, "teams.csv", 3, "attarp;Attarpskolan;06800;fullföljda studier;2019;2019-08-19;")
    only(problems_of(folder), "teams.csv", 3, "municipality_code")
    plant(folder, "teams.csv", 3, "attarp;Attarpskolan;0999;fullföljda studier;2019;2019-08-19;")
    problem = only(problems_of(folder), "teams.csv", 3, "municipality_code")
    assert "0999" in problem.message


def test_leading_zero_lost_by_excel_is_restored(tmp_path):
    folder = write_folder(tmp_path / "d")
    plant(folder, "teams.csv", 3, "attarp;Attarpskolan;680;fullföljda studier;2019;2019-08-19;")
    ds = dataset.load_dataset(folder)
    assert ds.teams["municipality_code"].iloc[1] == "0680"


def test_missing_column(tmp_path):
    folder = write_folder(tmp_path / "d")
    (folder / "measures.csv").write_text(
        "\n".join(
            line.rsplit(";", 2)[0] + ";" + line.rsplit(";", 1)[1] for line in FILES["measures.csv"]
        )
        + "\n",
        encoding="utf-8",
    )  # drop direction
    problem = only(problems_of(folder), "measures.csv", 1, "direction")
    assert "missing" in problem.message


def test_header_missing_a_column_name(tmp_path):
    folder = write_folder(tmp_path / "d")
    (folder / "measures.csv").write_text(
        "measure_id;team_id;measure_name;measure_type;chart;unit;frequency;target\n"  # no direction
        "hembesok;nassjo;Hembesök;process;p;%;month;up;0,9\n"
        "narvaro;attarp;Närvaro;outcome;i;%;week;up;95\n"
        "sms;attarp;Sms;process;c;antal;week;up;10\n",
        encoding="utf-8",
    )
    problems = problems_of(folder)
    assert [(p.file, p.row, p.column) for p in problems] == [
        ("measures.csv", 1, "direction"),
        ("measures.csv", 2, None),
    ]
    assert "3 rows have more values" in problems[1].message


def test_misspelt_column_names_nearest(tmp_path):
    folder = write_folder(tmp_path / "d")
    plant(folder, "observations.csv", 1, "team_id;measure_id;perod;value;numerator;denominator")
    problem = only(problems_of(folder), "observations.csv", 1, "perod")
    assert "'period'" in problem.message


def test_column_names_case_and_spaces(tmp_path):
    folder = write_folder(tmp_path / "d")
    plant(folder, "municipalities.csv", 1, " Municipality_Code ;Municipality Name;IN_NETWORK;extra")
    ds = dataset.load_dataset(folder)
    assert list(ds.municipalities.columns) == [
        "municipality_code",
        "municipality_name",
        "in_network",
    ]  # the extra column is ignored


def test_all_problems_at_once_sorted(tmp_path):
    folder = write_folder(tmp_path / "d")
    plant(folder, "observations.csv", 4, "nasjo;hembesok;2020-03-01;;18;21")
    plant(folder, "observations.csv", 2, "nassjo;hembesok;2020-01-01;;0;0")
    plant(folder, "changes.csv", 3, "attarp;x;2020-02-03;Test;plan;")
    problems = dataset.check_folder(folder)
    assert [(p.file, p.row) for p in problems] == [
        ("changes.csv", 3),
        ("observations.csv", 2),
        ("observations.csv", 4),
    ]


def test_check_folder_is_empty_for_valid_folder(tmp_path):
    assert dataset.check_folder(write_folder(tmp_path / "d")) == []


def test_xlsx_table_instead_of_csv(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    import datetime as dt

    folder = write_folder(tmp_path / "d")
    (folder / "teams.csv").unlink()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(
        ["team_id", "team_name", "municipality_code", "focus_area", "cohort", "start_date", "aim"]
    )
    sheet.append(["nassjo", "Nässjö", "0682", "psykisk hälsa", 2019, dt.datetime(2019, 9, 1)])
    sheet.append(
        ["attarp", "Attarpskolan", 680, "fullföljda studier", 2019, dt.datetime(2019, 8, 19)]
    )  # code typed as a number: leading zero lost
    sheet.append(["lansgemensam", "Jämlikt", "0006", "psykisk hälsa", 2021, "2021-01-15"])
    book.save(folder / "teams.xlsx")
    ds = dataset.load_dataset(folder)
    assert ds.teams["municipality_code"].tolist() == ["0682", "0680", "0006"]
    assert ds.teams["start_date"].tolist() == [
        pd.Timestamp("2019-09-01"),
        pd.Timestamp("2019-08-19"),
        pd.Timestamp("2021-01-15"),
    ]
    assert "teams.xlsx" in ds.files
    sheet["F3"] = "nästa vecka"  # Excel row 3
    book.save(folder / "teams.xlsx")
    only(problems_of(folder), "teams.xlsx", 3, "start_date")


def test_cp1252_folder_reads_swedish_letters(tmp_path):
    ds = dataset.load_dataset(write_folder(tmp_path / "d", encoding="cp1252"))
    assert ds.municipalities["municipality_name"].tolist() == ["Jönköping", "Nässjö", "Sävsjö"]


def test_empty_table_file(tmp_path):
    folder = write_folder(tmp_path / "d")
    (folder / "observations.csv").write_bytes(b"")
    problem = only(problems_of(folder), "observations.csv", None, None)
    assert problem.message == "the file is empty"


def test_file_neither_utf8_nor_cp1252(tmp_path):
    folder = write_folder(tmp_path / "d", encoding="cp1252")
    data = (folder / "teams.csv").read_bytes().replace(b"Attarpskolan", b"Attarp\x9dskolan")
    (folder / "teams.csv").write_bytes(data)
    problem = only(problems_of(folder), "teams.csv", 3, "team_name")
    assert "0x9D" in problem.message


def test_bom_and_comma_separated_folder(tmp_path):
    folder = write_folder(tmp_path / "d", encoding="utf-8-sig")
    # observations as Excel's "CSV UTF-8" with ',' and quoted decimal commas
    (folder / "observations.csv").write_bytes(
        "\ufeffteam_id,measure_id,period,value,numerator,denominator\r\n"
        "nassjo,hembesok,2020-01-01,,14,22\r\n"
        'attarp,narvaro,2020-01-06,"91,5",,\r\n'.encode()
    )
    ds = dataset.load_dataset(folder)
    assert ds.observations["value"].dropna().tolist() == [91.5]
    assert ds.teams["team_name"].iloc[0] == "Nässjö föräldraskapsstöd"


def test_optional_tables_and_goals(tmp_path):
    folder = write_folder(tmp_path / "d")
    (folder / "kpis.csv").write_text(
        "kpi;title_sv;title_en;unit;direction;focus_area\n"
        "N17461;Gymnasieexamen inom 4 år;Upper-secondary degree within 4 years;%;up;"
        "fullföljda studier\n",
        encoding="utf-8",
    )
    (folder / "indicators.csv").write_text(
        "kpi;municipality_code;period;gender;value\n"
        "N17461;0682;2023;T;68,4\n"
        "N17461;0006;2023;t;70,1\n"  # gender in lower case is accepted
        "N17461;0000;2023;T;71\n",
        encoding="utf-8",
    )
    (folder / "goals.csv").write_text(
        "goal_id;title_sv;title_en;kind;source;municipality_code;baseline_year;pp_per_year;"
        "years;target_value;deadline;direction\n"
        "examen;Examen;Degree;trajectory;indicator:N17461;;2021;2;4;;;up\n"
        "bas;Basprogram;Base programme;target;survey:coordinators:q1:any;;;;;100;2022-12-31;up\n",
        encoding="utf-8",
    )
    (folder / "surveys" / "coordinators").mkdir(parents=True)
    (folder / "surveys" / "coordinators" / "codebook.yml").write_text("questions: []\n")
    (folder / "drivers").mkdir()
    (folder / "drivers" / "nassjo.yml").write_text("aim: x\n")
    ds = dataset.load_dataset(folder)
    assert ds.indicators["value"].tolist() == pytest.approx([68.4, 70.1, 71.0])
    assert ds.indicators["gender"].tolist() == ["T", "T", "T"]
    assert ds.indicators["period"].dtype == "Int64"
    assert ds.goals["pp_per_year"].iloc[0] == 2.0
    assert ds.goals["deadline"].iloc[1] == pd.Timestamp("2022-12-31")
    assert ds.surveys == ("coordinators",) and ds.driver_teams == ("nassjo",)
    assert {"surveys/coordinators/codebook.yml", "drivers/nassjo.yml"} <= set(ds.files)
    # a goal of an unknown kpi, a target goal without deadline
    (folder / "goals.csv").write_text(
        "goal_id;title_sv;kind;source;target_value;deadline;direction\n"
        "a;A;trajectory;indicator:N99999;;;up\n",
        encoding="utf-8",
    )
    rows = {(p.file, p.row, p.column) for p in problems_of(folder)}
    assert rows == {
        ("goals.csv", 2, "source"),
        ("goals.csv", 2, "baseline_year"),
        ("goals.csv", 2, "pp_per_year"),
        ("goals.csv", 2, "years"),
    }


def test_indicators_need_kpis(tmp_path):
    folder = write_folder(tmp_path / "d")
    (folder / "indicators.csv").write_text(
        "kpi;municipality_code;period;gender;value\nN17461;0682;2023;X;68,4\n", encoding="utf-8"
    )
    rows = {(p.file, p.row, p.column) for p in problems_of(folder)}
    assert rows == {("kpis.csv", None, None), ("indicators.csv", 2, "gender")}


def _project(tmp_path: Path, monkeypatch) -> Path:
    """A project root with its own workbook.yml, so that processed/ is inside tmp_path."""
    (tmp_path / "workbook.yml").write_text(
        "data: auto\nraw_dir: raw\nsample_dir: sample\nprocessed_dir: processed\n", encoding="utf-8"
    )
    monkeypatch.setenv("WORKBOOK_ROOT", str(tmp_path))
    return write_folder(tmp_path / "raw")


def test_processed_parquet_written_and_failed_load_leaves_it_untouched(tmp_path, monkeypatch):
    raw = _project(tmp_path, monkeypatch)
    ds = dataset.load_dataset()  # folder None: workbook.yml selects raw (it holds teams.csv)
    processed = tmp_path / "processed" / "raw"
    assert ds.processed == processed and ds.folder == raw.resolve()
    parquet = pd.read_parquet(processed / "observations.parquet")
    pd.testing.assert_frame_equal(parquet, ds.observations)
    assert sorted(p.name for p in processed.iterdir()) == sorted(
        [f"{name}.parquet" for name in dataset.TABLE_NAMES] + ["manifest.json"]
    )
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in processed.iterdir()}
    time.sleep(0.01)
    plant(raw, "observations.csv", 3, "nassjo;hembesok;2020-02-01;;25;20")
    with pytest.raises(DataError):
        dataset.load_dataset(raw)
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in processed.iterdir()}
    assert after == before
    leftovers = [p.name for p in (tmp_path / "processed").iterdir() if p.name != "raw"]
    assert leftovers == []


def test_second_process_reads_processed_parquet(tmp_path, monkeypatch):
    raw = _project(tmp_path, monkeypatch)
    first = dataset.load_dataset(raw)
    dataset.clear_cache()  # as if a new process (a report's kernel) loaded the folder

    def must_not_validate(*args, **kwargs):
        raise AssertionError("the processed parquet should have been used")

    monkeypatch.setattr(dataset, "_read", must_not_validate)
    second = dataset.load_dataset(raw)
    for name in dataset.TABLE_NAMES:
        pd.testing.assert_frame_equal(second.table(name), first.table(name))
    assert second.files == first.files
    monkeypatch.undo()
    monkeypatch.setenv("WORKBOOK_ROOT", str(tmp_path))
    plant(raw, "observations.csv", 3, "nassjo;hembesok;2020-02-01;;16;20")  # inputs changed
    dataset.clear_cache()
    third = dataset.load_dataset(raw)
    assert 16 in third.observations["numerator"].tolist()


def test_an_edited_processed_parquet_is_not_used_and_is_rewritten(tmp_path, monkeypatch):
    """Issue 19: a processed parquet edited by hand (manifest untouched) changed the reports
    (hembesök 30.8 % -> 100 %) and `workbook check` passed."""
    raw = _project(tmp_path, monkeypatch)
    first = dataset.load_dataset(raw)
    target = tmp_path / "processed" / "raw"
    tampered = first.observations.assign(numerator=first.observations["denominator"])
    tampered.to_parquet(target / "observations.parquet", index=False)
    assert dataset.processed_state(target, dataset._manifest(raw, first.files)) == "changed"
    dataset.clear_cache()
    second = dataset.load_dataset(raw)
    pd.testing.assert_frame_equal(second.observations, first.observations)  # from the CSVs
    assert dataset.processed_state(target, dataset._manifest(raw, first.files)) == "current"
    pd.testing.assert_frame_equal(
        pd.read_parquet(target / "observations.parquet"), first.observations
    )


def test_a_truncated_processed_parquet_is_rewritten_not_reread_forever(tmp_path, monkeypatch):
    raw = _project(tmp_path, monkeypatch)
    first = dataset.load_dataset(raw)
    target = tmp_path / "processed" / "raw"
    path = target / "teams.parquet"
    path.write_bytes(path.read_bytes()[:100])
    dataset.clear_cache()
    dataset.load_dataset(raw)  # validates the CSVs again and writes the parquet anew
    dataset.clear_cache()

    def must_not_validate(*args, **kwargs):
        raise AssertionError("the rewritten parquet should have been used")

    monkeypatch.setattr(dataset, "_read", must_not_validate)
    third = dataset.load_dataset(raw)
    pd.testing.assert_frame_equal(third.teams, first.teams)


def test_scratch_folder_is_not_written_to_processed(tmp_path, monkeypatch):
    _project(tmp_path, monkeypatch)
    ds = dataset.load_dataset(write_folder(tmp_path / "scratch"))
    assert ds.processed is None
    assert not (tmp_path / "processed").exists()


def test_sample_folder_is_flagged(tmp_path, monkeypatch):
    _project(tmp_path, monkeypatch)
    ds = dataset.load_dataset(write_folder(tmp_path / "sample"))
    assert ds.is_sample and ds.source == "sample"
    assert (tmp_path / "processed" / "sample" / "teams.parquet").is_file()


def test_cache_returns_same_dataset_until_a_file_changes(tmp_path):
    folder = write_folder(tmp_path / "d")
    first = dataset.load_dataset(folder)
    again = dataset.load_dataset(folder)
    pd.testing.assert_frame_equal(again.observations, first.observations)
    again.observations["extra"] = 1  # a caller changing its frames does not change the cache
    again.observations.loc[0, "value"] = -1.0
    third = dataset.load_dataset(folder)
    assert "extra" not in third.observations and third.observations.loc[0, "value"] == 91.5
    plant(folder, "observations.csv", 7, "attarp;sms;2020-01-13;13;;")
    second = dataset.load_dataset(folder)
    sms = second.observations[second.observations["measure_id"] == "sms"]
    assert second is not first and sms["value"].tolist() == [13]


def test_kolada_fallback_for_raw_folder(tmp_path, monkeypatch):
    raw = _project(tmp_path, monkeypatch)
    kolada = tmp_path / "data" / "kolada"
    kolada.mkdir(parents=True)
    (kolada / "kpis.csv").write_text(
        "kpi,title_sv,title_en,unit,direction,focus_area\n"
        "N66077,Barn,Children,%,down,psykisk hälsa\n"
    )
    (kolada / "indicators.csv").write_text(
        "kpi,municipality_code,period,gender,value\nN66077,0682,2022,T,9.5\n"
    )
    ds = dataset.load_dataset(raw)
    assert ds.indicators["value"].tolist() == [9.5]
    assert "../data/kolada/indicators.csv" in ds.files


def test_survey_problems_are_included(tmp_path, monkeypatch):
    folder = write_folder(tmp_path / "d")
    (folder / "surveys" / "parents").mkdir(parents=True)

    def fake_check(survey_dir):
        return [
            Problem(
                f"surveys/{survey_dir.name}/export.csv",
                "code 9 not in codebook",
                row=5,
                column="q1",
                hint="fix it",
            )
        ]

    fake = types.ModuleType("analysis.surveys")  # the real module is tested in test_surveys
    fake.check_survey = fake_check
    monkeypatch.setitem(sys.modules, "analysis.surveys", fake)
    monkeypatch.setattr(analysis, "surveys", fake, raising=False)
    problems = dataset.check_folder(folder)
    assert [(p.file, p.row, p.column) for p in problems] == [
        ("surveys/parents/export.csv", 5, "q1")
    ]


def test_sample_loads_without_problems():
    from analysis.config import load_config

    sample = load_config().sample_dir
    ds = dataset.load_dataset(sample)  # raises DataError listing any problem of the tables
    assert os.fspath(ds.folder) == os.fspath(sample.resolve())
    assert ds.is_sample and len(ds.teams) >= 9 and not ds.observations.empty


def test_measure_series_keeps_the_absent_sample_period_as_a_gap():
    from analysis.dataset import load_dataset, measure_series

    ds = load_dataset(Path(__file__).resolve().parent.parent / "data" / "sample")
    series = measure_series(ds, "nassjo", "hembesok")
    # The sample's hembesok series has no July 2020 (sample generator); it must come back as NaN.
    gap = series[series["period"] == pd.Timestamp("2020-07-01")]
    assert len(gap) == 1 and gap["y"].isna().all() and gap["n"].isna().all()
    assert series["period"].diff().dropna().dt.days.between(28, 31).all()  # a full monthly grid
    assert len(measure_series(ds, "nassjo", "hembesok", complete=False)) == len(series) - 1


def test_check_folder_reports_a_driver_idea_pointing_at_an_unknown_change(tmp_path):
    import shutil

    from analysis.dataset import check_folder

    sample = Path(__file__).resolve().parent.parent / "data" / "sample"
    copy = tmp_path / "data"
    shutil.copytree(sample, copy)
    path = copy / "drivers" / "nassjo.yml"
    body = path.read_text(encoding="utf-8")
    assert "changes: [1]" in body or "- 1" in body
    path.write_text(body.replace("changes: [1]", "changes: [99]", 1), encoding="utf-8")
    problems = [p for p in check_folder(copy) if p.file.endswith("nassjo.yml")]
    assert problems, "a change idea linked to change 99 (not in the PDSA log) must be reported"
    assert any("99" in p.message for p in problems) and all(p.row for p in problems)


# ------------------------------------------------------------------ implausible values (issue 19)


def test_implausible_values_are_warnings_and_infinity_is_an_error(tmp_path, capsys):
    """A period in 2031, a value of 1e308 (its mean was called a "stable level"), counts of
    1e300/1e300 and a percentage of 130 passed silently; 1e309 (infinite) was read as inf."""
    from analysis import cli

    folder = write_folder(tmp_path / "d")
    plant(folder, "observations.csv", 8, "nassjo;hembesok;2031-01-01;;14;22")  # row 8: future
    plant(folder, "observations.csv", 9, "attarp;sms;2020-01-20;1e308;;")  # row 9: huge count
    plant(folder, "observations.csv", 10, "nassjo;hembesok;2020-04-01;;1e300;1e300")  # row 10
    plant(folder, "observations.csv", 11, "attarp;narvaro;2020-01-20;130;;")  # row 11: 130 %
    found = {(p.row, p.column): p for p in dataset.check_folder(folder)}
    assert all(p.is_warning for p in found.values())
    assert set(found) == {
        (8, "period"),
        (9, "value"),
        (10, "numerator"),
        (10, "denominator"),
        (11, "value"),
    }
    assert "2031-01-01 is after today" in found[(8, "period")].message
    assert "1e+308 is implausibly large" in found[(9, "value")].message
    assert (
        "130 is outside 0-100, the range of the measure's unit '%'" in found[(11, "value")].message
    )
    assert str(found[(8, "period")]).startswith("observations.csv row 8, column 'period': warning:")
    dataset.load_dataset(folder)  # warnings never block the reports
    assert cli.main(["check", str(folder)]) == 0  # warnings only: exit 0, listed
    assert "5 varning(ar)" in capsys.readouterr().out  # workbook.yml: language sv
    plant(folder, "observations.csv", 9, "attarp;sms;2020-01-20;1e309;;")
    problems = dataset.check_folder(folder)
    errors = [p for p in problems if not p.is_warning]
    assert [(p.row, p.column) for p in errors] == [(9, "value")]
    assert "'1e309' is not a number" in errors[0].message
    assert cli.main(["check", str(folder)]) == 1


def test_many_implausible_rows_are_one_warning(tmp_path):
    folder = write_folder(tmp_path / "d")
    for k in range(12):
        plant(folder, "observations.csv", 8 + k, f"attarp;sms;2040-01-{2 + k:02d};3;;")
    warnings = [p for p in dataset.check_folder(folder) if p.is_warning]
    assert len(warnings) == 1 and warnings[0].row == 8
    assert warnings[0].message.startswith("12 rows: the period 2040-01-02 is after today")


@pytest.mark.parametrize("name", ["Föräldrar 2024", "pupils-2", "enkät.2024", "Elever"])
def test_a_survey_folder_name_must_be_an_id(tmp_path, name):
    """Issue 19: survey folder names were not checked against [a-z0-9_]+ (the name becomes the
    survey id, a parameter and the report's file name)."""
    folder = write_folder(tmp_path / "d")
    (folder / "surveys" / name).mkdir(parents=True)
    problems = [p for p in dataset.check_folder(folder) if "survey folder name" in p.message]
    assert len(problems) == 1 and "rename the folder with a-z, 0-9 and _ only" in problems[0].hint
    with pytest.raises(DataError, match="not a valid survey id"):
        dataset.load_dataset(folder)


def test_the_accessors_read_a_team_a_survey_and_a_driver_diagram_through_the_dataset():
    # every read of data by a report goes through the dataset (a later change records which)
    from pathlib import Path

    sample = Path(__file__).resolve().parent.parent / "data" / "sample"
    ds = dataset.load_dataset(sample)
    team = ds.team("attarp")
    assert (team.id, team.name, team.focus_area, team.cohort) == (
        "attarp",
        "Attarpskolan",
        "fullföljda studier",
        2019,
    )
    assert (
        set(team.measures["team_id"])
        == set(team.observations["team_id"])
        == set(team.changes["team_id"])
        == {"attarp"}
    )
    assert len(team.measures) == int((ds.measures["team_id"] == "attarp").sum())
    with pytest.raises(KeyError, match="no team 'vaxjo'.*known teams: .*attarp"):
        ds.team("vaxjo")
    survey = ds.survey("parents")
    assert survey.id == "parents" and ds.survey("parents") is survey  # read once
    with pytest.raises(KeyError, match="no survey 'staff'.*surveys: coordinators, parents, pupils"):
        ds.survey("staff")
    assert ds.drivers("attarp").team_id == "attarp"
    assert "aneby" not in ds.driver_teams and ds.drivers("aneby") is None


def test_a_teams_rows_are_its_own_and_a_copy_with_other_tables_gives_those():
    """Dataset.team groups each table once per dataset; the rows equal filtering the table, and
    a copy with another table (with_tables) never gets the first table's rows."""
    ds = dataset.load_dataset(Path(__file__).resolve().parent.parent / "data" / "sample")
    for team_id in ("attarp", "nassjo"):
        own = ds.observations[ds.observations["team_id"] == team_id].reset_index(drop=True)
        pd.testing.assert_frame_equal(ds.team(team_id).observations, own)
    without = ds.observations[ds.observations["team_id"] != "attarp"]
    other = dataset.with_tables(ds, observations=without)
    assert other.team("attarp").observations.empty
    assert len(ds.team("attarp").observations) == (ds.observations["team_id"] == "attarp").sum() > 0


def test_a_dataset_preloaded_by_the_kernel_zygote_is_reused_only_under_the_same_settings(
    tmp_path, monkeypatch
):
    """The runner's zygote loads the run's data before forking kernels (zygote.preload_data):
    a kernel working in the same folder gets it from load_dataset's cache without reading the
    parquet again; under another workbook.yml (another processed folder) it is loaded anew."""
    import shutil

    from analysis import dataset as dataset_module
    from analysis.dataset import clear_cache, load_dataset
    from analysis.runner import zygote

    repo = Path(__file__).resolve().parent.parent
    sample = repo / "data" / "sample"
    root = tmp_path / "project"
    shutil.copytree(sample, root / "data" / "sample")
    (root / "notebooks").mkdir()
    (root / "workbook.yml").write_text((repo / "workbook.yml").read_text(encoding="utf-8"))
    monkeypatch.delenv("WORKBOOK_ROOT", raising=False)
    clear_cache()
    folder = str(root / "data" / "sample")
    assert zygote.preload_data(folder, str(root / "notebooks")) == []
    monkeypatch.chdir(root / "notebooks")  # where the kernels work
    read = []
    original = dataset_module._read_processed
    monkeypatch.setattr(
        dataset_module, "_read_processed", lambda *a: read.append(a) or original(*a)
    )
    ds = load_dataset(folder)
    assert read == [] and ds.is_sample and "attarp" in set(ds.teams["team_id"])

    other = tmp_path / "other"
    other.mkdir()
    (other / "workbook.yml").write_text(
        (repo / "workbook.yml").read_text(encoding="utf-8")
        + "\nprocessed_dir: elsewhere/processed\n"
    )
    monkeypatch.chdir(other)
    # under that configuration the folder is neither its sample nor its raw folder: it has no
    # processed/ (the preloaded dataset has one) and is not the sample
    again = load_dataset(folder)
    assert ds.processed is not None and again.processed is None and not again.is_sample
    assert zygote.preload_data(str(tmp_path / "missing"), None) == [f"data:{tmp_path / 'missing'}"]
