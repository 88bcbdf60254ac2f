from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roundabout.errors import InputFileError
from roundabout.lists import dpl, ftm, ofac, un
from roundabout.lists.detect import ListFormat, detect, parse_list
from roundabout.lists.remarks import parse as parse_remarks

DATA = Path(__file__).parent.parent / "data" / "lists"


def test_ofac_sdn_with_aliases_and_addresses() -> None:
    p = ofac.parse(
        DATA / "ofac_sdn_sample.csv",
        DATA / "ofac_alt_sample.csv",
        DATA / "ofac_add_sample.csv",
        publication_date="2024-05-03",
    )
    assert p.source == "ofac_sdn" and p.publication_date == "2024-05-03"
    by_id = {e.entity_id: e for e in p.entities}
    assert len(by_id) == 13
    prok = by_id["ofac-15892"]
    assert prok.schema == "Person"
    assert prok.name == "Ivan Pavlovitch PROKOPENKO"
    assert prok.birth_dates == ("1973-09-28",)
    assert ("inn", "773407989940") in prok.identifiers
    assert "ru" in prok.countries
    ems = by_id["ofac-48905"]
    assert ("ogrn", "1147154034158") in ems.identifiers
    assert by_id["ofac-36"].aliases == ("AERO-CARIBBEAN",)
    assert "RUSSIA-EO14024" in by_id["ofac-10392"].programs


def test_ofac_date_from_file_name(tmp_path: Path) -> None:
    f = tmp_path / "sdn_2023-01-02.csv"
    f.write_bytes((DATA / "ofac_sdn_sample.csv").read_bytes())
    assert ofac.parse(f).publication_date == "2023-01-02"


@pytest.mark.parametrize(
    ("content", "message", "line"),
    [
        ('36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA"\n', "expected 12 fields", 1),
        ('x1,"A",-0- ,"P",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n', "not a number", 1),
        ('1,"",-0- ,"P",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n', "empty name", 1),
        (
            '1,"A",-0- ,"P",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n'
            '1,"B",-0- ,"P",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n',
            "duplicate ent_num",
            2,
        ),
        ('1,"A","robot","P",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n', "unknown SDN_Type", 1),
        ('1,"' + "A" * 5000 + '",-0- ,"P",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n', "limit", 1),
        ('1,"unterminated,-0- \n', "", None),
    ],
)
def test_ofac_bad_input_names_file_and_line(
    tmp_path: Path, content: str, message: str, line: int | None
) -> None:
    f = tmp_path / "sdn.csv"
    f.write_text(content, encoding="utf-8")
    with pytest.raises(InputFileError) as err:
        ofac.parse(f)
    text = str(err.value)
    assert "\n" not in text and str(f) in text and message in text
    if line is not None:
        assert f"line {line}" in text


def test_mixed_encoding_is_an_error_naming_the_line(tmp_path: Path) -> None:
    f = tmp_path / "sdn.csv"
    good = '1,"A",-0- ,"P",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n'
    f.write_bytes(good.encode() + '2,"Ромашка",-0- ,"P"'.encode("cp1251") + b"\n")
    with pytest.raises(InputFileError, match=r"line 2: not UTF-8"):
        ofac.parse(f)


def test_empty_file(tmp_path: Path) -> None:
    f = tmp_path / "sdn.csv"
    f.write_bytes(b"")
    with pytest.raises(InputFileError, match="empty file"):
        ofac.parse(f)


def test_un_xml() -> None:
    p = un.parse(DATA / "un_sample.xml")
    assert p.publication_date == "2026-02-27"
    assert [e.schema for e in p.entities] == ["Person"] * 3 + ["Organization"] * 2
    assert p.entities[0].entity_id == "un-6907993"
    assert p.entities[0].birth_dates == ("1971",)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID>
<FIRST_NAME>&lol3;</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>"""

EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID>
<FIRST_NAME>&xxe;</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>"""


@pytest.mark.parametrize("xml", [BILLION_LAUGHS, EXTERNAL])
def test_hostile_xml_is_refused(tmp_path: Path, xml: str) -> None:
    f = tmp_path / "un.xml"
    f.write_text(xml, encoding="utf-8")
    with pytest.raises(InputFileError, match="refused unsafe XML") as err:
        un.parse(f)
    assert str(f) in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        ("<CONSOLIDATED_LIST><INDIVIDUALS>", "malformed XML"),
        ("<OTHER/>", "not <CONSOLIDATED_LIST>"),
        ("<CONSOLIDATED_LIST/>", "no INDIVIDUAL"),
        (
            "<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>7</DATAID>"
            "</INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>",
            r"DATAID 7\): empty name",
        ),
    ],
)
def test_broken_xml(tmp_path: Path, xml: str, message: str) -> None:
    f = tmp_path / "un.xml"
    f.write_text(xml, encoding="utf-8")
    with pytest.raises(InputFileError, match=message):
        un.parse(f)


def test_oversized_file_is_refused_before_parsing(tmp_path: Path) -> None:
    from roundabout.lists.limits import read_text

    f = tmp_path / "big.xml"
    f.write_bytes(b"<a>" + b"x" * 2000 + b"</a>")
    with pytest.raises(InputFileError, match="over the 1,000 byte limit"):
        read_text(f, max_bytes=1000)


def test_ftm_jsonl() -> None:
    p = ftm.parse(DATA / "ftm_sample.jsonl")
    assert p.source == "ftm" and len(p.entities) == 6
    names = {e.name for e in p.entities}
    assert "LLC “Inter Tobacco”" in names


def test_ftm_bad_line(tmp_path: Path) -> None:
    f = tmp_path / "x.jsonl"
    f.write_text('{"id": "a", "schema": "Person", "properties": {"name": ["A"]}}\n{oops\n')
    with pytest.raises(InputFileError, match="line 2: not JSON"):
        ftm.parse(f)
    f.write_text('{"id": "a", "schema": "Martian", "properties": {}}\n')
    with pytest.raises(InputFileError, match="unknown FtM schema"):
        ftm.parse(f)


def test_dpl() -> None:
    p = dpl.parse(DATA / "dpl_sample.txt")
    assert p.source == "bis_dpl" and len(p.entities) == 7
    assert p.entities[0].name == "I. ASH"


def test_detect() -> None:
    assert detect(DATA / "ofac_sdn_sample.csv") is ListFormat.ofac
    assert detect(DATA / "un_sample.xml") is ListFormat.un
    assert detect(DATA / "ftm_sample.jsonl") is ListFormat.ftm
    assert detect(DATA / "dpl_sample.txt") is ListFormat.dpl
    assert parse_list(DATA / "un_sample.xml").source == "un_sc"


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_remarks_parser_never_crashes(text: str) -> None:
    r = parse_remarks(text)
    assert all(len(d) in (4, 7, 10) for d in r.birth_dates)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(max_size=30), min_size=1, max_size=14))
def test_ofac_parser_only_raises_input_errors(
    tmp_path_factory: pytest.TempPathFactory, cells: list[str]
) -> None:
    f = tmp_path_factory.mktemp("h") / "sdn.csv"
    f.write_text(",".join('"' + c.replace('"', '""') + '"' for c in cells) + "\n", encoding="utf-8")
    try:
        ofac.parse(f)
    except InputFileError as exc:
        assert "\n" not in str(exc)
