"""File checks: every bad file gets one clear line naming the file (and line), and no load."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from roundabout.errors import InputFileError
from roundabout.store import Store

HEADER = "freqCode,period,reporterCode,flowCode,partnerCode,cmdCode,primaryValue\n"
ROW = "M,202203,276,X,398,854231,1000\n"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def assert_nothing_loaded(store: Store) -> None:
    assert int(store.flows().count().execute()) == 0
    assert int(store.table("manifest").count().execute()) == 0


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.csv", b"", r"empty\.csv: file is empty"),
        ("header_only.csv", HEADER.encode(), r"header_only\.csv: no data rows"),
        ("binary.csv", b"\x00\x01\x02garbage\xff" * 50, r"binary\.csv: line 1: binary data"),
        ("zipped.csv", b"PK\x03\x04" + b"\x00" * 100, r"zipped\.csv: not a text file: .*ZIP"),
        ("gz.csv", gzip.compress((HEADER + ROW).encode()), r"gz\.csv: not a text file: .*gzip"),
        (
            "semicolons.csv",
            (HEADER + ROW).replace(",", ";").encode(),
            r"semicolons\.csv: line 1: wrong delimiter: .* seems to use ';'",
        ),
        (
            "missing.csv",
            b"freqCode,period,reporterCode,flowCode,partnerCode\nM,202203,276,X,398\n",
            r"missing\.csv: line 1: missing columns: cmdCode, primaryValue",
        ),
        (
            "truncated.csv",
            (HEADER + ROW + ROW + "M,202203,276,X").encode(),
            r"truncated\.csv: line 4: truncated or incomplete line: expected 7 fields, found 4",
        ),
        (
            "extra.csv",
            (HEADER + ROW + "M,202203,276,X,398,854231,1000,99\n").encode(),
            r"extra\.csv: line 3: too many fields",
        ),
        (
            "cp1251.csv",
            (HEADER + ROW + "M,202203,276,X,398,854231,1000\n").encode()
            + "# Казахстан\n".encode("cp1251"),
            r"cp1251\.csv: line 4: not valid UTF-8 .*cp1251",
        ),
        (
            "dupes.csv",
            b"period,period,reporterCode,flowCode,partnerCode,cmdCode,primaryValue\n1,2,3,4,5,6,7\n",
            r"dupes\.csv: line 1: duplicate columns: period",
        ),
    ],
)
def test_bad_files_fail_cleanly(store: Store, load, tmp_path: Path, name, data, message) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, name, data)
    with pytest.raises(InputFileError, match=message) as err:
        load("comtrade", path)
    assert "\n" not in str(err.value)
    assert_nothing_loaded(store)


def test_missing_file(store: Store, load, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputFileError, match=r"nope\.csv: no such file"):
        load("comtrade", tmp_path / "nope.csv")


def test_utf8_bom_is_read(store: Store, load, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, "bom.csv", ("\ufeff" + HEADER + ROW).encode("utf-8"))
    result = load("comtrade", path)
    assert (result.rows_read, result.rows_loaded) == (1, 1)


def test_crlf_line_endings(store: Store, load, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, "crlf.csv", (HEADER + ROW + ROW).replace("\n", "\r\n").encode())
    assert load("comtrade", path).rows_loaded == 2


def test_cp1251_with_encoding_option(store: Store, load, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = HEADER.replace("\n", ",reporterDesc\n") + ROW.replace("\n", ",Германия\n")
    path = write(tmp_path, "de.csv", text.encode("cp1251"))
    with pytest.raises(InputFileError, match="cp1251"):
        load("comtrade", path)
    result = load("comtrade", path, encoding="cp1251")
    assert result.rows_loaded == 1
    assert store.table("manifest").to_pyarrow().to_pylist()[0]["encoding"] == "cp1251"


def test_no_trailing_newline_is_fine(store: Store, load, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, "nonl.csv", (HEADER + ROW + ROW.strip()).encode())
    assert load("comtrade", path).rows_loaded == 2


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
def test_utf8_but_for_one_line_far_down(store: Store, load, tmp_path: Path, encoding: str) -> None:  # type: ignore[no-untyped-def]
    """A bad byte after the first 256 KiB, in a column the importer does not read: still
    refused naming its line, and read whole with ``--encoding``."""
    head = "period,reporterCode,flowCode,partnerCode,cmdCode,primaryValue,cmdDesc\n"
    good = "2022,51,X,643,870323,10,cars\n"
    bad = "2022,51,X,643,870323,11,Citro\xebn\n".encode(encoding)
    n = 12_000  # about 350 KiB before the bad line
    path = write(tmp_path, "hub.csv", (head + good * n).encode() + bad + good.encode())
    with pytest.raises(
        InputFileError,
        match=rf"hub\.csv: line {n + 2}: not valid UTF-8 \(byte 0xeb\); "
        "pass --encoding latin-1, cp1252 or cp1251",
    ):
        load("comtrade", path)
    assert store.table("manifest").count().execute() == 0
    result = load("comtrade", path, encoding=encoding)
    assert (result.rows_read, result.rows_loaded) == (n + 2, n + 2)
    assert store.flows().value.sum().execute() == 10 * (n + 1) + 11


def test_json_not_utf8_names_the_line(store: Store, load, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rec = (
        '{"period":"2022","reporterCode":"51","flowCode":"X","partnerCode":"643",'
        '"cmdCode":"870323","primaryValue":"5","cmdDesc":"%s"}'
    )
    body = '{"data":[\n' + rec % "a" + ",\n"
    path = write(
        tmp_path, "page.json", body.encode() + (rec % "Citro\xebn").encode("cp1252") + b"\n]}"
    )
    with pytest.raises(InputFileError, match=r"page\.json: line 3: not valid UTF-8"):
        load("comtrade", path)
    assert load("comtrade", path, encoding="cp1252").rows_loaded == 2
