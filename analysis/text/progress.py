"""Labels of team progress on the IHI assessment scale (``analysis.assessment``) and of the
print-ready poster (``analysis.poster``)."""

LABELS = {
    "progress_section": {
        "sv": "Framsteg på IHI:s bedömningsskala",
        "en": "Progress on the IHI assessment scale",
    },
    "progress_county_intro": {
        "sv": "Varje teams poäng vid nätverksträffarna på IHI:s bedömningsskala (1,0–5,0, från "
        "IHI:s Breakthrough Series). Poängen föreslås från teamets data som de såg ut vid "
        "träffen (reglerna nedan); en coachs bedömning i assessments.csv går före förslaget "
        "och är markerad med *. Tomt: teamet hade inte startat.",
        "en": "Each team's score at the network meetings on the IHI assessment scale (1.0–5.0, "
        "from IHI's Breakthrough Series). The score is suggested from the team's data as they "
        "stood at the meeting (the rules below); a coach's score in assessments.csv wins over "
        "the suggestion and is marked with *. Blank: the team had not started.",
    },
    "progress_team_intro": {
        "sv": "Teamets poäng vid nätverksträffarna på IHI:s bedömningsskala (1,0–5,0). Poängen "
        "föreslås från teamets data som de såg ut vid träffen (reglerna nedan); en coachs "
        "bedömning i assessments.csv går före förslaget.",
        "en": "The team's score at the network meetings on the IHI assessment scale (1.0–5.0). "
        "The score is suggested from the team's data as they stood at the meeting (the rules "
        "below); a coach's score in assessments.csv wins over the suggestion.",
    },
    "progress_no_meetings": {
        "sv": "Nätverksträffarna finns inte i data (meetings.csv, se data/raw/README.md): "
        "poängen visas för data till och med {date}.",
        "en": "The network meetings are not in the data (meetings.csv, see data/raw/README.md): "
        "the score is shown for the data up to {date}.",
    },
    "progress_no_meetings_county": {
        "sv": "Nätverksträffarna finns inte i data (meetings.csv, se data/raw/README.md): "
        "poängen visas för varje teams senaste data.",
        "en": "The network meetings are not in the data (meetings.csv, see data/raw/README.md): "
        "the score is shown for each team's latest data.",
    },
    "progress_latest": {"sv": "Senaste data", "en": "Latest data"},
    "progress_rules_heading": {
        "sv": "Så föreslås poängen (varje steg kräver också stegen under)",
        "en": "How the score is suggested (each step also needs the steps below it)",
    },
    "progress_rule_formed": {
        "sv": "1,0 Team bildas: teamet har startat (startdatum senast vid träffen).",
        "en": "1.0 Forming team: the team has started (start date on or before the meeting).",
    },
    "progress_rule_aim_measures": {
        "sv": "1,5 Planeringen har börjat: teamet har ett syfte (mål) och minst ett mått.",
        "en": "1.5 Planning for the project has begun: the team has an aim and at least one "
        "measure.",
    },
    "progress_rule_baseline": {
        "sv": "2,0 Aktivitet men inga förändringar: ett mått har minst {min} mätpunkter före "
        "sin första förändring (en baslinje att jämföra med).",
        "en": "2.0 Activity, but no changes: a measure has at least {min} measured points "
        "before its first change (a baseline to compare with).",
    },
    "progress_rule_tested": {
        "sv": "2,5 Förändringar testas men ingen förbättring: en förändring i PDSA-loggen är "
        "kopplad till ett mått som har mätts sedan förändringen började.",
        "en": "2.5 Changes tested, but no improvement: a change in the PDSA log is linked to a "
        "measure that has been measured since the change started.",
    },
    "progress_rule_process_improved": {
        "sv": "3,0 Måttlig förbättring: ett processmått har bedömts som förbättrat, med samma "
        "bedömning som teamets effektrapport (på data fram till träffen). Ett team utan "
        "processmått uppfyller steget med ett förbättrat resultatmått.",
        "en": "3.0 Modest improvement: a process measure is judged improved, by the same "
        "verdict as the team's effect report (on the data up to the meeting). A team without "
        "process measures meets this step with an improved outcome measure.",
    },
    "progress_rule_outcome_improved": {
        "sv": "3,5 Förbättring: ett resultatmått har bedömts som förbättrat.",
        "en": "3.5 Improvement: an outcome measure is judged improved.",
    },
    "progress_rule_sustained": {
        "sv": "4,0 Betydande förbättring: ett resultatmått som bedömdes som förbättrat vid en "
        "tidigare träff är det fortfarande, utan avbrott, med mätningar gjorda efter den träffen "
        "(förbättringen består).",
        "en": "4.0 Significant improvement: an outcome measure judged improved at an earlier "
        "meeting still is, without a break, with measurements made after that meeting (the "
        "improvement is sustained).",
    },
    "progress_rule_targets": {
        "sv": "4,5 Hållbar förbättring: minst {share} av måttens målvärden är nådda i den "
        "senaste fasen.",
        "en": "4.5 Sustainable improvement: at least {share} of the measures' targets are "
        "reached in the latest phase.",
    },
    "progress_rule_outstanding": {
        "sv": "5,0 Enastående, hållbara resultat: föreslås aldrig från data (alla mål nådda och "
        "förändringarna spridda till andra) – det är coachens bedömning.",
        "en": "5.0 Outstanding sustainable results: never suggested from the data (all goals "
        "met and the changes spread to others) – that is the coach's judgment.",
    },
    "progress_data_note": {
        "sv": "Data vid en träff: mätperioder som hade tagit slut (en månad räknas från den "
        "1:a i nästa månad) och förändringar daterade senast träffdagen. Syfte, mått och "
        "målvärden har inget datum och läses som de är nu.",
        "en": "Data at a meeting: measured periods that had ended (a month counts from the 1st "
        "of the next month) and changes dated on or before the meeting. The aim, measures and "
        "targets carry no date and are read as they are now.",
    },
    "progress_step_forming": {"sv": "Team bildas", "en": "Forming team"},
    "progress_step_planning": {
        "sv": "Planeringen har börjat",
        "en": "Planning for the project has begun",
    },
    "progress_step_activity": {
        "sv": "Aktivitet men inga förändringar",
        "en": "Activity, but no changes",
    },
    "progress_step_tested": {
        "sv": "Förändringar testas men ingen förbättring",
        "en": "Changes tested, but no improvement",
    },
    "progress_step_modest": {"sv": "Måttlig förbättring", "en": "Modest improvement"},
    "progress_step_improvement": {"sv": "Förbättring", "en": "Improvement"},
    "progress_step_significant": {"sv": "Betydande förbättring", "en": "Significant improvement"},
    "progress_step_sustainable": {"sv": "Hållbar förbättring", "en": "Sustainable improvement"},
    "progress_step_outstanding": {
        "sv": "Enastående, hållbara resultat",
        "en": "Outstanding sustainable results",
    },
    "progress_col_team": {"sv": "Team", "en": "Team"},
    "progress_col_meeting": {"sv": "Nätverksträff", "en": "Network meeting"},
    "progress_col_score": {"sv": "Poäng", "en": "Score"},
    "progress_col_step": {"sv": "Steg", "en": "Step"},
    "progress_col_source": {"sv": "Källa", "en": "Source"},
    "progress_col_suggested": {"sv": "Förslag från data", "en": "Suggested by the data"},
    "progress_col_next": {"sv": "Saknas för nästa steg", "en": "Missing for the next step"},
    "progress_next_coach": {
        "sv": "5,0 är coachernas bedömning",
        "en": "5.0 is the coaches' judgment",
    },
    "progress_col_comment": {"sv": "Coachens kommentar", "en": "Coach's comment"},
    "progress_source_coach": {"sv": "coachens bedömning", "en": "coach's score"},
    "progress_source_data": {"sv": "förslag från data", "en": "suggested by the data"},
    "progress_met_formed": {"sv": "teamet har inte startat", "en": "the team has not started"},
    "progress_met_aim_measures": {"sv": "syfte och mått", "en": "aim and measures"},
    "progress_met_baseline": {"sv": "baslinje (minst 8 mätpunkter)", "en": "baseline (8 points)"},
    "progress_met_tested": {
        "sv": "en förändring testad och mätt",
        "en": "a change tested and measured",
    },
    "progress_met_process_improved": {
        "sv": "ett förbättrat processmått",
        "en": "an improved process measure",
    },
    "progress_met_outcome_improved": {
        "sv": "ett förbättrat resultatmått",
        "en": "an improved outcome measure",
    },
    "progress_met_sustained": {
        "sv": "förbättringen består vid en senare träff",
        "en": "the improvement sustained at a later meeting",
    },
    "progress_met_targets": {
        "sv": "minst 75 % av målvärdena nådda",
        "en": "at least 75 % of the targets reached",
    },
    "progress_targets": {
        "sv": "{reached} av {n} målvärden nådda",
        "en": "{reached} of {n} targets reached",
    },
    "progress_not_started": {"sv": "ej startat", "en": "not started"},
    "progress_coach_mark": {
        "sv": "* coachens bedömning (går före förslaget från data).",
        "en": "* the coach's score (wins over the suggestion from the data).",
    },
    "progress_comments_hidden": {
        "sv": "{n} kommentar(er) från coacherna visas inte: de är fritext (privacy.show_free_text "
        "i workbook.yml).",
        "en": "{n} comment(s) of the coaches are not shown: they are free text "
        "(privacy.show_free_text in workbook.yml).",
    },
    "progress_chart_alt": {
        "sv": "Teamens poäng på IHI:s bedömningsskala vid varje nätverksträff; samma tal som "
        "tabellen.",
        "en": "The teams' scores on the IHI assessment scale at each network meeting; the same "
        "numbers as the table.",
    },
    "progress_chart_axis": {"sv": "Poäng (IHI)", "en": "Score (IHI)"},
    "progress_distribution_alt": {
        "sv": "Antal team med varje poäng på IHI:s bedömningsskala vid varje nätverksträff; "
        "varje teams egen poäng står i tabellen.",
        "en": "The number of teams with each score on the IHI assessment scale at each network "
        "meeting; each team's own score is in the table.",
    },
    "progress_distribution_axis": {
        "sv": "Antal team per poäng (IHI)",
        "en": "Number of teams per score (IHI)",
    },
    "progress_legend_coach": {"sv": "coachens bedömning", "en": "coach's score"},
    "progress_legend_data": {"sv": "förslag från data", "en": "suggested by the data"},
    # the print-ready poster (analysis.poster)
    "poster_link_intro": {
        "sv": "Affischen för utskrift i A3:",
        "en": "The poster for printing on A3:",
    },
    "poster_link_pdf": {"sv": "PDF", "en": "PDF"},
    "poster_link_html": {"sv": "webbsida", "en": "web page"},
    "poster_heading": {
        "sv": "Förbättringsarbetet i posterformat · {area}",
        "en": "The improvement work in poster form · {area}",
    },
    "poster_footer": {
        "sv": "Sammanfattning ur teamets effektrapport ({report}). Endast sammanställda data; "
        "resultaten bedöms med samma metoder som i rapporten.",
        "en": "Summary from the team's effect report ({report}). Aggregates only; the results "
        "are judged by the same methods as in the report.",
    },
    "index_poster_pdf": {"sv": "A3-affisch (PDF)", "en": "A3 poster (PDF)"},
    "index_poster_missing": {
        "sv": "A3-affischen kunde inte skrivas ut (se körloggen)",
        "en": "the A3 poster could not be printed (see the run log)",
    },
}
