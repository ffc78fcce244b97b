"""Swedish/English labels and plain-language verdicts: everything a report shows goes through here.

Labels live in one module per area (``common``, ``spc``, ``surveys``, ...), each a dict
``LABELS = {key: {"sv": ..., "en": ...}}``. Keys are unique across modules (a test enforces it).
"""

from __future__ import annotations

import html
import importlib
import pkgutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

LANGUAGES = ("sv", "en")
_language: ContextVar[str] = ContextVar("language", default="sv")


def _collect() -> dict[str, dict[str, str]]:
    labels: dict[str, dict[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for key, value in getattr(module, "LABELS", {}).items():
            if key in labels:
                raise RuntimeError(f"label {key!r} is defined twice (again in text/{info.name}.py)")
            labels[key] = value
    return labels


LABELS = _collect()


def _checked(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    return lang


def set_language(lang: str) -> None:
    """Set the default language of this context (``sv`` or ``en``): the coaches' explorer and
    interactive use. Reports pass ``lang`` explicitly and draw inside :func:`language`."""
    _language.set(_checked(lang))


def get_language() -> str:
    """The language a text or figure gets when it is not given one (default ``sv``)."""
    return _language.get()


@contextmanager
def language(lang: str) -> Iterator[str]:
    """Within the block, texts and figures not given a language get ``lang``; afterwards the
    language is what it was. The report renderer draws a report's figures in it (the plot
    functions read the language themselves)::

        with text.language("en"):
            fig = plots.effects_forest(table)
    """
    token = _language.set(_checked(lang))
    try:
        yield lang
    finally:
        _language.reset(token)


def t(key: str, /, lang: str | None = None, **values: object) -> str:
    """Return the label ``key`` in ``lang`` (default: the current language), formatted with ``values``.

    ``key`` is positional only, so that a value may be called ``key`` too (a duplicate row's
    ``{key}`` in ``workbook check``'s Swedish messages: it was a TypeError).

    Missing English falls back to Swedish; an unknown key raises ``KeyError`` (a typo must not
    reach a report silently).
    """
    lang = lang or _language.get()
    try:
        entry = LABELS[key]
    except KeyError:
        raise KeyError(f"no label {key!r} in analysis.text") from None
    template = entry.get(lang) or entry["sv"]
    return template.format(**values) if values else template


def escape(value: object) -> str:
    """HTML-escape any value shown in a report."""
    return html.escape("" if value is None else str(value), quote=True)


def number(value: float | None, decimals: int = 1, lang: str | None = None) -> str:
    """Format a number the Swedish way (decimal comma, thin space for thousands) or the English way."""
    if value is None or value != value:  # NaN
        return "–"
    lang = lang or _language.get()
    text = f"{value:,.{decimals}f}"
    if lang == "sv":
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text


def percent(share: float | None, decimals: int = 0, lang: str | None = None) -> str:
    """Format a share 0-1 as a percentage: ``0.934 -> '93 %'`` (sv) or ``'93%'`` (en)."""
    if share is None or share != share:
        return "–"
    lang = lang or _language.get()
    body = number(share * 100, decimals, lang)
    return f"{body}\u00a0%" if lang == "sv" else f"{body}%"


def label(value: object, lang: str | None = None) -> str:
    """``value`` translated when it is a label key (a focus area, a measure type, a PDSA step:
    ``"psykisk hälsa"`` -> ``"mental health"``), else ``value`` as text: the data's own words
    (a focus area the programme has not named) are shown as they are."""
    key = "" if value is None else str(value)
    return t(key, lang) if key in LABELS else key


def localized(row: Mapping, field: str, lang: str | None = None) -> str:
    """The ``<field>_<lang>`` value of a table row (``title_en`` of a goal or a KPI), falling back
    to ``<field>_sv`` when the column is absent or the cell blank; ``""`` when neither has text."""
    import pandas as pd

    for column in (f"{field}_{lang or _language.get()}", f"{field}_sv"):
        value = row.get(column)
        if (
            value is not None
            and not (pd.api.types.is_scalar(value) and pd.isna(value))
            and str(value).strip()
        ):
            return str(value)
    return ""


def level(value: float | None, chart: str, unit: str | None = None, lang: str | None = None) -> str:
    """A measure's level as every report writes it (:mod:`analysis.measures`): a share (p and pp
    charts, 0-1) in percent with one decimal, anything else with one decimal and its unit (a
    count without one); ``–`` when missing."""
    import pandas as pd

    from ..measures import COUNT_UNITS, is_share

    if value is None or pd.isna(value):
        return "–"
    if is_share(chart):
        return percent(value, 1, lang)
    body = number(value, 1, lang)
    unit = "" if unit is None or pd.isna(unit) else str(unit).strip()
    return f"{body} {unit}" if unit and unit not in COUNT_UNITS else body
