"""What each chart kind is: the kinds, their needs and the columns of a chart's result."""

from __future__ import annotations

KINDS = ("run", "i", "mr", "xbar", "s", "p", "pp", "c", "u", "up", "g", "t")
KINDS_WITH_N = ("p", "pp", "u", "up")  # a denominator is required
COUNT_KINDS = ("p", "pp", "c", "u", "up", "g")  # y is a count (or count of cases between events)
SUBGROUP_KINDS = ("xbar", "s")  # several rows per x: the individual measurements
MR_KINDS = ("i", "t", "pp", "up", "mr")  # limits from moving ranges

# Fewest points with a value a part's baseline needs, and why (said in the error message).
MIN_POINTS = {
    "run": 2,
    "i": 2,
    "mr": 2,
    "t": 2,
    "pp": 2,
    "up": 2,
    "p": 1,
    "c": 1,
    "u": 1,
    "g": 1,
    "xbar": 2,
    "s": 2,
}
KIND_NAMES = {
    "run": "a run chart",
    "i": "an I chart",
    "mr": "an MR chart",
    "xbar": "an X̄ chart",
    "s": "an S chart",
    "p": "a P chart",
    "pp": "a P′ chart",
    "c": "a C chart",
    "u": "a U chart",
    "up": "a U′ chart",
    "g": "a G chart",
    "t": "a T chart",
}
# Charts whose centre line is a median (run chart; G chart, drawn at the median as qicharts2
# does); every other kind is centred on a mean (I, X̄, S, MR, P, P′, C, U, U′; T on the mean of
# the transformed times).
MEDIAN_CENTRED = ("run", "g")

POINT_COLUMNS = [
    "x",
    "y",
    "n",
    "cl",
    "lcl",
    "ucl",
    "part",
    "baseline",
    "excluded",
    "sigma_signal",
    "runs_signal",
    "shift_signal",
    "crossings_signal",
    "trend_signal",
    "note",
    "astronomical_signal",
]
SUMMARY_COLUMNS = [
    "part",
    "kind",
    "rules",
    "n_obs",
    "n_useful",
    "longest_run",
    "longest_run_max",
    "n_crossings",
    "n_crossings_min",
    "longest_trend",
    "runs_signal",
    "shift_signal",
    "crossings_signal",
    "trend_signal",
    "sigma_signals",
    "cl",
    "lcl_mean",
    "ucl_mean",
    "x_start",
    "x_end",
    "baseline_end",
    "n_runs_min",
    "n_runs_max",
    "astronomical_signals",
    "centre",
]
