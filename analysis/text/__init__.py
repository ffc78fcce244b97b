"""Swedish/English labels and plain-language verdicts: everything a report shows goes through here.

Labels live in one module per area (``common``, ``spc``, ``surveys``, ...), each a dict
``LABELS = {key: {"sv": ..., "en": ...}}``. Keys are unique across modules (a test enforces it).
"""

from __future__ import annotations

import html
import importlib
import pkgutil
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


def set_language(lang: str) -> None:
    """Set the report language for this process (``sv`` or ``en``)."""
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    _language.set(lang)


def get_language() -> str:
    return _language.get()


def t(key: str, lang: str | None = None, **values: object) -> str:
    """Return the label ``key`` in ``lang`` (default: the current language), formatted with ``values``.

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
