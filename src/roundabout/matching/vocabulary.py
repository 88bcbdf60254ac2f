"""Organisation vocabulary across languages: designations set aside, descriptive words folded.

``data/org_vocabulary.yml`` lists concepts, each with its surface forms in any script and
language (Russian in Cyrillic and in its romanisations, English, Ukrainian, Belarusian,
Serbian, Persian, ...). The forms were mined from the lists' own bilingual name pairs (an OFAC
primary name against its aliases, outside the RUSSIA-EO14024 programme, and UN names) and
checked by hand; ``data/org_vocabulary_evidence.csv`` holds the pair of names each form pair
was seen in (``scripts/mine_org_vocabulary.py`` regenerates it). Proper names are never listed,
so they are never translated.

Two kinds of concept:

* **designations** (``zavod`` ~ plant ~ factory, ``NPO`` ~ nauchno-proizvodstvennoe obedinenie
  ~ scientific production association, ``OKB``, ``NII``, ``imeni`` ~ named after, ...) say what
  kind of body it is, not which one. Like legal forms they are taken out of the tokens the
  scorer aligns and kept apart (:attr:`~roundabout.matching.normalize.NameForm.designations`),
  so "AO NPP TOPAZ" and "CLOSED JOINT-STOCK COMPANY SCIENTIFIC PRODUCTION ENTERPRISE TOPAZ" both
  come down to ``topaz``, and a short name inside a long official name ("URALVAGONZAVOD" /
  "AO NAUCHNO-PROIZVODSTVENNAYA KORPORATSIYA URALVAGONZAVOD IMENI F E DZERZHINSKOGO") is the
  whole name. The name after ``imeni`` / "named after" (with its initials) is a designation
  too, unless nothing else is left. A name made of designations only keeps them as tokens.
* **words** (``strakhovanie`` ~ insurance, ``pochta`` ~ post, ``treyd`` ~ trade) are
  descriptive words written in one language on one side and another on the other: each form is
  replaced by the concept's canonical token, which then weighs what that word weighs.

Forms are matched as whole token sequences, longest first, on the ASCII tokens (Cyrillic forms
go through the same transliteration), first exactly and then by :func:`word_key`: the phonetic
skeleton of the word without its Russian / Ukrainian case ending, so ``konstruktorskoe`` /
``konstruktorskoye`` / ``konstruktorskogo`` are one form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Final

from rapidfuzz.distance import OSA

from roundabout.matching import yaml_data
from roundabout.matching.keys import skeleton
from roundabout.matching.tokenize import ascii_tokens

__all__ = ["Vocabulary", "canonicalize", "descriptive", "places", "stem", "table", "word_key"]

#: Case endings of romanised Russian, Ukrainian and Belarusian adjectives and nouns, longest
#: first (``-skogo``, ``-naya``, ``-noye``, ``-nykh``, ``-iya`` ...).
_ENDINGS: Final = re.compile(
    r"(?:yaya|ogo|ovo|ego|emu|omu|ykh|ikh|iye|yye|aya|oye|oya|iya|iyu|uyu|yam|ami|akh"
    r"|oe|ye|yi|iy|ii|ij|yj|yy|oy|oi|ey|ei|ym|im|om|em|ya|yu|ia|iu|ie|ja|ju|yi)$"
)
_ONE: Final = re.compile(r"(?<=[^aeiouy])[aeiouy]$")
#: Tokens shorter than this are compared as written (``ao``, ``kb``, ``dom``).
_KEY_MIN: Final = 5
#: The concept of "named after": the name that follows is a designation.
NAMED_AFTER: Final = "imeni"


def stem(token: str) -> str:
    """``token`` without a Slavic case ending (tokens of 6+ letters keep at least 4)."""
    if len(token) < 6 or token.isdigit():
        return token
    m = _ENDINGS.search(token)
    if m and m.start() >= 4:
        return token[: m.start()]
    if len(token) >= 8 and _ONE.search(token):
        return token[:-1]
    return token


@lru_cache(maxsize=200_000)
def word_key(token: str) -> str:
    """The key a vocabulary (or legal form) word is matched on: the skeleton of its stem, or
    the token itself when it is short."""
    if len(token) < _KEY_MIN or token.isdigit():
        return token
    return skeleton(stem(token))


@dataclass(frozen=True, slots=True)
class Concept:
    id: str
    designation: bool  # set aside (True) or folded to ``id`` (False)


@dataclass(frozen=True, slots=True)
class Vocabulary:
    exact: dict[tuple[str, ...], Concept]  # ASCII token sequence -> concept
    keyed: dict[tuple[str, ...], Concept]  # word_key sequence -> concept
    max_len: int
    concepts: dict[str, Concept]


@cache
def table() -> Vocabulary:
    text = (
        resources.files("roundabout.matching")
        .joinpath("data/org_vocabulary.yml")
        .read_text("utf-8")
    )
    raw = yaml_data.safe_load(text)
    exact: dict[tuple[str, ...], Concept] = {}
    keyed: dict[tuple[str, ...], Concept] = {}
    concepts: dict[str, Concept] = {}
    for section, designation in (("designations", True), ("words", False)):
        for cid, entry in (raw.get(section) or {}).items():
            concept = Concept(str(cid).replace("_", ""), designation)
            concepts[concept.id] = concept
            for surface in entry["forms"]:
                toks = ascii_tokens(str(surface))
                if not toks:
                    continue
                exact.setdefault(toks, concept)
                keyed.setdefault(tuple(word_key(t) for t in toks), concept)
    longest = max((len(k) for k in exact), default=1)
    return Vocabulary(exact, keyed, longest, concepts)


@lru_cache(maxsize=100_000)
def canonicalize(
    tokens: tuple[str, ...],
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """``tokens`` with designations taken out and descriptive words folded, the designations
    found (concept ids, and ``imeni:<key>`` for a named-after clause), and the names of the
    named-after clauses set aside (``("kalinina",)``: the scorer also tries the name with
    them, as "Kalinin Machine Plant" is how "Zavod imeni M. I. Kalinina" is known)."""
    v = table()
    keys = tuple(word_key(t) for t in tokens)
    n = len(tokens)
    out: list[str] = []
    designations: list[str] = []
    designation_only: list[str] = []  # the concept ids, in case nothing else is left
    clause: list[str] = []
    i = 0
    while i < n:
        concept, size = _match(v, tokens, keys, i)
        if concept is None:
            out.append(tokens[i])
            i += 1
            continue
        i += size
        if not concept.designation:
            out.append(concept.id)
            continue
        designations.append(concept.id)
        designation_only.append(concept.id)
        if concept.id == NAMED_AFTER:
            # "imeni F E Dzerzhinskogo", "named after S. A. Lavochkina": initials, then a name
            while i < n and len(tokens[i]) == 1:
                i += 1
            if i < n and _match(v, tokens, keys, i)[0] is None:
                clause.append(tokens[i])
                designations.append(f"{NAMED_AFTER}:{word_key(tokens[i])}")
                i += 1
    if not out:
        if clause:
            # "NPO imeni Lavochkina": the name it is named after is all the name there is
            return tuple(clause), tuple(d for d in designations if ":" not in d), ()
        if designation_only:
            return tuple(designation_only), (), ()
    return tuple(out), tuple(designations), tuple(clause)


def _match(
    v: Vocabulary, tokens: tuple[str, ...], keys: tuple[str, ...], i: int
) -> tuple[Concept | None, int]:
    for size in range(min(v.max_len, len(tokens) - i), 0, -1):
        concept = v.exact.get(tokens[i : i + size]) or v.keyed.get(keys[i : i + size])
        if concept is not None:
            return concept, size
    if len(keys[i]) >= _TYPO_MIN:
        concept = _one_typo(keys[i])
        if concept is not None:
            return concept, 1
    return None, 0


#: One-word forms this long (as keys) also match with one typo or swap ("ASSOCIATOIN"): a form
#: recognised on one side only leaves a word the other side does not have.
_TYPO_MIN: Final = 8


@lru_cache(maxsize=100_000)
def _one_typo(key: str) -> Concept | None:
    v = table()
    for form, concept in v.keyed.items():
        if (
            len(form) == 1
            and len(form[0]) >= _TYPO_MIN
            and abs(len(form[0]) - len(key)) <= 1
            and OSA.distance(form[0], key, score_cutoff=1) <= 1
        ):
            return concept
    return None


@cache
def words() -> frozenset[str]:
    """Every ASCII word of the vocabulary's forms (``nauchno``, ``design``, ``bureau``)."""
    return frozenset(w for form in table().exact for w in form)


@cache
def places() -> frozenset[str]:
    """One-word names of world regions (``europe``, ``asia``, ``caribbean``: UN M49), from
    ``data/place_names.yml`` (``scripts/build_place_names.py`` writes it from the bundled
    country table). In an organisation name a region left over on one side only says where a
    group's arm works ("FABERLIC EUROPE"), not which organisation it is. Countries are not
    listed: "Banco Santander México" is another bank than "Banco Santander"."""
    text = (
        resources.files("roundabout.matching").joinpath("data/place_names.yml").read_text("utf-8")
    )
    return frozenset(str(x) for x in yaml_data.safe_load(text)["places"])


@cache
def descriptive() -> frozenset[str]:
    """Descriptive words of organisation names (``engineering``, ``oil``, ``money``,
    ``exchange``): what a body does or what kind it is, not which one. From
    ``data/descriptive_words.yml`` (mined by ``scripts/mine_descriptive_words.py`` from the
    words one name of a list entry has more than another of its names, checked by hand; the
    evidence is ``data/descriptive_words_evidence.csv``). Proper names, countries and the words
    armed or political groups are named with are not listed."""
    text = (
        resources.files("roundabout.matching")
        .joinpath("data/descriptive_words.yml")
        .read_text("utf-8")
    )
    return frozenset(str(x) for x in yaml_data.safe_load(text)["words"])
