"""One name, analysed once: native tokens, ASCII tokens, skeletons, legal forms, script."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from importlib import resources
from typing import Final

from roundabout.matching import legal_forms, numbers, vocabulary, yaml_data
from roundabout.matching.keys import consonants, skeleton
from roundabout.matching.tokenize import _WORD, casefold_name, native_tokens
from roundabout.matching.translit import ABJADS, scripts_of, to_ascii

__all__ = ["NameForm", "analyze", "casefold_name", "is_patronymic"]

#: Titles and honorifics dropped from person names (ASCII, after transliteration).
TITLES: Final = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "prof",
        "sir",
        "dame",
        "lord",
        "lady",
        "president",
        "presidente",
        "prasident",
        "prezident",
        "prezydent",
        "president",
        "of",
        "his",
        "her",
        "excellency",
        "h",
        "e",
        "hon",
        "honourable",
        "gen",
        "general",
        "col",
        "colonel",
        "maj",
        "major",
        "capt",
        "captain",
        "lt",
        "admiral",
        "sheikh",
        "shaikh",
        "shaykh",
        "sheik",
        "haji",
        "hajji",
        "haj",
        "hadj",
        "alhaj",
        "alhajj",
        "mullah",
        "mulla",
        "maulvi",
        "mawlawi",
        "maulana",
        "mawlana",
        "mufti",
        "qari",
        "gospodin",
        "monsieur",
        "madame",
        "mme",
        "mlle",
        "herr",
        "frau",
        "senor",
        "senora",
        "signor",
        "signora",
    ]
)

#: Spellings of the same particle folded to one (Uzbek ўғли / o'g'li / ogly, Kazakh ұлы / uly).
SYNONYMS: Final = {
    "ugli": "ogli", "ogly": "ogli", "oglu": "ogli", "ogli": "ogli", "ulu": "uly", "uly": "uly",
    "qyzy": "kyzy", "kizi": "qizi", "kyzy": "kyzy",
    # "son of" written three ways (Arabic ibn / bin, Maghrebi and Hebrew ben, Persian ebn): the
    # same particle ("Youssef ben Ali" / "Yusuf ibn Ali"), folded here so that the candidate
    # index, which keys tokens, sees them equal too (their keys do not meet: ibn / ben).
    "ibn": "bin", "ben": "bin", "ebn": "bin",
    # Abbreviations of words common in organisation names (Int'l, Nat'l, Dept.).
    "intl": "international", "natl": "national", "dept": "department", "univ": "university",
    "inst": "institute", "assn": "association", "mfg": "manufacturing", "bros": "brothers",
    "govt": "government", "svcs": "services",
}  # fmt: skip


@cache
def given_names() -> dict[str, str]:
    """Form -> canonical given name (``siarhei`` -> ``sergei``, ``mohd`` -> ``muhammad``), from
    ``data/given_names.yml``: forms of one given name in other languages and romanisations,
    mined from the lists' own names of one person (``scripts/mine_given_names.py``, evidence in
    ``data/given_names_evidence.csv``). Person names read every form as the canonical one, so
    the scorer and the candidate index see the same token."""
    raw = yaml_data.safe_load(
        resources.files("roundabout.matching").joinpath("data/given_names.yml").read_text("utf-8")
    )
    out: dict[str, str] = {}
    for canon, forms in raw["names"].items():
        for form in (canon, *forms):
            out[str(form)] = str(canon)
    return out


_PATRONYMIC: Final = re.compile(
    r"(ovich|evich|ovych|evych|ich|ovna|evna|ichna|ivna|uly|ulu|uulu|kyzy|qizi|kizi|ogly|oglu"
    r"|o'g'li|ogli|vich|vna)$"
)


#: The Russian patronymic's -ovich / -evich as other languages' romanisations of Russian
#: write it: Romanian -ovici, Swedish -ovitj, Catalan -ovitx, Hungarian -ovics, Dutch
#: -owitsj / -ovitsj, Estonian and Finnish -ovitš (ASCII -ovits). (The EU lists give a
#: Russian name in every EU language: "Vladimir Vladimirovici Putin" is its Romanian form.)
#: German -owitsch, Polish -owicz, French -ovitch and Czech -ovič already share a skeleton
#: with -ovich (:func:`roundabout.matching.keys.skeleton`); the Serbo-Croatian surname ending
#: -ović / -ević (ASCII -ovic) is left as it is.
_PATRONYMIC_FORMS: Final = re.compile(r"(?<=\w{3})([oe])[vw](?:ici|itj|itx|ics|itsj|its)$")
#: Belarusian patronymics in their official romanisation (the BELARUS entries of the lists:
#: Uladzimiravich, Leanidauna, Mikalaeuna; 39 such tokens in the bundled lists, 100 uses):
#: -avich for -ovich, -auna / -euna (ASCII of -аўна / -еўна) for -ovna / -evna.
_BELARUSIAN_FORMS: Final = re.compile(r"(?<=\w{3})(?:(a)(vich)|([ae])una)$")


def _belarusian(m: re.Match[str]) -> str:
    if m.group(2):
        return "ovich"
    return "ovna" if m.group(3) == "a" else "evna"


@lru_cache(maxsize=200_000)
def patronymic_form(token: str) -> str:
    """``token`` with another language's form of the patronymic suffix -ovich / -evich
    written as -ovich / -evich (``vladimirovici`` -> ``vladimirovich``), and a Belarusian
    patronymic's suffix as the Russian one (``uladzimirauna`` -> ``uladzimirovna``,
    ``ryhoravich`` -> ``ryhorovich``: the root keeps its Belarusian spelling, which the
    scorer aligns as it aligns other romanisations); other tokens as they are."""
    return _BELARUSIAN_FORMS.sub(_belarusian, _PATRONYMIC_FORMS.sub(r"\1vich", token))


@lru_cache(maxsize=200_000)
def is_patronymic(token: str) -> bool:
    """An ASCII token that looks like a patronymic (-ovich, -evna, -uly, -kyzy, -ogly, ...)."""
    return len(token) > 4 and _PATRONYMIC.search(token) is not None


@dataclass(frozen=True, slots=True)
class NameForm:
    """A name ready for comparison."""

    raw: str
    native: tuple[str, ...]  # casefolded tokens in the original script(s), legal forms removed
    tokens: tuple[str, ...]  # ASCII tokens, legal forms and titles removed
    skeletons: tuple[str, ...]  # :func:`roundabout.matching.keys.skeleton` of each token
    legal_forms: tuple[str, ...]  # generic classes found (llc, jsc, ...)
    legal_surface: tuple[str, ...]  # the forms as written (ASCII)
    abjad: bool  # written in Arabic/Hebrew script: compare consonants
    #: designations set aside (:mod:`roundabout.matching.vocabulary`): ``plant``,
    #: ``researchinstitute``, ``imeni:<name>``, ...
    designations: tuple[str, ...] = ()
    #: the same name with its named-after clause kept as tokens (``None`` without one)
    alt: NameForm | None = None
    #: the ASCII words of the whole name as written, nothing removed (legal forms, titles,
    #: designations kept): what :mod:`roundabout.matching.spelling` compares letter by letter
    spelling: tuple[str, ...] = ()
    #: :attr:`spelling` joined (its letters and digits, no spaces)
    spelt: str = ""

    @property
    def key(self) -> str:
        """All skeletons, sorted and joined: equal for reordered, re-romanised names."""
        return " ".join(sorted(self.skeletons))

    @property
    def consonant_tokens(self) -> tuple[str, ...]:
        return tuple(consonants(t) for t in self.tokens)

    @property
    def empty(self) -> bool:
        return not self.tokens


#: Two to four single letters, each followed by a dot, standing alone: "S.V.", "В.В.".
_DOTTED_INITIALS: Final = re.compile(r"(?<![^\W\d_.])((?:[^\W\d_]\.){2,4})(?![^\W\d_])")


def _spaced(m: re.Match[str]) -> str:
    """``S.V.`` -> ``S. V.``; a legal form written so in Latin letters (``A.Ş.``, ``S.A.``)
    stays one word. Cyrillic letters are always initials (``Петров С.А.``): Russian forms
    are written without dots (АО, ООО)."""
    letters = m.group(1)[::2]
    joined = tuple(_WORD.findall(to_ascii(letters.casefold())))
    if joined in legal_forms.table().forms and "CYRILLIC" not in scripts_of(letters):
        return m.group(1)
    return " ".join(f"{ch}." for ch in letters)


def _after_comma(name: str, person: bool | None) -> int:
    """The position of the first ASCII token after the comma of a name written "SURNAME,
    Given names" (one comma, words on both sides), as :func:`analyze` counts tokens; a
    position past every token (``1 << 30``) if there is no such comma."""
    head, comma, tail = name.partition(",")
    if not comma or "," in tail or not tail.strip():
        return 1 << 30
    text = _DOTTED_INITIALS.sub(_spaced, head) if person else head
    n = sum(len(_WORD.findall(to_ascii(tok))) for tok in native_tokens(text))
    return n if n else 1 << 30


@lru_cache(maxsize=300_000)
def analyze(name: str, person: bool | None = None) -> NameForm:
    """Analyse ``name``. ``person``: True strips titles; False/None strips legal forms and sets
    designations aside too."""
    # A person's initials written together ("LAVROV S.V.", "Путин В.В.") are two initials,
    # not a two-letter word: the tokeniser joins letters across inner dots (U.S. -> us).
    native = native_tokens(_DOTTED_INITIALS.sub(_spaced, name) if person else name)
    ascii_parts: list[str] = []
    owner: list[int] = []  # native token index of each ASCII token
    for i, tok in enumerate(native):
        for part in _WORD.findall(to_ascii(tok)):
            ascii_parts.append(part)
            owner.append(i)
    tokens = tuple(ascii_parts)
    hits: list[legal_forms.LegalFormHit] = []
    keep = list(range(len(tokens)))
    if person is not True:
        tokens, hits, keep = legal_forms.strip(tokens)
    if person is not False and len(tokens) > 1:
        # Titles lead a name ("Shaykh Abdullah AZZAM", "H.E. President ..."); the same word
        # further on is a name ("ELSHAFEE EL SHEIKH"). Written surname first, as lists write
        # them ("IBRAHIM, Haji", "FAZLULLAH, Maulana"), they lead the part after the comma
        # (and the first word is the surname: "SHEIKH, Haji").
        kept = list(zip(tokens, keep, strict=True))
        start = _after_comma(name, person)
        at = next((i for i, (_, k) in enumerate(kept) if k >= start), 0)
        end = at
        while end < len(kept) and len(kept) - (end - at) > 1 and kept[end][0] in TITLES:
            end += 1
        kept = kept[:at] + kept[end:]
        tokens = tuple(t for t, _ in kept)
        keep = [k for _, k in kept]
    kept_native = sorted({owner[k] for k in keep})
    designations: tuple[str, ...] = ()
    clause: tuple[str, ...] = ()
    if person is not True:
        tokens, designations, clause = vocabulary.canonicalize(tokens)
    tokens = numbers.merge_compounds(
        tuple(SYNONYMS.get(t, numbers.normalize_token(t)) for t in tokens)
    )
    if person is not False:
        given = given_names()
        tokens = tuple(patronymic_form(given.get(t, t)) for t in tokens)
    scripts = scripts_of(name)
    form = NameForm(
        raw=name,
        native=tuple(native[i] for i in kept_native),
        tokens=tokens,
        skeletons=tuple(skeleton(t) for t in tokens),
        legal_forms=tuple(h.generic for h in hits),
        legal_surface=tuple(h.surface for h in hits),
        abjad=bool(scripts & ABJADS),
        designations=designations,
        spelling=tuple(ascii_parts),
        spelt="".join(ascii_parts),
    )
    if clause:
        full = numbers.merge_compounds(
            (*tokens, *(SYNONYMS.get(t, numbers.normalize_token(t)) for t in clause))
        )
        alt = replace(
            form,
            tokens=full,
            skeletons=tuple(skeleton(t) for t in full),
            designations=tuple(d for d in designations if ":" not in d),
        )
        form = replace(form, alt=alt)
    return form
