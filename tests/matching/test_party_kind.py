"""A party of unknown type known as an organisation by its legal form (matching.party_kind)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roundabout.lists.model import ListEntity
from roundabout.matching import features
from roundabout.matching.compare import compare
from roundabout.matching.matcher import ScreenEntry, Screener, person_flag
from roundabout.matching.model import Party
from roundabout.matching.normalize import analyze
from roundabout.matching.party_kind import organisation_form
from roundabout.matching.rules import entity_rule


@pytest.mark.parametrize(
    ("name", "listed", "form"),
    [
        ("Kalashnikov Concern JSC", ["Aleksandr KALASHNIKOV"], "JSC"),
        ("ООО «Альфа»", ["Alfa IVANOV"], "OOO"),
        ("АО «Топаз»", ["Ivan TOPAZ"], "AO"),  # a two-letter form in capitals
        ("PETROL SA", ["Petrol KHAN"], "SA"),
        ("Co., Ltd. Sunrise", ["SUNRISE Co"], "CO LTD"),  # one of the form's words is not his
        ("Tbilisi Auto Import LLC", ["JIN TAI"], "LLC"),
        # what a person's name may hold
        ("ИП Иванов Иван Иванович", ["Ivan IVANOV"], ""),  # a sole trader is a person
        ("YATT Karimov Aziz", ["Aziz KARIMOV"], ""),
        ("A.S. Mujel", ["Ahmad Saleh MUJEL"], ""),  # initials, not a.s.
        ("Ag Mossa", ["Mossa AG GHALY"], ""),  # a particle (and his name holds AG)
        ("Ab-Bilal", ["ABU BILAL"], ""),
        ("Yu Liang PAO", ["Yu Liang PAO"], ""),  # his surname
        ("Pao Yu Liang", ["YU Liang PAO"], ""),
        ("KHUN SA", ["KHUN SA", "CHANG Chi-fu"], ""),
        ("Ivan Petrov", ["Ivan PETROV"], ""),  # no form at all
    ],
)
def test_organisation_form(name: str, listed: list[str], form: str) -> None:
    assert organisation_form(name, listed) == form


def _scored(party: Party, entity: ListEntity) -> tuple[float, list[str]]:
    cmp = compare(
        analyze(party.name, person_flag(party.schema)),
        analyze(entity.name, person_flag(entity.schema)),
        person=person_flag(entity.schema),
    )
    s, feats = features.score(party, entity, entity.name, cmp)
    return s, [f.detail for f in feats]


KALASHNIKOV = ListEntity("k", "Person", "Aleksandr KALASHNIKOV", countries=("ru",))


def test_a_company_no_longer_matches_a_person_by_one_shared_surname() -> None:
    """The case found on the bundled lists: one shared word (capped at 0.69) plus the shared
    country made 0.72, a match at the default threshold."""
    party = Party("p", "Kalashnikov Concern JSC", country="ru")
    s, texts = _scored(party, KALASHNIKOV)
    rule = entity_rule("kind_from_legal_form")
    assert rule.text(form="JSC", listed="Person") in texts
    # the same comparison without the form: the rule is the only difference
    bare, _ = _scored(Party("p", "Kalashnikov Concern", country="ru"), KALASHNIKOV)
    assert bare >= 0.72
    assert s == pytest.approx(min(1.0, 0.69 * rule.weight + entity_rule("country_shared").weight))
    assert s < 0.72


def test_a_strong_person_match_survives_a_misread_form() -> None:
    """If a person's name were misread as carrying a form, the milder factor keeps a full
    name match a match."""
    entity = ListEntity("x", "Person", "Ivan Petrovich SIDOROV")
    s, _ = _scored(Party("p", "SIDOROV Ivan Petrovich LLC"), entity)
    assert s >= 0.72


def test_declared_types_and_organisation_entries_are_left_alone() -> None:
    company = ListEntity("c", "Organization", "KALASHNIKOV CONCERN")
    for party in (
        Party("p", "Kalashnikov Concern JSC"),  # unknown type, listed organisation
        Party("p", "Kalashnikov Concern JSC", schema="Company"),
    ):
        _, texts = _scored(party, company)
        assert not any("legal form" in t for t in texts)
    # a declared Company against a person keeps the declared type's own rule
    _, texts = _scored(Party("p", "Kalashnikov Concern JSC", schema="Company"), KALASHNIKOV)
    assert entity_rule("entity_type_conflict").text(schema="Company", listed="Person") in texts
    assert not any("by its legal form" in t for t in texts)
    # yente's catch-all type says nothing either
    _, texts = _scored(Party("p", "Kalashnikov Concern JSC", schema="LegalEntity"), KALASHNIKOV)
    assert entity_rule("kind_from_legal_form").text(form="JSC", listed="Person") in texts


def test_through_the_screener() -> None:
    entries = [
        ScreenEntry(KALASHNIKOV, "s", "h1"),
        ScreenEntry(ListEntity("o", "Organization", "KALASHNIKOV CONCERN JSC"), "s", "h2"),
    ]
    hits = Screener(entries).screen(Party("p", "Kalashnikov Concern JSC", country="ru"))
    by_id = {h.entity_id: h for h in hits}
    assert by_id["o"].match
    assert "k" not in by_id or not by_id["k"].match


_WORDS = st.sampled_from(["ivan", "petrov", "alfa", "sa", "pao", "jsc", "ooo", "ip", "a.s.", "ag"])


@given(st.lists(_WORDS, min_size=1, max_size=4), st.lists(_WORDS, min_size=1, max_size=4))
def test_never_a_form_the_listed_names_hold(words: list[str], listed: list[str]) -> None:
    """Whatever the names, a form found is one the listed person's names do not hold."""
    name = " ".join(w.upper() for w in words)
    form = organisation_form(name, [" ".join(listed)])
    if form:
        held = {w.replace(".", "") for w in listed}
        assert not set(form.lower().split()) <= held
