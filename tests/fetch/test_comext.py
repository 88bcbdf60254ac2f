"""``fetch comext`` against a loopback server serving a bulk ``.7z`` in Eurostat's layout."""

from __future__ import annotations

import json
from pathlib import Path

import py7zr
import pytest
from typer.testing import CliRunner

from roundabout.cli.main import app
from roundabout.fetch import comext as cx
from roundabout.fetch.http import FetchError
from roundabout.store import Store

from .conftest import Request, Server

runner = CliRunner()
HEADER = ("REPORTER,PARTNER,TRADE_TYPE,PRODUCT_NC,PRODUCT_SITC,PRODUCT_CPA21,PRODUCT_CPA22,"
          "PRODUCT_BEC,PRODUCT_BEC5,PRODUCT_SECTION,FLOW,STAT_PROCEDURE,SUPPL_UNIT,PERIOD,"
          "VALUE_EUR,VALUE_NAC,QUANTITY_KG,QUANTITY_SUPPL_UNIT")  # fmt: skip
ROWS = [
    "DE,KZ,E,84713000,77641,2611,2611,41,41,16,2,1,p/st,202401,1000,1000,5,2",
    "DE,KZ,E,84713000,77641,2611,2611,41,41,16,2,2,p/st,202401,250,250,1,1",
    "DE,AM,E,87032390,77641,2611,2611,41,41,16,2,1,p/st,202401,9000,9000,1500,1",
    "FR,KZ,E,84713000,77641,2611,2611,41,41,16,2,1,p/st,202401,700,700,3,1",
    "DE,US,E,84713000,77641,2611,2611,41,41,16,2,1,p/st,202401,5000,5000,9,4",
    "DE,KZ,E,30049000,77641,2611,2611,41,41,16,2,1,KG,202401,333,333,7,7",
]


def archive(tmp: Path) -> bytes:
    p = tmp / "src.7z"
    with py7zr.SevenZipFile(p, "w") as z:
        z.writestr(HEADER + "\n" + "\n".join(ROWS * 50) + "\n", "full_v2_202401.dat")
    return p.read_bytes()


def test_cli_fetch_reads_the_7z_with_filters(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = archive(tmp_path)
    server.route = lambda r: (
        (200, {}, body) if r.path.endswith("full_v2_202401.7z") else (404, {}, b"")
    )

    monkeypatch.setenv("ROUNDABOUT_COMEXT_URL", server.url + "/files/")
    db, cache = tmp_path / "s.duckdb", tmp_path / "cache"
    args = ["fetch", "comext", "--dataset", "DS-045409", "--period", "2024-01:2024-01",
            "--reporters", "DEU", "--partners", "KZ,AM", "--products", "84,87",
            "--db", str(db), "--cache", str(cache), "--json"]  # fmt: skip
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    assert server.requests[0].path == "/files/full_v2_202401.7z"
    out = json.loads(r.output)
    assert out["rows_loaded"] == 3 * 50
    with Store(db, read_only=True) as s:
        f = s.flows().to_pandas()
    kept = [x.split(",") for x in ROWS[:3]] * 50
    assert f.value.sum() == sum(float(x[14]) for x in kept)
    assert set(f.reporter) == {"DEU"} and set(f.partner) == {"KAZ", "ARM"}
    assert set(f.currency) == {"EUR"}
    again = json.loads(runner.invoke(app, args).output)
    assert (again["requests"], again["rows_loaded"]) == (0, 0)
    assert len(server.requests) == 1


def test_corrupt_7z_is_deleted_and_refused(tmp_path: Path) -> None:
    bad = bytearray(archive(tmp_path))
    bad[len(bad) // 2] ^= 0xFF
    p = tmp_path / "full_v2_202401.7z"
    p.write_bytes(bytes(bad))
    req = cx.parse_request("DS-045409", "2024-01:2024-01", None, None, None)
    with pytest.raises(FetchError, match="deleted, fetch again"):
        cx.extract(req, p, tmp_path)
    assert not p.exists()


def test_request_names_files_and_refuses_other_datasets() -> None:
    req = cx.parse_request("DS-045409", "2023-12:2024-01", None, None, None)
    assert [req.file_name(p) for p in req.periods] == ["full202312.7z", "full_v2_202401.7z"]
    assert cx.parse_request("DS-045409", "2023:2023", None, None, None).periods == ("202352",)
    with pytest.raises(cx.RoundaboutError, match="only DS-045409"):
        cx.parse_request("DS-016890", "2024-01:2024-01", None, None, None)


_ = Request
