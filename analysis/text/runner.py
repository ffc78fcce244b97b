"""Labels of the report index (``outputs/index.html``) written by ``workbook run``."""

LABELS = {
    "runner_index_title": {"sv": "Rapporter", "en": "Reports"},
    "runner_generated": {"sv": "Senast uppdaterad {time}", "en": "Last updated {time}"},
    "index_intro": {
        "sv": "Rapporterna om hela nätverket först, sedan varje team med sina rapporter.",
        "en": "The reports on the whole network first, then each team with its reports.",
    },
    "index_network": {
        "sv": "Länet, enkäter, mål och förändringsmeny",
        "en": "County, surveys, goals and change menu",
    },
    "index_teams": {"sv": "Teamen", "en": "The teams"},
    "index_kind_county": {"sv": "Nuläge", "en": "Baseline"},
    "index_kind_team_baseline": {"sv": "Nuläge", "en": "Baseline"},
    "index_kind_team_effects": {"sv": "Effekter", "en": "Effects"},
    "index_kind_survey": {"sv": "Enkät", "en": "Survey"},
    "index_kind_gap_analysis": {"sv": "Målanalys", "en": "Goal analysis"},
    "index_title_county": {
        "sv": "Nuläge i länet: alla team och indikatorer",
        "en": "Baseline of the county: every team and indicator",
    },
    "index_title_team_baseline": {
        "sv": "Var teamet står i dag",
        "en": "Where the team stands today",
    },
    "index_title_team_effects": {
        "sv": "Har förändringarna gett effekt?",
        "en": "Have the changes made a difference?",
    },
    "index_title_survey": {"sv": "Enkät", "en": "Survey"},
    "index_title_gap_analysis": {
        "sv": "Målen för länet: var vi står och vad som återstår",
        "en": "The county's goals: where we stand and what remains",
    },
    "index_param_year": {"sv": "år {year}", "en": "year {year}"},
    "index_cohort": {"sv": "kohort {cohort}", "en": "cohort {cohort}"},
    "index_region": {"sv": "Region Jönköpings län", "en": "Region Jönköping County"},
    "index_language_sv": {"sv": "Svenska", "en": "Swedish"},
    "index_language_en": {"sv": "Engelska", "en": "English"},
    "index_no_version": {"sv": "(ingen rapport ännu)", "en": "(no report yet)"},
    "index_failed": {
        "sv": "{failed} rapporter kunde inte byggas i senaste körningen; se Körningsdetaljer längst ned.",
        "en": "{failed} reports could not be built in the last run; see Run details at the bottom.",
    },
    "index_failed_one": {
        "sv": "1 rapport kunde inte byggas i senaste körningen; se Körningsdetaljer längst ned.",
        "en": "1 report could not be built in the last run; see Run details at the bottom.",
    },
    "runner_details": {"sv": "Körningsdetaljer", "en": "Run details"},
    "runner_details_caption": {
        "sv": "Varje rapport i senaste körningen",
        "en": "Every report in the last run",
    },
    "runner_report": {"sv": "Rapport", "en": "Report"},
    "runner_language": {"sv": "Språk", "en": "Language"},
    "runner_summary": {
        "sv": "{total} rapporter: {ok} klara, {reused} oförändrade, {failed} misslyckade.",
        "en": "{total} reports: {ok} built, {reused} unchanged, {failed} failed.",
    },
    "runner_summary_pending": {"sv": "{pending} ej körda.", "en": "{pending} not run."},
    "runner_interrupted": {
        "sv": "Körningen stoppades {time} innan alla rapporter var byggda. De som inte hann byggas "
        "visar sin senaste lyckade version, markerad som inaktuell, eller saknas.",
        "en": "The run was stopped at {time} before every report was built. Those not built show "
        "their last good version, marked out of date, or are missing.",
    },
    "runner_unfinished": {
        "sv": "Körningen som startade {time} har inte avslutats: den pågår eller avbröts. Rapporter "
        "markerade ”ej körd” är inte byggda från aktuella data.",
        "en": "The run that started at {time} has not finished: it is still going or was killed. "
        "Reports marked “not run” are not built from the current data.",
    },
    "runner_status": {"sv": "Status", "en": "Status"},
    "runner_status_ok": {"sv": "klar", "en": "built"},
    "runner_status_reused": {"sv": "oförändrad", "en": "unchanged"},
    "runner_status_failed": {"sv": "misslyckades", "en": "failed"},
    "runner_status_pending": {"sv": "ej körd", "en": "not run"},
    "runner_stale": {"sv": "inaktuell", "en": "out of date"},
    "runner_stale_note": {
        "sv": "Visar senaste lyckade version från {time}.",
        "en": "Showing the last good version from {time}.",
    },
    "runner_no_report": {
        "sv": "Ingen lyckad version finns ännu.",
        "en": "No good version exists yet.",
    },
    "runner_last_success": {"sv": "Senast lyckad", "en": "Last success"},
    "runner_last_run": {"sv": "Senast körd", "en": "Last run"},
    "runner_duration": {"sv": "Körtid", "en": "Duration"},
    "runner_seconds": {"sv": "{value} s", "en": "{value} s"},
    "runner_parameters": {"sv": "Parametrar", "en": "Parameters"},
    "runner_notebook": {"sv": "Notebook", "en": "Notebook"},
    "runner_source": {"sv": "Datakälla", "en": "Data source"},
    "runner_source_sample": {"sv": "exempeldata (syntetiska)", "en": "sample data (synthetic)"},
    "runner_source_raw": {"sv": "verkliga data", "en": "real data"},
    "runner_size": {"sv": "Storlek", "en": "Size"},
    "runner_error": {"sv": "Fel", "en": "Error"},
    "runner_executed": {
        "sv": "Körd notebook (med felspårning)",
        "en": "Executed notebook (with traceback)",
    },
    "runner_open": {"sv": "Öppna rapporten", "en": "Open the report"},
    "runner_none": {"sv": "inga", "en": "none"},
    "runner_sample_banner": {
        "sv": "Rapporterna bygger på syntetiska exempeldata (skapade av analysis/sample), inte på verkliga mätningar.",
        "en": "The reports are built from synthetic sample data (generated by analysis/sample), not real measurements.",
    },
}
