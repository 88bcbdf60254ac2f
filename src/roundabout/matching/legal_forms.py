"""Legal forms (ООО, ТОО, ЖШС, ОсОО, ՍՊԸ, MChJ, Ltd. Şti., A.Ş., FZE, LLC, ...) in names.

The table lives in ``data/legal_forms.yml``: generic class -> surface forms in any script.
Forms are matched as whole token sequences on the ASCII tokens of a name (the table goes
through the same tokeniser and transliteration), longest first, so one entry covers the native
script and its romanisations. Short ambiguous forms (``too``, ``ip``, ``as``) count only at the
start or end of a name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Final

from rapidfuzz.distance import OSA

from roundabout.matching import yaml_data
from roundabout.matching.tokenize import ascii_tokens

#: Generic classes, in the order of the YAML file.
CLASSES: Final = (
    "llc",
    "llp",
    "jsc",
    "pjsc",
    "fz",
    "corp",
    "company",
    "sole_trader",
    "state_enterprise",
    "nonprofit",
)


@dataclass(frozen=True, slots=True)
class LegalFormTable:
    forms: dict[tuple[str, ...], str]  # ASCII token sequence -> generic class
    edge_only: frozenset[tuple[str, ...]]
    max_len: int
    long_words: tuple[str, ...] = ()  # one-word forms long enough to be matched with a typo
    words: frozenset[str] = frozenset()  # the words of the multi-word forms
    #: multi-word forms by :func:`~roundabout.matching.vocabulary.word_key` of their words
    #: (``otkrytoye aktsionernoye obshchestvo``, ``obschestvo s ogranichennoi ...``)
    keyed: dict[tuple[str, ...], str] = field(default_factory=dict)
    #: forms of three or more words by the first letters of the key of their first word
    #: (matched with one typo)
    by_first: dict[str, tuple[tuple[tuple[str, ...], str], ...]] = field(default_factory=dict)


#: One-word forms of this many letters or more also match with one typo ("Aktiengeselschaft").
_FUZZY_LEN: Final = 10
#: A multi-word form cut short at the end of a name ("... JOINT STOCK COMPAN"): lists and
#: registers truncate names at a field width; the cut word keeps at least this many letters.
_CUT_MIN: Final = 3


@dataclass(frozen=True, slots=True)
class LegalFormHit:
    surface: str  # the tokens as found, joined with a space
    generic: str  # llc, llp, jsc, ...
    start: int  # token index


@cache
def table() -> LegalFormTable:
    text = (
        resources.files("roundabout.matching").joinpath("data/legal_forms.yml").read_text("utf-8")
    )
    raw = yaml_data.safe_load(text)
    forms: dict[tuple[str, ...], str] = {}
    for generic in CLASSES:
        for surface in raw.get(generic, []):
            key = ascii_tokens(str(surface))
            if key and key not in forms:
                forms[key] = generic
    edge = frozenset(ascii_tokens(str(s)) for s in raw.get("edge_only", []))
    long_words = tuple(sorted({k[0] for k in forms if len(k) == 1 and len(k[0]) >= _FUZZY_LEN}))
    words = frozenset(w for k in forms if len(k) >= 2 for w in k)
    from roundabout.matching.vocabulary import word_key

    keyed: dict[tuple[str, ...], str] = {}
    first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for k, generic in forms.items():
        if len(k) >= 2 and any(len(w) >= 5 for w in k) and k not in edge:
            wk = tuple(word_key(w) for w in k)
            keyed.setdefault(wk, generic)
            if len(k) >= 3:
                first.setdefault(wk[0][:_TYPO_PREFIX], []).append((wk, generic))
    by_first = {k: tuple(v) for k, v in first.items()}
    return LegalFormTable(
        forms, edge, max(len(k) for k in forms), long_words, words, keyed, by_first
    )


@cache
def vocabulary() -> frozenset[str]:
    """Skeletons (:func:`roundabout.matching.keys.skeleton`) of the words of 4+ letters legal forms
    are made of (``obshchestvo``, ``ogranichennoy``, ``joint``, ``stock``, ``limited``, ...):
    the scorer weighs them lightly, as they say nothing about which company it is (and they are
    left in a name when the form is shuffled or misspelt beyond recognition)."""
    from roundabout.matching.keys import skeleton

    return frozenset(skeleton(w) for key in table().forms for w in key if len(w) >= 4)


def find(tokens: tuple[str, ...]) -> list[LegalFormHit]:
    """Legal forms among ``tokens`` (ASCII), longest match first, non-overlapping."""
    from roundabout.matching.vocabulary import word_key

    t = table()
    hits: list[LegalFormHit] = []
    n = len(tokens)
    keys = tuple(word_key(x) for x in tokens)
    i = 0
    while i < n:
        for size in range(min(t.max_len, n - i), 0, -1):
            key = tokens[i : i + size]
            generic = t.forms.get(key)
            if generic is None and size >= 2:
                generic = t.keyed.get(keys[i : i + size])
            if generic is None and size >= 3:
                generic = _one_typo(t, keys[i : i + size])
            if generic is None:
                continue
            if key in t.edge_only and i != 0 and i + size != n:
                continue
            hits.append(LegalFormHit(" ".join(key), generic, i))
            i += size
            break
        else:
            near = _near_form(tokens, i, t)
            if near is None:
                i += 1
            else:
                hits.append(LegalFormHit(" ".join(tokens[i : i + near[0]]), near[1], i))
                i += near[0]
    if len(hits) > 1:
        # "AG TERMINAL OOO": with an unambiguous form found, a short one of another kind at
        # the other edge is part of the name (here Avia Group), not a second legal form.
        # ("TOO Kazakhmys LLP" says the same form twice: both go.)
        sure = {h.generic for h in hits if tuple(h.surface.split(" ")) not in t.edge_only}
        if sure:
            hits = [
                h
                for h in hits
                if tuple(h.surface.split(" ")) not in t.edge_only or h.generic in sure
            ]
    return hits


#: Forms of three or more words are looked up for a typo by the first letters of the first word.
_TYPO_PREFIX: Final = 3


def _one_typo(t: LegalFormTable, keys: tuple[str, ...]) -> str | None:
    """A form of three or more words with one typo (a letter changed, added, left out, or two
    neighbours swapped: ``otvestvennostyu``, ``obshchsetvo``) in one long word."""
    for form, generic in t.by_first.get(keys[0][:_TYPO_PREFIX], ()):
        if len(form) != len(keys):
            continue
        edits = 0
        for a, b in zip(form, keys, strict=True):
            if a == b:
                continue
            if min(len(a), len(b)) < 6 or OSA.distance(a, b, score_cutoff=1) > 1:
                edits = 2
                break
            edits += 1
        if edits == 1:
            return generic
    return None


def _near_form(tokens: tuple[str, ...], i: int, t: LegalFormTable) -> tuple[int, str] | None:
    """A form at ``i`` written with one typo (long one-word forms), or cut short at the end of
    the name (multi-word forms): (number of tokens, generic class). Multi-word forms are not
    matched with typos: a form recognised on one side only leaves the other side's words
    unexplained; misspelt form words weigh little anyway (:func:`vocabulary`)."""
    tok = tokens[i]
    if len(tok) >= _FUZZY_LEN:
        for word in t.long_words:
            if abs(len(word) - len(tok)) <= 1 and OSA.distance(word, tok, score_cutoff=1) <= 1:
                return 1, t.forms[(word,)]
    # A cut multi-word form has its first word right.
    if i + 1 >= len(tokens) or tok not in t.words:
        return None
    rest = tokens[i:]
    if len(rest) >= 2 and len(rest[-1]) >= _CUT_MIN:
        for key, generic in t.forms.items():
            if (
                len(key) == len(rest)
                and key[:-1] == rest[:-1]
                and key[-1] != rest[-1]
                and key[-1].startswith(rest[-1])
            ):
                return len(rest), generic
    return None


def strip(tokens: tuple[str, ...]) -> tuple[tuple[str, ...], list[LegalFormHit], list[int]]:
    """``tokens`` without legal forms, the forms found, and the kept token positions.

    If the name is nothing but legal forms (a company called "Limited"), nothing is removed.
    """
    hits = find(tokens)
    if not hits:
        return tokens, [], list(range(len(tokens)))
    drop: set[int] = set()
    for h in hits:
        drop.update(range(h.start, h.start + len(h.surface.split(" "))))
    keep = [i for i in range(len(tokens)) if i not in drop]
    if not keep:
        return tokens, [], list(range(len(tokens)))
    return tuple(tokens[i] for i in keep), hits, keep
