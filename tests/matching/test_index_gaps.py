"""Pairs the scorer aligns on words that share no spelling key: the candidate index keys them.

Three rules of :mod:`roundabout.matching.compare` align tokens whose spelling keys need not
meet: an initialism against the words it spells (``U.S.`` / ``United States``), a place name
against its Russian adjective (``Kazan`` / ``Kazanskiy``), and a region or bracketed word left
over on one side (``FABERLIC EUROPE`` / ``FABERLIC``), which lifts the one-word cap. The index
keys the first two (initials of runs of words, initialism words; place keys and adjective
forms) and bounds the third (:meth:`roundabout.matching.index.NameIndex.qualifier_bound`), so
its completeness argument holds for them too. These tests check it on fixed pairs and on
generated ones, against exhaustive scoring and against both score bounds.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roundabout.lists.model import ListEntity
from roundabout.matching.compare import compare
from roundabout.matching.matcher import ScreenEntry, Screener, person_flag
from roundabout.matching.model import Party
from roundabout.matching.normalize import analyze
from roundabout.matching.score_bound import QueryBound

PAIRS = [
    ("U.S. Department of State", "United States Department of State"),
    ("KAZAN HELICOPTER PLANT", "KAZANSKIY HELICOPTER PLANT"),
    ("NBC", "National Bank of Cuba"),
    ("YALTA FILM STUDIO", "YALTINSKAYA FILM STUDIO"),
    ("Joint Stock Company Kazanskiy Vertoletny Zavod", "KAZAN VERTOLETNY ZAVOD"),
    ("FABERLIC EUROPE", "FABERLIC"),
    ("ALPHA (EUROPE) TRADING", "ALPHA TRADING"),
]


@pytest.mark.parametrize(("query", "listed"), PAIRS)
def test_the_scorer_accepts_them(query: str, listed: str) -> None:
    assert compare(analyze(query, False), analyze(listed, False), person=False).score >= 0.72


@pytest.mark.parametrize(("query", "listed"), [*PAIRS, *((b, a) for a, b in PAIRS)])
def test_the_screener_finds_them(query: str, listed: str) -> None:
    entity = ListEntity(entity_id="t", schema="Organization", name=listed)
    screener = Screener([ScreenEntry(entity, "test:1", entity.content_hash())])
    hits = screener.screen(Party("p", query, schema="Organization"))
    assert [h.entity_id for h in hits] == ["t"]


#: Distractors: list names sharing words with the generated ones.
DISTRACTORS = [
    "Kazan Trading House",
    "State Bank of Development",
    "United Oil Company",
    "Helicopter Services International",
]


def _check(listed: list[str], query: str, schema: str) -> None:
    """Every list name ``compare`` scores at 0.72 or more is a candidate; both bounds hold."""
    entities = [
        ListEntity(entity_id=str(i), schema=schema if i == 0 else "Organization", name=n)
        for i, n in enumerate([*listed, *DISTRACTORS])
    ]
    s = Screener([ScreenEntry(e, "t:1", e.content_hash()) for e in entities])
    for qflag, mode in ((None, "list"), (False, False)):
        q = analyze(query, qflag)
        tight = QueryBound(q)
        bounds = s.index.bounds(q, 0.0, mode)
        got = set(s.index.candidates(q, 0.72, mode))
        for nid, item in enumerate(s.index.names):
            person = person_flag(s.entries[item.entity].entity.schema) if mode == "list" else False
            score = compare(q, item.form, person=person).score
            assert score <= tight.upper(item.form, person) + 1e-4, (query, item.form.raw)
            if score >= 0.72:
                assert nid in got, (query, item.form.raw, mode, score)
            if nid in bounds:
                assert score <= bounds[nid] + 1e-4, (query, item.form.raw, score, bounds[nid])


WORDS = ["united", "states", "national", "bank", "development", "oil", "kazan", "export"]
WORDS += ["helicopter", "research", "institute", "marine", "federal", "trust", "academy"]
LIGHT = ["of", "the", "and", "for"]
EXTRA = ["department", "corporation", "agency", "studio", "zavod", "holdings", ""]


def _spelt(words: list[str], dotted: bool) -> str:
    letters = [w[0].upper() for w in words]
    return ".".join(letters) + "." if dotted else "".join(letters)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.sampled_from(WORDS), min_size=2, max_size=5, unique=True),
    st.lists(st.sampled_from(["", *LIGHT]), min_size=5, max_size=5),
    st.sampled_from(EXTRA),
    st.booleans(),
    st.booleans(),
    st.sampled_from(["Organization", "Person"]),
)
def test_initialisms_are_candidates(
    words: list[str],
    light: list[str],
    extra: str,
    dotted: bool,
    reverse: bool,
    schema: str,
) -> None:
    """An initialism of a run of words (light words between them or not) against the words,
    either side, with a word more or not on both."""
    gaps = [*light[: len(words) - 1], ""]
    run = " ".join(f"{w} {g}".strip() for w, g in zip(words, gaps, strict=True))
    spelt_out = f"{run} {extra}".strip().title()
    short = f"{_spelt(words, dotted)} {extra.upper()}".strip()
    listed, query = (short, spelt_out) if reverse else (spelt_out, short)
    _check([listed], query, schema)


PLACES = ["kazan", "murom", "azov", "yalta", "tyumen", "minsk", "sevastopol", "omsk", "rostov"]
PLACES += ["ekaterinburg", "yekaterinburg", "tula", "perm", "moskva", "penza", "krasnodar"]
LINKS = ["", "in", "ov", "ev", "en"]
ENDINGS = ["iy", "ii", "ij", "y", "yi", "aya", "aia", "oe", "ogo", "ikh", "a", "o", ""]
OTHER = ["helicopter", "instrument", "film", "zavod", "plant", "bank", "oil", "kombinat"]


@settings(max_examples=120, deadline=None)
@given(
    st.sampled_from(PLACES),
    st.sampled_from(PLACES),
    st.booleans(),
    st.sampled_from(LINKS),
    st.sampled_from(ENDINGS),
    st.lists(st.sampled_from(OTHER), min_size=0, max_size=2, unique=True),
    st.booleans(),
    st.sampled_from(["Organization", "Person"]),
)
def test_place_adjectives_are_candidates(
    place: str,
    adjective_of: str,
    drop_vowel: bool,
    link: str,
    ending: str,
    other: list[str],
    reverse: bool,
    schema: str,
) -> None:
    """A place name against an adjective made from it (or from another place, or another
    spelling of it: Ekaterinburg / Yekaterinburgskiy), either side."""
    base = adjective_of[:-1] if drop_vowel and adjective_of[-1] in "aeiou" else adjective_of
    adjective = f"{base}{link}sk{ending}"
    words = " ".join(other)
    a, b = f"{place} {words}".strip().upper(), f"{adjective} {words}".strip().upper()
    listed, query = (a, b) if reverse else (b, a)
    _check([listed], query, schema)


REGIONS = ["europe", "asia", "africa", "(europe)", "(kazan)", "(bal)"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=3, unique=True),
    st.lists(st.sampled_from(REGIONS), min_size=1, max_size=2, unique=True),
    st.booleans(),
    st.booleans(),
)
def test_qualifiers_are_candidates(
    words: list[str], regions: list[str], reverse: bool, typo: bool
) -> None:
    """A region or bracketed word left over on one side (a branch's qualifier)."""
    name = " ".join(words).upper()
    other = name[:-1] if typo and len(name) > 6 else name
    qualified = f"{other} {' '.join(regions).upper()}"
    listed, query = (qualified, name) if reverse else (name, qualified)
    _check([listed], query, "Organization")


#: A short name of one distinctive word inside a long one whose other words are generic,
#: descriptive or legal-form words: the scorer lifts the one-word cap, the index must too.
INSIDE = [
    ("STROYTRANSGAZ", "STROYTRANSGAZ GROUP"),
    ("BANK RUBLEV", "JOINT STOCK COMMERCIAL BANK RUBLEV"),
    ("SANOVERA", "SANOVERA PHARM COMPANY SARL"),
    ("AGROGATE COMPANY", "AGROGATE HOLDING"),
]


@pytest.mark.parametrize(("query", "listed"), [*INSIDE, *((b, a) for a, b in INSIDE)])
def test_the_screener_finds_short_names_inside_long_ones(query: str, listed: str) -> None:
    assert compare(analyze(query, False), analyze(listed, False), person=False).score >= 0.72
    entity = ListEntity(entity_id="t", schema="Organization", name=listed)
    screener = Screener([ScreenEntry(entity, "test:1", entity.content_hash())])
    for schema in ("Organization", None):
        hits = screener.screen(Party("p", query, schema=schema))
        assert [h.entity_id for h in hits if h.match] == ["t"], schema


NAMES = ["stroytransgaz", "rublev", "sanovera", "kovalenko", "agrogate", "zelenogor"]
GENERIC = ["group", "bank", "company", "holding", "trading", "pharm", "foundation", "oil", "gas"]
GENERIC += ["joint stock company", "llc", "international", "systems", "institute", "exchange"]


@settings(max_examples=80, deadline=None)
@given(
    st.sampled_from(NAMES),
    st.lists(st.sampled_from(GENERIC), min_size=0, max_size=2, unique=True),
    st.lists(st.sampled_from(GENERIC), min_size=1, max_size=3, unique=True),
    st.sampled_from(["", "kazan", "nord", "7"]),
    st.booleans(),
    st.sampled_from(["Organization", "Person"]),
)
def test_short_names_inside_long_ones_are_candidates(
    name: str, short: list[str], long_: list[str], other: str, reverse: bool, schema: str
) -> None:
    """One distinctive word, generic words around it on either side (or another distinctive
    word, which keeps the one-word cap), either side."""
    a = " ".join([*short, name]).upper()
    b = " ".join([*long_[:1], name, *long_[1:], other]).strip().upper()
    listed, query = (a, b) if reverse else (b, a)
    _check([listed], query, schema)


ARTICLE = [
    ("Lazher Ben Khalifa ROUINE", "Al-Azhar Ben Khalifa ROUINE"),
    ("LAKHDAR", "AL AKHDAR"),
    ("Larbi Mansour", "El Arbi Mansour"),
]


@pytest.mark.parametrize(("query", "listed"), [*ARTICLE, *((b, a) for a, b in ARTICLE)])
def test_the_screener_finds_merged_articles(query: str, listed: str) -> None:
    assert compare(analyze(query, True), analyze(listed, True), person=True).score >= 0.72
    entity = ListEntity(entity_id="t", schema="Person", name=listed)
    screener = Screener([ScreenEntry(entity, "test:1", entity.content_hash())])
    for schema in ("Person", None):
        hits = screener.screen(Party("p", query, schema=schema))
        assert [h.entity_id for h in hits if h.match] == ["t"], schema
    _check([listed], query, "Person")
    _check([listed], query, "Organization")
