"""Tests of analysis.plots.effects: the figures draw what the frames say, in the report language."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from analysis import effects, plots, text


@pytest.fixture(autouse=True)
def _close_and_reset_language():
    yield
    plt.close("all")
    text.set_language("sv")


def _its():
    # a hand-built step of +3 at t = 13 with a phase-in point left out
    t = np.arange(1, 25)
    y = 10 + 3.0 * (t >= 13) + np.where(t % 2 == 0, 0.2, -0.2)
    return effects.interrupted_time_series(
        pd.DataFrame({"t": t, "y": y}),
        y="y",
        time="t",
        intervention=13,
        family="gaussian",
        trend=False,
        exclude=[12],
    )


def _labels(ax) -> list[str]:
    return [h.get_label() for h in ax.get_legend().legend_handles]


def test_its_chart_draws_observed_fitted_counterfactual_and_phase_in():
    fig = plots.its_chart(_its(), "Titel", change_labels=["Sms samma dag"])
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == "Titel"
    assert _labels(ax) == [
        "Observerat",
        "Inkörningsperiod (ingår inte i modellen)",
        "Modell",
        "Utan förändring (förväntat)",
    ]
    dashed = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert len(dashed) == 1
    # the counterfactual after the change stays at the level before it (10), the model at 13
    assert np.allclose(dashed[0].get_ydata()[1:], 10.0, atol=0.05)
    assert any(tx.get_text() == "Sms samma dag" for tx in ax.texts)


def test_its_chart_in_english_and_percent_axis():
    text.set_language("en")
    t = np.arange(1, 21)
    frame = pd.DataFrame(
        {"t": t, "x": np.where(t >= 11, 60, 40) + np.where(t % 2 == 0, 3, -3), "n": 100}
    )
    res = effects.interrupted_time_series(
        frame, y="x", time="t", intervention=11, denominator="n", family="binomial", trend=False
    )
    fig = plots.its_chart(res, as_percent=True)
    ax = fig.axes[0]
    assert _labels(ax)[0] == "Observed"
    fig.canvas.draw()
    assert any(lbl.get_text().endswith("%") for lbl in ax.get_yticklabels())


def _table() -> pd.DataFrame:
    # differences on the readers' scale: share points as fractions (pp), relative changes as
    # fractions (rate ratio 0.95 -> -5 %), and differences in the measure's own unit
    return pd.DataFrame(
        [
            dict(
                measure_name="Närvaro",
                changes="1, 2",
                change_no=2,
                difference=0.048,
                diff_low=0.029,
                diff_high=0.067,
                diff_kind="pp",
                unit="%",
                detected=True,
                improved=True,
                worse=False,
            ),
            dict(
                measure_name="Besök",
                changes="3",
                change_no=3,
                difference=-0.05,
                diff_low=-0.2,
                diff_high=0.1,
                diff_kind="relative",
                unit="antal",
                detected=False,
                improved=False,
                worse=False,
            ),
            dict(
                measure_name="Tid",
                changes="2",
                change_no=2,
                difference=-2.0,
                diff_low=-3.0,
                diff_high=-1.0,
                diff_kind="difference",
                unit="timmar",
                detected=True,
                improved=False,
                worse=True,
            ),
            dict(
                measure_name="Väntetid",
                changes="2",
                change_no=2,
                difference=1.5,
                diff_low=0.5,
                diff_high=2.5,
                diff_kind="difference",
                unit="dagar",
                detected=True,
                improved=False,
                worse=True,
            ),
            dict(
                measure_name="Kort",
                changes="4",
                change_no=4,
                difference=np.nan,
                diff_low=np.nan,
                diff_high=np.nan,
                diff_kind="pp",
                unit="%",
                detected=False,
                improved=False,
                worse=False,
            ),
        ]
    )


def test_effects_forest_one_axis_per_scale_never_a_ratio_axis():
    fig = plots.effects_forest(_table())
    pp_ax, rel_ax, hours_ax, days_ax = fig.axes
    # shares in percentage points, counts in percent, each unit on its own axis: no "ratio" axis
    assert pp_ax.get_xlabel() == "Skillnad mot förväntad nivå (procentenheter)"
    assert rel_ax.get_xlabel() == "Förändring mot förväntad nivå (%)"
    assert hours_ax.get_xlabel() == "Skillnad mot förväntad nivå (timmar)"
    assert days_ax.get_xlabel() == "Skillnad mot förväntad nivå (dagar)"
    assert all(ax.get_xscale() == "linear" for ax in fig.axes)
    assert not any("kvot" in ax.get_xlabel() or "ratio" in ax.get_xlabel() for ax in fig.axes)
    assert [tl.get_text() for tl in pp_ax.get_yticklabels()] == ["Närvaro – Förändring 1, 2"]
    # +4.8 pp drawn at 4.8 with its interval 2.9 to 6.7; -5 % drawn at -5
    ci = [line for line in pp_ax.get_lines() if len(line.get_xdata()) == 2][0]
    assert np.allclose(ci.get_xdata(), [2.9, 6.7])
    dots = [line for line in rel_ax.get_lines() if line.get_marker() == "o"]
    assert np.allclose(dots[0].get_xdata(), [-5.0])
    assert pp_ax.get_lines()[0].get_color() == plots.PALETTE["good"]
    assert rel_ax.get_lines()[0].get_color() == plots.PALETTE["neutral"]
    assert hours_ax.get_lines()[0].get_color() == plots.PALETTE["bad"]


def test_effects_forest_in_english():
    text.set_language("en")
    fig = plots.effects_forest(_table().iloc[[0, 1]])
    assert [ax.get_xlabel() for ax in fig.axes] == [
        "Difference from the expected level (percentage points)",
        "Change from the expected level (%)",
    ]


def test_effects_forest_without_estimates_says_so():
    fig = plots.effects_forest(_table().iloc[[4]])
    assert "tillräckligt många mätpunkter" in fig.axes[0].texts[0].get_text()


def test_wave_comparison_chart_leaves_out_suppressed_rows():
    frame = pd.DataFrame(
        {
            "item_label": ["Rör sig", "Sover bra", "Liten grupp"],
            "diff_pp": [12.2, 2.4, np.nan],
            "ci_low_pp": [8.4, -1.4, np.nan],
            "ci_high_pp": [16.0, 6.1, np.nan],
            "mdd_pp": [5.6, 5.5, np.nan],
            "significant": [True, False, False],
            "suppressed": [False, False, True],
        }
    )
    fig = plots.wave_comparison_chart(frame, title="Enkät")
    ax = fig.axes[0]
    assert [tl.get_text() for tl in ax.get_yticklabels()] == ["Rör sig", "Sover bra"]
    assert ax.get_xlabel() == "Skillnad december − september (procentenheter)"
    assert plots.PALETTE["highlight"] in {line.get_color() for line in ax.get_lines()}


def test_effects_poster_has_a_box_per_section_in_order():
    sections = {
        "Förbättringsområde": ["fullföljda studier"],
        "Bakgrund": ["text"],
        "Nuläge": ["a", "b"],
        "Analys av nuläge": ["c"],
        "Prioriterade förändringar som testats": ["1. x"],
        "Resultat kopplat till det övergripande målet": ["Närvaron ökade från 88 % till 93 %."],
    }
    fig = plots.effects_poster(sections, "Attarpskolan", "Nätverket")
    headings = [ax.texts[0].get_text() for ax in fig.axes[1:]]
    assert headings == list(sections)
    assert fig.axes[0].texts[0].get_text() == "Attarpskolan"
    assert "Närvaron ökade" in fig.axes[-1].texts[1].get_text()


def test_its_chart_compares_each_later_phase_with_its_own_expected_level():
    # steps of +3 at t = 13 and +2 at t = 25 without a trend: the dashed line of the second
    # phase is the level without the second step (13), not the level without any change (10)
    t = np.arange(1, 37)
    y = 10 + 3.0 * (t >= 13) + 2.0 * (t >= 25) + np.where(t % 2 == 0, 0.1, -0.1)
    res = effects.interrupted_time_series(
        pd.DataFrame({"t": t, "y": y}),
        y="y",
        time="t",
        intervention=[13, 25],
        family="gaussian",
        trend=False,
    )
    fig = plots.its_chart(res)
    dashed = [line for line in fig.axes[0].get_lines() if line.get_linestyle() == "--"]
    assert len(dashed) == 2
    assert np.allclose(dashed[0].get_ydata()[1:], 10.0, atol=0.05)
    assert np.allclose(dashed[1].get_ydata()[1:], 13.0, atol=0.05)
    assert _labels(fig.axes[0]).count("Utan förändring (förväntat)") == 1


def test_the_effect_charts_tick_labels_never_repeat():
    """Ticks 0.5 percentage points apart were all written with 0 decimals (84 % 84 % 85 %...);
    now each with the fewest decimals that write it exactly (hand-picked ticks)."""
    from analysis import text
    from analysis.plots.effects import DistinctFormatter

    with text.language("sv"):
        shares = DistinctFormatter(text.percent, scale=100)
        assert shares.format_ticks([0.84, 0.845, 0.85, 0.855]) == [
            "84,0\u00a0%",
            "84,5\u00a0%",
            "85,0\u00a0%",
            "85,5\u00a0%",
        ]
        assert shares.format_ticks([0.8, 0.85, 0.9]) == ["80\u00a0%", "85\u00a0%", "90\u00a0%"]
        assert shares.format_ticks([0.8425, 0.845]) == ["84,25\u00a0%", "84,50\u00a0%"]
