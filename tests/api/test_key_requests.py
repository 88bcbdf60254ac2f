"""Keys managed while the server holds the store: requests through the spool directory."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roundabout.api import key_requests
from roundabout.api.keys import check, list_keys, new_key, parse_token
from roundabout.cli.keys import keys_app
from roundabout.errors import RoundaboutError, StoreError
from roundabout.store import Store

LIST = Path(__file__).parents[1] / "data" / "lists" / "ofac_sdn_sample.csv"


def test_requests_are_applied_and_answered(tmp_path: Path) -> None:
    db = tmp_path / "k.duckdb"
    spool = key_requests.open_spool(db)
    assert spool.is_dir() and (spool.stat().st_mode & 0o777) == 0o700
    record, token = new_key("bot")
    good = spool / "a.request.json"
    good.write_text(json.dumps({"op": "create", **record.to_record()}), encoding="utf-8")
    (spool / "b.request.json").write_text("{not json", encoding="utf-8")
    (spool / "c.request.json").write_text('{"op": "drop"}', encoding="utf-8")
    (spool / "d.request.json").write_text('{"op": "revoke"}', encoding="utf-8")
    with Store(db) as store:
        assert key_requests.process(store, spool) == 4
        (key,) = list_keys(store)
    parsed = parse_token(token)
    assert parsed is not None and check(key, parsed[1])
    answers = {p.name: json.loads(p.read_text()) for p in spool.glob("*.answer.json")}
    assert answers["a.answer.json"]["created"]["key_id"] == record.key_id
    assert "unreadable request" in answers["b.answer.json"]["error"]
    assert answers["c.answer.json"] == {"error": "unknown request 'drop'"}
    assert answers["d.answer.json"] == {"error": "request without 'ref'"}
    assert not list(spool.glob("*.request.json"))
    key_requests.close_spool(db)
    assert not spool.exists()


def test_no_answer_in_time_withdraws_the_request(tmp_path: Path) -> None:
    db = tmp_path / "k.duckdb"
    with pytest.raises(StoreError, match="takes no key requests"):
        key_requests.submit(db, {"op": "list"})
    spool = key_requests.open_spool(db)
    with pytest.raises(StoreError, match="did not answer the key request within 0 s"):
        key_requests.submit(db, {"op": "list"}, wait=0.2)
    assert not list(spool.iterdir())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _status(port: int, token: str) -> int:
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/decisions", headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return int(r.status)
    except urllib.error.HTTPError as e:
        return int(e.code)


def _wait_for(port: int, server: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert server.poll() is None, server.stderr.read() if server.stderr else "exited"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5):
                return
        except OSError:  # refused, or (the port is taken before the index is built) no answer yet
            time.sleep(0.2)
    raise AssertionError("the server did not start")


def test_keys_created_and_revoked_while_the_server_runs(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    runner = CliRunner()
    res = runner.invoke(keys_app, ["create", "--name", "first", "--db", str(db)])
    assert res.exit_code == 0, res.output
    first = res.stdout.strip().splitlines()[-1]
    port = _free_port()
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "roundabout.cli.main", "serve", "--db", str(db)),
            *("--port", str(port), "--list", str(LIST)),
        ],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        _wait_for(port, server)
        assert _status(port, first) == 200
        res = runner.invoke(keys_app, ["create", "--name", "live", "--db", str(db)])
        assert res.exit_code == 0, res.output
        live = res.stdout.strip().splitlines()[-1]
        assert _status(port, live) == 200  # accepted at once, no restart
        res = runner.invoke(keys_app, ["revoke", "live", "--db", str(db)])
        assert res.exit_code == 0 and "revoked" in res.stdout
        assert _status(port, live) == 401  # refused at once
        assert _status(port, first) == 200
        res = runner.invoke(keys_app, ["list", "--json", "--db", str(db)])
        states = {k["name"]: k["active"] for k in json.loads(res.stdout)}
        assert states == {"first": True, "live": False}
        res = runner.invoke(keys_app, ["revoke", "nosuch", "--db", str(db)])
        assert res.exit_code == 1 and "no active API key" in res.stderr
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert not key_requests.spool_dir(db).exists()  # removed when the server stops


def test_a_failed_request_is_raised(tmp_path: Path) -> None:
    with Store(tmp_path / "k.duckdb") as store, pytest.raises(RoundaboutError, match="no active"):
        key_requests.apply_or_raise(store, {"op": "revoke", "ref": "nobody"})
