"""BIS Denied Persons List: tab-separated, quoted fields, one header row.

Columns: Name, Street_Address, City, State, Country, Postal_Code, Effective_Date,
Expiration_Date, Standard_Order, Last_Update, Action, FR_Citation. Every entry is a person or a
firm; the file does not say which, so entries are ``LegalEntity``.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from roundabout.errors import InputFileError
from roundabout.lists.countries import to_iso2
from roundabout.lists.limits import MAX_NAME_CHARS, check_field, read_text
from roundabout.lists.model import ListEntity, ParsedList

_HEADER = ["Name", "Street_Address", "City", "State", "Country", "Postal_Code"]


def parse(path: Path, publication_date: str | None = None) -> ParsedList:
    text = read_text(path)
    reader = csv.reader(io.StringIO(text), delimiter="\t", strict=True)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise InputFileError(path, "no header row", 1) from None
    if header[: len(_HEADER)] != _HEADER:
        raise InputFileError(path, f"header is not the DPL's ({', '.join(header[:3])}, ...)", 1)
    entities: list[ListEntity] = []
    latest = ""
    seen: dict[str, int] = {}
    try:
        for row in reader:
            line = reader.line_num
            if not any(c.strip() for c in row):
                continue
            if len(row) != len(header):
                raise InputFileError(path, f"expected {len(header)} fields, found {len(row)}", line)
            rec = dict(zip(header, row, strict=True))
            name = check_field(path, rec["Name"].strip(), "Name", line, MAX_NAME_CHARS)
            if not name:
                raise InputFileError(path, "empty name", line)
            country = to_iso2(rec["Country"])
            key = f"{name}|{rec['Effective_Date']}"
            n = seen.get(key, 0)
            seen[key] = n + 1
            slug = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")[:60]
            update = rec.get("Last_Update", "")[:10]
            if update <= date.today().isoformat():  # the file has typos such as 3017-08-22
                latest = max(latest, update)
            entities.append(
                ListEntity(
                    entity_id=f"bis-dpl-{slug}-{rec['Effective_Date'].replace('/', '')}"
                    + (f"-{n}" if n else ""),
                    schema="LegalEntity",
                    name=name,
                    countries=(country,) if country else (),
                    programs=("BIS-DPL",),
                    record=line,
                )
            )
    except csv.Error as exc:
        raise InputFileError(path, f"malformed TSV: {exc}", reader.line_num) from None
    if not entities:
        raise InputFileError(path, "no records")
    return ParsedList.of_file("bis_dpl", path, publication_date or (latest[:10] or None), entities)
