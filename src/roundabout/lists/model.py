"""What a sanctions-list entry is once imported, whatever the source format."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from roundabout.lists import entity_json
from roundabout.lists.relations import Relation

#: Schemata (FollowTheMoney names) an entry can have.
SCHEMATA: Final = ("Person", "Organization", "Company", "LegalEntity", "Vessel", "Aircraft")

#: Identifier kinds recognised in lists and party files.
ID_KINDS: Final = ("inn", "ogrn", "bin", "imo", "registration", "passport", "national_id", "swift")


@dataclass(frozen=True, slots=True)
class ListEntity:
    """One listed person, organisation, vessel or aircraft."""

    entity_id: str  # source-prefixed and stable across versions: "ofac-15892", "un-6907993"
    schema: str  # one of SCHEMATA
    name: str
    aliases: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()  # ISO 3166 alpha-2, lower case
    identifiers: tuple[tuple[str, str], ...] = ()  # (kind, value) with kind in ID_KINDS
    birth_dates: tuple[str, ...] = ()  # ISO prefixes: "1973", "1973-09", "1973-09-28"
    programs: tuple[str, ...] = ()
    record: int = 0  # line / record number in the source file
    listed_on: str | None = None  # ISO date of (first) listing, where the list says
    #: False for context entities (an FtM owner, subsidiary or director that is not itself a
    #: sanctions target); screened only through what ownership makes of them.
    listed: bool = True
    addresses: tuple[str, ...] = ()  # postal addresses as written (BIS address-only entries)

    @property
    def is_person(self) -> bool:
        return self.schema == "Person"

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    def _data(self) -> dict[str, Any]:
        """The fields as a dict, without those at their default that older versions lacked
        (so entries of lists without them hash and serialise as before). Built field by
        field (``dataclasses.asdict`` deep-copies: a third of a million-entity load)."""
        data: dict[str, Any] = {
            "entity_id": self.entity_id,
            "schema": self.schema,
            "name": self.name,
            "aliases": list(self.aliases),
            "countries": list(self.countries),
            "identifiers": [list(i) for i in self.identifiers],
            "birth_dates": list(self.birth_dates),
            "programs": list(self.programs),
            "record": self.record,
            "listed_on": self.listed_on,
            "listed": self.listed,
            "addresses": list(self.addresses),
        }
        if data["listed_on"] is None:
            data.pop("listed_on")
        if data["listed"]:
            data.pop("listed")
        if not data["addresses"]:
            data.pop("addresses")
        return data

    def content_json(self) -> str:
        """The content (not the record number) as ``json.dumps(..., sort_keys=True,
        ensure_ascii=False)`` writes it (written out: :mod:`roundabout.lists.entity_json`)."""
        text = entity_json.sorted_content(self)
        if text is None:
            data = self._data()
            data.pop("record")
            text = json.dumps(data, sort_keys=True, ensure_ascii=False)
        return text

    def content_hash(self) -> str:
        """SHA-256 of the content (not the record number): changes when the entry changes."""
        return hashlib.sha256(self.content_json().encode("utf-8")).hexdigest()

    def to_json(self) -> str:
        """``json.dumps(self._data(), ensure_ascii=False)`` (written out)."""
        text = entity_json.stored(self)
        return json.dumps(self._data(), ensure_ascii=False) if text is None else text

    @classmethod
    def from_json(cls, text: str) -> ListEntity:
        d: dict[str, Any] = json.loads(text)
        return cls(
            entity_id=d["entity_id"],
            schema=d["schema"],
            name=d["name"],
            aliases=tuple(d.get("aliases", ())),
            countries=tuple(d.get("countries", ())),
            identifiers=tuple((k, v) for k, v in d.get("identifiers", ())),
            birth_dates=tuple(d.get("birth_dates", ())),
            programs=tuple(d.get("programs", ())),
            record=int(d.get("record", 0)),
            listed_on=d.get("listed_on"),
            listed=bool(d.get("listed", True)),
            addresses=tuple(d.get("addresses", ())),
        )


@dataclass(frozen=True, slots=True)
class ParsedList:
    """A whole list as published: where it came from, when, and its entries."""

    source: str  # "ofac_sdn", "un_sc", "ftm", "bis_dpl"
    publication_date: str | None  # ISO date, None when neither file nor caller says
    sha256: str  # of the main file (and of the companion files, combined)
    files: tuple[str, ...]
    entities: tuple[ListEntity, ...] = field(default=())
    #: Ownership, directorship, family, associate and other links between entities (FtM,
    #: users' ownership CSV); kept with the snapshot, read by :mod:`roundabout.lists.graph`.
    relations: tuple[Relation, ...] = field(default=())
    #: Problems found in the input that did not stop the load (each names the entity).
    warnings: tuple[str, ...] = field(default=())

    @classmethod
    def of_file(
        cls,
        source: str,
        path: Path,
        publication_date: str | None,
        entities: Iterable[ListEntity],
    ) -> ParsedList:
        """A list read from the one file ``path`` (its sha256 computed here)."""
        from roundabout.lists.limits import sha256_file

        return cls(source, publication_date, sha256_file(path), (str(path),), tuple(entities))
