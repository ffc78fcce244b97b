"""What to fetch: the KPI catalogue, the county's areas, years and the workbook.yml section."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..config import Config, ConfigError
from .client import BASE_URL

INDICATOR_COLUMNS = ("kpi", "municipality_code", "period", "gender", "value")
KPI_COLUMNS = ("kpi", "title_sv", "title_en", "unit", "direction", "focus_area")
FOCUS_AREAS = ("fullföljda studier", "psykisk hälsa", "fysisk aktivitet")
SETTINGS = ("kpis", "municipalities", "years", "base_url", "timeout", "retries",
            "fetch_before_reports")
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
                "Upper-secondary students with a degree within 4 years", "%", "up",
                "fullföljda studier"),
        KpiSpec("N66077", "Barn i ekonomiskt utsatta hushåll",
                "Children in households with low economic standard", "%", "down",
                "psykisk hälsa"),
        KpiSpec("N33818", "Barn och unga 0–20 år i heldygnsinsatser",
                "Children and young people aged 0–20 in out-of-home care", "per 1 000", "down",
                "psykisk hälsa"),
        KpiSpec("N33820", "Barn och unga med psykisk ohälsa",
                "Children and young people with mental ill-health", "%", "down",
                "psykisk hälsa"),
    )
}


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
        # the scheduled plan runs fetch_step before the reports when this is true
        "fetch_before_reports": bool(raw.get("fetch_before_reports", False)),
    }
