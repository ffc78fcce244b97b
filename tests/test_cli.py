"""Tests of the ``workbook`` command (analysis.cli): subcommands, delegation and exit codes
(0 all good, 1 a report failed or data problems, 2 bad configuration or data)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_runner import make_project

import analysis.runner.core as core
from analysis import cli
from analysis.io import Problem

PLAN = """\
run:
  cell_timeout: 20
reports:
  - notebook: tiny
    name: tiny_county
  - notebook: fails
    for_each: team
"""


@pytest.fixture()
def project(tmp_path, monkeypatch):
    root = make_project(tmp_path, PLAN)
    monkeypatch.setenv("WORKBOOK_ROOT", str(root))
    monkeypatch.setattr(
        core, "_discover", lambda data_dir, fp, previous, code="": (["a", "bad"], [], {})
    )
    monkeypatch.setattr(core.planmod, "code_hash", lambda config: "code-1")
    return root


def test_run_exit_codes_and_selection(project, capsys):
    # --only + --param team=a selects one report, which succeeds
    assert cli.main(["run", "--only", "fails", "--param", "team=a", "--workers", "1"]) == 0
    index = json.loads((project / "outputs" / "index.json").read_text(encoding="utf-8"))
    assert list(index["reports"]) == ["fails_a"]
    # the whole plan: fails_bad fails -> 1
    assert cli.main(["run"]) == 1
    out = capsys.readouterr().out
    assert "FAILED  fails_bad" in out and "done in" in out  # plain log lines without a terminal
    index = json.loads((project / "outputs" / "index.json").read_text(encoding="utf-8"))
    assert index["reports"]["fails_a"]["status"] == "reused"
    assert index["reports"]["tiny_county"]["status"] == "ok"
    assert len(list((project / "outputs-private" / "logs").glob("run-*.log"))) == 2


def test_list_shows_what_is_stale(project, capsys):
    assert cli.main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:2] == ["tiny_county", "new"]
    assert lines[2].split()[0] == "fails_bad" and lines[2].split()[-1] == "team=bad"
    assert cli.main(["run", "--only", "tiny_county"]) == 0
    capsys.readouterr()
    assert cli.main(["list"]) == 0
    assert capsys.readouterr().out.splitlines()[0].split()[:2] == ["tiny_county", "fresh"]


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "--param", "team=nobody"],  # unknown team
        ["run", "--only", "no_such_notebook"],  # not in the plan
        ["run", "--param", "team"],  # not k=v
        ["run", "--param", "tem=a"],  # no notebook has this parameter (a typo)
        ["list", "--param", "__class__=x"],
        ["run", "--workers", "0"],
    ],
)
def test_bad_configuration_exits_2(project, argv, capsys):
    assert cli.main(argv) == 2
    assert "configuration error" in capsys.readouterr().err


def test_bad_workbook_yml_exits_2(project, capsys):
    (project / "workbook.yml").write_text("reprots: []\n", encoding="utf-8")
    assert cli.main(["run"]) == 2
    assert "unknown setting(s) reprots" in capsys.readouterr().err


def test_missing_data_exits_2(project, capsys):
    (project / "data" / "sample" / "teams.csv").unlink()
    assert cli.main(["run"]) == 2
    assert "data error" in capsys.readouterr().err


def test_check_prints_every_problem(project, monkeypatch, capsys):
    import analysis.dataset

    seen = {}

    def fake_check(folder):
        seen["folder"] = folder
        return [
            Problem("observations.csv", "denominator 0", row=14, column="denominator"),
            Problem("teams.csv", "empty file"),
        ]

    monkeypatch.setattr(analysis.dataset, "check_folder", fake_check)
    assert cli.main(["check"]) == 1
    out = capsys.readouterr().out.splitlines()
    # workbook.yml says language: sv, so the frame of every line is Swedish
    assert out == [
        "observations.csv rad 14, kolumn 'denominator': denominator 0",
        "teams.csv: empty file",
    ]
    assert seen["folder"] == project / "data" / "sample"
    monkeypatch.setattr(analysis.dataset, "check_folder", lambda folder: [])
    assert cli.main(["check", str(project / "data" / "sample")]) == 0
    assert cli.main(["check", str(project / "nowhere")]) == 2


def test_kolada_and_sample_delegate(project, monkeypatch, capsys):
    import sys
    import types

    calls = []
    fake_kolada = types.ModuleType("analysis.kolada")
    fake_kolada.main = lambda argv: calls.append(argv) or 3
    monkeypatch.setitem(sys.modules, "analysis.kolada", fake_kolada)
    assert cli.main(["kolada", "fetch", "--kpi", "N17461"]) == 3
    assert cli.main(["kolada", "--help"]) == 3
    assert calls == [["fetch", "--kpi", "N17461"], ["--help"]]
    fake_sample = types.ModuleType("analysis.sample")
    fake_sample.write_sample = lambda folder=None: calls.append(("sample", folder)) or ["a", "b"]
    monkeypatch.setitem(sys.modules, "analysis.sample", fake_sample)
    assert cli.main(["sample"]) == 0  # the built-in sample goes to sample_dir of workbook.yml
    assert calls[-1] == ("sample", (project / "data" / "sample").resolve())
    assert "wrote 2 file(s)" in capsys.readouterr().out


def test_no_command_prints_help(capsys):
    assert cli.main([]) == 2
    assert "workbook" in capsys.readouterr().out


def test_check_on_a_copy_of_the_sample_with_planted_faults_names_each(tmp_path, capsys):
    """Issue 2, "done when": every planted fault is listed with its file, Excel row and column."""
    import csv
    import shutil

    sample = Path(__file__).resolve().parent.parent / "data" / "sample"
    copy = tmp_path / "data"
    shutil.copytree(sample, copy)

    def edit(
        name: str, row: int, column: str, value: str, sep: str = ";", encoding: str = "utf-8-sig"
    ):
        path = copy / name
        with path.open(encoding=encoding, newline="") as f:
            rows = list(csv.reader(f, delimiter=sep))
        rows[row - 1][rows[0].index(column)] = value  # row as Excel numbers it (header = 1)
        with path.open("w", encoding=encoding, newline="") as f:
            csv.writer(f, delimiter=sep, lineterminator="\r\n").writerows(rows)

    edit("observations.csv", 3, "denominator", "0")
    edit("observations.csv", 5, "numerator", "99999")
    edit("changes.csv", 2, "date", "2019-13-45")
    edit("measures.csv", 4, "team_id", "vaxjo")
    edit(
        "surveys/pupils/elevenkat.csv",
        3,
        "Jag sover bra på nätterna",
        "9",
        sep=",",
        encoding="utf-8",
    )

    assert cli.main(["check", str(copy)]) == 1
    lines = capsys.readouterr().out.splitlines()

    def listed(file: str, row: int, column: str) -> bool:
        return any(line.startswith(f"{file} rad {row}, kolumn '{column}'") for line in lines)

    assert listed("observations.csv", 3, "denominator"), lines
    assert listed("observations.csv", 5, "numerator"), lines
    assert listed("changes.csv", 2, "date"), lines
    assert listed("measures.csv", 4, "team_id"), lines
    assert any(
        line.startswith("surveys/pupils/elevenkat.csv rad 3")
        and "jag sover bra" in line.lower()
        and "outside the scale" in line
        for line in lines
    ), lines
    # the cross-table checks speak Swedish too (workbook.yml: language sv)
    assert any(
        line.startswith(
            "observations.csv rad 5, kolumn 'numerator': täljaren 99999 är större än nämnaren"
        )
        for line in lines
    ), lines
    assert any(
        line.startswith(
            "measures.csv rad 4, kolumn 'team_id': team-id:t 'vaxjo' finns "
            "inte (det måste finnas i teams.csv; "
        )
        for line in lines
    ), lines
    # each keyed message says in English exactly what its English template says
    from analysis.dataset import check_folder
    from analysis.text import t

    keyed = [p for p in check_folder(copy) if p.key]
    assert len(keyed) >= 4
    for problem in keyed:
        values = dict(problem.values)
        assert t(problem.key, "en", **values) == problem.message
        if problem.hint_key:
            assert t(problem.hint_key, "en", **values) == problem.hint
        assert problem.text("sv") != problem.text("en")


# ------------------------------------------------------------------ a full disk, a read-only folder


def test_an_unwritable_outputs_folder_is_a_clear_error_and_exit_2(project, capsys):
    """Issue 19: a read-only outputs/ ended in a raw traceback with exit 1 ("a report failed").
    /sys cannot be written even by root: a real read-only place."""
    with open(project / "workbook.yml", "a", encoding="utf-8") as handle:
        handle.write("outputs_dir: /sys/workbook-outputs\n")
    assert cli.main(["run", "--only", "tiny_county"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("workbook run: /sys/workbook-outputs: ") and "outputs_dir" in err
    assert "Traceback" not in err


def test_a_full_disk_while_publishing_stops_the_run_with_exit_2(project, capsys, monkeypatch):
    """A disk that fills up half-way: exit 2 with a sentence, the other reports' kernels are
    ended instead of waited for (slow sleeps 30 s), nothing is left half-written."""
    import errno

    from analysis.runner import kernels

    with open(project / "workbook.yml", "a", encoding="utf-8") as handle:
        handle.write("  - notebook: slow\n")
    (project / "workbook.yml").write_text(
        (project / "workbook.yml")
        .read_text(encoding="utf-8")
        .replace("cell_timeout: 20", "cell_timeout: 60\n  workers: 2"),
        encoding="utf-8",
    )

    def full(outputs, entry, p, result, context):
        raise OSError(errno.ENOSPC, "No space left on device", str(outputs / f"{p.job.name}.html"))

    monkeypatch.setattr(core, "_publish", full)
    try:
        code = cli.main(["run", "--only", "tiny_county", "--only", "slow"])
    finally:
        kernels.allow_kernels()  # the abandoned run refused new kernels; other tests start some
    assert code == 2
    err = capsys.readouterr().err
    assert "No space left on device (the disk is full: free some space and run again)" in err
    assert kernels.live_kernels() == {}  # slow's kernel was ended, not waited for
    assert [p.name for p in (project / "outputs").glob("*.html")] == ["index.html"]
    assert not list((project / "outputs").glob(".*.tmp"))


def test_survey_problems_and_table_problems_exit_alike(tmp_path, monkeypatch, capsys):
    """Issue 19: a broken survey made its report fail (exit 1) while a broken table stopped the
    run (exit 2). One rule now: bad data is found before any report runs, listed, exit 2."""
    import shutil

    root = tmp_path / "project"
    (root / "notebooks").mkdir(parents=True)
    shutil.copytree(
        Path(__file__).resolve().parent.parent / "data" / "sample", root / "data" / "sample"
    )
    (root / "workbook.yml").write_text(
        "data: data/sample\nreports:\n  - notebook: survey\n    for_each: survey\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("WORKBOOK_ROOT", str(root))
    codebook = root / "data" / "sample" / "surveys" / "pupils" / "codebook.yml"
    codebook.write_text(
        codebook.read_text(encoding="utf-8").replace("questions:", "questionz:", 1),
        encoding="utf-8",
    )
    assert cli.main(["run"]) == 2
    err = capsys.readouterr().err
    assert "data error" in err and "surveys/pupils/codebook.yml" in err and "questionz" in err
    assert not (root / "outputs" / "index.json").exists()  # nothing was started
    assert cli.main(["check"]) == 1  # check lists the same problem (check's own exit code)
    assert "surveys/pupils/codebook.yml" in capsys.readouterr().out


def test_an_unchanged_folder_that_passed_the_audit_is_not_audited_again(
    project, monkeypatch, capsys
):
    """After ``workbook run`` the audit is skipped only when the pages, data and code are those of
    the last audit that passed; a changed page, or a failed audit, is audited (again)."""
    import analysis.privacy.audit as audit

    calls = []

    class Result:
        def __init__(self, ok):
            self.ok = ok

        def __str__(self):
            return "audit"

    verdicts = iter([True, True, False, False])
    monkeypatch.setattr(
        audit, "audit_folder", lambda *a, **k: calls.append(a) or Result(next(verdicts))
    )
    out = project / "outputs"
    out.mkdir(exist_ok=True)
    page = out / "survey_x.html"
    page.write_text('<td data-cell="1">12</td>', encoding="utf-8")
    assert cli._audit(out, reuse=True) == cli.EXIT_OK and len(calls) == 1
    assert cli._audit(out, reuse=True) == cli.EXIT_OK and len(calls) == 1  # nothing changed
    assert cli._audit(out) == cli.EXIT_OK and len(calls) == 2  # `workbook audit` always audits
    page.write_text('<td data-cell="1">13</td>', encoding="utf-8")
    assert cli._audit(out, reuse=True) == cli.EXIT_FAILED and len(calls) == 3  # a changed page
    assert cli._audit(out, reuse=True) == cli.EXIT_FAILED and len(calls) == 4  # failed: again


def test_check_speaks_the_language_of_workbook_yml(tmp_path, monkeypatch, capsys):
    """Issue 16: `Syfte` passed with "no problems found", a misspelt `Syftet` too, and `workbook
    check` spoke English to Swedish analysts. Swedish headers are read; the misspelt one is an
    error naming the nearest name; the messages follow `language:` in workbook.yml."""
    import shutil

    sample = Path(__file__).resolve().parent.parent / "data" / "sample"
    copy = tmp_path / "data"
    shutil.copytree(sample, copy)
    teams = copy / "teams.csv"
    lines = teams.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "team_id;team_name;municipality_code;focus_area;cohort;start_date;aim"
    teams.write_text(
        "\n".join(["team_id;Teamnamn;Kommunkod;Fokusområde;Kohort;Startdatum;Syfte", *lines[1:]])
        + "\n",
        encoding="utf-8-sig",
    )
    monkeypatch.setenv("WORKBOOK_ROOT", str(tmp_path))
    (tmp_path / "workbook.yml").write_text("language: sv\n", encoding="utf-8")
    assert cli.main(["check", str(copy)]) == 0
    assert capsys.readouterr().out.strip().endswith(f"{copy}: inga problem hittades")
    from analysis.dataset import load_dataset

    aims = load_dataset(copy).teams["aim"]
    assert aims.notna().all() and aims.iloc[0].startswith("Närvaron på Attarpskolan")

    teams.write_text(
        "\n".join(["team_id;Teamnamn;Kommunkod;Fokusområde;Kohort;Startdatum;Syftet", *lines[1:]])
        + "\n",
        encoding="utf-8-sig",
    )
    assert cli.main(["check", str(copy)]) == 1
    out, err = capsys.readouterr()
    assert (
        "teams.csv rad 1, kolumn 'Syftet': kolumnen 'Syftet' är ingen känd kolumn; menar du "
        "'syfte' (aim)? (byt namn på kolumnen till 'syfte')"
    ) in out.splitlines()
    assert err.strip() == f"1 problem i {copy}"
    (tmp_path / "workbook.yml").write_text("language: en\n", encoding="utf-8")
    assert cli.main(["check", str(copy)]) == 1
    out, err = capsys.readouterr()
    assert (
        "teams.csv row 1, column 'Syftet': column 'Syftet' is not a known column; did you "
        "mean 'syfte' (aim)? (rename the column to 'syfte')"
    ) in out.splitlines()
    assert err.strip() == f"1 problem(s) in {copy}"
