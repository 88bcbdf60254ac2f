"""Decisions bind the exact party record and list entry version they were made on."""

from pathlib import Path
from typing import Any

import duckdb
import pytest

from roundabout.errors import RoundaboutError
from roundabout.lists import snapshots
from roundabout.lists.model import ListEntity, ParsedList
from roundabout.report.data import alerts
from roundabout.screening.decisions import Decision, decide, latest_decisions
from roundabout.screening.run import screen_parties
from roundabout.store import Store

# An invented list entry (the test is about bookkeeping, not about a real listing).
ENTRY = ListEntity("test-1", "Company", "OOO SIEMENS TRADING", countries=("ru",))


def _list(store: Store) -> str:
    parsed = ParsedList("test", "2024-01-01", "0" * 64, ("test.csv",), (ENTRY,))
    return snapshots.save(store, parsed).snapshot.snapshot_id


def _file(tmp_path: Path, name: str, rows: str) -> Path:
    f = tmp_path / name
    f.write_text("id,name,country,inn\n" + rows, encoding="utf-8")
    return f


def _p17(run: Any) -> Any:
    return next(r for r in run.results if r.party.id == "p17")


def test_false_positive_on_one_record_does_not_hide_another_with_the_same_id(
    store: Store, tmp_path: Path
) -> None:
    sid = _list(store)
    a = _file(tmp_path, "a.csv", "p17,Siemens Trading GmbH,DE,\n")
    b = _file(tmp_path, "b.csv", "p17,OOO Siemens Trading,RU,\n")
    first = _p17(screen_parties(store, a, [sid]))
    assert first.matched and first.hits[0].entity_id == "test-1"
    rec = decide(store, "p17", "test-1", Decision.false_positive, "alice", "German firm")
    assert rec.party_hash == first.party.content_hash()

    other = _p17(screen_parties(store, b, [sid]))
    assert other.matched
    assert [(h.entity_id, h.status) for h in other.hits] == [("test-1", "new")]
    queue = [(x["party_id"], x["party_hash"]) for x in alerts(store)]
    assert queue == [("p17", other.party.content_hash())]

    again = _p17(screen_parties(store, a, [sid]))
    assert not again.matched and again.hits == () and again.hidden == 1


def test_ambiguous_decision_is_refused_until_the_record_is_named(
    store: Store, tmp_path: Path
) -> None:
    sid = _list(store)
    a = _p17(
        screen_parties(store, _file(tmp_path, "a.csv", "p17,Siemens Trading GmbH,DE,\n"), [sid])
    )
    screen_parties(store, _file(tmp_path, "b.csv", "p17,OOO Siemens Trading,RU,\n"), [sid])
    with pytest.raises(RoundaboutError, match="2 different screened records") as err:
        decide(store, "p17", "test-1", Decision.false_positive, "alice", "German firm")
    msg = str(err.value)
    assert "'Siemens Trading GmbH', de" in msg and "'OOO Siemens Trading', ru" in msg
    assert "\n" not in msg
    assert latest_decisions(store) == {}
    with pytest.raises(RoundaboutError, match="at least 8"):
        decide(store, "p17", "test-1", Decision.false_positive, "a", "b", record="ab")
    ph = a.party.content_hash()
    rec = decide(store, "p17", "test-1", Decision.false_positive, "alice", "x", record=ph[:10])
    assert rec.party_hash == ph
    assert set(latest_decisions(store)) == {("p17", ph, "test-1")}


def test_an_identifier_or_country_change_is_a_new_record(store: Store, tmp_path: Path) -> None:
    sid = _list(store)
    f = _file(tmp_path, "a.csv", "p17,OOO Siemens Trading,RU,7700000001\n")
    screen_parties(store, f, [sid])
    decide(store, "p17", "test-1", Decision.false_positive, "alice", "other INN")
    f2 = _file(tmp_path, "b.csv", "p17,OOO Siemens Trading,RU,7700000002\n")
    hit = _p17(screen_parties(store, f2, [sid])).hits[0]
    assert hit.status == "new"
    f3 = _file(
        tmp_path, "c.csv", "p17,OOO Siemens Trading,Rossiyskaya Federatsiya Land,7700000001\n"
    )
    res = _p17(screen_parties(store, f3, [sid]))
    assert res.party.unknown_country == "Rossiyskaya Federatsiya Land"
    assert res.to_dict()["warnings"]
    assert res.hits[0].status == "new"


def test_old_decisions_are_bound_to_the_record_they_were_made_on(tmp_path: Path) -> None:
    """A store made before records were bound: the migration adds the columns and binds each
    old decision to the latest hit it could have been made on (independently checked)."""
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE screening_decisions (party_id VARCHAR, entity_id VARCHAR, "
        "entity_hash VARCHAR, decision VARCHAR, reviewer VARCHAR, reason VARCHAR, "
        "decided_at TIMESTAMPTZ)"
    )
    con.execute(
        "CREATE TABLE screening_results (run_id VARCHAR, screened_at TIMESTAMPTZ, "
        "party_id VARCHAR, party_hash VARCHAR, entity_id VARCHAR, entity_hash VARCHAR, "
        "snapshot_id VARCHAR, score DOUBLE, is_match BOOLEAN, status VARCHAR)"
    )
    con.execute(
        "INSERT INTO screening_results VALUES "
        "('r1', '2024-01-01 10:00:00+00', 'p1', 'recA', 'e1', 'v1', 's', 0.9, true, 'new'),"
        "('r2', '2024-01-02 10:00:00+00', 'p1', 'recB', 'e1', 'v1', 's', 0.9, true, 'new'),"
        "('r3', '2024-01-04 10:00:00+00', 'p1', 'recC', 'e1', 'v1', 's', 0.9, true, 'new')"
    )
    con.execute(
        "INSERT INTO screening_decisions VALUES "
        "('p1', 'e1', 'v1', 'false_positive', 'a', 'x', '2024-01-03 10:00:00+00'),"
        "('p1', 'e1', 'v9', 'false_positive', 'a', 'x', '2024-01-05 10:00:00+00')"
    )
    con.close()
    with Store(path) as store:  # opening for writing migrates
        got = store.raw.execute(
            "SELECT entity_hash, party_hash FROM screening_decisions ORDER BY decided_at"
        ).fetchall()
        assert set(latest_decisions(store)) == {("p1", "recB", "e1")}
    with Store(path) as store:  # once: a second opening changes nothing
        again = store.raw.execute(
            "SELECT entity_hash, party_hash FROM screening_decisions ORDER BY decided_at"
        ).fetchall()
        assert again == got and set(latest_decisions(store)) == {("p1", "recB", "e1")}
    # recB: the latest hit of (p1, e1, v1) before the decision; v9 was never screened.
    assert got == [("v1", "recB"), ("v9", None)]


def test_a_confirmed_match_stays_matched_at_a_stricter_threshold(
    store: Store, tmp_path: Path
) -> None:
    sid = _list(store)
    f = _file(tmp_path, "a.csv", "p17,Siemens Trading GmbH,DE,\n")
    hit = _p17(screen_parties(store, f, [sid])).hits[0]
    assert 0.72 <= hit.score < 0.99
    decide(store, "p17", "test-1", Decision.true_match, "alice", "same firm, new address")
    strict = _p17(screen_parties(store, f, [sid], threshold=0.99, new_only=True))
    assert strict.matched and strict.hits == () and strict.hidden == 1
    # Without the decision the same threshold leaves it unmatched (the test can tell).
    g = _file(tmp_path, "b.csv", "p18,Siemens Trading GmbH,DE,\n")
    other = next(r for r in screen_parties(store, g, [sid], threshold=0.99).results)
    assert not other.matched and other.hits[0].score == hit.score
