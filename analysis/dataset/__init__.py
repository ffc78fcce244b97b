"""``load_dataset(folder) -> Dataset``: read, validate, type; build ``data/processed``.

Checks, all reported at once (``DataError.problems``), each with file, Excel row and column:

* per file (:mod:`analysis.io`): empty file, bytes that are neither UTF-8 nor Windows-1252,
  mixed encodings, rows longer than the header, unnamed or duplicate column names;
* per table (:mod:`analysis.schemas`): missing or misspelt columns, cells that are not numbers,
  whole numbers, years, dates or 1/0, blank required cells, values outside the allowed choices,
  ids that are not ``[a-z0-9_]+``, municipality codes that are not 4 digits, negative or
  fractional counts, denominator 0, out-of-range years and targets;
* across tables (here): missing required files, duplicate ids and duplicate rows, unknown team
  ids, unknown measure ids (observations and the ``measures`` list of changes), unknown
  municipality codes, numerator > denominator for p/pp charts, missing value or numerator/
  denominator for the measure's chart, periods that are not the first day of the month / a
  Monday, goals lacking the fields of their kind or pointing at an unknown KPI or survey,
  indicators of an unknown KPI, indicators without kpis; spread rows of an unknown team or of a
  change the team's log does not have, a unit recorded twice on one date; stories of an unknown
  team or beside a measure the team does not have (a blank consent and a teller that is not a
  role are contract errors).
"""

from __future__ import annotations

import json
import os
import re
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from .. import schemas
from ..io import (
    DataError,
    Problem,
    atomic_dir,
    code_hash,
    find_table,
    read_table_problems,
    sha256,
    sort_problems,
)
from . import reads as _reads
from .checks import _suggest, cross_checks, plausibility, spread_story_checks
from .series import measure_series  # noqa: F401  (public)
from .team import Team

TABLE_NAMES = schemas.REQUIRED_TABLES + schemas.OPTIONAL_TABLES
# attributes whose reading a running report records (analysis.dataset.reads): name -> input
_RECORDED = {
    **{name: f"table:{name}" for name in TABLE_NAMES},
    "surveys": "list:surveys",
    "driver_teams": "list:drivers",
}
KOLADA_DIR = Path("data/kolada")
MANIFEST = "manifest.json"
SKIP_NAMES = frozenset({"README.md", ".gitkeep", ".DS_Store", "Thumbs.db"})


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
    * meetings: meeting_date (datetime64), title (str, may be NA)
    * assessments: team_id (str), meeting_date (datetime64), score (float), comment (str, may be NA)
    * spread: team_id (str), change_no (Int64), date (datetime64), unit (str), adopted (bool)
    * stories: team_id, date, title, text, teller (a role), consent (bool), measure_id (str, may
      be NA), period (datetime64, may be NaT)
    Optional tables that are absent are empty frames with these columns.

    While a report runs, its reads are recorded (:mod:`analysis.dataset.reads`): a whole table
    (``ds.observations``) is the input ``table:observations``, ``ds.team(id)`` is ``team:<id>``
    (that team's rows only), ``ds.survey(id)`` ``survey:<id>``, ``ds.drivers(id)``
    ``drivers:<id>``. The runner rebuilds a report only when an input it read has changed.
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
    meetings: pd.DataFrame
    assessments: pd.DataFrame
    spread: pd.DataFrame  # optional spread.csv (issue 17): units adopting a team's change
    stories: pd.DataFrame  # optional stories.csv (issue 17): stories beside the measures
    files: dict[str, str] = field(
        default_factory=dict
    )  # relative path -> sha256 of every input file
    surveys: tuple[str, ...] = ()  # survey ids: the folders under surveys/
    driver_teams: tuple[str, ...] = ()  # team ids with a drivers/<team_id>.yml
    processed: Path | None = None  # folder of the typed parquet files (None: not written)
    # the tables are those of processed/ (not replaced by with_tables): the hashes of its inputs
    # may be kept there (reads.input_hashes; every report of a run needs the same ones)
    _as_processed: bool = field(default=False, repr=False, compare=False)
    # surveys read once per dataset (and its copies): survey id -> analysis.surveys.Survey
    _surveys: dict = field(default_factory=dict, repr=False, compare=False)
    # codebooks read once per dataset: survey id -> analysis.surveys.Codebook (a team report
    # asks for every survey's codebook twice: ~0.3 s a report at county scale before)
    _codebooks: dict = field(default_factory=dict, repr=False, compare=False)
    # table name -> (the table, its rows by team, no rows, whether every team is grouped or only
    # the first one asked for): Dataset.team's grouping
    _by_team: dict = field(default_factory=dict, repr=False, compare=False)

    def __getattribute__(self, name: str):
        if name in _RECORDED:
            _reads.record(_RECORDED[name])
        return object.__getattribute__(self, name)

    def _raw(self, name: str):
        """An attribute read by the dataset itself (not recorded as a read of the report)."""
        return object.__getattribute__(self, name)

    @staticmethod
    def table_names() -> tuple[str, ...]:
        return TABLE_NAMES

    @property
    def source(self) -> str:
        return "sample" if self.is_sample else "raw"

    def table(self, name: str) -> pd.DataFrame:
        """The table called ``name`` (one of municipalities ... goals)."""
        if name not in TABLE_NAMES:
            raise KeyError(f"unknown table {name!r}; known: {', '.join(TABLE_NAMES)}")
        return getattr(self, name)

    def has_team(self, team_id: str) -> bool:
        """Whether the data hold the team ``team_id`` (records ``team:<id>``: a report that
        checks its team depends on that team's rows, not on the whole teams table)."""
        _reads.record(f"team:{team_id}")
        return team_id in set(self._raw("teams")["team_id"].astype(str))

    def has_survey(self, survey_id: str) -> bool:
        """Whether ``surveys/<survey_id>`` exists (records ``survey:<id>``)."""
        _reads.record(f"survey:{survey_id}")
        return survey_id in self._raw("surveys")

    def measures_of(self, team_id: str) -> pd.DataFrame:
        """The measures of one team (a new frame)."""
        return self.measures[self.measures["team_id"] == team_id].reset_index(drop=True)

    def team(self, team_id: str) -> Team:
        """One team: its row of teams.csv as typed fields, and its measures, observations and
        changes. An unknown id is a ``KeyError`` naming the known ones."""
        _reads.record(f"team:{team_id}")
        teams = self._raw("teams")
        rows = teams[teams["team_id"] == team_id]
        if rows.empty:
            known = ", ".join(teams["team_id"].astype(str)) or "none"
            raise KeyError(f"no team {team_id!r} in {self.folder}; known teams: {known}")
        return Team.of(rows.iloc[0], {name: self._team_rows(name, team_id) for name in Team.TABLES})

    def _team_rows(self, name: str, team_id: str) -> pd.DataFrame:
        """The rows of table ``name`` of one team, from one grouping of the table per dataset (a
        county report asks for 100 teams: filtering the whole table each time was most of its
        work). Kept with the very frame it was made from, so a copy of the dataset with another
        table (``with_tables``) never sees another table's rows."""
        frame = self._raw(name)
        kept = self._by_team.get(name)
        if kept is None or kept[0] is not frame:
            # a team report asks for one team: its rows alone (grouping every team's rows costs
            # ~30 ms a report at county scale); the second team asked for groups them all
            kept = (frame, {team_id: frame[frame["team_id"] == team_id]}, frame.iloc[0:0], False)
            self._by_team[name] = kept
        elif team_id not in kept[1] and not kept[3]:
            groups = dict(tuple(frame.groupby("team_id", sort=False, observed=True)))
            kept = (frame, groups, frame.iloc[0:0], True)
            self._by_team[name] = kept
        return kept[1].get(team_id, kept[2])

    def survey_dir(self, survey_id: str) -> Path:
        """The folder of a survey: ``<folder>/surveys/<survey_id>``."""
        return Path(self.folder) / "surveys" / survey_id

    def survey(self, survey_id: str):
        """The survey ``survey_id`` read and validated (``analysis.surveys.load_survey``), once
        per dataset. An id that is not a folder under ``surveys/`` is a ``KeyError``."""
        _reads.record(f"survey:{survey_id}")
        if survey_id not in self._raw("surveys"):
            known = ", ".join(self._raw("surveys")) or "none"
            raise KeyError(f"no survey {survey_id!r} in {self.folder}/surveys; surveys: {known}")
        if survey_id not in self._surveys:
            from ..surveys import load_survey

            self._surveys[survey_id] = load_survey(self.survey_dir(survey_id))
        return self._surveys[survey_id]

    def survey_source(self, survey_id: str) -> tuple[str, dict[str, str]]:
        """The folder of survey ``survey_id`` and the sha256 of each of its files: what a result
        computed from the survey's files alone is kept by (``analysis.memo``), so that a kept
        result does not read the survey. Records ``survey:<id>``: the report depends on the
        survey's answers as if it had read them."""
        _reads.record(f"survey:{survey_id}")
        prefix = f"surveys/{survey_id}/"
        files = {k: v for k, v in self._raw("files").items() if k.startswith(prefix)}
        return str(self.survey_dir(survey_id)), files

    def codebook(self, survey_id: str):
        """The codebook of survey ``survey_id`` (``analysis.surveys.load_codebook``), without
        reading its export: the questions, waves, and which teams it is tied to."""
        # the codebook alone: it says which team reports show the survey; its answers are a
        # read of the survey (ds.survey) by the reports that show them
        _reads.record(f"codebook:{survey_id}")
        if survey_id in self._surveys:
            return self._surveys[survey_id].codebook
        if survey_id not in self.surveys:
            known = ", ".join(self.surveys) or "none"
            raise KeyError(f"no survey {survey_id!r} in {self.folder}/surveys; surveys: {known}")
        if survey_id not in self._codebooks:
            from ..surveys import load_codebook

            self._codebooks[survey_id] = load_codebook(self.survey_dir(survey_id))
        return self._codebooks[survey_id]

    def team_surveys(self, team_id: str) -> pd.DataFrame:
        """The surveys tied to a team and whether its report shows them
        (:func:`analysis.surveys.team_surveys`)."""
        from ..surveys import team_surveys

        return team_surveys(self.team(team_id), {s: self.codebook(s) for s in self.surveys})

    def drivers(self, team_id: str):
        """The team's driver diagram (``analysis.drivers.DriverDiagram``), validated against
        this dataset's changes, measures and teams; None when the team has none. Raises
        ``analysis.io.DataError`` listing every problem of the file."""
        from ..drivers import load_drivers

        # the diagram is checked against the team's own changes and measures, and that the team
        # exists: its rows are part of what the report read
        _reads.record(f"drivers:{team_id}")
        _reads.record(f"team:{team_id}")
        return load_drivers(
            self.folder, team_id, self._raw("changes"), self._raw("measures"), self._raw("teams")
        )


# --------------------------------------------------------------------------- finding the inputs


@dataclass
class _Inputs:
    folder: Path
    tables: dict[str, Path]  # table -> file
    labels: dict[str, str]  # table -> name used in problems / files
    files: dict[str, Path]  # label -> path of every input (tables, surveys, drivers)
    surveys: tuple[str, ...]
    drivers: tuple[str, ...]
    problems: list[Problem]
    templates: tuple[Path, ...] = ()  # teams/*.xlsx: the teams' filled data-entry templates


def _label(path: Path, folder: Path) -> str:
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return Path(os.path.relpath(path, folder)).as_posix()


def _visible(path: Path) -> bool:
    return not path.name.startswith((".", "~$")) and path.name not in SKIP_NAMES


def _config():
    from ..config import ConfigError, load_config

    try:
        return load_config()
    except ConfigError:
        return None


def _find_inputs(folder: Path, config) -> _Inputs:
    problems: list[Problem] = []
    tables: dict[str, Path] = {}
    for name in TABLE_NAMES:
        try:
            path = find_table(folder, name)
        except DataError as exc:
            problems += exc.problems
            continue
        if path is not None:
            tables[name] = path
    is_raw = config is not None and folder.resolve() == Path(config.raw_dir).resolve()
    if is_raw and "indicators" not in tables and "kpis" not in tables:
        kolada = Path(config.root) / KOLADA_DIR  # written by the Kolada client, same shape
        for name in ("indicators", "kpis"):
            path = kolada / f"{name}.csv"
            if path.is_file():
                tables[name] = path
    labels = {name: _label(path, folder) for name, path in tables.items()}
    files = {labels[name]: path for name, path in tables.items()}
    surveys: list[str] = []
    survey_root = folder / "surveys"
    if survey_root.is_dir():
        for sub in sorted(survey_root.iterdir()):
            if sub.is_dir() and _visible(sub):
                if not re.fullmatch(schemas.ID_PATTERN.strip("^$"), sub.name):
                    problems.append(
                        Problem(
                            f"surveys/{sub.name}",
                            f"the survey folder name '{sub.name}' is not a valid survey id",
                            hint="rename the folder with a-z, 0-9 and _ only, "
                            "e.g. foraldrar_2024: it becomes the survey id and the report's name",
                        )
                    )
                    continue
                surveys.append(sub.name)
                for path in sorted(sub.rglob("*")):
                    if path.is_file() and _visible(path):
                        files[_label(path, folder)] = path
    drivers: list[str] = []
    driver_root = folder / "drivers"
    if driver_root.is_dir():
        for path in sorted(driver_root.iterdir()):
            if path.is_file() and _visible(path) and path.suffix.lower() in (".yml", ".yaml"):
                drivers.append(path.stem)
                files[_label(path, folder)] = path
    templates = _find_templates(folder, files, problems)
    return _Inputs(
        folder,
        tables,
        labels,
        dict(sorted(files.items())),
        tuple(surveys),
        tuple(drivers),
        problems,
        templates,
    )


def _find_templates(
    folder: Path, files: dict[str, Path], problems: list[Problem]
) -> tuple[Path, ...]:
    """The filled data-entry templates in ``teams/`` (``analysis.templates``); adds them to
    ``files`` (so that they are hashed like every input) and a problem for any other file."""
    root = folder / "teams"
    if not root.is_dir():
        return ()
    found = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or not _visible(path):
            continue
        label = _label(path, folder)
        if path.suffix.lower() == ".xlsx":
            found.append(path)
            files[label] = path
        else:
            problems.append(
                Problem(
                    label,
                    "only data-entry templates (.xlsx) are read from teams/",
                    hint="save it as an Excel workbook (.xlsx), or move it out of teams/",
                )
            )
    return tuple(found)


def _with_templates(
    typed: dict[str, pd.DataFrame], inputs: _Inputs, warnings: bool = False
) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """The main tables with the teams' templates merged in (one separate step, see
    :func:`analysis.templates.merge_team_templates`)."""
    if not inputs.templates:
        return typed, []
    from ..templates import merge_team_templates

    return merge_team_templates(typed, inputs.templates, inputs.folder, inputs.labels, warnings)


# --------------------------------------------------------------------------- reading and checks


def _read(inputs: _Inputs) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Read and validate every table; returns typed frames (with ``_row``) and problems."""
    problems = list(inputs.problems)
    typed: dict[str, pd.DataFrame] = {}
    for name in TABLE_NAMES:
        label = inputs.labels.get(name, f"{name}.csv")
        if name not in inputs.tables:
            if name in schemas.REQUIRED_TABLES and not any(
                p.file.startswith(name + ".") for p in problems
            ):
                problems.append(
                    Problem(
                        label,
                        "the file is missing",
                        hint=f"put {name}.csv (or {name}.xlsx) in {inputs.folder}; see "
                        "data/raw/README.md",
                    )
                )
            continue
        raw, found = read_table_problems(inputs.tables[name], label)
        problems += found
        if raw is None:
            continue
        if raw.attrs.get("misaligned"):  # checking the cells would only repeat the shift
            problems += schemas.check_columns(name, raw, label)[1]
            continue
        frame, found = schemas.validate(name, raw, label)
        problems += found
        typed[name] = frame
    if "indicators" in typed and "kpis" not in inputs.tables:
        problems.append(
            Problem(
                "kpis.csv",
                "the file is missing: indicators.csv needs it",
                hint="add kpis.csv describing every kpi of indicators.csv",
            )
        )
    reported = {(p.file, p.row, p.column) for p in problems}
    problems += [
        p
        for p in cross_checks(typed, inputs)
        if p.row is None or (p.file, p.row, p.column) not in reported
    ]  # one per cell
    return typed, problems


def _finish(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The Dataset frame: contract columns only, observations sorted."""
    out = frame[schemas.columns(name)]
    out.attrs = {}
    if name == "observations":
        out = out.sort_values(
            ["team_id", "measure_id", "period", "subgroup"], na_position="first", kind="stable"
        )
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------- public API


def check_folder(folder: str | Path) -> list:
    """Return every problem of ``folder`` as ``analysis.io.Problem`` (empty when all is well).

    Used by ``workbook check``. Includes the survey folders (``analysis.surveys.check_survey``)
    and warnings (``Problem.is_warning``) for values that parse but cannot be right: periods
    after today, values outside the range of the measure's unit, counts of ten million or more
    (``checks.plausibility``). Problems are sorted by file, then row. Nothing is written.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return [
            Problem(
                str(folder),
                "the folder does not exist",
                hint="give the folder holding teams.csv, e.g. data/raw",
            )
        ]
    inputs = _find_inputs(folder, _config())
    tables, problems = _read(inputs)
    problems += plausibility(tables, inputs.labels)  # warnings: implausible, not invalid
    tables, found = _with_templates(tables, inputs, warnings=True)
    problems += found
    problems += spread_story_checks(tables, inputs.labels)
    problems += _survey_problems(folder, inputs.surveys)
    problems += _survey_tie_problems(folder, inputs.surveys, tables)
    problems += _driver_problems(folder, inputs.drivers, tables)
    return sort_problems(problems)


def _survey_tie_problems(
    folder: Path, surveys: tuple[str, ...], tables: dict[str, pd.DataFrame]
) -> list[Problem]:
    """The teams and municipalities a codebook ties its survey to, checked against teams.csv
    and municipalities.csv; a warning for a survey tied to nothing (it then appears in its own
    survey report only) or without fielding dates (no team report can check its period)."""
    from .. import surveys as survey_module

    load_codebook = getattr(survey_module, "load_codebook", None)
    if load_codebook is None:  # a stand-in module without codebooks (tests of the checks alone)
        return []
    teams = set(tables["teams"]["team_id"].dropna().astype(str)) if "teams" in tables else None
    codes = (
        set(tables["municipalities"]["municipality_code"].dropna().astype(str))
        if "municipalities" in tables
        else None
    )
    problems: list[Problem] = []
    for survey in surveys:
        file = f"surveys/{survey}/codebook.yml"
        try:
            codebook = load_codebook(folder / "surveys" / survey)
        except DataError:
            continue  # _survey_problems has reported it
        for team in codebook.teams if teams is not None else ():
            if team not in teams:
                problems.append(
                    Problem(
                        file,
                        f"teams: unknown team '{team}'",
                        column="teams",
                        hint=f"it must be a team_id of teams.csv; {_suggest(team, sorted(teams))}",
                    )
                )
        for code in codebook.municipality_codes if codes is not None else ():
            if code not in codes and code != schemas.REGION_CODE:
                problems.append(
                    Problem(
                        file,
                        f"municipality_code: unknown municipality '{code}'",
                        column="municipality_code",
                        hint=f"it must be in municipalities.csv (or {schemas.REGION_CODE}, "
                        f"the region); {_suggest(code, sorted(codes))}",
                    )
                )
        if not codebook.is_tied:
            problems.append(
                Problem(
                    file,
                    "the survey is tied to no team: it is shown in its own survey report only",
                    column="teams",
                    severity="warning",
                    hint="add teams: [team_id, ...] and/or municipality_code: ['0680'] to show it in "
                    "those teams' reports",
                )
            )
        elif codebook.fielded is None:
            problems.append(
                Problem(
                    file,
                    "the survey has no fielding dates: team reports cannot check that it is from "
                    "the team's period",
                    column="fielded",
                    severity="warning",
                    hint="add fielded: 2023-09 (or [from, to]) to the survey, or to each wave",
                )
            )
    return problems


def _driver_problems(
    folder: Path, drivers: tuple[str, ...], tables: dict[str, pd.DataFrame]
) -> list[Problem]:
    """Driver diagrams whose ideas point at unknown changes or measures (``drivers.check_drivers``)."""
    from ..drivers import check_drivers

    problems: list[Problem] = []
    for team_id in drivers:
        problems += check_drivers(
            folder / "drivers" / f"{team_id}.yml",
            tables.get("changes"),
            tables.get("measures"),
            tables.get("teams"),
            root=folder,
        )
    return problems


def _survey_problems(folder: Path, surveys: tuple[str, ...]) -> list[Problem]:
    if not surveys:
        return []
    try:
        from .. import surveys as survey_module
    except ImportError:
        return []
    check = getattr(survey_module, "check_survey", None)
    if check is None:
        return []
    problems: list[Problem] = []
    for survey in surveys:
        survey_dir = folder / "surveys" / survey
        try:
            problems += list(check(survey_dir))
        except DataError as exc:
            problems += exc.problems
        except Exception as exc:  # a bug in a check must not hide the other problems
            problems.append(
                Problem(
                    f"surveys/{survey}",
                    f"the survey could not be checked: {type(exc).__name__}: {exc}",
                )
            )
    return problems


# (folder, its files' hashes, the configuration's folders) -> the dataset loaded
_CACHE: dict[tuple, Dataset] = {}


def clear_cache() -> None:
    """Forget the datasets loaded in this process."""
    _CACHE.clear()


def _processed_dir(folder: Path, config, is_sample: bool) -> Path | None:
    """Where the typed parquet of ``folder`` goes: processed/sample or processed/raw.

    Only the configured sample and raw (or data) folders are written, so that loading a test
    or scratch folder never replaces the processed tables of the real data. A generated
    synthetic folder used as the data folder (``--data``, ``workbook sample --teams N``) has its
    own, ``processed/sample-<folder name>``.
    """
    if config is None:
        return None
    resolved = folder.resolve()
    if resolved == Path(config.sample_dir).resolve():
        return Path(config.processed_dir) / "sample"
    if resolved in (Path(config.raw_dir).resolve(), Path(config.data_dir()).resolve()):
        return Path(config.processed_dir) / (f"sample-{resolved.name}" if is_sample else "raw")
    return None


_CODE_HASH: list[str] = []


def _code_hash() -> str:
    """Hash of the whole package's code (``analysis.io.code_hash``), once per process: a change
    to any module the loading may use invalidates processed/."""
    if not _CODE_HASH:
        _CODE_HASH.append(code_hash())
    return _CODE_HASH[0]


def _manifest(folder: Path, files: dict[str, str]) -> dict:
    return {
        "folder": str(folder.resolve()),
        "files": files,
        "tables": sorted(TABLE_NAMES),
        "code": _code_hash(),
    }


def processed_state(target: Path, manifest: dict) -> str:
    """``"current"`` when ``target`` holds the tables of exactly these inputs and this code, as
    they were written (the manifest also records the sha256 of every parquet file: an edited or
    truncated file is noticed); ``"changed"`` when a parquet file differs from what was written;
    ``"stale"`` when it was written from other inputs or code, or is missing or unreadable."""
    try:
        written = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "stale"
    if not isinstance(written, dict):
        return "stale"
    hashes = written.pop("processed", None)
    if written != manifest or not isinstance(hashes, dict) or set(hashes) != set(TABLE_NAMES):
        return "stale"
    for name in TABLE_NAMES:
        try:
            if sha256(target / f"{name}.parquet") != hashes[name]:
                return "changed"
        except OSError:
            return "changed"
    return "current"


def _read_processed(target: Path, manifest: dict) -> dict[str, pd.DataFrame] | None:
    """The tables of ``target`` when :func:`processed_state` says they are current, else None
    (then the inputs are validated again and the folder rewritten)."""
    if processed_state(target, manifest) != "current":
        return None
    try:
        return {
            name: pd.read_parquet(target / f"{name}.parquet", engine="pyarrow")
            for name in TABLE_NAMES
        }
    except (OSError, ValueError, ImportError):
        return None


def _write_processed(target: Path, tables: dict[str, pd.DataFrame], manifest: dict) -> None:
    if processed_state(target, manifest) == "current":
        return  # the same inputs were already written, and nothing has touched them since
    with atomic_dir(target) as tmp:
        for name, frame in tables.items():
            frame.to_parquet(tmp / f"{name}.parquet", index=False, engine="pyarrow")
        hashes = {name: sha256(tmp / f"{name}.parquet") for name in tables}
        (tmp / MANIFEST).write_text(
            json.dumps({**manifest, "processed": hashes}, indent=2, ensure_ascii=False),
            encoding="utf-8",
        )


def load_dataset(folder: str | Path | None = None) -> Dataset:
    """Read and validate every table of ``folder`` (default: the folder workbook.yml selects).

    Raises ``analysis.io.DataError`` listing every problem (file, row, column, what to do).
    On success the typed tables are written as parquet to ``<processed_dir>/<source>/``
    (a temporary folder renamed into place; a failed load writes nothing) with a
    ``manifest.json`` of the input hashes and the code hash; a later process whose inputs and
    code are the same reads the parquet instead of validating again. Results are also cached
    in the process by folder and file hashes.
    """
    config = _config()
    if folder is None:
        if config is None:
            from ..config import load_config

            load_config()  # raises the ConfigError that says what is wrong
        folder = config.data_dir()
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(
            Problem(
                str(folder),
                "the data folder does not exist",
                hint="give the folder holding teams.csv, e.g. data/raw",
            )
        )
    inputs = _find_inputs(folder, config)
    hashes = {name: sha256(path) for name, path in inputs.files.items()}
    # the configuration decides is_sample and where processed/ is: part of the key, so that a
    # dataset loaded under another workbook.yml (the run's kernel zygote) is never reused
    settings = (
        None
        if config is None
        else tuple(
            str(Path(p).resolve())
            for p in (config.root, config.sample_dir, config.raw_dir, config.processed_dir)
        )
        + (str(Path(config.data_dir()).resolve()),)
    )
    key = (str(folder.resolve()), tuple(hashes.items()), settings)
    if key in _CACHE:
        return _fresh(_CACHE[key])
    is_sample = bool(config is not None and config.is_sample(folder))
    target = _processed_dir(folder, config, is_sample)
    manifest = _manifest(folder, hashes)
    tables = None
    if target is not None and not inputs.problems:
        # validated earlier from exactly these files by exactly this code: read the parquet
        tables = _read_processed(target, manifest)
    if tables is None:
        typed, problems = _read(inputs)
        typed, found = _with_templates(typed, inputs)
        problems += found
        problems += spread_story_checks(typed, inputs.labels)
        if problems:
            raise DataError(sort_problems(problems))
        tables = {
            name: _finish(name, typed[name]) if name in typed else schemas.empty_frame(name)
            for name in TABLE_NAMES
        }
        if target is not None:
            try:
                _write_processed(target, tables, manifest)
            except OSError as exc:
                # reports running in parallel may write the same folder at the same moment;
                # the processed parquet is a by-product, so a failed write must not fail a load
                if _read_processed(target, manifest) is None:
                    warnings.warn(f"could not write {target}: {exc}", RuntimeWarning, stacklevel=2)
    dataset = Dataset(
        folder=folder.resolve(),
        is_sample=is_sample,
        files=hashes,
        surveys=inputs.surveys,
        driver_teams=inputs.drivers,
        processed=target,
        _as_processed=target is not None,
        **tables,
    )
    _CACHE[key] = dataset
    return _fresh(dataset)


def _fresh(dataset: Dataset) -> Dataset:
    """Shallow copies of the cached frames: a caller adding a column cannot change the cache
    (pandas copy-on-write keeps the shared data safe from in-place edits)."""
    with _reads.paused():
        return replace(
            dataset, **{name: dataset.table(name).copy(deep=False) for name in TABLE_NAMES}
        )


def with_tables(dataset: Dataset, **tables: pd.DataFrame) -> Dataset:
    """A copy of ``dataset`` with some tables replaced (for tests and what-if analyses)."""
    with _reads.paused():
        return replace(dataset, _as_processed=False, **tables)
