"""Numbers in names: ``first``/``1st``/``1``, ``three``/``3``, and digits standing for letters.

Number words and ordinals become digits (``First International Bank`` and ``1st International
Bank`` compare equal). In a token mixing letters and digits the digits that look like letters
are read as letters (``Ig0r Sech1n`` -> ``igor sechin``), as in deliberate evasion.
"""

from __future__ import annotations

import re
from typing import Final

_WORDS: Final[dict[str, str]] = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
    "first": "1", "second": "2", "third": "3", "fourth": "4", "fifth": "5", "sixth": "6",
    "seventh": "7", "eighth": "8", "ninth": "9", "tenth": "10", "twenty": "20", "thirty": "30",
    "forty": "40", "fourty": "40", "fifty": "50", "sixty": "60", "seventy": "70",
    "eighty": "80", "ninety": "90", "hundred": "100",
    "ii": "2", "iii": "3", "iv": "4", "vi": "6", "vii": "7", "viii": "8", "ix": "9",
}  # fmt: skip
_ORDINAL: Final = re.compile(r"^(\d+)(st|nd|rd|th)$")
_LEET: Final = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "9": "g", "7": "t"})


def normalize_token(token: str) -> str:
    """One ASCII token with number words as digits and leetspeak digits as letters."""
    word = _WORDS.get(token)
    if word is not None:
        return word
    m = _ORDINAL.match(token)
    if m:
        return m.group(1)
    if not token.isdigit() and not token.isalpha() and any(c.isdigit() for c in token):
        letters = sum(c.isalpha() for c in token)
        if letters >= 2:
            return token.translate(_LEET)
    return token


def merge_compounds(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """``("40", "4")`` -> ``("44",)``: tens followed by units, as in "forty-four"."""
    out: list[str] = []
    for tok in tokens:
        if (
            out
            and tok.isdigit()
            and len(tok) == 1
            and out[-1].isdigit()
            and len(out[-1]) == 2
            and out[-1].endswith("0")
            and out[-1] != "10"
        ):
            out[-1] = str(int(out[-1]) + int(tok))
        else:
            out.append(tok)
    return tuple(out)
