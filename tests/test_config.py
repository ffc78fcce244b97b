from pathlib import Path

import pytest

from analysis.config import ConfigError, load_config


def write(root: Path, body: str) -> Path:
    (root / "workbook.yml").write_text(body, encoding="utf-8")
    return root


def test_repository_config_loads_and_selects_sample_when_raw_is_empty(tmp_path):
    root = write(tmp_path, "language: sv\n")
    (tmp_path / "data" / "raw").mkdir(parents=True)
    config = load_config(root)
    assert config.data_dir() == (tmp_path / "data" / "sample").resolve()
    assert config.is_sample(config.data_dir())


def test_raw_folder_is_used_once_it_holds_a_teams_table(tmp_path):
    root = write(tmp_path, "{}\n")
    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    (raw / "teams.csv").write_text("team_id\n", encoding="utf-8")
    config = load_config(root)
    assert config.data_dir() == raw.resolve()
    assert not config.is_sample(config.data_dir())


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("langauge: sv\n", "unknown setting(s) langauge"),
        ("language: de\n", "language must be one of sv, en"),
        ("privacy: {min_count: 0}\n", "min_count must be at least 1"),
        ("reports: [{name: x}]\n", "reports entry 1 needs a 'notebook'"),
        (
            "reports: [{notebook: survey, for_each: school}]\n",
            "for_each must be 'team' or 'survey'",
        ),
        ("data: [\n", "not valid YAML"),
        ("x: &x [1, 2]\ndata: *x\n", "not valid YAML.*alias"),
        (
            "reports: [{notebook: baseline, name: ../../../tmp/x}]\n",
            "name '../../../tmp/x' must be a plain name",
        ),
        (
            "reports: [{notebook: baseline, name: /etc/cron.d/x}]\n",
            "name '/etc/cron.d/x' must be a plain name",
        ),
        ("reports: [{notebook: ../../secret}]\n", "notebook '../../secret' must be a plain name"),
    ],
)
def test_bad_configuration_says_what_to_change(tmp_path, body, message):
    write(tmp_path, body)
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_config(tmp_path)


def test_missing_configuration_file_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="workbook.yml is missing"):
        load_config(tmp_path)


def test_the_committed_configuration_is_valid():
    config = load_config(Path(__file__).resolve().parent.parent)
    assert config.language in ("sv", "en")
    assert {r["notebook"] for r in config.reports} >= {
        "county",
        "team_baseline",
        "survey",
        "team_effects",
        "gap_analysis",
    }
