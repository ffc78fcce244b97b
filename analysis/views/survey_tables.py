"""Survey summaries as report tables: labels in the report language, ``..`` for hidden cells,
and on every number the privacy mark the auditor reads (:mod:`analysis.privacy.marks`).

Used by the survey report (``views.survey``), the team baseline's survey tables
(``views.team_baseline``) and, for the marks of the wave comparison, the effect report. The
counts come from :mod:`analysis.surveys` (``summarise``, the protected publication); nothing is
computed here but the formatting.
"""

from __future__ import annotations

import pandas as pd

from .. import privacy
from ..privacy.marks import Mark, MarkedText, marked
from ..surveys.cells import ANSWERED, BASE, BLANK, DK, RESPONDENTS, CellKey, N, group_of
from ..surveys.codebook import CENSUS_METHOD, _lang
from ..surveys.labels import group_label, group_title, item_label, option_label
from ..surveys.reading import Survey
from ..surveys.summary import (
    CENSUS_COLUMNS,
    NUMBER_SUMMARY_COLUMNS,
    free_text,
    respondents,
    respondents_key,
)
from ..text import number, percent, t
from ..text.surveys import census_count, census_note

__all__ = [
    "free_text_count_text",
    "free_text_table",
    "numbers_table",
    "overview_texts",
    "question_note_text",
    "respondents_table",
    "respondents_texts",
    "summary_table",
    "top_box_table",
    "wide_table",
]

_VALUE_COLUMNS = {
    "question_id",
    "option",
    "n",
    "base",
    "share",
    "ci_low",
    "ci_high",
    "method",
    "suppressed",
    "n_dont_know",
    "n_blank",
    "mean_rank",
    *CENSUS_COLUMNS,
}


def _by(summary: pd.DataFrame) -> list[str]:
    return [c for c in summary.columns if c not in _VALUE_COLUMNS]


def _key(survey: Survey, question_id: str, category: str, rec: dict, by: list[str]) -> CellKey:
    return CellKey(
        survey.id, question_id, category, group_of(survey.codebook, {b: rec[b] for b in by})
    )


def _count(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _share_mark(survey: Survey, rec: dict, by: list[str], role: str = "share") -> Mark:
    """The mark of a share cell: the option's count of its base."""
    hidden = bool(rec["suppressed"])
    return Mark(
        _key(survey, rec["question_id"], rec["option"], rec, by).to_json(),
        None if hidden else _count(rec["n"]),
        role,
        _key(survey, rec["question_id"], BASE, rec, by).to_json(),
        _count(rec["base"]),
    )


def _marked_frame(rows: list[dict], marks: dict, survey: Survey) -> pd.DataFrame:
    out = pd.DataFrame(rows)
    out.attrs["marks"] = marks
    out.attrs["survey"] = survey.id
    return out


def free_text_table(
    survey: Survey, question_id: str, show_free_text: bool = False, lang: str | None = None
) -> pd.DataFrame:
    """The answers of a free-text question as a one-column frame, only when both
    ``privacy.show_free_text`` (``show_free_text``) and the codebook (``show_answers``) allow it;
    empty otherwise. The text is raw: show it with ``report.table``, which escapes every cell."""

    ft = free_text(survey, question_id, show_free_text)
    return pd.DataFrame({t("survey_free_text_answer", lang): list(ft.answers or ())})


def free_text_count_text(
    survey: Survey,
    question_id: str,
    min_count: int,
    show_free_text: bool = False,
    lang: str | None = None,
) -> MarkedText:
    """ "12 personer skrev ett fritextsvar" (``..`` when the count is hidden), and whether the
    answers are shown."""

    ft = free_text(survey, question_id, show_free_text)
    key = CellKey(survey.id, question_id, ANSWERED, ())
    shown = _publication_value(survey, key, min_count, ft.n_answered)
    text = privacy.SUPPRESSED if shown is None else number(shown, 0, lang)
    label = "survey_free_text_shown" if ft.answers is not None else "survey_free_text_count"
    return marked(lambda **v: t(label, lang, **v), n=(text, Mark(key.to_json(), shown)))


def _publication_value(
    survey: Survey, key: CellKey, min_count: int | None, value: int
) -> int | None:
    if min_count is None:
        return value
    from ..surveys.publication import protected

    return protected(survey, min_count).value(key)


def summary_table(summary: pd.DataFrame, survey: Survey, lang: str | None = None) -> pd.DataFrame:
    """Format a :func:`summarise` frame for a report: labels, percentages, ``..`` for hidden cells.

    A census shows "x av N" instead of a share with an interval. Every count carries its mark
    (:mod:`analysis.privacy.marks`) for the auditor.
    """
    lang = lang or _lang()
    by = _by(summary)
    rows, marks = [], {}
    several = summary["question_id"].nunique() > 1
    ranking = any(
        survey.codebook.question(q).type == "ranking" for q in summary["question_id"].unique()
    )
    col_n, col_base, col_share = t("n", lang), t("survey_base", lang), t("share", lang)
    for i, rec in enumerate(summary.to_dict("records")):
        row = (
            {t("survey_question", lang): survey.codebook.question(rec["question_id"]).label(lang)}
            if several
            else {}
        )
        row[t("survey_option", lang)] = option_label(
            survey, rec["question_id"], rec["option"], lang
        )
        for b in by:
            row[group_title(survey, b, lang)] = group_label(survey, b, rec[b], lang)
        hidden = bool(rec["suppressed"])
        n = rec["n"]
        base = rec["base"]
        share = _share_mark(survey, rec, by)
        row[col_n] = privacy.SUPPRESSED if pd.isna(n) else number(float(n), 0, lang)
        marks[(i, col_n)] = Mark(share.cell, _count(n))
        row[col_base] = privacy.SUPPRESSED if pd.isna(base) else number(float(base), 0, lang)
        marks[(i, col_base)] = Mark(share.base_cell, _count(base))
        interval = t("survey_census_count" if rec["method"] == CENSUS_METHOD else "survey_ci", lang)
        if hidden or pd.isna(rec["share"]):
            row[col_share] = privacy.SUPPRESSED if hidden else "–"
            row[interval] = privacy.SUPPRESSED if hidden else "–"
        elif rec["method"] == CENSUS_METHOD:
            row[col_share] = percent(rec["share"], 0, lang)
            row[interval] = census_count(rec, lang)
        else:
            row[col_share] = percent(rec["share"], 0, lang)
            row[interval] = f"{percent(rec['ci_low'], 0, lang)}–{percent(rec['ci_high'], 0, lang)}"
        marks[(i, col_share)] = share
        marks[(i, interval)] = Mark(
            share.cell,
            share.n,
            "x_of_n" if rec["method"] == CENSUS_METHOD else "derived",
            share.base_cell,
            share.base,
        )
        if ranking:
            col = t("survey_mean_rank", lang)
            row[col] = (
                "–"
                if pd.isna(rec["mean_rank"])
                else privacy.SUPPRESSED
                if hidden
                else number(rec["mean_rank"], 1, lang)
            )
            marks[(i, col)] = Mark(share.cell, share.n, "derived")
        rows.append(row)
    return _marked_frame(rows, marks, survey)


def numbers_table(numbers: pd.DataFrame, survey: Survey, lang: str | None = None) -> pd.DataFrame:
    """Format a :func:`summarise_numbers` frame for a report."""
    lang = lang or _lang()
    by = [c for c in numbers.columns if c not in {"question_id", *NUMBER_SUMMARY_COLUMNS}]
    rows, marks = [], {}
    col_n = t("n", lang)
    for i, rec in enumerate(numbers.to_dict("records")):
        row = {t("survey_question", lang): survey.codebook.question(rec["question_id"]).label(lang)}
        for b in by:
            row[group_title(survey, b, lang)] = group_label(survey, b, rec[b], lang)
        hidden = bool(rec["suppressed"])

        def show(v, d=1, hidden=hidden):
            return privacy.SUPPRESSED if hidden or pd.isna(v) else number(float(v), d, lang)

        row[col_n] = show(rec["n"], 0)
        marks[(i, col_n)] = Mark(
            _key(survey, rec["question_id"], ANSWERED, rec, by).to_json(),
            None if hidden else _count(rec["n"]),
        )
        row[t("survey_mean", lang)] = show(rec["mean"])
        row[t("survey_ci", lang)] = (
            privacy.SUPPRESSED if hidden else f"{show(rec['ci_low'])}–{show(rec['ci_high'])}"
        )
        row[t("survey_median", lang)] = show(rec["median"])
        rows.append(row)
    return _marked_frame(rows, marks, survey)


def respondents_texts(survey: Survey, min_count: int, lang: str | None = None) -> list[MarkedText]:
    """How many answered: "1 500 personer besvarade enkäten", or for a survey with waves the
    count of each wave and that the counts are not added up (the same people may answer every
    wave). Every count carries its mark."""
    if not survey.has_waves:
        n = len(survey.respondents)
        key = CellKey(survey.id, RESPONDENTS, N, ())
        shown = _publication_value(survey, key, min_count, n)
        return [
            marked(
                lambda **v: t("survey_respondents_text", lang, **v),
                n=(
                    privacy.SUPPRESSED if shown is None else number(shown, 0, lang),
                    Mark(key.to_json(), shown),
                ),
            )
        ]
    counts = respondents(survey, by=["wave"], min_count=min_count)
    parts: list = [t("survey_respondents_waves", lang) + " "]
    for i, rec in enumerate(counts.to_dict("records")):
        if i:
            parts.append("; ")
        n = _count(rec["n"])
        parts += [
            f"{survey.codebook.wave_label(str(rec['wave']), lang)}: ",
            (
                privacy.SUPPRESSED if n is None else number(n, 0, lang),
                Mark(respondents_key(survey, {"wave": rec["wave"]}).to_json(), n),
            ),
        ]
    parts.append(". " + t("survey_respondents_waves_not_added", lang))
    return [MarkedText(parts)]


def overview_texts(survey: Survey, min_count: int, lang: str | None = None) -> list[str]:
    """Plain-language paragraphs about a survey: respondents (per wave when it has waves),
    design, how shares are counted."""

    out: list = respondents_texts(survey, min_count, lang)
    if survey.codebook.fielded is not None and not survey.has_waves:  # when (the waves name theirs)
        first, last = (f"{d:%Y-%m-%d}" for d in survey.codebook.fielded)
        out.append(
            t("survey_fielded_text", lang, period=first if first == last else f"{first} – {last}")
        )
    n = len(survey.respondents)
    if survey.is_census:
        out.append(census_note(survey.codebook.population or n, n, lang))
    else:
        out.append(t("survey_sample_note", lang))
    if survey.has_waves:
        out.append(t("survey_waves_note", lang))
    out.append(t("suppressed_note", lang, n=min_count))
    return out


def question_note_text(
    summary: pd.DataFrame, survey: Survey, question_id: str, lang: str | None = None
) -> str:
    """A note under a question: how many said "vet ej" or left it blank (per wave when the
    summary is by wave), and how to read it. The numbers carry their marks."""

    q = survey.codebook.question(question_id)
    rows = summary[summary["question_id"] == question_id]
    by = [c for c in ("wave",) if c in rows.columns]
    first = rows.drop_duplicates(subset=by) if by else rows.head(1)

    def fmt(column: str, category: str) -> tuple[str, Mark] | str:
        parts: list = []
        for j, rec in enumerate(first.to_dict("records")):
            if j:
                parts.append(" / ")
            v = rec[column]
            key = _key(survey, question_id, category, rec, by)
            parts.append(
                (
                    privacy.SUPPRESSED if pd.isna(v) else number(float(v), 0, lang),
                    Mark(key.to_json(), _count(v)),
                )
            )
        return parts

    dk, blank = fmt("n_dont_know", DK), fmt("n_blank", BLANK)
    line = marked(
        lambda **v: t("survey_dont_know_line", lang, **v), dk=("\x01", None), blank=("\x02", None)
    )
    parts: list = []
    prefix = (
        "survey_multi_note"
        if q.type == "multi"
        else "survey_ranking_note"
        if q.type == "ranking"
        else None
    )
    if prefix:
        parts.append(t(prefix, lang) + " ")
    for p in line.parts:
        if isinstance(p, tuple):
            parts += dk if p[0] == "\x01" else blank
        else:
            parts.append(p)
    return MarkedText(parts)


def wide_table(
    summary: pd.DataFrame, survey: Survey, question_id: str, by: str, lang: str | None = None
) -> pd.DataFrame:
    """One question by a subgroup as a compact table: options down, groups across, shares (``..``
    when hidden; a census shows "x av N"), and a last row with the base of each group. A Likert
    item shows its top and bottom box (the charts show them when steps are hidden)."""
    lang = lang or _lang()
    rows = summary[summary["question_id"] == question_id]
    others = [b for b in _by(summary) if b != by]
    groups = [
        g
        for g in (
            rows[by].cat.categories
            if isinstance(rows[by].dtype, pd.CategoricalDtype)
            else rows[by].dropna().unique()
        )
        if (rows[by] == g).any()
    ]
    options = list(dict.fromkeys(rows["option"]))
    first = t("survey_option", lang)
    out = {
        first: [option_label(survey, question_id, o, lang) for o in options]
        + [t("survey_base", lang)]
    }
    marks = {}
    for g in groups:
        part = rows[rows[by] == g].set_index("option")
        column = group_label(survey, by, g, lang)
        cells = []
        for i, o in enumerate(options):
            rec = {**part.loc[o].to_dict(), "option": o, "question_id": question_id, by: g}
            marks[(i, column)] = _share_mark(
                survey, rec, [by, *others], "x_of_n" if rec["method"] == CENSUS_METHOD else "share"
            )
            if bool(rec["suppressed"]) or pd.isna(rec["share"]):
                cells.append(privacy.SUPPRESSED if bool(rec["suppressed"]) else "–")
            elif rec["method"] == CENSUS_METHOD:
                cells.append(census_count(rec, lang))
            else:
                cells.append(percent(rec["share"], 0, lang))
        base = part["base"].iloc[0]
        cells.append(privacy.SUPPRESSED if pd.isna(base) else number(float(base), 0, lang))
        rec = {**part.iloc[0].to_dict(), "question_id": question_id, by: g}
        marks[(len(options), column)] = Mark(
            _key(survey, question_id, BASE, rec, [by, *others]).to_json(), _count(base)
        )
        out[column] = cells
    frame = pd.DataFrame(out)
    frame.attrs["marks"] = marks
    frame.attrs["survey"] = survey.id
    return frame


def top_box_table(
    summary: pd.DataFrame, survey: Survey, by: str, lang: str | None = None
) -> pd.DataFrame:
    """Positive share (95 % interval; n = the base) of every Likert item by a subgroup, e.g. the
    two waves: the top box, or the bottom box of an item with ``direction: down`` (the item's
    label says which answers count)."""
    lang = lang or _lang()
    likert = [q.id for q in survey.codebook.questions if q.type == "likert"]
    positive = {q: survey.codebook.question(q).positive_box for q in likert}
    rows = summary[
        summary["question_id"].astype(str).isin(likert)
        & (summary["option"].astype(str) == summary["question_id"].astype(str).map(positive))
    ]
    others = [b for b in _by(summary) if b != by]
    groups = (
        [g for g in rows[by].cat.categories if (rows[by] == g).any()]
        if isinstance(rows[by].dtype, pd.CategoricalDtype)
        else list(rows[by].dropna().unique())
    )
    first = t("survey_question", lang)
    out: dict[str, list[str]] = {first: []}
    for g in groups:
        out[group_label(survey, by, g, lang)] = []
    marks = {}
    for i, qid in enumerate(dict.fromkeys(rows["question_id"])):
        out[first].append(item_label(survey, qid, lang))
        part = rows[rows["question_id"] == qid]
        for g in groups:
            column = group_label(survey, by, g, lang)
            rec = part[part[by] == g]
            if rec.empty:
                out[column].append(privacy.SUPPRESSED)
                continue
            r = rec.iloc[0].to_dict()
            marks[(i, column)] = _share_mark(survey, r, [by, *others], "share_ci")
            if bool(r["suppressed"]):
                cell = privacy.SUPPRESSED
            else:
                cell = percent(r["share"], 0, lang)
                if r["method"] != CENSUS_METHOD and not pd.isna(r["ci_low"]):
                    cell += (
                        f" ({percent(r['ci_low'], 0, lang)}–{percent(r['ci_high'], 0, lang)}; "
                        f"n = {number(float(r['base']), 0, lang)})"
                    )
            out[column].append(cell)
    frame = pd.DataFrame(out)
    frame.attrs["marks"] = marks
    frame.attrs["survey"] = survey.id
    return frame


def respondents_table(
    survey: Survey, by: list[str] | str, min_count: int | None = 5, lang: str | None = None
) -> pd.DataFrame:
    """Respondents per subgroup (e.g. per school and wave) as a formatted table."""

    by = [by] if isinstance(by, str) else list(by)
    counts = respondents(survey, by=by, min_count=min_count)
    out = {
        group_title(survey, b, lang): [group_label(survey, b, v, lang) for v in counts[b]]
        for b in by
    }
    column = t("survey_respondents", lang)
    out[column] = [
        privacy.SUPPRESSED if pd.isna(v) else number(float(v), 0, lang) for v in counts["n"]
    ]
    marks = {}
    for i, rec in enumerate(counts.to_dict("records")):
        key = respondents_key(survey, {b: rec[b] for b in by})
        marks[(i, column)] = Mark(key.to_json(), _count(rec["n"]))
    frame = pd.DataFrame(out)
    frame.attrs["marks"] = marks
    frame.attrs["survey"] = survey.id
    return frame
