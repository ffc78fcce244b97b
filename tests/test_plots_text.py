"""Text from the data reaches every figure literally and bounded (issue 19).

matplotlib reads a text holding two ``$`` as mathtext: a measure named ``Kostnad $\\foo{ per $
elev`` failed the team report, a coach's note ``Kostnad $ C:\\temp $`` broke the explorer's chart
and ``Pris $5 och $10`` was drawn as maths. A 100,000-character name made 93-138-megapixel images.
Every figure of ``analysis.plots`` is drawn here with such texts in every place that takes text
from the data; each must draw, show no mathtext and stay a normal size.
"""

from __future__ import annotations

import io
import textwrap
from types import SimpleNamespace

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib import cbook
from PIL import Image

from analysis import drivers, effects, plots, spc, surveys
from analysis.plots.style import LABEL_CHARS, TITLE_CHARS, plain

BROKEN = "Kostnad $\\foo{ per $ elev"  # invalid mathtext: the report failed
NOTE = "Kostnad $ C:\\temp $"  # valid mathtext: drawn as maths, or failed on \t
PRICE = "Pris $5 och $10"  # drawn as maths
HUGE = "Mått " + "x" * 100_000
MAX_PIXELS = 4_000_000  # an 800-pixel-wide chart with a long legend is about 0.5 megapixel


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def texts_of(fig) -> list[str]:
    found = [t.get_text() for t in fig.findobj(plt.Text)]
    for ax in fig.axes:
        if ax.get_legend():
            found += [t.get_text() for t in ax.get_legend().get_texts()]
    for legend in fig.legends:
        found += [t.get_text() for t in legend.get_texts()]
    return found


def check(fig) -> list[str]:
    """Draw ``fig`` and return its texts; fail on mathtext, an endless line or a giant image."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")  # mathtext is parsed while drawing
    width, height = Image.open(io.BytesIO(buffer.getvalue())).size
    assert width * height < MAX_PIXELS, f"{width} x {height} pixels"
    found = texts_of(fig)
    assert not [t for t in found if cbook.is_math_text(t)]
    assert max(len(line) for t in found for line in t.splitlines()) <= TITLE_CHARS
    return found


def test_plain_escapes_dollars_bounds_length_and_is_idempotent():
    assert plain(PRICE) == "Pris \\$5 och \\$10" and not cbook.is_math_text(plain(PRICE))
    assert plain(NOTE) == "Kostnad \\$ C:\\temp \\$"
    assert plain(plain(BROKEN)) == plain(BROKEN)
    assert len(plain(HUGE)) == LABEL_CHARS and plain(HUGE).endswith("\u2026")
    assert plain(HUGE, None) == HUGE
    cut = plain("a" * 98 + "$$$$", LABEL_CHARS)  # the cut falls inside an escaped "\$"
    assert cut.endswith("\u2026") and not cut.endswith("\\\u2026") and plain(cut) == cut


def _chart():
    y = [10, 11, 9, 10, 12, 8, 10, 11, 9, 10, 11, 9, 20, 21, 19, 20, 22, 18, 20, 21]
    frame = pd.DataFrame({"month": pd.date_range("2023-01-01", periods=20, freq="MS"), "y": y})
    return spc.chart(frame, y="y", x="month", kind="i", part=[pd.Timestamp("2024-01-01")])


def _changes():
    return pd.DataFrame(
        {
            "change_no": [1, 2],
            "date": pd.to_datetime(["2023-12-15", "2024-04-01"]),
            "title": [HUGE, BROKEN],
        }
    )


def test_spc_chart_and_panel():
    found = check(
        plots.spc_chart(
            _chart(), changes=_changes(), title=BROKEN, ylabel=PRICE, direction="up", target=15.0
        )
    )
    assert plain(BROKEN) in found and plain(PRICE) in found
    check(
        plots.spc_panel(
            {"a": _chart(), "b": _chart()},
            titles={"a": HUGE, "b": NOTE},
            title=HUGE,
            changes=_changes(),
        )
    )


def test_explore_chart_with_a_note_and_a_long_measure_name():
    view = SimpleNamespace(
        result=_chart(),
        changes=_changes(),
        target=None,
        direction="down",
        measure_name=HUGE,
        selection=SimpleNamespace(lang="sv"),
        notes=pd.DataFrame({"period": [pd.Timestamp("2023-03-01")], "note": [NOTE]}),
    )
    assert plain(NOTE) in check(plots.explore_chart(view))


def test_effects_figures():
    t = np.arange(1, 25)
    its = effects.interrupted_time_series(
        pd.DataFrame({"t": t, "y": 10 + 3.0 * (t >= 13) + (t % 2) * 0.4}),
        y="y",
        time="t",
        intervention=13,
        family="gaussian",
        trend=False,
    )
    check(plots.its_chart(its, HUGE, change_labels=[BROKEN], ylabel=PRICE))
    table = pd.DataFrame(
        [
            dict(
                measure_name=HUGE,
                changes="1",
                change_no=1,
                estimate=1.8,
                ci_low=1.6,
                ci_high=2.0,
                effect="odds ratio",
                detected=True,
                improved=True,
            ),
            dict(
                measure_name=BROKEN,
                changes="2",
                change_no=2,
                estimate=-2.0,
                ci_low=-3.0,
                ci_high=-1.0,
                effect="difference",
                detected=True,
                improved=False,
            ),
        ]
    )
    check(plots.effects_forest(table, title=PRICE))
    check(plots.effects_forest(table, labels=[NOTE, HUGE]))
    waves = pd.DataFrame(
        {
            "item_label": [HUGE, PRICE],
            "diff_pp": [12.2, 2.4],
            "ci_low_pp": [8.4, -1.4],
            "ci_high_pp": [16.0, 6.1],
            "mdd_pp": [5.6, 5.5],
            "significant": [True, False],
            "suppressed": [False, False],
        }
    )
    check(plots.wave_comparison_chart(waves, title=BROKEN))
    check(plots.effects_poster({BROKEN: [HUGE, PRICE], "Bakgrund": [NOTE]}, HUGE, BROKEN))


def test_goal_and_indicator_figures():
    series = pd.DataFrame(
        {
            "municipality_code": ["0604"] * 4 + ["0680"] * 4,
            "year": [2021, 2022, 2023, 2024] * 2,
            "value": [60, 61, 62, 63, 50, 52, 51, 53.0],
            "goal": [60, 62, 64, 66, 50, 52, 54, 56.0],
            "county": [55, 56, 57, 58] * 2,
        }
    )
    names = {"0604": HUGE, "0680": PRICE}
    check(plots.goal_chart(series, names=names, title=BROKEN, unit=NOTE))
    check(plots.indicator_panels(series, names=names, title=HUGE, unit=PRICE))
    check(plots.baseline_points(_chart(), ylabel=BROKEN))


def test_driver_diagram(tmp_path):
    body = textwrap.dedent(f"""\
        team_id: nassjo
        aim: {HUGE!r}
        primary_drivers:
          - id: P1
            text: {BROKEN!r}
            secondary_drivers:
              - id: S1
                text: {PRICE!r}
                change_ideas:
                  - id: C1
                    text: {NOTE!r}
                    changes: [1]
        """)
    (tmp_path / "drivers").mkdir()
    (tmp_path / "drivers" / "nassjo.yml").write_text(body, encoding="utf-8")
    diagram, problems = drivers.read_drivers(tmp_path / "drivers" / "nassjo.yml")
    assert diagram is not None, problems
    check(plots.driver_diagram(diagram.nodes, title=HUGE))


def test_survey_figures(tmp_path):
    from test_surveys import FORMS_HEADER, forms_codebook, forms_rows, write_survey

    cb = forms_codebook()
    for question, header, label in zip(
        cb["questions"], FORMS_HEADER[5:], (HUGE, BROKEN, NOTE), strict=False
    ):
        question.update(
            text={"sv": label, "en": label}, column=header
        )  # the export keeps its titles
    for option, label in (
        (cb["questions"][1]["options"][0], PRICE),
        (cb["questions"][2]["options"][0], HUGE),
    ):
        option.update(value=option["sv"], sv=label)
    folder = write_survey(tmp_path / "surveys" / "forms", cb, FORMS_HEADER, forms_rows())
    survey = surveys.load_survey(folder)
    summary = surveys.summarise(survey, min_count=1)
    by_first = surveys.summarise(survey, by="first", min_count=1)
    check(plots.survey_bars(summary, survey, "topics"))
    check(plots.survey_likert(summary, survey, "happy"))
    check(plots.survey_likert(by_first, survey, "happy", by="first", title=HUGE))
    check(plots.survey_grouped_bars(by_first, survey, "topics", "first"))
