"""Formatting survey results for a report: labels in the report language, '..' for hidden cells."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import privacy
from ..text.surveys import census_count, census_note
from .codebook import (
    BOTTOM_BOX,
    CENSUS_METHOD,
    CHOICE_TYPES,
    TOP_BOX,
    _lang,
)
from .reading import Survey
from .summary import CENSUS_COLUMNS, free_text, respondents


def free_text_table(survey: Survey, question_id: str, lang: str | None = None) -> pd.DataFrame:
    """The answers of an opted-in free-text question as a one-column frame (empty otherwise).

    The text is raw: show it with ``report.table``, which escapes every cell.
    """
    from ..text import t

    ft = free_text(survey, question_id)
    return pd.DataFrame({t("survey_free_text_answer", lang): list(ft.answers or ())})


def free_text_html(survey: Survey, question_id: str) -> str:
    """HTML of a free-text question: a count, and the escaped answers when the codebook opts in."""
    from ..text import escape, t

    ft = free_text(survey, question_id)
    out = f"<p>{escape(t('survey_free_text_count', n=ft.n_answered))}</p>"
    if ft.answers:
        out += "<ul>" + "".join(f"<li>{escape(a)}</li>" for a in ft.answers) + "</ul>"
    return out


def option_label(survey: Survey, question_id: str, code: str, lang: str | None = None) -> str:
    """Label of an option code in the report language (``top_box`` gets its own label)."""
    from ..text import t

    q = survey.codebook.question(question_id)
    if code in (TOP_BOX, BOTTOM_BOX):
        labels = [q.option(c).label(lang) for c in (q.top_box if code == TOP_BOX else q.bottom_box)]
        return t("survey_top_box", lang, options=" / ".join(labels))
    return q.option(code).label(lang)


def group_label(survey: Survey, column: str, code: Any, lang: str | None = None) -> str:
    """Label of a subgroup value (a wave code or a subgroup option code)."""
    if code is None or code is pd.NA or (isinstance(code, float) and np.isnan(code)):
        from ..text import t

        return t("survey_missing_group", lang)
    if column == "wave":
        return survey.codebook.wave_label(str(code), lang)
    return survey.codebook.question(column).option(str(code)).label(lang)


def table(summary: pd.DataFrame, survey: Survey, lang: str | None = None) -> pd.DataFrame:
    """Format a :func:`summarise` frame for a report: labels, percentages, ``..`` for hidden cells.

    A census shows "x av N" instead of a share with an interval.
    """
    from ..text import number, percent, t

    lang = lang or _lang()
    by = [c for c in summary.columns if c not in {"question_id", "option", "n", "base", "share", "ci_low",
                                                  "ci_high", "method", "suppressed", "n_dont_know",
                                                  "n_blank", "mean_rank", *CENSUS_COLUMNS}]
    rows = []
    several = summary["question_id"].nunique() > 1
    ranking = any(survey.codebook.question(q).type == "ranking" for q in summary["question_id"].unique())
    for rec in summary.to_dict("records"):
        row = {t("survey_question", lang): survey.codebook.question(rec["question_id"]).label(lang)} if several else {}
        row[t("survey_option", lang)] = option_label(survey, rec["question_id"], rec["option"], lang)
        for b in by:
            row[_by_title(survey, b, lang)] = group_label(survey, b, rec[b], lang)
        hidden = bool(rec["suppressed"])
        n = rec["n"]
        base = rec["base"]
        row[t("n", lang)] = privacy.SUPPRESSED if pd.isna(n) else number(float(n), 0, lang)
        row[t("survey_base", lang)] = privacy.SUPPRESSED if pd.isna(base) else number(float(base), 0, lang)
        if hidden or pd.isna(rec["share"]):
            row[t("share", lang)] = privacy.SUPPRESSED if hidden else "–"
            interval = "survey_census_count" if rec["method"] == CENSUS_METHOD else "survey_ci"
            row[t(interval, lang)] = privacy.SUPPRESSED if hidden else "–"
        elif rec["method"] == CENSUS_METHOD:
            row[t("share", lang)] = percent(rec["share"], 0, lang)
            row[t("survey_census_count", lang)] = census_count(rec, lang)
        else:
            row[t("share", lang)] = percent(rec["share"], 0, lang)
            row[t("survey_ci", lang)] = f"{percent(rec['ci_low'], 0, lang)}–{percent(rec['ci_high'], 0, lang)}"
        if ranking:
            row[t("survey_mean_rank", lang)] = ("–" if pd.isna(rec["mean_rank"]) else
                                                privacy.SUPPRESSED if hidden else number(rec["mean_rank"], 1, lang))
        rows.append(row)
    return pd.DataFrame(rows)


def _by_title(survey: Survey, column: str, lang: str | None) -> str:
    return group_title(survey, column, lang)


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


def group_count(summary: pd.DataFrame, by: str) -> int:
    """How many groups of ``by`` a summary holds."""
    return int(summary[by].dropna().nunique())


def numbers_table(numbers: pd.DataFrame, survey: Survey, lang: str | None = None) -> pd.DataFrame:
    """Format a :func:`summarise_numbers` frame for a report."""
    from ..text import number, t

    lang = lang or _lang()
    by = [c for c in numbers.columns if c not in {"question_id", "n", "mean", "ci_low", "ci_high", "median",
                                                  "q1", "q3", "method", "suppressed"}]
    rows = []
    for rec in numbers.to_dict("records"):
        row = {t("survey_question", lang): survey.codebook.question(rec["question_id"]).label(lang)}
        for b in by:
            row[group_title(survey, b, lang)] = group_label(survey, b, rec[b], lang)
        hidden = bool(rec["suppressed"])

        def show(v, d=1, hidden=hidden):
            return privacy.SUPPRESSED if hidden or pd.isna(v) else number(float(v), d, lang)

        row[t("n", lang)] = show(rec["n"], 0)
        row[t("survey_mean", lang)] = show(rec["mean"])
        row[t("survey_ci", lang)] = (privacy.SUPPRESSED if hidden else f"{show(rec['ci_low'])}–{show(rec['ci_high'])}")
        row[t("survey_median", lang)] = show(rec["median"])
        rows.append(row)
    return pd.DataFrame(rows)


def question_ids(survey: Survey, types: tuple[str, ...] | str = CHOICE_TYPES, subgroups: bool = True) -> list[str]:
    """Question ids of the given type(s) in codebook order (``subgroups=False`` leaves out the
    subgroup questions, e.g. school and grade)."""
    types = (types,) if isinstance(types, str) else tuple(types)
    return [q.id for q in survey.codebook.questions
            if q.type in types and (subgroups or q.id not in survey.codebook.subgroups)]


def overview(survey: Survey, min_count: int, lang: str | None = None) -> list[str]:
    """Plain-language paragraphs about a survey: respondents, design, how shares are counted."""
    from ..text import number, t

    n = len(survey.respondents)
    out = [t("survey_respondents_text", lang, n=number(n, 0, lang))]
    if survey.is_census:
        out.append(census_note(survey.codebook.population or n, n, lang))
    else:
        out.append(t("survey_sample_note", lang))
    if survey.has_waves:
        out.append(t("survey_waves_note", lang))
    texts = question_ids(survey, "text")
    if texts:
        answered = sum(free_text(survey, q).n_answered for q in texts)
        shown = any(survey.codebook.question(q).show_answers for q in texts)
        out.append(t("survey_free_text_shown" if shown else "survey_free_text_count", lang, n=answered))
    out.append(t("suppressed_note", lang, n=min_count))
    return out


def question_note(summary: pd.DataFrame, survey: Survey, question_id: str, lang: str | None = None) -> str:
    """A note under a question: how many said "vet ej" or left it blank, and how to read it."""
    from ..text import number, t

    q = survey.codebook.question(question_id)
    rows = summary[summary["question_id"] == question_id]
    by = [c for c in ("wave",) if c in rows.columns]
    first = rows.drop_duplicates(subset=by) if by else rows.head(1)

    def fmt(values: pd.Series) -> str:
        parts = [privacy.SUPPRESSED if pd.isna(v) else number(float(v), 0, lang) for v in values]
        return " / ".join(parts)

    note = t("survey_dont_know_line", lang, dk=fmt(first["n_dont_know"]), blank=fmt(first["n_blank"]))
    if q.type == "multi":
        note = t("survey_multi_note", lang) + " " + note
    elif q.type == "ranking":
        note = t("survey_ranking_note", lang) + " " + note
    return note


def wide_table(summary: pd.DataFrame, survey: Survey, question_id: str, by: str,
               lang: str | None = None) -> pd.DataFrame:
    """One question by a subgroup as a compact table: options down, groups across, shares (``..``
    when hidden; a census shows "x av N"), and a last row with the base of each group."""
    from ..text import number, percent, t

    lang = lang or _lang()
    rows = summary[summary["question_id"] == question_id]
    q = survey.codebook.question(question_id)
    groups = [g for g in (rows[by].cat.categories if isinstance(rows[by].dtype, pd.CategoricalDtype)
                          else rows[by].dropna().unique()) if (rows[by] == g).any()]
    options = list(dict.fromkeys(rows["option"]))
    if q.type == "likert":
        options = [o for o in options if o != BOTTOM_BOX]
    out = {t("survey_option", lang): [option_label(survey, question_id, o, lang) for o in options]
           + [t("survey_base", lang)]}
    for g in groups:
        part = rows[rows[by] == g].set_index("option")
        cells = []
        for o in options:
            rec = part.loc[o]
            if bool(rec["suppressed"]) or pd.isna(rec["share"]):
                cells.append(privacy.SUPPRESSED if bool(rec["suppressed"]) else "–")
            elif rec["method"] == CENSUS_METHOD:
                cells.append(census_count(rec, lang))
            else:
                cells.append(percent(rec["share"], 0, lang))
        base = part["base"].iloc[0]
        cells.append(privacy.SUPPRESSED if pd.isna(base) else number(float(base), 0, lang))
        out[group_label(survey, by, g, lang)] = cells
    return pd.DataFrame(out)


def top_box_table(summary: pd.DataFrame, survey: Survey, by: str, lang: str | None = None) -> pd.DataFrame:
    """Top-box share (95 % interval) of every Likert item by a subgroup, e.g. the two waves."""
    from ..text import number, percent, t

    lang = lang or _lang()
    rows = summary[summary["option"] == TOP_BOX]
    groups = [g for g in rows[by].cat.categories if (rows[by] == g).any()] if isinstance(
        rows[by].dtype, pd.CategoricalDtype) else list(rows[by].dropna().unique())
    out: dict[str, list[str]] = {t("survey_question", lang): []}
    for g in groups:
        out[group_label(survey, by, g, lang)] = []
    for qid in dict.fromkeys(rows["question_id"]):
        out[t("survey_question", lang)].append(survey.codebook.question(qid).label(lang))
        part = rows[rows["question_id"] == qid]
        for g in groups:
            rec = part[part[by] == g]
            if rec.empty or bool(rec["suppressed"].iloc[0]):
                cell = privacy.SUPPRESSED
            else:
                r = rec.iloc[0]
                cell = percent(r["share"], 0, lang)
                if r["method"] != CENSUS_METHOD and not pd.isna(r["ci_low"]):
                    cell += (f" ({percent(r['ci_low'], 0, lang)}–{percent(r['ci_high'], 0, lang)}; "
                             f"n = {number(float(r['base']), 0, lang)})")
            out[group_label(survey, by, g, lang)].append(cell)
    return pd.DataFrame(out)


def subgroup_sizes(survey: Survey, by: list[str] | str, min_count: int | None = 5,
                   lang: str | None = None) -> pd.DataFrame:
    """Respondents per subgroup (e.g. per school and wave) as a formatted table."""
    from ..text import number, t

    by = [by] if isinstance(by, str) else list(by)
    counts = respondents(survey, by=by, min_count=min_count)
    out = {_by_title(survey, b, lang): [group_label(survey, b, v, lang) for v in counts[b]] for b in by}
    out[t("survey_respondents", lang)] = [privacy.SUPPRESSED if pd.isna(v) else number(float(v), 0, lang)
                                          for v in counts["n"]]
    return pd.DataFrame(out)
