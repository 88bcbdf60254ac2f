"""An organisation known by its legal form, when a party's type is not given.

Party files and shipment declarations often say nothing of a counterparty's type: the party
is ``None`` (or yente's catch-all ``LegalEntity``), and is compared with listed persons and
organisations alike. A name that carries a legal form is an organisation's all the same:
``Kalashnikov Concern JSC`` is not ``Aleksandr KALASHNIKOV``, though they share a rare
surname (one shared word: capped at 0.69, plus 0.03 for a shared country = 0.72, a match
before this rule).

:func:`organisation_form` says which legal form makes a name an organisation's against one
listed person, and the entity scorer (:mod:`roundabout.matching.features`) then applies the
``kind_from_legal_form`` rule of ``data/rules.yml``: a factor, milder than a declared type's
``entity_type_conflict`` (0.8 against 0.7), because a reading of the name is less certain
than a declared type. A strong person match survives it (0.95 -> 0.76, still a match); a
weak one sharing a single word (0.69 -> 0.55) does not.

What does not count, because a person's name can hold it:

* sole traders (``ИП Иванов``, ``YATT``, ``FOP``): a person trading under their own name;
* a form of one or two letters written with dots or in lower case (``A.S. MUJEL``,
  ``Ag Mossa``, ``Ab-Bilal``: initials, particles), or anywhere but at an edge of the name
  (the table already reads the short ambiguous forms only there);
* any form whose words the listed person's own names contain (``Yu Liang PAO`` / ``PAO``,
  ``KHUN SA`` / ``SA``): there it is part of the name.

Measured on the bundled OFAC and UN lists: 12 of 18,414 names of listed persons carry a
token the legal-form table reads (``KHUN SA``, ``Hua Chiang PAO``, ``Sia AGHA SAYEED``).
Screened against their own entries, the last guard covers every one of them (all 18,414
still match themselves with no type given); against another listed person, a name such as
``Sia Kang`` still reads as carrying the Latvian SIA, and is scored down by the factor.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Final

from roundabout.matching.normalize import analyze
from roundabout.matching.tokenize import ascii_tokens

#: Generic classes whose forms name a person, not an organisation.
PERSON_CLASSES: Final = frozenset({"sole_trader"})
#: Forms this short (in letters) count only when written in capitals without dots.
SHORT_FORM: Final = 2

_DOTTED: Final = re.compile(r"\w\.\w")


@lru_cache(maxsize=50_000)
def _forms(name: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The legal forms of ``name`` that may make it an organisation's: (surface, its words)."""
    form = analyze(name, None)
    out: list[tuple[str, tuple[str, ...]]] = []
    raw_words = name.split()
    for generic, surface in zip(form.legal_forms, form.legal_surface, strict=True):
        if generic in PERSON_CLASSES:
            continue
        words = tuple(surface.split())
        if (
            len(words) == 1
            and len(surface) <= SHORT_FORM
            and not _written_as_form(raw_words, surface)
        ):
            continue
        out.append((surface, words))
    return tuple(out)


def _written_as_form(raw_words: list[str], surface: str) -> bool:
    """A short form (``AO``, ``АО``, ``SA``) written as a form: a word of the raw name that
    is the form in capitals, without dots (``AO NPP TOPAZ``, ``PETROL SA``), not initials
    (``A.S.``) or a particle (``Ag``)."""
    for word in raw_words:
        w = word.strip(",;:()«»\"'")
        if not w or _DOTTED.search(w) or not w.isupper():
            continue
        if ascii_tokens(w) == (surface,):
            return True
    return False


def organisation_form(name: str, listed_names: Iterable[str]) -> str:
    """The legal form (as written, ASCII) that makes ``name`` an organisation's against a
    listed person known by ``listed_names``, or ``""`` when there is none (see the module
    docstring for what does not count)."""
    forms = _forms(name)
    if not forms:
        return ""
    listed: set[str] = set()
    for n in listed_names:
        listed.update(ascii_tokens(n))
    for surface, words in forms:
        if not all(w in listed for w in words):
            return surface.upper()
    return ""
