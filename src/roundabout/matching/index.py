"""Candidate generation: an inverted index over the scorer's own blocking keys, with a score bound.

Completeness guarantee
----------------------
:func:`roundabout.matching.compare.compare` only credits evidence that shares a blocking key
(see its module docstring): two tokens align only if their keys meet
(:func:`roundabout.matching.keys.token_keys`: skeleton, one-letter deletions), merges and the
whole-name rule need their joined keys to meet, the acronym rule needs an exact acronym, and
initials align by first letter. Every list name is indexed under exactly those keys:

* each token's side key (skeleton, or consonant skeleton for abjad script), position bit ``j``;
* each adjacent pair of side keys joined (merges), bits ``j, j+1``;
* each token's stem (``*``, :func:`roundabout.matching.keys.stem`) when it has a suffix;
* each token's consonant skeleton (``%``; those of one or two letters also under ``&`` for
  names in abjad script, the only ones a Latin query aligns on them with);
* the whole name joined (``=``) and its acronyms (``^``);
* the whole name as written (every word kept, spaces left out), by its length and its first
  and last halves (``<`` / ``>``, :func:`roundabout.matching.spelling.keys`): a query looks
  its own up (:func:`roundabout.matching.spelling.lookups`) and scores the names one edit
  away, which the scorer may read as a slip (``compare.spelling_view``);
* for initialisms (``U.S.`` / ``United States``: ``compare`` aligns a 2-5 letter word written
  in capitals with the first letters of consecutive words of the other name): the initials of
  every run of 2-5 of its words, light words between them spelt or skipped (``@``,
  :func:`spelt_runs`), and each of its words that may be an initialism (``#``); a query looks
  up ``@`` + its own initialism words and ``#`` + the initials of its runs;
* for Russian place adjectives (``Kazan`` / ``Kazanskiy``, organisations only): each token's
  place keys (``$p``: itself and itself without its last letter, four letters or more) and,
  for an adjective, the forms of the place name it is made from (``$a``,
  :func:`adjective_forms`), upper-case ``$P`` / ``$A`` for names screened as persons by
  default; a query looks its place keys up among adjective forms and the reverse. The
  scorer's fuzzy branch (the adjective's stem and a place name of six letters or more at an
  Indel similarity of 0.88) is keyed by the token keys of the stem (``$f``), looked up by a
  query's place names, and a query's adjective stem looks up the ordinary token keys; they
  meet when the skeletons are at most two deletions apart: every such pair of the
  bundled lists' vocabulary (704 accepted pairs) is covered, but not every one-letter variant
  (3.5% of the one-edit variants of the adjective stems, mostly where a skeleton rule
  amplifies the edit: ``aerokosmicihe`` / ``aerokosmicheskie``): ``compare.place_adjective``'s
  fuzzy branch requires the keys to meet, which closes that gap.

Numbers left over on both sides pair up whatever their value (``compare``: "numbers differ"),
so when both names hold a number, the bound counts those tokens as matched, like initials.
A region or bracketed word left over on one side only (``FABERLIC EUROPE`` / ``FABERLIC``)
weighs a quarter and lifts the one-word cap to ``BRANCH_CAP``:
:meth:`NameIndex.qualifier_bound` bounds that case, and the key-sharing filter keeps the names
one query token hits when the query's other tokens are all such words.

A query looks up the same keys and, per list name, collects which of its own tokens and which
of the list name's tokens shared a key (bit masks). From the token weights
(:func:`roundabout.matching.compare.token_weight`) of those tokens, plus anything initials could
align, :meth:`NameIndex.bound` gives an upper bound of the name score: the aligned share of the
weight, with the largest discount the scorer can give to extra names, and the one-alignment cap
(kept only where the scorer cannot read a short name inside a long one: compared as persons, or
a distinctive word of either name shares no key, :func:`_distinctive_mask`).
A list name that shares no key with the query can score nothing (bound 0). Names whose bound is
below the floor are not scored; all others are. A name that shares no key at all can only align
initials, which the scorer caps at ``WEAK_CAP``. Hence, for any floor above ``WEAK_CAP`` (0.69;
the default threshold is 0.72), **every list name that ``compare`` would score at or above the
floor is among the candidates: recall against exhaustive pair scoring is 1.0 by construction**
(``tests/matching/test_index.py`` checks it against all pairs, ``test_index_gaps.py`` on
generated initialism, place-adjective, qualifier and short-name-inside pairs), save the
names either side of a ``/``, which ``compare`` also scores apart and
this bound does not model.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
import numpy.typing as npt

from roundabout.matching import spelling, vocabulary
from roundabout.matching.compare import (
    _ADJECTIVE,
    _ARTICLES,
    _INITIALISM_LEN,
    _PARTICLES,
    LIGHT,
    PLACE_WEIGHT,
    WEAK_CAP,
    _bracketed,
    _written_in_capitals,
    article_join,
    generic_word,
    join_key,
    side_keys,
    substantive,
    token_weight,
)
from roundabout.matching.keys import (
    STEM_MIN,
    fold_ch,
    fold_vowels,
    join_keys,
    skeleton,
    stem,
    token_keys,
)
from roundabout.matching.normalize import NameForm, is_patronymic
from roundabout.matching.rules import name_rule

_EPS = 1e-9
#: Query tokens whose merged postings are cached (name tokens repeat a lot).
TOKEN_CACHE = 20_000
#: Candidate sets at least this large get their bounds computed with numpy arrays (the same
#: float64 operations in the same order as the scalar loop: the same numbers); smaller ones
#: go through the scalar loop, which is faster for a few names.
VECTOR_MIN = 48
#: Queries with more tokens than this use the scalar loop (query masks index small tables).
_VECTOR_MAX_TOKENS = 12

_I64 = npt.NDArray[np.int64]
_F64 = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class IndexedName:
    entity: int  # position of the entity in the screener's entity list
    form: NameForm
    person: bool | None = None  # the ``person`` flag the screener compares this name with


def _acronyms(tokens: Sequence[str]) -> set[str]:
    full = "".join(t[0] for t in tokens)
    core = "".join(t[0] for t in tokens if LIGHT.get(t, 1.0) == 1.0)
    return {full, core}


@dataclass(frozen=True, slots=True)
class _QuerySide:
    """The query's side of the bound for one set of key-sharing query tokens."""

    matched: float  # weight of the query tokens that shared a key (or are initials)
    kept_free: float  # kept weight of the others at their largest discount
    total: float
    max_weight: float
    n: int  # query tokens that shared a key (or are initials)
    initials: int  # number of one-letter query tokens
    #: substantive query tokens that shared no key: certainly left over (mask)
    sub_free: int = 0
    #: distinctive query tokens that shared no key (mask): the one-word cap holds
    dist_free: int = 0

    @staticmethod
    def of(
        qm: int,
        wq: Sequence[float],
        kq: Sequence[float],
        q_init: int,
        q_sub: int = 0,
        q_dist: int = 0,
    ) -> _QuerySide:
        matched = sum(w for i, w in enumerate(wq) if qm >> i & 1)
        kept_free = sum(k for i, k in enumerate(kq) if not qm >> i & 1)
        return _QuerySide(
            matched,
            kept_free,
            sum(wq),
            max(wq),
            qm.bit_count(),
            q_init.bit_count(),
            q_sub & ~qm,
            q_dist & ~qm,
        )


def _kept(tokens: Sequence[str], weights: Sequence[float]) -> tuple[float, ...]:
    return tuple(
        w * (0.25 if is_patronymic(t) else 0.5) for t, w in zip(tokens, weights, strict=True)
    )


def _substantive(tokens: Sequence[str]) -> int:
    """Mask of the tokens that count as substantive words when left over
    (:func:`roundabout.matching.compare.substantive`)."""
    return sum(1 << i for i, t in enumerate(tokens) if substantive(t))


def _distinctive_mask(tokens: Sequence[str]) -> int:
    """Mask of the tokens that are not generic words
    (:func:`roundabout.matching.compare.generic_word`; distinctive words among them). The
    scorer lifts the one-word cap for an organisation whose words left over are all generic
    (``_short_name_inside``: ``STROYTRANSGAZ`` / ``STROYTRANSGAZ GROUP``), so the bound keeps
    that cap only where such a word shared no key on either side (or the names are compared
    as persons)."""
    return sum(1 << i for i, t in enumerate(tokens) if not generic_word(t))


#: Most the "different words" rule leaves of a score (a substantive word left over on each
#: side): the bound of a name with such words certainly left over on both sides.
DIFFERENT_MAX = name_rule("different_words").weight + name_rule("different_words").slope


def _digits(tokens: Sequence[str]) -> int:
    """Mask of the number tokens."""
    return sum(1 << i for i, t in enumerate(tokens) if t.isdigit())


#: The cap of a name whose words left over on one side are a qualifier (a region, a bracketed
#: word: :func:`roundabout.matching.compare._place_qualifier`), instead of the one-word cap.
BRANCH_CAP = name_rule("branch_qualifier").weight


def _places(form: NameForm) -> int:
    """Mask of the tokens that may be a qualifier when left over: a region name or a word
    written in parentheses (:func:`roundabout.matching.compare._place_qualifier`)."""
    places = vocabulary.places()
    mask = sum(1 << i for i, t in enumerate(form.tokens) if t in places)
    if "(" in form.raw:
        bracketed = _bracketed(form.raw)
        mask |= sum(1 << i for i, t in enumerate(form.tokens) if t in bracketed)
    return mask


def _initials(tokens: Sequence[str]) -> int:
    """Mask of the one-letter tokens."""
    return sum(1 << i for i, t in enumerate(tokens) if len(t) == 1)


def _initialism(token: str, raw: str) -> bool:
    """Whether ``compare`` may read ``token`` of a name written ``raw`` as an initialism
    (:func:`roundabout.matching.compare._initialisms`: 2-5 letters, no particle or light word,
    written in capitals)."""
    lo, hi = _INITIALISM_LEN
    return (
        lo <= len(token) <= hi
        and token.isalpha()
        and token not in LIGHT
        and token not in _PARTICLES
        and _written_in_capitals(raw, token)
    )


def _skippable(token: str) -> bool:
    """A word a run of spelt words may skip (:func:`roundabout.matching.compare._spelt_run`)."""
    return LIGHT.get(token, 1.0) <= 0.25


@lru_cache(maxsize=1 << 16)
def spelt_runs(tokens: tuple[str, ...]) -> frozenset[tuple[str, int]]:
    """Every initialism that runs of consecutive words of ``tokens`` may spell, with the mask of
    the positions the run covers (first to last word spelt, skipped words included): the
    initials of 2-5 words of two letters or more, light words (``of``, ``the``) between them
    either spelt or skipped. A superset of what
    :func:`roundabout.matching.compare._spelt_run` can align (it spells a light word whose
    letter comes next instead of skipping it, and takes only free words)."""
    out: set[tuple[str, int]] = set()
    n = len(tokens)
    hi = _INITIALISM_LEN[1]
    for start, first in enumerate(tokens):
        if len(first) < 2 or not first[0].isalpha():
            continue
        low = (1 << start) - 1
        stack = [(start + 1, first[0])]
        while stack:
            k, letters = stack.pop()
            if len(letters) == hi:
                continue
            while k < n:
                t = tokens[k]
                if len(t) > 1 and t[0].isalpha():
                    spelt = letters + t[0]
                    out.add((spelt, ((1 << (k + 1)) - 1) ^ low))
                    stack.append((k + 1, spelt))
                if not _skippable(t):
                    break
                k += 1
    return frozenset(out)


def _place_keys(token: str) -> tuple[str, ...]:
    """What ``token`` is looked up by as the place name of a place adjective
    (:func:`roundabout.matching.compare.place_adjective`: the shorter word, four letters or
    more, itself or without its last letter, is one of the adjective's forms)."""
    if len(token) < 4 or not token.isalpha():
        return ()
    return (token, token[:-1])


@lru_cache(maxsize=1 << 18)
def adjective_forms(token: str) -> tuple[str, ...]:
    """The forms of the place name that the Russian adjective ``token`` is made from, as
    :func:`roundabout.matching.compare.place_adjective` spells them, the stem its fuzzy
    comparison uses first (``kazanskiy`` -> ``kazan``, ``kazansk``; ``yaltinskaya`` ->
    ``yaltin``, ``yalt``, ``yaltsk``, ``yaltinsk``); ``()`` if it is no such adjective."""
    m = _ADJECTIVE.match(token)
    if m is None:
        return ()
    base, link = m.group(1), m.group(2) or ""
    return tuple(dict.fromkeys((base + link, base, base + "sk", base + link + "sk")))


#: The scorer's fuzzy place adjectives need a place name of six letters or more at an Indel
#: similarity of 0.88 with the adjective's stem: stems of five letters or more.
_FUZZY_STEM_MIN = 5
#: ... and place names of six letters or more.
_FUZZY_PLACE_MIN = 6


def _alignment_keys(form: NameForm, org: bool) -> list[tuple[str, int]]:
    """The keys of a list name for the alignments that share no spelling key: initialisms
    (``@`` + the initials of each run of its words, ``#`` + each word that may be an
    initialism) and place adjectives (``$p`` + its place keys, ``$a`` + its adjective forms,
    upper-case ``$P`` / ``$A`` for names screened as persons by default; the stem's token keys
    for the fuzzy comparison, ``$f`` / ``$F``), with the masks of the tokens they cover."""
    toks = form.tokens
    out = [("@" + letters, mask) for letters, mask in spelt_runs(toks)]
    out.extend(("#" + t, 1 << j) for j, t in enumerate(toks) if _initialism(t, form.raw))
    if form.abjad:  # the scorer compares no place adjectives in abjad script
        return out
    for j in range(len(toks) - 1):  # the article merged as l (al Azhar / Lazher), as a join
        if toks[j] in _ARTICLES:
            out.extend((key, 3 << j) for key in join_keys(skeleton(article_join(toks[j + 1]))))
    p, a, f = ("$p", "$a", "$f") if org else ("$P", "$A", "$F")
    for j, t in enumerate(toks):
        out.extend((p + x, 1 << j) for x in _place_keys(t))
        forms = adjective_forms(t)
        out.extend((a + x, 1 << j) for x in forms)
        if forms and len(forms[0]) >= _FUZZY_STEM_MIN:
            # the fuzzy comparison of the stem (``yekaterinburg`` / ``ekaterinburg``): the
            # stem's token keys, which a place name's own token keys meet (``$f`` / ``$F``)
            out.extend((f + key, 1 << j) for key in token_keys(skeleton(forms[0])))
    return out


class NameIndex:
    """Inverted index from blocking keys to list names (with token position masks)."""

    def __init__(self, names: Sequence[IndexedName]) -> None:
        self.names = list(names)
        post: dict[str, dict[int, int]] = {}

        def add(key: str, nid: int, mask: int) -> None:
            d = post.get(key)
            if d is None:
                post[key] = {nid: mask}
            else:
                d[nid] = d.get(nid, 0) | mask

        weights: list[tuple[float, ...]] = []
        for nid, item in enumerate(self.names):
            form = item.form
            keys = side_keys(form)
            n = len(keys)
            full = (1 << n) - 1
            for j, k in enumerate(keys):
                for key in token_keys(k):
                    add(key, nid, 1 << j)
                if not form.abjad and len(k) >= 3:  # o/u, e/i (Noor / Nour)
                    add("!" + fold_vowels(k), nid, 1 << j)
            toks = form.tokens
            if not form.abjad:  # words of one stem (trading / trade): under the stem
                for j, t in enumerate(toks):
                    st = stem(t)
                    if st != t and len(st) >= STEM_MIN:
                        add("*" + st, nid, 1 << j)
            for j in range(n - 1):
                jk = join_key(toks[j], toks[j + 1], form.abjad)
                for key in join_keys(jk):
                    add(key, nid, 3 << j)
                    if form.abjad:  # joined abjad against a romanised word's consonants
                        add("%" + key, nid, 3 << j)
            for j, k in enumerate(form.consonant_tokens):
                for key in join_keys(k):
                    add("%" + key, nid, 1 << j)
                if (fk := fold_ch(k)) != k:  # ch read as sh (Hamcho / Hamsho)
                    for key in join_keys(fk):
                        add("%" + key, nid, 1 << j)
                if len(k) < 3 and form.abjad:
                    add("&" + k, nid, 1 << j)
            for key, mask in _alignment_keys(form, item.person is False):
                add(key, nid, mask)
            for key in join_keys("".join(keys)):
                add("=" + key, nid, full)
            for key in spelling.keys(form.spelt):
                add(key, nid, full)
            if n > 1:
                for acr in _acronyms(form.tokens):
                    add("^" + acr, nid, full)
            elif 2 <= len(form.tokens[0]) <= 6:
                add("^=" + form.tokens[0], nid, full)
            weights.append(
                tuple(token_weight(t, s) for t, s in zip(form.tokens, form.skeletons, strict=True))
            )
        self.postings = post
        self.weights = weights
        self.total = [sum(w) for w in weights]
        # What is left of each token's weight at the largest discount the scorer gives it as an
        # extra name (patronymics 0.75, other names 0.5).
        self.kept = [
            _kept(item.form.tokens, w) for item, w in zip(self.names, weights, strict=True)
        ]
        self.kept_total = [sum(k) for k in self.kept]
        self.max_weight = [max(w) for w in weights]
        #: Whether the scorer may discount extra names against each name with the list's flag.
        self.flags = [item.person is not False for item in self.names]
        #: The names of listed persons (flag ``True``).
        self.persons = frozenset(nid for nid, item in enumerate(self.names) if item.person is True)
        self.initials = [_initials(item.form.tokens) for item in self.names]
        self.digits = [_digits(item.form.tokens) for item in self.names]
        self.substantive = [_substantive(item.form.tokens) for item in self.names]
        self.distinctive = [_distinctive_mask(item.form.tokens) for item in self.names]
        #: Tokens that may be a qualifier left over (:func:`_places`), and the names with any.
        self.places = [_places(item.form) for item in self.names]
        self.with_place = frozenset(nid for nid, m in enumerate(self.places) if m)
        #: Names with a number token (numbers left over on both sides pair up).
        self.with_digit = frozenset(nid for nid, m in enumerate(self.digits) if m)
        by_initial: dict[str, set[int]] = {}
        for nid, item in enumerate(self.names):
            for t in item.form.tokens:
                if len(t) == 1:
                    by_initial.setdefault(t, set()).add(nid)
        #: Names with a one-letter token, by that letter.
        self.with_initial = {k: frozenset(v) for k, v in by_initial.items()}
        self.token_hits = lru_cache(maxsize=TOKEN_CACHE)(self._token_hits_uncached)
        self.token_arrays = lru_cache(maxsize=TOKEN_CACHE)(self._token_arrays_uncached)
        self._joined_cached = lru_cache(maxsize=TOKEN_CACHE)(self._joined_hits_uncached)
        self.joined_arrays = lru_cache(maxsize=TOKEN_CACHE)(self._joined_arrays_uncached)
        self._adjective_cached = lru_cache(maxsize=TOKEN_CACHE)(self._adjective_hits_uncached)
        # The per-name arrays of the vectorised bound: token weights and kept weights padded
        # with zeros to the longest name, token counts, totals, flags, initials and digits.
        # Column 64 stays 0.0: where the bit loop of the vectorised bound lands for a name
        # with no bit left (adding or subtracting 0.0 changes nothing).
        longest = max((len(w) for w in weights), default=1)
        width = max(longest, 65)
        self._w = np.zeros((len(weights), width))
        self._k = np.zeros((len(weights), width))
        for nid, (w, kw) in enumerate(zip(weights, self.kept, strict=True)):
            self._w[nid, : len(w)] = w
            self._k[nid, : len(kw)] = kw
        #: The vectorised bound keeps token masks in int64: names of at most 62 tokens.
        self._vector_ok = longest <= 62
        self._ntok = np.array([len(w) for w in weights], dtype=np.int64)
        self._total = np.array(self.total, dtype=np.float64)
        self._kept_total = np.array(self.kept_total, dtype=np.float64)
        self._max_weight = np.array(self.max_weight, dtype=np.float64)
        self._flags = np.array(self.flags, dtype=bool)
        self._initials = np.array(self.initials, dtype=np.int64)
        self._digits = np.array(self.digits, dtype=np.int64)
        self._substantive = np.array(self.substantive, dtype=np.int64)
        self._distinctive = np.array(self.distinctive, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.names)

    def _token_hits_uncached(
        self, key: str, cons: str, abjad: bool, token: str = ""
    ) -> dict[int, int]:
        """List name id -> mask of its tokens sharing a key with one query token (side key
        ``key``, consonant skeleton ``cons``, ASCII ``token``: its stem)."""
        post = self.postings
        keys = list(token_keys(key))
        if token and not abjad and len(st := stem(token)) >= STEM_MIN:
            # A list word of the same stem: suffixed (under its stem) or bare (its skeleton).
            keys.append("*" + st)
            if st != token:
                keys.append(skeleton(st))
        if not abjad and len(key) >= 3:
            keys.append("!" + fold_vowels(key))
        if len(cons) >= 3 or abjad:
            keys.extend("%" + x for x in join_keys(cons))
            if (fc := fold_ch(cons)) != cons:
                keys.extend("%" + x for x in join_keys(fc))
        else:
            # Short consonant skeletons align only with abjad script names.
            keys.append("&" + cons)
        out: dict[int, int] = {}
        for k in keys:
            d = post.get(k)
            if d is None:
                continue
            if not out:
                out = dict(d)
                continue
            for nid, cm in d.items():
                out[nid] = out.get(nid, 0) | cm
        return out

    @staticmethod
    def _arrays(d: dict[int, int]) -> tuple[_I64, _I64]:
        """Sorted list name ids and their masks."""
        nids = np.fromiter(d, dtype=np.int64, count=len(d))
        masks = np.fromiter(d.values(), dtype=np.int64, count=len(d))
        order = np.argsort(nids, kind="stable")
        return nids[order], masks[order]

    def _token_arrays_uncached(
        self, key: str, cons: str, abjad: bool, token: str = ""
    ) -> tuple[_I64, _I64]:
        return self._arrays(self.token_hits(key, cons, abjad, token))

    def _joined_arrays_uncached(self, key: str, abjad: bool = False) -> tuple[_I64, _I64]:
        return self._arrays(self._joined_hits(key, abjad))

    def _joined_hits(self, key: str, abjad: bool = False) -> dict[int, int]:
        """List name id -> mask of its tokens whose joined keys meet ``key`` (cached; not to
        be modified). ``abjad``: the key joins two abjad tokens, which also meet a romanised
        token's consonant keys."""
        return self._joined_cached(key, abjad)

    def _joined_hits_uncached(self, key: str, abjad: bool = False) -> dict[int, int]:
        out: dict[int, int] = {}
        keys = join_keys(key)
        for k in (*keys, *("%" + x for x in keys)) if abjad else keys:
            d = self.postings.get(k)
            if d is not None:
                for nid, cm in d.items():
                    out[nid] = out.get(nid, 0) | cm
        return out

    def alignment_hits(
        self, form: NameForm, person: bool | Literal["list"] | None = "list"
    ) -> list[tuple[int, dict[int, int]]]:
        """(mask of query tokens, list name id -> mask of its tokens) for the alignments that
        share no spelling key (:func:`_alignment_keys`): a query word that may be an initialism
        against runs of list words spelling it, runs of query words against list words that
        may be initialisms, and, when ``compare`` may get ``person=False`` (``person`` is
        False, or ``"list"`` for the list's organisation names), place names against their
        Russian adjectives either way. The dicts are not to be modified."""
        post = self.postings
        toks = form.tokens
        out: list[tuple[int, dict[int, int]]] = []
        for i, t in enumerate(toks):
            if (d := post.get("@" + t)) is not None and _initialism(t, form.raw):
                out.append((1 << i, d))
        for letters, mask in spelt_runs(toks):
            if (d := post.get("#" + letters)) is not None:
                out.append((mask, d))
        if not form.abjad:  # an article and the next word against a word merging them
            for i in range(len(toks) - 1):
                if toks[i] in _ARTICLES:
                    jk = skeleton(article_join(toks[i + 1]))
                    if d := self._joined_hits(jk):
                        out.append((3 << i, d))
        if form.abjad or not (person == "list" or person is False):
            return out
        for i, t in enumerate(toks):
            if len(t) >= 4 and (d := self._adjective_cached(t, person is False)):
                out.append((1 << i, d))
        return out

    def _adjective_hits_uncached(self, token: str, persons: bool) -> dict[int, int]:
        """List name id -> mask of its tokens that may be the place name or the adjective of
        query word ``token`` (``persons``: also in names screened as persons by default)."""
        adj, place, fuzzy = (
            (("$a", "$A"), ("$p", "$P"), ("$f", "$F")) if persons else (("$a",), ("$p",), ("$f",))
        )
        keys = [a + x for x in _place_keys(token) for a in adj]
        forms = adjective_forms(token)
        keys.extend(p + x for x in forms for p in place)
        if len(token) >= _FUZZY_PLACE_MIN and token.isalpha():  # against adjectives' stems
            keys.extend(f + k for k in token_keys(skeleton(token)) for f in fuzzy)
        if forms and len(forms[0]) >= _FUZZY_STEM_MIN:  # its stem against place names
            keys.extend(token_keys(skeleton(forms[0])))
        out: dict[int, int] = {}
        for k in keys:
            d = self.postings.get(k)
            if d is not None:
                for nid, cm in d.items():
                    out[nid] = out.get(nid, 0) | cm
        return out

    def _sure(self, form: NameForm) -> set[int]:
        """Names hit by the whole-name or acronym keys: always scored."""
        keys = side_keys(form)
        sure = ["=" + x for x in join_keys("".join(keys))]
        if len(keys) == 1 and 2 <= len(form.tokens[0]) <= 6:
            sure.append("^" + form.tokens[0])
        elif len(keys) > 1:
            sure.extend("^=" + a for a in _acronyms(form.tokens))
        out: set[int] = set()
        for k in sure:
            d = self.postings.get(k)
            if d is not None:
                out.update(d)
        # written as a list name but for its spacing or one slip (compare.spelling_view)
        for k in spelling.lookups(form.spelt):
            d = self.postings.get(k)
            if d is not None:
                out.update(
                    nid
                    for nid in d
                    if nid not in out
                    and spelling.edit(form.spelling, self.names[nid].form.spelling) is not None
                )
        return out

    def bound(
        self,
        nid: int,
        cmask: int,
        q: _QuerySide,
        discount: bool,
    ) -> float:
        """Upper bound of ``compare(query, names[nid])`` given the key-sharing masks.

        ``q``: the query side for the query tokens that shared a key (weights matched, kept
        weight of the others at the largest extra-name discount, initials); ``discount``:
        whether the scorer may discount extra names (persons).
        """
        wc = self.weights[nid]
        kc = self.kept[nid]
        c_init = self.initials[nid]
        c_total = self.total[nid]
        cm = cmask | c_init
        mc = 0.0
        kc_free = self.kept_total[nid]
        while cm:
            low = cm & -cm
            j = low.bit_length() - 1
            mc += wc[j]
            kc_free -= kc[j]
            cm ^= low
        mq, kq_free, q_total = q.matched, q.kept_free, q.total
        n_q = q.n
        n_c = (cmask | c_init).bit_count()
        if q.initials:
            # A query initial may align with any list token of that first letter.
            mc += q.initials * self.max_weight[nid]
            n_c += q.initials
            kc_free = 0.0
        if c_init:
            k = c_init.bit_count()
            mq += k * q.max_weight
            n_q += k
            kq_free = 0.0
        mq = min(mq, q_total)
        mc = min(mc, c_total)
        full_q = mq >= q_total - _EPS
        full_c = mc >= c_total - _EPS
        b = (mq + mc) / (q_total + c_total)
        if discount:
            # Extra names of one side cost only their kept share when the other side is fully
            # matched; tokens that shared a key may still end up unmatched: kept share at most.
            if full_q:
                b = max(b, (q_total + mc) / (q_total + mc + max(kc_free, 0.0)))
            if full_c:
                b = max(b, (mq + c_total) / (mq + c_total + kq_free))
        if (
            min(n_q, n_c) <= 1
            and not (full_q and full_c)
            and (discount or q.dist_free or self.distinctive[nid] & ~cmask)
        ):
            b = min(b, WEAK_CAP)
        if q.sub_free and not q.initials and not c_init and self.substantive[nid] & ~cmask:
            # A substantive word certainly left over on each side (no initial to align it).
            b *= DIFFERENT_MAX
        return b

    def qualifier_bound(
        self, nid: int, qm: int, cmask: int, wq: Sequence[float], q_init: int, q_place: int
    ) -> float:
        """Upper bound of an organisation score under the qualifier rule (words left over on
        one side only, all regions or bracketed words, weighing :data:`PLACE_WEIGHT`; capped
        at :data:`BRANCH_CAP` instead of ``WEAK_CAP``); 0.0 if the rule cannot fire. ``qm``,
        ``cmask``: the query and list tokens that shared a key; ``q_place``: :func:`_places`
        of the query. Initials on one side may align anything on the other, so none of its
        words is certainly left over."""
        wc: Sequence[float] = self.weights[nid]
        c_init = self.initials[nid]
        q_full = (1 << len(wq)) - 1
        c_full = (1 << len(wc)) - 1
        q_free = q_full & ~(qm | q_init)
        c_free = c_full & ~(cmask | c_init)
        if not q_free and c_free and not c_free & ~self.places[nid]:
            free, weights, certain = c_free, wc, not q_init
        elif not c_free and q_free and not q_free & ~q_place:
            free, weights, certain = q_free, wq, not c_init
        else:
            return 0.0
        u = sum(w for j, w in enumerate(weights) if free >> j & 1) if certain else 0.0
        c = sum(wq) + self.total[nid] - u
        return min(c / (c + PLACE_WEIGHT * u), BRANCH_CAP)

    def _qualified(
        self,
        form: NameForm,
        keep: set[int],
        out: dict[int, float],
        floor: float,
        fixed: bool | None,
        dicts: Sequence[tuple[int, dict[int, int]]],
        wq: Sequence[float],
        q_init: int,
        q_dig: int,
    ) -> None:
        """Raise ``out`` to :meth:`qualifier_bound` where the qualifier rule may fire: names
        compared as organisations, with a region or bracketed word on the query side (any
        candidate) or on their own (the candidates in :attr:`with_place`)."""
        if fixed is True or floor > BRANCH_CAP:
            return
        q_place = _places(form)
        cands = keep if q_place else keep & self.with_place
        if not cands:
            return
        flags, digits = self.flags, self.digits
        for nid in cands:
            if fixed is None and flags[nid]:
                continue  # compared as a person
            qm = cmask = 0
            for bits, d in dicts:
                m = d.get(nid)
                if m is not None:
                    qm |= bits
                    cmask |= m
            if q_dig and (c_dig := digits[nid]):
                qm |= q_dig
                cmask |= c_dig
            b = self.qualifier_bound(nid, qm, cmask, wq, q_init, q_place)
            if b >= floor and b > out.get(nid, -1.0):
                out[nid] = b

    def candidates(
        self, form: NameForm, floor: float = 0.0, person: bool | Literal["list"] | None = "list"
    ) -> list[int]:
        """Ids of every list name whose name score against ``form`` may reach ``floor``, by
        decreasing bound."""
        out = self.bounds(form, floor, person)
        return sorted(out, key=lambda n: -out[n])

    def bounds(
        self,
        form: NameForm,
        floor: float = 0.0,
        person: bool | Literal["list"] | None = "list",
        *,
        vector_min: int = VECTOR_MIN,
        persons: bool | None = None,
    ) -> dict[int, float]:
        """List name id -> upper bound of its score against ``form``, for bounds >= ``floor``.

        ``person`` is the flag ``compare`` will get; ``"list"``: each list name's own.
        ``persons``: only the names of listed persons (``True``: :attr:`persons`), only the
        others (``False``), or all (``None``).
        ``vector_min``: the candidate count from which the numpy path is taken (tests force
        either path with 1 or a huge number; both give the same numbers).
        """
        if form.empty:
            return {}
        keys = side_keys(form)
        n = len(keys)
        toks = form.tokens
        q_init = _initials(toks)
        q_dig = _digits(toks)
        # One dict per query token (cached: name tokens repeat) and per adjacent pair (merges).
        per_tok = [
            self.token_hits(k, c, form.abjad, t)
            for k, c, t in zip(keys, form.consonant_tokens, toks, strict=True)
        ]
        joins = [
            self._joined_hits(join_key(toks[i], toks[i + 1], form.abjad), form.abjad)
            for i in range(n - 1)
        ]
        extra = self.alignment_hits(form, person)
        if floor > WEAK_CAP and n > 1 and not q_init:
            # A name whose key hits cover fewer than two query tokens scores at most WEAK_CAP
            # (one alignment, query not fully matched), unless it has an initial of its own
            # that may align with another query token. Set intersections run in C. A query
            # token's hits include those of its initialism and place adjective keys; a list
            # word that may spell several query words is one alignment covering them all.
            keep: set[int] = set()
            tok_keys: list[AbstractSet[int]] = [d.keys() for d in per_tok]
            for bits, d in extra:
                if bits & (bits - 1):
                    keep.update(d)  # several query tokens spelt by one list word
                else:
                    i = bits.bit_length() - 1
                    tok_keys[i] = tok_keys[i] | d.keys()
            # ... or the other query tokens are all a qualifier (regions, bracketed words).
            org = person is not True and person is not None
            q_place = _places(form) if org else 0
            rest_places = (1 << n) - 1 if q_place else 0
            # ... or the other query tokens are all not distinctive (a short name inside a
            # long one: the scorer lifts the one-word cap for organisations).
            q_dist = _distinctive_mask(toks) if org else -1
            for i in range(n):
                pi = tok_keys[i]
                if (q_place and not rest_places & ~(1 << i) & ~q_place) or not q_dist & ~(1 << i):
                    keep.update(pi)
                    continue
                for j in range(i + 1, n):
                    keep |= pi & tok_keys[j]
                # ... or an initial that may align with another query token.
                for j, t in enumerate(toks):
                    if j != i and (ini := self.with_initial.get(t[0])) is not None:
                        keep |= ini & pi
                # ... or a number that may pair with a query number.
                if q_dig & ~(1 << i):
                    keep |= self.with_digit & pi
            for jd in joins:
                keep.update(jd)
        else:
            keep = set().union(*per_tok, *joins, *(d for _, d in extra))
        sure = self._sure(form)
        if persons is not None:
            # only the names of listed persons (True), or only the others (False)
            keep = keep & self.persons if persons else keep - self.persons
            sure = sure & self.persons if persons else sure - self.persons
        out: dict[int, float] = dict.fromkeys(sure, 1.0)
        wq = [token_weight(t, s) for t, s in zip(form.tokens, form.skeletons, strict=True)]
        kq = _kept(form.tokens, wq)
        q_sub = _substantive(form.tokens)
        q_dist = _distinctive_mask(form.tokens)
        sides: dict[int, _QuerySide] = {}
        fixed = None if person == "list" else person is not False
        tok_dicts = [(1 << i, d) for i, d in enumerate(per_tok) if d]
        join_dicts = [(3 << i, d) for i, d in enumerate(joins) if d]
        join_dicts.extend(extra)
        if len(keep) >= vector_min and n <= _VECTOR_MAX_TOKENS and self._vector_ok:
            self._bounds_vector(
                form, keep, out, floor, fixed, wq, kq, q_init, q_dig, q_sub, extra, q_dist
            )
            self._qualified(
                form, keep, out, floor, fixed, tok_dicts + join_dicts, wq, q_init, q_dig
            )
            return out
        # The loop below is :meth:`bound` inlined (it runs ~100 times per query): same
        # arithmetic, no method calls, attribute lookups hoisted.
        weights, kept, totals, kept_totals = self.weights, self.kept, self.total, self.kept_total
        max_weights, initials, digits, flags = (
            self.max_weight,
            self.initials,
            self.digits,
            self.flags,
        )
        weak = WEAK_CAP
        substantives, different = self.substantive, DIFFERENT_MAX
        distinctives = self.distinctive
        for nid in keep:
            if nid in out:
                continue
            qm = cmask = 0
            for bits, d in tok_dicts:
                m = d.get(nid)
                if m is not None:
                    qm |= bits
                    cmask |= m
            for bits, d in join_dicts:
                m = d.get(nid)
                if m is not None:
                    qm |= bits
                    cmask |= m
            c_dig = digits[nid]
            if q_dig and c_dig:
                # Numbers left over on both sides pair up (at a low similarity).
                qm |= q_dig
                cmask |= c_dig
            q = sides.get(qm)
            if q is None:
                q = sides[qm] = _QuerySide.of(qm | q_init, wq, kq, q_init, q_sub, q_dist)
            # --- bound(nid, cmask, q, discount) ---
            wc = weights[nid]
            c_init = initials[nid]
            c_total = totals[nid]
            cm = cmask | c_init
            n_c = cm.bit_count()
            if n_c == len(wc):
                mc = c_total
                kc_free = 0.0
            else:
                kc = kept[nid]
                mc = 0.0
                kc_free = kept_totals[nid]
                while cm:
                    low = cm & -cm
                    jj = low.bit_length() - 1
                    mc += wc[jj]
                    kc_free -= kc[jj]
                    cm ^= low
            mq, kq_free, q_total, n_q = q.matched, q.kept_free, q.total, q.n
            if q.initials:
                mc += q.initials * max_weights[nid]
                n_c += q.initials
                kc_free = 0.0
            if c_init:
                k = c_init.bit_count()
                mq += k * q.max_weight
                n_q += k
                kq_free = 0.0
            if mq > q_total:
                mq = q_total
            if mc > c_total:
                mc = c_total
            full_q = mq >= q_total - _EPS
            full_c = mc >= c_total - _EPS
            b = (mq + mc) / (q_total + c_total)
            disc = flags[nid] if fixed is None else fixed
            if disc:
                if full_q:
                    b2 = (q_total + mc) / (q_total + mc + (kc_free if kc_free > 0.0 else 0.0))
                    if b2 > b:
                        b = b2
                if full_c:
                    b2 = (mq + c_total) / (mq + c_total + kq_free)
                    if b2 > b:
                        b = b2
            if (
                (n_q <= 1 or n_c <= 1)
                and not (full_q and full_c)
                and b > weak
                and (disc or q.dist_free or distinctives[nid] & ~cmask)
            ):
                b = weak
            if q.sub_free and not q_init and not c_init and substantives[nid] & ~cmask:
                b *= different
            if b >= floor:
                out[nid] = b
        self._qualified(form, keep, out, floor, fixed, tok_dicts + join_dicts, wq, q_init, q_dig)
        return out

    def _bounds_vector(
        self,
        form: NameForm,
        keep: set[int],
        out: dict[int, float],
        floor: float,
        fixed: bool | None,
        wq: Sequence[float],
        kq: Sequence[float],
        q_init: int,
        q_dig: int,
        q_sub: int = 0,
        extra: Sequence[tuple[int, dict[int, int]]] = (),
        q_dist: int = 0,
    ) -> None:
        """The scalar loop of :meth:`bounds` on arrays: the same float64 operations in the same
        order for every name (sums run token by token; adding or subtracting 0.0 for a token
        that is not counted changes nothing), so the same numbers. Adds the names whose bound
        reaches ``floor`` to ``out``, in the iteration order of ``keep``."""
        cand = np.fromiter(keep, dtype=np.int64, count=len(keep))
        keys = side_keys(form)
        toks = form.tokens
        qm = np.zeros(len(cand), dtype=np.int64)
        cmask = np.zeros(len(cand), dtype=np.int64)
        hits = [
            (1 << i, self.token_arrays(k, c, form.abjad, t))
            for i, (k, c, t) in enumerate(zip(keys, form.consonant_tokens, toks, strict=True))
        ]
        hits.extend(
            (3 << i, self.joined_arrays(join_key(toks[i], toks[i + 1], form.abjad), form.abjad))
            for i in range(len(keys) - 1)
        )
        hits.extend((bits, self._arrays(d)) for bits, d in extra)
        for bits, (nids, masks) in hits:
            if not len(nids):
                continue
            at = np.searchsorted(nids, cand)
            np.minimum(at, len(nids) - 1, out=at)
            found = nids[at] == cand
            cmask |= np.where(found, masks[at], 0)
            qm |= np.where(found, bits, 0)
        if q_dig:
            c_dig = self._digits[cand]
            qm |= np.where(c_dig != 0, q_dig, 0)
            cmask |= c_dig
        # The query side, once per distinct set of key-sharing query tokens.
        q_matched = np.zeros(1 << len(keys))
        q_kept_free = np.zeros(1 << len(keys))
        q_n = np.zeros(1 << len(keys), dtype=np.int64)
        q_sub_free = np.zeros(1 << len(keys), dtype=np.int64)
        q_dist_free = np.zeros(1 << len(keys), dtype=np.int64)
        for u in set(qm.tolist()):
            q0 = _QuerySide.of(u | q_init, wq, kq, q_init, q_sub, q_dist)
            q_matched[u], q_kept_free[u], q_n[u] = q0.matched, q0.kept_free, q0.n
            q_sub_free[u], q_dist_free[u] = q0.sub_free, q0.dist_free
        mq = q_matched[qm]
        kq_free = q_kept_free[qm]
        n_q = q_n[qm]
        q_total, q_max, q_inits = q0.total, q0.max_weight, q0.initials
        # The list side.
        c_init = self._initials[cand]
        c_total = self._total[cand]
        cm = cmask | c_init
        n_c = np.bitwise_count(cm).astype(np.int64)
        full = n_c == self._ntok[cand]
        mc = np.zeros(len(cand))
        kc_free = self._kept_total[cand]
        # Token by token, lowest bit first (the order of the scalar loop); names whose tokens
        # all shared a key take their totals below and are left out.
        rest = np.where(full, 0, cm).astype(np.uint64)
        one = np.uint64(1)
        while rest.any():
            low = rest & (~rest + one)
            # The position of the lowest bit; 64 (a column of zeros) for names with none left.
            j = np.bitwise_count(low - one)
            mc = mc + self._w[cand, j]
            kc_free = kc_free - self._k[cand, j]
            rest ^= low
        mc = np.where(full, c_total, mc)
        kc_free = np.where(full, 0.0, kc_free)
        if q_inits:
            mc = mc + q_inits * self._max_weight[cand]
            n_c = n_c + q_inits
            kc_free = np.zeros(len(cand))
        has_init = c_init != 0
        k = np.bitwise_count(c_init).astype(np.int64)
        mq = np.where(has_init, mq + k * q_max, mq)
        n_q = n_q + k
        kq_free = np.where(has_init, 0.0, kq_free)
        mq = np.minimum(mq, q_total)
        mc = np.minimum(mc, c_total)
        full_q = mq >= q_total - _EPS
        full_c = mc >= c_total - _EPS
        b = (mq + mc) / (q_total + c_total)
        disc = self._flags[cand] if fixed is None else np.full(len(cand), fixed)
        b2 = (q_total + mc) / (q_total + mc + np.maximum(kc_free, 0.0))
        b = np.where(disc & full_q & (b2 > b), b2, b)
        b3 = (mq + c_total) / (mq + c_total + kq_free)
        b = np.where(disc & full_c & (b3 > b), b3, b)
        # the one-word cap, unless the scorer may read a short name inside a long one
        # (an organisation, no distinctive word certainly left over)
        held = disc | (q_dist_free[qm] != 0) | ((self._distinctive[cand] & ~cmask) != 0)
        weak = ((n_q <= 1) | (n_c <= 1)) & ~(full_q & full_c) & (b > WEAK_CAP) & held
        b = np.where(weak, WEAK_CAP, b)
        if not q_init:
            diff = (q_sub_free[qm] != 0) & (c_init == 0) & ((self._substantive[cand] & ~cmask) != 0)
            b = np.where(diff, b * DIFFERENT_MAX, b)
        ok = b >= floor
        for nid, bound in zip(cand[ok].tolist(), b[ok].tolist(), strict=True):
            if nid not in out:
                out[nid] = bound


def build(entities_names: Iterable[tuple[int, NameForm]]) -> NameIndex:
    return NameIndex([IndexedName(e, f) for e, f in entities_names])
