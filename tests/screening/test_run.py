from pathlib import Path
from typing import Any

import pytest

from roundabout.errors import InputFileError, NotFoundError, RoundaboutError
from roundabout.lists import ofac, snapshots
from roundabout.screening.decisions import Decision, decide
from roundabout.screening.parties import read_parties
from roundabout.screening.run import screen_parties
from roundabout.store import Store, audit

DATA = Path(__file__).parent.parent / "data" / "lists"


@pytest.fixture
def parties(tmp_path: Path) -> Path:
    f = tmp_path / "parties.csv"
    f.write_text(
        "id,name,country,inn,type\n"
        "p1,Иван Павлович Прокопенко,RU,,person\n"
        'p2,"ООО ""ЭМС Эксперт""",RU,7107551966,company\n'
        "p3,Nothing Like Anything Ltd,GB,,company\n",
        encoding="utf-8",
    )
    return f


def _sample(store: Store) -> str:
    p = ofac.parse(DATA / "ofac_sdn_sample.csv", publication_date="2024-05-03")
    return snapshots.save(store, p).snapshot.snapshot_id


def test_screen_records_snapshots_and_statuses(store: Store, parties: Path) -> None:
    sid = _sample(store)
    run = screen_parties(store, parties, [sid])
    assert run.snapshots == (sid,)
    by_id = {r.party.id: r for r in run.results}
    assert by_id["p2"].hits[0].entity_id == "ofac-48905"
    assert all(h.status == "new" and h.snapshot_id == sid for h in by_id["p2"].hits)
    assert by_id["p3"].hits == ()
    again = screen_parties(store, parties, [sid])
    assert {h.status for r in again.results for h in r.hits} == {"seen"}
    assert all(not r.hits for r in screen_parties(store, parties, [sid], new_only=True).results)
    events = [e["event"] for e in audit.read(store)]
    assert events.count("screening_run") == 3 and "list_loaded" in events


def test_dismissed_pair_stays_quiet_until_the_entry_changes(
    store: Store, parties: Path, tmp_path: Path
) -> None:
    sid = _sample(store)
    screen_parties(store, parties, [sid])
    rec = decide(store, "p2", "ofac-48905", Decision.false_positive, "alice", "different company")
    assert rec.reviewer == "alice"
    run = screen_parties(store, parties, [sid])
    p2 = next(r for r in run.results if r.party.id == "p2")
    assert "ofac-48905" not in [h.entity_id for h in p2.hits]
    shown = screen_parties(store, parties, [sid], show_dismissed=True)
    p2 = next(r for r in shown.results if r.party.id == "p2")
    assert next(h for h in p2.hits if h.entity_id == "ofac-48905").status == "dismissed"
    # The list entry changes (a new alias): the pair alerts again.
    text = (DATA / "ofac_sdn_sample.csv").read_text("utf-8")
    changed = tmp_path / "sdn_2024-06-01.csv"
    changed.write_text(
        text.replace("LIMITED LIABILITY COMPANY EMS EKSPERT", "EMS EKSPERT OOO"), "utf-8"
    )
    run = screen_parties(store, parties, [str(changed)])
    p2 = next(r for r in run.results if r.party.id == "p2")
    hit = next(h for h in p2.hits if h.entity_id == "ofac-48905")
    assert hit.status == "changed"
    assert [e["event"] for e in audit.read(store)].count("decision") == 1


def test_decision_needs_an_existing_hit_and_a_reason(store: Store, parties: Path) -> None:
    sid = _sample(store)
    with pytest.raises(NotFoundError):
        decide(store, "p9", "ofac-1", Decision.true_match, "bob", "x")
    screen_parties(store, parties, [sid])
    with pytest.raises(RoundaboutError, match="reason"):
        decide(store, "p2", "ofac-48905", Decision.true_match, "bob", " ")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("id,label\n1,x\n", "no 'name' column"),
        ("id,name\n1,\n", "line 2: party 1: empty name"),
        ("id,name\n1,A\n1,B\n", "line 3: duplicate id"),
        ("id,name,type\n1,A,robot\n", "unknown type"),
        ("id,name,identifiers\n1,A,foo:1\n", "unknown identifier kind"),
        ("id,name\n1," + "x" * 5000 + "\n", "characters"),
        ("id,name\n", "no parties"),
    ],
)
def test_bad_party_files(store: Store, tmp_path: Path, content: str, message: str) -> None:
    f = tmp_path / "p.csv"
    f.write_text(content, encoding="utf-8")
    with pytest.raises(InputFileError, match=message) as err:
        screen_parties(store, f, ["nope"])
    assert str(f) in str(err.value) and "\n" not in str(err.value)
    # nothing was written: no hit, no audit event
    assert store.table("screening_results").count().execute() == 0
    assert store.table("screening_audit").count().execute() == 0


def test_parquet_parties(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    f = tmp_path / "p.parquet"
    pq.write_table(
        pa.table({"id": ["1"], "name": ["Қазақмыс"], "country": ["KZ"], "bin": ["1234"]}), f
    )
    (p,) = read_parties(f)
    assert p.country == "kz" and p.identifiers == (("bin", "1234"),)


def test_new_only_never_turns_a_listed_party_into_not_matched(
    store: Store, tmp_path: Path, bundled_screener: Any
) -> None:
    """Lavrov and Putin against the bundled lists, screened twice: the second time with
    ``new_only`` lists no hit (all were reported) but both parties stay ``matched``."""
    from roundabout.matching.model import Party
    from roundabout.screening.run import screen_loaded

    parties = [
        Party("lavrov", "Sergey Lavrov", "ru", schema="Person"),
        Party("putin", "Vladimir Putin", "ru", schema="Person"),
        Party("nobody", "Zzyzx Quellbrook", "gb", schema="Person"),
    ]

    def run(**kw: bool) -> dict[str, dict[str, Any]]:
        out = screen_loaded(
            store, bundled_screener, parties, file="t", file_sha256="", threshold=0.72, **kw
        )
        return {r["id"]: r for r in out.to_dict()["results"]}

    first = run()
    assert first["lavrov"]["matched"] is True and first["putin"]["matched"] is True
    assert first["nobody"]["matched"] is False
    assert {h["status"] for r in first.values() for h in r["hits"]} == {"new"}
    second = run(new_only=True)
    for pid in ("lavrov", "putin"):
        assert second[pid]["hits"] == [] and second[pid]["matched"] is True
        assert second[pid]["hidden_hits"] == len(first[pid]["hits"])
    # Independently, from the store: the latest run's undismissed matches per party.
    rows = store.raw.execute(
        "SELECT party_id, bool_or(is_match) FROM screening_results WHERE run_id = "
        "(SELECT arg_max(run_id, screened_at) FROM screening_results) GROUP BY party_id"
    ).fetchall()
    assert {p: m for p, m in rows} == {"lavrov": True, "putin": True}
    # A false-positive decision on Putin's match (this record) makes him not matched, and only
    # him: Lavrov's record is untouched.
    top = next(h for h in first["putin"]["hits"] if h["match"])
    decide(store, "putin", top["entity_id"], Decision.false_positive, "bob", "test")
    third = run(new_only=True)
    still = [h for h in first["putin"]["hits"] if h["match"] and h["entity_id"] != top["entity_id"]]
    assert third["putin"]["matched"] is bool(still)
    assert third["lavrov"]["matched"] is True


def test_thresholds_below_the_report_floor_are_refused(store: Store, parties: Path) -> None:
    with pytest.raises(RoundaboutError, match=r"between 0\.5 and 1"):
        screen_parties(store, parties, ["x"], threshold=0.3)


def test_python_api_new_only_keeps_matched(tmp_path: Path) -> None:
    import roundabout

    rows = [{"id": "p2", "name": 'ООО "ЭМС Эксперт"', "country": "RU"}]
    lst = [DATA / "ofac_sdn_sample.csv"]
    db = tmp_path / "s.duckdb"
    first = roundabout.screen_parties(rows, lst, db=db)
    assert first.parties["matched"].tolist() == [True]
    again = roundabout.screen_parties(rows, lst, db=db, new_only=True)
    assert again.parties["matched"].tolist() == [True] and again.parties["hits"].tolist() == [0]
