"""Effect estimates: interrupted time series, two-proportion comparisons, two-wave survey comparisons.

Public API::

    interrupted_time_series(data, y, time, intervention, ...) -> ITSResult(table, fitted, ...)
    compare_proportions(x1, n1, x2, n2)            -> Series p1, p2, diff, ci_low, ci_high, p_value, method
    adjust_pvalues(p_values, method="holm")        -> DataFrame p_value, p_adjusted, reject, method
    adjusted_levels(p_values, method="holm")       -> the level each p-value is effectively tested at
    minimum_detectable_difference(n1, n2, p=0.5)   -> float (normal approximation, Fleiss et al.)
    newcombe_detectable_difference(n1, n2, p=0.5)  -> float (exact power of the Newcombe test)
    compare_waves(summary, before, after, ...)     -> DataFrame, one row per item (and subgroup)
    survey_waves(survey, by=[...])                 -> DataFrame: first vs last wave, per item (and subgroup)
    team_effects(ds, team)                         -> TeamEffects(table, its, series)

Computations only: figures are in ``analysis.plots.effects`` and texts in ``analysis.text.effects``.
When this grew past 500 lines it became a subpackage (DESIGN.md): ``its`` (interrupted time
series), ``proportions`` (two proportions, multiple testing, MDD), ``waves`` (two survey waves),
``team`` (per-team estimates and the measure's chart split at its changes), ``calibration`` (the
simulation study of the verdicts, docs/methods.md). The public names are the same; what the team
report shows is decided in ``analysis.views.team_effects``.
"""

from __future__ import annotations

from .its import FAMILY_BY_CHART, MIN_POINTS, ITSResult, SeriesTooShort, interrupted_time_series
from .proportions import (
    adjust_pvalues,
    adjusted_levels,
    compare_proportions,
    minimum_detectable_difference,
    newcombe_detectable_difference,
    newcombe_p_value,
    newcombe_power,
)
from .team import (
    MDE_POWER,
    MODEL_POLICY,
    TEAM_COLUMNS,
    TeamEffects,
    baseline_stable,
    change_groups,
    linked_changes,
    measure_chart,
    team_effects,
)
from .waves import compare_waves, for_whom, survey_waves, wave_verdicts

__all__ = [
    "MIN_POINTS",
    "SeriesTooShort",
    "ITSResult",
    "interrupted_time_series",
    "compare_proportions",
    "adjust_pvalues",
    "minimum_detectable_difference",
    "adjusted_levels",
    "newcombe_detectable_difference",
    "newcombe_p_value",
    "newcombe_power",
    "compare_waves",
    "survey_waves",
    "wave_verdicts",
    "for_whom",
    "TeamEffects",
    "linked_changes",
    "team_effects",
    "change_groups",
    "baseline_stable",
    "TEAM_COLUMNS",
    "MODEL_POLICY",
    "MDE_POWER",
    "FAMILY_BY_CHART",
    "measure_chart",
]
