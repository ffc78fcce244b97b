"""Targets and the gap table: every goal with current value, target, gap, deadline and status."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from ..schemas import REGION_CODE
from .progress import STATUSES, _sign, progress, trajectory

__all__ = [
    "target_status",
    "GAP_COLUMNS",
    "SURVEY_COLUMNS",
    "indicator_goals",
    "indicator_se",
    "survey_goals",
    "gap_table",
    "survey_shares",
    "gap_analysis",
]


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
    return {
        "status": "target_met" if met else "baseline_only",
        "gap": max(gap, 0.0) if met else gap,
        "deadline_passed": passed,
        "met_by_deadline": by_deadline,
    }


GAP_COLUMNS = [
    "goal_id",
    "title_sv",
    "title_en",
    "kind",
    "source",
    "municipality_code",
    "baseline_year",
    "baseline",
    "current",
    "current_period",
    "target",
    "gap",
    "unit",
    "deadline",
    "status",
    "share_achieved",
    "slope_pp",
    "ci_low",
    "ci_high",
    "pace",
    "detail",
    "method",
    "baseline_year_used",
    "baseline_note",
    "baseline_period",
    "status_rule",
    "change_pp",
    "change_low",
    "change_high",
    "change_from_baseline",
]
#: Extra columns of survey goal rows: the counts behind the value and, for a census with
#: non-response, the population and the bounds (percent) the non-response allows.
SURVEY_COLUMNS = ["count", "base", "population", "bound_low", "bound_high", "met_by_deadline"]


def indicator_se(values, unit: str, n=None) -> np.ndarray:
    """Standard error of Kolada values in their unit, where one exists; NaN otherwise.

    * ``%`` with ``n`` (the people the share is of): binomial, ``sqrt(p (100 - p) / n)``;
    * ``per 1 000`` with ``n``: Poisson count ``r n / 1000``, so ``sqrt(1000 r / n)``;
    * a count (``antal``): Poisson, ``sqrt(value)``.
    """
    v = np.asarray(values, dtype=float)
    size = np.full(v.shape, np.nan) if n is None else np.asarray(n, dtype=float)
    kind = str(unit).lower().replace(" ", "").replace("\u00a0", "")
    with np.errstate(invalid="ignore", divide="ignore"):
        if kind in ("antal", "count", "st"):
            se = np.sqrt(v)
        elif kind == "%":
            se = np.where(size > 0, np.sqrt(v * (100 - v) / size), np.nan)
        elif kind == "per1000":
            se = np.where(size > 0, np.sqrt(1000 * v / size), np.nan)
        else:
            se = np.full(v.shape, np.nan)
    return np.where(np.isfinite(se), se, np.nan)


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
        direction = (
            str(goal.direction)
            if pd.notna(goal.direction)
            else (str(info["direction"].iloc[0]) if len(info) else "up")
        )
        unit = str(info["unit"].iloc[0]) if len(info) else "%"
        codes = (
            [str(goal.municipality_code)]
            if pd.notna(goal.municipality_code) and str(goal.municipality_code).strip()
            else [*network.astype(str), REGION_CODE]
        )
        data = indicators[
            (indicators["kpi"] == kpi)
            & (indicators["gender"] == gender)
            & indicators["municipality_code"].isin(codes)
        ]
        cols = ["municipality_code", "period", "value", *(["n"] if "n" in data.columns else [])]
        data = data[cols].rename(columns={"period": "year"}).astype({"year": "int64"})
        data = data.assign(
            se=indicator_se(data["value"], unit, data["n"] if "n" in data.columns else None)
        )
        se = "se" if data["se"].notna().any() else None
        present = [c for c in codes if c in set(data["municipality_code"])]
        if not present:
            continue
        data = data[data["municipality_code"].isin(present)]
        if goal.kind == "trajectory":
            years = int(goal.years)
            prog = progress(
                data,
                int(goal.baseline_year),
                direction,
                pp_per_year=float(goal.pp_per_year),
                years=years,
                by="municipality_code",
                as_of=year,
                clip=unit == "%",
                se=se,
            )
            deadline = pd.Timestamp(year=int(goal.baseline_year) + years, month=12, day=31)
        else:
            deadline = pd.Timestamp(goal.deadline)
            prog = progress(
                data,
                int(goal.baseline_year)
                if pd.notna(goal.baseline_year)
                else int(data["year"].min()),
                direction,
                target=float(goal.target_value),
                by="municipality_code",
                as_of=year,
                se=se,
            )
        for p in prog.itertuples(index=False):
            rows.append(
                {
                    "goal_id": goal.goal_id,
                    "title_sv": goal.title_sv,
                    "title_en": goal.title_en,
                    "kind": goal.kind,
                    "source": goal.source,
                    "municipality_code": p.municipality_code,
                    "current": p.latest,
                    "current_period": str(p.latest_year) if pd.notna(p.latest_year) else pd.NA,
                    "target": p.target,
                    "gap": p.gap,
                    "unit": unit,
                    "deadline": deadline,
                    "status": p.status,
                    "share_achieved": p.share_achieved,
                    "slope_pp": p.slope_pp,
                    "ci_low": p.ci_low,
                    "ci_high": p.ci_high,
                    "pace": p.pace,
                    "baseline_year": p.baseline_year,
                    "baseline": p.baseline,
                    "detail": "",
                    "method": p.method,
                    "baseline_year_used": p.baseline_year_used,
                    "baseline_note": p.baseline_note,
                    "baseline_period": str(p.baseline_year_used)
                    if pd.notna(p.baseline_year_used)
                    else pd.NA,
                    "status_rule": p.status_rule,
                    "change_pp": p.change_pp,
                    "change_low": p.change_low,
                    "change_high": p.change_high,
                    "change_from_baseline": p.change_from_baseline,
                }
            )
            own = data[data["municipality_code"] == p.municipality_code].sort_values("year")
            if goal.kind == "trajectory" and np.isfinite(p.baseline):
                traj = trajectory(
                    p.baseline,
                    int(goal.baseline_year),
                    float(goal.pp_per_year),
                    int(goal.years),
                    direction,
                    scale=100,
                    clip=unit == "%",
                )[["year", "goal"]]
                own = own.merge(traj, on="year", how="outer")
            else:
                own = own.assign(goal=p.target)
            own = own.assign(goal_id=goal.goal_id, kpi=kpi, municipality_code=p.municipality_code)
            series.append(own)
    gap = pd.DataFrame(rows, columns=GAP_COLUMNS)
    cols = ["goal_id", "kpi", "municipality_code", "year", "value", "goal"]
    ser = pd.concat(series, ignore_index=True)[cols] if series else pd.DataFrame(columns=cols)
    return gap, ser


def survey_goals(
    goals: pd.DataFrame,
    shares: pd.DataFrame,
    measured: pd.Timestamp | str | None = None,
    as_of: pd.Timestamp | str | None = None,
    min_count: int | None = None,
) -> pd.DataFrame:
    """Gap rows of every goal whose source is ``survey:<survey>:<question>:<option>``.

    ``shares`` holds one row per goal source: source, x (count meeting the criterion), n (those
    who answered), population (a census: the number of units in its codebook, e.g. the 21 family
    centres; NA for a sample) and, for a survey with waves, baseline_x, baseline_n and the wave
    labels (``wave``, ``baseline_wave``). The current value is ``100 * x / n``.

    * A sample gets a Wilson 95 % interval. With waves its status compares the first wave with
      the last as Healthy People 2030 does, testing the change with the Newcombe interval
      (the test of the effect report); with one measurement it is ``target_met`` or
      ``baseline_only``.
    * A census has no sampling error. When some units did not answer (``n < population``) the
      value among all is only known to lie between ``x / population`` and ``(x + population -
      n) / population`` (``bound_low``/``bound_high``, percent), and the target counts as met only
      when the worst case meets it.

    ``measured`` is the survey date; when unknown (None) the status is judged as of ``as_of``
    (see :func:`target_status`, ``date_known=False``). With ``min_count`` (the report's privacy
    threshold) a goal whose count x, or n - x, is 1..min_count-1 shows neither x, the current
    value, the gap nor the interval (``suppressed``); the status still says where it stands.
    """
    from ..effects.proportions import compare_proportions
    from .progress import HP_METHOD, TEN_PERCENT_RULE, classify

    rows = []
    src = goals["source"].astype("string")
    picked = goals[src.str.startswith("survey:").fillna(False)]
    if measured is None and as_of is None:
        raise ValueError(
            "survey_goals needs the survey date (measured) or the analysis date (as_of)"
        )
    known = measured is not None
    measured = pd.Timestamp(measured if known else as_of)

    def get(match, col):
        return match[col].iloc[0] if col in match.columns else pd.NA

    for goal in picked.itertuples(index=False):
        match = shares[shares["source"] == goal.source]
        # a goal without a direction follows its survey item's (direction: down in the codebook)
        item_direction = get(match, "direction") if not match.empty else pd.NA
        direction = (
            str(goal.direction)
            if pd.notna(goal.direction)
            else str(item_direction)
            if pd.notna(item_direction)
            else "up"
        )
        target = float(goal.target_value)
        base = {
            "goal_id": goal.goal_id,
            "title_sv": goal.title_sv,
            "title_en": goal.title_en,
            "kind": goal.kind,
            "source": goal.source,
            "municipality_code": pd.NA,
            "target": target,
            "unit": "%",
            "deadline": pd.Timestamp(goal.deadline),
            "slope_pp": np.nan,
            "pace": pd.NA,
            "current_period": str(measured.date()) if known else pd.NA,
            "baseline_year": pd.NA,
            "baseline": np.nan,
            "baseline_year_used": pd.NA,
            "baseline_note": "",
            "baseline_period": pd.NA,
            "status_rule": pd.NA,
            "change_pp": np.nan,
            "change_low": np.nan,
            "change_high": np.nan,
            "change_from_baseline": np.nan,
            "population": pd.NA,
            "bound_low": np.nan,
            "bound_high": np.nan,
        }
        if match.empty or not int(match["n"].iloc[0]):
            rows.append(
                {
                    **base,
                    "current": np.nan,
                    "gap": np.nan,
                    "status": "no_data",
                    "suppressed": False,
                    "share_achieved": np.nan,
                    "ci_low": np.nan,
                    "ci_high": np.nan,
                    "detail": "",
                    "method": "",
                    "count": pd.NA,
                    "base": pd.NA,
                }
            )
            continue
        x, n = int(match["x"].iloc[0]), int(match["n"].iloc[0])
        pop = get(match, "population")
        value = 100.0 * x / n
        judged = value  # the value the target is judged on
        row = {**base, "count": x, "base": n}
        if pd.notna(pop):
            pop = int(pop)
            low = high = np.nan
            if pop > n:
                # non-response: the worst case (none of the pop - n units has it) must meet it
                row.update(
                    population=pop,
                    bound_low=100.0 * x / pop,
                    bound_high=100.0 * (x + pop - n) / pop,
                )
                judged = row["bound_low"] if direction == "up" else row["bound_high"]
                method = (
                    f"census: {n} of {pop} answered, no sampling error; non-response bounds "
                    f"{x}-{x + pop - n} of {pop}; target judged on the worst case"
                )
            else:
                row.update(population=pop)
                method = f"census: all {n} answered, no sampling error"
        else:
            low, high = (100 * v for v in _wilson(x, n))
            method = "Wilson score interval 95 % (Wilson 1927)"
        st = target_status(judged, target, goal.deadline, measured, direction, date_known=known)
        status = st["status"]
        bx, bn = get(match, "baseline_x"), get(match, "baseline_n")
        if pd.notna(bx) and pd.notna(bn) and int(bn) > 0:
            # two waves: Healthy People 2030, the first wave (baseline) against the last
            bx, bn = int(bx), int(bn)
            baseline = 100.0 * bx / bn
            change_ci = None
            if pd.isna(pop):
                diff = compare_proportions(x, n, bx, bn)  # Newcombe 1998, method 10, 95 %
                change_ci = (100 * diff["ci_low"], 100 * diff["ci_high"])
            status = classify(
                baseline, value, target, direction, 2, change_ci, target_met=status == "target_met"
            )
            rule = "standard_error" if change_ci else "ten_percent"
            waves = f"{get(match, 'baseline_wave')} vs {get(match, 'wave')}"
            targeted = target - baseline
            share = (value - baseline) / targeted if targeted != 0 else np.nan
            row.update(
                baseline=baseline,
                baseline_period=str(get(match, "baseline_wave")),
                current_period=str(get(match, "wave")),
                status_rule=rule if status not in ("target_met",) else pd.NA,
                change_pp=(1 if direction == "up" else -1) * (value - baseline),
                change_low=change_ci[0] if change_ci else np.nan,
                change_high=change_ci[1] if change_ci else np.nan,
                change_from_baseline=(value - baseline) / baseline if baseline else np.nan,
                share_achieved=share if np.isfinite(share) and share >= 0 else np.nan,
            )
            method += f"; {HP_METHOD}: waves {waves}; " + (
                "change tested with the Newcombe interval (1998, method 10), two-sided 5 %"
                if change_ci
                else TEN_PERCENT_RULE
            )
        # the gap is to the value shown (the respondents' share); the status and "met in time"
        # follow the judged value (a census's worst case)
        gap = target_status(value, target, goal.deadline, measured, direction, date_known=known)[
            "gap"
        ]
        row = {
            "share_achieved": np.nan,
            **row,
            "current": value,
            "gap": gap,
            "status": status,
            "ci_low": low,
            "ci_high": high,
            "detail": f"{x}/{n}",
            "method": method,
            "met_by_deadline": st["met_by_deadline"],
            "suppressed": False,
        }
        rows.append(_protect_goal(row, x, n, bx, bn, min_count))
    return pd.DataFrame(rows, columns=[*GAP_COLUMNS, *SURVEY_COLUMNS, "suppressed"])


def _protect_goal(row: dict, x: int, n: int, bx, bn, min_count: int | None) -> dict:
    """The primary rule on a survey goal: a count x, or n - x, of 1..min_count-1 hides every
    number that gives it (the value, the gap, the interval, the census bounds, the change from
    the first wave); the same for the first wave's counts. The status stays."""
    if min_count is None:
        return row

    def small(*counts) -> bool:
        return any(1 <= c <= min_count - 1 for c in counts)

    out = dict(row)
    if small(x, n - x, n):
        out.update(
            current=np.nan,
            gap=np.nan,
            ci_low=np.nan,
            ci_high=np.nan,
            bound_low=np.nan,
            bound_high=np.nan,
            count=pd.NA,
            share_achieved=np.nan,
            change_pp=np.nan,
            change_low=np.nan,
            change_high=np.nan,
            change_from_baseline=np.nan,
            suppressed=True,
            detail=f"../{'..' if small(n) else n}",
            base=pd.NA if small(n) else n,
        )
    if pd.notna(bx) and pd.notna(bn) and small(int(bx), int(bn) - int(bx), int(bn)):
        out.update(
            baseline=np.nan,
            change_pp=np.nan,
            change_low=np.nan,
            change_high=np.nan,
            change_from_baseline=np.nan,
            share_achieved=np.nan,
        )
    return out


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
    return (
        table.assign(_o=table["status"].map(order))
        .sort_values(["goal_id", "_o", "municipality_code"], na_position="first", kind="stable")
        .drop(columns="_o")
        .reset_index(drop=True)
    )


def survey_shares(goals: pd.DataFrame, data_dir, load=None) -> pd.DataFrame:
    """Resolve every ``survey:`` goal source with :func:`analysis.surveys.resolve_source`.

    Returns source, x, n, population (a census: N from its codebook; NA for a sample), share,
    method, and for a survey with waves baseline_x, baseline_n, wave, baseline_wave: the input
    of :func:`survey_goals`, and ``direction`` (which way is better for a Likert item's share,
    from its codebook; NA otherwise). ``load``: how to read a survey by id (``Dataset.survey``).
    """
    from .. import surveys

    cols = [
        "source",
        "x",
        "n",
        "population",
        "share",
        "method",
        "baseline_x",
        "baseline_n",
        "wave",
        "baseline_wave",
        "direction",
    ]
    rows = []
    src = goals["source"].astype("string")
    for source in goals.loc[
        src.str.startswith("survey:").fillna(False), "source"
    ].drop_duplicates():
        res = surveys.resolve_source(str(source), data_dir, load=load)
        rows.append({"source": source, **{c: res.get(c, pd.NA) for c in cols[1:]}})
    return pd.DataFrame(rows, columns=cols)


def gap_analysis(
    dataset, year: int, min_count: int | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every goal of ``dataset.goals`` against the data up to ``year`` (as of 31 December).

    Returns ``(table, series)``: :func:`gap_table` of indicator and survey goals, and the
    indicator series with their trajectories for :func:`analysis.plots.goal_chart`.
    """
    as_of = pd.Timestamp(year=int(year), month=12, day=31)
    gap, series = indicator_goals(
        dataset.goals, dataset.indicators, dataset.kpis, dataset.municipalities, int(year)
    )
    shares = survey_shares(dataset.goals, dataset.folder, load=dataset.survey)
    # Survey exports carry no date: judged as of the end of the analysis year.
    surv = survey_goals(dataset.goals, shares, as_of=as_of, min_count=min_count)
    return gap_table(gap, surv, as_of=as_of), series
