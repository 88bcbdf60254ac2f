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


def detect(path: Path) -> ListFormat:
    check_file(path)
    with path.open("rb") as fh:
        head = fh.read(4096)
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff").lstrip()
    if text.startswith("<"):
        return ListFormat.un
    if text.startswith("{"):
        return ListFormat.ftm
    if text.startswith('"Name"\t'):
        return ListFormat.dpl
    first = text.split(",", 1)[0]
    if first.isdigit():
        return ListFormat.ofac
    raise InputFileError(path, "cannot tell the list format; pass --format ofac|un|ftm|dpl")


def parse_list(
    path: Path,
    fmt: ListFormat | None = None,
    *,
    alt: Path | None = None,
    add: Path | None = None,
    publication_date: str | None = None,
) -> ParsedList:
    """Parse one list file (OFAC takes its alias and address companions)."""
    # The importers (followthemoney, rigour) load only when a file is parsed: ``ListFormat``
    # is needed by the CLI at import time, the parsers are not.
    from roundabout.lists import dpl, ftm, ofac, un

    fmt = fmt or detect(path)
    if fmt is ListFormat.ofac:
        return ofac.parse(path, alt, add, publication_date)
    if alt is not None or add is not None:
        raise InputFileError(path, "--alt/--add only go with an OFAC sdn.csv")
    if fmt is ListFormat.un:
        return un.parse(path, publication_date)
    if fmt is ListFormat.ftm:
        return ftm.parse(path, publication_date)
    return dpl.parse(path, publication_date)
