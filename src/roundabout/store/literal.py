"""SQL literals for the few values of a short query, so that it needs no parameters.

DuckDB's Python client imports pandas (0.2-0.6 s, more than screening one name) the first time
a query is run with parameters, and PyArrow imports it too when a table is built from Python
lists; a command that screens one name runs a handful of small queries, none of which needs
pandas. Those queries are written with their values as literals instead, rendered here, and
only here:

* ``str``: in single quotes, each quote doubled. DuckDB reads standard SQL strings: a
  backslash is an ordinary character, the doubled quote is the only escape, so no text can
  end the literal early. A string holding a NUL character is refused
  (:class:`NotLiteral`): the caller runs the query with parameters instead.
* ``bool``: ``TRUE`` / ``FALSE``; ``None``: ``NULL``;
* ``int``: its decimal digits; ``float``: its shortest round-trip text cast to ``DOUBLE``
  (the same double; ``nan`` and infinities included);
* ``datetime`` with a time zone: a ``TIMESTAMPTZ`` literal of its ISO text (microseconds
  kept); a naive one: ``TIMESTAMP``;
* a list or tuple of the above: a DuckDB list literal (``['a', 'b']``).

Anything else is refused (:class:`NotLiteral`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb


class NotLiteral(ValueError):
    """A value this module does not write as a literal (run the query with parameters)."""


def literal(value: Any) -> str:
    """``value`` as a DuckDB SQL literal (see the module docstring for the types)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return f"CAST('{value!r}' AS DOUBLE)"
    if isinstance(value, str):
        if "\0" in value:
            raise NotLiteral("a string with a NUL character")
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, datetime):
        kind = "TIMESTAMP" if value.tzinfo is None else "TIMESTAMPTZ"
        return f"{kind} '{value.isoformat(sep=' ')}'"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    raise NotLiteral(f"no SQL literal for {type(value).__name__}")


def values_rows(rows: Sequence[Sequence[Any]]) -> str:
    """``(a, b), (c, d)``: rows for ``INSERT ... VALUES``."""
    return ", ".join("(" + ", ".join(literal(v) for v in row) + ")" for row in rows)


def inline(sql: str, params: Sequence[Any]) -> str:
    """``sql`` with each ``?`` placeholder replaced by its value's literal, in order.

    Only for this package's own SQL text: a ``?`` inside a quoted part of it, or a count of
    placeholders other than the count of values, is refused (:class:`NotLiteral`)."""
    parts = sql.split("?")
    if len(parts) != len(params) + 1:
        raise NotLiteral(f"{len(parts) - 1} placeholders for {len(params)} values")
    out = [parts[0]]
    quotes = parts[0].count("'")
    for part, value in zip(parts[1:], params, strict=True):
        if quotes % 2:
            raise NotLiteral("a question mark inside a quoted part of the query")
        out.append(literal(value))
        out.append(part)
        quotes += part.count("'")
    return "".join(out)


def run(
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()
) -> duckdb.DuckDBPyConnection:
    """Execute ``sql`` on ``con`` with ``params`` written in as literals (:func:`inline`), or
    as parameters when one of them has no literal form."""
    if not params:
        return con.execute(sql)
    try:
        text = inline(sql, params)
    except NotLiteral:
        return con.execute(sql, list(params))
    return con.execute(text)
