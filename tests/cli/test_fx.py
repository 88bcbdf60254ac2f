"""``roundabout fx load`` / ``fx show`` and ``leaks --currency`` through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from roundabout.cli.main import app
from roundabout.store import Store

runner = CliRunner()


def test_fx_load_then_show(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    rates = tmp_path / "kzt.csv"
    rates.write_text("period,currency,per_usd\n2022-03,KZT,480.5\n2022-04,KZT,450\n")
    r = runner.invoke(app, ["fx", "load", str(rates), "--db", str(db)])
    assert r.exit_code == 0, r.output
    assert "2 rates loaded (KZT)" in r.output
    # loading again replaces, never duplicates
    assert runner.invoke(app, ["fx", "load", str(rates), "--db", str(db)]).exit_code == 0
    with Store(db, read_only=True) as s:
        assert s.table("fx_rates").count().execute() == 2
    r = runner.invoke(app, ["fx", "show", "--currency", "KZT", "--to", "USD", "--db", str(db),
                            "--json"])  # fmt: skip
    got = json.loads(r.output)["rates"]
    assert [(x["period"], x["per_usd"], x["source"]) for x in got] == [
        ("2022-03", 480.5, "kzt.csv"),
        ("2022-04", 450.0, "kzt.csv"),
    ]


def test_fx_load_bad_file_loads_nothing(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    rates = tmp_path / "bad.csv"
    rates.write_text("period,currency,per_eur\n2022-03,KZT,500\n2022-03,KZT,abc\n")
    r = runner.invoke(app, ["fx", "load", str(rates), "--db", str(db)])
    assert r.exit_code == 1
    assert "bad.csv: line 3: field per_eur: 'abc' is not a positive number" in r.output


def test_leaks_refuses_naming_the_missing_month(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    csv = tmp_path / "t.csv"
    csv.write_text(
        "period,reporterISO,flowCode,partnerISO,cmdCode,primaryValue\n202203,DEU,X,KAZ,847130,10\n"
    )
    assert (
        runner.invoke(app, ["ingest", "-f", "comtrade", str(csv), "--db", str(db)]).exit_code == 0
    )
    with Store(db) as s:  # a KZT row from a national office
        s.raw.execute(
            "INSERT INTO flows SELECT * REPLACE ('KZT' AS currency, 'KAZ' AS reporter) FROM flows"
        )
    r = runner.invoke(app, ["leaks", "--db", str(db), "--currency", "EUR", "--no-did"])
    assert r.exit_code == 1
    assert "no exchange rate from KZT to EUR for the month 2022-03" in r.output
