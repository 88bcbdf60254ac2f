"""Postal addresses compared across scripts and abbreviations.

``ул. Пушкинская, д. 272, кв. 41, г. Ижевск, 426008`` and ``272 Pushkinskaya St., Apt. 41,
Izhevsk 426008`` are one address. An address becomes a key: transliterated to ASCII
(:func:`roundabout.matching.translit.to_ascii`), lower case, split into words and numbers
(``д.130`` -> ``130``, ``17к1`` -> ``17`` ``1``), street-type words folded to one form
(Avenue/Ave./пр./пр-т/проспект -> ``ave``; Street/St./ул./улица -> ``st``; бул./б-р/Blvd ->
``blvd``; пер./Lane -> ``ln``; ш./шоссе -> ``hwy``; наб. -> ``emb``; пл./Square -> ``sq``)
adjective endings folded (``-iy``/``-ii``/``-yy`` -> ``-y``), and filler words dropped
(дом/д., кв./Apt., г./city, корп./k., office, building ...).

Two keys match when they share numbers, the numbers of the shorter are all in the longer, and
at least 3/4 of the shorter's words (2 at least) are in the longer: a house number and a
street name must agree, a missing postcode or city does not stop a match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from roundabout.matching.translit import to_ascii

_FOLD: Final = {
    **dict.fromkeys(("st", "str", "street", "ul", "ulitsa", "ulica", "ulitsy", "strasse"), "st"),
    **dict.fromkeys(("ave", "av", "avenue", "pr", "prt", "prosp", "prospekt", "prospect"), "ave"),
    **dict.fromkeys(("blvd", "boulevard", "bul", "bulvar", "br"), "blvd"),
    **dict.fromkeys(("ln", "lane", "per", "pereulok"), "ln"),
    **dict.fromkeys(("hwy", "highway", "sh", "shosse"), "hwy"),
    **dict.fromkeys(("emb", "embankment", "nab", "naberezhnaya"), "emb"),
    **dict.fromkeys(("sq", "square", "pl", "ploshchad"), "sq"),
    **dict.fromkeys(("rd", "road"), "rd"),
    "moskva": "moscow",  # the one exonym common enough in list addresses to matter
}
_ENDING = re.compile(r"(iy|ii|yy|ij|yi)$")  # Chernomorskiy / Chernomorsky / Chernomorskii
_DROP: Final = frozenset(
    [
        "d",
        "dom",
        "house",
        "no",
        "nr",
        "number",
        "kv",
        "apt",
        "apartment",
        "flat",
        "g",
        "gorod",
        "city",
        "k",
        "korp",
        "korpus",
        "bld",
        "bldg",
        "building",
        "office",
        "of",
        "ofis",
        "room",
        "rm",
        "suite",
        "ste",
        "floor",
        "fl",
        "et",
        "etazh",
        "pom",
        "pomeshchenie",
        "lit",
        "litera",
        "stroenie",
        "the",
        "and",
        "of",
        "obl",
        "oblast",
        "region",
        "resp",
        "respublika",
    ]
)
_TOKEN = re.compile(r"[a-z]+|\d+")


@dataclass(frozen=True, slots=True)
class AddressKey:
    numbers: frozenset[str]
    words: frozenset[str]


@lru_cache(maxsize=100_000)
def key(address: str) -> AddressKey:
    text = to_ascii(address).lower()
    text = re.sub(r"\b(pr|b)-(t|r)\b", r"\1\2", text)  # пр-т, б-р
    numbers: set[str] = set()
    words: set[str] = set()
    for tok in _TOKEN.findall(text):
        if tok.isdigit():
            numbers.add(tok.lstrip("0") or "0")
            continue
        tok = _FOLD.get(tok, tok)
        if tok not in _FOLD.values() and len(tok) > 4:
            tok = _ENDING.sub("y", tok)
        if (tok not in _DROP and len(tok) > 1) or tok in _FOLD.values():
            words.add(tok)
    return AddressKey(frozenset(numbers), frozenset(words))


def same(a: AddressKey, b: AddressKey) -> bool:
    """Whether two address keys are one address (see the module docstring)."""
    if not a.numbers or not b.numbers:
        return False
    short, long = (a, b) if len(a.numbers) <= len(b.numbers) else (b, a)
    if not short.numbers <= long.numbers:
        return False
    fewer, more = (a.words, b.words) if len(a.words) <= len(b.words) else (b.words, a.words)
    common = len(fewer & more)
    return common >= 2 and common >= 0.75 * len(fewer)


class AddressIndex:
    """Listed addresses, looked up by a shared number."""

    def __init__(self, addresses: list[tuple[str, str, str]]) -> None:
        """``addresses``: (entity id, entity name, address as written)."""
        self.items = [(eid, name, raw, key(raw)) for eid, name, raw in addresses]
        self.by_number: dict[str, list[int]] = {}
        for i, (_, _, _, k) in enumerate(self.items):
            for n in k.numbers:
                self.by_number.setdefault(n, []).append(i)

    def find(self, address: str) -> list[tuple[str, str, str]]:
        """Listed (entity id, name, address) that are ``address``."""
        k = key(address)
        seen: set[int] = set()
        out = []
        for n in sorted(k.numbers):
            for i in self.by_number.get(n, []):
                if i in seen:
                    continue
                seen.add(i)
                eid, name, raw, other = self.items[i]
                if same(k, other):
                    out.append((eid, name, raw))
        return out
