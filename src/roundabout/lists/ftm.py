"""FollowTheMoney entities as JSON lines (OpenSanctions' export format; hundreds of lists).

One JSON object per line with ``id``, ``schema`` and ``properties`` (lists of strings). Only
entities of a matchable schema (persons, organisations, vessels, aircraft: anything that
``is_a`` LegalEntity, Vessel or Airplane in the FtM model) become list entries; ``Address``
entities become the addresses of the entities that point at them; ``Ownership``,
``Directorship``, ``Family``, ``Associate`` and ``UnknownLink`` become
:class:`~roundabout.lists.relations.Relation` records; sanctions and the rest are skipped.
"""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

from followthemoney import model

from roundabout.errors import InputFileError
from roundabout.lists.countries import to_iso2
from roundabout.lists.limits import MAX_NAME_CHARS, check_field, read_text
from roundabout.lists.model import ListEntity, ParsedList
from roundabout.lists.relations import BY_SCHEMA, KINDS, Relation
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


def _address_text(props: dict[str, Any]) -> str:
    full = _strings(props, "full")
    if full:
        return full[0]
    parts = [
        v
        for key in ("street", "street2", "postalCode", "city", "region", "country")
        for v in _strings(props, key)[:1]
    ]
    return ", ".join(parts)


def _relation(obj: dict[str, Any], props: dict[str, Any], line_no: int) -> Relation | str:
    """The relation an FtM link entity states, or a warning when it has no ends."""
    kind = BY_SCHEMA[obj["schema"]]
    _, src_prop, dst_prop = KINDS[kind]
    src, dst = _strings(props, src_prop), _strings(props, dst_prop)
    if not src or not dst:
        missing = src_prop if not src else dst_prop
        return f"{obj['schema']} {obj['id']} (line {line_no}): no {missing}; link skipped"
    share = _strings(props, "percentage")
    role = _strings(props, "role") or _strings(props, "relationship")
    start, end = _strings(props, "startDate"), _strings(props, "endDate")
    return Relation(
        relation_id=obj["id"],
        kind=kind,
        source=src[0],
        target=dst[0],
        share_text=share[0] if share else None,
        start=start[0][:10] if start else None,
        end=end[0][:10] if end else None,
        role=role[0] if role else None,
        record=line_no,
    )


def _records(path: Path) -> list[tuple[int, dict[str, Any]]]:
    text = read_text(path)
    out: list[tuple[int, dict[str, Any]]] = []
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
        props = obj.get("properties", {})
        if not isinstance(props, dict):
            raise InputFileError(path, "'properties' is not an object", line_no)
        out.append((line_no, obj))
    return out


def parse(path: Path, publication_date: str | None = None) -> ParsedList:
    """Entities, links and warnings of an FtM JSON lines file.

    Listed: the entities with ``"target": true`` when any entity of the file has a
    ``target`` key (OpenSanctions exports); every entity otherwise (a file of targets only).
    """
    records = _records(path)
    has_target = any("target" in obj for _, obj in records)
    addresses = {
        obj["id"]: _address_text(obj["properties"])
        for _, obj in records
        if obj["schema"] == "Address"
    }
    entities: list[ListEntity] = []
    relations: list[Relation] = []
    warnings: list[str] = []
    last_change = ""
    for line_no, obj in records:
        props = obj["properties"]
        change = obj.get("last_change")
        if isinstance(change, str) and change > last_change:
            last_change = change
        if obj["schema"] in BY_SCHEMA:
            rel = _relation(obj, props, line_no)
            if isinstance(rel, str):
                warnings.append(rel)
            else:
                relations.append(rel)
            continue
        schema = _our_schema(obj["schema"])
        if schema is None:
            continue
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
        where = [*_strings(props, "address")]
        where += [addresses[a] for a in _strings(props, "addressEntity") if addresses.get(a)]
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
                listed=obj.get("target") is True if has_target else True,
                addresses=tuple(dict.fromkeys(w for w in where if w)),
            )
        )
    if not entities:
        raise InputFileError(path, "no person, organisation, vessel or aircraft entities")
    if not any(e.listed for e in entities):
        raise InputFileError(path, 'no entity is a target ("target": true)')
    date = publication_date or (last_change[:10] or None)
    parsed = ParsedList.of_file("ftm", path, date, entities)
    return replace(parsed, relations=tuple(relations), warnings=tuple(warnings))
