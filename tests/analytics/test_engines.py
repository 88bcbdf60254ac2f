"""One test body, every engine: the measures give the same numbers on DuckDB and Spark."""

from __future__ import annotations

import pytest

from roundabout.analytics import LeakParams, find_leaks
from roundabout.store import Store


@pytest.fixture(scope="module")
def panel_arrow(synthetic_store):
    """The flows of the shared synthetic store, as an Arrow table to register on each engine."""
    with Store(synthetic_store, read_only=True) as store:
        return store.flows().to_pyarrow()


def _run(flows):
    params = LeakParams(did=False, top=10)
    return find_leaks(flows, params).to_dict()


def test_same_results_on_every_engine(engine, panel_arrow, tmp_path, monkeypatch):
    import ibis

    monkeypatch.chdir(tmp_path)  # Spark writes its warehouse in the working directory
    expected = _run(ibis.duckdb.connect().create_table("flows", panel_arrow))
    got = _run(engine("leaks_flows", panel_arrow))
    _same(got["summary"], expected["summary"])
    assert [(f["hub"], f["product"]) for f in got["findings"]] == [
        (f["hub"], f["product"]) for f in expected["findings"]
    ]
    for g, e in zip(got["findings"], expected["findings"], strict=True):
        _same(g, e)
    _same(got["measures"], expected["measures"])


def _same(a, b, path="") -> None:
    if isinstance(a, dict):
        assert set(a) == set(b), path
        for k in a:
            _same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{path}[{i}]")
    elif isinstance(a, float):
        assert a == pytest.approx(b, rel=1e-6, abs=1e-6), path
    else:
        assert a == b, path
