"""The Harmonized System (HS): product codes, their descriptions, and HS2022 <-> HS2017 links.

The HS is the World Customs Organization's product nomenclature. Every trade statistic in
roundabout is keyed on it: 2-digit *chapters* (``85`` electrical machinery), 4-digit
*headings* (``8542`` integrated circuits) and 6-digit *subheadings* (``854231`` processors and
controllers). The 97 chapters are grouped into 21 *sections* (Roman numerals, ``XVI`` machinery).
Codes are strings: ``010121`` keeps its leading zero.

The HS is revised every five years. Two editions matter here:

- **HS2017** (UN Comtrade "H5", 5,388 subheadings): the edition of most sanctions research,
  including the Chupilkin et al. (2023) EU list, and of trade data for 2017-2021.
- **HS2022** (UN Comtrade "H6", 5,613 subheadings): the edition of trade data from 2022 on and of
  the Common High Priority list (e.g. ``880730`` parts of unmanned aircraft, new in 2022).

Data (bundled, see ``data/PROVENANCE.md``): HS2022 from ``datasets/harmonized-system``, HS2017
from the UN Comtrade classification file, section names from ``datasets/harmonized-system``, and
the UN Statistics Division HS2022-HS2017 correlation and conversion tables.

Moving between editions: :func:`to_hs2017` / :func:`to_hs2022` follow the UNSD *correlation*
table, which lists every HS2017 subheading whose goods may now sit in a HS2022 subheading. A code
can map to several codes (``1:n``, ``n:n``); the new e-waste heading 8549 links each of its codes
to about a thousand HS2017 codes, so do not spread values across those links blindly.
:func:`convert_to_hs2017` gives UNSD's single "conversion" code instead (one HS2017 code per
HS2022 code, the one that took most of the goods).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from typing import Final

import pyarrow as pa

from roundabout.errors import NotFoundError

EDITIONS: Final[tuple[str, ...]] = ("HS2017", "HS2022")

_HS2022_FILE: Final = "hs2022_nomenclature_datasets_harmonized_system.csv"
_HS2017_FILE: Final = "hs2017_classification_un_comtrade.csv"
_SECTIONS_FILE: Final = "hs_sections_datasets_harmonized_system.csv"
_CORRELATION_FILE: Final = "hs2022_hs2017_correlation_unstats.csv"
_CONVERSION_FILE: Final = "hs2022_to_hs2017_conversion_unstats.csv"

NOMENCLATURE_SCHEMA: Final = pa.schema(
    [
        pa.field("code", pa.string(), nullable=False),
        pa.field("level", pa.int8(), nullable=False),
        pa.field("description", pa.string(), nullable=False),
        pa.field("parent", pa.string()),  # null for chapters
        pa.field("section", pa.string()),  # null for chapter 99 (outside the 21 sections)
    ]
)

CONCORDANCE_SCHEMA: Final = pa.schema(
    [
        pa.field("hs2022", pa.string(), nullable=False),
        pa.field("hs2017", pa.string(), nullable=False),
        pa.field("relationship", pa.string(), nullable=False),
    ]
)

# One nomenclature row: (code, level, description, parent, section).
_Row = tuple[str, int, str, str | None, str | None]


def _rows(filename: str) -> Iterator[dict[str, str]]:
    """Yield the rows of a bundled CSV file as dicts (a leading byte-order mark is dropped)."""
    text = (resources.files("roundabout.reference") / "data" / filename).read_text("utf-8-sig")
    yield from csv.DictReader(io.StringIO(text, newline=""))


def _check_edition(edition: str) -> str:
    if edition not in EDITIONS:
        raise NotFoundError(f"unknown HS edition {edition!r}; known: {', '.join(EDITIONS)}")
    return edition


def _normalise(code: str) -> str:
    """``"8542.31"`` and ``" 8542 31 "`` become ``"854231"``."""
    return code.strip().replace(".", "").replace(" ", "")


@lru_cache(maxsize=1)
def _hs2022_rows() -> tuple[_Row, ...]:
    rows: list[_Row] = []
    for r in _rows(_HS2022_FILE):
        if r["hscode"] == "TOTAL":
            continue
        parent = None if r["parent"] == "TOTAL" else r["parent"]
        section = None if r["section"] == "TOTAL" else r["section"]
        rows.append((r["hscode"], int(r["level"]), r["description"], parent, section))
    return tuple(rows)


@lru_cache(maxsize=1)
def _chapter_sections() -> dict[str, str | None]:
    """Chapter -> section. Sections are the same in HS2017 and HS2022."""
    return {code: section for code, level, _, _, section in _hs2022_rows() if level == 2}


@lru_cache(maxsize=1)
def _hs2017_rows() -> tuple[_Row, ...]:
    sections = _chapter_sections()
    rows: list[_Row] = []
    for r in _rows(_HS2017_FILE):
        if not r["digits"]:  # ALL, TOTAL, AG2, AG4, AG6 aggregates
            continue
        code = r["id"]
        description = r["text"].removeprefix(f"{code} - ")
        parent = None if r["parent"] == "TOTAL" else r["parent"]
        rows.append((code, int(r["digits"]), description, parent, sections.get(code[:2])))
    return tuple(rows)


def _edition_rows(edition: str) -> tuple[_Row, ...]:
    return _hs2022_rows() if _check_edition(edition) == "HS2022" else _hs2017_rows()


@lru_cache(maxsize=2)
def _descriptions(edition: str) -> dict[str, str]:
    return {code: description for code, _, description, _, _ in _edition_rows(edition)}


def describe(code: str, edition: str = "HS2022") -> str | None:
    """The official description of an HS chapter, heading or subheading, or None if unknown.

    ``code`` is a 2-, 4- or 6-digit string; dots and spaces are ignored (``"8542.31"``).
    Subheading texts are self-contained ("Electronic integrated circuits; processors and
    controllers, ..."), so they read well on their own in reports.
    """
    return _descriptions(edition).get(_normalise(code))


@lru_cache(maxsize=2)
def hs6_codes(edition: str = "HS2022") -> frozenset[str]:
    """All 6-digit subheadings of an edition (HS2017: 5,388; HS2022: 5,613).

    Both include ``999999`` "commodities not specified according to kind" (chapter 99), a
    statistical code of UN Comtrade, not a WCO subheading.
    """
    return frozenset(code for code, level, _, _, _ in _edition_rows(edition) if level == 6)


@lru_cache(maxsize=2)
def nomenclature(edition: str = "HS2022") -> pa.Table:
    """The edition as a table ``code, level, description, parent, section``.

    ``level`` is 2, 4 or 6; ``parent`` is the enclosing heading or chapter (null for chapters);
    ``section`` is the Roman numeral of the HS section (null for chapter 99, "commodities not
    specified according to kind", and its codes 9999 and 999999, which belong to no section).
    """
    rows = _edition_rows(edition)
    columns = list(zip(*rows, strict=True))
    return pa.Table.from_arrays(
        [
            pa.array(col, type=field.type)
            for col, field in zip(columns, NOMENCLATURE_SCHEMA, strict=True)
        ],
        schema=NOMENCLATURE_SCHEMA,
    )


@lru_cache(maxsize=1)
def sections() -> dict[str, str]:
    """The 21 HS sections: Roman numeral -> name (``"XVI"`` -> ``"Machinery and ..."``)."""
    return {r["section"]: r["name"] for r in _rows(_SECTIONS_FILE)}


@lru_cache(maxsize=1)
def concordance() -> pa.Table:
    """The UNSD HS2022-HS2017 correlation table: ``hs2022, hs2017, relationship``.

    One row per linked pair (15,657). ``relationship`` describes the HS2022 code's family:
    ``1:1`` (unchanged), ``n:1`` (several HS2022 codes split from one HS2017 code), ``1:n``
    (one HS2022 code merges several HS2017 codes) or ``n:n`` (codes reshuffled both ways).
    """
    cols: tuple[list[str], list[str], list[str]] = ([], [], [])
    for r in _rows(_CORRELATION_FILE):
        cols[0].append(r["hs2022"])
        cols[1].append(r["hs2017"])
        cols[2].append(r["relationship"])
    return pa.Table.from_arrays([pa.array(c, pa.string()) for c in cols], schema=CONCORDANCE_SCHEMA)


@lru_cache(maxsize=1)
def _links() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    forward: defaultdict[str, set[str]] = defaultdict(set)
    backward: defaultdict[str, set[str]] = defaultdict(set)
    for r in _rows(_CORRELATION_FILE):
        forward[r["hs2022"]].add(r["hs2017"])
        backward[r["hs2017"]].add(r["hs2022"])
    return (
        {k: tuple(sorted(v)) for k, v in forward.items()},
        {k: tuple(sorted(v)) for k, v in backward.items()},
    )


def to_hs2017(hs6_2022: str) -> list[str]:
    """HS2017 subheadings linked to an HS2022 subheading (sorted; empty if the code is unknown).

    Example: ``to_hs2017("880730") == ["880330"]`` (parts of aircraft; drones got their own
    code in 2022 but their parts were in 8803 before).
    """
    return list(_links()[0].get(_normalise(hs6_2022), ()))


def to_hs2022(hs6_2017: str) -> list[str]:
    """HS2022 subheadings linked to an HS2017 subheading (sorted; empty if the code is unknown).

    Split codes return several entries: ``to_hs2022("880330")`` gives ``"880730"`` (aircraft
    parts) and seven 8524/8529 codes (flat-panel display modules, which HS2022 moved out of the
    parts headings). ``300219`` has no link: it is missing from the UNSD table.
    """
    return list(_links()[1].get(_normalise(hs6_2017), ()))


@lru_cache(maxsize=1)
def _conversion() -> dict[str, str]:
    return {r["hs2022"]: r["hs2017"] for r in _rows(_CONVERSION_FILE)}


def convert_to_hs2017(hs6_2022: str) -> str | None:
    """UNSD's single HS2017 code for an HS2022 subheading (its "conversion" table), or None.

    Use it to recode HS2022 data for a comparison with an HS2017 list when one code per row is
    needed; it loses the other links that :func:`to_hs2017` shows.
    """
    return _conversion().get(_normalise(hs6_2022))


@lru_cache(maxsize=1)
def recode_to_hs2017() -> dict[tuple[str, str], tuple[str, str]]:
    """How to bring a 6-digit code of either edition into HS2017, one code per code, so that
    a sum over the recoded codes counts every row once: ``{(edition, code): (hs2017, how)}``.

    Only codes that change are listed (an HS2017 code that survives is its own recoding):

    * ``("HS2022", c)`` -> UNSD's conversion code of ``c`` (:func:`convert_to_hs2017`), ``how``
      ``"split"`` when several HS2022 codes convert to the same HS2017 code (``851713`` and
      ``851714`` both to ``851712``: their values are added, never spread) and ``"renamed"``
      otherwise;
    * ``("HS2017", x)`` for an HS2017 code that no HS2022 code converts to (its goods were
      merged into another code): the one HS2017 code that all of ``x``'s HS2022 successors
      convert to, ``how`` ``"merge"``, when there is exactly one and it is in the same chapter.
      ``x``'s baseline then joins the code its goods moved to, so the merged code's window is
      compared with both. Where the successors scatter, ``x`` is left alone (its series then
      breaks in 2022 and the analysis sets it aside).
    """
    conv = _conversion()
    targets: defaultdict[str, list[str]] = defaultdict(list)
    for c, t in conv.items():
        targets[t].append(c)
    out: dict[tuple[str, str], tuple[str, str]] = {}
    for c, t in conv.items():
        if c != t:
            out[("HS2022", c)] = (t, "split" if len(targets[t]) > 1 else "renamed")
    for x in hs6_codes("HS2017"):
        if x in targets or x == "999999":
            continue
        dest = {conv[s] for s in to_hs2022(x) if s in conv}
        if len(dest) == 1:
            (t,) = dest
            if t != x and t[:2] == x[:2]:
                out[("HS2017", x)] = (t, "merge")
    return out
