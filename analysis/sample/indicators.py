"""Synthetic county indicators in Kolada's shape: kpis.csv, indicators.csv and the goals on them.

The KPIs, their titles, area types (K/L/A) and gender splits are the real catalogue's
(:data:`analysis.kolada.CATALOGUE`, Kolada's recorded facts); every **number** is invented.
What the data do as Kolada does (see docs/kolada.md):

* a type-A KPI has values for the 13 municipalities, the region (0006, here their
  population-weighted mean) and the country (0000); a type-K KPI has no region row;
* a KPI not divided by gender (N66077) has only total (T) rows;
* the pupil-survey items (N15645, N17675: Skolinspektionen's survey, every other year in half
  of the municipalities) have a municipality's value only every other year, and none for
  municipalities without a municipal upper-secondary school (N17675);
* small municipalities lack sex-split values of a few KPIs (too few persons);
* the population counts that weigh municipal-only KPIs into a county value (N01919, N01948,
  N01824-N01837; whole numbers) are there for the 13 municipalities, total only.
"""

from __future__ import annotations

import numpy as np

from ..kolada.catalogue import CATALOGUE, COUNTRY_CODE, REGION_CODE, WEIGHTS, KpiSpec

YEARS = tuple(range(2016, 2025))

# Per KPI: national level in 2016, national slope per year, spread of municipal levels, spread
# of municipal slopes, women-men gap (K minus M), noise sd for a municipality of 20,000.
KPI_MODEL = {
    "N17461": dict(level=71.0, slope=0.20, spread=4.0, slope_sd=0.6, gap=5.0, noise=3.0),
    "N15428": dict(level=85.0, slope=0.10, spread=3.5, slope_sd=0.5, gap=3.0, noise=2.5),
    "N02797": dict(level=6.5, slope=-0.10, spread=1.5, slope_sd=0.15, gap=-0.6, noise=0.6),
    "N33820": dict(level=9.5, slope=0.30, spread=1.3, slope_sd=0.25, gap=3.0, noise=0.4),
    "N15645": dict(level=72.0, slope=0.0, spread=5.0, slope_sd=0.8, gap=-2.0, noise=4.0),
    "N17675": dict(level=62.0, slope=0.0, spread=6.0, slope_sd=1.0, gap=-3.0, noise=5.0),
    "U09800": dict(level=38.0, slope=-0.30, spread=6.0, slope_sd=0.8, gap=-8.0, noise=2.0),
    "N15723": dict(level=96.0, slope=0.05, spread=1.5, slope_sd=0.2, gap=0.5, noise=1.0),
    "N15720": dict(level=94.0, slope=0.0, spread=2.0, slope_sd=0.3, gap=0.5, noise=1.5),
    "N66077": dict(level=12.5, slope=-0.25, spread=3.0, slope_sd=0.2, gap=0.2, noise=0.5),
    "N33818": dict(level=9.0, slope=-0.15, spread=2.5, slope_sd=0.2, gap=-2.0, noise=1.0),
}
# Kolada publishes no sex-split value when the numbers are small: these rows are simply absent.
SUPPRESSED_GENDER = {("N33818", "0604"), ("N33818", "0642"), ("N15723", "0642")}
# Skolinspektionen's pupil survey: every other year, in half of the municipalities at a time.
BIENNIAL = ("N15645", "N17675")
# No municipal upper-secondary school: no N17675 value (the survey counts municipal schools).
NO_UPPER_SECONDARY = {"0604", "0642"}
# The headline outcome of each focus area: the sample's goals (+2 per year for four years).
GOAL_KPIS = {
    "N17461": (
        "Gymnasieelever med examen inom 4 år",
        "Upper-secondary students with a degree within 4 years",
    ),
    "N33820": (
        "Psykisk ohälsa bland barn och unga 0–19 år",
        "Mental ill-health among children and young people aged 0–19",
    ),
    "N15720": (
        "Elever i åk 9 med lägst E i idrott och hälsa",
        "Pupils in year 9 with at least grade E in physical education",
    ),
}

GOALS_HEADER = (
    "goal_id",
    "title_sv",
    "title_en",
    "kind",
    "source",
    "municipality_code",
    "baseline_year",
    "pp_per_year",
    "years",
    "target_value",
    "deadline",
    "direction",
)


def kpi_specs() -> list[KpiSpec]:
    """The catalogue's KPIs and the population counts they need, in kpis.csv's order."""
    specs = list(CATALOGUE.values())
    weights = list(dict.fromkeys(w for s in specs for w in s.county_weight))
    return specs + [WEIGHTS[w] for w in weights]


def indicator_values(municipalities, rng_for) -> list[tuple[str, str, int, str, float | int]]:
    """(kpi, municipality_code, year, gender, value), Kolada's order.

    ``municipalities``: (code, name, population, in network); ``rng_for(name)``: the sample's
    seeded generator of a named series.
    """
    out: list[tuple[str, str, int, str, float | int]] = []
    years = np.array(YEARS, dtype=float)
    t = years - YEARS[0]
    codes = [m[0] for m in municipalities]
    pops = np.array([m[2] for m in municipalities], dtype=float)
    for spec in CATALOGUE.values():
        kpi, model = spec.kpi, KPI_MODEL[spec.kpi]
        rng = rng_for(f"kolada/{kpi}")
        national = model["level"] + model["slope"] * t
        # K and M series per municipality: level + slope + binomial-like noise shrinking with size
        by_gender: dict[str, np.ndarray] = {}
        offsets = rng.normal(0.0, model["spread"], len(codes))
        slopes = model["slope"] + rng.normal(0.0, model["slope_sd"], len(codes))
        noise_sd = model["noise"] * np.sqrt(20000.0 / pops)
        top = 99.9 if spec.unit == "%" else np.inf
        for gender, sign in (("K", 0.5), ("M", -0.5)):
            base = (
                model["level"]
                + offsets[:, None]
                + slopes[:, None] * t[None, :]
                + sign * model["gap"]
            )
            noise = rng.normal(0.0, 1.0, base.shape) * noise_sd[:, None] * np.sqrt(2.0)
            by_gender[gender] = np.clip(base + noise, 0.1, top)
        by_gender["T"] = (by_gender["K"] + by_gender["M"]) / 2
        country_noise = rng.normal(0.0, 0.15, (2, len(YEARS)))
        country = {
            "K": national + model["gap"] / 2 + country_noise[0],
            "M": national - model["gap"] / 2 + country_noise[1],
        }
        country["T"] = (country["K"] + country["M"]) / 2
        areas = [(COUNTRY_CODE, country)]
        if spec.area_type in ("A", "L"):  # Kolada publishes the region's own value
            areas.append(
                (
                    REGION_CODE,
                    {g: (pops[:, None] * v).sum(axis=0) / pops.sum() for g, v in by_gender.items()},
                )
            )
        areas += [(code, {g: v[j] for g, v in by_gender.items()}) for j, code in enumerate(codes)]
        genders = ("T", "K", "M") if spec.gender_split else ("T",)
        for code, values in areas:
            for y, year in enumerate(YEARS):
                if code not in (COUNTRY_CODE, REGION_CODE) and not _published(
                    kpi, code, year, codes
                ):
                    continue
                for gender in genders:
                    if gender != "T" and (kpi, code) in SUPPRESSED_GENDER:
                        continue
                    out.append((kpi, code, year, gender, round(float(values[gender][y]), 1)))
    out += _population_counts(municipalities, rng_for)
    return out


def _published(kpi: str, code: str, year: int, codes: list[str]) -> bool:
    """Whether Kolada would have a municipality's value of ``kpi`` in ``year``."""
    if kpi == "N17675" and code in NO_UPPER_SECONDARY:
        return False
    if kpi in BIENNIAL:  # the first half of the list in even years, the second in odd years
        return (codes.index(code) < len(codes) // 2) == (year % 2 == 0)
    return True


def _population_counts(municipalities, rng_for) -> list[tuple[str, str, int, str, int]]:
    """Inhabitants aged 0..20 on 31 December per municipality and year (whole numbers), as the
    weight KPIs: N01919 (0-19), N01948 (0-20), N01824..N01837 (7..20, one age each)."""
    ages = {
        kpi: int(spec.title_sv.split()[1])
        for kpi, spec in WEIGHTS.items()
        if spec.title_sv.split()[1].isdigit()
    }
    rows = []
    for code, _, population, _ in municipalities:
        rng = rng_for(f"kolada/population/{code}")
        # about 1.15 % of the population per one-year age group, drifting up to 1 % a year
        base = population * 0.0115 * rng.uniform(0.9, 1.1, 21)
        growth = 1 + rng.normal(0.003, 0.004)
        for y, year in enumerate(YEARS):
            by_age = np.round(base * growth**y * rng.uniform(0.98, 1.02, 21)).astype(int)
            counts = {"N01919": int(by_age[:20].sum()), "N01948": int(by_age.sum())}
            counts |= {kpi: int(by_age[age]) for kpi, age in ages.items()}
            for kpi in WEIGHTS:
                rows.append((kpi, code, year, "T", counts[kpi]))
    order = {kpi: i for i, kpi in enumerate(WEIGHTS)}
    return sorted(rows, key=lambda r: (order[r[0]], r[1], r[2]))


def goal_rows() -> list[list[str]]:
    """goals.csv: +2 per year for four years from 2021 on each focus area's headline KPI, and two
    targets (a survey item and one municipality's value)."""
    rows = []
    for kpi, (title_sv, title_en) in GOAL_KPIS.items():
        spec = CATALOGUE[kpi]
        sv_unit, en_unit = (
            ("procentenheter", "percentage points")
            if spec.unit == "%"
            else (f"enheter ({spec.unit})", f"units ({spec.unit})")
        )
        rows.append(
            [
                f"{kpi.lower()}_2pp",
                f"{title_sv}: 2 {sv_unit} bättre per år",
                f"{title_en}: 2 {en_unit} better per year",
                "trajectory",
                f"indicator:{kpi}",
                "",
                "2021",
                "2",
                "4",
                "",
                "",
                spec.direction,
            ]
        )
    rows.append(
        [
            "basprogram",
            "100 % av familjecentralerna erbjuder basprogrammet för föräldragrupper",
            "100 % of the family centres offer the base programme of parent groups",
            "target",
            "survey:coordinators:groups_offered:any",
            "",
            "",
            "",
            "",
            "100",
            "2022-12-31",
            "up",
        ]
    )
    rows.append(
        [
            "examen_nassjo",
            "Minst 75 % av gymnasieeleverna i Nässjö tar examen inom 4 år",
            "At least 75 % of upper-secondary students in Nässjö graduate within 4 years",
            "target",
            "indicator:N17461",
            "0682",
            "",
            "",
            "",
            "75",
            "2024-12-31",
            "up",
        ]
    )
    return rows
