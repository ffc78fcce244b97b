"""Benchmark: summarise 50 questions x 100,000 respondents with two subgroup variables.

The scale of a county-wide youth health survey. 40 Likert items (1-5 plus "vet ej") and
10 multi-select questions (8 options, about 2.4 chosen each) give a tidy long table of about
6.4 million rows; the subgroups are municipality (13) and gender (3). Counting without
suppression, the suppression over the whole publication (once per survey), and a suppressed
summary from the cached publication are timed separately; ``benchmarks/privacy.py`` times the
suppression and the audit on the sample surveys.

    .venv/bin/python benchmarks/surveys.py [respondents]
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from analysis import surveys
from analysis.surveys import Codebook, Option, Question, Survey


def build(respondents: int = 100_000, likert: int = 40, multi: int = 10, seed: int = 1) -> Survey:
    rng = np.random.default_rng(seed)
    scale = tuple(Option(str(k), str(k), {"sv": str(k), "en": str(k)}) for k in range(1, 6))
    dk = Option("dk", "Vet ej", {"sv": "Vet ej", "en": "Don't know"}, dont_know=True)
    topics = tuple(Option(f"t{k}", f"T{k}", {"sv": f"T{k}", "en": f"T{k}"}) for k in range(8))
    municipalities = tuple(
        Option(f"{k:04d}", f"M{k}", {"sv": f"M{k}", "en": f"M{k}"}) for k in range(13)
    )
    genders = tuple(Option(g, g, {"sv": g, "en": g}) for g in ("girl", "boy", "other"))
    questions = [
        Question(
            "municipality",
            "single",
            {"sv": "Kommun", "en": "Municipality"},
            "Kommun",
            municipalities,
        ),
        Question("gender", "single", {"sv": "Kön", "en": "Gender"}, "Kön", genders),
    ]
    questions += [
        Question(
            f"l{k}",
            "likert",
            {"sv": f"L{k}", "en": f"L{k}"},
            f"L{k}",
            (*scale, dk),
            top_box=("4", "5"),
            neutral="3",
            ordered=True,
        )
        for k in range(likert)
    ]
    questions += [
        Question(f"m{k}", "multi", {"sv": f"M{k}", "en": f"M{k}"}, f"M{k}", topics, separator=";")
        for k in range(multi)
    ]
    codebook = Codebook(
        "bench",
        {"sv": "bench", "en": "bench"},
        "sample",
        None,
        "x.csv",
        "google_forms",
        None,
        (),
        None,
        (),
        ("municipality", "gender"),
        tuple(questions),
    )
    mun = rng.integers(0, 13, respondents)
    gen = rng.choice(3, respondents, p=[0.48, 0.48, 0.04])
    parts_q, parts_r, parts_o = [], [], []
    all_codes = [o.code for o in (*municipalities, *genders, *scale, dk, *topics)]
    code_index = {c: i for i, c in enumerate(all_codes)}
    rid = np.arange(respondents)
    parts_q += [np.zeros(respondents, dtype=np.int32), np.ones(respondents, dtype=np.int32)]
    parts_r += [rid, rid]
    parts_o += [mun + code_index["0000"], gen + code_index["girl"]]
    likert_codes = np.array([code_index[c] for c in ("1", "2", "3", "4", "5", "dk")])
    for k in range(likert):
        parts_q.append(np.full(respondents, 2 + k, dtype=np.int32))
        parts_r.append(rid)
        parts_o.append(
            likert_codes[rng.choice(6, respondents, p=[0.05, 0.1, 0.25, 0.35, 0.2, 0.05])]
        )
    for k in range(multi):
        chosen = rng.random((respondents, 8)) < 0.3
        r, o = np.nonzero(chosen)
        none = np.flatnonzero(~chosen.any(axis=1))  # chose nothing: one row without an option, as
        r = np.concatenate([r, none])  # load_survey gives a blank answer
        o = np.concatenate([o + code_index["t0"], np.full(len(none), -1)])
        parts_q.append(np.full(len(r), 2 + likert + k, dtype=np.int32))
        parts_r.append(r)
        parts_o.append(o)
    q = np.concatenate(parts_q)
    r = np.concatenate(parts_r)
    o = np.concatenate(parts_o)
    qids = [x.id for x in questions]
    responses = pd.DataFrame(
        {
            "respondent_id": pd.Categorical.from_codes(
                r, categories=[f"r{i}" for i in range(respondents)]
            ),
            "municipality": pd.Categorical.from_codes(
                mun[r], categories=[m.code for m in municipalities], ordered=True
            ),
            "gender": pd.Categorical.from_codes(
                gen[r], categories=[g.code for g in genders], ordered=True
            ),
            "question_id": pd.Categorical.from_codes(q, categories=qids),
            "option": pd.Categorical.from_codes(o, categories=all_codes),
            "rank": pd.array(np.full(len(q), pd.NA), dtype="Int64"),
        }
    )
    respondents_frame = pd.DataFrame(
        {  # one row per respondent with the subgroups, as load_survey gives
            "respondent_id": pd.Categorical([f"r{i}" for i in range(respondents)]),
            "municipality": pd.Categorical.from_codes(
                mun, categories=[m.code for m in municipalities], ordered=True
            ),
            "gender": pd.Categorical.from_codes(
                gen, categories=[g.code for g in genders], ordered=True
            ),
        }
    )
    return Survey(codebook=codebook, responses=responses, respondents=respondents_frame)


def main(respondents: int = 100_000) -> None:
    t0 = time.perf_counter()
    survey = build(respondents)
    t1 = time.perf_counter()
    print(
        f"built {len(survey.responses):,} response rows ({respondents:,} respondents x 50 questions) "
        f"in {t1 - t0:.2f} s"
    )
    for by in ([], ["municipality"], ["municipality", "gender"]):
        times = []
        for _ in range(3):
            start = time.perf_counter()
            out = surveys.summarise(survey, by=by, min_count=None)
            times.append(time.perf_counter() - start)
        print(
            f"summarise(by={by}) without suppression: best of 3 {min(times):.2f} s -> {len(out):,} rows"
        )
    from analysis.surveys import publication

    start = time.perf_counter()
    protected = publication._protect(survey, 5)
    once = time.perf_counter() - start
    print(
        f"suppression over the whole publication (once per survey and threshold): {once:.2f} s, "
        f"{int(protected.cells['hidden'].sum()):,} of {len(protected.cells):,} cells hidden"
    )
    for by in ([], ["municipality"]):
        times = []
        for _ in range(3):
            start = time.perf_counter()
            out = surveys.summarise(
                survey, by=by, min_count=5
            )  # the publication is cached after the first
            times.append(time.perf_counter() - start)
        print(f"summarise(by={by}, min_count=5): best of 3 {min(times):.2f} s -> {len(out):,} rows")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
