"""analysis.drivers: reading, validating and linking driver diagrams; the figure draws."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from analysis import drivers
from analysis.io import DataError

GOOD = textwrap.dedent("""\
    team_id: nassjo
    aim: "Alla nyblivna föräldrar får ett gemensamt hembesök senast 2021"
    primary_drivers:
      - id: P1
        text: "Föräldrar vill ha hembesöket"
        secondary_drivers:
          - id: S1
            text: "Information redan på MVC"
            change_ideas:
              - id: C1
                text: "Samtal på MVC"
                changes: [1]
                measures: [hembesok]
              - id: C2
                text: "SMS-påminnelse"
                changes: [2]
                measures: [hembesok, deltagande]
      - id: P2
        text: "BVC och socialtjänst planerar tillsammans"
        secondary_drivers:
          - id: S2
            text: "Gemensam kalender"
            change_ideas:
              - id: C3
                text: "Veckovis avstämning"
                changes: []
                measures: []
    """)

CHANGES = pd.DataFrame(
    {
        "team_id": ["nassjo", "nassjo", "other"],
        "change_no": pd.array([1, 2, 3], dtype="Int64"),
        "date": pd.to_datetime(["2020-09-01", "2020-11-01", "2020-01-01"]),
        "title": ["a", "b", "c"],
        "pdsa_step": ["act", "plan", "do"],
        "measures": ["hembesok", "hembesok", "x"],
    }
)
MEASURES = pd.DataFrame(
    {"team_id": ["nassjo", "nassjo", "other"], "measure_id": ["hembesok", "deltagande", "narvaro"]}
)
TEAMS = pd.DataFrame({"team_id": ["nassjo", "other"]})


def write(tmp_path, body, name="nassjo.yml"):
    folder = tmp_path / "drivers"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(body, encoding="utf-8")
    return path


def test_reads_the_tree(tmp_path):
    diagram = drivers.load_drivers(
        tmp_path if write(tmp_path, GOOD) else None, "nassjo", CHANGES, MEASURES, TEAMS
    )
    nodes = diagram.nodes.set_index("node_id")
    assert diagram.team_id == "nassjo" and diagram.aim.startswith("Alla nyblivna")
    assert list(nodes["level"]) == [
        "aim",
        "primary",
        "secondary",
        "idea",
        "idea",
        "primary",
        "secondary",
        "idea",
    ]
    assert nodes.loc["C2", "parent_id"] == "S1" and nodes.loc["S1", "parent_id"] == "P1"
    assert nodes.loc["C2", "changes"] == (2,)
    assert nodes.loc["C2", "measures"] == ("hembesok", "deltagande")
    assert nodes.loc["C1", "line"] == 10  # "- id: C1" is line 10 of the file


def test_no_file_is_none(tmp_path):
    assert drivers.load_drivers(tmp_path, "aneby") is None


def test_unknown_change_and_measure_name_file_line_and_path(tmp_path):
    bad = GOOD.replace("changes: [2]", "changes: [2, 7]").replace(
        "measures: []", "measures: [okand]"
    )
    path = write(tmp_path, bad)
    problems = drivers.check_drivers(path, CHANGES, MEASURES, TEAMS, root=tmp_path)
    assert len(problems) == 2
    change, measure = problems
    assert change.file == "drivers/nassjo.yml"
    assert change.column == "primary_drivers[0].secondary_drivers[0].change_ideas[1].changes[1]"
    assert change.row == 16
    assert "change 7" in change.message and "known change numbers: 1, 2" in change.hint
    assert measure.column == "primary_drivers[1].secondary_drivers[0].change_ideas[0].measures[0]"
    assert "okand" in measure.message and measure.row == 27
    with pytest.raises(DataError) as err:
        drivers.load_drivers(tmp_path, "nassjo", CHANGES, MEASURES, TEAMS)
    assert len(err.value.problems) == 2


def test_another_teams_change_is_unknown(tmp_path):
    # change 3 exists, but in team 'other'
    path = write(tmp_path, GOOD.replace("changes: [1]", "changes: [3]"))
    problems = drivers.check_drivers(path, CHANGES, MEASURES, TEAMS)
    assert [p.column for p in problems] == [
        "primary_drivers[0].secondary_drivers[0].change_ideas[0].changes[0]"
    ]


def test_structure_problems_all_at_once(tmp_path):
    body = textwrap.dedent("""\
        team_id: aneby
        primary_drivers:
          - id: P1
            txt: "typo"
            secondary_drivers:
              - id: P1
                text: "duplicate id"
                change_ideas:
                  - id: C1
                    text: "x"
                    changes: [ett]
        """)
    path = write(tmp_path, body)
    messages = [str(p) for p in drivers.check_drivers(path)]
    joined = "\n".join(messages)
    assert "does not match the file name" in joined  # team_id aneby in nassjo.yml
    assert "'aim' is missing" in joined
    assert "unknown key 'txt'" in joined and "'text' is missing" in joined
    assert "used twice" in joined
    assert "'ett' is not a whole number" in joined
    assert all(m.startswith("drivers/nassjo.yml") for m in messages)


def test_invalid_yaml_names_the_line(tmp_path):
    path = write(tmp_path, "team_id: nassjo\naim: [unclosed\nprimary_drivers: []\n")
    problems = drivers.check_drivers(path)
    assert len(problems) == 1 and "not valid YAML" in problems[0].message
    assert problems[0].row is not None


def test_unknown_team(tmp_path):
    path = write(tmp_path, GOOD.replace("nassjo", "ghost"), name="ghost.yml")
    problems = drivers.check_drivers(path, CHANGES, MEASURES, TEAMS)
    assert any("not in teams.csv" in p.message for p in problems)


def test_idea_status_tested_planned_not_started(tmp_path):
    write(tmp_path, GOOD)
    diagram = drivers.load_drivers(tmp_path, "nassjo", CHANGES, MEASURES, TEAMS)
    status = drivers.idea_status(diagram, CHANGES).set_index("node_id")
    # C1 -> change 1 at 'act': tested; C2 -> change 2 at 'plan': planned; C3: no change
    assert status.loc["C1", "state"] == "tested"
    assert status.loc["C2", "state"] == "planned"
    assert status.loc["C3", "state"] == "not_started"
    assert status.loc["C1", "first_date"] == pd.Timestamp("2020-09-01")


def test_driver_diagram_figure(tmp_path):
    from analysis.plots.goals import driver_diagram

    write(tmp_path, GOOD)
    diagram = drivers.load_drivers(tmp_path, "nassjo", CHANGES, MEASURES, TEAMS)
    fig = driver_diagram(diagram.nodes, drivers.idea_status(diagram, CHANGES), title="Nässjö")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert any(
        t.startswith("\u2713 C1") for t in texts
    )  # tested ideas are marked, not only by colour
    assert not any(t.startswith("\u2713 C2") for t in texts)
    plt.close(fig)


LAUGHS = textwrap.dedent("""\
    team_id: nassjo
    a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
    d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
    e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
    f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
    g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]
    h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]
    i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]
    aim: *i
    primary_drivers: []
""")


def test_a_billion_laughs_is_refused_with_the_file_and_line(tmp_path):
    """Issue 19: the aliases of this file expand to 10^9 strings (8.7 GB in `workbook check`)."""
    path = write(tmp_path, LAUGHS)
    problems = drivers.check_drivers(path, root=tmp_path)
    assert len(problems) == 1
    assert problems[0].file == "drivers/nassjo.yml" and problems[0].row == 3  # the first alias
    assert "alias" in problems[0].message and "not valid YAML" in problems[0].message
