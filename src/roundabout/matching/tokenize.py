"""Casefolding and tokenising names in any script, keeping every letter.

Unlike fingerprinting (NFKD then strip marks), nothing here decomposes letters, so the Kazakh
``Қ Ұ Ә Ғ Ң Ө Ү Һ І``, the Uzbek ``Ў`` and the Russian ``Й`` survive in the native tokens.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final

from roundabout.matching.translit import to_ascii

_APOSTROPHES: Final = re.compile(r"[\u2018\u2019\u02bb\u02bc\u0060\u00b4\u055a]")
_POSSESSIVE: Final = re.compile(r"(?<=\w)'s\b")
_INNER: Final = re.compile(r"(?<=\w)['.](?=\w)")
_AMP: Final = re.compile(r"\s*&\s*")


def _mark_ranges() -> str:
    """A regex class body of every combining mark (Unicode category M*): vowel signs and
    viramas of Indic and South-East Asian scripts are not ``\\w``, yet belong to the word."""
    ranges: list[tuple[int, int]] = []
    for cp in range(0x300, 0x20000):  # the planes with letters that take marks
        if unicodedata.category(chr(cp)).startswith("M"):
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    return "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges)


#: A word: letters and digits of any script with their combining marks (``মোহাম্মদ`` is one
#: word, not four).
_WORD: Final = re.compile(rf"[^\W_](?:[^\W_]|[{_mark_ranges()}])*")

#: The longest name we look at, in characters; longer input is cut (lists have ~300 max).
MAX_NAME_CHARS: Final = 500


def casefold_name(text: str) -> str:
    """NFC, casefolded, punctuation removed, spaces squashed; letters of every script kept."""
    return " ".join(native_tokens(text))


@lru_cache(maxsize=200_000)
def native_tokens(text: str) -> tuple[str, ...]:
    """Casefolded word tokens in the original script (``"ТОО «Қазақмыс»"`` -> ``тоо``, ...)."""
    text = unicodedata.normalize("NFC", text[:MAX_NAME_CHARS]).casefold()
    text = _APOSTROPHES.sub("'", text)
    text = _POSSESSIVE.sub("", text)
    text = _INNER.sub("", text)
    text = _AMP.sub(" and ", text)
    return tuple(_WORD.findall(text))


@lru_cache(maxsize=200_000)
def ascii_tokens(text: str) -> tuple[str, ...]:
    """Tokens romanised to ASCII, one per native token (empty romanisations dropped)."""
    out: list[str] = []
    for tok in native_tokens(text):
        for part in _WORD.findall(to_ascii(tok)):
            out.append(part)
    return tuple(out)
