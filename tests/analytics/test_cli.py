"""``roundabout leaks`` from the command line: JSON shape, table, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from roundabout.cli.main import app


@pytest.fixture
def db(synthetic_store: Path) -> Path:
    """The shared synthetic store (hubs ARM, KAZ, KGZ; 2021-01..2022-10), read only."""
    return synthetic_store


def _run(*args: str) -> Result:
    return CliRunner().invoke(app, ["leaks", *args])


def test_json_shape(db):
    p = _run("--db", str(db), "--hubs", "ARM,KAZ", "--no-did", "--json")
    assert p.exit_code == 0, p.stderr
    out = json.loads(p.stdout)
    s = out["summary"]
    for key in (
        "direct_drop",
        "hub_excess",
        "lost_in_transit",
        "offset_share",
        "currency",
        "baseline",
        "window",
        "hubs",
    ):
        assert key in s
    assert set(s["hubs"]) == {"ARM", "KAZ"}
    for hub in s["hubs"].values():
        assert {"direct_drop", "hub_excess", "lost_in_transit", "offset_share"} <= set(hub)
    assert s["baseline"] == "2021-03:2021-10" and s["window"] == "2022-03:2022-10"
    assert out["findings"]
    first = out["findings"][0]
    assert set(first) >= {
        "hub",
        "product",
        "description",
        "score",
        "excess_in",
        "excess_out",
        "lost_in_transit",
        "substitution_ratio",
        "explanation",
    }
    assert first["explanation"].endswith(".")


def test_periods_flags_and_table_output(db):
    p = _run("--db", str(db), "--window", "2022-04:2022-09", "--no-did", "--top", "3")
    assert p.exit_code == 0, p.stderr
    assert "window 2022-04:2022-09 against baseline 2021-04:2021-09" in p.stdout
    assert "Findings, best first" in p.stdout


def test_bad_input_is_one_line_saying_what_is_there(db):
    p = _run("--db", str(db), "--hubs", "TJK", "--json")
    assert p.exit_code == 1
    assert p.stderr.startswith("error: hub TJK absent from the data")
    assert "countries present: ARM, CHL, KAZ, KGZ" in p.stderr
    p = _run("--db", str(db), "--window", "2024-01:2024-06")
    assert p.exit_code == 1
    assert "outside the data" in p.stderr and "2021-01 to 2022-10" in p.stderr
    p = _run("--db", str(db), "--window", "2024-1:2024-06")
    assert p.exit_code == 1 and "YYYY-MM" in p.stderr


def test_the_new_options_and_fields(db):
    p = _run(
        "--db", str(db), "--hubs", "ARM,KAZ", "--no-did", "--json",
        "--counterfactual", "route", "--bootstrap", "50", "--min-drop", "0",
    )  # fmt: skip
    assert p.exit_code == 0, p.stderr
    out = json.loads(p.stdout)
    s = out["summary"]
    assert s["counterfactual"] == "route" and s["bootstrap"] == 50 and s["min_drop"] == 0
    low, high = s["offset_share_ci"]
    assert low <= s["offset_share"] <= high
    # The data start in 2021-01: a placebo baseline a year before 2021-03 is not there.
    assert s["placebo"]["available"] is False and "outside the data" in s["placebo"]["reason"]
    assert s["hs_conversion"]["edition"] == "HS2017"
    assert "chapters" in s["hubs"]["ARM"]
    assert isinstance(out["set_aside"], list) and isinstance(out["unlisted_surges"], list)
    assert all(f["sanctioned"] for f in out["findings"])
    assert "pretrend" not in out["measures"]["did"]  # not run: --no-did
    table = _run("--db", str(db), "--hubs", "ARM,KAZ", "--no-did", "--bootstrap", "20")
    assert table.exit_code == 0, table.stderr
    assert "90% interval" in table.stdout and "placebo: unavailable" in table.stdout


def test_a_bad_counterfactual_is_refused(db):
    p = _run("--db", str(db), "--counterfactual", "magic")
    assert p.exit_code == 2
    assert "--counterfactual" in p.stderr and "pooled" in p.stderr and "route" in p.stderr


def test_report_takes_the_options_of_leaks(db, tmp_path):
    out = tmp_path / "r.html"
    p = CliRunner().invoke(
        app,
        [
            "report", "--db", str(db), "--out", str(out), "--hubs", "ARM,KAZ",
            "--window", "2022-04:2022-09", "--baseline", "2021-04:2021-09", "--no-did",
            "--bootstrap", "20", "--counterfactual", "pooled", "--target", "RUS",
            "--origins", "DEU", "--goods", "eu_hs6",
        ],
    )  # fmt: skip
    assert p.exit_code == 0, p.stderr
    html = out.read_text()
    assert "window 2022-04:2022-09" in html and "Placebo" in html and "90% interval" in html
    assert "against baseline 2021-04:2021-09" in html and "Sanctioned goods (eu_hs6" in html
    # One origin: the report's figures are the leaks figures for DEU alone.
    leaks = _run(
        "--db", str(db), "--hubs", "ARM,KAZ", "--window", "2022-04:2022-09", "--baseline",
        "2021-04:2021-09", "--no-did", "--bootstrap", "20", "--origins", "DEU", "--json",
    )  # fmt: skip
    assert leaks.exit_code == 0, leaks.stderr
    from roundabout.report.html import _money

    s = json.loads(leaks.stdout)["summary"]
    assert f"<b>{_money(s['direct_drop'], s['currency'])}</b>" in html
