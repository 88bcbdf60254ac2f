"""Scoring rules as data: every rule is used, each reads and applies as declared."""

import threading
from importlib import resources

import pytest

from roundabout.lists.model import ListEntity
from roundabout.matching import features
from roundabout.matching.compare import NameComparison, compare
from roundabout.matching.model import Party
from roundabout.matching.normalize import analyze
from roundabout.matching.rules import (
    KINDS,
    Overrides,
    Rule,
    entity_rule,
    name_rule,
    overridden,
    override_range,
    table,
)


def test_every_declared_rule_is_applied_somewhere() -> None:
    pkg = resources.files("roundabout.matching")
    code = pkg.joinpath("compare.py").read_text("utf-8") + pkg.joinpath("features.py").read_text(
        "utf-8"
    )
    for scope, rules in table().items():
        for name, rule in rules.items():
            assert rule.kind in KINDS and rule.explain
            assert f'"{name}"' in code, f"{scope}.{name} is declared but never applied"


@pytest.mark.parametrize(
    ("kind", "weight", "score", "expected"),
    [
        ("factor", 0.8, 0.5, 0.4),
        ("cap", 0.69, 0.9, 0.69),
        ("floor", 0.9, 0.5, 0.9),
        ("lift", 0.9, 0.5, 0.95),
        ("bonus", 0.04, 0.98, 1.0),
        ("note", 0.0, 0.5, 0.5),
    ],
)
def test_kinds(kind: str, weight: float, score: float, expected: float) -> None:
    assert Rule("r", "name", kind, weight, "x").apply(score) == pytest.approx(expected)


def test_explanations_come_from_the_table() -> None:
    cmp = compare(
        analyze("Sergei Ivanovich PETROV", True),
        analyze("Sergei Pavlovich PETROV", True),
        person=True,
    )
    assert name_rule("patronymics_differ").text() in cmp.notes


def test_entity_rules_read_as_declared() -> None:
    party = Party("p", "Ivan PETROV", country="ru", schema="Person", birth_date="1970-01-02")
    entity = ListEntity(
        "x", "Person", "Ivan PETROV", countries=("ua",), birth_dates=("1970-01-02",)
    )
    cmp = compare(analyze(party.name, True), analyze(entity.name, True), person=True)
    s, feats = features.score(party, entity, entity.name, cmp)
    texts = {f.detail for f in feats}
    assert entity_rule("birth_date_agrees").text(date="1970-01-02") in texts
    assert entity_rule("country_differs").text(country="RU", listed="UA") in texts
    expected = entity_rule("country_differs").apply(entity_rule("birth_date_agrees").apply(1.0))
    assert s == pytest.approx(expected)


def _petrov() -> tuple[Party, ListEntity, NameComparison]:
    party = Party("p", "Ivan PETROV", country="ru", schema="Person")
    entity = ListEntity("x", "Person", "Ivan PETROV", countries=("ua",))
    cmp = compare(analyze(party.name, True), analyze(entity.name, True), person=True)
    return party, entity, cmp


def test_an_override_applies_only_inside_its_block() -> None:
    party, entity, cmp = _petrov()
    default, _ = features.score(party, entity, entity.name, cmp)
    with overridden(Overrides.of({("country_differs", None): 0.5})):
        weighted, _ = features.score(party, entity, entity.name, cmp)
        assert entity_rule("country_differs").weight == 0.5
    assert weighted == pytest.approx(default / table()["entity"]["country_differs"].weight * 0.5)
    assert features.score(party, entity, entity.name, cmp)[0] == default
    assert entity_rule("country_differs") is table()["entity"]["country_differs"]


def test_an_override_in_one_thread_leaves_other_threads_alone() -> None:
    party, entity, cmp = _petrov()
    default, _ = features.score(party, entity, entity.name, cmp)
    inside, done = threading.Event(), threading.Event()
    seen: list[float] = []

    def weighted() -> None:
        with overridden(Overrides.of({("country_differs", None): 0.5})):
            inside.set()
            done.wait(10)
            seen.append(features.score(party, entity, entity.name, cmp)[0])

    t = threading.Thread(target=weighted)
    t.start()
    assert inside.wait(10)
    # the other thread is inside its override now: this one still sees the table
    assert features.score(party, entity, entity.name, cmp)[0] == default
    done.set()
    t.join(10)
    assert seen and seen[0] < default


def test_identifier_overrides_per_kind() -> None:
    o = Overrides.of({("identifier_match", "inn"): 0.99, ("identifier_match", None): 0.5})
    with overridden(o):
        assert entity_rule("identifier_match", "inn").weight == 0.99
        assert entity_rule("identifier_match", "ogrn").weight == 0.5
        assert entity_rule("identifier_match").weight == 0.5
    with overridden(Overrides.of({("identifier_match", "inn"): 0.99})):
        assert entity_rule("identifier_match", "ogrn") is table()["entity"]["identifier_match"]


@pytest.mark.parametrize(
    ("name", "weight"),
    [
        ("country_differs", 1.2),  # a factor above 1 would raise scores the index never saw
        ("country_differs", -0.1),
        ("country_differs", float("nan")),
        ("country_shared", 0.05),  # a bonus may be lowered, not raised
        ("birth_year_same", 0.5),  # a note
        ("patronymics_differ", 0.5),  # a name rule
        ("no_such_rule", 0.5),
    ],
)
def test_overrides_out_of_range_are_refused(name: str, weight: float) -> None:
    with pytest.raises(ValueError, match=name):
        Overrides.of({(name, None): weight})


def test_override_ranges() -> None:
    entity = table()["entity"]
    assert override_range(entity["country_differs"]) == (0.0, 1.0)
    assert override_range(entity["identifier_match"]) == (0.0, 1.0)
    assert override_range(entity["country_shared"]) == (0.0, entity["country_shared"].weight)
    assert override_range(entity["birth_year_same"]) is None
    assert all(override_range(r) is None for r in table()["name"].values())
