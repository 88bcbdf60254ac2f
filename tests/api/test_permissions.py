"""Decisions bound to keys: the key is the actor, permissions decide who may do what."""

from __future__ import annotations

import duckdb

from roundabout.api.keys import create_key, list_keys
from roundabout.store import Store


def _key(client, name: str, perms: tuple[str, ...]) -> dict[str, str]:
    be = client.app.state.backend
    with be.lock:
        _, token = create_key(be.store, name, perms)
    be.reload_keys()
    return {"Authorization": f"Bearer {token}"}


def _hit(client, h) -> dict[str, str]:
    r = client.post(
        "/screen",
        headers={**h, "Content-Type": "text/csv"},
        content=b"id,name\np1,Banco Nacional de Cuba\n",
    )
    assert r.status_code == 200, r.text
    return next(
        a for a in client.get("/alerts", headers=h).json()["alerts"] if a["party_id"] == "p1"
    )


def test_decision_by_one_key_claiming_another_name(api):
    client, h = api()
    bob = _key(client, "bob", ("decide",))
    a = _hit(client, h)
    r = client.post(
        "/decisions",
        headers=bob,
        json={
            "party_id": "p1",
            "entity_id": a["entity_id"],
            "decision": "false_positive",
            "reviewer": "alice",
            "reason": "not her",
        },
    )
    assert r.status_code == 201, r.text
    bob_id = next(k.key_id for k in client.app.state.backend._keys.values() if k.name == "bob")
    assert r.json()["actor"] == f"api:{bob_id}:bob" and r.json()["reviewer"] == "alice"
    con = client.app.state.backend.store.raw
    actor, detail = con.execute(
        "SELECT actor, detail FROM screening_audit WHERE event = 'decision'"
    ).fetchone()
    assert actor == f"api:{bob_id}:bob" and '"reviewer": "alice"' in detail
    row = con.execute("SELECT reviewer, actor FROM screening_decisions").fetchone()
    assert row == ("alice", f"api:{bob_id}:bob")


def test_only_decide_keys_may_decide(api):
    client, h = api()
    reader = _key(client, "reader", ())  # read only
    screener = _key(client, "screener", ("screen",))
    a = _hit(client, h)
    body = {
        "party_id": "p1",
        "entity_id": a["entity_id"],
        "decision": "false_positive",
        "reviewer": "x",
        "reason": "y",
    }
    for who in (reader, screener):
        r = client.post("/decisions", headers=who, json=body)
        assert r.status_code == 403 and r.json()["error"]["type"] == "forbidden"
        assert "--can decide" in r.json()["error"]["message"]
    match = {"queries": {"q": {"properties": {"name": ["x"]}}}}
    assert client.post("/match", headers=reader, json=match).status_code == 403
    assert client.post("/match", headers=screener, json=match).status_code == 200
    assert client.get("/alerts", headers=reader).status_code == 200
    assert client.get("/keys", headers=h).status_code == 403  # admin only
    admin = _key(client, "root", ("admin",))
    names = {k["name"] for k in client.get("/keys", headers=admin).json()["keys"]}
    assert {"tests", "reader", "screener", "root"} <= names
    # the alert is still open: nobody without decide could close it
    assert any(x["party_id"] == "p1" for x in client.get("/alerts", headers=h).json()["alerts"])


def test_keys_from_before_permissions_may_read_and_screen_only(tmp_path):
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    con.execute(
        "CREATE TABLE api_keys (key_id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, salt VARCHAR "
        "NOT NULL, secret_sha256 VARCHAR NOT NULL, created_at TIMESTAMPTZ NOT NULL, "
        "revoked_at TIMESTAMPTZ)"
    )
    con.execute("INSERT INTO api_keys VALUES ('0123456789ab', 'old', 'aa', 'bb', now(), NULL)")
    con.close()
    with Store(db) as store:
        (old,) = list_keys(store)
    assert old.permissions == ("read", "screen") and not old.can("decide")
