"""Which survey counts the reports may show: primary and secondary suppression, once per survey.

Every report that shows a survey (the survey report, the team reports' survey tables, the effect
reports' wave and "for whom" tables) takes its numbers from :func:`protected`, so one hidden cell
is hidden everywhere and the reports together are one protected publication
(:meth:`analysis.surveys.cells.SurveyModel.published` lists its cells). The method:
``docs/privacy.md``.
"""

from __future__ import annotations

import hashlib
import json
import weakref
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..privacy.intervals import Finding
from ..privacy.secondary import protect
from .cells import (
    ANSWERED,
    BASE,
    BLANK,
    DK,
    MISSING,
    NOT,
    RESPONDENTS,
    CellKey,
    SurveyModel,
)
from .reading import Survey

__all__ = ["Publication", "protected", "use_cache"]


@dataclass(frozen=True)
class Publication:
    """The protected cells of a survey: ``cells`` has one row per cell some report may show,
    ``key`` (:class:`CellKey`), ``value`` (the true count) and ``hidden``."""

    survey_id: str
    min_count: int
    cells: pd.DataFrame
    findings: tuple[Finding, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "_index", dict(zip(self.cells["key"], range(len(self.cells)), strict=True))
        )

    def is_hidden(self, key: CellKey) -> bool:
        """True when the cell is hidden; a cell outside the publication is never shown."""
        i = self._index.get(key)  # type: ignore[attr-defined]
        return True if i is None else bool(self.cells["hidden"].iat[i])

    def value(self, key: CellKey) -> int | None:
        """The count of a shown cell (None when it is hidden or not published)."""
        i = self._index.get(key)  # type: ignore[attr-defined]
        if i is None or bool(self.cells["hidden"].iat[i]):
            return None
        return int(self.cells["value"].iat[i])


_CACHE: dict[tuple, Publication] = {}
_CACHE_DIR: list[Path] = []


def use_cache(folder: str | Path | None) -> None:
    """Keep the hidden-cell patterns in ``folder`` too (``data/processed/privacy``), so that the
    reports of one run compute each survey's pattern once. A pattern holds only which cells are
    hidden (what the reports show as ``..`` anyway), keyed by a hash of the survey's answers, the
    threshold and this code. ``None`` keeps them in memory only."""
    _CACHE_DIR[:] = [] if folder is None else [Path(folder)]


def _code_version() -> str:
    """A hash of the code a pattern depends on (reading, counting, the model, the suppressor:
    ``analysis/surveys`` and ``analysis/privacy``; a report's layout does not change it)."""
    from ..io import code_hash

    here = Path(__file__).resolve().parent
    return hashlib.sha256(
        (code_hash(here) + code_hash(here.parent / "privacy")).encode()
    ).hexdigest()[:12]


def protected(survey: Survey, min_count: int) -> Publication:
    """The survey's publication with small cells and their complements hidden (cached per
    survey content and threshold, in memory and in the folder of :func:`use_cache`)."""
    if min_count < 1:
        raise ValueError("min_count must be at least 1")
    fingerprint = _fingerprint(survey)
    key = (survey.id, fingerprint, int(min_count))
    if key in _CACHE:
        return _CACHE[key]
    file = (
        _CACHE_DIR[0] / f"{survey.id}-{int(min_count)}-{fingerprint[:20]}-{_code_version()}.json"
        if _CACHE_DIR
        else None
    )
    publication = (
        _load(file, survey, int(min_count)) if file is not None and file.is_file() else None
    )
    if publication is None:
        publication = _protect(survey, int(min_count))
        if file is not None and not publication.findings:
            from ..io import write_text_atomic

            hidden = [
                k.to_json()
                for k, h in zip(publication.cells["key"], publication.cells["hidden"], strict=True)
                if h
            ]
            write_text_atomic(
                file,
                json.dumps(
                    {"survey": survey.id, "min_count": int(min_count), "hidden": hidden},
                    ensure_ascii=False,
                ),
            )
    _CACHE[key] = publication
    return publication


def _load(file: Path, survey: Survey, min_count: int) -> Publication | None:
    """A pattern saved by :func:`protected` (None when the file is unreadable: then recompute)."""
    try:
        hidden = {
            CellKey.from_json(k) for k in json.loads(file.read_text(encoding="utf-8"))["hidden"]
        }
    except (OSError, ValueError, KeyError, TypeError):
        return None
    model = SurveyModel(survey.codebook)
    published = model.published()
    truth = model.true_atoms(survey)
    values = [int(round(truth[model.atoms(k)].sum())) for k in published]
    return Publication(
        survey.id,
        min_count,
        pd.DataFrame(
            {"key": published, "value": values, "hidden": [k in hidden for k in published]}
        ),
    )


_FINGERPRINTS: dict[int, tuple[weakref.ref, str]] = {}


def _fingerprint(survey: Survey) -> str:
    """A hash of the survey's answers and codebook (computed once per loaded survey)."""
    known = _FINGERPRINTS.get(id(survey))
    if known is not None and known[0]() is survey:
        return known[1]
    digest = hashlib.sha256()
    for frame in (survey.responses, survey.numbers, survey.free_text, survey.respondents):
        if len(frame):
            digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
            digest.update(repr(list(frame.columns)).encode())
    digest.update(repr(survey.codebook).encode())
    value = digest.hexdigest()
    _FINGERPRINTS[id(survey)] = (weakref.ref(survey), value)
    return value


def _cost(key: CellKey, value: float) -> float:
    """What hiding a cell loses: a tier (subgroup cells first, overall totals last; a number of
    the "vet ej / obesvarad" line is cheap), then the count itself (the smallest complementary
    cell first)."""
    dims = {d for d, _ in key.group}
    tier = 0.0 if dims - {"wave"} else (2.0 if dims else 4.0)
    if key.category in (DK, BLANK):  # a number in a note, not a table cell
        tier = 0.5
    elif key.question == RESPONDENTS or key.category in (BASE, ANSWERED):
        tier += 1.0
    return 1000.0 * tier + 20.0 + value


def _protect(survey: Survey, min_count: int) -> Publication:
    model = SurveyModel(survey.codebook)
    published = model.published()
    structure = model.structure_cells()
    system = model.system
    index = {k: system.add_cell(model.atoms(k), k.label()) for k in structure}
    truth = model.true_atoms(survey)
    broken = system.violated(truth)
    if broken:  # the counts do not fit the model of the survey: a bug, never a reason to publish
        raise RuntimeError(
            f"survey {survey.id!r}: the counts break {broken} equation(s) of the model of its "
            "cells (analysis/surveys/cells.py); no suppression pattern can be trusted"
        )
    values = system.cell_values(truth)
    pub = [index[k] for k in published]

    def sensitive(k: CellKey) -> bool:
        # not protected (docs/privacy.md): a blank is not an answer; those who skipped a subgroup
        # question are no group a reader can point at; a cell of no atoms is always 0
        return not (
            k.category == BLANK
            or len(system.cells[index[k]]) == 0
            or any(v == MISSING for _, v in k.group)
        )

    # cells whose share needs the base: hidden with it
    by_group: dict[tuple[str, tuple], list[int]] = {}
    for k in published:
        if (
            k.question != RESPONDENTS
            and k.category not in (BASE, BLANK, ANSWERED)
            and not k.category.startswith("_")
        ):
            by_group.setdefault((k.question, k.group), []).append(index[k])
    base_of = {
        index[k]: by_group.get((k.question, k.group), []) for k in published if k.category == BASE
    }

    def coupled(i: int):
        return base_of.get(i, ())

    base_for = {c: b for b, cells in base_of.items() for c in cells}

    def may_show(i: int, hidden: set[int]) -> bool:
        return base_for.get(i) not in hidden  # a share needs its base

    hidden: set[int] = set()
    m = min_count
    if m > 1:
        for k in published:
            i = index[k]
            v = values[i]
            if k.category != BLANK and 1 <= v <= m - 1:
                hidden.add(i)
            if k.category == BASE and v < m:
                hidden.update(base_of.get(i, ()))
        q_types = {q.id: q.type for q in survey.codebook.questions}
        for k in published:  # multi-select: "did not choose" is a count too
            if q_types.get(k.question) == "multi" and not k.category.startswith("_"):
                nk = CellKey(k.survey, k.question, NOT + k.category, k.group)
                if nk in index and 1 <= values[index[nk]] <= m - 1:
                    hidden.add(index[k])
    cost = np.zeros(len(system.cells))
    for k in structure:
        cost[index[k]] = _cost(k, values[index[k]])
    findings: list[Finding] = []
    if m > 1:
        # always shown: how many answered the survey (in all and per wave)
        fixed = {
            index[k]
            for k in published
            if k.question == RESPONDENTS and all(d == "wave" for d, _ in k.group)
        }
        hidden, findings = protect(
            system,
            values,
            pub,
            hidden,
            [index[k] for k in structure if sensitive(k)],
            m,
            cost,
            coupled=coupled,
            truth=truth,
            fixed=fixed,
            may_show=may_show,
        )
    cells = pd.DataFrame(
        {
            "key": published,
            "value": [int(round(values[index[k]])) for k in published],
            "hidden": [index[k] in hidden for k in published],
        }
    )
    return Publication(survey.id, m, cells, tuple(findings))
