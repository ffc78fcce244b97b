"""analysis.memo: results kept between report runs, keyed by everything they depend on."""

from __future__ import annotations

import functools
import os
import pickle
from types import SimpleNamespace

import pandas as pd
import pytest
from conftest import SAMPLE

from analysis import memo, report, text
from analysis.dataset import load_dataset
from analysis.runner import core
from analysis.views import county

CALLS: list[tuple] = []


def counted(frame: pd.DataFrame, factor: int = 1) -> int:
    CALLS.append((len(frame), factor))
    return int(frame["x"].sum()) * factor


@pytest.fixture
def on(tmp_path, monkeypatch):
    monkeypatch.setenv(memo.ENV, str(tmp_path / "memo"))
    CALLS.clear()
    return tmp_path / "memo"


def test_off_unless_the_runner_says_where(monkeypatch):
    monkeypatch.delenv(memo.ENV, raising=False)
    CALLS.clear()
    frame = pd.DataFrame({"x": [1, 2]})
    assert memo.cached(counted, frame) == memo.cached(counted, frame) == 3
    assert len(CALLS) == 2


def test_the_same_call_is_computed_once_and_a_different_one_again(on):
    frame = pd.DataFrame({"x": [1, 2]})
    assert memo.cached(counted, frame) == 3
    assert memo.cached(counted, frame.copy()) == 3  # equal content, another object: a hit
    assert len(CALLS) == 1
    assert memo.cached(counted, pd.DataFrame({"x": [1, 3]})) == 4  # one value changed
    assert memo.cached(counted, frame, factor=2) == 6  # another argument
    with text.language("en"):  # the report language is part of the key (figures' words)
        assert memo.cached(counted, frame) == 3
    assert len(CALLS) == 4


def test_equal_frames_have_one_key_whatever_their_memory_layout():
    # the same table read from the CSV files and from the processed parquet is equal but laid out
    # in other blocks, so it pickles differently: measured at county scale, every team summary
    # missed the cache after a data change until frames were keyed by content
    one_block = pd.DataFrame({"x": [1, 2], "y": [3, 4]})
    two_blocks = one_block[["x"]].assign(y=one_block["y"].to_numpy())
    assert one_block.equals(two_blocks)
    assert pickle.dumps(one_block) != pickle.dumps(two_blocks)
    key = memo.call_key(counted, (one_block,), {})
    assert key == memo.call_key(counted, (two_blocks,), {})
    assert key != memo.call_key(counted, (one_block.assign(y=[3, 5]),), {})
    assert key != memo.call_key(counted, (one_block.astype({"y": float}),), {})  # another type
    assert key != memo.call_key(counted, (one_block.set_axis([5, 6]),), {})  # another index
    assert memo.call_key(counted, (one_block["x"],), {}) != memo.call_key(
        counted, (one_block["y"].rename("x"),), {}
    )


def test_a_call_that_cannot_be_pickled_is_computed_every_time(on):
    frame = pd.DataFrame({"x": [1, 2]})
    draw = lambda: counted(frame)  # noqa: E731
    assert memo.cached(draw) == memo.cached(draw) == 3
    assert len(CALLS) == 2
    assert memo.call_key(draw, (), {}) is None
    # a report's figures are drawn by a partial of a plotting function: that call has a key
    partial = functools.partial(counted, frame)
    assert memo.call_key(report.drawn_svg, (partial,), {}) is not None
    assert memo.call_key(report.drawn_svg, (draw,), {}) is None


def test_an_unreadable_result_is_computed_again(on):
    frame = pd.DataFrame({"x": [5]})
    assert memo.cached(counted, frame) == 5
    (stored,) = on.glob("*/*.pickle")
    stored.write_bytes(b"half a pickle")  # a run killed while writing, a disk error
    assert memo.cached(counted, frame) == 5
    assert len(CALLS) == 2
    assert memo.cached(counted, frame) == 5 and len(CALLS) == 2  # rewritten whole


def test_an_exception_is_raised_and_not_kept(on):
    with pytest.raises(KeyError):
        memo.cached(counted, pd.DataFrame({"y": [1]}))
    assert not list(on.glob("*/*.pickle"))


def test_county_table_from_kept_team_summaries_equals_one_computed_afresh(on, monkeypatch):
    # one team's observation changes between two runs: the second takes every other team's
    # summary from the cache (one new result kept: the changed team's) and shows exactly what a
    # run without the cache shows
    ds = load_dataset(SAMPLE)
    tables = {k: getattr(ds, k) for k in ("teams", "measures", "observations", "changes")}
    first = county.measures_table(SimpleNamespace(**tables), "sv")
    kept = set(on.glob("*/*.pickle"))
    assert len(kept) == len(tables["teams"])
    obs = tables["observations"].copy()
    row = obs.index[(obs["team_id"] == "attarp") & obs["numerator"].notna()][-1]
    obs.loc[row, "numerator"] = obs.loc[row, "numerator"] - 1
    changed = SimpleNamespace(**{**tables, "observations": obs})
    warm = county.measures_table(changed, "sv")
    assert len(set(on.glob("*/*.pickle")) - kept) == 1
    monkeypatch.delenv(memo.ENV)
    cold = county.measures_table(changed, "sv")
    pd.testing.assert_frame_equal(warm, cold)
    assert not warm.equals(first)


def test_the_run_removes_other_code_versions_and_a_forced_run_everything(tmp_path):
    root = tmp_path / "memo"
    current, old = root / "a", root / "b"
    for folder in (current, old):
        (folder / "ab").mkdir(parents=True)
        (folder / "ab" / "abc.pickle").write_bytes(b"x")
    stale = current / "ab" / "old.pickle"
    stale.write_bytes(b"x")
    month_ago = os.path.getmtime(stale) - (core.MEMO_KEEP_DAYS + 1) * 86400
    os.utime(stale, (month_ago, month_ago))
    core.prune_memo(current)
    assert not old.exists() and not stale.exists()
    assert (current / "ab" / "abc.pickle").exists()
    core.prune_memo(current, clear=True)
    assert not current.exists()


def test_change_menu_and_progress_scores_from_kept_results_equal_fresh_ones(on, monkeypatch):
    # the two network-wide views that estimate every team (change menu: effects; county: IHI
    # scores) keep each team's result; taken from the cache they equal a computation afresh
    from analysis import assessment
    from analysis.views import change_menu

    ds = load_dataset(SAMPLE)
    team = ds.team("attarp")
    meetings = tuple(pd.to_datetime(ds.meetings["meeting_date"]))
    kept_effects = change_menu.effects_table(team, "attarp")
    assessment._MEMO.clear()
    kept_scores = assessment.suggested_scores(team, meetings)
    assert len(list(on.glob("*/*.pickle"))) == 2
    assessment._MEMO.clear()
    again = assessment.suggested_scores(team, meetings)  # from the file
    monkeypatch.delenv(memo.ENV)
    assessment._MEMO.clear()
    pd.testing.assert_frame_equal(kept_effects, change_menu.effects_table(team, "attarp"))
    # the team's own effect report makes the same call: nothing new is kept
    monkeypatch.setenv(memo.ENV, str(on))
    before = set(on.glob("*/*.pickle"))
    memo.cached(change_menu.effects.team_effects, team, "attarp")
    assert set(on.glob("*/*.pickle")) == before
    monkeypatch.delenv(memo.ENV)
    pd.testing.assert_frame_equal(kept_scores, assessment.suggested_scores(team, meetings))
    pd.testing.assert_frame_equal(again, kept_scores)


def test_a_surveys_findings_in_team_reports_are_kept_once_and_equal_fresh_ones(on, monkeypatch):
    # every team tied to a survey shows the same findings: the second team's report takes them
    # from the cache, keyed by the survey's file hashes, without reading the survey again; they
    # equal a computation without the cache, privacy marks (the frame's attrs) included
    from analysis import surveys
    from analysis.views import team_baseline

    ds = load_dataset(SAMPLE)
    folder = str(ds.survey_dir("parents"))
    files = {k: v for k, v in ds.files.items() if k.startswith("surveys/parents/")}
    assert files
    loaded = []
    load = surveys.load_survey
    monkeypatch.setattr(surveys, "load_survey", lambda f: loaded.append(f) or load(f))
    texts, table = memo.cached(team_baseline.survey_findings_in, folder, files, 5, "sv")
    kept = set(on.glob("*/*.pickle"))
    assert len(kept) == 1 and len(loaded) == 1
    again = memo.cached(team_baseline.survey_findings_in, folder, files, 5, "sv")
    assert set(on.glob("*/*.pickle")) == kept and len(loaded) == 1  # not read again
    changed = {**files, next(iter(files)): "another file"}
    memo.cached(team_baseline.survey_findings_in, folder, changed, 5, "sv")
    assert len(loaded) == 2  # other files: computed again
    monkeypatch.delenv(memo.ENV)
    fresh_texts, fresh = team_baseline.survey_findings(load(folder), 5, "sv")
    assert again[0] == texts == fresh_texts
    pd.testing.assert_frame_equal(again[1], fresh)
    assert again[1].attrs == fresh.attrs


def test_a_surveys_wave_comparison_in_team_reports_is_kept_once_and_equals_a_fresh_one(
    on, monkeypatch
):
    # the waves section of a team effect report is the survey's, the same for every team tied
    # to it: kept once by the survey's file hashes, and equal to a computation without the
    # cache (tables with their privacy marks, the chart's frame, the sentences)
    from analysis.views import team_effects

    ds = load_dataset(SAMPLE)
    folder = str(ds.survey_dir("pupils"))
    files = {k: v for k, v in ds.files.items() if k.startswith("surveys/pupils/")}
    kept = memo.cached(team_effects.wave_findings_in, folder, files, 5, "sv")
    assert len(list(on.glob("*/*.pickle"))) == 1
    again = memo.cached(team_effects.wave_findings_in, folder, files, 5, "sv")
    monkeypatch.delenv(memo.ENV)
    fresh = team_effects.wave_findings(ds.survey("pupils"), 5, "sv")
    assert again["respondents"] == kept["respondents"] == fresh["respondents"]
    assert again["verdicts"] == fresh["verdicts"] and fresh["verdicts"]
    pd.testing.assert_frame_equal(again["waves"], fresh["waves"])
    pd.testing.assert_frame_equal(again["table"], fresh["table"])
    assert again["table"].attrs == fresh["table"].attrs
    assert len(again["for_whom"]) == len(fresh["for_whom"]) > 0
    for (caption, table), (fresh_caption, fresh_table) in zip(
        again["for_whom"], fresh["for_whom"], strict=True
    ):
        assert caption == fresh_caption
        pd.testing.assert_frame_equal(table, fresh_table)
        assert table.attrs == fresh_table.attrs


def test_a_team_baseline_report_takes_its_summary_from_the_county_overviews_call(on):
    # the county overview keeps every team's baseline summary; the team's own baseline report
    # makes the same call (the team's rows, numbered from 0) and so keeps nothing new
    from analysis.views import team_baseline

    ds = load_dataset(SAMPLE)
    county.measures_table(ds, "sv")
    kept = set(on.glob("*/*.pickle"))
    assert len(kept) == len(ds.teams)
    team = ds.team("nassjo")
    cached = memo.cached(
        team_baseline.goals.baseline_summary,
        team.measures,
        team.observations,
        team.changes,
        team.id,
    )
    assert set(on.glob("*/*.pickle")) == kept
    fresh = team_baseline.goals.baseline_summary(
        team.measures, team.observations, team.changes, team.id
    )
    pd.testing.assert_frame_equal(cached, fresh)
