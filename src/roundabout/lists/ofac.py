"""OFAC SDN list, legacy CSV format: ``sdn.csv`` with optional ``alt.csv`` and ``add.csv``.

No header row; ``-0-`` (with trailing space) means empty; files end with a DOS EOF byte.
``sdn.csv``: ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage, GRT,
Vess_flag, Vess_owner, Remarks. ``alt.csv``: ent_num, alt_num, alt_type, alt_name, alt_remarks.
``add.csv``: ent_num, add_num, address, city/state/postal, country, add_remarks.
(Layout: https://ofac.treasury.gov/specially-designated-nationals-list-data-formats-data-schemas)
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from pathlib import Path

from roundabout.errors import InputFileError
from roundabout.lists import remarks as rm
from roundabout.lists.countries import to_iso2
from roundabout.lists.limits import MAX_NAME_CHARS, check_field, read_text, sha256_file
from roundabout.lists.model import ListEntity, ParsedList

_TYPES = {"individual": "Person", "vessel": "Vessel", "aircraft": "Aircraft", "": "Organization"}
_DATE_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")


def _clean(value: str) -> str:
    value = value.strip()
    return "" if value == "-0-" else value


def _rows(path: Path, width: int) -> list[tuple[int, list[str]]]:
    text = read_text(path).replace("\x1a", "")
    out: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text), strict=True)
    try:
        for row in reader:
            line = reader.line_num
            if not row or all(not c.strip() for c in row):
                continue
            if len(row) != width:
                raise InputFileError(path, f"expected {width} fields, found {len(row)}", line)
            for value in row:
                check_field(path, value, "a field", line)
            out.append((line, [_clean(v) for v in row]))
    except csv.Error as exc:
        raise InputFileError(path, f"malformed CSV: {exc}", reader.line_num) from None
    if not out:
        raise InputFileError(path, "no records")
    return out


def person_name(name: str) -> str:
    """``"PROKOPENKO, Ivan Pavlovitch"`` -> ``"Ivan Pavlovitch PROKOPENKO"``."""
    if "," in name:
        last, _, first = name.partition(",")
        if first.strip():
            return f"{first.strip()} {last.strip()}"
    return name


def _ent_num(path: Path, value: str, line: int) -> int:
    if not value.isdigit():
        raise InputFileError(path, f"ent_num {value!r} is not a number", line)
    return int(value)


def parse(
    sdn: Path,
    alt: Path | None = None,
    add: Path | None = None,
    publication_date: str | None = None,
) -> ParsedList:
    """Parse the SDN CSV (and its alias and address companions) into a :class:`ParsedList`."""
    aliases: dict[int, list[str]] = defaultdict(list)
    countries: dict[int, list[str]] = defaultdict(list)
    rows = _rows(sdn, 12)
    person_ids = {
        _ent_num(sdn, r[0], line) for line, r in rows if r[2].strip().lower() == "individual"
    }
    if alt is not None:
        for line, r in _rows(alt, 5):
            num = _ent_num(alt, r[0], line)
            if r[3]:
                check_field(alt, r[3], "alt_name", line, MAX_NAME_CHARS)
                aliases[num].append(person_name(r[3]) if num in person_ids else r[3])
    if add is not None:
        for line, r in _rows(add, 6):
            c = to_iso2(r[4])
            if c:
                countries[_ent_num(add, r[0], line)].append(c)
    entities: list[ListEntity] = []
    seen: set[int] = set()
    for line, r in rows:
        num = _ent_num(sdn, r[0], line)
        if num in seen:
            raise InputFileError(sdn, f"duplicate ent_num {num}", line)
        seen.add(num)
        name = check_field(sdn, r[1], "SDN_Name", line, MAX_NAME_CHARS)
        if not name:
            raise InputFileError(sdn, f"ent_num {num}: empty name", line)
        schema = _TYPES.get(r[2].lower())
        if schema is None:
            raise InputFileError(sdn, f"ent_num {num}: unknown SDN_Type {r[2]!r}", line)
        facts = rm.parse(r[11])
        cs = list(dict.fromkeys([*facts.countries, *countries.get(num, [])]))
        flag = to_iso2(r[9]) if r[9] else None
        if flag and flag not in cs:
            cs.append(flag)
        if schema == "Person":
            name = person_name(name)
        programs = tuple(p.strip(" []") for p in r[3].split("] [") if p.strip(" []"))
        entities.append(
            ListEntity(
                entity_id=f"ofac-{num}",
                schema=schema,
                name=name,
                aliases=tuple(dict.fromkeys(a for a in aliases.get(num, []) if a != name)),
                countries=tuple(cs),
                identifiers=facts.identifiers,
                birth_dates=facts.birth_dates if schema == "Person" else (),
                programs=programs,
                record=line,
            )
        )
    files = [sdn, *(p for p in (alt, add) if p is not None)]
    digest = sha256_file(sdn)
    if len(files) > 1:
        import hashlib

        digest = hashlib.sha256("".join(sha256_file(p) for p in files).encode()).hexdigest()
    if publication_date is None:
        m = _DATE_IN_NAME.search(sdn.name)
        publication_date = m.group(1) if m else None
    return ParsedList(
        source="ofac_sdn",
        publication_date=publication_date,
        sha256=digest,
        files=tuple(str(p) for p in files),
        entities=tuple(entities),
    )
