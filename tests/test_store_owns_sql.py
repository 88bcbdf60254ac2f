"""The store owns every table and every SQL statement: no module outside ``roundabout.store``
imports duckdb, holds SQL text, runs SQL through an engine or reaches for the store's raw
DuckDB connection. Computed from the sources (the AST of every module of ``src/roundabout``).

What counts as SQL text: a string constant (or the literal parts of an f-string) with a
statement's keywords (``SELECT ... FROM``, ``INSERT INTO``, ``CREATE TABLE``, ``UPDATE x SET``,
``DELETE FROM``, ``ALTER TABLE``, ``DROP TABLE``/``VIEW``, any case). Docstrings are prose and
are not read. What counts as running SQL: a call of ``.raw_sql(...)`` or ``.sql(...)``, or of
``.execute(...)`` with a string argument (Ibis's ``.execute()`` of an expression is fine).

A ratchet like :mod:`tests.test_imports`: :data:`ALLOWED` names the few exceptions left, each
with its reason, and the test fails once an exception is no longer needed.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).parent.parent / "src" / "roundabout"
STORE = SRC / "store"

SQL = re.compile(
    r"\bSELECT\b[\s\S]+\bFROM\b|\bINSERT\s+INTO\b|\bCREATE\s+(?:OR\s+REPLACE\s+)?"
    r"(?:TEMP\s+|TEMPORARY\s+)?(?:TABLE|VIEW|INDEX|SEQUENCE)\b|\bUPDATE\s+\w+\s+SET\b|"
    r"\bDELETE\s+FROM\b|\bALTER\s+TABLE\b|\bDROP\s+(?:TABLE|VIEW)\b",
    re.IGNORECASE,
)

#: (module path under src/roundabout, what is found there): the exceptions left, and why.
ALLOWED: dict[tuple[str, str], str] = {}


def _docstrings(tree: ast.AST) -> set[int]:
    """``id`` of every docstring node (module, class, function): prose, not SQL."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                out.add(id(body[0].value))
    return out


def _texts(node: ast.AST) -> Iterator[str]:
    """The literal text of a string constant or of an f-string's constant parts."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.JoinedStr):
        yield "".join(
            v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
        )


def _is_text(node: ast.AST) -> bool:
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str)
    )


def findings(source: str) -> list[tuple[int, str]]:
    """``(line, what)`` of every import of duckdb, SQL text, SQL call and raw store connection
    in one module's source."""
    tree = ast.parse(source)
    docs = _docstrings(tree)
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, "import duckdb") for a in node.names if _duck(a.name)]
        elif isinstance(node, ast.ImportFrom) and _duck(node.module or ""):
            found.append((node.lineno, "import duckdb"))
        elif isinstance(node, ast.Constant | ast.JoinedStr) and id(node) not in docs:
            if any(SQL.search(t) for t in _texts(node)):
                found.append((node.lineno, "SQL text"))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            if name in ("raw_sql", "sql") or (
                name == "execute" and node.args and _is_text(node.args[0])
            ):
                found.append((node.lineno, f".{name}(...)"))
        elif isinstance(node, ast.Attribute) and node.attr in ("raw", "con"):
            owner = node.value
            owner_name = (
                owner.attr
                if isinstance(owner, ast.Attribute)
                else owner.id
                if isinstance(owner, ast.Name)
                else ""
            )
            if owner_name in ("store", "backend"):
                found.append((node.lineno, f"{owner_name}.{node.attr}"))
    return sorted(set(found))


def _duck(module: str) -> bool:
    return module == "duckdb" or module.startswith("duckdb.")


@functools.cache
def outside_store() -> dict[tuple[str, str], list[int]]:
    """``(module, what) -> lines`` for every module of ``src/roundabout`` outside ``store/``
    (read once per test run; do not modify the answer)."""
    out: dict[tuple[str, str], list[int]] = {}
    for path in sorted(SRC.rglob("*.py")):
        if STORE in path.parents:
            continue
        rel = path.relative_to(SRC).as_posix()
        for line, what in findings(path.read_text(encoding="utf-8")):
            out.setdefault((rel, what), []).append(line)
    return out


def test_the_detector_sees_sql_imports_and_raw_connections() -> None:
    src = '''
"""SELECT a FROM b in a docstring is prose."""
import duckdb
from duckdb import connect
Q = "select x from t where y = ?"
def f(store, name, t):
    """UPDATE t SET prose."""
    store.raw.execute(f"ALTER TABLE {name} ADD COLUMN c INT")
    store.backend.raw_sql("drop view v")
    return t.count().execute(), store.table(name)
'''
    got = findings(src)
    assert got == [
        (3, "import duckdb"),
        (4, "import duckdb"),
        (5, "SQL text"),
        (8, ".execute(...)"),
        (8, "SQL text"),
        (8, "store.raw"),
        (9, ".raw_sql(...)"),
        (9, "SQL text"),
    ], got


def test_no_sql_outside_the_store() -> None:
    found = {k: v for k, v in outside_store().items() if k not in ALLOWED}
    listed = "; ".join(f"{m}:{','.join(map(str, ls))} {w}" for (m, w), ls in found.items())
    assert not found, f"SQL or duckdb outside src/roundabout/store/ (move it there): {listed}"


def test_the_allowed_exceptions_still_exist() -> None:
    """The ratchet: an exception no longer found is taken off :data:`ALLOWED`."""
    gone = sorted(set(ALLOWED) - set(outside_store()))
    assert not gone, f"no longer found, remove from ALLOWED: {gone}"
