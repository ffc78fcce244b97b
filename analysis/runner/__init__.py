"""Executing the report plan: papermill in fresh (forked, pre-warmed) kernels, lean HTML without
code, an incremental cache, atomic publishing, the run index, and Dask for more than one machine.

The public API::

    from analysis.runner import run, RunOptions, plan_status
    summary = run(RunOptions(only=["team_effects"], params={"team": "nassjo"}))
    summary.exit_code   # 0 all good, 1 some report failed
"""

from __future__ import annotations

from .build import build_report, to_html
from .core import RunOptions, RunSummary, make_plan, plan_status, run
from .plan import Job, expand_plan, parse_param

__all__ = [
    "Job",
    "RunOptions",
    "RunSummary",
    "build_report",
    "expand_plan",
    "make_plan",
    "parse_param",
    "plan_status",
    "run",
    "to_html",
]
