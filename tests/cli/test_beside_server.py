"""Every command beside a running ``roundabout serve`` (a real second process holding the
store): one line naming the server, never DuckDB's raw lock error."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roundabout.cli.main import app
from roundabout.store import Store

DATA = Path(__file__).parents[1] / "data"
EXAMPLES = Path(__file__).parents[2] / "examples" / "screening"

READS = (["status"], ["leaks", "--no-did"], ["report", "--no-did", "--out", "{tmp}/r.html"])
WRITES = (
    ["ingest", "--format", "comtrade", str(DATA / "comtrade" / "exports_2022.csv")],
    ["lists", "show"],
    ["lists", "load", "--bundled"],
    ["screen", "audit"],
    ["screen", "parties", str(EXAMPLES / "parties.csv")],
)


HOLD = "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('held', flush=True); input()"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, int, str]]:
    """A store held by a real `roundabout serve` process: (path, its pid, its address)."""
    db = tmp_path / "s.duckdb"
    Store(db).close()
    port = _free_port()
    exe = Path(sys.executable).parent / "roundabout"
    server = subprocess.Popen(
        [sys.executable, str(exe), "serve", "--db", str(db), "--port", str(port)],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stderr is not None
        line = server.stderr.readline()  # printed once the store is open (and locked)
        assert "building the list index" in line, line
        yield db, server.pid, f"http://127.0.0.1:{port}/"
    finally:
        server.terminate()
        server.wait(timeout=30)


def _one_line_error(args: list[str], tmp_path: Path) -> str:
    res = CliRunner().invoke(app, [*(a.format(tmp=tmp_path) for a in args)])
    assert res.exit_code == 1, (args, res.output)
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), (args, lines)
    assert "IO Error" not in lines[0] and "Conflicting lock" not in lines[0]
    return lines[0]


def test_commands_beside_a_server_fail_in_one_line_naming_it(
    served: tuple[Path, int, str], tmp_path: Path
) -> None:
    db, pid, url = served
    for args in READS:
        line = _one_line_error([*args, "--db", str(db)], tmp_path)
        assert f"PID {pid}" in line and url in line and "roundabout serve" in line, line
        assert "ask the server" in line, line
    for args in WRITES:
        line = _one_line_error([*args, "--db", str(db)], tmp_path)
        assert f"PID {pid}" in line and url in line, line
        assert "only `roundabout keys` goes through a running server" in line, line
    assert not (tmp_path / "r.html").exists()


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
        line = _one_line_error(["status", "--db", str(db)], tmp_path)
        name = Path(sys.executable).name
        assert f"in use by `{name}` (PID {holder.pid})" in line and "try again" in line, line
    finally:
        holder.kill()
        holder.wait()
    res = CliRunner().invoke(app, ["status", "--db", str(db)])  # released: works again
    assert res.exit_code == 0, res.output
