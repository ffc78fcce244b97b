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

# inches. A report embeds its figures as SVG at their own size (1 pt = 4/3 CSS px: 6 in = 576 px,
# text of 11 pt = 14.7 px on a laptop). On a phone (390 px wide, ~358 px for the figure) a figure
# is shrunk to 358/576 of that: 11 pt text is 9 px and the smallest text (9 pt) 7.5 px. At the
# former 8 in, the same text was 6.8 and 5.6 px (and 4-5 px in the 1x PNGs).
FIGURE_WIDTH = 6.0
DPI = 100  # PNGs written outside the reports (the explorer's "Spara bild" writes 2x)
#: The smallest text a figure draws (in-bar labels, notes on points), in points.
SMALL_TEXT = 9

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
            "svg.fonttype": "none",  # texts as text: small, sharp, selectable
            "svg.hashsalt": "workbook",  # clip-path ids from the content: the same every run
        }
    )


def legend_columns(labels, fontsize: float = SMALL_TEXT, width: float = FIGURE_WIDTH) -> int:
    """How many columns a legend of ``labels`` has so that it fits ``width`` inches: as many as
    fit side by side, the rest wraps onto more rows (a wide legend was cut off or shrank the
    figure on a phone). A character is taken as 0.6 em, a key and the gaps as 3.5 em."""
    labels = [str(x) for x in labels]
    if not labels:
        return 1
    em = fontsize / 72  # inches
    longest = max(max((len(line) for line in x.split("\n")), default=0) for x in labels)
    per_column = (0.6 * longest + 3.5) * em
    return max(1, min(len(labels), int(width // per_column)))


_SVG_TAG = re.compile(r"<[^<>]+>")
_SVG_NUMBER = re.compile(r"-?\d+\.\d+")
_SVG_FAMILY = re.compile(r"font-family: ?([^;\"]+);? ?")
_SVG_ID = re.compile(r' id="([^"]*)"')
_SVG_PATH_SPACE = re.compile(r"(?<=[MLCQZzHV]) | (?=[MLCQZzHV])")


_SVG_COMMAND = re.compile(r"([A-Za-z])([^A-Za-z]*)")


def _svg_path(d: str) -> str:
    """A path of straight lines written short: a line along an axis as ``H``/``V``, no spaces
    around commands (the grid, the ticks and the bars are most of a chart's paths)."""
    d = _SVG_PATH_SPACE.sub("", d.strip())
    commands = _SVG_COMMAND.findall(d)
    if not commands or any(c not in "MLz" for c, _ in commands):
        return d
    out, here = [], None
    for command, args in commands:
        point = args.split(" ")
        if command == "L" and here is not None and len(point) == 2:
            if point[0] == here[0]:
                out.append("V" + point[1])
                here = (here[0], point[1])
                continue
            if point[1] == here[1]:
                out.append("H" + point[0])
                here = (point[0], here[1])
                continue
        out.append(command + args)
        if len(point) == 2:
            here = (point[0], point[1])
    return "".join(out)


def _svg_number(match: re.Match) -> str:
    text = f"{float(match.group()):.1f}"  # 0.1 pt = 0.13 CSS px
    return text[:-2] if text.endswith(".0") else text


_SVG_USE = re.compile(r'<use href="#(i\d+)" x="([-\d.]+)" y="([-\d.]+)" class="(c\d+)"/>')


def _svg_dots(svg: str, classes: dict[str, str]) -> str:
    """Runs of solid round markers (``<use>`` of a circle, one colour inside and out) as one path
    of round dots: a line of length 0 with round caps is a dot as wide as the line. A point of
    a chart costs 12 bytes instead of 45 (the county's panels have a thousand)."""
    rules = {name: style for style, name in classes.items()}
    circles = {}
    for ident, d, attr in re.findall(r'<path id="(i\d+)" d="([^"]*)"( [^>]*)?/>', svg):
        numbers = [abs(float(x)) for x in re.findall(r"-?\d+(?:\.\d+)?", d)]
        style = rules.get(m.group(1), "") if (m := re.search(r'class="(c\d+)"', attr or "")) else ""
        style += re.search(r'style="([^"]*)"', attr).group(1) if 'style="' in (attr or "") else ""
        if d.startswith("M0 ") and d.endswith("z") and "C" in d and numbers:
            width = re.search(r"stroke-width:([\d.]+)", style)
            circles[ident] = (max(numbers), float(width.group(1)) if width else None)

    def dots(match: re.Match) -> str:
        uses = _SVG_USE.findall(match.group(0))
        ident, _, _, name = uses[0]
        solid = re.fullmatch(r"fill:(#\w+);stroke:\1(?:;stroke-width:([\d.]+))?", rules[name])
        if ident not in circles or solid is None:
            return match.group(0)
        radius, own_width = circles[ident]
        edge = own_width if own_width is not None else float(solid.group(2) or 1.0)
        path = "".join(f"M{x} {y}h0" for _, x, y, _ in uses)
        width = f"{2 * radius + edge:.2f}".rstrip("0").rstrip(".")
        return (
            f'<path d="{path}" style="fill:none;stroke:{solid.group(1)};'
            f'stroke-width:{width};stroke-linecap:round"/>'
        )

    return re.sub(
        r'(<use href="#(i\d+)" x="[-\d.]+" y="[-\d.]+" class="(c\d+)"/>)'
        r'(?:<use href="#\2" x="[-\d.]+" y="[-\d.]+" class="\3"/>)*',
        lambda m: dots(m) if m.group(3) in rules else m.group(0),
        svg,
    )


_SVG_CLIP = re.compile(r"(?:^|;)clip-path:(url\(#[^)]*\))")


def _tight_svg(fig: plt.Figure) -> str:
    """matplotlib's SVG of ``fig`` cut to its tight box, as ``savefig(..., bbox_inches="tight")``
    makes it, without that call's extra layout draw: the box is measured as savefig measures it
    (``Figure.get_tightbbox`` with an SVG renderer at 72 dpi) and handed to savefig, which then
    draws once (~30 % less time; the same SVG on the benchmark's figures, tests/test_report.py).
    The content is moved into the picture as for "tight" (cutting one draw to a viewBox instead
    lost the lines outside the figure's own area: matplotlib clips them to the canvas). A figure
    with a layout engine that moves things when drawn (constrained layout) is saved the usual
    way."""
    import io

    from matplotlib.backends.backend_svg import RendererSVG
    from matplotlib.layout_engine import PlaceHolderLayoutEngine

    buffer = io.StringIO()
    engine = fig.get_layout_engine()
    if engine is not None and not isinstance(engine, PlaceHolderLayoutEngine):
        fig.savefig(buffer, format="svg", bbox_inches="tight")
        return buffer.getvalue()
    width, height = fig.get_size_inches() * 72
    dpi = fig.dpi
    fig.dpi = 72  # as savefig has it for SVG: text is measured at the size it is written
    try:
        box = fig.get_tightbbox(RendererSVG(width, height, io.StringIO(), None, 72))
    finally:
        fig.dpi = dpi
    fig.set_layout_engine(None)  # a placeholder does nothing, but savefig would draw for it
    try:
        fig.savefig(
            buffer, format="svg", bbox_inches=box.padded(mpl.rcParams["savefig.pad_inches"])
        )
    finally:
        fig.set_layout_engine(engine)
    return buffer.getvalue()


def svg_markup(fig: plt.Figure) -> str:
    """``fig`` as compact SVG text: texts stay text (``svg.fonttype: none``; sharp at any size,
    on any screen), coordinates to 0.1 pt, no metadata, ids only where referenced, no empty
    groups, one font-family rule for every text. About half of matplotlib's own SVG and smaller
    than the 256-colour 1x PNG the reports embedded before (``benchmarks/figures.py``)."""
    svg = _tight_svg(fig)
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    used = set(re.findall(r"url\(#([^)]+)\)", svg)) | set(re.findall(r'href="#([^"]+)"', svg))
    families: set[str] = set()
    open_groups: list[bool] = []  # per open <g>: kept (True) or dropped (False)

    def compact(match: re.Match) -> str:
        tag = match.group(0)
        if tag == "</g>":
            return tag if open_groups.pop() else ""
        tag = _SVG_ID.sub(lambda m: m.group(0) if m.group(1) in used else "", tag)
        if tag.startswith("<g"):
            keep = tag not in ("<g>", "<g/>")
            if tag != "<g/>":
                open_groups.append(keep)
            if not keep:
                return ""
        tag = re.sub(r' transform="rotate\(-?0 [^")]*\)"', "", tag)
        tag = _SVG_FAMILY.sub(lambda m: families.add(m.group(1).strip()) or "", tag)
        tag = _SVG_NUMBER.sub(_svg_number, tag)
        tag = re.sub(r"\s+", " ", tag).replace("; ", ";").replace(": ", ":")
        tag = re.sub(r' d="([^"]*)"', lambda m: f' d="{_svg_path(m.group(1))}"', tag)
        tag = tag.replace(" xlink:href=", " href=")  # SVG 2: every browser reads href
        tag = re.sub(r"#([0-9a-f])\1([0-9a-f])\2([0-9a-f])\3\b", r"#\1\2\3", tag)
        return tag.replace(' style=""', "").replace(';"', '"')

    svg = _SVG_TAG.sub(compact, svg)
    if "xlink:" not in svg.replace('xmlns:xlink="http://www.w3.org/1999/xlink"', ""):
        svg = svg.replace(' xmlns:xlink="http://www.w3.org/1999/xlink"', "", 1)
    svg = re.sub(r">\s+<", "><", svg)
    # short ids (the picture is its own document: they only need to be unique in it)
    short = {old: f"i{k}" for k, old in enumerate(sorted(used))}
    svg = re.sub(
        r'(url\(#|href="#| id=")([^)"]+)',
        lambda m: m.group(1) + short.get(m.group(2), m.group(2)),
        svg,
    )
    # a clip path is a style property too; a style used twice or more becomes a class
    svg = re.sub(
        r' clip-path="([^"]*)"( style="([^"]*)")?',
        lambda m: f' style="{m.group(3) + ";" if m.group(3) else ""}clip-path:{m.group(1)}"',
        svg,
    )
    styles = re.findall(r' style="([^"]*)"', svg)
    counts: dict[str, int] = {}
    for style in styles:
        counts[style] = counts.get(style, 0) + 1
    # a style used once only for its clip path (a panel's line in small multiples: the same
    # look, each panel its own clip) shares a class with its kind, the clip an attribute
    base_of = {style: _SVG_CLIP.sub("", style).strip(";") for style in counts}
    unclipped: dict[str, int] = {}
    for style, n in counts.items():
        base = base_of[style]
        if n == 1 and base != style and base:
            unclipped[base] = unclipped.get(base, 0) + 1
    shared = [x for x, n in counts.items() if n > 1] + [x for x, n in unclipped.items() if n > 1]
    classes = {style: f"c{k}" for k, style in enumerate(dict.fromkeys(shared))}

    def styled(match: re.Match) -> str:
        style = match.group(1)
        if style in classes:
            return f' class="{classes[style]}"'
        clip = _SVG_CLIP.search(style)
        if clip and base_of[style] in classes:
            return f' class="{classes[base_of[style]]}" clip-path="{clip.group(1)}"'
        return match.group(0)

    svg = re.sub(r' style="([^"]*)"', styled, svg)
    # consecutive lines of the same class (a panel's grid lines, its ticks) as one path
    stroked = {name for style, name in classes.items() if "fill:none" in style}

    def merge(match: re.Match) -> str:
        name = match.group(2)
        parts = re.findall(r'<path d="([^"]*)" class="' + name + '"/>', match.group(0))
        return f'<path d="{"".join(parts)}" class="{name}"/>'

    svg = re.sub(
        r'<path d="([^"]*)" class="(c\d+)"/>(?:<path d="[^"]*" class="\2"/>)+',
        lambda m: merge(m) if m.group(2) in stroked else m.group(0),
        svg,
    )
    svg = _svg_dots(svg, classes)
    # the dots' own styles (one per panel's run of points): a class when used twice or more
    dotted: dict[str, int] = {}
    for style in re.findall(r'<path d="[^"]*" style="([^"]*)"/>', svg):
        dotted[style] = dotted.get(style, 0) + 1
    for style in (x for x, n in dotted.items() if n > 1 and x not in classes):
        classes[style] = f"c{len(classes)}"
    svg = re.sub(
        r'(<path d="[^"]*") style="([^"]*)"/>',
        lambda m: (
            f'{m.group(1)} class="{classes[m.group(2)]}"/>' if m.group(2) in classes else m.group(0)
        ),
        svg,
    )
    # a marker no <use> refers to any more (its points became dots): gone
    svg = re.sub(
        r'<path id="(i\d+)" d="[^"]*"(?: [^>]*)?/>',
        lambda m: m.group(0) if f'href="#{m.group(1)}"' in svg else "",
        svg,
    )
    svg = svg.replace("<defs></defs>", "")
    rules = "".join(f".{name}{{{style}}}" for style, name in classes.items())
    if len(families) == 1:
        rules = "text{font-family:" + families.pop() + "}" + rules
    svg = svg.replace(' version="1.1"', "", 1)
    return svg.replace('<style type="text/css">', f"<style>{rules}", 1)


def save_png(fig: plt.Figure, path: str | Path) -> Path:
    """Save ``fig`` as PNG at twice the reports' resolution (1,200 px for a 6 in figure: sharp on
    a slide or a retina screen), written to a temporary name first, so a failure leaves no half
    file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.png")
    fig.savefig(tmp, bbox_inches="tight", dpi=2 * DPI)
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
