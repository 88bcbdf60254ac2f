"""``roundabout serve``: the list index is built before the server listens."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from roundabout.cli.main import app as cli


def test_a_bad_list_fails_before_listening(store_template, tmp_path):
    src, _ = store_template
    db = tmp_path / "serve.duckdb"
    db.write_bytes(Path(src).read_bytes())
    res = CliRunner().invoke(cli, ["serve", "--db", str(db), "--port", "0", "--list", "nosuch"])
    assert res.exit_code == 1
    last = res.stderr.strip().splitlines()[-1]
    assert last.startswith("error: ") and "nosuch" in last


def test_a_busy_port_fails_before_the_index_is_built(store_template, tmp_path):
    import socket

    src, _ = store_template
    db = tmp_path / "serve.duckdb"
    db.write_bytes(Path(src).read_bytes())
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        res = CliRunner().invoke(cli, ["serve", "--db", str(db), "--port", str(port)])
    assert res.exit_code == 1
    lines = res.stderr.strip().splitlines()
    assert lines == [
        f"error: cannot listen on 127.0.0.1:{port}: in use (choose another with --port)"
    ]
