"""The glossary: the statistical words the reports use, explained for a steering group.

Each term has a name and a definition in both languages (``glossary_term_<key>``,
``glossary_def_<key>`` in ``LABELS``) and, per language, the pattern that finds it in a
report's text (``PATTERNS``, case-insensitive, inflected forms included). A report lists only the
terms its own text uses (:func:`terms_used`); the renderer links the first use of each to its
entry (:mod:`analysis.report`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Reading order of the glossary: from the chart to the comparison to the numbers.
TERMS = (
    "run_chart",
    "control_chart",
    "baseline",
    "centre_line",
    "control_limits",
    "anhoej",
    "signal",
    "pooled_level",
    "its",
    "percentage_points",
    "confidence_interval",
    "p_value",
    "holm",
    "significant",
    "detectable",
    "odds_ratio",
)

# Whole words only: a term inside a longer word is not the term ("seriediagrammet" is; "serie" not).
_W = r"(?<![\w-])"
_E = r"(?![\w-])"
PATTERNS: dict[str, dict[str, str]] = {
    "run_chart": {"sv": r"seriediagram(?:met|men|mets)?", "en": r"run charts?"},
    "control_chart": {"sv": r"styrdiagram(?:met|men|mets)?", "en": r"control charts?"},
    "baseline": {"sv": r"baslinje(?:n|ns|period|året)?", "en": r"baselines?"},
    "centre_line": {"sv": r"centrallinje(?:n|ns|r|rna)?", "en": r"cent(?:re|er) lines?"},
    "control_limits": {"sv": r"styrgräns(?:en|er|erna)?", "en": r"control limits?"},
    "anhoej": {"sv": r"Anhøjs regler", "en": r"Anhøj(?:'s)? rules"},
    "signal": {"sv": r"signal(?:en|er|erna)?", "en": r"signals?"},
    "pooled_level": {
        "sv": r"sammanvägda? (?:nivå|nivån|andel|andelen|kvot|kvoten)",
        "en": r"pooled (?:levels?|proportions?|rates?)",
    },
    "its": {"sv": r"avbrut(?:en|na) tidsserie(?:n|r|rna)?", "en": r"interrupted time series"},
    "percentage_points": {"sv": r"procentenhet(?:er|erna)?", "en": r"percentage points?"},
    "confidence_interval": {"sv": r"konfidensintervall(?:et|en)?", "en": r"confidence intervals?"},
    "p_value": {"sv": r"p-värde(?:t|n|na)?", "en": r"p-values?"},
    "holm": {"sv": r"Holms?(?: metod)?", "en": r"Holm(?:'s)?(?: method)?"},
    "significant": {
        "sv": r"(?:statistiskt )?säkerställda?",
        "en": r"statistically (?:significant|established)",
    },
    "detectable": {
        "sv": r"minsta upptäckbara (?:förbättring|förbättringen|skillnad|skillnaden|förändring)",
        "en": r"(?:minimum|smallest) detectable (?:improvement|difference|change)",
    },
    "odds_ratio": {"sv": r"oddskvot(?:en|er|erna)?", "en": r"odds ratios?"},
}
# Abbreviations, matched in capitals only ("ki" in a word or "ci" is not a term).
ABBREVIATIONS: dict[str, dict[str, str]] = {"confidence_interval": {"sv": "KI", "en": "CI"}}


def _compile(key: str, lang: str) -> re.Pattern:
    words = f"{_W}(?:{PATTERNS[key][lang]}){_E}"
    short = ABBREVIATIONS.get(key, {}).get(lang)
    return re.compile(words + (f"|(?-i:{_W}{short}{_E})" if short else ""), re.IGNORECASE)


_COMPILED = {lang: {key: _compile(key, lang) for key in PATTERNS} for lang in ("sv", "en")}


def pattern(key: str, lang: str) -> re.Pattern:
    """The compiled pattern that finds term ``key`` in a text in ``lang``."""
    return _COMPILED[lang][key]


def terms_used(texts: Iterable[str], lang: str) -> tuple[str, ...]:
    """The keys of the terms that occur in ``texts``, in glossary order."""
    joined = "\n".join(str(x) for x in texts)
    return tuple(key for key in TERMS if _COMPILED[lang][key].search(joined))


def anchor(key: str) -> str:
    """The HTML id of a term's entry (ASCII, unique on a page)."""
    return f"term-{key.replace('_', '-')}"


def entry(key: str, lang: str) -> tuple[str, str]:
    """``(term, definition)`` of ``key`` in ``lang``."""
    from . import t  # the package collects this module's LABELS before it defines t

    return t(f"glossary_term_{key}", lang), t(f"glossary_def_{key}", lang)


LABELS = {
    "glossary_title": {"sv": "Ordlista", "en": "Glossary"},
    "glossary_intro": {
        "sv": "Orden i rapporten som har en bestämd statistisk betydelse, förklarade kort.",
        "en": "The words in this report that have a precise statistical meaning, briefly explained.",
    },
    "glossary_term_run_chart": {"sv": "Seriediagram", "en": "Run chart"},
    "glossary_def_run_chart": {
        "sv": "Ett diagram över måttet i tidsordning med medianen som linje. Det visar om variationen "
        "är slumpmässig eller om något förändrats, utan att anta någon fördelning.",
        "en": "A chart of the measure in time order with the median as its line. It shows whether the "
        "variation is random or something has changed, without assuming any distribution.",
    },
    "glossary_term_control_chart": {"sv": "Styrdiagram", "en": "Control chart"},
    "glossary_def_control_chart": {
        "sv": "Ett seriediagram med medelvärde och styrgränser. Punkter utanför gränserna eller mönster "
        "i serien tyder på en verklig förändring, inte slumpens vanliga variation.",
        "en": "A run chart with the mean and control limits. Points outside the limits or patterns in "
        "the series suggest a real change rather than the usual play of chance.",
    },
    "glossary_term_baseline": {"sv": "Baslinje", "en": "Baseline"},
    "glossary_def_baseline": {
        "sv": "Mätningarna före den första förändringen: nivån som senare resultat jämförs med. Månaden "
        "då en förändring börjar räknas inte till baslinjen.",
        "en": "The measurements before the first change: the level later results are compared with. "
        "The month a change starts in is not part of the baseline.",
    },
    "glossary_term_centre_line": {"sv": "Centrallinje", "en": "Centre line"},
    "glossary_def_centre_line": {
        "sv": "Den vågräta linjen i ett diagram som visar den typiska nivån: medianen i ett seriediagram, "
        "medelvärdet i ett styrdiagram.",
        "en": "The horizontal line in a chart that shows the typical level: the median in a run chart, "
        "the mean in a control chart.",
    },
    "glossary_term_control_limits": {"sv": "Styrgränser", "en": "Control limits"},
    "glossary_def_control_limits": {
        "sv": "Linjerna tre standardavvikelser över och under centrallinjen. Nästan alla punkter hamnar "
        "innanför dem så länge inget har förändrats.",
        "en": "The lines three standard deviations above and below the centre line. Nearly all points fall "
        "inside them as long as nothing has changed.",
    },
    "glossary_term_anhoej": {"sv": "Anhøjs regler", "en": "Anhøj rules"},
    "glossary_def_anhoej": {
        "sv": "Två regler för seriediagram: en för lång serie punkter på samma sida om medianen, eller för "
        "få korsningar av medianen, är en signal om att något förändrats. Gränserna beror på antalet "
        "punkter (Anhøj och Olesen 2014).",
        "en": "Two rules for run charts: too long a run of points on one side of the median, or too few "
        "crossings of the median, signals that something has changed. The limits depend on the "
        "number of points (Anhøj and Olesen 2014).",
    },
    "glossary_term_signal": {"sv": "Signal", "en": "Signal"},
    "glossary_def_signal": {
        "sv": "Ett mönster som slumpen sällan ger (enligt reglerna ovan): ett tecken på en verklig "
        "förändring som är värd att förstå. Ingen signal betyder inte att inget hänt, bara att "
        "data inte visar det än.",
        "en": "A pattern chance rarely produces (by the rules above): a sign of a real change worth "
        "understanding. No signal does not mean nothing happened, only that the data do not show it yet.",
    },
    "glossary_term_pooled_level": {"sv": "Sammanvägd nivå", "en": "Pooled level"},
    "glossary_def_pooled_level": {
        "sv": "Nivån för en hel period: för en andel summan av täljarna delad med summan av nämnarna, så "
        "att stora månader väger mer än små. Den kan skilja sig något från medianen i diagrammet.",
        "en": "The level of a whole period: for a proportion the sum of the numerators divided by the sum "
        "of the denominators, so that large months weigh more than small ones. It can differ "
        "slightly from the chart's median.",
    },
    "glossary_term_its": {"sv": "Avbruten tidsserie", "en": "Interrupted time series"},
    "glossary_def_its": {
        "sv": "En jämförelse mellan nivån efter en förändring och den nivå trenden före förändringen "
        "skulle ha gett, så att en förbättring som redan pågick inte räknas som effekt.",
        "en": "A comparison of the level after a change with the level the trend before it would have "
        "given, so that an improvement already under way is not counted as an effect.",
    },
    "glossary_term_percentage_points": {"sv": "Procentenheter", "en": "Percentage points"},
    "glossary_def_percentage_points": {
        "sv": "Skillnaden mellan två procenttal: från 30 % till 35 % är 5 procentenheter (men en ökning "
        "med 17 procent).",
        "en": "The difference between two percentages: from 30% to 35% is 5 percentage points (but an "
        "increase of 17 per cent).",
    },
    "glossary_term_confidence_interval": {
        "sv": "Konfidensintervall (KI)",
        "en": "Confidence interval (CI)",
    },
    "glossary_def_confidence_interval": {
        "sv": "Det spann av värden som är förenliga med data. Ett 95 % KI fångar det sanna värdet i 95 av "
        "100 undersökningar; ett brett intervall betyder att vi vet lite.",
        "en": "The range of values compatible with the data. A 95% CI catches the true value in 95 of 100 "
        "studies; a wide interval means we know little.",
    },
    "glossary_term_p_value": {"sv": "p-värde", "en": "p-value"},
    "glossary_def_p_value": {
        "sv": "Hur ofta en skillnad minst så här stor skulle uppstå av en slump om det inte fanns någon "
        "verklig skillnad. Ett litet p-värde (under 0,05) talar emot slumpen; det säger inget om hur "
        "stor eller viktig skillnaden är.",
        "en": "How often a difference at least this large would arise by chance if there were no real "
        "difference. A small p-value (below 0.05) speaks against chance; it says nothing about how "
        "large or important the difference is.",
    },
    "glossary_term_holm": {"sv": "Holms metod", "en": "Holm's method"},
    "glossary_def_holm": {
        "sv": "När många frågor prövas samtidigt hittar slumpen förr eller senare en skillnad. Holms metod "
        "skärper kraven så att risken för ett enda falskt fynd bland alla frågor hålls under 5 %.",
        "en": "When many questions are tested at once, chance sooner or later finds a difference. Holm's "
        "method tightens the requirement so that the risk of even one false finding among all the "
        "questions stays below 5%.",
    },
    "glossary_term_significant": {
        "sv": "Statistiskt säkerställd",
        "en": "Statistically significant",
    },
    "glossary_def_significant": {
        "sv": "Skillnaden är större än slumpen rimligen ger (p-värdet under den valda gränsen, "
        "konfidensintervallet utan noll). Det säger att skillnaden finns, inte att den är stor.",
        "en": "The difference is larger than chance reasonably produces (the p-value below the chosen "
        "limit, the confidence interval excluding zero). It says the difference exists, not that it "
        "is large.",
    },
    "glossary_term_detectable": {
        "sv": "Minsta upptäckbara förbättring",
        "en": "Smallest detectable improvement",
    },
    "glossary_def_detectable": {
        "sv": "Den minsta förändring som mätningarna med god sannolikhet kan visa. Är den verkliga "
        "förändringen mindre betyder \u201dingen säkerställd skillnad\u201d inte att inget hänt.",
        "en": "The smallest change the measurements can show with good probability. If the real "
        "change is smaller, \u201cno significant difference\u201d does not mean nothing happened.",
    },
    "glossary_term_odds_ratio": {"sv": "Oddskvot", "en": "Odds ratio"},
    "glossary_def_odds_ratio": {
        "sv": "Oddsen (andelen ja delad med andelen nej) i en grupp delade med oddsen i en annan. 1 betyder "
        "ingen skillnad, över 1 högre och under 1 lägre; när andelarna är små liknar den en kvot "
        "mellan andelarna.",
        "en": "The odds (the share of yes divided by the share of no) in one group divided by the odds in "
        "another. 1 means no difference, above 1 higher and below 1 lower; when the shares are small "
        "it resembles the ratio of the shares.",
    },
}
