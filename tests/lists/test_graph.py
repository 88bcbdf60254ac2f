"""FtM targets and links, ownership statuses per rule, and what a snapshot keeps of them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roundabout.lists import ftm, graph, snapshots, status_columns
from roundabout.lists.model import ListEntity
from roundabout.lists.relations import Relation, parse_share
from roundabout.store import Store, ownership

DATA = Path(__file__).parent.parent / "data" / "lists"
TODAY = date(2026, 12, 2)


@pytest.fixture(scope="module")
def sample() -> graph.Assessment:
    p = ftm.parse(DATA / "ownership_sample.ftm.jsonl")
    return graph.assess(p.entities, p.relations, TODAY)


def test_targets_are_listed_others_context() -> None:
    p = ftm.parse(DATA / "ownership_sample.ftm.jsonl")
    listed = {e.entity_id for e in p.entities if e.listed}
    assert listed == {"t-sidorenko", "t-alfa"}
    assert len(p.entities) == 10  # the Sanction entity is not an entry
    kinds = [r.kind for r in p.relations]
    assert kinds.count("ownership") == 11 and kinds.count("directorship") == 1
    o1 = next(r for r in p.relations if r.relation_id == "o-1")
    assert (o1.source, o1.target, o1.share_text, o1.start) == (
        "t-sidorenko",
        "c-vostok",
        "30",
        "2022-03-01",
    )


def test_file_without_target_keys_keeps_all_listed(tmp_path: Path) -> None:
    lines = (DATA / "zala_aero_cluster.ftm.jsonl").read_text(encoding="utf-8").splitlines()
    stripped = []
    for line in lines:
        obj = json.loads(line)
        obj.pop("target", None)
        stripped.append(json.dumps(obj, ensure_ascii=False))
    f = tmp_path / "no_target.jsonl"
    f.write_text("\n".join(stripped), encoding="utf-8")
    p = ftm.parse(f)
    assert len(p.entities) == 17 and all(e.listed for e in p.entities)
    with_targets = ftm.parse(DATA / "zala_aero_cluster.ftm.jsonl")
    assert sum(e.listed for e in with_targets.entities) == 14


def test_zala_relations_and_expired_holdings() -> None:
    p = ftm.parse(DATA / "zala_aero_cluster.ftm.jsonl")
    raw = [json.loads(line) for line in (DATA / "zala_aero_cluster.ftm.jsonl").open()]
    links = {"Ownership", "Directorship", "Family", "Associate", "UnknownLink"}
    assert len(p.relations) == sum(1 for o in raw if o["schema"] in links) == 21
    # today every holding of the three context companies has ended: none is reached
    now = graph.assess(p.entities, p.relations, TODAY)
    assert now.statuses["us"] == {}
    # on 2022-06-01, Zakharov (listed) still held 75% of SPS (ended 2022-11-22)
    then = graph.assess(p.entities, p.relations, date(2022, 6, 1))
    sps = then.statuses["us"]["NK-9Xa4Kg7Y7nfccE7VcZt6Q6"]
    assert sps.basis == "owned" and sps.blocked and sps.owned_share == 0.75
    assert sps.via == ("NK-aU5ybkbRFJucf8YMwsJvDw",)
    assert "owned 75% by Aleksandr Vyacheslavovich Zakharov (75%), listed" in sps.explanation
    # the register's overlapping records for one holder are not summed, and that is said
    assert any("several records in force" in w for w in then.warnings)


def test_aggregate_and_through_a_blocked_company(sample: graph.Assessment) -> None:
    us = sample.statuses["us"]
    vostok = us["c-vostok"]
    assert vostok.basis == "owned" and vostok.blocked
    assert vostok.owned_share == pytest.approx(0.30 + 0.25)
    assert vostok.via == ("t-sidorenko", "t-alfa")
    assert vostok.explanation == (
        "owned 55% by Pavel Igorevich SIDORENKO (30%) and ALFA STROY INVEST (25%), both listed"
    )
    beta = us["c-beta"]
    assert beta.blocked and beta.owned_share == pytest.approx(0.6)
    assert set(beta.via) == {"t-sidorenko", "t-alfa", "c-vostok"}
    assert "VOSTOK KARGO TREYD (60%, itself blocked" in beta.explanation


def test_information_only(sample: graph.Assessment) -> None:
    us, eu = sample.statuses["us"], sample.statuses["eu"]
    gamma = us["c-gamma"]
    assert (gamma.basis, gamma.blocked, gamma.owned_share) == ("related", False, 0.49)
    assert gamma.explanation.startswith("49% owned by Pavel Igorevich SIDORENKO (49%), listed")
    delta_us, delta_eu = us["c-delta"], eu["c-delta"]
    assert (delta_us.basis, delta_us.blocked) == ("related", False)
    assert "directed by listed Pavel Igorevich SIDORENKO (General director)" in delta_us.explanation
    assert (delta_eu.basis, delta_eu.blocked, delta_eu.via) == (
        "controlled",
        True,
        ("t-sidorenko",),
    )
    assert "c-epsilon" not in us and "c-epsilon" not in eu  # held until 2020 only
    omega = us["c-omega"]
    assert omega.basis == "related" and not omega.blocked and omega.owned_share is None
    assert "share not stated" in omega.explanation


def test_bad_links_warn_and_name_the_entity(sample: graph.Assessment) -> None:
    w = "\n".join(sample.warnings)
    assert "ownership o-9: unknown entity ghost-id; link skipped" in w
    assert "ownership o-10: percentage 'abc' is not a number" in w
    assert "ownership o-11: percentage '150' is outside 0-100" in w
    assert "ownership cycle: ZETA KOMPONENT (c-zeta), ETA KOMPONENT (c-eta)" in w
    zeta, eta = sample.statuses["us"]["c-zeta"], sample.statuses["us"]["c-eta"]
    assert zeta.owned_share == pytest.approx(0.2) and eta.owned_share == pytest.approx(0.12)
    assert not zeta.blocked and not eta.blocked


def test_eu_needs_more_than_half() -> None:
    ents = [
        ListEntity("a", "Person", "A", listed=True),
        ListEntity("b", "Company", "B", listed=False),
    ]
    rel = [Relation("r", "ownership", "a", "b", share_text="50")]
    a = graph.assess(ents, rel, TODAY)
    assert a.statuses["us"]["b"].blocked and not a.statuses["eu"]["b"].blocked


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_parse_share_never_crashes(x: float) -> None:
    share, problem = parse_share(str(x))
    assert (share is None) != (problem is None) or (share is None and problem is None)
    if share is not None:
        assert 0.0 <= share <= 1.0 and 0 <= x <= 100


@given(st.text(max_size=12))
def test_parse_share_text(text: str) -> None:
    share, problem = parse_share(text)
    assert share is None or 0.0 <= share <= 1.0
    assert not (share is not None and problem is not None)


def test_snapshot_keeps_graph(store: Store) -> None:
    p = ftm.parse(DATA / "ownership_sample.ftm.jsonl")
    out = snapshots.save(store, p)
    sid = out.snapshot.snapshot_id
    screened = {e.entity_id for e in snapshots.entities(store, sid)}
    assert screened == {
        "t-sidorenko",
        "t-alfa",
        "c-vostok",
        "c-beta",
        "c-gamma",
        "c-delta",
        "c-zeta",
        "c-eta",
        "c-omega",
    }
    assert out.snapshot.entity_count == 9
    assert [json.loads(d)["entity_id"] for d in ownership.context(store, sid)] == ["c-epsilon"]
    assert len(ownership.relations(store, sid)) == 12
    assert any("ghost-id" in w for w in ownership.warnings(store, sid))
    us = ownership.statuses(store, [sid], "us")
    assert us[(sid, "c-vostok")]["owned_share"] == pytest.approx(0.55)
    # independent: the same share from the stored links with plain SQL
    (direct,) = store.raw.execute(
        "SELECT sum(CAST(replace(json_extract_string(data, '$.share_text'), '%', '') AS DOUBLE))"
        " / 100 "
        "FROM list_relations WHERE snapshot_id = ? AND target = 'c-vostok' "
        "AND source IN ('t-sidorenko', 't-alfa')",
        [sid],
    ).fetchone()
    assert direct == pytest.approx(us[(sid, "c-vostok")]["owned_share"])
    # round trip and a context entity's version follows its status
    back = snapshots.parsed_from(store, sid)
    assert len(back.entities) == 10 and len(back.relations) == 12
    rows = dict(
        store.raw.execute(
            "SELECT entity_id, entity_hash FROM list_entities WHERE snapshot_id = ?", [sid]
        ).fetchall()
    )
    vostok = next(e for e in p.entities if e.entity_id == "c-vostok")
    assert rows["c-vostok"] != vostok.content_hash()
    sidorenko = next(e for e in p.entities if e.entity_id == "t-sidorenko")
    assert rows["t-sidorenko"] == sidorenko.content_hash()


def _one(s: graph.Status) -> graph.Assessment:
    """An assessment of one entity with status ``s`` under both rules, as columns."""
    via = tuple(dict.fromkeys(s.via))
    ids = [s.entity_id, *(v for v in via if v != s.entity_id)]
    pos = [ids.index(v) for v in s.via]
    rs = status_columns.build(
        s.rule,
        [0],
        [status_columns.BASES.index(s.basis)],
        [s.blocked],
        [float("nan") if s.owned_share is None else s.owned_share],
        np.array([[*pos, -1]], dtype=np.int64),
        np.array([len(pos)]),
        [s.explanation],
    )
    return graph.Assessment(ids, {"us": rs, "eu": rs}, ())


@given(
    st.text(),
    st.sampled_from(["us", "eu"]),
    st.booleans(),
    st.none() | st.floats(0, 1),
    st.lists(st.text(), max_size=3),
    st.text(),
)
def test_status_json_is_json_dumps(
    eid: str, rule: str, blocked: bool, share: float | None, via: list[str], text: str
) -> None:
    s = graph.Status(eid, rule, "owned", blocked, share, tuple(via), text)
    assert s.sorted_json() == json.dumps(s.to_dict(), sort_keys=True, ensure_ascii=False)
    a = _one(s)
    want = json.dumps({r: s.to_dict() for r in ("us", "eu")}, sort_keys=True, ensure_ascii=False)
    assert a.status_json(eid) == want


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c", "ghost", ""]),
            st.sampled_from(["a", "b", "c", "ghost", ""]),
            st.none() | st.text(max_size=8) | st.sampled_from(["-5", "101", "nan", "1e400"]),
        ),
        max_size=8,
    )
)
def test_bad_links_never_crash_and_never_block_silently(
    bad: list[tuple[str, str, str | None]],
) -> None:
    """Whatever the other links say (unknown ids, percentages outside 0-100 or not numbers,
    cycles), the load completes, a good 60% holding still blocks, an entity is blocked only
    with a stated share of 50% or more, and every bad link has a warning naming it."""
    ents = [
        ListEntity("a", "Person", "A", listed=True),
        ListEntity("b", "Company", "B", listed=False),
        ListEntity("c", "Company", "C", listed=False),
        ListEntity("good", "Company", "GOOD", listed=False),
    ]
    rel = [Relation("ok", "ownership", "a", "good", share_text="60")]
    rel += [Relation(f"x{i}", "ownership", o, t, share_text=s) for i, (o, t, s) in enumerate(bad)]
    out = graph.assess(ents, rel, TODAY)
    assert out.statuses["us"]["good"].blocked
    text = "\n".join(out.warnings)
    for r in rel[1:]:
        _, problem = parse_share(r.share_text)
        if "ghost" in (r.source, r.target) or "" in (r.source, r.target):
            assert f"ownership {r.relation_id}: unknown entity" in text
        elif r.source == r.target:
            assert f"ownership {r.relation_id}: {r.source} linked to itself" in text
        elif problem:
            assert f"ownership {r.relation_id}: {problem}" in text
    for st_ in out.statuses["us"].values():
        if st_.blocked:
            assert st_.owned_share is not None and st_.owned_share >= 0.5 - 1e-9
    # a cycle among the context companies is named in a warning
    cyc = graph.assess(
        ents,
        [
            Relation("c1", "ownership", "a", "b", share_text="10"),
            Relation("c2", "ownership", "b", "c", share_text="10"),
            Relation("c3", "ownership", "c", "b", share_text="10"),
        ],
        TODAY,
    )
    assert "ownership cycle: B (b), C (c)" in cyc.warnings


def _rule(
    rule: str, rows: list[tuple[int, int, bool, float | None, list[int], str]]
) -> status_columns.RuleStatuses:
    """One rule's columns from (position, basis, blocked, share, via positions, text) rows."""
    width = max([len(v) for *_, v, _ in rows] + [0]) + 1
    via = np.full((len(rows), width), -1, dtype=np.int64)
    for i, (*_, v, _) in enumerate(rows):
        via[i, : len(v)] = v
    return status_columns.build(
        rule,
        [r[0] for r in rows],
        [r[1] for r in rows],
        [r[2] for r in rows],
        [float("nan") if r[3] is None else r[3] for r in rows],
        via,
        np.array([len(r[4]) for r in rows], dtype=np.int64),
        [r[5] for r in rows],
    )


status_rows = st.tuples(
    st.sampled_from(["none", "us", "eu", "both"]),
    st.integers(0, 3),
    st.booleans(),
    st.none() | st.floats(0, 1),
    st.lists(st.integers(0, 5), max_size=4, unique=True),
    st.text(),
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(status_rows, min_size=6, max_size=6),
    st.lists(st.text(max_size=6), min_size=6, max_size=6, unique=True),
    st.lists(st.integers(0, 5), max_size=8),
)
def test_status_json_of_many_entries_is_json_dumps(
    rows: list[tuple[str, int, bool, float | None, list[int], str]],
    ids: list[str],
    positions: list[int],
) -> None:
    """Both rules' status JSON of several entries at once (written column-wise by Arrow) is
    ``json.dumps`` of their statuses, for entries with one rule's status, both or none, in any
    order and repeated."""
    by_rule = {
        rule: _rule(rule, [(x, *r[1:]) for x, r in enumerate(rows) if r[0] in (rule, "both")])
        for rule in ("us", "eu")
    }
    a = graph.Assessment(ids, by_rule, ())
    statuses = a.statuses
    want = [
        json.dumps(
            {r: s[ids[x]].to_dict() for r, s in statuses.items() if ids[x] in s},
            sort_keys=True,
            ensure_ascii=False,
        )
        for x in positions
    ]
    assert a.status_json_at(positions) == want


def test_status_json_of_texts_arrow_cannot_hold_is_json_dumps() -> None:
    """A lone surrogate (from JSON read back) in an explanation or an id: the texts are
    written one by one instead, the same as ``json.dumps``."""
    for eid, text in (("x", "owned \ud800 by"), ("\udcff", "plain")):
        s = graph.Status(eid, "us", "owned", True, 0.5, (), text)
        want = json.dumps(
            {r: s.to_dict() for r in ("us", "eu")}, sort_keys=True, ensure_ascii=False
        )
        assert _one(s).status_json(eid) == want


def test_via_computed_once_when_both_rules_have_the_same_sources(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The EU rule reuses the US rule's ``via`` only when its sources are the same: the
    contributing owners are the same under both thresholds; a director blocked under one rule
    only (A, owned exactly 50% by listed T: blocked under the US rule, not the EU one) is a
    source under that rule only, so the second rule's ``via`` is computed again."""
    calls = []
    real = graph.via_lists

    def counted(*args: Any) -> Any:
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(graph, "via_lists", counted)
    people = [
        ListEntity("t", "Person", "T"),
        ListEntity("a", "Company", "A", listed=False),
        ListEntity("b", "Company", "B", listed=False),
    ]
    links = [Relation("r1", "ownership", "t", "a", share_text="50")]
    a = graph.assess(people, links, TODAY)
    assert len(calls) == 1
    assert a.statuses["us"]["a"].via == a.statuses["eu"]["a"].via == ("t",)
    directed = [*links, Relation("r2", "directorship", "a", "b", role="director")]
    a = graph.assess(people, directed, TODAY)
    assert len(calls) == 3
    assert a.statuses["us"]["b"].via == ("t", "a") and "b" not in a.statuses["eu"]
