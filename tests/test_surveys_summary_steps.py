"""The steps of surveys.summarise on a hand-made survey of four respondents (counted by hand)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.surveys import Codebook, Option, Question, Survey, summary


def opt(code: str, **kw) -> Option:
    return Option(code, code, {"sv": code, "en": code}, **kw)


def tiny() -> Survey:
    """Four parents; a single question with "vet ej" and a multi-select question, by gender.

    r1 (girl): single a; multi x and y      r2 (girl): single vet ej; multi blank
    r3 (boy):  single b; multi y            r4 (gender blank): single a; multi x
    """
    single = Question(
        "q1",
        "single",
        {"sv": "Q1", "en": "Q1"},
        "Q1",
        (opt("a"), opt("b"), opt("dk", dont_know=True)),
    )
    multi = Question(
        "q2", "multi", {"sv": "Q2", "en": "Q2"}, "Q2", (opt("x"), opt("y")), separator=";"
    )
    gender = Question(
        "gender", "single", {"sv": "Kön", "en": "Gender"}, "Kön", (opt("girl"), opt("boy"))
    )
    codebook = Codebook(
        "tiny",
        {"sv": "t", "en": "t"},
        "sample",
        None,
        "x.csv",
        "google_forms",
        None,
        (),
        None,
        (),
        ("gender",),
        (gender, single, multi),
    )
    rows = [
        ("r1", "girl", "q1", "a"),
        ("r1", "girl", "q2", "x"),
        ("r1", "girl", "q2", "y"),
        ("r2", "girl", "q1", "dk"),
        ("r2", "girl", "q2", None),
        ("r3", "boy", "q1", "b"),
        ("r3", "boy", "q2", "y"),
        ("r4", None, "q1", "a"),
        ("r4", None, "q2", "x"),
    ]
    responses = pd.DataFrame(rows, columns=["respondent_id", "gender", "question_id", "option"])
    responses["gender"] = pd.Categorical(responses["gender"], categories=["girl", "boy"])
    return Survey(codebook, responses)


def test_code_and_tally_count_each_respondent_once_per_question_by_status():
    s = tiny()
    qs = summary._choice_questions(s.codebook, ["q1", "q2"])
    coded = summary._code_answers(s.responses, qs, ["gender"])
    tally = summary._tally(s.responses, coded)
    # cells: 0 = gender blank, 1 = girl, 2 = boy; status: answered, only "vet ej", blank
    q1, q2 = coded.qpos["q1"], coded.qpos["q2"]
    assert tally.status[q1, :3].tolist() == [[1, 0, 0], [1, 1, 0], [1, 0, 0]]
    assert tally.status[q2, :3].tolist() == [[1, 0, 0], [1, 0, 1], [1, 0, 0]]  # r1 once, not twice
    assert tally.counts[q2, 1, :2].tolist() == [1, 1]  # girls: x by r1, y by r1
    assert summary._groups_present(tally, coded, ["gender"], dropna=True).tolist() == [1, 2]
    assert summary._groups_present(tally, coded, ["gender"], dropna=False).tolist() == [0, 1, 2]


def test_summary_of_the_tiny_survey_by_hand():
    out = summary.summarise(tiny(), ["q1", "q2"], by="gender", min_count=None)
    girls = out[out["gender"] == "girl"].set_index(["question_id", "option"])
    # q1, girls: r1 a, r2 only "vet ej" -> base 1 (vet ej is left out), a 1 of 1
    assert girls.loc[("q1", "a"), ["n", "base", "n_dont_know"]].tolist() == [1, 1, 1]
    # q2, girls: r1 chose x and y, r2 left it blank -> base 1, x 1 of 1, y 1 of 1
    assert girls.loc[("q2", "y"), ["n", "base", "n_blank"]].tolist() == [1, 1, 1]
    assert girls.loc[("q2", "y"), "share"] == 1.0
    # Wilson 95 % for 1 of 1: (1 / (1 + z²), 1) = (0.2065, 1) (Newcombe 1998, method 3)
    z = 1.959964
    assert np.isclose(girls.loc[("q2", "y"), "ci_low"], 1 / (1 + z * z), atol=1e-6)
    assert set(out["gender"].astype(str)) == {"girl", "boy"}  # the blank gender is left out
