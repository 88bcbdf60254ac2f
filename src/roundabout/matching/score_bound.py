"""A second, tighter upper bound of a name score, from the token similarities themselves.

The index bound (:mod:`roundabout.matching.index`) credits every token whose keys meet a token
of the other name in full, because it only sees which keys met. Most of the names it passes
score far less: keys one deletion apart belong to tokens the scorer aligns at 0.73-0.88 (and
credits at :func:`roundabout.matching.compare._credit` of that, 0.43-0.88) or not at all. This
bound asks the scorer's own (cached) :func:`roundabout.matching.compare.token_similarity` for
every token pair, and bounds :func:`roundabout.matching.compare.compare` as follows.

* Each query token ``i`` is credited at most ``cq[i]``: the best credit it gets with any list
  token (``_credit`` of a similarity the scorer accepts; the stem and place-adjective
  similarities for organisations), 0.5 for a number when the other name has a number (numbers
  pair up), the similarity of a merge it may be part of (two adjacent tokens written as one on
  the other side: joined key meeting the token's key, :func:`roundabout.matching.keys.
  meet_merged`, similarity at least 0.85; an article merged as ``l``, ``Lazher`` / ``al
  Azhar``, at :func:`roundabout.matching.compare.article_similarity`), and 1.0 when it may
  be an initialism of words of the other name or one of those words. Likewise ``cc[j]``. An
  aligned pair adds ``credit x (wq[i] + wc[j]) <= cq[i] wq[i] + cc[j] wc[j]`` to the
  numerator, so the numerator is at most ``A = sum cq w + sum cc w``.
* Without a discount the denominator is the sum of all weights: ``A / (Wq + Wc)``. With the
  person discount (the query fully aligned, extra list names counted at their kept share
  ``kc``) the score is at most ``A / (Wq + sum cc wc + K)``, ``K`` the kept weight of the list
  tokens that can align with nothing (the ratio grows with each aligned token's share, since
  it stays below 1); only possible when every query token can align. Likewise the other side,
  and likewise for an organisation's qualifier left over on one side (a region or bracketed
  word, counted at ``PLACE_WEIGHT``).
* Every rule of ``data/rules.yml`` that the scorer applies to names lowers a score (factors of
  at most 1, caps, notes) except five: the three spelling floors (below), the whole-name view
  (at most 0.97 x the similarity of the joined names, when their keys meet and it reaches
  0.9), bounded as such, and an actual acronym (one name a single word spelling the other's
  initials), which gives 1.0. If the rules ever get another kind that raises a score,
  :data:`LOWERING_RULES` is false and the bound is 1.0.
* A name written as the list name letter for letter but for its spacing or one slip
  (:func:`roundabout.matching.compare.spelling_view`: the ``spelt_apart``, ``typo_generic``
  and ``typo_swap`` floors) gets 1.0.
* A name with a named-after clause set aside (``alt``) is bounded in each of its forms; names
  the scorer also compares slash by slash, and Korean / Chinese names of syllables (folded and
  merged syllable by syllable), get 1.0.

The costlier checks (merges, initialisms, qualifiers, the whole-name view) run only while the
bound is below the level asked about (:meth:`QueryBound.below`). The screener uses it to skip
candidates that certainly score below what can make a hit
(:meth:`roundabout.matching.matcher.Screener.screen`). ``tests/matching/test_score_bound.py``
checks the bound against ``compare`` on every pair of its queries and list names; as the
scorer changes, the bound must follow.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final

from rapidfuzz.distance import Indel

from roundabout.matching import vocabulary
from roundabout.matching.compare import (
    _ACCEPT,
    _ARTICLES,
    _PARTICLES,
    ADJECTIVE_SIM,
    LIGHT,
    NUMBER_SIM,
    PLACE_WEIGHT,
    STEM_SIM,
    _acronym,
    _bracketed,
    _credit,
    _slash_parts,
    article_join,
    article_similarity,
    east_asian_pair,
    join_key,
    place_adjective,
    same_stem,
    spelling_view,
    syllabic_name,
    token_similarity,
    token_weight,
)
from roundabout.matching.keys import consonants, meet_joined, meet_merged, skeleton
from roundabout.matching.normalize import NameForm, is_patronymic
from roundabout.matching.rules import table

#: The name rules that may raise a score, and whose conditions this bound checks itself.
_RAISING_KNOWN: Final = frozenset({"acronym", "spelt_apart", "typo_generic", "typo_swap"})

#: Whether every other name rule can only lower a score (else the bound gives up: 1.0).
LOWERING_RULES: Final = all(
    rule.kind in ("cap", "note") or (rule.kind == "factor" and rule.weight + rule.slope <= 1.0)
    for name, rule in table()["name"].items()
    if name not in _RAISING_KNOWN
)


def _kept(tokens: Sequence[str], weights: Sequence[float]) -> list[float]:
    """What the person discount leaves of each token's weight (patronymics 0.25, others 0.5)."""
    return [w * (0.25 if is_patronymic(t) else 0.5) for t, w in zip(tokens, weights, strict=True)]


class ListSide:
    """What the bound needs of one list name, computed once (:meth:`of`, cached by the caller)."""

    __slots__ = (
        "alt",
        "articles",
        "cons",
        "digit",
        "form",
        "joins",
        "kept",
        "skip",
        "syllabic",
        "total",
        "weights",
    )

    def __init__(self, form: NameForm) -> None:
        self.form = form
        #: The scorer also compares the names either side of a slash: not bounded here.
        self.skip = form.empty or ("/" in form.raw and bool(_slash_parts(form.raw, None)))
        #: The name with its named-after clause kept, compared too.
        self.alt = ListSide(form.alt) if form.alt is not None else None
        pairs = zip(form.tokens, form.skeletons, strict=True)
        self.weights = [token_weight(t, k) for t, k in pairs]
        self.kept = _kept(form.tokens, self.weights)
        self.total = sum(self.weights)
        #: Its tokens' keys in abjad mode (consonant skeletons if the name is in abjad script).
        self.cons = [consonants(t) for t in form.tokens] if form.abjad else list(form.skeletons)
        self.digit = any(t.isdigit() for t in form.tokens)
        #: Every word made of romanised syllables (a Korean / Chinese name may be).
        self.syllabic = syllabic_name(form.tokens)
        #: Adjacent token pairs (first position, joined key, joined tokens): what may merge.
        toks = form.tokens
        self.joins = [
            (i, join_key(toks[i], toks[i + 1], form.abjad), toks[i] + toks[i + 1])
            for i in range(len(toks) - 1)
        ]
        #: An article and the next token, the article merged as ``l`` (Lazher / al-Azhar).
        self.articles = [
            (i, skeleton(j := article_join(toks[i + 1])), j)
            for i in range(len(toks) - 1)
            if toks[i] in _ARTICLES and not form.abjad
        ]


class QueryBound:
    """The bound for one query name against any list name (query side computed once)."""

    __slots__ = ("q", "skip")

    def __init__(self, form: NameForm) -> None:
        self.q = ListSide(form)
        self.skip = not LOWERING_RULES

    def upper(self, c: NameForm | ListSide, person: bool | None) -> float:
        """An upper bound of ``compare(query, c, person=person).score``."""
        return self._bound(c if isinstance(c, ListSide) else ListSide(c), person, 2.0)

    def below(self, c: ListSide, person: bool | None, level: float) -> bool:
        """Whether ``compare(query, c.form, person=person).score`` is certainly below ``level``
        (the same bound as :meth:`upper`, with the costlier checks left out once it is clear
        the bound reaches ``level``)."""
        return self._bound(c, person, level) < level

    def _bound(self, cd: ListSide, person: bool | None, level: float) -> float:
        """The bound, or any number >= ``level`` once it is sure to reach ``level``: the
        best over the forms ``compare`` compares (with and without a named-after clause)."""
        qd = self.q
        if self.skip or qd.skip or cd.skip:
            return 1.0
        if cd.form.empty or qd.form.empty:
            return 0.0
        if spelling_view(qd.form, cd.form, person) is not None:
            return 1.0  # the name as written, but for its spacing or a slip: a floor
        b = _pair(qd, cd, person, level)
        for qv, cv in ((qd, cd.alt), (qd.alt, cd), (qd.alt, cd.alt)):
            if b >= level:
                break
            if qv is not None and cv is not None and not (qv.skip or cv.skip):
                b = max(b, _pair(qv, cv, person, level))
            elif qv is not None and cv is not None:
                return 1.0
        return b


def _pair(qd: ListSide, cd: ListSide, person: bool | None, level: float) -> float:
    """The bound for one form of each name (:func:`roundabout.matching.compare._compare`)."""
    q, c = qd.form, cd.form
    if q.empty or c.empty:
        return 0.0
    qt, ct = q.tokens, c.tokens
    nq, nc = len(qt), len(ct)
    if ((nq == 1 and nc >= 2) or (nc == 1 and nq >= 2)) and (
        _acronym(list(qt), list(ct)) or _acronym(list(ct), list(qt))
    ):
        return 1.0  # the acronym rule may fire
    abjad = q.abjad or c.abjad
    if (
        qd.syllabic
        and cd.syllabic
        and person is not False
        and not abjad
        and east_asian_pair(qt, ct)
    ):
        return 1.0  # syllables of Korean / Chinese names fold and merge
    qs: Sequence[str] = qd.cons if abjad else q.skeletons
    cs: Sequence[str] = cd.cons if abjad else c.skeletons
    cq = [0.0] * nq
    cc = [0.0] * nc
    org = person is False and not abjad  # stems and place adjectives align
    for i in range(nq):
        a, sa = qt[i], qs[i]
        for j in range(nc):
            sim = token_similarity(a, sa, ct[j], cs[j], abjad)[0]
            if org:
                if sim < STEM_SIM and same_stem(a, ct[j]):
                    sim = STEM_SIM
                if sim < ADJECTIVE_SIM and place_adjective(a, ct[j]):
                    sim = ADJECTIVE_SIM
            if sim >= _ACCEPT:
                cr = _credit(sim)
                if cr > cq[i]:
                    cq[i] = cr
                if cr > cc[j]:
                    cc[j] = cr
    if qd.digit and cd.digit:
        for i, t in enumerate(qt):
            if t.isdigit() and cq[i] < NUMBER_SIM:
                cq[i] = NUMBER_SIM
        for j, t in enumerate(ct):
            if t.isdigit() and cc[j] < NUMBER_SIM:
                cc[j] = NUMBER_SIM
    b = _ratio(qd, cd, cq, cc, person)
    if b >= level:
        return b
    # Merges, initialisms, qualifiers and the whole-name view only raise the bound:
    # checked only when needed.
    if (
        _merges(qd.joins, q.abjad, ct, cs, cq, cc)
        | _merges(cd.joins, c.abjad, qt, qs, cc, cq)
        | _initialisms(qt, ct, cq, cc)
        | _initialisms(ct, qt, cc, cq)
        | (not abjad and _merges(qd.articles, False, ct, cs, cq, cc, article_similarity))
        | (not abjad and _merges(cd.articles, False, qt, qs, cc, cq, article_similarity))
    ):
        b = _ratio(qd, cd, cq, cc, person)
    if person is False:
        b = max(b, _qualified(qd, cd, cq, cc), _qualified(cd, qd, cc, cq))
    jq, jc = "".join(qs), "".join(cs)
    if -1 <= len(jq) - len(jc) <= 1 and meet_joined(jq, jc):
        # the whole-name view: at most 0.97 x the similarity, if it reaches 0.9
        joined = Indel.normalized_similarity(jq, jc)
        if joined >= _JOINED_MIN:
            b = max(b, joined * _JOINED_CREDIT)
    return b


#: The whole-name view fires from this similarity of the joined names (0.9 or 0.95) and
#: scores it at this share.
_JOINED_MIN: Final = 0.9
_JOINED_CREDIT: Final = 0.97


def _ratio(
    qd: ListSide, cd: ListSide, cq: Sequence[float], cc: Sequence[float], person: bool | None
) -> float:
    """The bound of the aligned share of the weight, for token credits ``cq`` and ``cc``."""
    wq, wc = qd.weights, cd.weights
    a_q = sum(x * w for x, w in zip(cq, wq, strict=True))
    a_c = sum(x * w for x, w in zip(cc, wc, strict=True))
    num = a_q + a_c
    if num <= 0.0:
        return 0.0
    q_total, c_total = qd.total, cd.total
    b = num / (q_total + c_total)
    if person is not False:
        if 0.0 not in cq:  # extra list names discounted
            k_free = sum(k for x, k in zip(cc, cd.kept, strict=True) if x == 0.0)
            b = max(b, num / (q_total + a_c + k_free))
        if 0.0 not in cc:  # extra query names discounted
            k_free = sum(k for x, k in zip(cq, qd.kept, strict=True) if x == 0.0)
            b = max(b, num / (c_total + a_q + k_free))
    return b


def _qualified(sa: ListSide, sb: ListSide, ca: Sequence[float], cb: Sequence[float]) -> float:
    """The bound when the words of ``sb`` left over are a qualifier (a region, a bracketed
    word: :func:`roundabout.matching.compare._place_qualifier`), weighing ``PLACE_WEIGHT``
    of their weight: possible only when every token of ``sa`` may align and every token of
    ``sb`` that cannot is such a word; 0.0 otherwise."""
    if 0.0 in ca:
        return 0.0
    places = vocabulary.places()
    tokens = sb.form.tokens
    free = 0.0
    bracketed: frozenset[str] | None = None
    for t, x, w in zip(tokens, cb, sb.weights, strict=True):
        if x == 0.0:
            if t not in places:
                if bracketed is None:
                    bracketed = _bracketed(sb.form.raw)
                if t not in bracketed:
                    return 0.0
            free += w
    num = sum(x * w for x, w in zip(ca, sa.weights, strict=True)) + sum(
        x * w for x, w in zip(cb, sb.weights, strict=True)
    )
    return num / (num + PLACE_WEIGHT * free) if num > 0.0 else 0.0


def _initialisms(a: Sequence[str], b: Sequence[str], ca: list[float], cb: list[float]) -> bool:
    """Full credit to a token of ``a`` of 2-5 letters that may be an initialism of words of ``b``
    (:func:`roundabout.matching.compare._initialisms`: its letters are first letters of words
    of ``b``) and to those words and the light words between them. Whether any may."""
    found = False
    for i, tok in enumerate(a):
        if not 2 <= len(tok) <= 5 or not tok.isalpha() or tok in LIGHT or tok in _PARTICLES:
            continue
        if len(b) < len(tok) or not set(tok) <= {t[0] for t in b if len(t) > 1}:
            continue
        ca[i] = 1.0
        for j, t in enumerate(b):
            if t[0] in tok or LIGHT.get(t, 1.0) <= 0.25:
                cb[j] = 1.0
        found = True
    return found


def _merges(
    joins: Sequence[tuple[int, str, str]],
    a_abjad: bool,
    b: Sequence[str],
    kb: Sequence[str],
    ca: list[float],
    cb: list[float],
    similarity: Callable[[str, str], float] | None = None,
) -> bool:
    """Credit at their similarity to two adjacent tokens of one name (``joins``: position,
    joined key, joined tokens) and a token of the other, ``b`` (keys ``kb``), that may merge:
    the conditions of :func:`roundabout.matching.compare._merges` (and of
    ``compare._article_merges``, with ``similarity`` its
    :func:`roundabout.matching.compare.article_similarity`). Whether any may."""
    found = False
    similarity = similarity or _INDEL
    for i, jkey, joined in joins:
        lj = len(jkey)
        for j, tok in enumerate(b):
            if len(tok) < 4 or (similarity is not _INDEL and tok[0] != "l"):
                continue
            k = kb[j]
            # meet_merged needs -2 <= len(jkey) - len(k) <= 1 (keys and deletions)
            if -2 <= lj - len(k) <= 1 and meet_merged(jkey, k):
                sim = similarity(joined, tok)
            elif a_abjad and len(cons := consonants(tok)) >= 3 and meet_joined(jkey, cons):
                sim = 0.95 * (1.0 if jkey == cons else Indel.normalized_similarity(jkey, cons))
            else:
                continue
            if sim >= _MERGE_MIN:
                ca[i] = max(ca[i], sim)
                ca[i + 1] = max(ca[i + 1], sim)
                cb[j] = max(cb[j], sim)
                found = True
    return found


_INDEL: Final = Indel.normalized_similarity

#: Merges are made from this similarity of the joined tokens and the token (credited at it).
_MERGE_MIN: Final = 0.85
