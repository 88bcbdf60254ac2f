"""Entity-level scoring: the name score adjusted by identifiers, country, birth date and type.

The name comparison gives the base score. Then, in order:

* identifiers (INN, OGRN, BIN, IMO, registration, passport): the same number of the same kind
  lifts the score to at least 0.9 (a renamed company keeps its INN); a different number of
  the same kind multiplies it by 0.75;
* entity type: a person against an organisation (or vessel) multiplies by 0.7;
* date of birth (persons): the same year (or date) adds 0.04, a different year multiplies by 0.75;
* country: a shared country adds 0.03, no country in common multiplies by 0.92.

Every step that fires adds a :class:`~roundabout.matching.model.Feature` to the explanation.
"""

from __future__ import annotations

from roundabout.lists.model import ListEntity
from roundabout.matching.compare import NameComparison
from roundabout.matching.model import Feature, Party

#: Most a shared country / an agreeing birth date adds to the name score.
COUNTRY_BONUS = 0.03
BIRTH_BONUS = 0.04

_ORGS = frozenset({"Organization", "Company", "LegalEntity"})


def _compatible(a: str, b: str) -> bool:
    if a == b or "LegalEntity" in (a, b):
        return True
    return a in _ORGS and b in _ORGS


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
                s = max(s, 0.9 + 0.1 * s)
                feats.append(Feature("identifier", "+", f"{kind.upper()} {value} matches"))
            else:
                s *= 0.75
                listed = ", ".join(sorted(mine[kind]))
                feats.append(
                    Feature("identifier", "-", f"{kind.upper()} {value} != listed {listed}")
                )
    if party.schema and not _compatible(party.schema, entity.schema):
        s *= 0.7
        feats.append(Feature("entity_type", "-", f"{party.schema} vs listed {entity.schema}"))
    if party.birth_date and entity.is_person and entity.birth_dates:
        year = party.birth_date[:4]
        if any(
            party.birth_date.startswith(d) or d.startswith(party.birth_date)
            for d in entity.birth_dates
        ):
            s = min(1.0, s + BIRTH_BONUS)
            feats.append(Feature("birth_date", "+", f"{party.birth_date} agrees with listed"))
        elif any(d[:4] == year for d in entity.birth_dates):
            feats.append(Feature("birth_date", "=", f"same year {year}"))
        else:
            s *= 0.75
            listed = ", ".join(entity.birth_dates)
            feats.append(Feature("birth_date", "-", f"{party.birth_date} vs listed {listed}"))
    if party.country and entity.countries:
        if party.country in entity.countries:
            s = min(1.0, s + COUNTRY_BONUS)
            feats.append(Feature("country", "+", f"{party.country.upper()} listed"))
        else:
            s *= 0.92
            listed = "/".join(c.upper() for c in entity.countries[:5])
            feats.append(Feature("country", "-", f"{party.country.upper()} vs listed {listed}"))
    return max(0.0, min(1.0, s)), feats
