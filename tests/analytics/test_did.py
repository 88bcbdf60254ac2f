"""DiD and event study recover a planted effect (pyfixest)."""

from __future__ import annotations

import math

import ibis
import pytest

from roundabout.analytics import LeakParams, Unavailable, find_leaks
from roundabout.analytics.result import DidResult
from roundabout.synth.panel import PanelSpec, write_panel

pytest.importorskip("pyfixest")


def _did(tmp_path, effect: float, controls: tuple[str, ...]) -> DidResult:
    spec = PanelSpec(
        products=60,
        origins=("DEU", "FRA", "POL"),
        hubs=("ARM", "KAZ", "KGZ"),
        controls=controls,
        start="2020-01",
        end="2022-12",
        seed=3,
        hub_effect=effect,
        n_reroute=3,
        n_lost=2,
        n_local=2,
        n_unsanctioned=2,
    )
    panel = write_panel(tmp_path / "did.parquet", spec, fmt="parquet")
    flows = ibis.duckdb.connect().read_parquet(str(panel.path))
    r = find_leaks(flows, LeakParams())
    assert isinstance(r.did, DidResult), r.did
    return r.did


def test_triple_difference_recovers_sign_and_size(tmp_path):
    d = _did(tmp_path, 0.7, ("CHL", "MEX"))
    assert d.design.startswith("triple difference")
    for coef in (d.log_linear, d.ppml):
        assert not isinstance(coef, Unavailable)
        assert 0.5 < coef.estimate < 0.95
        assert coef.pvalue < 0.01
    assert not isinstance(d.event_study, Unavailable)
    pre = [e.estimate for e in d.event_study if e.rel_month < -1]
    post = [e.estimate for e in d.event_study if e.rel_month >= 0]
    assert abs(sum(pre) / len(pre)) < 0.1  # no pre-trend
    assert d.pretrend is not None and d.pretrend["df"] == len(pre)
    # (The joint test is strict: on this panel, 60 product clusters, it rejects at p ~ 0.01
    # although no coefficient stands out; the warning then says so.)
    assert 0 <= d.pretrend["pvalue"] <= 1
    assert (d.pretrend["warning"] is None) == (d.pretrend["pvalue"] >= 0.05)
    assert sum(post) / len(post) == pytest.approx(0.7, abs=0.2)
    assert math.exp(d.ppml.estimate) - 1 > 0.6  # "sanctioned goods to hubs up 60 %+"


def test_without_controls_the_design_is_within_hubs(tmp_path):
    d = _did(tmp_path, 0.7, ())
    assert d.design.startswith("difference in differences within the hubs")
    assert not isinstance(d.log_linear, Unavailable)
    assert d.log_linear.estimate > 0.4


def test_did_is_capped_by_collapsing_origins(tmp_path):
    spec = PanelSpec(products=60, origins=("DEU", "FRA"), hubs=("KAZ",), controls=("CHL",), seed=2)
    panel = write_panel(tmp_path / "cap.parquet", spec, fmt="parquet")
    flows = ibis.duckdb.connect().read_parquet(str(panel.path))
    r = find_leaks(flows, LeakParams(did_max_rows=2000))
    assert isinstance(r.did, DidResult)
    assert r.did.collapsed_origins
    assert r.did.rows <= 2000 * 1.5  # sampled products: about the cap
    assert r.did.product_share < 1


def test_the_comparison_group_holds_no_listed_or_one_sided_lines(make_flows, make_goods, make_plan):
    """Units of the hub DiD: a later-banned listed line, a set-aside product and a line that
    trades in the window only are never comparison units."""
    from datetime import date

    from roundabout.analytics.did import balanced, did_cells

    banned, later, aside, new, clean = "847130", "851712", "870120", "940360", "940370"
    rows = []
    for p in (banned, later, aside, clean):
        rows += [
            ("2021-03", "DEU", "KAZ", "export", p, 100.0),
            ("2022-03", "DEU", "KAZ", "export", p, 200.0),
        ]
    rows += [("2022-03", "DEU", "KAZ", "export", new, 50.0)]  # one-sided
    rows += [("2021-03", "DEU", "RUS", "export", banned, 100.0)]
    rows += [("2022-03", "DEU", "RUS", "export", banned, 10.0)]
    plan, pn = make_plan(
        make_flows(rows),
        make_goods({banned: date(2022, 2, 25), later: date(2023, 2, 25), aside: date(2022, 2, 25)}),
        hubs=("KAZ",),
        window="2022-03:2022-03",
    )
    cells, keys = did_cells(pn.picked, plan, collapse=True)
    units = balanced(cells, keys, plan, pn.bans, exclude=(aside,)).to_pandas()
    assert set(units["product"]) == {banned, clean}
    assert set(units.loc[units["product"] == clean, "kind"]) == {"other"}


class _Fit:
    """What pretrend_test reads of a pyfixest fit: names, clustered covariance, clusters."""

    def __init__(self, names: list[str], vcov: list[list[float]], clusters: int) -> None:
        self._coefnames = names
        self._vcov = vcov
        self._G = [clusters]


@pytest.mark.parametrize(
    ("pre", "warns"),
    [((0.3, 0.4), True), ((0.01, -0.02), False)],
)
def test_pretrend_joint_test_by_hand(pre, warns):
    import pandas as pd

    from roundabout.analytics.did import pretrend_test

    names = ["es_m3", "es_m2", "es_p0"]
    tidy = pd.DataFrame({"Estimate": [*pre, 0.9]}, index=names)
    fit = _Fit(names, [[0.01, 0, 0], [0, 0.01, 0], [0, 0, 0.04]], clusters=50)
    out = pretrend_test(fit, tidy, names)
    assert out is not None and out["df"] == 2
    # Wald statistic b' V^-1 b over the two pre-ban coefficients; its F form (stat / 2) has
    # F(2, 49) survival (1 + 2x/49)^(-49/2), a closed form for two numerator df.
    stat = (pre[0] ** 2 + pre[1] ** 2) / 0.01
    assert out["chi2"] == pytest.approx(stat, rel=1e-4)
    p = (1 + 2 * (stat / 2) / 49) ** (-49 / 2)
    assert out["pvalue"] == pytest.approx(p, abs=1e-6)  # (rounded to 6 decimals)
    assert (out["warning"] is not None) == warns
    if warns:
        assert "jointly significant" in out["warning"]
        assert "not a sanctions effect" in out["warning"]
