"""The column-mapping file: what it accepts, and the errors that name the file and field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from roundabout.errors import MappingError
from roundabout.sources.country_names import name_key, resolve_name
from roundabout.sources.mapping import Filter, load_mapping, parse_mapping, resolve_country

REPO = Path(__file__).parent.parent.parent
MAPPINGS = REPO / "examples" / "mappings"

#: The smallest valid mapping; tests change one thing at a time.
MINIMAL = {
    "source": "test",
    "columns": {
        "reporter": {"value": "ARM"},
        "partner": {"column": "country"},
        "flow": {"value": "export"},
        "value": {"column": "value"},
        "currency": {"value": "USD"},
    },
    "period": {"column": "period", "format": "YYYY"},
}


def write(tmp_path: Path, data: object, name: str = "mapping.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def with_(**changes: object) -> dict[str, object]:
    """MINIMAL with top-level keys replaced (``None`` removes a key)."""
    data = {**MINIMAL, **changes}
    return {k: v for k, v in data.items() if v is not None}


def with_columns(**changes: object) -> dict[str, object]:
    cols = {**MINIMAL["columns"], **changes}  # type: ignore[dict-item]
    return with_(columns={k: v for k, v in cols.items() if v is not None})


def error_of(tmp_path: Path, data: object) -> str:
    with pytest.raises(MappingError) as info:
        load_mapping(write(tmp_path, data))
    return str(info.value)


@pytest.mark.parametrize("path", sorted(MAPPINGS.glob("*.yaml")), ids=lambda p: p.name)
def test_bundled_mappings_are_valid(path: Path) -> None:
    m = load_mapping(path)
    assert m.source in {"armstat", "kyrgyzstat", "uzstat", "kazstat"}
    assert m.columns.currency.constant == "USD"
    assert m.value_scale == 1000


def test_minimal_mapping_defaults() -> None:
    m = parse_mapping(MINIMAL)
    assert m.format == "csv"
    assert m.delimiter == ","
    assert m.encoding == "utf-8"
    assert m.skip_rows == 0
    assert m.columns.product_code.constant == "TOTAL"
    assert m.country_scheme.partner == "iso3"
    assert m.file_columns() == ["country", "value", "period"]


def test_unknown_field_is_named(tmp_path: Path) -> None:
    msg = error_of(tmp_path, with_(colums={}))
    assert msg == f"{tmp_path / 'mapping.yaml'}: field colums: unknown field"
    msg = error_of(tmp_path, with_columns(partnr={"column": "x"}))
    assert msg.endswith("field columns.partnr: unknown field")
    msg = error_of(tmp_path, with_columns(partner={"colum": "x"}))
    assert "field columns.partner.colum: unknown field" in msg


def test_missing_required_field_is_named(tmp_path: Path) -> None:
    msg = error_of(tmp_path, with_columns(value=None))
    assert (
        msg
        == f"{tmp_path / 'mapping.yaml'}: field columns.value: required (or give values or unpivot)"
    )
    assert error_of(tmp_path, with_(source=None)).endswith("field source: required")
    assert "field columns.currency: required" in error_of(tmp_path, with_columns(currency=None))
    assert "field period: required" in error_of(tmp_path, with_(period=None))


def test_wrong_types_are_named(tmp_path: Path) -> None:
    # Strict: a quoted number is not a number, a number is not a column name.
    msg = error_of(tmp_path, with_(value_scale="1000"))
    assert "field value_scale: Input should be a valid number" in msg
    msg = error_of(tmp_path, with_(skip_rows=2.5))
    assert "field skip_rows:" in msg
    msg = error_of(tmp_path, with_(unpivot={"columns": ["2019", 2020], "name": "year"}))
    assert "field unpivot.columns[1]: Input should be a valid string" in msg
    msg = error_of(tmp_path, with_columns(reporter={"value": ["ARM"]}))
    assert "field columns.reporter.value: must be a text or a number" in msg
    msg = error_of(tmp_path, with_(format="xlsx"))
    assert "field format: Input should be 'csv' or 'parquet'" in msg
    msg = error_of(tmp_path, with_(country_aliases={0: "XNS"}))
    assert "keys must be text" in msg


def test_bad_yaml(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("source: armstat\ncolumns: [unclosed\n", encoding="utf-8")
    with pytest.raises(MappingError, match=r"broken\.yaml: not valid YAML at line 3"):
        load_mapping(path)
    path.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(MappingError, match="expected a YAML mapping"):
        load_mapping(path)
    path.write_text("", encoding="utf-8")
    with pytest.raises(MappingError, match="expected a YAML mapping"):
        load_mapping(path)
    with pytest.raises(MappingError, match="no such mapping file"):
        load_mapping(tmp_path / "absent.yaml")


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"columns": {"partner": {"column": "a", "value": "b"}}}, "columns.partner", "exactly one"),
        ({"columns": {"partner": {}}}, "columns.partner", "exactly one of column, value"),
        ({"columns": {"flow": {"value": "transit"}}}, "columns.flow.value", "not one of"),
        ({"columns": {"freq": {"value": "Q"}}}, "columns.freq.value", "not A or M"),
        ({"columns": {"reporter": {"value": "XXX"}}}, "columns.reporter.value", "unknown iso3"),
        ({"period": {"column": "p"}}, "period", "format is required"),
        ({"period": {"column": "p", "format": "YYYY/MM"}}, "period.format", "Input should be"),
        ({"period": {"year": {"column": "y"}, "annual_values": ["Year"]}}, "period", "month"),
        ({"unpivot": {"regex": "([", "name": "year"}}, "unpivot.regex", "invalid regular"),
        ({"unpivot": {"name": "year"}}, "unpivot", "either columns or regex"),
        ({"filters": [{"column": "c"}]}, "filters[0]", "exactly one of equals"),
        ({"encoding": "klingon"}, "encoding", "unknown encoding"),
        ({"delimiter": ";;"}, "delimiter", "at most 1 character"),
        ({"value_scale": 0}, "value_scale", "greater than 0"),
        ({"country_aliases": {"Atlantis": "ATL"}}, "country_aliases.Atlantis", "unknown ISO"),
        ({"format": "parquet", "skip_rows": 2}, "format", "csv files only"),
    ],
)
def test_invalid_values_name_the_field(
    tmp_path: Path, change: dict[str, object], field: str, message: str
) -> None:
    data: dict[str, object] = dict(MINIMAL)
    for key, value in change.items():
        if key == "columns":
            data["columns"] = {**MINIMAL["columns"], **value}  # type: ignore[dict-item]
        else:
            data[key] = value
    msg = error_of(tmp_path, data)
    assert f"field {field}: " in msg
    assert message in msg
    assert "\n" not in msg


def test_values_and_unpivot_rules(tmp_path: Path) -> None:
    values = [{"column": "export", "flow": "export"}, {"column": "import", "flow": "import"}]
    m = parse_mapping(with_columns(flow=None, value=None) | {"values": values})
    assert [v.flow for v in m.values or []] == ["export", "import"]
    assert "not allowed with values" in error_of(
        tmp_path, with_columns(value=None) | {"values": values}
    )
    unpivot = {"regex": r"^\d{4}$", "name": "year"}
    assert "not allowed with unpivot" in error_of(tmp_path, with_(unpivot=unpivot))
    both = with_columns(flow=None, value=None) | {"values": values, "unpivot": unpivot}
    assert "field values: cannot be combined with unpivot" in error_of(tmp_path, both)
    assert "field columns.flow: required" in error_of(tmp_path, with_columns(flow=None))


def test_filter_reasons() -> None:
    assert Filter(column="c", equals="Year").describe() == "excluded by mapping filter: c = 'Year'"
    many = Filter(column="name", one_of=["CIS", "EU", "SCO", "EAEU"]).describe()
    assert many == "excluded by mapping filter: name in ['CIS', 'EU', 'SCO', ... (4 values)]"
    assert (
        Filter(column="c", matches="^1 ").describe()
        == "excluded by mapping filter: c matches '^1 '"
    )
    assert Filter(column="c", equals="x", reason="footnote").describe() == (
        "excluded by mapping filter: footnote"
    )


def test_constant_values_as_text() -> None:
    m = parse_mapping(with_(period={"year": {"value": 2022}}))
    assert m.period.year is not None and m.period.year.constant == "2022"


# --- Country names and codes ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "iso3"),
    [
        ("Российская Федерация", "RUS"),
        ("Russian Federation", "RUS"),
        ("Russia", "RUS"),
        ("Россия", "RUS"),
        ("RUSSIA ", "RUS"),
        ("Корея, Республика", "KOR"),
        ("Республика Корея", "KOR"),
        ("The Republic of Korea", "KOR"),
        ("Korea (DPRK)", "PRK"),
        ("USA", "USA"),
        ("Соединенные Штаты Америки", "USA"),
        ("Cote d' Ivoire", "CIV"),
        ("Côte d’Ivoire", "CIV"),
        ("Кот-Д'Ивуар", "CIV"),
        ("Гвинея - Бисау", "GNB"),
        ("Bolivia", "BOL"),  # from "Bolivia (Plurinational State of)"
        ("Congo", "COG"),  # not the DR Congo, whose name is "Congo (the Democratic ...)"
        ("Congo, Democratic Republic of the", "COD"),
        ("Тайвань. Китайская провинция\xa0", "TWN"),
        ("Aland Islands", "ALA"),
        ("Unknown country", "XNS"),
        ("Неопределенная страна", "XNS"),
    ],
)
def test_country_names(name: str, iso3: str) -> None:
    assert resolve_name(name) == iso3


def test_ambiguous_and_unknown_names() -> None:
    assert resolve_name("Virgin Islands") is None  # British or American?
    assert resolve_name("CIS") is None
    assert resolve_name("Нормандские Острова") is None
    assert resolve_name("Butane") is None
    assert resolve_name("Butane", {"Butane": "BTN"}) == "BTN"
    assert resolve_name("BUTANE", {"Butane": "BTN"}) == "BTN"


def test_resolve_country_schemes() -> None:
    assert resolve_country("643", "m49", {}) == "RUS"
    assert resolve_country("008", "m49", {}) == "ALB"
    assert resolve_country("0", "m49", {}) is None
    assert resolve_country("0", "m49", {"0": "XNS"}) == "XNS"
    assert resolve_country("000", "m49", {"0": "XNS"}) == "XNS"
    assert resolve_country("0", "comtrade", {}) == "W00"
    assert resolve_country("kz", "iso2", {}) == "KAZ"
    assert resolve_country("arm", "iso3", {}) == "ARM"
    assert resolve_country("EL", "comext", {}) == "GRC"
    assert resolve_country("842", "comtrade", {}) == "USA"
    assert resolve_country(" ", "name", {}) is None


letters = st.text(alphabet="abcdefghijklmnopqrstuvwxyzабвгдежзиклмнопрстуфхцчшщыэюя -'", min_size=1)


@given(letters)
def test_name_key_ignores_case_and_spacing(name: str) -> None:
    assert name_key(name.upper()) == name_key(name)
    assert name_key(f"  {name}  ") == name_key(name)
    assert name_key(name.replace(" ", "   ")) == name_key(name)
