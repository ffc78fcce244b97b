"""Secondary suppression over a whole system of tables (every number a set of reports publishes).

Primary suppression hides the small counts; secondary suppression hides enough *other* cells that
no hidden (or never shown) count can be narrowed too far by differencing (the rule of
:func:`analysis.privacy.intervals.at_risk`). The method, in the spirit of the statistical
agencies' cell-suppression programs (tau-ARGUS' "optimal" and "modular" methods, Fischetti &
Salazar-González 2001), with a greedy choice instead of a full integer program:

1. check every sensitive cell with exact integer intervals (:meth:`Solver.check`);
2. for each cell at risk, take the shown cells that pin it (non-zero duals of the LP that
   minimises it: hiding one of them is what can loosen it) and hide the cheapest, counting a cell
   that pins several cells at risk once for all of them (cost: the caller's tier, then the count
   itself, so a small complementary cell in the same row and column goes first, as in the
   hypercube method, and overall totals last);
3. repeat until nothing is at risk. Hiding more only widens every interval, so the loop ends, and
   its result is checked exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np

from .intervals import Finding, Solver, TableSystem

__all__ = ["protect"]
_DEBUG = False


def protect(
    system: TableSystem,
    values: np.ndarray,
    published: Iterable[int],
    hidden: Iterable[int],
    sensitive: Iterable[int],
    min_count: int,
    cost: Sequence[float],
    coupled: Callable[[int], Iterable[int]] = lambda i: (),
    truth: np.ndarray | None = None,
    fixed: Iterable[int] = (),
    may_show: Callable[[int, set[int]], bool] = lambda i, hidden: True,
    max_rounds: int = 200,
) -> tuple[set[int], list[Finding]]:
    """Choose which published cells to hide so that no sensitive cell is at risk.

    Parameters
    ----------
    system
        Atoms, structure and cells.
    values
        The true value of every cell.
    published
        Cells the reports may show.
    hidden
        Cells hidden by the primary rule (a subset of ``published``).
    sensitive
        Cells that must not be narrowed too far (hidden or never shown).
    cost
        Cost of hiding each cell; a candidate costs the sum over the cells hidden with it.
    coupled
        Cells that must be hidden with a cell (a share cannot be shown without its base).
    truth
        The true atoms: a feasible solution, so every cell whose true value is 0 or large is
        settled without solving.
    fixed
        Published cells that are always shown (never chosen as complements).
    may_show
        Whether a hidden cell may be shown again given the others hidden (a share needs its base).
        At the end, every hidden cell the shown cells determine exactly is shown again: hiding
        a number a reader can work out protects nothing (the ``..`` of issue 13's "Obesvarad").

    Returns
    -------
    (hidden cells, findings left) -- the findings are empty unless nothing more can be hidden.
    """
    published = list(dict.fromkeys(published))
    fixed = set(fixed)
    hidden = _close(set(hidden), coupled)
    solver = Solver(system, {i: float(values[i]) for i in published if i not in hidden})
    sensitive = set(sensitive)
    witnesses = [truth] if truth is not None else []
    findings: list[Finding] = []
    passed: set[int] = set()  # safe whatever is hidden later (Solver.check, ``stable``)
    for _ in range(max_rounds):
        check = [
            i
            for i in sensitive
            if i not in passed and (i not in solver.shown or 1 <= values[i] <= min_count - 1)
        ]
        index = {system.labels[i]: i for i in check}
        findings = solver.check(min_count, cells=check, witnesses=witnesses, stable=passed)
        if not findings:
            return _show_pinned(solver, hidden, values, witnesses, may_show), []
        pins = {}
        for f in findings:
            i = index[f.label]
            if (
                i in solver.shown
            ):  # a shown small count: hide it (cannot happen after the primary rule)
                pins[i] = {i: 1.0}
                continue
            duals = solver.binding(i) or solver.binding(i, maximise=True)
            pins[i] = {c: d for c, d in duals.items() if c not in fixed}

        def price(c: int) -> float:
            return float(sum(cost[d] for d in _close({c}, coupled) if d not in hidden))

        bound_by: dict[int, int] = {}
        for duals in pins.values():
            for c in duals:
                bound_by[c] = bound_by.get(c, 0) + 1
        chosen = set()
        for i, duals in pins.items():
            if not duals:
                continue
            if any(c in chosen for c in duals):
                continue  # already loosened this round
            best = min(duals, key=lambda c: (price(c) / bound_by[c], values[c], c))
            chosen.add(best)
            if _DEBUG:
                print(
                    "for",
                    system.labels[i],
                    "hide",
                    system.labels[best],
                    "of",
                    [system.labels[c] for c in duals],
                )
        if not chosen:
            return hidden, findings  # nothing pins them: the structure itself does
        for c in _close(chosen, coupled):
            if c not in hidden:
                hidden.add(c)
                solver.hide(c)
    return hidden, findings


def _show_pinned(
    solver: Solver, hidden: set[int], values: np.ndarray, witnesses, may_show
) -> set[int]:
    """Show again the hidden cells whose value the rest determines (their value is known anyway:
    adding it changes no interval)."""
    for i in solver.pinned(sorted(hidden), witnesses):
        if may_show(i, hidden):
            hidden.discard(i)
            solver.show(i, float(values[i]))
    return hidden


def _close(cells: set[int], coupled: Callable[[int], Iterable[int]]) -> set[int]:
    out = set(cells)
    todo = list(cells)
    while todo:
        for c in coupled(todo.pop()):
            if c not in out:
                out.add(c)
                todo.append(c)
    return out
