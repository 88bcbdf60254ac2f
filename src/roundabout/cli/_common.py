"""What every command shares: the store option, error handling, output helpers."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer

from roundabout.errors import RoundaboutError
from roundabout.settings import resolve_db_path
from roundabout.text_safety import json_text, visible

P = ParamSpec("P")
R = TypeVar("R")

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="Store file (default: $ROUNDABOUT_DB, else ./roundabout.duckdb).",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress or chatter.")]


def db_path(db: Path | None) -> Path:
    return resolve_db_path(db)


def output_file(path: Path, what: str = "--out") -> Path:
    """``path`` as a file to write: its directory must exist (never created on the fly, so a
    typo is not a new folder) and it must not be a directory. Check before the work starts."""
    if path.is_dir():
        raise RoundaboutError(f"{what} {path}: is a directory, not a file")
    parent = path.parent
    if not parent.is_dir():
        raise RoundaboutError(f"{what} {path}: no such directory {parent} (create it first)")
    return path


def fails_cleanly(fn: Callable[P, R]) -> Callable[P, R]:
    """Print a :class:`RoundaboutError` as one line on stderr and exit with status 1."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except RoundaboutError as exc:
            typer.echo(f"error: {visible(str(exc))}", err=True)
            raise typer.Exit(1) from None

    return wrapper


def print_json(obj: Any) -> None:
    sys.stdout.write(json_text(json.dumps(obj, ensure_ascii=False, indent=2, default=str)) + "\n")
    sys.stdout.flush()
