"""The common look of every figure: readable on a phone, printable, colour-blind safe."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import seaborn as sns

# Okabe-Ito palette (colour-blind safe), named for what the charts use it for.
PALETTE = {
    "data": "#0072B2",
    "centre": "#555555",
    "signal": "#D55E00",
    "limit": "#999999",
    "target": "#009E73",
    "good": "#009E73",
    "bad": "#D55E00",
    "neutral": "#BBBBBB",
    "highlight": "#E69F00",
    "accent": "#CC79A7",
    "light": "#56B4E9",
}

FIGURE_WIDTH = 8.0  # inches; at 100 dpi this is 800 px, sharp and small in an HTML report
DPI = 100

# How much of a text from the data a figure shows (the tables show it in full): a chart title, a
# label (axis, tick, legend entry, a note on a point) and a line of running text (the poster, a
# box of the driver diagram). A 100,000-character measure name made 138-megapixel images.
TITLE_CHARS = 150
LABEL_CHARS = 100
TEXT_CHARS = 400

_UNESCAPED_DOLLAR = re.compile(r"(?<!\\)\$")


def plain(value: object, limit: int | None = LABEL_CHARS) -> str:
    """``value`` as text a figure draws literally: never as matplotlib mathtext, never huge.

    Every text that comes from the data (a measure's or a team's name, a change's title, a coach's
    note, a question, an option) passes through here on its way into matplotlib. ``$`` is
    escaped: matplotlib reads a text with two ``$`` as mathtext (``Pris $5 och $10`` was drawn
    as maths, ``Kostnad $\\foo{ per $`` failed the report). Text longer than ``limit``
    characters ends in an ellipsis (None: no limit). Applying it twice changes nothing.
    """
    text = _UNESCAPED_DOLLAR.sub(r"\\$", "" if value is None else str(value))
    if limit is not None and len(text) > limit:
        text = text[: max(1, limit - 1)].rstrip()
        text = text.rstrip("\\") + "\u2026"  # never end in half of an escaped "\\$"
    return text


def apply_style() -> None:
    """Set the seaborn/matplotlib defaults used by every figure."""
    sns.set_theme(style="whitegrid", context="notebook")
    mpl.rcParams.update(
        {
            "figure.dpi": DPI,
            "savefig.dpi": DPI,
            "figure.figsize": (FIGURE_WIDTH, 4.0),
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.titlesize": 12,
            "axes.titleweight": "bold",
            "axes.titlelocation": "left",
            "font.size": 10,
            "legend.frameon": False,
            "svg.fonttype": "none",
        }
    )


def save_png(fig: plt.Figure, path: str | Path) -> Path:
    """Save ``fig`` as PNG (written to a temporary name first, so a failure leaves no half file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.png")
    fig.savefig(tmp, bbox_inches="tight")
    tmp.replace(path)
    return path


apply_style()


MONTHS = {
    "sv": ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
}


def date_axis(ax, lang: str | None = None, maxticks: int = 8) -> None:
    """Date ticks with month names in the report language (strftime would follow the machine's
    locale): ``sep, okt, nov, dec, jan 2020``; the first tick and every January carry the year."""
    import matplotlib.dates as mdates
    from matplotlib.ticker import FuncFormatter

    from ..text import get_language

    names = MONTHS.get(lang or get_language(), MONTHS["sv"])
    locator = mdates.AutoDateLocator(minticks=3, maxticks=maxticks)

    def label(value, pos):
        when = mdates.num2date(value)
        text = names[when.month - 1] if when.day == 1 else f"{when.day} {names[when.month - 1]}"
        if pos == 0 or (when.month == 1 and when.day == 1):
            text += f"\n{when.year}"
        return text

    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(FuncFormatter(label))


class _Facets(sns.FacetGrid):
    """A ``FacetGrid`` laid out once, by the figure that holds it, when it is complete: the grid's
    own ``tight_layout`` (run when it is made and after every ``map``) would double the time of a
    figure of small multiples for a layout that is redone at the end anyway."""

    def tight_layout(self, *args, **kwargs):
        return self


def facets(
    data,
    col: str,
    ncols: int,
    row_height: float,
    extra_height: float = 0.0,
    *,
    order: list | None = None,
    sharex: bool = True,
    sharey: bool = True,
) -> sns.FacetGrid:
    """Small multiples: a ``seaborn.FacetGrid`` with one panel per value of ``col`` (in ``order``,
    default the order they first appear), in rows of ``ncols`` (fewer when there are fewer
    panels), as wide as every figure, ``row_height`` inches a row plus ``extra_height`` (room for
    a legend below). No panel titles (each figure writes its own, from names the data does not
    hold). The caller draws each panel (:func:`each_facet`), labels the outer ticks
    (:func:`label_outer`) and lays the figure out once, at the end (``fig.tight_layout``)."""
    import math

    keys = list(dict.fromkeys(data[col])) if order is None else list(order)
    ncols = max(1, min(ncols, len(keys)))
    grid = _Facets(
        data,
        col=col,
        col_order=keys,
        col_wrap=ncols,
        height=row_height,
        aspect=FIGURE_WIDTH / ncols / row_height,
        sharex=sharex,
        sharey=sharey,
    )
    grid.figure.set_size_inches(
        FIGURE_WIDTH, row_height * math.ceil(len(keys) / ncols) + extra_height
    )
    grid.set_titles("")
    return grid


def each_facet(grid: sns.FacetGrid):
    """``(key, axes, data)`` of every panel of ``grid``, the data split by ``FacetGrid``."""
    for (i, j, _), part in grid.facet_data():
        yield grid.col_names[j], grid.facet_axis(i, j), part


def label_outer(grid: sns.FacetGrid, x: bool = True, y: bool = True) -> None:
    """Tick labels of shared axes only on the outer panels: y on the left column (``y``), x on
    the last row (``x``). Call it after the panels' own tick settings: ``FacetGrid`` hides the
    labels that exist when it is made, and a new locator makes new ones."""
    axes = list(grid.axes.flat)
    ncols = axes[0].get_subplotspec().get_gridspec().ncols if axes else 1
    last_row = (len(axes) - 1) // ncols
    for i, ax in enumerate(axes):
        ax.tick_params(
            labelleft=not y or i % ncols == 0, labelbottom=not x or i // ncols == last_row
        )
