"""The one clock of the workbook: every time a report, the index, a log or a note shows is
Swedish time (Europe/Stockholm, CET/CEST), whatever zone the machine running it is set to."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def now() -> dt.datetime:
    """The current time in Europe/Stockholm (aware)."""
    return dt.datetime.now(STOCKHOLM)


def iso_now() -> str:
    """The current time as ISO 8601 with its offset, to the second (``2026-11-26T00:14:03+01:00``)."""
    return now().isoformat(timespec="seconds")


def shown(value: str | dt.datetime | None) -> str:
    """A time as a reader sees it: ``2026-11-26 00:14 CET`` in Stockholm time; '–' when unknown.

    A stored ISO time with an offset (the index of an older run written in machine time) is
    converted; one without an offset is taken as Stockholm time.
    """
    if value is None or value == "":
        return "–"
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    value = value.replace(tzinfo=STOCKHOLM) if value.tzinfo is None else value.astimezone(STOCKHOLM)
    return value.strftime("%Y-%m-%d %H:%M %Z")
