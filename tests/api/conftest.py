"""A small store for the API tests: a synthetic panel with planted re-routing, the sample
sanctions lists, and one API key."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

warnings.filterwarnings("ignore", message=".*httpx2.*")

from fastapi.testclient import TestClient  # noqa: E402

from roundabout.api import ApiSettings, create_app  # noqa: E402
from roundabout.api.keys import create_key  # noqa: E402
from roundabout.lists import ofac, snapshots, un  # noqa: E402
from roundabout.store import Store  # noqa: E402
from roundabout.synth.panel import PanelSpec, write_panel  # noqa: E402

LISTS = Path(__file__).parent.parent / "data" / "lists"
SPEC = PanelSpec(
    products=40,
    origins=("DEU", "FRA"),
    hubs=("ARM", "KAZ"),
    controls=("CHL",),
    start="2021-01",
    end="2022-10",
    n_reroute=3,
    n_lost=2,
    n_local=2,
    n_unsanctioned=2,
    seed=4,
)


def build_store(path: Path) -> str:
    """Flows, lists, a key that may read, screen and decide: returns the key."""
    panel = write_panel(path.with_suffix(".parquet"), SPEC, fmt="parquet")
    with Store(path) as store:
        store.raw.execute("INSERT INTO flows SELECT * FROM read_parquet(?)", [str(panel.path)])
        for parsed in (
            ofac.parse(
                LISTS / "ofac_sdn_sample.csv",
                LISTS / "ofac_alt_sample.csv",
                LISTS / "ofac_add_sample.csv",
                publication_date="2024-05-03",
            ),
            un.parse(LISTS / "un_sample.xml"),
        ):
            snapshots.save(store, parsed)
        _, token = create_key(store, "tests", ("read", "screen", "decide"))
    return token


@pytest.fixture(scope="session")
def store_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    path = tmp_path_factory.mktemp("api") / "template.duckdb"
    return path, build_store(path)


@pytest.fixture
def api(store_template: tuple[Path, str], tmp_path: Path) -> Iterator[Any]:
    """``api(**settings)`` -> (TestClient, auth headers) on a fresh copy of the store."""
    clients: list[TestClient] = []

    def make(**overrides: Any) -> tuple[TestClient, dict[str, str]]:
        src, token = store_template
        db = tmp_path / f"store{len(clients)}.duckdb"
        db.write_bytes(src.read_bytes())
        client = TestClient(create_app(ApiSettings(db=db, **overrides)))
        client.__enter__()
        clients.append(client)
        return client, {"Authorization": f"Bearer {token}"}

    yield make
    for c in clients:
        c.__exit__(None, None, None)


def wait_for(client: TestClient, url: str, headers: dict[str, str], timeout: float = 120.0) -> Any:
    """GET ``url`` until it is no longer 202 (a background job, :mod:`roundabout.api.jobs`)."""
    import time

    end = time.monotonic() + timeout
    while True:
        r = client.get(url, headers=headers)
        if r.status_code != 202 or time.monotonic() > end:
            return r
        assert r.json()["job"]["status"] == "running" and r.headers["location"].startswith("/jobs/")
        time.sleep(0.05)


@pytest.fixture
def settled() -> Any:
    """``settled(client, url, headers)``: the answer once its background job is done."""
    return wait_for
