"""Country crosswalk: every code a trade file uses, mapped to one ISO 3166 alpha-3 code.

Trade sources disagree on country codes. UN Comtrade and CEPII BACI use numeric codes that
mostly follow UN M49 but not always (France 251, India 699, USA 842, Switzerland 757 where
M49 says 250, 356, 840, 756). Eurostat Comext uses ISO alpha-2 with its own exceptions
(``EL`` Greece, ``XI``/``XU`` the two parts of the United Kingdom since 2021, ``XK`` Kosovo,
``Q*`` for "not specified") and aggregate codes such as ``EU27_2020``. roundabout stores one
code per country: ISO alpha-3, or an aggregate code from :data:`AGGREGATES`.

:func:`crosswalk` returns the mapping as a table ``(scheme, code, iso3)`` that importers join
against; a code absent from it is an unknown country and its row goes to quarantine.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources
from typing import Final

import pyarrow as pa

#: Aggregate and special partner codes kept as they are (never summed with countries).
AGGREGATES: Final[dict[str, str]] = {
    "W00": "World",
    "EU27_2020": "European Union (27 members from 2020)",
    "EU28": "European Union (28 members, 2013-2020)",
    "EU_CHANGING": "European Union (changing composition)",
    "EA20": "Euro area (20)",
    "EA_CHANGING": "Euro area (changing composition)",
    "EXT_EU27_2020": "Extra-EU27 (from 2020)",
    "INT_EU27_2020": "Intra-EU27 (from 2020)",
    "EUR": "European Union (as a Comtrade reporter)",
    "S19": "Other Asia, n.e.s. (Taiwan in Comtrade and BACI)",
    "XNS": "Areas or countries not specified",
    "XBU": "Bunkers",
    "XFZ": "Free zones",
    "XSC": "Special categories",
    "XKX": "Kosovo",
}

#: Comtrade / BACI numeric codes that are not countries.
_NUMERIC_SPECIAL: Final[dict[str, str]] = {
    "0": "W00",
    "97": "EUR",
    "490": "S19",
    "837": "XBU",
    "838": "XFZ",
    "839": "XSC",
    "899": "XNS",
    "412": "XKX",
    "472": "XNS",  # Africa CAMEU region, nes
    "471": "XNS",  # CACM, nes
    "129": "XNS",  # Caribbean, nes
    "221": "XNS",  # Eastern Europe, nes
    "492": "XNS",  # Europe EU, nes
    "473": "XNS",  # LAIA, nes
    "536": "XNS",  # Neutral Zone
    "637": "XNS",  # North America and Central America, nes
    "290": "XNS",  # Northern Africa, nes
    "527": "XNS",  # Oceania, nes
    "577": "XNS",  # Other Africa, nes
    "568": "XNS",  # Other Europe, nes
    "636": "XNS",  # Rest of America, nes
    "879": "XNS",  # Western Asia, nes
}

#: Eurostat Comext (geonomenclature) alpha-2 codes that differ from ISO 3166.
_COMEXT_SPECIAL: Final[dict[str, str]] = {
    "EL": "GRC",
    "UK": "GBR",
    "GB": "GBR",
    "XI": "GBR",  # United Kingdom (Northern Ireland), from 2021
    "XU": "GBR",  # United Kingdom (excluding Northern Ireland), from 2021
    "XK": "XKX",
    "XS": "SRB",
    "XC": "ESP",  # Ceuta
    "XL": "ESP",  # Melilla
    "QP": "XNS",  # high seas
    "QQ": "XBU",  # stores and provisions
    "QR": "XBU",
    "QS": "XBU",
    "QU": "XNS",
    "QV": "XNS",
    "QW": "XNS",
    "QX": "XNS",  # not specified for commercial or military reasons
    "QY": "XNS",
    "QZ": "XNS",
    "WORLD": "W00",
}


def _read(name: str) -> list[dict[str, str]]:
    text = (
        resources.files("roundabout.reference")
        .joinpath("data")
        .joinpath(name)
        .read_text("utf-8-sig")
    )
    return list(csv.DictReader(text.splitlines()))


@lru_cache(maxsize=1)
def _pairs() -> tuple[tuple[str, str, str], ...]:
    """All (scheme, code, iso3) pairs, built once from the bundled tables."""
    out: dict[tuple[str, str], str] = {}
    iso3_known: set[str] = set(AGGREGATES)
    for row in _read("country_codes_datasets_country_codes.csv"):
        a3 = row["ISO3166-1-Alpha-3"].strip()
        a2 = row["ISO3166-1-Alpha-2"].strip()
        m49 = row["M49"].strip()
        if not a3:
            continue
        iso3_known.add(a3)
        out[("iso3", a3)] = a3
        if a2:
            out[("iso2", a2)] = a3
            out[("comext", a2)] = a3
        if m49.isdigit():
            out[("m49", str(int(m49)))] = a3
    for a3 in AGGREGATES:
        out[("iso3", a3)] = a3
        out[("comext", a3)] = a3
    # Comtrade and BACI numeric codes: their own tables first, then M49 for the rest.
    for row in _read("comtrade_country_codes_leeseogmin.csv"):
        code, a3 = row["comtrade_code"].strip(), row["iso3"].strip()
        if code.isdigit() and a3 in iso3_known:
            out[("comtrade", str(int(code)))] = a3
    for row in _read("baci_country_codes_V202601.csv"):
        code, a3 = row["country_code"].strip(), row["country_iso3"].strip()
        if code.isdigit() and a3:
            if a3 not in iso3_known:
                iso3_known.add(a3)
                out[("iso3", a3)] = a3
            out[("baci", str(int(code)))] = a3
            out.setdefault(("comtrade", str(int(code))), a3)
    for (scheme, code), a3 in list(out.items()):
        if scheme == "m49":
            out.setdefault(("comtrade", code), a3)
            out.setdefault(("baci", code), a3)
    for code, a3 in _NUMERIC_SPECIAL.items():
        out[("comtrade", code)] = a3
        out.setdefault(("baci", code), a3)
    for code, a3 in _COMEXT_SPECIAL.items():
        out[("comext", code)] = a3
    return tuple((s, c, a) for (s, c), a in sorted(out.items()))


def crosswalk() -> pa.Table:
    """The crosswalk as a table with columns ``scheme``, ``code``, ``iso3``.

    Schemes: ``iso3``, ``iso2``, ``m49``, ``comtrade`` (Comtrade numeric, incl. its special
    codes such as 0 World and 899 Areas n.e.s.), ``baci`` (CEPII numeric), ``comext``
    (Eurostat geonomenclature alpha-2 and aggregates). Numeric codes carry no leading zeros.
    """
    rows = _pairs()
    return pa.table(
        {
            "scheme": [r[0] for r in rows],
            "code": [r[1] for r in rows],
            "iso3": [r[2] for r in rows],
        }
    )


def to_iso3(code: str, scheme: str) -> str | None:
    """One code to ISO alpha-3 (or an aggregate code); ``None`` when unknown."""
    key = code.strip().upper()
    if scheme in ("m49", "comtrade", "baci") and key.isdigit():
        key = str(int(key))
    return _lookup().get((scheme, key))


@lru_cache(maxsize=1)
def _lookup() -> dict[tuple[str, str], str]:
    return {(s, c): a for s, c, a in _pairs()}


def iso3_codes() -> frozenset[str]:
    """Every code the ``flows`` table may hold in ``reporter``/``partner``."""
    return frozenset(a for _, _, a in _pairs())
