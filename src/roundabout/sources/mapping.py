"""The column-mapping file of ``roundabout ingest --format table``: what each column means.

A national statistics table is not a trade-data format anyone else reads: Armstat publishes
one row per partner and month with exports and imports side by side, Kyrgyzstan one column
per year with names in three languages, Kazakhstan two title lines and two header lines
above its figures. Rather than one importer per office, :class:`Mapping` describes a file
declaratively and :mod:`roundabout.sources.table` turns any file so described into rows of
``flows``. A mapping is YAML::

    source: armstat                 # stored in flows.source
    delimiter: ","                  # csv only; also: encoding, skip_rows, column_names
    columns:                        # each canonical column: {column: ...} or {value: ...}
      reporter: {value: ARM}
      partner: {column: country}
      currency: {value: USD}        # product_code defaults to {value: TOTAL}
    country_scheme: {partner: name} # iso3 (default), iso2, m49, comtrade, baci, comext, name
    period:
      year: {column: year}
      month: {column: timeperiod}
    values:                         # several flows side by side in one file
      - {column: export, flow: export}
      - {column: import_origin, flow: import}
    value_scale: 1000               # the file is in thousand US$
    zero_values: ["-"]              # the statistical dash: nothing traded
    filters:
      - {column: timeperiod, equals: "Year", reason: "annual total row"}

The pieces:

* ``columns`` holds one *field* per canonical column: ``{column: <file column>}``,
  ``{value: <constant>}``, or ``{file_name: <regex>}`` (group 1 of the regex searched in the
  file's name: Kazakhstan names its files by year). ``reporter``, ``partner`` and
  ``currency`` are required; ``flow`` and ``value`` too unless ``values`` or ``unpivot``
  supply them. ``freq`` is optional: it follows from the period.
* ``period`` is either one ``column`` with a ``format`` (``YYYY``, ``YYYYMM``, ``YYYY-MM``)
  or a ``year`` field with an optional ``month`` field (1 to 12); a month cell equal to one
  of ``annual_values`` (Armstat's ``Year``) makes the row annual.
* ``skip_rows`` counts the title lines above the header line; ``column_names`` renames the
  header's first columns, for headers a program cannot use (empty or repeated cells).
* ``values`` lists value columns each with its flow: one file line becomes one row per
  entry. (A store loads a file once, by its SHA-256, so exports and imports printed side by
  side must come in with one mapping, not one mapping per flow.)
* ``unpivot`` turns a wide table (one column per year) into rows: the columns are listed or
  matched by ``regex``; each cell becomes a row's value and the column's name (or the
  regex's group 1) lands in the column ``name``, which fields can use like a file column.
  With ``values`` or ``unpivot``, ``rows_read`` counts the rows produced, not the lines.
* ``filters`` drop rows that are not partner countries (totals, country groups, footnotes).
  Nothing disappears silently: a filtered row goes to quarantine with the reason
  "excluded by mapping filter: ...", so ``rows_read = rows_loaded + rows_rejected`` holds.
* ``zero_values`` are markers read as 0 (the statistical dash, or an empty cell where the
  office leaves zeros blank); ``missing_values`` are markers of "no figure" (``...``): such
  a row goes to quarantine as a missing value.
* ``country_aliases`` maps names or codes one office uses (typos included) to ISO alpha-3
  or aggregate codes; they win over the scheme's lookup.

:func:`load_mapping` reads and checks a file; every problem is a :class:`MappingError`
naming the file and the field, e.g. ``mapping.yaml: field columns.value: required``.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Annotated, Any, Final, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator
from pydantic import Field as PydanticField

from roundabout.errors import MappingError
from roundabout.reference.countries import iso3_codes, to_iso3
from roundabout.sources.country_names import resolve_name
from roundabout.vocabulary import FLOWS

Scheme = Literal["iso3", "iso2", "m49", "comtrade", "baci", "comext", "name"]
PeriodFormat = Literal["YYYY", "YYYYMM", "YYYY-MM"]
FlowName = Literal["export", "import", "re-export", "re-import"]

#: Canonical columns that hold countries (and so have a ``country_scheme``).
COUNTRY_COLUMNS: Final = ("reporter", "partner", "partner2")
#: Flow words and codes accepted in a flow column (compared in lower case).
FLOW_WORDS: Final[dict[str, str]] = {
    "export": "export",
    "exports": "export",
    "x": "export",
    "import": "import",
    "imports": "import",
    "m": "import",
    "re-export": "re-export",
    "re-exports": "re-export",
    "rx": "re-export",
    "re-import": "re-import",
    "re-imports": "re-import",
    "rm": "re-import",
}
#: Canonical columns that hold numbers.
NUMBER_COLUMNS: Final = ("value", "quantity", "net_weight_kg")


class _Strict(BaseModel):
    """No unknown fields, no type coercion ("1000" is not a number), immutable."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class FieldSpec(_Strict):
    """Where a canonical column comes from: exactly one of ``column``, ``value``, ``file_name``."""

    column: str | None = None
    value: str | int | float | None = None
    file_name: str | None = None

    @field_validator("value", mode="before")
    @classmethod
    def _scalar(cls, v: object) -> object:
        if v is not None and (isinstance(v, bool) or not isinstance(v, str | int | float)):
            raise ValueError("must be a text or a number")
        return v

    @field_validator("file_name")
    @classmethod
    def _regex(cls, v: str | None) -> str | None:
        return None if v is None else _compile(v).pattern

    @model_validator(mode="after")
    def _one_source(self) -> FieldSpec:
        given = [k for k in ("column", "value", "file_name") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of column, value, file_name")
        return self

    @property
    def constant(self) -> str | None:
        """The constant as text (``{value: 2022}`` is ``"2022"``), else ``None``."""
        if self.value is None:
            return None
        if isinstance(self.value, float) and self.value.is_integer():
            return str(int(self.value))
        return str(self.value)


def _value(v: str) -> FieldSpec:
    return FieldSpec(value=v)


class Columns(_Strict):
    """The canonical ``flows`` columns a file supplies (period and freq come from ``period``)."""

    reporter: FieldSpec
    partner: FieldSpec
    currency: FieldSpec
    partner2: FieldSpec | None = None
    flow: FieldSpec | None = None
    freq: FieldSpec | None = None
    product_code: FieldSpec = PydanticField(default_factory=lambda: _value("TOTAL"))
    hs_edition: FieldSpec | None = None
    value: FieldSpec | None = None
    valuation: FieldSpec | None = None
    quantity: FieldSpec | None = None
    quantity_unit: FieldSpec | None = None
    net_weight_kg: FieldSpec | None = None

    def fields(self) -> dict[str, FieldSpec]:
        """The fields given, by canonical column name."""
        return {k: v for k, v in self if isinstance(v, FieldSpec)}


class CountrySchemes(_Strict):
    """How each country column is coded (``name``: English or Russian country names)."""

    reporter: Scheme = "iso3"
    partner: Scheme = "iso3"
    partner2: Scheme = "iso3"


class PeriodSpec(_Strict):
    """The period: one ``column`` with a ``format``, or ``year`` with an optional ``month``."""

    column: str | None = None
    format: PeriodFormat | None = None
    year: FieldSpec | None = None
    month: FieldSpec | None = None
    annual_values: list[str] = []

    @model_validator(mode="after")
    def _shape(self) -> PeriodSpec:
        if (self.column is None) == (self.year is None):
            raise ValueError("give either column (with format) or year (with optional month)")
        if self.column is not None and self.format is None:
            raise ValueError("format is required with column (YYYY, YYYYMM or YYYY-MM)")
        if self.column is None and self.format is not None:
            raise ValueError("format goes with column, not with year/month")
        if self.column is not None and self.month is not None:
            raise ValueError("month goes with year, not with column")
        if self.annual_values and self.month is None:
            raise ValueError("annual_values needs a month field")
        return self


class ValueColumn(_Strict):
    """One value column of a file that has several flows side by side."""

    column: str
    flow: FlowName


class Unpivot(_Strict):
    """Wide to long: each listed (or ``regex``-matched) column becomes a row."""

    columns: list[str] | None = None
    regex: str | None = None
    name: str

    @field_validator("regex")
    @classmethod
    def _regex(cls, v: str | None) -> str | None:
        return None if v is None else _compile(v).pattern

    @model_validator(mode="after")
    def _one_selector(self) -> Unpivot:
        if (self.columns is None) == (self.regex is None):
            raise ValueError("give either columns or regex")
        if self.columns is not None and not self.columns:
            raise ValueError("columns must not be empty")
        return self


class Filter(_Strict):
    """Drop rows whose (trimmed) cell ``equals`` a text, is ``one_of`` a list, or ``matches``
    a regular expression (searched, not anchored; an empty cell is the empty text).

    ``matches`` runs in the engine: DuckDB's RE2 syntax, which has no lookaround and no
    backreferences (the importer tries the pattern first and names the field if it fails).
    """

    column: str
    equals: str | None = None
    one_of: list[str] | None = None
    matches: str | None = None
    reason: str | None = None

    @field_validator("matches")
    @classmethod
    def _regex(cls, v: str | None) -> str | None:
        return None if v is None else _compile(v).pattern

    @model_validator(mode="after")
    def _one_test(self) -> Filter:
        if sum(x is not None for x in (self.equals, self.one_of, self.matches)) != 1:
            raise ValueError("give exactly one of equals, one_of, matches")
        return self

    def describe(self) -> str:
        """The quarantine reason of the rows this filter drops."""
        if self.reason:
            return f"excluded by mapping filter: {self.reason}"
        if self.equals is not None:
            return f"excluded by mapping filter: {self.column} = {self.equals!r}"
        if self.one_of is not None:
            shown = ", ".join(repr(v) for v in self.one_of[:3])
            more = f", ... ({len(self.one_of)} values)" if len(self.one_of) > 3 else ""
            return f"excluded by mapping filter: {self.column} in [{shown}{more}]"
        return f"excluded by mapping filter: {self.column} matches {self.matches!r}"


class Mapping(_Strict):
    """A column-mapping file (see the module docstring)."""

    source: Annotated[str, PydanticField(min_length=1)]
    format: Literal["csv", "parquet"] = "csv"
    delimiter: Annotated[str, PydanticField(min_length=1, max_length=1)] = ","
    encoding: str = "utf-8"
    skip_rows: Annotated[int, PydanticField(ge=0)] = 0
    column_names: list[str] | None = None
    columns: Columns
    country_scheme: CountrySchemes = CountrySchemes()
    country_aliases: dict[str, str] = {}
    period: PeriodSpec
    values: Annotated[list[ValueColumn], PydanticField(min_length=1)] | None = None
    unpivot: Unpivot | None = None
    value_scale: Annotated[float, PydanticField(gt=0)] = 1.0
    zero_values: list[str] = []
    missing_values: list[str] = []
    filters: list[Filter] = []

    @field_validator("encoding")
    @classmethod
    def _encoding(cls, v: str) -> str:
        try:
            codecs.lookup(v)
        except LookupError:
            raise ValueError(f"unknown encoding {v!r}") from None
        return v

    def file_columns(self) -> list[str]:
        """Every file column the mapping reads (fields, filters, values; not unpivot)."""
        names: list[str] = []
        specs = [*self.columns.fields().values(), self.period.year, self.period.month]
        names += [s.column for s in specs if s is not None and s.column is not None]
        if self.period.column is not None:
            names.append(self.period.column)
        names += [f.column for f in self.filters]
        names += [v.column for v in self.values or []]
        virtual = self.unpivot.name if self.unpivot else None
        return [n for n in dict.fromkeys(names) if n != virtual]

    def required_columns(self) -> list[str]:
        """The columns the file must have: :meth:`file_columns` plus listed unpivot columns."""
        listed = self.unpivot.columns or [] if self.unpivot is not None else []
        return list(dict.fromkeys([*self.file_columns(), *listed]))


def _compile(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"invalid regular expression: {exc}") from None


def load_mapping(path: Path) -> Mapping:
    """Read and check a mapping file; a :class:`MappingError` names the file and field."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise MappingError(f"{path}: no such mapping file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError(f"{path}: cannot read mapping file: {exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise MappingError(f"{path}: not valid YAML{where}: {problem}") from None
    if not isinstance(data, dict):
        raise MappingError(f"{path}: expected a YAML mapping of fields (source:, columns:, ...)")
    return parse_mapping(data, path)


def parse_mapping(data: dict[str, Any], path: Path | str = "mapping") -> Mapping:
    """Check already-parsed mapping data (``path`` only names the file in errors)."""
    try:
        mapping = Mapping.model_validate(data)
    except ValidationError as exc:
        raise MappingError(f"{path}: {_describe(exc)}") from None
    problem = _cross_check(mapping)
    if problem is not None:
        field, message = problem
        raise MappingError(f"{path}: field {field}: {message}")
    return mapping


def _describe(exc: ValidationError) -> str:
    """The first validation error as ``field <dotted.path>: <what is wrong>``."""
    errors = exc.errors(include_url=False)
    err = errors[0]
    parts: list[str] = []
    for item in err["loc"]:
        if isinstance(item, int):
            parts[-1:] = [f"{parts[-1]}[{item}]" if parts else f"[{item}]"]
        elif item == "[key]":
            parts.append("(key)")
        else:
            parts.append(str(item))
    field = ".".join(parts) or "(top level)"
    kind = err["type"]
    if kind == "missing":
        message = "required"
    elif kind == "extra_forbidden":
        message = "unknown field"
    elif kind == "string_type" and parts and parts[-1] == "(key)":
        message = "keys must be text (put them in quotes)"
    else:
        message = str(err["msg"]).removeprefix("Value error, ")
    more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
    return f"field {field}: {message}{more}"


def _cross_check(m: Mapping) -> tuple[str, str] | None:
    """Rules across fields; the first broken one as (field, message)."""
    cols = m.columns
    if m.values is not None and m.unpivot is not None:
        return "values", "cannot be combined with unpivot"
    if m.values is not None:
        if cols.value is not None:
            return "columns.value", "not allowed with values (each value column has its flow)"
        if cols.flow is not None:
            return "columns.flow", "not allowed with values (each value column has its flow)"
    else:
        if cols.flow is None:
            return "columns.flow", "required (or list value columns with their flows in values)"
        if m.unpivot is not None and cols.value is not None:
            return "columns.value", "not allowed with unpivot (the unpivoted cells are the values)"
        if m.unpivot is None and cols.value is None:
            return "columns.value", "required (or give values or unpivot)"
    flow = cols.flow.constant if cols.flow is not None else None
    if flow is not None and flow.strip().lower() not in FLOW_WORDS:
        return "columns.flow.value", f"{flow!r} is not one of {', '.join(FLOWS)}"
    freq = cols.freq.constant if cols.freq is not None else None
    if freq is not None and freq.strip().upper() not in ("A", "M"):
        return "columns.freq.value", f"{freq!r} is not A or M"
    if m.format == "parquet" and (m.column_names or m.skip_rows):
        return "format", "column_names and skip_rows apply to csv files only"
    known = iso3_codes()
    for alias, code in m.country_aliases.items():
        if code not in known:
            return f"country_aliases.{alias}", f"unknown ISO alpha-3 or aggregate code {code!r}"
    for name in COUNTRY_COLUMNS:
        spec = getattr(cols, name)
        if spec is None or spec.constant is None:
            continue
        scheme: str = getattr(m.country_scheme, name)
        if resolve_country(spec.constant, scheme, m.country_aliases) is None:
            what = "country name" if scheme == "name" else f"{scheme} country code"
            return f"columns.{name}.value", f"unknown {what} {spec.constant!r}"
    return None


def resolve_country(raw: str, scheme: str, aliases: dict[str, str]) -> str | None:
    """One country cell (name or code in ``scheme``) to its ISO alpha-3 or aggregate code.

    A mapping's own ``aliases`` come first: by name key for ``name``, else by exact text
    (numeric codes compared without leading zeros: ``"008"`` is alias ``"8"``).
    """
    text = raw.strip()
    if not text:
        return None
    if scheme == "name":
        return resolve_name(text, aliases)
    if aliases:
        numeric = scheme in ("m49", "comtrade", "baci") and text.isdigit()
        for alias, code in aliases.items():
            a = alias.strip()
            if a == text or (numeric and a.isdigit() and int(a) == int(text)):
                return code
    if scheme == "iso3":
        upper = text.upper()
        return upper if upper in iso3_codes() else None
    return to_iso3(text, scheme)
