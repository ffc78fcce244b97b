"""Where everything sits in a data-entry template: shared by the writer and the reader.

A template is an ``.xlsx`` with these sheets (names in the template's language):

* ``Instruktioner``: what to do, in Swedish (English with ``lang="en"``);
* ``Team``: the team's row of teams.csv, one field per row (label in A, value in B, help in E);
* one sheet per measure: its row of measures.csv at the top (rows 3-10, as on Team), then the
  observations: a header on row 13 (Period, Värde, Täljare, Nämnare) and one row per period;
* ``PDSA-logg``: the changes, a header on row 3 and one change per row;
* ``Listor`` (hidden): the choices of the drop-downs;
* ``_workbook`` (very hidden): the template's own facts (version, team id, language, which sheet
  is what), so that the reader never guesses a sheet by its name or position.
"""

from __future__ import annotations

from .. import schemas

VERSION = 1
MARKER = "workbook-template"
META_SHEET = "_workbook"
LISTS_SHEET = "Listor"

TEAM_FIELDS = (
    "team_id",
    "team_name",
    "municipality_code",
    "focus_area",
    "cohort",
    "start_date",
    "aim",
)
MEASURE_FIELDS = (
    "measure_id",
    "measure_name",
    "measure_type",
    "chart",
    "unit",
    "frequency",
    "direction",
    "target",
)
FIRST_FIELD_ROW = 3  # the first field of the Team sheet and of a measure sheet
LABEL_COL, VALUE_COL, HELP_COL = 1, 2, 5  # help in E: C and D are the count columns below

NOTE_ROW = 12
TABLE_HEADER_ROW = 13
FIRST_DATA_ROW = 14
OBSERVATION_COLUMNS = ("period", "value", "numerator", "denominator")  # columns A-D

PDSA_HEADER_ROW = 3
FIRST_CHANGE_ROW = 4
MIN_MEASURE_COLUMNS = 3  # "Påverkar mått 1..n" columns of the PDSA log


def field_row(fields: tuple[str, ...], name: str) -> int:
    """The sheet row of field ``name`` on the Team sheet or a measure sheet."""
    return FIRST_FIELD_ROW + fields.index(name)


def pdsa_columns(n_measure_columns: int) -> tuple[str, ...]:
    """The PDSA log's columns, A onwards: no, date, title, step, measure_1..n, description, idea
    (the network's id of the change idea, issue 17; a template without it reads it as blank)."""
    return (
        "change_no",
        "date",
        "title",
        "pdsa_step",
        *(f"measure_{i}" for i in range(1, n_measure_columns + 1)),
        "description",
        "idea",
    )


# The words of the drop-downs: contract code -> label key (analysis.text.templates). The reader
# accepts the code, the Swedish and the English word, in any case.
CHOICE_WORDS = {
    "measure_type": {
        "process": "tpl_type_process",
        "outcome": "tpl_type_outcome",
        "balancing": "tpl_type_balancing",
    },
    "frequency": {"month": "tpl_freq_month", "week": "tpl_freq_week"},
    "direction": {"up": "tpl_dir_up", "down": "tpl_dir_down"},
    "pdsa_step": {
        "plan": "tpl_step_plan",
        "do": "tpl_step_do",
        "study": "tpl_step_study",
        "act": "tpl_step_act",
    },
}
# Charts a template can hold: one row per period (xbar and s need several values per period).
TEMPLATE_CHARTS = tuple(c for c in schemas.CHARTS if c not in schemas.SUBGROUP_CHARTS)
