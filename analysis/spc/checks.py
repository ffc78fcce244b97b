"""The checks of ``spc.chart``'s input, each with a message a person can act on."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..io import DataError, Problem
from .kinds import COUNT_KINDS, KIND_NAMES, KINDS, KINDS_WITH_N
from .rules import RULES

MAX_PROBLEMS = 20  # rows named per problem; the rest are counted


def check_args(data, y, n, x, kind, rules, by, part, exclude, notes) -> str:
    """Check the arguments of ``chart`` (types, known kind and rules, columns present, a
    denominator where the kind needs one, some data); return the kind in lower case."""
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, not {type(data).__name__}")
    kind = str(kind).lower()
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if rules not in RULES:
        raise ValueError(f"rules must be one of {', '.join(RULES)}, not {rules!r}")
    cols = [y, n, x, notes, *([by] if isinstance(by, str) else list(by or []))]
    if isinstance(part, str):
        cols.append(part)
    if isinstance(exclude, str):
        cols.append(exclude)
    missing = [c for c in cols if c is not None and c not in data.columns]
    if missing:
        raise ValueError(
            f"column(s) {', '.join(map(repr, missing))} not in the data "
            f"(columns: {', '.join(map(str, data.columns))})"
        )
    if kind in KINDS_WITH_N and n is None:
        raise ValueError(f"{KIND_NAMES[kind]} needs a denominator: pass n='<column>'")
    if len(data) == 0:
        raise ValueError(f"{KIND_NAMES[kind]} needs data, and the frame is empty")
    return kind


def numeric(frame: pd.DataFrame, col: str, source: str) -> np.ndarray:
    """Column ``col`` as floats (empty cells NaN); text that is not a number is a ``DataError``."""
    values = pd.to_numeric(frame[col], errors="coerce")
    bad = (values.isna() & frame[col].notna()).to_numpy()
    if bad.any():
        raise DataError(row_problems(frame, bad, col, source, "not a number"))
    return values.to_numpy(dtype=float, na_value=np.nan)


def row_problems(frame, bad, col, source, message) -> list[Problem]:
    """One ``Problem`` per bad row (the row as Excel numbers it), at most ``MAX_PROBLEMS``."""
    pos = np.flatnonzero(bad)
    problems = []
    for p in pos[:MAX_PROBLEMS]:
        label = frame.index[p]
        row = int(label) + 2 if isinstance(label, (int, np.integer)) else int(p) + 2
        value = frame[col].iloc[p]
        problems.append(Problem(source, f"{message} (value {value!r})", row=row, column=col))
    if len(pos) > MAX_PROBLEMS:
        problems.append(
            Problem(source, f"... and {len(pos) - MAX_PROBLEMS} more rows like these", column=col)
        )
    return problems


def validate_values(frame, kind, y, n, yv, nv, source) -> None:
    """Values the kind cannot chart: negative counts or denominators, a numerator above its
    denominator, a denominator of 0, a T chart's time that is not positive."""
    problems: list[Problem] = []
    if kind in COUNT_KINDS:
        problems += row_problems(frame, yv < 0, y, source, "negative count")
    if n is not None:
        problems += row_problems(frame, nv < 0, n, source, "negative denominator")
        if kind in ("p", "pp"):
            problems += row_problems(
                frame, yv > nv, y, source, f"numerator larger than the denominator '{n}'"
            )
        problems += row_problems(
            frame,
            (nv == 0) & ~np.isnan(yv),
            n,
            source,
            "denominator 0 (leave the row empty if nothing was measured)",
        )
    if kind == "t":
        problems += row_problems(
            frame, yv <= 0, y, source, "a T chart needs times between events greater than 0"
        )
    if problems:
        raise DataError(problems)


class TooFewPoints(ValueError):
    """A part's baseline has too few points (or no moving range) for this chart kind."""


def too_few_message(
    kind, need, segs, count, seg_first, part_label, by_points, consecutive=False
) -> str:
    """The error for parts whose baseline is too short: which parts (series and part), how many
    points each has and how many the kind needs."""
    where = []
    for s in segs[:5]:
        desc = f"part {part_label[s]!s}"
        if by_points is not None:
            row = by_points.iloc[seg_first[s]]
            desc = ", ".join(f"{c}={row[c]!s}" for c in by_points.columns) + f", {desc}"
        where.append(f"{desc} has {count[s]}")
    more = f" (and {len(segs) - 5} more)" if len(segs) > 5 else ""
    what = {"xbar": "subgroups of at least 2 values", "s": "subgroups of at least 2 values"}.get(
        kind, "points with a value"
    )
    if consecutive:
        return (
            f"{KIND_NAMES[kind]} needs at least two consecutive baseline points with a value "
            f"(one moving range) in each part; " + "; ".join(where) + more
        )
    return (
        f"{KIND_NAMES[kind]} needs at least {need} {what} in the baseline of each part; "
        + "; ".join(where)
        + more
    )
