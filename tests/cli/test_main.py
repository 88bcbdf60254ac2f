"""The entry point: ``--version``, and output files whose directory is missing are refused
(before any work, nothing created)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

import roundabout
from roundabout.cli.main import app


def test_version() -> None:
    res = CliRunner().invoke(app, ["--version"])
    assert res.exit_code == 0 and res.stdout.strip() == f"roundabout {roundabout.__version__}"
    exe = Path(sys.executable).parent / "roundabout"
    done = subprocess.run([sys.executable, str(exe), "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == f"roundabout {roundabout.__version__}"


def test_report_refuses_a_missing_directory(synthetic_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "missing" / "dir" / "r.html"
    res = CliRunner().invoke(app, ["report", "--db", str(synthetic_store), "--out", str(out)])
    assert res.exit_code == 1
    lines = res.stderr.strip().splitlines()
    assert lines == [f"error: --out {out}: no such directory {out.parent} (create it first)"]
    assert not (tmp_path / "missing").exists()


def test_report_refuses_a_directory_as_its_file(synthetic_store: Path, tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["report", "--db", str(synthetic_store), "--out", str(tmp_path)])
    assert res.exit_code == 1 and "is a directory" in res.stderr
