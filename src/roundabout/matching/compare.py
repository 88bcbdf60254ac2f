"""Compare two analysed names: a score in [0, 1] and the token alignment that explains it.

Tokens are aligned greedily by similarity (each token used once, in any order), where the
similarity of two tokens is the best of:

* equal skeletons (same name in another romanisation): 0.97, equal ASCII: 1.0;
* an initial against a token with that first letter: 0.85;
* the normalised Indel similarity of the ASCII forms and of the skeletons (rapidfuzz);
* for abjad script on either side, the similarity of the consonant skeletons;
* tokens whose skeletons differ only by o/u or e/i (``Osama`` / ``Usama``, ``Qaeda`` /
  ``Qaida``): 0.9;
* in organisation names, one English word with another suffix (``trading`` / ``trade``,
  ``banking`` / ``bank``: :func:`same_stem`), outside abjad script: 0.88.

Two adjacent tokens on one side may align with one token on the other (``Jin Ping`` /
``Jinping``). Numbers left over on both sides pair up at 0.5 ("numbers differ": fund series,
sister vessels). The score is the aligned share of the token weight of both names: long tokens
weigh more; particles (``al``, ``bin``, ``de``), generic business words (``trading``, ``group``)
and the words legal forms are made of (``joint``, ``stock``, ``obshchestvo``) less; an unmatched
patronymic or an extra middle name of a person costs little. Each token's weight is also
multiplied by its rarity in the sanctions lists (:mod:`roundabout.matching.rarity`), so shared
common given names ("Mohammed Ali", "Ivan") add little, and one aligned token among several
caps the score below the default threshold.

Then the rules of ``data/rules.yml`` (:mod:`roundabout.matching.rules`: the weight and the
explanation text of each are data), each with a note in the explanation: differing
patronymics, conflicting middle initials (``Hans O`` / ``Hans Joachim``), names swapped around
``bin``/``ibn``, another given name first (``Ali Saddam Hussein`` / ``Saddam Hussein``), a
substantive word on each side left unexplained, an organisation with a word more than the
other (a subsidiary: ``Banco Santander México``) unless the words more are descriptive
(:func:`roundabout.matching.vocabulary.descriptive`: ``SEPANIR`` / ``SEPANIR OIL AND GAS
ENGINEERING COMPANY`` is a short name inside a long one; with one distinctive word and only
generic words left, the one-shared-word cap does not apply either: ``STROYTRANSGAZ`` /
``STROYTRANSGAZ GROUP``), the whole-name view, legal forms
of different families (``AG`` / ``GmbH``; less within LLC/LLP or JSC/PJSC/Inc.), designations
of different kinds (:mod:`roundabout.matching.vocabulary`) and acronyms.

**Blocking contract.** Two tokens align only if their keys *meet*
(:func:`roundabout.matching.keys.meet`: equal or one edit apart), either their skeletons
(consonant skeletons for a name in abjad script) or their consonant skeletons (``Mirziyoyev`` /
``Mirzieev``: ``mrzv``), or if their stems are equal (the index keeps a stem key); a merge
(``Jin Ping`` / ``Jinping``) and the whole-name rule only fire when the joined keys meet
(for the Maghrebi article merged as a bare ``l``, ``Lazher`` / ``al-Azhar``, the key of ``l``
+ the name; ``ibn``, ``ben`` and ``ebn`` are read as ``bin`` when names are analysed); the
acronym rule needs an exact acronym. Initials align with any token of the same first letter.
:mod:`roundabout.matching.index` looks names up by exactly these keys and bounds the score of
everything else, which is what makes its candidate set complete.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Final

from rapidfuzz.distance import Indel

from roundabout.matching import legal_forms, spelling, vocabulary
from roundabout.matching.keys import (
    STEM_MIN,
    consonants,
    fold_ch,
    fold_vowels,
    meet,
    meet_joined,
    meet_merged,
    skeleton,
    stem,
)
from roundabout.matching.normalize import NameForm, analyze, is_patronymic
from roundabout.matching.rarity import rarity
from roundabout.matching.rules import name_rule
from roundabout.matching.russian_names import gender_forms, initials_out_of_order, two_initials
from roundabout.matching.tokenize import ascii_tokens
from roundabout.matching.translit import scripts_of

#: Nouns that say what kind of body an organisation is (weighed like generic business words;
#: left over, they do not make another name: "AR RAHMAH FOUNDATION" / "RAHMAH CHARITABLE
#: ORGANIZATION"). The words most often left over in the OFAC dev alias pairs that miss
#: (foundation 52 pairs, branch 32, society 27, organization 21, charitable 21, committee 9).
_INSTITUTIONAL_WORDS: Final = [
    "foundation",
    "society",
    "committee",
    "organization",
    "organisation",
    "association",
    "institute",
    "center",
    "centre",
    "department",
    "directorate",
    "bureau",
    "office",
    "council",
    "fund",
    "charitable",
    "charity",
    "establishment",
    "institution",
    "branch",
    "complex",
    "project",
    "projects",
]
INSTITUTIONAL: Final = frozenset(_INSTITUTIONAL_WORDS)

#: Tokens that say little about identity (weight multiplier).
LIGHT: Final[dict[str, float]] = {
    **dict.fromkeys(
        [
            "al",
            "el",
            "ul",
            "ad",
            "ud",
            "as",
            "bin",
            "ibn",
            "ben",
            "bint",
            "abu",
            "abd",
            "de",
            "da",
            "di",
            "del",
            "della",
            "der",
            "den",
            "van",
            "von",
            "la",
            "le",
            "dos",
            "das",
            "du",
            "y",
            "e",
            "and",
            "of",
            "the",
            "for",
            "und",
            "et",
        ],
        0.25,
    ),
    **dict.fromkeys(
        [
            "trading",
            "trade",
            "group",
            "holding",
            "holdings",
            "international",
            "industries",
            "industrial",
            "company",
            "enterprises",
            "enterprise",
            "services",
            "service",
            "logistics",
            "global",
            "investment",
            "investments",
            "management",
            "corporation",
            "bank",
            "shipping",
            "general",
            "commercial",
            "import",
            "export",
            "impeks",
            "technologies",
            "technology",
            "tech",
            "systems",
            "solutions",
            "partners",
            "capital",
            "resources",
            "development",
            "petroleum",
            "energy",
            "plant",
            "factory",
            "zavod",
            "firma",
        ],
        0.5,
    ),
    **dict.fromkeys(_INSTITUTIONAL_WORDS, 0.5),
}

_ACCEPT: Final = 0.72
CREDIT_FULL = 0.88
CREDIT_SLOPE = 2.0
#: Similarity of two tokens with the same consonants in the same order.
VOWELS_SIM = 0.9
#: Similarity of two tokens with the same consonants (ch read as sh) and other vowels.
CONSONANTS_SIM = 0.88
#: Similarity of two words of one stem (``trading`` / ``trade``, ``banking`` / ``bank``).
STEM_SIM = 0.88
#: Credit of two different numbers left over on both sides.
NUMBER_SIM = 0.5
_VOWEL_FOLD: Final = str.maketrans("oe", "ui")


@dataclass(frozen=True, slots=True)
class Pair:
    left: str
    right: str
    similarity: float
    how: str  # exact, translit, initial, fuzzy, consonants, merged


@dataclass(frozen=True, slots=True)
class NameComparison:
    score: float
    pairs: tuple[Pair, ...] = ()
    unmatched_left: tuple[str, ...] = ()
    unmatched_right: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def explain(self) -> str:
        parts = []
        for p in self.pairs:
            if p.how == "exact":
                parts.append(p.left)
            else:
                parts.append(f"{p.left}~{p.right} ({p.how} {p.similarity:.2f})")
        text = "tokens " + ", ".join(parts) if parts else "no token aligned"
        if self.unmatched_left:
            text += "; query only: " + " ".join(self.unmatched_left)
        if self.unmatched_right:
            text += "; list only: " + " ".join(self.unmatched_right)
        if self.notes:
            text += "; " + "; ".join(self.notes)
        return text


#: Families of legal forms: a change within one is a small difference.
_FORM_FAMILY: Final = {
    "llc": "limited",
    "llp": "limited",
    "jsc": "stock",
    "pjsc": "stock",
    "corp": "stock",  # Inc., Corporation: stock corporations ("Joint Stock Company")
}

#: Legal forms that say only "a company" ("Co.", "Company"): they contradict no other form.
_UNSPECIFIED: Final = frozenset({"company"})

#: Score cap when only one token (or only initials) aligns and other words are left over
#: (the ``one_shared_word`` rule; the candidate index relies on it).
WEAK_CAP: Final = name_rule("one_shared_word").weight

#: One-word names this long or shorter need more than a fuzzy match (see :func:`compare`).
SHORT_ONLY_WORD: Final = 6


#: Weight factor of the words legal forms are made of (:func:`legal_forms.vocabulary`).
FORM_WORD = 0.25


#: Weight factor of a descriptive word of organisation names (:func:`vocabulary.descriptive`:
#: ``engineering``, ``oil``, ``money``) not in :data:`LIGHT`: that of a generic business word.
DESCRIPTIVE_WEIGHT: Final = 0.5


def _light(token: str, skel: str) -> float:
    light = LIGHT.get(token)
    if light is None:
        light = DESCRIPTIVE_WEIGHT if token in vocabulary.descriptive() else 1.0
    return FORM_WORD if light > FORM_WORD and skel in legal_forms.vocabulary() else light


@lru_cache(maxsize=200_000)
def _base_weight(token: str) -> float:
    """Length x particle weight (whether a left-over word is substantive)."""
    base = min(len(token), 8) / 8 if not token.isdigit() else 0.6
    return max(base, 0.25) * _light(token, skeleton(token))


def substantive(token: str) -> bool:
    """Whether a left-over ``token`` may be a substantive word (the "different words" rule).
    The nouns that say what kind of body an organisation is (:data:`INSTITUTIONAL`) are not,
    nor are descriptive words (:func:`vocabulary.descriptive`), which :func:`compare` counts
    only in person names and in organisation names that align no distinctive word
    (:func:`descriptive_left`): this is the widest reading, the one the index bounds with."""
    return (
        _base_weight(token) >= 0.35
        and token not in INSTITUTIONAL
        and token not in vocabulary.descriptive()
    )


def _distinctive(token: str) -> bool:
    """A substantive word that is not a generic business word of :data:`LIGHT` either (what
    makes an organisation name this one: ``sepanir``, ``korea``, not ``international``)."""
    return substantive(token) and token not in LIGHT


@lru_cache(maxsize=100_000)
def descriptive_left(token: str) -> bool:
    """A descriptive word that would be substantive if it were not descriptive (weighed at
    its length and :data:`LIGHT` factor only: ``oil``, ``gas`` count)."""
    if token not in vocabulary.descriptive() or token in INSTITUTIONAL:
        return False
    light = LIGHT.get(token, 1.0)
    if light > FORM_WORD and skeleton(token) in legal_forms.vocabulary():
        light = FORM_WORD
    return max(min(len(token), 8) / 8, 0.25) * light >= 0.35


@lru_cache(maxsize=200_000)
def token_weight(token: str, skel: str) -> float:
    """Weight of ASCII token ``token`` (skeleton ``skel``): length x particle x rarity."""
    base = min(len(token), 8) / 8 if not token.isdigit() else 0.6
    return max(base, 0.25) * min(_light(token, skel), rarity(skel))


def join_key(a: str, b: str, abjad: bool) -> str:
    """The key of ASCII tokens ``a`` and ``b`` written as one word (merges)."""
    return consonants(a + b) if abjad else skeleton(a + b)


def side_keys(form: NameForm) -> tuple[str, ...]:
    """The per-token keys ``compare`` aligns on: consonant skeletons for abjad, else skeletons."""
    return form.consonant_tokens if form.abjad else form.skeletons


@lru_cache(maxsize=1 << 18)
def same_stem(a: str, b: str) -> bool:
    """One English word with another suffix (trading / trade, charitable / charity,
    metallurgical / metallurgy: :func:`roundabout.matching.keys.stem`): how the descriptive
    words of organisation names vary. Not used for persons (Faisal / Faise)."""
    return a != b and len(st := stem(a)) >= STEM_MIN and st == stem(b)


#: Similarity of two romanisations of one Korean or Chinese syllable (``Jong`` / ``Chong``).
SYLLABLE_SIM: Final = 0.88
#: A romanised Korean or Chinese syllable: an initial, a vowel nucleus, a final consonant.
_SYLLABLE: Final = re.compile(
    r"^(?:ch|chh|j|jj|zh|k|kk|g|kh|t|tt|d|th|p|pp|b|ph|ts|tz|z|c|hs|x|sh|s|ss|h|m|n|r|l"
    r"|w|y|f|q|ng)?(?:a|ae|ai|ao|e|eo|eu|ei|i|ia|iao|ie|iu|o|oe|oi|ou|u|ua|uai|ue|ui|uo|wa|wae"
    r"|we|wi|wo|ya|yae|ye|yo|yu|yeo|ee)(?:ng|n|m|l|k|p|t|r)?$"
)
#: Initials that romanisations write voiced or voiceless, aspirated or not (McCune-Reischauer
#: ``Chong`` / Revised ``Jong``, Wade-Giles ``Hsi`` / pinyin ``Xi``), folded to one.
_INITIAL_FOLD: Final = (
    ("chh", "j"), ("ch", "j"), ("jj", "j"), ("zh", "j"), ("kk", "g"), ("kh", "g"), ("k", "g"),
    ("ts", "z"), ("tz", "z"), ("tt", "d"), ("th", "d"), ("t", "d"), ("pp", "b"), ("ph", "b"),
    ("p", "b"), ("c", "z"), ("hs", "x"),
)  # fmt: skip
#: Vowels written two ways (MR ``o`` / ``u`` without breves, RR ``eo`` / ``eu``).
_NUCLEUS_FOLD: Final = (("eo", "o"), ("eu", "u"), ("yeo", "yo"))


@lru_cache(maxsize=1 << 16)
def split_syllables(token: str) -> tuple[str, ...] | None:
    """``token`` as one to three romanised syllables (``jinping`` -> ``jin``, ``ping``), every
    one after the first with its initial consonant; None if it is not made of syllables."""
    if _SYLLABLE.match(token):
        return (token,)
    for k in range(len(token) - 1, 0, -1):
        head, rest = token[:k], token[k:]
        if rest[0] in "aeiouy" or not _SYLLABLE.match(head):
            continue
        tail = split_syllables(rest)
        if tail is not None and len(tail) <= 2:
            return (head, *tail)
    return None


#: Spellings only Korean and Chinese romanisations have (a final -ng, initials hs, x, zh, q,
#: ts, doubled consonants, vowels eo, eu, ae, ao, yo, yu, ya, ui): one of them must be in one
#: of the two names, so "Tina Turner" is not read as syllables.
_EAST_ASIAN: Final = re.compile(
    r"ng$|^(?:hs|x|zh|q|ts|tz|kk|tt|pp|jj|ss|chh)|eo|eu|ae|ao|yo|yu|ya|ui"
)


@lru_cache(maxsize=1 << 16)
def syllabic_name(tokens: tuple[str, ...]) -> bool:
    """Every word of the name is made of romanised syllables (Korean and Chinese names as lists
    write them: ``Jong Chol RI``, ``Ho Jin YUN``, ``Xi Jinping``), two words at least."""
    return len(tokens) >= 2 and all(split_syllables(t) is not None for t in tokens)


def east_asian_pair(q: tuple[str, ...], c: tuple[str, ...]) -> bool:
    """Both names are made of syllables and one of them is spelt as only Korean or Chinese
    romanisations spell (:data:`_EAST_ASIAN`)."""
    return syllabic_name(q) and syllabic_name(c) and any(_EAST_ASIAN.search(t) for t in (*q, *c))


@lru_cache(maxsize=1 << 16)
def _fold_syllable(t: str) -> str:
    for a, b in _INITIAL_FOLD:
        if t.startswith(a):
            t = b + t[len(a) :]
            break
    for a, b in _NUCLEUS_FOLD:
        t = t.replace(a, b)
    if t.endswith("ung"):  # Wade-Giles tung, pinyin dong
        t = t[:-3] + "ong"
    return t


@lru_cache(maxsize=1 << 16)
def fold_syllables(token: str) -> str:
    """``token`` with each of its syllables folded (:func:`same_syllable`); the token itself
    when it is not made of syllables."""
    parts = split_syllables(token)
    return "".join(_fold_syllable(x) for x in parts) if parts else token


@lru_cache(maxsize=1 << 18)
def same_syllable(a: str, b: str) -> bool:
    """Two romanisations of one word of syllables: the same once initials written voiced /
    voiceless or aspirated (ch / j, k / g, p / b, t / d, ts / z, hs / x), eo / o, eu / u and a
    final ung / ong are folded, syllable by syllable (``Tse`` / ``Ze``, ``tung`` / ``dong``)."""
    return a != b and fold_syllables(a) == fold_syllables(b)


def _syllable_merges(
    a: list[str], b: list[str], used_a: set[int], used_b: set[int]
) -> list[tuple[tuple[int, ...], tuple[int, ...], float]]:
    """Two adjacent syllables of ``a`` written as one word of ``b`` (``Chin ping`` /
    ``Jinping``, ``Tse tung`` / ``Zedong``), compared folded. Marks the tokens used."""
    out: list[tuple[tuple[int, ...], tuple[int, ...], float]] = []
    for i in range(len(a) - 1):
        if i in used_a or i + 1 in used_a:
            continue
        joined = fold_syllables(a[i]) + fold_syllables(a[i + 1])
        for j, tok in enumerate(b):
            if j not in used_b and fold_syllables(tok) == joined:
                sim = 1.0 if a[i] + a[i + 1] == tok else SYLLABLE_SIM
                used_a.update((i, i + 1))
                used_b.add(j)
                out.append(((i, i + 1), (j,), sim))
                break
    return out


#: Similarity of a place name and the Russian / Ukrainian adjective made from it.
ADJECTIVE_SIM: Final = 0.88
#: A Russian / Ukrainian / Belarusian adjective in -sky (-skaya, -skoe, -skiy, ...): the name it
#: is made from, and the linking syllable (Yalt-in-skaya, Azov-sky, Petr-ov-sky).
_ADJECTIVE: Final = re.compile(
    r"^([a-z]{2,}?)(in|en|ov|ev)?sk(?:iy|ii|ij|yy|yi|y|i|aya|aia|aja|ya|oe|oye|oy|oi|ogo|ovo"
    r"|ikh|ykh|iye|ye|ie|a|o)?$"
)


@lru_cache(maxsize=1 << 18)
def place_adjective(a: str, b: str) -> bool:
    """One word is the adjective of the other in Russian, Ukrainian or Belarusian, as place
    names are written in organisation names (``Murom`` / ``Muromskiy``, ``Yalta`` /
    ``Yaltinskaya``, ``Minsk`` / ``Minski``, ``Azov`` / ``Azovsky``, ``Sevastopol`` /
    ``Sevastopolskiy``). Organisation names only: ``Petrov`` and ``Petrovsky`` are two
    surnames."""
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    m = _ADJECTIVE.match(long_)
    if m is None or len(short) < 4 or not short.isalpha():
        return False
    base, link = m.group(1), m.group(2) or ""
    forms = {base, base + link, base + "sk", base + link + "sk"}
    if short in forms or short[:-1] in forms:  # Yalt(a), Moskv(a)
        return True
    # The fuzzy comparison only where the stem's keys meet the place name's: the candidate
    # index keys the stem (``index.adjective_forms``), so it finds every pair accepted here.
    return (
        len(short) >= 6
        and Indel.normalized_similarity(base + link, short) >= 0.88
        and meet(skeleton(base + link), skeleton(short))
    )


@lru_cache(maxsize=1 << 20)
def token_similarity(a: str, sa: str, b: str, sb: str, abjad: bool) -> tuple[float, str]:
    """Similarity of two ASCII tokens ``a``, ``b`` with skeletons ``sa``, ``sb``."""
    if a == b:
        return 1.0, "exact"
    if a.isdigit() or b.isdigit():
        return 0.0, "digits"
    if sa == sb:
        return 0.97, "translit"
    if len(a) == 1 or len(b) == 1:
        # an initial stands for a given name or, in the Russian "Surname I. O." (В. В. Путин),
        # for the patronymic as well
        return (0.85, "initial") if a[0] == b[0] else (0.0, "initial")
    sim = 0.0
    how = "fuzzy"
    ca, cb = consonants(a), consonants(b)
    # Consonant skeletons of one or two letters only count for abjad script.
    long_c = abjad or min(len(ca), len(cb)) >= 3
    cmeet = long_c and meet_joined(ca, cb)
    fa, fb = fold_ch(ca), fold_ch(cb)
    if long_c and not cmeet and (fa != ca or fb != cb):
        cmeet = meet_joined(fa, fb)
    met = (
        cmeet
        or meet(sa, sb)
        or (not abjad and min(len(sa), len(sb)) >= 3 and fold_vowels(sa) == fold_vowels(sb))
    )
    if met:
        sim = max(Indel.normalized_similarity(a, b), Indel.normalized_similarity(sa, sb))
    if abjad and cmeet:
        csim = 1.0 if ca == cb else Indel.normalized_similarity(ca, cb)
        csim *= 0.95
        if csim > sim:
            sim, how = csim, "consonants"
    elif (
        met
        and sim < VOWELS_SIM
        and ca == cb
        and sa.translate(_VOWEL_FOLD) == sb.translate(_VOWEL_FOLD)
    ):
        # Only o/u or e/i differ (Qaeda / Qaida, Osama / Usama, Laden / Ladin): how
        # romanisations of one name differ, more than typos do.
        sim, how = VOWELS_SIM, "vowels"
    elif (
        cmeet
        and sim < CONSONANTS_SIM
        and (min(len(a), len(b)) >= 5 or (len(ca) >= 3 and len(ca) >= min(len(a), len(b)) - 1))
        and len(ca) >= 3
        and fa == fb
        and fold_ch(sa[0]) == fold_ch(sb[0])
    ):
        # The same consonants in the same order, vowels written otherwise (Hussayn / Hosein,
        # Muhammad / Mohamed), ch for sh (Hamcho / Hamsho): romanisations of one Arabic or
        # Persian name. A four-letter word qualifies when all but one of its letters are those
        # consonants (Petr / Pyotr, Jhon / John): one vowel written otherwise.
        sim, how = CONSONANTS_SIM, "consonants"
    if sim == 0.0:
        return 0.0, "none"
    # A patronymic is not a given name (Sergei / Sergeyevna).
    if is_patronymic(a) != is_patronymic(b):
        sim *= 0.7
    # Short tokens: one edit in four letters is not the same name.
    if min(len(a), len(b)) <= 4 and sim < 0.85:
        sim *= 0.8
    return sim, how


def compare(q: NameForm, c: NameForm, *, person: bool | None = None) -> NameComparison:
    """Compare query ``q`` with candidate ``c``; ``person`` enables person-name leniency.

    A name with a named-after clause set aside (:attr:`NameForm.alt`) is also compared with
    the clause kept; the better comparison is the result. (The screener indexes both forms.)
    """
    best = _compare(q, c, person)
    if "/" in q.raw or "/" in c.raw:
        # "AL-QA'IDA/ISLAMIC ARMY", "NEW PEOPLE'S ARMY / COMMUNIST PARTY OF THE PHILIPPINES":
        # two names of one party written as one; each is compared on its own too.
        for qp in _slash_parts(q.raw, person) or (q,):
            for cp in _slash_parts(c.raw, person) or (c,):
                if qp is q and cp is c:
                    continue
                other = _compare(qp, cp, person)
                if other.score > best.score:
                    best = replace(other, notes=(*other.notes, SLASH_NOTE))
    if q.alt is not None or c.alt is not None:
        for qv in (q, q.alt):
            for cv in (c, c.alt):
                if qv is None or cv is None or (qv is q and cv is c):
                    continue
                other = _compare(qv, cv, person)
                if other.score > best.score:
                    best = other
    view = spelling_view(q, c, person)
    if view is not None:
        rule = name_rule(view[0])
        if (score := round(rule.apply(best.score), 4)) > best.score:
            # the view decides: the word-by-word notes explain a score it replaces
            best = replace(best, score=score, notes=(rule.text(detail=view[1]),))
    return best


def spelling_view(q: NameForm, c: NameForm, person: bool | None) -> tuple[str, str] | None:
    """The rule (and its detail) by which ``q`` is the organisation name ``c`` as written,
    letter for letter, but for its spacing (``spelt_apart``) or one typing slip in a word
    that says nothing of which body it is (``typo_generic``: :func:`typo_word`, or a letter
    typed for a space), or, in any name, two neighbouring letters swapped inside a word
    (``typo_swap``, a lower floor: ``Naiz MUHAMMAD``, ``PCM WAGNER``); None otherwise
    (:mod:`roundabout.matching.spelling`). Persons get the swap only (``Yong Gi`` / ``Yong
    Gil``, ``Ivanov`` / ``IVANOVA`` are other people as often as slips), and no slip is read
    between two legal forms (the legal-form rules decide: ``OOO`` /
    ``OAO`` are one letter apart; a form misspelt into "Company" alone is a slip)."""
    if q.empty or c.empty or not -1 <= len(q.spelt) - len(c.spelt) <= 1:
        return None
    edit = spelling.edit(q.spelling, c.spelling)
    if edit is None:
        return None
    if person is not True:
        if edit.kind == "spacing":
            return "spelt_apart", ""
        if _other_forms(q, c):
            return None
        # a generic word misspelt on either side (the lists have slips too: OTVESTVENNOSTYU)
        if len(c.spelt) >= spelling.TYPO_MIN and (
            all(map(typo_word, edit.words)) or all(map(typo_word, edit.query_words))
        ):
            return "typo_generic", _typo_detail(edit)
    if edit.swap:
        return "typo_swap", f"{edit.query} for {edit.listed} in {edit.words[0]}"
    return None


def _typo_detail(edit: spelling.Edit) -> str:
    """What a slip in a generic word changed, where (``na for an in company``)."""
    where = f"in {' '.join(edit.words)}" if edit.words else "between words"
    if edit.query and edit.listed:
        return f"{edit.query} for {edit.listed} {where}"
    if edit.query:
        return f"{edit.query} added {where}"
    return f"{edit.listed} left out {where}"


def _other_forms(q: NameForm, c: NameForm) -> bool:
    """Both names carry legal forms and no form is shared, neither saying only "Company":
    the legal-form rules of :func:`_compare` apply (LLC / LLP one family, AG / GmbH not)."""
    return (
        bool(q.legal_forms)
        and bool(c.legal_forms)
        and not set(q.legal_forms) & set(c.legal_forms)
        and not (_UNSPECIFIED.issuperset(q.legal_forms) or _UNSPECIFIED.issuperset(c.legal_forms))
    )


#: Note of a comparison made on one of the names written either side of a slash.
SLASH_NOTE: Final = "one of the names either side of '/'"


@lru_cache(maxsize=20_000)
def _slash_parts(raw: str, person: bool | None) -> tuple[NameForm, ...]:
    """The names either side of each ``/`` in ``raw``, when every one has two words or more
    (``IMPORT/EXPORT``, ``M/S.``, ``DHKP/C``, ``A/S`` are one name); else ``()``."""
    pieces = [p.strip() for p in raw.split("/")]
    if len(pieces) < 2 or any(len(ascii_tokens(p)) < 2 for p in pieces):
        return ()
    return tuple(analyze(p, person) for p in pieces)


def _compare(q: NameForm, c: NameForm, person: bool | None) -> NameComparison:
    if q.empty or c.empty:
        return NameComparison(0.0, notes=("empty name",))
    abjad = q.abjad or c.abjad
    qt, ct = list(q.tokens), list(c.tokens)
    qs, cs = list(q.skeletons), list(c.skeletons)
    if abjad:
        # Vowel-less romanisations also split and merge words freely (عبد الله / Abdullah).
        qs = [consonants(t) for t in qt] if q.abjad else qs
        cs = [consonants(t) for t in ct] if c.abjad else cs
    cands: list[tuple[float, int, int, str]] = []
    syllabic = person is not False and not abjad and east_asian_pair(q.tokens, c.tokens)
    for i, (a, sa) in enumerate(zip(qt, qs, strict=True)):
        for j, (b, sb) in enumerate(zip(ct, cs, strict=True)):
            sim, how = token_similarity(a, sa, b, sb, abjad)
            if sim < STEM_SIM and person is False and not abjad and same_stem(a, b):
                sim, how = STEM_SIM, "stem"
            if sim < ADJECTIVE_SIM and person is False and not abjad and place_adjective(a, b):
                sim, how = ADJECTIVE_SIM, "adjective"
            if sim < SYLLABLE_SIM and syllabic and same_syllable(a, b):
                sim, how = SYLLABLE_SIM, "romanisation"
            if sim >= _ACCEPT:
                cands.append((sim, i, j, how))
    cands.sort(key=lambda x: (-x[0], x[1], x[2]))
    used_q: set[int] = set()
    used_c: set[int] = set()
    pre: list[tuple[tuple[int, ...], tuple[int, ...], float]] = []
    # A particle written apart on one side and joined on the other ("El Shafee" /
    # "ELSHAFEE", "Abu Bakr" / "Abubakr", "AL HARAM" / "ALHARAM") is one name: joined
    # before tokens align, so the particle does not align alone with the other side's
    # particle. Organisations too: Arabic article joined or not ("ALHARAM EXCHANGE").
    if not _PARTICLES.isdisjoint(qt[:-1]):
        pre = _merges(qt, q.abjad, ct, cs, used_q, used_c, particles=True)
    if not _PARTICLES.isdisjoint(ct[:-1]):
        pre += [
            (b, a, s) for a, b, s in _merges(ct, c.abjad, qt, qs, used_c, used_q, particles=True)
        ]
    if syllabic:
        pre += _syllable_merges(qt, ct, used_q, used_c)
        pre += [(b, a, s) for a, b, s in _syllable_merges(ct, qt, used_c, used_q)]
    pairs: list[tuple[int, int, float, str]] = []
    for sim, i, j, how in cands:
        if i in used_q or j in used_c:
            continue
        used_q.add(i)
        used_c.add(j)
        pairs.append((i, j, sim, how))
    # Numbers left over on both sides pair up at low similarity: a sister entity (fund series
    # "VII" / "VIII", vessels "Snow Storm 1" / "2"), not an unexplained word.
    nums_q = [i for i in range(len(qt)) if i not in used_q and qt[i].isdigit()]
    nums_c = [j for j in range(len(ct)) if j not in used_c and ct[j].isdigit()]
    for i, j in zip(nums_q, nums_c, strict=False):
        used_q.add(i)
        used_c.add(j)
        pairs.append((i, j, NUMBER_SIM, "number"))
    merged = pre
    # Merges need two free tokens on one side and one on the other.
    free_nq, free_nc = len(qt) - len(used_q), len(ct) - len(used_c)
    if free_nq >= 2 and free_nc >= 1:
        merged = merged + _merges(qt, q.abjad, ct, cs, used_q, used_c)
    if len(ct) - len(used_c) >= 2 and len(qt) - len(used_q) >= 1:
        merged = merged + [(b, a, s) for a, b, s in _merges(ct, c.abjad, qt, qs, used_c, used_q)]
    # The Maghrebi article merged as a bare L ("Lazher" / "al-Azhar", "Larbi" / "el Arabi"),
    # among the words left free.
    if not abjad and not _ARTICLES.isdisjoint(qt[:-1]):
        merged = merged + _article_merges(qt, ct, cs, used_q, used_c)
    if not abjad and not _ARTICLES.isdisjoint(ct[:-1]):
        merged = merged + [(b, a, s) for a, b, s in _article_merges(ct, qt, qs, used_c, used_q)]
    # A short token written in capitals that spells the first letters of words left over on
    # the other side ("U.S." / "United States", "JC" / "Jean-Claude", "PLA" / "People's
    # Liberation Army").
    inits = _initialisms(q, qt, ct, used_q, used_c)
    inits += [(b, a, s) for a, b, s in _initialisms(c, ct, qt, used_c, used_q)]
    if inits:
        inits = _supported(inits, pairs, merged, qt, ct, used_q, used_c)
    merged = merged + inits
    wq = [token_weight(t, k) for t, k in zip(qt, q.skeletons, strict=True)]
    wc = [token_weight(t, k) for t, k in zip(ct, c.skeletons, strict=True)]
    num = 0.0
    out_pairs: list[Pair] = []
    for i, j, sim, how in pairs:
        num += (sim if how == "number" else _credit(sim)) * (wq[i] + wc[j])
        out_pairs.append(Pair(qt[i], ct[j], sim, how))
    for qi, cj, sim in merged:
        num += sim * (sum(wq[i] for i in qi) + sum(wc[j] for j in cj))
        out_pairs.append(
            Pair(" ".join(qt[i] for i in qi), " ".join(ct[j] for j in cj), sim, "merged")
        )
    free_q = [i for i in range(len(qt)) if i not in used_q]
    free_c = [j for j in range(len(ct)) if j not in used_c]
    notes: list[str] = []
    for qi, cj, _ in inits:
        rule = name_rule("initialism")
        short, long_ = (qi, cj) if len(qi) == 1 else (cj, qi)
        tok_s, tok_l = (qt, ct) if len(qi) == 1 else (ct, qt)
        notes.append(rule.text(detail=f"{tok_s[short[0]]} / {' '.join(tok_l[k] for k in long_)}"))
    numbers = [(qt[i], ct[j]) for i, j, _, how in pairs if how == "number"]
    if numbers:
        notes.append("numbers differ (" + ", ".join(f"{a} / {b}" for a, b in numbers) + ")")
    den = sum(wq) + sum(wc)
    # Person names: the longer name's extra given / middle names and patronymics cost less, as
    # long as the shorter name is fully matched (lists carry "Sergey Viktorovich LAVROV").
    strong = sum(1 for p in pairs if p[3] not in ("initial", "number"))
    if person is not False and strong >= 2:
        if not free_q and free_c:
            den -= sum(wc[j] * (0.75 if is_patronymic(ct[j]) else 0.5) for j in free_c)
            notes.append("extra names on the list side discounted")
        elif not free_c and free_q:
            den -= sum(wq[i] * (0.75 if is_patronymic(qt[i]) else 0.5) for i in free_q)
            notes.append("extra names on the query side discounted")
    # Organisations: place names left over on one side only, the other side fully aligned
    # ("FABERLIC" / "FABERLIC EUROPE"): a branch's qualifier, weighed lightly.
    place = _place_qualifier(q, c, qt, ct, free_q, free_c) if person is False and strong else ""
    if place and not _same_words(pairs, merged, qt, ct):
        place = ""
    if place:
        den -= sum(wq[i] for i in free_q) + sum(wc[j] for j in free_c)
        den += PLACE_WEIGHT * (sum(wq[i] for i in free_q) + sum(wc[j] for j in free_c))
    score = num / den if den > 0 else 0.0
    # A Russian surname in its other gender's form (SMIRNOV / SMIRNOVA): another person.
    # Only between alphabets that write their vowels: a romanised Indic name ends in the
    # script's inherent a (पुतिन -> putina).
    if person and _vowelled(q.raw, c.raw):
        gendered = gender_forms(qt, ct, pairs)
        if gendered:
            rule = name_rule("surname_gender")
            score = rule.apply(score)
            notes.append(rule.text(detail=gendered))
    # Both sides carry a patronymic and they differ: a different person.
    if person and _patronymics_clash(qt, ct, free_q, free_c):
        rule = name_rule("patronymics_differ")
        score = rule.apply(score)
        notes.append(rule.text())
    if person is not False:
        # A middle initial against another middle initial or name: a different middle name.
        clash = (
            _initials_clash(qt, ct, free_q, free_c)
            if (free_q and free_c and (_has_initial(qt, free_q) or _has_initial(ct, free_c)))
            else ""
        )
        if not clash and (two_initials(q.tokens) or two_initials(c.tokens)):
            clash = initials_out_of_order(q.raw, c.raw, qt, ct, pairs)
        if clash:
            rule = name_rule("initials_differ")
            score = rule.apply(score)
            notes.append(rule.text(detail=clash))
        # "Omar bin Abdullah" is Omar, son of Abdullah: not "Abdullah bin Omar".
        if _lineage_swapped(qt, ct, pairs):
            rule = name_rule("lineage_swapped")
            score = rule.apply(score)
            notes.append(rule.text())
        # "ALI SADDAM HUSSEIN" is Ali, son of Saddam Hussein: another given name before all of
        # the other name may be another person (a relative) - or a first name the list left
        # out (Jose Antonio / Antonio), so only capped, to rank the exact name above it (even
        # with a country bonus).
        lead = _leading_given_name(qt, ct, pairs, merged, free_q, free_c)
        if lead:
            rule = name_rule("relative")
            score = rule.apply(score)
            notes.append(rule.text(detail=lead))
    n_aligned = len(pairs) + len(merged)
    inside = (
        _short_name_inside(qt, ct, pairs, free_q, free_c)
        if person is False and n_aligned == 1 and not merged
        else ""
    )
    if place:
        rule = name_rule("branch_qualifier")
        score = rule.apply(score)
        notes.append(rule.text(detail=place))
    elif inside:
        rule = name_rule("short_name_inside")
        notes.append(rule.text(detail=inside))
    elif (
        (n_aligned == 1 and (free_q or free_c))
        or (n_aligned and not strong and not merged)
        or (person is not False and not strong and inits)
    ):
        # One shared word (a surname, a brand) among several is weak evidence; so are
        # initials alone (a person's "N.N." is anyone's).
        score = name_rule("one_shared_word").apply(score)
    if (
        len(pairs) == 1
        and not merged
        and not free_q
        and not free_c
        and pairs[0][3] in ("fuzzy", "consonants")
    ):
        # A one-word name and a short one: a single typo makes another name (Tako / Tajco /
        # Teaco), so a fuzzy match alone is weak evidence; so are the same consonants with
        # other vowels, when both names write their vowels (Kargo / Courage, Prom / Prima,
        # Sevan / Sevin).
        vowelled = _vowelled(q.raw, c.raw)
        if (pairs[0][3] == "fuzzy" or vowelled) and _short_fuzzy(
            qt[pairs[0][0]], ct[pairs[0][1]], vowelled
        ):
            rule = name_rule("short_fuzzy")
            score = rule.apply(score)
            notes.append(rule.text())
    n_aligned_all = len(pairs) + len(merged)
    # A substantive word on each side left unexplained: a different name, not a variant.
    # Descriptive words left over ("SEPANIR" / "SEPANIR OIL AND GAS ENGINEERING COMPANY") are
    # not other names when a distinctive word aligns; in names of persons, or of two bodies
    # that share only descriptive words ("CHEMICAL GROUP" / "CHEMICAL INDUSTRIES GROUP"),
    # they are.
    core = person is False and (
        bool(merged)
        or any(
            how != "number" and (_distinctive(qt[i]) or _distinctive(ct[j]))
            for i, j, _, how in pairs
        )
    )
    sub_q = [qt[i] for i in free_q if substantive(qt[i])]
    sub_c = [ct[j] for j in free_c if substantive(ct[j])]
    desc_q = [qt[i] for i in free_q if descriptive_left(qt[i])]
    desc_c = [ct[j] for j in free_c if descriptive_left(ct[j])]
    if not core or ((sub_q or desc_q) and (sub_c or desc_c)):
        # Only words left over on one side are a longer name's description: on both sides
        # ("SAUDI ARABIAN GAS COMPANY" / "SAUDI ARABIAN OIL COMPANY") they are two bodies.
        sub_q += desc_q
        sub_c += desc_c
    elif desc_q or desc_c:
        rule = name_rule("descriptive_extra")
        notes.append(rule.text(detail=" ".join(desc_q or desc_c)))

    if sub_q and sub_c:
        best = max(Indel.normalized_similarity(a, b) for a in sub_q for b in sub_c)
        rule = name_rule("different_words")
        score = rule.apply(score, best)
        notes.append(rule.text(detail=f"{' '.join(sub_q)} / {' '.join(sub_c)}"))
    elif (
        person is False
        and not place
        and n_aligned_all >= 2
        and (extra := _extra_words(q, c, qt, ct, free_q, free_c, sub_q, sub_c))
    ):
        # An organisation with a word more ("Banco Santander México", "Deutsche Bank Trust"):
        # a subsidiary or a sister company, not the same one.
        rule = name_rule("extra_org_words")
        score = rule.apply(score)
        notes.append(rule.text(detail=" ".join(extra)))
    # Whole-name view: words run together or split ("SergeiLavrov", "Good Will").
    jq, jc = "".join(qs), "".join(cs)
    joined = Indel.normalized_similarity(jq, jc) if meet_joined(jq, jc) else 0.0
    if joined >= (0.9 if len(qt) != len(ct) else 0.95) and joined * 0.97 > score:
        score = joined * 0.97
        notes.append(f"whole name {joined:.2f} similar")
    # Applied after the whole-name view, which compares the names without their legal forms.
    # The same name with another legal form is another company (AG / GmbH of one group), unless
    # the forms are of one family (LLC / LLP, JSC / PJSC / Inc.) or one says only "Company".
    if _other_forms(q, c):
        related = {_FORM_FAMILY.get(f, f) for f in q.legal_forms} & {
            _FORM_FAMILY.get(f, f) for f in c.legal_forms
        }
        rule = name_rule("legal_form_family" if related else "legal_form_other")
        score = rule.apply(score)
        notes.append(rule.text(detail=f"{'/'.join(q.legal_forms)} vs {'/'.join(c.legal_forms)}"))
    if q.designations and c.designations:
        score, note = _designations(q.designations, c.designations, score)
        if note:
            notes.append(note)
    if len(ct) == 1 and len(qt) >= 2 and any(len(cj) == 1 and len(qi) >= 2 for qi, cj, _ in inits):
        # The list name is an acronym and nothing but ("SPP", "HARA COMPANY", "LLC SKT"), the
        # query spells it out: the initials of a few words fit many names ("Silk Prime
        # Pacific", "Hussein Al-Rashid Abdullah"), and an entry listed by an acronym for
        # a body it names in full carries that name too, which then matches as itself.
        # Not a match on the acronym alone; the other way round (the party writes "DIO",
        # the list "DEFENSE INDUSTRIES ORGANIZATION") the acronym rule below decides.
        rule = name_rule("list_acronym_only")
        score = rule.apply(score)
        notes.append(rule.text(detail=ct[0].upper()))
    elif (
        score < 0.9
        and person is not True
        and ((_acronym(qt, ct) and _caps(q)) or (_acronym(ct, qt) and _caps(c)))
    ):
        rule = name_rule("acronym")
        score = rule.apply(score)
        notes.append(rule.text())
    syllables = _syllables_similarity(q, c)
    if syllables is not None:
        # 김정은 / 김종은: both romanise "kim jong un" (the romanisation folds 정 / 종 the way
        # lists spell), but in their own script they are two syllables apart.
        rule = name_rule("syllables_differ")
        score = rule.apply(score, syllables)
        notes.append(rule.text())
    return NameComparison(
        round(min(max(score, 0.0), 1.0), 4),
        tuple(out_pairs),
        tuple(qt[i] for i in free_q),
        tuple(ct[j] for j in free_c),
        tuple(notes),
    )


#: Scripts whose every letter is a syllable written one way (no variant forms, as Han has
#: traditional / simplified): in them, another letter is another sound.
_SYLLABARIES: Final = frozenset({"HANGUL", "HIRAGANA", "KATAKANA"})


@lru_cache(maxsize=100_000)
def _syllabary_only(raw: str) -> bool:
    scripts = scripts_of(raw)
    return bool(scripts) and scripts <= _SYLLABARIES


def _syllables_similarity(q: NameForm, c: NameForm) -> float | None:
    """Both names written in a syllabary only (Hangul, kana) and different there: the
    similarity of their syllables (Indel, spaces left out), which bounds the score; None
    otherwise. Romanisation folds syllables together (정 / 종 -> jong), so the names are
    compared as written too."""
    if not (_syllabary_only(q.raw) and _syllabary_only(c.raw)):
        return None
    a, b = "".join(q.native), "".join(c.native)
    if a == b:
        return None
    return Indel.normalized_similarity(a, b)


#: Weight factor of place names left over on one side of two organisation names.
PLACE_WEIGHT: Final = 0.25


def _place_qualifier(
    q: NameForm, c: NameForm, qt: list[str], ct: list[str], free_q: list[int], free_c: list[int]
) -> str:
    """The words left over, when they are all on one side and each a region name
    (:func:`roundabout.matching.vocabulary.places`) or written in parentheses ("DEUTSCHE BANK
    (SCHWEIZ) AG": a qualifier the other name leaves out), else ``""``."""
    if bool(free_q) == bool(free_c):
        return ""
    words, raw = ([qt[i] for i in free_q], q.raw) if free_q else ([ct[j] for j in free_c], c.raw)
    bracketed = _bracketed(raw)
    ok = all(w in vocabulary.places() or w in bracketed for w in words)
    return " ".join(words) if ok else ""


@lru_cache(maxsize=20_000)
def _bracketed(raw: str) -> frozenset[str]:
    """The ASCII tokens written in parentheses in ``raw``."""
    return frozenset(t for part in re.findall(r"\(([^()]*)\)", raw) for t in ascii_tokens(part))


#: Credit of an initialism against the words it spells (as of an initial against a name).
INITIALISM_SIM: Final = 0.85
#: Initialisms this long are read as such (two letters: "US", "JC"; five: "DHKPC").
_INITIALISM_LEN: Final = (2, 5)


def _short_name_inside(
    qt: list[str],
    ct: list[str],
    pairs: list[tuple[int, int, float, str]],
    free_q: list[int],
    free_c: list[int],
) -> str:
    """The words left over when an organisation's one aligned word is the same word on both
    sides (:data:`SAME_SIM`), distinctive (:func:`_distinctive`), and every word left over
    on either side is a word the vocabularies know as generic (:func:`generic_word`: business
    words, descriptive words, the nouns of :data:`INSTITUTIONAL`, legal-form words;
    ``STROYTRANSGAZ`` / ``STROYTRANSGAZ GROUP``,
    ``SANOVERA`` / ``SANOVERA PHARM COMPANY SARL``, ``BANK RUBLEV`` / ``JOINT STOCK COMMERCIAL
    BANK RUBLEV``): a short name inside its long form, not one word shared among several.
    ``""`` otherwise (the one-shared-word cap applies). The candidate index mirrors it: it
    lifts its one-word cap only where no word of either name that is not generic is certainly
    left over (:mod:`roundabout.matching.index`)."""
    ((i, j, sim, how),) = pairs
    if how == "number" or not _same_word(qt[i], ct[j], sim):
        return ""
    if not (_distinctive(qt[i]) or _distinctive(ct[j])):
        return ""
    left = [qt[k] for k in free_q] + [ct[k] for k in free_c]
    if not left or not all(generic_word(t) for t in left):
        return ""
    return " ".join(left)


@lru_cache(maxsize=100_000)
def generic_word(token: str) -> bool:
    """A word the vocabularies know says nothing of which body it is: a generic business word
    or particle (:data:`LIGHT`), a descriptive word (:func:`vocabulary.descriptive`), a noun of
    :data:`INSTITUTIONAL`, a word legal forms are made of or a one-word legal form. Unknown
    short words are not: ``AG TERMINAL``, ``IQ COMPONENTS``, ``M INVEST`` may be initials of
    another name. (Never a distinctive word, :func:`_distinctive`.)"""
    return (
        token in LIGHT
        or token in INSTITUTIONAL
        or token in vocabulary.descriptive()
        or skeleton(token) in legal_forms.vocabulary()
        or (token,) in legal_forms.table().forms  # a one-word form left in (CO, SA)
    )


@lru_cache(maxsize=100_000)
def typo_word(token: str) -> bool:
    """A word a typing slip may fall in without making another name (:func:`spelling_view`):
    a generic word (:func:`generic_word`) or a word of the organisation vocabulary's or the
    legal forms' phrases (``scientific``, ``design``, the ``s`` of ``obshchestvo s
    ogranichennoi otvetstvennostyu``); never a region's name (a qualifier: ``ASIA`` /
    ``ASIE``)."""
    return token not in vocabulary.places() and (
        generic_word(token) or token in vocabulary.words() or token in legal_forms.table().words
    )


#: Similarity of two spellings of the same word (equal skeletons: ``Alpha`` / ``Alfa``).
SAME_SIM: Final = 0.97


def _same_word(a: str, b: str, sim: float) -> bool:
    """``a`` and ``b``, aligned at ``sim``, are one word: the same spelling or skeleton
    (:data:`SAME_SIM`), or a near spelling at full credit (:data:`CREDIT_FULL`) of two words
    longer than :data:`SHORT_ONLY_WORD` (``Mamunah`` / ``Maimunah``): in short words one
    letter makes another word (``Sevan`` / ``Sevin``, ``Star`` / ``Start``)."""
    return sim >= SAME_SIM or (sim >= CREDIT_FULL and min(len(a), len(b)) > SHORT_ONLY_WORD)


def _same_words(
    pairs: list[tuple[int, int, float, str]],
    merged: list[tuple[tuple[int, ...], tuple[int, ...], float]],
    qt: list[str],
    ct: list[str],
) -> bool:
    """Every aligned word is the same word on both sides (:func:`_same_word`; numbers apart)
    and one of them is distinctive (:func:`_distinctive`):
    what the qualifier rule needs before it lifts the one-word cap. A branch carries its
    parent's name as written (``FABERLIC EUROPE``, ``DEUTSCHE BANK (SCHWEIZ)``); a near
    miss beside a region (``SISTEMA ASIA`` / ``Systems``, ``TRADEX`` / ``Trade Asia``) or a
    generic word (``SERVICE``) is another company."""
    words = [(i, j, sim) for i, j, sim, how in pairs if how != "number"]
    if not words or not all(_same_word(qt[i], ct[j], sim) for i, j, sim in words):
        return False
    if any(sim < SAME_SIM for _, _, sim in merged):
        return False
    return any(_distinctive(qt[i]) or _distinctive(ct[j]) for i, j, _ in words)


def _supported(
    inits: list[tuple[tuple[int, ...], tuple[int, ...], float]],
    pairs: list[tuple[int, int, float, str]],
    merged: list[tuple[tuple[int, ...], tuple[int, ...], float]],
    qt: list[str],
    ct: list[str],
    used_q: set[int],
    used_c: set[int],
) -> list[tuple[tuple[int, ...], tuple[int, ...], float]]:
    """The initialisms that stand: one of two letters only beside a word aligned at full
    credit (:data:`CREDIT_FULL`; ``EN BANK`` / ``EGHTESAD NOVIN BANK``, ``JC Juncker``). Two
    capital letters are the initials of one name in 700 (``DM`` of every "David Miller", ``IS``
    of "Ibrahim Saleh" beside a near miss Hassan / Khorasan), and lists write every name in
    capitals: in the labelled sets every two-letter initialism of a match has such a word
    beside it. The others' tokens are freed (``used_q``, ``used_c``)."""
    sure = any(how != "number" and sim >= CREDIT_FULL for _, _, sim, how in pairs) or any(
        sim >= CREDIT_FULL for _, _, sim in merged
    )
    out = []
    for qi, cj, sim in inits:
        short = qt[qi[0]] if len(qi) == 1 else ct[cj[0]]
        if len(short) > 2 or sure:
            out.append((qi, cj, sim))
        else:
            used_q.difference_update(qi)
            used_c.difference_update(cj)
    return out


def _initialisms(
    form: NameForm, a: list[str], b: list[str], used_a: set[int], used_b: set[int]
) -> list[tuple[tuple[int, ...], tuple[int, ...], float]]:
    """Free tokens of ``a`` written in capitals in ``form.raw`` (``U.S.``, ``JC``, ``PLA``)
    that are the first letters of as many consecutive free tokens of ``b`` (particles such as
    "of", "the" may be skipped between them): (token, the tokens it spells, similarity). Marks
    the tokens used. Particles and legal-form words are not initialisms."""
    out: list[tuple[tuple[int, ...], tuple[int, ...], float]] = []
    lo, hi = _INITIALISM_LEN
    for i, tok in enumerate(a):
        if (
            i in used_a
            or not lo <= len(tok) <= hi
            or not tok.isalpha()
            or tok in LIGHT
            or tok in _PARTICLES
            or not _written_in_capitals(form.raw, tok)
        ):
            continue
        run = _spelt_run(tok, b, used_b)
        # People (a patronymic among the words spelt) have no initialisms: "AMG" does not
        # spell Aleksandr Mikhaylovich Grigorev (as in :func:`_acronym`).
        if run and not any(is_patronymic(b[k]) for k in run):
            used_a.add(i)
            used_b.update(run)
            out.append(((i,), run, INITIALISM_SIM))
    return out


def _spelt_run(tok: str, b: list[str], used_b: set[int]) -> tuple[int, ...]:
    """The positions of consecutive free tokens of ``b`` whose first letters spell ``tok``
    (light words between them skipped, and part of the run), or ``()``."""
    for start in range(len(b)):
        run: list[int] = []
        k = start
        while k < len(b) and len(run) < len(tok) and k not in used_b:
            if b[k][0] == tok[len(run)] and len(b[k]) > 1:
                run.append(k)
            elif not run or LIGHT.get(b[k], 1.0) > 0.25:
                break
            k += 1
        if len(run) == len(tok):
            return tuple(range(run[0], run[-1] + 1))
    return ()


@lru_cache(maxsize=100_000)
def _written_in_capitals(raw: str, tok: str) -> bool:
    """``tok`` appears in ``raw`` in capitals, dotted or not (``U.S.``, ``PLA``)."""
    letters = r"\.?\s?".join(re.escape(ch) for ch in tok.upper())
    return re.search(rf"(?<![^\W\d_]){letters}\.?(?![^\W\d_])", raw) is not None


def _designations(dq: tuple[str, ...], dc: tuple[str, ...], score: float) -> tuple[float, str]:
    """Designations on both sides that share nothing: a sister body, or another one. One side
    without designations is the short form of the other's name (no change)."""
    nq = {d for d in dq if ":" in d}
    nc = {d for d in dc if ":" in d}
    if nq and nc and not nq & nc:
        rule = name_rule("named_after_other")
        return rule.apply(score), rule.text()
    kq = {d for d in dq if ":" not in d}
    kc = {d for d in dc if ":" not in d}
    if kq and kc and not kq & kc:
        rule = name_rule("designations_differ")
        detail = f"{'/'.join(sorted(kq))} vs {'/'.join(sorted(kc))}"
        return rule.apply(score), rule.text(detail=detail)
    return score, ""


def _short_fuzzy(a: str, b: str, vowelled: bool = False) -> bool:
    """Short words that are not the same spelling. Where one name's script may leave its
    vowels out (สมชาย -> smchay / Somchai, Arabic), the same three or more consonants are
    the same word; where both names are written in alphabets that write their vowels
    (``vowelled``: :data:`VOWELLED`), other vowels make another word, a glide apart
    (:data:`_GLIDE`)."""
    if min(len(a), len(b)) > SHORT_ONLY_WORD:
        return False
    if vowelled:
        # a glide before a vowel is a romanisation's, not another word (ЕРМАК: Ermak /
        # Yermak); nor is a vowel written or left out (Stripe / Strip, Invidia / NVIDIA)
        a, b = _GLIDE.sub("", a), _GLIDE.sub("", b)
        return a != b and not _vowels_added(a, b)
    ca, cb = consonants(a), consonants(b)
    return not (ca == cb and len(ca) >= 3)


def _vowels_added(a: str, b: str) -> bool:
    """The longer of ``a`` and ``b`` is the shorter with vowels added (none changed)."""
    long_, short = (a, b) if len(a) >= len(b) else (b, a)
    j = 0
    for ch in long_:
        if j < len(short) and ch == short[j]:
            j += 1
        elif ch not in "aeiouy":
            return False
    return j == len(short)


#: A y or j before a vowel: the glide romanisations write or leave out (Ye / E, Yu / U).
_GLIDE: Final = re.compile(r"[yj](?=[aeiou])")

#: Alphabets that write their vowels: between names written in these, a consonant skeleton
#: alone is no evidence of one short word.
VOWELLED: Final = frozenset({"LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "GEORGIAN"})


@lru_cache(maxsize=1 << 16)
def _vowelled(a: str, b: str) -> bool:
    """Both names are written in alphabets that write their vowels (:data:`VOWELLED`)."""
    sa, sb = scripts_of(a), scripts_of(b)
    return bool(sa) and bool(sb) and sa <= VOWELLED and sb <= VOWELLED


def _credit(sim: float) -> float:
    """Near-misses count for less than their raw similarity (Castillo/Castro is not a typo)."""
    return sim if sim >= CREDIT_FULL else max(0.0, sim - CREDIT_SLOPE * (CREDIT_FULL - sim))


#: The Arabic article, which Maghrebi and French romanisations merge into the name as a bare
#: ``l`` (Lazhar = al-Azhar, Lakhdar = al-Akhdar, Larbi = al-Arabi).
_ARTICLES: Final = frozenset({"al", "el"})


def article_join(name: str) -> str:
    """``name`` with the article merged as Maghrebi spellings write it: ``l`` + ``name``."""
    return "l" + name


def article_similarity(joined: str, token: str) -> float:
    """Similarity of a name with the article merged (:func:`article_join`) and a token: the
    best of their Indel similarity and :func:`token_similarity` (the vowels of such names
    vary: Lazhar / Lazher)."""
    sim = Indel.normalized_similarity(joined, token)
    return max(sim, token_similarity(joined, skeleton(joined), token, skeleton(token), False)[0])


def _article_merges(
    a: list[str], b: list[str], kb: list[str], used_a: set[int], used_b: set[int]
) -> list[tuple[tuple[int, ...], tuple[int, ...], float]]:
    """An article of ``a`` and the next free token, written as one free token of ``b`` with
    the article as a bare ``l`` (``al Azhar`` / ``Lazher``; a word of ``b`` starting with
    ``l``, four letters at least, left free by the other alignments): the joined key
    (``skeleton("l" + name)``) must meet the token's key ``kb[j]``, as the candidate index keys
    it (``index._alignment_keys``, ``NameIndex.alignment_hits``). Marks the tokens used."""
    out: list[tuple[tuple[int, ...], tuple[int, ...], float]] = []
    for i in range(len(a) - 1):
        if i in used_a or i + 1 in used_a or a[i] not in _ARTICLES:
            continue
        joined = article_join(a[i + 1])
        jkey = skeleton(joined)
        for j, tok in enumerate(b):
            if j in used_b or len(tok) < 4 or tok[0] != "l" or not meet_merged(jkey, kb[j]):
                continue
            sim = article_similarity(joined, tok)
            if sim >= 0.85:
                used_a.update((i, i + 1))
                used_b.add(j)
                out.append(((i, i + 1), (j,), sim))
                break
    return out


def _merges(
    a: list[str],
    a_abjad: bool,
    b: list[str],
    kb: list[str],
    used_a: set[int],
    used_b: set[int],
    particles: bool = False,
) -> list[tuple[tuple[int, ...], tuple[int, ...], float]]:
    """Two adjacent free tokens of ``a`` written as one free token of ``b`` (the joined key
    must meet the token's key ``kb``); with ``particles``, only a particle and the next
    token."""
    out: list[tuple[tuple[int, ...], tuple[int, ...], float]] = []
    for i in range(len(a) - 1):
        if i in used_a or i + 1 in used_a or (particles and a[i] not in _PARTICLES):
            continue
        joined = a[i] + a[i + 1]
        jkey = join_key(a[i], a[i + 1], a_abjad)
        for j, tok in enumerate(b):
            if j in used_b or len(tok) < 4:
                continue
            if meet_merged(jkey, kb[j]):
                sim = Indel.normalized_similarity(joined, tok)
            elif a_abjad and len(cb := consonants(tok)) >= 3 and meet_joined(jkey, cb):
                # Abjad script joined against a romanised word, on consonants (عبد الله /
                # Abdullah: bdlh); the index looks such pairs up by consonant keys.
                sim = 0.95 * (1.0 if jkey == cb else Indel.normalized_similarity(jkey, cb))
            else:
                continue
            if sim >= 0.85:
                used_a.update((i, i + 1))
                used_b.add(j)
                out.append(((i, i + 1), (j,), sim))
                break
    return out


def _extra_words(
    q: NameForm,
    c: NameForm,
    qt: list[str],
    ct: list[str],
    free_q: list[int],
    free_c: list[int],
    sub_q: list[str],
    sub_c: list[str],
) -> list[str]:
    """The substantive words one side has and the other lacks, without those that look like
    a word left on the other side (misspelt: ``Bakn`` / ``Bank``) or like a legal form the
    other side wrote (``LIMTED`` / ``Limited``). Empty when both sides have substantive words
    left (a different word, handled apart)."""
    if sub_q and sub_c:
        return []
    if sub_q:
        words, other, other_free = sub_q, c, [ct[j] for j in free_c]
    else:
        words, other, other_free = sub_c, q, [qt[i] for i in free_q]
    near = [w for s in other.legal_surface for w in s.split(" ") if len(w) >= 4]
    return [
        w
        for w in words
        if not any(Indel.normalized_similarity(w, f) >= 0.8 for f in near)
        and not any(Indel.normalized_similarity(w, f) >= 0.6 for f in other_free)
    ]


def _leading_given_name(
    qt: list[str],
    ct: list[str],
    pairs: list[tuple[int, int, float, str]],
    merged: list[tuple[tuple[int, ...], tuple[int, ...], float]],
    free_q: list[int],
    free_c: list[int],
) -> str:
    """The extra names of one side (the other side fully aligned) come before all its aligned
    names, and the other side's first name is aligned further on: ``Ali Saddam Hussein`` /
    ``Saddam Hussein``. Initials, particles and patronymics do not count."""
    if bool(free_q) == bool(free_c):
        return ""
    links = [(i, j) for i, j, _, how in pairs if how != "number"]
    links += [(qi[0], cj[0]) for qi, cj, _ in merged]
    if not links:
        return ""
    tokens, free, mine, other = (
        (qt, free_q, [i for i, _ in links], [j for _, j in links])
        if free_q
        else (ct, free_c, [j for _, j in links], [i for i, _ in links])
    )
    first = min(mine)
    lead = [tokens[k] for k in free if k < first]
    if not lead or 0 not in other:
        return ""
    if any(len(t) == 1 or t in LIGHT or is_patronymic(t) for t in lead):
        return ""
    return " ".join(lead)


def _patronymics_clash(qt: list[str], ct: list[str], free_q: list[int], free_c: list[int]) -> bool:
    pq = [qt[i] for i in free_q if is_patronymic(qt[i])]
    pc = [ct[j] for j in free_c if is_patronymic(ct[j])]
    return bool(pq and pc)


def _has_initial(tokens: list[str], free: list[int]) -> bool:
    return any(len(tokens[i]) == 1 for i in free)


def _initials_clash(qt: list[str], ct: list[str], free_q: list[int], free_c: list[int]) -> str:
    """An unaligned initial on one side and an unaligned given name or initial on the other,
    with no left-over word of that letter: ``Hans O Friedrich`` / ``Hans Joachim Friedrich``."""
    for a, fa, b, fb in ((qt, free_q, ct, free_c), (ct, free_c, qt, free_q)):
        inits = [a[i] for i in fa if len(a[i]) == 1 and a[i].isalpha()]
        others = [b[j] for j in fb if b[j].isalpha() and not is_patronymic(b[j])]
        if inits and others and not {t[0] for t in inits} & {t[0] for t in others}:
            return f"{' '.join(inits)} / {' '.join(others)}"
    return ""


#: Particles written apart or joined to the next name (El Sheikh / Elsheikh).
_PARTICLES: Final = frozenset(
    {"al", "el", "ul", "ad", "ud", "as", "ash", "at", "az", "ar", "an", "abu", "abd", "bin",
     "ibn", "ben", "bou", "bu", "ould"}
)  # fmt: skip

#: "son of" / "daughter of" particles: the name before is the person's, the name after the
#: father's.
_LINEAGE: Final = frozenset({"bin", "ibn", "ben", "bint", "binti", "ould"})


def _lineage_swapped(
    qt: list[str], ct: list[str], pairs: list[tuple[int, int, float, str]]
) -> bool:
    """A bin/ibn on both sides, and a name just before it on one side aligned with a name
    just after it (and not before one) on the other (``Omar bin Abdullah`` / ``Abdullah bin
    Omar``)."""
    if not any(t in _LINEAGE for t in qt[1:-1]) or not any(t in _LINEAGE for t in ct[1:-1]):
        return False
    for i, j, _, _ in pairs:
        if qt[i] in LIGHT or qt[i] in _LINEAGE:
            continue
        rq, rc = _lineage_roles(qt, i), _lineage_roles(ct, j)
        if rq and rc and not rq & rc:
            return True
    return False


def _lineage_roles(tokens: list[str], i: int) -> set[str]:
    """Whether token ``i`` is the son's name (before a bin) and / or the father's (after)."""
    roles = set()
    if i + 1 < len(tokens) and tokens[i + 1] in _LINEAGE:
        roles.add("son")
    if i > 0 and tokens[i - 1] in _LINEAGE:
        roles.add("father")
    return roles


def _caps(form: NameForm) -> bool:
    """The name is written without lower-case letters (acronyms are: ``PLA``, not ``Asia``)."""
    return not any(ch.islower() for ch in form.raw)


def _acronym(short: list[str], long: list[str]) -> bool:
    """``PLA`` for ``People Liberation Army`` (particles may be skipped). Two letters are too
    little to tell (``AA`` is the initials of any "Asqar Akhmetov"); people (a patronymic on the
    long side) have no acronyms."""
    if len(short) != 1 or len(long) < 2 or not 3 <= len(short[0]) <= 6:
        return False
    if any(is_patronymic(t) for t in long):
        return False
    full = "".join(t[0] for t in long)
    core = "".join(t[0] for t in long if LIGHT.get(t, 1.0) == 1.0)
    return short[0] in (full, core)
