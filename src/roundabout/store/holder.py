"""Who holds a store file, in words a person can act on.

DuckDB lets one process open a store for writing, or any number for reading, never both; the
losers get ``IO Error: Could not set lock on file ...: Conflicting lock is held in
/usr/bin/python3.11 (PID 1234)``. That names the interpreter, not the program. This module
reads the holder's command line (``/proc/PID/cmdline``, Linux) to say *which* roundabout
command holds the file, and for ``roundabout serve`` the address it answers on, then builds
the one-line :class:`~roundabout.errors.StoreLockedError` every command prints.

A ``roundabout serve`` also publishes itself next to the store (:func:`server_file`,
:func:`token_file`; written by :mod:`roundabout.api.local_caller`): the commands that can be
asked of it (:mod:`roundabout.cli.beside`) find it with :func:`published`, which trusts the
files only when they are this user's, the token is private, and the published PID is the one
DuckDB names as the holder of the lock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from roundabout.errors import StoreLockedError

_PID = re.compile(r"\(PID (\d+)\)")
LOCK_MESSAGE = "Could not set lock on file"
#: The writing commands a running server carries out itself (:mod:`roundabout.cli.beside`).
SERVED_WRITES = "`keys`, `screen parties`, `screen shipments`, `screen decide`"


@dataclass(frozen=True, slots=True)
class Holder:
    """The process holding a store: its PID and, when readable, its command line."""

    pid: int | None
    argv: tuple[str, ...] = ()

    @property
    def roundabout_args(self) -> tuple[str, ...] | None:
        """The arguments after ``roundabout`` when the holder is the CLI, else ``None``."""
        for i, word in enumerate(self.argv):
            if Path(word).name == "roundabout" or word in ("roundabout.cli.main", "roundabout"):
                return self.argv[i + 1 :]
        return None

    @property
    def command(self) -> str | None:
        """``roundabout serve --port 9000`` or the executable, printable."""
        args = self.roundabout_args
        if args is not None:
            return _printable(" ".join(("roundabout", *args)))
        return _printable(Path(self.argv[0]).name) if self.argv else None

    @property
    def is_server(self) -> bool:
        args = self.roundabout_args
        return bool(args) and args[0] == "serve"  # type: ignore[index]

    @property
    def url(self) -> str | None:
        """Where a ``roundabout serve`` holder listens (its ``--host``/``--port`` or defaults)."""
        if not self.is_server:
            return None
        args = self.roundabout_args or ()
        host, port = _option(args, "--host") or "127.0.0.1", _option(args, "--port") or "8000"
        return _printable(f"http://{host}:{port}/")


def _option(args: tuple[str, ...], name: str) -> str | None:
    for i, word in enumerate(args):
        if word == name and i + 1 < len(args):
            return args[i + 1]
        if word.startswith(name + "="):
            return word.split("=", 1)[1]
    return None


def _printable(text: str, limit: int = 160) -> str:
    """Another process's command line is untrusted text: no control characters, bounded."""
    clean = "".join(ch if ch.isprintable() else "?" for ch in text)
    return clean if len(clean) <= limit else clean[: limit - 3] + "..."


def holder_of(duckdb_message: str, proc: Path = Path("/proc")) -> Holder:
    """The holder named by DuckDB's lock error (command line from ``proc`` when readable)."""
    found = _PID.search(duckdb_message)
    if not found:
        return Holder(None)
    pid = int(found.group(1))
    try:
        raw = (proc / str(pid) / "cmdline").read_bytes()
    except OSError:
        return Holder(pid)
    return Holder(pid, tuple(w.decode("utf-8", "replace") for w in raw.split(b"\0") if w))


def is_lock_error(message: str) -> bool:
    return LOCK_MESSAGE in message


def locked_error(path: Path, duckdb_message: str, *, read_only: bool) -> StoreLockedError:
    """One line: who holds ``path``, and what to do (reads and writes differ for a server)."""
    h = holder_of(duckdb_message)
    pid = f"PID {h.pid}" if h.pid is not None else "PID unknown"
    if h.is_server:
        who = f"`{h.command}` ({pid}, {h.url})"
        if read_only:
            hint = "ask the server (its API and dashboard) or stop it to read the file here"
        else:
            hint = (
                "this command writes the store and does not go through a running server "
                f"(those that do: {SERVED_WRITES}): stop it, run this again"
            )
        return StoreLockedError(
            f"{path} is held by the server {who}, which has the store's file lock: {hint}",
            pid=h.pid,
            server=h.url,
        )
    who = f"`{h.command}` ({pid})" if h.command else f"another process ({pid})"
    return StoreLockedError(
        f"{path} is in use by {who}, which has the store's file lock: try again when it is done",
        pid=h.pid,
        server=None,
    )


# -- a server's published address and local credential -----------------------------------------

SERVER_SUFFIX = ".server.json"
TOKEN_SUFFIX = ".server-token"


def server_file(db: Path) -> Path:
    """Where ``roundabout serve`` publishes its address for ``db``: ``<store>.server.json``
    (``{"pid": ..., "url": ...}``, readable by anyone who may read the directory)."""
    return db.with_name(db.name + SERVER_SUFFIX)


def token_file(db: Path) -> Path:
    """The server's local credential for ``db``: ``<store>.server-token``, mode 0600, so
    only the store's owner (who could open the store file anyway) can ask it as the CLI."""
    return db.with_name(db.name + TOKEN_SUFFIX)


@dataclass(frozen=True, slots=True)
class Published:
    """A running server's address and credential, as the CLI may use them."""

    pid: int
    url: str
    token: str


def published(db: Path, pid: int | None) -> Published | None:
    """The server holding ``db``, when it published itself and can be trusted with it.

    Trusted means: the published PID is the process holding the store's lock (``pid``, from
    DuckDB's error), both files belong to this user, and the token is readable by this user
    only. Anything else (no server file, a stale one from a killed server, a file planted by
    another user in a shared directory) is ``None``: the command then fails as before."""
    import json
    import os
    import stat

    try:
        doc = json.loads(server_file(db).read_text(encoding="utf-8"))
        info = token_file(db).stat()
        token = token_file(db).read_text(encoding="utf-8").strip()
        owner = server_file(db).stat().st_uid
    except (OSError, ValueError):
        return None
    me = os.getuid()
    if not isinstance(doc, dict) or owner != me or info.st_uid != me:
        return None
    if stat.S_IMODE(info.st_mode) & 0o077 or not token:
        return None
    server_pid, url = doc.get("pid"), doc.get("url")
    if not isinstance(server_pid, int) or not isinstance(url, str) or server_pid != pid:
        return None
    return Published(server_pid, url, token)
