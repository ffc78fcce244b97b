"""The coaches' exploration logic, tested without a browser on tiny hand-built data."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from analysis import explore
from analysis.config import ConfigError

PERIODS = pd.date_range("2024-01-01", periods=20, freq="W-MON")
# Hand-checkable values: the median of the first 10 is 5.5, of the first 15 is 8.
VALUES = [*range(1, 11), 20, 21, 22, 23, 24, 12, 13, 14, 15, 16]


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "workbook.yml").write_text("language: sv\n", encoding="utf-8")
    monkeypatch.setenv("WORKBOOK_ROOT", str(tmp_path))
    return tmp_path


def make_dataset(folder: Path, with_changes: bool = True):
    teams = pd.DataFrame(
        {"team_id": ["skola", "tom"], "team_name": ["Skolan", "Utan förändringar"]}
    )
    measures = pd.DataFrame(
        {
            "measure_id": ["narvaro", "franvaro", "besok"],
            "team_id": ["skola", "skola", "tom"],
            "measure_name": ["Närvaro", "Frånvaro", "Besök"],
            "chart": ["run", "p", "run"],
            "target": [float("nan"), 0.1, float("nan")],
            "direction": ["up", "down", "up"],
            "unit": ["antal", "%", "antal"],
            "frequency": ["week", "week", "week"],
        }
    )
    rows = []
    for team, measure in [("skola", "narvaro"), ("tom", "besok")]:
        rows += [
            {
                "team_id": team,
                "measure_id": measure,
                "period": p,
                "value": float(v),
                "numerator": float("nan"),
                "denominator": float("nan"),
            }
            for p, v in zip(PERIODS, VALUES, strict=True)
        ]
    rows += [
        {
            "team_id": "skola",
            "measure_id": "franvaro",
            "period": p,
            "value": float("nan"),
            "numerator": float(5 + i % 3),
            "denominator": 50.0,
        }
        for i, p in enumerate(PERIODS)
    ]
    changes = pd.DataFrame(
        {
            "team_id": ["skola"],
            "change_no": [1],
            "date": [PERIODS[10]],
            "title": ["Sms samma dag"],
            "measures": ["narvaro"],
        }
    )
    if not with_changes:
        changes = changes.iloc[0:0]
    return SimpleNamespace(
        folder=folder,
        is_sample=True,
        source="sample",
        teams=teams,
        measures=measures,
        observations=pd.DataFrame(rows),
        changes=changes,
    )


def test_default_baseline_ends_before_the_first_change_and_moving_it_moves_the_centre_line(project):
    ds = make_dataset(project)
    default = explore.build_view(ds, explore.Selection("skola", "narvaro", phases=False))
    assert default.result.points["cl"].iloc[0] == pytest.approx(5.5)  # median of 1..10
    moved = explore.build_view(
        ds, explore.Selection("skola", "narvaro", phases=False, baseline_end=PERIODS[14])
    )
    assert moved.result.points["cl"].iloc[0] == pytest.approx(8.0)  # median of 1..10, 20..24


def test_toggling_phases_changes_the_summary(project):
    ds = make_dataset(project)
    with_phases = explore.build_view(ds, explore.Selection("skola", "narvaro", phases=True))
    without = explore.build_view(ds, explore.Selection("skola", "narvaro", phases=False))
    assert len(with_phases.summary) == 2 and len(without.summary) == 1
    # Phase 2 (points 11..20) has its own median: of 20..24 and 12..16 = (16 + 20) / 2 = 18.
    assert with_phases.result.points["cl"].iloc[-1] == pytest.approx(18.0)
    assert (
        with_phases.effect is not None and len(with_phases.effect) == 1
    )  # one change, one estimate


def test_a_team_without_changes_is_all_baseline(project):
    ds = make_dataset(project, with_changes=False)
    view = explore.build_view(ds, explore.Selection("tom", "besok"))
    assert len(view.summary) == 1
    assert view.effect is None
    assert view.result.points["cl"].nunique() == 1


def test_unknown_measure_and_team_are_clear_errors(project):
    ds = make_dataset(project)
    with pytest.raises(
        ConfigError,
        match="unknown measure 'vikt' for team 'skola'; known measures: narvaro, franvaro",
    ):
        explore.build_view(ds, explore.Selection("skola", "vikt"))
    with pytest.raises(ConfigError, match="unknown team 'vaxjo'"):
        explore.build_view(ds, explore.Selection("vaxjo", "narvaro"))
    with pytest.raises(ConfigError, match="needs both"):
        explore.build_view(ds, explore.Selection("skola", "narvaro", chart="p"))


def test_a_rate_measure_can_be_viewed_as_an_i_chart_of_its_share(project):
    ds = make_dataset(project)
    view = explore.build_view(ds, explore.Selection("skola", "franvaro", chart="i", phases=False))
    assert view.result.points["y"].iloc[0] == pytest.approx(5 / 50)


def test_notes_are_saved_outside_raw_data_and_shown(project):
    ds = make_dataset(project / "data" / "sample")
    explore.add_note(ds, "skola", "narvaro", PERIODS[3], "  sjukdomsutbrott   vecka 7 ")
    path = explore.notes_path(ds, "skola")
    assert path == project / "data" / "notes" / "sample" / "skola.csv"
    notes = explore.load_notes(ds, "skola")
    view = explore.build_view(ds, explore.Selection("skola", "narvaro"), notes)
    assert list(view.notes["note"]) == ["sjukdomsutbrott vecka 7"]
    with pytest.raises(ValueError, match="not a measured period"):
        explore.add_note(ds, "skola", "narvaro", "1999-01-01", "x")
    with pytest.raises(ValueError, match="the note is empty"):
        explore.add_note(ds, "skola", "narvaro", PERIODS[3], "   ")


def test_saved_csv_opens_in_swedish_excel(project):
    ds = make_dataset(project)
    view = explore.build_view(ds, explore.Selection("skola", "franvaro", phases=False))
    path = explore.save_csv(view, project / "out")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel then reads å, ä, ö right
    header, first = raw.decode("utf-8-sig").splitlines()[:2]
    # issue 16: the team and the measure on every row, the share in percent as the chart says
    # it (5/50 = 10 %, with a decimal comma), in a column whose name says "%"
    assert header.split(";")[:7] == [
        "Team",
        "Mått",
        "Måttets namn",
        "Diagramtyp",
        "Period",
        "Värde (%)",
        "Centrallinje (%)",
    ]
    assert first.split(";")[:6] == ["skola", "franvaro", "Frånvaro", "p", "2024-01-01", "10,0"]


def test_a_p_measure_on_a_run_chart_is_still_in_percent(project):
    """Issue 16: switching a p measure to a run chart showed 0,48 instead of 48 %."""
    ds = make_dataset(project)
    view = explore.build_view(ds, explore.Selection("skola", "franvaro", chart="run", phases=False))
    assert view.share and view.result.kind == "run"
    # counts 5, 6, 7, 5, 6, 7, ... of 50 over 20 weeks: seven 5s, seven 6s, six 7s; the 10th and
    # 11th of the sorted 20 are both 6, so the median is 6/50 = 12 %
    assert view.summary["Centrallinje"].tolist() == ["12,0\xa0%"]
    table = explore.export_table(view)
    assert table["Värde (%)"].tolist()[:3] == [10.0, 12.0, 14.0]
    assert view.target == pytest.approx(0.1)  # the target (0-1) is drawn on the percent axis
    fig = explore.figure(view)
    try:
        labels = [tick.get_text() for tick in fig.axes[0].get_yticklabels()]
        assert any(label.endswith("%") for label in labels), labels
    finally:
        import matplotlib.pyplot as plt

        plt.close(fig)
    # an i chart of a measure of single values stays a number
    plain = explore.build_view(ds, explore.Selection("skola", "narvaro", chart="i", phases=False))
    assert not plain.share and "%" not in plain.summary["Centrallinje"].iloc[0]


def test_ihi_rules_show_no_missing_limits(project):
    """Issue 16: IHI's rules have no crossings rule; the phase table said `6 (minst <NA>)`."""
    ds = make_dataset(project)
    view = explore.build_view(ds, explore.Selection("skola", "narvaro", rules="ihi"))
    cells = " ".join(view.summary.astype(str).to_numpy().ravel())
    assert "<NA>" not in cells and "nan" not in cells and "minst" not in cells
    anhoej = explore.build_view(ds, explore.Selection("skola", "narvaro", rules="anhoej"))
    # Anhøj's limits for 10 useful points: longest run at most 6, at least 2 crossings
    # (Anhøj & Olesen 2014, table 1)
    assert anhoej.summary["Längsta serie"].iloc[0].endswith("(max 6)")
    assert anhoej.summary["Korsningar"].iloc[0].endswith("(minst 2)")


def test_saved_png_is_a_picture(project):
    ds = make_dataset(project)
    view = explore.build_view(ds, explore.Selection("skola", "narvaro"))
    path = explore.save_png(view, project / "out")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_app_redraws_when_a_widget_changes(project):
    ds = make_dataset(project)
    app = explore.ExploreApp(ds, team="skola", measure="narvaro", lang="sv")
    first = app.redraw()
    app.phases.value = False  # fires a redraw through the observer
    assert app.view is not first and len(app.view.summary) == 1
    app.team.value = "tom"
    assert app.view.selection.team == "tom" and app.view.selection.measure == "besok"


def test_an_absent_period_is_a_gap_not_a_join(project):
    ds = make_dataset(project)
    ds.measures["frequency"] = "week"
    ds.observations = ds.observations[ds.observations["period"] != PERIODS[5]]
    series = explore.measure_series(ds, "skola", "narvaro")
    assert len(series) == 20 and series["y"].isna().sum() == 1
    assert series.loc[series["period"] == PERIODS[5], "y"].isna().all()
    view = explore.build_view(ds, explore.Selection("skola", "narvaro", phases=False))
    assert view.result.points["y"].isna().sum() == 1  # drawn as a gap
    assert PERIODS[5] not in explore.periods(ds, "skola", "narvaro")  # nothing to note on


def _all_widgets(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _all_widgets(child)


def test_the_app_draws_into_an_html_widget_not_an_output_widget(project, monkeypatch):
    """nbclient answers an ``Output`` widget on the shell socket while it waits there for the
    execute reply, and headless runs hang (issue 19, nbclient #312): the app must not use one."""
    import ipywidgets as w

    ds = make_dataset(project)
    app = explore.ExploreApp(ds, team="skola", measure="narvaro", lang="sv")
    assert not any(isinstance(x, w.Output) for x in _all_widgets(app.widget()))
    app.redraw()
    assert app.output.value.count("<img") == 1 and "<table" in app.output.value
    before = app.output.value
    app.rules.value = "ihi"  # a change redraws the same widget
    assert app.output.value != before and app.output.value.count("<img") == 1

    def fails(*_args):
        raise ConfigError("unknown measure <b>x</b>")

    monkeypatch.setattr(explore, "build_view", fails)
    app.redraw()  # an error is shown in the same place, escaped
    assert (
        "unknown measure &lt;b&gt;x&lt;/b&gt;" in app.output.value
        and "<img" not in app.output.value
    )


@pytest.mark.notebooks
def test_the_explorer_runs_headless_again_and_again(tmp_path):
    """The explore notebook executed 5 times in a row by the stock nbclient (as papermill and
    nbval do) with no cell timeout: a hang makes the bounded subprocess fail, it cannot stall the
    suite. ``benchmarks/explore_headless.py`` does 50 fresh-kernel runs."""
    import os
    import signal
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    script = f"""
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from papermill.iorw import load_notebook_node
from papermill.parameterize import parameterize_notebook

nb = load_notebook_node({str(root / "notebooks" / "explore.ipynb")!r})
nb = parameterize_notebook(nb, {{"data_dir": {str(root / "data" / "sample")!r}}})
km = AsyncKernelManager(kernel_name="python3")
km.start_kernel(cwd={str(root / "notebooks")!r})
try:
    for run in range(5):
        client = NotebookClient(nb, km=km, timeout=None, kernel_name="python3")
        executed = client.execute()
        assert any(o.get("output_type") == "display_data" for c in executed.cells for o in c.get("outputs", []))
        print("run", run, "ok", flush=True)
finally:
    km.shutdown_kernel(now=True)
"""
    process = subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        out, _ = process.communicate(timeout=180)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, _ = process.communicate()
        pytest.fail(f"the explorer hung in a headless run:\n{out[-2000:]}")
    assert process.returncode == 0, out[-2000:]
    assert out.count(" ok") == 5


def test_a_note_that_looks_like_a_formula_is_text_in_the_csv_and_itself_in_the_chart(project):
    """Issue 19: notes such as =HYPERLINK(...) went unchanged into an Excel-shaped CSV."""
    ds = make_dataset(project / "data" / "sample")
    hostile = '=HYPERLINK("http://evil.example";"Klicka")'
    explore.add_note(ds, "skola", "narvaro", PERIODS[3], hostile)
    explore.add_note(ds, "skola", "narvaro", PERIODS[4], "@SUM(1+1)")
    cells = explore.notes_path(ds, "skola").read_text(encoding="utf-8-sig").splitlines()
    assert any(line.split(";")[3].startswith("\"'=HYPERLINK") for line in cells[1:])
    assert any(line.split(";")[3] == "'@SUM(1+1)" for line in cells[1:])
    notes = explore.load_notes(ds, "skola")
    assert list(notes["note"]) == [hostile, "@SUM(1+1)"]
