"""Packaging: the licence, the distribution name, the wheel's contents, the Dockerfile (built
where a docker engine answers, skipped cleanly where none does)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

import roundabout

REPO = Path(__file__).parent.parent
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_licence_is_mit_as_declared() -> None:
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "WITHOUT WARRANTY OF ANY KIND" in text
    assert PYPROJECT["project"]["license"] == "MIT"
    assert PYPROJECT["project"]["license-files"] == ["LICENSE"]


def test_the_distribution_name_is_not_the_taken_one() -> None:
    project = PYPROJECT["project"]
    assert project["name"] == "roundabout-sanctions"  # "roundabout" is another project on PyPI
    assert project["scripts"] == {"roundabout": "roundabout.cli.main:main"}
    assert "version" in project["dynamic"]
    assert PYPROJECT["tool"]["hatch"]["version"]["path"] == "src/roundabout/__init__.py"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    hatchling = Path(sys.executable).parent / "hatchling"
    if not hatchling.exists():
        pytest.skip("hatchling is not installed next to this Python")
    tmp = tmp_path_factory.mktemp("wheel")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(REPO / name, tmp / name)
    shutil.copytree(REPO / "src", tmp / "src", ignore=shutil.ignore_patterns("__pycache__"))
    done = subprocess.run(
        [str(hatchling), "build", "-t", "wheel", "-d", "dist"],
        cwd=tmp,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    (built,) = (tmp / "dist").glob("*.whl")
    return built


def test_the_wheel_holds_the_package_its_data_and_the_licence(wheel: Path) -> None:
    version = roundabout.__version__
    assert wheel.name == f"roundabout_sanctions-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        info = f"roundabout_sanctions-{version}.dist-info"
        meta = z.read(f"{info}/METADATA").decode()
        entry = z.read(f"{info}/entry_points.txt").decode()
    assert re.search(r"^Name: roundabout-sanctions$", meta, re.M)
    assert re.search(rf"^Version: {re.escape(version)}$", meta, re.M)
    assert re.search(r"^License-Expression: MIT$", meta, re.M)
    assert f"{info}/licenses/LICENSE" in names
    assert "roundabout = roundabout.cli.main:main" in entry
    assert not [n for n in names if n.startswith("roundabout/synth/")]  # tests and bench only
    for data in ("lists/data", "reference/data", "dashboard/static", "matching/data"):
        src = [p for p in (REPO / "src" / "roundabout" / data).rglob("*") if p.is_file()]
        src = [p for p in src if "__pycache__" not in p.parts]
        assert src and all(
            f"roundabout/{p.relative_to(REPO / 'src' / 'roundabout')}" in names for p in src
        ), data


def _bootstrap_packages() -> set[str]:
    text = (REPO / "scripts" / "bootstrap.sh").read_text(encoding="utf-8")
    return set(re.findall(r"need_apt\+=\(([a-z0-9.+-]+)\)", text))


def test_the_dockerfile_installs_what_bootstrap_installs() -> None:
    text = (REPO / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim", text, re.M)
    wanted = _bootstrap_packages() - {"chromium"}  # the browser is for the dashboard tests only
    assert wanted == {"openjdk-17-jre-headless", "g++", "pkg-config", "libicu-dev"}
    install = re.search(r"apt-get install[^\n]*\n((?:.*\\\n)*.*)", text)
    assert install is not None
    assert wanted <= set(install.group(0).replace("\\", " ").split())
    assert "-c requirements.lock" in text  # pinned versions


def _docker_engine() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        done = subprocess.run(["docker", "info"], capture_output=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


@pytest.mark.skipif(not _docker_engine(), reason="no docker engine answers here")
def test_the_image_builds_and_runs() -> None:  # pragma: no cover - needs a docker engine
    tag = "roundabout-sanctions:test"
    build = subprocess.run(
        ["docker", "build", "-t", tag, "."], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert build.returncode == 0, build.stderr[-3000:]
    run = subprocess.run(
        ["docker", "run", "--rm", tag, "--version"], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0 and run.stdout.strip() == f"roundabout {roundabout.__version__}"
