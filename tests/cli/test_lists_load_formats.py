"""``roundabout lists load`` with the EU, UK, OFAC XML and US CSL formats, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
from click.testing import Result
from typer.testing import CliRunner

from roundabout.cli.main import app

DATA = Path(__file__).parent.parent / "data" / "lists"


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def _counts(db: Path) -> tuple[int, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        a = con.execute("SELECT count(*) FROM list_snapshots").fetchone()
        b = con.execute("SELECT count(*) FROM list_entities").fetchone()
    assert a is not None and b is not None
    return int(a[0]), int(b[0])


def test_load_new_formats_then_refuse_bad_files(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    p = run(
        "lists", "load", str(DATA / "eu_fsf_sample.xml"), str(DATA / "uk_conlist_sample.csv"),
        str(DATA / "ofac_sdn_sample.xml"), "--db", str(db), "--json",
    )  # fmt: skip
    assert p.exit_code == 0, p.stderr
    out = json.loads(p.stdout)
    assert [o["source"] for o in out] == ["eu_fsf", "uk_ofsi", "ofac_sdn"]
    assert all(o["publication_date"] == "2026-03-02" and len(o["sha256"]) == 64 for o in out)
    p = run("lists", "load", "-f", "us_csl", str(DATA / "us_csl_sample.csv"), "--date",
            "2025-06-25", "--db", str(db))  # fmt: skip
    assert p.exit_code == 0, p.stderr
    assert p.stdout.startswith("us_csl:2025-06-25:") and "13 entries" in p.stdout
    before = _counts(db)

    hostile = tmp_path / "eu.xml"
    hostile.write_text(
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
        "<export>&b;</export>",
        encoding="utf-8",
    )
    broken = tmp_path / "ConList.csv"
    broken.write_text("Last Updated,02/03/2026\nName 6,Group Type,Group ID\nA,Robot,1\n")
    for args, where in (
        (["-f", "eu_fsf", str(hostile)], f"{hostile}: refused unsafe XML"),
        (["-f", "uk", str(broken)], f"{broken}: line 3: Group ID 1: unknown Group Type"),
        # a good file before a bad one: nothing of either is stored
        ([str(DATA / "eu_fsf_sample.csv"), str(broken)], f"{broken}: line 3"),
    ):
        p = run("lists", "load", *args, "--db", str(db))
        assert p.exit_code == 1
        assert p.stderr.startswith("error: ") and where in p.stderr
        assert p.stderr.count("\n") == 1
    assert _counts(db) == before
