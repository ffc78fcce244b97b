"""Data-entry templates for teams: an ``.xlsx`` a team fills in, read back as a data source.

``write_template(dataset, path, team_id)`` writes the template of a team (``team_id=None``: a
new team); a filled template dropped into ``<data folder>/teams/`` is read beside the main tables
by ``analysis.dataset`` (:func:`merge_team_templates`). The layout both sides share is in
:mod:`.layout`; the format for users is in data/raw/README.md.
"""

from .read import TEAM_TABLES, merge_team_templates, read_template
from .write import TemplateError, build_template, expected_periods, write_template

__all__ = [
    "TEAM_TABLES",
    "TemplateError",
    "build_template",
    "expected_periods",
    "merge_team_templates",
    "read_template",
    "write_template",
]
