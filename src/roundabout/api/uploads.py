"""Party files posted to ``/screen``: checked before they are read whole.

The body is already capped (``max_body_bytes``), but a Parquet file is compressed: a 26 KB
body once decoded to 488 MiB (a column of one repeated value), and the 2 MiB limit admits
some 75 million rows. So, before :func:`~roundabout.screening.parties.read_parties` reads a
file whole:

* **Parquet**: the row count and the uncompressed size come from the footer metadata
  (:attr:`pyarrow.parquet.FileMetaData.num_rows`, each column chunk's
  ``total_uncompressed_size``); over ``max_rows`` or :data:`MAX_UNCOMPRESSED` it is refused
  without a data page read. The metadata could lie, so the file is then streamed in small
  batches with the same two caps counted on what is really decoded;
* **CSV**: records are counted while the text is parsed, and parsing stops at the first
  record over the cap.

Errors name the upload (``upload.csv``, ``upload.parquet``), never the server's temporary
path.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path
from typing import Final

from roundabout.errors import InputFileError, RoundaboutError
from roundabout.matching.model import Party
from roundabout.screening.parties import read_parties

#: Largest decoded size of a Parquet upload (all columns, uncompressed).
MAX_UNCOMPRESSED: Final = 64 * 1024 * 1024
#: Rows decoded at a time while a Parquet upload is counted.
BATCH_ROWS: Final = 1024


def _too_many(name: str, rows: int | str, cap: int) -> RoundaboutError:
    return InputFileError(name, f"{rows} parties: at most {cap:,} a batch")


def check_parquet(path: Path, name: str, max_rows: int) -> None:
    """Refuse a Parquet file over ``max_rows`` rows or :data:`MAX_UNCOMPRESSED` bytes."""
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path, pre_buffer=False, buffer_size=1 << 16)
    except Exception:  # pyarrow raises many types for a broken file
        raise InputFileError(name, "not a readable Parquet file") from None
    meta = pf.metadata
    if meta.num_rows > max_rows:
        raise _too_many(name, f"{meta.num_rows:,}", max_rows)
    size = sum(
        meta.row_group(g).column(c).total_uncompressed_size
        for g in range(meta.num_row_groups)
        for c in range(meta.num_columns)
    )
    if size > MAX_UNCOMPRESSED:
        raise InputFileError(
            name, f"{size:,} bytes uncompressed, over the {MAX_UNCOMPRESSED:,} byte limit"
        )
    rows = decoded = 0
    try:
        for batch in pf.iter_batches(batch_size=BATCH_ROWS):
            rows += batch.num_rows
            decoded += batch.nbytes
            if rows > max_rows:
                raise _too_many(name, f"over {max_rows:,}", max_rows)
            if decoded > MAX_UNCOMPRESSED:
                raise InputFileError(name, f"over {MAX_UNCOMPRESSED:,} bytes decoded")
    except RoundaboutError:
        raise
    except Exception:
        raise InputFileError(name, "not a readable Parquet file") from None


def check_csv(body: bytes, name: str, max_rows: int) -> None:
    """Refuse CSV text of more than ``max_rows`` records, counted while it is parsed."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        raise InputFileError(name, "not UTF-8", line) from None
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        for n, _ in enumerate(reader):
            if n > max_rows:  # the header is record 0
                raise _too_many(name, f"over {max_rows:,}", max_rows)
    except csv.Error as exc:
        raise InputFileError(name, f"malformed CSV: {exc}", reader.line_num) from None


def read_upload(body: bytes, parquet: bool, max_rows: int) -> list[Party]:
    """The parties of an uploaded file, after the checks above; errors name the upload."""
    name = "upload.parquet" if parquet else "upload.csv"
    if not parquet:
        check_csv(body, name, max_rows)
    with tempfile.TemporaryDirectory(prefix="roundabout-screen-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(body)
        if parquet:
            check_parquet(path, name, max_rows)
        try:
            parties = read_parties(path)
        except InputFileError as exc:
            raise InputFileError(name, _without(exc.detail, tmp), exc.line) from None
    if len(parties) > max_rows:  # the checks above count records; this counts parties
        raise _too_many(name, f"{len(parties):,}", max_rows)
    return parties


def _without(message: str, tmp: str) -> str:
    """``message`` with the temporary directory taken out (pyarrow errors may name it)."""
    return message.replace(tmp + "/", "").replace(tmp, "upload")
