"""Labels of a survey's codebook values in the report language, and which questions a report
shows: used by the survey charts (``analysis.plots.surveys``) and the survey tables of the
reports (``analysis.views.survey_tables``)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .codebook import BOTTOM_BOX, CHOICE_TYPES, TOP_BOX, _lang
from .reading import Survey

__all__ = [
    "group_count",
    "group_label",
    "group_title",
    "group_titles",
    "item_label",
    "option_label",
    "question_ids",
]


def option_label(survey: Survey, question_id: str, code: str, lang: str | None = None) -> str:
    """Label of an option code in the report language (``top_box`` gets its own label)."""
    from ..text import t

    q = survey.codebook.question(question_id)
    if code in (TOP_BOX, BOTTOM_BOX):
        labels = [q.option(c).label(lang) for c in (q.top_box if code == TOP_BOX else q.bottom_box)]
        return t("survey_top_box", lang, options=" / ".join(labels))
    return q.option(code).label(lang)


def item_label(survey: Survey, question_id: str, lang: str | None = None) -> str:
    """A Likert item where its positive share is shown: the question, and for an item with
    ``direction: down`` which answers count as positive ("Jag säger elaka saker till mig själv
    (positivt: Stämmer inte alls / Stämmer ganska dåligt)")."""
    from ..text import t

    q = survey.codebook.question(question_id)
    if q.type != "likert" or q.direction == "up":
        return q.label(lang)
    return t(
        "survey_reversed_item",
        lang,
        item=q.label(lang),
        options=" / ".join(q.option(c).label(lang) for c in q.positive_codes),
    )


def group_label(survey: Survey, column: str, code: Any, lang: str | None = None) -> str:
    """Label of a subgroup value (a wave code or a subgroup option code)."""
    if code is None or code is pd.NA or (isinstance(code, float) and np.isnan(code)):
        from ..text import t

        return t("survey_missing_group", lang)
    if column == "wave":
        return survey.codebook.wave_label(str(code), lang)
    return survey.codebook.question(column).option(str(code)).label(lang)


def group_title(survey: Survey, column: str, lang: str | None = None) -> str:
    """Name of a subgroup variable: the question's ``short`` label (else its text), or "wave"."""
    from ..text import t

    if column == "wave":
        return t("survey_wave", lang)
    q = survey.codebook.question(column)
    if q.short:
        return q.short.get(lang or _lang()) or q.short["sv"]
    return q.label(lang)


def group_titles(survey: Survey, columns: list[str], lang: str | None = None) -> str:
    """Names of several subgroup variables for a caption: "mättillfälle och skola"."""
    from ..text import t

    names = [group_title(survey, c, lang).lower() for c in columns]
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + f" {t('survey_and', lang)} " + names[-1]


def question_ids(
    survey: Survey, types: tuple[str, ...] | str = CHOICE_TYPES, subgroups: bool = True
) -> list[str]:
    """Question ids of the given type(s) in codebook order (``subgroups=False`` leaves out the
    subgroup questions, e.g. school and grade)."""
    types = (types,) if isinstance(types, str) else tuple(types)
    return [
        q.id
        for q in survey.codebook.questions
        if q.type in types and (subgroups or q.id not in survey.codebook.subgroups)
    ]


def group_count(summary: pd.DataFrame, by: str) -> int:
    """How many groups of ``by`` a summary holds."""
    return int(summary[by].dropna().nunique())
