"""A snapshot written in Arrow batches stores what the row-by-row load stored: the same entry
versions and entry JSON byte for byte, links and statuses that read back as the same dicts."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from roundabout.lists import graph, json_text, snapshot_batches, snapshots
from roundabout.lists.model import ListEntity, ParsedList
from roundabout.lists.relations import Relation
from roundabout.store import Store, ownership

texts = st.text(max_size=12)
entities = st.builds(
    ListEntity,
    entity_id=texts,
    schema=st.sampled_from(["Person", "Company"]),
    name=texts,
    aliases=st.lists(texts, max_size=3).map(tuple),
    countries=st.lists(texts, max_size=2).map(tuple),
    identifiers=st.lists(st.tuples(texts, texts), max_size=2).map(tuple),
    birth_dates=st.lists(texts, max_size=2).map(tuple),
    programs=st.lists(texts, max_size=2).map(tuple),
    record=st.integers(-(2**40), 2**40),
    listed_on=st.none() | texts,
    listed=st.booleans(),
    addresses=st.lists(texts, max_size=2).map(tuple),
)


def _old_content_hash(e: ListEntity) -> str:
    data = e._data()
    data.pop("record")
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()


@given(entities)
def test_entry_json_and_version_are_json_dumps(e: ListEntity) -> None:
    assert e.to_json() == json.dumps(e._data(), ensure_ascii=False)
    assert e.content_hash() == _old_content_hash(e)


bare_entities = st.builds(
    ListEntity,
    entity_id=texts,
    schema=st.sampled_from(["Person", "Company"]),
    name=texts,
    record=st.integers(-(2**40), 2**40),
    listed=st.booleans(),
)


@given(bare_entities)
def test_bare_entry_json_and_version_are_json_dumps(e: ListEntity) -> None:
    """An entry with nothing but its id, schema, name and record (most context entities of an
    ownership graph) takes the short form: still byte for byte ``json.dumps``."""
    assert e.to_json() == json.dumps(e._data(), ensure_ascii=False)
    assert e.content_hash() == _old_content_hash(e)


def test_bare_entry_of_unexpected_types_takes_json_dumps() -> None:
    e = ListEntity("x-1", "Company", 7, listed=False)  # type: ignore[arg-type]
    assert e.to_json() == json.dumps(e._data(), ensure_ascii=False)
    assert e.content_hash() == _old_content_hash(e)


def test_entry_of_unexpected_types_takes_json_dumps() -> None:
    e = ListEntity("x-1", "Company", "X", identifiers=(("inn", 7),), record=True)  # type: ignore[arg-type]
    assert e.to_json() == json.dumps(e._data(), ensure_ascii=False)
    assert e.content_hash() == _old_content_hash(e)


@given(st.text(), st.lists(st.text(), max_size=4))
def test_quote_is_json_dumps(text: str, items: list[str]) -> None:
    assert json_text.quote(text) == json.dumps(text, ensure_ascii=False)
    assert "[" + json_text.quote_all(items) + "]" == json.dumps(items, ensure_ascii=False)


def _graph() -> ParsedList:
    listed = [
        ListEntity("t-1", "Person", 'Ivan "Vanya" Petrov\\', programs=("RUSSIA-EO14024",)),
        ListEntity("t-2", "Company", "ООО Альфа", countries=("ru",)),
    ]
    ctx = [ListEntity(f"c-{i}", "Company", f"Company {i}\n", listed=False) for i in range(12)]
    ctx.append(ListEntity("c-far", "Company", "Nobody Ltd", listed=False))
    links = [
        Relation("r-0", "ownership", "t-1", "c-0", share_text="30%", start="2020-01-01"),
        Relation("r-1", "ownership", "t-2", "c-0", share_text="25"),
        Relation("r-2", "directorship", "t-1", "c-1", role="ГЕНЕРАЛЬНЫЙ ДИРЕКТОР", record=7),
        Relation("r-3", "ownership", "t-1", "c-2", share_text="abc"),
        Relation("r-4", "ownership", "c-0", "c-3", share_text="60", end="2099-12-31"),
        Relation("r-5", "ownership", "c-3", "c-0", share_text="10"),
        Relation("r-6", "family", "t-1", "c-4"),
        Relation("r-7", "ownership", "t-2", "c-5", share_text="49.99"),
        Relation("r-8", "ownership", "t-2", "ghost", share_text="51"),
        *(
            Relation(f"r-{9 + i}", "ownership", f"c-{5 + i}", f"c-{6 + i}", share_text="75")
            for i in range(6)
        ),
    ]
    return ParsedList("test", "2026-12-01", "ab" * 32, ("g.jsonl",), (*listed, *ctx), tuple(links))


def test_batched_snapshot_is_the_row_by_row_one() -> None:
    p = _graph()
    with Store(None) as store:
        sid = snapshots.save(store, p, audit=False).snapshot.snapshot_id
        a = graph.assess(p.entities, p.relations, date.today())
        rows = store.raw.execute(
            "SELECT entity_id, entity_hash, data FROM list_entities WHERE snapshot_id = ? "
            "ORDER BY rowid",
            [sid],
        ).fetchall()
        reached = {e for s in a.statuses.values() for e in s}
        screened = [e for e in p.entities if e.listed or e.entity_id in reached]
        want = []
        for e in screened:  # the row-by-row load's version and JSON
            h = _old_content_hash(e)
            if not e.listed:
                blob = h + json.dumps(
                    {r: s[e.entity_id].to_dict() for r, s in a.statuses.items()},
                    sort_keys=True,
                    ensure_ascii=False,
                )
                h = hashlib.sha256(blob.encode("utf-8")).hexdigest()
            want.append((e.entity_id, h, json.dumps(e._data(), ensure_ascii=False)))
        assert rows == want
        assert [json.loads(d) for d in ownership.relations(store, sid)] == [
            json.loads(r.to_json()) for r in p.relations
        ]
        assert [Relation.from_json(d) for d in ownership.relations(store, sid)] == list(p.relations)
        for rule in graph.RULES:
            got = ownership.statuses(store, [sid], rule)
            assert got == {(sid, k): s.to_dict() for k, s in a.statuses[rule].items()}
        context = [e.to_json() for e in p.entities if not (e.listed or e.entity_id in reached)]
        assert ownership.context(store, sid) == sorted(
            context, key=lambda d: json.loads(d)["entity_id"]
        )
        assert ownership.warnings(store, sid) == list(a.warnings)


def test_batches_of_any_size_hold_the_same_rows() -> None:
    p = _graph()
    a = graph.assess(p.entities, p.relations, date.today())

    def rows(tables: list[pa.Table]) -> list[dict[str, object]]:
        return [r for t in tables for r in t.to_pylist()]

    for size in (1, 4, snapshot_batches.BATCH):
        assert rows(list(snapshot_batches.relations(p.relations, size))) == rows(
            list(snapshot_batches.relations(p.relations))
        )
        assert rows(list(snapshot_batches.statuses(a, size))) == rows(
            list(snapshot_batches.statuses(a))
        )
        every = list(range(len(p.entities)))
        assert rows(list(snapshot_batches.entries("s", p.entities, every, a, size))) == rows(
            list(snapshot_batches.entries("s", p.entities, every, a))
        )


@settings(max_examples=25, deadline=None)
@given(st.lists(entities, min_size=1, max_size=5, unique_by=lambda e: e.entity_id))
def test_stored_entries_read_back(found: list[ListEntity]) -> None:
    p = ParsedList("t", None, "cd" * 32, ("f",), tuple(e for e in found if e.listed))
    with Store(None) as store:
        sid = snapshots.save(store, p, audit=False).snapshot.snapshot_id
        assert snapshots.entities(store, sid) == sorted(p.entities, key=lambda e: e.entity_id)
