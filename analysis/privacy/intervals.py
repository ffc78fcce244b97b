"""How far a reader can narrow a count from what is published: integer linear programming.

A table system is a set of non-negative integer *atoms* (the counts of the finest cells) tied by
the structure (every respondent is in exactly one cell of a partition; the same people are counted
by every question) and by every published number: a shown count is the equation ``sum of its
atoms = value``. For a hidden count (or one never shown), the smallest and largest values those
equations allow are exactly what a reader can work out by differencing, however clever.

:class:`Solver` computes them with HiGHS (``highspy``: one model, warm-started re-solves as the
objective or the published cells change). An LP optimum whose atoms are all whole numbers is the
integer optimum; when one is fractional (three-way tables can have fractional vertices) the cell
is solved again as an integer program with ``scipy.optimize.milp``, so every interval is exact.

The protection rule (``docs/privacy.md``): a count is **at risk** when a reader can prove that it
is at least 1 and pin it to fewer than ``min_count`` possible values, i.e. its feasible interval
``[lo, hi]`` has ``1 <= lo <= min_count - 1`` and ``hi - lo < min_count``. An interval reaching 0
cannot show that anybody gave the answer (it says no more than a published 0, which the rule
shows); one at least ``min_count`` wide cannot single out a small count; one starting at
``min_count`` or above holds no small count.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import highspy
import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

__all__ = ["Finding", "Infeasible", "Solver", "TableSystem", "at_risk"]

INF = highspy.kHighsInf


def at_risk(lo: float, hi: float, min_count: int) -> bool:
    """True when a count known to lie in ``[lo, hi]`` is singled out as small and non-zero."""
    return 1 <= lo <= min_count - 1 and hi - lo < min_count


def safe_from(value: float, min_count: int) -> bool:
    """True when one feasible value alone proves a count cannot be at risk (0, or >= 2m-1:
    an interval holding it either reaches 0 or is too wide / too high to single out a small count)."""
    return value < 0.5 or value >= 2 * min_count - 1


class Infeasible(ValueError):
    """The published numbers contradict each other (or the structure assumed for them)."""


@dataclass(frozen=True)
class Finding:
    """A count a reader can narrow too far: its label, its interval, how it is published."""

    label: str
    lo: int
    hi: int
    shown_as: str  # "hidden" ('..' in a report), "not shown" (never printed) or "shown"

    def __str__(self) -> str:
        return f"{self.label} ({self.shown_as}) can be worked out to lie in {self.lo}–{self.hi}"


@dataclass
class TableSystem:
    """Atoms, structural rows and cells (sets of atoms whose sums are counts)."""

    n_atoms: int = 0
    rows: list[tuple[np.ndarray, np.ndarray, float, float]] = field(default_factory=list)
    cells: list[np.ndarray] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)

    def new_atoms(self, count: int) -> np.ndarray:
        """Reserve ``count`` new atoms; returns their indices."""
        start = self.n_atoms
        self.n_atoms += int(count)
        return np.arange(start, start + int(count))

    def add_row(self, atoms, coefs=1.0, lo: float = 0.0, hi: float | None = None) -> None:
        """Structure: ``lo <= sum(coefs * x[atoms]) <= hi`` (``hi=None``: an equation)."""
        atoms = np.asarray(atoms, dtype=np.int64)
        coefs = np.broadcast_to(np.asarray(coefs, dtype=float), atoms.shape).copy()
        self.rows.append((atoms, coefs, float(lo), float(lo if hi is None else hi)))

    def add_cell(self, atoms, label: str) -> int:
        """A count that is the sum of ``atoms``; returns its index."""
        self.cells.append(np.unique(np.asarray(atoms, dtype=np.int64)))
        self.labels.append(label)
        return len(self.cells) - 1

    def cell_values(self, atoms: np.ndarray) -> np.ndarray:
        """The value of every cell for an atom vector."""
        return np.array([atoms[c].sum() for c in self.cells])

    def violated(self, atoms: np.ndarray) -> int:
        """How many structural rows ``atoms`` breaks (0 for true counts)."""
        return sum(
            1 for a, c, lo, hi in self.rows if not lo - 1e-9 <= float(c @ atoms[a]) <= hi + 1e-9
        )


class Solver:
    """One HiGHS model of a :class:`TableSystem`: structure rows plus one row per cell, the
    cells in ``shown`` fixed to their values and all other cell rows free."""

    def __init__(self, system: TableSystem, shown: dict[int, float]):
        self.system = system
        self.n = system.n_atoms
        rows = [*system.rows, *((c, np.ones(len(c)), -INF, INF) for c in system.cells)]
        self.first_cell_row = len(system.rows)
        matrix = _rows_matrix(rows, self.n).tocsc()
        lo = np.array([r[2] for r in rows], dtype=float)
        hi = np.array([r[3] for r in rows], dtype=float)
        self.shown: dict[int, float] = {}
        for i, v in shown.items():
            lo[self.first_cell_row + i] = hi[self.first_cell_row + i] = float(v)
            self.shown[i] = float(v)
        self.row_lo, self.row_hi, self.matrix = lo, hi, matrix
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.setOptionValue("presolve", "off")  # re-solves start from the last basis
        self.highs.setOptionValue(
            "simplex_strategy", 4
        )  # primal simplex: a new objective keeps the basis feasible
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = self.n, len(rows)
        lp.col_cost_ = np.zeros(self.n)
        lp.col_lower_ = np.zeros(self.n)
        lp.col_upper_ = np.full(self.n, INF)
        lp.row_lower_, lp.row_upper_ = lo, hi
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = matrix.indptr
        lp.a_matrix_.index_ = matrix.indices
        lp.a_matrix_.value_ = matrix.data
        self.highs.passModel(lp)
        self.cell_matrix = _rows_matrix([(c, np.ones(len(c)), 0, 0) for c in system.cells], self.n)
        self._columns = np.arange(self.n, dtype=np.int32)
        self.solves = 0

    # ------------------------------------------------------------------ publishing

    def hide(self, cell: int) -> None:
        """Stop publishing ``cell`` (its row becomes free)."""
        self.shown.pop(cell, None)
        row = self.first_cell_row + cell
        self.row_lo[row], self.row_hi[row] = -INF, INF
        self.highs.changeRowBounds(row, -INF, INF)

    # ------------------------------------------------------------------ solving

    def minimise(self, objective: np.ndarray) -> np.ndarray | None:
        """An integer solution minimising ``objective @ x`` (None when unbounded)."""
        self.solves += 1
        self.highs.changeColsCost(self.n, self._columns, np.asarray(objective, dtype=float))
        self.highs.run()
        status = self.highs.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal:
            x = np.asarray(self.highs.getSolution().col_value)
            if np.abs(x - np.round(x)).max(initial=0.0) < 1e-7:
                return np.round(x)
            return self._integer(objective)
        if status in (
            highspy.HighsModelStatus.kUnbounded,
            highspy.HighsModelStatus.kUnboundedOrInfeasible,
        ):
            return (
                None if status == highspy.HighsModelStatus.kUnbounded else self._integer(objective)
            )
        raise Infeasible(
            f"the published numbers admit no solution ({self.highs.modelStatusToString(status)})"
        )

    def _integer(self, objective: np.ndarray) -> np.ndarray | None:
        """The exact integer optimum (branch and bound) when the LP optimum is fractional."""
        res = milp(
            objective,
            constraints=LinearConstraint(self.matrix, self.row_lo, self.row_hi),
            integrality=np.ones(self.n),
            bounds=Bounds(np.zeros(self.n), np.full(self.n, np.inf)),
        )
        if res.status == 0:
            return np.round(res.x)
        if "unbounded" in str(res.message).lower():
            return None
        raise Infeasible(f"the published numbers admit no solution ({res.message})")

    def value(self, x: np.ndarray | None, cell: int, default: float) -> float:
        return default if x is None else float(x[self.system.cells[cell]].sum())

    def interval(self, cell: int) -> tuple[int, float]:
        """Smallest and largest value of ``cell`` allowed by the structure and the shown cells."""
        obj = np.zeros(self.n)
        obj[self.system.cells[cell]] = 1.0
        lo = self.value(self.minimise(obj), cell, 0.0)
        hi = self.value(self.minimise(-obj), cell, np.inf)
        return int(round(lo)), (hi if np.isinf(hi) else int(round(hi)))

    def check(
        self,
        min_count: int,
        cells: Iterable[int] | None = None,
        witnesses: Sequence[np.ndarray] = (),
        shown_as: Sequence[str] | None = None,
        stable: set[int] | None = None,
    ) -> list[Finding]:
        """The cells (default: every cell not shown) a reader can narrow too far.

        Shown cells are known exactly: a shown 1..min_count-1 is a finding without solving.
        Every solution found is a witness for every cell (:func:`safe_from`, or two values at
        least ``min_count`` apart); a solution minimising, then one maximising the sum of the
        open cells settles most of them, and only the rest get solves of their own.

        ``stable`` (if given) receives the hidden cells that stay safe whatever else is hidden
        later: those whose interval reaches 0, holds a value of ``2 * min_count - 1`` or more, or
        is ``min_count`` wide. (A cell safe only because its smallest value is ``min_count`` or
        more can become at risk when more is hidden: ``[5, 5]`` is safe, ``[3, 5]`` is not.)
        """
        cells = (
            [i for i in range(len(self.system.cells)) if i not in self.shown]
            if cells is None
            else list(cells)
        )
        shown_as = shown_as or ["hidden"] * len(self.system.cells)
        findings = [
            Finding(self.system.labels[i], int(self.shown[i]), int(self.shown[i]), "shown")
            for i in cells
            if i in self.shown and at_risk(self.shown[i], self.shown[i], min_count)
        ]
        open_ = [i for i in cells if i not in self.shown]
        seen_lo = np.full(len(self.system.cells), np.inf)
        seen_hi = np.full(len(self.system.cells), -np.inf)

        def settled(i: int) -> bool:
            return bool(
                np.isfinite(seen_lo[i])
                and (
                    safe_from(seen_lo[i], min_count)
                    or safe_from(seen_hi[i], min_count)
                    or seen_hi[i] - seen_lo[i] >= min_count
                )
            )

        def record(x: np.ndarray | None) -> None:
            if x is None:
                return
            values = self.cell_matrix @ x
            np.minimum(seen_lo, values, out=seen_lo)
            np.maximum(seen_hi, values, out=seen_hi)

        for w in witnesses:
            record(w)
        open_ = [i for i in open_ if not settled(i)]
        for sign in (1.0, -1.0):
            if not open_:
                break
            weights = np.zeros(self.n)
            for i in open_:
                weights[self.system.cells[i]] += sign
            record(self.minimise(weights))
            open_ = [i for i in open_ if not settled(i)]
        unstable = set()
        for i in open_:
            if settled(i):
                continue
            obj = np.zeros(self.n)
            obj[self.system.cells[i]] = 1.0
            x = self.minimise(obj)
            record(x)
            lo = self.value(x, i, 0.0)
            if settled(i):
                continue
            if lo >= min_count:
                unstable.add(i)
                continue
            x = self.minimise(-obj)
            if x is None:
                continue
            record(x)
            hi = self.value(x, i, np.inf)
            if at_risk(lo, hi, min_count):
                findings.append(Finding(self.system.labels[i], int(lo), int(hi), shown_as[i]))
        if stable is not None:
            failed = {f.label for f in findings}
            stable.update(
                i
                for i in cells
                if i not in self.shown and i not in unstable and self.system.labels[i] not in failed
            )
        return findings

    def pinned(self, cells: Iterable[int], witnesses: Sequence[np.ndarray] = ()) -> list[int]:
        """The cells whose value the shown cells determine exactly (a reader knows them anyway).

        Two solutions with different values prove a cell is not pinned; a solution minimising and
        one maximising the sum of the cells settle most, the rest get a solve of their own.
        """
        cells = [i for i in cells if i not in self.shown]
        if not cells:
            return []
        seen_lo = np.full(len(self.system.cells), np.inf)
        seen_hi = np.full(len(self.system.cells), -np.inf)

        def record(x: np.ndarray | None) -> None:
            if x is not None:
                values = self.cell_matrix @ x
                np.minimum(seen_lo, values, out=seen_lo)
                np.maximum(seen_hi, values, out=seen_hi)

        for w in witnesses:
            record(w)
        for sign in (1.0, -1.0):
            weights = np.zeros(self.n)
            for i in cells:
                weights[self.system.cells[i]] += sign
            record(self.minimise(weights))
        out = []
        for i in cells:
            if seen_hi[i] - seen_lo[i] > 0.5:
                continue
            obj = np.zeros(self.n)
            obj[self.system.cells[i]] = 1.0
            low, high = self.minimise(obj), self.minimise(-obj)
            record(low)
            record(high)
            if high is not None and seen_hi[i] - seen_lo[i] < 0.5:
                out.append(i)
        return out

    def show(self, cell: int, value: float) -> None:
        """Publish ``cell`` with ``value`` (its row becomes an equation)."""
        self.shown[cell] = float(value)
        row = self.first_cell_row + cell
        self.row_lo[row] = self.row_hi[row] = float(value)
        self.highs.changeRowBounds(row, float(value), float(value))

    def binding(self, cell: int, maximise: bool = False) -> dict[int, float]:
        """Which shown cells pin ``cell`` at its LP optimum: their non-zero dual values.

        Used by the suppressor to choose what to hide next (the LP relaxation is enough for a
        choice; every result is re-checked with exact integer optima).
        """
        obj = np.zeros(self.n)
        obj[self.system.cells[cell]] = -1.0 if maximise else 1.0
        self.highs.changeColsCost(self.n, self._columns, obj)
        self.highs.run()
        if self.highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return {}
        duals = np.asarray(self.highs.getSolution().row_dual)
        return {
            i: float(duals[self.first_cell_row + i])
            for i in self.shown
            if abs(duals[self.first_cell_row + i]) > 1e-9
        }


def _rows_matrix(rows, n_atoms: int) -> sparse.csr_matrix:
    if not rows:
        return sparse.csr_matrix((0, n_atoms))
    data = np.concatenate([r[1] for r in rows])
    cols = np.concatenate([r[0] for r in rows]).astype(np.int64)
    index = np.repeat(np.arange(len(rows)), [len(r[0]) for r in rows])
    return sparse.csr_matrix((data, (index, cols)), shape=(len(rows), n_atoms))
