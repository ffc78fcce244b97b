"""Codebooks: a survey's questions, options and how its export encodes them (docs/surveys.md)."""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..config import load_yaml
from ..io import DataError, Problem

TYPES = ("single", "multi", "likert", "ranking", "number", "text")


CHOICE_TYPES = ("single", "multi", "likert", "ranking")


TOOLS = ("microsoft_forms", "google_forms", "columns")


DEFAULT_SEPARATOR = {"microsoft_forms": ";", "google_forms": ", ", "columns": ";"}


CENSUS_METHOD = "census (x av N)"


WILSON_METHOD = "wilson"


TOP_BOX = "top_box"


BOTTOM_BOX = "bottom_box"


ANY, ALL = "any", "all"


POSITIVE = "positive"  # goal option: the positive share of a Likert item (its direction applied)


CODEBOOK = "codebook.yml"


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
    fielded: tuple[dt.date, dt.date] | None = None  # a wave: first and last day it was answered

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
    def positive_box(self) -> str:
        """The box counted as the positive answer of a Likert item: ``top_box`` (agreeing)
        when higher is better, ``bottom_box`` when ``direction: down`` (agreeing is the bad
        end: "Jag säger elaka saker till mig själv")."""
        return TOP_BOX if self.direction == "up" else BOTTOM_BOX

    @property
    def positive_codes(self) -> tuple[str, ...]:
        """The codes of :attr:`positive_box`."""
        return self.top_box if self.direction == "up" else self.bottom_box

    @property
    def dont_know_codes(self) -> tuple[str, ...]:
        return tuple(o.code for o in self.options if o.dont_know)

    def option(self, code: str) -> Option:
        for o in self.options:
            if o.code == str(code):
                return o
        raise KeyError(
            f"question {self.id!r} has no option {code!r}; options: "
            f"{', '.join(o.code for o in self.options)}"
        )


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
    teams: tuple[str, ...] = ()  # the teams whose reports show the survey (``teams:``)
    municipality_codes: tuple[str, ...] = ()  # the municipalities it was fielded in
    fielded: tuple[dt.date, dt.date] | None = None  # first and last day it was fielded

    @property
    def is_tied(self) -> bool:
        """True when the codebook names its teams or municipalities (a survey tied to
        nothing is shown in its own survey report only)."""
        return bool(self.teams or self.municipality_codes)

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(
            f"survey {self.survey_id!r} has no question {question_id!r}; questions: "
            f"{', '.join(q.id for q in self.questions)}"
        )

    def label(self, lang: str | None = None) -> str:
        return self.title.get(lang or _lang()) or self.title["sv"]

    def wave_label(self, code: str, lang: str | None = None) -> str:
        for w in self.waves:
            if w.code == code:
                return w.label(lang)
        return str(code)


def _lang() -> str:
    from ..text import get_language

    return get_language()


def _code(value: Any, where: str, problems: list[Problem], file: str) -> str | None:
    if isinstance(value, bool):
        problems.append(
            Problem(
                file,
                f"code {value!r} was read as yes/no; put it in quotes",
                column=where,
                hint='write code: "yes" rather than code: yes',
            )
        )
        return None
    if value is None or str(value).strip() == "":
        problems.append(Problem(file, "an option needs a code", column=where))
        return None
    return str(value).strip()


def _parse_day(value: Any, end: bool) -> dt.date | None:
    """A date from YAML: a date, ``2023-09-15``, or a month ``2023-09`` (its first or, with
    ``end``, its last day). None when it is none of these."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        if len(text) == 7:
            first = dt.date.fromisoformat(text + "-01")
            if not end:
                return first
            following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
            return following - dt.timedelta(days=1)
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _parse_fielded(
    value: Any, where: str, file: str, problems: list[Problem]
) -> tuple[dt.date, dt.date] | None:
    """``fielded``: when a survey or a wave was answered: a day, a month (``2023-09``) or
    ``[from, to]``."""
    if value is None:
        return None
    ends = list(value) if isinstance(value, list) else [value, value]
    if len(ends) != 2:
        problems.append(
            Problem(
                file,
                "fielded must be one date or month, or [from, to]",
                column=where,
                hint="e.g. fielded: 2023-09 or fielded: [2023-09-04, 2023-09-29]",
            )
        )
        return None
    start, stop = _parse_day(ends[0], end=False), _parse_day(ends[1], end=True)
    if start is None or stop is None:
        problems.append(
            Problem(
                file,
                f"fielded {value!r} is not a date (YYYY-MM-DD) or a month (YYYY-MM)",
                column=where,
                hint="e.g. fielded: 2023-09 or fielded: [2023-09-04, 2023-09-29]",
            )
        )
        return None
    if stop < start:
        problems.append(
            Problem(file, f"fielded ends ({stop}) before it starts ({start})", column=where)
        )
        return None
    return start, stop


def _parse_codes(
    value: Any, where: str, file: str, problems: list[Problem], what: str
) -> tuple[str, ...]:
    """A list of ids (or one id) as strings; a number is refused (YAML reads 0604 as 388)."""
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, str) or not item.strip():
            problems.append(
                Problem(
                    file,
                    f"{what} {item!r} must be written in quotes",
                    column=where,
                    hint=f"e.g. {where}: ['0680'] (YAML reads an unquoted 0604 as the number 388)",
                )
            )
            continue
        out.append(item.strip())
    return tuple(out)


def _parse_options(
    raw: Any, where: str, file: str, problems: list[Problem], waves: bool = False
) -> tuple[Option, ...]:
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
        keys = {"code", "value", "sv", "en"} | (
            {"fielded"} if waves else {"dont_know", "exclusive", "column"}
        )
        unknown = set(item) - keys
        if unknown:
            problems.append(
                Problem(
                    file,
                    f"unknown key(s) {', '.join(sorted(map(str, unknown)))}",
                    column=here,
                    hint=f"known: {', '.join(sorted(keys))}",
                )
            )
        code = _code(item.get("code"), here, problems, file)
        if code is None:
            continue
        if code in seen:
            problems.append(Problem(file, f"option code {code!r} appears twice", column=here))
        seen.add(code)
        text = _labels({"sv": item.get("sv"), "en": item.get("en")}, fallback=code)
        value = item.get("value", text["sv"] if item.get("sv") is not None else code)
        out.append(
            Option(
                code=code,
                value=str(value).strip(),
                text=text,
                dont_know=bool(item.get("dont_know", False)),
                exclusive=bool(item.get("exclusive", False)),
                column=None if item.get("column") is None else str(item["column"]).strip(),
                fielded=_parse_fielded(item.get("fielded"), f"{here}.fielded", file, problems)
                if waves
                else None,
            )
        )
    return tuple(out)


def _inside(folder: Path, name: str) -> bool:
    """True when ``name`` is a relative path that stays inside ``folder`` (symbolic links
    followed): no absolute path, no ``..``."""
    relative = Path(name)
    if relative.is_absolute() or relative.drive or ".." in relative.parts or "\\" in name:
        return False
    return (folder / relative).resolve().is_relative_to(folder.resolve())


def _read_codebook(path: Path, file: str) -> tuple[Codebook | None, list[Problem]]:
    problems: list[Problem] = []
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))  # no aliases ("billion laughs")
    except FileNotFoundError:
        return None, [Problem(file, "the codebook is missing", hint="see docs/surveys.md")]
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        return None, [
            Problem(file, f"not valid YAML: {exc}", row=None if line is None else line + 1)
        ]
    if not isinstance(raw, dict):
        return None, [Problem(file, "the codebook must be a mapping (survey, export, questions)")]
    known = {
        "survey",
        "title",
        "design",
        "population",
        "export",
        "waves",
        "subgroups",
        "questions",
        "teams",
        "municipality_code",
        "fielded",
    }
    for key in sorted(set(map(str, raw)) - known):
        near = difflib.get_close_matches(key, known, n=1)
        problems.append(
            Problem(
                file,
                f"unknown key {key!r}",
                column=key,
                hint=f"did you mean {near[0]!r}?" if near else f"known: {', '.join(sorted(known))}",
            )
        )
    survey_id = str(raw.get("survey") or path.parent.name)
    design = str(raw.get("design", "sample"))
    if design not in ("sample", "census"):
        problems.append(
            Problem(file, f"design must be 'sample' or 'census', not {design!r}", column="design")
        )
    population = raw.get("population")
    if design == "census" and not isinstance(population, int):
        problems.append(
            Problem(
                file,
                "a census needs population: the number of units (e.g. 21)",
                column="population",
            )
        )
    export = raw.get("export") or {}
    if not isinstance(export, dict) or not export.get("file"):
        problems.append(
            Problem(file, "export.file is missing (the export's file name)", column="export.file")
        )
        export = export if isinstance(export, dict) else {}
    if export.get("file") and not _inside(path.parent, str(export["file"])):
        problems.append(
            Problem(
                file,
                f"export.file {str(export['file'])[:200]!r} is outside the survey's folder",
                column="export.file",
                hint=f"put the export in {path.parent.name}/ beside codebook.yml and give its name "
                "only, e.g. export.xlsx (only files in the data folder are checked and tracked)",
            )
        )
    tool = str(export.get("tool", "microsoft_forms"))
    if tool not in TOOLS:
        problems.append(
            Problem(
                file,
                f"export.tool must be one of {', '.join(TOOLS)}, not {tool!r}",
                column="export.tool",
            )
        )
        tool = "microsoft_forms"
    waves = _parse_options(raw.get("waves"), "waves", file, problems, waves=True)
    teams = _parse_codes(raw.get("teams"), "teams", file, problems, "team id")
    municipality_codes = _parse_codes(
        raw.get("municipality_code"), "municipality_code", file, problems, "municipality code"
    )
    fielded = _parse_fielded(raw.get("fielded"), "fielded", file, problems)
    if waves and raw.get("fielded") is not None:
        problems.append(
            Problem(
                file,
                "a survey with waves gives fielded per wave, not for the survey",
                column="fielded",
                hint="write fielded: 2023-09 under each wave",
            )
        )
    wave_dates = [w.fielded for w in waves if w.fielded is not None]
    if waves and wave_dates and len(wave_dates) < len(waves):
        problems.append(
            Problem(
                file,
                "fielded is given for some waves but not all",
                column="waves",
                hint="give every wave its month, e.g. fielded: 2023-09",
            )
        )
    if wave_dates:
        fielded = (min(d[0] for d in wave_dates), max(d[1] for d in wave_dates))
    wave_column = export.get("wave_column")
    if waves and not wave_column:
        problems.append(
            Problem(
                file,
                "waves are listed but export.wave_column is missing",
                column="export.wave_column",
            )
        )
    questions: list[Question] = []
    raw_questions = raw.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        problems.append(Problem(file, "questions must be a non-empty list", column="questions"))
        raw_questions = []
    ids: set[str] = set()
    qkeys = {
        "id",
        "type",
        "text",
        "column",
        "options",
        "separator",
        "top_box",
        "neutral",
        "dont_know_in_base",
        "direction",
        "show_answers",
        "ordered",
        "short",
    }
    for i, item in enumerate(raw_questions):
        here = f"questions[{i}]"
        if not isinstance(item, dict) or not item.get("id"):
            problems.append(Problem(file, "each question needs an id", column=here))
            continue
        qid = str(item["id"])
        here = f"questions[{i}] ({qid})"
        for key in sorted(set(map(str, item)) - qkeys):
            near = difflib.get_close_matches(key, qkeys, n=1)
            problems.append(
                Problem(
                    file,
                    f"unknown key {key!r}",
                    column=here,
                    hint=f"did you mean {near[0]!r}?" if near else "",
                )
            )
        if qid in ids:
            problems.append(Problem(file, f"question id {qid!r} appears twice", column=here))
        ids.add(qid)
        qtype = str(item.get("type", ""))
        text = _labels(item.get("text"), fallback=qid)
        options = _parse_options(item.get("options"), f"{here}.options", file, problems)
        if qtype not in TYPES:
            near = difflib.get_close_matches(qtype, TYPES, n=1)
            problems.append(
                Problem(
                    file,
                    f"type must be one of {', '.join(TYPES)}, not {qtype!r}",
                    column=here,
                    hint=f"did you mean {near[0]!r}?" if near else "",
                )
            )
            continue
        if qtype in CHOICE_TYPES and not options:
            problems.append(Problem(file, f"a {qtype} question needs options", column=here))
        if qtype == "multi" and tool == "columns" and any(o.column is None for o in options):
            problems.append(
                Problem(
                    file,
                    "with tool 'columns' every option of a multi-select "
                    "question needs its 0/1 column",
                    column=here,
                )
            )
        codes = {o.code for o in options}
        top_box = tuple(str(c) for c in (item.get("top_box") or ()))
        for c in top_box:
            if c not in codes:
                problems.append(Problem(file, f"top_box code {c!r} is not an option", column=here))
        if qtype == "likert" and not top_box:
            answer = [o.code for o in options if not o.dont_know]
            top_box = tuple(answer[-2:])  # the agreeing end; direction says whether it is good
        neutral = item.get("neutral")
        if neutral is None and qtype == "likert":
            answer = [o.code for o in options if not o.dont_know]
            neutral = answer[len(answer) // 2] if len(answer) % 2 == 1 else None
        direction = str(item.get("direction", "up"))
        if direction not in ("up", "down"):
            problems.append(Problem(file, "direction must be 'up' or 'down'", column=here))
        if qtype == "likert" and direction == "down" and item.get("top_box"):
            answer = [o.code for o in options if not o.dont_know]
            if all(c in answer and answer.index(c) < len(answer) / 2 for c in top_box):
                problems.append(
                    Problem(
                        file,
                        f"top_box {list(top_box)} is the low end of the scale, but with direction: down "
                        "top_box names the agreeing (high) end and the positive share is its mirror image",
                        column=here,
                        hint=f"write top_box: {answer[-len(top_box) :]} or leave top_box out",
                    )
                )
        questions.append(
            Question(
                id=qid,
                type=qtype,
                text=text,
                column=str(item.get("column") or text["sv"]).strip(),
                options=options,
                separator=item.get(
                    "separator", DEFAULT_SEPARATOR[tool] if qtype in ("multi", "ranking") else None
                ),
                top_box=top_box,
                neutral=None if neutral is None else str(neutral),
                dont_know_in_base=bool(item.get("dont_know_in_base", False)),
                direction=direction,
                show_answers=bool(item.get("show_answers", False)),
                ordered=bool(item.get("ordered", qtype == "likert")),
                short=_labels(item["short"]) if item.get("short") else None,
            )
        )
    subgroups = tuple(str(s) for s in (raw.get("subgroups") or ()))
    by_id = {q.id: q for q in questions}
    for s in subgroups:
        if s not in by_id:
            problems.append(
                Problem(file, f"subgroup {s!r} is not a question id", column="subgroups")
            )
        elif by_id[s].type not in ("single", "likert"):
            problems.append(
                Problem(
                    file, f"subgroup {s!r} must be a single-choice question", column="subgroups"
                )
            )
        elif s == "wave":
            problems.append(
                Problem(file, "'wave' is reserved for the survey waves", column="subgroups")
            )
    codebook = Codebook(
        survey_id=survey_id,
        title=_labels(raw.get("title"), fallback=survey_id),
        design=design,
        population=population if isinstance(population, int) else None,
        file=str(export.get("file", "")),
        tool=tool,
        respondent_id=None if export.get("respondent_id") is None else str(export["respondent_id"]),
        drop=tuple(str(c) for c in (export.get("drop") or ())),
        wave_column=None if wave_column is None else str(wave_column),
        waves=waves,
        subgroups=subgroups,
        questions=tuple(questions),
        path=path,
        teams=teams,
        municipality_codes=municipality_codes,
        fielded=fielded,
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
        return "/".join(parts[parts.index("surveys") :])
    return path.name
