"""``ReportContext``: everything a view may know about the report it builds, passed explicitly."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from .. import text


@dataclass(frozen=True)
class ReportContext:
    """The dataset, language, privacy settings and validated parameters of one report.

    Made by :func:`analysis.report.context` (which validates the parameters against the data and
    reads ``workbook.yml``); a test may build one directly. Views read nothing else: no global
    language, no configuration read behind their back.

    ``params`` holds the notebook's own parameters, validated (``team``, ``survey``, ``year``,
    ``measure``); the properties below read them. ``config`` is the ``workbook.yml`` the report
    runs under (None in a test without one).
    """

    dataset: Any  # analysis.dataset.Dataset
    notebook: str
    lang: str = "sv"
    min_count: int = 5
    show_free_text: bool = False
    params: Mapping[str, Any] = field(default_factory=dict)
    config: Any = None  # analysis.config.Config

    def __post_init__(self) -> None:
        if self.lang not in text.LANGUAGES:
            raise ValueError(f"lang must be one of {', '.join(text.LANGUAGES)}, not {self.lang!r}")
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    def t(self, key: str, **values: object) -> str:
        """The label ``key`` in the report's language (``analysis.text.t``)."""
        return text.t(key, self.lang, **values)

    @property
    def team(self) -> str | None:
        """The team id parameter (None when the report has none)."""
        return self.params.get("team")

    @property
    def survey(self) -> str | None:
        """The survey id parameter."""
        return self.params.get("survey")

    @property
    def year(self) -> int | None:
        """The analysis year parameter."""
        return self.params.get("year")

    @property
    def measure(self) -> str | None:
        """The measure id parameter (the explorer)."""
        return self.params.get("measure")

    def footer_params(self) -> dict[str, Any]:
        """The parameters the provenance footer lists: language, the notebook's parameters and
        the privacy settings, in that order."""
        return {
            "lang": self.lang,
            **self.params,
            "min_count": self.min_count,
            "show_free_text": self.show_free_text,
        }

    def with_lang(self, lang: str) -> ReportContext:
        """The same report in another language."""
        return replace(self, lang=lang)
