"""Arrow batches appended inside a transaction, by DuckDB on one thread."""

from __future__ import annotations

import pyarrow as pa
import pytest

from roundabout.store import Store, arrow_append


def _threads(store: Store) -> int:
    row = store.raw.execute("SELECT current_setting('threads')").fetchone()
    assert row is not None
    return int(row[0])


def test_one_thread_inside_and_the_setting_back_after_even_on_error() -> None:
    with Store(None) as store:
        store.raw.execute("SET threads = 3")
        with arrow_append.one_thread(store):
            assert _threads(store) == 1
        assert _threads(store) == 3
        with pytest.raises(RuntimeError), arrow_append.one_thread(store):
            raise RuntimeError("load failed")
        assert _threads(store) == 3


def test_append_matches_columns_by_name_with_constants_and_expressions() -> None:
    with Store(None) as store:
        store.raw.execute("CREATE TABLE t (sid VARCHAR, a VARCHAR, b VARCHAR)")
        batch = pa.table({"b": ["x", "y"], "a": ["1", "2"]})
        with arrow_append.one_thread(store), store.transaction():
            arrow_append.append(
                store, "t", batch, {"sid": arrow_append.Constant("s1"), "b": "upper(b)"}
            )
        rows = store.raw.execute("SELECT * FROM t ORDER BY rowid").fetchall()
        assert rows == [("s1", "1", "X"), ("s1", "2", "Y")]
