"""HTTP side of the Kolada client: errors, the polite ``httpx`` client, the v3 parsers."""

from __future__ import annotations

import email.utils
import json
import logging
import math
import re
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from .. import __version__
from ..text import t

log = logging.getLogger("analysis.kolada")

BASE_URL = "https://api.kolada.se/v3"
API_VERSION = "v3"
MAX_IDS = 25  # Kolada refuses more than 25 ids in one path segment
PER_PAGE = 5000  # the largest page v3 serves
MAX_PAGES = 1000  # a guard against a next_url that never ends
MAX_BYTES = 16 * 2**20  # one answer; a full page of 5,000 values is about 1 MB
MAX_REDIRECTS = 5
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


def _error_detail(content: bytes) -> str:
    """The server's own words from an error body (JSON ``detail``/``message``/``error`` or text)."""
    text = content.decode("utf-8", errors="replace")
    try:
        body = json.loads(text)
    except ValueError:
        return text.strip()[:200]
    if isinstance(body, dict):
        for key in ("detail", "message", "error", "errors"):
            if body.get(key):
                return str(body[key])[:200]
    return str(body)[:200]


class _TooSlow(Exception):
    """An answer still arriving when its deadline passed (a slow drip); retried like a timeout."""


def _origin(url: str | httpx.URL) -> tuple[str, str, int | None]:
    parts = urlsplit(str(url))
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


class KoladaClient:
    """A polite ``httpx`` client for Kolada: timeouts, User-Agent, retries with back-off.

    Defensive against a broken or hostile server: every answer must arrive within ``timeout``
    seconds in total (not per read: a body that drips in slowly is cut off), may be at most
    ``max_bytes`` long (decompressed), and the whole fetch ends after ``deadline`` seconds.
    ``next_url`` and redirects are followed only on the host of ``base_url``; a relative
    ``next_url`` is joined with it. JSON's non-standard ``NaN``/``Infinity`` are refused.

    Parameters
    ----------
    http : httpx.Client, optional
        The client to send requests through (tests pass one on ``httpx.MockTransport``).
        When omitted, one is made (redirects off: they are followed here, on the same host
        only) and closed by :meth:`close`.
    base_url : str
        API root, ``https://api.kolada.se/v3``.
    retries : int
        Retries after the first try on 429, 5xx and transport errors (timeouts, dropped
        connections, slow answers); a connection that cannot be made at all is retried once.
    backoff : float
        First wait in seconds; doubled on every retry (1, 2, 4, ...), capped at ``max_wait``.
        A ``Retry-After`` header replaces the computed wait (also capped).
    timeout : float
        Seconds for one request, connecting and reading the whole body included.
    deadline : float, optional
        Seconds for everything this client does (all pages, retries and waits); ``None``: none.
    max_bytes : int
        Largest answer accepted, in bytes after decompression.
    sleep : callable
        ``time.sleep``; tests pass a recorder.
    """

    def __init__(
        self,
        http: httpx.Client | None = None,
        *,
        base_url: str = BASE_URL,
        retries: int = 3,
        backoff: float = 1.0,
        max_wait: float = 60.0,
        timeout: float = 30.0,
        deadline: float | None = None,
        max_bytes: int = MAX_BYTES,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.base_url = base_url.rstrip("/")
        self.retries = max(0, int(retries))
        self.backoff = float(backoff)
        self.max_wait = float(max_wait)
        self.timeout_s = float(timeout)
        self.timeout = httpx.Timeout(timeout, connect=min(timeout, 10.0))
        self.max_bytes = int(max_bytes)
        self.sleep = sleep
        self.clock = clock
        self.ends_at = None if deadline is None else clock() + float(deadline)
        self._own = http is None
        self.http = (
            http if http is not None else httpx.Client(timeout=self.timeout, follow_redirects=False)
        )
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

    # -- where requests may go

    def resolve(self, url: str) -> str:
        """``url`` joined with the base URL; refused unless it is on the base URL's host."""
        full = urljoin(self.base_url + "/", url)
        if _origin(full) != _origin(self.base_url):
            raise KoladaResponseError(
                f"refused to follow {url!r}: it leads away from {self.base_url}", url=url
            )
        return full

    # -- time

    def _remaining(self) -> float | None:
        return None if self.ends_at is None else self.ends_at - self.clock()

    def _out_of_time(self, url: str) -> KoladaUnavailable:
        return KoladaUnavailable(f"the fetch took longer than its deadline ({url})", url=url)

    def _request_timeout(self, url: str) -> tuple[httpx.Timeout, float]:
        """The httpx timeout and the monotonic time by which this request must be done."""
        budget = self.timeout_s
        remaining = self._remaining()
        if remaining is not None:
            if remaining <= 0:
                raise self._out_of_time(url)
            budget = min(budget, remaining)
        timeout = httpx.Timeout(budget, connect=min(budget, 10.0))
        return timeout, self.clock() + budget

    # -- one request

    def _send(
        self, url: str, params: dict[str, Any] | None, headers: dict[str, str]
    ) -> tuple[httpx.Response, bytes]:
        """GET ``url`` (following same-host redirects); return the response and its whole body.

        The body is read in pieces: more than ``max_bytes`` or past the request's deadline
        stops the read at once.
        """
        for _ in range(MAX_REDIRECTS + 1):
            timeout, ends = self._request_timeout(url)
            with self.http.stream(
                "GET", url, params=params, headers=headers, timeout=timeout
            ) as response:
                if response.is_redirect:
                    location = response.headers.get("Location", "")
                    url, params = self.resolve(urljoin(str(response.url), location)), None
                    continue
                declared = response.headers.get("Content-Length", "")
                if declared.isdigit() and int(declared) > self.max_bytes:
                    raise KoladaResponseError(
                        f"{response.url}: the answer is {int(declared):,} bytes, more than the "
                        f"{self.max_bytes:,} accepted",
                        status=response.status_code,
                        url=str(response.url),
                    )
                body = bytearray()
                for piece in response.iter_bytes():
                    body += piece
                    if len(body) > self.max_bytes:
                        raise KoladaResponseError(
                            f"{response.url}: the answer is longer than the {self.max_bytes:,} "
                            "bytes accepted",
                            status=response.status_code,
                            url=str(response.url),
                        )
                    if self.clock() > ends:
                        raise _TooSlow(
                            f"{response.url}: the answer was not complete after "
                            f"{self.timeout_s:g} s"
                        )
                if self.clock() > ends:
                    raise _TooSlow(
                        f"{response.url}: the answer was not complete after {self.timeout_s:g} s"
                    )
                return response, bytes(body)
        raise KoladaResponseError(f"more than {MAX_REDIRECTS} redirects from {url}", url=url)

    def get_json(self, url: str, params: dict[str, Any] | None = None) -> Any:
        """GET ``url`` and return the parsed JSON; retry 429/5xx/transport errors with back-off."""
        url = self.resolve(url)
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        refused = 0
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            self.requests += 1
            try:
                response, content = self._send(url, params, headers)
            except (httpx.TransportError, _TooSlow) as exc:
                # No connection at all (no network, DNS, refused) is tried twice, not four times:
                # a missing network does not come back within seconds. Timeouts get every retry.
                refused += isinstance(exc, httpx.ConnectError)
                if last or refused > 1:
                    raise KoladaUnavailable(
                        f"{type(exc).__name__.lstrip('_')}: {exc} ({url})", url=url
                    ) from exc
                wait = self.backoff * 2**attempt
            except httpx.RequestError as exc:  # e.g. a broken redirect: retrying will not help
                raise KoladaResponseError(f"{type(exc).__name__}: {exc} ({url})", url=url) from exc
            else:
                status = response.status_code
                if status == 429 or status >= 500:
                    if last:
                        raise KoladaUnavailable(
                            f"HTTP {status} from {response.url} after {attempt + 1} tries",
                            status=status,
                            url=str(response.url),
                        )
                    wait = _retry_after(response)
                    if wait is None:
                        wait = self.backoff * 2**attempt
                elif status >= 400:
                    raise KoladaResponseError(
                        f"HTTP {status} from {response.url}: {_error_detail(content)}",
                        status=status,
                        url=str(response.url),
                    )
                else:
                    try:
                        return json.loads(
                            content.decode(response.encoding or "utf-8"),
                            parse_constant=_reject_constant,
                        )
                    except (ValueError, UnicodeDecodeError) as exc:
                        raise KoladaResponseError(
                            f"{response.url} did not return JSON ({exc})"[:300],
                            status=status,
                            url=str(response.url),
                        ) from exc
            wait = min(max(wait, 0.0), self.max_wait)
            remaining = self._remaining()
            if remaining is not None and wait >= remaining:
                raise self._out_of_time(url)
            log.info("Kolada: retry %d of %d in %.1f s (%s)", attempt + 1, self.retries, wait, url)
            self.retried += 1
            self.waits.append(wait)
            self.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def pages_of(self, url: str, params: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        """Yield every page of a listing, following ``next_url`` until it is empty.

        A relative ``next_url`` is joined with the base URL; one leading to another host is
        refused (:meth:`resolve`).
        """
        seen: set[str] = set()
        next_url: str | None = self.resolve(url)
        while next_url:
            if next_url in seen or len(seen) >= MAX_PAGES:
                raise KoladaResponseError(
                    f"next_url loops or never ends at {next_url}", url=next_url
                )
            seen.add(next_url)
            payload = self.get_json(next_url, params)
            params = None  # next_url already carries the query
            if not isinstance(payload, dict) or not isinstance(payload.get("values"), list):
                raise KoladaResponseError(
                    f"{next_url}: expected an object with a 'values' list", url=next_url
                )
            count = payload.get("count")
            if isinstance(count, int) and count != len(payload["values"]):
                log.warning(
                    "Kolada: %s says count %d but holds %d values",
                    next_url,
                    count,
                    len(payload["values"]),
                )
            self.pages += 1
            yield payload
            following = payload.get("next_url")
            if following is not None and not isinstance(following, str):
                raise KoladaResponseError(f"{next_url}: next_url is not a URL", url=next_url)
            next_url = self.resolve(following) if following else None


# --------------------------------------------------------------------------------------------
# Parsing the v3 shapes


def _deleted(entry: dict[str, Any]) -> bool:
    """Kolada marks a withdrawn value ``isdeleted`` (v3; ``is_deleted`` 0/1 in v2's notes)."""
    flag = entry.get("isdeleted", entry.get("is_deleted", False))
    return flag is True or flag == 1 or (isinstance(flag, str) and flag.lower() in ("true", "1"))


def parse_data_page(
    payload: dict[str, Any], *, source: str = "response", stats: dict[str, int] | None = None
) -> list[dict[str, Any]]:
    """Flatten one v3 data page to rows ``kpi, municipality_code, period, gender, value``.

    A value ``null`` (Kolada has no figure, e.g. too few persons) gives no row: a missing value
    stays missing and is never written as 0. A value Kolada marks ``isdeleted`` (on the value or
    on the whole item) gives no row either: it was withdrawn. ``stats`` (optional) counts both
    (``missing``, ``deleted``). Raises :class:`KoladaResponseError` naming the item and field
    when the page is not in the v3 shape, or a value is not a finite number (``Infinity``,
    ``1e999``).
    """
    rows: list[dict[str, Any]] = []
    missing = deleted = 0
    for i, item in enumerate(payload.get("values", [])):
        where = f"{source}: values[{i}]"
        if not isinstance(item, dict):
            raise KoladaResponseError(f"{where} is not an object")
        try:
            kpi = str(item["kpi"])
            code = str(item["municipality"])
            period_raw = item["period"]
            values = item["values"]
        except KeyError as exc:
            raise KoladaResponseError(f"{where} has no '{exc.args[0]}'") from None
        if isinstance(period_raw, bool) or not str(period_raw).strip().isdigit():
            raise KoladaResponseError(f"{where}: period {period_raw!r} is not a year")
        period = int(str(period_raw).strip())
        if not isinstance(values, list):
            raise KoladaResponseError(f"{where}: 'values' is not a list")
        item_deleted = _deleted(item)
        for j, entry in enumerate(values):
            gender = entry.get("gender") if isinstance(entry, dict) else None
            if gender not in GENDERS:
                raise KoladaResponseError(
                    f"{where}.values[{j}]: gender {gender!r} is not one of T, K, M"
                )
            if item_deleted or _deleted(entry):
                deleted += 1
                continue
            value = entry.get("value")
            if value is None:
                missing += 1
                continue
            try:
                if isinstance(value, bool):
                    raise TypeError
                number = float(value)
            except (TypeError, ValueError):
                raise KoladaResponseError(
                    f"{where}.values[{j}]: value {value!r} is not a number"
                ) from None
            if not math.isfinite(number):
                raise KoladaResponseError(
                    f"{where}.values[{j}]: value {value!r} is not a finite number "
                    f"({kpi}, {code}, {period}, {gender})"
                )
            rows.append(
                {
                    "kpi": kpi,
                    "municipality_code": code,
                    "period": period,
                    "gender": gender,
                    "value": number,
                }
            )
    if stats is not None:
        stats["missing"] = stats.get("missing", 0) + missing
        stats["deleted"] = stats.get("deleted", 0) + deleted
    return rows


def _flag(value: Any) -> bool | None:
    """Kolada's booleans: ``true``/``false`` in v3, ``1``/``0`` in v2's notes."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return bool(value)
    return str(value).strip().lower() in ("true", "1")


#: The metadata of a v3 ``/kpi`` item the workbook keeps (field names as Kolada v3 spells them;
#: ``auspices`` is the spelling of older clients and is read as ``auspice``).
KPI_FIELDS = (
    "title",
    "description",
    "operating_area",
    "municipality_type",
    "is_divided_by_gender",
    "auspice",
    "perspective",
    "publication_date",
    "prel_publication_date",
    "publ_period",
    "has_ou_data",
)


def parse_kpi_page(
    payload: dict[str, Any], *, source: str = "response"
) -> dict[str, dict[str, Any]]:
    """KPI metadata by id from one v3 ``/kpi`` page: title, description, ``municipality_type``,
    ``is_divided_by_gender``, ``auspice``, ``perspective``, publication dates..."""
    meta: dict[str, dict[str, Any]] = {}
    for i, item in enumerate(payload.get("values", [])):
        if not isinstance(item, dict) or "id" not in item:
            raise KoladaResponseError(f"{source}: values[{i}] has no 'id'")
        item = dict(item)
        if "auspice" not in item and "auspices" in item:
            item["auspice"] = item["auspices"]
        kept = {key: item.get(key) for key in KPI_FIELDS if item.get(key) is not None}
        for key in ("is_divided_by_gender", "has_ou_data"):
            if key in kept:
                kept[key] = _flag(kept[key])
        meta[str(item["id"])] = kept
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
