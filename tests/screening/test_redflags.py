"""Red-flag rules: each fires on the declaration it describes, stays quiet on a clean one,
says when its fields are absent; addresses compare across scripts; shipments carry them."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from roundabout.cli.main import app
from roundabout.screening import redflags
from roundabout.screening.address_match import AddressIndex, key, same

DATA = Path(__file__).parent.parent / "data" / "lists"
runner = CliRunner()

LISTED = [("x-1", "LISTED LLC", "пр-т Мира, д. 15, г. Москва"), ("x-2", "B", "ул. Ленина 7")]
CLEAN = {
    "declaration_id": "d0",
    "exporter": "Maschinen GmbH",
    "exporter_country": "DE",
    "consignee": "Almaty Bakery LLP",
    "consignee_country": "KZ",
    "destination_country": "KZ",
    "hs_code": "940360",
    "date": "2023-05-01",
    "value": "1000",
    "quantity": "10",
    "consignee_address": "Abay Ave 10, Almaty",
    "consignee_registered": "2010-01-01",
    "payer_country": "KZ",
    "consignee_phone": "+7 727 123 45 67",
    "consignee_email": "info@bakery.kz",
}


def ctx(rows: list[dict[str, str]]) -> redflags.FileContext:
    return redflags.context(rows, LISTED)


def fired(rows: list[dict[str, str]], i: int = 0) -> dict[str, str]:
    found, _ = redflags.check(ctx(rows), rows[i])
    return {f.code.removeprefix("redflag:"): f.detail for f in found}


def test_rules_are_data_with_sources() -> None:
    ids = [r.id for r in redflags.RULES]
    assert len(ids) == len(set(ids)) == 8
    for r in redflags.RULES:
        assert r.sources and all(c in redflags.SOURCES for c in r.sources)
        assert r.explanation and r.needs and 0 < r.weight < 1
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert redflags.table() in readme  # the README's table is the rules' own


def test_clean_declaration_fires_nothing() -> None:
    assert fired([CLEAN]) == {}
    _, unchecked = redflags.check(ctx([CLEAN]), CLEAN)
    assert unchecked == [f"first_chpl_after_invasion (no file history before {redflags.INVASION})"]


def test_absent_fields_are_not_checked() -> None:
    row = {"declaration_id": "d0"}
    found, unchecked = redflags.check(ctx([row]), row)
    assert found == []
    text = " ".join(unchecked)
    for rid in ("listed_address", "new_consignee", "third_country_payer", "contact_country"):
        assert rid in text


def test_listed_address_across_scripts() -> None:
    row = {**CLEAN, "consignee_address": "15 Mira Avenue, Moscow"}
    assert "x-1 LISTED LLC" in fired([row])["listed_address"]
    row = {**CLEAN, "consignee_address": "Prospekt Mira 16, Moscow"}
    assert "listed_address" not in fired([row])
    assert same(key("ул. Ленина, д. 7"), key("7 Lenin St.")) is False  # Lenina != Lenin
    assert same(key("ул. Ленина, д. 7"), key("Lenina St. 7"))


def test_each_rule_fires() -> None:
    chpl = {**CLEAN, "hs_code": "854231"}  # tier 1
    assert "intermediary_consignee" in fired([{**chpl, "consignee": "KAZ LOGISTICS TRADE LLP"}])
    assert "intermediary_consignee" not in fired([{**CLEAN, "consignee": "KAZ CARGO LLP"}])
    assert "chpl_tier12_hub" in fired([chpl])
    assert "chpl_tier12_hub" not in fired([{**chpl, "destination_country": "DE"}])
    assert "new_consignee" in fired([{**CLEAN, "consignee_registered": "2022-03-15"}])
    assert "new_consignee" not in fired([{**CLEAN, "consignee_registered": "2022-02-24"}])
    payer = fired([{**CLEAN, "payer": "Gulf FZE", "payer_country": "AE"}])
    assert "AE (a diversion hub)" in payer["third_country_payer"]
    contact = fired([{**CLEAN, "consignee_phone": "+7 495 123 45 67"}])
    assert "phone is RU" in contact["contact_country"]
    assert "contact_country" not in fired([{**CLEAN, "consignee_email": "a@mail.com"}])
    assert "e-mail is RU" in fired([{**CLEAN, "consignee_email": "a@x.ru"}])["contact_country"]


def test_price_above_route_median() -> None:
    rows = [{**CLEAN, "declaration_id": f"d{i}", "value": str(100 * (i + 1))} for i in range(5)]
    rows.append({**CLEAN, "declaration_id": "dx", "value": "20000"})
    # unit prices 10..50 and 2000: median of the six is 35 (independent: statistics)
    assert "57.1x the median 35.00" in fired(rows, 5)["price_above_route"]
    assert "price_above_route" not in fired(rows, 0)


def test_first_chpl_after_invasion_needs_history() -> None:
    old = {**CLEAN, "declaration_id": "a", "date": "2021-05-01", "consignee": "Other LLP"}
    new = {**CLEAN, "declaration_id": "b", "hs_code": "854231", "date": "2022-06-01"}
    again = {**new, "declaration_id": "c", "date": "2022-07-01"}
    assert "first_chpl_after_invasion" in fired([old, new, again], 1)
    assert "first_chpl_after_invasion" not in fired([old, new, again], 2)
    before = {**new, "declaration_id": "z", "date": "2021-01-01"}
    assert "first_chpl_after_invasion" not in fired([before, new], 1)


@settings(deadline=None)
@given(st.text(max_size=40), st.text(max_size=40))
def test_address_keys_never_crash_and_are_symmetric(a: str, b: str) -> None:
    assert same(key(a), key(b)) == same(key(b), key(a))
    AddressIndex([("e", "n", a)]).find(b)


def test_shipments_json_carries_redflags(tmp_path: Path) -> None:
    f = tmp_path / "decl.csv"
    rows = [
        {
            **CLEAN,
            "declaration_id": "d1",
            "hs_code": "854231",
            "consignee": "IZH LOGISTIK TRADE",
            "consignee_address": "ул. Пушкинская, д. 272, кв. 41, г. Ижевск",
            "payer_country": "AE",
        },
        {
            **{k: v for k, v in CLEAN.items() if k not in ("payer_country", "consignee_address")},
            "declaration_id": "d2",
        },
    ]
    with f.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows([{k: r.get(k, "") for k in rows[0]} for r in rows])
    r = runner.invoke(
        app,
        [
            "screen",
            "shipments",
            str(f),
            "--list",
            str(DATA / "zala_aero_cluster.ftm.jsonl"),
            "--db",
            str(tmp_path / "s.duckdb"),
            "--json",
        ],
    )
    assert r.exit_code == 0, r.output
    out = {x["declaration_id"]: x for x in json.loads(r.stdout)["results"]}
    d1 = {x["code"]: x for x in out["d1"]["reasons"]}
    addr = d1["redflag:listed_address"]
    assert "OSETROVA" in addr["detail"] and "FinCEN" in addr["source"]
    assert {
        "redflag:intermediary_consignee",
        "redflag:third_country_payer",
        "redflag:chpl_tier12_hub",
    } <= d1.keys()
    # risk = 1 - prod(1 - weight), checked independently
    prod = 1.0
    for x in out["d1"]["reasons"]:
        prod *= 1 - min(x["weight"], 1.0)
    assert out["d1"]["risk"] == pytest.approx(1 - prod, abs=1e-4)
    assert not any(x["code"].startswith("redflag") for x in out["d2"]["reasons"])
    assert any(x.startswith("listed_address (no ") for x in out["d2"]["redflags_not_checked"])
