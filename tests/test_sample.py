"""The sample generator: reproducible byte for byte, and true to its own data contract.

Expected values come from the data contract (data/raw/README.md), the list of municipalities of
Jönköpings län (SCB codes) and the programme description in issue 2, not from the generator.
"""

from __future__ import annotations

import csv
import io
import math
from datetime import date
from pathlib import Path

import pytest
import yaml

from analysis.sample import TRUE_EFFECTS, write_files, write_sample
from analysis.sample.programme import SERIES

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"

# SCB municipality codes of Jönköpings län (SCB, "Kommunkoder")
COUNTY = {
    "0604": "Aneby",
    "0617": "Gnosjö",
    "0642": "Mullsjö",
    "0643": "Habo",
    "0662": "Gislaved",
    "0665": "Vaggeryd",
    "0680": "Jönköping",
    "0682": "Nässjö",
    "0683": "Värnamo",
    "0684": "Sävsjö",
    "0685": "Vetlanda",
    "0686": "Eksjö",
    "0687": "Tranås",
}


def read(name: str, folder: Path = SAMPLE) -> list[dict[str, str]]:
    raw = (folder / name).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), f"{name}: no UTF-8 BOM"
    text = raw.decode("utf-8-sig")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", ""), f"{name}: not CRLF"
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))


def num(text: str) -> float:
    return float(text.replace(",", "."))


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, list[Path]]:
    folder = tmp_path_factory.mktemp("sample")
    return folder, write_sample(folder)


@pytest.fixture(scope="module")
def tables() -> dict[str, list[dict[str, str]]]:
    names = (
        "municipalities",
        "teams",
        "measures",
        "observations",
        "changes",
        "indicators",
        "kpis",
        "goals",
    )
    return {n: read(f"{n}.csv") for n in names}


# ------------------------------------------------------------------ reproducibility


def _xlsx_values(path: Path) -> list[list[list[object]]]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return [
            [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets
        ]
    finally:
        book.close()


def test_generator_reproduces_committed_sample(generated):
    folder, written = generated
    committed = {p.relative_to(SAMPLE).as_posix() for p in SAMPLE.rglob("*") if p.is_file()}
    fresh = {p.relative_to(folder).as_posix() for p in written}
    assert committed, "data/sample is empty: run `make sample`"
    assert fresh == committed, (
        f"only committed: {sorted(committed - fresh)}; only generated: {sorted(fresh - committed)}"
    )
    differ = []
    for rel in sorted(fresh):
        old, new = SAMPLE / rel, folder / rel
        if rel.endswith(".xlsx"):
            same = _xlsx_values(old) == _xlsx_values(new)
        else:
            same = old.read_bytes() == new.read_bytes()
        if not same:
            differ.append(rel)
    assert not differ, f"regenerate with `make sample`; these differ: {differ}"


def test_write_is_atomic_and_leaves_no_temporary_files(generated, tmp_path):
    folder, written = generated
    assert not [p for p in folder.rglob("*") if ".tmp" in p.name]
    # a failing write leaves neither temporary files nor a partial table
    with pytest.raises(TypeError):
        write_files(tmp_path, {"a.csv": b"x", "b.csv": None})  # type: ignore[dict-item]
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------ the data contract


def test_municipalities_are_the_county(tables):
    rows = tables["municipalities"]
    assert {r["municipality_code"]: r["municipality_name"] for r in rows} == COUNTY
    assert sum(r["in_network"] == "1" for r in rows) == 11
    assert {r["in_network"] for r in rows} == {"0", "1"}


def test_teams(tables):
    teams = tables["teams"]
    ids = [t["team_id"] for t in teams]
    assert ids == [
        "attarp",
        "rydaholm",
        "nassjo",
        "varnamo",
        "jamlikt",
        "vetlanda",
        "mullsjo",
        "gnosjo",
        "aneby",
    ]
    codes = set(COUNTY) | {"0006"}
    assert all(t["municipality_code"] in codes for t in teams)
    assert {t["focus_area"] for t in teams} == {
        "fullföljda studier",
        "psykisk hälsa",
        "fysisk aktivitet",
    }
    assert {t["team_id"] for t in teams if t["cohort"] == "2021"} == {
        "jamlikt",
        "vetlanda",
        "mullsjo",
        "gnosjo",
        "aneby",
    }
    assert next(t for t in teams if t["team_id"] == "jamlikt")["municipality_code"] == "0006"
    assert all(t["aim"] for t in teams)


def test_measures(tables):
    measures = tables["measures"]
    teams = {t["team_id"] for t in tables["teams"]}
    per_team: dict[str, int] = {}
    for m in measures:
        per_team[m["team_id"]] = per_team.get(m["team_id"], 0) + 1
        assert m["measure_type"] in {"process", "outcome", "balancing"}
        assert m["chart"] in {"run", "i", "mr", "xbar", "s", "p", "pp", "c", "u", "up", "g", "t"}
        assert m["frequency"] in {"week", "month"} and m["direction"] in {"up", "down"}
        if m["chart"] == "p" and m["target"]:
            assert 0 < num(m["target"]) <= 1
    assert set(per_team) == teams and all(2 <= n <= 4 for n in per_team.values())
    assert len({(m["team_id"], m["measure_id"]) for m in measures}) == len(measures)
    charts = [m["chart"] for m in measures]
    assert charts.count("p") > len(charts) / 2 and {"i", "c", "u", "run"} <= set(charts)


def _series(tables) -> dict[tuple[str, str], list[dict[str, str]]]:
    out: dict[tuple[str, str], list[dict[str, str]]] = {}
    for r in tables["observations"]:
        out.setdefault((r["team_id"], r["measure_id"]), []).append(r)
    return out


def test_observations_follow_the_contract(tables):
    measures = {(m["team_id"], m["measure_id"]): m for m in tables["measures"]}
    series = _series(tables)
    assert set(series) == set(measures)
    for key, rows in series.items():
        m = measures[key]
        assert 20 <= len(rows) <= 40, key
        periods = [date.fromisoformat(r["period"]) for r in rows]
        assert periods == sorted(set(periods)), f"{key}: periods not unique and ordered"
        if m["frequency"] == "week":
            assert all(p.weekday() == 0 for p in periods), key
        else:
            assert all(p.day == 1 for p in periods), key
        for r in rows:
            if m["chart"] in {"p", "u"}:
                assert r["value"] == "" and int(r["denominator"]) > 0
                assert 0 <= int(r["numerator"]), key
                if m["chart"] == "p":
                    assert int(r["numerator"]) <= int(r["denominator"]), key
            else:
                assert r["value"] != "" and r["numerator"] == r["denominator"] == ""


def _gaps(periods: list[date], frequency: str) -> int:
    step = 7 if frequency == "week" else None
    gaps = 0
    for a, b in zip(periods, periods[1:], strict=False):
        expected = (
            ((b - a).days == step)
            if step
            else ((b.year * 12 + b.month) - (a.year * 12 + a.month) == 1)
        )
        gaps += not expected
    return gaps


def test_exactly_one_period_is_absent(tables):
    measures = {(m["team_id"], m["measure_id"]): m for m in tables["measures"]}
    gaps = {
        key: _gaps([date.fromisoformat(r["period"]) for r in rows], measures[key]["frequency"])
        for key, rows in _series(tables).items()
    }
    assert {k: v for k, v in gaps.items() if v} == {("nassjo", "hembesok"): 1}
    periods = {r["period"] for r in _series(tables)[("nassjo", "hembesok")]}
    assert "2020-07-01" not in periods and {"2020-06-01", "2020-08-01"} <= periods


def test_changes_pdsa_log(tables):
    changes = tables["changes"]
    measures = {(m["team_id"], m["measure_id"]) for m in tables["measures"]}
    series = _series(tables)
    by_team: dict[str, list[dict[str, str]]] = {}
    for c in changes:
        by_team.setdefault(c["team_id"], []).append(c)
        assert c["pdsa_step"] in {"plan", "do", "study", "act"}
        assert all((c["team_id"], m) in measures for m in c["measures"].split(","))
    assert "aneby" not in by_team
    assert set(by_team) == {t["team_id"] for t in tables["teams"]} - {"aneby"}
    for team, rows in by_team.items():
        assert 2 <= len(rows) <= 5
        assert [int(c["change_no"]) for c in rows] == list(range(1, len(rows) + 1))
        dates = [date.fromisoformat(c["date"]) for c in rows]
        assert dates == sorted(dates)
        for (t, _), obs in series.items():
            if t != team:
                continue
            periods = [date.fromisoformat(r["period"]) for r in obs]
            # at least 8 baseline points before the team's first change; every change inside
            assert sum(p < dates[0] for p in periods) >= 8, team
            assert periods[0] < dates[-1] <= periods[-1], team


def test_true_effects_match_the_tables(tables):
    measures = {(m["team_id"], m["measure_id"]) for m in tables["measures"]}
    assert set(TRUE_EFFECTS) == measures
    changes = {
        (c["team_id"], int(c["change_no"])): c["measures"].split(",") for c in tables["changes"]
    }
    real = {k for k, v in TRUE_EFFECTS.items() if v["effect"]}
    assert 8 <= len(real) <= len(measures) - 8  # some real effects and some null ones
    for (team, mid), truth in TRUE_EFFECTS.items():
        assert truth["kind"] == "level"
        if truth["change_no"] is not None:
            assert mid in changes[(team, truth["change_no"])], (team, mid)
        else:
            assert truth["effect"] == 0.0
    assert TRUE_EFFECTS[("attarp", "narvaro")]["change_no"] == 2
    assert all(v["change_no"] is None for (t, _), v in TRUE_EFFECTS.items() if t == "aneby")


def _pooled(rows, chart):
    if chart in {"p", "u"}:
        return (
            sum(int(r["numerator"]) for r in rows) / sum(int(r["denominator"]) for r in rows),
            sum(int(r["denominator"]) for r in rows),
        )
    values = [num(r["value"]) for r in rows]
    return sum(values) / len(values), len(values)


def test_effects_are_visible_in_the_data_and_nulls_are_not(tables):
    """Pooled level after the true change vs before it (phases bounded by the measure's other
    changes), with a plain z statistic: binomial SE for p, Poisson SE for c and u, the SD of the
    points for i and run. A real effect is > 5 SE, a null one < 2.5 SE."""
    measures = {(m["team_id"], m["measure_id"]): m for m in tables["measures"]}
    changes = tables["changes"]
    for key, rows in _series(tables).items():
        truth = TRUE_EFFECTS[key]
        if truth["change_no"] is None:
            continue
        chart = measures[key]["chart"]
        aimed = sorted(
            date.fromisoformat(c["date"])
            for c in changes
            if c["team_id"] == key[0] and key[1] in c["measures"].split(",")
        )
        at = next(
            date.fromisoformat(c["date"])
            for c in changes
            if c["team_id"] == key[0] and int(c["change_no"]) == truth["change_no"]
        )
        lo = max([d for d in aimed if d < at], default=date.min)
        hi = min([d for d in aimed if d > at], default=date.max)
        pre = [r for r in rows if lo <= date.fromisoformat(r["period"]) < at]
        post = [r for r in rows if at <= date.fromisoformat(r["period"]) < hi]
        (a, n1), (b, n2) = _pooled(pre, chart), _pooled(post, chart)
        if chart == "p":
            p = (a * n1 + b * n2) / (n1 + n2)
            se = math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
        elif chart == "u":
            se = math.sqrt(a / n1 + b / n2)
        elif chart == "c":
            se = math.sqrt(a / n1 + b / n2)
        else:
            vals = [num(r["value"]) for r in pre + post]
            mean = sum(vals) / len(vals)
            sd = math.sqrt(sum((v - mean) ** 2 for v in vals) / (len(vals) - 1))
            se = sd * math.sqrt(1 / n1 + 1 / n2)
        z = (b - a) / se
        if truth["effect"]:
            assert z > 5, (key, z)
        else:
            assert abs(z) < 2.5, (key, z)
    narvaro = _series(tables)[("attarp", "narvaro")]
    before = [r for r in narvaro if r["period"] < "2019-12-09"]
    after = [r for r in narvaro if r["period"] >= "2019-12-09"]
    assert _pooled(before, "p")[0] == pytest.approx(0.88, abs=0.01)
    assert _pooled(after, "p")[0] == pytest.approx(0.93, abs=0.01)


def test_seasonal_series_dips_in_summer(tables):
    rows = _series(tables)[("varnamo", "fysisk_aktivitet")]
    share = {r["period"]: int(r["numerator"]) / int(r["denominator"]) for r in rows}
    for year in (2020, 2021, 2022):
        july = share[f"{year}-07-01"]
        spring = [share[f"{year}-{m:02d}-01"] for m in (2, 3, 4)]
        assert july < min(spring) - 0.05, year


def test_indicators_kolada_shape(tables):
    from analysis.kolada import CATALOGUE, WEIGHTS

    kpis = {k["kpi"]: k for k in tables["kpis"]}
    # the catalogue's KPIs and the population counts their county values are weighted with
    assert set(kpis) == set(CATALOGUE) | set(WEIGHTS)
    for kpi, spec in CATALOGUE.items():  # Kolada's titles, area types and gender splits
        k = kpis[kpi]
        assert (k["title_sv"], k["area_type"], k["gender_split"], k["role"]) == (
            spec.title_sv,
            spec.area_type,
            "1" if spec.gender_split else "0",
            spec.role,
        )
    assert {k["focus_area"] for k in kpis.values() if k["role"] == "outcome"} == {
        "fullföljda studier",
        "psykisk hälsa",
        "fysisk aktivitet",
    }
    assert kpis["N17461"]["direction"] == "up" and kpis["N66077"]["direction"] == "down"
    rows = tables["indicators"]
    totals = {
        (r["kpi"], r["municipality_code"], int(r["period"])): num(r["value"])
        for r in rows
        if r["gender"] == "T"
    }
    years = range(2016, 2025)
    for kpi, spec in CATALOGUE.items():
        areas = {a for k, a, _ in totals if k == kpi}
        # Kolada has a region value of a KPI published for regions (A); none of a K KPI
        assert ("0006" in areas) == (spec.area_type == "A"), kpi
        assert set(COUNTY) | {"0000"} <= areas | ({"0604", "0642"} if kpi == "N17675" else set())
        genders = {r["gender"] for r in rows if r["kpi"] == kpi}
        assert genders == ({"T", "K", "M"} if spec.gender_split else {"T"}), kpi
    # the pupil survey items: a municipality every other year (Skolinspektionen, half at a time)
    for code in COUNTY:
        assert len([y for y in years if ("N15645", code, y) in totals]) in (4, 5)
    assert all(len(r["value"].split(",")[-1]) == 1 for r in rows if r["kpi"] in CATALOGUE)
    for (kpi, area, year), value in totals.items():
        if area == "0006":  # a weighted mean lies between the smallest and largest municipality
            values = [totals[(kpi, c, year)] for c in COUNTY]
            assert min(values) - 0.1 <= value <= max(values) + 0.1
    # population counts: whole numbers, 0-20 = 0-19 + 20 year-olds, 7-20 within 0-20
    for code in COUNTY:
        for year in years:
            assert (
                totals[("N01948", code, year)]
                == totals[("N01919", code, year)] + totals[("N01837", code, year)]
            )
            ages = sum(totals[(w, code, year)] for w in CATALOGUE["U09800"].county_weight)
            assert ages < totals[("N01948", code, year)]
    assert all("," not in r["value"] for r in rows if r["kpi"] in WEIGHTS)
    # some municipalities improve and some do not (2016 -> 2024, in the KPI's direction)
    for kpi in ("N17461", "N33820", "U09800", "N66077"):
        sign = 1 if kpis[kpi]["direction"] == "up" else -1
        better = sum(sign * (totals[(kpi, c, 2024)] - totals[(kpi, c, 2016)]) > 0 for c in COUNTY)
        assert 2 <= better <= 11, kpi


def test_goals(tables):
    goals = {g["goal_id"]: g for g in tables["goals"]}
    kpis = {k["kpi"]: k for k in tables["kpis"]}
    trajectories = [g for g in goals.values() if g["kind"] == "trajectory"]
    # one headline KPI per focus area
    assert {kpis[g["source"].split(":")[1]]["focus_area"] for g in trajectories} == {
        "fullföljda studier",
        "psykisk hälsa",
        "fysisk aktivitet",
    }
    for g in trajectories:
        assert (g["baseline_year"], g["pp_per_year"], g["years"]) == ("2021", "2", "4")
        assert g["direction"] == kpis[g["source"].split(":")[1]]["direction"]
    bas = goals["basprogram"]
    assert (bas["kind"], bas["source"], bas["target_value"], bas["deadline"]) == (
        "target",
        "survey:coordinators:groups_offered:any",
        "100",
        "2022-12-31",
    )


def test_driver_diagrams_link_to_the_log(tables):
    files = sorted((SAMPLE / "drivers").glob("*.yml"))
    assert len(files) >= 4
    changes = {(c["team_id"], int(c["change_no"])) for c in tables["changes"]}
    measures = {(m["team_id"], m["measure_id"]) for m in tables["measures"]}
    for path in files:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        team = doc["team_id"]
        assert path.stem == team and doc["aim"]
        ideas = [
            idea
            for p in doc["primary_drivers"]
            for s in p["secondary_drivers"]
            for idea in s["change_ideas"]
        ]
        assert ideas and any(not i["changes"] for i in ideas)  # some ideas not tested yet
        for idea in ideas:
            assert all((team, c) in changes for c in idea["changes"]), (team, idea["id"])
            assert all((team, m) in measures for m in idea["measures"]), (team, idea["id"])


def test_series_specs_are_consistent():
    for s in SERIES:
        assert 20 <= s.n_periods <= 40
        if s.effect:
            assert s.change_no is not None


def test_load_dataset_reads_the_sample():
    from analysis import dataset

    ds = dataset.load_dataset(SAMPLE)
    assert len(ds.municipalities) == 13 and int(ds.municipalities["in_network"].sum()) == 11
    assert len(ds.teams) == 9 and len(ds.measures) == len(SERIES)
    assert len(ds.observations) == sum(s.n_periods - len(s.missing) for s in SERIES)
    assert ds.is_sample
    assert set(ds.driver_teams) >= {"attarp", "nassjo", "rydaholm", "varnamo"}
