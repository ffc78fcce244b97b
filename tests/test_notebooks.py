"""Every notebook keeps the notebook rules, and executes on the sample data."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from analysis import text

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
EXPECTED = ["baseline", "survey", "team_effects", "gap_analysis", "explore"]
SAMPLE = ROOT / "data" / "sample"


def cells(name: str) -> list[dict]:
    return json.loads((NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))["cells"]


def source(cell: dict) -> str:
    body = cell.get("source", "")
    return "".join(body) if isinstance(body, list) else body


def test_every_expected_notebook_exists_and_no_other():
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", EXPECTED)
def test_one_parameters_cell_with_the_common_parameters(name):
    tagged = [c for c in cells(name) if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, f"{name}.ipynb needs exactly one cell tagged 'parameters'"
    assigned = {
        t.id for node in ast.parse(source(tagged[0])).body if isinstance(node, ast.Assign) for t in node.targets
    }
    assert {"lang", "data_dir"} <= assigned


@pytest.mark.parametrize("name", EXPECTED)
def test_no_definitions_no_outputs(name):
    for cell in cells(name):
        if cell["cell_type"] != "code":
            continue
        tree = ast.parse(source(cell))
        defined = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef | ast.Lambda)]
        assert not defined, f"{name}.ipynb defines code; move it into the analysis package"
        assert not cell.get("outputs"), f"{name}.ipynb has stored outputs (strip them)"
        assert cell.get("execution_count") is None


RUNS = [
    ("baseline", {"team": None}),
    ("baseline", {"team": "attarp"}),
    ("baseline", {"team": "aneby"}),
    ("survey", {"survey": "parents"}),
    ("survey", {"survey": "coordinators"}),
    ("survey", {"survey": "pupils"}),
    ("team_effects", {"team": "attarp"}),
    ("team_effects", {"team": "aneby"}),
    ("gap_analysis", {"year": 2024}),
    ("explore", {}),
    ("baseline", {"team": "nassjo", "lang": "en"}),
]


@pytest.mark.notebooks
@pytest.mark.parametrize(("name", "params"), RUNS, ids=[f"{n}-{'-'.join(map(str, p.values())) or 'default'}" for n, p in RUNS])
def test_notebook_executes_on_the_sample_data(name, params, tmp_path):
    import papermill as pm

    out = tmp_path / f"{name}.ipynb"
    pm.execute_notebook(
        str(NOTEBOOKS / f"{name}.ipynb"), str(out), parameters={"data_dir": str(SAMPLE), **params},
        kernel_name="python3", progress_bar=False, cwd=str(NOTEBOOKS),
        execution_timeout=300, start_timeout=120,  # a stuck kernel fails the test instead of CI
    )
    executed = out.read_text(encoding="utf-8")
    if name != "explore":
        banner = text.t("sample_banner", params.get("lang", "sv"))
        assert banner in executed, "a report made from the sample must say so"
        assert "Traceback" not in executed
    if name == "baseline" and params.get("team") is None:  # an indicator for each focus area
        for area in ("Fullföljda studier", "Psykisk hälsa", "Fysisk aktivitet"):
            assert f'wb-report\\">{area}</h3>' in executed, area
        assert "Länets värde är beräknat, inte Koladas" in executed  # and says which
