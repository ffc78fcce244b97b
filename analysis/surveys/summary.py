"""Survey statistics: shares with Wilson intervals (or a census count), numbers, goal sources."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import norm

from .codebook import (
    ALL,
    ANY,
    BOTTOM_BOX,
    CENSUS_METHOD,
    CHOICE_TYPES,
    CODEBOOK,
    POSITIVE,
    TOP_BOX,
    WILSON_METHOD,
)
from .reading import Survey, find_surveys, load_survey

#: Columns a census adds to a summary (NA/NaN for a sample): N and the non-response bounds.
CENSUS_COLUMNS = ("population", "bound_low", "bound_high")


def wilson(x, n, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion x/n (vectorised; NaN where n == 0).

    # Wilson 1927; Newcombe 1998, method 3 (score interval without continuity correction).
    """
    x = np.asarray(x, dtype=float)
    n = np.asarray(n, dtype=float)
    z = norm.ppf(1 - (1 - level) / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = x / n
        denom = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
        low = np.where(n > 0, np.clip(centre - half, 0, 1), np.nan)
        high = np.where(n > 0, np.clip(centre + half, 0, 1), np.nan)
    low = np.where(x == 0, 0.0, low)
    high = np.where(x == n, 1.0, high)
    return np.where(n > 0, low, np.nan), np.where(n > 0, high, np.nan)


def _codes(series: pd.Series) -> tuple[np.ndarray, list]:
    """Integer codes (-1 = missing) and categories of a column."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series.cat.codes.to_numpy(), list(series.cat.categories)
    codes, uniques = pd.factorize(series, sort=True)
    return codes, list(uniques)


def _check_by(survey: Survey, by: list[str]) -> None:
    allowed = [*(["wave"] if survey.has_waves else []), *survey.codebook.subgroups]
    for b in by:
        if b not in allowed:
            if survey.is_census:
                raise ValueError(
                    f"survey {survey.id!r} is a census of identifiable units and may not be "
                    f"broken down by {b!r}"
                    + (f"; allowed: {', '.join(allowed)}" if allowed else "")
                )
            raise ValueError(
                f"{b!r} is not a subgroup of survey {survey.id!r}; allowed: "
                f"{', '.join(allowed) or 'none'}"
            )


def summarise(
    survey: Survey,
    questions: list[str] | None = None,
    by: list[str] | str | None = None,
    min_count: int | None = 5,
    *,
    level: float = 0.95,
    dropna: bool = True,
) -> pd.DataFrame:
    """Summarise choice questions: one row per question x option (x subgroup).

    Vectorised over every question and subgroup at once, in steps: code the answers (question,
    answer slot, subgroup cell), tally them, keep the cells present, lay out the rows, estimate
    (Wilson or census bounds), then blank what the publication hides.

    Parameters
    ----------
    survey
        From :func:`load_survey`.
    questions
        Question ids (default: every single, multi, Likert and ranking question).
    by
        Subgroup columns (codebook ``subgroups``, and ``wave`` for a survey with waves).
    min_count
        Small-cell threshold: the counts are those of the survey's protected publication
        (:func:`analysis.surveys.publication.protected`: counts 1..min_count-1 and shares with a
        base under ``min_count`` hidden, and enough other cells, over every report of the
        survey, that no hidden count can be worked out); ``None`` = no suppression (never in a
        report; for goal tracking and the effects tests).
    level
        Confidence level of the Wilson intervals.
    dropna
        Leave out respondents whose subgroup answer is blank (they still count in the totals).

    Returns
    -------
    DataFrame
        ``question_id, option, [by...], n, base, share, ci_low, ci_high, method, suppressed,
        n_dont_know, n_blank, mean_rank, population, bound_low, bound_high``. ``base`` = respondents who answered the question,
        without "vet ej" (unless the question sets ``dont_know_in_base``); ``n`` = respondents
        choosing the option. Multi-select: share of respondents choosing each option (shares
        add up to more than 1). Likert: one row per scale step plus ``option == "top_box"``
        (the codebook's top_box codes) and ``"bottom_box"`` (their mirror image). Ranking: ``n`` = respondents ranking the option first,
        ``mean_rank``. Samples get Wilson 95 % intervals (method ``wilson``); a census gets no
        sampling interval (method ``census (x av N)``) but ``population`` (N, from the codebook)
        and the bounds non-response allows, ``bound_low = n / N`` (none of the ``N - base``
        units without an answer has the option) and ``bound_high = (n + N - base) / N`` (all
        have it); hidden with the count when suppressed. NA/NaN for samples.
    """
    by = [by] if isinstance(by, str) else list(by or [])
    _check_by(survey, by)
    qs = _choice_questions(survey.codebook, questions)
    coded = _code_answers(survey.responses, qs, by)
    tally = _tally(survey.responses, coded)
    groups = _groups_present(tally, coded, by, dropna)
    rows = _option_rows(qs, coded, tally, groups, by)
    if rows is None:
        return pd.DataFrame(columns=["question_id", "option", *by, *SUMMARY_COLUMNS])
    out = _estimates(_frame(rows, survey, coded, by), survey, by, level)
    if min_count is not None:
        out = _published(out, survey, by, min_count)
        # the bounds hold the count and the base (n/N, (n + N - base)/N): hidden with either
        hidden = out["suppressed"].to_numpy(dtype=bool)
        out["bound_low"] = out["bound_low"].mask(hidden)
        out["bound_high"] = out["bound_high"].mask(hidden)
    return out


#: The columns of a summary after ``question_id, option`` and the subgroups.
SUMMARY_COLUMNS = (
    "n",
    "base",
    "share",
    "ci_low",
    "ci_high",
    "method",
    "suppressed",
    "n_dont_know",
    "n_blank",
    "mean_rank",
    "population",
    "bound_low",
    "bound_high",
)


def _choice_questions(cb, questions) -> list:
    """The questions to summarise (default: every choice question), each checked to be one."""
    if questions is None:
        return [q for q in cb.questions if q.type in CHOICE_TYPES]
    qs = [cb.question(q) for q in ([questions] if isinstance(questions, str) else questions)]
    for q in qs:
        if q.type not in CHOICE_TYPES:
            raise ValueError(
                f"question {q.id!r} is {q.type}; summarise handles "
                f"{', '.join(CHOICE_TYPES)} (numbers: summarise_numbers)"
            )
    return qs


@dataclass(frozen=True)
class _Coded:
    """Every answer row as integer codes: question, answer slot and subgroup cell."""

    questions: list  # the questions summarised
    qpos: dict  # question id -> question code
    qcode: np.ndarray  # question code of each row
    slot: np.ndarray  # 0..K-1 the answer option, K "vet ej", K+1 blank (K: most options)
    keep: np.ndarray  # the row answers a question summarised
    group: np.ndarray  # subgroup cell of each row (0 when there are no subgroups)
    strides: list  # per subgroup column: its stride in the cell number
    group_cats: list  # per subgroup column: its categories (code 0 of a column is "missing")
    n_groups: int
    n_questions: int  # question codes + 1 (the last: unused)
    n_slots: int

    @property
    def dk_slot(self) -> int:
        return self.n_slots - 2


def _code_answers(r: pd.DataFrame, qs: list, by: list[str]) -> _Coded:
    """Step 1: code each answer row by question, answer slot and subgroup cell."""
    qcode, qcats = _codes(r["question_id"])
    ocode, ocats = _codes(r["option"])
    # per question: slot of each global option code (0..K-1 answer options, K = vet ej, K+1 = blank)
    kmax = max((len(q.options) for q in qs), default=0)
    dk_slot, blank_slot = kmax, kmax + 1
    qpos = {q: i for i, q in enumerate(qcats)}
    lut = np.full((len(qcats) + 1, len(ocats) + 1), -1, dtype=np.int64)  # last column: missing
    opt_index = {c: j for j, c in enumerate(ocats)}
    selected = np.zeros(len(qcats) + 1, dtype=bool)
    for q in qs:
        if q.id not in qpos:
            continue
        i = qpos[q.id]
        selected[i] = True
        lut[i, -1] = blank_slot
        for k, o in enumerate(q.answer_options):
            if o.code in opt_index:
                lut[i, opt_index[o.code]] = k
        for o in q.options:
            if o.dont_know and o.code in opt_index:
                lut[i, opt_index[o.code]] = dk_slot
    slot = lut[qcode, ocode]  # ocode -1 -> last column (blank)
    keep = selected[qcode] & (slot >= 0)
    # the subgroup cell of every row: mixed radix, code 0 of each column = missing
    group_cats, strides = [], []
    g = np.zeros(len(r), dtype=np.int64)
    size = 1
    for b in reversed(by):
        codes, cats = _codes(r[b])
        g += (codes.astype(np.int64) + 1) * size
        group_cats.insert(0, cats)
        strides.insert(0, size)
        size *= len(cats) + 1
    return _Coded(
        questions=qs,
        qpos=qpos,
        qcode=qcode,
        slot=slot,
        keep=keep,
        group=g,
        strides=strides,
        group_cats=group_cats,
        n_groups=size,
        n_questions=len(qcats) + 1,
        n_slots=kmax + 2,
    )


@dataclass(frozen=True)
class _Tally:
    """Counts per question x subgroup cell x answer slot, and each respondent's status."""

    counts: np.ndarray  # rows per (question, cell, slot)
    firsts: np.ndarray | None  # ranking: first places per (question, cell, slot)
    rank_sum: np.ndarray | None  # ranking: sum of the ranks given
    status: np.ndarray  # respondents per (question, cell, 0 answered | 1 only "vet ej" | 2 blank)


def _tally(r: pd.DataFrame, c: _Coded) -> _Tally:
    """Step 2: count the answers of every question and cell at once (bincount over the codes)."""
    nq, ngroups, nslots, dk_slot = c.n_questions, c.n_groups, c.n_slots, c.dk_slot
    shape = (nq, ngroups, nslots)
    flat = (c.qcode.astype(np.int64) * ngroups + c.group) * nslots + c.slot
    counts = np.bincount(flat[c.keep], minlength=nq * ngroups * nslots).reshape(shape)
    # ranking: first places and rank sums
    rank = (
        r["rank"].to_numpy(dtype=float, na_value=np.nan)
        if "rank" in r.columns
        else np.full(len(r), np.nan)
    )
    is_rank_q = np.zeros(nq, dtype=bool)
    is_multi_q = np.zeros(nq, dtype=bool)
    for q in c.questions:
        if q.id in c.qpos:
            is_rank_q[c.qpos[q.id]] = q.type == "ranking"
            is_multi_q[c.qpos[q.id]] = q.type in ("multi", "ranking")
    firsts = rank_sum = None
    if is_rank_q.any():
        rmask = c.keep & is_rank_q[c.qcode] & ~np.isnan(rank)
        firsts = np.bincount(flat[rmask & (rank == 1)], minlength=nq * ngroups * nslots).reshape(
            shape
        )
        rank_sum = np.bincount(
            flat[rmask], weights=rank[rmask], minlength=nq * ngroups * nslots
        ).reshape(shape)
    # respondent status per question: 0 answered, 1 only "vet ej", 2 blank
    status_counts = np.zeros((nq, ngroups, 3), dtype=np.int64)
    single = c.keep & ~is_multi_q[c.qcode]
    if single.any():
        status = np.where(c.slot < dk_slot, 0, np.where(c.slot == dk_slot, 1, 2))
        idx = (c.qcode[single].astype(np.int64) * ngroups + c.group[single]) * 3 + status[single]
        status_counts += np.bincount(idx, minlength=nq * ngroups * 3).reshape(nq, ngroups, 3)
    multi = c.keep & is_multi_q[c.qcode]
    if multi.any():
        # several rows per respondent: the respondent counts once, by their best status
        rid = r["respondent_id"]
        rcode = (
            rid.cat.codes.to_numpy()
            if isinstance(rid.dtype, pd.CategoricalDtype)
            else pd.factorize(rid)[0]
        )
        rkey = rcode.astype(np.int64)
        if "wave" in r.columns:
            wcode, wcats = _codes(r["wave"])
            rkey = rkey * (len(wcats) + 1) + (wcode.astype(np.int64) + 1)
        sel = np.flatnonzero(multi)
        status = np.where(c.slot[sel] < dk_slot, 0, np.where(c.slot[sel] == dk_slot, 1, 2))
        key = c.qcode[sel].astype(np.int64) * (int(rkey.max()) + 1) + rkey[sel]
        order = np.lexsort((status, key))
        ks = key[order]
        first = np.ones(len(ks), dtype=bool)
        first[1:] = ks[1:] != ks[:-1]
        pick = sel[order[first]]
        st = status[order[first]]
        idx = (c.qcode[pick].astype(np.int64) * ngroups + c.group[pick]) * 3 + st
        status_counts += np.bincount(idx, minlength=nq * ngroups * 3).reshape(nq, ngroups, 3)
    return _Tally(counts=counts, firsts=firsts, rank_sum=rank_sum, status=status_counts)


def _groups_present(t: _Tally, c: _Coded, by: list[str], dropna: bool) -> np.ndarray:
    """Step 3: the subgroup cells with any respondent (without a blank subgroup if ``dropna``)."""
    present = np.flatnonzero(t.status.sum(axis=(0, 2)) > 0)
    if dropna and by:
        ok = np.ones(len(present), dtype=bool)
        for stride, cats in zip(c.strides, c.group_cats, strict=True):
            ok &= (present // stride) % (len(cats) + 1) != 0
        present = present[ok]
    return present


def _option_rows(
    qs: list, c: _Coded, t: _Tally, present: np.ndarray, by: list[str]
) -> dict[str, np.ndarray] | None:
    """Step 4: the rows of the summary as arrays: per question, per cell, per option in codebook
    order (then "vet ej" when it is in the base, then the top and bottom boxes); None if none."""
    acc: dict[str, list[np.ndarray]] = {
        k: [] for k in ("q", "option", "g", "n", "base", "dk", "blank", "rank")
    }
    for q in qs:
        if q.id not in c.qpos:
            continue
        i = c.qpos[q.id]
        gs = present[t.status[i, present].sum(axis=1) > 0] if by else np.array([0])
        answered = t.status[i, gs, 0]
        n_dk = t.status[i, gs, 1]
        n_blank = t.status[i, gs, 2]
        base = answered + (n_dk if q.dont_know_in_base else 0)
        opts = list(q.answer_options)
        mat = (t.firsts if q.type == "ranking" else t.counts)[i][np.ix_(gs, range(len(opts)))]
        labels = [o.code for o in opts]
        columns = [mat[:, k] for k in range(len(opts))]
        mean_rank = [np.full(len(gs), np.nan) for _ in opts]
        if q.type == "ranking":
            tot = t.counts[i][np.ix_(gs, range(len(opts)))]
            with np.errstate(invalid="ignore", divide="ignore"):
                mean_rank = [t.rank_sum[i][gs, k] / tot[:, k] for k in range(len(opts))]
        if q.dont_know_in_base:
            for o in q.options:
                if o.dont_know:
                    labels.append(o.code)
                    columns.append(n_dk)
                    mean_rank.append(np.full(len(gs), np.nan))
                    break
        if q.type == "likert" and q.top_box:
            for box, codes in ((TOP_BOX, q.top_box), (BOTTOM_BOX, q.bottom_box)):
                pos = [k for k, o in enumerate(opts) if o.code in codes]
                labels.append(box)
                columns.append(
                    mat[:, pos].sum(axis=1) if pos else np.zeros(len(gs), dtype=np.int64)
                )
                mean_rank.append(np.full(len(gs), np.nan))
        k = len(labels)
        # rows: group-major within the question, options in codebook order
        acc["q"].append(np.full(k * len(gs), q.id, dtype=object))
        acc["option"].append(np.tile(np.asarray(labels, dtype=object), len(gs)))
        acc["g"].append(np.repeat(gs, k))
        acc["n"].append(np.stack(columns, axis=1).ravel())
        acc["base"].append(np.repeat(base, k))
        acc["dk"].append(np.repeat(n_dk, k))
        acc["blank"].append(np.repeat(n_blank, k))
        acc["rank"].append(np.stack(mean_rank, axis=1).ravel())
    if not acc["q"]:
        return None
    return {k: np.concatenate(v) for k, v in acc.items()}


def _frame(rows: dict[str, np.ndarray], survey: Survey, c: _Coded, by: list[str]) -> pd.DataFrame:
    """Step 5: the rows as a frame with the subgroups as categories (as in the responses)."""
    out = pd.DataFrame({"question_id": rows["q"], "option": rows["option"]})
    out["question_id"] = out["question_id"].astype("str")
    out["option"] = out["option"].astype("str")
    for b, stride, cats in zip(by, c.strides, c.group_cats, strict=True):
        codes = (rows["g"] // stride) % (len(cats) + 1) - 1
        source = survey.responses[b]
        ordered = (
            bool(source.cat.ordered) if isinstance(source.dtype, pd.CategoricalDtype) else False
        )
        out[b] = pd.Categorical.from_codes(codes, categories=cats, ordered=ordered)
    out["n"] = pd.array(rows["n"], dtype="Int64")
    out["base"] = pd.array(rows["base"], dtype="Int64")
    out["n_dont_know"] = pd.array(rows["dk"], dtype="Int64")
    out["n_blank"] = pd.array(rows["blank"], dtype="Int64")
    out["mean_rank"] = rows["rank"].astype(float)
    return out


def _estimates(out: pd.DataFrame, survey: Survey, by: list[str], level: float) -> pd.DataFrame:
    """Step 6: share with its Wilson interval (a sample), or with the bounds non-response allows
    (a census); the columns in the order of the summary."""
    n = out["n"].to_numpy(dtype=float)
    base = out["base"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["share"] = np.where(base > 0, n / base, np.nan)
    if survey.is_census:
        out["ci_low"] = np.nan
        out["ci_high"] = np.nan
        out["method"] = CENSUS_METHOD
        # non-response bounds: the population - base units that gave no usable answer could all
        # lack (worst case) or all have (best case) the option: n/N to (n + N - base)/N
        population = float(survey.codebook.population or np.nan)
        unknown = np.maximum(population - base, 0)
        out["population"] = pd.array(np.full(len(out), survey.codebook.population), dtype="Int64")
        with np.errstate(invalid="ignore", divide="ignore"):
            out["bound_low"] = n / population
            out["bound_high"] = (n + unknown) / population
    else:
        low, high = wilson(n, base, level)
        out["ci_low"] = low
        out["ci_high"] = high
        out["method"] = WILSON_METHOD
        out["population"] = pd.array([pd.NA] * len(out), dtype="Int64")
        out["bound_low"] = np.nan
        out["bound_high"] = np.nan
    out["suppressed"] = False
    return out[["question_id", "option", *by, *SUMMARY_COLUMNS]]


def _published(out: pd.DataFrame, survey: Survey, by: list[str], min_count: int) -> pd.DataFrame:
    """Blank every count the survey's publication hides (primary and secondary suppression over
    every report, :func:`analysis.surveys.publication.protected`); counts no report shows (a
    group of respondents who skipped a subgroup question, "vet ej" per subgroup) are blank too."""
    from .cells import BASE, BLANK, DK, CellKey, group_of
    from .publication import protected

    pub = protected(survey, min_count)
    sid = survey.id
    n_hidden, base_hidden, dk_hidden, blank_hidden = [], [], [], []
    for q, option, *groups in out[["question_id", "option", *by]].itertuples(
        index=False, name=None
    ):
        values = dict(zip(by, groups, strict=True))
        if any(
            v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA
            for v in values.values()
        ):
            n_hidden.append(True)
            base_hidden.append(True)
            dk_hidden.append(True)
            blank_hidden.append(True)
            continue
        group = group_of(survey.codebook, values)
        n_hidden.append(pub.is_hidden(CellKey(sid, q, option, group)))
        base_hidden.append(pub.is_hidden(CellKey(sid, q, BASE, group)))
        dk_hidden.append(
            pub.is_hidden(CellKey(sid, q, DK, group))
            and bool(survey.codebook.question(q).dont_know_codes)
        )
        blank_hidden.append(pub.is_hidden(CellKey(sid, q, BLANK, group)))
    n_hidden = np.asarray(n_hidden, dtype=bool)
    base_hidden = np.asarray(base_hidden, dtype=bool)
    share_hidden = n_hidden | base_hidden
    out = out.copy()
    out["n"] = out["n"].mask(n_hidden)
    out["base"] = out["base"].mask(base_hidden)
    for col in ("share", "ci_low", "ci_high", "mean_rank"):
        out[col] = out[col].mask(share_hidden)
    out["n_dont_know"] = out["n_dont_know"].mask(np.asarray(dk_hidden, dtype=bool))
    out["n_blank"] = out["n_blank"].mask(np.asarray(blank_hidden, dtype=bool))
    out["suppressed"] = share_hidden
    return out


#: The columns of :func:`summarise_numbers` after ``question_id`` and the groups.
NUMBER_SUMMARY_COLUMNS = (
    "n",
    "mean",
    "ci_low",
    "ci_high",
    "median",
    "q1",
    "q3",
    "method",
    "suppressed",
)


def summarise_numbers(
    survey: Survey,
    questions: list[str] | None = None,
    by: list[str] | str | None = None,
    min_count: int | None = 5,
    level: float = 0.95,
) -> pd.DataFrame:
    """Number questions: n, mean (t interval), median and quartiles per question (x subgroup).

    Groups with fewer than ``min_count`` answers are suppressed (every statistic blank).
    """
    from scipy.stats import t as t_dist

    by = [by] if isinstance(by, str) else list(by or [])
    _check_by(survey, by)
    frame = survey.numbers
    if questions is not None:
        frame = frame[frame["question_id"].isin(questions)]
    frame = frame.dropna(subset=["value"])
    cols = ["question_id", *by, *NUMBER_SUMMARY_COLUMNS]
    if frame.empty:
        return pd.DataFrame(columns=cols)
    grouped = frame.groupby(["question_id", *by], observed=True, sort=True)["value"]
    out = grouped.agg(
        n="count",
        mean="mean",
        sd="std",
        median="median",
        q1=lambda v: v.quantile(0.25),
        q3=lambda v: v.quantile(0.75),
    ).reset_index()
    tq = t_dist.ppf(1 - (1 - level) / 2, np.maximum(out["n"] - 1, 1))
    half = tq * out["sd"] / np.sqrt(out["n"])
    out["ci_low"] = out["mean"] - half
    out["ci_high"] = out["mean"] + half
    out["method"] = "t"
    hide = (out["n"] < (min_count or 0)).to_numpy()
    if min_count is not None:
        from .cells import ANSWERED, CellKey, group_of
        from .publication import protected

        pub = protected(survey, min_count)
        hide = hide | np.array(
            [
                pub.is_hidden(
                    CellKey(
                        survey.id,
                        q,
                        ANSWERED,
                        group_of(survey.codebook, dict(zip(by, g, strict=True))),
                    )
                )
                for q, *g in out[["question_id", *by]].itertuples(index=False, name=None)
            ],
            dtype=bool,
        )
    for col in ("mean", "ci_low", "ci_high", "median", "q1", "q3"):
        out[col] = out[col].mask(hide)
    out["n"] = out["n"].astype("Int64").mask(hide & (out["n"] > 0).to_numpy())
    out["suppressed"] = hide
    return out[cols]


def respondents(
    survey: Survey, by: list[str] | str | None = None, min_count: int | None = 5
) -> pd.DataFrame:
    """Number of respondents per subgroup (e.g. per school and wave); small counts suppressed."""
    by = [by] if isinstance(by, str) else list(by or [])
    _check_by(survey, by)
    frame = survey.respondents
    if by:
        out = frame.groupby(by, observed=True, sort=True).size().rename("n").reset_index()
    else:
        out = pd.DataFrame({"n": [len(frame)]})
    out["n"] = out["n"].astype("Int64")
    if min_count is not None:
        from .publication import protected

        pub = protected(survey, min_count)
        hidden = [
            pub.is_hidden(respondents_key(survey, values))
            for values in (out[by].to_dict("records") if by else [{}])
        ]
        out["n"] = out["n"].mask(np.asarray(hidden, dtype=bool))
        out["suppressed"] = np.asarray(hidden, dtype=bool)
    return out


def respondents_key(survey: Survey, values: dict[str, Any]):
    """The cell of the respondents of a group (a subgroup's own answer count when the survey has
    no waves and the group is one subgroup: that is how the reports show it)."""
    from .cells import RESPONDENTS, CellKey, N, group_of

    subgroups = [b for b in values if b != "wave"]
    if not survey.has_waves and len(values) == 1 and len(subgroups) == 1:
        return CellKey(survey.id, subgroups[0], str(values[subgroups[0]]), ())
    return CellKey(survey.id, RESPONDENTS, N, group_of(survey.codebook, values))


def share_of(survey: Survey, question_id: str, option: str) -> tuple[int, int]:
    """Return ``(x, n)``: how many respondents chose ``option`` of all who answered.

    ``option`` is an option code, ``top_box`` (Likert), or for a multi-select question the
    pseudo-options ``any`` (chose at least one option that is not "vet ej" and not an
    ``exclusive`` "none" option) and ``all`` (chose every such option). Not suppressed:
    for goal tracking, not for showing counts.
    """
    q = survey.codebook.question(question_id)
    if q.type not in CHOICE_TYPES:
        raise ValueError(f"question {question_id!r} is {q.type}, not a choice question")
    if option in (ANY, ALL):
        if q.type != "multi":
            raise ValueError(
                f"'{option}' works for multi-select questions; {question_id!r} is {q.type}"
            )
        r = survey.responses
        r = r[r["question_id"] == question_id]
        keys = ["respondent_id", *(["wave"] if "wave" in r.columns else [])]
        real = [o.code for o in q.answer_options if not o.exclusive]
        answered = r[r["option"].isin([o.code for o in q.answer_options])]
        n = len(answered[keys].drop_duplicates())
        chosen = answered[answered["option"].isin(real)]
        per = chosen.groupby(keys, observed=True)["option"].nunique()
        x = int((per >= 1).sum()) if option == ANY else int((per == len(real)).sum())
        return x, int(n)
    if option == POSITIVE:
        if q.type != "likert":
            raise ValueError(f"'{POSITIVE}' works for Likert items; {question_id!r} is {q.type}")
        option = q.positive_box
    if option not in (TOP_BOX, BOTTOM_BOX):
        q.option(option)  # raises a clear KeyError for an unknown option
    s = summarise(survey, questions=[question_id], min_count=None)
    row = s[s["option"] == option]
    if row.empty:
        raise KeyError(f"question {question_id!r} has no option {option!r}")
    return int(row["n"].iloc[0]), int(row["base"].iloc[0])


def resolve_source(
    source: str,
    data_dir: str | Path,
    level: float = 0.95,
    *,
    load: Callable[[str], Survey] | None = None,
) -> dict[str, Any]:
    """Resolve a goal source ``survey:<survey_id>:<question_id>:<option>`` in ``data_dir``.

    Returns ``{"x", "n", "share", "ci_low", "ci_high", "method", "population", "bound_low",
    "bound_high", "wave", "baseline_x", "baseline_n", "baseline_wave"}``. A sample gets a Wilson
    interval; a census none, but its population (from the codebook) and the bounds non-response
    allows (``x / N`` to ``(x + N - n) / N``). A survey with waves is resolved in its last wave,
    and its first wave is the baseline (``baseline_*``; NA without waves). ``load``: how to
    read the survey by id (a report passes ``Dataset.survey``); default: from ``data_dir``.
    """
    import dataclasses

    parts = source.split(":")
    if len(parts) != 4 or parts[0] != "survey":
        raise ValueError(
            f"survey source must be 'survey:<survey_id>:<question_id>:<option>', not {source!r}"
        )
    _, survey_id, question_id, option = parts
    folder = Path(data_dir) / "surveys" / survey_id
    if not (folder / CODEBOOK).is_file():
        raise ValueError(
            f"source {source!r}: no survey {survey_id!r} in {Path(data_dir) / 'surveys'} "
            f"(surveys: {', '.join(find_surveys(data_dir)) or 'none'})"
        )
    survey = load(survey_id) if load is not None else load_survey(folder)
    baseline = {"baseline_x": pd.NA, "baseline_n": pd.NA, "baseline_wave": pd.NA, "wave": pd.NA}
    if survey.has_waves and len(survey.codebook.waves) > 1:
        first, last = survey.codebook.waves[0].code, survey.codebook.waves[-1].code

        def in_wave(code):
            r = survey.responses
            return dataclasses.replace(survey, responses=r[r["wave"].astype(str) == code])

        bx, bn = share_of(in_wave(first), question_id, option)
        x, n = share_of(in_wave(last), question_id, option)
        baseline = {"baseline_x": bx, "baseline_n": bn, "baseline_wave": first, "wave": last}
    else:
        x, n = share_of(survey, question_id, option)
    share = x / n if n else float("nan")
    population = survey.codebook.population if survey.is_census else None
    if survey.is_census:
        low = high = float("nan")
        method = CENSUS_METHOD
        bound_low = x / population if population else float("nan")
        bound_high = (x + max(population - n, 0)) / population if population else float("nan")
    else:
        lo, hi = wilson(x, n, level)
        low, high, method = float(lo), float(hi), WILSON_METHOD
        bound_low = bound_high = float("nan")
    return {
        "x": x,
        "n": n,
        "share": share,
        "ci_low": low,
        "ci_high": high,
        "method": method,
        "population": population if population else pd.NA,
        "bound_low": bound_low,
        "bound_high": bound_high,
        "direction": source_direction(survey.codebook.question(question_id), option),
        **baseline,
    }


def source_direction(question, option: str):
    """Which way is better for the share of ``option`` of a Likert item: ``positive`` is
    always "up"; the top box (and an agreeing step) follows the item's ``direction``, the bottom
    box (a disagreeing step) the opposite. NA for other questions (the goal must say)."""
    if question.type != "likert":
        return pd.NA
    if option == POSITIVE:
        return "up"
    flip = {"up": "down", "down": "up"}
    codes = [o.code for o in question.answer_options]
    low_end = option == BOTTOM_BOX or (
        option in codes and codes.index(option) < (len(codes) - 1) / 2
    )
    middle = option in codes and codes.index(option) == (len(codes) - 1) / 2
    if middle:
        return pd.NA
    return flip[question.direction] if low_end else question.direction


@dataclass(frozen=True)
class FreeText:
    """How many answered a free-text question; the answers only when both switches allow it."""

    question_id: str
    n_answered: int
    answers: tuple[str, ...] | None  # raw text: escape before showing (report.table does)


def free_text(survey: Survey, question_id: str, show_free_text: bool = False) -> FreeText:
    """Count the answers of a free-text question; return them only when ``show_free_text``
    (``privacy.show_free_text`` in workbook.yml, passed by the report) *and* the codebook's
    ``show_answers: true`` allow it. Either one set to false keeps them out."""
    q = survey.codebook.question(question_id)
    if q.type != "text":
        raise ValueError(f"question {question_id!r} is {q.type}, not free text")
    frame = survey.free_text
    answers = (
        frame.loc[frame["question_id"] == question_id, "answer"].astype(str).tolist()
        if len(frame)
        else []
    )
    shown = bool(show_free_text) and q.show_answers
    return FreeText(question_id, len(answers), tuple(answers) if shown else None)
