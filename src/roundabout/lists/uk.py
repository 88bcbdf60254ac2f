"""UK: OFSI Consolidated List of Financial Sanctions Targets, CSV (``ConList.csv``), and the
FCDO UK Sanctions List XML (see :func:`parse_fcdo_xml`).

First line ``Last Updated,dd/mm/yyyy`` (the publication date), then a header of 36 columns:
``Name 6, Name 1 .. Name 5, Title, Name Non-Latin Script, Non-Latin Script Type, Non-Latin
Script Language, DOB, Town of Birth, Country of Birth, Nationality, Passport Number, Passport
Details, National Identification Number, National Identification Details, Position, Address
1 .. 6, Post/Zip Code, Country, Other Information, Group Type, Alias Type, Alias Quality,
Regime, Listed On, UK Sanctions List Date Designated, Last Updated, Group ID``. One row per
name: the rows of one target share ``Group ID``; ``Alias Type`` is ``Primary name``, ``Primary
name variation``, ``AKA`` or ``FKA``; ``Group Type`` is Individual, Entity or Ship. ``Name 6``
is the family name (an entity's whole name); dates are day-first, ``00`` for an unknown day or
month (``00/00/1965``); several values in one cell are numbered ``(1) ... (2) ...``.

Layout as read by moov-io/watchman (``pkg/sources/csl_uk/uk_csl.go``: column indexes, Group
ID last) and OpenSanctions' HMT crawler (``datasets/gb/hmt/crawler.py``: group types, alias
types, Name 6 as the tail name), published at
https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.csv. Columns are
found by header name, so the older (2021) layout without the non-Latin-script and UK-list
columns reads too.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from roundabout.errors import InputFileError
from roundabout.lists import remarks as rm
from roundabout.lists.common import (
    any_date,
    check_name,
    csv_records,
    day_first,
    strip_namespaces,
    text_of,
    unique,
    xml_entities,
)
from roundabout.lists.countries import to_iso2
from roundabout.lists.limits import MAX_ENTITIES, check_file, read_text
from roundabout.lists.model import ListEntity, ParsedList
from roundabout.lists.remarks import normalize_id
from roundabout.lists.un import load_xml

REQUIRED = ("Name 6", "Group Type", "Group ID")
_TYPES = {"individual": "Person", "entity": "Organization", "ship": "Vessel"}
_NUMBERED = re.compile(r"\(\d{1,2}\)")
_DMY = re.compile(r"\b\d{2}/\d{2}/\d{4}\b")
# Register numbers as OFSI writes them in "Other Information": "Russia INN - 7707...",
# "Business Registration Number: 990540001234 (Kazakhstan)"
_RU_IDS = re.compile(r"\b(INN|OGRN|KPP)\b\s*(?:-|:)?\s*(\d{9,15})")
_REG_IDS = re.compile(
    r"\b((?:Business )?Registration Number|Tax Identification Number)\s*[-:]?\s*"
    r"([A-Z0-9][A-Z0-9-]{3,30})(?:\s*\(([A-Za-z ,.'-]+)\))?"
)


def _items(cell: str) -> list[str]:
    """``"(1) Russia (2) Ukraine"`` -> ``["Russia", "Ukraine"]``."""
    return [p.strip(" ,;.") for p in _NUMBERED.split(cell) if p.strip(" ,;.")]


@dataclass
class _Group:
    gid: str
    line: int
    schema: str
    primary: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    ids: list[tuple[str, str]] = field(default_factory=list)
    dobs: list[str] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)
    listed: list[str] = field(default_factory=list)


def _row_into(path: Path, g: _Group, r: dict[str, str], line: int) -> None:
    where = f"Group ID {g.gid}"
    parts = [r.get(f"Name {i}", "") for i in range(1, 6)] + [r["Name 6"]]
    name = " ".join(p for p in parts if p)
    if name:
        check_name(path, name, where, line)
        alias_type = r.get("Alias Type", "").strip().lower()
        (g.primary if alias_type == "primary name" else g.names).append(name)
    non_latin = r.get("Name Non-Latin Script", "")
    if non_latin:
        g.names.append(check_name(path, non_latin, where, line))
    for col in ("Nationality", "Country of Birth", "Country"):
        for item in _items(r.get(col, "")):
            c = to_iso2(item)
            if c:
                g.countries.append(c)
    for d in _DMY.findall(r.get("DOB", "")):
        iso = day_first(d)
        if iso:
            g.dobs.append(iso)
    for col, kind in (
        ("Passport Number", "passport"),
        ("National Identification Number", "national_id"),
    ):
        for item in _items(r.get(col, "")):
            token = item.split()[0] if item.split() else ""
            if any(ch.isdigit() for ch in token):
                g.ids.append((kind, normalize_id(token)))
    info = r.get("Other Information", "")
    if info:
        g.ids.extend(rm.parse(info).identifiers)
        for label, number in _RU_IDS.findall(info):
            g.ids.append(({"KPP": "registration"}.get(label, label.lower()), number))
        for label, number, country in _REG_IDS.findall(info):
            kind = rm.id_kind(
                "tax id" if label.startswith("Tax") else "registration",
                number,
                to_iso2(country) if country else None,
            )
            g.ids.append((kind, normalize_id(number)))
    if r.get("Regime"):
        g.programs.append(r["Regime"])
    for col in ("Listed On", "UK Sanctions List Date Designated"):
        iso = day_first(r.get(col, ""))
        if iso:
            g.listed.append(iso)


def parse(path: Path, publication_date: str | None = None) -> ParsedList:
    """OFSI's ConList.csv or the FCDO's UK_Sanctions_List.xml, by the file's first bytes."""
    check_file(path)
    with path.open("rb") as fh:
        head = fh.read(64).lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"<"):
        return parse_fcdo_xml(path, publication_date)
    return parse_conlist(path, publication_date)


def _fcdo_designation(path: Path, d: ET.Element, index: int) -> ListEntity:
    uid = text_of(d, "UniqueID")
    where = f"Designation #{index}" + (f" (UniqueID {uid})" if uid else "")
    if not uid or not re.fullmatch(r"[A-Za-z0-9_.-]{1,40}", uid):
        raise InputFileError(path, f"{where}: missing or bad UniqueID")
    kind = text_of(d, "IndividualEntityShip")
    schema = _TYPES.get(kind.lower())
    if schema is None:
        raise InputFileError(path, f"{where}: unknown IndividualEntityShip {kind!r}")
    primary: list[str] = []
    names: list[str] = []
    for n in d.iter("Name"):
        if n.find("NameType") is None:  # the <Name> inside <Name>: a whole name
            continue
        whole = text_of(n, "Name")
        if not whole:
            parts = [text_of(n, f"Name{i}") for i in (1, 2, 3, 4, 5, 6)]
            whole = " ".join(p for p in parts if p)
        if whole:
            check_name(path, whole, where)
            is_primary = text_of(n, "NameType").lower() == "primary name"
            (primary if is_primary else names).append(whole)
    for n in d.iter("NameNonLatinScript"):
        if text_of(n):
            names.append(check_name(path, text_of(n), where))
    all_names = unique([*primary, *names])
    if not all_names:
        raise InputFileError(path, f"{where}: empty name")
    countries = [
        to_iso2(text_of(c))
        for tag in ("Nationality", "AddressCountry", "CountryOfBirth", "CurrentBelievedFlagOfShip")
        for c in d.iter(tag)
    ]
    dobs = [day_first(m) for x in d.iter("DOB") for m in _DMY.findall(text_of(x))]
    ids: list[tuple[str, str]] = []
    for tag, kind_ in (
        ("PassportNumber", "passport"),
        ("NationalIdentifierNumber", "national_id"),
        ("NationalIdentificationNumber", "national_id"),
        ("IMONumber", "imo"),
    ):
        for x in d.iter(tag):
            token = (text_of(x).split() or [""])[0]
            if any(ch.isdigit() for ch in token):
                ids.append((kind_, normalize_id(token)))
    for x in d.iter("BusinessRegistrationNumber"):
        if text_of(x):
            ids.append(("registration", normalize_id(text_of(x))))
    for x in d.iter("OtherInformation"):
        ids.extend(rm.parse(text_of(x)).identifiers)
    listed = [day_first(text_of(x)) for x in d.iter("DateDesignated")]
    listed_ok = [x for x in listed if x]
    return ListEntity(
        entity_id=f"uk-fcdo-{uid}",
        schema=schema,
        name=all_names[0],
        aliases=all_names[1:],
        countries=unique(countries),
        identifiers=tuple(dict.fromkeys(ids)),
        birth_dates=unique(dobs) if schema == "Person" else (),
        programs=unique(text_of(x) for x in d.iter("RegimeName")),
        record=index,
        listed_on=min(listed_ok) if listed_ok else None,
    )


def parse_fcdo_xml(path: Path, publication_date: str | None = None) -> ParsedList:
    """The FCDO UK Sanctions List XML (``UK_Sanctions_List.xml``): ``<Designation>`` records
    with ``UniqueID``, ``IndividualEntityShip``, ``Names/Name(Name1..Name6, NameType)``,
    ``NonLatinNames/NameNonLatinScript``, ``RegimeName``, ``DateDesignated``, ``Addresses/
    Address/AddressCountry``, ``IndividualDetails/Individual(DOBs/DOB, Nationalities/
    Nationality, BirthDetails)``, ``ShipDetails/Ship(IMONumbers/IMONumber,
    CurrentBelievedFlagOfShips)``; dates day-first. Element names as read by OpenSanctions'
    crawler ``datasets/gb/fcdo_sanctions/crawler.py``; parsed with defusedxml like the UN list.
    """
    root = strip_namespaces(load_xml(path))
    entities = xml_entities(
        path,
        root.iter("Designation"),
        _fcdo_designation,
        tag="Designation",
        id_name="UniqueID",
        none_found=f"no Designation records (root element <{root.tag}>)",
    )
    generated = any_date(text_of(root, "DateGenerated") or root.get("DateGenerated", ""))
    return ParsedList.of_file("uk_fcdo", path, publication_date or generated, entities)


def parse_conlist(path: Path, publication_date: str | None = None) -> ParsedList:
    text = read_text(path)
    first = text.split("\n", 1)[0]
    skip, updated = 0, None
    if first.lower().startswith("last updated"):
        skip = 1
        cells = [c.strip().strip('"') for c in first.split(",")]
        updated = day_first(cells[1]) if len(cells) > 1 else None
    groups: dict[str, _Group] = {}
    for line, r in csv_records(
        path, text, delimiter=",", required=REQUIRED, skip_lines=skip, what="OFSI ConList CSV"
    ):
        gid = r["Group ID"]
        if not gid.isdigit():
            raise InputFileError(path, f"Group ID {gid!r} is not a number", line)
        g = groups.get(gid)
        if g is None:
            schema = _TYPES.get(r["Group Type"].strip().lower())
            if schema is None:
                raise InputFileError(
                    path, f"Group ID {gid}: unknown Group Type {r['Group Type']!r}", line
                )
            if len(groups) >= MAX_ENTITIES:
                raise InputFileError(path, f"more than {MAX_ENTITIES:,} groups", line)
            g = groups[gid] = _Group(gid, line, schema)
        _row_into(path, g, r, line)
    if not groups:
        raise InputFileError(path, "no records")
    entities = []
    for g in groups.values():
        names = unique([*g.primary, *g.names])
        if not names:
            raise InputFileError(path, f"Group ID {g.gid}: empty name", g.line)
        entities.append(
            ListEntity(
                entity_id=f"uk-ofsi-{g.gid}",
                schema=g.schema,
                name=names[0],
                aliases=names[1:],
                countries=unique(g.countries),
                identifiers=tuple(dict.fromkeys(g.ids)),
                birth_dates=unique(g.dobs) if g.schema == "Person" else (),
                programs=unique(g.programs),
                record=g.line,
                listed_on=min(g.listed) if g.listed else None,
            )
        )
    return ParsedList.of_file("uk_ofsi", path, publication_date or updated, entities)
