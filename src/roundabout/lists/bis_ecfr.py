"""BIS Entity List (Supplement No. 4 to 15 CFR Part 744) and Military End-User list
(Supplement No. 7), from the eCFR XML (https://www.ecfr.gov/api/versioner/v1/full/DATE/
title-15.xml?part=744).

Each supplement is a ``GPOTABLE``: a ``BOXHD`` of column heads (``Country``, ``Entity``,
``License requirement``, ``License review policy``, ``Federal Register citation``; the MEU
list has ``Country``, ``Entity``, ``Federal Register citation``) and one ``ROW`` of ``ENT``
cells per entry, the country cell left empty when it repeats. The entry text follows the
Entity List style (:mod:`roundabout.lists.aka_text`); address-only entries are kept as
addresses. Parsed with defusedxml (:func:`roundabout.lists.un.load_xml`).

Written from the eCFR's published layout; not yet tried on a real download.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from roundabout.errors import InputFileError
from roundabout.lists.aka_text import parse_entry
from roundabout.lists.common import date_in_name, strip_namespaces
from roundabout.lists.limits import MAX_ENTITIES
from roundabout.lists.model import ListEntity, ParsedList
from roundabout.lists.third_country import country_code, entity, unique_ids
from roundabout.lists.un import load_xml

_WHICH = {
    "supplement no. 4 to part 744": ("bis_el", "bis-el", "BIS-EL"),
    "supplement no. 7 to part 744": ("bis_meu", "bis-meu", "BIS-MEU"),
}


def _text(el: ET.Element) -> str:
    return " ".join(" ".join(el.itertext()).split())


def _which(root: ET.Element) -> tuple[str, str, str] | None:
    for el in root.iter():
        if el.tag in ("HEAD", "HD") or el.get("N"):
            label = (el.get("N") or _text(el)).lower()
            for key, value in _WHICH.items():
                if key in label:
                    return value
    return None


def parse(path: Path, publication_date: str | None = None) -> ParsedList:
    root = strip_namespaces(load_xml(path))
    which = _which(root)
    if which is None:
        raise InputFileError(
            path, "not the eCFR Supplement No. 4 or No. 7 to Part 744 (no such heading)"
        )
    source, prefix, program = which
    entities: list[ListEntity] = []
    record = 0
    for table in root.iter("GPOTABLE"):
        heads = [_text(h).lower() for h in table.iter("CHED")]
        if "entity" not in heads or "country" not in heads:
            continue
        ci, ei = heads.index("country"), heads.index("entity")
        country: str | None = None
        for row in table.iter("ROW"):
            cells = row.findall("ENT")
            if len(cells) <= max(ci, ei):
                continue
            record += 1
            if record > MAX_ENTITIES:
                raise InputFileError(path, f"more than {MAX_ENTITIES:,} rows")
            c = _text(cells[ci])
            if c:
                country = country_code(c)
            text = _text(cells[ei])
            if not text:
                continue
            entities.append(entity(path, prefix, parse_entry(text), country, program, record))
    if not entities:
        raise InputFileError(path, "no Country / Entity table rows")
    return ParsedList.of_file(
        source, path, publication_date or date_in_name(path), unique_ids(entities)
    )
