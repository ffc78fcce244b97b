"""Every count a survey's reports may publish, as one linear system (for suppression and audit).

A published survey number is a **cell**: ``CellKey(survey, question, category, group)``, e.g.
``("parents", "knows_support", "1", (("first_time", "yes"),))`` = parents who are first-time
parents and answered "1" to ``knows_support``. Categories are option codes, ``top_box`` and
``bottom_box``, and the special counts ``_base`` (who answered, the base of the shares), ``_dk``
("vet ej"), ``_blank`` (left blank), ``_answered`` (number and free-text questions), ``_not:<code>``
(answered a multi-select question without choosing ``<code>``) and, for the question
``_respondents``, ``_n`` (respondents of the group).

:class:`SurveyModel` turns a codebook into the system a reader faces: non-negative integer atoms
(the counts of the finest cells: wave x one subgroup x answer, for every question) tied by the
structure (each person is in exactly one answer category of every question; the same people are
counted by every question; a multi-select option splits those who answered in two). Every cell is
a sum of atoms (:meth:`SurveyModel.atoms`). It is built from the codebook only, which a reader
has too, so the suppressor (``analysis.surveys.publication``) and the auditor
(``analysis.privacy.audit``) face the same system.

Modelling choice (``docs/privacy.md``): one clique per subgroup (wave x subgroup x answer); no
report crosses two subgroups, and tables that share only the wave x answer margin always extend
to a joint table, so nothing a reader can infer is lost by not modelling the full cross.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..privacy.intervals import TableSystem
from .codebook import BOTTOM_BOX, TOP_BOX, Codebook, Question

RESPONDENTS = "_respondents"
N, BASE, DK, BLANK, ANSWERED, ANSWERED_MULTI = "_n", "_base", "_dk", "_blank", "_answered", "_ans"
NOT = "_not:"
NOFIRST = "_nofirst"
MISSING = "_missing"  # respondents who did not answer a subgroup question (never a published group)

Group = tuple[tuple[str, str], ...]


@dataclass(frozen=True, order=True)
class CellKey:
    """One count of a survey: question x category x group (``group``: ``((dim, code), ...)``)."""

    survey: str
    question: str
    category: str
    group: Group = ()

    def to_json(self) -> str:
        return json.dumps(
            {"s": self.survey, "q": self.question, "c": self.category, "g": dict(self.group)},
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> CellKey:
        data = json.loads(text)
        return cls(
            str(data["s"]),
            str(data["q"]),
            str(data["c"]),
            tuple((str(k), str(v)) for k, v in data.get("g", {}).items()),
        )

    def label(self) -> str:
        group = ", ".join(f"{k}={v}" for k, v in self.group) or "all"
        return f"{self.survey}: {self.question} / {self.category} / {group}"


def group_of(codebook: Codebook, values: dict[str, Any]) -> Group:
    """A group in canonical order (wave first, then the codebook's subgroups)."""
    order = ["wave", *codebook.subgroups]
    return tuple((d, str(values[d])) for d in order if d in values and values[d] is not None)


def categories(q: Question) -> list[str]:
    """The atoms of one respondent group for question ``q`` (a partition, plus multi-select splits)."""
    if q.type == "multi":
        out = [ANSWERED_MULTI, *([DK] if q.dont_know_codes else []), BLANK]
        for o in q.answer_options:
            out += [o.code, NOT + o.code]
        return out
    if q.type in ("number", "text"):
        return [ANSWERED, BLANK]
    # ranking: who answered but ranked "vet ej" first is counted in no option's first places
    nofirst = [NOFIRST] if q.type == "ranking" and q.dont_know_codes else []
    return [
        *(o.code for o in q.answer_options),
        *nofirst,
        *([DK] if q.dont_know_codes else []),
        BLANK,
    ]


def partition(q: Question) -> list[str]:
    """The categories of ``q`` that split a group's respondents (each person in exactly one)."""
    if q.type == "multi":
        return [ANSWERED_MULTI, *([DK] if q.dont_know_codes else []), BLANK]
    return categories(q)


class SurveyModel:
    """The linear system of a survey's cells (see the module docstring), built from its codebook."""

    def __init__(self, codebook: Codebook):
        self.codebook = codebook
        self.survey = codebook.survey_id
        self.waves = [w.code for w in codebook.waves]
        self.subgroups = list(codebook.subgroups)
        self.levels = {
            s: [o.code for o in codebook.question(s).answer_options] for s in self.subgroups
        }
        self.system = TableSystem()
        wave_groups = [(("wave", w),) for w in self.waves] or [()]
        # cliques: wave x one subgroup (or just the waves); finest groups include "missing"
        self.cliques: list[tuple[str, ...]] = [
            ("wave", s) if self.waves else (s,) for s in self.subgroups
        ] or [("wave",) if self.waves else ()]
        self.finest: list[list[Group]] = []
        for dims in self.cliques:
            axes = [
                [(d, v) for v in (self.waves if d == "wave" else [*self.levels[d], MISSING])]
                for d in dims
            ]
            self.finest.append([tuple(p) for p in itertools.product(*axes)] if axes else [()])
        self.wave_groups = wave_groups
        # respondents of every finest group of every clique
        self.resp = [self.system.new_atoms(len(f)) for f in self.finest]
        for k in range(1, len(self.cliques)):
            for wg in wave_groups:
                self._equal(self._sum_resp(k, wg), self._sum_resp(0, wg))
        self.atoms_of: dict[
            str, list[np.ndarray]
        ] = {}  # question -> per clique (groups x categories)
        self.cats: dict[str, list[str]] = {}
        for q in codebook.questions:
            if q.id in self.subgroups:
                self._subgroup_question(q)
            else:
                self._question(q)

    # ------------------------------------------------------------------ structure

    def _equal(self, left: np.ndarray, right: np.ndarray) -> None:
        self.system.add_row(
            np.concatenate([left, right]),
            np.concatenate([np.ones(len(left)), -np.ones(len(right))]),
        )

    def _matching(self, k: int, group: Group) -> np.ndarray:
        """Indices of the finest groups of clique ``k`` inside ``group``."""
        cache = self.__dict__.setdefault("_match_cache", {})
        if (k, group) not in cache:
            want = set(group)
            cache[(k, group)] = np.array(
                [i for i, f in enumerate(self.finest[k]) if want <= set(f)], dtype=np.int64
            )
        return cache[(k, group)]

    def _sum_resp(self, k: int, group: Group) -> np.ndarray:
        return self.resp[k][self._matching(k, group)]

    def _question(self, q: Question) -> None:
        cats = categories(q)
        self.cats[q.id] = cats
        per_clique = []
        for k in range(len(self.cliques)):
            atoms = self.system.new_atoms(len(self.finest[k]) * len(cats)).reshape(
                len(self.finest[k]), len(cats)
            )
            part = [cats.index(c) for c in partition(q)]
            for i in range(len(self.finest[k])):
                # the partition of each finest group adds up to its respondents
                self._equal(atoms[i, part], self.resp[k][[i]])
                if q.type == "multi":
                    for o in q.answer_options:
                        self._equal(
                            atoms[i, [cats.index(o.code), cats.index(NOT + o.code)]],
                            atoms[i, [cats.index(ANSWERED_MULTI)]],
                        )
            per_clique.append(atoms)
        # every clique counts the same people: equal wave x category margins
        for k in range(1, len(self.cliques)):
            for wg in self.wave_groups:
                rows_k, rows_0 = self._matching(k, wg), self._matching(0, wg)
                for j in range(len(cats)):
                    self._equal(per_clique[k][rows_k, j], per_clique[0][rows_0, j])
        self.atoms_of[q.id] = per_clique

    def _subgroup_question(self, q: Question) -> None:
        """A subgroup question's answers *are* the groups of its clique."""
        cats = categories(q)
        self.cats[q.id] = cats
        k = self.cliques.index(("wave", q.id) if self.waves else (q.id,))
        atoms = self.system.new_atoms(len(self.wave_groups) * len(cats)).reshape(
            len(self.wave_groups), len(cats)
        )
        for w, wg in enumerate(self.wave_groups):
            for code in self.levels[q.id]:
                self._equal(atoms[w, [cats.index(code)]], self._sum_resp(k, (*wg, (q.id, code))))
            missing = [cats.index(c) for c in (DK, BLANK) if c in cats]
            self._equal(atoms[w, missing], self._sum_resp(k, (*wg, (q.id, MISSING))))
        self.atoms_of[q.id] = [atoms]

    # ------------------------------------------------------------------ cells

    def clique_for(self, group: Group) -> int:
        dims = {d for d, _ in group}
        for k, clique in enumerate(self.cliques):
            if dims <= set(clique):
                return k
        raise KeyError(
            f"no report crosses {', '.join(sorted(dims))}: the cell is outside the model"
        )

    def atoms(self, key: CellKey) -> np.ndarray:
        """The atoms whose sum is the cell ``key`` (``KeyError`` for a cell outside the model)."""
        if key.survey != self.survey:
            raise KeyError(f"cell of survey {key.survey!r} in the model of {self.survey!r}")
        if key.question == RESPONDENTS:
            if key.category != N:
                raise KeyError(f"respondent counts have category {N!r}, not {key.category!r}")
            k = self.clique_for(key.group)
            return self._sum_resp(k, key.group)
        q = self.codebook.question(key.question)
        cats = self.cats[q.id]
        if q.id in self.subgroups:
            if any(d != "wave" for d, _ in key.group):
                raise KeyError(f"subgroup question {q.id!r} is only published by wave")
            rows = [w for w, wg in enumerate(self.wave_groups) if set(key.group) <= set(wg)]
            table = self.atoms_of[q.id][0][rows]
        else:
            k = self.clique_for(key.group)
            table = self.atoms_of[q.id][k][self._matching(k, key.group)]
        return table[:, [cats.index(c) for c in self._category(q, key.category)]].ravel()

    def _category(self, q: Question, category: str) -> list[str]:
        cats = self.cats[q.id]
        answers = [o.code for o in q.answer_options]
        with_dk = [DK] if (q.dont_know_in_base and DK in cats) else []
        if category in cats and category != ANSWERED_MULTI:
            return [category]
        if category in q.dont_know_codes or category == DK:
            return [DK] if DK in cats else []  # no "vet ej" option: always 0
        if category == BASE:
            return (
                [ANSWERED_MULTI, *with_dk]
                if q.type == "multi"
                else (
                    [ANSWERED]
                    if q.type in ("number", "text")
                    else [*answers, *([NOFIRST] if NOFIRST in cats else []), *with_dk]
                )
            )
        if category in (TOP_BOX, BOTTOM_BOX) and q.type == "likert":
            return list(q.top_box if category == TOP_BOX else q.bottom_box)
        if category.startswith(NOT) and q.type == "multi":
            return [category, *with_dk]
        raise KeyError(f"question {q.id!r} ({q.type}) has no count {category!r}")

    # ------------------------------------------------------------------ which cells exist

    def published(self) -> list[CellKey]:
        """Every cell some report may show (the suppressor protects all of them together).

        The survey report, the team reports' survey tables and the effect reports' wave and
        "for whom" tables: wave x subgroup holds every item the wave comparison tests (top box of a
        Likert item, each option otherwise) and its base, since the "for whom" tables pick their
        items from the data (protecting more cells than are shown is always safe).
        """
        cb, s = self.codebook, self.survey
        waves = [(("wave", w),) for w in self.waves]
        out = [CellKey(s, RESPONDENTS, N, ())]
        out += [CellKey(s, RESPONDENTS, N, g) for g in waves]
        if self.waves and self.subgroups:
            first = self.subgroups[0]
            out += [
                CellKey(s, RESPONDENTS, N, (*g, (first, v)))
                for g in waves
                for v in self.levels[first]
            ]
        for q in cb.questions:
            if q.id in self.subgroups:
                if not self.waves:  # shown as a question of its own when the survey has no waves
                    out += [CellKey(s, q.id, c, ()) for c in [*self.levels[q.id], BASE, BLANK]]
                    out += [CellKey(s, q.id, DK, ())] if q.dont_know_codes else []
                continue
            if q.type in ("number", "text"):
                out += [
                    CellKey(s, q.id, ANSWERED, g)
                    for g in [(), *(waves if q.type == "number" else [])]
                ]
                continue
            groups: list[Group] = [(), *waves]
            notes = list(groups)  # "vet ej" and blank lines: overall and per wave
            crossed: list[
                Group
            ] = []  # wave x subgroup: the "for whom" tables of the effect reports
            for sub in self.subgroups:
                for v in self.levels[sub]:
                    groups.append(((sub, v),))
                    crossed += [(*g, (sub, v)) for g in waves]
            cats = [o.code for o in q.answer_options]
            if q.dont_know_in_base and q.dont_know_codes:
                cats.append(q.dont_know_codes[0])
            if q.type == "likert" and q.top_box:
                cats += [TOP_BOX, BOTTOM_BOX]
            cats.append(BASE)
            out += [CellKey(s, q.id, c, g) for g in groups for c in cats]
            out += [
                CellKey(s, q.id, c, g)
                for g in notes
                for c in ((DK, BLANK) if q.dont_know_codes else (BLANK,))
            ]
            if q.type in ("single", "multi", "likert"):  # the items the wave comparison tests
                items = (
                    [q.positive_box] if q.type == "likert" else [o.code for o in q.answer_options]
                )
                out += [CellKey(s, q.id, c, g) for g in crossed for c in [*items, BASE]]
        return list(dict.fromkeys(out))

    def structure_cells(self) -> list[CellKey]:
        """Every count of every group a report shows, shown or not (including the respondents who
        skipped a subgroup question): the counts that must not be narrowed too far."""
        cb, s = self.codebook, self.survey
        out = list(self.published())
        groups: list[Group] = []
        for k, dims in enumerate(self.cliques):
            for r in range(len(dims) + 1):
                for sub in itertools.combinations(dims, r):
                    for f in self.finest[k]:
                        groups.append(tuple(p for p in f if p[0] in sub))
        groups = list(dict.fromkeys(groups))
        out += [CellKey(s, RESPONDENTS, N, g) for g in groups]
        for q in cb.questions:
            if q.id in self.subgroups:
                out += [
                    CellKey(s, q.id, c, g) for g in [(), *self.wave_groups] for c in self.cats[q.id]
                ]
                continue
            cats = [c for c in self.cats[q.id] if c != ANSWERED_MULTI] + [BASE]
            if q.type == "likert" and q.top_box:
                cats += [TOP_BOX, BOTTOM_BOX]
            out += [CellKey(s, q.id, c, g) for g in groups for c in cats]
        return list(dict.fromkeys(out))

    # ------------------------------------------------------------------ true counts

    def true_atoms(self, survey) -> np.ndarray:
        """The atom values of a loaded survey (for the suppressor; the auditor never has them)."""
        from .summary import summarise

        x = np.zeros(self.system.n_atoms)
        r = survey.respondents
        for k, dims in enumerate(self.cliques):
            counts = _counts(r, list(dims), self.finest[k])
            x[self.resp[k]] = counts
        choice = [
            q for q in self.codebook.questions if q.type in ("single", "multi", "likert", "ranking")
        ]
        for k, dims in enumerate(self.cliques):
            dims = list(dims)
            rows = (
                summarise(
                    survey,
                    questions=[q.id for q in choice if q.id not in self.subgroups],
                    by=dims,
                    min_count=None,
                    dropna=False,
                )
                if len(choice) > len([q for q in choice if q.id in self.subgroups])
                else None
            )
            for q in self.codebook.questions:
                if q.id in self.subgroups:
                    continue
                atoms = self.atoms_of[q.id][k]
                cats = self.cats[q.id]
                if q.type in ("number", "text"):
                    frame = survey.numbers if q.type == "number" else survey.free_text
                    part = frame[frame["question_id"] == q.id] if len(frame) else frame
                    if q.type == "number" and len(part):
                        part = part[part["value"].notna()]
                    answered = (
                        _counts(part, dims, self.finest[k])
                        if len(part)
                        else np.zeros(len(self.finest[k]))
                    )
                    x[atoms[:, cats.index(ANSWERED)]] = answered
                    x[atoms[:, cats.index(BLANK)]] = x[self.resp[k]] - answered
                    continue
                part = rows[rows["question_id"] == q.id]
                groups: dict[Group, dict] = {}
                for rec in part.to_dict("records"):
                    g = groups.setdefault(_finest_key(rec, dims), {"rec": rec, "n": {}})
                    g["n"][rec["option"]] = float(rec["n"])
                for i, f in enumerate(self.finest[k]):
                    if f in groups:  # absent: nobody in this group, all atoms 0
                        _fill_group(x, atoms[i], cats, q, groups[f]["rec"], groups[f]["n"])
        for q in self.codebook.questions:
            if q.id not in self.subgroups:
                continue
            s = summarise(
                survey, questions=[q.id], by=["wave"] if self.waves else None, min_count=None
            )
            cats = self.cats[q.id]
            for w, wg in enumerate(self.wave_groups):
                sel = s if not self.waves else s[s["wave"].astype(str) == wg[0][1]]
                atoms = self.atoms_of[q.id][0][w]
                for rec in sel.to_dict("records"):
                    if rec["option"] in cats:
                        x[atoms[cats.index(rec["option"])]] = int(rec["n"])
                if len(sel):
                    if DK in cats:
                        x[atoms[cats.index(DK)]] = int(sel["n_dont_know"].iloc[0])
                    x[atoms[cats.index(BLANK)]] = int(sel["n_blank"].iloc[0])
        return x


def _finest_key(rec: dict, dims: list[str]) -> Group:
    out = []
    for d in dims:
        v = rec[d]
        out.append(
            (
                d,
                MISSING
                if v is None
                or v is np.nan
                or (isinstance(v, float) and np.isnan(v))
                or str(v) in ("nan", "<NA>")
                else str(v),
            )
        )
    return tuple(out)


def _counts(frame, dims: list[str], finest: list[Group]) -> np.ndarray:
    """Rows of ``frame`` per finest group of ``dims`` (missing subgroup answers: ``MISSING``)."""
    if not dims:
        return np.array([float(len(frame))])
    keys = frame[dims].astype(object).where(frame[dims].notna(), MISSING).astype(str)
    counted = keys.value_counts().to_dict()
    return np.array(
        [
            counted.get(tuple(v for _, v in f), 0)
            if len(dims) > 1
            else counted.get((f[0][1],), counted.get(f[0][1], 0))
            for f in finest
        ],
        dtype=float,
    )


def _fill_group(
    x: np.ndarray, atoms: np.ndarray, cats: list[str], q: Question, rec: dict, n: dict[str, float]
) -> None:
    """Atom values of one finest group from its ``summarise`` rows (``n``: option -> count)."""
    dk = float(rec["n_dont_know"])
    blank = float(rec["n_blank"])
    base = float(rec["base"])
    answered = base - (dk if q.dont_know_in_base else 0.0)
    if DK in cats:
        x[atoms[cats.index(DK)]] = dk
    x[atoms[cats.index(BLANK)]] = blank
    if q.type == "multi":
        x[atoms[cats.index(ANSWERED_MULTI)]] = answered
        for o in q.answer_options:
            x[atoms[cats.index(o.code)]] = n.get(o.code, 0.0)
            x[atoms[cats.index(NOT + o.code)]] = answered - n.get(o.code, 0.0)
        return
    for o in q.answer_options:
        x[atoms[cats.index(o.code)]] = n.get(o.code, 0.0)
    if NOFIRST in cats:
        x[atoms[cats.index(NOFIRST)]] = answered - sum(n.get(o.code, 0.0) for o in q.answer_options)
