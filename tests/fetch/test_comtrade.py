"""``fetch comtrade`` against a loopback server answering in the API v1 format."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from roundabout.cli.main import app
from roundabout.fetch import comtrade as ct
from roundabout.fetch.http import Client, FetchError, retry_seconds
from roundabout.store import Store

from .conftest import Request, Server

runner = CliRunner()
ISO = {51: "ARM", 398: "KAZ", 417: "KGZ", 643: "RUS", 276: "DEU", 156: "CHN"}


def value(reporter: int, partner: int, period: str, code: str, flow: str) -> float:
    """The value the fake API reports (so the test can recompute every total)."""
    return float(reporter + partner + int(period[-2:]) * 10 + int(code[-3:]) + len(flow))


def records(q: dict[str, str]) -> list[dict[str, Any]]:
    """One record per reporter x partner x period x code x flow of the query."""
    partners = [int(p) for p in q.get("partnerCode", "643,276,156").split(",")]
    out = []
    for r in map(int, q["reporterCode"].split(",")):
        for p in partners:
            for per in q["period"].split(","):
                for code in q["cmdCode"].split(","):
                    for flow in q["flowCode"].split(","):
                        out.append({
                            "typeCode": "C", "freqCode": "M" if len(per) == 6 else "A",
                            "refYear": int(per[:4]), "refMonth": int(per[4:] or 52),
                            "period": per, "reporterCode": r, "reporterISO": ISO[r],
                            "flowCode": flow, "partnerCode": p, "partnerISO": ISO[p],
                            "partner2Code": 0, "partner2ISO": "W00", "classificationCode": "H6",
                            "cmdCode": code, "aggrLevel": len(code), "customsCode": "C00",
                            "motCode": 0, "qtyUnitAbbr": "u", "qty": 1, "netWgt": 2.5,
                            "primaryValue": value(r, p, per, code, flow), "isReported": True,
                        })  # fmt: skip
    return out


def api(req: Request) -> tuple[int, dict[str, str], bytes]:
    """The API: at most maxRecords records, silently cut like the real one."""
    data = records(req.query)
    cap = int(req.query.get("maxRecords", "500"))
    body = {"elapsedTime": "0.1 secs", "count": min(len(data), cap), "data": data[:cap],
            "error": ""}  # fmt: skip
    return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()


def settings(server: Server, cap: int = 1000) -> ct.Settings:
    return ct.Settings(base=server.url, key="k-123", cap=cap)


def client(sleeps: list[float]) -> Client:
    return Client(headers={"Ocp-Apim-Subscription-Key": "k-123"}, sleep=sleeps.append)


def queries(**kw: Any) -> list[ct.Query]:
    args: dict[str, Any] = {
        "reporters": ["ARM", "KAZ"],
        "partners": ["RUS", "DEU"],
        "periods": ct.parse_periods("2022-01:2022-03", "M"),
        "codes": ["870323", "870324", "847130"],
        "flows": ["X", "M"],
        "freq": "M",
    } | kw
    return ct.plan(**args)


def test_plan_uses_comtrade_codes_and_api_limits() -> None:
    qs = queries(periods=ct.parse_periods("2021-01:2023-12", "M"), codes=ct.expand_codes("87"))
    # 2 reporters x 3 years of 12 months x ceil(codes / 100)
    n_codes = len(ct.expand_codes("87"))
    assert len(qs) == 2 * 3 * -(-n_codes // ct.CODES_PER_REQUEST)
    p = qs[0].params(500)
    assert (p["reporterCode"], p["partnerCode"], p["flowCode"]) == ("51", "276,643", "X,M")
    assert (p["customsCode"], p["motCode"], p["partner2Code"]) == ("C00", "0", "0")
    assert p["period"].split(",")[0] == "202101" and len(p["period"].split(",")) == 12
    assert all(c.startswith("87") and len(c) == 6 for c in ct.expand_codes("87"))
    assert ct.comtrade_code("USA") == 842 and ct.comtrade_code("FRA") == 251


def test_answers_at_the_cap_are_split_never_truncated(server: Server, tmp_path: Path) -> None:
    server.route = api
    qs = queries()
    # each first query asks for 1 reporter x 2 partners x 3 months x 3 codes x 2 flows = 36
    out = ct.fetch(qs, settings(server, cap=10), tmp_path / "cache", client=client([]))
    assert out.split > 0
    assert all(int(r.query["maxRecords"]) == 10 for r in server.requests)
    assert out.records == 2 * 36
    answers = [p.with_suffix(".json") for p in out.pages]  # the pages are their CSVs
    got = [rec for p in answers for rec in json.loads(p.read_bytes())["data"]]
    want = [rec for q in qs for rec in records(q.params())]
    key = lambda r: (r["reporterCode"], r["partnerCode"], r["period"], r["cmdCode"], r["flowCode"])  # noqa: E731
    assert sorted(map(key, got)) == sorted(map(key, want))
    assert all(len(json.loads(p.read_bytes())["data"]) < 10 for p in answers)
    # each CSV page holds its answer's records
    assert sum(len(p.read_text().splitlines()) - 1 for p in out.pages) == len(got)


def test_retries_429_honouring_retry_after_then_500(server: Server, tmp_path: Path) -> None:
    server.route = api
    server.queue = [(429, {"Retry-After": "7"}, b"slow down"), (500, {}, b"oops")]
    sleeps: list[float] = []
    out = ct.fetch(queries()[:1], settings(server), tmp_path, client=client(sleeps))
    assert sleeps == [7.0, 2.0]  # Retry-After, then the backoff of the second attempt
    assert len(server.requests) == 3 and out.records == 36
    assert server.requests[-1].headers["Ocp-Apim-Subscription-Key"] == "k-123"


def test_retry_after_as_http_date() -> None:
    assert retry_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert retry_seconds("12") == 12.0 and retry_seconds("soon") is None


def test_bad_key_is_one_clear_error(server: Server, tmp_path: Path) -> None:
    server.route = lambda _r: (401, {}, b'{"statusCode": 401, "message": "Access denied"}')
    with pytest.raises(FetchError, match=r"HTTP 401: .*check COMTRADE_API_KEY"):
        ct.fetch(queries()[:1], settings(server), tmp_path, client=client([]))
    assert len(server.requests) == 1  # never retried
    assert not list(tmp_path.iterdir())


def test_malformed_json_is_refused_and_not_cached(server: Server, tmp_path: Path) -> None:
    server.route = lambda _r: (200, {}, b'{"data": [{"period": "202201",')
    with pytest.raises(FetchError, match="not valid JSON"):
        ct.fetch(queries()[:1], settings(server), tmp_path, client=client([]))
    assert not list(tmp_path.iterdir())


def test_cli_fetch_loads_then_second_fetch_makes_no_request(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.route = api
    monkeypatch.setenv("ROUNDABOUT_COMTRADE_URL", server.url)
    monkeypatch.setenv("COMTRADE_API_KEY", "k-123")
    db, cache = tmp_path / "s.duckdb", tmp_path / "cache"
    args = ["fetch", "comtrade", "--reporters", "ARM,KGZ", "--partners", "RUS",
            "--period", "2022-01:2022-02", "--hs", "870323,847130", "--flows", "X",
            "--freq", "M", "--db", str(db), "--cache", str(cache), "--json"]  # fmt: skip
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    first = json.loads(r.output)
    assert (first["requests"], first["cached"], first["rows_loaded"]) == (2, 0, 8)
    assert server.requests[0].path == "/data/v1/get/C/M/HS"
    assert server.requests[0].headers["Ocp-Apim-Subscription-Key"] == "k-123"
    with Store(db, read_only=True) as s:
        f = s.flows().to_pandas()
    want = sum(
        value(rep, 643, per, code, "X")
        for rep in (51, 417) for per in ("202201", "202202") for code in ("870323", "847130")
    )  # fmt: skip
    assert f.value.sum() == want and set(f.reporter) == {"ARM", "KGZ"}
    assert set(f.period) == {"2022-01", "2022-02"} and set(f.currency) == {"USD"}
    r = runner.invoke(app, args)
    second = json.loads(r.output)
    assert (second["requests"], second["cached"], second["rows_loaded"]) == (0, 2, 0)
    assert [x["status"] for x in second["files"]] == ["already_loaded"] * 2
    assert len(server.requests) == 2


def test_cli_without_key_uses_the_preview_and_says_so(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.route = api
    monkeypatch.setenv("ROUNDABOUT_COMTRADE_URL", server.url)
    monkeypatch.delenv("COMTRADE_API_KEY", raising=False)
    r = runner.invoke(app, ["fetch", "comtrade", "--reporters", "ARM", "--partners", "RUS",
                            "--period", "2022:2022", "--freq", "A", "--hs", "870323",
                            "--db", str(tmp_path / "s.duckdb"),
                            "--cache", str(tmp_path / "c")])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "public preview endpoint, at most 500 records per request" in r.output
    assert server.requests[0].path == "/public/v1/preview/C/A/HS"
    assert "Ocp-Apim-Subscription-Key" not in server.requests[0].headers


def test_dry_run_requests_nothing(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROUNDABOUT_COMTRADE_URL", server.url)
    monkeypatch.setenv("COMTRADE_API_KEY", "k-123")
    r = runner.invoke(app, ["fetch", "comtrade", "--reporters", "KAZ,KGZ,ARM", "--partners",
                            "RUS", "--period", "2021-01:2023-12", "--hs", "84,85,87",
                            "--dry-run"])  # fmt: skip
    assert r.exit_code == 0, r.output
    lines = [x for x in r.output.splitlines() if x.startswith("GET ")]
    assert len(lines) == 3 * 3 * -(-len(ct.expand_codes("84,85,87")) // 100)
    assert "k-123" not in r.output and not server.requests
