"""What may appear in a report: small-cell suppression, its audit, and pseudonymous ids.

* :mod:`.rules`: the primary rule (counts 1..min_count-1 and shares with a base under
  ``min_count`` are not shown, ``..``) and :func:`pseudonymise`;
* :mod:`.intervals`: how far a reader can narrow a count from what is published (integer
  linear programming), the protection rule :func:`at_risk`;
* :mod:`.secondary`: secondary suppression over a whole system of tables;
* :mod:`.audit`: the auditor, which reads rendered reports and checks every hidden count.

The method, its guarantee and its limits: ``docs/privacy.md``.
"""

from __future__ import annotations

from .intervals import Finding, Infeasible, Solver, TableSystem, at_risk
from .rules import SUPPRESSED, display, pseudonymise, suppress
from .secondary import protect

__all__ = [
    "SUPPRESSED",
    "Finding",
    "Infeasible",
    "Solver",
    "TableSystem",
    "at_risk",
    "display",
    "protect",
    "pseudonymise",
    "suppress",
]
