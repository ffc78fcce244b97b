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
}
