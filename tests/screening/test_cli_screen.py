import json
from pathlib import Path

from typer.testing import CliRunner

from roundabout.cli.main import app

DATA = Path(__file__).parent.parent / "data" / "lists"
runner = CliRunner()


def test_screen_parties_json(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    parties = tmp_path / "p.csv"
    parties.write_text('id,name,country\np1,"ООО ""ЭМС Эксперт""",RU\np2,Nobody Here,GB\n', "utf-8")
    r = runner.invoke(
        app,
        [
            "screen",
            "parties",
            str(parties),
            "--list",
            str(DATA / "ofac_sdn_sample.csv"),
            "--threshold",
            "0.7",
            "--db",
            str(db),
            "--json",
        ],
    )
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    results = out["results"]
    assert [x["id"] for x in results] == ["p1", "p2"]
    hit = results[0]["hits"][0]
    assert {"entity_id", "name", "score", "match", "explanation"} <= hit.keys()
    assert hit["entity_id"] == "ofac-48905" and hit["match"] is True
    assert results[1]["hits"] == []

    r = runner.invoke(app, ["screen", "audit", "--db", str(db), "--json"])
    assert r.exit_code == 0
    assert [e["event"] for e in json.loads(r.stdout)] == ["list_loaded", "screening_run"]

    r = runner.invoke(
        app,
        [
            "screen",
            "decide",
            "p1",
            "ofac-48905",
            "--decision",
            "false_positive",
            "--reviewer",
            "alice",
            "--reason",
            "other firm",
            "--db",
            str(db),
        ],
    )
    assert r.exit_code == 0, r.output


def test_bad_list_is_one_line_error_and_store_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    r = runner.invoke(app, ["lists", "load", str(DATA / "un_sample.xml"), "--db", str(db)])
    assert r.exit_code == 0, r.output
    bad = tmp_path / "bad.xml"
    bad.write_text('<!DOCTYPE x [<!ENTITY a "b">]><CONSOLIDATED_LIST/>', "utf-8")
    r = runner.invoke(app, ["lists", "load", str(bad), "--db", str(db)])
    assert r.exit_code == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and str(bad) in lines[0] and lines[0].startswith("error:")
    r = runner.invoke(app, ["lists", "show", "--db", str(db), "--json"])
    assert len(json.loads(r.stdout)) == 1


def test_bad_party_file_is_one_line_error(tmp_path: Path) -> None:
    parties = tmp_path / "p.csv"
    parties.write_text("id,name\n1,\n", "utf-8")
    r = runner.invoke(app, ["screen", "parties", str(parties), "--db", str(tmp_path / "s.duckdb")])
    assert r.exit_code == 1
    assert r.stderr.strip() == f"error: {parties}: line 2: party 1: empty name"


def test_lists_diff_of_two_versions(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    for f, d in (("ofac_sdn_sample.csv", "2024-05-03"), ("ofac_sdn_sample_v2.csv", "2024-06-01")):
        r = runner.invoke(app, ["lists", "load", str(DATA / f), "--date", d, "--db", str(db)])
        assert r.exit_code == 0, r.output
    snaps = json.loads(runner.invoke(app, ["lists", "show", "--db", str(db), "--json"]).stdout)
    r = runner.invoke(
        app,
        [
            "lists",
            "diff",
            snaps[0]["snapshot_id"],
            snaps[1]["snapshot_id"],
            "--db",
            str(db),
            "--json",
        ],
    )
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert [a["entity_id"] for a in d["added"]] == ["ofac-99999999"]
    assert len(d["removed"]) == 7


def test_new_only_rescreen_still_prints_match(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    parties = tmp_path / "p.csv"
    parties.write_text('id,name,country\np1,"ООО ""ЭМС Эксперт""",RU\n', "utf-8")
    args = ["screen", "parties", str(parties), "--list", str(DATA / "ofac_sdn_sample.csv")]
    first = runner.invoke(app, [*args, "--db", str(db)])
    assert first.exit_code == 0, first.output
    assert 'p1  ООО "ЭМС Эксперт"  [MATCH]' in first.stdout
    again = runner.invoke(app, [*args, "--new-only", "--db", str(db)])
    assert again.exit_code == 0, again.output
    line = next(x for x in again.stdout.splitlines() if x.startswith("p1 "))
    assert "[MATCH;" in line and "not listed]" in line and "ofac-48905" not in again.stdout
    as_json = runner.invoke(app, [*args, "--new-only", "--json", "--db", str(db)])
    (res,) = json.loads(as_json.stdout)["results"]
    assert res["matched"] is True and res["hits"] == [] and res["hidden_hits"] >= 1


def test_decide_with_two_records_names_them_then_takes_record(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    lst = str(DATA / "ofac_sdn_sample.csv")
    records = []
    for i, row in enumerate(('p1,"ООО ""ЭМС Эксперт""",RU', "p1,EMS Expert GmbH,DE")):
        f = tmp_path / f"p{i}.csv"
        f.write_text("id,name,country\n" + row + "\n", "utf-8")
        r = runner.invoke(
            app, ["screen", "parties", str(f), "--list", lst, "--json", "--db", str(db)]
        )
        assert r.exit_code == 0, r.output
        records.append(json.loads(r.stdout)["results"][0]["record"])
    base = ["screen", "decide", "p1", "ofac-48905", "--decision", "false_positive"]
    base += ["--reviewer", "alice", "--reason", "other firm", "--db", str(db)]
    r = runner.invoke(app, base)
    assert r.exit_code == 1 and "--record" in r.stderr and len(r.stderr.splitlines()) == 1
    r = runner.invoke(app, [*base, "--record", records[1][:12], "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["party_hash"] == records[1]


def test_shipments_missing_columns_exit_1_naming_them(tmp_path: Path) -> None:
    f = tmp_path / "s.csv"
    f.write_text("declaration_id,exporter\nd1,Acme\n", "utf-8")
    db = tmp_path / "s.duckdb"
    r = runner.invoke(app, ["screen", "shipments", str(f), "--db", str(db)])
    assert r.exit_code == 1
    assert r.stderr.strip() == (
        f"error: {f}: line 1: missing required columns consignee, destination_country, "
        "hs_code (columns: declaration_id, exporter)"
    )
    assert not db.exists() or _rows(db, "screening_results", "screening_audit") == (0, 0)


def _rows(db: Path, *tables: str) -> tuple[int, ...]:
    """Row counts of ``tables`` (a table the store lacks counts 0)."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        have = {r[0] for r in con.execute("SHOW TABLES").fetchall()}
        counts = [con.execute(f"SELECT count(*) FROM {t}").fetchone() if t in have else (0,)
                  for t in tables]  # fmt: skip
        return tuple(int(c[0]) if c else 0 for c in counts)
    finally:
        con.close()


def test_out_file_of_a_new_only_rescreen_keeps_the_match(tmp_path: Path) -> None:
    import csv

    db = tmp_path / "s.duckdb"
    parties = tmp_path / "p.csv"
    parties.write_text('id,name,country\np1,"ООО ""ЭМС Эксперт""",RU\np2,Nobody Here,GB\n', "utf-8")
    args = ["screen", "parties", str(parties), "--list", str(DATA / "ofac_sdn_sample.csv")]
    assert runner.invoke(app, [*args, "--db", str(db)]).exit_code == 0
    out = tmp_path / "again.csv"
    r = runner.invoke(app, [*args, "--new-only", "--db", str(db), "--out", str(out)])
    assert r.exit_code == 0, r.output
    with out.open(encoding="utf-8") as f:
        rows = {row["party_id"]: row["result"] for row in csv.DictReader(f)}
    assert rows == {"p1": "match", "p2": "clear"}
