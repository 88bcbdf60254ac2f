"""The scoring rules, declared as data: weight, kind and explanation text of each.

``data/rules.yml`` lists every rule the scorer applies after aligning tokens
(:mod:`roundabout.matching.compare`: patronymics, initials, legal forms, designations, ...)
and every piece of entity-level evidence (:mod:`roundabout.matching.features`: identifiers,
entity type, birth date, country), each with how it changes the score and the text that
explains it in a hit, as nomenklatura's logic-v2 declares its features. The code detects the
condition; the table says what it is worth and how it reads::

    rule = name_rule("patronymics_differ")
    score = rule.apply(score)
    notes.append(rule.text())
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final

from roundabout.matching import yaml_data

__all__ = ["KINDS", "Rule", "entity_rule", "name_rule", "table"]

KINDS: Final = ("factor", "cap", "floor", "lift", "bonus", "note")


@dataclass(frozen=True, slots=True)
class Rule:
    """One scoring rule."""

    name: str
    scope: str  # "name" (two names) or "entity" (a party against a list entry)
    kind: str  # one of KINDS
    weight: float
    explain: str  # text with {placeholders}
    slope: float = 0.0
    effect: str = "="  # +, -, = (entity evidence)

    def apply(self, score: float, x: float = 0.0) -> float:
        """``score`` after this rule (``x``: the similarity a sloped factor depends on)."""
        if self.kind == "factor":
            return score * (self.weight + self.slope * x)
        if self.kind == "cap":
            return min(score, self.weight)
        if self.kind == "floor":
            return max(score, self.weight)
        if self.kind == "lift":
            return max(score, self.weight + (1.0 - self.weight) * score)
        if self.kind == "bonus":
            return min(1.0, score + self.weight)
        return score

    def text(self, **detail: object) -> str:
        return self.explain.format(**detail)


@cache
def table() -> dict[str, dict[str, Rule]]:
    """Scope -> rule name -> rule, from ``data/rules.yml`` (checked on load)."""
    raw = yaml_data.safe_load(
        resources.files("roundabout.matching").joinpath("data/rules.yml").read_text("utf-8")
    )
    out: dict[str, dict[str, Rule]] = {}
    for scope in ("name", "entity"):
        rules: dict[str, Rule] = {}
        for name, spec in raw[scope].items():
            rule = Rule(
                name=str(name),
                scope=scope,
                kind=str(spec["kind"]),
                weight=float(spec["weight"]),
                explain=str(spec["explain"]),
                slope=float(spec.get("slope", 0.0)),
                effect=str(spec.get("effect", "=")),
            )
            if rule.kind not in KINDS:
                raise ValueError(f"rules.yml: {scope}.{name}: unknown kind {rule.kind!r}")
            if not 0.0 <= rule.weight <= 1.0 or rule.effect not in ("+", "-", "="):
                raise ValueError(f"rules.yml: {scope}.{name}: weight or effect out of range")
            rules[rule.name] = rule
        out[scope] = rules
    return out


def name_rule(name: str) -> Rule:
    return table()["name"][name]


def entity_rule(name: str) -> Rule:
    return table()["entity"][name]
