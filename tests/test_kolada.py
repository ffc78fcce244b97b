"""Tests of the Kolada client without network.

Responses are the v3-shaped files in tests/fixtures/kolada/ (see its README: rebuilt from the
v3 responses rKolada recorded, with what is and is not verified), served through
``httpx.MockTransport`` or, for the command line and the slow/huge answers of a hostile server, a
local ``http.server`` on 127.0.0.1. Expected values are counted by hand from those files.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import logging
import os
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from analysis import kolada
from analysis.config import ConfigError, load_config
from analysis.text import t

FIXTURES = Path(__file__).parent / "fixtures" / "kolada"
API = "https://api.kolada.se/v3"
PAGED = f"{API}/data/kpi/N17461,N66077/municipality/0680,0682,0000/year/2023"


def body(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def kpi_page(ids: list[str]) -> dict:
    """The recorded metadata, cut to the ids asked for (as Kolada answers /kpi/{ids}).

    An id outside the recording (the chunking test's N9xxxx) gets a made-up item; the unknown
    KPI of the tests (N99999) is left out, as Kolada v3 leaves out an id it does not know.
    """
    known = {v["id"]: v for v in body("kpi.json")["values"]}
    values = [
        known.get(i, {"id": i, "title": f"Nyckeltal {i}, andel (%)"}) for i in ids if i != "N99999"
    ]
    return {"count": len(values), "values": values, "next_url": None, "previous_url": None}


class Api:
    """A recorded Kolada: answers the paged request from the fixtures and logs every request.

    ``script`` maps a path to a list of responses (or exceptions) served in turn before the
    recorded answer, e.g. a 429 and then the real page.
    """

    def __init__(self, script: dict[str, list] | None = None):
        self.requests: list[httpx.Request] = []
        self.script = {k: list(v) for k, v in (script or {}).items()}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path
        queue = self.script.get(path)
        if queue:
            step = queue.pop(0)
            if isinstance(step, Exception):
                raise step
            return step
        if path.startswith("/v3/kpi/"):
            return httpx.Response(200, json=kpi_page(path.rsplit("/", 1)[1].split(",")))
        if path == urlsplit(PAGED).path:
            page = parse_qs(request.url.query.decode()).get("page", ["1"])[0]
            return httpx.Response(200, json=body(f"data_page{page}.json"))
        if path.startswith("/v3/data/"):  # one value: the first KPI, area and year asked for
            parts = path.split("/")
            value = {
                "kpi": parts[4].split(",")[0],
                "municipality": parts[6].split(",")[0],
                "period": int(parts[8].split(",")[0]),
                "values": [{"gender": "T", "count": 1, "status": "", "value": 1.5}],
            }
            return httpx.Response(200, json={"count": 1, "values": [value], "next_url": None})
        return httpx.Response(404, json=body("error_404.json"))

    def urls(self) -> list[str]:
        return [str(r.url) for r in self.requests]


def client_for(api: Api, waits: list[float] | None = None, retries: int = 3) -> kolada.KoladaClient:
    http = httpx.Client(transport=httpx.MockTransport(api))
    sleep = waits.append if waits is not None else (lambda s: None)
    return kolada.KoladaClient(http, retries=retries, sleep=sleep)


def fetch_paged(out_dir: Path, api: Api | None = None, **kw) -> kolada.FetchResult:
    api = api or Api()
    return kolada.fetch(
        ["N17461", "N66077"],
        ["0680", "0682", "0000"],
        "2023",
        client=client_for(api, **kw),
        out_dir=out_dir,
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


# --- the parser ------------------------------------------------------------------------------


def test_parse_data_page_flattens_values_and_skips_missing_and_deleted():
    stats: dict[str, int] = {}
    rows = kolada.parse_data_page(body("data_page1.json"), stats=stats)
    # data_page1.json: 0680 has T, K, M; 0682 has T, K, M; 0000 has T only (K, M are null,
    # "Bortfall"): 3 + 3 + 1 = 7 rows.
    assert len(rows) == 7
    assert {
        "kpi": "N17461",
        "municipality_code": "0682",
        "period": 2023,
        "gender": "T",
        "value": 68.4,
    } in rows
    riket = [r for r in rows if r["municipality_code"] == "0000"]
    assert [(r["gender"], r["value"]) for r in riket] == [("T", 71.35)]
    # data_page2.json: N66077 for 0680 (9.8), 0682 (12) and 0000 (11.3, marked isdeleted): 2 rows
    rows2 = kolada.parse_data_page(body("data_page2.json"), stats=stats)
    assert [(r["municipality_code"], r["value"]) for r in rows2] == [("0680", 9.8), ("0682", 12.0)]
    assert stats == {"missing": 2, "deleted": 1}


@pytest.mark.parametrize(
    "flag", [{"isdeleted": True}, {"isdeleted": 1}, {"isdeleted": "true"}, {"is_deleted": 1}]
)
def test_a_deleted_value_is_never_a_row_wherever_the_flag_sits(flag):
    value = {"gender": "T", "count": 1, "status": "", "value": 4.5}
    on_value = {"kpi": "N17461", "municipality": "0680", "period": 2023, "values": [value | flag]}
    on_item = {"kpi": "N17461", "municipality": "0682", "period": 2023, "values": [value]} | flag
    kept = {
        "kpi": "N17461",
        "municipality": "0683",
        "period": "2023",  # period as text: v2
        "values": [value | {"isdeleted": False}],
    }
    rows = kolada.parse_data_page({"values": [on_value, on_item, kept]})
    assert [(r["municipality_code"], r["period"]) for r in rows] == [("0683", 2023)]


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"kpi": "N17461", "municipality": "0680", "values": []}, "values[0] has no 'period'"),
        (
            {"kpi": "N17461", "municipality": "0680", "period": "tjugo", "values": []},
            "values[0]: period 'tjugo' is not a year",
        ),
        (
            {
                "kpi": "N17461",
                "municipality": "0680",
                "period": 2023,
                "values": [{"gender": "X", "value": 1}],
            },
            "values[0].values[0]: gender 'X'",
        ),
        (
            {
                "kpi": "N17461",
                "municipality": "0680",
                "period": 2023,
                "values": [{"gender": "T", "value": "n/a"}],
            },
            "value 'n/a' is not a number",
        ),
        (
            {
                "kpi": "N17461",
                "municipality": "0680",
                "period": 2023,
                "values": [{"gender": "T", "value": True}],
            },
            "value True is not a number",
        ),
        (
            {
                "kpi": "N17461",
                "municipality": "0680",
                "period": 2023,
                "values": [{"gender": "T", "value": "Infinity"}],
            },
            "'Infinity' is not a finite number",
        ),
        (
            {
                "kpi": "N17461",
                "municipality": "0680",
                "period": 2023,
                "values": [{"gender": "K", "value": float("nan")}],
            },
            "nan is not a finite number",
        ),
        (
            {
                "kpi": "N17461",
                "municipality": "0680",
                "period": 2023,
                "values": [{"gender": "M", "value": 1e999}],
            },
            "inf is not a finite number",
        ),
    ],
)
def test_parse_data_page_names_the_broken_item(item, message):
    with pytest.raises(
        kolada.KoladaResponseError, match=message.replace("[", r"\[").replace("]", r"\]")
    ):
        kolada.parse_data_page({"values": [item]}, source="page")


def test_parse_kpi_page_keeps_what_v3_calls_auspice_and_perspective():
    meta = kolada.parse_kpi_page(body("kpi.json"))
    # recorded v3 metadata (rKolada's kpi_df): N17461 auspice "T", perspective
    # "Kvalitet och resultat", type A, divided by gender
    assert meta["N17461"]["auspice"] == "T"
    assert meta["N17461"]["perspective"] == "Kvalitet och resultat"
    assert meta["N17461"]["municipality_type"] == "A"
    assert meta["N17461"]["is_divided_by_gender"] is True
    assert "auspices" not in meta["N17461"]
    # an older client's spelling and v2's 0/1 flags are read too
    old = kolada.parse_kpi_page(
        {"values": [{"id": "N1", "auspices": "X", "is_divided_by_gender": 0}]}
    )
    assert old["N1"] == {"auspice": "X", "is_divided_by_gender": False}


# --- the real KPI facts (one test per difference the issue found) --------------------------------


RECORDED = {v["id"]: v for v in body("kpi.json")["values"]}


def test_n17461_and_n66077_are_published_for_municipalities_and_regions():
    # issue 14: the old fixtures said "K"; the recorded catalogue says "A" (both K and L)
    assert RECORDED["N17461"]["municipality_type"] == "A"
    assert RECORDED["N66077"]["municipality_type"] == "A"
    assert kolada.CATALOGUE["N17461"].area_type == "A" == kolada.CATALOGUE["N66077"].area_type


def test_n66077_is_not_divided_by_gender_and_covers_0_19():
    assert RECORDED["N66077"]["is_divided_by_gender"] is False
    assert RECORDED["N66077"]["title"] == "Invånare, 0-19 år, med låg ekonomisk standard, andel (%)"
    assert "0-19 år" in RECORDED["N66077"]["description"]
    spec = kolada.CATALOGUE["N66077"]
    assert spec.gender_split is False and spec.title_sv == RECORDED["N66077"]["title"]
    assert spec.role == "context" and spec.focus_area == ""  # a determinant, not an outcome


def test_n33820_is_mental_ill_health_0_19_from_drugs_diagnoses_or_inpatient_care():
    record = RECORDED["N33820"]
    assert record["title"] == "Psykisk ohälsa bland barn och unga, andel (%)"
    for words in ("0-19 år", "psykofarma", "F10-F99", "psykiatrisk klinik"):
        assert words in record["description"]
    assert kolada.CATALOGUE["N33820"].focus_area == "psykisk hälsa"


def test_n33818_counts_hvb_and_foster_home_placements_and_is_context():
    record = RECORDED["N33818"]
    assert record["title"].startswith(
        "Barn och unga 0-20 år som har varit placerade på HVB eller familjehem"
    )
    assert record["title"].endswith("antal/1000 inv")
    spec = kolada.CATALOGUE["N33818"]
    assert spec.role == "context" and spec.unit == "per 1 000"


def test_every_focus_area_has_an_outcome_kpi():
    outcomes = [s for s in kolada.CATALOGUE.values() if s.role == "outcome"]
    assert {s.focus_area for s in outcomes} == set(kolada.FOCUS_AREAS)
    assert [s.kpi for s in outcomes if s.focus_area == "fysisk aktivitet"] == [
        "U09800",
        "N15723",
        "N15720",
    ]


def test_the_catalogue_agrees_with_the_recorded_kolada_catalogue():
    specs = kolada.with_weights(kolada.resolve_kpis(list(kolada.CATALOGUE)))
    assert len(specs) == len(RECORDED) == 27  # 11 KPIs and 16 population counts
    meta = kolada.parse_kpi_page(body("kpi.json"))
    assert kolada.metadata_changes(specs, meta) == []
    # and a change Kolada makes later is noticed (the first real fetch verifies the catalogue)
    meta["N33820"] = meta["N33820"] | {"municipality_type": "A", "is_divided_by_gender": False}
    assert kolada.metadata_changes(specs, meta) == [
        "N33820: municipality_type is now A (catalogue: K)",
        "N33820: is_divided_by_gender is now False (catalogue: True)",
    ]


def test_the_county_areas_are_kolada_s():
    recorded = {v["id"]: (v["title"], v["type"]) for v in body("municipality.json")["values"]}
    frame = kolada.county_municipalities()
    assert {
        c: n for c, n in zip(frame["municipality_code"], frame["municipality_name"], strict=True)
    } == {c: t for c, (t, _) in recorded.items()}
    assert {c for c, (_, kind) in recorded.items() if kind == "L"} == {"0000", "0006"}


def test_unit_is_read_from_the_kolada_title():
    assert kolada.unit_from_title("Barn i ekonomiskt utsatta hushåll, andel (%)") == "%"
    assert (
        kolada.unit_from_title("Barn 0-20 år med heldygnsinsatser, antal/1000 inv") == "per 1 000"
    )
    assert kolada.unit_from_title("Nettokostnad grundskola, kr/inv") == "kr/inv."
    assert kolada.unit_from_title("Kostnad för grundskola") is None
    # U09800's "antal/inv 7-20 år" has no number: the catalogue's unit is used
    assert kolada.unit_from_title(RECORDED["U09800"]["title"]) is None


# --- paging, chunking, the written files ------------------------------------------------------


def test_fetch_follows_next_url_and_writes_the_raw_contract(tmp_path):
    api = Api()
    result = fetch_paged(tmp_path, api)
    # 1 metadata request, then page 1 (with per_page) and page 2: page 1's next_url is relative
    # to the host ("/v3/data/...?page=2"), joined with the base URL.
    assert api.urls() == [
        f"{API}/kpi/N17461,N66077",
        f"{PAGED}?per_page=5000",
        f"{PAGED}?page=2&per_page=5000",
    ]
    # 7 rows on page 1 + 2 rows on page 2 = 9; 2 null values skipped, 1 deleted value dropped.
    assert len(result.indicators) == 9
    assert result.counts["rows"] == 9
    assert result.counts["missing_values"] == 2
    assert result.counts["deleted_values"] == 1
    assert result.counts["pages"] == 3
    assert result.counts["rows_by_kpi"] == {"N17461": 7, "N66077": 2}
    assert list(result.indicators.columns) == list(kolada.INDICATOR_COLUMNS)

    raw = (tmp_path / "indicators.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, as Excel saves it
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == "kpi;municipality_code;period;gender;value"
    # sorted by kpi, code, year, gender in the order T, K, M; decimal comma; 12 stays "12"
    assert lines[1:5] == [
        "N17461;0000;2023;T;71,35",
        "N17461;0680;2023;T;70,1",
        "N17461;0680;2023;K;74,2",
        "N17461;0680;2023;M;66",
    ]
    assert "N17461;0682;2023;T;68,4" in lines
    assert lines[-1] == "N66077;0682;2023;T;12"
    assert not any(line.startswith("N66077;0000") for line in lines)  # withdrawn by Kolada

    kpis = (tmp_path / "kpis.csv").read_bytes().decode("utf-8-sig").splitlines()
    assert kpis[0] == (
        "kpi;title_sv;title_en;unit;direction;focus_area;role;area_type;gender_split;county_weight"
    )
    assert kpis[1] == (
        "N17461;Gymnasieelever med examen inom 4 år, hemkommun, andel (%);"
        "Upper-secondary students with a degree within 4 years, home municipality "
        "(%);%;up;fullföljda studier;outcome;A;1;"
    )
    assert kpis[2] == (
        "N66077;Invånare, 0-19 år, med låg ekonomisk standard, andel (%);"
        "Residents aged 0-19 with low economic standard (%);%;down;;context;A;0;"
    )

    info = json.loads((tmp_path / "fetch.json").read_text(encoding="utf-8"))
    assert info["api_version"] == "v3"
    assert info["kpis"] == ["N17461", "N66077"]
    assert info["municipalities"] == {"0680": "Jönköping", "0682": "Nässjö", "0000": "Riket"}
    assert info["years"] == [2023, 2023]
    assert info["counts"]["rows"] == 9
    assert info["counts"]["metadata_changes"] == []
    assert info["files"]["indicators.csv"] == hashlib.sha256(raw).hexdigest()
    assert info["kpi_meta"]["N66077"]["description"].startswith("Andel invånare 0-19 år")
    assert info["kpi_meta"]["N66077"]["auspice"] == "X"
    assert not list(tmp_path.glob(".*.tmp"))


def test_an_absolute_next_url_is_followed_too(tmp_path):
    page = body("data_page1.json") | {"next_url": f"{PAGED}?page=2&per_page=5000"}
    api = Api({urlsplit(PAGED).path: [httpx.Response(200, json=page)]})
    assert len(fetch_paged(tmp_path, api).indicators) == 9
    assert api.urls()[-1] == f"{PAGED}?page=2&per_page=5000"


def test_a_municipal_only_kpi_is_fetched_with_the_population_that_weighs_it(tmp_path):
    api = Api()
    result = kolada.fetch(["N33820"], ["0680"], "2023", client=client_for(api), out_dir=tmp_path)
    # N33820 is type K; its county value is weighted by N01919 (Invånare 0-19 år, antal)
    assert api.urls()[0] == f"{API}/kpi/N33820,N01919"
    assert urlsplit(api.urls()[1]).path == "/v3/data/kpi/N33820,N01919/municipality/0680/year/2023"
    rows = result.kpis.set_index("kpi")
    assert rows.loc["N33820", "county_weight"] == "N01919"
    assert (rows.loc["N33820", "area_type"], rows.loc["N33820", "role"]) == ("K", "outcome")
    assert (rows.loc["N01919", "role"], rows.loc["N01919", "title_sv"]) == (
        "weight",
        "Invånare 0-19 år, antal",
    )


def test_written_tables_read_back_as_the_loader_will(tmp_path):
    import pandas as pd

    fetch_paged(tmp_path)
    frame = pd.read_csv(
        tmp_path / "indicators.csv",
        sep=";",
        decimal=",",
        encoding="utf-8-sig",
        dtype={"municipality_code": "str"},
    )
    row = frame[
        (frame["municipality_code"] == "0682")
        & (frame["gender"] == "T")
        & (frame["kpi"] == "N17461")
    ]
    assert row["value"].tolist() == [68.4]
    cached = kolada.read_cache(tmp_path)
    assert cached is not None and len(cached.indicators) == 9
    assert cached.indicators["municipality_code"].tolist()[0] == "0000"


def test_requests_are_chunked_at_25_ids(tmp_path):
    api = Api()
    codes = [f"{i:04d}" for i in range(1, 31)]  # 30 codes -> 25 + 5
    extra = [
        {"id": f"N9{i:04d}", "direction": "up", "focus_area": "fysisk aktivitet"} for i in range(26)
    ]  # 26 KPIs -> 25 + 1
    result = kolada.fetch(extra, codes, "2016-2024", client=client_for(api), out_dir=tmp_path)
    metadata = [u for u in api.urls() if "/kpi/" in u and "/data/" not in u]
    data = [urlsplit(u).path for u in api.urls() if "/data/" in u]
    assert [len(u.rsplit("/", 1)[1].split(",")) for u in metadata] == [25, 1]
    # 2 KPI chunks x 2 municipality chunks x 1 year chunk (9 years) = 4 data requests
    assert len(data) == 4
    sizes = sorted((len(p.split("/")[4].split(",")), len(p.split("/")[6].split(","))) for p in data)
    assert sizes == [(1, 5), (1, 25), (25, 5), (25, 25)]
    assert all(p.endswith("/year/2016,2017,2018,2019,2020,2021,2022,2023,2024") for p in data)
    # one value per data request (see Api): 4 rows, from both KPI and both code chunks
    assert len(result.indicators) == 4
    assert set(result.indicators["municipality_code"]) == {"0001", "0026"}


def test_every_request_names_the_workbook_and_has_a_timeout(tmp_path):
    api = Api()
    fetch_paged(tmp_path, api)
    for request in api.requests:
        assert request.headers["User-Agent"].startswith("workbook-analysis/")
        assert request.extensions["timeout"]["read"] == 30.0


# --- retries -----------------------------------------------------------------------------------


def test_429_then_success_waits_as_retry_after_says(tmp_path):
    waits: list[float] = []
    api = Api(
        {
            urlsplit(PAGED).path: [
                httpx.Response(
                    429, headers={"Retry-After": "7"}, json={"detail": "Too Many Requests"}
                )
            ]
        }
    )
    result = fetch_paged(tmp_path, api, waits=waits)
    assert waits == [7.0]
    assert result.counts["retries"] == 1
    assert len(result.indicators) == 9


def test_5xx_backs_off_exponentially_then_succeeds(tmp_path):
    waits: list[float] = []
    api = Api(
        {
            urlsplit(PAGED).path: [
                httpx.Response(503),
                httpx.Response(502),
                httpx.ConnectTimeout("slow"),
            ]
        }
    )
    fetch_paged(tmp_path, api, waits=waits)
    assert waits == [1.0, 2.0, 4.0]  # backoff 1 s doubled on each retry


def test_retry_after_as_http_date():
    when = datetime.now(UTC) + timedelta(seconds=30)
    response = httpx.Response(429, headers={"Retry-After": format_datetime(when, usegmt=True)})
    assert 25 <= kolada.client._retry_after(response) <= 30


def test_5xx_after_every_retry_is_unavailable(tmp_path):
    waits: list[float] = []
    api = Api({urlsplit(PAGED).path: [httpx.Response(500)] * 3})
    with pytest.raises(kolada.KoladaUnavailable, match="HTTP 500"):
        fetch_paged(tmp_path, api, waits=waits, retries=2)
    assert waits == [1.0, 2.0]
    assert not (tmp_path / "indicators.csv").exists()


def test_error_response_is_not_retried_and_says_what_kolada_said(tmp_path):
    api = Api({urlsplit(PAGED).path: [httpx.Response(422, json=body("error_422.json"))]})
    with pytest.raises(kolada.KoladaResponseError) as info:
        fetch_paged(tmp_path, api)
    assert info.value.status == 422
    assert "at most 25 ids" in str(info.value)
    assert str(info.value).startswith(t("kolada_api_error", "sv"))
    assert len([u for u in api.urls() if "/data/" in u]) == 1


def test_unknown_kpi_is_an_error_before_any_data_request(tmp_path):
    api = Api({"/v3/kpi/N17461,N99999": [httpx.Response(200, json=kpi_page(["N17461"]))]})
    with pytest.raises(kolada.KoladaResponseError, match="no KPI N99999"):
        kolada.fetch(
            ["N17461", {"id": "N99999", "direction": "up", "focus_area": "psykisk hälsa"}],
            "county",
            "2023",
            client=client_for(api),
            out_dir=tmp_path,
        )
    assert not [u for u in api.urls() if "/data/" in u]


def test_an_empty_answer_does_not_replace_the_cache(tmp_path):
    fetch_paged(tmp_path)
    before = snapshot(tmp_path)
    empty = {"count": 0, "values": [], "next_url": None, "previous_url": None}
    api = Api({urlsplit(PAGED).path: [httpx.Response(200, json=empty)]})
    with pytest.raises(kolada.KoladaResponseError, match="no values for N17461, N66077 in 2023"):
        fetch_paged(tmp_path, api)
    assert snapshot(tmp_path) == before


def test_a_next_url_that_loops_is_refused(tmp_path):
    page = body("data_page2.json") | {"next_url": f"{PAGED}?per_page=5000"}
    api = Api({urlsplit(PAGED).path: [httpx.Response(200, json=page)] * 2})
    with pytest.raises(kolada.KoladaResponseError, match="loops"):
        fetch_paged(tmp_path, api)


def test_unknown_kpi_answered_with_an_empty_list_is_an_error_before_any_data_request(tmp_path):
    # Kolada v3 most likely answers /kpi/N99999 with 200 and values: [] (kpi_page leaves it out)
    api = Api()
    with pytest.raises(kolada.KoladaResponseError, match="Kolada has no KPI N99999") as info:
        kolada.fetch(
            ["N17461", {"id": "N99999", "direction": "up", "focus_area": "psykisk hälsa"}],
            "county",
            "2023",
            client=client_for(api),
            out_dir=tmp_path,
        )
    assert "check the id on kolada.se" in str(info.value)
    assert not [u for u in api.urls() if "/data/" in u]
    assert list(tmp_path.iterdir()) == []


def test_a_kpi_without_data_is_no_data_with_a_clear_message(tmp_path, caplog):
    # the data request answers values: [] for N15645 (nothing published) and N17461 has a value
    api = Api(
        {
            "/v3/data/kpi/N15645/municipality/0680/year/2023": [
                httpx.Response(200, json=body("empty.json"))
            ]
        }
    )
    with caplog.at_level(logging.WARNING, logger="analysis.kolada"):
        result = kolada.fetch(
            ["N17461", "N15645"],
            ["0680"],
            "2023",
            client=client_for(api),
            out_dir=tmp_path,
            write=False,
        )
    # the Api's default data answer is one value of the first KPI asked: N17461
    assert result.counts["rows_by_kpi"] == {"N17461": 1, "N15645": 0}
    assert result.counts["kpis_without_values"] == ["N15645"]
    assert "Kolada har inga värden för N15645 2023–2023" in caplog.text


# --- a broken or hostile server (issue 19): nothing it sends replaces a good cache ----------------


def test_a_next_url_to_another_host_is_refused_and_the_cache_kept(tmp_path):
    fetch_paged(tmp_path)
    before = snapshot(tmp_path)
    for target in (
        "https://evil.example/v3/data?page=2",
        "//evil.example/v3/data?page=2",
        "http://api.kolada.se/v3/data?page=2",  # same host, other scheme
        "https://api.kolada.se:8443/v3/data?page=2",
    ):
        page = body("data_page1.json") | {"next_url": target}
        api = Api({urlsplit(PAGED).path: [httpx.Response(200, json=page)]})
        with pytest.raises(kolada.KoladaResponseError, match="leads away from"):
            fetch_paged(tmp_path, api)
        assert not any("evil" in u or "8443" in u or u.startswith("http:") for u in api.urls())
        assert snapshot(tmp_path) == before


def test_redirects_are_followed_on_the_same_host_only(tmp_path):
    moved = httpx.Response(301, headers={"Location": f"{PAGED}?per_page=5000&moved=1"})
    api = Api({urlsplit(PAGED).path: [moved]})
    assert len(fetch_paged(tmp_path, api).indicators) == 9
    assert f"{PAGED}?per_page=5000&moved=1" in api.urls()
    away = httpx.Response(302, headers={"Location": "https://evil.example/steal"})
    api = Api({urlsplit(PAGED).path: [away]})
    with pytest.raises(kolada.KoladaResponseError, match="leads away from"):
        fetch_paged(tmp_path, api)
    assert not any("evil" in u for u in api.urls())


@pytest.mark.parametrize("bad", ["Infinity", "-Infinity", "NaN", '"Infinity"', "1e999", "123.4"])
def test_values_that_are_not_finite_or_outside_their_unit_never_replace_the_cache(tmp_path, bad):
    first = fetch_paged(tmp_path)
    before = snapshot(tmp_path)
    # page 1 with 0682's N17461 (a share in %) replaced by the raw JSON text `bad`
    text = json.dumps(body("data_page1.json")).replace('"value": 68.4', f'"value": {bad}')
    assert bad in text
    api = Api(
        {
            urlsplit(PAGED).path: [
                httpx.Response(
                    200, content=text.encode(), headers={"Content-Type": "application/json"}
                )
            ]
        }
    )
    with pytest.raises(kolada.KoladaResponseError) as info:
        fetch_paged(tmp_path, api)
    assert snapshot(tmp_path) == before
    assert info.value.cache["fetched_date"] == first.fetched_date
    # the cache the reports read is the previous one, and it still passes the data checks
    assert (
        kolada.check_tables(
            kolada.read_cache(tmp_path).indicators, kolada.read_cache(tmp_path).kpis
        )
        == []
    )


def test_tables_the_data_checks_refuse_are_never_written():
    import pandas as pd

    indicators = pd.DataFrame(
        {
            "kpi": ["N17461"],
            "municipality_code": ["0680"],
            "period": pd.array([2023], dtype="Int64"),
            "gender": ["T"],
            "value": [70.1],
        }
    )
    kpis = pd.DataFrame([kolada.CATALOGUE["N17461"].row()])
    assert kolada.check_tables(indicators, kpis) == []
    problems = kolada.check_tables(indicators, kpis.assign(direction="better"))
    assert [(p.file, p.column) for p in problems] == [("kpis.csv", "direction")]
    problems = kolada.check_tables(indicators.assign(kpi="N15645"), kpis)
    assert [p.message for p in problems] == ["unknown kpi N15645"]


class DripStream(httpx.SyncByteStream):
    """A body that never ends: ``piece`` after ``piece``, each one "taking" ``seconds`` on
    ``clock``; ``sent`` counts what was read."""

    def __init__(self, piece: bytes, clock: list[float] | None = None, seconds: float = 0.0):
        self.piece, self.clock, self.seconds, self.sent = piece, clock, seconds, 0

    def __iter__(self):
        while True:
            if self.clock is not None:
                self.clock[0] += self.seconds
            self.sent += 1
            yield self.piece


def test_an_answer_is_cut_off_at_its_total_timeout_not_per_read():
    clock = [0.0]
    stream = DripStream(b" ", clock, seconds=0.5)  # a byte every half second, for ever
    http = httpx.Client(
        transport=httpx.MockTransport(lambda request: httpx.Response(200, stream=stream))
    )
    client = kolada.KoladaClient(
        http, retries=0, timeout=10, clock=lambda: clock[0], sleep=lambda s: None
    )
    with pytest.raises(kolada.KoladaUnavailable, match="not complete after 10 s"):
        client.get_json(f"{API}/kpi/N17461")
    # 10 s at 0.5 s a piece: the 21st piece is past the deadline and the read stops there
    assert stream.sent == 21


def test_an_answer_larger_than_the_cap_is_refused_while_it_arrives():
    stream = DripStream(b"x" * 2**20)  # 1 MiB pieces, for ever
    http = httpx.Client(
        transport=httpx.MockTransport(lambda request: httpx.Response(200, stream=stream))
    )
    client = kolada.KoladaClient(http, retries=0, max_bytes=4 * 2**20)
    with pytest.raises(kolada.KoladaResponseError, match="longer than the 4,194,304 bytes"):
        client.get_json(f"{API}/kpi/N17461")
    assert stream.sent == 5  # 5 MiB read: one piece past the 4 MiB cap, never the rest
    declared = DripStream(b"x")
    http = httpx.Client(
        transport=httpx.MockTransport(
            lambda request: httpx.Response(
                200, stream=declared, headers={"Content-Length": str(400 * 2**20)}
            )
        )
    )
    client = kolada.KoladaClient(http, retries=0)
    with pytest.raises(kolada.KoladaResponseError, match="419,430,400 bytes, more than"):
        client.get_json(f"{API}/kpi/N17461")
    assert declared.sent == 0  # a declared 400 MB answer is refused before reading it


def test_the_whole_fetch_has_a_deadline(tmp_path):
    clock = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock[0] += seconds

    api = Api({urlsplit(PAGED).path: [httpx.Response(503)] * 10})
    http = httpx.Client(transport=httpx.MockTransport(api))
    client = kolada.KoladaClient(http, retries=10, deadline=5, clock=lambda: clock[0], sleep=sleep)
    with pytest.raises(kolada.KoladaUnavailable, match="longer than its deadline"):
        kolada.fetch(
            ["N17461", "N66077"], ["0680", "0682", "0000"], "2023", client=client, out_dir=tmp_path
        )
    assert waits == [1.0, 2.0]  # the next wait (4 s) would pass the 5 s deadline: give up
    assert list(tmp_path.iterdir()) == []


class _SlowHandler(http.server.BaseHTTPRequestHandler):
    """Over a real socket: a 200 whose body drips in (``/drip``) or never ends (``/huge``)."""

    sent: dict[str, int] = {}

    def do_GET(self):  # http.server calls it by this name
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        piece, pause, total = (
            (b" ", 0.05, 200) if self.path.startswith("/v3/drip") else (b" " * 2**16, 0.0, 2**14)
        )  # 0.05 s x 200 = 10 s; 1 GiB
        sent = 0
        try:
            for _ in range(total):
                self.wfile.write(piece)
                self.wfile.flush()
                sent += len(piece)
                time.sleep(pause)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client hung up: what the test wants
        finally:
            _SlowHandler.sent[self.path] = sent

    def log_message(self, *args):
        pass


@pytest.fixture
def slow_server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SlowHandler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v3"
    httpd.shutdown()
    httpd.server_close()


def test_a_slow_drip_and_a_huge_body_over_a_real_socket(slow_server):
    # The server drips a byte every 0.05 s for 10 s; a 1 s timeout must end the request long
    # before the body does (before the fix, timeout was per read and this took the full 10 s).
    with kolada.KoladaClient(base_url=slow_server, retries=0, timeout=1) as client:
        with pytest.raises(kolada.KoladaUnavailable, match="not complete after 1 s"):
            client.get_json(f"{slow_server}/drip")
    with kolada.KoladaClient(base_url=slow_server, retries=0, max_bytes=2**20) as client:
        with pytest.raises(kolada.KoladaResponseError, match="longer than the 1,048,576 bytes"):
            client.get_json(f"{slow_server}/huge")
    deadline = time.monotonic() + 15  # let the server's threads notice the hang-up
    while len(_SlowHandler.sent) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _SlowHandler.sent["/v3/drip"] < 200  # the client hung up before the whole body
    assert _SlowHandler.sent["/v3/huge"] < 2**30


# --- offline fallback and atomic writes ----------------------------------------------------------


def test_failure_mid_fetch_leaves_the_last_fetch_byte_identical(tmp_path):
    first = fetch_paged(tmp_path)
    before = snapshot(tmp_path)
    # page 1 arrives, then the network goes: the fetch fails half-way
    api = Api(
        {
            "/v3/data/kpi/N17461,N66077/municipality/0680,0682,0000/year/2023": [
                httpx.Response(200, json=body("data_page1.json"))
            ]
            + [httpx.ConnectError("no route")] * 4
        }
    )
    with pytest.raises(kolada.KoladaUnavailable) as info:
        fetch_paged(tmp_path, api)
    assert snapshot(tmp_path) == before
    message = str(info.value)
    expected = (
        "kunde inte nå Kolada; rapporterna använder den senast hämtade datan från "
        f"{first.fetched_date}"
    )
    assert message.startswith(expected)
    assert info.value.cache["fetched_date"] == first.fetched_date
    cached = kolada.read_cache(tmp_path)
    assert cached is not None and cached.indicators.equals(first.indicators)


def test_no_network_and_no_cache_says_so(tmp_path):
    waits: list[float] = []
    api = Api({"/v3/kpi/N17461,N66077": [httpx.ConnectError("offline")] * 4})
    with pytest.raises(kolada.KoladaUnavailable) as info:
        fetch_paged(tmp_path, api, waits=waits)
    assert len(api.requests) == 2 and waits == [1.0]  # no connection: tried twice, not four times
    assert info.value.cache is None
    assert str(info.value).startswith(f"kunde inte nå Kolada; {t('kolada_no_cache', 'sv')}")
    assert list(tmp_path.iterdir()) == []


def test_a_disk_failure_while_writing_leaves_old_files_and_no_temp_files(tmp_path, monkeypatch):
    fetch_paged(tmp_path)
    before = snapshot(tmp_path)
    calls = {"n": 0}
    real_fsync = os.fsync  # the cache is written by analysis.io.write_files_atomic

    def failing_fsync(fd):
        calls["n"] += 1
        if calls["n"] == 3:  # while writing fetch.json, the last of the three
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", failing_fsync)
    newer = body("data_page1.json")
    newer["values"][1]["values"][0]["value"] = 99.9  # Kolada revised a figure: new files differ
    api = Api({urlsplit(PAGED).path: [httpx.Response(200, json=newer)]})
    with pytest.raises(OSError, match="No space left"):
        fetch_paged(tmp_path, api)
    assert snapshot(tmp_path) == before
    monkeypatch.setattr(os, "fsync", real_fsync)
    fetch_paged(tmp_path, Api({urlsplit(PAGED).path: [httpx.Response(200, json=newer)]}))
    assert "N17461;0682;2023;T;99,9" in (tmp_path / "indicators.csv").read_text("utf-8-sig")


def test_the_cache_is_never_written_into_data_raw(tmp_path, monkeypatch):
    (tmp_path / "workbook.yml").write_text("language: sv\n", encoding="utf-8")
    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    monkeypatch.setenv("WORKBOOK_ROOT", str(tmp_path))
    api = Api()
    with pytest.raises(ConfigError, match="read-only"):
        fetch_paged(raw, api)
    assert api.requests == [] and list(raw.iterdir()) == []


def test_last_fetch_reports_date_and_version_and_notices_edits(tmp_path):
    assert kolada.last_fetch(tmp_path) is None
    result = fetch_paged(tmp_path / "data" / "kolada")
    info = kolada.last_fetch(tmp_path)  # project root
    assert info["api_version"] == "v3" and info["fetched_date"] == result.fetched_date
    assert info["verified"] is True
    assert kolada.provenance_line(tmp_path, "sv") == (
        f"Länsindikatorer: Kolada (RKA), API v3, hämtade {result.fetched_date}"
    )
    with (tmp_path / "data" / "kolada" / "indicators.csv").open("ab") as stream:
        stream.write(b"N17461;0680;2024;T;1\r\n")
    assert kolada.last_fetch(tmp_path)["verified"] is False


# --- what to fetch ----------------------------------------------------------------------------


def test_county_municipalities():
    frame = kolada.county_municipalities()
    # SCB's municipality codes of Jönköpings län (län 06): 13 municipalities 0604..0687.
    municipalities = frame[frame["level"] == "municipality"]
    assert len(municipalities) == 13
    assert all(code.startswith("06") for code in municipalities["municipality_code"])
    assert (
        dict(zip(frame["municipality_code"], frame["municipality_name"], strict=True))["0680"]
        == "Jönköping"
    )
    assert frame["municipality_code"].tolist()[-2:] == ["0006", "0000"]
    assert frame["municipality_code"].is_unique


@pytest.mark.parametrize(
    ("years", "expected"),
    [
        ("2016-2024", list(range(2016, 2025))),
        ([2016, 2024], list(range(2016, 2025))),
        (2023, [2023]),
        ("2016,2018", [2016, 2018]),
        ("2016-2017,2020", [2016, 2017, 2020]),
    ],
)
def test_parse_years(years, expected):
    assert kolada.parse_years(years) == expected


@pytest.mark.parametrize("years", ["tjugo", [2016, 2018, 2020], "2024-2016", None])
def test_bad_years_are_a_clear_error(years):
    with pytest.raises(ConfigError, match="years"):
        kolada.parse_years(years)


def test_a_kpi_outside_the_catalogue_needs_its_direction():
    with pytest.raises(ConfigError, match=r"give it in workbook.yml as \{id: N12345, direction"):
        kolada.resolve_kpis(["N12345"])
    spec = kolada.resolve_kpis(
        [{"id": "n12345", "direction": "down", "focus_area": "fysisk aktivitet"}]
    )[0]
    assert (spec.kpi, spec.direction) == ("N12345", "down")
    with pytest.raises(ConfigError, match="direction must be up or down"):
        kolada.resolve_kpis([{"id": "N17461", "direction": "better"}])


def test_municipality_codes_are_checked():
    assert kolada.resolve_municipalities("0680, 682") == ["0680", "0682"]
    assert len(kolada.resolve_municipalities("county")) == 15
    with pytest.raises(ConfigError, match="not a 4-digit code"):
        kolada.resolve_municipalities(["Jönköping"])


def test_repository_settings_are_valid():
    opts = kolada.settings(load_config(Path(__file__).resolve().parent.parent))
    specs = kolada.resolve_kpis(opts["kpis"])
    assert [s.kpi for s in specs] == list(kolada.CATALOGUE)  # every KPI of the catalogue
    assert {s.focus_area for s in specs if s.role == "outcome"} == set(kolada.FOCUS_AREAS)
    assert kolada.parse_years(opts["years"]) == list(range(2016, 2025))
    with pytest.raises(ConfigError, match="unknown setting"):
        kolada.settings({"kpi": ["N17461"]})


# --- the command line and the runner's step, against a local server ----------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # http.server calls it by this name
        parts = urlsplit(self.path)
        if parts.path.startswith("/v3/kpi/"):
            payload, status = kpi_page(parts.path.rsplit("/", 1)[1].split(",")), 200
        elif parts.path.startswith("/v3/data/"):
            payload = {
                "count": 1,
                "next_url": None,
                "values": [
                    {
                        "kpi": "N17461",
                        "municipality": "0680",
                        "period": 2023,
                        "values": [{"gender": "T", "count": 1, "status": "", "value": 70.1}],
                    }
                ],
            }
            status = 200
        else:
            payload, status = body("error_404.json"), 404
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v3"
    httpd.shutdown()
    httpd.server_close()


def project(tmp_path: Path, monkeypatch, base_url: str) -> Path:
    (tmp_path / "workbook.yml").write_text(
        'language: sv\nkolada:\n  kpis: [N17461]\n  municipalities: ["0680"]\n'
        f"  years: [2022, 2023]\n  base_url: {base_url}\n  retries: 0\n  timeout: 2\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("WORKBOOK_ROOT", str(tmp_path))
    return tmp_path


def dead_port() -> str:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v3"  # nobody listens there any more


def test_main_exit_codes_fetched_then_cache_then_nothing(tmp_path, monkeypatch, server, capsys):
    (tmp_path / "a").mkdir()
    root = project(tmp_path / "a", monkeypatch, server)
    assert kolada.main(["fetch"]) == 0
    assert "Hämtade 1 värden" in capsys.readouterr().out
    cached = (root / "data" / "kolada" / "indicators.csv").read_bytes()
    assert cached.decode("utf-8-sig").splitlines()[1] == "N17461;0680;2023;T;70,1"
    assert kolada.main(["kolada", "status"]) == 0
    assert "Senaste hämtning från Kolada v3" in capsys.readouterr().out

    fetched = kolada.last_fetch(root)["fetched_date"]
    project(root, monkeypatch, dead_port())
    assert kolada.main(["fetch", "--years", "2023"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(
        f"kunde inte nå Kolada; rapporterna använder den senast hämtade datan från {fetched} ("
    )
    assert (root / "data" / "kolada" / "indicators.csv").read_bytes() == cached

    (tmp_path / "b").mkdir()
    project(tmp_path / "b", monkeypatch, dead_port())
    assert kolada.main(["fetch"]) == 2
    assert t("kolada_no_cache", "sv") in capsys.readouterr().err
    assert kolada.main(["fetch", "--kpi", "N12345"]) == 2  # not in the catalogue: a usage error
    assert kolada.main(["--help"]) == 0


def test_fetch_step_never_raises(tmp_path, monkeypatch, server):
    root = project(tmp_path, monkeypatch, server)
    config = load_config(root)
    assert kolada.fetch_step(config) is True
    assert kolada.last_fetch(root)["kpis"] == ["N17461"]
    assert kolada.fetch_step(load_config(project(root, monkeypatch, dead_port()))) is False
    (root / "workbook.yml").write_text("kolada: {kpis: [nonsense]}\n", encoding="utf-8")
    assert kolada.fetch_step(load_config(root)) is False


def test_status_lists_the_catalogue_with_area_type_and_gender_split(tmp_path, monkeypatch, capsys):
    import re

    (tmp_path / "workbook.yml").write_text(
        "language: sv\nkolada:\n  kpis: [N17461, N33820, N66077, U09800]\n  years: [2016, 2024]\n"
        "  deadline: 120\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("WORKBOOK_ROOT", str(tmp_path))
    assert kolada.main(["status"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(t("kolada_status_none", "sv"))
    lines = {line.split()[0]: line for line in out.splitlines() if re.match(r"^[NU]\d{5} ", line)}
    # KPI, type (K/L/A), by sex, role, focus area, county value, Kolada's title
    assert re.match(
        r"N17461\s+A\s+ja\s+utfall\s+fullföljda studier\s+Kolada\s+Gymnasieelever", lines["N17461"]
    )
    assert re.match(
        r"N33820\s+K\s+ja\s+utfall\s+psykisk hälsa\s+beräknat \(N01919\)", lines["N33820"]
    )
    assert re.match(r"N66077\s+A\s+nej\s+sammanhang\s+–\s+Kolada", lines["N66077"])
    assert re.match(
        r"U09800\s+K\s+ja\s+utfall\s+fysisk aktivitet\s+beräknat \(N01824–N01837\)", lines["U09800"]
    )
    assert re.match(r"N01919\s+A\s+nej\s+vikt", lines["N01919"])  # the weights are listed too
    assert len(lines) == 4 + 1 + 14
    assert "K = Kolada publicerar bara kommunvärden" in out


def test_the_kolada_docs_name_only_files_that_exist():
    import re

    root = Path(__file__).resolve().parent.parent
    text = (root / "docs" / "kolada.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:analysis|tests|docs|data)/[\w/.-]+)`", text))
    assert "analysis/kolada/catalogue.py" in named  # issue 14: it named analysis/kolada.py
    missing = sorted(
        p
        for p in named - {"data/kolada/"}  # the cache, made by the first fetch
        if not (root / p).exists()
    )
    assert missing == []


def test_kpi_titles_that_look_like_formulas_are_written_as_text():
    """Issue 19: Kolada titles went unchanged into an Excel-shaped CSV (OWASP CSV injection)."""
    import pandas as pd

    from analysis.kolada import cache

    frame = pd.DataFrame(
        [
            {
                "kpi": "N1",
                "title_sv": '=HYPERLINK("http://evil.example")',
                "title_en": "@SUM(1)",
                "unit": "%",
                "direction": "up",
                "focus_area": "psykisk hälsa",
            }
        ]
    )
    line = cache._kpi_bytes(frame).decode("utf-8-sig").splitlines()[1]
    assert line.split(";")[1].startswith("\"'=HYPERLINK") and line.split(";")[2] == "'@SUM(1)"
