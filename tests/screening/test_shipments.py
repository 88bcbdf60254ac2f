from pathlib import Path

from roundabout.lists import ofac, snapshots
from roundabout.screening.shipments import screen_shipments
from roundabout.store import Store

DATA = Path(__file__).parent.parent / "data" / "lists"


def test_shipment_risk_and_reasons(store: Store, tmp_path: Path) -> None:
    sid = snapshots.save(store, ofac.parse(DATA / "ofac_sdn_sample.csv")).snapshot.snapshot_id
    rows = [
        "declaration_id,date,exporter,consignee,consignee_country,notify_party,"
        "notify_party_country,destination_country,hs_code,value,quantity"
    ]
    rows.append("d1,2024-01-05,Acme GmbH,Uzay Group Dis Ticaret Ltd Sti,TR,,,TR,854231,1000,10")
    rows.append("d2,2024-01-06,Acme GmbH,Alpha Trade LLC,KZ,OOO Romashka,RU,KZ,847130,500,5")
    rows.append("d3,2024-01-07,Acme GmbH,Beta GmbH,DE,,,DE,090111,100,10")
    f = tmp_path / "ship.csv"
    f.write_text("\n".join(rows) + "\n", encoding="utf-8")
    run = screen_shipments(store, f, [sid])
    by_id = {r.declaration_id: r for r in run.results}
    codes1 = {r.code for r in by_id["d1"].reasons}
    assert {"party_match", "goods_chp", "hub_destination"} <= codes1
    codes2 = {r.code for r in by_id["d2"].reasons}
    assert "russia_behind" in codes2 and "hub_destination" in codes2
    assert by_id["d3"].risk == 0.0
    assert by_id["d1"].risk > by_id["d2"].risk > by_id["d3"].risk


def test_unit_price_outlier_and_leak_finding(store: Store, tmp_path: Path) -> None:
    sid = snapshots.save(store, ofac.parse(DATA / "ofac_sdn_sample.csv")).snapshot.snapshot_id
    rows = ["declaration_id,exporter,consignee,destination_country,hs_code,value,quantity"]
    rows += [f"d{i},Acme,Zeta LLC,AM,850440,{100 + i},1" for i in range(5)]
    rows.append("odd,Acme,Zeta LLC,AM,850440,5000,1")
    f = tmp_path / "ship.csv"
    f.write_text("\n".join(rows) + "\n", encoding="utf-8")
    run = screen_shipments(store, f, [sid], leaks={("am", "850440")})
    by_id = {r.declaration_id: r for r in run.results}
    assert "unit_price" in {r.code for r in by_id["odd"].reasons}
    assert "unit_price" not in {r.code for r in by_id["d1"].reasons}
    assert "leak_finding" in {r.code for r in by_id["d1"].reasons}


def test_bad_shipment_value(store: Store, tmp_path: Path) -> None:
    import pytest

    from roundabout.errors import InputFileError

    f = tmp_path / "ship.csv"
    f.write_text(
        "declaration_id,exporter,consignee,destination_country,hs_code,value,quantity\n"
        "d1,A,B,KZ,847130,abc,1\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFileError, match="line 2: value 'abc' is not a number"):
        screen_shipments(store, f, ["x"])


def test_read_leaks_from_leaks_json_and_csv(tmp_path: Path) -> None:
    import json

    import pytest

    from roundabout.errors import InputFileError
    from roundabout.screening.shipments import read_leaks

    doc = {"summary": {}, "findings": [{"hub": "KAZ", "product": "870324"}]}
    j = tmp_path / "leaks.json"
    j.write_text(json.dumps(doc), encoding="utf-8")
    assert read_leaks(j) == {("kz", "870324")}
    c = tmp_path / "leaks.csv"
    c.write_text("hub,hs6\nKGZ,87071090\n", encoding="utf-8")
    assert read_leaks(c) == {("kg", "870710")}
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"findings": [{"hub": "KAZ", "product": "87"}]}), encoding="utf-8")
    with pytest.raises(InputFileError, match="finding 1: needs a hub country and an HS6"):
        read_leaks(bad)
    other = tmp_path / "other.json"
    other.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(InputFileError, match="expected the output of 'roundabout leaks --json'"):
        read_leaks(other)
    broken = tmp_path / "broken.json"
    broken.write_text('{"findings": [', encoding="utf-8")
    with pytest.raises(InputFileError, match=r"broken\.json: line 1: not valid JSON"):
        read_leaks(broken)


def test_missing_required_columns_are_refused_naming_them(store: Store, tmp_path: Path) -> None:
    import pytest

    from roundabout.errors import InputFileError

    f = tmp_path / "ship.csv"
    f.write_text("declaration_id,exporter,value\nd1,Acme,5\n", encoding="utf-8")
    with pytest.raises(InputFileError) as err:
        screen_shipments(store, f, ["x"])
    msg = str(err.value)
    assert "missing required columns consignee, destination_country, hs_code" in msg
    assert "line 1" in msg and "\n" not in msg
    # nothing was written: no hit, no audit event
    assert store.table("screening_results").count().execute() == 0
    assert store.table("screening_audit").count().execute() == 0


def test_unknown_country_is_kept_and_flagged_and_runs_feed_audit_and_alerts(
    store: Store, tmp_path: Path
) -> None:
    from roundabout.report.data import alerts
    from roundabout.screening.decisions import Decision, decide
    from roundabout.store import audit

    sid = snapshots.save(store, ofac.parse(DATA / "ofac_sdn_sample.csv")).snapshot.snapshot_id
    f = tmp_path / "ship.csv"
    f.write_text(
        "declaration_id,exporter,consignee,consignee_country,destination_country,hs_code\n"
        "d1,Acme GmbH,Uzay Group Dis Ticaret Ltd Sti,Turkiye Cumhuriyeti X,TR,854231\n"
        "d2,Acme GmbH,Beta GmbH,DE,Narnia,090111\n"
        "d3,Acme GmbH,,DE,DE,09\n",
        encoding="utf-8",
    )
    run = screen_shipments(store, f, [sid])
    by_id = {r.declaration_id: r for r in run.results}
    d1 = {r.code: r.detail for r in by_id["d1"].reasons}
    assert "'Turkiye Cumhuriyeti X' not recognised" in d1["unchecked"]
    assert "party_match" in d1
    d2 = {r.code: r.detail for r in by_id["d2"].reasons}
    assert d2 == {"unchecked": "destination_country 'Narnia' not recognised"}
    assert by_id["d2"].risk > 0
    d3 = {r.code: r.detail for r in by_id["d3"].reasons}
    assert "no consignee" in d3["unchecked"] and "'09' is not an HS6" in d3["unchecked"]
    (event,) = [e for e in audit.read(store) if e["event"] == "shipment_run"]
    assert event["detail"]["run_id"] == run.run_id and event["detail"]["declarations"] == 3
    queue = alerts(store)
    assert [a["party_id"] for a in queue if a["match"]] == ["d1:consignee"]
    entity = queue[0]["entity_id"]
    # The hit's record keeps the country as written.
    (rec,) = store.raw.execute(
        "SELECT DISTINCT party_record FROM screening_results WHERE party_id = 'd1:consignee'"
    ).fetchone()
    assert "Turkiye Cumhuriyeti X" in rec
    # A false-positive decision takes the hit out of the risk (and out of the queue).
    decide(store, "d1:consignee", entity, Decision.false_positive, "alice", "other firm")
    again = {r.declaration_id: r for r in screen_shipments(store, f, [sid]).results}
    assert "party_match" not in {r.code for r in again["d1"].reasons}
    assert again["d1"].hits["consignee"][0]["status"] == "dismissed"
    assert [a["party_id"] for a in alerts(store) if a["match"]] == []
