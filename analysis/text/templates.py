"""Labels of the teams' data-entry templates (``workbook template``): sheets, columns, instructions."""

LABELS = {
    # sheet names (at most 31 characters, none of []:*?/\)
    "tpl_sheet_instructions": {"sv": "Instruktioner", "en": "Instructions"},
    "tpl_sheet_team": {"sv": "Team", "en": "Team"},
    "tpl_sheet_pdsa": {"sv": "PDSA-logg", "en": "PDSA log"},
    "tpl_sheet_new_measure": {"sv": "Mått {n}", "en": "Measure {n}"},
    # the Team sheet
    "tpl_team_title": {"sv": "Teamets uppgifter", "en": "The team"},
    "tpl_team_id": {"sv": "Team-id", "en": "Team id"},
    "tpl_team_name": {"sv": "Teamets namn", "en": "Team name"},
    "tpl_municipality": {"sv": "Kommun", "en": "Municipality"},
    "tpl_focus_area": {"sv": "Fokusområde", "en": "Focus area"},
    "tpl_cohort": {"sv": "Omgång (år)", "en": "Cohort (year)"},
    "tpl_start_date": {"sv": "Startdatum", "en": "Start date"},
    "tpl_aim": {"sv": "Mål (hur bra, till när?)", "en": "Aim (how good, by when?)"},
    "tpl_help_team_id": {
        "sv": "små bokstäver a–z, siffror och _ (t.ex. nassjo_fc); ändras aldrig",
        "en": "lower-case a–z, digits and _ (e.g. nassjo_fc); never changes",
    },
    "tpl_help_municipality": {
        "sv": "välj i listan (0006 = hela länet)",
        "en": "pick from the list (0006 = the whole county)",
    },
    "tpl_help_pick": {"sv": "välj i listan", "en": "pick from the list"},
    "tpl_help_date": {"sv": "datum, t.ex. 2025-09-01", "en": "a date, e.g. 2025-09-01"},
    # a measure sheet
    "tpl_measure_title": {"sv": "Mått: {name}", "en": "Measure: {name}"},
    "tpl_measure_title_new": {
        "sv": "Mått {n} (fyll i uppgifterna nedan)",
        "en": "Measure {n} (fill in the details below)",
    },
    "tpl_measure_id": {"sv": "Mått-id", "en": "Measure id"},
    "tpl_measure_name": {"sv": "Måttets namn", "en": "Measure name"},
    "tpl_measure_type": {"sv": "Typ av mått", "en": "Kind of measure"},
    "tpl_chart": {"sv": "Diagram", "en": "Chart"},
    "tpl_unit": {"sv": "Enhet", "en": "Unit"},
    "tpl_frequency": {"sv": "Mäts varje", "en": "Measured every"},
    "tpl_direction": {"sv": "Förbättring är", "en": "Improvement is"},
    "tpl_target": {"sv": "Målvärde", "en": "Target"},
    "tpl_help_measure_id": {
        "sv": "små bokstäver a–z, siffror och _ (t.ex. narvaro)",
        "en": "lower-case a–z, digits and _ (e.g. attendance)",
    },
    "tpl_help_chart": {
        "sv": "p = andel (täljare av nämnare), u = antal per enhet, c = antal, "
        "i = mätvärde, run = serie utan gränser",
        "en": "p = share (numerator of denominator), u = count per unit, c = count, "
        "i = measured value, run = series without limits",
    },
    "tpl_help_target": {
        "sv": "valfritt; en andel som 0,9 för 90 %",
        "en": "optional; a share as 0.9 for 90 %",
    },
    "tpl_period": {"sv": "Period", "en": "Period"},
    "tpl_value": {"sv": "Värde", "en": "Value"},
    "tpl_numerator": {"sv": "Täljare", "en": "Numerator"},
    "tpl_denominator": {"sv": "Nämnare", "en": "Denominator"},
    "tpl_not_used": {"sv": "(används inte)", "en": "(not used)"},
    "tpl_table_note_ratio": {
        "sv": "Skriv täljare och nämnare som heltal. Lämna raden tom om ni "
        "inte mätte den perioden.",
        "en": "Type the numerator and denominator as whole numbers. Leave "
        "the row empty if you did not measure that period.",
    },
    "tpl_table_note_value": {
        "sv": "Skriv ett värde per period. Lämna raden tom om ni inte mätte den perioden.",
        "en": "Type one value per period. Leave the row empty if you did not measure that period.",
    },
    "tpl_table_note_new": {
        "sv": "Andelar (p) och antal per enhet (u): täljare och nämnare. Övriga "
        "diagram: värde. Lämna raden tom om ni inte mätte.",
        "en": "Shares (p) and counts per unit (u): numerator and denominator. "
        "Other charts: value. Leave the row empty if you did not measure.",
    },
    # choice words shown in the drop-downs (read back in either language)
    "tpl_type_process": {"sv": "processmått", "en": "process"},
    "tpl_type_outcome": {"sv": "resultatmått", "en": "outcome"},
    "tpl_type_balancing": {"sv": "balansmått", "en": "balancing"},
    "tpl_freq_month": {"sv": "månad", "en": "month"},
    "tpl_freq_week": {"sv": "vecka", "en": "week"},
    "tpl_dir_up": {"sv": "högre värde", "en": "a higher value"},
    "tpl_dir_down": {"sv": "lägre värde", "en": "a lower value"},
    "tpl_step_plan": {"sv": "planera", "en": "plan"},
    "tpl_step_do": {"sv": "göra", "en": "do"},
    "tpl_step_study": {"sv": "studera", "en": "study"},
    "tpl_step_act": {"sv": "agera", "en": "act"},
    # the PDSA sheet
    "tpl_pdsa_title": {
        "sv": "PDSA-logg (PGSA-hjul): en rad per förändring ni testar",
        "en": "PDSA log: one row per change you test",
    },
    "tpl_change_no": {"sv": "Nr", "en": "No"},
    "tpl_change_date": {"sv": "Startdatum", "en": "Start date"},
    "tpl_change_title": {"sv": "Förändring", "en": "Change"},
    "tpl_pdsa_step": {"sv": "PDSA-steg", "en": "PDSA step"},
    "tpl_change_measure": {"sv": "Påverkar mått {n}", "en": "Affects measure {n}"},
    "tpl_change_description": {"sv": "Beskrivning", "en": "Description"},
    "tpl_change_idea": {"sv": "Gemensam idé (id)", "en": "Shared idea (id)"},
    # data validation messages (Excel shows them while typing)
    "tpl_err_title": {"sv": "Värdet går inte att använda", "en": "The value cannot be used"},
    "tpl_err_whole": {
        "sv": "Skriv ett heltal, 0 eller större.",
        "en": "Type a whole number, 0 or more.",
    },
    "tpl_err_denominator": {
        "sv": "Skriv ett heltal, 1 eller större. Lämna cellen tom om det "
        "inte fanns något att mäta.",
        "en": "Type a whole number, 1 or more. Leave the cell empty if there "
        "was nothing to measure.",
    },
    "tpl_err_numerator": {
        "sv": "Skriv ett heltal, 0 eller större och inte större än nämnaren.",
        "en": "Type a whole number, 0 or more and not larger than the denominator.",
    },
    "tpl_err_number": {"sv": "Skriv ett tal (decimalkomma går bra).", "en": "Type a number."},
    "tpl_err_date": {
        "sv": "Skriv ett datum, t.ex. 2025-09-01.",
        "en": "Type a date, e.g. 2025-09-01.",
    },
    "tpl_err_list": {
        "sv": "Välj ett av alternativen i listan.",
        "en": "Pick one of the choices in the list.",
    },
    "tpl_err_year": {"sv": "Skriv ett årtal, t.ex. 2025.", "en": "Type a year, e.g. 2025."},
    # the instructions sheet
    "tpl_title_team": {"sv": "Mätmall för {team}", "en": "Data-entry template for {team}"},
    "tpl_title_new": {
        "sv": "Mätmall för ett nytt team",
        "en": "Data-entry template for a new team",
    },
    "tpl_intro": {
        "sv": "I den här filen fyller teamet i sina mätvärden och sin PDSA-logg. "
        "Analytikern läser in filen i arbetsboken, som gör diagram och rapporter av den.",
        "en": "In this file the team fills in its measurements and its PDSA log. The "
        "analyst reads the file into the workbook, which makes charts and reports "
        "of it.",
    },
    "tpl_how": {"sv": "Så här fyller ni i mallen", "en": "How to fill in the template"},
    "tpl_step_new": {
        "sv": "Fyll i fliken Team och, på varje mått-flik, rutorna överst: mått-id, "
        "namn, typ, diagram, enhet, hur ofta och åt vilket håll förbättring går. "
        "Använd så många mått-flikar som ni har mått; lämna de andra tomma.",
        "en": "Fill in the Team sheet and, on each measure sheet, the boxes at the top: "
        "measure id, name, kind, chart, unit, how often and which way is better. "
        "Use as many measure sheets as you have measures; leave the others empty.",
    },
    "tpl_step_values": {
        "sv": "Skriv mätvärdena på flikarna för varje mått, ett per period. "
        "Raderna är redan daterade; skriv bara i de vita cellerna.",
        "en": "Type the measurements on each measure's sheet, one per period. The "
        "rows are already dated; only type in the white cells.",
    },
    "tpl_step_ratio": {
        "sv": "Andelar: skriv täljare och nämnare som heltal (t.ex. 27 av 30). "
        "Täljaren kan inte vara större än nämnaren. Excel säger till direkt om "
        "ett värde inte är tillåtet.",
        "en": "Shares: type the numerator and the denominator as whole numbers (e.g. "
        "27 of 30). The numerator cannot be larger than the denominator. Excel "
        "tells you at once when a value is not allowed.",
    },
    "tpl_step_blank": {
        "sv": "En period utan mätning lämnas tom. Skriv inte 0 om ni inte mätte.",
        "en": "Leave a period without a measurement empty. Do not type 0 if you did not measure.",
    },
    "tpl_step_pdsa": {
        "sv": "PDSA-loggen: en rad per förändring ni testar, med startdatum. Välj "
        "PDSA-steg och de mått förändringen ska påverka i listorna. Testar ni en idé som "
        "andra team också testar, skriv nätverkets id för idén under Gemensam idé (id).",
        "en": "The PDSA log: one row per change you test, with its start date. Pick "
        "the PDSA step and the measures the change should move from the lists. When you "
        "test an idea other teams test too, write the network's id of the idea under Shared "
        "idea (id).",
    },
    "tpl_step_names": {
        "sv": "Byt inte namn på flikarna och flytta inte rubrikerna: arbetsboken "
        "hittar uppgifterna genom dem. Låsta celler är sådant som inte ska ändras.",
        "en": "Do not rename the sheets or move the headings: the workbook finds the "
        "data by them. Locked cells hold what should not change.",
    },
    "tpl_step_send": {
        "sv": "Spara filen som Excel-arbetsbok (.xlsx) och skicka den till analytikern.",
        "en": "Save the file as an Excel workbook (.xlsx) and send it to the analyst.",
    },
    "tpl_for_analyst": {"sv": "För analytikern", "en": "For the analyst"},
    "tpl_analyst": {
        "sv": "Lägg filen i data/raw/teams/ (eller datamappens teams/). Teamets rader "
        "läses då från filen i stället för från huvudtabellerna: ta bort teamets "
        "rader ur teams, measures, observations och changes, annars säger "
        "kontrollen till. `workbook check` anger fil, flik, rad och kolumn för "
        "allt som behöver rättas.",
        "en": "Put the file in data/raw/teams/ (or the data folder's teams/). The team's "
        "rows are then read from the file instead of the main tables: delete the "
        "team's rows from teams, measures, observations and changes, or the check "
        "says so. `workbook check` names the file, sheet, row and column of "
        "everything to correct.",
    },
    "tpl_made": {
        "sv": "Mallen gjordes {date} med perioder till och med {until}. Behöver ni fler "
        "rader: be analytikern göra en ny mall (mätvärdena följer med).",
        "en": "The template was made on {date} with periods up to {until}. Need more "
        "rows: ask the analyst for a new template (the measurements come along).",
    },
}
