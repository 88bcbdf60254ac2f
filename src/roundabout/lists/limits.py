"""Bounds on what an importer accepts: hostile or broken files fail fast and clearly."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Final

from roundabout.errors import InputFileError

MAX_FILE_BYTES: Final = 200 * 1024 * 1024  # the full OFAC XML is ~120 MB
MAX_FIELD_CHARS: Final = 20_000  # OFAC remarks top out near 4,000
MAX_NAME_CHARS: Final = 1_000
MAX_ENTITIES: Final = 2_000_000


def check_file(path: Path, max_bytes: int = MAX_FILE_BYTES) -> None:
    if not path.exists():
        raise InputFileError(path, "no such file")
    if not path.is_file():
        raise InputFileError(path, "not a regular file")
    size = path.stat().st_size
    if size == 0:
        raise InputFileError(path, "empty file")
    if size > max_bytes:
        raise InputFileError(path, f"file is {size:,} bytes, over the {max_bytes:,} byte limit")


def read_text(path: Path, max_bytes: int = MAX_FILE_BYTES) -> str:
    """The file as UTF-8 text; a byte that is not UTF-8 is an error naming its line."""
    check_file(path, max_bytes)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputFileError(
            path, f"not UTF-8 (byte 0x{data[exc.start]:02x}; mixed encodings?)", line
        ) from None
    return text.lstrip("\ufeff")


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def check_field(path: Path, value: str, what: str, line: int, limit: int = MAX_FIELD_CHARS) -> str:
    if len(value) > limit:
        raise InputFileError(path, f"{what} is {len(value):,} characters (limit {limit:,})", line)
    return value
