"""The stored index: same hits as a fresh build, keyed by the snapshots and the code."""

import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roundabout.lists import ofac, snapshots, un
from roundabout.matching.matcher import Screener, person_flag
from roundabout.matching.model import Party
from roundabout.matching.normalize import analyze
from roundabout.screening import stored_index
from roundabout.screening.lists_in_use import build_screener, resolve_lists, screener_for
from roundabout.store import Store

DATA = Path(__file__).parent.parent / "data" / "lists"


def _queries(screener: Screener, n: int = 400) -> list[Party]:
    """List names as written, with a letter dropped, words swapped or a country added, and
    names that are not on the lists."""
    rng = random.Random(12)
    out: list[Party] = []
    picks = rng.sample(range(len(screener.entries)), n)
    for k, i in enumerate(picks):
        e = screener.entries[i].entity
        name = rng.choice(e.names)
        words = name.split()
        if k % 4 == 1 and len(name) > 6:
            j = rng.randrange(1, len(name) - 1)
            name = name[:j] + name[j + 1 :]
        elif k % 4 == 2 and len(words) > 1:
            name = " ".join(reversed(words))
        country = e.countries[0] if k % 3 == 0 and e.countries else None
        schema = e.schema if k % 2 else None
        out.append(Party(f"q{k}", name, country, e.identifiers[:1], schema=schema))
    out += [Party("x1", "Zzyzx Quellbrook Holdings"), Party("x2", "Иван Петров", "ru")]
    return out


def _hits(screener: Screener, parties: list[Party]) -> list[list[dict[str, Any]]]:
    return [[h.to_dict() for h in screener.screen(p, 0.72)] for p in parties]


def test_stored_index_gives_the_hits_and_candidates_of_a_fresh_one(
    bundled_screener: Screener, tmp_path: Path
) -> None:
    stored_index.save(bundled_screener, tmp_path, "k")
    loaded = stored_index.load(tmp_path, "k")
    assert isinstance(loaded, Screener) and loaded is not bundled_screener
    assert isinstance(loaded.index.postings, stored_index.Postings)  # really the stored one
    assert isinstance(loaded.index.weights, stored_index.FloatTuples)
    assert list(loaded.index.weights) == bundled_screener.index.weights
    assert loaded.index.kept[-1] == bundled_screener.index.kept[-1]
    parties = _queries(bundled_screener)
    fresh = _hits(bundled_screener, parties)
    assert sum(map(len, fresh)) > 300  # the sample hits the lists
    assert _hits(loaded, parties) == fresh
    # Candidate recall: the same candidates with the same bounds, at two floors.
    for p in parties[:150]:
        form = analyze(p.name, person_flag(p.schema))
        for floor in (0.5, 0.72):
            assert loaded.index.bounds(form, floor) == bundled_screener.index.bounds(form, floor)
    assert loaded.snapshot_ids == bundled_screener.snapshot_ids
    assert len(loaded.entries) == len(bundled_screener.entries)
    # Read into memory (long party files): plain dicts and lists, the same hits.
    stored_index.materialize(loaded)
    assert type(loaded.index.postings) is dict and type(loaded.index.names) is list
    assert type(loaded.index.weights) is list
    assert loaded.index.postings == bundled_screener.index.postings
    loaded._scores_cached.cache_clear()
    assert _hits(loaded, parties[:100]) == fresh[:100]


def _store_with(store: Store, *files: Path) -> list[str]:
    for f in files:
        p = ofac.parse(f, publication_date="2024-05-03") if f.suffix == ".csv" else un.parse(f)
        snapshots.save(store, p)
    return resolve_lists(store, [])


def test_built_once_then_loaded_and_rebuilt_when_a_snapshot_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(stored_index.ENV, raising=False)
    said: list[str] = []
    with Store(tmp_path / "s.duckdb") as store:
        ids = _store_with(store, DATA / "ofac_sdn_sample.csv")
        first = screener_for(store, ids, said.append)
        assert said == ["building the list index (once per set of list snapshots)"]
        root = tmp_path / "s.duckdb.index"
        assert [p.name for p in root.iterdir()] == [stored_index.key_for(_keys(store, ids))]
        again = screener_for(store, ids, said.append)
        assert len(said) == 1 and isinstance(again.index.postings, stored_index.Postings)
        party = Party("p", "OOO EMS EKSPERT", "ru")
        assert _hits(again, [party]) == _hits(first, [party]) != [[]]
        # A new version of the list: another key, built afresh, with the new entry.
        v2 = ofac.parse(DATA / "ofac_sdn_sample_v2.csv", publication_date="2024-06-01")
        snapshots.save(store, v2)
        ids2 = resolve_lists(store, [])
        assert ids2 != ids
        third = screener_for(store, ids2, said.append)
        assert len(said) == 2 and len(list(root.iterdir())) == 2
        assert {e.entity.entity_id for e in third.entries} == {
            e.entity.entity_id for e in build_screener(store, ids2).entries
        }


def _keys(store: Store, ids: list[str]) -> list[tuple[str, str, int]]:
    snaps = {s.snapshot_id: s for s in snapshots.list_snapshots(store)}
    return [(i, snaps[i].sha256, snaps[i].entity_count) for i in ids]


def test_key_changes_with_the_snapshot_content_and_the_code(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    base = stored_index.key_for([("ofac:1", "a" * 64, 10)])
    assert stored_index.key_for([("ofac:1", "b" * 64, 10)]) != base
    assert stored_index.key_for([("ofac:1", "a" * 64, 11)]) != base
    assert stored_index.key_for([("ofac:1", "a" * 64, 10), ("un:1", "c" * 64, 3)]) != base
    monkeypatch.setattr(stored_index, "code_fingerprint", lambda: "other code")
    assert stored_index.key_for([("ofac:1", "a" * 64, 10)]) != base


def test_key_covers_the_code_the_index_is_built_with_and_nothing_else() -> None:
    """Every module of the package that the matcher and the list entries import is among the
    fingerprinted sources (a module added to the matcher's imports outside ``matching/`` must
    be added to :data:`~roundabout.screening.stored_index.INDEX_SOURCES`); the CLI, the store
    and the API are not, so changing them keeps a stored index."""
    import subprocess
    import sys

    src = Path(stored_index.__file__).resolve().parents[2]
    code = (
        "import sys, roundabout.matching.matcher, roundabout.matching.index, "
        "roundabout.lists.model\n"
        "print('\\n'.join(m.__file__ for n, m in sorted(sys.modules.items()) "
        "if n.startswith('roundabout') and getattr(m, '__file__', None)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": str(src), "PATH": ""},
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = {Path(line).resolve() for line in done.stdout.split()}
    covered = {p.resolve() for p in stored_index.index_files()}
    pkg = src / "roundabout"
    # Package docstrings only (roundabout/__init__.py loads its names lazily).
    inits = {pkg / "__init__.py", pkg / "lists" / "__init__.py"}
    assert loaded - inits <= covered, sorted(map(str, loaded - inits - covered))
    names = {p.relative_to(pkg).as_posix() for p in covered}
    assert "matching/data/rules.yml" in names and "matching/index.py" in names
    assert not any(n.startswith(("cli/", "store/", "api/")) for n in names)


def test_damaged_index_is_rebuilt_and_off_stores_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(stored_index.ENV, raising=False)
    said: list[str] = []
    with Store(tmp_path / "s.duckdb") as store:
        ids = _store_with(store, DATA / "ofac_sdn_sample.csv")
        screener_for(store, ids)
        (stored,) = (tmp_path / "s.duckdb.index").iterdir()
        (stored / "screener" / "index" / "postings" / "ids.npy").unlink()
        s = screener_for(store, ids, said.append)
        assert "unreadable" in said[0] and "building" in said[1]
        assert _hits(s, [Party("p", "OOO EMS EKSPERT", "ru")]) != [[]]
        assert (stored / "screener" / "index" / "postings" / "ids.npy").exists()
    monkeypatch.setenv(stored_index.ENV, "off")
    with Store(tmp_path / "t.duckdb") as store:
        screener_for(store, _store_with(store, DATA / "ofac_sdn_sample.csv"))
    assert not (tmp_path / "t.duckdb.index").exists()


_masks = st.one_of(st.integers(0, (1 << 63) - 1), st.integers(1 << 63, 1 << 70))


@settings(max_examples=40, deadline=None)
@given(
    st.dictionaries(
        st.text(min_size=0, max_size=8),
        st.dictionaries(st.integers(0, 10**6), _masks, min_size=1, max_size=5),
        max_size=30,
    ),
    st.lists(st.text(max_size=8), max_size=10),
)
def test_postings_read_back_as_written(
    tmp_path_factory: pytest.TempPathFactory, post: dict[str, dict[int, int]], other: list[str]
) -> None:
    folder = tmp_path_factory.mktemp("p") / "post"
    stored_index.Postings.write(folder, post)
    back = stored_index.Postings(folder)
    assert len(back) == len(post) and set(back) == set(post)
    for k, d in post.items():
        assert k in back and list(back[k].items()) == list(d.items())  # same order
    for k in other:
        assert back.get(k) == post.get(k) and (k in back) == (k in post)


def test_lazy_list_reads_items_on_demand(tmp_path: Path) -> None:
    items = [("a", i, {"x": [i]}) for i in range(50)]
    stored_index.LazyList.write(tmp_path / "l", items)
    back = stored_index.LazyList(tmp_path / "l")
    assert len(back) == 50 and back[3] == items[3] and back[-1] == items[-1]
    assert back[10:13] == items[10:13] and list(back) == items
    with pytest.raises(IndexError):
        back[50]


def test_postings_tell_apart_keys_sharing_a_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stored_index, "_hash", lambda b: len(b) % 2)  # collisions everywhere
    post = {f"k{i}": {i: i + 1} for i in range(20)} | {"": {7: 8}, "é": {9: 1 << 62}}
    stored_index.Postings.write(tmp_path / "p", post)
    back = stored_index.Postings(tmp_path / "p")
    assert {k: back[k] for k in post} == post
    assert back.get("k99") is None and "zz" not in back
