"""``load_dataset(folder) -> Dataset``: read, validate, type; build ``data/processed``.

INTERFACE FIXED BY THE LEAD (other modules rely on it); the implementation is being written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd


@dataclass(frozen=True)
class Dataset:
    """Typed, validated tables of one data folder (data/raw or data/sample).

    Column types after loading (pandas 3):
    * municipalities: municipality_code (str, 4 digits), municipality_name (str), in_network (bool)
    * teams: team_id, team_name, municipality_code, focus_area (str), cohort (Int64),
      start_date (datetime64), aim (str, may be NA)
    * measures: measure_id, team_id, measure_name, measure_type, chart, unit, frequency,
      direction (str), target (float, NaN when none)
    * observations: team_id, measure_id (str), period (datetime64), value, numerator,
      denominator (float, NaN when not used), subgroup (str, may be NA); sorted by team, measure, period
    * changes: team_id (str), change_no (Int64), date (datetime64), title, pdsa_step
      (plan/do/study/act), measures (str, comma-separated ids), description (str, may be NA)
    * indicators: kpi, municipality_code (str), period (Int64), gender (T/K/M), value (float)
    * kpis: kpi, title_sv, title_en, unit, direction, focus_area
    * goals: goal_id, title_sv, title_en, kind, source, municipality_code, baseline_year (Int64),
      pp_per_year (float), years (Int64), target_value (float), deadline (datetime64), direction
    Optional tables that are absent are empty frames with these columns.
    """

    folder: Path
    is_sample: bool
    municipalities: pd.DataFrame
    teams: pd.DataFrame
    measures: pd.DataFrame
    observations: pd.DataFrame
    changes: pd.DataFrame
    indicators: pd.DataFrame
    kpis: pd.DataFrame
    goals: pd.DataFrame
    files: dict[str, str] = field(default_factory=dict)  # relative path -> sha256 of every input file
    surveys: tuple[str, ...] = ()  # survey ids: the folders under surveys/
    drivers: tuple[str, ...] = ()  # team ids with a drivers/<team_id>.yml

    @property
    def source(self) -> str:
        return "sample" if self.is_sample else "raw"


def load_dataset(folder: str | Path | None = None) -> Dataset:
    """Read and validate every table of ``folder`` (default: the folder workbook.yml selects).

    Raises ``analysis.io.DataError`` listing every problem (file, row, column, what to do).
    """
    raise NotImplementedError("being written")


def check_folder(folder: str | Path) -> list:
    """Return every problem of ``folder`` as ``analysis.io.Problem`` (empty when all is well).

    Used by ``workbook check``. Includes the survey folders (``analysis.surveys.check_survey``).
    """
    raise NotImplementedError("being written")
