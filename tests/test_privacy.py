"""Tests of analysis.privacy: the small-cell rule and pseudonymous ids.

The rule (DESIGN.md, workbook.yml privacy.min_count): counts 1..min_count-1 and shares with a
base under min_count are not shown; zero is shown. Expected values are by hand.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import privacy


def frame() -> pd.DataFrame:
    return pd.DataFrame({
        "n": [0, 1, 4, 5, 3, 6],
        "base": [10, 10, 10, 10, 4, 100],
        "share": [0.0, 0.1, 0.4, 0.5, 0.75, 0.06],
        "ci_low": [0.0, 0.01, 0.1, 0.2, 0.3, 0.02],
        "ci_high": [0.3, 0.4, 0.7, 0.8, 0.95, 0.12],
        "n_blank": [0, 2, 0, 7, 0, 0],
    })


def test_counts_below_the_threshold_and_small_bases_are_hidden():
    before = frame()
    out = privacy.suppress(before, 5, extra_count_cols=("n_blank",))
    assert list(out["suppressed"]) == [False, True, True, False, True, False]
    assert out["n"].isna().tolist() == [False, True, True, False, True, False]
    assert out["share"].isna().tolist() == [False, True, True, False, True, False]
    assert out.loc[0, "n"] == 0 and out.loc[0, "share"] == 0.0  # zero discloses nobody
    assert out.loc[3, "n"] == 5  # exactly the threshold is shown
    assert pd.isna(out.loc[4, "base"])  # a base of 4 is itself a small count
    assert out.loc[2, "base"] == 10  # the base of a hidden count stays (it is >= 5)
    assert pd.isna(out.loc[1, "n_blank"]) and out.loc[3, "n_blank"] == 7
    pd.testing.assert_frame_equal(before, frame())  # input untouched


# n = 0, 1, 4, 5, 3, 6 with bases 10, 10, 10, 10, 4, 100: by hand, rows hidden at each threshold
@pytest.mark.parametrize(("min_count", "hidden"), [(1, []), (2, [1]), (5, [1, 2, 4]), (6, [1, 2, 3, 4])])
def test_threshold_is_configurable(min_count, hidden):
    out = privacy.suppress(frame(), min_count)
    assert list(np.flatnonzero(out["suppressed"].to_numpy())) == hidden


def test_display_shows_two_dots():
    out = privacy.suppress(frame(), 5)
    assert privacy.display(out["n"]) == ["0", "..", "..", "5", "..", "6"]


def test_pseudonymise_is_stable_keyed_and_not_the_id():
    a = privacy.pseudonymise(["19800101-1234", "19800101-1234 ", None, np.nan], key="hemlig")
    b = privacy.pseudonymise(["19800101-1234"], key="annan")
    assert a[0] == a[1] and a[0] != b[0]
    assert a[2] is None and a[3] is None
    assert "1234" not in a[0] and a[0].startswith("p") and len(a[0]) == 13
    with pytest.raises(ValueError, match="key"):
        privacy.pseudonymise(["x"], key="")


def test_complementary_cell_is_hidden_too():
    # One question, options a..d splitting a base of 20: b = 3 is hidden, and 20 - 8 - 5 - 4 = 3
    # would give it back, so the smallest other non-zero count (d = 4) is hidden too; the 0 stays.
    frame = pd.DataFrame({"q": ["x"] * 5, "option": list("abcde"), "n": [8, 3, 5, 4, 0],
                          "base": [20] * 5, "share": [0.4, 0.15, 0.25, 0.2, 0.0]})
    frame["part"] = True
    once = privacy.suppress(frame, 4)
    assert list(once["suppressed"]) == [False, True, False, False, False]
    twice = privacy.suppress_complements(once, ["q"], "part")
    assert list(twice["suppressed"]) == [False, True, False, True, False]
    assert pd.isna(twice.loc[3, "share"]) and twice.loc[4, "n"] == 0
