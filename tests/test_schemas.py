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
    cols = ["measure_id", "teamid", *MEASURE_COLUMNS[2:]]
    typed, problems = schemas.validate("measures", measures(GOOD, columns=cols), "m.csv")
    assert where(problems) == [("m.csv", 1, "teamid")]
    assert "did you mean 'team_id'" in problems[0].message
    assert typed["team_id"].tolist() == ["nassjo"]


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
