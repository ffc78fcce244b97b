import pytest

from analysis import text


def test_every_label_has_swedish_and_no_empty_translation():
    for key, entry in text.LABELS.items():
        assert entry.get("sv"), f"label {key!r} has no Swedish text"
        assert all(isinstance(v, str) and v for v in entry.values()), key


def test_language_switch_and_fallback():
    assert text.t("measure", "sv") == "Mått"
    assert text.t("measure", "en") == "Measure"
    text.set_language("en")
    try:
        assert text.t("county") == "The county"
    finally:
        text.set_language("sv")
    assert text.t("county") == "Länet"


def test_unknown_label_and_language_are_errors():
    with pytest.raises(KeyError, match="no label 'nonexistent'"):
        text.t("nonexistent")
    with pytest.raises(ValueError, match="language must be one of"):
        text.set_language("de")


def test_swedish_number_format_uses_decimal_comma_and_space_for_thousands():
    assert text.number(1234.5, 1, "sv") == "1\u00a0234,5"
    assert text.number(1234.5, 1, "en") == "1,234.5"
    assert text.percent(0.934, 0, "sv") == "93\u00a0%"
    assert text.percent(0.9349, 1, "en") == "93.5%"
    assert text.number(float("nan")) == "–"


def test_escape_neutralises_markup():
    assert (
        text.escape('<script>alert("x")</script>')
        == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
    )
    assert text.escape(None) == ""


def test_language_is_scoped_and_restored_even_after_an_error():
    assert text.get_language() == "sv"
    with pytest.raises(RuntimeError), text.language("en"):
        assert text.t("measure") == "Measure"
        raise RuntimeError("a figure failed")
    assert text.get_language() == "sv"
    with pytest.raises(ValueError, match="language must be one of"), text.language("fi"):
        pass


def test_label_translates_known_words_and_keeps_the_datas_own():
    assert text.label("psykisk hälsa", "en") == "mental health"
    assert text.label("outcome", "sv") == "resultatmått"
    assert (
        text.label("läsfrämjande", "en") == "läsfrämjande"
    )  # a focus area the programme has not named
    assert text.label(None, "sv") == ""


def test_localized_falls_back_to_swedish_when_the_translation_is_missing_or_blank():
    import pandas as pd

    row = pd.Series({"title_sv": "Närvaro", "title_en": "Attendance"})
    assert text.localized(row, "title", "en") == "Attendance"
    assert text.localized(row.replace("Attendance", pd.NA), "title", "en") == "Närvaro"
    assert text.localized({"title_sv": "Närvaro", "title_en": "  "}, "title", "en") == "Närvaro"
    assert text.localized({"title_sv": "Närvaro"}, "title", "en") == "Närvaro"  # no English column
    assert text.localized({"title_sv": float("nan")}, "title", "sv") == ""


def test_an_effect_that_rounds_to_zero_has_no_minus():
    """A difference of -0.0003 (-0,03 percentage points) is shown as ±0,0, its CI bound as 0,0:
    a reader must not see −0,0 (the sample's Aneby report did)."""
    from analysis.text.effects import format_effect, format_interval

    assert format_effect(-0.0003, "pp", lang="sv") == "±0,0 procentenheter"
    assert format_effect(0.0003, "pp", lang="sv") == "±0,0 procentenheter"
    assert format_effect(-0.003, "pp", lang="sv") == "−0,3 procentenheter"
    assert format_effect(-0.04, "difference", lang="sv") == "±0,0"
    assert format_interval(-0.0003, 0.005, "pp", lang="sv") == "0,0 till 0,5"
    assert format_interval(-0.008, 0.001, "pp", lang="sv") == "−0,8 till 0,1"
