"""The sample's network meetings (``meetings.csv``) and a few coaches' scores on the IHI
assessment scale (``assessments.csv``), in exactly the raw format (data/raw/README.md).

The meetings follow the network's year (nuläge in March, measurements in November, the closing
seminar in May). The coaches' scores are chosen so that the reports show both kinds: a coach who
scores above the data's suggestion (what the coach saw: a change spread beyond the test) and one
who scores where the data cannot tell (measurement not begun). Their comments are free text:
a report shows them only with ``privacy.show_free_text``.
"""

from __future__ import annotations

from .programme import csv_bytes

#: (date, title) of every network meeting of the sample.
MEETINGS: tuple[tuple[str, str], ...] = (
    ("2020-03-19", "Lärandeseminarium 1: nuläge"),
    ("2020-11-19", "Lärandeseminarium 2: mätningar"),
    ("2021-11-18", "Lärandeseminarium 3"),
    ("2022-11-17", "Lärandeseminarium 4"),
    ("2023-11-23", "Lärandeseminarium 5"),
    ("2024-05-16", "Avslutande seminarium"),
)

#: (team_id, meeting date, score, comment) of the coaches' scores.
ASSESSMENTS: tuple[tuple[str, str, str, str], ...] = (
    (
        "attarp",
        "2020-11-19",
        "4,5",
        "Sms-rutinen är införd på hela skolan och två skolor i kommunen har börjat testa den.",
    ),
    (
        "rydaholm",
        "2021-11-18",
        "3,5",
        "Kvällsgrupperna lockar fler förstagångsföräldrar; deltagandet ökar enligt teamets "
        "egna anteckningar.",
    ),
    ("aneby", "2022-11-17", "2,5", "Rörelsepass testas i två klasser; ingen förändring mäts ännu."),
    ("mullsjo", "2023-11-23", "3", ""),
)


def progress_files() -> dict[str, bytes]:
    """``meetings.csv`` and ``assessments.csv`` of the sample (same bytes on every run)."""
    return {
        "meetings.csv": csv_bytes(("meeting_date", "title"), [list(m) for m in MEETINGS]),
        "assessments.csv": csv_bytes(
            ("team_id", "meeting_date", "score", "comment"), [list(a) for a in ASSESSMENTS]
        ),
    }
