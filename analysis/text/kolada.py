"""Labels of the Kolada client (``analysis.kolada``): messages, provenance and KPI titles."""

LABELS: dict[str, dict[str, str]] = {
    # What a fetch says when it fails; the first part is what the issue asks for word by word.
    "kolada_unreachable": {
        "sv": "kunde inte nå Kolada",
        "en": "could not reach Kolada",
    },
    "kolada_api_error": {
        "sv": "Kolada svarade med ett fel",
        "en": "Kolada answered with an error",
    },
    "kolada_cache_used": {
        "sv": "rapporterna använder den senast hämtade datan från {date}",
        "en": "the reports use the data last fetched on {date}",
    },
    "kolada_no_cache": {
        "sv": "det finns ingen tidigare hämtad data, så rapporterna visar inga länsindikatorer från Kolada",
        "en": "there is no earlier fetch, so the reports show no county indicators from Kolada",
    },
    "kolada_fetched": {
        "sv": "Hämtade {rows} värden ({kpis} nyckeltal, {municipalities} kommuner/regioner, "
        "{first}–{last}) från Kolada {api} till {path}",
        "en": "Fetched {rows} values ({kpis} KPIs, {municipalities} municipalities/regions, "
        "{first}–{last}) from Kolada {api} into {path}",
    },
    "kolada_status": {
        "sv": "Senaste hämtning från Kolada {api}: {date} ({rows} värden, nyckeltal {kpis})",
        "en": "Last fetch from Kolada {api}: {date} ({rows} values, KPIs {kpis})",
    },
    "kolada_status_none": {
        "sv": "Ingen hämtning från Kolada ännu (kör: workbook kolada fetch)",
        "en": "Nothing fetched from Kolada yet (run: workbook kolada fetch)",
    },
    "kolada_status_changed": {
        "sv": "varning: filerna i {path} stämmer inte med fetch.json (ändrade för hand?)",
        "en": "warning: the files in {path} do not match fetch.json (edited by hand?)",
    },
    # Provenance line of a report.
    "kolada_source": {"sv": "Källa: Kolada (RKA)", "en": "Source: Kolada (RKA)"},
    "kolada_provenance": {
        "sv": "Länsindikatorer: Kolada (RKA), API {api}, hämtade {date}",
        "en": "County indicators: Kolada (RKA), API {api}, fetched {date}",
    },
    # Levels of the areas fetched.
    "kolada_level_municipality": {"sv": "kommun", "en": "municipality"},
    "kolada_level_region": {"sv": "region", "en": "region"},
    "kolada_level_country": {"sv": "riket", "en": "whole country"},
    # A KPI that Kolada answered with no values at all (an unknown or unpublished KPI).
    "kolada_no_values": {
        "sv": "Kolada har inga värden för {kpis} {first}–{last} (okänt nyckeltal, eller inget "
        "publicerat för de valda kommunerna och åren)",
        "en": "Kolada has no values for {kpis} {first}–{last} (an unknown KPI, or nothing "
        "published for the areas and years asked for)",
    },
    "kolada_status_changes": {
        "sv": "Kolada svarade annorlunda än katalogen vid senaste hämtningen:",
        "en": "At the last fetch Kolada answered differently from the catalogue:",
    },
    "kolada_status_catalogue": {
        "sv": "Katalogen (workbook.yml kolada.kpis och vikterna de behöver):",
        "en": "The catalogue (workbook.yml kolada.kpis and the weights they need):",
    },
    # workbook kolada status: the catalogue's columns
    "kolada_col_area_type": {"sv": "typ", "en": "type"},
    "kolada_col_gender": {"sv": "kön", "en": "by sex"},
    "kolada_col_role": {"sv": "roll", "en": "role"},
    "kolada_col_focus": {"sv": "fokusområde", "en": "focus area"},
    "kolada_col_county": {"sv": "länsvärde", "en": "county value"},
    "kolada_col_title": {"sv": "titel (Kolada)", "en": "title (Kolada)"},
    "kolada_role_outcome": {"sv": "utfall", "en": "outcome"},
    "kolada_role_context": {"sv": "sammanhang", "en": "context"},
    "kolada_role_weight": {"sv": "vikt", "en": "weight"},
    "kolada_county_short_computed": {"sv": "beräknat ({weights})", "en": "computed ({weights})"},
    "kolada_county_short_none": {"sv": "inget", "en": "none"},
    "kolada_status_legend": {
        "sv": "typ: K = Kolada publicerar bara kommunvärden, L = bara regionvärden, A = båda. "
        "kön: Kolada redovisar kvinnor och män.",
        "en": "type: K = Kolada publishes municipal values only, L = regional only, A = both. "
        "by sex: Kolada gives women and men.",
    },
    # The county reports: sections and where the county value comes from
    "kolada_section_focus": {"sv": "{area}", "en": "{area}"},
    "kolada_section_empty": {
        "sv": "Data har ingen indikator för fokusområdet.",
        "en": "The data hold no indicator for this focus area.",
    },
    "kolada_section_other": {"sv": "Övriga indikatorer", "en": "Other indicators"},
    "kolada_section_context": {
        "sv": "Sammanhang (bestämningsfaktorer, inte utfall i ett fokusområde)",
        "en": "Context (determinants, not outcomes of a focus area)",
    },
    "kolada_county_from_kolada": {
        "sv": "Länets värde: Region Jönköpings län enligt Kolada ({first}–{last}).",
        "en": "County value: Region Jönköpings län as Kolada publishes it ({first}–{last}).",
    },
    "kolada_county_computed_exact": {
        "sv": "Länets värde är beräknat, inte Koladas: Kolada publicerar nyckeltalet bara för "
        "kommuner. Det är kommunernas medelvärde {first}–{last} vägt med {weights}; vikten "
        "är nyckeltalets egen nämnare, så värdet är länets andel.",
        "en": "The county value is computed, not Kolada's: Kolada publishes this KPI for "
        "municipalities only. It is the municipalities' mean {first}–{last} weighted by "
        "{weights}; the weight is the KPI's own denominator, so this is the county's ratio.",
    },
    "kolada_county_computed_approx": {
        "sv": "Länets värde är beräknat, inte Koladas: Kolada publicerar nyckeltalet bara för "
        "kommuner. Det är kommunernas medelvärde {first}–{last} vägt med {weights}, ett "
        "närmevärde eftersom nyckeltalets nämnare inte är exakt den befolkningen.",
        "en": "The county value is computed, not Kolada's: Kolada publishes this KPI for "
        "municipalities only. It is the municipalities' mean {first}–{last} weighted by "
        "{weights}, an approximation because the KPI's denominator is not exactly that "
        "population.",
    },
    "kolada_county_years_left_out": {
        "sv": "År där någon kommun saknar värde eller antal har inget länsvärde: {years}.",
        "en": "Years in which a municipality lacks a value or a count have no county value: "
        "{years}.",
    },
    "kolada_county_none_municipal_only": {
        "sv": "Inget länsvärde: Kolada publicerar nyckeltalet bara för kommuner, och det finns "
        "inget antal att väga ihop kommunerna med.",
        "en": "No county value: Kolada publishes this KPI for municipalities only, and there is "
        "no count to weigh the municipalities together with.",
    },
    "kolada_county_none_weights_missing": {
        "sv": "Inget länsvärde: Kolada publicerar nyckeltalet bara för kommuner, och "
        "befolkningen att väga med ({weights}) finns inte i data.",
        "en": "No county value: Kolada publishes this KPI for municipalities only, and the "
        "population to weigh with ({weights}) is not in the data.",
    },
    "kolada_county_none_incomplete": {
        "sv": "Inget länsvärde: Kolada publicerar nyckeltalet bara för kommuner, och inget år "
        "har värden och befolkning för alla länets kommuner.",
        "en": "No county value: Kolada publishes this KPI for municipalities only, and no year "
        "has values and population for every municipality of the county.",
    },
    "kolada_county_none_no_county_rows": {
        "sv": "Inget länsvärde: data har inget värde för Region Jönköpings län (0006).",
        "en": "No county value: the data hold no value for Region Jönköpings län (0006).",
    },
    "kolada_weight_ages": {
        "sv": "invånare {first}–{last} år ({ids})",
        "en": "residents aged {first}–{last} ({ids})",
    },
    "kolada_county_notes_intro": {
        "sv": "Länets värde där Kolada inte har något:",
        "en": "The county value where Kolada has none:",
    },
}
