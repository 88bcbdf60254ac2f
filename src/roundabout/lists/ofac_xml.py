"""OFAC SDN list, "classic" XML (``SDN.XML``; ``CONSOLIDATED.XML`` has the same schema).

Schema ``sdnList.xsd`` (namespace ``http://tempuri.org/sdnList.xsd``): ``<sdnList>`` holds
``<publshInformation><Publish_Date>MM/DD/YYYY</Publish_Date><Record_Count/>`` and one
``<sdnEntry>`` per party: ``uid, firstName?, lastName, title?, sdnType, remarks?,
programList/program*, idList/id*(uid, idType, idNumber, idCountry, issueDate,
expirationDate), akaList/aka*(uid, type, category, lastName, firstName),
addressList/address*(..., country), nationalityList/nationality*(uid, country, mainEntry),
citizenshipList/citizenship*, dateOfBirthList/dateOfBirthItem*(uid, dateOfBirth, mainEntry),
placeOfBirthList, vesselInfo(callSign, vesselType, vesselFlag, ...)``.

Followed: the XSD as published by OFAC, copied in ``droyo/go-xml``
``xsdgen/testdata/sdn.xsd``; file at https://sanctionslistservice.ofac.treas.gov/api/
PublicationPreview/exports/SDN.XML. Entity ids are ``ofac-<uid>``, the same as the legacy CSV
(``ent_num`` = ``uid``), so a CSV and an XML snapshot of the list diff cleanly.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from roundabout.errors import InputFileError
from roundabout.lists.common import (
    check_name,
    month_first,
    strip_namespaces,
    text_of,
    unique,
    xml_entities,
)
from roundabout.lists.countries import to_iso2
from roundabout.lists.model import ListEntity, ParsedList
from roundabout.lists.remarks import _date, id_kind, normalize_id
from roundabout.lists.un import load_xml

_TYPES = {
    "individual": "Person",
    "entity": "Organization",
    "vessel": "Vessel",
    "aircraft": "Aircraft",
}
# OFAC idType labels that are identifiers (the rest: Gender, Email Address, Website, Digital
# Currency Address, Secondary sanctions risk, ... are not matched on)
_ID_LABELS = (
    "passport",
    "tax id",
    "national id",
    "personal id",
    "identification number",
    "cedula",
    "registration",
    "business registration",
    "public registration",
    "company number",
    "swift",
    "imo",
    "vessel registration",
    "unified social credit",
    "government gazette",
    "v.a.t. number",
    "legal entity number",
)


def ofac_identifier(label: str, number: str, country: str | None) -> tuple[str, str] | None:
    """An OFAC id (``"Tax ID No."``, ``"7707083893"``, ru) as ``(kind, value)``, or None when
    the label is not an identifier (Gender, Website, ...)."""
    low = label.strip().lower()
    number = number.strip().rstrip(".;,")
    if not number or not low.startswith(_ID_LABELS):
        return None
    if number.upper().startswith("IMO") or low.startswith("vessel registration"):
        digits = normalize_id(number)
        if digits.isdigit() and len(digits) == 7:
            return ("imo", digits)
    for prefix, canon in (("public registration", "registration"), ("v.a.t.", "tax id")):
        if low.startswith(prefix):
            low = canon
    return (id_kind(low, number, country), normalize_id(number))


def ofac_date(text: str) -> str | None:
    """``"28 Sep 1973"``, ``"Sep 1973"``, ``"circa 1973"``, ``"1960 to 1962"`` -> ISO prefix."""
    text = text.strip()
    if " to " in text:
        text = text.split(" to ", 1)[0]
    return _date(text)


def _entry(path: Path, el: ET.Element, index: int) -> ListEntity:
    uid = text_of(el, "uid")
    where = f"sdnEntry #{index}" + (f" (uid {uid})" if uid else "")
    if not uid.isdigit():
        raise InputFileError(path, f"{where}: missing or bad uid")
    sdn_type = text_of(el, "sdnType")
    schema = _TYPES.get(sdn_type.lower())
    if schema is None:
        raise InputFileError(path, f"{where}: unknown sdnType {sdn_type!r}")
    name = " ".join(p for p in (text_of(el, "firstName"), text_of(el, "lastName")) if p)
    if not name:
        raise InputFileError(path, f"{where}: empty name")
    check_name(path, name, where)
    aliases = []
    for aka in el.findall("akaList/aka"):
        alias = " ".join(p for p in (text_of(aka, "firstName"), text_of(aka, "lastName")) if p)
        if alias:
            aliases.append(check_name(path, alias, where))
    countries = [
        to_iso2(text_of(c))
        for c in (
            *el.findall("nationalityList/nationality/country"),
            *el.findall("citizenshipList/citizenship/country"),
            *el.findall("addressList/address/country"),
            *el.findall("vesselInfo/vesselFlag"),
        )
    ]
    ids = []
    for i in el.findall("idList/id"):
        found = ofac_identifier(
            text_of(i, "idType"), text_of(i, "idNumber"), to_iso2(text_of(i, "idCountry"))
        )
        if found:
            ids.append(found)
    dobs = [
        ofac_date(text_of(d)) for d in el.findall("dateOfBirthList/dateOfBirthItem/dateOfBirth")
    ]
    return ListEntity(
        entity_id=f"ofac-{uid}",
        schema=schema,
        name=name,
        aliases=tuple(a for a in unique(aliases) if a != name),
        countries=unique(countries),
        identifiers=tuple(dict.fromkeys(ids)),
        birth_dates=unique(dobs) if schema == "Person" else (),
        programs=unique(text_of(p) for p in el.findall("programList/program")),
        record=index,
    )


def parse(path: Path, publication_date: str | None = None) -> ParsedList:
    root = strip_namespaces(load_xml(path))
    if root.tag != "sdnList":
        raise InputFileError(path, f"root element is <{root.tag}>, not <sdnList>")
    entities = xml_entities(path, root.findall("sdnEntry"), _entry, tag="sdnEntry", id_name="uid")
    published = month_first(text_of(root, "publshInformation/Publish_Date"))
    return ParsedList.of_file("ofac_sdn", path, publication_date or published, entities)
