"""Labels of the baseline (nuläge) and gap-analysis reports, goals and driver diagrams."""

LABELS = {
    # report titles and sections
    "goals_baseline_title": {"sv": "Nuläge", "en": "Baseline (current state)"},
    "goals_baseline_team_title": {"sv": "Nuläge: {team}", "en": "Baseline: {team}"},
    "goals_gap_title": {
        "sv": "Gapanalys {year}: mål och nuläge",
        "en": "Gap analysis {year}: goals and current state",
    },
    "goals_teams_section": {"sv": "Team i nätverket", "en": "Teams in the network"},
    "goals_teams_by_area": {
        "sv": "Team per fokusområde och kohort",
        "en": "Teams by focus area and cohort",
    },
    "goals_municipalities_section": {
        "sv": "Kommuner i nätverket",
        "en": "Municipalities in the network",
    },
    "goals_municipalities_in_network": {
        "sv": "{n} av länets {total} kommuner deltar i lärandenätverket.",
        "en": "{n} of the county's {total} municipalities take part in the learning network.",
    },
    "goals_indicators_section": {
        "sv": "Länets indikatorer (Kolada)",
        "en": "County indicators (Kolada)",
    },
    "goals_indicators_intro": {
        "sv": "Indikatorerna per fokusområde och, sist, sammanhanget. Senaste värde per kommun, trend "
        "(per år: procentenheter för andelar, annars i indikatorns enhet; minsta kvadratmetoden "
        "över alla år, 95 % konfidensintervall), länets värde och kommunens placering bland länets "
        "{n} kommuner (1 = bäst i förbättringsriktningen). Under varje diagram står om länets värde "
        "är Koladas eget, beräknat eller saknas.",
        "en": "The indicators by focus area and, last, the context. Latest value per municipality, trend "
        "(per year: percentage points for shares, else in the indicator's unit; least squares over "
        "all years, 95% confidence interval), the county value and the municipality's position "
        "among the county's {n} municipalities (1 = best in the direction of improvement). Under "
        "each chart: whether the county value is Kolada's own, computed or missing.",
    },
    "goals_no_indicators": {
        "sv": "Det finns inga länsindikatorer i data.",
        "en": "The data hold no county indicators.",
    },
    "goals_measures_section": {
        "sv": "Teamens mått och senaste värden",
        "en": "The teams' measures and latest values",
    },
    "goals_team_measures_section": {"sv": "Mått och baslinje", "en": "Measures and baseline"},
    "goals_baseline_intro": {
        "sv": "Ett måtts baslinje är perioderna före den vecka eller månad då den första förändringen "
        "som ska påverka måttet startar (i PGSA-loggen); perioden då en förändring startar räknas "
        "till förändringen. Mått som ingen förändring pekar ut räknas från teamets första "
        "förändring ({date}). Baslinjen visas i ett seriediagram och bedöms med Anhøjs regler (långa "
        "serier, för få korsningar av medianen); tabellens centrallinje är diagrammets median. "
        "Den sammanvägda nivån (för en andel: summan av täljarna delad med summan av nämnarna) är "
        "den som effektrapporten jämför med.",
        "en": "A measure's baseline is the periods before the week or month in which the first change "
        "meant to move it starts (in the PDSA log); the period a change starts in counts as the "
        "change's. Measures no change names count from the team's first change ({date}). The "
        "baseline is drawn as a run chart and judged by Anhøj's rules (long runs, too few "
        "crossings of the median); the table's centre line is the chart's median. The pooled level "
        "(for a share: the sum of the numerators over the sum of the denominators) is the one the "
        "effect report compares with.",
    },
    "goals_baseline_intro_nochange": {
        "sv": "Teamet har ännu inte testat någon förändring: hela serien är baslinje.",
        "en": "The team has not tested any change yet: the whole series is baseline.",
    },
    "goals_survey_section": {"sv": "Teamets enkäter", "en": "The team's surveys"},
    "goals_drivers_section": {"sv": "Påverkansanalys (drivkraftsdiagram)", "en": "Driver diagram"},
    "goals_no_drivers": {
        "sv": "Teamet har ingen påverkansanalys i data (drivers/{team}.yml).",
        "en": "The team has no driver diagram in the data (drivers/{team}.yml).",
    },
    "goals_gap_section": {
        "sv": "Alla mål: nuläge, mål, gap och status",
        "en": "All goals: current value, target, gap and status",
    },
    "goals_gap_intro": {
        "sv": "Gapet är det som återstår till målet i förbättringsriktningen (procentenheter, eller "
        "indikatorns enhet); 0 eller mindre betyder att målet är nått. Status som i Healthy People 2030: "
        "baslinjens värde jämförs med det senaste. Målet nått; förbättras (rör sig mot målet och "
        "förändringen är statistiskt säkerställd, eller – när det inte finns något medelfel – minst 10 % av "
        "den eftersträvade förändringen är uppnådd); försämras (rör sig bort från målet och förändringen "
        "är säkerställd, eller utan medelfel minst 10 % från baslinjen); annars liten eller ingen "
        "påvisbar förändring. Kolumnen Metod säger vilken regel som gäller. Saknas baslinjeåret används "
        "närmast tidigare år (annars första året efter), och det står i Underlag. Trenden per år visas "
        "som bakgrund men avgör inte statusen.",
        "en": "The gap is what remains to the target in the direction of improvement (percentage points, "
        "or the indicator's unit); 0 or less means the target is met. Status as in Healthy People 2030: "
        "the baseline value is compared with the latest. Target met; improving (moving toward the target "
        "and the change is statistically significant or, when there is no standard error, at least 10% "
        "of the targeted change is achieved); getting worse (moving away and the change is significant "
        "or, without a standard error, at least 10% from the baseline); otherwise little or no "
        "detectable change. The Method column says which rule applies. When the baseline year is "
        "missing the nearest earlier year is used (else the first year after it), and Basis says so. "
        "The trend per year is shown as background but does not decide the status.",
    },
    "goals_col_method": {"sv": "Metod", "en": "Method"},
    "goals_rule_standard_error": {"sv": "test (medelfel)", "en": "test (standard error)"},
    "goals_rule_ten_percent": {"sv": "10 %-regel", "en": "10% rule"},
    "goals_no_goals": {
        "sv": "Det finns inga mål i data (goals.csv saknas eller är tom).",
        "en": "The data hold no goals (goals.csv is missing or empty).",
    },
    "goals_charts_section": {
        "sv": "Indikatorer: utfall, målbana och gap",
        "en": "Indicators: observed, goal trajectory and gap",
    },
    "goals_detect_section": {
        "sv": "Hur stor förändring kan data visa?",
        "en": "How large a change can the data show?",
    },
    "goals_detect_intro": {
        "sv": "Minsta förändring mellan två år som kan påvisas (tvåsidigt test, 5 % signifikansnivå, 80 % "
        "styrka, andel kring {p}). Med {n_needed} svarande per år och grupp kan en förändring på "
        '{pp} procentenheter påvisas; med färre svarande betyder "ingen påvisbar förändring" inte '
        "att inget har hänt.",
        "en": "Smallest change between two years that can be detected (two-sided test, 5% significance "
        "level, 80% power, share around {p}). {n_needed} respondents per year and group are needed "
        'to detect a change of {pp} percentage points; with fewer, "no detectable change" does '
        "not mean nothing happened.",
    },
    "goals_status_section": {"sv": "Status per mål", "en": "Status per goal"},
    # statuses (Healthy People 2030)
    "goals_status_target_met": {"sv": "målet nått", "en": "target met or exceeded"},
    "goals_status_improving": {"sv": "förbättras", "en": "improving"},
    "goals_status_little_or_no_change": {
        "sv": "liten eller ingen påvisbar förändring",
        "en": "little or no detectable change",
    },
    "goals_status_getting_worse": {"sv": "försämras", "en": "getting worse"},
    "goals_status_baseline_only": {
        "sv": "endast baslinje (ett värde)",
        "en": "baseline only (one value)",
    },
    "goals_status_no_data": {"sv": "inga data", "en": "no data"},
    "goals_pace_on_pace": {
        "sv": "i målets takt eller snabbare",
        "en": "at or above the goal's pace",
    },
    "goals_pace_behind": {"sv": "långsammare än målets takt", "en": "slower than the goal's pace"},
    "goals_pace_undetermined": {"sv": "kan inte avgöras", "en": "cannot be determined"},
    # table columns
    "goals_col_goal": {"sv": "Mål", "en": "Goal"},
    "goals_col_current": {"sv": "Nuläge", "en": "Current value"},
    "goals_col_current_period": {"sv": "Mätt", "en": "Measured"},
    "goals_col_target": {"sv": "Målvärde", "en": "Target"},
    "goals_col_gap": {"sv": "Gap", "en": "Gap"},
    "goals_unit_pp": {"sv": "p.e.", "en": "pp"},
    "goals_survey_x_of_n": {
        "sv": "{title}: {counts} ({share} %). Mål {target} % senast {deadline}: {status}; nått i tid: {met}.",
        "en": "{title}: {counts} ({share}%). Target {target}% by {deadline}: {status}; met in time: {met}.",
    },
    "goals_x_of_n": {"sv": "{x} av {n}", "en": "{x} of {n}"},
    "goals_x_of_n_bounds": {
        "sv": "{x} av {n} svarande ({low}–{high} av {population})",
        "en": "{x} of {n} answering ({low}–{high} of {population})",
    },
    "goals_census_bounds_note": {
        "sv": "Bara {n} av {population} svarade: bland alla {population} ligger andelen mellan {low} % och "
        "{high} %, och målet räknas som nått först när det nås även i det sämsta fallet.",
        "en": "Only {n} of {population} answered: among all {population} the share lies between {low}% and "
        "{high}%, and the target counts as met only when it is met in the worst case too.",
    },
    "goals_baseline_earlier": {
        "sv": "({year} saknas: närmast tidigare år)",
        "en": "({year} missing: nearest earlier year)",
    },
    "goals_baseline_first": {
        "sv": "({year} saknas: första året efter)",
        "en": "({year} missing: first year after it)",
    },
    "goals_met_yes": {"sv": "ja", "en": "yes"},
    "goals_met_no": {"sv": "nej", "en": "no"},
    "goals_met_open": {"sv": "ännu öppet", "en": "still open"},
    "goals_col_deadline": {"sv": "Senast", "en": "Deadline"},
    "goals_col_status": {"sv": "Status", "en": "Status"},
    "goals_col_share_achieved": {
        "sv": "Andel av målförändringen",
        "en": "Share of targeted change",
    },
    "goals_col_trend": {"sv": "Trend per år (95 % KI)", "en": "Trend per year (95% CI)"},
    "goals_col_pace_short": {"sv": "Takt jämfört med målet", "en": "Pace compared with the goal"},
    "goals_detail_baseline": {"sv": "baslinje {year}: {value}", "en": "baseline {year}: {value}"},
    "goals_col_pace": {
        "sv": "Takt mot målet (+{pp} p.e./år)",
        "en": "Pace vs goal (+{pp} pp/year)",
    },
    "goals_col_met_by_deadline": {"sv": "Nått i tid", "en": "Met by deadline"},
    "goals_col_detail": {"sv": "Underlag", "en": "Basis"},
    "goals_col_latest_year": {"sv": "År", "en": "Year"},
    "goals_col_county": {"sv": "Länet", "en": "County"},
    "goals_col_position": {"sv": "Placering", "en": "Position"},
    "goals_col_women": {"sv": "Kvinnor/flickor", "en": "Women/girls"},
    "goals_col_men": {"sv": "Män/pojkar", "en": "Men/boys"},
    "goals_col_indicator": {"sv": "Indikator", "en": "Indicator"},
    "goals_col_n_teams": {"sv": "Antal team", "en": "Teams"},
    "goals_col_teams": {"sv": "Team", "en": "Teams"},
    "goals_col_in_network": {"sv": "I nätverket", "en": "In the network"},
    "goals_col_n_per_group": {
        "sv": "Svarande per år och grupp",
        "en": "Respondents per year and group",
    },
    "goals_col_mdc": {
        "sv": "Minsta påvisbara förändring (p.e.)",
        "en": "Minimum detectable change (pp)",
    },
    "goals_col_baseline_period": {"sv": "Baslinjeperiod", "en": "Baseline period"},
    "goals_col_n_points": {"sv": "Punkter", "en": "Points"},
    "goals_col_centre": {"sv": "Centrallinje", "en": "Centre line"},
    "goals_col_level": {"sv": "Sammanvägd nivå", "en": "Pooled level"},
    "goals_col_chart": {"sv": "Diagramtyp", "en": "Chart kind"},
    "goals_col_verdict": {"sv": "Baslinjens nivå", "en": "Baseline level"},
    "goals_col_missing": {"sv": "Saknade perioder", "en": "Missing periods"},
    "goals_col_completeness": {"sv": "Fullständighet", "en": "Completeness"},
    "goals_col_first_change": {"sv": "Första förändring", "en": "First change"},
    # baseline verdicts
    "goals_verdict_stable": {"sv": "stabil nivå", "en": "stable level"},
    "goals_verdict_unstable": {"sv": "instabil nivå", "en": "unstable level"},
    "goals_verdict_too_few": {
        "sv": "för få punkter ({n} av minst {min})",
        "en": "too few points ({n} of at least {min})",
    },
    "goals_too_few_note": {
        "sv": "{measure}: baslinjen har bara {n} punkter. En baslinje behöver minst {min} punkter innan "
        "nivån kan bedömas; fortsätt mäta.",
        "en": "{measure}: the baseline has only {n} points. A baseline needs at least {min} points before "
        "its level can be judged; keep measuring.",
    },
    "goals_centre_median": {"sv": "median", "en": "median"},
    "goals_centre_mean": {"sv": "medelvärde", "en": "mean"},
    "goals_centre_proportion": {"sv": "sammanvägd andel", "en": "pooled proportion"},
    "goals_centre_rate": {"sv": "sammanvägd kvot", "en": "pooled rate"},
    "goals_none_missing": {"sv": "inga", "en": "none"},
    # driver diagram
    "goals_driver_aim": {"sv": "Syfte (mål)", "en": "Aim"},
    "goals_driver_primary": {"sv": "Primära drivkrafter (vad?)", "en": "Primary drivers (what?)"},
    "goals_driver_secondary": {
        "sv": "Sekundära drivkrafter (hur?)",
        "en": "Secondary drivers (how?)",
    },
    "goals_driver_ideas": {"sv": "Förändringsidéer", "en": "Change ideas"},
    "goals_driver_title": {"sv": "Påverkansanalys: {team}", "en": "Driver diagram: {team}"},
    "goals_node_primary": {"sv": "Primär drivkraft (vad?)", "en": "Primary driver (what?)"},
    "goals_node_secondary": {"sv": "Sekundär drivkraft (hur?)", "en": "Secondary driver (how?)"},
    "goals_node_idea": {"sv": "Förändringsidé", "en": "Change idea"},
    "goals_node": {"sv": "{level} {id}: {text}", "en": "{level} {id}: {text}"},
    "goals_node_state": {"sv": "{node} – {state}", "en": "{node} – {state}"},
    "goals_drivers_outline": {
        "sv": "Från syftet till drivkrafter och förändringsidéer:",
        "en": "From the aim to drivers and change ideas:",
    },
    "goals_idea_tested": {"sv": "testad (PGSA)", "en": "tested (PDSA)"},
    "goals_idea_planned": {"sv": "planerad", "en": "planned"},
    "goals_idea_not_started": {"sv": "ej påbörjad", "en": "not started"},
    "goals_idea_links": {
        "sv": "PGSA {changes}; mått: {measures}",
        "en": "PDSA {changes}; measures: {measures}",
    },
    "goals_ideas_table": {
        "sv": "Förändringsidéer, PGSA-logg och mått",
        "en": "Change ideas, PDSA log and measures",
    },
    "goals_col_idea": {"sv": "Idé", "en": "Idea"},
    "goals_col_state": {"sv": "Läge", "en": "State"},
    "goals_col_changes": {"sv": "PGSA-nr", "en": "PDSA no."},
    "goals_col_measures": {"sv": "Mått", "en": "Measures"},
    # charts
    "goals_chart_observed": {"sv": "utfall", "en": "observed"},
    "goals_chart_trajectory": {"sv": "målbana", "en": "goal trajectory"},
    "goals_chart_target": {"sv": "mål", "en": "target"},
    "goals_chart_gap": {"sv": "gap {gap}", "en": "gap {gap}"},
    "goals_chart_gap_legend": {
        "sv": "gap till målbanan (senaste året)",
        "en": "gap to the trajectory (latest year)",
    },
    "goals_chart_on_track": {"sv": "i nivå med målbanan", "en": "on the trajectory"},
    "goals_chart_too_few": {
        "sv": "{n} punkter: för få för att bedöma nivån (ingen centrallinje, ingen bedömning)",
        "en": "{n} points: too few to judge the level (no centre line, no verdict)",
    },
    "goals_chart_year": {"sv": "År", "en": "Year"},
    "goals_status_chart_title": {
        "sv": "Status per kommun och mål",
        "en": "Status per municipality and goal",
    },
}


def survey_count(row, lang: str | None = None) -> str:
    """The counts behind a survey goal: "16 av 18", or for a census with non-response
    "16 av 18 svarande (16–19 av 21)"."""
    import pandas as pd

    from . import t

    x, n = int(row["count"]), int(row["base"])
    population = row.get("population")
    if population is None or pd.isna(population) or int(population) <= n:
        return t("goals_x_of_n", lang, x=x, n=n)
    population = int(population)
    return t(
        "goals_x_of_n_bounds", lang, x=x, n=n, low=x, high=x + population - n, population=population
    )
