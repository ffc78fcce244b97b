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
from dataclasses import dataclass, field
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
GENDERS = ("T", "K", "M")
KPI_ROLES = ("outcome", "context", "weight")  # a weight only weighs municipalities together
AREA_TYPES = ("K", "L", "A")  # Kolada's municipality_type
GOAL_KINDS = ("trajectory", "target")
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
        Col("measure_type", "choice", choices=MEASURE_TYPES),
        Col("chart", "choice", choices=CHARTS),
        Col("unit", nullable=True),
        Col("frequency", "choice", choices=FREQUENCIES),
        Col("direction", "choice", choices=DIRECTIONS),
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
        Col("direction", "choice", choices=DIRECTIONS),
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
        Col("direction", "choice", choices=DIRECTIONS),
    ),
}
REQUIRED_TABLES = ("municipalities", "teams", "measures", "observations", "changes")
OPTIONAL_TABLES = ("indicators", "kpis", "goals")


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


def _simple(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def check_columns(table: str, frame: pd.DataFrame, file: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Match the file's columns with the contract.

    Columns written with spaces or hyphens (``Team ID``) are renamed silently. A missing
    required column is reported with the nearest column of the file (``difflib``); an unknown
    column close to a valid one is reported as probably misspelt. Returns (renamed frame,
    problems).
    """
    spec = TABLES[table]
    wanted = [c.name for c in spec]
    read_from = frame  # its attrs say which sheet of a workbook was read
    present = [c for c in frame.columns if c != ROW]
    rename = {
        c: _simple(c)
        for c in present
        if c not in wanted and _simple(c) in wanted and _simple(c) not in present
    }
    frame = frame.rename(columns=rename)
    present = [c for c in frame.columns if c != ROW]
    unknown = [c for c in present if c not in wanted]
    problems: list[Problem] = []
    used: dict[str, str] = {}
    for col in spec:
        if col.name in present:
            continue
        candidates = [u for u in unknown if u not in used]  # each unknown column used once
        near = difflib.get_close_matches(col.name, candidates, n=1, cutoff=0.6)
        if near:
            used[near[0]] = col.name
            problems.append(
                Problem(
                    file,
                    f"column '{near[0]}' is not a known column; did you mean '{col.name}'?",
                    row=1,
                    column=near[0],
                    hint=f"rename the column to '{col.name}'",
                )
            )
        elif col.required:
            listed = ", ".join(c for c in wanted)
            problems.append(
                Problem(
                    file,
                    f"column '{col.name}' is missing",
                    row=1,
                    column=col.name,
                    hint=f"add a column '{col.name}' (the columns of {table} are: {listed})"
                    + sheet_hint(read_from, col.name),
                )
            )
    # read a misspelt column as the column it was meant to be, so that the checks go on
    return frame.rename(columns=used), problems


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

    def bad_cells(mask: pd.Series, message: str, hint: str) -> None:
        for row, value in zip(rows[mask], raw[mask], strict=True):
            problems.append(
                Problem(file, message.format(value=value), row=int(row), column=col.name, hint=hint)
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
        )
        if col.kind == "float":
            return numbers, problems
        fraction = numbers.notna() & (numbers % 1 != 0)
        bad_cells(fraction, "'{value}' is not " + what, f"write {what}{example}")
        numbers = numbers.where(~fraction)
        return numbers.round().astype("Int64"), problems
    if col.kind == "date":
        dates, bad = parse_dates(raw)
        bad_cells(bad, "'{value}' is not a date", "write dates as 2024-03-18 (year-month-day)")
        return dates, problems
    if col.kind == "bool":
        text = raw.astype("str").str.lower()
        truth = text.isin(TRUE_WORDS)
        falsity = text.isin(FALSE_WORDS)
        bad_cells(
            raw.notna() & ~truth & ~falsity, "'{value}' is not 1 or 0", "write 1 (ja) or 0 (nej)"
        )
        missing = raw.isna()
        bad_cells(missing, "the cell is empty", "write 1 (ja) or 0 (nej)")
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
        if check.startswith("choice:") and col is not None:
            allowed = " / ".join(col.choices)
            message = f"'{value}' is not an allowed value"
            hint = f"use one of: {allowed}"
            if col.aliases:
                hint += f" (also accepted: {', '.join(col.aliases)})"
        elif check in MESSAGES:
            template, hint = MESSAGES[check]
            shown = value
            if isinstance(value, float) and value.is_integer():
                shown = int(value)
            message = template.format(value=shown)
            if check == "min" and col is not None:
                hint = f"the smallest allowed value is {col.min:g}"
            elif check == "max" and col is not None:
                hint = f"the largest allowed value is {col.max:g}"
            elif check == "not_nullable" and col is not None and col.example:
                hint = f"fill it in (e.g. {col.example})"
        elif check == "column_in_dataframe":
            message, hint = f"column '{value}' is missing", "add the column"
        else:  # a dtype or other schema-level failure: say what pandera said
            message, hint = f"{check}: {value}", ""
        problems.append(Problem(file, message, row=row, column=column, hint=hint))
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
    return typed, problems
