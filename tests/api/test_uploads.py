"""Uploads to /screen are checked before they are read whole; errors never name temp paths."""

from __future__ import annotations

import io

import pyarrow as pa
import pyarrow.parquet as pq

PARQUET = {"Content-Type": "application/vnd.apache.parquet"}
CSV = {"Content-Type": "text/csv"}


def _parquet(table: pa.Table) -> bytes:
    buf = io.BytesIO()
    pq.write_table(table, buf, compression="zstd")
    return buf.getvalue()


def test_parquet_row_count_bomb_refused_from_the_footer(api):
    client, h = api(max_screen_parties=1000)
    n = 2_000_000
    body = _parquet(pa.table({"id": pa.repeat("p", n), "name": pa.repeat("Quiet Bakery", n)}))
    assert len(body) < 200_000  # small on the wire
    r = client.post("/screen", content=body, headers={**h, **PARQUET})
    assert r.status_code == 400, r.text
    msg = r.json()["error"]["message"]
    assert msg.startswith("upload.parquet:") and "2,000,000 parties" in msg


def test_parquet_size_bomb_refused(api):
    client, h = api()
    body = _parquet(pa.table({"id": ["p1"], "name": ["x" * (80 * 1024 * 1024)]}))
    assert len(body) < 2 * 1024 * 1024
    r = client.post("/screen", content=body, headers={**h, **PARQUET})
    assert r.status_code == 400 and "uncompressed" in r.json()["error"]["message"]


def test_csv_cap_enforced_while_reading(api):
    client, h = api(max_screen_parties=100)
    ok = "id,name\n" + "".join(f"p{i},Quiet Bakery {i}\n" for i in range(100))
    assert client.post("/screen", content=ok.encode(), headers={**h, **CSV}).status_code == 200
    over = ok + "p100,One Too Many\n"
    r = client.post("/screen", content=over.encode(), headers={**h, **CSV})
    assert r.status_code == 400 and "at most 100 a batch" in r.json()["error"]["message"]


def test_errors_never_name_the_temporary_path(api):
    client, h = api()
    for body, headers in (
        (b"PAR1 this is not parquet PAR1", PARQUET),
        (_parquet(pa.table({"name": ["x"]})), PARQUET),
        (b"name\nx\n", CSV),
        (b"id,name\n\xff\xfe,x\n", CSV),
    ):
        r = client.post("/screen", content=body, headers={**h, **headers})
        assert r.status_code == 400, r.text
        msg = r.json()["error"]["message"]
        assert msg.startswith(("upload.parquet", "upload.csv")), msg
        assert "/tmp" not in msg and "roundabout-screen" not in msg, msg
