"""API answers parsed in Python: every field as text, absent fields null, order kept."""

from __future__ import annotations

import csv
from pathlib import Path

from roundabout.sources.comtrade_json import (
    columns_of,
    is_answer_object,
    records_table,
    write_records_csv,
)

RECORDS = [
    {"period": 202203, "primaryValue": 250000.0, "cmdCode": "854231", "isReported": True},
    {"period": 202203, "primaryValue": 1e308, "cmdCode": "010121", "qty": None, "x": 1.5},
]


def test_records_table_is_text_with_the_union_of_fields() -> None:
    t = records_table(RECORDS)
    assert columns_of(RECORDS) == ["period", "primaryValue", "cmdCode", "isReported", "qty", "x"]
    assert t.column("period").to_pylist() == ["202203", "202203"]
    assert t.column("primaryValue").to_pylist() == ["250000", "1e+308"]
    assert t.column("cmdCode").to_pylist() == ["854231", "010121"]  # leading zero kept
    assert t.column("isReported").to_pylist() == ["true", None]
    assert t.column("x").to_pylist() == [None, "1.5"]


def test_csv_page_round_trips(tmp_path: Path) -> None:
    p = write_records_csv(RECORDS, tmp_path / "page.csv")
    rows = list(csv.DictReader(p.open()))
    assert [r["cmdCode"] for r in rows] == ["854231", "010121"]
    assert rows[1]["qty"] == "" and rows[0]["x"] == ""


def test_answer_object_or_json_lines(tmp_path: Path) -> None:
    a = tmp_path / "a.json"
    a.write_text('{"elapsedTime": "1 s", "count": 1, "data": [{"period": 2022}]}')
    lines = tmp_path / "b.json"
    lines.write_text('{"period": 2022}\n{"period": 2023}\n')
    listed = tmp_path / "c.json"
    listed.write_text('[{"period": 2022}]')
    assert is_answer_object(a) and not is_answer_object(lines) and not is_answer_object(listed)
