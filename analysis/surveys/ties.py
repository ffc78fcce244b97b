"""Which surveys belong to a team's report: the codebook says it (``teams:`` and/or
``municipality_code:``), and the survey was fielded in the team's period.

Rule (docs/surveys.md, "Which team reports show a survey"):

* a survey is *tied* to a team when the codebook lists the team under ``teams:`` or the team's
  municipality under ``municipality_code:`` (the region, 0006, ties the county-wide teams only);
  a survey tied to nothing is shown in its own survey report only;
* the team's period runs from its start (``start_date`` in teams.csv, or its first observation
  or change when earlier) to its last observation or change (open when it has none yet);
* a tied survey is shown when its fielding (``fielded:``, per wave or for the survey) overlaps
  the team's period; a survey without dates is shown, and the report says it is undated.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from .codebook import Codebook

__all__ = ["TIE_COLUMNS", "team_period", "team_surveys"]

TIE_COLUMNS = [
    "survey_id",
    "tie",
    "fielded_from",
    "fielded_to",
    "period_from",
    "period_to",
    "status",
    "shown",
]


def team_period(team) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """The first and last day of a team's period (a ``Dataset.team``): from the earliest of its
    start date, first observation and first change, to its last observation or change (None:
    open, no data yet)."""
    dates = [
        pd.Timestamp(d)
        for d in (
            *team.observations.get("period", pd.Series(dtype="datetime64[ns]")),
            *team.changes.get("date", pd.Series(dtype="datetime64[ns]")),
        )
        if pd.notna(d)
    ]
    starts = dates + ([team.start_date] if team.start_date is not None else [])
    return (min(starts) if starts else None), (max(dates) if dates else None)


def team_surveys(team, codebooks: Mapping[str, Codebook]) -> pd.DataFrame:
    """The surveys tied to ``team`` (a ``Dataset.team``), one row each, in the order of
    ``codebooks``: ``tie`` ("team" when listed under ``teams:``, else "municipality"),
    when it was fielded, the team's period, ``status`` ("in_period", "undated", "before" or
    "after" the period) and ``shown`` (in period or undated)."""
    start, end = team_period(team)
    rows = []
    for survey_id, codebook in codebooks.items():
        if team.id in codebook.teams:
            tie = "team"
        elif team.municipality_code in codebook.municipality_codes:
            tie = "municipality"
        else:
            continue
        fielded = codebook.fielded
        first, last = (
            (None, None)
            if fielded is None
            else (pd.Timestamp(fielded[0]), pd.Timestamp(fielded[1]))
        )
        if fielded is None:
            status = "undated"
        elif start is not None and last < start:
            status = "before"
        elif end is not None and first > end:
            status = "after"
        else:
            status = "in_period"
        rows.append(
            {
                "survey_id": survey_id,
                "tie": tie,
                "fielded_from": first,
                "fielded_to": last,
                "period_from": start,
                "period_to": end,
                "status": status,
                "shown": status in ("in_period", "undated"),
            }
        )
    return pd.DataFrame(rows, columns=TIE_COLUMNS)
