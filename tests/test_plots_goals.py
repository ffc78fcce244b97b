"""Goal and indicator small multiples (seaborn FacetGrid): panels, values, gaps, labels."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from analysis import plots
from analysis.text import t


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def panels(fig) -> dict[str, plt.Axes]:
    return {ax.get_title(loc="left"): ax for ax in fig.axes if ax.get_visible()}


def indicator_series() -> pd.DataFrame:
    rows = []
    for code, base in (("0604", 70.0), ("0617", 60.0), ("0642", 50.0)):
        for year in (2021, 2022, 2023):
            value = np.nan if (code, year) == ("0617", 2022) else base + year - 2021
            rows.append((code, year, value, 65.0))
    return pd.DataFrame(rows, columns=["municipality_code", "year", "value", "county"])


def test_indicator_panels_one_panel_each_in_the_given_order_and_a_missing_year_is_a_gap():
    names = {"0604": "Aneby", "0617": "Gnosjö", "0642": "Mullsjö"}
    series = indicator_series().iloc[[3, 4, 5, 0, 1, 2, 6, 7, 8]]  # Gnosjö first
    fig = plots.indicator_panels(series, names=names, unit="%", ncols=2, lang="sv")
    axes = panels(fig)
    assert list(axes) == ["Gnosjö", "Aneby", "Mullsjö"]
    gnosjo = [line for line in axes["Gnosjö"].lines if line.get_marker() == "o"][0]
    assert list(gnosjo.get_xdata()) == [2021, 2022, 2023]
    y = np.asarray(gnosjo.get_ydata(), float)
    assert y[0] == 60 and np.isnan(y[1]) and y[2] == 62  # not bridged
    # y tick labels on the left column only, x tick labels on the last row
    fig.canvas.draw()
    shown = {
        name: (
            any(t.get_visible() and t.get_text() for t in ax.get_yticklabels()),
            any(t.get_visible() and t.get_text() for t in ax.get_xticklabels()),
        )
        for name, ax in axes.items()
    }
    assert shown == {"Gnosjö": (True, False), "Aneby": (False, False), "Mullsjö": (True, True)}
    assert axes["Gnosjö"].get_ylabel() == "%" and axes["Aneby"].get_ylabel() == ""


def test_goal_chart_draws_observed_goal_and_the_gap_of_the_latest_year():
    # 0604: latest 2023 value 72 against the 2023 goal 75: gap 3.0 pp, a red line from 72 to 75.
    # 0617: 2023 value 80 above its goal 78: on track, no gap line.
    series = pd.DataFrame(
        {
            "municipality_code": ["0604"] * 3 + ["0617"] * 3,
            "year": [2021, 2022, 2023] * 2,
            "value": [71.0, 70.0, 72.0, 76.0, 77.0, 80.0],
            "goal": [71.0, 73.0, 75.0, 74.0, 76.0, 78.0],
        }
    )
    fig = plots.goal_chart(
        series, names={"0604": "Aneby", "0617": "Gnosjö"}, title="Mål", lang="sv"
    )
    axes = panels(fig)
    assert list(axes) == ["Aneby", "Gnosjö"]
    aneby = axes["Aneby"]
    observed, goal = aneby.lines[0], aneby.lines[1]
    assert list(observed.get_ydata()) == [71.0, 70.0, 72.0]
    assert list(goal.get_ydata()) == [71.0, 73.0, 75.0] and goal.get_linestyle() == "--"
    gap = aneby.collections[-1].get_segments()[0]
    assert gap.tolist() == [[2023, 72.0], [2023, 75.0]]
    texts = {name: [t.get_text() for t in ax.texts] for name, ax in axes.items()}
    assert texts["Aneby"] == ["gap 3,0 p.e."]
    assert texts["Gnosjö"] == [t("goals_chart_on_track", "sv")]


def test_goal_chart_without_a_facet_column_is_one_panel():
    series = pd.DataFrame({"year": [2021, 2022], "value": [1.0, 2.0], "goal": [1.0, 3.0]})
    fig = plots.goal_chart(series, unit="st", lang="en")
    assert len([ax for ax in fig.axes if ax.get_visible()]) == 1
