"""Substitution ratio and offset share."""

from __future__ import annotations

import pytest

from roundabout.analytics.direct import direct_drop
from roundabout.analytics.excess import hub_excess, other_goods
from roundabout.analytics.substitution import by_product, offset_share, ratio

S = "847130"


def test_ratio_needs_a_positive_drop():
    assert ratio(350.0, 700.0) == 0.5
    assert ratio(350.0, 0.0) is None
    assert ratio(350.0, -10.0) is None
    assert ratio(None, 700.0) is None
    assert offset_share(35.0, 700.0) == pytest.approx(0.05)


def test_by_product_sums_the_hubs(toy, index):
    plan, pn = toy()
    g = other_goods(pn.segments)
    sub = index(
        by_product(hub_excess(pn.segments, g, plan), direct_drop(pn.segments, g, plan)), "product"
    )
    # KAZ 350 + ARM 350 over a drop of 700.
    assert sub[S]["excess_in"] == pytest.approx(700.0)
    assert sub[S]["substitution_ratio"] == pytest.approx(1.0)
