"""Party files: CSV or Parquet with ``id``, ``name`` and optional ``country``, identifiers
(``inn``, ``ogrn``, ``bin``, ``imo``, ``registration``, ``passport``, ``national_id``, ``swift``
columns, or one ``identifiers`` column of ``kind:value`` pairs separated by ``;``),
``birth_date`` and ``schema`` (``Person``, ``Organization``, ``Company``, ``Vessel``; also
``type`` with ``person``/``company``/``individual``/``entity``).

Required: ``id`` (unique in the file) and ``name``; everything else is optional. A country
value roundabout does not recognise is kept on the party (``unknown_country``, shown as a
warning) rather than dropped; it is not used for scoring."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from roundabout.errors import InputFileError
from roundabout.lists.countries import to_iso2
from roundabout.lists.limits import MAX_NAME_CHARS, read_text
from roundabout.lists.model import ID_KINDS
from roundabout.lists.remarks import normalize_id
from roundabout.matching.model import Party

_TYPES = {
    "person": "Person",
    "individual": "Person",
    "organization": "Organization",
    "organisation": "Organization",
    "company": "Company",
    "entity": "Organization",
    "vessel": "Vessel",
    "aircraft": "Aircraft",
    "legalentity": "LegalEntity",
}


def _records(path: Path) -> list[dict[str, Any]]:
    if path.suffix.lower() in (".parquet", ".pq"):
        import pyarrow.parquet as pq

        if not path.exists():
            raise InputFileError(path, "no such file")
        try:
            table = pq.read_table(path)
        except Exception as exc:  # pyarrow raises many types for a broken file
            raise InputFileError(path, f"not a readable Parquet file: {exc}") from None
        return list(table.to_pylist())
    text = read_text(path)
    sample = text[:4096]
    delim = ";" if sample.count(";") > sample.count(",") and "\t" not in sample else ","
    if sample.count("\t") > sample.count(delim):
        delim = "\t"
    reader = csv.DictReader(io.StringIO(text), delimiter=delim, strict=True)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise InputFileError(path, f"malformed CSV: {exc}", reader.line_num) from None
    return rows


def _str(v: Any) -> str:
    return "" if v is None else str(v).strip()


def read_parties(path: Path) -> list[Party]:
    rows = _records(path)
    if not rows:
        raise InputFileError(path, "no parties")
    cols = {c.strip().lower(): c for c in rows[0] if c is not None}
    for needed in ("id", "name"):
        if needed not in cols:
            raise InputFileError(path, f"no {needed!r} column (columns: {', '.join(cols)})", 1)
    parties: list[Party] = []
    seen: set[str] = set()
    for n, raw in enumerate(rows, 2):
        if None in raw:
            raise InputFileError(path, "more fields than the header", n)
        row = {k.strip().lower(): _str(v) for k, v in raw.items() if k is not None}
        pid, name = row.get("id", ""), row.get("name", "")
        if not pid:
            raise InputFileError(path, "empty id", n)
        if pid in seen:
            raise InputFileError(path, f"duplicate id {pid!r}", n)
        seen.add(pid)
        if not name:
            raise InputFileError(path, f"party {pid}: empty name", n)
        if len(name) > MAX_NAME_CHARS:
            raise InputFileError(path, f"party {pid}: name is {len(name):,} characters", n)
        ids: list[tuple[str, str]] = []
        for kind in ID_KINDS:
            if row.get(kind):
                ids.append((kind, normalize_id(row[kind])))
        for part in row.get("identifiers", "").split(";"):
            if ":" in part:
                kind, _, value = part.partition(":")
                kind = kind.strip().lower()
                if kind not in ID_KINDS:
                    raise InputFileError(path, f"party {pid}: unknown identifier kind {kind!r}", n)
                ids.append((kind, normalize_id(value)))
        kind_raw = (row.get("schema") or row.get("type") or "").lower().replace(" ", "")
        schema = _TYPES.get(kind_raw) if kind_raw else None
        if kind_raw and schema is None:
            raise InputFileError(path, f"party {pid}: unknown type {kind_raw!r}", n)
        country = row.get("country") or None
        iso = to_iso2(country) if country else None
        unknown = country if country and iso is None else None
        parties.append(
            Party(
                id=pid,
                name=name,
                country=iso,
                identifiers=tuple(dict.fromkeys(ids)),
                birth_date=row.get("birth_date") or row.get("dob") or None,
                schema=schema,
                record=n,
                unknown_country=unknown,
            )
        )
    return parties
