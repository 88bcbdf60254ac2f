"""Scoring rules as data: every rule is used, each reads and applies as declared."""

from importlib import resources

import pytest

from roundabout.lists.model import ListEntity
from roundabout.matching import features
from roundabout.matching.compare import compare
from roundabout.matching.model import Party
from roundabout.matching.normalize import analyze
from roundabout.matching.rules import KINDS, Rule, entity_rule, name_rule, table


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
