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

One request may weigh the **entity** rules its own way (``/match``'s ``weights``, as yente
lets a caller reweigh nomenklatura's features): :func:`overridden` puts an
:class:`Overrides` in force for the code run inside it, in this thread or task only (a
:class:`contextvars.ContextVar`), so other requests, scored at the same time in other
worker threads, keep the table's weights. Nothing global changes and nothing is cached by
weight: the name scores a screener caches come from the name rules alone. The name rules
cannot be overridden: the candidate index and its score bounds are built from their
weights (``index.DIFFERENT_MAX``, ``compare.WEAK_CAP``). See :func:`override_range` for the
weights an override may take::

    with overridden(Overrides.of({("country_differs", None): 0.8})):
        hits = screener.screen(party)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Final

from roundabout.matching import yaml_data

__all__ = [
    "KINDS",
    "Overrides",
    "Rule",
    "entity_rule",
    "name_rule",
    "overridden",
    "override_range",
    "table",
]

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


def override_range(rule: Rule) -> tuple[float, float] | None:
    """The weights a request may give ``rule`` (``None``: it cannot be overridden).

    * a factor or a lift: 0 to 1. A factor only lowers a score and a lift only raises it
      to a floor; the screener prunes its candidates on that (a factor above 1 would lift
      name scores it never computed);
    * a bonus: 0 up to the table's weight. The screener lowers its candidate floor by the
      table's bonuses (``matcher.Screener.screen``): a larger bonus would reach names it
      did not score, so a request may lower a bonus, not raise it;
    * a note explains and weighs nothing; name rules (caps, floors, factors of two names)
      are fixed by the candidate index."""
    if rule.scope != "entity" or rule.kind in ("note", "cap", "floor"):
        return None
    if rule.kind == "bonus":
        return (0.0, rule.weight)
    return (0.0, 1.0)


@dataclass(frozen=True, slots=True)
class Overrides:
    """Entity rules reweighted for one request: (rule name, identifier kind or ``None`` for
    every kind) -> the rule with its new weight. Build with :meth:`of`."""

    rules: Mapping[tuple[str, str | None], Rule] = field(
        default_factory=lambda: MappingProxyType({})
    )

    @classmethod
    def of(cls, weights: Mapping[tuple[str, str | None], float]) -> Overrides:
        """``weights`` checked against :func:`override_range` (:class:`ValueError` names the
        rule at fault)."""
        out: dict[tuple[str, str | None], Rule] = {}
        for (name, kind), weight in weights.items():
            rule = table()["entity"].get(name)
            if rule is None:
                raise ValueError(f"{name!r} is not an entity rule")
            bounds = override_range(rule)
            if bounds is None:
                raise ValueError(f"{name}: a {rule.kind} rule cannot be reweighted")
            lo, hi = bounds
            if not lo <= weight <= hi:  # also refuses NaN
                raise ValueError(f"{name}: weight {weight!r} is outside {lo:g}..{hi:g}")
            out[(name, kind)] = replace(rule, weight=float(weight))
        return cls(MappingProxyType(out))


#: The overrides in force in this thread / task (``None``: the table's weights).
_IN_FORCE: ContextVar[Overrides | None] = ContextVar("roundabout_rule_overrides", default=None)


@contextmanager
def overridden(overrides: Overrides | None) -> Iterator[None]:
    """``overrides`` in force for the code run inside (this thread or task only)."""
    token = _IN_FORCE.set(overrides)
    try:
        yield
    finally:
        _IN_FORCE.reset(token)


def entity_rule(name: str, kind: str | None = None) -> Rule:
    """The entity rule ``name`` (for identifiers of ``kind``), as overridden in force."""
    overrides = _IN_FORCE.get()
    if overrides is not None:
        rule = overrides.rules.get((name, kind)) if kind is not None else None
        if rule is None:
            rule = overrides.rules.get((name, None))
        if rule is not None:
            return rule
    return table()["entity"][name]
