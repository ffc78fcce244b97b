"""Coaches' interactive exploration: from widget values to frames, figure and verdict.

The logic lives here (unit-tested without a browser); ``notebooks/explore.ipynb`` only shows
:class:`ExploreApp`, which wires ipywidgets to :func:`build_view`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import clock, spc, text
from .config import ConfigError, load_config
from .io import DataError, atomic_path, excel_safe, restore_formula
from .measures import RATIO_KINDS, is_ratio, is_share
from .text import t

CHART_KINDS = ("run", "i", "mr", "c", "g", "t", "p", "pp", "u", "up")  # xbar/s need subgroups
NOTE_COLUMNS = ["team_id", "measure_id", "period", "note", "added"]
OWN_CHART = (
    "own"  # the chart-kind dropdown's "the measure's own" (ipywidgets treats None as no choice)
)
WIDE = {"description_width": "initial"}


@dataclass(frozen=True)
class Selection:
    """What the coach picked in the widgets."""

    team: str
    measure: str
    chart: str | None = None  # None: the chart kind the measure declares
    baseline_end: pd.Timestamp | None = None  # None: the last period before the first change
    phases: bool = True  # split the chart at the PDSA changes after the baseline
    rules: str = "anhoej"
    lang: str = "sv"


@dataclass(frozen=True)
class View:
    """Everything the explore notebook shows for one selection."""

    selection: Selection
    series: pd.DataFrame  # period, y, n (the measure's data)
    changes: pd.DataFrame  # change_no, date, title (the team's PDSA log relevant to the measure)
    result: spc.ChartResult
    verdict: str
    summary: pd.DataFrame  # one row per part, in the report language
    effect: pd.DataFrame | None  # effect estimate of the first change after the baseline, if any
    notes: pd.DataFrame  # coach notes on points of this measure
    measure_name: str = ""
    target: float | None = None
    direction: str | None = None
    share: bool = False  # the values are shares 0-1 (a p measure, also on a run chart): percent


def measure_row(dataset, team: str, measure: str) -> pd.Series:
    """The measures-table row, or a clear error naming what exists."""
    teams = list(dataset.teams["team_id"])
    if team not in teams:
        raise ConfigError(f"unknown team {team!r}; known teams: {', '.join(teams)}")
    rows = dataset.measures[
        (dataset.measures["team_id"] == team) & (dataset.measures["measure_id"] == measure)
    ]
    if rows.empty:
        known = dataset.measures.loc[dataset.measures["team_id"] == team, "measure_id"]
        raise ConfigError(
            f"unknown measure {measure!r} for team {team!r}; known measures: {', '.join(known)}"
        )
    return rows.iloc[0]


def measure_series(dataset, team: str, measure: str) -> pd.DataFrame:
    """The measure's data as ``period, y, n``, absent periods as gaps (``dataset.measure_series``)."""
    from .dataset import measure_series as series_of

    measure_row(dataset, team, measure)
    return series_of(dataset, team, measure)


def measure_changes(dataset, team: str, measure: str) -> pd.DataFrame:
    """The team's changes that count for ``measure`` (``analysis.measures.measure_changes``: those
    meant to move it, or all the team's changes if none names it)."""
    from .measures import measure_changes as counted

    return counted(dataset.changes, team, measure)[["change_no", "date", "title"]].reset_index(
        drop=True
    )


def periods(dataset, team: str, measure: str) -> list[pd.Timestamp]:
    """The measured periods, for the baseline slider."""
    series = measure_series(dataset, team, measure)
    return list(series.loc[series["y"].notna(), "period"])


def default_baseline_end(
    series: pd.DataFrame, changes: pd.DataFrame, frequency: str | None = None
) -> pd.Timestamp:
    """The last baseline period (``analysis.measures``: the last measured period before the period
    the first change starts in; the last one without a change). When no measured period comes
    before the first change, the first period (the slider needs a value)."""
    from .measures import last_baseline_period

    measured = series.loc[series["y"].notna(), "period"]
    first = changes["date"].min() if not changes.empty else pd.NaT
    end = last_baseline_period(measured, first, frequency)
    return end if pd.notna(end) else measured.iloc[0]


def phase_starts(
    series: pd.DataFrame,
    changes: pd.DataFrame,
    baseline_end: pd.Timestamp,
    frequency: str | None = None,
) -> list[pd.Timestamp]:
    """x values where a new phase starts: right after the baseline, then in the period each later
    change starts in (``analysis.measures.change_period``)."""
    from .measures import change_period

    after = series.loc[series["period"] > baseline_end, "period"]
    if after.empty:
        return []
    starts = [after.iloc[0]]
    for date in changes["date"]:
        first = after[after >= change_period(date, frequency)]
        if not first.empty and first.iloc[0] > starts[-1]:
            starts.append(first.iloc[0])
    return starts


def build_view(dataset, selection: Selection, notes: pd.DataFrame | None = None) -> View:
    """Compute the chart, verdict, per-phase summary and effect estimate for ``selection``."""
    row = measure_row(dataset, selection.team, selection.measure)
    chart = selection.chart or row["chart"]
    if chart not in CHART_KINDS:
        raise ConfigError(
            f"chart kind {chart!r} cannot be explored; choose one of {', '.join(CHART_KINDS)}"
        )
    if is_ratio(chart) and not is_ratio(row["chart"]):
        raise ConfigError(
            f"measure {selection.measure!r} has single values, not numerator and denominator; "
            f"a {chart!r} chart needs both"
        )
    series = measure_series(dataset, selection.team, selection.measure)
    if not is_ratio(chart) and is_ratio(row["chart"]):
        series = series.assign(
            y=series["y"] / series["n"], n=float("nan")
        )  # explore the share itself
    changes = measure_changes(dataset, selection.team, selection.measure)
    frequency = row["frequency"]
    baseline_end = (
        selection.baseline_end
        if selection.baseline_end is not None
        else default_baseline_end(series, changes, frequency)
    )
    starts = phase_starts(series, changes, baseline_end, frequency)
    kwargs: dict = {"rules": selection.rules}
    if selection.phases and starts:
        kwargs["part"] = starts
    elif baseline_end < series["period"].iloc[-1]:
        kwargs["freeze"] = baseline_end
    result = spc.chart(
        series, y="y", n="n" if is_ratio(chart) else None, x="period", kind=chart, **kwargs
    )
    verdict = _verdict(result, series, chart, baseline_end, selection.rules, selection.lang)
    effect = _effect(dataset, selection)
    measure_notes = _notes_for(notes, selection)
    # a p measure explored on a chart of single values is still a share: shown in percent
    share = is_share(chart) or (is_share(row["chart"]) and not is_ratio(chart))
    target = row["target"] if pd.notna(row["target"]) and (chart == row["chart"] or share) else None
    return View(
        selection,
        series,
        changes,
        result,
        verdict,
        _summary(result, selection.lang, share),
        effect,
        measure_notes,
        str(row["measure_name"]),
        target,
        str(row["direction"]),
        share,
    )


def _verdict(
    result: spc.ChartResult, series: pd.DataFrame, chart: str, baseline_end, rules: str, lang: str
) -> str:
    """Did the level move? The runs rules on all points against the frozen baseline centre line
    (Anhøj: the rules apply to every point after a frozen baseline), then the current phase."""
    from .text.spc import verdict

    if baseline_end >= series["period"].iloc[-1]:
        return verdict(result.summary.iloc[0], lang)
    frozen = spc.chart(
        series,
        y="y",
        n="n" if is_ratio(chart) else None,
        x="period",
        kind=chart,
        freeze=baseline_end,
        rules=rules,
    )
    against = t("explore_against_baseline", lang, verdict=verdict(frozen.summary.iloc[0], lang))
    if len(result.summary) == 1:
        return against
    return f"{against} {t('explore_current_phase', lang, verdict=verdict(result.summary.iloc[-1], lang))}"


def _with_limit(value: object, limit: object, word: str) -> str:
    """``6 (max 7)``; the value alone when the rule set has no such limit (IHI's rules have no
    crossings rule and judge a run by its own length: ``6``, not ``6 (minst <NA>)``)."""
    if pd.isna(limit):
        return f"{value}"
    return f"{value} ({word} {limit})"


def _summary(result: spc.ChartResult, lang: str, share: bool = False) -> pd.DataFrame:
    s = result.summary
    centre = result.points.groupby("part", sort=False)["cl"].first()
    return pd.DataFrame(
        {
            t("explore_part", lang): s["part"].astype(str),
            t("explore_points", lang): s["n_useful"].astype(int),
            t("explore_centre", lang): [
                _format_level(v, "p" if share else result.kind, lang) for v in s["part"].map(centre)
            ],
            t("explore_longest_run", lang): [
                _with_limit(a, b, t("explore_max", lang))
                for a, b in zip(s["longest_run"], s["longest_run_max"], strict=True)
            ],
            t("explore_crossings", lang): [
                _with_limit(a, b, t("explore_min", lang))
                for a, b in zip(s["n_crossings"], s["n_crossings_min"], strict=True)
            ],
            t("explore_signal", lang): [
                t("yes", lang) if v else t("no", lang) for v in s["runs_signal"]
            ],
        }
    )


def _format_level(value: float, kind: str, lang: str) -> str:
    """The centre line of whatever chart the coach chose (a share, a mean, a moving range, days
    between events): a share in percent, else the number with two decimals below 10. Not a
    measure's level, which every report writes with ``text.level``."""
    if is_share(kind):
        return text.percent(value, 1, lang)
    return text.number(value, 2 if abs(value) < 10 else 1, lang)


def _effect(dataset, selection: Selection) -> pd.DataFrame | None:
    """The measure's effect estimates exactly as the team report shows them
    (``effects.team_effects``: changes too close together estimated together, phases shorter than
    8 points not estimated); None when the team has no change meant to move the measure."""
    from . import effects
    from .views.team_effects import effects_table

    table = effects.team_effects(dataset, selection.team).table
    rows = table[table["measure_id"] == selection.measure]
    if rows.empty:
        return None
    return effects_table(rows, selection.lang)


# --- coach notes -------------------------------------------------------------------------------


def notes_path(dataset, team: str) -> Path:
    """Where a team's notes live: ``data/notes/<sample|raw>/<team>.csv``, never inside data/raw."""
    config = load_config()
    return config.root / "data" / "notes" / dataset.source / f"{team}.csv"


def load_notes(dataset, team: str) -> pd.DataFrame:
    """The coach notes saved for ``team`` (an empty frame when there are none)."""
    path = notes_path(dataset, team)
    if not path.is_file():
        return pd.DataFrame({c: pd.Series(dtype="str") for c in NOTE_COLUMNS}).assign(
            period=pd.Series(dtype="datetime64[ns]")
        )
    frame = pd.read_csv(path, sep=";", encoding="utf-8-sig", dtype=str)
    return frame.assign(
        period=pd.to_datetime(frame["period"]), note=frame["note"].map(restore_formula)
    )


def add_note(dataset, team: str, measure: str, period, note: str) -> pd.DataFrame:
    """Save a note on one point of a measure and return the team's notes (written atomically)."""
    measure_row(dataset, team, measure)
    note = " ".join(str(note).split())
    if not note:
        raise ValueError("the note is empty; write what happened, e.g. 'sjukdomsutbrott vecka 7'")
    if len(note) > 200:
        raise ValueError("a note can be at most 200 characters")
    period = pd.Timestamp(period)
    if period not in set(periods(dataset, team, measure)):
        raise ValueError(f"{period:%Y-%m-%d} is not a measured period of {measure!r}")
    existing = load_notes(dataset, team)
    new = pd.DataFrame(
        [
            {
                "team_id": team,
                "measure_id": measure,
                "period": period,
                "note": note,
                "added": clock.now().strftime("%Y-%m-%d %H:%M"),
            }
        ]
    )
    frame = pd.concat([existing, new], ignore_index=True) if not existing.empty else new
    path = notes_path(dataset, team)
    path.parent.mkdir(parents=True, exist_ok=True)
    # a CSV for Excel too: a note such as =HYPERLINK(...) is written as text, not as a formula
    with atomic_path(path) as tmp:
        excel_safe(frame.assign(period=frame["period"].dt.strftime("%Y-%m-%d"))).to_csv(
            tmp, sep=";", index=False, encoding="utf-8-sig"
        )
    return frame


def _notes_for(notes: pd.DataFrame | None, selection: Selection) -> pd.DataFrame:
    if notes is None or notes.empty:
        return pd.DataFrame(
            {"period": pd.Series(dtype="datetime64[ns]"), "note": pd.Series(dtype="str")}
        )
    chosen = notes[
        (notes["team_id"] == selection.team) & (notes["measure_id"] == selection.measure)
    ]
    return chosen[["period", "note"]].reset_index(drop=True)


# --- saving ------------------------------------------------------------------------------------


def _stem(view: View) -> str:
    s = view.selection
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    return re.sub(r"[^a-z0-9_-]+", "-", f"{s.team}_{s.measure}_{stamp}".lower())


def export_table(view: View) -> pd.DataFrame:
    """The current chart's points as a table for Excel (aggregates of one team, no microdata)."""
    p = view.result.points
    lang = view.selection.lang
    # the numbers as the chart says them: a share in percent (48,28, not 0,4828), in a column
    # whose name says so; the team and the measure on every row (files get mixed in Excel)
    scale, unit = (100.0, " (%)") if view.share else (1.0, "")
    digits = 2 if view.share else 4
    return pd.DataFrame(
        {
            t("team", lang): view.selection.team,
            t("measure", lang): view.selection.measure,
            t("explore_measure_name", lang): view.measure_name,
            t("explore_chart_kind", lang): view.result.kind,
            t("period", lang): pd.to_datetime(p["x"]).dt.strftime("%Y-%m-%d"),
            t("value", lang) + unit: (p["y"] * scale).round(digits),
            t("explore_centre", lang) + unit: (p["cl"] * scale).round(digits),
            t("explore_lcl", lang) + unit: (p["lcl"] * scale).round(digits),
            t("explore_ucl", lang) + unit: (p["ucl"] * scale).round(digits),
            t("explore_part", lang): p["part"].astype(str),
            t("explore_signal", lang): [
                t("yes", lang) if (a or b) else t("no", lang)
                for a, b in zip(p["sigma_signal"], p["runs_signal"], strict=True)
            ],
        }
    )


def save_csv(view: View, folder: Path | None = None) -> Path:
    """Save the current table as CSV for Swedish Excel (``;``, decimal comma, UTF-8 with BOM)."""
    folder = Path(folder) if folder else load_config().outputs_dir / "explore"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{_stem(view)}.csv"
    with atomic_path(path) as tmp:
        excel_safe(export_table(view)).to_csv(
            tmp, sep=";", decimal=",", index=False, encoding="utf-8-sig"
        )
    return path


def figure(view: View):
    """The chart of ``view`` with PDSA markers, target, direction and the coach's notes."""
    from . import plots

    return plots.explore_chart(view)


def save_png(view: View, folder: Path | None = None) -> Path:
    """Save the current chart as PNG."""
    import matplotlib.pyplot as plt

    from .plots.style import save_png as _save

    folder = Path(folder) if folder else load_config().outputs_dir / "explore"
    fig = figure(view)
    try:
        return _save(fig, folder / f"{_stem(view)}.png")
    finally:
        plt.close(fig)


def selection_for(
    dataset, team: str | None = None, measure: str | None = None, lang: str | None = None
) -> Selection:
    """The starting selection: the given (or first) team and its first measure, default settings."""
    team = team or str(dataset.teams["team_id"].iloc[0])
    measures = dataset.measures.loc[dataset.measures["team_id"] == team, "measure_id"]
    if measures.empty:
        raise ConfigError(f"team {team!r} has no measures in measures.csv")
    measure = measure or str(measures.iloc[0])
    measure_row(dataset, team, measure)
    return Selection(team=team, measure=measure, lang=lang or text.get_language())


__all__ = [
    "ExploreApp",
    "Selection",
    "View",
    "build_view",
    "selection_for",
    "measure_series",
    "measure_changes",
    "periods",
    "add_note",
    "load_notes",
    "save_csv",
    "save_png",
    "export_table",
]


# --- the widgets ---------------------------------------------------------------------------------


class ExploreApp:
    """ipywidgets wired to :func:`build_view`; every change redraws chart, verdict and tables."""

    def __init__(
        self, dataset, team: str | None = None, measure: str | None = None, lang: str | None = None
    ):
        import ipywidgets as w

        self.dataset = dataset
        self.selection = selection_for(dataset, team, measure, lang)
        self.notes = load_notes(dataset, self.selection.team)
        lang = self.selection.lang
        self.w = w
        self.team = w.Dropdown(
            options=self._team_options(),
            value=self.selection.team,
            description=t("explore_team", lang),
            style=WIDE,
        )
        self.measure = w.Dropdown(
            options=self._measure_options(self.selection.team),
            value=self.selection.measure,
            description=t("explore_measure", lang),
            style=WIDE,
        )
        self.chart = w.Dropdown(
            options=self._chart_options(), value=OWN_CHART, description=t("explore_chart", lang)
        )
        self.baseline = w.SelectionSlider(
            options=self._period_options(),
            description=t("explore_baseline_end", lang),
            continuous_update=False,
            layout=w.Layout(width="95%"),
            style=WIDE,
        )
        self.phases = w.Checkbox(value=True, description=t("explore_phases", lang))
        self.rules = w.RadioButtons(
            options=[("Anhøj", "anhoej"), ("IHI", "ihi")],
            value="anhoej",
            description=t("explore_rules", lang),
            style=WIDE,
        )
        self.lang = w.RadioButtons(
            options=[("Svenska", "sv"), ("English", "en")],
            value=lang,
            description=t("explore_language", lang),
            style=WIDE,
        )
        self.save_png_button = w.Button(
            description=t("explore_save_png", lang), icon="image", layout=w.Layout(width="auto")
        )
        self.save_csv_button = w.Button(
            description=t("explore_save_csv", lang), icon="table", layout=w.Layout(width="auto")
        )
        self.note_period = w.Dropdown(
            options=self._period_options(), description=t("explore_note_period", lang)
        )
        self.note_text = w.Text(
            placeholder="sjukdomsutbrott vecka 7", description=t("explore_note_text", lang)
        )
        self.note_button = w.Button(
            description=t("explore_note_add", lang), icon="comment", layout=w.Layout(width="auto")
        )
        self.message = w.HTML()
        # The chart and tables are one HTML widget whose value is replaced, not an ``Output``
        # widget: nbclient's stand-in for ``Output`` answers on the shell socket while it waits
        # for the execute reply there, and headless runs (papermill, nbval) then hang (nbclient #312).
        self.output = w.HTML()
        self._reset_baseline()
        self.team.observe(self._on_team, names="value")
        self.measure.observe(self._on_measure, names="value")
        for control in (self.chart, self.baseline, self.phases, self.rules):
            control.observe(lambda _change: self.redraw(), names="value")
        self.lang.observe(self._on_language, names="value")
        self.save_png_button.on_click(lambda _b: self._save(save_png))
        self.save_csv_button.on_click(lambda _b: self._save(save_csv))
        self.note_button.on_click(lambda _b: self._add_note())
        self.view: View | None = None

    # options -----------------------------------------------------------------------------------
    def _team_options(self):
        return [
            (f"{r.team_name} ({r.team_id})", r.team_id) for r in self.dataset.teams.itertuples()
        ]

    def _measure_options(self, team):
        m = self.dataset.measures[self.dataset.measures["team_id"] == team]
        return [(r.measure_name, r.measure_id) for r in m.itertuples()]

    def _chart_options(self):
        row = measure_row(
            self.dataset,
            self.team.value if hasattr(self, "team") else self.selection.team,
            self.measure.value if hasattr(self, "measure") else self.selection.measure,
        )
        own = row["chart"]
        kinds = [
            k for k in CHART_KINDS if k != own and (own in RATIO_KINDS or k not in RATIO_KINDS)
        ]
        return [
            (t("explore_chart_own", self.selection.lang, kind=own), OWN_CHART),
            *[(k, k) for k in kinds],
        ]

    def _period_options(self):
        team = self.team.value if hasattr(self, "team") else self.selection.team
        measure = self.measure.value if hasattr(self, "measure") else self.selection.measure
        return [(f"{p:%Y-%m-%d}", p) for p in periods(self.dataset, team, measure)]

    def _reset_baseline(self):
        series = measure_series(self.dataset, self.team.value, self.measure.value)
        changes = measure_changes(self.dataset, self.team.value, self.measure.value)
        frequency = measure_row(self.dataset, self.team.value, self.measure.value)["frequency"]
        self.baseline.value = default_baseline_end(series, changes, frequency)

    # events ------------------------------------------------------------------------------------
    def _on_team(self, change):
        self.notes = load_notes(self.dataset, change["new"])
        self.measure.options = self._measure_options(change["new"])  # fires _on_measure

    def _on_measure(self, _change):
        if self.measure.value is None:
            return
        self.chart.options = self._chart_options()
        self.chart.value = OWN_CHART
        self.baseline.options = self._period_options()
        self.note_period.options = self._period_options()
        self._reset_baseline()
        self.redraw()

    def _on_language(self, change):
        """Relabel every widget in the new language, then redraw."""
        lang = change["new"]
        self.selection = Selection(self.team.value, self.measure.value, lang=lang)
        for control, key in [
            (self.team, "explore_team"),
            (self.measure, "explore_measure"),
            (self.chart, "explore_chart"),
            (self.baseline, "explore_baseline_end"),
            (self.phases, "explore_phases"),
            (self.rules, "explore_rules"),
            (self.lang, "explore_language"),
            (self.save_png_button, "explore_save_png"),
            (self.save_csv_button, "explore_save_csv"),
            (self.note_period, "explore_note_period"),
            (self.note_text, "explore_note_text"),
            (self.note_button, "explore_note_add"),
        ]:
            control.description = t(key, lang)
        value = self.chart.value
        self.chart.options = self._chart_options()
        self.chart.value = value
        self.redraw()

    def current_selection(self) -> Selection:
        chart = None if self.chart.value in (None, OWN_CHART) else self.chart.value
        return Selection(
            team=self.team.value,
            measure=self.measure.value,
            chart=chart,
            baseline_end=self.baseline.value,
            phases=self.phases.value,
            rules=self.rules.value,
            lang=self.lang.value,
        )

    def redraw(self) -> View | None:
        """Recompute and redraw everything for the current widget values."""
        from . import report

        if self.measure.value is None or self.baseline.value is None:
            return None
        try:
            self.view = build_view(self.dataset, self.current_selection(), self.notes)
        except (ConfigError, DataError, ValueError) as exc:
            self.output.value = f"<p style='color:#D55E00'>{text.escape(exc)}</p>"
            return None
        view, lang = self.view, self.view.selection.lang
        with text.language(lang):  # the tables' numbers and yes/no in the chosen language
            parts = [
                report.figure_html(figure(view), alt=view.measure_name),
                f"<p><b>{text.escape(view.verdict)}</b></p>",
                report.table_html(view.summary),
            ]
            effect = (
                report.table_html(view.effect, caption=t("explore_effect_heading", lang))
                if view.effect is not None
                else None
            )
        if effect is not None:
            parts.append(effect)
            # the estimates describe their method, as in the team report (DESIGN.md)
            parts.append(f"<p>{text.escape(t('effects_methods_note', lang))}</p>")
        else:
            parts.append(f"<p>{text.escape(t('explore_no_effect', lang))}</p>")
        self.output.value = "\n".join(parts)
        return view

    def _save(self, saver):
        if self.view is None:
            return
        path = saver(self.view)
        self.message.value = text.escape(t("explore_saved", self.view.selection.lang, path=path))

    def _add_note(self):
        try:
            self.notes = add_note(
                self.dataset,
                self.team.value,
                self.measure.value,
                self.note_period.value,
                self.note_text.value,
            )
        except (ValueError, ConfigError) as exc:
            self.message.value = f"<span style='color:#D55E00'>{text.escape(exc)}</span>"
            return
        self.note_text.value = ""
        self.redraw()

    def widget(self):
        w = self.w
        return w.VBox(
            [
                w.HBox([self.team, self.measure, self.chart]),
                self.baseline,
                w.HBox([self.phases, self.rules, self.lang]),
                self.output,
                w.HBox([self.save_png_button, self.save_csv_button]),
                w.HBox([self.note_period, self.note_text, self.note_button]),
                self.message,
            ]
        )

    def show(self):
        """Display the widgets and draw the first chart."""
        from IPython.display import display

        display(self.widget())
        self.redraw()
        return self
