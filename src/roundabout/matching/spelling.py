"""One name written as another, letter for letter, but for its spacing or one typing slip.

Names typed into invoices, payment messages and customer files carry the slips of typing: a
space moved, lost or added (``ROS TJOINT STOCK COMPANY`` for ``ROST JOINT STOCK COMPANY``,
``MOTORCYCLE ARTLTD.``, ``COMMERCIAL BANKO F SYRIA``), a letter typed for a space
(``NAJEE TECHNOLOGYyHOOSHMAND``), two letters swapped, one left out, added or changed
(``JOINT STOCK CMOPANY MIKRON``, ``LIMITDE LIABILITY COMPANY PITERSNAB``,
``HERZALLAH COMPNAY FOR MONEY``). Each breaks what the word-by-word scorer
(:func:`roundabout.matching.compare.compare`) works on: a word split at the wrong place is
two unknown words, a misspelt legal form is no longer recognised and stays on one side as a
word the other name lacks, a misspelt generic word no longer meets its translation
(``SHAHID`` reads ``martyr`` on the list side, ``SHAHIu`` does not). Such a name scored
0.3-0.7 against its own list entry: of 1,980 list names given one typo, shuffled or copied
(``bench/screen.py``'s planted names), 112 did not match their own entry, 33 of them slips
of this kind.

This module compares two names the way they are written (:attr:`~roundabout.matching.
normalize.NameForm.spelling`: the ASCII words of the whole name, case folded, nothing
removed), with the spaces and punctuation left out, and says how they differ (:func:`edit`):

* ``spacing``: the same letters and digits, cut into other words;
* ``typo``: one edit apart (optimal string alignment distance 1: a letter changed, added or
  left out, or two neighbours swapped), with the list name's words the edit falls in, or
  none when it falls between two of them (a letter typed for a space). Digits never differ
  (``10 SRZ`` / ``11 SRZ`` are two shipyards), and the names must be long enough that one
  edit is a slip and not another name (:data:`TYPO_MIN` letters, :data:`SWAP_MIN` for two
  letters swapped; :data:`SPACING_MIN` for spacing alone).

Which edits make the names one is the scorer's decision (``compare.spelling_view``: for
organisations, an edit in a generic word, a legal form or between words; an edit inside a
distinctive word, ``ALFA`` / ``ALFO``, is left to the word-by-word comparison, which knows how
much one letter weighs in a word of that length; for any name, two neighbouring letters
swapped inside a word, at a lower floor). The candidate index finds such names by the halves
of their spelling (:func:`keys`, :func:`lookups`): two strings one edit apart share, at the same
length, their first or their last ``(n - 1) // 2`` letters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from rapidfuzz.distance import OSA

__all__ = ["SPACING_MIN", "SWAP_MIN", "TYPO_MIN", "Edit", "edit", "keys", "lookups"]

#: Letters (and digits) a name must have for other spacing alone to make it the same name.
SPACING_MIN: Final = 6
#: Letters a name must have for one edit to be a slip (``GAZ JSC`` / ``GEZ JSC``, ``NIK LLC`` /
#: ``NK LLC`` are other names as likely as typos).
TYPO_MIN: Final = 10
#: Letters a name must have for two neighbouring letters swapped to be a slip (``Naiz
#: MUHAMMAD``, ``Abid KAHN``; :attr:`Edit.swap`).
SWAP_MIN: Final = 8


@dataclass(frozen=True, slots=True)
class Edit:
    """How a query name's spelling differs from a list name's."""

    kind: str  # "spacing" or "typo"
    #: the list name's words the typo falls in (empty: between two words, or spacing only)
    words: tuple[str, ...] = ()
    #: the query's letters in place of the list name's (the typo, for the explanation)
    query: str = ""
    #: the list name's letters the typo changes
    listed: str = ""
    #: the query's words the typo falls in (as :attr:`words`, on the query's side)
    query_words: tuple[str, ...] = ()

    @property
    def swap(self) -> bool:
        """The typo is two neighbouring letters swapped inside one word of three letters or
        more on each side (``Adbi`` / ``Abdi``, ``COPMANY``): the commonest slip of typing,
        and one that rarely makes another name. (Across words, ``S. V.`` / ``V. S.``, it is
        another order of initials.)"""
        return (
            self.kind == "typo"
            and _swapped(self.query, self.listed)
            and len(self.words) == 1
            and len(self.query_words) == 1
            and min(len(self.words[0]), len(self.query_words[0])) >= 3
        )


def edit(q: tuple[str, ...], c: tuple[str, ...]) -> Edit | None:
    """How ``q`` (a query's words) is ``c`` (a list name's words) written otherwise, when it
    is: the same letters spaced otherwise, or one edit away (see the module docstring)."""
    a, b = "".join(q), "".join(c)
    if a == b:
        return Edit("spacing") if q != c and len(b) >= SPACING_MIN else None
    la, lb = len(a), len(b)
    if min(la, lb) < SWAP_MIN - 1 or lb < SWAP_MIN or abs(la - lb) > 1:
        return None
    if OSA.distance(a, b, score_cutoff=1) > 1:
        return None
    p = 0
    while p < la and p < lb and a[p] == b[p]:
        p += 1
    s = 0
    limit = min(la, lb) - p
    while s < limit and a[la - 1 - s] == b[lb - 1 - s]:
        s += 1
    qa, cb = a[p : la - s], b[p : lb - s]
    if any(ch.isdigit() for ch in qa + cb) or (lb < TYPO_MIN and not _swapped(qa, cb)):
        return None
    return Edit(
        "typo",
        _touched(c, p, lb - s, q, la - s),
        qa,
        cb,
        _touched(q, p, la - s, c, lb - s),
    )


def _swapped(a: str, b: str) -> bool:
    """Two neighbouring letters swapped: ``a`` is ``b`` backwards, two different letters."""
    return len(a) == 2 and a != b and a == b[::-1]


def _touched(
    words: tuple[str, ...], lo: int, hi: int, other: tuple[str, ...], ohi: int
) -> tuple[str, ...]:
    """The words of one side (``words``) that its changed letters ``[lo, hi)`` belong to.
    With none changed (the other side has a letter more, at ``lo``): the word it falls
    inside, or none when it falls where this side has a space and the other side runs the
    two words together with it (a letter typed for the space), else the words beside it."""
    if hi > lo:
        return _spanned(words, lo, hi)
    inside = _spanned(words, lo - 1, lo + 1)
    if len(inside) == 2 and len(_spanned(other, lo - 1, ohi + 1)) == 1:
        return ()
    return inside


def _spanned(words: tuple[str, ...], start: int, end: int) -> tuple[str, ...]:
    """The words of ``words`` (joined) that any of the letters ``[start, end)`` belong to."""
    out: list[str] = []
    at = 0
    for w in words:
        lo, hi = at, at + len(w)
        at = hi
        if start < hi and end > lo:
            out.append(w)
    return tuple(out)


def keys(spelt: str) -> tuple[str, ...]:
    """Index keys of a list name's joined spelling ``spelt``: its length with its first and
    with its last ``(n - 1) // 2`` letters. A spelling one edit away (or equal) shares one."""
    n = len(spelt)
    if n < SPACING_MIN:
        return ()
    k = (n - 1) // 2
    return (f"<{n}:{spelt[:k]}", f">{n}:{spelt[n - k :]}")


def lookups(spelt: str) -> tuple[str, ...]:
    """The keys (:func:`keys`) that list spellings one edit from ``spelt`` or equal to it may
    have: one letter more, as many, or one fewer. Why one of them always meets: an edit at
    or after position ``k`` leaves the first ``k`` letters; one before it (a swap spans
    ``p, p + 1 <= k``) leaves the last ``k``, as ``2k + 1 <= n``."""
    m = len(spelt)
    out: list[str] = []
    for n in (m - 1, m, m + 1):
        if n < SPACING_MIN or (n != m and n < TYPO_MIN):
            continue
        k = (n - 1) // 2
        out.append(f"<{n}:{spelt[:k]}")
        out.append(f">{n}:{spelt[m - k :]}")
    return tuple(out)
