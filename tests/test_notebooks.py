"""Every notebook keeps the notebook rules, and executes on the sample data."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from analysis import text

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
EXPECTED = [
    "county",
    "team_baseline",
    "survey",
    "team_effects",
    "gap_analysis",
    "change_menu",
    "explore",
]
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
        t.id
        for node in ast.parse(source(tagged[0])).body
        if isinstance(node, ast.Assign)
        for t in node.targets
    }
    assert {"lang", "data_dir"} <= assigned


@pytest.mark.parametrize("name", EXPECTED)
def test_no_definitions_no_outputs(name):
    for cell in cells(name):
        if cell["cell_type"] != "code":
            continue
        tree = ast.parse(source(cell))
        defined = [
            n
            for n in ast.walk(tree)
            if isinstance(n, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef | ast.Lambda)
        ]
        assert not defined, f"{name}.ipynb defines code; move it into the analysis package"
        assert not cell.get("outputs"), f"{name}.ipynb has stored outputs (strip them)"
        assert cell.get("execution_count") is None


@pytest.mark.parametrize("name", EXPECTED)
def test_a_notebook_decides_nothing(name):
    # What a report shows is decided in its view (analysis/views/): a notebook has no branches,
    # no loops, no filtering; it makes the context, builds the view and renders it.
    for cell in cells(name):
        if cell["cell_type"] != "code":
            continue
        tree = ast.parse(source(cell))
        decided = [
            type(n).__name__
            for n in ast.walk(tree)
            if isinstance(
                n, ast.If | ast.IfExp | ast.For | ast.While | ast.comprehension | ast.Subscript
            )
        ]
        assert not decided, (
            f"{name}.ipynb decides something ({', '.join(decided)}); move it into its view"
        )
    if name != "explore":
        body = "".join(source(c) for c in cells(name) if c["cell_type"] == "code")
        assert (
            "report.context(" in body
            and "view.build(ctx)" in body
            and "report.render(page, ctx)" in body
        )


# Every notebook also runs once as a user opens it (its own kernel, default parameters, no injected
# cell) under nbval: `make test` passes `--nbval-lax tests notebooks`. Here papermill runs them with
# the parameters of the reports and checks what they publish; the default-parameter runs below stay
# because the privacy audit of the whole publication needs their pages. The explorer publishes
# nothing: nbval runs it (benchmarks/explore_headless.py runs it 20 times in a row that way).
RUNS = [
    ("county", {}),
    ("team_baseline", {"team": "attarp"}),
    ("team_baseline", {"team": "aneby"}),
    ("survey", {"survey": "parents"}),
    ("survey", {"survey": "coordinators"}),
    ("survey", {"survey": "pupils"}),
    ("team_effects", {"team": "attarp"}),
    ("team_effects", {"team": "aneby"}),
    ("gap_analysis", {"year": 2024}),
    ("team_baseline", {"team": "rydaholm", "lang": "en"}),  # the parent and coordinator surveys
]


@pytest.fixture(scope="session")
def executed(tmp_path_factory):
    """Execute a notebook on the sample data once per test session (several tests read it)."""
    import papermill as pm

    done: dict[tuple, Path] = {}

    def run(name: str, params: dict) -> Path:
        key = (name, tuple(sorted(params.items(), key=str)))
        if key not in done:
            out = tmp_path_factory.mktemp("executed") / f"{name}.ipynb"
            pm.execute_notebook(
                str(NOTEBOOKS / f"{name}.ipynb"),
                str(out),
                parameters={"data_dir": str(SAMPLE), **params},
                kernel_name="python3",
                progress_bar=False,
                cwd=str(NOTEBOOKS),
                execution_timeout=300,
                start_timeout=120,  # a stuck kernel fails the test instead of CI
            )
            done[key] = out
        return done[key]

    return run


def rendered(path: Path, name: str) -> str:
    """The report page the runner would publish from an executed notebook."""
    import nbformat

    from analysis.runner import to_html

    return to_html(nbformat.read(path, as_version=4), name)


def sample_codebooks() -> dict:
    from analysis import surveys

    return {s: surveys.load_codebook(SAMPLE / "surveys" / s) for s in surveys.find_surveys(SAMPLE)}


@pytest.mark.notebooks
@pytest.mark.parametrize(
    ("name", "params"),
    RUNS,
    ids=[f"{n}-{'-'.join(map(str, p.values())) or 'default'}" for n, p in RUNS],
)
def test_notebook_executes_on_the_sample_data(name, params, executed):
    out = executed(name, params)
    executed_text = out.read_text(encoding="utf-8")
    banner = text.t("sample_banner", params.get("lang", "sv"))
    assert banner in executed_text, "a report made from the sample must say so"
    assert "Traceback" not in executed_text
    # every report on its own passes the privacy audit (docs/privacy.md)
    from analysis.privacy import audit

    result = audit.audit({name: rendered(out, name)}, sample_codebooks(), 5)
    assert result.ok, str(result)
    if name == "county":  # an indicator for each focus area
        for area in ("Fullföljda studier", "Psykisk hälsa", "Fysisk aktivitet"):
            assert f'wb-report\\">{area}</h3>' in executed_text, area
        assert "Länets värde är beräknat, inte Koladas" in executed_text  # and says which


@pytest.mark.notebooks
def test_the_sample_reports_together_pass_the_privacy_audit(executed):
    # A reader has every report at once: the survey reports, the team reports' survey tables and
    # the effect reports' wave and "for whom" tables are audited as one publication.
    from analysis.privacy import audit

    pages = {f"{n}-{i}": rendered(executed(n, p), n) for i, (n, p) in enumerate(RUNS)}
    result = audit.audit(pages, sample_codebooks(), 5)
    assert result.ok, str(result)
    surveyed = {name for name, html in pages.items() if 'data-cell="' in html}  # a mark, not CSS
    assert {
        "survey-3",
        "survey-4",
        "survey-5",
        "team_effects-6",
        "team_baseline-1",
        "team_baseline-9",
    } <= surveyed
    # Aneby's codebooks tie no survey to it (issue 16: it used to get the pupil survey of five
    # other schools because its name says "skolan")
    assert "team_baseline-2" not in surveyed and "team_effects-7" not in surveyed
    assert result.numbers_read > 3000 and result.cells_checked > 4000
    # every report a phone loads stays under the page budget (issue 16: 300 KB; the pupil
    # report was 779 KB with PNG charts and JSON privacy marks)
    from analysis.runner.core import PAGE_BUDGET

    sizes = {name: len(html.encode("utf-8")) for name, html in pages.items()}
    assert {n: s for n, s in sizes.items() if s > PAGE_BUDGET} == {}, PAGE_BUDGET
