"""Goal trajectories, progress status, detectability and the gap table.

The county aim is +2 percentage points per year for four years: an absolute target (+8 pp after four
years), in the direction of improvement of each indicator (for "children in households with low
economic standard" improvement is down, so the goal subtracts).

Progress status follows the four categories of US Healthy People 2030 (NCHS, "Healthy People 2030
methods", https://www.cdc.gov/nchs/healthy-people/hp2030/methods.html; Talih et al. 2025, PMID
40576483): *target met or exceeded*, *improving*, *little or no detectable change*, *getting worse*,
plus *baseline only* when a single value exists. Healthy People judges the change from the baseline
to the most recent value with its standard error; the network's indicators come without standard
errors but as a yearly series, so here the change is judged by the linear trend (OLS slope in pp
per year over the years from the baseline year on, t-based confidence interval with n - 2 degrees
of freedom), see :func:`progress`. With only two values (no degrees of freedom left) the Healthy
People rule for objectives without standard errors is used (10 % of the targeted change achieved,
or 10 % change from baseline away from the target).
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
from .tables import *  # noqa: F403
from .tables import __all__ as _t

__all__ = [*_p, *_d, *_g, *_b, *_t]
