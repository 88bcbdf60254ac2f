"""Entity-level scoring: the name score adjusted by identifiers, country, birth date and type.

The name comparison gives the base score. Then, in order (weights and texts are the
``entity`` rules of ``data/rules.yml``, :mod:`roundabout.matching.rules`):

* identifiers (INN, OGRN, BIN, IMO, registration, passport): the same number of the same kind
  lifts the score to at least 0.9 (a renamed company keeps its INN); a different number of
  the same kind multiplies it by 0.75;
* entity type: a person against an organisation (or vessel) multiplies by 0.7; a party of
  unknown type whose name carries an organisation's legal form (``Kalashnikov Concern JSC``)
  against a listed person multiplies by 0.8 (:mod:`roundabout.matching.party_kind`);
* date of birth (persons): the same date adds 0.04, the same year is noted, a different year
  multiplies by 0.75;
* country: a shared country adds 0.03, no country in common multiplies by 0.92.

Every step that fires adds a :class:`~roundabout.matching.model.Feature` to the explanation.
The rules are looked up as each step fires, so a request's reweighted rules
(:func:`roundabout.matching.rules.overridden`; the identifier rules per kind) apply.
"""

from __future__ import annotations

from roundabout.lists.model import ListEntity
from roundabout.matching.compare import NameComparison
from roundabout.matching.model import Feature, Party
from roundabout.matching.party_kind import organisation_form
from roundabout.matching.rules import Rule, entity_rule

#: Most a shared country / an agreeing birth date adds to the name score.
COUNTRY_BONUS = entity_rule("country_shared").weight
BIRTH_BONUS = entity_rule("birth_date_agrees").weight

_ORGS = frozenset({"Organization", "Company", "LegalEntity"})
#: Party types that say nothing of person or organisation.
_UNKNOWN_KIND = frozenset({None, "LegalEntity"})


def _compatible(a: str, b: str) -> bool:
    if a == b or "LegalEntity" in (a, b):
        return True
    return a in _ORGS and b in _ORGS


def _fire(rule: Rule, s: float, feats: list[Feature], feature: str, **detail: object) -> float:
    feats.append(Feature(feature, rule.effect, rule.text(**detail)))
    return rule.apply(s)


def score(
    party: Party, entity: ListEntity, matched_name: str, cmp: NameComparison
) -> tuple[float, list[Feature]]:
    s = cmp.score
    feats = [
        Feature("name", "+" if s >= 0.5 else "=", f"{s:.2f} vs {matched_name!r}: {cmp.explain()}")
    ]
    if party.identifiers and entity.identifiers:
        mine: dict[str, set[str]] = {}
        for k, v in entity.identifiers:
            mine.setdefault(k, set()).add(v)
        for kind, value in party.identifiers:
            if kind not in mine:
                continue
            if value in mine[kind]:
                rule = entity_rule("identifier_match", kind)
                s = _fire(rule, s, feats, "identifier", kind=kind.upper(), value=value)
            else:
                listed = ", ".join(sorted(mine[kind]))
                rule = entity_rule("identifier_conflict", kind)
                s = _fire(
                    rule, s, feats, "identifier", kind=kind.upper(), value=value, listed=listed
                )
    if party.schema and not _compatible(party.schema, entity.schema):
        rule = entity_rule("entity_type_conflict")
        s = _fire(rule, s, feats, "entity_type", schema=party.schema, listed=entity.schema)
    elif party.schema in _UNKNOWN_KIND and entity.is_person:
        form = organisation_form(party.name, entity.names)
        if form:
            rule = entity_rule("kind_from_legal_form")
            s = _fire(rule, s, feats, "entity_type", form=form, listed=entity.schema)
    if party.birth_date and entity.is_person and entity.birth_dates:
        year = party.birth_date[:4]
        if any(
            party.birth_date.startswith(d) or d.startswith(party.birth_date)
            for d in entity.birth_dates
        ):
            rule = entity_rule("birth_date_agrees")
            s = _fire(rule, s, feats, "birth_date", date=party.birth_date)
        elif any(d[:4] == year for d in entity.birth_dates):
            s = _fire(entity_rule("birth_year_same"), s, feats, "birth_date", year=year)
        else:
            listed = ", ".join(entity.birth_dates)
            rule = entity_rule("birth_date_differs")
            s = _fire(rule, s, feats, "birth_date", date=party.birth_date, listed=listed)
    if party.country and entity.countries:
        if party.country in entity.countries:
            rule = entity_rule("country_shared")
            s = _fire(rule, s, feats, "country", country=party.country.upper())
        else:
            listed = "/".join(c.upper() for c in entity.countries[:5])
            rule = entity_rule("country_differs")
            s = _fire(rule, s, feats, "country", country=party.country.upper(), listed=listed)
    return max(0.0, min(1.0, s)), feats
