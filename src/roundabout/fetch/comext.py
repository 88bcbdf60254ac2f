"""Eurostat Comext (DS-045409): the monthly bulk files, ``.7z`` read in place with filters.

Eurostat publishes DS-045409 ("EU trade since 1988 by HS2-4-6 and CN8") as one bulk file per
month, ``full_v2_YYYYMM.7z`` from 2024 and ``fullYYYYMM.7z`` before (month ``52``: the
year), under ``{base}`` (from ``ROUNDABOUT_COMEXT_URL``; default Eurostat's dissemination
files API). Each archive is downloaded once into the cache, with resume, then decompressed
with py7zr *into a line filter* (:class:`_FilterIO`): the CSV is never written whole; only
the header and the rows of the wanted reporters, partners and product codes reach the file
that the Comext importer loads.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from lzma import LZMAError
from pathlib import Path
from typing import Any, Final

from roundabout.errors import RoundaboutError
from roundabout.fetch.http import Client, FetchError

DEFAULT_BASE: Final = (
    "https://ec.europa.eu/eurostat/api/dissemination/files?file=comext/COMEXT_DATA/PRODUCTS/"
)
DATASETS: Final = ("DS-045409",)
_REPORTER_COLS: Final = ("REPORTER", "DECLARANT_ISO")
_PARTNER_COLS: Final = ("PARTNER", "PARTNER_ISO")


@dataclass(frozen=True)
class Request:
    periods: tuple[str, ...]  # YYYYMM (YYYY52 for a year)
    reporters: frozenset[str] | None  # alpha-2 as Comext writes them
    partners: frozenset[str] | None
    products: tuple[str, ...] | None  # CN code prefixes

    def file_name(self, period: str) -> str:
        return f"full_v2_{period}.7z" if period >= "202401" else f"full{period}.7z"

    def filter_tag(self) -> str:
        text = "|".join(
            ",".join(sorted(x)) if x else "all"
            for x in (self.reporters, self.partners, self.products)
        )
        return hashlib.sha256(text.encode()).hexdigest()[:10]


def parse_request(
    dataset: str, period: str, reporters: str | None, partners: str | None, products: str | None
) -> Request:
    if dataset.strip().upper() not in DATASETS:
        raise RoundaboutError(f"--dataset {dataset!r}: only {', '.join(DATASETS)} (bulk files)")
    a, _, b = period.strip().partition(":")
    b = b or a
    if re.fullmatch(r"\d{4}", a) and re.fullmatch(r"\d{4}", b):
        periods = [f"{y}52" for y in range(int(a), int(b) + 1)]
    elif re.fullmatch(r"\d{4}-\d{2}", a) and re.fullmatch(r"\d{4}-\d{2}", b):
        y, m = int(a[:4]), int(a[5:])
        ey, em = int(b[:4]), int(b[5:])
        if not (1 <= m <= 12 and 1 <= em <= 12) or (y, m) > (ey, em):
            raise RoundaboutError(f"--period {period!r}: not a span of months")
        periods = []
        while (y, m) <= (ey, em):
            periods.append(f"{y}{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    else:
        raise RoundaboutError(f"--period {period!r}: expected YYYY-MM:YYYY-MM or YYYY:YYYY")
    prods = None
    if products:
        prods = tuple(sorted({p.strip() for p in products.split(",") if p.strip()}))
        if not all(p.isdigit() for p in prods):
            raise RoundaboutError(f"--products {products!r}: CN code prefixes (84,8703)")
    return Request(tuple(periods), _alpha2(reporters), _alpha2(partners), prods)


def _alpha2(text: str | None) -> frozenset[str] | None:
    """Comext's alpha-2 codes of ``DE,FR`` or ``DEU,FRA`` (ISO3 mapped by the crosswalk)."""
    if not text:
        return None
    from roundabout.sources.normalize import country_codes

    by_iso3: dict[str, set[str]] = {}
    for r in country_codes("comext").to_pylist():
        by_iso3.setdefault(r["iso3"], set()).add(r["code"])
    out: set[str] = set()
    for item in (x.strip().upper() for x in text.split(",") if x.strip()):
        if len(item) == 3:
            if item not in by_iso3:
                raise RoundaboutError(f"unknown country {item!r}: not in Comext's codes")
            out |= by_iso3[item]
        else:
            out.add(item)
    return frozenset(out)


def download(req: Request, base: str, cache: Path, client: Client) -> tuple[list[Path], int]:
    """Every wanted month's archive in the cache; and how many were downloaded."""
    out, fetched = [], 0
    for period in req.periods:
        dest = cache / req.file_name(period)
        if not dest.exists():
            client.download(base + req.file_name(period), dest)
            fetched += 1
        out.append(dest)
    return out, fetched


def extract(req: Request, archive: Path, out_dir: Path) -> Path:
    """The archive's rows that pass the filters, as a CSV file (kept for an identical fetch)."""
    import py7zr

    dest = out_dir / f"{archive.name.removesuffix('.7z')}_{req.filter_tag()}.csv"
    if dest.exists():
        return dest
    tmp = dest.with_name(dest.name + ".tmp")
    factory = _Factory(req, tmp)
    try:
        with py7zr.SevenZipFile(archive, "r") as z:
            names = [n for n in z.getnames() if not n.endswith("/")]
            if len(names) != 1:
                raise FetchError(f"{archive.name}: expected one data file, found {len(names)}")
            z.extract(targets=names, factory=factory)
    except FetchError:
        tmp.unlink(missing_ok=True)
        raise
    except (
        py7zr.Bad7zFile,
        py7zr.exceptions.CrcError,
        EOFError,
        OSError,
        LZMAError,
        ValueError,
    ) as exc:
        tmp.unlink(missing_ok=True)
        archive.unlink(missing_ok=True)
        raise FetchError(
            f"{archive.name}: {type(exc).__name__}: {exc}; deleted, fetch again"
        ) from None
    finally:
        factory.close()
    if factory.error:
        tmp.unlink(missing_ok=True)
        raise FetchError(f"{archive.name}: {factory.error}")
    tmp.replace(dest)
    return dest


class _Factory:
    """py7zr's writer factory: every member goes through one :class:`_FilterIO`."""

    def __init__(self, req: Request, dest: Path) -> None:
        self.io = _FilterIO(req, dest)
        self.error: str | None = None

    def create(self, filename: str) -> Any:
        return self.io

    def close(self) -> None:
        self.io.finish()
        self.error = self.io.error


class _FilterIO:
    """Receives decompressed bytes; writes the header and the rows that pass the filters."""

    def __init__(self, req: Request, dest: Path) -> None:
        self.req = req
        self.out = dest.open("wb")
        self.carry = b""
        self.header: list[str] | None = None
        self.idx: tuple[int | None, int | None, int | None] = (None, None, None)
        self.error: str | None = None
        self.written = 0

    def write(self, s: bytes | bytearray) -> int:
        data = self.carry + bytes(s)
        lines = data.split(b"\n")
        self.carry = lines.pop()
        for line in lines:
            self._line(line + b"\n")
        return len(s)

    def _line(self, line: bytes) -> None:
        if self.header is None:
            self.header = [h.strip().upper() for h in line.decode("utf-8-sig").split(",")]
            self.idx = (_find(self.header, _REPORTER_COLS), _find(self.header, _PARTNER_COLS),
                        _find(self.header, ("PRODUCT_NC",)))  # fmt: skip
            if None in self.idx:
                self.error = "not a Comext bulk file (no REPORTER, PARTNER or PRODUCT_NC column)"
            self.out.write(line)
            return
        if self.error or not line.strip():
            return
        f = line.decode("utf-8", errors="replace").split(",")
        r, p, k = self.idx
        assert r is not None and p is not None and k is not None
        if len(f) <= max(r, p, k):
            self.out.write(line)  # the importer quarantines a short line, naming it
            return
        if self.req.reporters is not None and f[r].strip() not in self.req.reporters:
            return
        if self.req.partners is not None and f[p].strip() not in self.req.partners:
            return
        if self.req.products is not None and not f[k].strip().startswith(self.req.products):
            return
        self.out.write(line)
        self.written += 1

    def finish(self) -> None:
        if self.carry:
            self._line(self.carry + b"\n")
            self.carry = b""
        self.out.close()

    def read(self, size: int | None = None) -> bytes:
        return b""

    def seek(self, offset: int, whence: int = 0) -> int:
        return 0

    def flush(self) -> None:
        self.out.flush()

    def size(self) -> int:
        return self.written

    def close(self) -> None:
        return None


def _find(header: list[str], names: Iterable[str]) -> int | None:
    for n in names:
        if n in header:
            return header.index(n)
    return None
