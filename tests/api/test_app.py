"""The API's contract: keys everywhere but /health, strict bodies, limits, JSON errors."""

from __future__ import annotations

import duckdb

PROTECTED = [
    ("GET", "/leaks"),
    ("GET", "/flows"),
    ("GET", "/charts/monthly"),
    ("POST", "/match"),
    ("POST", "/screen"),
    ("GET", "/alerts"),
    ("GET", "/decisions"),
    ("POST", "/decisions"),
]
MATCH = {
    "queries": {"q1": {"schema": "Company", "properties": {"name": ["Banco Nacional de Cuba"]}}}
}


def test_health_and_dashboard_need_no_key(api):
    client, _ = api()
    assert client.get("/health").json() == {"status": "ok"}
    page = client.get("/")
    assert page.status_code == 200 and "roundabout" in page.text
    assert client.get("/static/app.js").status_code == 200


def test_every_other_route_needs_a_key(api):
    client, headers = api()
    spec = client.get("/openapi.json").json()
    listed = {(m.upper(), p) for p, ops in spec["paths"].items() for m in ops}
    assert {("GET", "/leaks"), ("POST", "/match"), ("POST", "/decisions")} <= listed
    for method, path in PROTECTED:
        for bad in (
            {},
            {"Authorization": "Bearer nope"},
            {"Authorization": "Basic x"},
            {
                "Authorization": headers["Authorization"][:-1]
                + ("B" if headers["Authorization"].endswith("A") else "A")
            },
        ):
            r = client.request(method, path, headers=bad)
            assert r.status_code == 401, (method, path, bad)
            assert r.json()["error"]["type"] == "unauthorized"
            assert r.headers["www-authenticate"] == "Bearer"


def test_keys_are_stored_hashed(api, store_template):
    path, token = store_template
    con = duckdb.connect(str(path), read_only=True)
    rows = con.execute("SELECT key_id, name, salt, secret_sha256 FROM api_keys").fetchall()
    con.close()
    secret = token.split("_", 2)[2]
    assert rows and all(secret not in str(r) for r in rows)


def test_strict_bodies_refuse_coercion(api):
    client, h = api()
    bad = [
        ("/screen", {"parties": [{"id": "p", "name": "X"}], "threshold": "0.7"}),
        ("/screen", {"parties": [{"id": "p", "name": "X"}], "matches_only": "true"}),
        ("/screen", {"parties": [{"id": 1, "name": "X"}]}),
        ("/screen", {"parties": [{"id": "p", "name": "X", "colour": "red"}]}),
        (
            "/decisions",
            {
                "party_id": 1,
                "entity_id": "e",
                "decision": "true_match",
                "reviewer": "r",
                "reason": "x",
            },
        ),
        (
            "/decisions",
            {
                "party_id": "p",
                "entity_id": "e",
                "decision": "maybe",
                "reviewer": "r",
                "reason": "x",
            },
        ),
        ("/match", {"queries": {"q": {"properties": {"name": 5}}}}),
        ("/match", {"queries": {"q": {"properties": {"name": ["x"]}}}, "extra": 1}),
    ]
    for path, body in bad:
        r = client.post(path, json=body, headers=h)
        assert r.status_code == 422, (path, body, r.text)
        assert r.json()["error"]["type"] == "validation_error"


def test_query_parameters_are_closed_and_bounded(api):
    client, h = api()
    assert client.get("/leaks?hubs=ARM&colour=red", headers=h).status_code == 422
    assert client.get("/flows?limit=0", headers=h).status_code == 422
    assert client.get("/leaks?goods=/etc/passwd", headers=h).status_code == 422


def test_body_size_limit(api):
    client, h = api(max_body_bytes=1000)
    big = {"parties": [{"id": str(i), "name": "x" * 50} for i in range(100)]}
    r = client.post("/screen", json=big, headers=h)
    assert r.status_code == 413
    assert r.json()["error"]["type"] == "payload_too_large"


def test_rate_limit_per_key(api):
    client, h = api(rate_per_second=0.01, burst=3)
    codes = [client.get("/alerts", headers=h).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    r = client.get("/alerts", headers=h)
    assert r.json()["error"]["type"] == "rate_limited" and int(r.headers["retry-after"]) >= 1
    assert client.get("/health").status_code == 200  # not limited


def test_errors_are_json_with_the_right_status(api, settled):
    client, h = api()
    r = client.get("/nowhere", headers=h)
    assert r.status_code == 404 and r.json()["error"]["type"] == "not_found"
    r = settled(client, "/leaks?hubs=TJK&did=false", h)  # a hub not in the data
    assert 400 <= r.status_code < 500 and "TJK" in r.json()["error"]["message"]
    r = client.post(
        "/decisions",
        headers=h,
        json={
            "party_id": "nobody",
            "entity_id": "e",
            "decision": "true_match",
            "reviewer": "r",
            "reason": "x",
        },
    )
    assert r.status_code == 404 and r.json()["error"]["type"] == "NotFoundError"
    r = client.post("/screen", headers={**h, "Content-Type": "application/xml"}, content=b"<a/>")
    assert r.status_code == 415


def test_cors_closed_by_default_open_when_configured(api):
    client, _ = api()
    pre = {"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}
    assert "access-control-allow-origin" not in client.options("/leaks", headers=pre).headers
    client2, _ = api(cors_origins=("https://ok.example",))
    r = client2.options("/leaks", headers={**pre, "Origin": "https://ok.example"})
    assert r.headers["access-control-allow-origin"] == "https://ok.example"


def test_leaks_matches_the_cli_shape(api, settled):
    client, h = api()
    r = settled(client, "/leaks?hubs=ARM,KAZ&did=false&top=5", h)
    assert r.status_code == 200
    body = r.json()
    assert set(body) >= {"summary", "findings", "measures", "notes"}
    assert set(body["summary"]["hubs"]) == {"ARM", "KAZ"}
    assert 0 < len(body["findings"]) <= 5
    assert client.get("/leaks?hubs=ARM,KAZ&did=false&top=5", headers=h).json() == body


def test_flows_filters_and_groups(api):
    client, h = api()
    r = client.get("/flows?partners=RUS&flow=export&products=84&by=partner,year", headers=h)
    rows = r.json()["rows"]
    assert rows and {x["partner"] for x in rows} == {"RUS"}
    assert client.get("/flows?by=colour", headers=h).status_code == 400


def test_match_follows_yente(api):
    client, h = api()
    r = client.post("/match?limit=3", json=MATCH, headers=h)
    assert r.status_code == 200
    answer = r.json()["responses"]["q1"]
    assert answer["status"] == 200 and answer["total"]["relation"] == "eq"
    top = answer["results"][0]
    assert {"id", "caption", "schema", "score", "match", "features", "datasets"} <= set(top)
    assert top["match"] and "BANCO NACIONAL" in top["caption"].upper()


def test_screen_alert_decision_roundtrip(api):
    client, h = api()
    r = client.post(
        "/screen",
        headers={**h, "Content-Type": "text/csv"},
        content=b"id,name\np1,Banco Nacional de Cuba\np2,Quiet Bakery Ltd\n",
    )
    assert r.status_code == 200, r.text
    alerts = client.get("/alerts", headers=h).json()["alerts"]
    mine = [a for a in alerts if a["party_id"] == "p1"]
    assert mine and mine[0]["match"]
    a = mine[0]
    r = client.post(
        "/decisions",
        headers=h,
        json={
            "party_id": "p1",
            "entity_id": a["entity_id"],
            "decision": "false_positive",
            "reviewer": "ana",
            "reason": "different company",
        },
    )
    assert r.status_code == 201 and r.json()["decision"] == "false_positive"
    left = client.get("/alerts", headers=h).json()["alerts"]
    assert not [x for x in left if (x["party_id"], x["entity_id"]) == ("p1", a["entity_id"])]
    assert client.get("/decisions", headers=h).json()["decisions"][0]["reviewer"] == "ana"


def test_screen_rejects_a_bad_file(api):
    client, h = api()
    r = client.post("/screen", headers={**h, "Content-Type": "text/csv"}, content=b"name\nx\n")
    assert r.status_code == 400 and "id" in r.json()["error"]["message"]


def test_security_headers_on_every_response(api):
    client, h = api(max_body_bytes=100)
    for r in (
        client.get("/health"),
        client.get("/leaks", headers=h),  # 401
        client.post("/screen", headers=h, content=b"x" * 200),  # 413
        client.post("/match", json=MATCH, headers=h),
    ):
        assert r.headers["x-content-type-options"] == "nosniff", r.status_code
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["referrer-policy"] == "no-referrer"
        assert r.headers["server-timing"].startswith("app;dur=")


def test_revoked_key_is_refused_after_restart(store_template, tmp_path):
    """Keys are held in memory while the server runs (the store is locked to it); a key
    revoked with the server stopped gets 401 from the next start, the others still work."""
    from fastapi.testclient import TestClient

    from roundabout.api import ApiSettings, create_app
    from roundabout.api.keys import create_key, revoke_key
    from roundabout.store import Store

    src, token = store_template
    db = tmp_path / "revoke.duckdb"
    db.write_bytes(src.read_bytes())
    with Store(db) as store:
        _, other = create_key(store, "other")
    auth = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(ApiSettings(db=db))) as client:
        assert client.get("/alerts", headers=auth).status_code == 200
    with Store(db) as store:
        revoke_key(store, "tests")
    with TestClient(create_app(ApiSettings(db=db))) as client:
        r = client.get("/alerts", headers=auth)
        assert r.status_code == 401 and r.json()["error"]["type"] == "unauthorized"
        assert client.get("/alerts", headers={"Authorization": f"Bearer {other}"}).is_success


def test_answers_encoded_as_fastapi_would(api, settled):
    """/leaks and /match are encoded once with orjson: the same JSON FastAPI's encoder gives."""
    import json

    from fastapi.encoders import jsonable_encoder

    from roundabout.analytics import LeakParams
    from roundabout.report import data as report_data

    client, h = api()
    r = settled(client, "/leaks?hubs=ARM,KAZ&did=false&top=5", h)
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    be = client.app.state.backend
    result = report_data.leaks(be.store, LeakParams(hubs=("ARM", "KAZ"), did=False, top=5))
    assert r.json() == json.loads(json.dumps(jsonable_encoder(result.to_dict())))
    r = client.post("/match?limit=3", json=MATCH, headers=h)
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert r.json()["limit"] == 3 and r.json()["responses"]["q1"]["results"]


def test_cached_answers_and_match_do_not_wait_for_the_store(api, settled):
    """/match, a cached /leaks and key checks run in the event loop: they must not wait for
    the store lock, which a long query in a worker thread may hold for seconds."""
    import threading

    client, h = api()
    url = "/leaks?hubs=ARM,KAZ&did=false&top=5"
    assert settled(client, url, h).status_code == 200
    assert client.post("/match", json=MATCH, headers=h).status_code == 200  # index built
    be = client.app.state.backend
    be._keys_loaded = 0.0  # an unknown key id would re-read the keys now, if the store is free
    stranger = {"Authorization": "Bearer rb_000000000000_" + "A" * 43}
    codes: list[int] = []

    def calls() -> None:
        codes.append(client.get(url, headers=h).status_code)
        codes.append(client.post("/match", json=MATCH, headers=h).status_code)
        codes.append(client.get("/leaks", headers=stranger).status_code)

    with be.lock:  # held by "a long query"
        worker = threading.Thread(target=calls)
        worker.start()
        worker.join(timeout=20)
        blocked = worker.is_alive()
    worker.join()
    assert not blocked and codes == [200, 200, 401]
