"""Reading a survey folder: the export, validated against the codebook, as one tidy long table."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..io import ROW, DataError, Problem, read_table_problems, sheet_hint
from .codebook import (
    CODEBOOK,
    Codebook,
    _read_codebook,
)


def _read_export(path: Path, file: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Read an export as text (analysis.io); the index is the row as Excel shows it (header = 1)."""
    if not path.is_file():
        return None, [
            Problem(file, "the export file is missing", hint="export.file in codebook.yml names it")
        ]
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
    near = difflib.get_close_matches(
        name.casefold(), [str(c).casefold() for c in frame.columns], n=1, cutoff=0.6
    )
    hint = f"nearest column: {near[0]!r}" if near else "check the column title in codebook.yml"
    return Problem(
        file, f"{what} is missing from the export", column=name, hint=hint + sheet_hint(frame, name)
    )


def _norm(value: str) -> str:
    return " ".join(str(value).split()).casefold()


def _split_joined(cell: str, separator: str, lookup: dict[str, str]) -> tuple[list[str], list[str]]:
    """Split a multi-select cell into option codes; option texts may themselves hold the separator."""
    tokens = [
        t
        for t in (
            p.strip() for p in cell.split(separator.strip() if separator.strip() else separator)
        )
    ]
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
            problems.append(
                _missing_column(file, frame, codebook.respondent_id, "the respondent id column")
            )
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
            problems.append(
                _missing_column(file, frame, codebook.wave_column or "", "the wave column")
            )
        else:
            lookup = {_norm(w.value): w.code for w in codebook.waves}
            lookup.update({_norm(w.code): w.code for w in codebook.waves})
            wave = frame[col].map(lambda v: lookup.get(_norm(v)) if isinstance(v, str) else None)
            known = ", ".join(repr(w.value) for w in codebook.waves)
            for row in frame.index[wave.isna()]:
                value = frame.at[row, col]
                problems.append(
                    Problem(
                        file,
                        "the wave is not one of the codebook's waves"
                        if isinstance(value, str)
                        else "wave is blank",
                        row=int(row),
                        column=col,
                        hint=f"waves: {known}",
                    )
                )
    key = rid.astype(str) if wave is None else rid.astype(str) + "\x00" + wave.astype(str)
    dup = key.duplicated(keep=False) & rid.notna()
    if dup.any():
        first_row: dict[str, int] = {}
        for row, k in zip(frame.index[dup], key[dup], strict=True):
            if k in first_row:
                problems.append(
                    Problem(
                        file,
                        f"the same respondent id as row {first_row[k]}: a respondent "
                        "answers twice" + ("" if wave is None else f" in wave {wave[row]!r}"),
                        row=int(row),
                        column=codebook.respondent_id,
                    )
                )
            else:
                first_row[k] = int(row)
    # a census cannot have more respondents than units (per wave): the population in the
    # codebook is then wrong, and every "x av N" and non-response bound with it
    if codebook.design == "census" and codebook.population:
        answered = rid.notna() if wave is None else rid.notna() & wave.notna()
        per_wave = (
            pd.Series(1, index=frame.index)[answered].groupby(wave[answered]).sum()
            if wave is not None
            else pd.Series({"": int(answered.sum())})
        )
        for w, count in per_wave.items():
            if count > codebook.population:
                problems.append(
                    Problem(
                        cb_file,
                        f"population: {codebook.population}, but the export has {count} respondents"
                        + (f" in wave {w!r}" if w else "")
                        + " (a census cannot have more respondents than units)",
                        column="population",
                        hint="set population to the number of units asked",
                    )
                )

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
                    problems.append(
                        _missing_column(
                            file,
                            frame,
                            o.column or "",
                            f"column of option {o.code!r} of question {q.id!r}",
                        )
                    )
                    continue
                values = frame[col]
                numeric = pd.to_numeric(
                    values.astype("string").str.replace(",", ".", regex=False), errors="coerce"
                )
                bad = values.notna() & ~numeric.isin([0, 1])
                for row in frame.index[bad.to_numpy()]:
                    problems.append(
                        Problem(
                            file,
                            f"not 0 or 1 (option {o.code!r} of question {q.id!r})",
                            row=int(row),
                            column=col,
                        )
                    )
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
            numeric = pd.to_numeric(
                values.astype("string")
                .str.replace(",", ".", regex=False)
                .str.replace("\u00a0", "", regex=False)
                .str.replace(" ", "", regex=False),
                errors="coerce",
            )
            for row in frame.index[(values.notna() & numeric.isna()).to_numpy()]:
                problems.append(
                    Problem(file, f"not a number (question {q.id!r})", row=int(row), column=col)
                )
            numbers.append(
                pd.DataFrame(
                    {
                        "_row": np.arange(n_rows),
                        "question_id": q.id,
                        "value": numeric.to_numpy(dtype=float, na_value=np.nan),
                    }
                )
            )
            continue
        if q.type == "text":
            ok = values.notna().to_numpy()
            texts.append(
                pd.DataFrame(
                    {
                        "_row": np.flatnonzero(ok),
                        "question_id": q.id,
                        "answer": values[ok].astype(str).to_numpy(),
                    }
                )
            )
            continue
        lookup = {_norm(o.value): o.code for o in q.options}
        lookup.update(
            {_norm(o.label("sv")): o.code for o in q.options if _norm(o.label("sv")) not in lookup}
        )
        options_text = "; ".join(o.value for o in q.options)
        answered = values.notna().to_numpy()
        if q.type in ("single", "likert"):
            codes = values.map(
                lambda v, lk=lookup: lk.get(_norm(v)) if isinstance(v, str) else None
            )
            bad = answered & codes.isna().to_numpy()
            if bad.any():
                scale = [o.value for o in q.answer_options]
                numeric_scale = all(v.lstrip("-").isdigit() for v in scale)
                for row in frame.index[bad]:
                    value = values[row]
                    if (
                        q.type == "likert"
                        and numeric_scale
                        and str(value).lstrip("-").replace(".", "", 1).isdigit()
                    ):
                        msg = f"a number outside the scale {scale[0]}–{scale[-1]} of question {q.id!r}"
                    else:
                        msg = f"not one of the codebook's options of question {q.id!r}"
                    problems.append(
                        Problem(
                            file, msg, row=int(row), column=col, hint=f"options: {options_text}"
                        )
                    )
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
            if unknown:
                problems.append(
                    Problem(
                        file,
                        f"{len(unknown)} of the answers in the cell are not among the "
                        f"codebook's options of question {q.id!r}",
                        row=int(excel_rows[r]),
                        column=col,
                        hint=f"options: {options_text}",
                    )
                )
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
        respondent_frame["wave"] = pd.Categorical(
            wave.to_numpy(dtype=object), categories=[w.code for w in codebook.waves], ordered=True
        )
    answers = pd.DataFrame(
        {
            "_row": rows,
            "question_id": pd.Categorical.from_codes(qidx, categories=qids),
            "option": pd.Categorical(opts, categories=all_codes),
            "rank": pd.array(np.where(ranks > 0, ranks, 0), dtype="Int64"),
        }
    )
    answers["rank"] = answers["rank"].mask(answers["rank"] == 0)
    for s in codebook.subgroups:
        q = codebook.question(s)
        sub = answers.loc[answers["question_id"] == s, ["_row", "option"]].set_index("_row")[
            "option"
        ]
        codes = sub.reindex(range(n_rows)).astype(object).to_numpy()
        respondent_frame[s] = pd.Categorical(
            codes, categories=[o.code for o in q.answer_options], ordered=True
        )
    respondent_frame["excel_row"] = excel_rows

    def attach(part: pd.DataFrame) -> pd.DataFrame:
        keep = [c for c in respondent_frame.columns if c != "excel_row"]
        head = respondent_frame[keep].iloc[part["_row"].to_numpy()].reset_index(drop=True)
        return pd.concat([head, part.drop(columns="_row").reset_index(drop=True)], axis=1)

    responses = attach(answers)
    numbers_frame = (
        attach(pd.concat(numbers, ignore_index=True))
        if numbers
        else pd.DataFrame(
            columns=[*respondent_frame.columns.drop("excel_row"), "question_id", "value"]
        )
    )
    text_frame = (
        attach(pd.concat(texts, ignore_index=True))
        if texts
        else pd.DataFrame(
            columns=[*respondent_frame.columns.drop("excel_row"), "question_id", "answer"]
        )
    )
    return codebook, _Parsed(responses, numbers_frame, text_frame, respondent_frame), [], files


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
    return Survey(
        codebook=codebook,
        responses=parsed.responses,
        numbers=parsed.numbers,
        free_text=parsed.free_text,
        respondents=parsed.respondents,
        folder=folder,
    )


def find_surveys(data_dir: str | Path) -> tuple[str, ...]:
    """Survey ids of a data folder: the sub-folders of ``surveys/`` holding a codebook."""
    base = Path(data_dir) / "surveys"
    if not base.is_dir():
        return ()
    return tuple(sorted(p.name for p in base.iterdir() if (p / CODEBOOK).is_file()))


def survey_folder(data_dir: str | Path, survey_id: str) -> Path:
    """The folder of a survey in a data folder (``<data_dir>/surveys/<survey_id>``)."""
    folder = Path(data_dir) / "surveys" / survey_id
    if not (folder / CODEBOOK).is_file():
        raise ValueError(
            f"no survey {survey_id!r} in {Path(data_dir) / 'surveys'}; surveys: "
            f"{', '.join(find_surveys(data_dir)) or 'none'}"
        )
    return folder
