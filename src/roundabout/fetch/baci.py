"""CEPII BACI: the release zip, downloaded with resume and checked, read in place.

``{base}/BACI_{HS17}_{V202501}.zip`` (base from ``ROUNDABOUT_BACI_URL``, default CEPII's
download folder) holds one CSV per year, ``BACI_HS17_Y2022_V202501.csv`` (columns
``t,i,j,k,v,q``), and the country and product code lists. The zip is downloaded once into
the cache (an interrupted download resumes with a ``Range`` request), its central
directory checked, then each wanted year's member is streamed out of the zip (never
extracted whole) with the country filter applied line by line, into a CSV of the kept rows
that the BACI importer loads. Each member's CRC-32 is checked as it is read: a corrupt
archive is deleted and the fetch refused, so the next fetch downloads it again.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from roundabout.errors import RoundaboutError
from roundabout.fetch.http import Client, FetchError

DEFAULT_BASE: Final = "https://www.cepii.fr/DATA_DOWNLOAD/baci/data"
_MEMBER: Final = re.compile(r"^BACI_(HS\d{2})_Y(\d{4})_(V\d{6}[a-z]?)\.csv$")


@dataclass(frozen=True)
class Request:
    release: str  # V202501
    hs: str  # HS17
    years: tuple[int, ...] | None
    countries: tuple[str, ...] | None  # ISO3

    @property
    def zip_name(self) -> str:
        return f"BACI_{self.hs}_{self.release}.zip"

    def filter_tag(self) -> str:
        """A short digest of the country filter (part of the extracted files' names)."""
        text = ",".join(sorted(self.countries)) if self.countries else "all"
        return hashlib.sha256(text.encode()).hexdigest()[:10]


def parse_request(release: str, hs: str, years: str | None, countries: str | None) -> Request:
    release, hs = release.strip(), hs.strip().upper()
    if not re.fullmatch(r"V\d{6}[a-z]?", release):
        raise RoundaboutError(f"--release {release!r}: expected a release such as V202501")
    if not re.fullmatch(r"HS\d{2}", hs):
        raise RoundaboutError(f"--hs {hs!r}: expected an edition such as HS17 or HS22")
    ys: tuple[int, ...] | None = None
    if years:
        a, _, b = years.partition(":")
        if not (a.isdigit() and (b or a).isdigit()):
            raise RoundaboutError(f"--years {years!r}: expected YYYY or YYYY:YYYY")
        ys = tuple(range(int(a), int(b or a) + 1))
    cs = None
    if countries:
        cs = tuple(sorted({c.strip().upper() for c in countries.split(",") if c.strip()}))
    return Request(release, hs, ys, cs)


def baci_codes(countries: Iterable[str]) -> set[str]:
    """BACI's numeric codes (as text, no leading zeros) of ISO alpha-3 codes."""
    from roundabout.sources.normalize import country_codes

    wanted = set(countries)
    rows = country_codes("baci").to_pylist()
    codes = {str(int(r["code"])) for r in rows if r["iso3"] in wanted}
    unknown = wanted - {r["iso3"] for r in rows}
    if unknown:
        raise RoundaboutError(
            f"--countries: not in BACI's country codes: {', '.join(sorted(unknown))}"
        )
    return codes


def download(req: Request, base: str, cache: Path, client: Client) -> tuple[Path, bool]:
    """The release zip in the cache (downloaded, or resumed, when absent); and whether a
    request was made."""
    dest = cache / req.zip_name
    if dest.exists():
        return dest, False
    client.download(f"{base.rstrip('/')}/{req.zip_name}", dest)
    return dest, True


def extract(req: Request, archive: Path, out_dir: Path) -> list[Path]:
    """Stream the wanted years out of ``archive`` with the country filter applied.

    Returns the CSV files written (or already there from an identical fetch), one per year.
    """
    keep = baci_codes(req.countries) if req.countries else None
    try:
        zf = zipfile.ZipFile(archive)
    except zipfile.BadZipFile as exc:
        archive.unlink(missing_ok=True)
        raise FetchError(f"{archive.name}: not a valid zip ({exc}); deleted, fetch again") from None
    out: list[Path] = []
    with zf:
        members = []
        for name in zf.namelist():
            m = _MEMBER.match(Path(name).name)
            if m and (req.years is None or int(m.group(2)) in req.years):
                members.append((int(m.group(2)), name))
        if not members:
            raise FetchError(f"{archive.name}: no BACI year file for the years asked")
        for _year, name in sorted(members):
            stem = Path(name).stem
            dest = out_dir / f"{stem}_{req.filter_tag()}.csv"
            if not dest.exists():
                _stream(zf, name, dest, keep, archive)
            out.append(dest)
    return out


def _stream(
    zf: zipfile.ZipFile, name: str, dest: Path, keep: set[str] | None, archive: Path
) -> None:
    tmp = dest.with_name(dest.name + ".tmp")
    try:
        with zf.open(name) as raw, tmp.open("w", encoding="utf-8", newline="") as fh:
            reader = csv.reader(io.TextIOWrapper(raw, encoding="utf-8", newline=""))
            writer = csv.writer(fh, lineterminator="\n")
            header = next(reader)
            writer.writerow(header)
            cols = [h.strip() for h in header]
            i, j = cols.index("i"), cols.index("j")
            for row in reader:
                if keep is None or row[i].strip() in keep or row[j].strip() in keep:
                    writer.writerow(row)
    except zipfile.BadZipFile as exc:  # CRC-32 mismatch, found at the member's end
        tmp.unlink(missing_ok=True)
        archive.unlink(missing_ok=True)
        raise FetchError(
            f"{archive.name}: {name}: {exc}: the download is corrupt; deleted, fetch again"
        ) from None
    except (ValueError, StopIteration):
        tmp.unlink(missing_ok=True)
        raise FetchError(f"{archive.name}: {name}: not a BACI file (columns t,i,j,k,v,q)") from None
    tmp.replace(dest)
