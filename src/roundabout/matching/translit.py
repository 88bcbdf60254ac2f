"""Transliteration to ASCII of the scripts of the former Soviet south, plus a fallback.

Rigour's ``maybe_ascii`` and normality romanise Russian well but treat the letters of the
Central Asian Cyrillic alphabets and Armenian as afterthoughts (``Ўзбекистон`` becomes
``Uzbekyston``, Armenian ``ը`` and the word-initial ``ե``/``ո`` are lost), and fingerprinting
(NFKD + strip) turns ``й`` into ``и`` and ``ў`` into ``у``. Here every letter has one explicit
primary romanisation, chosen as the one most used in company registers and passports of its
country:

* Russian / Ukrainian / Belarusian: BGN/PCGN-like (``ж`` zh, ``х`` kh, ``ц`` ts, ``щ`` shch,
  ``ю`` yu, ``я`` ya); the other schemes in use (``j``/``h``/``x``/``c``/``iu``/``sch``) are
  folded together later by :mod:`roundabout.matching.keys`.
* Kazakh (2021 Latin alphabet without diacritics): ``ә`` a, ``ғ`` g, ``қ`` q, ``ң`` n,
  ``ө`` o, ``ұ`` u, ``ү`` u, ``һ`` h, ``і`` i.
* Kyrgyz: ``ң`` n, ``ө`` o, ``ү`` u.  Uzbek Cyrillic: ``ў`` o, ``қ`` q, ``ғ`` g, ``ҳ`` h.
  Tajik: ``ӣ`` i, ``ӯ`` u, ``ҷ`` j, ``ҳ`` h.  Mongolian ``ө`` ``ү`` as Kazakh.
* Armenian (Hübschmann-Meillet without diacritics, as in passports): ``ու`` u, word-initial
  ``ե`` ye and ``ո`` vo, ``ը`` y, ``խ`` kh, ``ղ`` gh, ``ց``/``ծ`` ts.
* Georgian (national system without apostrophes): ``ყ`` q, ``ღ`` gh, ``ხ`` kh, ``წ``/``ც`` ts.
* Latin with diacritics: stripped (``ş`` s, ``ğ`` g, ``ı`` i, ``ä`` a, ``ł`` l, ``ß`` ss).

* Korean Hangul: syllable by syllable (each syllable a word: ``김정은`` -> ``kim jong un``, as
  lists write Korean names), in a scheme between Revised and McCune-Reischauer that folds
  their differences the way lists spell (``ㅓ``/``ㅡ`` o/u as MR's ŏ/ŭ without breves,
  ``jeong``/``jong`` -> ``jong``), with the usual spellings of the commonest surnames in first
  position (``이`` Lee, ``박`` Park, ``최`` Choi).

Anything else (Greek, Arabic, Hebrew, Han, ...) goes through rigour's ``ascii_text``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final

from rigour.text.translit import ascii_text

_CYRILLIC: Final[dict[str, str]] = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya",
    # Ukrainian, Belarusian
    "є": "ye", "і": "i", "ї": "yi", "ґ": "g", "ў": "u",
    # Kazakh, Kyrgyz, Mongolian, Bashkir, Tatar
    "ә": "a", "ғ": "g", "қ": "q", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "һ": "h",
    "ҙ": "z", "ҫ": "s", "ӊ": "n", "җ": "zh", "ӑ": "a", "ӗ": "e", "ҫ̆": "s",
    # Uzbek, Tajik
    "ҳ": "h", "ӣ": "i", "ӯ": "u", "ҷ": "j", "ҝ": "g", "ҹ": "ch",
    # Serbian / Macedonian, rare in our lists but cheap
    "ђ": "dj", "ј": "j", "љ": "lj", "њ": "nj", "ћ": "c", "џ": "dz", "ѓ": "gj", "ќ": "kj",
    "ѕ": "dz",
}  # fmt: skip

_ARMENIAN: Final[dict[str, str]] = {
    "ա": "a", "բ": "b", "գ": "g", "դ": "d", "ե": "e", "զ": "z", "է": "e", "ը": "y",
    "թ": "t", "ժ": "zh", "ի": "i", "լ": "l", "խ": "kh", "ծ": "ts", "կ": "k", "հ": "h",
    "ձ": "dz", "ղ": "gh", "ճ": "ch", "մ": "m", "յ": "y", "ն": "n", "շ": "sh", "ո": "o",
    "չ": "ch", "պ": "p", "ջ": "j", "ռ": "r", "ս": "s", "վ": "v", "տ": "t", "ր": "r",
    "ց": "ts", "ւ": "v", "փ": "p", "ք": "k", "և": "ev", "օ": "o", "ֆ": "f",
}  # fmt: skip

_GEORGIAN: Final[dict[str, str]] = {
    "ა": "a", "ბ": "b", "გ": "g", "დ": "d", "ე": "e", "ვ": "v", "ზ": "z", "თ": "t",
    "ი": "i", "კ": "k", "ლ": "l", "მ": "m", "ნ": "n", "ო": "o", "პ": "p", "ჟ": "zh",
    "რ": "r", "ს": "s", "ტ": "t", "უ": "u", "ფ": "p", "ქ": "k", "ღ": "gh", "ყ": "q",
    "შ": "sh", "ჩ": "ch", "ც": "ts", "ძ": "dz", "წ": "ts", "ჭ": "ch", "ხ": "kh", "ჯ": "j",
    "ჰ": "h",
}  # fmt: skip

# Latin letters that NFKD does not decompose into a base letter + mark.
_LATIN_EXTRA: Final[dict[str, str]] = {
    "ı": "i", "ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d",
    "þ": "th", "ħ": "h", "ŋ": "ng", "ə": "a", "ɵ": "o", "ʻ": "'", "ʼ": "'", "‘": "'",
    "’": "'", "`": "'", "´": "'",
}  # fmt: skip

_TABLE: Final = str.maketrans(
    {
        k: v
        for k, v in {**_CYRILLIC, **_ARMENIAN, **_GEORGIAN, **_LATIN_EXTRA}.items()
        if len(k) == 1
    }
)

_ARM_INITIAL = re.compile(r"(?<![\u0561-\u0587])([եո])")
_ARM_U = re.compile("ու")


def _armenian_pre(text: str) -> str:
    text = _ARM_U.sub("u", text)
    return _ARM_INITIAL.sub(lambda m: "ye" if m.group(1) == "ե" else "vo", text)


def _strip_marks(text: str) -> str:
    """Diacritics stripped from letters that are Latin (or ASCII) underneath (``ş`` s, ``é``
    e). Other scripts keep their marks: in Japanese kana, Indic and Southeast Asian scripts a
    combining mark is part of the letter's sound (``バ`` is ``ハ`` + dakuten: ba, not ha; a
    Bengali vowel sign is the vowel), left for the transliterator to read."""
    out: list[str] = []
    for ch in text:
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        if not base:  # a mark on its own: stripped after a Latin letter, else kept
            if out and not out[-1].isascii():
                out.append(ch)
        else:
            out.append(base if base.isascii() else ch)
    return "".join(out)


_HANGUL_INITIAL: Final = (
    "k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t",
    "p", "h",
)  # fmt: skip
_HANGUL_MEDIAL: Final = (
    "a", "ae", "ya", "yae", "o", "e", "yo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we",
    "wi", "yu", "u", "ui", "i",
)  # fmt: skip
_HANGUL_FINAL: Final = (
    "", "k", "k", "k", "n", "n", "n", "t", "l", "l", "l", "l", "l", "l", "l", "l", "m", "p", "p",
    "t", "t", "ng", "t", "t", "k", "t", "p", "t",
)  # fmt: skip
#: Surnames as lists and passports spell them (first syllable of a name only).
_HANGUL_SURNAMES: Final = {"이": "lee", "박": "park", "최": "choi", "임": "lim", "류": "ryu"}


def _hangul(text: str) -> str:
    """Hangul syllables romanised one by one, each a word (``김정은`` -> ``kim jong un``)."""
    out: list[str] = []
    for word in text.split():
        parts: list[str] = []
        for k, ch in enumerate(word):
            code = ord(ch) - 0xAC00
            if not 0 <= code < 11172:
                parts.append(ch)
                continue
            if k == 0 and ch in _HANGUL_SURNAMES and len(word) >= 2:
                parts.append(" " + _HANGUL_SURNAMES[ch] + " ")
                continue
            ini, med, fin = code // 588, code % 588 // 28, code % 28
            parts.append(
                " " + _HANGUL_INITIAL[ini] + _HANGUL_MEDIAL[med] + _HANGUL_FINAL[fin] + " "
            )
        out.append("".join(parts))
    return " ".join(" ".join(out).split())


#: Khmer consonants: (romanisation, series) after UNGEGN's system without diacritics. The
#: series (1: a-series, 2: o-series) gives the inherent vowel of a consonant that carries no
#: written vowel before another consonant (ពត -> pot).
_KHMER_CONSONANTS: Final[dict[str, tuple[str, int]]] = {
    "ក": ("k", 1), "ខ": ("kh", 1), "គ": ("k", 2), "ឃ": ("kh", 2), "ង": ("ng", 2),
    "ច": ("ch", 1), "ឆ": ("chh", 1), "ជ": ("ch", 2), "ឈ": ("chh", 2), "ញ": ("nh", 2),
    "ដ": ("d", 1), "ឋ": ("th", 1), "ឌ": ("d", 2), "ឍ": ("th", 2), "ណ": ("n", 1),
    "ត": ("t", 1), "ថ": ("th", 1), "ទ": ("t", 2), "ធ": ("th", 2), "ន": ("n", 2),
    "ប": ("b", 1), "ផ": ("ph", 1), "ព": ("p", 2), "ភ": ("ph", 2), "ម": ("m", 2),
    "យ": ("y", 2), "រ": ("r", 2), "ល": ("l", 2), "វ": ("v", 2), "ឝ": ("s", 1),
    "ឞ": ("s", 1), "ស": ("s", 1), "ហ": ("h", 1), "ឡ": ("l", 1), "អ": ("", 1),
    "\ue000": ("p", 1),  # _KHMER_P: ប with a muusikatoan
}  # fmt: skip
#: Khmer vowels (dependent signs and independent letters) and final signs, one spelling each.
_KHMER_VOWELS: Final[dict[str, str]] = {
    "ា": "a", "ិ": "i", "ី": "i", "ឹ": "oe", "ឺ": "eu", "ុ": "u", "ូ": "u", "ួ": "uo",
    "ើ": "aeu", "ឿ": "oea", "ៀ": "ie", "េ": "e", "ែ": "ae", "ៃ": "ai", "ោ": "ao", "ៅ": "au",
    "ំ": "m", "ះ": "h", "ឥ": "i", "ឦ": "ei", "ឧ": "u", "ឩ": "u", "ឪ": "ov", "ឫ": "rue",
    "ឬ": "rue", "ឭ": "lue", "ឮ": "lue", "ឯ": "ae", "ឰ": "ai", "ឱ": "ao", "ឲ": "ao",
    "ឳ": "au",
}  # fmt: skip
_KHMER_COENG: Final = "\u17d2"  # the next consonant is written below: a cluster
_KHMER_MUUSIKATOAN: Final = "\u17c9"  # ប with it is p
_KHMER_P: Final = "\ue000"  # private use: ប + muusikatoan, while romanising
#: Signs that shift a consonant's series or mark stress: not read here.
_KHMER_SHIFTERS: Final = frozenset("\u17c9\u17ca\u17cb\u17cc\u17cd\u17ce\u17cf\u17d0")


def _khmer(text: str) -> str:
    """Khmer romanised letter by letter (UNGEGN-like, no diacritics): consonants, vowel signs,
    and the inherent vowel of a consonant that carries none before the next consonant
    (``ហ៊ុន សែន`` -> ``hun saen``, ``ពត`` -> ``pot``). Other characters are kept."""
    out: list[str] = []
    # ប with a muusikatoan is p (ប៉ុល: Pol): marked before the series signs are dropped
    text = text.replace("ប" + _KHMER_MUUSIKATOAN, _KHMER_P)
    chars = [c for c in text if c not in _KHMER_SHIFTERS]
    series = 1
    for k, ch in enumerate(chars):
        prev = chars[k - 1] if k else ""
        if ch in _KHMER_CONSONANTS:
            roman, series = _KHMER_CONSONANTS[ch]
            out.append(roman)
            # no vowel written after it and another consonant follows: its inherent vowel
            if k + 1 < len(chars) and chars[k + 1] in _KHMER_CONSONANTS:
                out.append("a" if series == 1 else "o")
        elif ch == "ំ" and prev in _KHMER_CONSONANTS:
            out.append("am" if series == 1 else "om")  # a consonant's nikahit: Phnom
        elif ch in _KHMER_VOWELS:
            out.append(_KHMER_VOWELS[ch])
        elif "\u1780" <= ch <= "\u17ff":
            continue  # coeng, series shifters, other signs
        else:
            out.append(ch)
    return "".join(out)


@lru_cache(maxsize=200_000)
def to_ascii(text: str) -> str:
    """Lower-case ASCII romanisation of ``text`` (casefolded first)."""
    text = unicodedata.normalize("NFC", text).casefold()
    if text.isascii():
        return text
    if any("\uac00" <= c <= "\ud7a3" for c in text):
        text = _hangul(text)
        if text.isascii():
            return text
    if any("\u1780" <= c <= "\u17ff" for c in text):
        text = _khmer(text)
        if text.isascii():
            return text
    if any("\u0531" <= c <= "\u058a" for c in text):
        text = _armenian_pre(text)
    text = text.translate(_TABLE)
    if text.isascii():
        return text
    text = _strip_marks(text)
    if text.isascii():
        return text
    return ascii_text(text).lower()


def scripts_of(text: str) -> frozenset[str]:
    """The scripts of the letters in ``text`` (first word of the Unicode name: LATIN, ...)."""
    out: set[str] = set()
    for c in text:
        if c.isalpha():
            try:
                out.add(unicodedata.name(c).split(" ", 1)[0])
            except ValueError:
                continue
    return frozenset(out)


#: Scripts written without (most) vowels: compare consonant skeletons against them.
ABJADS: Final = frozenset({"ARABIC", "HEBREW", "SYRIAC"})
