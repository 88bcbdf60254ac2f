"""Shared fixtures: a fresh store, the test data folder, and both engines.

``engine`` is parametrized over DuckDB and Spark so that one test body runs on every engine
(splink's rule). The Spark session is local, started once per test session (5-10 s).

Every test that starts Spark carries the ``spark`` marker: the Spark half of ``engine`` is a
marked parameter, and any test asking for ``spark_session`` directly is marked at collection
(:func:`pytest_collection_modifyitems`). ``pytest -m "not spark"`` (``make test-fast``)
therefore never starts Java.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from roundabout.sources import importer_for
from roundabout.sources.load import LoadResult, load_file
from roundabout.store import Store

# Every report the tests render is strict: a section that raises fails the test (the
# default for users writes "not available" in its place; roundabout.report.html.STRICT_ENV).
os.environ.setdefault("ROUNDABOUT_REPORT_STRICT", "1")

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).parent.parent


# The one synthetic store: a small panel with planted re-routing through ARM, KAZ and KGZ
# (monthly, 2021-01..2022-10), with every table of a store. Tests that write copy it.
SYNTHETIC_SPEC: dict[str, Any] = {
    "products": 40,
    "origins": ("DEU", "FRA"),
    "hubs": ("ARM", "KAZ", "KGZ"),
    "controls": ("CHL",),
    "start": "2021-01",
    "end": "2022-10",
    "n_reroute": 3,
    "n_lost": 2,
    "n_local": 2,
    "n_unsanctioned": 2,
    "seed": 4,
}


@pytest.fixture(scope="session")
def synthetic_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of a store holding the synthetic panel (:data:`SYNTHETIC_SPEC`); read it only
    (``Store(path, read_only=True)``) or copy it first (:func:`synthetic_copy`)."""
    from roundabout.synth.panel import PanelSpec, write_panel

    tmp = tmp_path_factory.mktemp("synthetic")
    panel = write_panel(tmp / "panel.parquet", PanelSpec(**SYNTHETIC_SPEC), fmt="parquet")
    path = tmp / "store.duckdb"
    with Store(path) as s:
        s.append("flows", pq.read_table(panel.path))
    return path


@pytest.fixture
def synthetic_copy(synthetic_store: Path, tmp_path: Path) -> Path:
    """A private, writable copy of :func:`synthetic_store`."""
    path = tmp_path / "synthetic.duckdb"
    path.write_bytes(synthetic_store.read_bytes())
    return path


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "store.duckdb") as s:
        yield s


@pytest.fixture
def load(store: Store) -> Callable[..., LoadResult]:
    """``load(fmt, path, **options)``: load a file into the test store."""

    def _load(fmt: str, path: Path, **options: Any) -> LoadResult:
        return load_file(store, importer_for(fmt), path, **options)

    return _load


SPARK_FIXTURES = frozenset({"spark_session"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that asks for a Spark fixture (directly or through another fixture)."""
    for item in items:
        if SPARK_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.spark)


@pytest.fixture(scope="session")
def spark_session() -> Iterator[Any]:
    from roundabout.store.engines import spark_session as make

    session = make("roundabout-tests", master="local[2]")
    yield session
    session.stop()


@pytest.fixture(params=["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def engine(request: pytest.FixtureRequest) -> Callable[[str, pa.Table], Any]:
    """``engine(name, arrow_table)`` registers a table on the engine and returns it (Ibis);
    ``engine.adapter`` is the :class:`~roundabout.store.engines.Engine` itself."""
    from roundabout.store.engines import DuckDBEngine, Engine, SparkEngine

    adapter: Engine
    if request.param == "duckdb":
        adapter = DuckDBEngine()
    else:
        adapter = SparkEngine(request.getfixturevalue("spark_session"))

    def register(name: str, table: pa.Table) -> Any:
        return adapter.register(name, table)

    register.name = request.param  # type: ignore[attr-defined]
    register.adapter = adapter  # type: ignore[attr-defined]
    return register


def pytest_unconfigure(config: pytest.Config) -> None:
    """Guard the end of the run: CI once printed every test passed and then never exited.

    Threads still running that the interpreter will wait for are named on stderr, and if the
    process has not exited 180 s later, every thread's stack is written to stderr and the run
    ends with status 1 (a hang at exit is a bug to see, not a CI timeout to guess at)."""
    import faulthandler
    import sys
    import threading

    waiting = [
        t.name for t in threading.enumerate() if t is not threading.main_thread() and not t.daemon
    ]
    if waiting:
        print(f"\nthreads still running at exit: {', '.join(waiting)}", file=sys.stderr)
    faulthandler.dump_traceback_later(180, exit=True, file=sys.stderr)
