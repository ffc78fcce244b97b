"""What to fetch: the KPI catalogue, the county's areas, years and the workbook.yml section."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from ..config import Config, ConfigError
from ..schemas import COUNTRY_CODE, REGION_CODE
from .client import BASE_URL

INDICATOR_COLUMNS = ("kpi", "municipality_code", "period", "gender", "value")
KPI_COLUMNS = (
    "kpi",
    "title_sv",
    "title_en",
    "unit",
    "direction",
    "focus_area",
    "role",
    "area_type",
    "gender_split",
    "county_weight",
)
FOCUS_AREAS = ("fullföljda studier", "psykisk hälsa", "fysisk aktivitet")
ROLES = ("outcome", "context", "weight")
AREA_TYPES = ("K", "L", "A")  # Kolada's municipality_type: municipalities, regions, both
SETTINGS = (
    "kpis",
    "municipalities",
    "years",
    "base_url",
    "timeout",
    "retries",
    "deadline",
    "fetch_before_reports",
)
_KPI_ID = re.compile(r"^[NU]\d{5}$")
_CODE = re.compile(r"^\d{4}$")

# The 13 municipalities of Jönköpings län (SCB/Kolada codes), the region and the country.
# Checked against Kolada's own area list as rKolada recorded it (tests/fixtures/kolada/municipality.json).
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
REGION_NAME = "Region Jönköpings län"
COUNTRY_NAME = "Riket"


@dataclass(frozen=True)
class KpiSpec:
    """What the workbook knows about a KPI: Kolada's facts and the workbook's reading of them.

    Kolada's facts, from its recorded v3 catalogue (see docs/kolada.md; checked again at every
    fetch): ``title_sv`` (Kolada's title), ``area_type`` (``municipality_type``: ``K`` published
    for municipalities only, ``L`` for regions only, ``A`` for both), ``gender_split``
    (``is_divided_by_gender``). The workbook's own: ``title_en``, ``unit``, ``direction`` (of
    improvement: ``up`` higher is better), ``focus_area``, ``role`` (``outcome`` of a focus area,
    ``context`` a determinant shown beside them, ``weight`` a population count used only to
    weigh municipalities into a county value), ``county_weight`` (the population KPIs whose sum
    weighs the municipalities when Kolada has no county value; empty: no county value is
    computed) with ``weight_exact`` (the weight is the KPI's own denominator, so the weighted
    mean is the county's ratio), and ``why`` it was chosen.
    """

    kpi: str
    title_sv: str
    title_en: str
    unit: str
    direction: str
    focus_area: str
    role: str = "outcome"
    area_type: str = ""
    gender_split: bool | None = None
    county_weight: tuple[str, ...] = ()
    weight_exact: bool = False
    why: str = ""

    def row(self) -> dict[str, str]:
        """The spec as a row of kpis.csv (text cells)."""
        return {
            "kpi": self.kpi,
            "title_sv": self.title_sv,
            "title_en": self.title_en,
            "unit": self.unit,
            "direction": self.direction,
            "focus_area": self.focus_area,
            "role": self.role,
            "area_type": self.area_type,
            "gender_split": "" if self.gender_split is None else str(int(self.gender_split)),
            "county_weight": "+".join(self.county_weight),
        }


_AGES_7_20 = tuple(f"N0{1817 + age}" for age in range(7, 21))  # N01824 (7 år) .. N01837 (20 år)

# The KPIs the county follows. Titles, area types and gender splits are Kolada's, as recorded in
# rKolada's v3 catalogue (LCHansson/rKolada, R/sysdata.rda, re-saved 2026-03-23); docs/kolada.md
# says why each was chosen and why its direction.
CATALOGUE: dict[str, KpiSpec] = {
    spec.kpi: spec
    for spec in (
        # --- fullföljda studier
        KpiSpec(
            "N17461",
            "Gymnasieelever med examen inom 4 år, hemkommun, andel (%)",
            "Upper-secondary students with a degree within 4 years, home municipality (%)",
            "%",
            "up",
            "fullföljda studier",
            area_type="A",
            gender_split=True,
            why="the county's headline measure of completed schooling",
        ),
        KpiSpec(
            "N15428",
            "Elever i åk 9 som är behöriga till yrkesprogram, hemkommun, andel (%)",
            "Pupils in year 9 eligible for a vocational upper-secondary programme (%)",
            "%",
            "up",
            "fullföljda studier",
            area_type="A",
            gender_split=True,
            why="the step before upper secondary: without eligibility no degree",
        ),
        KpiSpec(
            "N02797",
            "Invånare 16-24 år som varken arbetar eller studerar, andel (%)",
            "Residents aged 16-24 neither working nor studying (%)",
            "%",
            "down",
            "fullföljda studier",
            area_type="A",
            gender_split=True,
            why="what happens to those who do not complete their studies",
        ),
        # --- psykisk hälsa
        KpiSpec(
            "N33820",
            "Psykisk ohälsa bland barn och unga, andel (%)",
            "Mental ill-health among children and young people aged 0-19 (%)",
            "%",
            "down",
            "psykisk hälsa",
            area_type="K",
            gender_split=True,
            county_weight=("N01919",),
            weight_exact=False,
            why="the outcome of the area: dispensed psychotropic drugs, an F10-F99 diagnosis "
            "or psychiatric inpatient care, 0-19 years",
        ),
        KpiSpec(
            "N15645",
            "Elever i åk 8: Känner du att det finns någon vuxen i skolan som bryr "
            'sig om hur du mår? Andel som svarat "Helt och hållet" eller "Till '
            'stor del", (%)',
            "Pupils in year 8 who feel that an adult at school cares how they are (%)",
            "%",
            "up",
            "psykisk hälsa",
            area_type="K",
            gender_split=True,
            why="a protective factor the schools' teams can change; Skolinspektionen's "
            "pupil survey",
        ),
        KpiSpec(
            "N17675",
            "Gymnasieelever i år 2: Känner du att det finns någon vuxen i skolan "
            'som bryr sig om hur du mår? Andel som har svarat "Helt och hållet" '
            'eller "Till stor del", (%)',
            "Upper-secondary students in year 2 who feel that an adult at school cares how "
            "they are (%)",
            "%",
            "up",
            "psykisk hälsa",
            area_type="K",
            gender_split=True,
            why="the same protective factor in upper secondary school",
        ),
        # --- fysisk aktivitet
        KpiSpec(
            "U09800",
            "Deltagartillfällen i idrottsföreningar, antal/inv 7-20 år",
            "Participations in sports clubs per resident aged 7-20",
            "per invånare 7–20 år",
            "up",
            "fysisk aktivitet",
            area_type="K",
            gender_split=True,
            county_weight=_AGES_7_20,
            weight_exact=True,
            why="organised physical activity in leisure time, every municipality every year",
        ),
        KpiSpec(
            "N15723",
            "Elever i åk 6 med lägst betyget E i idrott och hälsa, lägeskommun, andel (%)",
            "Pupils in year 6 with at least grade E in physical education (%)",
            "%",
            "up",
            "fysisk aktivitet",
            area_type="K",
            gender_split=True,
            why="physical education reaches every pupil; a fail often means inactivity",
        ),
        KpiSpec(
            "N15720",
            "Elever i åk 9 med lägst betyget E i idrott och hälsa, lägeskommun, andel (%)",
            "Pupils in year 9 with at least grade E in physical education (%)",
            "%",
            "up",
            "fysisk aktivitet",
            area_type="K",
            gender_split=True,
            why="the same at the end of compulsory school",
        ),
        # --- context (determinants), not outcomes of a focus area
        KpiSpec(
            "N66077",
            "Invånare, 0-19 år, med låg ekonomisk standard, andel (%)",
            "Residents aged 0-19 with low economic standard (%)",
            "%",
            "down",
            "",
            role="context",
            area_type="A",
            gender_split=False,
            why="child poverty: an upstream determinant of all three areas",
        ),
        KpiSpec(
            "N33818",
            "Barn och unga 0-20 år som har varit placerade på HVB eller "
            "familjehem någon gång under året, antal/1000 inv",
            "Children and young people aged 0-20 placed in residential care (HVB) or a "
            "foster home during the year, per 1,000",
            "per 1 000",
            "down",
            "",
            role="context",
            area_type="K",
            gender_split=True,
            county_weight=("N01948",),
            weight_exact=True,
            why="the far end of the chain the parent-support work tries to prevent",
        ),
    )
}

# Population counts (Kolada, SCB, on 31 December) that weigh municipalities into a county value.
WEIGHTS: dict[str, KpiSpec] = {
    spec.kpi: spec
    for spec in (
        KpiSpec(
            "N01919",
            "Invånare 0-19 år, antal",
            "Residents aged 0-19",
            "antal",
            "up",
            "",
            role="weight",
            area_type="A",
            gender_split=False,
        ),
        KpiSpec(
            "N01948",
            "Invånare 0-20 år, antal",
            "Residents aged 0-20",
            "antal",
            "up",
            "",
            role="weight",
            area_type="A",
            gender_split=False,
        ),
        *(
            KpiSpec(
                kpi,
                f"Invånare {age} år, antal",
                f"Residents aged {age}",
                "antal",
                "up",
                "",
                role="weight",
                area_type="A",
                gender_split=True,
            )
            for age, kpi in zip(range(7, 21), _AGES_7_20, strict=True)
        ),
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


def _weight_ids(value: Any, kpi: str) -> tuple[str, ...]:
    """``"N01919"``, ``"N01824+N01825"`` or a list -> a tuple of checked KPI ids."""
    if value is None or value == "":
        return ()
    parts = value if isinstance(value, (list, tuple)) else str(value).replace(",", "+").split("+")
    ids = tuple(str(p).strip().upper() for p in parts if str(p).strip())
    bad = [i for i in ids if not _KPI_ID.match(i)]
    if bad:
        raise ConfigError(
            f"kolada.kpis {kpi}: county_weight {', '.join(bad)} is not a Kolada "
            f"KPI id (like N01919)"
        )
    return ids


def resolve_kpis(kpis: Iterable[str | dict[str, Any]]) -> list[KpiSpec]:
    """Turn ids (``"N17461"``) or mappings (``{id, direction, focus_area, ...}``) into specs.

    An id outside :data:`CATALOGUE` needs a mapping with at least ``direction`` and
    ``focus_area`` (the reports need the direction of improvement); otherwise ``ConfigError``.
    A mapping may also give ``role`` (``outcome``, ``context``), ``area_type`` (K, L, A) and
    ``county_weight`` (population KPI ids joined by ``+``).
    """
    specs: list[KpiSpec] = []
    known = set(KPI_COLUMNS) - {"kpi"}
    for entry in kpis:
        extra: dict[str, Any] = {}
        if isinstance(entry, dict):
            extra = dict(entry)
            kpi = str(extra.pop("id", extra.pop("kpi", ""))).strip().upper()
        else:
            kpi = str(entry).strip().upper()
        if not _KPI_ID.match(kpi):
            raise ConfigError(f"kolada: {kpi or entry!r} is not a Kolada KPI id (like N17461)")
        unknown = sorted(set(extra) - known)
        if unknown:
            raise ConfigError(
                f"kolada.kpis {kpi}: unknown key(s) {', '.join(unknown)}; "
                f"known: id, {', '.join(KPI_COLUMNS[1:])}"
            )
        base = CATALOGUE.get(kpi) or WEIGHTS.get(kpi)
        if (
            base is None
            and not {"direction", "focus_area"} <= set(extra)
            and extra.get("role") != "context"
        ):
            raise ConfigError(
                f"kolada: {kpi} is not in the workbook's catalogue ({', '.join(CATALOGUE)}); "
                f"give it in workbook.yml as {{id: {kpi}, direction: up|down, "
                f"focus_area: ..., title_en: ...}}"
            )
        spec = base or KpiSpec(kpi, kpi, "", "", "", "")
        changes: dict[str, Any] = {}
        for key, value in extra.items():
            if key == "county_weight":
                changes[key] = _weight_ids(value, kpi)
            elif key == "gender_split":
                changes[key] = (
                    None
                    if value in (None, "")
                    else str(value).lower() in ("1", "true", "ja", "yes")
                )
            else:
                changes[key] = "" if value is None else str(value).strip()
        spec = replace(spec, **changes)
        if spec.direction not in ("up", "down"):
            raise ConfigError(
                f"kolada.kpis {kpi}: direction must be up or down, not {spec.direction!r}"
            )
        if spec.role not in ROLES:
            raise ConfigError(
                f"kolada.kpis {kpi}: role must be one of {', '.join(ROLES)}, not {spec.role!r}"
            )
        if spec.area_type and spec.area_type not in AREA_TYPES:
            raise ConfigError(
                f"kolada.kpis {kpi}: area_type must be K, L or A, not {spec.area_type!r}"
            )
        if spec.role == "outcome" and spec.focus_area not in FOCUS_AREAS:
            raise ConfigError(
                f"kolada.kpis {kpi}: focus_area must be one of "
                f"{', '.join(FOCUS_AREAS)}, not {spec.focus_area!r}"
            )
        if spec.role != "outcome" and spec.focus_area and spec.focus_area not in FOCUS_AREAS:
            raise ConfigError(
                f"kolada.kpis {kpi}: focus_area must be empty or one of "
                f"{', '.join(FOCUS_AREAS)}, not {spec.focus_area!r}"
            )
        if kpi not in {s.kpi for s in specs}:
            specs.append(spec)
    if not specs:
        raise ConfigError("kolada: no KPIs to fetch")
    return specs


def with_weights(specs: Sequence[KpiSpec]) -> list[KpiSpec]:
    """``specs`` followed by the population KPIs their county values are weighted with.

    A weight outside :data:`WEIGHTS` (given in workbook.yml) gets a plain spec with its id as
    title; Kolada's title replaces it at fetch time.
    """
    out = list(specs)
    have = {s.kpi for s in out}
    for spec in specs:
        for kpi in spec.county_weight:
            if kpi not in have:
                out.append(
                    WEIGHTS.get(kpi) or KpiSpec(kpi, kpi, kpi, "antal", "up", "", role="weight")
                )
                have.add(kpi)
    return out


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
                raise ConfigError(
                    f"kolada.years: give [first, last] or 'first-last', not {years!r}"
                )
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
        raise ConfigError(
            f"workbook.yml kolada: unknown setting(s) {', '.join(unknown)}; "
            f"known: {', '.join(SETTINGS)}"
        )
    return {
        "kpis": raw.get("kpis") or list(CATALOGUE),
        "municipalities": raw.get("municipalities", "county"),
        "years": raw.get("years"),
        "base_url": str(raw.get("base_url", BASE_URL)),
        "timeout": float(raw.get("timeout", 30)),
        "retries": int(raw.get("retries", 3)),
        # seconds for the whole fetch, every request and retry included
        "deadline": float(raw.get("deadline", 600)),
        # the scheduled plan runs fetch_step before the reports when this is true
        "fetch_before_reports": bool(raw.get("fetch_before_reports", False)),
    }
