"""The candidate index is complete: every pair ``compare`` scores above the floor is a candidate."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roundabout.matching.compare import WEAK_CAP, compare
from roundabout.matching.matcher import Screener, person_flag
from roundabout.matching.normalize import analyze

QUERIES = [
    "Uzay Group",
    "Uzay Grup Dis Ticaret",
    "Tactical Missile Corp",
    "Rosoboroneksport",
    "Rosoboron Export",
    "Sergey Lavrov",
    "Sergei Viktorovich LAVROV",
    "Eric Badege",
    "Badege Eric",
    "Иван Павлович Прокопенко",
    "I. P. Prokopenko",
    "Prokopenko",
    "ООО ЭМС Эксперт",
    "EMS Ekspert",
    "Mohammed Ali Hassan",
    "Ivan Ivanov",
    "TMC",
    "محمد علي",
    "عبد الله",
    "Abdullah",
    "김정은",
    "Kim Jong Un",
    "Mohamed HAMCHO",
    "ELSHAFEE EL SHEIKH",
    "AO NPP TOPAZ",
    "URALVAGONZAVOD",
    "ZAVOD IMENI KALININA",
    "OBSHCHESTVO S OGRANICHENNOI OTVESTVENNOSTYU LAVINA PULS",
]


#: Names aligned by rules that share no spelling key with the sample lists' names: initialisms,
#: place adjectives, region qualifiers.
GAP_QUERIES = [
    "A.D.F. NALU",
    "ADF Uganda",
    "ALLIED DEMOCRATIC FORCES UGANDA",
    "TMC JSC",
    "NBC",
    "NBC Havana",
    "National Bank of Cuba (Havana)",
    "BUTEMBSKIY AIRLINES",
    "BUTEMBO AIRLINES ASIA",
    "Uzay Group Asia",
    "Uzay (Europe)",
]

TOKENS = [
    *("sergey", "lavrov", "ivan", "prokopenko", "uzay", "group", "ems", "ekspert", "eric"),
    *("badege", "mohammed", "ali", "tactical", "missile", "v", "p", "rosoboroneksport"),
]


def _exhaustive(screener: Screener, name: str, floor: float) -> set[int]:
    q = analyze(name)
    out = set()
    for nid, item in enumerate(screener.index.names):
        e = screener.entries[item.entity].entity
        if compare(q, item.form, person=person_flag(e.schema)).score >= floor:
            out.add(nid)
    return out


@pytest.mark.parametrize("floor", [0.7, 0.72, 0.8])
def test_index_finds_every_pair_exhaustive_scoring_finds(screener: Screener, floor: float) -> None:
    for name in [*QUERIES, *GAP_QUERIES]:
        want = _exhaustive(screener, name, floor)
        got = set(screener.index.candidates(analyze(name), floor))
        assert want <= got, (name, want - got)


def test_list_names_against_each_other(screener: Screener) -> None:
    """Every list name (and a typo of it) as a query: nothing above the floor is missed."""
    for item in screener.index.names:
        for name in (item.form.raw, item.form.raw[:-1]):
            want = _exhaustive(screener, name, 0.72)
            got = set(screener.index.candidates(analyze(name), 0.72))
            assert want <= got, (name, want - got)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(TOKENS),
        min_size=1,
        max_size=4,
    )
)
def test_index_complete_on_random_token_mixes(screener: Screener, tokens: list[str]) -> None:
    name = " ".join(tokens)
    want = _exhaustive(screener, name, 0.72)
    got = set(screener.index.candidates(analyze(name), 0.72))
    assert want <= got


def test_bound_is_an_upper_bound(screener: Screener) -> None:
    index = screener.index
    for name in QUERIES:
        q = analyze(name)
        for nid, bound in index.bounds(q, 0.0).items():
            e = screener.entries[index.names[nid].entity].entity
            s = compare(q, index.names[nid].form, person=person_flag(e.schema)).score
            assert s <= bound + 1e-4, (name, index.names[nid].form.raw, s, bound)
    assert WEAK_CAP < 0.72


def test_common_given_names_alone_do_not_match(screener: Screener) -> None:
    from roundabout.matching.model import Party

    for name in ("Mohammed Ali", "Ivan Ivanovich Ivanov", "Ali Hassan Mohammed"):
        assert not any(h.match for h in screener.screen(Party("p", name))), name


def test_numbered_sister_entities_are_candidates() -> None:
    """Numbers left over on both sides pair up in ``compare``; the index bound counts them."""
    from roundabout.lists.model import ListEntity
    from roundabout.matching.matcher import ScreenEntry

    names = ["Snow Storm 2", "Victory 5", "Carlyle Partners VIII L.P.", "Snow Leopard"]
    entities = [ListEntity(entity_id=str(i), schema="Vessel", name=n) for i, n in enumerate(names)]
    s = Screener([ScreenEntry(e, "t:1", e.content_hash()) for e in entities])
    for query in ("Snow Storm 1", "Victory 3", "Carlyle Partners VII L.P.", "Storm 7 Snow"):
        q = analyze(query, False)
        want = {
            nid
            for nid, item in enumerate(s.index.names)
            if compare(q, item.form, person=False).score >= 0.72
        }
        assert want, query
        got = set(s.index.candidates(q, 0.72, False))
        assert want <= got, (query, want - got)
        for nid, bound in s.index.bounds(q, 0.0, False).items():
            assert compare(q, s.index.names[nid].form, person=False).score <= bound + 1e-4


@pytest.mark.parametrize("vector_min", [1, 10**9])
def test_inlined_bounds_equal_the_reference_bound(screener: Screener, vector_min: int) -> None:
    """``NameIndex.bounds`` inlines ``NameIndex.bound``: both give the same numbers (through
    the numpy path and through the scalar loop), the qualifier rule's bound included."""
    from roundabout.matching.compare import join_key, side_keys, token_weight
    from roundabout.matching.index import (
        _digits,
        _distinctive_mask,
        _initials,
        _kept,
        _places,
        _QuerySide,
        _substantive,
    )

    index = screener.index
    for name in [*QUERIES, *GAP_QUERIES]:
        q = analyze(name)
        got = index.bounds(q, 0.0, vector_min=vector_min)
        wq = [token_weight(t, s) for t, s in zip(q.tokens, q.skeletons, strict=True)]
        kq = _kept(q.tokens, wq)
        q_init, q_dig = _initials(q.tokens), _digits(q.tokens)
        keys = [
            (1 << i, index.token_hits(k, c, q.abjad, t))
            for i, (k, c, t) in enumerate(
                zip(side_keys(q), q.consonant_tokens, q.tokens, strict=True)
            )
        ]
        keys.extend(index.alignment_hits(q, "list"))
        for nid, b in got.items():
            if b == 1.0:
                continue  # whole-name / acronym hits are scored without a bound
            qm = cm = 0
            for bits, d in keys:
                if nid in d:
                    qm |= bits
                    cm |= d[nid]
            for i in range(len(q.tokens) - 1):
                d = index._joined_hits(join_key(q.tokens[i], q.tokens[i + 1], q.abjad), q.abjad)
                if nid in d:
                    qm |= 3 << i
                    cm |= d[nid]
            if q_dig and index.digits[nid]:
                qm |= q_dig
                cm |= index.digits[nid]
            side = _QuerySide.of(
                qm | q_init, wq, kq, q_init, _substantive(q.tokens), _distinctive_mask(q.tokens)
            )
            ref = index.bound(nid, cm, side, index.names[nid].person is not False)
            if index.names[nid].person is False:
                ref = max(ref, index.qualifier_bound(nid, qm, cm, wq, q_init, _places(q)))
            assert abs(ref - b) < 1e-9, (name, index.names[nid].form.raw, ref, b)


def _both_paths(screener: Screener, name: str) -> None:
    q = analyze(name)
    for floor in (0.0, 0.5, 0.72):
        for person in ("list", True, False, None):
            scalar = list(screener.index.bounds(q, floor, person, vector_min=10**9).items())
            vector = list(screener.index.bounds(q, floor, person, vector_min=1).items())
            # Same names, same bounds to the last bit, same order (ties are scored in it).
            assert scalar == vector, (name, floor, person)


def test_numpy_bounds_equal_the_scalar_loop(screener: Screener) -> None:
    names = [item.form.raw for item in screener.index.names]
    for name in [*QUERIES, *names, *(n[:-1] for n in names), "Ivan 7 P Ivanov 12", "7 Storm"]:
        _both_paths(screener, name)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([*TOKENS, "al", "7", "ivanov", "a"]), min_size=1, max_size=6))
def test_numpy_bounds_equal_the_scalar_loop_on_token_mixes(
    screener: Screener, tokens: list[str]
) -> None:
    _both_paths(screener, " ".join(tokens))


def test_words_of_one_stem_are_candidates() -> None:
    """``compare`` aligns words of one stem (shipping / ship); the index keeps stem keys."""
    from roundabout.lists.model import ListEntity
    from roundabout.matching.matcher import ScreenEntry

    names = ["Peridot Shipping Company", "Belarusian Oil Trade House", "Yazd Metallurgy Plant"]
    entities = [
        ListEntity(entity_id=str(i), schema="Organization", name=n) for i, n in enumerate(names)
    ]
    s = Screener([ScreenEntry(e, "t:1", e.content_hash()) for e in entities])
    for query in ("Peridot Ship Company", "Belarusian Oil Trading House", "Yazd Metallurgical"):
        q = analyze(query, False)
        want = {
            nid
            for nid, item in enumerate(s.index.names)
            if compare(q, item.form, person=False).score >= 0.72
        }
        assert want, query
        got = set(s.index.candidates(q, 0.72, False))
        assert want <= got, (query, want - got)
        for nid, bound in s.index.bounds(q, 0.0, False).items():
            assert compare(q, s.index.names[nid].form, person=False).score <= bound + 1e-4


@pytest.mark.parametrize("vector_min", [1, 10**9])
@pytest.mark.parametrize(
    "name", ["Ivan Prokopenko", "KHUN SA", "OOO Siemens Trading", "Uzay Group", "Putin"]
)
def test_bounds_of_persons_or_the_others_are_the_full_bounds_split(
    screener: Screener, name: str, vector_min: int
) -> None:
    """``bounds(persons=True / False)`` is the full answer cut in two, on either path."""
    index = screener.index
    assert index.persons and len(index.persons) < len(index)
    for reading in (analyze(name), analyze(name, True), analyze(name, False)):
        for floor in (0.0, 0.5, 0.72):
            full = index.bounds(reading, floor, vector_min=vector_min)
            mine = index.bounds(reading, floor, vector_min=vector_min, persons=True)
            rest = index.bounds(reading, floor, vector_min=vector_min, persons=False)
            assert mine == {n: b for n, b in full.items() if n in index.persons}
            assert rest == {n: b for n, b in full.items() if n not in index.persons}
