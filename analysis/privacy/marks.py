"""Marks on published survey numbers, so that the auditor can read a rendered report.

Every survey count a report prints (a count, a share with its base, "x av N", a "vet ej" line)
carries in its HTML element which cell it is and, when shown, its exact value:
``data-cell`` (a :class:`analysis.surveys.cells.CellKey` as JSON), ``data-n``, ``data-role`` and,
for a share, ``data-base-cell`` and ``data-base``. A hidden cell (``..``) carries its key and no
value. The auditor (:mod:`analysis.privacy.audit`) reads these and nothing else from the code
that made the report; it assumes a reader knows every shown count exactly, the strongest reader
(shares with their bases and intervals usually give the count anyway).

Tables carry their marks in ``frame.attrs["marks"]`` (``{(row position, column): Mark}``);
sentences with numbers are :class:`MarkedText`. :func:`analysis.report.table` and
:func:`analysis.report.paragraph` render them.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass

ROLES = ("n", "share", "share_ci", "x_of_n", "derived")

__all__ = ["ROLES", "Mark", "MarkedText", "marked"]


@dataclass(frozen=True)
class Mark:
    """Which survey cell a printed number is, and its value when shown (``None``: hidden)."""

    cell: str  # CellKey.to_json()
    n: int | None
    role: str = "n"
    base_cell: str | None = None
    base: int | None = None

    def attributes(self) -> str:
        """The HTML attributes (escaped) of the element showing the number."""
        parts = [f'data-cell="{html.escape(self.cell, quote=True)}"', f'data-role="{self.role}"']
        if self.n is not None:
            parts.append(f'data-n="{int(self.n)}"')
        if self.base_cell is not None:
            parts.append(f'data-base-cell="{html.escape(self.base_cell, quote=True)}"')
            if self.base is not None:
                parts.append(f'data-base="{int(self.base)}"')
        return " ".join(parts)


class MarkedText(str):
    """A sentence whose numbers are marked: ``parts`` are plain strings or ``(text, Mark)``."""

    parts: tuple

    def __new__(cls, parts: Iterable):
        parts = tuple(parts)
        self = super().__new__(cls, "".join(p if isinstance(p, str) else p[0] for p in parts))
        self.parts = parts
        return self

    def to_html(self, escape=html.escape) -> str:
        return "".join(
            escape(p) if isinstance(p, str) else f"<span {p[1].attributes()}>{escape(p[0])}</span>"
            for p in self.parts
        )


def marked(template, **values) -> MarkedText:
    """Format ``template`` (a ``str.format`` string, or a function of the values such as
    ``lambda **v: t("key", lang, **v)``) where a value may be ``(text, Mark)``."""
    sentinel = "\x00{}\x00"
    plain = {k: (sentinel.format(k) if isinstance(v, tuple) else v) for k, v in values.items()}
    text = template(**plain) if callable(template) else template.format(**plain)
    parts: list = []
    for i, piece in enumerate(text.split("\x00")):
        if i % 2 == 1 and piece in values and isinstance(values[piece], tuple):
            parts.append(values[piece])
        elif piece:
            parts.append(piece)
    return MarkedText(parts)
