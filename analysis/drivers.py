"""Driver diagrams (påverkansanalys): ``drivers/<team_id>.yml``, validated and linked to the PDSA log.

Format (one file per team)::

    team_id: nassjo
    aim: "..."
    primary_drivers:            # "vad?"
      - id: P1
        text: "..."
        secondary_drivers:      # "hur?"
          - id: S1
            text: "..."
            change_ideas:
              - id: C1
                text: "..."
                changes: [1, 2]       # change_no in changes.csv (this team)
                measures: [hembesok]  # measure_id in measures.csv (this team)

Every problem is an :class:`analysis.io.Problem` naming the file, the line (``row``) and the path
inside the YAML (``column``, e.g. ``primary_drivers[0].secondary_drivers[1].change_ideas[0].changes``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from .config import read_yaml
from .io import DataError, Problem

__all__ = [
    "DriverDiagram",
    "read_drivers",
    "check_drivers",
    "load_drivers",
    "idea_status",
    "NODE_COLUMNS",
    "IDEA_STATES",
]

NODE_COLUMNS = ["node_id", "level", "text", "parent_id", "changes", "measures", "path", "line"]
LEVELS = ("aim", "primary", "secondary", "idea")
#: Test state of a change idea, from its PDSA log entries (labels ``goals_idea_<state>``).
IDEA_STATES = ("tested", "planned", "not_started")

_KEYS = {
    "": {"team_id", "aim", "primary_drivers"},
    "primary": {"id", "text", "secondary_drivers"},
    "secondary": {"id", "text", "change_ideas"},
    "idea": {"id", "text", "changes", "measures"},
}


@dataclass(frozen=True)
class DriverDiagram:
    """A team's driver diagram as a tidy node table.

    ``nodes``: node_id, level (aim / primary / secondary / idea), text, parent_id (None for the
    aim), changes (tuple of change_no, ideas only), measures (tuple of measure ids, ideas only).
    path (where in the YAML), line (in the file). The aim's node_id is ``"AIM"``. ``lines`` maps
    every YAML path to its line.
    """

    team_id: str
    aim: str
    nodes: pd.DataFrame
    file: str
    lines: dict[str, int] = field(default_factory=dict, repr=False)

    def ideas(self) -> pd.DataFrame:
        return self.nodes[self.nodes["level"] == "idea"].reset_index(drop=True)


def _lines(node: yaml.Node, path: str = "", out: dict | None = None) -> dict[str, int]:
    """Map every YAML path (``a[0].b``) to its 1-based line number."""
    out = {} if out is None else out
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = f"{path}.{key.value}" if path else str(key.value)
            out[sub] = key.start_mark.line + 1
            _lines(value, sub, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            sub = f"{path}[{i}]"
            out[sub] = item.start_mark.line + 1
            _lines(item, sub, out)
    return out


def _parse(path: Path, name: str) -> tuple[dict | None, dict[str, int], list[Problem]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        return None, {}, [Problem(name, "the file is not UTF-8 text", hint="save it as UTF-8")]
    except OSError as exc:
        return None, {}, [Problem(name, f"cannot read the file: {exc}")]
    try:
        data, node = read_yaml(text)  # no aliases: a "billion laughs" file is an error
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return (
            None,
            {},
            [
                Problem(
                    name,
                    f"not valid YAML: {getattr(exc, 'problem', exc)}",
                    row=mark.line + 1 if mark else None,
                    hint="check indentation and that texts with ':' are quoted",
                )
            ],
        )
    if not isinstance(data, dict):
        return (
            None,
            {},
            [Problem(name, "the file must be a mapping with team_id, aim and primary_drivers")],
        )
    return data, _lines(node) if node is not None else {}, []


def read_drivers(
    path: str | Path, root: str | Path | None = None
) -> tuple[DriverDiagram | None, list[Problem]]:
    """Read and check the structure of one driver-diagram file.

    Returns ``(diagram, problems)``; ``diagram`` is None when the file cannot be used at all.
    ``root`` makes the file name in problems relative (``drivers/nassjo.yml``).
    """
    path = Path(path)
    name = str(path.relative_to(root)) if root else f"drivers/{path.name}"
    data, lines, problems = _parse(path, name)
    if data is None:
        return None, problems

    def problem(where: str, message: str, hint: str = "") -> None:
        line = lines.get(where)
        while line is None and where:
            where_parent = where.rsplit(".", 1)[0] if "." in where else where.split("[")[0]
            if where_parent == where:
                break
            where = where_parent
            line = lines.get(where)
        problems.append(Problem(name, message, row=line, column=where or None, hint=hint))

    def text_of(obj: dict, where: str, key: str = "text") -> str:
        value = obj.get(key)
        if value is None or not str(value).strip():
            problem(f"{where}.{key}" if where else key, f"'{key}' is missing or empty")
            return ""
        return str(value).strip()

    def unknown_keys(obj: dict, where: str, level: str) -> None:
        for key in sorted(set(map(str, obj)) - _KEYS[level]):
            problem(
                f"{where}.{key}" if where else key,
                f"unknown key '{key}'",
                hint=f"known keys: {', '.join(sorted(_KEYS[level]))}",
            )

    def items(obj: dict, where: str, key: str) -> list:
        value = obj.get(key)
        sub = f"{where}.{key}" if where else key
        if value is None:
            problem(sub, f"'{key}' is missing", hint="give a list (it may be empty: [])")
            return []
        if not isinstance(value, list):
            problem(sub, f"'{key}' must be a list")
            return []
        return value

    unknown_keys(data, "", "")
    team_id = str(data.get("team_id") or "").strip()
    if not team_id:
        problem("team_id", "'team_id' is missing")
    elif team_id != path.stem:
        problem(
            "team_id",
            f"team_id '{team_id}' does not match the file name '{path.name}'",
            hint=f"name the file drivers/{team_id}.yml",
        )
    aim = text_of(data, "", "aim")
    rows = [
        {
            "node_id": "AIM",
            "level": "aim",
            "text": aim,
            "parent_id": None,
            "changes": (),
            "measures": (),
            "path": "aim",
            "line": lines.get("aim"),
        }
    ]
    seen: dict[str, str] = {}

    def add(node: object, where: str, level: str, parent: str) -> str | None:
        if not isinstance(node, dict):
            problem(where, "each entry must be a mapping with 'id' and 'text'")
            return None
        unknown_keys(node, where, level)
        node_id = str(node.get("id") or "").strip()
        if not node_id:
            problem(f"{where}.id", "'id' is missing")
            return None
        if node_id in seen or node_id == "AIM":
            problem(
                f"{where}.id",
                f"id '{node_id}' is used twice (also at {seen.get(node_id, 'the aim')})",
                hint="give every driver and idea its own id",
            )
            node_id = f"{node_id}@{where}"  # keep checking what lies below it
        seen[node_id] = where
        row = {
            "node_id": node_id,
            "level": level,
            "text": text_of(node, where),
            "parent_id": parent,
            "changes": (),
            "measures": (),
            "path": where,
            "line": lines.get(where),
        }
        if level == "idea":
            changes, measures = [], []
            for key, store in (("changes", changes), ("measures", measures)):
                value = node.get(key, [])
                if value is None:
                    value = []
                if not isinstance(value, list):
                    value = [value]
                for i, item in enumerate(value):
                    if key == "changes":
                        if (
                            isinstance(item, bool)
                            or not isinstance(item, int)
                            and not str(item).isdigit()
                        ):
                            problem(
                                f"{where}.changes[{i}]",
                                f"change number {item!r} is not a whole number",
                                hint="use change_no from changes.csv",
                            )
                            continue
                        store.append(int(item))
                    else:
                        store.append(str(item).strip())
            row["changes"], row["measures"] = tuple(changes), tuple(measures)
        rows.append(row)
        return node_id

    for i, primary in enumerate(items(data, "", "primary_drivers")):
        where = f"primary_drivers[{i}]"
        pid = add(primary, where, "primary", "AIM")
        if pid is None:
            continue
        for j, secondary in enumerate(items(primary, where, "secondary_drivers")):
            swhere = f"{where}.secondary_drivers[{j}]"
            sid = add(secondary, swhere, "secondary", pid)
            if sid is None:
                continue
            for k, idea in enumerate(items(secondary, swhere, "change_ideas")):
                add(idea, f"{swhere}.change_ideas[{k}]", "idea", sid)
    nodes = pd.DataFrame(rows, columns=NODE_COLUMNS)
    nodes["node_id"] = nodes["node_id"].astype("string")
    nodes["level"] = nodes["level"].astype("string")
    nodes["text"] = nodes["text"].astype("string")
    nodes["line"] = nodes["line"].astype("Int64")
    diagram = DriverDiagram(
        team_id=team_id or path.stem, aim=aim, nodes=nodes, file=name, lines=lines
    )
    return diagram, problems


def check_drivers(
    path: str | Path,
    changes: pd.DataFrame | None = None,
    measures: pd.DataFrame | None = None,
    teams: pd.DataFrame | None = None,
    root: str | Path | None = None,
) -> list[Problem]:
    """Every problem of one driver-diagram file, including links to the PDSA log and measures.

    ``changes``, ``measures`` and ``teams`` are the Dataset tables (all teams); a change number
    that is not in this team's PDSA log, or a measure id not among this team's measures, is a
    problem naming file, line and YAML path.
    """
    diagram, problems = read_drivers(path, root)
    if diagram is None:
        return problems
    problems.extend(_link_problems(diagram, changes, measures, teams))
    return problems


def _link_problems(diagram: DriverDiagram, changes, measures, teams) -> list[Problem]:
    problems: list[Problem] = []
    lines = diagram.lines
    team = diagram.team_id
    if teams is not None and team not in set(teams["team_id"].astype(str)):
        problems.append(
            Problem(
                diagram.file,
                f"team '{team}' is not in teams.csv",
                row=lines.get("team_id"),
                column="team_id",
                hint="use a team_id from teams.csv",
            )
        )
    known_changes = known_measures = None
    if changes is not None:
        known_changes = set(
            changes.loc[changes["team_id"] == team, "change_no"].dropna().astype(int)
        )
    if measures is not None:
        known_measures = set(measures.loc[measures["team_id"] == team, "measure_id"].astype(str))
    for idea in diagram.ideas().itertuples(index=False):
        where = idea.path
        if known_changes is not None:
            for i, no in enumerate(idea.changes):
                if no not in known_changes:
                    sub = f"{where}.changes[{i}]"
                    problems.append(
                        Problem(
                            diagram.file,
                            f"change {no} of idea '{idea.node_id}' is not in changes.csv for team '{team}'",
                            row=lines.get(sub, lines.get(where)),
                            column=sub,
                            hint=f"known change numbers: {', '.join(map(str, sorted(known_changes))) or 'none yet'}",
                        )
                    )
        if known_measures is not None:
            for i, mid in enumerate(idea.measures):
                if mid not in known_measures:
                    sub = f"{where}.measures[{i}]"
                    problems.append(
                        Problem(
                            diagram.file,
                            f"measure '{mid}' of idea '{idea.node_id}' is not in measures.csv for team '{team}'",
                            row=lines.get(sub, lines.get(where)),
                            column=sub,
                            hint=f"known measures: {', '.join(sorted(known_measures)) or 'none'}",
                        )
                    )
    return problems


def load_drivers(
    folder: str | Path,
    team_id: str,
    changes: pd.DataFrame | None = None,
    measures: pd.DataFrame | None = None,
    teams: pd.DataFrame | None = None,
) -> DriverDiagram | None:
    """Read ``<folder>/drivers/<team_id>.yml``, validated; None when the team has no file.

    Raises :class:`analysis.io.DataError` listing every problem.
    """
    folder = Path(folder)
    path = folder / "drivers" / f"{team_id}.yml"
    if not path.is_file():
        alt = path.with_suffix(".yaml")
        if not alt.is_file():
            return None
        path = alt
    diagram, problems = read_drivers(path, folder)
    if diagram is not None:
        problems.extend(_link_problems(diagram, changes, measures, teams))
    if problems:
        raise DataError(problems)
    return diagram


def idea_status(diagram: DriverDiagram, changes: pd.DataFrame) -> pd.DataFrame:
    """Each change idea with its PDSA log entries and test state.

    ``tested``: at least one linked change has reached do, study or act; ``planned``: linked
    changes are all at plan; ``not_started``: no linked change. Returns node_id, text, parent_id,
    changes, measures, n_changes, first_date, latest_step, state.
    """
    log = changes[changes["team_id"] == diagram.team_id]
    rows = []
    for idea in diagram.ideas().itertuples(index=False):
        linked = log[log["change_no"].isin(list(idea.changes))]
        steps = set(linked["pdsa_step"].astype(str))
        state = (
            "tested" if steps & {"do", "study", "act"} else "planned" if steps else "not_started"
        )
        latest = linked.sort_values("date")["pdsa_step"].iloc[-1] if len(linked) else pd.NA
        rows.append(
            {
                "node_id": idea.node_id,
                "text": idea.text,
                "parent_id": idea.parent_id,
                "changes": idea.changes,
                "measures": idea.measures,
                "n_changes": len(linked),
                "first_date": linked["date"].min() if len(linked) else pd.NaT,
                "latest_step": latest,
                "state": state,
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "node_id",
            "text",
            "parent_id",
            "changes",
            "measures",
            "n_changes",
            "first_date",
            "latest_step",
            "state",
        ],
    )
