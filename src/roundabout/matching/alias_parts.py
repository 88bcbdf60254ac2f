"""Other names written into one name field: ``BETA GROUP LLC (f.k.a. KALASHNIKOV CONCERN)``.

Customer files, invoices and shipping documents put a party's former or other names into the
field that holds its name: ``ALFA TRADE LLC (formerly SOKHRA LLC)``, ``OOO Бета (ранее ООО
Сохра)``, ``Ivan PETROV a.k.a. Iwan Petrow``, ``X LTD t/a Y``. A company re-registered under a
new name is a known way round a listing, and the old name in the field may be the only trace of
it; yet compared as one name, the new name's words outweigh the old one's (BETA GROUP LLC
(f.k.a. KALASHNIKOV CONCERN) scored 0.44 against KALASHNIKOV CONCERN JSC). The screener
(:meth:`roundabout.matching.matcher.Screener.screen`) screens each name :func:`split` finds as a
name of its own, beside the field as written, and keeps the best score per list entry.

A marker is a whole word or phrase, in any case, with or without dots: the English ones
(a.k.a., f.k.a., n.k.a., formerly, previously, also / formerly known as, trading as, t/a,
d/b/a, doing business as, alias), Russian (ранее, бывш., бывшее, прежнее наименование /
название, он же, она же, также известен / известное как), Kazakh (бұрынғы), Uzbek (sobiq),
Turkish (eski adı / unvanı), German (vormals, ehemals), French (anciennement), Spanish
(anteriormente). A semicolon also separates names (``Vladimir Putin; V. V. Putin``). A marker
inside brackets takes the bracket's text as the other name and leaves the rest as the name
(``ALFA TRADE LLC (formerly SOKHRA LLC) MOSCOW``: ALFA TRADE LLC MOSCOW and SOKHRA LLC).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

__all__ = ["MARKERS", "split"]

#: The markers, as written (matched case-insensitively, dots optional, whole words only).
MARKERS: Final = (
    "also known as",
    "formerly known as",
    "now known as",
    "doing business as",
    "trading as",
    "a.k.a.",
    "f.k.a.",
    "n.k.a.",
    "a/k/a",
    "f/k/a",
    "d/b/a",
    "d.b.a.",
    "t/a",
    "formerly",
    "previously",
    "alias",
    "также известное как",
    "также известен как",
    "прежнее наименование",
    "прежнее название",
    "ранее",
    "бывшее",
    "бывш.",
    "он же",
    "она же",
    "бұрынғы",
    "sobiq",
    "eski adı",
    "eski unvanı",
    "vormals",
    "ehemals",
    "anciennement",
    "anteriormente",
)


def _pattern(marker: str) -> str:
    """A marker as a regular expression: dots optional, spaces any run of blanks."""
    out = []
    for ch in marker:
        if ch == ".":
            out.append(r"\.?")
        elif ch == " ":
            out.append(r"\s+")
        else:
            out.append(re.escape(ch))
    return "".join(out)


#: Any marker, as a whole word (no letter or digit either side), a colon after it allowed.
_MARKER: Final = re.compile(
    r"(?<![\w])(?:"
    + "|".join(_pattern(m) for m in sorted(MARKERS, key=len, reverse=True))
    + r")(?![\w])\s*:?",
    re.IGNORECASE,
)
_BRACKETED: Final = re.compile(r"[(\[]([^()\[\]]*)[)\]]")


def _marker(found: str) -> str:
    """A marker found, as shown in an explanation: lower case, single spaces, no colon."""
    return " ".join(found.rstrip(": \t").lower().split())


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


@lru_cache(maxsize=20_000)
def split(name: str) -> tuple[tuple[str, str], ...]:
    """The names written in ``name``, each with the marker before it (lower case; ``""`` for
    the first, ``";"`` after a semicolon), when it holds two or more; else ``()``."""
    others: list[tuple[str, str]] = []

    def inside(m: re.Match[str]) -> str:
        text = m.group(1).strip()
        found = _MARKER.match(text)
        if found is None:
            return m.group(0)
        others.extend(_pieces(text[found.end() :], _marker(found.group(0))))
        return " "

    pieces = _pieces(_BRACKETED.sub(inside, name), "") + others
    return tuple(pieces) if len(pieces) >= 2 else ()


def _pieces(text: str, marker: str) -> list[tuple[str, str]]:
    """``text`` cut at its markers and semicolons: (marker before it, name), names with
    letters only."""
    out: list[tuple[str, str]] = []
    for chunk_no, chunk in enumerate(text.split(";")):
        at = 0
        before = marker if chunk_no == 0 else ";"
        for m in _MARKER.finditer(chunk):
            piece = chunk[at : m.start()].strip(" ,-")
            if _has_letters(piece):
                out.append((before, " ".join(piece.split())))
            before = _marker(m.group(0))
            at = m.end()
        piece = chunk[at:].strip(" ,-")
        if _has_letters(piece):
            out.append((before, " ".join(piece.split())))
    return out
