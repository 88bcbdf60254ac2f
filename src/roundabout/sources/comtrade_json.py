"""The Comtrade API's JSON answer (``{"count": n, "data": [...]}``) as text columns.

DuckDB's JSON reader parses such an answer as one object holding a list of structs, which
it then unnests: single-threaded and some twenty times slower than the CSV path on a page
of 100,000 records. Parsed by Python's ``json`` instead, the records become an Arrow table
of text columns (every field as text, as the CSV path reads them) at about the rate of
the rest of the staging. The records must fit in memory: an API answer holds at most the
record cap (100,000 with a key).

:func:`write_records_csv` writes the same records as a CSV with API v1 columns, which is
how ``roundabout fetch comtrade`` hands its pages to the ingest (the CSV path's speed).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa

from roundabout.errors import InputFileError


def is_answer_object(path: Path) -> bool:
    """Whether the file is one JSON object (an API answer), not a list or JSON lines."""
    with path.open("rb") as fh:
        head = fh.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"{"):
        return False
    # JSON lines also start with "{": an answer object has its "data" key in the head or
    # spans more than the first line
    first = head.split(b"\n", 1)[0]
    return b'"data"' in head or not first.rstrip().endswith(b"}")


def answer_records(path: Path) -> list[dict[str, Any]]:
    """The ``data`` records of an API answer (an error naming the file when it is none)."""
    try:
        doc = json.loads(path.read_bytes())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputFileError(path, f"cannot be read as Comtrade JSON: {exc}") from None
    records = doc.get("data") if isinstance(doc, dict) else None
    if not isinstance(records, list):
        raise InputFileError(path, "cannot be read as Comtrade JSON: no 'data' list")
    if any(not isinstance(r, dict) for r in records):
        raise InputFileError(path, "cannot be read as Comtrade JSON: a record is not an object")
    return records


def _text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return v
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return str(v) if not isinstance(v, dict | list) else json.dumps(v)


def columns_of(records: Sequence[dict[str, Any]]) -> list[str]:
    """Every field name, in the order first seen."""
    names: dict[str, None] = {}
    for r in records:
        if len(r) != len(names) or any(k not in names for k in r):
            names.update(dict.fromkeys(r))
    return list(names)


def records_table(records: Sequence[dict[str, Any]]) -> pa.Table:
    """The records as an Arrow table, every field as text (null when absent)."""
    names = columns_of(records)
    return pa.table({n: pa.array([_text(r.get(n)) for r in records], pa.string()) for n in names})


def write_records_csv(records: Sequence[dict[str, Any]], dest: Path) -> Path:
    """The records as a CSV file (header: every field name), written atomically."""
    names = columns_of(records)
    tmp = dest.with_name(dest.name + ".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(names)
        for r in records:
            w.writerow(["" if (t := _text(r.get(n))) is None else t for n in names])
    tmp.replace(dest)
    return dest
