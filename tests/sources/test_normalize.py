"""Code normalisation, property-tested on DuckDB (the engine every importer stages on)."""

from __future__ import annotations

import ibis
from hypothesis import given, settings
from hypothesis import strategies as st

from roundabout.sources.normalize import code_map, known_code, number, numeric_code, product_code

con = ibis.duckdb.connect()


def run_product(values: list[str | None]) -> list[dict[str, object]]:
    t = ibis.memtable({"c": values}, schema={"c": "string"})
    p = product_code(t.c)
    expr = t.select(code=p.code, level=p.level, hs6=p.hs6, padded=p.padded, bad=p.bad)
    return con.to_pyarrow(expr).to_pylist()  # type: ignore[no-any-return]


digits = st.text(alphabet="0123456789", min_size=1, max_size=10)


@settings(max_examples=60, deadline=None)
@given(st.lists(digits, min_size=1, max_size=20))
def test_digit_codes_become_even_length_and_keep_their_digits(codes: list[str]) -> None:
    for raw, out in zip(codes, run_product(codes), strict=True):
        assert out["bad"] is False
        code = str(out["code"])
        assert len(code) % 2 == 0 and code.isdigit()
        assert code.lstrip("0") == raw.lstrip("0")
        assert out["padded"] is (len(raw) % 2 == 1)
        assert out["level"] == len(code)
        assert out["hs6"] == (code[:6] if len(code) >= 6 else None)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=20))
def test_anything_else_is_bad_or_total(values: list[str]) -> None:
    for raw, out in zip(values, run_product(values), strict=True):
        # the normaliser trims spaces only (DuckDB's trim), not every character Python calls
        # whitespace: "0\x1f" is bad, as hypothesis found
        cleaned = raw.strip(" ").upper().replace(" ", "").replace(".", "")
        if cleaned in ("TOTAL", "TOT", "ALL"):
            assert out["code"] == "TOTAL" and out["level"] == 0
        elif cleaned.isascii() and cleaned.isdigit() and 1 <= len(cleaned) <= 10:
            assert out["bad"] is False
        elif raw.strip(" ") == "":
            assert out["bad"] is True and out["code"] is None
        else:
            assert out["bad"] is True and out["code"] is None


def test_examples() -> None:
    out = run_product(["10121", "8471.30", " 854231 ", "TOTAL", "84713X", "12345678901", None])
    assert [o["code"] for o in out] == ["010121", "847130", "854231", "TOTAL", None, None, None]
    assert [o["bad"] for o in out] == [False, False, False, False, True, True, True]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.floats(allow_nan=False, allow_infinity=False, width=32).map(repr),
            st.integers(-(10**12), 10**12).map(str),
            st.sampled_from(["", "NA", "abc", "1,000", "--1", "nan", "inf"]),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_numbers(values: list[str]) -> None:
    t = ibis.memtable({"v": values}, schema={"v": "string"})
    n = number(t.v, scale=1000.0)
    out = con.to_pyarrow(t.select(value=n.value, bad=n.bad, neg=n.negative)).to_pylist()
    for raw, o in zip(values, out, strict=True):
        if raw in ("", "NA"):
            assert o["value"] is None and o["bad"] is False
        elif raw in ("abc", "1,000", "--1", "nan", "inf"):
            assert o["bad"] is True and o["value"] is None
        else:
            assert o["bad"] is False
            assert o["value"] == float(raw) * 1000.0
            assert o["neg"] is (float(raw) < 0)


def test_numeric_country_codes_lose_leading_zeros() -> None:
    t = ibis.memtable({"c": ["040", "0", "842", " 51 ", "DEU", None]}, schema={"c": "string"})
    out = con.to_pyarrow(t.select(c=numeric_code(t.c))).column("c").to_pylist()
    assert out == ["40", "0", "842", "51", "DEU", None]


def test_code_map_and_known_code_look_up_row_by_row_in_order() -> None:
    nums: list[int | None] = [842, 0, 7, -1, 900, None, 251, 842]
    isos: list[str | None] = ["usa", "USA", "EU27_2020", "A|B", "USA|FRA", "", None, "XXX"]
    t = ibis.memtable({"n": nums, "s": isos}, schema={"n": "int64", "s": "string"})
    mapping = {842: "USA", 0: "W00", 251: "FRA"}
    known = ["USA", "FRA", "EU27_2020"]
    out = con.to_pyarrow(t.select(m=code_map(t.n, mapping), k=known_code(t.s, known))).to_pylist()
    assert [r["m"] for r in out] == ["USA", "W00", None, None, None, None, "FRA", "USA"]
    assert [r["k"] for r in out] == [None, "USA", "EU27_2020", None, None, None, None, None]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(-5, 1000)), min_size=1, max_size=30))
def test_code_map_matches_a_dict_lookup(nums: list[int | None]) -> None:
    mapping = {i: f"C{i % 100:02d}" for i in range(0, 900, 7)}
    t = ibis.memtable({"n": nums}, schema={"n": "int64"})
    out = con.to_pyarrow(t.select(m=code_map(t.n, mapping))).to_pylist()
    assert [r["m"] for r in out] == [None if n is None else mapping.get(n) for n in nums]
