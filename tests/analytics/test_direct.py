"""Direct drop on the toy."""

from __future__ import annotations

import pytest

from roundabout.analytics.direct import direct_drop
from roundabout.analytics.excess import other_goods

S, OTHER = "847130", "940360"


def test_direct_drop_is_expected_minus_window(toy, index):
    plan, pn = toy()
    d = index(direct_drop(pn.segments, other_goods(pn.segments), plan), "product")
    assert d[S]["base_direct"] == 1000.0
    assert d[S]["win_direct"] == 100.0
    assert d[S]["expected_direct"] == pytest.approx(800.0)  # 1000 x 4000 / 5000
    assert d[S]["direct_drop"] == pytest.approx(700.0)
    assert d[OTHER]["direct_drop"] == pytest.approx(0.0)
