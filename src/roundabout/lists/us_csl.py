"""US Consolidated Screening List (trade.gov CSL), CSV: eleven US export and sanctions lists
in one file (OFAC SDN and non-SDN lists, BIS Entity / Denied Persons / Unverified / Military
End User lists, State ISN and DTC debarred parties).

Header: ``_id, source, entity_number, type, programs, name, title, addresses,
federal_register_notice, start_date, end_date, standard_order, license_requirement,
license_policy, call_sign, vessel_type, gross_tonnage, gross_registered_tonnage, vessel_flag,
vessel_owner, remarks, source_list_url, alt_names, citizenships, dates_of_birth,
nationalities, places_of_birth, source_information_url, ids``. Multi-valued cells are
separated by ``"; "``; an address ends with its ISO country code (``"..., Yerevan, Armenia,
AM"``); ``ids`` holds ``"type, number[, country]"`` items (``"Passport, 836238033, KP"``);
``type`` is Individual, Entity, Vessel, Aircraft or empty (the BIS and State lists do not say).

Verified against a real 13-row extract of the file (moov-io/watchman
``internal/cslustest/testdata/consolidated.csv``, commit 11e7a4ae, June 2025; kept in
``tests/data/lists/us_csl_sample.csv``), published at
https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv.
"""

from __future__ import annotations

import re
from pathlib import Path

from roundabout.errors import InputFileError
from roundabout.lists.common import check_name, csv_records, date_in_name, iso_prefix, unique
from roundabout.lists.countries import to_iso2
from roundabout.lists.limits import MAX_ENTITIES, read_text
from roundabout.lists.model import ListEntity, ParsedList
from roundabout.lists.ofac import person_name
from roundabout.lists.ofac_xml import ofac_date, ofac_identifier

REQUIRED = ("_id", "source", "type", "name", "programs", "alt_names", "addresses", "ids")
_TYPES = {
    "individual": "Person",
    "entity": "Organization",
    "vessel": "Vessel",
    "aircraft": "Aircraft",
    "": "LegalEntity",
}
_ABBR = re.compile(r"\(([A-Z]{2,5})\)")


def _split(cell: str) -> list[str]:
    return [p.strip() for p in cell.split(";") if p.strip()]


def parse(path: Path, publication_date: str | None = None) -> ParsedList:
    text = read_text(path)
    entities: list[ListEntity] = []
    seen: set[str] = set()
    for line, r in csv_records(path, text, delimiter=",", required=REQUIRED, what="US CSL CSV"):
        rid = r["_id"]
        if not rid or not re.fullmatch(r"[0-9A-Za-z_-]{1,80}", rid):
            raise InputFileError(path, f"bad _id {rid[:40]!r}", line)
        if rid in seen:
            raise InputFileError(path, f"duplicate _id {rid}", line)
        seen.add(rid)
        if len(entities) >= MAX_ENTITIES:
            raise InputFileError(path, f"more than {MAX_ENTITIES:,} records", line)
        schema = _TYPES.get(r["type"].lower())
        if schema is None:
            raise InputFileError(path, f"_id {rid}: unknown type {r['type']!r}", line)
        name = check_name(path, r["name"], f"_id {rid}", line)
        if not name:
            raise InputFileError(path, f"_id {rid}: empty name", line)
        if schema == "Person":  # OFAC rows write people "RIM, Ryong Nam"
            name = person_name(name)
        aliases = [
            check_name(path, a.removeprefix("and "), f"_id {rid}", line)
            for a in _split(r["alt_names"])
        ]
        if schema == "Person":
            aliases = [person_name(a) for a in aliases]
        countries = [to_iso2(a.rsplit(",", 1)[-1]) for a in _split(r["addresses"])]
        for col in ("citizenships", "nationalities", "vessel_flag"):
            countries.extend(to_iso2(c) for c in _split(r.get(col, "")))
        only = unique(countries)
        ids = []
        for item in _split(r["ids"]):
            parts = [p.strip() for p in item.split(",")]
            if len(parts) >= 2:
                # the id's own country, else the entry's when it has just one
                country = to_iso2(parts[2]) if len(parts) >= 3 else None
                country = country or (only[0] if len(only) == 1 else None)
                found = ofac_identifier(parts[0], parts[1], country)
                if found:
                    ids.append(found)
        dobs = [iso_prefix(d) or ofac_date(d) for d in _split(r.get("dates_of_birth", ""))]
        m = _ABBR.search(r["source"])
        programs = [*_split(r["programs"]), *([m.group(1)] if m else [])]
        entities.append(
            ListEntity(
                entity_id=f"us-csl-{rid}",
                schema=schema,
                name=name,
                aliases=tuple(a for a in unique(aliases) if a != name),
                countries=unique(countries),
                identifiers=tuple(dict.fromkeys(ids)),
                birth_dates=unique(dobs) if schema in ("Person", "LegalEntity") else (),
                programs=unique(programs),
                record=line,
                listed_on=iso_prefix(r.get("start_date", "")),
            )
        )
    if not entities:
        raise InputFileError(path, "no records")
    return ParsedList.of_file("us_csl", path, publication_date or date_in_name(path), entities)
