"""Marks on published survey numbers, so that the auditor can read a rendered report.

Every survey count a report prints (a count, a share with its base, "x av N", a "vet ej" line)
carries in its HTML element which cell it is and, when shown, its exact value, in one attribute
``data-cell`` of space-separated fields (:func:`encode`, :func:`decode`)::

    KEY VALUE [ROLE [BASE-KEY BASE-VALUE]]
    data-cell="pupils:sleeps_well:1:wave=sep 110 share :_base 1468"

``KEY`` is a :class:`analysis.surveys.cells.CellKey` written ``survey:question:category`` and,
for a group, ``:dim=value,dim=value`` (each part percent-encoded, so a ``:``, ``,``, ``=``,
space or quote in a code cannot break it); ``VALUE`` the count, ``.`` when hidden (``..``);
``ROLE`` one of :data:`ROLES` (left out for a plain count); for a share its base's key and value,
the key written ``:category`` when it is the same survey, question and group. In a survey table
(``<table data-survey="pupils">``) a key may leave its survey out (``:sleeps_well:1:wave=sep``):
it is the table's. The JSON of the
first version (``data-cell`` as JSON with ``data-n``, ``data-role``, ``data-base-cell``,
``data-base``) was six times as long: a third of the pupil report's tables; it is still read.
The auditor (:mod:`analysis.privacy.audit`) reads these and nothing else from the code that made
the report; it assumes a reader knows every shown count exactly, the strongest reader (shares
with their bases and intervals usually give the count anyway).

Tables carry their marks in ``frame.attrs["marks"]`` (``{(row position, column): Mark}``);
sentences with numbers are :class:`MarkedText`. :func:`analysis.report.table` and
:func:`analysis.report.paragraph` render them.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import quote, unquote

ROLES = ("n", "share", "share_ci", "x_of_n", "derived")
HIDDEN = "."  # the value field of a hidden count

__all__ = ["HIDDEN", "ROLES", "Mark", "MarkedText", "decode", "encode", "marked", "read_attributes"]


def _part(value: object) -> str:
    return quote(str(value), safe="")


def _compact_key(cell: str, survey: str | None = None) -> tuple[str, dict]:
    """``cell`` (``CellKey.to_json()``) as ``survey:question:category[:dim=v,...]`` (the survey
    left out when it is ``survey``, the enclosing table's), and its fields."""
    data = json.loads(cell)
    text = ":".join(
        "" if k == "s" and data[k] == survey else _part(data[k]) for k in ("s", "q", "c")
    )
    group = data.get("g") or {}
    if group:
        text += ":" + ",".join(f"{_part(k)}={_part(v)}" for k, v in group.items())
    return text, data


def _key_json(text: str, relative_to: dict | None = None, survey: str | None = None) -> str:
    """The ``CellKey.to_json()`` of a compact key (``:category`` relative to ``relative_to``;
    ``:question:category...`` in the survey ``survey``, the enclosing table's)."""
    parts = text.split(":")
    if len(parts) == 2 and not parts[0]:
        if relative_to is None:
            raise ValueError(f"a relative key {text!r} without a cell")
        data = {**relative_to, "c": unquote(parts[1])}
    else:
        if len(parts) in (3, 4) and not parts[0] and survey:
            parts[0] = quote(survey, safe="")
        if len(parts) not in (3, 4) or not all(parts[:3]):
            raise ValueError(f"not a cell key: {text!r}")
        group = {}
        if len(parts) == 4 and parts[3]:
            for item in parts[3].split(","):
                dim, sep, value = item.partition("=")
                if not sep:
                    raise ValueError(f"not a group in {text!r}: {item!r}")
                group[unquote(dim)] = unquote(value)
        data = {"s": unquote(parts[0]), "q": unquote(parts[1]), "c": unquote(parts[2]), "g": group}
    return json.dumps(
        {"s": data["s"], "q": data["q"], "c": data["c"], "g": data.get("g") or {}},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _value(text: str) -> int | None:
    return None if text == HIDDEN else int(text)


def encode(mark: Mark, survey: str | None = None) -> str:
    """The ``data-cell`` value of ``mark`` (see the module's docstring); ``survey``: the survey
    of the enclosing table (``data-survey``), which its keys then leave out."""
    key, data = _compact_key(mark.cell, survey)
    fields = [key, HIDDEN if mark.n is None else str(int(mark.n))]
    if mark.role != "n" or mark.base_cell is not None:
        fields.append(mark.role)
    if mark.base_cell is not None:
        base, base_data = _compact_key(mark.base_cell, survey)
        same = all(base_data.get(k) == data.get(k) for k in ("s", "q")) and (
            base_data.get("g") or {}
        ) == (data.get("g") or {})
        fields += [":" + _part(base_data["c"]) if same else base]
        fields.append(HIDDEN if mark.base is None else str(int(mark.base)))
    return " ".join(fields)


def decode(value: str, survey: str | None = None) -> Mark:
    """The :class:`Mark` of a ``data-cell`` value (``survey``: the enclosing table's
    ``data-survey``); ``ValueError`` when it is not one."""
    fields = value.split(" ")
    if len(fields) not in (2, 3, 5):
        raise ValueError(f"not a mark: {value!r}")
    cell = _key_json(fields[0], survey=survey)
    role = fields[2] if len(fields) > 2 else "n"
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r} in {value!r}")
    base_cell = base = None
    if len(fields) == 5:
        base_cell = _key_json(fields[3], json.loads(cell), survey)
        base = _value(fields[4])
    return Mark(cell, _value(fields[1]), role, base_cell, base)


def read_attributes(attrs: Mapping[str, str | None], survey: str | None = None) -> Mark:
    """The :class:`Mark` of an element's attributes: the compact ``data-cell`` (``survey``: the
    enclosing table's ``data-survey``), or the first version's JSON ``data-cell`` with
    ``data-n``, ``data-role``, ``data-base-cell``, ``data-base`` (pages built before).
    ``ValueError`` when it is neither."""
    value = attrs.get("data-cell") or ""
    if value.startswith("{"):

        def number(name: str) -> int | None:
            text = attrs.get(name)
            return None if text in (None, "") else int(text)

        return Mark(
            value,
            number("data-n"),
            attrs.get("data-role") or "n",
            attrs.get("data-base-cell"),
            number("data-base"),
        )
    return decode(value, survey)


@dataclass(frozen=True)
class Mark:
    """Which survey cell a printed number is, and its value when shown (``None``: hidden)."""

    cell: str  # CellKey.to_json()
    n: int | None
    role: str = "n"
    base_cell: str | None = None
    base: int | None = None

    def attributes(self, survey: str | None = None) -> str:
        """The HTML attribute (escaped) of the element showing the number: ``data-cell``
        (``survey``: the survey of the enclosing table, which the keys then leave out)."""
        return f'data-cell="{html.escape(encode(self, survey), quote=True)}"'


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
