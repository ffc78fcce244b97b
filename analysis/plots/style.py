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


def panel_grid(n_panels: int, ncols: int, row_height: float, extra_height: float = 0.0, **subplots):
    """A figure of small multiples: ``n_panels`` axes in rows of ``ncols`` (fewer when there are
    fewer panels); the unused cells of the last row are hidden. Returns ``(fig, axes, ncols)``,
    ``axes`` a flat list of the ``n_panels`` visible axes."""
    import math

    ncols = max(1, min(ncols, n_panels))
    nrows = math.ceil(n_panels / ncols)
    fig, grid = plt.subplots(
        nrows,
        ncols,
        figsize=(FIGURE_WIDTH, row_height * nrows + extra_height),
        squeeze=False,
        **subplots,
    )
    for ax in grid.flat[n_panels:]:
        ax.set_visible(False)
    return fig, list(grid.flat[:n_panels]), ncols
