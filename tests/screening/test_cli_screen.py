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
