"""Labels of the change menu, the spread of changes and the stories (issue 17; keys prefixed
``menu_``, ``spread_`` and ``story_``)."""

from __future__ import annotations

LABELS = {
    # the change menu (analysis/views/change_menu.py)
    "menu_title": {
        "sv": "Förändringsmeny: nätverkets testade förändringar",
        "en": "Change menu: the changes the network has tested",
    },
    "menu_intro": {
        "sv": "{ideas} förändringsidéer har testats av {teams} team i {cycles} PDSA-cykler. "
        "{shared} av idéerna har testats av mer än ett team.",
        "en": "{ideas} change ideas have been tested by {teams} teams in {cycles} PDSA cycles. "
        "{shared} of the ideas have been tested by more than one team.",
    },
    "menu_none": {
        "sv": "Inget team har testat någon förändring ännu (changes.csv är tom).",
        "en": "No team has tested a change yet (changes.csv is empty).",
    },
    "menu_how_ideas": {
        "sv": "Samma idé: förändringar med samma id i kolumnen idea i changes.csv räknas som en "
        "idé; utan id är förändringens titel idén (utan hänsyn till stora och små bokstäver, "
        "skiljetecken och mellanslag). En PDSA-cykel är en rad i PDSA-loggen.",
        "en": "The same idea: changes with the same id in the idea column of changes.csv count "
        "as one idea; without an id the change's title is the idea (ignoring case, punctuation "
        "and spaces). A PDSA cycle is one row of the PDSA log.",
    },
    "menu_how_verdicts": {
        "sv": "Effekten är samma bedömning som i teamets effektrapport (förbättring, ingen "
        "säkerställd skillnad, för tidigt att bedöma ...), för varje mått förändringen ska "
        "påverka. Förändringar som startade nära varandra bedöms tillsammans.",
        "en": "The effect is the same verdict as in the team's effect report (improvement, no "
        "established difference, too early to judge ...), for each measure the change is meant "
        "to move. Changes that started close together are judged together.",
    },
    "menu_shared_section": {
        "sv": "Idéer som testats av flera team",
        "en": "Ideas tested by several teams",
    },
    "menu_shared_none": {
        "sv": "Ingen idé har ännu testats av mer än ett team.",
        "en": "No idea has been tested by more than one team yet.",
    },
    "menu_shared_caption": {
        "sv": "{idea}: teamen sida vid sida",
        "en": "{idea}: the teams side by side",
    },
    "menu_by_area_section": {
        "sv": "Förändringar per fokusområde och drivkraft",
        "en": "Changes by focus area and driver",
    },
    "menu_area_caption": {
        "sv": "Testade förändringar inom {area}, ordnade efter drivkraft",
        "en": "Changes tested in {area}, ordered by driver",
    },
    "menu_col_aspect": {"sv": "Jämförelse", "en": "Comparison"},
    "menu_col_idea": {"sv": "Förändring", "en": "Change"},
    "menu_col_team": {"sv": "Team", "en": "Team"},
    "menu_col_area": {"sv": "Fokusområde", "en": "Focus area"},
    "menu_col_driver": {"sv": "Drivkraft", "en": "Driver"},
    "menu_col_start": {"sv": "Start", "en": "Started"},
    "menu_col_cycles": {"sv": "PDSA-cykler", "en": "PDSA cycles"},
    "menu_col_step": {"sv": "Senaste steg", "en": "Latest step"},
    "menu_col_effect": {"sv": "Effekt på mått", "en": "Effect on measures"},
    "menu_col_spread": {"sv": "Spridning", "en": "Spread"},
    "menu_col_report": {"sv": "Teamrapport", "en": "Team report"},
    "menu_no_driver": {"sv": "(ingen påverkansanalys)", "en": "(no driver diagram)"},
    "menu_no_verdict": {"sv": "inget mått bedömt", "en": "no measure judged"},
    "menu_together": {"sv": "bedömd med {nos}", "en": "judged with {nos}"},
    "menu_report_link": {"sv": "Effektrapport", "en": "Effect report"},
    "menu_spread_units": {"sv": "{adopted} av {units} enheter", "en": "{adopted} of {units} units"},
    "menu_spread_none": {"sv": "–", "en": "–"},
    "menu_spread_section": {"sv": "Spridning över tid", "en": "Spread over time"},
    "menu_spread_none_text": {
        "sv": "Ingen spridning registrerad (spread.csv saknas eller är tom).",
        "en": "No spread recorded (spread.csv is absent or empty).",
    },
    "menu_spread_alt": {
        "sv": "Stegdiagram: antal enheter som infört varje förändring över tid",
        "en": "Step chart: the number of units that adopted each change over time",
    },
    "menu_idea_spread_alt": {
        "sv": "Stegdiagram: enheter som infört {idea} över tid, per team",
        "en": "Step chart: units that adopted {idea} over time, by team",
    },
    # spread (spread.csv)
    "spread_axis": {"sv": "Enheter som infört", "en": "Units adopting"},
    "spread_series": {"sv": "{team}: {no}. {title}", "en": "{team}: {no}. {title}"},
    "spread_series_team": {"sv": "{team}", "en": "{team}"},
    "spread_text": {
        "sv": "Spridning av förändring {no} ({title}): {adopted} av {units} enheter har infört "
        "den ({date}).",
        "en": "Spread of change {no} ({title}): {adopted} of {units} units have adopted it "
        "({date}).",
    },
    "spread_alt": {
        "sv": "Stegdiagram: enheter som infört förändringarna för {measure} över tid",
        "en": "Step chart: units that adopted the changes for {measure} over time",
    },
    "spread_method": {
        "sv": "Spridning: en enhet (klass, familjecentral, skola) räknas från datum då den "
        "infört förändringen tills en senare rad säger att den slutat (spread.csv).",
        "en": "Spread: a unit (a class, a family centre, a school) counts from the date it "
        "adopted the change until a later row says it stopped (spread.csv).",
    },
    # stories (stories.csv)
    "story_marker": {"sv": "B{no}", "en": "S{no}"},
    "story_section": {"sv": "Berättelser", "en": "Stories"},
    "story_item_full": {
        "sv": "B{no} ({date}, {teller}): {title}. {text}",
        "en": "S{no} ({date}, {teller}): {title}. {text}",
    },
    "story_item_short": {
        "sv": "B{no} ({date}, berättad av {teller})",
        "en": "S{no} ({date}, told by {teller})",
    },
    "story_hidden_note": {
        "sv": "Berättelsernas rubrik och text visas inte: fri text visas bara när "
        "privacy.show_free_text är true i workbook.yml. Berättelser utan samtycke visas aldrig.",
        "en": "The stories' titles and texts are not shown: free text is shown only when "
        "privacy.show_free_text is true in workbook.yml. Stories without consent are never "
        "shown.",
    },
    "story_consent_note": {
        "sv": "Berättelserna visas med berättarens samtycke och med berättarens roll, aldrig "
        "namn. Berättelser utan samtycke visas aldrig.",
        "en": "The stories are shown with the teller's consent and with the teller's role, "
        "never a name. Stories without consent are never shown.",
    },
    "story_chart_legend": {"sv": "Berättelse", "en": "Story"},
    "story_other_section": {
        "sv": "Berättelser som inte hör till ett mått",
        "en": "Stories not tied to a measure",
    },
    "story_poster_full": {
        "sv": "Berättelse ({teller}, {date}): \u201d{title}\u201d",
        "en": "Story ({teller}, {date}): \u201c{title}\u201d",
    },
    "story_poster_short": {
        "sv": "Berättelse ({teller}, {date}) vid måttet {measure}",
        "en": "Story ({teller}, {date}) beside the measure {measure}",
    },
    "story_poster_short_plain": {
        "sv": "Berättelse ({teller}, {date})",
        "en": "Story ({teller}, {date})",
    },
    "story_teller_child": {"sv": "barn", "en": "child"},
    "story_teller_young_person": {"sv": "ungdom/elev", "en": "young person"},
    "story_teller_parent": {"sv": "förälder", "en": "parent"},
    "story_teller_staff": {"sv": "personal", "en": "staff member"},
    "story_teller_teacher": {"sv": "lärare", "en": "teacher"},
    "story_teller_nurse": {"sv": "sjuksköterska", "en": "nurse"},
    "story_teller_other": {"sv": "annan", "en": "other"},
    "index_kind_change_menu": {"sv": "Förändringsmeny", "en": "Change menu"},
    "index_title_change_menu": {
        "sv": "Förändringsmeny: testade förändringar, effekter och spridning",
        "en": "Change menu: tested changes, effects and spread",
    },
}
