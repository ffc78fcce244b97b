"""Codebooks and survey summaries (single choice, multi-select, Likert, ranking, number, free text).

A survey is a folder ``surveys/<survey_id>/`` holding ``codebook.yml`` and the export the survey
tool produced. The codebook (format: ``docs/surveys.md``) says what each column means; this module
turns the export into one tidy long table and summarises it:

* :func:`load_codebook`, :func:`check_survey`, :func:`load_survey` read and validate;
* :func:`summarise` gives n, base, share and a confidence interval per question x option
  (x subgroup), small cells suppressed (:mod:`analysis.privacy`);
* :func:`share_of` and :func:`resolve_source` answer goals such as
  ``survey:coordinators:groups_offered:any``;
* :func:`table` formats a summary for a report (labels in the report language, ``..``).

Modules: ``codebook`` (the codebook format), ``reading`` (export -> tidy long table, checks),
``summary`` (statistics), ``tables`` (formatting for reports). Import from ``analysis.surveys``.
"""

from __future__ import annotations

from .codebook import (
    ALL,
    ANY,
    BOTTOM_BOX,
    CENSUS_METHOD,
    CHOICE_TYPES,
    CODEBOOK,
    TOOLS,
    TOP_BOX,
    TYPES,
    WILSON_METHOD,
    Codebook,
    Option,
    Question,
    load_codebook,
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
from .tables import (
    free_text_line,
    free_text_table,
    group_count,
    group_label,
    group_title,
    group_titles,
    numbers_table,
    option_label,
    overview,
    question_ids,
    question_note,
    subgroup_sizes,
    table,
    top_box_table,
    wide_table,
)

__all__ = [
    "ALL", "ANY", "BOTTOM_BOX", "CENSUS_METHOD", "CHOICE_TYPES", "CODEBOOK", "TOOLS", "TOP_BOX",
    "TYPES", "WILSON_METHOD", "Codebook", "FreeText", "Option", "Question", "Survey",
    "check_survey", "find_surveys", "free_text", "free_text_line", "free_text_table",
    "group_count", "group_label", "group_title", "group_titles", "load_codebook", "load_survey",
    "numbers_table", "option_label", "overview", "question_ids", "question_note", "resolve_source",
    "respondents", "respondents_key", "share_of", "subgroup_sizes", "summarise", "summarise_numbers", "survey_folder",
    "table", "top_box_table", "wide_table", "wilson",
]
