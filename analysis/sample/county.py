"""A county-scale synthetic network: the sample's generator, with as many teams as asked.

``county_files(n_teams, respondents)`` returns every file of a data folder in exactly the raw
format (``data/raw/README.md``) as ``{relative path: bytes}``; ``write_county_sample`` writes them.
What it holds (all invented, shaped like a network that has spread to the whole county):

* all 13 municipalities of Jönköpings län in the network; ``n_teams`` teams spread over them
  (the first 13 one in each, then by population), three cohorts (2019, 2021, 2023) and the three
  focus areas: schools (fullföljda studier), family centres (psykisk hälsa) and physical activity
  at school (fysisk aktivitet);
* three monthly measures per team over the same 60 months (January 2020 to December 2024):
  p, i, u and c charts, a summer dip in physical activity, one absent month in every seventh team;
* a PDSA log of 2-4 changes per team, some with a true level step (:func:`county_true_effects`),
  and a driver diagram for three teams in four;
* the county indicators and goals of the small sample (the same generator), the parent survey
  ten times larger (2,050 parents), the census of the 21 family centres, the network schools'
  two-wave pupil survey of the sample (read by the school teams' reports), and the county-wide
  pupil survey ``pupils_county`` with ``respondents`` answers (100,000 by default: 52 % in
  September, 48 % in December; 13 municipalities, preschool class to upper secondary), a county
  survey that only its own report reads.

Deterministic: team ``k`` is drawn from its own seeded generator, so team 7 of a 100-team county
is team 7 of a 5-team county; the same arguments always give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
import zlib
from pathlib import Path

import numpy as np

from . import surveys as sample_surveys
from .programme import (
    MUNICIPALITIES,
    SEED,
    SUMMER_DIP,
    Programme,
    Series,
    programme_files,
    true_effects,
)

__all__ = ["county_files", "county_programme", "county_true_effects", "write_county_sample"]

FIRST_MONTH = "2020-01-01"
N_MONTHS = 60
COHORTS = (2019, 2021, 2023)
AREAS = ("fullföljda studier", "psykisk hälsa", "fysisk aktivitet")
LAST_CHANGE = dt.date(2024, 10, 1)  # the last change leaves at least three months after it

# Real localities of each municipality (team names are made of them; the teams are invented).
PLACES: dict[str, tuple[str, ...]] = {
    "0604": ("Aneby", "Frinnaryd", "Sunhultsbrunn", "Bredestad"),
    "0617": ("Gnosjö", "Hillerstorp", "Kulltorp", "Nissafors"),
    "0642": ("Mullsjö", "Sandhem", "Bjurbäcken"),
    "0643": ("Habo", "Brandstorp", "Furusjö"),
    "0662": ("Gislaved", "Anderstorp", "Smålandsstenar", "Reftele", "Burseryd", "Broaryd"),
    "0665": ("Vaggeryd", "Skillingaryd", "Hok", "Bondstorp"),
    "0680": (
        "Råslätt",
        "Öxnehaga",
        "Huskvarna",
        "Norrahammar",
        "Tenhult",
        "Bankeryd",
        "Gränna",
        "Taberg",
        "Kättilstorp",
        "Ljungarum",
        "Tokarp",
        "Visingsö",
        "Österängen",
        "Torpa",
    ),
    "0682": ("Nässjö", "Bodafors", "Anneberg", "Forserum", "Malmbäck", "Ormaryd"),
    "0683": ("Värnamo", "Bredaryd", "Forsheda", "Rydaholm", "Bor", "Horda"),
    "0684": ("Sävsjö", "Vrigstad", "Stockaryd", "Rörvik", "Hultsjö"),
    "0685": ("Vetlanda", "Ekenässjön", "Holsbybrunn", "Landsbro", "Korsberga", "Myresjö"),
    "0686": ("Eksjö", "Mariannelund", "Hult", "Ingatorp", "Hjältevad"),
    "0687": ("Tranås", "Gripenberg", "Sommen", "Linderås"),
}

# Per focus area: team names (with the words that link a team to its surveys: "skola",
# "familjecentral", "föräldra"), then three measures: id, name, type, chart, unit, direction,
# and how its series is drawn (level range, denominator range or sd as a share of the level).
NAMES = {
    "fullföljda studier": ("{place}skolan", "Skolan i {place}", "{place} skola, högstadiet"),
    "psykisk hälsa": (
        "Familjecentralen {place}",
        "Föräldraskapsstöd {place}",
        "Familjecentralen i {place}",
    ),
    "fysisk aktivitet": (
        "Rörelse i skolan, {place}",
        "Aktiv rast på {place}skolan",
        "Elevhälsan på {place}skolan",
    ),
}
MEASURES = {
    "fullföljda studier": (
        (
            "narvaro",
            "Andel närvarande elevdagar",
            "outcome",
            "p",
            "%",
            "up",
            dict(level=(0.84, 0.91), denominator=(3000, 9000)),
        ),
        (
            "samma_dag_kontakt",
            "Andel frånvarodagar då vårdnadshavare kontaktades samma dag",
            "process",
            "p",
            "%",
            "up",
            dict(level=(0.25, 0.45), denominator=(60, 250)),
        ),
        (
            "tid_franvaro",
            "Lärarnas tid för frånvarouppföljning",
            "balancing",
            "i",
            "timmar per månad",
            "down",
            dict(level=(15.0, 30.0), sd=0.12),
        ),
    ),
    "psykisk hälsa": (
        (
            "deltagande",
            "Andel förstagångsföräldrar som deltar i föräldragrupp",
            "outcome",
            "p",
            "%",
            "up",
            dict(level=(0.35, 0.55), denominator=(8, 40)),
        ),
        (
            "inbjudan",
            "Andel blivande föräldrar som fått personlig inbjudan till föräldragrupp",
            "process",
            "p",
            "%",
            "up",
            dict(level=(0.30, 0.50), denominator=(10, 45)),
        ),
        (
            "vantetid",
            "Väntetid till första kontakt",
            "balancing",
            "i",
            "dagar",
            "down",
            dict(level=(10.0, 20.0), sd=0.15),
        ),
    ),
    "fysisk aktivitet": (
        (
            "aktiva_rast",
            "Andel elever som är fysiskt aktiva på rasten",
            "outcome",
            "p",
            "%",
            "up",
            dict(level=(0.35, 0.55), denominator=(60, 200), season=True),
        ),
        (
            "aktivitetstillfallen",
            "Aktivitetstillfällen per elev",
            "process",
            "u",
            "per elev och månad",
            "up",
            dict(level=(1.5, 3.0), denominator=(60, 200)),
        ),
        (
            "skador",
            "Antal rapporterade skador på rasten",
            "balancing",
            "c",
            "antal",
            "down",
            dict(level=(2.0, 8.0)),
        ),
    ),
}
# Change ideas per focus area: title and the measures (by position 0-2) it is meant to move.
IDEAS = {
    "fullföljda studier": (
        ("Sms samma dag till vårdnadshavare vid frånvaro", (1, 0)),
        ("Mentorsamtal vid upprepad frånvaro", (0,)),
        ("Personligt välkomnande vid entrén varje morgon", (0,)),
        ("Elevhälsan följer upp frånvaron varje vecka", (0, 2)),
        ("Frånvarostatistik till vårdnadshavare varje månad", (0,)),
        ("Frukost i skolan för elever som inte ätit", (0,)),
    ),
    "psykisk hälsa": (
        ("Personlig inbjudan via barnmorskemottagningen", (1, 0)),
        ("Föräldragrupp på kvällstid", (0,)),
        ("Inbjudan på flera språk och tolk vid gruppträffar", (1, 0)),
        ("Sms-påminnelse inför första träffen", (0, 2)),
        ("Gemensamt hembesök BVC och socialtjänst", (2,)),
        ("Barnvakt under träffarna", (0,)),
    ),
    "fysisk aktivitet": (
        ("Rastaktiviteter ledda av äldre elever", (0, 1)),
        ("Rörelsepaus i varje lektion", (1,)),
        ("Utlåning av rastleksaker", (0, 2)),
        ("Prova-på-aktiviteter direkt efter skoldagen", (1,)),
        ("Aktivitetskompis följer med till första passet", (1, 0)),
        ("Fler vuxna ute på rasterna", (2, 0)),
    ),
}
DRIVER_TEXTS = {
    "fullföljda studier": (
        ("Eleven vill och orkar komma till skolan", "Trygga och välkomnande morgnar"),
        ("Skola och hem samarbetar kring närvaron", "Snabb kontakt med vårdnadshavare"),
    ),
    "psykisk hälsa": (
        ("Föräldrarna känner till föräldragruppen", "Inbjudan där föräldrarna redan är"),
        ("Gruppen passar föräldrarnas vardag", "Tider och språk som passar alla"),
    ),
    "fysisk aktivitet": (
        ("Barnen rör sig mer under skoldagen", "Rörelse på raster och lektioner"),
        ("Barnen hittar en aktivitet de tycker om", "Vägar in i föreningslivet"),
    ),
}


def _rng(k: int) -> np.random.Generator:
    return np.random.default_rng([SEED, zlib.crc32(b"county"), k])


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c if c.isalnum() else "_" for c in ascii_text.lower()).strip("_")


def _add_months(day: dt.date, months: int) -> dt.date:
    return dt.date(day.year + (day.month - 1 + months) // 12, (day.month - 1 + months) % 12 + 1, 1)


def _municipality(k: int, rng: np.random.Generator) -> str:
    """The first 13 teams take one municipality each; the others follow the population."""
    codes = [m[0] for m in MUNICIPALITIES]
    if k < len(codes):
        return codes[k]
    weights = np.array([m[2] for m in MUNICIPALITIES], dtype=float) ** 0.7  # damp Jönköping
    return codes[int(rng.choice(len(codes), p=weights / weights.sum()))]


def _team(k: int, used: dict[str, int]) -> tuple[dict, list[Series], list[dict], dict | None]:
    """Team ``k`` (0-based): its row, series, changes and driver diagram (None: none drawn)."""
    rng = _rng(k)
    code = _municipality(k, rng)
    places = PLACES[code]
    place = places[used.get(code, 0) % len(places)]
    used[code] = used.get(code, 0) + 1
    area = AREAS[k % 3]
    cohort = COHORTS[(k // 3) % 3]
    team_id = f"t{k + 1:03d}_{_slug(place)}"
    name = NAMES[area][int(rng.integers(len(NAMES[area])))].format(place=place)
    if used[code] > len(places):  # the place has a team of this kind already
        name += f" ({used[code] // len(places) + 1})"

    # the PDSA log: the first change a year after joining (half a year for the last cohort)
    n_changes = int(rng.integers(2, 5))
    day = _add_months(dt.date(cohort, 9, 1), 12 if cohort < COHORTS[-1] else 6)
    order = rng.permutation(len(IDEAS[area]))
    measures = MEASURES[area]
    changes: list[dict] = []
    for no in range(1, n_changes + 1):
        if day > LAST_CHANGE:
            break
        title, targets = IDEAS[area][int(order[no - 1])]
        changes.append(
            dict(
                team_id=team_id,
                change_no=no,
                date=day.isoformat(),
                title=title,
                pdsa_step="act" if no < n_changes else str(rng.choice(["do", "study"])),
                measures=",".join(measures[i][0] for i in targets),
                description="",
            )
        )
        day = _add_months(day, int(rng.integers(4, 9)))

    # which change truly moves which measure: the process measure with probability 0.6, the
    # outcome with 0.4, the balancing measure never
    step: dict[int, tuple[int, float]] = {}
    for position, chance in ((1, 0.6), (0, 0.4)):
        aiming = [
            c["change_no"] for c in changes if measures[position][0] in c["measures"].split(",")
        ]
        if aiming and rng.random() < chance:
            step[position] = (aiming[0], 0.0)
    series = []
    for position, (measure_id, measure_name, kind, chart, unit, direction, spec) in enumerate(
        measures
    ):
        low, high = spec["level"]
        level = round(float(rng.uniform(low, high)), 3)
        change_no, effect = None, 0.0
        aiming = [c["change_no"] for c in changes if measure_id in c["measures"].split(",")]
        if aiming:
            change_no = aiming[0]
        if position in step:
            change_no = step[position][0]
            if chart == "p":
                effect = round(min(0.97 - level, float(rng.uniform(0.08, 0.25))), 3)
            else:
                effect = round(float(rng.uniform(0.25, 0.5)), 3)
        denominator = float(rng.integers(*spec["denominator"])) if "denominator" in spec else 0.0
        sd = round(level * spec["sd"], 2) if "sd" in spec else 0.0
        target = None
        if kind == "outcome" and chart == "p":
            target = round(min(0.99, level + 0.1), 2)
        missing = ()
        if k % 7 == 3 and position == 0:
            missing = (_add_months(dt.date.fromisoformat(FIRST_MONTH), 30).isoformat(),)
        series.append(
            Series(
                team_id,
                measure_id,
                measure_name,
                kind,
                chart,
                unit,
                "month",
                direction,
                target,
                FIRST_MONTH,
                N_MONTHS,
                level=level,
                denominator=denominator,
                sd=sd,
                change_no=change_no,
                effect=effect,
                decimals=1,
                season=SUMMER_DIP if spec.get("season") else {},
                missing=missing,
                seed=k,
            )
        )

    outcome = series[0]
    if outcome.chart == "p" and outcome.target is not None:
        aim = (
            f"{outcome.measure_name} ska öka från {round(outcome.level * 100)} % till "
            f"{round(outcome.target * 100)} % senast juni {cohort + 3}"
        )
    else:
        aim = f"{outcome.measure_name} ska förbättras senast juni {cohort + 3}"
    team = dict(
        team_id=team_id,
        team_name=name,
        municipality_code=code,
        focus_area=area,
        cohort=cohort,
        start_date=f"{cohort}-09-01",
        aim=aim,
    )
    drivers = _drivers(area, changes, [m[0] for m in measures]) if k % 4 != 3 else None
    return team, series, changes, drivers


def _drivers(area: str, changes: list[dict], measure_ids: list[str]) -> dict:
    """Two primary drivers, one secondary each; the tested changes split between them, and one
    idea not yet tested under each."""
    half = (len(changes) + 1) // 2
    groups = (changes[:half], changes[half:])
    untested = [title for title, _ in IDEAS[area] if title not in {c["title"] for c in changes}]
    primary = []
    for i, ((p_text, s_text), group) in enumerate(zip(DRIVER_TEXTS[area], groups, strict=True)):
        ideas = [(c["title"], [c["change_no"]], c["measures"].split(",")) for c in group]
        if i < len(untested):
            ideas.append((untested[i], [], [measure_ids[0]]))
        primary.append((p_text, [(s_text, ideas)]))
    return {"primary": primary}


def county_programme(n_teams: int = 100) -> Programme:
    """The programme tables of a county network of ``n_teams`` teams (see the module doc)."""
    if n_teams < 1:
        raise ValueError(f"a county sample needs at least one team, not {n_teams}")
    teams, series, changes, drivers = [], [], [], {}
    used: dict[str, int] = {}
    for k in range(n_teams):
        team, team_series, team_changes, diagram = _team(k, used)
        teams.append(team)
        series += team_series
        changes += team_changes
        if diagram is not None:
            drivers[team["team_id"]] = diagram
    municipalities = tuple(
        (code, name, population, True) for code, name, population, _ in MUNICIPALITIES
    )
    return Programme(
        municipalities, tuple(teams), tuple(series), tuple(changes), drivers, _readme(n_teams)
    )


def county_true_effects(n_teams: int = 100) -> dict[tuple[str, str], dict]:
    """Ground truth of :func:`county_programme`, as ``analysis.sample.TRUE_EFFECTS`` is of the sample."""
    return true_effects(county_programme(n_teams).series)


def _readme(n_teams: int, respondents: int = 100_000) -> str:
    return f"""\
# A county-scale SYNTHETIC sample (påhittade data): {n_teams} teams

Every file in this folder is invented. It was generated by `workbook sample --teams {n_teams}`
(`analysis/sample/county.py`) in exactly the format of the real exports (`data/raw/README.md`),
to try the workbook at the size of the whole county. Build its reports with
`workbook run --data <this folder>`.

Alla filer i den här mappen är påhittade exempeldata i samma format som de riktiga exporterna.

* all 13 municipalities of Jönköpings län in the network, {n_teams} teams over them, cohorts
  2019, 2021 and 2023, the three focus areas;
* three monthly measures per team, January 2020 to December 2024 (60 months);
* 2-4 PDSA changes per team, some with a true level step (`analysis.sample.county.county_true_effects`);
  a driver diagram for three teams in four;
* the county indicators and goals of `data/sample`, the parent survey (2,050 parents), the census
  of the 21 family centres, the network schools' pupil survey of `data/sample` and the
  county-wide pupil survey `pupils_county` ({respondents:,} answers in two waves).
"""


# ----------------------------------------------------------------------------- surveys

# The county-wide pupil survey: a county's survey, so no team's report reads it (the words that
# link a survey to teams, analysis.goals.SURVEY_KEYWORDS, know only the network's surveys).
COUNTY_SURVEY = "pupils_county"
GRADES = ("F", "1", "2", "3", "4", "5", "6", "7", "8", "9", "G1", "G2", "G3")
PUPILS_HEADER = """
# Codebook of the county's pupil survey (Google Forms, "Ladda ned svar (.csv)"), both waves in one
# file, preschool class to the last year of upper-secondary school, by municipality.
# Linear-scale items are exported as the number 1-5; multi-select answers are joined with ", ".
# Elevkod is the pseudonymous pupil code: unique within a wave. Mättillfälle is the wave.
"""


def _grade_label(grade: str, lang: str) -> str:
    if grade == "F":
        return "Förskoleklass" if lang == "sv" else "Preschool class"
    if grade.startswith("G"):
        return f"Gymnasiet år {grade[1]}" if lang == "sv" else f"Upper secondary, year {grade[1]}"
    return f"Årskurs {grade}" if lang == "sv" else f"Grade {grade}"


def _county_pupils_codebook() -> dict:
    codebook = sample_surveys._pupils_codebook()
    questions = codebook["questions"]
    questions[0] = sample_surveys._q(
        "municipality",
        "single",
        "I vilken kommun går du i skolan?",
        "In which municipality do you go to school?",
        [
            {"code": code, "value": name, "sv": name, "en": name}
            for code, name, _ in sample_surveys.MUNICIPALITIES
        ],
        column="Kommun",
        short={"sv": "Kommun", "en": "Municipality"},
    )
    questions[1] = sample_surveys._q(
        "grade",
        "single",
        "Vilken årskurs går du i?",
        "Which grade are you in?",
        [
            {"code": g, "value": g, "sv": _grade_label(g, "sv"), "en": _grade_label(g, "en")}
            for g in GRADES
        ],
        column="Årskurs",
        short={"sv": "Årskurs", "en": "Grade"},
    )
    codebook["survey"] = COUNTY_SURVEY
    codebook["title"] = {
        "sv": "Elevenkät om hälsa och välmående, hela länet",
        "en": "Pupil survey on health and well-being, the whole county",
    }
    codebook["subgroups"] = ["municipality", "grade", "gender"]
    codebook.pop("teams", None)  # the county's survey: tied to no team, its own report reads it
    codebook.pop("municipality_code", None)
    return codebook


def _county_pupils(rng: np.random.Generator, respondents: int) -> tuple[list[str], list[list]]:
    """The pupil survey of the whole county, drawn a column at a time (100,000 rows in a second)."""
    codebook = _county_pupils_codebook()
    texts = {q["id"]: q["text"]["sv"] for q in codebook["questions"]}
    items = sample_surveys.PUPIL_ITEMS
    header = ["Tidstämpel", "Elevkod", "Mättillfälle", "Kommun", "Årskurs", "Kön"]
    header += [texts[item[0]] for item in items] + [texts["screen_time"], texts["leisure"]]
    n_sep = round(respondents * 0.52)
    n_dec = respondents - n_sep
    codes = rng.choice(np.arange(100000, 1000000), size=n_sep + n_dec, replace=False)
    names = [m[1] for m in sample_surveys.MUNICIPALITIES]
    weights = np.array([m[2] for m in sample_surveys.MUNICIPALITIES], dtype=float)
    offsets = rng.normal(0.0, 0.03, len(names))  # municipalities differ a little
    rows: list[list] = []
    for wave, label, n, day0 in (
        ("sep", "September 2019", n_sep, np.datetime64("2019-09-09T08:10")),
        ("dec", "December 2019", n_dec, np.datetime64("2019-12-02T08:10")),
    ):
        if wave == "sep":
            pupil_codes = codes[:n_sep]
        else:  # most pupils answer again, some for the first time
            again = rng.permutation(codes[:n_sep])[: round(n_dec * 0.85)]
            pupil_codes = rng.permutation(
                np.concatenate([again, codes[n_sep : n_sep + n_dec - len(again)]])
            )
        muni = rng.choice(len(names), size=n, p=weights / weights.sum())
        grade = rng.integers(0, len(GRADES), size=n)
        gender = rng.choice(
            np.array(["Flicka", "Pojke", "Annat eller vill inte svara"]),
            size=n,
            p=[0.48, 0.48, 0.04],
        )
        stamps = (
            day0
            + rng.integers(0, 10, n).astype("timedelta64[D]")
            + rng.integers(0, 360, n).astype("timedelta64[m]")
            + rng.integers(0, 60, n).astype("timedelta64[s]")
        )
        columns: list[np.ndarray] = [
            np.datetime_as_string(stamps, unit="s").astype(object),
            np.char.add("E", pupil_codes.astype(str)).astype(object),
            np.full(n, label, dtype=object),
            np.array(names, dtype=object)[muni],
            np.array(GRADES, dtype=object)[grade],
            gender.astype(object),
        ]
        columns[0] = np.array([s.replace("T", " ") for s in columns[0]], dtype=object)
        for _qid, _sv, _en, _direction, p_top, change in items:
            p = np.clip(
                p_top + (change if wave == "dec" else 0.0) - 0.01 * (grade - 6) + offsets[muni],
                0.03,
                0.97,
            )
            top = rng.random(n) < p
            high = np.where(rng.random(n) < 0.55, 5, 4)
            low = rng.choice(np.array([1, 2, 3]), size=n, p=[0.2, 0.35, 0.45])
            answer = np.where(top, high, low).astype(str).astype(object)
            answer[rng.random(n) < 0.02] = ""
            columns.append(answer)
        screen = np.array([s[1] for s in sample_surveys.SCREEN] + ["Vet inte"], dtype=object)
        shift = np.array([-0.04, 0.0, 0.025, 0.015, 0.0])
        probs = np.clip(
            np.array([0.35, 0.38, 0.18, 0.06, 0.03]) + shift * (grade[:, None] - 3) / 2, 0.01, None
        )
        cumulative = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
        pick = (rng.random(n)[:, None] > cumulative).sum(axis=1).clip(max=len(screen) - 1)
        columns.append(screen[pick])
        chances = {
            "sport": 0.55,
            "games": 0.5,
            "friends": 0.7,
            "reading": 0.25,
            "crafts": 0.3,
            "outdoors": 0.2,
        }
        chosen = [(rng.random(n) < chances[code], sv) for code, sv, _en in sample_surveys.LEISURE]
        leisure = [", ".join(sv for mask, sv in chosen if mask[i]) for i in range(n)]
        columns.append(np.array(leisure, dtype=object))
        rows += [list(row) for row in zip(*columns, strict=True)]
    return header, rows


def _tied_by_municipality(codebook: dict) -> dict:
    """The network survey's codebook for the county sample: the built-in sample's team ids do not
    exist there, so the survey is tied to those teams' municipalities instead (every county team
    in them shows it, if it is from the team's period)."""
    from .programme import TEAMS

    codes = {t["team_id"]: t["municipality_code"] for t in TEAMS}
    tied = dict(codebook)
    municipalities = [codes[team] for team in tied.pop("teams", ())]
    municipalities += [c for c in tied.get("municipality_code", ()) if c not in municipalities]
    if municipalities:
        tied["municipality_code"] = sorted(set(municipalities))
    return tied


def _survey_files(respondents: int) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    dump = sample_surveys._dump
    parents = _tied_by_municipality(sample_surveys._parents_codebook())
    files["surveys/parents/codebook.yml"] = dump(sample_surveys.PARENTS_HEADER, parents).encode()
    header, rows = sample_surveys._parents(np.random.default_rng(20240304), n=2050)
    files[f"surveys/parents/{parents['export']['file']}"] = sample_surveys.xlsx_bytes(header, rows)
    coordinators = _tied_by_municipality(sample_surveys._coordinators_codebook())
    files["surveys/coordinators/codebook.yml"] = dump(
        sample_surveys.COORDINATORS_HEADER, coordinators
    ).encode()
    header, rows = sample_surveys._coordinators(np.random.default_rng(20220915))
    files[f"surveys/coordinators/{coordinators['export']['file']}"] = (
        sample_surveys.export_csv_bytes(header, rows, ";", bom=True)
    )
    pupils = _tied_by_municipality(sample_surveys._pupils_codebook())
    files["surveys/pupils/codebook.yml"] = dump(sample_surveys.PUPILS_HEADER, pupils).encode()
    header, rows = sample_surveys._pupils(np.random.default_rng(20230911))
    files[f"surveys/pupils/{pupils['export']['file']}"] = sample_surveys.export_csv_bytes(
        header, rows, ",", bom=False
    )
    county = _county_pupils_codebook()
    files[f"surveys/{COUNTY_SURVEY}/codebook.yml"] = dump(PUPILS_HEADER, county).encode()
    header, rows = _county_pupils(np.random.default_rng(20230912), respondents)
    files[f"surveys/{COUNTY_SURVEY}/{county['export']['file']}"] = sample_surveys.export_csv_bytes(
        header, rows, ",", bom=False
    )
    return files


def county_files(n_teams: int = 100, respondents: int = 100_000) -> dict[str, bytes]:
    """Every file of a county-scale data folder as ``{relative path: bytes}``."""
    if respondents < 2:
        raise ValueError(f"the pupil survey needs at least 2 respondents, not {respondents}")
    from ..config import SAMPLE_MARKER

    files = programme_files(county_programme(n_teams))
    files.update(_survey_files(respondents))
    files["README.md"] = _readme(n_teams, respondents).encode("utf-8")
    # the reports of this folder carry the SAMPLE DATA banner (Config.is_sample)
    files[SAMPLE_MARKER] = b"synthetic: workbook sample --teams %d\n" % n_teams
    return files


def write_county_sample(folder: Path, n_teams: int = 100, respondents: int = 100_000) -> list[Path]:
    """Write a county-scale sample to ``folder`` (every file written whole or not at all)."""
    from . import write_files

    return write_files(Path(folder), county_files(n_teams, respondents))
