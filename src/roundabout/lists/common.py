"""Pieces the EU, UK, OFAC XML and US CSL importers share: CSV records with line numbers,
namespace-free XML, day-first and ISO dates, entity assembly."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path

from roundabout.errors import InputFileError
from roundabout.lists.limits import MAX_ENTITIES, MAX_FIELD_CHARS, MAX_NAME_CHARS, check_field
from roundabout.lists.model import ListEntity

_DATE_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def date_in_name(path: Path) -> str | None:
    """``sdn_2024-05-03.xml`` -> ``"2024-05-03"``."""
    m = _DATE_IN_NAME.search(path.name)
    return m.group(1) if m else None


def _valid(y: int, m: int, d: int) -> str | None:
    if not 1000 <= y <= 2999:
        return None
    if m == 0:
        return f"{y:04d}"
    if not 1 <= m <= 12:
        return None
    if d == 0:
        return f"{y:04d}-{m:02d}"
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def day_first(text: str) -> str | None:
    """``"19/06/1951"`` -> ``"1951-06-19"``; OFSI's ``"00/00/1965"`` -> ``"1965"``; else None."""
    m = _DMY.match(text.strip())
    if not m:
        return None
    return _valid(int(m.group(3)), int(m.group(2)), int(m.group(1)))


def month_first(text: str) -> str | None:
    """``"09/24/2026"`` (OFAC's Publish_Date) -> ``"2026-09-24"``."""
    m = _DMY.match(text.strip())
    if not m:
        return None
    return _valid(int(m.group(3)), int(m.group(1)), int(m.group(2)))


def iso_prefix(text: str) -> str | None:
    """``"1937-04-28"``, ``"1937-04"``, ``"1937"`` (also with a time part) -> that ISO prefix."""
    m = _ISO.match(text.strip())
    if not m:
        return None
    y, mo, d = m.group(1), m.group(2), m.group(3)
    return _valid(int(y), int(mo or 0), int(d or 0))


def any_date(text: str) -> str | None:
    """An ISO or day-first date (the EU CSV uses both)."""
    return iso_prefix(text) or day_first(text)


def parts_date(year: str | None, month: str | None, day: str | None) -> str | None:
    """A date from separate year / month / day fields (any of which may be empty)."""
    y = (year or "").strip()
    if not (y.isdigit() and len(y) == 4):
        return None
    mo, d = (month or "").strip(), (day or "").strip()
    return _valid(int(y), int(mo) if mo.isdigit() else 0, int(d) if d.isdigit() and mo else 0)


def strip_namespaces(root: ET.Element) -> ET.Element:
    """Drop ``{namespace}`` prefixes from every tag (the published files use one default one)."""
    for el in root.iter():
        if isinstance(el.tag, str) and "}" in el.tag:
            el.tag = el.tag.split("}", 1)[1]
    return root


def text_of(el: ET.Element | None, path: str | None = None) -> str:
    if el is not None and path is not None:
        el = el.find(path)
    return (el.text or "").strip() if el is not None else ""


def csv_records(
    path: Path,
    text: str,
    *,
    delimiter: str,
    required: Iterable[str],
    skip_lines: int = 0,
    what: str,
) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a CSV with a header as ``(line, {column: value})``.

    ``skip_lines`` lines before the header are ignored (OFSI's "Last Updated" line). A header
    without the ``required`` columns, a row with the wrong number of fields, a field over
    :data:`~roundabout.lists.limits.MAX_FIELD_CHARS` or broken quoting is an error naming the
    file and line.
    """
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    try:
        for _ in range(skip_lines):
            next(reader, None)
        header = next(reader, None)
        header_line = reader.line_num
        if header is None:
            raise InputFileError(path, f"no header row (not a {what} file?)", header_line or 1)
        header = [h.strip().lstrip("\ufeff") for h in header]
        missing = [c for c in required if c not in header]
        if missing:
            raise InputFileError(
                path,
                f"not a {what} file: missing column(s) {', '.join(missing)}",
                header_line,
            )
        width = len(header)
        for row in reader:
            line = reader.line_num
            if not any(c.strip() for c in row):
                continue
            if len(row) != width:
                # spreadsheet exports sometimes add empty cells at the end of a row
                if len(row) > width and not any(c.strip() for c in row[width:]):
                    row = row[:width]
                else:
                    raise InputFileError(path, f"expected {width} fields, found {len(row)}", line)
            for value in row:
                check_field(path, value, "a field", line, MAX_FIELD_CHARS)
            yield line, {h: v.strip() for h, v in zip(header, row, strict=True)}
    except csv.Error as exc:
        raise InputFileError(path, f"malformed CSV: {exc}", reader.line_num) from None


def check_name(path: Path, name: str, where: str, line: int | None = None) -> str:
    if len(name) > MAX_NAME_CHARS:
        raise InputFileError(
            path, f"{where}: name is {len(name):,} characters (limit {MAX_NAME_CHARS:,})", line
        )
    return name


def unique(values: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


def xml_entities(
    path: Path,
    records: Iterable[ET.Element],
    build: Callable[[Path, ET.Element, int], ListEntity],
    *,
    tag: str,
    id_name: str,
    none_found: str | None = None,
) -> tuple[ListEntity, ...]:
    """Entities built from an XML list's records (``build(path, element, record number)``):
    at most :data:`MAX_ENTITIES`, ids unique, at least one; each failure one line naming the
    record."""
    entities: list[ListEntity] = []
    seen: set[str] = set()
    for index, el in enumerate(records, 1):
        if index > MAX_ENTITIES:
            raise InputFileError(path, f"more than {MAX_ENTITIES:,} {tag} records")
        e = build(path, el, index)
        if e.entity_id in seen:
            raise InputFileError(path, f"{tag} #{index}: duplicate {id_name}")
        seen.add(e.entity_id)
        entities.append(e)
    if not entities:
        raise InputFileError(path, none_found or f"no {tag} records")
    return tuple(entities)
