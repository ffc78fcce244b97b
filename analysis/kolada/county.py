"""The county line of each KPI: Kolada's own value, a population-weighted one, or none.

Kolada publishes a KPI for municipalities only (``municipality_type`` K), for regions only (L)
or for both (A). The reports must never show a county value Kolada does not have, so for every
KPI the county line is, in this order:

1. **Kolada's**: the data hold rows for the region (code 0006). Used as they are, for every year
   Kolada has; nothing is mixed in.
2. **computed**: the KPI names population counts in ``county_weight`` (Kolada's own counts on
   31 December, fetched with it) and the data hold them. The county value of a year is the mean
   of the municipalities weighted by that population, computed only in years where every
   municipality of the county has both a value and a count. When the count is the KPI's own
   denominator, the weighted mean is exactly the county's ratio
   (sum of numerators / sum of denominators); otherwise it is an approximation, and the note
   says so.
3. **none**: otherwise. The report says why.

Only the total (gender T) is computed: Kolada's counts by sex are not fetched for every weight.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..text import get_language, t
from .catalogue import CATALOGUE, FOCUS_AREAS, REGION_CODE, WEIGHTS, KpiSpec

VALUE_COLUMNS = ["kpi", "period", "value", "source", "n_municipalities", "method"]
SOURCE_COLUMNS = [
    "kpi",
    "source",
    "area_type",
    "weight",
    "exact",
    "first",
    "last",
    "years_left_out",
    "reason",
]
METHOD = "population-weighted mean of the {n} municipalities (weights: {weights}, 31 Dec)"


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    """A text column of kpis.csv that may be absent (an older six-column file): blank then."""
    if name in frame:
        return frame[name].astype("string").fillna("").str.strip()
    return pd.Series("", index=frame.index, dtype="string")


def roles(kpis: pd.DataFrame) -> dict[str, str]:
    """``{kpi: outcome | context | weight}``; a blank role is an outcome."""
    role = _column(kpis, "role").replace("", "outcome")
    return dict(zip(kpis["kpi"].astype(str), role, strict=True))


def _weights(kpis: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    text = _column(kpis, "county_weight")
    return {
        k: tuple(p.strip() for p in w.replace(",", "+").split("+") if p.strip())
        for k, w in zip(kpis["kpi"].astype(str), text, strict=True)
    }


def _exact(kpi: str, weight: tuple[str, ...]) -> bool:
    spec = CATALOGUE.get(kpi)
    return bool(spec is not None and spec.weight_exact and spec.county_weight == weight)


@dataclass(frozen=True)
class CountyLine:
    """The county line of every KPI and where it comes from.

    ``values``: kpi, period, value, source (``kolada`` / ``computed``), n_municipalities,
    method. ``sources``: one row per KPI (weights left out): kpi, source (``kolada`` /
    ``computed`` / ``none``), area_type, weight (``+``-joined ids), exact, first and last year
    with a county value, years_left_out (years computed KPIs lack because a municipality has no
    value or no count), reason (why ``none``: ``municipal_only``, ``weights_missing``,
    ``incomplete``, ``no_county_rows``).
    """

    values: pd.DataFrame
    sources: pd.DataFrame

    def apply(self, dataset):
        """``dataset`` as the county reports read it: weight KPIs left out, computed county rows
        (gender T, code 0006) added. Kolada's own rows are untouched."""
        from ..dataset import with_tables

        role = roles(dataset.kpis)
        keep = [k for k, r in role.items() if r != "weight"]
        indicators = dataset.indicators[dataset.indicators["kpi"].isin(keep)]
        computed = self.values[self.values["source"] == "computed"]
        if len(computed):
            add = pd.DataFrame(
                {
                    "kpi": computed["kpi"].astype("str"),
                    "municipality_code": REGION_CODE,
                    "period": computed["period"].astype("Int64"),
                    "gender": "T",
                    "value": computed["value"].astype("float64"),
                }
            )
            # only the columns it has: optional ones (the denominator n) stay empty for computed rows
            dtypes = {c: t for c, t in indicators.dtypes.items() if c in add.columns}
            indicators = pd.concat([indicators, add.astype(dtypes)], ignore_index=True)
        kpis = dataset.kpis[dataset.kpis["kpi"].isin(keep)].reset_index(drop=True)
        return with_tables(dataset, indicators=indicators.reset_index(drop=True), kpis=kpis)

    def note(self, kpi: str, lang: str | None = None) -> str:
        """One sentence for the report: where the county value of ``kpi`` comes from."""
        row = self.sources[self.sources["kpi"] == kpi]
        if row.empty:
            return ""
        r = row.iloc[0]
        if r["source"] == "kolada":
            return t("kolada_county_from_kolada", lang, first=r["first"], last=r["last"])
        if r["source"] == "computed":
            key = "kolada_county_computed_exact" if r["exact"] else "kolada_county_computed_approx"
            text = t(
                key, lang, weights=_weight_text(r["weight"], lang), first=r["first"], last=r["last"]
            )
            if r["years_left_out"]:
                text += " " + t("kolada_county_years_left_out", lang, years=r["years_left_out"])
            return text
        return t(f"kolada_county_none_{r['reason']}", lang, weights=_weight_text(r["weight"], lang))

    def notes(self, kpis: Sequence[str] | None = None, lang: str | None = None) -> list[str]:
        """``"<kpi>: <note>"`` for every KPI (or those given) whose county value is not Kolada's."""
        rows = self.sources if kpis is None else self.sources[self.sources["kpi"].isin(kpis)]
        return [
            f"{r.kpi}: {self.note(r.kpi, lang)}"
            for r in rows.itertuples(index=False)
            if r.source != "kolada"
        ]


def _weight_text(weight: str, lang: str | None) -> str:
    """``N01919`` -> ``invånare 0–19 år (N01919)``; a run of single years is shortened."""
    ids = [w for w in str(weight).split("+") if w]
    if not ids:
        return ""
    known = [WEIGHTS.get(i) for i in ids]
    if len(ids) > 1 and all(known):
        first, last = known[0].title_sv, known[-1].title_sv
        ages = (first.split()[1], last.split()[1])  # "Invånare 7 år, antal" -> "7"
        return t("kolada_weight_ages", lang, first=ages[0], last=ages[1], ids=f"{ids[0]}–{ids[-1]}")
    names = []
    for i, spec in zip(ids, known, strict=True):
        label = (
            spec.title_en
            if (lang or get_language()) == "en" and spec
            else (spec.title_sv.removesuffix(", antal") if spec else i)
        )
        names.append(f"{label.lower()} ({i})" if spec else i)
    return ", ".join(names)


def _years_text(years: Sequence[int]) -> str:
    return ", ".join(str(y) for y in years)


def county_line(
    indicators: pd.DataFrame,
    kpis: pd.DataFrame,
    municipalities: pd.DataFrame,
    county_code: str = REGION_CODE,
) -> CountyLine:
    """The county line of every KPI of ``kpis`` that is not a weight (see the module notes).

    ``municipalities`` are the county's municipalities (code column ``municipality_code``);
    a computed value needs every one of them.
    """
    codes = [str(c) for c in municipalities["municipality_code"]]
    role = roles(kpis)
    weights = _weights(kpis)
    area = dict(zip(kpis["kpi"].astype(str), _column(kpis, "area_type"), strict=True))
    total = indicators[indicators["gender"] == "T"]
    values: list[pd.DataFrame] = []
    sources: list[dict[str, Any]] = []
    for kpi in [k for k, r in role.items() if r != "weight"]:
        part = total[total["kpi"] == kpi]
        weight = weights.get(kpi, ())
        row = {
            "kpi": kpi,
            "source": "none",
            "area_type": area.get(kpi, ""),
            "weight": "+".join(weight),
            "exact": _exact(kpi, weight),
            "first": pd.NA,
            "last": pd.NA,
            "years_left_out": "",
            "reason": "",
        }
        own = part[part["municipality_code"] == county_code]
        if len(own):
            years = own["period"].astype(int)
            row.update(source="kolada", first=int(years.min()), last=int(years.max()))
            values.append(
                pd.DataFrame(
                    {
                        "kpi": kpi,
                        "period": years.to_numpy(),
                        "value": own["value"].to_numpy(),
                        "source": "kolada",
                        "n_municipalities": pd.NA,
                        "method": "Kolada",
                    }
                )
            )
        elif not weight:
            row["reason"] = "municipal_only" if row["area_type"] in ("K", "") else "no_county_rows"
        else:
            computed, left_out = _weighted(part, total, weight, codes)
            if computed is None:
                row["reason"] = "weights_missing"
            elif computed.empty:
                row["reason"] = "incomplete"
            else:
                row.update(
                    source="computed",
                    first=int(computed["period"].min()),
                    last=int(computed["period"].max()),
                    years_left_out=_years_text(left_out),
                )
                method = METHOD.format(n=len(codes), weights="+".join(weight))
                values.append(
                    computed.assign(
                        kpi=kpi, source="computed", n_municipalities=len(codes), method=method
                    )
                )
        sources.append(row)
    frame = (
        pd.concat(values, ignore_index=True)[VALUE_COLUMNS]
        if values
        else pd.DataFrame(columns=VALUE_COLUMNS)
    )
    frame = frame.astype({"kpi": "str", "period": "int64", "value": "float64", "source": "str"})
    return CountyLine(values=frame, sources=pd.DataFrame(sources, columns=SOURCE_COLUMNS))


def _weighted(
    part: pd.DataFrame, total: pd.DataFrame, weight: tuple[str, ...], codes: list[str]
) -> tuple[pd.DataFrame | None, list[int]]:
    """(period, value) of the weighted mean in complete years, and the years left out.

    ``None`` when a weight KPI is absent from the data altogether.
    """
    counts = total[total["kpi"].isin(weight) & total["municipality_code"].isin(codes)]
    if set(weight) - set(counts["kpi"]):
        return None, []
    # a municipality's weight in a year: the sum of the weight KPIs, only when all are there
    w = counts.pivot_table(
        index=["municipality_code", "period"], columns="kpi", values="value", aggfunc="first"
    ).reindex(columns=list(weight))
    w = w.sum(axis=1, min_count=len(weight)).rename("weight")
    v = part[part["municipality_code"].isin(codes)].set_index(["municipality_code", "period"])[
        "value"
    ]
    both = pd.concat([v, w], axis=1, join="outer").dropna()
    both = both[both["weight"] > 0].reset_index()
    years = sorted(set(part["period"].astype(int)))
    complete = both.groupby("period")["municipality_code"].nunique()
    complete = set(complete[complete == len(codes)].index.astype(int))
    both = both[both["period"].astype(int).isin(complete)]
    if both.empty:
        return pd.DataFrame(columns=["period", "value"]), years
    # sum(value_i * count_i) / sum(count_i): with the KPI's own denominator as count this is
    # sum(numerator_i) / sum(denominator_i), the county's ratio
    grouped = both.assign(product=both["value"] * both["weight"]).groupby("period")
    out = (grouped["product"].sum() / grouped["weight"].sum()).rename("value").reset_index()
    out["period"] = out["period"].astype("int64")
    return out, [y for y in years if y not in complete]


def indicator_sections(
    kpis: pd.DataFrame, present: Sequence[str] | None = None, lang: str | None = None
) -> list[tuple[str, list[str]]]:
    """``[(heading, [kpi, ...])]``: one section per focus area (in the programme's order), then
    the context KPIs. Weights are left out; ``present`` keeps only KPIs with data."""
    role = roles(kpis)
    area = dict(zip(kpis["kpi"].astype(str), _column(kpis, "focus_area"), strict=True))
    keep = [
        k
        for k in kpis["kpi"].astype(str)
        if role[k] != "weight" and (present is None or k in set(present))
    ]
    sections = []
    for focus in FOCUS_AREAS:
        ids = [k for k in keep if role[k] == "outcome" and area[k] == focus]
        sections.append((t("kolada_section_focus", lang, area=t(focus, lang).capitalize()), ids))
    other = [k for k in keep if role[k] == "outcome" and area[k] not in FOCUS_AREAS]
    if other:
        sections.append((t("kolada_section_other", lang), other))
    context = [k for k in keep if role[k] == "context"]
    if context:
        sections.append((t("kolada_section_context", lang), context))
    return sections


def catalogue_table(
    specs: Sequence[KpiSpec], meta: dict[str, dict[str, Any]] | None = None, lang: str | None = None
) -> pd.DataFrame:
    """The catalogue as ``workbook kolada status`` lists it: id, area type, gender split, role,
    focus area, county value, title. Kolada's fetched metadata (``meta``) wins over the
    catalogue's recorded facts where it has them."""
    meta = meta or {}
    yes, no = t("yes", lang), t("no", lang)
    rows = []
    for spec in specs:
        info = meta.get(spec.kpi, {})
        area = str(info.get("municipality_type") or spec.area_type or "?")
        split = info.get("is_divided_by_gender", spec.gender_split)
        if spec.role == "weight":
            county = "–"
        elif area in ("A", "L"):
            county = "Kolada"
        elif spec.county_weight:
            county = t(
                "kolada_county_short_computed",
                lang,
                weights=f"{spec.county_weight[0]}"
                + (f"–{spec.county_weight[-1]}" if len(spec.county_weight) > 1 else ""),
            )
        else:
            county = t("kolada_county_short_none", lang)
        rows.append(
            {
                "KPI": spec.kpi,
                t("kolada_col_area_type", lang): area,
                t("kolada_col_gender", lang): "?" if split is None else (yes if split else no),
                t("kolada_col_role", lang): t(f"kolada_role_{spec.role}", lang),
                t("kolada_col_focus", lang): spec.focus_area or "–",
                t("kolada_col_county", lang): county,
                t("kolada_col_title", lang): (info.get("title") or spec.title_sv),
            }
        )
    return pd.DataFrame(rows)
