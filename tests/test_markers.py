"""The ``spark`` marker selects exactly the tests that start Spark, so ``make test-fast``
(``pytest -m "not spark"``) never starts Java and ``make test`` still runs them all."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).parent.parent
# The files whose tests run on both engines (the ``engine`` fixture).
ENGINE_FILES = ("tests/store/test_queries.py", "tests/analytics/test_engines.py")


def _collect(*args: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode in (0, 5), done.stdout + done.stderr  # 5: nothing selected
    return [line for line in done.stdout.splitlines() if "::" in line]


def test_the_spark_half_of_every_engine_test_is_marked() -> None:
    marked = _collect("-m", "spark", *ENGINE_FILES)
    unmarked = _collect("-m", "not spark", *ENGINE_FILES)
    assert marked, "no test is marked spark"
    assert all(re.search(r"\[spark\]$", t) for t in marked), marked
    assert not any("spark" in t for t in unmarked), unmarked
    assert any(t.endswith("[duckdb]") for t in unmarked)


def test_a_test_asking_for_the_spark_session_is_marked(tmp_path: Path) -> None:
    probe = tmp_path / "test_probe.py"
    probe.write_text("def test_uses(spark_session):\n    pass\n\ndef test_plain():\n    pass\n")
    conftest = REPO / "tests" / "conftest.py"
    (tmp_path / "conftest.py").write_text(conftest.read_text(encoding="utf-8"), encoding="utf-8")
    args = ("--rootdir", str(tmp_path), str(probe))
    assert [t.rsplit("::", 1)[1] for t in _collect("-m", "spark", *args)] == ["test_uses"]
    assert [t.rsplit("::", 1)[1] for t in _collect("-m", "not spark", *args)] == ["test_plain"]


def test_make_test_fast_skips_spark_and_make_test_does_not() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    fast = re.search(r"^pytest-fast:.*\n\t(.*)$", makefile, re.M)
    full = re.search(r"^pytest:.*\n\t(.*)$", makefile, re.M)
    assert fast and '-m "not spark"' in fast.group(1)
    assert full and "spark" not in full.group(1)
    assert re.search(r"^test-fast: .*pytest-fast", makefile, re.M)
