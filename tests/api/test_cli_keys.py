"""``roundabout keys``: the key on the last line, only its hash stored, revocation."""

from __future__ import annotations

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
