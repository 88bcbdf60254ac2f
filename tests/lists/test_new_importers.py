"""EU FSF (XML, CSV), UK OFSI ConList CSV, OFAC SDN XML and US CSL importers.

The EU, UK and OFAC XML samples in tests/data/lists are hand-made after the published
layouts (fictional people and numbers, see PROVENANCE.md there); the US CSL sample is 13 real
rows of the trade.gov file.
"""

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roundabout.errors import InputFileError
from roundabout.lists import eu_fsf, ofac_xml, uk, us_csl
from roundabout.lists.detect import ListFormat, detect, parse_list
from roundabout.store import Store

DATA = Path(__file__).parent.parent / "data" / "lists"


# ---------------------------------------------------------------- EU FSF


def test_eu_fsf_xml() -> None:
    p = eu_fsf.parse(DATA / "eu_fsf_sample.xml")
    assert p.source == "eu_fsf" and p.publication_date == "2026-03-02"
    by_id = {e.entity_id: e for e in p.entities}
    assert list(by_id) == ["eu-fsf-900101", "eu-fsf-900102", "eu-fsf-900103"]
    askar = by_id["eu-fsf-900101"]
    assert askar.schema == "Person"
    assert askar.name == "Askar Nurlanovich TESTBAYEV"
    assert "Асқар Нұрланұлы ТЕСТБАЕВ" in askar.aliases  # Kazakh letters kept
    assert askar.countries == ("kz",)
    assert askar.birth_dates == ("1971-05-14",)
    assert askar.identifiers == (("passport", "N12345678"),)
    assert askar.programs == ("UKR",) and askar.listed_on == "2022-02-28"
    too = by_id["eu-fsf-900102"]
    assert too.schema == "Organization" and too.birth_dates == ()
    assert ("bin", "990540001234") in too.identifiers  # KZ registration number = BIN
    assert too.countries == ("kz", "ru")
    irina = by_id["eu-fsf-900103"]
    assert irina.name == "Irina Petrovna OBRAZTSOVA"  # no wholeName: first middle last
    assert irina.birth_dates == ("1980",)  # year attribute only
    assert irina.identifiers == (("inn", "771234567890"),)  # RU fiscalcode = INN


def test_eu_fsf_csv_groups_rows_by_logical_id() -> None:
    p = eu_fsf.parse(DATA / "eu_fsf_sample.csv")
    assert p.publication_date == "2026-03-02"  # fileGenerationDate 02/03/2026, day first
    assert [e.entity_id for e in p.entities] == ["eu-fsf-900101", "eu-fsf-900102"]
    xml = {e.entity_id: e for e in eu_fsf.parse(DATA / "eu_fsf_sample.xml").entities}
    askar = p.entities[0]
    for attr in ("name", "aliases", "countries", "identifiers", "birth_dates", "programs"):
        assert getattr(askar, attr) == getattr(xml["eu-fsf-900101"], attr), attr
    assert askar.listed_on == "2022-02-28"
    assert p.entities[1].aliases == ("ТОО «Степь Тест Трейдинг»; филиал",)  # quoted ';'


def _eu_xml(entities: str) -> str:
    return (
        '<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate="2026-01-01">'
        + entities
        + "</export>"
    )


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        (_eu_xml("<sanctionEntity logicalId='1'>"), "malformed XML"),
        ("<export2/>", "not the EU FSF <export>"),
        (_eu_xml(""), "no sanctionEntity"),
        (
            _eu_xml("<sanctionEntity logicalId='7'><subjectType code='person'/></sanctionEntity>"),
            r"logicalId 7\): empty name|logicalId 7: empty name",
        ),
        (
            _eu_xml("<sanctionEntity logicalId='8'><nameAlias wholeName='A'/></sanctionEntity>"),
            "no subjectType",
        ),
        (
            _eu_xml(
                "<sanctionEntity logicalId='9'><subjectType code='alien'/>"
                "<nameAlias wholeName='A'/></sanctionEntity>"
            ),
            "unknown subject type 'alien'",
        ),
        (
            _eu_xml("<sanctionEntity><subjectType code='person'/></sanctionEntity>"),
            "missing or bad logicalId",
        ),
        (
            _eu_xml(
                "<sanctionEntity logicalId='5'><subjectType code='person'/>"
                f"<nameAlias wholeName='{'A' * 5000}'/></sanctionEntity>"
            ),
            "limit 1,000",
        ),
    ],
)
def test_eu_fsf_broken_xml(tmp_path: Path, xml: str, message: str) -> None:
    f = tmp_path / "eu.xml"
    f.write_text(xml, encoding="utf-8")
    with pytest.raises(InputFileError, match=message) as err:
        eu_fsf.parse(f)
    assert str(f) in str(err.value) and "\n" not in str(err.value)


def test_eu_fsf_csv_bad_input(tmp_path: Path) -> None:
    f = tmp_path / "eu.csv"
    f.write_text("fileGenerationDate;Entity_LogicalId;NameAlias_WholeName\n01/01/2026;1;A\n")
    with pytest.raises(InputFileError, match=r"line 1: not a EU FSF CSV file: missing column"):
        eu_fsf.parse(f)
    head = "Entity_LogicalId;Entity_SubjectType;NameAlias_WholeName\n"
    f.write_text(head + "1;P;A\n2;P;\n")
    with pytest.raises(InputFileError, match=r"line 3: Entity_LogicalId 2: empty name"):
        eu_fsf.parse(f)
    f.write_text(head + "1;P;A\nx1;P;B\n")
    with pytest.raises(InputFileError, match=r"line 3: Entity_LogicalId 'x1' is not a number"):
        eu_fsf.parse(f)
    f.write_text(head + "1;P;A;extra\n")
    with pytest.raises(InputFileError, match=r"line 2: expected 3 fields, found 4"):
        eu_fsf.parse(f)
    f.write_text(head + "1;P;" + "x" * 30_000 + "\n")
    with pytest.raises(InputFileError, match=r"line 2: a field is 30,000 characters"):
        eu_fsf.parse(f)
    f.write_bytes(head.encode() + "1;P;Ромашка\n".encode("cp1251"))
    with pytest.raises(InputFileError, match=r"line 2: not UTF-8"):
        eu_fsf.parse(f)


# ---------------------------------------------------------------- UK OFSI


def test_uk_conlist() -> None:
    p = uk.parse(DATA / "uk_conlist_sample.csv")
    assert p.source == "uk_ofsi" and p.publication_date == "2026-03-02"
    by_id = {e.entity_id: e for e in p.entities}
    askar = by_id["uk-ofsi-99001"]
    assert askar.schema == "Person"
    assert askar.name == "Askar Nurlanovich TESTBAYEV"  # given names, then Name 6
    assert askar.aliases == ("Асқар Нұрланұлы ТЕСТБАЕВ", "Askar TESTBAEV")
    assert askar.countries == ("kz", "ru")  # "(1) Kazakhstan (2) Russia"
    assert askar.birth_dates == ("1971-05-14",)
    assert askar.identifiers == (("passport", "N12345678"),)
    assert askar.listed_on == "2022-03-15" and askar.programs == ("Russia",)
    llp = by_id["uk-ofsi-99002"]
    assert llp.schema == "Organization"
    assert ("bin", "990540001234") in llp.identifiers and ("inn", "7701234567") in llp.identifiers
    ship = by_id["uk-ofsi-99003"]
    assert ship.schema == "Vessel" and ship.identifiers == (("imo", "9123456"),)
    assert ship.aliases == ("СТЕПНАЯ ЗВЕЗДА",)
    irina = by_id["uk-ofsi-99004"]
    assert irina.name == "Irina OBRAZTSOVA"  # the "Primary name" row, though it comes second
    assert irina.birth_dates == ("1965",)  # 00/00/1965


def test_uk_without_last_updated_line(tmp_path: Path) -> None:
    text = (DATA / "uk_conlist_sample.csv").read_text("utf-8").split("\n", 1)[1]
    f = tmp_path / "ConList.csv"
    f.write_text(text, encoding="utf-8")
    p = uk.parse(f, publication_date="2026-03-01")
    assert p.publication_date == "2026-03-01" and len(p.entities) == 4


@pytest.mark.parametrize(
    ("body", "message", "line"),
    [
        ("Name 6,Name 1,Group ID\nA,B,1\n", "missing column(s) Group Type", 2),
        ("Name 6,Group Type,Group ID\nA,Individual,x\n", "Group ID 'x' is not a number", 3),
        ("Name 6,Group Type,Group ID\nA,Robot,1\n", "unknown Group Type 'Robot'", 3),
        ("Name 6,Group Type,Group ID\n,Entity,1\n", "Group ID 1: empty name", 3),
        ("Name 6,Group Type,Group ID\nA,Entity\n", "expected 3 fields, found 2", 3),
        ('Name 6,Group Type,Group ID\n"A,Entity,1\n', "malformed CSV", None),
        ("Name 6,Group Type,Group ID\n", "no records", None),
    ],
)
def test_uk_bad_input(tmp_path: Path, body: str, message: str, line: int | None) -> None:
    f = tmp_path / "ConList.csv"
    f.write_text("Last Updated,02/03/2026\n" + body, encoding="utf-8")
    with pytest.raises(InputFileError) as err:
        uk.parse(f)
    text = str(err.value)
    assert str(f) in text and message in text and "\n" not in text
    if line is not None:
        assert f"line {line}:" in text


_name = (
    st.text(
        alphabet=st.characters(
            codec="utf-8",
            categories=("L", "N", "Zs", "P"),
            exclude_characters="\r\n\x85\u2028\u2029",
        ),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)


@settings(max_examples=50, deadline=None)
@given(
    st.dictionaries(
        st.integers(1, 10**6),
        st.lists(_name, min_size=1, max_size=4, unique=True),
        min_size=1,
        max_size=6,
    )
)
def test_uk_csv_round_trip(tmp_path_factory: pytest.TempPathFactory, groups: dict) -> None:  # type: ignore[type-arg]
    """Whatever names (commas, quotes, Cyrillic, Kazakh) a writer puts in, they come back."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    out.write("Last Updated,02/03/2026\r\n")
    w.writerow(["Name 6", "Name 1", "Group Type", "Alias Type", "Group ID"])
    for gid, names in groups.items():
        for i, n in enumerate(names):
            w.writerow([n, "", "Entity", "Primary name" if i == 0 else "AKA", str(gid)])
    f = tmp_path_factory.mktemp("uk") / "ConList.csv"
    f.write_text(out.getvalue(), encoding="utf-8")
    p = uk.parse(f)
    got = {e.entity_id: e.names for e in p.entities}
    assert got == {f"uk-ofsi-{gid}": tuple(dict.fromkeys(ns)) for gid, ns in groups.items()}


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.text(max_size=20), min_size=1, max_size=6), min_size=1, max_size=5))
def test_eu_csv_parser_only_raises_input_errors(
    tmp_path_factory: pytest.TempPathFactory, rows: list[list[str]]
) -> None:
    out = io.StringIO()
    w = csv.writer(out, delimiter=";")
    w.writerow(["Entity_LogicalId", "Entity_SubjectType", "NameAlias_WholeName"])
    w.writerows(rows)
    f = tmp_path_factory.mktemp("eu") / "eu.csv"
    f.write_text(out.getvalue(), encoding="utf-8")
    try:
        eu_fsf.parse_csv(f)
    except InputFileError as exc:
        assert "\n" not in str(exc) and str(f) in str(exc)


# ---------------------------------------------------------------- OFAC XML


def test_ofac_xml() -> None:
    p = ofac_xml.parse(DATA / "ofac_sdn_sample.xml")
    assert p.source == "ofac_sdn" and p.publication_date == "2026-03-02"  # 03/02/2026 = M/D/Y
    by_id = {e.entity_id: e for e in p.entities}
    askar = by_id["ofac-990001"]
    assert askar.schema == "Person" and askar.name == "Askar Nurlanovich TESTBAYEV"
    assert askar.aliases == ("Askar TESTBAEV", "Асқар Нұрланұлы ТЕСТБАЕВ")
    assert askar.birth_dates == ("1971-05-14", "1972")
    assert askar.identifiers == (("passport", "N12345678"),)  # Gender etc. are not ids
    assert askar.countries == ("kz",)
    ooo = by_id["ofac-990002"]
    assert ooo.schema == "Organization"
    assert ooo.identifiers == (("inn", "7701234567"), ("ogrn", "1027700123456"))
    assert ooo.programs == ("RUSSIA-EO14024", "UKRAINE-EO13662")
    ship = by_id["ofac-990003"]
    assert ship.schema == "Vessel" and ship.identifiers == (("imo", "9123456"),)
    assert ship.countries == ("cm",)  # vesselFlag


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        ("<sdnList><sdnEntry>", "malformed XML"),
        ("<sdnList/>", "no sdnEntry"),
        (
            "<sdnList><sdnEntry><uid>1</uid><sdnType>Entity</sdnType></sdnEntry></sdnList>",
            r"uid 1\): empty name",
        ),
        ("<sdnList><sdnEntry><uid>x</uid></sdnEntry></sdnList>", "missing or bad uid"),
        (
            "<sdnList><sdnEntry><uid>2</uid><lastName>A</lastName><sdnType>Robot</sdnType>"
            "</sdnEntry></sdnList>",
            "unknown sdnType 'Robot'",
        ),
        (
            "<sdnList><sdnEntry><uid>2</uid><lastName>A</lastName><sdnType>Entity</sdnType>"
            "</sdnEntry><sdnEntry><uid>2</uid><lastName>B</lastName><sdnType>Entity</sdnType>"
            "</sdnEntry></sdnList>",
            "duplicate uid",
        ),
    ],
)
def test_ofac_xml_broken(tmp_path: Path, xml: str, message: str) -> None:
    f = tmp_path / "sdn.xml"
    f.write_text(xml, encoding="utf-8")
    with pytest.raises(InputFileError, match=message) as err:
        ofac_xml.parse(f)
    assert str(f) in str(err.value)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<ROOT>&lol3;</ROOT>"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<ROOT>&xxe;</ROOT>"""


@pytest.mark.parametrize("module", [eu_fsf, ofac_xml])
@pytest.mark.parametrize("root", ["export", "sdnList"])
@pytest.mark.parametrize("doc", [BILLION_LAUGHS, EXTERNAL])
def test_hostile_xml_is_refused(tmp_path: Path, module: object, root: str, doc: str) -> None:
    f = tmp_path / "list.xml"
    f.write_text(doc.replace("ROOT", root), encoding="utf-8")
    with pytest.raises(InputFileError, match="refused unsafe XML") as err:
        module.parse(f)  # type: ignore[attr-defined]
    assert str(f) in str(err.value) and "\n" not in str(err.value)


# ---------------------------------------------------------------- US CSL


def test_us_csl_real_sample() -> None:
    p = us_csl.parse(DATA / "us_csl_sample.csv", publication_date="2025-06-25")
    assert p.source == "us_csl" and len(p.entities) == 13
    by_id = {e.entity_id: e for e in p.entities}
    rim = by_id["us-csl-52291"]
    assert rim.schema == "Person" and rim.name == "Ryong Nam RIM"
    assert rim.identifiers == (("passport", "836238033"),)  # "Gender, Male" is not an id
    assert rim.birth_dates == ("1978-12-05",) and rim.countries == ("cn", "kp")
    assert "SDN" in rim.programs and "NPWMD" in rim.programs
    atlas = by_id["us-csl-1b5979e8fd3920a1a0985bf5088dad930a6a5562d1513f9e4b015e42"]
    assert (
        atlas.schema == "LegalEntity" and atlas.countries == ("am",) and atlas.programs == ("UVL",)
    )
    sme = by_id["us-csl-18283"]
    assert ("ogrn", "1027739108649") in sme.identifiers and ("swift", "RUDVRUMM") in sme.identifiers
    assert len(sme.aliases) == 5
    assert by_id["us-csl-9673"].birth_dates == ("1955",)
    assert (
        by_id["us-csl-99ed1b052fdb09695fae1ba87516d8a0882b0df04652e07aeb5ce7be"].listed_on
        == "2018-08-01"
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("_id,source,name\n1,x,A\n", "line 1: not a US CSL CSV file: missing column(s) type"),
        ("HEADER\n1,2,3\n", "missing column(s) _id"),
    ],
)
def test_us_csl_bad_header(tmp_path: Path, body: str, message: str) -> None:
    f = tmp_path / "csl.csv"
    f.write_text(body, encoding="utf-8")
    with pytest.raises(InputFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        us_csl.parse(f)


def test_us_csl_bad_rows(tmp_path: Path) -> None:
    lines = (DATA / "us_csl_sample.csv").read_text("utf-8").splitlines()
    f = tmp_path / "csl.csv"
    f.write_text("\n".join([lines[0], lines[1], lines[1]]) + "\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"line 3: duplicate _id"):
        us_csl.parse(f)
    f.write_text(lines[0] + "\n" + lines[5].replace('"RIM, Ryong Nam"', '""') + "\n")
    with pytest.raises(InputFileError, match=r"line 2: _id 52291: empty name"):
        us_csl.parse(f)
    f.write_text(lines[0] + "\n" + lines[5].replace('"Individual"', '"Robot"') + "\n")
    with pytest.raises(InputFileError, match=r"line 2: _id 52291: unknown type 'Robot'"):
        us_csl.parse(f)


# ---------------------------------------------------------------- detection, store


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("eu_fsf_sample.xml", ListFormat.eu_fsf),
        ("eu_fsf_sample.csv", ListFormat.eu_fsf),
        ("uk_conlist_sample.csv", ListFormat.uk),
        ("ofac_sdn_sample.xml", ListFormat.ofac_xml),
        ("us_csl_sample.csv", ListFormat.us_csl),
        ("un_sample.xml", ListFormat.un),
        ("ofac_sdn_sample.csv", ListFormat.ofac),
    ],
)
def test_detect_new_formats(name: str, fmt: ListFormat) -> None:
    assert detect(DATA / name) is fmt
    assert parse_list(DATA / name, fmt).entities


def test_snapshots_of_new_formats(store: Store) -> None:
    from roundabout.lists import snapshots

    for name in ("eu_fsf_sample.xml", "uk_conlist_sample.csv", "ofac_sdn_sample.xml"):
        out = snapshots.save(store, parse_list(DATA / name))
        assert out.status == "loaded" and out.snapshot.publication_date == "2026-03-02"
        back = snapshots.entities(store, out.snapshot.snapshot_id)
        assert {e.entity_id: e for e in back} == {
            e.entity_id: e for e in parse_list(DATA / name).entities
        }
    ids = [s.snapshot_id for s in snapshots.list_snapshots(store)]
    assert any(i.startswith("eu_fsf:2026-03-02:") for i in ids)
    assert any(i.startswith("uk_ofsi:2026-03-02:") for i in ids)


def test_uk_fcdo_xml() -> None:
    p = uk.parse(DATA / "uk_fcdo_sample.xml")
    assert detect(DATA / "uk_fcdo_sample.xml") is ListFormat.uk
    assert p.source == "uk_fcdo" and p.publication_date == "2026-03-02"
    askar, ship = p.entities
    assert askar.entity_id == "uk-fcdo-RUS9901" and askar.schema == "Person"
    assert askar.name == "Askar Nurlanovich TESTBAYEV"
    assert askar.aliases == ("Askar TESTBAEV", "Асқар Нұрланұлы ТЕСТБАЕВ")
    assert askar.countries == ("kz", "ru") and askar.birth_dates == ("1971-05-14",)
    assert askar.identifiers == (("passport", "N12345678"),)
    assert askar.listed_on == "2022-03-15"
    assert ship.schema == "Vessel" and ship.identifiers == (("imo", "9123456"),)
    assert ship.countries == ("cm",)


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        ("<Designations/>", "no Designation records"),
        (
            "<Designations><Designation><UniqueID>A1</UniqueID>"
            "<IndividualEntityShip>Entity</IndividualEntityShip></Designation></Designations>",
            r"UniqueID A1\): empty name",
        ),
        (
            "<Designations><Designation><UniqueID>A1</UniqueID>"
            "<IndividualEntityShip>Robot</IndividualEntityShip></Designation></Designations>",
            "unknown IndividualEntityShip 'Robot'",
        ),
        (BILLION_LAUGHS.replace("ROOT", "Designations"), "refused unsafe XML"),
    ],
)
def test_uk_fcdo_broken(tmp_path: Path, xml: str, message: str) -> None:
    f = tmp_path / "UK_Sanctions_List.xml"
    f.write_text(xml, encoding="utf-8")
    with pytest.raises(InputFileError, match=message) as err:
        uk.parse(f)
    assert str(f) in str(err.value) and "\n" not in str(err.value)
