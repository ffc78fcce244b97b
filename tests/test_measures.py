"""analysis.measures: the facts of a measure's chart kind, defined once; and the one baseline rule,
which the baseline report, the effect report and the explorer all follow (issue 12 item 10;
issue 16: the month a change starts in)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from analysis import effects, explore, goals, measures, schemas, spc, text


def test_ratio_kinds_are_the_kinds_spc_needs_a_denominator_for():
    # analysis.spc is the chart library and keeps its own list; the two must say the same
    assert measures.RATIO_KINDS == frozenset(spc.core.KINDS_WITH_N)
    assert set(schemas.RATIO_CHARTS) == measures.RATIO_KINDS and set(schemas.PROPORTION_CHARTS) == measures.SHARE_KINDS
    assert measures.SHARE_KINDS < measures.RATIO_KINDS
    assert set(measures.CENTRE_KIND) == set(schemas.CHARTS)


@pytest.mark.parametrize(("chart", "unit", "scale"), [("p", "%", 100.0), ("pp", " % ", 100.0), ("p", "andel", 1.0),
                                                      ("u", "%", 1.0), ("i", "%", 1.0)])
def test_only_a_share_in_percent_is_drawn_in_percent(chart, unit, scale):
    assert measures.percent_scale(chart, unit) == scale


def test_pooled_level_of_a_ratio_is_the_sum_of_numerators_over_the_sum_of_denominators():
    # (3 + 9) / (10 + 30) = 0.3, not the mean of 0.3 and 0.3 by chance: (1 + 9) / (10 + 30) = 0.25
    series = pd.DataFrame({"y": [1.0, 9.0], "n": [10.0, 30.0]})
    assert measures.pooled_level(series, "p") == pytest.approx(0.25)
    assert measures.pooled_level(series, "i") == pytest.approx(5.0)  # the mean value
    assert pd.isna(measures.pooled_level(series.iloc[0:0], "p"))


@pytest.mark.parametrize(("value", "chart", "unit", "lang", "shown"), [
    (0.9345, "p", "%", "sv", "93,5\u00a0%"),  # a share: percent, one decimal
    (0.9345, "pp", "andel", "en", "93.5%"),  # whatever the unit says
    (6.25, "i", "timmar per vecka", "sv", "6,2 timmar per vecka"),  # round half to even: 6.2
    (12.0, "c", "antal", "en", "12.0"),  # a count without its unit
    (2.71, "u", "per barn och månad", "en", "2.7 per barn och månad"),
    (float("nan"), "p", "%", "sv", "–"),
    (None, "i", "dagar", "sv", "–"),
])
def test_a_level_is_written_one_way(value, chart, unit, lang, shown):
    assert text.level(value, chart, unit, lang) == shown


# --- the baseline rule ---------------------------------------------------------------------------

MONTHS = pd.date_range("2023-01-01", periods=24, freq="MS")


def _changes(rows) -> pd.DataFrame:
    return pd.DataFrame({
        "team_id": [r[0] for r in rows], "change_no": pd.array([r[1] for r in rows], dtype="Int64"),
        "date": pd.to_datetime([r[2] for r in rows]), "title": [f"c{r[1]}" for r in rows],
        "pdsa_step": "do", "measures": [r[3] for r in rows], "description": pd.NA})


CHANGES = _changes([("t", 1, "2024-01-08", "a"), ("t", 2, "2024-03-01", "b"), ("u", 1, "2023-05-01", "a")])


def test_change_period_is_the_period_that_contains_the_date():
    assert measures.change_period("2024-01-08", "month") == pd.Timestamp("2024-01-01")
    assert measures.change_period("2024-01-01", "month") == pd.Timestamp("2024-01-01")
    # Wednesday 10 January 2024 is in the week of Monday 8 January
    assert measures.change_period("2024-01-10", "week") == pd.Timestamp("2024-01-08")
    assert measures.change_period("2024-01-08", "week") == pd.Timestamp("2024-01-08")
    assert pd.isna(measures.change_period(pd.NaT, "month"))


def test_changes_that_count_for_a_measure():
    # a: its own change 1; b: its own change 2 (not the team's first); c: no change names it, so
    # every change of the team counts (the first is the team's first)
    assert list(measures.measure_changes(CHANGES, "t", "a")["change_no"]) == [1]
    assert list(measures.measure_changes(CHANGES, "t", "b")["change_no"]) == [2]
    assert list(measures.measure_changes(CHANGES, "t", "c")["change_no"]) == [1, 2]
    assert measures.measure_changes(CHANGES, "v", "a").empty


def test_baseline_end_is_the_last_period_before_the_change_period():
    # change 2024-01-08: January 2024 belongs to the change, December 2023 ends the baseline
    assert measures.baseline_end(MONTHS, CHANGES, "t", "a", "month") == pd.Timestamp("2023-12-01")
    assert measures.baseline_end(MONTHS, CHANGES, "t", "b", "month") == pd.Timestamp("2024-02-01")
    assert measures.baseline_end(MONTHS, CHANGES, "t", "c", "month") == pd.Timestamp("2023-12-01")
    # no change for the team: the whole series; a change before the data: no baseline
    assert measures.baseline_end(MONTHS, CHANGES, "v", "a", "month") == MONTHS[-1]
    assert pd.isna(measures.baseline_end(MONTHS[5:], CHANGES, "u", "a", "month"))
    # absent periods: the last measured one before the change
    gappy = MONTHS[~MONTHS.isin(pd.to_datetime(["2023-11-01", "2023-12-01"]))]
    assert measures.baseline_end(gappy, CHANGES, "t", "a", "month") == pd.Timestamp("2023-10-01")


# --- the three users of the rule agree --------------------------------------------------------


def _dataset():
    """Team t, measure a (monthly values 1 in 2023, 5 from January 2024 on: the change dated
    8 January 2024 works at once), and its PDSA log."""
    values = np.where(MONTHS >= "2024-01-01", 5.0, 1.0) + np.tile([0.1, -0.1, 0.2, -0.2], 6)
    obs = pd.DataFrame({"team_id": "t", "measure_id": "a", "period": MONTHS, "value": values,
                        "numerator": np.nan, "denominator": np.nan, "subgroup": pd.NA})
    meas = pd.DataFrame({"measure_id": ["a"], "team_id": ["t"], "measure_name": ["Mått a"],
                         "measure_type": ["outcome"], "chart": ["i"], "unit": ["poäng"],
                         "frequency": ["month"], "direction": ["up"], "target": [np.nan]})
    teams = pd.DataFrame({"team_id": ["t"], "team_name": ["Team"]})
    changes = _changes([("t", 1, "2024-01-08", "a")])
    return SimpleNamespace(folder=None, is_sample=True, teams=teams, measures=meas, observations=obs,
                           changes=changes)


def test_baseline_report_effect_report_and_explorer_agree_on_the_baseline(tmp_path, monkeypatch):
    (tmp_path / "workbook.yml").write_text("language: sv\n", encoding="utf-8")
    monkeypatch.setenv("WORKBOOK_ROOT", str(tmp_path))
    ds = _dataset()
    rule = measures.baseline_end(MONTHS, ds.changes, "t", "a", "month")
    assert rule == pd.Timestamp("2023-12-01")
    # the baseline report: 12 points, January 2024 (already at 5) is not among them
    summary = goals.baseline_summary(ds.measures, ds.observations, ds.changes, "t").iloc[0]
    assert summary["baseline_end"] == rule and summary["n_points"] == 12
    assert summary["centre"] == pytest.approx(1.0)  # mean of the 2023 values (the wiggle sums to 0)
    assert summary["first_change"] == pd.Timestamp("2024-01-08")
    # the effect report: 12 points before, 12 after, the step in January
    row = effects.team_effects(ds, "t").table.iloc[0]
    assert row["n_before"] == 12 and row["n_after"] == 12
    assert row["before"] == pytest.approx(1.0) and row["after"] == pytest.approx(5.0)
    chart = effects.measure_chart(ds, "t", "a").points.set_index("x")["part"]
    assert chart[pd.Timestamp("2023-12-01")] == "Utgångsläge" and chart[pd.Timestamp("2024-01-01")] == "Efter 1"
    # the explorer: the default baseline ends at the same period, the next phase starts in January
    series = explore.measure_series(ds, "t", "a")
    changes = explore.measure_changes(ds, "t", "a")
    assert explore.default_baseline_end(series, changes, "month") == rule
    assert explore.phase_starts(series, changes, rule, "month") == [pd.Timestamp("2024-01-01")]
