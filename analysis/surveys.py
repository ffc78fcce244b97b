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
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from scipy.stats import norm

from . import privacy
from .io import ROW, DataError, Problem, read_table_problems

__all__ = [
    "CHOICE_TYPES",
    "group_count",
    "group_title",
    "group_titles",
    "numbers_table",
    "overview",
    "question_ids",
    "question_note",
    "subgroup_sizes",
    "survey_folder",
    "top_box_table",
    "wide_table",
    "option_label",
    "group_label",
    "Codebook",
    "FreeText",
    "Option",
    "Question",
    "Survey",
    "check_survey",
    "find_surveys",
    "free_text",
    "free_text_html",
    "free_text_table",
    "load_codebook",
    "load_survey",
    "resolve_source",
    "respondents",
    "share_of",
    "summarise",
    "summarise_numbers",
    "table",
    "wilson",
]

TYPES = ("single", "multi", "likert", "ranking", "number", "text")
CHOICE_TYPES = ("single", "multi", "likert", "ranking")
TOOLS = ("microsoft_forms", "google_forms", "columns")
DEFAULT_SEPARATOR = {"microsoft_forms": ";", "google_forms": ", ", "columns": ";"}
CENSUS_METHOD = "census (x av N)"
WILSON_METHOD = "wilson"
TOP_BOX = "top_box"
BOTTOM_BOX = "bottom_box"
ANY, ALL = "any", "all"
CODEBOOK = "codebook.yml"


# --------------------------------------------------------------------------------------------
# Codebook
# --------------------------------------------------------------------------------------------


def _labels(value: Any, fallback: str = "") -> dict[str, str]:
    if isinstance(value, dict):
        sv = str(value.get("sv") or fallback)
        return {"sv": sv, "en": str(value.get("en") or sv)}
    text = fallback if value is None else str(value)
    return {"sv": text, "en": text}


@dataclass(frozen=True)
class Option:
    """One answer option: ``code`` (stable id), ``value`` (as the export writes it), labels."""

    code: str
    value: str
    text: dict[str, str]
    dont_know: bool = False
    exclusive: bool = False  # "none of these": not counted by the pseudo-options any/all
    column: str | None = None  # 0/1 column of this option (tool: columns)

    def label(self, lang: str | None = None) -> str:
        return self.text.get(lang or _lang()) or self.text["sv"]


@dataclass(frozen=True)
class Question:
    """One question of the codebook."""

    id: str
    type: str
    text: dict[str, str]
    column: str
    options: tuple[Option, ...] = ()
    separator: str | None = None
    top_box: tuple[str, ...] = ()
    neutral: str | None = None
    dont_know_in_base: bool = False
    direction: str = "up"
    show_answers: bool = False
    ordered: bool = False  # single choice: keep the option order in charts (an ordinal scale)
    short: dict[str, str] | None = None  # short label for sections, legends and table heads

    def label(self, lang: str | None = None) -> str:
        return self.text.get(lang or _lang()) or self.text["sv"]

    @property
    def answer_options(self) -> tuple[Option, ...]:
        """Options that count in the base (everything except "vet ej")."""
        return tuple(o for o in self.options if not o.dont_know)

    @property
    def bottom_box(self) -> tuple[str, ...]:
        """The mirror image of ``top_box`` on the scale (top 4-5 of 1-5 -> bottom 1-2)."""
        codes = [o.code for o in self.answer_options]
        mirror = {codes[len(codes) - 1 - codes.index(c)] for c in self.top_box if c in codes}
        return tuple(c for c in codes if c in mirror)

    @property
    def dont_know_codes(self) -> tuple[str, ...]:
        return tuple(o.code for o in self.options if o.dont_know)

    def option(self, code: str) -> Option:
        for o in self.options:
            if o.code == str(code):
                return o
        raise KeyError(f"question {self.id!r} has no option {code!r}; options: "
                       f"{', '.join(o.code for o in self.options)}")


@dataclass(frozen=True)
class Codebook:
    """A survey's codebook: what the export's columns mean."""

    survey_id: str
    title: dict[str, str]
    design: str  # "sample" (Wilson intervals) or "census" (x av N, no interval)
    population: int | None
    file: str
    tool: str
    respondent_id: str | None
    drop: tuple[str, ...]
    wave_column: str | None
    waves: tuple[Option, ...]
    subgroups: tuple[str, ...]
    questions: tuple[Question, ...]
    path: Path | None = None

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(f"survey {self.survey_id!r} has no question {question_id!r}; questions: "
                       f"{', '.join(q.id for q in self.questions)}")

    def label(self, lang: str | None = None) -> str:
        return self.title.get(lang or _lang()) or self.title["sv"]

    def wave_label(self, code: str, lang: str | None = None) -> str:
        for w in self.waves:
            if w.code == code:
                return w.label(lang)
        return str(code)


def _lang() -> str:
    from .text import get_language

    return get_language()


def _code(value: Any, where: str, problems: list[Problem], file: str) -> str | None:
    if isinstance(value, bool):
        problems.append(Problem(file, f"code {value!r} was read as yes/no; put it in quotes",
                                column=where, hint='write code: "yes" rather than code: yes'))
        return None
    if value is None or str(value).strip() == "":
        problems.append(Problem(file, "an option needs a code", column=where))
        return None
    return str(value).strip()


def _parse_options(raw: Any, where: str, file: str, problems: list[Problem]) -> tuple[Option, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.append(Problem(file, "options must be a list", column=where))
        return ()
    out: list[Option] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        here = f"{where}[{i}]"
        if not isinstance(item, dict):
            item = {"code": item}
        unknown = set(item) - {"code", "value", "sv", "en", "dont_know", "exclusive", "column"}
        if unknown:
            problems.append(Problem(file, f"unknown key(s) {', '.join(sorted(map(str, unknown)))}",
                                    column=here, hint="known: code, value, sv, en, dont_know, exclusive, column"))
        code = _code(item.get("code"), here, problems, file)
        if code is None:
            continue
        if code in seen:
            problems.append(Problem(file, f"option code {code!r} appears twice", column=here))
        seen.add(code)
        text = _labels({"sv": item.get("sv"), "en": item.get("en")}, fallback=code)
        value = item.get("value", text["sv"] if item.get("sv") is not None else code)
        out.append(Option(code=code, value=str(value).strip(), text=text,
                          dont_know=bool(item.get("dont_know", False)),
                          exclusive=bool(item.get("exclusive", False)),
                          column=None if item.get("column") is None else str(item["column"]).strip()))
    return tuple(out)


def _read_codebook(path: Path, file: str) -> tuple[Codebook | None, list[Problem]]:
    problems: list[Problem] = []
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, [Problem(file, "the codebook is missing", hint="see docs/surveys.md")]
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        return None, [Problem(file, f"not valid YAML: {exc}", row=None if line is None else line + 1)]
    if not isinstance(raw, dict):
        return None, [Problem(file, "the codebook must be a mapping (survey, export, questions)")]
    known = {"survey", "title", "design", "population", "export", "waves", "subgroups", "questions"}
    for key in sorted(set(map(str, raw)) - known):
        near = difflib.get_close_matches(key, known, n=1)
        problems.append(Problem(file, f"unknown key {key!r}", column=key,
                                hint=f"did you mean {near[0]!r}?" if near else f"known: {', '.join(sorted(known))}"))
    survey_id = str(raw.get("survey") or path.parent.name)
    design = str(raw.get("design", "sample"))
    if design not in ("sample", "census"):
        problems.append(Problem(file, f"design must be 'sample' or 'census', not {design!r}", column="design"))
    population = raw.get("population")
    if design == "census" and not isinstance(population, int):
        problems.append(Problem(file, "a census needs population: the number of units (e.g. 21)",
                                column="population"))
    export = raw.get("export") or {}
    if not isinstance(export, dict) or not export.get("file"):
        problems.append(Problem(file, "export.file is missing (the export's file name)", column="export.file"))
        export = export if isinstance(export, dict) else {}
    tool = str(export.get("tool", "microsoft_forms"))
    if tool not in TOOLS:
        problems.append(Problem(file, f"export.tool must be one of {', '.join(TOOLS)}, not {tool!r}",
                                column="export.tool"))
        tool = "microsoft_forms"
    waves = _parse_options(raw.get("waves"), "waves", file, problems)
    wave_column = export.get("wave_column")
    if waves and not wave_column:
        problems.append(Problem(file, "waves are listed but export.wave_column is missing",
                                column="export.wave_column"))
    questions: list[Question] = []
    raw_questions = raw.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        problems.append(Problem(file, "questions must be a non-empty list", column="questions"))
        raw_questions = []
    ids: set[str] = set()
    qkeys = {"id", "type", "text", "column", "options", "separator", "top_box", "neutral",
             "dont_know_in_base", "direction", "show_answers", "ordered", "short"}
    for i, item in enumerate(raw_questions):
        here = f"questions[{i}]"
        if not isinstance(item, dict) or not item.get("id"):
            problems.append(Problem(file, "each question needs an id", column=here))
            continue
        qid = str(item["id"])
        here = f"questions[{i}] ({qid})"
        for key in sorted(set(map(str, item)) - qkeys):
            near = difflib.get_close_matches(key, qkeys, n=1)
            problems.append(Problem(file, f"unknown key {key!r}", column=here,
                                    hint=f"did you mean {near[0]!r}?" if near else ""))
        if qid in ids:
            problems.append(Problem(file, f"question id {qid!r} appears twice", column=here))
        ids.add(qid)
        qtype = str(item.get("type", ""))
        text = _labels(item.get("text"), fallback=qid)
        options = _parse_options(item.get("options"), f"{here}.options", file, problems)
        if qtype not in TYPES:
            near = difflib.get_close_matches(qtype, TYPES, n=1)
            problems.append(Problem(file, f"type must be one of {', '.join(TYPES)}, not {qtype!r}",
                                    column=here, hint=f"did you mean {near[0]!r}?" if near else ""))
            continue
        if qtype in CHOICE_TYPES and not options:
            problems.append(Problem(file, f"a {qtype} question needs options", column=here))
        if qtype == "multi" and tool == "columns" and any(o.column is None for o in options):
            problems.append(Problem(file, "with tool 'columns' every option of a multi-select "
                                    "question needs its 0/1 column", column=here))
        codes = {o.code for o in options}
        top_box = tuple(str(c) for c in (item.get("top_box") or ()))
        for c in top_box:
            if c not in codes:
                problems.append(Problem(file, f"top_box code {c!r} is not an option", column=here))
        if qtype == "likert" and not top_box:
            answer = [o.code for o in options if not o.dont_know]
            top_box = tuple(answer[-2:]) if item.get("direction", "up") == "up" else tuple(answer[:2])
        neutral = item.get("neutral")
        if neutral is None and qtype == "likert":
            answer = [o.code for o in options if not o.dont_know]
            neutral = answer[len(answer) // 2] if len(answer) % 2 == 1 else None
        direction = str(item.get("direction", "up"))
        if direction not in ("up", "down"):
            problems.append(Problem(file, "direction must be 'up' or 'down'", column=here))
        questions.append(Question(
            id=qid, type=qtype, text=text,
            column=str(item.get("column") or text["sv"]).strip(),
            options=options,
            separator=item.get("separator", DEFAULT_SEPARATOR[tool] if qtype in ("multi", "ranking") else None),
            top_box=top_box,
            neutral=None if neutral is None else str(neutral),
            dont_know_in_base=bool(item.get("dont_know_in_base", False)),
            direction=direction,
            show_answers=bool(item.get("show_answers", False)),
            ordered=bool(item.get("ordered", qtype == "likert")),
            short=_labels(item["short"]) if item.get("short") else None,
        ))
    subgroups = tuple(str(s) for s in (raw.get("subgroups") or ()))
    by_id = {q.id: q for q in questions}
    for s in subgroups:
        if s not in by_id:
            problems.append(Problem(file, f"subgroup {s!r} is not a question id", column="subgroups"))
        elif by_id[s].type not in ("single", "likert"):
            problems.append(Problem(file, f"subgroup {s!r} must be a single-choice question", column="subgroups"))
        elif s == "wave":
            problems.append(Problem(file, "'wave' is reserved for the survey waves", column="subgroups"))
    codebook = Codebook(
        survey_id=survey_id, title=_labels(raw.get("title"), fallback=survey_id), design=design,
        population=population if isinstance(population, int) else None,
        file=str(export.get("file", "")), tool=tool,
        respondent_id=None if export.get("respondent_id") is None else str(export["respondent_id"]),
        drop=tuple(str(c) for c in (export.get("drop") or ())),
        wave_column=None if wave_column is None else str(wave_column),
        waves=waves, subgroups=subgroups, questions=tuple(questions), path=path,
    )
    return codebook, problems


def load_codebook(path: str | Path) -> Codebook:
    """Read and validate a ``codebook.yml`` (a file, or the survey folder holding it).

    Raises
    ------
    DataError
        Listing every problem, each naming the file and the key (``questions[3] (topics).type``).
    """
    path = Path(path)
    if path.is_dir():
        path = path / CODEBOOK
    codebook, problems = _read_codebook(path, _rel(path))
    if problems or codebook is None:
        raise DataError(problems)
    return codebook


def _rel(path: Path) -> str:
    parts = path.parts
    if "surveys" in parts:
        return "/".join(parts[parts.index("surveys"):])
    return path.name


# --------------------------------------------------------------------------------------------
# Reading the export
# --------------------------------------------------------------------------------------------


def _read_export(path: Path, file: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Read an export as text (analysis.io); the index is the row as Excel shows it (header = 1)."""
    if not path.is_file():
        return None, [Problem(file, "the export file is missing",
                              hint="export.file in codebook.yml names it")]
    frame, problems = read_table_problems(path, file)
    if frame is None or problems:
        return None, problems
    frame = frame.set_index(ROW)
    frame.index.name = None
    frame = frame.astype(object).where(frame.notna(), pd.NA)
    return frame, []


def _find_column(frame: pd.DataFrame, name: str) -> str | None:
    wanted = name.strip().casefold()
    for col in frame.columns:
        if str(col).strip().casefold() == wanted:
            return col
    return None


def _missing_column(file: str, frame: pd.DataFrame, name: str, what: str) -> Problem:
    near = difflib.get_close_matches(name.casefold(), [str(c).casefold() for c in frame.columns], n=1, cutoff=0.6)
    return Problem(file, f"{what} is missing from the export", column=name,
                   hint=f"nearest column: {near[0]!r}" if near else "check the column title in codebook.yml")


def _norm(value: str) -> str:
    return " ".join(str(value).split()).casefold()


def _split_joined(cell: str, separator: str, lookup: dict[str, str]) -> tuple[list[str], list[str]]:
    """Split a multi-select cell into option codes; option texts may themselves hold the separator."""
    tokens = [t for t in (p.strip() for p in cell.split(separator.strip() if separator.strip() else separator))]
    if separator.strip() == ";":  # Microsoft Forms: 'A;B;' (trailing separator)
        tokens = [t for t in tokens if t]
    codes, unknown = [], []
    i = 0
    joiner = separator if separator.strip() != ";" else ";"
    while i < len(tokens):
        for j in range(len(tokens), i, -1):  # longest match first: 'Ritar, målar eller pysslar'
            candidate = _norm(joiner.join(tokens[i:j]))
            if candidate in lookup:
                codes.append(lookup[candidate])
                i = j
                break
        else:
            if tokens[i]:
                unknown.append(tokens[i])
            i += 1
    return codes, unknown


@dataclass(frozen=True)
class _Parsed:
    responses: pd.DataFrame
    numbers: pd.DataFrame
    free_text: pd.DataFrame
    respondents: pd.DataFrame


def _parse(folder: Path) -> tuple[Codebook | None, _Parsed | None, list[Problem], dict[str, str]]:
    folder = Path(folder)
    cb_file = f"surveys/{folder.name}/{CODEBOOK}"
    codebook, problems = _read_codebook(folder / CODEBOOK, cb_file)
    if codebook is None or problems:
        return codebook, None, problems, {}
    file = f"surveys/{folder.name}/{codebook.file}"
    frame, read_problems = _read_export(folder / codebook.file, file)
    if frame is None:
        return codebook, None, read_problems, {}
    files = {file: str(folder / codebook.file)}
    problems = []
    personal = [c for c in (_find_column(frame, d) for d in codebook.drop) if c is not None]
    frame = frame.drop(columns=personal)  # personal data never enters the workbook
    excel_rows = frame.index.to_numpy()
    n_rows = len(frame)

    # respondent id and wave
    if codebook.respondent_id:
        col = _find_column(frame, codebook.respondent_id)
        if col is None:
            problems.append(_missing_column(file, frame, codebook.respondent_id, "the respondent id column"))
            rid = pd.Series([f"r{r}" for r in excel_rows], index=frame.index)
        else:
            rid = frame[col].astype("string")
            for row in frame.index[rid.isna()]:
                problems.append(Problem(file, "respondent id is blank", row=int(row), column=col))
    else:
        rid = pd.Series([f"r{r}" for r in excel_rows], index=frame.index, dtype="string")
    wave = None
    if codebook.waves:
        col = _find_column(frame, codebook.wave_column or "")
        if col is None:
            problems.append(_missing_column(file, frame, codebook.wave_column or "", "the wave column"))
        else:
            lookup = {_norm(w.value): w.code for w in codebook.waves}
            lookup.update({_norm(w.code): w.code for w in codebook.waves})
            wave = frame[col].map(lambda v: lookup.get(_norm(v)) if isinstance(v, str) else None)
            known = ", ".join(repr(w.value) for w in codebook.waves)
            for row in frame.index[wave.isna()]:
                value = frame.at[row, col]
                problems.append(Problem(file, f"wave {value!r} is not a wave of the codebook" if isinstance(value, str)
                                        else "wave is blank", row=int(row), column=col, hint=f"waves: {known}"))
    key = rid.astype(str) if wave is None else rid.astype(str) + "\x00" + wave.astype(str)
    dup = key.duplicated(keep=False) & rid.notna()
    if dup.any():
        first_row: dict[str, int] = {}
        for row, k in zip(frame.index[dup], key[dup], strict=True):
            if k in first_row:
                problems.append(Problem(file, f"respondent {rid[row]!r} answers twice (also row {first_row[k]})"
                                        + ("" if wave is None else f" in wave {wave[row]!r}"),
                                        row=int(row), column=codebook.respondent_id))
            else:
                first_row[k] = int(row)

    # questions
    pos_rows: list[np.ndarray] = []
    pos_q: list[np.ndarray] = []
    pos_opt: list[np.ndarray] = []
    pos_rank: list[np.ndarray] = []
    numbers, texts = [], []
    for qi, q in enumerate(codebook.questions):
        if q.type == "multi" and codebook.tool == "columns":
            chosen = np.zeros(n_rows, dtype=bool)
            seen_any = np.zeros(n_rows, dtype=bool)
            for o in q.options:
                col = _find_column(frame, o.column or "")
                if col is None:
                    problems.append(_missing_column(file, frame, o.column or "", f"column of option {o.code!r} of question {q.id!r}"))
                    continue
                values = frame[col]
                numeric = pd.to_numeric(values.astype("string").str.replace(",", ".", regex=False), errors="coerce")
                bad = values.notna() & ~numeric.isin([0, 1])
                for row in frame.index[bad.to_numpy()]:
                    problems.append(Problem(file, f"{values[row]!r} is not 0 or 1 (option {o.code!r} of question {q.id!r})",
                                            row=int(row), column=col))
                hit = (numeric == 1).to_numpy(dtype=bool, na_value=False)
                seen_any |= values.notna().to_numpy()
                idx = np.flatnonzero(hit)
                pos_rows.append(idx)
                pos_q.append(np.full(len(idx), qi))
                pos_opt.append(np.full(len(idx), o.code, dtype=object))
                pos_rank.append(np.zeros(len(idx), dtype=np.int64))
                chosen |= hit
            blank = np.flatnonzero(~chosen)
            pos_rows.append(blank)
            pos_q.append(np.full(len(blank), qi))
            pos_opt.append(np.full(len(blank), None, dtype=object))
            pos_rank.append(np.zeros(len(blank), dtype=np.int64))
            continue
        col = _find_column(frame, q.column)
        if col is None:
            problems.append(_missing_column(file, frame, q.column, f"question {q.id!r}"))
            continue
        values = frame[col]
        if q.type == "number":
            numeric = pd.to_numeric(values.astype("string").str.replace(",", ".", regex=False)
                                    .str.replace("\u00a0", "", regex=False).str.replace(" ", "", regex=False),
                                    errors="coerce")
            for row in frame.index[(values.notna() & numeric.isna()).to_numpy()]:
                problems.append(Problem(file, f"{values[row]!r} is not a number (question {q.id!r})",
                                        row=int(row), column=col))
            numbers.append(pd.DataFrame({"_row": np.arange(n_rows), "question_id": q.id,
                                         "value": numeric.to_numpy(dtype=float, na_value=np.nan)}))
            continue
        if q.type == "text":
            ok = values.notna().to_numpy()
            texts.append(pd.DataFrame({"_row": np.flatnonzero(ok), "question_id": q.id,
                                       "answer": values[ok].astype(str).to_numpy()}))
            continue
        lookup = {_norm(o.value): o.code for o in q.options}
        lookup.update({_norm(o.label("sv")): o.code for o in q.options if _norm(o.label("sv")) not in lookup})
        options_text = "; ".join(o.value for o in q.options)
        answered = values.notna().to_numpy()
        if q.type in ("single", "likert"):
            codes = values.map(lambda v, lk=lookup: lk.get(_norm(v)) if isinstance(v, str) else None)
            bad = answered & codes.isna().to_numpy()
            if bad.any():
                scale = [o.value for o in q.answer_options]
                numeric_scale = all(v.lstrip("-").isdigit() for v in scale)
                for row in frame.index[bad]:
                    value = values[row]
                    if q.type == "likert" and numeric_scale and str(value).lstrip("-").replace(".", "", 1).isdigit():
                        msg = (f"Likert code {value} is outside the scale {scale[0]}–{scale[-1]} "
                               f"of question {q.id!r}")
                    else:
                        msg = f"{value!r} is not an option of question {q.id!r}"
                    problems.append(Problem(file, msg, row=int(row), column=col, hint=f"options: {options_text}"))
            pos_rows.append(np.arange(n_rows))
            pos_q.append(np.full(n_rows, qi))
            pos_opt.append(codes.to_numpy(dtype=object))
            pos_rank.append(np.zeros(n_rows, dtype=np.int64))
            continue
        # multi (joined in one cell) and ranking
        cache: dict[str, tuple[list[str], list[str]]] = {}
        rows, opts, ranks = [], [], []
        for r, value in enumerate(values.to_numpy(dtype=object)):
            if not isinstance(value, str):
                rows.append(r)
                opts.append(None)
                ranks.append(0)
                continue
            if value not in cache:
                cache[value] = _split_joined(value, q.separator or ";", lookup)
            codes, unknown = cache[value]
            for u in unknown:
                problems.append(Problem(file, f"{u!r} is not an option of question {q.id!r}",
                                        row=int(excel_rows[r]), column=col, hint=f"options: {options_text}"))
            seen: set[str] = set()
            for k, c in enumerate(codes, start=1):
                if c in seen:
                    continue
                seen.add(c)
                rows.append(r)
                opts.append(c)
                ranks.append(k if q.type == "ranking" else 0)
            if not codes:
                rows.append(r)
                opts.append(None)
                ranks.append(0)
        pos_rows.append(np.asarray(rows, dtype=np.int64))
        pos_q.append(np.full(len(rows), qi))
        pos_opt.append(np.asarray(opts, dtype=object))
        pos_rank.append(np.asarray(ranks, dtype=np.int64))
    if problems:
        return codebook, None, problems, files

    # build the tidy frames
    rows = np.concatenate(pos_rows) if pos_rows else np.zeros(0, dtype=np.int64)
    qidx = np.concatenate(pos_q) if pos_q else np.zeros(0, dtype=np.int64)
    opts = np.concatenate(pos_opt) if pos_opt else np.zeros(0, dtype=object)
    ranks = np.concatenate(pos_rank) if pos_rank else np.zeros(0, dtype=np.int64)
    order = np.lexsort((rows, qidx))
    rows, qidx, opts, ranks = rows[order], qidx[order], opts[order], ranks[order]
    qids = [q.id for q in codebook.questions]
    all_codes = list(dict.fromkeys(o.code for q in codebook.questions for o in q.options))
    respondent_frame = pd.DataFrame({"respondent_id": pd.Categorical(rid.astype(str).to_numpy())})
    if codebook.waves:
        respondent_frame["wave"] = pd.Categorical(wave.to_numpy(dtype=object),
                                                  categories=[w.code for w in codebook.waves], ordered=True)
    answers = pd.DataFrame({"_row": rows,
                            "question_id": pd.Categorical.from_codes(qidx, categories=qids),
                            "option": pd.Categorical(opts, categories=all_codes),
                            "rank": pd.array(np.where(ranks > 0, ranks, 0), dtype="Int64")})
    answers["rank"] = answers["rank"].mask(answers["rank"] == 0)
    for s in codebook.subgroups:
        q = codebook.question(s)
        sub = answers.loc[answers["question_id"] == s, ["_row", "option"]].set_index("_row")["option"]
        codes = sub.reindex(range(n_rows)).astype(object).to_numpy()
        respondent_frame[s] = pd.Categorical(codes, categories=[o.code for o in q.answer_options], ordered=True)
    respondent_frame["excel_row"] = excel_rows

    def attach(part: pd.DataFrame) -> pd.DataFrame:
        keep = [c for c in respondent_frame.columns if c != "excel_row"]
        head = respondent_frame[keep].iloc[part["_row"].to_numpy()].reset_index(drop=True)
        return pd.concat([head, part.drop(columns="_row").reset_index(drop=True)], axis=1)

    responses = attach(answers)
    numbers_frame = attach(pd.concat(numbers, ignore_index=True)) if numbers else pd.DataFrame(
        columns=[*respondent_frame.columns.drop("excel_row"), "question_id", "value"])
    text_frame = attach(pd.concat(texts, ignore_index=True)) if texts else pd.DataFrame(
        columns=[*respondent_frame.columns.drop("excel_row"), "question_id", "answer"])
    return codebook, _Parsed(responses, numbers_frame, text_frame, respondent_frame), [], files


# --------------------------------------------------------------------------------------------
# Public loading API
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Survey:
    """A loaded survey.

    ``responses`` is the tidy long table of the choice questions: one row per respondent x
    question x chosen option (a blank answer is one row with ``option`` missing), columns
    ``respondent_id``, ``wave`` (when the survey has waves), one column per subgroup,
    ``question_id``, ``option`` (the codebook code) and ``rank`` (ranking questions).
    ``numbers`` and ``free_text`` hold number and free-text answers; ``respondents`` one row
    per respondent (with ``excel_row``). Personal columns (``export.drop``) are never read.
    """

    codebook: Codebook
    responses: pd.DataFrame
    numbers: pd.DataFrame = field(default_factory=pd.DataFrame)
    free_text: pd.DataFrame = field(default_factory=pd.DataFrame)
    respondents: pd.DataFrame = field(default_factory=pd.DataFrame)
    folder: Path | None = None

    @property
    def id(self) -> str:
        return self.codebook.survey_id

    @property
    def is_census(self) -> bool:
        return self.codebook.design == "census"

    @property
    def has_waves(self) -> bool:
        return bool(self.codebook.waves)


def check_survey(survey_dir: str | Path) -> list[Problem]:
    """Return every problem of a survey folder (empty when all is well).

    Checks the codebook, that every question's column is in the export, that every answer is
    an option of the codebook (a Likert code outside the scale is named as such), that no
    respondent answers twice (per wave), and that every wave label is known. Each problem
    names the file, the row as Excel shows it and the column.
    """
    _, _, problems, _ = _parse(Path(survey_dir))
    return problems


def load_survey(survey_dir: str | Path) -> Survey:
    """Read, validate and reshape one survey folder into a :class:`Survey`.

    Raises
    ------
    DataError
        Listing every problem :func:`check_survey` finds.
    """
    folder = Path(survey_dir)
    codebook, parsed, problems, _ = _parse(folder)
    if problems or parsed is None or codebook is None:
        raise DataError(problems or [Problem(str(folder), "could not read the survey")])
    return Survey(codebook=codebook, responses=parsed.responses, numbers=parsed.numbers,
                  free_text=parsed.free_text, respondents=parsed.respondents, folder=folder)


def find_surveys(data_dir: str | Path) -> tuple[str, ...]:
    """Survey ids of a data folder: the sub-folders of ``surveys/`` holding a codebook."""
    base = Path(data_dir) / "surveys"
    if not base.is_dir():
        return ()
    return tuple(sorted(p.name for p in base.iterdir() if (p / CODEBOOK).is_file()))


# --------------------------------------------------------------------------------------------
# Statistics
# --------------------------------------------------------------------------------------------


def wilson(x, n, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion x/n (vectorised; NaN where n == 0).

    # Wilson 1927; Newcombe 1998, method 3 (score interval without continuity correction).
    """
    x = np.asarray(x, dtype=float)
    n = np.asarray(n, dtype=float)
    z = norm.ppf(1 - (1 - level) / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = x / n
        denom = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
        low = np.where(n > 0, np.clip(centre - half, 0, 1), np.nan)
        high = np.where(n > 0, np.clip(centre + half, 0, 1), np.nan)
    low = np.where(x == 0, 0.0, low)
    high = np.where(x == n, 1.0, high)
    return np.where(n > 0, low, np.nan), np.where(n > 0, high, np.nan)


def _codes(series: pd.Series) -> tuple[np.ndarray, list]:
    """Integer codes (-1 = missing) and categories of a column."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series.cat.codes.to_numpy(), list(series.cat.categories)
    codes, uniques = pd.factorize(series, sort=True)
    return codes, list(uniques)


def _check_by(survey: Survey, by: list[str]) -> None:
    allowed = [*(["wave"] if survey.has_waves else []), *survey.codebook.subgroups]
    for b in by:
        if b not in allowed:
            if survey.is_census:
                raise ValueError(f"survey {survey.id!r} is a census of identifiable units and may not be "
                                 f"broken down by {b!r}" + (f"; allowed: {', '.join(allowed)}" if allowed else ""))
            raise ValueError(f"{b!r} is not a subgroup of survey {survey.id!r}; allowed: "
                             f"{', '.join(allowed) or 'none'}")


def summarise(survey: Survey, questions: list[str] | None = None, by: list[str] | str | None = None,
              min_count: int | None = 5, *, level: float = 0.95, dropna: bool = True) -> pd.DataFrame:
    """Summarise choice questions: one row per question x option (x subgroup).

    Parameters
    ----------
    survey
        From :func:`load_survey`.
    questions
        Question ids (default: every single, multi, Likert and ranking question).
    by
        Subgroup columns (codebook ``subgroups``, and ``wave`` for a survey with waves).
    min_count
        Small-cell threshold (:func:`analysis.privacy.suppress`); ``None`` = no suppression
        (never in a report).
    level
        Confidence level of the Wilson intervals.
    dropna
        Leave out respondents whose subgroup answer is blank (they still count in the totals).

    Returns
    -------
    DataFrame
        ``question_id, option, [by...], n, base, share, ci_low, ci_high, method, suppressed,
        n_dont_know, n_blank, mean_rank``. ``base`` = respondents who answered the question,
        without "vet ej" (unless the question sets ``dont_know_in_base``); ``n`` = respondents
        choosing the option. Multi-select: share of respondents choosing each option (shares
        add up to more than 1). Likert: one row per scale step plus ``option == "top_box"``
        (the codebook's top_box codes). Ranking: ``n`` = respondents ranking the option first,
        ``mean_rank``. Samples get Wilson 95 % intervals (method ``wilson``); a census gets no
        sampling interval (method ``census (x av N)``).
    """
    by = [by] if isinstance(by, str) else list(by or [])
    _check_by(survey, by)
    cb = survey.codebook
    if questions is None:
        qs = [q for q in cb.questions if q.type in CHOICE_TYPES]
    else:
        qs = [cb.question(q) for q in ([questions] if isinstance(questions, str) else questions)]
        for q in qs:
            if q.type not in CHOICE_TYPES:
                raise ValueError(f"question {q.id!r} is {q.type}; summarise handles "
                                 f"{', '.join(CHOICE_TYPES)} (numbers: summarise_numbers)")
    r = survey.responses
    qcode, qcats = _codes(r["question_id"])
    ocode, ocats = _codes(r["option"])
    # per question: slot of each global option code (0..K-1 answer options, K = vet ej, K+1 = blank)
    kmax = max((len(q.options) for q in qs), default=0)
    dk_slot, blank_slot = kmax, kmax + 1
    nslots = kmax + 2
    qpos = {q: i for i, q in enumerate(qcats)}
    lut = np.full((len(qcats) + 1, len(ocats) + 1), -1, dtype=np.int64)  # last column: missing
    opt_index = {c: j for j, c in enumerate(ocats)}
    selected = np.zeros(len(qcats) + 1, dtype=bool)
    for q in qs:
        if q.id not in qpos:
            continue
        i = qpos[q.id]
        selected[i] = True
        lut[i, -1] = blank_slot
        for k, o in enumerate(q.answer_options):
            if o.code in opt_index:
                lut[i, opt_index[o.code]] = k
        for o in q.options:
            if o.dont_know and o.code in opt_index:
                lut[i, opt_index[o.code]] = dk_slot
    slot = lut[qcode, ocode]  # ocode -1 -> last column (blank)
    keep = selected[qcode] & (slot >= 0)
    # group index of every row
    group_codes, group_cats, strides = [], [], []
    g = np.zeros(len(r), dtype=np.int64)
    size = 1
    for b in reversed(by):
        codes, cats = _codes(r[b])
        g += (codes.astype(np.int64) + 1) * size
        group_codes.append(codes)
        group_cats.insert(0, cats)
        strides.insert(0, size)
        size *= len(cats) + 1
    ngroups = size
    nq = len(qcats) + 1
    flat = (qcode.astype(np.int64) * ngroups + g) * nslots + slot
    counts = np.bincount(flat[keep], minlength=nq * ngroups * nslots).reshape(nq, ngroups, nslots)
    # ranking: first places and rank sums
    rank = r["rank"].to_numpy(dtype=float, na_value=np.nan) if "rank" in r.columns else np.full(len(r), np.nan)
    is_rank_q = np.zeros(nq, dtype=bool)
    is_multi_q = np.zeros(nq, dtype=bool)
    for q in qs:
        if q.id in qpos:
            is_rank_q[qpos[q.id]] = q.type == "ranking"
            is_multi_q[qpos[q.id]] = q.type in ("multi", "ranking")
    firsts = rank_sum = None
    if is_rank_q.any():
        rmask = keep & is_rank_q[qcode] & ~np.isnan(rank)
        firsts = np.bincount(flat[rmask & (rank == 1)], minlength=nq * ngroups * nslots).reshape(nq, ngroups, nslots)
        rank_sum = np.bincount(flat[rmask], weights=rank[rmask], minlength=nq * ngroups * nslots).reshape(nq, ngroups, nslots)
    # respondent status per question: 0 answered, 1 only "vet ej", 2 blank
    status_counts = np.zeros((nq, ngroups, 3), dtype=np.int64)
    single = keep & ~is_multi_q[qcode]
    if single.any():
        status = np.where(slot < dk_slot, 0, np.where(slot == dk_slot, 1, 2))
        idx = (qcode[single].astype(np.int64) * ngroups + g[single]) * 3 + status[single]
        status_counts += np.bincount(idx, minlength=nq * ngroups * 3).reshape(nq, ngroups, 3)
    multi = keep & is_multi_q[qcode]
    if multi.any():
        rid = r["respondent_id"]
        rcode = rid.cat.codes.to_numpy() if isinstance(rid.dtype, pd.CategoricalDtype) else pd.factorize(rid)[0]
        rkey = rcode.astype(np.int64)
        if "wave" in r.columns:
            wcode, wcats = _codes(r["wave"])
            rkey = rkey * (len(wcats) + 1) + (wcode.astype(np.int64) + 1)
        sel = np.flatnonzero(multi)
        status = np.where(slot[sel] < dk_slot, 0, np.where(slot[sel] == dk_slot, 1, 2))
        key = qcode[sel].astype(np.int64) * (int(rkey.max()) + 1) + rkey[sel]
        order = np.lexsort((status, key))
        ks = key[order]
        first = np.ones(len(ks), dtype=bool)
        first[1:] = ks[1:] != ks[:-1]
        pick = sel[order[first]]
        st = status[order[first]]
        idx = (qcode[pick].astype(np.int64) * ngroups + g[pick]) * 3 + st
        status_counts += np.bincount(idx, minlength=nq * ngroups * 3).reshape(nq, ngroups, 3)
    # assemble: collect arrays, build one frame at the end (one frame per option is slow)
    present_groups = np.flatnonzero(status_counts.sum(axis=(0, 2)) > 0)
    if dropna and by:
        ok = np.ones(len(present_groups), dtype=bool)
        for stride, cats in zip(strides, group_cats, strict=True):
            ok &= (present_groups // stride) % (len(cats) + 1) != 0
        present_groups = present_groups[ok]
    census = survey.is_census
    acc: dict[str, list[np.ndarray]] = {k: [] for k in ("q", "option", "g", "n", "base", "dk", "blank", "rank")}
    for q in qs:
        if q.id not in qpos:
            continue
        i = qpos[q.id]
        gs = present_groups[status_counts[i, present_groups].sum(axis=1) > 0] if by else np.array([0])
        answered = status_counts[i, gs, 0]
        n_dk = status_counts[i, gs, 1]
        n_blank = status_counts[i, gs, 2]
        base = answered + (n_dk if q.dont_know_in_base else 0)
        opts = list(q.answer_options)
        mat = (firsts if q.type == "ranking" else counts)[i][np.ix_(gs, range(len(opts)))]
        labels = [o.code for o in opts]
        columns = [mat[:, k] for k in range(len(opts))]
        mean_rank = [np.full(len(gs), np.nan) for _ in opts]
        if q.type == "ranking":
            tot = counts[i][np.ix_(gs, range(len(opts)))]
            with np.errstate(invalid="ignore", divide="ignore"):
                mean_rank = [rank_sum[i][gs, k] / tot[:, k] for k in range(len(opts))]
        if q.dont_know_in_base:
            for o in q.options:
                if o.dont_know:
                    labels.append(o.code)
                    columns.append(n_dk)
                    mean_rank.append(np.full(len(gs), np.nan))
                    break
        if q.type == "likert" and q.top_box:
            for box, codes in ((TOP_BOX, q.top_box), (BOTTOM_BOX, q.bottom_box)):
                pos = [k for k, o in enumerate(opts) if o.code in codes]
                labels.append(box)
                columns.append(mat[:, pos].sum(axis=1) if pos else np.zeros(len(gs), dtype=np.int64))
                mean_rank.append(np.full(len(gs), np.nan))
        k = len(labels)
        # rows: group-major within the question, options in codebook order
        acc["q"].append(np.full(k * len(gs), q.id, dtype=object))
        acc["option"].append(np.tile(np.asarray(labels, dtype=object), len(gs)))
        acc["g"].append(np.repeat(gs, k))
        acc["n"].append(np.stack(columns, axis=1).ravel())
        acc["base"].append(np.repeat(base, k))
        acc["dk"].append(np.repeat(n_dk, k))
        acc["blank"].append(np.repeat(n_blank, k))
        acc["rank"].append(np.stack(mean_rank, axis=1).ravel())
    columns = ["question_id", "option", *by, "n", "base", "share", "ci_low", "ci_high", "method",
               "suppressed", "n_dont_know", "n_blank", "mean_rank"]
    if not acc["q"]:
        return pd.DataFrame(columns=columns)
    cat = {k: np.concatenate(v) for k, v in acc.items()}
    out = pd.DataFrame({"question_id": cat["q"], "option": cat["option"]})
    out["question_id"] = out["question_id"].astype("str")
    out["option"] = out["option"].astype("str")
    for b, stride, cats in zip(by, strides, group_cats, strict=True):
        codes = (cat["g"] // stride) % (len(cats) + 1) - 1
        source = survey.responses[b]
        ordered = bool(source.cat.ordered) if isinstance(source.dtype, pd.CategoricalDtype) else False
        out[b] = pd.Categorical.from_codes(codes, categories=cats, ordered=ordered)
    n = cat["n"].astype(float)
    base = cat["base"].astype(float)
    out["n"] = pd.array(cat["n"], dtype="Int64")
    out["base"] = pd.array(cat["base"], dtype="Int64")
    with np.errstate(invalid="ignore", divide="ignore"):
        out["share"] = np.where(base > 0, n / base, np.nan)
    if census:
        out["ci_low"] = np.nan
        out["ci_high"] = np.nan
        out["method"] = CENSUS_METHOD
    else:
        low, high = wilson(n, base, level)
        out["ci_low"] = low
        out["ci_high"] = high
        out["method"] = WILSON_METHOD
    out["suppressed"] = False
    out["n_dont_know"] = pd.array(cat["dk"], dtype="Int64")
    out["n_blank"] = pd.array(cat["blank"], dtype="Int64")
    out["mean_rank"] = cat["rank"].astype(float)
    out = out[columns]
    if min_count is not None:
        out = privacy.suppress(out, min_count, extra_count_cols=("n_dont_know", "n_blank"))
    return out


def summarise_numbers(survey: Survey, questions: list[str] | None = None, by: list[str] | str | None = None,
                      min_count: int | None = 5, level: float = 0.95) -> pd.DataFrame:
    """Number questions: n, mean (t interval), median and quartiles per question (x subgroup).

    Groups with fewer than ``min_count`` answers are suppressed (every statistic blank).
    """
    from scipy.stats import t as t_dist

    by = [by] if isinstance(by, str) else list(by or [])
    _check_by(survey, by)
    frame = survey.numbers
    if questions is not None:
        frame = frame[frame["question_id"].isin(questions)]
    frame = frame.dropna(subset=["value"])
    cols = ["question_id", *by, "n", "mean", "ci_low", "ci_high", "median", "q1", "q3", "method", "suppressed"]
    if frame.empty:
        return pd.DataFrame(columns=cols)
    grouped = frame.groupby(["question_id", *by], observed=True, sort=True)["value"]
    out = grouped.agg(n="count", mean="mean", sd="std", median="median",
                      q1=lambda v: v.quantile(0.25), q3=lambda v: v.quantile(0.75)).reset_index()
    tq = t_dist.ppf(1 - (1 - level) / 2, np.maximum(out["n"] - 1, 1))
    half = tq * out["sd"] / np.sqrt(out["n"])
    out["ci_low"] = out["mean"] - half
    out["ci_high"] = out["mean"] + half
    out["method"] = "t"
    hide = out["n"] < (min_count or 0)
    for col in ("mean", "ci_low", "ci_high", "median", "q1", "q3"):
        out[col] = out[col].mask(hide)
    out["n"] = out["n"].astype("Int64").mask(hide & (out["n"] > 0))
    out["suppressed"] = hide.to_numpy()
    return out[cols]


def respondents(survey: Survey, by: list[str] | str | None = None, min_count: int | None = 5) -> pd.DataFrame:
    """Number of respondents per subgroup (e.g. per school and wave); small counts suppressed."""
    by = [by] if isinstance(by, str) else list(by or [])
    _check_by(survey, by)
    frame = survey.respondents
    if by:
        out = frame.groupby(by, observed=True, sort=True).size().rename("n").reset_index()
    else:
        out = pd.DataFrame({"n": [len(frame)]})
    out["n"] = out["n"].astype("Int64")
    if min_count is not None:
        out = privacy.suppress(out, min_count, base_col=None, value_cols=())
    return out


def share_of(survey: Survey, question_id: str, option: str) -> tuple[int, int]:
    """Return ``(x, n)``: how many respondents chose ``option`` of all who answered.

    ``option`` is an option code, ``top_box`` (Likert), or for a multi-select question the
    pseudo-options ``any`` (chose at least one option that is not "vet ej" and not an
    ``exclusive`` "none" option) and ``all`` (chose every such option). Not suppressed:
    for goal tracking, not for showing counts.
    """
    q = survey.codebook.question(question_id)
    if q.type not in CHOICE_TYPES:
        raise ValueError(f"question {question_id!r} is {q.type}, not a choice question")
    if option in (ANY, ALL):
        if q.type != "multi":
            raise ValueError(f"'{option}' works for multi-select questions; {question_id!r} is {q.type}")
        r = survey.responses
        r = r[r["question_id"] == question_id]
        keys = ["respondent_id", *(["wave"] if "wave" in r.columns else [])]
        real = [o.code for o in q.answer_options if not o.exclusive]
        answered = r[r["option"].isin([o.code for o in q.answer_options])]
        n = len(answered[keys].drop_duplicates())
        chosen = answered[answered["option"].isin(real)]
        per = chosen.groupby(keys, observed=True)["option"].nunique()
        x = int((per >= 1).sum()) if option == ANY else int((per == len(real)).sum())
        return x, int(n)
    if option != TOP_BOX:
        q.option(option)  # raises a clear KeyError for an unknown option
    s = summarise(survey, questions=[question_id], min_count=None)
    row = s[s["option"] == option]
    if row.empty:
        raise KeyError(f"question {question_id!r} has no option {option!r}")
    return int(row["n"].iloc[0]), int(row["base"].iloc[0])


def resolve_source(source: str, data_dir: str | Path, level: float = 0.95) -> dict[str, Any]:
    """Resolve a goal source ``survey:<survey_id>:<question_id>:<option>`` in ``data_dir``.

    Returns ``{"x", "n", "share", "ci_low", "ci_high", "method"}`` (census: no interval).
    """
    parts = source.split(":")
    if len(parts) != 4 or parts[0] != "survey":
        raise ValueError(f"survey source must be 'survey:<survey_id>:<question_id>:<option>', not {source!r}")
    _, survey_id, question_id, option = parts
    folder = Path(data_dir) / "surveys" / survey_id
    if not (folder / CODEBOOK).is_file():
        raise ValueError(f"source {source!r}: no survey {survey_id!r} in {Path(data_dir) / 'surveys'} "
                         f"(surveys: {', '.join(find_surveys(data_dir)) or 'none'})")
    survey = load_survey(folder)
    x, n = share_of(survey, question_id, option)
    share = x / n if n else float("nan")
    if survey.is_census:
        low = high = float("nan")
        method = CENSUS_METHOD
    else:
        lo, hi = wilson(x, n, level)
        low, high, method = float(lo), float(hi), WILSON_METHOD
    return {"x": x, "n": n, "share": share, "ci_low": low, "ci_high": high, "method": method}


# --------------------------------------------------------------------------------------------
# Free text
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FreeText:
    """How many answered a free-text question; the answers only when the codebook opts in."""

    question_id: str
    n_answered: int
    answers: tuple[str, ...] | None  # raw text: escape before showing (report.table does)


def free_text(survey: Survey, question_id: str) -> FreeText:
    """Count the answers of a free-text question; return them only if ``show_answers: true``."""
    q = survey.codebook.question(question_id)
    if q.type != "text":
        raise ValueError(f"question {question_id!r} is {q.type}, not free text")
    frame = survey.free_text
    answers = frame.loc[frame["question_id"] == question_id, "answer"].astype(str).tolist() if len(frame) else []
    return FreeText(question_id, len(answers), tuple(answers) if q.show_answers else None)


def free_text_table(survey: Survey, question_id: str, lang: str | None = None) -> pd.DataFrame:
    """The answers of an opted-in free-text question as a one-column frame (empty otherwise).

    The text is raw: show it with ``report.table``, which escapes every cell.
    """
    from .text import t

    ft = free_text(survey, question_id)
    return pd.DataFrame({t("survey_free_text_answer", lang): list(ft.answers or ())})


def free_text_html(survey: Survey, question_id: str) -> str:
    """HTML of a free-text question: a count, and the escaped answers when the codebook opts in."""
    from .text import escape, t

    ft = free_text(survey, question_id)
    out = f"<p>{escape(t('survey_free_text_count', n=ft.n_answered))}</p>"
    if ft.answers:
        out += "<ul>" + "".join(f"<li>{escape(a)}</li>" for a in ft.answers) + "</ul>"
    return out


# --------------------------------------------------------------------------------------------
# Formatting for reports
# --------------------------------------------------------------------------------------------


def option_label(survey: Survey, question_id: str, code: str, lang: str | None = None) -> str:
    """Label of an option code in the report language (``top_box`` gets its own label)."""
    from .text import t

    q = survey.codebook.question(question_id)
    if code in (TOP_BOX, BOTTOM_BOX):
        labels = [q.option(c).label(lang) for c in (q.top_box if code == TOP_BOX else q.bottom_box)]
        return t("survey_top_box", lang, options=" / ".join(labels))
    return q.option(code).label(lang)


def group_label(survey: Survey, column: str, code: Any, lang: str | None = None) -> str:
    """Label of a subgroup value (a wave code or a subgroup option code)."""
    if code is None or code is pd.NA or (isinstance(code, float) and np.isnan(code)):
        from .text import t

        return t("survey_missing_group", lang)
    if column == "wave":
        return survey.codebook.wave_label(str(code), lang)
    return survey.codebook.question(column).option(str(code)).label(lang)


def table(summary: pd.DataFrame, survey: Survey, lang: str | None = None) -> pd.DataFrame:
    """Format a :func:`summarise` frame for a report: labels, percentages, ``..`` for hidden cells.

    A census shows "x av N" instead of a share with an interval.
    """
    from .text import number, percent, t

    lang = lang or _lang()
    by = [c for c in summary.columns if c not in {"question_id", "option", "n", "base", "share", "ci_low",
                                                  "ci_high", "method", "suppressed", "n_dont_know",
                                                  "n_blank", "mean_rank"}]
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
            row[t("survey_census_count", lang)] = t("survey_x_of_n", lang, x=int(n), n=int(base))
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
    from .text import t

    if column == "wave":
        return t("survey_wave", lang)
    q = survey.codebook.question(column)
    if q.short:
        return q.short.get(lang or _lang()) or q.short["sv"]
    return q.label(lang)


def group_titles(survey: Survey, columns: list[str], lang: str | None = None) -> str:
    """Names of several subgroup variables for a caption: "mättillfälle och skola"."""
    from .text import t

    names = [group_title(survey, c, lang).lower() for c in columns]
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + f" {t('survey_and', lang)} " + names[-1]


def group_count(summary: pd.DataFrame, by: str) -> int:
    """How many groups of ``by`` a summary holds."""
    return int(summary[by].dropna().nunique())


def numbers_table(numbers: pd.DataFrame, survey: Survey, lang: str | None = None) -> pd.DataFrame:
    """Format a :func:`summarise_numbers` frame for a report."""
    from .text import number, t

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
    from .text import number, t

    n = len(survey.respondents)
    out = [t("survey_respondents_text", lang, n=number(n, 0, lang))]
    if survey.is_census:
        out.append(t("survey_census_note", lang, n=survey.codebook.population or n))
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
    from .text import number, t

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
    from .text import number, percent, t

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
                cells.append(t("survey_x_of_n", lang, x=int(rec["n"]), n=int(rec["base"])))
            else:
                cells.append(percent(rec["share"], 0, lang))
        base = part["base"].iloc[0]
        cells.append(privacy.SUPPRESSED if pd.isna(base) else number(float(base), 0, lang))
        out[group_label(survey, by, g, lang)] = cells
    return pd.DataFrame(out)


def top_box_table(summary: pd.DataFrame, survey: Survey, by: str, lang: str | None = None) -> pd.DataFrame:
    """Top-box share (95 % interval) of every Likert item by a subgroup, e.g. the two waves."""
    from .text import number, percent, t

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
    from .text import number, t

    by = [by] if isinstance(by, str) else list(by)
    counts = respondents(survey, by=by, min_count=min_count)
    out = {_by_title(survey, b, lang): [group_label(survey, b, v, lang) for v in counts[b]] for b in by}
    out[t("survey_respondents", lang)] = [privacy.SUPPRESSED if pd.isna(v) else number(float(v), 0, lang)
                                          for v in counts["n"]]
    return pd.DataFrame(out)


def survey_folder(data_dir: str | Path, survey_id: str) -> Path:
    """The folder of a survey in a data folder (``<data_dir>/surveys/<survey_id>``)."""
    folder = Path(data_dir) / "surveys" / survey_id
    if not (folder / CODEBOOK).is_file():
        raise ValueError(f"no survey {survey_id!r} in {Path(data_dir) / 'surveys'}; surveys: "
                         f"{', '.join(find_surveys(data_dir)) or 'none'}")
    return folder
