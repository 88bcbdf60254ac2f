"""Japan METI's list of third-country entities subject to the export ban (Foreign Exchange
and Foreign Trade Act; MOFA Notice No. 447 of 2023 and amendments), as the text of the PDF
METI publishes (``pdftotext -layout`` off, or a copy-paste of it).

Layout: a Japanese heading, ``指定日：2023年12月15日`` (designated), ``最終更新日：...``
(last updated, the publication date), then numbered entries::

    1 有限会社タコ
    Tako LLC, a.k.a. the following one alias:
    -Taco LLC.
    所在地：17 Garegin Nzhdehi Street, Shengavit, Yerevan, 0026,
    Armenia.

the number and the Japanese name (a native Chinese name in （...） becomes an alias), the
English name and aliases in the BIS style (:mod:`roundabout.lists.aka_text`), and after
``所在地：`` (address) the addresses. Entry numbers run 1, 2, 3 ...: a line starting with the
next number and Japanese text starts an entry (an address line starting with a house number
does not); text extraction sometimes glues the next number to the end of a line, which is
undone the same way.

Written from METI's published PDF layout; not yet tried on a real download.
"""

from __future__ import annotations

import re
from pathlib import Path

from roundabout.errors import InputFileError
from roundabout.lists.aka_text import EntryText, parse_entry, split_addresses
from roundabout.lists.common import date_in_name
from roundabout.lists.limits import read_text
from roundabout.lists.model import ListEntity, ParsedList
from roundabout.lists.third_country import entity, unique_ids

_JP = r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]"
_HAS_JP = re.compile(_JP)
_UPDATED = re.compile(r"最終更新日[：:]\s*(\d{4})年(\d{1,2})月(\d{1,2})日")
_NATIVE = re.compile(r"[（(]([^（）()]*[\u3400-\u9fff][^（）()]*)[）)]")
_ADDRESS = "所在地"


def _entries(text: str) -> list[tuple[int, list[str]]]:
    out: list[tuple[int, list[str]]] = []
    expected = 1
    current: list[str] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        # a number glued to the end of the previous line: "...Emirates.4 サクセス"
        glued = re.search(rf"(?<=[.。)）])\s*{expected}\s*(?={_JP})", line)
        if glued and current is not None and glued.start() > 0:
            current.append(line[: glued.start()])
            line = line[glued.start() :].strip()
        m = re.match(rf"^{expected}\s*(?={_JP})", line)
        if m:
            current = [line[m.end() :].strip()]
            out.append((expected, current))
            expected += 1
        elif current is not None:
            current.append(line)
    return out


def _parse_one(lines: list[str]) -> tuple[EntryText, tuple[str, ...]]:
    japanese: list[str] = []
    english: list[str] = []
    address: list[str] = []
    part = "jp"
    for line in lines:
        if _ADDRESS in line[:4]:
            part = "address"
            line = line.split("：", 1)[-1].split(":", 1)[-1]
        elif part == "jp" and not _HAS_JP.search(line):
            part = "en"
        elif part == "jp" and _HAS_JP.search(line) and re.search(r"[A-Za-z]{3,}.*,", line):
            # a Japanese name glued to the English line: split at the last Japanese char
            last = max(i for i, ch in enumerate(line) if _HAS_JP.match(ch))
            japanese.append(line[: last + 1])
            line, part = line[last + 1 :], "en"
        {"jp": japanese, "en": english, "address": address}[part].append(line)
    en = parse_entry(" ".join(english)) if english else EntryText(None, (), ())
    native = tuple(n for n in _NATIVE.findall("".join(japanese)) if "別称" not in n)
    text = EntryText(
        en.name or ("".join(japanese) or None),
        (*en.aliases, *native),
        split_addresses(" ".join(address)) if address else en.addresses,
    )
    return text, native


def parse(path: Path, publication_date: str | None = None) -> ParsedList:
    text = read_text(path)
    found = _entries(text)
    if not found:
        raise InputFileError(path, "no numbered entries (not METI's third-country list text?)")
    m = _UPDATED.search(text)
    updated = f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}" if m else None
    entities: list[ListEntity] = []
    for number, lines in found:
        entry, _ = _parse_one(lines)
        if entry.name is None:
            raise InputFileError(path, f"entry {number}: no name")
        entities.append(entity(path, "jp-meti", entry, None, "JP-METI-RU", number))
    date = publication_date or updated or date_in_name(path)
    return ParsedList.of_file("jp_meti", path, date, unique_ids(entities))
