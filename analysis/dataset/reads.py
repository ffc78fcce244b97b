"""What a report read from its dataset, recorded by the dataset's accessors, and the hash of each
such input: the runner keys a report's cache on exactly what it read.

An *input* is a name:

* ``team:<id>``: one team's rows of teams, measures, observations, changes, spread and stories
  (``ds.team(id)``);
* ``survey:<id>``: the files of one survey folder (``ds.survey(id)``);
* ``codebook:<id>``: one survey's codebook alone (``ds.codebook(id)``: which teams a survey is
  tied to and when it was fielded; a new export of answers does not change it);
* ``drivers:<id>``: one team's driver diagram file, or its absence (``ds.drivers(id)``);
* ``table:<name>``: a whole table (``ds.observations``, ``ds.table(name)``: the county-wide reads);
* ``list:surveys`` / ``list:drivers``: which surveys / driver diagrams there are
  (``ds.surveys``, ``ds.driver_teams``).

A report records while it runs (:func:`start` in ``report.context``, :func:`reads` at the end of
``report.render``); the runner hashes every input of the data once per data state
(:func:`input_hashes`) and compares, for each report, the hashes of the inputs it read last time.
Reading through an accessor can only make the recorded set larger than what the report uses,
never smaller: a report that looks at a whole table depends on all of it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

TEAM_TABLES = ("teams", "measures", "observations", "changes", "spread", "stories")
CODEBOOK_FILE = "codebook.yml"  # analysis.surveys.codebook.CODEBOOK (not imported: a light module)
MISSING = "missing"  # the hash of an input that is not in the data (a team removed)

_log: set[str] | None = None


def start() -> None:
    """Begin recording in this process (a report's kernel); forgets what was recorded before."""
    global _log
    _log = set()


def stop() -> None:
    """Stop recording."""
    global _log
    _log = None


def active() -> bool:
    return _log is not None


def record(name: str) -> None:
    """Note that the running report read the input ``name`` (nothing when not recording)."""
    if _log is not None:
        _log.add(name)


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """Accesses inside are not recorded (the dataset's own bookkeeping: copies, validation)."""
    global _log
    saved, _log = _log, None
    try:
        yield
    finally:
        _log = saved


def reads() -> list[str]:
    """The inputs read since :func:`start`, sorted (empty when not recording)."""
    return sorted(_log or ())


# --------------------------------------------------------------------------- hashing the inputs


def _frame_digest(frame: pd.DataFrame) -> str:
    """A hash of a frame's columns, types and values (the same in every process)."""
    digest = hashlib.sha256(
        json.dumps([[str(c), str(t)] for c, t in frame.dtypes.items()]).encode()
    )
    if len(frame):
        digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()[:32]


def _team_digests(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    """``team:<id> -> hash`` of every team's rows of the four team tables, in one pass per table."""
    parts: dict[str, hashlib._Hash] = {}
    ids = [str(v) for v in tables["teams"]["team_id"]]
    for team_id in ids:
        parts[team_id] = hashlib.sha256(team_id.encode())
    for name in TEAM_TABLES:
        frame = tables[name]
        header = json.dumps([name, [[str(c), str(t)] for c, t in frame.dtypes.items()]]).encode()
        for team_id in ids:
            parts[team_id].update(header)
        if frame.empty:
            continue
        rows = pd.util.hash_pandas_object(frame, index=False).to_numpy()
        keys = frame["team_id"].astype(str).to_numpy()
        for team_id, positions in pd.Series(range(len(frame))).groupby(keys).groups.items():
            if team_id in parts:  # rows of unknown teams cannot pass validation
                parts[team_id].update(rows[list(positions)].tobytes())
    return {f"team:{team_id}": digest.hexdigest()[:32] for team_id, digest in parts.items()}


INPUTS_FILE = "inputs.json"  # beside the processed parquet: input_hashes of its manifest


def input_hashes(dataset) -> dict[str, str]:
    """The hash of every input of ``dataset`` (see the module's docstring for the names).

    Hashing every table takes ~0.1 s at county scale and every report of a run needs the same
    hashes: for a dataset whose tables are those of ``data/processed`` they are kept there
    (``inputs.json``), keyed by the processed manifest (the input files, the code and the
    parquet files it lists), and read back by the next process instead of hashed again."""
    kept = _kept_hashes_file(dataset)
    if kept is not None:
        path, manifest = kept
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
            if stored.get("manifest") == manifest and isinstance(stored.get("hashes"), dict):
                return dict(stored["hashes"])
        except (OSError, ValueError, AttributeError):
            pass  # not written yet, or unreadable: hashed again below (and written)
    hashes = _hash_inputs(dataset)
    if kept is not None:
        from ..io import write_atomic

        with contextlib.suppress(OSError):  # a by-product, like the parquet: never fails a run
            write_atomic(kept[0], json.dumps({"manifest": kept[1], "hashes": hashes}))
    return hashes


def _kept_hashes_file(dataset) -> tuple[Path, str] | None:
    """Where the hashes of ``dataset``'s inputs are kept and the digest of the processed manifest
    they belong to; None for a dataset whose tables are not those of ``data/processed``."""
    try:
        if not object.__getattribute__(dataset, "_as_processed"):
            return None
        folder = object.__getattribute__(dataset, "processed")
        manifest = (Path(folder) / "manifest.json").read_bytes()  # dataset.MANIFEST (light module)
    except (AttributeError, OSError, TypeError):
        return None
    return Path(folder) / INPUTS_FILE, hashlib.sha256(manifest).hexdigest()


def _hash_inputs(dataset) -> dict[str, str]:
    tables = {name: object.__getattribute__(dataset, name) for name in dataset.table_names()}
    hashes = {f"table:{name}": _frame_digest(frame) for name, frame in tables.items()}
    hashes.update(_team_digests(tables))
    files = object.__getattribute__(dataset, "files")
    surveys = object.__getattribute__(dataset, "surveys")
    drivers = object.__getattribute__(dataset, "driver_teams")
    for survey in surveys:
        prefix = f"surveys/{survey}/"
        own = {k: v for k, v in files.items() if k.startswith(prefix)}
        hashes[f"survey:{survey}"] = hashlib.sha256(
            json.dumps(own, sort_keys=True).encode()
        ).hexdigest()[:32]
        codebook = {k: v for k, v in own.items() if k == f"{prefix}{CODEBOOK_FILE}"}
        hashes[f"codebook:{survey}"] = hashlib.sha256(
            json.dumps(codebook, sort_keys=True).encode()
        ).hexdigest()[:32]
    for team_id in drivers:
        own = {
            k: v
            for k, v in files.items()
            if k in (f"drivers/{team_id}.yml", f"drivers/{team_id}.yaml")
        }
        hashes[f"drivers:{team_id}"] = hashlib.sha256(
            json.dumps(own, sort_keys=True).encode()
        ).hexdigest()[:32]
    hashes["list:surveys"] = hashlib.sha256(json.dumps(list(surveys)).encode()).hexdigest()[:32]
    hashes["list:drivers"] = hashlib.sha256(json.dumps(list(drivers)).encode()).hexdigest()[:32]
    return dict(sorted(hashes.items()))


def hash_of(hashes: dict[str, str], name: str) -> str:
    """The hash of input ``name``: a team without a driver diagram has ``drivers:<id>`` "none";
    anything else absent from the data is :data:`MISSING`."""
    if name in hashes:
        return hashes[name]
    if name.startswith("drivers:"):
        return "none"
    return MISSING


def describe(name: str) -> str:
    """A reader's words for an input name (``workbook list``, the run log)."""
    kind, _, what = name.partition(":")
    return {
        "team": f"team {what}'s data",
        "survey": f"survey {what}",
        "codebook": f"the codebook of survey {what}",
        "drivers": f"driver diagram of {what}",
        "table": f"{what} (all teams)",
        "list": f"the list of {what}",
    }.get(kind, name)
