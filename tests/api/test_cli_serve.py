"""``roundabout serve``: the list index is built before the server listens."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from roundabout.cli.main import app as cli


def test_a_bad_list_fails_before_listening(store_template, tmp_path):
    src, _ = store_template
    db = tmp_path / "serve.duckdb"
    db.write_bytes(Path(src).read_bytes())
    res = CliRunner().invoke(cli, ["serve", "--db", str(db), "--port", "1", "--list", "nosuch"])
    assert res.exit_code == 1
    last = res.stderr.strip().splitlines()[-1]
    assert last.startswith("error: ") and "nosuch" in last
