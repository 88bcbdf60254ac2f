"""Every route declares a response model, and real answers validate against it.

The large answers are sent as pre-encoded bytes (``roundabout.api.answers``), so FastAPI
never checks them against their model: this test does, on real answers. The models are closed
(``extra="forbid"``), so a field added to an answer without its model fails here.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from roundabout.api import responses as R

QUERY = {
    "queries": {"q1": {"schema": "Company", "properties": {"name": ["Banco Nacional de Cuba"]}}}
}


def _ok(model: type[BaseModel], r: Any) -> BaseModel:
    assert r.status_code in (200, 201), r.text
    return model.model_validate(r.json())


def test_every_route_declares_a_model(api: Any) -> None:
    client, _ = api()
    spec = client.get("/openapi.json").json()
    for path, methods in spec["paths"].items():
        if path.startswith("/docs") or path == "/redoc":
            continue
        for method, op in methods.items():
            ok = op["responses"].get("200") or op["responses"].get("201")
            assert ok is not None, (method, path)
            schema = ok["content"]["application/json"]["schema"]
            assert "$ref" in schema, (method, path, schema)  # a named model, not a bare dict
            if path != "/health":
                assert op["security"] == [{"apiKey": []}], (method, path)


def test_answers_validate_against_their_models(api: Any, settled: Any) -> None:
    client, h = api()
    leaks = _ok(R.LeaksAnswer, settled(client, "/leaks?hubs=ARM,KAZ&did=false&top=5", h))
    assert isinstance(leaks, R.LeaksAnswer) and leaks.findings
    assert set(leaks.summary.hubs) == {"ARM", "KAZ"}
    chart = _ok(R.Chart, settled(client, "/charts/monthly?hub=ARM,KAZ", h))
    assert isinstance(chart, R.Chart) and chart.available and chart.vega_lite
    _ok(R.Chart, settled(client, "/charts/sankey?hub=KAZ&period_from=2022-03", h))
    _ok(R.FlowsAnswer, client.get("/flows?by=reporter,period&limit=5", headers=h))
    match = _ok(R.MatchAnswer, client.post("/match", json=QUERY, headers=h))
    assert isinstance(match, R.MatchAnswer) and match.responses["q1"].results
    run = client.post(
        "/screen", json={"parties": [{"id": "c1", "name": "Banco Nacional de Cuba"}]}, headers=h
    )
    screened = _ok(R.ScreenAnswer, run)
    assert isinstance(screened, R.ScreenAnswer) and screened.results[0].hits
    _ok(R.AlertsAnswer, client.get("/alerts", headers=h))
    _ok(R.AuditAnswer, client.get("/audit", headers=h))
    _ok(R.DecisionsAnswer, client.get("/decisions", headers=h))
    _ok(R.Me, client.get("/keys/me", headers=h))
    job = client.get("/leaks?hubs=ARM&did=false&top=3", headers=h)
    if job.status_code == 202:
        _ok(R.JobAnswer, client.get(job.headers["location"], headers=h))
    err = client.get("/jobs/0123456789abcdef", headers=h)
    assert err.status_code == 404
    R.ErrorAnswer.model_validate(err.json())
