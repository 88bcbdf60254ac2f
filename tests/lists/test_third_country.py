"""Third-country supplier lists: BIS Entity List and MEU list (eCFR XML), Japan METI's
third-country list (PDF text), EU Reg. 833/2014 Annex IV (EUR-Lex text). Fixtures are
hand-made after the published layouts (tests/data/lists/PROVENANCE.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roundabout.errors import InputFileError
from roundabout.lists import snapshots
from roundabout.lists.aka_text import parse_entry
from roundabout.lists.detect import ListFormat, detect, parse_list
from roundabout.screening import redflags
from roundabout.store import Store, ownership

DATA = Path(__file__).parent.parent / "data" / "lists"


def test_bis_entity_list() -> None:
    p = parse_list(DATA / "bis_entity_list_sample.xml")
    assert detect(DATA / "bis_entity_list_sample.xml") is ListFormat.bis_ecfr
    assert p.source == "bis_el"
    by_name = {e.name: e for e in p.entities}
    tov = by_name["Testavan Optics LLC"]
    assert tov.aliases == ("Testavan Optic", "TO LLC")
    assert tov.addresses == ("12 Komitas Avenue, Yerevan, 0012, Armenia",)
    assert tov.countries == ("am",) and tov.listed and tov.programs == ("BIS-EL",)
    # the country cell is empty when it repeats
    assert by_name["Ararat Test Components CJSC"].countries == ("am",)
    assert by_name["Example Bridge Trading Co., Ltd."].countries == ("cn",)
    (addr,) = [e for e in p.entities if e.schema == "Address"]
    assert not addr.listed and addr.entity_id.startswith("bis-el-addr-")
    assert addr.addresses == (
        "Unit 1703, 17/F, Test Commercial Building, 18 Example Road, North Point, Hong Kong",
    )


def test_bis_meu_list() -> None:
    p = parse_list(DATA / "bis_meu_sample.xml")
    assert p.source == "bis_meu"
    (e,) = p.entities
    assert (e.name, e.aliases, e.countries) == ("Test Radio Plant JSC", ("TRP",), ("ru",))


def test_meti_third_country_list() -> None:
    p = parse_list(DATA / "jp_meti_sample.txt")
    assert p.source == "jp_meti" and p.publication_date == "2025-09-12"
    assert [e.name for e in p.entities] == [
        "Testa Trade LLC",
        "Test Elektron Co., Limited",
        "Sample Components LLC",  # its number was glued to the line before
    ]
    elektron = p.entities[1]
    assert "测试电子有限公司" in elektron.aliases  # the native name in （...）
    assert len(elektron.addresses) == 2 and elektron.countries == ("cn", "in")


def test_eu_annex_iv() -> None:
    p = parse_list(DATA / "eu_annex4_sample.txt")
    assert p.source == "eu_annex4"
    got = [(e.name, e.countries) for e in p.entities]
    assert got == [
        ("JSC Test Aviation Plant", ("ru",)),
        ("Test Radioelectronic Concern", ("ru",)),
        ("Sample Components LLC", ("uz",)),
        ("Orient Test Trading LLC", ("kg",)),
    ]
    assert p.entities[2].addresses == ("16A Navoi Street, Tashkent, 100011, Uzbekistan",)


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("a.xml", "<DIV9><HEAD>Part 999</HEAD><GPOTABLE/></DIV9>", "not the eCFR Supplement"),
        ("b.xml", '<DIV9 N="Supplement No. 4 to Part 744"><GPOTABLE/></DIV9>', "no Country"),
        ("c.txt", "ANNEX IV 833/2014\n", "no 'ANNEX IV' heading"),
        ("d.txt", "最終更新日：2025年9月12日\nnothing numbered\n", "no numbered entries"),
    ],
)
def test_bad_files(tmp_path: Path, name: str, text: str, message: str) -> None:
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    with pytest.raises(InputFileError, match=message):
        parse_list(f)


@settings(deadline=None)
@given(st.text(max_size=200))
def test_entry_text_never_crashes(text: str) -> None:
    e = parse_entry(text)
    assert e.name is None or isinstance(e.name, str)


def test_address_only_entry_is_matched_as_an_address(store: Store) -> None:
    sid = snapshots.save(store, parse_list(DATA / "bis_entity_list_sample.xml")).snapshot
    names = {e.name for e in snapshots.entities(store, sid.snapshot_id)}
    assert "Testavan Optics LLC" in names
    assert not any(n.startswith("Unit 1703") for n in names)  # not screened as a name
    found = ownership.addresses(store, [sid.snapshot_id])
    row = {
        "declaration_id": "d",
        "consignee": "Harbour Parts Ltd",
        "consignee_address": "18 Example Rd, Test Commercial Bldg, Unit 1703, 17/F, Hong Kong",
    }
    fired, _ = redflags.check(redflags.context([row], found), row)
    assert [f.code for f in fired] == ["redflag:listed_address"]
    assert "bis-el-addr-" in fired[0].detail
