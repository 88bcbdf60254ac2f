"""The review queues over HTTP: party alerts with names and ownership paths, shipment runs
with red flags, decisions per declaration, all attributed to the key that made them."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from roundabout.api import ApiSettings, create_app
from roundabout.api.keys import create_key
from roundabout.api.responses import (
    AlertsAnswer,
    ShipmentAlertsAnswer,
    ShipmentsAnswer,
)
from roundabout.lists import ftm, snapshots
from roundabout.store import Store

DATA = Path(__file__).parent.parent / "data" / "lists"

#: d1 to a hub for a consignee owned 55% by listed persons; d2 bread to France (PROVENANCE.md).
DECLARATIONS = Path(__file__).parent.parent / "data" / "screening" / "review_declarations.csv"


def _csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=list(rows[0]))
    w.writeheader()
    w.writerows(rows)
    return out.getvalue().encode()


@pytest.fixture(scope="module")
def owned_template(store_template: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The API store with the ownership sample loaded beside the lists."""
    src, _ = store_template
    db = tmp_path_factory.mktemp("review") / "template.duckdb"
    db.write_bytes(Path(src).read_bytes())
    with Store(db) as store:
        snapshots.save(store, ftm.parse(DATA / "ownership_sample.ftm.jsonl"))
    return db


@pytest.fixture
def review(owned_template: Path, store_template: Any, tmp_path: Path) -> Any:
    db = tmp_path / "store.duckdb"
    db.write_bytes(owned_template.read_bytes())
    with Store(db) as store:
        _, reader = create_key(store, "reader only", ("read",))
    _, token = store_template
    with TestClient(create_app(ApiSettings(db=db))) as client:
        yield client, {"Authorization": f"Bearer {token}"}, {"Authorization": f"Bearer {reader}"}


def test_alerts_name_the_party_and_the_ownership_path(review: Any) -> None:
    client, h, _ = review
    body = "id,name\np1,VOSTOK KARGO TREYD\np2\u202e,Banco Nacional de Cuba\n"
    r = client.post("/screen", content=body.encode(), headers={**h, "Content-Type": "text/csv"})
    assert r.status_code == 200, r.text
    alerts = AlertsAnswer.model_validate(client.get("/alerts", headers=h).json()).alerts
    vostok = next(a for a in alerts if a.entity_id == "c-vostok")
    assert vostok.party_name == "VOSTOK KARGO TREYD"
    assert vostok.basis == "owned" and vostok.owned_share == 0.55
    assert vostok.via == ["t-sidorenko", "t-alfa"]
    assert vostok.via_names == ["Pavel Igorevich SIDORENKO", "ALFA STROY INVEST"]
    assert vostok.explanation and "owned 55% by" in vostok.explanation
    cuba = next(a for a in alerts if a.party_id == "p2\u202e")
    assert cuba.party_name == "Banco Nacional de Cuba" and cuba.basis == "listed"
    assert cuba.explanation and cuba.features


def test_decision_defaults_to_the_key_name_and_keeps_the_reason(review: Any) -> None:
    client, h, reader = review
    client.post(
        "/screen",
        content=b"id,name\np1,VOSTOK KARGO TREYD\n",
        headers={**h, "Content-Type": "text/csv"},
    )
    a = client.get("/alerts", headers=h).json()["alerts"][0]
    me = client.get("/keys/me", headers=h).json()
    assert me["name"] == "tests" and me["actor"] == f"api:{me['key_id']}:tests"
    body = {
        "party_id": a["party_id"],
        "entity_id": a["entity_id"],
        "decision": "true_match",
        "reason": "owner register checked: 55% held by listed persons",
        "record": a["party_hash"][:12],
    }
    assert client.post("/decisions", json=body, headers=reader).status_code == 403
    r = client.post("/decisions", json=body, headers=h)
    assert r.status_code == 201, r.text
    d = r.json()
    assert d["reviewer"] == "tests" and d["actor"] == me["actor"]
    assert d["reason"] == "owner register checked: 55% held by listed persons"
    assert client.get("/alerts", headers=h).json()["alerts"] == []


def test_shipments_are_screened_queued_and_decided_per_declaration(review: Any) -> None:
    client, h, reader = review
    csv_h = {**h, "Content-Type": "text/csv"}
    r = client.post("/screen/shipments", content=DECLARATIONS.read_bytes(), headers=csv_h)
    assert r.status_code == 200, r.text
    run = ShipmentsAnswer.model_validate(r.json())
    by_id = {x.declaration_id: x for x in run.results}
    assert by_id["d1"].risk > by_id["d2"].risk and len(by_id["d1"].record) == 64
    codes = {x.code for x in by_id["d1"].reasons}
    assert {"party_match", "goods_chp", "hub_destination", "redflag:third_country_payer"} <= codes
    assert by_id["d1"].hits["consignee"][0].basis == "owned"

    queue = ShipmentAlertsAnswer.model_validate(
        client.get("/alerts/shipments", headers=h).json()
    ).alerts
    d1 = next(a for a in queue if a.declaration_id == "d1")
    assert d1.summary["consignee"] == "VOSTOK KARGO TREYD"
    assert {f.code for f in d1.redflags} == {c for c in codes if c.startswith("redflag:")}
    assert all(f.source for f in d1.redflags)
    # the consignee's hit is in the party queue too, named as the declaration's role
    party = next(
        a
        for a in client.get("/alerts", headers=h).json()["alerts"]
        if a["party_id"] == "d1:consignee"
    )
    assert party["declaration_id"] == "d1" and party["role"] == "consignee"

    body = {"declaration_id": "d1", "decision": "hold", "reason": "consignee owned by SDN"}
    assert client.post("/decisions/shipments", json=body, headers=reader).status_code == 403
    r = client.post("/decisions/shipments", json=body, headers=h)
    assert r.status_code == 201, r.text
    assert r.json()["record"] == d1.record and r.json()["reviewer"] == "tests"
    left = client.get("/alerts/shipments", headers=h).json()["alerts"]
    assert "d1" not in {a["declaration_id"] for a in left}
    made = client.get("/decisions/shipments", headers=h).json()["decisions"]
    assert made[0]["decision"] == "hold" and made[0]["actor"].endswith(":tests")
    assert client.get("/audit", headers=h).json()["ok"] is True

    # the same declaration sent again with other content is another record: it alerts again
    changed = [{**next(csv.DictReader(io.StringIO(DECLARATIONS.read_text()))), "value": "5000"}]
    client.post("/screen/shipments", content=_csv(changed), headers=csv_h)
    again = client.get("/alerts/shipments", headers=h).json()["alerts"]
    (new,) = [a for a in again if a["declaration_id"] == "d1"]
    assert new["record"] != d1.record
    # two records of d1 now: as for parties, the reviewer must say which one
    r = client.post("/decisions/shipments", json=body, headers=h)
    assert r.status_code == 400 and "say which with record" in r.json()["error"]["message"]
    r = client.post(
        "/decisions/shipments",
        json={**body, "decision": "release", "record": new["record"][:10]},
        headers=h,
    )
    assert r.status_code == 201 and r.json()["record"] == new["record"]


def test_shipment_decision_errors(review: Any) -> None:
    client, h, _ = review
    body = {"declaration_id": "nope", "decision": "hold", "reason": "x"}
    r = client.post("/decisions/shipments", json=body, headers=h)
    assert r.status_code == 404 and r.json()["error"]["type"] == "NotFoundError"
    r = client.post("/decisions/shipments", json={**body, "decision": "maybe"}, headers=h)
    assert r.status_code == 422
    json_h = {**h, "Content-Type": "application/json"}
    assert client.post("/screen/shipments", content=b"{}", headers=json_h).status_code == 415
    csv_h = {**h, "Content-Type": "text/csv"}
    r = client.post("/screen/shipments", content=b"id,name\n1,x\n", headers=csv_h)
    assert r.status_code == 400, r.text
    msg = r.json()["error"]["message"]
    assert msg.startswith("api:upload.csv: ") and "exporter" in msg  # the missing columns
    assert client.get("/alerts/shipments", headers=h).json()["alerts"] == []  # nothing written
