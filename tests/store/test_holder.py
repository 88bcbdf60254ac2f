"""Who holds a store: DuckDB's lock error turned into the holder's own command line."""

from __future__ import annotations

from pathlib import Path

from roundabout.store.holder import Holder, holder_of, is_lock_error, locked_error

DUCKDB = (
    'IO Error: Could not set lock on file "/x/s.duckdb": Conflicting lock is held in '
    "/usr/bin/python3.11 (PID {pid}). See also https://duckdb.org/docs/stable/connect/concurrency"
)


def _proc(tmp_path: Path, pid: int, *argv: str) -> Path:
    (tmp_path / str(pid)).mkdir()
    (tmp_path / str(pid) / "cmdline").write_bytes(b"\0".join(a.encode() for a in argv) + b"\0")
    return tmp_path


def test_a_server_is_named_with_its_address(tmp_path: Path) -> None:
    proc = _proc(tmp_path, 42, "/v/bin/python", "/v/bin/roundabout", "serve", "--port", "9001")
    h = holder_of(DUCKDB.format(pid=42), proc)
    assert h == Holder(42, ("/v/bin/python", "/v/bin/roundabout", "serve", "--port", "9001"))
    assert h.is_server and h.command == "roundabout serve --port 9001"
    assert h.url == "http://127.0.0.1:9001/"
    assert Holder(1, ("python", "-m", "roundabout.cli.main", "serve", "--host=0.0.0.0")).url == (
        "http://0.0.0.0:8000/"
    )


def test_other_holders_and_unreadable_ones(tmp_path: Path) -> None:
    proc = _proc(tmp_path, 7, "/v/bin/roundabout", "ingest", "--format", "baci", "f.csv")
    h = holder_of(DUCKDB.format(pid=7), proc)
    assert not h.is_server and h.url is None
    assert h.command == "roundabout ingest --format baci f.csv"
    assert holder_of(DUCKDB.format(pid=8), proc) == Holder(8)  # no /proc entry
    assert holder_of("IO Error: something else", proc) == Holder(None)
    assert Holder(3, ("/usr/bin/python3.11", "-c", "...")).command == "python3.11"


def test_control_characters_in_a_command_line_never_reach_the_terminal(tmp_path: Path) -> None:
    proc = _proc(tmp_path, 9, "/v/bin/roundabout", "serve", "--host", "\x1b[2Jevil\x07")
    h = holder_of(DUCKDB.format(pid=9), proc)
    assert h.command is not None and h.url is not None
    assert "\x1b" not in h.command + h.url and "\x07" not in h.command + h.url


def test_the_error_is_one_line_and_differs_for_reads_and_writes() -> None:
    assert is_lock_error(DUCKDB.format(pid=1)) and not is_lock_error("IO Error: disk full")
    msg = DUCKDB.format(pid=999_999_999)  # no such process: command line unknown
    read = locked_error(Path("s.duckdb"), msg, read_only=True)
    assert read.pid == 999_999_999 and read.server is None
    assert str(read) == (
        "s.duckdb is in use by another process (PID 999999999), which has the store's file "
        "lock: try again when it is done"
    )


def test_a_published_server_is_trusted_only_as_the_lock_s_holder_with_a_private_token(
    tmp_path: Path,
) -> None:
    import json
    import os

    from roundabout.store.holder import Published, published, server_file, token_file

    db = tmp_path / "s.duckdb"
    assert published(db, 42) is None  # nothing published
    server_file(db).write_text(json.dumps({"pid": 42, "url": "http://127.0.0.1:9/"}))
    token_file(db).write_text("secret\n")
    os.chmod(token_file(db), 0o644)
    assert published(db, 42) is None  # a token others can read
    os.chmod(token_file(db), 0o600)
    assert published(db, 42) == Published(42, "http://127.0.0.1:9/", "secret")
    assert published(db, 43) is None  # another process holds the lock (a stale file)
    assert published(db, None) is None
    server_file(db).write_text("{not json")
    assert published(db, 42) is None
