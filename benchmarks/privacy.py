"""Benchmark: suppression over a survey's whole publication, and the audit of rendered reports.

For each sample survey (and a synthetic county-wide one), in the same run:

* baseline: counting every cell the reports need (``summarise`` without suppression, every
  question overall and by each subgroup);
* the suppression: primary rule, then secondary suppression checked with exact integer
  intervals (``analysis.surveys.publication``), once per survey and threshold;
* the auditor on the same survey's tables rendered as the reports render them.

    .venv/bin/python benchmarks/privacy.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))


def pages(survey, min_count: int = 5) -> dict[str, str]:
    """The survey's tables as the survey report renders them (overall, by wave, by subgroup)."""
    from analysis import report, surveys
    from analysis.views import survey_tables

    waves = ["wave"] if survey.has_waves else []
    summary = surveys.summarise(survey, by=waves, min_count=min_count)
    html = []
    for qid in surveys.question_ids(survey, subgroups=not survey.has_waves):
        frame = (
            survey_tables.wide_table(summary, survey, qid, "wave")
            if survey.has_waves
            else survey_tables.summary_table(summary[summary["question_id"] == qid], survey)
        )
        html.append(report.table_html(frame))
    for group in survey.codebook.subgroups:
        by_group = surveys.summarise(survey, by=group, min_count=min_count)
        for qid in surveys.question_ids(survey, subgroups=False):
            html.append(report.table_html(survey_tables.wide_table(by_group, survey, qid, group)))
    return {survey.id: "".join(html)}


def main() -> None:
    import surveys as synthetic

    from analysis import surveys
    from analysis.privacy import audit
    from analysis.surveys import publication

    cases = [
        surveys.load_survey(ROOT / "data" / "sample" / "surveys" / s)
        for s in ("coordinators", "parents", "pupils")
    ]
    cases.append(synthetic.build(20_000))
    print(
        f"{'survey':<14}{'cells':>7}{'hidden':>8}{'count (s)':>11}{'suppress (s)':>14}{'ratio':>7}"
        f"{'audit (s)':>11}{'ratio':>7}"
    )
    for survey in cases:
        start = time.perf_counter()
        for by in [
            [],
            *([["wave"]] if survey.has_waves else []),
            *[[g] for g in survey.codebook.subgroups],
        ]:
            surveys.summarise(survey, by=by, min_count=None)
        count = time.perf_counter() - start
        start = time.perf_counter()
        protected = publication._protect(survey, 5)
        suppress = time.perf_counter() - start
        publication._CACHE[(survey.id, publication._fingerprint(survey), 5)] = protected
        rendered = pages(survey)
        start = time.perf_counter()
        result = audit.audit(rendered, {survey.id: survey.codebook}, 5)
        audited = time.perf_counter() - start
        assert result.ok, str(result)
        cells = protected.cells
        print(
            f"{survey.id:<14}{len(cells):>7}{int(cells['hidden'].sum()):>8}{count:>11.2f}{suppress:>14.2f}"
            f"{suppress / count:>7.0f}{audited:>11.2f}{audited / count:>7.0f}"
        )


if __name__ == "__main__":
    main()
