"""Lists shipped with roundabout (``data/``, provenance in ``data/PROVENANCE.md``)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from roundabout.lists import ofac, un
from roundabout.lists.model import ParsedList


def data_dir() -> Path:
    return Path(str(resources.files("roundabout.lists").joinpath("data")))


def ofac_2022() -> ParsedList:
    d = data_dir()
    return ofac.parse(
        d / "ofac_sdn_2022-02-23.csv", d / "ofac_alt_2025-02-27.csv", d / "ofac_add_2025-02-27.csv"
    )


def ofac_2024() -> ParsedList:
    d = data_dir()
    return ofac.parse(
        d / "ofac_sdn_2024-05-03.csv", d / "ofac_alt_2025-02-27.csv", d / "ofac_add_2025-02-27.csv"
    )


def un_2026() -> ParsedList:
    return un.parse(data_dir() / "un_sc_consolidated_list_2026-02-27.xml")


def all_lists() -> list[ParsedList]:
    """The bundled lists, oldest OFAC first (so the newest is the current one)."""
    return [ofac_2022(), ofac_2024(), un_2026()]


def current() -> list[ParsedList]:
    """The newest bundled version of each list (OFAC 2024-05-03, UN 2026-02-27)."""
    return [ofac_2024(), un_2026()]
