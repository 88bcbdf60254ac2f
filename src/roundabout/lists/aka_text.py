"""The entry text of the BIS Entity List style, shared by BIS (Entity List, MEU list) and the
lists that copy it (Japan METI's third-country list):

    Tako LLC, a.k.a., the following one alias: -Taco LLC. 17 Garegin Nzhdehi Street, Yerevan,
    0026, Armenia; and 5 Other Street, Gyumri, Armenia.

-> name ``Tako LLC``, aliases ``(Taco LLC,)``, addresses (split on ``; and`` / ``;``). An
entry without a.k.a. is ``Name, address`` (the name ends at the first comma that is not part
of a legal form such as ``Co., Ltd.``). An *address-only* entry (BIS has listed bare
addresses since 2025: the entry starts with a house number, ``Room``, ``Unit``, ``Flat``,
``Suite``, ``Office``, ``No.`` or ``Address:``) has no name: it is kept as an address to
match (:func:`roundabout.screening.redflags` ``listed_address``), never screened as a name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_AKA = re.compile(
    r",?\s*(?:a\.k\.a\.|also known as),?\s*(?:the following\s+\w+\s+alias(?:es)?:)?\s*",
    re.IGNORECASE,
)
_DASH = re.compile(r"^\s*[-—–]\s*")
_ALIAS_END = re.compile(r"\.\s+(?=\S)")  # the sentence of aliases ends with ". "
_LEGAL = re.compile(
    r"^\s*(co\.?|ltd\.?|limited|inc\.?|llc|l\.l\.c\.|jsc|pjsc|ojsc|s\.a\.|gmbh|fze|fzco|"
    r"llp|lp|plc|corp\.?|company|a\.s\.|sti\.?|pte\.?)\b",
    re.IGNORECASE,
)
_ADDRESS_ONLY = re.compile(
    r"^\s*(address:|\d|room\b|rm\b|unit\b|flat\b|suite\b|office\b|no\.|block\b|floor\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class EntryText:
    name: str | None  # None for an address-only entry
    aliases: tuple[str, ...]
    addresses: tuple[str, ...]


def split_addresses(text: str) -> tuple[str, ...]:
    text = text.strip().rstrip(".").strip()
    if text.lower().startswith("address:"):
        text = text[8:].strip()
    parts = re.split(r";\s*(?:and\s+)?|\s+and\s+(?=\d)", text)
    return tuple(p.strip().rstrip(".").strip() for p in parts if p.strip(" .;"))


def _name_and_rest(text: str) -> tuple[str, str]:
    """``Name, address`` -> (name, address): the first comma not followed by a legal form."""
    pos = 0
    while True:
        i = text.find(",", pos)
        if i < 0:
            return text.strip().rstrip("."), ""
        if _LEGAL.match(text[i + 1 :]):
            pos = i + 1
            continue
        return text[:i].strip(), text[i + 1 :].strip()


def parse_entry(text: str) -> EntryText:
    text = " ".join(text.split())
    if _ADDRESS_ONLY.match(text):
        return EntryText(None, (), split_addresses(text))
    m = _AKA.search(text)
    if m is None:
        name, rest = _name_and_rest(text)
        return EntryText(name, (), split_addresses(rest) if rest else ())
    name = text[: m.start()].strip().rstrip(",")
    tail = text[m.end() :]
    aliases: list[str] = []
    rest = ""
    # aliases: "-A; -B; and -C." then the address
    for piece in re.split(r";\s*(?:and\s+)?", tail):
        if rest:
            rest += "; " + piece
            continue
        end = _ALIAS_END.search(piece)
        if end is not None and not re.search(
            r"\b(co|ltd|inc|corp|no|st)\.$", piece[: end.start() + 1], re.IGNORECASE
        ):
            aliases.append(_DASH.sub("", piece[: end.start()]).strip())
            rest = piece[end.end() :]
        else:
            aliases.append(_DASH.sub("", piece).strip().rstrip("."))
    return EntryText(
        name,
        tuple(a for a in aliases if a),
        split_addresses(rest) if rest.strip() else (),
    )
