from pathlib import Path

import pytest

from roundabout.lists import ofac, un
from roundabout.matching.matcher import ScreenEntry, Screener

DATA = Path(__file__).parent.parent / "data" / "lists"


@pytest.fixture(scope="session")
def screener() -> Screener:
    lists = [
        ofac.parse(
            DATA / "ofac_sdn_sample.csv",
            DATA / "ofac_alt_sample.csv",
            DATA / "ofac_add_sample.csv",
            publication_date="2024-05-03",
        ),
        un.parse(DATA / "un_sample.xml"),
    ]
    return Screener(
        [ScreenEntry(e, f"{p.source}:test", e.content_hash()) for p in lists for e in p.entities]
    )


@pytest.fixture(scope="session")
def bundled_screener() -> Screener:
    """The bundled OFAC SDN and UN lists, as an empty store loads them on first use."""
    from roundabout.lists import bundled

    return Screener(
        [
            ScreenEntry(e, f"{p.source}:bundled", e.content_hash())
            for p in bundled.current()
            for e in p.entities
        ]
    )
