"""Two waves of a survey compared item by item, per subgroup, with Holm across the family."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .proportions import (
    _MULTITEST,
    adjusted_levels,
    compare_proportions,
    newcombe_detectable_difference,
)

# --------------------------------------------------------------------------------------------------
# Two waves of a survey
# --------------------------------------------------------------------------------------------------


def compare_waves(
    summary: pd.DataFrame,
    before,
    after,
    *,
    wave: str = "wave",
    item: Sequence[str] = ("question_id", "option"),
    by: Sequence[str] = (),
    n: str = "n",
    base: str = "base",
    family: Sequence[str] | None = None,
    correction: str = "holm",
    alpha: float = 0.05,
    power: float = 0.8,
    min_count: int = 5,
) -> pd.DataFrame:
    """Per item (and subgroup) the change from wave ``before`` to wave ``after`` in percentage points.

    Parameters
    ----------
    summary : one row per wave x item x subgroup with the count ``n`` choosing the option and the
        ``base`` answering (the shape ``surveys.summarise(survey, by=["wave", ...])`` returns).
    before, after : the two wave labels (e.g. "september", "december").
    item : columns naming an item (question and option).
    by : subgroup columns (school, grade, gender); estimates per subgroup.
    family : columns defining a family for the multiple-testing correction (default: all items
        within the same subgroup form one family).
    correction : ``holm`` (default), ``fdr_bh`` or ``bonferroni`` (see :func:`adjust_pvalues`).
    min_count : a row whose base in either wave is under ``min_count``, or whose count is
        1..min_count-1, or whose count or base is missing (hidden by the survey's publication),
        is suppressed: no estimate is shown (``suppressed`` True).

    Returns
    -------
    DataFrame [by...], [item...], n_before, base_before, p_before, n_after, base_after, p_after,
    diff_pp, ci_low_pp, ci_high_pp, p_value, p_adjusted, significant, mdd_pp, suppressed, method,
    ci_level. ``diff = p_after - p_before``; the two waves are treated as independent samples.

    Decision, interval and minimum detectable difference stand on one basis: ``p_value`` inverts
    the Newcombe interval (1998, method 10); the correction (Holm by default) rejects an item
    when ``c · p < alpha`` for its multiplier ``c``; the interval is shown at ``ci_level = 1 -
    alpha / c``, so it excludes 0 exactly for the rejected items (``significant``); and
    ``mdd_pp`` is the difference that same test at that same level detects with ``power``
    (exact binomial power).
    """
    by, item = list(by), list(item)
    need = [wave, n, base, *item, *by]
    missing = [c for c in need if c not in summary.columns]
    if missing:
        raise ValueError(
            f"compare_waves: column(s) {', '.join(missing)} missing; "
            f"columns are {', '.join(map(str, summary.columns))}"
        )
    keys = by + item
    waves = summary[summary[wave].isin([before, after])]
    found = set(waves[wave].unique())
    for label in (before, after):
        if label not in found:
            raise ValueError(
                f"compare_waves: no rows for wave {label!r}; waves are "
                f"{', '.join(map(str, summary[wave].dropna().unique()))}"
            )
    left = (
        waves[waves[wave] == before]
        .set_index(keys)[[n, base]]
        .rename(columns={n: "n_before", base: "base_before"})
    )
    right = (
        waves[waves[wave] == after]
        .set_index(keys)[[n, base]]
        .rename(columns={n: "n_after", base: "base_after"})
    )
    out = left.join(right, how="inner").reset_index()
    out = out.astype({c: float for c in ("n_before", "base_before", "n_after", "base_after")})
    # the privacy rule of analysis.privacy.suppress: a base under min_count, or a count of
    # 1..min_count-1, hides the share (and so the difference) in either wave
    small = [(out[c] >= 1) & (out[c] < min_count) for c in ("n_before", "n_after")]
    out["suppressed"] = (
        (out["base_before"] < min_count)
        | (out["base_after"] < min_count)
        | small[0]
        | small[1]
        | out[["n_before", "n_after", "base_before", "base_after"]].isna().any(axis=1)
    )
    out["p_before"] = out["n_before"] / out["base_before"]
    out["p_after"] = out["n_after"] / out["base_after"]
    cols = ["diff_pp", "ci_low_pp", "ci_high_pp", "p_value", "mdd_pp"]
    for c in cols:
        out[c] = np.nan
    out["p_adjusted"] = np.nan
    out["ci_level"] = np.nan
    ok = ~out["suppressed"]
    counts = [
        out.loc[ok, c].to_numpy() for c in ("n_after", "base_after", "n_before", "base_before")
    ]
    if ok.any():
        # 1. the p-value that agrees with the Newcombe interval (test inversion)
        out.loc[ok, "p_value"] = compare_proportions(*counts, alpha=alpha)["p_value"].to_numpy()
    # 2. the correction within each family, and the level it effectively applies to each item
    fam = list(family) if family is not None else by
    group_no = (
        out.groupby(fam, dropna=False, sort=False).ngroup()
        if fam
        else pd.Series(0, index=out.index)
    )
    level = pd.Series(np.nan, index=out.index)
    for g in group_no.unique():
        index = group_no.index[group_no == g]
        p = out.loc[index, "p_value"].to_numpy()
        item_level = adjusted_levels(p, method=correction, alpha=alpha)
        level[index] = item_level
        # the adjusted p-value is c · p capped at 1, c = alpha / level (the same numbers as
        # statsmodels' multipletests, tested; computed here because multipletests calls
        # gc.collect() on every call, a quarter of a second per family in a report)
        with np.errstate(invalid="ignore", divide="ignore"):
            out.loc[index, "p_adjusted"] = np.minimum(1.0, p * alpha / item_level)
    # 3. interval, decision and detectable difference at that level: the interval at
    #    1 - alpha/c excludes 0 exactly when the corrected test rejects (c · p < alpha)
    if ok.any():
        item_alpha = level[ok].to_numpy()
        res = compare_proportions(*counts, alpha=item_alpha)
        out.loc[ok, "diff_pp"] = 100 * res["diff"].to_numpy()
        out.loc[ok, "ci_low_pp"] = 100 * res["ci_low"].to_numpy()
        out.loc[ok, "ci_high_pp"] = 100 * res["ci_high"].to_numpy()
        out.loc[ok, "ci_level"] = 1 - item_alpha
        out.loc[ok, "mdd_pp"] = [
            100
            * newcombe_detectable_difference(
                na, nb, p=min(max(pb, 0.01), 0.99), alpha=a, power=power
            )
            for nb, na, pb, a in zip(
                out.loc[ok, "base_before"],
                out.loc[ok, "base_after"],
                out.loc[ok, "p_before"],
                item_alpha,
                strict=True,
            )
        ]
    out.loc[out["suppressed"], ["p_before", "p_after"]] = np.nan
    # the decision is read from the interval shown (it agrees with p_adjusted < alpha)
    out["significant"] = (
        ((out["ci_low_pp"] > 0) | (out["ci_high_pp"] < 0)).fillna(False).astype(bool)
    )
    out["method"] = (
        f"Newcombe hybrid score CI (1998, method 10) at the {_MULTITEST[correction]} level "
        f"of each item (alpha {alpha:g} / multiplier, across "
        f"{'items' if not fam else 'items per ' + ', '.join(fam)}); p: inversion of the "
        f"Newcombe interval; significant = the interval excludes 0; MDD: exact power "
        f"{power:g} of the same test at the same level; independent samples"
    )
    return out[
        [
            *keys,
            "n_before",
            "base_before",
            "p_before",
            "n_after",
            "base_after",
            "p_after",
            *cols[:4],
            "p_adjusted",
            "significant",
            "mdd_pp",
            "suppressed",
            "method",
            "ci_level",
        ]
    ]


def survey_waves(
    survey,
    *,
    before: str | None = None,
    after: str | None = None,
    by: Sequence[str] = (),
    correction: str = "holm",
    alpha: float = 0.05,
    power: float = 0.8,
    min_count: int | None = None,
    lang: str | None = None,
) -> pd.DataFrame:
    """Compare the first and last wave of a survey, item by item (and per subgroup).

    Items: every option of single-choice and multi-select questions (not "vet ej") and the
    positive share of Likert questions (the top box, or the bottom box of an item with
    ``direction: down``, so that a rise is always an improvement); the subgroup questions themselves (school, grade, gender) are left
    out. Uses ``surveys.summarise(survey, by=["wave", *by])`` and :func:`compare_waves`; one Holm
    family per subgroup. Adds ``item_label`` ("question: option" in ``lang``) and, per subgroup
    column ``b``, ``b_label`` (the option's label). ``min_count``: the privacy threshold of the
    report (``workbook.yml`` privacy.min_count); the counts are then those of the survey's
    protected publication. ``None``: unsuppressed, never for a report.
    """
    from .. import surveys

    if not survey.has_waves:
        raise ValueError(f"survey {survey.id!r} has no waves to compare")
    codes = [w.code for w in survey.codebook.waves]
    before = before or codes[0]
    after = after or codes[-1]
    by = list(by)
    skip = set(survey.codebook.subgroups) | set(by)
    questions = [
        q
        for q in survey.codebook.questions
        if q.type in ("single", "multi", "likert") and q.id not in skip
    ]
    # the counts the survey's publication shows (hidden ones missing): a hidden count is hidden
    # here too, so the effect report cannot undo the suppression of the survey report
    summary = surveys.summarise(
        survey, questions=[q.id for q in questions], by=["wave", *by], min_count=min_count
    )
    summary = summary.astype({"wave": str, "option": str, "question_id": str})
    keep = []
    for q in questions:
        rows = summary["question_id"] == q.id
        if q.type == "likert":
            keep.append(
                rows & (summary["option"] == q.positive_box)
            )  # bottom box when direction: down
        else:
            keep.append(rows & summary["option"].isin([o.code for o in q.answer_options]))
    summary = summary[np.logical_or.reduce(keep)] if keep else summary.iloc[0:0]
    out = compare_waves(
        summary,
        before,
        after,
        by=by,
        correction=correction,
        alpha=alpha,
        power=power,
        min_count=1 if min_count is None else min_count,
    )
    labels = []
    for qid, option in zip(out["question_id"], out["option"], strict=True):
        q = survey.codebook.question(qid)
        labels.append(
            surveys.item_label(survey, qid, lang)
            if q.type == "likert"
            else f"{q.label(lang)}: {q.option(option).label(lang)}"
        )
    out.insert(len(by) + 2, "item_label", labels)
    out["wave_before"], out["wave_after"] = before, after
    for b in by:  # subgroup labels from the codebook ("Flicka" for girl)
        q = survey.codebook.question(b)
        known = {o.code: o.label(lang) for o in q.options}
        out[f"{b}_label"] = [known.get(str(code), str(code)) for code in out[b]]
    return out


def for_whom(survey, overall: pd.DataFrame, by: str, **kwargs) -> pd.DataFrame:
    """:func:`survey_waves` per subgroup ``by`` for the items that changed overall.

    The items significant in ``overall`` (the result without subgroups); when none is, the item
    with the largest absolute difference, so the report still shows how groups differ.
    """
    items = overall.loc[overall["significant"], ["question_id", "option"]]
    if items.empty and overall["diff_pp"].notna().any():
        items = overall.loc[[overall["diff_pp"].abs().idxmax()], ["question_id", "option"]]
    per_group = survey_waves(survey, by=[by], **kwargs)
    keys = per_group[["question_id", "option"]].apply(tuple, axis=1)
    wanted = set(items.apply(tuple, axis=1))
    return (
        per_group[keys.isin(wanted)]
        .sort_values(["question_id", "option", by])
        .reset_index(drop=True)
    )


def wave_verdicts(frame: pd.DataFrame, survey, lang: str | None = None) -> list[str]:
    """One plain-language sentence per row of :func:`survey_waves` (suppressed rows say so)."""
    from ..text import effects as text_effects

    out = []
    for r in frame.to_dict("records"):
        out.append(
            text_effects.wave_verdict(
                r,
                r["item_label"],
                lang,
                wave1=survey.codebook.wave_label(r["wave_before"], lang),
                wave2=survey.codebook.wave_label(r["wave_after"], lang),
            )
        )
    return out
