"""The network's change menu (förändringsmeny), spread of changes and stories beside measures
(issue 17): frames in, frames out, nothing formatted for a report.

* **Which changes are "the same idea".** A row of ``changes.csv`` may name its idea in the
  optional ``idea`` column (an id such as ``sms_franvaro``, the same in every team that tests
  it). Without one, the change's title is the idea, normalised (:func:`normalise_title`:
  Unicode NFKC, case folded, punctuation dropped, white space collapsed), so "Sms-påminnelse
  inför hembesöket" and "sms påminnelse inför hembesöket." are one idea and a typo is another.
  The ``idea_source`` column says which rule named it ("idea" / "title").
* **PDSA cycles.** One row of the PDSA log (a ``change_no``) is one cycle of testing the idea;
  a team that tests an idea in several rows (a ramp of cycles, each with its own number) has
  that many cycles of it.
* **Spread** (``spread.csv``): each row says whether a unit (a class, a family centre, a school)
  had adopted a team's change on a date. A unit's state holds from its row's date until its
  next row (a later "no" is a unit that stopped). :func:`adoption` counts the units whose
  latest state is "adopted" after every date on which a state was recorded: a step function.
* **Stories** (``stories.csv``): a story without consent is never used, whatever else is set.
  :func:`team_stories` numbers a team's consented stories in date order (the numbers on its
  charts) and places each on a period.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

import pandas as pd

from .measures import change_period

__all__ = [
    "ADOPTION_METHOD",
    "IDEA_SOURCES",
    "adoption",
    "adoption_now",
    "best_story",
    "change_ideas",
    "change_menu",
    "change_verdicts",
    "idea_keys",
    "normalise_title",
    "team_stories",
]

IDEA_SOURCES = ("idea", "title")
ADOPTION_METHOD = (
    "units whose latest recorded state on or before the date is 'adopted' (spread.csv; a state "
    "holds until the unit's next row)"
)
MENU_COLUMNS = [
    "idea_key",
    "idea_source",
    "title",
    "team_id",
    "team_name",
    "focus_area",
    "change_nos",
    "n_cycles",
    "first_date",
    "latest_step",
    "measures",
    "primary_driver",
    "secondary_driver",
    "driver_idea",
    "units_adopted",
    "units_named",
]


def normalise_title(title: object) -> str:
    """A change title as ideas are matched: NFKC, case folded, punctuation and symbols dropped
    (letters with å/ä/ö kept), white space collapsed."""
    text = unicodedata.normalize("NFKC", "" if title is None else str(title)).casefold()
    text = "".join(
        " " if unicodedata.category(ch)[0] in "PSZC" else ch for ch in text
    )  # punctuation, symbols, separators, controls
    return re.sub(r"\s+", " ", text).strip()


def idea_keys(changes: pd.DataFrame) -> pd.DataFrame:
    """``changes`` with ``idea_key`` (the idea id, else ``title:`` and the normalised title) and
    ``idea_source`` ("idea" / "title"). A new frame."""
    explicit = (
        changes["idea"].astype("str").str.strip()
        if "idea" in changes
        else pd.Series(pd.NA, index=changes.index, dtype="str")
    )
    has = explicit.notna() & (explicit != "")
    by_title = "title:" + changes["title"].map(normalise_title)
    return changes.assign(
        idea_key=explicit.where(has, by_title).astype(str),
        idea_source=pd.Series("title", index=changes.index).where(~has, "idea"),
    )


def _driver_of(diagram, change_nos: list[int]) -> tuple[str, str, str, str]:
    """(primary id, primary text, secondary text, idea text) of the first idea node of the
    diagram that names one of ``change_nos``; blanks when none does."""
    if diagram is None:
        return "", "", "", ""
    nodes = diagram.nodes
    by_id = nodes.set_index("node_id")
    for idea in nodes[nodes["level"] == "idea"].itertuples(index=False):
        if set(int(c) for c in idea.changes) & set(change_nos):
            secondary = by_id.loc[idea.parent_id]
            primary_id = secondary["parent_id"]
            return (
                str(primary_id),
                str(by_id.loc[primary_id, "text"]),
                str(secondary["text"]),
                str(idea.text),
            )
    return "", "", "", ""


def adoption(spread: pd.DataFrame) -> pd.DataFrame:
    """Units adopting each team's change over time, one row per team, change and date on which a
    state was recorded: team_id, change_no, date, adopted_units (units whose latest state on or
    before the date is adopted), units (units named so far), method."""
    columns = ["team_id", "change_no", "date", "adopted_units", "units", "method"]
    if spread.empty:
        return pd.DataFrame(columns=columns)
    keys = ["team_id", "change_no"]
    # a unit's state on a date: its last row of that date in the file
    last = spread.sort_values([*keys, "date"], kind="stable").drop_duplicates(
        [*keys, "date", "unit"], keep="last"
    )
    last = last.sort_values([*keys, "unit", "date"], kind="stable")
    state = last["adopted"].astype(bool).astype(int)
    before = state.groupby([last[k] for k in [*keys, "unit"]]).shift(1)
    # what each row changes: +1 unit when a unit is first named; adopted +1 / -1 when it starts /
    # stops (a vectorised walk over the dates: the counts are cumulative sums of these steps)
    steps = pd.DataFrame(
        {
            "team_id": last["team_id"].astype(str),
            "change_no": last["change_no"].astype(int),
            "date": last["date"],
            "adopted_units": state - before.fillna(0).astype(int),
            "units": before.isna().astype(int),
        }
    )
    per_date = steps.groupby([*keys, "date"], sort=True)[["adopted_units", "units"]].sum()
    counts = per_date.groupby(level=[0, 1]).cumsum().reset_index()
    return counts.assign(
        adopted_units=counts["adopted_units"].astype(int),
        units=counts["units"].astype(int),
        date=pd.to_datetime(counts["date"]),
        method=ADOPTION_METHOD,
    )[columns]


def adoption_now(spread: pd.DataFrame) -> pd.DataFrame:
    """The latest state of each team's change: team_id, change_no, date, adopted_units, units,
    adopted (the names of the adopting units, sorted)."""
    curve = adoption(spread)
    if curve.empty:
        return pd.DataFrame(
            columns=["team_id", "change_no", "date", "adopted_units", "units", "adopted"]
        )
    latest = curve.groupby(["team_id", "change_no"], sort=True).tail(1).reset_index(drop=True)
    # each unit's last row (a unit's last row on one date wins, as in adoption)
    last = (
        spread.sort_values("date", kind="stable").groupby(["team_id", "change_no", "unit"]).tail(1)
    )
    adopting = (
        last[last["adopted"].astype(bool)]
        .groupby(["team_id", "change_no"])["unit"]
        .agg(lambda units: tuple(sorted(units.astype(str))))
    )
    names = [adopting.get((r.team_id, r.change_no), ()) for r in latest.itertuples(index=False)]
    return latest.drop(columns="method").assign(adopted=names)


def change_menu(
    changes: pd.DataFrame,
    teams: pd.DataFrame,
    diagrams: Mapping[str, object] | None = None,
    spread: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every change idea tested by a team, one row per idea and team (:data:`MENU_COLUMNS`).

    ``diagrams``: team id -> ``analysis.drivers.DriverDiagram`` (or None): the driver the idea
    serves (the diagram's idea node that names one of the team's change numbers). ``spread``:
    ``spread.csv``; ``units_adopted`` counts the units adopting any of the idea's changes now,
    ``units_named`` the units spread.csv names for them (0 and 0 without rows).
    """
    keyed = idea_keys(changes)
    team_rows = teams.set_index("team_id")
    now = adoption_now(spread if spread is not None else pd.DataFrame())
    rows = []
    for (key, team), own in keyed.groupby(["idea_key", "team_id"], sort=True):
        own = own.sort_values(["date", "change_no"])
        nos = [int(n) for n in own["change_no"]]
        primary_id, primary, secondary, node = _driver_of((diagrams or {}).get(team), nos)
        measures = tuple(
            dict.fromkeys(
                m.strip()
                for v in own["measures"].fillna("")
                for m in str(v).split(",")
                if m.strip()
            )
        )
        adopting: set[str] = set()
        named = 0
        if spread is not None and not spread.empty:
            mine = spread[(spread["team_id"] == team) & spread["change_no"].isin(nos)]
            named = int(mine["unit"].nunique())
            for r in now[(now["team_id"] == team) & now["change_no"].isin(nos)].itertuples():
                adopting.update(r.adopted)
        rows.append(
            {
                "idea_key": key,
                "idea_source": own["idea_source"].iloc[0],
                "title": str(own["title"].iloc[0]),
                "team_id": str(team),
                "team_name": str(team_rows.at[team, "team_name"])
                if team in team_rows.index
                else team,
                "focus_area": str(team_rows.at[team, "focus_area"])
                if team in team_rows.index
                else "",
                "change_nos": tuple(nos),
                "n_cycles": len(nos),
                "first_date": pd.Timestamp(own["date"].iloc[0]),
                "latest_step": str(own["pdsa_step"].iloc[-1]),
                "measures": measures,
                "primary_driver": primary,
                "secondary_driver": secondary,
                "driver_idea": node,
                "units_adopted": len(adopting),
                "units_named": named,
            }
        )
    out = pd.DataFrame(rows, columns=MENU_COLUMNS)
    return out.sort_values(
        ["focus_area", "primary_driver", "idea_key", "team_id"], kind="stable"
    ).reset_index(drop=True)


def change_ideas(menu: pd.DataFrame) -> pd.DataFrame:
    """One row per idea of :func:`change_menu`: idea_key, title (of its first test), teams
    (tuple of team ids in order of first test), n_teams, n_cycles (all teams), focus_areas."""
    rows = []
    for key, own in menu.sort_values("first_date", kind="stable").groupby("idea_key", sort=False):
        rows.append(
            {
                "idea_key": key,
                "title": own["title"].iloc[0],
                "teams": tuple(own["team_id"]),
                "n_teams": len(own),
                "n_cycles": int(own["n_cycles"].sum()),
                "focus_areas": tuple(dict.fromkeys(own["focus_area"])),
            }
        )
    columns = ["idea_key", "title", "teams", "n_teams", "n_cycles", "focus_areas"]
    out = pd.DataFrame(rows, columns=columns)
    return out.sort_values(["n_teams", "idea_key"], ascending=[False, True]).reset_index(drop=True)


def change_verdicts(effects_table: pd.DataFrame, change_nos) -> pd.DataFrame:
    """The rows of a team's ``effects.team_effects(...).table`` that judge one of ``change_nos``
    (a row judging a group of changes, ``changes`` "1, 2", is included when one of them is), in
    the table's order. The verdict itself is read from these rows exactly as the team report
    reads it (``analysis.text.effects.short_verdict``)."""
    if effects_table.empty:
        return effects_table
    wanted = {int(n) for n in change_nos}
    hit = effects_table["changes"].map(
        lambda v: bool({int(x) for x in str(v).split(",") if x.strip()} & wanted)
    )
    return effects_table[hit.astype(bool)].reset_index(drop=True)


def team_stories(stories: pd.DataFrame, measures: pd.DataFrame | None = None) -> pd.DataFrame:
    """A team's stories that may be used (consent given), numbered 1, 2, ... in date order:
    the stories' columns and ``no`` and ``at`` (the period the story is placed on: its
    ``period``, else the period of its measure that contains its date, else its date)."""
    usable = stories[stories["consent"].astype(bool)].sort_values(["date", "title"], kind="stable")
    frequency = {}
    if measures is not None and not measures.empty:
        frequency = dict(zip(measures["measure_id"], measures["frequency"], strict=True))
    at = [
        pd.Timestamp(r.period)
        if pd.notna(r.period)
        else change_period(r.date, frequency.get(r.measure_id))
        if isinstance(r.measure_id, str) and r.measure_id in frequency
        else pd.Timestamp(r.date)
        for r in usable.itertuples(index=False)
    ]
    return usable.assign(
        no=range(1, len(usable) + 1), at=pd.Series(at, index=usable.index, dtype="datetime64[us]")
    ).reset_index(drop=True)


def best_story(numbered: pd.DataFrame, effects_table: pd.DataFrame):
    """The story the poster summary shows (a row of :func:`team_stories`, or None): first one
    told beside a measure whose estimate says "improvement" (the change judged there started on
    or before the story), then one beside any measure, then any; the latest of those."""
    if numbered.empty:
        return None
    improved = set()
    if not effects_table.empty:
        for r in effects_table[effects_table["improved"].astype(bool)].itertuples(index=False):
            improved.add((r.measure_id, pd.Timestamp(r.change_date)))

    def rank(r) -> int:
        measure = r.measure_id if isinstance(r.measure_id, str) else None
        if measure is None:
            return 2
        return 0 if any(m == measure and d <= r.date for m, d in improved) else 1

    ranks = [rank(r) for r in numbered.itertuples(index=False)]
    best = min(ranks)
    candidates = numbered[[k == best for k in ranks]]
    return candidates.sort_values("date", kind="stable").iloc[-1]
