"""plots.spc_chart and plots.spc_panel: the elements a reader needs are on the figure."""

from __future__ import annotations

import matplotlib
import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import matplotlib.text
import numpy as np
import pandas as pd
import pytest

from analysis import plots, spc
from analysis.plots.style import PALETTE

MONTHS = pd.date_range("2023-01-01", periods=24, freq="MS")


def texts(fig) -> str:
    found = [t.get_text() for t in fig.findobj(plt.Text)]
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend:
            found += [t.get_text() for t in legend.get_texts()]
    return "\n".join(found)


def same_colour(a, b) -> bool:
    return np.allclose(mcolors.to_rgba(a), mcolors.to_rgba(b))


@pytest.fixture
def shifted():
    # 12 points around 10 then 12 around 20: a long run after the freeze, and a point far out
    y = [10, 11, 9, 10, 12, 8, 10, 11, 9, 10, 11, 9] + [
        20,
        21,
        19,
        20,
        22,
        18,
        20,
        21,
        19,
        20,
        21,
        19,
    ]
    y[3] = np.nan
    return pd.DataFrame({"month": MONTHS, "y": y})


@pytest.fixture
def changes():
    return pd.DataFrame(
        {
            "change_no": [1, 2],
            "date": pd.to_datetime(["2023-12-15", "2024-04-01"]),
            "title": ["Sms-påminnelse", "Nytt schema"],
        }
    )


def test_chart_has_verdict_changes_target_and_direction_in_swedish(shifted, changes, tmp_path):
    res = spc.chart(shifted, y="y", x="month", kind="i", freeze="2023-12-01")
    fig = plots.spc_chart(res, changes=changes, target=15, direction="up", title="Mått")
    all_text = texts(fig)
    # Baseline mean (11 values, one missing) = 110/11 = 10: 8 baseline points off the mean, then
    # 12 points above it: 20 useful, longest run 12 > round(log2 20) + 3 = round(4.32) + 3 = 7
    assert "Signal: lång serie (12 > 7)" in all_text
    assert "1: Sms-påminnelse (2023-12-15)" in all_text and "2: Nytt schema" in all_text
    assert "Mål" in all_text and "Bättre" in all_text and "Baslinje" in all_text
    ax = fig.axes[0]
    dashed = [ln for ln in ax.get_lines() if ln.get_linestyle() == "--"]
    assert dashed and same_colour(dashed[0].get_color(), PALETTE["signal"])
    assert any(same_colour(ln.get_color(), PALETTE["target"]) for ln in ax.get_lines())
    path = plots.save_png(fig, tmp_path / "chart.png")
    assert path.stat().st_size > 10_000
    plt.close(fig)


def test_a_changes_legend_key_is_its_number_in_a_circle_as_on_the_axis(shifted, changes):
    # the legend's key of change 2 is the text "2" in a filled circle of the accent colour, the
    # marker the x axis shows (no mathtext marker: it built matplotlib's mathtext machinery in
    # every report)
    from analysis.plots.style import svg_markup

    res = spc.chart(shifted, y="y", x="month", kind="i")
    fig = plots.spc_chart(res, changes=changes, title="Mått")
    legend = fig.axes[0].get_legend()
    fig.canvas.draw()
    keys = [
        artist
        for artist in legend.findobj(matplotlib.text.Text)
        if artist.get_text() in ("1", "2") and artist.get_bbox_patch() is not None
    ]
    assert sorted(k.get_text() for k in keys) == ["1", "2"]
    assert all(same_colour(k.get_bbox_patch().get_facecolor(), PALETTE["accent"]) for k in keys)
    assert not any(
        "$" in str(h.get_marker()) for h in legend.legend_handles if hasattr(h, "get_marker")
    )
    svg = svg_markup(fig)
    assert svg.count(">2</text>") >= 2  # on the axis and in the legend


def test_points_outside_limits_are_highlighted_and_english_labels():
    y = [1, 2, 1, 2, 1, 2, 1, 2, 1, 20]
    res = spc.chart(pd.DataFrame({"x": range(10), "y": y}), y="y", x="x", kind="i")
    fig = plots.spc_chart(res, lang="en")
    ax = fig.axes[0]
    signal = [c for c in ax.collections if same_colour(c.get_facecolor()[0], PALETTE["signal"])]
    assert len(signal) == 1 and signal[0].get_offsets().tolist() == [[9, 20]]
    assert "; 1 point outside the control limits" in texts(
        fig
    )  # 9 points below the mean: a long run too
    assert "Control limits" in texts(fig)
    plt.close(fig)


def test_no_signal_verdict_and_solid_centre_line():
    res = spc.chart(pd.DataFrame({"y": [3, 5, 4, 6, 3, 5, 4, 6, 5, 3]}), y="y")
    fig = plots.spc_chart(res)
    assert "Ingen signal om icke-slumpmässig variation" in texts(fig)
    assert not [ln for ln in fig.axes[0].get_lines() if ln.get_linestyle() == "--"]
    plt.close(fig)


def test_phases_are_labelled(shifted):
    d = shifted.assign(phase=["Före"] * 12 + ["Efter"] * 12)
    res = spc.chart(d, y="y", x="month", kind="run", part="phase")
    fig = plots.spc_chart(res, lang="en")
    all_text = texts(fig)
    assert "Före" in all_text and "Efter" in all_text
    # one verdict per phase, each said to be about the variation within it (issue 16)
    assert all_text.count("Efter, within the phase: No signal") == 1
    assert all_text.count("Före, within the phase: No signal") == 1
    assert "not the difference between phases" in all_text
    plt.close(fig)


def test_panel_has_one_chart_per_series():
    d = pd.DataFrame(
        {
            "measure": np.repeat(["a", "b", "c"], 12),
            "x": np.tile(np.arange(12), 3),
            "y": np.random.default_rng(1).normal(10, 1, 36),
        }
    )
    res = spc.chart(d, y="y", x="x", kind="i", by="measure")
    fig = plots.spc_panel(res, titles={"a": "Mått A"}, targets={"b": 11}, directions={"c": "down"})
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 3
    assert "Mått A" in texts(fig) and "Bättre" in texts(fig)
    plt.close(fig)


def test_one_series_only_and_bad_arguments():
    d = pd.DataFrame({"g": ["a"] * 5 + ["b"] * 5, "y": range(10)})
    res = spc.chart(d, y="y", by="g")
    with pytest.raises(ValueError, match="spc_panel"):
        plots.spc_chart(res)
    one = res.series()["a"]
    with pytest.raises(ValueError, match="direction"):
        plots.spc_chart(one, direction="sideways")
    with pytest.raises(ValueError, match="change_no, date, title"):
        plots.spc_chart(one, changes=pd.DataFrame({"date": [1]}))
    plt.close("all")


def test_an_astronomical_point_is_marked_and_named():
    # IHI rules on a run chart: the 40 is 29 median moving ranges from the median (see
    # test_spc_reference); the chart marks it and the legend and verdict name it
    d = pd.DataFrame({"month": MONTHS[:10], "y": [10, 11, 10, 12, 11, 10, 11, 40, 11, 10]})
    res = spc.chart(d, y="y", x="month", rules="ihi")
    fig = plots.spc_chart(res, lang="sv")
    shown = texts(fig)
    assert "Astronomisk punkt" in shown and "1 astronomisk punkt" in shown
    plt.close(fig)
