"""Tests of analysis.surveys: codebooks, the three export formats, summaries, bad input.

Expected values are hand calculations on tiny hand-built surveys (written out in the tests)
or published tables (the Wilson intervals).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import yaml

from analysis import surveys
from analysis.io import DataError
from analysis.views import survey_tables

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"


# ------------------------------------------------------------------------------ helpers


def write_survey(
    folder: Path,
    codebook: dict,
    header: list[str],
    rows: list[list],
    name: str | None = None,
    delimiter: str = ";",
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "codebook.yml").write_text(
        yaml.safe_dump(codebook, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    name = name or codebook["export"]["file"]
    if name.endswith(".xlsx"):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(header)
        for row in rows:
            ws.append(row)
        wb.save(folder / name)
    else:
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows([header, *rows])
        (folder / name).write_text(buffer.getvalue(), encoding="utf-8")
    return folder


AGREE = [{"code": str(k), "sv": f"steg {k}", "en": f"step {k}"} for k in range(1, 6)]


def forms_codebook(**extra) -> dict:
    """A Microsoft Forms survey: a subgroup, a multi-select, a Likert item, a free-text question."""
    cb = {
        "survey": "forms",
        "design": "sample",
        "export": {
            "file": "export.xlsx",
            "tool": "microsoft_forms",
            "respondent_id": "ID",
            "drop": ["E-post", "Namn"],
        },
        "subgroups": ["first"],
        "questions": [
            {
                "id": "first",
                "type": "single",
                "text": {"sv": "Förstagångsförälder?", "en": "First-time parent?"},
                "options": [
                    {"code": "yes", "sv": "Ja", "en": "Yes"},
                    {"code": "no", "sv": "Nej", "en": "No"},
                ],
            },
            {
                "id": "topics",
                "type": "multi",
                "text": {"sv": "Ämnen", "en": "Topics"},
                "options": [
                    {"code": "a", "sv": "Amning"},
                    {"code": "s", "sv": "Sömn"},
                    {"code": "p", "sv": "Parrelationen"},
                    {"code": "dk", "sv": "Vet ej", "dont_know": True},
                ],
            },
            {
                "id": "happy",
                "type": "likert",
                "text": {"sv": "Nöjd", "en": "Satisfied"},
                "options": [
                    {"code": str(k), "sv": f"steg {k}", "en": f"step {k}"} for k in range(1, 6)
                ]
                + [{"code": "dk", "sv": "Vet ej", "dont_know": True}],
                "top_box": ["4", "5"],
            },
            {"id": "comments", "type": "text", "text": {"sv": "Kommentar", "en": "Comment"}},
        ],
    }
    cb.update(extra)
    return cb


FORMS_HEADER = [
    "ID",
    "Starttid",
    "Sluttid",
    "E-post",
    "Namn",
    "Förstagångsförälder?",
    "Ämnen",
    "Nöjd",
    "Kommentar",
]
T0 = dt.datetime(2024, 3, 4, 9, 0)


def forms_rows() -> list[list]:
    """Eight respondents. By hand:
    first: yes = 1,2,3,4,5 ; no = 6,7 ; blank = 8
    topics: Amning 1,2,3,6 ; Sömn 1,4,6,7 ; Parrelationen 7 ; only 'Vet ej' 5 ; blank 8
        -> base 6 (1,2,3,4,6,7), Amning 4/6, Sömn 4/6, Parrelationen 1/6, n_dont_know 1, n_blank 1
    happy: 5,4,4,3,'Vet ej',2,5,blank -> base 6, top box (4-5) 4/6, n_dont_know 1, n_blank 1
    """
    answers = [
        ("Ja", "Amning;Sömn;", "steg 5", "Bra"),
        ("Ja", "Amning;", "steg 4", None),
        ("Ja", "Amning;", "steg 4", "<script>alert('x')</script>"),
        ("Ja", "Sömn;", "steg 3", None),
        ("Ja", "Vet ej;", "Vet ej", None),
        ("Nej", "Amning;Sömn;", "steg 2", None),
        ("Nej", "Sömn;Parrelationen;", "steg 5", None),
        (None, None, None, None),
    ]
    return [
        [i, T0, T0 + dt.timedelta(minutes=4), "anonymous", None, *a]
        for i, a in enumerate(answers, 1)
    ]


@pytest.fixture
def forms(tmp_path) -> Path:
    return write_survey(
        tmp_path / "surveys" / "forms", forms_codebook(), FORMS_HEADER, forms_rows()
    )


def row_of(frame: pd.DataFrame, **where) -> pd.Series:
    mask = np.ones(len(frame), dtype=bool)
    for k, v in where.items():
        mask &= (frame[k] == v).to_numpy()
    assert mask.sum() == 1, where
    return frame[mask].iloc[0]


# ------------------------------------------------------------------------------ Wilson


@pytest.mark.parametrize(
    ("x", "n", "low", "high"),
    [
        # Newcombe RG (1998). Two-sided confidence intervals for the single proportion: comparison of
        # seven methods. Stat Med 17:857-872, Table I, method 3 (Wilson score, no continuity correction).
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_matches_newcombe_1998_table_1(x, n, low, high):
    lo, hi = surveys.wilson(x, n)
    assert float(lo) == pytest.approx(low, abs=5e-5)
    assert float(hi) == pytest.approx(high, abs=5e-5)


def test_wilson_is_vectorised_and_blank_for_empty_base():
    lo, hi = surveys.wilson([0, 5, 3], [10, 5, 0])
    assert lo[0] == 0.0 and hi[1] == 1.0
    assert np.isnan(lo[2]) and np.isnan(hi[2])


# ------------------------------------------------------------------------------ Microsoft Forms


def test_forms_export_parses_into_tidy_long_rows(forms):
    s = surveys.load_survey(forms)
    r = s.responses
    assert {"respondent_id", "first", "question_id", "option", "rank"} <= set(r.columns)
    topics = r[r["question_id"] == "topics"]
    # respondent 1 chose two topics: two rows; respondent 8 left it blank: one row, option missing
    assert sorted(topics.loc[topics["respondent_id"] == "1", "option"].astype(str)) == ["a", "s"]
    assert topics.loc[topics["respondent_id"] == "8", "option"].isna().all()
    # personal columns are not read
    assert not any("post" in c or "namn" in c for c in r.columns)
    assert len(s.respondents) == 8


def test_multi_select_shares_and_dont_know_left_out_of_base(forms):
    out = surveys.summarise(surveys.load_survey(forms), questions=["topics"], min_count=1)
    a = row_of(out, option="a")
    assert (a["n"], a["base"]) == (4, 6)  # hand count in forms_rows()
    assert a["share"] == pytest.approx(4 / 6)
    assert a["n_dont_know"] == 1 and a["n_blank"] == 1
    assert row_of(out, option="p")["n"] == 1
    assert "dk" not in set(out["option"])  # counted in n_dont_know, not an option row
    assert a["method"] == "wilson"
    lo, hi = surveys.wilson(4, 6)
    assert a["ci_low"] == pytest.approx(float(lo)) and a["ci_high"] == pytest.approx(float(hi))


def test_dont_know_in_base_when_the_codebook_says_so(tmp_path):
    cb = forms_codebook()
    cb["questions"][1]["dont_know_in_base"] = True
    folder = write_survey(tmp_path / "surveys" / "forms", cb, FORMS_HEADER, forms_rows())
    out = surveys.summarise(surveys.load_survey(folder), questions=["topics"], min_count=1)
    assert row_of(out, option="a")["base"] == 7  # 6 answering + 1 'vet ej'
    assert row_of(out, option="dk")["n"] == 1


def test_likert_order_top_box_and_bottom_box(forms):
    out = surveys.summarise(surveys.load_survey(forms), questions=["happy"], min_count=1)
    assert list(out["option"]) == ["1", "2", "3", "4", "5", "top_box", "bottom_box"]  # scale order
    assert list(out["n"]) == [0, 1, 1, 2, 2, 4, 1]
    top = row_of(out, option="top_box")
    assert (top["n"], top["base"]) == (4, 6)
    assert top["n_dont_know"] == 1 and top["n_blank"] == 1


def test_subgroups_by_first_time_parent(forms):
    out = surveys.summarise(
        surveys.load_survey(forms), questions=["topics"], by=["first"], min_count=1
    )
    yes = row_of(out, option="a", first="yes")
    no = row_of(out, option="a", first="no")
    # yes: 1..5, respondent 5 only 'vet ej' -> base 4, Amning 1,2,3 ; no: 6,7 -> Amning 6
    assert (yes["n"], yes["base"]) == (3, 4)
    assert (no["n"], no["base"]) == (1, 2)
    assert set(out["first"].dropna()) == {"yes", "no"}  # respondent 8 (blank subgroup) left out


def test_breakdown_by_an_unknown_subgroup_is_an_error(forms):
    with pytest.raises(ValueError, match="not a subgroup"):
        surveys.summarise(surveys.load_survey(forms), by=["kommun"])


# ------------------------------------------------------------------------------ suppression


def test_suppression_at_the_threshold(forms):
    s = surveys.load_survey(forms)
    out = surveys.summarise(s, questions=["topics"], by=["first"], min_count=4)
    yes_a = row_of(out, option="a", first="yes")  # n 3 < 4: hidden
    assert yes_a["suppressed"] and pd.isna(yes_a["n"]) and pd.isna(yes_a["share"])
    yes_s = row_of(out, option="s", first="yes")  # n 2 of base 4: hidden
    assert yes_s["suppressed"]
    no_s = row_of(out, option="s", first="no")  # base 2 < 4: share hidden
    assert no_s["suppressed"] and pd.isna(no_s["ci_low"])
    # In all: the one "vet ej" (a count of 1, hidden) would come back as 8 respondents - base 6 -
    # 1 blank. The cheapest cover is the other number of that note: with the blank hidden too,
    # "vet ej" + blank = 2, and "vet ej" is anything from 0 to 2; the base (6) stays.
    total = surveys.summarise(s, questions=["topics"], min_count=4)
    a = row_of(total, option="a")
    assert a["base"] == 6 and pd.isna(a["n_dont_know"]) and pd.isna(a["n_blank"])


def test_table_shows_suppressed_cells_as_two_dots(forms):
    s = surveys.load_survey(forms)
    out = surveys.summarise(s, questions=["topics"], min_count=5)
    tab = survey_tables.summary_table(out, s, lang="en")
    assert (tab["Share"] == "..").all()  # every count is 1..4 or the base is 6 with n <= 4
    assert list(tab["Answer"])[:3] == ["Amning", "Sömn", "Parrelationen"]


# ------------------------------------------------------------------------------ free text


def test_free_text_is_counted_but_not_shown_by_default(forms):
    s = surveys.load_survey(forms)
    ft = surveys.free_text(s, "comments")
    assert ft.n_answered == 2 and ft.answers is None
    # workbook.yml allows it but the codebook does not (show_answers is false by default)
    assert surveys.free_text(s, "comments", show_free_text=True).answers is None
    assert survey_tables.free_text_table(s, "comments", show_free_text=True).empty
    line = survey_tables.free_text_count_text(s, "comments", min_count=1, lang="en")
    assert (
        line == "2 people wrote a free-text answer. Free-text answers are not shown in the report."
    )
    # 2 answers is a count under 5: the line says '..'
    assert survey_tables.free_text_count_text(s, "comments", min_count=5, lang="en").startswith(
        ".. people"
    )


def test_free_text_needs_both_switches_and_is_escaped(tmp_path):
    cb = forms_codebook()
    cb["questions"][3]["show_answers"] = True
    folder = write_survey(tmp_path / "surveys" / "forms", cb, FORMS_HEADER, forms_rows())
    s = surveys.load_survey(folder)
    # the codebook opts in, workbook.yml (show_free_text) does not: nothing shown
    assert surveys.free_text(s, "comments").answers is None
    assert survey_tables.free_text_table(s, "comments", show_free_text=False).empty
    # both allow it: the answers, escaped when shown
    assert surveys.free_text(s, "comments", show_free_text=True).answers == (
        "Bra",
        "<script>alert('x')</script>",
    )
    from analysis import report

    table_html = report.table_html(
        survey_tables.free_text_table(s, "comments", show_free_text=True)
    )
    assert (
        "<script>" not in table_html
        and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in table_html
    )


# ------------------------------------------------------------------------------ Google Forms


def test_google_forms_csv_with_comma_inside_an_option(tmp_path):
    cb = {
        "survey": "g",
        "export": {"file": "svar.csv", "tool": "google_forms"},
        "waves": [{"code": "sep", "value": "September"}, {"code": "dec", "value": "December"}],
        "questions": [
            {
                "id": "fun",
                "type": "multi",
                "text": {"sv": "Fritid"},
                "options": [
                    {"code": "sport", "sv": "Idrott"},
                    {"code": "crafts", "sv": "Ritar, målar"},
                    {"code": "games", "sv": "Spel"},
                ],
            },
            {
                "id": "sleep",
                "type": "likert",
                "text": {"sv": "Sömn"},
                "options": [{"code": str(k), "value": str(k), "sv": f"{k}"} for k in range(1, 6)],
            },
        ],
    }
    cb["export"]["wave_column"] = "Våg"
    rows = [
        ["September", "Idrott, Ritar, målar", "5"],
        ["September", "Ritar, målar, Spel", "4"],
        ["December", "Spel", "1"],
        ["December", "", "5"],
    ]
    folder = write_survey(
        tmp_path / "surveys" / "g", cb, ["Våg", "Fritid", "Sömn"], rows, delimiter=","
    )
    s = surveys.load_survey(folder)
    out = surveys.summarise(s, by="wave", min_count=1)
    crafts = row_of(out, question_id="fun", option="crafts", wave="sep")
    assert (crafts["n"], crafts["base"]) == (2, 2)
    games_dec = row_of(out, question_id="fun", option="games", wave="dec")
    assert (games_dec["n"], games_dec["base"], games_dec["n_blank"]) == (1, 1, 1)
    top = row_of(out, question_id="sleep", option="top_box", wave="sep")
    assert (top["n"], top["base"]) == (2, 2)
    assert list(out["wave"].cat.categories) == ["sep", "dec"]


# ------------------------------------------------------------------------------ 0/1 columns, census


def census_codebook() -> dict:
    return {
        "survey": "centres",
        "design": "census",
        "population": 6,
        "export": {
            "file": "export.csv",
            "tool": "columns",
            "respondent_id": "Id",
            "drop": ["Namn"],
        },
        "questions": [
            {
                "id": "groups_offered",
                "type": "multi",
                "text": {"sv": "Grupper"},
                "options": [
                    {"code": "before", "sv": "Före", "column": "Q1_1"},
                    {"code": "after", "sv": "Efter", "column": "Q1_2"},
                    {"code": "none", "sv": "Inga", "column": "Q1_3", "exclusive": True},
                ],
            },
            {
                "id": "need",
                "type": "likert",
                "text": {"sv": "Behov"},
                "column": "Q2",
                "options": [
                    *({"code": str(k), "value": str(k), "sv": f"{k}"} for k in range(1, 6)),
                    {"code": "9", "value": "9", "sv": "Vet ej", "dont_know": True},
                ],
            },
        ],
    }


CENSUS_ROWS = [  # before/after/none: both x3, before only x1, none x2 -> any 4/6, all 3/6
    [1, "A", 1, 1, 0, 5],
    [2, "B", 1, 1, 0, 4],
    [3, "C", 1, 1, 0, 9],
    [4, "D", 1, 0, 0, 3],
    [5, "E", 0, 0, 1, 2],
    [6, "F", 0, 0, 1, 5],
]


@pytest.fixture
def census(tmp_path) -> Path:
    return write_survey(
        tmp_path / "surveys" / "centres",
        census_codebook(),
        ["Id", "Namn", "Q1_1", "Q1_2", "Q1_3", "Q2"],
        CENSUS_ROWS,
    )


def test_zero_one_columns_and_the_census_case(census):
    s = surveys.load_survey(census)
    out = surveys.summarise(s, min_count=1)
    before = row_of(out, question_id="groups_offered", option="before")
    assert (before["n"], before["base"]) == (4, 6)
    assert before["method"] == "census (x av N)"
    assert np.isnan(before["ci_low"]) and np.isnan(before["ci_high"])
    need = row_of(out, question_id="need", option="top_box")
    assert (need["n"], need["base"], need["n_dont_know"]) == (3, 5, 1)  # 5,4,5 of 5 (9 = vet ej)
    tab = survey_tables.summary_table(out[out["question_id"] == "groups_offered"], s, lang="sv")
    assert tab.iloc[0]["Antal av alla"] == "4 av 6"


def test_census_with_non_response_shows_the_bounds_it_allows(tmp_path):
    # population 8 in the codebook, the 6 centres of CENSUS_ROWS answered: 2 did not.
    # groups_offered/before: 4 of the 6 answering; among all 8 between 4 (neither silent centre
    # offers it) and 4 + 2 = 6 (both do): bounds 4/8 = 0.5 and 6/8 = 0.75.
    # need/top_box: 3 of 5 (one "vet ej"): unknown 8 - 5 = 3 -> 3/8 to 6/8.
    folder = write_survey(
        tmp_path / "surveys" / "centres",
        {**census_codebook(), "population": 8},
        ["Id", "Namn", "Q1_1", "Q1_2", "Q1_3", "Q2"],
        CENSUS_ROWS,
    )
    s = surveys.load_survey(folder)
    out = surveys.summarise(s, min_count=1)
    before = row_of(out, question_id="groups_offered", option="before")
    assert (before["n"], before["base"], before["population"]) == (4, 6, 8)
    assert (before["bound_low"], before["bound_high"]) == (0.5, 0.75)
    need = row_of(out, question_id="need", option="top_box")
    assert (need["bound_low"], need["bound_high"]) == (3 / 8, 6 / 8)
    tab = survey_tables.summary_table(out[out["question_id"] == "groups_offered"], s, lang="sv")
    assert tab.iloc[0]["Antal av alla"] == "4 av 6 svarande (4–6 av 8)"
    en = survey_tables.summary_table(out[out["question_id"] == "groups_offered"], s, lang="en")
    assert en.iloc[0]["Number of all"] == "4 of 6 answering (4–6 of 8)"
    note = survey_tables.overview_texts(s, 5, lang="sv")[1]
    assert "totalundersökning av 8 enheter, men bara 6 av dem svarade" in note
    res = surveys.resolve_source("survey:centres:groups_offered:any", tmp_path)
    assert (res["x"], res["n"], res["population"]) == (4, 6, 8)
    assert (res["bound_low"], res["bound_high"]) == (4 / 8, 6 / 8)


def test_census_bounds_are_hidden_with_a_small_count(tmp_path):
    # "after" is chosen by 3 (1-4: suppressed at min_count 5); its bounds 3/8 and 5/8 would give
    # the count back, so they are hidden too
    folder = write_survey(
        tmp_path / "surveys" / "centres",
        {**census_codebook(), "population": 8},
        ["Id", "Namn", "Q1_1", "Q1_2", "Q1_3", "Q2"],
        CENSUS_ROWS,
    )
    out = surveys.summarise(surveys.load_survey(folder), min_count=5)
    after = row_of(out, question_id="groups_offered", option="after")
    assert after["suppressed"] and np.isnan(after["bound_low"]) and np.isnan(after["bound_high"])


def test_a_census_with_more_respondents_than_its_population_is_an_error(tmp_path):
    folder = write_survey(
        tmp_path / "surveys" / "centres",
        {**census_codebook(), "population": 5},
        ["Id", "Namn", "Q1_1", "Q1_2", "Q1_3", "Q2"],
        CENSUS_ROWS,
    )
    problems = surveys.check_survey(folder)
    assert any("population: 5, but the export has 6 respondents" in str(p) for p in problems)
    assert any(p.file.endswith("codebook.yml") and p.column == "population" for p in problems)
    with pytest.raises(DataError, match="population"):
        surveys.load_survey(folder)


def test_census_may_not_be_broken_down(census):
    with pytest.raises(ValueError, match="census"):
        surveys.summarise(surveys.load_survey(census), by=["Namn"])


def test_share_of_any_and_all_for_goals(census, tmp_path):
    s = surveys.load_survey(census)
    assert surveys.share_of(s, "groups_offered", "any") == (4, 6)
    assert surveys.share_of(s, "groups_offered", "all") == (3, 6)
    assert surveys.share_of(s, "groups_offered", "before") == (4, 6)
    assert surveys.share_of(s, "need", "top_box") == (3, 5)
    res = surveys.resolve_source("survey:centres:groups_offered:any", tmp_path)
    assert (res["x"], res["n"], res["method"]) == (4, 6, "census (x av N)")
    with pytest.raises(KeyError, match="no option"):
        surveys.share_of(s, "groups_offered", "sometimes")


# ------------------------------------------------------------------------------ ranking and numbers


def test_ranking_first_places_and_mean_rank(tmp_path):
    cb = {
        "survey": "r",
        "export": {"file": "e.xlsx", "tool": "microsoft_forms"},
        "questions": [
            {
                "id": "rank",
                "type": "ranking",
                "text": {"sv": "Rangordna"},
                "options": [
                    {"code": "a", "sv": "A"},
                    {"code": "b", "sv": "B"},
                    {"code": "c", "sv": "C"},
                ],
            },
            {"id": "kids", "type": "number", "text": {"sv": "Barn"}},
        ],
    }
    rows = [["A;B;C;", 1], ["B;A;C;", 2], ["A;C;B;", "3"], [None, None]]
    s = surveys.load_survey(
        write_survey(tmp_path / "surveys" / "r", cb, ["Rangordna", "Barn"], rows)
    )
    out = surveys.summarise(s, min_count=1)
    a = row_of(out, option="a")
    assert (a["n"], a["base"]) == (2, 3) and a["mean_rank"] == pytest.approx((1 + 2 + 1) / 3)
    assert row_of(out, option="c")["mean_rank"] == pytest.approx((3 + 3 + 2) / 3)
    nums = surveys.summarise_numbers(s, min_count=1)
    assert nums.iloc[0]["n"] == 3 and nums.iloc[0]["mean"] == pytest.approx(2.0)
    assert nums.iloc[0]["median"] == pytest.approx(2.0)


# ------------------------------------------------------------------------------ bad input


def messages(folder: Path) -> list[str]:
    return [str(p) for p in surveys.check_survey(folder)]


def test_option_not_in_codebook_names_file_row_and_column(tmp_path):
    rows = forms_rows()
    rows[2][6] = "Amning;Tandhälsa;"  # respondent 3 = Excel row 4
    found = messages(
        write_survey(tmp_path / "surveys" / "forms", forms_codebook(), FORMS_HEADER, rows)
    )
    assert len(found) == 1
    assert "surveys/forms/export.xlsx row 4" in found[0] and "ämnen" in found[0].lower()
    assert (
        "1 of the answers in the cell are not among the codebook's options of question 'topics'"
        in found[0]
    )
    assert "Tandhälsa" not in found[0]  # the respondent's answer is never quoted


SENSITIVE = "KÄNSLIGT: Jag heter Anna Andersson och min sambo slår mig"


def test_problems_never_quote_what_a_respondent_wrote(tmp_path):
    # A typed "Other" answer that ended up in a single-choice column (and in a Likert one): the
    # problem names file, row, column and what is wrong, never the text.
    rows = forms_rows()
    rows[1][5] = SENSITIVE  # 'Förstagångsförälder?', Excel row 3
    rows[3][7] = SENSITIVE  # 'Nöjd' (Likert), Excel row 5
    folder = write_survey(tmp_path / "surveys" / "forms", forms_codebook(), FORMS_HEADER, rows)
    found = messages(folder)
    assert found == [
        "surveys/forms/export.xlsx row 3, column 'förstagångsförälder?': not one of the codebook's options of "
        "question 'first' (options: Ja; Nej)",
        "surveys/forms/export.xlsx row 5, column 'nöjd': not one of the codebook's options of question 'happy' "
        "(options: steg 1; steg 2; steg 3; steg 4; steg 5; Vet ej)",
    ]
    with pytest.raises(DataError) as caught:
        surveys.load_survey(folder)
    assert "KÄNSLIGT" not in str(caught.value) and "sambo" not in str(caught.value)


def test_likert_code_out_of_range(census, tmp_path):
    rows = [r.copy() for r in CENSUS_ROWS]
    rows[1][5] = 7  # Excel row 3
    folder = write_survey(
        tmp_path / "bad" / "surveys" / "centres",
        census_codebook(),
        ["Id", "Namn", "Q1_1", "Q1_2", "Q1_3", "Q2"],
        rows,
    )
    found = messages(folder)
    assert len(found) == 1
    assert (
        "row 3" in found[0]
        and "'q2'" in found[0].lower()
        and "a number outside the scale 1–5" in found[0]
    )


def test_question_missing_from_export(tmp_path):
    header = [h if h != "Nöjd" else "Nöjdhet" for h in FORMS_HEADER]
    found = messages(
        write_survey(tmp_path / "surveys" / "forms", forms_codebook(), header, forms_rows())
    )
    assert len(found) == 1
    assert "question 'happy' is missing from the export" in found[0]
    assert "nearest column: 'nöjdhet'" in found[0]


def test_respondent_twice(tmp_path):
    rows = forms_rows()
    rows[5][0] = 2  # Excel row 7 repeats respondent 2 (row 3)
    found = messages(
        write_survey(tmp_path / "surveys" / "forms", forms_codebook(), FORMS_HEADER, rows)
    )
    assert len(found) == 1
    assert (
        "row 7" in found[0]
        and "the same respondent id as row 3: a respondent answers twice" in found[0]
    )


def test_unknown_wave_label(tmp_path):
    cb = {
        "survey": "w",
        "export": {"file": "w.csv", "tool": "google_forms", "wave_column": "Våg"},
        "waves": [{"code": "sep", "value": "September"}],
        "questions": [
            {
                "id": "q",
                "type": "single",
                "text": {"sv": "Fråga"},
                "options": [{"code": "y", "sv": "Ja"}],
            }
        ],
    }
    folder = write_survey(
        tmp_path / "surveys" / "w", cb, ["Våg", "Fråga"], [["September", "Ja"], ["Oktober", "Ja"]]
    )
    found = messages(folder)
    assert (
        len(found) == 1
        and "row 3" in found[0]
        and "the wave is not one of the codebook's waves" in found[0]
    )
    assert "Oktober" not in found[0]
    with pytest.raises(DataError, match="row 3"):
        surveys.load_survey(folder)


def test_codebook_problems_are_named(tmp_path):
    cb = forms_codebook()
    cb["questions"][0]["type"] = "singel"
    cb["questions"][0]["options"][0]["code"] = True  # 'yes' unquoted in YAML
    cb["questions"][1]["top_box"] = ["x"]
    found = messages(write_survey(tmp_path / "surveys" / "forms", cb, FORMS_HEADER, forms_rows()))
    text = "\n".join(found)
    assert "type must be one of" in text and "read as yes/no" in text
    with pytest.raises(DataError):
        surveys.load_codebook(tmp_path / "surveys" / "forms")


# ------------------------------------------------------------------------------ the sample data


@pytest.mark.parametrize("survey_id", ["parents", "coordinators", "pupils"])
def test_sample_surveys_are_clean(survey_id):
    assert surveys.check_survey(SAMPLE / "surveys" / survey_id) == []


def test_sample_generator_reproduces_the_committed_files(tmp_path):
    from analysis.sample.surveys import write_surveys

    for path in write_surveys(tmp_path):
        committed = SAMPLE / path.relative_to(tmp_path)
        assert path.read_bytes() == committed.read_bytes(), (
            f"{committed} differs: run the generator"
        )


def test_sample_matches_the_programme_brief():
    parents = surveys.load_survey(SAMPLE / "surveys" / "parents")
    pupils = surveys.load_survey(SAMPLE / "surveys" / "pupils")
    coordinators = surveys.load_survey(SAMPLE / "surveys" / "coordinators")
    # the coordinator census: 21 centres, 18 answered (analysis.sample.surveys: the first centre
    # offering both groups, the first offering only the one before the birth and the first
    # offering none stay silent)
    assert len(parents.respondents) == 205 and len(coordinators.respondents) == 18
    assert coordinators.codebook.population == 21
    per_wave = surveys.respondents(pupils, by="wave", min_count=None)
    assert dict(zip(per_wave["wave"], per_wave["n"], strict=True)) == {"sep": 1500, "dec": 1100}
    # 18 of 21 offer a group; the silent both + before centres leave 16 of the 18 answering
    assert surveys.share_of(coordinators, "groups_offered", "any") == (16, 18)
    waves = surveys.summarise(pupils, questions=["moves_more"], by=["wave"])
    assert set(waves.loc[waves["option"] == "top_box", "wave"]) == {"sep", "dec"}


def test_the_documented_example_codebook_loads(tmp_path):
    import re

    doc = (SAMPLE.parent.parent / "docs" / "surveys.md").read_text(encoding="utf-8")
    block = re.search(r"## A minimal codebook\n\n```yaml\n(.*?)```", doc, re.S).group(1)
    folder = tmp_path / "surveys" / "parents"
    folder.mkdir(parents=True)
    (folder / "codebook.yml").write_text(block, encoding="utf-8")
    cb = surveys.load_codebook(folder)
    assert [q.id for q in cb.questions] == ["first_time", "topics_before"]
    assert cb.question("first_time").option("yes").label("en") == "Yes"


def test_secondary_suppression_no_hidden_count_by_subtraction(forms, tmp_path):
    # 'first': yes 5, no 2 of base 7 (and 1 blank, always shown). With min_count 3, 'no' is
    # hidden, and 7 - 5 would give it back: 'yes' must be hidden too (so must the base, which with
    # the blank and the 8 respondents would give 'no' back as 8 - 1 - 5).
    out = surveys.summarise(surveys.load_survey(forms), questions=["first"], min_count=3)
    assert out["suppressed"].all()
    # Likert 1..5 answered 5, 5, 5, 2, 6 times (base 23), min_count 5: step 4 is hidden and would
    # come back as 23 - 5 - 5 - 5 - 6 (or as top box 8 - step 5 = 6). Hiding step 5 as well leaves
    # 4 + 5 = 8, which is also the top box: step 4 runs 0..8, and both boxes may stay.
    cb = {
        "survey": "l",
        "export": {"file": "l.csv", "tool": "google_forms"},
        "questions": [
            {
                "id": "q",
                "type": "likert",
                "text": {"sv": "Q"},
                "options": [{"code": str(k), "value": str(k), "sv": str(k)} for k in range(1, 6)],
            }
        ],
    }
    rows = [
        [str(k)]
        for k, times in zip(range(1, 6), (5, 5, 5, 2, 6), strict=True)
        for _ in range(times)
    ]
    s = surveys.load_survey(
        write_survey(tmp_path / "surveys" / "l", cb, ["Q"], rows, delimiter=",")
    )
    out = surveys.summarise(s, min_count=5).set_index("option")
    assert set(out.index[out["suppressed"]]) == {"4", "5"}
    assert list(out.loc[["1", "2", "3", "top_box", "bottom_box"], "n"]) == [5, 5, 5, 8, 10]


# ------------------------------------------------------------------------------ differencing (issue 13)


def recovered(
    overall: pd.DataFrame,
    by_group: pd.DataFrame,
    group: str,
    min_count: int = 5,
    skipped: int | None = None,
) -> list[tuple]:
    """Hidden group counts a reader gets back by subtraction, the way issue 13 describes it.

    Per question and option: the overall count minus the shown groups leaves the hidden group
    plus those who skipped the subgroup question. Their share is worked out the same way: their
    base is the overall base minus the groups' bases, and every option where all groups are
    shown gives their count there; what is left of their base bounds them elsewhere.
    ``skipped``: how many skipped the subgroup question, when the report says so (then a hidden
    group's base comes back as overall base - shown bases - skipped). Uses no linear programming.
    """
    out = []
    for q, rows in by_group.groupby("question_id", sort=False):
        total = overall[
            (overall["question_id"] == q) & ~overall["option"].isin(["top_box", "bottom_box"])
        ]
        rows = rows[~rows["option"].isin(["top_box", "bottom_box"])]
        if total.empty or total["base"].isna().any():
            continue
        base_all = int(total["base"].iloc[0])
        bases = rows.drop_duplicates(group).set_index(group)["base"]
        missing_base = base_all - int(bases.sum()) if not bases.isna().any() else None
        hidden_bases = list(bases.index[bases.isna()])
        if len(hidden_bases) == 1 and skipped is not None:
            value = base_all - int(bases.dropna().sum()) - skipped
            if 1 <= value < min_count:
                out.append((q, "_base", hidden_bases[0], value))
        exact, columns = 0, {}
        for option, part in rows.groupby("option", sort=False):
            n_all = total.loc[total["option"] == option, "n"]
            if n_all.empty or n_all.isna().any():
                continue
            shown = part["n"].dropna()
            hidden = list(part.loc[part["n"].isna(), group])
            rest = int(n_all.iloc[0]) - int(shown.sum())
            if not hidden:
                exact += rest  # the skippers' count for this option
            columns[option] = (rest, hidden)
        left = None if missing_base is None else missing_base - exact
        for option, (rest, hidden) in columns.items():
            if len(hidden) != 1:
                continue
            low = rest - (left if left is not None else rest)
            if max(low, 0) == rest and 1 <= rest < min_count:
                out.append((q, option, hidden[0], rest))
    return out


def klass_survey(folder: Path) -> Path:
    """The issue's crafted survey. By hand: class A (30): no 15, once 5, several 10; class B (12):
    no 6, once 0, several 6; class C (2): several 2. All 44: no 21, once 5, several 18."""
    cb = {
        "survey": "klass",
        "export": {"file": "svar.csv", "tool": "google_forms"},
        "subgroups": ["klass"],
        "questions": [
            {
                "id": "klass",
                "type": "single",
                "text": {"sv": "Klass"},
                "options": [{"code": c, "sv": c.upper()} for c in "abc"],
            },
            {
                "id": "hit",
                "type": "single",
                "text": {"sv": "Har någon vuxen hemma slagit dig?"},
                "options": [
                    {"code": "no", "sv": "Nej"},
                    {"code": "once", "sv": "Ja, en gång"},
                    {"code": "several", "sv": "Ja, flera gånger"},
                ],
            },
        ],
    }
    rows = (
        [["A", "Nej"]] * 15
        + [["A", "Ja, en gång"]] * 5
        + [["A", "Ja, flera gånger"]] * 10
        + [["B", "Nej"]] * 6
        + [["B", "Ja, flera gånger"]] * 6
        + [["C", "Ja, flera gånger"]] * 2
    )
    return write_survey(
        folder / "surveys" / "klass",
        cb,
        ["Klass", "Har någon vuxen hemma slagit dig?"],
        rows,
        delimiter=",",
    )


def test_hidden_class_is_not_given_away_by_the_other_classes(tmp_path):
    # Before: 18 - 10 (33 % of 30) - 6 (50 % of 12) = 2: both pupils of class C were hit several
    # times; and C's size 44 - 30 - 12 = 2. Now enough else is hidden that neither comes back.
    s = surveys.load_survey(klass_survey(tmp_path))
    overall = surveys.summarise(s, min_count=5)
    by_class = surveys.summarise(s, by="klass", min_count=5)
    assert recovered(overall, by_class, "klass", skipped=0) == []
    # the overall table stays whole ("keep the overall totals where that is safe")
    assert not overall.loc[overall["question_id"] == "hit", "suppressed"].any()


def test_no_hidden_subgroup_count_of_the_sample_comes_back_by_subtraction():
    # Issue 13: "Stämmer inte alls" to knows_support is 8 in all; first-time parents 6 % of 111
    # (7); so "Nej" was 8 - 7 = 1 (the 3 who skipped first_time are worked out to 0 there).
    parents = surveys.load_survey(SAMPLE / "surveys" / "parents")
    questions = surveys.question_ids(parents, subgroups=False)
    overall = surveys.summarise(parents, questions=questions, min_count=5)
    found = []
    for group in parents.codebook.subgroups:
        found += recovered(
            overall, surveys.summarise(parents, questions=questions, by=group, min_count=5), group
        )
    assert found == []


def test_missing_or_empty_export_is_named(tmp_path):
    folder = tmp_path / "surveys" / "forms"
    folder.mkdir(parents=True)
    (folder / "codebook.yml").write_text(yaml.safe_dump(forms_codebook()), encoding="utf-8")
    assert "surveys/forms/export.xlsx: the export file is missing" in messages(folder)[0]
    cb = forms_codebook()
    cb["export"]["file"] = "export.csv"
    (folder / "codebook.yml").write_text(yaml.safe_dump(cb), encoding="utf-8")
    (folder / "export.csv").write_bytes(b"")
    assert "empty" in messages(folder)[0]


# ------------------------------------------------------------------------------ charts (smoke)


def test_charts_in_english_and_hidden_bars(forms):
    import matplotlib.pyplot as plt

    from analysis import plots

    s = surveys.load_survey(forms)
    summary = surveys.summarise(s, min_count=1)
    fig = plots.survey_bars(summary, s, "topics", lang="en")
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == "Topics" and ax.get_xlabel().startswith(
        "Share of respondents (n = 6"
    )
    # ranked: Amning and Sömn (4 of 6) before Parrelationen (1 of 6)
    assert [tick.get_text() for tick in ax.get_yticklabels()][-1] == "Parrelationen"
    plt.close(fig)
    hidden = surveys.summarise(s, by="first", min_count=5)
    fig = plots.survey_likert(hidden, s, "happy", by="first", lang="en")
    texts = [tx.get_text() for tx in fig.axes[0].texts]
    assert texts.count("..") == 2  # both groups have cells of 1-4: not drawn
    plt.close(fig)
    fig = plots.survey_grouped_bars(
        surveys.summarise(s, by="first", min_count=1), s, "topics", "first", lang="en"
    )
    assert fig.axes[0].get_legend().get_title().get_text() == "First-time parent?"
    plt.close(fig)


def test_the_cell_model_fits_every_question_type(forms, tmp_path):
    # The counts of a survey satisfy every equation of its cell model (analysis.surveys.cells), or
    # no suppression pattern could be trusted: a ranking question where one respondent put
    # "vet ej" first (counted as answering, in no option's first places), multi-select, Likert,
    # free text, a subgroup with a blank.
    from analysis.surveys.cells import SurveyModel

    cb = {
        "survey": "r",
        "export": {"file": "r.xlsx", "tool": "microsoft_forms"},
        "questions": [
            {
                "id": "rank",
                "type": "ranking",
                "text": {"sv": "Rangordna"},
                "options": [
                    {"code": "a", "sv": "A"},
                    {"code": "b", "sv": "B"},
                    {"code": "dk", "sv": "Vet ej", "dont_know": True},
                ],
            }
        ],
    }
    rows = [["Vet ej;A;B;"], ["A;B;"], ["B;A;"], ["A;"], [None]]
    ranked = surveys.load_survey(write_survey(tmp_path / "surveys" / "r", cb, ["Rangordna"], rows))
    for survey in (ranked, surveys.load_survey(forms)):
        model = SurveyModel(survey.codebook)
        assert model.system.violated(model.true_atoms(survey)) == 0
    out = surveys.summarise(ranked, min_count=1).set_index("option")
    assert (out.loc["a", "n"], out.loc["b", "n"], out.loc["a", "base"]) == (
        2,
        1,
        4,
    )  # 1 put "vet ej" first


def test_a_billion_laughs_codebook_is_a_named_problem_not_a_memory_error(tmp_path):
    """Issue 19: a codebook whose aliases expand exponentially ended in a bare MemoryError."""
    folder = tmp_path / "surveys" / "forms"
    folder.mkdir(parents=True)
    levels = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [
        f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]"
        for p, n in zip("abcdefgh", "bcdefghi", strict=True)
    ]
    (folder / "codebook.yml").write_text(
        "survey: forms\n" + "\n".join(levels) + "\nquestions: *i\n", encoding="utf-8"
    )
    found = messages(folder)
    assert len(found) == 1 and found[0].startswith("surveys/forms/codebook.yml row 3")
    assert "alias" in found[0]
    with pytest.raises(DataError, match="codebook.yml"):
        surveys.load_codebook(folder)


@pytest.mark.parametrize(
    "name", ["/etc/passwd", "../../other/survey.xlsx", "..\\\\x.csv", "link.csv"]
)
def test_the_export_must_live_in_the_survey_folder(tmp_path, name):
    """Issue 19: export.file could point anywhere (a system file, another folder) and such files
    were never in the input hash. A symbolic link leading out counts as outside too."""
    outside = tmp_path / "elsewhere.csv"
    outside.write_text("a;b\n1;2\n", encoding="utf-8")
    folder = write_survey(
        tmp_path / "surveys" / "forms", forms_codebook(), FORMS_HEADER, forms_rows()
    )
    (folder / "link.csv").symlink_to(outside)
    cb = forms_codebook()
    cb["export"]["file"] = name
    (folder / "codebook.yml").write_text(yaml.safe_dump(cb), encoding="utf-8")
    found = messages(folder)
    assert (
        len(found) == 1
        and "column 'export.file'" in found[0]
        and "outside the survey's folder" in found[0]
    )
    with pytest.raises(DataError, match="outside"):
        surveys.load_survey(folder)


def test_an_export_in_a_subfolder_of_the_survey_is_fine(tmp_path):
    folder = write_survey(
        tmp_path / "surveys" / "forms", forms_codebook(), FORMS_HEADER, forms_rows()
    )
    (folder / "exports").mkdir()
    cb = forms_codebook()
    (folder / cb["export"]["file"]).rename(folder / "exports" / cb["export"]["file"])
    cb["export"]["file"] = f"exports/{cb['export']['file']}"
    (folder / "codebook.yml").write_text(yaml.safe_dump(cb), encoding="utf-8")
    assert messages(folder) == []
