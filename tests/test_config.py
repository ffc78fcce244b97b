from pathlib import Path

import pytest
import yaml

from analysis.config import ConfigError, load_config

ROOT = Path(__file__).resolve().parent.parent


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


def _both_parsers(text: str, monkeypatch) -> list:
    """read_yaml's answer (data, the root node's line, or the error and its line) with libyaml
    and with PyYAML's Python parser."""
    from analysis import config as config_module

    answers = []
    for loader in (config_module._C_LOADER, None):
        monkeypatch.setattr(config_module, "_C_LOADER", loader)
        try:
            data, node = config_module.read_yaml(text)
            answers.append((data, None if node is None else node.start_mark.line))
        except yaml.YAMLError as exc:
            mark = exc.problem_mark
            answers.append((type(exc).__name__, str(exc.problem), mark.line, mark.column))
    return answers


@pytest.mark.parametrize(
    "path",
    sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "data" / "sample").rglob("*.yml"))
    + ["workbook.yml"],
)
def test_libyaml_reads_every_committed_yaml_file_as_the_python_parser_does(path, monkeypatch):
    from analysis import config as config_module

    assert config_module._C_LOADER is not None  # the lock's PyYAML wheel has libyaml
    c_answer, python_answer = _both_parsers((ROOT / path).read_text(encoding="utf-8"), monkeypatch)
    assert c_answer == python_answer and c_answer[0]


@pytest.mark.parametrize(
    "text",
    [
        "x: &x [1, 2]\ndata: *x\n",  # an alias
        "a: [1, 2\nb: 3\n",  # an unclosed list
        "a: 1\n  b: 2\n",  # bad indentation
        "",  # empty
        "- ja\n- nej\n",
    ],
)
def test_libyaml_refuses_and_places_errors_as_the_python_parser_does(text, monkeypatch):
    # the same data, or the same kind of error at the same line and column (libyaml words a
    # problem its own way: "mapping values are not allowed in this context" for "... here")
    c_answer, python_answer = _both_parsers(text, monkeypatch)
    if len(c_answer) == 2:
        assert c_answer == python_answer
    else:
        assert (c_answer[0], *c_answer[2:]) == (python_answer[0], *python_answer[2:])
        assert c_answer[1]
