"""Labels and plain-language verdicts of the effect analysis (keys prefixed ``effects_``).

The verdict functions take rows of the frames ``analysis.effects`` returns and give one sentence
in the report language. ``analysis.text`` is imported inside the functions (this module is loaded
while ``analysis.text`` collects its labels).
"""

from __future__ import annotations

import math

import pandas as pd

LABELS = {
    # report structure
    "effects_title": {"sv": "Effektanalys", "en": "Effect analysis"},
    "effects_aim": {"sv": "Mål", "en": "Aim"},
    "effects_no_aim": {
        "sv": "Teamet har inte angett något mål ännu.",
        "en": "The team has not stated an aim yet.",
    },
    "effects_drivers": {"sv": "Påverkansanalys (drivkraftsdiagram)", "en": "Driver diagram"},
    "effects_primary_driver": {"sv": "Primär drivkraft", "en": "Primary driver"},
    "effects_secondary_driver": {"sv": "Sekundär drivkraft", "en": "Secondary driver"},
    "effects_change_idea": {"sv": "Förändringsidé", "en": "Change idea"},
    "effects_measures_section": {"sv": "Mått och styrdiagram", "en": "Measures and control charts"},
    "effects_its_section": {"sv": "Avbrutna tidsserier", "en": "Interrupted time series"},
    "effects_table_section": {"sv": "Effektskattningar", "en": "Effect estimates"},
    "effects_verdicts_section": {"sv": "Vad hände?", "en": "What happened?"},
    "effects_waves_section": {
        "sv": "{survey}: {first} jämfört med {last}",
        "en": "{survey}: {first} compared with {last}",
    },
    "effects_surveys_section": {"sv": "Enkäter", "en": "Surveys"},
    "effects_for_whom_section": {"sv": "För vem?", "en": "For whom?"},
    "effects_poster_section": {
        "sv": "Sammanfattning (posterformat)",
        "en": "Summary (poster format)",
    },
    "effects_poster_note": {
        "sv": "Rubrikerna följer postermallen för {network}.",
        "en": "The headings follow the poster template of {network}.",
    },
    "effects_caveats_section": {"sv": "Att tänka på", "en": "Caveats"},
    "effects_no_measures": {
        "sv": "Teamet har inga mått ännu.",
        "en": "The team has no measures yet.",
    },
    "effects_no_survey": {
        "sv": "Ingen enkät med två mätomgångar finns i data.",
        "en": "No survey with two waves is in the data.",
    },
    "effects_spc_caption": {
        "sv": "Styrdiagram för {measure}, delat i faser vid teamets förändringar.",
        "en": "Control chart of {measure}, split into phases at the team's changes.",
    },
    "effects_its_caption": {
        "sv": "{measure}: observerat, skattad modell och förväntat förlopp utan förändringarna (streckat).",
        "en": "{measure}: observed, fitted model, and the expected course without the changes (dashed).",
    },
    # poster template (the network's poster headings)
    "effects_poster_area": {"sv": "Förbättringsområde", "en": "Improvement area"},
    "effects_poster_background": {"sv": "Bakgrund", "en": "Background"},
    "effects_poster_baseline": {"sv": "Nuläge", "en": "Current state"},
    "effects_poster_analysis": {"sv": "Analys av nuläge", "en": "Analysis of the current state"},
    "effects_poster_changes": {
        "sv": "Prioriterade förändringar som testats",
        "en": "Prioritised changes that were tested",
    },
    "effects_poster_results": {
        "sv": "Resultat kopplat till det övergripande målet",
        "en": "Results linked to the overall aim",
    },
    "effects_poster_background_text": {
        "sv": "{team} i {municipality} arbetar med {area} inom nätverket sedan {start}.",
        "en": "{team} in {municipality} works on {area} in the network since {start}.",
    },
    "effects_poster_baseline_text": {
        "sv": "{measure}: {value} före första förändringen ({n} mätpunkter).",
        "en": "{measure}: {value} before the first change ({n} data points).",
    },
    "effects_poster_county_aim": {
        "sv": "Länets mål: barns och ungas hälsa ska förbättras med 2 procentenheter per år i fyra år.",
        "en": "County aim: children's and young people's health improves by 2 percentage points a year for four years.",
    },
    "effects_poster_drivers_text": {
        "sv": "Påverkansanalysen har {primary} primära och {secondary} sekundära drivkrafter och {ideas} förändringsidéer.",
        "en": "The driver diagram has {primary} primary and {secondary} secondary drivers and {ideas} change ideas.",
    },
    "effects_poster_no_drivers": {
        "sv": "Ingen påverkansanalys är inlämnad.",
        "en": "No driver diagram has been submitted.",
    },
    "effects_poster_change_text": {
        "sv": "{no}. {title} (från {date}, {step})",
        "en": "{no}. {title} (from {date}, {step})",
    },
    # table columns
    "effects_col_measure": {"sv": "Mått", "en": "Measure"},
    "effects_col_change": {"sv": "Förändring", "en": "Change"},
    "effects_col_before": {"sv": "Före", "en": "Before"},
    "effects_col_after": {"sv": "Efter", "en": "After"},
    "effects_col_before_points": {"sv": "Före (mätpunkter)", "en": "Before (points)"},
    "effects_col_after_points": {"sv": "Efter (mätpunkter)", "en": "After (points)"},
    "effects_col_points": {"sv": "Mätpunkter före/efter", "en": "Points before/after"},
    "effects_col_estimate": {"sv": "Skattad effekt", "en": "Estimated effect"},
    "effects_col_ci": {"sv": "95 % KI", "en": "95% CI"},
    "effects_col_p": {"sv": "p-värde", "en": "p-value"},
    "effects_col_p_adjusted": {"sv": "p (Holm)", "en": "p (Holm)"},
    "effects_col_verdict": {"sv": "Bedömning", "en": "Verdict"},
    "effects_col_method": {"sv": "Metod", "en": "Method"},
    "effects_col_item": {"sv": "Fråga/svar", "en": "Question/answer"},
    "effects_col_diff": {"sv": "Skillnad (procentenheter)", "en": "Difference (percentage points)"},
    "effects_col_mdd": {"sv": "Minsta upptäckbara skillnad", "en": "Minimum detectable difference"},
    "effects_col_subgroup": {"sv": "Grupp", "en": "Group"},
    "effects_col_expected": {
        "sv": "Förväntat utan förändringen",
        "en": "Expected without the change",
    },
    "effects_col_effect": {
        "sv": "Skillnad mot förväntat (95 % KI)",
        "en": "Difference from expected (95% CI)",
    },
    "effects_col_mde": {
        "sv": "Minsta upptäckbara förbättring",
        "en": "Smallest detectable improvement",
    },
    "effects_pp": {"sv": "{value} procentenheter", "en": "{value} percentage points"},
    "effects_interval": {"sv": "{low} till {high}", "en": "{low} to {high}"},
    "effects_relative": {"sv": "{value}\u00a0%", "en": "{value}%"},
    "effects_rate_ratio": {"sv": "kvot {value}", "en": "ratio {value}"},
    "effects_odds_ratio": {"sv": "oddskvot {value}", "en": "odds ratio {value}"},
    "effects_difference": {"sv": "skillnad {value}", "en": "difference {value}"},
    "effects_verdict_improved": {"sv": "förbättring", "en": "improvement"},
    "effects_verdict_worse": {"sv": "försämring", "en": "deterioration"},
    "effects_verdict_none": {"sv": "ingen säkerställd skillnad", "en": "no established difference"},
    "effects_verdict_short": {"sv": "för kort serie", "en": "series too short"},
    "effects_verdict_early": {"sv": "för tidigt att bedöma", "en": "too early to judge"},
    # figure labels
    "effects_observed": {"sv": "Observerat", "en": "Observed"},
    "effects_fitted": {"sv": "Modell", "en": "Model"},
    "effects_phase_in": {
        "sv": "Inkörningsperiod (ingår inte i modellen)",
        "en": "Phase-in period (left out of the model)",
    },
    "effects_counterfactual": {
        "sv": "Utan förändring (förväntat)",
        "en": "Without the change (expected)",
    },
    "effects_change_marker": {"sv": "Förändring {no}", "en": "Change {no}"},
    "effects_axis_pp": {
        "sv": "Skillnad december − september (procentenheter)",
        "en": "Difference December − September (percentage points)",
    },
    "effects_axis_pp_expected": {
        "sv": "Skillnad mot förväntad nivå (procentenheter)",
        "en": "Difference from the expected level (percentage points)",
    },
    "effects_axis_relative": {
        "sv": "Förändring mot förväntad nivå (%)",
        "en": "Change from the expected level (%)",
    },
    "effects_axis_unit": {
        "sv": "Skillnad mot förväntad nivå ({unit})",
        "en": "Difference from the expected level ({unit})",
    },
    "effects_axis_units": {
        "sv": "Skillnad mot förväntad nivå (måttets enhet)",
        "en": "Difference from the expected level (the measure's unit)",
    },
    "effects_forest_none": {
        "sv": "Ingen förändring har ännu tillräckligt många mätpunkter för en skattning.",
        "en": "No change has enough data points for an estimate yet.",
    },
    "effects_no_effect_line": {"sv": "ingen effekt", "en": "no effect"},
    # verdict sentences
    "effects_verdict_its": {
        "sv": "{measure}: {after} efter {which} ({title}), jämfört med förväntad nivå {expected} om "
        "trenden fortsatt: skillnad {diff} (95 % KI {low} till {high}). {judgement}",
        "en": "{measure}: {after} after {which} ({title}), against {expected} expected had the earlier "
        "trend continued: difference {diff} (95% CI {low} to {high}). {judgement}",
    },
    "effects_verdict_phases": {
        "sv": "{measure}: {before} före och {after} efter {which} ({title}): skillnad {diff} "
        "(95 % KI {low} till {high}). {judgement}",
        "en": "{measure}: {before} before and {after} after {which} ({title}): difference {diff} "
        "(95% CI {low} to {high}). {judgement}",
    },
    "effects_which_one": {"sv": "förändring {no}", "en": "change {no}"},
    "effects_which_many": {
        "sv": "förändringarna {nos} och {last}",
        "en": "changes {nos} and {last}",
    },
    "effects_combined_note": {
        "sv": "Förändringar som startade med färre än {min} mätpunkter emellan skattas tillsammans; "
        "mätpunkterna mellan dem räknas som en inkörningsperiod och ingår inte i modellen.",
        "en": "Changes started fewer than {min} data points apart are estimated together; the points "
        "between them are a phase-in period and are left out of the model.",
    },
    "effects_phase_baseline": {"sv": "Utgångsläge", "en": "Baseline"},
    "effects_phase_after": {"sv": "Efter {nos}", "en": "After {nos}"},
    "effects_no_linked_changes": {
        "sv": "Ingen förändring i PGSA-loggen är kopplad till måttet.",
        "en": "No change in the PDSA log is linked to this measure.",
    },
    "effects_model_phases": {
        "sv": "Modell: fasjämförelse (nivån efter mot nivån före, utan trend). Den räknar en pågående "
        "trend som effekt; rapporterna använder den bara på begäran.",
        "en": "Model: phase comparison (the level after against the level before, without a trend). It "
        "counts an ongoing trend as an effect; the reports only use it on request.",
    },
    "effects_model_its": {
        "sv": "Modell: segmenterad regression med trend (avbruten tidsserie). Efter förändringen jämförs "
        "nivån med den nivå som trenden före förändringen pekade mot. Trenden skattas alltid: ett "
        "seriediagram med 8–12 punkter visar sällan en måttlig trend, och utan trend tas en "
        "förbättring som redan pågick för en effekt av förändringen (kalibreringsstudien i "
        "metodbeskrivningen, docs/methods.md).",
        "en": "Model: segmented regression with a trend (interrupted time series). After the change the "
        "level is compared with the level the trend before the change pointed to. The trend is "
        "always modelled: a run chart of 8-12 points rarely shows a moderate trend, and without a "
        "trend an improvement already under way is taken for an effect of the change (the "
        "calibration study in the methods description, docs/methods.md).",
    },
    "effects_model_agree": {
        "sv": "Modell: segmenterad regression med trend (avbruten tidsserie): nivån efter förändringen "
        "jämförs med den nivå som trenden före förändringen pekade mot. En förbättring påstås bara "
        "när nivån efter också är säkert bättre än nivån före.",
        "en": "Model: segmented regression with a trend (interrupted time series): the level after the "
        "change is compared with the level the trend before the change pointed to. An improvement "
        "is only claimed when the level after is also clearly better than the level before.",
    },
    "effects_target_reached": {
        "sv": "Senaste fasen ligger på {level}: målet {target} är nått.",
        "en": "The latest phase is at {level}: the target {target} is reached.",
    },
    "effects_target_not_reached": {
        "sv": "Senaste fasen ligger på {level}: målet {target} är ännu inte nått.",
        "en": "The latest phase is at {level}: the target {target} is not reached yet.",
    },
    "effects_judgement_significant": {
        "sv": "skillnaden är statistiskt säkerställd",
        "en": "the difference is statistically significant",
    },
    "effects_judgement_none": {
        "sv": "ingen säkerställd skillnad",
        "en": "no statistically established difference",
    },
    "effects_judgement_improved": {
        "sv": "Förbättringen är statistiskt säkerställd.",
        "en": "The improvement is statistically significant.",
    },
    "effects_judgement_worse": {
        "sv": "Försämringen är statistiskt säkerställd.",
        "en": "The deterioration is statistically significant.",
    },
    "effects_judgement_none_mde": {
        "sv": "Ingen säkerställd skillnad; en förbättring på {mde} eller mer hade upptäckts minst 4 gånger av 5.",
        "en": "No established difference; an improvement of {mde} or more would have been found at least 4 "
        "times in 5.",
    },
    "effects_judgement_not_before_better": {
        "sv": "Nivån är bättre än trenden före förändringen pekade mot, men inte säkert bättre än nivån före "
        "förändringen ({before}); därför påstås ingen förbättring.",
        "en": "The level is better than the earlier trend pointed to, but not clearly better than the level "
        "before the change ({before}); so no improvement is claimed.",
    },
    "effects_judgement_not_before_worse": {
        "sv": "Nivån är sämre än trenden före förändringen pekade mot, men inte säkert sämre än nivån före "
        "förändringen ({before}); därför påstås ingen försämring.",
        "en": "The level is worse than the earlier trend pointed to, but not clearly worse than the level "
        "before the change ({before}); so no deterioration is claimed.",
    },
    "effects_verdict_too_short": {
        "sv": "{measure}: för få mätpunkter före {which} ({title}) för att skatta en effekt "
        "({n} finns, minst {min} behövs).",
        "en": "{measure}: too few data points before {which} ({title}) to estimate an effect "
        "({n}, at least {min} are needed).",
    },
    "effects_verdict_too_early": {
        "sv": "{measure}: för tidigt att bedöma {which} ({title}): {n} mätpunkter efter förändringen, "
        "minst {min} behövs. Tidigare förändringar bedöms bara på sina egna mätpunkter.",
        "en": "{measure}: too early to judge {which} ({title}): {n} data points after the change, at "
        "least {min} are needed. Earlier changes are judged on their own data points only.",
    },
    "effects_wave_verdict": {
        "sv": "{item}: {before} i {wave1} och {after} i {wave2} ({diff} procentenheter, {level} KI "
        "{low} till {high}); {judgement}.",
        "en": "{item}: {before} in {wave1} and {after} in {wave2} ({diff} percentage points, {level} CI "
        "{low} to {high}); {judgement}.",
    },
    "effects_col_ci_waves": {"sv": "KI (nivå enligt Holm)", "en": "CI (level by Holm)"},
    "effects_wave_september": {"sv": "september", "en": "September"},
    "effects_wave_december": {"sv": "december", "en": "December"},
    "effects_wave_none_mdd": {
        "sv": "ingen säkerställd skillnad (med dessa urval upptäcks bara skillnader på omkring {mdd} procentenheter)",
        "en": "no established difference (these samples can only detect differences of about {mdd} percentage points)",
    },
    "effects_wave_suppressed": {
        "sv": "{item}: för få svar för att visas.",
        "en": "{item}: too few answers to show.",
    },
    # caveats
    "effects_caveat_its": {
        "sv": "En avbruten tidsserie jämför med hur måttet hade fortsatt enligt trenden före förändringen. "
        "Annat som hände samtidigt (lov, personalbyten, andra insatser) kan också förklara en skillnad.",
        "en": "An interrupted time series compares with how the measure would have continued on its trend "
        "before the change. Other things happening at the same time (holidays, staff changes, other "
        "initiatives) can also explain a difference.",
    },
    "effects_caveat_short": {
        "sv": "Med få mätpunkter är skattningarna osäkra; styrdiagrammet är då det viktigaste underlaget. "
        "Vi skattar en effekt först när det finns minst {min} mätpunkter före och efter en förändring "
        "(Penfold & Zhang 2013).",
        "en": "With few data points the estimates are uncertain; the control chart is then the main evidence. "
        "An effect is only estimated with at least {min} data points before and after a change "
        "(Penfold & Zhang 2013).",
    },
    "effects_caveat_no_difference": {
        "sv": '"Ingen säkerställd skillnad" betyder inte att förändringen saknar effekt, bara att data inte '
        "räcker för att visa den.",
        "en": '"No established difference" does not mean the change had no effect, only that the data are '
        "not enough to show it.",
    },
    "effects_caveat_waves": {
        "sv": "Enkätens mätomgångar analyseras som oberoende urval: svaren kopplas inte ihop per person, "
        "och alla som svarade i {last} svarade inte i {first}. Omgångarna skiljer sig i tid på året, "
        "och det finns ingen jämförelsegrupp. En skillnad mellan omgångarna visar därför inte att "
        "förändringarna orsakade den.",
        "en": "The survey's waves are analysed as independent samples: answers are not linked per person, "
        "and not everyone answering in {last} answered in {first}. The waves differ in the time of "
        "year, and there is no comparison group. A difference between the waves therefore does not "
        "show that the changes caused it.",
    },
    "effects_caveat_multiple": {
        "sv": "Många frågor jämförs samtidigt, så varje fråga prövas på den nivå Holms metod ger den "
        "(strängast för frågan med minst p-värde, 95 % för den sista). Konfidensintervallet, "
        "beslutet och den minsta upptäckbara skillnaden bygger på samma nivå, som står vid "
        "intervallet: en skillnad är säkerställd precis när intervallet inte omfattar 0.",
        "en": "Many questions are compared at once, so each question is tested at the level Holm's method "
        "gives it (strictest for the smallest p-value, 95% for the last). The confidence interval, the "
        "decision and the minimum detectable difference all use that level, shown with the interval: "
        "a difference is established exactly when the interval does not include 0.",
    },
    "effects_methods_note": {
        "sv": "Metod: segmenterad regression med trend (kvasi-binomial för andelar, kvasi-Poisson för antal "
        "och takter, minsta kvadrat för mätvärden), 95 % konfidensintervall från t-fördelningen. "
        "Skillnaden visas mot den nivå modellen förväntar utan förändringen: i procentenheter för "
        "andelar, i procent för antal och takter, i måttets enhet för mätvärden. En förbättring "
        "påstås bara när både trendmodellen och jämförelsen av nivån före och efter visar den. "
        "Varför: i simulerade team där sanningen är känd påstod en jämförelse utan trend en "
        "förbättring i nästan alla serier som bara fortsatte en förbättring som redan pågick, och "
        "trendmodellen ensam gjorde det i de flesta serier med en säsongsdipp i slutet av "
        "utgångsläget; med båda kraven blev det högst några procent (metodbeskrivningen, "
        "docs/methods.md). Minsta upptäckbara förbättring: den förbättring som upptäcks minst 4 "
        "gånger av 5 (Bloom 1995, beräknad för 90 % styrka eftersom brusets storlek skattas ur teamets egna data). Enkätens andelar jämförs med "
        "Newcombes hybrida score-intervall.",
        "en": "Method: segmented regression with a trend (quasi-binomial for shares, quasi-Poisson for counts "
        "and rates, least squares for measured values), 95% confidence intervals from the t "
        "distribution. The difference is shown against the level the model expects without the "
        "change: in percentage points for shares, in percent for counts and rates, in the measure's "
        "unit for measured values. An improvement is only claimed when both the trend model and the "
        "comparison of the levels before and after show it. Why: in simulated teams whose truth is "
        "known, a comparison without a trend claimed an improvement in nearly every series that "
        "merely continued an improvement already under way, and the trend model alone did so in most "
        "series with a seasonal dip at the end of the baseline; with both required it was at most a "
        "few percent (methods description, docs/methods.md). Smallest detectable improvement: the "
        "improvement found at least 4 times in 5 (Bloom 1995, computed for 90% power because the noise is estimated from the team's own data). The survey's "
        "shares are compared with Newcombe's hybrid score interval.",
    },
}


def format_estimate(
    estimate: float, ci_low: float, ci_high: float, effect: str, lang: str | None = None
) -> tuple[str, str]:
    """The estimate and its CI as two short strings (ratio with 2 decimals, differences with 1)."""
    from . import number, t

    if estimate is None or (isinstance(estimate, float) and math.isnan(estimate)):
        return "–", "–"
    decimals = 1 if effect == "difference" else 2
    key = {"rate ratio": "effects_rate_ratio", "odds ratio": "effects_odds_ratio"}.get(
        effect, "effects_difference"
    )
    est = t(key, lang, value=number(estimate, decimals, lang))
    ci = f"{number(ci_low, decimals, lang)} – {number(ci_high, decimals, lang)}"
    return est, ci


def format_p(p: float | None, lang: str | None = None) -> str:
    """A p-value for a table: 3 decimals, "< 0,001" below 0.001, "–" when missing."""
    from . import number

    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "–"
    if p < 0.001:
        return "< " + number(0.001, 3, lang)
    return number(p, 3, lang)


def format_effect(
    value: float, kind: str, unit: str | None = None, lang: str | None = None, signed: bool = True
) -> str:
    """An effect on the scale readers see (``team_effects`` ``diff_kind``): "+4,8 procentenheter"
    (pp, a fraction of 1), "+19 %" (relative, a fraction), "+1,2 timmar per vecka" (difference)."""
    from ..measures import COUNT_UNITS
    from . import number, t

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    size = abs(value) if signed else value
    scale, decimals = _shown_as(kind)
    shown = _no_negative_zero(number(scale * size, decimals, lang))
    # the sign of what is shown: -0.0003 pp is written ±0,0, not −0,0
    sign = ("+" if value > 0 else "−" if value < 0 else "±") if signed else ""
    if signed and _is_zero(shown):
        sign = "±"
    if kind == "pp":
        return t("effects_pp", lang, value=sign + shown)
    if kind == "relative":
        return t("effects_relative", lang, value=sign + shown)
    text = sign + shown
    return f"{text} {unit}" if unit and unit not in COUNT_UNITS else text


def _shown_as(kind: str) -> tuple[int, int]:
    """The factor and decimals an effect of ``kind`` is written with (pp and relative: in %)."""
    return (100, 1) if kind == "pp" else (100, 0) if kind == "relative" else (1, 1)


def _is_zero(shown: str) -> bool:
    return not any(ch in "123456789" for ch in shown)


def _no_negative_zero(shown: str) -> str:
    """A number that rounds to 0 without a minus (``-0,0`` -> ``0,0``)."""
    return shown.lstrip("-") if _is_zero(shown) else shown


def _bound(value: float, kind: str, lang: str | None) -> str:
    """One CI bound in the effect's own numbers, with a true minus sign."""
    from . import number

    scale, decimals = _shown_as(kind)
    return _no_negative_zero(number(scale * value, decimals, lang)).replace("-", "−")


def format_interval(low: float, high: float, kind: str, lang: str | None = None) -> str:
    """The CI of an effect as "2,9 till 6,7" in the effect's own numbers (pp, percent, units)."""
    from . import t

    if low is None or (isinstance(low, float) and math.isnan(low)):
        return "–"
    return t("effects_interval", lang, low=_bound(low, kind, lang), high=_bound(high, kind, lang))


def verdict_key(row) -> str:
    """The verdict of a ``team_effects(...).table`` row as a key: ``short`` (series too short),
    ``early`` (too early to judge), ``improved``, ``worse`` or ``none`` (no established
    difference). The one reading of a row every report uses (the team report, the change menu)."""
    if _get(row, "note") == "too_short":
        return "short"
    if _get(row, "note") == "too_early":
        return "early"
    if _get(row, "improved"):
        return "improved"
    if _get(row, "worse") or (_get(row, "detected") and not _get(row, "improved")):
        return "worse"
    return "none"


def short_verdict(row, lang: str | None = None) -> str:
    """One or two words for a table cell: improvement / deterioration / none / too early / too short."""
    from . import t

    return t(f"effects_verdict_{verdict_key(row)}", lang)


def _get(row, key, default=None):
    if isinstance(row, (dict, pd.Series)):
        return row.get(key, default)
    return getattr(row, key, default)  # a namedtuple from itertuples


def which_changes(row, lang: str | None = None) -> str:
    """ "förändring 2" or "förändringarna 1 och 2" from the row's ``changes`` (or ``change_no``)."""
    from . import t

    nos = [
        n.strip()
        for n in str(_get(row, "changes") or _get(row, "change_no")).split(",")
        if n.strip()
    ]
    if len(nos) <= 1:
        return t("effects_which_one", lang, no=nos[0] if nos else _get(row, "change_no"))
    return t("effects_which_many", lang, nos=", ".join(nos[:-1]), last=nos[-1])


def judgement(row, lang: str | None = None) -> str:
    """The verdict's closing sentence: improvement / deterioration established; with the "agree"
    policy, a trend-model difference the phase comparison does not confirm; or none with the
    smallest improvement the data could have shown."""
    from . import level, t

    if _get(row, "improved"):
        return t("effects_judgement_improved", lang)
    if _get(row, "worse") or _get(row, "detected"):
        return t("effects_judgement_worse", lang)
    low, high = _get(row, "diff_low"), _get(row, "diff_high")
    if _get(row, "model") == "agree" and low is not None and not math.isnan(low):
        # the trend model alone found a difference the phase comparison does not confirm
        up = _get(row, "direction") != "down"
        before = level(_get(row, "before"), str(_get(row, "chart")), _get(row, "unit"), lang)
        if (low > 0 and up) or (high < 0 and not up):
            return t("effects_judgement_not_before_better", lang, before=before)
        if (high < 0 and up) or (low > 0 and not up):
            return t("effects_judgement_not_before_worse", lang, before=before)
    mde = _get(row, "mde")
    if mde is None or (isinstance(mde, float) and math.isnan(mde)):
        return t("effects_judgement_none", lang).capitalize() + "."
    kind = _get(row, "diff_kind") or "difference"
    return t(
        "effects_judgement_none_mde",
        lang,
        mde=format_effect(mde, kind, _get(row, "unit"), lang, signed=False),
    )


def measure_verdict(row, lang: str | None = None, min_points: int = 8) -> str:
    """The plain-language verdict of one row of ``effects.team_effects(...).table``.

    It says what the model says: with a trend model the level after the change against the level
    expected had the earlier trend continued, with a phase comparison the level after against the
    level before; then the difference on the measure's scale with its 95 % CI and the judgement.
    E.g. "Närvaron: 93,0 % efter förändring 2 (sms samma dag), jämfört med förväntad nivå 89,0 % om
    trenden fortsatt: skillnad +4,2 procentenheter (95 % KI 2,0 till 6,3). Förbättringen är
    statistiskt säkerställd."
    """
    from . import level, t

    measure, title = _get(row, "measure_name"), _get(row, "change_title")
    which = which_changes(row, lang)
    if _get(row, "note") == "too_short":
        return t(
            "effects_verdict_too_short",
            lang,
            measure=measure,
            which=which,
            title=title,
            n=int(_get(row, "n_before") or 0),
            min=min_points,
        )
    if _get(row, "note") == "too_early":
        return t(
            "effects_verdict_too_early",
            lang,
            measure=measure,
            which=which,
            title=title,
            n=int(_get(row, "n_after") or 0),
            min=min_points,
        )
    chart, unit = str(_get(row, "chart")), _get(row, "unit")
    kind = _get(row, "diff_kind") or "difference"
    values = dict(
        measure=measure,
        which=which,
        title=title,
        before=level(_get(row, "before"), chart, unit, lang),
        after=level(_get(row, "after"), chart, unit, lang),
        expected=level(_get(row, "expected"), chart, unit, lang),
        diff=format_effect(_get(row, "difference"), kind, unit, lang),
        judgement=judgement(row, lang),
    )
    values["low"] = _bound(_get(row, "diff_low"), kind, lang)
    values["high"] = _bound(_get(row, "diff_high"), kind, lang)
    key = "effects_verdict_phases" if _get(row, "model") == "phases" else "effects_verdict_its"
    return t(key, lang, **values)


def wave_verdict(
    row, item: str, lang: str | None = None, wave1: str | None = None, wave2: str | None = None
) -> str:
    """The plain-language verdict of one row of ``effects.compare_waves(...)``; ``item`` names it.

    ``wave1``/``wave2`` name the waves in the sentence (default September and December).
    """
    from . import number, percent, t

    wave1 = wave1 or t("effects_wave_september", lang)
    wave2 = wave2 or t("effects_wave_december", lang)
    if _get(row, "suppressed"):
        return t("effects_wave_suppressed", lang, item=item)
    if _get(row, "significant"):
        judgement = t("effects_judgement_significant", lang)
    else:
        mdd = _get(row, "mdd_pp")
        judgement = (
            t("effects_wave_none_mdd", lang, mdd=number(mdd, 0, lang))
            if mdd is not None and not math.isnan(mdd)
            else t("effects_judgement_none", lang)
        )
    diff = _get(row, "diff_pp")
    sign = "+" if diff > 0 else ""
    level = _get(row, "ci_level")
    level = 0.95 if level is None or (isinstance(level, float) and math.isnan(level)) else level
    return t(
        "effects_wave_verdict",
        lang,
        item=item,
        wave1=wave1,
        wave2=wave2,
        before=percent(_get(row, "p_before"), 0, lang),
        after=percent(_get(row, "p_after"), 0, lang),
        diff=sign + number(diff, 1, lang),
        level=ci_level(level, lang),
        low=number(_get(row, "ci_low_pp"), 1, lang),
        high=number(_get(row, "ci_high_pp"), 1, lang),
        judgement=judgement,
    )


def ci_level(level: float, lang: str | None = None) -> str:
    """A confidence level as the report writes it: ``95 %``, ``99,7 %`` (one decimal when needed)."""
    from . import percent

    decimals = 0 if abs(round(100 * level) - 100 * level) < 0.05 else 1
    return percent(level, decimals, lang)
