"""EU Council Regulation 833/2014 Annex IV: natural or legal persons, entities or bodies
referred to in Art. 2(7), 2a(7) and 2b(1) (military end users in Russia, and since 2023
third-country suppliers of its military), from the consolidated text on EUR-Lex (the HTML
page, or the Annex copied as plain text).

Layout read: the heading ``ANNEX IV`` (the text before it and from the next ``ANNEX`` on is
ignored), optional country headings (a line that is only a country name: ``Russia``,
``China``, ``United Arab Emirates``), then one entry per line, optionally numbered (``12.``)
or dashed; an entry may carry its address after the name (``Name, Address: ...`` or the BIS
style ``Name, a.k.a. ... . Address``) or its country in brackets (``Name (Uzbekistan)``).
HTML is reduced to text first (tags dropped, a line per paragraph or table row).

Written from the published layout; not yet tried on a real download.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from roundabout.errors import InputFileError
from roundabout.lists.aka_text import EntryText, parse_entry
from roundabout.lists.common import date_in_name
from roundabout.lists.countries import to_iso2
from roundabout.lists.limits import read_text
from roundabout.lists.model import ListEntity, ParsedList
from roundabout.lists.third_country import entity, unique_ids

_BLOCK = re.compile(r"</?(p|tr|div|li|br|h\d|table)\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_NUMBER = re.compile(r"^\s*(?:\(?\d+[.)]|[-—–•])\s*")
_BRACKET = re.compile(r"^(.*\S)\s*\(([^()]+)\)\s*\.?$")


def _plain(text: str) -> str:
    if "<" not in text[:2000]:
        return text
    text = _BLOCK.sub("\n", text)
    text = _TAG.sub(" ", text)
    return html.unescape(text)


def _annex(text: str) -> list[tuple[int, str]]:
    lines = _plain(text).splitlines()
    start = next((i for i, line in enumerate(lines) if re.fullmatch(r"\s*ANNEX IV\s*", line)), None)
    if start is None:
        return []
    out = []
    for i in range(start + 1, len(lines)):
        line = " ".join(lines[i].split())
        if re.fullmatch(r"ANNEX [IVXLC]+", line):
            break
        if line:
            out.append((i + 1, line))
    return out


def _entry(line: str) -> tuple[EntryText, str | None]:
    body = _NUMBER.sub("", line).strip()
    country = None
    m = _BRACKET.match(body)
    if m and to_iso2(m.group(2)):
        body, country = m.group(1), to_iso2(m.group(2))
    if re.search(r",\s*address:", body, re.IGNORECASE):
        name, _, rest = re.split(r"(,\s*address:)", body, maxsplit=1, flags=re.IGNORECASE)
        parsed = parse_entry(name)
        return EntryText(parsed.name, parsed.aliases, parse_entry("x, " + rest).addresses), country
    if "a.k.a" in body.lower():
        return parse_entry(body), country
    return EntryText(body.rstrip(".;"), (), ()), country


def parse(path: Path, publication_date: str | None = None) -> ParsedList:
    lines = _annex(read_text(path))
    if not lines:
        raise InputFileError(path, "no 'ANNEX IV' heading (not Reg. 833/2014 Annex IV text?)")
    entities: list[ListEntity] = []
    country: str | None = None
    for line_no, line in lines:
        heading = to_iso2(line.rstrip(":"))
        if heading and not _NUMBER.match(line):
            country = heading
            continue
        if line.lower().startswith(("list of natural", "list of persons")):
            continue
        entry, own_country = _entry(line)
        if not entry.name:
            continue
        entities.append(
            entity(path, "eu-annex4", entry, own_country or country, "EU-833-ANNEX-IV", line_no)
        )
    if not entities:
        raise InputFileError(path, "Annex IV has no entries")
    date = publication_date or date_in_name(path)
    return ParsedList.of_file("eu_annex4", path, date, unique_ids(entities))
