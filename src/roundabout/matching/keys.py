"""Comparison keys for one ASCII token: a phonetic skeleton and a consonant skeleton.

The skeleton folds the romanisation variants of the same Cyrillic, Armenian or Georgian letter
into one spelling, so that the schemes people actually use compare equal:

========================  =================================================================
variants                  examples
========================  =================================================================
shch / sch / sh / sz      Shchukin, Schukin, Szczukin
zh / j / dzh / dj / zs    Zhukov, Jukov (Uzbek/Kazakh Latin), Dzhambul, Jambul
kh / h / x (initial)      Khabarov, Habarov, Xabarov (Uzbek Latin)
ts / tz / c               Tsoi, Tzoi, Tsvetkov
ch / tch / tsch / c (cz)  Chekhov, Tchekhov, Tschechow
y / i / j (as a vowel)    Dmitry, Dmitri, Dmitrij; Yuri, Iurii, Yuriy
yu / iu / ju, ya / ia     Yulia, Iuliia; Yaroslav, Iaroslav
ou / u, w / v, ph / f     Poutine, Putin; Wladimir, Vladimir
q / k, ck / k, gh / g     Qazaqstan, Kazakstan
doubled letters           Assad, Asad; Mussolini, Musolini
========================  =================================================================

The consonant skeleton drops the vowels too: names written in abjads (Arabic, Hebrew) come
out of romanisation without vowels (``محمد`` -> ``mhmd``), and are compared on it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

_RULES: Final[tuple[tuple[re.Pattern[str], str], ...]] = tuple(
    (re.compile(p), r)
    for p, r in (
        (r"shch|szcz|shtsh", "S"),
        (r"tsch|tsh|tch", "C"),
        (r"sch", "S"),
        (r"ch|cz|ç", "C"),
        (r"sh|sz|ş", "S"),
        (r"dzh|dzs|dj|zh|zs", "J"),
        (r"(?<=[aeiou])j(?![aeiou])", "i"),
        (r"^x|x(?=[^aeiouy])", "h"),
        (r"x", "ks"),
        (r"kh", "h"),
        (r"ts|tz", "Z"),
        (r"ck", "k"),
        (r"c(?=[eiy])", "s"),
        (r"c", "k"),
        (r"q", "k"),
        (r"ph", "f"),
        (r"w", "v"),
        (r"gh", "g"),
        (r"th", "t"),
        (r"ou", "u"),
        (r"y", "i"),
        (r"j", "J"),
        (r"(.)\1+", r"\1"),
    )
)

_VOWELS: Final = re.compile(r"[aeiou]")


@lru_cache(maxsize=500_000)
def skeleton(token: str) -> str:
    """The phonetic skeleton of a lower-case ASCII token (digits pass through)."""
    if token.isdigit():
        return token
    out = token
    for pattern, repl in _RULES:
        out = pattern.sub(repl, out)
    return out.lower()


def fold_ch(key: str) -> str:
    """A skeleton or consonant skeleton with ``ch`` read as ``sh`` (``c`` -> ``s``): French
    and Maghrebi romanisations write ``ch`` for the English ``sh`` (Charekh / Sharikh, Hamcho
    / Hamsho). Used as an extra blocking key, never as the skeleton itself. (A skeleton's
    ``c`` is always a ``ch``: a lone ``c`` becomes ``k`` or ``s``.)"""
    return key.replace("c", "s")


_VOWEL_FOLD: Final = str.maketrans("oe", "ui")


def fold_vowels(key: str) -> str:
    """A skeleton with ``o`` read as ``u`` and ``e`` as ``i`` (Noor / Nour, Qaeda / Qaida):
    an extra blocking key for short tokens, which one-letter deletions do not reach."""
    return key.translate(_VOWEL_FOLD)


@lru_cache(maxsize=500_000)
def consonants(token: str) -> str:
    """The skeleton without vowels (``mohammed`` -> ``mhmd``); the token if nothing is left."""
    skel = skeleton(token)
    out = _VOWELS.sub("", skel)
    return out or skel


_MIN_DELETE_LEN: Final = 4
_MIN_DELETE2_LEN: Final = 6


@lru_cache(maxsize=500_000)
def join_keys(key: str) -> frozenset[str]:
    """Shallow blocking keys (joined tokens, whole names, consonant skeletons): the key, and
    for keys of 3+ letters ``~key`` and (4+ letters) its one-letter deletions."""
    out = {key}
    if len(key) >= _MIN_DELETE_LEN - 1:
        out.add("~" + key)
    if len(key) >= _MIN_DELETE_LEN:
        out.update("~" + key[:i] + key[i + 1 :] for i in range(len(key)))
    return frozenset(out)


@lru_cache(maxsize=500_000)
def token_keys(key: str) -> frozenset[str]:
    """Blocking keys of one token skeleton: :func:`join_keys` plus, for skeletons of 6+ letters,
    the two-letter deletions (symmetric delete, as in SymSpell).

    Two keys *meet* (:func:`meet`) when their key sets intersect: roughly, at most two edits
    apart for long tokens, one for short ones. The candidate index looks names up by exactly
    these keys, and the scorer aligns only tokens that meet, so the index finds every pair the
    scorer can align.
    """
    out = set(join_keys(key))
    if len(key) >= _MIN_DELETE2_LEN:
        for i in range(len(key)):
            d = key[:i] + key[i + 1 :]
            out.update("~" + d[:j] + d[j + 1 :] for j in range(i, len(d)))
    return frozenset(out)


@lru_cache(maxsize=1 << 20)
def meet(a: str, b: str) -> bool:
    """Do token skeletons ``a`` and ``b`` share a :func:`token_keys` key?"""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 4:
        return False
    return not token_keys(a).isdisjoint(token_keys(b))


@lru_cache(maxsize=1 << 20)
def meet_joined(a: str, b: str) -> bool:
    """Do ``a`` and ``b`` share a :func:`join_keys` key (whole names, consonant skeletons)?"""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    return not join_keys(a).isdisjoint(join_keys(b))


@lru_cache(maxsize=1 << 20)
def meet_merged(joined: str, token: str) -> bool:
    """Two tokens written together (``joined``) and one token: shallow keys against deep."""
    return not join_keys(joined).isdisjoint(token_keys(token))


#: English suffixes of descriptive words (longest first) that :func:`stem` takes off.
_SUFFIXES: Final = ("ations", "ation", "ical", "ings", "able", "ing", "ies", "al", "es", "s",
                    "y", "e")  # fmt: skip
#: Shortest stem kept (shorter ones are too easily another word: "sal" / "sale").
STEM_MIN: Final = 4


@lru_cache(maxsize=1 << 18)
def stem(token: str) -> str:
    """The ASCII ``token`` without one English suffix, a doubled last consonant undone:
    ``trading`` / ``trade`` -> ``trad``, ``banking`` -> ``bank``, ``shipping`` -> ``ship``,
    ``charitable`` / ``charity`` -> ``charit``, ``metallurgical`` / ``metallurgy`` ->
    ``metallurg``. A token with no such suffix, or whose stem would be shorter than
    :data:`STEM_MIN`, is its own stem; numbers are never stemmed."""
    if token.isdigit():
        return token
    for suf in _SUFFIXES:
        if token.endswith(suf) and len(token) - len(suf) >= STEM_MIN:
            out = token[: -len(suf)]
            if len(out) > STEM_MIN and out[-1] == out[-2] and out[-1] not in "aeiou":
                out = out[:-1]
            return out
    return token
