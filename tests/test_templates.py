"""Data-entry templates (``workbook template``): what a team gets, and what the workbook reads back.

Round trips with templates filled by openpyxl: an existing team's template read in place of its
rows of the main tables gives the same dataset; a new team's filled template adds the team; every
typing error is named by file, sheet, Excel row and column.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import SAMPLE

from analysis import cli
from analysis.config import load_config
from analysis.dataset import check_folder, load_dataset, with_tables
from analysis.io import DataError
from analysis.templates import TemplateError, expected_periods, write_template
from analysis.templates.layout import FIRST_CHANGE_ROW, FIRST_DATA_ROW, META_SHEET

TODAY = dt.date(2025, 11, 20)
UNTIL = dt.date(2025, 12, 31)
KEYS = {
    "teams": ["team_id"],
    "measures": ["team_id", "measure_id"],
    "observations": ["team_id", "measure_id", "period"],
    "changes": ["team_id", "change_no"],
}


@pytest.fixture(scope="module")
def sample():
    return load_dataset(SAMPLE)


@pytest.fixture(scope="module")
def nassjo(sample, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("tpl") / "nassjo.xlsx"
    return write_template(sample, path, "nassjo", today=TODAY, until=UNTIL)


@pytest.fixture(scope="module")
def new(sample, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("tpl") / "new.xlsx"
    return write_template(
        sample,
        path,
        None,
        today=TODAY,
        until=dt.date(2026, 6, 30),
        new_measures=2,
        start=dt.date(2025, 1, 1),
    )


def without_team(folder: Path, team: str) -> Path:
    """A copy of the sample with ``team``'s rows deleted from the four team tables."""
    shutil.copytree(SAMPLE, folder)
    for name, column in (("teams", 0), ("measures", 1), ("observations", 0), ("changes", 0)):
        path = folder / f"{name}.csv"
        lines = path.read_bytes().decode("utf-8-sig").split("\r\n")
        kept = [lines[0]] + [ln for ln in lines[1:] if ln and ln.split(";")[column] != team]
        path.write_bytes(("\r\n".join(kept) + "\r\n").encode("utf-8-sig"))
    (folder / "teams").mkdir()
    return folder


def messages(folder: Path) -> list[str]:
    return [str(p) for p in check_folder(folder) if not p.is_warning]


# ------------------------------------------------------------------ what the team gets


def test_periods_are_every_month_or_every_monday():
    assert expected_periods("month", dt.date(2024, 11, 15), dt.date(2025, 2, 1)) == [
        dt.date(2024, 11, 1),
        dt.date(2024, 12, 1),
        dt.date(2025, 1, 1),
        dt.date(2025, 2, 1),
    ]
    # 2025-01-01 is a Wednesday: its week starts on Monday 30 December 2024
    assert expected_periods("week", dt.date(2025, 1, 1), dt.date(2025, 1, 13)) == [
        dt.date(2024, 12, 30),
        dt.date(2025, 1, 6),
        dt.date(2025, 1, 13),
    ]


def test_an_existing_teams_template_as_a_user_sees_it(nassjo, sample):
    book = openpyxl.load_workbook(nassjo)
    assert book.sheetnames == [
        "Instruktioner",
        "Team",
        "hembesok",
        "deltagande",
        "vantetid",
        "PDSA-logg",
        "Listor",
        META_SHEET,
    ]
    assert book["Listor"].sheet_state == "hidden" and book[META_SHEET].sheet_state == "veryHidden"
    assert book.security.lockStructure  # sheets cannot be renamed or deleted
    text = " ".join(str(c.value) for c in book["Instruktioner"]["A"] if c.value)
    assert "Mätmall för Nässjö föräldraskapsstöd" in text and "Så här fyller ni i mallen" in text
    team = book["Team"]
    assert team["B3"].value == "nassjo" and team["B3"].protection.locked
    assert team["B5"].value == "0682 Nässjö" and not team["B5"].protection.locked
    # one dated row per month from the first observation (September 2019) to December 2025
    ws = book["hembesok"]
    periods = [ws.cell(row=r, column=1).value for r in range(FIRST_DATA_ROW, ws.max_row + 1)]
    dated = [p for p in periods if p is not None]
    assert dated == [
        dt.datetime.combine(d, dt.time())
        for d in expected_periods("month", dt.date(2019, 9, 1), UNTIL)
    ]
    first = sample.observations[
        (sample.observations["team_id"] == "nassjo")
        & (sample.observations["measure_id"] == "hembesok")
    ].iloc[0]
    assert ws.cell(row=FIRST_DATA_ROW, column=3).value == int(first["numerator"])
    assert ws.cell(row=FIRST_DATA_ROW, column=4).value == int(first["denominator"])
    # July 2020 was never reported: its row is there, empty, ready to fill in
    july = FIRST_DATA_ROW + dated.index(dt.datetime(2020, 7, 1))
    assert (
        ws.cell(row=july, column=3).value is None
        and not ws.cell(row=july, column=3).protection.locked
    )
    assert ws.protection.sheet and ws.cell(row=FIRST_DATA_ROW, column=1).protection.locked
    assert "används inte" in ws.cell(row=FIRST_DATA_ROW - 1, column=2).value  # a p chart: no value


def test_data_validation_whole_numbers_and_numerator_not_above_denominator(nassjo):
    book = openpyxl.load_workbook(nassjo)
    rules = {
        str(dv.sqref).split(":")[0]: dv for dv in book["hembesok"].data_validations.dataValidation
    }
    numerator, denominator = rules[f"C{FIRST_DATA_ROW}"], rules[f"D{FIRST_DATA_ROW}"]
    assert (
        numerator.type == "custom" and f"C{FIRST_DATA_ROW}<=D{FIRST_DATA_ROW}" in numerator.formula1
    )
    assert f"C{FIRST_DATA_ROW}=INT(C{FIRST_DATA_ROW})" in numerator.formula1
    assert denominator.type == "whole" and denominator.operator == "greaterThanOrEqual"
    assert denominator.formula1 == "1" and denominator.showErrorMessage
    assert "heltal" in denominator.error  # the message is Swedish
    # an i chart (vantetid) takes a value: any number, the count columns are not offered
    vantetid = {
        str(dv.sqref).split(":")[0]: dv for dv in book["vantetid"].data_validations.dataValidation
    }
    assert vantetid[f"B{FIRST_DATA_ROW}"].type == "decimal" and f"C{FIRST_DATA_ROW}" not in vantetid
    pdsa = {
        str(dv.sqref).split(":")[0]: dv for dv in book["PDSA-logg"].data_validations.dataValidation
    }
    assert pdsa[f"D{FIRST_CHANGE_ROW}"].formula1 == "=list_step"
    assert pdsa[f"E{FIRST_CHANGE_ROW}"].formula1 == "=list_measure"
    lists = book["Listor"]
    assert [lists.cell(row=r, column=7).value for r in range(1, 5)] == [
        "planera",
        "göra",
        "studera",
        "agera",
    ]
    assert [lists.cell(row=r, column=8).value for r in range(1, 4)] == [
        "hembesok",
        "deltagande",
        "vantetid",
    ]
    assert book.defined_names["list_measure"].attr_text == "'Listor'!$H$1:$H$3"


def test_english_template(sample, tmp_path):
    book = openpyxl.load_workbook(
        write_template(sample, tmp_path / "en.xlsx", "attarp", lang="en", today=TODAY, until=UNTIL)
    )
    assert book.sheetnames[:2] == ["Instructions", "Team"] and "PDSA log" in book.sheetnames
    assert book["Instructions"]["A1"].value == "Data-entry template for Attarpskolan"
    # weekly measures: one row per Monday
    ws = book["narvaro"]
    first, second = (ws.cell(row=r, column=1).value for r in (FIRST_DATA_ROW, FIRST_DATA_ROW + 1))
    assert first.weekday() == 0 and second - first == dt.timedelta(weeks=1)


def test_a_template_cannot_hold_an_unknown_team_or_several_values_per_period(sample, tmp_path):
    with pytest.raises(TemplateError, match="no team 'nope'"):
        write_template(sample, tmp_path / "x.xlsx", "nope")
    measures = sample.measures.copy()
    measures.loc[measures["measure_id"] == "vantetid", "chart"] = "xbar"
    with pytest.raises(TemplateError, match="xbar chart"):
        write_template(with_tables(sample, measures=measures), tmp_path / "x.xlsx", "nassjo")
    assert not (tmp_path / "x.xlsx").exists()


# ------------------------------------------------------------------ reading it back


def test_round_trip_an_existing_team_reads_the_same_data(nassjo, sample, tmp_path):
    folder = without_team(tmp_path / "data", "nassjo")
    shutil.copy(nassjo, folder / "teams" / "nassjo.xlsx")
    assert messages(folder) == []
    merged = load_dataset(folder)
    assert "teams/nassjo.xlsx" in merged.files  # hashed like every input
    for name, keys in KEYS.items():
        expected = sample.table(name).sort_values(keys).reset_index(drop=True)
        got = merged.table(name).sort_values(keys).reset_index(drop=True)
        pd.testing.assert_frame_equal(got, expected, check_like=False)


def test_a_template_teams_spread_and_stories_are_checked_against_its_template(nassjo, tmp_path):
    # issue 17: nassjo's changes and measures are in its template only, not in the main tables
    folder = without_team(tmp_path / "data", "nassjo")
    shutil.copy(nassjo, folder / "teams" / "nassjo.xlsx")
    with (folder / "spread.csv").open("ab") as f:
        f.write("nassjo;1;2020-10-01;BVC Nässjö;1\r\nnassjo;7;2020-10-01;BVC Eksjö;1\r\n".encode())
    with (folder / "stories.csv").open("ab") as f:
        f.write("nassjo;2020-11-02;Rubrik;Text;förälder;1;hembesok;\r\n".encode())
    problems = [p for p in check_folder(folder) if not p.is_warning]
    # only the change the template's log does not have (the spread file's last row)
    assert [(p.file, p.column) for p in problems] == [("spread.csv", "change_no")]
    assert "no change 7" in problems[0].message


def test_new_values_typed_by_the_team_are_read(nassjo, tmp_path):
    folder = without_team(tmp_path / "data", "nassjo")
    book = openpyxl.load_workbook(nassjo)
    ws = book["hembesok"]
    row = next(
        r
        for r in range(FIRST_DATA_ROW, ws.max_row + 1)
        if ws.cell(row=r, column=1).value == dt.datetime(2025, 3, 1)
    )
    ws.cell(row=row, column=3, value=21)
    ws.cell(row=row, column=4, value=25)
    book["PDSA-logg"]["B6"] = dt.datetime(2025, 2, 1)
    book["PDSA-logg"]["C6"] = "Hembesök på kvällstid"
    book["PDSA-logg"]["D6"] = "studera"
    book["PDSA-logg"]["E6"] = "hembesok"
    book.save(folder / "teams" / "nassjo.xlsx")
    ds = load_dataset(folder)
    obs = ds.observations
    march = obs[(obs["team_id"] == "nassjo") & (obs["period"] == pd.Timestamp("2025-03-01"))]
    assert march[["numerator", "denominator"]].values.tolist() == [[21.0, 25.0]]
    change = ds.changes[(ds.changes["team_id"] == "nassjo") & (ds.changes["change_no"] == 3)].iloc[
        0
    ]
    assert (change["pdsa_step"], change["measures"], change["date"]) == (
        "study",
        "hembesok",
        pd.Timestamp("2025-02-01"),
    )


def test_a_new_teams_filled_template_adds_the_team(new, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(SAMPLE, folder)
    (folder / "teams").mkdir()
    book = openpyxl.load_workbook(new)
    assert book.sheetnames[:4] == ["Instruktioner", "Team", "Mått 1", "Mått 2"]
    team = book["Team"]
    for row, value in zip(
        range(3, 10),
        [
            "habo_fc",
            "Familjecentralen Habo",
            "0643 Habo",
            "psykisk hälsa",
            2025,
            dt.datetime(2025, 9, 1),
            "Alla blivande föräldrar erbjuds föräldragrupp",
        ],
        strict=True,
    ):
        team.cell(row=row, column=2, value=value)
    ws = book["Mått 1"]
    for row, value in zip(
        range(3, 11),
        [
            "deltagande",
            "Andel som deltar i föräldragrupp",
            "resultatmått",
            "p",
            "%",
            "månad",
            "högre värde",
            0.8,
        ],
        strict=True,
    ):
        ws.cell(row=row, column=2, value=value)
    assert ws.cell(row=FIRST_DATA_ROW, column=1).value == dt.datetime(2025, 1, 1)
    for i in range(3):  # January to March 2025: 5, 6, 7 of 12
        ws.cell(row=FIRST_DATA_ROW + i, column=3, value=5 + i)
        ws.cell(row=FIRST_DATA_ROW + i, column=4, value=12)
    book["PDSA-logg"]["B4"] = dt.datetime(2025, 3, 1)
    book["PDSA-logg"]["C4"] = "Personlig inbjudan"
    book["PDSA-logg"]["D4"] = "göra"
    book["PDSA-logg"]["E4"] = "deltagande"
    book.save(folder / "teams" / "habo.xlsx")  # Mått 2 left empty: not a measure
    assert messages(folder) == []
    ds = load_dataset(folder)
    assert ds.teams.set_index("team_id").loc["habo_fc", "municipality_code"] == "0643"
    measures = ds.measures_of("habo_fc")
    assert measures[
        ["measure_id", "measure_type", "chart", "frequency", "direction", "target"]
    ].values.tolist() == [["deltagande", "outcome", "p", "month", "up", 0.8]]
    obs = ds.observations[ds.observations["team_id"] == "habo_fc"]
    assert (
        obs["numerator"].tolist() == [5.0, 6.0, 7.0] and obs["denominator"].tolist() == [12.0] * 3
    )
    assert ds.changes[ds.changes["team_id"] == "habo_fc"]["pdsa_step"].tolist() == ["do"]


def test_typing_errors_are_named_by_file_sheet_row_and_column(nassjo, tmp_path):
    folder = without_team(tmp_path / "data", "nassjo")
    book = openpyxl.load_workbook(nassjo)
    ws = book["hembesok"]
    base = FIRST_DATA_ROW
    ws.cell(row=base + 2, column=3, value="tjugo")  # text in a number cell
    ws.cell(row=base + 3, column=3, value=40)  # numerator > denominator
    ws.cell(row=base + 3, column=4, value=30)
    ws.cell(row=base + 4, column=2, value=7)  # a value in a p chart
    spare = next(r for r in range(base, ws.max_row + 2) if ws.cell(row=r, column=1).value is None)
    ws.cell(row=spare, column=1, value=dt.datetime(2025, 3, 15))  # a date outside the grid
    ws.cell(row=spare, column=3, value=5)
    ws.cell(row=spare, column=4, value=9)
    pdsa = book["PDSA-logg"]
    pdsa["B6"] = dt.datetime(2022, 1, 1)
    pdsa["C6"] = "Ny förändring"
    pdsa["D6"] = "testa"  # an unknown PDSA step
    pdsa["E6"] = "hembesk"  # a measure that does not exist
    book["vantetid"].cell(row=base, column=2, value="12 dagar")  # text in a value cell
    book.save(folder / "teams" / "nassjo.xlsx")
    got = messages(folder)
    file = "teams/nassjo.xlsx, sheet"
    expected = [
        f"{file} 'PDSA-logg' row 6, column 'D (PDSA-steg)': 'testa' is not one of the choices "
        "(planera, göra, studera, agera)",
        f"{file} 'PDSA-logg' row 6, column 'E (Påverkar mått 1)': unknown measure id 'hembesk'",
        f"{file} 'hembesok' row {base + 2}, column 'C (Täljare)': 'tjugo' is not a number",
        f"{file} 'hembesok' row {base + 3}, column 'C (Täljare)': numerator 40 is larger than "
        "denominator 30",
        f"{file} 'hembesok' row {base + 4}, column 'B (Värde)': a p chart does not use this column",
        f"{file} 'hembesok' row {spare}, column 'A (Period)': period 2025-03-15 is not the first "
        "day of a month",
        f"{file} 'vantetid' row {base}, column 'B (Värde)': '12 dagar' is not a number",
    ]
    assert len(got) == len(expected), got
    for line, start in zip(sorted(got), sorted(expected), strict=True):
        assert line.startswith(start), (line, start)
    with pytest.raises(DataError) as raised:  # nothing half-read reaches a report
        load_dataset(folder)
    assert len(raised.value.problems) == len(expected)


def test_a_teams_rows_come_from_one_place_only(nassjo, tmp_path, capsys):
    folder = tmp_path / "data"
    shutil.copytree(SAMPLE, folder)
    (folder / "teams").mkdir()
    shutil.copy(nassjo, folder / "teams" / "nassjo.xlsx")
    shutil.copy(nassjo, folder / "teams" / "nassjo_copy.xlsx")
    (folder / "teams" / "notes.txt").write_text("x", encoding="utf-8")
    got = messages(folder)
    assert got[0].startswith(
        "teams/nassjo.xlsx, sheet 'Team' row 3, column 'B (Team-id)': team 'nassjo' also has rows "
        "in the main tables: teams.csv row 4; measures.csv rows 8-10; observations.csv rows "
        "200-288; changes.csv rows 8-9"
    )
    assert got[1].startswith(
        "teams/nassjo_copy.xlsx, sheet 'Team' row 3, column 'B (Team-id)': "
        "team 'nassjo' is also in teams/nassjo.xlsx"
    )
    assert got[2].startswith("teams/notes.txt: only data-entry templates (.xlsx)")
    assert len(got) == 3
    assert cli.main(["check", str(folder)]) == 1
    assert "3 problem i" in capsys.readouterr().err  # workbook.yml: language sv


def test_files_that_are_not_templates_or_lost_formulas_are_named(nassjo, tmp_path):
    folder = without_team(tmp_path / "data", "nassjo")
    other = openpyxl.Workbook()
    other.active.append(["period", "value"])
    other.save(folder / "teams" / "mine.xlsx")
    book = openpyxl.load_workbook(nassjo)
    book["hembesok"].cell(row=FIRST_DATA_ROW + 1, column=4, value="=20+5")  # saved by a script
    book.save(folder / "teams" / "nassjo.xlsx")
    got = messages(folder)
    assert any(m.startswith("teams/mine.xlsx: this is not a data-entry template") for m in got)
    assert any(
        m.startswith(
            f"teams/nassjo.xlsx, sheet 'hembesok' row {FIRST_DATA_ROW + 1}, "
            "column 'D': the cell holds a formula whose result was never saved"
        )
        for m in got
    ), got


def test_a_renamed_sheet_is_named(nassjo, tmp_path):
    folder = without_team(tmp_path / "data", "nassjo")
    book = openpyxl.load_workbook(nassjo)
    book.security.lockStructure = False
    book["vantetid"].title = "Väntetid"
    book.save(folder / "teams" / "nassjo.xlsx")
    got = messages(folder)
    assert (
        "teams/nassjo.xlsx: the sheet 'vantetid' is missing (renamed or deleted?) (give the "
        "sheet its name back, or ask for a new template and copy the data into it)" in got
    )
    # the team's rows were not read, so its driver diagram and the parent survey (tied to
    # nassjo in its codebook) point at an unknown team: said too
    assert all(
        m.startswith(("teams/nassjo.xlsx", "drivers/nassjo.yml", "surveys/parents/codebook.yml"))
        for m in got
    ), got


# ------------------------------------------------------------------ the command


def test_template_command(tmp_path, capsys, monkeypatch):
    out = tmp_path / "nassjo.xlsx"
    assert (
        cli.main(
            [
                "template",
                "--team",
                "nassjo",
                "--out",
                str(out),
                "--until",
                "2025-12-31",
                "--data",
                str(SAMPLE),
            ]
        )
        == 0
    )
    assert out.is_file() and f"wrote {out}" in capsys.readouterr().out
    before = out.read_bytes()
    assert cli.main(["template", "--team", "nassjo", "--out", str(out)]) == 2  # a filled one?
    assert "exists" in capsys.readouterr().err and out.read_bytes() == before
    assert (
        cli.main(
            [
                "template",
                "--new",
                "--out",
                str(out),
                "--force",
                "--lang",
                "en",
                "--measures",
                "4",
                "--frequency",
                "week",
            ]
        )
        == 0
    )
    assert openpyxl.load_workbook(out).sheetnames[2:6] == [f"Measure {n}" for n in range(1, 5)]
    raw = load_config().raw_dir
    assert cli.main(["template", "--team", "nassjo", "--out", str(raw / "teams" / "x.xlsx")]) == 2
    assert "never writes there" in capsys.readouterr().err
    assert not (raw / "teams").exists()
    assert cli.main(["template", "--team", "nope", "--out", str(tmp_path / "y.xlsx")]) == 2
    assert "no team 'nope'" in capsys.readouterr().err
    assert (
        cli.main(
            ["template", "--team", "nassjo", "--out", str(tmp_path / "z.xlsx"), "--until", "31/12"]
        )
        == 2
    )


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice is not installed")
def test_a_template_saved_by_libreoffice_reads_the_same(nassjo, sample, tmp_path):
    """A team without Excel opens and saves the template in LibreOffice Calc (headless here)."""
    import subprocess

    folder = without_team(tmp_path / "data", "nassjo")
    subprocess.run(
        [
            "libreoffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(folder / "teams"),
            str(nassjo),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    assert messages(folder) == []
    merged = load_dataset(folder)
    for name, keys in KEYS.items():
        pd.testing.assert_frame_equal(
            merged.table(name).sort_values(keys).reset_index(drop=True),
            sample.table(name).sort_values(keys).reset_index(drop=True),
        )
