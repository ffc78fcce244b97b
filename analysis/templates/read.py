"""Reading filled data-entry templates (``<data>/teams/*.xlsx``) as a source beside the main tables.

:func:`merge_team_templates` is the one step :mod:`analysis.dataset` adds: every template is read
into the four team tables (teams, measures, observations, changes), checked by the same contract
and cross-table checks as the main tables (``schemas.validate``, ``checks.cross_checks``,
``checks.plausibility``) and merged in. Every problem names the template, its sheet, the Excel row
and the column (``C (Täljare)``). A team's rows come from one place only: a team in a template
that also has rows in the main tables, or in two templates, is an error naming both places.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pandas as pd

from .. import schemas
from ..io import ROW, Problem, _excel_cell, excel_open_errors
from ..text import t
from .layout import (
    CHOICE_WORDS,
    FIRST_CHANGE_ROW,
    FIRST_DATA_ROW,
    MARKER,
    MEASURE_FIELDS,
    META_SHEET,
    OBSERVATION_COLUMNS,
    TEAM_FIELDS,
    VALUE_COL,
    VERSION,
    field_row,
    pdsa_columns,
)

__all__ = ["TEAM_TABLES", "TemplateRead", "merge_team_templates", "read_template"]

TEAM_TABLES = ("teams", "measures", "observations", "changes")
_CODE = re.compile(r"\s*(\d{3,4})\b")


@dataclass
class TemplateRead:
    """One template as the raw (string) frames of the team tables, and where each cell came from.

    ``raw[table]`` has the contract's columns and ``_row`` (an id, not a sheet row);
    ``cells[(table, id, column)]`` is ``(sheet, Excel row, column text)``, e.g.
    ``("narvaro", 27, "C (Täljare)")``; ``(table, id, None)`` locates the row.
    """

    file: str
    team_id: str | None = None
    team_cell: tuple[str, int, str] | None = None
    raw: dict[str, pd.DataFrame] = field(default_factory=dict)
    cells: dict[tuple[str, int, str | None], tuple[str, int, str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    lang: str = "sv"

    def label(self, table: str) -> str:
        """The name the checks use for this template's ``table`` (it appears in their hints)."""
        return {
            "teams": f"{self.file} (sheet Team)",
            "measures": f"{self.file} (measure sheets)",
            "observations": f"{self.file} (measurements)",
            "changes": f"{self.file} (PDSA log)",
        }[table]

    def at(
        self,
        sheet: str,
        row: int | None,
        column: str | None,
        message: str,
        hint: str = "",
        severity: str = "error",
    ) -> Problem:
        return Problem(
            f"{self.file}, sheet '{sheet}'",
            message,
            row=row,
            column=column,
            hint=hint,
            severity=severity,
        )


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col)


def _text(value: object) -> str | None:
    text = _excel_cell(value)
    return None if text is None or not str(text).strip() else str(text).strip()


def _choices(field_name: str) -> dict[str, str]:
    """Every accepted word of a drop-down (lower case) -> the contract's code."""
    out: dict[str, str] = {}
    for code, key in CHOICE_WORDS[field_name].items():
        out[code] = code
        for lang in ("sv", "en"):
            out[t(key, lang).lower()] = code
    if field_name == "pdsa_step":
        out.update(schemas.PDSA_ALIASES)
    return out


def _choice(
    template: TemplateRead, sheet: str, row: int, column: str, field_name: str, value: str | None
) -> str | None:
    """The code of a drop-down word; an unknown word is a problem at its cell (and kept as typed,
    so that the contract check does not also call the cell blank)."""
    if value is None:
        return None
    words = _choices(field_name)
    code = words.get(value.lower())
    if code is None:
        shown = ", ".join(t(k, template.lang) for k in CHOICE_WORDS[field_name].values())
        template.problems.append(
            template.at(
                sheet,
                row,
                column,
                f"'{value}' is not one of the choices ({shown})",
                hint="pick one from the cell's drop-down list",
            )
        )
        return value
    return code


def read_template(path: str | Path, file: str | None = None) -> TemplateRead:
    """Read one filled template; problems of its layout are in ``.problems``, ``raw`` is empty
    when it could not be read at all."""
    import openpyxl

    path = Path(path)
    template = TemplateRead(file=file or path.name)
    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except excel_open_errors() as exc:
        template.problems.append(
            Problem(
                template.file,
                f"the file cannot be opened as an Excel workbook ({type(exc).__name__})",
                hint="open it in Excel and save it again as .xlsx",
            )
        )
        return template
    try:
        _read_book(book, template)
        if template.raw:
            sheets = [name for name, role in _roles(book) if role in ("team", "measure", "pdsa")]
            _unsaved_formulas(path, book, template, sheets)
    finally:
        book.close()
    return template


def _roles(book) -> list[tuple[str, str]]:
    ws = book[META_SHEET]
    return [
        (str(r[1]), str(r[2]))
        for r in ws.iter_rows(min_row=2, values_only=True)
        if r and r[0] == "sheet"
    ]


def _meta(book, template: TemplateRead) -> dict | None:
    if META_SHEET not in book.sheetnames or book[META_SHEET]["A1"].value != MARKER:
        template.problems.append(
            Problem(
                template.file,
                "this is not a data-entry template made by `workbook template`",
                hint="only templates are read from teams/: make one with `workbook template --team "
                "<id>` (or --new) and copy the data into it, or move the file out of teams/",
            )
        )
        return None
    ws = book[META_SHEET]
    version = ws["B1"].value
    if not isinstance(version, int) or version > VERSION:
        template.problems.append(
            Problem(
                template.file,
                f"the template is of version {version}; this workbook reads version "
                f"{VERSION} and older",
                hint="update the workbook, or make a new template",
            )
        )
        return None
    meta: dict = {"sheets": []}
    for row in ws.iter_rows(min_row=2, values_only=True):
        if not row or row[0] is None:
            continue
        if row[0] == "sheet":
            meta["sheets"].append((str(row[1]), str(row[2])))
        else:
            meta[str(row[0])] = row[1]
    return meta


def _read_book(book, template: TemplateRead) -> None:
    meta = _meta(book, template)
    if meta is None:
        return
    template.lang = str(meta.get("lang") or "sv")
    missing = [name for name, _ in meta["sheets"] if name not in book.sheetnames]
    if missing:
        template.problems.append(
            Problem(
                template.file,
                f"the sheet '{missing[0]}' is missing (renamed or deleted?)",
                hint="give the sheet its name back, or ask for a new template and copy the data into it",
            )
        )
        return
    roles = meta["sheets"]
    team_sheet = next(name for name, role in roles if role == "team")
    pdsa_sheet = next(name for name, role in roles if role == "pdsa")
    measure_sheets = [name for name, role in roles if role == "measure"]
    counter = iter(range(1, 10**9))

    # the team: one row of teams.csv, one field per sheet row
    ws = book[team_sheet]
    rid = next(counter)
    row: dict[str, object] = {ROW: rid}
    for name in TEAM_FIELDS:
        r = field_row(TEAM_FIELDS, name)
        value = _text(ws.cell(row=r, column=VALUE_COL).value)
        if name == "municipality_code" and value and _CODE.match(value):
            value = _CODE.match(value).group(1)  # "0682 Nässjö" -> "0682"
        row[name] = value
        label = t(f"tpl_{name.replace('municipality_code', 'municipality')}", template.lang)
        template.cells[("teams", rid, name)] = (team_sheet, r, f"{_letter(VALUE_COL)} ({label})")
    template.cells[("teams", rid, None)] = (team_sheet, field_row(TEAM_FIELDS, "team_id"), "")
    team_id = row["team_id"]
    template.team_id = str(team_id) if team_id else None
    template.team_cell = template.cells[("teams", rid, "team_id")]
    teams = [row]

    # the measures and their observations
    measures, observations, measure_ids = [], [], []
    for sheet in measure_sheets:
        ws = book[sheet]
        fields = {
            name: _text(ws.cell(row=field_row(MEASURE_FIELDS, name), column=VALUE_COL).value)
            for name in MEASURE_FIELDS
        }
        data_rows = _observation_rows(ws)
        if (
            not any(fields.get(n) for n in ("measure_id", "measure_name", "chart"))
            and not data_rows
        ):
            continue  # an unused measure sheet of a new team's template
        rid = next(counter)
        for name in MEASURE_FIELDS:
            r = field_row(MEASURE_FIELDS, name)
            label = t(f"tpl_{name}", template.lang)
            template.cells[("measures", rid, name)] = (sheet, r, f"{_letter(VALUE_COL)} ({label})")
            if name in CHOICE_WORDS:
                fields[name] = _choice(
                    template, sheet, r, f"{_letter(VALUE_COL)} ({label})", name, fields[name]
                )
        template.cells[("measures", rid, "team_id")] = template.team_cell
        template.cells[("measures", rid, None)] = (
            sheet,
            field_row(MEASURE_FIELDS, "measure_id"),
            "",
        )
        measures.append({ROW: rid, "team_id": team_id, **fields})
        measure_id = fields["measure_id"]
        if measure_id:
            measure_ids.append(measure_id)
        chart = fields.get("chart")
        headers = {
            c: t(f"tpl_{name}", template.lang)
            for c, name in enumerate(OBSERVATION_COLUMNS, start=1)
        }
        for r, values in data_rows:
            rid = next(counter)
            observations.append({ROW: rid, "team_id": team_id, "measure_id": measure_id, **values})
            for col, name in enumerate(OBSERVATION_COLUMNS, start=1):
                template.cells[("observations", rid, name)] = (
                    sheet,
                    r,
                    f"{_letter(col)} ({headers[col]})",
                )
            template.cells[("observations", rid, "measure_id")] = template.cells[
                ("measures", measures[-1][ROW], "measure_id")
            ]
            template.cells[("observations", rid, "team_id")] = template.team_cell
            template.cells[("observations", rid, None)] = (sheet, r, "")
            _unused_columns(template, sheet, r, headers, values, chart)

    # the PDSA log
    changes = _changes(
        book[pdsa_sheet],
        template,
        pdsa_sheet,
        int(meta.get("measure_columns") or 3),
        team_id,
        set(measure_ids),
        counter,
    )

    template.raw = {
        "teams": _frame("teams", teams),
        "measures": _frame("measures", measures),
        "observations": _frame("observations", observations),
        "changes": _frame("changes", changes),
    }


def _observation_rows(ws) -> list[tuple[int, dict[str, str | None]]]:
    """(Excel row, {period, value, numerator, denominator}) of every row with a measurement."""
    out = []
    for r in range(FIRST_DATA_ROW, ws.max_row + 1):
        values = {
            name: _text(ws.cell(row=r, column=col).value)
            for col, name in enumerate(OBSERVATION_COLUMNS, start=1)
        }
        if any(values[n] is not None for n in OBSERVATION_COLUMNS[1:]):
            out.append((r, values))
    return out


def _unused_columns(
    template: TemplateRead, sheet: str, row: int, headers: dict, values: dict, chart: str | None
) -> None:
    """A number in a column the chart does not read would be lost without a word: a problem."""
    if chart not in schemas.CHARTS:
        return
    ratio = chart in schemas.RATIO_CHARTS
    unused = ("value",) if ratio else ("numerator", "denominator")
    needs = "numerator and denominator" if ratio else "a value"
    for name in unused:
        if values.get(name) is not None:
            col = OBSERVATION_COLUMNS.index(name) + 1
            template.problems.append(
                template.at(
                    sheet,
                    row,
                    f"{_letter(col)} ({headers[col]})",
                    f"a {chart} chart does not use this column, so '{values[name]}' would be lost",
                    hint=f"a {chart} chart takes {needs}: move the number there, or correct the "
                    "chart at the top of the sheet",
                )
            )


def _changes(
    ws,
    template: TemplateRead,
    sheet: str,
    n_measure_cols: int,
    team_id,
    measure_ids: set[str],
    counter,
) -> list[dict]:
    columns = pdsa_columns(n_measure_cols)
    headers = {c: _pdsa_header(name, template.lang) for c, name in enumerate(columns, start=1)}
    out = []
    for r in range(FIRST_CHANGE_ROW, ws.max_row + 1):
        values = {
            name: _text(ws.cell(row=r, column=col).value)
            for col, name in enumerate(columns, start=1)
        }
        if all(values[name] is None for name in columns if name != "change_no"):
            continue  # an empty numbered row
        rid = next(counter)
        for col, name in enumerate(columns, start=1):
            template.cells[("changes", rid, name)] = (sheet, r, f"{_letter(col)} ({headers[col]})")
        template.cells[("changes", rid, "team_id")] = template.team_cell
        template.cells[("changes", rid, None)] = (sheet, r, "")
        first_measure = f"{_letter(5)} ({headers[5]})"
        template.cells[("changes", rid, "measures")] = (sheet, r, first_measure)
        step = _choice(
            template, sheet, r, f"{_letter(4)} ({headers[4]})", "pdsa_step", values["pdsa_step"]
        )
        ids: list[str] = []
        for k in range(1, n_measure_cols + 1):
            cell = values[f"measure_{k}"]
            for measure in (cell or "").replace(";", ",").split(","):
                measure = measure.strip()
                if not measure:
                    continue
                if measure in measure_ids:
                    ids.append(measure)
                    continue
                template.problems.append(
                    template.at(
                        sheet,
                        r,
                        f"{_letter(4 + k)} ({headers[4 + k]})",
                        f"unknown measure id '{measure}'",
                        hint="pick one of the team's measures from the drop-down: "
                        + (", ".join(sorted(measure_ids)) or "none is filled in yet"),
                    )
                )
        out.append(
            {
                ROW: rid,
                "team_id": team_id,
                "change_no": values["change_no"],
                "date": values["date"],
                "title": values["title"],
                "pdsa_step": step,
                "measures": ",".join(dict.fromkeys(ids)) or None,
                "description": values["description"],
                "idea": values["idea"],
            }
        )
    return out


def _pdsa_header(name: str, lang: str) -> str:
    if name.startswith("measure_"):
        return t("tpl_change_measure", lang, n=name.split("_")[1])
    return t(
        {
            "change_no": "tpl_change_no",
            "date": "tpl_change_date",
            "title": "tpl_change_title",
            "pdsa_step": "tpl_pdsa_step",
            "description": "tpl_change_description",
            "idea": "tpl_change_idea",
        }[name],
        lang,
    )


def _unsaved_formulas(path: Path, book, template: TemplateRead, sheets: list[str]) -> None:
    """A formula whose result was never saved reads as an empty cell: a measurement would be
    lost without a word. Excel and LibreOffice save the result; a script may not."""
    import openpyxl

    formulas = openpyxl.load_workbook(path, data_only=False)
    try:
        for sheet in sheets:
            values, cells = book[sheet], formulas[sheet]
            for row in cells.iter_rows(min_row=1):
                for cell in row:
                    if (
                        isinstance(cell.value, str)
                        and cell.value.startswith("=")
                        and values[cell.coordinate].value is None
                    ):
                        template.problems.append(
                            template.at(
                                sheet,
                                cell.row,
                                cell.column_letter,
                                "the cell holds a formula whose result was never saved",
                                hint="open the file in Excel (or LibreOffice) and save it, or type "
                                "the value",
                            )
                        )
    finally:
        formulas.close()


def _frame(table: str, rows: list[dict]) -> pd.DataFrame:
    """The string frame ``schemas.validate`` expects (as ``io.read_table`` gives)."""
    names = [c for c in schemas.columns(table) if c != "subgroup"]
    data = {name: pd.Series([r.get(name) for r in rows], dtype="str") for name in names}
    frame = pd.DataFrame(data)
    frame[ROW] = pd.Series([r[ROW] for r in rows], dtype="int64")
    return frame


# ------------------------------------------------------------------------- checking and merging


def _relocate(template: TemplateRead, problems: list[Problem]) -> list[Problem]:
    """Problems the table checks found, moved to the template's sheet, row and column."""
    table_of = {template.label(name): name for name in TEAM_TABLES}
    out = []
    for p in problems:
        table = table_of.get(p.file)
        if table is None:
            continue  # about another file (the main municipalities, say): reported there
        where = template.cells.get((table, p.row, p.column)) if p.row is not None else None
        where = where or (template.cells.get((table, p.row, None)) if p.row is not None else None)
        if where is None:
            out.append(Problem(template.file, p.message, hint=p.hint, severity=p.severity))
            continue
        sheet, row, column = where
        out.append(template.at(sheet, row, column or None, p.message, p.hint, p.severity))
    return out


def _check(
    template: TemplateRead,
    main: dict[str, pd.DataFrame],
    main_labels: dict[str, str],
    warnings: bool,
) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    from ..dataset.checks import cross_checks, plausibility

    found: list[Problem] = []
    typed: dict[str, pd.DataFrame] = {}
    for name in TEAM_TABLES:
        frame, problems = schemas.validate(name, template.raw[name], template.label(name))
        typed[name] = frame
        found += problems
    tables = dict(typed)
    if "municipalities" in main:
        tables["municipalities"] = main["municipalities"]
    labels = {name: template.label(name) for name in TEAM_TABLES}
    labels["municipalities"] = main_labels.get("municipalities", "municipalities.csv")
    found += cross_checks(tables, SimpleNamespace(labels=labels, tables={}, surveys=()))
    if warnings:
        found += plausibility(typed, labels)
    return typed, _relocate(template, found)


def _ranges(rows: list[int], show: int = 4) -> str:
    """``[4, 5, 6, 9]`` -> ``'4-6, 9'`` (the first ``show`` runs, then ``...``)."""
    runs: list[list[int]] = []
    for r in rows:
        if runs and r == runs[-1][1] + 1:
            runs[-1][1] = r
        else:
            runs.append([r, r])
    text = [f"{a}-{b}" if b > a else str(a) for a, b in runs[:show]]
    return ", ".join(text) + (", ..." if len(runs) > show else "")


def _one_place(
    template: TemplateRead,
    main: dict[str, pd.DataFrame],
    main_labels: dict[str, str],
    owners: dict[str, str],
) -> list[Problem]:
    """A team's rows come from one place: the main tables or one template."""
    team = template.team_id
    if team is None or template.team_cell is None:
        return []
    sheet, row, column = template.team_cell
    if team in owners:
        return [
            template.at(
                sheet,
                row,
                column,
                f"team '{team}' is also in {owners[team]}",
                hint="a team's rows come from one template only: keep the newer file "
                "in teams/ and move the other out",
            )
        ]
    owners[team] = template.file
    places = []
    for name in TEAM_TABLES:
        frame = main.get(name)
        if frame is None or frame.empty:
            continue
        rows = sorted(int(r) for r in frame.loc[frame["team_id"] == team, ROW])
        if rows:
            label = main_labels.get(name, f"{name}.csv")
            places.append(f"{label} row{'s' if len(rows) > 1 else ''} {_ranges(rows)}")
    if not places:
        return []
    return [
        template.at(
            sheet,
            row,
            column,
            f"team '{team}' also has rows in the main tables: {'; '.join(places)}",
            hint="a team's rows come from one place only: delete them from the main "
            "tables (the template holds all of them), or take the template out "
            "of teams/",
        )
    ]


def merge_team_templates(
    typed: dict[str, pd.DataFrame],
    templates: tuple[Path, ...],
    folder: Path,
    labels: dict[str, str],
    warnings: bool = False,
) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Read ``templates`` (files under ``folder``), check them and add their rows to ``typed``.

    ``typed``: the validated main tables (with ``_row``); ``labels``: their file names. Returns
    the tables with every template's rows added (``load_dataset`` raises on any error, so rows
    of a template with problems only ever reach the other checks) and the problems (warnings too when ``warnings``, as ``workbook check`` shows them).
    """
    problems: list[Problem] = []
    owners: dict[str, str] = {}
    parts: dict[str, list[pd.DataFrame]] = {name: [] for name in TEAM_TABLES}
    for path in templates:
        template = read_template(path, Path(path).relative_to(folder).as_posix())
        found = list(template.problems)
        if template.raw:
            checked, more = _check(template, typed, labels, warnings)
            found += more
            found += _one_place(template, typed, labels, owners)
        seen: set[tuple] = set()
        unique = []
        for p in found:  # one problem per cell: the first (the most specific) wins
            key = (p.file, p.row, p.column, p.severity)
            if p.row is not None and key in seen:
                continue
            seen.add(key)
            unique.append(p)
        problems += unique
        if template.raw:  # merged even with problems, so that the driver checks see the team
            for name in TEAM_TABLES:
                parts[name].append(checked[name])
    merged = dict(typed)
    for name, frames in parts.items():
        if frames and name in merged:
            merged[name] = pd.concat([merged[name], *frames], ignore_index=True)
    return merged, problems
