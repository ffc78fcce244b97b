"""The analysis package of the improvement network's workbook (Region Jönköpings län).

The curated public API::

    from analysis import spc, effects, goals, surveys, plots, text, report
    from analysis import load_dataset, load_config
"""

from __future__ import annotations

__version__ = "0.1.0"

from .config import load_config


def __getattr__(name: str):
    # Lazy imports keep `workbook --help` and `import analysis` fast.
    import importlib

    if name == "load_dataset":
        return importlib.import_module(".dataset", __name__).load_dataset
    if name in {
        "spc",
        "effects",
        "goals",
        "surveys",
        "plots",
        "text",
        "report",
        "privacy",
        "dataset",
        "io",
        "schemas",
        "sample",
        "runner",
        "kolada",
        "explore",
        "config",
        "drivers",
        "templates",
    }:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")


__all__ = [
    "__version__",
    "load_config",
    "load_dataset",
    "spc",
    "effects",
    "goals",
    "surveys",
    "plots",
    "text",
    "report",
    "privacy",
    "drivers",
    "explore",
]
