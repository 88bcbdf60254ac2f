"""Commands load when they run (:mod:`roundabout.cli.lazy`): the help lists them without
importing them, and says exactly what the loaded commands would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roundabout.cli.main import COMMANDS, RoundaboutGroup, app

HEAVY = ("fastapi", "pandas", "pyarrow", "ibis", "duckdb", "rapidfuzz", "scipy", "uvicorn")

PROBE = """
import json, sys
from roundabout.cli.main import app
try:
    app(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(m for m in {heavy} if m in sys.modules)), file=sys.stderr)
"""


def _heavy_imported(*args: str) -> tuple[list[str], str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stderr.strip().splitlines()[-1]), done.stdout


def test_help_and_version_import_no_command() -> None:
    for args in (["--help"], ["--version"]):
        heavy, out = _heavy_imported(*args)
        assert heavy == [], (args, heavy)
        assert out.strip(), args
    heavy, out = _heavy_imported("--help")
    for name in COMMANDS:
        assert f" {name} " in out, name


@pytest.fixture
def loaded_help() -> Iterator[None]:
    RoundaboutGroup.summaries_in_help = False
    try:
        yield
    finally:
        RoundaboutGroup.summaries_in_help = True


def _help() -> str:
    res = CliRunner().invoke(app, ["--help"], terminal_width=200)
    assert res.exit_code == 0, res.output
    return res.stdout


def test_the_summaries_are_the_commands_own_help(loaded_help: None) -> None:
    real = _help()
    RoundaboutGroup.summaries_in_help = True
    assert _help() == real


def test_a_command_runs_and_a_typo_names_the_lazy_command() -> None:
    res = CliRunner().invoke(app, ["lists", "--help"])
    assert res.exit_code == 0 and "show" in res.stdout
    res = CliRunner().invoke(app, ["scren"])
    assert res.exit_code == 2 and "Did you mean 'screen'?" in res.output


def test_screening_one_name_with_a_stored_index_imports_no_ibis_pandas_or_pyarrow(
    tmp_path: Path,
) -> None:
    """The one-name path (issue 12: under a second) reads the stored index and writes its
    results with plain DuckDB: Ibis, pandas and PyArrow cost more than the screening."""
    data = Path(__file__).parents[1] / "data" / "lists"
    db = tmp_path / "s.duckdb"
    runner = CliRunner()
    loaded = runner.invoke(
        app, ["lists", "load", str(data / "ofac_sdn_sample.csv"), "--db", str(db)]
    )
    assert loaded.exit_code == 0, loaded.output
    one = tmp_path / "one.csv"
    one.write_text("id,name,country\np1,Ivan Petrov,RU\n", encoding="utf-8")
    cache = tmp_path / "index"
    env = {**os.environ, "ROUNDABOUT_INDEX_CACHE": str(cache)}
    args = ["screen", "parties", str(one), "--db", str(db)]
    # the first run builds and stores the index; the second only reads it
    for _run in (1, 2):
        done = subprocess.run(
            [sys.executable, "-c", PROBE.format(heavy=HEAVY), *args],
            capture_output=True,
            text=True,
            env=env,
        )
        assert "Traceback" not in done.stderr, done.stderr
    heavy = json.loads(done.stderr.strip().splitlines()[-1])
    assert "p1" in done.stdout, done.stdout
    assert not {"ibis", "pandas", "pyarrow"} & set(heavy), heavy
