"""Which importer reads a file: by explicit format, else by name and first bytes."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from roundabout.errors import InputFileError
from roundabout.lists.limits import check_file
from roundabout.lists.model import ParsedList


class ListFormat(StrEnum):
    ofac = "ofac"
    un = "un"
    ftm = "ftm"
    dpl = "dpl"
    eu_fsf = "eu_fsf"
    uk = "uk"
    ofac_xml = "ofac_xml"
    us_csl = "us_csl"


def detect(path: Path) -> ListFormat:
    check_file(path)
    with path.open("rb") as fh:
        head = fh.read(4096)
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff").lstrip()
    if text.startswith("<"):
        if "<sdnList" in text:
            return ListFormat.ofac_xml
        if "fpi/fsd/export" in text or "<export" in text:
            return ListFormat.eu_fsf
        if "<Designations" in text or "<Designation>" in text:
            return ListFormat.uk
        return ListFormat.un
    if text.startswith("{"):
        return ListFormat.ftm
    if text.startswith('"Name"\t'):
        return ListFormat.dpl
    first_line = text.split("\n", 1)[0]
    if first_line.lower().startswith("last updated") or first_line.startswith("Name 6,"):
        return ListFormat.uk
    if "Entity_LogicalId" in first_line and ";" in first_line:
        return ListFormat.eu_fsf
    if first_line.startswith(("_id,source,", '"_id","source",')):
        return ListFormat.us_csl
    first = text.split(",", 1)[0]
    if first.isdigit():
        return ListFormat.ofac
    choices = "|".join(f.value for f in ListFormat)
    raise InputFileError(path, f"cannot tell the list format; pass --format {choices}")


def parse_list(
    path: Path,
    fmt: ListFormat | None = None,
    *,
    alt: Path | None = None,
    add: Path | None = None,
    publication_date: str | None = None,
) -> ParsedList:
    """Parse one list file (OFAC CSV takes its alias and address companions)."""
    # The importers (followthemoney, rigour) load only when a file is parsed: ``ListFormat``
    # is needed by the CLI at import time, the parsers are not.
    from roundabout.lists import dpl, eu_fsf, ftm, ofac, ofac_xml, uk, un, us_csl

    fmt = fmt or detect(path)
    if fmt is ListFormat.ofac:
        return ofac.parse(path, alt, add, publication_date)
    if alt is not None or add is not None:
        raise InputFileError(path, "--alt/--add only go with an OFAC sdn.csv")
    if fmt is ListFormat.un:
        return un.parse(path, publication_date)
    if fmt is ListFormat.ftm:
        return ftm.parse(path, publication_date)
    if fmt is ListFormat.eu_fsf:
        return eu_fsf.parse(path, publication_date)
    if fmt is ListFormat.uk:
        return uk.parse(path, publication_date)
    if fmt is ListFormat.ofac_xml:
        return ofac_xml.parse(path, publication_date)
    if fmt is ListFormat.us_csl:
        return us_csl.parse(path, publication_date)
    return dpl.parse(path, publication_date)
