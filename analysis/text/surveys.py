"""Labels of the survey reports and charts (keys prefixed ``survey_``)."""

LABELS: dict[str, dict[str, str]] = {
    "survey_report_title": {"sv": "Enkätsammanställning: {title}", "en": "Survey summary: {title}"},
    "survey_question": {"sv": "Fråga", "en": "Question"},
    "survey_option": {"sv": "Svarsalternativ", "en": "Answer"},
    "survey_base": {"sv": "Svarande (bas)", "en": "Respondents (base)"},
    "survey_ci": {"sv": "95 % konfidensintervall", "en": "95% confidence interval"},
    "survey_x_of_n": {"sv": "{x} av {n}", "en": "{x} of {n}"},
    "survey_census_count": {"sv": "Antal av alla", "en": "Number of all"},
    "survey_and": {"sv": "och", "en": "and"},
    "survey_wave": {"sv": "Mättillfälle", "en": "Wave"},
    "survey_top_box": {"sv": "Andel {options}", "en": "Share {options}"},
    "survey_top_box_short": {"sv": "Andel positiva svar", "en": "Share of positive answers"},
    "survey_likert_by_alt": {
        "sv": "Svaren på varje påstående per {group}, från negativt till positivt",
        "en": "The answers to every statement by {group}, from negative to positive",
    },
    "survey_reversed_chart_note": {
        "sv": "Påståenden där det är bättre att inte hålla med visas spegelvända: färgen och sidan om 0 "
        "visar alltid negativt och positivt svar.",
        "en": "Statements it is better not to agree with are drawn mirrored: the colour and the side of 0 "
        "always show a negative or positive answer.",
    },
    "survey_reversed_item": {
        "sv": "{item} (positivt: {options})",
        "en": "{item} (positive: {options})",
    },
    "survey_positive_note": {
        "sv": "Andel positiva svar: de två svarsstegen i den önskade änden av skalan. För ett påstående "
        "där det är bättre att inte hålla med (till exempel att säga elaka saker till sig själv) "
        "räknas de två stegen som inte håller med som positiva; det står vid frågan.",
        "en": "Share of positive answers: the two steps at the desired end of the scale. For a statement "
        "it is better not to agree with (such as saying unkind things to oneself) the two steps "
        "that disagree count as positive; the item says so.",
    },
    "survey_tie_none": {
        "sv": "Ingen enkät från teamets period hör till teamet.",
        "en": "No survey from the team's period belongs to the team.",
    },
    "survey_tie_none_waves": {
        "sv": "Ingen enkät med flera mättillfällen från teamets period hör till teamet.",
        "en": "No survey with several waves from the team's period belongs to the team.",
    },
    "survey_tie_before": {
        "sv": "{survey} besvarades {fielded}, före teamets period ({period}), och visas därför inte.",
        "en": "{survey} was answered {fielded}, before the team's period ({period}), so it is not shown.",
    },
    "survey_tie_after": {
        "sv": "{survey} besvarades {fielded}, efter teamets period ({period}), och visas därför inte.",
        "en": "{survey} was answered {fielded}, after the team's period ({period}), so it is not shown.",
    },
    "survey_tie_undated": {
        "sv": "{survey} saknar uppgift om när den besvarades; kontrollera att den är från teamets period.",
        "en": "{survey} has no date of when it was answered; check that it is from the team's period.",
    },
    "survey_missing_group": {"sv": "Uppgift saknas", "en": "Not stated"},
    "survey_free_text_count": {
        "sv": "{n} personer skrev ett fritextsvar. Fritextsvar visas inte i rapporten.",
        "en": "{n} people wrote a free-text answer. Free-text answers are not shown in the report.",
    },
    "survey_free_text_shown": {
        "sv": "{n} personer skrev ett fritextsvar; svaren visas nedan som de skrevs.",
        "en": "{n} people wrote a free-text answer; they are shown below as written.",
    },
    "survey_free_text_answer": {"sv": "Svar", "en": "Answer"},
    "survey_respondents": {"sv": "Svarande", "en": "Respondents"},
    "survey_respondents_text": {
        "sv": "{n} personer besvarade enkäten.",
        "en": "{n} people answered the survey.",
    },
    "survey_fielded_text": {
        "sv": "Enkäten besvarades {period}.",
        "en": "The survey was answered {period}.",
    },
    "survey_respondents_waves": {"sv": "Svarande per mättillfälle:", "en": "Respondents per wave:"},
    "survey_respondents_waves_not_added": {
        "sv": "Samma personer kan ha svarat vid flera mättillfällen; antalen läggs därför inte ihop.",
        "en": "The same people may have answered in several waves, so the counts are not added up.",
    },
    "survey_respondents_by": {"sv": "Svarande per {groups}", "en": "Respondents by {groups}"},
    "survey_census_note": {
        "sv": "Enkäten är en totalundersökning av alla {n} enheter. Resultaten redovisas som "
        '"x av {n}" utan konfidensintervall: det finns ingen urvalsosäkerhet. Svaren '
        "redovisas aldrig per enhet, eftersom en enskild svarande då skulle gå att känna igen.",
        "en": 'The survey is a census of all {n} units. Results are shown as "x of {n}" without '
        "confidence intervals: there is no sampling error. Answers are never shown per unit, "
        "since a single respondent would then be identifiable.",
    },
    "survey_census_nonresponse_note": {
        "sv": "Enkäten är en totalundersökning av {n} enheter, men bara {answered} av dem svarade. "
        'Resultaten redovisas som "x av de svarande" och med det spann bortfallet tillåter: '
        '"12–15 av {n}" betyder att det verkliga antalet bland alla {n} ligger mellan 12 (om '
        "ingen av dem som inte svarat har det) och 15 (om alla har det). Det finns ingen "
        "urvalsosäkerhet, men bortfallet gör resultatet osäkert. Svaren redovisas aldrig per "
        "enhet, eftersom en enskild svarande då skulle gå att känna igen.",
        "en": "The survey is a census of {n} units, but only {answered} of them answered. Results are "
        'shown as "x of those answering" and with the range the non-response allows: "12–15 of '
        '{n}" means that the true number among all {n} lies between 12 (if none of those who did '
        "not answer has it) and 15 (if all of them have it). There is no sampling error, but the "
        "non-response makes the result uncertain. Answers are never shown per unit, since a "
        "single respondent would then be identifiable.",
    },
    "survey_bounds_legend": {
        "sv": "Stapel: andel av de svarande. Linje: andel av alla, om ingen resp. alla "
        "som inte svarat har det.",
        "en": "Bar: share of those answering. Line: share of all, if none or all of "
        "those not answering have it.",
    },
    "survey_x_of_n_bounds": {
        "sv": "{x} av {n} svarande ({low}–{high} av {population})",
        "en": "{x} of {n} answering ({low}–{high} of {population})",
    },
    "survey_sample_note": {
        "sv": 'Andelar räknas bland dem som besvarat frågan; "vet ej" och obesvarade räknas och visas '
        "men ingår inte i basen. Intervallen är 95 % konfidensintervall enligt Wilson.",
        "en": 'Shares are among those who answered the question; "don\'t know" and blank answers are '
        "counted and shown but left out of the base. Intervals are 95% Wilson confidence intervals.",
    },
    "survey_multi_note": {
        "sv": "Flera svar möjliga: andelen svarande som valde varje alternativ, störst först "
        "(andelarna summerar till mer än 100 %).",
        "en": "Several answers possible: the share of respondents choosing each option, largest first "
        "(the shares add up to more than 100%).",
    },
    "survey_ranking_note": {
        "sv": "Rangordning: andelen som satte alternativet först; medelrang i tabellen.",
        "en": "Ranking: the share who ranked the option first; mean rank in the table.",
    },
    "survey_dont_know_line": {
        "sv": "Vet ej: {dk} · Obesvarad: {blank}",
        "en": "Don't know: {dk} · Blank: {blank}",
    },
    "survey_waves_note": {
        "sv": "Mättillfällena visas sida vid sida (beskrivande; se effektrapporten för test av skillnaden).",
        "en": "The waves are shown side by side (descriptive; see the effects report for a test of the difference).",
    },
    "survey_pooled_waves_note": {
        "sv": "Mättillfällena är sammanslagna i redovisningen per grupp.",
        "en": "The waves are pooled in the results by group.",
    },
    "survey_by_section": {"sv": "Per {group}", "en": "By {group}"},
    "survey_overview": {"sv": "Om enkäten", "en": "About the survey"},
    "survey_mean_rank": {"sv": "Medelrang", "en": "Mean rank"},
    "survey_numbers": {"sv": "Antal, medelvärde och median", "en": "Count, mean and median"},
    "survey_mean": {"sv": "Medelvärde", "en": "Mean"},
    "survey_median": {"sv": "Median", "en": "Median"},
    "survey_share_axis": {"sv": "Andel av svarande", "en": "Share of respondents"},
    "survey_ranked_first_axis": {
        "sv": "Andel som rangordnade alternativet först",
        "en": "Share ranking the option first",
    },
    "survey_count_axis": {"sv": "Antal av {n}", "en": "Number of {n}"},
    "survey_n_bar": {"sv": "n = {n}", "en": "n = {n}"},
    "survey_negative": {"sv": "← negativa", "en": "← negative"},
    "survey_positive": {"sv": "positiva →", "en": "positive →"},
    "survey_collapsed_note": {
        "sv": "Staplar med få svar visas i tre grupper (negativa, neutrala, positiva) för att skydda enskilda svarande.",
        "en": "Bars with few answers are shown in three groups (negative, neutral, positive) to protect individual respondents.",
    },
    "survey_no_data": {"sv": "Inga svar att visa.", "en": "No answers to show."},
    "survey_unknown": {
        "sv": "Okänd enkät {survey}; enkäter: {known}",
        "en": "Unknown survey {survey}; surveys: {known}",
    },
}


def census_count(rec, lang: str | None = None) -> str:
    """One census cell: "12 av 21", or with non-response "12 av 18 svarande (12–15 av 21)".

    ``rec`` is a row of ``surveys.summarise`` (``n``, ``base``, ``population``).
    """
    import pandas as pd

    from . import t

    n, base = int(rec["n"]), int(rec["base"])
    population = rec.get("population")
    if population is None or pd.isna(population) or int(population) <= base:
        return t("survey_x_of_n", lang, x=n, n=base)
    population = int(population)
    return t(
        "survey_x_of_n_bounds",
        lang,
        x=n,
        n=base,
        low=n,
        high=n + population - base,
        population=population,
    )


def census_note(population: int, answered: int, lang: str | None = None) -> str:
    """The paragraph on a census: all answered, or how many did and what the bounds mean."""
    from . import t

    if answered >= population:
        return t("survey_census_note", lang, n=population)
    return t("survey_census_nonresponse_note", lang, n=population, answered=answered)
