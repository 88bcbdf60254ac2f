"""The headline figures against an independent pandas computation, and their uncertainty."""

from __future__ import annotations

from datetime import date

import ibis
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from roundabout.analytics import LeakParams, Span, Unavailable, find_leaks
from roundabout.analytics.uncertainty import offset_share_ci

from .conftest import flows_arrow

ORIGINS, HUBS = ("DEU", "FRA", "ITA"), ("ARM", "KAZ")
BANNED = {"847130": "2022-03", "870324": "2022-04", "851712": "2022-06"}  # first full months
UNLISTED = ("940360", "392690", "610910")
BASE = Span("2021-03", "2021-08")
WIN = Span("2022-03", "2022-08")


def _panel(seed: int, leak: float) -> pd.DataFrame:
    """Random monthly flows 2020-03..2022-08; sanctioned goods to the hubs jump by ``leak``
    from their ban month, direct exports of them fall to a tenth. DEU reports totals too."""
    rng = np.random.default_rng(seed)
    months = Span("2020-03", "2022-08").months()
    rows = []
    for o in ORIGINS:
        for d in (*HUBS, "RUS"):
            scale = rng.uniform(50, 500)
            for p in (*BANNED, *UNLISTED):
                level = scale * rng.uniform(0.2, 3.0)
                for m in months:
                    v = level * rng.uniform(0.7, 1.3) * (1.1 if m >= "2022-03" else 1.0)
                    if p in BANNED and m >= BANNED[p] and m >= "2022-01":
                        v *= 0.1 if d == "RUS" else leak
                    rows.append((m, o, d, "export", p, round(v, 2)))
            if o == "DEU":
                for m in months:
                    # The total: the listed lines once, other goods three times those
                    # in the extract (the rest of the trade).
                    cell = [r for r in rows if r[0] == m and r[1] == o and r[2] == d]
                    tot = sum(r[5] if r[4] in BANNED else 3.0 * r[5] for r in cell)
                    rows.append((m, o, d, "export", "TOTAL", round(tot, 2)))
    return pd.DataFrame(rows, columns=["period", "reporter", "partner", "flow", "product", "value"])


def _goods() -> pa.Table:
    eff = {"847130": date(2022, 2, 25), "870324": date(2022, 3, 15), "851712": date(2022, 2, 25)}
    wind = {"851712": date(2022, 5, 1)}
    codes = sorted(BANNED)
    return pa.table(
        {
            "hs6": codes,
            "effective_date": pa.array([eff[c] for c in codes], pa.date32()),
            "wind_down_date": pa.array([wind.get(c) for c in codes], pa.date32()),
        }
    )


def _run(df: pd.DataFrame, **kw) -> object:
    flows = ibis.duckdb.connect().create_table(
        "flows", flows_arrow(df.itertuples(index=False, name=None))
    )
    params = LeakParams(hubs=HUBS, baseline=BASE, window=WIN, did=False, **kw)
    return find_leaks(flows, params, goods=_goods())


def _by_hand(df: pd.DataFrame, pooled: bool) -> tuple[dict[str, float], float]:
    """Hub excess per hub and the direct drop, from the rows, with pandas only."""
    d = df.copy()
    d["ban"] = d["product"].map(BANNED)
    d["listed"] = d["ban"].notna()

    def offset(ban: str | None) -> int:
        if ban is None or ban <= WIN.start:
            return 0
        return (int(ban[:4]) * 12 + int(ban[5:])) - (int(WIN.start[:4]) * 12 + int(WIN.start[5:]))

    d["off"] = d["ban"].map(lambda b: offset(b if isinstance(b, str) else None))

    def seg(r: pd.Series) -> str | None:
        base_from = pd.Period(BASE.start, "M") + int(r["off"])
        win_from = pd.Period(WIN.start, "M") + int(r["off"])
        p = pd.Period(r["period"], "M")
        if base_from <= p <= pd.Period(BASE.end, "M"):
            return "base"
        if win_from <= p <= pd.Period(WIN.end, "M"):
            return "win"
        return None

    d["seg"] = d.apply(seg, axis=1)
    d = d[d["seg"].notna()]
    # Other goods per route and segment: total - sanctioned where totals exist.
    route = d.groupby(["reporter", "partner", "seg"])
    other = {}
    for (o, p, s), g in route:
        if (g["product"] == "TOTAL").any():
            other[(o, p, s)] = (
                g.loc[g["product"] == "TOTAL", "value"].sum() - g.loc[g["listed"], "value"].sum()
            )
        else:
            other[(o, p, s)] = g.loc[~g["listed"] & (g["product"] != "TOTAL"), "value"].sum()

    def growth(o: str, p: str) -> float:
        if pooled:
            b = sum(other.get((x, p, "base"), 0.0) for x in ORIGINS)
            w = sum(other.get((x, p, "win"), 0.0) for x in ORIGINS)
        else:
            b, w = other.get((o, p, "base"), 0.0), other.get((o, p, "win"), 0.0)
        return w / b

    s = d[d["listed"]]
    sums = s.groupby(["reporter", "partner", "product", "seg"])["value"].sum().unstack(fill_value=0)
    excess: dict[str, float] = {h: 0.0 for h in HUBS}
    drop = 0.0
    for (o, p, _), r in sums.iterrows():
        e = r.get("win", 0.0) - r.get("base", 0.0) * growth(o, p)
        if p == "RUS":
            drop -= e
        else:
            excess[p] += e
    return excess, drop


@pytest.mark.parametrize("counterfactual", ["pooled", "route"])
def test_hub_excess_direct_drop_and_offset_share_match_pandas(counterfactual):
    df = _panel(seed=3, leak=2.0)
    r = _run(df, counterfactual=counterfactual, bootstrap=0, placebo=False)
    excess, drop = _by_hand(df, pooled=counterfactual == "pooled")
    for h in HUBS:
        assert r.summary.hubs[h].hub_excess == pytest.approx(excess[h], rel=1e-9)
    assert r.summary.group.direct_drop == pytest.approx(drop, rel=1e-9)
    assert r.summary.group.offset_share == pytest.approx(sum(excess.values()) / drop, rel=1e-9)


def test_interval_is_seeded_and_surrounds_the_estimate():
    df = _panel(seed=5, leak=3.0)
    a = _run(df, bootstrap=300, placebo=False).summary
    b = _run(df, bootstrap=300, placebo=False).summary
    assert a.group.offset_share_ci == pytest.approx(b.group.offset_share_ci, rel=1e-9)
    assert a.to_dict()["offset_share_ci"] == b.to_dict()["offset_share_ci"]
    low, high = a.group.offset_share_ci
    assert low <= a.group.offset_share <= high
    for h in HUBS:
        ci = a.hubs[h].offset_share_ci
        assert ci is not None and ci[0] <= a.hubs[h].offset_share <= ci[1]
    assert a.to_dict()["offset_share_ci"] == [round(low, 6), round(high, 6)]


def test_bootstrap_interval_by_hand():
    excess = [("ARM", "a", 10.0), ("ARM", "b", 0.0), ("KAZ", "b", 5.0)]
    drop = [("a", 100.0), ("b", 100.0)]
    group, per_hub = offset_share_ci(excess, drop, ("ARM", "KAZ"), n=2000, seed=1)
    # Resamples {a,a}: 20/200, {a,b}: 15/200, {b,b}: 10/200.
    assert group == pytest.approx((0.05, 0.10))
    assert per_hub["KAZ"] == pytest.approx((0.0, 0.05))


def test_placebo_finds_little_on_a_panel_without_leaks_and_much_less_than_a_leak():
    quiet = _run(_panel(seed=7, leak=1.0), bootstrap=0).summary
    assert quiet.placebo is not None
    pq = quiet.placebo.to_dict()
    assert pq["window"] == "2021-03:2021-08" and pq["baseline"] == "2020-03:2020-08"
    leaky = _run(_panel(seed=7, leak=3.0), bootstrap=0).summary
    assert abs(quiet.placebo.hub_excess) < 0.1 * leaky.group.hub_excess
    assert abs(leaky.placebo.hub_excess) < 0.1 * leaky.group.hub_excess


def test_substitution_ratio_needs_min_drop():
    df = _panel(seed=3, leak=2.0)
    r = _run(df, bootstrap=0, placebo=False, min_drop=1e12)
    assert r.findings and all(f.substitution_ratio is None for f in r.findings)
    assert "under --min-drop" in r.findings[0].reasons["substitution_ratio"]
    assert r.summary.products_substitution_over_half == 0


def test_raw_figures_per_month_warn_when_periods_differ_in_length():
    df = _panel(seed=3, leak=2.0)
    flows = ibis.duckdb.connect().create_table(
        "flows", flows_arrow(df.itertuples(index=False, name=None))
    )
    params = LeakParams(
        hubs=HUBS,
        baseline=Span("2020-09", "2021-08"),
        window=WIN,
        did=False,
        bootstrap=0,
        placebo=False,
    )
    raw = find_leaks(flows, params, goods=_goods()).summary.raw
    assert (raw.base_months, raw.win_months) == (12, 6)
    assert raw.warning and "differ in length" in raw.warning
    assert raw.direct_drop == pytest.approx(
        raw.direct_base_per_month * 6 - raw.direct_win_per_month * 6
    )


def test_chapters_add_up_to_the_hub():
    r = _run(_panel(seed=3, leak=2.0), bootstrap=0, placebo=False)
    for h in HUBS:
        chapters = r.to_dict()["summary"]["hubs"][h]["chapters"]
        assert set(chapters) == {"84", "85", "87"}
        total = sum(c["hub_excess"] for c in chapters.values())
        assert total == pytest.approx(r.summary.hubs[h].hub_excess, abs=0.05)


def test_belarus_as_a_hub_and_a_window_before_any_ban_run_with_a_warning():
    df = _panel(seed=3, leak=2.0)
    df.loc[df["partner"] == "KAZ", "partner"] = "BLR"
    flows = ibis.duckdb.connect().create_table(
        "flows", flows_arrow(df.itertuples(index=False, name=None))
    )
    r = find_leaks(
        flows,
        LeakParams(hubs=("BLR",), baseline=BASE, window=WIN, did=False, bootstrap=0),
        goods=_goods(),
    )
    assert any("Belarus" in w for w in r.warnings)
    early = find_leaks(
        flows,
        LeakParams(
            hubs=("ARM",),
            baseline=Span("2020-03", "2020-08"),
            window=Span("2021-03", "2021-08"),
            did=False,
            bootstrap=0,
            placebo=False,
        ),
        goods=_goods(),
    )
    assert any("before any ban" in w for w in early.warnings)
    assert early.summary.sanctioned_products == 3


def test_direct_route_did_recovers_the_planted_fall():
    """Sanctioned goods to the target fall to a tenth from their ban month (other goods and
    the totals rise 10% for all): the direct-route DiD finds ln(0.1)."""
    pytest.importorskip("pyfixest")
    df = _panel(seed=3, leak=2.0)
    flows = ibis.duckdb.connect().create_table(
        "flows", flows_arrow(df.itertuples(index=False, name=None))
    )
    params = LeakParams(hubs=HUBS, baseline=BASE, window=WIN, bootstrap=0, placebo=False)
    r = find_leaks(flows, params, goods=_goods())
    d = r.did_direct
    assert isinstance(d, dict) and d["comparison_units"] == len(UNLISTED) + 1  # + OTHER
    assert d["ppml"]["estimate"] == pytest.approx(np.log(0.1), abs=0.15)
    assert d["log_linear"]["estimate"] == pytest.approx(np.log(0.1), abs=0.15)
    assert r.to_dict()["measures"]["did_direct"]["design"].startswith("direct route")


def test_the_text_output_shows_the_intervals_the_placebo_and_the_pretrend():
    import dataclasses
    import io

    from roundabout.analytics.result import DidResult
    from roundabout.cli.leaks import _ci, _print

    r = _run(_panel(seed=7, leak=3.0), bootstrap=100)
    did = DidResult(
        design="difference in differences within the hubs: test",
        log_linear=Unavailable("not run"),
        ppml=Unavailable("not run"),
        event_study=(),
        rows=10,
        units=2,
        collapsed_origins=False,
        product_share=1.0,
        pretrend={"pvalue": 0.0123, "chi2": 30.0, "df": 11, "warning": "they diverged"},
    )
    buf = io.StringIO()
    _print(dataclasses.replace(r, did=did), buf, False, 200)
    out = buf.getvalue()
    s = r.summary
    assert f"90% interval {_ci(s.group.offset_share_ci)}" in out
    for h in HUBS:
        assert _ci(s.hubs[h].offset_share_ci) in out
    assert s.placebo is not None and f"window {s.placebo.window} against" in out
    assert "joint test of the 11 pre-ban event coefficients, p = 0.0123" in out
    assert "DiD pre-trend warning: they diverged" in out
