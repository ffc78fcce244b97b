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
  indicators of an unknown KPI, indicators without kpis.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from . import schemas
from .io import (
    ROW,
    DataError,
    Problem,
    atomic_dir,
    find_table,
    read_table_problems,
    sha256,
    sort_problems,
)

TABLE_NAMES = schemas.REQUIRED_TABLES + schemas.OPTIONAL_TABLES
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
    processed: Path | None = None  # folder of the typed parquet files (None: not written)

    @property
    def source(self) -> str:
        return "sample" if self.is_sample else "raw"

    def table(self, name: str) -> pd.DataFrame:
        """The table called ``name`` (one of municipalities ... goals)."""
        if name not in TABLE_NAMES:
            raise KeyError(f"unknown table {name!r}; known: {', '.join(TABLE_NAMES)}")
        return getattr(self, name)

    def measures_of(self, team_id: str) -> pd.DataFrame:
        """The measures of one team (a new frame)."""
        return self.measures[self.measures["team_id"] == team_id].reset_index(drop=True)

    def survey_dir(self, survey_id: str) -> Path:
        """The folder of a survey: ``<folder>/surveys/<survey_id>``."""
        return Path(self.folder) / "surveys" / survey_id

    def driver_file(self, team_id: str) -> Path:
        """The driver diagram file of a team: ``<folder>/drivers/<team_id>.yml``."""
        return Path(self.folder) / "drivers" / f"{team_id}.yml"


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


def _label(path: Path, folder: Path) -> str:
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return Path(os.path.relpath(path, folder)).as_posix()


def _visible(path: Path) -> bool:
    return not path.name.startswith((".", "~$")) and path.name not in SKIP_NAMES


def _config():
    from .config import ConfigError, load_config

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
    return _Inputs(folder, tables, labels, dict(sorted(files.items())), tuple(surveys),
                   tuple(drivers), problems)


# --------------------------------------------------------------------------- reading and checks

def _read(inputs: _Inputs) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Read and validate every table; returns typed frames (with ``_row``) and problems."""
    problems = list(inputs.problems)
    typed: dict[str, pd.DataFrame] = {}
    for name in TABLE_NAMES:
        label = inputs.labels.get(name, f"{name}.csv")
        if name not in inputs.tables:
            if name in schemas.REQUIRED_TABLES and not any(p.file.startswith(name + ".")
                                                           for p in problems):
                problems.append(Problem(
                    label, "the file is missing",
                    hint=f"put {name}.csv (or {name}.xlsx) in {inputs.folder}; see "
                         "data/raw/README.md"))
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
        problems.append(Problem("kpis.csv", "the file is missing: indicators.csv needs it",
                                hint="add kpis.csv describing every kpi of indicators.csv"))
    reported = {(p.file, p.row, p.column) for p in problems}
    problems += [p for p in _cross_checks(typed, inputs)
                 if p.row is None or (p.file, p.row, p.column) not in reported]  # one per cell
    return typed, problems


def _rows(frame: pd.DataFrame, mask: pd.Series) -> list[int]:
    return [int(r) for r in frame.loc[mask, ROW]]


def _duplicates(frame: pd.DataFrame, keys: list[str], file: str, what: str,
                hint: str) -> list[Problem]:
    """A problem for every row that repeats the key of an earlier row."""
    if frame.empty:
        return []
    dup = frame.duplicated(keys, keep="first") & frame[keys].notna().all(axis=1)
    if not dup.any():
        return []
    first = frame.groupby(keys, dropna=False, sort=False)[ROW].transform("min")
    problems = []
    for idx in frame.index[dup]:
        key = ", ".join(f"{k} {_show(frame.at[idx, k])}" for k in keys)
        problems.append(Problem(file, f"{what} ({key}) already on row {int(first[idx])}",
                                row=int(frame.at[idx, ROW]), column=keys[-1], hint=hint))
    return problems


def _show(value: object) -> str:
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return f"'{value}'"


def _suggest(value: str, known: list[str]) -> str:
    near = difflib.get_close_matches(str(value), known, n=1, cutoff=0.6)
    if near:
        return f"did you mean '{near[0]}'?"
    shown = ", ".join(known[:12]) + (", ..." if len(known) > 12 else "")
    return f"known: {shown}" if known else "none are defined"


def _unknown(frame: pd.DataFrame, column: str, known: set[str], file: str, what: str,
             where: str) -> tuple[list[Problem], pd.Series]:
    """Problems for values of ``column`` not in ``known``; returns also the mask of them."""
    mask = frame[column].notna() & ~frame[column].isin(sorted(known))
    problems = [
        Problem(file, f"unknown {what} '{value}'", row=int(row), column=column,
                hint=f"it must be in {where}; {_suggest(value, sorted(known))}")
        for row, value in zip(frame.loc[mask, ROW], frame.loc[mask, column], strict=True)
    ]
    return problems, mask


def _cross_checks(t: dict[str, pd.DataFrame], inputs: _Inputs) -> list[Problem]:
    label = {name: inputs.labels.get(name, f"{name}.csv") for name in TABLE_NAMES}
    problems: list[Problem] = []
    codes: set[str] | None = None
    if "municipalities" in t:
        m = t["municipalities"]
        problems += _duplicates(m, ["municipality_code"], label["municipalities"],
                                "the municipality code appears twice", "keep one row per code")
        codes = set(m["municipality_code"].dropna())
    code_source = f"{label['municipalities']} (or {schemas.REGION_CODE} for the region)"

    team_ids: set[str] | None = None
    if "teams" in t:
        teams = t["teams"]
        problems += _duplicates(teams, ["team_id"], label["teams"], "the team id appears twice",
                                "team ids must be unique")
        team_ids = set(teams["team_id"].dropna())
        if codes is not None:
            valid = teams["municipality_code"].str.fullmatch(r"\d{4}").fillna(False).astype(bool)
            found, _ = _unknown(teams[valid], "municipality_code", codes | {schemas.REGION_CODE},
                                label["teams"], "municipality code", code_source)
            problems += found

    measure_keys: set[tuple[str, str]] | None = None
    charts: dict[tuple[str, str], str] = {}
    frequencies: dict[tuple[str, str], str] = {}
    if "measures" in t:
        measures = t["measures"]
        problems += _duplicates(measures, ["team_id", "measure_id"], label["measures"],
                                "the measure id appears twice for the team",
                                "measure ids must be unique within a team")
        if team_ids is not None:
            problems += _unknown(measures, "team_id", team_ids, label["measures"], "team id",
                                 label["teams"])[0]
        keys = list(zip(measures["team_id"], measures["measure_id"], strict=True))
        measure_keys = set(keys)
        charts = dict(zip(keys, measures["chart"], strict=True))
        frequencies = dict(zip(keys, measures["frequency"], strict=True))

    def measures_of(team: str) -> list[str]:
        return sorted(m for tm, m in (measure_keys or set()) if tm == team)

    if "observations" in t:
        problems += _check_observations(t["observations"], label, team_ids, measure_keys,
                                        charts, frequencies, measures_of)

    if "changes" in t:
        changes = t["changes"]
        file = label["changes"]
        problems += _duplicates(changes, ["team_id", "change_no"], file,
                                "the change number appears twice for the team",
                                "number each team's changes 1, 2, 3...")
        bad_team = pd.Series(False, index=changes.index)
        if team_ids is not None:
            found, bad_team = _unknown(changes, "team_id", team_ids, file, "team id",
                                       label["teams"])
            problems += found
        if measure_keys is not None:
            for idx in changes.index[~bad_team & changes["measures"].notna()]:
                team = changes.at[idx, "team_id"]
                for measure in str(changes.at[idx, "measures"]).replace(";", ",").split(","):
                    measure = measure.strip()
                    if measure and (team, measure) not in measure_keys:
                        problems.append(Problem(
                            file, f"unknown measure id '{measure}' for team '{team}'",
                            row=int(changes.at[idx, ROW]), column="measures",
                            hint=f"list measure ids of the team from {label['measures']}, "
                                 f"separated by ','; {_suggest(measure, measures_of(team))}"))

    kpi_ids: set[str] | None = None
    if "kpis" in t:
        problems += _duplicates(t["kpis"], ["kpi"], label["kpis"], "the kpi appears twice",
                                "keep one row per kpi")
        kpi_ids = set(t["kpis"]["kpi"].dropna())
    if "indicators" in t:
        ind = t["indicators"]
        file = label["indicators"]
        problems += _duplicates(ind, ["kpi", "municipality_code", "period", "gender"], file,
                                "the indicator value appears twice",
                                "keep one row per kpi, municipality, year and gender")
        if kpi_ids is not None:
            problems += _unknown(ind, "kpi", kpi_ids, file, "kpi", label["kpis"])[0]
        if codes is not None:
            valid = ind["municipality_code"].str.fullmatch(r"\d{4}").fillna(False).astype(bool)
            problems += _unknown(ind[valid], "municipality_code",
                                 codes | {schemas.REGION_CODE, schemas.COUNTRY_CODE}, file,
                                 "municipality code",
                                 f"{label['municipalities']} (or 0006 region, 0000 country)")[0]
    if "goals" in t and ("kpis" in t or "kpis" not in inputs.tables):  # else kpis unreadable
        problems += _check_goals(t["goals"], label["goals"], codes, kpi_ids, inputs.surveys,
                                 code_source)
    return problems


def _check_observations(obs: pd.DataFrame, label: dict[str, str], team_ids, measure_keys,
                        charts, frequencies, measures_of) -> list[Problem]:
    file = label["observations"]
    problems: list[Problem] = []
    bad = pd.Series(False, index=obs.index)
    if team_ids is not None:
        found, bad = _unknown(obs, "team_id", team_ids, file, "team id", label["teams"])
        problems += found
    if measure_keys is None:
        return problems
    keys = list(zip(obs["team_id"], obs["measure_id"], strict=True))
    known = pd.Series([k in measure_keys for k in keys], index=obs.index)
    for idx in obs.index[~bad & ~known & obs["measure_id"].notna()]:
        team, measure = obs.at[idx, "team_id"], obs.at[idx, "measure_id"]
        problems.append(Problem(
            file, f"unknown measure id '{measure}' for team '{team}'",
            row=int(obs.at[idx, ROW]), column="measure_id",
            hint=f"it must be in {label['measures']}; {_suggest(measure, measures_of(team))}"))
    chart = pd.Series([charts.get(k) for k in keys], index=obs.index, dtype="str")
    freq = pd.Series([frequencies.get(k) for k in keys], index=obs.index, dtype="str")
    ratio = chart.isin(schemas.RATIO_CHARTS)
    single = known & ~ratio
    rows = obs[ROW]
    present = {c: obs[c].notna() for c in ("value", "numerator", "denominator")}
    raw_cols = set(obs.attrs.get("file_columns", obs.columns))
    for column, need in (("numerator", ratio), ("denominator", ratio), ("value", single)):
        need = need & known
        if not need.any():
            continue
        if column not in raw_cols:
            which = sorted({f"{t}/{m}" for t, m in (keys[i] for i in range(len(keys))
                                                      if need.iloc[i])})[:5]
            problems.append(Problem(
                file, f"column '{column}' is missing", row=1, column=column,
                hint=f"the charts of {', '.join(which)} need it"))
            continue
        for idx in obs.index[need & ~present[column]]:
            problems.append(Problem(
                file, f"the {column} is empty for measure '{obs.at[idx, 'measure_id']}' "
                f"({chart[idx]} chart)", row=int(rows[idx]), column=column,
                hint="fill it in, or delete the row: a period without a measurement is "
                     "simply left out"))
    proportion = known & chart.isin(schemas.PROPORTION_CHARTS)
    over = proportion & (obs["numerator"] > obs["denominator"]).fillna(False).astype(bool)
    for idx in obs.index[over]:
        problems.append(Problem(
            file, f"numerator {obs.at[idx, 'numerator']:g} is larger than denominator "
            f"{obs.at[idx, 'denominator']:g} for measure '{obs.at[idx, 'measure_id']}' "
            f"({chart[idx]} chart)", row=int(rows[idx]), column="numerator",
            hint="the numerator counts a part of the denominator; check both counts"))
    period = obs["period"]
    month_bad = known & (freq == "month") & period.notna() & (period.dt.day != 1)
    week_bad = known & (freq == "week") & period.notna() & (period.dt.day_of_week != 0)
    for idx in obs.index[month_bad]:
        problems.append(Problem(
            file, f"period {_show(period[idx])} is not the first day of a month",
            row=int(rows[idx]), column="period",
            hint=f"monthly measures use the month's first day "
                 f"({period[idx].replace(day=1).date().isoformat()})"))
    for idx in obs.index[week_bad]:
        monday = period[idx] - pd.Timedelta(days=int(period[idx].day_of_week))
        problems.append(Problem(
            file, f"period {_show(period[idx])} is not a Monday", row=int(rows[idx]),
            column="period", hint=f"weekly measures use the week's Monday "
                                  f"({monday.date().isoformat()})"))
    subgroup_chart = chart.isin(schemas.SUBGROUP_CHARTS)
    plain = obs[known & ~subgroup_chart]
    problems += _duplicates(plain, ["team_id", "measure_id", "period"], file,
                            "duplicate row: the same team, measure and period",
                            "keep one row per measure and period")
    grouped = obs[known & subgroup_chart & obs["subgroup"].notna()]
    problems += _duplicates(grouped, ["team_id", "measure_id", "period", "subgroup"], file,
                            "duplicate row: the same team, measure, period and subgroup",
                            "keep one row per subgroup and period")
    return problems


def _check_goals(goals: pd.DataFrame, file: str, codes, kpi_ids, surveys, code_source
                 ) -> list[Problem]:
    problems = _duplicates(goals, ["goal_id"], file, "the goal id appears twice",
                           "goal ids must be unique")
    needs = {"trajectory": ("baseline_year", "pp_per_year", "years"),
             "target": ("target_value", "deadline")}
    for kind, cols in needs.items():
        of_kind = goals["kind"] == kind
        for col in cols:
            for row in _rows(goals, of_kind & goals[col].isna()):
                problems.append(Problem(file, f"a {kind} goal needs {col}", row=row, column=col,
                                        hint=f"fill in {', '.join(cols)} for {kind} goals"))
    for idx in goals.index[goals["source"].notna()]:
        source = str(goals.at[idx, "source"])
        row = int(goals.at[idx, ROW])
        parts = source.split(":")
        if parts[0] == "indicator" and len(parts) == 2 and parts[1]:
            if kpi_ids is not None and parts[1] not in kpi_ids:
                problems.append(Problem(file, f"unknown kpi '{parts[1]}'", row=row,
                                        column="source",
                                        hint=f"it must be in kpis.csv; {_suggest(parts[1], sorted(kpi_ids))}"))
            elif kpi_ids is None:
                problems.append(Problem(file, f"the goal follows kpi '{parts[1]}' but there are "
                                        "no indicators", row=row, column="source",
                                        hint="add indicators.csv and kpis.csv"))
        elif parts[0] == "survey" and len(parts) == 4 and all(parts[1:]):
            if parts[1] not in surveys:
                problems.append(Problem(file, f"unknown survey '{parts[1]}'", row=row,
                                        column="source",
                                        hint=f"it must be a folder in surveys/; {_suggest(parts[1], list(surveys))}"))
        else:
            problems.append(Problem(
                file, f"'{source}' is not a goal source", row=row, column="source",
                hint="write indicator:<kpi> or survey:<survey_id>:<question_id>:<option>"))
    if codes is not None:
        valid = goals["municipality_code"].str.fullmatch(r"\d{4}").fillna(False).astype(bool)
        problems += _unknown(goals[valid], "municipality_code", codes | {schemas.REGION_CODE},
                             file, "municipality code", code_source)[0]
    return problems


def _finish(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The Dataset frame: contract columns only, observations sorted."""
    out = frame[schemas.columns(name)]
    out.attrs = {}
    if name == "observations":
        out = out.sort_values(["team_id", "measure_id", "period", "subgroup"],
                              na_position="first", kind="stable")
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------- public API

def check_folder(folder: str | Path) -> list:
    """Return every problem of ``folder`` as ``analysis.io.Problem`` (empty when all is well).

    Used by ``workbook check``. Includes the survey folders (``analysis.surveys.check_survey``).
    Problems are sorted by file, then row. Nothing is written.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return [Problem(str(folder), "the folder does not exist",
                        hint="give the folder holding teams.csv, e.g. data/raw")]
    inputs = _find_inputs(folder, _config())
    _, problems = _read(inputs)
    problems += _survey_problems(folder, inputs.surveys)
    return sort_problems(problems)


def _survey_problems(folder: Path, surveys: tuple[str, ...]) -> list[Problem]:
    if not surveys:
        return []
    try:
        from . import surveys as survey_module
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
            problems.append(Problem(f"surveys/{survey}", f"the survey could not be checked: "
                                    f"{type(exc).__name__}: {exc}"))
    return problems


_CACHE: dict[tuple[str, tuple[tuple[str, str], ...]], Dataset] = {}


def clear_cache() -> None:
    """Forget the datasets loaded in this process."""
    _CACHE.clear()


def _processed_dir(folder: Path, config, is_sample: bool) -> Path | None:
    """Where the typed parquet of ``folder`` goes: processed/sample or processed/raw.

    Only the configured sample and raw (or data) folders are written, so that loading a test
    or scratch folder never replaces the processed tables of the real data.
    """
    if config is None:
        return None
    resolved = folder.resolve()
    if is_sample:
        return Path(config.processed_dir) / "sample"
    if resolved in (Path(config.raw_dir).resolve(), Path(config.data_dir()).resolve()):
        return Path(config.processed_dir) / "raw"
    return None


_CODE_HASH: list[str] = []


def _code_hash() -> str:
    """Hash of the code that reads and validates (a change invalidates processed/)."""
    if not _CODE_HASH:
        here = Path(__file__).resolve().parent
        digest = hashlib.sha256()
        for name in ("io.py", "schemas.py", "dataset.py"):
            digest.update((here / name).read_bytes())
        _CODE_HASH.append(digest.hexdigest())
    return _CODE_HASH[0]


def _manifest(folder: Path, files: dict[str, str]) -> dict:
    return {"folder": str(folder.resolve()), "files": files, "tables": sorted(TABLE_NAMES),
            "code": _code_hash()}


def _read_processed(target: Path, manifest: dict) -> dict[str, pd.DataFrame] | None:
    """The tables of ``target`` when its manifest matches (same inputs, same code), else None."""
    try:
        if json.loads((target / MANIFEST).read_text(encoding="utf-8")) != manifest:
            return None
        return {name: pd.read_parquet(target / f"{name}.parquet", engine="pyarrow")
                for name in TABLE_NAMES}
    except (OSError, ValueError, ImportError):
        return None


def _write_processed(target: Path, tables: dict[str, pd.DataFrame], manifest: dict) -> None:
    current = target / MANIFEST
    if current.is_file():
        try:
            if json.loads(current.read_text(encoding="utf-8")) == manifest and all(
                    (target / f"{name}.parquet").is_file() for name in tables):
                return  # the same inputs were already written
        except (OSError, ValueError):
            pass
    with atomic_dir(target) as tmp:
        for name, frame in tables.items():
            frame.to_parquet(tmp / f"{name}.parquet", index=False, engine="pyarrow")
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False),
                                    encoding="utf-8")


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
            from .config import load_config

            load_config()  # raises the ConfigError that says what is wrong
        folder = config.data_dir()
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(Problem(str(folder), "the data folder does not exist",
                                hint="give the folder holding teams.csv, e.g. data/raw"))
    inputs = _find_inputs(folder, config)
    hashes = {name: sha256(path) for name, path in inputs.files.items()}
    key = (str(folder.resolve()), tuple(hashes.items()))
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
        if problems:
            raise DataError(sort_problems(problems))
        tables = {name: _finish(name, typed[name]) if name in typed
                  else schemas.empty_frame(name) for name in TABLE_NAMES}
        if target is not None:
            try:
                _write_processed(target, tables, manifest)
            except OSError as exc:
                # reports running in parallel may write the same folder at the same moment;
                # the processed parquet is a by-product, so a failed write must not fail a load
                if _read_processed(target, manifest) is None:
                    warnings.warn(f"could not write {target}: {exc}", RuntimeWarning,
                                  stacklevel=2)
    dataset = Dataset(folder=folder.resolve(), is_sample=is_sample, files=hashes,
                      surveys=inputs.surveys, drivers=inputs.drivers, processed=target,
                      **tables)
    _CACHE[key] = dataset
    return _fresh(dataset)


def _fresh(dataset: Dataset) -> Dataset:
    """Shallow copies of the cached frames: a caller adding a column cannot change the cache
    (pandas copy-on-write keeps the shared data safe from in-place edits)."""
    return replace(dataset, **{name: dataset.table(name).copy(deep=False)
                               for name in TABLE_NAMES})


def with_tables(dataset: Dataset, **tables: pd.DataFrame) -> Dataset:
    """A copy of ``dataset`` with some tables replaced (for tests and what-if analyses)."""
    return replace(dataset, **tables)
