"""Writing a team's data-entry template (``workbook template``) with openpyxl.

The template of an existing team holds everything the main tables hold about it (its row of
teams, its measures, every observation, its PDSA log) and one dated row for every period up to
``until``; a new team's template holds empty measure sheets with monthly (or weekly) rows. Every
input cell has Excel data validation: whole numbers >= 0, a denominator >= 1, a numerator not
larger than the denominator (a custom formula), dates, and drop-downs for the choices, the PDSA
step and the team's measure ids. Labels and instructions come from ``analysis.text`` (Swedish
by default). Cells that must not change (ids, the dated periods, headings) are locked; the sheets
are protected without a password, so nothing stops a team that really needs to change them.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd

from .. import schemas
from ..io import write_bytes_atomic
from ..text import t
from .layout import (
    CHOICE_WORDS,
    FIRST_CHANGE_ROW,
    FIRST_DATA_ROW,
    HELP_COL,
    LABEL_COL,
    LISTS_SHEET,
    MARKER,
    MEASURE_FIELDS,
    META_SHEET,
    MIN_MEASURE_COLUMNS,
    NOTE_ROW,
    PDSA_HEADER_ROW,
    TABLE_HEADER_ROW,
    TEAM_FIELDS,
    TEMPLATE_CHARTS,
    VALUE_COL,
    VERSION,
    field_row,
    pdsa_columns,
)

__all__ = ["TemplateError", "build_template", "expected_periods", "write_template"]

SPARE_ROWS = 12  # undated rows under each measure's periods, for a period the grid lacks
MIN_CHANGE_ROWS = 20
GREY = "FFE7E6E6"
LIGHT = "FFF3F2F2"


class TemplateError(ValueError):
    """A template cannot be made as asked (an unknown team, a chart it cannot hold)."""


def expected_periods(frequency: str, first: dt.date, last: dt.date) -> list[dt.date]:
    """Every period from ``first`` to ``last``: the first of each month, or each Monday."""
    if frequency == "week":
        day = first - dt.timedelta(days=first.weekday())
        step = dt.timedelta(weeks=1)
        out = []
        while day <= last:
            out.append(day)
            day += step
        return out
    out, day = [], first.replace(day=1)
    while day <= last:
        out.append(day)
        day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return out


def _word(field: str, code: object, lang: str) -> object:
    """The drop-down word of a contract code (``outcome`` -> ``resultatmått``)."""
    keys = CHOICE_WORDS.get(field, {})
    if code is None or code is pd.NA or str(code) not in keys:
        return code
    return t(keys[str(code)], lang)


def _words(field: str, lang: str) -> list[str]:
    return [t(key, lang) for key in CHOICE_WORDS[field].values()]


def _cell_value(value: object) -> object:
    """A frame value as an Excel cell value (NA -> empty, Timestamp -> datetime, 12.0 -> 12)."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class _Styles:
    def __init__(self):
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

        thin = Side(style="thin", color="FFBFBFBF")
        self.title = Font(bold=True, size=14)
        self.bold = Font(bold=True)
        self.help = Font(italic=True, color="FF595959")
        self.grey = PatternFill("solid", fgColor=GREY)
        self.light = PatternFill("solid", fgColor=LIGHT)
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.unlocked = Protection(locked=False)
        self.wrap = Alignment(wrap_text=True, vertical="top")


def _protect(ws) -> None:
    """Lock the sheet (no password: locked cells are a signpost, not a wall) and print it
    landscape, as wide as one page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # widening a column stays allowed
    ws.protection.formatRows = False


def _input(cell, styles: _Styles, number_format: str | None = None) -> None:
    cell.protection = styles.unlocked
    cell.border = styles.border
    if number_format:
        cell.number_format = number_format


def _validation(
    kind: str,
    lang: str,
    *,
    formula1: str | None = None,
    operator: str | None = None,
    error_key: str = "tpl_err_number",
):
    from openpyxl.worksheet.datavalidation import DataValidation

    dv = DataValidation(
        type=kind,
        formula1=formula1,
        operator=operator,
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle=t("tpl_err_title", lang),
        error=t(error_key, lang),
    )
    return dv


def _field_block(
    ws,
    fields: tuple[str, ...],
    labels: dict[str, str],
    values: dict[str, object],
    helps: dict[str, str],
    locked: set[str],
    styles: _Styles,
) -> None:
    for name in fields:
        row = field_row(fields, name)
        label = ws.cell(row=row, column=LABEL_COL, value=labels[name])
        label.font = styles.bold
        cell = ws.cell(row=row, column=VALUE_COL, value=_cell_value(values.get(name)))
        if name in locked:
            cell.fill = styles.grey
            cell.border = styles.border
        else:
            _input(cell, styles, "yyyy-mm-dd" if name == "start_date" else None)
        if helps.get(name):
            ws.cell(row=row, column=HELP_COL, value=helps[name]).font = styles.help


def build_template(
    dataset,
    team_id: str | None = None,
    *,
    lang: str = "sv",
    until: dt.date | None = None,
    today: dt.date | None = None,
    new_measures: int = 3,
    frequency: str = "month",
    start: dt.date | None = None,
):
    """The template workbook (``openpyxl.Workbook``) of ``team_id``, or of a new team (None).

    ``until``: the last period to date (default: 31 December next year); ``start``: a new team's
    first period (default: twelve months before ``today``, a year of baseline); ``new_measures``
    and ``frequency``: a new team's measure sheets. Raises :class:`TemplateError`.
    """
    import openpyxl
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.workbook.protection import WorkbookProtection

    today = today or dt.date.today()
    until = until or dt.date(today.year + 1, 12, 31)
    if frequency not in schemas.FREQUENCIES:
        raise TemplateError(f"frequency must be one of {', '.join(schemas.FREQUENCIES)}")
    team, measures, observations, changes = _team_data(dataset, team_id)
    styles = _Styles()
    wb = openpyxl.Workbook()
    instructions = wb.active
    instructions.title = t("tpl_sheet_instructions", lang)
    team_sheet = wb.create_sheet(t("tpl_sheet_team", lang))
    roles: list[tuple[str, str]] = [
        (instructions.title, "instructions"),
        (team_sheet.title, "team"),
    ]

    # -------------------------------------------------------------------- lists (drop-downs)
    lists = wb.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    municipalities = [
        f"{c} {n}"
        for c, n in zip(
            dataset.municipalities["municipality_code"],
            dataset.municipalities["municipality_name"],
            strict=True,
        )
    ]
    municipalities.append(f"{schemas.REGION_CODE} Region Jönköpings län")
    if new_measures < 1:
        raise TemplateError("a new team's template needs at least one measure sheet")
    measure_sheets = (
        [str(m) for m in measures["measure_id"]]
        if team is not None
        else [t("tpl_sheet_new_measure", lang, n=i) for i in range(1, new_measures + 1)]
    )
    columns = {
        "municipality": municipalities,
        "focus": list(schemas.FOCUS_AREAS),
        "type": _words("measure_type", lang),
        "chart": list(TEMPLATE_CHARTS),
        "frequency": _words("frequency", lang),
        "direction": _words("direction", lang),
        "step": _words("pdsa_step", lang),
    }
    for col, (name, items) in enumerate(columns.items(), start=1):
        for row, item in enumerate(items, start=1):
            lists.cell(row=row, column=col, value=item)
        letter = openpyxl.utils.get_column_letter(col)
        wb.defined_names[f"list_{name}"] = DefinedName(
            f"list_{name}", attr_text=f"'{LISTS_SHEET}'!${letter}$1:${letter}${len(items)}"
        )
    id_col = len(columns) + 1
    id_letter = openpyxl.utils.get_column_letter(id_col)
    id_row = field_row(MEASURE_FIELDS, "measure_id")
    for row, sheet_name in enumerate(measure_sheets, start=1):
        # the team's measure ids: typed values, or (new team) whatever is typed on each sheet
        value = sheet_name if team is not None else f"='{sheet_name}'!$B${id_row}"
        lists.cell(row=row, column=id_col, value=value)
    wb.defined_names["list_measure"] = DefinedName(
        "list_measure",
        attr_text=f"'{LISTS_SHEET}'!${id_letter}$1:${id_letter}${len(measure_sheets)}",
    )

    def dropdown(ws, name: str, cells: str) -> None:
        dv = _validation("list", lang, formula1=f"=list_{name}", error_key="tpl_err_list")
        ws.add_data_validation(dv)
        dv.add(cells)

    # -------------------------------------------------------------------- the team
    team_sheet.cell(row=1, column=1, value=t("tpl_team_title", lang)).font = styles.title
    values = {}
    if team is not None:
        values = {name: team.get(name) for name in TEAM_FIELDS}
        code = str(team["municipality_code"])
        values["municipality_code"] = next(
            (m for m in municipalities if m.startswith(code + " ")), code
        )
    _field_block(
        team_sheet,
        TEAM_FIELDS,
        {
            name: t(f"tpl_{name.replace('municipality_code', 'municipality')}", lang)
            for name in TEAM_FIELDS
        },
        values,
        {
            "team_id": t("tpl_help_team_id", lang),
            "municipality_code": t("tpl_help_municipality", lang),
            "focus_area": t("tpl_help_pick", lang),
            "start_date": t("tpl_help_date", lang),
        },
        {"team_id"} if team is not None else set(),
        styles,
    )
    dropdown(team_sheet, "municipality", f"B{field_row(TEAM_FIELDS, 'municipality_code')}")
    dropdown(team_sheet, "focus", f"B{field_row(TEAM_FIELDS, 'focus_area')}")
    year = _validation(
        "whole", lang, formula1="1990", operator="greaterThanOrEqual", error_key="tpl_err_year"
    )
    team_sheet.add_data_validation(year)
    year.add(f"B{field_row(TEAM_FIELDS, 'cohort')}")
    date = _validation(
        "date", lang, formula1="1", operator="greaterThanOrEqual", error_key="tpl_err_date"
    )
    team_sheet.add_data_validation(date)
    date.add(f"B{field_row(TEAM_FIELDS, 'start_date')}")
    _widths(team_sheet, {"A": 28, "B": 44, "C": 14, "D": 14, "E": 70})
    _protect(team_sheet)

    # -------------------------------------------------------------------- the measures
    if team is not None:
        specs = [(str(m["measure_id"]), m) for _, m in measures.iterrows()]
    else:
        specs = [(name, None) for name in measure_sheets]
    first_new = start or _months_before(today, 12)
    for number, (sheet_name, measure) in enumerate(specs, start=1):
        ws = wb.create_sheet(sheet_name[:31])
        roles.append((ws.title, "measure"))
        if measure is not None:
            own = observations[observations["measure_id"] == measure["measure_id"]]
            _measure_sheet(ws, measure, own, team, until, lang, styles, dropdown)
        else:
            _new_measure_sheet(ws, number, frequency, first_new, until, lang, styles, dropdown)

    # -------------------------------------------------------------------- the PDSA log
    pdsa = wb.create_sheet(t("tpl_sheet_pdsa", lang))
    roles.append((pdsa.title, "pdsa"))
    n_measure_cols = max(MIN_MEASURE_COLUMNS, len(measure_sheets))
    _pdsa_sheet(pdsa, changes, n_measure_cols, lang, styles, dropdown)

    # -------------------------------------------------------------------- instructions, meta
    _instructions(instructions, team, lang, today, until, styles)
    meta = wb.create_sheet(META_SHEET)
    meta.sheet_state = "veryHidden"
    rows = [
        (MARKER, VERSION),
        ("team_id", team_id or ""),
        ("lang", lang),
        ("kind", "team" if team is not None else "new"),
        ("made", today.isoformat()),
        ("until", until.isoformat()),
        ("measure_columns", n_measure_cols),
    ]
    rows += [("sheet", name, role) for name, role in roles]
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            meta.cell(row=r, column=c, value=value)
    wb.move_sheet(lists, offset=len(wb.sheetnames))
    wb.move_sheet(meta, offset=len(wb.sheetnames))
    wb.active = 0
    wb.security = WorkbookProtection(lockStructure=True)  # sheets are not renamed or removed
    return wb


def _months_before(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def _widths(ws, widths: dict[str, float]) -> None:
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width


def _team_data(dataset, team_id: str | None):
    """The team's row (a dict) and its measures, observations and changes; None for a new team."""
    empty = [schemas.empty_frame(n) for n in ("measures", "observations", "changes")]
    if team_id is None:
        return None, *empty
    rows = dataset.teams[dataset.teams["team_id"] == team_id]
    if rows.empty:
        known = ", ".join(sorted(map(str, dataset.teams["team_id"])))
        raise TemplateError(f"no team '{team_id}' in {dataset.folder}; teams: {known}")
    measures = dataset.measures[dataset.measures["team_id"] == team_id].reset_index(drop=True)
    subgroup = measures[measures["chart"].isin(schemas.SUBGROUP_CHARTS)]
    if not subgroup.empty:
        raise TemplateError(
            f"measure '{subgroup['measure_id'].iloc[0]}' of team '{team_id}' uses a "
            f"{subgroup['chart'].iloc[0]} chart (several values per period), which a template "
            "cannot hold; keep this team's data in the main tables"
        )
    observations = dataset.observations[dataset.observations["team_id"] == team_id]
    changes = dataset.changes[dataset.changes["team_id"] == team_id].sort_values("change_no")
    return rows.iloc[0].to_dict(), measures, observations, changes


def _periods_of(measure, observations: pd.DataFrame, team: dict, until: dt.date) -> list[dt.date]:
    """The dated rows of a measure: its grid from the first observation (or the team's start) to
    ``until``, and every observed period."""
    seen = sorted({p.date() for p in observations["period"].dropna()})
    start = team.get("start_date")
    first = seen[0] if seen else (start.date() if isinstance(start, pd.Timestamp) else until)
    last = max([until, *seen])
    return sorted(set(expected_periods(str(measure["frequency"]), first, last)) | set(seen))


def _observation_table(
    ws,
    rows: list[tuple[dt.date | None, dict]],
    uses: set[str] | None,
    lang: str,
    styles: _Styles,
    proportion: bool | str,
) -> None:
    """The header on TABLE_HEADER_ROW and one row per period, with validation.

    ``uses``: the value columns the chart takes (None: a new measure, all open). ``proportion``:
    True/False, or (a new measure) the cell of the chart field the numerator's rule looks at.
    """
    headers = ("tpl_period", "tpl_value", "tpl_numerator", "tpl_denominator")
    names = ("period", "value", "numerator", "denominator")
    for col, (key, name) in enumerate(zip(headers, names, strict=True), start=1):
        used = uses is None or name == "period" or name in uses
        text = t(key, lang) if used else f"{t(key, lang)} {t('tpl_not_used', lang)}"
        cell = ws.cell(row=TABLE_HEADER_ROW, column=col, value=text)
        cell.font = styles.bold
        cell.fill = styles.light
        cell.border = styles.border
    last = FIRST_DATA_ROW + len(rows) + SPARE_ROWS - 1
    for offset, (period, values) in enumerate(rows):
        r = FIRST_DATA_ROW + offset
        cell = ws.cell(row=r, column=1, value=period)
        cell.number_format = "yyyy-mm-dd"
        cell.fill = styles.grey
        cell.border = styles.border
        for col, name in enumerate(names[1:], start=2):
            cell = ws.cell(row=r, column=col, value=_cell_value(values.get(name)))
            if uses is None or name in uses:
                _input(cell, styles, "0" if name in ("numerator", "denominator") else None)
            else:
                cell.fill = styles.grey
    for r in range(FIRST_DATA_ROW + len(rows), last + 1):  # spare rows: the period is typed too
        _input(ws.cell(row=r, column=1), styles, "yyyy-mm-dd")
        for col, name in enumerate(names[1:], start=2):
            cell = ws.cell(row=r, column=col)
            if uses is None or name in uses:
                _input(cell, styles, "0" if name in ("numerator", "denominator") else None)
            else:
                cell.fill = styles.grey
    top = FIRST_DATA_ROW

    def add(dv, column: str) -> None:
        ws.add_data_validation(dv)
        dv.add(f"{column}{top}:{column}{last}")

    add(
        _validation(
            "date", lang, formula1="1", operator="greaterThanOrEqual", error_key="tpl_err_date"
        ),
        "A",
    )
    if uses is None or "numerator" in uses:
        if proportion is True:
            rule = f"AND(ISNUMBER(C{top}),C{top}=INT(C{top}),C{top}>=0,OR(ISBLANK(D{top}),C{top}<=D{top}))"
        elif proportion is False:
            rule = f"AND(ISNUMBER(C{top}),C{top}=INT(C{top}),C{top}>=0)"
        else:  # a new measure: numerator <= denominator when the chart field says p or pp
            rule = (
                f"AND(ISNUMBER(C{top}),C{top}=INT(C{top}),C{top}>=0,OR(ISBLANK(D{top}),"
                f'C{top}<=D{top},AND({proportion}<>"p",{proportion}<>"pp")))'
            )
        add(_validation("custom", lang, formula1=rule, error_key="tpl_err_numerator"), "C")
        add(
            _validation(
                "whole",
                lang,
                formula1="1",
                operator="greaterThanOrEqual",
                error_key="tpl_err_denominator",
            ),
            "D",
        )
    if uses is None or "value" in uses:
        add(_value_validation(uses, lang), "B")


def _value_validation(uses: set[str] | None, lang: str):
    """Counts (c charts) are whole numbers >= 0; g and t charts take numbers >= 0; others any."""
    if uses is not None and "count" in uses:
        return _validation(
            "whole", lang, formula1="0", operator="greaterThanOrEqual", error_key="tpl_err_whole"
        )
    if uses is not None and "nonnegative" in uses:
        return _validation(
            "decimal", lang, formula1="0", operator="greaterThanOrEqual", error_key="tpl_err_number"
        )
    return _validation(
        "decimal",
        lang,
        formula1="-1E+300",
        operator="greaterThanOrEqual",
        error_key="tpl_err_number",
    )


def _measure_sheet(
    ws,
    measure,
    observations: pd.DataFrame,
    team: dict,
    until: dt.date,
    lang: str,
    styles: _Styles,
    dropdown,
) -> None:
    chart = str(measure["chart"])
    ws.cell(
        row=1, column=1, value=t("tpl_measure_title", lang, name=measure["measure_name"])
    ).font = styles.title
    values = {name: _word(name, measure.get(name), lang) for name in MEASURE_FIELDS}
    _field_block(
        ws,
        MEASURE_FIELDS,
        _measure_labels(lang),
        values,
        _measure_helps(lang),
        {"measure_id"},
        styles,
    )
    _measure_dropdowns(ws, dropdown)
    ratio = chart in schemas.RATIO_CHARTS
    by_period = {
        p.date(): row
        for p, row in zip(observations["period"], observations.to_dict("records"), strict=True)
    }
    rows = [(p, by_period.get(p, {})) for p in _periods_of(measure, observations, team, until)]
    uses = {"numerator", "denominator"} if ratio else {"value"}
    if chart == "c":
        uses.add("count")
    elif chart in ("g", "t"):
        uses.add("nonnegative")
    ws.cell(
        row=NOTE_ROW,
        column=1,
        value=t("tpl_table_note_ratio" if ratio else "tpl_table_note_value", lang),
    ).font = styles.help
    _observation_table(ws, rows, uses, lang, styles, chart in schemas.PROPORTION_CHARTS)
    _widths(ws, {"A": 28, "B": 44, "C": 14, "D": 14, "E": 70})
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"
    _protect(ws)


def _new_measure_sheet(
    ws,
    number: int,
    frequency: str,
    first: dt.date,
    until: dt.date,
    lang: str,
    styles: _Styles,
    dropdown,
) -> None:
    ws.cell(row=1, column=1, value=t("tpl_measure_title_new", lang, n=number)).font = styles.title
    values = {"frequency": _word("frequency", frequency, lang)}
    _field_block(
        ws, MEASURE_FIELDS, _measure_labels(lang), values, _measure_helps(lang), set(), styles
    )
    _measure_dropdowns(ws, dropdown)
    ws.cell(row=NOTE_ROW, column=1, value=t("tpl_table_note_new", lang)).font = styles.help
    rows = [(p, {}) for p in expected_periods(frequency, first, until)]
    chart_cell = f"$B${field_row(MEASURE_FIELDS, 'chart')}"
    _observation_table(ws, rows, None, lang, styles, chart_cell)
    _widths(ws, {"A": 28, "B": 44, "C": 14, "D": 14, "E": 70})
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"
    _protect(ws)


def _measure_labels(lang: str) -> dict[str, str]:
    return {name: t(f"tpl_{name}", lang) for name in MEASURE_FIELDS}


def _measure_helps(lang: str) -> dict[str, str]:
    return {
        "measure_id": t("tpl_help_measure_id", lang),
        "measure_type": t("tpl_help_pick", lang),
        "chart": t("tpl_help_chart", lang),
        "frequency": t("tpl_help_pick", lang),
        "direction": t("tpl_help_pick", lang),
        "target": t("tpl_help_target", lang),
    }


def _measure_dropdowns(ws, dropdown) -> None:
    for field, name in (
        ("measure_type", "type"),
        ("chart", "chart"),
        ("frequency", "frequency"),
        ("direction", "direction"),
    ):
        dropdown(ws, name, f"B{field_row(MEASURE_FIELDS, field)}")


def _pdsa_sheet(
    ws, changes: pd.DataFrame, n_measure_cols: int, lang: str, styles: _Styles, dropdown
) -> None:
    from openpyxl.utils import get_column_letter

    ws.cell(row=1, column=1, value=t("tpl_pdsa_title", lang)).font = styles.title
    columns = pdsa_columns(n_measure_cols)
    for col, name in enumerate(columns, start=1):
        if name.startswith("measure_"):
            text = t("tpl_change_measure", lang, n=name.split("_")[1])
        else:
            text = t(
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
        cell = ws.cell(row=PDSA_HEADER_ROW, column=col, value=text)
        cell.font = styles.bold
        cell.fill = styles.light
        cell.border = styles.border
    n_rows = max(MIN_CHANGE_ROWS, len(changes) + 10)
    records = changes.to_dict("records")
    numbers = [int(c["change_no"]) for c in records]
    next_no = max(numbers, default=0)
    for i in range(n_rows):
        r = FIRST_CHANGE_ROW + i
        record = records[i] if i < len(records) else {}
        if record:
            number = int(record["change_no"])
        else:
            next_no += 1
            number = next_no
        measure_ids = [
            m.strip()
            for m in str(record.get("measures") or "").replace(";", ",").split(",")
            if m.strip()
        ]
        row_values = {
            "change_no": number,
            "date": record.get("date"),
            "title": record.get("title"),
            "pdsa_step": _word("pdsa_step", record.get("pdsa_step"), lang),
            "description": record.get("description"),
            "idea": record.get("idea"),
        }
        for k in range(n_measure_cols):
            row_values[f"measure_{k + 1}"] = measure_ids[k] if k < len(measure_ids) else None
        for col, name in enumerate(columns, start=1):
            cell = ws.cell(row=r, column=col, value=_cell_value(row_values.get(name)))
            if name == "change_no":
                cell.fill = styles.grey
                cell.border = styles.border
            else:
                _input(cell, styles, "yyyy-mm-dd" if name == "date" else None)
        if len(measure_ids) > n_measure_cols:  # more ids than columns: the last cell holds the rest
            ws.cell(row=r, column=4 + n_measure_cols).value = ",".join(
                measure_ids[n_measure_cols - 1 :]
            )
    last = FIRST_CHANGE_ROW + n_rows - 1
    dropdown(ws, "step", f"D{FIRST_CHANGE_ROW}:D{last}")
    first_measure, last_measure = get_column_letter(5), get_column_letter(4 + n_measure_cols)
    dropdown(ws, "measure", f"{first_measure}{FIRST_CHANGE_ROW}:{last_measure}{last}")
    date = _validation(
        "date", lang, formula1="1", operator="greaterThanOrEqual", error_key="tpl_err_date"
    )
    ws.add_data_validation(date)
    date.add(f"B{FIRST_CHANGE_ROW}:B{last}")
    widths = {"A": 6, "B": 14, "C": 48, "D": 14}
    for k in range(n_measure_cols):
        widths[get_column_letter(5 + k)] = 20
    widths[get_column_letter(5 + n_measure_cols)] = 60
    widths[get_column_letter(6 + n_measure_cols)] = 22  # idea
    _widths(ws, widths)
    ws.freeze_panes = f"A{FIRST_CHANGE_ROW}"
    _protect(ws)


def _instructions(
    ws, team: dict | None, lang: str, today: dt.date, until: dt.date, styles: _Styles
) -> None:
    title = (
        t("tpl_title_team", lang, team=team["team_name"])
        if team is not None
        else t("tpl_title_new", lang)
    )
    lines: list[tuple[str, object]] = [
        ("title", title),
        ("", None),
        ("text", t("tpl_intro", lang)),
        ("", None),
        ("bold", t("tpl_how", lang)),
    ]
    steps = ([t("tpl_step_new", lang)] if team is None else []) + [
        t(k, lang)
        for k in (
            "tpl_step_values",
            "tpl_step_ratio",
            "tpl_step_blank",
            "tpl_step_pdsa",
            "tpl_step_names",
            "tpl_step_send",
        )
    ]
    lines += [("text", f"{i}. {step}") for i, step in enumerate(steps, start=1)]
    lines += [
        ("", None),
        ("bold", t("tpl_for_analyst", lang)),
        ("text", t("tpl_analyst", lang)),
        ("", None),
        ("help", t("tpl_made", lang, date=today.isoformat(), until=until.isoformat())),
    ]
    width = 100
    for r, (kind, text) in enumerate(lines, start=1):
        cell = ws.cell(row=r, column=1, value=text)
        cell.alignment = styles.wrap
        if text and len(text) > width * 0.9:  # wrapped lines need the height (no tool adds it)
            ws.row_dimensions[r].height = 15 * (len(text) // int(width * 0.9) + 1)
        if kind == "title":
            cell.font = styles.title
        elif kind == "bold":
            cell.font = styles.bold
        elif kind == "help":
            cell.font = styles.help
    ws.column_dimensions["A"].width = width
    _protect(ws)


def write_template(dataset, path: str | Path, team_id: str | None = None, **options) -> Path:
    """Write the template of ``team_id`` (None: a new team) to ``path``, whole or not at all.

    ``options`` go to :func:`build_template` (lang, until, today, new_measures, frequency, start).
    """
    wb = build_template(dataset, team_id, **options)
    buffer = io.BytesIO()
    wb.save(buffer)
    return write_bytes_atomic(Path(path), buffer.getvalue())
