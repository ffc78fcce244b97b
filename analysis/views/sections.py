"""The typed blocks a report is made of; a view returns a :class:`Page` of them.

A view (``analysis.views.<report>``) decides what a report shows, in order; it draws nothing and
writes no HTML. :func:`analysis.report.render` turns a page into HTML (every text escaped, every
figure drawn in the report's language and embedded). The blocks are frozen: once a view has
built a page, nothing changes it.

* :class:`Paragraph`, :class:`Note` (small print), :class:`Bullets`: text. A text may be a
  :class:`analysis.privacy.marks.MarkedText`, whose survey numbers keep their privacy marks.
* :class:`Table`: a display frame (localised column names, formatted cells) and a caption; a
  survey table carries its marks in ``frame.attrs`` (:mod:`analysis.privacy.marks`). A cell may
  be a :class:`Link` to another report of the run.
* :class:`Figure`: how to draw it (a function of no arguments returning a matplotlib figure,
  usually ``functools.partial(plots.<chart>, ...)``) and its alt text. It is drawn when rendered.
* :class:`Outline`: a tree as nested lists (a driver diagram: aim, primary and secondary drivers,
  change ideas), the text version of what was a picture of text.
* :class:`Glossary`: the terms a report uses and their definitions; the renderer gives each an
  anchor and links the first use of each term in the page's text to it.
* :class:`Poster`: a team's print-ready A3 poster: a link in the report, its own page and PDF.
* :class:`Section`: a heading (or none) and its blocks, which may be sections one level down.
* :class:`Page`: the report's title and its sections in reading order.

A new kind of block is a new frozen dataclass here, a case in ``analysis.report._render_block``
and a line in the ``Block`` union.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pandas as pd

__all__ = [
    "Block",
    "Link",
    "Bullets",
    "Figure",
    "Glossary",
    "Note",
    "Outline",
    "Page",
    "Paragraph",
    "Poster",
    "Section",
    "Table",
]


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of plain text (escaped when rendered)."""

    text: str


@dataclass(frozen=True)
class Note:
    """A small explanatory note (escaped when rendered)."""

    text: str


@dataclass(frozen=True)
class Bullets:
    """A bulleted list of plain-text items."""

    items: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Table:
    """An aggregate table: a display frame (format numbers and labels before) and a caption."""

    frame: pd.DataFrame
    caption: str | None = None


@dataclass(frozen=True)
class Link:
    """A table cell that links to another report of the same run: ``href`` is a file name in the
    outputs folder (``team_effects_attarp.html``; only ``[A-Za-z0-9_.-]+.html`` is rendered as a
    link, anything else as plain text). Both parts are escaped when rendered."""

    text: str
    href: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, eq=False)
class Figure:
    """A figure: ``draw()`` returns a matplotlib figure (drawn when the page is rendered, in the
    report's language); ``alt`` says what it shows, for a screen reader."""

    draw: Callable[[], Any]
    alt: str


@dataclass(frozen=True)
class Outline:
    """A tree as nested lists: ``items`` are ``(text, children)``, the children items of the same
    shape; ``caption`` names the whole (escaped when rendered)."""

    items: tuple[tuple[str, tuple], ...]
    caption: str | None = None


@dataclass(frozen=True)
class Glossary:
    """Terms and their definitions: ``entries`` are ``(key, term, definition)``; ``lang`` is the
    language whose patterns (:data:`analysis.text.glossary.PATTERNS`) find their uses."""

    entries: tuple[tuple[str, str, str], ...]
    lang: str


@dataclass(frozen=True)
class Poster:
    """The team's print-ready A3 poster (:mod:`analysis.poster`): the report shows a link to it;
    the runner publishes its page as ``<name>.html`` and the PDF printed from it as ``<name>.pdf``.

    ``sections``: ``(heading, lines)`` in the order of the network's template; ``banner``: the
    sample-data warning (None for real data); every text is escaped when rendered."""

    name: str  # file stem in outputs/, e.g. poster_attarp
    title: str  # the team's name
    heading: str  # what the sheet is (one line under the title)
    network: str
    sections: tuple[tuple[str, tuple[str, ...]], ...]
    footer: str
    banner: str | None = None

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "title": self.title,
            "heading": self.heading,
            "network": self.network,
            "sections": [[h, list(lines)] for h, lines in self.sections],
            "footer": self.footer,
            "banner": self.banner,
        }

    @classmethod
    def from_json(cls, data: dict) -> Poster:
        return cls(
            name=str(data["name"]),
            title=str(data["title"]),
            heading=str(data["heading"]),
            network=str(data["network"]),
            sections=tuple((str(h), tuple(str(x) for x in lines)) for h, lines in data["sections"]),
            footer=str(data["footer"]),
            banner=data.get("banner"),
        )


@dataclass(frozen=True, eq=False)
class Section:
    """A heading (level 2 to 4; ``title`` None: no heading) and its blocks in order."""

    title: str | None
    blocks: tuple[Block, ...] = ()
    level: int = 2

    def sub(self, title: str | None, *blocks: Block) -> Section:
        """A section one level below this one (for building nested sections)."""
        return Section(title, tuple(blocks), min(self.level + 1, 4))


Block = Paragraph | Note | Bullets | Table | Figure | Outline | Glossary | Poster | Section


@dataclass(frozen=True, eq=False)
class Page:
    """A whole report: its title and its sections in reading order. ``provenance``: end the
    rendered page with the provenance footer (every published report does)."""

    title: str
    sections: tuple[Section, ...]
    provenance: bool = True

    def blocks(self) -> Iterator[Block]:
        """Every block, depth first, in reading order (sections before their contents)."""

        def walk(blocks):
            for block in blocks:
                yield block
                if isinstance(block, Section):
                    yield from walk(block.blocks)

        yield from walk(self.sections)

    def headings(self) -> list[tuple[int, str]]:
        """``(level, title)`` of every section with a heading, in reading order."""
        return [(b.level, b.title) for b in self.blocks() if isinstance(b, Section) and b.title]

    def tables(self) -> list[Table]:
        """Every table, in reading order."""
        return [b for b in self.blocks() if isinstance(b, Table)]

    def texts(self) -> Iterator[str]:
        """The running text a glossary term can be used (and linked) in, in reading order:
        paragraphs, notes, bullets, table captions and column names (not headings, cells or
        figures)."""
        for block in self.blocks():
            if isinstance(block, Paragraph | Note):
                yield block.text
            elif isinstance(block, Bullets):
                yield from block.items
            elif isinstance(block, Table):
                if block.caption:
                    yield block.caption
                yield from (str(c) for c in block.frame.columns)

    def glossary(self) -> Glossary | None:
        """The page's glossary block, if it has one."""
        return next((b for b in self.blocks() if isinstance(b, Glossary)), None)

    def figures(self) -> list[Figure]:
        """Every figure, in reading order."""
        return [b for b in self.blocks() if isinstance(b, Figure)]
