from roundabout.lists import bundled, snapshots
from roundabout.store import Store


def test_bundled_ofac_diff_2022_to_2024(store: Store) -> None:
    a = snapshots.save(store, bundled.ofac_2022()).snapshot
    b = snapshots.save(store, bundled.ofac_2024()).snapshot
    assert (a.entity_count, b.entity_count) == (9121, 14965)
    assert a.publication_date == "2022-02-23" and b.publication_date == "2024-05-03"
    d = snapshots.diff(store, a.snapshot_id, b.snapshot_id)
    assert len(d.added) > 5000
    assert len(d.added) - len(d.removed) == 14965 - 9121
    added = {eid for eid, _, _ in d.added}
    assert "ofac-48905" in added  # LLC EMS EKSPERT, designated after the invasion
