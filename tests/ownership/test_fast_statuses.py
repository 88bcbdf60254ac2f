"""The vectorised load path (:func:`roundabout.lists.graph.assess`) gives the same statuses,
explanations, ``via`` and warnings as the plain-Python reference (``reference_graph``) on
random graphs: chains, cycles, holdings expired or still to come, directors, family links,
bad percentages, unknown ids, duplicate records, and a graph wide and deep enough to cut
``via`` at its limit."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from roundabout.lists import graph
from roundabout.lists.model import ListEntity
from roundabout.lists.relations import Relation

from . import reference_graph

TODAY = date(2026, 12, 2)
SHARES = [None, "10", "20", "25", "30", "40", "49", "50", "51", "60", "100", "25.5%", "abc", "150"]
DATES = [None, None, None, "2020-01-01", "2026-12-01", "2026-12-02", "2026-12-03", "2030"]
KINDS = ["ownership"] * 6 + ["directorship", "family", "associate", "unknown_link"]


def same(entities: list[ListEntity], relations: list[Relation]) -> None:
    fast = graph.assess(entities, relations, TODAY)
    ref = reference_graph.assess(entities, relations, TODAY)
    assert fast.warnings == ref.warnings
    for rule in graph.RULES:
        assert list(fast.statuses[rule]) == list(ref.statuses[rule])
        for eid, want in ref.statuses[rule].items():
            assert fast.statuses[rule][eid] == want, (rule, eid)


@st.composite
def graphs(draw: st.DrawFn) -> tuple[list[ListEntity], list[Relation]]:
    n = draw(st.integers(2, 9))
    listed = draw(st.sets(st.integers(0, n - 1), min_size=1, max_size=3))
    entities = [
        ListEntity(f"e{i}", "Company", f"COMPANY {i}", listed=i in listed) for i in range(n)
    ]
    node = st.sampled_from([f"e{i}" for i in range(n)] + ["ghost"])
    links = draw(
        st.lists(
            st.tuples(
                st.sampled_from(KINDS),
                node,
                node,
                st.sampled_from(SHARES),
                st.sampled_from(DATES),
                st.sampled_from(DATES),
            ),
            max_size=22,
        )
    )
    relations = [
        Relation(f"r{i}", kind, a, b, share_text=s, start=start, end=end, role=None)
        for i, (kind, a, b, s, start, end) in enumerate(links)
    ]
    return entities, relations


@settings(max_examples=120, deadline=None)
@given(graphs())
def test_fast_path_matches_reference(g: tuple[list[ListEntity], list[Relation]]) -> None:
    same(*g)


def test_chains_cycles_and_via_at_its_limit() -> None:
    """25 listed owners of a holding company at the head of a 30-deep chain, a ring of three
    in the middle, a director, an expired and a future holding: ``via`` is cut to the nearest
    20 in both versions, the same way."""
    listed = [ListEntity(f"l{i}", "Person", f"OWNER {i}", listed=True) for i in range(25)]
    chain = [ListEntity(f"c{i}", "Company", f"CHAIN {i}", listed=False) for i in range(30)]
    rel = [Relation(f"h{i}", "ownership", f"l{i}", "c0", share_text="4") for i in range(25)]
    rel += [
        Relation(f"k{i}", "ownership", f"c{i}", f"c{i + 1}", share_text="90") for i in range(29)
    ]
    rel += [
        Relation("ring", "ownership", "c12", "c10", share_text="30"),
        Relation("dir", "directorship", "l3", "c20", role="director"),
        Relation("old", "ownership", "l4", "c25", share_text="60", end="2021-01-01"),
        Relation("new", "ownership", "l5", "c26", share_text="60", start="2027-01-01"),
    ]
    same([*listed, *chain], rel)
    fast = graph.assess([*listed, *chain], rel, TODAY)
    assert len(fast.statuses["us"]["c29"].via) == graph.MAX_VIA
    assert fast.statuses["us"]["c0"].blocked  # 25 x 4% = 100%


@settings(max_examples=60, deadline=None)
@given(graphs())
def test_one_by_one_explanations_match_reference(
    g: tuple[list[ListEntity], list[Relation]],
) -> None:
    """Without the names as an Arrow array (a name Arrow cannot hold), every explanation is
    written one by one: the same statuses as the reference, and as the column-wise path."""
    from unittest import mock

    column_wise = graph.assess(*g, TODAY)
    with mock.patch.object(graph, "_arrow_strings", lambda texts: None):
        same(*g)
        one_by_one = graph.assess(*g, TODAY)
    assert one_by_one.statuses == column_wise.statuses


def test_names_arrow_cannot_hold_fall_back() -> None:
    """A lone surrogate in a name (JSON read back can carry one) and quotes, accents and
    commas in others: the explanations name them as the reference does."""
    entities = [
        ListEntity("l0", "Person", 'SIDORENKO "THE OWNER"', listed=True),
        ListEntity("l1", "Person", "БОРИС, Ёлкин", listed=True),
        ListEntity("l2", "Person", "BAD \ud800 NAME", listed=True),
        ListEntity("c0", "Company", "ALFA STROY INVEST", listed=False),
        ListEntity("c1", "Company", "ÖMER & CO", listed=False),
    ]
    rel = [
        Relation("a", "ownership", "l0", "c0", share_text="30"),
        Relation("b", "ownership", "l1", "c0", share_text="25"),
        Relation("c", "ownership", "l2", "c1", share_text="20"),
        Relation("d", "ownership", "c0", "c1", share_text="40"),
    ]
    same(entities, rel)
    fast = graph.assess(entities, rel, TODAY)
    assert fast.statuses["us"]["c0"].explanation == (
        'owned 55% by SIDORENKO "THE OWNER" (30%) and БОРИС, Ёлкин (25%), both listed'
    )
    assert "BAD \ud800 NAME (20%, listed)" in fast.statuses["us"]["c1"].explanation
    assert graph._arrow_strings([e.name for e in entities]) is None


def test_repeated_records_and_warnings_in_link_order() -> None:
    """Three records of one holding, bad percentages, an unknown id and a self-link, mixed:
    the warnings in the links' order and the holding kept as the reference keeps it; the links
    given as a generator give the same."""
    entities = [
        ListEntity("l0", "Person", "OWNER", listed=True),
        ListEntity("c0", "Company", "ONE", listed=False),
        ListEntity("c1", "Company", "TWO", listed=False),
    ]
    rel = [
        Relation("a", "ownership", "l0", "c0", share_text="30", start="2020-01-01"),
        Relation("b", "ownership", "l0", "c1", share_text="abc"),
        Relation("c", "ownership", "l0", "c0", share_text="60", start="2021-01-01"),
        Relation("d", "ownership", "ghost", "c0", share_text="60"),
        Relation("e", "ownership", "l0", "c0", share_text="40", start="2020-06-01"),
        Relation("f", "family", "c1", "c1"),
        Relation("g", "ownership", "l0", "c1", share_text="150"),
    ]
    same(entities, rel)
    fast = graph.assess(entities, rel, TODAY)
    assert [w.split(":")[0] for w in fast.warnings] == [
        "ownership b",
        "ownership c",
        "ownership d",
        "ownership e",
        "family f",
        "ownership g",
    ]
    assert fast.statuses["us"]["c0"].owned_share == 0.6
    from_list = graph._build(entities, rel, TODAY.isoformat())
    from_iter = graph._build(entities, iter(rel), TODAY.isoformat())
    assert from_iter.warnings == from_list.warnings == list(fast.warnings)
    assert from_iter.h_share.tolist() == from_list.h_share.tolist() == [0.6]


@settings(max_examples=40, deadline=None)
@given(graphs())
def test_explanations_in_small_slices_match_reference(
    g: tuple[list[ListEntity], list[Relation]],
) -> None:
    """The column-wise explanations written two statuses at a time: the same as the
    reference (the slices' boundaries fall inside every graph)."""
    from unittest import mock

    from roundabout.lists import owner_texts

    with mock.patch.object(owner_texts, "CHUNK", 2):
        same(*g)
