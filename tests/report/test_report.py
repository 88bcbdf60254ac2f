"""The report: every section present, nothing loaded from outside the file, gaps explained."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roundabout.analytics import LeakParams, LeakResult
from roundabout.report import SECTIONS, build, render
from roundabout.report.html import Report
from roundabout.store import Store
from roundabout.synth.panel import PanelSpec, write_panel

SPEC = PanelSpec(
    products=40,
    origins=("DEU", "FRA"),
    hubs=("ARM", "KAZ"),
    controls=("CHL",),
    start="2020-01",  # a year before the baseline: the placebo can run
    end="2022-10",
    n_reroute=3,
    n_lost=2,
    n_local=2,
    n_unsanctioned=2,
    seed=4,
)
EXTERNAL = re.compile(
    r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import""",
    re.I,
)


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("report")
    panel = write_panel(tmp / "p.parquet", SPEC, fmt="parquet")
    path = tmp / "store.duckdb"
    with Store(path) as store:
        store.raw.execute("INSERT INTO flows SELECT * FROM read_parquet(?)", [str(panel.path)])
    return path


@pytest.fixture(scope="module")
def report(store_path: Path) -> Report:
    with Store(store_path, read_only=True) as store:
        return build(store, LeakParams(hubs=("ARM", "KAZ"), bootstrap=200))


@pytest.fixture(scope="module")
def html(report: Report) -> str:
    return render(report, strict=True)  # a section that raises fails the test


def _section(html: str, sid: str) -> str:
    return html.split(f'<section id="{sid}">')[1].split("</section>")[0]


def test_every_section_is_there(html):
    for sid, title in SECTIONS:
        assert f'<section id="{sid}">' in html
        assert title.split(":")[0] in html
    assert html.count("<svg") >= 4  # offsets, sankey, monthly, event study
    assert "5 to 10 per cent" in html and "about 5%" in html


def test_it_opens_offline(html):
    assert not EXTERNAL.search(html), EXTERNAL.search(html)
    assert "<script" not in html.lower()


def test_missing_inputs_say_why(html, tmp_path):
    # No screening run in this store: the section explains instead of failing.
    screening = html.split('<section id="screening">')[1]
    assert "not available: no screening run" in screening
    empty = tmp_path / "empty.duckdb"
    Store(empty).close()
    with Store(empty, read_only=True) as store:
        page = render(build(store, LeakParams(did=False)), strict=True)
    for sid, _ in SECTIONS:
        assert f'<section id="{sid}">' in page
    assert page.count("not available:") >= 6
    assert '<section id="chp">' in page and "854231" in page  # needs no data


def test_cli_writes_the_file(store_path, tmp_path):
    import typer

    from roundabout.cli.report import report

    app = typer.Typer()
    app.command()(report)
    out = tmp_path / "r.html"  # an existing directory: a missing one is refused
    res = CliRunner().invoke(
        app, ["--db", str(store_path), "--out", str(out), "--hubs", "ARM,KAZ", "--no-did"]
    )
    assert res.exit_code == 0, res.output
    assert res.output.strip().splitlines()[-1] == str(out)
    assert out.read_text().startswith("<!DOCTYPE html>")


def test_cca3_row_sums_its_hubs() -> None:
    from roundabout.report.html import _cca3

    def hub(x: float) -> dict[str, float]:
        return {"hub_excess": x}

    summary = {
        "direct_drop": 1000.0,
        "hubs": {"ARM": hub(10.0), "KAZ": hub(20.0), "KGZ": hub(30.0), "GEO": hub(40.0)},
    }
    assert _cca3(summary) == (60.0, 0.06)
    assert _cca3({"direct_drop": 1000.0, "hubs": {"ARM": hub(1.0), "GEO": hub(2.0)}}) is None
    only = {"direct_drop": 1000.0, "hubs": {h: hub(1.0) for h in ("ARM", "KAZ", "KGZ")}}
    assert _cca3(only) is None  # the "all hubs" row already is the CCA3 group


def test_a_crashing_section_fails_in_strict_mode_and_says_so_otherwise(report, monkeypatch):
    from roundabout.report import html as html_mod

    def boom(r: Report) -> str:
        raise RuntimeError("boom")

    monkeypatch.setitem(html_mod._RENDER, "sankey", boom)
    with pytest.raises(RuntimeError, match="boom"):
        render(report, strict=True)
    monkeypatch.setenv(html_mod.STRICT_ENV, "1")
    with pytest.raises(RuntimeError, match="boom"):
        render(report)  # the tests' environment makes the default strict
    monkeypatch.setenv(html_mod.STRICT_ENV, "0")
    page = render(report)  # what users get: the other sections, and why this one is missing
    assert "not available: RuntimeError: boom" in _section(page, "sankey")
    assert "<svg" in _section(page, "monthly")


def test_summary_shows_the_intervals_the_placebo_and_the_windows(report, html):
    from roundabout.report.html import _ci, _money, _pct

    assert isinstance(report.leaks, LeakResult)
    d = report.leaks.to_dict()["summary"]
    summary = _section(html, "summary")
    for hub in ("ARM", "KAZ"):
        ci = d["hubs"][hub]["offset_share_ci"]
        assert ci is not None and _ci(ci) in summary
    assert _ci(d["offset_share_ci"]) in summary and _pct(d["offset_share"]) in summary
    p = d["placebo"]
    assert p["available"] and (p["window"], p["baseline"]) == ("2021-03:2021-10", "2020-03:2020-10")
    assert f"hub excess <b>{_money(p['hub_excess'], d['currency'])}</b>" in summary
    # Which window the report sets, beside the published figure's.
    assert "This report's window is 2022-03:2022-10 against 2021-03:2021-10" in summary
    assert "WP 276's figure is for March-August 2022" in summary
    assert "Hub excess by HS chapter" in summary


def test_the_pretrend_test_and_its_warning_are_on_the_event_study(report):
    import dataclasses

    from roundabout.analytics.result import DidResult
    from roundabout.report.html import _event_study

    assert isinstance(report.leaks, LeakResult) and isinstance(report.leaks.did, DidResult)
    pre = report.leaks.did.pretrend
    assert pre is not None
    text = _event_study(report)
    assert f"p = {pre['pvalue']:.3g}" in text
    warned = dataclasses.replace(
        report.leaks.did, pretrend={**pre, "warning": "pre-ban coefficients differ <b>"}
    )
    r = dataclasses.replace(report, leaks=dataclasses.replace(report.leaks, did=warned))
    text = _event_study(r)
    assert "warning: pre-ban coefficients differ &lt;b&gt;" in text  # escaped, beside the test
    svg = text.split("<figure>")[1]
    assert "Warning: pre-ban coefficients differ" in svg  # and on the chart itself


def test_the_direct_route_did_is_shown_when_the_hub_did_is_not(report):
    import dataclasses

    from roundabout.analytics import Unavailable
    from roundabout.report.html import _event_study

    assert isinstance(report.leaks, LeakResult)
    direct = {
        "design": "direct route: test",
        "comparison_units": 7,
        "log_linear": {"estimate": -0.5, "se": 0.1, "pvalue": 0.001, "n": 100},
        "ppml": {"estimate": None},
    }
    leaks = dataclasses.replace(report.leaks, did=Unavailable("no hub data"), did_direct=direct)
    text = _event_study(dataclasses.replace(report, leaks=leaks))
    assert "Direct-route DiD (log-linear; direct route: test): -0.500" in text
    assert "not available: hub DiD and event study: no hub data" in text


def test_set_aside_products_and_unlisted_surges_are_shown_apart(report, html):
    import dataclasses

    from roundabout.analytics.editions import SetAside
    from roundabout.report.html import _summary

    assert isinstance(report.leaks, LeakResult)
    aside = SetAside("851712", "series break: no rows in the baseline", 2.5e6, 1.25e6, "sanctioned")
    r = dataclasses.replace(report, leaks=dataclasses.replace(report.leaks, set_aside=(aside,)))
    text = _summary(r)
    c = report.leaks.summary.currency
    assert "Set aside: broken series (1 products)" in text
    assert f"<td>851712</td><td>{c} 1.2m</td><td>{c} 2.5m</td>" in text
    findings = _section(html, "findings")
    surges = report.leaks.unlisted_surges
    assert surges, "the panel plants unlisted surges"
    table, apart = findings.split("<h3>Unlisted surges (not findings)</h3>")
    for u in surges:
        assert f"<td>{u.product}</td>" not in table and f"<td>{u.product}</td>" in apart
