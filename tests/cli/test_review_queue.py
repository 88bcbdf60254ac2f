"""``screen alerts`` and ``screen decide-shipment``: the declaration review queue on the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from roundabout.cli.main import app

DATA = Path(__file__).parent.parent / "data"
DECLARATIONS = DATA / "screening" / "review_declarations.csv"
OWNERS = DATA / "lists" / "ownership_sample.ftm.jsonl"


def _cli(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(app, list(args))
    return r.exit_code, r.stdout, r.stderr


def test_alerts_show_flags_and_owners_and_a_decision_takes_one_record_off(tmp_path: Path) -> None:
    db = str(tmp_path / "s.duckdb")
    code, _, err = _cli("screen", "shipments", str(DECLARATIONS), "--list", str(OWNERS), "--db", db)
    assert code == 0, err

    code, out, err = _cli("screen", "alerts", "--db", db, "--json")
    assert code == 0, err
    alerts = {a["declaration_id"]: a for a in json.loads(out)["alerts"]}
    d1 = alerts["d1"]  # CHPL goods to a hub, consignee owned 55% by listed persons, AE payer
    codes = {r["code"] for r in d1["reasons"]}
    assert "redflag:third_country_payer" in codes and "redflag:chpl_tier12_hub" in codes
    owned = [h for h in d1["hits"]["consignee"] if h.get("basis") == "owned"]
    assert owned and abs(owned[0]["owned_share"] - 0.55) < 1e-9 and owned[0]["via"]

    code, text, _ = _cli("screen", "alerts", "--db", db)
    assert code == 0
    assert "d1 (record " in text and "owned 55%" in text and "redflag:third_country_payer" in text

    code, out, err = _cli(
        "screen", "decide-shipment", "d1", "--decision", "hold", "--reviewer", "ana",
        "--reason", "owned by listed persons", "--db", db, "--json",
    )  # fmt: skip
    assert code == 0, err
    rec = json.loads(out)
    assert rec["decision"] == "hold" and rec["record"] == d1["record"]
    assert rec["actor"].startswith("cli:") and rec["reviewer"] == "ana"

    code, out, _ = _cli("screen", "alerts", "--db", db, "--json")
    assert "d1" not in {a["declaration_id"] for a in json.loads(out)["alerts"]}
    code, out, _ = _cli("screen", "audit", "--db", db, "--json")
    assert "shipment_decision" in out

    # the same declaration sent again with other content alerts again
    changed = tmp_path / "changed.csv"
    changed.write_text(DECLARATIONS.read_text().replace(",1000,10,AE", ",5000,10,AE"), "utf-8")
    assert _cli("screen", "shipments", str(changed), "--list", str(OWNERS), "--db", db)[0] == 0
    code, out, _ = _cli("screen", "alerts", "--db", db, "--json")
    again = [a for a in json.loads(out)["alerts"] if a["declaration_id"] == "d1"]
    assert len(again) == 1 and again[0]["record"] != d1["record"]


def test_a_decision_needs_a_known_verdict_and_a_reason(tmp_path: Path) -> None:
    db = str(tmp_path / "s.duckdb")
    assert _cli("screen", "shipments", str(DECLARATIONS), "--list", str(OWNERS), "--db", db)[0] == 0
    code, _, _ = _cli(
        "screen", "decide-shipment", "d1", "--decision", "ignore", "--reviewer", "a",
        "--reason", "x", "--db", db,
    )  # fmt: skip
    assert code == 2
    code, _, err = _cli(
        "screen", "decide-shipment", "d1", "--decision", "release", "--reviewer", "a",
        "--reason", " ", "--db", db,
    )  # fmt: skip
    assert code == 1 and "needs a reason" in err and len(err.strip().splitlines()) == 1
    code, _, err = _cli(
        "screen", "decide-shipment", "nope", "--decision", "release", "--reviewer", "a",
        "--reason", "x", "--db", db,
    )  # fmt: skip
    assert code == 1 and "nope" in err
