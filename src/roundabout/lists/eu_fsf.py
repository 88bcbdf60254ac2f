"""EU Financial Sanctions Files (FSF): the consolidated list as XML 1.1 or CSV 1.1.

XML (``xmlFullSanctionsList_1_1``): root ``<export generationDate=... globalFileId=...>`` in
the namespace ``http://eu.europa.ec/fpi/fsd/export``; one ``<sanctionEntity logicalId=...
euReferenceNumber=... designationDate=...>`` per listed person or enterprise with children
``<regulation programme=... publicationDate=...>``, ``<subjectType code="person|enterprise"
classificationCode="P|E">``, ``<nameAlias wholeName= firstName= middleName= lastName=
nameLanguage= strong=>``, ``<citizenship countryIso2Code= countryDescription=>``,
``<birthdate birthdate= year= monthOfYear= dayOfMonth= countryIso2Code=>``,
``<identification number= latinNumber= identificationTypeCode= countryIso2Code=>`` and
``<address ... countryIso2Code=>``.

CSV (``csvFullSanctionsList_1_1``): semicolon-separated, UTF-8 (often with BOM), header
``fileGenerationDate;Entity_LogicalId;Entity_EU_ReferenceNumber;...`` (118 columns); one row
per sub-record (name alias, address, birth date, identification, citizenship), the rows of one
entity share ``Entity_LogicalId``. ``Entity_SubjectType`` is P/E and
``Entity_SubjectType_ClassificationCode`` person/enterprise; ``fileGenerationDate`` is
day-first (``05/08/2026``).

Element, attribute and column names as read by OpenSanctions' FSF parser
(``opensanctions/opensanctions`` ``zavod/zavod/shed/fsf.py``, ``datasets/eu/fsf/eu_fsf.yml``)
and moov-io/watchman's EU CSV reader (``pkg/sources/csl_eu/csl.go``: the 118 column order);
the published files live at webgate.ec.europa.eu/fsd/fsf (``xmlFullSanctionsList_1_1``,
``csvFullSanctionsList_1_1``). XML goes through the same defusedxml parser as the UN list.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from roundabout.errors import InputFileError
from roundabout.lists.common import (
    any_date,
    check_name,
    csv_records,
    day_first,
    iso_prefix,
    parts_date,
    strip_namespaces,
    unique,
    xml_entities,
)
from roundabout.lists.countries import to_iso2
from roundabout.lists.limits import MAX_ENTITIES, check_file, read_text
from roundabout.lists.model import ListEntity, ParsedList
from roundabout.lists.remarks import id_kind, normalize_id
from roundabout.lists.un import load_xml

_SUBJECTS = {"person": "Person", "p": "Person", "enterprise": "Organization", "e": "Organization"}
# identificationTypeCode -> the label our id_kind understands (None: person/org default)
_ID_LABELS = {
    "passport": "passport",
    "id": "national id",
    "ssn": "national id",
    "nrn": "national id",
    "nationcert": "national id",
    "regnumber": "registration",
    "fiscalcode": "tax id",
    "taxid": "tax id",
    "swiftbic": "swift",
    "imo": "imo",
}
CSV_REQUIRED = (
    "Entity_LogicalId",
    "Entity_SubjectType",
    "NameAlias_WholeName",
)


@dataclass
class _Acc:
    """One entity's facts, gathered from its sub-records."""

    logical_id: str
    record: int
    where: str  # how errors name the entity
    line: int | None  # CSV line of its first row (None for XML)
    schema: str | None = None
    names: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    ids: list[tuple[str, str]] = field(default_factory=list)
    dobs: list[str] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)
    listed: list[str] = field(default_factory=list)

    def add_id(self, code: str, number: str, country: str | None) -> None:
        number = number.strip()
        if not number:
            return
        label = _ID_LABELS.get(code.strip().lower())
        if label is None:
            label = "national id" if self.schema == "Person" else "registration"
        self.ids.append((id_kind(label, number, country), normalize_id(number)))

    def entity(self, path: Path) -> ListEntity:
        if self.schema is None:
            raise InputFileError(path, f"{self.where}: no subject type", self.line)
        names = unique(self.names)
        if not names:
            raise InputFileError(path, f"{self.where}: empty name", self.line)
        return ListEntity(
            entity_id=f"eu-fsf-{self.logical_id}",
            schema=self.schema,
            name=names[0],
            aliases=names[1:],
            countries=unique(self.countries),
            identifiers=tuple(dict.fromkeys(self.ids)),
            birth_dates=unique(self.dobs) if self.schema == "Person" else (),
            programs=unique(self.programs),
            record=self.record,
            listed_on=min(self.listed) if self.listed else None,
        )


def _schema(path: Path, code: str, where: str, line: int | None) -> str:
    schema = _SUBJECTS.get(code.strip().lower())
    if schema is None:
        raise InputFileError(path, f"{where}: unknown subject type {code!r}", line)
    return schema


def _xml_entity(path: Path, el: ET.Element, index: int) -> ListEntity:
    lid = el.get("logicalId", "").strip()
    where = f"sanctionEntity #{index}" + (f" (logicalId {lid})" if lid else "")
    if not lid.isdigit():
        raise InputFileError(path, f"{where}: missing or bad logicalId")
    acc = _Acc(lid, index, where, None)
    st = el.find("subjectType")
    if st is None:
        raise InputFileError(path, f"{where}: no subjectType")
    acc.schema = _schema(path, st.get("code") or st.get("classificationCode") or "", where, None)
    for na in el.findall("nameAlias"):
        whole = (na.get("wholeName") or "").strip()
        if not whole:
            parts = (na.get(k, "").strip() for k in ("firstName", "middleName", "lastName"))
            whole = " ".join(p for p in parts if p)
        if whole:
            acc.names.append(check_name(path, whole, where))
    for c in el.findall("citizenship"):
        acc.countries.append(to_iso2(c.get("countryIso2Code")) or "")
    for a in el.findall("address"):
        acc.countries.append(to_iso2(a.get("countryIso2Code")) or "")
    for b in el.findall("birthdate"):
        d = iso_prefix(b.get("birthdate") or "") or parts_date(
            b.get("year"),
            b.get("monthOfYear") or b.get("month"),
            b.get("dayOfMonth") or b.get("day"),
        )
        if d:
            acc.dobs.append(d)
    for i in el.findall("identification"):
        country = to_iso2(i.get("countryIso2Code"))
        acc.add_id(
            i.get("identificationTypeCode") or "",
            i.get("number") or i.get("latinNumber") or "",
            country,
        )
    for r in el.findall("regulation"):
        acc.programs.append((r.get("programme") or "").strip())
    listed = iso_prefix(el.get("designationDate") or "")
    if listed:
        acc.listed.append(listed)
    acc.countries = [c for c in acc.countries if c]
    return acc.entity(path)


def parse_xml(path: Path, publication_date: str | None = None) -> ParsedList:
    root = strip_namespaces(load_xml(path))
    if root.tag != "export":
        raise InputFileError(path, f"root element is <{root.tag}>, not the EU FSF <export>")
    entities = xml_entities(
        path, root.iter("sanctionEntity"), _xml_entity, tag="sanctionEntity", id_name="logicalId"
    )
    generated = iso_prefix(root.get("generationDate") or "")
    return ParsedList.of_file("eu_fsf", path, publication_date or generated, entities)


def parse_csv(path: Path, publication_date: str | None = None) -> ParsedList:
    text = read_text(path)
    accs: dict[str, _Acc] = {}
    generated: str | None = None
    for line, r in csv_records(path, text, delimiter=";", required=CSV_REQUIRED, what="EU FSF CSV"):
        lid = r["Entity_LogicalId"]
        if not lid.isdigit():
            raise InputFileError(path, f"Entity_LogicalId {lid!r} is not a number", line)
        acc = accs.get(lid)
        if acc is None:
            if len(accs) >= MAX_ENTITIES:
                raise InputFileError(path, f"more than {MAX_ENTITIES:,} entities", line)
            acc = accs[lid] = _Acc(lid, line, f"Entity_LogicalId {lid}", line)
        where = f"Entity_LogicalId {lid}"
        code = r.get("Entity_SubjectType_ClassificationCode") or r["Entity_SubjectType"]
        if code:
            acc.schema = _schema(path, code, where, line)
        name = r["NameAlias_WholeName"] or " ".join(
            p for p in (r.get(f"NameAlias_{k}Name") for k in ("First", "Middle", "Last")) if p
        )
        if name.strip():
            acc.names.append(check_name(path, name.strip(), where, line))
        for col in ("Citizenship_CountryIso2Code", "Address_CountryIso2Code"):
            c = to_iso2(r.get(col))
            if c:
                acc.countries.append(c)
        dob = any_date(r.get("BirthDate_BirthDate", "")) or parts_date(
            r.get("BirthDate_Year"), r.get("BirthDate_Month"), r.get("BirthDate_Day")
        )
        if dob:
            acc.dobs.append(dob)
        number = r.get("Identification_Number") or r.get("Identification_LatinNumber") or ""
        if number:
            acc.add_id(
                r.get("Identification_TypeCode", ""),
                number,
                to_iso2(r.get("Identification_CountryIso2Code")),
            )
        listed = any_date(r.get("Entity_DesignationDate", ""))
        if listed:
            acc.listed.append(listed)
        if r.get("Entity_Regulation_Programme"):
            acc.programs.append(r["Entity_Regulation_Programme"])
        if generated is None and r.get("fileGenerationDate"):
            generated = day_first(r["fileGenerationDate"]) or iso_prefix(r["fileGenerationDate"])
    if not accs:
        raise InputFileError(path, "no records")
    entities = [acc.entity(path) for acc in accs.values()]
    return ParsedList.of_file("eu_fsf", path, publication_date or generated, entities)


def parse(path: Path, publication_date: str | None = None) -> ParsedList:
    """The XML or the CSV export, whichever ``path`` is (by its first bytes)."""
    check_file(path)
    with path.open("rb") as fh:
        head = fh.read(64).lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"<"):
        return parse_xml(path, publication_date)
    return parse_csv(path, publication_date)
