"""Labels of ``workbook check`` and of the data problems it lists (``analysis.io.Problem``):
said in the language of ``workbook.yml``. ``{value}`` is the cell as written in the file."""

LABELS = {
    "check_row": {"sv": "rad", "en": "row"},
    "check_column": {"sv": "kolumn", "en": "column"},
    "check_warning": {"sv": "varning", "en": "warning"},
    "check_none_found": {
        "sv": "{folder}: inga problem hittades",
        "en": "{folder}: no problems found",
    },
    "check_warnings_to_look_at": {
        "sv": "; {warnings} varning(ar) att titta på",
        "en": "; {warnings} warning(s) to look at",
    },
    "check_errors_found": {
        "sv": "{errors} problem{also} i {folder}",
        "en": "{errors} problem(s){also} in {folder}",
    },
    "check_and_warnings": {"sv": " och {warnings} varning(ar)", "en": " and {warnings} warning(s)"},
    # columns
    "check_same_column": {
        "sv": "kolumnerna '{first}' och '{second}' betyder båda '{name}'",
        "en": "columns '{first}' and '{second}' both mean '{name}'",
    },
    "check_same_column_hint": {
        "sv": "behåll en av dem (ta bort eller byt namn på den andra)",
        "en": "keep one of them (delete or rename the other)",
    },
    "check_misspelt": {
        "sv": "kolumnen '{column}' är ingen känd kolumn; menar du {meant}?",
        "en": "column '{column}' is not a known column; did you mean {meant}?",
    },
    "check_misspelt_hint": {
        "sv": "byt namn på kolumnen till '{name}'",
        "en": "rename the column to '{name}'",
    },
    "check_missing_column": {"sv": "kolumnen '{name}' saknas", "en": "column '{name}' is missing"},
    "check_missing_column_hint": {
        "sv": "lägg till kolumnen '{name}' (kolumnerna i {table} är: {listed}; svenska namn som "
        "kommunkod, fokusområde, täljare och nämnare går också, se data/raw/README.md){sheet}",
        "en": "add a column '{name}' (the columns of {table} are: {listed}){sheet}",
    },
    # cells
    "check_not_float": {"sv": "'{value}' är inte ett tal", "en": "'{value}' is not a number"},
    "check_not_int": {
        "sv": "'{value}' är inte ett heltal",
        "en": "'{value}' is not a whole number",
    },
    "check_not_year": {"sv": "'{value}' är inte ett årtal", "en": "'{value}' is not a year"},
    "check_number_hint_float": {
        "sv": "skriv ett tal{exempel}, utan enheter eller bokstäver (decimalkomma går bra)",
        "en": "write a number{example}, without units or letters (and smaller than 1e308)",
    },
    "check_number_hint_int": {
        "sv": "skriv ett heltal{exempel}, utan enheter eller bokstäver",
        "en": "write a whole number{example}, without units or letters",
    },
    "check_number_hint_year": {
        "sv": "skriv ett årtal{exempel}, utan enheter eller bokstäver",
        "en": "write a year{example}, without units or letters",
    },
    "check_write_int": {"sv": "skriv ett heltal{exempel}", "en": "write a whole number{example}"},
    "check_write_year": {"sv": "skriv ett årtal{exempel}", "en": "write a year{example}"},
    "check_write_float": {"sv": "skriv ett tal{exempel}", "en": "write a number{example}"},
    "check_not_date": {"sv": "'{value}' är inte ett datum", "en": "'{value}' is not a date"},
    "check_date_hint": {
        "sv": "skriv datum som 2024-03-18 (år-månad-dag)",
        "en": "write dates as 2024-03-18 (year-month-day)",
    },
    "check_not_bool": {"sv": "'{value}' är inte 1 eller 0", "en": "'{value}' is not 1 or 0"},
    "check_bool_hint": {"sv": "skriv 1 (ja) eller 0 (nej)", "en": "write 1 (ja) or 0 (nej)"},
    "check_not_nullable": {"sv": "cellen är tom", "en": "the cell is empty"},
    "check_not_nullable_hint": {"sv": "fyll i den", "en": "fill it in"},
    "check_fill_example_hint": {
        "sv": "fyll i den (t.ex. {example})",
        "en": "fill it in (e.g. {example})",
    },
    "check_choice": {
        "sv": "'{value}' är inte ett tillåtet värde",
        "en": "'{value}' is not an allowed value",
    },
    "check_choice_hint": {"sv": "använd ett av: {allowed}", "en": "use one of: {allowed}"},
    "check_choice_alias_hint": {
        "sv": "använd ett av: {allowed} (går också: {aliases})",
        "en": "use one of: {allowed} (also accepted: {aliases})",
    },
    "check_id_pattern": {
        "sv": "'{value}' är inget giltigt id",
        "en": "'{value}' is not a valid id",
    },
    "check_id_pattern_hint": {
        "sv": "använd bara små bokstäver a-z, siffror och _ (inga å, ä, ö eller mellanslag)",
        "en": "use only lower-case letters a-z, digits and _ (no å, ä, ö or spaces)",
    },
    "check_code_pattern": {
        "sv": "'{value}' är ingen fyrsiffrig kommunkod",
        "en": "'{value}' is not a 4-digit municipality code",
    },
    "check_code_pattern_hint": {
        "sv": "använd Koladas/SCB:s kod med inledande nolla, t.ex. 0682",
        "en": "use the Kolada/SCB code with its leading zero, e.g. 0682",
    },
    "check_min": {
        "sv": "{value} är mindre än det minsta tillåtna värdet",
        "en": "{value} is below the smallest allowed value",
    },
    "check_min_hint": {
        "sv": "det minsta tillåtna värdet är {limit}",
        "en": "the smallest allowed value is {limit}",
    },
    "check_max": {
        "sv": "{value} är större än det största tillåtna värdet",
        "en": "{value} is above the largest allowed value",
    },
    "check_max_hint": {
        "sv": "det största tillåtna värdet är {limit}",
        "en": "the largest allowed value is {limit}",
    },
    "check_negative": {"sv": "{value} är negativt", "en": "{value} is negative"},
    "check_negative_hint": {
        "sv": "antal är heltal 0 eller större",
        "en": "counts are whole numbers 0 or more",
    },
    "check_denominator_zero": {"sv": "nämnaren är 0", "en": "the denominator is 0"},
    "check_denominator_zero_hint": {
        "sv": "en period utan fall lämnas utanför (den ritas som ett glapp); ta bort raden eller "
        "rätta antalet",
        "en": "a period with no cases is left out (it is drawn as a gap); delete the row or "
        "correct the count",
    },
    "check_whole": {"sv": "{value} är inte ett heltal", "en": "{value} is not a whole number"},
    "check_whole_hint": {"sv": "antal är heltal", "en": "counts are whole numbers"},
    # across tables (analysis.dataset.checks); {key} names the repeated key, {first} its row
    "check_dup_municipality": {
        "sv": "kommunkoden finns två gånger ({key}): redan på rad {first}",
        "en": "the municipality code appears twice ({key}) already on row {first}",
    },
    "check_dup_municipality_hint": {"sv": "behåll en rad per kod", "en": "keep one row per code"},
    "check_dup_team": {
        "sv": "team-id:t finns två gånger ({key}): redan på rad {first}",
        "en": "the team id appears twice ({key}) already on row {first}",
    },
    "check_dup_team_hint": {"sv": "team-id måste vara unika", "en": "team ids must be unique"},
    "check_dup_measure": {
        "sv": "mått-id:t finns två gånger för teamet ({key}): redan på rad {first}",
        "en": "the measure id appears twice for the team ({key}) already on row {first}",
    },
    "check_dup_measure_hint": {
        "sv": "mått-id måste vara unika inom ett team",
        "en": "measure ids must be unique within a team",
    },
    "check_dup_change": {
        "sv": "förändringsnumret finns två gånger för teamet ({key}): redan på rad {first}",
        "en": "the change number appears twice for the team ({key}) already on row {first}",
    },
    "check_dup_change_hint": {
        "sv": "numrera varje teams förändringar 1, 2, 3 ...",
        "en": "number each team's changes 1, 2, 3...",
    },
    "check_dup_kpi": {
        "sv": "nyckeltalet finns två gånger ({key}): redan på rad {first}",
        "en": "the kpi appears twice ({key}) already on row {first}",
    },
    "check_dup_kpi_hint": {"sv": "behåll en rad per nyckeltal", "en": "keep one row per kpi"},
    "check_dup_indicator": {
        "sv": "indikatorvärdet finns två gånger ({key}): redan på rad {first}",
        "en": "the indicator value appears twice ({key}) already on row {first}",
    },
    "check_dup_indicator_hint": {
        "sv": "behåll en rad per nyckeltal, kommun, år och kön",
        "en": "keep one row per kpi, municipality, year and gender",
    },
    "check_dup_observation": {
        "sv": "dubblerad rad: samma team, mått och period ({key}): redan på rad {first}",
        "en": "duplicate row: the same team, measure and period ({key}) already on row {first}",
    },
    "check_dup_observation_hint": {
        "sv": "behåll en rad per mått och period",
        "en": "keep one row per measure and period",
    },
    "check_dup_subgroup": {
        "sv": "dubblerad rad: samma team, mått, period och undergrupp ({key}): redan på rad {first}",
        "en": "duplicate row: the same team, measure, period and subgroup ({key}) already on row {first}",
    },
    "check_dup_subgroup_hint": {
        "sv": "behåll en rad per undergrupp och period",
        "en": "keep one row per subgroup and period",
    },
    "check_dup_goal": {
        "sv": "mål-id:t finns två gånger ({key}): redan på rad {first}",
        "en": "the goal id appears twice ({key}) already on row {first}",
    },
    "check_dup_goal_hint": {"sv": "mål-id måste vara unika", "en": "goal ids must be unique"},
    "check_dup_spread": {
        "sv": "enhetens läge detta datum finns två gånger ({key}): redan på rad {first}",
        "en": "the unit's state on this date appears twice ({key}) already on row {first}",
    },
    "check_dup_spread_hint": {
        "sv": "behåll en rad per team, förändring, enhet och datum",
        "en": "keep one row per team, change, unit and date",
    },
    "check_spread_unknown_change": {
        "sv": "teamet '{team}' har ingen förändring {no} i {where}: en enhet kan inte införa en "
        "förändring som aldrig testats",
        "en": "team '{team}' has no change {no} in {where}: a unit cannot adopt a change that "
        "was never tested",
    },
    "check_spread_unknown_change_hint": {
        "sv": "använd ett förändringsnummer ur teamets PDSA-logg (kända: {known}), eller lägg "
        "först till förändringen i {where}",
        "en": "use a change_no of the team's PDSA log (known: {known}), or add the change to "
        "{where} first",
    },
    "check_story_measure_hint": {
        "sv": "använd ett av teamets mått-id från {where}, eller lämna cellen tom; {forslag}",
        "en": "use a measure id of the team from {where}, or leave the cell blank; {suggest}",
    },
    "check_unknown": {"sv": "{vad} '{value}' finns inte", "en": "unknown {what} '{value}'"},
    "check_unknown_hint": {
        "sv": "det måste finnas i {var}; {forslag}",
        "en": "it must be in {where}; {suggest}",
    },
    "check_unknown_survey_hint": {
        "sv": "det måste vara en mapp i surveys/; {forslag}",
        "en": "it must be a folder in surveys/; {suggest}",
    },
    "check_unknown_measure": {
        "sv": "okänt mått-id '{measure}' för teamet '{team}'",
        "en": "unknown measure id '{measure}' for team '{team}'",
    },
    "check_list_measures_hint": {
        "sv": "skriv teamets mått-id från {where}, åtskilda med ','; {forslag}",
        "en": "list measure ids of the team from {where}, separated by ','; {suggest}",
    },
    "check_charts_need_hint": {
        "sv": "diagrammen för {which} behöver den",
        "en": "the charts of {which} need it",
    },
    "check_empty_value": {
        "sv": "värdet är tomt för måttet '{measure}' ({chart}-diagram)",
        "en": "the value is empty for measure '{measure}' ({chart} chart)",
    },
    "check_empty_numerator": {
        "sv": "täljaren är tom för måttet '{measure}' ({chart}-diagram)",
        "en": "the numerator is empty for measure '{measure}' ({chart} chart)",
    },
    "check_empty_denominator": {
        "sv": "nämnaren är tom för måttet '{measure}' ({chart}-diagram)",
        "en": "the denominator is empty for measure '{measure}' ({chart} chart)",
    },
    "check_empty_hint": {
        "sv": "fyll i den, eller ta bort raden: en period utan mätning lämnas helt enkelt utanför",
        "en": "fill it in, or delete the row: a period without a measurement is simply left out",
    },
    "check_numerator_over": {
        "sv": "täljaren {numerator} är större än nämnaren {denominator} för måttet '{measure}' "
        "({chart}-diagram)",
        "en": "numerator {numerator} is larger than denominator {denominator} for measure "
        "'{measure}' ({chart} chart)",
    },
    "check_numerator_over_hint": {
        "sv": "täljaren räknar en del av nämnaren; kontrollera båda",
        "en": "the numerator counts a part of the denominator; check both counts",
    },
    "check_not_month_start": {
        "sv": "perioden {period} är inte den första dagen i en månad",
        "en": "period {period} is not the first day of a month",
    },
    "check_not_month_start_hint": {
        "sv": "månadsmått använder månadens första dag ({first})",
        "en": "monthly measures use the month's first day ({first})",
    },
    "check_not_monday": {
        "sv": "perioden {period} är inte en måndag",
        "en": "period {period} is not a Monday",
    },
    "check_not_monday_hint": {
        "sv": "veckomått använder veckans måndag ({monday})",
        "en": "weekly measures use the week's Monday ({monday})",
    },
    "check_goal_needs": {
        "sv": "ett mål av typen {kind} behöver {column}",
        "en": "a {kind} goal needs {column}",
    },
    "check_goal_needs_hint": {
        "sv": "fyll i {columns} för mål av typen {kind}",
        "en": "fill in {columns} for {kind} goals",
    },
    "check_goal_source": {
        "sv": "'{source}' är ingen målkälla",
        "en": "'{source}' is not a goal source",
    },
    "check_goal_source_hint": {
        "sv": "skriv indicator:<nyckeltal> eller survey:<enkät-id>:<fråge-id>:<svarsalternativ>",
        "en": "write indicator:<kpi> or survey:<survey_id>:<question_id>:<option>",
    },
    # assessments.csv and meetings.csv (team progress on the IHI scale)
    "check_dup_meeting": {
        "sv": "mötesdatumet finns två gånger ({key}): redan på rad {first}",
        "en": "the meeting date appears twice ({key}) already on row {first}",
    },
    "check_dup_meeting_hint": {
        "sv": "behåll en rad per nätverksträff",
        "en": "keep one row per network meeting",
    },
    "check_dup_assessment": {
        "sv": "teamet har redan en bedömning vid den här träffen ({key}): rad {first}",
        "en": "the team is already scored at this meeting ({key}) already on row {first}",
    },
    "check_dup_assessment_hint": {
        "sv": "behåll en bedömning per team och träff (coachernas gemensamma)",
        "en": "keep one score per team and meeting (the coaches' agreed score)",
    },
    "check_score_step": {
        "sv": "{value} är inget steg på IHI:s bedömningsskala",
        "en": "{value} is not a step of the IHI assessment scale",
    },
    "check_score_step_hint": {
        "sv": "använd något av {steps} (halva steg; decimalkomma eller punkt)",
        "en": "use one of {steps} (half steps; decimal comma or point)",
    },
    "check_no_meetings": {
        "sv": "nätverksträffarna saknas: meetings.csv finns inte",
        "en": "the network meetings are not listed: meetings.csv is missing",
    },
    "check_no_meetings_hint": {
        "sv": "lägg till meetings.csv med en rad per nätverksträff (meeting_date/mötesdatum; "
        "se data/raw/README.md)",
        "en": "add meetings.csv with one row per network meeting (meeting_date; see "
        "data/raw/README.md)",
    },
    "check_unknown_meeting": {
        "sv": "{value} är inget mötesdatum i {where}",
        "en": "{value} is not a meeting date of {where}",
    },
    "check_unknown_meeting_hint": {
        "sv": "använd datumet för en nätverksträff ({known}) eller lägg till träffen i {where}",
        "en": "use the date of a network meeting ({known}) or add the meeting to {where}",
    },
}
