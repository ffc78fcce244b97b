"""The county line of a KPI: Kolada's own, population-weighted, or none (analysis.kolada.county).

Expected values are hand calculations, shown in the comments.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis import kolada
from analysis.dataset import load_dataset, with_tables

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"

MUNICIPALITIES = pd.DataFrame(
    {
        "municipality_code": ["0604", "0680", "0682"],
        "municipality_name": ["Aneby", "Jönköping", "Nässjö"],
        "in_network": [True, True, True],
    }
)


def kpis(*rows: dict) -> pd.DataFrame:
    base = {
        "title_sv": "x",
        "title_en": "x",
        "unit": "%",
        "direction": "up",
        "focus_area": "psykisk hälsa",
        "role": "outcome",
        "area_type": "K",
        "gender_split": "1",
        "county_weight": "",
    }
    return pd.DataFrame([base | r for r in rows])


def indicators(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["kpi", "municipality_code", "period", "gender", "value"])
    return frame.astype({"period": "Int64", "value": "float64"})


def test_a_municipal_only_kpi_gets_the_population_weighted_mean():
    # Three municipalities with shares 10, 20 and 40 % of populations 100, 300 and 600:
    # (10*100 + 20*300 + 40*600) / (100 + 300 + 600) = (1000 + 6000 + 24000) / 1000 = 31.0 %,
    # the county's own share: numerators 10 + 60 + 240 = 310 of 1000 persons. The unweighted
    # mean, (10 + 20 + 40) / 3 = 23.3 %, would be wrong.
    data = indicators(
        [
            ("N33820", "0604", 2023, "T", 10.0),
            ("N33820", "0680", 2023, "T", 20.0),
            ("N33820", "0682", 2023, "T", 40.0),
            ("N01919", "0604", 2023, "T", 100),
            ("N01919", "0680", 2023, "T", 300),
            ("N01919", "0682", 2023, "T", 600),
        ]
    )
    table = kpis(
        {"kpi": "N33820", "county_weight": "N01919"},
        {"kpi": "N01919", "role": "weight", "area_type": "A", "unit": "antal"},
    )
    line = kolada.county_line(data, table, MUNICIPALITIES)
    assert line.values["value"].tolist() == [pytest.approx(31.0)]
    assert line.values["source"].tolist() == ["computed"]
    assert line.values["method"].iloc[0] == (
        "population-weighted mean of the 3 municipalities (weights: N01919, 31 Dec)"
    )
    source = line.sources.set_index("kpi").loc["N33820"]
    assert (source["source"], source["first"], source["last"]) == ("computed", 2023, 2023)
    assert list(line.sources["kpi"]) == ["N33820"]  # the weight has no line of its own
    # N33820 divides by the mean population 0-19 and N01919 counts it on 31 Dec: approximate
    assert "närmevärde" in line.note("N33820", "sv")
    assert "inte Koladas" in line.note("N33820", "sv")


def test_several_weight_kpis_are_summed_and_incomplete_years_are_left_out():
    # U09800 is per inhabitant 7-20; here two single-year counts stand for the ages.
    # 2022: 0682 has no value, so 2022 is left out (a county value from 2 of 3 would be wrong).
    # 2023: weights 10+20=30, 50+50=100, 40+30=70; values 2, 4, 1:
    # (2*30 + 4*100 + 1*70) / (30 + 100 + 70) = (60 + 400 + 70) / 200 = 530 / 200 = 2.65
    rows = [("U09800", c, 2023, "T", v) for c, v in (("0604", 2), ("0680", 4), ("0682", 1))]
    rows += [("U09800", c, 2022, "T", v) for c, v in (("0604", 2), ("0680", 4))]
    for year in (2022, 2023):
        for code, a, b in (("0604", 10, 20), ("0680", 50, 50), ("0682", 40, 30)):
            rows += [("N01824", code, year, "T", a), ("N01825", code, year, "T", b)]
    table = kpis(
        {"kpi": "U09800", "unit": "per invånare 7–20 år", "county_weight": "N01824+N01825"},
        {"kpi": "N01824", "role": "weight"},
        {"kpi": "N01825", "role": "weight"},
    )
    line = kolada.county_line(indicators(rows), table, MUNICIPALITIES)
    assert line.values[["period", "value"]].values.tolist() == [[2023, pytest.approx(2.65)]]
    assert line.sources.iloc[0]["years_left_out"] == "2022"
    assert "2022" in line.note("U09800", "sv")


def test_kolada_s_own_county_value_is_used_as_it_is():
    data = indicators(
        [
            ("N17461", "0680", 2023, "T", 70.1),
            ("N17461", "0006", 2023, "T", 69.0),
            ("N17461", "0006", 2022, "T", 68.0),
        ]
    )
    line = kolada.county_line(data, kpis({"kpi": "N17461", "area_type": "A"}), MUNICIPALITIES)
    assert sorted(line.values["value"]) == [68.0, 69.0]
    assert set(line.values["source"]) == {"kolada"}
    assert line.note("N17461", "sv") == (
        "Länets värde: Region Jönköpings län enligt Kolada (2022–2023)."
    )
    assert line.notes() == []  # nothing to explain: Kolada has it


@pytest.mark.parametrize(
    ("table", "reason"),
    [
        (kpis({"kpi": "N15645"}), "municipal_only"),  # K, no weight: left out
        (kpis({"kpi": "N15645", "county_weight": "N01919"}), "weights_missing"),
        (kpis({"kpi": "N17461", "area_type": "A"}), "no_county_rows"),
    ],
)
def test_no_county_value_is_invented(table, reason):
    kpi = table["kpi"].iloc[0]
    data = indicators([(kpi, c, 2023, "T", 80.0) for c in ("0604", "0680", "0682")])
    line = kolada.county_line(data, table, MUNICIPALITIES)
    assert line.values.empty
    assert line.sources.iloc[0]["reason"] == reason
    assert line.note(kpi, "sv").startswith("Inget länsvärde")
    applied = line.apply(with_tables(load_dataset(SAMPLE), indicators=data, kpis=table))
    assert not (applied.indicators["municipality_code"] == "0006").any()


def test_a_year_with_a_municipality_missing_everywhere_gives_no_value():
    data = indicators(
        [
            ("N33820", "0604", 2023, "T", 10.0),
            ("N33820", "0680", 2023, "T", 20.0),
            ("N01919", "0604", 2023, "T", 100),
            ("N01919", "0680", 2023, "T", 300),
            ("N01919", "0682", 2023, "T", 600),
        ]
    )
    table = kpis({"kpi": "N33820", "county_weight": "N01919"}, {"kpi": "N01919", "role": "weight"})
    line = kolada.county_line(data, table, MUNICIPALITIES)
    assert line.values.empty and line.sources.iloc[0]["reason"] == "incomplete"


def test_on_the_sample_every_focus_area_has_an_indicator_and_the_county_line_says_where_from():
    ds = load_dataset(SAMPLE)
    line = kolada.county_line(ds.indicators, ds.kpis, ds.municipalities)
    source = line.sources.set_index("kpi")["source"].to_dict()
    # A (Kolada has the region): Kolada's; K with a population count: computed; K without: none
    assert source == {
        "N17461": "kolada",
        "N15428": "kolada",
        "N02797": "kolada",
        "N33820": "computed",
        "N15645": "none",
        "N17675": "none",
        "U09800": "computed",
        "N15723": "none",
        "N15720": "none",
        "N66077": "kolada",
        "N33818": "computed",
    }
    applied = line.apply(ds)
    assert not applied.kpis["role"].eq("weight").any()
    assert not applied.indicators["kpi"].str.startswith("N018").any()
    assert not applied.indicators["kpi"].isin(["N01919", "N01948"]).any()
    county = applied.indicators[applied.indicators["municipality_code"] == "0006"]
    assert set(county["kpi"]) == {
        "N17461",
        "N15428",
        "N02797",
        "N66077",
        "N33820",
        "U09800",
        "N33818",
    }
    sections = kolada.indicator_sections(applied.kpis, lang="sv")
    assert [title for title, _ in sections] == [
        "Fullföljda studier",
        "Psykisk hälsa",
        "Fysisk aktivitet",
        "Sammanhang (bestämningsfaktorer, inte utfall i ett fokusområde)",
    ]
    assert all(ids for _, ids in sections)


def test_the_overview_of_a_survey_run_every_other_year_shows_each_municipality_s_latest_round():
    from analysis import goals

    # Skolinspektionen's survey (N15645): half the municipalities in 2023, the other half in 2024.
    # Aneby 70 (2024), Jönköping 80 (2023), Nässjö 75 (2024, and 60 in 2020).
    # Each row shows its own latest year; the ranking covers the last two years (2023-2024):
    # Jönköping 80 -> 1, Nässjö 75 -> 2, Aneby 70 -> 3 (higher is better).
    data = indicators(
        [
            ("N15645", "0604", 2024, "T", 70.0),
            ("N15645", "0680", 2023, "T", 80.0),
            ("N15645", "0682", 2024, "T", 75.0),
            ("N15645", "0682", 2020, "T", 60.0),
        ]
    )
    over = goals.indicator_overview(data, kpis({"kpi": "N15645"}), MUNICIPALITIES)
    got = over.set_index("municipality_code")[["latest_year", "latest", "position", "n_ranked"]]
    assert got.loc["0680"].tolist() == [2023, 80.0, 1, 3]
    assert got.loc["0682"].tolist() == [2024, 75.0, 2, 3]
    assert got.loc["0604"].tolist() == [2024, 70.0, 3, 3]
    # a municipality whose latest value is older than the last two years is shown, not ranked
    old = indicators([("N15645", "0604", 2024, "T", 70.0), ("N15645", "0680", 2021, "T", 90.0)])
    over = goals.indicator_overview(old, kpis({"kpi": "N15645"}), MUNICIPALITIES)
    jkpg = over.set_index("municipality_code").loc["0680"]
    assert (jkpg["latest_year"], jkpg["latest"], jkpg["n_ranked"]) == (2021, 90.0, 1)
    assert pd.isna(jkpg["position"])
