"""County indicators straight from Kolada (RKA's open database), with an offline cache.

Kolada's public API v3 (``https://api.kolada.se/v3``) is read with a small client on ``httpx``:

* data: ``/data/kpi/{kpis}/municipality/{codes}/year/{years}``, metadata: ``/kpi/{kpis}``;
  at most 25 ids per path segment (we chunk), and pages are followed through ``next_url``;
* a response is ``{"count": n, "values": [...], "next_url": url | null, "previous_url": ...}``,
  one data value ``{"kpi", "municipality", "period", "values": [{"gender": "T"|"K"|"M",
  "count", "status", "value"}]}``;
* polite: timeouts, a User-Agent naming the workbook, retries with exponential back-off on
  429/5xx and transport errors, ``Retry-After`` respected.

The result is written to ``<project root>/data/kolada/`` (never to ``data/raw``) in exactly the
raw contract's shape (``indicators.csv``, ``kpis.csv``: ``;``-separated, UTF-8 with BOM, decimal
comma) plus ``fetch.json`` (fetch time, API version, what was asked, counts, file hashes, the
Swedish KPI titles and descriptions). Every file is written to a temporary file and moved into
place with ``os.replace`` only after the whole fetch succeeded, so a failed fetch leaves the
previous files byte-identical and the reports build offline from them.

Why no client library: on PyPI ``koladapy`` (1.0.1) speaks v3 but is built on ``requests`` +
``backoff`` + ``tqdm`` and, when one chunk fails, logs and goes on with the others (a silently
partial table); ``kolada`` (0.0.0) is a placeholder, ``pykolada`` and ``kolada-scraper`` speak v2,
which is retired.
"""

from __future__ import annotations

import argparse
import csv
import email.utils
import hashlib
import io
import json
import logging
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pandas as pd

from . import __version__
from .config import Config, ConfigError, find_root, load_config
from .text import set_language, t

log = logging.getLogger(__name__)

BASE_URL = "https://api.kolada.se/v3"
API_VERSION = "v3"
MAX_IDS = 25  # Kolada refuses more than 25 ids in one path segment
PER_PAGE = 5000  # the largest page v3 serves
MAX_PAGES = 1000  # a guard against a next_url that never ends
CACHE_DIR = Path("data") / "kolada"
INDICATORS_FILE = "indicators.csv"
KPIS_FILE = "kpis.csv"
FETCH_FILE = "fetch.json"
USER_AGENT = (
    f"workbook-analysis/{__version__} (analysis workbook of the improvement network in "
    "Region Jonkopings lan; Kolada client on httpx)"
)
GENDERS = ("T", "K", "M")
INDICATOR_COLUMNS = ("kpi", "municipality_code", "period", "gender", "value")
KPI_COLUMNS = ("kpi", "title_sv", "title_en", "unit", "direction", "focus_area")
FOCUS_AREAS = ("fullföljda studier", "psykisk hälsa", "fysisk aktivitet")
SETTINGS = ("kpis", "municipalities", "years", "base_url", "timeout", "retries")
_KPI_ID = re.compile(r"^[NU]\d{5}$")
_CODE = re.compile(r"^\d{4}$")

# The 13 municipalities of Jönköpings län (SCB/Kolada codes), the region and the country.
COUNTY_MUNICIPALITIES: dict[str, str] = {
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
REGION_CODE, REGION_NAME = "0006", "Region Jönköpings län"
COUNTRY_CODE, COUNTRY_NAME = "0000", "Riket"


@dataclass(frozen=True)
class KpiSpec:
    """What the workbook needs to know about a KPI beyond Kolada's own metadata.

    ``title_sv`` and ``unit`` are fallbacks: at fetch time Kolada's own title (and the unit read
    from its suffix, e.g. ``andel (%)``) replace them. ``direction`` is the direction of
    improvement (``up``: higher is better).
    """

    kpi: str
    title_sv: str
    title_en: str
    unit: str
    direction: str
    focus_area: str


# The KPIs the county follows; docs/kolada.md says why each was chosen and why its direction.
CATALOGUE: dict[str, KpiSpec] = {
    spec.kpi: spec
    for spec in (
        KpiSpec("N17461", "Gymnasieelever med examen inom 4 år",
                "Upper-secondary students with a degree within four years", "%", "up",
                "fullföljda studier"),
        KpiSpec("N66077", "Barn i ekonomiskt utsatta hushåll",
                "Children in households with low economic standard", "%", "down",
                "psykisk hälsa"),
        KpiSpec("N33818", "Barn och unga i heldygnsinsatser",
                "Children and young people in out-of-home care", "%", "down", "psykisk hälsa"),
        KpiSpec("N33820", "Barn och unga med psykisk ohälsa",
                "Mental ill-health among children and young people", "%", "down",
                "psykisk hälsa"),
    )
}


# --------------------------------------------------------------------------------------------
# Errors


class KoladaError(RuntimeError):
    """A fetch failed. ``str()`` says what happened and which data the reports use instead.

    ``detail`` is the technical cause, ``cache`` the last successful fetch (``fetch.json`` as
    :func:`last_fetch` returns it) or ``None``.
    """

    label = "kolada_api_error"

    def __init__(self, detail: str, *, status: int | None = None, url: str | None = None):
        self.detail = detail
        self.status = status
        self.url = url
        self.cache: dict[str, Any] | None = None
        super().__init__(detail)

    def __str__(self) -> str:
        if self.cache:
            fallback = t("kolada_cache_used", date=self.cache.get("fetched_date", "?"))
        else:
            fallback = t("kolada_no_cache")
        return f"{t(self.label)}; {fallback} ({self.detail})"


class KoladaUnavailable(KoladaError):
    """Kolada could not be reached: no network, timeouts, or 429/5xx after every retry."""

    label = "kolada_unreachable"


class KoladaResponseError(KoladaError):
    """Kolada answered, but with a 4xx error or a body that is not the documented v3 shape."""


# --------------------------------------------------------------------------------------------
# HTTP client


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date), else ``None``."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _error_detail(response: httpx.Response) -> str:
    """The server's own words from an error body (JSON ``detail``/``message``/``error`` or text)."""
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:200]
    if isinstance(body, dict):
        for key in ("detail", "message", "error", "errors"):
            if body.get(key):
                return str(body[key])[:200]
    return str(body)[:200]


class KoladaClient:
    """A polite ``httpx`` client for Kolada: timeouts, User-Agent, retries with back-off.

    Parameters
    ----------
    http : httpx.Client, optional
        The client to send requests through (tests pass one on ``httpx.MockTransport``).
        When omitted, one is made with the timeouts below and closed by :meth:`close`.
    base_url : str
        API root, ``https://api.kolada.se/v3``.
    retries : int
        Retries after the first try on 429, 5xx and transport errors (timeouts, no network).
    backoff : float
        First wait in seconds; doubled on every retry (1, 2, 4, ...), capped at ``max_wait``.
        A ``Retry-After`` header replaces the computed wait (also capped).
    sleep : callable
        ``time.sleep``; tests pass a recorder.
    """

    def __init__(self, http: httpx.Client | None = None, *, base_url: str = BASE_URL,
                 retries: int = 3, backoff: float = 1.0, max_wait: float = 60.0,
                 timeout: float = 30.0, sleep: Callable[[float], None] = time.sleep):
        self.base_url = base_url.rstrip("/")
        self.retries = max(0, int(retries))
        self.backoff = float(backoff)
        self.max_wait = float(max_wait)
        self.timeout = httpx.Timeout(timeout, connect=min(timeout, 10.0))
        self.sleep = sleep
        self._own = http is None
        self.http = http if http is not None else httpx.Client(timeout=self.timeout,
                                                              follow_redirects=True)
        self.requests = 0
        self.pages = 0
        self.retried = 0
        self.waits: list[float] = []

    def close(self) -> None:
        if self._own:
            self.http.close()

    def __enter__(self) -> KoladaClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get_json(self, url: str, params: dict[str, Any] | None = None) -> Any:
        """GET ``url`` and return the parsed JSON; retry 429/5xx/transport errors with back-off."""
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            self.requests += 1
            try:
                response = self.http.get(url, params=params, headers=headers, timeout=self.timeout)
            except httpx.TransportError as exc:
                if last:
                    raise KoladaUnavailable(f"{type(exc).__name__}: {exc} ({url})", url=url) from exc
                wait = self.backoff * 2**attempt
            except httpx.RequestError as exc:  # e.g. too many redirects: retrying will not help
                raise KoladaResponseError(f"{type(exc).__name__}: {exc} ({url})", url=url) from exc
            else:
                status = response.status_code
                if status == 429 or status >= 500:
                    if last:
                        raise KoladaUnavailable(
                            f"HTTP {status} from {response.url} after {attempt + 1} tries",
                            status=status, url=str(response.url))
                    wait = _retry_after(response)
                    if wait is None:
                        wait = self.backoff * 2**attempt
                elif status >= 400:
                    raise KoladaResponseError(
                        f"HTTP {status} from {response.url}: {_error_detail(response)}",
                        status=status, url=str(response.url))
                else:
                    try:
                        return response.json()
                    except ValueError as exc:
                        raise KoladaResponseError(
                            f"{response.url} did not return JSON", status=status,
                            url=str(response.url)) from exc
            wait = min(max(wait, 0.0), self.max_wait)
            log.info("Kolada: retry %d of %d in %.1f s (%s)", attempt + 1, self.retries, wait, url)
            self.retried += 1
            self.waits.append(wait)
            self.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def pages_of(self, url: str, params: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        """Yield every page of a listing, following ``next_url`` until it is empty."""
        seen: set[str] = set()
        next_url: str | None = url
        while next_url:
            if next_url in seen or len(seen) >= MAX_PAGES:
                raise KoladaResponseError(f"next_url loops or never ends at {next_url}",
                                          url=next_url)
            seen.add(next_url)
            payload = self.get_json(next_url, params)
            params = None  # next_url already carries the query
            if not isinstance(payload, dict) or not isinstance(payload.get("values"), list):
                raise KoladaResponseError(f"{next_url}: expected an object with a 'values' list",
                                          url=next_url)
            self.pages += 1
            yield payload
            following = payload.get("next_url")
            if following is not None and not isinstance(following, str):
                raise KoladaResponseError(f"{next_url}: next_url is not a URL", url=next_url)
            next_url = following or None


# --------------------------------------------------------------------------------------------
# Parsing the v3 shapes


def parse_data_page(payload: dict[str, Any], *, source: str = "response") -> list[dict[str, Any]]:
    """Flatten one v3 data page to rows ``kpi, municipality_code, period, gender, value``.

    A value ``null`` (Kolada has no figure, e.g. too few persons) gives no row: a missing value
    stays missing and is never written as 0. Raises :class:`KoladaResponseError` naming the
    item and field when the page is not in the documented shape.
    """
    rows: list[dict[str, Any]] = []
    for i, item in enumerate(payload.get("values", [])):
        where = f"{source}: values[{i}]"
        if not isinstance(item, dict):
            raise KoladaResponseError(f"{where} is not an object")
        try:
            kpi = str(item["kpi"])
            code = str(item["municipality"])
            period = int(item["period"])
            values = item["values"]
        except KeyError as exc:
            raise KoladaResponseError(f"{where} has no '{exc.args[0]}'") from None
        except (TypeError, ValueError):
            raise KoladaResponseError(f"{where}: period {item.get('period')!r} is not a year") from None
        if not isinstance(values, list):
            raise KoladaResponseError(f"{where}: 'values' is not a list")
        for j, entry in enumerate(values):
            gender = entry.get("gender") if isinstance(entry, dict) else None
            if gender not in GENDERS:
                raise KoladaResponseError(
                    f"{where}.values[{j}]: gender {gender!r} is not one of T, K, M")
            value = entry.get("value")
            if value is None:
                continue
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise KoladaResponseError(
                    f"{where}.values[{j}]: value {value!r} is not a number") from None
            rows.append({"kpi": kpi, "municipality_code": code, "period": period,
                         "gender": gender, "value": number})
    return rows


def parse_kpi_page(payload: dict[str, Any], *, source: str = "response") -> dict[str, dict[str, Any]]:
    """KPI metadata by id from one v3 ``/kpi`` page (title, description, operating area...)."""
    meta: dict[str, dict[str, Any]] = {}
    for i, item in enumerate(payload.get("values", [])):
        if not isinstance(item, dict) or "id" not in item:
            raise KoladaResponseError(f"{source}: values[{i}] has no 'id'")
        keep = ("title", "description", "operating_area", "municipality_type",
                "is_divided_by_gender", "publication_date", "prel_publication_date",
                "publ_period", "auspices")
        meta[str(item["id"])] = {key: item.get(key) for key in keep if item.get(key) is not None}
    return meta


def unit_from_title(title: str | None) -> str | None:
    """Read the unit from the suffix of a Kolada title (``..., andel (%)`` -> ``%``)."""
    if not title:
        return None
    text = title.lower()
    if "(%)" in text or "andel" in text.rsplit(",", 1)[-1]:
        return "%"
    match = re.search(r"(antal|kr)\s*/\s*(\d[\d\s]*)\s*(inv|invånare)", text)
    if match:
        return f"{match.group(1)}/{match.group(2).strip()} inv."
    return None


# --------------------------------------------------------------------------------------------
# What to fetch


def county_municipalities() -> pd.DataFrame:
    """The 13 municipalities of Jönköpings län, the region (0006) and the country (0000).

    Returns columns ``municipality_code`` (4-digit text), ``municipality_name``, ``level``
    (``municipality`` / ``region`` / ``country``).
    """
    rows = [(code, name, "municipality") for code, name in COUNTY_MUNICIPALITIES.items()]
    rows += [(REGION_CODE, REGION_NAME, "region"), (COUNTRY_CODE, COUNTRY_NAME, "country")]
    return pd.DataFrame(rows, columns=["municipality_code", "municipality_name", "level"])


def resolve_kpis(kpis: Iterable[str | dict[str, Any]]) -> list[KpiSpec]:
    """Turn ids (``"N17461"``) or mappings (``{id, direction, focus_area, ...}``) into specs.

    An id outside :data:`CATALOGUE` needs a mapping with at least ``direction`` and
    ``focus_area`` (the reports need the direction of improvement); otherwise ``ConfigError``.
    """
    specs: list[KpiSpec] = []
    for entry in kpis:
        extra: dict[str, Any] = {}
        if isinstance(entry, dict):
            extra = dict(entry)
            kpi = str(extra.pop("id", extra.pop("kpi", ""))).strip().upper()
        else:
            kpi = str(entry).strip().upper()
        if not _KPI_ID.match(kpi):
            raise ConfigError(f"kolada: {kpi or entry!r} is not a Kolada KPI id (like N17461)")
        unknown = sorted(set(extra) - set(KPI_COLUMNS))
        if unknown:
            raise ConfigError(f"kolada.kpis {kpi}: unknown key(s) {', '.join(unknown)}; "
                              f"known: id, {', '.join(KPI_COLUMNS[1:])}")
        base = CATALOGUE.get(kpi)
        if base is None and not {"direction", "focus_area"} <= set(extra):
            raise ConfigError(
                f"kolada: {kpi} is not in the workbook's catalogue ({', '.join(CATALOGUE)}); "
                f"give it in workbook.yml as {{id: {kpi}, direction: up|down, "
                f"focus_area: ..., title_en: ...}}")
        values = {
            "kpi": kpi,
            "title_sv": base.title_sv if base else kpi,
            "title_en": base.title_en if base else "",
            "unit": base.unit if base else "",
            "direction": base.direction if base else "",
            "focus_area": base.focus_area if base else "",
        }
        values.update({k: str(v) for k, v in extra.items()})
        if values["direction"] not in ("up", "down"):
            raise ConfigError(f"kolada.kpis {kpi}: direction must be up or down, "
                              f"not {values['direction']!r}")
        if values["focus_area"] not in FOCUS_AREAS:
            raise ConfigError(f"kolada.kpis {kpi}: focus_area must be one of "
                              f"{', '.join(FOCUS_AREAS)}, not {values['focus_area']!r}")
        if kpi not in {s.kpi for s in specs}:
            specs.append(KpiSpec(**values))
    if not specs:
        raise ConfigError("kolada: no KPIs to fetch")
    return specs


def resolve_municipalities(municipalities: str | Iterable[str] | None) -> list[str]:
    """``"county"`` (or None) -> the 13 + 0006 + 0000; else a list or comma-separated codes."""
    if municipalities is None or municipalities == "county":
        return list(county_municipalities()["municipality_code"])
    if isinstance(municipalities, str):
        municipalities = municipalities.split(",")
    codes: list[str] = []
    for raw in municipalities:
        code = str(raw).strip()
        if code == "county":
            codes.extend(resolve_municipalities("county"))
            continue
        if code.isdigit() and len(code) < 4:
            code = code.zfill(4)  # 680 from a YAML number -> 0680
        if not _CODE.match(code):
            raise ConfigError(f"kolada: municipality {raw!r} is not a 4-digit code like 0680")
        codes.append(code)
    codes = list(dict.fromkeys(codes))
    if not codes:
        raise ConfigError("kolada: no municipalities to fetch")
    return codes


def parse_years(years: str | int | Sequence[int | str] | None) -> list[int]:
    """Years to fetch: ``"2016-2024"``, ``2023``, ``"2016,2018"`` or ``[first, last]`` (inclusive).

    A two-item list is a range, as ``years: [2016, 2024]`` in workbook.yml means 2016 to 2024.
    """
    if years is None:
        raise ConfigError("kolada: give the years, e.g. --years 2016-2024")
    try:
        if isinstance(years, int):
            result = [years]
        elif isinstance(years, str):
            result = []
            for part in years.replace(" ", "").split(","):
                if "-" in part:
                    first, last = (int(x) for x in part.split("-", 1))
                    result.extend(range(first, last + 1))
                elif part:
                    result.append(int(part))
        else:
            items = [int(y) for y in years]
            if len(items) != 2:
                raise ConfigError(f"kolada.years: give [first, last] or 'first-last', not {years!r}")
            result = list(range(items[0], items[1] + 1))
    except ValueError:
        raise ConfigError(f"kolada: years {years!r} are not like 2016-2024") from None
    result = sorted(set(result))
    if not result or result[0] < 1990 or result[-1] > 2100:
        raise ConfigError(f"kolada: years {years!r} give no year between 1990 and 2100")
    return result


def settings(config: Config | dict[str, Any] | None = None) -> dict[str, Any]:
    """The ``kolada:`` section of workbook.yml, checked, with defaults filled in."""
    raw = dict(config.kolada if isinstance(config, Config) else (config or {}))
    unknown = sorted(set(raw) - set(SETTINGS))
    if unknown:
        raise ConfigError(f"workbook.yml kolada: unknown setting(s) {', '.join(unknown)}; "
                          f"known: {', '.join(SETTINGS)}")
    return {
        "kpis": raw.get("kpis") or list(CATALOGUE),
        "municipalities": raw.get("municipalities", "county"),
        "years": raw.get("years"),
        "base_url": str(raw.get("base_url", BASE_URL)),
        "timeout": float(raw.get("timeout", 30)),
        "retries": int(raw.get("retries", 3)),
    }


def _chunks(items: Sequence[Any], size: int = MAX_IDS) -> list[list[Any]]:
    return [list(items[i:i + size]) for i in range(0, len(items), size)]


# --------------------------------------------------------------------------------------------
# The fetch


@dataclass(frozen=True)
class FetchResult:
    """One fetch: the two tables in the raw contract's shape, and where they came from.

    ``indicators``: kpi, municipality_code (str), period (Int64), gender (T/K/M), value (float).
    ``kpis``: kpi, title_sv, title_en, unit, direction, focus_area.
    ``kpi_meta``: Kolada's own metadata by KPI id (Swedish title, description, ...).
    ``counts``: rows, rows per KPI, missing values, requests, pages, retries.
    """

    indicators: pd.DataFrame
    kpis: pd.DataFrame
    fetched_at: datetime
    api_version: str
    base_url: str
    kpi_ids: tuple[str, ...]
    municipalities: tuple[str, ...]
    years: tuple[int, ...]
    counts: dict[str, Any] = field(default_factory=dict)
    kpi_meta: dict[str, dict[str, Any]] = field(default_factory=dict)
    out_dir: Path | None = None

    @property
    def fetched_date(self) -> str:
        return self.fetched_at.date().isoformat()


def cache_dir(root: str | Path | None = None) -> Path:
    """``<project root>/data/kolada``: where fetches are written and read back."""
    return (Path(root) if root else find_root()) / CACHE_DIR


def _refuse_raw(out_dir: Path) -> None:
    """Nothing may write into data/raw: refuse an out_dir inside the configured raw folder."""
    try:
        raw = load_config(find_root(out_dir)).raw_dir.resolve()
    except (ConfigError, OSError):
        return
    target = out_dir.resolve()
    if target == raw or raw in target.parents:
        raise ConfigError(f"kolada: will not write into {raw} (data/raw is read-only); "
                          f"the cache is {CACHE_DIR}")


def fetch(kpis: Iterable[str | dict[str, Any]], municipalities: str | Iterable[str] | None = "county",
          years: str | int | Sequence[int] | None = None, *,
          client: KoladaClient | httpx.Client | None = None, out_dir: str | Path | None = None,
          write: bool = True, base_url: str = BASE_URL, retries: int = 3,
          timeout: float = 30.0) -> FetchResult:
    """Fetch KPIs for municipalities and years from Kolada v3 and write the cache atomically.

    Parameters
    ----------
    kpis : ids or mappings
        See :func:`resolve_kpis`.
    municipalities : "county", codes, or "0680,0682"
        See :func:`resolve_municipalities`.
    years : "2016-2024", [2016, 2024], 2023
        See :func:`parse_years`.
    client : KoladaClient or httpx.Client, optional
        Where requests go (tests: ``httpx.Client(transport=httpx.MockTransport(...))``).
    out_dir : path, optional
        Cache folder, default ``<project root>/data/kolada``. Never inside data/raw.
    write : bool
        False returns the frames without touching the cache.

    Raises
    ------
    KoladaError
        :class:`KoladaUnavailable` (no network, 429/5xx after the retries) or
        :class:`KoladaResponseError` (4xx, unknown KPI, unexpected body). The previous cache
        files are untouched; ``error.cache`` is their ``fetch.json`` (or ``None``) and the
        message says which data the reports now use.
    ConfigError
        Bad arguments (before any request).
    """
    specs = resolve_kpis(kpis)
    codes = resolve_municipalities(municipalities)
    year_list = parse_years(years)
    out = Path(out_dir) if out_dir is not None else cache_dir()
    if write:
        _refuse_raw(out)
    ids = [s.kpi for s in specs]
    if isinstance(client, KoladaClient):
        kc, close = client, False
    else:
        kc = KoladaClient(client, base_url=base_url, retries=retries, timeout=timeout)
        close = True
    base = kc.base_url
    fetched_at = datetime.now(UTC).replace(microsecond=0)
    try:
        meta: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(ids):
            for page in kc.pages_of(f"{base}/kpi/{','.join(chunk)}"):
                meta.update(parse_kpi_page(page, source=f"{base}/kpi"))
        missing = [k for k in ids if k not in meta]
        if missing:
            raise KoladaResponseError(f"Kolada has no KPI {', '.join(missing)} ({base}/kpi)")
        rows: list[dict[str, Any]] = []
        nulls = 0
        for kpi_chunk in _chunks(ids):
            for code_chunk in _chunks(codes):
                for year_chunk in _chunks(year_list):
                    url = (f"{base}/data/kpi/{','.join(kpi_chunk)}"
                           f"/municipality/{','.join(code_chunk)}"
                           f"/year/{','.join(str(y) for y in year_chunk)}")
                    for page in kc.pages_of(url, {"per_page": PER_PAGE}):
                        page_rows = parse_data_page(page, source=url)
                        rows.extend(page_rows)
                        nulls += sum(len(v.get("values") or []) for v in page["values"]
                                     if isinstance(v, dict)) - len(page_rows)
    except KoladaError as exc:
        exc.cache = last_fetch(out)
        log.warning("%s", exc)
        raise
    finally:
        if close:
            kc.close()

    indicators = _indicator_frame(rows, ids, codes, year_list)
    kpi_frame = _kpi_frame(specs, meta)
    counts = {
        "rows": len(indicators),
        "rows_by_kpi": {k: int((indicators["kpi"] == k).sum()) for k in ids},
        "missing_values": int(nulls),
        "requests": kc.requests,
        "pages": kc.pages,
        "retries": kc.retried,
    }
    result = FetchResult(indicators=indicators, kpis=kpi_frame, fetched_at=fetched_at,
                         api_version=API_VERSION, base_url=base, kpi_ids=tuple(ids),
                         municipalities=tuple(codes), years=tuple(year_list), counts=counts,
                         kpi_meta=meta, out_dir=out if write else None)
    if write:
        write_cache(result, out)
    return result


def _indicator_frame(rows: list[dict[str, Any]], ids: Sequence[str], codes: Sequence[str],
                     years: Sequence[int]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(INDICATOR_COLUMNS))
    # Keep only what was asked (a server may answer more) and one row per key.
    frame = frame[frame["kpi"].isin(ids) & frame["municipality_code"].isin(codes)
                  & frame["period"].isin(years)]
    frame = frame.drop_duplicates(subset=["kpi", "municipality_code", "period", "gender"],
                                  keep="last")
    order = {g: i for i, g in enumerate(GENDERS)}
    frame = frame.assign(_g=frame["gender"].map(order)).sort_values(
        ["kpi", "municipality_code", "period", "_g"]).drop(columns="_g")
    return frame.astype({"kpi": "str", "municipality_code": "str", "period": "Int64",
                         "gender": "str", "value": "float64"}).reset_index(drop=True)


def _kpi_frame(specs: Sequence[KpiSpec], meta: dict[str, dict[str, Any]]) -> pd.DataFrame:
    rows = []
    for spec in specs:
        title = (meta.get(spec.kpi, {}).get("title") or "").strip()
        rows.append({
            "kpi": spec.kpi,
            "title_sv": title or spec.title_sv,
            "title_en": spec.title_en or title or spec.title_sv,
            "unit": unit_from_title(title) or spec.unit,
            "direction": spec.direction,
            "focus_area": spec.focus_area,
        })
    return pd.DataFrame(rows, columns=list(KPI_COLUMNS)).astype("str")


# --------------------------------------------------------------------------------------------
# The cache: atomic writes, reading back


def _number(value: float) -> str:
    """Shortest exact decimal with a decimal comma, never scientific (``68.4 -> '68,4'``)."""
    return np.format_float_positional(float(value), trim="-").replace(".", ",")


def _csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def _indicator_bytes(frame: pd.DataFrame) -> bytes:
    rows = ((r.kpi, r.municipality_code, int(r.period), r.gender, _number(r.value))
            for r in frame.itertuples(index=False))
    return _csv_bytes(INDICATOR_COLUMNS, rows)


def _kpi_bytes(frame: pd.DataFrame) -> bytes:
    return _csv_bytes(KPI_COLUMNS, frame[list(KPI_COLUMNS)].itertuples(index=False))


def _atomic_write_all(out_dir: Path, files: list[tuple[str, bytes]]) -> None:
    """Write every file to a temporary file in ``out_dir`` first; only then ``os.replace`` them.

    The replaces happen in the given order with ``fetch.json`` last, so fetch.json always
    describes files at least as new as itself; its hashes tell a reader whether the set matches.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    temps: list[tuple[str, str]] = []
    try:
        for name, data in files:
            handle, temp = tempfile.mkstemp(dir=out_dir, prefix=f".{name}.", suffix=".tmp")
            temps.append((temp, name))
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
        for temp, name in temps:
            os.replace(temp, out_dir / name)
    finally:
        for temp, _ in temps:
            if os.path.exists(temp):
                os.unlink(temp)


def write_cache(result: FetchResult, out_dir: str | Path) -> dict[str, Any]:
    """Write ``indicators.csv``, ``kpis.csv`` and ``fetch.json`` atomically; return fetch.json."""
    out = Path(out_dir)
    indicators = _indicator_bytes(result.indicators)
    kpis = _kpi_bytes(result.kpis)
    names = county_municipalities().set_index("municipality_code")["municipality_name"]
    info = {
        "source": "Kolada (RKA)",
        "api_version": result.api_version,
        "base_url": result.base_url,
        "fetched_at": result.fetched_at.isoformat(),
        "fetched_date": result.fetched_date,
        "workbook_version": __version__,
        "kpis": list(result.kpi_ids),
        "municipalities": {c: names.get(c, "") for c in result.municipalities},
        "years": [result.years[0], result.years[-1]] if result.years else [],
        "counts": result.counts,
        "files": {INDICATORS_FILE: hashlib.sha256(indicators).hexdigest(),
                  KPIS_FILE: hashlib.sha256(kpis).hexdigest()},
        "kpi_meta": result.kpi_meta,
    }
    body = json.dumps(info, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
    _atomic_write_all(out, [(INDICATORS_FILE, indicators), (KPIS_FILE, kpis), (FETCH_FILE, body)])
    return info


def _resolve_cache(root: str | Path | None) -> Path:
    folder = Path(root) if root is not None else find_root()
    return folder if (folder / FETCH_FILE).is_file() else folder / CACHE_DIR


def last_fetch(root: str | Path | None = None) -> dict[str, Any] | None:
    """``fetch.json`` of the last successful fetch, for the report's provenance, else ``None``.

    ``root`` is the project root (or the cache folder itself). Adds ``verified``: True when the
    CSV files still have the hashes recorded at fetch time.
    """
    folder = _resolve_cache(root)
    try:
        info = json.loads((folder / FETCH_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(info, dict) or "fetched_at" not in info:
        return None
    verified = True
    for name, digest in (info.get("files") or {}).items():
        try:
            verified &= hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
        except OSError:
            verified = False
    info["verified"] = verified
    info["path"] = str(folder)
    return info


def provenance_line(root: str | Path | None = None, lang: str | None = None) -> str | None:
    """One line for a report's provenance: source, API version, fetch date (None: no fetch)."""
    info = last_fetch(root)
    if info is None:
        return None
    return t("kolada_provenance", lang, api=info.get("api_version", "?"),
             date=info.get("fetched_date", "?"))


def read_cache(root: str | Path | None = None) -> FetchResult | None:
    """The last successful fetch read back from the cache (the offline fallback), else None."""
    info = last_fetch(root)
    if info is None:
        return None
    folder = Path(info["path"])
    try:
        indicators = pd.read_csv(folder / INDICATORS_FILE, sep=";", decimal=",",
                                 encoding="utf-8-sig", dtype={"kpi": "str",
                                                              "municipality_code": "str",
                                                              "gender": "str"})
        kpis = pd.read_csv(folder / KPIS_FILE, sep=";", encoding="utf-8-sig", dtype="str")
    except (OSError, ValueError, pd.errors.ParserError):
        return None
    indicators = indicators.astype({"period": "Int64", "value": "float64"})
    years = info.get("years") or []
    return FetchResult(
        indicators=indicators, kpis=kpis,
        fetched_at=datetime.fromisoformat(info["fetched_at"]),
        api_version=str(info.get("api_version", "")), base_url=str(info.get("base_url", "")),
        kpi_ids=tuple(info.get("kpis", ())), municipalities=tuple(info.get("municipalities", ())),
        years=tuple(range(years[0], years[-1] + 1)) if years else (),
        counts=dict(info.get("counts", {})), kpi_meta=dict(info.get("kpi_meta", {})),
        out_dir=folder)


# --------------------------------------------------------------------------------------------
# Command line and the runner's step


def fetch_step(config: Config | None = None) -> bool:
    """Fetch with the workbook.yml defaults before the reports; never raises.

    Returns True when the cache was refreshed. On failure it logs why and which data the reports
    use instead (the previous fetch, or none) and returns False: the reports still run.
    """
    try:
        config = config or load_config()
        opts = settings(config)
        result = fetch(opts["kpis"], opts["municipalities"], opts["years"],
                       out_dir=config.root / CACHE_DIR, base_url=opts["base_url"],
                       retries=opts["retries"], timeout=opts["timeout"])
    except Exception as exc:  # the step must never stop the reports
        log.warning("Kolada fetch step failed: %s", exc)
        return False
    log.info("%s", _fetched_message(result))
    return True


def _fetched_message(result: FetchResult) -> str:
    return t("kolada_fetched", rows=result.counts.get("rows", len(result.indicators)),
             kpis=len(result.kpi_ids), municipalities=len(result.municipalities),
             first=result.years[0], last=result.years[-1], api=result.api_version,
             path=result.out_dir)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbook kolada",
        description="County indicators from Kolada (API v3) into data/kolada/, the offline cache.")
    sub = parser.add_subparsers(dest="command", required=True)
    f = sub.add_parser("fetch", help="fetch the KPIs of workbook.yml (or --kpi) and write the cache",
                       description="Exit 0: fetched; 1: fetch failed, the last fetch is used; "
                                   "2: fetch failed and there is no earlier fetch (or bad arguments).")
    f.add_argument("--kpi", action="append", metavar="ID",
                   help="KPI id(s), repeatable or comma-separated (default: kolada.kpis)")
    f.add_argument("--years", help="e.g. 2016-2024 or 2023 (default: kolada.years)")
    f.add_argument("--municipalities", help="'county' or codes like 0680,0682 "
                                            "(default: kolada.municipalities)")
    f.add_argument("--out", type=Path, help="cache folder (default: <project>/data/kolada)")
    sub.add_parser("status", help="show the last fetch (date, API version, counts)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """``workbook kolada fetch|status``; ``argv`` are the words after ``kolada``.

    Exit codes: 0 fetched; 1 the fetch failed but the last fetch is there and used;
    2 the fetch failed and there is no earlier fetch, or the arguments/workbook.yml are wrong.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["kolada"]:
        argv = argv[1:]
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error (2)
        return int(exc.code or 0)
    try:
        config = load_config()
        set_language(config.language)
        opts = settings(config)
    except ConfigError as exc:
        print(f"workbook kolada: {exc}", file=sys.stderr)
        return 2
    out = args.out if getattr(args, "out", None) else config.root / CACHE_DIR

    if args.command == "status":
        info = last_fetch(out)
        if info is None:
            print(t("kolada_status_none"))
            return 0
        print(t("kolada_status", api=info.get("api_version"), date=info.get("fetched_at"),
                rows=info.get("counts", {}).get("rows", "?"), kpis=", ".join(info.get("kpis", []))))
        if not info["verified"]:
            print(t("kolada_status_changed", path=out), file=sys.stderr)
        return 0

    kpis: list[Any] = opts["kpis"]
    if args.kpi:
        kpis = [k for word in args.kpi for k in word.split(",") if k.strip()]
        configured = {str(e.get("id", "")).upper(): e for e in opts["kpis"] if isinstance(e, dict)}
        kpis = [configured.get(k.strip().upper(), k) for k in kpis]
    try:
        result = fetch(kpis, args.municipalities or opts["municipalities"],
                       args.years or opts["years"], out_dir=out, base_url=opts["base_url"],
                       retries=opts["retries"], timeout=opts["timeout"])
    except ConfigError as exc:
        print(f"workbook kolada: {exc}", file=sys.stderr)
        return 2
    except KoladaError as exc:
        print(str(exc), file=sys.stderr)
        return 1 if exc.cache else 2
    except OSError as exc:  # the cache could not be written; the old files are untouched
        cache = last_fetch(out)
        print(f"workbook kolada: could not write {out}: {exc}", file=sys.stderr)
        return 1 if cache else 2
    print(_fetched_message(result))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
