"""Other names written into one name field (``matching/alias_parts.py``)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roundabout.lists.model import ListEntity
from roundabout.matching.alias_parts import split
from roundabout.matching.matcher import ScreenEntry, Screener
from roundabout.matching.model import Party


@pytest.mark.parametrize(
    ("field", "names"),
    [
        (
            "BETA GROUP LLC (f.k.a. KALASHNIKOV CONCERN)",
            [("", "BETA GROUP LLC"), ("f.k.a.", "KALASHNIKOV CONCERN")],
        ),
        (
            "ALFA TRADE LLC (formerly SOKHRA LLC) MOSCOW",
            [("", "ALFA TRADE LLC MOSCOW"), ("formerly", "SOKHRA LLC")],
        ),
        (
            "BANK (Formerly Known As: SOKHRA BANK)",
            [("", "BANK"), ("formerly known as", "SOKHRA BANK")],
        ),
        ("SOKHRA LLC AKA ALFA TRADE", [("", "SOKHRA LLC"), ("aka", "ALFA TRADE")]),
        ("X LTD t/a Y TRADING", [("", "X LTD"), ("t/a", "Y TRADING")]),
        (
            "Ivan PETROV a/k/a Iwan Petrow; I. Petrov",
            [("", "Ivan PETROV"), ("a/k/a", "Iwan Petrow"), (";", "I. Petrov")],
        ),
        ("ООО Бета (ранее ООО «Сохра»)", [("", "ООО Бета"), ("ранее", "ООО «Сохра»")]),
        ("ТОО Альфа, бұрынғы ТОО Бета", [("", "ТОО Альфа"), ("бұрынғы", "ТОО Бета")]),
    ],
)
def test_the_names_of_a_field(field: str, names: list[tuple[str, str]]) -> None:
    assert list(split(field)) == names


@pytest.mark.parametrize(
    "field",
    # one name: markers only as whole words, a marker with nothing on one side is no split
    [
        "ALIAS LLC",
        "KAKA TRADING",
        "DBA Group",
        "FORMERLY",
        "Petrov (Moscow)",
        "ALFA (f.k.a. )",
        "Ranee Ltd",
    ],
)
def test_one_name(field: str) -> None:
    assert split(field) == ()


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab (); .:/AKFkaf\u0440\u0430\u043d\u0435\u0435", max_size=40))
def test_any_text_splits_into_pieces_of_it(field: str) -> None:
    got = split(field)
    assert len(got) != 1
    letters = [ch for ch in field if ch.isalpha()]
    for _, piece in got:
        assert piece and piece == piece.strip() and any(ch.isalpha() for ch in piece)
        assert all(ch in letters or not ch.isalpha() for ch in piece)


def _screener() -> Screener:
    entities = [
        ListEntity(entity_id="k", schema="Company", name="JOINT STOCK COMPANY CONCERN KALASHNIKOV"),
        ListEntity(entity_id="s", schema="Company", name="OOO SOKHRA"),
    ]
    return Screener([ScreenEntry(e, "test:1", e.content_hash()) for e in entities])


@pytest.mark.parametrize(
    ("field", "listed"),
    [
        ("BETA GROUP LLC (f.k.a. KALASHNIKOV CONCERN)", "k"),
        ("ALFA TRADE LLC (formerly SOKHRA LLC)", "s"),
        ("ООО Бета (ранее ООО Сохра)", "s"),
    ],
)
def test_a_former_name_in_the_field_is_screened(field: str, listed: str) -> None:
    screener = _screener()
    for schema in (None, "Company"):
        hits = [h for h in screener.screen(Party("p", field, schema=schema)) if h.match]
        assert [h.entity_id for h in hits] == [listed], (field, schema)
        assert "a name the field gives after" in hits[0].features[0].detail
    # written as one name, the new name's words outweigh the old one's
    alone = screener.name_scores(field, None, 0.0)
    assert all(cmp.score < 0.72 for cmp, _ in alone.values()), alone
