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
    bis_ecfr = "bis_ecfr"
    jp_meti = "jp_meti"
    eu_annex4 = "eu_annex4"


def detect(path: Path) -> ListFormat:
    check_file(path)
    with path.open("rb") as fh:
        head = fh.read(4096)
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff").lstrip()
    if "ANNEX IV" in text and ("833/2014" in text or "Article 2b" in text or "2a(7)" in text):
        return ListFormat.eu_annex4
    if text.startswith("<"):
        if "GPOTABLE" in text or "to Part 744" in text:
            return ListFormat.bis_ecfr
        if "<sdnList" in text:
            return ListFormat.ofac_xml
        if "fpi/fsd/export" in text or "<export" in text:
            return ListFormat.eu_fsf
        if "<Designations" in text or "<Designation>" in text:
            return ListFormat.uk
        return ListFormat.un
    if text.startswith("{"):
        return ListFormat.ftm
    if "所在地" in text or "最終更新日" in text:
        return ListFormat.jp_meti
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
    from roundabout.lists import (
        bis_ecfr,
        dpl,
        eu_annex4,
        eu_fsf,
        ftm,
        meti,
        ofac,
        ofac_xml,
        uk,
        un,
        us_csl,
    )

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
    if fmt is ListFormat.bis_ecfr:
        return bis_ecfr.parse(path, publication_date)
    if fmt is ListFormat.jp_meti:
        return meti.parse(path, publication_date)
    if fmt is ListFormat.eu_annex4:
        return eu_annex4.parse(path, publication_date)
    return dpl.parse(path, publication_date)
