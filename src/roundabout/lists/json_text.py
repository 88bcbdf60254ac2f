"""Strings as ``json.dumps(..., ensure_ascii=False)`` writes them, without the encoder's scan
when nothing in them needs escaping.

With ``ensure_ascii=False`` the encoder escapes only ``"``, ``\\`` and the characters below
U+0020; a string without ``"`` or ``\\`` whose characters are all printable (which leaves out
every character below U+0020) is written as it is, between quotes. Searching for two
characters and ``str.isprintable`` are quicker than the encoder's copy for the long texts of an
ownership status (its explanation, its ``via`` ids): a million-link load writes 800,000 of them
to hash them into entry versions.
"""

from __future__ import annotations

import json.encoder
from collections.abc import Sequence
from typing import Final

#: The encoder ``json.dumps(..., ensure_ascii=False)`` uses (the C one).
encode: Final = json.encoder.encode_basestring


def _plain(text: str) -> bool:
    return '"' not in text and "\\" not in text and text.isprintable()


def quote(text: str) -> str:
    """``json.dumps(text, ensure_ascii=False)``."""
    return f'"{text}"' if _plain(text) else encode(text)


def quote_all(texts: Sequence[str]) -> str:
    """The items of ``json.dumps(list(texts), ensure_ascii=False)`` without the brackets."""
    if not texts:
        return ""
    if _plain("".join(texts)):
        return '"' + '", "'.join(texts) + '"'
    return ", ".join(map(encode, texts))
