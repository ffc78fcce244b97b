"""Synthetic programme tables: municipalities, teams, measures, observations, changes, indicators.

Everything here is invented but shaped like the network's real work (Region Jönköpings län,
"Bästa platsen att växa upp, leva och bo på"). The tables are built in memory as bytes in exactly
the raw format of ``data/raw/README.md`` (``;``-separated, decimal comma, UTF-8 with BOM, CRLF
as Excel-Swedish saves them) so that ``write_sample`` can write them atomically.

Randomness: one ``numpy.random.default_rng`` per series, seeded with ``(SEED, crc32(name), k)``,
so a series never changes when another one is added or edited.

Noise is pure binomial (p charts), Poisson (c, u charts) or normal (i, run charts): the null
series have no special-cause variation at all, and every real effect is a level step large
enough for an SPC phase comparison or an interrupted time series to detect. ``TRUE_EFFECTS``
says which.
"""

from __future__ import annotations

import csv
import io
import json
import zlib
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from ..kolada.catalogue import KPI_COLUMNS
from ..schemas import REGION_CODE
from . import indicators

SEED = 20190901

# ---------------------------------------------------------------------------------------------
# Municipalities of Jönköpings län (SCB/Kolada codes) with approximate populations (weights).
# ---------------------------------------------------------------------------------------------

MUNICIPALITIES: tuple[tuple[str, str, int, bool], ...] = (
    # code, name, population (approx.), in the network
    ("0604", "Aneby", 6900, True),
    ("0617", "Gnosjö", 9600, True),
    ("0642", "Mullsjö", 7300, True),
    ("0643", "Habo", 12600, True),
    ("0662", "Gislaved", 29700, False),
    ("0665", "Vaggeryd", 14300, True),
    ("0680", "Jönköping", 144000, True),
    ("0682", "Nässjö", 31700, True),
    ("0683", "Värnamo", 34700, True),
    ("0684", "Sävsjö", 11400, False),
    ("0685", "Vetlanda", 27800, True),
    ("0686", "Eksjö", 17600, True),
    ("0687", "Tranås", 19300, True),
)

# ---------------------------------------------------------------------------------------------
# Teams
# ---------------------------------------------------------------------------------------------

TEAMS: tuple[dict, ...] = (
    dict(
        team_id="attarp",
        team_name="Attarpskolan",
        municipality_code="0680",
        focus_area="fullföljda studier",
        cohort=2019,
        start_date="2019-08-19",
        aim="Närvaron på Attarpskolan ska öka från 88 % till minst 95 % senast juni 2020",
    ),
    dict(
        team_id="rydaholm",
        team_name="Rydaholms familjecentral",
        municipality_code="0683",
        focus_area="psykisk hälsa",
        cohort=2019,
        start_date="2019-09-01",
        aim="Minst 80 % av förstagångsföräldrarna i Rydaholm deltar i föräldragrupp före "
        "barnets födelse senast december 2021",
    ),
    dict(
        team_id="nassjo",
        team_name="Nässjö föräldraskapsstöd",
        municipality_code="0682",
        focus_area="psykisk hälsa",
        cohort=2019,
        start_date="2019-09-01",
        aim="Alla nyblivna föräldrar i Nässjö får ett gemensamt hembesök av BVC och "
        "socialtjänst senast 2021",
    ),
    dict(
        team_id="varnamo",
        team_name="Arena för hälsa, Värnamo",
        municipality_code="0683",
        focus_area="fysisk aktivitet",
        cohort=2019,
        start_date="2019-09-01",
        aim="70 % av barnen i Arena för hälsa rör sig minst 60 minuter om dagen senast "
        "augusti 2022",
    ),
    dict(
        team_id="jamlikt",
        team_name="Jämlikt föräldraskapsstöd",
        municipality_code=REGION_CODE,
        focus_area="psykisk hälsa",
        cohort=2021,
        start_date="2021-09-01",
        aim="Föräldrar med utländsk bakgrund deltar i föräldragrupper i samma utsträckning "
        "som andra föräldrar senast 2024",
    ),
    dict(
        team_id="vetlanda",
        team_name="Allaktivitetshus Vetlanda",
        municipality_code="0685",
        focus_area="fysisk aktivitet",
        cohort=2021,
        start_date="2021-09-01",
        aim="500 besök per månad av barn 6–15 år i Allaktivitetshuset senast december 2023",
    ),
    dict(
        team_id="mullsjo",
        team_name="Familjecentralen i Mullsjö",
        municipality_code="0642",
        focus_area="psykisk hälsa",
        cohort=2021,
        start_date="2021-09-01",
        aim="Alla förstagångsföräldrar i Mullsjö erbjuds föräldragrupp före och efter "
        "födseln senast 2022-12-31",
    ),
    dict(
        team_id="gnosjo",
        team_name="Gnosjö tidiga samordnade insatser",
        municipality_code="0617",
        focus_area="psykisk hälsa",
        cohort=2021,
        start_date="2021-09-01",
        aim="Alla barn med orosanmälan får en första kontakt inom 14 dagar senast juni 2023",
    ),
    dict(
        team_id="aneby",
        team_name="Aneby rörelse i skolan",
        municipality_code="0604",
        focus_area="fysisk aktivitet",
        cohort=2021,
        start_date="2021-09-01",
        aim="Minst 60 % av eleverna är fysiskt aktiva på rasterna senast juni 2023",
    ),
)

# ---------------------------------------------------------------------------------------------
# Changes (the PDSA log). Dates fall on period starts (a Monday for weekly series, the first of
# the month for monthly ones), so "the first period after the change" is never ambiguous.
# ---------------------------------------------------------------------------------------------

CHANGES: tuple[dict, ...] = (
    dict(
        team_id="attarp",
        change_no=1,
        date="2019-11-11",
        title="Mentorsamtal vid upprepad frånvaro",
        pdsa_step="study",
        measures="narvaro",
        description="Mentorn har ett samtal med eleven efter det tredje frånvarotillfället.",
    ),
    dict(
        team_id="attarp",
        change_no=2,
        date="2019-12-09",
        title="Sms samma dag till vårdnadshavare vid frånvaro",
        pdsa_step="act",
        measures="narvaro,samma_dag_kontakt,tid_franvaro",
        description="Vårdnadshavare till frånvarande elever får sms eller samtal före kl. 10 "
        "samma dag.",
        idea="sms_till_foraldrar",
    ),
    dict(
        team_id="attarp",
        change_no=3,
        date="2020-02-03",
        title="Personligt välkomnande vid entrén varje morgon",
        pdsa_step="do",
        measures="narvaro",
        description="Rektor och elevhälsa hälsar eleverna välkomna vid entrén.",
    ),
    dict(
        team_id="rydaholm",
        change_no=1,
        date="2020-08-01",
        title="Personlig inbjudan via barnmorskemottagningen",
        pdsa_step="act",
        measures="inbjudan,deltagande",
        description="Barnmorskan bjuder in till föräldragruppen vid inskrivningen.",
        idea="inbjudan_barnmorska",
    ),
    dict(
        team_id="rydaholm",
        change_no=2,
        date="2021-04-01",
        title="Föräldragrupp på kvällstid",
        pdsa_step="study",
        measures="deltagande",
        description="Gruppträffarna flyttas till kl. 18 så att båda föräldrarna kan komma.",
    ),
    dict(
        team_id="rydaholm",
        change_no=3,
        date="2021-09-01",
        title="Öppen förskola för blivande föräldrar",
        pdsa_step="do",
        measures="oppen_forskola",
        description="",
    ),
    dict(
        team_id="nassjo",
        change_no=1,
        date="2020-09-01",
        title="Gemensamt hembesök BVC och socialtjänst",
        pdsa_step="act",
        measures="hembesok,deltagande",
        description="BVC-sjuksköterskan och en föräldraskapsstödjare från socialtjänsten gör "
        "det första hembesöket tillsammans.",
    ),
    dict(
        team_id="nassjo",
        change_no=2,
        date="2021-06-01",
        title="Sms-påminnelse inför hembesöket",
        pdsa_step="study",
        measures="hembesok,vantetid",
        description="",
        idea="sms_till_foraldrar",
    ),
    dict(
        team_id="varnamo",
        change_no=1,
        date="2020-09-01",
        title="Familjeaktiviteter på lördagar i Arena för hälsa",
        pdsa_step="act",
        measures="fysisk_aktivitet",
        description="Hela familjen bjuds in till ett rörelsepass varje lördag.",
        idea="prova_pa_aktiviteter",
    ),
    dict(
        team_id="varnamo",
        change_no=2,
        date="2021-03-01",
        title="Aktivitetskompis följer med till första passet",
        pdsa_step="act",
        measures="aktivitetstillfallen",
        description="En äldre elev följer med barnet till de första föreningsaktiviteterna.",
    ),
    dict(
        team_id="varnamo",
        change_no=3,
        date="2021-10-01",
        title="Digital aktivitetsdagbok",
        pdsa_step="do",
        measures="avbrott",
        description="",
    ),
    dict(
        team_id="jamlikt",
        change_no=1,
        date="2022-06-01",
        title="Gemensam utbildning av gruppledare i länet",
        pdsa_step="act",
        measures="grupper",
        description="Gruppledare från alla familjecentraler utbildas tillsammans i basprogrammet.",
    ),
    dict(
        team_id="jamlikt",
        change_no=2,
        date="2022-11-01",
        title="Inbjudan på flera språk och tolk vid gruppträffar",
        pdsa_step="act",
        measures="andel_utlandsk",
        description="Inbjudan på arabiska, somaliska, tigrinja och dari; tolk bokas till "
        "varje träff.",
    ),
    dict(
        team_id="jamlikt",
        change_no=3,
        date="2023-09-01",
        title="Digitala föräldraträffar",
        pdsa_step="study",
        measures="grupper,andel_utlandsk,fullfoljt",
        description="",
    ),
    dict(
        team_id="vetlanda",
        change_no=1,
        date="2022-06-01",
        title="Prova-på-aktiviteter direkt efter skoldagen",
        pdsa_step="act",
        measures="besok",
        description="Föreningar leder prova-på-pass kl. 15–17 i Allaktivitetshuset.",
        idea="prova_pa_aktiviteter",
    ),
    dict(
        team_id="vetlanda",
        change_no=2,
        date="2023-01-01",
        title="Tjejkvällar varannan torsdag",
        pdsa_step="study",
        measures="andel_flickor",
        description="",
    ),
    dict(
        team_id="mullsjo",
        change_no=1,
        date="2022-06-01",
        title="Barnmorskan bokar in föräldragruppen vid inskrivningen",
        pdsa_step="act",
        measures="erbjudits",
        description="",
        idea="inbjudan_barnmorska",
    ),
    dict(
        team_id="mullsjo",
        change_no=2,
        date="2023-02-01",
        title="Gruppträff efter födseln på BVC",
        pdsa_step="do",
        measures="skattning",
        description="",
    ),
    dict(
        team_id="gnosjo",
        change_no=1,
        date="2022-06-01",
        title="Fast tid varje vecka för bedömning av orosanmälningar",
        pdsa_step="act",
        measures="forsta_kontakt",
        description="",
    ),
    dict(
        team_id="gnosjo",
        change_no=2,
        date="2022-10-01",
        title="Barnets egen inbjudan till SIP-mötet",
        pdsa_step="study",
        measures="sip_delaktighet",
        description="",
    ),
)

# ---------------------------------------------------------------------------------------------
# Measures and how their series are generated
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """How one measure's observations are generated.

    ``level`` is the baseline level (a share for p charts, a rate per unit for u charts, a mean
    for c, i and run charts). ``effect`` is a level step from the first period on or after
    change ``change_no``: absolute for p, i and run charts, relative (``+0.25`` = 25 % more)
    for c and u charts. ``season`` adds to the share per calendar month (p charts only).
    """

    team_id: str
    measure_id: str
    measure_name: str
    measure_type: str
    chart: str
    unit: str
    frequency: str
    direction: str
    target: float | None
    start: str
    n_periods: int
    level: float
    denominator: float = 0.0  # mean denominator (p, u)
    sd: float = 0.0  # noise sd (i, run)
    change_no: int | None = None  # the change that truly moves the measure
    effect: float = 0.0
    decimals: int = 1  # for value columns
    season: dict[int, float] = field(default_factory=dict)
    missing: tuple[str, ...] = ()  # periods simply absent
    denominator_from: str | None = (
        None  # measure id of the same team whose values are the denominators
    )
    four_day_weeks: int = 0  # weekly attendance: weeks with a holiday (denominator x 4/5)
    seed: int = 0  # bumped only to re-draw a series

    @property
    def scale(self) -> str:
        return "relative" if self.chart in ("c", "u") else "absolute"


# Summer dip in physical activity (no school sport, no club season): added to the share.
SUMMER_DIP = {5: -0.02, 6: -0.08, 7: -0.14, 8: -0.07}

SERIES: tuple[Series, ...] = (
    # --- Attarpskolan: weekly, ~300 pupils ---
    Series(
        "attarp",
        "narvaro",
        "Andel närvarande elevdagar",
        "outcome",
        "p",
        "%",
        "week",
        "up",
        0.95,
        "2019-09-02",
        30,
        level=0.88,
        denominator=300,
        change_no=2,
        effect=0.05,
        four_day_weeks=3,
    ),
    Series(
        "attarp",
        "samma_dag_kontakt",
        "Andel frånvarodagar då vårdnadshavare kontaktades samma dag",
        "process",
        "p",
        "%",
        "week",
        "up",
        0.9,
        "2019-09-02",
        30,
        level=0.35,
        denominator=170,
        change_no=2,
        effect=0.50,
    ),
    Series(
        "attarp",
        "tid_franvaro",
        "Lärarnas tid för frånvarouppföljning",
        "balancing",
        "i",
        "timmar per vecka",
        "week",
        "down",
        None,
        "2019-09-02",
        30,
        level=6.0,
        sd=0.8,
        change_no=2,
        seed=1,
    ),
    # --- Rydaholms familjecentral: monthly ---
    Series(
        "rydaholm",
        "inbjudan",
        "Andel blivande föräldrar som fått personlig inbjudan till föräldragrupp",
        "process",
        "p",
        "%",
        "month",
        "up",
        0.9,
        "2019-10-01",
        36,
        level=0.40,
        denominator=24,
        change_no=1,
        effect=0.45,
    ),
    Series(
        "rydaholm",
        "deltagande",
        "Andel förstagångsföräldrar som deltar i föräldragrupp",
        "outcome",
        "p",
        "%",
        "month",
        "up",
        0.8,
        "2019-10-01",
        36,
        level=0.45,
        denominator=14,
        change_no=1,
        seed=1,
    ),
    Series(
        "rydaholm",
        "oppen_forskola",
        "Antal besök av blivande föräldrar på öppna förskolan",
        "process",
        "run",
        "antal",
        "month",
        "up",
        None,
        "2019-10-01",
        36,
        level=18.0,
        sd=3.0,
        change_no=3,
        decimals=0,
    ),
    # --- Nässjö: monthly; July 2020 was never reported (the missing period) ---
    Series(
        "nassjo",
        "hembesok",
        "Andel nyblivna föräldrar med gemensamt hembesök",
        "process",
        "p",
        "%",
        "month",
        "up",
        0.9,
        "2019-09-01",
        30,
        level=0.30,
        denominator=30,
        change_no=1,
        effect=0.45,
        missing=("2020-07-01",),
    ),
    Series(
        "nassjo",
        "deltagande",
        "Andel familjer som besöker öppna förskolan inom tre månader",
        "outcome",
        "p",
        "%",
        "month",
        "up",
        None,
        "2019-09-01",
        30,
        level=0.55,
        denominator=30,
        change_no=1,
    ),
    Series(
        "nassjo",
        "vantetid",
        "Väntetid till första hembesöket",
        "balancing",
        "i",
        "dagar",
        "month",
        "down",
        14.0,
        "2019-09-01",
        30,
        level=16.0,
        sd=2.5,
        change_no=2,
        seed=2,
    ),
    # --- Arena för hälsa, Värnamo: monthly, 36 months, physical activity is seasonal ---
    Series(
        "varnamo",
        "fysisk_aktivitet",
        "Andel barn som rör sig minst 60 minuter om dagen",
        "outcome",
        "p",
        "%",
        "month",
        "up",
        0.7,
        "2019-09-01",
        36,
        level=0.42,
        denominator=110,
        change_no=1,
        effect=0.15,
        season=SUMMER_DIP,
        seed=2,
    ),
    Series(
        "varnamo",
        "aktivitetstillfallen",
        "Aktivitetstillfällen per barn i programmet",
        "process",
        "u",
        "per barn och månad",
        "month",
        "up",
        None,
        "2019-09-01",
        36,
        level=2.0,
        denominator=110,
        change_no=2,
        effect=0.35,
    ),
    Series(
        "varnamo",
        "avbrott",
        "Andel familjer som avbryter programmet",
        "balancing",
        "p",
        "%",
        "month",
        "down",
        None,
        "2019-09-01",
        36,
        level=0.05,
        denominator=110,
        change_no=3,
    ),
    # --- Jämlikt föräldraskapsstöd (county-wide): monthly ---
    Series(
        "jamlikt",
        "grupper",
        "Antal startade föräldragrupper i länet",
        "process",
        "c",
        "antal",
        "month",
        "up",
        None,
        "2021-09-01",
        36,
        level=20.0,
        change_no=1,
        effect=0.6,
        decimals=0,
        seed=5,
    ),
    Series(
        "jamlikt",
        "andel_utlandsk",
        "Andel deltagare i föräldragrupp med utländsk bakgrund",
        "outcome",
        "p",
        "%",
        "month",
        "up",
        0.25,
        "2021-09-01",
        36,
        level=0.12,
        denominator=150,
        change_no=2,
        effect=0.08,
    ),
    Series(
        "jamlikt",
        "fullfoljt",
        "Andel deltagare som är med på minst tre av fyra träffar",
        "balancing",
        "p",
        "%",
        "month",
        "up",
        None,
        "2021-09-01",
        36,
        level=0.72,
        denominator=150,
        change_no=3,
        seed=3,
    ),
    # --- Allaktivitetshus Vetlanda: monthly ---
    Series(
        "vetlanda",
        "besok",
        "Antal besök av barn 6–15 år",
        "outcome",
        "c",
        "antal",
        "month",
        "up",
        500.0,
        "2021-09-01",
        28,
        level=340.0,
        change_no=1,
        effect=0.25,
        decimals=0,
    ),
    Series(
        "vetlanda",
        "andel_flickor",
        "Andel besök av flickor",
        "balancing",
        "p",
        "%",
        "month",
        "up",
        0.5,
        "2021-09-01",
        28,
        level=0.38,
        denominator_from="besok",
        change_no=2,
        seed=1,
    ),
    # --- Familjecentralen i Mullsjö: monthly, small numbers ---
    Series(
        "mullsjo",
        "erbjudits",
        "Andel förstagångsföräldrar som erbjudits föräldragrupp",
        "process",
        "p",
        "%",
        "month",
        "up",
        1.0,
        "2021-09-01",
        28,
        level=0.50,
        denominator=9,
        change_no=1,
        effect=0.45,
    ),
    Series(
        "mullsjo",
        "skattning",
        "Föräldrarnas skattning av stödet (1–5), medelvärde",
        "outcome",
        "i",
        "skala 1–5",
        "month",
        "up",
        None,
        "2021-09-01",
        28,
        level=3.9,
        sd=0.25,
        change_no=2,
        decimals=2,
        seed=1,
    ),
    # --- Gnosjö: monthly ---
    Series(
        "gnosjo",
        "forsta_kontakt",
        "Andel barn med orosanmälan som fått första kontakt inom 14 dagar",
        "process",
        "p",
        "%",
        "month",
        "up",
        0.9,
        "2021-09-01",
        24,
        level=0.45,
        denominator=18,
        change_no=1,
        effect=0.40,
        seed=3,
    ),
    Series(
        "gnosjo",
        "sip_delaktighet",
        "Andel SIP-möten där barnet eller den unga deltog",
        "outcome",
        "p",
        "%",
        "month",
        "up",
        None,
        "2021-09-01",
        24,
        level=0.40,
        denominator=10,
        change_no=2,
    ),
    # --- Aneby: weekly, no changes tested yet (the whole series is baseline) ---
    Series(
        "aneby",
        "rast_aktivitet",
        "Andel observerade elever som är fysiskt aktiva på rasten",
        "outcome",
        "p",
        "%",
        "week",
        "up",
        0.6,
        "2022-01-10",
        24,
        level=0.45,
        denominator=120,
    ),
    Series(
        "aneby",
        "schemalagd_rorelse",
        "Minuter schemalagd rörelse per elev och vecka",
        "process",
        "run",
        "minuter",
        "week",
        "up",
        120.0,
        "2022-01-10",
        24,
        level=95.0,
        sd=7.0,
        decimals=0,
    ),
)


# Ground truth for the tests of the effect analysis: (team_id, measure_id) -> the change that
# truly moved the measure (None when no change aimed at it), the size of the level step (0.0 =
# no effect; absolute for p/i/run, relative for c/u), and the levels before and after.
def true_effects(series: tuple[Series, ...]) -> dict[tuple[str, str], dict]:
    """The ground truth of ``series``: (team_id, measure_id) -> change_no, effect, levels."""
    return {
        (s.team_id, s.measure_id): {
            "change_no": s.change_no,
            "effect": float(s.effect),
            "kind": "level",
            "scale": s.scale,
            "before": s.level,
            "after": (s.level * (1 + s.effect) if s.scale == "relative" else s.level + s.effect),
        }
        for s in series
    }


TRUE_EFFECTS: dict[tuple[str, str], dict] = true_effects(SERIES)

# ---------------------------------------------------------------------------------------------
# Driver diagrams (påverkansanalys)
# ---------------------------------------------------------------------------------------------

DRIVERS: dict[str, dict] = {
    "attarp": {
        "primary": [
            (
                "Eleven vill och orkar komma till skolan",
                [
                    (
                        "Trygga och välkomnande morgnar",
                        [
                            ("Personligt välkomnande vid entrén", [3], ["narvaro"]),
                            ("Frukost i skolan för elever som inte ätit", [], ["narvaro"]),
                        ],
                    ),
                    (
                        "Vuxen som följer upp frånvaron",
                        [
                            ("Mentorsamtal vid upprepad frånvaro", [1], ["narvaro"]),
                        ],
                    ),
                ],
            ),
            (
                "Skola och hem samarbetar kring närvaron",
                [
                    (
                        "Snabb kontakt med vårdnadshavare",
                        [
                            (
                                "Sms eller samtal samma dag vid frånvaro",
                                [2],
                                ["narvaro", "samma_dag_kontakt", "tid_franvaro"],
                            ),
                        ],
                    ),
                    (
                        "Gemensam bild av frånvaron",
                        [
                            ("Frånvarostatistik till vårdnadshavare varje månad", [], ["narvaro"]),
                        ],
                    ),
                ],
            ),
        ],
    },
    "rydaholm": {
        "primary": [
            (
                "Blivande föräldrar känner till föräldragruppen",
                [
                    (
                        "Inbjudan där föräldrarna redan är",
                        [
                            (
                                "Personlig inbjudan via barnmorskemottagningen",
                                [1],
                                ["inbjudan", "deltagande"],
                            ),
                            ("Öppen förskola för blivande föräldrar", [3], ["oppen_forskola"]),
                        ],
                    ),
                ],
            ),
            (
                "Gruppen passar föräldrarnas vardag",
                [
                    (
                        "Tider som passar båda föräldrarna",
                        [
                            ("Föräldragrupp på kvällstid", [2], ["deltagande"]),
                            ("Barnvakt under träffarna", [], ["deltagande"]),
                        ],
                    ),
                ],
            ),
        ],
    },
    "nassjo": {
        "primary": [
            (
                "Tidig och samordnad kontakt med nyblivna föräldrar",
                [
                    (
                        "BVC och socialtjänst möter familjen tillsammans",
                        [
                            (
                                "Gemensamt hembesök BVC och socialtjänst",
                                [1],
                                ["hembesok", "deltagande"],
                            ),
                        ],
                    ),
                    (
                        "Föräldrarna vet vad besöket innebär",
                        [
                            ("Sms-påminnelse inför hembesöket", [2], ["hembesok", "vantetid"]),
                            ("Informationsblad på flera språk", [], ["hembesok"]),
                        ],
                    ),
                ],
            ),
            (
                "Familjen hittar vidare till öppna förskolan",
                [
                    (
                        "Personlig överlämning",
                        [
                            (
                                "Föräldraskapsstödjaren följer med till första besöket",
                                [],
                                ["deltagande"],
                            ),
                        ],
                    ),
                ],
            ),
        ],
    },
    "varnamo": {
        "primary": [
            (
                "Barnet rör sig mer i vardagen",
                [
                    (
                        "Rörelse som hela familjen gör tillsammans",
                        [
                            (
                                "Familjeaktiviteter på lördagar i Arena för hälsa",
                                [1],
                                ["fysisk_aktivitet"],
                            ),
                        ],
                    ),
                    (
                        "Barnet hittar en aktivitet i en förening",
                        [
                            (
                                "Aktivitetskompis följer med till första passet",
                                [2],
                                ["aktivitetstillfallen"],
                            ),
                        ],
                    ),
                ],
            ),
            (
                "Familjen stannar kvar i programmet",
                [
                    (
                        "Uppföljning som känns meningsfull",
                        [
                            ("Digital aktivitetsdagbok", [3], ["avbrott"]),
                            ("Återkoppling till familjen varje månad", [], ["avbrott"]),
                        ],
                    ),
                ],
            ),
        ],
    },
    "jamlikt": {
        "primary": [
            (
                "Föräldragrupper finns i hela länet",
                [
                    (
                        "Fler utbildade gruppledare",
                        [
                            ("Gemensam utbildning av gruppledare i länet", [1], ["grupper"]),
                        ],
                    ),
                    (
                        "Grupper som går att nå hemifrån",
                        [
                            (
                                "Digitala föräldraträffar",
                                [3],
                                ["grupper", "andel_utlandsk", "fullfoljt"],
                            ),
                        ],
                    ),
                ],
            ),
            (
                "Alla föräldrar känner sig välkomna",
                [
                    (
                        "Språket är inget hinder",
                        [
                            (
                                "Inbjudan på flera språk och tolk vid gruppträffar",
                                [2],
                                ["andel_utlandsk"],
                            ),
                            ("Kulturtolk som medledare", [], ["andel_utlandsk", "fullfoljt"]),
                        ],
                    ),
                ],
            ),
        ],
    },
}


# ---------------------------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------------------------


def _rng(name: str, k: int = 0) -> np.random.Generator:
    return np.random.default_rng([SEED, zlib.crc32(name.encode("utf-8")), k])


def _periods(start: str, n: int, frequency: str) -> list[date]:
    first = date.fromisoformat(start)
    if frequency == "week":
        if first.weekday() != 0:
            raise ValueError(f"weekly series must start on a Monday, not {start}")
        return [first + timedelta(weeks=i) for i in range(n)]
    if first.day != 1:
        raise ValueError(f"monthly series must start on the first of a month, not {start}")
    return [
        date(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1, 1)
        for i in range(n)
    ]


def _change_date(team_id: str, change_no: int, changes: tuple[dict, ...] = CHANGES) -> date:
    for c in changes:
        if c["team_id"] == team_id and c["change_no"] == change_no:
            return date.fromisoformat(c["date"])
    raise KeyError(f"no change {change_no} for team {team_id}")


def _series_rows(
    s: Series,
    generated: dict[tuple[str, str], dict[date, int]],
    changes: tuple[dict, ...] = CHANGES,
) -> list[dict]:
    """Observations of one measure: a list of dicts with period, value, numerator, denominator."""
    rng = _rng(f"{s.team_id}/{s.measure_id}", s.seed)
    periods = _periods(s.start, s.n_periods, s.frequency)
    step_from = (
        _change_date(s.team_id, s.change_no, changes) if (s.change_no and s.effect) else None
    )
    missing = {date.fromisoformat(d) for d in s.missing}
    four_day = set()
    if s.four_day_weeks:
        # holidays in weeks 5..n-2 (never in the first or last week)
        four_day = set(rng.choice(np.arange(4, s.n_periods - 1), s.four_day_weeks, replace=False))
    rows = []
    for i, period in enumerate(periods):
        after = step_from is not None and period >= step_from
        # draw for every period, even a missing one, so that the absence changes nothing else
        if s.chart == "p":
            share = s.level + (s.effect if after else 0.0) + s.season.get(period.month, 0.0)
            share = min(max(share, 0.0), 1.0)
            if s.denominator_from:
                den = generated[(s.team_id, s.denominator_from)][period]
            elif s.four_day_weeks:  # attendance: possible pupil-days = pupils x school days
                pupils = int(rng.integers(s.denominator - 6, s.denominator + 7))
                den = pupils * (4 if i in four_day else 5)
            else:
                den = max(3, int(rng.poisson(s.denominator)))
            num = int(rng.binomial(den, share))
            row = dict(value=None, numerator=num, denominator=den)
        elif s.chart == "u":
            rate = s.level * ((1 + s.effect) if after else 1.0)
            den = max(3, int(rng.poisson(s.denominator)))
            num = int(rng.poisson(rate * den))
            row = dict(value=None, numerator=num, denominator=den)
        elif s.chart == "c":
            mean = s.level * ((1 + s.effect) if after else 1.0)
            row = dict(value=float(rng.poisson(mean)), numerator=None, denominator=None)
        else:  # i, run: normal noise
            mean = s.level + (s.effect if after else 0.0)
            row = dict(
                value=round(float(rng.normal(mean, s.sd)), s.decimals),
                numerator=None,
                denominator=None,
            )
        if period in missing:
            continue
        rows.append(dict(period=period, **row))
    generated[(s.team_id, s.measure_id)] = {
        r["period"]: int(r["value"]) for r in rows if s.chart == "c"
    }
    return rows


# ---------------------------------------------------------------------------------------------
# Formatting: the raw format (Excel-Swedish CSV)
# ---------------------------------------------------------------------------------------------


def _num(x: float | int | None, decimals: int | None = None) -> str:
    """A number with decimal comma; ``None`` is an empty cell."""
    if x is None:
        return ""
    if isinstance(x, int) and not isinstance(x, bool):
        return str(x)
    if decimals is None:
        text = f"{x:.10g}"
    else:
        text = f"{x:.{decimals}f}"
    return text.replace(".", ",")


def csv_bytes(header: tuple[str, ...] | list[str], rows: list[list[str]]) -> bytes:
    """``;``-separated CSV, UTF-8 with BOM, CRLF line ends: how Excel (Swedish) saves CSV."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def _yaml_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def driver_yaml(
    team_id: str, teams: tuple[dict, ...] = TEAMS, drivers: dict[str, dict] | None = None
) -> bytes:
    """The driver diagram of ``team_id`` as ``drivers/<team_id>.yml`` (block YAML, LF, no BOM)."""
    team = next(t for t in teams if t["team_id"] == team_id)
    spec = (DRIVERS if drivers is None else drivers)[team_id]
    lines = [
        f"# Driver diagram (påverkansanalys) of {team['team_name']}. Synthetic sample data.",
        f"team_id: {team_id}",
        f"aim: {_yaml_str(team['aim'])}",
        "primary_drivers:",
    ]
    s_no = c_no = 0
    for p_no, (p_text, secondaries) in enumerate(spec["primary"], start=1):
        lines += [f"  - id: P{p_no}", f"    text: {_yaml_str(p_text)}", "    secondary_drivers:"]
        for s_text, ideas in secondaries:
            s_no += 1
            lines += [
                f"      - id: S{s_no}",
                f"        text: {_yaml_str(s_text)}",
                "        change_ideas:",
            ]
            for i_text, changes, measures in ideas:
                c_no += 1
                lines += [
                    f"          - id: C{c_no}",
                    f"            text: {_yaml_str(i_text)}",
                    f"            changes: [{', '.join(str(c) for c in changes)}]",
                    f"            measures: [{', '.join(measures)}]",
                ]
    return ("\n".join(lines) + "\n").encode("utf-8")


# ---------------------------------------------------------------------------------------------
# The tables
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Programme:
    """What the programme tables are generated from: the built-in sample's tables by default,
    or a larger network (``analysis.sample.county``)."""

    municipalities: tuple[tuple[str, str, int, bool], ...]
    teams: tuple[dict, ...]
    series: tuple[Series, ...]
    changes: tuple[dict, ...]
    drivers: dict[str, dict]
    readme: str


def programme_files(programme: Programme | None = None) -> dict[str, bytes]:
    """Every programme table as ``{relative path: file content}``, in a stable order.

    ``programme``: what to generate (default: the built-in sample, :func:`sample_programme`).
    """
    p = programme if programme is not None else sample_programme()
    files: dict[str, bytes] = {}
    files["municipalities.csv"] = csv_bytes(
        ("municipality_code", "municipality_name", "in_network"),
        [[code, name, "1" if net else "0"] for code, name, _, net in p.municipalities],
    )
    files["teams.csv"] = csv_bytes(
        ("team_id", "team_name", "municipality_code", "focus_area", "cohort", "start_date", "aim"),
        [
            [
                t["team_id"],
                t["team_name"],
                t["municipality_code"],
                t["focus_area"],
                str(t["cohort"]),
                t["start_date"],
                t["aim"],
            ]
            for t in p.teams
        ],
    )
    files["measures.csv"] = csv_bytes(
        (
            "measure_id",
            "team_id",
            "measure_name",
            "measure_type",
            "chart",
            "unit",
            "frequency",
            "direction",
            "target",
        ),
        [
            [
                s.measure_id,
                s.team_id,
                s.measure_name,
                s.measure_type,
                s.chart,
                s.unit,
                s.frequency,
                s.direction,
                _num(s.target),
            ]
            for s in p.series
        ],
    )
    generated: dict[tuple[str, str], dict[date, int]] = {}
    obs_rows = []
    # measures whose values are another measure's denominators are generated after it
    order = sorted(p.series, key=lambda s: s.denominator_from is not None)
    by_key = {(s.team_id, s.measure_id): _series_rows(s, generated, p.changes) for s in order}
    for s in p.series:
        for r in by_key[(s.team_id, s.measure_id)]:
            value = r["value"]
            decimals = 0 if s.chart == "c" else s.decimals
            obs_rows.append(
                [
                    s.team_id,
                    s.measure_id,
                    r["period"].isoformat(),
                    _num(value, decimals),
                    _num(r["numerator"]),
                    _num(r["denominator"]),
                ]
            )
    files["observations.csv"] = csv_bytes(
        ("team_id", "measure_id", "period", "value", "numerator", "denominator"), obs_rows
    )
    files["changes.csv"] = csv_bytes(
        ("team_id", "change_no", "date", "title", "pdsa_step", "measures", "description", "idea"),
        [
            [
                c["team_id"],
                str(c["change_no"]),
                c["date"],
                c["title"],
                c["pdsa_step"],
                c["measures"],
                c["description"],
                c.get("idea", ""),
            ]
            for c in p.changes
        ],
    )
    # issue 17: the spread of changes and stories beside the measures (built-in sample only)
    if programme is None:
        from .spread import spread_and_stories_files

        files.update(spread_and_stories_files())
    specs = indicators.kpi_specs()
    files["kpis.csv"] = csv_bytes(KPI_COLUMNS, [list(s.row().values()) for s in specs])
    files["indicators.csv"] = csv_bytes(
        ("kpi", "municipality_code", "period", "gender", "value"),
        [
            [kpi, code, str(year), gender, _num(value, None if isinstance(value, int) else 1)]
            for kpi, code, year, gender, value in indicators.indicator_values(
                p.municipalities, _rng
            )
        ],
    )
    files["goals.csv"] = csv_bytes(indicators.GOALS_HEADER, indicators.goal_rows())
    for team_id in p.drivers:
        files[f"drivers/{team_id}.yml"] = driver_yml_checked(team_id, p)
    files["README.md"] = p.readme.encode("utf-8")
    # keep the bytes exactly as generated on every platform (no CRLF conversion by git)
    files[".gitattributes"] = b"* -text\n"
    return files


README = """\
# data/sample: SYNTHETIC sample data (påhittade data)

Every file in this folder is invented. It is generated by `analysis/sample/` (`make sample`,
i.e. `analysis.sample.write_sample()`) and has exactly the format of the real exports described
in `data/raw/README.md`. Do not edit the files by hand: a test checks that the generator
reproduces them byte for byte.

Alla filer i den här mappen är påhittade exempeldata, skapade av `analysis/sample/`. De har
samma format som de riktiga exporterna (se `data/raw/README.md`) men beskriver inga verkliga
personer, team eller resultat.

What is built in (the ground truth is `analysis.sample.TRUE_EFFECTS`):

* 13 municipalities of Jönköpings län, 11 in the network; 9 teams with 2-3 measures each,
  20-36 weekly or monthly points per measure and 2-3 PDSA changes per team (none for `aneby`:
  its whole series is baseline).
* Some changes have a real effect (a level step), the others none: e.g. attendance at
  Attarpskolan rises from 88 % to 93 % after change 2 ("sms samma dag").
* `varnamo/fysisk_aktivitet` is seasonal (a summer dip); `nassjo/hembesok` has no value for
  July 2020 (a period simply absent).
* County indicators in Kolada's shape for 2016-2024: the workbook's KPI catalogue (one to three
  per focus area, and context) with Kolada's real titles, area types and gender splits, but
  invented values. As in Kolada: no region row (0006) for a KPI published for municipalities only,
  no sex split for N66077, the pupil survey items every other year per municipality, some
  sex-split values of small municipalities absent; the population counts that weigh
  municipal-only KPIs into a county value are included (whole numbers).
* The change menu (issue 17): three ideas tested by two teams each, named in `changes.csv`'s
  `idea` column (`sms_till_foraldrar`, `inbjudan_barnmorska`, `prova_pa_aktiviteter`);
  `spread.csv` has the units (classes, midwife clinics, family centres, schools) adopting six
  changes, with units that stop; `stories.csv` has seven stories, two of them without consent
  (never shown).
"""


def driver_yml_checked(team_id: str, programme: Programme | None = None) -> bytes:
    """``driver_yaml`` after checking that every change and measure it links exists."""
    p = programme if programme is not None else sample_programme()
    known_changes = {c["change_no"] for c in p.changes if c["team_id"] == team_id}
    known_measures = {s.measure_id for s in p.series if s.team_id == team_id}
    for _, secondaries in p.drivers[team_id]["primary"]:
        for _, ideas in secondaries:
            for text, changes, measures in ideas:
                if not set(changes) <= known_changes or not set(measures) <= known_measures:
                    raise ValueError(
                        f"drivers/{team_id}.yml: idea {text!r} links unknown "
                        f"changes {changes} or measures {measures}"
                    )
    return driver_yaml(team_id, p.teams, p.drivers)


def sample_programme() -> Programme:
    """The built-in sample (``data/sample``): 9 teams, 11 of 13 municipalities in the network."""
    return Programme(MUNICIPALITIES, TEAMS, SERIES, CHANGES, DRIVERS, README)
