"""Targets and the gap table: every goal with current value, target, gap, deadline and status."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from .progress import STATUSES, _sign, progress, trajectory

__all__ = ["target_status", "GAP_COLUMNS", "indicator_goals", "survey_goals", "gap_table", "survey_shares", "gap_analysis"]



def target_status(
    value: float,
    target: float,
    deadline: pd.Timestamp | str,
    measured: pd.Timestamp | str,
    direction: str = "up",
    date_known: bool = True,
) -> dict:
    """Status of a fixed target ("100 % by 2022-12-31") from one measurement.

    A value at or beyond the target measured on or before the deadline (the deadline day counts)
    is ``target_met``; a value short of it is ``baseline_only`` (one value: no trend).
    Returns a dict with status, gap (in the unit of the values, positive = still to go),
    deadline_passed (measured after the deadline) and met_by_deadline (True, False, or NA while
    the deadline is ahead and the target is not met yet). With ``date_known=False`` (a survey
    without a date, ``measured`` is then the analysis date) a target met after the deadline has
    passed gives NA: it may have been met in time.
    """
    sign = _sign(direction)
    deadline = pd.Timestamp(deadline)
    measured = pd.Timestamp(measured)
    gap = sign * (target - value)
    met = gap <= 1e-9
    passed = measured > deadline
    if met:
        by_deadline: object = True if not passed else (False if date_known else pd.NA)
    else:
        by_deadline = False if passed else pd.NA
    return {"status": "target_met" if met else "baseline_only", "gap": max(gap, 0.0) if met else gap,
            "deadline_passed": passed, "met_by_deadline": by_deadline}


GAP_COLUMNS = ["goal_id", "title_sv", "title_en", "kind", "source", "municipality_code",
               "baseline_year", "baseline", "current", "current_period", "target", "gap", "unit",
               "deadline", "status",
               "share_achieved", "slope_pp", "ci_low", "ci_high", "pace", "detail", "method"]


def indicator_goals(
    goals: pd.DataFrame,
    indicators: pd.DataFrame,
    kpis: pd.DataFrame,
    municipalities: pd.DataFrame,
    year: int,
    gender: str = "T",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Progress of every goal whose source is ``indicator:<kpi>``, per municipality.

    A blank ``municipality_code`` in goals means every municipality in the network and the county
    (0006). Returns ``(gap_rows, series)``: gap rows in the shape of :func:`gap_table`, and the
    observed series with the goal trajectory (goal_id, kpi, municipality_code, year, value, goal)
    for the charts.
    """
    rows, series = [], []
    src = goals["source"].astype("string")
    picked = goals[src.str.startswith("indicator:").fillna(False)]
    network = municipalities.loc[municipalities["in_network"].astype(bool), "municipality_code"]
    for goal in picked.itertuples(index=False):
        kpi = str(goal.source).split(":", 1)[1]
        info = kpis[kpis["kpi"] == kpi]
        direction = str(goal.direction) if pd.notna(goal.direction) else (
            str(info["direction"].iloc[0]) if len(info) else "up")
        unit = str(info["unit"].iloc[0]) if len(info) else "%"
        codes = ([str(goal.municipality_code)] if pd.notna(goal.municipality_code)
                 and str(goal.municipality_code).strip() else [*network.astype(str), "0006"])
        data = indicators[(indicators["kpi"] == kpi) & (indicators["gender"] == gender)
                          & indicators["municipality_code"].isin(codes)]
        data = data[["municipality_code", "period", "value"]].rename(columns={"period": "year"})
        data = data.astype({"year": "int64"})
        present = [c for c in codes if c in set(data["municipality_code"])]
        if not present:
            continue
        data = data[data["municipality_code"].isin(present)]
        if goal.kind == "trajectory":
            years = int(goal.years)
            prog = progress(data, int(goal.baseline_year), direction,
                            pp_per_year=float(goal.pp_per_year), years=years,
                            by="municipality_code", as_of=year, clip=unit == "%")
            deadline = pd.Timestamp(year=int(goal.baseline_year) + years, month=12, day=31)
        else:
            deadline = pd.Timestamp(goal.deadline)
            prog = progress(data, int(goal.baseline_year) if pd.notna(goal.baseline_year)
                            else int(data["year"].min()), direction,
                            target=float(goal.target_value), by="municipality_code", as_of=year)
        for p in prog.itertuples(index=False):
            rows.append({
                "goal_id": goal.goal_id, "title_sv": goal.title_sv, "title_en": goal.title_en,
                "kind": goal.kind, "source": goal.source, "municipality_code": p.municipality_code,
                "current": p.latest, "current_period": str(p.latest_year) if pd.notna(p.latest_year) else pd.NA,
                "target": p.target, "gap": p.gap, "unit": unit, "deadline": deadline,
                "status": p.status, "share_achieved": p.share_achieved, "slope_pp": p.slope_pp,
                "ci_low": p.ci_low, "ci_high": p.ci_high, "pace": p.pace,
                "baseline_year": p.baseline_year, "baseline": p.baseline, "detail": "",
                "method": p.method,
            })
            own = data[data["municipality_code"] == p.municipality_code].sort_values("year")
            if goal.kind == "trajectory" and np.isfinite(p.baseline):
                traj = trajectory(p.baseline, int(goal.baseline_year), float(goal.pp_per_year),
                                  int(goal.years), direction, scale=100,
                                  clip=unit == "%")[["year", "goal"]]
                own = own.merge(traj, on="year", how="outer")
            else:
                own = own.assign(goal=p.target)
            own = own.assign(goal_id=goal.goal_id, kpi=kpi, municipality_code=p.municipality_code)
            series.append(own)
    gap = pd.DataFrame(rows, columns=GAP_COLUMNS)
    cols = ["goal_id", "kpi", "municipality_code", "year", "value", "goal"]
    ser = pd.concat(series, ignore_index=True)[cols] if series else pd.DataFrame(columns=cols)
    return gap, ser


def survey_goals(goals: pd.DataFrame, shares: pd.DataFrame, measured: pd.Timestamp | str | None = None,
                 as_of: pd.Timestamp | str | None = None, min_count: int | None = None) -> pd.DataFrame:
    """Gap rows of every goal whose source is ``survey:<survey>:<question>:<option>``.

    ``shares`` holds one row per goal source: source, x (count meeting the criterion), n (those
    who answered), population (how many were asked, e.g. the 21 family centres; NA when a
    sample). The current value is ``100 * x / n``; when n equals the population it is a census
    and carries no sampling error (method says so), else a Wilson 95 % interval is given.
    ``measured`` is the survey date; when unknown (None) the status is judged as of ``as_of``
    (see :func:`target_status`, ``date_known=False``). With ``min_count`` (the report's privacy
    threshold) a goal whose count x, or n - x, is 1..min_count-1 shows neither x, the current
    value, the gap nor the interval (``suppressed``); the status still says where it stands.
    """
    rows = []
    src = goals["source"].astype("string")
    picked = goals[src.str.startswith("survey:").fillna(False)]
    if measured is None and as_of is None:
        raise ValueError("survey_goals needs the survey date (measured) or the analysis date (as_of)")
    known = measured is not None
    measured = pd.Timestamp(measured if known else as_of)
    for goal in picked.itertuples(index=False):
        match = shares[shares["source"] == goal.source]
        direction = str(goal.direction) if pd.notna(goal.direction) else "up"
        base = {"goal_id": goal.goal_id, "title_sv": goal.title_sv, "title_en": goal.title_en,
                "kind": goal.kind, "source": goal.source, "municipality_code": pd.NA,
                "target": float(goal.target_value), "unit": "%",
                "deadline": pd.Timestamp(goal.deadline), "slope_pp": np.nan, "pace": pd.NA,
                "current_period": str(measured.date()) if known else pd.NA,
                "baseline_year": pd.NA, "baseline": np.nan}
        if match.empty or not int(match["n"].iloc[0]):
            rows.append({**base, "current": np.nan, "gap": np.nan, "status": "no_data", "suppressed": False,
                         "share_achieved": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                         "detail": "", "method": ""})
            continue
        x, n = int(match["x"].iloc[0]), int(match["n"].iloc[0])
        pop = match["population"].iloc[0] if "population" in match else pd.NA
        value = 100.0 * x / n
        if pd.notna(pop) and int(pop) == n:
            low = high = np.nan
            method = f"census: all {n} answered, no sampling error"
        else:
            low, high = (100 * v for v in _wilson(x, n))
            method = "Wilson score interval 95 % (Wilson 1927)"
        st = target_status(value, float(goal.target_value), goal.deadline, measured, direction,
                           date_known=known)
        hidden = min_count is not None and any(1 <= c <= min_count - 1 for c in (x, n - x))
        rows.append({**base, "current": np.nan if hidden else value, "gap": np.nan if hidden else st["gap"],
                     "status": st["status"], "share_achieved": np.nan,
                     "ci_low": np.nan if hidden else low, "ci_high": np.nan if hidden else high,
                     "detail": f"../{n}" if hidden else f"{x}/{n}", "method": method,
                     "met_by_deadline": st["met_by_deadline"], "suppressed": hidden})
    return pd.DataFrame(rows, columns=[*GAP_COLUMNS, "met_by_deadline", "suppressed"])


def _wilson(x: int, n: int, level: float = 0.95) -> tuple[float, float]:
    # Wilson 1927 score interval
    z = stats.norm.ppf(0.5 + level / 2)
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def gap_table(*parts: pd.DataFrame, as_of: pd.Timestamp | str | None = None) -> pd.DataFrame:
    """One table of every goal: current value, target, gap, deadline and status.

    Concatenates the rows of :func:`indicator_goals` and :func:`survey_goals` and adds
    ``deadline_passed`` (``as_of`` after the deadline; the deadline day itself counts as in time)
    and ``met_by_deadline``: True when met with the deadline not passed, False when not met and
    passed, NA otherwise (deadline ahead; or met, but only known after the deadline).
    """
    frames = [p for p in parts if p is not None and len(p)]
    if not frames:
        return pd.DataFrame(columns=[*GAP_COLUMNS, "deadline_passed", "met_by_deadline"])
    table = pd.concat(frames, ignore_index=True)
    as_of = pd.Timestamp(as_of) if as_of is not None else pd.Timestamp.today().normalize()
    passed = pd.to_datetime(table["deadline"]) < as_of
    met = table["status"] == "target_met"
    by_deadline = pd.Series(pd.NA, index=table.index, dtype="boolean")
    if "met_by_deadline" in table:
        by_deadline = table["met_by_deadline"].astype("boolean")
    # survey rows bring their own answer (NA = unknown); indicator rows are judged here
    fill = by_deadline.isna() & ~table["source"].astype(str).str.startswith("survey:")
    by_deadline = by_deadline.mask(fill & met & ~passed, True).mask(fill & ~met & passed, False)
    table = table.assign(deadline_passed=passed, met_by_deadline=by_deadline)
    order = {s: i for i, s in enumerate(STATUSES)}
    return (table.assign(_o=table["status"].map(order))
            .sort_values(["goal_id", "_o", "municipality_code"], na_position="first", kind="stable")
            .drop(columns="_o").reset_index(drop=True))


def survey_shares(goals: pd.DataFrame, data_dir) -> pd.DataFrame:
    """Resolve every ``survey:`` goal source with :func:`analysis.surveys.resolve_source`.

    Returns source, x, n, population (n for a census, else NA), share, method: the input of
    :func:`survey_goals`.
    """
    from .. import surveys

    rows = []
    src = goals["source"].astype("string")
    for source in goals.loc[src.str.startswith("survey:").fillna(False), "source"].drop_duplicates():
        res = surveys.resolve_source(str(source), data_dir)
        census = res["method"] == surveys.CENSUS_METHOD
        rows.append({"source": source, "x": res["x"], "n": res["n"],
                     "population": res["n"] if census else pd.NA, "share": res["share"],
                     "method": res["method"]})
    return pd.DataFrame(rows, columns=["source", "x", "n", "population", "share", "method"])


def gap_analysis(dataset, year: int, min_count: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every goal of ``dataset.goals`` against the data up to ``year`` (as of 31 December).

    Returns ``(table, series)``: :func:`gap_table` of indicator and survey goals, and the
    indicator series with their trajectories for :func:`analysis.plots.goal_chart`.
    """
    as_of = pd.Timestamp(year=int(year), month=12, day=31)
    gap, series = indicator_goals(dataset.goals, dataset.indicators, dataset.kpis,
                                  dataset.municipalities, int(year))
    shares = survey_shares(dataset.goals, dataset.folder)
    # Survey exports carry no date: judged as of the end of the analysis year.
    surv = survey_goals(dataset.goals, shares, as_of=as_of, min_count=min_count)
    return gap_table(gap, surv, as_of=as_of), series
