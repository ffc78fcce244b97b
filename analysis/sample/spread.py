"""Synthetic ``spread.csv`` and ``stories.csv`` of the sample (issue 17): units adopting a few
teams' changes over time, and stories beside the measures, with and without consent.

Every row is invented; units are classes, midwife clinics, family centres and schools, and a
story's teller is a role, never a name. The stories without consent are there to show that they
are never used (the reports never show them).
"""

from __future__ import annotations

SPREAD_HEADER = ("team_id", "change_no", "date", "unit", "adopted")

# (team, change_no, date, unit, adopted): a unit's state holds until its next row
SPREAD: tuple[tuple[str, int, str, str, str], ...] = (
    # Attarp: same-day text to guardians, class by class; 9B stopped after a term and came back
    ("attarp", 2, "2019-12-09", "Klass 7A", "1"),
    ("attarp", 2, "2020-01-13", "Klass 7B", "1"),
    ("attarp", 2, "2020-01-13", "Klass 8A", "1"),
    ("attarp", 2, "2020-01-27", "Klass 8B", "0"),
    ("attarp", 2, "2020-02-10", "Klass 8B", "1"),
    ("attarp", 2, "2020-02-10", "Klass 9A", "1"),
    ("attarp", 2, "2020-02-24", "Klass 9B", "1"),
    ("attarp", 2, "2020-03-09", "Klass 9B", "0"),
    ("attarp", 3, "2020-02-03", "Huvudentrén", "1"),
    ("attarp", 3, "2020-03-02", "Entré idrottshallen", "1"),
    # Rydaholm and Mullsjö: invitation through the midwife clinic (the same idea)
    ("rydaholm", 1, "2020-08-01", "Barnmorskemottagningen Rydaholm", "1"),
    ("rydaholm", 1, "2021-01-01", "Barnmorskemottagningen Värnamo", "1"),
    ("rydaholm", 1, "2021-06-01", "Barnmorskemottagningen Gislaved", "0"),
    ("rydaholm", 1, "2021-11-01", "Barnmorskemottagningen Gislaved", "1"),
    ("mullsjo", 1, "2022-06-01", "Barnmorskemottagningen Mullsjö", "1"),
    ("mullsjo", 1, "2023-01-01", "Barnmorskemottagningen Habo", "1"),
    # Jämlikt föräldraskapsstöd: county-wide training of group leaders, family centre by centre
    ("jamlikt", 1, "2022-06-01", "Familjecentralen Nässjö", "1"),
    ("jamlikt", 1, "2022-09-01", "Familjecentralen Vetlanda", "1"),
    ("jamlikt", 1, "2022-09-01", "Familjecentralen Värnamo", "1"),
    ("jamlikt", 1, "2023-01-01", "Familjecentralen Gislaved", "1"),
    ("jamlikt", 1, "2023-03-01", "Familjecentralen Mullsjö", "1"),
    ("jamlikt", 1, "2023-09-01", "Familjecentralen Eksjö", "1"),
    ("jamlikt", 1, "2024-01-01", "Familjecentralen Tranås", "0"),
    # Arena för hälsa and Vetlanda: try-out activities (the same idea), school by school
    ("varnamo", 1, "2020-09-01", "Gröndalsskolan", "1"),
    ("varnamo", 1, "2021-02-01", "Östra skolan", "1"),
    ("varnamo", 1, "2021-09-01", "Mossleskolan", "1"),
    ("vetlanda", 1, "2022-06-01", "Allaktivitetshuset", "1"),
    ("vetlanda", 1, "2023-01-01", "Withalaskolan", "1"),
)

STORIES_HEADER = (
    "team_id",
    "date",
    "title",
    "text",
    "teller",
    "consent",
    "measure_id",
    "period",
)

# (team, date, title, text, teller role, consent, measure id, period)
STORIES: tuple[tuple[str, str, str, str, str, str, str, str], ...] = (
    (
        "attarp",
        "2020-01-20",
        "Sms:et fick oss att prata om morgnarna",
        "Vi visste inte att han gick hemifrån men aldrig kom fram. Efter sms:et pratade vi om "
        "morgnarna, och nu följer pappa med till busshållplatsen.",
        "parent",
        "1",
        "narvaro",
        "2020-01-20",
    ),
    (
        "attarp",
        "2020-02-17",
        "Någon märker när jag inte är där",
        "Jag trodde inte att någon brydde sig. Nu vet jag att mentorn ringer hem.",
        "young_person",
        "0",  # no consent: never shown
        "narvaro",
        "",
    ),
    (
        "attarp",
        "2020-03-02",
        "Samtalen blev kortare och vänligare",
        "Förut ringde vi efter en vecka och samtalen handlade om regler. Samma dag handlar de "
        "om hur vi kan hjälpa.",
        "teacher",
        "1",
        "samma_dag_kontakt",
        "",
    ),
    (
        "rydaholm",
        "2021-02-15",
        "Barnmorskan sa att gruppen var för oss också",
        "Vi trodde att föräldragruppen var för dem som redan kände varandra. När barnmorskan "
        "bokade in oss kom vi, och vi har kvar gruppen i dag.",
        "parent",
        "1",
        "deltagande",
        "",
    ),
    (
        "jamlikt",
        "2023-02-10",
        "Tolken gjorde att jag vågade fråga",
        "Första gången förstod jag bara hälften. Med tolk kunde jag fråga om sömnen, och de "
        "andra föräldrarna hade samma frågor.",
        "parent",
        "1",
        "andel_utlandsk",
        "",
    ),
    (
        "jamlikt",
        "2023-05-04",
        "Gruppledarna lär av varandra",
        "Den gemensamma utbildningen gjorde att vi ringer varandra när en grupp blir liten.",
        "staff",
        "0",  # no consent: never shown
        "grupper",
        "",
    ),
    (
        "varnamo",
        "2021-03-20",
        "Jag vågade gå till fotbollen",
        "Det var lättare när någon jag kände följde med första gången.",
        "child",
        "1",
        "",
        "",
    ),
)


def spread_and_stories_files() -> dict[str, bytes]:
    """``spread.csv`` and ``stories.csv`` of the sample, as ``{name: bytes}``."""
    from .programme import csv_bytes

    return {
        "spread.csv": csv_bytes(SPREAD_HEADER, [list(map(str, r)) for r in SPREAD]),
        "stories.csv": csv_bytes(STORIES_HEADER, [list(r) for r in STORIES]),
    }
