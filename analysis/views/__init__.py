"""The presentation layer: one view per report, deciding what the report shows, in order.

``analysis.views.<report>.build(ctx) -> Page`` turns a :class:`ReportContext` (dataset, language,
privacy threshold, validated parameters) into typed, frozen blocks (:mod:`.sections`); the
notebook renders them with :func:`analysis.report.render`. A view computes nothing itself (it
calls ``goals``, ``effects``, ``surveys``, ...), draws nothing (a :class:`Figure` holds how to
draw) and writes no HTML.

==================  =========================  ======================================
view                notebook                   reports
==================  =========================  ======================================
``county``          ``county.ipynb``           ``baseline_county``
``team_baseline``   ``team_baseline.ipynb``    ``baseline_<team>``
``survey``          ``survey.ipynb``           ``survey_<survey>``
``team_effects``    ``team_effects.ipynb``     ``team_effects_<team>``
``gap``             ``gap_analysis.ipynb``     ``gap_analysis``
``change_menu``     ``change_menu.ipynb``      ``change_menu``
``explore``         ``explore.ipynb``          (interactive, not in the plan)
==================  =========================  ======================================

Shared blocks live in ``common`` (PDSA log, driver diagram, municipality names),
``survey_tables`` (survey summaries as tables with their privacy marks) and ``stories_spread``
(a measure's spread chart and stories). Naming: ``build(ctx)``
returns the :class:`Page`; ``*_section`` a :class:`Section`; ``*_table`` a display frame (localised
columns, formatted cells); ``*_text``/``*_texts`` a sentence or several. A new report is a new
module here with a ``build``, a thin notebook and an entry in ``workbook.yml`` (see
docs/architecture.md).
"""

from .context import ReportContext
from .sections import Block, Bullets, Figure, Note, Page, Paragraph, Section, Table

__all__ = [
    "Block",
    "Bullets",
    "Figure",
    "Note",
    "Page",
    "Paragraph",
    "ReportContext",
    "Section",
    "Table",
]
