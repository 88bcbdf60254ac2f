from pathlib import Path

import pytest

from roundabout.errors import InputFileError, NotFoundError
from roundabout.lists import ofac, snapshots
from roundabout.lists.detect import parse_list
from roundabout.store import Store

DATA = Path(__file__).parent.parent / "data" / "lists"


def _counts(store: Store) -> tuple[int, int]:
    a = store.raw.execute("SELECT count(*) FROM list_snapshots").fetchone()
    b = store.raw.execute("SELECT count(*) FROM list_entities").fetchone()
    assert a is not None and b is not None
    return int(a[0]), int(b[0])


def test_save_once_and_diff(store: Store) -> None:
    old = ofac.parse(DATA / "ofac_sdn_sample.csv", publication_date="2024-05-03")
    new = ofac.parse(DATA / "ofac_sdn_sample_v2.csv", publication_date="2024-06-01")
    first = snapshots.save(store, old)
    assert first.status == "loaded"
    assert snapshots.save(store, old).status == "already_loaded"
    snapshots.save(store, new)
    d = snapshots.diff(store, first.snapshot.snapshot_id, "ofac_sdn")
    assert [a[0] for a in d.added] == ["ofac-99999999"]
    assert "ofac-48907" in [r[0] for r in d.removed]
    assert len(d.removed) == 13 - 6
    assert snapshots.resolve(store, "ofac_sdn").publication_date == "2024-06-01"
    assert len(snapshots.latest(store)) == 1


def test_unknown_snapshot(store: Store) -> None:
    with pytest.raises(NotFoundError, match="no list snapshot"):
        snapshots.resolve(store, "nope")


def test_bad_file_leaves_store_unchanged(store: Store, tmp_path: Path) -> None:
    snapshots.save(store, parse_list(DATA / "un_sample.xml"))
    before = _counts(store)
    bad = tmp_path / "sdn.csv"
    bad.write_text(
        (DATA / "ofac_sdn_sample.csv").read_text("utf-8").replace('"CUBA"', '"CUBA", "x"', 1),
        encoding="utf-8",
    )
    with pytest.raises(InputFileError):
        snapshots.save(store, parse_list(bad))
    assert _counts(store) == before


def test_failure_inside_the_transaction_rolls_back(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from roundabout.store import audit

    def boom(*a: object, **k: object) -> None:
        raise RuntimeError("disk full")

    snapshots.save(store, parse_list(DATA / "un_sample.xml"))
    before = _counts(store)
    monkeypatch.setattr(audit, "record", boom)
    with pytest.raises(RuntimeError):
        snapshots.save(store, parse_list(DATA / "ftm_sample.jsonl"))
    assert _counts(store) == before
