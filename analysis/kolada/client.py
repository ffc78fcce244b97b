"""HTTP side of the Kolada client: errors, the polite ``httpx`` client, the v3 parsers."""

from __future__ import annotations

import email.utils
import logging
import re
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx

from .. import __version__
from ..text import t

log = logging.getLogger("analysis.kolada")

BASE_URL = "https://api.kolada.se/v3"
API_VERSION = "v3"
MAX_IDS = 25  # Kolada refuses more than 25 ids in one path segment
PER_PAGE = 5000  # the largest page v3 serves
MAX_PAGES = 1000  # a guard against a next_url that never ends
KPIS_FILE = "kpis.csv"
FETCH_FILE = "fetch.json"
FETCH_FILE = "fetch.json"
USER_AGENT = (
    f"workbook-analysis/{__version__} (analysis workbook of the improvement network in "
    "Region Jonkopings lan; Kolada client on httpx)"
)
GENDERS = ("T", "K", "M")


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
        Retries after the first try on 429, 5xx and transport errors (timeouts, dropped
        connections); a connection that cannot be made at all is retried once.
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
        refused = 0
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            self.requests += 1
            try:
                response = self.http.get(url, params=params, headers=headers, timeout=self.timeout)
            except httpx.TransportError as exc:
                # No connection at all (no network, DNS, refused) is tried twice, not four times:
                # a missing network does not come back within seconds. Timeouts get every retry.
                refused += isinstance(exc, httpx.ConnectError)
                if last or refused > 1:
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
    """Read the unit from the suffix of a Kolada title.

    ``..., andel (%)`` -> ``%``; ``..., antal/1000 inv`` -> ``per 1 000``; ``kr/inv`` -> ``kr/inv.``;
    anything else -> ``None`` (the catalogue's unit is used).
    """
    if not title:
        return None
    text = title.lower()
    if "(%)" in text or "andel" in text.rsplit(",", 1)[-1]:
        return "%"
    match = re.search(r"antal\s*/\s*(\d[\d\s]*?)\s*(inv|invånare)", text)
    if match:  # "antal/1000 inv" -> "per 1 000", as the sample data writes it
        digits = match.group(1).replace(" ", "")
        return "per " + f"{int(digits):,}".replace(",", " ")
    if re.search(r"\bkr\s*/\s*inv", text):
        return "kr/inv."
    return None
