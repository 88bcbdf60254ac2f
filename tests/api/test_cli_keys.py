"""``roundabout keys``: the key on the last line, only its hash stored, revocation."""

from __future__ import annotations

import subprocess
import sys

import duckdb
from typer.testing import CliRunner

from roundabout.api.keys import check, list_keys, parse_token
from roundabout.cli.keys import keys_app
from roundabout.store import Store


def test_create_list_revoke(tmp_path):
    db = tmp_path / "k.duckdb"
    runner = CliRunner()
    res = runner.invoke(keys_app, ["create", "--name", "ci bot", "--db", str(db)])
    assert res.exit_code == 0, res.output
    token = res.stdout.strip().splitlines()[-1]
    parsed = parse_token(token)
    assert parsed is not None
    key_id, secret = parsed
    con = duckdb.connect(str(db), read_only=True)
    stored = con.execute("SELECT key_id, name, salt, secret_sha256 FROM api_keys").fetchall()
    con.close()
    assert stored[0][0] == key_id and secret not in str(stored)
    with Store(db, read_only=True) as store:
        (key,) = list_keys(store)
    wrong = secret[:-1] + ("B" if secret.endswith("A") else "A")
    assert check(key, secret) and not check(key, wrong)
    res = runner.invoke(keys_app, ["revoke", "ci bot", "--db", str(db)])
    assert res.exit_code == 0 and key_id in res.stdout
    with Store(db, read_only=True) as store:
        (key,) = list_keys(store)
    assert not key.active and not check(key, secret)
    res = runner.invoke(keys_app, ["revoke", "ci bot", "--db", str(db)])
    assert res.exit_code == 1


def test_bad_name_is_refused(tmp_path):
    res = CliRunner().invoke(keys_app, ["create", "--name", "", "--db", str(tmp_path / "k.duckdb")])
    assert res.exit_code == 1


def test_a_store_held_by_a_server_is_one_clear_line(tmp_path):
    """DuckDB lets one process write a file: while `roundabout serve` holds the store, the
    key commands say so in one line (exit 1) instead of a traceback."""
    db = tmp_path / "k.duckdb"
    runner = CliRunner()
    assert runner.invoke(keys_app, ["create", "--name", "first", "--db", str(db)]).exit_code == 0
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True);"
            " time.sleep(120)",
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        for args in (["create", "--name", "second"], ["list"], ["revoke", "first"]):
            res = runner.invoke(keys_app, [*args, "--db", str(db)])
            assert res.exit_code == 1, (args, res.output)
            lines = res.stderr.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("error: "), lines
            assert f"in use by process {holder.pid}" in lines[0]
            assert "roundabout serve" in lines[0] and f"keys {args[0]}" in lines[0]
    finally:
        holder.kill()
        holder.wait()
    res = runner.invoke(keys_app, ["list", "--db", str(db)])  # released: works again
    assert res.exit_code == 0 and "first" in res.stdout and "second" not in res.stdout


def test_create_with_permissions(tmp_path):
    db = tmp_path / "k.duckdb"
    runner = CliRunner()
    res = runner.invoke(keys_app, ["create", "--name", "lead", "--can", "decide", "--db", str(db)])
    assert res.exit_code == 0, res.output
    res = runner.invoke(keys_app, ["create", "--name", "bot", "--db", str(db)])
    assert res.exit_code == 0
    bad = runner.invoke(keys_app, ["create", "--name", "x", "--can", "root", "--db", str(db)])
    assert bad.exit_code == 1 and "unknown permission 'root'" in bad.output
    with Store(db, read_only=True) as store:
        perms = {k.name: k.permissions for k in list_keys(store)}
    assert perms == {"lead": ("read", "decide"), "bot": ("read", "screen")}
