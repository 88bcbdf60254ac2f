"""The audit log's hash chain: an edited, removed or cut-off row is named; old stores migrate."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from roundabout.cli.main import app
from roundabout.lists import ofac, snapshots
from roundabout.screening.decisions import Decision, decide
from roundabout.store import Store, audit

LISTS = Path(__file__).parent.parent / "data" / "lists"


def _store(path: Path) -> None:
    """A store with a list load, three events and two decisions (no hits needed)."""
    with Store(path) as store:
        snapshots.save(
            store,
            ofac.parse(
                LISTS / "ofac_sdn_sample.csv",
                LISTS / "ofac_alt_sample.csv",
                LISTS / "ofac_add_sample.csv",
                publication_date="2024-05-03",
            ),
        )
        for i in range(3):
            audit.record(store, "screening_run", "cli:test", {"run": i, "text": "ä\u202e"})
        now = datetime.now(UTC)
        for p in ("p1", "p2"):
            store.raw.execute(
                "INSERT INTO screening_results (run_id, screened_at, party_id, party_hash, "
                "entity_id, entity_hash, snapshot_id, score, is_match, status) "
                "VALUES ('r', ?, ?, 'h', 'e1', 'eh', 's', 0.9, true, 'new')",
                [now, p],
            )
            decide(store, p, "e1", Decision.false_positive, "ana", "checked", actor="api:x:bob")


def _independent_hash(previous: str, row: dict[str, object]) -> str:
    """The documented rule, written out again: sha256(prev || '\\n' || sorted JSON)."""
    body = {k: v for k, v in row.items() if v is not None and k != "row_hash"}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(f"{previous}\n{text}".encode()).hexdigest()


def test_chain_verifies_and_follows_the_documented_rule(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    _store(db)
    with Store(db) as store:
        v = audit.verify(store)
        assert v.ok, v.message()
        assert v.rows == {"screening_audit": 6, "screening_decisions": 2}
        con = store.raw
        rows = con.execute(
            "SELECT seq, epoch_us(event_at), event, actor, detail, row_hash "
            "FROM screening_audit ORDER BY seq"
        ).fetchall()
    previous = "0" * 64
    for seq, us, event, actor, detail, h in rows:
        at = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=us)
        stamp = at.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")
        row = {"seq": seq, "event_at": stamp, "event": event, "actor": actor, "detail": detail}
        assert _independent_hash(previous, row) == h
        previous = h
    assert previous == v.head
    # the decisions record the key as actor and keep the claimed reviewer
    assert rows[-1][3] == "api:x:bob" and json.loads(rows[-1][4])["reviewer"] == "ana"


@pytest.mark.parametrize(
    ("edit", "where"),
    [
        ("UPDATE screening_audit SET actor = 'alice' WHERE seq = 3", ("screening_audit", 3)),
        ("DELETE FROM screening_audit WHERE seq = 2", ("screening_audit", 2)),
        (
            "UPDATE screening_decisions SET decision = 'true_match' WHERE chain_seq = 1",
            ("screening_decisions", 1),
        ),
        ("UPDATE list_snapshots SET sha256 = 'x'", ("screening_audit", 1)),
    ],
)
def test_an_edited_row_is_named(tmp_path: Path, edit: str, where: tuple[str, int]) -> None:
    db = tmp_path / "a.duckdb"
    _store(db)
    con = duckdb.connect(str(db))
    con.execute(edit)
    con.close()
    with Store(db) as store:
        v = audit.verify(store)
    assert not v.ok and v.broken is not None and v.broken[:2] == where, v.message()


def test_a_log_cut_short_is_caught_by_a_known_head(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    _store(db)
    with Store(db) as store:
        head = audit.verify(store).head
    con = duckdb.connect(str(db))
    con.execute("DELETE FROM screening_audit WHERE seq = (SELECT max(seq) FROM screening_audit)")
    con.close()
    with Store(db) as store:
        assert audit.verify(store).ok  # the chain alone cannot see a cut end
        v = audit.verify(store, known_head=head)
    assert not v.ok and "not in the log" in v.message()


def test_cli_verify_exits_non_zero_naming_the_row(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    _store(db)
    runner = CliRunner()
    ok = runner.invoke(app, ["screen", "audit", "--verify", "--db", str(db)])
    assert ok.exit_code == 0 and "verifies" in ok.output
    con = duckdb.connect(str(db))
    con.execute("UPDATE screening_audit SET detail = '{}' WHERE seq = 4")
    con.close()
    bad = runner.invoke(app, ["screen", "audit", "--verify", "--db", str(db)])
    assert bad.exit_code == 1
    assert "screening_audit seq 4" in bad.output and "does not match" in bad.output


def test_an_old_store_is_chained_as_found_and_says_so(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    con.execute(
        "CREATE TABLE screening_audit (seq BIGINT NOT NULL, event_at TIMESTAMPTZ NOT NULL, "
        "event VARCHAR NOT NULL, actor VARCHAR NOT NULL, detail VARCHAR NOT NULL)"
    )
    con.execute(
        "CREATE TABLE screening_decisions (party_id VARCHAR NOT NULL, entity_id VARCHAR NOT "
        "NULL, entity_hash VARCHAR NOT NULL, decision VARCHAR NOT NULL, reviewer VARCHAR NOT "
        "NULL, reason VARCHAR NOT NULL, decided_at TIMESTAMPTZ NOT NULL)"
    )
    for i in (1, 2):
        con.execute("INSERT INTO screening_audit VALUES (?, now(), 'decision', 'ana', '{}')", [i])
        con.execute(
            "INSERT INTO screening_decisions VALUES (?, 'e', 'h', 'false_positive', 'ana', "
            "'r', now())",
            [f"p{i}"],
        )
    con.close()
    with Store(db) as store:
        events = audit.read(store)  # opening for writing migrates
        v = audit.verify(store)
    assert events[-1]["event"] == "audit_chained"
    assert events[-1]["detail"]["pre_chain_rows"] == {
        "screening_audit": 2,
        "screening_decisions": 2,
    }
    assert v.ok and v.pre_chain == {"screening_audit": 2, "screening_decisions": 2}
    assert "chained as found" in v.message()
