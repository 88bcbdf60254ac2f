"""Country names and codes as they appear in lists and party files -> ISO alpha-2 (lower)."""

from __future__ import annotations

from functools import lru_cache

from rigour.territories import get_territory, lookup_territory

_EXTRA = {
    "russian federation": "ru",
    "korea, north": "kp",
    "north korea": "kp",
    "korea, south": "kr",
    "burma": "mm",
    "turkiye": "tr",
    "türkiye": "tr",
    "uae": "ae",
    "u.a.e.": "ae",
    "region: crimea": "ua",
    "region: kurdistan region": "iq",
    "west bank": "ps",
}


@lru_cache(maxsize=4096)
def to_iso2(value: str | None) -> str | None:
    """``"Russia"``, ``"RU"``, ``"RUS"``, ``"Kazakhstan"`` -> ``"ru"``/``"kz"``; None if unknown."""
    if value is None:
        return None
    text = value.strip()
    if not text or text == "-0-":
        return None
    low = text.lower()
    if low in _EXTRA:
        return _EXTRA[low]
    if len(text) == 2 and text.isalpha():
        t = get_territory(low)
        return t.code if t is not None else None
    t = lookup_territory(text)
    if t is None:
        return None
    return str(t.code).split("-")[0]
