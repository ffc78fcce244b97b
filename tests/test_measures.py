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
    assert (
        set(schemas.RATIO_CHARTS) == measures.RATIO_KINDS
        and set(schemas.PROPORTION_CHARTS) == measures.SHARE_KINDS
    )
    assert measures.SHARE_KINDS < measures.RATIO_KINDS
    assert set(measures.CENTRE_KIND) == set(schemas.CHARTS)


@pytest.mark.parametrize(
    ("chart", "unit", "scale"),
    [
        ("p", "%", 100.0),
        ("pp", " % ", 100.0),
        ("p", "andel", 1.0),
        ("u", "%", 1.0),
        ("i", "%", 1.0),
    ],
)
def test_only_a_share_in_percent_is_drawn_in_percent(chart, unit, scale):
    assert measures.percent_scale(chart, unit) == scale


def test_pooled_level_of_a_ratio_is_the_sum_of_numerators_over_the_sum_of_denominators():
    # (3 + 9) / (10 + 30) = 0.3, not the mean of 0.3 and 0.3 by chance: (1 + 9) / (10 + 30) = 0.25
    series = pd.DataFrame({"y": [1.0, 9.0], "n": [10.0, 30.0]})
    assert measures.pooled_level(series, "p") == pytest.approx(0.25)
    assert measures.pooled_level(series, "i") == pytest.approx(5.0)  # the mean value
    assert pd.isna(measures.pooled_level(series.iloc[0:0], "p"))


@pytest.mark.parametrize(
    ("value", "chart", "unit", "lang", "shown"),
    [
        (0.9345, "p", "%", "sv", "93,5\u00a0%"),  # a share: percent, one decimal
        (0.9345, "pp", "andel", "en", "93.5%"),  # whatever the unit says
        (6.25, "i", "timmar per vecka", "sv", "6,2 timmar per vecka"),  # round half to even: 6.2
        (12.0, "c", "antal", "en", "12.0"),  # a count without its unit
        (2.71, "u", "per barn och månad", "en", "2.7 per barn och månad"),
        (float("nan"), "p", "%", "sv", "–"),
        (None, "i", "dagar", "sv", "–"),
    ],
)
def test_a_level_is_written_one_way(value, chart, unit, lang, shown):
    assert text.level(value, chart, unit, lang) == shown


# --- the baseline rule ---------------------------------------------------------------------------

MONTHS = pd.date_range("2023-01-01", periods=24, freq="MS")


def _changes(rows) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "team_id": [r[0] for r in rows],
            "change_no": pd.array([r[1] for r in rows], dtype="Int64"),
            "date": pd.to_datetime([r[2] for r in rows]),
            "title": [f"c{r[1]}" for r in rows],
            "pdsa_step": "do",
            "measures": [r[3] for r in rows],
            "description": pd.NA,
        }
    )


CHANGES = _changes(
    [("t", 1, "2024-01-08", "a"), ("t", 2, "2024-03-01", "b"), ("u", 1, "2023-05-01", "a")]
)


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
    obs = pd.DataFrame(
        {
            "team_id": "t",
            "measure_id": "a",
            "period": MONTHS,
            "value": values,
            "numerator": np.nan,
            "denominator": np.nan,
            "subgroup": pd.NA,
        }
    )
    meas = pd.DataFrame(
        {
            "measure_id": ["a"],
            "team_id": ["t"],
            "measure_name": ["Mått a"],
            "measure_type": ["outcome"],
            "chart": ["i"],
            "unit": ["poäng"],
            "frequency": ["month"],
            "direction": ["up"],
            "target": [np.nan],
        }
    )
    teams = pd.DataFrame({"team_id": ["t"], "team_name": ["Team"]})
    changes = _changes([("t", 1, "2024-01-08", "a")])
    return SimpleNamespace(
        folder=None, is_sample=True, teams=teams, measures=meas, observations=obs, changes=changes
    )


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
    assert (
        chart[pd.Timestamp("2023-12-01")] == "Utgångsläge"
        and chart[pd.Timestamp("2024-01-01")] == "Efter 1"
    )
    # the explorer: the default baseline ends at the same period, the next phase starts in January
    series = explore.measure_series(ds, "t", "a")
    changes = explore.measure_changes(ds, "t", "a")
    assert explore.default_baseline_end(series, changes, "month") == rule
    assert explore.phase_starts(series, changes, rule, "month") == [pd.Timestamp("2024-01-01")]


def test_baseline_chart_of_the_issue_16_team_leaves_the_change_month_out(tmp_path, monkeypatch):
    # issue 16: a change on 2024-01-08, January 2024 already at the new level (5 against ~1). The
    # baseline run chart has the 12 months of 2023 only: values 1.1, 0.9, 1.2, 0.8 three times,
    # median (0.9 + 1.1) / 2 = 1.0 and no value on it; the sides are + - + - ..., so each of the
    # 11 neighbour pairs crosses the median (11 crossings; Anhøj's minimum for 12 points is 3) and
    # the longest run is 1 (its maximum for 12 points is 7): stable. January (5.0) is not among the
    # points; with it the median would be the 7th of 13 sorted values, 1.1.
    (tmp_path / "workbook.yml").write_text("language: sv\n", encoding="utf-8")
    monkeypatch.setenv("WORKBOOK_ROOT", str(tmp_path))
    ds = _dataset()
    meas = ds.measures.iloc[0]
    data = goals.baseline_data(ds.observations, meas, ds.changes)
    assert list(data["period"]) == list(MONTHS[:12])
    chart = goals.baseline_chart(ds.observations, meas, ds.changes).summary.iloc[0]
    assert chart["cl"] == pytest.approx(1.0)
    assert chart["n_crossings"] == 11 and chart["longest_run"] == 1 and not chart["runs_signal"]
    assert (
        goals.baseline_summary(ds.measures, ds.observations, ds.changes, "t").iloc[0]["verdict"]
        == "stable"
    )


WEEKS = pd.date_range("2024-01-01", periods=16, freq="W-MON")  # Mondays 1 January ... 15 April 2024


def _weekly_dataset():
    """Team w, three weekly measures and two changes on Wednesdays.

    * ``andel`` (p chart): change 1 on Wednesday 28 February 2024 names it; that week starts on
      Monday 26 February (week 8 of 0..15), so weeks 0-7 (1 January - 19 February) are its
      baseline. Numerators of 20 each: 5, 6, 4, 5, 7, 3, 5, 5 (sum 40) before, 15 in the change
      week and 14, 16, 15, 13, 17, 15, 15 after (sum with the change week 120).
    * ``poang`` (i chart): change 2 on Wednesday 13 March 2024 (week of Monday 11 March, week 10)
      names it: weeks 0-9 are its baseline.
    * ``ovrigt`` (i chart): no change names it, so the team's first change counts: weeks 0-7.
    """
    num = [5, 6, 4, 5, 7, 3, 5, 5, 15, 14, 16, 15, 13, 17, 15, 15]
    rows = [("andel", p, np.nan, float(x), 20.0) for p, x in zip(WEEKS, num, strict=True)]
    rows += [
        (mid, p, float(k), np.nan, np.nan)
        for mid in ("poang", "ovrigt")
        for k, p in enumerate(WEEKS)
    ]
    obs = pd.DataFrame(
        rows, columns=["measure_id", "period", "value", "numerator", "denominator"]
    ).assign(team_id="w", subgroup=pd.NA)
    meas = pd.DataFrame(
        {
            "measure_id": ["andel", "poang", "ovrigt"],
            "team_id": "w",
            "measure_name": ["Andel", "Poäng", "Övrigt"],
            "measure_type": "outcome",
            "chart": ["p", "i", "i"],
            "unit": ["%", "poäng", "poäng"],
            "frequency": "week",
            "direction": "up",
            "target": np.nan,
        }
    )
    teams = pd.DataFrame({"team_id": ["w"], "team_name": ["Veckoteam"]})
    changes = _changes([("w", 1, "2024-02-28", "andel"), ("w", 2, "2024-03-13", "poang")])
    return SimpleNamespace(
        folder=None, is_sample=True, teams=teams, measures=meas, observations=obs, changes=changes
    )


def test_weekly_measures_each_end_their_baseline_before_their_own_change_week(
    tmp_path, monkeypatch
):
    (tmp_path / "workbook.yml").write_text("language: sv\n", encoding="utf-8")
    monkeypatch.setenv("WORKBOOK_ROOT", str(tmp_path))
    ds = _weekly_dataset()
    expected_end = {
        "andel": pd.Timestamp("2024-02-19"),
        "poang": pd.Timestamp("2024-03-04"),
        "ovrigt": pd.Timestamp("2024-02-19"),
    }
    summary = goals.baseline_summary(ds.measures, ds.observations, ds.changes, "w").set_index(
        "measure_id"
    )
    for mid, end in expected_end.items():
        assert measures.baseline_end(WEEKS, ds.changes, "w", mid, "week") == end, mid
        assert summary.loc[mid, "baseline_end"] == end, mid
        series = explore.measure_series(ds, "w", mid)
        assert (
            explore.default_baseline_end(series, explore.measure_changes(ds, "w", mid), "week")
            == end
        ), mid
    # andel: 8 baseline weeks, pooled share 40 / (8 x 20) = 25 %; had the change week (15 / 20)
    # been counted as the old "period < date" rule did (26 February < 28 February), it would be
    # 55 / 180 = 30.6 %
    assert summary.loc["andel", "n_points"] == 8
    assert summary.loc["andel", "centre"] == pytest.approx(25.0)
    # poang: weeks 0-9, values 0..9, mean 4.5; ovrigt: weeks 0-7, values 0..7, mean 3.5
    assert summary.loc["poang", "n_points"] == 10 and summary.loc[
        "poang", "centre"
    ] == pytest.approx(4.5)
    assert summary.loc["ovrigt", "n_points"] == 8 and summary.loc[
        "ovrigt", "centre"
    ] == pytest.approx(3.5)
    # the explorer splits ovrigt (every change counts) in the weeks both changes start in
    series = explore.measure_series(ds, "w", "ovrigt")
    assert explore.phase_starts(
        series, explore.measure_changes(ds, "w", "ovrigt"), expected_end["ovrigt"], "week"
    ) == [pd.Timestamp("2024-02-26"), pd.Timestamp("2024-03-11")]
    # the effect report: andel 8 weeks before (40 / 160 = 0.25) and 8 from the change week
    # (120 / 160 = 0.75); poang's change has only 6 weeks after it (11 March - 15 April): too early
    table = effects.team_effects(ds, "w").table.set_index("measure_id")
    row = table.loc["andel"]
    assert (row["n_before"], row["n_after"]) == (8, 8)
    assert row["before"] == pytest.approx(0.25) and row["after"] == pytest.approx(0.75)
    assert table.loc["poang", "note"] == "too_early"


def test_the_explorer_falls_back_to_the_first_period_when_no_period_precedes_the_change():
    # a change in the first measured month (its period is the first period): no baseline by the
    # rule (NaT); the explorer's slider still needs a value and starts at the first period
    series = pd.DataFrame({"period": MONTHS[:10], "y": 1.0, "n": np.nan})
    changes = pd.DataFrame(
        {"change_no": [1], "date": pd.to_datetime(["2023-01-20"]), "title": ["c"]}
    )
    assert pd.isna(measures.last_baseline_period(series["period"], "2023-01-20", "month"))
    assert explore.default_baseline_end(series, changes, "month") == MONTHS[0]
    # without a change the whole series is baseline
    assert explore.default_baseline_end(series, changes.iloc[0:0], "month") == MONTHS[9]
