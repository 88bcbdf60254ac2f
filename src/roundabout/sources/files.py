"""Checks a file before any engine reads it, so bad input fails early with a clear message.

The checks read the head and tail of the file only (streaming, bounded memory); the full
file is validated by the engine's CSV reader, whose errors :func:`explain_engine_error`
turns into one line naming the file and line.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from roundabout.errors import InputFileError

HEAD_BYTES = 256 * 1024
_MAGIC = {
    b"PK\x03\x04": "a ZIP archive (xlsx files are ZIP archives too): export it as CSV first",
    b"\x1f\x8b": "gzip-compressed: decompress it first",
    b"PAR1": "a Parquet file: use a format that reads Parquet",
    b"\xd0\xcf\x11\xe0": "an old Excel/OLE file: export it as CSV first",
    b"7z\xbc\xaf": "a 7z archive: extract it first",
    b"%PDF": "a PDF document",
}
_DELIMITERS = (",", ";", "\t", "|")


@dataclass(frozen=True)
class TextFile:
    """A checked text file: its header fields and where the engine should read it from."""

    path: Path
    read_path: Path
    encoding: str
    header: tuple[str, ...]
    size: int


def sha256_of(path: Path, stop: threading.Event | None = None) -> str:
    """Hex SHA-256 of the file, read in 1 MiB chunks (gives up with "" once ``stop`` is set)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            if stop is not None and stop.is_set():
                return ""
            digest.update(chunk)
    return digest.hexdigest()


def check_exists(path: Path) -> int:
    """The file's size; an error when it is missing, a directory or empty."""
    if not path.exists():
        raise InputFileError(path, "no such file")
    if not path.is_file():
        raise InputFileError(path, "not a regular file")
    size = path.stat().st_size
    if size == 0:
        raise InputFileError(path, "file is empty")
    return size


def _looks_binary(head: bytes, path: Path) -> None:
    for magic, what in _MAGIC.items():
        if head.startswith(magic):
            raise InputFileError(path, f"not a text file: looks like {what}")
    nul = head.find(b"\x00")
    if nul >= 0:
        line = head.count(b"\n", 0, nul) + 1
        raise InputFileError(path, f"binary data (NUL byte at offset {nul}), not a text file", line)


ENCODING_HINT = "pass --encoding latin-1, cp1252 or cp1251 (the file's real encoding)"


def _is_utf8_name(encoding: str) -> bool:
    return encoding.replace("_", "-").lower() in ("utf-8", "utf8", "utf-8-sig")


def _check_encoding(head: bytes, encoding: str, path: Path) -> None:
    """The head's check: names the line and suggests an encoding."""
    if not _is_utf8_name(encoding):
        return
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=False)
    except UnicodeDecodeError as exc:
        line = head.count(b"\n", 0, exc.start) + 1
        raise _not_utf8(path, head, exc.start, line) from None


def _not_utf8(path: Path, data: bytes, at: int, line: int) -> InputFileError:
    hint = ENCODING_HINT
    try:
        # Cyrillic words are runs of high bytes; a Latin accent is one high byte alone
        sample = data[max(0, at - 40) : at + 40].decode("cp1251")
        if re.search("[А-Яа-яЁёІіҚқҒғҢңӘәӨөҰұҮүҺһ]{2,}", sample):
            hint += "; it looks like Windows Cyrillic: --encoding cp1251"
    except UnicodeDecodeError:
        pass
    return InputFileError(path, f"not valid UTF-8 (byte 0x{data[at]:02x}); {hint}", line)


def check_utf8(path: Path) -> None:
    """Refuse a file that is not valid UTF-8 anywhere, naming the first bad line.

    The engine's CSV reader validates only the columns it reads, so a file that is UTF-8
    but for a few lines would load with those lines' unread fields garbled: the whole file
    is checked instead. ASCII chunks (most of a trade file) are skipped at memory speed;
    only chunks with other bytes are decoded.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            if not (chunk.isascii() and not decoder.getstate()[0]):
                try:
                    decoder.decode(chunk, final=False)
                except UnicodeDecodeError as exc:
                    raise _bad_line(path, offset + exc.start) from None
            offset += len(chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise _bad_line(path, offset - 1) from None


class Utf8Check:
    """:func:`check_utf8` in a thread, so it overlaps the engine's pass over the file.

    :meth:`result` waits for it and raises its error, if any.
    """

    def __init__(self, path: Path) -> None:
        self.error: InputFileError | None = None
        self.thread = threading.Thread(target=self._run, args=(path,), daemon=True)
        self.thread.start()

    def _run(self, path: Path) -> None:
        try:
            check_utf8(path)
        except InputFileError as exc:
            self.error = exc

    def result(self) -> None:
        self.thread.join()
        if self.error is not None:
            raise self.error


def _bad_line(path: Path, at: int) -> InputFileError:
    """The error for an invalid byte at offset ``at`` (the file re-read up to it)."""
    lines = 0
    with path.open("rb") as fh:
        done = 0
        while done < at:
            chunk = fh.read(min(1 << 20, at - done))
            if not chunk:
                break
            lines += chunk.count(b"\n")
            done += len(chunk)
        around = fh.read(80)
    return _not_utf8(path, around, 0, lines + 1)


def transcode_to_utf8(path: Path, encoding: str, workdir: Path) -> Path:
    """Stream ``path`` from ``encoding`` into a UTF-8 copy in ``workdir`` (1 MiB at a time)."""
    try:
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    except LookupError:
        raise InputFileError(path, f"unknown encoding {encoding!r}") from None
    fd, name = tempfile.mkstemp(suffix=".csv", dir=workdir)
    out = Path(name)
    line = 1
    with path.open("rb") as src, open(fd, "w", encoding="utf-8", newline="") as dst:
        for chunk in iter(lambda: src.read(1 << 20), b""):
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                bad = line + chunk.count(b"\n", 0, exc.start)
                out.unlink(missing_ok=True)
                raise InputFileError(path, f"not valid {encoding}", bad) from None
            line += text.count("\n")
            dst.write(text)
        dst.write(decoder.decode(b"", final=True))
    return out


def check_text_file(
    path: Path,
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    skip_rows: int = 0,
    workdir: Path | None = None,
    full_utf8: bool = True,
) -> TextFile:
    """Check a delimited text file and read its header.

    Raises :class:`InputFileError` for a missing, empty or binary file, bad encoding, or a
    header that does not split on ``delimiter`` (naming the delimiter it seems to use).
    Files in another encoding are transcoded to UTF-8 into ``workdir`` first.
    ``full_utf8=False``: the head only; the caller checks the rest (see :class:`Utf8Check`).
    """
    size = check_exists(path)
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
    _looks_binary(head, path)
    _check_encoding(head, encoding, path)
    read_path = path
    if _is_utf8_name(encoding):
        if full_utf8 and size > len(head):
            check_utf8(path)
    else:
        read_path = transcode_to_utf8(path, encoding, workdir or Path(tempfile.gettempdir()))
        with read_path.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
    text = head.decode("utf-8", errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.splitlines()
    if len(lines) <= skip_rows or not lines[skip_rows].strip():
        raise InputFileError(path, "no header line", skip_rows + 1)
    header_line = lines[skip_rows]
    header = next(csv.reader(io.StringIO(header_line), delimiter=delimiter))
    header = [h.strip() for h in header]
    if len(header) == 1:
        counts = {d: header_line.count(d) for d in _DELIMITERS if d != delimiter}
        best = max(counts, key=lambda d: counts[d])
        if counts[best] > 0:
            raise InputFileError(
                path,
                f"wrong delimiter: the header does not split on {delimiter!r} "
                f"but seems to use {best!r}",
                skip_rows + 1,
            )
    return TextFile(path, read_path, encoding, tuple(header), size)


def require_columns(tf: TextFile, required: list[str], *, line: int = 1) -> None:
    """Error naming every missing column (case-sensitive, as the source spells them)."""
    missing = [c for c in required if c not in tf.header]
    if missing:
        found = ", ".join(tf.header[:12]) + (" ..." if len(tf.header) > 12 else "")
        raise InputFileError(
            tf.path, f"missing columns: {', '.join(missing)} (found: {found})", line
        )


_LINE_RE = re.compile(r"CSV Error on Line: (\d+)")
_COLS_RE = re.compile(r"Expected Number of Columns: (\d+) Found: (\d+)")


def explain_engine_error(path: Path, exc: Exception, *, line_offset: int = 0) -> InputFileError:
    """Turn a DuckDB CSV reader error into a one-line :class:`InputFileError`."""
    text = str(exc)
    m = _LINE_RE.search(text)
    line = int(m.group(1)) + line_offset if m else None
    cols = _COLS_RE.search(text)
    if cols:
        expected, found = int(cols.group(1)), int(cols.group(2))
        what = "truncated or incomplete line" if found < expected else "too many fields"
        return InputFileError(path, f"{what}: expected {expected} fields, found {found}", line)
    if "Invalid unicode" in text:
        return InputFileError(path, f"not valid UTF-8; {ENCODING_HINT}", line)
    if "Value with unterminated quote" in text or "unterminated quote" in text.lower():
        return InputFileError(path, "unterminated quoted field", line)
    if "maximum line size" in text.lower():
        return InputFileError(path, "line too long (is this really a CSV file?)", line)
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    first = first.replace("Invalid Input Error: ", "")
    return InputFileError(path, f"cannot be read as CSV: {first}", line)
