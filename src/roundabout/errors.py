"""Typed errors. Each carries what a person needs to fix the input, in one line.

Every error the CLI prints comes from here; anything else is a bug. HTTP routes map
``status`` onto the response code.
"""

from __future__ import annotations

from pathlib import Path


class RoundaboutError(Exception):
    """Base class: a user-facing problem with a one-line message."""

    status: int = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputFileError(RoundaboutError):
    """A file is not what it claims to be (names the file and, when known, the line)."""

    def __init__(self, path: Path | str, message: str, line: int | None = None) -> None:
        where = f"{path}" if line is None else f"{path}: line {line}"
        super().__init__(f"{where}: {message}")
        self.path = str(path)
        self.line = line
        self.detail = message


class MappingError(RoundaboutError):
    """A column-mapping file is invalid (names the file and field)."""


class StoreError(RoundaboutError):
    """The store cannot be opened or is not a roundabout store."""

    status = 500


class NotFoundError(RoundaboutError):
    """Something asked for does not exist (a hub absent from the data, an unknown list)."""

    status = 404


class EngineUnavailableError(RoundaboutError):
    """An optional engine is not installed; the message says how to install it."""

    status = 501


class StoreLockedError(StoreError):
    """Another process holds the store file (DuckDB lets one process write it, or several
    read it). The message names the holder; ``pid`` and ``server`` say who it is."""

    status = 503

    def __init__(self, message: str, *, pid: int | None, server: str | None) -> None:
        super().__init__(message)
        self.pid = pid
        self.server = server
