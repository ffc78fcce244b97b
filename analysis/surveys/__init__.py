"""Codebooks and survey summaries (single choice, multi-select, Likert, ranking, number, free text).

A survey is a folder ``surveys/<survey_id>/`` holding ``codebook.yml`` and the export the survey
tool produced. The codebook (format: ``docs/surveys.md``) says what each column means; this module
turns the export into one tidy long table and summarises it:

* :func:`load_codebook`, :func:`check_survey`, :func:`load_survey` read and validate;
* :func:`summarise` gives n, base, share and a confidence interval per question x option
  (x subgroup), small cells suppressed (:mod:`analysis.privacy`);
* :func:`share_of` and :func:`resolve_source` answer goals such as
  ``survey:coordinators:groups_offered:any``;
* :func:`option_label`, :func:`group_label`, ... name codebook values in the report language.

Modules: ``codebook`` (the codebook format), ``reading`` (export -> tidy long table, checks),
``summary`` (statistics), ``labels`` (codebook labels, which questions a report shows),
``cells`` and ``publication`` (the cells a report may show, suppression). Import from
``analysis.surveys``. The report tables are formatted in ``analysis.views.survey_tables``.
"""

from __future__ import annotations

from .codebook import (
    ALL,
    ANY,
    BOTTOM_BOX,
    CENSUS_METHOD,
    CHOICE_TYPES,
    CODEBOOK,
    POSITIVE,
    TOOLS,
    TOP_BOX,
    TYPES,
    WILSON_METHOD,
    Codebook,
    Option,
    Question,
    load_codebook,
)
from .labels import (
    group_count,
    group_label,
    group_title,
    group_titles,
    item_label,
    option_label,
    question_ids,
)
from .reading import Survey, check_survey, find_surveys, load_survey, survey_folder
from .summary import (
    FreeText,
    free_text,
    resolve_source,
    respondents,
    respondents_key,
    share_of,
    summarise,
    summarise_numbers,
    wilson,
)
from .ties import team_period, team_surveys

__all__ = [
    "ALL",
    "ANY",
    "BOTTOM_BOX",
    "POSITIVE",
    "CENSUS_METHOD",
    "CHOICE_TYPES",
    "CODEBOOK",
    "TOOLS",
    "TOP_BOX",
    "TYPES",
    "WILSON_METHOD",
    "Codebook",
    "FreeText",
    "Option",
    "Question",
    "Survey",
    "check_survey",
    "find_surveys",
    "free_text",
    "group_count",
    "group_label",
    "group_title",
    "group_titles",
    "item_label",
    "load_codebook",
    "load_survey",
    "option_label",
    "question_ids",
    "resolve_source",
    "respondents",
    "respondents_key",
    "share_of",
    "summarise",
    "summarise_numbers",
    "survey_folder",
    "team_period",
    "team_surveys",
    "wilson",
]
