"""A listed name, screened as it is written, matches its own entry whatever type the party is
given: none (a party file without a type column), yente's catch-all ``LegalEntity``, or the
entry's own.

Found on the bundled lists: with no type, 42 of 37,091 names did not match their own entry
("KHUN SA" lost "SA" as a legal form, "Shahid MAHMOOD" became "martyr MAHMOOD",
"HAJI SALAM HAWALA" and "LADY LEILA" lost their first word as a title)."""

import pytest

from roundabout.matching.matcher import Screener, query_form
from roundabout.matching.model import Party
from roundabout.matching.normalize import analyze

_FLAGS = {"Person": True, "Organization": False, "Company": False, "Vessel": False}


def _at_risk(screener: Screener) -> list[tuple[str, str, str]]:
    """(entity id, schema, name) of every list name that a reading as neither a person's nor
    an organisation's name changes: the names the fix is for."""
    out = []
    for entry in screener.entries:
        e = entry.entity
        flag = _FLAGS.get(e.schema)
        if flag is None:
            continue
        for name in dict.fromkeys(e.names):
            if query_form(name, None, flag).tokens != analyze(name, None).tokens:
                out.append((e.entity_id, e.schema, name))
    return out


@pytest.mark.parametrize("schema", [None, "LegalEntity", "own"])
def test_every_name_at_risk_matches_its_own_entry(
    bundled_screener: Screener, schema: str | None
) -> None:
    names = _at_risk(bundled_screener)
    assert len(names) > 100  # the bundled lists have such names: the test tests something
    lost = []
    for entity_id, own_schema, name in names:
        party = Party("q", name, schema=own_schema if schema == "own" else schema)
        hits = bundled_screener.screen(party)
        if not any(h.entity_id == entity_id and h.match for h in hits):
            lost.append(name)
    assert lost == []


@pytest.mark.parametrize(
    "name",
    ["KHUN SA", "A.S. MUJEL", "Ag Mossa", "Shahid MAHMOOD", "HAJI SALAM HAWALA", "LADY LEILA"],
)
def test_the_names_found(bundled_screener: Screener, name: str) -> None:
    own = {e.entity.entity_id for e in bundled_screener.entries if name in e.entity.names}
    assert own
    hits = bundled_screener.screen(Party("q", name))
    assert any(h.entity_id in own and h.match for h in hits)


def test_query_form_reads_a_name_of_unknown_type_as_the_list_does() -> None:
    assert query_form("KHUN SA", None, True).tokens == ("khun", "sa")
    assert query_form("KHUN SA", None, None).tokens == ("khun",)
    assert query_form("LADY LEILA", None, False).tokens == ("lady", "leila")
    # a declared type is the party's own, whatever the list name's
    assert query_form("KHUN SA", "Organization", True).tokens == ("khun",)
    assert query_form("LADY LEILA", "Person", False).tokens == ("leila",)
