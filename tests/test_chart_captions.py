"""Issue 16, item 4: one centre line per chart, the same in its table; captions that say which
phase they are about and never contradict the verdict beside them."""

from __future__ import annotations

import csv
import statistics
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from analysis import effects, goals, plots, report, spc
from analysis.plots.style import PALETTE
from analysis.views import team_baseline, team_effects
from analysis.views.common import baseline_level_text
from analysis.views.sections import Bullets, Figure, Section

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"


def _texts(fig) -> list:
    return [t for ax in fig.axes for t in ax.texts]


def test_each_phase_has_its_own_caption_in_its_own_colour():
    # Baseline 1..12: 6 points below the median (6.5) then 6 above, 1 crossing; Anhøj's
    # minimum for 12 useful points is 3 crossings -> a signal in the baseline. After: 10, 12,
    # 10, 12, ... around the median 11: 11 crossings, longest run 1 -> no signal.
    data = pd.DataFrame(
        {
            "x": range(24),
            "y": [*range(1, 13), *([10, 12] * 6)],
            "phase": ["Före"] * 12 + ["Efter 1"] * 12,
        }
    )
    res = spc.chart(data, y="y", x="x", kind="run", part="phase")
    assert list(res.summary["runs_signal"]) == [True, False]
    fig = plots.spc_chart(res, lang="sv")
    captions = {
        t.get_text(): t.get_color()
        for t in _texts(fig)
        if "inom fasen" in t.get_text() or "Signalerna" in t.get_text()
    }
    assert captions == {
        "Före, inom fasen: Signal: för få korsningar (1 < 3)": PALETTE["signal"],
        # the old caption took the orange of the baseline's signal for the last phase's "no signal"
        "Efter 1, inom fasen: Ingen signal om icke-slumpmässig variation": "#222222",
        "Signalerna gäller variationen inom varje fas, inte skillnaden mellan faserna.": "#222222",
    }
    plt.close(fig)


def test_a_one_phase_chart_keeps_its_single_verdict():
    res = spc.chart(pd.DataFrame({"x": range(12), "y": [10, 12] * 6}), y="y", x="x", kind="run")
    fig = plots.spc_chart(res, lang="sv")
    assert [t.get_text() for t in _texts(fig)] == ["Ingen signal om icke-slumpmässig variation"]
    plt.close(fig)


def test_the_effect_reports_chart_captions_do_not_contradict_its_verdicts():
    # Attarp's attendance: "Förbättringen är statistiskt säkerställd" in the bullets; the chart's
    # captions speak of the variation within each phase and say they are not about the change.
    ctx = report.context("team_effects", team="attarp", data_dir=SAMPLE)
    page = team_effects.build(ctx)
    section = next(
        b
        for b in page.blocks()
        if isinstance(b, Section) and str(b.title).startswith("Andel närvarande elevdagar")
    )
    figure = next(b for b in section.blocks if isinstance(b, Figure))
    # the verdicts are the section's last list (the team's stories are listed under the chart)
    bullets = [b for b in section.blocks if isinstance(b, Bullets)][-1]
    assert any("statistiskt säkerställd" in x for x in bullets.items)
    fig = figure.draw()
    captions = [t.get_text() for t in _texts(fig) if "fas" in t.get_text()]
    assert captions[0].startswith("Utgångsläge, inom fasen: ")
    assert (
        captions[-1]
        == "Signalerna gäller variationen inom varje fas, inte skillnaden mellan faserna."
    )
    assert all(", inom fasen: " in c for c in captions[:-1])
    plt.close(fig)


def test_the_baseline_tables_centre_is_the_centre_line_of_its_chart():
    # Attarp's attendance (p chart, %): baseline = weeks before the week of change 1
    # (2019-11-11). By hand from observations.csv: the median of the weekly shares; the table
    # used to print the pooled share (Σnumerator/Σdenominator) under a chart whose line was the
    # median.
    with (SAMPLE / "observations.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = [
            r
            for r in csv.DictReader(f, delimiter=";")
            if r["team_id"] == "attarp"
            and r["measure_id"] == "narvaro"
            and r["period"] < "2019-11-11"
        ]
    shares = [100 * int(r["numerator"]) / int(r["denominator"]) for r in rows]
    pooled = 100 * sum(int(r["numerator"]) for r in rows) / sum(int(r["denominator"]) for r in rows)
    ctx = report.context("team_baseline", team="attarp", data_dir=SAMPLE)
    summary = goals.baseline_summary(
        ctx.dataset.measures, ctx.dataset.observations, ctx.dataset.changes, "attarp"
    )
    row = summary.set_index("measure_id").loc["narvaro"].to_dict()
    assert row["n_points"] == len(rows) == 10
    assert abs(row["centre"] - statistics.median(shares)) < 1e-9 and row["centre_kind"] == "median"
    assert abs(row["level"] - pooled) < 1e-9 and row["level_kind"] == "proportion"
    measure = ctx.dataset.measures.set_index("measure_id").loc["narvaro"].to_dict() | {
        "measure_id": "narvaro"
    }
    chart = goals.baseline_chart(ctx.dataset.observations, measure, ctx.dataset.changes)
    assert set(chart.points["cl"].round(9)) == {round(statistics.median(shares), 9)}
    table = team_baseline.baseline_table(summary, "sv").set_index("Mått")
    assert table.loc["Andel närvarande elevdagar", "Centrallinje"] == (
        f"{baseline_level_text(statistics.median(shares), row, 'sv')} (median)"
    )
    assert table.loc["Andel närvarande elevdagar", "Sammanvägd nivå"] == (
        f"{baseline_level_text(pooled, row, 'sv')} (sammanvägd andel)"
    )


def test_the_effect_tables_before_level_is_the_centre_line_of_the_baseline_phase():
    # The effect report's chart is drawn in the measure's kind (a p chart: its centre line is the
    # pooled share Σnumerator/Σdenominator of each phase), and its table's "before" is the same
    # pooled share of the same baseline periods.
    ds = report.context("team_effects", team="attarp", data_dir=SAMPLE).dataset
    chart = effects.measure_chart(ds, "attarp", "samma_dag_kontakt", "sv")
    result = effects.team_effects(ds, "attarp")
    row = result.table[result.table["measure_id"] == "samma_dag_kontakt"].iloc[0]
    baseline_cl = chart.points.loc[chart.points["part"] == "Utgångsläge", "cl"].unique()
    assert len(baseline_cl) == 1 and abs(baseline_cl[0] - row["before"]) < 1e-9
