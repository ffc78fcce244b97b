"""Goal trajectories, progress status, detectability and the gap table.

The county aim is +2 percentage points per year for four years: an absolute target (+8 pp after four
years), in the direction of improvement of each indicator (for "children in households with low
economic standard" improvement is down, so the goal subtracts).

Progress status follows US Healthy People 2030 (NCHS, "Healthy People 2030 methods",
https://www.cdc.gov/nchs/healthy-people/hp2030/methods.html; Talih et al. 2025, PMID 40576483;
the status definitions of the Healthy People 2020 Final Progress Table, which 2030 kept):
*target met or exceeded*, *improving*, *little or no detectable change*, *getting worse*, plus
*baseline only* when a single value exists. As Healthy People does, the baseline value is compared
with the most recent one: with a standard error (survey shares; Kolada values with their
denominator ``n``; counts) the change must be statistically significant (two-sided 5 %); without
one the 10 % rules apply (at least 10 % of the targeted change achieved: improving; at least 10 %
from the baseline away from the target: getting worse). A missing baseline year is replaced by
the nearest earlier year (else the first year after it), and the result says so. The OLS trend
in pp per year is given beside the status (and the pace against the goal's rate) but does not
decide it. See :func:`progress` and docs/methods.md.
"""

from __future__ import annotations

from .baseline import *  # noqa: F403
from .baseline import __all__ as _b
from .detect import *  # noqa: F403
from .detect import __all__ as _d
from .gap import *  # noqa: F403
from .gap import __all__ as _g
from .progress import *  # noqa: F403
from .progress import __all__ as _p

__all__ = [*_p, *_d, *_g, *_b]
