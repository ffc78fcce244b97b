"""Tests of the report runner (analysis.runner) on tiny fixture notebooks in tests/notebooks/.

Expected values are hand-derived from the plan in the fixture ``workbook.yml`` below (e.g. 3
teams x ``for_each: team`` = 3 reports named ``<notebook>_<team>``).
"""

from __future__ import annotations

import fcntl
import json
import shutil
from pathlib import Path

import nbformat
import pytest

import analysis.runner.core as core
from analysis.config import ConfigError, load_config
from analysis.runner import RunOptions, expand_plan, parse_param, plan_status, run, to_html
from analysis.runner.plan import slug

FIXTURES = Path(__file__).resolve().parent / "notebooks"
TEAMS = ["a", "bad", "<i>x&y</i>"]
SURVEYS = ["parents", "pupils"]

PLAN = """\
language: sv
run:
  kernel: python3
  cell_timeout: 2
  workers: 2
reports:
  - notebook: tiny
    name: tiny_county
    params: {team: null}
  - notebook: tiny
    for_each: team
  - notebook: fails
    for_each: team
  - notebook: dies
  - notebook: slow
  - notebook: leak
    name: leak1
  - notebook: leak
    name: leak2
"""


def make_project(folder: Path, plan: str = PLAN) -> Path:
    """A throw-away project: workbook.yml, the fixture notebooks and a data folder."""
    (folder / "notebooks").mkdir(parents=True)
    for nb in FIXTURES.glob("*.ipynb"):
        shutil.copy(nb, folder / "notebooks" / nb.name)
    (folder / "data" / "sample").mkdir(parents=True)
    (folder / "data" / "sample" / "teams.csv").write_text("team_id\na\nb\n", encoding="utf-8")
    (folder / "workbook.yml").write_text(plan, encoding="utf-8")
    return folder


def _fake(mp):
    """Team and survey ids come from the dataset; here from the lists above. The package code
    hash is pinned (other modules change while these tests run)."""
    mp.setattr(core, "_discover", lambda data_dir, fp, previous, code="": (TEAMS, SURVEYS, {}))
    mp.setattr(core.planmod, "code_hash", lambda config: "code-1")


@pytest.fixture(autouse=True)
def fake_discovery(monkeypatch):
    _fake(monkeypatch)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One run of the fixture plan, shared by the tests that only read its results."""
    root = make_project(tmp_path_factory.mktemp("project"))
    mp = pytest.MonkeyPatch()
    _fake(mp)
    try:
        summary = run(RunOptions(), root=root, tty=False)
    finally:
        mp.undo()
    return root, summary


def by_name(summary):
    return {r["name"]: r for r in summary.reports}


# ---------------------------------------------------------------- the plan


def test_expand_plan_for_each_and_names(tmp_path):
    config = load_config(make_project(tmp_path))
    jobs = expand_plan(config, ["a", "b"], [])
    names = [j.name for j in jobs]
    # 1 county + 2 teams (tiny) + 2 teams (fails) + dies + slow + leak1 + leak2 = 9
    assert names == [
        "tiny_county",
        "tiny_a",
        "tiny_b",
        "fails_a",
        "fails_b",
        "dies",
        "slow",
        "leak1",
        "leak2",
    ]
    assert jobs[1].params == {"team": "a"}
    assert jobs[0].params == {"team": None}


def test_expand_plan_selection_and_overrides(tmp_path):
    config = load_config(make_project(tmp_path))
    jobs = expand_plan(config, ["a", "b"], [], only=["tiny"], overrides={"team": "b"})
    # the county entry with team=b is the same report as tiny_b: kept once, under its plain name
    assert [(j.name, j.params) for j in jobs] == [("tiny_b", {"team": "b"})]
    jobs = expand_plan(config, ["a", "b"], [], only=["slow"], overrides={"year": 2023})
    assert [(j.name, j.params) for j in jobs] == [("slow_year-2023", {"year": 2023})]
    # a parameter only some notebooks declare changes only their reports (issue 19: it was
    # added to every report, each under a new name)
    jobs = expand_plan(config, ["a", "b"], [], overrides={"year": 2023})
    assert [j.name for j in jobs if j.params.get("year")] == ["slow_year-2023"]
    assert len(jobs) == 9 and not any("year" in j.params for j in jobs if j.notebook != "slow")
    with pytest.raises(ConfigError, match="no such team"):
        expand_plan(config, ["a", "b"], [], overrides={"team": "zz"})
    with pytest.raises(ConfigError, match="not in the report plan"):
        expand_plan(config, ["a", "b"], [], only=["nope"])


def test_only_selects_by_notebook_report_or_entry_name(tmp_path):
    # the published names stayed when baseline.ipynb was split (issue 15): `--only baseline`
    # still means every team's baseline, the entry's name, and not the county overview
    plan = (
        "reports:\n  - notebook: tiny\n    name: baseline_county\n"
        "  - notebook: tiny\n    name: baseline\n    for_each: team\n  - notebook: slow\n"
    )
    config = load_config(make_project(tmp_path, plan))
    assert [j.name for j in expand_plan(config, ["a", "b"], [], only=["baseline"])] == [
        "baseline_a",
        "baseline_b",
    ]
    assert [j.name for j in expand_plan(config, ["a", "b"], [], only=["baseline_county"])] == [
        "baseline_county"
    ]
    assert [j.name for j in expand_plan(config, ["a", "b"], [], only=["tiny"])] == [
        "baseline_county",
        "baseline_a",
        "baseline_b",
    ]


@pytest.mark.parametrize(
    ("overrides", "only", "message"),
    [
        (
            {"tem": "a"},
            None,
            r"--param tem: no notebook .* has such a parameter; their parameters are "
            r"tiny: team; fails: team; dies: \(none\); slow: year; leak: \(none\)\. "
            r"Did you mean team\?",
        ),
        ({"__class__": "x"}, None, "--param __class__: no notebook"),
        ({"year": 2023}, ["tiny"], "their parameters are tiny: team"),
    ],
)
def test_an_unknown_parameter_is_an_error_listing_the_parameters(
    tmp_path, overrides, only, message
):
    """Issue 19: --param tem=nassjo (a typo) built an extra report and exited 0; --param
    __class__=x built 23 duplicates."""
    config = load_config(make_project(tmp_path))
    with pytest.raises(ConfigError, match=message):
        expand_plan(config, ["a", "b"], [], only=only, overrides=overrides)


def test_parse_param_reads_yaml_values():
    assert parse_param("team=nassjo") == ("team", "nassjo")
    assert parse_param("year=2024") == ("year", 2024)
    assert parse_param("team=null") == ("team", None)
    with pytest.raises(ConfigError, match="name=value"):
        parse_param("team")
    with pytest.raises(ConfigError, match="set by the runner"):
        parse_param("lang=en")


def test_slug():
    assert slug("Nässjö 2") == "nassjo-2"
    assert slug("<i>x&y</i>") == "i-x-y-i"


# ---------------------------------------------------------------- HTML


def test_to_html_has_no_code_no_warnings_and_embeds_images():
    nb = nbformat.read(FIXTURES / "tiny.ipynb", as_version=4)
    nb.cells[1].outputs = [
        nbformat.v4.new_output("display_data", data={"text/html": "<h1>T &amp; R</h1>"})
    ]
    nb.cells[3].outputs = [
        nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo="})
    ]
    nb.cells[4].outputs = [
        nbformat.v4.new_output("stream", name="stderr", text="UserWarning: hidden"),
        nbformat.v4.new_output("stream", name="stdout", text="shown"),
    ]
    page = to_html(nb, "fallback", "en")
    assert "import os" not in page and "plt.subplots" not in page  # no code
    assert "UserWarning" not in page and "shown" in page
    assert 'src="data:image/png;base64,iVBORw0KGgo="' in page
    assert "<title>T &amp; R</title>" in page and '<html lang="en">' in page
    assert "<script" not in page
    assert len(page) < 10_000  # one small style sheet, not the lab template's ~270 kB


def test_lean_exporter_writes_what_nbconvert_writes():
    """The runner's exporter skips HTMLExporter's BeautifulSoup pass (build._lean_exporter_class):
    parsed, its page is HTMLExporter's page, image alt texts included. Fails when an nbconvert
    release changes what HTMLExporter.from_notebook_node does (pyproject bounds it, <8)."""
    from bs4 import BeautifulSoup
    from nbconvert import HTMLExporter

    from analysis.runner.build import _html_exporter

    nb = nbformat.read(FIXTURES / "tiny.ipynb", as_version=4)
    nb.cells[1].outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={"text/html": "<h1>T &amp; R</h1><p>a&nbsp;b<br>c</p><img src='x.svg'>"},
        )
    ]
    nb.cells[3].outputs = [
        nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo="})
    ]
    options = dict(
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    theirs, _ = HTMLExporter(**options).from_notebook_node(nb)
    ours, _ = _html_exporter().from_notebook_node(nb)
    assert ours != theirs  # not re-serialised: the skipped pass is really skipped
    parsed = [str(BeautifulSoup(page, features="html.parser")) for page in (ours, theirs)]
    assert parsed[0] == parsed[1]
    assert ours.count('alt="No description has been provided for this image"') == 2


# ---------------------------------------------------------------- a whole run


def test_run_builds_and_isolates_failures(built):
    root, summary = built
    reports = by_name(summary)
    assert summary.exit_code == 1
    ok = {
        "tiny_county",
        "tiny_a",
        "tiny_bad",
        "tiny_i-x-y-i",
        "fails_a",
        "fails_i-x-y-i",
        "leak1",
        "leak2",
    }
    assert {n for n, r in reports.items() if r["status"] == "ok"} == ok
    assert {n for n, r in reports.items() if r["status"] == "failed"} == {
        "dies",
        "slow",
        "fails_bad",
    }
    assert "kernel died" in reports["dies"]["error"]
    assert "2 s timeout" in reports["slow"]["error"]
    # an error that is not the workbook's own may quote data: the published index names its type
    # only; the message is in the run log and the executed notebook, outside the published folder
    assert reports["fails_bad"]["error"] == (
        "cell [3]: ValueError (the message may quote data: see the "
        "executed notebook, outside outputs/)"
    )
    out, private = root / "outputs", root / "outputs-private"
    for name in ok:
        assert (out / f"{name}.html").is_file() and (
            private / "_executed" / f"{name}.ipynb"
        ).is_file()
    assert not (out / "dies.html").exists()
    assert (private / "_executed" / "dies.ipynb").is_file()
    logs = list((private / "logs").glob("run-*.log"))
    assert (
        len(logs) == 1 and "cell [3]: ValueError: this team fails on purpose" in logs[0].read_text()
    )
    assert (
        sorted(p.name for p in out.iterdir() if p.is_dir()) == []
    )  # only HTML and the index are published
    assert not any(
        "fails on purpose" in f.read_text(encoding="utf-8")
        for f in out.iterdir()
        if f.is_file() and f.suffix in (".html", ".json")
    )


def test_parameters_are_injected(built):
    root, _ = built
    executed = nbformat.read(root / "outputs-private" / "_executed" / "tiny_a.ipynb", as_version=4)
    injected = next(
        c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])
    )
    assert f'data_dir = "{root / "data" / "sample"}"' in injected.source
    assert 'lang = "sv"' in injected.source and 'team = "a"' in injected.source
    page = (root / "outputs" / "tiny_a.html").read_text(encoding="utf-8")
    assert "team: a, lang: sv" in page
    assert (
        page.count('src="data:image/png;base64,') == 1
    )  # plt.show() in a forked kernel still shows


def test_every_report_gets_a_fresh_kernel_process(built):
    root, _ = built
    pids = set()
    for name in ("tiny_county", "tiny_a", "tiny_bad"):
        nb = nbformat.read(root / "outputs-private" / "_executed" / f"{name}.ipynb", as_version=4)
        text = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
        pids.add(text.split("pid ")[1].split()[0])
    assert len(pids) == 3
    for name in ("leak1", "leak2"):  # leak sets a flag in sys; the next report must not see it
        nb = nbformat.read(root / "outputs-private" / "_executed" / f"{name}.ipynb", as_version=4)
        assert nb.cells[-1].outputs[0]["text"].strip() == "clean"


def test_failed_notebook_keeps_traceback(built):
    root, _ = built
    nb = nbformat.read(root / "outputs-private" / "_executed" / "fails_bad.ipynb", as_version=4)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors and errors[0]["ename"] == "ValueError" and errors[0]["traceback"]
    nb = nbformat.read(root / "outputs-private" / "_executed" / "dies.ipynb", as_version=4)
    assert "kernel died" in nb.cells[0].source


def test_index_json_and_html(built):
    root, _ = built
    out = root / "outputs"
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    entry = index["reports"]["tiny_a"]
    assert (
        entry["status"] == "ok" and entry["source"] == "sample" and entry["params"] == {"team": "a"}
    )
    assert entry["size"] == (out / "tiny_a.html").stat().st_size
    assert entry["last_success"] and entry["duration"] > 0
    assert index["reports"]["dies"]["executed"] == "../outputs-private/_executed/dies.ipynb"
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "<i>x&y</i>" not in page and "&lt;i&gt;x&amp;y&lt;/i&gt;" in page  # escaped
    assert 'href="../outputs-private/_executed/dies.ipynb"' in page and 'href="tiny_a.html"' in page
    assert 'name="viewport"' in page
    assert "EXEMPELDATA" not in page and "syntetiska exempeldata" in page


def test_unchanged_reports_are_reused_and_changes_rebuild(built, monkeypatch):
    root, _ = built
    out = root / "outputs"
    before = (out / "tiny_a.html").read_bytes()
    summary = run(RunOptions(only=["tiny"]), root=root, tty=False)
    assert {r["status"] for r in summary.reports} == {"reused"}
    assert summary.exit_code == 0 and summary.duration < 2
    # changed data: everything is stale, for that reason
    (root / "data" / "sample" / "extra.csv").write_text("x\n1\n", encoding="utf-8")
    states = {r["name"]: r for r in plan_status(RunOptions(only=["tiny"]), root=root)}
    assert states["tiny_a"]["state"] == "stale" and states["tiny_a"]["reasons"] == ["data"]
    monkeypatch.setattr(core.planmod, "code_hash", lambda config: "code-2")
    states = {r["name"]: r for r in plan_status(RunOptions(only=["tiny"]), root=root)}
    assert states["tiny_a"]["reasons"] == ["data", "code"]
    monkeypatch.setattr(core.planmod, "code_hash", lambda config: "code-1")
    # a failing rebuild keeps the previous good HTML and marks it stale
    nb_path = root / "notebooks" / "tiny.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("raise RuntimeError('broken on purpose')"))
    nbformat.write(nb, nb_path)
    last_success = json.loads((out / "index.json").read_text())["reports"]["tiny_a"]["last_success"]
    summary = run(RunOptions(only=["tiny_a"]), root=root, tty=False)
    entry = by_name(summary)["tiny_a"]
    assert summary.exit_code == 1
    assert entry["status"] == "failed" and entry["stale"] is True
    assert entry["last_success"] == last_success and entry["error"].startswith(
        "cell [6]: RuntimeError"
    )
    assert (out / "tiny_a.html").read_bytes() == before
    assert (
        "tiny_bad" in json.loads((out / "index.json").read_text())["reports"]
    )  # partial run keeps others


def test_force_rebuilds(tmp_path, capsys):
    root = make_project(tmp_path, PLAN.split("  - notebook: fails")[0])
    assert run(RunOptions(), root=root, tty=True).count("ok") == 4
    err = capsys.readouterr().err
    assert "4/4" in err and "report" in err  # a progress bar on a terminal
    again = run(RunOptions(force=True, only=["tiny_bad"], lang="en"), root=root, tty=False)
    assert [r["status"] for r in again.reports] == ["ok"]
    assert "lang: en" in (root / "outputs" / "tiny_bad_en.html").read_text(encoding="utf-8")
    assert "lang: en" not in (root / "outputs" / "tiny_bad.html").read_text(encoding="utf-8")


def test_overlapping_runs_are_refused(tmp_path):
    root = make_project(tmp_path)
    (root / "outputs").mkdir()
    with open(root / "outputs" / ".run.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        with pytest.raises(ConfigError, match="another `workbook run`"):
            run(RunOptions(), root=root, tty=False)


def test_missing_data_is_a_data_error(tmp_path):
    from analysis.io import DataError

    root = make_project(tmp_path)
    (root / "data" / "sample" / "teams.csv").unlink()
    with pytest.raises(DataError, match="no data"):
        run(RunOptions(), root=root, tty=False)


def test_kernel_start_is_retried(monkeypatch):
    from analysis.runner import build, kernels

    calls = {"n": 0}
    real = kernels.Zygote.fork

    def flaky(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("could not fork a kernel: simulated start race")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(kernels.Zygote, "fork", flaky)
    nb = nbformat.read(FIXTURES / "fails.ipynb", as_version=4)
    executed, error, attempts = build.execute(
        nb, {"team": "a"}, kernel="python3", cell_timeout=10, cwd=None
    )
    assert error is None and attempts == 2


@pytest.mark.cluster
def test_dask_cluster_runs_the_plan(tmp_path):
    distributed = pytest.importorskip("distributed")
    from analysis.runner.kernels import shutdown_zygote

    root = make_project(tmp_path, PLAN.split("  - notebook: dies")[0])
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None
    ) as cluster:
        summary = run(RunOptions(scheduler=cluster.scheduler_address), root=root, tty=False)
        with distributed.Client(cluster) as client:  # let the worker exit at once
            client.run(shutdown_zygote)
    reports = by_name(summary)
    assert reports["tiny_a"]["status"] == "ok" and reports["fails_bad"]["status"] == "failed"
    assert (root / "outputs" / "tiny_a.html").is_file()
    assert reports["tiny_a"]["host"]


def test_a_run_names_every_page_over_the_page_budget():
    from analysis.runner.core import PAGE_BUDGET, over_budget

    reports = [
        {"html": "a.html", "size": PAGE_BUDGET},  # at the budget: fine
        {"html": "b.html", "size": PAGE_BUDGET + 1},
        {"html": None, "size": None},  # failed, never published
    ]
    assert over_budget(reports) == [("b.html", PAGE_BUDGET + 1)]


def test_compact_png_shrinks_charts_and_keeps_transparency():
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from PIL import Image

    from analysis.runner.build import compact_png

    fig, ax = plt.subplots(figsize=(6, 3), dpi=100)
    ax.plot(range(50), [i % 7 for i in range(50)], marker="o")
    ax.set_title("Ett diagram")
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    original = buf.getvalue()
    small = compact_png(original)
    assert len(small) < 0.9 * len(original)
    image = Image.open(io.BytesIO(small))
    assert image.size == (600, 300) and image.mode == "P"  # same pixels wide and high, a palette
    buf = io.BytesIO()
    fig.savefig(buf, format="png", transparent=True)
    plt.close(fig)
    assert compact_png(buf.getvalue()) == buf.getvalue()  # real transparency is kept
    assert compact_png(b"not a png") == b"not a png"


def test_zygote_is_replaced_when_the_code_changes(monkeypatch):
    from analysis.runner import kernels

    class FakeZygote:
        def __init__(self, data=None):
            self.open = True

        def alive(self):
            return self.open

        def close(self):
            self.open = False

    monkeypatch.setattr(kernels, "Zygote", FakeZygote)
    monkeypatch.setattr(kernels, "_zygote", None)
    monkeypatch.setattr(kernels, "_code_version", None)
    kernels.set_code_version("v1")
    first = kernels.get_zygote()
    assert kernels.get_zygote() is first
    kernels.set_code_version("v2")
    second = kernels.get_zygote()
    assert second is not first and not first.alive() and second.version == "v2"


def test_another_language_builds_beside_the_default_reports(tmp_path):
    root = make_project(tmp_path)
    default = [r["name"] for r in plan_status(RunOptions(only=["tiny"]), root=root)]
    english = [r["name"] for r in plan_status(RunOptions(only=["tiny"], lang="en"), root=root)]
    assert "tiny_county" in default and len(default) > 1
    assert english == [f"{name}_en" for name in default]  # never replaces the Swedish HTML


def test_what_the_zygote_could_not_preload_is_named_in_the_run_log(tmp_path, monkeypatch):
    # the zygote's broad excepts record a module or the data it could not preload; each kernel
    # then imports or loads it itself (an error shows in that report), and the run log names it
    from analysis.runner import kernels

    class Hello:
        hello = {"ready": True, "not_preloaded": ["statsmodels.api", "data:/x"]}

    monkeypatch.setattr(kernels, "_zygote", Hello())
    assert kernels.not_preloaded() == ["statsmodels.api", "data:/x"]
    monkeypatch.setattr(kernels, "_zygote", None)
    assert kernels.not_preloaded() == []

    root = make_project(tmp_path)
    monkeypatch.setattr(kernels, "not_preloaded", lambda: ["data:/x"])
    summary = run(RunOptions(only=["tiny_county"]), root=root, tty=False)
    assert summary.exit_code == 0
    (log,) = (root / "outputs-private" / "logs").glob("run-*.log")
    assert "could not preload data:/x; each report imported or loaded it itself" in log.read_text()


def test_county_wide_reports_are_built_after_the_team_reports():
    """They ask for every team's results, which the team reports work out and keep
    (analysis.memo); within each group the longest first (unknown: first)."""
    from analysis.runner.plan import Job

    def planned(name, params, duration):
        previous = {"duration": duration} if duration is not None else {}
        return core.Planned(Job(name, name, params), {}, "", previous, "new", [])

    todo = [
        planned("baseline_county", {}, 30.0),
        planned("baseline_a", {"team": "a"}, 2.0),
        planned("change_menu", {}, None),
        planned("survey_parents", {"survey": "parents"}, 9.0),
        planned("team_effects_a", {"team": "a"}, None),
        planned("gap_analysis", {"year": 2024}, 12.0),
    ]
    order = [p.job.name for p in sorted(todo, key=core.build_order)]
    assert order == [
        "team_effects_a",  # unknown duration: as if long
        "survey_parents",
        "baseline_a",
        "change_menu",
        "baseline_county",
        "gap_analysis",
    ]
