"""Facts about the bundled HS nomenclature and the UNSD HS2022-HS2017 correlation."""

from __future__ import annotations

from collections import Counter

import pytest

from roundabout.errors import NotFoundError
from roundabout.reference import hs


def test_subheading_counts_per_edition() -> None:
    assert len(hs.hs6_codes("HS2017")) == 5388
    assert len(hs.hs6_codes("HS2022")) == 5613
    assert "880730" in hs.hs6_codes("HS2022")
    assert "880730" not in hs.hs6_codes("HS2017")
    assert "999999" in hs.hs6_codes("HS2017")  # "commodities not specified" counts too


def test_describe_all_levels() -> None:
    assert "processors" in (hs.describe("854231") or "")
    assert hs.describe("8542.31") == hs.describe("854231")
    assert hs.describe("8542") == "Electronic integrated circuits"
    assert (hs.describe("85") or "").startswith("Electrical machinery")
    assert "processors" in (hs.describe("854231", "HS2017") or "")
    assert "unmanned aircraft" in (hs.describe("880730") or "")
    assert hs.describe("880730", "HS2017") is None
    assert hs.describe("123456") is None
    assert hs.describe("999999") == "Commodities not specified according to kind"


def test_hs2017_descriptions_drop_the_code_prefix() -> None:
    text = hs.describe("880330", "HS2017") or ""
    assert text.startswith("Aircraft and spacecraft; parts of aeroplanes or helicopters")


def test_unknown_edition() -> None:
    with pytest.raises(NotFoundError, match="HS2012"):
        hs.describe("854231", "HS2012")


@pytest.mark.parametrize(("edition", "headings"), [("HS2017", 1223), ("HS2022", 1229)])
def test_nomenclature_table(edition: str, headings: int) -> None:
    table = hs.nomenclature(edition)
    assert table.column_names == ["code", "level", "description", "parent", "section"]
    levels = Counter(table["level"].to_pylist())
    assert levels == {2: 97, 4: headings, 6: len(hs.hs6_codes(edition))}
    rows = {r["code"]: r for r in table.to_pylist()}
    assert rows["854231"]["parent"] == "8542"
    assert rows["854231"]["section"] == "XVI"
    assert rows["8542"]["parent"] == "85"
    assert rows["85"]["parent"] is None
    assert rows["99"]["section"] is None  # chapter 99 belongs to no section
    assert rows["010121"]["section"] == "I"
    no_section = table.filter(table["section"].is_null())["code"].to_pylist()
    assert no_section == ["99", "9999", "999999"]


def test_sections() -> None:
    sections = hs.sections()
    assert len(sections) == 21
    assert sections["XVI"].startswith("Machinery and mechanical appliances")
    assert set(hs.nomenclature()["section"].drop_null().to_pylist()) == set(sections)


def test_concordance_table() -> None:
    table = hs.concordance()
    assert table.column_names == ["hs2022", "hs2017", "relationship"]
    assert table.num_rows == 15657
    assert Counter(table["relationship"].to_pylist()) == {
        "1:1": 4097,
        "n:1": 1392,
        "1:n": 54,
        "n:n": 10114,
    }
    assert set(table["hs2022"].to_pylist()) == hs.hs6_codes("HS2022")
    # Every HS2017 subheading but one (300219) is linked.
    assert hs.hs6_codes("HS2017") - set(table["hs2017"].to_pylist()) == {"300219"}


def test_to_hs2017() -> None:
    assert hs.to_hs2017("880730") == ["880330"]
    assert hs.to_hs2017("854231") == ["854231"]
    assert hs.to_hs2017("854149") == ["854140"]
    assert hs.to_hs2017("620120") == ["620111", "620191"]
    assert len(hs.to_hs2017("854999")) == 1019  # e-waste heading 8549
    assert hs.to_hs2017("000000") == []


def test_to_hs2022() -> None:
    assert hs.to_hs2022("880330") == [
        "852411",
        "852412",
        "852419",
        "852491",
        "852492",
        "852499",
        "852990",
        "880730",
    ]
    # HS2022 split waste chips out into the e-waste heading 8549.
    assert hs.to_hs2022("854231") == [
        "854231",
        "854921",
        "854929",
        "854931",
        "854939",
        "854991",
        "854999",
    ]
    assert hs.to_hs2022("300219") == []


def test_conversion_gives_one_code() -> None:
    assert hs.convert_to_hs2017("880730") == "880330"
    assert hs.convert_to_hs2017("854800") == "854890"
    assert hs.convert_to_hs2017("620120") == "620111"
    assert hs.convert_to_hs2017("123456") is None


def test_recode_to_hs2017_adds_splits_to_one_code_and_follows_merges():
    r = hs.recode_to_hs2017()
    assert r[("HS2022", "851713")] == ("851712", "split")
    assert r[("HS2022", "851714")] == ("851712", "split")
    assert r[("HS2022", "870121")] == ("870120", "split")
    # Every HS2022 code goes to exactly one HS2017 code: a sum over codes counts rows once.
    assert all(hs.convert_to_hs2017(c) == t for (e, c), (t, _) in r.items() if e == "HS2022")
    merges = {c: t for (e, c), (t, how) in r.items() if e == "HS2017"}
    assert all(how == "merge" for (e, _), (_, how) in r.items() if e == "HS2017")
    assert all(c[:2] == t[:2] and c != t for c, t in merges.items())
    assert ("HS2017", "851712") not in r  # a code that survives is its own recoding
