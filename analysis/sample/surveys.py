"""Synthetic survey exports in the formats the network's survey tools really produce.

``write_surveys(folder)`` writes ``<folder>/surveys/<survey_id>/codebook.yml`` and the export:

* ``parents``: 205 parents, Microsoft Forms ``.xlsx`` (ID, Starttid, Sluttid, E-post, Namn, one
  column per question titled with the question text, multi-select and ranking as ``A;B;``);
* ``coordinators``: a census of the 21 family centres (18 answered), an Esmaker/Netigate-style ``;`` CSV with
  UTF-8 BOM (one 0/1 column per option, coded single choice, 9 = vet ej);
* ``pupils``: two waves (September 1,500 and December 1,100 pupils in 5 schools, F-6), a Google
  Forms ``,`` CSV (linear-scale items as 1-5, multi-select joined with ``", "``).

Deterministic: fixed seeds, fixed timestamps, and the ``.xlsx`` zip written with fixed dates,
so the files are byte-identical on every run.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import numpy as np
import yaml

__all__ = ["write_surveys"]

MUNICIPALITIES = [  # code, name, relative size (for the parent sample)
    ("0604", "Aneby", 7),
    ("0617", "Gnosjö", 10),
    ("0642", "Mullsjö", 7),
    ("0643", "Habo", 12),
    ("0662", "Gislaved", 30),
    ("0665", "Vaggeryd", 14),
    ("0680", "Jönköping", 140),
    ("0682", "Nässjö", 32),
    ("0683", "Värnamo", 34),
    ("0684", "Sävsjö", 11),
    ("0685", "Vetlanda", 27),
    ("0686", "Eksjö", 17),
    ("0687", "Tranås", 19),
]

AGREE5 = [
    {"code": "1", "sv": "Stämmer inte alls", "en": "Not at all true"},
    {"code": "2", "sv": "Stämmer ganska dåligt", "en": "Mostly not true"},
    {"code": "3", "sv": "Varken eller", "en": "Neither"},
    {"code": "4", "sv": "Stämmer ganska bra", "en": "Mostly true"},
    {"code": "5", "sv": "Stämmer helt", "en": "Completely true"},
]
DONT_KNOW = {"code": "dk", "sv": "Vet ej", "en": "Don't know", "dont_know": True}


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data):  # no &id001 anchors in the written codebooks
        return True


def _str(dumper: yaml.SafeDumper, value: str):
    # quote codes made of digits ('0680', '1'): unquoted, YAML may read 0604 as an octal number
    style = "'" if value.isdigit() else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def _dump(header: str, codebook: dict) -> str:
    body = yaml.dump(
        codebook,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=None,
        width=110,
    )
    return header.strip() + "\n" + body


def _q(qid, qtype, sv, en, options=None, **extra):
    q = {"id": qid, "type": qtype, "text": {"sv": sv, "en": en}}
    if options is not None:
        q["options"] = options
    q.update(extra)
    return q


def _opts(*items):
    return [dict(zip(("code", "sv", "en"), item, strict=True)) for item in items]


# --------------------------------------------------------------------------------------------
# Parents: Microsoft Forms .xlsx
# --------------------------------------------------------------------------------------------

PARENT_TOPICS_BEFORE = _opts(
    ("birth", "Förlossningen", "Childbirth"),
    ("breastfeeding", "Amning och matning", "Breastfeeding and feeding"),
    ("relationship", "Parrelationen", "The couple relationship"),
    ("sleep", "Sömn och trötthet", "Sleep and tiredness"),
    ("development", "Barnets utveckling", "The child's development"),
    ("leave", "Föräldraledighet och ekonomi", "Parental leave and money"),
    ("mental_health", "Psykisk hälsa hos föräldrar", "Parents' mental health"),
)
PARENT_TOPICS_AFTER = _opts(
    ("sleep", "Barnets sömn", "The baby's sleep"),
    ("feeding", "Mat och amning", "Food and breastfeeding"),
    ("development", "Barnets utveckling", "The child's development"),
    ("play", "Lek och samspel", "Play and interaction"),
    ("relationship", "Parrelationen", "The couple relationship"),
    ("mental_health", "Psykisk hälsa hos föräldrar", "Parents' mental health"),
    ("safety", "Säkerhet i hemmet", "Safety at home"),
    ("teeth", "Tandhälsa", "Dental health"),
)


def _parents_codebook() -> dict:
    municipalities = [
        {"code": c, "value": name, "sv": name, "en": name} for c, name, _ in MUNICIPALITIES
    ]
    return {
        "survey": "parents",
        "title": {"sv": "Föräldraenkät om föräldragrupper", "en": "Parent survey on parent groups"},
        "design": "sample",
        "teams": ["rydaholm", "nassjo", "jamlikt", "mullsjo"],
        "fielded": ["2022-03-07", "2022-03-28"],
        "export": {
            "file": "foraldragrupper.xlsx",
            "tool": "microsoft_forms",
            "respondent_id": "ID",
            "drop": ["E-post", "Namn"],
        },
        "subgroups": ["first_time", "municipality"],
        "questions": [
            _q(
                "first_time",
                "single",
                "Är du förstagångsförälder?",
                "Are you a first-time parent?",
                _opts(("yes", "Ja", "Yes"), ("no", "Nej", "No")),
                short={"sv": "Förstagångsförälder", "en": "First-time parent"},
            ),
            _q(
                "municipality",
                "single",
                "I vilken kommun bor du?",
                "Which municipality do you live in?",
                municipalities,
                short={"sv": "Kommun", "en": "Municipality"},
            ),
            _q(
                "topics_before",
                "multi",
                "Vilka ämnen vill du att föräldragruppen tar upp före barnets födelse?",
                "Which topics do you want the parent group to cover before the birth?",
                [*PARENT_TOPICS_BEFORE, DONT_KNOW],
            ),
            _q(
                "topics_after",
                "multi",
                "Vilka ämnen vill du att föräldragruppen tar upp efter barnets födelse?",
                "Which topics do you want the parent group to cover after the birth?",
                [*PARENT_TOPICS_AFTER, DONT_KNOW],
            ),
            _q(
                "meeting_form",
                "single",
                "Hur vill du helst träffas i föräldragruppen?",
                "How would you prefer the parent group to meet?",
                [
                    *_opts(
                        (
                            "on_site",
                            "Fysiska träffar på familjecentralen",
                            "In person at the family centre",
                        ),
                        ("digital", "Digitala träffar", "Online meetings"),
                        ("mixed", "Både fysiska och digitala träffar", "Both in person and online"),
                    ),
                    DONT_KNOW,
                ],
            ),
            _q(
                "confident",
                "likert",
                "Jag känner mig trygg i min roll som förälder",
                "I feel confident in my role as a parent",
                [*AGREE5, DONT_KNOW],
                top_box=["4", "5"],
            ),
            _q(
                "knows_support",
                "likert",
                "Jag vet var jag kan få stöd i mitt föräldraskap",
                "I know where to get support as a parent",
                [*AGREE5, DONT_KNOW],
                top_box=["4", "5"],
            ),
            _q(
                "satisfied",
                "likert",
                "Jag är nöjd med det stöd jag har fått från familjecentralen",
                "I am satisfied with the support I have had from the family centre",
                [*AGREE5, DONT_KNOW],
                top_box=["4", "5"],
            ),
            _q(
                "priorities",
                "ranking",
                "Rangordna det som är viktigast för dig i en föräldragrupp",
                "Rank what matters most to you in a parent group",
                _opts(
                    ("meet_parents", "Att träffa andra föräldrar", "Meeting other parents"),
                    (
                        "expert_knowledge",
                        "Kunskap från barnmorska och BVC",
                        "Knowledge from midwives and child health nurses",
                    ),
                    ("practical_tips", "Praktiska tips", "Practical tips"),
                    ("partner", "Att min partner får stöd", "Support for my partner"),
                ),
            ),
            _q(
                "children",
                "number",
                "Hur många barn har du (räkna med barnet du väntar)?",
                "How many children do you have (including the one you are expecting)?",
            ),
            _q(
                "comments",
                "text",
                "Är det något mer du vill berätta om föräldragrupper?",
                "Is there anything else you want to tell us about parent groups?",
                show_answers=False,
            ),
        ],
    }


PARENTS_HEADER = """
# Codebook of the parent survey (Microsoft Forms, exported with "Öppna i Excel").
# Format: docs/surveys.md. Column titles are the question texts (text.sv) unless `column` says otherwise.
# Multi-select and ranking cells hold the chosen option texts as 'A;B;' (ranking: in rank order).
# E-post and Namn are personal data: `drop` keeps them out of the workbook entirely.
# `teams` names the teams whose reports show the survey (checked against teams.csv); `fielded` is
# when it was answered: a report shows it only to a team whose period it falls in (Nässjö's data end
# in February 2022, before this survey, so its report says so).
"""

COMMENTS = [
    "Bra med grupper på kvällstid så att båda föräldrarna kan vara med.",
    "Jag hade velat ha mer om amning innan förlossningen.",
    "Svårt att få barnvakt till träffarna.",
    "Mer information på andra språk än svenska, tack.",
    "Det var skönt att träffa andra i samma situation.",
    "Digitala träffar passar oss bättre eftersom vi bor långt bort.",
    "Önskar att pappor blev mer inbjudna.",
    "Träffarna krockade med min arbetstid.",
]


def _parents(rng: np.random.Generator, n: int = 205) -> tuple[list[str], list[list]]:
    cb = _parents_codebook()
    qs = {q["id"]: q for q in cb["questions"]}
    names = [m[1] for m in MUNICIPALITIES]
    weights = np.array([m[2] for m in MUNICIPALITIES], dtype=float)
    header = ["ID", "Starttid", "Sluttid", "E-post", "Namn"] + [
        q["text"]["sv"] for q in cb["questions"]
    ]
    rows = []
    start0 = dt.datetime(2022, 3, 7, 8, 0, 0)  # answered within 21 days: fielded 2022-03-07 to 28
    p_before = {
        "birth": 0.78,
        "breastfeeding": 0.70,
        "relationship": 0.38,
        "sleep": 0.45,
        "development": 0.33,
        "leave": 0.29,
        "mental_health": 0.41,
    }
    p_after = {
        "sleep": 0.72,
        "feeding": 0.58,
        "development": 0.61,
        "play": 0.44,
        "relationship": 0.35,
        "mental_health": 0.39,
        "safety": 0.21,
        "teeth": 0.09,
    }
    for i in range(n):
        start = start0 + dt.timedelta(minutes=int(rng.integers(0, 60 * 24 * 21)))
        end = start + dt.timedelta(seconds=int(rng.integers(150, 720)))
        first = rng.random() < 0.56
        row: list = [i + 1, start, end, "anonymous", None]
        row.append(None if rng.random() < 0.015 else ("Ja" if first else "Nej"))
        row.append(
            None if rng.random() < 0.01 else str(rng.choice(names, p=weights / weights.sum()))
        )
        for qid, probs, boost in (
            ("topics_before", p_before, ("birth", "breastfeeding")),
            ("topics_after", p_after, ("sleep", "feeding")),
        ):
            u = rng.random()
            if u < 0.02:
                row.append(None)
                continue
            if u < 0.06:
                row.append("Vet ej;")
                continue
            chosen = [
                o["sv"]
                for o in qs[qid]["options"][:-1]
                if rng.random() < probs[o["code"]] * (1.15 if first and o["code"] in boost else 0.9)
            ]
            row.append("".join(f"{c};" for c in chosen) if chosen else None)
        u = rng.random()
        forms = [
            "Fysiska träffar på familjecentralen",
            "Digitala träffar",
            "Både fysiska och digitala träffar",
            "Vet ej",
        ]
        row.append(None if u < 0.02 else str(rng.choice(forms, p=[0.52, 0.12, 0.29, 0.07])))
        labels = [o["sv"] for o in AGREE5]
        for probs in (
            [0.02, 0.06, 0.16, 0.44, 0.32],
            [0.05, 0.12, 0.20, 0.38, 0.25],
            [0.04, 0.08, 0.22, 0.38, 0.28],
        ):
            u = rng.random()
            if u < 0.03:
                row.append(None)
            elif u < 0.08:
                row.append("Vet ej")
            else:
                p = np.array(probs)
                if not first:
                    p = p * np.array([0.7, 0.8, 1.0, 1.1, 1.25])
                row.append(str(rng.choice(labels, p=p / p.sum())))
        if rng.random() < 0.04:
            row.append(None)
        else:
            items = [o["sv"] for o in qs["priorities"]["options"]]
            w = np.array([0.45, 0.30, 0.17, 0.08]) if first else np.array([0.55, 0.15, 0.20, 0.10])
            order = rng.choice(len(items), size=len(items), replace=False, p=w)
            row.append("".join(f"{items[k]};" for k in order))
        row.append(
            None if rng.random() < 0.03 else (1 if first else int(rng.choice([2, 2, 2, 3, 3, 4])))
        )
        row.append(str(rng.choice(COMMENTS)) if rng.random() < 0.28 else None)
        rows.append(row)
    return header, rows


def _write_xlsx(path: Path, header: list[str], rows: list[list]) -> None:
    path.write_bytes(xlsx_bytes(header, rows))


def xlsx_bytes(header: list[str], rows: list[list]) -> bytes:
    """A Microsoft Forms-like ``.xlsx`` (one sheet, bold header), byte-identical on every run."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(header)
    for row in rows:
        ws.append(row)
    for cell in ws[1]:
        cell.font = openpyxl.styles.Font(bold=True)
    fixed = dt.datetime(2024, 3, 25, 12, 0, 0)
    wb.properties.creator = "Microsoft Forms"
    wb.properties.created = fixed
    buffer = io.BytesIO()
    wb.save(buffer)
    # openpyxl stamps 'modified' with the clock and the zip entries with the local time:
    # rewrite both so the file is byte-identical on every run.
    stamp = fixed.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + stamp.encode() + rb"\g<2>",
                    data,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=(2024, 3, 25, 12, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, data)
    return out.getvalue()


# --------------------------------------------------------------------------------------------
# Coordinators: Esmaker/Netigate-style CSV, one 0/1 column per option
# --------------------------------------------------------------------------------------------

CENTRES = [
    ("Familjecentralen Rydaholm", "0665"),
    ("Familjecentralen i Mullsjö", "0642"),
    ("Familjecentralen Gnosjö", "0617"),
    ("Familjecentralen Aneby", "0604"),
    ("Familjecentralen Habo", "0643"),
    ("Familjecentralen Gislaved", "0662"),
    ("Familjecentralen Anderstorp", "0662"),
    ("Familjecentralen Vaggeryd", "0665"),
    ("Familjecentralen Råslätt", "0680"),
    ("Familjecentralen Öxnehaga", "0680"),
    ("Familjecentralen Huskvarna", "0680"),
    ("Familjecentralen Norrahammar", "0680"),
    ("Familjecentralen Tenhult", "0680"),
    ("Familjecentralen Nässjö", "0682"),
    ("Familjecentralen Värnamo", "0683"),
    ("Familjecentralen Bredaryd", "0683"),
    ("Familjecentralen Sävsjö", "0684"),
    ("Familjecentralen Vetlanda", "0685"),
    ("Familjecentralen Eksjö", "0686"),
    ("Familjecentralen Tranås", "0687"),
    ("Familjecentralen Skillingaryd", "0665"),
]

GROUP_TYPES = [
    ("first_time", "Grupp för förstagångsföräldrar", "Group for first-time parents"),
    ("all_parents", "Grupp för alla blivande/nya föräldrar", "Group for all expectant/new parents"),
    ("partners", "Pappa- eller partnergrupp", "Group for fathers or partners"),
    ("other_language", "Grupp på annat språk än svenska", "Group in a language other than Swedish"),
]
LEADERS = [
    ("midwife", "Barnmorska", "Midwife"),
    ("child_health_nurse", "BVC-sjuksköterska", "Child health nurse"),
    ("preschool_teacher", "Förskollärare (öppen förskola)", "Preschool teacher (open preschool)"),
    ("social_worker", "Socionom (socialtjänst)", "Social worker"),
    ("psychologist", "Psykolog", "Psychologist"),
    ("other", "Annan yrkesgrupp", "Other profession"),
]


def _cols(prefix: str, items, extra=None) -> list[dict]:
    out = [
        {"code": c, "sv": sv, "en": en, "column": f"{prefix}_{k}"}
        for k, (c, sv, en) in enumerate(items, 1)
    ]
    if extra:
        c, sv, en = extra
        out.append(
            {
                "code": c,
                "sv": sv,
                "en": en,
                "column": f"{prefix}_{len(items) + 1}",
                "exclusive": True,
            }
        )
    return out


def _coded(items) -> list[dict]:
    out = []
    for code, sv, en, *flag in items:
        o = {"code": code, "value": code, "sv": sv, "en": en}
        if flag:
            o["dont_know"] = True
        out.append(o)
    return out


def _coordinators_codebook() -> dict:
    none = ("none", "Inga sådana grupper", "No such groups")
    return {
        "survey": "coordinators",
        "title": {
            "sv": "Enkät till familjecentralernas samordnare",
            "en": "Survey of the family centre coordinators",
        },
        "design": "census",
        "population": 21,
        "teams": ["jamlikt", "rydaholm", "mullsjo"],
        "fielded": "2022-03",
        "export": {
            "file": "esmaker_export.csv",
            "tool": "columns",
            "respondent_id": "RespondentID",
            "drop": ["Familjecentral", "Kommun"],
        },
        "subgroups": [],
        "questions": [
            _q(
                "groups_offered",
                "multi",
                "Vilka delar av basprogrammet för föräldragrupper erbjuder familjecentralen i dag?",
                "Which parts of the base programme of parent groups does the family centre offer today?",
                _cols(
                    "Q1",
                    [
                        (
                            "before_birth",
                            "Föräldragrupp före barnets födelse",
                            "Parent group before the birth",
                        ),
                        (
                            "after_birth",
                            "Föräldragrupp efter barnets födelse",
                            "Parent group after the birth",
                        ),
                    ],
                    ("none", "Inga föräldragrupper", "No parent groups"),
                ),
            ),
            _q(
                "groups_before_birth",
                "multi",
                "Vilka grupper erbjuds före barnets födelse?",
                "Which groups are offered before the birth?",
                _cols("Q2", GROUP_TYPES, none),
            ),
            _q(
                "groups_after_birth",
                "multi",
                "Vilka grupper erbjuds efter barnets födelse?",
                "Which groups are offered after the birth?",
                _cols("Q3", GROUP_TYPES, none),
            ),
            _q(
                "target_group",
                "single",
                "Vilka föräldrar erbjuds plats i föräldragrupperna?",
                "Which parents are offered a place in the parent groups?",
                _coded(
                    [
                        ("1", "Endast förstagångsföräldrar", "First-time parents only"),
                        ("2", "Alla föräldrar", "All parents"),
                        ("3", "Inga grupper erbjuds", "No groups are offered"),
                        ("9", "Vet ej", "Don't know", True),
                    ]
                ),
                column="Q4",
            ),
            _q(
                "group_leaders",
                "multi",
                "Vilka yrkesgrupper leder föräldragrupperna?",
                "Which professions lead the parent groups?",
                _cols("Q5", LEADERS),
            ),
            _q(
                "training_need",
                "likert",
                "Hur stort behov har ni av utbildning i att leda föräldragrupper?",
                "How much do you need training in leading parent groups?",
                _coded(
                    [
                        ("1", "Inget behov", "No need"),
                        ("2", "Litet behov", "Small need"),
                        ("3", "Visst behov", "Some need"),
                        ("4", "Stort behov", "Large need"),
                        ("5", "Mycket stort behov", "Very large need"),
                        ("9", "Vet ej", "Don't know", True),
                    ]
                ),
                column="Q6",
                top_box=["4", "5"],
            ),
            _q(
                "common_directives",
                "single",
                "Önskar ni gemensamma riktlinjer för föräldragrupper i länet?",
                "Would you like common directives for parent groups in the county?",
                _coded(
                    [("1", "Ja", "Yes"), ("2", "Nej", "No"), ("9", "Vet ej", "Don't know", True)]
                ),
                column="Q7",
            ),
            _q("comments", "text", "Övriga kommentarer", "Other comments", column="Q8"),
        ],
    }


COORDINATORS_HEADER = """
# Codebook of the coordinator survey: a census of the 21 family centres (Esmaker export, ';' CSV);
# 18 answered: population: 21 keeps the 3 that did not in every "x av N" and its bounds.
# One 0/1 column per option of a multi-select question (Q1_1, Q1_2, ...); single choice and Likert
# as codes (9 = vet ej). Familjecentral and Kommun identify the respondent: `drop` keeps them out,
# and `subgroups: []` means no breakdown is allowed (one coordinator per centre).
# Goal source: survey:coordinators:groups_offered:any (centres offering at least one parent group of
# the base programme); ...:groups_offered:all (groups both before and after the birth).
# `teams`: the family-centre teams whose reports show it; `fielded`: the month it was answered.
"""

COORD_COMMENTS = [
    "Svårt att rekrytera deltagare till grupper efter födseln.",
    "Vi behöver stöd i att leda samtal om parrelationen.",
    "Gemensamt material för hela länet vore bra.",
    "Personalbrist gör att grupperna har pausats.",
]


def _coordinators(rng: np.random.Generator) -> tuple[list[str], list[list]]:
    cb = _coordinators_codebook()
    header = ["RespondentID", "Familjecentral", "Kommun"]
    for q in cb["questions"]:
        if q["type"] == "multi":
            header += [o["column"] for o in q["options"]]
        else:
            header.append(q["column"])
    # 12 centres offer both, 4 only before, 2 only after, 3 none: any = 18 of 21, all = 12 of 21.
    # Three do not answer: the first (in CENTRES order) that offers both, the first that offers
    # only before and the first that offers none. Among the 18 answering: any = 16 (bounds 16-19
    # of 21), all = 11 (bounds 11-14 of 21).
    offer = ["both"] * 12 + ["before"] * 4 + ["after"] * 2 + ["none"] * 3
    offer = [offer[k] for k in rng.permutation(len(offer))]
    silent = {offer.index(kind) for kind in ("both", "before", "none")}
    rows = []
    for i, (name, kommun) in enumerate(CENTRES):
        kind = offer[i]
        before = kind in ("both", "before")
        after = kind in ("both", "after")
        row: list = [1001 + i, name, kommun, int(before), int(after), int(kind == "none")]
        for has in (before, after):
            if has:
                picks = [
                    1,
                    int(rng.random() < 0.35),
                    int(rng.random() < 0.3),
                    int(rng.random() < 0.15),
                ]
                if rng.random() < 0.3:
                    picks[0], picks[1] = 0, 1
                row += [*picks, 0]
            else:
                row += [0, 0, 0, 0, 1]
        if kind == "none":
            row.append(3)
        else:
            row.append(int(rng.choice([1, 2, 9], p=[0.6, 0.35, 0.05])))
        if kind == "none":
            row += [0] * len(LEADERS)
        else:
            row += [int(rng.random() < p) for p in (0.85, 0.8, 0.35, 0.3, 0.1, 0.1)]
        row.append(int(rng.choice([1, 2, 3, 4, 5, 9], p=[0.05, 0.1, 0.3, 0.35, 0.15, 0.05])))
        row.append(int(rng.choice([1, 2, 9], p=[0.8, 0.1, 0.1])))
        row.append(str(rng.choice(COORD_COMMENTS)) if rng.random() < 0.3 else "")
        if i not in silent:  # drawn for every centre, so the answers do not depend on who is silent
            rows.append(row)
    return header, rows


# --------------------------------------------------------------------------------------------
# Pupils: Google Forms CSV, two waves
# --------------------------------------------------------------------------------------------

SCHOOLS = [
    ("attarp", "Attarpskolan"),
    ("bjorkhaga", "Björkhagaskolan"),
    ("ekbacken", "Ekbackens skola"),
    ("sjovik", "Sjöviksskolan"),
    ("tallbacken", "Tallbackens skola"),
]
GRADES = ["F", "1", "2", "3", "4", "5", "6"]
PUPIL_ITEMS = [  # id, sv, en, direction, P(top box) in September, change by December
    (
        "moves_more",
        "Jag rör på mig så att jag blir andfådd minst en timme varje dag",
        "I am active enough to get out of breath at least an hour every day",
        "up",
        0.52,
        0.09,
    ),
    ("sleeps_well", "Jag sover bra på nätterna", "I sleep well at night", "up", 0.63, 0.05),
    (
        "time_to_relax",
        "Jag är nöjd med hur mycket tid jag har att vila och koppla av",
        "I am satisfied with how much time I have to rest and relax",
        "up",
        0.58,
        0.0,
    ),
    ("say_what_i_think", "Jag kan säga vad jag tycker", "I can say what I think", "up", 0.71, 0.0),
    (
        "unkind_self_talk",
        "Jag säger elaka saker till mig själv i tankarna",
        "I say unkind things to myself in my thoughts",
        "down",
        0.18,
        -0.02,
    ),
    (
        "friend_time",
        "Jag har en kompis att vara med på rasterna och på fritiden",
        "I have a friend to be with at break time and after school",
        "up",
        0.82,
        0.0,
    ),
]
SCREEN = [
    ("lt1", "Mindre än 1 timme", "Less than 1 hour"),
    ("1_2", "1–2 timmar", "1–2 hours"),
    ("3_4", "3–4 timmar", "3–4 hours"),
    ("gt4", "Mer än 4 timmar", "More than 4 hours"),
]
LEISURE = [
    ("sport", "Idrott eller träning", "Sport or training"),
    ("games", "Spelar spel", "Playing games"),
    ("friends", "Är med kompisar", "Being with friends"),
    ("reading", "Läser", "Reading"),
    ("crafts", "Ritar, målar eller pysslar", "Drawing, painting or crafts"),
    ("outdoors", "Är ute i naturen", "Being out in nature"),
]


def _pupils_codebook() -> dict:
    scale = [{"code": o["code"], "value": o["code"], "sv": o["sv"], "en": o["en"]} for o in AGREE5]
    questions = [
        _q(
            "school",
            "single",
            "Vilken skola går du i?",
            "Which school do you go to?",
            [{"code": c, "value": name, "sv": name, "en": name} for c, name in SCHOOLS],
            column="Skola",
            short={"sv": "Skola", "en": "School"},
        ),
        _q(
            "grade",
            "single",
            "Vilken årskurs går du i?",
            "Which grade are you in?",
            [
                {
                    "code": g,
                    "value": g,
                    "sv": "Förskoleklass" if g == "F" else f"Årskurs {g}",
                    "en": "Preschool class" if g == "F" else f"Grade {g}",
                }
                for g in GRADES
            ],
            column="Årskurs",
            short={"sv": "Årskurs", "en": "Grade"},
        ),
        _q(
            "gender",
            "single",
            "Jag är",
            "I am",
            _opts(
                ("girl", "Flicka", "Girl"),
                ("boy", "Pojke", "Boy"),
                ("other", "Annat eller vill inte svara", "Other or prefer not to say"),
            ),
            column="Kön",
            short={"sv": "Kön", "en": "Gender"},
        ),
    ]
    for qid, sv, en, direction, *_ in PUPIL_ITEMS:
        q = _q(qid, "likert", sv, en, scale, top_box=["4", "5"])
        if direction == "down":
            q["direction"] = "down"
        questions.append(q)
    questions.append(
        _q(
            "screen_time",
            "single",
            "Hur många timmar om dagen använder du mobil, surfplatta eller dator på fritiden?",
            "How many hours a day do you use a phone, tablet or computer in your free time?",
            [
                *_opts(*SCREEN),
                {"code": "dk", "sv": "Vet inte", "en": "Don't know", "dont_know": True},
            ],
            ordered=True,
        )
    )
    questions.append(
        _q(
            "leisure",
            "multi",
            "Vad gör du helst på fritiden?",
            "What do you like doing best in your free time?",
            _opts(*LEISURE),
        )
    )
    return {
        "survey": "pupils",
        "title": {
            "sv": "Elevenkät om hälsa och välmående (F-6)",
            "en": "Pupil survey on health and well-being (F-6)",
        },
        "design": "sample",
        "export": {
            "file": "elevenkat.csv",
            "tool": "google_forms",
            "respondent_id": "Elevkod",
            "wave_column": "Mättillfälle",
            "drop": [],
        },
        "teams": ["attarp"],
        "municipality_code": ["0680"],
        "waves": [
            {
                "code": "sep",
                "value": "September 2019",
                "sv": "September 2019",
                "en": "September 2019",
                "fielded": "2019-09",
            },
            {
                "code": "dec",
                "value": "December 2019",
                "sv": "December 2019",
                "en": "December 2019",
                "fielded": "2019-12",
            },
        ],
        "subgroups": ["school", "grade", "gender"],
        "questions": questions,
    }


PUPILS_HEADER = """
# Codebook of the pupil survey (Google Forms, "Ladda ned svar (.csv)"), both waves in one file.
# Linear-scale items are exported as the number 1-5; multi-select answers are joined with ", "
# (an option text may itself contain a comma: 'Ritar, målar eller pysslar' is still one option).
# Elevkod is the pseudonymous pupil code: unique within a wave. Mättillfälle is the wave.
# The survey belongs to Attarpskolan's team and to Jönköping (0680): `teams` and `municipality_code`;
# each wave's `fielded` month lets a team report check that it is from the team's period.
# unkind_self_talk has direction: down: agreeing is the bad end, its positive share is the bottom box.
"""


def _pupils(rng: np.random.Generator) -> tuple[list[str], list[list]]:
    cb = _pupils_codebook()
    qs = {q["id"]: q for q in cb["questions"]}
    header = ["Tidstämpel", "Elevkod", "Mättillfälle", "Skola", "Årskurs", "Kön"]
    header += [qs[item[0]]["text"]["sv"] for item in PUPIL_ITEMS]
    header += [qs["screen_time"]["text"]["sv"], qs["leisure"]["text"]["sv"]]
    rows = []
    codes = rng.choice(np.arange(10000, 99999), size=2000, replace=False)
    for wave, label, n, day0 in (
        ("sep", "September 2019", 1500, dt.datetime(2019, 9, 9, 8, 10)),
        ("dec", "December 2019", 1100, dt.datetime(2019, 12, 2, 8, 10)),
    ):
        pupil_codes = (
            codes[:1500] if wave == "sep" else np.concatenate([codes[:900], codes[1500:1700]])
        )
        pupil_codes = rng.permutation(pupil_codes)[:n]
        for i in range(n):
            school = SCHOOLS[i % len(SCHOOLS)][1]
            grade_k = int(rng.integers(0, len(GRADES)))
            grade = GRADES[grade_k]
            gender = str(
                rng.choice(["Flicka", "Pojke", "Annat eller vill inte svara"], p=[0.48, 0.48, 0.04])
            )
            stamp = day0 + dt.timedelta(
                days=int(rng.integers(0, 10)),
                minutes=int(rng.integers(0, 360)),
                seconds=int(rng.integers(0, 60)),
            )
            row = [
                stamp.strftime("%Y-%m-%d %H:%M:%S"),
                f"E{pupil_codes[i]}",
                label,
                school,
                grade,
                gender,
            ]
            for _qid, _sv, _en, _direction, p_top, change in PUPIL_ITEMS:
                if rng.random() < 0.02:
                    row.append("")
                    continue
                p = p_top + (change if wave == "dec" else 0.0) - 0.015 * (grade_k - 3)
                p = float(np.clip(p, 0.03, 0.97))
                u = rng.random()
                if u < p:
                    code = 5 if rng.random() < 0.55 else 4
                else:
                    code = int(rng.choice([1, 2, 3], p=[0.2, 0.35, 0.45]))
                row.append(str(code))
            screen_p = np.array([0.35, 0.38, 0.18, 0.06, 0.03]) + np.array(
                [-0.04, 0.0, 0.025, 0.015, 0.0]
            ) * (grade_k - 3)
            screen_p = np.clip(screen_p, 0.01, None)
            row.append(
                str(rng.choice([s[1] for s in SCREEN] + ["Vet inte"], p=screen_p / screen_p.sum()))
            )
            chosen = [
                sv
                for _c, sv, _en in LEISURE
                if rng.random()
                < {
                    "sport": 0.55,
                    "games": 0.5,
                    "friends": 0.7,
                    "reading": 0.25,
                    "crafts": 0.3,
                    "outdoors": 0.2,
                }[_c]
            ]
            row.append(", ".join(chosen))
            rows.append(row)
    return header, rows


def _write_csv(path: Path, header: list[str], rows: list[list], delimiter: str, bom: bool) -> None:
    path.write_bytes(export_csv_bytes(header, rows, delimiter, bom))


def export_csv_bytes(header: list[str], rows: list[list], delimiter: str, bom: bool) -> bytes:
    """A survey tool's CSV export: CRLF line ends, with or without a UTF-8 BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8")


def write_surveys(folder: Path) -> list[Path]:
    """Write the three sample surveys under ``folder/surveys/``; return the files written."""
    folder = Path(folder)
    written: list[Path] = []
    plan = [
        ("parents", _parents_codebook, PARENTS_HEADER, _parents, 20240304),
        ("coordinators", _coordinators_codebook, COORDINATORS_HEADER, _coordinators, 20220915),
        ("pupils", _pupils_codebook, PUPILS_HEADER, _pupils, 20230911),
    ]
    for survey_id, codebook, header_text, make, seed in plan:
        target = folder / "surveys" / survey_id
        target.mkdir(parents=True, exist_ok=True)
        cb = codebook()
        cb_path = target / "codebook.yml"
        cb_path.write_text(_dump(header_text, cb), encoding="utf-8")
        header, rows = make(np.random.default_rng(seed))
        export = target / cb["export"]["file"]
        if export.suffix == ".xlsx":
            _write_xlsx(export, header, rows)
        elif survey_id == "coordinators":
            _write_csv(export, header, rows, ";", bom=True)
        else:
            _write_csv(export, header, rows, ",", bom=False)
        written += [cb_path, export]
    return written


if __name__ == "__main__":  # python -m analysis.sample.surveys [folder]
    import sys

    for p in write_surveys(Path(sys.argv[1] if len(sys.argv) > 1 else "data/sample")):
        print(p)
