"""The report: every section present, nothing loaded from outside the file, gaps explained."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roundabout.analytics import LeakParams
from roundabout.report import SECTIONS, build, render
from roundabout.store import Store

EXTERNAL = re.compile(
    r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import""",
    re.I,
)


@pytest.fixture
def store_path(synthetic_store: Path) -> Path:
    """The shared synthetic store (flows only: no screening run), read only."""
    return synthetic_store


@pytest.fixture(scope="module")
def html(synthetic_store: Path) -> str:
    with Store(synthetic_store, read_only=True) as store:
        return render(build(store, LeakParams(hubs=("ARM", "KAZ"))))


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
        page = render(build(store, LeakParams(did=False)))
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
