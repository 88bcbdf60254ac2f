"""Facts about the bundled goods lists, and validation of user lists loaded from CSV."""

from __future__ import annotations

import csv
import tempfile
from collections import Counter
from datetime import date
from pathlib import Path

import pyarrow.compute as pc
import pytest
from hypothesis import given
from hypothesis import strategies as st

from roundabout.errors import InputFileError, NotFoundError
from roundabout.reference import goods_lists as gl
from roundabout.reference import hs

EU_FLAGS = set(gl.EU_CATEGORIES)


def _by_code(name: str) -> dict[str, dict[str, object]]:
    return {r["code"]: r for r in gl.entries(name).to_pylist()}


def test_names_and_metadata() -> None:
    assert gl.names() == ["eu_hs6", "eu_cn8", "chp"]
    assert gl.load("eu_hs6").version == "2023-02-25"
    assert gl.load("eu_cn8") == gl.GoodsList(
        "eu_cn8",
        "2022-10-07",
        gl.load("eu_cn8").source,
        "cn8",
        gl.load("eu_cn8").description,
    )
    assert gl.load("chp").version == "2024-02-23"
    with pytest.raises(NotFoundError, match="nope"):
        gl.load("nope")
    with pytest.raises(NotFoundError):
        gl.entries("nope")


@pytest.mark.parametrize("name", ["eu_hs6", "eu_cn8", "chp"])
def test_fixed_schema(name: str) -> None:
    table = gl.entries(name)
    assert table.schema.equals(gl.ENTRIES_SCHEMA)
    assert set(table["list_name"].to_pylist()) == {name}
    assert set(table["version"].to_pylist()) == {gl.load(name).version}
    assert set(table["code_level"].to_pylist()) == {gl.load(name).code_level}
    codes = table["code"].to_pylist()
    assert len(set(codes)) == len(codes)
    assert all(c.isdigit() for c in codes)
    assert [c[:6] for c in codes] == table["hs6"].to_pylist()


def test_eu_hs6_counts_and_dates() -> None:
    table = gl.entries("eu_hs6")
    assert table.num_rows == 2304
    dates = Counter(d.isoformat() for d in table["effective_date"].to_pylist())
    assert dates == {
        "2016-12-22": 17,
        "2022-02-25": 894,
        "2022-03-15": 583,
        "2022-04-08": 583,
        "2022-06-04": 30,
        "2022-07-21": 31,
        "2022-10-06": 30,
        "2022-10-07": 8,
        "2022-12-16": 2,
        "2022-12-17": 4,
        "2023-02-25": 122,
    }
    assert table["wind_down_date"].null_count == 1  # 871000 has none


def test_eu_hs6_categories() -> None:
    rows = _by_code("eu_hs6")
    assert rows["854231"]["category"] == "dual_use+industrial_cap+military_tech"
    assert rows["010121"]["category"] == "luxury"
    assert rows["880330"]["category"] == "aviation+dual_use"
    for row in rows.values():
        assert set(str(row["category"]).split("+")) <= EU_FLAGS
        assert row["tier"] is None
    assert rows["854231"]["effective_date"] == date(2022, 2, 25)
    assert rows["854231"]["wind_down_date"] == date(2022, 5, 1)
    assert "processors" in str(rows["854231"]["description"])


def test_eu_hs6_codes_are_hs2017_mostly() -> None:
    codes = set(gl.entries("eu_hs6")["code"].to_pylist())
    in_neither = codes - hs.hs6_codes("HS2017") - hs.hs6_codes("HS2022")
    assert in_neither == {"240394", "240395", "240431", "255734", "260336", "930521", "930529"}
    assert len(codes - hs.hs6_codes("HS2017")) == 7


def test_eu_hs6_details() -> None:
    details = gl.eu_hs6_details()
    assert details["hs6"].to_pylist() == gl.entries("eu_hs6")["code"].to_pylist()
    assert Counter(details["max_price_eur"].drop_null().to_pylist()) == {
        300.0: 593,
        750.0: 55,
        1000.0: 28,
        50000.0: 21,
        5000.0: 8,
        525.0: 2,
    }
    assert pc.sum(details["partially_exempt"]).as_py() == 268


def test_entries_as_of() -> None:
    assert gl.entries_as_of("eu_hs6", date(2014, 1, 1)).num_rows == 0
    assert gl.entries_as_of("eu_hs6", date(2022, 2, 24)).num_rows == 17
    assert gl.entries_as_of("eu_hs6", date(2022, 2, 25)).num_rows == 17 + 894
    assert gl.entries_as_of("eu_hs6", date(2024, 1, 1)).num_rows == 2304
    # Lists without dates are wholly "in force" on any date.
    assert gl.entries_as_of("chp", date(2000, 1, 1)).num_rows == 50
    assert gl.entries_as_of("eu_cn8", date(2000, 1, 1)).num_rows == 2223


def test_sanctioned_at() -> None:
    assert not gl.sanctioned_at("eu_hs6", "854231", date(2022, 2, 24))
    assert gl.sanctioned_at("eu_hs6", "854231", date(2022, 2, 25))
    assert gl.sanctioned_at("eu_hs6", "85423100", date(2022, 3, 1))  # CN8 under a banned HS6
    assert gl.sanctioned_at("eu_hs6", "8542.31", date(2022, 3, 1))
    assert not gl.sanctioned_at("eu_hs6", "010130", date(2024, 1, 1))  # in the file, not banned
    assert gl.sanctioned_at("eu_hs6", "10121", date(2022, 3, 15))  # lost zero is padded
    assert gl.sanctioned_at("eu_cn8", "01012100", date(2022, 1, 1))
    assert not gl.sanctioned_at("eu_cn8", "01012900", date(2022, 1, 1))
    assert gl.sanctioned_at("eu_cn8", "010129", date(2022, 1, 1))  # HS6 with a banned CN8 line
    assert gl.sanctioned_at("chp", "854231", date(2024, 2, 23))
    with pytest.raises(ValueError, match="malformed"):
        gl.sanctioned_at("chp", "85", date(2024, 2, 23))


def test_chp_tiers() -> None:
    table = gl.entries("chp")
    assert table.num_rows == 50
    assert Counter(table["tier"].to_pylist()) == {
        "1": 4,
        "2": 5,
        "3.A": 16,
        "3.B": 9,
        "4.A": 11,
        "4.B": 5,
    }
    rows = _by_code("chp")
    assert rows["854231"]["tier"] == "1"
    assert rows["854231"]["category"] == "tier 1"
    assert rows["880730"]["category"] == "tier 3.B"
    assert all(r["category"] == f"tier {r['tier']}" for r in rows.values())
    assert table["effective_date"].null_count == 50
    assert set(rows) <= hs.hs6_codes("HS2022")


def test_chp_codes_missing_from_eu_hs6_are_hs2022_only() -> None:
    chp = set(gl.entries("chp")["code"].to_pylist())
    eu = set(gl.entries("eu_hs6")["code"].to_pylist())
    missing = chp - eu
    assert missing == {"852589", "854149", "854151", "854159", "854800", "880730"}
    assert not missing & hs.hs6_codes("HS2017")
    # Through the correlation table, every one of them reaches a banned HS2017 code.
    for code in missing:
        assert set(hs.to_hs2017(code)) & eu, code


def test_eu_cn8() -> None:
    table = gl.entries("eu_cn8")
    assert table.num_rows == 2223
    assert {len(c) for c in table["code"].to_pylist()} == {8}
    assert table["effective_date"].null_count == 2223
    assert table["category"].null_count == 2223
    rows = _by_code("eu_cn8")
    assert rows["01012100"]["description"] == "Pure-bred breeding horses"
    # CN editions are mixed: CN2021 and CN2022 versions of men's overcoats are both present.
    assert "62011210" in rows
    assert "62012000" in rows


# --- from_csv --------------------------------------------------------------------------------


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_from_csv_reads_and_pads(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "mine.csv",
        "Code,effective_date,category,tier,description,extra\n"
        "854231,2022-02-25,chips,1,Processors,x\n"
        "10121,,luxury,,,y\n"
        "\n"
        "8542.32,2023-01-01,,,,z\n",
    )
    goods, table = gl.from_csv(path, "mine", "v1")
    assert goods == gl.GoodsList("mine", "v1", str(path), "hs6", "User list from mine.csv")
    assert table.schema.equals(gl.ENTRIES_SCHEMA)
    assert table["code"].to_pylist() == ["854231", "010121", "854232"]
    assert table["effective_date"].to_pylist() == [date(2022, 2, 25), None, date(2023, 1, 1)]
    assert table["category"].to_pylist() == ["chips", "luxury", None]
    assert table["tier"].to_pylist() == ["1", None, None]
    assert table["description"].to_pylist() == ["Processors", None, None]
    assert gl.covers(table, "854231", date(2022, 3, 1))
    assert not gl.covers(table, "854232", date(2022, 3, 1))
    assert gl.as_of(table, date(2022, 1, 1))["code"].to_pylist() == ["010121"]


def test_from_csv_cn8(tmp_path: Path) -> None:
    path = _write(tmp_path / "cn.csv", "code\n1012100\n8542 31 90\n")
    goods, table = gl.from_csv(path, "cn", "1")
    assert goods.code_level == "cn8"
    assert table["code"].to_pylist() == ["01012100", "85423190"]
    assert table["hs6"].to_pylist() == ["010121", "854231"]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("hs6,description\n854231,x\n", 1, "no 'code' column"),
        ("", 1, "no 'code' column"),
        ("code\n854231\n85423\n8542x1\n", 4, "malformed code '8542x1'"),
        ("code\n854231\n854231.0\n", 3, "malformed code"),
        ("code\n854231\n123\n", 3, "malformed code '123'"),
        ("code,effective_date\n854231,2022-02-25\n854232,25/02/2022\n", 3, "YYYY-MM-DD"),
        ("code,effective_date\n854231,2022-02-30\n", 2, "day is out of range"),
        ("code,wind_down_date\n854231,soon\n", 2, "wind_down_date"),
        ("code\n854231\n\n85423100\n", 4, "mixes HS6 and CN8"),
        ("code,category\n854231,a,b\n", 2, "3 fields but the header has 2"),
        ('code,description\n854231,"two\nlines"\n85x,y\n', 4, "malformed"),
    ],
)
def test_from_csv_errors_name_the_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = _write(tmp_path / "bad.csv", text)
    with pytest.raises(InputFileError, match=message) as info:
        gl.from_csv(path, "bad", "1")
    assert info.value.line == line
    assert info.value.path == str(path)
    assert str(info.value).startswith(f"{path}: line {line}: ")


def test_from_csv_file_level_errors(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no codes"):
        gl.from_csv(_write(tmp_path / "empty.csv", "code,description\n\n"), "e", "1")
    with pytest.raises(InputFileError, match="cannot read"):
        gl.from_csv(tmp_path / "absent.csv", "e", "1")
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("code,description\n854231,caf\xe9\n".encode("latin-1"))
    with pytest.raises(InputFileError, match="not UTF-8"):
        gl.from_csv(latin1, "e", "1")


def test_from_csv_accepts_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_text("code\n854231\n", encoding="utf-8-sig")
    assert gl.from_csv(path, "b", "1")[1]["code"].to_pylist() == ["854231"]


# --- properties of code padding and validation -----------------------------------------------

codes = st.one_of(
    st.from_regex(r"[0-9]{6}", fullmatch=True), st.from_regex(r"[0-9]{8}", fullmatch=True)
)


def _one_code_file(directory: str, cell: str) -> Path:
    path = Path(directory) / "list.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "description"])
        writer.writerow([cell, "d"])
    return path


@given(code=codes)
def test_lost_leading_zero_is_restored(code: str) -> None:
    # A spreadsheet turns "010121" into 10121: one lost zero is recoverable.
    stored = code[1:] if code.startswith("0") else code
    with tempfile.TemporaryDirectory() as directory:
        _, table = gl.from_csv(_one_code_file(directory, stored), "p", "1")
    assert table["code"].to_pylist() == [code]
    assert table["code_level"].to_pylist() == ["hs6" if len(code) == 6 else "cn8"]
    assert table["hs6"].to_pylist() == [code[:6]]


@given(code=codes)
def test_separated_codes_are_accepted(code: str) -> None:
    pairs = [code[4:6], code[6:8]] if len(code) == 8 else [code[4:6]]
    assert gl.normalise_code(".".join([code[:4], *pairs])) == code
    assert gl.normalise_code(" ".join([code[:4], *pairs])) == code


cells = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00\r\n"), max_size=12),
    st.from_regex(r" ?[0-9][0-9. ]{2,10} ?", fullmatch=True),
    codes.map(lambda c: c.lstrip("0")),
)


@given(cell=cells)
def test_any_cell_is_a_valid_code_or_an_error_on_its_line(cell: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = _one_code_file(directory, cell)
        try:
            _, table = gl.from_csv(path, "p", "1")
        except InputFileError as error:
            assert error.line == 2
            assert "malformed code" in error.detail
            with pytest.raises(ValueError):
                gl.normalise_code(cell)
        else:
            (code,) = table["code"].to_pylist()
            assert code == gl.normalise_code(cell)
            assert len(code) in (6, 8)
            assert code.isascii() and code.isdigit()
            assert code.lstrip("0") == cell.strip().replace(".", "").replace(" ", "").lstrip("0")
