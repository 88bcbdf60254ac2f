"""Commands load when they run (:mod:`roundabout.cli.lazy`): the help lists them without
importing them, and says exactly what the loaded commands would."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator

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
