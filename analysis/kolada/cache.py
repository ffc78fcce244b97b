"""The cache in ``<project root>/data/kolada``: atomic writes, reading back, provenance."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import __version__
from ..config import find_root
from ..io import neutralise_formula, sha256, write_files_atomic
from ..text import t
from .catalogue import INDICATOR_COLUMNS, KPI_COLUMNS, county_municipalities

CACHE_DIR = Path("data") / "kolada"
INDICATORS_FILE = "indicators.csv"
KPIS_FILE = "kpis.csv"
FETCH_FILE = "fetch.json"


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


def _number(value: float) -> str:
    """Shortest exact decimal with a decimal comma, never scientific (``68.4 -> '68,4'``)."""
    return np.format_float_positional(float(value), trim="-").replace(".", ",")


def _csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    # people open these in Excel: a title such as =HYPERLINK(...) is written as text (OWASP)
    writer.writerows([neutralise_formula(cell) for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def _indicator_bytes(frame: pd.DataFrame) -> bytes:
    rows = (
        (r.kpi, r.municipality_code, int(r.period), r.gender, _number(r.value))
        for r in frame.itertuples(index=False)
    )
    return _csv_bytes(INDICATOR_COLUMNS, rows)


def _kpi_bytes(frame: pd.DataFrame) -> bytes:
    cells = frame.reindex(columns=list(KPI_COLUMNS)).astype("string").fillna("")
    return _csv_bytes(KPI_COLUMNS, cells.itertuples(index=False))


def check_tables(indicators: pd.DataFrame, kpis: pd.DataFrame) -> list:
    """Problems ``workbook check`` would find in the two files a fetch is about to write.

    The bytes that would be written are read back and validated with the data contracts
    (:func:`analysis.schemas.validate`), so a fetch never replaces a good cache with files that
    make every check and report stop. Returns ``analysis.io.Problem`` items (empty: fine).
    """
    from .. import schemas
    from ..io import DataError, Problem, read_csv_text

    problems = []
    for name, data in (
        (INDICATORS_FILE, _indicator_bytes(indicators)),
        (KPIS_FILE, _kpi_bytes(kpis)),
    ):
        table = name.removesuffix(".csv")
        try:
            frame = read_csv_text(data.decode("utf-8-sig"), name, sep=";")
        except DataError as exc:
            problems += exc.problems
            continue
        problems += schemas.validate(table, frame, name)[1]
    unknown = sorted(set(indicators["kpi"]) - set(kpis["kpi"]))
    if unknown:
        problems.append(
            Problem(
                INDICATORS_FILE,
                f"unknown kpi {', '.join(unknown)}",
                column="kpi",
                hint="it must be in kpis.csv",
            )
        )
    return problems


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
        "files": {
            INDICATORS_FILE: hashlib.sha256(indicators).hexdigest(),
            KPIS_FILE: hashlib.sha256(kpis).hexdigest(),
        },
        "kpi_meta": result.kpi_meta,
    }
    body = json.dumps(info, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
    # fetch.json last: it always describes files at least as new as itself, and its hashes tell
    # a reader whether the set matches
    write_files_atomic(
        out, {INDICATORS_FILE: indicators, KPIS_FILE: kpis, FETCH_FILE: body}, fsync=True
    )
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
            verified &= sha256(folder / name) == digest
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
    return t(
        "kolada_provenance",
        lang,
        api=info.get("api_version", "?"),
        date=info.get("fetched_date", "?"),
    )


def read_cache(root: str | Path | None = None) -> FetchResult | None:
    """The last successful fetch read back from the cache (the offline fallback), else None."""
    info = last_fetch(root)
    if info is None:
        return None
    folder = Path(info["path"])
    try:
        indicators = pd.read_csv(
            folder / INDICATORS_FILE,
            sep=";",
            decimal=",",
            encoding="utf-8-sig",
            dtype={"kpi": "str", "municipality_code": "str", "gender": "str"},
        )
        kpis = pd.read_csv(
            folder / KPIS_FILE, sep=";", encoding="utf-8-sig", dtype="str", keep_default_na=False
        )  # a blank focus_area stays "", not NaN
    except (OSError, ValueError, pd.errors.ParserError):
        return None
    indicators = indicators.astype({"period": "Int64", "value": "float64"})
    years = info.get("years") or []
    return FetchResult(
        indicators=indicators,
        kpis=kpis,
        fetched_at=datetime.fromisoformat(info["fetched_at"]),
        api_version=str(info.get("api_version", "")),
        base_url=str(info.get("base_url", "")),
        kpi_ids=tuple(info.get("kpis", ())),
        municipalities=tuple(info.get("municipalities", ())),
        years=tuple(range(years[0], years[-1] + 1)) if years else (),
        counts=dict(info.get("counts", {})),
        kpi_meta=dict(info.get("kpi_meta", {})),
        out_dir=folder,
    )
