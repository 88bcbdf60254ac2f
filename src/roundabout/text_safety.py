"""Untrusted text made safe to show: control codes become visible escapes.

List entries, party files and API bodies are written by others. Printed raw, a name can
rewrite the terminal: ``ESC [1A`` moves the cursor up, ``ESC [2K`` erases the line (a party
named "Harmless Bakery" followed by them wiped the MATCH lines above it), ``ESC ]8;;`` makes
a hyperlink, and the bidi overrides (U+202E ...) show text in another order than it is
stored. :func:`visible` replaces every such character by an escape anyone can read:

* C0 controls (U+0000-U+001F, tab and newline included: a name is one line), DEL (U+007F)
  and C1 controls (U+0080-U+009F, where 8-bit terminals take CSI at U+009B) -> ``\\x1b``;
* bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), the implicit marks
  (U+200E, U+200F, U+061C) and the invisible formatting characters that hide text
  (U+200B-U+200D zero widths, U+2060 word joiner, U+FEFF) -> ``\\u202e``;
* a backslash stays as it is (the escapes are for reading, not for decoding back).

The ESC of an escape sequence becomes ``\\x1b``, so the rest of the sequence (``[1A``) is
plain text that does nothing. Use it at every point where text reaches a terminal or a page:
CLI tables and lines, the HTML report (before HTML escaping), the dashboard (``app.js``
applies the same rule). JSON output keeps the exact text, a program reading it must see what
was stored: :func:`json_text` writes the unsafe characters as JSON escapes, which decode back
to them.
"""

from __future__ import annotations

import re
from typing import Final

#: Characters that :func:`visible` escapes.
UNSAFE: Final = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
)


def _escape(m: re.Match[str]) -> str:
    c = ord(m.group())
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


#: The same without tab and newline, for text laid out by a page (HTML) rather than a terminal.
UNSAFE_IN_PAGE: Final = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
)


def visible(text: object, *, page: bool = False) -> str:
    """``text`` (made a string) with every control or bidi character shown as an escape.

    ``page=True`` keeps tab and newline, which HTML lays out as spaces (a terminal line must
    not have them: a newline in a name could fake a line of its own)."""
    s = text if isinstance(text, str) else str(text)
    return (UNSAFE_IN_PAGE if page else UNSAFE).sub(_escape, s)


#: :data:`UNSAFE` but C0: inside a JSON string JSON has escaped them, and outside they are the
#: document's own layout (newlines, indentation).
_UNSAFE_IN_JSON: Final = re.compile(
    "[\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
)


def json_text(doc: str) -> str:
    """A JSON document (from ``json.dumps(..., ensure_ascii=False)``) with every character
    :func:`visible` would escape written as a JSON ``\\uXXXX`` escape instead.

    JSON already escapes C0 controls, but not C1 controls (U+009B is CSI to 8-bit terminals)
    or the bidi overrides, which then reach a terminal raw. The escaped document decodes to
    exactly the same values: a program reading it still sees what was stored."""
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", doc)


def is_safe(text: str) -> bool:
    """Whether ``text`` has nothing :func:`visible` would change."""
    return UNSAFE.search(text) is None


__all__ = ["UNSAFE", "UNSAFE_IN_PAGE", "is_safe", "json_text", "visible"]
