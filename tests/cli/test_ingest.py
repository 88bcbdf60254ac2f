"""The ``roundabout ingest`` command as users and scripts call it."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from click.testing import Result
from typer.testing import CliRunner

from roundabout.cli.main import app

DATA = Path(__file__).parent.parent / "data" / "comtrade"


def run(*args: str, env: dict[str, str | None] | None = None) -> Result:
    return CliRunner().invoke(app, list(args), env=env)


def test_json_output_per_file(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    p = run("ingest", "--format", "comtrade", str(DATA / "exports_2022.csv"),
            str(DATA / "exports_2022.json"), "--db", str(db), "--json")  # fmt: skip
    assert p.exit_code == 0, p.stderr
    out = json.loads(p.stdout)
    assert [o["status"] for o in out] == ["loaded", "loaded"]
    for o in out:
        assert o["rows_read"] == o["rows_loaded"] + o["rows_rejected"]
    assert (out[0]["rows_read"], out[0]["rows_loaded"], out[0]["rows_rejected"]) == (13, 7, 6)
    assert p.stderr == ""  # no progress bar or chatter in JSON mode
    again = run("ingest", "-f", "comtrade", str(DATA / "exports_2022.csv"), "--db", str(db),
                "--json")  # fmt: skip
    assert json.loads(again.stdout)[0]["status"] == "already_loaded"


def test_store_from_environment_then_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env: dict[str, str | None] = {"ROUNDABOUT_DB": str(tmp_path / "env.duckdb")}
    p = run("ingest", "-f", "comtrade", str(DATA / "exports_2022.csv"), "--quiet", env=env)
    assert p.exit_code == 0, p.stderr
    assert p.stdout == ""
    assert (tmp_path / "env.duckdb").exists()
    env["ROUNDABOUT_DB"] = None  # unset: the default, in the working directory
    monkeypatch.chdir(tmp_path)
    p = run("ingest", "-f", "comtrade", str(DATA / "exports_2022.csv"), "-q", env=env)
    assert p.exit_code == 0, p.stderr
    assert (tmp_path / "roundabout.duckdb").exists()


def test_bad_file_one_line_error_nonzero_exit_store_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    good = DATA / "exports_2022.csv"
    bad = tmp_path / "bad.csv"
    bad.write_text("period;reporterCode;flowCode\n2022;276;X\n")
    p = run("ingest", "-f", "comtrade", str(good), str(bad), "--db", str(db), "--json")
    assert p.exit_code == 1
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {bad}: line 1: wrong delimiter")
    # the good file before it was loaded and reported; the bad one left no trace
    assert [o["file"] for o in json.loads(p.stdout)] == [str(good)]
    con = duckdb.connect(str(db), read_only=True)
    assert con.sql("select count(*) from manifest").fetchone() == (1,)
    con.close()


def test_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    p = run("ingest", "-f", "nonsense", str(DATA / "exports_2022.csv"), "--db", str(tmp_path / "s"))
    assert p.exit_code == 2
    assert "nonsense" in p.stderr


def test_status(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    run("ingest", "-f", "comtrade", str(DATA / "exports_2022.csv"), "--db", str(db), "-q")
    p = run("status", "--db", str(db), "--json")
    assert p.exit_code == 0, p.stderr
    s = json.loads(p.stdout)
    assert (s["files"], s["rows_loaded"], s["rows_rejected"]) == (1, 7, 6)
    assert s["sources"][0]["source"] == "comtrade"
    assert s["quarantine_reasons"]["negative value"] == 1
    missing = run("status", "--db", str(tmp_path / "none.duckdb"))
    assert missing.exit_code == 1
    assert "no such store" in missing.stderr
