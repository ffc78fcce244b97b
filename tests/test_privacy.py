"""Tests of analysis.privacy: the small-cell rule and pseudonymous ids.

The rule (DESIGN.md, workbook.yml privacy.min_count): counts 1..min_count-1 and shares with a
base under min_count are not shown; zero is shown. Expected values are by hand.
"""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from analysis import privacy
from analysis.privacy import audit


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "n": [0, 1, 4, 5, 3, 6],
            "base": [10, 10, 10, 10, 4, 100],
            "share": [0.0, 0.1, 0.4, 0.5, 0.75, 0.06],
            "ci_low": [0.0, 0.01, 0.1, 0.2, 0.3, 0.02],
            "ci_high": [0.3, 0.4, 0.7, 0.8, 0.95, 0.12],
            "n_blank": [0, 2, 0, 7, 0, 0],
        }
    )


def test_counts_below_the_threshold_and_small_bases_are_hidden():
    before = frame()
    out = privacy.suppress(before, 5, extra_count_cols=("n_blank",))
    assert list(out["suppressed"]) == [False, True, True, False, True, False]
    assert out["n"].isna().tolist() == [False, True, True, False, True, False]
    assert out["share"].isna().tolist() == [False, True, True, False, True, False]
    assert out.loc[0, "n"] == 0 and out.loc[0, "share"] == 0.0  # zero discloses nobody
    assert out.loc[3, "n"] == 5  # exactly the threshold is shown
    assert pd.isna(out.loc[4, "base"])  # a base of 4 is itself a small count
    assert out.loc[2, "base"] == 10  # the base of a hidden count stays (it is >= 5)
    assert pd.isna(out.loc[1, "n_blank"]) and out.loc[3, "n_blank"] == 7
    pd.testing.assert_frame_equal(before, frame())  # input untouched


# n = 0, 1, 4, 5, 3, 6 with bases 10, 10, 10, 10, 4, 100: by hand, rows hidden at each threshold
@pytest.mark.parametrize(
    ("min_count", "hidden"), [(1, []), (2, [1]), (5, [1, 2, 4]), (6, [1, 2, 3, 4])]
)
def test_threshold_is_configurable(min_count, hidden):
    out = privacy.suppress(frame(), min_count)
    assert list(np.flatnonzero(out["suppressed"].to_numpy())) == hidden


def test_display_shows_two_dots():
    out = privacy.suppress(frame(), 5)
    assert privacy.display(out["n"]) == ["0", "..", "..", "5", "..", "6"]


def test_pseudonymise_is_stable_keyed_and_not_the_id():
    a = privacy.pseudonymise(["19800101-1234", "19800101-1234 ", None, np.nan], key="hemlig")
    b = privacy.pseudonymise(["19800101-1234"], key="annan")
    assert a[0] == a[1] and a[0] != b[0]
    assert a[2] is None and a[3] is None
    assert "1234" not in a[0] and a[0].startswith("p") and len(a[0]) == 13
    with pytest.raises(ValueError, match="key"):
        privacy.pseudonymise(["x"], key="")


# ------------------------------------------------------------------------------ intervals


def row_system():
    """Three cells a, b, c of one row (atoms 0, 1, 2), and their total."""
    system = privacy.TableSystem()
    atoms = system.new_atoms(3)
    cells = {name: system.add_cell([a], name) for name, a in zip("abc", atoms, strict=True)}
    cells["total"] = system.add_cell(atoms, "total")
    return system, cells


def test_interval_of_a_hidden_cell_by_subtraction():
    # a + b + c = 10 with a = 7 shown: b + c = 3, so b is anything from 0 (c = 3) to 3 (c = 0)
    system, cell = row_system()
    solver = privacy.Solver(system, {cell["total"]: 10, cell["a"]: 7})
    assert solver.interval(cell["b"]) == (0, 3)
    # and with c = 2 shown as well, b = 10 - 7 - 2 = 1 exactly: a count of 1 worked out
    solver = privacy.Solver(system, {cell["total"]: 10, cell["a"]: 7, cell["c"]: 2})
    assert solver.interval(cell["b"]) == (1, 1)
    findings = solver.check(5)
    assert [(f.label, f.lo, f.hi) for f in findings] == [("b", 1, 1)]


def test_a_hidden_rectangle_protects_its_corner():
    # 2 x 2 table, by hand: x11 = 1, x12 = 6, x21 = 5, x22 = 8; rows 7, 13; columns 6, 14; total 20.
    # With all four inner cells hidden and the margins shown: x12 = 7 - x11, x21 = 6 - x11,
    # x22 = 7 + x11, so x11 runs from 0 to 6 (x21 >= 0): 0 is possible, nothing is singled out.
    system = privacy.TableSystem()
    x = system.new_atoms(4)
    inner = [system.add_cell([a], f"x{a}") for a in x]
    margins = {
        system.add_cell([x[0], x[1]], "row1"): 7,
        system.add_cell([x[2], x[3]], "row2"): 13,
        system.add_cell([x[0], x[2]], "col1"): 6,
        system.add_cell([x[1], x[3]], "col2"): 14,
    }
    solver = privacy.Solver(system, margins)
    assert solver.interval(inner[0]) == (0, 6)
    assert solver.check(5) == []
    # only x11 hidden: it is 7 - 6 = 1
    shown = {**margins, inner[1]: 6, inner[2]: 5, inner[3]: 8}
    assert privacy.Solver(system, shown).interval(inner[0]) == (1, 1)


@pytest.mark.parametrize(
    ("lo", "hi", "expected"),
    [
        (1, 1, True),  # pinned to 1
        (0, 1, False),  # could be nobody: says no more than a published 0
        (5, 5, False),  # no small count
        (3, 5, True),  # 3 or 4 or 5: small is not excluded and the interval is narrow
        (3, 8, False),  # 5 wide
        (4, 8, True),  # 4 wide
        (2, np.inf, False),
    ],
)
def test_the_protection_rule(lo, hi, expected):
    assert privacy.at_risk(lo, hi, 5) is expected


def test_intervals_are_integer_optima_not_the_lp_relaxation():
    # a + b <= 1, b + c <= 1, a + c <= 1: the LP maximum of a + b + c is 1.5 (all halves); whole
    # people give at most 1. A fractional LP optimum is re-solved as an integer program.
    system = privacy.TableSystem()
    a, b, c = system.new_atoms(3)
    for pair in ((a, b), (b, c), (a, c)):
        system.add_row(list(pair), lo=0, hi=1)
    total = system.add_cell([a, b, c], "a+b+c")
    assert privacy.Solver(system, {}).interval(total) == (0, 1)


def test_contradictory_numbers_are_an_error():
    system, cell = row_system()
    with pytest.raises(privacy.Infeasible):
        privacy.Solver(system, {cell["total"]: 3, cell["a"]: 7}).interval(cell["b"])


# ------------------------------------------------------------------------------ secondary suppression


def test_secondary_suppression_hides_the_cheapest_complement():
    # One row: a = 8, b = 3, c = 5, d = 4, e = 0, total 20 always shown (cost of the total: high).
    # b = 3 is hidden by the primary rule, and 20 - 8 - 5 - 4 - 0 = 3 would give it back. The
    # cells that pin b are a, c, d, e; e = 0 cannot help (b could then only be 3), the cheapest
    # that can is d = 4: b + d = 7, so b runs 0..7.
    system = privacy.TableSystem()
    x = system.new_atoms(5)
    cells = [system.add_cell([a], name) for a, name in zip(x, "abcde", strict=True)]
    total = system.add_cell(x, "total")
    values = np.array([8, 3, 5, 4, 0, 20], dtype=float)
    cost = values + 20.0
    cost[total] = 1e6
    hidden, left = privacy.protect(
        system, values, [*cells, total], {cells[1]}, cells, 5, cost, truth=values[:5]
    )
    assert left == [] and hidden == {cells[1], cells[3]}
    solver = privacy.Solver(system, {i: values[i] for i in [*cells, total] if i not in hidden})
    assert solver.interval(cells[1]) == (0, 7)


# ------------------------------------------------------------------------------ the auditor


def page(*cells: tuple[str, dict, str, int | None, str | None, int | None]) -> str:
    """A rendered table: (question, group, category, shown value or None, base category, base)."""
    from analysis.privacy.marks import Mark
    from analysis.surveys.cells import CellKey

    rows = []
    for q, group, category, n, base_cat, base in cells:
        key = CellKey("klass", q, category, tuple(group.items())).to_json()
        base_key = (
            CellKey("klass", q, base_cat, tuple(group.items())).to_json() if base_cat else None
        )
        text = ".." if n is None else (f"{round(100 * n / base)} %" if base_cat else str(n))
        mark = Mark(key, n, "share" if base_cat else "n", base_key, base)
        rows.append(f"<tr><td {mark.attributes()}>{text}</td></tr>")
    return f'<table data-survey="klass">{"".join(rows)}</table>'


def crafted_codebook():
    """The issue's crafted survey: classes of 30, 12 and 2 pupils, one question about violence."""
    from analysis.surveys.codebook import Codebook, Option, Question

    def opt(code):
        return Option(code, code, {"sv": code, "en": code})

    klass = Question(
        "klass", "single", {"sv": "Klass", "en": "Class"}, "Klass", (opt("a"), opt("b"), opt("c"))
    )
    hit = Question(
        "hit",
        "single",
        {"sv": "Slagen hemma", "en": "Hit at home"},
        "Slagen",
        (opt("no"), opt("once"), opt("several")),
    )
    return Codebook(
        "klass",
        {"sv": "Klass", "en": "Class"},
        "sample",
        None,
        "x.csv",
        "google_forms",
        None,
        (),
        None,
        (),
        ("klass",),
        (klass, hit),
    )


def leaky_page() -> str:
    """The crafted survey with only class C hidden: C can be worked out (below)."""
    return page(
        ("hit", {}, "several", 18, "_base", 44),
        ("hit", {}, "no", 21, "_base", 44),
        ("hit", {}, "once", 5, "_base", 44),
        ("hit", {"klass": "a"}, "several", 10, "_base", 30),
        ("hit", {"klass": "a"}, "no", 15, "_base", 30),
        ("hit", {"klass": "a"}, "once", 5, "_base", 30),
        ("hit", {"klass": "b"}, "several", 6, "_base", 12),
        ("hit", {"klass": "b"}, "no", 6, "_base", 12),
        ("hit", {"klass": "b"}, "once", 0, "_base", 12),
        ("hit", {"klass": "c"}, "several", None, "_base", None),
        ("hit", {"klass": "c"}, "no", None, "_base", None),
        ("hit", {"klass": "c"}, "once", None, "_base", None),
        ("klass", {}, "a", 30, None, None),
        ("klass", {}, "b", 12, None, None),
        ("klass", {}, "c", None, None, None),
        ("klass", {}, "_blank", 0, None, None),
        ("_respondents", {}, "_n", 44, None, None),
    )


def protected_page() -> str:
    """The crafted survey with classes B and C hidden together."""
    return page(
        ("hit", {}, "several", 18, "_base", 44),
        ("hit", {}, "no", 21, "_base", 44),
        ("hit", {}, "once", 5, "_base", 44),
        ("hit", {"klass": "a"}, "several", 10, "_base", 30),
        ("hit", {"klass": "a"}, "no", 15, "_base", 30),
        ("hit", {"klass": "a"}, "once", 5, "_base", 30),
        *[
            ("hit", {"klass": k}, c, None, "_base", None)
            for k in "bc"
            for c in ("several", "no", "once")
        ],
        ("klass", {}, "a", 30, None, None),
        ("klass", {}, "b", None, None, None),
        ("klass", {}, "c", None, None, None),
        ("klass", {}, "_blank", 0, None, None),
        ("_respondents", {}, "_n", 44, None, None),
    )


def test_the_auditor_catches_the_issues_differencing():
    # Today's report of the crafted survey (issue 13): "Ja, flera gånger" 18 of 44 in all; class A
    # 33 % of 30 (10), class B 50 % of 12 (6); class C (2 pupils) hidden as '..'. By hand:
    # C = 18 - 10 - 6 = 2 (both pupils of class C), and its base 44 - 30 - 12 = 2.
    html = leaky_page()
    # the marks are the compact ones (analysis.privacy.marks): a hidden share and its hidden base
    assert 'data-cell="klass:hit:several:klass=c . share :_base ."' in html
    result = audit.audit({"today.html": html}, {"klass": crafted_codebook()}, 5)
    found = {(f.label, f.lo, f.hi) for f in result.findings}
    assert ("klass: hit / several / klass=c", 2, 2) in found
    assert ("klass: hit / _base / klass=c", 2, 2) in found
    assert ("klass: klass / c / all", 2, 2) in found
    assert not result.ok and "hit / several / klass=c" in str(result)


def test_a_mark_is_written_compactly_and_read_back_whatever_its_codes_hold():
    from analysis.privacy.marks import Mark, decode, encode, read_attributes
    from analysis.surveys.cells import CellKey

    odd = CellKey("s 1", "q:ä", 'c,"=', (("wave", "v 1"), ("kön", "a=b")))
    share = Mark(odd.to_json(), 3, "share", CellKey("s 1", "q:ä", "_base", odd.group).to_json(), 9)
    assert decode(encode(share)) == share
    # the base of the same question and group is written by its category alone
    assert encode(share).endswith(" share :_base 9")
    other_base = Mark(odd.to_json(), None, "x_of_n", CellKey("s 1", "q2", "_n").to_json(), None)
    assert encode(other_base).split(" ")[1:] == [".", "x_of_n", "s%201:q2:_n", "."]
    assert decode(encode(other_base)) == other_base
    plain = Mark(CellKey("pupils", "_respondents", "_n").to_json(), 1500)
    assert encode(plain) == "pupils:_respondents:_n 1500"
    # a page built before (the JSON marks) is read as the same mark
    first_version = {
        "data-cell": share.cell,
        "data-n": "3",
        "data-role": "share",
        "data-base-cell": share.base_cell,
        "data-base": "9",
    }
    assert read_attributes(first_version) == share
    # the compact mark is under half of the first version's attributes (a sixth in a real table)
    old_length = sum(len(k) + len(v) + 4 for k, v in first_version.items())
    assert len(share.attributes()) < old_length / 2
    # in a survey table the keys leave the table's survey out; outside one they cannot
    in_table = plain.attributes("pupils")
    assert in_table == 'data-cell=":_respondents:_n 1500"'
    (read,) = audit.read_marks(
        f'<table data-survey="pupils"><tr><td {in_table}>1500</td></tr></table>'
    )
    assert (read.cell, read.n) == (plain.cell, 1500)
    with pytest.raises(ValueError, match="unreadable mark"):
        audit.read_marks(f"<p><span {in_table}>1500</span></p>")
    # a mark that is not one is a problem of the audit, never skipped
    result = audit.audit({"p.html": '<td data-cell="klass:hit 5 share">5</td>'}, {}, 5)
    assert any("unreadable mark" in p for p in result.problems) and not result.ok


def test_the_auditor_passes_a_protected_version_and_checks_the_printed_text():
    # The same survey with class B's cells hidden as well: C's 'several' is 8 - B's, anything
    # from 0 to 2 (C's base); the class sizes of B and C are hidden together (14), so C's base
    # runs 0..14 and its 'several' 0..8.
    html = protected_page()
    result = audit.audit({"ok.html": html}, {"klass": crafted_codebook()}, 5)
    assert result.ok, str(result)
    # a shown number whose text does not say what its mark says is reported
    bad = html.replace(">33 %<", ">35 %<")
    assert any(
        "35 %" in p
        for p in audit.audit({"bad.html": bad}, {"klass": crafted_codebook()}, 5).problems
    )
    # and so is a number in a column of marked numbers that carries no mark of its own
    # (one column of marked numbers: a row with a bare 8 in it is reported, a label column is not)
    column = html.replace("<tr><td data-cell", "<tr><td>8</td></tr><tr><td data-cell", 1)
    assert audit.unmarked_numbers(column, "c.html") == [
        "c.html: the number '8' in a survey table carries no mark"
    ]
    labelled = html.replace("<tr><td data-cell", "<tr><td>Klass 3</td><td data-cell")
    assert audit.unmarked_numbers(labelled, "l.html") == []


# ------------------------------------------------------------------------------ built reports


ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
NOTEBOOKS = ROOT / "notebooks"
SENSITIVE = "KÄNSLIGT: Jag heter Anna Andersson och min sambo slår mig"


def test_an_audit_through_the_cache_finds_what_a_full_audit_finds(tmp_path):
    """After ``workbook run`` the audit reuses what it read and solved (AuditCache): an unchanged
    page is not parsed again, a survey whose counts passed is not solved again, and the verdicts
    are those of a full audit: a page that now leaks is caught, a failed survey is not kept."""
    codebooks = {"klass": crafted_codebook()}
    full = audit.audit({"r.html": protected_page()}, codebooks, 5)
    cache = audit.AuditCache("code-1")
    first = audit.audit({"r.html": protected_page()}, codebooks, 5, cache)
    assert first.ok and (first.numbers_read, first.cells_checked) == (
        full.numbers_read,
        full.cells_checked,
    )
    assert len(cache.pages) == 1 and len(cache.surveys) == 1
    cache.save(tmp_path / "cache.pickle")
    again = audit.AuditCache.load(tmp_path / "cache.pickle", "code-1")
    assert (again.pages, again.surveys) == (cache.pages, cache.surveys)
    assert audit.AuditCache.load(tmp_path / "cache.pickle", "code-2").surveys == {}  # new code
    second = audit.audit({"r.html": protected_page()}, codebooks, 5, again)
    assert second.ok and second.cells_checked == full.cells_checked
    # the same page name now leaks class C: read again, solved again, caught
    leaky = audit.audit({"r.html": leaky_page()}, codebooks, 5, again)
    expected = audit.audit({"r.html": leaky_page()}, codebooks, 5)
    assert not leaky.ok
    assert {(f.label, f.lo, f.hi) for f in leaky.findings} == {
        (f.label, f.lo, f.hi) for f in expected.findings
    }
    assert len(again.surveys) == 1  # only the check that passed is kept
    assert not audit.audit({"r.html": leaky_page()}, codebooks, 5, again).ok  # and stays failed


def crafted_data(folder: Path) -> Path:
    """The sample data plus two crafted surveys (written out below, values by construction).

    ``klass`` (Google Forms, two waves): classes A, B and C of 30, 12 and 2 pupils in September
    and 28, 11 and 2 in December; both pupils of class C answer "Ja, flera gånger"; a
    multi-select question, a Likert item with "vet ej", and free text (``show_answers: true``)
    with a script tag and a sensitive answer. ``centres`` (a census of 21, one 0/1 column per
    option): one centre alone answers "Nej".
    """
    shutil.copytree(SAMPLE, folder)
    rng = np.random.default_rng(13)
    klass = folder / "surveys" / "klass"
    klass.mkdir()
    (klass / "codebook.yml").write_text(
        yaml.safe_dump(
            {
                "survey": "klass",
                "title": {"sv": "Klassenkät", "en": "Class survey"},
                "design": "sample",
                "export": {
                    "file": "svar.csv",
                    "tool": "google_forms",
                    "respondent_id": "Elevkod",
                    "wave_column": "Mättillfälle",
                },
                "waves": [
                    {"code": "sep", "value": "September"},
                    {"code": "dec", "value": "December"},
                ],
                "subgroups": ["klass"],
                "questions": [
                    {
                        "id": "klass",
                        "type": "single",
                        "text": {"sv": "Klass"},
                        "column": "Klass",
                        "options": [
                            {"code": c, "value": c.upper(), "sv": f"Klass {c.upper()}"}
                            for c in "abc"
                        ],
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
                    {
                        "id": "trivs",
                        "type": "likert",
                        "text": {"sv": "Jag trivs i skolan"},
                        "top_box": ["4", "5"],
                        "options": [
                            {"code": str(k), "value": str(k), "sv": f"steg {k}"}
                            for k in range(1, 6)
                        ]
                        + [
                            {"code": "dk", "value": "Vet inte", "sv": "Vet inte", "dont_know": True}
                        ],
                    },
                    {
                        "id": "fritid",
                        "type": "multi",
                        "text": {"sv": "Vad gör du på fritiden?"},
                        "options": [
                            {"code": "sport", "sv": "Idrott"},
                            {"code": "games", "sv": "Spel"},
                            {"code": "friends", "sv": "Kompisar"},
                        ],
                    },
                    {
                        "id": "kommentar",
                        "type": "text",
                        "text": {"sv": "Något mer?"},
                        "show_answers": True,
                    },
                ],
            },
            allow_unicode=True,
            sort_keys=False,
        ),
        encoding="utf-8",
    )
    rows = []
    for wave, sizes in (("September", (30, 12, 2)), ("December", (28, 11, 2))):
        for cls, size in zip("ABC", sizes, strict=True):
            for i in range(size):
                hit = (
                    "Ja, flera gånger"
                    if cls == "C"
                    else str(rng.choice(["Nej", "Nej", "Nej", "Ja, en gång"]))
                )
                trivs = str(rng.choice(["1", "2", "3", "4", "5", "4", "5", "Vet inte"]))
                fritid = ", ".join(o for o in ("Idrott", "Spel", "Kompisar") if rng.random() < 0.6)
                comment = (
                    SENSITIVE
                    if (cls, i, wave) == ("C", 0, "September")
                    else "<script>alert('x')</script>"
                    if (cls, i) == ("A", 0)
                    else ""
                )
                rows.append([f"{cls}{i}", wave, cls, hit, trivs, fritid, comment])
    with open(klass / "svar.csv", "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(
            [
                [
                    "Elevkod",
                    "Mättillfälle",
                    "Klass",
                    "Har någon vuxen hemma slagit dig?",
                    "Jag trivs i skolan",
                    "Vad gör du på fritiden?",
                    "Något mer?",
                ],
                *rows,
            ]
        )
    centres = folder / "surveys" / "centres"
    centres.mkdir()
    (centres / "codebook.yml").write_text(
        yaml.safe_dump(
            {
                "survey": "centres",
                "title": {"sv": "Enkät till centrumen"},
                "design": "census",
                "population": 21,
                "export": {
                    "file": "export.csv",
                    "tool": "columns",
                    "respondent_id": "Id",
                    "drop": ["Namn"],
                },
                "questions": [
                    {
                        "id": "offers",
                        "type": "multi",
                        "text": {"sv": "Vad erbjuder ni?"},
                        "options": [
                            {"code": "before", "sv": "Före", "column": "Q1_1"},
                            {"code": "after", "sv": "Efter", "column": "Q1_2"},
                        ],
                    },
                    {
                        "id": "wants",
                        "type": "single",
                        "text": {"sv": "Vill ni ha riktlinjer?"},
                        "column": "Q2",
                        "options": [
                            {"code": "1", "value": "1", "sv": "Ja"},
                            {"code": "2", "value": "2", "sv": "Nej"},
                        ],
                    },
                ],
            },
            allow_unicode=True,
            sort_keys=False,
        ),
        encoding="utf-8",
    )
    lines = ["Id;Namn;Q1_1;Q1_2;Q2"] + [
        f"{i};Centrum {i};{int(i % 3 != 0)};{int(i % 4 != 0)};{2 if i == 7 else 1}"
        for i in range(1, 22)
    ]
    (centres / "export.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def execute_survey(data: Path, survey: str, out: Path) -> str:
    import nbformat
    import papermill as pm

    from analysis.runner import to_html

    pm.execute_notebook(
        str(NOTEBOOKS / "survey.ipynb"),
        str(out),
        parameters={"data_dir": str(data), "survey": survey},
        kernel_name="python3",
        progress_bar=False,
        cwd=str(NOTEBOOKS),
        execution_timeout=300,
        start_timeout=120,
    )
    return to_html(nbformat.read(out, as_version=4), survey)


@pytest.fixture(scope="module")
def crafted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("crafted")
    data = crafted_data(folder / "data")
    pages = {s: execute_survey(data, s, folder / f"{s}.ipynb") for s in ("klass", "centres")}
    return data, pages


def wave_pages(data: Path, min_count: int = 5) -> dict[str, str]:
    """The effect report's wave and "for whom" tables of the crafted survey, as its view makes them."""
    from analysis import effects, report, surveys
    from analysis.views.team_effects import waves_table

    survey = surveys.load_survey(data / "surveys" / "klass")
    waves = effects.survey_waves(survey, min_count=min_count)
    html = report.table_html(waves_table(waves, "sv", survey=survey))
    html += report.table_html(
        waves_table(
            effects.for_whom(survey, waves, "klass", min_count=min_count),
            "sv",
            by=["klass"],
            survey=survey,
        )
    )
    return {"klass-waves": html}


@pytest.mark.notebooks
def test_crafted_surveys_pass_the_audit_in_their_reports(crafted):
    from analysis import surveys

    data, pages = crafted
    codebooks = {s: surveys.load_codebook(data / "surveys" / s) for s in surveys.find_surveys(data)}
    everything = {**pages, **wave_pages(data)}
    result = audit.audit(everything, codebooks, 5)
    assert result.ok, str(result)
    # the class of 2 is hidden everywhere, and every class C count is hidden or never shown
    marks = [m for html in everything.values() for m in audit.read_marks(html)]
    class_c = [m for m in marks if '"klass":"c"' in m.cell]
    assert class_c and all(m.n is None for m in class_c)
    # the census: "Nej" (1 centre) is hidden and cannot come back as 21 - 20
    wants = [m for m in marks if '"q":"wants"' in m.cell and '"c":"2"' in m.cell]
    assert wants and all(m.n is None for m in wants)
    assert "Ja, flera gånger" in pages["klass"]


@pytest.mark.notebooks
def test_free_text_appears_only_when_workbook_yml_and_the_codebook_allow_it(
    crafted, tmp_path, monkeypatch
):
    data, pages = crafted
    # workbook.yml says show_free_text: false (the default): the codebook's show_answers is not enough
    assert "alert(" not in pages["klass"] and "sambo" not in pages["klass"]
    assert "personer skrev ett fritextsvar. Fritextsvar visas inte" in pages["klass"]
    # a project whose workbook.yml allows it: the answers are shown, escaped
    config = (
        (ROOT / "workbook.yml")
        .read_text(encoding="utf-8")
        .replace("show_free_text: false", "show_free_text: true")
    )
    (tmp_path / "workbook.yml").write_text(config, encoding="utf-8")
    monkeypatch.setenv("WORKBOOK_ROOT", str(tmp_path))
    shown = execute_survey(data, "klass", tmp_path / "klass.ipynb")
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in shown
    assert "<script>alert" not in shown
    assert SENSITIVE.split(":")[1].strip().split()[0] in shown  # the opted-in text itself
    assert "svaren visas nedan som de skrevs" in shown


@pytest.mark.notebooks
def test_bad_survey_data_stops_the_run_without_quoting_the_respondent(tmp_path, capsys):
    # A sensitive typed answer in a single-choice column: `workbook run` finds it before any
    # report runs (exit 2) and names file, row and column; the text is in nothing it prints and
    # nowhere under outputs/ or outputs-private/. (A report failing for any other reason: the
    # index shows the error's type only, tests/test_runner.py.)
    from analysis import cli

    project = tmp_path / "project"
    shutil.copytree(NOTEBOOKS, project / "notebooks")
    data = crafted_data(project / "data" / "sample")
    export = data / "surveys" / "klass" / "svar.csv"
    lines = export.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",A,", f',"{SENSITIVE}",', 1)
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = (ROOT / "workbook.yml").read_text(encoding="utf-8")
    (project / "workbook.yml").write_text(
        config.split("\nreports:")[0] + "\nreports:\n  - notebook: survey\n"
        "    params: {survey: klass}\n",
        encoding="utf-8",
    )
    os.environ["WORKBOOK_ROOT"] = str(project)
    try:
        assert cli.main(["run"]) == 2
        assert cli.main(["check"]) == 1
    finally:
        os.environ["WORKBOOK_ROOT"] = str(ROOT)
    printed = capsys.readouterr()
    said = printed.out + printed.err
    assert (
        "surveys/klass/svar.csv row 4, column 'klass'" in said
        and "not one of the codebook's options" in said
    )
    assert "KÄNSLIGT" not in said and "sambo" not in said
    for folder in (project / "outputs", project / "outputs-private"):
        for path in folder.rglob("*") if folder.exists() else []:
            if path.is_file():
                body = path.read_text(encoding="utf-8", errors="replace")
                assert "KÄNSLIGT" not in body and "sambo" not in body, path


def test_the_auditor_reads_numbers_as_the_page_language_writes_them():
    """An English page writes 1,500 (text.number): the auditor read it as 1.5 and failed every
    English report of a survey with 1,000 or more respondents."""
    from analysis.privacy.audit import MarkedNumber, _numbers, _text_problem, page_language

    assert page_language('<html lang="en"><body>') == "en"
    assert page_language("<html lang='sv-SE'>") == "sv"
    assert page_language("<p>no html element</p>") == "sv"
    # by hand: 1 500 of 2 000 = 75.0 %
    assert _numbers("1,500 of 2,000 (75.0%)", "en") == [1500.0, 2000.0, 75.0]
    assert _numbers("1\u00a0500 av 2\u00a0000 (75,0\u00a0%)", "sv") == [1500.0, 2000.0, 75.0]
    assert _numbers("3, 4 and 5", "en") == [3.0, 4.0, 5.0]  # a list is not a thousands group
    count = MarkedNumber("p", "c", 1500, "n", "1,500")
    assert _text_problem(count, "en") is None
    assert _text_problem(MarkedNumber("p", "c", 1500, "n", "1\u00a0500"), "sv") is None
    assert _text_problem(count, "sv") is not None  # read the Swedish way, 1,500 is 1.5
    share = MarkedNumber("p", "c", 1500, "share", "75.0%", base_cell="b", base=2000)
    assert _text_problem(share, "en") is None
