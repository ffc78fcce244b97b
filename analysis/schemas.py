"""The data contracts of data/raw/README.md: one pandera schema per table.

:func:`validate` takes the string frame :func:`analysis.io.read_table` returns and gives back
the typed frame plus every problem, each naming file, Excel row, column and what to do:

1. columns: missing or misspelt ones (with the nearest valid name, ``difflib``); unknown
   extra columns are ignored, optional ones recognised;
2. parsing: numbers with decimal comma, whole numbers, dates, 1/0 (ja/nej), 4-digit codes;
3. the pandera schema (``lazy=True``): blanks, allowed values, id patterns, ranges.

Checks that need several tables (unknown ids, numerator > denominator, duplicates) are in
:mod:`analysis.dataset`.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .io import ROW, Problem, parse_numbers, sheet_hint
from .measures import RATIO_KINDS, SHARE_KINDS

if TYPE_CHECKING:  # pandera is imported when a table is validated (keeps imports fast)
    import pandera.pandas as pa

FOCUS_AREAS = ("fullföljda studier", "psykisk hälsa", "fysisk aktivitet")
MEASURE_TYPES = ("process", "outcome", "balancing")
CHARTS = ("run", "i", "mr", "xbar", "s", "p", "pp", "c", "u", "up", "g", "t")
RATIO_CHARTS = tuple(c for c in CHARTS if c in RATIO_KINDS)  # need numerator and denominator
PROPORTION_CHARTS = tuple(c for c in CHARTS if c in SHARE_KINDS)  # numerator <= denominator
SUBGROUP_CHARTS = ("xbar", "s")  # several values per period
FREQUENCIES = ("week", "month")
DIRECTIONS = ("up", "down")
PDSA_STEPS = ("plan", "do", "study", "act")
PDSA_ALIASES = {"planera": "plan", "göra": "do", "gora": "do", "studera": "study", "agera": "act"}
# the Swedish words an analyst would type for the choice values
MEASURE_TYPE_ALIASES = {
    "processmått": "process",
    "resultatmått": "outcome",
    "resultat": "outcome",
    "utfallsmått": "outcome",
    "balansmått": "balancing",
    "balans": "balancing",
}
FREQUENCY_ALIASES = {"vecka": "week", "veckovis": "week", "månad": "month", "månadsvis": "month"}
DIRECTION_ALIASES = {"upp": "up", "uppåt": "up", "ner": "down", "ned": "down", "nedåt": "down"}
GENDERS = ("T", "K", "M")
# Who told a story (stories.csv): a role, never a name
TELLER_ROLES = ("child", "young_person", "parent", "staff", "teacher", "nurse", "other")
TELLER_ALIASES = {
    "barn": "child",
    "elev": "young_person",
    "ungdom": "young_person",
    "ung": "young_person",
    "förälder": "parent",
    "vårdnadshavare": "parent",
    "personal": "staff",
    "medarbetare": "staff",
    "lärare": "teacher",
    "sjuksköterska": "nurse",
    "bvc-sjuksköterska": "nurse",
    "annan": "other",
    "övrig": "other",
}
KPI_ROLES = ("outcome", "context", "weight")  # a weight only weighs municipalities together
AREA_TYPES = ("K", "L", "A")  # Kolada's municipality_type
GOAL_KINDS = ("trajectory", "target")
# The steps of the IHI assessment scale (Breakthrough Series; docs/methods.md, "Team progress"):
# a coach's score in assessments.csv must be one of them.
ASSESSMENT_SCORES = (1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0)
REGION_CODE = "0006"  # Region Jönköpings län in Kolada
COUNTRY_CODE = "0000"  # the whole country in Kolada
TRUE_WORDS = frozenset({"1", "ja", "j", "yes", "y", "true", "sant", "x"})
FALSE_WORDS = frozenset({"0", "nej", "n", "no", "false", "falskt"})
ID_PATTERN = r"^[a-z0-9_]+$"
CODE_PATTERN = r"^\d{4}$"

DTYPES = {
    "text": "str",
    "id": "str",
    "code": "str",
    "choice": "str",
    "int": "Int64",
    "year": "Int64",
    "float": "float64",
    "date": "datetime64[us]",
    "bool": "bool",
}


@dataclass(frozen=True)
class Col:
    """One column of a table contract.

    ``kind``: text, id (``[a-z0-9_]+``), code (4 digits), choice, int, year, float, date, bool.
    ``required``: the column must be in the file; ``nullable``: its cells may be blank.
    """

    name: str
    kind: str = "text"
    required: bool = True
    nullable: bool = False
    choices: tuple[str, ...] = ()
    aliases: dict[str, str] = field(default_factory=dict)
    min: float | None = None
    max: float | None = None
    example: str = ""


TABLES: dict[str, tuple[Col, ...]] = {
    "municipalities": (
        Col("municipality_code", "code", example="0682"),
        Col("municipality_name"),
        Col("in_network", "bool", example="1"),
    ),
    "teams": (
        Col("team_id", "id", example="nassjo"),
        Col("team_name"),
        Col("municipality_code", "code", example="0682"),
        Col("focus_area", "choice", choices=FOCUS_AREAS),
        Col("cohort", "year", min=1990, max=2100, example="2019"),
        Col("start_date", "date", example="2019-09-01"),
        Col("aim", required=False, nullable=True),
    ),
    "measures": (
        Col("measure_id", "id", example="hembesok"),
        Col("team_id", "id"),
        Col("measure_name"),
        Col("measure_type", "choice", choices=MEASURE_TYPES, aliases=MEASURE_TYPE_ALIASES),
        Col("chart", "choice", choices=CHARTS),
        Col("unit", nullable=True),
        Col("frequency", "choice", choices=FREQUENCIES, aliases=FREQUENCY_ALIASES),
        Col("direction", "choice", choices=DIRECTIONS, aliases=DIRECTION_ALIASES),
        Col("target", "float", required=False, nullable=True, example="0,9"),
    ),
    "observations": (
        Col("team_id"),
        Col("measure_id"),
        Col("period", "date", example="2020-01-01"),
        Col("value", "float", required=False, nullable=True, example="12,5"),
        Col("numerator", "float", required=False, nullable=True, min=0, example="14"),
        Col("denominator", "float", required=False, nullable=True, min=0, example="22"),
        Col("subgroup", required=False, nullable=True),
    ),
    "changes": (
        Col("team_id"),
        Col("change_no", "int", min=1, example="1"),
        Col("date", "date", example="2020-09-01"),
        Col("title"),
        Col("pdsa_step", "choice", choices=PDSA_STEPS, aliases=PDSA_ALIASES),
        Col("measures", nullable=True, example="hembesok,deltagande"),
        Col("description", required=False, nullable=True),
        # optional: the network's id of the change idea, the same in every team that tests it
        # (the change menu compares those teams side by side; blank: the title, normalised)
        Col("idea", "id", required=False, nullable=True, example="sms_franvaro"),
    ),
    "indicators": (
        Col("kpi", example="N17461"),
        Col("municipality_code", "code", example="0682"),
        Col("period", "year", min=1990, max=2100, example="2023"),
        Col("gender", "choice", choices=GENDERS),
        Col("value", "float", nullable=True, example="68,4"),
        # optional: how many people the value is about (the denominator of a share or rate);
        # gives the standard error the goal status tests the change with (Healthy People 2030)
        Col("n", "float", required=False, nullable=True, min=0, example="412"),
    ),
    "kpis": (
        Col("kpi", example="N66077"),
        Col("title_sv"),
        Col("title_en", nullable=True),
        Col("unit", nullable=True),
        Col("direction", "choice", choices=DIRECTIONS, aliases=DIRECTION_ALIASES),
        Col("focus_area", "choice", choices=FOCUS_AREAS, nullable=True),
        # Kolada's facts and the workbook's reading of them (docs/kolada.md); optional, so a
        # hand-made kpis.csv of six columns stays valid. Blank role = outcome.
        Col("role", "choice", choices=KPI_ROLES, required=False, nullable=True),
        Col("area_type", "choice", choices=AREA_TYPES, required=False, nullable=True),
        Col("gender_split", "choice", choices=("1", "0"), required=False, nullable=True),
        Col("county_weight", required=False, nullable=True, example="N01919"),
    ),
    "goals": (
        Col("goal_id"),
        Col("title_sv"),
        Col("title_en", required=False, nullable=True),
        Col("kind", "choice", choices=GOAL_KINDS),
        Col("source", example="indicator:N17461"),
        Col("municipality_code", "code", required=False, nullable=True),
        Col("baseline_year", "year", required=False, nullable=True, min=1990, max=2100),
        Col("pp_per_year", "float", required=False, nullable=True, example="2"),
        Col("years", "int", required=False, nullable=True, min=1, example="4"),
        Col("target_value", "float", required=False, nullable=True, min=0, max=100, example="100"),
        Col("deadline", "date", required=False, nullable=True, example="2022-12-31"),
        Col("direction", "choice", choices=DIRECTIONS, aliases=DIRECTION_ALIASES),
    ),
    # the network's meetings (lärandeseminarier): the dates team progress is scored at
    "meetings": (
        Col("meeting_date", "date", example="2024-03-14"),
        Col("title", required=False, nullable=True),
    ),
    # a coach's score of a team at a network meeting on the IHI assessment scale
    "assessments": (
        Col("team_id"),
        Col("meeting_date", "date", example="2024-03-14"),
        Col("score", "float", min=1, max=5, example="2,5"),
        Col("comment", required=False, nullable=True),
    ),
}
# Issue 17: spread of changes and stories beside measures (both optional)
TABLES["spread"] = (
    Col("team_id"),
    Col("change_no", "int", min=1, example="1"),
    Col("date", "date", example="2021-03-01"),
    Col("unit", example="Klass 7B"),  # a class, a family centre, a school: never a person
    Col("adopted", "bool", example="1"),
)
TABLES["stories"] = (
    Col("team_id"),
    Col("date", "date", example="2021-03-15"),
    Col("title"),
    Col("text"),
    Col("teller", "choice", choices=TELLER_ROLES, aliases=TELLER_ALIASES),
    Col("consent", "bool", example="1"),
    Col("measure_id", required=False, nullable=True, example="narvaro"),
    Col("period", "date", required=False, nullable=True, example="2021-03-01"),
)
REQUIRED_TABLES = ("municipalities", "teams", "measures", "observations", "changes")
OPTIONAL_TABLES = ("indicators", "kpis", "goals", "meetings", "assessments", "spread", "stories")


def columns(table: str) -> list[str]:
    """The contract's column names of ``table``, in order."""
    return [c.name for c in TABLES[table]]


def empty_frame(table: str) -> pd.DataFrame:
    """A typed frame of ``table`` with no rows (an optional table that is absent)."""
    return pd.DataFrame({c.name: pd.Series([], dtype=DTYPES[c.kind]) for c in TABLES[table]})


# --------------------------------------------------------------------------- the pandera schemas

# error key -> (message, hint); {value} is the failing cell. The key is the Check's `error`.
MESSAGES: dict[str, tuple[str, str]] = {
    "not_nullable": ("the cell is empty", "fill it in"),
    "id_pattern": (
        "'{value}' is not a valid id",
        "use only lower-case letters a-z, digits and _ (no å, ä, ö or spaces)",
    ),
    "code_pattern": (
        "'{value}' is not a 4-digit municipality code",
        "use the Kolada/SCB code with its leading zero, e.g. 0682",
    ),
    "min": ("{value} is below the smallest allowed value", ""),
    "max": ("{value} is above the largest allowed value", ""),
    "negative": ("{value} is negative", "counts are whole numbers 0 or more"),
    "denominator_zero": (
        "the denominator is 0",
        "a period with no cases is left out (it is drawn as a gap); "
        "delete the row or correct the count",
    ),
    "whole": ("{value} is not a whole number", "counts are whole numbers"),
}


def _choice_error(col: Col) -> str:
    return f"choice:{col.name}"


def _pa_column(col: Col) -> pa.Column:
    import pandera.pandas as pa

    checks: list[pa.Check] = []
    if col.kind == "id":
        checks.append(pa.Check.str_matches(ID_PATTERN, error="id_pattern"))
    elif col.kind == "code":
        checks.append(pa.Check.str_matches(CODE_PATTERN, error="code_pattern"))
    elif col.kind == "choice":
        checks.append(pa.Check.isin(list(col.choices), error=_choice_error(col)))
    if col.name in ("numerator", "denominator"):
        checks.append(pa.Check.ge(0, error="negative"))
        checks.append(pa.Check(lambda s: (s % 1) == 0, element_wise=False, error="whole"))
        if col.name == "denominator":
            checks.append(pa.Check.ne(0, error="denominator_zero"))
    else:
        if col.min is not None:
            checks.append(pa.Check.ge(col.min, error="min"))
        if col.max is not None:
            checks.append(pa.Check.le(col.max, error="max"))
    dtype = pa.DateTime if col.kind == "date" else DTYPES[col.kind]
    return pa.Column(dtype, checks=checks, nullable=col.nullable, required=True)


_SCHEMAS: dict[str, pa.DataFrameSchema] = {}  # built on first use


def schema(table: str) -> pa.DataFrameSchema:
    """The pandera schema of the typed ``table`` (extra columns such as ``_row`` allowed)."""
    import pandera.pandas as pa

    if table not in _SCHEMAS:
        _SCHEMAS[table] = pa.DataFrameSchema(
            {c.name: _pa_column(c) for c in TABLES[table]}, name=table, strict=False, coerce=False
        )
    return _SCHEMAS[table]


# --------------------------------------------------------------------------- columns

#: The Swedish column names an analyst would type, per table: Swedish name -> contract name.
#: Case, spaces, hyphens and å/ä/ö are ignored when matching (``Fokusområde``, ``fokusomrade``
#: and ``FOKUS-OMRÅDE`` are all ``focus_area``). Documented in data/raw/README.md.
SWEDISH_COLUMNS: dict[str, dict[str, str]] = {
    "municipalities": {
        "kommunkod": "municipality_code",
        "kommunnamn": "municipality_name",
        "kommun": "municipality_name",
        "i_nätverket": "in_network",
        "ingår_i_nätverket": "in_network",
        "nätverk": "in_network",
    },
    "teams": {
        "teamnamn": "team_name",
        "namn": "team_name",
        "kommunkod": "municipality_code",
        "fokusområde": "focus_area",
        "kohort": "cohort",
        "omgång": "cohort",
        "startdatum": "start_date",
        "start": "start_date",
        "syfte": "aim",
        "målformulering": "aim",
    },
    "measures": {
        "mått_id": "measure_id",
        "måttnamn": "measure_name",
        "mått": "measure_name",
        "måttyp": "measure_type",
        "måttstyp": "measure_type",
        "typ_av_mått": "measure_type",
        "diagram": "chart",
        "diagramtyp": "chart",
        "styrdiagram": "chart",
        "enhet": "unit",
        "frekvens": "frequency",
        "riktning": "direction",
        "förbättringsriktning": "direction",
        "målvärde": "target",
        "mål": "target",
    },
    "observations": {
        "mått_id": "measure_id",
        "mått": "measure_id",
        "värde": "value",
        "täljare": "numerator",
        "nämnare": "denominator",
        "undergrupp": "subgroup",
        "delgrupp": "subgroup",
    },
    "changes": {
        "förändring_nr": "change_no",
        "förändringsnummer": "change_no",
        "nr": "change_no",
        "nummer": "change_no",
        "datum": "date",
        "startdatum": "date",
        "titel": "title",
        "förändring": "title",
        "förändringsidé": "title",
        "pdsa_steg": "pdsa_step",
        "pgsa_steg": "pdsa_step",
        "steg": "pdsa_step",
        "mått": "measures",
        "beskrivning": "description",
        "idé": "idea",
        "idé_id": "idea",
        "gemensam_idé": "idea",
    },
    "spread": {
        "förändring_nr": "change_no",
        "förändringsnummer": "change_no",
        "nr": "change_no",
        "datum": "date",
        "enhet": "unit",
        "verksamhet": "unit",
        "infört": "adopted",
        "infört_arbetssätt": "adopted",
        "använder": "adopted",
    },
    "stories": {
        "datum": "date",
        "rubrik": "title",
        "titel": "title",
        "berättelse": "text",
        "berättare": "teller",
        "berättarens_roll": "teller",
        "roll": "teller",
        "samtycke": "consent",
        "mått_id": "measure_id",
        "mått": "measure_id",
    },
    "indicators": {
        "nyckeltal": "kpi",
        "kommunkod": "municipality_code",
        "år": "period",
        "kön": "gender",
        "värde": "value",
        "antal": "n",
    },
    "kpis": {
        "nyckeltal": "kpi",
        "titel_sv": "title_sv",
        "titel": "title_sv",
        "titel_en": "title_en",
        "enhet": "unit",
        "riktning": "direction",
        "fokusområde": "focus_area",
        "roll": "role",
        "områdestyp": "area_type",
        "könsuppdelad": "gender_split",
        "länsvikt": "county_weight",
    },
    "goals": {
        "mål_id": "goal_id",
        "titel_sv": "title_sv",
        "titel": "title_sv",
        "titel_en": "title_en",
        "typ": "kind",
        "källa": "source",
        "kommunkod": "municipality_code",
        "basår": "baseline_year",
        "utgångsår": "baseline_year",
        "procentenheter_per_år": "pp_per_year",
        "pe_per_år": "pp_per_year",
        "antal_år": "years",
        "målvärde": "target_value",
        "slutdatum": "deadline",
        "senast": "deadline",
        "riktning": "direction",
    },
    "meetings": {
        "mötesdatum": "meeting_date",
        "träffdatum": "meeting_date",
        "datum": "meeting_date",
        "titel": "title",
        "träff": "title",
        "namn": "title",
    },
    "assessments": {
        "team": "team_id",
        "mötesdatum": "meeting_date",
        "träffdatum": "meeting_date",
        "datum": "meeting_date",
        "poäng": "score",
        "bedömning": "score",
        "skattning": "score",
        "nivå": "score",
        "kommentar": "comment",
    },
}
#: An unknown column this close to a known name (difflib ratio, after folding) is reported.
NEAR_CUTOFF = 0.75


def _simple(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def _fold(name: str) -> str:
    """A column name as it is matched: lower case, without spaces, hyphens and ``_``, å/ä/ö as
    a/a/o (``Kommun-kod`` and ``kommunkod`` are one name)."""
    import unicodedata

    text = unicodedata.normalize("NFKD", _simple(name)).replace("_", "")
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def column_names(table: str) -> dict[str, str]:
    """Every name a column of ``table`` may have, folded -> ``(contract name)``: the contract's
    own names and the Swedish ones of :data:`SWEDISH_COLUMNS`."""
    names = {_fold(c.name): c.name for c in TABLES[table]}
    for swedish, name in SWEDISH_COLUMNS.get(table, {}).items():
        names.setdefault(_fold(swedish), name)
    return names


def _spelling(table: str) -> dict[str, str]:
    """folded name -> the name as written (the contract's or the Swedish one)."""
    spelled = {_fold(c.name): c.name for c in TABLES[table]}
    for swedish in SWEDISH_COLUMNS.get(table, {}):
        spelled.setdefault(_fold(swedish), swedish)
    return spelled


def check_columns(table: str, frame: pd.DataFrame, file: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Match the file's columns with the contract.

    A column is recognised by its contract name or its Swedish name (:data:`SWEDISH_COLUMNS`),
    whatever its case, spaces, hyphens or å/ä/ö (``Team ID`` is ``team_id``, ``Fokusområde`` is
    ``focus_area``). Two file columns meaning the same column are an error. An unknown column
    close to a known name whose column is not in the file is reported as probably misspelt, with
    that name; a missing required column is reported with the columns of the table. Other
    unknown columns are ignored. Returns (renamed frame, problems); ``attrs["renamed"]`` maps a
    contract name to the file's own header.
    """
    spec = TABLES[table]
    wanted = [c.name for c in spec]
    read_from = frame  # its attrs say which sheet of a workbook was read
    names = column_names(table)
    spelled = _spelling(table)
    present = [c for c in frame.columns if c != ROW]
    headers = frame.attrs.get("headers") or {}  # lower-case name -> as the file writes it

    def header(column: object) -> str:
        return headers.get(str(column), str(column))

    problems: list[Problem] = []
    rename: dict[str, str] = {}
    claimed: dict[str, str] = {}
    for column in sorted(present, key=lambda c: c not in wanted):  # exact names first
        target = names.get(_fold(str(column)))
        if target is None:
            continue
        if target in claimed:
            first, second = header(claimed[target]), header(column)
            problems.append(
                Problem(
                    file,
                    f"columns '{first}' and '{second}' both mean '{target}'",
                    row=1,
                    column=second,
                    hint="keep one of them (delete or rename the other)",
                    key="check_same_column",
                    hint_key="check_same_column_hint",
                    values=(("first", first), ("second", second), ("name", target)),
                )
            )
            continue
        claimed[target] = str(column)
        if column != target:
            rename[column] = target
    frame = frame.rename(columns=rename)
    unknown = [c for c in present if c not in rename and c not in claimed.values()]
    used: set[str] = set()
    missing = [c for c in spec if c.name not in claimed]
    folded_unknown = {_fold(str(u)): u for u in unknown}
    for col in missing:
        # the nearest unknown column to any name of this column (contract or Swedish)
        own = [f for f, n in names.items() if n == col.name]
        best = None
        for f in own:
            for near in difflib.get_close_matches(
                f,
                [u for u in folded_unknown if u not in used],
                n=1,
                cutoff=0.6 if f == _fold(col.name) else NEAR_CUTOFF,
            ):
                ratio = difflib.SequenceMatcher(None, f, near).ratio()
                if best is None or ratio > best[0]:
                    best = (ratio, near, spelled[f])
        if best is not None:
            _, near, meant = best
            used.add(near)
            original = header(folded_unknown[near])
            rename_to = f"'{meant}'" + ("" if meant == col.name else f" ({col.name})")
            problems.append(
                Problem(
                    file,
                    f"column '{original}' is not a known column; did you mean {rename_to}?",
                    row=1,
                    column=original,
                    hint=f"rename the column to '{meant}'",
                    key="check_misspelt",
                    hint_key="check_misspelt_hint",
                    values=(("column", original), ("meant", rename_to), ("name", meant)),
                )
            )
            rename[folded_unknown[near]] = col.name
        elif col.required:
            listed = ", ".join(c for c in wanted)
            sheet = sheet_hint(read_from, col.name)
            problems.append(
                Problem(
                    file,
                    f"column '{col.name}' is missing",
                    row=1,
                    column=col.name,
                    hint=f"add a column '{col.name}' (the columns of {table} are: {listed})"
                    + sheet,
                    key="check_missing_column",
                    hint_key="check_missing_column_hint",
                    values=(
                        ("name", col.name),
                        ("table", table),
                        ("listed", listed),
                        ("sheet", sheet),
                    ),
                )
            )
    # read a misspelt column as the column it was meant to be, so that the checks go on
    frame = frame.rename(columns={k: v for k, v in rename.items() if k in frame.columns})
    frame.attrs["renamed"] = {v: header(k) for k, v in rename.items()}
    return frame, problems


# --------------------------------------------------------------------------- parsing

_DATE_FORMATS = ("%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M")


def parse_dates(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse dates (ISO ``2024-03-18``, ``18/03/2024``, ``2024-03-18 00:00``) to midnight.

    Returns (datetime64 Series, bool Series marking non-blank cells that are not dates).
    """
    text = values.astype("str")
    out = pd.to_datetime(text, format="ISO8601", errors="coerce")
    for fmt in _DATE_FORMATS:
        missing = out.isna() & text.notna()
        if not missing.any():
            break
        out = out.where(~missing, pd.to_datetime(text.where(missing), format=fmt, errors="coerce"))
    if getattr(out.dt, "tz", None) is not None:
        out = out.dt.tz_localize(None)
    out = out.dt.normalize().astype("datetime64[us]")
    return out, out.isna() & text.notna()


def _coerce_column(
    col: Col, raw: pd.Series, rows: pd.Series, file: str
) -> tuple[pd.Series, list[Problem]]:
    problems: list[Problem] = []

    def bad_cells(
        mask: pd.Series,
        message: str,
        hint: str,
        key: str = "",
        hint_key: str = "",
        **values: object,
    ) -> None:
        for row, value in zip(rows[mask], raw[mask], strict=True):
            problems.append(
                Problem(
                    file,
                    message.format(value=value),
                    row=int(row),
                    column=col.name,
                    hint=hint,
                    key=key,
                    hint_key=hint_key,
                    values=(("value", value), *values.items()),
                )
            )

    if col.kind in ("text", "id"):
        return raw.astype("str"), problems
    if col.kind == "code":
        text = raw.astype("str")
        short = text.str.fullmatch(r"\d{1,3}").fillna(False).astype(bool)
        # Excel drops the leading zero of 0682; the code is unambiguous, so put it back.
        return text.where(~short, text.str.zfill(4)), problems
    if col.kind == "choice":
        text = raw.astype("str")
        upper = all(c.isupper() for c in col.choices)  # T/K/M, K/L/A
        text = text.str.upper() if upper else text.str.lower()
        if col.aliases:
            text = text.replace(col.aliases)
        return text, problems
    if col.kind in ("int", "year", "float"):
        numbers, bad = parse_numbers(raw)
        what = (
            "a number"
            if col.kind == "float"
            else ("a year" if col.kind == "year" else "a whole number")
        )
        example = f" (e.g. {col.example})" if col.example else ""
        bad_cells(
            bad,
            "'{value}' is not " + what,
            f"write {what}{example}, without units or letters (and smaller than 1e308)",
            f"check_not_{col.kind}",
            f"check_number_hint_{col.kind}",
            example=example,
            exempel=f" (t.ex. {col.example})" if col.example else "",
        )
        if col.kind == "float":
            return numbers, problems
        fraction = numbers.notna() & (numbers % 1 != 0)
        bad_cells(
            fraction,
            "'{value}' is not " + what,
            f"write {what}{example}",
            f"check_not_{col.kind}",
            f"check_write_{col.kind}",
            example=example,
            exempel=f" (t.ex. {col.example})" if col.example else "",
        )
        numbers = numbers.where(~fraction)
        return numbers.round().astype("Int64"), problems
    if col.kind == "date":
        dates, bad = parse_dates(raw)
        bad_cells(
            bad,
            "'{value}' is not a date",
            "write dates as 2024-03-18 (year-month-day)",
            "check_not_date",
            "check_date_hint",
        )
        return dates, problems
    if col.kind == "bool":
        text = raw.astype("str").str.lower()
        truth = text.isin(TRUE_WORDS)
        falsity = text.isin(FALSE_WORDS)
        bad_cells(
            raw.notna() & ~truth & ~falsity,
            "'{value}' is not 1 or 0",
            "write 1 (ja) or 0 (nej)",
            "check_not_bool",
            "check_bool_hint",
        )
        missing = raw.isna()
        bad_cells(
            missing,
            "the cell is empty",
            "write 1 (ja) or 0 (nej)",
            "check_not_nullable",
            "check_bool_hint",
        )
        return pd.Series(truth.to_numpy(dtype=bool), index=raw.index), problems
    raise ValueError(f"unknown column kind {col.kind!r}")


def coerce(table: str, frame: pd.DataFrame, file: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse the string frame into the contract's types; unparseable cells become problems.

    Returns a frame with every contract column (absent optional ones all NA) plus ``_row``.
    """
    rows = (
        frame[ROW] if ROW in frame else pd.Series(np.arange(2, len(frame) + 2), index=frame.index)
    )
    out: dict[str, pd.Series] = {}
    problems: list[Problem] = []
    for col in TABLES[table]:
        if col.name in frame:
            series, found = _coerce_column(col, frame[col.name], rows, file)
            problems += found
        else:
            series = (
                pd.Series(None, index=frame.index, dtype=DTYPES[col.kind])
                if col.kind != "bool"
                else pd.Series(False, index=frame.index)
            )
        out[col.name] = series
    typed = pd.DataFrame(out, index=frame.index)
    typed[ROW] = rows.astype("int64")
    return typed.reset_index(drop=True), problems


# --------------------------------------------------------------------------- validation


def failure_problems(
    error: pa.errors.SchemaErrors, typed: pd.DataFrame, table: str, file: str
) -> list[Problem]:
    """Turn pandera's failure cases into :class:`Problem`\\ s (file, Excel row, column, hint)."""
    specs = {c.name: c for c in TABLES[table]}
    problems: list[Problem] = []
    cases = error.failure_cases
    for case in cases.itertuples(index=False):
        column = case.column if isinstance(case.column, str) else None
        index = case.index
        row = None
        if index is not None and not (isinstance(index, float) and np.isnan(index)):
            try:
                row = int(typed.at[int(index), ROW])
            except (KeyError, ValueError, TypeError):
                row = None
        value = case.failure_case
        check = str(case.check)
        col = specs.get(column) if column else None
        key = hint_key = ""
        values: dict[str, object] = {"value": value}
        if check.startswith("choice:") and col is not None:
            allowed = " / ".join(col.choices)
            message = f"'{value}' is not an allowed value"
            hint = f"use one of: {allowed}"
            key, hint_key, values["allowed"] = "check_choice", "check_choice_hint", allowed
            if col.aliases:
                hint += f" (also accepted: {', '.join(col.aliases)})"
                hint_key = "check_choice_alias_hint"
                values["aliases"] = ", ".join(col.aliases)
        elif check in MESSAGES:
            template, hint = MESSAGES[check]
            shown = value
            if isinstance(value, float) and value.is_integer():
                shown = int(value)
            message = template.format(value=shown)
            key = hint_key = f"check_{check}"
            hint_key += "_hint"
            values["value"] = shown
            if check == "min" and col is not None:
                hint = f"the smallest allowed value is {col.min:g}"
                values["limit"] = f"{col.min:g}"
            elif check == "max" and col is not None:
                hint = f"the largest allowed value is {col.max:g}"
                values["limit"] = f"{col.max:g}"
            elif check == "not_nullable" and col is not None and col.example:
                hint = f"fill it in (e.g. {col.example})"
                hint_key, values["example"] = "check_fill_example_hint", col.example
            if check in ("min", "max") and "limit" not in values:
                hint_key = ""
        elif check == "column_in_dataframe":
            message, hint = f"column '{value}' is missing", "add the column"
        else:  # a dtype or other schema-level failure: say what pandera said
            message, hint = f"{check}: {value}", ""
        problems.append(
            Problem(
                file,
                message,
                row=row,
                column=column,
                hint=hint,
                key=key,
                hint_key=hint_key if hint else "",
                values=tuple(values.items()),
            )
        )
    return problems


def validate(table: str, frame: pd.DataFrame, file: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Check the columns, parse and validate ``frame`` (from ``io.read_table``) as ``table``.

    Returns (typed frame with the contract's columns plus ``_row``, problems). The typed frame
    is only trustworthy when the problem list is empty.
    """
    import pandera.pandas as pa

    frame, problems = check_columns(table, frame, file)
    missing_required = [c.name for c in TABLES[table] if c.required and c.name not in frame]
    typed, parse_problems = coerce(table, frame, file)
    problems += parse_problems
    typed.attrs["file_columns"] = [c for c in frame.columns if c != ROW]
    reported = {(p.row, p.column) for p in problems}
    try:
        schema(table).validate(typed, lazy=True)
    except pa.errors.SchemaErrors as exc:
        for problem in failure_problems(exc, typed, table, file):
            if problem.column in missing_required:
                continue  # the missing column is already reported once
            if (problem.row, problem.column) in reported:
                continue  # an unparseable cell is already reported; NA is the consequence
            problems.append(problem)
    renamed = frame.attrs.get("renamed") or {}
    # a cell's problem names the column as the file's header says it (``täljare``, not numerator)
    problems = [
        replace(p, column=renamed[p.column]) if p.column in renamed and p.row != 1 else p
        for p in problems
    ]
    typed.attrs["renamed"] = dict(renamed)
    return typed, problems
