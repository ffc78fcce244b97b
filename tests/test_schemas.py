"""Tests of analysis.schemas: column matching, parsing, pandera failure cases as problems.

Frames are built by hand as ``io.read_table`` returns them (strings, ``_row`` = Excel row).
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pytest

from analysis import schemas


def frame(rows: list[list[str | None]], columns: list[str], first_row: int = 2) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=columns, dtype="str")
    out["_row"] = range(first_row, first_row + len(out))
    return out


MEASURE_COLUMNS = [
    "measure_id",
    "team_id",
    "measure_name",
    "measure_type",
    "chart",
    "unit",
    "frequency",
    "direction",
    "target",
]


def measures(*rows: list[str | None], columns=MEASURE_COLUMNS) -> pd.DataFrame:
    return frame([list(r) for r in rows], columns)


GOOD = ["hembesok", "nassjo", "Hembesök", "process", "p", "%", "month", "up", "0,9"]


def where(problems):
    return [(p.file, p.row, p.column) for p in problems]


def test_valid_measures_are_typed():
    typed, problems = schemas.validate(
        "measures",
        measures(
            GOOD, ["narvaro", "attarp", "Närvaro", "Outcome", "I", None, "Week", "Down", None]
        ),
        "m.csv",
    )
    assert problems == []
    assert typed["target"].tolist()[0] == 0.9 and pd.isna(typed["target"].tolist()[1])
    assert typed["measure_type"].tolist() == ["process", "outcome"]  # case folded
    assert typed["chart"].tolist() == ["p", "i"]
    assert typed["_row"].tolist() == [2, 3]
    assert str(typed["measure_id"].dtype) == "str"


def test_missing_required_column_reported_once():
    cols = [c for c in MEASURE_COLUMNS if c != "frequency"]
    row = [v for c, v in zip(MEASURE_COLUMNS, GOOD, strict=True) if c != "frequency"]
    _, problems = schemas.validate("measures", measures(row, row, columns=cols), "m.csv")
    assert where(problems) == [("m.csv", 1, "frequency")]
    assert "missing" in problems[0].message and "frequency" in problems[0].hint


def test_misspelt_column_names_the_nearest_valid_name_and_is_read():
    cols = ["measure_id", "taem_id", *MEASURE_COLUMNS[2:]]
    typed, problems = schemas.validate("measures", measures(GOOD, columns=cols), "m.csv")
    assert where(problems) == [("m.csv", 1, "taem_id")]
    assert "did you mean 'team_id'" in problems[0].message
    assert typed["team_id"].tolist() == ["nassjo"]
    # without its underscore the name is the column itself (issue 16: names as people type them)
    cols = ["measure_id", "TeamID", *MEASURE_COLUMNS[2:]]
    typed, problems = schemas.validate("measures", measures(GOOD, columns=cols), "m.csv")
    assert problems == [] and typed["team_id"].tolist() == ["nassjo"]


def test_misspelt_optional_column_is_reported():
    cols = [*MEASURE_COLUMNS[:-1], "traget"]
    _, problems = schemas.validate("measures", measures(GOOD, columns=cols), "m.csv")
    assert where(problems) == [("m.csv", 1, "traget")]
    assert "'target'" in problems[0].message


def test_unknown_extra_column_ignored_and_optional_may_be_absent():
    cols = [*MEASURE_COLUMNS[:-1], "kommentar"]
    typed, problems = schemas.validate(
        "measures", measures(GOOD[:-1] + ["fri text"], columns=cols), "m.csv"
    )
    assert problems == []
    assert "kommentar" not in typed and typed["target"].isna().all()


def test_spaces_in_column_names_are_accepted():
    cols = ["Measure ID", "team-id", *MEASURE_COLUMNS[2:]]
    typed, problems = schemas.validate(
        "measures", measures(GOOD, columns=[c.lower() for c in cols]), "m.csv"
    )
    assert problems == [] and typed["measure_id"].tolist() == ["hembesok"]


def test_pandera_failures_become_problems_with_excel_rows():
    bad_choice = ["a", "nassjo", "A", "proces", "p", "%", "month", "up", None]  # row 3
    bad_id = ["Hembesök", "nassjo", "B", "process", "p", "%", "month", "up", None]  # row 4
    blank = ["c", "nassjo", None, "process", "p", "%", "month", "up", None]  # row 5
    bad_number = ["d", "nassjo", "D", "process", "p", "%", "month", "up", "90 %"]  # row 6
    _, problems = schemas.validate(
        "measures", measures(GOOD, bad_choice, bad_id, blank, bad_number), "measures.csv"
    )
    by_place = {(p.row, p.column): p for p in problems}
    assert set(by_place) == {
        (3, "measure_type"),
        (4, "measure_id"),
        (5, "measure_name"),
        (6, "target"),
    }
    assert "'proces'" in by_place[3, "measure_type"].message
    assert "process / outcome / balancing" in by_place[3, "measure_type"].hint
    assert "a-z" in by_place[4, "measure_id"].hint
    assert by_place[5, "measure_name"].message == "the cell is empty"
    assert "'90 %' is not a number" == by_place[6, "target"].message
    assert all(p.file == "measures.csv" and p.hint for p in problems)


OBS = ["team_id", "measure_id", "period", "value", "numerator", "denominator"]


def test_observation_counts_checks():
    rows = [
        ["t", "m", "2024-01-01", None, "3", "0"],  # row 2: denominator 0
        ["t", "m", "2024-02-01", None, "-1", "5"],  # row 3: negative
        ["t", "m", "2024-03-01", None, "2,5", "5"],  # row 4: not whole
        ["t", "m", "1 mars", None, "1", "5"],  # row 5: not a date
        ["t", "m", "2024-04-01", None, "1", "5"],  # row 6: fine
    ]
    typed, problems = schemas.validate("observations", frame(rows, OBS), "o.csv")
    assert sorted((p.row, p.column) for p in problems) == [
        (2, "denominator"),
        (3, "numerator"),
        (4, "numerator"),
        (5, "period"),
    ]
    message = {p.row: p.message for p in problems}
    assert message[2] == "the denominator is 0"
    assert message[5] == "'1 mars' is not a date"
    assert typed["period"].iloc[4] == pd.Timestamp("2024-04-01")
    assert typed["numerator"].dtype == "float64"


def test_municipalities_codes_and_booleans():
    rows = [
        ["682", "Nässjö", "ja"],
        ["0680", "Jönköping", "1"],
        ["06801", "X", "kanske"],
        ["0684", "Sävsjö", None],
    ]
    typed, problems = schemas.validate(
        "municipalities",
        frame(rows, ["municipality_code", "municipality_name", "in_network"]),
        "municipalities.csv",
    )
    assert typed["municipality_code"].tolist()[:2] == ["0682", "0680"]  # leading zero restored
    assert typed["in_network"].tolist()[:2] == [True, True]
    assert sorted((p.row, p.column) for p in problems) == [
        (4, "in_network"),
        (4, "municipality_code"),
        (5, "in_network"),
    ]


def test_whole_numbers_and_years():
    cols = ["team_id", "change_no", "date", "title", "pdsa_step", "measures"]
    rows = [
        ["t", "1", "2024-01-01", "A", "Studera", "m"],
        ["t", "1,5", "2024-01-01", "B", "act", None],
        ["t", "0", "2024-01-01", "C", "klar", None],
    ]
    typed, problems = schemas.validate("changes", frame(rows, cols), "c.csv")
    assert typed["change_no"].dtype == "Int64" and typed["change_no"].iloc[0] == 1
    assert typed["pdsa_step"].iloc[0] == "study"
    assert sorted((p.row, p.column) for p in problems) == [
        (3, "change_no"),
        (4, "change_no"),
        (4, "pdsa_step"),
    ]


def test_parse_dates_formats():
    values = pd.Series(
        [
            "2024-03-18",
            "18/03/2024",
            "2024-03-18 00:00",
            "18.03.2024",
            "2024-03-18T14:00:00",
            None,
            "2024-02-30",
            "03/18/2024",
        ],
        dtype="str",
    )
    dates, bad = schemas.parse_dates(values)
    assert dates.iloc[:5].tolist() == [pd.Timestamp("2024-03-18")] * 5
    assert bad.tolist() == [False] * 6 + [True, True]


@pytest.mark.parametrize("table", list(schemas.TABLES))
def test_empty_frame_passes_its_schema(table):
    empty = schemas.empty_frame(table)
    assert list(empty.columns) == schemas.columns(table)
    schemas.schema(table).validate(empty)


def test_schema_is_pandera():
    assert isinstance(schemas.schema("teams"), pa.DataFrameSchema)


# ------------------------------------------------------------------ Swedish column names (issue 16)

TEAM_ROW = [
    "nassjo",
    "Nässjö föräldraskapsstöd",
    "682",
    "psykisk hälsa",
    "2019",
    "2019-09-01",
    "Alla nyblivna föräldrar får ett hembesök senast 2021",
]


def test_swedish_team_headers_are_the_contract_columns():
    """Issue 16: `Syfte` passed `workbook check` and the report said the team had no aim;
    `Kommunkod`, `Fokusområde` gave "column 'focus_area' is missing"."""
    headers = ["team_id", "Teamnamn", "Kommunkod", "Fokusområde", "Kohort", "Startdatum", "Syfte"]
    typed, problems = schemas.validate("teams", frame([TEAM_ROW], headers), "teams.csv")
    assert problems == []
    row = typed.iloc[0]
    assert row["team_name"] == "Nässjö föräldraskapsstöd" and row["municipality_code"] == "0682"
    assert row["focus_area"] == "psykisk hälsa" and row["cohort"] == 2019
    assert row["aim"].startswith("Alla nyblivna")  # the aim is read, not dropped
    # case, spaces, hyphens and å/ä/ö do not matter
    headers = ["Team ID", "TEAMNAMN", "kommun-kod", "fokusomrade", "kohort", "start datum", "SYFTE"]
    assert schemas.validate("teams", frame([TEAM_ROW], headers), "teams.csv")[1] == []


def test_swedish_observation_headers_and_a_cell_named_as_the_file_names_it():
    headers = ["team_id", "mått_id", "Period", "Värde", "Täljare", "Nämnare"]
    rows = [
        ["nassjo", "hembesok", "2020-01-01", None, "14", "22"],
        ["nassjo", "hembesok", "2020-02-01", None, "fjorton", "22"],
    ]
    typed, problems = schemas.validate("observations", frame(rows, headers), "observations.csv")
    assert typed["numerator"].tolist()[0] == 14 and typed["denominator"].tolist()[0] == 22
    assert typed["measure_id"].tolist() == ["hembesok", "hembesok"]
    # the bad cell is in the file's column 'Täljare' (row 3), which is where the analyst looks
    assert where(problems) == [("observations.csv", 3, "Täljare")]
    assert problems[0].text("sv") == (
        "observations.csv rad 3, kolumn 'Täljare': 'fjorton' är inte "
        "ett tal (skriv ett tal (t.ex. 14), utan enheter eller "
        "bokstäver (decimalkomma går bra))"
    )
    assert str(problems[0]).startswith(
        "observations.csv row 3, column 'Täljare': 'fjorton' is not a number"
    )


def test_swedish_choice_values_are_accepted():
    row = ["hembesok", "nassjo", "Hembesök", "Processmått", "p", "%", "månad", "upp", "0,9"]
    other = ["vantetid", "nassjo", "Väntetid", "balansmått", "i", "dagar", "Vecka", "ner", None]
    typed, problems = schemas.validate("measures", measures(row, other), "measures.csv")
    assert problems == []
    assert typed["measure_type"].tolist() == ["process", "balancing"]
    assert typed["frequency"].tolist() == ["month", "week"]
    assert typed["direction"].tolist() == ["up", "down"]


@pytest.mark.parametrize(
    ("header", "nearest", "table"),
    [
        ("Syftet", "syfte", "teams"),  # an optional column: was silently ignored
        ("Fokusområd", "fokusområde", "teams"),  # a required one, Swedish spelling
        ("focus_aera", "focus_area", "teams"),  # a required one, English spelling
        ("Nämnar", "nämnare", "observations"),  # an optional one, Swedish
    ],
)
def test_an_unknown_column_like_a_known_one_is_an_error_naming_the_nearest(header, nearest, table):
    if table == "teams":
        target = schemas.column_names("teams")[schemas._fold(nearest)]
        headers = [
            "team_id",
            "team_name",
            "municipality_code",
            "focus_area",
            "cohort",
            "start_date",
            "aim",
        ]
        headers[headers.index(target)] = header
        data = frame([TEAM_ROW], headers)
    else:
        data = frame(
            [["nassjo", "hembesok", "2020-01-01", None, "14", "22"]],
            ["team_id", "measure_id", "period", "value", "numerator", header],
        )
    _, problems = schemas.validate(table, data, f"{table}.csv")
    assert [(p.row, p.column) for p in problems] == [(1, header)], problems
    assert f"did you mean '{nearest}" in problems[0].message
    assert f"menar du '{nearest}" in problems[0].text("sv")


def test_an_unrelated_extra_column_is_still_ignored_and_two_names_for_one_column_are_an_error():
    headers = [
        "team_id",
        "team_name",
        "municipality_code",
        "focus_area",
        "cohort",
        "start_date",
        "Kommentar",
    ]
    assert schemas.validate("teams", frame([TEAM_ROW], headers), "teams.csv")[1] == []
    headers = ["team_id", "team_name", "municipality_code", "focus_area", "cohort", "aim", "Syfte"]
    rows = [TEAM_ROW[:5] + ["Ett syfte", "Ett annat syfte"]]
    _, problems = schemas.validate("teams", frame(rows, headers), "teams.csv")
    messages = [p.message for p in problems]
    assert "columns 'aim' and 'Syfte' both mean 'aim'" in messages
    assert "column 'start_date' is missing" in messages


def test_every_swedish_name_maps_to_a_column_of_its_table_and_no_two_collide():
    for table, names in schemas.SWEDISH_COLUMNS.items():
        wanted = set(schemas.columns(table))
        assert set(names.values()) <= wanted, table
        folded = [schemas._fold(n) for n in [*names, *wanted]]
        # a Swedish name never shadows a contract name of another column
        for name, target in names.items():
            own = schemas._fold(name)
            assert all(schemas._fold(w) != own for w in wanted - {target}), (table, name)
        assert len(folded) >= len(wanted)


def test_the_swedish_names_are_documented_in_the_raw_data_readme():
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "data" / "raw" / "README.md").read_text(
        encoding="utf-8"
    )
    for table, names in schemas.SWEDISH_COLUMNS.items():
        line = next(row for row in readme.splitlines() if row.startswith(f"| `{table}` |"))
        for swedish, name in names.items():
            assert f"`{swedish}`" in line and f"`{name}`" in line, (table, swedish)
