"""Values written as SQL literals read back as the same values as parameters would give."""

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roundabout.store import Store
from roundabout.store import literal as lit
from roundabout.store.store import INSERT_LITERAL_MAX

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=False),
    st.text().filter(lambda s: "\0" not in s),
)


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    c.execute("SET timezone = 'UTC'")
    return c


@settings(max_examples=300, deadline=None)
@given(st.one_of(_scalars, st.lists(st.text().filter(lambda s: "\0" not in s), max_size=4)))
def test_a_literal_reads_back_as_the_parameter_does(con: duckdb.DuckDBPyConnection, v: Any) -> None:
    by_literal = con.execute(f"SELECT {lit.literal(v)}").fetchone()
    by_param = con.execute("SELECT ?", [v]).fetchone()
    assert by_literal == by_param


def test_quotes_backslashes_and_special_floats(con: duckdb.DuckDBPyConnection) -> None:
    for s in ["it's", "''", "\\'; DROP TABLE x; --", "a\\", "‘curly’ 'é' \n\t"]:
        assert con.execute(f"SELECT {lit.literal(s)}").fetchone() == (s,)
    row = con.execute(
        f"SELECT {lit.literal(float('inf'))}, {lit.literal(-float('inf'))}, "
        f"isnan({lit.literal(float('nan'))})"
    ).fetchone()
    assert row == (float("inf"), -float("inf"), True)


def test_timestamps_keep_their_instant_and_microseconds(con: duckdb.DuckDBPyConnection) -> None:
    t = datetime(2026, 12, 3, 11, 50, 1, 123456, tzinfo=UTC)
    other = t.astimezone(timezone(timedelta(hours=5, minutes=30)))
    for v in (t, other):
        sql = f"SELECT CAST({lit.literal(v)} AS VARCHAR), CAST(? AS VARCHAR)"
        a, b = con.execute(sql, [v]).fetchone() or ("", "")
        assert a == b == "2026-12-03 11:50:01.123456+00"


def test_refused_values_and_queries() -> None:
    with pytest.raises(lit.NotLiteral):
        lit.literal("a\0b")
    with pytest.raises(lit.NotLiteral):
        lit.literal(object())
    with pytest.raises(lit.NotLiteral):
        lit.inline("SELECT '?' , ?", [1])  # a question mark inside quotes
    with pytest.raises(lit.NotLiteral):
        lit.inline("SELECT ?, ?", [1])
    with pytest.raises(lit.NotLiteral):
        lit.inline("SELECT ?, 'x''?'", [1])  # inside quotes too (the check is conservative)
    assert lit.inline("SELECT ?, 'it''s', ?", ["a'b", None]) == "SELECT 'a''b', 'it''s', NULL"


def test_run_falls_back_to_parameters(con: duckdb.DuckDBPyConnection) -> None:
    assert lit.run(con, "SELECT ?, ?", ["a\0b", 2]).fetchone() == ("a\0b", 2)
    assert lit.run(con, "SELECT ? || 'x'", ["it's "]).fetchone() == ("it's x",)


def _rows(store: Store) -> list[tuple[Any, ...]]:
    return store.raw.execute(
        "SELECT a, CAST(t AS VARCHAR), x, b FROM t_ins ORDER BY rowid"
    ).fetchall()


@pytest.mark.parametrize("n", [3, 2_000])  # 12 values as literals; 8,000 through Arrow
def test_insert_small_as_literals_large_through_arrow_same_rows(tmp_path: Path, n: int) -> None:
    now = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
    cols: dict[str, list[Any]] = {
        "a": [f"p'{i}\\" for i in range(n)],
        "t": [now] * n,
        "x": [i / 7 for i in range(n)],
        "b": [i % 2 == 0 for i in range(n)],
    }
    want = [(f"p'{i}\\", "2026-01-02 03:04:05.678901+00", i / 7, i % 2 == 0) for i in range(n)]
    with Store(tmp_path / "s.duckdb") as store:
        store.raw.execute("CREATE TABLE t_ins (a VARCHAR, t TIMESTAMPTZ, x DOUBLE, b BOOLEAN)")
        store.insert("t_ins", cols)
        assert _rows(store) == want
    assert 3 * 4 <= INSERT_LITERAL_MAX < 2_000 * 4
