"""Labels and plain-language verdicts of run and control charts (keys prefixed ``spc_``)."""

from __future__ import annotations

import pandas as pd

LABELS = {
    "spc_run_chart": {"sv": "Seriediagram", "en": "Run chart"},
    "spc_control_chart": {"sv": "Styrdiagram", "en": "Control chart"},
    "spc_kind_run": {"sv": "seriediagram", "en": "run chart"},
    "spc_kind_i": {"sv": "I-diagram (individvärden)", "en": "I chart (individuals)"},
    "spc_kind_mr": {"sv": "MR-diagram (glidande variationsvidd)", "en": "MR chart (moving ranges)"},
    "spc_kind_xbar": {"sv": "X̄-diagram (medelvärden)", "en": "X̄ chart (averages)"},
    "spc_kind_s": {"sv": "S-diagram (standardavvikelser)", "en": "S chart (standard deviations)"},
    "spc_kind_p": {"sv": "p-diagram (andelar)", "en": "P chart (proportions)"},
    "spc_kind_pp": {"sv": "p′-diagram (Laney)", "en": "P′ chart (Laney)"},
    "spc_kind_c": {"sv": "c-diagram (antal)", "en": "C chart (counts)"},
    "spc_kind_u": {"sv": "u-diagram (kvoter)", "en": "U chart (rates)"},
    "spc_kind_up": {"sv": "u′-diagram (Laney)", "en": "U′ chart (Laney)"},
    "spc_kind_g": {
        "sv": "g-diagram (fall mellan händelser)",
        "en": "G chart (cases between events)",
    },
    "spc_kind_t": {"sv": "t-diagram (tid mellan händelser)", "en": "T chart (time between events)"},
    "spc_data": {"sv": "Mätvärde", "en": "Measurement"},
    "spc_centre_median": {"sv": "Median", "en": "Median"},
    "spc_centre_mean": {"sv": "Medelvärde", "en": "Mean"},
    "spc_signal_word": {"sv": "signal", "en": "signal"},
    "spc_limits": {"sv": "Styrgränser", "en": "Control limits"},
    "spc_outside": {"sv": "Utanför styrgränserna", "en": "Outside the control limits"},
    "spc_in_run": {"sv": "Del av lång serie eller trend", "en": "Part of a long run or trend"},
    "spc_excluded": {"sv": "Utesluten ur beräkningen", "en": "Excluded from the calculation"},
    "spc_target": {"sv": "Mål", "en": "Target"},
    "spc_baseline": {"sv": "Baslinje", "en": "Baseline"},
    "spc_phase": {"sv": "Fas {part}", "en": "Phase {part}"},
    "spc_better_up": {"sv": "Bättre", "en": "Better"},
    "spc_better_down": {"sv": "Bättre", "en": "Better"},
    "spc_changes": {"sv": "Förändringar (PGSA)", "en": "Changes (PDSA)"},
    "spc_change_item": {"sv": "{no}: {title} ({date})", "en": "{no}: {title} ({date})"},
    "spc_no_signal": {
        "sv": "Ingen signal om icke-slumpmässig variation",
        "en": "No signal of non-random variation",
    },
    "spc_signal": {"sv": "Signal: {reasons}", "en": "Signal: {reasons}"},
    "spc_signal_shift_anhoej": {
        "sv": "lång serie ({longest} > {limit})",
        "en": "long run ({longest} > {limit})",
    },
    "spc_signal_shift_ihi": {
        "sv": "skift ({longest} punkter på samma sida om {centre})",
        "en": "shift ({longest} points on one side of the {centre})",
    },
    "spc_centre_of_median": {"sv": "medianen", "en": "median"},
    "spc_centre_of_mean": {"sv": "medelvärdet", "en": "mean"},
    "spc_signal_runs_few": {
        "sv": "för få serier ({runs} < {limit})",
        "en": "too few runs ({runs} < {limit})",
    },
    "spc_signal_runs_many": {
        "sv": "för många serier ({runs} > {limit})",
        "en": "too many runs ({runs} > {limit})",
    },
    "spc_signal_astronomical_one": {"sv": "1 astronomisk punkt", "en": "1 astronomical data point"},
    "spc_signal_astronomical_many": {
        "sv": "{count} astronomiska punkter",
        "en": "{count} astronomical data points",
    },
    "spc_astronomical": {"sv": "Astronomisk punkt", "en": "Astronomical data point"},
    "spc_no_limits": {
        "sv": "inga styrgränser: baslinjens värden varierar inte",
        "en": "no control limits: the baseline values do not vary",
    },
    "spc_signal_crossings": {
        "sv": "för få korsningar ({crossings} < {limit})",
        "en": "too few crossings ({crossings} < {limit})",
    },
    "spc_signal_trend": {
        "sv": "trend ({longest} punkter i rad åt samma håll)",
        "en": "trend ({longest} points in a row in one direction)",
    },
    "spc_signal_sigma_one": {
        "sv": "1 punkt utanför styrgränserna",
        "en": "1 point outside the control limits",
    },
    "spc_signal_sigma_many": {
        "sv": "{count} punkter utanför styrgränserna",
        "en": "{count} points outside the control limits",
    },
    "spc_part_prefix": {"sv": "{part}: ", "en": "{part}: "},
    "spc_within_phase_prefix": {"sv": "{part}, inom fasen: ", "en": "{part}, within the phase: "},
    "spc_phases_note": {
        "sv": "Signalerna gäller variationen inom varje fas, inte skillnaden mellan faserna.",
        "en": "The signals are about the variation within each phase, not the difference between phases.",
    },
    "spc_rules_anhoej": {"sv": "Anhøjs regler", "en": "Anhøj rules"},
    "spc_rules_ihi": {"sv": "IHI:s regler", "en": "IHI rules"},
    "spc_x_label": {"sv": "Period", "en": "Period"},
}


def verdict(summary_row, lang: str | None = None) -> str:
    """One-line verdict of one part of a chart (a row of ``ChartResult.summary``).

    ``"Ingen signal om icke-slumpmässig variation"`` or ``"Signal: lång serie (9 > 8)"``;
    several reasons are joined with ``"; "``.
    """
    from . import t

    reasons = []
    row = summary_row
    ihi = row["rules"] == "ihi"
    if bool(row["shift_signal"]):
        if ihi:
            # the centre line the points are counted against: the median of a run chart (and of
            # a G chart), the mean of every other control chart
            centre = t(
                "spc_centre_of_median"
                if row.get("centre", "median") == "median"
                else "spc_centre_of_mean",
                lang,
            )
            reasons.append(
                t("spc_signal_shift_ihi", lang, longest=int(row["longest_run"]), centre=centre)
            )
        else:
            reasons.append(
                t(
                    "spc_signal_shift_anhoej",
                    lang,
                    longest=int(row["longest_run"]),
                    limit=int(row["longest_run_max"]),
                )
            )
    if bool(row["crossings_signal"]):
        if ihi:
            runs = int(row["n_crossings"]) + 1
            if runs < int(row["n_runs_min"]):
                reasons.append(
                    t("spc_signal_runs_few", lang, runs=runs, limit=int(row["n_runs_min"]))
                )
            else:
                reasons.append(
                    t("spc_signal_runs_many", lang, runs=runs, limit=int(row["n_runs_max"]))
                )
        else:
            reasons.append(
                t(
                    "spc_signal_crossings",
                    lang,
                    crossings=int(row["n_crossings"]),
                    limit=int(row["n_crossings_min"]),
                )
            )
    if bool(row["trend_signal"]):
        reasons.append(t("spc_signal_trend", lang, longest=int(row["longest_trend"])))
    astro = int(row.get("astronomical_signals", 0))
    if astro == 1:
        reasons.append(t("spc_signal_astronomical_one", lang))
    elif astro > 1:
        reasons.append(t("spc_signal_astronomical_many", lang, count=astro))
    count = int(row["sigma_signals"])
    if count == 1:
        reasons.append(t("spc_signal_sigma_one", lang))
    elif count > 1:
        reasons.append(t("spc_signal_sigma_many", lang, count=count))
    no_limits = (
        row.get("kind", "run") not in ("run",)
        and pd.isna(row.get("ucl_mean"))
        and not pd.isna(row.get("cl"))
    )
    if not reasons:
        text = t("spc_no_signal", lang)
    else:
        text = t("spc_signal", lang, reasons="; ".join(reasons))
    if no_limits:
        text += " (" + t("spc_no_limits", lang) + ")"
    return text


def chart_verdict(summary, lang: str | None = None) -> str:
    """Verdict of a one-series chart: the last part (the current phase), named when there are
    several and said to be about the variation within it (not about the change)."""
    from . import t

    if len(summary) == 0:
        return t("spc_no_signal", lang)
    row = summary.iloc[-1]
    text = verdict(row, lang)
    if len(summary) > 1:
        text = t("spc_within_phase_prefix", lang, part=_part_name(row["part"], lang)) + text
    return text


def phase_verdicts(summary, lang: str | None = None) -> list[tuple[str, bool]]:
    """The captions of a one-series chart as ``(line, signal)``: its verdict alone for one part;
    for a chart split into phases one line per phase ("Efter 1, inom fasen: Ingen signal ...",
    each with its own signal, so that a signal in the baseline does not colour a later phase),
    then a line saying that the signals are about the variation within the phases, not the
    difference between them (which the effect verdict judges)."""
    from . import t

    if len(summary) <= 1:
        signal = bool(
            len(summary) and (summary["runs_signal"].any() or (summary["sigma_signals"] > 0).any())
        )
        return [(chart_verdict(summary, lang), signal)]
    lines = [
        (
            t("spc_within_phase_prefix", lang, part=_part_name(row["part"], lang))
            + verdict(row, lang),
            bool(row["runs_signal"]) or int(row["sigma_signals"]) > 0,
        )
        for _, row in summary.iterrows()
    ]
    return [*lines, (t("spc_phases_note", lang), False)]


def _part_name(part, lang: str | None) -> str:
    """``Fas 2`` for a numbered part, the label itself for a named phase."""
    import numbers

    from . import t

    if isinstance(part, numbers.Integral):
        return t("spc_phase", lang, part=int(part))
    return str(part)
