"""Facts inside OFAC's free-text remarks: dates of birth, nationality, tax and register numbers.

OFAC's legacy CSV packs them into one field: ``"DOB 28 Sep 1973; POB Vinnitsa, Ukraine;
nationality Russia; Gender Male; Tax ID No. 773407989940 (Russia)."``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from roundabout.lists.countries import to_iso2

_MONTHS: Final = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_DOB: Final = re.compile(
    r"\bDOB\s+((?:circa\s+)?[0-9A-Za-z ]+?)(?:\s+to\s+[0-9A-Za-z ]+)?(?:;|\.|$)"
)
_NATIONALITY: Final = re.compile(
    r"\b(?:alt\. )?(?:nationality|citizen)\s+([A-Za-z ,.'-]+?)(?:;|\.\s|\.$|$)"
)
_ID: Final = re.compile(
    r"\b(Tax ID No\.|Registration Number|Registration ID|Government Gazette Number|"
    r"IMO|Passport|National ID No\.|SWIFT/BIC|Identification Number|"
    r"Business Registration Number|Unified Social Credit Code \(USCC\)|"
    r"Company Number|Personal ID Card)\s+([A-Z0-9][A-Z0-9-/.]{2,40})(?:\s+\(([A-Za-z ,.'-]+)\))?"
)


@dataclass(frozen=True, slots=True)
class Remarks:
    birth_dates: tuple[str, ...]
    countries: tuple[str, ...]
    identifiers: tuple[tuple[str, str], ...]


def _date(text: str) -> str | None:
    text = text.replace("circa", "").strip()
    parts = text.split()
    try:
        if len(parts) == 3:
            d = datetime(int(parts[2]), _MONTHS[parts[1][:3].lower()], int(parts[0]))
            return d.date().isoformat()
        if len(parts) == 2:
            return f"{int(parts[1]):04d}-{_MONTHS[parts[0][:3].lower()]:02d}"
        if len(parts) == 1 and parts[0].isdigit() and len(parts[0]) == 4:
            return parts[0]
    except (KeyError, ValueError):
        return None
    return None


def id_kind(label: str, value: str, country: str | None) -> str:
    """Our identifier kind for a labelled number (Russian tax IDs are INNs, and so on)."""
    label = label.lower()
    digits = value.replace("-", "")
    if label.startswith("imo"):
        return "imo"
    if label.startswith("swift"):
        return "swift"
    if label.startswith("passport"):
        return "passport"
    if label.startswith("tax id"):
        if country == "kz":
            return "bin"
        return "inn" if country in (None, "ru", "by", "ua", "kg", "uz", "am") else "registration"
    if label.startswith("registration") or label.startswith("business registration"):
        if country == "ru" and digits.isdigit() and len(digits) in (13, 15):
            return "ogrn"
        if country == "kz" and digits.isdigit() and len(digits) == 12:
            return "bin"
        return "registration"
    if label.startswith("national id") or label.startswith("personal id"):
        return "national_id"
    return "registration"


def parse(text: str) -> Remarks:
    if not text or text == "-0-":
        return Remarks((), (), ())
    dobs = []
    for m in _DOB.finditer(text):
        d = _date(m.group(1))
        if d:
            dobs.append(d)
    countries = []
    for m in _NATIONALITY.finditer(text):
        c = to_iso2(m.group(1).strip())
        if c and c not in countries:
            countries.append(c)
    ids: list[tuple[str, str]] = []
    for m in _ID.finditer(text):
        value = m.group(2).rstrip(".;,")
        country = to_iso2(m.group(3)) if m.group(3) else None
        kind = id_kind(m.group(1), value, country)
        ids.append((kind, normalize_id(value)))
    return Remarks(tuple(dict.fromkeys(dobs)), tuple(countries), tuple(dict.fromkeys(ids)))


def normalize_id(value: str) -> str:
    """Identifiers compare without spaces, dashes, dots and case (``IMO 9123456`` -> 9123456)."""
    out = re.sub(r"[\s\-./]", "", value).upper()
    return out[3:] if out.startswith("IMO") and out[3:].isdigit() else out
