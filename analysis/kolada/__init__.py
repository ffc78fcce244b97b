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

The package: ``client`` (errors, the ``httpx`` client with retries, the v3 parsers),
``catalogue`` (KPIs, the county's areas, years, the ``kolada:`` section of workbook.yml),
``cache`` (atomic writes, reading back, provenance) and, here, ``fetch``, ``fetch_step`` and
``main``. Every public name is importable from ``analysis.kolada``.

Why no client library: on PyPI ``koladapy`` (1.0.1) speaks v3 but is built on ``requests`` +
``backoff`` + ``tqdm`` and, when one chunk fails, logs and goes on with the others (a silently
partial table); ``kolada`` (0.0.0) is a placeholder, ``pykolada`` and ``kolada-scraper`` speak v2,
which is retired.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pandas as pd

from ..config import Config, ConfigError, find_root, load_config
from ..text import set_language, t
from .cache import (
    CACHE_DIR,
    FETCH_FILE,
    INDICATORS_FILE,
    KPIS_FILE,
    FetchResult,
    cache_dir,
    check_tables,
    last_fetch,
    provenance_line,
    read_cache,
    write_cache,
)
from .catalogue import (
    AREA_TYPES,
    CATALOGUE,
    COUNTRY_CODE,
    COUNTY_MUNICIPALITIES,
    FOCUS_AREAS,
    INDICATOR_COLUMNS,
    KPI_COLUMNS,
    REGION_CODE,
    ROLES,
    WEIGHTS,
    KpiSpec,
    county_municipalities,
    parse_years,
    resolve_kpis,
    resolve_municipalities,
    settings,
    with_weights,
)
from .client import (
    API_VERSION,
    BASE_URL,
    GENDERS,
    KPI_FIELDS,
    MAX_BYTES,
    MAX_IDS,
    PER_PAGE,
    USER_AGENT,
    KoladaClient,
    KoladaError,
    KoladaResponseError,
    KoladaUnavailable,
    parse_data_page,
    parse_kpi_page,
    unit_from_title,
)
from .county import CountyLine, catalogue_table, county_line, indicator_sections

log = logging.getLogger(__name__)

__all__ = [
    "API_VERSION",
    "AREA_TYPES",
    "BASE_URL",
    "CACHE_DIR",
    "CATALOGUE",
    "COUNTRY_CODE",
    "COUNTY_MUNICIPALITIES",
    "CountyLine",
    "FETCH_FILE",
    "FOCUS_AREAS",
    "GENDERS",
    "INDICATORS_FILE",
    "INDICATOR_COLUMNS",
    "KPIS_FILE",
    "KPI_COLUMNS",
    "KPI_FIELDS",
    "MAX_BYTES",
    "MAX_IDS",
    "PER_PAGE",
    "REGION_CODE",
    "ROLES",
    "USER_AGENT",
    "WEIGHTS",
    "FetchResult",
    "KoladaClient",
    "KoladaError",
    "KoladaResponseError",
    "KoladaUnavailable",
    "KpiSpec",
    "cache_dir",
    "catalogue_table",
    "check_tables",
    "county_line",
    "county_municipalities",
    "fetch",
    "fetch_step",
    "indicator_sections",
    "last_fetch",
    "main",
    "metadata_changes",
    "parse_data_page",
    "parse_kpi_page",
    "parse_years",
    "provenance_line",
    "read_cache",
    "resolve_kpis",
    "resolve_municipalities",
    "settings",
    "unit_from_title",
    "with_weights",
    "write_cache",
]


def _chunks(items: Sequence[Any], size: int = MAX_IDS) -> list[list[Any]]:
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def _refuse_raw(out_dir: Path) -> None:
    """Nothing may write into data/raw: refuse an out_dir inside the configured raw folder."""
    try:
        raw = load_config(find_root(out_dir)).raw_dir.resolve()
    except (ConfigError, OSError):
        return
    target = out_dir.resolve()
    if target == raw or raw in target.parents:
        raise ConfigError(
            f"kolada: will not write into {raw} (data/raw is read-only); the cache is {CACHE_DIR}"
        )


def fetch(
    kpis: Iterable[str | dict[str, Any]],
    municipalities: str | Iterable[str] | None = "county",
    years: str | int | Sequence[int] | None = None,
    *,
    client: KoladaClient | httpx.Client | None = None,
    out_dir: str | Path | None = None,
    write: bool = True,
    base_url: str = BASE_URL,
    retries: int = 3,
    timeout: float = 30.0,
    deadline: float | None = 600.0,
) -> FetchResult:
    """Fetch KPIs for municipalities and years from Kolada v3 and write the cache atomically.

    The population KPIs that weigh a municipal-only KPI into a county value
    (:attr:`KpiSpec.county_weight`) are fetched with it, marked ``role = weight``.

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
    timeout, deadline : float
        Seconds for one request (body included) and for the whole fetch.

    Raises
    ------
    KoladaError
        :class:`KoladaUnavailable` (no network, 429/5xx after the retries, too slow) or
        :class:`KoladaResponseError` (4xx, unknown KPI, unexpected body, a value that is not a
        finite number or outside its unit, tables the data checks would refuse). The previous
        cache files are untouched; ``error.cache`` is their ``fetch.json`` (or ``None``) and the
        message says which data the reports now use.
    ConfigError
        Bad arguments (before any request).
    """
    specs = with_weights(resolve_kpis(kpis))
    codes = resolve_municipalities(municipalities)
    year_list = parse_years(years)
    out = Path(out_dir) if out_dir is not None else cache_dir()
    if write:
        _refuse_raw(out)
    ids = [s.kpi for s in specs]
    if isinstance(client, KoladaClient):
        kc, close = client, False
    else:
        kc = KoladaClient(
            client, base_url=base_url, retries=retries, timeout=timeout, deadline=deadline
        )
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
            raise KoladaResponseError(
                f"Kolada has no KPI {', '.join(missing)} ({base}/kpi answered without it); "
                "check the id on kolada.se"
            )
        rows: list[dict[str, Any]] = []
        stats: dict[str, int] = {}
        for kpi_chunk in _chunks(ids):
            for code_chunk in _chunks(codes):
                for year_chunk in _chunks(year_list):
                    url = (
                        f"{base}/data/kpi/{','.join(kpi_chunk)}"
                        f"/municipality/{','.join(code_chunk)}"
                        f"/year/{','.join(str(y) for y in year_chunk)}"
                    )
                    for page in kc.pages_of(url, {"per_page": PER_PAGE}):
                        rows.extend(parse_data_page(page, source=url, stats=stats))
        if not rows:  # never replace a good cache with an empty table
            raise KoladaResponseError(
                f"Kolada has no values for {', '.join(ids)} in {year_list[0]}–{year_list[-1]} "
                "(an unknown KPI is answered with an empty list)"
            )
        indicators = _indicator_frame(rows, ids, codes, year_list)
        kpi_frame = _kpi_frame(specs, meta)
        _check_plausible(indicators, kpi_frame)
        problems = check_tables(indicators, kpi_frame)
        if problems:
            raise KoladaResponseError(
                "the answer would make tables the data checks refuse: "
                + "; ".join(str(p) for p in problems[:3])
                + (f" (and {len(problems) - 3} more)" if len(problems) > 3 else "")
            )
    except KoladaError as exc:
        exc.cache = last_fetch(out)
        log.debug("%s", exc)  # the caller says it: main prints it, fetch_step logs it
        raise
    finally:
        if close:
            kc.close()

    by_kpi = {k: int((indicators["kpi"] == k).sum()) for k in ids}
    empty = [k for k, n in by_kpi.items() if n == 0]
    if empty:
        log.warning(
            "%s",
            t("kolada_no_values", kpis=", ".join(empty), first=year_list[0], last=year_list[-1]),
        )
    changes = metadata_changes(specs, meta)
    for change in changes:
        log.warning("Kolada: %s", change)
    counts = {
        "rows": len(indicators),
        "rows_by_kpi": by_kpi,
        "kpis_without_values": empty,
        "missing_values": int(stats.get("missing", 0)),
        "deleted_values": int(stats.get("deleted", 0)),
        "requests": kc.requests,
        "pages": kc.pages,
        "retries": kc.retried,
        "metadata_changes": changes,
    }
    result = FetchResult(
        indicators=indicators,
        kpis=kpi_frame,
        fetched_at=fetched_at,
        api_version=API_VERSION,
        base_url=base,
        kpi_ids=tuple(ids),
        municipalities=tuple(codes),
        years=tuple(year_list),
        counts=counts,
        kpi_meta=meta,
        out_dir=out if write else None,
    )
    if write:
        write_cache(result, out)
    return result


def _indicator_frame(
    rows: list[dict[str, Any]], ids: Sequence[str], codes: Sequence[str], years: Sequence[int]
) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(INDICATOR_COLUMNS))
    # Keep only what was asked (a server may answer more) and one row per key.
    frame = frame[
        frame["kpi"].isin(ids)
        & frame["municipality_code"].isin(codes)
        & frame["period"].isin(years)
    ]
    frame = frame.drop_duplicates(
        subset=["kpi", "municipality_code", "period", "gender"], keep="last"
    )
    order = {g: i for i, g in enumerate(GENDERS)}
    frame = (
        frame.assign(_g=frame["gender"].map(order))
        .sort_values(["kpi", "municipality_code", "period", "_g"])
        .drop(columns="_g")
    )
    return frame.astype(
        {
            "kpi": "str",
            "municipality_code": "str",
            "period": "Int64",
            "gender": "str",
            "value": "float64",
        }
    ).reset_index(drop=True)


def _kpi_frame(specs: Sequence[KpiSpec], meta: dict[str, dict[str, Any]]) -> pd.DataFrame:
    """kpis.csv: Kolada's title, area type and gender split as it answered; the rest the spec's."""
    rows = []
    for spec in specs:
        info = meta.get(spec.kpi, {})
        title = (info.get("title") or "").strip()
        area_type = str(info.get("municipality_type") or spec.area_type or "").strip().upper()
        split = info.get("is_divided_by_gender", spec.gender_split)
        row = spec.row() | {
            "title_sv": title or spec.title_sv,
            "title_en": spec.title_en or title or spec.title_sv,
            "unit": unit_from_title(title) or spec.unit,
            "area_type": area_type if area_type in AREA_TYPES else "",
            "gender_split": "" if split is None else str(int(bool(split))),
        }
        rows.append(row)
    return pd.DataFrame(rows, columns=list(KPI_COLUMNS)).astype("str")


def _check_plausible(indicators: pd.DataFrame, kpis: pd.DataFrame) -> None:
    """A share (unit %) outside 0-100 or a negative count is a broken answer, not data."""
    units = dict(zip(kpis["kpi"], kpis["unit"], strict=True))
    unit = indicators["kpi"].map(units)
    share = unit.eq("%") & ~indicators["value"].between(0, 100)
    negative = indicators["value"] < 0
    bad = indicators[share | negative]
    if not bad.empty:
        r = bad.iloc[0]
        raise KoladaResponseError(
            f"{len(bad)} value(s) outside their unit, e.g. {r.kpi} {r.municipality_code} "
            f"{r.period} {r.gender}: {r.value:g} ({units.get(r.kpi) or 'no unit'})"
        )


def metadata_changes(specs: Sequence[KpiSpec], meta: dict[str, dict[str, Any]]) -> list[str]:
    """Where Kolada's answer differs from the catalogue's recorded facts (title, area type,
    gender split): the first real fetch verifies the catalogue, and says so here."""
    changes = []
    for spec in specs:
        info = meta.get(spec.kpi, {})
        title = (info.get("title") or "").strip()
        if title and spec.title_sv != spec.kpi and title != spec.title_sv:
            changes.append(f"{spec.kpi}: title is now {title!r} (catalogue: {spec.title_sv!r})")
        area = str(info.get("municipality_type") or "").upper()
        if area and spec.area_type and area != spec.area_type:
            changes.append(
                f"{spec.kpi}: municipality_type is now {area} (catalogue: {spec.area_type})"
            )
        split = info.get("is_divided_by_gender")
        if split is not None and spec.gender_split is not None and bool(split) != spec.gender_split:
            changes.append(
                f"{spec.kpi}: is_divided_by_gender is now {bool(split)} "
                f"(catalogue: {spec.gender_split})"
            )
    return changes


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
        result = fetch(
            opts["kpis"],
            opts["municipalities"],
            opts["years"],
            out_dir=config.root / CACHE_DIR,
            base_url=opts["base_url"],
            retries=opts["retries"],
            timeout=opts["timeout"],
            deadline=opts["deadline"],
        )
    except (KoladaError, ConfigError, httpx.HTTPError, OSError, ValueError) as exc:
        # the reports still run, on the previous fetch; the log says why
        log.warning("Kolada fetch step failed: %s", exc)
        return False
    log.info("%s", _fetched_message(result))
    return True


def _fetched_message(result: FetchResult) -> str:
    return t(
        "kolada_fetched",
        rows=result.counts.get("rows", len(result.indicators)),
        kpis=len(result.kpi_ids),
        municipalities=len(result.municipalities),
        first=result.years[0],
        last=result.years[-1],
        api=result.api_version,
        path=result.out_dir,
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbook kolada",
        description="County indicators from Kolada (API v3) into data/kolada/, the offline cache.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    f = sub.add_parser(
        "fetch",
        help="fetch the KPIs of workbook.yml (or --kpi) and write the cache",
        description="Exit 0: fetched; 1: fetch failed, the last fetch is used; "
        "2: fetch failed and there is no earlier fetch (or bad arguments).",
    )
    f.add_argument(
        "--kpi",
        action="append",
        metavar="ID",
        help="KPI id(s), repeatable or comma-separated (default: kolada.kpis)",
    )
    f.add_argument("--years", help="e.g. 2016-2024 or 2023 (default: kolada.years)")
    f.add_argument(
        "--municipalities", help="'county' or codes like 0680,0682 (default: kolada.municipalities)"
    )
    f.add_argument("--out", type=Path, help="cache folder (default: <project>/data/kolada)")
    sub.add_parser("status", help="show the last fetch (date, API version, counts)")
    return parser


def _text_table(frame: pd.DataFrame, width: int = 72) -> str:
    """A frame as left-aligned plain text for the terminal; long cells end in an ellipsis."""
    cells = [[str(c) for c in frame.columns]]
    cells += [
        [str(v) if len(str(v)) <= width else str(v)[: width - 1] + "…" for v in row]
        for row in frame.itertuples(index=False, name=None)
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    )


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
        else:
            print(
                t(
                    "kolada_status",
                    api=info.get("api_version"),
                    date=info.get("fetched_at"),
                    rows=info.get("counts", {}).get("rows", "?"),
                    kpis=", ".join(info.get("kpis", [])),
                )
            )
            if not info["verified"]:
                print(t("kolada_status_changed", path=out), file=sys.stderr)
            changes = info.get("counts", {}).get("metadata_changes") or []
            if changes:
                print(t("kolada_status_changes"))
                for change in changes:
                    print(f"  {change}")
        try:
            specs = with_weights(resolve_kpis(opts["kpis"]))
        except ConfigError as exc:
            print(f"workbook kolada: {exc}", file=sys.stderr)
            return 2
        print()
        print(t("kolada_status_catalogue"))
        table = catalogue_table(specs, (info or {}).get("kpi_meta"))
        print(_text_table(table))
        print(t("kolada_status_legend"))
        return 0

    kpis: list[Any] = opts["kpis"]
    if args.kpi:
        kpis = [k for word in args.kpi for k in word.split(",") if k.strip()]
        configured = {str(e.get("id", "")).upper(): e for e in opts["kpis"] if isinstance(e, dict)}
        kpis = [configured.get(k.strip().upper(), k) for k in kpis]
    try:
        result = fetch(
            kpis,
            args.municipalities or opts["municipalities"],
            args.years or opts["years"],
            out_dir=out,
            base_url=opts["base_url"],
            retries=opts["retries"],
            timeout=opts["timeout"],
            deadline=opts["deadline"],
        )
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
