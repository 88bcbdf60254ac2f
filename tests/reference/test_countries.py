"""The country crosswalk: the codes each source uses, to one ISO alpha-3 code."""

from __future__ import annotations

import pytest

from roundabout.reference.countries import AGGREGATES, crosswalk, iso3_codes, to_iso3


@pytest.mark.parametrize(
    ("code", "scheme", "iso3"),
    [
        ("842", "comtrade", "USA"),  # Comtrade's own number, not M49 840
        ("251", "comtrade", "FRA"),
        ("699", "baci", "IND"),
        ("757", "baci", "CHE"),
        ("840", "m49", "USA"),
        ("040", "m49", "AUT"),  # leading zeros ignored
        ("0", "comtrade", "W00"),
        ("899", "comtrade", "XNS"),
        ("490", "comtrade", "S19"),
        ("EL", "comext", "GRC"),
        ("XI", "comext", "GBR"),
        ("XU", "comext", "GBR"),
        ("EU27_2020", "comext", "EU27_2020"),
        ("KZ", "iso2", "KAZ"),
        ("kg", "iso2", "KGZ"),
        ("ARM", "iso3", "ARM"),
    ],
)
def test_codes(code: str, scheme: str, iso3: str) -> None:
    assert to_iso3(code, scheme) == iso3


def test_unknown_codes_are_none() -> None:
    assert to_iso3("999", "comtrade") is None
    assert to_iso3("ZZ", "comext") is None
    assert to_iso3("GRC", "iso2") is None


def test_every_target_is_a_known_code() -> None:
    t = crosswalk()
    known = iso3_codes()
    assert set(t.column("iso3").to_pylist()) <= known
    assert set(AGGREGATES) <= known
    # all 249 ISO countries of the bundled table are there, and the hubs of the project
    assert {"ARM", "KAZ", "KGZ", "GEO", "UZB", "TUR", "ARE", "RUS", "BLR"} <= known
    assert t.num_rows > 1000
