"""Load one file into the store: all of it or nothing, once.

The steps, in one transaction:

1. hash the file; if the manifest already has that SHA-256, load nothing;
2. the importer stages it (every column read as text, then normalised by Ibis expressions);
3. good rows go to ``flows``, bad rows to ``quarantine`` with line and reason;
4. a ``manifest`` row records the counts: ``rows_read = rows_loaded + rows_rejected``
   (``rows_summed`` of the loaded rows are breakdowns summed into their total).

Any error, or an interruption, rolls everything back: the store is as before.
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa

from roundabout.errors import InputFileError
from roundabout.sources.base import Importer, StageContext, Staged, raw_joined
from roundabout.sources.files import check_exists, sha256_of
from roundabout.store.schema import FLOWS_SCHEMA, MANIFEST_SCHEMA, QUARANTINE_SCHEMA
from roundabout.store.store import Store

ProgressFn = Callable[[float], None]


@dataclass(frozen=True)
class LoadResult:
    """What happened to one file (the JSON object ``roundabout ingest --json`` prints)."""

    file: str
    format: str
    status: str  # "loaded" or "already_loaded"
    sha256: str
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    codes_padded: int
    seconds: float
    rejected_reasons: dict[str, int]
    #: file rows loaded as part of a total summed from breakdowns (see
    #: :mod:`roundabout.sources.breakdowns`); counted in ``rows_loaded``
    rows_summed: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def already_loaded(store: Store, sha256: str) -> bool:
    m = store.table("manifest")
    return bool(m.filter(m.file_sha256 == sha256).count().execute() > 0)


def _size_seen(store: Store, size: int) -> bool:
    """Whether the manifest has a file of this size (only such a file can be a repeat)."""
    m = store.table("manifest")
    return bool(m.filter(m.size_bytes == size).count().execute() > 0)


def load_file(
    store: Store,
    importer: Importer,
    path: Path,
    *,
    encoding: str = "utf-8",
    delimiter: str | None = None,
    mapping: Path | None = None,
    progress: ProgressFn | None = None,
) -> LoadResult:
    """Load ``path`` with ``importer`` into ``store`` (see the module docstring)."""
    started = time.perf_counter()
    size = check_exists(path)
    hashing: _Hashing | None = None
    sha = ""
    if _size_seen(store, size):
        sha = sha256_of(path)
        if already_loaded(store, sha):
            return LoadResult(
                str(path), importer.format, "already_loaded", sha, 0, 0, 0, 0, 0.0, {}
            )
    else:
        # No file of this size was loaded, so this one is new: hash it while the engine
        # stages it (hashlib releases the GIL), instead of reading the file twice in turn.
        hashing = _Hashing(path)
    with tempfile.TemporaryDirectory(prefix="roundabout-") as tmp:
        ctx = StageContext(
            backend=store.backend,
            path=path,
            workdir=Path(tmp),
            encoding=encoding,
            delimiter=delimiter,
            mapping=mapping,
        )
        try:
            # Staging reads the file into temp tables (never part of the store) before the
            # transaction; only the inserts touch the store.
            with _watch(store, progress):
                staged = importer.stage(ctx)
                if hashing is not None:
                    sha = hashing.result()
                return _insert(store, importer, staged, path, sha, size, started)
        finally:
            ctx.cleanup()
            if hashing is not None:
                hashing.stop.set()


def _insert(
    store: Store,
    importer: Importer,
    staged: Staged,
    path: Path,
    sha: str,
    size: int,
    started: float,
) -> LoadResult:
    # The staged table stays an expression over the importer's last materialised step: the
    # counts read two cheap columns of it, the inserts evaluate it once each (good rows, then
    # the few bad ones). Materialising it too would cost a full extra write.
    st = staged.table
    # A staged row may stand for several file rows (breakdowns summed into their total).
    summing = "_rows" in st.columns
    counts = (
        st.aggregate(
            read=st._rows.sum() if summing else st.count(),
            rejected=st._reason.notnull().sum(),
            padded=st._padded.sum(),
            summed=(
                ibis.cases((st._summed, st._rows), else_=0).sum() if summing else ibis.literal(0)
            ),
        )
        .to_pyarrow()
        .to_pylist()[0]
    )
    with store.transaction():
        rows_read = int(counts["read"] or 0)
        rejected = int(counts["rejected"] or 0)
        padded = int(counts["padded"] or 0)
        rows_summed = int(counts["summed"] or 0)
        if rows_read == 0:
            raise InputFileError(path, "no data rows after the header")
        good = st.filter(st._reason.isnull())
        store.backend.insert(
            "flows",
            good.select(
                *[
                    (ibis.literal(sha) if c == "file_sha256" else good[c]).cast(t).name(c)
                    for c, t in FLOWS_SCHEMA.items()
                ]
            ),
        )
        reasons: dict[str, int] = {}
        if rejected:
            bad = st.filter(st._reason.notnull())
            if "_raw" in bad.columns:
                raw_text = bad.select("_line", "_reason", "_raw")
            else:
                assert staged.raw is not None, "importer gave neither _raw nor the raw table"
                raw = staged.raw
                fields = [c for c in raw.columns if c != "_line"]
                raw = raw.select(_rline=raw._line, _raw=raw_joined(raw, fields))
                slim = bad.select("_line", "_reason")
                raw_text = slim.left_join(raw, slim._line == raw._rline).select(
                    "_line", "_reason", "_raw"
                )
            store.backend.insert(
                "quarantine",
                raw_text.select(
                    file_sha256=ibis.literal(sha),
                    source_file=ibis.literal(path.name),
                    line=raw_text._line,
                    reason=raw_text._reason,
                    raw=raw_text._raw,
                ).cast(QUARANTINE_SCHEMA),
            )
            by = bad.group_by("_reason").aggregate(n=bad.count()).to_pyarrow().to_pylist()
            reasons = {r["_reason"]: int(r["n"]) for r in by}
        seconds = time.perf_counter() - started
        manifest = pa.table(
            {
                "file_sha256": [sha],
                "path": [str(path.resolve())],
                "file_name": [path.name],
                "size_bytes": [size],
                "format": [importer.format],
                "source": [staged.source],
                "encoding": [staged.encoding],
                "rows_read": [rows_read],
                "rows_loaded": [rows_read - rejected],
                "rows_rejected": [rejected],
                "codes_padded": [padded],
                "rows_summed": [rows_summed],
                "loaded_at": [datetime.now(UTC)],
                "seconds": [seconds],
            },
            schema=MANIFEST_SCHEMA.to_pyarrow(),
        )
        store.append("manifest", manifest)

    return LoadResult(
        file=str(path),
        format=importer.format,
        status="loaded",
        sha256=sha,
        rows_read=rows_read,
        rows_loaded=rows_read - rejected,
        rows_rejected=rejected,
        codes_padded=padded,
        seconds=round(seconds, 3),
        rejected_reasons=reasons,
        rows_summed=rows_summed,
    )


class _Hashing:
    """The file's SHA-256, computed in a thread (stopped early when the load fails)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.stop = threading.Event()
        self.sha = ""
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.sha = sha256_of(self.path, self.stop)
        except BaseException as exc:  # re-raised by result() in the loading thread
            self.error = exc

    def result(self) -> str:
        self.thread.join()
        if self.error is not None:
            raise self.error
        return self.sha


class _watch:
    """Poll DuckDB's query progress in a thread and report it (a no-op without a callback)."""

    def __init__(self, store: Store, progress: ProgressFn | None) -> None:
        self.store = store
        self.progress = progress
        self.stop = threading.Event()
        self.thread: threading.Thread | None = None

    def _run(self) -> None:
        assert self.progress is not None
        while not self.stop.wait(0.2):
            try:
                pct = self.store.query_progress()
            except Exception:
                return
            if pct >= 0:
                self.progress(pct)

    def __enter__(self) -> None:
        if self.progress is not None:
            self.thread = threading.Thread(target=self._run, daemon=True)
            self.thread.start()

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        if self.thread is not None:
            self.thread.join()
