from pathlib import Path
from types import SimpleNamespace

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from analysis import report, text
from analysis.config import ConfigError


@pytest.fixture
def dataset():
    return SimpleNamespace(
        folder=Path("/data/sample"),
        is_sample=True,
        source="sample",
        teams=pd.DataFrame(
            {"team_id": ["attarp", "nassjo"], "team_name": ["Attarpskolan", "Nässjö <b>"]}
        ),
        measures=pd.DataFrame(
            {"team_id": ["attarp", "nassjo"], "measure_id": ["narvaro", "hembesok"]}
        ),
        surveys=("parents", "pupils"),
        files={"teams.csv": "a" * 64},
    )


@pytest.fixture
def shown(monkeypatch):
    out: list[str] = []
    monkeypatch.setattr(report, "_display_html", out.append)
    yield out
    text.set_language("sv")


def test_unknown_team_is_a_clear_error_listing_the_known_ones(dataset):
    with pytest.raises(ConfigError, match="unknown team 'vaxjo'.*known teams: attarp, nassjo"):
        report.validate_params("team_effects", dataset, team="vaxjo")


def test_required_and_unknown_parameters(dataset):
    with pytest.raises(ConfigError, match="'team' is required"):
        report.validate_params("team_effects", dataset, team=None)
    with pytest.raises(ConfigError, match="unknown parameter\\(s\\) colour"):
        report.validate_params("county", dataset, colour="red")
    with pytest.raises(ConfigError, match="unknown survey 'staff'.*parents, pupils"):
        report.validate_params("survey", dataset, survey="staff")
    with pytest.raises(ConfigError, match="year must be a whole number"):
        report.validate_params("gap_analysis", dataset, year="last")
    with pytest.raises(ConfigError, match="unknown measure 'narvaro' for team 'nassjo'"):
        report.validate_params("explore", dataset, team="nassjo", measure="narvaro")
    with pytest.raises(ConfigError, match="lang must be one of"):
        report.validate_params("county", dataset, lang="fi")


def test_valid_parameters_are_resolved_and_nothing_global_is_set(dataset, shown):
    params = report.validate_params("gap_analysis", dataset, year="2024", lang="en")
    # the privacy settings of workbook.yml and the language travel with the parameters, explicitly
    assert params == {"lang": "en", "year": 2024, "min_count": 5, "show_free_text": False}
    assert (
        text.get_language() == "sv"
    )  # no side effect: the language is the report's, not the process's
    assert report.validate_params("team_baseline", dataset, team=" Attarp ")["team"] == "attarp"
    with pytest.raises(ConfigError, match="'team' is required"):
        report.validate_params("team_baseline", dataset)
    with pytest.raises(ConfigError, match="unknown parameter\\(s\\) team"):
        report.validate_params("county", dataset, team="attarp")


def test_header_shows_the_sample_banner_and_escapes_names(dataset, shown):
    report.header("Nuläge <test>", dataset, {"team": "nassjo"})
    html = shown[-1]
    assert text.t("sample_banner", "sv") in html
    assert "Nuläge &lt;test&gt;" in html and "Nässjö &lt;b&gt;" in html
    assert "<b>Nässjö <b>" not in html


def test_header_has_no_banner_for_real_data(dataset, shown):
    real = SimpleNamespace(**{**vars(dataset), "is_sample": False, "source": "raw"})
    report.header("Nuläge", real, {})
    assert 'class="wb-banner"' not in shown[-1]
    assert text.t("sample_banner", "sv") not in shown[-1]


def test_table_escapes_every_cell_and_formats_numbers_the_swedish_way(shown):
    frame = pd.DataFrame({"svar": ["<script>alert(1)</script>", None], "andel": [93.45, 1234.0]})
    html = report.table_html(frame)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "93,5" in html and "1\u00a0234" in html and "–" in html


def test_figure_is_embedded_as_png_and_closed():
    fig, ax = plt.subplots()
    ax.plot([1, 2], [3, 4])
    html = report.figure_html(fig, alt="a <line>")
    assert html.count("data:image/png;base64,") == 1 and 'alt="a &lt;line&gt;"' in html
    assert not plt.fignum_exists(fig.number)


def test_provenance_lists_files_parameters_and_code_version(dataset):
    info = report.provenance_info(dataset, {"team": "attarp", "lang": "sv", "data_dir": "/x"})
    assert info["parameters"] == {"team": "attarp", "lang": "sv"}
    assert info["files"] == {"teams.csv": "a" * 64}
    assert info["git_commit"]
    assert info["package_version"]
