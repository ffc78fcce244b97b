"""What a report read (analysis.dataset.reads) and the runner's per-report cache keyed on it.

The expectations follow from what each report shows: a team's report reads that team's rows
(``team:<id>``) and never a whole team table; the county overview lists every team's baseline,
so it reads the whole observations table; changing one observation of team A therefore makes
stale exactly A's reports and the county-wide ones.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import analysis.runner.core as core
from analysis import report
from analysis.dataset import clear_cache, load_dataset, reads, with_tables
from analysis.runner import RunOptions, plan_status, run
from analysis.views import county as county_view
from analysis.views import team_baseline, team_effects

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
TEAM_TABLES = {"table:teams", "table:measures", "table:observations", "table:changes"}


@pytest.fixture
def recording():
    reads.start()
    yield
    reads.stop()


def test_accessors_record_what_they_return(recording):
    ds = load_dataset(SAMPLE)
    reads.start()  # loading is not a read of the report
    team = ds.team("attarp")
    assert reads.reads() == ["team:attarp"]
    assert set(team.observations["team_id"]) == {"attarp"}
    ds.survey("parents")
    ds.drivers("nassjo")
    assert reads.reads() == ["drivers:nassjo", "survey:parents", "team:attarp", "team:nassjo"]
    ds.observations  # noqa: B018 - a whole table is a county-wide read
    ds.table("goals")
    assert {"table:observations", "table:goals"} <= set(reads.reads())


def test_the_surveys_tied_to_a_team_are_reads_of_every_codebook(recording):
    """Which surveys a team's report shows is decided by every codebook's ``teams:`` /
    ``municipality_code:`` / ``fielded:``, so an edit of any codebook must make the team's
    reports stale: asking for the team's surveys reads every codebook, and no survey's answers
    (a new export of a survey the team does not show rebuilds nothing)."""
    ds = load_dataset(SAMPLE)
    reads.start()
    ds.team_surveys("nassjo")
    assert {f"codebook:{s}" for s in ds._raw("surveys")} <= set(reads.reads())
    assert not any(r.startswith("survey:") for r in reads.reads())
    assert "team:nassjo" in reads.reads()
    hashes = reads.input_hashes(ds)
    assert {f"codebook:{s}" for s in ds._raw("surveys")} <= set(hashes)
    assert hashes["codebook:pupils"] != hashes["survey:pupils"]  # the folder has the export too


def test_a_surveys_source_is_a_read_of_the_survey(recording):
    # a result kept by the survey's file hashes (analysis.memo) is not computed from the
    # answers in that report, yet the report depends on them
    ds = load_dataset(SAMPLE)
    reads.start()
    folder, files = ds.survey_source("parents")
    assert reads.reads() == ["survey:parents"]
    assert folder == str(SAMPLE.resolve() / "surveys" / "parents")
    assert files and all(k.startswith("surveys/parents/") for k in files)
    assert files == {k: v for k, v in ds.files.items() if k.startswith("surveys/parents/")}


def test_nothing_is_recorded_outside_a_report():
    reads.stop()
    ds = load_dataset(SAMPLE)
    ds.team("attarp"), ds.observations
    assert reads.reads() == []


def test_changing_one_team_changes_only_its_hash_and_the_whole_table():
    ds = load_dataset(SAMPLE)
    before = reads.input_hashes(ds)
    obs = ds.observations.copy()
    row = obs.index[(obs["team_id"] == "attarp") & obs["numerator"].notna()][-1]
    obs.loc[row, "numerator"] = obs.loc[row, "numerator"] - 1
    after = reads.input_hashes(with_tables(ds, observations=obs))
    assert {k for k in before if before[k] != after[k]} == {"team:attarp", "table:observations"}
    assert reads.input_hashes(ds) == before  # the same in every call (and every process)
    assert reads.hash_of(after, "team:gone") == reads.MISSING
    assert reads.hash_of(after, "drivers:attarp") in ("none", after.get("drivers:attarp"))


def _view_reads(notebook: str, view, capsys, **params) -> list[str]:
    ctx = report.context(notebook, data_dir=SAMPLE, **params)  # starts recording
    try:
        report.render(view.build(ctx), ctx)  # figures are drawn here: they read too
        return reads.reads()
    finally:
        reads.stop()
        capsys.readouterr()


@pytest.mark.parametrize(
    "notebook,view", [("team_baseline", team_baseline), ("team_effects", team_effects)]
)
def test_a_team_report_reads_its_team_not_every_team(notebook, view, capsys):
    read = set(_view_reads(notebook, view, capsys, team="nassjo"))
    assert "team:nassjo" in read and "drivers:nassjo" in read
    assert not {r for r in read if r.startswith("team:") and r != "team:nassjo"}
    assert not read & TEAM_TABLES  # no whole team table: another team's edit does not touch it


def test_the_county_report_reads_every_team(capsys):
    read = set(_view_reads("county", county_view, capsys))
    assert {"table:teams", "table:observations", "table:measures"} <= read


# ---------------------------------------------------------------- the runner on real notebooks

PLAN = """\
language: sv
run:
  kernel: python3
  cell_timeout: 300
  workers: 2
reports:
  - notebook: county
    name: baseline_county
  - notebook: team_baseline
    name: baseline
    for_each: team
"""
ONLY = ["baseline_county", "baseline_attarp", "baseline_nassjo"]


def _project(folder: Path) -> Path:
    shutil.copytree(ROOT / "notebooks", folder / "notebooks")
    shutil.copytree(SAMPLE, folder / "data" / "sample")
    (folder / "workbook.yml").write_text(PLAN, encoding="utf-8")
    return folder


def _change_one_observation(data: Path, team_id: str) -> None:
    """observations.csv (``;``, UTF-8 with BOM): the team's last numerator - 1 (still a count)."""
    path = data / "observations.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    col = lines[0].split(";").index("numerator")
    for i in range(len(lines) - 1, 0, -1):
        cells = lines[i].split(";")
        if cells[0] == team_id and cells[col]:
            cells[col] = str(int(cells[col]) - 1)
            lines[i] = ";".join(cells)
            break
    else:
        raise AssertionError(f"no numerator for {team_id}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")


def _built(summary) -> set[str]:
    return {r["name"] for r in summary.reports if r["status"] == "ok"}


@pytest.mark.notebooks
def test_one_teams_change_rebuilds_its_reports_and_the_county_ones(tmp_path, monkeypatch):
    # the package code hash is pinned: other edits of the package while this runs must not count
    monkeypatch.setattr(core.planmod, "code_hash", lambda config: "code-1")
    root = _project(tmp_path)
    clear_cache()
    first = run(RunOptions(only=ONLY), root=root, tty=False)
    assert first.exit_code == 0 and _built(first) == set(ONLY)
    entries = json.loads((root / "outputs" / "index.json").read_text(encoding="utf-8"))["reports"]
    assert "team:attarp" in entries["baseline_attarp"]["reads"]
    assert "table:observations" not in entries["baseline_attarp"]["reads"]
    assert "table:observations" in entries["baseline_county"]["reads"]

    again = run(RunOptions(only=ONLY), root=root, tty=False)  # a no-op run rebuilds nothing
    assert _built(again) == set() and {r["status"] for r in again.reports} == {"reused"}

    _change_one_observation(root / "data" / "sample", "attarp")
    states = {r["name"]: r for r in plan_status(RunOptions(only=ONLY), root=root)}
    assert states["baseline_nassjo"]["state"] == "fresh"
    assert states["baseline_attarp"]["state"] == "stale"
    assert states["baseline_attarp"]["reasons"] == ["team attarp's data"]
    assert states["baseline_county"]["state"] == "stale"
    assert "observations (all teams)" in states["baseline_county"]["reasons"]

    rebuilt = run(RunOptions(only=ONLY), root=root, tty=False)
    assert rebuilt.exit_code == 0 and _built(rebuilt) == {"baseline_attarp", "baseline_county"}
    assert {r["state"] for r in plan_status(RunOptions(only=ONLY), root=root)} == {"fresh"}


def test_the_input_hashes_of_another_code_version_are_not_reused():
    """The runner reuses the index's input hashes while the data files are unchanged, but not
    across code versions: another version may name the inputs otherwise (``codebook:<id>`` came
    after ``survey:<id>``), and reusing the old names made every report stale at the next data
    change (measured at county scale: 202 of 206 rebuilt for one team's observation)."""
    data_fp = core.planmod.data_hash(SAMPLE)
    cached = {
        "data": data_fp,
        "code": "code-1",
        "teams": ["old"],
        "surveys": [],
        "surveys_checked": True,
        "inputs": {"team:old": "1"},
    }
    previous = {"plan_cache": cached}
    assert core._discover(SAMPLE, data_fp, previous, "code-1")[0] == ["old"]  # reused
    teams, _, inputs = core._discover(SAMPLE, data_fp, previous, "code-2")
    assert "attarp" in teams and "team:old" not in inputs
    assert any(name.startswith("codebook:") for name in inputs)


def test_the_input_hashes_are_kept_beside_the_processed_tables_for_the_next_process(
    tmp_path, monkeypatch
):
    """Every report of a run hashes the same inputs: they are kept in processed/inputs.json,
    keyed by the processed manifest. The kept hashes must be those hashing gives, must not be
    used for a dataset with other tables, and must not outlive a change of the data."""
    root = _project(tmp_path)
    monkeypatch.setenv("WORKBOOK_ROOT", str(root))
    clear_cache()
    ds = load_dataset(root / "data" / "sample")
    hashed = reads._hash_inputs(ds)
    assert reads.input_hashes(ds) == hashed  # computed, then written
    kept = ds.processed / reads.INPUTS_FILE
    assert json.loads(kept.read_text(encoding="utf-8"))["hashes"] == hashed

    clear_cache()  # the next process: read back, not hashed again
    monkeypatch.setattr(reads, "_hash_inputs", lambda _: pytest.fail("hashed again"))
    assert reads.input_hashes(load_dataset(root / "data" / "sample")) == hashed
    monkeypatch.undo()
    monkeypatch.setenv("WORKBOOK_ROOT", str(root))

    obs = ds.observations.copy()
    obs.loc[obs.index[-1], "value"] = 1e6
    other = reads.input_hashes(with_tables(ds, observations=obs))  # not the processed tables
    assert other["table:observations"] != hashed["table:observations"]

    _change_one_observation(root / "data" / "sample", "attarp")
    clear_cache()
    changed = reads.input_hashes(load_dataset(root / "data" / "sample"))
    assert changed["team:attarp"] != hashed["team:attarp"]
    assert changed["team:nassjo"] == hashed["team:nassjo"]
