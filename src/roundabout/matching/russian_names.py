"""Russian person names as documents and other lists write them: rules of the scorer
(:mod:`roundabout.matching.compare`) that know the shape of a Russian name.

* **Surname I. O.** Russian documents and CIS customs files write a person as the surname and
  the initials of the given name and patronymic (``Путин В. В.``). The first initial is the
  given name's and the second the patronymic's, so an initial left over before an aligned
  one, or initials aligned to the other side's names in the other order, name other given
  names (:func:`initials_out_of_order`; the scorer applies ``initials_differ``).
* **Gender forms of a surname.** ``SMIRNOV`` and ``SMIRNOVA`` are a man's and a woman's
  surname: aligned as one word they are two persons (:func:`gender_forms`; the scorer applies
  ``surname_gender``).

(The patronymic's forms in other languages, ``Vladimirovici`` / ``Vladimirovitj``, are read
as ``-ovich`` earlier, by :func:`roundabout.matching.normalize.patronymic_form`.)
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from roundabout.matching.normalize import is_patronymic
from roundabout.matching.translit import scripts_of

__all__ = ["gender_forms", "initials_out_of_order", "two_initials"]


#: Masculine and feminine endings of East Slavic surnames (the feminine adds -a, or -skiy
#: becomes -skaya): Smirnov / Smirnova, Lebedev / Lebedeva, Nikitin / Nikitina, Zhukovskiy /
#: Zhukovskaya.
_MASCULINE_A: Final = ("ov", "ev", "yov", "in", "yn")
_SKIY: Final = re.compile(r"(sk|tsk|ck)(iy|ii|yi|y|ij|i)$")
_SKAYA: Final = re.compile(r"(sk|tsk|ck)(aya|aia|aja|a)$")


def gender_forms(qt: list[str], ct: list[str], pairs: list[tuple[int, int, float, str]]) -> str:
    """An aligned pair that is one surname's masculine and feminine forms, ``""`` if none."""
    for i, j, _, _ in pairs:
        a, b = qt[i], ct[j]
        for m, f in ((a, b), (b, a)):
            if len(m) >= 4 and f == m + "a" and m.endswith(_MASCULINE_A):
                return f"{a} / {b}"
            sm, sf = _SKIY.search(m), _SKAYA.search(f)
            if sm and sf and m[: sm.start(2)] == f[: sf.start(2)] and len(m) >= 6:
                return f"{a} / {b}"
    return ""


@lru_cache(maxsize=1 << 16)
def two_initials(tokens: tuple[str, ...]) -> bool:
    """Two or more one-letter tokens."""
    return sum(1 for t in tokens if len(t) == 1) >= 2


def initials_out_of_order(
    q_raw: str,
    c_raw: str,
    qt: list[str],
    ct: list[str],
    pairs: list[tuple[int, int, float, str]],
) -> str:
    """In a Russian "Surname I. O." (initials after the surname, or a Cyrillic name, or a
    patronymic on either side), the first initial is the given name's and the second the
    patronymic's: an initial left over before an aligned one means the given names differ
    (``Макаров И. А.`` / ``Alexey MAKAROV``: И is not Alexey, whatever А stands for), and
    initials aligned in the other order name other names.
    Western initials before the surname (``J. R. Tolkien`` / ``Ronald TOLKIEN``) are left
    alone: a first given name the list leaves out."""
    patronymic = any(is_patronymic(t) for t in (*qt, *ct))
    for tokens, raw, partner in (
        (qt, q_raw, {i: j for i, j, _, _ in pairs}),
        (ct, c_raw, {j: i for i, j, _, _ in pairs}),
    ):
        inits = [k for k, t in enumerate(tokens) if len(t) == 1 and t.isalpha()]
        if len(inits) < 2:
            continue
        russian = patronymic or inits[0] > 0 or "CYRILLIC" in scripts_of(raw)
        if not russian:
            continue
        free = [k for k in inits if k not in partner]
        partners = [partner[k] for k in inits if k in partner]
        # a left-over initial before an aligned one, or two aligned to names in the other
        # order (Попов Н. А. / Aleksander Nikolayevich POPOV)
        if (free and any(k in partner and k > free[0] for k in inits)) or partners != sorted(
            partners
        ):
            return " ".join(tokens[k].upper() + "." for k in inits) + " in that order"
    return ""
