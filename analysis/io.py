"""Reading exports as people really have them; every problem names file, row and column."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, said so that a person can fix it.

    ``row`` is the row as Excel shows it (header = row 1), ``None`` when the problem is the
    whole file or a whole column.
    """

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    hint: str = ""

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        text = f"{where}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


class DataError(ValueError):
    """Input data is wrong. ``problems`` lists every problem found, not only the first."""

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem(file="", message=problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
