"""``fetch baci`` against a loopback server: resume, CRC check, filters while reading."""

from __future__ import annotations

import io
import json
import zipfile
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roundabout.cli.main import app
from roundabout.fetch import baci as bc
from roundabout.fetch.http import Client, FetchError
from roundabout.store import Store

from .conftest import Request, Server

runner = CliRunner()
ROWS = {
    2021: ["2021,251,643,847130,10.5,1", "2021,699,398,870323,2,NA", "2021,842,51,854231,7,3"],
    2022: ["2022,251,398,847130,4,1", "2022,251,51,870323,1.25,NA", "2022,842,276,854231,9,2"],
}


def release_zip(store_only: bool = True) -> bytes:
    buf = io.BytesIO()
    method = zipfile.ZIP_STORED if store_only else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(buf, "w", method) as zf:
        for year, rows in ROWS.items():
            zf.writestr(f"BACI_HS17_Y{year}_V202501.csv", "t,i,j,k,v,q\n" + "\n".join(rows) + "\n")
        zf.writestr("country_codes_V202501.csv", "country_code,country_name\n251,France\n")
    return buf.getvalue()


def serve_file(body: bytes) -> object:
    def route(req: Request) -> tuple[int, dict[str, str], bytes]:
        rng = req.headers.get("Range")
        if rng:
            start = int(rng.removeprefix("bytes=").rstrip("-"))
            return (
                206,
                {"Content-Range": f"bytes {start}-{len(body) - 1}/{len(body)}"},
                body[start:],
            )
        return 200, {}, body

    return route


def cut_after(body: bytes, n: int) -> object:
    """An answer that promises the whole file and stops after ``n`` bytes."""

    def answer(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body[:n])
        h.wfile.flush()
        h.close_connection = True

    return answer


def test_interrupted_download_resumes(server: Server, tmp_path: Path) -> None:
    body = release_zip()
    server.route = serve_file(body)  # type: ignore[assignment]
    server.queue = [cut_after(body, len(body) // 2)]  # type: ignore[list-item]
    req = bc.parse_request("V202501", "HS17", None, None)
    client = Client(sleep=lambda _s: None)
    path, fetched = bc.download(req, server.url, tmp_path, client)
    assert fetched and path.read_bytes() == body
    assert server.requests[1].headers["Range"] == f"bytes={len(body) // 2}-"
    assert not (tmp_path / (req.zip_name + ".part")).exists()


def test_bad_crc_is_refused_and_the_zip_deleted(tmp_path: Path) -> None:
    body = bytearray(release_zip(store_only=True))
    at = body.index(b"2022,251,398")  # inside the stored 2022 member
    body[at] = ord("3")
    archive = tmp_path / "BACI_HS17_V202501.zip"
    archive.write_bytes(bytes(body))
    req = bc.parse_request("V202501", "HS17", "2022", None)
    with pytest.raises(FetchError, match=r"BACI_HS17_Y2022_V202501\.csv: Bad CRC-32.*corrupt"):
        bc.extract(req, archive, tmp_path)
    assert not archive.exists()
    assert not list(tmp_path.glob("*.csv*"))


def test_cli_fetch_filters_while_reading_then_caches(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.route = serve_file(release_zip(store_only=False))  # type: ignore[assignment]
    monkeypatch.setenv("ROUNDABOUT_BACI_URL", server.url)
    db, cache = tmp_path / "s.duckdb", tmp_path / "cache"
    args = ["fetch", "baci", "--release", "V202501", "--hs", "HS17", "--years", "2022",
            "--countries", "ARM,KAZ", "--db", str(db), "--cache", str(cache), "--json"]  # fmt: skip
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    first = json.loads(r.output)
    assert first["requests"] == 1 and first["rows_loaded"] == 2
    with Store(db, read_only=True) as s:
        f = s.flows().to_pandas()
    # 2022 rows with ARM (51) or KAZ (398) on either side; v in thousand USD
    assert sorted(zip(f.reporter, f.partner, f.value, strict=True)) == [
        ("FRA", "ARM", 1250.0),
        ("FRA", "KAZ", 4000.0),
    ]
    assert set(f.hs_edition) == {"HS2017"}
    second = json.loads(runner.invoke(app, args).output)
    assert (second["requests"], second["rows_loaded"]) == (0, 0)
    assert len(server.requests) == 1
