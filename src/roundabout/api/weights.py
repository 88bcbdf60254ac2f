"""yente's per-request ``weights`` of ``/match``, applied to roundabout's entity rules.

yente passes ``weights: {feature: coefficient}`` to nomenklatura, whose heuristic
algorithms (logic-v1, logic-v2) take ``config.weights.get(feature, default)`` for each of
their features and silently ignore any other name. A feature is either *main* (the score is
the best of feature x weight: ``name_match`` 1.0, ``identifier_match`` 0.85,
``inn_code_match`` 0.95, ...) or a *qualifier* added to it (``country_mismatch`` -0.2,
``dob_year_disjoint`` -0.15, ...).

roundabout's scoring rules are declared in ``matching/data/rules.yml``
(:mod:`roundabout.matching.rules`). A request's weights are read as follows:

1. **roundabout's own entity rule names** (``identifier_match``, ``identifier_conflict``,
   ``entity_type_conflict``, ``birth_date_agrees``, ``birth_date_differs``,
   ``country_shared``, ``country_differs``) set that rule's weight, in the table's own unit,
   within :func:`roundabout.matching.rules.override_range` (factors and lifts 0..1, bonuses
   lowered only);
2. **yente/nomenklatura feature names with a counterpart** (:data:`COUNTERPARTS`), converted
   to the rule's unit: a main identifier feature's weight is the lift's floor (yente: the
   score is at least weight x 1; roundabout: at least weight), a qualifier's negative weight
   ``w`` is the factor ``1 + w`` (yente takes ``-w`` from a score near 1, roundabout
   multiplies by ``1 + w``: the same at the top of the scale, a little gentler lower down);
3. everything else is **not applied**, and the answer says why (:data:`NO_COUNTERPART`, the
   name rules, notes, and names nobody knows).

A rule named twice (``country_differs`` and ``country_mismatch``) takes roundabout's own
name; the other is reported as not applied. Every weight must be a finite number within
+-:data:`MAX_ABS` whatever its name (validated by the request model); an applied weight
outside its rule's range is refused (422) naming it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

from roundabout.matching.rules import Overrides, override_range, table

__all__ = ["COUNTERPARTS", "MAX_ABS", "NO_COUNTERPART", "Counterpart", "Plan", "plan"]

#: No weight, applied or not, may be larger than this (scores are 0..1).
MAX_ABS: Final = 10.0


@dataclass(frozen=True, slots=True)
class Counterpart:
    """The roundabout rule a yente feature means, and how its weight converts."""

    rule: str
    identifier: str | None  # identifier kind for a per-kind rule, None: every kind
    unit: Literal["main", "qualifier"]  # main: weight as is; qualifier: 1 + weight

    def convert(self, weight: float) -> float:
        return weight if self.unit == "main" else 1.0 + weight


#: yente/nomenklatura features whose meaning roundabout's rules have. ``identifier_match``
#: is both nomenklatura's feature ("same tax or registration identifier") and roundabout's
#: rule of the same meaning: it is read as roundabout's own name (step 1).
COUNTERPARTS: Final[Mapping[str, Counterpart]] = {
    # "Two entities have the same Russian tax identifier (INN)": identifier_match for INNs
    "inn_code_match": Counterpart("identifier_match", "inn", "main"),
    # "... the same Russian company registration (OGRN) code"
    "ogrn_code_match": Counterpart("identifier_match", "ogrn", "main"),
    # "Two vessels have the same IMO or MMSI identifier" (roundabout's lists carry IMOs)
    "vessel_imo_mmsi_match": Counterpart("identifier_match", "imo", "main"),
    # "Two entities have the same SWIFT BIC"
    "bic_code_match": Counterpart("identifier_match", "swift", "main"),
    # "Both entities are linked to different countries" (-0.2)
    "country_mismatch": Counterpart("country_differs", None, "qualifier"),
    # "The birth date of the two entities is not the same" at year precision (-0.15):
    # roundabout's birth_date_differs fires exactly when no listed year is the party's
    "dob_year_disjoint": Counterpart("birth_date_differs", None, "qualifier"),
}

_NAMES = (
    "a name comparison feature: roundabout compares names with its own rules, whose "
    "weights the candidate index is built on"
)
#: Known yente/nomenklatura features roundabout has no counterpart for, and why.
NO_COUNTERPART: Final[Mapping[str, str]] = {
    **{
        n: _NAMES
        for n in (
            "name_match",
            "name_literal_match",
            "person_name_jaro_winkler",
            "person_name_phonetic_match",
            "name_fingerprint_levenshtein",
            "name_metaphone_match",
            "name_soundex_match",
            "weak_alias_match",
            "last_name_mismatch",
            "numbers_mismatch",
            "jaro_name_parts",
            "soundex_name_parts",
        )
    },
    "dob_day_disjoint": "roundabout does not lower a score for another day of the same "
    "year (birth_year_same is a note); different years are dob_year_disjoint",
    "orgid_disjoint": "yente's applies to organisations only; roundabout's "
    "identifier_conflict also covers persons' documents: weigh it by that name",
    "gender_mismatch": "roundabout does not compare gender",
    "address_entity_match": "roundabout does not score addresses in /match",
    "address_prop_match": "roundabout does not score addresses in /match",
    "crypto_wallet_address": "roundabout does not screen crypto wallets",
    "isin_security_match": "roundabout does not screen securities",
    "lei_code_match": "roundabout's lists carry no LEI codes",
    "uei_code_match": "roundabout's lists carry no UEI codes",
    "npi_code_match": "roundabout's lists carry no NPI codes",
}

_UNKNOWN = "unknown: neither a roundabout entity rule nor a yente feature with a counterpart"
_NAME_RULE = (
    "a name rule: the candidate index and its score bounds are built on its weight, so a "
    "request cannot change it"
)
_NOTE = "a note: it explains a hit and weighs nothing"
#: Why a rule's range is what it is (:func:`roundabout.matching.rules.override_range`).
_WHY = {
    "factor": "a factor only lowers a score",
    "lift": "a lift raises a score to a floor of at most 1",
    "bonus": "a bonus may be lowered, not raised: the screener picks its candidates by "
    "the table's bonuses",
}


@dataclass(frozen=True, slots=True)
class Plan:
    """What a request's weights do: the overrides, and per name applied or why not."""

    overrides: Overrides | None = None
    #: weight name -> {"rule", "identifier", "weight"} (the rule's new weight, its own unit)
    used: dict[str, dict[str, object]] = field(default_factory=dict)
    #: weight name -> why it is not applied
    ignored: dict[str, str] = field(default_factory=dict)

    def answer(self) -> dict[str, object]:
        """The fields of the ``/match`` answer that report the weights."""
        return {
            "weights_applied": bool(self.used),
            "weights_used": self.used,
            "weights_ignored": self.ignored,
        }


def plan(weights: Mapping[str, float]) -> Plan:
    """The overrides ``weights`` ask for (:class:`ValueError` naming the weight whose value
    is outside its rule's range)."""
    entity = table()["entity"]
    names = table()["name"]
    targets: dict[tuple[str, str | None], float] = {}
    used: dict[str, dict[str, object]] = {}
    ignored: dict[str, str] = {}
    by: dict[tuple[str, str | None], str] = {}
    # roundabout's own names first, so that they win over a yente name of the same rule
    ordered = sorted(weights, key=lambda k: (k not in entity, k))
    for key in ordered:
        value = weights[key]
        if key in entity:
            rule, kind, new = entity[key], None, value
            bounds = override_range(rule)
            if bounds is None:
                ignored[key] = _NOTE
                continue
            unit = ""
        elif key in COUNTERPARTS:
            cp = COUNTERPARTS[key]
            rule, kind, new = entity[cp.rule], cp.identifier, cp.convert(value)
            bounds = override_range(rule)
            assert bounds is not None, cp
            unit = (
                f" (yente's {key} is a main feature: {rule.name} at least the weight)"
                if cp.unit == "main"
                else f" (yente's {key} is a qualifier: {rule.name} x (1 + weight))"
            )
        else:
            if key in names:
                ignored[key] = _NAME_RULE
            else:
                ignored[key] = NO_COUNTERPART.get(key, _UNKNOWN)
            continue
        lo, hi = bounds
        if not lo <= new <= hi:
            if unit and COUNTERPARTS[key].unit == "qualifier":
                lo, hi = lo - 1.0, hi - 1.0
            raise ValueError(
                f"weights.{key}: {value:g} is outside {lo:g}..{hi:g}{unit}: {_WHY[rule.kind]}"
            )
        target = (rule.name, kind)
        if target in by:
            ignored[key] = f"{rule.name} is set by weights.{by[target]} in this request"
            continue
        by[target] = key
        targets[target] = new
        used[key] = {"rule": rule.name, "identifier": kind, "weight": round(new, 6)}
    overrides = Overrides.of(targets) if targets else None
    return Plan(overrides, used, ignored)
