"""``--out FILE``: the same flat table in CSV, Parquet and Excel, the ``--json`` document in
``.json``; refused in one line before any work when the directory or format is wrong; text
cells in a spreadsheet never become formulas."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from roundabout.analytics import LeakParams, find_leaks
from roundabout.cli.main import app
from roundabout.cli.output import FINDING_COLUMNS, write_table
from roundabout.store import Store

REPO = Path(__file__).parents[2]
LISTS = REPO / "tests" / "data" / "lists"
ROWS = [
    {"name": "ТОО «Сбер Восток»", "score": 0.91, "match": True, "n": 3, "tags": ["a", "b"]},
    {"name": '=HYPERLINK("http://x")', "score": None, "match": False, "n": 1, "tags": []},
    {"name": "bell\x07 and tab\tinside", "score": 1.0, "match": None, "n": None, "tags": None},
]
COLUMNS = ("name", "score", "match", "n", "tags")


def _read(path: Path) -> list[dict[str, Any]]:
    if path.suffix == ".csv":
        frame = pd.read_csv(path, dtype={"name": str}, keep_default_na=False, na_values=[""])
    elif path.suffix == ".parquet":
        frame = pq.read_table(path).to_pandas()
    else:
        frame = pd.read_excel(path, engine="openpyxl")
    return [
        {k: (None if pd.isna(v) else v) for k, v in r.items()} for r in frame.to_dict("records")
    ]


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx"])
def test_the_same_flat_table_in_every_tabular_format(tmp_path: Path, suffix: str) -> None:
    path = write_table(tmp_path / f"t{suffix}", ROWS, COLUMNS)
    got = _read(path)
    assert [list(r) for r in got] == [list(COLUMNS)] * 3
    assert [r["score"] for r in got] == [0.91, None, 1.0]
    assert [r["n"] for r in got] == [3, 1, None]
    assert [r["tags"] for r in got] == ["a; b", None, None]
    assert [bool(r["match"]) if r["match"] is not None else None for r in got] == [
        True, False, None,
    ]  # fmt: skip
    assert got[0]["name"] == "ТОО «Сбер Восток»" and got[1]["name"] == ROWS[1]["name"]
    if suffix == ".xlsx":
        assert got[2]["name"] == "bell\ufffd and tab\tinside"  # Excel cannot hold \x07
    else:
        assert got[2]["name"] == ROWS[2]["name"]
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left


def test_a_spreadsheet_never_holds_a_formula(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = write_table(tmp_path / "t.xlsx", ROWS, COLUMNS)
    sheet = load_workbook(path).active
    cell = sheet["A3"]
    assert cell.value == ROWS[1]["name"] and cell.data_type == "s"
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_json_is_the_document(tmp_path: Path) -> None:
    path = write_table(tmp_path / "t.json", ROWS, COLUMNS, document={"whole": [1, 2]})
    assert json.loads(path.read_text(encoding="utf-8")) == {"whole": [1, 2]}
    path = write_table(tmp_path / "u.json", ROWS[:1], ("name", "tags"))
    assert json.loads(path.read_text(encoding="utf-8")) == [
        {"name": ROWS[0]["name"], "tags": "a; b"}
    ]


@pytest.mark.parametrize(
    ("out", "message"),
    [
        ("missing/f.csv", "no such directory {parent} (create it first)"),
        ("f.txt", "unknown format '.txt'; use one of .csv, .parquet, .xlsx, .json"),
        ("f", "unknown format '(no extension)'; use one of .csv, .parquet, .xlsx, .json"),
    ],
)
@pytest.mark.parametrize(
    "command", [["leaks"], ["screen", "parties", "p.csv"], ["screen", "shipments", "s.csv"]]
)
def test_a_bad_out_is_refused_before_any_work(
    tmp_path: Path, out: str, message: str, command: list[str]
) -> None:
    target = tmp_path / out
    db = tmp_path / "nosuch.duckdb"  # the store is not even looked at
    res = CliRunner().invoke(app, [*command, "--db", str(db), "--out", str(target)])
    assert res.exit_code == 1
    message = message.format(parent=target.parent)
    assert res.stderr.strip().splitlines() == [f"error: --out {target}: {message}"]
    assert not db.exists() and not target.exists() and not (tmp_path / "missing").exists()


def test_leaks_out_holds_the_findings_and_feeds_screen_shipments(
    synthetic_copy: Path, tmp_path: Path
) -> None:
    args = ["leaks", "--db", str(synthetic_copy), "--no-did", "--hubs", "ARM,KAZ", "--top", "8"]
    runner = CliRunner()
    for suffix in (".csv", ".parquet", ".xlsx", ".json"):
        res = runner.invoke(app, [*args, "--out", str(tmp_path / f"f{suffix}")])
        assert res.exit_code == 0, res.output
    with Store(synthetic_copy, read_only=True) as store:
        expected = find_leaks(store.flows(), LeakParams(hubs=("ARM", "KAZ"), did=False, top=8))
    doc = expected.to_dict()
    assert json.loads((tmp_path / "f.json").read_text(encoding="utf-8")) == json.loads(
        json.dumps(doc, default=str)
    )
    for suffix in (".csv", ".parquet", ".xlsx"):
        got = _read(tmp_path / f"f{suffix}")
        assert [r["rank"] for r in got] == list(range(1, 9))
        assert list(got[0]) == list(FINDING_COLUMNS)
        assert [(r["hub"], str(r["product"]), r["score"]) for r in got] == [
            (f["hub"], f["product"], f["score"]) for f in doc["findings"]
        ]
    decl = tmp_path / "decl.csv"
    top = doc["findings"][0]
    hub2 = {"ARM": "AM", "KAZ": "KZ"}[top["hub"]]
    decl.write_text(
        "declaration_id,exporter,consignee,destination_country,hs_code,value\n"
        f"d1,Acme GmbH,Someone LLP,{hub2},{top['product']},1000\n",
        encoding="utf-8",
    )
    res = runner.invoke(
        app,
        ["screen", "shipments", str(decl), "--db", str(synthetic_copy), "--list",
         str(LISTS / "ofac_sdn_sample.csv"), "--leaks", str(tmp_path / "f.csv"), "--json"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    (result,) = json.loads(res.stdout)["results"]
    assert "leak_finding" in [r["code"] for r in result["reasons"]]


def test_screen_out_records_every_party_and_declaration(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    parties = tmp_path / "p.csv"
    parties.write_text("id,name\np1,Banco Nacional de Cuba\np2,Nobody Special Ltd\n", "utf-8")
    runner = CliRunner()
    lst = ["--list", str(LISTS / "ofac_sdn_sample.csv")]
    res = runner.invoke(
        app,
        [
            "screen",
            "parties",
            str(parties),
            *lst,
            "--db",
            str(db),
            "--out",
            str(tmp_path / "r.parquet"),
        ],
    )
    assert res.exit_code == 0, res.output
    rows = _read(tmp_path / "r.parquet")
    assert {r["party_id"] for r in rows} == {"p1", "p2"}
    assert [r["result"] for r in rows if r["party_id"] == "p2"] == ["clear"]
    assert any(r["match"] and r["result"] == "match" for r in rows if r["party_id"] == "p1")
    shipments = REPO / "examples" / "screening" / "shipments.csv"
    out = tmp_path / "s.xlsx"
    res = runner.invoke(
        app,
        ["screen", "shipments", str(shipments), *lst, "--db", str(db), "--out", str(out), "--json"],
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    got = _read(out)
    assert [str(r["declaration_id"]) for r in got] == [r["declaration_id"] for r in doc["results"]]
    assert [r["risk"] for r in got] == [r["risk"] for r in doc["results"]]
