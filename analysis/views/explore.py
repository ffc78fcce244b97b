"""The coaches' explorer (``explore.ipynb``): only its title and the sample banner are a page;
the rest is the interactive app (:class:`analysis.explore.ExploreApp`), not a published report."""

from __future__ import annotations

from .context import ReportContext
from .sections import Page

__all__ = ["build"]


def build(ctx: ReportContext) -> Page:
    """The explorer's header: its title; no sections, no provenance footer."""
    return Page(ctx.t("explore_title"), (), provenance=False)
