"""Entries of the third-country supplier lists, assembled the same way for every importer
(BIS Entity List and MEU list, Japan METI, EU Reg. 833/2014 Annex IV).

A named entry is a listed organisation with its aliases and addresses; an address-only entry
(BIS) is kept as an ``Address`` context entity: not screened by name, matched as an address.
Ids are the source prefix and a hash of the country and name (the lists number their entries
by position, which shifts with every amendment).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from roundabout.lists.aka_text import EntryText
from roundabout.lists.common import check_name
from roundabout.lists.countries import to_iso2
from roundabout.lists.model import ListEntity


def country_code(text: str) -> str | None:
    """``"CHINA, PEOPLE'S REPUBLIC OF"`` -> ``"cn"``; an address's last part -> its country."""
    text = text.strip().rstrip(".")
    return to_iso2(text) or to_iso2(text.split(",")[0]) or to_iso2(text.split(",")[-1])


def entity(
    path: Path,
    prefix: str,
    entry: EntryText,
    country: str | None,
    program: str,
    record: int,
    listed_on: str | None = None,
) -> ListEntity:
    countries = [c for c in [country, *(country_code(a) for a in entry.addresses)] if c]
    label = entry.name or (entry.addresses[0] if entry.addresses else "")
    digest = hashlib.sha256(f"{country or ''}|{label}".encode()).hexdigest()[:12]
    if entry.name is None:
        return ListEntity(
            f"{prefix}-addr-{digest}",
            "Address",
            check_name(path, label, f"entry {record}", record),
            countries=tuple(dict.fromkeys(countries)),
            programs=(program,),
            record=record,
            listed=False,
            addresses=entry.addresses,
            listed_on=listed_on,
        )
    return ListEntity(
        f"{prefix}-{digest}",
        "Organization",
        check_name(path, entry.name, f"entry {record}", record),
        aliases=tuple(dict.fromkeys(a for a in entry.aliases if a != entry.name)),
        countries=tuple(dict.fromkeys(countries)),
        programs=(program,),
        record=record,
        addresses=entry.addresses,
        listed_on=listed_on,
    )


def unique_ids(entities: Iterable[ListEntity]) -> list[ListEntity]:
    """One entry per id (a list that names one company twice under one country)."""
    out: dict[str, ListEntity] = {}
    for e in entities:
        if e.entity_id in out:
            prev = out[e.entity_id]
            e = ListEntity(
                prev.entity_id,
                prev.schema,
                prev.name,
                aliases=tuple(dict.fromkeys((*prev.aliases, *e.aliases))),
                countries=tuple(dict.fromkeys((*prev.countries, *e.countries))),
                programs=prev.programs,
                record=prev.record,
                listed=prev.listed,
                addresses=tuple(dict.fromkeys((*prev.addresses, *e.addresses))),
                listed_on=prev.listed_on,
            )
        out[e.entity_id] = e
    return list(out.values())
