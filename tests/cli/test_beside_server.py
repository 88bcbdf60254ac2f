"""Commands beside a running ``roundabout serve`` (a real second process holding the store):
reads and screening go through the server and print what they print on the store; other
writes fail in one line naming the server; never DuckDB's raw lock error."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roundabout.cli.main import app
from roundabout.store import Store
from roundabout.store.holder import server_file, token_file

DATA = Path(__file__).parents[1] / "data"
LIST = DATA / "lists" / "ofac_sdn_sample.csv"

#: Read commands, compared with their output on the store before the server started.
READS = (
    ["status"],
    ["status", "--json"],
    ["lists", "show"],
    ["lists", "show", "--json"],
    ["screen", "audit", "--json"],
    ["leaks", "--no-did", "--bootstrap", "0", "--json"],
    ["leaks", "--no-did", "--bootstrap", "0", "--top", "3"],
)
#: Writes the server does not carry out.
WRITES = (
    ["ingest", "--format", "comtrade", str(DATA / "comtrade" / "exports_2022.csv")],
    ["lists", "load", str(LIST)],
)
HOLD = "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('held', flush=True); input()"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _cli(*args: str) -> tuple[int, str, str]:
    res = CliRunner().invoke(app, list(args))
    return res.exit_code, res.stdout, res.stderr


@dataclass
class Served:
    db: Path
    pid: int
    url: str
    direct: dict[tuple[str, ...], str]
    process: subprocess.Popen[str]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def served(synthetic_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The synthetic store with a sample list, its read commands' output on the store, then
    the store held by a real `roundabout serve` (one per module, always stopped)."""
    db = tmp_path_factory.mktemp("beside") / "s.duckdb"
    db.write_bytes(synthetic_store.read_bytes())
    code, _, err = _cli("lists", "load", str(LIST), "--db", str(db))
    assert code == 0, err
    direct = {}
    for args in READS:
        code, out, err = _cli(*args, "--db", str(db))
        assert code == 0, (args, err)
        direct[tuple(args)] = out
    port = _free_port()
    exe = Path(sys.executable).parent / "roundabout"
    cmd = [sys.executable, str(exe), "serve", "--db", str(db), "--port", str(port)]
    server = subprocess.Popen(
        [*cmd, "--list", "ofac_sdn"],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    served = Served(db, server.pid, f"http://127.0.0.1:{port}/", direct, server)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, server.stderr.read() if server.stderr else "exited"
            try:
                with urllib.request.urlopen(served.url + "health", timeout=5):
                    break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        yield served
    finally:
        served.stop()


def test_reads_print_through_the_server_what_they_print_on_the_store(served: Served) -> None:
    assert json.loads(server_file(served.db).read_text()) == {"pid": served.pid, "url": served.url}
    for args, expected in served.direct.items():
        code, out, err = _cli(*args, "--db", str(served.db))
        assert code == 0, (args, err)
        assert out == expected, args


def test_screening_goes_through_the_server_as_the_local_user(
    served: Served, tmp_path: Path
) -> None:
    parties = tmp_path / "parties.csv"
    parties.write_text("id,name,country\np1,Banco Nacional de Cuba,CU\np2,Nobody Here,DE\n")
    code, out, err = _cli("screen", "parties", str(parties), "--json", "--db", str(served.db))
    assert code == 0, err
    run = json.loads(out)
    assert run["file"] == str(parties) and run["snapshots"][0].startswith("ofac_sdn:")
    assert any(r["matched"] for r in run["results"])
    code, out, _ = _cli("screen", "audit", "--json", "--db", str(served.db))
    last = json.loads(out)[-1]
    assert last["event"] == "screening_run" and last["actor"].startswith("cli:")
    hit = next(r for r in run["results"] if r["matched"])["hits"][0]["entity_id"]
    decide = ["screen", "decide", "p1", hit, "--decision", "true_match", "--json"]
    code, out, err = _cli(*decide, "--reviewer", "ana", "--reason", "same", "--db", str(served.db))
    assert code == 0, err
    rec = json.loads(out)
    assert rec["reviewer"] == "ana" and rec["actor"].startswith("cli:")
    code, out, err = _cli("screen", "audit", "--verify", "--db", str(served.db))
    assert code == 0, err


def _one_line_error(args: list[str]) -> str:
    code, _, err = _cli(*args)
    assert code == 1, (args, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), (args, lines)
    assert "IO Error" not in lines[0] and "Conflicting lock" not in lines[0]
    return lines[0]


def test_other_writes_fail_in_one_line_naming_the_server(served: Served) -> None:
    for args in WRITES:
        line = _one_line_error([*args, "--db", str(served.db)])
        assert f"PID {served.pid}" in line and served.url in line, line
        assert "does not go through a running server" in line, line
    code, _, err = _cli("leaks", "--target", "XXX", "--no-did", "--db", str(served.db))
    assert code == 1 and "server" not in err and err.startswith("error: "), err


def test_only_the_token_s_owner_is_a_local_caller(served: Served) -> None:
    assert stat.S_IMODE(token_file(served.db).stat().st_mode) == 0o600
    body = json.dumps({"command": "status", "args": {"db": "x", "as_json": True}}).encode()
    for token in (None, "wrong"):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["X-Roundabout-Local"] = token
        req = urllib.request.Request(served.url + "local/run", body, headers, method="POST")
        with pytest.raises(urllib.error.HTTPError) as exc:
            urllib.request.urlopen(req, timeout=10)
        assert exc.value.code == 401


def test_stopping_the_server_withdraws_its_address(served: Served) -> None:
    served.stop()
    assert not server_file(served.db).exists() and not token_file(served.db).exists()
    code, out, _ = _cli("status", "--db", str(served.db))  # the store itself again
    assert code == 0 and out == served.direct[("status",)]


def test_a_store_held_by_another_program_names_it(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    Store(db).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        line = _one_line_error(["status", "--db", str(db)])
        name = Path(sys.executable).name
        assert f"in use by `{name}` (PID {holder.pid})" in line and "try again" in line, line
    finally:
        holder.kill()
        holder.wait()
    code, _, err = _cli("status", "--db", str(db))  # released: works again
    assert code == 0, err
