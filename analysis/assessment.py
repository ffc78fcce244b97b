"""Team progress on the IHI assessment scale (Breakthrough Series), meeting by meeting.

The network scores each team at its network meetings on the IHI assessment scale (1.0 forming
team ... 5.0 outstanding sustainable results; IHI 2003, the Breakthrough Series white paper, and
the operational definitions in docs/methods.md, "Team progress"). This module suggests a score
from the data as they stood at each meeting, step by step (:data:`STEPS`), and lets a coach's
score from ``assessments.csv`` win over the suggestion.

An improvement is the effect report's verdict (:func:`analysis.effects.team_effects` with
:data:`analysis.effects.MODEL_POLICY`, "agree"), computed on the data available at the meeting
(:func:`data_at`), so a score never uses data the team could not have shown at that meeting.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from . import memo
from .dataset.series import measure_series
from .effects import MIN_POINTS, MODEL_POLICY, team_effects
from .measures import (
    baseline_mask,
    change_period,
    linked_changes,
    pooled_level,
)
from .schemas import ASSESSMENT_SCORES

__all__ = [
    "CRITERIA",
    "SCALE",
    "STEPS",
    "TARGET_SHARE",
    "data_at",
    "period_end",
    "suggested_scores",
    "team_progress",
]

#: The steps of the scale and their key (the label keys ``progress_step_<key>`` name them).
SCALE: dict[float, str] = dict(
    zip(
        ASSESSMENT_SCORES,
        (
            "forming",
            "planning",
            "activity",
            "tested",
            "modest",
            "improvement",
            "significant",
            "sustainable",
            "outstanding",
        ),
        strict=True,
    )
)


@dataclass(frozen=True)
class Step:
    """One suggested step: the score it gives and the criterion it adds (to all below it)."""

    score: float
    criterion: str


#: The suggested score is the highest step whose criterion holds together with every criterion
#: below it (the rules in words: ``progress_rule_<criterion>`` and docs/methods.md). 5.0 is never
#: suggested: all goals met with the changes spread to another population is a coach's judgment.
STEPS: tuple[Step, ...] = (
    Step(1.0, "formed"),  # the team has started (start_date on or before the meeting)
    Step(1.5, "aim_measures"),  # an aim and at least one measure
    Step(2.0, "baseline"),  # a measure with MIN_POINTS measured periods before its first change
    Step(2.5, "tested"),  # a change linked to a measure, with that measure measured since
    Step(3.0, "process_improved"),  # a process measure improved (the effect verdict)
    Step(3.5, "outcome_improved"),  # an outcome measure improved
    Step(4.0, "sustained"),  # still improved with data measured after an earlier meeting
    Step(4.5, "targets"),  # at least TARGET_SHARE of the measures' targets reached
)
CRITERIA = tuple(s.criterion for s in STEPS)
#: IHI's 4.5 asks for "75 % of goals achieved": the share of the team's measure targets reached.
TARGET_SHARE = 0.75
METHOD = (
    "IHI assessment scale, suggested from the data available at the meeting; improvement = the "
    "effect report's verdict (model '{model}', at least {min_points} points per phase)"
)

PROGRESS_COLUMNS = [
    "team_id",
    "meeting_date",
    "suggested",
    *CRITERIA,
    "improved_measures",
    "n_targets",
    "n_reached",
    "method",
]


def period_end(periods: pd.Series, frequency: pd.Series) -> pd.Series:
    """The first day after each period (week: Monday + 7 days; month: the 1st of the next)."""
    periods = pd.to_datetime(periods)
    month_end = (periods.dt.to_period("M") + 1).dt.to_timestamp()
    week_end = periods + pd.Timedelta(days=7)
    return week_end.where(frequency.eq("week").to_numpy(), month_end)


def data_at(team, date) -> object:
    """``team`` (a :class:`analysis.dataset.team.Team`) as its data stood on ``date``.

    An observation counts when its period had ended by the meeting (a week on the following
    Monday, a month on the 1st of the next month: a meeting on 1 December sees November); a
    change counts when it is dated on or before the meeting. The aim and the measures are the
    files' current ones (they carry no date).
    """
    date = pd.Timestamp(date)
    obs = team.observations
    frequency = obs["measure_id"].map(
        dict(zip(team.measures["measure_id"], team.measures["frequency"], strict=True))
    )
    ends = period_end(obs["period"], frequency.astype("str"))
    return replace(
        team,
        observations=obs[(ends <= date).to_numpy()].reset_index(drop=True),
        changes=team.changes[team.changes["date"] <= date].reset_index(drop=True),
    )


@dataclass(frozen=True)
class _Measures:
    """Each measure's facts computed once for a team, then cut at every meeting: its measured
    periods (as ``team_effects`` models them) with the day each period ends, and the changes
    linked to it."""

    rows: tuple  # the rows of team.measures (namedtuples)
    series: dict  # measure_id -> frame: period, y, n, ends
    linked: dict  # measure_id -> the changes naming it, by date

    @classmethod
    def of(cls, team) -> _Measures:
        series, linked = {}, {}
        for m in team.measures.itertuples(index=False):
            own = (
                measure_series(team, team.id, m.measure_id, complete=False)
                .dropna(subset=["y"])
                .reset_index(drop=True)
            )
            frequency = pd.Series(str(m.frequency), index=own.index)
            series[m.measure_id] = own.assign(ends=period_end(own["period"], frequency))
            linked[m.measure_id] = linked_changes(team.changes, m.measure_id)
        return cls(tuple(team.measures.itertuples(index=False)), series, linked)

    def at(self, date: pd.Timestamp) -> tuple[dict, dict]:
        """(series, linked) of every measure as they stood on ``date`` (see :func:`data_at`)."""
        series = {k: v[v["ends"] <= date] for k, v in self.series.items()}
        linked = {k: v[v["date"] <= date] for k, v in self.linked.items()}
        return series, linked


def _judgeable(measures: _Measures, series: dict, linked: dict, min_points: int) -> bool:
    """Whether any process or outcome measure has a change with ``min_points`` measured periods
    on each side: without one every verdict is "too early" or "too short", never "improved"."""
    for m in measures.rows:
        if m.measure_type not in ("process", "outcome"):
            continue
        periods = series[m.measure_id]["period"]
        for date in linked[m.measure_id]["date"]:
            start = change_period(date, m.frequency)
            if (periods < start).sum() >= min_points and (periods >= start).sum() >= min_points:
                return True
    return False


def _facts(
    team, measures: _Measures, series: dict, linked: dict, changes, result, min_points: int
) -> dict:
    """The criteria of ``team`` at a meeting, from its measures' ``series`` and ``linked``
    changes then, its ``changes`` then, and its effect verdicts ``result`` (None: nothing could
    be judged); ``improved``: the ids of the outcome measures judged improved."""
    kinds = {m.measure_id: m.measure_type for m in measures.rows}
    baseline = tested = False
    n_targets = n_reached = 0
    for m in measures.rows:
        own, chosen = series[m.measure_id], linked[m.measure_id]
        # the baseline ends where the first change counting for the measure starts: a change
        # naming it, else the team's first change (analysis.measures.first_change_period)
        counting = chosen if not chosen.empty else changes
        start = change_period(counting["date"].min(), m.frequency) if len(counting) else pd.NaT
        if int(baseline_mask(own["period"], start).sum()) >= min_points:
            baseline = True
        if not chosen.empty and not own.empty:
            first = change_period(chosen["date"].min(), m.frequency)
            tested = tested or bool((own["period"] >= first).any())
        if not pd.isna(m.target):
            n_targets += 1
            if own.empty:
                continue
            # the level of the latest phase, as the team report's target sentence reads it
            last = (
                own
                if chosen.empty
                else own[own["period"] >= change_period(chosen["date"].max(), m.frequency)]
            )
            reached = pooled_level(last if len(last) else own, str(m.chart))
            n_reached += bool(reached >= m.target if m.direction == "up" else reached <= m.target)
    improved: set[str] = set()
    if result is not None and not result.table.empty:
        improved = set(result.table.loc[result.table["improved"].astype(bool), "measure_id"])
    process = {k for k in improved if kinds.get(k) == "process"}
    outcome = {k for k in improved if kinds.get(k) == "outcome"}
    has_process = "process" in set(kinds.values())
    return {
        "aim_measures": team.aim is not None and bool(measures.rows),
        "baseline": baseline,
        "tested": tested,
        # a team without process measures shows process improvement through its outcomes
        "process_improved": bool(process) or (not has_process and bool(outcome)),
        "outcome_improved": bool(outcome),
        "improved": outcome,
        "improved_all": sorted(process | outcome),
        "n_targets": n_targets,
        "n_reached": n_reached,
        "points": {k: len(v) for k, v in series.items()},
    }


def _fingerprint(team, meetings: Sequence, min_points: int, model: str) -> str:
    """What a team's suggested scores depend on: its rows, facts, the meetings and the rules."""
    digest = hashlib.sha256()
    for frame in (team.measures, team.observations, team.changes):
        digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
        digest.update(",".join(map(str, frame.columns)).encode())
    facts = (team.id, team.aim, team.start_date, sorted(map(str, meetings)), min_points, model)
    digest.update(repr(facts).encode())
    return digest.hexdigest()


_MEMO: dict[str, pd.DataFrame] = {}  # fingerprint -> scores: one report builds a team once
_MEMO_SIZE = 256


def suggested_scores(
    team,
    meetings: Sequence,
    *,
    min_points: int = MIN_POINTS,
    model: str = MODEL_POLICY,
) -> pd.DataFrame:
    """The suggested IHI score of ``team`` at each meeting date (:data:`STEPS`); a copy of the
    result of an earlier call with the same data, meetings and rules in this process."""
    key = _fingerprint(team, meetings, min_points, model)
    if key not in _MEMO:
        if len(_MEMO) >= _MEMO_SIZE:
            _MEMO.pop(next(iter(_MEMO)))
        # also kept between runs (analysis.memo): the county report scores every team
        _MEMO[key] = memo.cached(
            _suggested_scores, team, tuple(meetings), min_points=min_points, model=model
        )
    return _MEMO[key].copy()


def _suggested_scores(
    team,
    meetings: Sequence,
    *,
    min_points: int = MIN_POINTS,
    model: str = MODEL_POLICY,
) -> pd.DataFrame:
    """The suggested IHI score of ``team`` at each meeting date (:data:`STEPS`).

    ``team``: a :class:`analysis.dataset.team.Team` (``Dataset.team(id)``). One row per meeting
    (sorted): ``suggested`` (NaN before the team's start date), a bool column per criterion,
    ``improved_measures`` (ids judged improved, comma-separated), ``n_targets``/``n_reached``
    (measures with a target / reaching it in their latest phase) and ``method``.
    """
    rows = []
    verdicts: dict[tuple, object] = {}  # the data at two meetings are often the same
    first_improved: dict[str, int] = {}  # outcome measure -> its points when first improved
    method = METHOD.format(model=model, min_points=min_points)
    measures = _Measures.of(team)
    for date in sorted(pd.Timestamp(d) for d in meetings):
        row = {"team_id": team.id, "meeting_date": date, "method": method}
        if team.start_date is not None and team.start_date > date:
            rows.append(
                {**row, "suggested": np.nan, **dict.fromkeys(CRITERIA, False), "n_targets": 0}
                | {"improved_measures": "", "n_reached": 0}
            )
            first_improved = {}
            continue
        series, linked = measures.at(date)
        changes = team.changes[team.changes["date"] <= date]
        key = (tuple(len(v) for v in series.values()), len(changes))
        if key not in verdicts:
            result = None
            if _judgeable(measures, series, linked, min_points):
                at = data_at(team, date)
                judged = replace(  # balancing measures never count towards a step
                    at, measures=at.measures[at.measures["measure_type"] != "balancing"]
                )
                result = team_effects(judged, team.id, min_points=min_points, model=model)
            verdicts[key] = _facts(team, measures, series, linked, changes, result, min_points)
        facts = verdicts[key]
        met = {
            "formed": True,
            "aim_measures": facts["aim_measures"],
            "baseline": facts["baseline"],
            "tested": facts["tested"],
            "process_improved": facts["process_improved"],
            "outcome_improved": facts["outcome_improved"],
            # improved since an earlier meeting, without a break, and measured since then
            "sustained": any(
                facts["points"][k] > first_improved[k]
                for k in facts["improved"]
                if k in first_improved
            ),
            "targets": facts["n_targets"] > 0
            and facts["n_reached"] >= TARGET_SHARE * facts["n_targets"],
        }
        score = np.nan
        for step in STEPS:
            if not met[step.criterion]:
                break
            score = step.score
        first_improved = {
            k: first_improved.get(k, facts["points"][k]) for k in facts["improved"]
        }  # an outcome no longer improved starts again
        rows.append(
            {
                **row,
                "suggested": score,
                **met,
                "improved_measures": ", ".join(facts["improved_all"]),
                "n_targets": facts["n_targets"],
                "n_reached": facts["n_reached"],
            }
        )
    return pd.DataFrame(rows, columns=PROGRESS_COLUMNS)


def team_progress(
    team, meetings: Sequence, assessments: pd.DataFrame | None = None, **kwargs
) -> pd.DataFrame:
    """The team's score at each meeting: a coach's score (``assessments``: team_id,
    meeting_date, score, comment) wins over the suggestion.

    Returns :func:`suggested_scores`' columns plus ``coach`` (NaN without one), ``comment``,
    ``score`` (the coach's, else the suggestion) and ``source`` ("coach", "data", or "" when
    there is no score).
    """
    out = suggested_scores(team, meetings, **kwargs)
    coach = pd.DataFrame(columns=["meeting_date", "coach", "comment"])
    if assessments is not None and not assessments.empty:
        own = assessments[assessments["team_id"] == team.id]
        coach = pd.DataFrame(
            {
                "meeting_date": pd.to_datetime(own["meeting_date"]).astype("datetime64[us]"),
                "coach": own["score"].astype(float),
                "comment": own["comment"].astype("str"),
            }
        ).drop_duplicates("meeting_date")
    out = out.assign(meeting_date=out["meeting_date"].astype("datetime64[us]"))
    coach = coach.astype({"meeting_date": "datetime64[us]", "coach": "float64"})
    out = out.merge(coach, on="meeting_date", how="left")
    has_coach = out["coach"].notna()
    return out.assign(
        score=out["coach"].where(has_coach, out["suggested"]),
        source=np.where(has_coach, "coach", np.where(out["suggested"].notna(), "data", "")),
    )
