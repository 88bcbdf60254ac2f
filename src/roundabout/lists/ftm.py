"""FollowTheMoney entities as JSON lines (OpenSanctions' export format; hundreds of lists).

One JSON object per line with ``id``, ``schema`` and ``properties`` (lists of strings). Only
entities of a matchable schema (persons, organisations, vessels, aircraft: anything that
``is_a`` LegalEntity, Vessel or Airplane in the FtM model) become list entries; addresses,
sanctions and relationship entities are skipped.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from followthemoney import model

from roundabout.errors import InputFileError
from roundabout.lists.countries import to_iso2
from roundabout.lists.limits import MAX_NAME_CHARS, check_field, read_text
from roundabout.lists.model import ListEntity, ParsedList
from roundabout.lists.remarks import normalize_id

_ID_PROPS = {
    "innCode": "inn",
    "ogrnCode": "ogrn",
    "imoNumber": "imo",
    "registrationNumber": "registration",
    "taxNumber": "inn",
    "passportNumber": "passport",
    "idNumber": "national_id",
    "swiftBic": "swift",
}


@cache
def _our_schema(name: str) -> str | None:
    schema = model.get(name)
    if schema is None:
        return None
    if schema.is_a("Person"):
        return "Person"
    if schema.is_a("Vessel"):
        return "Vessel"
    if schema.is_a("Airplane"):
        return "Aircraft"
    if schema.is_a("Company"):
        return "Company"
    if schema.is_a("Organization"):
        return "Organization"
    if schema.is_a("LegalEntity"):
        return "LegalEntity"
    return None


def _strings(props: dict[str, Any], key: str) -> list[str]:
    values = props.get(key, [])
    if not isinstance(values, list):
        return []
    return [v for v in values if isinstance(v, str) and v.strip()]


def parse(path: Path, publication_date: str | None = None) -> ParsedList:
    text = read_text(path)
    entities: list[ListEntity] = []
    last_change = ""
    for line_no, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        check_field(path, line, "a record", line_no, 2_000_000)
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputFileError(path, f"not JSON: {exc.msg}", line_no) from None
        if not isinstance(obj, dict) or not isinstance(obj.get("id"), str):
            raise InputFileError(path, "record has no string 'id'", line_no)
        schema_name = obj.get("schema")
        if not isinstance(schema_name, str) or model.get(schema_name) is None:
            raise InputFileError(path, f"unknown FtM schema {schema_name!r}", line_no)
        schema = _our_schema(schema_name)
        if schema is None:
            continue
        props = obj.get("properties", {})
        if not isinstance(props, dict):
            raise InputFileError(path, "'properties' is not an object", line_no)
        names = _strings(props, "name")
        if not names:
            raise InputFileError(path, f"entity {obj['id']}: no name", line_no)
        for n in names:
            check_field(path, n, f"entity {obj['id']}: name", line_no, MAX_NAME_CHARS)
        aliases = [*names[1:], *_strings(props, "alias"), *_strings(props, "previousName")]
        countries = []
        for key in ("country", "nationality", "citizenship", "jurisdiction", "flag"):
            for v in _strings(props, key):
                c = to_iso2(v)
                if c:
                    countries.append(c)
        ids = [
            (kind, normalize_id(v)) for key, kind in _ID_PROPS.items() for v in _strings(props, key)
        ]
        change = obj.get("last_change")
        if isinstance(change, str) and change > last_change:
            last_change = change
        entities.append(
            ListEntity(
                entity_id=obj["id"],
                schema=schema,
                name=names[0],
                aliases=tuple(dict.fromkeys(a for a in aliases if a != names[0])),
                countries=tuple(dict.fromkeys(countries)),
                identifiers=tuple(dict.fromkeys(ids)),
                birth_dates=tuple(dict.fromkeys(d[:10] for d in _strings(props, "birthDate"))),
                programs=tuple(_strings(props, "program") or obj.get("datasets", []) or ()),
                record=line_no,
            )
        )
    if not entities:
        raise InputFileError(path, "no person, organisation, vessel or aircraft entities")
    return ParsedList.of_file("ftm", path, publication_date or (last_change[:10] or None), entities)
