"""Docs offline and closable: assets from the package, a CSP without third-party scripts,
the bearer scheme in the OpenAPI document."""

from __future__ import annotations

import re


def test_docs_pages_load_only_local_assets(api):
    client, _ = api()
    for page in ("/docs", "/redoc"):
        r = client.get(page)
        assert r.status_code == 200
        csp = r.headers["content-security-policy"]
        assert (
            "script-src 'self';" in csp
            and "http" not in csp
            and "unsafe-inline" not in (csp.split("script-src", 1)[1].split(";", 1)[0])
        )
        srcs = re.findall(r'(?:src|href)="([^"]+)"', r.text)
        assert srcs and all(s.startswith("/") for s in srcs), srcs
        assert "<script>" not in r.text  # no inline script: the CSP would refuse it
        for s in srcs:
            asset = client.get(s)
            assert asset.status_code == 200 and len(asset.content) > 100, s
    assert client.get("/docs-assets/../../etc/passwd").status_code == 404
    assert client.get("/docs-assets/nosuch.js").status_code == 404


def test_no_docs_turns_them_off(api):
    client, _ = api(docs=False)
    for path in ("/docs", "/redoc", "/openapi.json", "/docs-assets/swagger-ui.css"):
        assert client.get(path).status_code == 404, path


def test_openapi_declares_the_bearer_scheme(api):
    client, _ = api()
    spec = client.get("/openapi.json").json()
    schemes = spec["components"]["securitySchemes"]
    assert schemes["apiKey"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["apiKey"]["description"],
    }
    assert spec["paths"]["/leaks"]["get"]["security"] == [{"apiKey": []}]
    assert "security" not in spec["paths"]["/health"]["get"]


def test_json_answers_have_a_closed_policy(api):
    client, h = api()
    r = client.get("/alerts", headers=h)
    assert r.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert "script-src 'self'" in client.get("/").headers["content-security-policy"]
