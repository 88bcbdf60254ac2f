"""Hits through ownership, end to end: ``lists load --ownership`` and ``screen --list`` with a
users' ownership CSV, ``--rule us|eu``, basis / owned_share / via in the JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from roundabout.cli.main import app

DATA = Path(__file__).parent.parent / "data" / "lists"
runner = CliRunner()


def _parties(tmp_path: Path) -> Path:
    f = tmp_path / "parties.csv"
    f.write_text(
        "id,name,type\n"
        "p1,VOSTOK KARGO TREYD,company\n"
        "p2,GAMMA ELEKTRON SERVIS,company\n"
        "p3,DELTA MIKROSKHEMA,company\n"
        "p4,EPSILON RADIODETAL,company\n"
        "p5,ALFA STROY INVEST,company\n"
        "p6,KAPPA LOGISTIK TRADE LLP,company\n",
        encoding="utf-8",
    )
    return f


def _screen(tmp_path: Path, *extra: str) -> dict[str, dict[str, Any]]:
    r = runner.invoke(
        app,
        [
            "screen",
            "parties",
            str(_parties(tmp_path)),
            "--db",
            str(tmp_path / "s.duckdb"),
            "--json",
            *extra,
        ],
    )
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    return {x["id"]: x for x in out["results"]}


def test_owned_related_and_listed(tmp_path: Path) -> None:
    res = _screen(tmp_path, "--list", str(DATA / "ownership_sample.ftm.jsonl"))
    vostok = res["p1"]["hits"][0]
    assert vostok["entity_id"] == "c-vostok" and vostok["match"] is True
    assert vostok["basis"] == "owned" and vostok["owned_share"] == 0.55
    assert vostok["via"] == ["t-sidorenko", "t-alfa"]
    assert (
        "owned 55% by Pavel Igorevich SIDORENKO (30%) and ALFA STROY INVEST (25%), both "
        "listed" in vostok["explanation"]
    )
    gamma = res["p2"]["hits"][0]
    assert gamma["basis"] == "related" and gamma["match"] is False
    assert gamma["owned_share"] == 0.49
    delta = res["p3"]["hits"][0]
    assert delta["basis"] == "related" and delta["match"] is False
    assert res["p4"]["hits"] == []  # held until 2020: context, not screened
    alfa = res["p5"]["hits"][0]
    assert alfa["basis"] == "listed" and alfa["match"] is True
    assert res["p6"]["hits"] == []


def test_eu_rule_blocks_control(tmp_path: Path) -> None:
    res = _screen(tmp_path, "--list", str(DATA / "ownership_sample.ftm.jsonl"), "--rule", "eu")
    delta = res["p3"]["hits"][0]
    assert delta["basis"] == "controlled" and delta["match"] is True and delta["rule"] == "eu"


def test_users_ownership_csv_on_screen(tmp_path: Path) -> None:
    res = _screen(
        tmp_path,
        "--list",
        str(DATA / "ownership_sample.ftm.jsonl"),
        "--list",
        str(DATA / "owners_sample.csv"),
    )
    kappa = res["p6"]["hits"][0]  # a name only the user's CSV knows
    assert kappa["match"] is True and kappa["basis"] == "owned"
    assert kappa["owned_share"] == 0.55
    assert set(kappa["via"]) == {"t-sidorenko", "t-alfa"}


def test_lists_load_ownership_warns(tmp_path: Path) -> None:
    db = str(tmp_path / "s.duckdb")
    r = runner.invoke(
        app,
        [
            "lists",
            "load",
            str(DATA / "ownership_sample.ftm.jsonl"),
            "--ownership",
            str(DATA / "owners_sample.csv"),
            "--db",
            db,
            "--json",
        ],
    )
    assert r.exit_code == 0, r.output
    (out,) = json.loads(r.stdout)
    assert out["status"] == "loaded" and len(out["files"]) == 2
    w = "\n".join(out["warnings"])
    assert "owners_sample.csv line 5: percentage 'lots' is not a number" in w
    assert "unknown entity ghost-id" in w
    assert "warning:" in r.stderr


def test_bad_ownership_csv_is_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "owners.csv"
    bad.write_text('owner,asset,share\n"broken,x,1\n', encoding="utf-8")
    r = runner.invoke(
        app,
        [
            "lists",
            "load",
            str(DATA / "ownership_sample.ftm.jsonl"),
            "--ownership",
            str(bad),
            "--db",
            str(tmp_path / "s.duckdb"),
        ],
    )
    assert r.exit_code != 0
    assert "owners.csv" in r.output


def test_statuses_follow_the_screening_day(tmp_path: Path, monkeypatch: Any) -> None:
    """A holding that ends between the load and the screening stops blocking, and one that
    starts in between starts to (a company tied to a listed person only by a holding to come
    is screened from the load on, as information): the statuses are computed again for the
    screening day (once: kept in the store), with a new entry version (a decision on the old
    one is not reused)."""
    from datetime import date

    from roundabout.lists import snapshots
    from roundabout.lists.model import ListEntity, ParsedList
    from roundabout.lists.relations import Relation
    from roundabout.matching.model import Party
    from roundabout.ownership import dates
    from roundabout.screening.lists_in_use import screener_for
    from roundabout.store import Store
    from roundabout.store import ownership as stored

    entities = (
        ListEntity("l-1", "Person", "IVAN PETROV", listed=True),
        ListEntity("l-2", "Person", "OLEG SMIRNOV", listed=True),
        ListEntity("c-1", "Company", "NORD TRANSIT", listed=False),
        ListEntity("c-2", "Company", "SUD KOMPLEKT", listed=False),
        ListEntity("c-3", "Company", "VOSTOK MONTAZH", listed=False),
    )
    links = (
        Relation("o-1", "ownership", "l-1", "c-1", share_text="60", end="2026-12-10"),
        Relation("o-2", "ownership", "l-2", "c-1", share_text="30"),
        Relation("o-3", "ownership", "l-1", "c-2", share_text="30"),
        Relation("o-4", "ownership", "l-2", "c-2", share_text="30", start="2026-12-12"),
        Relation("o-5", "ownership", "l-1", "c-3", share_text="70", start="2026-12-12"),
    )
    parsed = ParsedList("ftm", "2026-12-01", "a" * 64, ("x.jsonl",), entities, links)
    day = {"today": date(2026, 12, 2)}
    monkeypatch.setattr(dates, "today", lambda: day["today"])

    def hit(screener: Any, name: str) -> Any:
        (h,) = [h for h in screener.screen(Party("p", name)) if h.name == name]
        return h

    with Store(tmp_path / "s.duckdb") as store:
        sid = snapshots.save(store, parsed).snapshot.snapshot_id
        before = screener_for(store, [sid])
        nord, sud = hit(before, "NORD TRANSIT"), hit(before, "SUD KOMPLEKT")
        assert (nord.match, nord.extra["basis"], nord.extra["owned_share"]) == (True, "owned", 0.9)
        assert (sud.match, sud.extra["basis"]) == (False, "related")
        vostok = hit(before, "VOSTOK MONTAZH")  # only a holding to come: screened, informs
        assert (vostok.match, vostok.extra["basis"]) == (False, "related")
        assert "links not yet in force on 2026-12-02" in vostok.explanation

        day["today"] = date(2026, 12, 15)  # o-1 ended on the 10th, o-4 started on the 12th
        after = screener_for(store, [sid])
        nord2, sud2 = hit(after, "NORD TRANSIT"), hit(after, "SUD KOMPLEKT")
        assert (nord2.match, nord2.extra["basis"], nord2.extra["owned_share"]) == (
            False,
            "related",
            0.3,
        )
        assert "30% owned by OLEG SMIRNOV (30%), listed" in nord2.explanation
        assert (sud2.match, sud2.extra["basis"], sud2.extra["owned_share"]) == (True, "owned", 0.6)
        assert nord2.entity_hash != nord.entity_hash and sud2.entity_hash != sud.entity_hash
        vostok2 = hit(after, "VOSTOK MONTAZH")
        assert (vostok2.match, vostok2.extra["basis"], vostok2.extra["owned_share"]) == (
            True,
            "owned",
            0.7,
        )
        assert stored.recomputed_days(store, sid) == ["2026-12-15"]

        # a later day with no link starting or ending in between: the same computation
        day["today"] = date(2027, 3, 1)
        again = screener_for(store, [sid])
        assert hit(again, "NORD TRANSIT").entity_hash == nord2.entity_hash
        assert stored.recomputed_days(store, sid) == ["2026-12-15"]

        # a screener kept across the day the holding ends (the API) reads the new day
        day["today"] = date(2026, 12, 2)
        kept = screener_for(store, [sid])
        assert hit(kept, "NORD TRANSIT").match
        day["today"] = date(2026, 12, 11)
        assert not hit(kept, "NORD TRANSIT").match
