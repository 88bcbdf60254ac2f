"""UN Security Council consolidated list, official XML (``CONSOLIDATED_LIST``).

Parsed with defusedxml: a DTD, entity declarations (billion laughs) or external references are
refused outright, and the file must be under :data:`~roundabout.lists.limits.MAX_FILE_BYTES`.
Schema: https://scsanctions.un.org/resources/xml/en/consolidated.xml (``sc-sanctions.xsd``).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]

from roundabout.errors import InputFileError
from roundabout.lists.countries import to_iso2
from roundabout.lists.limits import MAX_NAME_CHARS, check_field, read_text
from roundabout.lists.model import ListEntity, ParsedList
from roundabout.lists.remarks import normalize_id


def _text(el: ET.Element | None) -> str:
    return (el.text or "").strip() if el is not None else ""


def load_xml(path: Path) -> ET.Element:
    """Parse ``path`` safely: no DTD, no entities, no external references."""
    text = read_text(path)
    try:
        root: ET.Element = fromstring(
            text.encode("utf-8"), forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException as exc:
        raise InputFileError(path, f"refused unsafe XML ({type(exc).__name__})") from None
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else None
        raise InputFileError(path, f"malformed XML: {exc.msg}", line) from None
    return root


def _dob(el: ET.Element) -> str | None:
    date = _text(el.find("DATE"))
    if date:
        return date[:10]
    year = _text(el.find("YEAR"))
    return year if year.isdigit() and len(year) == 4 else None


def _entity(path: Path, el: ET.Element, person: bool, index: int) -> ListEntity:
    prefix = "INDIVIDUAL" if person else "ENTITY"
    dataid = _text(el.find("DATAID"))
    where = f"{prefix.lower()} #{index}" + (f" (DATAID {dataid})" if dataid else "")
    if not dataid.isdigit():
        raise InputFileError(path, f"{where}: missing or bad DATAID")
    parts = [
        _text(el.find(tag)) for tag in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
    ]
    name = " ".join(p for p in parts if p)
    if not name:
        raise InputFileError(path, f"{where}: empty name")
    check_field(path, name, f"{where}: name", 0, MAX_NAME_CHARS)
    aliases = []
    for a in el.findall(f"{prefix}_ALIAS"):
        alias = _text(a.find("ALIAS_NAME"))
        if alias:
            check_field(path, alias, f"{where}: alias", 0, MAX_NAME_CHARS)
            aliases.append(alias)
    original = _text(el.find("NAME_ORIGINAL_SCRIPT"))
    if original:
        aliases.append(original)
    countries: list[str] = []
    for v in el.findall("NATIONALITY/VALUE"):
        c = to_iso2(_text(v))
        if c:
            countries.append(c)
    for a in el.findall(f"{prefix}_ADDRESS"):
        c = to_iso2(_text(a.find("COUNTRY")))
        if c:
            countries.append(c)
    dobs = [d for d in (_dob(x) for x in el.findall("INDIVIDUAL_DATE_OF_BIRTH")) if d]
    ids: list[tuple[str, str]] = []
    for d in el.findall("INDIVIDUAL_DOCUMENT"):
        kind = _text(d.find("TYPE_OF_DOCUMENT")).lower()
        number = _text(d.find("NUMBER"))
        if number:
            ids.append(("passport" if "passport" in kind else "national_id", normalize_id(number)))
    program = _text(el.find("UN_LIST_TYPE"))
    return ListEntity(
        entity_id=f"un-{dataid}",
        schema="Person" if person else "Organization",
        name=name,
        aliases=tuple(dict.fromkeys(a for a in aliases if a != name)),
        countries=tuple(dict.fromkeys(countries)),
        identifiers=tuple(dict.fromkeys(ids)),
        birth_dates=tuple(dict.fromkeys(dobs)),
        programs=(program,) if program else (),
        record=index,
    )


def parse(path: Path, publication_date: str | None = None) -> ParsedList:
    root = load_xml(path)
    if root.tag != "CONSOLIDATED_LIST":
        raise InputFileError(path, f"root element is <{root.tag}>, not <CONSOLIDATED_LIST>")
    entities: list[ListEntity] = []
    index = 0
    for person, xpath in ((True, "INDIVIDUALS/INDIVIDUAL"), (False, "ENTITIES/ENTITY")):
        for el in root.findall(xpath):
            index += 1
            entities.append(_entity(path, el, person, index))
    if not entities:
        raise InputFileError(path, "no INDIVIDUAL or ENTITY records")
    generated = root.get("dateGenerated", "")
    return ParsedList.of_file("un_sc", path, publication_date or (generated[:10] or None), entities)
