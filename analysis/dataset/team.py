"""One team's slice of a dataset: ``Dataset.team(team_id) -> Team``."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Team:
    """A team's row of teams.csv as typed fields, with its own measures, observations and
    changes (new frames, in the dataset's order)."""

    id: str
    name: str
    municipality_code: str
    focus_area: str
    cohort: int | None
    start_date: pd.Timestamp | None
    aim: str | None  # None when the team has not stated one
    measures: pd.DataFrame
    observations: pd.DataFrame
    changes: pd.DataFrame
    # issue 17, both optional tables (empty frames when the data have none)
    spread: pd.DataFrame | None = None
    stories: pd.DataFrame | None = None

    # a class attribute, not a field: the tables a team has rows of
    TABLES = ("measures", "observations", "changes", "spread", "stories")

    @classmethod
    def of(cls, row: pd.Series, tables) -> Team:
        """The team of ``row`` (of teams.csv) with its rows of ``tables`` (a mapping or an
        object with ``measures``, ``observations`` and ``changes``; ``spread`` and ``stories``
        when it has them)."""
        from ..schemas import empty_frame

        team_id = str(row["team_id"])
        if not isinstance(tables, dict):
            tables = {name: getattr(tables, name) for name in cls.TABLES if hasattr(tables, name)}

        def own(frame: pd.DataFrame) -> pd.DataFrame:
            return frame[frame["team_id"] == team_id].reset_index(drop=True)

        def optional(name: str) -> pd.DataFrame:
            frame = tables.get(name)
            return own(empty_frame(name) if frame is None else frame)

        aim = row.get("aim")
        return cls(
            id=team_id,
            name=str(row["team_name"]),
            municipality_code=str(row["municipality_code"]),
            focus_area=str(row["focus_area"]),
            cohort=None if pd.isna(row["cohort"]) else int(row["cohort"]),
            start_date=None if pd.isna(row["start_date"]) else pd.Timestamp(row["start_date"]),
            aim=aim.strip() if isinstance(aim, str) and aim.strip() else None,
            measures=own(tables["measures"]),
            observations=own(tables["observations"]),
            changes=own(tables["changes"]),
            spread=optional("spread"),
            stories=optional("stories"),
        )
