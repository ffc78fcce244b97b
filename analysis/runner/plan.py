"""The report plan: expanding ``workbook.yml`` into jobs, and the hashes the cache is keyed on."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..config import Config, ConfigError, load_yaml
from ..io import code_files, sha256

#: Bump when the runner's output format changes: every report is rebuilt once.
RUNNER_VERSION = "2"  # 2: notebooks keyed on their cells, not their bytes
FOR_EACH_PARAM = {"team": "team", "survey": "survey"}


@dataclass(frozen=True)
class Job:
    """One report to build: a notebook with its parameters (``data_dir`` and ``lang`` come later)."""

    name: str
    notebook: str
    params: dict[str, Any] = field(default_factory=dict)
    entry: int = 0  # position of its entry in workbook.yml (1-based; 0 = ad hoc)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "notebook": self.notebook,
            "params": dict(self.params),
            "entry": self.entry,
        }


def slug(value: object) -> str:
    """A file-name-safe form of a parameter value: ``'Nässjö 2'`` -> ``'nassjo-2'``."""
    import unicodedata

    text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9_]+", "-", text).strip("-").lower()
    return text or "x"


def parse_param(text: str) -> tuple[str, Any]:
    """Parse ``k=v`` from the command line; ``v`` is read as YAML (``2024`` -> int, ``null`` -> None)."""
    if "=" not in text:
        raise ConfigError(f"--param {text!r}: write it as name=value, e.g. --param team=nassjo")
    key, _, raw = text.partition("=")
    key = key.strip()
    if not key.isidentifier():
        raise ConfigError(f"--param {text!r}: {key!r} is not a valid parameter name")
    if key in ("data_dir", "lang"):
        raise ConfigError(
            f"--param {key}: set by the runner (use --lang, or data: in workbook.yml)"
        )
    try:
        value = load_yaml(raw) if raw.strip() else None
    except yaml.YAMLError:
        value = raw
    if isinstance(value, dict | list):
        value = raw
    return key, value


#: Parameters every notebook has and the runner sets (``--param`` may not).
RUNNER_PARAMS = ("data_dir", "lang")


def notebook_parameters(path: Path) -> tuple[str, ...] | None:
    """The names the ``parameters`` cell of the notebook at ``path`` assigns, without the ones
    the runner sets; None when the notebook or its parameters cell cannot be read."""
    import ast

    try:
        cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    for cell in cells:
        if "parameters" not in (cell.get("metadata", {}).get("tags") or []):
            continue
        source = cell.get("source", "")
        try:
            tree = ast.parse("".join(source) if isinstance(source, list) else source)
        except SyntaxError:
            return None
        names = [
            target.id
            for node in tree.body
            if isinstance(node, ast.Assign | ast.AnnAssign)
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
            if isinstance(target, ast.Name)
        ]
        return tuple(dict.fromkeys(n for n in names if n not in RUNNER_PARAMS))
    return None


def _check_overrides(
    overrides: dict[str, Any], declared: dict[str, tuple[str, ...] | None]
) -> None:
    """Every ``--param`` name must be a parameter of a notebook of the selected reports."""
    known = {name for names in declared.values() if names for name in names}
    unknown = [key for key in overrides if key not in known]
    if not unknown:
        return
    listing = "; ".join(
        f"{nb}: {', '.join(names) if names else '(none)'}"
        for nb, names in declared.items()
        if names is not None
    )
    import difflib

    near = difflib.get_close_matches(unknown[0], sorted(known), n=1)
    hint = f" Did you mean {near[0]}?" if near else ""
    raise ConfigError(
        f"--param {', '.join(unknown)}: no notebook of the selected reports has "
        f"such a parameter; their parameters are {listing or 'none'}.{hint}"
    )


def expand_plan(
    config: Config,
    teams: list[str],
    surveys: list[str],
    only: list[str] | None = None,
    overrides: dict[str, Any] | None = None,
) -> list[Job]:
    """Turn the ``reports:`` entries into one :class:`Job` per report.

    ``for_each: team`` gives one report per team id (parameter ``team``), ``for_each: survey`` one
    per survey id. ``only`` keeps the reports whose notebook, report name or entry name is listed. ``overrides``
    (``--param``) set parameters of the notebooks that declare them (in their ``parameters``
    cell); a name no selected notebook declares is an error listing their parameters. A
    ``team``/``survey`` override selects that one team or survey, any other override changes the
    value and adds it to the report's name.
    """
    overrides = dict(overrides or {})
    declared = {
        nb: notebook_parameters(config.notebooks_dir / f"{nb}.ipynb")
        for nb in dict.fromkeys(str(e["notebook"]) for e in config.reports)
    }
    known = {"team": list(teams), "survey": list(surveys)}
    for key in ("team", "survey"):
        value = overrides.get(key)
        if value is not None and str(value) not in known[key]:
            listed = ", ".join(known[key]) or "none"
            raise ConfigError(f"--param {key}={value}: no such {key} in the data (known: {listed})")
    jobs: list[tuple[Job, bool]] = []
    for number, entry in enumerate(config.reports, start=1):
        notebook = str(entry["notebook"])
        base_params = dict(entry.get("params") or {})
        for_each = entry.get("for_each")
        base_name = str(entry.get("name") or notebook)
        if for_each:
            param = FOR_EACH_PARAM[for_each]
            values = known[for_each]
            if param in overrides and overrides[param] is not None:
                values = [v for v in values if v == str(overrides[param])]
            expanded = [(f"{base_name}_{slug(v)}", {**base_params, param: v}) for v in values]
        else:
            expanded = [(base_name, base_params)]
        accepts = declared.get(notebook)
        for name, params in expanded:
            changed = False
            for key, value in overrides.items():
                if for_each and key == FOR_EACH_PARAM[for_each]:
                    continue
                if accepts is not None and key not in accepts:
                    continue  # not a parameter of this notebook: the report stays as it is
                if params.get(key, object()) != value:
                    params = {**params, key: value}
                    if key not in ("team", "survey"):
                        name = f"{name}_{slug(key)}-{slug(value)}"
                    changed = True
            jobs.append((Job(name, notebook, params, number), changed))
    if only:
        wanted = set(only)
        # a notebook, a report, or an entry's name (``baseline``: every baseline_<team>)
        entries = {
            number: str(entry.get("name") or entry["notebook"])
            for number, entry in enumerate(config.reports, start=1)
        }
        matched = {j.notebook for j, _ in jobs} | {j.name for j, _ in jobs} | set(entries.values())
        missing = sorted(wanted - matched)
        if missing:
            names = ", ".join(sorted({j.notebook for j, _ in jobs}))
            raise ConfigError(
                f"--only {', '.join(missing)}: not in the report plan (notebooks: {names})"
            )
        jobs = [
            (j, c)
            for j, c in jobs
            if j.notebook in wanted or j.name in wanted or entries.get(j.entry) in wanted
        ]

    # An overridden entry that became the same notebook with the same parameters as another
    # report (an entry with team: x and --param team=y, beside the for_each entry) is that
    # report: keep it once.
    def ident(job: Job) -> tuple[str, str]:
        return job.notebook, json.dumps(job.params, sort_keys=True, default=str)

    plain = {ident(j) for j, changed in jobs if not changed}
    result, seen = [], set()
    for job, changed in jobs:
        if changed and (ident(job) in plain or ident(job) in seen):
            continue
        seen.add(ident(job))
        result.append(job)
    if overrides:  # checked on the reports selected, once --only has been applied
        _check_overrides(
            overrides, {nb: declared.get(nb) for nb in dict.fromkeys(j.notebook for j in result)}
        )
    names = [j.name for j in result]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ConfigError(
            f"workbook.yml: two reports are called {', '.join(duplicates)}; give each a distinct name: in workbook.yml"
        )
    return result


# ---------------------------------------------------------------- hashing


def _digest(parts: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def folder_files(folder: Path) -> dict[str, str]:
    """``relative path -> sha256`` of every data file in ``folder`` (hidden and ``~$`` lock files skipped)."""
    folder = Path(folder)
    files = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if not path.is_file() or any(p.startswith((".", "~$")) for p in rel.parts):
            continue
        files[rel.as_posix()] = sha256(path)
    return files


def data_hash(folder: Path, files: dict[str, str] | None = None) -> str:
    """One hash of the input data (``Dataset.files`` when given, else every file of ``folder``)."""
    return _digest(files if files else folder_files(folder))


def code_hash(config: Config) -> str:
    """Hash of the ``analysis`` package source plus the report-relevant settings of workbook.yml."""
    parts = code_files()
    settings = {
        "language": config.language,
        "min_count": config.min_count,
        "show_free_text": config.show_free_text,
        "kernel": config.kernel,
        "kolada": config.kolada,
        "runner": RUNNER_VERSION,
    }
    parts["<workbook.yml>"] = json.dumps(settings, sort_keys=True, default=str)
    return _digest(parts)


def notebook_hash(path: Path) -> str:
    """The notebook's cells (type, source, tags): an editor's metadata rebuilds nothing."""
    from ..io import notebook_hash as content_hash

    return content_hash(path)


def params_hash(params: dict[str, Any], lang: str) -> str:
    return _digest({"params": json.dumps(params, sort_keys=True, default=str), "lang": lang})


def cache_key(parts: dict[str, str]) -> str:
    """The cache key of one report from its parts (notebook, params, data, code)."""
    return _digest(parts)[:32]
