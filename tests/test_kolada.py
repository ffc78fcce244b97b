"""Tests of the Kolada client without network.

Responses are the v3-shaped files in tests/fixtures/kolada/ (see its README), served through
``httpx.MockTransport`` or, for the command line, a local ``http.server`` on 127.0.0.1. Expected
values are counted by hand from those files.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import threading
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
    """The recorded metadata, cut to the ids asked for (as Kolada answers /kpi/{ids})."""
    known = {v["id"]: v for v in body("kpi.json")["values"]}
    values = [known.get(i, {"id": i, "title": f"Nyckeltal {i}, andel (%)"}) for i in ids]
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
            value = {"kpi": parts[4].split(",")[0], "municipality": parts[6].split(",")[0],
                     "period": int(parts[8].split(",")[0]),
                     "values": [{"gender": "T", "count": 1, "status": "", "value": 1.5}]}
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
    return kolada.fetch(["N17461", "N66077"], ["0680", "0682", "0000"], "2023",
                        client=client_for(api, **kw), out_dir=out_dir)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


# --- the parser ------------------------------------------------------------------------------


def test_parse_data_page_flattens_values_and_skips_missing():
    rows = kolada.parse_data_page(body("data_page1.json"))
    # data_page1.json: 0680 has T, K, M; 0682 has T, K, M; 0000 has T only (K, M are null,
    # "Bortfall"): 3 + 3 + 1 = 7 rows.
    assert len(rows) == 7
    assert {"kpi": "N17461", "municipality_code": "0682", "period": 2023, "gender": "T",
            "value": 68.4} in rows
    riket = [r for r in rows if r["municipality_code"] == "0000"]
    assert [(r["gender"], r["value"]) for r in riket] == [("T", 71.35)]


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"kpi": "N17461", "municipality": "0680", "values": []}, "values[0] has no 'period'"),
        ({"kpi": "N17461", "municipality": "0680", "period": "tjugo", "values": []},
         "values[0]: period 'tjugo' is not a year"),
        ({"kpi": "N17461", "municipality": "0680", "period": 2023,
          "values": [{"gender": "X", "value": 1}]}, "values[0].values[0]: gender 'X'"),
        ({"kpi": "N17461", "municipality": "0680", "period": 2023,
          "values": [{"gender": "T", "value": "n/a"}]}, "value 'n/a' is not a number"),
    ],
)
def test_parse_data_page_names_the_broken_item(item, message):
    with pytest.raises(kolada.KoladaResponseError, match=message.replace("[", r"\[").replace("]", r"\]")):
        kolada.parse_data_page({"values": [item]}, source="page")


def test_unit_is_read_from_the_kolada_title():
    assert kolada.unit_from_title("Barn i ekonomiskt utsatta hushåll, andel (%)") == "%"
    assert kolada.unit_from_title("Barn 0-20 år med heldygnsinsatser, antal/1000 inv") == "per 1 000"
    assert kolada.unit_from_title("Nettokostnad grundskola, kr/inv") == "kr/inv."
    assert kolada.unit_from_title("Kostnad för grundskola") is None


# --- paging, chunking, the written files ------------------------------------------------------


def test_fetch_follows_next_url_and_writes_the_raw_contract(tmp_path):
    api = Api()
    result = fetch_paged(tmp_path, api)
    # 1 metadata request, then page 1 (with per_page) and page 2 (exactly page 1's next_url).
    assert api.urls() == [
        f"{API}/kpi/N17461,N66077",
        f"{PAGED}?per_page=5000",
        body("data_page1.json")["next_url"],
    ]
    # 7 rows on page 1 + 2 rows on page 2 = 9; 2 null values skipped.
    assert len(result.indicators) == 9
    assert result.counts["rows"] == 9
    assert result.counts["missing_values"] == 2
    assert result.counts["pages"] == 3
    assert result.counts["rows_by_kpi"] == {"N17461": 7, "N66077": 2}
    assert list(result.indicators.columns) == list(kolada.INDICATOR_COLUMNS)

    raw = (tmp_path / "indicators.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, as Excel saves it
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == "kpi;municipality_code;period;gender;value"
    # sorted by kpi, code, year, gender in the order T, K, M; decimal comma; 12 stays "12"
    assert lines[1:5] == ["N17461;0000;2023;T;71,35", "N17461;0680;2023;T;70,1",
                          "N17461;0680;2023;K;74,2", "N17461;0680;2023;M;66"]
    assert "N17461;0682;2023;T;68,4" in lines
    assert lines[-1] == "N66077;0682;2023;T;12"

    kpis = (tmp_path / "kpis.csv").read_bytes().decode("utf-8-sig").splitlines()
    assert kpis[0] == "kpi;title_sv;title_en;unit;direction;focus_area"
    assert kpis[1] == ("N17461;Gymnasieelever med examen inom 4 år, hemkommun, andel (%);"
                       "Upper-secondary students with a degree within 4 years;%;up;"
                       "fullföljda studier")
    assert kpis[2].endswith(";%;down;psykisk hälsa")

    info = json.loads((tmp_path / "fetch.json").read_text(encoding="utf-8"))
    assert info["api_version"] == "v3"
    assert info["kpis"] == ["N17461", "N66077"]
    assert info["municipalities"] == {"0680": "Jönköping", "0682": "Nässjö", "0000": "Riket"}
    assert info["years"] == [2023, 2023]
    assert info["counts"]["rows"] == 9
    assert info["files"]["indicators.csv"] == hashlib.sha256(raw).hexdigest()
    assert info["kpi_meta"]["N66077"]["description"].startswith("Antal barn 0-17 år")
    assert not list(tmp_path.glob(".*.tmp"))


def test_written_tables_read_back_as_the_loader_will(tmp_path):
    import pandas as pd

    fetch_paged(tmp_path)
    frame = pd.read_csv(tmp_path / "indicators.csv", sep=";", decimal=",", encoding="utf-8-sig",
                        dtype={"municipality_code": "str"})
    row = frame[(frame["municipality_code"] == "0682") & (frame["gender"] == "T")
                & (frame["kpi"] == "N17461")]
    assert row["value"].tolist() == [68.4]
    cached = kolada.read_cache(tmp_path)
    assert cached is not None and len(cached.indicators) == 9
    assert cached.indicators["municipality_code"].tolist()[0] == "0000"


def test_requests_are_chunked_at_25_ids(tmp_path):
    api = Api()
    codes = [f"{i:04d}" for i in range(1, 31)]  # 30 codes -> 25 + 5
    extra = [{"id": f"N9{i:04d}", "direction": "up", "focus_area": "fysisk aktivitet"}
             for i in range(26)]  # 26 KPIs -> 25 + 1
    result = kolada.fetch(extra, codes, "2016-2024", client=client_for(api), out_dir=tmp_path)
    metadata = [u for u in api.urls() if "/kpi/" in u and "/data/" not in u]
    data = [urlsplit(u).path for u in api.urls() if "/data/" in u]
    assert [len(u.rsplit("/", 1)[1].split(",")) for u in metadata] == [25, 1]
    # 2 KPI chunks x 2 municipality chunks x 1 year chunk (9 years) = 4 data requests
    assert len(data) == 4
    sizes = sorted((len(p.split("/")[4].split(",")), len(p.split("/")[6].split(",")))
                   for p in data)
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
    api = Api({urlsplit(PAGED).path: [
        httpx.Response(429, headers={"Retry-After": "7"}, json={"detail": "Too Many Requests"})]})
    result = fetch_paged(tmp_path, api, waits=waits)
    assert waits == [7.0]
    assert result.counts["retries"] == 1
    assert len(result.indicators) == 9


def test_5xx_backs_off_exponentially_then_succeeds(tmp_path):
    waits: list[float] = []
    api = Api({urlsplit(PAGED).path: [httpx.Response(503), httpx.Response(502),
                                      httpx.ConnectTimeout("slow")]})
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
        kolada.fetch(["N17461", {"id": "N99999", "direction": "up", "focus_area": "psykisk hälsa"}],
                     "county", "2023", client=client_for(api), out_dir=tmp_path)
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


# --- offline fallback and atomic writes ----------------------------------------------------------


def test_failure_mid_fetch_leaves_the_last_fetch_byte_identical(tmp_path):
    first = fetch_paged(tmp_path)
    before = snapshot(tmp_path)
    # page 1 arrives, then the network goes: the fetch fails half-way
    api = Api({"/v3/data/kpi/N17461,N66077/municipality/0680,0682,0000/year/2023": [
        httpx.Response(200, json=body("data_page1.json"))] + [httpx.ConnectError("no route")] * 4})
    with pytest.raises(kolada.KoladaUnavailable) as info:
        fetch_paged(tmp_path, api)
    assert snapshot(tmp_path) == before
    message = str(info.value)
    expected = ("kunde inte nå Kolada; rapporterna använder den senast hämtade datan från "
                f"{first.fetched_date}")
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
    real_fsync = kolada.cache.os.fsync

    def failing_fsync(fd):
        calls["n"] += 1
        if calls["n"] == 3:  # while writing fetch.json, the last of the three
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(kolada.cache.os, "fsync", failing_fsync)
    newer = body("data_page1.json")
    newer["values"][1]["values"][0]["value"] = 99.9  # Kolada revised a figure: new files differ
    api = Api({urlsplit(PAGED).path: [httpx.Response(200, json=newer)]})
    with pytest.raises(OSError, match="No space left"):
        fetch_paged(tmp_path, api)
    assert snapshot(tmp_path) == before
    monkeypatch.setattr(kolada.cache.os, "fsync", real_fsync)
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
        f"Länsindikatorer: Kolada (RKA), API v3, hämtade {result.fetched_date}")
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
    assert dict(zip(frame["municipality_code"], frame["municipality_name"], strict=True))["0680"] == "Jönköping"
    assert frame["municipality_code"].tolist()[-2:] == ["0006", "0000"]
    assert frame["municipality_code"].is_unique


@pytest.mark.parametrize(
    ("years", "expected"),
    [("2016-2024", list(range(2016, 2025))), ([2016, 2024], list(range(2016, 2025))),
     (2023, [2023]), ("2016,2018", [2016, 2018]), ("2016-2017,2020", [2016, 2017, 2020])],
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
    spec = kolada.resolve_kpis([{"id": "n12345", "direction": "down",
                                 "focus_area": "fysisk aktivitet"}])[0]
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
    assert [s.kpi for s in kolada.resolve_kpis(opts["kpis"])] == ["N17461", "N66077", "N33818", "N33820"]
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
            payload = {"count": 1, "next_url": None, "values": [
                {"kpi": "N17461", "municipality": "0680", "period": 2023,
                 "values": [{"gender": "T", "count": 1, "status": "", "value": 70.1}]}]}
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
        "language: sv\nkolada:\n  kpis: [N17461]\n  municipalities: [\"0680\"]\n"
        f"  years: [2022, 2023]\n  base_url: {base_url}\n  retries: 0\n  timeout: 2\n",
        encoding="utf-8")
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
    assert err.startswith(f"kunde inte nå Kolada; rapporterna använder den senast hämtade datan från {fetched} (")
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
