"""The checks across tables of a data folder (used by :mod:`analysis.dataset`).

Duplicate ids and rows, unknown team / measure / municipality / kpi / survey ids, counts that
do not fit the measure's chart, periods off the first day of the month or the Monday, goals
lacking the fields of their kind. Every problem names file, Excel row and column.
"""

from __future__ import annotations

import difflib
import re

import pandas as pd

from .. import schemas
from ..io import ROW, Problem


def _rows(frame: pd.DataFrame, mask: pd.Series) -> list[int]:
    return [int(r) for r in frame.loc[mask, ROW]]


def _duplicates(
    frame: pd.DataFrame, keys: list[str], file: str, what: str, hint: str, label: str = ""
) -> list[Problem]:
    """A problem for every row that repeats the key of an earlier row. ``label``: the stem of
    the label keys (``check_dup_<label>`` and ``..._hint``) saying it in another language."""
    if frame.empty:
        return []
    dup = frame.duplicated(keys, keep="first") & frame[keys].notna().all(axis=1)
    if not dup.any():
        return []
    first = frame.groupby(keys, dropna=False, sort=False)[ROW].transform("min")
    problems = []
    for idx in frame.index[dup]:
        key = ", ".join(f"{k} {_show(frame.at[idx, k])}" for k in keys)
        problems.append(
            Problem(
                file,
                f"{what} ({key}) already on row {int(first[idx])}",
                row=int(frame.at[idx, ROW]),
                column=keys[-1],
                hint=hint,
                key=f"check_dup_{label}" if label else "",
                hint_key=f"check_dup_{label}_hint" if label else "",
                values=(("key", key), ("first", int(first[idx]))),
            )
        )
    return problems


def _show(value: object) -> str:
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return f"'{value}'"


def _suggest(value: str, known: list[str], lang: str = "en") -> str:
    near = difflib.get_close_matches(str(value), known, n=1, cutoff=0.6)
    if near:
        return f"did you mean '{near[0]}'?" if lang == "en" else f"menar du '{near[0]}'?"
    shown = ", ".join(known[:12]) + (", ..." if len(known) > 12 else "")
    if lang == "en":
        return f"known: {shown}" if known else "none are defined"
    return f"kända: {shown}" if known else "inga finns"


def _suggestions(value: str, known: list[str]) -> tuple[tuple[str, str], ...]:
    """The nearest known value in both languages, as Problem values."""
    return (("suggest", _suggest(value, known)), ("forslag", _suggest(value, known, "sv")))


#: What an unknown value is, in Swedish (the English word is the key).
WHAT_SV = {"municipality code": "kommunkoden", "team id": "team-id:t", "kpi": "nyckeltalet"}


def _unknown(
    frame: pd.DataFrame, column: str, known: set[str], file: str, what: str, where: str
) -> tuple[list[Problem], pd.Series]:
    """Problems for values of ``column`` not in ``known``; returns also the mask of them."""
    mask = frame[column].notna() & ~frame[column].isin(sorted(known))
    problems = [
        Problem(
            file,
            f"unknown {what} '{value}'",
            row=int(row),
            column=column,
            hint=f"it must be in {where}; {_suggest(value, sorted(known))}",
            key="check_unknown",
            hint_key="check_unknown_hint",
            values=(
                ("what", what),
                ("vad", WHAT_SV.get(what, what)),
                ("value", value),
                ("where", where),
                (
                    "var",
                    where.replace(" (or ", " (eller ")
                    .replace(" for the region)", " för regionen)")
                    .replace(" region, ", " regionen, ")
                    .replace(" country)", " riket)"),
                ),
                *_suggestions(value, sorted(known)),
            ),
        )
        for row, value in zip(frame.loc[mask, ROW], frame.loc[mask, column], strict=True)
    ]
    return problems, mask


def cross_checks(t: dict[str, pd.DataFrame], inputs) -> list[Problem]:
    """Problems across the typed tables ``t`` (with ``_row``) of one folder.

    ``inputs`` has ``labels`` (table -> file name), ``tables`` (table -> path of the files
    present) and ``surveys`` (survey ids). Tables missing from ``t`` (absent or unreadable)
    are skipped, so that one broken file does not cascade into the others.
    """
    label = {
        name: inputs.labels.get(name, f"{name}.csv")
        for name in (schemas.REQUIRED_TABLES + schemas.OPTIONAL_TABLES)
    }
    problems: list[Problem] = []
    codes: set[str] | None = None
    if "municipalities" in t:
        m = t["municipalities"]
        problems += _duplicates(
            m,
            ["municipality_code"],
            label["municipalities"],
            "the municipality code appears twice",
            "keep one row per code",
            "municipality",
        )
        codes = set(m["municipality_code"].dropna())
    code_source = f"{label['municipalities']} (or {schemas.REGION_CODE} for the region)"

    team_ids: set[str] | None = None
    if "teams" in t:
        teams = t["teams"]
        problems += _duplicates(
            teams,
            ["team_id"],
            label["teams"],
            "the team id appears twice",
            "team ids must be unique",
            "team",
        )
        team_ids = set(teams["team_id"].dropna())
        if codes is not None:
            valid = teams["municipality_code"].str.fullmatch(r"\d{4}").fillna(False).astype(bool)
            found, _ = _unknown(
                teams[valid],
                "municipality_code",
                codes | {schemas.REGION_CODE},
                label["teams"],
                "municipality code",
                code_source,
            )
            problems += found

    measure_keys: set[tuple[str, str]] | None = None
    charts: dict[tuple[str, str], str] = {}
    frequencies: dict[tuple[str, str], str] = {}
    if "measures" in t:
        measures = t["measures"]
        problems += _duplicates(
            measures,
            ["team_id", "measure_id"],
            label["measures"],
            "the measure id appears twice for the team",
            "measure ids must be unique within a team",
            "measure",
        )
        if team_ids is not None:
            problems += _unknown(
                measures, "team_id", team_ids, label["measures"], "team id", label["teams"]
            )[0]
        keys = list(zip(measures["team_id"], measures["measure_id"], strict=True))
        measure_keys = set(keys)
        charts = dict(zip(keys, measures["chart"], strict=True))
        frequencies = dict(zip(keys, measures["frequency"], strict=True))

    def measures_of(team: str) -> list[str]:
        return sorted(m for tm, m in (measure_keys or set()) if tm == team)

    if "observations" in t:
        problems += _check_observations(
            t["observations"], label, team_ids, measure_keys, charts, frequencies, measures_of
        )

    if "changes" in t:
        changes = t["changes"]
        file = label["changes"]
        problems += _duplicates(
            changes,
            ["team_id", "change_no"],
            file,
            "the change number appears twice for the team",
            "number each team's changes 1, 2, 3...",
            "change",
        )
        bad_team = pd.Series(False, index=changes.index)
        if team_ids is not None:
            found, bad_team = _unknown(
                changes, "team_id", team_ids, file, "team id", label["teams"]
            )
            problems += found
        if measure_keys is not None:
            for idx in changes.index[~bad_team & changes["measures"].notna()]:
                team = changes.at[idx, "team_id"]
                for measure in str(changes.at[idx, "measures"]).replace(";", ",").split(","):
                    measure = measure.strip()
                    if measure and (team, measure) not in measure_keys:
                        problems.append(
                            Problem(
                                file,
                                f"unknown measure id '{measure}' for team '{team}'",
                                row=int(changes.at[idx, ROW]),
                                column="measures",
                                hint=f"list measure ids of the team from {label['measures']}, "
                                f"separated by ','; {_suggest(measure, measures_of(team))}",
                                key="check_unknown_measure",
                                hint_key="check_list_measures_hint",
                                values=(
                                    ("measure", measure),
                                    ("team", team),
                                    ("where", label["measures"]),
                                    *_suggestions(measure, measures_of(team)),
                                ),
                            )
                        )

    kpi_ids: set[str] | None = None
    if "kpis" in t:
        problems += _duplicates(
            t["kpis"],
            ["kpi"],
            label["kpis"],
            "the kpi appears twice",
            "keep one row per kpi",
            "kpi",
        )
        kpi_ids = set(t["kpis"]["kpi"].dropna())
    if "indicators" in t:
        ind = t["indicators"]
        file = label["indicators"]
        problems += _duplicates(
            ind,
            ["kpi", "municipality_code", "period", "gender"],
            file,
            "the indicator value appears twice",
            "keep one row per kpi, municipality, year and gender",
            "indicator",
        )
        if kpi_ids is not None:
            problems += _unknown(ind, "kpi", kpi_ids, file, "kpi", label["kpis"])[0]
        if codes is not None:
            valid = ind["municipality_code"].str.fullmatch(r"\d{4}").fillna(False).astype(bool)
            problems += _unknown(
                ind[valid],
                "municipality_code",
                codes | {schemas.REGION_CODE, schemas.COUNTRY_CODE},
                file,
                "municipality code",
                f"{label['municipalities']} (or {schemas.REGION_CODE} region, {schemas.COUNTRY_CODE} country)",
            )[0]
    if "goals" in t and ("kpis" in t or "kpis" not in inputs.tables):  # else kpis unreadable
        problems += _check_goals(
            t["goals"], label["goals"], codes, kpi_ids, inputs.surveys, code_source
        )
    meeting_dates: set | None = None
    if "meetings" in t:
        problems += _duplicates(
            t["meetings"],
            ["meeting_date"],
            label["meetings"],
            "the meeting date appears twice",
            "keep one row per network meeting",
            "meeting",
        )
        meeting_dates = set(t["meetings"]["meeting_date"].dropna())
    if "assessments" in t and ("meetings" in t or "meetings" not in inputs.tables):
        problems += _check_assessments(t["assessments"], label, team_ids, meeting_dates)
    return problems


def _check_assessments(
    frame: pd.DataFrame, label: dict[str, str], team_ids: set[str] | None, meetings: set | None
) -> list[Problem]:
    """assessments.csv: one score per team and meeting, of a known team, at a meeting of
    meetings.csv, on a step of the IHI scale (:data:`analysis.schemas.ASSESSMENT_SCORES`)."""
    file = label["assessments"]
    problems = _duplicates(
        frame,
        ["team_id", "meeting_date"],
        file,
        "the team is already scored at this meeting",
        "keep one score per team and meeting (the coaches' agreed score)",
        "assessment",
    )
    if team_ids is not None:
        problems += _unknown(frame, "team_id", team_ids, file, "team id", label["teams"])[0]
    steps = ", ".join(f"{s:.1f}" for s in schemas.ASSESSMENT_SCORES)
    inside = frame["score"].between(1, 5)  # outside: the schema's min/max said so already
    off_step = inside & ~frame["score"].isin(schemas.ASSESSMENT_SCORES)
    for row, value in zip(frame.loc[off_step, ROW], frame.loc[off_step, "score"], strict=True):
        shown = f"{value:g}"
        problems.append(
            Problem(
                file,
                f"{shown} is not a step of the IHI assessment scale",
                row=int(row),
                column="score",
                hint=f"use one of {steps} (half steps; decimal comma or point)",
                key="check_score_step",
                hint_key="check_score_step_hint",
                values=(("value", shown), ("steps", steps)),
            )
        )
    dated = frame["meeting_date"].notna()
    if meetings is None:
        for row in frame.loc[dated, ROW]:
            problems.append(
                Problem(
                    file,
                    "the network meetings are not listed: meetings.csv is missing",
                    row=int(row),
                    column="meeting_date",
                    hint="add meetings.csv with one row per network meeting (meeting_date; "
                    "see data/raw/README.md)",
                    key="check_no_meetings",
                    hint_key="check_no_meetings_hint",
                )
            )
        return problems
    known = sorted(meetings)
    shown_known = ", ".join(d.date().isoformat() for d in known[:8]) + (
        ", ..." if len(known) > 8 else ""
    )
    unknown = dated & ~frame["meeting_date"].isin(known)
    for row, value in zip(frame.loc[unknown, ROW], frame.loc[unknown, "meeting_date"], strict=True):
        date = pd.Timestamp(value).date().isoformat()
        problems.append(
            Problem(
                file,
                f"{date} is not a meeting date of {label['meetings']}",
                row=int(row),
                column="meeting_date",
                hint=f"use the date of a network meeting ({shown_known or 'none listed'}) or "
                f"add the meeting to {label['meetings']}",
                key="check_unknown_meeting",
                hint_key="check_unknown_meeting_hint",
                values=(("value", date), ("where", label["meetings"]), ("known", shown_known)),
            )
        )
    return problems


def spread_story_checks(t: dict[str, pd.DataFrame], labels: dict[str, str]) -> list[Problem]:
    """spread.csv and stories.csv against the teams, changes and measures (issue 17). Run after
    the teams' templates are merged in (``teams/*.xlsx``: a team kept in a template has no rows
    in the main tables, and its spread and stories are still its own)."""
    label = {
        name: labels.get(name, f"{name}.csv")
        for name in (schemas.REQUIRED_TABLES + schemas.OPTIONAL_TABLES)
    }
    team_ids = set(t["teams"]["team_id"].dropna()) if "teams" in t else None
    measure_keys = (
        set(zip(t["measures"]["team_id"], t["measures"]["measure_id"], strict=True))
        if "measures" in t
        else None
    )
    change_keys = (
        {
            (str(team), int(no))
            for team, no in zip(t["changes"]["team_id"], t["changes"]["change_no"], strict=True)
            if pd.notna(no)
        }
        if "changes" in t
        else None
    )

    def measures_of(team: str) -> list[str]:
        return sorted(m for tm, m in (measure_keys or set()) if tm == team)

    return _check_spread(t.get("spread"), label, team_ids, change_keys) + _check_stories(
        t.get("stories"), label, team_ids, measure_keys, measures_of
    )


def _check_spread(
    spread: pd.DataFrame | None,
    label: dict[str, str],
    team_ids: set[str] | None,
    change_keys: set[tuple[str, int]] | None,
) -> list[Problem]:
    """spread.csv (issue 17): known teams, a change of that team's PDSA log, one row per unit,
    change and date."""
    if spread is None:
        return []
    file = label["spread"]
    problems = _duplicates(
        spread,
        ["team_id", "change_no", "unit", "date"],
        file,
        "the unit's state on this date appears twice",
        "keep one row per team, change, unit and date",
        "spread",
    )
    bad_team = pd.Series(False, index=spread.index)
    if team_ids is not None:
        found, bad_team = _unknown(spread, "team_id", team_ids, file, "team id", label["teams"])
        problems += found
    if change_keys is None:
        return problems
    for idx in spread.index[~bad_team & spread["change_no"].notna()]:
        team, no = str(spread.at[idx, "team_id"]), int(spread.at[idx, "change_no"])
        if (team, no) in change_keys:
            continue
        known = sorted(n for tm, n in change_keys if tm == team)
        listed = ", ".join(map(str, known)) or "–"
        problems.append(
            Problem(
                file,
                f"team '{team}' has no change {no} in {label['changes']}: a unit cannot adopt "
                "a change that was never tested",
                row=int(spread.at[idx, ROW]),
                column="change_no",
                hint=f"use a change_no of the team's PDSA log (known: {listed}), or add the "
                f"change to {label['changes']} first",
                key="check_spread_unknown_change",
                hint_key="check_spread_unknown_change_hint",
                values=(
                    ("team", team),
                    ("no", no),
                    ("where", label["changes"]),
                    ("known", listed),
                ),
            )
        )
    return problems


def _check_stories(
    stories: pd.DataFrame | None,
    label: dict[str, str],
    team_ids: set[str] | None,
    measure_keys: set[tuple[str, str]] | None,
    measures_of,
) -> list[Problem]:
    """stories.csv (issue 17): known teams and, when given, a measure of that team. A blank
    consent is reported by the contract (a yes/no cell must be filled in)."""
    if stories is None:
        return []
    file = label["stories"]
    problems: list[Problem] = []
    bad_team = pd.Series(False, index=stories.index)
    if team_ids is not None:
        found, bad_team = _unknown(stories, "team_id", team_ids, file, "team id", label["teams"])
        problems += found
    if measure_keys is None:
        return problems
    for idx in stories.index[~bad_team & stories["measure_id"].notna()]:
        team, measure = str(stories.at[idx, "team_id"]), str(stories.at[idx, "measure_id"])
        if (team, measure) in measure_keys:
            continue
        problems.append(
            Problem(
                file,
                f"unknown measure id '{measure}' for team '{team}'",
                row=int(stories.at[idx, ROW]),
                column="measure_id",
                hint=f"use a measure id of the team from {label['measures']}, or leave the cell "
                f"blank; {_suggest(measure, measures_of(team))}",
                key="check_unknown_measure",
                hint_key="check_story_measure_hint",
                values=(
                    ("measure", measure),
                    ("team", team),
                    ("where", label["measures"]),
                    *_suggestions(measure, measures_of(team)),
                ),
            )
        )
    return problems


def _check_observations(
    obs: pd.DataFrame,
    label: dict[str, str],
    team_ids,
    measure_keys,
    charts,
    frequencies,
    measures_of,
) -> list[Problem]:
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
        problems.append(
            Problem(
                file,
                f"unknown measure id '{measure}' for team '{team}'",
                row=int(obs.at[idx, ROW]),
                column="measure_id",
                hint=f"it must be in {label['measures']}; {_suggest(measure, measures_of(team))}",
                key="check_unknown_measure",
                hint_key="check_unknown_hint",
                values=(
                    ("measure", measure),
                    ("team", team),
                    ("where", label["measures"]),
                    ("var", label["measures"]),
                    *_suggestions(measure, measures_of(team)),
                ),
            )
        )
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
            which = sorted(
                {f"{t}/{m}" for t, m in (keys[i] for i in range(len(keys)) if need.iloc[i])}
            )[:5]
            problems.append(
                Problem(
                    file,
                    f"column '{column}' is missing",
                    row=1,
                    column=column,
                    hint=f"the charts of {', '.join(which)} need it",
                    key="check_missing_column",
                    hint_key="check_charts_need_hint",
                    values=(("name", column), ("which", ", ".join(which))),
                )
            )
            continue
        for idx in obs.index[need & ~present[column]]:
            problems.append(
                Problem(
                    file,
                    f"the {column} is empty for measure '{obs.at[idx, 'measure_id']}' "
                    f"({chart[idx]} chart)",
                    row=int(rows[idx]),
                    column=column,
                    hint="fill it in, or delete the row: a period without a measurement is "
                    "simply left out",
                    key=f"check_empty_{column}",
                    hint_key="check_empty_hint",
                    values=(("measure", obs.at[idx, "measure_id"]), ("chart", chart[idx])),
                )
            )
    proportion = known & chart.isin(schemas.PROPORTION_CHARTS)
    over = proportion & (obs["numerator"] > obs["denominator"]).fillna(False).astype(bool)
    for idx in obs.index[over]:
        problems.append(
            Problem(
                file,
                f"numerator {obs.at[idx, 'numerator']:g} is larger than denominator "
                f"{obs.at[idx, 'denominator']:g} for measure '{obs.at[idx, 'measure_id']}' "
                f"({chart[idx]} chart)",
                row=int(rows[idx]),
                column="numerator",
                hint="the numerator counts a part of the denominator; check both counts",
                key="check_numerator_over",
                hint_key="check_numerator_over_hint",
                values=(
                    ("numerator", f"{obs.at[idx, 'numerator']:g}"),
                    ("denominator", f"{obs.at[idx, 'denominator']:g}"),
                    ("measure", obs.at[idx, "measure_id"]),
                    ("chart", chart[idx]),
                ),
            )
        )
    period = obs["period"]
    month_bad = known & (freq == "month") & period.notna() & (period.dt.day != 1)
    week_bad = known & (freq == "week") & period.notna() & (period.dt.day_of_week != 0)
    for idx in obs.index[month_bad]:
        problems.append(
            Problem(
                file,
                f"period {_show(period[idx])} is not the first day of a month",
                row=int(rows[idx]),
                column="period",
                hint=f"monthly measures use the month's first day "
                f"({period[idx].replace(day=1).date().isoformat()})",
                key="check_not_month_start",
                hint_key="check_not_month_start_hint",
                values=(
                    ("period", _show(period[idx])),
                    ("first", period[idx].replace(day=1).date().isoformat()),
                ),
            )
        )
    for idx in obs.index[week_bad]:
        monday = period[idx] - pd.Timedelta(days=int(period[idx].day_of_week))
        problems.append(
            Problem(
                file,
                f"period {_show(period[idx])} is not a Monday",
                row=int(rows[idx]),
                column="period",
                hint=f"weekly measures use the week's Monday ({monday.date().isoformat()})",
                key="check_not_monday",
                hint_key="check_not_monday_hint",
                values=(("period", _show(period[idx])), ("monday", monday.date().isoformat())),
            )
        )
    subgroup_chart = chart.isin(schemas.SUBGROUP_CHARTS)
    plain = obs[known & ~subgroup_chart]
    problems += _duplicates(
        plain,
        ["team_id", "measure_id", "period"],
        file,
        "duplicate row: the same team, measure and period",
        "keep one row per measure and period",
        "observation",
    )
    grouped = obs[known & subgroup_chart & obs["subgroup"].notna()]
    problems += _duplicates(
        grouped,
        ["team_id", "measure_id", "period", "subgroup"],
        file,
        "duplicate row: the same team, measure, period and subgroup",
        "keep one row per subgroup and period",
        "subgroup",
    )
    return problems


def _check_goals(
    goals: pd.DataFrame, file: str, codes, kpi_ids, surveys, code_source
) -> list[Problem]:
    problems = _duplicates(
        goals, ["goal_id"], file, "the goal id appears twice", "goal ids must be unique", "goal"
    )
    needs = {
        "trajectory": ("baseline_year", "pp_per_year", "years"),
        "target": ("target_value", "deadline"),
    }
    for kind, cols in needs.items():
        of_kind = goals["kind"] == kind
        for col in cols:
            for row in _rows(goals, of_kind & goals[col].isna()):
                problems.append(
                    Problem(
                        file,
                        f"a {kind} goal needs {col}",
                        row=row,
                        column=col,
                        hint=f"fill in {', '.join(cols)} for {kind} goals",
                        key="check_goal_needs",
                        hint_key="check_goal_needs_hint",
                        values=(("kind", kind), ("column", col), ("columns", ", ".join(cols))),
                    )
                )
    for idx in goals.index[goals["source"].notna()]:
        source = str(goals.at[idx, "source"])
        row = int(goals.at[idx, ROW])
        parts = source.split(":")
        if parts[0] == "indicator" and len(parts) == 2 and parts[1]:
            if kpi_ids is not None and parts[1] not in kpi_ids:
                problems.append(
                    Problem(
                        file,
                        f"unknown kpi '{parts[1]}'",
                        row=row,
                        column="source",
                        hint=f"it must be in kpis.csv; {_suggest(parts[1], sorted(kpi_ids))}",
                        key="check_unknown",
                        hint_key="check_unknown_hint",
                        values=(
                            ("what", "kpi"),
                            ("vad", WHAT_SV["kpi"]),
                            ("value", parts[1]),
                            ("where", "kpis.csv"),
                            ("var", "kpis.csv"),
                            *_suggestions(parts[1], sorted(kpi_ids)),
                        ),
                    )
                )
            elif kpi_ids is None:
                problems.append(
                    Problem(
                        file,
                        f"the goal follows kpi '{parts[1]}' but there are no indicators",
                        row=row,
                        column="source",
                        hint="add indicators.csv and kpis.csv",
                    )
                )
        elif parts[0] == "survey" and len(parts) == 4 and all(parts[1:]):
            if parts[1] not in surveys:
                problems.append(
                    Problem(
                        file,
                        f"unknown survey '{parts[1]}'",
                        row=row,
                        column="source",
                        hint=f"it must be a folder in surveys/; {_suggest(parts[1], list(surveys))}",
                        key="check_unknown",
                        hint_key="check_unknown_survey_hint",
                        values=(
                            ("what", "survey"),
                            ("vad", "enkäten"),
                            ("value", parts[1]),
                            *_suggestions(parts[1], list(surveys)),
                        ),
                    )
                )
        else:
            problems.append(
                Problem(
                    file,
                    f"'{source}' is not a goal source",
                    row=row,
                    column="source",
                    hint="write indicator:<kpi> or survey:<survey_id>:<question_id>:<option>",
                    key="check_goal_source",
                    hint_key="check_goal_source_hint",
                    values=(("source", source),),
                )
            )
    if codes is not None:
        valid = goals["municipality_code"].str.fullmatch(r"\d{4}").fillna(False).astype(bool)
        problems += _unknown(
            goals[valid],
            "municipality_code",
            codes | {schemas.REGION_CODE},
            file,
            "municipality code",
            code_source,
        )[0]
    return problems


# --------------------------------------------------------------------------- plausibility

#: No count or value of one team in one period comes near this; a larger one is a typing or
#: export error (1e308 was summarised as a "stable level" with 309 digits).
LARGEST_PLAUSIBLE = 10_000_000
_SCALE = re.compile(r"(-?\d+(?:[.,]\d+)?)\s*[-–—]\s*(-?\d+(?:[.,]\d+)?)")  # "skala 1–5"


def _warnings(
    frame: pd.DataFrame,
    mask: pd.Series,
    file: str,
    column: str,
    message: str,
    hint: str,
    show: int = 5,
) -> list[Problem]:
    """Warnings for the rows of ``mask``; more than ``show`` rows become one warning listing them."""
    if not mask.any():
        return []
    rows = _rows(frame, mask)
    values = list(frame.loc[mask, column])
    if len(rows) <= show:
        return [
            Problem(
                file,
                message.format(value=_plain(v)),
                row=r,
                column=column,
                hint=hint,
                severity="warning",
            )
            for r, v in zip(rows, values, strict=True)
        ]
    listed = ", ".join(map(str, rows[:show]))
    return [
        Problem(
            file,
            f"{len(rows)} rows: "
            + message.format(value=_plain(values[0]))
            + f" (rows {listed}, ...)",
            row=rows[0],
            column=column,
            hint=hint,
            severity="warning",
        )
    ]


def _plain(value: object) -> str:
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _unit_range(unit: object) -> tuple[float, float] | None:
    """The range a measure's unit allows: 0-100 for ``%``, 1-5 for ``skala 1–5``, else None."""
    text = "" if unit is None or unit is pd.NA else str(unit).strip()
    if text in ("%", "procent", "percent"):
        return 0.0, 100.0
    match = _SCALE.search(text)
    if match and ("skala" in text.lower() or "scale" in text.lower()):
        low, high = (float(g.replace(",", ".")) for g in match.groups())
        return min(low, high), max(low, high)
    return None


def plausibility(
    t: dict[str, pd.DataFrame], labels: dict[str, str], today: pd.Timestamp | None = None
) -> list[Problem]:
    """Warnings (not errors) for values that parse but cannot be right: observation periods and
    indicator years after ``today``, values outside the range of the measure's unit (``%``:
    0-100, ``skala 1–5``: 1-5) and counts or values of ``LARGEST_PLAUSIBLE`` or more."""
    today = pd.Timestamp(today if today is not None else pd.Timestamp.now()).normalize()
    problems: list[Problem] = []
    obs = t.get("observations")
    if obs is not None and not obs.empty:
        file = labels.get("observations", "observations.csv")
        problems += _warnings(
            obs,
            obs["period"] > today,
            file,
            "period",
            f"the period {{value}} is after today ({today.date().isoformat()})",
            "a measurement cannot come from the future: check the year",
        )
        for column in ("value", "numerator", "denominator"):
            if column in obs:
                huge = obs[column].abs() >= LARGEST_PLAUSIBLE
                problems += _warnings(
                    obs,
                    huge,
                    file,
                    column,
                    "{value} is implausibly large for one team and period",
                    "check the cell (a typing error or a wrong export?)",
                )
        measures = t.get("measures")
        if measures is not None and "value" in obs and not measures.empty:
            units = measures.set_index(["team_id", "measure_id"])["unit"]
            units = units[~units.index.duplicated()]
            unit_of = pd.Series(
                list(zip(obs["team_id"], obs["measure_id"], strict=True)), index=obs.index
            ).map(units.to_dict())
            for unit, part in obs.groupby(unit_of, dropna=True, sort=False):
                limits = _unit_range(unit)
                if limits is None:
                    continue
                outside = part["value"].notna() & ~part["value"].between(*limits)
                outside &= part["value"].abs() < LARGEST_PLAUSIBLE  # already warned
                problems += _warnings(
                    part,
                    outside,
                    file,
                    "value",
                    f"{{value}} is outside {limits[0]:g}-{limits[1]:g}, the range "
                    f"of the measure's unit '{unit}'",
                    "check the cell, or the unit in measures.csv",
                )
    ind = t.get("indicators")
    if ind is not None and not ind.empty:
        file = labels.get("indicators", "indicators.csv")
        problems += _warnings(
            ind,
            ind["period"].astype("Float64") > today.year,
            file,
            "period",
            f"the year {{value}} is after this year ({today.year})",
            "check the year",
        )
        huge = ind["value"].abs() >= LARGEST_PLAUSIBLE
        problems += _warnings(
            ind, huge, file, "value", "{value} is implausibly large", "check the cell"
        )
        kpis = t.get("kpis")
        if kpis is not None and not kpis.empty:
            percent = ind["kpi"].isin(
                set(kpis.loc[kpis["unit"].astype("str").str.strip() == "%", "kpi"])
            )
            outside = percent & ind["value"].notna() & ~ind["value"].between(0, 100) & ~huge
            problems += _warnings(
                ind,
                outside.fillna(False).astype(bool),
                file,
                "value",
                "{value} is outside 0-100 for a KPI in %",
                "check the cell",
            )
    return problems
