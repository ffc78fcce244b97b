"""analysis.measures: the facts of a measure's chart kind, defined once."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import measures, schemas, spc, text


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
