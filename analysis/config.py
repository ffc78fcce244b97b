"""Paths and ``workbook.yml``: the one place that knows where things are.

:func:`read_yaml` / :func:`load_yaml` parse every YAML file of the workbook (workbook.yml,
codebooks, driver diagrams, ``--param`` values) safely: no aliases, so no "billion laughs".
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CONFIG_FILE = "workbook.yml"
ENV_ROOT = "WORKBOOK_ROOT"
# The data folder of this run, over workbook.yml's `data:` (set by `workbook run --data DIR`; the
# runner's kernels inherit it).
ENV_DATA = "WORKBOOK_DATA"
LANGUAGES = ("sv", "en")
DATA_MARKERS = ("teams.csv", "teams.xlsx")
# A generated synthetic data folder other than sample_dir (`workbook sample --teams N`) holds this
# file, so that its reports carry the SAMPLE DATA banner too.
SAMPLE_MARKER = ".workbook-sample"
# a report's name and notebook become file names (outputs/<name>.html, notebooks/<notebook>.ipynb)
PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


class _NoAliasLoader(yaml.SafeLoader):
    """PyYAML's safe loader without aliases (``*name``, a reference to an ``&name`` anchor).

    A "billion laughs" file nests anchors that each repeat the previous one ten times: a few
    hundred bytes that grow to gigabytes when the data are walked (a driver file made
    ``workbook check`` use 8.7 GB). The workbook's files never need aliases, so any alias is a
    YAML error at its line."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise _alias_error(self.peek_event())
        return super().compose_node(parent, index)


def _alias_error(event: yaml.AliasEvent) -> yaml.YAMLError:
    return yaml.composer.ComposerError(
        None,
        None,
        f"'*{event.anchor}' repeats another part of the file (a YAML alias); "
        "aliases are not allowed here, write the value out in full",
        event.start_mark,
    )


def read_yaml(text: str) -> tuple[object, yaml.Node | None]:
    """Parse one YAML document without aliases: ``(data, node)``, the node for line numbers.

    Raises ``yaml.YAMLError`` (with ``problem_mark``) for invalid YAML and for any alias.
    With libyaml (PyYAML's C extension, in its wheels) the document is parsed in C: ~6x faster
    than PyYAML's Python parser, which every report paid for each survey codebook and driver
    diagram; the result, the line numbers and the errors are the same (tested both ways).
    """
    if _C_LOADER is not None:
        # aliases are refused before anything is composed, as _NoAliasLoader refuses them
        for event in yaml.parse(text, Loader=_C_LOADER):
            if isinstance(event, yaml.AliasEvent):
                raise _alias_error(event)
    loader = (_C_LOADER or _NoAliasLoader)(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return data, node


_C_LOADER = getattr(yaml, "CSafeLoader", None)  # None: PyYAML built without libyaml


def load_yaml(text: str) -> object:
    """The data of one YAML document, parsed as :func:`read_yaml` does."""
    return read_yaml(text)[0]


class ConfigError(ValueError):
    """workbook.yml or a parameter is wrong; the message says what to change."""


def find_root(start: Path | None = None) -> Path:
    """Return the project root: $WORKBOOK_ROOT, else the nearest folder holding workbook.yml."""
    if os.environ.get(ENV_ROOT):
        return Path(os.environ[ENV_ROOT]).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    package_root = Path(__file__).resolve().parent.parent
    if (package_root / CONFIG_FILE).is_file():
        return package_root
    raise ConfigError(
        f"could not find {CONFIG_FILE} in {here} or any parent folder; "
        f"run the command inside the workbook repository or set {ENV_ROOT}"
    )


@dataclass(frozen=True)
class Config:
    """The project configuration read from ``workbook.yml``."""

    root: Path
    data: str = "auto"
    raw_dir: Path = Path("data/raw")
    sample_dir: Path = Path("data/sample")
    processed_dir: Path = Path("data/processed")
    outputs_dir: Path = Path("outputs")
    private_dir: Path = Path("outputs-private")  # executed notebooks, run logs: the analyst's only
    language: str = "sv"
    min_count: int = 5
    show_free_text: bool = False
    kernel: str = "python3"
    cell_timeout: int = 600
    workers: int | str = "auto"
    kolada: dict[str, Any] = field(default_factory=dict)
    reports: tuple[dict[str, Any], ...] = ()

    @property
    def notebooks_dir(self) -> Path:
        return self.root / "notebooks"

    def data_dir(self) -> Path:
        """The data folder reports use: ``$WORKBOOK_DATA`` or ``data:`` of workbook.yml when it
        names a folder, else data/raw when it holds data, else data/sample."""
        if self.data not in ("auto", "raw", "sample"):
            return (self.root / self.data).resolve()
        if self.data == "sample":
            return self.sample_dir
        if self.data == "raw" or has_data(self.raw_dir):
            return self.raw_dir
        return self.sample_dir

    def is_sample(self, folder: Path) -> bool:
        """True for the sample folder and for any generated synthetic folder (``SAMPLE_MARKER``)."""
        folder = Path(folder)
        return folder.resolve() == self.sample_dir.resolve() or (folder / SAMPLE_MARKER).is_file()


def has_data(folder: Path) -> bool:
    """True when ``folder`` holds a teams table (the marker of a data folder)."""
    return any((Path(folder) / name).is_file() for name in DATA_MARKERS)


def load_config(root: Path | None = None) -> Config:
    """Read ``workbook.yml`` from the project root and return a validated :class:`Config`."""
    root = Path(root).resolve() if root else find_root()
    path = root / CONFIG_FILE
    try:
        raw = load_yaml(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError as exc:
        raise ConfigError(f"{path} is missing; copy it from the repository") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path} is not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"{path} must be a mapping of settings")
    known = {
        "data",
        "raw_dir",
        "sample_dir",
        "processed_dir",
        "outputs_dir",
        "private_dir",
        "language",
        "privacy",
        "run",
        "kolada",
        "reports",
    }
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ConfigError(
            f"{path}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )
    language = str(raw.get("language", "sv"))
    if language not in LANGUAGES:
        raise ConfigError(
            f"{path}: language must be one of {', '.join(LANGUAGES)}, not {language!r}"
        )
    privacy = raw.get("privacy") or {}
    run = raw.get("run") or {}
    min_count = int(privacy.get("min_count", 5))
    if min_count < 1:
        raise ConfigError(f"{path}: privacy.min_count must be at least 1")
    reports = raw.get("reports") or []
    for i, entry in enumerate(reports, start=1):
        if not isinstance(entry, dict) or "notebook" not in entry:
            raise ConfigError(f"{path}: reports entry {i} needs a 'notebook'")
        if entry.get("for_each") not in (None, "team", "survey"):
            raise ConfigError(f"{path}: reports entry {i}: for_each must be 'team' or 'survey'")
        for key, becomes in (
            ("notebook", "notebooks/<notebook>.ipynb"),
            ("name", "outputs/<name>.html"),
        ):
            value = entry.get(key)
            if value is not None and not PLAIN_NAME.fullmatch(str(value)):
                raise ConfigError(
                    f"{path}: reports entry {i}: {key} {str(value)[:80]!r} must be a "
                    f"plain name of letters, digits, '_' and '-' (it becomes {becomes})"
                )
    return Config(
        root=root,
        data=str(os.environ.get(ENV_DATA) or raw.get("data", "auto")),
        raw_dir=(root / raw.get("raw_dir", "data/raw")).resolve(),
        sample_dir=(root / raw.get("sample_dir", "data/sample")).resolve(),
        processed_dir=(root / raw.get("processed_dir", "data/processed")).resolve(),
        outputs_dir=(root / raw.get("outputs_dir", "outputs")).resolve(),
        private_dir=(root / raw.get("private_dir", "outputs-private")).resolve(),
        language=language,
        min_count=min_count,
        show_free_text=bool(privacy.get("show_free_text", False)),
        kernel=str(run.get("kernel", "python3")),
        cell_timeout=int(run.get("cell_timeout", 600)),
        workers=run.get("workers", "auto"),
        kolada=dict(raw.get("kolada") or {}),
        reports=tuple(dict(r) for r in reports),
    )
